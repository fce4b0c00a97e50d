import { afterEach, describe, expect, it } from "vitest";
import { tinyGraph } from "../testing/fixtures.js";
import { buildChrome } from "./chrome.js";
import { parseGraph } from "./graph.js";
import { EN } from "./messages.js";
import { Stepper } from "./stepper.js";

afterEach(() => document.body.replaceChildren());

describe("backward stepper", () => {
  it("says which node received its gradient at each step", () => {
    const c = buildChrome(document.body);
    const steps = [];
    const stepper = new Stepper(c, (step) => steps.push(step));
    stepper.setGraph(parseGraph(tinyGraph()));
    stepper.enable(true);
    expect(c.nextBtn.disabled).toBe(false);
    c.nextBtn.click();
    expect(c.stepText.textContent).toMatch(/^step 1\/\d+: /);
    expect(stepper.lit().lit.size).toBe(1);
    c.endBtn.click();
    expect(steps).toEqual([1, stepper.order().length]);
    c.resetBtn.click();
    expect(stepper.lit().stepping).toBe(false);
  });

  it("names the module a step runs in with its type: a Sequential's bare '2' says little", () => {
    const c = buildChrome(document.body);
    const stepper = new Stepper(c, () => {});
    stepper.setGraph(parseGraph(tinyGraph()));
    stepper.enable(true);
    const said = [];
    for (let i = 0; i < stepper.order().length; i++) {
      c.nextBtn.click();
      said.push(c.stepText.textContent ?? "");
    }
    expect(said.some((text) => /passes the gradient back in module fc1 \(Linear\)$/.test(text))).toBe(true);
  });

  it("is off for a graph with no backward pass, and stops replaying a graph that is replaced", () => {
    const c = buildChrome(document.body);
    const stepper = new Stepper(c, () => {});
    stepper.setGraph(parseGraph(tinyGraph()));
    stepper.togglePlay();
    expect(c.playBtn.textContent).toBe("Pause");
    const forwardOnly = tinyGraph(); // as ng.record() of a forward pass alone
    for (const n of forwardOnly.nodes) Object.assign(n, { backward: null, backward_order: null, grad: null });
    stepper.setGraph(parseGraph(forwardOnly));
    expect(stepper.playing).toBeNull();
    expect(c.playBtn.textContent).toBe(EN("graphview.step.replay"));
    stepper.enable(true);
    expect(c.playBtn.disabled).toBe(true);
    expect(c.stepText.textContent).toBe(EN("graphview.step.none"));
  });
});
