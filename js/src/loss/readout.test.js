import { afterEach, describe, expect, it } from "vitest";
import { setDecimalSeparator } from "../lib/decimal.js";
import { createReadout, curveLabel, valueText } from "./readout.js";
import { createLossView } from "./view.js";

/** @type {ReturnType<typeof createLossView>[]} */
const views = [];
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
  document.body.replaceChildren();
  setDecimalSeparator(".");
});

const frame = () => new Promise((r) => requestAnimationFrame(r));

/** A loss view on the page, loaded with `snap`, drawn. @param {any} snap @param {{log?: boolean, smoothing?: number}} [opts] */
async function mount(snap, opts = {}) {
  const el = document.createElement("div");
  el.style.width = "900px";
  document.body.appendChild(el);
  const view = createLossView(el, opts);
  views.push(view);
  view.load(snap);
  view.flush();
  await frame(); // uPlot sets its scales once on the page
  return { el, view };
}

/** Hover panel `key` at `step`; the plot. @param {ReturnType<typeof createLossView>} view @param {string} key @param {number} step */
function hover(view, key, step) {
  const plot = /** @type {any} */ (view.panels.get(key)?.plot);
  plot.setCursor({ left: plot.valToPos(step, "x"), top: 20 });
  return plot;
}

/** What the legend of panel `key` says: {label: value} of its shown rows. @param {ReturnType<typeof createLossView>} view @param {string} key */
function legend(view, key) {
  const rows = [...(view.panels.get(key)?.box.querySelectorAll(".u-legend .u-series") ?? [])];
  return Object.fromEntries(
    rows
      .filter((row) => /** @type {HTMLElement} */ (row).style.display !== "none")
      .map((row) => [row.querySelector(".u-label")?.textContent, row.querySelector(".u-value")?.textContent]),
  );
}

const STEPS = Array.from({ length: 20 }, (_, i) => i + 1);
const LOSS = STEPS.map((s) => 2 / s + (s % 2 ? 0.05 : 0));
const VAL = STEPS.map((s) => 0.6 + (s - 10) ** 2 / 100 + (s % 3 === 2 ? 0.08 : 0));

function monitor(loss = LOSS, val = VAL) {
  return {
    kind: "monitor",
    metric: "val_loss",
    runs: {
      "": {
        metrics: { loss: { step: STEPS, value: loss }, val_loss: { step: STEPS, value: val } },
        best: { step: 10, epoch: 10, metric: "val_loss", value: 0.6 },
      },
    },
  };
}

describe("valueText", () => {
  it("says the value as logged, and the smoothed one after it, named so", () => {
    expect(valueText(0.1853, 0.38, { smoothing: 0.9, log: false })).toBe("0.1853 (smoothed 0.38)");
    expect(valueText(0.1853, 0.1853, { smoothing: 0, log: false })).toBe("0.1853");
    expect(valueText(undefined, null, { smoothing: 0, log: false })).toBe("–");
  });

  it("says nan, inf and 0, which no line shows, in the view's words and decimal mark", () => {
    expect(valueText(NaN, null, { smoothing: 0.5, log: false })).toBe("nan");
    expect(valueText(Infinity, null, { smoothing: 0, log: false })).toBe("inf");
    expect(valueText(-Infinity, null, { smoothing: 0, log: true })).toBe("-inf");
    expect(valueText(0, null, { smoothing: 0, log: true })).toBe("0 (not shown on a log scale)");
    setDecimalSeparator(",");
    const pl = { "lossview.smoothed_value": "{value} (po wygładzeniu {smoothed})" };
    expect(valueText(0.25, 0.5, { smoothing: 0.6, log: false, strings: pl })).toBe("0,25 (po wygładzeniu 0,5)");
  });

  it("names a curve with no value above 0 on a log scale only", () => {
    expect(curveLabel("fc1", { log: true }, false)).toBe("fc1 (no value above 0: not shown on a log scale)");
    expect(curveLabel("fc1", { log: true }, true)).toBe("fc1");
    expect(curveLabel("fc1", { log: false }, false)).toBe("fc1");
  });
});

