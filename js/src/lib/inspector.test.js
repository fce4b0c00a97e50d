import { describe, expect, it } from "vitest";
import { tracedMlp } from "../testing/fixtures.js";
import { parseGraph } from "./graph.js";
import { flagKind, flagText, showItem } from "./inspector.js";
import { present } from "./render.js";
import { unfold, visibleGraph } from "./visible.js";

/** What the inspector says of drawn item `id`: title, module and type. */
function inspected(graph, state, id) {
  const item = visibleGraph(graph, state).items.get(id);
  if (!item) throw new Error(`${id} is not drawn`);
  const panel = document.createElement("aside");
  showItem(panel, item, graph);
  const text = (sel) => panel.querySelector(sel)?.textContent;
  return { title: text(".ng-title"), module: text("td[data-key='module']"), type: text("td[data-key='type']"), box: present(item, graph, "forward") };
}

describe("inspector of a run of repeated blocks", () => {
  it("names the blocks the box draws: their type, how many and which modules", () => {
    const graph = parseGraph(tracedMlp(20)); // Sequential(Linear, ReLU) × 20: modules 0 ... 39
    const state = { expanded: new Set(), unfolded: new Map() };
    const run = inspected(graph, state, "r:0");
    expect(run.box.lines[0]).toBe("(Linear, ReLU) ×20");
    expect([run.title, run.module, run.type]).toEqual(["(Linear, ReLU) ×20", "0 … 39", "(Linear, ReLU)"]);
    unfold(graph, state, "r:0"); // 8 blocks drawn one by one, 12 left in the tail
    const tail = inspected(graph, state, "r:0#more");
    expect(tail.box.title).toContain("12 repeated (Linear, ReLU) blocks, 16 to 39");
    expect([tail.title, tail.module, tail.type]).toEqual(["(Linear, ReLU) ×12", "16 … 39", "(Linear, ReLU)"]);
  });
});

describe("inspector of a box with many findings", () => {
  it("lists 20 and says how many more there are", () => {
    const json = tracedMlp(30);
    for (const node of json.nodes) {
      if (node.op === "linear") node.flags = [{ kind: "vanishing", where: "backward", message: `gradient of ${node.module}` }];
    }
    const graph = parseGraph(json);
    const item = visibleGraph(graph, { expanded: new Set(), unfolded: new Map() }).items.get("r:0");
    const panel = document.createElement("aside");
    showItem(panel, item, graph);
    expect(panel.querySelectorAll(".ng-flag-text").length).toBe(20);
    expect(panel.textContent).toContain("… and 10 more findings inside this box");
  });
});

describe("flag texts", () => {
  it("call data far from standardised a data scale problem, not an exploding gradient", () => {
    const scale = { kind: "exploding", where: "forward", mean: 500, std: 290, message: "What goes into module 0 (Linear) is far from standardised" };
    expect(flagKind(scale)).toBe("data_scale");
    expect(flagText(scale)).toMatch(/^data scale \(forward\): What goes into/);
    const gradient = { kind: "exploding", where: "backward", per_layer: 6, message: "Gradients grow" };
    expect(flagKind(gradient)).toBe("exploding");
    expect(flagText(gradient)).toMatch(/^exploding \(backward\)/);
  });
});
