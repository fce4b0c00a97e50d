"""A run trained in another cell than the one that showed its view is shown there too.

Lab sheet 08 makes ``runs = ng.Runs()`` with task 1's run and starts tasks 2 and 3 in later
cells: their curves and Stop button were drawn only in task 1's output, off screen, and its
saved picture showed task 3's runs (sweep s33 N, finding 1). A view the monitor or the Runs
showed itself now follows the cell that feeds it; a view the user placed stays where it is.
"""

from __future__ import annotations

from typing import Any

import pytest

from nngraph.monitor import _display

TRAIN = "for epoch in range(1, 6):\n    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)"


@pytest.fixture
def published(
    published: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    """conftest's, in a shell taken for a notebook's kernel: monitors show their own views."""
    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    return published


def outputs(published: list[dict[str, Any]]) -> dict[str, str]:
    """The views' outputs, by display id: the text/plain each keeps (its last update)."""
    texts: dict[str, str] = {}
    for out in published:
        if "application/vnd.jupyter.widget-view+json" in out["data"]:
            texts[out["transient"]["display_id"]] = out["data"]["text/plain"]
    return texts


def run(shell: Any, code: str) -> None:
    assert shell.run_cell(code, store_history=True).success  # numbered, as a notebook cell


def test_a_monitor_made_in_one_cell_shows_its_view_where_it_trains(
    shell: Any, published: list[dict[str, Any]]
) -> None:
    run(shell, "mon = ng.Monitor(detectors=[])")
    assert len(outputs(published)) == 1
    run(shell, TRAIN)
    first, shown = outputs(published).values()  # below the training cell too
    assert "best val_loss 0.2 at epoch 5" in shown
    # the making cell's output, left empty, shows the curves too: a saved lesson read top
    # down had "waiting for the first mon.log(...)" above them (sweep s34 K, finding 2)
    assert first == shown
    run(shell, "mon.log(6, loss=0.1, val_loss=0.1)\nmon.log(7, loss=0.1, val_loss=0.1)")
    assert len(outputs(published)) == 3  # once per cell, not once per log
    # read top down: the making cell keeps the first training cell's picture (updated once:
    # each update redraws its live view, which loses a zoom)
    first, shown, last = outputs(published).values()
    assert first == shown and "epoch 5" in first and "0.1 at epoch 6" in last


def test_a_monitor_trained_in_its_own_cell_is_shown_once(
    shell: Any, published: list[dict[str, Any]]
) -> None:
    run(shell, "mon = ng.Monitor(detectors=[])\n" + TRAIN)
    assert len(outputs(published)) == 1


def test_a_later_run_of_runs_is_shown_below_its_cell(
    shell: Any, published: list[dict[str, Any]]
) -> None:
    run(shell, "runs = ng.Runs()\nmon = runs.new('small')\n" + TRAIN)
    first = outputs(published)
    assert len(first) == 1
    run(shell, "mon = runs.new('large')\n" + TRAIN)
    before, after = outputs(published).values()  # a read top down: each task's own runs
    assert "small" in before and "large" not in before
    assert "small" in after and "large" in after


def test_a_view_the_user_placed_stays_where_it_is(
    shell: Any, published: list[dict[str, Any]]
) -> None:
    run(shell, "mon = ng.Monitor(detectors=[], display=False)\nng.LossView(mon)")
    run(shell, TRAIN)
    assert len(outputs(published)) == 1


def test_a_thread_training_on_does_not_show_the_view_in_the_cell_running_now(
    shell: Any, published: list[dict[str, Any]]
) -> None:
    """A cell started a thread that logs; any cell run meanwhile got a copy of the view
    (regression sweep s33, P3)."""
    run(shell, "import threading\nmon = ng.Monitor(detectors=[])")
    run(shell, "thread = threading.Thread(target=lambda: [mon.log(e, loss=1 / e) for e in (1, 2)])")
    run(shell, "thread.start(); thread.join()")  # a log from the thread, while this cell runs
    assert len(outputs(published)) == 1


def test_a_model_cell_run_again_lets_the_earlier_model_go(
    shell: Any, published: list[dict[str, Any]]
) -> None:
    """Sweep s43 (nb, 1): each run of `model = ...; mon = ng.Monitor(model=model)` kept the
    earlier model alive for the kernel's life (65 MB a run for a 5M-parameter model; on a GPU,
    out of memory): the widget registry held the view, the view the monitor, the monitor the
    model. The view the monitor showed itself holds it weakly once its cell has ended, and
    keeps the picture it showed; one made by hand keeps its source."""
    cell = (
        "model = torch.nn.Linear(4, 1); models.append(weakref.ref(model))\n"
        "mon = ng.Monitor(model=model, detectors=[])\n" + TRAIN
    )
    run(shell, "import gc, time, weakref, torch\nmodels = []")
    for _ in range(3):
        run(shell, cell)
    # (the monitor's flush timer, 0.1 s, holds it until it fires)
    run(shell, "view = mon.view\ndel model, mon\ntime.sleep(0.5)\n_ = gc.collect()")
    assert [ref() is None for ref in shell.user_ns["models"]] == [True, True, True]
    view = shell.user_ns["view"]
    assert view.source is None and "val_loss" in view.full_snapshot()["runs"][""]["metrics"]
    view.stop()  # the Stop button of a run that is gone does nothing
    run(shell, "placed = ng.LossView(ng.Monitor(display=False))\ngc.collect()")
    assert shell.user_ns["placed"].source is not None


@pytest.mark.parametrize(
    ("making", "shown"),
    [
        (
            "%nngraph watch model\nmodel(torch.ones(2, 4)).sum().backward()\n_ = watch.step()",
            "watch",
        ),
        ("runs = ng.Runs()\nmon = runs.new('a', model=model, detectors=[])\n" + TRAIN, "runs"),
    ],
    ids=["GradientWatch", "Runs"],
)
def test_a_watch_or_runs_cell_run_again_lets_the_earlier_model_go(
    shell: Any, published: list[dict[str, Any]], making: str, shown: str
) -> None:
    """Left alone in s43: as a monitor's own view did before, the views of a GradientWatch and
    of a Runs kept theirs (and so every earlier model) for the kernel's life. They too hold
    their source weakly once their cell has ended, and keep the picture and the table. (A
    `watch` as a cell's last line stays in IPython's `Out` history, as any value shown so.)"""
    run(shell, "%load_ext nngraph\nimport gc, time, weakref, torch\nmodels = []")
    for _ in range(3):
        run(shell, "model = torch.nn.Linear(4, 1); models.append(weakref.ref(model))\n" + making)
    run(
        shell,
        f"view = {shown}.view\ndel model, {shown}\nmon = None\ntime.sleep(0.5)\n_ = gc.collect()",
    )
    assert [ref() is None for ref in shell.user_ns["models"]] == [True, True, True]
    view = shell.user_ns["view"]
    assert view.source is None and view.full_snapshot()["runs"]
    text = view._repr_mimebundle_()[0]["text/plain"]
    assert ("val_loss" in text) if shown == "runs" else ("weight" in text or "layer" in text)
    run(shell, "ng.set_language('pl')")  # regression review s44 (5): not the English words
    try:
        polish = view._repr_mimebundle_()[0]["text/plain"]
        # left alone in s44: the title alone was left; the rest stays as it was given
        assert polish.startswith("nngraph, ") and polish.split("\n")[1:] == text.split("\n")[1:]
        assert len(text.split("\n")) > 1
    finally:
        run(shell, "ng.set_language('en')")
    view.stop()  # a Stop button, a refresh and a close of a view whose source is gone: nothing
    view.refresh()
    view.close()


def test_a_view_made_without_a_source_still_shows_itself() -> None:
    """Regression review s43 round 3 (5): `ng.LossView()` raised KeyError: 'runs' when shown,
    once a view without a source took the snapshot it had last sent."""
    import nngraph as ng

    view = ng.LossView()
    assert view.full_snapshot()["runs"] == {}
    data, _ = view._repr_mimebundle_()
    assert data["text/plain"].startswith("nngraph loss view: -")
