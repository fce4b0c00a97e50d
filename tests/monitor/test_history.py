"""Bounded memory: however long the run, the history keeps its extremes and its latest points."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest
import torch

from nngraph.errors import NNGraphError
from nngraph.monitor import GradientWatch, Monitor
from nngraph.monitor._history import Series, minmax_downsample


def test_a_series_never_outgrows_its_capacity_and_keeps_min_max_and_the_last_points() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=50_000)
    s = Series(capacity=512, keep_last=64)
    for i, v in enumerate(values):
        s.append(i, float(v))
    assert len(s) <= 512 and s.count == 50_000
    assert s.values.min() == values.min() and s.values.max() == values.max()
    assert s.steps[-64:].tolist() == list(range(50_000 - 64, 50_000))
    assert s.values[-64:].tolist() == values[-64:].tolist()
    assert np.all(np.diff(s.steps) > 0)  # still in step order


def test_every_kept_point_is_a_real_logged_point() -> None:
    s = Series(capacity=64)
    for i in range(1000):
        s.append(i, i * 0.5)
    assert all(v == st * 0.5 for st, v in zip(s.steps, s.values, strict=True))


def test_a_nan_survives_compaction() -> None:
    s = Series(capacity=32)
    for i in range(500):
        s.append(i, math.nan if i == 100 else 1.0)
    assert np.isnan(s.values).sum() == 1


def test_downsampling_for_a_view_respects_the_budget() -> None:
    x = np.arange(100_003.0)
    y = np.cos(x / 1000) + (x == 777) * 5  # a spike must survive
    for budget in (10, 100, 1000):
        xs, ys = minmax_downsample(x, y, budget, keep_last=5)
        assert len(xs) <= budget
        assert ys.max() == y.max() and ys.min() == y.min()
        assert xs[-5:].tolist() == x[-5:].tolist()


def test_monitor_memory_stays_flat_over_a_long_run() -> None:
    mon = Monitor(display=False, max_points=2_000, detectors=[])
    for i in range(20_000):  # warm up: every series is full and compacting
        mon.log(i, loss=1.0 / (i + 1), val_loss=0.5, acc=0.9, val_acc=0.8)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(20_000, 80_000):
        mon.log(i, loss=1.0 / (i + 1), val_loss=0.5, acc=0.9, val_acc=0.8)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 200_000  # bytes: nothing accumulates per logged point
    assert all(len(s) <= 2_000 for s in mon.series.values())
    assert mon.history("loss")[0][-1] == 79_999


def test_snapshot_is_bounded_and_json_friendly() -> None:
    import json

    mon = Monitor(display=False)
    for i in range(5000):
        mon.log(i, loss=math.nan if i == 10 else 1.0 / (i + 1), val_loss=0.5)
    snap = mon.snapshot(max_points=200)
    assert all(len(m["step"]) <= 200 for m in snap["metrics"].values())
    assert "nan" in snap["metrics"]["loss"]["value"]
    assert snap["best"]["value"] == 0.5 and snap["pairs"] == {"val_loss": "loss"}
    assert snap["events"][0]["kind"] == "divergence"
    json.dumps(snap, allow_nan=False)


@pytest.mark.parametrize("huge", [1_000_001, 10**11, 10**30], ids=repr)
def test_a_history_too_large_for_memory_is_refused_when_the_monitor_is_made(huge: int) -> None:
    """Each metric reserves room for max_points points at its first log(): a huge number used
    to pass and then fail there with numpy's bare MemoryError (sweep O, bug 1)."""
    with pytest.raises(NNGraphError, match=r"max_points must be a whole number from 16 to 1000000"):
        Monitor(display=False, max_points=huge)
    with pytest.raises(NNGraphError, match=r"from 16 to 1000000 .*got " + str(huge)):
        GradientWatch(torch.nn.Linear(2, 1), max_points=huge)


def test_the_largest_history_allowed_still_logs() -> None:
    mon = Monitor(display=False, max_points=1_000_000, detectors=[])
    mon.log(1, loss=0.5)
    assert mon.history("loss")[1].tolist() == [0.5]


def points_per_tenth(steps: np.ndarray, run_length: int) -> list[int]:
    return np.histogram(steps, bins=10, range=(1, run_length + 1))[0].tolist()


@pytest.mark.parametrize("max_points", [1_000, 10_000], ids=["1000", "default"])
def test_a_long_run_keeps_points_spread_over_every_tenth_of_the_run(max_points: int) -> None:
    """The steep early fall of a loss curve stays in the history of a long per-batch run: the
    older part was compacted again at each fill, so after 100,000 logs the first 47% of the run
    was one point, in history(), records() and to_csv() alike (sweep readme, finding 1)."""
    rng = np.random.default_rng(1)
    n = 100_000
    steps = np.arange(1, n + 1)
    losses = 2.0 / np.sqrt(steps) + 0.05 * rng.random(n)
    losses[[n // 3, n // 2]] = [7.5, -0.5]  # a spike and a dip in mid-run
    mon = Monitor(display=False, detectors=[], max_points=max_points)
    checked = {20_000, 50_000, n}
    for step, loss in zip(steps.tolist(), losses.tolist(), strict=True):
        mon.log(step, loss=loss)
        if step in checked:
            kept, _ = mon.history("loss")
            tenths = points_per_tenth(kept, step)
            assert min(tenths) >= max_points // 50, (step, tenths)
            assert max(tenths[:9]) <= 3 * min(tenths[:9]), (step, tenths)  # evenly, not decaying
    kept_steps, kept_losses = mon.history("loss")
    assert len(kept_steps) <= max_points
    assert kept_losses.max() == 7.5 and kept_losses.min() == -0.5
    assert kept_steps[-(max_points // 8) :].tolist() == steps[-(max_points // 8) :].tolist()
    assert kept_losses.tolist() == losses[kept_steps.astype(int) - 1].tolist()  # real points
    csv_steps = [int(line.split(",")[0]) for line in mon.to_csv().splitlines()[1:]]
    assert csv_steps == [row["step"] for row in mon.records()] == kept_steps.astype(int).tolist()
    assert min(points_per_tenth(np.array(csv_steps), n)) >= max_points // 50


def test_a_series_thins_evenly_whatever_its_capacity_and_keeps_the_first_point() -> None:
    n = 50_000
    for capacity in (16, 17, 100, 1_000, 4_096):
        series = Series(capacity)
        for step in range(1, n + 1):
            series.append(step, 1.0 / step)
        assert len(series) <= capacity and series.steps[0] == 1.0  # the run's start and its max
        assert series.values.min() == 1.0 / n and series.steps[-1] == n
        # no stretch of the run is thinner than one bucket in two, the start included ...
        assert np.diff(series.steps).max() < 2 * series.stride, capacity
        # ... and the buckets are no longer than the room needs
        assert series.stride <= 8 * n / capacity, capacity


def test_a_metric_logged_once_an_epoch_is_thinned_evenly_beside_the_batches() -> None:
    mon = Monitor(display=False, detectors=[], max_points=64)
    for step in range(1, 20_001):  # 100 epochs of 200 batches, validated at each epoch's end
        val_loss = {"val_loss": 1.0 / step + (step == 4_000)} if step % 200 == 0 else {}
        mon.log(step, loss=1.0 / step, **val_loss)
    for metric in ("loss", "val_loss"):
        kept, values = mon.history(metric)
        assert len(kept) <= 64 and min(points_per_tenth(kept, 20_000)) >= 2, metric
    assert values.max() == 1.0 + 1.0 / 4_000 and values.min() == 1.0 / 20_000
