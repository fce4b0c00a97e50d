// The whole loss view, independent of anywidget: toolbar, progress line, the legend of
// compared runs, one panel per metric, the runs table and a shared tooltip. Data goes into a Store; drawing happens at
// most once per animation frame, however many batches arrive.
import { createToolbar, fillRunsTable } from "./controls.js";
import { emptyLines, progressText } from "./format.js";
import { panelGrid, SCREEN_MARGIN } from "./layout.js";
import { createRunsLegend } from "./legend.js";
import { createPanel, seriesStyle } from "./panel.js";
import { Store } from "./store.js";
import { ensureStyle } from "./style.js";
import { leftToRight } from "../lib/text.js";

const TITLE = 21; // a panel's title line
const LEGEND_ROW = 27; // uPlot's legend (one row) below a plot

/**
 * @typedef {{store?: Store, strings?: Record<string, string>, log?: boolean, smoothing?: number,
 *   height?: number, running?: boolean, onStop?: () => void,
 *   onOption?: (key: "log_scale"|"smoothing", value: boolean|number) => void}} ViewOptions
 */

/**
 * @param {HTMLElement} el
 * @param {ViewOptions} [options]
 */
export function createLossView(el, options = {}) {
  ensureStyle(el.ownerDocument);
  const store = options.store || new Store();
  const state = {
    strings: options.strings || {},
    log: !!options.log,
    smoothing: Number(options.smoothing) || 0,
    height: options.height || 280, // the most: less on a small screen
    /** @type {Set<string>} compared runs whose curves the legend hides */
    hidden: new Set(),
    // whether a training loop feeds the view now (Python's `running`); a view given no
    // such option (a test, a benchmark) is always live
    running: options.running ?? true,
  };

  const root = document.createElement("div");
  root.className = "ng-loss";
  const toolbar = createToolbar({
    strings: state.strings,
    log: state.log,
    smoothing: state.smoothing,
    onStop: () => options.onStop?.(),
    onLog: (on) => {
      state.log = on;
      options.onOption?.("log_scale", on);
      schedule();
    },
    onSmoothing: (v) => {
      state.smoothing = v;
      options.onOption?.("smoothing", v);
      schedule();
    },
  });
  const progress = document.createElement("div");
  progress.className = "ng-loss-progress";
  const legend = createRunsLegend((run) => {
    if (!state.hidden.delete(run)) state.hidden.add(run);
    schedule();
  });
  const panelsHost = document.createElement("div");
  panelsHost.className = "ng-loss-panels";
  const empty = document.createElement("div");
  empty.className = "ng-loss-empty";
  const table = document.createElement("table");
  table.className = "ng-loss-table";
  table.hidden = true;
  const tip = document.createElement("div");
  tip.className = "ng-loss-tip";
  tip.hidden = true;
  tip.setAttribute("role", "tooltip");
  root.append(toolbar.el, progress, legend.el, empty, panelsHost, table, tip);
  el.appendChild(root);

  /** @type {Map<string, ReturnType<typeof createPanel>>} */
  const panels = new Map();
  let frame = 0;
  let marksVersion = "";

  const marksKey = () =>
    JSON.stringify([
      [...state.hidden],
      ...[...store.runs.values()].map((r) => [r.name, r.events.length, r.best?.step, r.best?.value]),
    ]);

  /** The grid when `count` panels are shown; sets its columns. */
  const layout = (count = panels.size) => {
    const grid = panelGrid({
      count,
      width: panelsHost.clientWidth || el.clientWidth || 720, // 0 while detached: a guess
      height: state.height,
      room: (el.ownerDocument.defaultView?.innerHeight || 900) - SCREEN_MARGIN,
      fixed: root.offsetHeight - panelsHost.offsetHeight, // 0 while detached
      extra: store.kind === "runs" ? TITLE : TITLE + LEGEND_ROW,
    });
    panelsHost.style.gridTemplateColumns = `repeat(${grid.cols}, minmax(0, 1fr))`;
    return grid;
  };

  function render() {
    frame = 0;
    const list = store.panels();
    empty.hidden = list.length > 0;
    if (!list.length) {
      const lines = emptyLines(store.kind, [...store.runs.values()], state.strings);
      empty.replaceChildren(
        ...lines.map((line, i) => {
          const p = document.createElement("div");
          p.className = i ? "ng-loss-empty-event" : "ng-loss-empty-head";
          p.textContent = leftToRight(line);
          return p;
        }),
      );
    }
    // gradient norms and compared runs report no epochs: no progress line (not "waiting")
    progress.textContent = store.progress.length ? progressText(store.progress, state.strings) : "";
    toolbar.sync({
      strings: state.strings,
      log: state.log,
      smoothing: state.smoothing,
      stopped: store.stopped,
      run: store.current,
      canStop: store.kind !== "gradients",
      running: state.running,
    });
    const runs = store.kind === "runs" ? [...store.runs.keys()] : [];
    for (const name of state.hidden) if (!runs.includes(name)) state.hidden.delete(name);
    const color = (/** @type {string} */ run) => seriesStyle(store, { run, metric: "" }, state.strings).stroke;
    legend.update(runs.map((name) => ({ name, color: color(name) })), state.hidden, state.strings);
    if (store.kind === "runs") fillRunsTable(table, store.table, store.metric, state.strings);
    else table.hidden = true;

    const { width, height } = layout(list.length); // measures what is above and below the panels
    // the panels with marks: the primary one, and each compared run's best-epoch panel
    const marked = new Set([store.primaryPanel(), ...[...store.runs.values()].map((r) => store.markPanel(r, "best"))]);
    const mk = marksKey();
    const marksChanged = mk !== marksVersion;
    marksVersion = mk;
    for (const [key, p] of panels) {
      if (!list.some((x) => x.key === key)) {
        p.destroy();
        panels.delete(key);
      }
    }
    for (const p of list) {
      const opts = {
        log: state.log,
        smoothing: state.smoothing,
        strings: state.strings,
        height,
        width,
        marks: marked.has(p.key),
        hidden: state.hidden,
      };
      let panel = panels.get(p.key);
      if (!panel) {
        panel = createPanel(panelsHost, store, p, opts, { tip, tipHost: root });
        panels.set(p.key, panel);
        panel.update(p, opts, true);
      } else panel.update(p, opts, marksChanged);
    }
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  // each panel resizes only if its own size differs (a first draw while detached guessed)
  // (and a view drawn before it was on the page draws its axes in the theme's colours now)
  const resize = () => {
    const { width, height } = layout();
    for (const p of panels.values()) p.resize(width, height);
    if ([...panels.values()].some((p) => p.restyle)) schedule();
  };
  const resizer = new ResizeObserver(resize);
  resizer.observe(panelsHost);
  const win = el.ownerDocument.defaultView;
  win?.addEventListener("resize", resize); // a taller or lower window: other plot heights
  // JupyterLab marks its theme on <body>: another theme, the axes drawn anew in its colours
  const themeWatch = new MutationObserver(() => schedule());
  if (el.ownerDocument.body) themeWatch.observe(el.ownerDocument.body, { attributes: true, attributeFilter: ["data-jp-theme-name", "data-jp-theme-light"] });

  render();

  const api = {
    store,
    root,
    panels,
    /** Redraw at the next frame (after the shared store changed). */
    refresh: () => schedule(),
    /** Replace all data with a snapshot. @param {any} snap */
    load(snap) {
      store.load(snap);
      schedule();
    },
    /** Add a live batch. @param {any} header @param {any[]} buffers */
    addBatch(header, buffers) {
      if (store.addBatch(header, buffers)) schedule();
    },
    /** @param {{strings?: Record<string, string>, log?: boolean, smoothing?: number, running?: boolean}} o */
    setOptions(o) {
      if (o.strings) state.strings = o.strings;
      if (o.running !== undefined) state.running = !!o.running;
      if (o.log !== undefined) state.log = !!o.log;
      if (o.smoothing !== undefined) state.smoothing = Number(o.smoothing) || 0;
      schedule();
    },
    /** Draw now instead of at the next frame (tests, benchmarks). */
    flush() {
      if (frame) cancelAnimationFrame(frame);
      render();
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resizer.disconnect();
      themeWatch.disconnect();
      win?.removeEventListener("resize", resize);
      for (const p of panels.values()) p.destroy();
      panels.clear();
      root.remove();
    },
  };
  // for benchmarks and debugging in the browser console: document.querySelector(".ng-loss").ngLossView
  Object.defineProperty(root, "ngLossView", { value: api });
  return api;
}
