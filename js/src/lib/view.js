// The graph debugger view: toolbar, pan/zoom canvas, inspector, legend and the backward
// step-through. It works on a plain element, without anywidget, so tests can drive it.

import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";
import { BackwardReplay, backwardOrder, playPlan } from "./backward.js";
import { layoutPlan, MAX_WORK, QUICK_WORK } from "./budget.js";
import { formatNumber, logScale, magnitude, scaleColor } from "./color.js";
import { clear, h } from "./dom.js";
import { parseGraph } from "./graph.js";
import { hideInspector, showItem } from "./inspector.js";
import { layout } from "./layout.js";
import { plural, translator } from "./messages.js";
import { clusterTitle, drawScene, fitClusterTitles, present, sizeOf } from "./render.js";
import { CSS } from "./style.js";
import { collapse, countAtDepth, defaultDepth, expand, expandedForDepth, reveal, stateForDepth, unfold, visibleGraph } from "./visible.js";

/**
 * @typedef {{graph:any, depth?:number|null, view?:string, colorBy?:string, selected?:string,
 *   maxVisible?:number, height?:number, messages?:Record<string, string>|null,
 *   onChange?:(key:string, value:any) => void}} ViewOptions
 * `messages`: the words to show (the `graphview.` keys of nngraph.i18n); English where missing.
 */

/** Above this many drawn items the view draws nothing (a click that would open more is
 * refused, a graph with nothing to fold is not laid out) and says why. */
export const MAX_DRAWN = 1500;
/** The zoom a search match is shown at, at least: labels read at their own size. */
const READABLE = 1;

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
 * Build a graph view inside `el`.
 * @param {HTMLElement} el
 * @param {ViewOptions} options
 */
