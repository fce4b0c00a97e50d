"""Steps that look like the user's epoch numbers while the monitor counts its own (part of
:class:`~nngraph.monitor._epochs.EpochCounting`). A step may count batches, so without
``epoch=`` the monitor numbers epochs itself, from 1 (from 0 for a run whose first step is 0:
``for epoch in range(n)``). Two loops whose steps are plainly epoch numbers are told, once
each, in a warning, that ``epoch=`` keeps those numbers:

- validation every few calls of a loop whose step goes up by one per epoch, as the step of
  ``for epoch in range(1, 101): mon.log(epoch, ...)`` validating every 5th epoch does: each
  validation ends an epoch (:meth:`StepNumbering._check_step_epochs`);
- a loop resumed at a later epoch, whose steps start at 2 or more and go up by one, as those
  of ``for epoch in range(100, 126): mon.log(epoch, ...)`` do: its epoch 100 is counted as
  epoch 1 (:meth:`StepNumbering._check_resumed_steps`).

    >>> import warnings
    >>> from nngraph.monitor import Monitor
    >>> resumed = Monitor(display=False)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     for epoch in range(100, 103): resumed.log(epoch, val_loss=1 / epoch)
    >>> resumed.epoch, str(caught[0].message)[:60]
    (3, 'nngraph Monitor: the steps start at 100 and go up by one (10')
"""

from __future__ import annotations

import warnings

from nngraph.errors import stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._common import fmt_step

__all__ = ["EPOCHS_APART", "MAX_EPOCH", "StepNumbering"]

#: The largest ``epoch=`` number: the largest whole number a float holds exactly (steps are
#: floats, epochs are kept in 64-bit integers).
MAX_EPOCH = 2**53
#: The most steps between two validations for a step that goes up by one per epoch to look
#: like the epoch number (validating every 2 to 10 epochs); more are taken for the batches of
#: an epoch, which the count is made for.
EPOCHS_APART = 10


class StepNumbering:
    """The warnings of :class:`~nngraph.monitor._epochs.EpochCounting` about steps that look
    like epoch numbers; it keeps the state read here."""

    _first_step: float | None  # the step of the run's first call, where the user named it
    _rows: int
    _evals: int
    _epoch_like: bool  # every call so far named a whole step, one more than the last
    _first_eval_step: float | None
    _epoch_steps_said: bool
    _resumed_said: bool
    _step_offset: float  # StepOrdering's: what it adds to steps that went back

    def _count_calls(self) -> bool:
        raise NotImplementedError  # EpochCounting's

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

    def _check_resumed_steps(self, step: float, *, is_eval: bool, new_row: bool) -> None:
        """At a call at ``step`` while counting (``is_eval``: it logs a validation metric;
        ``new_row``: it starts a row): say once when the run's steps start at a whole number
        of 2 or more and its second row comes one step later, each row an epoch: both
        validated (the first two validations, in the first two rows), or neither in a run
        without validation that counts each call as an epoch (``Monitor(metric="loss")``).
        That is a loop resumed at a later epoch (``for epoch in range(100, 126)``), whose
        epoch 100 is counted as epoch 1; ``epoch=`` keeps its numbers. Not for a per-batch
        global step, whose validation ends several rows; steps logged every few epochs or
        batches (10, 20, 30), or validation every few epochs (see :meth:`_check_step_epochs`).

            >>> import warnings
            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False)
            >>> with warnings.catch_warnings(record=True) as caught:
            ...     warnings.simplefilter("always")
            ...     step = 5000  # a per-batch step resumed at 5000, four batches an epoch
            ...     for epoch in range(3):
            ...         for _ in range(4): mon.log(step, loss=0.5); step += 1
            ...         mon.log(step - 1, val_loss=1 / (epoch + 1))
            >>> mon.epoch, caught
            (3, [])
        """
        start = self._first_step
        if self._resumed_said or start is None or start < 2 or not start.is_integer():
            return
        if self._rows != 2 or step != start + 1 or self._step_offset != 0:
            return
        # both rows validated, the second now; or each call an epoch, none validated
        each_validated = is_eval and self._evals == 2 and self._first_eval_step == start
        calls_counted = new_row and self._evals == 0 and self._count_calls() and self._epoch_like
        if not (each_validated or calls_counted):
            return
        self._resumed_said = True
        text = message(
            "monitor.warn.steps_resumed", start=fmt_step(start), next=fmt_step(start + 1)
        )
        warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
