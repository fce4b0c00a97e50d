import { describe, expect, it } from "vitest";
import { bigGraph, graphBuilder, graphOfMlp, resnet50Graph, tinyGraph, tracedMlp, XSS_NAME } from "../testing/fixtures.js";
import { parseGraph, nodesBelow } from "./graph.js";

describe("parseGraph", () => {
  it("counts the depth of a collapsed graph by the modules that hold its boxes", () => {
    // `g.collapse(1)` keeps the whole module table; its box for "a" holds all below it
    const modules = [
      { path: "", type: "Net", parent: null },
      { path: "a", type: "Block", parent: "" },
      { path: "a.b", type: "Inner", parent: "a" },
      { path: "a.b.c", type: "Linear", parent: "a.b" },
    ];
    const nodes = [
      { id: "x", kind: "input", module: "" },
      { id: "m:a", kind: "module", module: "a" },
    ];
    const g = parseGraph({ nodes, edges: [{ source: "x", target: "m:a" }], modules });
    expect(g.maxDepth).toBe(1);
  });

  it("indexes nodes, edges and the module tree", () => {
    const g = parseGraph(tinyGraph());
    expect(g.nodes.length).toBe(11);
    expect(g.byId.get("n0")?.kind).toBe("input");
    expect(g.modules.get("fc1")?.parent).toBe("");
    expect(g.modules.get("")?.children).toEqual(["fc1", "act", XSS_NAME]);
    expect(g.modules.get("fc1")?.count).toBe(3);
    expect(g.maxDepth).toBe(1);
  });

  it("accepts JSON text and fills defaults for short hand-written nodes", () => {
    const g = parseGraph(JSON.stringify({ nodes: [{ id: 1, module: "a.b" }], edges: [{ source: 1, target: 9 }] }));
    const n = g.byId.get("1");
    expect(n?.flags).toEqual([]);
    expect(n?.label).toBe("1");
    expect(g.edges).toEqual([]); // dangling edge dropped
    // modules the list lacks are created from the dotted path
    expect(g.modules.get("a")?.children).toEqual(["a.b"]);
    expect(g.modules.get("a.b")?.depth).toBe(2);
    expect(nodesBelow(g, "a").map((x) => x.id)).toEqual(["1"]);
  });

  it("fills every attribute the Python widget leaves out with the schema default", () => {
    // nngraph/widgets/_wire.py sends only what differs from these (SENT_DEFAULTS)
    const g = parseGraph({
      nodes: [
        { id: "n0", label: "x" },
        { id: "n1", label: "w", backward: "AccumulateGrad", tracked: false },
        { id: "n2", label: "add", backward: "AddBackward0" },
      ],
      modules: [{ path: "" }, { path: "a" }, { path: "a.b" }],
    });
    expect(g.byId.get("n0")).toEqual({
      id: "n0", kind: "op", label: "x", op: null, backward: null, module: "", module_type: null,
      name: null, shape: null, dtype: null, device: null, requires_grad: false, tracked: false,
      value: null, grad: null, seq: null, backward_order: null, dead: null, params: 0, flags: [],
      repeat: 1,
    });
    expect(g.byId.get("n1")?.tracked).toBe(false);
    expect(g.byId.get("n2")?.tracked).toBe(true); // a missing `tracked` follows `backward`
    const b = g.modules.get("a.b");
    expect([b?.parent, b?.depth, b?.params, b?.type, b?.config]).toEqual(["a", 2, 0, null, null]);
    expect(g.modules.get("")?.parent).toBe(null);
  });

  it("rejects what is not a graph", () => {
    expect(() => parseGraph({ hello: 1 })).toThrow(/not an nngraph graph/);
  });

  it("finds runs of repeated blocks", () => {
    const g = parseGraph(resnet50Graph());
    // block 0 of each stage has a downsample, the rest are identical
    expect(g.runs.get("r:layer1.1")?.paths).toEqual(["layer1.1", "layer1.2"]);
    expect(g.runs.get("r:layer3.1")?.paths.length).toBe(5);
    expect(g.runOf.has("layer1.0")).toBe(false);
    // the same blocks with other settings (a Dropout's p) are not repeats
    const data = resnet50Graph();
    data.modules.find((m) => m.path === "layer1.2").config = "p=0.5";
    expect(parseGraph(data).runs.has("r:layer1.1")).toBe(false);
    const frozen = resnet50Graph(); // a block in eval mode next to ones in training mode
    frozen.modules.find((m) => m.path === "layer1.2").training = false;
    expect(parseGraph(frozen).runs.has("r:layer1.1")).toBe(false);
    // the first bottleneck's c3 and downsample are alike but side by side (main path, skip)
    expect(parseGraph(resnet50Graph()).runs.has("r:layer1.0.c3")).toBe(false);
    const big = parseGraph(bigGraph(5000));
    expect(big.runs.get("r:layers.0")?.paths.length).toBeGreaterThan(100);
  });
});

