// The inspector panel: everything known about the clicked node or module, as text.
// Every word comes from `t` (lib/messages.js: the `graphview.` messages from Python).

import { formatCount, formatNumber, rmsOf } from "./color.js";
import { h, s, clear } from "./dom.js";
import { EN, plural } from "./messages.js";

/** @typedef {import("./graph.js").GNode} GNode */
/** @typedef {import("./graph.js").Stats} Stats */
/** @typedef {import("./visible.js").Item} Item */

/** @typedef {import("./messages.js").Translate} Translate */

/** One line a student understands, for a flag that comes without a message ("" if none). */
export function flagHelp(kind, t = EN) {
  return t(`graphview.flag.help.${kind}`, {}, "");
}

/**
 * The kind a flag is shown under: its own, but "data_scale" for data far from standardised
 * (an "exploding" finding with the data's mean and std), which is no exploding gradient.
 */
export function flagKind(flag) {
  const kind = String(flag.kind ?? "flag");
  return kind === "exploding" && "mean" in flag && "std" in flag ? "data_scale" : kind;
}

/** Text of a flag for the inspector and tooltips: "dead (forward): 3 of 8 ReLU units ...". */
export function flagText(flag, t = EN) {
  const raw = flagKind(flag);
  const kind = t(`graphview.flag.kind.${raw}`, {}, raw);
  const message = flag.message ? String(flag.message) : flagHelp(raw, t);
  if (!flag.where) return t("graphview.flag.text_nowhere", { kind, message });
  const where = t(`graphview.flag.where.${flag.where}`, {}, String(flag.where));
  return t("graphview.flag.text", { kind, where, message });
}

/** "[32, 3, 224, 224]" -> "32×3×224×224"; a scalar is "scalar". */
export function formatShape(shape, t = EN) {
  if (!shape) return "–";
  return shape.length === 0 ? t("graphview.scalar") : shape.join("×");
}

const STAT_KEYS = ["mean", "std", "min", "max", "norm", "zero_frac", "nan", "inf"];

/**
 * A two-column table of [key, label, value] rows; rows whose value is null are skipped.
 * `data-key` is the stable key (the English label), whatever the language shown.
 */
function table(rows, cls = "ng-props") {
  const body = rows
    .filter(([, , v]) => v !== null && v !== undefined && v !== "")
    .map(([k, label, v]) =>
      h("tr", {}, [h("th", { scope: "row" }, [String(label)]), h("td", { "data-key": String(k) }, [String(v)])]),
    );
  return h("table", { class: cls }, [h("tbody", {}, body)]);
}

/** A row of the node/module table: `data-key` is the field's English name, as before. */
function field(key, value, t) {
  return [EN(`graphview.field.${key}`), t(`graphview.field.${key}`), value];
}

function statsTable(stats, t) {
  return table(
    STAT_KEYS.map((key) => {
      const row = (v) => [EN(`graphview.stat.${key}`), t(`graphview.stat.${key}`), v];
      const v = stats[key];
      if (v === undefined || v === null) return row(null);
      if (key === "zero_frac") return row(`${formatNumber(100 * v)}%`);
      if (key === "nan" || key === "inf") return row(v ? formatCount(v) : "0");
      return row(formatNumber(v));
    }),
    "ng-stats",
  );
}

/**
 * A small picture of a tensor's statistics: a histogram when the capture layer sent
 * bin counts (`stats.hist`), else its range (min..max) with mean ± std marked.
 */
