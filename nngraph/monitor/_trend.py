"""How the training loss moved since the best epoch: it tells overfitting (training still
falling, or flat, while validation rises) from unstable training (training clearly higher
than it was then, far above its lowest value of the run, or a validation loss that jumped:
see :data:`UNSTABLE`).

Both sides come from the best epoch on, so a training loss that fell up to the best epoch and
has been flat since reads as flat, not as still falling. Each side is a mean of up to
:data:`WINDOW` training values, so one noisy value (a dropout or mini-batch spike) does not
decide: the first ones from the best epoch on (``before``) and the latest ones (``recent``).
How fast it fell just before the best epoch (``pace``) tells a training loss that has stopped
falling from one that falls as steadily as before, only not by much yet.
:func:`unstable_verdict` and :func:`calm_verdict` are what GL, PQ and UP conclude from it.

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
from nngraph.monitor._wording import epochs_listed

__all__ = [
    "FLOAT_NOISE",
    "JUMP",
    "UNSTABLE",
    "WINDOW",
    "TrainingTrend",
    "Trend",
    "calm_verdict",
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
#: A change of less than this part of a value is float rounding, not a change. Most losses are
#: float32 (epsilon 1.2e-7, about 7 significant digits), and a mean over a data set rounds a
#: few epsilons more, so a model a scheduler froze (a learning rate of 5e-9 after
#: ReduceLROnPlateau) moves its loss in the 7th or 8th digit, up as often as down (sweep 21a:
#: UP said "keeps getting worse" of 0.34239674 -> 0.34239677 -> 0.3423968). 1e-6 is about 8
#: epsilons: above that noise, far below any change a student could see.
FLOAT_NOISE = 1e-6
#: A training loss flat since the best epoch has stopped falling (a plateau) only when it fell
#: less than this part of what it would have at its pace before the best: one or two epochs
#: after a best, a loss that falls a steady 2% per epoch has not fallen 5% (see :data:`RISE`)
#: yet, and is no plateau (sweep 21a: "try a bigger model", and it fell 90% after).
SLOWER = 0.5
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
    which came after the epoch shown as ``start``, the last one at ``recent_to``; the epochs
    of each side (``before_epochs``, ``recent_epochs``) where it validated every few epochs.
    ``pace``: how much it fell per evaluation just before the best epoch (NaN: unknown);
    ``apart``: evaluations between the middles of the two sides."""

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
    before_epochs: tuple[int, ...] = ()
    recent_epochs: tuple[int, ...] = ()

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
        new data at its best, so that loss falling is no sign of memorising (sweep 21a: a line
        fitted to 5 points, its training loss twice the validation loss).

            >>> Trend(4.2, 3.6, 12, 3).below(scale=1.6), Trend(0.5, 0.4, 3, 1).below(scale=0.7)
            (False, True)
        """
        return self.recent < scale - RISE * abs(scale)

    def stopped(self, scale: float) -> bool:
        """Stopped falling since the best epoch, as far as the numbers show: it has not moved
        at all (:data:`FLOAT_NOISE`), or all the latest :data:`WINDOW` values come after the
        best (one or two noisy values show no stop) and it fell by no more than
        :data:`RISE_OF_SCALE` of itself or of ``scale``, the best validation loss, or by less
        than :data:`SLOWER` of what its ``pace`` before the best gives over ``apart``
        evaluations (one that was not falling then has stopped too).

            >>> Trend(0.817, 0.801, 11, 1, pace=0.017).stopped(scale=0.9)  # one epoch after
            False
            >>> Trend(0.9, 0.9, 3, 1, pace=0.15).stopped(scale=0.5)  # not moved at all
            True
            >>> Trend(1.416, 1.351, 154, 3, pace=0.005, apart=14).stopped(scale=1.27)
            False
        """
        fall = self.before - self.recent
        if abs(fall) <= FLOAT_NOISE * abs(self.before):
            return True
        if self.count < WINDOW:
            return False
        if fall <= RISE_OF_SCALE * max(abs(self.before), abs(scale)) or not self.pace > 0:
            return True
        return fall < SLOWER * self.pace * self.apart

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
        self._lately: tuple[float, ...] = ()  # the latest WINDOW + 1 values, for the pace
        self._pace = math.nan  # the fall per evaluation up to the best epoch

    def add(self, shown: int, train: float | None, *, best: bool) -> None:
        """One evaluation, shown as epoch ``shown``: its training value (None: not logged) and
        whether it is a new best."""
        if best:
            self._head, self._tail, self._count = (), (), 0
        if train is not None:
            self._add(shown, train)
        if best:  # the values up to the best epoch, from before its head and tail
            lately = self._lately
            pace = (lately[0] - lately[-1]) / (len(lately) - 1) if lately[1:] else math.nan
            self._pace = pace if math.isfinite(pace) else math.nan

    def _add(self, shown: int, train: float) -> None:
        if math.isfinite(train) and (self._low is None or train < self._low[1]):
            self._low = (shown, train)
        self._lately = (*self._lately, train)[-(WINDOW + 1) :]
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
        apart = (self._count - (count + 1) / 2) - (len(first) - 1) / 2  # between the middles
        return Trend(
            before, mean, start, count, first[0][0], first[-1][0], len(first), end,
            self._pace, apart, tuple(e for e, _ in first), tuple(e for e, _ in recent),
        )  # fmt: skip

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
    evaluation) and ``before_at``. A value from one epoch is not said as a mean, and a mean of
    values logged every few epochs not as one over every epoch between them.

        >>> trend_texts(Trend(0.5, 0.4, 3, 1, 3, 3), "the last epoch", one=True)
        {'recent_at': '0.4 in the last epoch', 'before_at': '0.5 in epoch 3'}
        >>> texts = trend_texts(Trend(0.6867, 0.68, 4, 3, 2, 4, 3), "the last 3 epochs", one=False)
        >>> texts["recent_at"], texts["before_at"]
        ('0.68 on average over the last 3 epochs', '0.6867 on average over epochs 2–4')
        >>> sampled = Trend(0.067, 0.051, 195, 3, 110, 120, 3, before_epochs=(110, 115, 120))
        >>> trend_texts(sampled, "", one=False)["before_at"]
        '0.067 on average over epochs 110, 115 and 120'
    """
    first, last, n = trend.before_from, trend.before_to, trend.before_count
    if first == last:
        earlier = message("monitor.unit.before_epoch", epoch=last)
    elif last - first + 1 > n:  # validated every few epochs: n values, not last - first + 1
        earlier = epochs_listed(trend.before_epochs)
    else:
        earlier = message("monitor.unit.before_epochs", first=first, last=last)
    single, mean = "monitor.trend.one", "monitor.trend.mean"
    return {
        "recent_at": message(single if one else mean, value=trend.recent, span=span),
        "before_at": message(single if n == 1 else mean, value=trend.before, span=earlier),
    }


