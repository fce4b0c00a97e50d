import { afterEach, describe, expect, it } from "vitest";
import { graphBuilder, graphOfLayers, graphOfMlp, resnet50Graph, SCRIPT_NAME, sharedWeightLoop, tinyGraph, XSS_NAME } from "../testing/fixtures.js";
import { LEGIBLE } from "./camera.js";
import { createGraphView, MAX_DRAWN } from "./view.js";

/** A chain of `n` ops and no modules, like ng.graph_of of a long chain: nothing to fold. */
function flatChain(n, source = "graph_of") {
  const b = graphBuilder();
  let y = b.node("input", "x", { shape: [2, 4], name: "x" });
  for (let i = 0; i < n; i++) y = b.op(i % 2 ? "relu" : "linear", "", [y], { shape: [2, 4] });
  b.edge(y, b.node("output", "output", { shape: [] }));
  return b.json(source);
}

/** `count` modules of different sizes (so none fold into a run), `per + i` ops each. */
function wideModules(count, per) {
  const b = graphBuilder();
  let y = b.node("input", "x", { shape: [2, 4], name: "x" });
  for (let m = 0; m < count; m++) {
    b.module(`m${m}`, "Block");
    for (let i = 0; i < per + m; i++) y = b.op("tanh", `m${m}`, [y], { shape: [2, 4] });
  }
  b.edge(y, b.node("output", "output", { shape: [] }));
  return b.json();
}

/** A traced model whose module "loop" uses one weight at each of `steps` steps: folded it is
 * one box, opened Graphviz would take minutes on it. */
function tracedLoop(steps) {
  const b = graphBuilder();
  b.module("loop", "Loop", 64);
  const w = b.param("loop.weight", "loop", [8, 8]);
  let h = b.node("input", "h0", { shape: [1, 8], name: "h0" });
  for (let t = 0; t < steps; t++) h = b.op("tanh", "loop", [b.op("mm", "loop", [h, w], { shape: [1, 8] })], { shape: [1, 8] });
  b.edge(b.op("sum", "", [h], { shape: [] }), b.node("output", "output", { shape: [] }));
  return b.json();
}

/** @type {ReturnType<typeof createGraphView>[]} */
const views = [];
function mount(graph, options = {}) {
  const el = document.createElement("div");
  el.style.width = "1000px";
  document.body.appendChild(el);
  const changes = [];
  const view = createGraphView(el, { graph, onChange: (k, v) => changes.push([k, v]), ...options });
  views.push(view);
  return { el, view, changes };
}
const click = (el) => el.dispatchEvent(new MouseEvent("click", { bubbles: true }));
const rendered = (view) => new Promise((resolve) => view.root.addEventListener("ng-rendered", resolve, { once: true }));

afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
  document.body.replaceChildren();
  delete window.__pwned;
});

