"""The live loss view in real JupyterLab + Chromium, during a real training run.

One notebook trains a tiny MLP with ``ng.Monitor`` logging each epoch, in a loop that only
ends on ``mon.should_stop``. The test watches the curves grow, hovers a detector event,
clicks Stop (the running loop must break), saves, reloads the page and checks the curves
come back. A second notebook checks that two panels (loss and acc) sit side by side, each plot
and legend inside its grid cell, in a Monitor's view and in a Runs view (whose one legend names
each run once and the two line styles). Screenshots go to
test-artifacts/; with NNGRAPH_UPDATE_DOCS=1 the stopped view also replaces the README's
docs/img/lossview.png.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from tests.e2e.conftest import KERNEL_IDLE, ROOT, notebook_url, screenshot, write_notebook

pytestmark = pytest.mark.slow

SETUP = """\
import time, torch, nngraph as ng
torch.manual_seed(0)
x = torch.randn(60, 2)
y = x[:, :1] * x[:, 1:] + 0.4 * torch.randn(60, 1)
xt, yt, xv, yv = x[:20], y[:20], x[20:], y[20:]
net = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.Tanh(), torch.nn.Linear(64, 1))
opt = torch.optim.Adam(net.parameters(), lr=0.03)
mse = torch.nn.functional.mse_loss
mon = ng.Monitor(model=net, detectors=[ng.detectors.Patience(3, stop=False)])
"""

TRAIN = """\
for epoch in range(1, 3001):
    opt.zero_grad()
    loss = mse(net(xt), yt)
    loss.backward()
    opt.step()
    with torch.no_grad():
        val_loss = mse(net(xv), yv)
    mon.log(epoch, loss=loss, val_loss=val_loss)
    time.sleep(0.03)
    if mon.should_stop:
        break
print(f"loop ended at epoch {epoch} by {mon.stop_event.detector}")
"""


def legend_count(view: Any) -> int:
    return int(view.locator('.ng-loss-panel[data-panel="loss"] .u-legend .u-series').count())


def test_live_curves_markers_stop_and_reload(jupyter_lab: Any, browser: Any) -> None:
    write_notebook(jupyter_lab.root / "lossview.ipynb", [SETUP, TRAIN])
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(notebook_url(jupyter_lab, "lossview.ipynb"), wait_until="domcontentloaded")
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        # start the cells without awaiting them (execute() resolves when they finish)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

        # live curves: uPlot canvases, train + validation in the legend, growing; the same
        # view is shown below the training cell too (the one the monitor's cell shows is
        # driven here: it stays in place while the page grows)
        view = page.locator(".jp-Cell").nth(0).locator(".ng-loss")
        # as long as the kernel may take: on a loaded 2-core machine the reloaded page's widget
        # manager came back after the kernel, past 60 s, twice in two stops
        view.locator('.ng-loss-panel[data-panel="loss"] canvas').first.wait_for(timeout=120_000)
        assert legend_count(view) == 3  # the x series, loss, val_loss
        below = page.locator(".jp-Cell").nth(1).locator(".ng-loss")
        below.locator('.ng-loss-panel[data-panel="loss"] canvas').first.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => /epoch \\d{2,}/.test(document.querySelector('.ng-loss-progress').textContent)",
            timeout=60_000,
        )
        # the best epoch and a detector event, explained on hover
        view.locator(".ng-loss-best").first.wait_for(state="attached", timeout=30_000)
        event = view.locator(".ng-loss-event > b").last  # the newest is drawn on top
        event.wait_for(timeout=60_000)
        event.hover()
        tip = view.locator(".ng-loss-tip")
        tip.wait_for(state="visible", timeout=10_000)
        assert "Patience(3)" in tip.inner_text()
        assert "epoch" in tip.inner_text()
        screenshot(view, "lossview-live")

        # Stop: the running loop sees mon.should_stop and breaks
        stop = view.locator(".ng-loss-stop")
        assert stop.inner_text() == "Stop"
        stop.click()
        out = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
        out.filter(has_text="loop ended").wait_for(timeout=30_000)
        text = out.filter(has_text="loop ended").inner_text()
        assert "by user" in text, text
        epoch = int(text.split("epoch ")[1].split()[0])
        assert epoch < 3000
        page.wait_for_function(
            "() => document.querySelector('.ng-loss-stop').dataset.state === 'stopped'",
            timeout=10_000,
        )
        assert view.locator(".ng-loss-event.ng-stop").count() >= 1  # the Stop is an event too
        page.wait_for_function(KERNEL_IDLE, timeout=30_000)
        screenshot(view, "lossview-stopped")

        # reload: the saved output re-attaches to the kernel's widget and redraws every point
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_timeout(1000)
        # the saved output carries a static picture of the final curves (no kernel needed)
        saved = json.loads((jupyter_lab.root / "lossview.ipynb").read_text())
        views = [
            out["data"]
            for cell in saved["cells"]
            for out in cell["outputs"]
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        ]
        assert len(views) == 2  # below the monitor's cell, and below the training cell
        svg = "".join(views[1]["image/svg+xml"])
        assert svg.count("<polyline") >= 2 and "<circle" in svg and "<polygon" in svg
        page.reload(wait_until="domcontentloaded")
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        view = page.locator(".jp-Cell").nth(0).locator(".ng-loss")
        view.locator('.ng-loss-panel[data-panel="loss"] canvas').first.wait_for(timeout=60_000)
        assert legend_count(view) == 3
        view.locator(".ng-loss-best").first.wait_for(state="attached", timeout=30_000)
        page.wait_for_function(
            f"() => document.querySelector('.ng-loss-progress').textContent.includes('epoch {epoch}')",
            timeout=30_000,
        )
        assert view.locator(".ng-loss-stop").get_attribute("data-state") == "stopped"
        shot = screenshot(view, "lossview-reloaded")
        if os.environ.get("NNGRAPH_UPDATE_DOCS"):  # refresh the README's picture on request only
            docs = ROOT / "docs" / "img"
            (docs / "lossview.png").write_bytes((shot.parent / "lossview-stopped.png").read_bytes())
        assert not [e for e in errors if "ng-loss" in e or "lossview" in e], errors
    finally:
        context.close()


TWO_PANELS = [
    """\
