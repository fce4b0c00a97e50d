import { describe, expect, it } from "vitest";
import { fmtTick } from "./format.js";
import { PALETTE, panelData, seriesStyle } from "./panel.js";
import { createLossView } from "./view.js";
import { Store } from "./store.js";

function store(kind = "monitor") {
  const s = new Store();
  s.load({
    kind,
    runs: {
      a: { metrics: { loss: { step: [1], value: [1] } } },
      b: { metrics: { loss: { step: [1], value: [1] } } },
    },
  });
  return s;
}

describe("seriesStyle", () => {
  it("styles val_loss as validation and loss as training (unchanged)", () => {
    const s = store();
    const train = seriesStyle(s, { run: "a", metric: "loss" }, {});
    const val = seriesStyle(s, { run: "a", metric: "val_loss" }, {});
    expect(train.stroke).toBe(PALETTE[0]);
    expect(val.stroke).toBe(PALETTE[1]);
  });

  it("styles every validation prefix as validation, training prefixes as training", () => {
    const s = store();
    for (const metric of ["valid_loss", "val/loss", "validation_loss", "validation/acc"]) {
      expect(seriesStyle(s, { run: "a", metric }, {}).stroke).toBe(PALETTE[1]);
    }
    for (const metric of ["train_loss", "train/loss", "training_loss"]) {
      expect(seriesStyle(s, { run: "a", metric }, {}).stroke).toBe(PALETTE[0]);
    }
  });

  it("dashes training curves and not validation ones when runs are compared", () => {
    const s = store("runs");
    for (const metric of ["val_loss", "valid_loss", "val/loss"]) {
      expect(seriesStyle(s, { run: "b", metric }, {}).dash).toBeUndefined();
    }
    for (const metric of ["loss", "train_loss", "train/loss"]) {
      expect(seriesStyle(s, { run: "b", metric }, {}).dash).toEqual([5, 4]);
    }
    expect(seriesStyle(s, { run: "b", metric: "valid_loss" }, {}).stroke).toBe(PALETTE[1]);
  });
});

/** Mount a loss view with one metric of these values; @param {number[]} values @param {boolean} log */
function draw(values, log) {
  const el = document.createElement("div");
  el.style.width = "600px";
  document.body.appendChild(el);
  const view = createLossView(el, { log });
  view.load({ kind: "monitor", runs: { "": { metrics: { loss: { step: values.map((_, i) => i + 1), value: values } } } } });
  view.flush();
  return view;
}

describe("the y axis", () => {
  it("is wide enough for its tick labels, from 1e-8 to 1e13 and below zero", async () => {
    const ctx = /** @type {CanvasRenderingContext2D} */ (document.createElement("canvas").getContext("2d"));
    const cases = [
      { values: [2e13, 1e13, 5e12, 2.5e12, 1e12], log: false },
      { values: [2e13, 1e13, 5e12, 2.5e12, 1e12], log: true },
      { values: [3e-8, 2e-8, 1.5e-8, 1.2e-8, 1e-8], log: false },
      { values: [1e-2, 1e-4, 1e-6, 1e-8], log: true },
      { values: [-0.001234, -0.002468, -0.0037, -0.0049], log: false },
      { values: [123456.7, 123457.9, 123459.1], log: false },
    ];
    for (const { values, log } of cases) {
      const view = draw(values, log);
      await new Promise((r) => requestAnimationFrame(r)); // uPlot draws its axes in a microtask
      const axis = /** @type {any} */ (view.panels.get("loss")?.plot)?.axes[1];
      ctx.font = axis.font[0];
      const labels = axis._values.filter(Boolean);
      expect(labels.length).toBeGreaterThan(1);
      const widest = Math.max(...labels.map((/** @type {string} */ s) => ctx.measureText(s).width));
      const room = axis._size - axis.ticks.size - axis.gap;
      expect(widest, `${labels.join(" ")} in ${room} px`).toBeLessThanOrEqual(room);
      view.destroy();
    }
  });

  it("stays linear, and says why, for a metric with no value above 0 under log scale", async () => {
    // a log axis cannot show any of them: the panel went blank, without a curve or a tick
    const view = draw([-0.5, -0.3, -0.2, 0], true);
    await new Promise((r) => requestAnimationFrame(r));
    const panel = view.panels.get("loss");
    const plot = /** @type {any} */ (panel?.plot);
    expect(plot.scales.y.distr).toBe(1);
    expect(plot.axes[1]._values.filter(Boolean).length).toBeGreaterThan(1);
    expect(view.root.querySelector(".ng-loss-title")?.textContent).toBe("loss (linear scale: no value above 0)");
    view.destroy();
    const positive = draw([0.5, 0.3, -0.2], true); // one above 0: log, as asked
    await new Promise((r) => requestAnimationFrame(r));
    expect(/** @type {any} */ (positive.panels.get("loss")?.plot).scales.y.distr).toBe(3);
    expect(positive.root.querySelector(".ng-loss-title")?.textContent).toBe("loss");
    positive.destroy();
  });

  it("writes huge and tiny ticks short", () => {
    expect(fmtTick(2e13)).toBe("2e13");
    expect(fmtTick(1.5e13)).toBe("1.5e13");
    expect(fmtTick(1e-8)).toBe("1e-8");
    expect(fmtTick(-2.5e-6)).toBe("-2.5e-6");
    expect(fmtTick(0.25)).toBe("0.25");
    expect(fmtTick(0)).toBe("0");
  });
});

