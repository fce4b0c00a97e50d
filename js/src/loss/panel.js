// One chart of the loss view: a uPlot with the train and validation curves of one metric
// (of every run when runs are compared), log or linear y, EMA smoothing, drag to zoom,
// double-click to reset, and the event / best-epoch markers on top.
import uPlot from "uplot";
import { TRAIN_DASH } from "./legend.js";
import { createMarks, markSpecs } from "./markers.js";
import { fmtNum, fmtStep, fmtStepTick, fmtTick, stepIncrements, t } from "./format.js";
import { joinCurves, lonePoints } from "./series.js";
import { isValidation } from "./store.js";
import { leftToRight } from "../lib/text.js";

export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];
const TRAIN = "#1f77b4";
const DENSE = 5000;
const VAL = "#ff7f0e";

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
 * The steps of the events drawn on a panel. An event can lie past the last point (a
 * GradientWatch's "step() ran with no gradient" comes after the last norm, as those steps
 * have none).
 * @param {Store} store
 * @param {Panel} panel
 * @returns {number[]}
 */
export function eventSteps(store, panel) {
  const steps = [];
  for (const run of store.runs.values()) {
    if (store.markPanel(run, "event") !== panel.key) continue;
    for (const e of run.events) {
      const step = Number(e.step);
      if (Number.isFinite(step)) steps.push(step);
    }
  }
  return steps;
}

/**
 * Build the uPlot data of a panel. The x axis reaches every event of the panel: a step
 * outside the curves gets a column of `undefined` (no value, no gap), so its marker shows.
 * @param {Store} store
 * @param {Panel} panel
 * @param {{log: boolean, smoothing: number}} opts
 */
export function panelData(store, panel, opts) {
  const curves = panel.series.map((s) => {
    const c = /** @type {any} */ (store.runs.get(s.run)?.curves.get(s.metric));
    return { x: c.x.view(), y: c.y.view() };
  });
  const data = joinCurves(curves, opts);
  const x = /** @type {number[]} */ (data[0]);
  if (!x.length) return data;
  const steps = eventSteps(store, panel);
  const first = Math.min(...steps);
  const last = Math.max(...steps);
  if (last > x[x.length - 1]) data.forEach((col, i) => col.push(i ? /** @type {any} */ (undefined) : last));
  if (first < x[0]) data.forEach((col, i) => col.unshift(i ? /** @type {any} */ (undefined) : first));
  return data;
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

  const build = () => {
    u?.destroy();
    const { opts: o } = current;
    const dense = isDense(current.panel);
    sized = [o.width, o.height];
    const series = [
      {
        label: t(o.strings, "lossview.axis_step"),
        value: (/** @type {any} */ _u, /** @type {number|null} */ v) => (v == null ? "–" : fmtStep(v)),
      },
      ...current.panel.series.map((s) => {
        const st = seriesStyle(store, s, o.strings);
        return {
          label: st.label,
          stroke: st.stroke,
          dash: st.dash,
          show: !o.hidden?.has(s.run),
          width: dense ? 1 : 1.6, // hairlines: software raster keeps 60 fps at 100k points
          spanGaps: false, // a NaN or inf epoch (or <= 0 on a log axis) breaks the line
          points: {
            show: false,
            size: 5,
            // a point between two such gaps has no line: draw it as a dot
            filter: (/** @type {uPlot} */ p, /** @type {number} */ i) => {
              const lone = lonePoints(/** @type {any} */ (p.data[i]));
              return lone.length ? lone : null;
            },
          },
          value: (/** @type {any} */ _u, /** @type {number|null} */ v) => (v == null ? "–" : fmtNum(v)),
        };
      }),
    ];
    u = new uPlot(
      {
        width: Math.max(200, o.width),
        height: o.height,
        series,
        scales: { x: { time: false }, y: o.log ? { distr: 3, log: 10 } : {} },
        axes: [
          {
            label: t(o.strings, "lossview.axis_step"),
            labelSize: 20,
            size: 36,
            incrs: (/** @type {uPlot} */ p, /** @type {number} */ _axis, /** @type {number} */ min, /** @type {number} */ max) =>
              stepIncrements(/** @type {any} */ (p.data[0]), min, max),
            // not the browser's format: "2,000" reads as 2 in a Polish lesson
            values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) => ticks.map(fmtStepTick),
          },
          { size: yAxisSize, values: (/** @type {any} */ _u, /** @type {number[]} */ ticks) => ticks.map(fmtTick) },
        ],
        cursor: { drag: { x: true, y: false, setScale: true } },
        legend: { show: store.kind !== "runs", live: true }, // runs: one legend for all panels
        hooks: {
          setScale: [() => placeMarks()],
          setSize: [() => placeMarks()],
          setSelect: [(/** @type {uPlot} */ p) => { if (p.select.width > 0) zoomed = true; }],
        },
      },
      /** @type {any} */ (panelData(store, current.panel, o)),
      box,
    );
    u.over.addEventListener("dblclick", () => {
      zoomed = false;
    });
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
      const sig = JSON.stringify([p.series, o.log, o.strings, isDense(p)]);
      if (sig !== signature || !u) {
        signature = sig;
        build();
        return;
      }
      api.resize(o.width, o.height);
      const plot = /** @type {uPlot} */ (u);
      p.series.forEach((s, i) => {
        const show = !o.hidden?.has(s.run);
        if (plot.series[i + 1].show !== show) plot.setSeries(i + 1, { show });
      });
      plot.setData(/** @type {any} */ (panelData(store, p, o)), !zoomed);
      if (marksChanged) makeMarks(false);
      else placeMarks();
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
