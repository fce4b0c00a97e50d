// The data of one chart of the loss view, DOM-free: its curves joined onto one x axis as uPlot
// draws them (smoothed, with the curves as logged behind them when smoothing is on), the
// values as logged for the hover readout, and the steps of the events marked on it.
import { joinCurves, joinLogged } from "./series.js";

/**
 * @typedef {import("./store.js").Store} Store
 * @typedef {import("./store.js").Panel} Panel
 */

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

/** The curves of a panel's series. @param {Store} store @param {Panel} panel */
function curvesOf(store, panel) {
  return panel.series.map((s) => {
    const c = /** @type {any} */ (store.runs.get(s.run)?.curves.get(s.metric));
    return { x: c.x.view(), y: c.y.view() };
  });
}

/**
 * Stretch joined columns to every event of the panel: a step outside the curves gets a
 * column of `undefined` (no value, no gap), so its marker shows.
 * @template T
 * @param {Store} store
 * @param {Panel} panel
 * @param {T[][]} data
 */
function reachEvents(store, panel, data) {
  const x = /** @type {number[]} */ (/** @type {unknown} */ (data[0]));
  if (!x.length) return data;
  const steps = eventSteps(store, panel);
  const first = Math.min(...steps);
  const last = Math.max(...steps);
  if (last > x[x.length - 1]) data.forEach((col, i) => col.push(i ? /** @type {any} */ (undefined) : last));
  if (first < x[0]) data.forEach((col, i) => col.unshift(i ? /** @type {any} */ (undefined) : first));
  return data;
}

/**
 * Build the uPlot data of a panel: the steps, then a column per series. With smoothing on,
 * the curves as logged come first (drawn faintly, behind), then the smoothed ones. The x
 * axis reaches every event of the panel (`reachEvents`).
 * @param {Store} store
 * @param {Panel} panel
 * @param {{log: boolean, smoothing: number}} opts
 */
export function panelData(store, panel, opts) {
  const curves = curvesOf(store, panel);
  const drawn = joinCurves(curves, opts);
  const data = isSmoothed(opts) ? [drawn[0], ...joinCurves(curves, { log: opts.log }).slice(1), ...drawn.slice(1)] : drawn;
  return reachEvents(store, panel, data);
}

/**
 * The values of a panel's series as logged, a column per series on the steps of `panelData`:
 * what the hover readout says.
 * @param {Store} store
 * @param {Panel} panel
 */
export function panelLogged(store, panel) {
  return reachEvents(store, panel, joinLogged(curvesOf(store, panel))).slice(1);
}

/** Whether the curves are smoothed (then each also drawn faintly as logged). @param {{smoothing: number}} opts */
export const isSmoothed = (opts) => opts.smoothing > 0;

/** A colour at 40 % opacity: a curve as logged, behind its smoothed one. @param {string} color */
export const faint = (color) => (/^#[0-9a-f]{6}$/i.test(color) ? `${color}66` : color);
