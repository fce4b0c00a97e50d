import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGES, EN, plural, translator } from "./messages.js";

describe("messages", () => {
  it("takes words from the messages object, English only where a key is missing", () => {
    const t = translator({ "graphview.forward": "W przód", "graphview.depth": "głębokość {depth}" });
    expect(t("graphview.forward")).toBe("W przód");
    expect(t("graphview.depth", { depth: 2 })).toBe("głębokość 2");
    expect(t("graphview.fit")).toBe("Fit");
    expect(t("graphview.flag.kind.weird", {}, "weird")).toBe("weird");
    expect(t.has("graphview.flag.kind.weird")).toBe(false);
    expect(EN("graphview.step.at", { step: 1, total: 3, what: "x" })).toBe("step 1/3: x");
  });

  it("fills only known fields and never reads the prototype", () => {
    const t = translator(JSON.parse('{"__proto__": {"graphview.fit": "hacked"}, "graphview.fit": ""}'));
    expect(t("graphview.fit")).toBe("Fit"); // an empty text falls back too
    expect(EN("graphview.depth")).toBe("depth {depth}");
    expect(translator({})("toString")).toBe("toString"); // not Object.prototype.toString
  });

  it("has English defaults for every label and picks Polish plural forms", () => {
    expect(Object.keys(DEFAULT_MESSAGES).every((k) => k.startsWith("graphview."))).toBe(true);
    expect([1, 2, 4, 5, 12, 13, 22, 25, 101, 0].map(plural)).toEqual(["one", "few", "few", "many", "many", "many", "few", "many", "many", "many"]);
    expect(EN(`graphview.matches.${plural(1)}`, { n: 1 })).toBe("1 match");
    expect(EN(`graphview.matches.${plural(3)}`, { n: 3 })).toBe("3 matches");
  });
});
