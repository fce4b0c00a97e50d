"""The monitor's steps only go forward: a step lower than the last one goes on from there.

A training cell run a second time (``for epoch in range(1, 11): mon.log(epoch, ...)``) or a
batch index that restarts every epoch (``mon.log(i, loss=...)``) gives steps that go back. A
curve drawn with them would run back over itself, so :class:`StepOrdering` shifts them: from
such a step on, every positional (or ``step=``) step gets an offset that puts it after the
last one, keeping the shape of the restarted run (``1..10`` after ``10`` becomes ``11..20``,
``0..9`` after ``9`` becomes ``10..19``, a loop continued with ``5..10`` after ``10`` becomes
``11..16``), and says so once in a warning. The same step again is fine (several calls at
one step), but a validation metric logged again at a step that holds it (the evaluation cell
run again) starts no new epoch (see :mod:`nngraph.monitor._epochs`); one logged again with
another value, beside a training metric the step holds too, in another notebook cell than the
one that first logged that step, at the first step of the run, is a run that restarted after one
epoch (stopped in its second with Ctrl+C), and goes on after the last step too. An ``epoch=`` number is
never shifted (it goes back only as an error, see :meth:`~nngraph.monitor.Monitor.log`); one
below the last step (a validation after per-batch steps) is put at the last step.

    >>> import warnings
    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False)
    >>> with warnings.catch_warnings(record=True):
    ...     for run in range(2):  # the training cell, run twice
    ...         for epoch in range(1, 4):
    ...             mon.log(epoch, loss=1 / epoch)
    >>> mon.history("loss")[0].tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

from nngraph.errors import stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._common import fmt_step
from nngraph.monitor._display import running_cell
from nngraph.monitor._names import is_validation

if TYPE_CHECKING:
    from nngraph.monitor._history import Series

__all__ = ["StepOrdering"]


class StepOrdering:
    """The step part of :class:`~nngraph.monitor.Monitor`: ``_last_step`` (the last step
    recorded) and :meth:`_forward_step`, which the monitor calls once per ``log()`` that
    names its step, once the call's metrics are known to be good."""

    series: dict[str, Series]

    def _init_steps(self) -> None:
        self._last_step = 0.0
        self._step_offset = 0.0  # added to the user's steps since they went back
        self._step_warned = False
        self._run_start = math.nan  # the first step of the run (since the steps went back)
        self._cell: int | None = None  # the notebook cell that first logged the last step

    def _forward_step(
        self, step: float, *, epoch: bool, first: bool, values: Mapping[str, float] = {}
    ) -> float:
        """Where a step given by the user is recorded (``epoch``: it came as ``epoch=``;
        ``first``: the monitor's first call; ``values``: its metrics): never before the last
        step, nor at it for a run started again (see :meth:`_run_again`).

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False); mon.log(5, loss=1.0)
            >>> mon._forward_step(7, epoch=False, first=False), mon._forward_step(2, epoch=True, first=False)
            (7.0, 5.0)
        """
        cell = running_cell()
        if first:
            self._run_start, self._cell = float(step), cell
            return float(step)
        last = self._last_step
        if epoch:  # the user's epoch number: kept as it is, or joins the last step
            return max(float(step), last)
        moved = step + self._step_offset
        if moved > last:
            self._cell = cell  # where this step was first logged
            return moved
        again = moved == last == self._run_start and cell is not None and cell != self._cell
        if moved == last and not (again and self._run_again(values)):
            return moved
        # a restarted run goes on right after the last step: 1, 2, ... (or 0, 1, ..., or a loop
        # continued from 5) after 10 is 11, 12, ...; fractional epochs keep their shape (0.5
        # after 10 is 10.5), so no step is left out between the two runs
        key = "monitor.warn.step_again" if moved == last else "monitor.warn.step_back"
        whole = float(step).is_integer()
        self._step_offset = last + 1 - step if whole or step <= 0 else last
        moved = self._run_start = step + self._step_offset
        self._cell = cell
        if not self._step_warned:
            self._step_warned = True
            text = message(
                key,
                step=fmt_step(step),
                last=fmt_step(last),
                moved=fmt_step(moved),
            )
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
        return moved

    def _run_again(self, values: Mapping[str, float]) -> bool:
        """Whether a call at the last step logs again a validation metric and a training metric
        that the step holds, each with another value: the training loop run again after a run
        of one epoch, not the evaluation run again (the same validation value) nor one value
        per validation batch (no training metric, or the same one in each call).

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False); mon.log(1, loss=0.9, val_loss=0.8)
            >>> mon._run_again({"loss": 0.7, "val_loss": 0.6}), mon._run_again({"val_loss": 0.6})
            (True, False)
            >>> mon._run_again({"loss": 0.9, "val_loss": 0.6})  # a validation batch's call
            False
        """
        validation = training = False
        for name, value in values.items():
            series = self.series.get(name)
            last = series.last if series is not None else None
            if last is None or last[0] != self._last_step:
                continue
            other = value != last[1] and not (math.isnan(value) and math.isnan(last[1]))
            if is_validation(name):
                validation = validation or other
            else:
                training = training or other
        return validation and training
