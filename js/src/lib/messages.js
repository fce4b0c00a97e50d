// The words the graph view shows. They come from Python (the `messages` trait: the
// `graphview.` keys of nngraph.i18n in the current language), so they follow
// ng.set_language. messages.en.json holds the English texts, used only where a key is
// missing (a test checks it matches the Python catalog). Every result is plain text for
// textContent or a plain attribute, never HTML.

import DEFAULTS from "./messages.en.json";

/** @type {Record<string, string>} */
export const DEFAULT_MESSAGES = DEFAULTS;

/**
 * Plural category for counted words, "one" | "few" | "many". The Polish rule (1 trafienie,
 * 2-4 trafienia, 5+ trafień; 12-14 take "many"); English gives "few" and "many" the same text.
 * @param {number} n
 */
export function plural(n) {
  const a = Math.abs(Math.trunc(n));
  if (a === 1) return "one";
  const d = a % 10;
  const dd = a % 100;
  return d >= 2 && d <= 4 && !(dd >= 12 && dd <= 14) ? "few" : "many";
}

/**
 * @typedef {((key: string, fields?: Record<string, unknown>, fallback?: string) => string) & {has: (key: string) => boolean}} Translate
 */

/**
 * A function `t(key, fields)` giving the text of `key` from `messages` (else the English
 * default, else `fallback`, else the key) with `{fields}` filled in; `t.has(key)` says whether
 * a text exists.
 * @param {Record<string, unknown>|null|undefined} messages
 * @returns {Translate}
 */
export function translator(messages) {
  const own = messages && typeof messages === "object" ? messages : {};
  /** @param {string} key */
  const lookup = (key) => {
    const v = Object.prototype.hasOwnProperty.call(own, key) ? own[key] : undefined;
    if (typeof v === "string" && v) return v;
    return Object.prototype.hasOwnProperty.call(DEFAULT_MESSAGES, key) ? DEFAULT_MESSAGES[key] : undefined;
  };
  const t = /** @type {Translate} */ (
    (key, fields = {}, fallback) => {
      const text = lookup(key) ?? fallback ?? key;
      return text.replace(/\{(\w+)\}/g, (m, name) => (Object.prototype.hasOwnProperty.call(fields, name) ? String(fields[name]) : m));
    }
  );
  t.has = (key) => lookup(key) !== undefined;
  return t;
}

/** English, for callers that were given no messages. */
export const EN = translator(null);
