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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

__all__ = ["WINDOW", "TrainingTrend", "Trend"]

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
    """The mean training value up to the best epoch (``before``) and over the latest ``count``
    values since then (``recent``), which came after the epoch shown as ``start``."""

    before: float
    recent: float
    start: int
    count: int

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
        self._last: tuple[float, ...] = ()  # the latest values, up to the best epoch
        self._before: float | None = None
        self._best_shown = 0
        self._since: tuple[tuple[int, float], ...] = ()  # (epoch shown, value) after the best

    def add(self, shown: int, train: float | None, *, best: bool) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        whether it is a new best."""
        if train is not None:
            self._last = (*self._last, train)[-WINDOW:]
        if best:
            self._before = sum(self._last) / len(self._last) if self._last else None
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
        return Trend(self._before, mean, start, len(recent))
