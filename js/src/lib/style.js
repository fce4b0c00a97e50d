// The view's CSS, scoped under .ng-root. JupyterLab's theme variables are used where they
// exist, so the view follows light and dark themes; the fallbacks serve other front-ends.
export const CSS = `
.ng-root { --ng-fg: var(--jp-ui-font-color0, #1f1f1f); --ng-fg2: var(--jp-ui-font-color2, #666);
  --ng-bg: var(--jp-layout-color0, #fff); --ng-bg2: var(--jp-layout-color2, #eee);
  --ng-border: var(--jp-border-color1, #bbb); --ng-accent: var(--jp-brand-color1, #1976d2);
  --ng-warn: var(--jp-warn-color0, #e65100); --ng-error: var(--jp-error-color0, #c62828);
  font: 12px/1.35 var(--jp-ui-font-family, system-ui, sans-serif); color: var(--ng-fg);
  background: var(--ng-bg); border: 1px solid var(--ng-border); border-radius: 4px;
  display: flex; flex-direction: column; min-width: 0; }
.ng-toolbar, .ng-stepper { display: flex; flex-wrap: wrap; gap: 6px; align-items: center;
  padding: 4px 6px; border-bottom: 1px solid var(--ng-border); background: var(--ng-bg2); }
.ng-stepper { border-bottom: 0; border-top: 1px solid var(--ng-border); }
.ng-root button, .ng-root select, .ng-root input { font: inherit; color: var(--ng-fg);
  background: var(--ng-bg); border: 1px solid var(--ng-border); border-radius: 3px; padding: 1px 6px; }
.ng-root button[aria-pressed="true"] { background: var(--ng-accent); color: #fff; border-color: var(--ng-accent); }
.ng-root button:disabled { opacity: .45; }
.ng-group { display: inline-flex; gap: 0; }
.ng-group button { border-radius: 0; }
.ng-group button:first-child { border-radius: 3px 0 0 3px; }
.ng-group button:last-child { border-radius: 0 3px 3px 0; }
.ng-search { width: 12em; }
.ng-count, .ng-step-text { color: var(--ng-fg2); }
.ng-step-text { flex: 1; min-width: 12em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ng-main { position: relative; display: flex; height: 520px; resize: vertical; overflow: hidden; }
.ng-canvas { flex: 1; position: relative; min-width: 0; }
.ng-svg { width: 100%; height: 100%; display: block; cursor: grab; user-select: none; }
.ng-svg:active { cursor: grabbing; }
.ng-svg:focus { outline: none; }
.ng-item:focus:not(:focus-visible), .ng-cluster-label:focus:not(:focus-visible) { outline: none; }
.ng-item:focus-visible, .ng-cluster-label:focus-visible { outline: 2px solid var(--ng-accent); outline-offset: 2px; }
.ng-message { position: absolute; left: 8px; top: 8px; color: var(--ng-fg2); pointer-events: none; }
.ng-message.ng-error { color: var(--ng-error); pointer-events: auto; }
.ng-notice { display: flex; gap: 8px; align-items: flex-start; padding: 4px 8px;
  border-bottom: 1px solid var(--ng-border); border-left: 4px solid var(--ng-warn); background: var(--ng-bg2); }
.ng-notice[hidden] { display: none; }
.ng-notice-text { flex: 1; }
.ng-notice-close { padding: 0 5px !important; }
.ng-inspector { width: 290px; max-width: 40%; flex: none; overflow: auto; border-left: 1px solid var(--ng-border);
  padding: 6px 8px; background: var(--ng-bg); }
/* a narrow view: the inspector goes under the drawing, which keeps the whole width */
.ng-root { container-type: inline-size; }
@container (max-width: 640px) {
  .ng-main { flex-direction: column; }
  .ng-inspector { width: auto; max-width: none; max-height: 45%; border-left: 0;
    border-top: 1px solid var(--ng-border); }
}
.ng-inspector[hidden] { display: none; }
.ng-inspector header { display: flex; gap: 6px; align-items: baseline; margin-bottom: 4px; }
.ng-title { font-weight: 600; font-size: 13px; overflow-wrap: anywhere; flex: 1; }
.ng-kind { color: var(--ng-fg2); }
.ng-close { padding: 0 5px !important; }
.ng-inspector table { border-collapse: collapse; width: 100%; }
.ng-inspector th { text-align: left; font-weight: normal; color: var(--ng-fg2); padding: 1px 8px 1px 0; white-space: nowrap; vertical-align: top; }
.ng-inspector td { overflow-wrap: anywhere; font-family: var(--jp-code-font-family, monospace); }
.ng-section h4 { margin: 8px 0 2px; font-size: 12px; }
.ng-note, .ng-caption { color: var(--ng-fg2); margin: 4px 0; }
.ng-flag-text { margin: 2px 0; color: var(--ng-warn); }
.ng-flag-text.ng-flag-nan, .ng-flag-text.ng-flag-inf, .ng-flag-text.ng-flag-exploding { color: var(--ng-error); }
.ng-bar { fill: var(--ng-accent); }
.ng-axis { font-size: 9px; fill: var(--ng-fg2); }
.ng-range-line { stroke: var(--ng-fg2); }
.ng-range-box { fill: var(--ng-accent); opacity: .5; }
.ng-range-mean { stroke: var(--ng-fg); stroke-width: 2; }
.ng-legend { display: flex; align-items: center; gap: 6px; padding: 2px 6px; color: var(--ng-fg2); }
.ng-legend[hidden] { display: none; }
.ng-legend-bar { width: 140px; height: 10px; border: 1px solid var(--ng-border); }
.ng-legend-zero { display: inline-block; width: 10px; height: 10px; background: #d0d0d0; border: 1px solid var(--ng-border); }
.ng-legend-nonfinite::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; background: #c0392b; border: 1px solid var(--ng-border); }
.ng-legend-nonfinite[hidden] { display: none; }
.ng-item { cursor: pointer; }
.ng-item .ng-shape { fill: var(--ng-bg); stroke: var(--ng-fg2); stroke-width: 1; }
.ng-item.ng-kind-param .ng-shape, .ng-item.ng-kind-buffer .ng-shape { fill: #e8f0fe; }
.ng-item.ng-kind-input .ng-shape, .ng-item.ng-kind-output .ng-shape { fill: #fff3d6; }
.ng-item.ng-kind-constant .ng-shape { fill: #f3f3f3; }
.ng-item.ng-type-module .ng-shape, .ng-item.ng-type-run .ng-shape { stroke-width: 2; stroke: var(--ng-accent); }
.ng-item .ng-stack { fill: var(--ng-bg); stroke: var(--ng-accent); stroke-width: 1; }
.ng-item text { font: 11px var(--jp-ui-font-family, system-ui, sans-serif); fill: var(--ng-fg); pointer-events: none; }
/* the kinds with a light fill of their own keep dark text in a dark theme too */
.ng-item:is(.ng-kind-param, .ng-kind-buffer, .ng-kind-input, .ng-kind-output, .ng-kind-constant) text { fill: #1f1f1f; }
.ng-item text.ng-sub { font-size: 9.5px; opacity: .8; }
.ng-item.ng-nograd { opacity: .45; }
.ng-item.ng-untracked .ng-shape { fill: #f3f3f3; stroke-dasharray: 4 3; }
.ng-item.ng-untracked text { fill: #666666; }
.ng-item.ng-unused { opacity: .55; }
.ng-item.ng-unused .ng-shape { stroke-dasharray: 4 3; }
.ng-item.ng-selected .ng-shape { stroke: #ff6d00; stroke-width: 3; }
.ng-item.ng-match .ng-shape { stroke: #d500f9; stroke-width: 3; stroke-dasharray: 4 2; }
.ng-item.ng-lit .ng-shape { stroke: #ff1744; stroke-width: 2.5; }
.ng-item.ng-current .ng-shape { stroke: #ff1744; stroke-width: 4; filter: drop-shadow(0 0 4px #ff1744); }
.ng-stepping .ng-item:not(.ng-lit) { opacity: .35; }
.ng-flag circle, .ng-flag rect { stroke: #fff; stroke-width: 1; fill: var(--ng-warn); }
.ng-flag.ng-flag-nan :is(circle, rect), .ng-flag.ng-flag-inf :is(circle, rect), .ng-flag.ng-flag-exploding :is(circle, rect) { fill: var(--ng-error); }
.ng-flag text { fill: #fff !important; font-weight: bold; font-size: 10px !important; }
.ng-edge path { fill: none; stroke: var(--ng-fg2); stroke-width: 1; }
.ng-edge polygon { fill: var(--ng-fg2); stroke: none; }
.ng-edge.ng-lit path { stroke: #ff1744; stroke-width: 2; }
.ng-edge.ng-lit polygon { fill: #ff1744; }
.ng-stepping .ng-edge:not(.ng-lit) { opacity: .3; }
.ng-cluster rect.ng-frame { fill: var(--ng-accent); fill-opacity: .04; stroke: var(--ng-accent); stroke-opacity: .5; stroke-dasharray: 3 2; }
.ng-cluster-label { cursor: pointer; }
.ng-cluster-label rect { fill: transparent; }
.ng-cluster-label text { font: 11px var(--jp-ui-font-family, system-ui, sans-serif); fill: var(--ng-accent); }
.ng-cluster-label:hover text { text-decoration: underline; }
`;
