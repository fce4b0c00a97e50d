// Hand-written graphs in the `Graph.to_json()` format (docs/schema.md) for tests and
// benchmarks: a tiny MLP with a hostile module name, a ResNet-50-shaped graph and a
// 5,000-node transformer-shaped one. Not bundled (only top-level src/*.js are entries).

export const XSS_NAME = '<img src=x onerror="__pwned=1">';
export const SCRIPT_NAME = "<script>__pwned=2</script>";

const stats = (norm, numel, extra = {}) => ({
  mean: norm / Math.sqrt(numel) / 3,
  std: norm / Math.sqrt(numel),
  min: -norm / 2,
  max: norm / 2,
  norm,
  zero_frac: 0,
  nan: 0,
  inf: 0,
  numel,
  ...extra,
});

/** A builder that fills every schema attribute, so fixtures look like the real thing. */
export function graphBuilder() {
  const nodes = [];
  const edges = [];
  const modules = [{ path: "", type: "Net", parent: null, depth: 0, params: 0 }];
  const known = new Set([""]);
  let seq = 1000;
  const api = {
    nodes,
    edges,
    modules,
    module(path, type, params = 0) {
      if (known.has(path)) return;
      known.add(path);
      const i = path.lastIndexOf(".");
      const parent = i < 0 ? "" : path.slice(0, i);
      if (!known.has(parent)) api.module(parent, "Sequential");
      modules.push({ path, type, parent, depth: path.split(".").length, params });
      for (let p = parent; ; p = p.lastIndexOf(".") < 0 ? "" : p.slice(0, p.lastIndexOf("."))) {
        const m = modules.find((x) => x.path === p);
        if (m) m.params += params;
        if (p === "") break;
      }
    },
    /** Add a node; returns its id. */
    node(kind, label, attrs = {}) {
      const id = `n${nodes.length}`;
      const shape = attrs.shape ?? [8, 16];
      const numel = shape.reduce((a, b) => a * b, 1);
      const isOp = kind === "op" || kind === "output";
      nodes.push({
        id,
        kind,
        label,
        op: isOp ? label : null,
        backward: kind === "param" ? "AccumulateGrad" : isOp ? `${label[0].toUpperCase()}${label.slice(1)}Backward0` : null,
        tracked: kind !== "input",
        module: attrs.module ?? "",
        module_type: attrs.module_type ?? null,
        name: attrs.name ?? (kind === "param" ? label : null),
        shape,
        dtype: "float32",
        device: "cpu",
        requires_grad: kind !== "input",
        value: stats(attrs.valueNorm ?? 1, numel),
        grad: kind === "input" ? null : stats(attrs.gradNorm ?? 0.01, numel),
        seq: isOp ? seq++ : null,
        backward_order: null,
        call: null,
        dead: attrs.dead ?? null,
        params: kind === "param" ? numel : 0,
        flags: attrs.flags ?? [],
        repeat: 1,
      });
      return id;
    },
    edge(source, target) {
      edges.push({ source, target });
    },
    /** An op inside `module` consuming `inputs` (+ its own params). */
    op(label, module, inputs, attrs = {}) {
      const id = api.node("op", label, { module, ...attrs });
      for (const i of inputs) api.edge(i, id);
      return id;
    },
    param(name, module, shape, attrs = {}) {
      return api.node("param", name.slice(name.lastIndexOf(".") + 1), { module, name, shape, ...attrs });
    },
    json(source = "record") {
      const outputs = nodes.filter((n) => n.kind === "output").map((n) => n.id);
      return { format: "nngraph.graph", version: 1, graph: { source, outputs, backward_passes: 1 }, nodes, edges, modules };
    },
  };
  return api;
}

/** fc1 -> relu -> fc2 -> mse loss, with one module named like an XSS attack. */
export function tinyGraph() {
  const b = graphBuilder();
  b.module("fc1", "Linear", 30);
  b.module("act", "ReLU");
  b.module(XSS_NAME, "Linear", 11);
  const x = b.node("input", "x", { shape: [4, 5], name: "x" });
  const w1 = b.param("fc1.weight", "fc1", [5, 5], { gradNorm: 0.5 });
  const b1 = b.param("fc1.bias", "fc1", [5], { gradNorm: 0.2 });
  const h1 = b.op("linear", "fc1", [x, w1, b1], { shape: [4, 5], module_type: "Linear" });
  const r = b.op("relu", "act", [h1], {
    shape: [4, 5],
    module_type: "ReLU",
    dead: [2, 5],
    flags: [{ kind: "dead", where: "forward", message: "2 of 5 ReLU units never fire for this batch: they pass no gradient." }],
  });
  const w2 = b.param(`${XSS_NAME}.weight`, XSS_NAME, [2, 5], { gradNorm: 1e-7, flags: [{ kind: "vanishing", where: "backward", message: "Gradient is tiny here." }] });
  const b2 = b.param(`${XSS_NAME}.bias`, XSS_NAME, [2], { gradNorm: 1e-6 });
  const h2 = b.op("linear", XSS_NAME, [r, w2, b2], { shape: [4, 2], module_type: "Linear" });
  const t = b.node("input", SCRIPT_NAME, { shape: [4, 2], name: SCRIPT_NAME });
  const loss = b.op("mse_loss", "", [h2, t], { shape: [] });
  const out = b.node("output", "output", { shape: [] });
  b.edge(loss, out);
  return b.json();
}

