"""Prechelt's stopping criteria, exactly as published in "Early Stopping - But When?" (1998).

- ``GL(alpha)``: ``GL(t) = 100 * (E_va(t) / E_opt(t) - 1)``; fires when ``GL(t) > alpha``
  (by more than float rounding: see :func:`exceeds`).
- ``PQ(alpha, k)``: at strip ends (``t`` a multiple of ``k``), ``GL(t) / P_k(t) > alpha`` with
  ``P_k(t) = 1000 * (sum(E_tr over the strip) / (k * min(E_tr over the strip)) - 1)``, for
  ``k >= 2`` (``P_1`` is 0 whatever training did: ``PQ(alpha, 1)`` is refused).
- ``UP(s, k)``: the validation error rose at ``s`` successive strip ends.

GL and the maths are here; PQ and UP, judged at strip ends, are in
:mod:`nngraph.monitor._strips`.

Beyond the paper, all three say at once that training diverged when the validation error
becomes NaN or infinite after a finite best (a NaN makes every criterion false).

All three are defined on errors (lower is better): a metric that ``mode="auto"`` reads as higher
is better (``val_acc``, ``val_f1``, ...; see :func:`~nngraph.monitor._names.resolve_mode`) is
refused with an :class:`~nngraph.errors.NNGraphError` that suggests
``Patience(metric=..., mode="max")`` or a loss instead.

    >>> GL(5, metric="val_acc")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: GL is defined on a loss or an error (lower is better), ...
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, cast

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import as_float
from nngraph.monitor._detector import KEEP, Check, Detector
from nngraph.monitor._gl_reading import MEMORISING, UNSTABLE, corrects, gl_reading
from nngraph.monitor._jump import before
from nngraph.monitor._never_improved import not_finite_text
from nngraph.monitor._oscillation import Oscillation
from nngraph.monitor._params import _lower_is_better, _nonnegative
from nngraph.monitor._said_once import said_once
from nngraph.monitor._still_improving import LINE_VALUES, still_improving
from nngraph.monitor._training_trend import TrainingTrend
from nngraph.monitor._trend import FLOAT_NOISE
from nngraph.monitor._wording import above_text, percent_text

__all__ = [
    "GL",
    "diverged_check",
    "errors_only",
    "exceeds",
    "generalization_loss",
    "has_diverged",
    "training_progress",
]


def generalization_loss(e_va: float, e_opt: float) -> float:
    """Prechelt's ``GL = 100 * (E_va / E_opt - 1)``, in percent.

    For ``E_opt <= 0`` (not a published case: errors are positive) it uses
    ``100 * (E_va - E_opt) / |E_opt|``, which equals the formula whenever ``E_opt > 0``.

        >>> import nngraph as ng
        >>> ng.detectors.generalization_loss(1.1, 1.0)  # doctest: +ELLIPSIS
        10.00...
    """
    e_va = _number("generalization_loss", "e_va", e_va)
    e_opt = _number("generalization_loss", "e_opt", e_opt)
    if math.isnan(e_va) or not math.isfinite(e_opt):
        return math.nan
    if e_opt > 0:
        return 100.0 * (e_va / e_opt - 1.0)
    if e_opt == 0:
        return 0.0 if e_va == 0 else math.inf
    return 100.0 * (e_va / -e_opt + 1.0)  # divided first: e_va - e_opt may overflow


def exceeds(gl: float, alpha: float) -> bool:
    """Prechelt's ``GL > alpha``, where more than float rounding: a validation loss exactly
    ``alpha`` percent above its best (0.6 then 0.63 for ``alpha=5``, whose GL in floats is
    5.000000000000004, while 0.2 then 0.21 gives 4.999999999999982) does not exceed it,
    however the numbers round. A GL above ``alpha`` by less than a millionth of the value at
    the limit (:data:`~nngraph.monitor._trend.FLOAT_NOISE`, as ``UP`` ignores such a rise)
    is rounding. False for a NaN.

        >>> exceeds(5.000000000000004, 5), exceeds(5.001, 5), exceeds(float("nan"), 5)
        (False, True, False)
    """
    return gl - alpha > FLOAT_NOISE * (100.0 + abs(alpha))


def training_progress(strip: Iterable[float]) -> float:
    """Prechelt's ``P_k = 1000 * (sum(strip) / (k * min(strip)) - 1)``, in per mille.

    >>> import nngraph as ng
    >>> ng.detectors.training_progress([1.0, 1.0, 1.0])
    0.0
    >>> round(ng.detectors.training_progress([1.2, 1.1, 1.0]), 6)
    100.0
    """
    if isinstance(strip, str | bytes) or not isinstance(strip, Iterable):
        raise NNGraphError(message("monitor.error.strip", value=strip))
    try:
        items = iter(strip)
    except TypeError:  # a 0-d tensor or array: iterable by its type, not by its value
        raise NNGraphError(message("monitor.error.strip", value=strip)) from None
    strip = [_number("training_progress", f"strip[{i}]", v) for i, v in enumerate(items)]
    if not strip or any(math.isnan(v) for v in strip):
        return math.nan
    low = min(strip)
    if low == 0:
        return 0.0 if max(strip) == 0 else math.inf
    # mean / |low|, each value divided first: the sum of values near the float maximum overflows
    ratio = sum(v / abs(low) for v in strip) / len(strip)
    return 1000.0 * (ratio - 1.0 if low > 0 else ratio + 1.0)


def _number(function: str, what: str, value: object) -> float:
    """A number (int, float, numpy number or one-element tensor) as a float; NaN and
    infinities pass (they have a meaning here). Anything else is an NNGraphError."""
    try:
        return as_float(value, what)
    except NNGraphError:
        raise NNGraphError(
            message("monitor.error.helper_number", function=function, what=what, value=value)
        ) from None


def errors_only(det: Detector) -> None:
    """Refuse a higher-is-better metric: Prechelt's criteria are defined on errors."""
    _lower_is_better(type(det).__name__, det.metric)


