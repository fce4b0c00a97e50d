// Names from user code drawn as text read left to right, whatever they hold: a mark that
// turns the rest of a line right to left (U+202E, "fc1\u202e.weight" drawn as
// "fc1thgiew.") is shown escaped, as the text output and the static pictures show it
// (nngraph/_oneline.py). Letters of right-to-left scripts are left alone.

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with its direction marks written out as `\u202e`.
 * @param {unknown} text
 * @returns {string}
 * @example leftToRight("fc1\u202e.weight") // "fc1\\u202e.weight"
 */
export function leftToRight(text) {
  return String(text).replace(BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
