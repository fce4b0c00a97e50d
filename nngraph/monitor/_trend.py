"""How the training loss moved since the best epoch: it tells overfitting (training still
falling, or flat, while validation rises) from unstable training (training clearly higher
than it was then).

Each side is a mean of up to :data:`WINDOW` training values, so one noisy value (a dropout or
mini-batch spike) does not decide: the values up to the best epoch, and the latest ones after it.

    >>> trend = TrainingTrend()
    >>> for epoch, (train, best) in enumerate([(0.9, True), (0.5, True), (0.4, False)], 1):
    ...     trend.add(epoch, train, best=best)
    >>> t = trend.now()
    >>> round(t.before, 3), t.recent, t.falling, t.rose(scale=1.0), (t.start, t.count)
    (0.7, 0.4, True, False, (2, 1))
    >>> t.before_from, t.before_to  # `before` is the mean over epochs 1-2
    (1, 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from nngraph.i18n import message

__all__ = ["WINDOW", "TrainingTrend", "Trend", "before_span"]

#: how many training values are averaged on each side of the comparison
WINDOW = 3

#: Training has risen (unstable, not overfitting) only when its recent mean is above the mean
#: up to the best epoch by more than this part of that mean (3 noisy values averaged on each
#: side: a few percent apart by chance) ...
RISE = 0.05
#: ... and by more than this part of the best validation value: a training loss memorised to
#: ~0 that wobbles from 0.001 to 0.002 has doubled, but not risen next to a validation loss of 1.
RISE_OF_SCALE = 0.01
#: A flat training loss at most this part of the best validation loss has been memorised (the
#: lecture's training error 0 against validation 20); a flat one closer to it has stopped
#: learning (a plateau, both losses flat), which a validation loss wobbling up is not memorising.
MEMORISED = 0.5


@dataclass(frozen=True)
class Trend:
    """The mean training value up to the best epoch (``before``, over the evaluations shown
    as epochs ``before_from`` to ``before_to``, the best one) and over the latest ``count``
    values since then (``recent``), which came after the epoch shown as ``start``."""

    before: float
    recent: float
    start: int
    count: int
    before_from: int = 0
    before_to: int = 0

    @property
    def falling(self) -> bool:
        """Lower now than up to the best epoch (False for a NaN)."""
        return self.recent < self.before

    def rose(self, scale: float) -> bool:
        """Clearly higher now than up to the best epoch (see :data:`RISE`; True for a NaN):
        ``scale`` is the value the training loss is compared with, the best validation loss.
        A training loss that is flat at its floor is not: a validation loss rising then is
        still overfitting."""
        rise = self.recent - self.before
        return not (rise <= RISE * abs(self.before) or rise <= RISE_OF_SCALE * abs(scale))

    def plateau(self, scale: float) -> bool:
        """Neither falling nor risen, and not far below ``scale``, the best validation loss:
        the model has stopped learning rather than started to memorise (False for a NaN)."""
        close = self.recent > scale - MEMORISED * abs(scale)
        return not self.falling and not self.rose(scale) and close

    def worse(self, mode: Literal["min", "max"] = "min") -> bool:
        """Worse now than up to the best epoch: higher for a loss, lower for an accuracy."""
        return self.recent > self.before if mode == "min" else self.recent < self.before


class TrainingTrend:
    """The training values around a detector's best epoch and since then. Its state is made of
    tuples, so a shallow copy (a detector judging an epoch again) is a full copy."""

    def __init__(self) -> None:
        self._last: tuple[tuple[int, float], ...] = ()  # (epoch shown, value): the latest ones
        self._before: float | None = None
        self._before_span = (0, 0)  # the epochs shown of the values averaged in _before
        self._best_shown = 0
        self._since: tuple[tuple[int, float], ...] = ()  # (epoch shown, value) after the best

    def add(self, shown: int, train: float | None, *, best: bool) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        whether it is a new best."""
        if train is not None:
            self._last = (*self._last, (shown, train))[-WINDOW:]
        if best:
            values = [value for _, value in self._last]
            self._before = sum(values) / len(values) if values else None
            self._before_span = (self._last[0][0], self._last[-1][0]) if self._last else (0, 0)
            self._best_shown, self._since = shown, ()
        elif train is not None:
            self._since = (*self._since, (shown, train))[-(WINDOW + 1) :]

    def now(self) -> Trend | None:
        """The comparison, or None before a training value after a best with a finite one."""
        if self._before is None or not math.isfinite(self._before) or not self._since:
            return None
        recent = self._since[-WINDOW:]
        start = self._since[0][0] if len(self._since) > WINDOW else self._best_shown
        mean = sum(value for _, value in recent) / len(recent)
        return Trend(self._before, mean, start, len(recent), *self._before_span)


def before_span(trend: Trend) -> str:
    """Where :attr:`Trend.before` comes from, said after "on average over": ``epochs 11–13``,
    or ``epoch 13`` for one epoch (a mean of one value, or of several in one epoch number).

        >>> before_span(Trend(0.1, 0.05, 13, 2, before_from=11, before_to=13))
        'epochs 11–13'
    """
    if trend.before_from == trend.before_to:
        return message("monitor.unit.before_epoch", epoch=trend.before_to)
    return message("monitor.unit.before_epochs", first=trend.before_from, last=trend.before_to)
