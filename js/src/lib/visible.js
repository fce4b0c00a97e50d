// Which items are drawn: collapsed modules stand for everything below them, folded runs
// of repeated blocks stand for all their blocks, and expanded modules become clusters.
// Pure functions on the parsed graph; the view keeps the state and calls them.

/**
 * @typedef {import("./graph.js").Graph} Graph
 * @typedef {import("./graph.js").GNode} GNode
 * @typedef {{expanded:Set<string>, unfolded:Map<string,number>}} ViewState  unfolded: run id ->
 *   how many of its blocks are drawn one by one (the rest stay folded as "xN more")
 * @typedef {{id:string, type:"node"|"module"|"run", node?:GNode, path?:string,
 *   run?:import("./graph.js").Run, more?:number, members:GNode[], cluster:string}} Item
 *   `more`: for the "xN more" tail of a partly unfolded run, how many blocks it holds
 * @typedef {{items:Map<string,Item>, rep:Map<string,string>,
 *   edges:{source:string,target:string,count:number}[],
 *   clusters:Map<string,{path:string, parent:string|null, items:string[], children:string[]}>}} Visible
 */

/** The id of the item that draws raw node `node` under `state`, and the cluster it sits in. */
export function representative(graph, state, node) {
  const chain = graph.chains.get(node.module) ?? [];
  let cluster = "";
  for (const path of chain) {
    const inRun = graph.runOf.get(path);
    if (inRun) {
      const shown = shownBlocks(graph, state, inRun.run);
      if (shown === 0) return { id: inRun.run, cluster };
      if (inRun.block >= shown) return { id: `${inRun.run}#more`, cluster };
    }
    if (!state.expanded.has(path)) return { id: `m:${path}`, cluster };
    cluster = path;
  }
  return { id: node.id, cluster };
}

/**
 * How many blocks of run `runId` are drawn one by one: a tail of one block left is drawn as
 * that block, not as "×1 more" (which then needed a click to become the block).
 */
function shownBlocks(graph, state, runId) {
  const shown = state.unfolded.get(runId) ?? 0;
  const total = graph.runs.get(runId)?.blocks.length ?? 0;
  return shown > 0 && shown === total - 1 ? total : shown;
}

/**
 * The visible graph under `state`.
 * @param {Graph} graph
 * @param {ViewState} state
 * @returns {Visible}
 */
