// Curve maths of the loss view, DOM-free: growable float64 columns, EMA smoothing, the
// log-scale guard and the join of several curves onto one x axis (what uPlot draws).

/** A growable column of float64 values (amortised O(1) push, no boxing). */
export class Column {
  /** @param {number} [capacity] */
  constructor(capacity = 64) {
    this.data = new Float64Array(capacity);
    this.length = 0;
  }

  /** @param {number} v */
  push(v) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  /** The filled part (a view, no copy). @returns {Float64Array} */
  view() {
    return this.data.subarray(0, this.length);
  }
}

/** One metric of one run: steps (x) and values (y), steps strictly increasing. */
export class Curve {
  constructor() {
    this.x = new Column();
    this.y = new Column();
    /** Whether a value above zero came: a log axis shows nothing of a curve without one. */
    this.positive = false;
  }

  get length() {
    return this.x.length;
  }

  /**
   * Add points in log order. A point at the last step replaces its value; a point behind the
   * last step is dropped (a line plot needs increasing x; it also makes a replay of points
   * the view already has harmless).
   * @param {ArrayLike<number>} xs
   * @param {ArrayLike<number>} ys
   * @returns {number} points added or replaced
   */
  append(xs, ys) {
    let changed = 0;
    const n = Math.min(xs.length, ys.length);
    for (let i = 0; i < n; i++) {
      const x = xs[i];
      const last = this.x.length ? this.x.data[this.x.length - 1] : -Infinity;
      if (!Number.isFinite(x) || x < last) continue;
      if (ys[i] > 0 && ys[i] < Infinity) this.positive = true;
      if (x === last) this.y.data[this.y.length - 1] = ys[i];
      else {
        this.x.push(x);
        this.y.push(ys[i]);
      }
      changed++;
    }
    return changed;
  }
}

/**
 * Exponential moving average with the start-up bias removed (as TensorBoard does):
 * `s_t = w s_{t-1} + (1-w) y_t`, shown as `s_t / (1 - w^k)` after k finite points.
 * Non-finite values pass through unchanged and do not disturb the average.
 * @param {ArrayLike<number>} ys
 * @param {number} weight 0 (off) .. <1 (very smooth)
 * @returns {Float64Array}
 */
export function ema(ys, weight) {
  const out = new Float64Array(ys.length);
  const w = Math.min(Math.max(Number(weight) || 0, 0), 0.999);
  if (w === 0) {
    out.set(ys);
    return out;
  }
  let acc = 0;
  let k = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    acc = w * acc + (1 - w) * y;
    k++;
    out[i] = acc / (1 - Math.pow(w, k));
  }
  return out;
}

/**
 * A value as uPlot should get it: `null` (a gap in the line, so a NaN epoch shows as a break
 * rather than a line drawn through it) for NaN/inf, and for values a log axis cannot show
 * (zero or negative).
 * @param {number} y
 * @param {boolean} log
 * @returns {number|null}
 */
export function plotValue(y, log) {
  if (!Number.isFinite(y)) return null;
  if (log && y <= 0) return null;
  return y;
}

/**
 * Join curves onto the sorted union of their steps: `[x, y1, y2, ...]` with `undefined` where
 * a curve has no point (uPlot's AlignedData: its line joins the points on either side) and
 * `null` where its value cannot be drawn (a gap). Each curve's values go through `ema` and
 * `plotValue` first. Linear in the total number of points.
 * @param {{x: ArrayLike<number>, y: ArrayLike<number>}[]} curves steps strictly increasing
 * @param {{smoothing?: number, log?: boolean}} [opts]
 * @returns {(number|null)[][]}
 */
export function joinCurves(curves, { smoothing = 0, log = false } = {}) {
  const ys = curves.map((c) => ema(c.y, smoothing));
  return join(curves, ys, (y) => plotValue(y, log));
}

/**
 * The values as logged, joined onto the steps as `joinCurves` joins them: `undefined` where a
 * curve has no point, else the value itself, NaN, inf, 0 and below included (what the hover
 * readout says, whatever is drawn).
 * @param {{x: ArrayLike<number>, y: ArrayLike<number>}[]} curves steps strictly increasing
 * @returns {(number|undefined)[][]}
 */
export function joinLogged(curves) {
  return /** @type {(number|undefined)[][]} */ (join(curves, curves.map((c) => c.y), (y) => y));
}

/**
 * The columns `[x, y1, y2, ...]` of `curves` on the union of their steps, `value(ys[c][i])`
 * where curve c has a point, `undefined` where it has none.
 * @param {{x: ArrayLike<number>}[]} curves
 * @param {ArrayLike<number>[]} ys
 * @param {(y: number) => number|null} value
 * @returns {(number|null)[][]}
 */
function join(curves, ys, value) {
  const same = curves.every((c) => sameSteps(c.x, curves[0].x));
  if (curves.length && same) {
    const n = curves[0].x.length;
    const x = Array.from(curves[0].x);
    const cols = ys.map((y) => {
      const col = new Array(n);
      for (let i = 0; i < n; i++) col[i] = value(y[i]);
      return col;
    });
    return [x, ...cols];
  }
  // k-way merge of sorted step arrays
  const idx = new Array(curves.length).fill(0);
  const x = [];
  const cols = curves.map(() => []);
  for (;;) {
    let next = Infinity;
    for (let c = 0; c < curves.length; c++) {
      if (idx[c] < curves[c].x.length && curves[c].x[idx[c]] < next) next = curves[c].x[idx[c]];
    }
    if (next === Infinity) break;
    x.push(next);
    for (let c = 0; c < curves.length; c++) {
      if (idx[c] < curves[c].x.length && curves[c].x[idx[c]] === next) {
        cols[c].push(value(ys[c][idx[c]]));
        idx[c]++;
      } else cols[c].push(undefined);
    }
  }
  return [x, ...cols];
}

/**
 * The points of a joined column that no line reaches: numbers whose nearest values on both
 * sides (skipping `undefined`, a step the curve has no point at) are gaps (`null`) or absent.
 * The view draws them as dots, so that a value between two NaN epochs still shows.
 * @param {ArrayLike<number|null|undefined>} ys
 * @returns {number[]}
 */
export function lonePoints(ys) {
  const out = [];
  let prevIsNumber = false; // the last value before i that is not undefined
  let candidate = -1; // a number with no number before it, until one follows
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === undefined) continue;
    if (y === null) {
      if (candidate >= 0) out.push(candidate);
      candidate = -1;
      prevIsNumber = false;
    } else {
      candidate = prevIsNumber ? -1 : i;
      prevIsNumber = true;
    }
  }
  if (candidate >= 0) out.push(candidate);
  return out;
}

/** @param {ArrayLike<number>} a @param {ArrayLike<number>} b */
function sameSteps(a, b) {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A float64 array from a binary buffer as anywidget hands it over (DataView, ArrayBuffer or
 * typed array), copied so that any byte offset works.
 * @param {DataView|ArrayBuffer|ArrayBufferView} buf
 * @returns {Float64Array}
 */
export function toFloat64(buf) {
  if (buf instanceof ArrayBuffer) return new Float64Array(buf.slice(0));
  const view = /** @type {ArrayBufferView} */ (buf);
  const bytes = view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength);
  return new Float64Array(bytes);
}

/**
 * A number from JSON, where Python wrote non-finite floats as "nan", "inf", "-inf".
 * @param {unknown} v
 * @returns {number}
 */
export function jsonNumber(v) {
  if (typeof v === "number") return v;
  if (v === "inf" || v === "Infinity") return Infinity;
  if (v === "-inf" || v === "-Infinity") return -Infinity;
  return NaN;
}
