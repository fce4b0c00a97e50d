"""Bounded-memory history of one metric: (step, value) points that never outgrow a fixed size.

A run may log millions of points; a plot needs a few thousand. When a :class:`Series` is full it
*compacts* its older part: consecutive points are grouped in buckets of four and each bucket keeps
only its lowest and highest point (in step order). The newest points are never compacted. So,
however long the run:

- the global minimum and maximum of the whole run are always kept,
- the last ``keep_last`` points are kept exactly,
- memory stays at ``capacity`` points (two float64 arrays, the number of the ``log()`` call
  each point came from, so that rows logged at a repeated step stay apart, and its epoch),
- each epoch's first and last point and the sum of its values are kept exactly besides
  (:class:`~nngraph.monitor._epoch_record.EpochRecord`, for up to ``EPOCH_LIMIT`` epochs or
  ``capacity // 4``, whichever is more): a comparison reads the best epoch's other metrics there.

The lowest and highest point of a bucket ignore NaN; a bucket that holds a NaN keeps one as well
(a third point), so a diverged step stays visible without hiding the bucket's extremes.

    >>> s = Series(capacity=64)
    >>> for i in range(1000):
    ...     s.append(i, float(i % 100))
    >>> len(s) <= 64, s.min_value, s.max_value, s.last
    (True, 0.0, 99.0, (999.0, 99.0))
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import numpy.typing as npt

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._epoch_record import EPOCH_LIMIT, EpochRecord, EpochRow
from nngraph.monitor._params import got_text, plain_integer

__all__ = [
    "MAX_POINTS",
    "MIN_POINTS",
    "Series",
    "check_max_points",
    "check_snapshot_points",
    "minmax_downsample",
]

FloatArray = npt.NDArray[np.float64]
MIN_POINTS = 16  # the smallest history a Series can compact
MAX_POINTS = 1_000_000  # the largest: a Series reserves 32 bytes a point when it is made


def check_max_points(value: object) -> int:
    """``value`` if it is a whole number from :data:`MIN_POINTS` to :data:`MAX_POINTS`, else
    NNGraphError.

    >>> check_max_points(10_000)
    10000
    >>> check_max_points(10**12)
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: max_points must be a whole number from 16 to 1000000 ...
    """
    value = plain_integer(value)  # torch.tensor(5000), np.int64(5000): as 5000
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or not MIN_POINTS <= int(value) <= MAX_POINTS
    ):
        raise NNGraphError(
            message("monitor.error.max_points", minimum=MIN_POINTS, maximum=MAX_POINTS, value=value)
        )
    return int(value)


def check_snapshot_points(value: object) -> int:
    """``value`` if it is a whole number of at least 1 (a ``snapshot()``'s ``max_points``), else
    NNGraphError."""
    value = plain_integer(value)
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        what = "snapshot() max_points"
        raise NNGraphError(message("monitor.error.positive_int", what=what, value=got_text(value)))
    return int(value)


def _bucket_extremes(values: FloatArray, size: int) -> npt.NDArray[np.intp]:
    """Indices (sorted) of the lowest and highest value in each bucket of ``size`` points, NaN
    ignored, and of the bucket's first NaN if it holds one: at most three points per bucket.

    ``len(values)`` must be a multiple of ``size``.

        >>> _bucket_extremes(np.array([0.5, 9.0, np.nan, 0.5, 1.0, 1.0, 1.0, 1.0]), 4).tolist()
        [0, 1, 2, 4]
    """
    buckets = values.reshape(-1, size)
    nan = np.isnan(buckets)
    lo = np.argmin(np.where(nan, np.inf, buckets), axis=1)
    hi = np.argmax(np.where(nan, -np.inf, buckets), axis=1)
    first_nan = np.where(nan.any(axis=1), np.argmax(nan, axis=1), lo)
    idx = np.sort(np.stack([lo, hi, first_nan], axis=1), axis=1)
    idx += (np.arange(buckets.shape[0]) * size)[:, None]
    # a point that is two of them (the bucket's lowest and highest) is kept once
    keep = np.ones(idx.shape, dtype=bool)
    keep[:, 1:] = idx[:, 1:] != idx[:, :-1]
    return idx[keep]


def minmax_downsample(
    steps: FloatArray, values: FloatArray, max_points: int, *, keep_last: int = 0
) -> tuple[FloatArray, FloatArray]:
    """Reduce a curve to at most ``max_points`` points, keeping every local extreme that matters.

    The last ``keep_last`` points are kept exactly; the rest is cut in equal buckets and each
    bucket keeps its lowest and highest point (NaN ignored) and a NaN if it holds one, so the
    global minimum and maximum always survive, and so does a diverged step.

        >>> import numpy as np
        >>> x = np.arange(10_000.0); y = np.sin(x / 500)
        >>> xs, ys = minmax_downsample(x, y, 200, keep_last=10)
        >>> len(xs) <= 200, bool(ys.min() == y.min()), bool(ys.max() == y.max()), float(xs[-1])
        (True, True, True, 9999.0)
    """
    n = len(values)
    if n <= max_points:
        return steps.copy(), values.copy()
    keep_last = max(0, min(keep_last, max_points // 2))
    per = 3 if np.isnan(values[: n - keep_last]).any() else 2  # points a bucket may keep
    keep_last = max(0, min(keep_last, max_points - per))  # room for one bucket
    head = n - keep_last
    buckets = max(1, (max_points - keep_last) // per - 1)  # -1: room for the partial last one
    size = max(1, math.ceil(head / buckets))
    full = (head // size) * size
    parts = [_bucket_extremes(values[:full], size)] if full else []
    if full < head:  # the partial bucket that does not fill `size` points
        parts.append(_bucket_extremes(values[full:head], head - full) + full)
    parts.append(np.arange(head, n, dtype=np.intp))
    idx = np.concatenate(parts)
    return steps[idx], values[idx]


class Series:
    """The history of one metric, at most ``capacity`` points, compacted in place when full.

    >>> s = Series(capacity=16)
    >>> s.append(1, 0.5); s.append(2, 0.25); s.append(2, 0.2, call=7)
    >>> s.steps.tolist(), s.values.tolist(), s.calls.tolist()
    ([1.0, 2.0, 2.0], [0.5, 0.25, 0.2], [1, 2, 7])
    """

    __slots__ = (
        "_calls",
        "_epochs",
        "_n",
        "_record",
        "_steps",
        "_values",
        "count",
        "epoch_repeated",
        "keep_last",
        "max_value",
        "min_value",
    )

    def __init__(self, capacity: int = 10_000, *, keep_last: int | None = None) -> None:
        if capacity < 16:
            raise ValueError(message("monitor.error.capacity", minimum=16))
        self._steps: FloatArray = np.empty(capacity, dtype=np.float64)
        self._values: FloatArray = np.empty(capacity, dtype=np.float64)
        self._calls: npt.NDArray[np.int64] = np.empty(capacity, dtype=np.int64)
        self._epochs: npt.NDArray[np.int64] = np.empty(capacity, dtype=np.int64)
        self._n = 0
        self.keep_last = capacity // 8 if keep_last is None else min(keep_last, capacity // 2)
        self.count = 0  # points ever appended
        self.epoch_repeated = False  # two points appended one after the other in one epoch
        self.min_value = math.inf  # over the whole run (NaN ignored)
        self.max_value = -math.inf
        self._record = EpochRecord(max(EPOCH_LIMIT, capacity // 4))

    @property
    def capacity(self) -> int:
        return int(self._values.shape[0])

    def __len__(self) -> int:
        return self._n

    @property
    def steps(self) -> FloatArray:
        """The kept steps (a read-only view)."""
        view = self._steps[: self._n]
        view.flags.writeable = False
        return view

    @property
    def values(self) -> FloatArray:
        """The kept values (a read-only view)."""
        view = self._values[: self._n]
        view.flags.writeable = False
        return view

    @property
    def calls(self) -> npt.NDArray[np.int64]:
        """The number of the call that logged each kept point (a read-only view)."""
        view = self._calls[: self._n]
        view.flags.writeable = False
        return view

    @property
    def epochs(self) -> npt.NDArray[np.int64]:
        """The epoch each kept point was logged in (0 if not given; a read-only view)."""
        view = self._epochs[: self._n]
        view.flags.writeable = False
        return view

    @property
    def compacted(self) -> bool:
        """Whether points were dropped: the kept ones are no longer every point logged."""
        return self.count > self._n

    def epoch_rows(self) -> list[EpochRow] | None:
        """Every epoch's first and last point and the sum of its values, exactly, however
        compacted the points are; ``None`` after more epochs than the record keeps apart.

            >>> s = Series(capacity=16)
            >>> for i in range(100): s.append(i, 0.5, epoch=1 + i // 10)
            >>> rows = s.epoch_rows(); s.compacted, len(rows), rows[-1].epoch, rows[-1].total
            (True, 10, 10, 5.0)
        """
        return self._record.rows() if self._record.exact else None

    def points(self) -> list[tuple[int, float, int, float]]:
        """The kept points as Python numbers, oldest first: (call, step, epoch, value).

        >>> s = Series(); s.append(3.0, 0.5, call=7, epoch=2); s.points()
        [(7, 3.0, 2, 0.5)]
        """
        columns = (
            self.calls.tolist(),
            self.steps.tolist(),
            self.epochs.tolist(),
            self.values.tolist(),
        )
        return list(zip(*columns, strict=True))

    @property
    def last(self) -> tuple[float, float] | None:
        """The newest (step, value), or None when empty."""
        if not self._n:
            return None
        return float(self._steps[self._n - 1]), float(self._values[self._n - 1])

    def restamp(self, epoch: int) -> None:
        """Put every point so far in ``epoch``: the calls before a run's first validation were
        its batches, not epochs.

            >>> s = Series(); s.append(1, 0.5, epoch=1); s.append(2, 0.4, epoch=2)
            >>> s.restamp(1); s.epochs.tolist(), s.epoch_repeated
            ([1, 1], True)
        """
        self._epochs[: self._n] = epoch
        self.epoch_repeated = self.epoch_repeated or self._n > 1
        self._record.restamp(epoch)

    def append(self, step: float, value: float, *, call: int | None = None, epoch: int = 0) -> None:
        """Add one point (from log() call number ``call``, default: the point's own number, in
        ``epoch``); compacts the older part first when the series is full."""
        if self._n and epoch == self._epochs[self._n - 1]:
            self.epoch_repeated = True
        if self._n == self.capacity:
            self._compact()
        self.count += 1
        self._record.add(step, value, self.count if call is None else call, epoch)
        self._steps[self._n] = step
        self._values[self._n] = value
        self._calls[self._n] = self.count if call is None else call
        self._epochs[self._n] = epoch
        self._n += 1
        if value < self.min_value:
            self.min_value = value
        if value > self.max_value:
            self.max_value = value

    def _compact(self) -> None:
        head = ((self._n - self.keep_last) // 4) * 4
        idx = _bucket_extremes(self._values[:head], 4)
        k = len(idx)
        tail = self._n - head
        self._steps[:k] = self._steps[idx]
        self._values[:k] = self._values[idx]
        self._calls[:k] = self._calls[idx]
        self._epochs[:k] = self._epochs[idx]
        self._steps[k : k + tail] = self._steps[head : self._n]
        self._values[k : k + tail] = self._values[head : self._n]
        self._calls[k : k + tail] = self._calls[head : self._n]
        self._epochs[k : k + tail] = self._epochs[head : self._n]
        self._n = k + tail

    def downsample(self, max_points: int, *, keep_last: int = 50) -> tuple[FloatArray, FloatArray]:
        """At most ``max_points`` (steps, values) for a plot (copies)."""
        return minmax_downsample(self.steps, self.values, max_points, keep_last=keep_last)