describe("graph view", () => {
  it("draws the nodes and the collapsed modules", async () => {
    const { el, view } = mount(tinyGraph(), { depth: 0 });
    await view.ready;
    const ids = [...el.querySelectorAll(".ng-item")].map((g) => g.getAttribute("data-id"));
    expect(ids).toContain("m:fc1");
    expect(ids).toContain("n9"); // the loss at top level
    expect(el.querySelectorAll(".ng-edge").length).toBeGreaterThan(3);
    expect(el.querySelector(".ng-viewport")?.getAttribute("transform")).toMatch(/translate/);
  });

  it("says an empty graph is empty instead of drawing a blank box", async () => {
    const { el, view } = mount(graphBuilder().json());
    await view.ready;
    const message = /** @type {HTMLElement} */ (el.querySelector(".ng-message"));
    expect(message.hidden).toBe(false);
    expect(message.textContent).toBe("empty graph");
    expect(el.querySelectorAll(".ng-item").length).toBe(0);
  });

  it("keeps a box with a very long module name as wide as its title is drawn", async () => {
    const widths = [];
    for (const name of ["a", "a".repeat(5000)]) {
      const b = graphBuilder();
      b.module(name, "Block");
      let y = b.node("input", "x", { shape: [2, 4], name: "x" });
      for (let i = 0; i < 3; i++) y = b.op("tanh", name, [y], { shape: [2, 4] });
      b.edge(y, b.node("output", "output", { shape: [] }));
      const { el, view } = mount(b.json(), { depth: 5 });
      await view.ready;
      widths.push(Number(el.querySelector("svg")?.dataset.width));
      expect(el.querySelector(".ng-cluster-label text")?.textContent).toMatch(/…$|^▾ a \(Block\)$/);
    }
    // the title is cut at 60 characters when drawn: the layout must not make room for 5,000
    expect(widths[1]).toBeLessThan(widths[0] + 600);
  });

  it("'+' opens the first block of a folded run, so a deeper level always shows more", async () => {
    const { el, view } = mount(resnet50Graph(), { depth: 1 });
    await view.ready;
    const ids = () => new Set([...el.querySelectorAll(".ng-item")].map((g) => g.getAttribute("data-id")));
    expect(ids().has("r:layer1.1")).toBe(true); // "Bottleneck ×2"
    const drawn = rendered(view);
    click(/** @type {HTMLElement} */ (el.querySelector(".ng-depth-up")));
    await drawn;
    const after = ids();
    expect(view.depth).toBe(2);
    expect(after.has("m:layer1.1.c1")).toBe(true); // inside the run's first block
    // the one block left is drawn as itself, not as "×1 more" (sweep BB)
    expect(after.has("r:layer1.1#more")).toBe(false);
    expect(after.has("m:layer1.2.c1")).toBe(true);
  });

  it("inspects the '×N more' tail of a run as the blocks it holds", async () => {
    const { el, view } = mount(resnet50Graph(), { depth: 2 });
    await view.ready;
    const tail = el.querySelector('.ng-item[data-id="r:layer3.1#more"]');
    if (!tail) throw new Error("layer3's folded tail not drawn");
    const drawn = rendered(view);
    click(/** @type {HTMLElement} */ (tail));
    await drawn;
    expect(el.querySelector(".ng-inspector .ng-title")?.textContent).toBe("Bottleneck ×4");
    expect(el.querySelector(".ng-inspector td[data-key='module']")?.textContent).toBe("layer3.2 … layer3.5");
  });

  it("draws its starting depth as '+' and '−' draw it", async () => {
    const { el, view } = mount(resnet50Graph());
    await view.ready;
    const ids = () => [...el.querySelectorAll(".ng-item")].map((g) => g.getAttribute("data-id")).sort();
    const start = ids();
    const depth = view.depth;
    await view.setDepth(depth - 1);
    await view.setDepth(depth);
    expect(ids()).toEqual(start);
  });

  it("shows hostile names as text and runs none of them", async () => {
    const { el, view } = mount(tinyGraph(), { depth: 1 });
    await view.ready;
    const texts = [...el.querySelectorAll("text, title")].map((t) => t.textContent);
    expect(texts.some((t) => t?.includes(XSS_NAME))).toBe(true);
    expect(texts.some((t) => t?.includes("<script>"))).toBe(true);
    expect(el.querySelector("img, script, foreignObject, [onerror]")).toBeNull();
    // open the inspector on the hostile input node too
    const scriptNode = [...el.querySelectorAll(".ng-item")].find((g) => g.textContent?.includes("<script>"));
    if (!scriptNode) throw new Error("script-named node not drawn");
    click(scriptNode);
    expect(el.querySelector(".ng-inspector .ng-title")?.textContent).toBe(SCRIPT_NAME);
    expect(el.querySelector(".ng-inspector img, .ng-inspector script")).toBeNull();
    await new Promise((r) => setTimeout(r, 50)); // an <img onerror> would have fired by now
    expect(window.__pwned).toBeUndefined();
  });

  it("draws a name holding a right-to-left override as it reads, escaped, in the box, tooltip and inspector", async () => {
    const b = graphBuilder();
    b.module("enc\u202eoder", "Linear", 6);
    const x = b.node("input", "x", { shape: [2, 2], name: "x" });
    const w = b.param("enc\u202eoder.weight", "enc\u202eoder", [2, 2], { gradNorm: 0.5 });
    const y = b.op("linear", "enc\u202eoder", [x, w], { shape: [2, 2], module_type: "Linear" });
    b.edge(y, b.node("output", "output", { shape: [2, 2] }));
    const { el, view } = mount(b.json(), { depth: 2 });
    await view.ready;
    const texts = [...el.querySelectorAll("text, title")].map((t) => t.textContent ?? "");
    expect(texts.some((t) => t.includes("enc\\u202eoder"))).toBe(true);
    expect(texts.filter((t) => t.includes("\u202e"))).toEqual([]);
    const param = [...el.querySelectorAll(".ng-item")].find((g) => g.textContent?.includes("weight"));
    if (!param) throw new Error("the parameter is not drawn");
    click(param);
    expect(el.querySelector(".ng-inspector")?.textContent).toContain("enc\\u202eoder.weight");
    expect(el.querySelector(".ng-inspector")?.textContent).not.toContain("\u202e");
  });

  it("opens the inspector with shape, dtype and statistics on click", async () => {
    const { el, view, changes } = mount(tinyGraph(), { depth: 1 });
    await view.ready;
    const linear = el.querySelector('.ng-item[data-id="n3"]');
    if (!linear) throw new Error("n3 not drawn");
    click(linear);
    const cell = (key) => el.querySelector(`.ng-inspector td[data-key="${key}"]`)?.textContent;
    expect(cell("shape")).toBe("4×5");
    expect(cell("dtype")).toBe("float32");
    expect(cell("module")).toBe("fc1");
    expect(el.querySelector(".ng-inspector .ng-stats")).not.toBeNull();
    expect(el.querySelector(".ng-inspector svg.ng-range")).not.toBeNull();
    expect(linear.classList.contains("ng-selected")).toBe(true);
    expect(changes).toContainEqual(["selected", "n3"]);
  });

  it("keeps what is open and inspected when the same graph comes in other words", async () => {
    // sweep s32 (s8): ng.set_language() re-sends the graph ("output", "param" in Polish): the
    // opened module, the depth and the inspector were reset while Python kept v.selected
    const { el, view, changes } = mount(tinyGraph(), { depth: 1 });
    await view.ready;
    await view.select("n3");
    await view.setDepth(0);
    await view.select("n3"); // revealed again
    const relabelled = tinyGraph();
    for (const n of relabelled.nodes) if (n.kind === "output") n.label = "wyjście";
    await view.setGraph(relabelled);
    expect(el.querySelector(".ng-inspector")?.hasAttribute("hidden")).toBe(false);
    expect(el.querySelector(".ng-inspector .ng-title")?.textContent).toBe("linear");
    expect(el.querySelector('.ng-item[data-id="n3"]')?.classList.contains("ng-selected")).toBe(true);
    // another graph starts afresh, and Python hears that nothing is selected
    const other = tinyGraph();
    other.nodes.push({ ...other.nodes[0], id: "extra" });
    changes.length = 0;
    await view.setGraph(other);
    expect(el.querySelector(".ng-inspector")?.hasAttribute("hidden")).toBe(true);
    expect(changes).toContainEqual(["selected", ""]);
  });

  it("explains health flags in one line and draws a badge", async () => {
    const { el, view } = mount(tinyGraph(), { depth: 1 });
    await view.ready;
    const relu = el.querySelector('.ng-item[data-id="n4"]');
    expect(relu?.querySelector(".ng-flag")).not.toBeNull();
    if (relu) click(relu);
    expect(el.querySelector(".ng-inspector .ng-flag-text")?.textContent).toMatch(/dead.*never fire/);
  });

  it("expands a module on click and collapses it from its frame", async () => {
    const { el, view } = mount(tinyGraph(), { depth: 0 });
    await view.ready;
    const mod = el.querySelector('.ng-item[data-id="m:fc1"]');
    if (!mod) throw new Error("module not drawn");
    let done = rendered(view);
    click(mod);
    await done;
    expect(el.querySelector('.ng-cluster[data-path="fc1"]')).not.toBeNull();
    expect(el.querySelector('.ng-item[data-id="n3"]')).not.toBeNull();
    const label = el.querySelector('.ng-cluster-label[data-path="fc1"]');
    if (!label) throw new Error("no cluster label");
    done = rendered(view);
    click(label);
    await done;
    expect(el.querySelector('.ng-item[data-id="m:fc1"]')).not.toBeNull();
  });

  it("colours by gradient with a legend, and switches to the backward view", async () => {
    const { el, view, changes } = mount(tinyGraph(), { depth: 1 });
    await view.ready;
    const legend = el.querySelector(".ng-legend");
    expect(legend?.hasAttribute("hidden")).toBe(false);
    expect(el.querySelector(".ng-legend-lo")?.textContent).toBe("3.2e-8"); // RMS of the tiny weight gradient
    const fill = /** @type {SVGElement|null} */ (el.querySelector('.ng-item[data-id="n5"] .ng-shape'))?.style.fill;
    expect(fill).toMatch(/rgb\(68, 1, 84\)/); // the tiny gradient: darkest colour
    const done = rendered(view);
    /** @type {HTMLElement} */ (el.querySelector(".ng-view-backward")).click();
    await done;
    expect(el.querySelector('.ng-item[data-id="n3"] .ng-main')?.textContent).toBe("LinearBackward0");
    expect(changes).toContainEqual(["view", "backward"]);
  });

  it("steps through the backward pass from the loss", async () => {
    const { el, view } = mount(tinyGraph(), { depth: 1 });
    await view.ready;
    const next = /** @type {HTMLElement} */ (el.querySelector(".ng-step-next"));
    next.click();
    next.click();
    expect(el.querySelector(".ng-step-text")?.textContent).toMatch(/^step 2\/\d+: Mse_lossBackward0/);
    expect(el.querySelectorAll(".ng-item.ng-lit").length).toBe(2);
    expect(el.querySelector('.ng-item.ng-current')?.getAttribute("data-id")).toBe("n9");
    /** @type {HTMLElement} */ (el.querySelector(".ng-step-end")).click();
    expect(el.querySelector(".ng-step-text")?.textContent).toMatch(/^step (\d+)\/\1:/);
  });

  it("replays the whole backward pass with the play button", async () => {
    const { el, view } = mount(tinyGraph(), { depth: 1 });
    await view.ready;
    /** @type {HTMLElement} */ (el.querySelector(".ng-step-play")).click();
    expect(el.querySelector(".ng-step-play")?.textContent).toBe("Pause");
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        if (el.querySelector(".ng-step-play")?.textContent !== "Pause") resolve(clearInterval(timer));
      }, 50);
    });
    expect(el.querySelector(".ng-step-text")?.textContent).toMatch(/^step (\d+)\/\1:/);
  });

  it("finds nodes by name and reveals them", async () => {
    const { el, view } = mount(resnet50Graph());
    await view.ready;
    expect(view.search("layer3.4.c2.conv").length).toBe(2); // the conv op and its weight
    expect(el.querySelector(".ng-count")?.textContent).toBe("2 matches");
    await view.nextMatch();
    const sel = el.querySelector(".ng-item.ng-selected");
    expect(sel?.getAttribute("data-id")).toMatch(/^n\d+$/);
    expect(el.querySelector(".ng-inspector td[data-key='module']")?.textContent).toBe("layer3.4.c2.conv");
    // zoomed in to read it, and centred (a match in the fitted drawing was a few pixels wide)
    const svg = /** @type {SVGSVGElement} */ (el.querySelector("svg"));
    expect(/** @type {any} */ (svg).__zoom.k).toBeGreaterThanOrEqual(1);
    const box = /** @type {Element} */ (sel).getBoundingClientRect();
    const frame = svg.getBoundingClientRect();
    expect(Math.abs(box.left + box.width / 2 - (frame.left + frame.width / 2))).toBeLessThan(5);
  });

  it("opens a ResNet-50 readable, with repeated blocks folded", async () => {
    const { el, view } = mount(resnet50Graph());
    await view.ready;
    const n = el.querySelectorAll(".ng-item").length;
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThanOrEqual(40); // what a student takes in at a glance
    // layer3's five identical blocks: one box, or (where the depth opens them) the first
    // block open and the others folded
    const run = el.querySelector('.ng-item[data-id="r:layer3.1"], .ng-item[data-id="r:layer3.1#more"]');
    expect(run?.textContent).toMatch(/Bottleneck ×5|Bottleneck ×4 more/);
  });

  it("opens a tall drawing at a legible size from its top, and 'Fit' shows all of it", async () => {
    const { el, view } = mount(resnet50Graph(), { height: 300 });
    await view.ready;
    const svg = /** @type {any} */ (el.querySelector("svg"));
    const tall = Number(svg.dataset.height);
    expect(tall * LEGIBLE).toBeGreaterThan(svg.clientHeight); // it cannot fit at a legible size
    expect(svg.__zoom.k).toBe(LEGIBLE);
    expect(svg.__zoom.y).toBe(10); // its top, where the input comes in
    click(/** @type {HTMLElement} */ (el.querySelector(".ng-fit")));
    expect(svg.__zoom.k).toBeLessThan(LEGIBLE);
    expect(tall * svg.__zoom.k).toBeLessThanOrEqual(svg.clientHeight);
  });

  it("colours a forward pass without gradients by value", async () => {
    const forwardOnly = tinyGraph(); // as ng.trace(model, x) without a loss
    for (const n of forwardOnly.nodes) Object.assign(n, { grad: null, backward_order: null });
    const { el, view, changes } = mount(forwardOnly);
    await view.ready;
    expect(/** @type {HTMLSelectElement} */ (el.querySelector(".ng-color")).value).toBe("value");
    expect(changes).toContainEqual(["color_by", "value"]);
    expect(el.querySelector(".ng-legend")?.hasAttribute("hidden")).toBe(false);
    const traced = mount(tinyGraph());
    await traced.view.ready;
    expect(/** @type {HTMLSelectElement} */ (traced.el.querySelector(".ng-color")).value).toBe("grad");
  });

  it("takes every label from the messages object and redoes them when it changes", async () => {
    const pl = {
      "graphview.forward": "W przód",
      "graphview.backward_hint": "przejście wstecz",
      "graphview.search": "szukaj nazwy…",
      "graphview.color.value": "kolor: wartość",
      "graphview.depth": "głębokość {depth}",
      "graphview.legend.grad": "wielkość gradientu:",
      "graphview.step.help": "Przejście wstecz krok po kroku.",
      "graphview.step.at": "krok {step}/{total}: {what}",
      "graphview.field.shape": "kształt",
      "graphview.section.gradient": "Gradient (pl)",
      "graphview.matches.few": "{n} trafienia",
    };
    const { el, view } = mount(tinyGraph(), { depth: 1, messages: pl });
    await view.ready;
    const text = (sel) => el.querySelector(sel)?.textContent;
    expect(text(".ng-view-forward")).toBe("W przód");
    expect(el.querySelector(".ng-view-backward")?.getAttribute("title")).toBe("przejście wstecz");
    expect(text(".ng-view-backward")).toBe("Backward"); // a missing key: English
    expect(/** @type {HTMLInputElement} */ (el.querySelector(".ng-search")).placeholder).toBe("szukaj nazwy…");
    expect(text('.ng-color option[value="value"]')).toBe("kolor: wartość");
    expect(text(".ng-depth")).toBe("głębokość 1");
    expect(text(".ng-legend-title")).toBe("wielkość gradientu:");
    expect(text(".ng-step-text")).toBe("Przejście wstecz krok po kroku.");
    view.search("fc");
    expect(text(".ng-count")).toMatch(/^\d+ (trafienia|matches?)$/);
    const linear = el.querySelector('.ng-item[data-id="n3"]');
    if (!linear) throw new Error("n3 not drawn");
    click(linear);
    const row = el.querySelector('.ng-inspector td[data-key="shape"]')?.parentElement;
    expect(row?.querySelector("th")?.textContent).toBe("kształt"); // data-key stays stable
    expect([...el.querySelectorAll(".ng-inspector h4")].map((h) => h.textContent)).toContain("Gradient (pl)");
    /** @type {HTMLElement} */ (el.querySelector(".ng-step-next")).click();
    expect(text(".ng-step-text")).toMatch(/^krok 1\/\d+: /);

    // the language changes: labels, step line and the open inspector follow
    const done = rendered(view);
    view.setMessages({ "graphview.forward": "Vorwärts", "graphview.field.shape": "Form", "graphview.step.at": "Schritt {step}/{total}: {what}" });
    await done;
    expect(text(".ng-view-forward")).toBe("Vorwärts");
    expect(text(".ng-depth")).toBe("depth 1");
    expect(text(".ng-step-text")).toMatch(/^Schritt 1\/\d+: /);
    const row2 = el.querySelector('.ng-inspector td[data-key="shape"]')?.parentElement;
    expect(row2?.querySelector("th")?.textContent).toBe("Form");
    expect(el.querySelector("img, script, [onerror]")).toBeNull();
  });

  it("declines to draw a huge graph with nothing to fold, and still finds and inspects nodes", async () => {
    const { el, view } = mount(flatChain(MAX_DRAWN + 500));
    await view.ready;
    const msg = el.querySelector(".ng-message.ng-error");
    expect(msg?.hasAttribute("hidden")).toBe(false);
    expect(msg?.textContent).toContain(`This graph would draw ${MAX_DRAWN + 502} nodes at once`);
    expect(msg?.textContent).toContain("ng.graph_of knows no modules");
    expect(el.querySelectorAll(".ng-item").length).toBe(0); // no layout was tried
    expect(el.querySelector(".ng-depth")?.textContent).toBe("depth 0");
    expect(view.search("relu").length).toBe((MAX_DRAWN + 500) / 2);
    await view.nextMatch();
    expect(el.querySelector(".ng-inspector")?.hasAttribute("hidden")).toBe(false);
    expect(el.querySelector(".ng-inspector .ng-title")?.textContent).toBe("relu");
  });

  it("tells a huge ng.record loop outside any module how to fold it, not that graph_of knows none", async () => {
    // sweep s32 (s3): the message named ng.graph_of to a user of ng.record
    const { el, view } = mount(flatChain(MAX_DRAWN + 500, "record"));
    await view.ready;
    const msg = el.querySelector(".ng-message.ng-error")?.textContent ?? "";
    expect(msg).toContain(`This graph would draw ${MAX_DRAWN + 502} nodes at once`);
    expect(msg).toContain("put them in an nn.Module");
    expect(msg).not.toContain("graph_of");
  });

  it("draws ng.graph_of(loss, params=model) of a deep MLP layer by layer, not as one box wired to every op", async () => {
    const { el, view } = mount(graphOfMlp(40));
    await view.ready;
    expect(el.querySelector(".ng-message.ng-error")).toBeNull();
    expect(el.querySelectorAll(".ng-type-run").length).toBe(0);
    expect(el.querySelector('.ng-item[data-id="m:0"]')).not.toBeNull();
    expect(el.querySelector('.ng-item[data-id="m:78"]')).not.toBeNull();
  });

  it("declines a drawing Graphviz would take minutes on, says why, and still finds and inspects nodes", async () => {
    const { el, view } = mount(sharedWeightLoop(80)); // one weight used at each of 80 steps
    await view.ready;
    const msg = el.querySelector(".ng-message.ng-error");
    expect(msg?.hasAttribute("hidden")).toBe(false);
    expect(msg?.textContent).toContain("Laying out this drawing would freeze the page");
    expect(msg?.textContent).toContain("print(g.summary())");
    // graph_of has no modules to fold: "+ or −" would lead nowhere (sweep BB)
    expect(msg?.textContent).toContain("Draw ng.trace(model, x, loss=...) instead");
    expect(msg?.textContent).not.toContain("+ or −");
    expect(el.querySelectorAll(".ng-item").length).toBe(0); // no layout was tried
    // nothing drawn: no backward replay over an empty canvas
    expect(/** @type {HTMLButtonElement} */ (el.querySelector(".ng-step-play")).disabled).toBe(true)
    expect(view.search("tanh").length).toBe(80);
    await view.nextMatch();
    expect(el.querySelector(".ng-inspector .ng-title")?.textContent).toBe("tanh");
  });

  it("starts one level deeper when its starting depth would take Graphviz too long, and refuses '−' back", async () => {
    // graph_of of a transformer-like stack: at depth 0 "layers" is one box wired to ops all
    // along the graph; at depth 1 each layer is a box of its own
    const { el, view } = mount(graphOfLayers(8, 40, 10));
    await view.ready;
    expect(view.depth).toBe(1);
    expect(el.querySelector(".ng-message.ng-error")).toBeNull();
    expect(el.querySelector('.ng-item[data-id="m:layers.7"]')).not.toBeNull();
    // the "layers" cluster would span the whole graph: drawn without cluster frames
    expect(el.querySelectorAll(".ng-cluster").length).toBe(0);
    click(/** @type {HTMLElement} */ (el.querySelector(".ng-depth-down")));
    expect(view.depth).toBe(1);
    const notice = /** @type {HTMLElement} */ (el.querySelector(".ng-notice"));
    expect(notice.hidden).toBe(false);
    expect(notice.textContent).toContain("Laying out depth 0 would freeze the page");
    expect(notice.textContent).toContain("The drawing shown is unchanged (depth 1).");
    expect(notice.textContent).toContain("draw ng.trace(model, x, loss=...) instead");
    expect(el.querySelector(".ng-message.ng-error")).toBeNull(); // nothing written over the drawing
    expect(el.querySelector('.ng-item[data-id="m:layers.7"]')).not.toBeNull(); // still drawn
  });

  it("names parameters and frames inside an open module by what its frame does not say", async () => {
    const b = graphBuilder();
    b.module("model.layers.0.self_attn.k_proj", "Linear", 64);
    const path = "model.layers.0.self_attn.k_proj";
    const w = b.node("param", `${path}.weight`, { module: path, name: `${path}.weight`, shape: [8, 8] });
    const bias = b.node("param", `${path}.bias`, { module: path, name: `${path}.bias`, shape: [8] });
    const y = b.op("linear", path, [b.node("input", "x", { shape: [2, 8], name: "x" }), w, bias], { shape: [2, 8] });
    b.edge(y, b.node("output", "output", { shape: [] }));
    const { el, view } = mount(b.json(), { depth: 10 });
    await view.ready;
    const main = (id) => el.querySelector(`.ng-item[data-id="${id}"] .ng-main`)?.textContent;
    expect(main(w)).toBe("weight");
    expect(main(bias)).toBe("bias");
    expect(el.querySelector(`.ng-item[data-id="${w}"] title`)?.textContent).toContain(`${path}.weight`);
    const titles = [...el.querySelectorAll(".ng-cluster-label text")].map((t) => t.textContent);
    expect(titles).toContain("▾ model (Sequential)");
    expect(titles).toContain("▾ k_proj (Linear)");
  });

  it("says above the drawing, not over it, that a refused click leaves the drawing as it was", async () => {
    const { el, view } = mount(tracedLoop(100));
    await view.ready;
    expect(view.depth).toBe(0);
    const notice = /** @type {HTMLElement} */ (el.querySelector(".ng-notice"));
    expect(notice.hidden).toBe(true);
    click(/** @type {Element} */ (el.querySelector('.ng-item[data-id="m:loop"]')));
    expect(notice.hidden).toBe(false);
    expect(notice.textContent).toContain("Opening this would freeze the page");
    expect(notice.textContent).toContain("The drawing shown is unchanged (depth 0).");
    expect(notice.textContent).toContain("Open one module at a time");
    // its own line between the toolbar and the canvas, with a background
    expect(notice.closest(".ng-canvas")).toBeNull();
    const canvas = /** @type {HTMLElement} */ (el.querySelector(".ng-canvas")).getBoundingClientRect();
    expect(notice.getBoundingClientRect().bottom).toBeLessThanOrEqual(canvas.top);
    expect(getComputedStyle(notice).backgroundColor).not.toBe("rgba(0, 0, 0, 0)");
    expect(el.querySelector(".ng-message.ng-error")).toBeNull();
    expect(el.querySelector('.ng-item[data-id="m:loop"]')).not.toBeNull(); // still drawn
    click(/** @type {Element} */ (el.querySelector(".ng-notice-close")));
    expect(notice.hidden).toBe(true);
  });

  it("says so when it opens at another depth than the one asked for, and why", async () => {
    const { el, view } = mount(tracedLoop(100), { depth: 10 });
    await view.ready;
    expect(view.depth).toBe(0);
    const notice = /** @type {HTMLElement} */ (el.querySelector(".ng-notice"));
    expect(notice.hidden).toBe(false);
    expect(notice.textContent).toContain("Drawn at depth 0, not the 10 asked for: laying out depth 10 would freeze the page");
    // in the words of the messages given, again after a change of language
    view.setMessages({ "graphview.depth_changed.tangled": "Głębokość {depth} zamiast {asked}.", "graphview.depth_changed.advice": "Kliknij." });
    expect(notice.querySelector(".ng-notice-text")?.textContent).toBe("Głębokość 0 zamiast 10. Kliknij.");
    // the depth asked for, when it is drawn, says nothing
    const fits = mount(tracedLoop(10), { depth: 10 });
    await fits.view.ready;
    expect(fits.view.depth).toBe(1);
    expect(/** @type {HTMLElement} */ (fits.el.querySelector(".ng-notice")).hidden).toBe(true);
  });

  it("starts one level deeper when Graphviz would lay that out much quicker", async () => {
    // depth 0 would take Graphviz a second or more ("layers" wired all along the graph);
    // depth 1, one box per layer, well under one
    const { el, view } = mount(graphOfLayers(5, 30, 10));
    await view.ready;
    expect(view.depth).toBe(1);
    expect(el.querySelector(".ng-message.ng-error")).toBeNull();
    // asked for, depth 0 is drawn: it is slow, not frozen
    await view.setDepth(0);
    expect(view.depth).toBe(0);
    expect(el.querySelector('.ng-item[data-id="m:layers"]')).not.toBeNull();
    const asked = mount(graphOfLayers(5, 30, 10), { depth: 0 });
    await asked.view.ready;
    expect(asked.view.depth).toBe(0);
  });

  it("starts at a smaller depth when the one asked for would draw too much", async () => {
    const graph = wideModules(20, 80); // depth 1: 20 * 80 + 190 ops; depth 0: 20 boxes
    const { el, view } = mount(graph, { depth: 1 });
    await view.ready;
    expect(view.depth).toBe(0);
    expect(el.querySelectorAll(".ng-item").length).toBeLessThanOrEqual(30);
    expect(el.querySelector(".ng-message.ng-error")).toBeNull();
  });

  it("keeps room for the drawing when the inspector opens, and re-fits it", async () => {
    const frames = async (n) => {
      for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r));
    };
    for (const width of [420, 700, 1000]) {
      const { el, view } = mount(tinyGraph(), { depth: 1 });
      el.style.width = `${width}px`;
      await view.ready;
      await frames(2);
      const svg = /** @type {SVGSVGElement} */ (el.querySelector("svg.ng-svg"));
      const before = svg.getBoundingClientRect().width;
      click(el.querySelector('.ng-item[data-id="n3"]'));
      await frames(3);
      const box = svg.getBoundingClientRect();
      expect(box.width, `drawing in a ${width} px view`).toBeGreaterThanOrEqual(Math.min(before, 0.55 * width));
      expect(el.querySelector(".ng-inspector")?.getBoundingClientRect().width).toBeGreaterThan(100);
      const out = [...el.querySelectorAll(".ng-item")].filter((g) => {
        const r = g.getBoundingClientRect();
        return r.left < box.left - 1 || r.right > box.right + 1;
      });
      expect(out.length, `boxes outside a ${width} px view`).toBe(0);
    }
  });

  it("puts the flag badge beside the label, not over it", async () => {
    const graph = tinyGraph();
    const linear = graph.nodes.find((n) => n.id === "n3");
    linear.flags = [{ kind: "nan", where: "forward", message: "NaN here" }];
    const { el, view } = mount(graph, { depth: 1 });
    await view.ready;
    for (const id of ["n3", "n4"]) {
      const g = el.querySelector(`.ng-item[data-id="${id}"]`);
      const badge = g?.querySelector(".ng-flag :is(circle, rect)")?.getBoundingClientRect();
      const label = g?.querySelector("text.ng-main")?.getBoundingClientRect();
      if (!badge || !label) throw new Error(`${id}: no badge or label`);
      expect(badge.left, `${id}: badge over "${g?.querySelector("text.ng-main")?.textContent}"`).toBeGreaterThanOrEqual(label.right);
      // its word fits inside it ("NaN" spilled out of an 11 px circle, its last letter cut)
      const word = g?.querySelector(".ng-flag text")?.getBoundingClientRect();
      if (!word) throw new Error(`${id}: no badge text`);
      expect(word.left, `${id}: badge text`).toBeGreaterThanOrEqual(badge.left);
      expect(word.right, `${id}: badge text`).toBeLessThanOrEqual(badge.right);
    }
  });

  it("reports a payload that is not a graph instead of throwing", async () => {
    const { el } = mount({ nope: true });
    expect(el.querySelector(".ng-message.ng-error")?.textContent).toMatch(/Cannot read this graph/);
  });
});
