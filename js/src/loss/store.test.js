import { describe, expect, it } from "vitest";
import {
  Store,
  TRAIN_PREFIXES,
  VAL_PREFIXES,
  isValidation,
  panelKey,
  trainingBase,
  validationBase,
} from "./store.js";

/** A store with one run that logged `names` (two points each), in that order. */
function storeWith(/** @type {string[]} */ names, kind = "monitor", metric = "val_loss") {
  const store = new Store();
  store.load({
    kind,
    metric,
    runs: {
      "": { metrics: Object.fromEntries(names.map((n) => [n, { step: [1, 2], value: [1, 0.5] }])) },
    },
  });
  return store;
}

describe("metric names (the rule of nngraph/monitor/_names.py)", () => {
  it("has the prefixes of _names.py", () => {
    expect([...VAL_PREFIXES]).toEqual(["val_", "val/", "valid_", "valid/", "validation_", "validation/"]);
    expect([...TRAIN_PREFIXES]).toEqual(["train_", "train/", "training_", "training/"]);
  });

  it("strips one validation or training prefix", () => {
    expect(validationBase("val_loss")).toBe("loss");
    expect(validationBase("valid_acc")).toBe("acc");
    expect(validationBase("val/loss")).toBe("loss");
    expect(validationBase("validation/loss")).toBe("loss");
    expect(validationBase("train_loss")).toBeNull();
    expect(validationBase("val_")).toBeNull();
    expect(trainingBase("train/loss")).toBe("loss");
    expect(trainingBase("training_loss")).toBe("loss");
    expect(trainingBase("loss")).toBeNull();
  });

  it("strips one validation or training suffix, in any case (TensorBoard's Loss/val)", () => {
    expect(validationBase("loss_val")).toBe("loss");
    expect(validationBase("Loss/val")).toBe("Loss");
    expect(validationBase("acc_VALID")).toBe("acc");
    expect(validationBase("_val")).toBeNull();
    expect(validationBase("q_val")).toBeNull(); // a value, not a validation
    expect(trainingBase("x_train")).toBeNull();
    expect(trainingBase("Loss/train")).toBe("Loss");
    expect(trainingBase("loss_training")).toBe("loss");
    for (const [train, val] of [["loss_train", "loss_val"], ["Loss/train", "Loss/val"]]) {
      expect(panelKey(train)).toBe(panelKey(val));
      expect(isValidation(val)).toBe(true);
      expect(isValidation(train)).toBe(false);
    }
  });

  it("knows a validation metric by any validation prefix", () => {
    for (const m of ["val_loss", "valid_loss", "val/acc", "validation_loss", "validation/f1"]) {
      expect(isValidation(m)).toBe(true);
    }
    // held out under another prefix, as nngraph/monitor/_names.py's is_validation reads them
    for (const m of ["eval_loss", "dev_loss", "Val_Loss", "val-loss"]) {
      expect(isValidation(m)).toBe(true);
    }
    for (const m of ["loss", "train_loss", "interval", "val_", "value", "evalloss", "test_loss"]) {
      expect(isValidation(m)).toBe(false);
    }
  });

  it("puts a metric in the panel of its base name", () => {
    for (const m of ["loss", "val_loss", "valid_loss", "val/loss", "validation_loss", "train_loss", "train/loss", "training/loss"]) {
      expect(panelKey(m)).toBe("loss");
    }
    expect(panelKey("val_acc")).toBe("acc");
    expect(panelKey("eval_loss")).toBe("loss"); // HuggingFace's, drawn over `loss`
    expect(panelKey("test_loss")).toBe("test_loss"); // logged after training: a panel of its own
    expect(panelKey("acc")).toBe("acc");
    expect(panelKey("val_")).toBe("val_");
    expect(panelKey("lr")).toBe("lr");
  });
});

describe("Store.panels", () => {
  it("keeps val_loss with loss, training first", () => {
    const store = storeWith(["val_loss", "loss", "val_acc", "acc"]);
    const panels = store.panels();
    expect(panels.map((p) => p.key)).toEqual(["loss", "acc"]);
    expect(panels[0].series.map((s) => s.metric)).toEqual(["loss", "val_loss"]);
    expect(panels[1].series.map((s) => s.metric)).toEqual(["acc", "val_acc"]);
    expect(store.primaryPanel()).toBe("loss");
  });

  it("joins valid_ and val/ metrics with their training twins", () => {
    const store = storeWith(["valid_loss", "train_loss", "val/acc", "train/acc", "lr"], "monitor", "valid_loss");
    const panels = store.panels();
    expect(panels.map((p) => p.key)).toEqual(["loss", "acc", "lr"]);
    expect(panels[0].series.map((s) => s.metric)).toEqual(["train_loss", "valid_loss"]);
    expect(panels[1].series.map((s) => s.metric)).toEqual(["train/acc", "val/acc"]);
    expect(store.primaryPanel()).toBe("loss");
  });

  it("keeps one panel for a gradient view", () => {
    const store = storeWith(["val_x", "x"], "gradients");
    expect(store.panels().map((p) => p.key)).toEqual(["gradients"]);
  });
});

describe("a stopped run", () => {
  it("is one the Stop button stopped, not one a detector advised to stop", () => {
    const load = (/** @type {Record<string, unknown>} */ run) => {
      const store = new Store();
      store.load({ kind: "monitor", metric: "val_loss", runs: { "": { metrics: {}, ...run } } });
      return store.stopped;
    };
    expect(load({ should_stop: true, stop_requested: false })).toBe(false);
    expect(load({ should_stop: true, stop_requested: true })).toBe(true);
    expect(load({ should_stop: true })).toBe(true); // a snapshot saved before stop_requested
  });

  it("is the run training now: a Runs's next run can be stopped again", () => {
    // sweep s32 (s14): Stop clicked in run 2 left the button "Stopped" through run 3
    const store = new Store();
    store.load({ kind: "runs", metric: "val_loss", runs: { a: { metrics: {} } } });
    const points = [new Float64Array([1]), new Float64Array([0.5])];
    store.addBatch({ run: "b", metrics: ["loss"], stopped: true }, points);
    expect(store.stopped).toBe(true);
    store.addBatch({ run: "c", metrics: ["loss"] }, points);
    expect(store.stopped).toBe(false);
    store.load({ kind: "runs", metric: "val_loss", runs: { b: { stop_requested: true }, c: {} } });
    expect(store.stopped).toBe(false); // the newest run is c
  });
});
