"""LossView without a kernel: payloads, binary batches, attach/listener, Stop, static picture."""

from __future__ import annotations

import json
import math
import warnings
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import nngraph as ng
from nngraph.errors import NNGraphError
from nngraph.monitor import GradientWatch, Monitor, Runs, detectors
from nngraph.widgets import LossView
from nngraph.widgets._kernelpoll import poll_widget_messages
from nngraph.widgets._lossdata import jsonable

XSS = '<img src=x onerror="alert(1)">'


def batches(view: LossView) -> list[tuple[dict, list[bytes]]]:
    return [(c, b) for c, b in view.sent if c["type"] == "batch"]


def points(view: LossView, metric: str) -> tuple[list[float], list[float]]:
    """Every point of `metric` the view was sent, decoded from the float64 buffers."""
    steps: list[float] = []
    values: list[float] = []
    for content, buffers in batches(view):
        if metric in content["metrics"]:
            i = content["metrics"].index(metric)
            steps += np.frombuffer(buffers[2 * i], dtype=np.float64).tolist()
            values += np.frombuffer(buffers[2 * i + 1], dtype=np.float64).tolist()
    return steps, values


def test_sends_only_new_points_as_float64_buffers() -> None:
    mon = Monitor(detectors=[], display=False, flush_interval=60)
    view = LossView(mon, keep_sent=100)
    mon.log(1, loss=1.0, val_loss=1.2)  # the first call flushes at once
    mon.log(2, loss=0.5, val_loss=math.nan)
    mon.flush()
    mon.log(3, loss=0.25, val_loss=0.9)
    mon.flush()
    sent = batches(view)
    assert len(sent) == 3
    assert all(len(b) == 2 * len(c["metrics"]) for c, b in sent)
    assert all(isinstance(x, bytes) and len(x) % 8 == 0 for _, b in sent for x in b)
    steps, values = points(view, "loss")
    assert steps == [1.0, 2.0, 3.0] and values == [1.0, 0.5, 0.25]  # no history re-sent
    _, val = points(view, "val_loss")
    assert math.isnan(val[1])  # NaN travels in the binary buffer
    last = sent[-1][0]
    assert last["best"]["epoch"] == 3 and last["epoch"] == 3 and last["stopped"] is False
    assert last["progress"]["epoch"] == 3
    json.dumps(last, allow_nan=False)  # the JSON part is strict JSON (no NaN)


def test_snapshot_trait_restores_a_reload_and_is_throttled() -> None:
    mon = Monitor(detectors=[], display=False)
    view = LossView(mon, snapshot_interval=3600, max_points=50)
    for epoch in range(1, 201):
        mon.log(epoch, loss=1 / epoch)
    mon.flush()
    # throttled: the trait still holds the snapshot taken when the view was made
    assert view.snapshot["runs"][""]["metrics"] == {}
    assert view._snapshot_timer is not None  # a trailing refresh is armed
    view._refresh_snapshot()
    snap = view.snapshot
    kept = snap["runs"][""]["metrics"]["loss"]
    assert len(kept["step"]) <= 50 and kept["step"][-1] == 200
    assert snap["kind"] == "monitor" and snap["metric"] == "val_loss"
    json.dumps(snap, allow_nan=False)
    # a reloaded page says hello and gets the whole current history
    view._on_custom(view, {"type": "hello"}, [])
    content, buffers = view.sent[-1]
    assert content["type"] == "reset" and not buffers
    assert content["snapshot"]["runs"][""]["metrics"]["loss"]["step"][-1] == 200


def test_events_refresh_the_snapshot_at_once() -> None:
    mon = Monitor(detectors=[detectors.Patience(1)], display=False)
    view = LossView(mon, snapshot_interval=3600)
    for epoch, v in enumerate([1.0, 1.1, 1.2], start=1):
        mon.log(epoch, loss=v, val_loss=v)
    events = view.snapshot["runs"][""]["events"]
    assert events and events[0]["detector"].startswith("Patience")
    assert any(c["events"] for c, _ in batches(view))


def test_the_stop_button_sets_should_stop() -> None:
    mon = Monitor(detectors=[], display=False)
    view = LossView(mon)
    mon.log(1, loss=1.0, val_loss=1.0)
    assert not mon.should_stop
    view._on_custom(view, {"type": "stop"}, [])
    assert mon.should_stop
    assert mon.stop_event is not None and mon.stop_event.detector == "user"
    assert "Stop" in mon.stop_event.message
    last = batches(view)[-1][0]
    assert last["stopped"] is True and last["events"][0]["kind"] == "stop"


