"""Prechelt's strip-based criteria, PQ and UP: judged at strip ends, every ``k`` epochs (see
:mod:`nngraph.monitor._prechelt` for the definitions, and GL, which is judged every epoch).

- ``PQ(alpha, k)``: the generalization loss over the training progress of the last strip,
  ``GL(t) / P_k(t) > alpha``;
- ``UP(s, k)``: the validation error rose at ``s`` successive strip ends.

    >>> up = UP(s=1, k=2)
    >>> [up.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.8, 0.9, 0.95], 1)]
    [False, False, False, True]
"""

from __future__ import annotations

import math
from typing import Any

from nngraph.errors import NNGraphError
from nngraph.i18n import message, numeral, plural_message
from nngraph.monitor._detector import KEEP, Check, Detector
from nngraph.monitor._gl_reading import calm_verdict, unstable_verdict
from nngraph.monitor._jump import before
from nngraph.monitor._names import nice_name
from nngraph.monitor._oscillation import Oscillation
from nngraph.monitor._params import _count, _nonnegative
from nngraph.monitor._prechelt import (
    diverged_check,
    errors_only,
    generalization_loss,
    has_diverged,
    training_progress,
)
from nngraph.monitor._training_trend import TrainingTrend
from nngraph.monitor._trend import FLOAT_NOISE
from nngraph.monitor._wording import above_text, permille_text, plain, rising_trail

__all__ = ["PQ", "UP"]


def _progress_texts(det: PQ, fields: dict[str, Any], *, quotient: bool) -> dict[str, str]:
    """PQ's training progress and quotient as its explanations say them (``quotient``: the
    first one shows the quotient too). No progress at all gives an infinite quotient, which
    says nothing to a student: the text says there was no progress instead, and what that
    means (``reading``: training no longer helps at all, instead of "costs more than it
    gains")."""
    shown = {**fields, "train": nice_name(det._train_name) if det._train_name else ""}
    if det.progress == 0:  # no gain to weigh the cost against: training no longer helps
        return {
            "training": message("monitor.pq.progress_none", **shown),
            "ratio": message("monitor.pq.quotient_none"),
            "reading": message("monitor.pq.reading_none"),
        }
    key = "monitor.pq.progress_quotient" if quotient else "monitor.pq.progress"
    return {
        "training": message(key, **shown),
        "ratio": message("monitor.pq.quotient", **shown),
        "reading": message("monitor.pq.reading"),
    }


class PQ(Detector):
    """Prechelt's progress quotient: at each strip end, fires when ``GL / P_k > alpha``.

    ``P_k`` is the training progress over the last strip of ``k`` epochs (per mille; ``k``
    is at least 2); a flat training strip (``P_k = 0``) with any generalization loss gives an
    infinite quotient. ``metric`` must be a loss or an error (lower is better), as for
    :class:`~nngraph.monitor._prechelt.GL`.

        >>> import nngraph as ng
        >>> pq = ng.detectors.PQ(alpha=0.5, k=2)
        >>> curve = [(1.0, 1.0), (0.9, 0.9), (0.89, 0.95), (0.88, 0.99)]
        >>> [pq.update(e, loss=t, val_loss=v) is not None for e, (t, v) in enumerate(curve, 1)]
        [False, False, False, True]
    """

    needs_train = True

    def __init__(
        self,
        alpha: float = 0.5,
        k: int = 5,
        *,
        metric: str = "val_loss",
        train_metric: str | None = None,
        stop: bool = True,
    ) -> None:
        self.alpha = _nonnegative(message("monitor.param.pq_alpha"), alpha)
        self.k = _count(message("monitor.param.pq_k"), k)
        if self.k == 1:  # P_1 = 1000 * (E / E - 1) = 0 whatever training did
            raise NNGraphError(message("monitor.error.pq_k1"))
        super().__init__(metric=metric, train_metric=train_metric, stop=stop)
        errors_only(self)

    def _args(self) -> list[str]:
        return [f"{self.alpha:g}", str(self.k)]

    def _reset(self) -> None:
        self._strip: list[float] = []
        self._strip_from: int | None = None  # the epoch shown at the last strip end
        self.gl = math.nan
        self.progress = math.nan
        self._trend = TrainingTrend(spikes=True)
        self._swings = Oscillation()  # the latest evaluations: does the run oscillate?
        self._recent: tuple[float, ...] = ()  # the last 3 values (see _jump.before)

    def _restart(self) -> None:  # of the fit before, only the training value at the best
        self._trend, self._recent = self._trend.restarted(), ()
        self._swings = Oscillation()

    def _check(self, value: float, train: float | None) -> Check:
        new_best = math.isfinite(value) and value < self.best
        previous, level = before(self._recent)
        self._recent = (*self._recent[-2:], value)
        self._track_best(value)
        self._trend.add(self._shown, train, best=new_best)
        self._swings.add(self._shown, value, train)
        self._strip.append(math.nan if train is None else train)
        diverged = has_diverged(self, value)
        if self.epoch % self.k:
            return diverged_check(self, value, train) if diverged else KEEP
        strip, self._strip = self._strip, []
        since, self._strip_from = self._epochs_since(self._strip_from, self.k), self._shown
        self.gl = generalization_loss(value, self.best)
        self.progress = training_progress(strip)
        if math.isnan(self.gl) or math.isnan(self.progress):
            self.value = math.nan
        elif self.progress == 0:  # training has stopped improving at all
            self.value = math.inf if self.gl > 0 else 0.0
        elif math.isinf(self.progress):
            self.value = 0.0
        else:
            self.value = self.gl / self.progress
        if diverged:
            return diverged_check(self, value, train)
        if not self.value - self.alpha > FLOAT_NOISE * self.alpha:  # more than float rounding
            return None
        permille, floor = permille_text(self.progress, self.gl, self.alpha)  # shown GL above floor
        fields = {
            "gl": self.gl,
            "progress": self.progress,
            "permille": numeral(permille),
            "pq": self.value,
            "quotient": numeral(plain(self.value, above=self.alpha)),
            "alpha": self.alpha,
            "since": since,
            "k": self.k,
        }
        fields.update(_progress_texts(self, fields, quotient=not math.isinf(self.gl)))
        blown_up = self._blow_ups.now() is not None
        if math.isinf(self.gl) and not blown_up:  # a rise from 0 (or past the float maximum)
            return "pq.from_zero", {**fields, "best": self.best or 0.0, "value": value}
        if math.isinf(self.gl) and self.progress != 0:  # no quotient to show: from 0
            fields["ratio"] = message("monitor.pq.quotient_from_zero")
        fields["above"] = above_text(self.gl, floor, best=self.best, value=value)
        # a training loss that rose (lr too high) also gives a large P_k: not memorising
        shown = {**fields, "best": self.best, "best_epoch": self._best_shown}
        unstable = unstable_verdict(
            self, self._trend, shown, value=value, previous=previous, train=train, level=level
        )
        if math.isinf(self.gl):  # a rise from 0 on the way back down from a blow-up
            if unstable is not None:
                return unstable
            return "pq.from_zero", {**fields, "best": self.best or 0.0, "value": value}
        swings = self._swings.now()  # a run that oscillates: one more swing, not memorising
        if unstable is None and swings is not None:
            return "pq.oscillating", {**shown, **swings.fields()}
        calm = calm_verdict(self, self._trend.now(), shown, value=value)
        return unstable or calm or ("pq.fire", shown)


