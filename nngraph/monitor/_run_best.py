"""Where each run of a comparison (:class:`~nngraph.monitor._runs.Runs`) was best: the name the
run logs a metric under, the log line where that metric was best, each run's row of the
table and the runs that win.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from nngraph.monitor._best import Best
from nngraph.monitor._history import Series
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._names import training_base, validation_base
from nngraph.monitor._run_row import row_at
from nngraph.monitor._watched import SPELLINGS, validation_key

__all__ = [
    "best_of",
    "best_rows",
    "best_runs",
    "column_key",
    "metric_of",
    "same_columns",
    "tied_for_best",
]

#: Best values this close (relatively) tie: float32 rounding, as 13 / 15 in float32 and float64.
TIE = 1e-6


def metric_of(mon: Monitor, metric: str) -> str:
    """The name ``mon``'s run logs ``metric`` under: ``metric`` itself if logged; for a
    validation metric logged under another prefix (``valid_loss``, ``val/loss`` for
    ``val_loss``), that name (the monitor's own metric first); for a training metric, under
    another training prefix or none (``train_loss`` for ``loss``); else ``metric``.

        >>> mon = Monitor(display=False); mon.log(1, **{"val/loss": 0.5, "val/acc": 0.8})
        >>> metric_of(mon, "val_loss"), metric_of(mon, "valid_acc"), metric_of(mon, "loss")
        ('val/loss', 'val/acc', 'loss')
        >>> mon.log(2, train_loss=0.4); metric_of(mon, "loss"), metric_of(mon, "training/loss")
        ('train_loss', 'train_loss')
    """
    if metric in mon.series:
        return metric
    base = validation_key(metric)
    if base is None:  # a training metric: loss, train_loss, train/loss are one
        base = _training_base(metric)
        return next((name for name in mon.series if _training_base(name) == base), metric)
    if validation_key(mon.metric) == base and mon.metric in mon.series:
        return mon.metric
    return next((name for name in mon.series if validation_key(name) == base), metric)


def column_key(name: str) -> tuple[bool, str]:
    """One key for every name of a metric (its column in the table): ``val_acc``,
    ``valid_acc`` and ``val/acc`` share one, and so do ``loss``, ``train_loss`` and
    ``train/loss``.

        >>> column_key("val/acc") == column_key("valid_acc"), column_key("train_loss")
        (True, (False, 'loss'))
    """
    base = validation_key(name)
    return (True, base) if base is not None else (False, _training_base(name) or name)


def same_columns(
    metrics: dict[str, float], own: str, metric: str, columns: dict[tuple[bool, str], str]
) -> dict[str, float]:
    """A run's ``metrics`` under the comparison's column names: ``own`` (the compared metric as
    this run logs it) as ``metric``, every other one under the name the first run logged it
    with; ``columns`` remembers those names from run to run. A run that logs one metric under
    two names (``loss`` and ``train_loss``) keeps both.

        >>> columns = {}
        >>> same_columns({"val_loss": 0.5, "val_acc": 0.8}, "val_loss", "val_loss", columns)
        {'val_loss': 0.5, 'val_acc': 0.8}
        >>> same_columns({"val/loss": 0.4, "val/acc": 0.9}, "val/loss", "val_loss", columns)
        {'val_loss': 0.4, 'val_acc': 0.9}
    """
    columns.setdefault(column_key(metric), metric)
    for name in metrics:
        columns.setdefault(column_key(name), name)
    out = {metric: metrics[own]} if own in metrics else {}
    # the names that are their column's name first, so that an alias never takes their place
    rest = sorted((k for k in metrics if k != own), key=lambda k: columns[column_key(k)] != k)
    for name in rest:
        column = columns[column_key(name)]
        out[name if column in out else column] = metrics[name]
    return out


def _training_base(name: str) -> str | None:
    """``loss`` for ``loss``, ``train_loss`` or ``train/loss`` (``acc`` for ``accuracy`` too);
    None for a validation metric."""
    if validation_base(name) is not None:
        return None
    base = training_base(name) or name
    return SPELLINGS.get(base, base)


def best_of(mon: Monitor, metric: str, mode: Literal["min", "max"]) -> Best | None:
    """The log line where ``metric`` was best in ``mon``'s run (lowest for ``"min"``, highest for
    ``"max"``; NaN and infinities never count), ``None`` if it was never logged finite.

    The monitor's own :attr:`~Monitor.best` when it tracks the same metric and mode; otherwise
    the best point of that metric's history (its extremes are never compacted away), with
    every metric logged at the same step and, for a validation metric, each training metric's
    mean paired with it (as :attr:`Monitor.best` has it), also when logged in calls of its
    own: exact, also once the history is compacted (see :func:`row_at`).
    Its ``epoch`` is then the epoch that point was logged in (the user's ``epoch=`` number, if
    given; in a run that never validated, each step logged is an epoch, as :attr:`Monitor.epoch`
    counts them) when the metric was logged at most once per epoch, else 0.

        >>> mon = Monitor(display=False)  # its best is by val_loss
        >>> for epoch, (loss, acc) in enumerate([(0.5, 0.7), (0.4, 0.9), (0.3, 0.8)], start=1):
        ...     mon.log(epoch, val_loss=loss, val_acc=acc)
        >>> best = best_of(mon, "val_acc", "max")
        >>> best.epoch, best.value, best.metrics
        (2, 0.9, {'val_loss': 0.4, 'val_acc': 0.9})
    """
    if metric == mon.metric and mode == mon.mode:
        return mon.best
    series = mon.series.get(metric)
    i = None if series is None else _best_index(series, mode)
    if series is None or i is None:
        return None
    values = series.values
    step = float(series.steps[i])
    metrics = row_at(mon, metric, i)  # exact, however compacted the history is
    # the epochs as shown (the user's epoch= numbers, if given), kept with each point, also
    # once the history is compacted; counted epochs name a log line only when there is one per
    # epoch (0: not known)
    epochs, known = series.epochs, mon.epochs_given or not series.epoch_repeated
    if not (mon.epochs_given or mon._evals):  # never validated: each step logged is an epoch
        known = True
    return Best(step, int(epochs[i]) if known else 0, metric, float(values[i]), metrics)


def _best_index(series: Series, mode: Literal["min", "max"]) -> int | None:
    """The index of the best kept point (the first of them; the extremes are never compacted
    away), ``None`` when no value is finite."""
    values = series.values
    finite = np.isfinite(values)
    if not finite.any():
        return None
    if mode == "min":
        return int(np.argmin(np.where(finite, values, np.inf)))
    return int(np.argmax(np.where(finite, values, -np.inf)))


def _best_value(mon: Monitor, metric: str, mode: Literal["min", "max"]) -> float | None:
    """:func:`best_of`'s value alone, without reading the metrics of its row."""
    if metric == mon.metric and mode == mon.mode:
        return None if mon.best is None else mon.best.value
    series = mon.series.get(metric)
    i = None if series is None else _best_index(series, mode)
    return None if series is None or i is None else float(series.values[i])


