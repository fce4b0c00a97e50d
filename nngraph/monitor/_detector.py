"""The ``Detector`` base class every detector builds on (see :mod:`nngraph.monitor.detectors`)."""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from nngraph.errors import NNGraphError, check_flag
from nngraph.i18n import message
from nngraph.monitor._common import (
    Event,
    as_float,
    as_step,
    counted_evaluations,
    epochs,
    is_metric_name,
    nice_name,
    resolve_mode,
    step_from,
    train_twin,
    train_twins,
)

__all__ = ["KEEP", "Check", "Detector"]

KEEP = object()  # "no decision at this epoch": a strip-based criterion between strip ends
Check = tuple[str, dict[str, Any]] | None | object
#: how to judge an evaluation again (see Detector.feed): the detector's state before it, the
#: value, the epoch and whether it raised an event
_Undo = tuple[dict[str, Any], float, int | None, bool]
#: what judging an epoch again does not roll back
_NOT_UNDONE = frozenset(
    {"_settings", "events", "_undo", "_row_step", "_row_keys", "_row_train", "_train_name"}
)


def _real(value: object) -> bool:
    """An int, float or numpy number, not a bool (``GL(True)`` is a slip, not an alpha)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _integral(value: object) -> bool:
    """An int or numpy integer, not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _positive(what: str, value: float) -> float:
    if not (_real(value) and value > 0 and math.isfinite(value)):
        raise NNGraphError(message("monitor.error.positive", what=what, value=value))
    return float(value)


def _nonnegative(what: str, value: float) -> float:
    if not (_real(value) and value >= 0 and math.isfinite(value)):
        raise NNGraphError(message("monitor.error.nonnegative", what=what, value=value))
    return float(value)


def _whole(what: str, value: int) -> int:
    if not (_integral(value) and value >= 0):
        raise NNGraphError(message("monitor.error.whole", what=what, value=value))
    return int(value)


def _finite(what: str, value: float) -> float:
    if not (_real(value) and math.isfinite(value)):
        raise NNGraphError(message("monitor.error.number", what=what, value=value))
    return float(value)


def _count(what: str, value: int) -> int:
    if not (_integral(value) and value >= 1):
        raise NNGraphError(message("monitor.error.positive_int", what=what, value=value))
    return int(value)


def _no_more_positional(call: str, names: str, more: tuple[object, ...], example: str) -> None:
    """Refuse values given by position after the ones a detector takes by position (``names``):
    ``Patience(3, 0.0, "val_acc")`` must not pass silently as some other option."""
    if more:
        got = ", ".join(repr(v) for v in more)
        raise NNGraphError(
            message("monitor.error.positional", call=call, names=names, got=got, example=example)
        )


def _lower_is_better(detector: str, metric: str, key: str = "monitor.error.prechelt_max") -> None:
    """Refuse a higher-is-better metric (one ``mode="auto"`` maximises, such as ``val_acc``)
    for a detector defined on a loss or an error; ``key`` is the catalog text that says why and
    what to use instead (fields ``detector`` and ``metric``)."""
    if resolve_mode("auto", metric) == "max":
        raise NNGraphError(message(key, detector=detector, metric=metric))


def _metric_name(what: str, value: object) -> str:
    """A metric's name (a string, not empty, blank or a bare prefix such as ``val_``, as
    ``Monitor(metric=...)`` takes it), else an NNGraphError that says so.

    >>> _metric_name("metric", " ")
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: metric must be a metric's name such as 'val_loss', got ' '
    """
    if not is_metric_name(value):
        raise NNGraphError(message("monitor.error.detector_metric", what=what, value=value))
    return cast(str, value)


