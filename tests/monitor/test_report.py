"""What a monitor says of itself: ``mon.summary()`` and ``repr(mon)`` keep every name on one
line, read left to right, as the printed lines, ``Runs.table()`` and ``Graph.summary()`` do."""

from __future__ import annotations

import pytest

from nngraph.monitor import Monitor, detectors

#: a line break, a right-to-left override, half a surrogate pair and a non-character
MARKS = ["\n", "\r", "\u202e", "\u2028", "\ud800", "\ufffe"]


def overfit_run(metric: str, name: str | None = None) -> Monitor:
    """Five epochs of a falling, then rising metric, with Patience(1) firing on it."""
    mon = Monitor(
        metric=metric, name=name, display=False, detectors=[detectors.Patience(1, metric=metric)]
    )
    for epoch, value in enumerate([1.0, 0.5, 0.25, 0.5, 0.75], start=1):
        mon.log(epoch, **{metric: value})
    return mon


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
def test_a_metric_name_with_a_line_break_keeps_each_summary_line_one_line(mark: str) -> None:
    mon = overfit_run(f"val_evil{mark}name")
    lines = mon.summary().split("\n")
    shown = ascii(mark)[1:-1]  # "\\n", "\\u202e", ...
    assert not any(mark in line for line in lines)
    assert lines[0].startswith(f"best val_evil{shown}name 0.25 at epoch 3")
    assert len(lines) == 3 and f"evil{shown}name has not improved" in lines[2]  # the event


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
def test_a_metric_name_with_a_line_break_keeps_the_repr_one_line(mark: str) -> None:
    text = repr(overfit_run(f"val_{mark}", name=f"run{mark}A"))
    shown = ascii(mark)[1:-1]
    assert mark not in text and len(text.splitlines()) == 1
    assert f"best val_{shown}=0.25" in text and f"run{shown}A" in text
