"""The ``Detector`` base class every detector builds on (see :mod:`nngraph.monitor.detectors`).

How it waits for a training value logged after its evaluation is in
:mod:`nngraph.monitor._row_order`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, cast

from nngraph.errors import check_flag, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._blowup import BlowUps
from nngraph.monitor._common import (
    MAX_EVENTS,
    Event,
    as_float,
    as_step,
    step_from,
)
from nngraph.monitor._names import held_out_twins, is_validation, nice_name, train_twins
from nngraph.monitor._params import _metric_name
from nngraph.monitor._row_order import RowOrder
from nngraph.monitor._spans import Spans

__all__ = ["KEEP", "Check", "Detector"]

KEEP = object()  # "no decision at this epoch": a strip-based criterion between strip ends
Check = tuple[str, dict[str, Any]] | None | object
#: The endings of the message ids that say a metric became NaN or infinite: whichever detector
#: says it (GL after its best, Patience), it is a divergence, not overfitting or a plateau (an
#: event of kind "divergence", also where only the validation metric is not finite).
_DIVERGED = ("nonfinite", ".diverged", "not_finite")


#: Calls of :meth:`Detector.update` with validation values under other names only, after which
#: it warns: a run that logs its metric less often (every 5th epoch) has it by then. As many
#: as a ``Monitor`` waits for a watched metric (``_watched.WAIT``).
OTHER_NAMES_WARN = 10


class Detector(Spans, RowOrder):
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
    #: whether it cannot judge without the training twin (PQ's training progress, Gap's gap)
    needs_train: ClassVar[bool] = False
    _by_batches = False  # the monitor numbers its points by training batches (see _span)
    #: what the monitor's readings number its calls by: "step" in a run that has not validated
    #: yet and logs per step (its text lines say "step N"; see DetectorFeeding._unit)
    _unit: Literal["epoch", "step"] = "epoch"

    def __init__(
        self, *, metric: str = "val_loss", train_metric: str | None = None, stop: bool = True
    ) -> None:
        self.metric = _metric_name("metric", metric)
        # None: the metric's twin, "": none (a str first: an array's == answers elementwise)
        if not (train_metric is None or (isinstance(train_metric, str) and train_metric == "")):
            _metric_name("train_metric", train_metric)
        # where the training twin may be logged: valid_loss pairs with loss or train_loss,
        # eval_loss with loss
        if train_metric is None:
            twins = train_twins(metric) or held_out_twins(metric)
            train_metric = twins[0] if twins else None
        else:
            twins = (train_metric,) if train_metric else ()
        self.train_metric = train_metric
        self._twins = twins
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
        self.events: list[Event] = []  # the first MAX_EVENTS (10,000), as in the monitor
        self.value = math.nan
        self.best = math.inf
        self.best_epoch = 0
        # the monitor's epoch numbers (see feed) for the explanations only; counted
        # evaluations when used alone: `_shown` now, `_best_shown` at the best, `_origin` before
        # the first evaluation (see _find_origin; `_origin_from`: the first call's epoch, until
        # a call of a later epoch tells how many epochs each logged one stands for)
        self._shown = 0
        self._best_shown = 0
        self._origin: int | None = None
        self._origin_from: int | None = None
        self._train_name = self.train_metric  # the twin as logged (train_loss, train/loss)
        self._train_sum = 0.0
        self._train_n = 0
        self._train_epoch: int | None = None  # the epoch of those values (see feed's by_epoch)
        self._call_epoch: int | None = None  # this call's epoch, where by_epoch
        self._step = 0.0
        self._reset_rows()
        self._restarted_at: int | None = None  # the evaluations seen at the last restart
        self._blow_ups = BlowUps()  # the training loss far above where it started (GL, PQ, UP)
        self._own_seen, self._other_calls = False, 0  # see _note_other_validation
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

    def restart(self) -> None:
        """Go on in a new ``fit`` (a fresh optimizer, maybe from the best weights put back):
        :meth:`resume`, and forget what the restart makes meaningless to compare with, so
        its bump is not read as unstable training. The best value and the counts a stop
        depends on stay (``Patience`` keeps its best; ``UP`` its rises), and so does a
        blow-up of the training loss far above where the run started (see
        :mod:`~nngraph.monitor._blowup`). GL, PQ and UP keep only the training value at the
        best epoch (the first fit's comparison: see ``TrainingTrend.restarted``) and forget
        the value used for sudden jumps; Gap forgets the training trend. :meth:`Monitor.restart`
        calls it.

            >>> from nngraph.monitor.detectors import GL
            >>> gl = GL(5)
            >>> _ = [gl.update(e, loss=t, val_loss=v) for e, t, v in [(1, 0.6, 0.6), (2, 0.3, 0.4)]]
            >>> gl.restart()  # a fresh optimizer: training rises a little, no verdict on it
            >>> event = gl.update(3, loss=0.7, val_loss=0.45)  # above 0.3, its value at epoch 2
            >>> event.message_id, "fresh optimizer" in event.message
            ('gl.restarted', True)
        """
        self.resume()
        if self._held is None:  # training values since the last evaluation: before the restart
            self._train_sum, self._train_n, self._train_epoch = 0.0, 0, None
            self._train_epochs = 0
        self._restarted_at = self.epoch
        self._restart()

    def _since_restart(self) -> int | None:
        """How many evaluations came since the last :meth:`restart`, this one included; None
        without a restart."""
        return None if self._restarted_at is None else self.epoch - self._restarted_at

    def _restart(self) -> None:
        pass

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
        self._note_other_validation(clean)
        return self.feed(self._step + 1 if step is None else as_step(step), clean)

    def _watched_names(self) -> tuple[str, ...]:
        """The names it reads its values from (``Divergence`` reads several)."""
        return (self.metric,)

    def _note_other_validation(self, metrics: Mapping[str, float]) -> None:
        """Warn once when :meth:`update` has been given validation values under other names
        only (``valid_loss`` to a detector watching ``val_loss``) :data:`OTHER_NAMES_WARN`
        times, and never its own metric: it would stay silent for the whole run. (A
        ``Monitor`` says so itself, with its own rules.)"""
        if self._own_seen or any(name in metrics for name in self._watched_names()):
            self._own_seen = True
            return
        others = [name for name in metrics if is_validation(name)]
        if not others:
            return
        self._other_calls += 1
        if self._other_calls == OTHER_NAMES_WARN:
            warnings.warn(
                message("monitor.detector_other_name", detector=repr(self), metric=self.metric,
                        logged=", ".join(map(repr, others)), other=others[0],
                        again=type(self).__name__),
                UserWarning,
                stacklevel=stacklevel_outside(),
            )  # fmt: skip

    def feed(
        self,
        step: float,
        metrics: Mapping[str, float],
        epoch: int | None = None,
        *,
        by_epoch: bool = False,
    ) -> Event | None:
        """:meth:`update` for values that are already floats (the Monitor's fast path).

        ``epoch``: the monitor's number for this call's epoch, used in the explanation's words
        and in ``event.epoch`` (the decisions always count evaluations); default: the count.
        ``by_epoch``: ``epoch`` is the user's own number (``Monitor.log(epoch=...)``), the same
        for every call of that epoch. An evaluation's training error is then the mean of the
        training values logged since the evaluation before that belong to the last epoch
        number among them: validating every 5 epochs, epoch 10's training loss is epoch 10's,
        not the mean of epochs 6 to 10; validating at the start of each epoch, it is the
        epoch before's, which trained the model validated (see :func:`starts_again`).
        Without it (epochs counted by evaluations, or a detector used alone) every value since
        the evaluation before counts.

        A training value logged after an evaluation at the same step, in a call of its own
        (validation logged first: the same row in the monitor's ``records()``), is that
        evaluation's. The first time, the epoch is judged at once and again with it (an event
        already raised stays raised); from then on the detector waits for it: the epoch is
        judged at the call that logs it, or, if it never comes, at the next call that starts
        another row, or at :meth:`close`. ``Patience`` waits as well, for its words and its
        barely-moved stop (its Keras stop is known at once: see ``Patience``), but only while
        the run logs one training value a step: once several come at one step (batches logged
        with ``epoch=`` after validating first), it judges each evaluation at once, with the
        epoch before's values, as above (see :meth:`_note_batches`). ``Divergence``, without a
        twin, never waits.

            >>> from nngraph.monitor.detectors import Patience
            >>> p = Patience(1); p.feed(1.0, {"val_loss": 0.5}, epoch=6) is None
            True
            >>> print(p.feed(2.0, {"val_loss": 0.6}, epoch=7).message)  # doctest: +ELLIPSIS
            validation loss has not improved for 1 epoch (best 0.5 at epoch 6): ...
        """
        self._step = step
        self._call_epoch = epoch if by_epoch else None
        self._find_origin(epoch)
        train = self._train_value(metrics)
        value = metrics.get(self.metric)
        # a first evaluation judged again once batches show (see _note_batches), then the
        # evaluation held back until its row ended: judged before this call counts
        first = self._note_batches(step, value is None and train is not None)
        ended = self._follow_row(step, metrics, train is not None) if self._twins else None
        ended = first or ended
        if value is None:
            taken = None if train is None else self._take_train(train)
            return ended or taken  # a new row holds nothing back: then taken is None
        if train is not None:  # the last batch's, or the epoch's mean: one value more
            self._add_train(train)
        at_once = self._several and not self.waits_for_batches
        if at_once or not (self._twins and train is None and not self._row_train):
            event = self._evaluate(step, value, epoch)
        elif self._val_first:  # its training value comes next: wait for it
            self._held, event = (step, value, epoch), None
        else:
            state = self._state()
            event = self._evaluate(step, value, epoch)
            self._undo = (state, value, epoch, event is not None)
        # at most one is an event: one raised for the held evaluation holds at this one too
        return ended or event

    def close(self) -> Event | None:
        """The run has ended: judge an evaluation still waiting for a training value logged
        after it at the same step (see :meth:`feed`); returns its event, if it raises one.
        :meth:`Monitor.close` calls it.

            >>> from nngraph.monitor.detectors import GL
            >>> gl = GL(5)
            >>> for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.8, 0.9)], 1):
            ...     _ = gl.update(epoch, val_loss=va); _ = gl.update(epoch, loss=tr)
            >>> gl.update(3, val_loss=1.0) is None  # its training loss may still come
            True
            >>> gl.close().epoch
            3
        """
        return self._end_row()

    def _evaluate(
        self, step: float, value: float, epoch: int | None, *, announced: bool = False
    ) -> Event | None:
        """One evaluation: the training error is the mean of the training values since the
        last one (in its epoch: see :meth:`feed`). ``announced``: an event was raised for this
        evaluation already."""
        train = self._train_sum / self._train_n if self._train_n else None
        self._trained_since_best += self._train_epochs
        self._train_sum, self._train_n, self._train_epochs = 0.0, 0, 0
        self.epoch += 1
        self._shown = self.epoch if epoch is None else epoch
        self.fired = self.fired or announced
        self._blow_ups.add(self._shown, train, value)
        found = self._check(value, train)
        if self.best_epoch == self.epoch:  # a new best: count the training epochs from here
            self._trained_since_best = 0
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
            # the monitor's number for it, else the count; the step where its lines say steps
            epoch=math.ceil(step) if self._unit == "step" else self._shown,
            detector=self.name,
            kind="divergence" if message_id.endswith(_DIVERGED) else self.kind,
            message_id=message_id,
            message=message("monitor." + message_id, **shown),
            stop=self.stop,
            values=values,
            unit=self._unit,
        )
        if len(self.events) < MAX_EVENTS:
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

    def _check(self, value: float, train: float | None) -> Check:
        raise NotImplementedError
