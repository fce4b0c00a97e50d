"""Panning the live loss view over 100,000 points in headless Chromium (a benchmark, not a test).

Target: 60 fps (a frame every 16.7 ms) while panning a panel whose two curves (loss and
val_loss) hold 100,000 points each.

    .venv/bin/python benchmarks/bench_lossview.py [points] [frames]   # needs the built bundle
                                                                     # (cd js && npm run build)

The shipped bundle (nngraph/static/lossview.js) is loaded as anywidget would load it, with a
stand-in model whose snapshot holds the curves. Then, at every requestAnimationFrame, the
x range is moved by 1/200 of the data (a window of 20% of it), and we record:

- frame interval: time between successive animation frames while panning (what the user
  sees; 16.7 ms = 60 fps),
- draw time: setScale() until uPlot has redrawn (the view's own cost per frame).

Also timed: loading the 100k-point snapshot (first draw) and appending a live batch.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: the shared Chromium launcher is in tests/
from tests.e2e.chromium import launch  # noqa: E402

BUNDLE = ROOT / "nngraph" / "static" / "lossview.js"
ORIGIN = "http://bench.nngraph.local"

PAGE = f"""<!doctype html><html><body style="margin:0">
<div id="el" style="width:1200px"></div>
<script type="module">
import widget from "{ORIGIN}/lossview.js";
window.bench = async (n, frames) => {{
  const steps = new Array(n), loss = new Array(n), val = new Array(n);
  let seed = 1;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5);
  for (let i = 0; i < n; i++) {{
    steps[i] = i + 1;
    loss[i] = 2 * Math.exp(-i / (n / 5)) + 0.1 + 0.05 * rnd();
    val[i] = 2 * Math.exp(-i / (n / 5)) + 0.2 + 0.0000004 * i + 0.08 * rnd();
  }}
  const snapshot = {{kind: "monitor", metric: "val_loss", mode: "min", runs: {{"": {{
    metrics: {{loss: {{step: steps, value: loss}}, val_loss: {{step: steps, value: val}}}},
    events: [{{step: n * 0.6, epoch: n * 0.6, detector: "GL(5)", kind: "overfitting",
               message: "validation loss rose", stop: true}}],
    best: {{step: n * 0.5, epoch: n * 0.5, metric: "val_loss", value: 0.3}}}}}}}};
  const traits = {{snapshot, log_scale: false, smoothing: 0, height: 300, strings: {{}}}};
  const handlers = {{}};
  const model = {{
    get: (k) => traits[k], set: (k, v) => {{ traits[k] = v; }}, save_changes() {{}},
    on: (e, f) => {{ (handlers[e] ||= []).push(f); }}, off() {{}}, send() {{}},
  }};
  const w = widget();
  const el = document.getElementById("el");
  const t0 = performance.now();
  w.initialize({{model}});
  w.render({{model, el}});
  const view = el.querySelector(".ng-loss").ngLossView;
  view.flush();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const firstDraw = performance.now() - t0;
  const u = view.panels.get("loss").plot;
  // a live batch of 100 new points, as the kernel sends them
  const xs = new Float64Array(100).map((_, i) => n + 1 + i);
  const ys = new Float64Array(100).fill(0.2);
  const t1 = performance.now();
  for (const f of handlers["msg:custom"]) f({{type: "batch", run: "", metrics: ["loss"]}},
                                            [xs.buffer, ys.buffer]);
  view.flush();
  await Promise.resolve();
  const append = performance.now() - t1;
  // the same page's frame rate with no drawing at all: what this browser/machine allows
  const idle = [];
  await new Promise((done) => {{
    let prev = null;
    const tick = (ts) => {{
      if (prev !== null) idle.push(ts - prev);
      prev = ts;
      if (idle.length >= 120) done(); else requestAnimationFrame(tick);
    }};
    requestAnimationFrame(tick);
  }});
  const tj = performance.now();
  for (let i = 0; i < 5; i++) view.flush();
  const redraw = (performance.now() - tj) / 5;
  const width = n * 0.2, stepBy = n / 200;
  const intervals = [], draws = [];
  let last = null, x0 = 1;
  await new Promise((done) => {{
    const frame = async (ts) => {{
      if (last !== null) intervals.push(ts - last);
      last = ts;
      x0 = x0 + stepBy > n - width ? 1 : x0 + stepBy;
      const t = performance.now();
      u.setScale("x", {{min: x0, max: x0 + width}});
      await Promise.resolve();  // uPlot commits (redraws) in a microtask
      draws.push(performance.now() - t);
      if (intervals.length >= frames) done(); else requestAnimationFrame(frame);
    }};
    requestAnimationFrame(frame);
  }});
  return {{firstDraw, append, redraw, idle, intervals, draws, points: u.data[0].length}};
}};
window.ready = true;
</script></body></html>"""


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main(points: int = 100_000, frames: int = 300) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    if not BUNDLE.exists():
        sys.exit("build the front-end first: cd js && npm ci && npm run build")
    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(
            f"{ORIGIN}/lossview.js",
            lambda route: route.fulfill(
                body=BUNDLE.read_text(), content_type="text/javascript; charset=utf-8"
            ),
        )
        page.route(f"{ORIGIN}/", lambda route: route.fulfill(body=PAGE, content_type="text/html"))
        page.goto(f"{ORIGIN}/")
        page.wait_for_function("() => window.ready === true")
        result = page.evaluate("([n, f]) => window.bench(n, f)", [points, frames])
        browser.close()
    iv, dr = result["intervals"], result["draws"]
    summary = {
        "points_per_curve": points,
        "curves": 2,
        "joined_points": result["points"],
        "first_draw_ms": round(result["firstDraw"], 1),
        "append_100_points_ms": round(result["append"], 2),
        "full_redraw_ms": round(result["redraw"], 2),
        "idle_frame_interval_ms_median": round(statistics.median(result["idle"]), 2),
        "frames": len(iv),
        "frame_interval_ms_median": round(statistics.median(iv), 2),
        "frame_interval_ms_p95": round(pct(iv, 0.95), 2),
        "fps_median": round(1000 / statistics.median(iv), 1),
        "draw_ms_median": round(statistics.median(dr), 2),
        "draw_ms_p95": round(pct(dr, 0.95), 2),
        # a frame is dropped when its interval is over 1.5 frames (25 ms)
        "dropped_frames_pct": round(100 * sum(v > 25 for v in iv) / len(iv), 1),
    }
    return summary


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    out = main(*args)
    print(json.dumps(out, indent=2))