export function statsPlot(stats, width = 220, height = 36, t = EN) {
  if (Array.isArray(stats.hist) && stats.hist.length > 0) return histogram(stats.hist, width, height, stats.min, stats.max);
  const { min, max, mean, std } = stats;
  if (![min, max, mean].every(Number.isFinite)) return null;
  const span = max - min || 1;
  const x = (v) => 6 + ((v - min) / span) * (width - 12);
  const lo = Math.max(min, mean - (std || 0));
  const hi = Math.min(max, mean + (std || 0));
  return s("svg", { class: "ng-range", width, height: height, viewBox: `0 0 ${width} ${height}`, role: "img" }, [
    s("title", {}, [t("graphview.range", { min: formatNumber(min), max: formatNumber(max), mean: formatNumber(mean), std: formatNumber(std) })]),
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
function gradSpread(members, t) {
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
    h("div", { class: "ng-caption" }, [t("graphview.grad_spread", { n: logs.length })]),
    histogram(counts, 220, 48, lo, hi),
  ]);
}

function section(title, content) {
  return h("section", { class: "ng-section" }, [h("h4", {}, [title]), ...content]);
}

function flagList(flags, t) {
  if (!flags.length) return null;
  return section(
    t("graphview.section.health"),
    flags.map((f) => h("p", { class: `ng-flag-text ng-flag-${flagKind(f).replace(/[^a-z]/gi, "")}` }, ["⚠ ", flagText(f, t)])),
  );
}

/**
 * Fill the inspector for a drawn item (a node, a collapsed module or a folded run).
 * @param {HTMLElement} panel
 * @param {Item} item
 * @param {import("./graph.js").Graph} graph
 * @param {{onClose?:() => void, t?: Translate}} [actions] `t`: the words (default English)
 */
export function showItem(panel, item, graph, actions = {}) {
  const t = actions.t ?? EN;
  clear(panel);
  panel.hidden = false;
  const close = h("button", { class: "ng-close", type: "button", title: t("graphview.close"), "aria-label": t("graphview.close") }, ["×"]);
  close.addEventListener("click", () => {
    panel.hidden = true;
    actions.onClose?.();
  });
  if (item.type === "node" && item.node) {
    const n = item.node;
    panel.append(
      h("header", {}, [h("span", { class: "ng-title" }, [n.label]), h("span", { class: "ng-kind" }, [t(`graphview.node_kind.${n.kind}`, {}, n.kind)]), close]),
      table([
        field("op", n.op, t),
        field("autograd", n.backward, t),
        field("module", n.module === "" ? t("graphview.top_level") : n.module, t),
        field("module_type", n.module_type, t),
        field("name", n.name, t),
        field("shape", formatShape(n.shape, t), t),
        field("dtype", n.dtype, t),
        field("device", n.device, t),
        field("requires_grad", t(n.requires_grad ? "graphview.yes" : "graphview.no"), t),
        field("parameters", n.params ? formatCount(n.params) : null, t),
        field("dead_units", n.dead ? t("graphview.dead_units", { dead: n.dead[0], units: n.dead[1] }) : null, t),
        field("id", n.id, t),
      ]),
    );
    const flags = flagList(n.flags, t);
    if (flags) panel.append(flags);
    for (const [title, stats] of [
      [t("graphview.section.value"), n.value],
      [t("graphview.section.gradient"), n.grad],
    ]) {
      if (!stats) continue;
      const plot = statsPlot(stats, 220, 36, t);
      panel.append(section(title, [statsTable(stats, t), plot ? h("div", { class: "ng-plot" }, [plot]) : null]));
    }
    if (!n.grad && n.backward) panel.append(h("p", { class: "ng-note" }, [t("graphview.no_grad")]));
    return;
  }
  const members = item.members;
  const run = item.type === "run" ? item.run ?? null : null;
  // the blocks of a run (a block may be several modules: "(Linear, ReLU)"), as the box says;
  // the "×N more" tail of a partly unfolded run holds only its last N blocks
  const blocks = run ? run.blocks.slice(run.blocks.length - (item.more || run.blocks.length)) : [];
  const path = run ? blocks[0]?.[0] ?? "" : item.path ?? "";
  const mod = graph.modules.get(path);
  const type = run ? run.type ?? mod?.type ?? null : mod?.type ?? null;
  const params = members.reduce((sum, n) => sum + (n.kind === "param" ? n.params || 0 : 0), 0);
  const flags = members.flatMap((n) => n.flags.map((f) => ({ ...f, message: `${n.label}: ${f.message ? String(f.message) : flagHelp(flagKind(f), t)}` })));
  const title = run ? `${type ?? t("graphview.run.block")} ×${blocks.length}` : path;
  panel.append(
    h("header", {}, [h("span", { class: "ng-title" }, [title]), h("span", { class: "ng-kind" }, [t(run ? "graphview.kind.repeated" : "graphview.kind.module")]), close]),
    table([
      field("module", run ? `${path} … ${blocks.at(-1)?.at(-1) ?? path}` : path, t),
      field("type", type, t),
      field("nodes_inside", String(members.length), t),
      field("parameters", formatCount(params || mod?.params || 0), t),
      field("grad_rms", formatNumber(rmsOf(members.map((n) => n.grad))), t),
    ]),
    h("p", { class: "ng-note" }, [t(item.type === "run" ? "graphview.note.run" : "graphview.note.module")]),
  );
  const spread = gradSpread(members, t);
  if (spread) panel.append(spread);
  const list = flagList(flags.slice(0, SHOWN_FLAGS), t);
  if (list) panel.append(list);
  const more = flags.length - SHOWN_FLAGS;
  if (list && more > 0) list.append(h("p", { class: "ng-note" }, [t(`graphview.flags_more.${plural(more)}`, { n: more })]));
}

/** The findings a module's or a run's inspector lists; how many more there are is said. */
const SHOWN_FLAGS = 20;

/** Hide and empty the inspector. */
export function hideInspector(panel) {
  clear(panel);
  panel.hidden = true;
}
