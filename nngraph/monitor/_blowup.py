"""Whether the training loss rose far above where the run started and the run has not come back
since: a learning rate far too high. Demo 06 at ``lr=1.0``: the training loss went from 2.31
to 2.5e5, then sank slowly; at 81 (35 times its first value) the validation loss rose 7% on the
way down, and GL called it memorising. Until the run has come back, a rising validation loss is
unstable training, not memorising: GL, PQ and UP say so (``blown_up``, see
:func:`~nngraph.monitor._gl_reading.unstable_verdict`).

A blow-up starts at a training value more than ``UNSTABLE`` (2) times the run's first one
(:data:`~nngraph.monitor._trend.UNSTABLE`): the model then does worse on its own training data
than the untrained model did. The run has come back from it once

- the latest :data:`SETTLED` training values in a row are back near their level before it: at
  most ``UNSTABLE`` times the lowest training value before the blow-up (:attr:`BlowUp.level`:
  4.62 for a run that started at 2.31 and blew up at once; 0.1 for one that had got down to
  0.05), and
- the validation value is back within :data:`VALUE_BACK` times its lowest value before the
  blow-up, or times the first training value where that is lower (:attr:`BlowUp.value_level`:
  a run that blew up at its first step has no validation value from before it; one whose
  training loss came back to 0.9 while its validation loss stays at 3,000 is still broken).

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from nngraph.monitor._trend import UNSTABLE, WINDOW

__all__ = ["SETTLED", "VALUE_BACK", "BlowUp", "BlowUps"]

#: The run has come back from a blow-up only once this many training values in a row are back
#: near the level before it (as many as the trend averages on each side): one or two low values
#: in a run that still bounces up and down by thousands are no recovery.
SETTLED = WINDOW
#: ... and the validation value is at most this many times its level before the blow-up: a
#: loose bound, which only a model still broken by the blow-up is far beyond (a validation
#: loss of 3,000 where the run started at 2.31), while one that overfits after its recovery is
#: not (a validation loss of 0.31 where the training loss started at 0.148).
VALUE_BACK = 10.0


@dataclass(frozen=True)
class BlowUp:
    """A blow-up of the training loss that the run has not come back from: the run's
    ``first`` training value, the lowest one before the blow-up (``low``, at the epoch shown as
    ``low_epoch``), the highest one since (``peak``, at ``peak_epoch``) and the lowest
    validation value before it (``value_low``; infinite when there was none)."""

    first: float
    low: float
    low_epoch: int
    peak: float
    peak_epoch: int
    value_low: float = math.inf

    @property
    def level(self) -> float:
        """The most a training value may be to be back near the level before the blow-up:
        ``UNSTABLE`` times the lowest training value before it.

            >>> BlowUp(2.31, 2.31, 1, 2.5e5, 4).level, BlowUp(2.31, 0.05, 10, 1e5, 11).level
            (4.62, 0.1)
        """
        return UNSTABLE * self.low

    @property
    def value_level(self) -> float:
        """The most the validation value may be for the run to have come back:
        :data:`VALUE_BACK` times its lowest value before the blow-up, or times the first
        training value where that is lower (a run that blew up at its first step).

            >>> BlowUp(2.31, 2.31, 1, 2.5e5, 4, value_low=8e4).value_level
            23.1
        """
        return VALUE_BACK * min(self.first, self.value_low)


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
        self._value_low = math.inf  # the lowest finite validation value before this evaluation

    def add(self, shown: int, train: float | None, value: float) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        its validation value."""
        if train is not None and math.isfinite(train):
            self._add(shown, train, value)
        if math.isfinite(value):
            self._value_low = min(self._value_low, value)

    def _add(self, shown: int, train: float, value: float) -> None:
        if self._first is None or self._low is None:
            self._first, self._low = train, (shown, train)
            return
        now = self._now
        if now is None and self._first > 0 and train > UNSTABLE * self._first:
            low_epoch, low = self._low
            blow_up = BlowUp(self._first, low, low_epoch, train, shown, self._value_low)
            self._now, self._back = blow_up, 0
        elif now is not None:
            if train > now.peak:
                self._now = now = replace(now, peak=train, peak_epoch=shown)
            self._back = self._back + 1 if train <= now.level else 0
            if self._back >= SETTLED and value <= now.value_level:
                self._now = None
        if train < self._low[1]:
            self._low = (shown, train)

    def now(self) -> BlowUp | None:
        """The blow-up the run has not come back from yet, or None."""
        return self._now
