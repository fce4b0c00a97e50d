// What the loss view knows, DOM-free: runs -> curves, events, best epochs, progress, and the
// grouping of metrics into panels (a validation metric joins its training twin: `val_loss`,
// `valid_loss`, `val/loss`, `loss_val` are drawn with `loss`, `train_loss`, `loss_train`). Filled from a snapshot (after a page reload) and from live batches.
import { Curve, jsonNumber, toFloat64 } from "./series.js";

/**
 * @typedef {{step: number, epoch: number, detector: string, kind: string, message: string,
 *   message_id?: string, stop: boolean, values?: Record<string, unknown>, unit?: string}} LossEvent
 *   (`unit`: "step" where `epoch` counts optimizer steps, a GradientWatch without a monitor)
 * @typedef {{step: number, epoch: number, metric: string, value: number,
 *   metrics?: Record<string, number>}} Best
 * @typedef {{name: string, curves: Map<string, Curve>, events: LossEvent[], best: Best|null,
 *   epoch: number, stopped: boolean}} Run
 * @typedef {{key: string, title: string, series: {run: string, metric: string}[]}} Panel
 * @typedef {{step: number, epoch: number, time: number, stopped?: boolean, total?: number|null}} Progress
 */

// Name prefixes of a validation and a training metric, and suffixes in any case after a loss
// or metric name (`loss_val`, TensorBoard's `Loss/train`): the same rule as VAL_PREFIXES,
// TRAIN_PREFIXES, VAL_SUFFIXES, TRAIN_SUFFIXES and SUFFIXED in nngraph/monitor/_names.py (keep
// the two in step).
export const VAL_PREFIXES = Object.freeze([
  "val_", "val/", "valid_", "valid/", "validation_", "validation/",
]);
export const TRAIN_PREFIXES = Object.freeze(["train_", "train/", "training_", "training/"]);
export const VAL_SUFFIXES = Object.freeze([
  "_val", "/val", "_valid", "/valid", "_validation", "/validation",
]);
export const TRAIN_SUFFIXES = Object.freeze(["_train", "/train", "_training", "/training"]);
// The names a suffix may follow (`loss_val`, not `q_val`): SUFFIXED in _names.py.
export const SUFFIXED = Object.freeze([
  "loss", "acc", "accuracy", "error", "err", "mse", "mae", "rmse", "nll", "ppl",
  "perplexity", "f1", "auc", "iou", "dice", "precision", "recall", "top1", "top5",
  "bleu", "psnr", "ssim", "r2", "kl", "ce", "bce", "map",
]);

/**
 * The name without one of `prefixes` or, else, one of `suffixes` (in any case); null for
 * none. @param {string} metric @param {readonly string[]} prefixes
 * @param {readonly string[]} suffixes @returns {string|null}
 */
function unmarked(metric, prefixes, suffixes) {
  for (const prefix of prefixes) {
    if (metric.startsWith(prefix) && metric.length > prefix.length) return metric.slice(prefix.length);
  }
  const lower = metric.toLowerCase();
  for (const suffix of suffixes) {
    if (lower.endsWith(suffix) && SUFFIXED.includes(lower.slice(0, -suffix.length))) {
      return metric.slice(0, -suffix.length);
    }
  }
  return null;
}

/** The name without its validation prefix or suffix (`val/loss`, `loss_val` -> `loss`), else null. @param {string} metric */
export function validationBase(metric) {
  return unmarked(metric, VAL_PREFIXES, VAL_SUFFIXES);
}

/** The name without its training prefix or suffix (`train_loss`, `loss/train` -> `loss`), else null. @param {string} metric */
export function trainingBase(metric) {
  return unmarked(metric, TRAIN_PREFIXES, TRAIN_SUFFIXES);
}

// A metric measured on held-out data during training under another prefix: HuggingFace's
// `eval_loss`, `dev_loss`, a validation prefix in another case or with a hyphen (`Val_Loss`,
// `val-loss`); a test metric (`test_loss`), logged once after training, is none: the same rule
// as is_validation in nngraph/monitor/_names.py (keep the two in step).
const HELD_OUT = /^(val|valid|validation|eval|evaluation|dev)[_/-](.+)$/i;

/** The name after another held-out prefix (`eval_loss` -> `loss`), else null. @param {string} metric */
export function heldOutBase(metric) {
  const match = HELD_OUT.exec(metric);
  return match ? match[2] : null;
}

/**
 * True for a metric measured on held-out data: a validation metric (`val_loss`, `valid_loss`,
 * `val/acc`, ...) or one under another held-out prefix (`eval_loss`, `dev_loss`), drawn as a
 * validation curve over its training twin (`panelKey`).
 * @param {string} metric
 */
export function isValidation(metric) {
  return validationBase(metric) !== null || heldOutBase(metric) !== null;
}

/**
 * The panel a metric joins: its name without one validation, held-out or training prefix
 * (`val_loss`, `valid_loss`, `val/loss`, `eval_loss`, `train_loss`, `loss` -> `loss`); other
 * names stay.
 * @param {string} metric
 */
export function panelKey(metric) {
  return validationBase(metric) ?? heldOutBase(metric) ?? trainingBase(metric) ?? metric;
}

export class Store {
  constructor() {
    this.reset();
  }

  reset() {
    /** "monitor" | "runs" | "gradients" */
    this.kind = "monitor";
    this.metric = "val_loss";
    this.mode = "min";
    /** @type {Map<string, Run>} */
    this.runs = new Map();
    /** the run that sent points last (the one training now), whose stop the button shows */
    this.current = /** @type {string|null} */ (null);
    /** metric names in first-seen order over all runs */
    this.metrics = /** @type {string[]} */ ([]);
    /** @type {{rows: any[], winner: string|null, winners: string[], notes: string[]}} */
    this.table = { rows: [], winner: null, winners: [], notes: [] };
    /** @type {Progress[]} recent progress reports, oldest first */
    this.progress = [];
    this.version = 0;
  }

