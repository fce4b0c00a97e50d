// Colour by gradient (or value) magnitude on a log scale.
// The magnitude of a tensor is its RMS, norm / sqrt(numel): it does not grow with the size
// of the tensor, so a big conv layer and a small bias can be compared.
import { localNumber } from "./decimal.js";

/** @typedef {import("./graph.js").Stats} Stats */
/** @typedef {import("./graph.js").GNode} GNode */

/**
 * RMS of a set of statistics taken together (a module: all its tensors), or null; NaN (or
 * Infinity) where one of them holds a NaN (an Inf): a module is not shown as healthy by the
 * RMS of its finite tensors alone.
 */
export function rmsOf(statsList) {
  let sumSq = 0;
  let count = 0;
  for (const s of statsList) {
    if (!s || !(s.numel > 0) || typeof s.norm !== "number") continue;
    sumSq += s.norm * s.norm;
    count += s.numel;
  }
  return count > 0 ? Math.sqrt(sumSq / count) : null;
}

/**
 * Magnitude of what an item stands for, by `colorBy` ("grad" or "value"); null where there
 * is nothing to show (no gradient was recorded).
 * @param {GNode[]} members
 * @param {string} colorBy
 */
export function magnitude(members, colorBy) {
  if (colorBy !== "grad" && colorBy !== "value") return null;
  return rmsOf(members.map((n) => (colorBy === "grad" ? n.grad : n.value)));
}

// A colour-blind-friendly sequential scale (viridis, five stops): dark = small, yellow = big.
const STOPS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Colour at t in [0, 1] as "rgb(r,g,b)". */
export function scaleColor(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const c = STOPS[i].map((v, k) => Math.round(v + (STOPS[i + 1][k] - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Black or white text, whichever reads better on colour t. */
export function textColorFor(t) {
  return t > 0.55 ? "#111" : "#fff";
}

/** The fill of a magnitude that is NaN or infinite (a NaN or an Inf among its tensors). */
export const NONFINITE_FILL = "#c0392b";

/**
 * A log-scale colour map over the given magnitudes. Zeros (a gradient that is exactly
 * zero) get their own colour: on a log scale they are infinitely small; so do NaN and
 * infinite ones (`nonfinite`: some are).
 * @param {(number|null)[]} values
 */
export function logScale(values) {
  const logs = values.filter((v) => v !== null && v > 0 && Number.isFinite(v)).map(Math.log10);
  let lo = logs.length ? Math.min(...logs) : 0;
  let hi = logs.length ? Math.max(...logs) : 1;
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  return {
    lo,
    hi,
    empty: logs.length === 0,
    nonfinite: values.some((v) => v !== null && !Number.isFinite(v)),
    /** @param {number|null} v @returns {{fill:string, text:string, t:number}|null} */
    color(v) {
      if (v === null) return null;
      if (!Number.isFinite(v)) return { fill: NONFINITE_FILL, text: "#fff", t: -2 };
      if (v <= 0) return { fill: "#d0d0d0", text: "#111", t: -1 };
      const t = (Math.log10(v) - lo) / (hi - lo);
      return { fill: scaleColor(t), text: textColorFor(t), t };
    },
  };
}

/** Short scientific notation for numbers: 0.00012 -> "1.2e-4", 3 -> "3". */
export function formatNumber(v) {
  return localNumber(plainNumber(v));
}

/** formatNumber's text with a decimal point, whatever the language. */
function plainNumber(v) {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "number") return String(v);
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(3)));
  const [m, e] = v.toExponential(1).split("e");
  return `${m}e${Number(e)}`;
}

/** 1234567 -> "1.2M", 25557032 -> "25.6M", 999 -> "999". */
export function formatCount(n) {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1000) return String(n);
  if (n < 1e6) return localNumber(`${Number((n / 1e3).toPrecision(3))}k`);
  if (n < 1e9) return localNumber(`${Number((n / 1e6).toPrecision(3))}M`);
  return localNumber(`${Number((n / 1e9).toPrecision(3))}G`);
}