describe("runs of repeated blocks", () => {
  /** Two identical Linear modules; `between`: a top-level relu between them (else chained). */
  function twoLinears(between) {
    const b = graphBuilder();
    let y = b.node("input", "x", { shape: [2, 4], name: "x" });
    for (const path of ["fc1", "fc2"]) {
      b.module(path, "Linear", 20);
      const w = b.param(`${path}.weight`, path, [4, 4]);
      y = b.op("linear", path, [y, w], { shape: [2, 4], module_type: "Linear" });
      if (between) y = b.op("relu", "", [y], { shape: [2, 4] });
    }
    b.edge(y, b.node("output", "output", { shape: [] }));
    return parseGraph(b.json());
  }

  it("fold blocks that feed each other, not blocks with something outside between them", () => {
    expect([...twoLinears(false).runs.keys()]).toEqual(["r:fc1"]);
    // "Linear ×2" -> relu -> "Linear ×2" would be a cycle: drawn one by one, as collapse() does
    const g = twoLinears(true);
    expect([...g.runs.keys()]).toEqual([]);
    expect(g.runOf.size).toBe(0);
  });

  /**
   * Identical Linear modules `paths` (4 -> 4), each reading what `wiring` says: a path read
   * earlier, or "x"; `outputs`: the values the graph returns, each ending in an output node.
   * `extra(b, ids)` adds nodes before the graph is parsed.
   */
  function linears(paths, wiring, outputs, extra = (b, ids) => {}) {
    const b = graphBuilder();
    const ids = { x: b.node("input", "x", { shape: [2, 4], name: "x" }) };
    for (const path of paths) {
      b.module(path, "Linear", 20);
      const w = b.param(`${path}.weight`, path, [4, 4]);
      ids[path] = b.op("linear", path, [...wiring[path].map((p) => ids[p]), w], { shape: [2, 4], module_type: "Linear" });
    }
    extra(b, ids);
    for (const o of outputs) b.edge(ids[o], b.node("output", "output", { shape: [2, 4] }));
    return parseGraph(b.json());
  }

  it("fold only blocks in series: each feeds the next, and only the next", () => {
    // a VAE: `mu = self.mu(h)`, `logvar = self.logvar(h)` read the same h; "Linear ×2" would
    // hang every op of the reparameterisation and the KL term off one box
    const vae = linears(["enc", "mu", "logvar"], { enc: ["x"], mu: ["enc"], logvar: ["enc"] }, [], (b, ids) => {
      const std = b.op("exp", "", [ids.logvar], { shape: [2, 4] });
      const z = b.op("add", "", [ids.mu, b.op("mul", "", [std], { shape: [2, 4] })], { shape: [2, 4] });
      b.edge(b.op("sum", "", [z, b.op("pow", "", [ids.mu], { shape: [2, 4] })], { shape: [] }), b.node("output", "output", { shape: [] }));
    });
    expect([...vae.runs.keys()]).toEqual([]);
    expect(vae.runOf.size).toBe(0);
    // two task heads on one body, each returned
    expect(linears(["body", "head_a", "head_b"], { body: ["x"], head_a: ["body"], head_b: ["body"] }, ["head_a", "head_b"]).runs.size).toBe(0);
    // `a` feeds `b` and also `c`: one "Linear ×2" box would hide that `c` reads `a`, not `b`
    expect(linears(["a", "b", "c"], { a: ["x"], b: ["a"], c: ["a"] }, ["b", "c"]).runs.size).toBe(0);
    // a block may also read what the block before it reads (the encoder output every decoder
    // layer attends to), not a value only it is given
    expect(linears(["a", "b"], { a: ["x"], b: ["a", "x"] }, ["b"]).runs.size).toBe(1);
    const twoInputs = linears(["pre", "a", "b"], { pre: ["x"], a: ["pre"], b: ["a", "x"] }, ["b"]);
    expect([...twoInputs.runs.values()].map((r) => r.paths)).toEqual([["pre", "a"]]);
    // a Sequential of identical layers folds, and a run ends where the series does
    const chain = linears(["0", "1", "2", "3"], { 0: ["x"], 1: ["0"], 2: ["1"], 3: ["x"] }, ["2", "3"]);
    expect([...chain.runs.values()].map((r) => r.paths)).toEqual([["0", "1", "2"]]);
    expect(chain.runOf.has("3")).toBe(false);
  });

  it("fold blocks in series that also return a value nothing uses", () => {
    // a layer that returns a cache slice on the side (`graph.unused`) still feeds only the next
    const b = graphBuilder();
    let y = b.node("input", "x", { shape: [2, 4], name: "x" });
    const unused = [];
    for (const path of ["0", "1", "2"]) {
      b.module(path, "Layer", 20);
      y = b.op("linear", path, [y, b.param(`${path}.weight`, path, [4, 4])], { shape: [2, 4] });
      const side = b.node("output", "output", { shape: [2, 4] });
      b.edge(b.op("narrow", path, [y], { shape: [2, 2] }), side);
      unused.push(side);
    }
    b.edge(y, b.node("output", "output", { shape: [2, 4] }));
    const data = b.json();
    data.graph.unused = unused;
    expect([...parseGraph(data).runs.values()].map((r) => r.paths)).toEqual([["0", "1", "2"]]);
    data.graph.unused = []; // returned: each layer's slice is a result of its own
    expect(parseGraph(data).runs.size).toBe(0);
  });

  it("fold modules that ran their ops, never modules that only hold parameters (graph_of)", () => {
    expect(parseGraph(tracedMlp(40)).runs.get("r:0")?.blocks.length).toBe(40);
    // graph_of knows only which module a parameter belongs to: "Linear ×40" would be one box
    // wired to ops all along the chain, which Graphviz takes minutes to lay out
    const g = parseGraph(graphOfMlp(40));
    expect(g.runs.size).toBe(0);
    expect(g.runOf.size).toBe(0);
  });
});
