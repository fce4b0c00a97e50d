// The graph as the front-end sees it: the JSON of `Graph.to_json()` (docs/schema.md),
// indexed for fast look-ups, with its module tree and runs of repeated blocks.
// Nothing here touches the DOM.

/**
 * @typedef {{mean:number, std:number, min:number, max:number, norm:number,
 *   zero_frac:number, nan:number, inf:number, numel:number, hist?: number[]}} Stats
 * @typedef {{kind:string, where?:string, message?:string}} Flag
 * @typedef {{id:string, kind:string, label:string, op:?string, backward:?string,
 *   module:string, module_type:?string, name:?string, shape:?number[], dtype:?string,
 *   device:?string, requires_grad:boolean, tracked:boolean, value:?Stats, grad:?Stats,
 *   seq:?number, backward_order:?number, dead:?number[], params:number, flags:Flag[],
 *   repeat:number}} GNode
 * @typedef {{path:string, type:?string, config:?string, training:?boolean, parent:?string, depth:number,
 *   params:number, children:string[], nodes:string[], count:number, sig?:string}} GModule
 * @typedef {{id:string, paths:string[], blocks:string[][], parent:string, type:?string}} Run
 * @typedef {{nodes:GNode[], byId:Map<string,GNode>, edges:{source:string,target:string}[],
 *   modules:Map<string,GModule>, runs:Map<string,Run>, runOf:Map<string,{run:string, block:number}>,
 *   chains:Map<string,string[]>, maxDepth:number, meta:Record<string,any>}} Graph
 */

/** Parent path of a dotted module path: "a.b.c" -> "a.b", "a" -> "". */
export function parentPath(path) {
  const i = path.lastIndexOf(".");
  return i < 0 ? "" : path.slice(0, i);
}

/**
 * Parse and index a `to_json()` payload (an object or its JSON text).
 * Missing optional attributes get the schema's defaults, so hand-written fixtures stay short.
 * @param {any} payload
 * @returns {Graph}
 */
export function parseGraph(payload) {
  const data = typeof payload === "string" ? JSON.parse(payload) : payload;
  if (!data || typeof data !== "object" || !Array.isArray(data.nodes)) {
    // `key`: the view shows the message in the student's language
    throw Object.assign(new Error("not an nngraph graph: expected {format: 'nngraph.graph', nodes: [...]}"), { key: "graphview.not_a_graph" });
  }
  /** @type {GNode[]} */
  const nodes = data.nodes.map((raw) => normaliseNode(raw));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = (data.edges || [])
    .map((e) => ({ source: String(e.source), target: String(e.target) }))
    .filter((e) => byId.has(e.source) && byId.has(e.target));

  const modules = buildModules(data.modules || [], nodes);
  const chains = new Map();
  for (const path of modules.keys()) chains.set(path, chainOf(path, modules));
  // only modules holding a node count: a collapsed graph keeps the whole module table, but
  // its boxes hold everything below them (`g.collapse(1)` showed "depth 4")
  let maxDepth = 0;
  for (const m of modules.values()) if (m.count > 0) maxDepth = Math.max(maxDepth, m.depth);
  const links = linksOf(edges);
  const meta = data.graph && typeof data.graph === "object" ? data.graph : {};
  const unused = new Set(Array.isArray(meta.unused) ? meta.unused.map(String) : []);
  const { runs, runOf } = findRuns(modules, byId, links, unused);
  dropRunsThatLoop(runs, runOf, modules, byId, links);
  return {
    nodes,
    byId,
    edges,
    modules,
    runs,
    runOf,
    chains,
    maxDepth,
    meta,
  };
}

/**
 * The edges by node: what each node feeds (`succ`) and reads (`pred`).
 * @param {{source:string,target:string}[]} edges
 * @returns {{succ:Map<string,string[]>, pred:Map<string,string[]>}}
 */
function linksOf(edges) {
  const succ = new Map();
  const pred = new Map();
  for (const e of edges) {
    if (!succ.has(e.source)) succ.set(e.source, []);
    if (!pred.has(e.target)) pred.set(e.target, []);
    succ.get(e.source).push(e.target);
    pred.get(e.target).push(e.source);
  }
  return { succ, pred };
}

/**
 * Drop the runs whose blocks, drawn as one box, would make a cycle: something outside the run
 * fed by one block feeds a later one (`relu(fc1(x))` then `relu(fc2(...))` with the relu at
 * top level: "Linear ×2" -> relu -> "Linear ×2"). Their blocks are drawn one by one instead,
 * as `collapse()` does in Python.
 */
