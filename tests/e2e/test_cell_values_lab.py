"""What a cell's last value shows in real JupyterLab + Chromium: views shown as a cell's value,
the text results of ``summary()`` / ``health()``, compared runs' best-epoch rings and a
GradientWatch's events.

One notebook, run once (its training cell is stopped with the Stop button of a view shown by
an *earlier* cell):

- ``view = ng.LossView(mon); view`` as a cell's last line shows the view exactly once, and
  that view follows the training of the next cell (its progress line moves on), its Stop
  button reaches the running loop (``mon.stop_requested`` and ``mon.should_stop``), and its
  saved picture is the final one; ``display(view)`` in two more cells shows it once in each;
  ``ng.LossView.attach(mon2)``, ``mon`` and a fresh ``ng.Monitor()`` + ``mon3`` as a cell's
  last line each show one view;
- ``g.summary()``, ``mon.summary()`` and ``g.health()`` as a cell's last line show their
  lines (not a repr with ``\\n`` in it), in English and in Polish;
- ``ng.compare(a, b)`` of a run watching ``val_acc`` and one watching ``val_loss``: each run's
  best-epoch ring sits on its own metric's panel, on that run's curve;
- ``watch`` (a GradientWatch that found a dead layer and steps without gradients) shows both
  events as markers.

Then the notebook is saved and the page reloaded: every view comes back once. Screenshots go
to test-artifacts/cell-values-*.png.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.e2e.conftest import KERNEL_IDLE, notebook_url, screenshot, write_notebook

pytestmark = pytest.mark.slow

SETUP = """\
import time, torch, nngraph as ng
from IPython.display import display
ng.set_language("en")
torch.manual_seed(0)
x = torch.randn(60, 2)
y = x[:, :1] * x[:, 1:] + 0.4 * torch.randn(60, 1)
xt, yt, xv, yv = x[:20], y[:20], x[20:], y[20:]
net = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.Tanh(), torch.nn.Linear(64, 1))
opt = torch.optim.Adam(net.parameters(), lr=0.03)
mse = torch.nn.functional.mse_loss
mon = ng.Monitor(model=net, display=False)
"""
SHOW = "view = ng.LossView(mon)\nview"
TRAIN = """\
for epoch in range(1, 2001):
    opt.zero_grad()
    loss = mse(net(xt), yt)
    loss.backward()
    opt.step()
    with torch.no_grad():
        val_loss = mse(net(xv), yv)
    mon.log(epoch, loss=loss, val_loss=val_loss)
    time.sleep(0.03)
    if mon.stop_requested:
        break
print(f"loop ended at epoch {epoch}: stop_requested={mon.stop_requested}"
      f" should_stop={mon.should_stop}")
"""
DISPLAY = "display(view)"
ATTACH = """\
mon2 = ng.Monitor(display=False)
for e in range(1, 6):
    mon2.log(e, loss=1 / e, val_loss=1 / e + 0.1)
ng.LossView.attach(mon2)"""
MON = "mon"
MON3 = """\
mon3 = ng.Monitor()
for e in range(1, 6):
    mon3.log(e, loss=1 / e, val_loss=1 / e + 0.2)
mon3"""
DEEP = """\
torch.manual_seed(0)
layers = []
for _ in range(8):
    layers += [torch.nn.Linear(16, 16), torch.nn.Sigmoid()]
deep = torch.nn.Sequential(*layers, torch.nn.Linear(16, 1))
g = ng.trace(deep, torch.randn(32, 16), loss=lambda out: out.pow(2).mean())
g.summary()"""
MON_SUMMARY = "mon.summary()"
HEALTH = "g.health()"
PL_SUMMARY = 'ng.set_language("pl")\ng.summary()'
PL_MON_SUMMARY = "mon.summary()"
PL_HEALTH = "g.health()"
COMPARE = """\
ng.set_language("en")
a = ng.Monitor(name="by acc", metric="val_acc", display=False)
b = ng.Monitor(name="by loss", metric="val_loss", display=False)
for e in range(1, 21):
    a.log(e, loss=1 / e, val_loss=0.3 + abs(e - 8) * 0.03, acc=1 - 1 / e,
          val_acc=0.6 + 0.02 * min(e, 12) - 0.01 * max(0, e - 12))
    b.log(e, loss=1.2 / e, val_loss=0.35 + abs(e - 11) * 0.02, acc=1 - 1.2 / e,
          val_acc=0.55 + 0.02 * min(e, 15))