def test_a_detectors_advice_a_loop_trains_past_does_not_show_as_stopped() -> None:
    from nngraph.monitor.detectors import Patience

    mon = Monitor(detectors=[Patience(1)], display=False)
    view = LossView(mon)
    for epoch, val in enumerate([1.0, 1.1, 1.2, 1.3], 1):  # Patience asks at epoch 2
        mon.log(epoch, loss=1 / epoch, val_loss=val)
        mon.flush()
    assert mon.should_stop  # the advice stands, as the demos show it being ignored
    assert batches(view)[-1][0]["stopped"] is False
    assert view.full_snapshot()["runs"][""]["stop_requested"] is False
    view.stop()  # the Stop button
    assert batches(view)[-1][0]["stopped"] is True
    assert view.full_snapshot()["runs"][""]["stop_requested"] is True


def test_attach_subscribes_and_hooks_the_monitor_outside_a_notebook() -> None:
    mon = Monitor(display=False)
    view = LossView.attach(mon)
    assert mon.view is view  # mon.should_stop polls this view
    view.close()
    mon.log(1, loss=1.0)
    mon.flush()
    assert not batches(view)


def test_polling_outside_a_kernel_is_harmless() -> None:
    assert poll_widget_messages() == 0
    mon = Monitor(display=False)
    LossView(mon).poll()


def test_runs_are_overlaid_with_a_table_and_stop_the_current_run() -> None:
    runs = Runs(display=False)
    view = LossView(runs)
    for name, bottom in [("small", 0.4), (XSS, 0.25)]:
        mon = runs.new(name)
        for epoch in range(1, 6):
            mon.log(epoch, loss=1 / epoch, val_loss=bottom + abs(epoch - 3) / 50)
        mon.flush()
    content = batches(view)[-1][0]
    assert content["run"] == XSS
    assert [r["run"] for r in content["table"]] == ["small", XSS]
    assert content["winner"] == XSS
    snap = view.full_snapshot()
    assert snap["kind"] == "runs" and set(snap["runs"]) == {"small", XSS}
    assert runs[XSS].view is view and runs["small"].view is view
    view.stop()
    assert runs[XSS].should_stop and not runs["small"].should_stop


def test_runs_tied_for_the_best_are_all_sent_as_winners() -> None:
    runs = Runs(display=False)
    view = LossView(runs)
    for name in ("SGD", "Adam"):  # the same best val_acc: neither beat the other
        mon = runs.new(name, metric="val_acc")
        for epoch, acc in enumerate([0.6, 13 / 15, 0.8], start=1):
            mon.log(epoch, val_acc=acc)
        mon.flush()
    content = batches(view)[-1][0]
    assert content["winners"] == ["SGD", "Adam"] and content["winner"] == "SGD"
    assert view.full_snapshot()["winners"] == ["SGD", "Adam"]


def test_the_lines_under_the_runs_table_are_sent_to_the_view() -> None:
    """Runs that validate by val_acc alone are compared by it, which `runs.table()` said under
    the table and the live view did not (stop 35, left alone)."""
    runs = Runs(display=False)
    view = LossView(runs)
    for name, top in [("small", 0.8), ("big", 0.9)]:
        mon = runs.new(name)
        for epoch in range(1, 4):
            mon.log(epoch, loss=1 / epoch, val_acc=top - abs(epoch - 2) / 20)
        mon.flush()
    note = "compared by val_acc: no run logged val_loss, the metric their monitors watch"
    assert runs.table().splitlines()[-1] == note
    assert batches(view)[-1][0]["notes"] == [note]
    assert view.full_snapshot()["notes"] == [note] == runs.snapshot()["notes"]


def test_a_run_made_again_under_its_name_is_drawn_afresh() -> None:
    """The lab cell making the runs run again: the old curves of that name must go, not have
    the new run's epochs 1, 2, ... drawn on after them."""
    runs = Runs(display=False)
    view = LossView(runs, keep_sent=100)
    old = runs.new("hidden 4", detectors=[])
    for epoch in range(1, 4):
        old.log(epoch, val_loss=1.0 / epoch)
    old.flush()
    with pytest.warns(UserWarning, match="was there already"):
        new = runs.new("hidden 4", detectors=[])
    new.log(1, val_loss=0.7)
    new.flush()
    content, _ = view.sent[-1]
    assert content["type"] == "reset"
    assert content["snapshot"]["runs"]["hidden 4"]["metrics"]["val_loss"]["value"] == [0.7]
    new.log(2, val_loss=0.6)
    new.flush()
    assert batches(view)[-1][0]["type"] == "batch"  # then points as usual