def has_diverged(det: Detector, value: float) -> bool:
    """A validation loss that became NaN or +inf after a finite best: training has diverged
    (-inf, never a best, is not: GL fires on the values after it)."""
    return (math.isnan(value) or value == math.inf) and math.isfinite(det.best)


def diverged_check(det: Detector, value: float, train: float | None = None) -> Check:
    """GL's, PQ's or UP's explanation of a validation loss that became NaN or inf (see
    :func:`has_diverged`), said at once, not at the next strip end: no strip of training
    tells anything after it. Beside a training loss ``train`` of the same weights that is
    calm (finite, about twice its lowest at most, in no blow-up: see `BlowUps.calm`) it is the
    validation data or its code, not a diverged training. With no training value at this
    evaluation in a run that logs one (finite when last logged), it cannot tell which, and says
    both (``untold_nonfinite``)."""
    fields = {"value": not_finite_text(value), "best": det.best, "best_epoch": det._best_shown}
    name = type(det).__name__.lower()
    if det._blow_ups.calm(train):
        return f"{name}.validation_not_finite", {**fields, "tr": train}
    last = det._blow_ups.last  # the latest training value: an inf one says it diverged
    if train is None and last is not None and math.isfinite(last):
        return f"{name}.untold_nonfinite", fields
    return f"{name}.nonfinite", fields


#: GL values up to here are said as a percentage (from there on as "about N times its best")
_SAID_AS_PERCENT = 1000.0
#: rises in a row after a new best that GL says even below a high it has seen (see `GL`)
STEADY_RISES = 3


