"""Which metric a :class:`~nngraph.monitor.Runs` compares its runs by when not told
(:func:`compared_metric`), the lines under its table that say why it is that one, or why
a run has no place in the ranking (:func:`table_notes`), and the warning that its name does
not say which way is better (:func:`warn_unknown_mode`).

Runs that log a validation accuracy but no validation loss are ranked by that accuracy, the
highest first, not by their training loss (on which a model that memorises wins):

    >>> from nngraph.monitor import Monitor
    >>> small, big = Monitor(display=False), Monitor(display=False)
    >>> for epoch in range(1, 6):
    ...     small.log(epoch, loss=0.6 - 0.05 * epoch, val_acc=0.70 + 0.04 * epoch)
    ...     big.log(epoch, loss=0.5 - 0.09 * epoch, val_acc=0.80 - 0.02 * epoch)
    >>> runs = {"small": small, "big": big}
    >>> compared_metric(list(runs.values()))
    'val_acc'
    >>> table_notes(runs, "val_acc", given=False)
    ['compared by val_acc: no run logged val_loss, the metric their monitors watch']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Literal

from nngraph._oneline import one_line
from nngraph.errors import stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._names import is_validation, mode_known, train_twin
from nngraph.monitor._run_best import column_key, metric_of
from nngraph.monitor._runs_table import _names

__all__ = ["compared_metric", "table_notes", "warn_unknown_mode"]


def compared_metric(monitors: list[Monitor]) -> str:
    """The metric runs are compared by when not told: the one their monitors watch, under
    the name the first run that logged it uses (``val_loss``, ``valid_loss``, ...); when no
    run logged it, the validation metric most runs logged (``val_acc``; the first one logged
    on a tie); without a validation metric, the training twin of the watched one (``loss``);
    ``val_loss`` before anything was logged."""
    for mon in monitors:
        if mon.metric in mon.series:
            return mon.metric
    logged = _validation_counts(monitors)
    if logged:
        return max(logged, key=lambda name: logged[name])  # the first of the most logged
    for mon in monitors:
        twin = train_twin(mon.metric, mon.series)
        if twin is not None:
            return twin
    return "val_loss"


def _validation_counts(monitors: Iterable[Monitor]) -> dict[str, int]:
    """Each validation metric logged (one name for each, as the first run that logged it calls
    it) and how many runs logged it, in the order they were first logged."""
    names: dict[tuple[bool, str], str] = {}
    counts: dict[str, int] = {}
    for mon in monitors:
        seen = set()
        for name in mon.series:
            key = column_key(name)
            if is_validation(name) and key not in seen:
                seen.add(key)
                first = names.setdefault(key, name)
                counts[first] = counts.get(first, 0) + 1
    return counts


def table_notes(
    monitors: Mapping[str, Monitor],
    metric: str,
    *,
    given: bool,
    mode: Literal["min", "max"] = "min",
) -> list[str]:
    """The lines under the table: the runs are compared by a validation metric their monitors
    do not watch (none logged that one), and the runs left out of the ranking although they
    logged metrics of its kind (a validation one, for a validation ``metric``): they never
    logged ``metric``; and a metric of that kind that they and the ranked runs all logged,
    which would rank them all, if there is one. ``given``: ``metric`` is the user's choice (no
    line says why it is the one). Then: a training ``metric`` logged batch by batch where no
    run validates (each run's best, by ``mode``, is one batch), and a validation ``metric``
    other than the one the monitors keep weights at (what ``restore_best()`` puts back).
    Where the monitors watch different metrics, a line says which run's is the one: the order
    of the runs decides it."""
    runs = list(monitors.values())
    lines = []
    ranked = {name for name, mon in monitors.items() if metric_of(mon, metric) in mon.series}
    watched = list(dict.fromkeys(mon.metric for mon in runs))
    if not given and ranked and all(column_key(name) != column_key(metric) for name in watched):
        lines.append(
            message("monitor.runs.table.by_logged", metric=metric, watched=", ".join(watched))
        )
    # the run whose own metric ranks them (as compared_metric chose), and another watched
    # metric some run logged, which would rank them otherwise
    run = next((n for n, mon in monitors.items() if _ranks_by_its_own(mon, metric)), None)
    logged_by = {
        name: sum(metric_of(mon, name) in mon.series for mon in runs)
        for name in watched
        if column_key(name) != column_key(metric)
    }
    if not given and ranked and run is not None and any(logged_by.values()):
        other = max(logged_by, key=lambda name: logged_by[name])  # the one most runs logged
        lines.append(
            message(
                "monitor.runs.table.watched_differ",
                metric=metric,
                watched=", ".join(watched),
                other=other,
                run=run,
            )
        )
    kind = is_validation(metric)
    missing = [
        name
        for name, mon in monitors.items()
        if name not in ranked and any(is_validation(logged) == kind for logged in mon.series)
    ]
    if ranked and missing:
        pool = [mon for name, mon in monitors.items() if name in ranked or name in missing]
        every = [
            name
            for name, count in _counts_of_kind(pool, kind).items()
            if count == len(pool) and column_key(name) != column_key(metric)
        ]
        key = "monitor.runs.table.not_ranked_common" if every else "monitor.runs.table.not_ranked"
        common = every[0] if every else ""
        lines.append(message(key, names=_names(missing), metric=metric, common=common))
    batches = [  # a training metric logged batch by batch: its best is one lucky batch
        name
        for name, mon in monitors.items()
        if name in ranked
        and (series := mon.series.get(metric_of(mon, metric))) is not None
        and series.epoch_repeated
    ]
    validated = any(is_validation(logged) for mon in runs for logged in mon.series)
    if not kind and batches and not validated:
        extreme = message(f"monitor.runs.table.extreme_{mode}")
        lines.append(message("monitor.runs.table.by_batches", metric=metric, extreme=extreme))
    kept = [  # weights kept at another best than the table's: restore_best() puts those back
        mon.metric
        for name, mon in monitors.items()
        if name in ranked
        and mon._model is not None
        and mon.best is not None
        and column_key(mon.metric) != column_key(metric)
    ]
    if kind and kept:
        watched_by = ", ".join(dict.fromkeys(kept))
        lines.append(message("monitor.runs.table.restores_other", metric=metric, kept=watched_by))
    return [one_line(line) for line in lines]


def _ranks_by_its_own(mon: Monitor, metric: str) -> bool:
    """Whether ``mon`` watches ``metric`` (by its column) and has logged it."""
    return column_key(mon.metric) == column_key(metric) and mon.metric in mon.series


def _counts_of_kind(monitors: list[Monitor], validation: bool) -> dict[str, int]:
    """:func:`_validation_counts`, or the same for the other metrics."""
    if validation:
        return _validation_counts(monitors)
    counts: dict[str, int] = {}
    for name in dict.fromkeys(n for mon in monitors for n in mon.series if not is_validation(n)):
        counts[name] = sum(metric_of(mon, name) in mon.series for mon in monitors)
    return counts


def warn_unknown_mode(monitors: Iterable[Monitor], metric: str) -> bool:
    """Warn, as a :class:`Monitor` warns of its own metric, that the name of ``metric`` does
    not say whether higher or lower is better (``val_poprawnosc``), so the runs are ranked by
    its lowest value: for runs compared with ``mode="auto"`` by a metric none of their
    monitors watches. Nothing is said for a name that says it (``val_acc``, ``val_mae``) or
    before a run logged ``metric``. Returns whether it warned.

        >>> import warnings
        >>> mon = Monitor(display=False); mon.log(1, loss=0.5, val_poprawnosc=0.6)
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warn_unknown_mode([mon], "val_poprawnosc"), warn_unknown_mode([mon], "val_acc")
        (True, False)
        >>> print(caught[0].message)  # doctest: +ELLIPSIS
        nngraph Runs: the name of metric 'val_poprawnosc' does not say whether higher or ...
    """
    if mode_known(metric) or not any(metric_of(mon, metric) in mon.series for mon in monitors):
        return False
    text = message("monitor.runs.warn.mode_unknown", metric=metric)
    warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
    return True
