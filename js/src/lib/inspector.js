// The inspector panel: everything known about the clicked node or module, as text.

import { formatCount, formatNumber, rmsOf } from "./color.js";
import { h, s, clear } from "./dom.js";

/** @typedef {import("./graph.js").GNode} GNode */
/** @typedef {import("./graph.js").Stats} Stats */
/** @typedef {import("./visible.js").Item} Item */

/** One line a student understands, for flags that come without a message. */
export const FLAG_HELP = {
  vanishing: "The gradient here is tiny, so the layers before this point hardly learn.",
  exploding: "The gradient here is huge, so training steps overshoot and the loss may blow up.",
  dead: "These ReLU units output zero for every example, so no gradient flows through them and they stop learning.",
  nan: "NaN (not a number) appeared here: something like 0/0 or log(0) happened.",
  inf: "Infinity appeared here: a number grew too large for its float type.",
};

/** Text of a flag for the inspector and tooltips. */
export function flagText(flag) {
  const kind = String(flag.kind ?? "flag");
  const where = flag.where ? ` (${flag.where})` : "";
  const message = flag.message ? String(flag.message) : FLAG_HELP[kind] ?? "";
  return `${kind}${where}: ${message}`;
}

/** "[32, 3, 224, 224]" -> "32×3×224×224"; a scalar is "scalar". */
export function formatShape(shape) {
  if (!shape) return "–";
  return shape.length === 0 ? "scalar" : shape.join("×");
}

const STAT_ROWS = [
  ["mean", "mean"],
  ["std", "std"],
  ["min", "min"],
  ["max", "max"],
  ["norm", "L2 norm"],
  ["zero_frac", "zeros"],
  ["nan", "NaN"],
  ["inf", "Inf"],
];

/** A two-column table of label/value rows; rows whose value is null are skipped. */
function table(rows, cls = "ng-props") {
  const body = rows
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) =>
      h("tr", {}, [h("th", { scope: "row" }, [String(k)]), h("td", { "data-key": String(k) }, [String(v)])]),
    );
  return h("table", { class: cls }, [h("tbody", {}, body)]);
}

function statsTable(stats) {
  return table(
    STAT_ROWS.map(([key, label]) => {
      const v = stats[key];
      if (v === undefined || v === null) return [label, null];
      if (key === "zero_frac") return [label, `${formatNumber(100 * v)}%`];
      if (key === "nan" || key === "inf") return [label, v ? formatCount(v) : "0"];
      return [label, formatNumber(v)];
    }),
    "ng-stats",
  );
}

/**
 * A small picture of a tensor's statistics: a histogram when the capture layer sent
 * bin counts (`stats.hist`), else its range (min..max) with mean ± std marked.
 */
export function statsPlot(stats, width = 220, height = 36) {
  if (Array.isArray(stats.hist) && stats.hist.length > 0) return histogram(stats.hist, width, height, stats.min, stats.max);
  const { min, max, mean, std } = stats;
  if (![min, max, mean].every(Number.isFinite)) return null;
  const span = max - min || 1;
  const x = (v) => 6 + ((v - min) / span) * (width - 12);
  const lo = Math.max(min, mean - (std || 0));
  const hi = Math.min(max, mean + (std || 0));
  return s("svg", { class: "ng-range", width, height: height, viewBox: `0 0 ${width} ${height}`, role: "img" }, [
    s("title", {}, [`range ${formatNumber(min)} to ${formatNumber(max)}, mean ${formatNumber(mean)} ± ${formatNumber(std)}`]),
    s("line", { x1: x(min), x2: x(max), y1: 14, y2: 14, class: "ng-range-line" }),
    s("rect", { x: x(lo), y: 8, width: Math.max(2, x(hi) - x(lo)), height: 12, class: "ng-range-box" }),
    s("line", { x1: x(mean), x2: x(mean), y1: 5, y2: 23, class: "ng-range-mean" }),
    s("text", { x: 6, y: height - 2, class: "ng-axis" }, [formatNumber(min)]),
    s("text", { x: width - 6, y: height - 2, class: "ng-axis", "text-anchor": "end" }, [formatNumber(max)]),
  ]);
}

/** Bars for bin counts, with the axis ends labelled. */
export function histogram(counts, width = 220, height = 48, lo = null, hi = null) {
  const top = Math.max(1, ...counts);
  const bw = (width - 12) / counts.length;
  const plotH = height - 14;
  const bars = counts.map((c, i) =>
    s("rect", {
      class: "ng-bar",
      x: (6 + i * bw).toFixed(1),
      y: (plotH - (c / top) * plotH).toFixed(1),
      width: Math.max(1, bw - 1).toFixed(1),
      height: ((c / top) * plotH).toFixed(1),
    }),
  );
  const axis = [];
  if (lo !== null) axis.push(s("text", { x: 6, y: height - 2, class: "ng-axis" }, [formatNumber(lo)]));
  if (hi !== null) axis.push(s("text", { x: width - 6, y: height - 2, class: "ng-axis", "text-anchor": "end" }, [formatNumber(hi)]));
  return s("svg", { class: "ng-hist", width, height, viewBox: `0 0 ${width} ${height}`, role: "img" }, [...bars, ...axis]);
}

