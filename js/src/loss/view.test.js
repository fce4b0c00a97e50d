import { afterEach, describe, expect, it } from "vitest";
import { setDecimalSeparator } from "../lib/decimal.js";
import { createLossView } from "./view.js";
import { markSpecs } from "./markers.js";
import { PALETTE } from "./panel.js";

const XSS = '<img src=x onerror="window.__pwned=1">';

function monitorSnapshot() {
  const steps = [1, 2, 3, 4, 5, 6];
  return {
    kind: "monitor",
    metric: "val_loss",
    mode: "min",
    runs: {
      "": {
        metrics: {
          loss: { step: steps, value: [1, 0.7, 0.5, 0.4, 0.3, 0.25] },
          val_loss: { step: steps, value: [1.1, 0.8, 0.6, 0.65, 0.7, "nan"] },
          acc: { step: steps, value: [0.5, 0.6, 0.7, 0.8, 0.85, 0.9] },
          [XSS]: { step: steps, value: [1, 2, 3, 4, 5, 6] },
        },
        events: [
          { step: 5, epoch: 5, detector: "GL(5)", kind: "overfitting", message: `validation loss rose ${XSS}`, stop: true },
        ],
        best: { step: 3, epoch: 3, metric: "val_loss", value: 0.6 },
        epoch: 6,
        should_stop: true,
      },
    },
    progress: { step: 6, epoch: 6, time: 3, total: 10 },
  };
}

/** @type {ReturnType<typeof createLossView>[]} */
const views = [];
function mount(opts = {}) {
  const el = document.createElement("div");
  el.style.width = "900px";
  document.body.appendChild(el);
  const view = createLossView(el, opts);
  views.push(view);
  return { el, view };
}
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
  document.body.replaceChildren();
});

