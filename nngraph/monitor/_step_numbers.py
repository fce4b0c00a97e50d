"""Where the monitor's epoch numbers come from the user's steps (part of
:class:`~nngraph.monitor._epochs.EpochCounting`).

- A run is numbered from the step of its first ``log()`` (:func:`start_of`): 0 for
  ``for epoch in range(n)``, 100 for a loop resumed at epoch 100. From a step of 2 or more, the
  second row settles it (:meth:`StepNumbering._settle_numbering`): at the next step, the
  epochs are the steps; at another (steps 10, 20, 30: every 10th batch or epoch logged), the
  run is counted from 1, as any run that starts at step 1 is, and its first row becomes epoch 1.
- Validation every few calls of a loop whose step goes up by one per epoch, as the step of
  ``for epoch in range(1, 101): mon.log(epoch, ...)`` validating every 5th epoch does: each
  validation ends an epoch (a step may count batches), so the step looks like the epoch
  number, which only ``epoch=`` makes the monitor show; said once, in a warning
  (:meth:`StepNumbering._check_step_epochs`).

    >>> from nngraph.monitor import Monitor
    >>> resumed, every_10th = Monitor(display=False), Monitor(display=False)
    >>> for epoch in range(100, 103): resumed.log(epoch, val_loss=1 / epoch)
    >>> for step in (10, 20, 30): every_10th.log(step, val_loss=1 / step)
    >>> resumed.epoch, every_10th.epoch
    (102, 3)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from nngraph.errors import stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._common import fmt_step

if TYPE_CHECKING:
    from nngraph.monitor._best import Best, ModelChanges
    from nngraph.monitor._history import Series

__all__ = ["EPOCHS_APART", "MAX_EPOCH", "StepNumbering", "start_of"]

#: The largest ``epoch=`` number: the largest whole number a float holds exactly (steps are
#: floats, epochs are kept in 64-bit integers).
MAX_EPOCH = 2**53
#: The most steps between two validations for a step that goes up by one per epoch to look
#: like the epoch number (validating every 2 to 10 epochs); more are taken for the batches of
#: an epoch, which the count is made for.
EPOCHS_APART = 10


def start_of(step: float) -> int:
    """The number of a run's first epoch, from the step of its first call: the step itself
    when it is a whole number from 0 to :data:`MAX_EPOCH`, else 1.

        >>> start_of(0.0), start_of(100.0), start_of(2.5), start_of(-3.0)
        (0, 100, 1, 1)
    """
    return int(step) if step.is_integer() and 0 <= step <= MAX_EPOCH else 1


class StepNumbering:
    """The step-numbered part of :class:`~nngraph.monitor._epochs.EpochCounting`, which keeps
    the state read here."""

    series: dict[str, Series]
    _start: int  # the run's first epoch (see EpochCounting._init_epochs)
    _rows: int
    _row_epoch: int
    _given: int | None
    _given_closed: bool
    _given_done: int
    _given_first: int | None
    _best: Best | None  # BestTracking's
    _changes: ModelChanges
    _epoch_like: bool  # every call so far named a whole step, one more than the last
    _first_eval_step: float | None
    _epoch_steps_said: bool
    _step_offset: float  # StepOrdering's: what it adds to steps that went back

    def _joins_row(self, step: float, values: Mapping[str, float]) -> bool:
        raise NotImplementedError  # EpochCounting's

    def _first_row_renumbered(self, shift: int) -> None:
        raise NotImplementedError  # DetectorFeeding's: its events and detectors

    def _numbering_unsettled(self) -> bool:
        """Whether the run started at a step of 2 or more and has logged one row only: its
        epochs may yet be counted from 1 (see :meth:`_settle_numbering`)."""
        return self._start >= 2 and self._rows == 1

    def _settle_numbering(
        self, step: float, values: Mapping[str, float], *, named: bool, given: int | None
    ) -> int | None:
        """At the second row of a run numbered from a step ``S`` of 2 or more (the call at
        ``step``; ``named``: the user gave it; ``given``: its ``epoch=``): at ``S + 1`` its
        epochs stay its steps (``0`` is returned); else its first row becomes epoch 1 and the
        run is counted from 1 (``S - 1`` is returned: what that row's number went down by).
        ``None`` at any other call. Called before the call is counted as an epoch.

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False); mon.log(10, val_loss=0.5)
            >>> mon._settle_numbering(20.0, {"val_loss": 0.4}, named=True, given=None)
            9
            >>> mon.series["val_loss"].epochs.tolist(), mon.best.epoch, mon.epoch
            ([1], 1, 1)
        """
        if not self._numbering_unsettled() or self._joins_row(step, values):
            return None
        if named and given is None and step == self._start + 1:
            return 0
        shift, self._start = self._start - 1, 1
        if self._given is not None:  # its first validation was epoch S, as if given
            self._given = self._given_first = None
            self._given_closed, self._given_done = False, 0
        self._row_epoch -= shift
        for series in self.series.values():
            series.restamp(1)  # only the first row was logged
        if self._best is not None:
            self._best = replace(self._best, epoch=self._best.epoch - shift)
        if self._changes.epoch is not None:
            self._changes.epoch -= shift
        self._first_row_renumbered(shift)
        return shift

    def _check_step_epochs(self, step: float, epoch: int) -> None:
        """At a validation that ends an epoch (``epoch``) while counting: say once when the
        steps look like epoch numbers (each call names its step, a whole number one more than
        the last: one call per epoch, validation in the call of its epoch) and validation comes
        every 2 to :data:`EPOCHS_APART` of them. Counted, the student's epoch 10 is called
        "epoch 2"; ``epoch=`` shows their number. Per-batch global steps are left alone: their
        validation comes in a call of its own (at a step that repeats one), or further apart.

            >>> import warnings
            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False)
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     for epoch in range(1, 11):
            ...         val = {"val_loss": 1 / epoch} if epoch % 5 == 0 else {}
            ...         mon.log(epoch, loss=1 / epoch, **val)
            >>> mon.epoch, str(caught[0].message)  # doctest: +ELLIPSIS
            (2, 'nngraph Monitor: validation came at steps 5 and 10, so they are counted as...')
        """
        first = self._first_eval_step
        if first is None:
            self._first_eval_step = step
            return
        if self._epoch_steps_said:
            return
        self._epoch_steps_said = True  # the first two validations decide
        moved = self._step_offset != 0  # steps moved on: not the user's numbers
        if self._epoch_like and not moved and 2 <= step - first <= EPOCHS_APART:
            text = message(
                "monitor.warn.steps_are_epochs",
                first=fmt_step(first),
                second=fmt_step(step),
                as_first=epoch - 1,  # the first two validations: 1 and 2, or 0 and 1
                as_second=epoch,
            )
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
