import { describe, expect, it } from "vitest";
import { formatCount, formatNumber, logScale, magnitude, rmsOf, scaleColor } from "./color.js";

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

  it("formats numbers for students", () => {
    expect(formatNumber(0.00012)).toBe("1.2e-4");
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    expect(formatCount(25557032)).toBe("25.6M");
    expect(formatCount(999)).toBe("999");
  });
});
