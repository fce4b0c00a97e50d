// One chart of the loss view: a uPlot with the train and validation curves of one metric
// (of every run when runs are compared), log or linear y, EMA smoothing, drag to zoom,
// double-click to reset, and the event / best-epoch markers on top.
import uPlot from "uplot";
import { TRAIN_DASH } from "./legend.js";
import { createMarks, markSpecs } from "./markers.js";
import { fmtStep, fmtStepTick, fmtTick, stepIncrements, t } from "./format.js";
import { curveLabel, createReadout, valueText } from "./readout.js";
import { faint, isSmoothed, panelData, panelLogged } from "./paneldata.js";
import { lonePoints } from "./series.js";
import { isValidation } from "./store.js";
import { axisColors, canvasColors } from "./theme.js";
import { leftToRight } from "../lib/text.js";

export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];
const TRAIN = "#1f77b4";
const DENSE = 5000;
const VAL = "#ff7f0e";

export { eventSteps, panelData, panelLogged } from "./paneldata.js";

/**
 * @typedef {import("./store.js").Store} Store
 * @typedef {import("./store.js").Panel} Panel
 * @typedef {{log: boolean, smoothing: number, strings: Record<string, string>,
 *   height: number, width: number, marks: boolean, hidden?: Set<string>}} PanelOptions
 *   (`hidden`: runs whose curves are not shown)
 */

/**
 * Colour, dash and label of one series.
 * @param {Store} store
 * @param {{run: string, metric: string}} s
 * @param {Record<string, string>} strings
 */
export function seriesStyle(store, s, strings) {
  const isVal = isValidation(s.metric);
  if (store.kind === "gradients") {
    const i = store.metrics.indexOf(s.metric);
    return { label: leftToRight(s.metric || "(model)"), stroke: PALETTE[i % PALETTE.length], dash: undefined };
  }
  if (store.kind === "runs") {
    const i = [...store.runs.keys()].indexOf(s.run);
    return {
      label: leftToRight(`${s.run} ${s.metric}`),
      stroke: PALETTE[i % PALETTE.length],
      dash: isVal ? undefined : TRAIN_DASH,
    };
  }
  void strings;
  return { label: leftToRight(s.metric), stroke: isVal ? VAL : TRAIN, dash: undefined };
}

/**
 * The width of a y axis: its widest tick label plus the tick marks and the gap (uPlot
 * calls this with the formatted ticks, again while the size settles).
 * @param {uPlot} u
 * @param {string[]|null} values
 * @param {number} axisIdx
 * @param {number} cycleNum
 */