describe("the loss view", () => {
  it("writes a metric name holding a right-to-left override as it reads, escaped", () => {
    const { el, view } = mount();
    const snap = monitorSnapshot();
    snap.runs[""].metrics["acc\u202ereversed"] = { step: [1, 2], value: [1, 2] };
    view.load(snap);
    view.flush();
    const titles = [...el.querySelectorAll(".ng-loss-title")].map((t) => t.textContent ?? "");
    expect(titles).toContain("acc\\u202ereversed");
    expect(el.textContent).not.toContain("\u202e");
  });

  it("draws one panel per metric, train and validation overlaid", () => {
    const { el, view } = mount();
    view.load(monitorSnapshot());
    view.flush();
    const panels = el.querySelectorAll(".ng-loss-panel");
    expect([...panels].map((p) => p.getAttribute("data-panel"))).toEqual(["loss", "acc", XSS]);
    expect(panels[0].querySelectorAll("canvas").length).toBeGreaterThan(0);
    // legend: the x series + loss + val_loss
    expect(panels[0].querySelectorAll(".u-legend .u-series").length).toBe(3);
    expect(el.querySelector(".ng-loss-progress")?.textContent).toMatch(/^epoch 6\/10 · step 6/);
  });

  it("waits for gradients, not for mon.log, in a gradient-norm view", () => {
    const { el, view } = mount();
    view.load({ kind: "gradients", metric: "", mode: "min", runs: {} });
    view.flush();
    expect(el.querySelector(".ng-loss-empty")?.textContent).toMatch(/first gradients/);
  });

  it("says that steps ran without a gradient, and the watch's events, instead of waiting", () => {
    // zero_grad() between backward() and step(): the watch has steps and an event, no norms
    const { el, view } = mount();
    const message = `optimizer.step() ran 3 times in a row while no parameter had a gradient ${XSS}`;
    const events = [
      { step: 3, epoch: 3, unit: "step", detector: "GradientWatch", kind: "gradient", message_id: "grad.step_none", message, stop: false },
    ];
    view.load({ kind: "gradients", metric: "", mode: "min", runs: { "": { metrics: {}, events, best: null } } });
    view.flush();
    const empty = /** @type {HTMLElement} */ (el.querySelector(".ng-loss-empty"));
    expect(empty.hidden).toBe(false);
    expect(empty.textContent).not.toMatch(/waiting|first gradients/);
    expect(empty.textContent).toContain("no parameter had a gradient at step time");
    expect(empty.textContent).toContain("zero_grad(), backward(), step()");
    const entry = /** @type {HTMLElement} */ (empty.querySelector(".ng-loss-empty-event"));
    expect(entry.textContent).toBe(`step 3 · GradientWatch\n${message}`);
    expect(el.querySelector("img")).toBeNull(); // the message stays text
  });

  it("says it as soon as a live batch brings the event, with no norms in it", () => {
    const { el, view } = mount();
    view.load({ kind: "gradients", metric: "", mode: "min", runs: {} });
    view.flush();
    const event = { step: 3, epoch: 3, unit: "step", detector: "GradientWatch", message_id: "grad.step_none", message: "m", stop: false };
    view.addBatch({ type: "batch", run: "", metrics: [], events: [event] }, []);
    view.flush();
    const text = el.querySelector(".ng-loss-empty")?.textContent ?? "";
    expect(text).toContain("no parameter had a gradient at step time");
    expect(text).not.toMatch(/first gradients/);
  });

  it("says it in the view's language", () => {
    const { el, view } = mount({
      strings: { "lossview.no_gradients": "optimizer.step() się wykonuje, ale ...", "lossview.event_step": "krok {epoch} · {detector}\n{message}" },
    });
    const events = [{ step: 3, epoch: 3, unit: "step", detector: "GradientWatch", message_id: "grad.step_none", message: "m", stop: false }];
    view.load({ kind: "gradients", runs: { "": { metrics: {}, events } } });
    view.flush();
    const lines = [...el.querySelectorAll(".ng-loss-empty > div")].map((d) => d.textContent);
    expect(lines).toEqual(["optimizer.step() się wykonuje, ale ...", "krok 3 · GradientWatch\nm"]);
  });

  it("says nothing of waiting once gradient norms have come", () => {
    const { el, view } = mount({ log: true });
    const steps = [1, 2, 3];
    view.load({
      kind: "gradients",
      metric: "0.weight",
      mode: "min",
      runs: { "": { metrics: { "0.weight": { step: steps, value: [0, 0, 0] }, "1.weight": { step: steps, value: [0.5, 0.2, 0.1] } }, events: [], best: null, epoch: 0 } },
    });
    view.flush();
    expect(el.querySelector(".ng-loss-progress")?.textContent).toBe("");
  });

  it("marks the best epoch and the events, explained on hover, as text only", () => {
    const { el, view } = mount();
    view.load(monitorSnapshot());
    view.flush();
    const loss = /** @type {HTMLElement} */ (el.querySelector('[data-panel="loss"]'));
    const best = loss.querySelectorAll(".ng-loss-best");
    const events = loss.querySelectorAll(".ng-loss-event");
    expect(best.length).toBe(1);
    expect(events.length).toBe(1);
    expect(events[0].classList.contains("ng-stop")).toBe(true);
    // only the primary panel carries markers
    expect(el.querySelectorAll('[data-panel="acc"] .ng-loss-mark').length).toBe(0);
    const knob = /** @type {HTMLElement} */ (events[0].querySelector("b"));
    knob.dispatchEvent(new MouseEvent("mouseenter"));
    const tip = /** @type {HTMLElement} */ (el.querySelector(".ng-loss-tip"));
    expect(tip.hidden).toBe(false);
    expect(tip.textContent).toContain("GL(5)");
    expect(tip.textContent).toContain(XSS);
    expect(el.querySelector("img")).toBeNull();
    expect(/** @type {any} */ (window).__pwned).toBeUndefined();
    knob.dispatchEvent(new MouseEvent("mouseleave"));
    expect(tip.hidden).toBe(true);
  });

  it("keeps a shown explanation while new events arrive", () => {
    const { el, view } = mount();
    view.load(monitorSnapshot());
    view.flush();
    const knob = /** @type {HTMLElement} */ (el.querySelector(".ng-loss-event > b"));
    knob.dispatchEvent(new MouseEvent("mouseenter"));
    const event = { step: 6, epoch: 6, detector: "UP(2)", kind: "x", message: "again", stop: false };
    view.addBatch({ run: "", metrics: [], events: [event] }, []);
    view.flush();
    expect(el.querySelectorAll(".ng-loss-event").length).toBe(2);
    expect(knob.isConnected).toBe(true); // the hovered marker was kept, not redrawn
    expect(/** @type {HTMLElement} */ (el.querySelector(".ng-loss-tip")).hidden).toBe(false);
  });

  it("places the event marker at its step", async () => {
    const { el, view } = mount();
    view.load(monitorSnapshot());
    view.flush();
    await new Promise((r) => requestAnimationFrame(r)); // uPlot commits scales in a microtask
    const panel = view.panels.get("loss");
    const u = /** @type {any} */ (panel?.plot);
    const marker = /** @type {HTMLElement} */ (el.querySelector(".ng-loss-event"));
    expect(parseFloat(marker.style.left)).toBeCloseTo(u.valToPos(5, "x"), 0);
  });

  it("puts the knobs of events at nearby epochs in rows, so none hides another", async () => {
    // left alone in s44: GL at epochs 101-103 of a 300-epoch run drew three knobs 2 px apart,
    // each under the next, so only the last one's explanation could be read
    const { el, view } = mount();
    const steps = Array.from({ length: 300 }, (_, i) => i + 1);
    const event = (/** @type {number} */ step) => ({
      step, epoch: step, detector: "GL(5)", kind: "overfitting", message: `m${step}`, stop: false,
    });
    const snapshot = monitorSnapshot();
    snapshot.runs[""].metrics = { val_loss: { step: steps, value: steps.map((s) => 1 / s) } };
    snapshot.runs[""].events = [101, 102, 103, 200].map(event);
    view.load(snapshot);
    view.flush();
    await new Promise((r) => requestAnimationFrame(r));
    const knobs = [101, 102, 103, 200].map((step) =>
      /** @type {HTMLElement} */ (el.querySelector(`.ng-loss-event[data-step="${step}"] > b`)),
    );
    const tops = knobs.map((k) => k.getBoundingClientRect().top);
    expect(new Set(tops.slice(0, 3)).size).toBe(3); // three rows
    expect(tops[3]).toBe(tops[0]); // a lone event stays in the top row
    for (const [i, k] of knobs.slice(0, 3).entries()) {
      const r = k.getBoundingClientRect();
      const onTop = document.elementFromPoint(r.left + r.width / 2, r.top + 3);
      expect(onTop, `knob ${i}`).toBe(k); // each can be hovered
    }
    const panel = /** @type {HTMLElement} */ (el.querySelector('[data-panel="loss"] .u-over'));
    // 2,000 epochs, 0.4 px apart, with 100 events in a row: the knobs stay within the panel
    const long = Array.from({ length: 2000 }, (_, i) => i + 1);
    snapshot.runs[""].metrics = { val_loss: { step: long, value: long.map((s) => 1 / s) } };
    snapshot.runs[""].events = long.slice(500, 600).map(event);
    view.load(snapshot);
    view.flush();
    await new Promise((r) => requestAnimationFrame(r));
    const bottom = panel.getBoundingClientRect().bottom;
    for (const knob of el.querySelectorAll(".ng-loss-event > b")) {
      expect(knob.getBoundingClientRect().bottom).toBeLessThan(bottom);
    }
  });

  it("stretches the x axis to an event after the last point, so its marker shows", async () => {
    const { el, view } = mount();
    const steps = Array.from({ length: 20 }, (_, i) => i + 1);
    const event = (/** @type {number} */ step) => ({
      step, epoch: step, unit: "step", detector: "GradientWatch", kind: "x", message: "m", stop: false,
    });
    view.load({
      kind: "gradients",
      metric: "",
      mode: "min",
      runs: { "": { metrics: { "0.weight": { step: steps, value: steps.map((s) => 1 / s) } }, events: [event(14)], best: null } },
    });
    view.flush();
    // optimizer.step() without gradients: an event after the last norm, in a live batch
    view.addBatch({ run: "", metrics: [], events: [event(23)] }, []);
    view.flush();
    await new Promise((r) => requestAnimationFrame(r));
    const u = /** @type {any} */ (view.panels.get("gradients")?.plot);
    expect(u.scales.x.max).toBeGreaterThanOrEqual(23);
    const late = /** @type {HTMLElement} */ (el.querySelector('.ng-loss-event[data-step="23"]'));
    expect(late.style.display).toBe("");
    expect(parseFloat(late.style.left)).toBeCloseTo(u.valToPos(23, "x"), 0);
    expect(parseFloat(late.style.left)).toBeLessThanOrEqual(u.over.clientWidth + 1);
    // the curve is unchanged: no value at the added step, and no gap either
    expect(u.data[1].slice(-1)).toEqual([undefined]);
    expect(u.data[1].filter((/** @type {any} */ v) => v === null)).toEqual([]);
  });

  it("switches to a log scale and back", () => {
    const { view } = mount();
    view.load(monitorSnapshot());
    view.setOptions({ log: true });
    view.flush();
    expect(/** @type {any} */ (view.panels.get("loss")?.plot).scales.y.distr).toBe(3);
    view.setOptions({ log: false });
    view.flush();
    expect(/** @type {any} */ (view.panels.get("loss")?.plot).scales.y.distr).toBe(1);
  });

  it("appends binary batches and shows Stopped once the monitor stopped", () => {
    const { el, view } = mount();
    view.addBatch(
      { run: "", metrics: ["loss"], events: [], best: null, epoch: 2 },
      [new Float64Array([1, 2]).buffer, new Float64Array([0.9, 0.8]).buffer],
    );
    view.flush();
    expect(view.store.runs.get("")?.curves.get("loss")?.length).toBe(2);
    const stop = /** @type {HTMLButtonElement} */ (el.querySelector(".ng-loss-stop"));
    expect(stop.disabled).toBe(false);
    view.addBatch({ run: "", metrics: [], events: [], stopped: true }, []);
    view.flush();
    expect(stop.disabled).toBe(true);
    expect(stop.dataset.state).toBe("stopped");
  });

  it("calls onStop once when Stop is clicked", () => {
    let stops = 0;
    const { el, view } = mount({ onStop: () => stops++ });
    view.load(monitorSnapshot());
    view.store.runs.get("").stopped = false;
    view.flush();
    const stop = /** @type {HTMLButtonElement} */ (el.querySelector(".ng-loss-stop"));
    stop.click();
    stop.click();
    expect(stops).toBe(1);
    expect(stop.dataset.state).toBe("stopping");
  });

  it("writes the smoothing value again in a new language", () => {
    const { el, view } = mount({ smoothing: 0.6 });
    view.load(monitorSnapshot());
    view.flush();
    const value = () => el.querySelector(".ng-loss-bar")?.textContent ?? "";
    expect(value()).toContain("0.60");
    setDecimalSeparator(",");
    try {
      view.setOptions({ strings: { "lossview.smoothing": "wygładzanie" } });
      view.flush();
      expect(value()).toContain("0,60");
    } finally {
      setDecimalSeparator(".");
    }
  });

  it("greys Stop out while no cell feeds the view, and makes it red again when one does", () => {
    let stops = 0;
    const { el, view } = mount({ onStop: () => stops++, running: false });
    view.load(monitorSnapshot());
    view.store.runs.get("").stopped = false;
    view.flush();
    const stop = /** @type {HTMLButtonElement} */ (el.querySelector(".ng-loss-stop"));
    expect([stop.disabled, stop.dataset.state]).toEqual([true, "idle"]);
    stop.click();
    expect(stops).toBe(0);
    view.setOptions({ running: true });
    view.flush();
    expect([stop.disabled, stop.dataset.state]).toEqual([false, "ready"]);
  });

  it("overlays runs with a legend and a table of best validation metrics", () => {
    const run = (/** @type {number} */ bottom) => ({
      metrics: {
        loss: { step: [1, 2, 3], value: [1, 0.5, 0.3] },
        val_loss: { step: [1, 2, 3], value: [1, bottom, bottom + 0.1] },
      },
      events: [],
      best: { step: 2, epoch: 2, metric: "val_loss", value: bottom },
    });
    const { el, view } = mount();
    view.load({
      kind: "runs",
      metric: "val_loss",
      runs: { small: run(0.6), [XSS]: run(0.4) },
      table: [
        { run: "small", epochs: 3, best_epoch: 2, best: { val_loss: 0.6, loss: 0.5 }, stop: null },
        { run: XSS, epochs: 3, best_epoch: 2, best: { val_loss: 0.4, loss: 0.5 }, stop: null },
      ],
      winner: XSS,
    });
    view.flush();
    // one legend for all panels: each run once in its colour, then the two line styles
    const legend = /** @type {HTMLElement} */ (el.querySelector(".ng-loss-legend"));
    const keys = [...legend.querySelectorAll(".ng-loss-key")];
    expect(keys.map((k) => k.textContent)).toEqual(["small", XSS]);
    expect(keys.map((k) => k.querySelector("line")?.getAttribute("stroke"))).toEqual([PALETTE[0], PALETTE[1]]);
    const styles = [...legend.querySelectorAll(".ng-loss-styles > span")];
    expect(styles.map((s) => s.textContent)).toEqual(["training", "validation"]);
    const dashes = styles.map((s) => s.querySelector("line")?.getAttribute("stroke-dasharray"));
    expect(dashes).toEqual(["5 4", null]); // as the curves: training dashed, validation solid
    const curves = /** @type {any} */ (view.panels.get("loss")?.plot).series.slice(1);
    expect(curves.map((/** @type {any} */ c) => c.dash)).toEqual([[5, 4], undefined, [5, 4], undefined]);
    expect(el.querySelector(".u-legend")).toBeNull(); // no row per curve under each plot
    const rows = [...el.querySelectorAll(".ng-loss-table tbody tr")];
    expect(rows.map((r) => r.firstChild?.textContent)).toEqual(["small", XSS]);
    expect(rows[1].className).toBe("ng-win");
    expect(el.querySelectorAll(".ng-loss-best").length).toBe(2);
    // each run's best-epoch ring in its run's colour (the static picture does the same)
    const rings = [...el.querySelectorAll(".ng-loss-best")].map((m) => [
      /** @type {HTMLElement} */ (m).dataset.run,
      /** @type {HTMLElement} */ (m).style.color,
    ]);
    expect(rings).toEqual([["small", "rgb(31, 119, 180)"], [XSS, "rgb(255, 127, 14)"]]);
    expect(el.querySelector("img")).toBeNull();
  });
});

