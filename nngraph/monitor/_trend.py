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
falling from one that falls as steadily as before, only not by much yet, and how far its values
scatter (``noise``) a stop or a fall from a lucky value at the best epoch (see
:mod:`~nngraph.monitor._pace`); one that falls at the latest evaluations (``latest``) has not
stopped, whatever it did before the best.
:mod:`~nngraph.monitor._gl_reading` says what GL, PQ and UP conclude from it.

The training values come from :class:`~nngraph.monitor._training_trend.TrainingTrend`.

    >>> t = Trend(before=0.5, recent=0.4, start=2, count=1)  # 0.5 at the best epoch, then 0.4
    >>> t.fell(scale=1.0), t.rose(scale=1.0), t.below(scale=1.0)
    (True, False, True)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

from nngraph.monitor._pace import (
    FLOAT_NOISE,
    HISTORY,
    STEADY,
    fall_per_evaluation,
)

__all__ = ["FLOAT_NOISE", "HISTORY", "STEADY", "UNSTABLE", "WINDOW", "Trend"]

#: the least-squares fall per evaluation, by the name Patience's slow-fall reading imports
_fall_per_evaluation = fall_per_evaluation

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
#: A training loss flat since the best epoch has stopped falling (a plateau) only when it fell
#: less than this part of what it would have at its pace before the best: one or two epochs
#: after a best, a loss that falls a steady 2% per epoch has not fallen 5% (see :data:`RISE`)
#: yet, and is no plateau (a run told "try a bigger model" fell 90% after).
SLOWER = 0.5
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
    ``steady``: that fall (or a rise: a learning rate that overshot) is steady, not noise
    around a level, nor one that levelled off before the best (see :data:`STEADY`);
    ``apart``: evaluations between the middles of the two sides; ``latest``: the latest
    :data:`WINDOW` + 1 training values, whether or not they came after the best; ``noise``:
    how far one training value lies from the curve of those up to the best (a standard
    deviation, see :func:`~nngraph.monitor._pace.noise`; NaN: fewer than 8 of them)."""

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
    noise: float = math.nan

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

    def rose_in_level(self, scale: float) -> bool:
        """Clearly higher now than at the best epoch (:meth:`rose`; True for a NaN) and, for a
        training loss clearly below ``scale`` (the best validation loss, see :meth:`below`)
        whose ``noise`` is known, by more than :data:`STEADY` times the noise of the two means
        compared: its level rose, which is no epoch-to-epoch noise of dropout or data
        augmentation (a mean of 3 values 18% up in noise of +-30%, 0.1289 -> 0.1526 in noise
        of 0.038, next to a validation loss of 0.68, has not risen). So must one clearly above
        ``scale``: a training loss of 0.045 -> 0.0505 in noise of 0.003 beside a best
        validation loss of 0.0017 (10 validation examples) was read as unstable training. One
        close to the validation loss that swings is judged as before: the swings may be the
        learning rate's.

            >>> Trend(0.1289, 0.1526, 80, 3, before_count=3).rose_in_level(scale=0.68)
            True
            >>> Trend(0.1289, 0.1526, 80, 3, before_count=3, noise=0.038).rose_in_level(0.68)
            False
            >>> Trend(0.1289, 0.3, 80, 3, before_count=3, noise=0.038).rose_in_level(0.68)
            True
            >>> Trend(0.045, 0.0505, 48, 1, noise=0.003).rose_in_level(scale=0.0017)
            False
        """
        if not self.rose(scale):
            return False
        above = self.recent > scale + RISE * abs(scale)
        if math.isnan(self.noise) or not (self.below(scale) or above):
            return True
        return not self.recent - self.before <= self._noise_of_fall()

    def plateau(self, scale: float) -> bool:
        """Neither clearly lower nor clearly higher than at the best epoch (beyond its noise,
        see :meth:`rose_in_level`), and not far below ``scale``, the best validation loss: the
        model has stopped learning rather than started to memorise (False for a NaN).

            >>> Trend(0.68, 0.68, 8, 3).plateau(scale=0.725)  # both losses flat, close
            True
            >>> Trend(0.5, 0.56, 50, 3, before_count=3, noise=0.08).plateau(0.7)  # with dropout
            True
            >>> Trend(0.1, 0.1, 10, 3).plateau(scale=0.41)  # flat far below: memorised
            False
        """
        close = self.recent > scale - MEMORISED * abs(scale)
        return not self.fell(scale) and not self.rose_in_level(scale) and close

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
        first (by more than :data:`STEADY` times the ``noise`` of two values; with no noise
        known, see :data:`RISE`: ``scale`` is the best validation loss), whatever it did
        before the best (a training loss that rose then, with a learning rate too high, and
        falls again now). One that fell and is flat since (0.95, 0.9, 0.9) is not.

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
        if not math.isnan(self.noise):
            return fall > STEADY * self.noise * math.sqrt(2)
        return fall > RISE * abs(latest[0]) and fall > RISE_OF_SCALE * abs(scale)

    def stopped(self, scale: float) -> bool:
        """Stopped falling since the best epoch, as the numbers show beyond their noise. Never
        while it is :meth:`falling_now`, nor when its means fell clearly (:meth:`fell`) or
        beyond their noise (:meth:`fell_beyond_noise`); else when it has not moved at all
        (:data:`FLOAT_NOISE`), or all the latest :data:`WINDOW` values come after the best
        (one or two noisy values show no stop) and, after a ``steady`` fall, it fell by less
        than :data:`SLOWER` of what its ``pace`` gives over ``apart`` evaluations, short of
        that by more than :data:`STEADY` times the noise of the two means compared: a lucky
        low at the best epoch shows no stop (a loss creeping down 0.0003 an epoch in noise of
        0.001 was called a plateau 3 epochs after one, and fell on). After no steady fall
        (noise around a level, or a fall that levelled off before the best), not falling
        beyond its noise since is a stop, unless one standard deviation of its noise more is a
        clear fall: a noise as large as the loss cannot tell (0.26 at 0.16, in a jumpy start,
        read as a stop of a loss that fell 35%). After a steady rise, too soon to tell.
        Each compares the loss with its own pace and noise, so the same loss shifted by a
        constant (a Gaussian NLL below 0) reads the same. With fewer than 8 values up to the
        best (no noise known), it fell by less than :data:`SLOWER` of its pace over the last
        few values up to the best, or did not fall then.

            >>> Trend(0.817, 0.801, 11, 1, pace=0.017).stopped(scale=0.9)  # one epoch after
            False
            >>> Trend(0.9, 0.9, 3, 1, pace=0.15).stopped(scale=0.5)  # not moved at all
            True
            >>> Trend(1.416, 1.351, 154, 3, pace=0.005, apart=14).stopped(scale=1.27)
            False
            >>> slow = dict(before=0.2908, recent=0.2897, start=36, count=3, pace=3e-4, apart=4)
            >>> Trend(**slow, steady=True, noise=1e-4).stopped(0.54)  # at its pace
            False
            >>> Trend(**slow, noise=1e-3).stopped(0.54)  # a level: within its noise
            True
            >>> lucky = dict(before=0.2145, recent=0.215, start=69, count=3, pace=3e-4)
            >>> Trend(**lucky, apart=2, steady=True, noise=7e-4).stopped(0.2)  # too soon
            False
            >>> Trend(**lucky, apart=20, steady=True, noise=7e-4).stopped(0.2)
            True
            >>> Trend(0.4527, 0.4353, 41, 3, before_count=3, noise=0.08).stopped(0.3)  # noisy
            False
        """
        fall = self.before - self.recent
        if self.falling_now(scale):
            return False
        if abs(fall) <= FLOAT_NOISE * abs(self.before):
            return True
        if self.count < WINDOW or self.fell(scale) or self.fell_beyond_noise(scale):
            return False
        if math.isnan(self.noise):
            return self._stopped_by_size(fall, scale)
        if self.steady:  # after a steady rise, too soon: it may fall again
            return self.pace > 0 and SLOWER * self.pace * self.apart - fall > self._noise_of_fall()
        return not self._clearly(fall + self._noise_of_fall() / STEADY, scale)  # + 1 sd

    def _stopped_by_size(self, fall: float, scale: float) -> bool:
        """:meth:`stopped` with no noise known: it fell by less than :data:`SLOWER` of what
        its ``pace`` gives, or did not fall before the best; else (and when it rose clearly
        then: a learning rate that overshot) by no more than :data:`RISE_OF_SCALE` of itself
        or of ``scale``."""
        overshot = self.pace < -RISE_OF_SCALE * abs(self.before)
        if not overshot and not (self.pace > 0 and fall >= SLOWER * self.pace * self.apart):
            return True
        return fall <= RISE_OF_SCALE * max(abs(self.before), abs(scale))

    def still_falling(self, scale: float) -> bool:
        """Lower now than at the best epoch by a fall: beyond its noise (:meth:`fell_beyond_noise`),
        clearly (:meth:`fell`), :meth:`falling_now`, or in the one or two values after a
        ``steady`` fall (too few to show a stop). Lower within its noise is not (0.0493 after
        0.0495 in a loss flat for 30 epochs).

            >>> f = dict(before=0.0495, recent=0.0493, start=42, count=1, noise=8e-4)
            >>> Trend(**f).still_falling(1), Trend(**f, pace=0.1, steady=True).still_falling(1)
            (False, True)
        """
        after_pace = self.steady and self.pace > 0 and self.count < WINDOW
        lower = self.recent < self.before and (after_pace or self.falling_now(scale))
        return lower or self.fell(scale) or self.fell_beyond_noise(scale)

    def fell_beyond_noise(self, scale: float) -> bool:
        """Lower now than at the best epoch by more than :data:`STEADY` times the noise of
        the two means compared; with no ``noise`` known, :meth:`fell` (``scale``: the best
        validation loss).

            >>> Trend(0.13, 0.125, 20, 3, noise=0.001).fell_beyond_noise(scale=0.5)
            True
            >>> Trend(-0.87, -0.875, 20, 3, noise=0.003).fell_beyond_noise(scale=-0.5)
            False
        """
        if math.isnan(self.noise):
            return self.fell(scale)
        return self.before - self.recent > self._noise_of_fall()

    def _noise_of_fall(self) -> float:
        """:data:`STEADY` times the noise of ``before - recent``, means of ``before_count``
        and ``count`` values."""
        return STEADY * self.noise * math.sqrt(1 / self.before_count + 1 / self.count)

    def worse(self, scale: float, mode: Literal["min", "max"] = "min") -> bool:
        """Clearly worse now than at the best epoch: higher for a loss, its level risen beyond
        its noise where it is clearly below ``scale`` (:meth:`rose_in_level`), lower for an
        accuracy (see :data:`RISE`)."""
        return self.rose_in_level(scale) if mode == "min" else self.fell(scale)