def tied_for_best(scored: list[tuple[str, float]], mode: Literal["min", "max"]) -> list[str]:
    """The names of ``scored`` (name, best value) with the best value (lowest for ``"min"``),
    in their order: several when they tie, up to :data:`TIE`; ``[]`` for none.

        >>> tied_for_best([("a", 0.8), ("b", 13 / 15), ("c", 0.8666667)], "max")
        ['b', 'c']
    """
    if not scored:
        return []
    pick = min if mode == "min" else max
    top = pick(value for _, value in scored)
    return [name for name, value in scored if math.isclose(value, top, rel_tol=TIE)]


def best_rows(
    monitors: Mapping[str, Monitor], metric: str, mode: Literal["min", "max"]
) -> list[dict[str, Any]]:
    """:meth:`Runs.rows() <nngraph.monitor.Runs.rows>`: one dict per run with its epochs, the
    epoch where ``metric`` was best (by ``mode``), the metrics there under shared column names
    (see :func:`same_columns`) and the stop.

        >>> mon = Monitor(display=False); mon.log(1, loss=0.9, val_loss=0.5)
        >>> best_rows({"a": mon}, "val_loss", "min")[0]["best"]
        {'val_loss': 0.5, 'loss': 0.9}
    """
    out = []
    columns: dict[tuple[bool, str], str] = {}
    for name, mon in monitors.items():
        own = metric_of(mon, metric)
        best = best_of(mon, own, mode)
        metrics = {} if best is None else same_columns(best.metrics, own, metric, columns)
        mon._results_read(tells_events=True)  # an epoch held back for its training value
        stop = mon.stop_event
        out.append(
            {
                "run": name,
                "epochs": mon.epoch_count,
                "best_epoch": None
                if best is None or not (best.epoch or mon.epochs_given)
                else best.epoch,
                "best": metrics,
                "stop": None if stop is None else {"detector": stop.detector, "epoch": stop.epoch},
            }
        )
    return out


def best_runs(
    monitors: Mapping[str, Monitor], metric: str, mode: Literal["min", "max"]
) -> list[str]:
    """:meth:`Runs.winners() <nngraph.monitor.Runs.winners>`: the names of the runs with the
    best ``metric`` (several when they tie, see :func:`tied_for_best`; ``[]`` before any run
    logged it).

        >>> a, b = Monitor(display=False), Monitor(display=False)
        >>> a.log(1, val_loss=0.5); b.log(1, val_loss=0.4)
        >>> best_runs({"a": a, "b": b}, "val_loss", "min")
        ['b']
    """
    scored = []
    for name, mon in monitors.items():
        value = _best_value(mon, metric_of(mon, metric), mode)
        if value is not None:
            scored.append((name, value))
    return tied_for_best(scored, mode)