function dropRunsThatLoop(runs, runOf, modules, byId, { succ, pred }) {
  /** Nodes not `inside` reached from `inside` along `next` edges, through such nodes only. */
  const reach = (inside, next) => {
    const seen = new Set();
    const stack = [...inside].flatMap((id) => next.get(id) ?? []).filter((id) => !inside.has(id));
    while (stack.length) {
      const id = stack.pop();
      if (seen.has(id)) continue;
      seen.add(id);
      for (const other of next.get(id) ?? []) if (!inside.has(other) && !seen.has(other)) stack.push(other);
    }
    return seen;
  };
  for (const run of [...runs.values()]) {
    const inside = new Set(run.paths.flatMap((path) => nodesBelow({ modules, byId }, path).map((n) => n.id)));
    const fed = reach(inside, succ);
    const feeding = reach(inside, pred);
    if ([...fed].some((id) => feeding.has(id))) {
      runs.delete(run.id);
      for (const path of run.paths) runOf.delete(path);
    }
  }
}

/** @returns {GNode} */
function normaliseNode(raw) {
  const str = (v) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(raw.id),
    kind: String(raw.kind ?? "op"),
    label: String(raw.label ?? raw.op ?? raw.name ?? raw.id),
    op: str(raw.op),
    backward: str(raw.backward),
    module: String(raw.module ?? ""),
    module_type: str(raw.module_type),
    name: str(raw.name),
    shape: Array.isArray(raw.shape) ? raw.shape.map(Number) : null,
    dtype: str(raw.dtype),
    device: str(raw.device),
    requires_grad: Boolean(raw.requires_grad),
    tracked: Boolean(raw.tracked ?? raw.backward),
    value: readStats(raw.value),
    grad: readStats(raw.grad),
    seq: typeof raw.seq === "number" ? raw.seq : null,
    backward_order: typeof raw.backward_order === "number" ? raw.backward_order : null,
    dead: Array.isArray(raw.dead) ? raw.dead : null,
    params: Number(raw.params ?? 0) || 0,
    flags: Array.isArray(raw.flags) ? raw.flags.filter((f) => f && typeof f === "object") : [],
    repeat: Number(raw.repeat ?? 1) || 1,
  };
}

/** Stats with numbers restored: JSON carries NaN and infinities as "NaN", "Infinity". */
function readStats(raw) {
  if (!raw || typeof raw !== "object") return null;
  const out = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === "string" && /^-?Infinity$|^NaN$/.test(v)) out[k] = Number(v);
    else out[k] = v;
  }
  return /** @type {Stats} */ (out);
}

/**
 * Build the module tree from the `modules` list, adding any module a node names that
 * the list lacks (a graph from `graph_of` has none), so every node has a home.
 * @returns {Map<string, GModule>}
 */
function buildModules(list, nodes) {
  /** @type {Map<string, GModule>} */
  const modules = new Map();
  const add = (path, type = null, parent = null, params = 0, config = null, training = null) => {
    if (modules.has(path)) return modules.get(path);
    const m = {
      path,
      type,
      config,
      training,
      parent: path === "" ? null : (parent ?? parentPath(path)),
      depth: 0,
      params,
      children: [],
      nodes: [],
      count: 0,
    };
    modules.set(path, m);
    return m;
  };
  add("");
  for (const m of list) {
    const path = String(m.path ?? "");
    const text = (v) => (v == null ? null : String(v));
    const training = typeof m.training === "boolean" ? m.training : null;
    const entry = add(path, text(m.type), text(m.parent), Number(m.params ?? 0) || 0, text(m.config), training);
    if (path === "" && m.type != null) entry.type = String(m.type);
  }
  for (const n of nodes) {
    if (!modules.has(n.module)) add(n.module, n.module_type);
  }
  // make sure every parent exists (a list may be partial), then link children in order
  const ensure = (path) => {
    if (modules.has(path)) return;
    add(path);
    ensure(parentPath(path));
  };
  for (const m of [...modules.values()]) if (m.parent !== null) ensure(m.parent);
  for (const m of modules.values()) {
    if (m.parent !== null && m.parent !== m.path) modules.get(m.parent)?.children.push(m.path);
  }
  const seen = new Set();
  const setDepth = (m, d) => {
    if (seen.has(m.path)) return; // a malformed list with a cycle: keep going
    seen.add(m.path);
    m.depth = d;
    for (const c of m.children) setDepth(/** @type {GModule} */ (modules.get(c)), d + 1);
  };
  setDepth(/** @type {GModule} */ (modules.get("")), 0);
  for (const n of nodes) modules.get(n.module)?.nodes.push(n.id);
  const counted = new Set();
  const countBelow = (m) => {
    if (counted.has(m.path)) return 0;
    counted.add(m.path);
    m.count = m.nodes.length;
    for (const c of m.children) m.count += countBelow(modules.get(c));
    return m.count;
  };
  countBelow(modules.get(""));
  return modules;
}

