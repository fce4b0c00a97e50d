"""Checks of the Lightning callback: what ``NNGraphCallback(...)`` is given
(:func:`check_monitor`, :func:`check_metric`, :func:`check_mode`), and whether what stops
training watches the metric the best weights are chosen by (:func:`stop_metric_mismatch`, and
the warning that says so: :func:`stop_metric_warning`), and the text for a watched metric never
logged (:func:`missing_metric_text`, offering a logged metric to map or watch:
:func:`watch_instead`).

    >>> from nngraph.monitor import detectors
    >>> check_monitor(detectors.Patience(5))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: NNGraphCallback(...) takes an ng.Monitor first; ...
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Literal

from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor import Monitor
from nngraph.monitor._names import (
    is_metric_name,
    is_validation,
    mode_known,
    mode_warning,
    named_as_training,
    resolve_mode,
)
from nngraph.monitor.detectors import Detector, Divergence

__all__ = [
    "NOT_USER_CODE",
    "check_metric",
    "check_mode",
    "check_monitor",
    "check_renames",
    "missing_metric_text",
    "stop_metric_mismatch",
    "stop_metric_warning",
    "watch_instead",
]


def check_monitor(monitor: object) -> None:
    """Refuse a first argument that is not an ``ng.Monitor`` (or ``None``); detectors given
    there (one, a list, or a detector class) are told to go in ``detectors=[...]``."""
    if monitor is None or isinstance(monitor, Monitor):
        return
    items = list(monitor) if isinstance(monitor, list | tuple) else [monitor]
    if any(_is_detector(item) for item in items):
        raise NNGraphError(message("monitor.lightning.detectors_positional"))
    got = repr(monitor) if isinstance(monitor, str) else type(monitor).__name__
    raise NNGraphError(message("monitor.lightning.not_monitor", got=got))


def _is_detector(value: object) -> bool:
    return isinstance(value, Detector) or (isinstance(value, type) and issubclass(value, Detector))


def check_metric(metric: object, monitor: object) -> str | None:
    """``metric=``: a metric's name, for the monitor the callback makes (not with one given).

    >>> check_metric("val_acc", None)
    'val_acc'
    """
    if metric is None:
        return None
    if monitor is not None:  # it would be ignored without a word
        raise NNGraphError(message("monitor.lightning.metric_and_monitor", metric=metric))
    if not is_metric_name(metric):
        raise NNGraphError(message("monitor.error.metric_name", value=metric))
    return str(metric)


#: where a warning's user line is not: Lightning calls the callback from deep inside `fit`
NOT_USER_CODE = ("lightning", "pytorch_lightning", "lightning_fabric", "torch", "nngraph")


def check_mode(mode: object, metric: str | None, monitor: object) -> Literal["min", "max"]:
    """``mode=``: as ``ng.Monitor``'s (``"auto"``, ``"min"`` or ``"max"``), for the monitor the
    callback makes (not with one given); the mode that monitor gets, ``"min"`` or ``"max"``.
    For a name that says neither way (``mode="auto"``), or the other way than ``mode``, the
    monitor's warning is given here, at the line that makes the callback, not later from inside
    ``fit``.

    >>> check_mode("auto", "val_acc", None), check_mode("max", "val_poprawnosc", None)
    ('max', 'max')
    """
    resolved = resolve_mode(mode, "val_loss" if metric is None else metric)  # the Monitor's
    if monitor is not None and mode != "auto":  # it would be ignored without a word
        raise NNGraphError(message("monitor.lightning.mode_and_monitor", mode=mode))
    text = mode_warning(mode, "val_loss" if metric is None else metric)
    if text is not None:
        warnings.warn(text, UserWarning, stacklevel=stacklevel_outside(NOT_USER_CODE))
    return resolved


def check_renames(rename: Mapping[str, str]) -> None:
    """Warn, at the line that makes the callback, of a ``metrics=`` entry that gives a name
    the values of one better the other way (``{"val_acc": "val_loss"}``): the monitor would
    keep the epoch where that metric was worst.

        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     check_renames({"val_acc": "val_loss", "valid_mse": "val_loss"})
        >>> [str(w.message)[:58] for w in caught]
        ["NNGraphCallback: metrics={'val_acc': 'val_loss'} gives 'va"]
    """
    for key, name in rename.items():
        if not (mode_known(key) and mode_known(name)):
            continue
        way, watched_way = resolve_mode("auto", key), resolve_mode("auto", name)
        if way != watched_way:
            text = message(
                "monitor.lightning.rename_other_way",
                key=key,
                name=name,
                better_key=message(f"monitor.lightning.better.{way}"),
                better_name=message(f"monitor.lightning.better.{watched_way}"),
            )
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside(NOT_USER_CODE))


def missing_metric_text(
    monitor: Monitor,
    keys: Collection[str],
    names: Callable[[Collection[str]], dict[str, str]],
    *,
    own_monitor: bool = True,
) -> str:
    """The warning's text for the watched metric never logged: the ``keys`` the module logged
    and, for one that looks like a slip of it, "did you mean" with that key, as the Monitor
    offers it (its own :meth:`~nngraph.monitor._watched.MetricWatching._close_name`, on the
    names it was given; ``names`` maps Lightning's keys to them). A logged validation metric
    better the same way (a loss under another name) is offered to be mapped to it; else one
    better the other way (an accuracy, for ``val_loss``) is offered to be watched itself, with
    the fix for the callback's own monitor (``own_monitor``) or for one given: mapped to the
    watched name, it would keep the worst epoch (see :func:`watch_instead`).

        >>> mon = Monitor(display=False); mon.log(1, loss=0.9, val_los=0.8)
        >>> same = lambda keys: {key: key for key in keys}  # Lightning's names, the monitor's
        >>> print(missing_metric_text(mon, ["loss", "val_los"], same))  # doctest: +ELLIPSIS
        NNGraphCallback: the watched metric 'val_loss' was never logged ... did you mean 'val_los'?...
        >>> print(missing_metric_text(mon, ["loss", "val_acc"], same))  # doctest: +ELLIPSIS
        NNGraphCallback: ... Choose the best weights by it, NNGraphCallback(metric='val_acc'), or...
        >>> print(missing_metric_text(mon, ["val_mse", "val_acc"], same))  # doctest: +ELLIPSIS
        NNGraphCallback: ... 'val_mse' is logged, and for it too lower is better: map it to...
    """
    metric = monitor.metric
    logged = ", ".join(keys) or "-"
    named = names(keys)
    close = monitor._close_name(metric)
    key = next((k for k, name in named.items() if name == close), "") if close else ""
    if key:
        return message("monitor.lightning.metric_close", metric=metric, logged=logged, close=key)
    instead = watch_instead(monitor, named.values())
    if instead is None:
        return message("monitor.lightning.metric_missing", metric=metric, logged=logged)
    name, way = instead
    fix = "NNGraphCallback" if own_monitor else "ng.Monitor"
    if way is None:  # its name does not say: the mode given says it
        return message(
            "monitor.lightning.metric_which_way",
            metric=metric,
            logged=logged,
            name=name,
            fix_max=f"{fix}(metric={name!r}, mode='max')",
            fix_min=f"{fix}(metric={name!r}, mode='min')",
        )
    better = message(f"monitor.lightning.better.{way}")
    if way == monitor.mode:  # mapped to the watched name as the module logs it
        key = next(k for k, shown in named.items() if shown == name)
        return message(
            "monitor.lightning.metric_same_way",
            metric=metric,
            logged=logged,
            key=key,
            better=better,
        )
    return message(
        "monitor.lightning.metric_other_way",
        metric=metric,
        logged=logged,
        name=name,
        better=better,
        fix=f"{fix}(metric={name!r})",
    )


def watch_instead(
    monitor: Monitor, names: Iterable[str]
) -> tuple[str, Literal["min", "max"] | None] | None:
    """A logged validation metric (one of the monitor's ``names``) to choose the best weights
    by, the monitor's metric never logged, with the way it is better: the first whose name says
    it is better the same way (``"min"``: a loss under another name, ``val_mse``, to map to a
    watched ``val_loss``), else the first better the other way (``"max"`` for an accuracy when a
    loss is watched: mapping it would keep its worst epoch), else the first whose name says
    neither (``None``: ``val_poprawnosc`` may be either). ``None`` when none is logged.

        >>> mon = Monitor(display=False)
        >>> watch_instead(mon, ["loss", "val_acc", "val_mse"]), watch_instead(mon, ["val_acc"])
        (('val_mse', 'min'), ('val_acc', 'max'))
        >>> watch_instead(mon, ["val_poprawnosc"]), watch_instead(mon, ["loss"])
        (('val_poprawnosc', None), None)
        >>> acc = Monitor(metric="val_acc", display=False)  # no other score offered as it
        >>> watch_instead(acc, ["val_top5", "val_loss"])
        ('val_loss', 'min')
        >>> print(watch_instead(Monitor(metric="loss", display=False), ["val_loss"]))
        None
    """
    logged = [name for name in names if is_validation(name) and name != monitor.metric]
    known = [(name, resolve_mode("auto", name)) for name in logged if mode_known(name)]
    # a loss under another name only for a validation loss watched: offered for `loss`, the
    # validation loss would become the training loss; for `val_acc`, `val_top5` another score
    renamed = is_validation(monitor.metric) and monitor.mode == "min"
    for way_first in (True, False) if renamed else (False,):  # the same way first
        for name, way in known:
            if (way == monitor.mode) is way_first:
                return name, way
    unknown = next((name for name in logged if not mode_known(name)), None)
    return None if unknown is None else (unknown, None)


def stop_metric_warning(
    monitor: Monitor,
    early_stoppings: Iterable[Any],
    *,
    stop: bool,
    names: Callable[[Collection[str]], dict[str, str]],
    own_monitor: bool,
    keys: Collection[str] = (),
    restore: bool = True,
) -> str | None:
    """The warning's text when what stops training watches another metric than the one the
    best weights are chosen by (see :func:`stop_metric_mismatch`; only where they are put back,
    ``restore``), with the fix for the callback's own monitor (``own_monitor``) or for one
    given; or when Lightning's ``EarlyStopping`` watches a training metric (``train_acc``)
    where the monitor watches a validation one: a slip, whose fix is to stop on that one
    (Lightning's key for it among the ``keys`` logged, and the monitor's mode). ``None`` when
    all agree."""
    for es in early_stoppings:
        key = getattr(es, "monitor", None)
        if isinstance(key, str) and named_as_training(key) and is_validation(monitor.metric):
            own = next((k for k in keys if names([k]).get(k) == monitor.metric), monitor.metric)
            return message(
                "monitor.lightning.stop_on_training",
                stopper=f"EarlyStopping(monitor={key!r})",
                watched=names([key]).get(key, key),
                fix=f"EarlyStopping(monitor={own!r}, mode={monitor.mode!r})",
            )
    found = stop_metric_mismatch(monitor, early_stoppings, stop=stop, names=names)
    if found is None or not restore:
        return None
    stopper, watched = found
    fix = "NNGraphCallback" if own_monitor else "ng.Monitor"
    return message(
        "monitor.lightning.stop_metric",
        stopper=stopper,
        watched=watched,
        metric=monitor.metric,
        fix=f"{fix}(metric={watched!r})",
    )


def stop_metric_mismatch(
    monitor: Monitor,
    early_stoppings: Iterable[Any],
    *,
    stop: bool,
    names: Callable[[Collection[str]], dict[str, str]],
) -> tuple[str, str] | None:
    """``(who stops, the metric it watches)`` for the first stopping detector (``stop``: the
    callback lets them stop training) or Lightning ``EarlyStopping`` that watches another
    metric than ``monitor.metric``, by which the best weights are chosen; ``None`` if none
    does. ``names`` gives the monitor's name of Lightning's keys (an ``EarlyStopping``'s
    ``monitor``). ``Divergence`` stops on a loss that blows up, not at a best: it is left out.

        >>> from nngraph.monitor import detectors
        >>> mon = Monitor(detectors=[detectors.Patience(5, metric="val_acc")], display=False)
        >>> stop_metric_mismatch(mon, [], stop=True, names=dict.fromkeys)
        ("Patience(5, mode='max', metric='val_acc')", 'val_acc')
    """
    for det in monitor.detectors:
        if stop and det.stop and not isinstance(det, Divergence) and det.metric != monitor.metric:
            return det.name, det.metric
    for es in early_stoppings:
        key = getattr(es, "monitor", None)
        if not isinstance(key, str):
            continue
        name = names([key]).get(key, key)
        if name != monitor.metric:
            return f"EarlyStopping(monitor={key!r})", name
    return None
