import { describe, expect, it } from "vitest";
import { graphOfLayers, resnet50Graph, tinyGraph } from "../testing/fixtures.js";
import { MAX_DRAWN, openedAt, planOf, startingDepth } from "./depth.js";
import { parseGraph } from "./graph.js";
import { countAtDepth, visibleGraph } from "./visible.js";

const fresh = { depth: null, maxVisible: 150, reversed: false };

describe("starting depth", () => {
  it("keeps the depth asked for when it draws and lays out", () => {
    const graph = parseGraph(tinyGraph());
    expect(startingDepth(graph, { ...fresh, depth: 0 })).toBe(0);
    expect(startingDepth(graph, { ...fresh, depth: 1 })).toBe(1);
  });

  it("opens the deepest level with at most maxVisible boxes when none is asked for", () => {
    const graph = parseGraph(resnet50Graph());
    const depth = startingDepth(graph, fresh);
    expect(countAtDepth(graph, depth)).toBeLessThanOrEqual(150);
    expect(startingDepth(graph, { ...fresh, maxVisible: 5 })).toBeLessThan(depth);
  });

  it("goes one level down where the level asked for is one box wired all along the graph", () => {
    const graph = parseGraph(graphOfLayers(8, 40, 10));
    expect(planOf(visibleGraph(graph, openedAt(graph, 0)))).toBeNull();
    expect(startingDepth(graph, fresh)).toBe(1);
  });

  it("opens a level the same way '+' does, within the most the view draws", () => {
    const graph = parseGraph(resnet50Graph());
    for (let d = 0; d <= graph.maxDepth; d++) {
      expect(visibleGraph(graph, openedAt(graph, d)).items.size).toBeLessThanOrEqual(MAX_DRAWN);
    }
  });
});
