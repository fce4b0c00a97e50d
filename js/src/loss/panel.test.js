import { describe, expect, it } from "vitest";
import { PALETTE, seriesStyle } from "./panel.js";
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