ng.compare(a, b)"""
WATCH = """\
torch.manual_seed(0)
relu_net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
sgd = torch.optim.SGD(relu_net.parameters(), lr=0.1)
watch = ng.GradientWatch(relu_net, optimizer=sgd)
xs, ys = torch.randn(32, 4), torch.randn(32, 1)
for step in range(30):
    sgd.zero_grad()
    mse(relu_net(xs), ys).backward()
    if step == 10:
        with torch.no_grad():
            relu_net[0].bias.fill_(-100.0)  # every ReLU unit dies
    if step >= 20:
        sgd.zero_grad()  # zero_grad() between backward() and step()
    sgd.step()
watch"""

CELLS = [
    SETUP,  # 0
    SHOW,  # 1
    TRAIN,  # 2
    DISPLAY,  # 3
    DISPLAY,  # 4
    ATTACH,  # 5
    MON,  # 6
    MON3,  # 7
    DEEP,  # 8
    MON_SUMMARY,  # 9
    HEALTH,  # 10
    PL_SUMMARY,  # 11
    PL_MON_SUMMARY,  # 12
    PL_HEALTH,  # 13
    COMPARE,  # 14
    WATCH,  # 15
]
VIEW_CELLS = {1: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 14: 1, 15: 1}  # cell: live views in it

ALL_RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""

# the distance (CSS px) from a best-epoch ring's centre to the nearest pixel of its run's colour
# in the panel's canvas, a few columns around the ring (None: no such pixel in those columns)
RING_TO_CURVE = """(knob) => {
    const mark = knob.parentElement, panel = mark.closest('.ng-loss-panel');
    const canvas = panel.querySelector('.uplot canvas');
    const cr = canvas.getBoundingClientRect(), kr = knob.getBoundingClientRect();
    const sx = canvas.width / cr.width, sy = canvas.height / cr.height;
    const cx = (kr.left + kr.right) / 2, cy = (kr.top + kr.bottom) / 2;
    const want = getComputedStyle(mark).color.match(/\\d+/g).map(Number);
    const ctx = canvas.getContext('2d');
    const x0 = Math.round((cx - cr.left) * sx);
    let best = null;
    for (let dx = -2; dx <= 2; dx++) {
        const col = ctx.getImageData(x0 + dx, 0, 1, canvas.height).data;
        for (let y = 0; y < canvas.height; y++) {
            const [r, g, b, a] = col.slice(4 * y, 4 * y + 4);
            const far = Math.abs(r - want[0]) + Math.abs(g - want[1]) + Math.abs(b - want[2]);
            if (a > 150 && far < 90) {
                const d = Math.abs(y / sy + cr.top - cy);
                if (best === null || d < best) best = d;
            }
        }
    }
    return best;
}"""


def cell(page: Any, i: int) -> Any:
    return page.locator(".jp-Notebook .jp-Cell").nth(i)


def outputs_text(page: Any, i: int) -> str:
    return "\n".join(cell(page, i).locator(".jp-OutputArea-output").all_inner_texts())


def views_per_cell(page: Any) -> dict[int, int]:
    counts = page.evaluate(
        "() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]"
        ".map(c => c.querySelectorAll('.ng-loss').length)"
    )
    return {i: n for i, n in enumerate(counts) if n}


def progress_epoch(view: Any) -> int:
    text = view.locator(".ng-loss-progress").inner_text()
    found = re.search(r"epoch (\d+)", text)
    return int(found.group(1)) if found else 0


def check_text_outputs(page: Any) -> None:
    """summary() / health() as a cell's last value: their lines, once, in either language."""
    for i, must in [
        (8, ["Total params: 2,193", "Module", "Grad norm", "[vanishing]"]),
        (9, ["best val_loss", "event", "Stop button"]),
        (10, ["Findings (4, in 2 lines):", "- [vanishing] The weights of 3 layers"]),
        (11, ["Parametry razem:", "Moduł", "Norma gradientu", "[zanikający gradient]"]),
        (12, ["najlepszy wynik val_loss", "zdarze"]),
        (13, ["Wykryte problemy (4, w 2 wierszach):", "- [zanikający gradient] Wagi 3 warstw"]),
    ]:
        out = cell(page, i).locator(".jp-OutputArea-output")
        assert out.count() == 1, (i, out.count())
        text = outputs_text(page, i)
        for piece in must:
            assert piece in text, (i, piece, text)
        # shown as lines, not as a Python repr
        assert "\\n" not in text and not text.startswith(("'", '"', "[{")), (i, text[:200])
        assert "{'kind'" not in text and "message_id" not in text, (i, text[:200])
        assert len(text.strip().splitlines()) >= 2, (i, text)
    for i in (10, 13):  # a head, then one bullet per line of findings
        head, *lines = outputs_text(page, i).strip().splitlines()
        assert lines and all(line.startswith("- [") for line in lines), (head, lines)


