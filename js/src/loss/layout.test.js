import { describe, expect, it } from "vitest";
import { MIN_HEIGHT, panelGrid } from "./layout.js";

const grid = (/** @type {Partial<Parameters<typeof panelGrid>[0]>} */ o) =>
  panelGrid({ count: 2, width: 592, height: 280, room: 568, fixed: 0, extra: 21, ...o });

describe("panelGrid", () => {
  it("puts two panels side by side in the notebook of a 1024 px screen", () => {
    // JupyterLab at 1024x768 with its file browser open: the output area is 592 px wide
    expect(grid({})).toEqual({ cols: 2, rows: 1, width: 292, height: 280 });
    expect(grid({ count: 1 })).toMatchObject({ cols: 1, width: 592 });
    expect(grid({ count: 4, width: 900 })).toMatchObject({ cols: 3, rows: 2, width: 294 });
    expect(grid({ count: 2, width: 500 })).toMatchObject({ cols: 1, rows: 2, width: 500 });
  });

  it("lowers the plots so that the whole view fits in the room it has", () => {
    // compared runs: toolbar, legend and a table of many rows take 320 px
    const { height } = grid({ fixed: 320 });
    expect(height).toBeLessThan(280);
    expect(320 + 21 + height).toBeLessThanOrEqual(568);
    // two rows of panels share the room left
    const two = grid({ count: 3, width: 592, fixed: 100 });
    expect(100 + 2 * (two.height + 21) + 8).toBeLessThanOrEqual(568);
  });

  it("never goes below a readable height, nor above the one asked for", () => {
    expect(grid({ fixed: 560 }).height).toBe(MIN_HEIGHT);
    expect(grid({ room: 5000 }).height).toBe(280);
    expect(grid({ height: 120, fixed: 560 }).height).toBe(120);
  });
});
