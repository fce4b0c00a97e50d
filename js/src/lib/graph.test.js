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

  it("fold modules that ran their ops, never modules that only hold parameters (graph_of)", () => {
    expect(parseGraph(tracedMlp(40)).runs.get("r:0")?.blocks.length).toBe(40);
    // graph_of knows only which module a parameter belongs to: "Linear ×40" would be one box
    // wired to ops all along the chain, which Graphviz takes minutes to lay out
    const g = parseGraph(graphOfMlp(40));
    expect(g.runs.size).toBe(0);
    expect(g.runOf.size).toBe(0);
  });
});