describe("the best epochs of compared runs", () => {
  it("rings each run's best on the panel of the metric it watches", async () => {
    const steps = [1, 2, 3];
    const run = (/** @type {string} */ metric, /** @type {number} */ value) => ({
      metrics: {
        val_loss: { step: steps, value: [1, 0.5, 0.4] },
        val_acc: { step: steps, value: [0.5, 0.7, 0.75] },
      },
      events: [],
      best: { step: 3, epoch: 3, metric, value },
    });
    const { el, view } = mount();
    view.load({ kind: "runs", metric: "val_acc", runs: { "acc-run": run("val_acc", 0.75), "loss-run": run("val_loss", 0.4) } });
    view.flush();
    const ring = (/** @type {string} */ panel) =>
      [...el.querySelectorAll(`[data-panel="${panel}"] .ng-loss-best`)].map((m) => [
        /** @type {HTMLElement} */ (m).dataset.run,
        m.querySelector("b")?.getAttribute("aria-label"),
      ]);
    expect(ring("acc")).toEqual([["acc-run", "acc-run: best epoch 3: val_acc = 0.75"]]);
    expect(ring("loss")).toEqual([["loss-run", "loss-run: best epoch 3: val_loss = 0.4"]]);
    await new Promise((r) => requestAnimationFrame(r)); // uPlot sets its scales in a microtask
    view.flush();
    for (const [panel, value] of /** @type {[string, number][]} */ ([["acc", 0.75], ["loss", 0.4]])) {
      const knob = /** @type {HTMLElement} */ (el.querySelector(`[data-panel="${panel}"] .ng-loss-best > b`));
      const y = /** @type {any} */ (view.panels.get(panel)?.plot).valToPos(value, "y");
      expect(parseFloat(knob.style.top) + 6).toBeCloseTo(y, 0); // on its curve, at its value
    }
  });
});

