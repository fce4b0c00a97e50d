"""The metrics of one run at the step where another metric than its monitor's own was best, as
:attr:`Monitor.best.metrics <nngraph.monitor.Monitor.best>` holds them for its own: every metric
logged at that step and, for a validation metric, each training metric's mean over the calls
paired with it. Read exactly, however compacted the history is: from its kept points while
nothing was dropped, else from each metric's epochs
(:meth:`~nngraph.monitor._history.Series.epoch_rows`); from the kept points, as well as they
go, only where neither says which calls a mean covers (more epochs than a record keeps apart,
an evaluation half-way through a run of training calls in one epoch).

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False, max_points=16)
    >>> step = 0
    >>> for epoch in range(1, 41):
    ...     for batch in range(1, 4):
    ...         step += 1; mon.log(step, loss=epoch + batch / 10)
    ...     mon.log(step, val_loss=1 / epoch, val_acc=1 - abs(epoch - 7) / 40)
    >>> i = int(mon.series["val_acc"].values.argmax()); len(mon.series["loss"]) <= 16
    True
    >>> {name: round(value, 6) for name, value in row_at(mon, "val_acc", i).items()}
    {'loss': 7.2, 'val_loss': 0.142857, 'val_acc': 1.0}
"""

from __future__ import annotations

import math
from itertools import groupby
from typing import Any, NamedTuple

import numpy as np

from nngraph.monitor._epoch_record import EpochRow
from nngraph.monitor._history import Series
from nngraph.monitor._names import is_validation

__all__ = ["row_at"]


class _Piece(NamedTuple):
    """Points of a metric: one point (``points`` 1: its call, step and value), or the points of
    an epoch between its first and its last (calls somewhere from ``first_call`` to
    ``last_call``, step unknown, ``value`` their sum)."""

    first_call: int
    last_call: int
    step: float
    value: float
    points: int
    epoch: int
    row: int  # the epoch (or kept point) it is part of
    part: int  # its place in that row: 0, 1, 2
    parts: int  # the pieces that row has
    whole: float  # the row's sum of values, in the order logged
    rest: float  # the same without its first value

    @property
    def between(self) -> bool:
        """The points between an epoch's first and last: their calls and steps not known."""
        return self.parts == 3 and self.part == 1


class _Unknown:
    """Which calls a mean covers is not known from these pieces."""


UNKNOWN = _Unknown()


def _kept(series: Series) -> list[_Piece]:
    """The kept points, one piece each (every point, while the series was never compacted)."""
    return [
        _Piece(call, call, step, value, 1, epoch, i, 0, 1, value, 0.0)
        for i, (call, step, epoch, value) in enumerate(series.points())
    ]


def _exact(series: Series, rows: list[EpochRow] | None) -> list[_Piece] | None:
    """Every point of the series, as pieces: its kept points while none was dropped, else its
    epochs' (``rows``: see :meth:`Series.epoch_rows`) first points, the points between, and
    last points; ``None`` when neither holds every point."""
    if not series.compacted:
        return _kept(series)
    if rows is None:
        return None
    pieces: list[_Piece] = []
    for i, r in enumerate(rows):
        parts = min(r.points, 3)
        first = _Piece(
            first_call=r.first_call,
            last_call=r.first_call,
            step=r.first_step,
            value=r.first_value,
            points=1,
            epoch=r.epoch,
            row=i,
            part=0,
            parts=parts,
            whole=r.total,
            rest=r.rest,
        )
        last = first._replace(
            first_call=r.last_call,
            last_call=r.last_call,
            step=r.last_step,
            value=r.last_value,
            part=parts - 1,
        )
        between = first._replace(
            first_call=r.first_call + 1,
            last_call=r.last_call - 1,
            step=math.nan,
            value=r.rest - r.last_value,
            points=r.points - 2,
            part=1,
        )
        if r.points == 1:
            pieces.append(first)
        else:
            pieces += [first, last] if r.points == 2 else [first, between, last]
    return pieces