import nngraph as ng
mon = ng.Monitor()
for e in range(1, 21):
    mon.log(e, loss=1 / e, val_loss=1 / e + 0.1, acc=1 - 1 / e, val_acc=0.9 - 1 / e)
""",
    """\
runs = ng.Runs()
for name in ["1 layer", "hidden 4", "hidden 32"]:
    run = runs.new(name)
    for e in range(1, 21):
        run.log(e, loss=1 / e, val_loss=1 / e + 0.1, acc=1 - 1 / e, val_acc=0.9 - 1 / e)
""",
]

# per view, per panel: the panel's box and the boxes of its uPlot and its legend (compared
# runs: none under the plot, one above all panels, `shared`), and the view's box
PANEL_BOXES = """() => [...document.querySelectorAll('.ng-loss')].map(view =>
    [...view.querySelectorAll('.ng-loss-panel')].map(p => {
        const box = (e) => { if (!e) return null; const r = e.getBoundingClientRect();
                              return [r.left, r.right]; };
        return {panel: p.dataset.panel, box: box(p), plot: box(p.querySelector('.uplot')),
                legend: box(p.querySelector('.u-legend')), view: box(view),
                shared: box(view.querySelector('.ng-loss-legend:not([hidden])'))};
    }))"""


def test_two_panels_fit_their_cells(lab_page: Any) -> None:
    page = lab_page("lossview_panels.ipynb", cells=TWO_PANELS)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ng-loss')].filter(v =>"
        " v.querySelectorAll('.ng-loss-panel .uplot canvas').length >= 2).length === 2",
        timeout=60_000,
    )
    page.wait_for_timeout(500)  # resize observers
    views = page.evaluate(PANEL_BOXES)
    screenshot(page.locator(".ng-loss").last, "lossview-two-panels")
    runs_legend = page.locator(".ng-loss").last.locator(".ng-loss-legend")
    assert runs_legend.inner_text().split() == [
        *["1", "layer", "hidden", "4", "hidden", "32"],
        *["training", "validation"],
    ]
    for panels in views:
        assert [p["panel"] for p in panels] == ["loss", "acc"]
        (left, right) = panels[0]["box"], panels[1]["box"]
        assert left[1] <= right[0], panels  # side by side, not overlapping
        for p in panels:
            (x0, x1) = p["box"]
            for part in ("plot", "legend") if p["legend"] else ("plot",):
                assert x0 - 1 <= p[part][0] and p[part][1] <= x1 + 1, (part, p)
            assert p["plot"][1] - p["plot"][0] >= x1 - x0 - 2, p  # as wide as its cell
            assert (p["legend"] is None) == (p["shared"] is not None), p  # one or the other
            if p["shared"]:
                assert p["view"][0] <= p["shared"][0] and p["shared"][1] <= p["view"][1], p
    assert not [e for e in page.errors if "ng-loss" in e or "lossview" in e], page.errors
