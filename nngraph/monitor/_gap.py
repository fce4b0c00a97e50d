"""The high-variance warning: :class:`Gap` fires when validation is far worse than training
for several evaluations in a row, the model fitting its training data much better than new
data. A warning, not a reason to stop (``stop=False``); the text says that training itself got
worse (unstable training) when the training loss clearly rose since the best epoch or blew up
far above where the run started and has not come back (:mod:`~nngraph.monitor._blowup`), and
that it diverged when the validation value is not a finite number (inf is no high variance).

    >>> gap = Gap(0.1, patience=2, relative=False, metric="val_acc")
    >>> curve = [(0.80, 0.78), (0.90, 0.75), (0.95, 0.74)]
    >>> events = [gap.update(e, acc=t, val_acc=v) for e, (t, v) in enumerate(curve, 1)]
    >>> events[-1].message_id, round(gap.value, 2), events[-1].stop
    ('gap.absolute', 0.21, False)
"""

from __future__ import annotations

import math
from typing import Any

from nngraph.errors import NNGraphError, check_flag
from nngraph.i18n import message, times_text
from nngraph.monitor._detector import Check, Detector
from nngraph.monitor._names import Mode, resolve_mode
from nngraph.monitor._params import _count, _nonnegative
from nngraph.monitor._training_trend import TrainingTrend
from nngraph.monitor._trend import FLOAT_NOISE
from nngraph.monitor._trend_texts import trend_fields

__all__ = ["Gap"]


class Gap(Detector):
    """Fires when validation and training differ by more than ``threshold`` for ``patience``
    evaluations in a row: the model fits its training data much better than new data.

    With ``relative=True`` (default) the gap is ``|val - train| / |train|`` (1.0 = 100%), else the
    plain difference (e.g. accuracy points). Only a gap in the bad direction counts (validation
    worse). A warning, not a reason to stop (``stop=False``). The default ``threshold`` is 1.0
    for a loss (validation twice the training loss) and 0.1 for an accuracy-like metric
    (``mode="max"``: 10% below the training value, or 0.1 with ``relative=False``): an accuracy
    can fall at most 100% below its training value, so a relative threshold of 1.0 or more is
    refused there, as one that never fires.

    A relative gap needs a metric measured from a natural 0, as a loss or an accuracy is. A
    value below 0 shows the metric has none (a Gaussian negative log-likelihood, an ELBO), and
    a gap relative to a training value that crosses 0 would be huge and mean nothing: an epoch
    with a value below 0 is not judged relatively (it breaks a run of wide gaps). Watch such a
    metric with ``relative=False``.

        >>> import nngraph as ng
        >>> g = ng.detectors.Gap(threshold=0.5, patience=2)
        >>> curve = [(1.0, 1.1), (0.5, 0.8), (0.3, 0.6)]
        >>> [g.update(e, loss=t, val_loss=v) is not None for e, (t, v) in enumerate(curve, 1)]
        [False, False, True]
    """

    kind = "gap"
    needs_train = True

    def __init__(
        self,
        threshold: float | None = None,
        *,
        patience: int = 5,
        relative: bool = True,
        mode: Mode = "auto",
        metric: str = "val_loss",
        train_metric: str | None = None,
        stop: bool = False,
    ) -> None:
        self.mode = resolve_mode(mode, metric)
        if threshold is None:
            threshold = 1.0 if self.mode == "min" else 0.1
        self.threshold = _nonnegative(message("monitor.param.gap_threshold"), threshold)
        self.patience = _count(message("monitor.param.gap_patience"), patience)
        self.relative = check_flag(message("monitor.param.gap_relative"), relative)
        if self.relative and self.mode == "max" and self.threshold >= 1:
            raise NNGraphError(
                message("monitor.error.gap_never", threshold=f"{self.threshold:g}", metric=metric)
            )
        super().__init__(metric=metric, train_metric=train_metric, stop=stop)

    def _args(self) -> list[str]:
        if self.mode != resolve_mode("auto", self.metric):  # as made again from its name
            return [f"{self.threshold:g}", f"mode={self.mode!r}"]
        return [f"{self.threshold:g}"]

    def _reset(self) -> None:
        self._run = 0
        self._run_from: int | None = None  # the epoch shown before the run (None: the start)
        self.best = math.inf if self.mode == "min" else -math.inf
        self._trend = TrainingTrend()

    def _restart(self) -> None:  # training values from before a restart are not compared
        self._trend = TrainingTrend()

    def _check(self, value: float, train: float | None) -> Check:
        better = math.isfinite(value) and (
            value < self.best if self.mode == "min" else value > self.best
        )
        if better:
            self.best, self.best_epoch, self._best_shown = value, self.epoch, self._shown
        self._trend.add(self._shown, train, best=better)
        if train is None:
            return None
        if not math.isfinite(value):  # a gap to inf says nothing of variance
            self.value, self._run, self._run_from = math.nan, 0, self._shown
            # a calm training value on the same weights (see BlowUps.calm): the validation's doing
            calm = math.isfinite(train) and (self.mode == "max" or self._blow_ups.calm(train))
            key = "gap.validation_not_finite" if calm else "gap.nonfinite"
            return key, {"val": value, "tr": train}
        diff = value - train if self.mode == "min" else train - value
        if not self.relative:
            self.value = diff
        elif train < 0 or value < 0:  # no natural 0 (see the class docstring): not judged
            self.value = math.nan
        elif train != 0:
            self.value = diff / abs(train)
        else:
            self.value = math.inf if diff > 0 else 0.0
        # above by more than float rounding: 0.8 and 0.72 are exactly 10% apart, though their
        # quotient in floats is 0.10000000000000009 (as GL's `exceeds`)
        if self.value - self.threshold > FLOAT_NOISE * (1.0 + abs(self.threshold)):
            self._run += 1
        else:
            self._run, self._run_from = 0, self._shown
        if self._run < self.patience:
            return None
        fields: dict[str, Any] = {
            "val": value,
            "tr": train,
            "gap": self.value,
            "threshold": self.threshold,
            "since": self._epochs_since(self._run_from, self._run),
        }
        trend = self._trend.now()
        if trend is not None and trend.worse(self.best, self.mode):  # unstable training
            return "gap.unstable", {
                **fields,
                **trend_fields(self, trend),
                "best_epoch": self._best_shown,
            }
        blow_up = self._blow_ups.now()
        if blow_up is not None:  # on the way back down from a blow-up: not high variance
            return "gap.blown_up", {
                **fields,
                "peak": blow_up.peak,
                "peak_epoch": blow_up.peak_epoch,
                "first": blow_up.first,
                "times": times_text(blow_up.peak / blow_up.first),
            }
        if self.relative:
            fields["pct"] = 100 * self.threshold
            return "gap.relative", fields
        return "gap.absolute", fields
