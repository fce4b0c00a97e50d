"""How the training loss moved since the best epoch: it tells overfitting (training still
falling, or flat, while validation rises) from unstable training (training clearly higher
than it was then, far above its lowest value of the run, or a validation loss that jumped:
see :data:`UNSTABLE`).

Both sides come from the best epoch on, so a training loss that fell up to the best epoch and
has been flat since reads as flat, not as still falling. Each side is a mean of up to
:data:`WINDOW` training values, so one noisy value (a dropout or mini-batch spike) does not
decide: the first ones from the best epoch on (``before``) and the latest ones (``recent``).
For a loss (GL, PQ, UP), a spike among the first ones (more than :data:`UNSTABLE` times the
value at the best epoch) is left out of ``before``: averaged in, one spike made a training
loss that had risen 60% since the best read as still falling.
How fast it fell just before the best epoch (``pace``) tells a training loss that has stopped
falling from one that falls as steadily as before, only not by much yet; one that falls at the
latest evaluations (``latest``) has not stopped, whatever it did before the best.
:mod:`~nngraph.monitor._gl_reading` says what GL, PQ and UP conclude from it.

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

import itertools
import math
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "FLOAT_NOISE",
    "UNSTABLE",
    "WINDOW",
    "TrainingTrend",
    "Trend",
]

#: how many training values are averaged on each side of the comparison
WINDOW = 3

#: Training has risen (unstable, not overfitting), or is still falling, only when its recent
#: mean differs from the mean at the best epoch by more than this part of that mean (up to 3
#: noisy values averaged on each side: a few percent apart by chance) ...
RISE = 0.05
#: ... and by more than this part of the best validation value: a training loss memorised to
#: ~0 that wobbles from 0.001 to 0.002 has doubled, but not risen next to a validation loss of 1.
RISE_OF_SCALE = 0.01
#: A flat training loss at most this part of the best validation loss has been memorised (the
#: lecture's training error 0 against validation 20); a flat one closer to it has stopped
#: learning (a plateau, both losses flat), which a validation loss wobbling up is not memorising.
MEMORISED = 0.5
#: A flat training loss is "not far below" the validation loss only when it is at least this
#: part of it: at 0.29 against 0.54 it is below it, not close to it.
NEAR = 0.8
#: A change of less than this part of a value is float rounding, not a change. Most losses are
#: float32 (epsilon 1.2e-7, about 7 significant digits), and a mean over a data set rounds a
#: few epsilons more, so a model a scheduler froze (a learning rate of 5e-9 after
#: ReduceLROnPlateau) moves its loss in the 7th or 8th digit, up as often as down (seen:
#: UP said "keeps getting worse" of 0.34239674 -> 0.34239677 -> 0.3423968). 1e-6 is about 8
#: epsilons: above that noise, far below any change a student could see.
FLOAT_NOISE = 1e-6
#: A training loss flat since the best epoch has stopped falling (a plateau) only when it fell
#: less than this part of what it would have at its pace before the best: one or two epochs
#: after a best, a loss that falls a steady 2% per epoch has not fallen 5% (see :data:`RISE`)
#: yet, and is no plateau (a run told "try a bigger model" fell 90% after).
SLOWER = 0.5
#: How many training values up to the best epoch show whether it fell steadily then, ...
HISTORY = 16
#: ... by more than this many standard errors of its least-squares fall per evaluation: a
#: steady fall, whose pace the fall since the best is held to however small it is, not noise
#: around a level, which falls by chance as often as not.
STEADY = 3.0
#: A training loss more than this many times its lowest value of the run (and not far below
#: the validation loss, see :data:`MEMORISED`) does worse on its own training data than the
#: model once did: training has become unstable (a learning rate too high), whatever it did
#: since the best epoch. A validation loss that more than doubles in one evaluation, while the
#: training loss is not far below it, has jumped for the same reason: overfitting builds up
#: over epochs (a run at lr = 50 was called "memorising" at 15 times the first training loss).
UNSTABLE = 2.0


@dataclass(frozen=True)
class Trend:
    """The mean training value from the best epoch on (``before``, over the ``before_count``
    values shown as epochs ``before_from`` to ``before_to``; ``before_from`` is the best one
    where its training value was logged) and over the latest ``count`` values (``recent``),
    which came after the epoch shown as ``start``, the last one at ``recent_to``; the epochs
    of each side (``before_epochs``, ``recent_epochs``) where it validated every few epochs.
    ``pace``: how much it fell per evaluation just before the best epoch (NaN: unknown);
    ``steady``: that fall is steady, not noise around a level (see :data:`STEADY`);
    ``apart``: evaluations between the middles of the two sides; ``latest``: the latest
    :data:`WINDOW` + 1 training values, whether or not they came after the best."""

    before: float
    recent: float
    start: int
    count: int
    before_from: int = 0
    before_to: int = 0
    before_count: int = 1
    recent_to: int = 0
    pace: float = math.nan
    apart: float = 1.0
    steady: bool = False
    before_epochs: tuple[int, ...] = ()
    recent_epochs: tuple[int, ...] = ()
    latest: tuple[float, ...] = ()

    def _clearly(self, change: float, scale: float) -> bool:
        """``change`` is more than noise: see :data:`RISE` (False for a NaN)."""
        return change > RISE * abs(self.before) and change > RISE_OF_SCALE * abs(scale)

    def fell(self, scale: float) -> bool:
        """Clearly lower now than at the best epoch (see :data:`RISE`; False for a NaN):
        ``scale`` is the value the training loss is compared with, the best validation loss.

            >>> Trend(0.5, 0.49, 3, 1).fell(scale=0.7), Trend(0.5, 0.4, 3, 1).fell(scale=0.7)
            (False, True)
        """
        return self._clearly(self.before - self.recent, scale)

    def rose(self, scale: float) -> bool:
        """Clearly higher now than at the best epoch (see :data:`RISE`; True for a NaN).
        A training loss that is flat at its floor is not: a validation loss rising then is
        still overfitting."""
        rise = self.recent - self.before
        return not (rise <= RISE * abs(self.before) or rise <= RISE_OF_SCALE * abs(scale))

    def plateau(self, scale: float) -> bool:
        """Neither clearly lower nor clearly higher than at the best epoch, and not far below
        ``scale``, the best validation loss: the model has stopped learning rather than
        started to memorise (False for a NaN).

            >>> Trend(0.68, 0.68, 8, 3).plateau(scale=0.725)  # both losses flat, close
            True
            >>> Trend(0.1, 0.1, 10, 3).plateau(scale=0.41)  # flat far below: memorised
            False
        """
        close = self.recent > scale - MEMORISED * abs(scale)
        return not self.fell(scale) and not self.rose(scale) and close

    def below(self, scale: float) -> bool:
        """Clearly below ``scale``, the best validation loss (by more than :data:`RISE` of
        it). A model whose training loss is not fits its training data no better than it fit
        new data at its best, so that loss falling is no sign of memorising (as for a line
        fitted to 5 points, its training loss twice the validation loss).

            >>> Trend(4.2, 3.6, 12, 3).below(scale=1.6), Trend(0.5, 0.4, 3, 1).below(scale=0.7)
            (False, True)
        """
        return self.recent < scale - RISE * abs(scale)

    def falling_now(self, scale: float) -> bool:
        """Still falling at the latest evaluations: each of the ``latest`` values is lower
        than the one before (by more than :data:`FLOAT_NOISE`), the last clearly below the
        first (see :data:`RISE`; ``scale``: the best validation loss), whatever it did before
        the best (a training loss that rose then, with a learning rate too high, and falls
        again now). One that fell and is flat since (0.95, 0.9, 0.9) is not.

            >>> again = Trend(0.4352, 0.4227, 20, 3, latest=(0.4386, 0.4364, 0.4252, 0.4064))
            >>> again.falling_now(scale=0.17), again.stopped(scale=0.17)
            (True, False)
            >>> Trend(0.9, 0.9, 3, 1, latest=(1.2, 0.95, 0.9, 0.9)).falling_now(scale=0.5)
            False
        """
        latest = self.latest
        pairs = itertools.pairwise(latest)
        if len(latest) <= WINDOW or not all(a - b > FLOAT_NOISE * abs(a) for a, b in pairs):
            return False
        fall = latest[0] - latest[-1]
        return fall > RISE * abs(latest[0]) and fall > RISE_OF_SCALE * abs(scale)

    def stopped(self, scale: float) -> bool:
        """Stopped falling since the best epoch, as far as the numbers show. Never while it is
        :meth:`falling_now`; else when it has not moved at all (:data:`FLOAT_NOISE`), or all
        the latest :data:`WINDOW` values come after the best (one or two noisy values show no
        stop) and it fell by less than :data:`SLOWER` of what its ``pace`` before the best
        gives over ``apart`` evaluations, or, unless it fell ``steady`` before the best, by no
        more than :data:`RISE_OF_SCALE` of itself or of ``scale``, the best validation loss.
        One that did not fall before the best (its pace is none, or noise around a level) has
        stopped too; one that rose clearly then (by more than :data:`RISE_OF_SCALE` of itself
        an evaluation: a learning rate that overshot) is judged by the last rule alone. A
        steady fall kept up is no stop, however small: a long run falls 0.1% an epoch, while
        the pace of a noisy flat loss is noise.

            >>> Trend(0.817, 0.801, 11, 1, pace=0.017).stopped(scale=0.9)  # one epoch after
            False
            >>> Trend(0.9, 0.9, 3, 1, pace=0.15).stopped(scale=0.5)  # not moved at all
            True
            >>> Trend(1.416, 1.351, 154, 3, pace=0.005, apart=14).stopped(scale=1.27)
            False
            >>> slow = dict(before=0.2908, recent=0.2897, start=36, count=3, pace=3e-4, apart=4)
            >>> Trend(**slow, steady=True).stopped(0.54), Trend(**slow).stopped(0.54)
            (False, True)
        """
        fall = self.before - self.recent
        if self.falling_now(scale):
            return False
        if abs(fall) <= FLOAT_NOISE * abs(self.before):
            return True
        if self.count < WINDOW:
            return False
        overshot = self.pace < -RISE_OF_SCALE * abs(self.before)  # rose clearly before the best
        if not overshot and not (self.pace > 0 and fall >= SLOWER * self.pace * self.apart):
            return True  # a pace of noise around a level (or none) says it is flat too
        return not self.steady and fall <= RISE_OF_SCALE * max(abs(self.before), abs(scale))

    def worse(self, scale: float, mode: Literal["min", "max"] = "min") -> bool:
        """Clearly worse now than at the best epoch: higher for a loss, lower for an
        accuracy (see :data:`RISE`)."""
        return self.rose(scale) if mode == "min" else self.fell(scale)


class TrainingTrend:
    """The training values from a detector's best epoch on. Its state is made of tuples, so a
    shallow copy (a detector judging an epoch again) is a full copy. ``spikes``: leave a
    loss's spikes out of ``before`` (see the module docstring; not for an accuracy, which
    may well double after its best).

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
        self._lately: tuple[float, ...] = ()  # the latest HISTORY values, for the pace
        self._up_to_best: tuple[float, ...] = ()  # those at the best epoch
        self._pace: tuple[float, bool] | None = None  # its pace and steadiness, once asked

    def add(self, shown: int, train: float | None, *, best: bool) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        whether it is a new best."""
        if best:
            self._head, self._tail, self._count = (), (), 0
        if train is not None:
            self._add(shown, train)
        if best:  # the values up to the best epoch, from before its head and tail
            self._up_to_best, self._pace = self._lately, None
            self._low_at_best = self._low[1] if self._low is not None else None

    def _pace_up_to_best(self) -> tuple[float, bool]:
        """How much it fell per evaluation up to the best epoch (NaN: unknown), and whether
        that fall was steady (see :data:`STEADY`); worked out once, when first asked."""
        if self._pace is None:
            values = self._up_to_best
            lately = values[-(WINDOW + 1) :]
            pace = (lately[0] - lately[-1]) / (len(lately) - 1) if lately[1:] else math.nan
            fall, error = _fall_per_evaluation(values)
            steady = fall > STEADY * error
            if steady:  # or its pace lately, lower for a loss that slows down
                pace = min(fall, _fall_per_evaluation(values[-HISTORY // 2 :])[0])
            self._pace = (pace if math.isfinite(pace) else math.nan, steady)
        return self._pace

    def _add(self, shown: int, train: float) -> None:
        if math.isfinite(train) and (self._low is None or train < self._low[1]):
            self._low = (shown, train)
        self._lately = (*self._lately, train)[-HISTORY:]
        if len(self._head) < WINDOW:
            self._head = (*self._head, (shown, train))
        else:
            self._tail = (*self._tail, (shown, train))[-(WINDOW + 1) :]
        self._count += 1

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
        pace, steady = self._pace_up_to_best()
        return Trend(
            before, mean, start, count, first[0][0], first[-1][0], len(first), end,
            pace, apart, steady, tuple(e for e, _ in first), tuple(e for e, _ in recent),
            self._lately[-(WINDOW + 1) :],
        )  # fmt: skip

    def _spike(self, value: float, at_best: float) -> bool:
        """``value`` is more than :data:`UNSTABLE` times ``at_best`` (the training value at
        the best epoch; by as much above it, for a value at or below 0), with ``spikes`` on."""
        return self._spikes and value - at_best > (UNSTABLE - 1) * abs(at_best)

    def far_above_low(
        self, train: float | None, scale: float, before: float | None = None
    ) -> tuple[int, float] | None:
        """The lowest training value of the run, as (epoch shown, value), when ``train`` is
        more than :data:`UNSTABLE` times it (a positive one) and not far below ``scale``, the
        best validation loss (see :data:`MEMORISED`): training has become unstable. None
        otherwise (a training loss memorised near 0 that wobbles is not), nor when ``train``
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
        """
        low = self._low
        if train is None or low is None or not low[1] > 0:
            return None
        if not (train > UNSTABLE * low[1] and train > MEMORISED * abs(scale)):
            return None
        learned = before is not None and train < before
        at_best = self._low_at_best
        if learned and at_best is not None and not train > UNSTABLE * at_best:
            return None
        return low


def _fall_per_evaluation(values: tuple[float, ...]) -> tuple[float, float]:
    """How much ``values`` fall per evaluation (a least-squares line) and the standard error
    of that: NaN for fewer than ``HISTORY // 2`` values or a non-finite one, 0 for a change
    within :data:`FLOAT_NOISE` (the float rounding of a flat loss is no steady fall).

        >>> fall, error = _fall_per_evaluation(tuple(1.0 - 0.01 * i for i in range(8)))
        >>> round(fall, 6), error < 1e-9  # a straight line: no noise around it
        (0.01, True)
    """
    n = len(values)
    if n < HISTORY // 2 or not all(math.isfinite(v) for v in values):
        return math.nan, math.nan
    middle, mean = (n - 1) / 2, sum(values) / n
    spread = sum((i - middle) ** 2 for i in range(n))
    slope = sum((i - middle) * (v - mean) for i, v in enumerate(values)) / spread
    if abs(slope) <= FLOAT_NOISE * abs(mean):
        return 0.0, 0.0
    residual = sum((v - mean - slope * (i - middle)) ** 2 for i, v in enumerate(values))
    return -slope, math.sqrt(residual / (n - 2) / spread)
