// What the view says of a curve at the hovered step: the value as it was logged (NaN, inf and
// 0 too, which no line shows), and with smoothing on the smoothed value after it, named so.
// One Monitor's panels say it in uPlot's legend; compared runs, whose panels have no legend
// of their own, in a box by the cursor (`createReadout`).
import { fmtNum, fmtStep, t } from "./format.js";

/**
 * The readout of one value.
 *
 *     valueText(0.1853, 0.38, { smoothing: 0.9, log: false }) // "0.1853 (smoothed 0.38)"
 *     valueText(NaN, null, { smoothing: 0, log: false })       // "nan"
 *     valueText(0, null, { smoothing: 0, log: true })          // "0 (not shown on a log scale)"
 *
 * @param {number|null|undefined} logged the value logged at this step (`undefined`: none)
 * @param {number|null|undefined} drawn the value the curve is drawn at (`null`: a gap)
 * @param {{smoothing: number, log: boolean, strings?: Record<string, string>}} opts
 * @returns {string}
 */
export function valueText(logged, drawn, { smoothing, log, strings }) {
  if (logged === undefined || logged === null) return "–"; // nothing logged at this step
  const value = fmtNum(logged);
  if (smoothing > 0 && drawn != null && Number.isFinite(logged)) {
    return t(strings, "lossview.smoothed_value", { value, smoothed: fmtNum(drawn) });
  }
  if (log && Number.isFinite(logged) && logged <= 0) return t(strings, "lossview.off_log", { value });
  return value;
}

/**
 * A curve's name in the legend: on a log scale, a curve with no value above 0 (a layer whose
 * gradient is exactly 0) has no line, and its name says why.
 * @param {string} label
 * @param {{log: boolean, strings?: Record<string, string>}} opts
 * @param {boolean} positive whether a value above 0 was logged
 */
export function curveLabel(label, { log, strings }, positive) {
  return log && !positive ? t(strings, "lossview.none_on_log", { label }) : label;
}

/**
 * @typedef {{label: string, color: string, text: string}} ReadoutRow
 */

/**
 * The box that follows the cursor over a plot of compared runs: the hovered step, then a
 * line per curve that has a point there, in the curve's colour.
 * @param {HTMLElement} layer uPlot's `over` div
 */
export function createReadout(layer) {
  const el = document.createElement("div");
  el.className = "ng-loss-readout";
  el.hidden = true;
  layer.appendChild(el);
  return {
    el,
    /**
     * @param {number} step
     * @param {ReadoutRow[]} rows
     * @param {{left: number, top: number}} at the cursor, in the layer's pixels
     * @param {Record<string, string>} strings
     */
    show(step, rows, at, strings) {
      const head = document.createElement("div");
      head.className = "ng-loss-readout-step";
      head.textContent = t(strings, "lossview.step", { step: fmtStep(step) });
      el.replaceChildren(
        head,
        ...rows.map((row) => {
          const line = document.createElement("div");
          const swatch = document.createElement("i");
          swatch.style.background = row.color;
          line.append(swatch, `${row.label}: ${row.text}`);
          return line;
        }),
      );
      el.hidden = false;
      // beside the cursor, on the side with more room, and within the plot's width
      const width = layer.clientWidth;
      const boxWidth = el.offsetWidth;
      const left = at.left > width / 2 ? at.left - 12 - boxWidth : at.left + 12;
      el.style.left = `${Math.max(0, Math.min(left, width - boxWidth))}px`;
      el.style.right = "";
      el.style.top = `${Math.max(0, Math.min(at.top + 12, layer.clientHeight - el.offsetHeight))}px`;
    },
    hide() {
      el.hidden = true;
    },
  };
}
