"""The ``Divergence`` detector: a loss that becomes NaN or Inf, passes a limit, or grows far above
its first value (see :mod:`nngraph.monitor.detectors`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nngraph.errors import NNGraphError
from nngraph.i18n import message, numeral, times_text
from nngraph.monitor._blowup import BlowUps
from nngraph.monitor._common import Event, fmt_step
from nngraph.monitor._detector import Detector
from nngraph.monitor._names import (
    LOSS_NAMES,
    held_out_twins,
    is_metric_name,
    nice_name,
    train_twins,
)
from nngraph.monitor._never_improved import not_finite_text
from nngraph.monitor._params import _finite, _lower_is_better, _metric_name, got_text

__all__ = ["BLOWN_UP", "RECOVERED", "Divergence"]


#: The default ``factor``: a loss this many times its first value has blown up (the classroom
#: set's as well). A learning rate far too high takes the loss to 1e13 long before it overflows.
BLOWN_UP = 100.0
#: A NaN or an infinity after a last finite value at least this many times the size of the first
#: one came from values that grew (an overflow); after a smaller one, it came suddenly (a NaN in
#: the data, a 0/0 or log(0)): the text says which.
GREW = 2.0
#: After it spoke of a name, it speaks of it again only once that name's values have been back
#: to normal (finite, and below the line that fired: ``threshold``, ``factor`` times the size
#: of the first value) for this many epochs in a row: a loss at a learning rate far too high
#: bounces between 0 and 1e7 for hundreds of epochs, back under the line for a few of them at a
#: time (23 identical events in one run of 150 epochs), and that is one blow-up, not 23. A loss
#: that settles at 3 times its first value for 30 epochs and then blows up again is said again.
RECOVERED = 10


class Divergence(Detector):
    """Fires when a watched metric becomes NaN or Inf, exceeds ``threshold``, or grows above
    ``factor`` times its first value. Checked at every call that logs it (per batch too).

    ``factor`` is 100 by default, as in the classroom set: a loss 100 times its first value has
    blown up (a learning rate far too high, inputs that were not standardised), long before it
    overflows to Inf. ``factor=None`` watches for NaN, Inf and ``threshold`` only.
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

    A NaN or an Inf is explained by what came before it: values that grew (the last finite one
    at least twice the size of the first) overflowed, and the text says to lower the learning
    rate; a jump straight from an ordinary value (or a first value that is already NaN) did not,
    and the text says to check the data for NaN first (or a 0/0, a log(0) in the loss). A
    validation loss that turns NaN or Inf beside a calm training loss of its epoch (its twin:
    ``loss`` for ``val_loss``) is blamed on the validation data or its code, as every other
    detector blames it: the weights have most likely not diverged.

    It speaks once per blow-up of each name: a run whose loss keeps bouncing over the line and
    back (a learning rate far too high: 1e7, 0, 5e6, 0, ...) hears it once, not at every
    crossing. It speaks of that name again only after its values were back to normal (finite,
    below ``threshold`` and below ``factor`` times the size of the first value: under every
    line it watches) for :data:`RECOVERED` (10) epochs in a row (logged evaluations when it is
    used alone, without epoch numbers), and then blew up anew; or in a new fit
    (:meth:`resume`, :meth:`restart`). A NaN or an Inf that came suddenly (not from
    values that grew: a NaN in the data) is no blow-up: it is said again after one value back
    to normal, as before.

        >>> import nngraph as ng
        >>> d = ng.detectors.Divergence(threshold=100)
        >>> d.update(1, loss=2.5) is None, d.update(2, loss=2.3) is None
        (True, True)
        >>> d.update(3, loss=float("nan")).message_id
        'divergence.nonfinite'
        >>> d.events[0].message  # doctest: +ELLIPSIS
        'training loss became nan at step 3, straight from 2.3 without growing first: ...'
        >>> ng.detectors.Divergence().name
        'Divergence(factor=100)'
        >>> bouncing = ng.detectors.Divergence()
        >>> said = [bouncing.update(e, loss=v) for e, v in enumerate([1.0, 500, 0.0, 800, 0.5], 1)]
        >>> [e.epoch for e in said if e is not None]  # one blow-up, said once
        [2]
    """

    kind = "divergence"

    def __init__(
        self,
        threshold: float | None = None,
        *,
        factor: float | None = BLOWN_UP,
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
            factor = _growth_factor(factor)
        self.threshold, self.factor = threshold, factor
        self.metrics = _metric_names(metrics)
        keyword = "metrics" if metric is None else "metric"  # the one the user wrote
        for name in self.metrics:  # a rising accuracy is good news, not a blow-up
            _lower_is_better("Divergence", name, "monitor.error.divergence_max", keyword=keyword)
        super().__init__(metric=self.metrics[0], train_metric="", stop=stop)

    def _args(self) -> list[str]:
        args = [] if self.threshold is None else [f"{self.threshold:g}"]
        # always said: Divergence() is Divergence(factor=100), and factor=None watches less
        args.append("factor=None" if self.factor is None else f"factor={self.factor:g}")
        return args

    def __repr__(self) -> str:
        args = self._args()
        if self.metrics != LOSS_NAMES:
            args.append(f"metrics={self.metrics!r}")
        return f"Divergence({', '.join(args)})"

    def _watched_names(self) -> tuple[str, ...]:
        return self.metrics

    def _reset(self) -> None:
        # per name: the first finite nonzero value, and whether it was the first value logged
        self._first: dict[str, tuple[float, bool]] = {}
        # per validation name watched: its training twin's values in this epoch (the epoch, their
        # sum and count, the name logged), and the run's blow-ups of it (see _calm_training)
        twins = {name: train_twins(name) or held_out_twins(name) for name in self.metrics}
        self._twins_of = {name: names for name, names in twins.items() if names}
        self._training: dict[str, tuple[int, float, int, str]] = {}
        self._blow_ups_of: dict[str, BlowUps] = {}
        self._calls = 0
        self._last: dict[str, float] = {}  # per name: the last finite value
        self._finite: dict[str, int] = {}  # per name: how many finite values came
        self._logged: set[str] = set()
        # the names it spoke of, with the epochs they must be back to normal to be said again
        self._said: dict[str, int] = {}
        self._back: dict[str, int] = {}  # per name: the epoch its values are back to normal from

    def _rearm(self) -> None:
        super()._rearm()
        self._said.clear()

    def feed(
        self,
        step: float,
        metrics: Mapping[str, float],
        epoch: int | None = None,
        *,
        by_epoch: bool = False,
    ) -> Event | None:
        self._step = step
        self._calls += 1
        self._note_training(metrics, epoch)
        seen = [(name, metrics[name]) for name in self.metrics if name in metrics]
        if not seen:
            return None
        self.epoch += 1
        self._shown = self.epoch if epoch is None else epoch  # its event's epoch
        event = None
        when = _when(step, None if self._unit == "step" else epoch)
        holds = False
        for name, value in seen:
            calm_training = self._calm_training(name, value, epoch)
            found = self._check_one(name, value, when)
            if found is not None and found[0] == "divergence.nonfinite" and calm_training:
                said = {**found[1], **calm_training, "value": not_finite_text(value)}
                found = "divergence.validation_not_finite", said
            holds = holds or found is not None
            self._follow_recovery(name, calm=found is None)
            if found is not None and name not in self._said:
                sudden = found[0] == "divergence.validation_not_finite" or (
                    found[0] == "divergence.nonfinite" and not self._grew(name)
                )
                self._said[name] = 1 if sudden else RECOVERED
                self.fired = True
                self.metric = name
                event = event or self._emit(step, *found)
        self.active = holds
        return event

    def _note_training(self, metrics: Mapping[str, float], epoch: int | None) -> None:
        """Add this call's training values to those of its epoch (of this call, used alone
        without epoch numbers), per watched validation name whose training twin they are."""
        at = epoch if epoch is not None else -self._calls
        for name, twins in self._twins_of.items():
            twin = next((twin for twin in twins if twin in metrics), None)
            if twin is None:
                continue
            seen_at, total, count, _ = self._training.get(name, (at, 0.0, 0, twin))
            if seen_at != at:
                total, count = 0.0, 0
            self._training[name] = (at, total + metrics[twin], count + 1, twin)

    def _calm_training(self, name: str, value: float, epoch: int | None) -> dict[str, Any]:
        """For a validation name: its training twin's mean value at this epoch (``tr``) and
        name (``train``) where that says training is sound (calm, as GL, PQ, UP, Patience and
        Gap read it: see `BlowUps.calm`), else nothing. A NaN validation loss beside it comes
        from the validation data or its code, not from weights that diverged."""
        if name not in self._twins_of:
            return {}
        at = epoch if epoch is not None else -self._calls
        seen_at, total, count, twin = self._training.get(name, (None, 0.0, 0, ""))
        train = total / count if seen_at == at and count else None
        blow_ups = self._blow_ups_of.setdefault(name, BlowUps())
        blow_ups.add(self._shown, train, value)
        if train is None or not blow_ups.calm(train):
            return {}
        return {"train": nice_name(twin), "tr": train}

    def _follow_recovery(self, name: str, *, calm: bool) -> None:
        """Whether ``name``, which it spoke of, is back to normal: calm (finite, and under
        every line it watches) for :data:`RECOVERED` epochs in a row, one after a sudden NaN
        or Inf (see the class docstring): then it is said again when it blows up anew."""
        if not calm:
            self._back.pop(name, None)
            return
        since = self._back.setdefault(name, self._shown)
        if self._shown - since + 1 >= self._said.get(name, 0):
            self._said.pop(name, None)

    def _check_one(self, name: str, value: float, when: str) -> tuple[str, dict[str, Any]] | None:
        if name not in self._first and math.isfinite(value) and value != 0:
            self._first[name] = (value, name not in self._logged)
        self._logged.add(name)
        if not math.isfinite(value):
            return "divergence.nonfinite", {"value": str(value), "when": when, **self._cause(name)}
        self._last[name] = value
        self._finite[name] = self._finite.get(name, 0) + 1
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
                    "times": _times(ratio),
                    "when": when,
                }
        return None

    def _cause(self, name: str) -> dict[str, Any]:
        """What a NaN or an Inf of ``name`` came from, as the text's ``cause`` (and ``last``,
        the last finite value, where there is one): values that grew overflowed; a jump from
        an ordinary value, or no finite value before it, points to the data or the loss; after a
        single value (2e12, blown up already, or an ordinary one) either may be.

            >>> d = Divergence(factor=None)
            >>> for value in (0.5, 0.9, 4.0):
            ...     _ = d.update(loss=value)
            >>> d._cause("loss")["cause"]  # doctest: +ELLIPSIS
            ': training has diverged (the values grew until the numbers overflowed). ...'
        """
        if name not in self._last:
            return {"cause": message("monitor.divergence.cause.start")}
        last = self._last[name]
        if self._grew(name):
            return {"cause": message("monitor.divergence.cause.overflow"), "last": last}
        if self._finite[name] == 1:  # one value: no way to tell growth from a jump
            return {"cause": message("monitor.divergence.cause.one_value", last=last), "last": last}
        return {"cause": message("monitor.divergence.cause.sudden", last=last), "last": last}

    def _grew(self, name: str) -> bool:
        """Whether the last finite value of ``name`` is at least ``GREW`` times the size of its
        first one (and above 0): a NaN or an Inf after it came from values that grew."""
        last = self._last.get(name)
        if last is None:
            return False
        first = self._first.get(name, (last, True))[0]
        return last >= GREW * abs(first) and last > 0


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


def _growth_factor(factor: float) -> float:
    """``factor`` as :class:`Divergence` keeps it: a number above 1 (how many times its first
    value a loss must reach to count as blowing up), else an NNGraphError that says so. A
    factor of 1 or less would fire on the first value (``factor=0.5`` read as "a 50% move").

        >>> _growth_factor(100)
        100.0
        >>> _growth_factor(0.5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: Divergence factor must be above 1, got 0.5: ...
    """
    what = message("monitor.param.divergence_factor")
    value = _finite(what, factor)  # a text, a NaN: said as for any other number
    if value <= 1:
        raise NNGraphError(
            message("monitor.divergence.factor_range", what=what, value=got_text(factor))
        )
    return value


def _times(ratio: float) -> str:
    """A growth factor as a student reads it, in the current language: ``1.6``, ``12.3``
    (never ``2`` for 1.6, next to a small ``factor``, nor ``140`` for 136), and from 1,000 on
    as the other explanations write large factors (:func:`~nngraph.i18n.times_text`):
    ``2,500``, ``3 million``, ``1.0e20``, never all the digits of a loss that blew up to 1e36.

    >>> _times(1.6), _times(1.523), _times(12.34), _times(136.2), _times(999.6), _times(2500.4)
    ('1.6', '1.52', '12.3', '136', '1,000', '2,500')
    >>> _times(6e7), _times(1.0333e20)
    ('60 million', '1.0e20')
    """
    digits = f"{ratio:.3g}"
    return numeral(digits) if float(digits) < 1000 else times_text(ratio)  # 999.8: "1,000"


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
