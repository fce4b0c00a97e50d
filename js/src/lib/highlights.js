// What the graph view marks on its drawing: the selected box, the boxes the search box matches
// (and their count beside it), and in the backward replay the boxes whose gradient has arrived
// and the current one. It also listens to the search box; the view moves to a match.

import { findNodes } from "./graph.js";
import { plural } from "./messages.js";

/** @typedef {import("./view.js").GraphViewState} GraphViewState */
/** @typedef {import("./chrome.js").Chrome} Chrome */
/** @typedef {(key:string, params?:any) => string} Words */

/** How long typing in the search box pauses before its matches are marked, in ms. */
const SEARCH_DELAY = 120;

/**
 * The marks on the drawing of the view's state `st`, as CSS classes: `ng-selected`,
 * `ng-match`, `ng-lit` and `ng-current` on the boxes, `ng-lit` on the edges and `ng-stepping`
 * on the view while the replay runs. `onEnter()` runs when Enter is pressed in the search box.
 *
 *     const highlights = new Highlights(st, chrome, stepper, t, () => view.nextMatch());
 *     highlights.search("conv"); // the ids of the nodes named like "conv", marked and counted
 */
export class Highlights {
  /**
   * @param {GraphViewState} st @param {Chrome} c @param {import("./stepper.js").Stepper} stepper
   * @param {Words} t @param {() => void} onEnter
   */
  constructor(st, c, stepper, t, onEnter) {
    this.st = st;
    this.c = c;
    this.stepper = stepper;
    this.t = t;
    /** @type {any} */ this.timer = null;
    c.search.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        st.query = c.search.value;
        st.matchIndex = -1;
        this.updateCount();
        this.apply();
      }, SEARCH_DELAY);
    });
    c.search.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        st.query = c.search.value;
        this.updateCount();
        onEnter();
      }
    });
  }

  /** Say it in other words (the count). @param {Words} t */
  setWords(t) {
    this.t = t;
    this.updateCount();
  }

  /** Put the marks on what is drawn now (nothing when nothing is drawn). */
  apply() {
    const { st, c } = this;
    const scene = st.scene;
    const vis = st.vis;
    if (!scene || !vis || !st.graph) return;
    const selectedItem = st.selected ? vis.rep.get(st.selected) ?? (vis.items.has(st.selected) ? st.selected : null) : null;
    const matches = new Set(this.matches().map((id) => vis.rep.get(id)));
    const { stepping, lit, current } = this.stepper.lit();
    const litItems = new Set([...lit].map((id) => vis.rep.get(id)));
    const currentItem = current ? vis.rep.get(current) : null;
    for (const [id, g] of scene.itemEls) {
      g.classList.toggle("ng-selected", id === selectedItem);
      g.classList.toggle("ng-match", matches.has(id));
      g.classList.toggle("ng-lit", litItems.has(id));
      g.classList.toggle("ng-current", id === currentItem);
    }
    for (const e of scene.edgeEls) {
      // gradient flows from target back to source: lit once both ends have run
      e.el.classList.toggle("ng-lit", litItems.has(e.source) && litItems.has(e.target));
    }
    c.root.classList.toggle("ng-stepping", stepping);
  }

  /** The raw ids of the nodes the search matches, drawn or hidden. @returns {string[]} */
  matches() {
    return this.st.graph ? findNodes(this.st.graph, this.st.query) : [];
  }

  /** Show how many nodes match beside the search box (nothing when it is empty). */
  updateCount() {
    const n = this.matches().length;
    this.c.count.textContent = this.st.query.trim() ? this.t(`graphview.matches.${plural(n)}`, { n }) : "";
  }

  /**
   * Search for `q` as if typed in the box, at once: mark and count its matches.
   * @param {string} q @returns {string[]} the matches' raw ids
   */
  search(q) {
    this.c.search.value = q;
    this.st.query = q;
    this.updateCount();
    this.apply();
    return this.matches();
  }

  /**
   * The match after the last one moved to (the first again after the last), null when none.
   * @returns {string|null} a raw node id
   */
  nextMatch() {
    const matches = this.matches();
    if (!this.st.graph || !matches.length) return null;
    this.st.matchIndex = (this.st.matchIndex + 1) % matches.length;
    return matches[this.st.matchIndex];
  }

  /** Forget a search still waiting for typing to pause. */
  destroy() {
    clearTimeout(this.timer);
  }
}
