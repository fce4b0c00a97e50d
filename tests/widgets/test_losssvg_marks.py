"""Where the static picture puts its marks: each best-epoch ring on the curve of its metric.

``ng.compare`` of a run that watches ``val_acc`` and one that watches ``val_loss`` drew both
rings on the primary (accuracy) panel, the second at its val_loss value, off every curve
(sweep 23b, finding 2).
"""

from __future__ import annotations

import re

import pytest

import nngraph as ng
from nngraph.widgets import LossView
from nngraph.widgets._losssvg import PAD_L, PAD_R, PALETTE, W

RING = re.compile(r'<title>([^<]*)</title><line[^>]*/><circle cx="([\d.]+)" cy="([\d.]+)"')


def polylines(svg: str, color: str) -> list[str]:
    return re.findall(rf'<polyline fill="none" stroke="{color}"[^>]* points="([^"]*)"', svg)


def test_each_compared_runs_ring_lies_on_its_own_metrics_curve() -> None:
    acc_run = ng.Monitor(name="acc-run", metric="val_acc", display=False)
    loss_run = ng.Monitor(name="loss-run", display=False)  # watches val_loss
    for i in range(1, 11):
        acc_run.log(i, val_loss=1 / i + 0.2, val_acc=0.5 + i / 40)
        loss_run.log(i, val_loss=1 / i, val_acc=1 - 1 / i)
    svg = LossView(ng.compare(acc_run, loss_run, display=False)).static_svg()
    assert re.findall(r'font-weight="bold"[^>]*>([^<]*)<', svg) == ["loss", "acc"]
    rings = {
        title.split(":")[-1].split("=")[0].strip(): (cx, cy) for title, cx, cy in RING.findall(svg)
    }
    assert set(rings) == {"val_acc", "val_loss"}
    assert float(rings["val_loss"][0]) < W < float(rings["val_acc"][0])  # loss left, acc right
    for metric, color in (("val_acc", PALETTE[0]), ("val_loss", PALETTE[1])):
        point = ",".join(rings[metric])  # the ring is a point of its run's curve
        assert any(point in line.split() for line in polylines(svg, color)), metric


def test_each_compared_runs_ring_is_drawn_in_its_runs_colour() -> None:
    """Sweep s48 teacher, LOW 7: every ring and its dotted line were one dark green, close to
    the third run's line, so a student read the rings of `small` and `large` as `medium`'s."""
    runs = ng.Runs(display=False)
    for name, turn in (("small", 6), ("medium", 4), ("large", 3)):
        mon = runs.new(name)
        for epoch in range(1, 9):
            mon.log(epoch, loss=1 / epoch, val_loss=0.3 + abs(epoch - turn) / 10)
    svg = LossView(runs).static_svg()
    ring = r'<title>(\w+): best epoch[^<]*</title><line [^>]*stroke="([^"]+)"[^>]*/><circle '
    rings = re.findall(ring + r'[^>]*stroke="([^"]+)"', svg)  # each named as the live view does
    assert rings == [(name, PALETTE[i], PALETTE[i]) for i, name in enumerate(runs.names)]


def test_a_monitors_ring_and_events_stay_on_its_metrics_panel() -> None:
    mon = ng.Monitor(detectors=[ng.detectors.Patience(2)], display=False)
    for epoch, v in enumerate([1.0, 0.5, 0.6, 0.7], start=1):
        mon.log(epoch, loss=v, val_loss=v, acc=1 - v)
    svg = LossView(mon).static_svg()
    [(_, cx, _)] = RING.findall(svg)
    assert float(cx) < W  # the loss panel, first
    triangles = re.findall(r'<polygon points="([\d.]+),', svg)
    assert triangles and all(float(x) < W for x in triangles)


def test_a_watch_event_after_the_last_norm_is_inside_its_panel() -> None:
    """zero_grad() between backward() and step(): the watch's event comes after the last
    gradient norm, as those steps have none; the x axis must reach it (sweep 24b, finding 1)."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    watch = ng.GradientWatch(net, optimizer=opt)
    xs, ys = torch.randn(16, 4), torch.randn(16, 1)
    for step in range(30):
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(xs), ys).backward()
        if step >= 20:
            opt.zero_grad()  # the bug: the gradients are gone before step()
        opt.step()
    svg = LossView(watch).static_svg()
    [apex] = re.findall(r'<polygon points="[^"]* ([\d.]+),[\d.]+"', svg)
    assert PAD_L <= float(apex) <= W - PAD_R
    assert re.findall(r'text-anchor="end">([^<]*)<', svg) == ["23"]  # the x axis ends there


def test_the_stop_buttons_event_is_said_in_the_pictures_language() -> None:
    """Sweep B1: its event showed the detector id "user" after `%nngraph lang pl`."""
    from nngraph.i18n import messages
    from nngraph.widgets._losssvg import loss_svg

    pts = {"step": [1, 2, 3], "value": [1.0, 0.7, 0.5]}
    stop = {"step": 2, "epoch": 2, "detector": "user", "message": "m", "stop": True}
    snap = {
        "kind": "monitor",
        "metric": "loss",
        "runs": {"": {"metrics": {"loss": pts}, "events": [stop]}},
    }
    ng.set_language("pl")
    try:
        svg = loss_svg(snap, strings=messages("lossview."))
    finally:
        ng.set_language("en")
    assert "<title>przycisk Zatrzymaj: m</title>" in svg and "user" not in svg