def check_compare_rings(page: Any) -> None:
    """Each compared run's best ring on its own metric's panel, on that run's curve."""
    view = cell(page, 14).locator(".ng-loss")
    view.locator('.ng-loss-panel[data-panel="acc"] .ng-loss-best').first.wait_for(
        state="attached", timeout=30_000
    )
    page.wait_for_timeout(500)  # resize observers, marks placed
    for panel, run, other in [("acc", "by acc", "by loss"), ("loss", "by loss", "by acc")]:
        box = view.locator(f'.ng-loss-panel[data-panel="{panel}"]')
        rings = box.locator(".ng-loss-best")
        assert rings.count() == 1, (panel, rings.count())
        assert rings.first.get_attribute("data-run") == run
        assert box.locator(f'.ng-loss-best[data-run="{other}"]').count() == 0
        knob = rings.first.locator("b")
        assert knob.is_visible()
        distance = knob.evaluate(RING_TO_CURVE)
        assert distance is not None and distance <= 6, (panel, run, distance)
    # its explanation names the run, its metric and its value
    knob = view.locator('.ng-loss-panel[data-panel="loss"] .ng-loss-best b')
    knob.hover()
    tip = view.locator(".ng-loss-tip")
    tip.wait_for(state="visible", timeout=10_000)
    assert "by loss" in tip.inner_text() and "val_loss" in tip.inner_text(), tip.inner_text()
    assert "0.35" in tip.inner_text(), tip.inner_text()
    screenshot(view, "cell-values-compare")
    page.mouse.move(0, 0)


def check_watch_events(page: Any) -> None:
    """Both of the watch's events drawn as markers, each explained on hover."""
    view = cell(page, 15).locator(".ng-loss")
    view.locator(".ng-loss-panel canvas").first.wait_for(timeout=30_000)
    events = view.locator(".ng-loss-event")
    events.first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(300)
    screenshot(view, "cell-values-watch")
    assert events.count() == 2, events.count()
    steps = sorted(float(e.get_attribute("data-step")) for e in events.all())
    assert steps == [14.0, 23.0], steps
    tip = view.locator(".ng-loss-tip")
    for step, words in [(14, "gradient of exactly 0"), (23, "optimizer.step() ran 3 times")]:
        knob = view.locator(f'.ng-loss-event[data-step="{step}"] > b')
        assert knob.is_visible(), f"the event at step {step} is not drawn"
        knob.hover()
        tip.wait_for(state="visible", timeout=10_000)
        assert words in tip.inner_text(), tip.inner_text()
        page.mouse.move(0, 0)


