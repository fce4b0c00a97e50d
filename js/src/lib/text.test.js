import { describe, expect, it } from "vitest";
import { leftToRight } from "./text.js";

describe("leftToRight", () => {
  it("writes out every mark that changes the direction of the text after it", () => {
    expect(leftToRight("fc1\u202e.weight")).toBe("fc1\\u202e.weight");
    expect(leftToRight("a\u2066b\u2069c\u200f\u061c")).toBe("a\\u2066b\\u2069c\\u200f\\u061c");
  });

  it("leaves other text, right-to-left letters included, as it is, and is idempotent", () => {
    for (const name of ["encoder.layers.0", "שכבה.משקל", "طبقة", "x²·ß", ""]) expect(leftToRight(name)).toBe(name);
    expect(leftToRight(leftToRight("x\u202ey"))).toBe("x\\u202ey");
  });
});
