"""The monitor's epoch numbers: counted from validation calls, or the user's own ``epoch=``.

:class:`EpochCounting` is the part of :class:`~nngraph.monitor.Monitor` that says which epoch a
``log()`` call belongs to. By default each call with a validation metric (``val_loss``,
``valid_loss``, ``val/loss``, ...) ends an epoch; before the first one every row counts as an
epoch (a run that logs only its training loss: each call, or the calls of one step that log
different metrics, ``acc`` after ``loss``), and the first validation makes the points logged
before it epoch 1 (an event keeps the epoch it was stamped with). Once the user passes
``epoch=``, their numbers are shown instead. A run whose first ``log()`` is at step 0 counts
from 0, as its steps do: each row before any validation, and the validations if the first
comes at step 0 (:meth:`EpochCounting._first_validation`), so the zero-based
``for epoch in range(n): mon.log(epoch, ...)`` shows the loop's own numbers; an event added
from outside before the first ``log()`` (a GradientWatch finding in the first batches) gets
that call's epoch (:meth:`EpochCounting._stamp_waiting`). A call at the same step as the one
before that logs other metrics (``val_acc`` after ``val_loss``) joins that call's row, as in
``records()``, so it stays in the epoch that call ended.

Three mistakes are said once each, in a warning:

- a validation metric logged again at a step that already holds it, without ``epoch=`` (the
  "evaluate and log" cell run again): it is kept in the history, in the epoch of the first, but
  ends no new epoch, and the detectors do not judge it (:meth:`EpochCounting._earlier_eval_epoch`);
- steps that look like the loop's epoch numbers, which only ``epoch=`` makes the monitor
  show: validation every few calls of a loop whose step goes up by one per epoch
  (``for epoch in range(1, 101): mon.log(epoch, ...)`` validating every 5th epoch), or a loop
  resumed at a later epoch (``range(100, 126)``, counted from 1); see `_step_numbers`.

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False, detectors=[])
    >>> mon.log(1, loss=0.9); mon.log(2, loss=0.8, valid_loss=0.7); mon.log(3, loss=0.6)
    >>> mon.epoch
    1
    >>> mon.log(epoch=15, loss=0.5, valid_loss=0.6); mon.epoch
    15
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._common import Event, fmt_step
from nngraph.monitor._names import is_validation
from nngraph.monitor._step_numbers import MAX_EPOCH, StepNumbering

if TYPE_CHECKING:
    from nngraph.monitor._history import Series

__all__ = ["MAX_EPOCH", "EpochCounting"]


class EpochCounting(StepNumbering):
    """Epoch bookkeeping for :class:`~nngraph.monitor.Monitor` (``epoch``); the monitor calls
    :meth:`_advance_epoch` once per ``log()``.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False)
        >>> mon.log(1, loss=0.5); mon.log(1, val_loss=0.6); mon.epoch
        1
    """

    metric: str
    series: dict[str, Series]
    _step_offset: float  # StepOrdering's: what it adds to steps that went back

    def _init_epochs(self) -> None:
        self._calls = 0
        self._evals = 0
        # epoch= given by the user: its number, whether a validation call closed it, and the
        # number `epoch` shows (None while the user has never passed epoch=)
        self._given: int | None = None
        self._given_closed = False
        self._given_done = 0
        self._given_first: int | None = None  # the first epoch= number: 0 for a zero-based loop
        #: where the run's epoch numbers start, where its first logged epoch comes later (a
        #: Lightning run resumed at epoch 3 of a count from 0; see `_count_epochs_from`)
        self._numbered_from: int | None = None
        self._user_epochs = False  # the user passed epoch= (not only step 0 read as epoch 0)
        # the first call was at step 0: calls before any validation are numbered from 0, and a
        # first validation at step 0 is epoch 0 (cleared by a first validation at a later step)
        self._zero_start = False
        # whether epoch 0, and a later epoch, logged a training metric (loss, not val_loss): an
        # epoch 0 that only evaluated, before epochs that trained, was a baseline
        self._trained_at_0 = False
        self._trained_later = False
        # events from outside log() (a GradientWatch's) added before the first log(), stamped
        # with the epoch then in progress: that log() says how the run numbers its epochs
        self._unstamped: list[Event] = []
        # the current row: consecutive calls at one step logging different metrics (records())
        self._row: dict[str, float] = {}
        self._rows = 0  # rows so far: the current one is number `_rows`
        self._row_step: float | None = None
        self._row_epoch = 0
        self._row_closed = False  # a validation call in this row ended its epoch
        self._evaluated_again = False  # this call's row logged a validation again at its step
        self._repeat_said = False
        # the names of the last call when it logged validation metrics only (else empty): the
        # same one again, alone, comes from a loop over validation batches
        self._validated_only: frozenset[str] = frozenset()
        self._per_batch_run = 0  # validation-only calls in a row that repeat a metric (see below)
        self._per_batch_runs = 0  # how many such runs began
        # rows that logged a training metric, and how many of them each validation metric
        # came in: one that came in every such row is logged once an epoch, not per batch
        self._training_rows = 0
        self._with_training: dict[str, int] = {}
        # whether every call so far named its step, a whole number one more than the last
        # (one call per epoch), and the step of the first validation (None: not yet)
        self._epoch_like = True
        self._first_eval_step: float | None = None
        self._epoch_steps_said = False
        self._first_step: float | None = None  # the first call's step, named without epoch=
        self._resumed_said = False

    def _check_epoch(self, given: int) -> None:
        """Refuse an ``epoch=`` number below the last epoch, logged with ``epoch=`` or counted
        before (validation calls): one monitor follows one run, and its explanations count
        epochs from its best one. The same number again (several calls in one epoch) is fine.

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False); mon.log(epoch=3, val_loss=0.5)
            >>> mon.log(epoch=1, val_loss=0.4)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            nngraph.errors.NNGraphError: epoch=1 goes back: the last epoch logged was 3. ...

        A number above :data:`MAX_EPOCH` is refused too: the history could not keep it.
        """
        if given > MAX_EPOCH:
            raise NNGraphError(message("monitor.error.epoch_range", epoch=given, limit=MAX_EPOCH))
        if given < 0:  # before anything was logged "goes back from epoch 0" would puzzle
            raise NNGraphError(message("monitor.error.epoch_negative", epoch=given))
        last = self._given_done if self._given is not None else self._counted_epochs()
        if given < last:
            raise NNGraphError(
                message("monitor.error.epoch_back", epoch=given, last=last, next=last + 1)
            )

    def _advance_epoch(
        self, step: float, given: int | None, values: Mapping[str, float], *, named: bool
    ) -> int:
        """The epoch this log() call at ``step`` belongs to (``given``: its ``epoch=``;
        ``named``: the user gave the step); a call with a validation metric ends it, unless it
        joins the row of a call that already did, or logs one again at its step (then
        ``_evaluated_again`` is true until a call starts another row)."""
        is_eval = any(is_validation(name) for name in values)
        if self._calls == 1:  # the run's first call
            self._zero_start = named and given is None and step == 0
            self._first_step = step if named and given is None else None
        self._user_epochs = self._user_epochs or given is not None
        joined = self._joins_row(step, values)
        if not joined:  # before the epoch is read: without validation, rows are counted
            self._rows += 1
            self._count_training_row()
        self._epoch_like = self._epoch_like and named and given is None and step.is_integer()
        training_joined = joined and not is_eval  # `acc` logged after `loss`: the same epoch
        if self._row_step is not None and step != self._row_step + 1 and not training_joined:
            self._epoch_like = False  # two calls at one step: batches and a validation, maybe
        if given is None:
            self._check_validation_batches(step, values, named=named)
        repeated = self._earlier_eval_epoch(step, values, given=given is not None)
        # a call that joins the row of one evaluated again (its training loss) is part of it
        self._evaluated_again = repeated is not None or (joined and self._evaluated_again)
        if repeated is not None:
            epoch = repeated  # the cell run again: the epoch of the first, no new one
        elif joined and self._row_closed and given is None:
            epoch = self._row_epoch  # val_acc logged after val_loss at the same step
        else:
            epoch = self._next_epoch(given, is_eval, step)
            if is_eval and given is None and not self._user_epochs:
                self._check_step_epochs(step, self.epoch)
        if not all(is_validation(name) for name in values):
            self._trained_at_0 = self._trained_at_0 or epoch == 0
            self._trained_later = self._trained_later or epoch > 0
        if joined:
            self._row.update(values)
            self._row_closed = self._row_closed or is_eval
        else:
            self._row, self._row_step, self._row_closed = dict(values), step, is_eval
        self._row_epoch = epoch
        if given is None and not self._user_epochs:
            self._check_resumed_steps(step, is_eval=is_eval, new_row=not joined)
        self._validated_only = frozenset(values) if all(map(is_validation, values)) else frozenset()
        return epoch

    def _earlier_eval_epoch(
        self, step: float, values: Mapping[str, float], *, given: bool
    ) -> int | None:
        """The epoch of an earlier validation at ``step`` when this call logs one of its
        validation metrics again, said once in a warning: with the same value, the "evaluate
        and log" cell run again (or the same epoch evaluated twice); with another, a value per
        validation batch, of which only the first counts. Under one ``epoch=`` number (``given``)
        another value validates twice in the epoch, as documented; logged alone right after the
        first, with nothing between (a loop over validation batches, maybe), that is said once.
        ``None`` for a call that logs none again.

            >>> import warnings
            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False)
            >>> for epoch in range(1, 4): mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     mon.log(3, loss=0.3, val_loss=1 / 3)  # the cell run again
            >>> mon.epoch, str(caught[0].message)  # doctest: +ELLIPSIS
            (3, 'nngraph Monitor: val_loss was logged for step 3 already, with the same value: did...')
        """
        for name, value in values.items():
            series = self.series.get(name) if is_validation(name) else None
            if series is None or series.last is None:
                continue
            if series.last[0] != step:
                continue
            # the same value: the evaluation run again; another: one per validation batch
            before = series.last[1]
            again = _same(value, before)
            if given and not again:  # validated again in the epoch: counted, as documented
                if name in self._validated_only and all(map(is_validation, values)):
                    self._say_back_to_back(name, before)
                continue
            epoch = int(series.epochs[-1])
            if not self._repeat_said:
                self._repeat_said = True
                text = message(
                    "monitor.warn.eval_repeated" if again else "monitor.warn.eval_per_batch",
                    metric=name,
                    step=fmt_step(step),
                    epoch=epoch,
                    first=before,
                    next=fmt_step(step + 1),
                )
                warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
            return epoch
        return None

    def _check_validation_batches(
        self, step: float, values: Mapping[str, float], *, named: bool
    ) -> None:
        """Warn once where a validation metric comes again right after its last value, alone,
        with nothing logged between and training logged before, at steps the monitor counts or
        one apart, a third time in a row or in a second epoch: one value per validation batch,
        each counted as an epoch (the steps of one that validates at its own global step, 30,
        60, 90, are the user's epochs; one more validation after the loop is no pattern). Where
        every row that logged a training metric logged this validation metric too, only a third
        time in a row: two validations between such rows are a run that logs its training loss
        every 3rd epoch, not two validation batches (a summary row with the batches' mean)."""
        repeated = [name for name in values if name in self._validated_only]
        last = self.series[repeated[0]].last if repeated else None
        if (
            last is None
            or not all(map(is_validation, values))
            or all(map(is_validation, self.series))  # no training logged: a validation-only run
            or last[0] == step  # `_earlier_eval_epoch`'s case
            or _same(values[repeated[0]], last[1])
            or (named and step != last[0] + 1)
        ):
            self._per_batch_run = 0
            return
        self._per_batch_run += 1
        self._per_batch_runs += self._per_batch_run == 1
        with_each = self._with_training.get(repeated[0], 0) == self._training_rows
        if self._per_batch_run == 2 or (self._per_batch_runs == 2 and not with_each):
            self._say_back_to_back(repeated[0], last[1])

    def _count_training_row(self) -> None:
        """Count the row that ends now, if it logged a training metric (see ``_with_training``)."""
        if all(map(is_validation, self._row)):
            return
        self._training_rows += 1
        for name in self._row:
            if is_validation(name):
                self._with_training[name] = self._with_training.get(name, 0) + 1

    def _say_back_to_back(self, metric: str, before: float) -> None:
        """Warn once that a validation metric came again under one ``epoch=`` with nothing
        logged since its last value: each counts as a validation, and per batch that stops a
        run early (Patience counts the batches)."""
        if not self._repeat_said:
            self._repeat_said = True
            epoch = int(self.series[metric].epochs[-1])
            text = message(
                "monitor.warn.eval_back_to_back", metric=metric, epoch=epoch, first=before
            )
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())

    def _joins_row(self, step: float, values: Mapping[str, float]) -> bool:
        """Whether a call joins the current row: the same step, and none of its metrics."""
        return step == self._row_step and self._row.keys().isdisjoint(values)

    def _next_epoch(self, given: int | None, is_eval: bool, step: float) -> int:
        """The epoch of a call at ``step`` that starts a new row, or adds to one still open."""
        self._evals += is_eval
        if given is None and self._given is None and is_eval and self._evals == 1:
            given = self._first_validation(step)
        if given is None and self._given is None:  # counting: validations end epochs
            # before any validation each row counts, as `epoch` does (a run logging only `loss`)
            return self.epoch if is_eval or not self._evals else self._evals + 1
        epoch = self._epoch_in_progress() if given is None else given
        if self._given_first is None and given is not None:
            self._given_first = given
        if given is not None or is_eval:
            self._given_done = epoch
        self._given, self._given_closed = epoch, is_eval
        return epoch

    def _count_epochs_from(self, first: int) -> None:
        """The run's epochs are numbered from ``first`` although this monitor logs a later one
        first: a Lightning run resumed from a checkpoint at epoch 3 has trained epochs 0 to 2
        before it (:attr:`epoch_count` counts them)."""
        self._numbered_from = first

    def _first_validation(self, step: float) -> int | None:
        """The first validation while counting: the calls before it were the batches of its
        epoch, not epochs, and their points say so now. Events keep the epoch they were stamped
        with, which ``epoch`` said then (their words name it too).

        At step 0 of a run that started there, it is epoch 0, returned as if given as
        ``epoch=0``: the epochs after it are counted on from 0, as the steps of a zero-based
        ``for epoch in range(n): mon.log(epoch, ...)`` (or a baseline evaluation at step 0
        before training) are. A first validation at a later step (at the end of the first
        epoch's batches) is epoch 1 (``None``), and validations are counted from 1.

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False)
            >>> for epoch in range(3): mon.log(epoch, loss=1 / (epoch + 1), val_loss=0.5)
            >>> mon.epoch, mon.epoch_count, mon.best.epoch
            (2, 3, 0)
            >>> batches = Monitor(display=False)
            >>> for step in range(4): batches.log(step, loss=0.5)
            >>> batches.log(3, val_loss=0.4); batches.epoch
            1
        """
        first = 0 if self._zero_start and step == 0 else None
        self._zero_start = first == 0
        for series in self.series.values():
            series.restamp(1 if first is None else first)
        return first

    def _counted_epochs(self) -> int:
        """Epochs ended while counting (no ``epoch=`` yet): validation calls, or every row of a
        run that watches a training metric and has not validated yet."""
        if self._evals:
            return self._evals
        return self._rows - self._zero_start if self._count_calls() else 0

    def _count_calls(self) -> bool:
        """Before any validation, a run watching a training metric counts each row as an epoch."""
        return not self._evals and not is_validation(self.metric)

    def _epoch_in_progress(self) -> int:
        """The epoch training is in now: what an event from outside log() is stamped with."""
        if self._given is not None:
            return self._given + 1 if self._given_closed else self._given
        return self._evals + 1 if self._evals else self._rows - self._zero_start + 1

    def _waits_for_epoch(self, event: Event) -> bool:
        """Whether an event added from outside log() before the first call, stamped with the
        epoch in progress (as a GradientWatch stamps its findings), waits for that call to
        learn its epoch (see :meth:`_stamp_waiting`); it is kept until then."""
        if self._calls or event.epoch != self._epoch_in_progress():
            return False
        self._unstamped.append(event)
        return True

    def _stamp_waiting(self, epoch: int, unit: Literal["epoch", "step"] = "epoch") -> list[Event]:
        """The events that waited for the first log() (:meth:`_waits_for_epoch`), given its
        ``epoch``: before it the epoch in progress was said to be 1, and a run whose first
        call is at step 0 numbers its first epoch 0 (``for epoch in range(n)``).

            >>> from nngraph.monitor import Event, Monitor
            >>> mon = Monitor(display=False)
            >>> mon.add_event(Event(step=1, epoch=mon._epoch_in_progress(), detector="watch",
            ...     kind="gradient", message_id="", message="vanishing", stop=False))
            >>> mon.log(0, loss=0.9, val_loss=1.0); [e.epoch for e in mon.events]
            [0]
        """
        events, self._unstamped = self._unstamped, []
        for event in events:
            # an Event is frozen for its users; its epoch was not known when it was made. Set
            # in place, so that the watch's own list (the same object) says it too
            object.__setattr__(event, "epoch", epoch)
            object.__setattr__(event, "unit", unit)
        return events

    @property
    def epochs_given(self) -> bool:
        """Whether epochs are numbered as the user numbers them: ``log(epoch=...)``, or from
        0 as the steps of a run that started at step 0 (see :meth:`_first_validation`); then 0
        is an epoch too."""
        return self._given is not None or self._zero_start

    @property
    def epoch(self) -> int:
        """Epochs so far: log() calls with a validation metric (all rows if there is none: a
        call at the step of the one before that logs other metrics is in its epoch), or the
        latest ``epoch=`` number the user gave (see :meth:`Monitor.log`).

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(metric="loss", display=False)
            >>> for epoch, loss in enumerate([0.9, 0.5, 0.7], 1):
            ...     mon.log(epoch, loss=loss); mon.log(epoch, acc=1 - loss)
            >>> mon.epoch, mon.epoch_count, mon.best.epoch
            (3, 3, 2)
        """
        if self._given is not None:
            return self._given_done
        return self._evals if self._evals else self._rows - self._zero_start

    @property
    def epoch_count(self) -> int:
        """How many epochs the run has trained: :attr:`epoch`, and one more when its epochs
        are numbered from 0 (``epoch=`` from 0, or a first ``log()`` at step 0:
        ``range(30)`` is 30 epochs, 0 to 29). Not when epoch 0 only evaluated and later
        epochs logged a training metric: ``log(0, val_loss=...)`` before training, then
        epochs 1 to 10, is a baseline and 10 epochs.

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False)
            >>> for epoch in range(3): mon.log(epoch=epoch, val_loss=1 / (epoch + 1))
            >>> mon.epoch, mon.epoch_count
            (2, 3)
            >>> baseline = Monitor(display=False); baseline.log(0, val_loss=0.9)
            >>> for epoch in range(1, 3): baseline.log(epoch, loss=0.5, val_loss=0.5)
            >>> baseline.epoch, baseline.epoch_count
            (2, 2)
        """
        first = self._given_first
        if self._numbered_from is not None and self._given is not None:
            return self._given_done - self._numbered_from + 1
        if self._given is None and self._zero_start:  # rows numbered from 0, none validated
            return self._rows
        if self._given is None or first is None or first > 0:
            return self.epoch
        baseline = self._trained_later and not self._trained_at_0  # epoch 0 only evaluated
        return self._given_done if baseline else self._given_done + 1  # numbered from 0


def _same(value: float, before: float) -> bool:
    """Whether a value logged again is the one before (NaN too): the evaluation run again."""
    return value == before or (math.isnan(value) and math.isnan(before))