/**
 * A ResNet-50-shaped graph: stem, 4 stages of bottlenecks [3, 4, 6, 3], pool, fc, loss.
 * Ops and params per bottleneck as torch records them: about 500 autograd nodes in all.
 */
export function resnet50Graph() {
  const b = graphBuilder();
  const convBn = (prefix, x, cout, hw, { relu = true } = {}) => {
    b.module(`${prefix}.conv`, "Conv2d", cout * 9);
    const w = b.param(`${prefix}.conv.weight`, `${prefix}.conv`, [cout, cout, 3, 3]);
    let y = b.op("conv2d", `${prefix}.conv`, [x, w], { shape: [8, cout, hw, hw], module_type: "Conv2d" });
    b.module(`${prefix}.bn`, "BatchNorm2d", 2 * cout);
    const g = b.param(`${prefix}.bn.weight`, `${prefix}.bn`, [cout]);
    const be = b.param(`${prefix}.bn.bias`, `${prefix}.bn`, [cout]);
    y = b.op("batch_norm", `${prefix}.bn`, [y, g, be], { shape: [8, cout, hw, hw], module_type: "BatchNorm2d" });
    if (relu) y = b.op("relu", prefix.replace(/\.[^.]+$/, "") + ".relu", [y], { shape: [8, cout, hw, hw] });
    return y;
  };
  const x = b.node("input", "x", { shape: [8, 3, 224, 224], name: "x" });
  b.module("stem", "Sequential");
  b.module("stem.relu", "ReLU");
  let y = convBn("stem.c1", x, 64, 112);
  y = b.op("max_pool2d", "", [y], { shape: [8, 64, 56, 56] });
  const stages = [3, 4, 6, 3];
  stages.forEach((blocks, s) => {
    const width = 64 * 2 ** s;
    const hw = 56 / 2 ** s;
    b.module(`layer${s + 1}`, "Sequential");
    for (let k = 0; k < blocks; k++) {
      const p = `layer${s + 1}.${k}`;
      b.module(p, "Bottleneck");
      b.module(`${p}.relu`, "ReLU");
      let z = convBn(`${p}.c1`, y, width, hw);
      z = convBn(`${p}.c2`, z, width, hw);
      z = convBn(`${p}.c3`, z, width * 4, hw, { relu: false });
      const skip = k === 0 ? convBn(`${p}.downsample`, y, width * 4, hw, { relu: false }) : y;
      z = b.op("add", p, [z, skip], { shape: [8, width * 4, hw, hw] });
      y = b.op("relu", `${p}.relu`, [z], { shape: [8, width * 4, hw, hw] });
    }
  });
  b.module("avgpool", "AdaptiveAvgPool2d");
  y = b.op("adaptive_avg_pool2d", "avgpool", [y], { shape: [8, 2048, 1, 1] });
  y = b.op("flatten", "", [y], { shape: [8, 2048] });
  b.module("fc", "Linear", 2049000);
  const w = b.param("fc.weight", "fc", [1000, 2048]);
  const bias = b.param("fc.bias", "fc", [1000]);
  y = b.op("linear", "fc", [y, w, bias], { shape: [8, 1000], module_type: "Linear" });
  const t = b.node("input", "target", { shape: [8], name: "target" });
  const loss = b.op("cross_entropy", "", [y, t], { shape: [] });
  const out = b.node("output", "output", { shape: [] });
  b.edge(loss, out);
  return b.json();
}

