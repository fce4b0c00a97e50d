// The backward step-through under the drawing: ◀ ▶, Replay, Start, End and the line that says
// which op or parameter received its gradient at the current step.

import { BackwardReplay, backwardOrder, playPlan } from "./backward.js";
import { translator } from "./messages.js";

/** @typedef {import("./chrome.js").Chrome} Chrome */

/**
 * The stepper's state and buttons; `onStep(step)` runs after every step (the view lights the
 * boxes that have run).
 *
 *     const stepper = new Stepper(chrome, (step) => console.log(step));
 *     stepper.setGraph(graph); stepper.step("next");
 */
export class Stepper {
  /** @param {Chrome} c @param {(step:number) => void} onStep */
  constructor(c, onStep) {
    this.c = c;
    this.onStep = onStep;
    this.t = translator(null);
    /** @type {import("./graph.js").Graph|null} */ this.graph = null;
    /** @type {BackwardReplay|null} */ this.replay = null;
    /** @type {any} */ this.playing = null;
    /** whether the step text describes the replay (else it shows the help line) */
    this.stepped = false;
    c.resetBtn.addEventListener("click", () => this.step("reset"));
    c.prevBtn.addEventListener("click", () => this.step("prev"));
    c.nextBtn.addEventListener("click", () => this.step("next"));
    c.endBtn.addEventListener("click", () => this.step("end"));
    c.playBtn.addEventListener("click", () => this.togglePlay());
  }

  /** A new graph: its replay starts from the beginning. @param {import("./graph.js").Graph} graph */
  setGraph(graph) {
    this.stop();
    this.graph = graph;
    this.replay = null;
    this.stepped = false;
    this.c.stepText.textContent = this.t("graphview.step.help");
  }

  /** Say it in other words. @param {(key:string, params?:any) => string} t */
  setWords(t) {
    this.t = t;
    if (this.stepped) this.describe();
    else this.c.stepText.textContent = t("graphview.step.help");
  }

  /** The raw node ids in the order backward reached them. @returns {string[]} */
  order() {
    if (!this.graph) return [];
    if (!this.replay) this.replay = new BackwardReplay(backwardOrder(this.graph));
    return this.replay.order;
  }

  /** What is lit: the nodes that have received their gradient, and the current one. */
  lit() {
    const r = this.replay;
    if (!r || r.step === 0) return { stepping: false, lit: new Set(), current: null };
    return { stepping: true, lit: r.lit(), current: r.current };
  }

  /**
   * The buttons work only when there is a recorded backward and something drawn to light up.
   * @param {boolean} drawn
   */
  enable(drawn) {
    const order = this.order();
    const off = order.length === 0 || !drawn;
    for (const b of [this.c.resetBtn, this.c.prevBtn, this.c.playBtn, this.c.nextBtn, this.c.endBtn]) b.disabled = off;
    if (order.length === 0) this.c.stepText.textContent = this.t("graphview.step.none");
    else if (!drawn) this.c.stepText.textContent = "";
  }

  describe() {
    const r = this.replay;
    const graph = this.graph;
    const t = this.t;
    if (!r || !graph) return;
    this.stepped = true;
    if (r.step === 0) {
      this.c.stepText.textContent = t("graphview.step.intro", { n: r.length });
      return;
    }
    const node = graph.byId.get(/** @type {string} */ (r.current));
    const path = node?.module ?? "";
    const type = graph.modules.get(path)?.type;
    // "in module 2 (Linear)": a Sequential's paths are bare numbers
    const module = path && type ? `${path} (${type})` : path;
    const what =
      node?.kind === "param"
        ? t(module ? "graphview.step.param_in" : "graphview.step.param", { name: node.name ?? node.label, module })
        : t(module ? "graphview.step.op_in" : "graphview.step.op", { op: node?.backward ?? node?.label, module });
    this.c.stepText.textContent = t("graphview.step.at", { step: r.step, total: r.length, what });
  }

  /**
   * @param {"next"|"prev"|"reset"|"end"} action
   * @param {boolean} [playing] from the timer
   * @param {number} [count] steps to go on at once (a big graph's replay)
   */
  step(action, playing = false, count = 1) {
    this.order();
    const r = this.replay;
    if (!r) return;
    if (!playing) this.stop();
    if (action === "next") r.next(count);
    else if (action === "prev") r.prev();
    else if (action === "reset") r.reset();
    else if (action === "end") r.end();
    this.c.root.dataset.step = String(r.step);
    this.describe();
    this.onStep(r.step);
  }

  stop() {
    if (this.playing) clearInterval(this.playing);
    this.playing = null;
    this.c.playBtn.textContent = this.t("graphview.step.replay");
  }

  togglePlay() {
    if (this.playing) {
      this.stop();
      return;
    }
    this.order();
    const r = this.replay;
    if (!r) return;
    if (r.done) r.reset();
    this.c.playBtn.textContent = this.t("graphview.step.pause");
    const { delay, stride } = playPlan(r.length);
    this.playing = setInterval(() => {
      this.step("next", true, stride);
      if (this.replay?.done) this.stop();
    }, delay);
  }
}
