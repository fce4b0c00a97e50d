// The graph debugger view: the drawing of the visible graph, the user's actions on it (open,
// close, select, search, depth, forward/backward, colours) and the setters Python calls.
// It works on a plain element, without anywidget, so tests can drive it. Its parts:
// chrome.js (toolbar, legend, stepper's buttons), camera.js (pan and zoom), stepper.js (the
// backward replay), depth.js (which depth to open), visible.js (what is drawn at a state).

import { Camera, LEGIBLE } from "./camera.js";
import { buildChrome, COLOR_BY, labelChrome, paintLegend } from "./chrome.js";
import { logScale, magnitude } from "./color.js";
import { clear } from "./dom.js";
import { MAX_DRAWN, openedAt, planOf, startingDepth } from "./depth.js";
import { findNodes, parseGraph } from "./graph.js";
import { hideInspector, showItem } from "./inspector.js";
import { layout } from "./layout.js";
import { plural, translator } from "./messages.js";
import { drawScene, fitClusterTitles, sceneInput } from "./render.js";
import { Stepper } from "./stepper.js";
import { collapse, expand, reveal, unfold, visibleGraph } from "./visible.js";

export { MAX_DRAWN, planOf };

/**
 * @typedef {{graph:any, depth?:number|null, view?:string, colorBy?:string, selected?:string,
 *   maxVisible?:number, height?:number, messages?:Record<string, string>|null,
 *   onChange?:(key:string, value:any) => void}} ViewOptions
 * `messages`: the words to show (the `graphview.` keys of nngraph.i18n); English where missing.
 */

