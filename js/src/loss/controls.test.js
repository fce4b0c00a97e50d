import { describe, expect, it } from "vitest";
import { createToolbar, fillRunsTable } from "./controls.js";

/** The header cells of the runs table for rows whose best metrics have these names. */
function columns(/** @type {string[]} */ names, metric = "val_loss") {
  const table = document.createElement("table");
  const best = Object.fromEntries(names.map((n) => [n, 0.5]));
  fillRunsTable(table, { rows: [{ run: "a", epochs: 3, best_epoch: 2, best }], winner: "a" }, metric, {});
  const head = [...table.tHead.rows[0].cells].map((c) => c.textContent);
  return head.slice(3, -1); // after run, epochs, best epoch; before the stop column
}

describe("fillRunsTable", () => {
  it("makes every run tied for the best bold, not only the first", () => {
    const table = document.createElement("table");
    const rows = ["SGD", "Adam", "big lr"].map((run) => ({ run, epochs: 9, best_epoch: 4, best: { val_acc: 0.8 } }));
    rows[2].best = { val_acc: 0.5 };
    fillRunsTable(table, { rows, winner: "SGD", winners: ["SGD", "Adam"] }, "val_acc", {});
    const bold = [...table.tBodies[0].rows].filter((tr) => tr.className === "ng-win");
    expect(bold.map((tr) => tr.cells[0].textContent)).toEqual(["SGD", "Adam"]);
    expect(table.caption?.textContent).toBe("a tie: SGD and Adam reach the same best val_acc");
  });

  it("shows the lines Runs.table() prints under it, as text, after a tie", () => {
    const table = document.createElement("table");
    const rows = ["a", "b"].map((run) => ({ run, epochs: 5, best_epoch: 3, best: { val_acc: 0.9 } }));
    const notes = [
      "compared by val_acc: no run logged val_loss, the metric their monitors watch",
      "not ranked (no val_acc logged): <b>c</b>",
    ];
    fillRunsTable(table, { rows, winner: "a", winners: ["a", "b"], notes }, "val_acc", {});
    const lines = [...(table.caption?.children ?? [])].map((div) => div.textContent);
    expect(lines).toEqual(["a tie: a and b reach the same best val_acc", ...notes]);
    expect(table.caption?.querySelector("b")).toBeNull(); // a run's name is never HTML
    fillRunsTable(table, { rows, winner: "a", notes: [] }, "val_acc", {});
    expect(table.caption).toBeNull();
  });

  it("says which metric the best epoch is chosen by, not only the run's own", () => {
    // compare(a, b): a watches val_acc, b val_loss; b's ring is by val_loss, its row by val_acc
    const table = document.createElement("table");
    const rows = [{ run: "b", epochs: 20, best_epoch: 15, best: { val_acc: 0.9, val_loss: 0.4 } }];
    fillRunsTable(table, { rows, winner: "b" }, "val_acc", {});
    expect(table.tHead?.rows[0].cells[2].textContent).toBe("best epoch by val_acc");
    fillRunsTable(table, { rows, winner: "b" }, "val_acc", { "lossview.best_epoch": "najlepsza epoka według {metric}" });
    expect(table.tHead?.rows[0].cells[2].textContent).toBe("najlepsza epoka według val_acc");
  });

  it("lists val_ metrics first, then the others, each alphabetically (unchanged)", () => {
    expect(columns(["loss", "val_acc", "acc", "val_loss"])).toEqual(["val_loss", "val_acc", "acc", "loss"]);
  });

  it("lists metrics with any validation prefix before training ones", () => {
    expect(columns(["train_loss", "valid_loss", "acc", "val/acc"], "valid_loss")).toEqual([
      "valid_loss",
      "val/acc",
      "acc",
      "train_loss",
    ]);
  });
});

describe("the Stop button", () => {
  it("is ready again when the next run of a Runs begins, even before the stop came back", () => {
    // sweep s32 (s14): run 2's stop and run 3's first points in one frame left "Stopping…"
    const bar = createToolbar({ strings: {}, log: false, smoothing: 0, onStop: () => {}, onLog: () => {}, onSmoothing: () => {} });
    const state = { strings: {}, log: false, smoothing: 0, stopped: false, canStop: true, running: true };
    bar.sync({ ...state, run: "lr=0.01" });
    bar.stop.click();
    bar.sync({ ...state, run: "lr=0.01" });
    expect([bar.stop.textContent, bar.stop.disabled]).toEqual(["Stopping…", true]);
    bar.sync({ ...state, run: "lr=0.001" });
    expect([bar.stop.textContent, bar.stop.disabled]).toEqual(["Stop", false]);
  });

  it("greys the button out when the click cannot reach the kernel (restarted mid-run)", () => {
    const onStop = () => {
      throw new Error("Cannot send"); // JupyterLab's comm once its kernel is gone
    };
    const bar = createToolbar({ strings: {}, log: false, smoothing: 0, onStop, onLog: () => {}, onSmoothing: () => {} });
    bar.sync({ strings: {}, log: false, smoothing: 0, stopped: false, canStop: true, running: true });
    expect(() => bar.stop.click()).not.toThrow();
    expect([bar.stop.textContent, bar.stop.disabled, bar.stop.dataset.state]).toEqual(["Stop", true, "idle"]);
    // a redraw (log scale toggled) while `running` is still true: it stays greyed out
    bar.sync({ strings: {}, log: true, smoothing: 0, stopped: false, canStop: true, running: true });
    expect([bar.stop.disabled, bar.stop.dataset.state]).toEqual([true, "idle"]);
  });
});
