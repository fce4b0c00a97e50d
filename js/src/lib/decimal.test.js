import { afterEach, describe, expect, it } from "vitest";
import { fmtNum, fmtStep, fmtTick } from "../loss/format.js";
import { formatCount, formatNumber } from "./color.js";
import { localNumber, setDecimalSeparator } from "./decimal.js";

describe("numbers in the views' language", () => {
  afterEach(() => setDecimalSeparator("."));

  it("keeps a decimal point in English", () => {
    setDecimalSeparator(".");
    expect([fmtNum(0.25), fmtTick(1.5e-8), formatNumber(0.00012), formatCount(25557032)]).toEqual(["0.25", "1.5e-8", "1.2e-4", "25.6M"]);
  });

  it("writes a decimal comma in Polish, in every formatter", () => {
    setDecimalSeparator(",");
    expect([fmtNum(0.25), fmtTick(1.5e-8), fmtStep(2.5), formatNumber(0.00012), formatCount(25557032)]).toEqual(["0,25", "1,5e-8", "2,5", "1,2e-4", "25,6M"]);
    expect([fmtNum(3), fmtStep(14), formatCount(999), fmtNum(Number.NaN)]).toEqual(["3", "14", "999", "nan"]);
  });

  it("takes anything but a comma for a point", () => {
    setDecimalSeparator(undefined);
    expect(localNumber("0.5")).toBe("0.5");
  });
});
