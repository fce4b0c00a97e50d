// The loss view's controls and text: Stop button, log-scale toggle, smoothing slider, the
// progress line and the table of runs. Everything user-provided goes in via textContent.
import { localNumber } from "../lib/decimal.js";
import { detectorText, fmtNum, t } from "./format.js";
import { isValidation } from "./store.js";
import { leftToRight } from "../lib/text.js";

/**
 * @param {{strings: Record<string, string>, log: boolean, smoothing: number,
 *   onStop: () => void, onLog: (on: boolean) => void, onSmoothing: (v: number) => void}} o
 */
export function createToolbar(o) {
  const bar = document.createElement("div");
  bar.className = "ng-loss-bar";

  const stop = document.createElement("button");
  stop.type = "button";
  stop.className = "ng-loss-stop";
  stop.addEventListener("click", () => {
    if (stop.disabled) return;
    stop.disabled = true;
    stop.dataset.state = "stopping";
    stop.textContent = t(strings, "lossview.stopping");
    try {
      o.onStop();
    } catch {
      // the kernel is gone (restarted, shut down): JupyterLab's comm cannot send, and the
      // run it trained has ended with it; no later redraw turns the button on again
      kernelGone = true;
      stop.dataset.state = "idle";
      stop.textContent = t(strings, "lossview.stop");
    }
  });

  const logBox = document.createElement("input");
  logBox.type = "checkbox";
  logBox.className = "ng-loss-log";
  logBox.checked = o.log;
  logBox.addEventListener("change", () => o.onLog(logBox.checked));
  const logLabel = document.createElement("label");
  const logText = document.createElement("span");
  logLabel.append(logBox, logText);

  const slider = document.createElement("input");
  slider.type = "range";
  slider.className = "ng-loss-smoothing";
  slider.min = "0";
  slider.max = "0.99";
  slider.step = "0.01";
  slider.value = String(o.smoothing);
  const sliderValue = document.createElement("output");
  sliderValue.textContent = localNumber(Number(o.smoothing).toFixed(2));
  slider.addEventListener("input", () => {
    sliderValue.textContent = localNumber(Number(slider.value).toFixed(2));
    o.onSmoothing(Number(slider.value));
  });
  const smoothLabel = document.createElement("label");
  const smoothText = document.createElement("span");
  smoothLabel.append(smoothText, slider, sliderValue);

  bar.append(stop, logLabel, smoothLabel);
  let strings = o.strings;
  let kernelGone = false; // a click could not reach the kernel
  /** @type {string|null|undefined} the run training at the last sync */
  let shownRun;

  return {
    el: bar,
    stop,
    /**
     * @param {{strings: Record<string, string>, log: boolean, smoothing: number,
     *   stopped: boolean, canStop: boolean, running: boolean, run?: string|null}} s
     *   `run`: the run training now; a click's "Stopping…" belongs to the run it stopped
     */
    sync(s) {
      if (s.run !== shownRun) {
        shownRun = s.run;
        if (stop.dataset.state === "stopping") stop.dataset.state = "ready"; // a new run began
      }
      strings = s.strings;
      logText.textContent = t(strings, "lossview.log_scale");
      smoothText.textContent = t(strings, "lossview.smoothing");
      stop.title = t(strings, "lossview.stop_hint");
      logBox.checked = s.log;
      if (Number(slider.value) !== s.smoothing) slider.value = String(s.smoothing);
      sliderValue.textContent = localNumber(Number(slider.value).toFixed(2)); // also a new language
      stop.hidden = !s.canStop;
      if (s.stopped) {
        stop.disabled = true;
        stop.dataset.state = "stopped";
        stop.textContent = t(strings, "lossview.stopped");
      } else if (!s.running || kernelGone) {
        stop.disabled = true; // the run has ended: nothing to stop (grey, not red)
        stop.dataset.state = "idle";
        stop.textContent = t(strings, "lossview.stop");
      } else if (stop.dataset.state !== "stopping") {
        stop.disabled = false;
        stop.dataset.state = "ready";
        stop.textContent = t(strings, "lossview.stop");
      }
    },
  };
}

/**
 * The table of runs: best epoch and the metrics there, the winner in bold; runs tied for the
 * best are all bold, and a caption says it is a tie. The caption also holds the lines
 * Runs.table() prints under it (`notes`: why the runs are compared by this metric, which
 * runs are not ranked), as plain text.
 * @param {HTMLTableElement} table
 * @param {{rows: any[], winner: string|null, winners?: string[], notes?: string[]}} data rows
 *   as Runs.rows() gives them; every run in `winners` (runs tied for the best) is bold
 * @param {string} metric the monitored metric (first column after the counts)
 * @param {Record<string, string>} strings
 */
export function fillRunsTable(table, data, metric, strings) {
  table.replaceChildren();
  if (!data.rows.length) {
    table.hidden = true;
    return;
  }
  table.hidden = false;
  const metrics = [metric];
  for (const row of data.rows) {
    const keys = Object.keys(row.best || {}).sort(
      (a, b) => Number(!isValidation(a)) - Number(!isValidation(b)) || a.localeCompare(b),
    );
    for (const k of keys) if (!metrics.includes(k)) metrics.push(k);
  }
  const none = t(strings, "lossview.none");
  const head = table.createTHead().insertRow();
  for (const text of [
    t(strings, "lossview.run"),
    t(strings, "lossview.epochs"),
    t(strings, "lossview.best_epoch", { metric }), // a run's ring may be by its own metric
    ...metrics,
    t(strings, "lossview.stop_column"),
  ]) {
    const th = document.createElement("th");
    th.textContent = leftToRight(text);
    head.appendChild(th);
  }
  const body = table.createTBody();
  const won = data.winners?.length ? data.winners : [data.winner];
  for (const row of data.rows) {
    const tr = body.insertRow();
    if (won.includes(row.run)) tr.className = "ng-win";
    const cells = [
      String(row.run),
      String(row.epochs ?? none),
      row.best_epoch == null ? none : String(row.best_epoch),
      ...metrics.map((m) => (row.best && m in row.best ? fmtNum(Number(row.best[m])) : none)),
      row.stop ? `${detectorText(strings, row.stop.detector)} @ ${row.stop.epoch}` : none,
    ];
    for (const text of cells) tr.insertCell().textContent = leftToRight(text);
  }
  const tied = data.rows.map((row) => String(row.run)).filter((run) => won.includes(run));
  const lines = [...(data.notes ?? [])];
  if (tied.length > 1) {
    const names = t(strings, "lossview.and", { first: tied.slice(0, -1).join(", "), last: tied.at(-1) });
    lines.unshift(t(strings, "lossview.tie", { names, metric }));
  }
  if (!lines.length) return;
  const caption = table.createCaption();
  for (const line of lines) {
    const div = document.createElement("div");
    div.textContent = leftToRight(line);
    caption.appendChild(div);
  }
}
