// CSS of the loss view: uPlot's own stylesheet (MIT, copied from uplot/dist/uPlot.min.css so
// the bundle stays one self-contained ES module) and the view's classes, prefixed ng-loss.

const UPLOT_CSS =
  ".uplot, .uplot *, .uplot *::before, .uplot *::after {box-sizing: border-box;}.uplot {font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, \"Noto Sans\", sans-serif, \"Apple Color Emoji\", \"Segoe UI Emoji\", \"Segoe UI Symbol\", \"Noto Color Emoji\";line-height: 1.5;width: min-content;}.u-title {text-align: center;font-size: 18px;font-weight: bold;}.u-wrap {position: relative;user-select: none;}.u-over, .u-under {position: absolute;}.u-under {overflow: hidden;}.uplot canvas {display: block;position: relative;width: 100%;height: 100%;}.u-axis {position: absolute;}.u-legend {font-size: 14px;margin: auto;text-align: center;}.u-inline {display: block;}.u-inline * {display: inline-block;}.u-inline tr {margin-right: 16px;}.u-legend th {font-weight: 600;}.u-legend th > * {vertical-align: middle;display: inline-block;}.u-legend .u-marker {width: 1em;height: 1em;margin-right: 4px;background-clip: padding-box !important;}.u-inline.u-live th::after {content: \":\";vertical-align: middle;}.u-inline:not(.u-live) .u-value {display: none;}.u-series > * {padding: 4px;}.u-series th {cursor: pointer;}.u-legend .u-off > * {opacity: 0.3;}.u-select {background: rgba(0,0,0,0.07);position: absolute;pointer-events: none;}.u-cursor-x, .u-cursor-y {position: absolute;left: 0;top: 0;pointer-events: none;will-change: transform;}.u-hz .u-cursor-x, .u-vt .u-cursor-y {height: 100%;border-right: 1px dashed #607D8B;}.u-hz .u-cursor-y, .u-vt .u-cursor-x {width: 100%;border-bottom: 1px dashed #607D8B;}.u-cursor-pt {position: absolute;top: 0;left: 0;border-radius: 50%;border: 0 solid;pointer-events: none;will-change: transform;/*this has to be !important since we set inline \"background\" shorthand */background-clip: padding-box !important;}.u-axis.u-off, .u-select.u-off, .u-cursor-x.u-off, .u-cursor-y.u-off, .u-cursor-pt.u-off {display: none;}";

const VIEW_CSS = `
.ng-loss{font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--jp-ui-font-color1,#222);position:relative;padding:4px 0}
.ng-loss-bar{display:flex;flex-wrap:wrap;align-items:center;gap:14px;margin:0 0 6px}
.ng-loss-bar label{display:inline-flex;align-items:center;gap:4px;cursor:pointer}
.ng-loss-stop{font:inherit;padding:3px 12px;border-radius:4px;border:1px solid #b71c1c;background:#d32f2f;color:#fff;cursor:pointer}
.ng-loss-stop:disabled{background:#9e9e9e;border-color:#757575;cursor:default}
.ng-loss-progress{font-variant-numeric:tabular-nums;color:var(--jp-ui-font-color2,#555);margin:0 0 4px;min-height:1.4em}
.ng-loss-panels{display:grid;gap:8px}
.ng-loss-panel{position:relative;min-width:0}
.ng-loss-title{font-weight:600;margin:2px 0 0 4px;overflow-wrap:anywhere}
.ng-loss-panel .u-legend{font-size:12px;max-height:7.5em;overflow-y:auto;max-width:100%}
.ng-loss-panel .u-legend th{white-space:normal;overflow-wrap:anywhere}
.ng-loss-legend{display:flex;flex-wrap:wrap;align-items:center;gap:2px 12px;margin:0 0 4px}
.ng-loss-legend[hidden]{display:none}
.ng-loss-key{font:inherit;color:inherit;background:none;border:0;padding:1px 0;cursor:pointer;display:inline-flex;align-items:center;gap:4px}
.ng-loss-key[aria-pressed=false]{opacity:.35;text-decoration:line-through}
.ng-loss-styles{display:inline-flex;gap:12px;margin-left:auto;color:var(--jp-ui-font-color2,#555)}
.ng-loss-styles>span{display:inline-flex;align-items:center;gap:4px}
.ng-loss-empty{color:var(--jp-ui-font-color2,#666);padding:24px 8px}
.ng-loss-empty-event{white-space:pre-line;margin-top:8px;color:var(--jp-ui-font-color1,#222)}
.ng-loss-mark{position:absolute;top:0;bottom:0;width:0;pointer-events:none}
.ng-loss-mark>i{position:absolute;top:0;bottom:0;left:0;border-left:1px dashed currentColor;opacity:.7}
.ng-loss-mark>b{position:absolute;top:-1px;left:-7px;width:14px;height:14px;pointer-events:auto;cursor:help;outline:none}
.ng-loss-event{color:#e65100}
.ng-loss-event.ng-stop{color:#c62828}
.ng-loss-event.ng-stop>i{border-left-style:solid}
.ng-loss-event>b{clip-path:polygon(0 0,100% 0,50% 100%);background:currentColor}
.ng-loss-best{color:#2e7d32}
.ng-loss-best>b{border-radius:50%;border:3px solid currentColor;background:#fff;width:12px;height:12px;left:-6px}
.ng-loss .u-select{background:currentColor;opacity:.1}
.ng-loss-readout{position:absolute;z-index:5;pointer-events:none;padding:3px 6px;border-radius:4px;border:1px solid var(--jp-border-color2,#ccc);background:var(--jp-layout-color1,#fff);color:var(--jp-ui-font-color1,#222);font-size:12px;line-height:1.35;white-space:nowrap;font-variant-numeric:tabular-nums}
.ng-loss-readout[hidden]{display:none}
.ng-loss-readout-step{color:var(--jp-ui-font-color2,#555)}
.ng-loss-readout i{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
.ng-loss-tip{position:absolute;z-index:10;max-width:380px;padding:6px 8px;border-radius:4px;background:#263238;color:#fff;font-size:12px;line-height:1.35;pointer-events:none;white-space:pre-line}
.ng-loss-tip[hidden]{display:none}
.ng-loss-table{display:block;max-width:100%;overflow-x:auto;border-collapse:collapse;margin:6px 0 0;font-size:12px;font-variant-numeric:tabular-nums}
.ng-loss-table[hidden]{display:none}
.ng-loss-table td{white-space:nowrap}
.ng-loss-table th,.ng-loss-table td{padding:2px 6px;text-align:right;border-bottom:1px solid var(--jp-border-color2,#ddd)}
.ng-loss-table th:first-child,.ng-loss-table td:first-child{text-align:left}
.ng-loss-table tr.ng-win td{font-weight:600}
`;

/** One <style> element per page, shared by every loss view. */
export function ensureStyle(doc = document) {
  if (doc.getElementById("ng-loss-style")) return;
  const style = doc.createElement("style");
  style.id = "ng-loss-style";
  style.textContent = UPLOT_CSS + "\n" + VIEW_CSS;
  doc.head.appendChild(style);
}
