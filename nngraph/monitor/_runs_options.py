"""The options of :class:`~nngraph.monitor.Runs` and :func:`~nngraph.monitor.compare`, and the
monitors given to ``compare()``, checked before anything is made or shown."""

from __future__ import annotations

from collections.abc import Mapping, ValuesView
from typing import cast

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import short_repr
from nngraph.monitor._display import check_display
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._names import is_metric_name, resolve_mode

__all__ = ["check_options", "monitors_given"]


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


def monitors_given(given: tuple[object, ...]) -> list[tuple[str | None, Monitor]]:
    """The monitors ``compare()`` was given, each with the name a dict gave it (else None):
    monitors one by one, or one list, tuple or dict of them (``results.values()`` too). What
    is no monitor is an NNGraphError that says how to call it, naming it shortly (and its key,
    in a dict).

    >>> a, b = Monitor(display=False), Monitor(name="b", display=False)
    >>> [(key, mon.name) for key, mon in monitors_given(({"a": a, "x": b},))]
    [('a', None), ('x', 'b')]
    >>> monitors_given(([a], b))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: compare() takes monitors: ... got [<Monitor: ...>] (list)
    >>> monitors_given(({"a": a, "b": 3},))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: compare() takes monitors: ... got 3 (int) for the key 'b'
    """
    items: list[tuple[object, object]] = [(None, value) for value in given]
    if len(given) == 1 and isinstance(given[0], Mapping):
        items = list(given[0].items())
    elif len(given) == 1 and isinstance(given[0], list | tuple | ValuesView):
        items = [(None, value) for value in given[0]]
    for key, value in items:
        if not isinstance(value, Monitor):
            got = f"{short_repr(value)} ({type(value).__name__})"
            if key is not None:  # a dict: which of its values is wrong
                got = message("monitor.runs.error.for_key", got=got, key=key)
            raise NNGraphError(message("monitor.runs.error.not_monitor", got=got))
    return [(None if key is None else str(key), cast(Monitor, mon)) for key, mon in items]
