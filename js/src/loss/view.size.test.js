import { afterEach, describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import { MIN_HEIGHT, SCREEN_MARGIN } from "./layout.js";
import { createLossView } from "./view.js";

const steps = [1, 2, 3, 4];
const curve = (/** @type {number[]} */ value) => ({ step: steps, value });
const SNAPSHOT = {
  kind: "monitor",
  metric: "val_loss",
  runs: {
    "": {
      metrics: {
        loss: curve([1, 0.7, 0.5, 0.4]),
        val_loss: curve([1.1, 0.8, 0.6, 0.65]),
        acc: curve([0.5, 0.6, 0.7, 0.8]),
        val_acc: curve([0.4, 0.5, 0.6, 0.65]),
      },
      events: [],
    },
  },
};

const frame = () => new Promise((r) => requestAnimationFrame(r));
const box = (/** @type {Element} */ e) => e.getBoundingClientRect();

/** @type {ReturnType<typeof createLossView>[]} */
const views = [];
afterEach(async () => {
  for (const v of views.splice(0)) v.destroy();
  document.body.replaceChildren();
  await page.viewport(1200, 800);
});

// demo 07: five compared runs, loss and acc, and the table of their best epochs
const LAB_RUNS = ["1 layer", "hidden 4", "hidden 32", "hidden 256", "3 x 256"];
const LAB = {
  kind: "runs",
  metric: "val_loss",
  runs: Object.fromEntries(LAB_RUNS.map((name) => [name, SNAPSHOT.runs[""]])),
  table: LAB_RUNS.map((run) => ({
    run,
    epochs: 150,
    best_epoch: 73,
    best: { val_loss: 0.09551, val_acc: 0.9667, acc: 0.9889, loss: 0.01657 },
    stop: { detector: "Patience(20)", epoch: 93 },
  })),
};

describe("the loss view's panel sizes", () => {
  it("fits every plot to its cell when the first draw happened detached", async () => {
    // anywidget renders into an element that JupyterLab attaches later: the first draw
    // cannot measure anything and guesses a width
    const el = document.createElement("div");
    el.style.width = "900px";
    const view = createLossView(el);
    views.push(view);
    view.load(SNAPSHOT);
    view.flush();
    document.body.appendChild(el);
    view.flush(); // a redraw with the real width, before the ResizeObserver reports it
    await frame();
    await frame();
    const panels = [...el.querySelectorAll(".ng-loss-panel")];
    expect(panels.map((p) => p.getAttribute("data-panel"))).toEqual(["loss", "acc"]);
    for (const p of panels) {
      const plot = /** @type {Element} */ (p.querySelector(".uplot"));
      expect(box(plot).width).toBeLessThanOrEqual(box(p).width + 1);
      expect(box(plot).width).toBeGreaterThan(box(p).width - 2);
    }
    expect(box(panels[0]).right).toBeLessThanOrEqual(box(panels[1]).left);
  });

  it("follows its host when it gets narrower", async () => {
    const el = document.createElement("div");
    el.style.width = "900px";
    document.body.appendChild(el);
    const view = createLossView(el);
    views.push(view);
    view.load(SNAPSHOT);
    view.flush();
    el.style.width = "1000px";
    await frame();
    await frame();
    el.style.width = "500px"; // one column now
    await frame();
    await frame();
    for (const p of el.querySelectorAll(".ng-loss-panel")) {
      const plot = /** @type {Element} */ (p.querySelector(".uplot"));
      expect(box(p).width).toBe(500);
      expect(box(plot).width).toBe(500);
    }
  });
});

describe("on a 1024x768 classroom screen", () => {
  /** The lab's view in a notebook output as wide as JupyterLab's at 1024 px, file browser open. */
  async function lab(height = 768) {
    await page.viewport(1024, height);
    const el = document.createElement("div");
    el.style.width = "592px";
    document.body.appendChild(el);
    const view = createLossView(el);
    views.push(view);
    view.load(LAB);
    view.flush();
    await frame();
    await frame();
    return el;
  }

  it("shows the whole view of five compared runs, panels side by side", async () => {
    const el = await lab();
    const root = /** @type {Element} */ (el.querySelector(".ng-loss"));
    expect(box(root).height).toBeLessThanOrEqual(768 - SCREEN_MARGIN);
    const panels = [...el.querySelectorAll(".ng-loss-panel")];
    expect(box(panels[0]).top).toBe(box(panels[1]).top);
    for (const p of panels) {
      expect(box(/** @type {Element} */ (p.querySelector(".u-wrap"))).height).toBeGreaterThanOrEqual(MIN_HEIGHT);
    }
    // the table fits its width: no column cut off, no run name broken over two lines
    const table = /** @type {HTMLElement} */ (el.querySelector(".ng-loss-table"));
    expect(table.scrollWidth).toBeLessThanOrEqual(table.clientWidth);
    const cell = /** @type {HTMLElement} */ (table.querySelector("tbody td"));
    expect(box(cell).height).toBeLessThan(24);
  });

  it("keeps the legend lower than a plot", async () => {
    const el = await lab();
    const legend = /** @type {Element} */ (el.querySelector(".ng-loss-legend"));
    expect(box(legend).height).toBeGreaterThan(0);
    expect(box(legend).height).toBeLessThan(box(/** @type {Element} */ (el.querySelector(".u-wrap"))).height / 3);
    expect(el.querySelectorAll(".u-legend").length).toBe(0); // no legend of ten rows per panel
  });

  it("makes the plots lower on a lower screen, and taller again on a taller one", async () => {
    const el = await lab(600);
    const low = box(/** @type {Element} */ (el.querySelector(".u-wrap"))).height;
    await page.viewport(1024, 1200);
    await frame();
    await frame();
    const high = box(/** @type {Element} */ (el.querySelector(".u-wrap"))).height;
    expect(low).toBeLessThan(280);
    expect(low).toBeGreaterThanOrEqual(MIN_HEIGHT);
    expect(high).toBe(280);
  });
});
