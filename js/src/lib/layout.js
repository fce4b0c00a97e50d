// Graphviz (compiled to WebAssembly, inlined in the bundle: no CDN, no system Graphviz)
// lays out the visible graph. We hand it DOT with opaque ids ("v0", "v1", ...) and fixed
// node sizes, ask for "json0" (positions only) and draw the SVG ourselves, so no text from
// the graph ever reaches an HTML or SVG parser.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

/** @type {Promise<any> | null} loaded once per page, shared by every view */
let graphvizPromise = null;

/** The Graphviz instance, loading the wasm on first use. */
export function loadGraphviz() {
  if (!graphvizPromise) {
    graphvizPromise = Graphviz.load().catch((err) => {
      graphvizPromise = null; // let a later call retry
      throw err;
    });
  }
  return graphvizPromise;
}

/**
 * Quote a string for DOT: backslashes, quotes and line breaks escaped, control
 * characters dropped. The result is only ever read by Graphviz.
 * @param {string} text
 */
export function dotString(text) {
  const clean = String(text)
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, "\\n");
  return `"${clean}"`;
}

/**
 * @typedef {{id:string, width:number, height:number}} LayoutNode  sizes in px
 * @typedef {{path:string, label:string, parent:string, items:string[], children:string[]}} LayoutCluster
 * @typedef {{source:string, target:string, weight?:number}} LayoutEdge
 * @typedef {{nodes:LayoutNode[], edges:LayoutEdge[], clusters:LayoutCluster[], rankdir?:string}} LayoutInput
 * @typedef {{x:number, y:number, width:number, height:number}} Box   centre x/y, px, y down
 * @typedef {{width:number, height:number, nodes:Map<string,Box>,
 *   clusters:Map<string,{x:number,y:number,width:number,height:number,labelX:number,labelY:number}>,
 *   edges:{source:string,target:string,points:number[][],arrow:number[]|null}[]}} LayoutResult
 */

const PX_PER_INCH = 72;

/**
 * Write the DOT for a layout input. Every id becomes an opaque "v<i>" / "cluster_<i>".
 * @param {LayoutInput} input
 * @returns {{dot:string, names:Map<string,string>, clusterNames:Map<string,string>}}
 */
export function toDot(input) {
  const names = new Map();
  input.nodes.forEach((n, i) => names.set(n.id, `v${i}`));
  const clusterNames = new Map();
  input.clusters.forEach((c, i) => clusterNames.set(c.path, `cluster_${i}`));
  const byPath = new Map(input.clusters.map((c) => [c.path, c]));
  const nodeById = new Map(input.nodes.map((n) => [n.id, n]));

  const lines = [
    "digraph G {",
    `graph [rankdir=${input.rankdir === "BT" ? "BT" : "TB"}, nodesep=0.18, ranksep=0.3, fontname="Helvetica", fontsize=11, margin=0];`,
    'node [shape=box, fixedsize=true, label=""];',
    "edge [arrowsize=0.6];",
  ];
  const nodeLine = (n) =>
    `${names.get(n.id)} [width=${(n.width / PX_PER_INCH).toFixed(3)}, height=${(n.height / PX_PER_INCH).toFixed(3)}];`;
  const writeCluster = (c, indent) => {
    lines.push(`${indent}subgraph ${clusterNames.get(c.path)} {`);
    lines.push(`${indent}  label=${dotString(c.label)}; labeljust=l; margin=10;`);
    for (const id of c.items) {
      const n = nodeById.get(id);
      if (n) lines.push(indent + "  " + nodeLine(n));
    }
    for (const child of c.children) {
      const cc = byPath.get(child);
      if (cc) writeCluster(cc, indent + "  ");
    }
    lines.push(`${indent}}`);
  };
  const inCluster = new Set();
  for (const c of input.clusters) for (const id of c.items) inCluster.add(id);
  for (const c of input.clusters) if (!c.parent || !byPath.has(c.parent)) writeCluster(c, "");
  for (const n of input.nodes) if (!inCluster.has(n.id)) lines.push(nodeLine(n));
  for (const e of input.edges) {
    const s = names.get(e.source);
    const t = names.get(e.target);
    if (s && t) lines.push(`${s} -> ${t}${e.weight ? ` [weight=${e.weight | 0}]` : ""};`);
  }
  lines.push("}");
  return { dot: lines.join("\n"), names, clusterNames };
}

