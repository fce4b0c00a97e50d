// Markers over a uPlot panel: detector events (a triangle at the top and a dashed line) and
// the best epoch (a ring on the curve and a dashed line). They are DOM elements inside
// uPlot's `over` layer, so they are hoverable, focusable and testable; the explanation goes
// into a shared tooltip through textContent only (event messages may quote user names).
import { fmtNum, fmtStep, t } from "./format.js";
import { leftToRight } from "../lib/text.js";

/**
 * @typedef {import("./store.js").LossEvent} LossEvent
 * @typedef {import("./store.js").Best} Best
 * @typedef {{kind: "event"|"best", step: number, value?: number|null, text: string,
 *   stop?: boolean, color?: string, run?: string}} MarkSpec
 */

/** The width of an event's knob, in CSS pixels (`.ng-loss-mark>b` in style.js). */
const KNOB = 14;

/**
 * What to draw for a run's events and best epoch.
 * @param {{events: LossEvent[], best: Best|null, name?: string}} run
 * @param {Record<string, string>} [strings]
 * @param {string} [color] the run's colour (several runs overlaid)
 * @returns {MarkSpec[]}
 */
export function markSpecs(run, strings, color) {
  /** @type {MarkSpec[]} */
  const out = [];
  const named = (/** @type {string} */ text) => (run.name ? `${run.name}: ${text}` : text);
  /** @type {Map<number, MarkSpec>} */
  const atStep = new Map();
  for (const e of run.events) {
    const text = t(strings, e.unit === "step" ? "lossview.event_step" : "lossview.event", {
      epoch: e.epoch,
      detector: e.detector,
      message: e.message,
    });
    const step = Number(e.step);
    const same = atStep.get(step);
    if (same) {
      // two detectors at one epoch (GL and Patience): one marker, both explanations in its
      // tooltip; two markers there would hide the second one under the first
      same.text = `${same.text}\n\n${named(text)}`;
      same.stop = same.stop || !!e.stop;
      continue;
    }
    // compared runs: which run it is, by name and by colour (a stop keeps its solid line)
    const spec = { kind: /** @type {const} */ ("event"), step, text: named(text), stop: !!e.stop, color, run: run.name };
    atStep.set(step, spec);
    out.push(spec);
  }
  const b = run.best;
  if (b) {
    const text = t(strings, "lossview.best", {
      epoch: b.epoch,
      metric: b.metric,
      value: fmtNum(Number(b.value)),
      step: fmtStep(Number(b.step)),
    });
    out.push({
      kind: "best",
      step: Number(b.step),
      value: Number(b.value),
      text: named(text),
      color,
      run: run.name,
    });
  }
  return out;
}

/**
 * Marker elements in `layer` (uPlot's `over` div). `set(specs)` adds the new ones and drops
 * the stale ones, leaving unchanged markers (and a tooltip shown for one) in place; `place`
 * moves them after the scales change. `toX`/`toY` map data to CSS pixels in the layer.
 * @param {HTMLElement} layer
 * @param {HTMLElement} tip the shared tooltip element (positioned in `tipHost`)
 * @param {HTMLElement} tipHost
 */
export function createMarks(layer, tip, tipHost) {
  /** @type {Map<string, {el: HTMLElement, spec: MarkSpec}>} */
  const shown = new Map();
  /** @type {string|null} */
  let hovered = null;

  /** @param {MarkSpec} spec @param {string} key */
  const make = (spec, key) => {
    const el = document.createElement("div");
    el.className = `ng-loss-mark ng-loss-${spec.kind}${spec.stop ? " ng-stop" : ""}`;
    if (spec.color) el.style.color = spec.color;
    el.dataset.step = String(spec.step);
    if (spec.run) el.dataset.run = spec.run;
    const line = document.createElement("i");
    const knob = document.createElement("b");
    knob.tabIndex = 0;
    knob.setAttribute("role", "img");
    knob.setAttribute("aria-label", leftToRight(spec.text));
    const show = () => {
      hovered = key;
      tip.textContent = leftToRight(spec.text);
      tip.hidden = false;
      const host = tipHost.getBoundingClientRect();
      const r = knob.getBoundingClientRect();
      const left = Math.max(0, Math.min(r.left - host.left, host.width - 380));
      tip.style.left = `${left}px`;
      tip.style.top = `${r.bottom - host.top + 6}px`;
    };
    const hide = () => {
      if (hovered === key) hovered = null;
      tip.hidden = true;
    };
    knob.addEventListener("mouseenter", show);
    knob.addEventListener("focus", show);
    knob.addEventListener("mouseleave", hide);
    knob.addEventListener("blur", hide);
    el.append(line, knob);
    layer.appendChild(el);
    return el;
  };

  return {
    /** @returns {HTMLElement[]} */
    get elements() {
      return [...shown.values()].map((m) => m.el);
    },
    /** @param {MarkSpec[]} specs */
    set(specs) {
      const keys = new Set();
      for (const spec of specs) {
        const key = `${spec.kind}|${spec.run ?? ""}|${spec.step}|${spec.text}`;
        keys.add(key);
        if (!shown.has(key)) shown.set(key, { el: make(spec, key), spec });
      }
      for (const [key, m] of shown) {
        if (keys.has(key)) continue;
        m.el.remove();
        shown.delete(key);
        if (hovered === key) {
          hovered = null;
          tip.hidden = true;
        }
      }
    },
    /**
     * @param {(v: number) => number} toX
     * @param {(v: number) => number} toY
     * @param {number} width
     * @param {number} height
     */
    place(toX, toY, width, height) {
      /** @type {number[]} the x of the last event knob in each row, from the top */
      const rows = [];
      const placed = [...shown.values()]
        .map((m) => ({ ...m, x: toX(m.spec.step) }))
        .sort((a, b) => a.x - b.x);
      for (const { el, spec, x } of placed) {
        const visible = Number.isFinite(x) && x >= -1 && x <= width + 1;
        el.style.display = visible ? "" : "none";
        if (!visible) continue;
        el.style.left = `${x}px`;
        const knob = /** @type {HTMLElement} */ (el.lastChild);
        if (spec.kind === "event") {
          // events at nearby epochs (a long run in a narrow panel) would hide one another's
          // knob: one that would overlap the knob before it goes a row lower
          // (in the top half of the panel at most: past that, the row free the longest)
          let row = rows.findIndex((last) => x - last >= KNOB);
          if (row < 0 && rows.length < Math.max(1, Math.floor(height / 2 / KNOB))) {
            row = rows.length;
          } else if (row < 0) {
            row = rows.indexOf(Math.min(...rows));
          }
          rows[row] = x;
          knob.style.top = row ? `${row * KNOB - 1}px` : "";
        }
        if (spec.kind === "best") {
          const y = spec.value === null || spec.value === undefined ? NaN : toY(spec.value);
          // a best of 0 or below has no place on a log axis: at its bottom edge, below every
          // value drawn, not floating mid-panel away from the curves
          const top = Number.isFinite(y) ? Math.max(0, Math.min(y, height)) : height;
          knob.style.top = `${top - 6}px`;
        }
      }
    },
    remove() {
      this.set([]);
      tip.hidden = true;
    },
  };
}
