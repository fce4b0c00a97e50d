import { describe, expect, it } from "vitest";
import { parseGraph } from "./graph.js";
import { fitClusterTitles, present, truncateStart } from "./render.js";

const SVG = "http://www.w3.org/2000/svg";

/** A cluster as drawScene draws it: a frame `width` wide and its title. */
function cluster(width, title) {
  const svg = document.createElementNS(SVG, "svg");
  const g = /** @type {SVGGElement} */ (document.createElementNS(SVG, "g"));
  const frame = document.createElementNS(SVG, "rect");
  frame.setAttribute("class", "ng-frame");
  frame.setAttribute("width", String(width));
  const label = document.createElementNS(SVG, "g");
  label.setAttribute("class", "ng-cluster-label");
  const text = /** @type {SVGTextElement} */ (document.createElementNS(SVG, "text"));
  text.setAttribute("style", "font: 11px sans-serif");
  text.textContent = title;
  label.appendChild(text);
  g.append(frame, label);
  svg.appendChild(g);
  document.body.appendChild(svg);
  return { g, text };
}

describe("fitClusterTitles", () => {
  it("shortens a title that runs past its frame, and leaves one that fits", () => {
    const long = cluster(90, "▾ avgpool (AdaptiveAvgPool2d)");
    const short = cluster(300, "▾ avgpool (AdaptiveAvgPool2d)");
    fitClusterTitles(new Map([["avgpool", long.g], ["other", short.g]]));
    expect(long.text.textContent).toMatch(/^▾ avgpool.*…$/);
    expect(long.text.getComputedTextLength()).toBeLessThanOrEqual(80);
    expect(short.text.textContent).toBe("▾ avgpool (AdaptiveAvgPool2d)");
  });

  it("keeps the end of a name too long for its frame, where boxes differ", () => {
    const { g, text } = cluster(150, "▾ model.layers.0.self_attn.k_proj (Linear)");
    fitClusterTitles(new Map([["k", g]]));
    expect(text.textContent).toMatch(/^▾ ….*k_proj \(Linear\)$/);
    expect(text.getComputedTextLength()).toBeLessThanOrEqual(140);
  });
});

describe("truncateStart", () => {
  it("keeps the end of a long dotted name, cut at a dot", () => {
    expect(truncateStart("model.layers.0.self_attn.k_proj.weight", 20)).toBe("…k_proj.weight");
    expect(truncateStart("fc.weight", 20)).toBe("fc.weight");
  });
});

describe("present", () => {
  it("names a parameter in its module's frame by what the frame does not say, else keeps its end", () => {
    const name = "model.layers.0.self_attn.k_proj.weight";
    const graph = parseGraph({
      nodes: [{ id: "p", label: name, name, kind: "param", module: "model.layers.0.self_attn.k_proj", shape: [32, 64] }],
      modules: [{ path: "" }],
    });
    const item = { type: "node", node: graph.byId.get("p"), members: [] };
    const framed = present(item, graph, "forward", undefined, "model.layers.0.self_attn.k_proj");
    expect(framed.lines[0]).toBe("weight");
    expect(framed.title.split("\n")[0]).toBe(name); // the whole name on hover
    expect(present(item, graph, "forward").lines[0]).toBe("…layers.0.self_attn.k_proj.weight");
  });

  it("marks an op autograd never saw (under no_grad) as untracked, and says why", () => {
    const graph = parseGraph({
      nodes: [
        { id: "n0", label: "abs", kind: "op", op: "abs", tracked: false },
        { id: "n1", label: "div", kind: "op", op: "div", backward: "DivBackward0", tracked: true },
      ],
      modules: [{ path: "" }],
    });
    const shown = (id) => present({ type: "node", node: graph.byId.get(id), members: [] }, graph, "forward");
    expect(shown("n0").classes).toContain("ng-untracked");
    expect(shown("n0").title).toMatch(/not tracked by autograd/);
    expect(shown("n1").classes).not.toContain("ng-untracked");
    expect(shown("n1").title).not.toMatch(/not tracked/);
  });

  it("marks a result nothing used (the hidden state of out, _ = rnn(x)) and says so", () => {
    const graph = parseGraph({
      nodes: [
        { id: "n0", label: "lstm", kind: "op", op: "lstm", backward: "MkldnnRnnLayerBackward0", tracked: true },
        { id: "n1", label: "output", kind: "output" },
        { id: "n2", label: "output", kind: "output" },
      ],
      edges: [{ source: "n0", target: "n1" }, { source: "n0", target: "n2" }],
      modules: [{ path: "" }],
      graph: { unused: ["n2"] },
    });
    const shown = (id) => present({ type: "node", node: graph.byId.get(id), members: [] }, graph, "forward");
    expect(shown("n2").classes).toContain("ng-unused");
    expect(shown("n2").title).toMatch(/returned but never used/);
    expect(shown("n1").classes).not.toContain("ng-unused");
  });
});