/**
 * Lay out the input with Graphviz `dot`; coordinates in px with y pointing down.
 * @param {LayoutInput} input
 * @returns {Promise<LayoutResult>}
 */
export async function layout(input) {
  const gv = await loadGraphviz();
  const { dot, names, clusterNames } = toDot(input);
  const json = JSON.parse(gv.layout(dot, "json0", "dot"));
  return readJson0(json, names, clusterNames);
}

/** Turn Graphviz json0 output back into our ids (a pure function, tested on its own). */
export function readJson0(json, names, clusterNames) {
  const [, , bbW, bbH] = String(json.bb || "0,0,0,0").split(",").map(Number);
  const flipY = (y) => bbH - y;
  const idOfName = new Map([...names].map(([id, name]) => [name, id]));
  const pathOfName = new Map([...clusterNames].map(([path, name]) => [name, path]));
  const nodes = new Map();
  const clusters = new Map();
  const gvidToId = new Map();
  for (const obj of json.objects || []) {
    if (pathOfName.has(obj.name) && obj.bb) {
      const [x0, y0, x1, y1] = String(obj.bb).split(",").map(Number);
      const [lx, ly] = String(obj.lp || `${x0},${y1}`).split(",").map(Number);
      clusters.set(pathOfName.get(obj.name), {
        x: x0,
        y: flipY(y1),
        width: x1 - x0,
        height: y1 - y0,
        labelX: lx,
        labelY: flipY(ly),
      });
    } else if (idOfName.has(obj.name) && obj.pos) {
      const [x, y] = String(obj.pos).split(",").map(Number);
      const id = idOfName.get(obj.name);
      gvidToId.set(obj._gvid, id);
      nodes.set(id, {
        x,
        y: flipY(y),
        width: Number(obj.width) * PX_PER_INCH,
        height: Number(obj.height) * PX_PER_INCH,
      });
    }
  }
  const edges = [];
  for (const e of json.edges || []) {
    const source = gvidToId.get(e.tail);
    const target = gvidToId.get(e.head);
    if (source === undefined || target === undefined || !e.pos) continue;
    const { points, arrow } = parseSpline(String(e.pos));
    edges.push({
      source,
      target,
      points: points.map(([x, y]) => [x, flipY(y)]),
      arrow: arrow ? [arrow[0], flipY(arrow[1])] : null,
    });
  }
  return { width: bbW, height: bbH, nodes, clusters, edges };
}

/**
 * Parse a Graphviz edge `pos`: "e,x,y x1,y1 x2,y2 ..." (B-spline control points; `e,`
 * is the arrow tip, `s,` a start arrow we do not use).
 */
export function parseSpline(pos) {
  let arrow = null;
  const points = [];
  for (const part of pos.trim().split(/\s+/)) {
    const bits = part.split(",");
    if (bits[0] === "e") arrow = [Number(bits[1]), Number(bits[2])];
    else if (bits[0] === "s") continue;
    else points.push([Number(bits[0]), Number(bits[1])]);
  }
  return { points, arrow };
}

/** SVG path data for Graphviz spline control points: M p0 C p1 p2 p3 C ... */
export function splinePath(points) {
  if (points.length === 0) return "";
  const f = (p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  let d = `M${f(points[0])}`;
  for (let i = 1; i + 2 < points.length; i += 3) {
    d += `C${f(points[i])} ${f(points[i + 1])} ${f(points[i + 2])}`;
  }
  return d;
}
