"""The detectors practitioners use: ``Patience`` (Keras-style) and ``Divergence`` (``Gap`` is in
:mod:`nngraph.monitor._gap`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nngraph.errors import NNGraphError, check_flag
from nngraph.i18n import message, numeral
from nngraph.monitor._common import Event, fmt_step
from nngraph.monitor._detector import Check, Detector
from nngraph.monitor._names import LOSS_NAMES, Mode, is_metric_name, resolve_mode, train_twins
from nngraph.monitor._never_improved import Seen, reading
from nngraph.monitor._params import (
    _finite,
    _lower_is_better,
    _metric_name,
    _no_more_positional,
    _nonnegative,
    _positive,
    _whole,
)

__all__ = ["Divergence", "Patience"]


#: Evaluations after the first, none better, after which Patience says it never improved.
NOT_LEARNING = 5
#: A loss whose best is less than this fraction of its size below its first value has barely
#: moved: Patience says the model is not learning, as for one that never beat its first value.
#: Noise alone gets this close: a validation loss stuck at chance level (ln 10 = 2.3026) that
#: wobbles by 0.3% from epoch to epoch has its lowest value 20-60 epochs on up to 1.8% below
#: its first one (400 simulated runs), while a model that learns gains far more (2.3 -> 1.5 is
#: 35%).
BARELY_MOVED = 0.02


class Patience(Detector):
    """Keras-style early stopping: fires after ``patience`` epochs without an improvement.

    An improvement means ``value < best - min_delta`` (``mode="min"``) or ``value > best +
    min_delta`` (``mode="max"``; ``"auto"`` picks it for an accuracy-like metric, as
    :class:`~nngraph.Monitor` does); with ``relative=True``, ``min_delta`` is a fraction of ``|best|``.
    Smaller changes do not count and do not move ``best`` (as in Keras and Lightning), so with
    ``min_delta`` the explanation says "has not improved by more than 0.01 for 3 epochs (since
    0.72 at epoch 5)": measured from the last value that counted, which a smaller gain after it
    may have beaten (the monitor's best epoch can be a later one).

    Without ``min_delta``, a metric whose best is its first value (after 5 or more worse ones)
    is said never to have improved, and a loss (``mode="min"``) whose best is less than 2% of
    its size (``max(|first|, |best|)``) below its first value to have barely moved: both read
    "the model is not learning, or fits its training data from the start" instead of "more
    training is unlikely to help" (a loss stuck at chance level wobbles that much by noise
    alone). An accuracy (``mode="max"``) is not judged by its size: 0.985 -> 0.992 on MNIST is
    under 1% of the value, yet halves the error. What follows "not learning, or fits its
    training data from the start" is only the reading the numbers support (see
    :mod:`nngraph.monitor._never_improved`): Patience waits for nothing else, but it reads the
    metric's training twin (``loss`` for ``val_loss``) where it is logged.

        >>> import nngraph as ng
        >>> p = ng.detectors.Patience(2, min_delta=0.01)
        >>> [p.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.995, 0.992], 1)]
        [False, False, True]
        >>> p.events[0].kind  # no improvement: overfitting, or a model that never learned
        'plateau'
    """

    kind = "plateau"

    def __init__(
        self,
        patience: int = 10,
        min_delta: float = 0.0,
        *more: object,
        relative: bool = False,
        mode: Mode = "auto",
        metric: str = "val_loss",
        stop: bool = True,
    ) -> None:
        # only patience and min_delta by position: Patience(3, 0.0, "val_acc") is refused, not
        # taken as relative=True (it once was: a truthy string, and val_loss still watched)
        if more:
            _no_more_positional(
                "Patience",
                "patience, min_delta",
                more,
                _patience_example(patience, min_delta, more),
            )
        self.patience = _whole(message("monitor.param.patience"), patience)
        self.min_delta = _nonnegative(message("monitor.param.min_delta"), min_delta)
        self.relative = check_flag(message("monitor.param.relative"), relative)
        if self.relative and self.min_delta >= 1:  # a loss would have to fall by 100% or more
            raise NNGraphError(
                message(
                    "monitor.error.relative_min_delta",
                    value=min_delta,
                    fraction=f"{self.min_delta / 100:g}",
                )
            )
        self.mode = resolve_mode(mode, metric)
        super().__init__(metric=metric, train_metric="", stop=stop)
        # the training twin, read for the explanation only: Patience never waits for it
        self._seen_names = train_twins(self.metric)

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
        # the first finite value, its evaluation and the epoch shown for it
        self._first, self._first_epoch, self._first_shown = math.nan, 0, 0
        # the training twin (explanations only): its name as logged, the sum and count of its
        # values since the last evaluation, its latest evaluation's mean and first finite one
        self._seen_name: str | None = None
        self._seen_sum, self._seen_n = 0.0, 0
        self._seen_now = self._seen_first = math.nan

    def feed(
        self, step: float, metrics: Mapping[str, float], epoch: int | None = None
    ) -> Event | None:
        """:meth:`Detector.feed`, after noting the training twin's value, if this call logs it
        (for the explanation only: the evaluation is judged as without it)."""
        for name in self._seen_names:
            if name in metrics:
                self._seen_name = name
                self._seen_sum += metrics[name]
                self._seen_n += 1
                break
        return super().feed(step, metrics, epoch)

    def _see_training(self) -> None:
        """This evaluation's training twin: the mean of its values since the last one (the
        latest one kept where none came since)."""
        if self._seen_n:
            self._seen_now = self._seen_sum / self._seen_n
            self._seen_sum, self._seen_n = 0.0, 0
            if math.isnan(self._seen_first) and math.isfinite(self._seen_now):
                self._seen_first = self._seen_now

    def _resume(self) -> None:
        self.wait = self.value = 0  # a second fit waits `patience` epochs again (Keras too)

    def improved(self, value: float) -> bool:
        """Would ``value`` count as an improvement over the best so far? (NaN or an infinity,
        a diverged run, never does.)"""
        if not math.isfinite(value):
            return False
        delta = self.min_delta
        if self.relative:
            delta = delta * abs(self.best) if math.isfinite(self.best) else 0.0
        if self.mode == "min":
            return value < self.best - delta
        return value > self.best + delta

    def _check(self, value: float, train: float | None) -> Check:
        self._see_training()
        if self.improved(value):
            if math.isnan(self._first):  # the first finite value: always an improvement
                self._first, self._first_epoch, self._first_shown = value, self.epoch, self._shown
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            self._best_shown = self._shown
            self.value = 0
            return None
        self.wait += 1
        self.value = self.wait
        if self.wait < self.patience:
            return None
        if not math.isfinite(self.best):  # no finite value yet: there is no best to speak of
            since = self._epochs_since(None, self.epoch)
            return "patience.never", {"since": since, "patience": self.patience}
        fields: dict[str, Any] = {
            "wait": self.wait,
            "since": self._epochs_since(self._best_shown, self.wait),
            "best": self.best,
            "best_epoch": self._best_shown,
            "patience": self.patience,
        }
        if not self.min_delta:
            if self.wait < NOT_LEARNING:  # too few worse values to tell
                return "patience.fire", fields
            # nothing did better than the first value in 5 or more: it never improved
            if self.best_epoch == self._first_epoch:
                return "patience.never_improved", {**fields, "reading": self._reading(value)}
            gain = self._gain()
            if gain < BARELY_MOVED:  # a loss that beat its first value by noise alone
                return "patience.barely_improved", {
                    **fields,
                    "first": self._first,
                    "first_epoch": self._first_shown,
                    "pct": 100 * gain,
                    "reading": self._reading(value),
                }
            return "patience.fire", fields
        # with min_delta, `best` is the last value that counted, not the best value seen (a
        # smaller gain after it does not move it): the text names it as what it is
        if self.relative:
            return "patience.fire_relative", {**fields, "pct": 100 * self.min_delta}
        return "patience.fire_delta", {**fields, "delta": self.min_delta}

    def _reading(self, value: float) -> str:
        """What a metric that never improved (or barely moved) says, read from ``value`` (now),
        the best and the training twin where it is logged."""
        train = {"train_now": self._seen_now, "train_first": self._seen_first}
        return reading(Seen(self.metric, self.mode, value, self.best, self._seen_name, **train))

    def _gain(self) -> float:
        """How far the best lies below the first finite value, as a fraction of the larger of
        their sizes (a negative loss, one that starts at 0, too); ``inf`` for an accuracy
        (``mode="max"``), which is not judged by its size (see the class docstring).

            >>> p = Patience(2)
            >>> for epoch, value in enumerate([2.0, 1.99, 2.1, 2.2], 1):
            ...     _ = p.update(epoch, val_loss=value)
            >>> round(p._gain(), 6)
            0.005
        """
        scale = max(abs(self._first), abs(self.best))
        if self.mode == "max" or not scale:
            return math.inf
        return (self._first - self.best) / scale


def _patience_example(patience: object, min_delta: object, more: tuple[object, ...]) -> str:
    """The call the student probably meant, for values given by position after ``min_delta``.

    >>> _patience_example(3, 0.0, ("val_acc",)), _patience_example(3, 0.1, (True,))
    ("Patience(3, metric='val_acc')", 'Patience(3, 0.1, relative=True)')
    """
    first = more[0]
    if isinstance(first, str):
        return f"Patience({patience!r}, metric={first!r})"
    if isinstance(first, bool):
        return f"Patience({patience!r}, {min_delta!r}, relative={first!r})"
    return f"Patience({patience!r}, mode='max', metric='val_acc')"


class Divergence(Detector):
    """Fires when a watched metric becomes NaN or Inf, exceeds ``threshold``, or grows above
    ``factor`` times its first value. Checked at every call that logs it (per batch too).
    The first value that counts is the first finite, nonzero one, and the growth is measured
    against its size: ``value > factor * |first|``. So a loss that starts at 0 or below 0
    (a negative log-likelihood) is caught too when it blows up (``-1.0, -0.5, 5.0, 1e6``:
    ``1e6`` is a million times the size of ``-1``), while one that falls further below 0
    (``-1 -> -200``) is improving, and never fires.
    ``metrics``: the names watched, one (``"val_loss"``) or several; by default every name of
    the loss the Monitor recognises (``loss``, ``train_loss``, ``train/loss``, ``val_loss``,
    ``valid_loss``, ``val/loss``, ...). ``metric="val_loss"``, as every other detector takes
    it, watches that one name (giving both is refused). A loss blows up, an accuracy does not:
    a higher-is-better metric (one ``mode="auto"`` maximises, such as ``val_acc``) is refused
    with an :class:`~nngraph.errors.NNGraphError`, as ``GL``, ``PQ`` and ``UP`` refuse it.

        >>> import nngraph as ng
        >>> d = ng.detectors.Divergence(threshold=100)
        >>> d.update(1, loss=2.3) is None, d.update(2, loss=float("nan")).message_id
        (True, 'divergence.nonfinite')
    """

    kind = "divergence"

    def __init__(
        self,
        threshold: float | None = None,
        *,
        factor: float | None = None,
        metrics: str | tuple[str, ...] = LOSS_NAMES,
        metric: str | None = None,
        stop: bool = True,
    ) -> None:
        if metric is not None:  # one name, as the other detectors take it
            if metrics is not LOSS_NAMES:
                raise NNGraphError(message("monitor.divergence.metric_and_metrics", metric=metric))
            metrics = _metric_name("metric", metric)
        if threshold is not None:
            threshold = _finite(message("monitor.param.divergence_threshold"), threshold)
        if factor is not None:
            factor = _positive(message("monitor.param.divergence_factor"), factor)
        self.threshold, self.factor = threshold, factor
        self.metrics = _metric_names(metrics)
        for name in self.metrics:  # a rising accuracy is good news, not a blow-up
            _lower_is_better("Divergence", name, "monitor.error.divergence_max")
        super().__init__(metric=self.metrics[0], train_metric="", stop=stop)

    def _args(self) -> list[str]:
        args = [] if self.threshold is None else [f"{self.threshold:g}"]
        if self.factor is not None:
            args.append(f"factor={self.factor:g}")
        return args

    def __repr__(self) -> str:
        args = self._args()
        if self.metrics != LOSS_NAMES:
            args.append(f"metrics={self.metrics!r}")
        return f"Divergence({', '.join(args)})"

    def _reset(self) -> None:
        # per name: the first finite nonzero value, and whether it was the first value logged
        self._first: dict[str, tuple[float, bool]] = {}
        self._logged: set[str] = set()
        self._active: dict[str, bool] = {}

    def _rearm(self) -> None:
        super()._rearm()
        self._active.clear()

    def feed(
        self, step: float, metrics: Mapping[str, float], epoch: int | None = None
    ) -> Event | None:
        self._step = step
        seen = [(name, metrics[name]) for name in self.metrics if name in metrics]
        if not seen:
            return None
        self.epoch += 1
        self._shown = self.epoch if epoch is None else epoch  # its event's epoch
        event = None
        when = _when(step, epoch)
        for name, value in seen:
            found = self._check_one(name, value, when)
            if found is None:
                self._active[name] = False
            elif not self._active.get(name):
                self._active[name] = self.active = self.fired = True
                self.metric = name
                event = event or self._emit(step, *found)
        self.active = any(self._active.values())
        return event

    def _check_one(self, name: str, value: float, when: str) -> tuple[str, dict[str, Any]] | None:
        if name not in self._first and math.isfinite(value) and value != 0:
            self._first[name] = (value, name not in self._logged)
        self._logged.add(name)
        if not math.isfinite(value):
            return "divergence.nonfinite", {"value": str(value), "when": when}
        if self.threshold is not None and value > self.threshold:
            return "divergence.threshold", {
                "value": value,
                "threshold": self.threshold,
                "when": when,
            }
        if self.factor is not None and name in self._first:
            first, was_first = self._first[name]
            ratio = value / abs(first)  # a value below 0 never blows up: it only improves
            if ratio > self.factor:
                plain = was_first and first > 0  # "times its first value" says it all
                return "divergence.factor" if plain else "divergence.factor_size", {
                    "value": value,
                    "first": first,
                    "ratio": ratio,
                    "times": numeral(_times(ratio)),
                    "when": when,
                }
        return None


def _when(step: float, epoch: int | None) -> str:
    """Where a value blew up, in the unit of the monitor's text lines: ``at epoch 21`` when
    logged per epoch, ``at step 1234 (epoch 3)`` per batch, ``at step 21`` used alone.

        >>> _when(21.0, 21), _when(1234.0, 3), _when(21.0, None)
        ('at epoch 21', 'at step 1234 (epoch 3)', 'at step 21')
    """
    if epoch is None:
        return message("monitor.divergence.at_step", step=fmt_step(step))
    if step == epoch:
        return message("monitor.divergence.at_epoch", epoch=epoch)
    return message("monitor.divergence.at_step_epoch", step=fmt_step(step), epoch=epoch)


def _times(ratio: float) -> str:
    """A growth factor as a student reads it: ``1.6``, ``12.3``, ``250`` (never ``2`` for 1.6).

    >>> _times(1.6), _times(1.523), _times(12.34), _times(2500.4)
    ('1.6', '1.52', '12.3', '2500')
    """
    return f"{ratio:.3g}" if ratio < 100 else f"{ratio:.0f}"


def _metric_names(metrics: object) -> tuple[str, ...]:
    """One name (``"val_loss"``) or several, as a tuple; anything else (a blank name too, as
    ``Monitor(metric=...)`` refuses it) is an NNGraphError."""
    names: tuple[object, ...] = ()
    if isinstance(metrics, str):
        names = (metrics,)
    elif isinstance(metrics, list | tuple | set | frozenset):
        names = tuple(metrics)
    if not names or not all(is_metric_name(name) for name in names):
        raise NNGraphError(message("monitor.error.metrics", got=metrics))
    return tuple(str(name) for name in names)