/** Histogram of log10 gradient RMS over the tensors inside a module. */
function gradSpread(members) {
  const logs = members
    .map((n) => rmsOf([n.grad]))
    .filter((v) => v !== null && v > 0)
    .map((v) => Math.log10(/** @type {number} */ (v)));
  if (logs.length < 3) return null;
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  const bins = 12;
  const counts = new Array(bins).fill(0);
  for (const v of logs) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo || 1)) * bins))]++;
  return h("div", { class: "ng-plot" }, [
    h("div", { class: "ng-caption" }, [`gradient size of the ${logs.length} tensors inside (log10 RMS)`]),
    histogram(counts, 220, 48, lo, hi),
  ]);
}

function section(title, content) {
  return h("section", { class: "ng-section" }, [h("h4", {}, [title]), ...content]);
}

function flagList(flags) {
  if (!flags.length) return null;
  return section(
    "Health",
    flags.map((f) => h("p", { class: `ng-flag-text ng-flag-${String(f.kind).replace(/[^a-z]/gi, "")}` }, ["⚠ ", flagText(f)])),
  );
}

/**
 * Fill the inspector for a drawn item (a node, a collapsed module or a folded run).
 * @param {HTMLElement} panel
 * @param {Item} item
 * @param {import("./graph.js").Graph} graph
 * @param {{onClose?:() => void}} [actions]
 */
export function showItem(panel, item, graph, actions = {}) {
  clear(panel);
  panel.hidden = false;
  const close = h("button", { class: "ng-close", type: "button", title: "close", "aria-label": "close" }, ["×"]);
  close.addEventListener("click", () => {
    panel.hidden = true;
    actions.onClose?.();
  });
  if (item.type === "node" && item.node) {
    const n = item.node;
    panel.append(
      h("header", {}, [h("span", { class: "ng-title" }, [n.label]), h("span", { class: "ng-kind" }, [n.kind]), close]),
      table([
        ["op", n.op],
        ["autograd", n.backward],
        ["module", n.module === "" ? "(top level)" : n.module],
        ["module type", n.module_type],
        ["name", n.name],
        ["shape", formatShape(n.shape)],
        ["dtype", n.dtype],
        ["device", n.device],
        ["requires grad", n.requires_grad ? "yes" : "no"],
        ["parameters", n.params ? formatCount(n.params) : null],
        ["dead units", n.dead ? `${n.dead[0]} of ${n.dead[1]} never fire` : null],
        ["id", n.id],
      ]),
    );
    const flags = flagList(n.flags);
    if (flags) panel.append(flags);
    for (const [title, stats] of [
      ["Value", n.value],
      ["Gradient", n.grad],
    ]) {
      if (!stats) continue;
      const plot = statsPlot(stats);
      panel.append(section(title, [statsTable(stats), plot ? h("div", { class: "ng-plot" }, [plot]) : null]));
    }
    if (!n.grad && n.backward) panel.append(h("p", { class: "ng-note" }, ["No gradient recorded: run loss.backward() inside ng.record() to see it."]));
    return;
  }
  const members = item.members;
  const path = item.type === "run" && item.run ? item.run.paths : [item.path ?? ""];
  const mod = graph.modules.get(path[0]);
  const params = members.reduce((sum, n) => sum + (n.kind === "param" ? n.params || 0 : 0), 0);
  const flags = members.flatMap((n) => n.flags.map((f) => ({ ...f, message: `${n.label}: ${f.message ? String(f.message) : FLAG_HELP[f.kind] ?? ""}` })));
  const title = item.type === "run" ? `${mod?.type ?? "block"} ×${path.length}` : path[0];
  panel.append(
    h("header", {}, [h("span", { class: "ng-title" }, [title]), h("span", { class: "ng-kind" }, [item.type === "run" ? "repeated blocks" : "module"]), close]),
    table([
      ["module", item.type === "run" ? `${path[0]} … ${path[path.length - 1]}` : path[0]],
      ["type", mod?.type ?? null],
      ["nodes inside", String(members.length)],
      ["parameters", formatCount(params || mod?.params || 0)],
      ["gradient RMS", formatNumber(rmsOf(members.map((n) => n.grad)))],
    ]),
    h("p", { class: "ng-note" }, [item.type === "run" ? "Click the block to unfold the repeats." : "Click the module to open it; click its frame's title to close it again."]),
  );
  const spread = gradSpread(members);
  if (spread) panel.append(spread);
  const list = flagList(flags.slice(0, 20));
  if (list) panel.append(list);
}

/** Hide and empty the inspector. */
export function hideInspector(panel) {
  clear(panel);
  panel.hidden = true;
}
