"""Every epoch of one metric's history, exactly, however much its points are compacted.

A :class:`~nngraph.monitor._history.Series` keeps a bounded number of points: the extremes
survive compaction, the values around them do not. A comparison by another metric than the
monitor's own (``compare(metric="val_acc")``) needs the other metrics of the best epoch
exactly: the validation loss logged with it, the training loss's mean over its batches. An
:class:`EpochRecord` keeps one row per epoch (a run of points appended one after the other in
one epoch): its first and last point, and the sum and count of its values. Per-epoch data is
small; per-batch points are what compaction is for.

    >>> record = EpochRecord(limit=10)
    >>> for call, (epoch, value) in enumerate([(1, 0.5), (1, 0.25), (2, 0.75)], start=1):
    ...     record.add(call, value, call, epoch)
    >>> [(row.epoch, row.points, row.total, row.last_value) for row in record.rows()]
    [(1, 2, 0.75, 0.25), (2, 1, 0.75, 0.75)]

A run of more epochs than ``limit`` (a run that never validates counts each call as an epoch,
per batch) folds them into one row: the record is no longer exact (:attr:`EpochRecord.exact`),
until all its points are put in one epoch (:meth:`EpochRecord.restamp`), as at a run's first
validation.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = ["EPOCH_LIMIT", "EpochRecord", "EpochRow"]

#: The fewest epochs a record keeps exactly (more where the history itself keeps more points).
EPOCH_LIMIT = 10_000

# the columns of a closed row
_EPOCH, _FIRST_CALL, _FIRST_STEP, _FIRST_VALUE, _LAST_CALL, _LAST_STEP, _LAST_VALUE = range(7)
_TOTAL, _REST, _COUNT = 7, 8, 9
_COLUMNS = 10


class EpochRow(NamedTuple):
    """One epoch of a metric: its first and last point (call, step, value), the sum of its
    values in the order logged (``total``), that sum without the first value (``rest``), and
    how many there were (``points``)."""

    epoch: int
    first_call: int
    first_step: float
    first_value: float
    last_call: int
    last_step: float
    last_value: float
    total: float
    rest: float
    points: int


class EpochRecord:
    """The epochs of one metric, one :class:`EpochRow` each, at most ``limit`` of them kept
    apart (more fold into one row, and the record is no longer :attr:`exact`)."""

    __slots__ = (
        "_closed",
        "_count",
        "_epoch",
        "_first",
        "_last",
        "_n",
        "_rest",
        "_total",
        "exact",
        "limit",
    )

    def __init__(self, limit: int = EPOCH_LIMIT) -> None:
        self.limit = max(2, limit)
        self.exact = True  # False once more epochs than `limit` were folded into one row
        self._closed: npt.NDArray[np.float64] = np.empty((0, _COLUMNS), dtype=np.float64)
        self._n = 0  # closed rows
        # the open row, the current epoch's (count 0: none yet)
        self._epoch = 0
        self._first = (0, 0.0, 0.0)  # call, step, value
        self._last = (0, 0.0, 0.0)  # call, step, value
        self._total = self._rest = 0.0
        self._count = 0

    def add(self, step: float, value: float, call: int, epoch: int) -> None:
        """One point, appended after the others (as :meth:`Series.append` takes it)."""
        if epoch == self._epoch and self._count:  # the epoch goes on: the usual case, first
            self._last = (call, step, value)
            self._total += value  # summed in order, as the monitor's own means are
            self._rest += value
            self._count += 1
            return
        if self._count and self.exact:
            if self._n < self.limit:
                self._close()
            else:  # too many epochs: all of them one row from now on
                self._fold(epoch)
                self.exact = False
        if self._count:  # folded: one row whatever the epoch
            self._epoch = epoch
            self.add(step, value, call, epoch)
            return
        self._epoch = epoch
        self._first = self._last = (call, step, value)
        self._total, self._rest, self._count = 0.0 + value, 0.0, 1

    def _close(self) -> None:
        """The open row joins the closed ones; the next point opens another."""
        if self._n == len(self._closed):
            grown = np.empty((min(self.limit, max(16, 2 * self._n)), _COLUMNS), dtype=np.float64)
            grown[: self._n] = self._closed[: self._n]
            self._closed = grown
        self._closed[self._n] = self._open_row()
        self._n += 1
        self._count = 0

    def _open_row(self) -> list[float]:
        first_call, first_step, first_value = self._first
        last_call, last_step, last_value = self._last
        return [
            self._epoch,
            first_call,
            first_step,
            first_value,
            last_call,
            last_step,
            last_value,
            self._total,
            self._rest,
            self._count,
        ]

    def _fold(self, epoch: int) -> None:
        """Every row so far as one open row of ``epoch`` (its sums in the order logged)."""
        if self._n:
            rows = self._closed[: self._n].tolist()
            first = rows[0]
            self._first = (int(first[_FIRST_CALL]), first[_FIRST_STEP], first[_FIRST_VALUE])
            total, rest = first[_TOTAL], first[_REST]
            for row in rows[1:]:
                total += row[_TOTAL]
                rest += row[_TOTAL]
            self._total, self._rest = total + self._total, rest + self._total
            self._count += int(sum(row[_COUNT] for row in rows))
            self._closed = np.empty((0, _COLUMNS), dtype=np.float64)  # its memory back
            self._n = 0
        self._epoch = epoch

    def restamp(self, epoch: int) -> None:
        """Put every point so far in ``epoch`` (see :meth:`Series.restamp`): one row, exact
        again, whatever was folded before.

            >>> record = EpochRecord(limit=2)
            >>> for call in range(1, 6): record.add(call, 1.0, call, call)
            >>> record.exact, len(record.rows())
            (False, 1)
            >>> record.restamp(1); record.exact, record.rows()[0].points
            (True, 5)
        """
        if self._count:
            self._fold(epoch)
        self.exact = True

    def rows(self) -> list[EpochRow]:
        """Every epoch so far, oldest first (the current one last)."""
        table = self._closed[: self._n].tolist()
        if self._count:
            table.append(self._open_row())
        return [_row(values) for values in table]


def _row(values: list[float]) -> EpochRow:
    return EpochRow(
        epoch=int(values[_EPOCH]),
        first_call=int(values[_FIRST_CALL]),
        first_step=values[_FIRST_STEP],
        first_value=values[_FIRST_VALUE],
        last_call=int(values[_LAST_CALL]),
        last_step=values[_LAST_STEP],
        last_value=values[_LAST_VALUE],
        total=values[_TOTAL],
        rest=values[_REST],
        points=int(values[_COUNT]),
    )