describe("the legend of compared runs", () => {
  it("hides and shows a run's curves in every panel, and its best epoch, at a click", () => {
    const run = (/** @type {number} */ bottom) => ({
      metrics: {
        loss: { step: [1, 2, 3], value: [1, 0.5, 0.3] },
        val_loss: { step: [1, 2, 3], value: [1, bottom, bottom + 0.1] },
        acc: { step: [1, 2, 3], value: [0.5, 0.6, 0.7] },
      },
      events: [],
      best: { step: 2, epoch: 2, metric: "val_loss", value: bottom },
    });
    const { el, view } = mount();
    view.load({ kind: "runs", metric: "val_loss", runs: { a: run(0.6), b: run(0.4) } });
    view.flush();
    const shown = () =>
      [...view.panels.values()].map((p) => /** @type {any} */ (p.plot).series.slice(1).map((/** @type {any} */ s) => s.show));
    const key = /** @type {HTMLButtonElement} */ (el.querySelector('.ng-loss-key[data-run="a"]'));
    key.click();
    view.flush();
    expect(shown()).toEqual([[false, false, true, true], [false, true]]);
    expect(el.querySelectorAll(".ng-loss-best").length).toBe(1);
    const again = /** @type {HTMLButtonElement} */ (el.querySelector('.ng-loss-key[data-run="a"]'));
    expect(again.getAttribute("aria-pressed")).toBe("false");
    again.click();
    view.flush();
    expect(shown()).toEqual([[true, true, true, true], [true, true]]);
    expect(el.querySelectorAll(".ng-loss-best").length).toBe(2);
  });

  it("is not there for one monitor, whose plots keep their own legend", () => {
    const { el, view } = mount();
    view.load(monitorSnapshot());
    view.flush();
    expect(/** @type {HTMLElement} */ (el.querySelector(".ng-loss-legend")).hidden).toBe(true);
    expect(el.querySelectorAll(".u-legend").length).toBe(3);
  });
});