export function createGraphView(el, options) {
  const onChange = options.onChange ?? (() => {});
  const st = {
    /** @type {import("./graph.js").Graph|null} */ graph: null,
    state: { expanded: new Set(), unfolded: new Map() },
    depth: 0,
    view: options.view === "backward" ? "backward" : "forward",
    colorBy: ["grad", "value", "none"].includes(options.colorBy ?? "") ? options.colorBy : "grad",
    selected: options.selected || "",
    query: "",
    matchIndex: -1,
    /** @type {BackwardReplay|null} */ replay: null,
    playing: /** @type {any} */ (null),
    /** @type {import("./visible.js").Visible|null} */ vis: null,
    /** @type {ReturnType<typeof drawScene>|null} */ scene: null,
    token: 0,
    fitNext: true,
    /** the user panned or zoomed since the last fit: a resize then leaves the view alone */
    moved: false,
    /** the drawing's size when last fitted or resized, "WxH" */
    size: "",
    anchor: /** @type {{id:string, x:number, y:number}|null} */ (null),
    timings: /** @type {Record<string, number>} */ ({}),
    destroyed: false,
    /** what the inspector shows (null when closed), to redo it in another language */
    inspected: /** @type {{item: import("./visible.js").Item, selecting: boolean}|null} */ (null),
    /** whether the step text describes the replay (else it shows the help line) */
    stepped: false,
  };
  let t = translator(options.messages);

  // ---- DOM skeleton (no graph text yet; words are set by applyLabels) ----
  const styleEl = h("style", {}, [CSS]);
  const btn = (cls) => h("button", { type: "button", class: cls });
  const fwdBtn = btn("ng-view-forward");
  const bwdBtn = btn("ng-view-backward");
  const search = /** @type {HTMLInputElement} */ (h("input", { type: "search", class: "ng-search" }));
  const count = h("span", { class: "ng-count" });
  const colorOptions = ["grad", "value", "none"].map((value) => h("option", { value }));
  const colorSel = /** @type {HTMLSelectElement} */ (h("select", { class: "ng-color" }, colorOptions));
  const depthDown = h("button", { type: "button", class: "ng-depth-down" }, ["−"]);
  const depthText = h("span", { class: "ng-depth" });
  const depthUp = h("button", { type: "button", class: "ng-depth-up" }, ["+"]);
  const fitBtn = btn("ng-fit");
  const toolbar = h("div", { class: "ng-toolbar" }, [
    h("span", { class: "ng-group" }, [fwdBtn, bwdBtn]),
    search,
    count,
    colorSel,
    h("span", { class: "ng-group" }, [depthDown, depthUp]),
    depthText,
    fitBtn,
  ]);
  const svg = /** @type {SVGSVGElement} */ (document.createElementNS("http://www.w3.org/2000/svg", "svg"));
  svg.setAttribute("class", "ng-svg");
  svg.setAttribute("role", "img");
  const viewport = document.createElementNS("http://www.w3.org/2000/svg", "g");
  viewport.setAttribute("class", "ng-viewport");
  svg.appendChild(viewport);
  const message = h("div", { class: "ng-message" });
  const canvas = h("div", { class: "ng-canvas" }, [svg, message]);
  const inspector = h("aside", { class: "ng-inspector" });
  inspector.hidden = true;
  const main = h("div", { class: "ng-main" }, [canvas, inspector]);
  if (options.height) main.style.height = `${options.height | 0}px`;
  const legendBar = h("span", { class: "ng-legend-bar" });
  const legendLo = h("span", { class: "ng-legend-lo" });
  const legendHi = h("span", { class: "ng-legend-hi" });
  const legendTitle = h("span", { class: "ng-legend-title" });
  const legendZero = document.createTextNode("");
  const legend = h("div", { class: "ng-legend" }, [legendTitle, legendLo, legendBar, legendHi, h("span", { class: "ng-legend-zero" }), legendZero]);
  const resetBtn = btn("ng-step-reset");
  const prevBtn = h("button", { type: "button", class: "ng-step-prev" }, ["◀"]);
  const playBtn = btn("ng-step-play");
  const nextBtn = h("button", { type: "button", class: "ng-step-next" }, ["▶"]);
  const endBtn = btn("ng-step-end");
  const stepText = h("span", { class: "ng-step-text" });
  const stepper = h("div", { class: "ng-stepper" }, [resetBtn, prevBtn, playBtn, nextBtn, endBtn, stepText]);
  const root = h("div", { class: "ng-root" }, [styleEl, toolbar, main, legend, stepper]);
  el.appendChild(root);

  /** Put the words on the fixed parts of the view (again after a change of language). */
  function applyLabels() {
    const label = (button, text, hint) => {
      if (text !== null) button.textContent = text;
      button.setAttribute("title", hint);
    };
    label(fwdBtn, t("graphview.forward"), t("graphview.forward_hint"));
    label(bwdBtn, t("graphview.backward"), t("graphview.backward_hint"));
    search.placeholder = t("graphview.search");
    search.setAttribute("aria-label", t("graphview.search_hint"));
    colorSel.setAttribute("aria-label", t("graphview.color_by"));
    colorOptions.forEach((o, i) => {
      o.textContent = t(`graphview.color.${["grad", "value", "none"][i]}`);
    });
    label(depthDown, null, t("graphview.depth_down_hint"));
    label(depthUp, null, t("graphview.depth_up_hint"));
    label(fitBtn, t("graphview.fit"), t("graphview.fit_hint"));
    inspector.setAttribute("aria-label", t("graphview.inspector"));
    legendZero.data = ` ${t("graphview.legend.zero")}`;
    label(resetBtn, t("graphview.step.start"), t("graphview.step.start_hint"));
    label(prevBtn, null, t("graphview.step.prev_hint"));
    label(playBtn, t(st.playing ? "graphview.step.pause" : "graphview.step.replay"), t("graphview.step.replay_hint"));
    label(nextBtn, null, t("graphview.step.next_hint"));
    label(endBtn, t("graphview.step.end"), t("graphview.step.end_hint"));
  }
  applyLabels();
  message.textContent = t("graphview.laying_out");
  stepText.textContent = t("graphview.step.help");

  // ---- pan & zoom ----
  const zoomer = zoom()
    .scaleExtent([0.02, 4])
    .on("zoom", (ev) => {
      viewport.setAttribute("transform", ev.transform.toString());
      if (ev.sourceEvent) st.moved = true; // a wheel or a drag, not fit() or keepAnchor()
    });
  const svgSel = select(svg);
  svgSel.call(/** @type {any} */ (zoomer)).on("dblclick.zoom", null);

  function fit() {
    if (!st.scene) return;
    if (!svg.clientWidth) {
      st.fitNext = true; // not on the page yet: fit once it has a size
      return;
    }
    fitClusterTitles(st.scene.clusterEls); // measurable now that the drawing is on the page
    const box = { w: Number(svg.dataset.width) || 1, h: Number(svg.dataset.height) || 1 };
    const W = svg.clientWidth || 800;
    const H = svg.clientHeight || 500;
    const k = Math.min((W - 20) / box.w, (H - 20) / box.h, 1.5);
    const t = zoomIdentity.translate((W - box.w * k) / 2, (H - box.h * k) / 2).scale(k);
    svgSel.call(/** @type {any} */ (zoomer).transform, t);
    st.moved = false;
    st.size = `${W}x${H}`;
  }

  // fit once the drawing has a size, and again whenever its size changes (the inspector
  // opens, the window narrows), unless the user has panned or zoomed since
  const resizer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => {
    if (!st.scene || !svg.clientWidth) return;
    const size = `${svg.clientWidth}x${svg.clientHeight}`;
    if (st.fitNext || (size !== st.size && !st.moved)) {
      st.fitNext = false;
      fit();
    }
    st.size = size;
  });
  resizer?.observe(svg);

  // ---- state changes ----
  function loadGraph(payload) {
    try {
      st.graph = parseGraph(payload);
    } catch (err) {
      const why = err instanceof Error ? (/** @type {any} */ (err).key ? t(/** @type {any} */ (err).key) : err.message) : String(err);
      showError(t("graphview.cannot_read", { error: why }));
      return false;
    }
    const limit = options.maxVisible ?? 150;
    const asked = options.depth == null ? null : Math.max(0, Number(options.depth) | 0);
    // a depth that would draw too much starts at the readable default instead
    const kept = asked !== null && countAtDepth(st.graph, asked) <= MAX_DRAWN ? asked : null;
    st.depth = quickDepth(kept ?? defaultDepth(st.graph, limit), kept === null);
    st.state = openedAt(st.depth); // as "+" and "−" draw that depth
    st.replay = null;
    st.stepped = false;
    st.fitNext = true;
    return true;
  }

  /** Why a drawing is too slow to lay out, and what to do: `graph_of` has no modules to fold. */
  function tangled() {
    return t(st.graph?.meta?.source === "graph_of" ? "graphview.too_tangled_graph_of" : "graphview.too_tangled");
  }

  function showError(text) {
    message.textContent = text;
    message.className = "ng-message ng-error";
    message.hidden = false;
  }

  /** Lay out and draw the visible graph; resolves when drawn (or superseded). */
  async function redraw() {
    const graph = st.graph;
    if (!graph || st.destroyed) return;
    const token = ++st.token;
    const t0 = performance.now();
    const vis = visibleGraph(graph, st.state);
    if (vis.items.size > MAX_DRAWN) {
      decline(vis, t("graphview.too_big", { n: vis.items.size }));
      return;
    }
    const pres = new Map();
    const nodes = [];
    for (const item of vis.items.values()) {
      const p = present(item, graph, /** @type {any} */ (st.view), t);
      pres.set(item.id, p);
      nodes.push({ id: item.id, ...sizeOf(p, item) });
    }
    const reversed = st.view === "backward";
    const edges = vis.edges.map((e) => (reversed ? { source: e.target, target: e.source } : e));
    const clusterLabel = (/** @type {string} */ path) => {
      const type = graph.modules.get(path)?.type;
      return type ? `${path} (${type})` : path;
    };
    // the layout makes room for the label as drawn (a long module name is cut short there)
    const clusters = [...vis.clusters.values()].map((c) => ({ ...c, label: clusterTitle(clusterLabel(c.path)) }));
    const plan = planOf(vis, reversed);
    if (plan === null) {
      decline(vis, tangled());
      return;
    }
    const t1 = performance.now();
    let lay;
    try {
      lay = await layout({ nodes, edges, clusters: plan === "flat" ? [] : clusters });
    } catch (err) {
      if (token === st.token) showError(t("graphview.layout_failed", { error: err instanceof Error ? err.message : String(err) }));
      return;
    }
    if (token !== st.token || st.destroyed) return;
    const t2 = performance.now();
    const colors = colorItems(vis);
    const scene = drawScene(lay, vis, pres, {
      colors,
      reversed,
      t,
      clusterLabel,
    });
    clear(viewport);
    viewport.appendChild(scene.root);
    fitClusterTitles(scene.clusterEls);
    svg.dataset.width = String(lay.width);
    svg.dataset.height = String(lay.height);
    st.vis = vis;
    st.scene = scene;
    message.hidden = true;
    message.className = "ng-message";
    if (vis.items.size === 0) {
      // nothing was recorded: say so, as the static picture does, rather than a blank box
      message.textContent = t("graphview.empty_graph");
      message.hidden = false;
    }
    applyHighlights();
    updateToolbar();
    if (st.fitNext) {
      st.fitNext = false;
      fit();
    } else if (st.anchor) keepAnchor(lay);
    st.anchor = null;
    const t3 = performance.now();
    st.timings = { prepare: t1 - t0, layout: t2 - t1, draw: t3 - t2, total: t3 - t0, items: vis.items.size };
    root.dataset.items = String(vis.items.size);
    root.dispatchEvent(new CustomEvent("ng-rendered", { detail: st.timings }));
  }

  /**
   * Too much to draw (a huge graph with nothing to fold, or one Graphviz would take minutes
   * on): say so (`why`) and lay nothing out, but keep `vis` so that search and the inspector
   * still work.
   * @param {import("./visible.js").Visible} vis @param {string} why
   */
  function decline(vis, why) {
    clear(viewport);
    st.scene = null;
    st.vis = vis;
    legend.hidden = true;
    stopPlaying();
    updateToolbar();
    // what is drawn now is too big (user actions are checked before they open anything)
    showError(why);
  }

  /** After an expand/collapse, keep the clicked thing where it was on screen. */
  function keepAnchor(lay) {
    const a = st.anchor;
    if (!a) return;
    const box = lay.nodes.get(a.id) ?? (a.id.startsWith("m:") ? lay.clusters.get(a.id.slice(2)) : null);
    if (!box) return;
    const bx = "labelX" in box ? box.x + box.width / 2 : box.x;
    const by = "labelX" in box ? box.y + 10 : box.y;
    const t = /** @type {any} */ (svg).__zoom ?? zoomIdentity;
    const nt = zoomIdentity.translate(a.x - bx * t.k, a.y - by * t.k).scale(t.k);
    svgSel.call(/** @type {any} */ (zoomer).transform, nt);
  }

  function screenPos(id) {
    const el = st.scene?.itemEls.get(id) ?? st.scene?.clusterEls.get(id.replace(/^m:/, ""));
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const s = svg.getBoundingClientRect();
    return { x: r.left + r.width / 2 - s.left, y: r.top + Math.min(r.height / 2, 10) - s.top };
  }

  function colorItems(vis) {
    const colors = new Map();
    if (st.colorBy === "none") {
      legend.hidden = true;
      return colors;
    }
    const mags = new Map();
    for (const item of vis.items.values()) mags.set(item.id, magnitude(item.members, st.colorBy ?? "grad"));
    const scale = logScale([...mags.values()]);
    for (const [id, m] of mags) colors.set(id, scale.color(m));
    legend.hidden = scale.empty;
    legendTitle.textContent = t(st.colorBy === "grad" ? "graphview.legend.grad" : "graphview.legend.value");
    legendLo.textContent = formatNumber(10 ** scale.lo);
    legendHi.textContent = formatNumber(10 ** scale.hi);
    legendBar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(scaleColor).join(", ")})`;
    return colors;
  }

  function updateToolbar() {
    fwdBtn.setAttribute("aria-pressed", String(st.view === "forward"));
    bwdBtn.setAttribute("aria-pressed", String(st.view === "backward"));
    colorSel.value = st.colorBy ?? "grad";
    depthText.textContent = t("graphview.depth", { depth: st.depth });
    depthDown.disabled = st.depth <= 0;
    depthUp.disabled = !st.graph || st.depth >= st.graph.maxDepth;
    const order = replayOrder();
    const off = order.length === 0 || !st.scene; // nothing recorded, or nothing drawn to light up
    for (const b of [resetBtn, prevBtn, playBtn, nextBtn, endBtn]) b.disabled = off;
    if (order.length === 0) stepText.textContent = t("graphview.step.none");
    else if (!st.scene) stepText.textContent = "";
  }

  function replayOrder() {
    if (!st.graph) return [];
    if (!st.replay) st.replay = new BackwardReplay(backwardOrder(st.graph));
    return st.replay.order;
  }

  // ---- highlights: selection, search matches, backward replay ----
  function applyHighlights() {
    const scene = st.scene;
    const vis = st.vis;
    const graph = st.graph;
    if (!scene || !vis || !graph) return;
    const selectedItem = st.selected ? vis.rep.get(st.selected) ?? (vis.items.has(st.selected) ? st.selected : null) : null;
    const matches = new Set(findMatches().map((id) => vis.rep.get(id)));
    const stepping = st.replay !== null && st.replay.step > 0;
    const lit = stepping ? st.replay?.lit() ?? new Set() : new Set();
    const litItems = new Set([...lit].map((id) => vis.rep.get(id)));
    const current = stepping && st.replay?.current ? vis.rep.get(st.replay.current) : null;
    for (const [id, g] of scene.itemEls) {
      g.classList.toggle("ng-selected", id === selectedItem);
      g.classList.toggle("ng-match", matches.has(id));
      g.classList.toggle("ng-lit", litItems.has(id));
      g.classList.toggle("ng-current", id === current);
    }
    for (const e of scene.edgeEls) {
      // gradient flows from target back to source: lit once both ends have run
      e.el.classList.toggle("ng-lit", litItems.has(e.source) && litItems.has(e.target));
    }
    root.classList.toggle("ng-stepping", stepping);
  }

  function findMatches() {
    const q = st.query.trim().toLowerCase();
    if (!q || !st.graph) return [];
    return st.graph.nodes
      .filter((n) => [n.label, n.name, n.module, n.op, n.backward].some((v) => v && v.toLowerCase().includes(q)))
      .map((n) => n.id);
  }

  function updateCount() {
    const n = findMatches().length;
    count.textContent = st.query.trim() ? t(`graphview.matches.${plural(n)}`, { n }) : "";
  }

  // ---- user actions ----
  function selectItem(id, { notify = true } = {}) {
    const vis = st.vis;
    const graph = st.graph;
    if (!vis || !graph) return;
    const itemId = vis.items.has(id) ? id : vis.rep.get(id);
    const item = itemId ? vis.items.get(itemId) : null;
    st.selected = item ? (item.type === "node" ? item.id : id) : "";
    if (item) inspect(item, true);
    else closeInspector();
    applyHighlights();
    if (notify) onChange("selected", st.selected);
  }

  /** Whether `nextState` cannot be drawn (too many boxes, or too slow to lay out): says why. */
  function tooMany(nextState) {
    if (!st.graph) return false;
    const vis = visibleGraph(st.graph, nextState);
    const n = vis.items.size;
    if (n > MAX_DRAWN) showError(t("graphview.too_many", { n }));
    else if (planOf(vis, st.view === "backward") === null) showError(tangled());
    else return false;
    return true;
  }

  function cloneState() {
    return { expanded: new Set(st.state.expanded), unfolded: new Map(st.state.unfolded) };
  }

  /** Open module `path` (or unfold run `r:...`), keeping it in place on screen. */
  function open(id) {
    const graph = st.graph;
    if (!graph) return Promise.resolve();
    const next = cloneState();
    if (id.startsWith("r:")) unfold(graph, next, id);
    else expand(graph, next, id.replace(/^m:/, ""));
    if (tooMany(next)) return Promise.resolve();
    const pos = screenPos(id);
    st.state = next;
    if (pos && !id.endsWith("#more")) st.anchor = { id: id.startsWith("r:") ? `m:${graph.runs.get(id)?.paths[0]}` : id, ...pos };
    return redraw();
  }

  /** Close the module drawn as cluster `path`. */
  function close(path) {
    if (!st.graph) return Promise.resolve();
    const pos = screenPos(`m:${path}`);
    collapse(st.graph, st.state, path);
    if (pos) st.anchor = { id: `m:${path}`, ...pos };
    return redraw();
  }

  svg.addEventListener("click", (ev) => {
    const target = /** @type {Element} */ (ev.target);
    const label = target.closest?.(".ng-cluster-label");
    if (label) {
      close(label.getAttribute("data-path") ?? "");
      return;
    }
    const itemEl = target.closest?.(".ng-item");
    if (!itemEl) return;
    const id = itemEl.getAttribute("data-id") ?? "";
    const item = st.vis?.items.get(id);
    if (!item) return;
    if (item.type === "node") selectItem(id);
    else {
      inspect(item, false);
      open(id);
    }
  });

  fwdBtn.addEventListener("click", () => setView("forward", true));
  bwdBtn.addEventListener("click", () => setView("backward", true));
  colorSel.addEventListener("change", () => setColorBy(colorSel.value, true));
  fitBtn.addEventListener("click", fit);
  depthDown.addEventListener("click", () => setDepth(st.depth - 1, true));
  depthUp.addEventListener("click", () => setDepth(st.depth + 1, true));
  let searchTimer = /** @type {any} */ (null);
  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      st.query = search.value;
      st.matchIndex = -1;
      updateCount();
      applyHighlights();
    }, 120);
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      st.query = search.value;
      updateCount();
      nextMatch();
    }
  });

  /** Reveal, select and centre the next search match. */
  async function nextMatch() {
    const graph = st.graph;
    const matches = findMatches();
    if (!graph || !matches.length) return;
    st.matchIndex = (st.matchIndex + 1) % matches.length;
    const id = matches[st.matchIndex];
    const next = cloneState();
    reveal(graph, next, id);
    if (!tooMany(next)) {
      st.state = next;
      await redraw();
    }
    selectItem(id);
    centreOn(id);
  }

  /**
   * Centre the drawing on `id`, zoomed in to at least `READABLE` (a search match in a fitted
   * ResNet stayed a few pixels wide).
   */
  function centreOn(id) {
    const itemId = st.vis?.rep.get(id) ?? id;
    const pos = screenPos(itemId);
    if (!pos) return;
    const W = svg.clientWidth || 800;
    const H = svg.clientHeight || 500;
    const now = /** @type {any} */ (svg).__zoom ?? zoomIdentity;
    const k = Math.max(now.k, READABLE);
    const [x, y] = now.invert([pos.x, pos.y]); // the item's place in the drawing
    svgSel.call(/** @type {any} */ (zoomer).transform, zoomIdentity.translate(W / 2 - x * k, H / 2 - y * k).scale(k));
  }

  // ---- inspector ----
  /**
   * Show a drawn item in the inspector; `selecting`: closing it clears the selection.
   * @param {import("./visible.js").Item} item @param {boolean} selecting
   */
  function inspect(item, selecting) {
    if (!st.graph) return;
    st.inspected = { item, selecting };
    showItem(inspector, item, st.graph, {
      t,
      onClose: () => {
        st.inspected = null;
        if (!selecting) return;
        st.selected = "";
        applyHighlights();
        onChange("selected", "");
      },
    });
  }

  function closeInspector() {
    st.inspected = null;
    hideInspector(inspector);
  }

  // backward replay
  function describeStep() {
    const r = st.replay;
    const graph = st.graph;
    if (!r || !graph) return;
    st.stepped = true;
    if (r.step === 0) {
      stepText.textContent = t("graphview.step.intro", { n: r.length });
      return;
    }
    const node = graph.byId.get(/** @type {string} */ (r.current));
    const module = node?.module ?? "";
    const what =
      node?.kind === "param"
        ? t(module ? "graphview.step.param_in" : "graphview.step.param", { name: node.name ?? node.label, module })
        : t(module ? "graphview.step.op_in" : "graphview.step.op", { op: node?.backward ?? node?.label, module });
    stepText.textContent = t("graphview.step.at", { step: r.step, total: r.length, what });
  }

  /**
   * @param {"next"|"prev"|"reset"|"end"} action
   * @param {boolean} [playing] from the timer
   * @param {number} [count] steps to go on at once (a big graph's replay)
   */
  function step(action, playing = false, count = 1) {
    replayOrder();
    const r = st.replay;
    if (!r) return;
    if (!playing) stopPlaying();
    if (action === "next") r.next(count);
    else if (action === "prev") r.prev();
    else if (action === "reset") r.reset();
    else if (action === "end") r.end();
    root.dataset.step = String(r.step);
    describeStep();
    applyHighlights();
    onChange("step", r.step);
  }

  function stopPlaying() {
    if (st.playing) clearInterval(st.playing);
    st.playing = null;
    playBtn.textContent = t("graphview.step.replay");
  }

  function togglePlay() {
    if (st.playing) {
      stopPlaying();
      return;
    }
    replayOrder();
    if (!st.replay) return;
    if (st.replay.done) st.replay.reset();
    playBtn.textContent = t("graphview.step.pause");
    const { delay, stride } = playPlan(st.replay.length);
    st.playing = setInterval(() => {
      step("next", true, stride);
      if (st.replay?.done) stopPlaying();
    }, delay);
  }
  resetBtn.addEventListener("click", () => step("reset"));
  prevBtn.addEventListener("click", () => step("prev"));
  nextBtn.addEventListener("click", () => step("next"));
  endBtn.addEventListener("click", () => step("end"));
  playBtn.addEventListener("click", togglePlay);

  // ---- setters (from the toolbar or from Python) ----
  function setView(view, notify = false) {
    const v = view === "backward" ? "backward" : "forward";
    if (v === st.view) return Promise.resolve();
    st.view = v;
    st.fitNext = true;
    if (notify) onChange("view", v);
    return redraw();
  }

  function setColorBy(colorBy, notify = false) {
    const c = ["grad", "value", "none"].includes(colorBy) ? colorBy : "grad";
    if (c === st.colorBy) return Promise.resolve();
    st.colorBy = c;
    if (notify) onChange("color_by", c);
    return redraw();
  }

  /**
   * The state for a depth the user asked for (`g.show(depth=3)`, "+", "−"): the first block of
   * each run that opens at that depth drawn open, unless that draws too much.
   * @param {number} depth
   */
  function openedAt(depth) {
    const graph = /** @type {any} */ (st.graph);
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
   * @param {number} depth @param {boolean} prefer
   */
  function quickDepth(depth, prefer) {
    const graph = /** @type {import("./graph.js").Graph} */ (st.graph);
    const within = (/** @type {number} */ d, /** @type {number} */ work) => {
      const vis = visibleGraph(graph, openedAt(d));
      return vis.items.size <= MAX_DRAWN && planOf(vis, st.view === "backward", work) !== null;
    };
    for (const work of prefer ? [QUICK_WORK, MAX_WORK] : [MAX_WORK]) {
      if (within(depth, work)) return depth;
      for (let d = depth + 1; d <= graph.maxDepth; d++) if (within(d, work)) return d;
      for (let d = depth - 1; d >= 0; d--) if (within(d, work)) return d;
    }
    return depth;
  }

  function setDepth(depth, notify = false) {
    if (!st.graph) return Promise.resolve();
    const d = Math.max(0, Math.min(st.graph.maxDepth, Number(depth) | 0));
    const next = openedAt(d);
    if (tooMany(next)) return Promise.resolve();
    st.depth = d;
    st.state = next;
    st.fitNext = true;
    if (notify) onChange("depth", d);
    return redraw();
  }

  function setGraph(payload) {
    if (!loadGraph(payload)) return Promise.resolve();
    closeInspector();
    stepText.textContent = t("graphview.step.help");
    return redraw();
  }

  /**
   * Show the view in other words (after ng.set_language): every label, the drawing's
   * tooltips, the step line, the search count and the open inspector are redone.
   * @param {Record<string, string>|null|undefined} messages
   */
  function setMessages(messages) {
    t = translator(messages);
    applyLabels();
    updateCount();
    if (st.stepped) describeStep();
    else stepText.textContent = t("graphview.step.help");
    if (!message.hidden && !message.classList.contains("ng-error")) message.textContent = t("graphview.laying_out");
    if (st.inspected && !inspector.hidden) inspect(st.inspected.item, st.inspected.selecting);
    return redraw();
  }

  const ready = loadGraph(options.graph) ? redraw() : Promise.resolve();
  ready.then(() => {
    if (st.selected) selectItem(st.selected, { notify: false });
  });

  return {
    root,
    ready,
    setGraph,
    setView,
    setColorBy,
    setDepth,
    setMessages,
    /** @param {string} id raw node id (or a drawn item id); revealed if hidden */
    async select(id) {
      if (!id) {
        st.selected = "";
        closeInspector();
        applyHighlights();
        return;
      }
      if (st.graph?.byId.has(id) && !st.vis?.items.has(id)) {
        const next = cloneState();
        reveal(st.graph, next, id);
        if (!tooMany(next)) {
          st.state = next;
          await redraw();
        }
      }
      selectItem(id, { notify: false });
    },
    open,
    close,
    fit,
    step,
    search(q) {
      search.value = q;
      st.query = q;
      updateCount();
      applyHighlights();
      return findMatches();
    },
    nextMatch,
    get timings() {
      return st.timings;
    },
    get visible() {
      return st.vis;
    },
    get depth() {
      return st.depth;
    },
    destroy() {
      st.destroyed = true;
      stopPlaying();
      clearTimeout(searchTimer);
      svgSel.on(".zoom", null);
      resizer?.disconnect();
      root.remove();
    },
  };
}
