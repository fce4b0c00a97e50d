// anywidget front-end of ng.LossView: live loss curves of a Monitor, of several Runs, or of
// a GradientWatch's per-layer norms.
//
// Python traits: snapshot (downsampled history, restores the view after a page reload),
// log_scale, smoothing, height, strings (the words, in the user's language).
// Custom messages from Python: {type: "batch", run, metrics, events, best, ...} with two
// float64 buffers (steps, values) per metric, only the new points; {type: "reset",
// snapshot} answers our {type: "hello"}. To Python: {type: "hello"}, {type: "stop"}.
//
// anywidget calls the default export once per model, and gives `initialize`/`render` a
// fresh model proxy each call: the data (one Store per model) lives in this closure, and
// `msg:custom` is registered in `initialize`, so a view rendered later still has it all.
import { setDecimalSeparator } from "./lib/decimal.js";
import { createLossView } from "./loss/view.js";
import { Store } from "./loss/store.js";

export default () => {
  const store = new Store();
  /** @type {Set<ReturnType<typeof createLossView>>} */
  const views = new Set();
  let live = false; // a reset or batch arrived: the snapshot trait is older than our data

  const refresh = () => {
    for (const v of views) v.refresh();
  };

  return {
    /** @param {{model: any}} ctx */
    initialize({ model }) {
      store.load(model.get("snapshot"));
      /** @param {any} msg @param {any[]} buffers */
      const onMessage = (msg, buffers) => {
        if (!msg || typeof msg !== "object") return;
        if (msg.type === "batch") {
          live = true;
          store.addBatch(msg, buffers || []);
        } else if (msg.type === "reset") {
          live = true;
          store.load(msg.snapshot);
        } else return;
        refresh();
      };
      const onSnapshot = () => {
        if (live) return;
        store.load(model.get("snapshot"));
        refresh();
      };
      model.on("msg:custom", onMessage);
      model.on("change:snapshot", onSnapshot);
      // ask the kernel for the full, current history (answered even during a training loop
      // that checks mon.should_stop: the monitor polls widget messages then)
      model.send({ type: "hello" });
      return () => {
        model.off("msg:custom", onMessage);
        model.off("change:snapshot", onSnapshot);
      };
    },

    /** @param {{model: any, el: HTMLElement}} ctx */
    render({ model, el }) {
      setDecimalSeparator(model.get("strings")?.["lossview.decimal"]);
      const view = createLossView(el, {
        store,
        strings: model.get("strings"),
        running: model.get("running"),
        log: model.get("log_scale"),
        smoothing: model.get("smoothing"),
        height: model.get("height"),
        onStop: () => model.send({ type: "stop" }),
        onOption(key, value) {
          model.set(key, value);
          model.save_changes();
        },
      });
      views.add(view);
      const handlers = {
        "change:log_scale": () => view.setOptions({ log: model.get("log_scale") }),
        "change:smoothing": () => view.setOptions({ smoothing: model.get("smoothing") }),
        "change:running": () => view.setOptions({ running: model.get("running") }),
        "change:strings": () => {
          setDecimalSeparator(model.get("strings")?.["lossview.decimal"]);
          view.setOptions({ strings: model.get("strings") });
        },
      };
      for (const [event, fn] of Object.entries(handlers)) model.on(event, fn);
      view.refresh();
      return () => {
        for (const [event, fn] of Object.entries(handlers)) model.off(event, fn);
        views.delete(view);
        view.destroy();
      };
    },
  };
};
