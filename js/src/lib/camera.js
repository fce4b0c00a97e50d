// Pan and zoom of the drawing (d3-zoom): fit it to the canvas, keep a clicked box where it was
// after the drawing changes, centre a search match at a readable size.

import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";

/** The zoom a search match is shown at, at least: labels read at their own size. */
export const READABLE = 1;

/** The least zoom a drawing opens at (its 11 px labels drawn 6.6 px high): a bigger drawing
 * opens at its top, and "Fit" shows it whole. */
export const LEGIBLE = 0.6;

/** @typedef {{x:number, y:number}} Point */

/**
 * Pan and zoom on `svg`, applied to its `viewport` group.
 *
 *     const camera = new Camera(svg, viewport); camera.fit({ w: 300, h: 200 });
 */
export class Camera {
  /** @param {SVGSVGElement} svg @param {SVGElement} viewport */
  constructor(svg, viewport) {
    this.svg = svg;
    /** the user panned or zoomed since the last fit: a resize then leaves the view alone */
    this.moved = false;
    /** the canvas's size when last fitted, "WxH" */
    this.size = "";
    this.zoomer = zoom()
      .scaleExtent([0.02, 4])
      .on("zoom", (ev) => {
        viewport.setAttribute("transform", ev.transform.toString());
        if (ev.sourceEvent) this.moved = true; // a wheel or a drag, not fit() or keep()
      });
    this.svgSel = select(svg);
    this.svgSel.call(/** @type {any} */ (this.zoomer)).on("dblclick.zoom", null);
  }

  /** The canvas's width and height (800 x 500 before it is on the page). */
  get canvas() {
    return { W: this.svg.clientWidth || 800, H: this.svg.clientHeight || 500 };
  }

  /** The current transform. */
  get transform() {
    return /** @type {any} */ (this.svg).__zoom ?? zoomIdentity;
  }

  /** @param {number} x @param {number} y @param {number} k */
  moveTo(x, y, k) {
    this.svgSel.call(/** @type {any} */ (this.zoomer).transform, zoomIdentity.translate(x, y).scale(k));
  }

  /**
   * Show the whole drawing (`box`: its size), centred, at most 1.5x; with `least`, never
   * below that zoom: a drawing too big for the canvas then shows from its top (where the data
   * comes in, or the loss in the backward view) and its left edge if it is also too wide.
   * @param {{w:number, h:number}} box @param {number} [least]
   */
  fit(box, least = 0) {
    const { W, H } = this.canvas;
    const k = Math.max(Math.min((W - 20) / box.w, (H - 20) / box.h, 1.5), least);
    const start = (/** @type {number} */ room, /** @type {number} */ size) => (size * k <= room - 20 ? (room - size * k) / 2 : 10);
    this.moveTo(start(W, box.w), start(H, box.h), k);
    this.moved = false;
    this.size = `${W}x${H}`;
  }

  /**
   * Put the drawing's point `at` back where the screen point `was` is, at the same zoom.
   * @param {Point} at @param {Point} was
   */
  keep(at, was) {
    const k = this.transform.k;
    this.moveTo(was.x - at.x * k, was.y - at.y * k, k);
  }

  /**
   * Centre the screen point `pos`, zoomed in to at least `READABLE` (a search match in a
   * fitted ResNet stayed a few pixels wide).
   * @param {Point} pos
   */
  centre(pos) {
    const { W, H } = this.canvas;
    const now = this.transform;
    const k = Math.max(now.k, READABLE);
    const [x, y] = now.invert([pos.x, pos.y]); // the point's place in the drawing
    this.moveTo(W / 2 - x * k, H / 2 - y * k, k);
  }

  /**
   * Where element `el` of the drawing is on the canvas: its centre, or 10 px below its top
   * for a tall one (a module's frame: its title).
   * @param {Element} el
   * @returns {Point}
   */
  screenPos(el) {
    const r = el.getBoundingClientRect();
    const s = this.svg.getBoundingClientRect();
    return { x: r.left + r.width / 2 - s.left, y: r.top + Math.min(r.height / 2, 10) - s.top };
  }

  destroy() {
    this.svgSel.on(".zoom", null);
  }
}
