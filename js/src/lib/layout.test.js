import { describe, expect, it } from "vitest";
import { dotString, layout, parseSpline, splinePath, toDot } from "./layout.js";

describe("DOT writing", () => {
  it("escapes quotes, backslashes, line breaks and control characters", () => {
    expect(dotString('a"b\\c\nd\u0001')).toBe('"a\\"b\\\\c\\nd"');
  });

  it("uses opaque ids, so no graph text reaches Graphviz except cluster labels", () => {
    const { dot, names } = toDot({
      nodes: [
        { id: '"; evil', width: 50, height: 20 },
        { id: "b", width: 50, height: 20 },
      ],
      edges: [{ source: '"; evil', target: "b" }],
      clusters: [{ path: 'x"y', label: 'x"y', parent: "", items: ["b"], children: [] }],
    });
    expect(names.get('"; evil')).toBe("v0");
    expect(dot).toContain("v0 -> v1;");
    expect(dot).toContain('label="x\\"y"');
    expect(dot).not.toContain("evil");
  });
});

describe("splines", () => {
  it("parses Graphviz edge positions and writes SVG path data", () => {
    const { points, arrow } = parseSpline("e,52,36 52,71 52,64 52,55 52,47");
    expect(arrow).toEqual([52, 36]);
    expect(points.length).toBe(4);
    expect(splinePath(points)).toBe("M52.0,71.0C52.0,64.0 52.0,55.0 52.0,47.0");
  });
});

describe("layout with Graphviz wasm", () => {
  it("places nodes top to bottom inside their clusters", async () => {
    const res = await layout({
      nodes: [
        { id: "a", width: 60, height: 22 },
        { id: "b", width: 60, height: 22 },
        { id: "c", width: 60, height: 22 },
      ],
      edges: [
        { source: "a", target: "b" },
        { source: "b", target: "c" },
      ],
      clusters: [{ path: "m", label: "m", parent: "", items: ["b", "c"], children: [] }],
    });
    const a = res.nodes.get("a");
    const b = res.nodes.get("b");
    const m = res.clusters.get("m");
    if (!a || !b || !m) throw new Error("missing layout");
    expect(a.y).toBeLessThan(b.y); // y points down in our coordinates
    expect(b.width).toBeCloseTo(60, 0);
    expect(b.y).toBeGreaterThan(m.y);
    expect(b.y).toBeLessThan(m.y + m.height);
    expect(res.edges.length).toBe(2);
  });
});
