// The graph view from the keyboard: Tab goes from box to box and to the frames' titles (render.js
// gives them tabindex 0), Enter or Space does what a click does and keeps the focus on what was
// opened or closed, Escape closes the inspector.

/**
 * Listen to the keys on the view's elements.
 *
 *     listenToKeys(chrome, activate, () => st.selected);
 *
 * @param {{root: HTMLElement, svg: SVGSVGElement, inspector: HTMLElement}} c the chrome
 * @param {(target: Element) => Promise<string|null>} activate what a click on `target` does;
 *   once drawn, the id of the item (or `m:path` of the frame) to focus after it
 * @param {() => string} selected the id of the selected node ("" for none)
 */
export function listenToKeys(c, activate, selected) {
  const { svg } = c;
  // A click must not take the focus from the notebook: JupyterLab's Shift+Enter, Ctrl+Enter and
  // command-mode keys go on working after a box was clicked. Only Tab brings the focus here.
  svg.addEventListener("mousedown", (ev) => ev.preventDefault(), true); // before d3-zoom stops it
  svg.addEventListener("keydown", async (ev) => {
    if (ev.key !== "Enter" && ev.key !== " ") return;
    if (ev.shiftKey || ev.ctrlKey || ev.altKey || ev.metaKey) return; // the notebook's keys
    const target = /** @type {Element} */ (ev.target);
    if (!target.closest?.(".ng-item, .ng-cluster-label")) return;
    ev.preventDefault(); // Space would scroll the notebook
    const next = await activate(target);
    if (target.isConnected) return; // a node selected: the focus stays on it
    // drawn anew: the focus goes to the frame just opened, or the box just closed
    const path = next?.replace(/^m:/, "");
    const focus = [...svg.querySelectorAll(".ng-item, .ng-cluster-label")].find(
      (e) => next != null && (e.getAttribute("data-id") === next || (next.startsWith("m:") && e.getAttribute("data-path") === path)),
    );
    /** @type {SVGElement} */ (focus ?? svg).focus();
  });
  c.root.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape" || c.inspector.hidden) return;
    const inside = c.inspector.contains(document.activeElement);
    const inspected = selected();
    /** @type {HTMLElement|null} */ (c.inspector.querySelector(".ng-close"))?.click(); // as its × does
    if (!inside) return; // the focus was on a box: it stays there
    const box = inspected ? svg.querySelector(`.ng-item[data-id="${CSS.escape(inspected)}"]`) : null;
    /** @type {SVGElement} */ (box ?? svg).focus();
  });
}
