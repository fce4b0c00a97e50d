"""The options of :class:`~nngraph.monitor.Runs` and :func:`~nngraph.monitor.compare`, checked
before anything is made or shown."""

from __future__ import annotations

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._display import check_display
from nngraph.monitor._names import is_metric_name, resolve_mode

__all__ = ["check_options"]


def check_options(metric: object, mode: object, display: object) -> None:
    """The options of :class:`Runs` and :func:`compare`, checked as :class:`Monitor` checks
    them (a bad one is an NNGraphError before anything is made or shown).

    >>> check_options("val_acc", "auto", False)  # fine: nothing happens
    >>> check_options(None, "up", False)
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: ...
    """
    if metric is not None and not is_metric_name(metric):
        raise NNGraphError(message("monitor.error.metric_name", value=metric))
    resolve_mode(mode, metric or "val_loss")
    check_display(display)
