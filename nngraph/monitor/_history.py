"""Bounded-memory history of one metric: (step, value) points that never outgrow a fixed size.

A run may log millions of points; a plot needs a few thousand. A :class:`Series` keeps every point
until it is full; from then on it *thins the whole run evenly*: the ``log()`` calls are cut in
buckets of ``stride`` consecutive calls, from the first call on, and each bucket keeps only its
lowest and highest point (in step order). Each time the series is full, the points logged since
the last time are thinned so, all but the newest ``keep_last``; when the thinned points then fill
more than 3/4 of their room, the stride doubles: neighbouring buckets merge in pairs, keeping the
lowest and highest point of the two, which halves the whole thinned part at once. So, however
long the run:

- every stretch of the run keeps the same share of its points, the start as much as the rest:
  each bucket in which the metric was logged keeps one point, two where its values differ; only
  the points logged since the last compaction are denser (all kept),
- the global minimum and maximum of the whole run are always kept,
- the last ``keep_last`` points are kept exactly,
- memory stays at ``capacity`` points (two float64 arrays, the number of the ``log()`` call
  each point came from, so that rows logged at a repeated step stay apart, and its epoch),
- ``append`` costs O(1) amortised: a compaction reads the points logged since the last one (and
  the whole series when the stride doubles) and leaves at least a quarter of the room free,
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
    >>> s.stride, s.steps[:4].tolist()  # a bucket of 64 calls: its lowest and its highest point
    (64, [0.0, 62.0, 99.0, 100.0])
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
    return _group_extremes(values, np.arange(0, len(values), size))


def _group_extremes(values: FloatArray, starts: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """As :func:`_bucket_extremes`, for groups of any length: ``starts`` are the indices where
    the groups begin (the first 0, increasing).

        >>> _group_extremes(np.array([3.0, 1.0, 2.0, 5.0, 4.0, 6.0]), np.array([0, 1, 5])).tolist()
        [0, 1, 3, 5]
    """
    nan = np.isnan(values)
    has_nan = bool(nan.any())
    sizes = np.diff(starts, append=len(values))
    low = np.where(nan, np.inf, values) if has_nan else values
    high = np.where(nan, -np.inf, values) if has_nan else values
    lo = _first_in_group(low == np.repeat(np.minimum.reduceat(low, starts), sizes), starts)
    hi = _first_in_group(high == np.repeat(np.maximum.reduceat(high, starts), sizes), starts)
    first_nan = lo
    if has_nan:
        nan_at = np.flatnonzero(nan)
        first_nan = nan_at[np.minimum(np.searchsorted(nan_at, starts), len(nan_at) - 1)]
        group_end = starts + sizes
        first_nan = np.where((first_nan >= starts) & (first_nan < group_end), first_nan, lo)
    idx = np.sort(np.stack([lo, hi, first_nan], axis=1), axis=1)
    # a point that is two of them (the group's lowest and highest) is kept once
    keep = np.ones(idx.shape, dtype=bool)
    keep[:, 1:] = idx[:, 1:] != idx[:, :-1]
    return idx[keep]


def _first_in_group(
    hit: npt.NDArray[np.bool_], starts: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    """Per group (``starts`` as for :func:`_group_extremes`), the index of its first ``hit``:
    every group must hold one."""
    at = np.flatnonzero(hit)
    return at[np.searchsorted(at, starts)]


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
    """The history of one metric, at most ``capacity`` points, thinned in place when full (see
    the module's docstring). ``stride``: how many consecutive calls (the ``call`` numbers given
    to :meth:`append`, by default each point's own number) a bucket of the thinned part spans.

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
        "_thinned",
        "_values",
        "count",
        "epoch_repeated",
        "keep_last",
        "max_value",
        "min_value",
        "stride",
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
        self.stride = 1  # 1: nothing thinned yet
        self._thinned = 0  # the first points, thinned to one bucket every `stride` calls
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
        ``epoch``); thins the run first when the series is full."""
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
        """Thin the points logged since the last compaction, all but the newest ``keep_last``,
        to each bucket's lowest and highest point; if the thinned part then fills more than 3/4
        of its room, double the stride (merge the buckets in pairs) until it does not. At least
        a quarter of the room is free afterwards, so the next compaction comes that many
        appends later."""
        room = self.capacity - self.keep_last
        begin = 0
        if self._thinned:  # from the last bucket thinned: the new points may fill it further
            last_bucket = self._calls[self._thinned - 1] // self.stride
            begin = int(np.searchsorted(self._calls[: self._thinned], last_bucket * self.stride))
        while True:
            self._thin(begin, self._n - self.keep_last)
            self._thinned = self._n - self.keep_last
            if self._thinned <= room * 3 // 4:
                return
            self.stride *= 2
            begin = 0

    def _thin(self, begin: int, end: int) -> None:
        """Keep, of the points from ``begin`` to ``end``, each bucket's lowest and highest point
        (and first NaN); the points after ``end`` move up behind them."""
        buckets = self._calls[begin:end] // self.stride
        starts = np.flatnonzero(np.diff(buckets, prepend=buckets[0] - 1))
        idx = begin + _group_extremes(self._values[begin:end], starts)
        kept = begin + len(idx)
        tail = self._n - end
        for column in (self._steps, self._values, self._calls, self._epochs):
            column[begin:kept] = column[idx]
            column[kept : kept + tail] = column[end : self._n]
        self._n = kept + tail

    def downsample(self, max_points: int, *, keep_last: int = 50) -> tuple[FloatArray, FloatArray]:
        """At most ``max_points`` (steps, values) for a plot (copies)."""
        return minmax_downsample(self.steps, self.values, max_points, keep_last=keep_last)