  /** @param {string} name @returns {Run} */
  run(name) {
    let run = this.runs.get(name);
    if (!run) {
      run = { name, curves: new Map(), events: [], best: null, epoch: 0, stopped: false };
      this.runs.set(name, run);
    }
    return run;
  }

  /** @param {Run} run @param {string} metric @returns {Curve} */
  curve(run, metric) {
    let c = run.curves.get(metric);
    if (!c) {
      c = new Curve();
      run.curves.set(metric, c);
      if (!this.metrics.includes(metric)) this.metrics.push(metric);
    }
    return c;
  }

  /**
   * Replace everything with a snapshot (the `snapshot` trait or a `reset` message):
   * `{kind, metric, mode, runs: {name: Monitor.snapshot()}, table, winner, notes, progress}`.
   * @param {any} snap
   */
  load(snap) {
    this.reset();
    if (!snap || typeof snap !== "object") return;
    this.kind = snap.kind || "monitor";
    this.metric = snap.metric || this.metric;
    this.mode = snap.mode || this.mode;
    for (const [name, s] of Object.entries(snap.runs || {})) {
      const run = this.run(name);
      for (const [metric, pts] of Object.entries(s.metrics || {})) {
        const p = /** @type {any} */ (pts);
        this.curve(run, metric).append(
          (p.step || []).map(jsonNumber),
          (p.value || []).map(jsonNumber),
        );
      }
      run.events = Array.isArray(s.events) ? s.events.slice() : [];
      run.best = s.best || null;
      run.epoch = s.epoch || 0;
      run.stopped = !!(s.stop_requested ?? s.should_stop); // a click, not a detector's advice
      this.current = name; // the newest run
    }
    this.table = {
      rows: snap.table || [],
      winner: snap.winner ?? null,
      winners: snap.winners ?? [],
      notes: snap.notes ?? [],
    };
    if (snap.progress) this.progress = [snap.progress];
    this.version++;
  }

  /**
   * Add one live batch: `header = {run, metrics: [names], events, best, epoch, stopped,
   * progress, table, winner, notes}` and two float64 buffers (steps, values) per metric, in order.
   * @param {any} header
   * @param {(DataView|ArrayBuffer|ArrayBufferView)[]} buffers
   * @returns {boolean} whether anything changed
   */
  addBatch(header, buffers) {
    const run = this.run(header.run ?? "");
    this.current = run.name;
    let changed = false;
    (header.metrics || []).forEach((/** @type {string} */ metric, /** @type {number} */ i) => {
      const xs = buffers[2 * i];
      const ys = buffers[2 * i + 1];
      if (!xs || !ys) return;
      if (this.curve(run, metric).append(toFloat64(xs), toFloat64(ys))) changed = true;
    });
    for (const e of header.events || []) {
      run.events.push(e);
      changed = true;
    }
    if (header.best !== undefined) run.best = header.best;
    if (header.epoch !== undefined) run.epoch = header.epoch;
    if (header.stopped) run.stopped = true;
    if (header.table) {
      this.table = {
        rows: header.table,
        winner: header.winner ?? null,
        winners: header.winners ?? [],
        notes: header.notes ?? [],
      };
    }
    if (header.progress) {
      this.progress.push(header.progress);
      if (this.progress.length > 20) this.progress.shift();
    }
    this.version++;
    return changed || !!header.progress;
  }

  /**
   * Panels in first-seen order; each lists its (run, metric) series, training before
   * validation. A gradient view has one panel with a series per layer.
   * @returns {Panel[]}
   */
  panels() {
    /** @type {Map<string, Panel>} */
    const out = new Map();
    const keyOf = (/** @type {string} */ m) => (this.kind === "gradients" ? "gradients" : panelKey(m));
    for (const metric of this.metrics) {
      const key = keyOf(metric);
      if (!out.has(key)) out.set(key, { key, title: key, series: [] });
    }
    for (const panel of out.values()) {
      const names = this.metrics
        .filter((m) => keyOf(m) === panel.key)
        .sort((a, b) => Number(isValidation(a)) - Number(isValidation(b)));
      for (const run of this.runs.values()) {
        for (const metric of names) {
          if (run.curves.has(metric)) panel.series.push({ run: run.name, metric });
        }
      }
    }
    return [...out.values()];
  }

  /** The panel that shows the monitored metric (events and best go there). */
  primaryPanel() {
    const panels = this.panels();
    if (this.kind === "gradients") return panels[0]?.key ?? null;
    const key = panelKey(this.metric);
    return panels.some((p) => p.key === key) ? key : (panels[0]?.key ?? null);
  }

  /**
   * The panel a run's mark goes on: its events on the primary panel; its best epoch on the
   * panel of the metric it is of (compared runs may watch different metrics), or on the primary
   * panel when that metric has no panel.
   * @param {{best: Best|null}} run
   * @param {"event"|"best"} kind
   * @returns {string|null}
   */
  markPanel(run, kind) {
    const primary = this.primaryPanel();
    if (kind !== "best" || !run.best || this.kind === "gradients") return primary;
    const key = panelKey(String(run.best.metric ?? ""));
    return this.panels().some((p) => p.key === key) ? key : primary;
  }

  /** True when the run training now (the last to send points) was stopped with the Stop
   * button: an earlier run of a Runs stopped so leaves the button ready for the next one. */
  get stopped() {
    return this.current !== null && !!this.runs.get(this.current)?.stopped;
  }

  /** The newest progress report, if any. */
  get lastProgress() {
    return this.progress.length ? this.progress[this.progress.length - 1] : null;
  }
}
