// The graph view's canvas: lays out what is visible with Graphviz (layout.js), draws it
// (render.js), fits it to the canvas (again when the canvas is resized), keeps a clicked box
// where it was after a change, colours it and shows the toolbar's state, and says over the
// canvas why nothing is drawn (too big, too tangled for Graphviz, an error). Each drawing ends
// with an `ng-rendered` event on the view, its timings as the detail.

import { LEGIBLE } from "./camera.js";
import { paintLegend } from "./chrome.js";
import { logScale, magnitude } from "./color.js";
import { MAX_DRAWN, planOf } from "./depth.js";
import { clear } from "./dom.js";
import { layout } from "./layout.js";
import { drawScene, fitClusterTitles, sceneInput } from "./render.js";
import { visibleGraph } from "./visible.js";
import { leftToRight } from "./text.js";

/** @typedef {import("./view.js").GraphViewState} GraphViewState */
/** @typedef {import("./chrome.js").Chrome} Chrome */
/** @typedef {(key:string, params?:any) => string} Words */

/**
 * The drawing of the view's state `st` on the canvas of `c`, panned and zoomed by `camera`;
 * `highlights` marks it once drawn, `stepper` works only while something is drawn.
 *
 *     const drawing = new Drawing(st, chrome, camera, stepper, highlights, t);
 *     st.state = openedAt(graph, 2); await drawing.redraw();
 */
