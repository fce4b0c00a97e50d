"""Overfitting and divergence detectors, each usable alone or inside :class:`~nngraph.Monitor`.

Every detector is fed the same way as ``Monitor.log``: ``det.update(step, **metrics)``. It returns
an :class:`Event` (with a plain-language ``message``) the first time its condition becomes true,
and again only after the condition has been false in between. It watches ``val_loss`` unless told
another ``metric=``; detectors that also need the training error (``PQ``, ``Gap``, and ``GL`` for
its explanation) read the training twin of the metric (``val_loss`` -> ``loss``).

Epochs are counted per evaluation: epoch ``t`` is the ``t``-th call in which the watched metric
was logged (the first is epoch 1). Calls that log only training metrics (per-batch logging) do
not advance a validation-based detector; their training values are averaged into the training
error of the next evaluation, unless that call logs its own training value.

The stopping criteria of Prechelt, "Early Stopping - But When?" (1998), exactly as published:

- ``GL(alpha)``: generalization loss ``GL(t) = 100 * (E_va(t) / E_opt(t) - 1)``, with
  ``E_opt(t)`` the lowest validation error up to epoch ``t``; fires when ``GL(t) > alpha``.
- ``PQ(alpha, k)``: at the end of each training strip of ``k`` epochs (``t`` a multiple of ``k``)
  the training progress is ``P_k(t) = 1000 * (sum(E_tr over the strip) / (k * min(E_tr over the
  strip)) - 1)``; fires when ``GL(t) / P_k(t) > alpha``. A partial strip at the end of a run is
  never evaluated.
- ``UP(s, k)``: fires at the end of a strip when the validation error rose at the end of ``s``
  successive strips (``E_va(t) > E_va(t - k)``, ``s`` times in a row).

And the ones practitioners use: ``Patience`` (Keras ``EarlyStopping``), ``Divergence`` (NaN, Inf
or an exploding loss) and ``Gap`` (validation far from training: high variance).

    >>> from nngraph.monitor.detectors import GL
    >>> gl = GL(5)
    >>> for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.8, 0.9), (0.6, 0.95)], start=1):
    ...     event = gl.update(epoch, loss=tr, val_loss=va)
    >>> print(event.message)  # doctest: +ELLIPSIS
    validation loss is 5.6% above its best (0.9 at epoch 2) while training loss kept falling ...
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, cast

from nngraph.errors import NNGraphError
from nngraph.monitor._common import (
    Event,
    as_float,
    as_step,
    epochs,
    fmt_step,
    nice_name,
    train_twin,
)

__all__ = [
    "GL",
    "MESSAGES",
    "PQ",
    "UP",
    "Detector",
    "Divergence",
    "Event",
    "Gap",
    "Patience",
    "classroom",
    "generalization_loss",
    "training_progress",
]

#: Student-visible explanations, keyed by message id (``str.format`` named fields).
MESSAGES: dict[str, str] = {
    "gl.overfit": (
        "{metric} is {gl:.1f}% above its best ({best:.4g} at epoch {best_epoch}) while {train} "
        "kept falling for {since}: the model has started to memorise the training data. "
        "Stop here, or keep the best weights (restore_best)."
    ),
    "gl.stalled": (
        "{metric} is {gl:.1f}% above its best ({best:.4g} at epoch {best_epoch}) and {train} "
        "has not fallen since then either: training has stalled or become unstable "
        "(try a smaller learning rate)."
    ),
    "gl.plain": (
        "{metric} is {gl:.1f}% above its best ({best:.4g} at epoch {best_epoch}): the model is "
        "getting worse on data it does not train on."
    ),
    "pq.fire": (
        "{metric} is {gl:.1f}% above its best while {train} improved only {progress:.3g}‰ over "
        "the last {since} (quotient {pq:.3g} > {alpha:g}): each epoch now costs more on new data "
        "than it gains on training data, so the model has started to memorise."
    ),
    "up.fire": (
        "{metric} rose at the end of {s} successive strips of {strip} ({trail}): the model keeps "
        "getting worse on new data, a sign of overfitting. Best: {best:.4g} at epoch {best_epoch}."
    ),
    "patience.fire": (
        "{metric} has not improved for {since} (best {best:.4g} at epoch {best_epoch}): more "
        "training is unlikely to help."
    ),
    "divergence.nonfinite": (
        "{metric} became {value} at step {step}: training has diverged (the numbers overflowed). "
        "Lower the learning rate, check the data for NaN, or clip the gradients."
    ),
    "divergence.threshold": (
        "{metric} is {value:.4g} at step {step}, above the limit {threshold:.4g}: training is "
        "blowing up. Lower the learning rate."
    ),
    "divergence.factor": (
        "{metric} is {value:.4g} at step {step}, {ratio:.0f} times its first value "
        "({first:.4g}): training is blowing up. Lower the learning rate."
    ),
    "gap.relative": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been more than {pct:.0f}% apart for "
        "{since}: the model does much better on the data it trains on than on new data (high "
        "variance). More data, a smaller model or regularisation narrow this gap."
    ),
    "gap.absolute": (
        "{metric} ({val:.4g}) and {train} ({tr:.4g}) have been more than {threshold:.4g} apart "
        "for {since}: the model does much better on the data it trains on than on new data (high "
        "variance). More data, a smaller model or regularisation narrow this gap."
    ),
    "error.positive": "{what} must be a positive number, got {value!r}",
    "error.nonnegative": "{what} must be zero or more, got {value!r}",
    "error.mode": "mode must be 'min' or 'max', got {value!r}",
}

_KEEP = object()  # "no decision at this epoch": a strip-based criterion between strip ends
Check = tuple[str, dict[str, Any]] | None | object


def generalization_loss(e_va: float, e_opt: float) -> float:
    """Prechelt's ``GL = 100 * (E_va / E_opt - 1)``, in percent.

    For ``E_opt <= 0`` (not a published case: errors are positive) it uses
    ``100 * (E_va - E_opt) / |E_opt|``, which equals the formula whenever ``E_opt > 0``.

        >>> generalization_loss(1.1, 1.0)  # doctest: +ELLIPSIS
        10.00...
    """
    if math.isnan(e_va) or not math.isfinite(e_opt):
        return math.nan
    if e_opt > 0:
        return 100.0 * (e_va / e_opt - 1.0)
    if e_opt == 0:
        return 0.0 if e_va == 0 else math.inf
    return 100.0 * (e_va - e_opt) / -e_opt


def training_progress(strip: list[float]) -> float:
    """Prechelt's ``P_k = 1000 * (sum(strip) / (k * min(strip)) - 1)``, in per mille.

    >>> training_progress([1.0, 1.0, 1.0])
    0.0
    >>> round(training_progress([1.2, 1.1, 1.0]), 6)
    100.0
    """
    if not strip or any(math.isnan(v) for v in strip):
        return math.nan
    low = min(strip)
    mean = sum(strip) / len(strip)
    if low > 0:
        return 1000.0 * (mean / low - 1.0)
    if low == 0:
        return 0.0 if mean == 0 else math.inf
    return 1000.0 * (mean - low) / -low


def _positive(what: str, value: float) -> float:
    if not (isinstance(value, int | float) and value > 0 and math.isfinite(value)):
        raise NNGraphError(MESSAGES["error.positive"].format(what=what, value=value))
    return value


def _nonnegative(what: str, value: float) -> float:
    if not (isinstance(value, int | float) and value >= 0 and math.isfinite(value)):
        raise NNGraphError(MESSAGES["error.nonnegative"].format(what=what, value=value))
    return value


def _count(what: str, value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise NNGraphError(MESSAGES["error.positive"].format(what=what + " (an int)", value=value))
    return value


class Detector:
    """Base class: feeds one watched metric (and its training twin) to :meth:`_check`.

    Subclasses implement ``_reset()`` and ``_check(value, train)``, which returns ``None`` (the
    condition is false), ``(message_id, fields)`` (it is true) or ``_KEEP`` (no decision at this
    epoch). ``value`` is the current statistic (GL, PQ, wait, ...) for a display.

        >>> from nngraph.monitor.detectors import Patience
        >>> p = Patience(1)
        >>> [p.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.9, 0.95], 1)]
        [False, False, True]
    """

    kind: ClassVar[str] = "overfitting"

    def __init__(
        self, *, metric: str = "val_loss", train_metric: str | None = None, stop: bool = True
    ) -> None:
        self.metric = metric
        self.train_metric = train_metric if train_metric is not None else train_twin(metric)
        self.stop = stop
        self.reset()

    def reset(self) -> None:
        """Forget everything seen so far (start a new run)."""
        self.epoch = 0  # evaluations seen: the first is epoch 1
        self.active = False  # the condition holds now
        self.fired = False  # it held at least once
        self.events: list[Event] = []
        self.value = math.nan
        self.best = math.inf
        self.best_epoch = 0
        self._train_sum = 0.0
        self._train_n = 0
        self._step = 0.0
        self._reset()

    def _reset(self) -> None:
        pass

    @property
    def name(self) -> str:
        """A short label such as ``GL(5)``."""
        return repr(self)

    def _args(self) -> list[str]:
        return []

    def __repr__(self) -> str:
        args = self._args()
        if self.metric != "val_loss":
            args.append(f"metric={self.metric!r}")
        return f"{type(self).__name__}({', '.join(args)})"

    def update(self, step: float | None = None, /, **metrics: Any) -> Event | None:
        """Feed one log line; returns the new :class:`Event`, if this call raised one.

        >>> gl = GL(10)
        >>> gl.update(1, val_loss=1.0) is None, gl.update(2, val_loss=1.2) is not None
        (True, True)
        """
        clean = {name: as_float(v, name) for name, v in metrics.items()}
        return self.feed(self._step + 1 if step is None else as_step(step), clean)

    def feed(self, step: float, metrics: Mapping[str, float]) -> Event | None:
        """:meth:`update` for values that are already floats (the Monitor's fast path)."""
        self._step = step
        train = metrics.get(self.train_metric) if self.train_metric else None
        value = metrics.get(self.metric)
        if value is None:
            if train is not None:
                self._train_sum += train
                self._train_n += 1
            return None
        if train is None and self._train_n:
            train = self._train_sum / self._train_n
        self._train_sum, self._train_n = 0.0, 0
        self.epoch += 1
        found = self._check(value, train)
        if found is _KEEP:
            return None
        if found is None:
            self.active = False
            return None
        if self.active:
            return None
        self.active = self.fired = True
        message_id, fields = cast("tuple[str, dict[str, Any]]", found)
        return self._emit(step, message_id, fields)

    def _emit(self, step: float, message_id: str, fields: dict[str, Any]) -> Event:
        shown = {"metric": nice_name(self.metric), **fields}
        if self.train_metric:
            shown.setdefault("train", nice_name(self.train_metric))
        values = {k: v for k, v in fields.items() if isinstance(v, int | float)}
        event = Event(
            step=step,
            epoch=self.epoch,
            detector=self.name,
            kind=self.kind,
            message_id=message_id,
            message=MESSAGES[message_id].format(**shown),
            stop=self.stop,
            values=values,
        )
        self.events.append(event)
        return event

    def _track_best(self, value: float) -> None:
        if value < self.best:  # NaN never improves
            self.best = value
            self.best_epoch = self.epoch

    def _check(self, value: float, train: float | None) -> Check:
        raise NotImplementedError


class GL(Detector):
    """Prechelt's generalization loss: fires when ``100 * (E_va / E_opt - 1) > alpha``.

    >>> gl = GL(alpha=5)
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
        self.alpha = _nonnegative("GL alpha", alpha)
        super().__init__(metric=metric, train_metric=train_metric, stop=stop)

    def _args(self) -> list[str]:
        return [f"{self.alpha:g}"]

    def _reset(self) -> None:
        self.train_at_best: float | None = None

    def _check(self, value: float, train: float | None) -> Check:
        if value < self.best:
            self.train_at_best = train
        self._track_best(value)
        self.value = generalization_loss(value, self.best)
        if not self.value > self.alpha:
            return None
        since = self.epoch - self.best_epoch
        fields: dict[str, Any] = {
            "gl": self.value,
            "alpha": self.alpha,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "since": epochs(since),
        }
        if train is None or self.train_at_best is None:
            return "gl.plain", fields
        fields["train_value"] = train
        return ("gl.overfit" if train < self.train_at_best else "gl.stalled"), fields


class PQ(Detector):
    """Prechelt's progress quotient: at each strip end, fires when ``GL / P_k > alpha``.

    ``P_k`` is the training progress over the last strip of ``k`` epochs (per mille); a flat
    training strip (``P_k = 0``) with any generalization loss gives an infinite quotient.

        >>> pq = PQ(alpha=0.5, k=2)
        >>> curve = [(1.0, 1.0), (0.9, 0.9), (0.89, 0.95), (0.88, 0.99)]
        >>> [pq.update(e, loss=t, val_loss=v) is not None for e, (t, v) in enumerate(curve, 1)]
        [False, False, False, True]
    """

    def __init__(
        self,
        alpha: float = 0.5,
        k: int = 5,
        *,
        metric: str = "val_loss",
        train_metric: str | None = None,
        stop: bool = True,
    ) -> None:
        self.alpha = _nonnegative("PQ alpha", alpha)
        self.k = _count("PQ strip length k", k)
        super().__init__(metric=metric, train_metric=train_metric, stop=stop)

    def _args(self) -> list[str]:
        return [f"{self.alpha:g}", str(self.k)]

    def _reset(self) -> None:
        self._strip: list[float] = []
        self.gl = math.nan
        self.progress = math.nan

    def _check(self, value: float, train: float | None) -> Check:
        self._track_best(value)
        self._strip.append(math.nan if train is None else train)
        if self.epoch % self.k:
            return _KEEP
        strip, self._strip = self._strip, []
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
        if not self.value > self.alpha:
            return None
        return "pq.fire", {
            "gl": self.gl,
            "progress": self.progress,
            "pq": self.value,
            "alpha": self.alpha,
            "since": epochs(self.k),
            "k": self.k,
        }


class UP(Detector):
    """Prechelt's ``UP_s``: fires when the validation error rose at ``s`` successive strip ends.

    Strip ends are the epochs ``k, 2k, 3k, ...``; the first strip end has nothing to compare with.

        >>> up = UP(s=2, k=1)
        >>> [up.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.9, 0.95, 0.97], 1)]
        [False, False, False, True]
    """

    def __init__(
        self, s: int = 3, k: int = 5, *, metric: str = "val_loss", stop: bool = True
    ) -> None:
        self.s = _count("UP s (successive strips)", s)
        self.k = _count("UP strip length k", k)
        super().__init__(metric=metric, train_metric="", stop=stop)

    def _args(self) -> list[str]:
        return [str(self.s), str(self.k)]

    def _reset(self) -> None:
        self._trail: list[float] = []  # strip-end values since the last strip end that did not rise
        self.rises = 0  # successive strip ends with a rise
        self.value = 0

    def _check(self, value: float, train: float | None) -> Check:
        self._track_best(value)
        if self.epoch % self.k:
            return _KEEP
        if self._trail and value > self._trail[-1]:
            self.rises += 1
            self._trail = [*self._trail[-self.s :], value]
        else:
            self.rises = 0
            self._trail = [value]
        self.value = self.rises
        if self.rises < self.s:
            return None
        trail = " -> ".join(f"{v:.4g}" for v in self._trail[-(self.s + 1) :])
        return "up.fire", {
            "s": self.s,
            "k": self.k,
            "strip": epochs(self.k),
            "trail": trail,
            "best": self.best,
            "best_epoch": self.best_epoch,
        }


class Patience(Detector):
    """Keras-style early stopping: fires after ``patience`` epochs without an improvement.

    An improvement means ``value < best - min_delta`` (``mode="min"``) or ``value > best +
    min_delta`` (``mode="max"``); with ``relative=True``, ``min_delta`` is a fraction of ``|best|``.
    Smaller changes do not count and do not move ``best`` (as in Keras and Lightning).

        >>> p = Patience(2, min_delta=0.01)
        >>> [p.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.995, 0.992], 1)]
        [False, False, True]
    """

    def __init__(
        self,
        patience: int = 10,
        min_delta: float = 0.0,
        relative: bool = False,
        *,
        mode: Literal["min", "max"] = "min",
        metric: str = "val_loss",
        stop: bool = True,
    ) -> None:
        if not isinstance(patience, int) or isinstance(patience, bool) or patience < 0:
            raise NNGraphError(
                MESSAGES["error.nonnegative"].format(what="patience", value=patience)
            )
        if mode not in ("min", "max"):
            raise NNGraphError(MESSAGES["error.mode"].format(value=mode))
        self.patience = patience
        self.min_delta = _nonnegative("min_delta", min_delta)
        self.relative = relative
        self.mode = mode
        super().__init__(metric=metric, train_metric="", stop=stop)

    def _args(self) -> list[str]:
        args = [str(self.patience)]
        if self.min_delta:
            args.append(f"min_delta={self.min_delta:g}")
        if self.relative:
            args.append("relative=True")
        if self.mode != "min":
            args.append(f"mode={self.mode!r}")
        return args

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.wait = 0  # epochs without improvement (as Keras calls it)
        self.value = 0

    def improved(self, value: float) -> bool:
        """Would ``value`` count as an improvement over the best so far?"""
        delta = self.min_delta
        if self.relative:
            delta = delta * abs(self.best) if math.isfinite(self.best) else 0.0
        if self.mode == "min":
            return value < self.best - delta
        return value > self.best + delta

    def _check(self, value: float, train: float | None) -> Check:
        if self.improved(value):
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            self.value = 0
            return None
        self.wait += 1
        self.value = self.wait
        if self.wait < self.patience:
            return None
        return "patience.fire", {
            "wait": self.wait,
            "since": epochs(self.wait),
            "best": self.best,
            "best_epoch": self.best_epoch,
            "patience": self.patience,
        }


class Divergence(Detector):
    """Fires when a watched metric becomes NaN or Inf, exceeds ``threshold``, or grows above
    ``factor`` times its first value. Checked at every call that logs it (per batch too).

        >>> d = Divergence(threshold=100)
        >>> d.update(1, loss=2.3) is None, d.update(2, loss=float("nan")).message_id
        (True, 'divergence.nonfinite')
    """

    kind = "divergence"

    def __init__(
        self,
        threshold: float | None = None,
        *,
        factor: float | None = None,
        metrics: tuple[str, ...] = ("loss", "val_loss"),
        stop: bool = True,
    ) -> None:
        self.threshold = threshold
        self.factor = None if factor is None else _positive("Divergence factor", factor)
        self.metrics = tuple(metrics)
        super().__init__(
            metric=self.metrics[0] if self.metrics else "loss", train_metric="", stop=stop
        )

    def _args(self) -> list[str]:
        args = [] if self.threshold is None else [f"{self.threshold:g}"]
        if self.factor is not None:
            args.append(f"factor={self.factor:g}")
        return args

    def __repr__(self) -> str:
        args = self._args()
        if self.metrics != ("loss", "val_loss"):
            args.append(f"metrics={self.metrics!r}")
        return f"Divergence({', '.join(args)})"

    def _reset(self) -> None:
        self._first: dict[str, float] = {}
        self._active: dict[str, bool] = {}

    def feed(self, step: float, metrics: Mapping[str, float]) -> Event | None:
        self._step = step
        seen = [(name, metrics[name]) for name in self.metrics if name in metrics]
        if not seen:
            return None
        self.epoch += 1
        event = None
        for name, value in seen:
            found = self._check_one(name, value, step)
            if found is None:
                self._active[name] = False
            elif not self._active.get(name):
                self._active[name] = self.active = self.fired = True
                self.metric = name
                event = event or self._emit(step, *found)
        self.active = any(self._active.values())
        return event

    def _check_one(self, name: str, value: float, step: float) -> tuple[str, dict[str, Any]] | None:
        first = self._first.setdefault(name, value)
        where = fmt_step(step)
        if not math.isfinite(value):
            return "divergence.nonfinite", {"value": str(value), "step": where}
        if self.threshold is not None and value > self.threshold:
            return "divergence.threshold", {
                "value": value,
                "threshold": self.threshold,
                "step": where,
            }
        if self.factor is not None and math.isfinite(first) and first > 0:
            ratio = value / first
            if ratio > self.factor:
                return "divergence.factor", {
                    "value": value,
                    "first": first,
                    "ratio": ratio,
                    "step": where,
                }
        return None


class Gap(Detector):
    """Fires when validation and training differ by more than ``threshold`` for ``patience``
    evaluations in a row: the model fits its training data much better than new data.

    With ``relative=True`` (default) the gap is ``|val - train| / |train|`` (1.0 = 100%), else the
    plain difference (e.g. accuracy points). Only a gap in the bad direction counts (validation
    worse). A warning, not a reason to stop (``stop=False``).

        >>> g = Gap(threshold=0.5, patience=2)
        >>> curve = [(1.0, 1.1), (0.5, 0.8), (0.3, 0.6)]
        >>> [g.update(e, loss=t, val_loss=v) is not None for e, (t, v) in enumerate(curve, 1)]
        [False, False, True]
    """

    kind = "gap"

    def __init__(
        self,
        threshold: float = 1.0,
        *,
        patience: int = 5,
        relative: bool = True,
        mode: Literal["min", "max"] = "min",
        metric: str = "val_loss",
        train_metric: str | None = None,
        stop: bool = False,
    ) -> None:
        if mode not in ("min", "max"):
            raise NNGraphError(MESSAGES["error.mode"].format(value=mode))
        self.threshold = _nonnegative("Gap threshold", threshold)
        self.patience = _count("Gap patience", patience)
        self.relative = relative
        self.mode = mode
        super().__init__(metric=metric, train_metric=train_metric, stop=stop)

    def _args(self) -> list[str]:
        return [f"{self.threshold:g}"]

    def _reset(self) -> None:
        self._run = 0

    def _check(self, value: float, train: float | None) -> Check:
        if train is None:
            return None
        diff = value - train if self.mode == "min" else train - value
        if not self.relative:
            self.value = diff
        elif train != 0:
            self.value = diff / abs(train)
        else:
            self.value = math.inf if diff > 0 else 0.0
        self._run = self._run + 1 if self.value > self.threshold else 0
        if self._run < self.patience:
            return None
        fields: dict[str, Any] = {
            "val": value,
            "tr": train,
            "gap": self.value,
            "threshold": self.threshold,
            "since": epochs(self._run),
        }
        if self.relative:
            fields["pct"] = 100 * self.threshold
            return "gap.relative", fields
        return "gap.absolute", fields


def classroom() -> list[Detector]:
    """The default set used by ``Monitor(detectors=None)``, chosen for a classroom.

    - ``Divergence()``: stop at the first NaN/Inf loss; nothing useful happens after it, and the
      message says what to try (smaller learning rate).
    - ``GL(5, stop=False)``: the lecture's signal, as a warning: validation loss 5% above its best
      while training loss keeps falling means "the model has started to memorise". It does not
      stop training, because a small, noisy validation set (Iris: 30 points) often dips again.
    - ``Patience(20)``: the stop. Robust on noisy curves, explained in one sentence, and paired
      with ``restore_best`` a late stop costs only time, never the best model.

    Not in the default set: ``Gap``, because a wide gap appears long before validation loss turns
    (training loss heads to zero while validation loss is still falling), and a warning then
    would tell a student to stop a run that is still improving; and Prechelt's ``PQ`` and ``UP``,
    which need a strip length and are best compared side by side in a lesson on stopping rules.

        >>> [d.name for d in classroom()]
        ['Divergence()', 'GL(5)', 'Patience(20)']
    """
    return [Divergence(), GL(5.0, stop=False), Patience(20)]
