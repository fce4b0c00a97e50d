"""How the training loss moved since the best epoch: it tells overfitting (training still
falling, or flat, while validation rises) from unstable training (training clearly higher
than it was then, far above its lowest value of the run, or a validation loss that jumped:
see :data:`UNSTABLE`).

Both sides come from the best epoch on, so a training loss that fell up to the best epoch and
has been flat since reads as flat, not as still falling. Each side is a mean of up to
:data:`WINDOW` training values, so one noisy value (a dropout or mini-batch spike) does not
decide: the first ones from the best epoch on (``before``) and the latest ones (``recent``).
:func:`unstable_verdict` and :func:`plateau_verdict` are what GL, PQ and UP conclude from it.

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
from dataclasses import dataclass
from typing import Any, Literal

from nngraph.i18n import message, times_text
from nngraph.monitor._detector import Check, Detector
from nngraph.monitor._names import nice_name

__all__ = [
    "JUMP",
    "UNSTABLE",
    "WINDOW",
    "TrainingTrend",
    "Trend",
    "plateau_verdict",
    "sudden_jump",
    "trend_fields",
    "trend_texts",
    "unstable_verdict",
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
#: A training loss more than this many times its lowest value of the run (and not far below
#: the validation loss, see :data:`MEMORISED`) does worse on its own training data than the
#: model once did: training has become unstable (a learning rate too high), whatever it did
#: since the best epoch. A validation loss that more than doubles in one evaluation, while the
#: training loss is not far below it, has jumped for the same reason: overfitting builds up
#: over epochs (sweep 20c: lr = 50, called "memorising" at 15 times the first training loss).
UNSTABLE = 2.0
#: A validation loss that grows more than this many times in one evaluation has blown up,
#: whatever the training loss says.
JUMP = 10.0


@dataclass(frozen=True)
class Trend:
    """The mean training value from the best epoch on (``before``, over the ``before_count``
    values shown as epochs ``before_from`` to ``before_to``; ``before_from`` is the best one
    where its training value was logged) and over the latest ``count`` values (``recent``),
    which came after the epoch shown as ``start``, the last one at ``recent_to``."""

    before: float
    recent: float
    start: int
    count: int
    before_from: int = 0
    before_to: int = 0
    before_count: int = 1
    recent_to: int = 0

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
        self._low: tuple[int, float] | None = None  # the lowest finite value of the run

    def add(self, shown: int, train: float | None, *, best: bool) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        whether it is a new best."""
        if best:
            self._head, self._tail, self._count = (), (), 0
        if train is None:
            return
        if math.isfinite(train) and (self._low is None or train < self._low[1]):
            self._low = (shown, train)
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
        start, end = values[-count - 1][0], values[-1][0]
        return Trend(before, mean, start, count, first[0][0], first[-1][0], len(first), end)

    def far_above_low(self, train: float | None, scale: float) -> tuple[int, float] | None:
        """The lowest training value of the run, as (epoch shown, value), when ``train`` is
        more than :data:`UNSTABLE` times it (a positive one) and not far below ``scale``, the
        best validation loss (see :data:`MEMORISED`): training has become unstable. None
        otherwise (a training loss memorised near 0 that wobbles is not).

            >>> trend = TrainingTrend()
            >>> for epoch, train in enumerate([0.68, 35.4, 10.3], 1):
            ...     trend.add(epoch, train, best=True)
            >>> trend.far_above_low(10.3, scale=8.3), trend.far_above_low(1.0, scale=8.3)
            ((1, 0.68), None)
        """
        low = self._low
        if train is None or low is None or not low[1] > 0:
            return None
        if train > UNSTABLE * low[1] and train > MEMORISED * abs(scale):
            return low
        return None


