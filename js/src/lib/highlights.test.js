import { afterEach, describe, expect, it } from "vitest";
import { tinyGraph } from "../testing/fixtures.js";
import { buildChrome } from "./chrome.js";
import { parseGraph } from "./graph.js";
import { Highlights } from "./highlights.js";
import { EN } from "./messages.js";
import { Stepper } from "./stepper.js";
import { stateForDepth, visibleGraph } from "./visible.js";

afterEach(() => document.body.replaceChildren());

/** Highlights over tinyGraph opened all the way, "drawn" as one element per item and edge. */
function setup(onEnter = () => {}) {
  const c = buildChrome(document.body);
  const graph = parseGraph(tinyGraph());
  const vis = visibleGraph(graph, stateForDepth(graph, graph.maxDepth));
  const itemEls = new Map([...vis.items.keys()].map((id) => [id, document.createElement("div")]));
  const edgeEls = vis.edges.map((e) => ({ el: document.createElement("div"), source: e.source, target: e.target }));
  const st = /** @type {any} */ ({ graph, vis, scene: { itemEls, edgeEls, clusterEls: new Map() }, selected: "", query: "", matchIndex: -1 });
  const stepper = new Stepper(c, () => {});
  stepper.setGraph(graph);
  const highlights = new Highlights(st, c, stepper, EN, onEnter);
  const marked = (/** @type {string} */ cls) => [...itemEls].filter(([, g]) => g.classList.contains(cls)).map(([id]) => id);
  return { c, graph, st, stepper, highlights, marked };
}

describe("highlights", () => {
  it("marks and counts the search's matches, and goes round them", () => {
    const { c, graph, highlights, marked } = setup();
    const ids = highlights.search("fc1");
    expect(ids).toEqual(graph.nodes.filter((n) => n.module === "fc1").map((n) => n.id));
    expect(marked("ng-match")).toEqual(ids);
    expect(c.count.textContent).toBe(`${ids.length} matches`);
    const visited = ids.map(() => highlights.nextMatch());
    expect(visited).toEqual(ids);
    expect(highlights.nextMatch()).toBe(ids[0]);
    highlights.search("");
    expect(marked("ng-match")).toEqual([]);
    expect(c.count.textContent).toBe("");
    expect(highlights.nextMatch()).toBeNull();
  });

  it("marks the selection and what the backward replay has reached", () => {
    const { c, st, stepper, highlights, marked } = setup();
    st.selected = stepper.order()[0];
    stepper.step("next");
    highlights.apply();
    expect(marked("ng-selected")).toEqual([st.selected]);
    expect(marked("ng-current")).toEqual([stepper.order()[0]]);
    expect(marked("ng-lit")).toEqual([stepper.order()[0]]);
    expect(c.root.classList.contains("ng-stepping")).toBe(true);
    stepper.step("reset");
    highlights.apply();
    expect(marked("ng-lit")).toEqual([]);
    expect(c.root.classList.contains("ng-stepping")).toBe(false);
  });

  it("searches what was typed once typing pauses, and on Enter asks for the next match", async () => {
    let entered = 0;
    const { c, st, highlights, marked } = setup(() => entered++);
    c.search.value = "relu";
    c.search.dispatchEvent(new Event("input"));
    expect(marked("ng-match")).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(st.query).toBe("relu");
    expect(marked("ng-match").length).toBe(1);
    c.search.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    expect(entered).toBe(1);
    highlights.destroy();
  });
});
