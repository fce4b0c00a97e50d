// Words and numbers the loss view shows. The words come from Python (`strings` trait, the
// `lossview.` keys of nngraph.i18n) so they follow ng.set_language; English defaults below
// keep the view usable if a key is missing. Every result is plain text for textContent.

import { localNumber } from "../lib/decimal.js";

/** @type {Record<string, string>} */
export const DEFAULT_STRINGS = {
  "lossview.stop": "Stop",
  "lossview.stopping": "Stopping…",
  "lossview.stopped": "Stopped",
  "lossview.stop_hint": "Ask the training loop to stop: it sees mon.should_stop == True",
  "lossview.log_scale": "log scale",
  "lossview.smoothing": "smoothing",
  "lossview.step": "step {step}",
  "lossview.epoch": "epoch {epoch}",
  "lossview.epoch_of": "epoch {epoch}/{total}",
  "lossview.rate": "{rate} epochs/s",
  "lossview.seconds_per_epoch": "{seconds} s/epoch",
  "lossview.eta": "ETA {eta}",
  "lossview.waiting": "waiting for the first mon.log(...)",
  "lossview.waiting_gradients": "waiting for the first gradients (watch.step() or optimizer.step())",
  "lossview.no_gradients_unreached": "optimizer.step() ran, but no loss.backward() had reached the parameters it holds: no norms to draw, and the model does not learn (the event below says what may cause it).",
  "lossview.no_gradients": "optimizer.step() ran, but no parameter had a gradient at step time: no norms to draw, and the model does not learn. Is zero_grad() called between backward() and step()? The order is zero_grad(), backward(), step().",
  "lossview.best": "best epoch {epoch}: {metric} = {value}",
  "lossview.detector_user": "Stop button",
  "lossview.event": "epoch {epoch} · {detector}\n{message}",
  "lossview.event_step": "step {epoch} · {detector}\n{message}",
  "lossview.gradients": "gradient norm per layer",
  "lossview.log_refused": " (linear scale: no value above 0)",
  "lossview.axis_step": "step",
  "lossview.run": "run",
  "lossview.epochs": "epochs",
  "lossview.best_epoch": "best epoch by {metric}",
  "lossview.stop_column": "stop",
  "lossview.none": "-",
  "lossview.tie": "a tie: {names} reach the same best {metric}",
  "lossview.and": "{first} and {last}",
  "lossview.training": "training",
  "lossview.validation": "validation",
  "lossview.smoothed_value": "{value} (smoothed {smoothed})",
  "lossview.off_log": "{value} (not shown on a log scale)",
  "lossview.none_on_log": "{label} (no value above 0: not shown on a log scale)",
  "lossview.decimal": ".",
};

/**
 * The string `key` with `{fields}` filled in (unknown fields are left as they are).
 * @param {Record<string, string>|undefined} strings
 * @param {string} key
 * @param {Record<string, unknown>} [fields]
 * @returns {string}
 */
export function t(strings, key, fields = {}) {
  if ("detector" in fields) fields = { ...fields, detector: detectorText(strings, fields.detector) };
  const text = (strings && strings[key]) || DEFAULT_STRINGS[key] || key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in fields ? String(fields[name]) : m));
}

/**
 * Who an event is from, as the view shows it: a detector's own text (`Patience(20)`), the Stop
 * button's event (detector "user") in the view's words.
 * @param {Record<string, string> | undefined} strings
 * @param {unknown} detector
 */
export function detectorText(strings, detector) {
  return detector === "user" ? t(strings, "lossview.detector_user") : String(detector ?? "");
}

/**
 * What a view with nothing to draw says (`loss_svg`'s picture says the same): that it waits for
 * its first data; for a gradient view whose steps found no gradient (`zero_grad()` between
 * `backward()` and `step()`, an event says so), that instead; then a gradient view's events,
 * which have no curve to be marked on. Each line is plain text (an event's holds a newline).
 * @param {string} kind "monitor" | "runs" | "gradients"
 * @param {{events: import("./store.js").LossEvent[]}[]} runs
 * @param {Record<string, string>} [strings]
 * @returns {string[]}
 */
export function emptyLines(kind, runs, strings) {
  if (kind !== "gradients") return [t(strings, "lossview.waiting")];
  const events = runs.flatMap((r) => r.events || []);
  const steps = events.map((e) => String(e.message_id || "")).filter((id) => id.startsWith("grad.step_"));
  // the last such event says why: no backward reached the parameters, or zero_grad() misplaced
  const key = !steps.length
    ? "lossview.waiting_gradients"
    : steps[steps.length - 1] === "grad.step_unreached"
      ? "lossview.no_gradients_unreached"
      : "lossview.no_gradients";
  const lines = [t(strings, key)];
  for (const e of events) {
    const key = e.unit === "step" ? "lossview.event_step" : "lossview.event";
    lines.push(t(strings, key, { epoch: e.epoch, detector: e.detector, message: e.message }));
  }
  return lines;
}