def sudden_jump(previous: float, value: float, train: float | None) -> bool:
    """A validation loss ``value`` that grew more than 10 times from the evaluation before
    (``previous``) has blown up; one that more than doubled (:data:`UNSTABLE`) has too, when
    the training loss ``train`` is logged and not far below ``previous`` (a validation loss
    near 0 next to a memorised training loss may double by noise). False for a NaN.

        >>> sudden_jump(8.34, 20.6, 10.3), sudden_jump(0.02, 0.05, 0.001), sudden_jump(1, 11, None)
        (True, False, True)
    """
    if not previous > 0:
        return False
    if value > JUMP * previous:
        return True
    close = train is not None and train > MEMORISED * previous
    return close and value > UNSTABLE * previous


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


def trend_fields(det: Detector, trend: Trend) -> dict[str, Any]:
    """The training loss from the best epoch on and lately, for an explanation. One value
    after epochs that validated without it being judged (validating every 3rd epoch) is said
    at its epoch, ``0.28 in epoch 9``: it is no mean over the last 3 epochs.

        >>> from nngraph.monitor.detectors import GL
        >>> gl = GL(5)
        >>> for epoch, val in ((3, 0.6), (6, 0.5), (9, 0.55)):  # the best at epoch 6
        ...     _ = gl.feed(epoch, {"loss": 1 - epoch / 20, "val_loss": val}, epoch=epoch)
        >>> texts = trend_fields(gl, gl._trend.now())
        >>> texts["recent_at"], texts["before_at"]
        ('0.55 in epoch 9', '0.7 in epoch 6')
    """
    unit, n = det._span(trend.start, trend.count)
    if trend.count == 1 and unit == "epoch" and n > 1:
        span = message("monitor.unit.before_epoch", epoch=trend.recent_to)
    else:
        span = det._last_epochs(trend.start, trend.count)
    one = trend.count == 1 or n == 1
    return {"before": trend.before, "recent": trend.recent, **trend_texts(trend, span, one=one)}


def unstable_verdict(
    det: Detector,
    tracker: TrainingTrend,
    fields: dict[str, Any],
    *,
    value: float,
    previous: float,
    train: float | None,
) -> Check:
    """GL's, PQ's or UP's explanation when a rising validation loss comes from unstable
    training (a learning rate too high), not overfitting: the training loss clearly rose since
    the best epoch (on average: ``stalled``), the validation loss jumped in one evaluation from
    ``previous`` to ``value`` (``jump``, see :func:`sudden_jump`), or the training loss
    ``train`` is far above its lowest value of the run (``unstable``, see
    :meth:`TrainingTrend.far_above_low`). None when none holds."""
    name = type(det).__name__.lower()
    trend = tracker.now()
    if trend is not None and trend.rose(scale=det.best):
        return f"{name}.stalled", {**fields, **trend_fields(det, trend)}
    if sudden_jump(previous, value, train):
        return f"{name}.jump", {**fields, "previous": previous, "value": value}
    low = tracker.far_above_low(train, scale=det.best)
    if train is None or low is None:
        return None
    low_epoch, low_value = low
    times = times_text(train / low_value)
    shown = {"train_value": train, "times": times, "low": low_value, "low_epoch": low_epoch}
    return f"{name}.unstable", {**fields, **shown}


def plateau_verdict(
    det: Detector, trend: Trend | None, fields: dict[str, Any], *, value: float
) -> Check:
    """GL's, PQ's or UP's explanation when the training loss is flat since the best epoch and
    not far below the validation loss: the model stopped learning (a plateau), which a rising
    validation loss then is not memorising. Its ``level`` says where the training loss is:
    ``not far below it``, or ``above the validation loss`` when it is at or above the
    validation value now, ``value`` (dropout, data augmentation). None while training still
    falls, or stays flat far below (memorised)."""
    if trend is None or not trend.plateau(scale=det.best):
        return None
    if trend.recent >= value:
        level = message("monitor.trend.level_above", metric=nice_name(det.metric))
    else:
        level = message("monitor.trend.level_close", metric=nice_name(det.metric))
    shown = {**fields, **trend_fields(det, trend), "level": level}
    return f"{type(det).__name__.lower()}.plateau", shown
