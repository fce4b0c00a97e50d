import { describe, expect, it } from "vitest";
import { tinyGraph } from "../testing/fixtures.js";
import { BackwardReplay, backwardOrder, playPlan } from "./backward.js";
import { parseGraph } from "./graph.js";

describe("backward order", () => {
  it("replays autograd: from the loss, consumers before producers, leaves when ready", () => {
    const g = parseGraph(tinyGraph());
    const order = backwardOrder(g);
    const pos = (label) => order.findIndex((id) => g.byId.get(id)?.label === label);
    expect(order[0]).toBe("n10"); // the output, then the loss
    expect(pos("mse_loss")).toBeLessThan(pos("relu"));
    expect(pos("relu")).toBeLessThan(order.indexOf("n1")); // fc1.weight after relu
    expect(pos("relu")).toBeGreaterThan(order.indexOf("n5")); // last layer weight is ready first
    // inputs do not take part in the backward pass
    expect(order).not.toContain("n0");
    expect(new Set(order).size).toBe(order.length);
  });

  it("follows the recorded backward_order when the capture has it", () => {
    const json = tinyGraph();
    json.nodes.forEach((n, i) => {
      n.backward_order = n.backward ? 100 - i : null;
    });
    const order = backwardOrder(parseGraph(json));
    expect(order[0]).toBe("n10");
    expect(order[order.length - 1]).toBe("n1");
  });

  it("steps forwards and backwards", () => {
    const r = new BackwardReplay(["a", "b", "c"]);
    expect(r.current).toBeNull();
    r.next();
    r.next();
    expect(r.current).toBe("b");
    expect([...r.lit()]).toEqual(["a", "b"]);
    r.prev();
    expect(r.step).toBe(1);
    r.end();
    expect(r.done).toBe(true);
    r.reset();
    expect(r.step).toBe(0);
  });
});

describe("replay speed", () => {
  it("plays a small graph step by step and any graph in 15 s at most", () => {
    expect(playPlan(5)).toEqual({ delay: 400, stride: 1 });
    for (const length of [1, 40, 499, 500, 501, 15000, 100000]) {
      const { delay, stride } = playPlan(length);
      expect(Math.ceil(length / stride) * delay).toBeLessThanOrEqual(15000);
      expect(delay).toBeGreaterThanOrEqual(30);
    }
    const replay = new BackwardReplay(["a", "b", "c"]);
    expect([replay.next(2), replay.next(2), replay.done]).toEqual([2, 3, true]);
  });
});