export function visibleGraph(graph, state) {
  /** @type {Map<string, Item>} */
  const items = new Map();
  const rep = new Map();
  for (const node of graph.nodes) {
    const { id, cluster } = representative(graph, state, node);
    rep.set(node.id, id);
    let item = items.get(id);
    if (!item) {
      if (id === node.id) item = { id, type: "node", node, members: [], cluster };
      else if (id.startsWith("r:")) {
        const run = graph.runs.get(id.replace(/#more$/, ""));
        const more = id.endsWith("#more") && run ? run.blocks.length - shownBlocks(graph, state, run.id) : 0;
        item = { id, type: "run", run, path: run?.paths[0], members: [], cluster, more };
      } else item = { id, type: "module", path: id.slice(2), members: [], cluster };
      items.set(id, item);
    }
    item.members.push(node);
  }
  const seen = new Map();
  for (const e of graph.edges) {
    const s = rep.get(e.source);
    const t = rep.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    const key = `${s}\u0000${t}`;
    const known = seen.get(key);
    if (known) known.count++;
    else seen.set(key, { source: s, target: t, count: 1 });
  }
  // clusters: each expanded module that holds a visible item, and its ancestors
  /** @type {Visible["clusters"]} */
  const clusters = new Map();
  const ensureCluster = (path) => {
    if (path === "" || clusters.has(path)) return clusters.get(path);
    const parent = graph.modules.get(path)?.parent ?? "";
    const c = { path, parent: parent || "", items: [], children: [] };
    clusters.set(path, c);
    if (parent) ensureCluster(parent)?.children.push(path);
    return c;
  };
  for (const item of items.values()) {
    if (item.cluster) ensureCluster(item.cluster)?.items.push(item.id);
  }
  return { items, rep, edges: [...seen.values()], clusters };
}

/**
 * The expanded set for a depth, as in `g.collapse(depth)`: `depth` levels of modules are
 * open; depth 0 draws each top-level module as one box.
 */
export function expandedForDepth(graph, depth) {
  const expanded = new Set();
  for (const m of graph.modules.values()) {
    if (m.path !== "" && m.depth <= depth) expanded.add(m.path);
  }
  return expanded;
}

/**
 * The view state after the user changes the depth to `depth`: modules down to it open and,
 * in each run of repeated blocks that open at this depth, the first block drawn open
 * ("Bottleneck ×3" becomes the first Bottleneck's inside and "×2 more"). Without that, "+"
 * on a ResNet whose every deeper module sits in a folded run changed nothing on screen.
 * @param {Graph} graph
 * @param {number} depth
 */
export function stateForDepth(graph, depth) {
  const state = { expanded: expandedForDepth(graph, depth), unfolded: new Map() };
  for (const run of graph.runs.values()) {
    const block = graph.modules.get(run.paths[0]);
    if (block && block.depth <= depth) state.unfolded.set(run.id, 1);
  }
  return state;
}

/** How many items are drawn at a depth (the first block of each run opening there open). */
export function countAtDepth(graph, depth) {
  const state = stateForDepth(graph, depth);
  const ids = new Set();
  for (const node of graph.nodes) ids.add(representative(graph, state, node).id);
  return ids.size;
}

/**
 * The deepest starting depth that draws at most `limit` items (at least 0), so that a
 * ResNet-50 or a transformer opens readable and a 5,000-node graph opens collapsed.
 */
export function defaultDepth(graph, limit = 150) {
  let best = 0;
  for (let d = 0; d <= graph.maxDepth; d++) {
    if (countAtDepth(graph, d) <= limit) best = d;
    else break;
  }
  return best;
}

/** Expand module `path` (its children start collapsed). */
export function expand(graph, state, path) {
  state.expanded.add(path);
  for (const c of graph.modules.get(path)?.children ?? []) collapseSubtree(graph, state, c);
}

/** Collapse module `path` and everything below it. */
export function collapse(graph, state, path) {
  collapseSubtree(graph, state, path);
}

function collapseSubtree(graph, state, path) {
  state.expanded.delete(path);
  for (const c of graph.modules.get(path)?.children ?? []) {
    const runId = graph.runOf.get(c)?.run;
    if (runId && graph.runs.get(runId)?.paths[0] === c) state.unfolded.delete(runId);
    collapseSubtree(graph, state, c);
  }
}

/** Blocks of a run drawn one by one per click; the rest stay folded as "xN more". */
export const UNFOLD_STEP = 8;

/**
 * Unfold a run of repeated blocks (or its "xN more" tail): the next `UNFOLD_STEP` blocks
 * are drawn one by one, each collapsed.
 */
export function unfold(graph, state, runId, step = UNFOLD_STEP) {
  const run = graph.runs.get(runId.replace(/#more$/, ""));
  if (!run) return;
  const before = state.unfolded.get(run.id) ?? 0;
  const shown = Math.min(run.blocks.length, before + step);
  for (const block of run.blocks.slice(before, shown)) for (const p of block) collapseSubtree(graph, state, p);
  state.unfolded.set(run.id, shown);
}

/** Fold a run back into one `xN` item. */
export function fold(graph, state, runId) {
  state.unfolded.delete(runId);
}

/** Open every module and run on the way to raw node `id`, so that it is drawn itself. */
export function reveal(graph, state, id) {
  const node = graph.byId.get(id);
  if (!node) return;
  for (const path of graph.chains.get(node.module) ?? []) {
    const inRun = graph.runOf.get(path);
    if (inRun && (state.unfolded.get(inRun.run) ?? 0) <= inRun.block) {
      unfold(graph, state, inRun.run, inRun.block + 1 - (state.unfolded.get(inRun.run) ?? 0));
    }
    if (!state.expanded.has(path)) expand(graph, state, path);
  }
}