def test_gradient_norms_on_a_log_scale() -> None:
    import torch

    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    mon = Monitor(display=False)
    gw = GradientWatch(net, monitor=mon)
    view = LossView(gw)
    assert view.kind == "gradients" and view.log_scale
    for step in range(1, 4):
        net.zero_grad()
        net(torch.randn(8, 3)).pow(2).mean().backward()
        gw.step()
        mon.log(step, loss=0.1)
    mon.flush()
    view.refresh()
    steps, _ = points(view, "0")
    assert steps == [1.0, 2.0, 3.0]  # each step once, however often refresh() runs
    assert set(view.full_snapshot()["runs"][""]["metrics"]) == {"0", "2"}
    assert "<svg" in view.static_svg()


def test_a_watchs_steps_without_gradients_reach_the_live_view_as_events() -> None:
    import torch

    net = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    gw = GradientWatch(net, optimizer=opt)
    view = LossView(gw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(3):  # zero_grad() between backward() and step(): no norm to draw
            net(torch.randn(8, 3)).pow(2).mean().backward()
            opt.zero_grad()
            opt.step()
    view.refresh()
    view.refresh()  # each event once
    sent = [e for content, _ in view.sent for e in content.get("events", [])]
    assert len(sent) == len(gw.events) >= 1
    assert "no parameter had a gradient" in sent[0]["message"]
    later = LossView(gw)  # a view made afterwards has them in its first snapshot
    later.refresh()
    assert not [e for content, _ in later.sent for e in content.get("events", [])]
    gw.close()


def test_static_fallback_is_an_escaped_svg_with_curves_and_markers() -> None:
    mon = Monitor(detectors=[detectors.Patience(2)], display=False)
    view = LossView(mon)
    curve = [1.0, 0.7, 0.5, 0.55, 0.6, 0.7]
    for epoch, v in enumerate(curve, start=1):
        mon.log(epoch, loss=1 / epoch, val_loss=v, **{XSS: v})
    data, _ = view._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    svg = data["image/svg+xml"]
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}polyline")) >= 3
    assert root.findall(f".//{ns}circle")  # best epoch
    assert root.findall(f".//{ns}polygon")  # the Patience event
    assert "<img" not in svg and "&lt;img" in svg
    assert "best val_loss 0.5 at epoch 3" in data["text/plain"]


def test_a_zero_based_loops_best_marker_and_event_say_the_epoch_at_their_step() -> None:
    """``for epoch in range(12)``: the ring sat at step 4 and its hover said "best epoch 5"."""
    mon = Monitor(detectors=[detectors.GL(5)], display=False)
    view = LossView(mon)
    for epoch in range(12):
        mon.log(epoch, loss=1 / (epoch + 1), val_loss=0.5 + abs(epoch - 4) / 10)
    run = view.full_snapshot()["runs"][""]
    assert (run["best"]["epoch"], run["best"]["step"]) == (4, 4)
    assert [(e["epoch"], e["step"]) for e in run["events"]] == [(5, 5)]
    data, _ = view._repr_mimebundle_()
    assert "<title>best epoch 4: val_loss = 0.5</title>" in data["image/svg+xml"]
    assert "best val_loss 0.5 at epoch 4 (step 4)" in data["text/plain"]


def test_the_progress_counts_the_epochs_done_out_of_the_total() -> None:
    """``range(10)`` with ``total_epochs=10`` ends at "epoch 10/10", with no time left."""
    mon = Monitor(detectors=[], display=False)
    view = LossView(mon, total_epochs=10)
    for epoch in range(10):
        mon.log(epoch, loss=1 / (epoch + 1), val_loss=1 / (epoch + 1))
    progress = view.full_snapshot()["progress"]
    assert (progress["epoch"], progress["done"], progress["total"]) == (9, 10, 10)


def test_the_progress_leaves_out_an_evaluation_before_training() -> None:
    """``mon.log(0, val_loss=...)`` before ``range(1, 11)`` ended at "epoch 11/10"."""
    mon = Monitor(detectors=[], display=False)
    view = LossView(mon, total_epochs=10)
    mon.log(0, val_loss=2.0)
    for epoch in range(1, 11):
        mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
    progress = view.full_snapshot()["progress"]
    assert (progress["epoch"], progress["done"], progress["total"]) == (10, 10, 10)