describe("the hover readout with smoothing on", () => {
  it("says the logged value, and the smoothed one as smoothed", async () => {
    // Sweep s45 browser, finding 2: at epoch 10 with smoothing 0.9 the legend read
    // `loss: 0.38`, the smoothed value, under the metric's name; 0.1853 was logged
    const { view } = await mount(monitor(), { smoothing: 0.9 });
    hover(view, "loss", 10);
    const words = legend(view, "loss");
    expect(words.loss).toMatch(/^0\.2 \(smoothed 0\.\d+\)$/);
    expect(words.val_loss).toMatch(/^0\.6 \(smoothed /);
    expect(Object.keys(words)).toEqual(["step", "loss", "val_loss"]); // no row for the faint curves
  });

  it("draws each curve as logged too, faintly behind, and the best ring sits on it", async () => {
    const { view } = await mount(monitor(), { smoothing: 0.9 });
    const plot = /** @type {any} */ (view.panels.get("loss")?.plot);
    expect(plot.series.length).toBe(5); // step, loss and val_loss as logged, then smoothed
    expect(plot.data[2]).toEqual(VAL);
    expect(plot.series[2].show).toBe(true);
    expect(plot.series[2].stroke(plot, 2)).toMatch(/^#[0-9a-f]{6}66$/i);
    // the ring is at (10, 0.6): a point of a curve drawn
    const at = plot.data[0].indexOf(10);
    const drawn = plot.series.some((/** @type {any} */ s, /** @type {number} */ i) => i > 0 && s.show && plot.data[i][at] === 0.6);
    expect(drawn).toBe(true);
  });

  it("hides and shows a curve as logged with its smoothed one", async () => {
    const { view } = await mount(monitor(), { smoothing: 0.9 });
    const box = /** @type {HTMLElement} */ (view.panels.get("loss")?.box);
    const rows = box.querySelectorAll(".u-legend .u-series");
    /** @type {HTMLElement} */ (rows[4].querySelector("th")).click(); // val_loss, smoothed
    const plot = /** @type {any} */ (view.panels.get("loss")?.plot);
    expect([plot.series[2].show, plot.series[4].show]).toEqual([false, false]);
    expect([plot.series[1].show, plot.series[3].show]).toEqual([true, true]);
  });
});

describe("the hover readout of NaN, inf and 0", () => {
  it("says nan and inf at such an epoch, not the '–' of nothing logged", async () => {
    // Sweep s45 browser, finding 3: `loss: –` at the epoch whose loss became nan
    const loss = LOSS.slice();
    const val = VAL.slice();
    loss[3] = NaN;
    val[3] = NaN;
    val[6] = Infinity;
    const { view } = await mount(monitor(loss, val));
    hover(view, "loss", 4);
    expect(legend(view, "loss")).toMatchObject({ loss: "nan", val_loss: "nan" });
    hover(view, "loss", 7);
    expect(legend(view, "loss").val_loss).toBe("inf");
    // on a log scale too, from a snapshot (Python writes "nan" and "inf")
    const json = (/** @type {number[]} */ ys) => /** @type {any} */ (ys.map((v) => (Number.isFinite(v) ? v : Number.isNaN(v) ? "nan" : "inf")));
    const snap = monitor(json(loss), json(val));
    const { view: log } = await mount(snap, { log: true });
    hover(log, "loss", 4);
    expect(legend(log, "loss")).toMatchObject({ loss: "nan", val_loss: "nan" });
    hover(log, "loss", 7);
    expect(legend(log, "loss").val_loss).toBe("inf");
  });

  it("names a layer whose gradient is exactly 0 on a log scale, and says 0 on hover", async () => {
    // Sweep s45 browser, finding 3: a dead layer had no line and read `0: –`
    const steps = [1, 2, 3, 4];
    const snap = {
      kind: "gradients",
      runs: { "": { metrics: { "0": { step: steps, value: [0.5, 0.4, 0.3, 0.2] }, "2": { step: steps, value: [0, 0, 0, 0] } } } },
    };
    const { view } = await mount(snap, { log: true });
    hover(view, "gradients", 2);
    expect(legend(view, "gradients")).toEqual({
      step: "2",
      "0": "0.4",
      "2 (no value above 0: not shown on a log scale)": "0 (not shown on a log scale)",
    });
    view.setOptions({ log: false });
    view.flush();
    await frame();
    hover(view, "gradients", 2);
    expect(legend(view, "gradients")).toEqual({ step: "2", "0": "0.4", "2": "0" });
  });
});

describe("the hover readout of compared runs", () => {
  /** @param {number} n @param {number} [length] */
  const run = (n, length = 10) => {
    const steps = Array.from({ length }, (_, i) => i + 1);
    return {
      metrics: {
        loss: { step: steps, value: steps.map((s) => n + 1 / s) },
        val_loss: { step: steps, value: steps.map((s) => n + 2 / s) },
      },
    };
  };
  const runs = () => ({ kind: "runs", runs: { a: run(0), b: run(1), c: run(2, 5) } });

  it("says each shown run's values at the hovered step, in its colour", async () => {
    // Sweep s45 browser, finding 5: the crosshair moved, no value of any run was shown
    const { view } = await mount(runs());
    hover(view, "loss", 4);
    const box = /** @type {HTMLElement} */ (view.panels.get("loss")?.box.querySelector(".ng-loss-readout"));
    expect(box.hidden).toBe(false);
    const lines = [...box.children].map((line) => line.textContent);
    expect(lines).toEqual(["step 4", "a loss: 0.25", "a val_loss: 0.5", "b loss: 1.25", "b val_loss: 1.5", "c loss: 2.25", "c val_loss: 2.5"]);
    hover(view, "loss", 8); // c stopped at step 5: not said
    expect([...box.children].map((line) => line.textContent)).toEqual([
      "step 8", "a loss: 0.125", "a val_loss: 0.25", "b loss: 1.125", "b val_loss: 1.25",
    ]);
  });

  it("leaves out a run hidden in the legend, and goes when the cursor leaves", async () => {
    const { el, view } = await mount(runs());
    /** @type {HTMLElement} */ (el.querySelector('.ng-loss-key[data-run="b"]')).click();
    view.flush();
    await frame();
    const plot = hover(view, "loss", 4);
    const box = /** @type {HTMLElement} */ (view.panels.get("loss")?.box.querySelector(".ng-loss-readout"));
    expect([...box.children].map((line) => line.textContent).join("|")).not.toContain("b ");
    plot.setCursor({ left: -10, top: -10 });
    expect(box.hidden).toBe(true);
  });
});

describe("the hover box of compared runs", () => {
  it("stays within the plot's width, on either side of the cursor", () => {
    // regression review s45 (js, 3): near the right edge it ran past the output area
    const layer = document.createElement("div");
    layer.style.cssText = "position:relative;width:500px;height:200px";
    document.body.appendChild(layer);
    const box = createReadout(layer);
    const rows = [{ label: "a run with a long name: val_loss", color: "#000", text: "0.1234 (smoothed 0.2345)" }];
    for (const left of [5, 250, 495]) {
      box.show(3, rows, { left, top: 10 }, {});
      const r = box.el.getBoundingClientRect();
      const l = layer.getBoundingClientRect();
      expect(r.left, `cursor at ${left}`).toBeGreaterThanOrEqual(l.left);
      expect(r.right, `cursor at ${left}`).toBeLessThanOrEqual(l.right + 0.5);
    }
    layer.remove();
  });
});