def test_cell_values_in_lab(jupyter_lab: Any, browser: Any) -> None:
    name = "cell_values.ipynb"
    write_notebook(jupyter_lab.root / name, CELLS)
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(notebook_url(jupyter_lab, name), wait_until="domcontentloaded")
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

        # the view shown as cell 1's value follows cell 2's training
        view = cell(page, 1).locator(".ng-loss")
        view.locator('.ng-loss-panel[data-panel="loss"] canvas').first.wait_for(timeout=60_000)
        page.wait_for_function(
            "() => { const p = document.querySelectorAll('.jp-Notebook .jp-Cell')[1]"
            ".querySelector('.ng-loss-progress'); return p && /epoch \\d{2,}/.test(p.textContent); }",
            timeout=60_000,
        )
        first = progress_epoch(view)
        page.wait_for_function(
            "(n) => { const p = document.querySelectorAll('.jp-Notebook .jp-Cell')[1]"
            ".querySelector('.ng-loss-progress'); const m = /epoch (\\d+)/.exec(p.textContent);"
            " return m && Number(m[1]) >= n + 5; }",
            arg=first,
            timeout=30_000,
        )
        assert view.count() == 1
        assert cell(page, 1).locator(".jp-OutputArea-output").count() == 1
        assert cell(page, 2).locator(".ng-loss").count() == 0  # the loop shows no view itself
        screenshot(view, "cell-values-live")

        # its Stop button reaches the loop running in the next cell
        stop = view.locator(".ng-loss-stop")
        assert stop.is_enabled()
        stop.click()
        ended = cell(page, 2).locator(".jp-OutputArea-output").filter(has_text="loop ended")
        ended.wait_for(timeout=30_000)
        text = ended.inner_text()
        assert "stop_requested=True should_stop=True" in text, text
        epoch = int(text.split("epoch ")[1].split(":")[0])
        assert epoch < 2000

        page.wait_for_function(ALL_RAN, timeout=120_000)
        page.wait_for_function(KERNEL_IDLE, timeout=30_000)
        page.wait_for_timeout(800)  # last batches and snapshots
        # every view once, where it was shown; nothing else in those cells
        assert views_per_cell(page) == VIEW_CELLS, views_per_cell(page)
        for i in VIEW_CELLS:
            outs = cell(page, i).locator(".jp-OutputArea-output")
            # the watch also printed its two events while the loop ran (it had no view yet)
            assert outs.count() == (2 if i == 15 else 1), (i, outs.count(), outputs_text(page, i))
        assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
        # the first view still holds the whole run, its Stop greyed out now
        assert progress_epoch(view) == epoch
        assert view.locator(".ng-loss-stop").get_attribute("data-state") == "stopped"
        # the views of cells 3 and 4 are the same widget: the same run
        for i in (3, 4, 6):
            assert progress_epoch(cell(page, i).locator(".ng-loss")) == epoch, i
        screenshot(page.locator(".jp-Notebook"), "cell-values-notebook")

        check_text_outputs(page)
        check_compare_rings(page)

        # the saved notebook: cell 1's picture is the final one (updated after cell 2)
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_timeout(1000)
        saved = json.loads((jupyter_lab.root / name).read_text())
        outs = saved["cells"][1]["outputs"]
        assert len(outs) == 1, outs
        bundle = outs[0]["data"]
        assert "application/vnd.jupyter.widget-view+json" in bundle
        caption = "".join(bundle["text/plain"])
        assert f"epoch {epoch}" in caption, caption
        assert "".join(bundle["image/svg+xml"]).count("<polyline") >= 2

        # reload: each view once again, the first with every epoch
        page.reload(wait_until="domcontentloaded")
        page.wait_for_function(KERNEL_IDLE, timeout=120_000)
        view = cell(page, 1).locator(".ng-loss")
        view.locator('.ng-loss-panel[data-panel="loss"] canvas').first.wait_for(timeout=60_000)
        page.wait_for_function(
            "(n) => { const p = document.querySelectorAll('.jp-Notebook .jp-Cell')[1]"
            ".querySelector('.ng-loss-progress'); return p && p.textContent.includes('epoch ' + n); }",
            arg=epoch,
            timeout=30_000,
        )
        watch_cell = page.locator(".jp-Notebook .jp-Cell").nth(15)
        watch_cell.locator(".ng-loss-panel canvas").first.wait_for(timeout=60_000)
        assert views_per_cell(page) == VIEW_CELLS, views_per_cell(page)
        screenshot(view, "cell-values-reloaded")
        assert not [e for e in errors if "ng-loss" in e or "lossview" in e], errors
        check_watch_events(page)  # last: see the report of sweep 24b (an event past the norms)
    finally:
        context.close()
