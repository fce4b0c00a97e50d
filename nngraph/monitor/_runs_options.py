"""The options of :class:`~nngraph.monitor.Runs` and :func:`~nngraph.monitor.compare`, and the
monitors given to ``compare()``, checked before anything is made or shown; and the warning for
a ``metric=`` that no run logged (:func:`warn_unlogged_metric`)."""

from __future__ import annotations

import difflib
import inspect
import warnings
from collections.abc import Iterable, Mapping, ValuesView
from typing import cast

from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._common import short_repr
from nngraph.monitor._display import check_display
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._names import is_metric_name, is_validation, mode_against_name, resolve_mode
from nngraph.monitor._run_best import metric_of

__all__ = [
    "check_new_options",
    "check_options",
    "monitors_given",
    "warn_mode_against_name",
    "warn_unlogged_metric",
]


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


def warn_mode_against_name(metric: str | None, mode: object) -> bool:
    """Warn where ``mode`` goes against the name of the metric compared (``mode="max"`` on
    ``val_loss``: the run with the worst loss would win); whether it warned.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_mode_against_name("val_acc", "min"), str(caught[0].message)[:32]
    (True, 'nngraph Runs: mode="min" makes t')
    """
    compared = metric or "val_loss"  # the runs' validation loss, however they name it
    way = mode_against_name(mode, compared)
    if way is not None:
        text = message(f"monitor.runs.warn.mode_against_name.{way}", metric=compared)
        warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
    return way is not None


def check_new_options(given: Iterable[str]) -> None:
    """Refuse a keyword of ``runs.new()`` that :class:`Monitor` does not take, with the options
    it has: passed on as it was, it raised a TypeError from inside nngraph about
    ``Monitor.__init__``, a call the user never wrote.

    >>> check_new_options(["detectrs"])
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: runs.new() has no option 'detectrs' (did you mean 'detectors'?); ...
    """
    known = [
        name for name in inspect.signature(Monitor).parameters if name not in ("model", "name")
    ]
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = message("monitor.runs.error.did_you_mean", name=close[0]) if close else ""
            listed = ", ".join(known)
            raise NNGraphError(
                message("monitor.runs.error.new_option", name=name, hint=hint, known=listed)
            )


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


def warn_unlogged_metric(monitors: Iterable[Monitor], metric: str) -> bool:
    """Warn when no run logged ``metric`` (each read under its own name for it) while one
    logged a metric of its kind (a validation one, for a validation ``metric``): a slip
    (``val_los``) or a metric never logged (``val_acc``). A close name one of the runs logged
    is offered as the monitor offers it ("did you mean 'val_loss'?"). Nothing is said when a
    run logged it, or none logged anything like it yet (a run still training). Returns
    whether it warned.

        >>> import warnings
        >>> mon = Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.6)
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warn_unlogged_metric([mon], "val_los")
        True
        >>> print(caught[0].message)  # doctest: +ELLIPSIS
        nngraph Runs: no run logged the metric 'val_los' (logged: loss, val_loss): did ...
        >>> warn_unlogged_metric([mon], "val_loss")
        False
    """
    monitors = list(monitors)
    if any(metric_of(mon, metric) in mon.series for mon in monitors):
        return False
    logged = list(dict.fromkeys(name for mon in monitors for name in mon.series))
    like = [name for name in logged if is_validation(name)] if is_validation(metric) else logged
    if not like:
        return False
    close = next((found for mon in monitors if (found := mon._close_name(metric))), "")
    key = "monitor.runs.warn.metric_close" if close else "monitor.runs.warn.metric_missing"
    text = message(key, metric=metric, logged=", ".join(logged), close=close)
    warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
    return True
