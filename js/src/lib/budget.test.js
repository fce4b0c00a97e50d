import { describe, expect, it } from "vitest";
import { graphOfLayers, resnet50Graph, sharedWeightLoop } from "../testing/fixtures.js";
import { clusterGaps, crossingWork, layoutPlan, layoutWork, MAX_WORK, ranks } from "./budget.js";
import { parseGraph } from "./graph.js";
import { stateForDepth, visibleGraph } from "./visible.js";

const edges = (pairs) => pairs.map(([source, target]) => ({ source, target }));
/** A block of `n` layers each reading the block's input and every layer before it, then
 * concatenated, as DenseNet's `_DenseBlock` opened to its layers. */
function denseBlock(n) {
  const layers = Array.from({ length: n }, (_, i) => `l${i}`);
  const pairs = layers.flatMap((l, i) => [["x", l], ...layers.slice(0, i).map((k) => [k, l]), [l, "cat"]]);
  return { nodes: ["x", ...layers, "cat"].map((id) => ({ id })), edges: edges(pairs), clusters: [] };
}
/** The layout input of a graph drawn at `depth`, as the view hands it to Graphviz. */
function drawnAt(data, depth) {
  const graph = parseGraph(data);
  const vis = visibleGraph(graph, stateForDepth(graph, depth));
  return { nodes: [...vis.items.keys()].map((id) => ({ id })), edges: vis.edges, clusters: [...vis.clusters.values()] };
}

describe("layout budget (as nngraph/graph/_dot_budget.py)", () => {
  it("ranks each node below its inputs, a parameter right above its consumer", () => {
    const r = ranks(["x", "a", "b", "c", "w"], edges([["x", "a"], ["a", "b"], ["b", "c"], ["w", "c"]]));
    expect(Object.fromEntries(r ?? [])).toEqual({ x: 0, a: 1, b: 2, c: 3, w: 2 });
    expect(ranks(["a", "b"], edges([["a", "b"], ["b", "a"]]))).toBeNull();
  });

  it("counts the edges crossing each gap between ranks, squared", () => {
    const fan = edges([["m", "add0"], ["m", "add1"], ["m", "add2"], ["add0", "add1"], ["add1", "add2"]]);
    const r = /** @type {Map<string, number>} */ (ranks(["m", "add0", "add1", "add2"], fan));
    expect(crossingWork(fan, r)).toBe(22); // 3, 3 and 2 edges cross the three gaps
  });

  it("counts the ranks a cluster spans without anything of its own there", () => {
    const e = edges([["w", "a"], ["a", "b"], ["b", "c"], ["v", "c"]]);
    const r = /** @type {Map<string, number>} */ (ranks(["w", "a", "b", "c", "v"], e));
    expect(clusterGaps([{ path: "fc", items: ["w", "v"], children: [] }], r)).toBe(1);
    const nested = [
      { path: "outer", items: [], children: ["outer.fc"] },
      { path: "outer.fc", items: ["w", "v"], children: [] },
    ];
    expect(clusterGaps(nested, r)).toBe(2); // fc's gap, and outer's, which holds what fc holds
  });

  it("lays out real models with their clusters", () => {
    expect(layoutPlan(drawnAt(resnet50Graph(), 2))).toBe("clusters");
  });

  it("refuses one weight feeding every step of a long loop, which freezes Graphviz for minutes", () => {
    const loop = drawnAt(sharedWeightLoop(100), 0);
    expect(layoutWork(loop.edges, /** @type {any} */ (ranks(loop.nodes.map((n) => n.id), loop.edges)))).toBeGreaterThan(MAX_WORK);
    expect(layoutPlan(loop)).toBeNull();
    expect(layoutPlan(drawnAt(sharedWeightLoop(10), 0))).toBe("clusters");
  });

  it("lays out a dense block of 24 layers (DenseNet-121's third), which Graphviz does in ~0.4 s", () => {
    // as many crossings as a weight shared by 100 steps (3 s), on a quarter of the ranks
    expect(layoutPlan(denseBlock(24))).toBe("clusters");
    expect(layoutPlan(denseBlock(40))).toBeNull(); // 12 s
  });

  it("drops the clusters of a graph_of graph whose parameters lie far apart", () => {
    // depth 0: "layers" is one box wired all along the graph; depth 1: one box per layer,
    // in a "layers" cluster that spans the whole graph with nothing of its own between them
    expect(layoutPlan(drawnAt(graphOfLayers(8, 40, 10), 0))).toBeNull();
    expect(layoutPlan(drawnAt(graphOfLayers(8, 40, 10), 1))).toBe("flat");
  });
});
