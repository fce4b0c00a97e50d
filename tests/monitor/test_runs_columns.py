"""The Runs table: one column per metric whatever each run calls it, and the best epoch by
another metric than the monitor's, also once the history is compacted (sweep DD, 3 and 4)."""

from __future__ import annotations

import pytest

import nngraph as ng
from nngraph.monitor import Monitor, Runs
from tests.tables import columns


def three_runs_with_their_own_names() -> Runs:
    runs = Runs(display=False)
    names = [
        ("small", ("val_loss", "val_acc", "loss"), 0.5),
        ("medium", ("valid_loss", "valid_acc", "train_loss"), 0.4),
        ("large", ("val/loss", "val/acc", "train/loss"), 0.3),
    ]
    for name, (val, acc, train), bottom in names:
        mon = runs.new(name)
        for epoch in range(1, 21):
            mon.log(epoch, **{train: 1 / epoch, val: bottom + abs(epoch - 10) / 50})
            mon.log(epoch, **{acc: 1 - bottom + 0.01 * epoch})
    return runs


def test_one_metric_logged_under_different_names_gets_one_column() -> None:
    runs = three_runs_with_their_own_names()
    header, *rows = runs.table().splitlines()
    assert columns(header) == [
        "run",
        "epochs",
        "best epoch by val_loss",
        "val_loss",
        "val_acc",
        "loss",
        "stop",
    ]
    assert [row.split()[3:6] for row in rows] == [
        ["0.5", "0.6", "0.1"],
        ["0.4", "0.7", "0.1"],
        ["0.3", "*", "0.8"],
    ]
    assert runs.rows()[2]["best"] == pytest.approx({"val_loss": 0.3, "val_acc": 0.8, "loss": 0.1})


def test_a_run_logging_one_metric_under_two_names_keeps_both() -> None:
    runs = Runs(display=False)
    runs.new("a").log(1, loss=0.5, val_loss=0.4)
    runs.new("b").log(1, loss=0.6, train_loss=0.7, val_loss=0.3)
    assert runs.rows()[1]["best"] == {"val_loss": 0.3, "loss": 0.6, "train_loss": 0.7}


def accuracy_best_at_epoch_30(mon: Monitor) -> None:
    for epoch in range(1, 61):
        acc = 0.5 + 0.4 * (1 - abs(epoch - 30) / 30)
        mon.log(epoch, loss=1 / epoch, val_loss=0.3 + abs(epoch - 25) / 100, val_acc=acc)


@pytest.mark.parametrize("max_points", [10_000, 16])
def test_compare_by_another_metric_keeps_the_best_epoch_once_compacted(max_points: int) -> None:
    mon = Monitor(display=False, max_points=max_points)
    accuracy_best_at_epoch_30(mon)
    assert len(mon.series["val_acc"]) <= max_points
    (row,) = ng.compare(mon, metric="val_acc", display=False).rows()
    assert row["best_epoch"] == 30 and row["best"]["val_acc"] == pytest.approx(0.9)
    runs = Runs(metric="val_acc", display=False)
    accuracy_best_at_epoch_30(runs.new("a", max_points=max_points))
    assert runs.table().splitlines()[1].split()[:4] == ["a", "60", "30", "0.9"]


def test_a_metric_logged_per_batch_still_has_no_best_epoch_once_compacted() -> None:
    mon = Monitor(display=False, max_points=16)
    step = 0
    for epoch in range(1, 41):
        for _ in range(3):  # three batches an epoch: no one log line is the epoch's
            step += 1
            mon.log(step, loss=1 / step)
        mon.log(step, val_loss=1 / epoch)
    (row,) = ng.compare(mon, metric="loss", display=False).rows()
    assert row["best_epoch"] is None and row["best"]["loss"] == pytest.approx(1 / 120)
