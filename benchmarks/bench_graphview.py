"""Front-end timings of the graph view in headless Chromium (benchmarks, not tests).

Targets: a ResNet-50 graph from ``to_json()`` to a drawn, interactive SVG in under 1 s;
first paint of a 5,000-node graph (collapsed) under 2 s; opening one module under 300 ms.

    .venv/bin/python benchmarks/bench_graphview.py          # needs the built bundle
                                                            # (cd js && npm run build)

Each graph is traced for real (``ng.trace``), turned into JSON text, and handed to the
built bundle (nngraph/static/graphview.js) in a page of its own; the clock runs from the JSON
text to the ``ng-rendered`` event (parse, choose depth, Graphviz wasm layout, SVG drawn,
pan/zoom attached). "cold" includes compiling the Graphviz wasm, the first view of a page;
"warm" is every later view. Then one module box is clicked and timed until redrawn.
"""

from __future__ import annotations

import http.server
import statistics
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import torch
from torch import nn

import nngraph as ng

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the shared Chromium launcher is in tests/
from tests.e2e.chromium import launch  # noqa: E402

BUNDLE = ROOT / "nngraph" / "static" / "graphview.js"

HARNESS = """<!doctype html><meta charset="utf-8"><body style="width:1200px">
<script type="module">
import widget from "/graphview.js";
// a stand-in for anywidget's model: the traits GraphView syncs
window.show = (jsonText) => new Promise((resolve) => {
  const t0 = performance.now();
  const values = { graph: JSON.parse(jsonText), depth: null, view: "forward",
                   color_by: "grad", selected: "", height: 600 };
  const model = { get: (k) => values[k], set() {}, save_changes() {}, on() {}, off() {} };
  const el = document.createElement("div");
  document.body.replaceChildren(el);
  el.addEventListener("ng-rendered", (ev) => resolve({ ms: performance.now() - t0,
      ...ev.detail }), { capture: true, once: true });
  widget.render({ model, el });
});
window.openOne = () => new Promise((resolve) => {
  const el = document.body.firstElementChild;
  const box = el.querySelector(".ng-item.ng-type-module, .ng-item.ng-type-run");
  const t0 = performance.now();
  el.addEventListener("ng-rendered", (ev) => resolve({ ms: performance.now() - t0,
      items: ev.detail.items, what: box.getAttribute("data-id") }), { capture: true, once: true });
  box.dispatchEvent(new MouseEvent("click", { bubbles: true }));
});
window.ready = true;
</script>"""


class Bottleneck(nn.Module):
    def __init__(self, cin: int, width: int, stride: int = 1) -> None:
        super().__init__()
        cout = width * 4
        self.conv1, self.bn1 = nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3, self.bn3 = nn.Conv2d(width, cout, 1, bias=False), nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.downsample = (
            nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
            if stride != 1 or cin != cout
            else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + (self.downsample(x) if self.downsample is not None else x))


def resnet50() -> nn.Module:
    """torchvision's ResNet-50 layout (torchvision is not a dependency)."""
    layers: list[nn.Module] = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    cin = 64
    for i, (blocks, width) in enumerate(zip([3, 4, 6, 3], [64, 128, 256, 512], strict=True)):
        stage = []
        for b in range(blocks):
            stage.append(Bottleneck(cin, width, 2 if b == 0 and i > 0 else 1))
            cin = width * 4
        layers.append(nn.Sequential(*stage))
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
    return nn.Sequential(*layers)


def graphs() -> dict[str, tuple[str, int]]:
    """Name -> (to_json() text, node count), traced with a loss so gradients are there."""
    torch.manual_seed(0)
    out: dict[str, tuple[str, int]] = {}
    x, t = torch.randn(2, 3, 64, 64), torch.tensor([1, 2])
    g = ng.trace(resnet50(), x, loss=lambda y: nn.functional.cross_entropy(y, t))
    out["resnet50"] = (g.to_json(), g.number_of_nodes())
    enc = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(64, 4, 128, batch_first=True, dropout=0.0), 12
    )
    g = ng.trace(enc, torch.randn(2, 16, 64), loss=lambda y: y.pow(2).mean())
    out["transformer-12"] = (g.to_json(), g.number_of_nodes())
    mlp = nn.Sequential(*[m for _ in range(1000) for m in (nn.Linear(16, 16), nn.ReLU())])
    g = ng.trace(mlp, torch.randn(4, 16), loss=lambda y: y.pow(2).mean())
    out["mlp-1000x(Linear,ReLU)"] = (g.to_json(), g.number_of_nodes())
    return out


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *a, **k: None  # type: ignore[assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not BUNDLE.exists():
        print("build the front-end first: cd js && npm run build", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    data = graphs()
    print(f"traced the models and wrote JSON in {time.perf_counter() - t0:.1f} s")
    site = ROOT / "test-artifacts" / "bench-site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(HARNESS)
    (site / "graphview.js").write_bytes(BUNDLE.read_bytes())
    server, url = serve(site)
    rows: list[tuple[Any, ...]] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        for name, (text, nodes) in data.items():
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/index.html")
            page.wait_for_function("() => window.ready")
            cold = page.evaluate("t => window.show(t)", text)
            print(f"{name} cold, ms by phase:", {k: round(v) for k, v in cold.items()})
            warm = [page.evaluate("t => window.show(t)", text)["ms"] for _ in range(5)]
            opens = []
            for _ in range(5):
                page.evaluate("t => window.show(t)", text)
                opens.append(page.evaluate("() => window.openOne()"))
            rows.append((name, nodes, cold, warm, opens))
            page.close()
        browser.close()
    server.shutdown()
    print(f"\nheadless Chromium, {sys.platform}; ms = median of 5 unless 'cold'")
    print(f"{'graph':24} {'nodes':>6} {'drawn':>6} {'cold ms':>8} {'warm ms':>8} {'open ms':>8}")
    for name, nodes, cold, warm, opens in rows:
        print(
            f"{name:24} {nodes:6d} {cold['items']:6d} {cold['ms']:8.0f} "
            f"{statistics.median(warm):8.0f} {statistics.median(o['ms'] for o in opens):8.0f}"
            f"   (opened {opens[0]['what']}: {opens[0]['items']} drawn)"
        )
    print("targets: resnet50 < 1000 ms to interactive; 5,000 nodes < 2000 ms; open < 300 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