def _point_at(series: Series, step: float, rows: list[EpochRow] | None) -> tuple[int, float] | None:
    """The (call, value) of the last point logged at ``step`` (among the kept points and the
    first and last of each epoch, ``rows``), ``None`` for none."""
    at = np.flatnonzero(series.steps == step)
    found = [(int(series.calls[at[-1]]), float(series.values[at[-1]]))] if at.size else []
    for r in rows or []:
        found += [(r.first_call, r.first_value)] if r.first_step == step else []
        found += [(r.last_call, r.last_value)] if r.last_step == step else []
    return max(found, default=None)


def _previous(pieces: list[_Piece], call: int) -> _Piece | _Unknown | None:
    """The point logged before the one of ``call`` (``None``: it is the first)."""
    j = next((j for j, p in enumerate(pieces) if not p.between and p.first_call == call), None)
    if j is None or (j and pieces[j - 1].between):
        return UNKNOWN
    return pieces[j - 1] if j else None


def _paired_mean(
    pieces: list[_Piece], previous: _Piece | None, evaluated: int, last_call: int
) -> float | _Unknown | None:
    """A training metric's mean paired with the evaluation logged in call ``evaluated``, its row
    ending at call ``last_call``, the evaluation before it ``previous``: the values since that
    one, of the last epoch among them (as ``Monitor.best.metrics`` holds it, see
    :class:`~nngraph.monitor._train_means.TrainingMeans`); ``None`` where none was logged."""
    after = -1 if previous is None else previous.last_call
    since = []
    for p in pieces:
        if p.last_call <= after or p.first_call > last_call:
            continue
        if p.first_call <= after or p.last_call > last_call:
            return UNKNOWN  # an evaluation among the points of one piece
        since.append(p)
    if previous is not None and since:
        if since[0].between:
            return UNKNOWN  # the step of the first point since is not known
        if since[0].step == previous.step:
            since = since[1:]  # logged after the evaluation before, in its row: that one's
    if not since:
        return None
    last = since[-1]
    chosen = [p for p in since if p.epoch == last.epoch]
    joined = not last.between and last.first_call > evaluated  # logged after it, in its row
    if joined and len(since) > 1 and since[-2].epoch != last.epoch:
        before = [p for p in since[:-1] if p.epoch == since[-2].epoch]
        if sum(p.points for p in before) > 1:  # per-batch values, then the next epoch's first
            chosen = [*before, last]
    return _sum(chosen) / sum(p.points for p in chosen)


def _sum(pieces: list[_Piece]) -> float:
    """The pieces' values summed in the order logged (a whole epoch by its own sum)."""
    total = 0.0
    for _, group in groupby(pieces, key=lambda p: p.row):
        parts = list(group)
        if len(parts) == parts[0].parts and parts[0].part == 0:
            total += parts[0].whole
        elif len(parts) == parts[-1].parts - 1 and parts[0].part == 1:
            total += parts[0].rest
        else:
            for p in parts:
                total += p.value
    return total


def row_at(mon: Any, metric: str, index: int) -> dict[str, float]:
    """The metrics of ``mon``'s run at the kept point ``index`` of ``metric`` (its best): every
    metric logged at its step and, for a validation ``metric``, each training metric's mean
    paired with it (see :func:`_paired_mean`), ``metric`` itself last."""
    series = mon.series[metric]
    step, call = float(series.steps[index]), int(series.calls[index])
    exact = _exact(series, _rows(series))
    previous = UNKNOWN if exact is None else _previous(exact, call)
    if isinstance(previous, _Unknown):
        previous = _kept(series)[index - 1] if index else None
    metrics: dict[str, float] = {}
    for name, other in mon.series.items():
        rows = _rows(other)
        at = _point_at(other, step, rows)
        if at is not None:
            metrics[name] = at[1]
        if is_validation(metric) and not is_validation(name):  # as Monitor.best has it
            last_call = at[0] if at is not None else call
            pieces = _exact(other, rows)
            mean = UNKNOWN if pieces is None else _paired_mean(pieces, previous, call, last_call)
            if isinstance(mean, _Unknown):  # from the kept points, as well as they go
                mean = _paired_mean(_kept(other), previous, call, last_call)
            if isinstance(mean, float):
                metrics[name] = mean
    metrics[metric] = float(series.values[index])
    return metrics


def _rows(series: Series) -> list[EpochRow] | None:
    """The epochs of a compacted series (see :meth:`Series.epoch_rows`), else ``None``: its
    kept points are every point."""
    return series.epoch_rows() if series.compacted else None