/**
 * Build a graph view inside `el`.
 *
 *     const view = createGraphView(document.body, { graph: g.to_json() });
 *     await view.ready; view.setDepth(2);
 *
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
    colorBy: COLOR_BY.includes(options.colorBy ?? "") ? options.colorBy : "grad",
    selected: options.selected || "",
    query: "",
    matchIndex: -1,
    /** @type {import("./visible.js").Visible|null} */ vis: null,
    /** @type {ReturnType<typeof drawScene>|null} */ scene: null,
    token: 0,
    fitNext: true,
    anchor: /** @type {{id:string, x:number, y:number}|null} */ (null),
    timings: /** @type {Record<string, number>} */ ({}),
    destroyed: false,
    /** what the inspector shows (null when closed), to redo it in another language */
    inspected: /** @type {{item: import("./visible.js").Item, selecting: boolean}|null} */ (null),
  };
  let t = translator(options.messages);
  const c = buildChrome(el, options.height);
  const { svg, message, root } = c;
  const camera = new Camera(svg, c.viewport);
  const stepper = new Stepper(c, (step) => {
    applyHighlights();
    onChange("step", step);
  });
  stepper.t = t;
  labelChrome(c, t, false);
  message.textContent = t("graphview.laying_out");
  c.stepText.textContent = t("graphview.step.help");

  /** Fit the drawing to the canvas; `whole`: all of it, however small (the "Fit" button). */
  function fit(whole = false) {
    if (!st.scene) return;
    if (!svg.clientWidth) {
      st.fitNext = true; // not on the page yet: fit once it has a size
      return;
    }
    fitClusterTitles(st.scene.clusterEls); // measurable now that the drawing is on the page
    camera.fit({ w: Number(svg.dataset.width) || 1, h: Number(svg.dataset.height) || 1 }, whole ? 0 : LEGIBLE);
  }

  // fit once the drawing has a size, and again whenever its size changes (the inspector
  // opens, the window narrows), unless the user has panned or zoomed since
  const resizer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => {
    if (!st.scene || !svg.clientWidth) return;
    const size = `${svg.clientWidth}x${svg.clientHeight}`;
    if (st.fitNext || (size !== camera.size && !camera.moved)) {
      st.fitNext = false;
      fit();
    }
    camera.size = size;
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
    const depth = options.depth == null ? null : Math.max(0, Number(options.depth) | 0);
    st.depth = startingDepth(st.graph, { depth, maxVisible: options.maxVisible, reversed: st.view === "backward" });
    st.state = openedAt(st.graph, st.depth); // as "+" and "−" draw that depth
    if (st.colorBy === "grad" && !st.graph.nodes.some((n) => n.grad)) {
      st.colorBy = "value"; // a forward pass alone: no gradient to colour by, all boxes white
      onChange("color_by", "value");
    }
    stepper.setGraph(st.graph);
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
    const reversed = st.view === "backward";
    const { pres, nodes, edges, clusters, clusterLabel } = sceneInput(vis, graph, /** @type {any} */ (st.view), t);
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
    const scene = drawScene(lay, vis, pres, { colors: colorItems(vis), reversed, t, clusterLabel });
    clear(c.viewport);
    c.viewport.appendChild(scene.root);
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
    } else if (st.anchor) keepAnchor(lay, st.anchor);
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
    clear(c.viewport);
    st.scene = null;
    st.vis = vis;
    c.legend.hidden = true;
    stepper.stop();
    updateToolbar();
    // what is drawn now is too big (user actions are checked before they open anything)
    showError(why);
  }

  /**
   * After an expand/collapse, keep the clicked thing where it was on screen.
   * @param {any} lay @param {{id:string, x:number, y:number}} a
   */
  function keepAnchor(lay, a) {
    const box = lay.nodes.get(a.id) ?? (a.id.startsWith("m:") ? lay.clusters.get(a.id.slice(2)) : null);
    if (!box) return;
    const at = "labelX" in box ? { x: box.x + box.width / 2, y: box.y + 10 } : { x: box.x, y: box.y };
    camera.keep(at, a);
  }

  /** Where the drawn item or frame `id` is on the canvas, null when it is not drawn. */
  function screenPos(id) {
    const drawn = st.scene?.itemEls.get(id) ?? st.scene?.clusterEls.get(id.replace(/^m:/, ""));
    return drawn ? camera.screenPos(drawn) : null;
  }

  function colorItems(vis) {
    const colors = new Map();
    if (st.colorBy === "none") {
      paintLegend(c, null, "none", t);
      return colors;
    }
    const mags = new Map();
    for (const item of vis.items.values()) mags.set(item.id, magnitude(item.members, st.colorBy ?? "grad"));
    const scale = logScale([...mags.values()]);
    for (const [id, m] of mags) colors.set(id, scale.color(m));
    paintLegend(c, scale, st.colorBy ?? "grad", t);
    return colors;
  }

  function updateToolbar() {
    c.fwdBtn.setAttribute("aria-pressed", String(st.view === "forward"));
    c.bwdBtn.setAttribute("aria-pressed", String(st.view === "backward"));
    c.colorSel.value = st.colorBy ?? "grad";
    c.depthText.textContent = t("graphview.depth", { depth: st.depth });
    c.depthDown.disabled = st.depth <= 0;
    c.depthUp.disabled = !st.graph || st.depth >= st.graph.maxDepth;
    stepper.enable(st.scene !== null);
  }

  // ---- highlights: selection, search matches, backward replay ----
  function applyHighlights() {
    const scene = st.scene;
    const vis = st.vis;
    if (!scene || !vis || !st.graph) return;
    const selectedItem = st.selected ? vis.rep.get(st.selected) ?? (vis.items.has(st.selected) ? st.selected : null) : null;
    const matches = new Set(findMatches().map((id) => vis.rep.get(id)));
    const { stepping, lit, current } = stepper.lit();
    const litItems = new Set([...lit].map((id) => vis.rep.get(id)));
    const currentItem = current ? vis.rep.get(current) : null;
    for (const [id, g] of scene.itemEls) {
      g.classList.toggle("ng-selected", id === selectedItem);
      g.classList.toggle("ng-match", matches.has(id));
      g.classList.toggle("ng-lit", litItems.has(id));
      g.classList.toggle("ng-current", id === currentItem);
    }
    for (const e of scene.edgeEls) {
      // gradient flows from target back to source: lit once both ends have run
      e.el.classList.toggle("ng-lit", litItems.has(e.source) && litItems.has(e.target));
    }
    root.classList.toggle("ng-stepping", stepping);
  }

  function findMatches() {
    return st.graph ? findNodes(st.graph, st.query) : [];
  }

  function updateCount() {
    const n = findMatches().length;
    c.count.textContent = st.query.trim() ? t(`graphview.matches.${plural(n)}`, { n }) : "";
  }

  // ---- user actions ----
  function selectItem(id, { notify = true } = {}) {
    const vis = st.vis;
    if (!vis || !st.graph) return;
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

  c.fwdBtn.addEventListener("click", () => setView("forward", true));
  c.bwdBtn.addEventListener("click", () => setView("backward", true));
  c.colorSel.addEventListener("change", () => setColorBy(c.colorSel.value, true));
  c.fitBtn.addEventListener("click", () => fit(true));
  c.depthDown.addEventListener("click", () => setDepth(st.depth - 1, true));
  c.depthUp.addEventListener("click", () => setDepth(st.depth + 1, true));
  let searchTimer = /** @type {any} */ (null);
  c.search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      st.query = c.search.value;
      st.matchIndex = -1;
      updateCount();
      applyHighlights();
    }, 120);
  });
  c.search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      st.query = c.search.value;
      updateCount();
      nextMatch();
    }
  });

  /** Open the modules and runs that hide node `id` and draw it, unless that draws too much. */
  async function showNode(id) {
    if (!st.graph) return;
    const next = cloneState();
    reveal(st.graph, next, id);
    if (tooMany(next)) return;
    st.state = next;
    await redraw();
  }

  /** Reveal, select and centre the next search match. */
  async function nextMatch() {
    const graph = st.graph;
    const matches = findMatches();
    if (!graph || !matches.length) return;
    st.matchIndex = (st.matchIndex + 1) % matches.length;
    const id = matches[st.matchIndex];
    await showNode(id);
    selectItem(id);
    const pos = screenPos(st.vis?.rep.get(id) ?? id);
    if (pos) camera.centre(pos);
  }

  // ---- inspector ----
  /**
   * Show a drawn item in the inspector; `selecting`: closing it clears the selection.
   * @param {import("./visible.js").Item} item @param {boolean} selecting
   */
  function inspect(item, selecting) {
    if (!st.graph) return;
    st.inspected = { item, selecting };
    showItem(c.inspector, item, st.graph, {
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
    hideInspector(c.inspector);
  }

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
    const color = COLOR_BY.includes(colorBy) ? colorBy : "grad";
    if (color === st.colorBy) return Promise.resolve();
    st.colorBy = color;
    if (notify) onChange("color_by", color);
    return redraw();
  }

  function setDepth(depth, notify = false) {
    if (!st.graph) return Promise.resolve();
    const d = Math.max(0, Math.min(st.graph.maxDepth, Number(depth) | 0));
    const next = openedAt(st.graph, d);
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
    return redraw();
  }

  /**
   * Show the view in other words (after ng.set_language): every label, the drawing's
   * tooltips, the step line, the search count and the open inspector are redone.
   * @param {Record<string, string>|null|undefined} messages
   */
  function setMessages(messages) {
    t = translator(messages);
    labelChrome(c, t, stepper.playing !== null);
    stepper.setWords(t);
    updateCount();
    if (!message.hidden && !message.classList.contains("ng-error")) message.textContent = t("graphview.laying_out");
    if (st.inspected && !c.inspector.hidden) inspect(st.inspected.item, st.inspected.selecting);
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
      if (st.graph?.byId.has(id) && !st.vis?.items.has(id)) await showNode(id);
      selectItem(id, { notify: false });
    },
    open,
    close,
    fit: () => fit(true),
    step: (/** @type {"next"|"prev"|"reset"|"end"} */ action) => stepper.step(action),
    search(q) {
      c.search.value = q;
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
      stepper.stop();
      clearTimeout(searchTimer);
      camera.destroy();
      resizer?.disconnect();
      root.remove();
    },
  };
}