class Detector:
    """Base class: feeds one watched metric (and its training twin) to :meth:`_check`.

    Subclasses implement ``_reset()`` and ``_check(value, train)``, which returns ``None`` (the
    condition is false), ``(message_id, fields)`` (it is true) or ``KEEP`` (no decision at this
    epoch). ``value`` is the current statistic (GL, PQ, wait, ...) for a display. The event's
    explanation is the catalog message ``monitor.<message_id>`` (:mod:`nngraph.i18n`), in the
    language current when the event is raised.

        >>> from nngraph.monitor.detectors import Patience
        >>> p = Patience(1)
        >>> [p.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.9, 0.95], 1)]
        [False, False, True]
    """

    kind: ClassVar[str] = "overfitting"

    def __init__(
        self, *, metric: str = "val_loss", train_metric: str | None = None, stop: bool = True
    ) -> None:
        self.metric = _metric_name("metric", metric)
        if not (train_metric is None or train_metric == ""):  # None: metric's twin, "": none
            _metric_name("train_metric", train_metric)
        self.train_metric = train_metric if train_metric is not None else train_twin(metric)
        # where the training twin may be logged: valid_loss pairs with loss or train_loss
        twins = train_twins(metric) if train_metric is None else (train_metric,)
        self._twins = tuple(name for name in twins if name)
        self.stop = check_flag("stop", stop)
        self._settings = tuple(vars(self))  # the parameters, set before any state
        self.reset()

    def reset(self) -> None:
        """Forget everything seen so far (start a new run).

        >>> from nngraph.monitor.detectors import Patience
        >>> p = Patience(1); p.update(1, val_loss=0.5); p.reset(); p.epoch
        0
        """
        self.epoch = 0  # evaluations seen: the first is epoch 1
        self.active = False  # the condition holds now
        self.fired = False  # it held at least once
        self.events: list[Event] = []
        self.value = math.nan
        self.best = math.inf
        self.best_epoch = 0
        # the monitor's epoch numbers (see feed) for the explanations only; counted
        # evaluations when used alone: `_shown` now, `_best_shown` at the best, `_origin` before
        # the first evaluation
        self._shown = 0
        self._best_shown = 0
        self._origin: int | None = None
        self._train_name = self.train_metric  # the twin as logged (train_loss, train/loss)
        self._train_sum = 0.0
        self._train_n = 0
        self._step = 0.0
        # the current row (calls at one step logging different metrics, as in the monitor's
        # records()) and, while a training value may still join it, how to judge its
        # evaluation again
        self._row_step: float | None = None
        self._row_keys: set[str] = set()
        self._row_train = False
        self._undo: _Undo | None = None
        self._reset()

    def _reset(self) -> None:
        pass

    def resume(self) -> None:
        """Go on after a stop (a second ``fit``): the condition may be announced, and stop the
        run, again where it holds; what was seen stays (``Patience`` keeps its best and waits
        ``patience`` epochs from here). :meth:`Monitor.resume` calls it.

            >>> from nngraph.monitor.detectors import Patience
            >>> p = Patience(1)
            >>> [p.update(val_loss=v) is not None for v in (1.0, 1.1, 1.2)]  # said once
            [False, True, False]
            >>> p.resume(); p.update(val_loss=1.3) is not None  # a second fit: said again
            True
        """
        self._rearm()
        self._resume()

    def _rearm(self) -> None:
        """Forget that the condition holds now: it is announced again where it holds."""
        self.active = False

    def _resume(self) -> None:
        pass

    @property
    def name(self) -> str:
        """A short label such as ``GL(5)``.

        >>> from nngraph.monitor.detectors import GL, Patience
        >>> GL(5).name, Patience(3, metric="val_acc", mode="max").name
        ('GL(5)', "Patience(3, mode='max', metric='val_acc')")
        """
        return repr(self)

    def _args(self) -> list[str]:
        return []

    def __eq__(self, other: object) -> bool:
        """Two detectors are equal when they are the same rule with the same parameters (their
        state, what they have seen, does not count): ``Patience(5) == Patience(5)``.

            >>> from nngraph.monitor.detectors import GL, Patience
            >>> Patience(5) == Patience(5), Patience(5) == Patience(6), GL(5) == Patience(5)
            (True, False, False)
        """
        if type(other) is not type(self):
            return NotImplemented
        mine = {k: getattr(self, k) for k in self._settings}
        return mine == {k: getattr(other, k) for k in other._settings}

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by parameters

    def __repr__(self) -> str:
        args = self._args()
        if self.metric != "val_loss":
            args.append(f"metric={self.metric!r}")
        return f"{type(self).__name__}({', '.join(args)})"

    def update(self, step: float | None = None, /, **metrics: Any) -> Event | None:
        """Feed one log line; returns the new :class:`Event`, if this call raised one.

        >>> from nngraph.monitor.detectors import GL
        >>> gl = GL(10)
        >>> gl.update(1, val_loss=1.0) is None, gl.update(2, val_loss=1.2) is not None
        (True, True)
        """
        step = step_from(step, metrics)
        clean = {name: as_float(v, name) for name, v in metrics.items()}
        return self.feed(self._step + 1 if step is None else as_step(step), clean)

    def feed(
        self, step: float, metrics: Mapping[str, float], epoch: int | None = None
    ) -> Event | None:
        """:meth:`update` for values that are already floats (the Monitor's fast path).

        ``epoch``: the monitor's number for this call's epoch, used in the explanation's words
        (the decisions always count evaluations); default: the count itself.

        A training value logged after an evaluation at the same step, in a call of its own
        (validation logged first: the same row in the monitor's ``records()``), is that
        evaluation's: the epoch is judged again with it, as if it had come first.

            >>> from nngraph.monitor.detectors import Patience
            >>> p = Patience(1); p.feed(1.0, {"val_loss": 0.5}, epoch=6) is None
            True
            >>> print(p.feed(2.0, {"val_loss": 0.6}, epoch=7).message)  # doctest: +ELLIPSIS
            validation loss has not improved for 1 epoch (best 0.5 at epoch 6): ...
        """
        self._step = step
        if self._origin is None:
            self._origin = 0 if epoch is None else epoch - 1
        train = self._train_value(metrics)
        if self._twins:
            self._follow_row(step, metrics, train is not None)
        value = metrics.get(self.metric)
        if value is None:
            if train is not None:
                if self._undo is not None:  # the training value of the epoch just judged
                    return self._evaluate_again(self._undo, train)
                self._train_sum += train
                self._train_n += 1
            return None
        if train is not None:
            self._train_sum, self._train_n = train, 1
        redo = bool(self._twins) and train is None and not self._row_train
        state = self._state() if redo else None
        event = self._evaluate(step, value, epoch)
        if state is not None:
            self._undo = (state, value, epoch, event is not None)
        return event

    def _follow_row(self, step: float, metrics: Mapping[str, float], has_train: bool) -> None:
        """Keep track of the current row: a call joins it at the same step with none of its
        metrics (as in the monitor); a new row can no longer take an earlier evaluation's
        training value."""
        if not (step == self._row_step and self._row_keys.isdisjoint(metrics)):
            self._row_step, self._row_keys, self._row_train, self._undo = step, set(), False, None
        self._row_keys.update(metrics)
        self._row_train = self._row_train or has_train

    def _state(self) -> dict[str, Any]:
        """What this detector has seen, copied: to judge an epoch again."""
        skip = _NOT_UNDONE.union(self._settings)
        return {k: copy.copy(v) for k, v in vars(self).items() if k not in skip}

    def _evaluate_again(self, undo: _Undo, train: float) -> Event | None:
        """Judge the last evaluation again, with ``train`` added to its training error: an
        event it raised stays raised (it is not announced again while it holds), one that
        holds only now is raised now."""
        state, value, epoch, announced = undo
        self._undo = None
        vars(self).update(state)
        self._train_sum += train
        self._train_n += 1
        return self._evaluate(self._step, value, epoch, announced=announced)

    def _evaluate(
        self, step: float, value: float, epoch: int | None, *, announced: bool = False
    ) -> Event | None:
        """One evaluation: the training error is the mean of the training values since the
        last one. ``announced``: an event was raised for this evaluation already."""
        train = self._train_sum / self._train_n if self._train_n else None
        self._train_sum, self._train_n = 0.0, 0
        self.epoch += 1
        self._shown = self.epoch if epoch is None else epoch
        self.fired = self.fired or announced
        found = self._check(value, train)
        if found is KEEP:
            return None
        if found is None:
            self.active = announced
            return None
        if self.active or announced:
            self.active = True
            return None
        self.active = self.fired = True
        message_id, fields = cast("tuple[str, dict[str, Any]]", found)
        return self._emit(step, message_id, fields)

    def _emit(self, step: float, message_id: str, fields: dict[str, Any]) -> Event:
        shown = {"metric": nice_name(self.metric), **fields}
        if self._train_name:
            shown.setdefault("train", nice_name(self._train_name))
        values = {k: v for k, v in fields.items() if isinstance(v, int | float)}
        event = Event(
            step=step,
            epoch=self.epoch,
            detector=self.name,
            kind=self.kind,
            message_id=message_id,
            message=message("monitor." + message_id, **shown),
            stop=self.stop,
            values=values,
        )
        self.events.append(event)
        return event

    def _track_best(self, value: float) -> None:
        if math.isfinite(value) and value < self.best:  # NaN or -inf (diverged) never improves
            self.best = value
            self.best_epoch = self.epoch
            self._best_shown = self._shown

    def _train_value(self, metrics: Mapping[str, float]) -> float | None:
        """The training twin's value in this call, if logged under one of its names."""
        for name in self._twins:
            value = metrics.get(name)
            if value is not None:
                self._train_name = name
                return value
        return None

    def _epochs_since(self, shown: int | None, evaluations: int) -> str:
        """``5 epochs``: from the evaluation shown as epoch ``shown`` (``None``: from before
        the first one) to now, in the user's epoch numbers; ``2 evaluations`` when both are in
        one epoch (validating twice under one ``epoch=`` number)."""
        start = (self._origin or 0) if shown is None else shown
        n = self._shown - start
        return epochs(n) if n else counted_evaluations(evaluations)

    def _check(self, value: float, train: float | None) -> Check:
        raise NotImplementedError
