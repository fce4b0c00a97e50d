import { describe, expect, it } from "vitest";
import { NONFINITE_FILL, formatCount, formatNumber, logScale, magnitude, rmsOf, scaleColor } from "./color.js";

describe("colour scale", () => {
  it("measures tensors by RMS and modules by the RMS of everything inside", () => {
    expect(rmsOf([{ norm: 2, numel: 4 }])).toBeCloseTo(1);
    expect(rmsOf([{ norm: 3, numel: 1 }, { norm: 4, numel: 1 }])).toBeCloseTo(Math.sqrt(12.5));
    expect(rmsOf([null])).toBeNull();
    expect(magnitude([{ grad: { norm: 1, numel: 1 } }], "none")).toBeNull();
  });

  it("maps magnitudes on a log scale, with zero kept apart", () => {
    const s = logScale([1e-6, 1e-3, 1, 0, null]);
    expect(s.lo).toBeCloseTo(-6);
    expect(s.hi).toBeCloseTo(0);
    expect(s.color(1e-3)?.t).toBeCloseTo(0.5);
    expect(s.color(0)?.t).toBe(-1);
    expect(s.color(null)).toBeNull();
    expect(scaleColor(0)).toBe("rgb(68,1,84)");
    expect(scaleColor(1)).toBe("rgb(253,231,37)");
  });

  it("shows a module holding a NaN or an Inf gradient as such, not by its finite tensors", () => {
    // sweep s32 (s17): module 1 read "gradient RMS 0.284" with 5 of its 6 gradients NaN or
    // Inf, and module 0, all NaN, "gradient RMS –" in a white box
    expect(rmsOf([{ norm: Number.NaN, numel: 6 }, { norm: 1, numel: 4 }])).toBeNaN();
    expect(rmsOf([{ norm: Number.POSITIVE_INFINITY, numel: 6 }])).toBe(Number.POSITIVE_INFINITY);
    expect(rmsOf([{ norm: null, numel: 6 }])).toBeNull(); // no gradient
    const s = logScale([1e-3, 1, Number.NaN]);
    expect(s.nonfinite).toBe(true);
    expect(s.color(Number.NaN)?.fill).toBe(NONFINITE_FILL);
    expect(s.color(Number.POSITIVE_INFINITY)?.fill).toBe(NONFINITE_FILL);
    expect(logScale([1e-3, 1]).nonfinite).toBe(false);
    expect(logScale([Number.NaN]).empty).toBe(true); // the legend still shows, by `nonfinite`
  });

  it("formats numbers for students", () => {
    expect(formatNumber(0.00012)).toBe("1.2e-4");
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatCount(25557032)).toBe("25.6M");
    expect(formatCount(999)).toBe("999");
  });
});