/** A transformer-shaped graph of about `n` nodes: embedding, L identical layers, head. */
export function bigGraph(n = 5000) {
  const b = graphBuilder();
  const perLayer = 38;
  const layers = Math.max(1, Math.round((n - 10) / perLayer));
  b.module("embed", "Embedding", 1000);
  const x = b.node("input", "tokens", { shape: [4, 128], name: "tokens" });
  let y = b.op("embedding", "embed", [x, b.param("embed.weight", "embed", [1000, 64])], { shape: [4, 128, 64] });
  b.module("layers", "ModuleList");
  for (let l = 0; l < layers; l++) {
    const p = `layers.${l}`;
    b.module(p, "TransformerBlock");
    b.module(`${p}.attn`, "Attention");
    b.module(`${p}.mlp`, "MLP");
    const res = y;
    let z = y;
    for (let i = 0; i < 4; i++) {
      const sub = `${p}.attn.${["q", "k", "v", "o"][i]}`;
      b.module(sub, "Linear", 64 * 64 + 64);
      z = b.op("linear", sub, [z, b.param(`${sub}.weight`, sub, [64, 64]), b.param(`${sub}.bias`, sub, [64])], { shape: [4, 128, 64] });
      for (const op of ["view", "transpose", "mul"]) z = b.op(op, `${p}.attn`, [z], { shape: [4, 128, 64] });
    }
    z = b.op("add", p, [z, res], { shape: [4, 128, 64] });
    for (let i = 0; i < 3; i++) {
      const sub = `${p}.mlp.fc${i}`;
      b.module(sub, "Linear", 64 * 64 + 64);
      z = b.op("linear", sub, [z, b.param(`${sub}.weight`, sub, [64, 64]), b.param(`${sub}.bias`, sub, [64])], { shape: [4, 128, 64] });
      z = b.op("gelu", `${p}.mlp`, [z], { shape: [4, 128, 64] });
    }
    y = b.op("add", p, [z, y], { shape: [4, 128, 64] });
  }
  b.module("head", "Linear", 64 * 1000);
  y = b.op("linear", "head", [y, b.param("head.weight", "head", [1000, 64])], { shape: [4, 128, 1000] });
  const loss = b.op("cross_entropy", "", [y], { shape: [] });
  const out = b.node("output", "output", { shape: [] });
  b.edge(loss, out);
  return b.json();
}

/**
 * `ng.graph_of(loss, params=model)` of `Sequential(Linear, ReLU) × blocks`: the parameters sit
 * in their Linear modules ("0", "2", ...), every op at top level (graph_of cannot tell which
 * module ran an op).
 */
export function graphOfMlp(blocks) {
  const b = graphBuilder();
  let y = b.node("input", "x", { shape: [4, 8], name: "x" });
  for (let k = 0; k < blocks; k++) {
    const path = String(2 * k);
    b.module(path, "Linear", 72);
    const w = b.param(`${path}.weight`, path, [8, 8], { module_type: "Linear" });
    const bias = b.param(`${path}.bias`, path, [8], { module_type: "Linear" });
    y = b.op("addmm", "", [bias, y, b.op("t", "", [w], { shape: [8, 8] })], { shape: [4, 8] });
    y = b.op("relu", "", [y], { shape: [4, 8] });
  }
  b.edge(b.op("mean", "", [y], { shape: [] }), b.node("output", "output", { shape: [] }));
  return b.json("graph_of");
}

/** `ng.graph_of` of a hand-written recurrent loop: one weight used at every one of `steps`. */
export function sharedWeightLoop(steps) {
  const b = graphBuilder();
  const w = b.param("W", "", [8, 8]);
  let h = b.node("input", "h0", { shape: [1, 8], name: "h0" });
  for (let t = 0; t < steps; t++) {
    h = b.op("mm", "", [h, w], { shape: [1, 8] });
    h = b.op("tanh", "", [b.op("add", "", [h], { shape: [1, 8] })], { shape: [1, 8] });
  }
  b.edge(b.op("sum", "", [h], { shape: [] }), b.node("output", "output", { shape: [] }));
  return b.json("graph_of");
}

/**
 * `ng.graph_of(loss, params=model)` of a stack of `layers` layers ("layers.0", ...), each of
 * `ops` top-level ops with `params` parameters used one by one along them, as in a
 * transformer: drawn at depth 0, "layers" is one box feeding ops all along the graph.
 */
export function graphOfLayers(layers, ops, params) {
  const b = graphBuilder();
  let y = b.node("input", "x", { shape: [4, 8], name: "x" });
  for (let l = 0; l < layers; l++) {
    const path = `layers.${l}`;
    b.module(path, "Layer", params * 8);
    for (let i = 0; i < ops; i++) {
      const inputs = [y];
      if (i % Math.floor(ops / params) === 0) inputs.push(b.param(`${path}.p${i}`, path, [8]));
      y = b.op(i % 2 ? "mul" : "add", "", inputs, { shape: [4, 8] });
    }
  }
  b.edge(b.op("sum", "", [y], { shape: [] }), b.node("output", "output", { shape: [] }));
  return b.json("graph_of");
}

/** `ng.trace` of `Sequential(Linear, ReLU) × blocks`: modules "0" ... `2 * blocks - 1`. */
export function tracedMlp(blocks) {
  const b = graphBuilder();
  let y = b.node("input", "x", { shape: [4, 8], name: "x" });
  for (let k = 0; k < 2 * blocks; k += 2) {
    const [lin, act] = [String(k), String(k + 1)];
    b.module(lin, "Linear", 72);
    b.module(act, "ReLU");
    y = b.op("linear", lin, [y, b.param(`${lin}.weight`, lin, [8, 8]), b.param(`${lin}.bias`, lin, [8])], { shape: [4, 8], module_type: "Linear" });
    y = b.op("relu", act, [y], { shape: [4, 8], module_type: "ReLU" });
  }
  b.edge(b.op("sum", "", [y], { shape: [] }), b.node("output", "output", { shape: [] }));
  return b.json();
}
