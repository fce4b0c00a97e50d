// Draw a laid-out visible graph as SVG, element by element (createElementNS + textContent).

import { formatCount } from "./color.js";
import { s } from "./dom.js";
import { flagKind, flagText, formatShape } from "./inspector.js";
import { splinePath } from "./layout.js";
import { EN } from "./messages.js";
import { leftToRight } from "./text.js";

/** @typedef {import("./visible.js").Item} Item */
/** @typedef {import("./visible.js").Visible} Visible */
/** @typedef {import("./layout.js").LayoutResult} LayoutResult */
/** @typedef {{lines:string[], title:string, classes:string[], flags:any[], badge:string}} Presentation */

const FONT = "11px system-ui, sans-serif";
const SUB_FONT = "9.5px system-ui, sans-serif";
const MAX_CHARS = 34;

/** A cluster's title as drawn, and as the layout makes room for it. @param {string} label */
export function clusterTitle(label) {
  return `▾ ${truncateStart(label, 58)}`;
}

/** Shorten long text for drawing (the full text stays in the tooltip and inspector). */
export function truncate(text, max = MAX_CHARS) {
  const t = leftToRight(text); // measured as drawn
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * Shorten a long dotted name from its start, where names of one model repeat, so that what
 * tells boxes apart survives: "…self_attn.k_proj.weight". Cut at a dot where one is near.
 * @param {string} text @param {number} [max]
 */
export function truncateStart(text, max = MAX_CHARS) {
  const t = leftToRight(text);
  if (t.length <= max) return t;
  const tail = t.slice(t.length - (max - 1));
  const dot = tail.indexOf(".");
  return `…${dot >= 0 && dot < tail.length / 2 ? tail.slice(dot + 1) : tail}`;
}

/**
 * `name` as written inside the frame of module `frame` (its path, "" for none): without the
 * path the frame's title already says, "weight" in the frame of "model.layers.0.k_proj".
 * @param {string} name @param {string} frame
 */
export function nameInFrame(name, frame) {
  return frame && name.startsWith(`${frame}.`) ? name.slice(frame.length + 1) : name;
}

/**
 * Whether output node `id` is a result nothing used (`g.graph["unused"]`): the hidden state
 * in `out, _ = self.rnn(x)`.
 * @param {import("./graph.js").Graph} graph @param {string} id
 */
function isUnused(graph, id) {
  const unused = graph.meta?.unused;
  return Array.isArray(unused) && unused.some((u) => String(u) === id);
}

/**
 * What to write on an item and which classes it gets.
 * @param {Item} item
 * @param {import("./graph.js").Graph} graph
 * @param {"forward"|"backward"} view
 * @param {import("./messages.js").Translate} [t] the words (default English)
 * @param {string} [frame] the path of the module frame it is drawn in ("" for none)
 * @returns {Presentation}
 */
export function present(item, graph, view, t = EN, frame = "") {
  if (item.type === "node" && item.node) {
    const n = item.node;
    // the backward view names autograd's nodes; a parameter keeps its name (it is where
    // the gradient ends up, AccumulateGrad)
    const isData = n.kind === "param" || n.kind === "buffer" || n.kind === "input";
    const main = view === "backward" && n.backward && !isData ? n.backward : n.label;
    const shape = n.shape ? formatShape(n.shape, t) : "";
    const sub = view === "backward" && n.kind === "param" ? t("graphview.node.grad_shape", { shape }) : shape;
    const classes = ["ng-item", "ng-type-node", `ng-kind-${cssWord(n.kind)}`];
    if (view === "backward" && !n.backward) classes.push("ng-nograd");
    if (n.kind === "op" && !n.tracked) classes.push("ng-untracked"); // no_grad, or from data alone
    const unused = n.kind === "output" && isUnused(graph, n.id); // `out, _ = self.rnn(x)`
    if (unused) classes.push("ng-unused");
    const title = [
      n.label,
      n.op && n.op !== n.label ? t("graphview.node.op", { op: n.op }) : "",
      n.backward ? t("graphview.node.autograd", { name: n.backward }) : "",
      n.module ? t("graphview.node.in", { module: n.module }) : "",
      n.shape ? formatShape(n.shape, t) : "",
      n.kind === "op" && !n.tracked ? t("graphview.node.untracked") : "",
      unused ? t("graphview.node.unused") : "",
      ...n.flags.map((f) => flagText(f, t)),
    ]
      .filter(Boolean)
      .join("\n");
    // a parameter is named by its path: write what its frame does not say, keep its end
    const head = isData ? truncateStart(nameInFrame(main, frame)) : truncate(main);
    return { lines: [head, truncate(sub)].filter(Boolean), title, classes, flags: n.flags, badge: flagBadge(n.flags) };
  }
  const flags = item.members.flatMap((m) => m.flags);
  if (item.type === "run" && item.run) {
    const blocks = item.run.blocks;
    const type = item.run.type ?? t("graphview.run.block");
    const first = blocks[blocks.length - (item.more || blocks.length)][0];
    const last = blocks[blocks.length - 1].at(-1) ?? first;
    const head = item.more ? t("graphview.run.more", { type, n: item.more }) : `${type} ×${blocks.length}`;
    return {
      lines: [truncate(head), truncate(`${first} … ${lastPart(last)}`)],
      title: t("graphview.run.title", { n: item.more || blocks.length, type, first, last }),
      classes: ["ng-item", "ng-type-run"],
      flags,
      badge: flagBadge(flags),
    };
  }
  const path = item.path ?? "";
  const mod = graph.modules.get(path);
  const params = mod?.params || item.members.reduce((sum, m) => sum + (m.kind === "param" ? m.params : 0), 0);
  const sub = [mod?.type, params ? t("graphview.module.params", { count: formatCount(params) }) : ""].filter(Boolean).join(" · ");
  return {
    lines: [truncateStart(nameInFrame(path, frame), 40), truncate(sub)].filter(Boolean),
    title: t("graphview.module.title", { path, type: mod?.type ?? t("graphview.module.module"), n: item.members.length }),
    classes: ["ng-item", "ng-type-module"],
    flags,
    badge: flagBadge(flags),
  };
}

function lastPart(path) {
  const i = path.lastIndexOf(".");
  return i < 0 ? path : path.slice(i + 1);
}

/** Keep only letters/digits/dashes so a value can be part of a class name. */
function cssWord(text) {
  return String(text).replace(/[^a-zA-Z0-9-]/g, "");
}

/** "!" badge text for flagged items ("NaN" when a NaN is among them). */
function flagBadge(flags) {
  if (!flags.length) return "";
  if (flags.some((f) => f.kind === "nan")) return "NaN";
  if (flags.some((f) => f.kind === "inf")) return "∞";
  return "!";
}

let measureCtx = null;
const widthCache = new Map();

/** Width in px of `text` in `font` (canvas measureText, cached). */
export function textWidth(text, font = FONT) {
  const key = `${font}\u0000${text}`;
  let w = widthCache.get(key);
  if (w === undefined) {
    if (!measureCtx) measureCtx = document.createElement("canvas").getContext("2d");
    if (measureCtx) {
      measureCtx.font = font;
      w = measureCtx.measureText(text).width;
    } else w = text.length * 6.5;
    if (widthCache.size > 20000) widthCache.clear();
    widthCache.set(key, w);
  }
  return w;
}

/** Room in px kept at the right of a box for its flag badge, so it covers no text. */
function badgeRoom(pres) {
  return !pres.badge ? 0 : pres.badge.length > 1 ? 22 : 12;
}

/** Size in px of an item's box. */
export function sizeOf(pres, item) {
  const w = Math.max(...pres.lines.map((l, i) => textWidth(l, i === 0 ? FONT : SUB_FONT)), 20);
  const extra = (item.type === "run" ? 6 : 0) + badgeRoom(pres);
  return { width: Math.ceil(w + 16 + extra), height: pres.lines.length > 1 ? 32 : 22 };
}

/**
 * What Graphviz lays out for `vis` (boxes sized for their text, edges from the loss in the
 * backward view, frames titled as drawn) and what each box says. `framed`: the module frames
 * are drawn (not for a graph laid out without them); a box or frame inside one is named
 * by what that frame does not say.
 *
 *     const { nodes, edges, clusters } = sceneInput(vis, graph, "forward");
 *
 * @param {Visible} vis @param {import("./graph.js").Graph} graph
 * @param {"forward"|"backward"} view @param {import("./messages.js").Translate} [t]
 * @param {boolean} [framed]
 */
export function sceneInput(vis, graph, view, t = EN, framed = true) {
  /** the frame each box and frame is drawn in */
  const frameOf = new Map();
  if (framed) {
    for (const c of vis.clusters.values()) {
      for (const id of c.items) frameOf.set(id, c.path);
      for (const child of c.children) frameOf.set(`m:${child}`, c.path);
    }
  }
  /** @type {Map<string, Presentation>} */
  const pres = new Map();
  const nodes = [];
  for (const item of vis.items.values()) {
    const p = present(item, graph, view, t, frameOf.get(item.id) ?? "");
    pres.set(item.id, p);
    nodes.push({ id: item.id, ...sizeOf(p, item) });
  }
  const reversed = view === "backward";
  const edges = vis.edges.map((e) => (reversed ? { source: e.target, target: e.source } : e));
  const clusterLabel = (/** @type {string} */ path) => {
    const type = graph.modules.get(path)?.type;
    const name = nameInFrame(path, frameOf.get(`m:${path}`) ?? "");
    return type ? `${name} (${type})` : name;
  };
  // the layout makes room for the label as drawn (a long module name is cut short there)
  const clusters = [...vis.clusters.values()].map((c) => ({ ...c, label: clusterTitle(clusterLabel(c.path)) }));
  return { pres, nodes, edges, clusters, clusterLabel };
}

/**
 * Build the SVG scene.
 * @param {LayoutResult} lay
 * @param {Visible} vis
 * @param {Map<string, Presentation>} pres
 * @param {{colors: Map<string, {fill:string, text:string}|null>, reversed: boolean,
 *   clusterLabel: (path: string) => string, t?: import("./messages.js").Translate}} opts
 */
export function drawScene(lay, vis, pres, opts) {
  const t = opts.t ?? EN;
  const clusterLayer = s("g", { class: "ng-clusters" });
  const edgeLayer = s("g", { class: "ng-edges" });
  const nodeLayer = s("g", { class: "ng-nodes" });
  const itemEls = new Map();
  const edgeEls = [];
  const clusterEls = new Map();

  // clusters, outermost first so inner frames are drawn on top
  const clusterDepth = (path) => (path.match(/\./g) || []).length;
  const order = [...lay.clusters.keys()].sort((a, b) => clusterDepth(a) - clusterDepth(b));
  for (const path of order) {
    const c = /** @type {any} */ (lay.clusters.get(path));
    const label = clusterTitle(opts.clusterLabel(path));
    const labelW = Math.min(c.width, textWidth(label) + 10);
    const g = s("g", { class: "ng-cluster", "data-path": path }, [
      s("rect", { class: "ng-frame", x: c.x, y: c.y, width: c.width, height: c.height, rx: 4 }),
      s("g", { class: "ng-cluster-label", "data-path": path, role: "button", tabindex: 0, "aria-label": label }, [
        s("title", {}, [t("graphview.cluster.close_hint", { path })]),
        s("rect", { x: c.x, y: c.y, width: labelW, height: 18 }),
        s("text", { x: c.x + 5, y: c.y + 13 }, [label]),
      ]),
    ]);
    clusterLayer.appendChild(g);
    clusterEls.set(path, g);
  }

  for (const e of lay.edges) {
    const path = s("path", { d: splinePath(e.points) });
    const g = s("g", { class: "ng-edge" }, [path]);
    if (e.arrow && e.points.length) {
      g.appendChild(s("polygon", { points: arrowHead(e.points[e.points.length - 1], e.arrow) }));
    }
    // edges were laid out reversed in the backward view: report them in forward terms
    const source = opts.reversed ? e.target : e.source;
    const target = opts.reversed ? e.source : e.target;
    edgeLayer.appendChild(g);
    edgeEls.push({ el: g, source, target });
  }

  for (const [id, box] of lay.nodes) {
    const item = vis.items.get(id);
    const p = pres.get(id);
    if (!item || !p) continue;
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    // reachable with Tab; Enter or Space selects or opens it (view.js)
    const g = s("g", {
      class: p.classes.join(" "),
      "data-id": id,
      transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`,
      tabindex: 0,
      role: "button",
      "aria-label": p.title.split("\n")[0],
    });
    g.appendChild(s("title", {}, [p.title]));
    if (item.type === "run") {
      g.appendChild(s("rect", { class: "ng-stack", x: 5, y: -5, width: box.width - 5, height: box.height - 2, rx: 4 }));
      g.appendChild(s("rect", { class: "ng-stack", x: 2.5, y: -2.5, width: box.width - 5, height: box.height - 2, rx: 4 }));
    }
    const isData = item.type === "node" && (item.node?.kind === "input" || item.node?.kind === "output");
    const shape = s("rect", {
      class: "ng-shape",
      width: item.type === "run" ? box.width - 5 : box.width,
      height: item.type === "run" ? box.height - 2 : box.height,
      rx: isData ? box.height / 2 : item.node?.kind === "param" ? 1 : 4,
    });
    const color = opts.colors.get(id);
    if (color) shape.style.fill = color.fill;
    g.appendChild(shape);
    const cx = ((item.type === "run" ? box.width - 5 : box.width) - badgeRoom(p)) / 2;
    p.lines.forEach((line, i) => {
      const t = s("text", { class: i === 0 ? "ng-main" : "ng-sub", x: cx, y: p.lines.length > 1 ? 13 + i * 12 : 15, "text-anchor": "middle" }, [line]);
      if (color) t.style.fill = color.text;
      g.appendChild(t);
    });
    if (p.badge) {
      const kinds = p.flags.map(flagKind);
      const kind = kinds.find((k) => k === "nan" || k === "inf" || k === "exploding") ?? kinds[0] ?? "flag";
      // "NaN" and "Inf" get a pill as wide as their three bold letters; "!" a circle
      const shape = p.badge.length > 1 ? s("rect", { x: -14, y: -8, width: 28, height: 16, rx: 8 }) : s("circle", { r: 7 });
      g.appendChild(
        s("g", { class: `ng-flag ng-flag-${cssWord(kind)}`, transform: `translate(${(box.width - 3).toFixed(1)},2)` }, [
          shape,
          s("text", { "text-anchor": "middle", y: 3.5 }, [p.badge]),
        ]),
      );
    }
    nodeLayer.appendChild(g);
    itemEls.set(id, g);
  }
  const root = s("g", { class: "ng-scene" }, [clusterLayer, edgeLayer, nodeLayer]);
  return { root, itemEls, edgeEls, clusterEls };
}

/** Triangle from the last spline point to the arrow tip. */
/**
 * Shorten each cluster title that runs past its frame (with "…"; the full path stays in its
 * tooltip): its type first, "▾ k_proj (Lin…"; where even the name does not fit, its start,
 * "▾ …k_proj (Linear)", so the end of the name survives. Graphviz sizes a frame for its
 * title in its own font metrics, which the page's font can exceed: "▾ avgpool
 * (AdaptiveAvgPool2d)" ran into the next frame. Call it once the scene is on the page, where
 * text can be measured.
 * @param {Map<string, SVGGElement>} clusterEls
 */
export function fitClusterTitles(clusterEls) {
  for (const g of clusterEls.values()) {
    const frame = g.querySelector(".ng-frame");
    const text = /** @type {SVGTextElement | null} */ (g.querySelector(".ng-cluster-label text"));
    if (!frame || !text || typeof text.getComputedTextLength !== "function") continue;
    const room = Number(frame.getAttribute("width")) - 10;
    const full = text.textContent ?? "";
    if (!(room > 0) || text.getComputedTextLength() <= room) continue;
    const fits = (/** @type {string} */ s) => {
      text.textContent = s;
      return text.getComputedTextLength() <= room;
    };
    const head = (/** @type {number} */ n) => `${full.slice(0, n)}…`;
    const tail = (/** @type {number} */ n) => `▾ …${full.slice(full.length - n)}`;
    let n = longest(full.length - 1, (k) => fits(head(k)));
    const type = full.lastIndexOf(" (");
    if (type > 0 && n < type) {
      n = longest(full.length - 3, (k) => fits(tail(k)));
      text.textContent = tail(n);
    } else text.textContent = head(n);
  }
}

/** The largest n in 1..max with `ok(n)` (true up to some n, false after), by halving; 1 if none. */
function longest(/** @type {number} */ max, /** @type {(n: number) => boolean} */ ok) {
  let lo = 1;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function arrowHead(from, tip) {
  const dx = tip[0] - from[0];
  const dy = tip[1] - from[1];
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const w = 3.5;
  const base = [tip[0] - ux * Math.max(len, 6), tip[1] - uy * Math.max(len, 6)];
  const p1 = [base[0] - uy * w, base[1] + ux * w];
  const p2 = [base[0] + uy * w, base[1] - ux * w];
  return [tip, p1, p2].map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(" ");
}
