// The size of the loss view's panels, DOM-free: how many side by side, and how tall, so that
// the whole view (toolbar, legend, panels, table) fits on a small classroom screen.

export const GAP = 8;
/** The narrowest panel: two still fit side by side in a notebook on a 1024 px wide screen. */
export const MIN_PANEL = 280;
/** The lowest plot the view shrinks to (uPlot's height, axes included). */
export const MIN_HEIGHT = 180;
/** What the notebook's own bars and the first lines of the cell take of the window's height. */
export const SCREEN_MARGIN = 200;

/**
 * The grid of panels: as many columns as fit (each at least MIN_PANEL wide, no more than
 * the panels) and each plot's height, `height` or less so that the whole view fits in
 * `room` px, but never below MIN_HEIGHT (nor above `height`).
 * @param {{count: number, width: number, height: number, room: number, fixed: number,
 *   extra: number}} o `width`: the grid's; `room`: the height the view may take; `fixed`:
 *   the view's height without the panels; `extra`: what a panel adds to its plot (title, legend)
 * @returns {{cols: number, rows: number, width: number, height: number}}
 */
export function panelGrid({ count, width, height, room, fixed, extra }) {
  const fit = Math.max(1, Math.floor((width + GAP) / (MIN_PANEL + GAP)));
  const cols = Math.min(fit, Math.max(1, count));
  const rows = Math.ceil(Math.max(1, count) / cols);
  const each = Math.floor((room - fixed + GAP) / rows) - GAP - extra;
  return {
    cols,
    rows,
    width: Math.floor((width - GAP * (cols - 1)) / cols),
    height: Math.min(height, Math.max(MIN_HEIGHT, each)),
  };
}
