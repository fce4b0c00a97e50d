"""Checks of a widget's options, shared by ``GraphView`` and ``LossView``: each wrong value or
name raises ``NNGraphError`` saying what is allowed, before the widget is made (traitlets' own
``TraitError`` would come with a long traceback, and a misspelt name would be ignored)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from nngraph.errors import NNGraphError, check_flag
from nngraph.i18n import message
from nngraph.monitor._history import check_max_points
from nngraph.monitor._params import _nonnegative, _whole

__all__ = [
    "LOSS_OPTIONS",
    "check_at_least",
    "check_layout",
    "check_loss_options",
    "check_names",
    "check_range",
]


def check_names(widget: str, given: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a name that is no option (``ipywidgets``' ``layout`` is one of every widget).

    >>> check_names("LossView", ["maxpoints"], ["max_points", "height"])
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: LossView has no option 'maxpoints'; its options are: max_points, height
    """
    options = tuple(known)
    for name in given:
        if name not in options and name != "layout":
            listed = ", ".join(options)
            raise NNGraphError(
                message("widgets.error.unknown_option", widget=widget, name=name, known=listed)
            )


def check_at_least(widget: str, option: str, value: Any, minimum: int) -> int:
    """A whole number (not a bool) of at least ``minimum``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise NNGraphError(
            message(
                "widgets.error.at_least", widget=widget, option=option, minimum=minimum, got=value
            )
        )
    return int(value)


def check_range(widget: str, option: str, value: Any, low: float, high: float) -> float:
    """A finite number (not a bool) from ``low`` to ``high``."""
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (real and math.isfinite(value) and low <= value <= high):
        raise NNGraphError(
            message(
                "widgets.error.range", widget=widget, option=option, low=low, high=high, got=value
            )
        )
    return float(value)


def check_layout(widget: str, value: Any) -> None:
    """``layout=``: a dict or an ``ipywidgets.Layout``, as ipywidgets takes it."""
    from ipywidgets import Layout

    if not isinstance(value, dict | Layout):
        raise NNGraphError(message("widgets.error.layout", widget=widget, got=value))


#: what ``LossView(source, ...)`` takes besides the source (``layout``: ipywidgets')
LOSS_OPTIONS = (
    "max_points",
    "snapshot_interval",
    "keep_sent",
    "log_scale",
    "smoothing",
    "height",
    "total_epochs",
    "layout",
)


def check_loss_options(**given: Any) -> None:
    """Refuse a name that is no option of ``LossView`` (anywidget would hand it to traitlets,
    which ignores it) or a value it cannot take, before anything is made or subscribed.

    >>> check_loss_options(max_points=1000, smoothing=0.5, layout={"width": "50%"})
    >>> check_loss_options(maxpoints=10)
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: LossView has no option 'maxpoints'; its options are: ..., layout
    """
    check_names("LossView", given, LOSS_OPTIONS)
    for name, value in given.items():
        if name == "max_points":
            check_max_points(value)
        elif name == "snapshot_interval":
            _nonnegative("LossView(snapshot_interval=...)", value)
        elif name == "keep_sent":
            _whole("LossView(keep_sent=...)", value)
        elif name == "log_scale":
            check_flag("LossView(log_scale=...)", value)
        elif name == "smoothing":
            check_range("LossView", name, value, 0.0, 0.99)
        elif name == "height" or (name == "total_epochs" and value is not None):
            check_at_least("LossView", name, value, 1)
        elif name == "layout":
            check_layout("LossView", value)