export function yAxisSize(u, values, axisIdx, cycleNum) {
  const axis = /** @type {any} */ (u.axes[axisIdx]);
  if (cycleNum > 1 && axis._size) return axis._size; // settle: never loop on a size
  u.ctx.font = axis.font[0];
  const widest = Math.max(0, ...(values ?? []).map((v) => u.ctx.measureText(v ?? "").width));
  return Math.max(40, Math.ceil(widest / devicePixelRatio + (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 4));
}

/**
 * @param {HTMLElement} host
 * @param {Store} store
 * @param {Panel} panel
 * @param {PanelOptions} opts
 * @param {{tip: HTMLElement, tipHost: HTMLElement}} tooltip
 */
export function createPanel(host, store, panel, opts, tooltip) {
  const box = document.createElement("div");
  box.className = "ng-loss-panel";
  box.dataset.panel = panel.key;
  const title = document.createElement("div");
  title.className = "ng-loss-title";
  const titleOf = (/** @type {Panel} */ p, /** @type {PanelOptions} */ o) =>
    p.key === "gradients" ? t(o.strings, "lossview.gradients") : leftToRight(p.title);
  title.textContent = titleOf(panel, opts);
  box.appendChild(title);
  host.appendChild(box);

  let zoomed = false;
  /** @type {uPlot|null} */
  let u = null;
  /** @type {ReturnType<typeof createMarks>|null} */
  let marks = null;
  let signature = "";
  let sized = [0, 0]; // the width and height uPlot was built or last resized with
  let current = { panel, opts };
  /** the colours the axes were drawn in (theme.js) */
  let colors = canvasColors(box);
  /** the series whose name the user clicked in uPlot's legend to hide them (kept when uPlot
   * is built anew: log scale, smoothing, another language) */
  const legendHidden = new Set();
  /** @type {(number|undefined)[][]} the values as logged, a column per series */
  let logged = [];
  /** uPlot's index of the first series as drawn (after the faint ones as logged) */
  let first = 1;
  /** @type {ReturnType<typeof createReadout>|null} */
  let readout = null;
  const keyOf = (/** @type {{run: string, metric: string}} */ s) => JSON.stringify([s.run, s.metric]);
  const shown = (/** @type {{run: string, metric: string}} */ s) =>
    !current.opts.hidden?.has(s.run) && !legendHidden.has(keyOf(s));
  /** Whether none of the panel's curves has a value above 0: a log axis would leave it blank
   * (a score below 0), so it stays linear. Single values <= 0 are gaps (plotValue). */
  const nothingToLog = (/** @type {Panel} */ p) =>
    !p.series.some((s) => store.runs.get(s.run)?.curves.get(s.metric)?.positive);
  /** More than DENSE points in a curve: draw 1 px lines (cheap to rasterise without a GPU). */
  const isDense = (/** @type {Panel} */ p) =>
    p.series.some((s) => (store.runs.get(s.run)?.curves.get(s.metric)?.length ?? 0) > DENSE);

  const placeMarks = () => {
    if (!u || !marks) return;
    const plot = /** @type {uPlot} */ (u);
    marks.place(
      (v) => plot.valToPos(v, "x"),
      (v) => (current.opts.log && v <= 0 ? NaN : plot.valToPos(v, "y")),
      plot.over.clientWidth,
      plot.over.clientHeight,
    );
  };

  /** @param {boolean} fresh a new uPlot (a new `over` layer) */
  const makeMarks = (fresh) => {
    if (fresh || !current.opts.marks) {
      marks?.remove();
      marks = null;
    }
    if (!u || !current.opts.marks) return;
    const specs = [];
    for (const run of store.runs.values()) {
      if (current.opts.hidden?.has(run.name)) continue;
      const color = store.kind === "runs" ? seriesStyle(store, { run: run.name, metric: "" }, opts.strings).stroke : undefined;
      for (const spec of markSpecs(run, current.opts.strings, color)) {
        if (store.markPanel(run, spec.kind) === current.panel.key) specs.push(spec);
      }
    }
    marks ??= createMarks(u.over, tooltip.tip, tooltip.tipHost);
    marks.set(specs);
    placeMarks();
  };

  /** Compared runs: each shown curve's value at the hovered step, by the cursor. @param {uPlot} p */
  const showReadout = (p) => {
    if (!readout) return;
    const idx = p.cursor.idx;
    if (idx == null || !((p.cursor.left ?? -1) >= 0)) {
      readout.hide();
      return;
    }
    const rows = [];
    const o = current.opts;
    for (const [i, s] of current.panel.series.entries()) {
      const value = logged[i]?.[idx];
      if (!p.series[first + i]?.show || value === undefined) continue; // no point at this step
      const st = seriesStyle(store, s, o.strings);
      rows.push({ label: st.label, color: st.stroke, text: valueText(value, /** @type {any} */ (p.data[first + i])[idx], o) });
    }
    if (rows.length) readout.show(/** @type {number} */ (p.data[0][idx]), rows, { left: p.cursor.left ?? 0, top: p.cursor.top ?? 0 }, o.strings);
    else readout.hide();
  };

  const build = () => {
    u?.destroy();
    const { opts: o } = current;
    const dense = isDense(current.panel);
    const smoothed = isSmoothed(o);
    const count = current.panel.series.length;
    first = smoothed ? count + 1 : 1;
    sized = [o.width, o.height];
    // hairlines for dense curves (60 fps at 100k points); a point between two gaps (NaN or
    // inf epochs, <= 0 on a log axis) has no line: a dot
    const line = () => ({
      width: dense ? 1 : 1.6,
      spanGaps: false,
      points: {
        show: false,
        size: 5,
        filter: (/** @type {uPlot} */ p, /** @type {number} */ i) => {
          const lone = lonePoints(/** @type {any} */ (p.data[i]));
          return lone.length ? lone : null;
        },
      },
    });
    const drawn = current.panel.series.map((s, i) => {
      const st = seriesStyle(store, s, o.strings);
      const positive = !!store.runs.get(s.run)?.curves.get(s.metric)?.positive;
      return {
        ...line(),
        label: curveLabel(st.label, o, positive),
        stroke: st.stroke,
        dash: st.dash,
        show: shown(s),
        // the value as logged (nan, inf, 0 too), and the smoothed one after it, named so
        value: (/** @type {any} */ _u, /** @type {number|null} */ v, /** @type {number} */ _s, /** @type {number|null} */ idx) =>
          idx == null ? "–" : valueText(logged[i]?.[idx], v, current.opts),
      };
    });
    // with smoothing on, each curve also as logged, faint, behind: the best-epoch ring sits on it
    const asLogged = smoothed
      ? current.panel.series.map((s) => {
          const st = seriesStyle(store, s, o.strings);
          return { ...line(), width: 1, label: st.label, stroke: faint(st.stroke), dash: st.dash, show: shown(s), value: () => "" };
        })
      : [];
    const series = [
      {
        label: t(o.strings, "lossview.axis_step"),
        value: (/** @type {any} */ _u, /** @type {number|null} */ v) => (v == null ? "–" : fmtStep(v)),
      },
      ...asLogged,
      ...drawn,
    ];
    const axis = axisColors(colors); // canvas text in the theme's colour (light in a dark theme)
    logged = panelLogged(store, current.panel);
    u = new uPlot(
      {
        width: Math.max(200, o.width),
        height: o.height,
        series,
        scales: { x: { time: false }, y: o.log ? { distr: 3, log: 10 } : {} },
        axes: [
          {
            ...axis,
            label: t(o.strings, "lossview.axis_step"),
            labelSize: 20,
            size: 36,
            incrs: (/** @type {uPlot} */ p, /** @type {number} */ _axis, /** @type {number} */ min, /** @type {number} */ max) =>
              stepIncrements(/** @type {any} */ (p.data[0]), min, max),
            // not the browser's format: "2,000" reads as 2 in a Polish lesson
            values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) => ticks.map(fmtStepTick),
          },
          { ...axis, size: yAxisSize, values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) => ticks.map(fmtTick) },
        ],
        cursor: { drag: { x: true, y: false, setScale: true } },
        legend: { show: store.kind !== "runs", live: true }, // runs: one legend for all panels
        hooks: {
          setScale: [() => placeMarks()],
          setSize: [() => placeMarks()],
          setSelect: [(/** @type {uPlot} */ p) => { if (p.select.width > 0) zoomed = true; }],
          setCursor: [showReadout],
          // a click on a name in the legend: remembered, and its faint twin follows
          setSeries: [
            (/** @type {uPlot} */ p, /** @type {number|null} */ sidx, /** @type {{show?: boolean}} */ change) => {
              const s = sidx == null ? undefined : current.panel.series[sidx - first];
              if (!s || change.show == null) return;
              if (change.show) legendHidden.delete(keyOf(s));
              else legendHidden.add(keyOf(s));
              if (first > 1) p.setSeries(sidx - first + 1, { show: change.show }, false);
            },
          ],
        },
      },
      /** @type {any} */ (panelData(store, current.panel, o)),
      box,
    );
    // the faint curves have no row of their own in the legend
    const rows = u.root.querySelectorAll(".u-legend .u-series");
    for (let i = 1; i < first; i++) /** @type {HTMLElement|undefined} */ (rows[i])?.style.setProperty("display", "none");
    u.over.addEventListener("dblclick", () => {
      zoomed = false;
    });
    readout = store.kind === "runs" ? createReadout(u.over) : null;
    makeMarks(true);
  };

  const api = {
    box,
    get plot() {
      return u;
    },
    get marks() {
      return marks;
    },
    /**
     * Redraw with new data and options; rebuilds uPlot only when the series or the scale
     * type change (adding points never does), resizes it when its size changed.
     * @param {Panel} p
     * @param {PanelOptions} given
     * @param {boolean} marksChanged
     */
    update(p, given, marksChanged) {
      const linear = given.log && nothingToLog(p);
      const o = linear ? { ...given, log: false } : given;
      const heading = titleOf(p, o) + (linear ? t(o.strings, "lossview.log_refused") : "");
      if (title.textContent !== heading) title.textContent = heading;
      current = { panel: p, opts: o };
      colors = canvasColors(box);
      // a log axis names the curves with no value above 0; the theme colours the axes
      const positive = o.log ? p.series.map((s) => !!store.runs.get(s.run)?.curves.get(s.metric)?.positive) : [];
      const sig = JSON.stringify([p.series, o.log, o.strings, isDense(p), isSmoothed(o), colors, positive]);
      if (sig !== signature || !u) {
        signature = sig;
        build();
        return;
      }
      api.resize(o.width, o.height);
      const plot = /** @type {uPlot} */ (u);
      p.series.forEach((s, i) => {
        const show = shown(s);
        for (const idx of new Set([i + 1, first + i])) {
          if (plot.series[idx].show !== show) plot.setSeries(idx, { show }, false);
        }
      });
      logged = panelLogged(store, p);
      plot.setData(/** @type {any} */ (panelData(store, p, o)), !zoomed);
      if (marksChanged) makeMarks(false);
      else placeMarks();
    },
    /** Whether the page's theme changed since the axes were drawn (or the view was attached). */
    get restyle() {
      const now = canvasColors(box);
      return now.text !== colors.text || now.grid !== colors.grid;
    },
    /** @param {number} width @param {number} [height] */
    resize(width, height = current.opts.height) {
      current.opts = { ...current.opts, width, height };
      if (!u || (width === sized[0] && height === sized[1])) return;
      sized = [width, height];
      u.setSize({ width: Math.max(200, width), height });
    },
    destroy() {
      marks?.remove();
      u?.destroy();
      box.remove();
    },
  };
  return api;
}