/**
 * A metric value, short: 4 significant digits, exponent for tiny/huge numbers.
 * @param {number|null|undefined} v
 * @returns {string}
 */
export function fmtNum(v) {
  return localNumber(plainNum(v));
}

/** fmtNum's text with a decimal point, whatever the language. @param {number|null|undefined} v */
function plainNum(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/**
 * An axis tick, as short as it can be: "2e13", "1.5e-8", "0.25" (4 significant digits at
 * most, no "+" and no trailing zeros), so the axis stays narrow.
 * @param {number} v
 * @returns {string}
 */
export function fmtTick(v) {
  // uPlot gives null for a tick it leaves unlabelled (a log axis' minor ticks), NaN for a log
  // axis over values that are all zero: no label, not "nan"
  if (v == null || Number.isNaN(v)) return "";
  if (!Number.isFinite(v)) return fmtNum(v);
  const a = Math.abs(v);
  if (a === 0 || (a < 1e5 && a >= 1e-3)) return localNumber(String(Number(v.toPrecision(4))));
  const [mantissa, exponent] = v.toExponential(3).split("e");
  return localNumber(`${Number(mantissa)}e${Number(exponent)}`);
}

/** A step as the user logged it: 14 rather than 14.0. @param {number} s */
export function fmtStep(s) {
  return Number.isInteger(s) ? String(s) : fmtNum(s);
}

/** Tick spacings on the step axis: 1, 2, 2.5 and 5 times each power of ten, 1e-6 to 5e15. */
const STEP_INCREMENTS = Array.from({ length: 22 }, (_, i) => 10 ** (i - 6)).flatMap((p) => [p, 2 * p, 2.5 * p, 5 * p]);
const WHOLE_INCREMENTS = STEP_INCREMENTS.filter((incr) => Number.isInteger(incr));

/**
 * The tick spacings the step axis may use for the steps `xs`, shown from `min` to `max`:
 * whole ones where every step is whole (epochs logged as 1, 2, 3: no tick at "2.5") and the
 * range shown spans two steps or more, else fractions too (a validation half-way through an
 * epoch, `epoch=2.5`; a zoom into one epoch).
 * @param {ArrayLike<number|null>} xs
 * @param {number} [min]
 * @param {number} [max]
 * @returns {number[]}
 */
export function stepIncrements(xs, min = -Infinity, max = Infinity) {
  if (!(max - min >= 2)) return STEP_INCREMENTS;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x != null && Number.isFinite(x) && !Number.isInteger(x)) return STEP_INCREMENTS;
  }
  return WHOLE_INCREMENTS;
}

/**
 * A tick of the step axis: 20000 without a thousands separator, 2.5 with the lesson's decimal
 * mark ("2,5" in Polish), "" for a tick uPlot leaves unlabelled.
 * @param {number|null} s
 */
export function fmtStepTick(s) {
  return s == null || !Number.isFinite(s) ? "" : fmtStep(Number(s.toPrecision(6)));
}

/**
 * Seconds as m:ss or h:mm:ss.
 * @param {number} seconds
 * @returns {string}
 */
export function fmtDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * Epochs per second over the recent progress reports (null until two reports differ).
 * @param {{epoch: number, time: number}[]} history oldest first
 * @returns {number|null}
 */
export function epochRate(history) {
  if (history.length < 2) return null;
  const a = history[0];
  const b = history[history.length - 1];
  const dt = b.time - a.time;
  const de = b.epoch - a.epoch;
  return dt > 0 && de > 0 ? de / dt : null;
}

/**
 * The progress line: "epoch 12/30 · step 340 · 2.5 epochs/s · ETA 0:08". Out of a total it
 * counts the epochs done (`done`: a run numbered from 0 ends at 30/30, not 29/30), else it
 * shows the last epoch's number.
 * @param {{epoch: number, done?: number, step: number, time: number, total?: number|null}[]} history
 * @param {Record<string, string>} [strings]
 * @returns {string}
 */
export function progressText(history, strings) {
  const last = history[history.length - 1];
  if (!last) return t(strings, "lossview.waiting");
  const parts = [];
  const total = last.total && last.total > 0 ? last.total : null;
  const done = last.done ?? last.epoch;
  parts.push(
    total
      ? t(strings, "lossview.epoch_of", { epoch: done, total })
      : t(strings, "lossview.epoch", { epoch: last.epoch }),
  );
  parts.push(t(strings, "lossview.step", { step: fmtStep(last.step) }));
  const rate = epochRate(history);
  if (rate !== null) {
    parts.push(
      rate >= 1
        ? t(strings, "lossview.rate", { rate: fmtNum(rate) })
        : t(strings, "lossview.seconds_per_epoch", { seconds: fmtNum(1 / rate) }),
    );
    if (total && total > done) {
      parts.push(t(strings, "lossview.eta", { eta: fmtDuration((total - done) / rate) }));
    }
  }
  return parts.join(" · ");
}
