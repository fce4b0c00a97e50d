"""The UI-free subscription a live view uses: new points only, batched, events at once."""

from __future__ import annotations

import threading
import time

import pytest

from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor, Update, detectors


def test_listeners_get_every_point_exactly_once_in_few_batches() -> None:
    mon = Monitor(display=False, detectors=[], flush_interval=60)
    got: list[Update] = []
    mon.add_listener(got.append)
    for i in range(1, 1001):
        mon.log(i, loss=1 / i, val_loss=2 / i)
    mon.flush()
    steps = [s for u in got for s in u.points.get("loss", ([], []))[0]]
    assert steps == [float(i) for i in range(1, 1001)]
    assert len(got) <= 2  # one at the first log (nothing sent yet), one at flush()


def test_events_are_sent_at_once_with_the_best() -> None:
    mon = Monitor(display=False, detectors=[detectors.Patience(1)], flush_interval=60)
    got: list[Update] = []
    mon.add_listener(got.append)
    mon.log(1, val_loss=0.5)
    mon.log(2, val_loss=0.6)  # Patience(1) fires here: sent without waiting
    assert got[-1].events and got[-1].events[0].detector == "Patience(1)"
    assert got[-1].best is not None and got[-1].best.value == 0.5
    assert got[-1].to_dict()["points"]["val_loss"]["step"] == [2.0]


def test_the_last_points_arrive_even_if_log_is_not_called_again() -> None:
    mon = Monitor(display=False, detectors=[], flush_interval=0.05)
    done = threading.Event()
    got: list[Update] = []

    def listener(update: Update) -> None:
        got.append(update)
        if any(2.0 in u.points.get("loss", ([], []))[0] for u in got):
            done.set()

    mon.add_listener(listener)
    mon.log(1, loss=0.5)  # sent at once (first flush)
    mon.log(2, loss=0.4)  # held back: a timer sends it
    assert done.wait(timeout=10)


def test_flushes_are_rate_limited() -> None:
    mon = Monitor(display=False, detectors=[], flush_interval=0.2)
    calls: list[float] = []
    mon.add_listener(lambda u: calls.append(time.monotonic()))
    t_end = time.monotonic() + 0.5
    i = 0
    while time.monotonic() < t_end:
        i += 1
        mon.log(i, loss=0.1)
    mon.flush()
    assert i > 100 and len(calls) <= 6  # 0.5 s at 0.2 s per flush, plus first and last


def test_a_failing_listener_is_removed_with_a_warning_and_training_goes_on() -> None:
    mon = Monitor(display=False, detectors=[])

    def broken(update: Update) -> None:
        raise RuntimeError("view closed")

    mon.add_listener(broken)
    with pytest.warns(UserWarning, match="view closed"):
        mon.log(1, loss=0.5)
    mon.log(2, loss=0.4)
    assert mon.records()[-1]["loss"] == 0.4


def test_remove_listener_and_bad_listener() -> None:
    mon = Monitor(display=False)
    got: list[Update] = []
    mon.add_listener(got.append)
    mon.remove_listener(got.append)
    mon.log(1, loss=0.5)
    mon.flush()
    assert got == []
    with pytest.raises(NNGraphError):
        mon.add_listener("print")  # type: ignore[arg-type]


def test_snapshot_restores_a_view_after_a_reload() -> None:
    mon = Monitor(display=False, detectors=[detectors.Patience(2)])
    for t, v in enumerate([1.0, 0.5, 0.6, 0.7], 1):
        mon.log(t, loss=v / 2, val_loss=v)
    snap = mon.snapshot(max_points=100)
    assert snap["metrics"]["val_loss"] == {
        "step": [1.0, 2.0, 3.0, 4.0],
        "value": [1.0, 0.5, 0.6, 0.7],
    }
    assert snap["best"]["epoch"] == 2 and snap["should_stop"] is True
    assert snap["events"][0]["message_id"] == "patience.fire"
