"""The word a run's readings number its calls by: "epoch", or "step" in a run that logs per
step and has not validated (its text lines say "step 300 ...": so do its events, their words,
the stop line and the summary; sweep s47, L2). :class:`ReadingUnits` is the part of
:class:`~nngraph.monitor.Monitor` (through :class:`~nngraph.monitor._feeding.DetectorFeeding`)
that decides it and stamps it on the detectors and on events from outside ``log()``.

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False)
    >>> for step in (1, 2, 3, 4): mon.log(step, loss=[1.0, 2.0, 30.0, 500.0][step - 1])
    >>> str(mon.events[0])[:55]
    'step 4: training loss is 500 at step 4, 500 times its f'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal

from nngraph.monitor._names import is_validation

if TYPE_CHECKING:
    from nngraph.monitor._detector import Detector

__all__ = ["ReadingUnits"]


class ReadingUnits:
    """Which unit a run's readings use, and the stamps that follow from it (see the module's
    docstring)."""

    metric: str
    _calls: int
    _last_step: float
    _given: int | None  # the last epoch= number (see EpochCounting)
    _evals: int  # the validation calls so far (see EpochCounting)
    _epoch_in_progress: Callable[[], int]  # EpochCounting's

    def _unit(self) -> Literal["epoch", "step"]:
        """What this run's readings number its calls by, the word its text lines use: "step"
        while it has not validated, watches a validation metric and was given no ``epoch=``
        (each call is a step, its line "step 300 ..."), so its events, their words and the
        summary say "step 300" too (sweep s47, L2); "epoch" otherwise.

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False); mon.log(1, loss=0.9); mon._unit()
            'step'
            >>> mon.log(1, val_loss=1.0); mon._unit()
            'epoch'
        """
        steps = self._each_call_counted() and is_validation(self.metric)
        return "step" if steps else "epoch"

    def _each_call_counted(self) -> bool:
        """Whether each call counts as an epoch so far: no validation yet, no ``epoch=``
        (the calls may be batches).

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False); mon.log(1, loss=0.9); mon._each_call_counted()
            True
        """
        return not self._evals and self._given is None

    def _outside_stamp(self) -> tuple[Literal["epoch", "step"], int]:
        """The unit and number an event from outside ``log()`` (a GradientWatch's) is stamped
        with: the epoch in progress, or where the readings count steps (see :meth:`_unit`) the
        step after the last one logged (before the first ``log()`` the epoch in progress: the
        first call stamps it again, see ``_stamp_waiting``).

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False); mon.log(10, loss=0.9); mon._outside_stamp()
            ('step', 11)
        """
        if not self._calls:
            return "epoch", self._epoch_in_progress()
        if self._unit() == "step":
            return "step", math.ceil(self._last_step) + 1
        return "epoch", self._epoch_in_progress()

    def _first_stamp(self, epoch: int, step: float) -> tuple[int, Literal["epoch", "step"]]:
        """The number and unit the first ``log()`` (at ``step``, in ``epoch``) stamps the
        events added before it with (see ``_stamp_waiting``): its step where the readings
        count steps."""
        return (math.ceil(step), "step") if self._unit() == "step" else (epoch, "epoch")

    def _stamp_unit(self, detectors: Iterable[Detector]) -> None:
        """Tell ``detectors`` the unit their next events are stamped and worded in."""
        unit = self._unit()
        for det in detectors:
            det._unit = unit