def test_a_finding_before_the_first_log_reaches_each_view_once_with_its_epoch() -> None:
    """A GradientWatch finding in ``range(2)``'s first batches went to the view at once,
    stamped epoch 1 (the first ``log()`` at step 0 had not shown the numbering yet): it now
    comes with that ``log()``, as epoch 0, also to a view made in between (once)."""
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    mon = Monitor(detectors=[], display=False)
    early = LossView(mon)
    watch = GradientWatch(net, monitor=mon, exploding=1.0, patience=1)
    net(torch.full((4, 2), 1e4)).sum().backward()
    watch.step()
    later = LossView(mon)
    shown_first = {early: [], later: later.snapshot["runs"][""]["events"]}
    for epoch in range(2):
        mon.log(epoch, loss=1 / (epoch + 1), val_loss=1 / (epoch + 1))
    assert watch.events  # the finding made before the first log()
    for view in (early, later):
        sent = shown_first[view] + [e for content, _ in batches(view) for e in content["events"]]
        assert [e["epoch"] for e in sent] == [0] * len(watch.events), sent
        assert [e["epoch"] for e in view.full_snapshot()["runs"][""]["events"]] == [0] * len(sent)
        view.close()
    watch.close()


def test_a_finding_of_a_monitor_closed_before_any_log_still_reaches_its_view() -> None:
    import torch

    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    mon = Monitor(detectors=[], display=False)
    view = LossView(mon)
    watch = GradientWatch(net, monitor=mon, exploding=1.0, patience=1)
    net(torch.full((4, 2), 1e4)).sum().backward()
    watch.step()
    mon.close()
    sent = [e for content, _ in batches(view) for e in content["events"]]
    assert len(sent) == len(watch.events) >= 1
    assert len(view.full_snapshot()["runs"][""]["events"]) == len(sent)
    view.close()
    watch.close()


class Notebook:
    """A stand-in for IPython: ``display(view, display_id=True)`` keeps what each refresh of
    the output stored, and ``cell_ends()`` runs the ``post_run_cell`` hooks."""

    def __init__(self) -> None:
        self.hooks: list[Any] = []
        self.stored: list[str] = []  # text/plain of the output after each refresh
        self.events = SimpleNamespace(
            register=lambda _name, hook: self.hooks.append(hook),
            unregister=lambda _name, hook: self.hooks.remove(hook),
        )

    def display(self, view: LossView, display_id: bool = False) -> Any:
        self.stored.append(view._repr_mimebundle_()[0]["text/plain"])
        return SimpleNamespace(update=self.display)

    def cell_ends(self) -> None:
        for hook in list(self.hooks):
            hook(None)


@pytest.fixture
def notebook(monkeypatch: pytest.MonkeyPatch) -> Notebook:
    import IPython
    import IPython.display

    nb = Notebook()
    monkeypatch.setattr(IPython, "get_ipython", lambda: nb)
    monkeypatch.setattr(IPython.display, "display", nb.display)
    return nb


def test_the_saved_picture_holds_every_point_logged_by_the_end_of_the_cell(
    notebook: Notebook,
) -> None:
    # a long flush interval: the second cell's points wait for the trailing flush, as a quick
    # cell's do within 0.1 s of the last flush
    mon = Monitor(detectors=[], display=False, flush_interval=60)
    LossView.attach(mon)
    mon.log(1, loss=1.0, val_loss=1.0)  # cell 1 (the first point is sent at once)
    notebook.cell_ends()
    assert "at epoch 1" in notebook.stored[-1]
    mon.log(2, loss=0.5, val_loss=0.5)  # cell 2: "train a bit more"
    mon.log(3, loss=0.25, val_loss=0.25)
    notebook.cell_ends()
    assert "best val_loss 0.25 at epoch 3" in notebook.stored[-1]
    refreshed = len(notebook.stored)
    notebook.cell_ends()  # a cell that logs nothing leaves the picture alone
    assert len(notebook.stored) == refreshed


def test_the_saved_picture_of_gradient_norms_follows_each_cell(notebook: Notebook) -> None:
    import torch

    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    gw = GradientWatch(net)  # no monitor: nothing else sends its new steps
    view = LossView.attach(gw)
    for _ in range(3):
        net.zero_grad()
        net(torch.randn(8, 3)).pow(2).mean().backward()
        gw.step()
    notebook.cell_ends()
    assert len(notebook.stored) == 2  # shown, then refreshed once the cell ended
    assert view.full_snapshot()["runs"][""]["metrics"]["0"]["step"][-1] == 3
    view.close()
    gw.step()
    notebook.cell_ends()
    assert len(notebook.stored) == 2  # a closed view keeps its last picture