/** Module paths from the top-level module down to `path` (the root "" excluded). */
function chainOf(path, modules) {
  const chain = [];
  let p = path;
  while (p !== "" && p !== null && p !== undefined && !chain.includes(p)) {
    chain.push(p);
    p = modules.get(p)?.parent ?? null;
  }
  return chain.reverse();
}

/**
 * Runs of repeated blocks: back-to-back sibling modules with the same structure (type and
 * settings, the ops inside, the sub-modules) fold into one `xN` item, e.g. twelve transformer
 * layers; a Dropout(0.1) and a Dropout(0.5) stay apart. A
 * block may be up to 4 siblings long: Linear, ReLU, Linear, ReLU, ... is "(Linear, ReLU) xN".
 * A module that holds no op (in a `graph_of` graph every module: it only knows which module
 * a parameter belongs to, not which ran an op) is never folded: its parameters feed ops all
 * along the graph, and one box wired to all of them takes Graphviz minutes to lay out.
 * Only a chain of siblings in series folds, each feeding only the next, as `fold_repeats` in
 * Python chains boxes (see `inSeries`): a VAE's `mu` and `logvar`, two Linear layers that both
 * read `h`, stay two boxes.
 */
function findRuns(modules, byId, links, unused) {
  const hasOp = (m) => m.nodes.some((id) => byId.get(id)?.kind === "op") || m.children.some((c) => hasOp(modules.get(c)));
  const sigOf = (m) => {
    if (m.sig !== undefined) return m.sig;
    const ops = m.nodes.map((id) => nodeKey(byId.get(id))).sort();
    const kids = m.children.map((c) => sigOf(modules.get(c)));
    const mode = m.training === false ? "|eval" : "";
    m.sig = `${m.type}[${m.config ?? ""}${mode}](${ops.join(",")}|${kids.join(";")})`;
    return m.sig;
  };
  // a signature no other module has: a module without ops matches nothing
  const foldable = (m) => (hasOp(m) ? sigOf(m) : `\u0000${m.path}`);
  /** @type {Map<string, Run>} */
  const runs = new Map();
  /** @type {Map<string, {run:string, block:number}>} */
  const runOf = new Map();
  for (const m of modules.values()) {
    const kids = m.children.map((c) => modules.get(c)).filter((k) => k.count > 0);
    const sigs = kids.map(foldable);
    const series = inSeries(kids, { modules, byId }, links, unused);
    let i = 0;
    while (i < kids.length) {
      let best = { period: 1, repeats: 1 };
      for (let period = 1; period <= 4 && i + 2 * period <= kids.length; period++) {
        let repeats = 1;
        // block k repeats the first block, and it and the block before it are one chain
        const chained = (from, to) => {
          for (let j = from; j < to; j++) if (!series(j)) return false;
          return true;
        };
        const same = (k) =>
          sigs.slice(i, i + period).every((sig, j) => sigs[i + k * period + j] === sig) &&
          chained(i + (k - 1) * period, i + (k + 1) * period - 1);
        while (i + (repeats + 1) * period <= kids.length && same(repeats)) repeats++;
        if (repeats >= 2 && period * repeats > best.period * best.repeats) best = { period, repeats };
      }
      if (best.repeats < 2) {
        i++;
        continue;
      }
      const { period, repeats } = best;
      const blocks = [];
      for (let k = 0; k < repeats; k++) blocks.push(kids.slice(i + k * period, i + (k + 1) * period).map((x) => x.path));
      const id = `r:${kids[i].path}`;
      const types = kids.slice(i, i + period).map((x) => x.type ?? "module");
      runs.set(id, { id, paths: blocks.flat(), blocks, parent: m.path, type: period === 1 ? types[0] : `(${types.join(", ")})` });
      blocks.forEach((b, k) => b.forEach((p) => runOf.set(p, { run: id, block: k })));
      i += period * repeats;
    }
  }
  return { runs, runOf };
}

