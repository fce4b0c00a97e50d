"""How the training loss moved since the best epoch: it tells overfitting (training still
falling, or flat, while validation rises) from unstable training (training clearly higher
than it was then).

Both sides come from the best epoch on, so a training loss that fell up to the best epoch and
has been flat since reads as flat, not as still falling. Each side is a mean of up to
:data:`WINDOW` training values, so one noisy value (a dropout or mini-batch spike) does not
decide: the first ones from the best epoch on (``before``) and the latest ones (``recent``).

    >>> trend = TrainingTrend()
    >>> for epoch, (train, best) in enumerate([(0.9, True), (0.5, True), (0.4, False)], 1):
    ...     trend.add(epoch, train, best=best)
    >>> t = trend.now()
    >>> t.before, t.recent, t.fell(scale=1.0), t.rose(scale=1.0), (t.start, t.count)
    (0.5, 0.4, True, False, (2, 1))
    >>> t.before_from, t.before_to  # `before` is the value at epoch 2, the best one
    (2, 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from nngraph.i18n import message

__all__ = ["WINDOW", "TrainingTrend", "Trend", "trend_texts"]

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


@dataclass(frozen=True)
class Trend:
    """The mean training value from the best epoch on (``before``, over the ``before_count``
    values shown as epochs ``before_from`` to ``before_to``; ``before_from`` is the best one
    where its training value was logged) and over the latest ``count`` values (``recent``),
    which came after the epoch shown as ``start``."""

    before: float
    recent: float
    start: int
    count: int
    before_from: int = 0
    before_to: int = 0
    before_count: int = 1

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

    def worse(self, scale: float, mode: Literal["min", "max"] = "min") -> bool:
        """Clearly worse now than at the best epoch: higher for a loss, lower for an
        accuracy (see :data:`RISE`)."""
        return self.rose(scale) if mode == "min" else self.fell(scale)


class TrainingTrend:
    """The training values from a detector's best epoch on. Its state is made of tuples, so a
    shallow copy (a detector judging an epoch again) is a full copy."""

    def __init__(self) -> None:
        # (epoch shown, value): the first WINDOW values from the best epoch on, the latest
        # WINDOW + 1 after those, and how many there are in all
        self._head: tuple[tuple[int, float], ...] = ()
        self._tail: tuple[tuple[int, float], ...] = ()
        self._count = 0

    def add(self, shown: int, train: float | None, *, best: bool) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        whether it is a new best."""
        if best:
            self._head, self._tail, self._count = (), (), 0
        if train is None:
            return
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
        first = values[: min(WINDOW, self._count - count)]
        before = sum(value for _, value in first) / len(first)
        if not math.isfinite(before):
            return None
        recent = values[-count:]
        mean = sum(value for _, value in recent) / count
        start = values[-count - 1][0]
        return Trend(before, mean, start, count, first[0][0], first[-1][0], len(first))


def trend_texts(trend: Trend, span: str, *, one: bool) -> dict[str, str]:
    """The two sides of ``trend`` as the explanations say them: ``recent_at`` (``span`` is
    where the recent values come from: ``the last 3 epochs``; ``one``: it is one epoch or
    evaluation) and ``before_at``. A value from one epoch is not said as a mean.

        >>> trend_texts(Trend(0.5, 0.4, 3, 1, 3, 3), "the last epoch", one=True)
        {'recent_at': '0.4 in the last epoch', 'before_at': '0.5 in epoch 3'}
        >>> texts = trend_texts(Trend(0.6867, 0.68, 4, 3, 2, 4, 3), "the last 3 epochs", one=False)
        >>> texts["recent_at"], texts["before_at"]
        ('0.68 on average over the last 3 epochs', '0.6867 on average over epochs 2–4')
    """
    first, last = trend.before_from, trend.before_to
    if first == last:
        earlier = message("monitor.unit.before_epoch", epoch=last)
    else:
        earlier = message("monitor.unit.before_epochs", first=first, last=last)
    single, mean = "monitor.trend.one", "monitor.trend.mean"
    return {
        "recent_at": message(single if one else mean, value=trend.recent, span=span),
        "before_at": message(
            single if trend.before_count == 1 else mean, value=trend.before, span=earlier
        ),
    }
