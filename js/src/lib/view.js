// The graph debugger view: toolbar, pan/zoom canvas, inspector, legend and the backward
// step-through. It works on a plain element, without anywidget, so tests can drive it.

import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";
import { BackwardReplay, backwardOrder } from "./backward.js";
import { formatNumber, logScale, magnitude, scaleColor } from "./color.js";
import { clear, h } from "./dom.js";
import { parseGraph } from "./graph.js";
import { hideInspector, showItem } from "./inspector.js";
import { layout } from "./layout.js";
import { drawScene, present, sizeOf } from "./render.js";
import { CSS } from "./style.js";
import { collapse, defaultDepth, expand, expandedForDepth, reveal, unfold, visibleGraph } from "./visible.js";

/**
 * @typedef {{graph:any, depth?:number|null, view?:string, colorBy?:string, selected?:string,
 *   maxVisible?:number, height?:number, onChange?:(key:string, value:any) => void}} ViewOptions
 */

/** Above this many drawn items a click that would open more is refused with a hint. */
export const MAX_DRAWN = 1500;

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
    anchor: /** @type {{id:string, x:number, y:number}|null} */ (null),
    timings: /** @type {Record<string, number>} */ ({}),
    destroyed: false,
  };

  // ---- DOM skeleton (no graph text yet) ----
  const styleEl = h("style", {}, [CSS]);
  const btn = (label, title, cls = "") => h("button", { type: "button", title, class: cls }, [label]);
  const fwdBtn = btn("Forward", "forward pass: data flows from the inputs to the loss", "ng-view-forward");
  const bwdBtn = btn("Backward", "backward pass: the gradient flows from the loss back to the parameters", "ng-view-backward");
  const search = /** @type {HTMLInputElement} */ (h("input", { type: "search", class: "ng-search", placeholder: "search name…", "aria-label": "search nodes by name" }));
  const count = h("span", { class: "ng-count" });
  const colorSel = /** @type {HTMLSelectElement} */ (
    h("select", { class: "ng-color", "aria-label": "colour by" }, [
      h("option", { value: "grad" }, ["colour: gradient"]),
      h("option", { value: "value" }, ["colour: value"]),
      h("option", { value: "none" }, ["colour: none"]),
    ])
  );
  const depthDown = btn("−", "show less detail (close one level of modules)", "ng-depth-down");
  const depthText = h("span", { class: "ng-depth" });
  const depthUp = btn("+", "show more detail (open one more level of modules)", "ng-depth-up");
  const fitBtn = btn("Fit", "fit the whole graph in view", "ng-fit");
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
  const message = h("div", { class: "ng-message" }, ["Laying out the graph…"]);
  const canvas = h("div", { class: "ng-canvas" }, [svg, message]);
  const inspector = h("aside", { class: "ng-inspector", "aria-label": "inspector" });
  inspector.hidden = true;
  const main = h("div", { class: "ng-main" }, [canvas, inspector]);
  if (options.height) main.style.height = `${options.height | 0}px`;
  const legendBar = h("span", { class: "ng-legend-bar" });
  const legendLo = h("span", { class: "ng-legend-lo" });
  const legendHi = h("span", { class: "ng-legend-hi" });
  const legendTitle = h("span", { class: "ng-legend-title" });
  const legend = h("div", { class: "ng-legend" }, [legendTitle, legendLo, legendBar, legendHi, h("span", { class: "ng-legend-zero" }), " zero or none"]);
  const resetBtn = btn("Start", "back to the start of the backward pass", "ng-step-reset");
  const prevBtn = btn("◀", "one step back", "ng-step-prev");
  const playBtn = btn("▶ Replay backward", "replay the backward pass node by node, in autograd's order", "ng-step-play");
  const nextBtn = btn("▶", "one step forward", "ng-step-next");
  const endBtn = btn("End", "jump to the end of the backward pass", "ng-step-end");
  const stepText = h("span", { class: "ng-step-text" }, ["Backward step-through: see the gradient flow from the loss to the parameters."]);
  const stepper = h("div", { class: "ng-stepper" }, [resetBtn, prevBtn, playBtn, nextBtn, endBtn, stepText]);
  const root = h("div", { class: "ng-root" }, [styleEl, toolbar, main, legend, stepper]);
  el.appendChild(root);

  // ---- pan & zoom ----
  const zoomer = zoom()
    .scaleExtent([0.02, 4])
    .on("zoom", (ev) => viewport.setAttribute("transform", ev.transform.toString()));
  const svgSel = select(svg);
  svgSel.call(/** @type {any} */ (zoomer)).on("dblclick.zoom", null);

  function fit() {
    if (!st.scene) return;
    if (!svg.clientWidth) {
      st.fitNext = true; // not on the page yet: fit once it has a size
      return;
    }
    const box = { w: Number(svg.dataset.width) || 1, h: Number(svg.dataset.height) || 1 };
    const W = svg.clientWidth || 800;
    const H = svg.clientHeight || 500;
    const k = Math.min((W - 20) / box.w, (H - 20) / box.h, 1.5);
    const t = zoomIdentity.translate((W - box.w * k) / 2, (H - box.h * k) / 2).scale(k);
    svgSel.call(/** @type {any} */ (zoomer).transform, t);
  }

  const resizer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => {
    if (st.fitNext && st.scene && svg.clientWidth) {
      st.fitNext = false;
      fit();
    }
  });
  resizer?.observe(svg);

  // ---- state changes ----
  function loadGraph(payload) {
    try {
      st.graph = parseGraph(payload);
    } catch (err) {
      showError(`Cannot read this graph: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
    const limit = options.maxVisible ?? 150;
    st.depth = options.depth == null ? defaultDepth(st.graph, limit) : Math.max(0, Number(options.depth) | 0);
    st.state = { expanded: expandedForDepth(st.graph, st.depth), unfolded: new Map() };
    st.replay = null;
    st.fitNext = true;
    return true;
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
    const pres = new Map();
    const nodes = [];
    for (const item of vis.items.values()) {
      const p = present(item, graph, /** @type {any} */ (st.view));
      pres.set(item.id, p);
      nodes.push({ id: item.id, ...sizeOf(p, item) });
    }
    const reversed = st.view === "backward";
    const edges = vis.edges.map((e) => (reversed ? { source: e.target, target: e.source } : e));
    const clusters = [...vis.clusters.values()].map((c) => ({ ...c, label: c.path }));
    const t1 = performance.now();
    let lay;
    try {
      lay = await layout({ nodes, edges, clusters });
    } catch (err) {
      if (token === st.token) showError(`Layout failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (token !== st.token || st.destroyed) return;
    const t2 = performance.now();
    const colors = colorItems(vis);
    const scene = drawScene(lay, vis, pres, {
      colors,
      reversed,
      clusterLabel: (path) => {
        const type = graph.modules.get(path)?.type;
        return type ? `${path} (${type})` : path;
      },
    });
    clear(viewport);
    viewport.appendChild(scene.root);
    svg.dataset.width = String(lay.width);
    svg.dataset.height = String(lay.height);
    st.vis = vis;
    st.scene = scene;
    message.hidden = true;
    message.className = "ng-message";
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
    legendTitle.textContent = st.colorBy === "grad" ? "gradient size (RMS, log scale):" : "value size (RMS, log scale):";
    legendLo.textContent = formatNumber(10 ** scale.lo);
    legendHi.textContent = formatNumber(10 ** scale.hi);
    legendBar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(scaleColor).join(", ")})`;
    return colors;
  }

  function updateToolbar() {
    fwdBtn.setAttribute("aria-pressed", String(st.view === "forward"));
    bwdBtn.setAttribute("aria-pressed", String(st.view === "backward"));
    colorSel.value = st.colorBy ?? "grad";
    depthText.textContent = `depth ${st.depth}`;
    depthDown.disabled = st.depth <= 0;
    depthUp.disabled = !st.graph || st.depth >= st.graph.maxDepth;
    const order = replayOrder();
    const off = order.length === 0;
    for (const b of [resetBtn, prevBtn, playBtn, nextBtn, endBtn]) b.disabled = off;
    if (off) stepText.textContent = "No backward pass in this graph: trace it with a loss to replay the gradient flow.";
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
    count.textContent = st.query.trim() ? `${n} match${n === 1 ? "" : "es"}` : "";
  }

  // ---- user actions ----
  function selectItem(id, { notify = true } = {}) {
    const vis = st.vis;
    const graph = st.graph;
    if (!vis || !graph) return;
    const itemId = vis.items.has(id) ? id : vis.rep.get(id);
    const item = itemId ? vis.items.get(itemId) : null;
    st.selected = item ? (item.type === "node" ? item.id : id) : "";
    if (item) {
      showItem(inspector, item, graph, {
        onClose: () => {
          st.selected = "";
          applyHighlights();
          onChange("selected", "");
        },
      });
    } else hideInspector(inspector);
    applyHighlights();
    if (notify) onChange("selected", st.selected);
  }

  function tooMany(nextState) {
    if (!st.graph) return false;
    const n = visibleGraph(st.graph, nextState).items.size;
    if (n <= MAX_DRAWN) return false;
    showError(`Opening this would draw ${n} nodes at once; open a smaller module first.`);
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
      if (st.graph) showItem(inspector, item, st.graph, { onClose: () => {} });
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

  function centreOn(id) {
    const itemId = st.vis?.rep.get(id) ?? id;
    const pos = screenPos(itemId);
    if (!pos) return;
    const W = svg.clientWidth || 800;
    const H = svg.clientHeight || 500;
    svgSel.call(/** @type {any} */ (zoomer).translateBy, (W / 2 - pos.x) / ((/** @type {any} */ (svg).__zoom?.k) || 1), (H / 2 - pos.y) / ((/** @type {any} */ (svg).__zoom?.k) || 1));
  }

  // backward replay
  function describeStep() {
    const r = st.replay;
    const graph = st.graph;
    if (!r || !graph) return;
    if (r.step === 0) {
      stepText.textContent = `Backward pass: ${r.length} steps. Press ▶ to let the gradient flow from the loss.`;
      return;
    }
    const node = graph.byId.get(/** @type {string} */ (r.current));
    const where = node?.module ? ` in ${node.module}` : "";
    const what = node?.kind === "param" ? `gradient reaches parameter ${node.name ?? node.label}` : `${node?.backward ?? node?.label} passes the gradient back`;
    stepText.textContent = `step ${r.step}/${r.length}: ${what}${where}`;
  }

  /** @param {"next"|"prev"|"reset"|"end"} action @param {boolean} [playing] from the timer */
  function step(action, playing = false) {
    replayOrder();
    const r = st.replay;
    if (!r) return;
    if (!playing) stopPlaying();
    if (action === "next") r.next();
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
    playBtn.textContent = "▶ Replay backward";
  }

  function togglePlay() {
    if (st.playing) {
      stopPlaying();
      return;
    }
    replayOrder();
    if (!st.replay) return;
    if (st.replay.done) st.replay.reset();
    playBtn.textContent = "Pause";
    const delay = Math.max(30, Math.min(400, 8000 / Math.max(1, st.replay.length)));
    st.playing = setInterval(() => {
      step("next", true);
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

  function setDepth(depth, notify = false) {
    if (!st.graph) return Promise.resolve();
    const d = Math.max(0, Math.min(st.graph.maxDepth, Number(depth) | 0));
    const next = { expanded: expandedForDepth(st.graph, d), unfolded: new Map() };
    if (tooMany(next)) return Promise.resolve();
    st.depth = d;
    st.state = next;
    st.fitNext = true;
    if (notify) onChange("depth", d);
    return redraw();
  }

  function setGraph(payload) {
    if (!loadGraph(payload)) return Promise.resolve();
    hideInspector(inspector);
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
    /** @param {string} id raw node id (or a drawn item id); revealed if hidden */
    async select(id) {
      if (!id) {
        st.selected = "";
        hideInspector(inspector);
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
