import { describe, expect, it } from "vitest";
import { Column, Curve, ema, joinCurves, jsonNumber, lonePoints, plotValue, toFloat64 } from "./series.js";

describe("ema", () => {
  it("is the identity at weight 0", () => {
    expect(Array.from(ema([3, 1, 2], 0))).toEqual([3, 1, 2]);
  });

  it("removes the start-up bias (a constant stays constant)", () => {
    const out = ema([5, 5, 5, 5], 0.9);
    for (const v of out) expect(v).toBeCloseTo(5, 12);
  });

  it("matches the debiased recurrence", () => {
    const w = 0.6;
    const ys = [1, 3, 2, 8];
    let acc = 0;
    const expected = ys.map((y, k) => {
      acc = w * acc + (1 - w) * y;
      return acc / (1 - w ** (k + 1));
    });
    const got = Array.from(ema(ys, w));
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    expect(got[0]).toBeCloseTo(1, 12); // the first point is itself
  });

  it("lets NaN and inf through without poisoning the average", () => {
    const out = ema([1, NaN, 1, Infinity, 1], 0.5);
    expect(out[1]).toBeNaN();
    expect(out[3]).toBe(Infinity);
    expect(out[4]).toBeCloseTo(1, 12);
  });
});

describe("log scale", () => {
  it("turns what a log axis cannot show into gaps", () => {
    expect(plotValue(0, true)).toBeNull();
    expect(plotValue(-2, true)).toBeNull();
    expect(plotValue(NaN, false)).toBeNull();
    expect(plotValue(Infinity, false)).toBeNull();
    expect(plotValue(0, false)).toBe(0);
    expect(plotValue(1e-9, true)).toBe(1e-9);
  });
});

describe("curves", () => {
  it("grow, replace the value at the last step and drop steps that go back", () => {
    const c = new Curve();
    expect(c.append([1, 2, 3], [0.9, 0.8, 0.7])).toBe(3);
    expect(c.append([3, 2, 4], [0.65, 5, 0.6])).toBe(2);
    expect(Array.from(c.x.view())).toEqual([1, 2, 3, 4]);
    expect(Array.from(c.y.view())).toEqual([0.9, 0.8, 0.65, 0.6]);
  });

  it("columns double their capacity", () => {
    const col = new Column(2);
    for (let i = 0; i < 100; i++) col.push(i);
    expect(col.length).toBe(100);
    expect(col.view()[99]).toBe(99);
  });

  it("join on the union of steps: undefined where a curve has no point (the line joins it)", () => {
    const train = { x: [1, 2, 3, 4], y: [4, 3, 2, 1] };
    const val = { x: [2, 4], y: [3.5, 1.5] };
    expect(joinCurves([train, val])).toEqual([
      [1, 2, 3, 4],
      [4, 3, 2, 1],
      [undefined, 3.5, undefined, 1.5],
    ]);
  });

  it("join keeps a NaN epoch a gap (null), apart from the steps a curve was not logged at", () => {
    const train = { x: [1, 2, 3, 4, 5], y: [4, 3, 2, 1, 0.5] };
    const val = { x: [2, 3, 5], y: [3.5, NaN, 1.5] };
    expect(joinCurves([train, val])[2]).toEqual([undefined, 3.5, null, undefined, 1.5]);
  });

  it("find the points no line reaches, to draw them as dots", () => {
    // log scale of 0, -0.5, NaN, 1e-8, inf, ...: only 1e-8 is drawable, between two gaps
    expect(lonePoints([null, null, null, 1e-8, null, null, null, null, 1e-8, null])).toEqual([3, 8]);
    expect(lonePoints([1, 2, null, 3, undefined, 4])).toEqual([]); // joined across undefined
    expect(lonePoints([1, null, 2, undefined, null, 3])).toEqual([0, 2, 5]);
    expect(lonePoints([undefined, 7, undefined])).toEqual([1]); // a curve of one point
    expect(lonePoints([])).toEqual([]);
  });

  it("join shared steps directly, smoothed and log-guarded", () => {
    const a = { x: [1, 2], y: [0, 2] };
    const b = { x: [1, 2], y: [1, 1] };
    const [x, ya, yb] = joinCurves([a, b], { log: true, smoothing: 0 });
    expect(x).toEqual([1, 2]);
    expect(ya).toEqual([null, 2]);
    expect(yb).toEqual([1, 1]);
  });
});

describe("buffers and JSON numbers", () => {
  it("read float64 buffers at any byte offset", () => {
    const bytes = new Uint8Array(8 * 3 + 4);
    new DataView(bytes.buffer).setFloat64(4, 1.5, true);
    new DataView(bytes.buffer).setFloat64(12, NaN, true);
    new DataView(bytes.buffer).setFloat64(20, -2, true);
    const arr = toFloat64(new DataView(bytes.buffer, 4, 24));
    expect(arr[0]).toBe(1.5);
    expect(arr[1]).toBeNaN();
    expect(arr[2]).toBe(-2);
    expect(Array.from(toFloat64(new Float64Array([7, 8]).buffer))).toEqual([7, 8]);
  });

  it("read Python's non-finite floats written as strings", () => {
    expect(jsonNumber("inf")).toBe(Infinity);
    expect(jsonNumber("-inf")).toBe(-Infinity);
    expect(jsonNumber("nan")).toBeNaN();
    expect(jsonNumber(0.25)).toBe(0.25);
  });
});
