// The colours uPlot paints on its canvas: tick numbers, axis titles, tick marks and grid. A
// canvas takes no colour from CSS, so they are read from the page: JupyterLab's theme (light
// text and a dim grid in a dark theme), a light theme's colours where there is none.

/** A light theme's colours: where the page has no JupyterLab theme, or the view is detached. */
export const LIGHT = Object.freeze({ text: "#222", grid: "#e0e0e0" });

/**
 * The colours of the axes of a plot drawn in `el`: the text colour the view's CSS gives `el`
 * (JupyterLab's `--jp-ui-font-color1`) and `--jp-border-color2` for the grid.
 *
 *     canvasColors(document.createElement("div")) // detached: LIGHT
 *
 * @param {Element} el
 * @returns {{text: string, grid: string}}
 */
export function canvasColors(el) {
  if (!el.isConnected) return { ...LIGHT };
  const style = getComputedStyle(el);
  return {
    text: style.color || LIGHT.text,
    grid: style.getPropertyValue("--jp-border-color2").trim() || LIGHT.grid,
  };
}

/**
 * uPlot's options for an axis in these colours.
 * @param {{text: string, grid: string}} colors
 */
export function axisColors(colors) {
  return {
    stroke: colors.text,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1 },
  };
}
