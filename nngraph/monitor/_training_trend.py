"""The training values a detector keeps from its best epoch on (:class:`TrainingTrend`), and
what it reads from them: how the training loss moved since the best epoch (a
:class:`~nngraph.monitor._trend.Trend`, :meth:`TrainingTrend.now`) and whether it is far above
its lowest value of the run (:meth:`TrainingTrend.far_above_low`).

    >>> trend = TrainingTrend()
    >>> for epoch, (train, best) in enumerate([(0.9, True), (0.5, True), (0.4, False)], 1):
    ...     trend.add(epoch, train, best=best)
    >>> t = trend.now()
    >>> t.before, t.recent, t.fell(scale=1.0), t.rose(scale=1.0), (t.start, t.count, t.recent_to)
    (0.5, 0.4, True, False, (2, 1, 3))
    >>> t.before_from, t.before_to  # `before` is the value at epoch 2, the best one
    (2, 2)
"""

from __future__ import annotations

import math
import statistics

from nngraph.monitor._pace import WINDOWS, pace_up_to_best
from nngraph.monitor._trend import MEMORISED, RISE, STEADY, UNSTABLE, WINDOW, Trend

__all__ = ["TrainingTrend"]


class TrainingTrend:
    """The training values from a detector's best epoch on. Its state is made of tuples, so a
    shallow copy (a detector judging an epoch again) is a full copy. ``spikes``: leave a
    loss's spikes out of ``before`` (see :mod:`~nngraph.monitor._trend`; not for an accuracy,
    which may well double after its best).

        >>> trend = TrainingTrend(spikes=True)
        >>> for epoch, train in enumerate([0.5, 0.34, 1.55, 0.355, 0.5, 0.52, 0.54], 1):
        ...     trend.add(epoch, train, best=epoch <= 2)
        >>> t = trend.now()  # the spike at epoch 3 is not part of `before`
        >>> round(t.before, 4), t.before_epochs, t.rose(scale=0.44)
        (0.3475, (2, 4), True)
    """

    def __init__(self, *, spikes: bool = False) -> None:
        self._spikes = spikes
        # (epoch shown, value): the first WINDOW values from the best epoch on, the latest
        # WINDOW + 1 after those, and how many there are in all
        self._head: tuple[tuple[int, float], ...] = ()
        self._tail: tuple[tuple[int, float], ...] = ()
        self._count = 0
        self._low: tuple[int, float] | None = None  # the lowest finite value of the run
        self._low_at_best: float | None = None  # ... up to the best epoch
        self._lately: tuple[float, ...] = ()  # the latest values, for the pace (see WINDOWS)
        self._up_to_best: tuple[float, ...] = ()  # those at the best epoch
        self._pace: tuple[float, bool, float] | None = None  # its pace, steadiness and noise
        self._at_best: tuple[int, float] | None = None  # the value logged at the best epoch

    def restarted(self) -> TrainingTrend:
        """The trend to go on with after a restart (a fresh optimizer, maybe from the best
        weights put back: a second fit): only the training value at the best epoch is kept,
        so the first evaluation after it is compared with that value as the first fit's
        evaluations were, and not with the values of the epochs trained since the best by
        the fit before (a rise from its low is the restart's, see
        :mod:`~nngraph.monitor._gl_reading`).

            >>> trend = TrainingTrend()
            >>> for epoch, (train, best) in enumerate([(0.9, True), (0.5, True), (0.2, False)], 1):
            ...     trend.add(epoch, train, best=best)
            >>> again = trend.restarted()
            >>> again.now() is None  # one value: nothing to compare yet
            True
            >>> again.add(4, 0.45, best=False); t = again.now(); (t.before, t.recent, t.start)
            (0.5, 0.45, 2)
        """
        fresh = TrainingTrend(spikes=self._spikes)
        if self._at_best is not None:
            fresh.add(*self._at_best, best=True)
        return fresh

    def add(self, shown: int, train: float | None, *, best: bool) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        whether it is a new best."""
        if best:
            self._head, self._tail, self._count = (), (), 0
            self._at_best = None if train is None else (shown, train)
        if train is not None:
            self._add(shown, train)
        if best:  # the values up to the best epoch, from before its head and tail
            self._up_to_best, self._pace = self._lately, None
            self._low_at_best = self._low[1] if self._low is not None else None

    def _add(self, shown: int, train: float) -> None:
        if math.isfinite(train) and (self._low is None or train < self._low[1]):
            self._low = (shown, train)
        self._lately = (*self._lately, train)[-WINDOWS[-1] :]
        if len(self._head) < WINDOW:
            self._head = (*self._head, (shown, train))
        else:
            self._tail = (*self._tail, (shown, train))[-(WINDOW + 1) :]
        self._count += 1

    @property
    def lately(self) -> tuple[float, ...]:
        """The latest training values, oldest first, whether or not they came after the best
        (up to ``_pace.WINDOWS[-1]`` of them)."""
        return self._lately

    def now(self) -> Trend | None:
        """The comparison, or None before two training values from a best on (the first one
        finite).

            >>> trend = TrainingTrend()
            >>> for epoch, train in enumerate([0.9, 0.7, 0.68, 0.68, 0.68, 0.68, 0.68], 1):
            ...     trend.add(epoch, train, best=epoch <= 2)
            >>> t = trend.now()  # flat since epoch 2, the best: not falling
            >>> round(t.before, 4), t.recent, (t.before_from, t.before_to), (t.start, t.count)
            (0.6867, 0.68, (2, 4), (4, 3))
        """
        values = (*self._head, *self._tail)  # a gap between them when the tail was cut
        count = min(WINDOW, self._count - 1)  # at least one value stays for `before`
        if count < 1:
            return None
        window = values[: min(WINDOW, self._count - count)]
        kept = [i for i, (_, value) in enumerate(window) if not self._spike(value, window[0][1])]
        first = [window[i] for i in kept]
        before = sum(value for _, value in first) / len(first)
        if not math.isfinite(before):
            return None
        recent = values[-count:]
        mean = sum(value for _, value in recent) / count
        start, end = values[-count - 1][0], values[-1][0]
        apart = (self._count - (count + 1) / 2) - sum(kept) / len(kept)  # between the middles
        if self._pace is None:  # worked out once, when first asked
            self._pace = pace_up_to_best(self._up_to_best, WINDOW + 1)
        pace, steady, noise = self._pace
        return Trend(
            before, mean, start, count, first[0][0], first[-1][0], len(first), end,
            pace, apart, steady, tuple(e for e, _ in first), tuple(e for e, _ in recent),
            self._lately[-(WINDOW + 1) :], noise,
        )  # fmt: skip

    def _spike(self, value: float, at_best: float) -> bool:
        """``value`` is more than :data:`UNSTABLE` times ``at_best`` (the training value at
        the best epoch; by as much above it, for a value at or below 0), with ``spikes`` on."""
        return self._spikes and value - at_best > (UNSTABLE - 1) * abs(at_best)

    def far_above_low(
        self,
        train: float | None,
        scale: float,
        before: float | None = None,
        noise: float = math.nan,
    ) -> tuple[int, float] | None:
        """The lowest training value of the run, as (epoch shown, value), when ``train`` and
        the level of the training loss (the median of its latest :data:`WINDOW` values) are
        each more than :data:`UNSTABLE` times it (a positive one) and not far below ``scale``,
        the best validation loss (see :data:`MEMORISED`), and a level clearly below ``scale``
        lies above that low by more than :data:`STEADY` times the ``noise`` of two values
        (where known): training has become unstable. None otherwise: a training loss memorised
        near 0 that wobbles is not, nor one with dropout or data augmentation whose lowest
        value is a lucky one (a loss of 0.15 +-30% has values of 0.3 and 0.06); a spike since
        the best epoch is told by :meth:`Trend.rose_in_level`. None too when ``train``
        is below ``before`` (the training loss at the best epoch) and not far above its lowest
        value up to then: the model learned its training data since the best while the
        validation loss rose (seen: "unstable" after 450 epochs of memorising, one noisy 0.24
        against 0.61 at the best epoch). A best inside a spike (3.0 after 0.2) does not count.

            >>> trend = TrainingTrend()
            >>> for epoch, train in enumerate([0.68, 35.4, 10.3], 1):
            ...     trend.add(epoch, train, best=True)
            >>> trend.far_above_low(10.3, scale=8.3), trend.far_above_low(1.0, scale=8.3)
            ((1, 0.68), None)
            >>> memorising = TrainingTrend()
            >>> for epoch, train in enumerate([0.61, 0.4, 0.11], 1):
            ...     memorising.add(epoch, train, best=epoch == 1)
            >>> memorising.far_above_low(0.24, scale=0.38, before=0.61) is None
            True
            >>> noisy = TrainingTrend()  # one value of 0.31 in a loss of 0.15 +-30%
            >>> for epoch, train in enumerate([0.16, 0.07, 0.15, 0.12, 0.31], 1):
            ...     noisy.add(epoch, train, best=epoch == 1)
            >>> noisy.far_above_low(0.31, scale=0.6) is None
            True
            >>> for train in (0.35, 0.33):  # a level of 0.33: within a noise of 0.1 of 0.07?
            ...     noisy.add(6, train, best=False)
            >>> noisy.far_above_low(0.33, scale=0.6), noisy.far_above_low(0.33, 0.6, noise=0.1)
            ((2, 0.07), None)
        """
        low = self._low
        if train is None or low is None or not low[1] > 0:
            return None
        level = statistics.median(self._lately[-WINDOW:])
        if not all(x > UNSTABLE * low[1] and x > MEMORISED * abs(scale) for x in (train, level)):
            return None
        # clearly below the validation loss, a level within the noise of a lucky low is noise
        below = level < scale - RISE * abs(scale)
        if below and not math.isnan(noise) and level - low[1] <= STEADY * noise * math.sqrt(2):
            return None
        learned = before is not None and train < before
        at_best = self._low_at_best
        if learned and at_best is not None and not train > UNSTABLE * at_best:
            return None
        return low