/**
 * For the sibling modules `kids`: `(j) => boolean`, whether `kids[j]` and `kids[j + 1]` are in
 * series, as `fold_repeats` (nngraph/graph/_repeats.py) chains boxes: the first feeds the
 * second, and nothing else outside itself but side outputs (an output that feeds nothing and
 * is in `unused`, a cache slice, or has no gradient where what makes it has one, BatchNorm's
 * batch counter); the second reads nothing from outside itself but the first, values the first
 * reads too (an attention mask, the encoder output every decoder layer attends to) and
 * constants made for it alone. Two heads that read the same `h` are side by side, not in
 * series: folded into one box, every op after them would hang off that box.
 * @param {GModule[]} kids
 * @param {Pick<Graph, "modules"|"byId">} graph
 * @param {{succ:Map<string,string[]>, pred:Map<string,string[]>}} links
 * @param {Set<string>} unused
 */
function inSeries(kids, graph, { succ, pred }, unused) {
  /** @type {string[][] | null} node ids below each kid, built on first use */
  let below = null;
  /** @type {Map<string, number>} node id -> index of the kid it lies below */
  const where = new Map();
  /** @type {Map<number, boolean>} */
  const known = new Map();
  const sideOutput = (/** @type {string} */ id, /** @type {string} */ from) => {
    const n = graph.byId.get(id);
    if (!n || n.kind !== "output" || (succ.get(id) ?? []).length > 0) return false;
    return unused.has(id) || (!n.requires_grad && Boolean(graph.byId.get(from)?.requires_grad));
  };
  /** A constant made from nothing, without a gradient, that only kid `j` reads. */
  const ownConstant = (/** @type {string} */ id, /** @type {number} */ j) => {
    const n = graph.byId.get(id);
    return (
      n?.kind === "constant" &&
      !n.requires_grad &&
      (pred.get(id) ?? []).length === 0 &&
      (succ.get(id) ?? []).every((s) => where.get(s) === j)
    );
  };
  const test = (/** @type {string[][]} */ ids, /** @type {number} */ j) => {
    let feeds = false;
    const reads = new Set(); // what kid j reads from outside itself
    for (const id of ids[j]) {
      for (const s of succ.get(id) ?? []) {
        const w = where.get(s);
        if (w === j + 1) feeds = true;
        else if (w !== j && !sideOutput(s, id)) return false;
      }
      for (const p of pred.get(id) ?? []) if (where.get(p) !== j) reads.add(p);
    }
    if (!feeds) return false;
    for (const id of ids[j + 1]) {
      for (const p of pred.get(id) ?? []) {
        const w = where.get(p);
        if (w !== j + 1 && w !== j && !reads.has(p) && !ownConstant(p, j + 1)) return false;
      }
    }
    return true;
  };
  return (j) => {
    if (!below) {
      below = kids.map((k) => nodesBelow(graph, k.path).map((n) => n.id));
      below.forEach((ids, i) => ids.forEach((id) => where.set(id, i)));
    }
    if (!known.has(j)) known.set(j, test(below, j));
    return /** @type {boolean} */ (known.get(j));
  };
}

/** What makes two nodes "the same" across repeated blocks: kind, op (a parameter's own
 * name without its module path, "weight") and shape. */
function nodeKey(n) {
  const label = n.kind === "param" || n.kind === "buffer" ? n.label.slice(n.label.lastIndexOf(".") + 1) : n.label;
  return `${n.kind}:${label}:${n.shape ? n.shape.join("x") : ""}`;
}

/** Every raw node below a module (itself included), depth first. */
export function nodesBelow(graph, path) {
  const out = [];
  const visit = (p) => {
    const m = graph.modules.get(p);
    if (!m) return;
    for (const id of m.nodes) out.push(/** @type {GNode} */ (graph.byId.get(id)));
    for (const c of m.children) visit(c);
  };
  visit(path);
  return out;
}

/**
 * The ids of the nodes whose label, name, module, op or backward name contains `query`
 * (case-insensitive); none for an empty query.
 *
 *     findNodes(graph, "relu") // ["n3", "n7"]
 *
 * @param {Graph} graph @param {string} query
 * @returns {string[]}
 */
export function findNodes(graph, query) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return graph.nodes
    .filter((n) => [n.label, n.name, n.module, n.op, n.backward].some((v) => v && v.toLowerCase().includes(q)))
    .map((n) => n.id);
}
