// The legend of compared runs, shown once above their panels (uPlot's own legend, a row per
// curve, is off then): each run's name in its colour, then the two line styles, training
// dashed and validation solid. A click on a run's name hides or shows its curves everywhere.
import { t } from "./format.js";
import { leftToRight } from "../lib/text.js";

/** The dash of a training curve when runs are compared (validation curves are solid). */
export const TRAIN_DASH = [5, 4];
const SVG = "http://www.w3.org/2000/svg";
/** The line samples of the two styles: the colour of their words (light in a dark theme). */
const STYLE_COLOR = "currentColor";

/** A short line in `color`, dashed with `dash`. @param {string} color @param {number[]} [dash] */
function lineSample(color, dash) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "28");
  svg.setAttribute("height", "10");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "line");
  const attrs = { x1: 1, x2: 27, y1: 5, y2: 5, stroke: color, "stroke-width": 2.5 };
  for (const [k, v] of Object.entries(attrs)) line.setAttribute(k, String(v));
  if (dash) line.setAttribute("stroke-dasharray", dash.join(" "));
  svg.appendChild(line);
  return svg;
}

/**
 * @param {(run: string) => void} onToggle a run's name was clicked
 */
export function createRunsLegend(onToggle) {
  const el = document.createElement("div");
  el.className = "ng-loss-legend";
  el.hidden = true;
  let drawn = "";
  return {
    el,
    /**
     * Show these runs (none: no legend); redraws only when something changed.
     * @param {{name: string, color: string}[]} runs
     * @param {Set<string>} hidden runs whose curves are hidden
     * @param {Record<string, string>} strings
     */
    update(runs, hidden, strings) {
      const words = [t(strings, "lossview.training"), t(strings, "lossview.validation")];
      const key = JSON.stringify([runs, [...hidden], words]);
      if (key === drawn) return;
      drawn = key;
      el.hidden = !runs.length;
      el.replaceChildren();
      for (const run of runs) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "ng-loss-key";
        button.dataset.run = run.name;
        button.setAttribute("aria-pressed", String(!hidden.has(run.name)));
        button.append(lineSample(run.color), leftToRight(run.name));
        button.addEventListener("click", () => onToggle(run.name));
        el.appendChild(button);
      }
      const styles = document.createElement("span");
      styles.className = "ng-loss-styles";
      for (const [word, dash] of /** @type {[string, number[]|undefined][]} */ ([
        [words[0], TRAIN_DASH],
        [words[1], undefined],
      ])) {
        const style = document.createElement("span");
        style.append(lineSample(STYLE_COLOR, dash), word);
        styles.appendChild(style);
      }
      el.appendChild(styles);
    },
  };
}
