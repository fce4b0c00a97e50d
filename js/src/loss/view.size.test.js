import { afterEach, describe, expect, it } from "vitest";
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
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
  document.body.replaceChildren();
});

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
    el.style.width = "700px"; // one column now
    await frame();
    await frame();
    for (const p of el.querySelectorAll(".ng-loss-panel")) {
      const plot = /** @type {Element} */ (p.querySelector(".uplot"));
      expect(box(p).width).toBe(700);
      expect(box(plot).width).toBe(700);
    }
  });
});
