"""The Runs table: one column per metric whatever each run calls it, and the best epoch by
another metric than the monitor's, also once the history is compacted (sweep DD, 3 and 4)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

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


def values(seed: int) -> Callable[[], float]:
    return random.Random(seed).random


def per_batch_then_validation(log: Callable[..., None], epochs: int, value: Callable[[], float]):
    step = 0
    for _ in range(epochs):
        for _ in range(7):
            step += 1
            log(step, loss=value())
        log(step, val_loss=value(), val_acc=value())


def per_batch_with_validation_in_the_last_call(log: Callable[..., None], epochs: int, value):
    step = 0
    for _ in range(epochs):
        for _ in range(4):
            step += 1
            log(step, loss=value(), acc=value())
        step += 1
        log(step, loss=value(), acc=value(), val_loss=value(), val_acc=value())


def one_call_per_epoch(log: Callable[..., None], epochs: int, value: Callable[[], float]):
    for epoch in range(1, epochs + 1):
        log(epoch, loss=value(), val_loss=value(), val_acc=value())


def numbered_epochs_then_validation(log: Callable[..., None], epochs: int, value):
    for epoch in range(1, epochs + 1):
        for _ in range(3):
            log(epoch=epoch, loss=value())
        log(epoch=epoch, val_loss=value())
        log(epoch=epoch, val_acc=value())


LOOPS = [
    per_batch_then_validation,
    per_batch_with_validation_in_the_last_call,
    one_call_per_epoch,
    numbered_epochs_then_validation,
]


@pytest.mark.filterwarnings("ignore:nngraph Monitor. validation came at steps")  # batches
@pytest.mark.parametrize("loop", LOOPS, ids=lambda loop: loop.__name__)
@pytest.mark.parametrize("max_points", [16, 64])
def test_compare_by_another_metric_reads_the_best_epochs_row_exactly_once_compacted(
    loop: Callable[..., None], max_points: int
) -> None:
    """Sweep s31 (2): the row was read from the kept points: a training loss of a few batches
    (or of other epochs), a validation loss compacted away."""
    compacted = Monitor(display=False, detectors=[], max_points=max_points)
    whole = Monitor(display=False, detectors=[], max_points=1_000_000)

    def log(*args: Any, **metrics: Any) -> None:
        compacted.log(*args, **metrics)
        whole.log(*args, **metrics)

    loop(log, 300, values(3))
    assert (
        len(compacted.series["val_acc"]) < 300
        and len(whole.series["loss"]) == whole.series["loss"].count
    )
    per_epoch = ["val_acc", "loss"] if loop is one_call_per_epoch else ["val_acc"]
    for metric in per_epoch:  # a metric logged per batch has its batches compacted
        (got,) = ng.compare(compacted, metric=metric, display=False).rows()
        (expected,) = ng.compare(whole, metric=metric, display=False).rows()
        assert got["best_epoch"] == expected["best_epoch"]
        assert got["best"] == pytest.approx(expected["best"], rel=1e-12)
    by_acc = Monitor(display=False, detectors=[], metric="val_acc")  # its own best, the same
    loop(by_acc.log, 300, values(3))
    assert by_acc.best is not None
    (row,) = ng.compare(compacted, metric="val_acc", display=False).rows()
    assert row["best"] == pytest.approx(by_acc.best.metrics, rel=1e-12)


def test_the_training_loss_beside_the_best_accuracy_is_that_epochs_mean_in_a_long_run() -> None:
    """The sweep's run: 100 batches an epoch, 150 epochs, the default max_points."""
    mon = Monitor(display=False, detectors=[])
    value = values(0)
    means, step = {}, 0
    for epoch in range(1, 151):
        batches = [1 / epoch + value() / 20 for _ in range(100)]
        for loss in batches:
            step += 1
            mon.log(step, loss=loss)
        val_loss, val_acc = 0.3 + value() / 5, 0.6 + value() / 3
        mon.log(step, val_loss=val_loss, val_acc=val_acc)
        means[val_acc] = (epoch, val_loss, sum(batches) / 100)
    assert len(mon.series["loss"]) < mon.series["loss"].count  # compacted
    (row,) = ng.compare(mon, metric="val_acc", display=False).rows()
    best = max(means)
    epoch, val_loss, loss = means[best]
    assert row["best_epoch"] == epoch
    assert row["best"] == pytest.approx({"val_acc": best, "val_loss": val_loss, "loss": loss})


def test_a_first_epoch_longer_than_the_epochs_kept_apart_is_still_read_exactly() -> None:
    """Before the first validation each call counts as an epoch: more of them than a record
    keeps apart fold into one, which the validation makes the first epoch again."""
    mon = Monitor(display=False, detectors=[], max_points=16)
    value, step = values(1), 0
    first: list[float] = []
    for epoch in range(1, 4):
        for _ in range(10_005 if epoch == 1 else 5):  # a record keeps 10,000 apart
            step += 1
            loss = value()
            mon.log(step, loss=loss)
            if epoch == 1:
                first.append(loss)
        mon.log(step, val_loss=value(), val_acc=1.0 if epoch == 1 else 0.5)
    (row,) = ng.compare(mon, metric="val_acc", display=False).rows()
    assert row["best_epoch"] == 1
    assert row["best"]["loss"] == pytest.approx(sum(first) / len(first), rel=1e-12)


def test_an_epoch_record_folds_what_it_cannot_keep_apart_and_a_restamp_makes_it_exact() -> None:
    from nngraph.monitor._epoch_record import EpochRecord  # new with the record

    record = EpochRecord(limit=4)
    for call in range(1, 11):
        record.add(call, float(call), call, call)  # ten epochs of one point
    assert not record.exact and len(record.rows()) == 1
    record.restamp(1)
    (row,) = record.rows()
    assert record.exact and (row.epoch, row.points, row.total) == (1, 10, 55.0)
    assert (row.first_call, row.last_call, row.rest) == (1, 10, 54.0)
    record.add(11, 1.0, 11, 2)
    assert [row.epoch for row in record.rows()] == [1, 2]
