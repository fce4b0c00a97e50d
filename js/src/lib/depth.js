// Which modules a depth opens, and the depth a view starts at: one whose drawing is not too
// big to draw and that Graphviz lays out without freezing the page (budget.js).

import { layoutPlan, MAX_WORK, QUICK_WORK } from "./budget.js";
import { countAtDepth, defaultDepth, expandedForDepth, stateForDepth, visibleGraph } from "./visible.js";

/** Above this many drawn items the view draws nothing (a click that would open more is
 * refused, a graph with nothing to fold is not laid out) and says why. */
export const MAX_DRAWN = 1500;

/** A view opens at the deepest level that draws at most this many boxes: what a student takes
 * in at a glance (a ResNet's stem and stages, not its 100 blocks); "+" opens more. */
export const START_BOXES = 40;

/**
 * How Graphviz can lay out what `vis` draws (budget.js): with its clusters, without them, or
 * null when it would take so long that the page freezes.
 * @param {import("./visible.js").Visible} vis
 * @param {boolean} [reversed] the backward view (edges laid out from the loss)
 * @param {number} [maxWork] see budget.js
 */
export function planOf(vis, reversed = false, maxWork = MAX_WORK) {
  const edges = vis.edges.map((e) => (reversed ? { source: e.target, target: e.source } : e));
  return layoutPlan({ nodes: [...vis.items.keys()].map((id) => ({ id })), edges, clusters: [...vis.clusters.values()] }, maxWork);
}

/**
 * The state for a depth the user asked for (`g.show(depth=3)`, "+", "−"): the first block of
 * each run that opens at that depth drawn open, unless that draws too much.
 * @param {import("./graph.js").Graph} graph @param {number} depth
 */
export function openedAt(graph, depth) {
  const opened = stateForDepth(graph, depth);
  if (visibleGraph(graph, opened).items.size <= MAX_DRAWN) return opened;
  return { expanded: expandedForDepth(graph, depth), unfolded: new Map() };
}

/**
 * `depth` if Graphviz lays its drawing out quickly, else the nearest depth that it does,
 * deeper ones first (a `graph_of` graph at depth 0 draws a whole transformer's parameters
 * as one box feeding ops all along the graph; one level down splits it by layer); else the
 * same within the most work the view lays out at all; `depth` itself when none is (the
 * drawing then declines). `prefer`: look for a depth laid out in well under a second first
 * (not when the user asked for `depth`: it draws if it does not freeze the page).
 * @param {import("./graph.js").Graph} graph @param {number} depth
 * @param {{prefer:boolean, reversed:boolean}} how
 */
export function quickDepth(graph, depth, { prefer, reversed }) {
  const within = (/** @type {number} */ d, /** @type {number} */ work) => {
    const vis = visibleGraph(graph, openedAt(graph, d));
    return vis.items.size <= MAX_DRAWN && planOf(vis, reversed, work) !== null;
  };
  for (const work of prefer ? [QUICK_WORK, MAX_WORK] : [MAX_WORK]) {
    if (within(depth, work)) return depth;
    for (let d = depth + 1; d <= graph.maxDepth; d++) if (within(d, work)) return d;
    for (let d = depth - 1; d >= 0; d--) if (within(d, work)) return d;
  }
  return depth;
}

/**
 * The depth a view opens at: the one asked for (`depth`, null for none) unless it would draw
 * too much, else the deepest with at most `maxVisible` items (default `START_BOXES`); then the
 * nearest that lays out.
 *
 *     startingDepth(graph, { depth: null, reversed: false }) // 1 for a ResNet: stem, stages, head
 *
 * @param {import("./graph.js").Graph} graph
 * @param {{depth:number|null, maxVisible?:number, reversed:boolean}} how
 */
export function startingDepth(graph, { depth, maxVisible = START_BOXES, reversed }) {
  const kept = depth !== null && countAtDepth(graph, depth) <= MAX_DRAWN ? depth : null;
  return quickDepth(graph, kept ?? defaultDepth(graph, maxVisible), { prefer: kept === null, reversed });
}