export class Drawing {
  /**
   * @param {GraphViewState} st @param {Chrome} c @param {import("./camera.js").Camera} camera
   * @param {import("./stepper.js").Stepper} stepper
   * @param {import("./highlights.js").Highlights} highlights @param {Words} t
   */
  constructor(st, c, camera, stepper, highlights, t) {
    this.st = st;
    this.c = c;
    this.camera = camera;
    this.stepper = stepper;
    this.highlights = highlights;
    this.t = t;
    const svg = c.svg;
    // fit once the drawing has a size, and again whenever its size changes (the inspector
    // opens, the window narrows), unless the user has panned or zoomed since
    this.resizer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => {
      if (!st.scene || !svg.clientWidth) return;
      const size = `${svg.clientWidth}x${svg.clientHeight}`;
      if (st.fitNext || (size !== camera.size && !camera.moved)) {
        st.fitNext = false;
        this.fit();
      }
      camera.size = size;
    });
    this.resizer?.observe(svg);
  }

  /** Say it in other words (from the next redraw on). @param {Words} t */
  setWords(t) {
    this.t = t;
  }

  /** Fit the drawing to the canvas; `whole`: all of it, however small (the "Fit" button). */
  fit(whole = false) {
    const { st, c } = this;
    if (!st.scene) return;
    if (!c.svg.clientWidth) {
      st.fitNext = true; // not on the page yet: fit once it has a size
      return;
    }
    fitClusterTitles(st.scene.clusterEls); // measurable now that the drawing is on the page
    this.camera.fit({ w: Number(c.svg.dataset.width) || 1, h: Number(c.svg.dataset.height) || 1 }, whole ? 0 : LEGIBLE);
  }

  /** Lay out and draw the visible graph; resolves when drawn (or superseded). */
  async redraw() {
    const { st, c } = this;
    const graph = st.graph;
    if (!graph || st.destroyed) return;
    const token = ++st.token;
    const t0 = performance.now();
    const vis = visibleGraph(graph, st.state);
    if (vis.items.size > MAX_DRAWN) {
      const key = graph.meta?.source === "graph_of" ? "graphview.too_big_graph_of" : "graphview.too_big";
      this.decline(vis, this.t(key, { n: vis.items.size }));
      return;
    }
    const reversed = st.view === "backward";
    const plan = planOf(vis, reversed);
    if (plan === null) {
      this.decline(vis, this.tangled());
      return;
    }
    const framed = plan !== "flat";
    const { pres, nodes, edges, clusters, clusterLabel } = sceneInput(vis, graph, /** @type {any} */ (st.view), this.t, framed);
    const t1 = performance.now();
    let lay;
    try {
      lay = await layout({ nodes, edges, clusters: framed ? clusters : [] });
    } catch (err) {
      if (token === st.token) this.showError(this.t("graphview.layout_failed", { error: err instanceof Error ? err.message : String(err) }));
      return;
    }
    if (token !== st.token || st.destroyed) return;
    const t2 = performance.now();
    const scene = drawScene(lay, vis, pres, { colors: this.colorItems(vis), reversed, t: this.t, clusterLabel });
    clear(c.viewport);
    c.viewport.appendChild(scene.root);
    fitClusterTitles(scene.clusterEls);
    c.svg.dataset.width = String(lay.width);
    c.svg.dataset.height = String(lay.height);
    st.vis = vis;
    st.scene = scene;
    c.message.hidden = true;
    c.message.className = "ng-message";
    if (vis.items.size === 0) {
      // nothing was recorded: say so, as the static picture does, rather than a blank box
      c.message.textContent = this.t("graphview.empty_graph");
      c.message.hidden = false;
    }
    this.highlights.apply();
    this.updateToolbar();
    if (st.fitNext) {
      st.fitNext = false;
      this.fit();
    } else if (st.anchor) this.keepAnchor(lay, st.anchor);
    st.anchor = null;
    const t3 = performance.now();
    st.timings = { prepare: t1 - t0, layout: t2 - t1, draw: t3 - t2, total: t3 - t0, items: vis.items.size };
    c.root.dataset.items = String(vis.items.size);
    c.root.dispatchEvent(new CustomEvent("ng-rendered", { detail: st.timings }));
  }

  /**
   * Too much to draw (a huge graph with nothing to fold, or one Graphviz would take minutes
   * on): say so (`why`) and lay nothing out, but keep `vis` so that search and the inspector
   * still work.
   * @param {import("./visible.js").Visible} vis @param {string} why
   */
  decline(vis, why) {
    const { st, c } = this;
    clear(c.viewport);
    st.scene = null;
    st.vis = vis;
    c.legend.hidden = true;
    this.stepper.stop();
    this.updateToolbar();
    // what is drawn now is too big (user actions are checked before they open anything)
    this.showError(why);
  }

  /** Why a drawing is too slow to lay out, and what to do: `graph_of` has no modules to fold. */
  tangled() {
    return this.t(this.st.graph?.meta?.source === "graph_of" ? "graphview.too_tangled_graph_of" : "graphview.too_tangled");
  }

  /** Say `text` over the canvas, as an error. @param {string} text */
  showError(text) {
    const message = this.c.message;
    message.textContent = leftToRight(text);
    message.className = "ng-message ng-error";
    message.hidden = false;
  }

  /**
   * After an expand/collapse, keep the clicked thing where it was on screen.
   * @param {any} lay @param {{id:string, x:number, y:number}} a
   */
  keepAnchor(lay, a) {
    const box = lay.nodes.get(a.id) ?? (a.id.startsWith("m:") ? lay.clusters.get(a.id.slice(2)) : null);
    if (!box) return;
    const at = "labelX" in box ? { x: box.x + box.width / 2, y: box.y + 10 } : { x: box.x, y: box.y };
    this.camera.keep(at, a);
  }

  /**
   * Where the drawn item or frame `id` is on the canvas, null when it is not drawn.
   * @param {string} id @returns {import("./camera.js").Point|null}
   */
  screenPos(id) {
    const drawn = this.st.scene?.itemEls.get(id) ?? this.st.scene?.clusterEls.get(id.replace(/^m:/, ""));
    return drawn ? this.camera.screenPos(drawn) : null;
  }

  /**
   * The fill of each drawn item (by `st.colorBy`), and the legend of that colour scale.
   * @param {import("./visible.js").Visible} vis @returns {Map<string, string>}
   */
  colorItems(vis) {
    const { st, c } = this;
    const colors = new Map();
    if (st.colorBy === "none") {
      paintLegend(c, null, "none", this.t);
      return colors;
    }
    const mags = new Map();
    for (const item of vis.items.values()) mags.set(item.id, magnitude(item.members, st.colorBy ?? "grad"));
    const scale = logScale([...mags.values()]);
    for (const [id, m] of mags) colors.set(id, scale.color(m));
    paintLegend(c, scale, st.colorBy ?? "grad", this.t);
    return colors;
  }

  /** Show the view, colour and depth on the toolbar; the stepper works if something is drawn. */
  updateToolbar() {
    const { st, c } = this;
    c.fwdBtn.setAttribute("aria-pressed", String(st.view === "forward"));
    c.bwdBtn.setAttribute("aria-pressed", String(st.view === "backward"));
    c.colorSel.value = st.colorBy ?? "grad";
    c.depthText.textContent = this.t("graphview.depth", { depth: st.depth });
    c.depthDown.disabled = st.depth <= 0;
    c.depthUp.disabled = !st.graph || st.depth >= st.graph.maxDepth;
    this.stepper.enable(st.scene !== null);
  }

  /** Stop following the canvas's size. */
  destroy() {
    this.resizer?.disconnect();
  }
}
