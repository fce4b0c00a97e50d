import { describe, expect, it } from "vitest";
import { setDecimalSeparator } from "../lib/decimal.js";
import {
  detectorText,
  emptyLines,
  epochRate,
  fmtDuration,
  fmtNum,
  fmtStepTick,
  fmtTick,
  progressText,
  stepIncrements,
  t,
} from "./format.js";

describe("words and numbers", () => {
  it("fill fields and fall back to English", () => {
    expect(t({ "lossview.epoch": "epoka {epoch}" }, "lossview.epoch", { epoch: 3 })).toBe("epoka 3");
    expect(t({}, "lossview.epoch", { epoch: 3 })).toBe("epoch 3");
    expect(t({}, "lossview.best", { epoch: 2 })).toContain("{metric}");
  });

  it("say the Stop button's event in the view's words, a detector by its own text", () => {
    const pl = { "lossview.event": "epoka {epoch} · {detector}\n{message}", "lossview.detector_user": "przycisk Zatrzymaj" };
    expect(t(pl, "lossview.event", { epoch: 6, detector: "user", message: "m" })).toBe("epoka 6 · przycisk Zatrzymaj\nm");
    expect(t(undefined, "lossview.event", { epoch: 6, detector: "user", message: "m" })).toBe("epoch 6 · Stop button\nm");
    expect(detectorText(pl, "Patience(20)")).toBe("Patience(20)");
  });

  it("leave a tick uPlot could not place blank, not 'nan'", () => {
    // a log axis over gradient norms that are all zero gives NaN ticks
    expect([fmtTick(Number.NaN), fmtTick(0.25), fmtTick(2e13)]).toEqual(["", "0.25", "2e13"]);
    // uPlot's unlabelled minor ticks of a log axis
    expect(fmtTick(/** @type {any} */ (null))).toBe("");
  });

  it("write the step axis in the lesson's numbers, not the browser's", () => {
    // sweep s32 (s6): "2,000 ... 20,000" beside Polish y values "1,5" read as 2 and 20
    setDecimalSeparator(",");
    try {
      expect([20000, 2.5, 0.1 + 0.2].map(fmtStepTick)).toEqual(["20000", "2,5", "0,3"]);
      expect(fmtStepTick(/** @type {any} */ (null))).toBe("");
    } finally {
      setDecimalSeparator(".");
    }
    expect(fmtStepTick(12500)).toBe("12500");
  });

  it("format numbers and durations", () => {
    expect(fmtNum(0.123456)).toBe("0.1235");
    expect(fmtNum(1e-6)).toBe("1.00e-6");
    expect(fmtNum(NaN)).toBe("nan");
    expect(fmtDuration(75)).toBe("1:15");
    expect(fmtDuration(3725)).toBe("1:02:05");
  });

  it("compute the rate and the ETA from progress reports", () => {
    const history = [
      { epoch: 2, step: 2, time: 10, total: 12 },
      { epoch: 6, step: 6, time: 12, total: 12 },
    ];
    expect(epochRate(history)).toBe(2);
    expect(progressText(history)).toBe("epoch 6/12 · step 6 · 2 epochs/s · ETA 0:03");
    expect(progressText([{ epoch: 1, step: 1, time: 0 }, { epoch: 2, step: 2, time: 4 }])).toBe(
      "epoch 2 · step 2 · 4 s/epoch",
    );
    expect(progressText([])).toMatch(/waiting/);
  });

  it("count the epochs done out of the total, for a run numbered from 0 too", () => {
    const history = [
      { epoch: 7, done: 8, step: 7, time: 10, total: 10 },
      { epoch: 9, done: 10, step: 9, time: 11, total: 10 },
    ];
    expect(progressText(history)).toBe("epoch 10/10 · step 9 · 2 epochs/s");
    expect(progressText([{ ...history[0], total: null }])).toBe("epoch 7 · step 7");
  });

  it("say what an empty view waits for, or that a gradient view's steps found no gradient", () => {
    expect(emptyLines("monitor", [], {})).toEqual(["waiting for the first mon.log(...)"]);
    expect(emptyLines("gradients", [{ events: [] }], {})).toEqual([
      "waiting for the first gradients (watch.step() or optimizer.step())",
    ]);
    const none = { step: 3, epoch: 3, unit: "step", detector: "GradientWatch", kind: "gradient", message_id: "grad.step_none", message: "m", stop: false };
    const lines = emptyLines("gradients", [{ events: [none] }], {});
    expect(lines[0]).toMatch(/^optimizer\.step\(\) ran, but no parameter had a gradient at step time/);
    expect(lines.slice(1)).toEqual(["step 3 · GradientWatch\nm"]);
    // sweep s41 (teach, finding 1): no backward at all is not a misplaced zero_grad()
    const unreached = { ...none, message_id: "grad.step_unreached" };
    const [head] = emptyLines("gradients", [{ events: [unreached] }], {});
    expect(head).toMatch(/no loss\.backward\(\) had reached the parameters/);
    expect(head).not.toMatch(/zero_grad\(\) called between/);
    // another event (eval mode) with no norms: still waiting, the event said below
    const other = { ...none, message_id: "grad.eval_mode", unit: undefined, epoch: 2 };
    expect(emptyLines("gradients", [{ events: [other] }], {})).toEqual([
      "waiting for the first gradients (watch.step() or optimizer.step())",
      "epoch 2 · GradientWatch\nm",
    ]);
  });
});

describe("the step axis", () => {
  it("puts ticks at whole steps only where every step logged is whole", () => {
    // sweep s34 K: 10 epochs got ticks at 1, 1.5, 2, ... and 43 epochs at 2.5, 7.5, ...
    const whole = stepIncrements([1, 2, 3, null, 10]);
    expect(whole.every((incr) => Number.isInteger(incr))).toBe(true);
    expect(whole.slice(0, 4)).toEqual([1, 2, 5, 10]);
    const half = stepIncrements([1, 1.5, 2]); // a validation half-way through an epoch
    expect(half).toContain(0.5);
    expect(half).toContain(2.5);
    // zoomed into less than two steps: fractions again, or the axis had one tick or none
    expect(stepIncrements([1, 2, 3, 4, 5], 4.2, 4.8)).toContain(0.2);
    expect(stepIncrements([1, 2, 3], 1, 3)).not.toContain(0.5);
    expect(Math.max(...stepIncrements([1e12, 2e13]))).toBeGreaterThanOrEqual(5e15); // tokens seen
  });
});
