// Tiny DOM helpers. Text from the graph (names come from user code and can contain
// anything, "<img src=x onerror=...>" included) only ever goes in through textContent or
// setAttribute of a plain attribute: this file has no innerHTML and never will. Text and
// tooltips read left to right (see text.js).

import { leftToRight } from "./text.js";

export const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Create an HTML element.
 * @param {string} tag
 * @param {Record<string, string|number|boolean|null|undefined>} [attrs] plain attributes
 *   (`class`, `title`, `data-*`, `aria-*`, ...); event handlers are refused
 * @param {(Node|string|null|undefined|false)[]} [children] strings become text nodes
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * Create an SVG element.
 * @param {string} tag
 * @param {Record<string, string|number|boolean|null|undefined>} [attrs]
 * @param {(Node|string|null|undefined|false)[]} [children]
 * @returns {SVGElement}
 */
export function s(tag, attrs = {}, children = []) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(name) || /^(href|xlink:href|src|srcdoc)$/i.test(name)) {
      throw new Error(`refusing to set attribute ${name}`);
    }
    const text = value === true ? "" : String(value);
    el.setAttribute(name, /^(title|aria-label)$/i.test(name) ? leftToRight(text) : text);
  }
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" ? document.createTextNode(leftToRight(c)) : c);
  }
}

/** Remove every child of `el`. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}
