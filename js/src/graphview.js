// anywidget front-end of ng.GraphView: the interactive graph debugger.
// Python traits: graph (the to_json() payload), depth, view, color_by, selected, and
// messages (every word shown: the `graphview.` keys of nngraph.i18n, current language).
// anywidget gives `render` a fresh model proxy each call, so each view keeps its own
// state inside createGraphView; the Graphviz wasm is shared per page (see lib/layout.js).
import { setDecimalSeparator } from "./lib/decimal.js";
import { createGraphView } from "./lib/view.js";

/** @param {{model: any, el: HTMLElement}} ctx */
function render({ model, el }) {
  setDecimalSeparator(model.get("messages")?.["graphview.decimal"]);
  const view = createGraphView(el, {
    graph: model.get("graph"),
    depth: model.get("depth"),
    view: model.get("view"),
    colorBy: model.get("color_by"),
    selected: model.get("selected"),
    height: model.get("height"),
    messages: model.get("messages"),
    onChange(key, value) {
      if (!["selected", "view", "color_by", "depth"].includes(key)) return;
      model.set(key, value);
      model.save_changes();
    },
  });
  const handlers = {
    "change:graph": () => view.setGraph(model.get("graph")),
    "change:view": () => view.setView(model.get("view")),
    "change:color_by": () => view.setColorBy(model.get("color_by")),
    "change:depth": () => {
      const d = model.get("depth");
      if (d != null && d !== view.depth) view.setDepth(d);
    },
    "change:selected": () => view.select(model.get("selected")),
    "change:messages": () => {
      setDecimalSeparator(model.get("messages")?.["graphview.decimal"]);
      view.setMessages(model.get("messages"));
    },
  };
  for (const [event, fn] of Object.entries(handlers)) model.on(event, fn);
  return () => {
    for (const [event, fn] of Object.entries(handlers)) model.off(event, fn);
    view.destroy();
  };
}

export default { render };
