import { afterEach, describe, expect, it } from "vitest";
import { tinyGraph } from "../testing/fixtures.js";
import { createGraphView } from "./view.js";

afterEach(() => document.body.replaceChildren());

describe("the graph view in a narrow output area", () => {
  it("is no wider than the output area, its inspector's close button inside it", async () => {
    // Sweep s45 browser, finding 7: at a 420 px window the output area was ~300 px wide and the
    // view kept 320 px, so the inspector's × was half cut off
    for (const width of [300, 900]) {
      const el = document.createElement("div");
      el.style.width = `${width}px`;
      document.body.appendChild(el);
      const view = createGraphView(el, { graph: tinyGraph(), depth: 1 });
      await view.ready;
      await view.select("n3");
      const root = view.root.getBoundingClientRect();
      expect(root.width, `${width} px`).toBeLessThanOrEqual(width);
      expect(root.width, `${width} px`).toBeGreaterThan(width - 4);
      const close = /** @type {HTMLElement} */ (view.root.querySelector(".ng-inspector .ng-close")).getBoundingClientRect();
      expect(close.width).toBeGreaterThan(0);
      expect(close.right, `${width} px`).toBeLessThanOrEqual(root.right);
      view.destroy();
      el.remove();
    }
  });
});

describe("the graph view in JupyterLab's dark theme", () => {
  it("writes the boxes without a colour of their own in the theme's text colour", async () => {
    // Sweep s45 browser, finding 1 (the other text the views draw): with 'colour: none' an
    // op's box takes the dark background and its name was #1f1f1f on it
    const el = document.createElement("div");
    el.style.width = "900px";
    el.style.setProperty("--jp-layout-color0", "rgb(17, 17, 17)");
    el.style.setProperty("--jp-ui-font-color0", "rgb(230, 230, 230)");
    document.body.appendChild(el);
    const view = createGraphView(el, { graph: tinyGraph(), depth: 1, colorBy: "none" });
    await view.ready;
    const fill = (/** @type {string} */ selector) => {
      const text = view.root.querySelector(`${selector} text`);
      if (!text) throw new Error(`${selector} not drawn`);
      return getComputedStyle(text).fill;
    };
    expect(fill('.ng-item.ng-kind-op[data-id="n3"]')).toBe("rgb(230, 230, 230)");
    expect(fill(".ng-item.ng-kind-param")).toBe("rgb(31, 31, 31)"); // on its own light blue
    view.destroy();
  });
});
