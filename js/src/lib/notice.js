// The note above the drawing: why a click, "+" or "−" was refused (the drawing shown stays as
// it was), or why the view opened at another depth than the one asked for. Each note is kept
// as a function of the words, so that it is said anew after a change of language.

import { MAX_DRAWN, openedAt, planOf } from "./depth.js";
import { countAtDepth, visibleGraph } from "./visible.js";

/** @typedef {import("./messages.js").Translate} Translate */
/** @typedef {(t: Translate) => string} Note */

/**
 * Why `vis` cannot be drawn: "too_many" (more boxes than the view draws), "tangled" (Graphviz
 * would freeze the page laying it out) or null when it can be.
 * @param {import("./visible.js").Visible} vis @param {boolean} reversed
 * @returns {"too_many" | "tangled" | null}
 */
export function whyNotDrawn(vis, reversed) {
  if (vis.items.size > MAX_DRAWN) return "too_many";
  return planOf(vis, reversed) === null ? "tangled" : null;
}

/** What to do instead of a drawing refused; `graph_of` has no modules that fold it. */
function advice(/** @type {import("./graph.js").Graph} */ graph, /** @type {Translate} */ t) {
  return t(graph.meta?.source === "graph_of" ? "graphview.refused.advice_graph_of" : "graphview.refused.advice");
}

/**
 * The note for a refused change: why (`why`, of `n` boxes), that the drawing shown at
 * `shown` stays, and what to do instead. `depth`: the depth asked for ("+", "−"), null for
 * opening a module or revealing a node.
 *
 *     refusal(graph, "tangled", { n: 48, depth: 3, shown: 2 })(EN)
 *     // "Laying out depth 3 would freeze the page … The drawing shown is unchanged (depth 2). …"
 *
 * @param {import("./graph.js").Graph} graph @param {"too_many" | "tangled"} why
 * @param {{n:number, depth:number|null, shown:number}} at
 * @returns {Note}
 */
export function refusal(graph, why, { n, depth, shown }) {
  const key = `graphview.refused.${depth === null ? "open" : "depth"}_${why}`;
  return (t) => [t(key, { n, depth }), t("graphview.refused.kept", { depth: shown }), advice(graph, t)].join(" ");
}

/**
 * The note for a view opened at `depth` when `asked` was asked for (`ng.GraphView(g,
 * depth=10)`), null when it opened at the depth asked for (or at the deepest there is).
 * @param {import("./graph.js").Graph} graph
 * @param {{asked:number|null, depth:number, reversed:boolean}} how `reversed`: the backward view
 * @returns {Note|null}
 */
export function depthChange(graph, { asked, depth, reversed }) {
  if (asked === null) return null;
  const wanted = Math.max(0, Math.min(asked, graph.maxDepth));
  if (wanted === depth) return null;
  const n = countAtDepth(graph, wanted);
  const why = n > MAX_DRAWN ? "too_many" : whyNotDrawn(visibleGraph(graph, openedAt(graph, wanted)), reversed);
  if (why === null) return null;
  const fields = { depth, asked, n };
  return (t) => `${t(`graphview.depth_changed.${why}`, fields)} ${t("graphview.depth_changed.advice")}`;
}
