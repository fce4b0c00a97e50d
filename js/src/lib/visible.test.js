import { describe, expect, it } from "vitest";
import { bigGraph, resnet50Graph, tinyGraph } from "../testing/fixtures.js";
import { parseGraph } from "./graph.js";
import { collapse, countAtDepth, defaultDepth, expand, expandedForDepth, reveal, unfold, visibleGraph } from "./visible.js";

const stateAt = (g, d) => ({ expanded: expandedForDepth(g, d), unfolded: new Map() });

describe("visibleGraph", () => {
  it("draws each top-level module as one node at depth 1", () => {
    const g = parseGraph(tinyGraph());
    const vis = visibleGraph(g, stateAt(g, 0));
    expect([...vis.items.keys()].sort()).toEqual(["m:act", "m:fc1", `m:${g.modules.get("")?.children[2]}`, "n0", "n8", "n9", "n10"].sort());
    expect(vis.items.get("m:fc1")?.members.length).toBe(3);
    // edges between collapsed items are merged, never self loops
    expect(vis.edges.some((e) => e.source === e.target)).toBe(false);
    expect(vis.edges.find((e) => e.source === "m:fc1")?.target).toBe("m:act");
    expect(vis.clusters.size).toBe(0);
  });

  it("expanding a module shows its nodes in a cluster; collapsing folds them again", () => {
    const g = parseGraph(tinyGraph());
    const state = stateAt(g, 0);
    expand(g, state, "fc1");
    let vis = visibleGraph(g, state);
    expect(vis.items.has("n3")).toBe(true);
    expect(vis.clusters.get("fc1")?.items.sort()).toEqual(["n1", "n2", "n3"]);
    collapse(g, state, "fc1");
    vis = visibleGraph(g, state);
    expect(vis.items.has("m:fc1")).toBe(true);
  });

  it("folds repeated blocks as one run item and unfolds them on demand", () => {
    const g = parseGraph(resnet50Graph());
    const state = stateAt(g, 1);
    let vis = visibleGraph(g, state);
    expect(vis.items.has("r:layer3.1")).toBe(true);
    expect(vis.items.has("m:layer3.0")).toBe(true);
    unfold(g, state, "r:layer3.1");
    vis = visibleGraph(g, state);
    expect(vis.items.has("r:layer3.1")).toBe(false);
    expect(vis.items.has("m:layer3.5")).toBe(true);
  });

  it("unfolds a long run a few blocks at a time, the rest as 'xN more'", () => {
    const g = parseGraph(bigGraph(5000));
    const state = stateAt(g, 1);
    expect(visibleGraph(g, state).items.has("r:layers.0")).toBe(true);
    unfold(g, state, "r:layers.0");
    let vis = visibleGraph(g, state);
    expect(vis.items.has("m:layers.7")).toBe(true);
    expect(vis.items.has("m:layers.8")).toBe(false);
    const more = vis.items.get("r:layers.0#more");
    expect(more?.more).toBe(g.runs.get("r:layers.0")?.blocks.length - 8);
    unfold(g, state, "r:layers.0#more");
    vis = visibleGraph(g, state);
    expect(vis.items.has("m:layers.15")).toBe(true);
  });

  it("draws a tail of one block as that block, not as '×1 more'", () => {
    // ResNet-18's layer1: two BasicBlocks; with the first open, the second is just itself
    const g = parseGraph(bigGraph(86)); // two blocks
    const state = stateAt(g, 1);
    unfold(g, state, "r:layers.0", (g.runs.get("r:layers.0")?.blocks.length ?? 0) - 1);
    const vis = visibleGraph(g, state);
    const last = g.runs.get("r:layers.0")?.blocks.at(-1)?.[0];
    expect([...vis.items.keys()].some((id) => id.endsWith("#more"))).toBe(false);
    expect(vis.items.has(`m:${last}`)).toBe(true);
  });

  it("folds alternating blocks such as Linear, ReLU, Linear, ReLU", () => {
    const nodes = [];
    const modules = [{ path: "", type: "Sequential", parent: null, depth: 0 }];
    for (let i = 0; i < 10; i++) {
      modules.push({ path: String(i), type: i % 2 ? "ReLU" : "Linear", parent: "", depth: 1 });
      nodes.push({ id: `n${i}`, label: i % 2 ? "relu" : "linear", module: String(i) });
    }
    // a Sequential: each layer feeds the next (layers side by side do not fold)
    const edges = nodes.slice(1).map((n, i) => ({ source: nodes[i].id, target: n.id }));
    const g = parseGraph({ nodes, edges, modules });
    expect(g.runs.get("r:0")?.type).toBe("(Linear, ReLU)");
    expect(g.runs.get("r:0")?.blocks.length).toBe(5);
  });

  it("reveal opens every module and run on the way to a node", () => {
    const g = parseGraph(resnet50Graph());
    const state = stateAt(g, 0);
    const target = g.nodes.find((n) => n.module === "layer2.3.c2.conv");
    if (!target) throw new Error("fixture changed");
    reveal(g, state, target.id);
    expect(visibleGraph(g, state).items.has(target.id)).toBe(true);
  });

  it("chooses a starting depth that keeps the view readable", () => {
    const resnet = parseGraph(resnet50Graph());
    const d = defaultDepth(resnet);
    expect(countAtDepth(resnet, d)).toBeLessThanOrEqual(150);
    expect(d).toBeGreaterThanOrEqual(1);
    const big = parseGraph(bigGraph(5000));
    expect(big.nodes.length).toBeGreaterThan(4900);
    expect(countAtDepth(big, defaultDepth(big))).toBeLessThanOrEqual(150);
  });
});
