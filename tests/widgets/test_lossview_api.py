"""LossView's public surface: every method has an example, and a misspelt option is told
every option the view takes."""

from __future__ import annotations

from types import FunctionType

import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.widgets import LossView

PUBLIC = ["attach", "close", "refresh", "full_snapshot", "stop", "poll", "static_svg", "show"]


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
