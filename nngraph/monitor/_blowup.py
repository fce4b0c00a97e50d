"""Whether the training loss blew up, far above where the run started, and the run has not come
back since: a learning rate far too high. Demo 06 at ``lr=1.0``: the training loss went from
2.31 to 2.5e5, then sank slowly; at 81 (35 times its first value) the validation loss rose 7%
on the way down, and GL called it memorising. Until the run has come back, a rising validation
loss is unstable training, not memorising: GL, PQ and UP say so (``blown_up``, see
:func:`~nngraph.monitor._gl_reading.unstable_verdict`).

A blow-up starts at a training value more than :data:`BLOW_UP` (10) times the run's first one
that is also above the lowest validation value from before it, where there is one: the model
then does worse on its own training data than it once did on new data. A bump of a small loss
is no blow-up: 0.03 to 0.07 in a run that fine-tunes, or 0.17 to 0.99 in one that goes on
training a model that already memorised its training data (its validation loss is 6.8).

The run has come back from it once

- the latest :data:`SETTLED` training values in a row are back near their level before it: at
  most ``UNSTABLE`` (2) times the lowest training value before the blow-up
  (:attr:`BlowUp.level`: 4.62 for a run that started at 2.31 and blew up at once; 0.1 for one
  that had got down to 0.05), and
- the validation value is back within :data:`VALUE_BACK` times its lowest value before the
  blow-up (:attr:`BlowUp.value_level`): one whose training loss came back to 0.9 while its
  validation loss stays at 3,000 is still broken.

The validation value is measured after an epoch's steps and the training value during them, so
the validation value of the evaluation just before the blow-up may be part of it already (at
one step an epoch, it always is: 8e4 after the first step of demo 06). It counts as a value
from before the blow-up only when it is at most :data:`BLOW_UP` times the lowest one before it
(or, at the first evaluation, times the first training value); where no validation value is
left, its level before the blow-up is taken to be the first training value's.

A memorised training loss that wobbles near 0 (0.001 to 0.003) stays far below its first value,
and is no blow-up. Only for a training loss whose first value is above 0 (a loss that starts at
0 or below has no size to compare with); a NaN or an infinity is left out (GL and
``Divergence`` say those as they are).

    >>> blow_ups = BlowUps()
    >>> train = [2.31, 7.6e4, 2.5e5, 4.2e4, 81.5, 1.9, 1.5, 1.2, 1.1]
    >>> val = [8e4, 1.6e5, 2.3e5, 1.5e4, 825, 40, 9.0, 30.0, 2.9]
    >>> lasts = []
    >>> for epoch, (t, v) in enumerate(zip(train, val), 1):
    ...     blow_ups.add(epoch, t, v)
    ...     lasts.append(blow_ups.now() is not None)
    >>> lasts  # training settled back at epoch 8, the validation loss only at epoch 9
    [False, True, True, True, True, True, True, True, False]
    >>> healthy = BlowUps()
    >>> for epoch, t in enumerate([2.3, 0.9, 0.01, 0.001, 0.003, 0.002], 1):
    ...     healthy.add(epoch, t, 0.5)
    >>> healthy.now() is None
    True
    >>> memorised = BlowUps()  # 20 times its first value, still far below the validation loss
    >>> for epoch, (t, v) in enumerate([(0.01, 0.40), (0.008, 0.36), (0.2, 0.37)], 1):
    ...     memorised.add(epoch, t, v)
    >>> memorised.now() is None
    True
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace

from nngraph.monitor._trend import UNSTABLE, WINDOW

__all__ = ["BLOW_UP", "SETTLED", "VALUE_BACK", "BlowUp", "BlowUps"]

#: A training value more than this many times the first one has blown up (an order of
#: magnitude: demo 06 at ``lr=1.0`` went 33,000 times its first value in one epoch), where it is
#: also above the validation loss the run once had. A loss that merely doubles is noise, or a
#: fresh optimizer's bump, in a run that starts low.
BLOW_UP = 10.0
#: The run has come back from a blow-up only once this many training values in a row are back
#: near the level before it (as many as the trend averages on each side): one or two low values
#: in a run that still bounces up and down by thousands are no recovery.
SETTLED = WINDOW
#: ... and the validation value is at most this many times its level before the blow-up: a
#: loose bound, which only a model still broken by the blow-up is far beyond (a validation
#: loss of 3,000 where the run started at 2.31), while one that overfits after its recovery is
#: not.
VALUE_BACK = 10.0


@dataclass(frozen=True)
class BlowUp:
    """A blow-up of the training loss that the run has not come back from: the run's
    ``first`` training value, the lowest one before the blow-up (``low``, at the epoch shown as
    ``low_epoch``), the highest one since (``peak``, at ``peak_epoch``) and the level of the
    validation value before it (``value_low``: its lowest value from before the blow-up, or the
    first training value where there is none)."""

    first: float
    low: float
    low_epoch: int
    peak: float
    peak_epoch: int
    value_low: float

    @property
    def level(self) -> float:
        """The most a training value may be to be back near the level before the blow-up:
        ``UNSTABLE`` times the lowest training value before it.

            >>> BlowUp(2.31, 2.31, 1, 2.5e5, 4, 2.31).level
            4.62
            >>> BlowUp(2.31, 0.05, 10, 1e5, 11, 0.4).level
            0.1
        """
        return UNSTABLE * self.low

    @property
    def value_level(self) -> float:
        """The most the validation value may be for the run to have come back:
        :data:`VALUE_BACK` times its level before the blow-up.

            >>> BlowUp(0.05, 0.02, 6, 2.5, 7, value_low=0.5).value_level
            5.0
        """
        return VALUE_BACK * self.value_low


class BlowUps:
    """What a detector's run did, as far as blow-ups of its training loss go: :meth:`add` each
    evaluation, :meth:`now` tells the blow-up the run has not come back from yet, if any. Its
    state is made of numbers and frozen objects, so a shallow copy (a detector judging an epoch
    again) is a full copy."""

    def __init__(self) -> None:
        self._first: float | None = None  # the first finite training value
        self._low: tuple[int, float] | None = None  # the lowest one, and its epoch shown
        self._now: BlowUp | None = None  # the blow-up the run has not come back from
        self._back = 0  # training values in a row back near its level
        # the lowest finite validation value followed by a training value outside a blow-up,
        # and the last one, which the next training value has not judged yet
        self._value_low = math.inf
        self._value_last = math.inf
        # the last 5 finite training values, and those before the last one (see `calm`)
        self._latest: tuple[float, ...] = ()
        self._before: tuple[float, ...] = ()
        self._last: float | None = None

    @property
    def first(self) -> float | None:
        """The run's first finite training value (None before one)."""
        return self._first

    @property
    def last(self) -> float | None:
        """The latest training value logged, finite or not (None before one)."""
        return self._last

    @property
    def lowest(self) -> float | None:
        """The run's lowest finite training value (None before one)."""
        return None if self._low is None else self._low[1]

    def add(self, shown: int, train: float | None, value: float) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        its validation value."""
        self._last = self._last if train is None else train
        if train is not None and math.isfinite(train):
            self._before = self._latest
            self._latest = (*self._latest[-4:], train)
            self._add(shown, train, value)
        if self._now is None:  # the last validation value came before any blow-up
            self._value_low = min(self._value_low, self._value_last)
        self._value_last = value if math.isfinite(value) else math.inf

    def _add(self, shown: int, train: float, value: float) -> None:
        if self._first is None or self._low is None:
            self._first, self._low = train, (shown, train)
            return
        now = self._now
        if now is None and self._blows_up(train):
            low_epoch, low = self._low
            blow_up = BlowUp(self._first, low, low_epoch, train, shown, self._value_before())
            self._now, self._back = blow_up, 0
        elif now is not None:
            if train > now.peak:
                self._now = now = replace(now, peak=train, peak_epoch=shown)
            self._back = self._back + 1 if train <= now.level else 0
            if self._back >= SETTLED and value <= now.value_level:
                self._now = None
        if train < self._low[1]:
            self._low = (shown, train)

    def _blows_up(self, train: float) -> bool:
        """Whether the training value ``train`` starts a blow-up: more than :data:`BLOW_UP`
        times the first one, and above the lowest validation value from before it (where there
        is one)."""
        first = self._first
        if first is None or first <= 0 or train <= BLOW_UP * first:
            return False
        return math.isinf(self._value_low) or train > self._value_low

    def _value_before(self) -> float:
        """The validation value's level before a blow-up that starts now: its lowest value
        before it, the last one only where it is not part of the blow-up already (at most
        :data:`BLOW_UP` times the lowest one before it, or the first training value); the first
        training value where no value is left."""
        first = self._first if self._first is not None else math.inf
        scale = self._value_low if math.isfinite(self._value_low) else first
        last = self._value_last if self._value_last <= BLOW_UP * scale else math.inf
        lowest = min(self._value_low, last)
        return lowest if math.isfinite(lowest) else first

    def now(self) -> BlowUp | None:
        """The blow-up the run has not come back from yet, or None."""
        return self._now

    def calm(self, train: float | None) -> bool:
        """Whether the training value ``train`` (this evaluation's) says training is still
        sound: finite, in no blow-up, and little above the run's lowest training value: by at
        most twice that low (a positive one), or three spreads of the 5 values before ``train``
        (below 0: a negative log-likelihood), and never half way back to where a run that
        learned started; give or take a hundredth of the run's scale (its first and lowest
        training values, its lowest validation value: a loss memorised to 0.001 that reads
        0.004 is calm).

        A lucky low of a noisy plateau (0.09, then 0.25, 0.18, 0.22) or a fine-tuning loss
        that wobbles from 0.03 to 0.07 leaves training calm; a slow climb (0.2 to 2.1), a jump
        that levels off (0.4 to 40) or a loss back above its first value is not.

            >>> ups = BlowUps()
            >>> for epoch, train in enumerate([1.0, 0.5, 0.45, 0.6], 1):
            ...     ups.add(epoch, train, 0.5)
            >>> ups.calm(0.6), ups.calm(0.9), ups.calm(float("nan"))
            (True, False, False)
        """
        if train is None or not math.isfinite(train) or self._now is not None:
            return False
        if self._first is None or self._low is None:
            return True
        first, low = self._first, self._low[1]
        seen = [abs(first), abs(low)]
        if math.isfinite(self._value_low):
            seen.append(abs(self._value_low))
        slack = 0.01 * max(seen)
        if low >= 0:
            room = 2 * low
        else:
            before = self._before or (low,)
            level = statistics.median(before)
            room = 3 * max(statistics.median(abs(v - level) for v in before), slack)
        if first - low > abs(low):  # it learned: half way back to its start is no calm
            room = min(room, (first - low) / 2)
        return train <= low + room + slack
