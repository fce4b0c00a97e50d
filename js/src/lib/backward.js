// The order in which autograd ran the backward pass, for the step-through replay.
//  - `backward_order` (recorded by `ng.record`) is the truth when present;
//  - otherwise we replay autograd's rule: from the loss, a node runs once every node that
//    uses its output has run, and among ready nodes the highest sequence number goes first
//    (leaves, AccumulateGrad, have no number and run as soon as they are ready).

/** @typedef {import("./graph.js").Graph} Graph */

/**
 * Ids of the nodes that take part in the backward pass, in the order autograd reached them.
 * @param {Graph} graph
 * @returns {string[]}
 */
export function backwardOrder(graph) {
  const inPass = graph.nodes.filter((n) => n.backward !== null);
  if (inPass.length === 0) return [];
  if (inPass.some((n) => n.backward_order !== null)) {
    return inPass
      .filter((n) => n.backward_order !== null)
      .sort((a, b) => /** @type {number} */ (a.backward_order) - /** @type {number} */ (b.backward_order))
      .map((n) => n.id);
  }
  const ids = new Set(inPass.map((n) => n.id));
  // gradient flows against the forward edges: from a consumer (target) to its inputs (source)
  const waiting = new Map(); // id -> number of consumers in the pass not yet run
  const inputsOf = new Map(); // id -> ids of its inputs in the pass
  for (const id of ids) {
    waiting.set(id, 0);
    inputsOf.set(id, []);
  }
  for (const e of graph.edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) continue;
    waiting.set(e.source, waiting.get(e.source) + 1);
    inputsOf.get(e.target).push(e.source);
  }
  const priority = (id) => graph.byId.get(id)?.seq ?? Number.POSITIVE_INFINITY;
  const ready = [...ids].filter((id) => waiting.get(id) === 0);
  const order = [];
  while (ready.length) {
    // a small graph: a linear scan for the best ready node keeps this easy to read
    let best = 0;
    for (let i = 1; i < ready.length; i++) {
      if (priority(ready[i]) > priority(ready[best])) best = i;
    }
    const id = ready.splice(best, 1)[0];
    order.push(id);
    for (const src of inputsOf.get(id)) {
      const left = waiting.get(src) - 1;
      waiting.set(src, left);
      if (left === 0) ready.push(src);
    }
  }
  return order;
}

/**
 * A replay of the backward pass: `step` nodes have run so far (0 = nothing yet).
 * Keeps no DOM; the view asks it what is lit.
 */
export class BackwardReplay {
  /** @param {string[]} order */
  constructor(order) {
    this.order = order;
    this.step = 0;
  }

  get length() {
    return this.order.length;
  }

  /** The raw node that ran at the current step, or null before the first step. */
  get current() {
    return this.step > 0 ? this.order[this.step - 1] : null;
  }

  /** Raw node ids that have received their gradient so far. */
  lit() {
    return new Set(this.order.slice(0, this.step));
  }

  /** Go `count` steps on (one by default), not past the end. */
  next(count = 1) {
    this.step = Math.min(this.order.length, this.step + count);
    return this.step;
  }

  prev() {
    if (this.step > 0) this.step--;
    return this.step;
  }

  reset() {
    this.step = 0;
  }

  end() {
    this.step = this.order.length;
  }

  get done() {
    return this.step >= this.order.length;
  }
}

/**
 * How "Replay" plays `length` steps: one step every `delay` ms (400 ms for a small graph,
 * 8 s in all from 20 steps on), and on a big graph several steps at a time (`stride`), so
 * that a replay never takes more than 500 frames (15 s): a 5,000-block chain took 12 minutes.
 * @param {number} length
 * @returns {{delay: number, stride: number}}
 */
export function playPlan(length) {
  const frames = Math.max(1, Math.min(length, MAX_FRAMES));
  return { delay: Math.max(30, Math.min(400, 8000 / frames)), stride: Math.ceil(Math.max(1, length) / frames) };
}

const MAX_FRAMES = 500;
