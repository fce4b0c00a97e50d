import { afterEach, describe, expect, it } from "vitest";
import { createLossView } from "./view.js";
import { canvasColors, LIGHT } from "./theme.js";

const DARK = { "--jp-ui-font-color1": "rgb(230, 230, 230)", "--jp-border-color2": "rgb(66, 66, 66)" };

/** @type {ReturnType<typeof createLossView>[]} */
const views = [];
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
  document.body.replaceChildren();
  for (const name of Object.keys(DARK)) document.body.style.removeProperty(name);
  delete document.body.dataset.jpThemeName;
});

/** A Monitor's loss view in `el` (on the page). @param {HTMLElement} el */
function mount(el) {
  el.style.width = "700px";
  document.body.appendChild(el);
  const view = createLossView(el);
  views.push(view);
  const steps = [1, 2, 3, 4, 5, 6];
  view.load({ kind: "monitor", runs: { "": { metrics: { loss: { step: steps, value: [1, 0.7, 0.5, 0.4, 0.3, 0.25] } } } } });
  view.flush();
  return view;
}

/** JupyterLab's dark theme on `el`: its variables, a near-black background. @param {HTMLElement} el */
function darken(el) {
  for (const [name, value] of Object.entries(DARK)) el.style.setProperty(name, value);
  el.style.background = "#111";
}

const frame = () => new Promise((r) => requestAnimationFrame(r));

/** The brightest red channel of the opaque pixels of the y axis (its tick numbers). @param {any} plot */
function brightestTick(plot) {
  const width = Math.round(plot.axes[1]._size * devicePixelRatio);
  const { data } = plot.ctx.getImageData(0, 0, width, plot.ctx.canvas.height);
  let brightest = -1;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 160) brightest = Math.max(brightest, data[i]);
  return brightest;
}

describe("the axes of the loss view in JupyterLab's dark theme", () => {
  it("are drawn in the theme's text colour, the grid in its border colour", async () => {
    // Sweep s45 browser, finding 1: tick numbers, axis title and grid were black on #111
    const el = document.createElement("div");
    darken(el);
    const view = mount(el);
    await frame();
    const plot = /** @type {any} */ (view.panels.get("loss")?.plot);
    for (const axis of plot.axes) {
      expect(axis.stroke(plot, 0)).toBe("rgb(230, 230, 230)");
      expect(axis.grid.stroke(plot, 0)).toBe("rgb(66, 66, 66)");
      expect(axis.ticks.stroke(plot, 0)).toBe("rgb(66, 66, 66)");
    }
    expect(brightestTick(plot)).toBeGreaterThan(200); // the numbers are there, light on dark
  });

  it("follow a change of theme, with no new data", async () => {
    const view = mount(document.createElement("div"));
    await frame();
    const before = /** @type {any} */ (view.panels.get("loss")?.plot);
    expect(before.axes[1].stroke(before, 1)).toBe("rgb(34, 34, 34)"); // the light theme's
    darken(document.body);
    document.body.dataset.jpThemeName = "JupyterLab Dark"; // as JupyterLab switches themes
    await frame();
    await frame();
    const after = /** @type {any} */ (view.panels.get("loss")?.plot);
    expect(after.axes[1].stroke(after, 1)).toBe("rgb(230, 230, 230)");
  });

  it("are a light theme's where there is no theme or the view is not on the page", () => {
    expect(canvasColors(document.createElement("div"))).toEqual(LIGHT);
    const el = document.createElement("div");
    document.body.appendChild(el);
    expect(canvasColors(el).grid).toBe(LIGHT.grid);
  });
});