def trend_fields(det: Detector, trend: Trend) -> dict[str, Any]:
    """The training loss from the best epoch on and lately, for an explanation. One value
    after epochs that validated without it being judged (validating every 3rd epoch) is said
    at its epoch, ``0.28 in epoch 9``: it is no mean over the last 3 epochs; a mean of three
    such values is one over ``epochs 200, 205 and 210``, not over the last 15 epochs.

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
    elif unit == "epoch" and n > trend.count:
        span = epochs_listed(trend.recent_epochs)
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


def calm_verdict(
    det: Detector, trend: Trend | None, fields: dict[str, Any], *, value: float
) -> Check:
    """GL's, PQ's or UP's explanation when a rising validation loss (now ``value``) shows no
    memorising; None when it does, or with no trend. ``plateau``: the training loss is flat
    since the best epoch, has stopped falling (:meth:`Trend.stopped`) and is not far below
    the validation loss: the model stopped learning; its ``level`` says where the training loss
    is (``not far below it``, or ``above the validation loss`` when at or above ``value``, as
    with dropout). ``neutral``, with its ``reason``: the training loss is flat so far, but
    too soon after the best to call it stopped, or it still falls but is not clearly below the
    best validation loss (:meth:`Trend.below`)."""
    if trend is None:
        return None
    name, metric = type(det).__name__.lower(), nice_name(det.metric)
    train = nice_name(det._train_name) if det._train_name else ""
    shown = {**fields, **trend_fields(det, trend)}
    if trend.fell(scale=det.best):
        if trend.below(scale=det.best):
            return None
        side = "above" if trend.recent >= det.best else "barely_below"
        level = message("monitor.trend.level_best_" + side, metric=metric)
        reason = message("monitor.trend.not_below", train=train, metric=metric, level=level)
    elif not trend.plateau(scale=det.best):
        return None
    elif trend.stopped(scale=det.best):
        side = "above" if trend.recent >= value else "close"
        level = message("monitor.trend.level_" + side, metric=metric)
        return f"{name}.plateau", {**shown, "level": level}
    else:
        reason = message("monitor.trend.too_soon", train=train)
    advice = message("monitor.gl.advice" if det.stop else "monitor.gl.advice_warn")
    return f"{name}.neutral", {**shown, "reason": reason, "advice": advice}