class UP(Detector):
    """Prechelt's ``UP_s``: fires when the validation error rose at ``s`` successive strip ends.

    Strip ends are the epochs ``k, 2k, 3k, ...``; the first strip end has nothing to compare with.
    A rise of less than a millionth of the value is float rounding, not a rise (see
    :data:`~nngraph.monitor._trend.FLOAT_NOISE`).
    ``metric`` must be a loss or an error (lower is better), as for
    :class:`~nngraph.monitor._prechelt.GL`. The training
    twin, when logged, only shapes the explanation: validation rising while training is clearly
    higher than at the best epoch, or far above its lowest value, or after a validation loss
    that jumped in one evaluation, is unstable training (learning rate too high), not
    overfitting.

        >>> import nngraph as ng
        >>> up = ng.detectors.UP(s=2, k=1)
        >>> [up.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.9, 0.95, 0.97], 1)]
        [False, False, False, True]
    """

    def __init__(
        self,
        s: int = 3,
        k: int = 5,
        *,
        metric: str = "val_loss",
        train_metric: str | None = None,
        stop: bool = True,
    ) -> None:
        self.s = _count(message("monitor.param.up_s"), s)
        self.k = _count(message("monitor.param.up_k"), k)
        super().__init__(metric=metric, train_metric=train_metric, stop=stop)
        errors_only(self)

    def _args(self) -> list[str]:
        return [str(self.s), str(self.k)]

    def _reset(self) -> None:
        self._trail: list[float] = []  # strip-end values since the last strip end that did not rise
        self.rises = 0  # successive strip ends with a rise
        self.value = 0
        self._strip_from: int | None = None  # the epoch shown at the last strip end
        self._trend = TrainingTrend(spikes=True)
        self._swings = Oscillation()  # the latest evaluations: does the run oscillate?
        self._recent: tuple[float, ...] = ()  # the last 3 values (see _jump.before)

    def _restart(self) -> None:  # of the fit before, only the training value at the best
        self._trend, self._recent = self._trend.restarted(), ()
        self._swings = Oscillation()

    def _check(self, value: float, train: float | None) -> Check:
        new_best = math.isfinite(value) and value < self.best
        previous, level = before(self._recent)
        self._recent = (*self._recent[-2:], value)
        self._track_best(value)
        self._trend.add(self._shown, train, best=new_best)
        self._swings.add(self._shown, value, train)
        diverged = has_diverged(self, value)
        if self.epoch % self.k:
            return diverged_check(self, value, train) if diverged else KEEP
        strip, self._strip_from = self._epochs_since(self._strip_from, self.k), self._shown
        if self._trail and value - self._trail[-1] > FLOAT_NOISE * abs(self._trail[-1]):
            self.rises += 1
            self._trail = [*self._trail[-self.s :], value]
        else:
            self.rises = 0
            self._trail = [value]
        self.value = self.rises
        if diverged:
            return diverged_check(self, value, train)
        if self.rises < self.s:
            return None
        trail = rising_trail(self._trail[-(self.s + 1) :])
        strips = plural_message("monitor.up.strips", self.s, strip=strip)
        fields = {
            "s": self.s,
            "k": self.k,
            "strips": strips,
            "trail": trail,
            "best": self.best,
            "best_epoch": self._best_shown,
        }
        unstable = unstable_verdict(
            self, self._trend, fields, value=value, previous=previous, train=train, level=level
        )
        swings = self._swings.now()  # a run that oscillates: one more swing, not overfitting
        if unstable is None and swings is not None:
            return "up.oscillating", {**fields, **swings.fields()}
        calm = calm_verdict(self, self._trend.now(), fields, value=value)
        return unstable or calm or ("up.fire", fields)