def test_the_saved_widget_state_holds_every_point_logged_by_the_end_of_the_cell(
    notebook: Notebook,
) -> None:
    """The snapshot a notebook saves (nbconvert --execute) as the cell ends was taken when the
    cell began: a second's throttle left the last points to a timer (sweep s38, helper nb)."""
    mon = Monitor(detectors=[], display=False)
    view = LossView.attach(mon)  # its interval: a second, longer than the cell
    for epoch in range(1, 61):
        mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
    notebook.cell_ends()
    saved = view.snapshot["runs"][""]
    assert len(saved["metrics"]["val_loss"]["step"]) == 60
    assert saved["best"]["epoch"] == 60
    assert view.snapshot["progress"]["done"] == 60
    assert view._snapshot_timer is None  # nothing left to fire after the kernel has gone
    view.close()


def test_the_saved_widget_state_of_gradient_norms_holds_every_step(notebook: Notebook) -> None:
    import torch

    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    watch = GradientWatch(net)
    view = LossView.attach(watch)
    for _ in range(40):
        net.zero_grad()
        net(torch.randn(8, 3)).pow(2).mean().backward()
        watch.step()
    notebook.cell_ends()
    assert view.snapshot["runs"][""]["metrics"]["0"]["step"][-1] == 40
    view.close()


