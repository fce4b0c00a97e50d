// The fixed parts of the graph view around the drawing: toolbar, canvas, inspector, legend and
// the backward stepper. Built once; `labelChrome` puts the words on them (again after a change
// of language), `paintLegend` the colour scale of what is drawn.

import { formatNumber, scaleColor } from "./color.js";
import { h, SVG_NS } from "./dom.js";
import { CSS } from "./style.js";

export const COLOR_BY = ["grad", "value", "none"];

/**
 * The view's elements, appended to `el`; `height` in pixels for the canvas, if given.
 *
 *     const c = buildChrome(document.body, 400); c.svg.tagName // "svg"
 *
 * @param {HTMLElement} el @param {number} [height]
 */
export function buildChrome(el, height) {
  const btn = (/** @type {string} */ cls, text = "") => h("button", { type: "button", class: cls }, text ? [text] : []);
  const search = /** @type {HTMLInputElement} */ (h("input", { type: "search", class: "ng-search" }));
  const colorOptions = COLOR_BY.map((value) => h("option", { value }));
  const c = {
    fwdBtn: btn("ng-view-forward"),
    bwdBtn: btn("ng-view-backward"),
    search,
    count: h("span", { class: "ng-count" }),
    colorOptions,
    colorSel: /** @type {HTMLSelectElement} */ (h("select", { class: "ng-color" }, colorOptions)),
    depthDown: btn("ng-depth-down", "−"),
    depthText: h("span", { class: "ng-depth" }),
    depthUp: btn("ng-depth-up", "+"),
    fitBtn: btn("ng-fit"),
    svg: /** @type {SVGSVGElement} */ (document.createElementNS(SVG_NS, "svg")),
    viewport: document.createElementNS(SVG_NS, "g"),
    message: h("div", { class: "ng-message" }),
    notice: h("div", { class: "ng-notice", role: "status" }),
    noticeText: h("span", { class: "ng-notice-text" }),
    noticeClose: btn("ng-notice-close", "×"),
    inspector: h("aside", { class: "ng-inspector" }),
    legend: h("div", { class: "ng-legend" }),
    legendBar: h("span", { class: "ng-legend-bar" }),
    legendLo: h("span", { class: "ng-legend-lo" }),
    legendHi: h("span", { class: "ng-legend-hi" }),
    legendTitle: h("span", { class: "ng-legend-title" }),
    legendZero: document.createTextNode(""),
    legendNonfinite: h("span", { class: "ng-legend-nonfinite" }),
    resetBtn: btn("ng-step-reset"),
    prevBtn: btn("ng-step-prev", "◀"),
    playBtn: btn("ng-step-play"),
    nextBtn: btn("ng-step-next", "▶"),
    endBtn: btn("ng-step-end"),
    stepText: h("span", { class: "ng-step-text" }),
    root: h("div", { class: "ng-root" }),
  };
  c.svg.setAttribute("class", "ng-svg");
  c.svg.setAttribute("role", "img");
  c.svg.setAttribute("tabindex", "-1"); // the focus goes back to it when the inspector closes
  c.viewport.setAttribute("class", "ng-viewport");
  c.svg.appendChild(c.viewport);
  c.inspector.hidden = true;
  c.notice.append(c.noticeText, c.noticeClose);
  c.notice.hidden = true;
  const toolbar = h("div", { class: "ng-toolbar" }, [
    h("span", { class: "ng-group" }, [c.fwdBtn, c.bwdBtn]),
    c.search,
    c.count,
    c.colorSel,
    h("span", { class: "ng-group" }, [c.depthDown, c.depthUp]),
    c.depthText,
    c.fitBtn,
  ]);
  const main = h("div", { class: "ng-main" }, [h("div", { class: "ng-canvas" }, [c.svg, c.message]), c.inspector]);
  if (height) main.style.height = `${height | 0}px`;
  c.legend.append(
    c.legendTitle,
    c.legendLo,
    c.legendBar,
    c.legendHi,
    h("span", { class: "ng-legend-zero" }),
    c.legendZero,
    c.legendNonfinite,
  );
  const stepper = h("div", { class: "ng-stepper" }, [c.resetBtn, c.prevBtn, c.playBtn, c.nextBtn, c.endBtn, c.stepText]);
  c.root.append(h("style", {}, [CSS]), toolbar, c.notice, main, c.legend, stepper);
  el.appendChild(c.root);
  return c;
}

/** @typedef {ReturnType<typeof buildChrome>} Chrome */

/**
 * Put the words of `t` (messages.js) on the fixed parts; `playing`: the replay runs.
 * @param {Chrome} c @param {(key:string, params?:any) => string} t @param {boolean} playing
 */
export function labelChrome(c, t, playing) {
  const label = (/** @type {HTMLElement} */ button, /** @type {string|null} */ text, /** @type {string} */ hint) => {
    if (text !== null) button.textContent = text;
    button.setAttribute("title", hint);
  };
  label(c.fwdBtn, t("graphview.forward"), t("graphview.forward_hint"));
  label(c.bwdBtn, t("graphview.backward"), t("graphview.backward_hint"));
  c.search.placeholder = t("graphview.search");
  c.search.setAttribute("aria-label", t("graphview.search_hint"));
  c.colorSel.setAttribute("aria-label", t("graphview.color_by"));
  c.colorOptions.forEach((o, i) => {
    o.textContent = t(`graphview.color.${COLOR_BY[i]}`);
  });
  label(c.depthDown, null, t("graphview.depth_down_hint"));
  label(c.depthUp, null, t("graphview.depth_up_hint"));
  label(c.fitBtn, t("graphview.fit"), t("graphview.fit_hint"));
  label(c.noticeClose, null, t("graphview.close"));
  c.inspector.setAttribute("aria-label", t("graphview.inspector"));
  c.legendZero.data = ` ${t("graphview.legend.zero")}`;
  c.legendNonfinite.textContent = t("graphview.legend.nonfinite");
  label(c.resetBtn, t("graphview.step.start"), t("graphview.step.start_hint"));
  label(c.prevBtn, null, t("graphview.step.prev_hint"));
  label(c.playBtn, t(playing ? "graphview.step.pause" : "graphview.step.replay"), t("graphview.step.replay_hint"));
  label(c.nextBtn, null, t("graphview.step.next_hint"));
  label(c.endBtn, t("graphview.step.end"), t("graphview.step.end_hint"));
}

/**
 * Show the colour scale of the drawing (`scale` from color.js `logScale`), hidden when nothing
 * is coloured (`scale` null) or nothing has a value.
 * @param {Chrome} c @param {{lo:number, hi:number, empty:boolean}|null} scale
 * @param {string} colorBy @param {(key:string) => string} t
 */
export function paintLegend(c, scale, colorBy, t) {
  c.legend.hidden = !scale || (scale.empty && !scale.nonfinite);
  if (!scale) return;
  c.legendNonfinite.hidden = !scale.nonfinite;
  c.legendTitle.textContent = t(colorBy === "grad" ? "graphview.legend.grad" : "graphview.legend.value");
  c.legendLo.textContent = formatNumber(10 ** scale.lo);
  c.legendHi.textContent = formatNumber(10 ** scale.hi);
  c.legendBar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map(scaleColor).join(", ")})`;
}