describe("NaN, inf and values a log axis cannot show", () => {
  it("break the line instead of drawing it straight through", async () => {
    for (const [values, log] of /** @type {[number[], boolean][]} */ ([
      [[1, 0.8, NaN, 0.5, 0.4, Infinity, 0.3], false],
      [[1, 0.8, 0, 0.5, 0.4, -1, 0.3], true],
    ])) {
      const view = draw(values, log);
      await new Promise((r) => requestAnimationFrame(r));
      const series = /** @type {any} */ (view.panels.get("loss")?.plot)?.series[1];
      expect(series.spanGaps).toBe(false);
      expect(series._paths.gaps.length, `log=${log}`).toBe(2);
      view.destroy();
    }
  });

  it("leave a value between two of them as a dot, since no line reaches it", async () => {
    const view = draw([0, -0.5, NaN, 1e-8, Infinity, 0, -0.5, NaN, 1e-8, Infinity], true);
    await new Promise((r) => requestAnimationFrame(r));
    const plot = /** @type {any} */ (view.panels.get("loss")?.plot);
    expect(plot.series[1].points.filter(plot, 1, false, null)).toEqual([3, 8]);
    view.destroy();
  });
});

describe("panelData", () => {
  it("reaches the events before the first and after the last point, with no value there", () => {
    const s = new Store();
    const event = (/** @type {number} */ step) => ({ step, epoch: step, detector: "d", kind: "k", message: "m", stop: false });
    s.load({ kind: "gradients", runs: { "": { metrics: { w: { step: [2, 3], value: [1, 0.5] } }, events: [event(0), event(3), event(7)] } } });
    const [panel] = s.panels();
    expect(panelData(s, panel, { log: false, smoothing: 0 })).toEqual([
      [0, 2, 3, 7],
      [undefined, 1, 0.5, undefined],
    ]);
  });

  it("leaves the data alone when every event is within the curves", () => {
    const s = new Store();
    s.load({ runs: { "": { metrics: { loss: { step: [1, 2], value: [1, 0.5] } }, events: [{ step: 2, epoch: 2 }] } } });
    expect(panelData(s, s.panels()[0], { log: false, smoothing: 0 })).toEqual([[1, 2], [1, 0.5]]);
  });
});

describe("a curve hidden in a Monitor's legend", () => {
  it("stays hidden when the view is drawn anew: log scale, smoothing, another language, new points", async () => {
    // Sweep s45 browser, finding 4: val_loss hidden, log scale on: val_loss shown again
    const el = document.createElement("div");
    el.style.width = "600px";
    document.body.appendChild(el);
    const view = createLossView(el);
    const steps = [1, 2, 3, 4];
    view.load({ kind: "monitor", runs: { "": { metrics: { loss: { step: steps, value: [1, 0.8, 0.6, 0.5] }, val_loss: { step: steps, value: [1.1, 0.9, 0.8, 0.85] } } } } });
    view.flush();
    await new Promise((r) => requestAnimationFrame(r));
    const shown = () => {
      const plot = /** @type {any} */ (view.panels.get("loss")?.plot);
      return plot.series.slice(1).map((/** @type {any} */ s) => `${s.label}:${s.show}`);
    };
    const rows = () => /** @type {HTMLElement} */ (view.panels.get("loss")?.box).querySelectorAll(".u-legend .u-series th");
    /** @type {HTMLElement} */ (rows()[2]).click();
    expect(shown()).toEqual(["loss:true", "val_loss:false"]);
    const redraws = [
      () => view.setOptions({ log: true }),
      () => view.setOptions({ strings: { "lossview.axis_step": "krok" } }),
      () => view.addBatch({ run: "", metrics: ["loss", "val_loss"] }, [new Float64Array([5]), new Float64Array([0.4]), new Float64Array([5]), new Float64Array([0.9])]),
      () => view.setOptions({ smoothing: 0.6 }),
    ];
    for (const redraw of redraws) {
      redraw();
      view.flush();
      expect(shown().filter((s) => s.startsWith("val_loss"))).not.toContain("val_loss:true");
    }
    /** @type {HTMLElement} */ (rows()[4]).click(); // shown again, the faint curve with it
    expect(shown()).toEqual(["loss:true", "val_loss:true", "loss:true", "val_loss:true"]);
    view.setOptions({ smoothing: 0 });
    view.flush();
    expect(shown()).toEqual(["loss:true", "val_loss:true"]);
    view.destroy();
  });
});
