// How numbers are written in the language the views speak: a decimal point in English, a
// decimal comma in Polish. Python sends the separator with the words (`graphview.decimal` /
// `lossview.decimal` in nngraph.i18n), so it follows ng.set_language; one kernel speaks one
// language, so one setting serves every view on the page.

let separator = ".";

/**
 * Use `sep` ("." or ",") from now on; anything else means ".".
 * @param {unknown} sep
 */
export function setDecimalSeparator(sep) {
  separator = sep === "," ? "," : ".";
}

/**
 * A number JavaScript wrote ("0.25", "1.5e-8") as the current language writes it ("0,25").
 * @param {string} text
 * @returns {string}
 */
export function localNumber(text) {
  return separator === "." ? text : text.replace(".", separator);
}
