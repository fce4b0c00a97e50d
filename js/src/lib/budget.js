// Whether Graphviz `dot` can lay the visible graph out quickly, judged before running it:
// the layout runs on the page's main thread, so a slow one freezes the notebook. The same
// measures as nngraph/graph/_dot_budget.py (the static picture and `g.save` follow them),
// in time linear in the graph, on a layering close to the one `dot` picks:
// - `layoutWork`: many long edges side by side (one box feeding ops all along a chain:
//   a weight shared by 100 steps of a loop) make every rank cross many edges
//   (`crossingWork`), and `dot` takes longer on them the more ranks they span;
// - `clusterGaps`: module clusters whose members lie far apart (`graph_of` puts a parameter
//   in its module's cluster while the ops stay outside) make `dot` slow too; such a graph is
//   laid out without clusters.
// Measured in Chromium (`dot` in WebAssembly): layoutWork 10M took ~0.4 s (a dense block of
// 24 layers), 20M 1.2 s, 35-51M 1.8-3.5 s (a weight shared by 60 steps, a dense block of 32),
// 130M 26 s, 310M over 5 minutes (a weight shared by 100 steps). crossingWork alone told
// these apart badly: the dense block of 24 (0.4 s) had more of it than that 5-minute loop.

/**
 * @typedef {{source:string, target:string}} Edge
 * @typedef {{path:string, items:string[], children:string[]}} Cluster
 */

/** The most `layoutWork` laid out at all (`dot` in WebAssembly takes up to ~4 s there). */
export const MAX_WORK = 45_000_000;
/** The most `layoutWork` that `dot` lays out in well under a second; the view picks a
 * starting depth within it where it can. */
export const QUICK_WORK = 10_000_000;
/** The most `clusterGaps` worth drawing clusters for; above it the layout draws none. */
export const MAX_GAPS = 100;

/**
 * A rank per node close to the one `dot` picks: each node one rank below its inputs, then a
 * node with no more inputs than outputs pulled down next to its first consumer (where `dot`
 * puts a parameter). Null when the edges make a cycle.
 * @param {string[]} ids
 * @param {Edge[]} edges
 * @returns {Map<string, number> | null}
 */
export function ranks(ids, edges) {
  const succ = new Map(ids.map((id) => [id, /** @type {string[]} */ ([])]));
  const pred = new Map(ids.map((id) => [id, /** @type {string[]} */ ([])]));
  for (const e of edges) {
    if (!succ.has(e.source) || !succ.has(e.target)) continue;
    succ.get(e.source)?.push(e.target);
    pred.get(e.target)?.push(e.source);
  }
  // topological order (Kahn)
  const waiting = new Map(ids.map((id) => [id, pred.get(id)?.length ?? 0]));
  const order = ids.filter((id) => waiting.get(id) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const next of succ.get(order[i]) ?? []) {
      const left = (waiting.get(next) ?? 0) - 1;
      waiting.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  if (order.length < ids.length) return null;
  const rank = new Map();
  for (const id of order) rank.set(id, Math.max(-1, ...(pred.get(id) ?? []).map((p) => rank.get(p))) + 1);
  for (const id of [...order].reverse()) {
    const below = (succ.get(id) ?? []).map((s) => rank.get(s));
    if (below.length && (pred.get(id)?.length ?? 0) <= below.length) rank.set(id, Math.max(rank.get(id), Math.min(...below) - 1));
  }
  return rank;
}

/**
 * Sum over the gaps between ranks of (number of edges crossing it) squared.
 * @param {Edge[]} edges
 * @param {Map<string, number>} rank
 */
export function crossingWork(edges, rank) {
  const top = Math.max(0, ...rank.values()) + 1;
  const change = new Array(top + 1).fill(0);
  for (const e of edges) {
    const a = rank.get(e.source);
    const b = rank.get(e.target);
    if (a === undefined || b === undefined) continue;
    change[Math.min(a, b)] += 1;
    change[Math.max(a, b)] -= 1;
  }
  let work = 0;
  let crossing = 0;
  for (let r = 0; r < top; r++) {
    crossing += change[r];
    work += crossing * crossing;
  }
  return work;
}

/**
 * `crossingWork` times the number of ranks: how long `dot` takes to order the ranks grows
 * with both (see the measures at the top).
 * @param {Edge[]} edges
 * @param {Map<string, number>} rank
 */
export function layoutWork(edges, rank) {
  return crossingWork(edges, rank) * (Math.max(0, ...rank.values()) + 1);
}

/**
 * Ranks each cluster spans without an item of its own (or of a cluster inside it), summed.
 * @param {Cluster[]} clusters
 * @param {Map<string, number>} rank
 */
export function clusterGaps(clusters, rank) {
  const byPath = new Map(clusters.map((c) => [c.path, c]));
  /** @type {Map<string, Set<number>>} */
  const held = new Map();
  const ranksIn = (/** @type {Cluster} */ c) => {
    const known = held.get(c.path);
    if (known) return known;
    const out = new Set(c.items.map((id) => rank.get(id)).filter((r) => r !== undefined));
    held.set(c.path, out); // a malformed tree with a cycle stops here
    for (const child of c.children) {
      const cc = byPath.get(child);
      if (cc) for (const r of ranksIn(cc)) out.add(r);
    }
    return out;
  };
  let gaps = 0;
  for (const c of clusters) {
    const held = [...ranksIn(c)];
    if (held.length) gaps += Math.max(...held) - Math.min(...held) + 1 - held.length;
  }
  return gaps;
}

/**
 * How to lay a graph out: "clusters" (with its module clusters), "flat" (without them, much
 * quicker when clusters lie far apart) or null (too slow to lay out at all). A graph with a
 * cycle is left to `dot`. `maxWork`: the most `layoutWork` accepted.
 *
 *     layoutPlan({nodes: [{id: "x"}, {id: "a"}], edges: [{source: "x", target: "a"}], clusters: []})
 *     // -> "clusters"
 * @param {{nodes:{id:string}[], edges:Edge[], clusters:Cluster[]}} input
 * @param {number} [maxWork]
 * @returns {"clusters" | "flat" | null}
 */
export function layoutPlan(input, maxWork = MAX_WORK) {
  const rank = ranks(
    input.nodes.map((n) => n.id),
    input.edges,
  );
  if (rank === null) return "clusters";
  if (layoutWork(input.edges, rank) > maxWork) return null;
  return clusterGaps(input.clusters, rank) <= MAX_GAPS ? "clusters" : "flat";
}