describe("markSpecs", () => {
  it("describes events and the best epoch in the given words", () => {
    const specs = markSpecs(
      {
        name: "",
        events: [{ step: 4, epoch: 4, detector: "UP(2)", kind: "x", message: "m", stop: false }],
        best: { step: 2, epoch: 2, metric: "val_loss", value: 0.5 },
      },
      { "lossview.best": "najlepsza epoka {epoch}: {metric} = {value}" },
    );
    expect(specs.map((s) => s.kind)).toEqual(["event", "best"]);
    expect(specs[1].text).toBe("najlepsza epoka 2: val_loss = 0.5");
  });

  it("names a compared run's events and colours them as its curves", () => {
    const event = { step: 40, epoch: 40, detector: "Patience(20)", kind: "x", message: "m", stop: true };
    const [spec] = markSpecs({ name: "hidden 256", events: [event], best: null }, undefined, "#d62728");
    expect(spec.text).toBe("hidden 256: epoch 40 · Patience(20)\nm");
    expect(spec.color).toBe("#d62728");
  });

  it("puts the events of one epoch in one marker, so that none hides under another", () => {
    // sweep s44 browser (2): GL and Patience at epoch 7, Patience's stop reachable by Tab only
    const gl = { step: 7, epoch: 7, detector: "GL(5)", kind: "x", message: "a", stop: false };
    const patience = { ...gl, detector: "Patience(20)", message: "b", stop: true };
    const specs = markSpecs({ name: "", events: [gl, patience, { ...gl, step: 8, epoch: 8 }], best: null });
    expect(specs.map((s) => [s.step, s.stop])).toEqual([[7, true], [8, false]]);
    expect(specs[0].text).toBe("epoch 7 · GL(5)\na\n\nepoch 7 · Patience(20)\nb");
  });

  it("says 'step' for the events of a gradient watch without a monitor", () => {
    const event = { step: 250, epoch: 250, detector: "GradientWatch", kind: "x", message: "m", stop: false };
    const [spec] = markSpecs({ name: "", events: [{ ...event, unit: "step" }], best: null });
    expect(spec.text).toBe("step 250 · GradientWatch\nm");
    const [epochSpec] = markSpecs({ name: "", events: [event], best: null });
    expect(epochSpec.text).toBe("epoch 250 · GradientWatch\nm");
  });
});