@pytest.mark.parametrize("how", ["compare", "add"])
def test_the_saved_picture_of_finished_runs_shows_them(
    notebook: Notebook, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """It said "no runs yet": the view was shown before the runs were added (sweep L, bug 3)."""
    from nngraph.monitor import _display

    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    a, b = Monitor(name="a", display=False), Monitor(name="b", display=False)
    for epoch in range(1, 6):
        a.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
        b.log(epoch, loss=2 / epoch, val_loss=2 / epoch)
    if how == "compare":
        runs = ng.compare(a, b)
    else:
        runs = Runs()
        runs.add(a)
        runs.add(b)
    notebook.cell_ends()
    saved = notebook.stored[-1]
    assert "no runs yet" not in saved and runs.table() in saved
    assert [row.split()[:2] for row in saved.splitlines()[2:]] == [["a", "5"], ["b", "5"]]
    svg = runs.view._repr_mimebundle_()[0]["image/svg+xml"]
    assert ">a<" in svg and ">b<" in svg  # the legend of runs
    runs.view.close()


@pytest.mark.parametrize("name", ["loss\x1b", "val_loss\x00", "loss\ud800"])
@pytest.mark.filterwarnings("ignore:nngraph Monitor")  # val_loss itself is never logged
def test_names_xml_cannot_hold_are_replaced_in_the_picture(name: str) -> None:
    mon = Monitor(detectors=[detectors.Patience(1, metric=name)], display=False)
    view = LossView(mon)
    for epoch, v in enumerate([1.0, 2.0], start=1):
        mon.log(epoch, **{name: v})
    data, _ = view._repr_mimebundle_()
    svg = data["image/svg+xml"]
    ET.fromstring(svg)  # well-formed XML
    assert "\ufffd" in svg and name not in svg
    svg.encode("utf-8")


def test_log_scale_picture_skips_non_positive_values() -> None:
    mon = Monitor(display=False)
    view = LossView(mon, log_scale=True)
    for epoch, v in enumerate([1.0, 0.0, -1.0, 0.1], start=1):
        mon.log(epoch, loss=v)
    root = ET.fromstring(view.static_svg())
    points = [
        float(v)
        for line in root.iter("{http://www.w3.org/2000/svg}polyline")
        for point in (line.get("points") or "").split()
        for v in point.split(",")
    ]
    assert points and all(math.isfinite(v) for v in points)  # log(0), log(-1) left out, not NaN


@pytest.mark.parametrize("language", ["en", "pl"])
def test_log_scale_picture_of_a_loss_with_no_value_above_0_stays_linear_and_says_why(
    language: str,
) -> None:
    """A negative log-likelihood on a log axis: the saved picture was an empty panel, with no
    curve and no word, where the live view stays linear and says why (sweep s38, curves)."""
    from nngraph import i18n

    i18n.set_language(language)
    mon = Monitor(display=False)
    for epoch in range(1, 41):
        mon.log(epoch, loss=-1 - epoch / 40, val_loss=-0.5 - epoch / 50)
    view = LossView(mon, log_scale=True)
    root = ET.fromstring(view.static_svg())
    lines = [line.get("points") or "" for line in root.iter("{http://www.w3.org/2000/svg}polyline")]
    assert len(lines) == 2 and all(len(points.split()) == 40 for points in lines)
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert i18n.message("lossview.log_refused").strip() in words
    mon.log(41, loss=0.5, val_loss=0.1)  # one value above 0: the log axis, as asked
    assert i18n.message("lossview.log_refused").strip() not in view.static_svg()
    view.close()


def test_the_picture_of_runs_beside_one_that_diverged_is_drawn_on_a_log_axis() -> None:
    """Comparing learning rates, the run at lr=50 went up to 4.7e4 and the saved picture's
    linear axis flattened the other runs into the bottom line (sweep s32, teacher notebook 5)."""
    runs = Runs(display=False)
    view = LossView(runs)
    for name, grow in [("lr=0.1", 0.8), ("lr=50", 30.0)]:
        mon = runs.new(name)
        for epoch in range(1, 5):
            mon.log(epoch, loss=grow**epoch, val_loss=grow**epoch)
    svg = view.static_svg()
    assert "loss (log scale)" in svg
    calm = LossView(Monitor(display=False))
    for epoch in range(1, 5):
        calm.source.log(epoch, loss=1 / epoch)
    assert "log scale" not in calm.static_svg()  # a fall of 4x stays on a linear axis
    classes = LossView(Monitor(display=False))  # 1,000 classes: from chance, 0.0005, to 0.55
    for epoch, acc in enumerate([0.0005, 0.08, 0.3, 0.55], 1):
        classes.source.log(epoch, loss=2 / epoch, val_acc=acc)
    assert "log scale" not in classes.static_svg()  # an accuracy's rise stays the story


BIGGEST = 1.7976931348623157e308


@pytest.mark.parametrize("log_scale", [False, True])
@pytest.mark.parametrize(
    "values",
    [
        [1e17],  # the first epoch of an MSE on raw prices: 1e17 + 0.5 is 1e17
        [3e16, 3e16, 3e16],
        [-1e17, -1e17],
        [1e308, 1e308],
        [BIGGEST, BIGGEST],
        [-BIGGEST, BIGGEST],
        [1e-300, 2e-300],
        [0.0, 5e-324],
        [1e17, math.inf, 1e17],
    ],
)
def test_the_picture_draws_values_of_any_size(values: list[float], log_scale: bool) -> None:
    """A panel of one value (any size) is a flat line, a span beyond floats still fits: every
    point is a number inside its panel, and the picture is made at all (sweep 26, finding 1)."""
    mon = Monitor(display=False)
    view = LossView(mon, log_scale=log_scale)
    for step, v in enumerate(values, start=1):
        mon.log(step, loss=v)
    root = ET.fromstring(view._repr_mimebundle_()[0]["image/svg+xml"])
    [panel] = root.iter("{http://www.w3.org/2000/svg}rect")
    right = float(panel.get("width") or 0)
    bottom = float(panel.get("height") or 0)
    drawn = [
        tuple(float(v) for v in point.split(","))
        for line in root.iter("{http://www.w3.org/2000/svg}polyline")
        for point in (line.get("points") or "").split()
    ]
    assert all(0 <= x <= right and 0 <= y <= bottom for x, y in drawn), drawn
    log = log_scale and any(math.isfinite(v) and v > 0 for v in values)  # else linear
    shown = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    assert len(drawn) == len(shown)
    if len(set(shown)) == 1:
        assert len({y for _, y in drawn}) == 1  # flat


def test_the_front_ends_fallback_words_are_the_catalogs() -> None:
    """js/src/loss/format.js keeps English defaults; they must say what nngraph/i18n/en.py says."""
    import re
    from pathlib import Path

    from nngraph.i18n import en

    source = (Path(__file__).resolve().parents[2] / "js" / "src" / "loss" / "format.js").read_text()
    block = source.split("DEFAULT_STRINGS = {", 1)[1].split("};", 1)[0]
    defaults = {
        k: json.loads(v)
        for k, v in re.findall(r'^\s*("lossview\.[^"]+"): ("(?:[^"\\]|\\.)*"),?$', block, re.M)
    }
    defaults = {json.loads(k): v for k, v in defaults.items()}
    assert defaults, "no DEFAULT_STRINGS found"
    assert defaults == {k: v for k, v in en.MESSAGES.items() if k in defaults}


def test_words_follow_the_language() -> None:
    view = LossView(Monitor(display=False))
    assert view.strings["lossview.stop"] == "Stop"
    ng.set_language("pl")
    try:
        assert view.strings["lossview.stop"] == "Zatrzymaj"
    finally:
        ng.set_language("en")
    assert view.strings["lossview.stop"] == "Stop"


def test_without_a_built_front_end_the_view_says_how_to_build_it_in_its_language() -> None:
    """As GraphView's: the `lossview.not_built` message of the `strings` trait, its English
    the fallback (sweep 26, finding 3)."""
    import re

    from nngraph.i18n import en
    from nngraph.widgets import _lossview

    esm = _lossview._MISSING_BUNDLE_ESM
    assert 'model.get("strings")' in esm and 'words["lossview.not_built"]' in esm
    fallback = esm.split('words["lossview.not_built"] ||', 1)[1].split(";", 1)[0]
    assert "".join(re.findall(r'"([^"]*)"', fallback)) == en.MESSAGES["lossview.not_built"]
    ng.set_language("pl")
    try:
        words = LossView(Monitor(display=False)).strings["lossview.not_built"]
    finally:
        ng.set_language("en")
    assert words.startswith("nngraph: podgląd") and "npm run build" in words


def test_rejects_what_it_cannot_show_with_a_catalog_message() -> None:
    with pytest.raises(NNGraphError, match=r"Monitor, ng\.Runs or ng\.GradientWatch, not 'mon'"):
        LossView("mon")
    ng.set_language("pl")
    try:
        with pytest.raises(NNGraphError, match=r"LossView pokazuje ng\.Monitor.* a nie <object"):
            LossView(object())
    finally:
        ng.set_language("en")


def test_jsonable_replaces_non_finite_numbers() -> None:
    assert jsonable({"a": [math.inf, -math.inf, np.float64(0.5)], "b": math.nan}) == {
        "a": ["inf", "-inf", 0.5],
        "b": "nan",
    }


# In a real IPython shell: what a cell shows.


def run(shell: Any, code: str) -> tuple[list[dict[str, Any]], str]:
    """Run a cell: the outputs it displayed (not the updates of an output's saved picture at
    the cell's end) and what its value printed (the displayhook). ``shell.last`` is its value."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(code)
    assert result.success, result.error_in_exec
    shell.last = result.result
    return [o.data for o in captured.outputs if not o.update], captured.stdout


def widget_ids(outputs: list[dict[str, Any]]) -> list[str]:
    key = "application/vnd.jupyter.widget-view+json"
    return [o[key]["model_id"] for o in outputs if key in o]


def test_attach_as_the_last_line_of_a_cell_shows_the_view_once(shell: Any) -> None:
    shell.user_ns["mon"] = mon = Monitor(display=False)
    outputs, printed = run(shell, "ng.LossView.attach(mon)")
    assert len(widget_ids(outputs)) == 1
    assert "loss view" not in printed  # the cell's value is not shown a second time
    view = shell.last
    assert isinstance(view, LossView) and mon.view is view  # it is still returned
    outputs, printed = run(shell, "view = ng.LossView.attach(mon)")
    assert len(widget_ids(outputs)) == 1 and "loss view" not in printed
    outputs, printed = run(shell, "view")  # a later cell shows it again, in an output it refreshes
    assert len(widget_ids(outputs)) == 1 and "nngraph loss view" in outputs[0]["text/plain"]
    for v in (view, shell.user_ns["view"]):
        v.close()


def test_a_watch_as_a_cells_value_shows_its_live_view(
    shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from nngraph.monitor import _display

    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    shell.user_ns["watch"] = watch = GradientWatch(net)
    for _ in range(3):
        net.zero_grad()
        net(torch.randn(8, 3)).pow(2).mean().backward()
        watch.step()
    outputs, printed = run(shell, "watch")
    assert "GradientWatch at 0x" not in printed and not printed.strip().endswith(">")
    [shown] = widget_ids(outputs)
    assert isinstance(watch.view, LossView) and watch.view.model_id == shown
    assert watch.view.kind == "gradients" and watch.view.log_scale
    text = outputs[0]["text/plain"]
    assert text.startswith("nngraph gradient norms per layer: 0, 2")  # not a "loss view"
    assert watch.table() in text and "<svg" in outputs[0]["image/svg+xml"]
    outputs, _ = run(shell, "watch")  # shown again: the same view, no second widget
    assert widget_ids(outputs) == [shown]
    outputs, printed = run(shell, "ng.LossView.attach(watch)")  # a view of its own, once
    assert len(widget_ids(outputs)) == 1 and "loss view" not in printed
    shell.last.close()
    watch.view.close()
    outputs, _ = run(shell, "watch")  # its view was closed: a new one
    assert len(widget_ids(outputs)) == 1 and widget_ids(outputs) != [shown]
    watch.view.close()


def test_a_monitor_as_a_cells_value_shows_its_live_view_again(
    shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nngraph.monitor import _display

    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    shell.user_ns["mon"] = mon = Monitor(display=False)
    run(shell, "for epoch in range(1, 4):\n    mon.log(epoch, loss=1 / epoch, val_loss=2 / epoch)")
    outputs, printed = run(shell, "mon")  # a student wants the curves again
    assert "<Monitor" not in printed
    [shown] = widget_ids(outputs)
    assert isinstance(mon.view, LossView) and mon.view.model_id == shown
    outputs, _ = run(shell, "mon")  # the same view again, no second widget
    assert widget_ids(outputs) == [shown]
    mon.view.close()


def test_stop_is_live_only_while_a_cell_feeds_the_view(shell: Any) -> None:
    """The Stop button is greyed out once the training cell has ended (it stayed red)."""
    shell.user_ns["mon"] = Monitor(display=False)
    run(shell, "view = ng.LossView.attach(mon)\nrunning_in_cell = view.running")
    view = shell.user_ns["view"]
    assert shell.user_ns["running_in_cell"] is True  # the training loop may follow
    assert view.running is False  # the cell has ended
    run(shell, "mon.log(1, loss=1.0); mon.flush(); fed = view.running")
    assert shell.user_ns["fed"] is True and view.running is False
    view.close()


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ({"max_points": "x"}, r"max_points must be a whole number from 16 to 1000000 .*; got 'x'"),
        ({"max_points": -1}, r"max_points must be a whole number from 16 to 1000000 .*; got -1"),
        ({"snapshot_interval": "x"}, r"LossView\(snapshot_interval=\.\.\.\) must be a number"),
        ({"snapshot_interval": float("nan")}, r"snapshot_interval=\.\.\.\) must be zero or more"),
        ({"keep_sent": "x"}, r"LossView\(keep_sent=\.\.\.\) must be a whole number"),
        ({"keep_sent": -2}, r"LossView\(keep_sent=\.\.\.\) must be a whole number"),
        ({"height": -5}, r"LossView\(height=\.\.\.\) needs a whole number of at least 1"),
        ({"smoothing": 2}, r"LossView\(smoothing=\.\.\.\) must be a number from 0.0 to 0.99"),
        ({"log_scale": "yes"}, r"LossView\(log_scale=\.\.\.\) must be True or False"),
        ({"total_epochs": 0}, r"LossView\(total_epochs=\.\.\.\) needs a whole number"),
        ({"layout": "x"}, r"LossView\(layout=\.\.\.\) is ipywidgets' layout"),
        (
            {"maxpoints": 10},
            "LossView has no option 'maxpoints'; its options are: max_points, snapshot_interval,"
            " keep_sent",
        ),
    ],
    ids=[
        "max_points str",
        "max_points negative",
        "snapshot_interval str",
        "snapshot_interval nan",
        "keep_sent str",
        "keep_sent negative",
        "height",
        "smoothing",
        "log_scale",
        "total_epochs",
        "layout",
        "misspelt name",
    ],
)
def test_a_bad_option_is_refused_when_the_view_is_made(option: dict[str, Any], says: str) -> None:
    mon = Monitor(display=False)
    with pytest.raises(NNGraphError, match=says):
        LossView(mon, **option)
    assert mon.view is None and mon._listeners.listeners == []  # nothing subscribed
    mon.log(1, loss=1.0, val_loss=1.0)
    mon.flush()  # no listener was left behind to fail at a flush


def test_good_options_are_taken() -> None:
    view = LossView(
        Monitor(display=False),
        max_points=16,
        snapshot_interval=0,
        keep_sent=0,
        height=300,
        smoothing=0.5,
        log_scale=True,
        total_epochs=None,
        layout={"width": "300px"},
    )
    assert (view.max_points, view.height, view.smoothing, view.log_scale) == (16, 300, 0.5, True)
    view.close()


def test_a_watch_without_a_monitor_sends_its_norms_as_it_steps() -> None:
    """``watch`` shown in one cell, training in the next: the view follows each ``step()``
    (at most ten times a second), not only when the training cell ends."""
    import torch

    import nngraph as ng

    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    watch = ng.GradientWatch(net)
    view = ng.LossView(watch)
    net(torch.randn(8, 3)).pow(2).mean().backward()
    watch.step()
    sent = [content for content, _ in view.sent if content.get("type") == "batch"]
    assert sent and sent[-1]["metrics"] == ["0", "2"]
    view.close()
    watch.close()
