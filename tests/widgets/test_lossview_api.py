"""LossView's public surface: every method has an example, and a misspelt option is told
every option the view takes."""

from __future__ import annotations

from types import FunctionType

import numpy as np
import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.widgets import LossView

PUBLIC = [
    "attach",
    "close",
    "refresh",
    "refresh_soon",
    "full_snapshot",
    "stop",
    "poll",
    "static_svg",
    "show",
]


def test_every_public_method_is_listed() -> None:
    methods = {
        name
        for cls in LossView.__mro__
        if cls.__module__.startswith("nngraph.")
        for name, member in vars(cls).items()
        if not name.startswith("_") and isinstance(member, FunctionType | classmethod)
    }
    assert methods == set(PUBLIC)


@pytest.mark.parametrize("name", PUBLIC)
def test_each_public_method_has_an_example(name: str) -> None:
    """Seven had no `>>>` example (sweep O leftovers)."""
    assert ">>>" in (getattr(LossView, name).__doc__ or "")


def test_a_misspelt_option_is_told_every_option_layout_too() -> None:
    """`layout` is taken but was not listed (sweep O leftovers)."""
    with pytest.raises(ng.NNGraphError) as caught:
        LossView(Monitor(display=False), maxpoints=10)
    assert str(caught.value).startswith("LossView has no option 'maxpoints'; its options are: ")
    assert str(caught.value).endswith(
        "max_points, snapshot_interval, keep_sent, log_scale, smoothing, height, total_epochs,"
        " layout"
    )


@pytest.mark.parametrize(
    ("option", "bad", "says"),
    [
        (
            "smoothing",
            2,
            r"^LossView\(smoothing=\.\.\.\) must be a number from 0.0 to 0.99, got 2$",
        ),
        ("smoothing", "x", r"^LossView\(smoothing=\.\.\.\) must be a number from 0.0 to 0.99"),
        ("log_scale", "yes", r"^LossView\(log_scale=\.\.\.\) must be True or False, got 'yes'$"),
        ("height", -5, r"^LossView\(height=\.\.\.\) needs a whole number of at least 1, got -5$"),
        ("total_epochs", 0, r"^LossView\(total_epochs=\.\.\.\) needs a whole number"),
        ("max_points", 0, r"^max_points must be a whole number from 16 to 1000000 .*; got 0$"),
        ("snapshot_interval", -1, r"^LossView\(snapshot_interval=\.\.\.\) must be zero or more"),
    ],
    ids=[
        "smoothing",
        "smoothing text",
        "log_scale",
        "height",
        "total_epochs",
        "max_points",
        "interval",
    ],
)
def test_an_option_set_later_is_refused_as_the_view_refuses_it_when_made(
    option: str, bad: object, says: str
) -> None:
    """`view.smoothing = 2` gave traitlets' TraitError, `LossView(mon, smoothing=2)` an
    NNGraphError saying what to pass (sweep 22a, F8)."""
    view = LossView(Monitor(display=False))
    before = getattr(view, option)
    with pytest.raises(ng.NNGraphError, match=says):
        LossView(Monitor(display=False), **{option: bad})
    with pytest.raises(ng.NNGraphError, match=says):
        setattr(view, option, bad)
    assert getattr(view, option) == before
    view.close()


def test_an_option_set_later_is_kept_as_the_view_keeps_it_when_made() -> None:
    """As `LossView(mon, height=np.int64(300))` keeps it: a plain number, sent as JSON."""
    view = LossView(Monitor(display=False))
    view.smoothing, view.height, view.snapshot_interval = 0, np.int64(300), 0
    kept = (view.smoothing, view.height, view.snapshot_interval)
    assert kept == (0.0, 300, 0.0) and [type(value) for value in kept] == [float, int, float]
    view.close()
