"""When a detector judges an evaluation whose training value is logged after it, at the same
step (a loop that logs ``val_loss`` and then ``loss``): the row-order part of
:class:`~nngraph.monitor._detector.Detector` (see :meth:`Detector.feed`).

The first time, the evaluation is judged at once and again when its training value comes
(an event already raised stays raised); from then on it is held back and judged at the call
that logs the training value, or at the next row, or at ``close()``.

    >>> from nngraph.monitor.detectors import GL
    >>> gl = GL(5)
    >>> _ = gl.update(1, val_loss=1.0); _ = gl.update(1, loss=1.0)  # this order is learnt
    >>> gl.update(2, val_loss=1.2) is None  # held: its training loss comes next
    True
    >>> gl.update(2, loss=0.9).epoch  # judged with it
    2
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nngraph.monitor._train_means import starts_again

if TYPE_CHECKING:
    from nngraph.monitor._common import Event

__all__ = ["Held", "RowOrder", "Undo"]

#: how to judge an evaluation again (see Detector.feed): the detector's state before it, the
#: value, the epoch and whether it raised an event
Undo = tuple[dict[str, Any], float, int | None, bool]
#: an evaluation waiting for its training value (see Detector.feed): step, value, epoch
Held = tuple[float, float, int | None]
#: what judging an epoch again does not roll back
_NOT_UNDONE = frozenset(
    {
        "_settings", "events", "_undo", "_held", "_val_first", "_row_step", "_row_keys",
        "_row_train", "_train_name", "_call_epoch",
    }
)  # fmt: skip


class RowOrder:
    """The row bookkeeping of :class:`~nngraph.monitor._detector.Detector`: ``reset()`` sets
    the attributes below, ``feed()`` calls :meth:`_follow_row` and :meth:`_take_train`, and
    ``close()`` calls :meth:`_end_row`."""

    _settings: tuple[str, ...]
    _step: float
    _train_sum: float
    _train_n: int
    _train_epoch: int | None  # the epoch number of the training values summed
    _call_epoch: int | None  # this call's epoch= number (None without the user's numbers)
    _row_step: float | None
    _row_keys: set[str]
    _row_train: bool
    _undo: Undo | None
    _held: Held | None
    _val_first: bool

    def _evaluate(
        self, step: float, value: float, epoch: int | None, *, announced: bool = False
    ) -> Event | None:
        raise NotImplementedError  # the Detector's

    def _take_train(self, train: float) -> Event | None:
        """A training value in a call without an evaluation: the held evaluation's (judged
        now), the one just judged (judged again: this order is learnt), else the next one's."""
        if self._held is not None:
            self._add_train(train, joins=True)
            return self._judge_held()
        if self._undo is not None:
            self._val_first = True
            return self._evaluate_again(self._undo, train)
        self._add_train(train)
        return None

    def _add_train(self, train: float, *, joins: bool = False) -> None:
        """Add ``train`` to the next evaluation's training values: with the user's epoch
        numbers, those of the last epoch among them (see :func:`starts_again`); ``joins``: it
        joins an evaluation's row, logged after it."""
        epoch = self._call_epoch
        if starts_again(epoch, self._train_epoch, self._train_n, joins=joins):
            self._train_sum, self._train_n = 0.0, 0
        if epoch is not None:
            self._train_epoch = epoch
        self._train_sum += train
        self._train_n += 1

    def _follow_row(
        self, step: float, metrics: Mapping[str, float], has_train: bool
    ) -> Event | None:
        """Keep track of the current row: a call joins it at the same step with none of its
        metrics (as in the monitor); a new row can no longer take an earlier evaluation's
        training value. Returns the event of an evaluation judged because its row ended."""
        ended = None
        if not (step == self._row_step and self._row_keys.isdisjoint(metrics)):
            ended = self._end_row()
            self._row_step = step
        self._row_keys.update(metrics)
        self._row_train = self._row_train or has_train
        return ended

    def _end_row(self) -> Event | None:
        """The current row is complete: judge its held evaluation; nothing joins it any more."""
        self._row_step, self._row_keys, self._row_train, self._undo = None, set(), False, None
        return self._judge_held()

    def _judge_held(self) -> Event | None:
        if self._held is None:
            return None
        (step, value, epoch), self._held = self._held, None
        return self._evaluate(step, value, epoch)

    def _judge_for_reading(self) -> Event | None:
        """A result is read (``summary()``, ``repr``, ``best`` after the loop): judge the held
        evaluation as it stands, without ending its row, as the first time (see
        :meth:`Detector.feed`): its training value, if it comes after all, still joins it and
        it is judged again (an event raised now stays raised). Reading logs nothing."""
        if self._held is None:
            return None
        state = self._state()
        (step, value, epoch), self._held = self._held, None
        event = self._evaluate(step, value, epoch)
        self._undo = (state, value, epoch, event is not None)
        return event

    def _held_stops(self) -> bool:
        """Whether the evaluation held back for its training value will ask to stop the run
        whatever that value is (``Patience``'s rule reads none): a caller that cannot end the
        step yet (Lightning's callback, whose module logs the training loss later) may stop
        now. No here: the others' decisions read it."""
        return False

    def _state(self) -> dict[str, Any]:
        """What this detector has seen, copied: to judge an epoch again."""
        skip = _NOT_UNDONE.union(self._settings)
        return {k: copy.copy(v) for k, v in vars(self).items() if k not in skip}

    def _evaluate_again(self, undo: Undo, train: float) -> Event | None:
        """Judge the last evaluation again, with ``train`` added to its training error: an
        event it raised stays raised (it is not announced again while it holds), one that
        holds only now is raised now."""
        state, value, epoch, announced = undo
        self._undo = None
        vars(self).update(state)
        self._add_train(train, joins=True)
        return self._evaluate(self._step, value, epoch, announced=announced)