class GL(Detector):
    """Prechelt's generalization loss: fires when ``100 * (E_va / E_opt - 1) > alpha``. A
    rise of exactly ``alpha`` percent (0.6 then 0.63 for ``GL(5)``) does not fire, however the
    floats round it (see :func:`exceeds`).

    ``metric`` must be a loss or an error (lower is better); an accuracy-like metric is refused
    (use ``Patience(metric="val_acc", mode="max")`` for it).

    It fires first where Prechelt stops. After that it speaks again only when the validation
    loss rises above ``alpha`` percent over its best to a new high, above every value since it
    spoke: a noisy validation loss that wobbles around 6% above its best is said once, not at
    every wobble. A new best starts afresh once it is more than ``alpha`` percent below the
    best it spoke of (one lucky low value in a noisy curve does not), and so does
    :meth:`resume`. A new best by less than that, followed by a climb at three evaluations in a
    row to more than three times ``alpha`` percent above it, is said once even below that
    high: memorising that starts after an early spike. While it holds, a changed reading is
    said once more, forward only: a rise with no sign of memorising yet that turns into
    memorising (the training loss falls clearly below the validation loss), or one said to be
    memorising that turns out to be unstable training (the training loss spikes too); see
    :mod:`~nngraph.monitor._gl_reading`. In a
    run that oscillates (the validation loss swings up and down by more than 30%, six times in
    ten evaluations, and the training loss does not fall steadily; see
    :mod:`~nngraph.monitor._oscillation`) a rise is said to be one more swing: a learning rate
    or momentum too high, not memorising.

    >>> import nngraph as ng
    >>> gl = ng.detectors.GL(alpha=5)
    >>> [gl.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.8, 0.83, 0.85], 1)]
    [False, False, False, True]
    >>> round(gl.value, 2)  # percent above the best
    6.25
    """

    def __init__(
        self,
        alpha: float = 5.0,
        *,
        metric: str = "val_loss",
        train_metric: str | None = None,
        stop: bool = True,
    ) -> None:
        self.alpha = _nonnegative(message("monitor.param.gl_alpha"), alpha)
        super().__init__(metric=metric, train_metric=train_metric, stop=stop)
        errors_only(self)

    def _args(self) -> list[str]:
        return [f"{self.alpha:g}"]

    def _reset(self) -> None:
        self._trend = TrainingTrend(spikes=True)
        self._swings = Oscillation()  # the latest evaluations: does the run oscillate?
        self._high = -math.inf  # the highest finite value since GL last started afresh
        self._said: float | None = None  # the best when it last spoke since then
        self._said_as: tuple[float, str] | None = None  # that best, and the GL it said then
        self._recent: tuple[float, ...] = ()  # the last 3 values (see _jump.before)
        self._rises = 0  # evaluations in a row, since the best, each above the one before
        self._reading: str | None = None  # the explanation it gave last
        self._values: tuple[float, ...] = ()  # the latest validation values (improving?)
        self._told: frozenset[str] = frozenset()  # the readings it gave (some said once)
        self._first: float | None = None  # the first finite value (is the best near 0?)

    def _restart(self) -> None:  # of the fit before, only the training value at the best
        self._trend, self._recent = self._trend.restarted(), ()
        self._swings = Oscillation()

    def _rearm(self) -> None:
        super()._rearm()
        self._high, self._said, self._said_as = -math.inf, None, None

    def _check(self, value: float, train: float | None) -> Check:
        previous, level = before(self._recent)
        found = self._judge(value, train)
        if not isinstance(found, tuple):
            return found
        if self.active and corrects(self._reading, found[0]):
            Detector._rearm(self)  # its reading of this rise has changed: said again, corrected
            again = self._explain(value, previous, train, level, fresh=False)
            found = cast("tuple[str, dict[str, Any]]", again)
        if not self.active:  # said now, unless the run was told so already
            self._reading = found[0]
            if said_once(self._told, found[0]):
                self.active = True  # this rise holds: a changed reading is still said
                return KEEP
            self._told = self._told | {found[0]}
        return found

    def _judge(self, value: float, train: float | None) -> Check:
        new_best = math.isfinite(value) and value < self.best
        previous, level = before(self._recent)
        self._recent = (*self._recent[-2:], value)
        self._values = (*self._values[1 - LINE_VALUES :], value)
        if self._first is None and math.isfinite(value):
            self._first = value
        self._rises = self._rises + 1 if not new_best and value > previous else 0
        if new_best and (
            self._said is None or exceeds(generalization_loss(self._said, value), self.alpha)
        ):
            self._high, self._said = -math.inf, None  # afresh: it has improved by more than alpha
        self._track_best(value)
        self._trend.add(self._shown, train, best=new_best)
        self._swings.add(self._shown, value, train)
        self.value = generalization_loss(value, self.best)
        high = self._high
        if math.isfinite(value):
            self._high = max(high, value)
        diverged = has_diverged(self, value)  # NaN: its GL is NaN, never above alpha
        if not (exceeds(self.value, self.alpha) or diverged):
            return None
        if not (self.active or value > high or diverged or self._climbs_again()):
            return None  # a noisy rise no higher than one said
        finite = math.isfinite(self.value) and abs(self.value) < _SAID_AS_PERCENT
        said_as = (self.best, percent_text(self.value, self.alpha)) if finite else None
        if not (self.active or diverged) and said_as is not None and said_as == self._said_as:
            return None  # a new high by a hair: "5.3% above its best" again says nothing new
        if not self.active:  # said now
            self._said, self._said_as = self.best, said_as
        # while it holds, only a changed reading is said: which one, without its words
        return self._explain(value, previous, train, level, words=not self.active)

    def _climbs_again(self) -> bool:
        """Whether a rise below a high it has seen is still worth saying: the validation loss
        made a new best after it last spoke, then rose at :data:`STEADY_RISES` evaluations in a
        row to more than three times ``alpha`` percent above it (0.5 said, 0.49, 0.52, 0.55,
        0.58: a steady climb, not noise about the best it spoke of); said once for that best.
        Measured on simulated runs: on 400 flat noisy plateaus it adds 25 warnings to 1,427
        (twice ``alpha``: 106), and an overfit after an early spike is told at a median of 15
        epochs after it starts, against 50 without the rule."""
        return (
            self._said is not None
            and self.best < self._said
            and self._rises >= STEADY_RISES
            and self.value > 3 * self.alpha
        )

    def _explain(
        self,
        value: float,
        previous: float,
        train: float | None,
        level: float,
        *,
        words: bool = True,
        fresh: bool | None = None,
    ) -> Check:
        """What GL says of ``value`` above its limit; ``words=False``: only which explanation
        (see :func:`~nngraph.monitor._gl_reading.gl_reading`); ``fresh``: a rise it has not
        spoken of yet (by default, while it is not active; see
        :func:`~nngraph.monitor._still_improving.still_improving`)."""
        fields: dict[str, Any] = {
            "gl": self.value,
            "alpha": self.alpha,
            "best": self.best,
            "best_epoch": self._best_shown,
            "since": self._epochs_since(self._best_shown, self.epoch - self.best_epoch),
        }
        if not math.isfinite(value):  # "inf% above its best" says nothing to a student
            return diverged_check(self, value, train)
        if math.isinf(self.value):  # a rise from 0 (or past the float maximum): the numbers
            advice = message("monitor.gl.advice" if self.stop else "monitor.gl.advice_warn")
            best = self.best or 0.0  # -0.0 is shown as 0
            return "gl.from_zero", {**fields, "best": best, "value": value, "advice": advice}
        if words:
            fields["above"] = above_text(
                self.value, self.alpha, best=self.best, value=value, first=self._first
            )
        swings = self._swings.now()
        return gl_reading(
            self,
            self._trend,
            fields,
            value=value,
            previous=previous,
            train=train,
            level=level,
            swings=swings,
            improving=self._improving(fresh) if self._may_improve(words) else None,
            words=words,
        )

    def _may_improve(self, words: bool) -> bool:
        """Whether a wobble of a loss still improving may be GL's reading: always where it
        speaks (``words``); while a rise holds, only after a reading a wobble would still be
        (no sign of memorising, too soon to tell), as no reading is corrected back to it.
        A long rise is judged at every evaluation, and fitting its lines each time cost a
        third of a ``Monitor.log()``."""
        return words or self._reading == "gl.jumpy" or self._reading not in (*MEMORISING, *UNSTABLE)

    def _improving(self, fresh: bool | None) -> Callable[[], bool]:
        """Whether the validation loss is still improving overall, asked when needed (see
        :func:`~nngraph.monitor._still_improving.still_improving`)."""
        fresh = not self.active if fresh is None else fresh
        # (a run told it is unstable judged as one spoken of hid a memorising model's rise)
        age = self.epoch - self.best_epoch
        return lambda: still_improving(self._values, age, fresh=fresh, recent=fresh)
