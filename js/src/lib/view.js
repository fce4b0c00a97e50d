// The graph debugger view: the drawing of the visible graph, the user's actions on it (open,
// close, select, search, depth, forward/backward, colours) and the setters Python calls.
// It works on a plain element, without anywidget, so tests can drive it. Its parts:
// chrome.js (toolbar, legend, stepper's buttons), camera.js (pan and zoom), drawing.js (lay
// out and draw what is visible, fit it), highlights.js (selection, search matches, replay),
// stepper.js (the backward replay), depth.js (which depth to open), visible.js (what is drawn
// at a state).

import { Camera } from "./camera.js";
import { buildChrome, COLOR_BY, labelChrome } from "./chrome.js";
import { MAX_DRAWN, openedAt, planOf, startingDepth } from "./depth.js";
import { Drawing } from "./drawing.js";
import { parseGraph } from "./graph.js";
import { Highlights } from "./highlights.js";
import { hideInspector, showItem } from "./inspector.js";
import { listenToKeys } from "./keys.js";
import { translator } from "./messages.js";
import { depthChange, refusal, whyNotDrawn } from "./notice.js";
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
 * The view's state `st`, shared with its parts (drawing.js, highlights.js); `st.state`: which
 * modules are open and which runs unfolded (visible.js's ViewState).
 * @param {ViewOptions} options
 */
function newState(options) {
  return {
    /** @type {import("./graph.js").Graph|null} */ graph: null,
    state: { expanded: new Set(), unfolded: new Map() },
    depth: 0,
    view: options.view === "backward" ? "backward" : "forward",
    colorBy: COLOR_BY.includes(options.colorBy ?? "") ? options.colorBy : "grad",
    selected: options.selected || "",
    query: "",
    matchIndex: -1,
    /** @type {import("./visible.js").Visible|null} */ vis: null,
    /** @type {ReturnType<typeof import("./render.js").drawScene>|null} */ scene: null,
    token: 0,
    fitNext: true,
    anchor: /** @type {{id:string, x:number, y:number}|null} */ (null),
    timings: /** @type {Record<string, number>} */ ({}),
    destroyed: false,
    /** what the inspector shows (null when closed), to redo it in another language */
    inspected: /** @type {{item: import("./visible.js").Item, selecting: boolean}|null} */ (null),
  };
}

/** @typedef {ReturnType<typeof newState>} GraphViewState */

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
  const st = newState(options);
  let t = translator(options.messages);
  const c = buildChrome(el, options.height);
  const { svg, message, root } = c;
  const camera = new Camera(svg, c.viewport);
  const stepper = new Stepper(c, (step) => {
    highlights.apply();
    onChange("step", step);
  });
  stepper.t = t;
  const highlights = new Highlights(st, c, stepper, t, () => nextMatch());
  const drawing = new Drawing(st, c, camera, stepper, highlights, t);
  labelChrome(c, t, false);
  message.textContent = t("graphview.laying_out");
  c.stepText.textContent = t("graphview.step.help");
  /** @type {import("./notice.js").Note|null} the note above the drawing, if any */
  let note = null;

  /** Show `next` above the drawing (null: none). @param {import("./notice.js").Note|null} next */
  function setNote(next) {
    note = next;
    c.notice.hidden = note === null;
    c.noticeText.textContent = note ? note(t) : "";
  }
  c.noticeClose.addEventListener("click", () => setNote(null));

  // ---- state changes ----
  function loadGraph(payload) {
    try {
      st.graph = parseGraph(payload);
    } catch (err) {
      const why = err instanceof Error ? (/** @type {any} */ (err).key ? t(/** @type {any} */ (err).key) : err.message) : String(err);
      drawing.showError(t("graphview.cannot_read", { error: why }));
      return false;
    }
    const depth = options.depth == null ? null : Math.min(st.graph.maxDepth, Math.max(0, Number(options.depth) | 0));
    const reversed = st.view === "backward";
    st.depth = startingDepth(st.graph, { depth, maxVisible: options.maxVisible, reversed });
    setNote(depthChange(st.graph, { asked: options.depth == null ? null : Number(options.depth) | 0, depth: st.depth, reversed }));
    st.state = openedAt(st.graph, st.depth); // as "+" and "−" draw that depth
    if (st.colorBy === "grad" && !st.graph.nodes.some((n) => n.grad)) {
      st.colorBy = "value"; // a forward pass alone: no gradient to colour by, all boxes white
      onChange("color_by", "value");
    }
    stepper.setGraph(st.graph);
    st.fitNext = true;
    return true;
  }

  /** Whether two graphs hold the same nodes and as many edges: one graph, relabelled. */
  function sameNodes(a, b) {
    return (
      a.nodes.length === b.nodes.length &&
      a.edges.length === b.edges.length &&
      a.nodes.every((n, i) => n.id === b.nodes[i].id && n.module === b.nodes[i].module)
    );
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
    highlights.apply();
    if (notify) onChange("selected", st.selected);
  }

  /**
   * Whether `nextState` cannot be drawn (too many boxes, or too slow to lay out): then it says
   * why above the drawing, which stays as it is. `depth`: the depth asked for ("+", "−").
   * @param {import("./visible.js").ViewState} nextState @param {number|null} [depth]
   */
  function refused(nextState, depth = null) {
    if (!st.graph) return false;
    const vis = visibleGraph(st.graph, nextState);
    const why = whyNotDrawn(vis, st.view === "backward");
    setNote(why && refusal(st.graph, why, { n: vis.items.size, depth, shown: st.depth }));
    return why !== null;
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
    if (refused(next)) return Promise.resolve();
    const pos = drawing.screenPos(id);
    st.state = next;
    if (pos && !id.endsWith("#more")) st.anchor = { id: id.startsWith("r:") ? `m:${graph.runs.get(id)?.paths[0]}` : id, ...pos };
    return drawing.redraw();
  }

  /** Close the module drawn as cluster `path`. */
  function close(path) {
    if (!st.graph) return Promise.resolve();
    setNote(null);
    const pos = drawing.screenPos(`m:${path}`);
    collapse(st.graph, st.state, path);
    if (pos) st.anchor = { id: `m:${path}`, ...pos };
    return drawing.redraw();
  }

  /**
   * What a click (or Enter on a focused box) on `target` does: a frame's title closes its
   * module; a node is selected; a module or a folded run is inspected and opened.
   * @param {Element} target
   * @returns {Promise<string|null>} once drawn: the id of what to focus after it, if anything
   */
  async function activate(target) {
    const label = target.closest?.(".ng-cluster-label");
    if (label) {
      const path = label.getAttribute("data-path") ?? "";
      await close(path);
      return `m:${path}`;
    }
    const itemEl = target.closest?.(".ng-item");
    if (!itemEl) return null;
    const id = itemEl.getAttribute("data-id") ?? "";
    const item = st.vis?.items.get(id);
    if (!item) return null;
    if (item.type === "node") {
      selectItem(id);
      return id;
    }
    inspect(item, false);
    const drawn = open(id);
    const opened = st.anchor?.id ?? null; // the module (a run's first block) kept in place
    await drawn;
    return opened;
  }

  svg.addEventListener("click", (ev) => {
    activate(/** @type {Element} */ (ev.target));
  });

  listenToKeys(c, activate, () => st.selected);

  c.fwdBtn.addEventListener("click", () => setView("forward", true));
  c.bwdBtn.addEventListener("click", () => setView("backward", true));
  c.colorSel.addEventListener("change", () => setColorBy(c.colorSel.value, true));
  c.fitBtn.addEventListener("click", () => drawing.fit(true));
  c.depthDown.addEventListener("click", () => setDepth(st.depth - 1, true));
  c.depthUp.addEventListener("click", () => setDepth(st.depth + 1, true));

  /** Open the modules and runs that hide node `id` and draw it, unless that draws too much. */
  async function showNode(id) {
    if (!st.graph) return;
    const next = cloneState();
    reveal(st.graph, next, id);
    if (refused(next)) return;
    st.state = next;
    await drawing.redraw();
  }

  /** Reveal, select and centre the next search match. */
  async function nextMatch() {
    const id = highlights.nextMatch();
    if (id === null) return;
    await showNode(id);
    selectItem(id);
    const pos = drawing.screenPos(st.vis?.rep.get(id) ?? id);
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
        highlights.apply();
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
    return drawing.redraw();
  }

  function setColorBy(colorBy, notify = false) {
    const color = COLOR_BY.includes(colorBy) ? colorBy : "grad";
    if (color === st.colorBy) return Promise.resolve();
    st.colorBy = color;
    if (notify) onChange("color_by", color);
    return drawing.redraw();
  }

  function setDepth(depth, notify = false) {
    if (!st.graph) return Promise.resolve();
    const d = Math.max(0, Math.min(st.graph.maxDepth, Number(depth) | 0));
    const next = openedAt(st.graph, d);
    if (refused(next, d)) return Promise.resolve();
    st.depth = d;
    st.state = next;
    st.fitNext = true;
    if (notify) onChange("depth", d);
    return drawing.redraw();
  }

  /**
   * Show another graph. The same graph in other words (ng.set_language says its "output" and
   * "param" anew) keeps what the user opened, the depth and the node inspected; another one
   * starts afresh, and its selection is cleared for Python too.
   */
  function setGraph(payload) {
    const before = st.graph;
    const kept = { depth: st.depth, state: st.state, selected: st.selected };
    if (!loadGraph(payload)) return Promise.resolve();
    if (before && st.graph && sameNodes(before, st.graph)) {
      Object.assign(st, { depth: kept.depth, state: kept.state, fitNext: false });
      return drawing.redraw().then(() => {
        if (kept.selected) selectItem(kept.selected, { notify: false });
      });
    }
    closeInspector();
    if (st.selected) {
      st.selected = "";
      onChange("selected", "");
    }
    return drawing.redraw();
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
    drawing.setWords(t);
    highlights.setWords(t);
    setNote(note);
    if (!message.hidden && !message.classList.contains("ng-error")) message.textContent = t("graphview.laying_out");
    if (st.inspected && !c.inspector.hidden) inspect(st.inspected.item, st.inspected.selecting);
    return drawing.redraw();
  }

  const ready = loadGraph(options.graph) ? drawing.redraw() : Promise.resolve();
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
        highlights.apply();
        return;
      }
      if (st.graph?.byId.has(id) && !st.vis?.items.has(id)) await showNode(id);
      selectItem(id, { notify: false });
    },
    open,
    close,
    fit: () => drawing.fit(true),
    step: (/** @type {"next"|"prev"|"reset"|"end"} */ action) => stepper.step(action),
    /** @param {string} q @returns {string[]} the raw ids of the nodes that match */
    search(q) {
      return highlights.search(q);
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
      highlights.destroy();
      camera.destroy();
      drawing.destroy();
      root.remove();
    },
  };
}
