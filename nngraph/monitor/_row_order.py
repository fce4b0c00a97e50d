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
from typing import TYPE_CHECKING, Any, ClassVar

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
        "_row_train", "_train_name", "_call_epoch", "_several", "_train_step", "_joined",
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
    _train_epochs: int  # the epochs of the training values since the last evaluation
    _trained_since_best: int  # ... and since the best one (see Detector._evaluate)
    #: whether it waits for training values logged per batch after an evaluation (see
    #: :meth:`_note_batches`); Patience does not
    waits_for_batches: ClassVar[bool] = True

    def _reset_rows(self) -> None:
        """The current row (calls at one step logging different metrics, as in the monitor's
        records()) and, while a training value may still join it, how to judge its
        evaluation again, or (once training values are seen to come after) the evaluation
        waiting for it; the training epochs counted (see :meth:`_count_train_epoch`)."""
        self._row_step: float | None = None
        self._row_keys: set[str] = set()
        self._row_train = False
        self._undo: Undo | None = None
        self._held: Held | None = None
        self._val_first = False
        self._train_epochs = self._trained_since_best = 0
        # several training values came at one step (batches); the step of the last one; the
        # first evaluation judged again with the training value that joined its row, while
        # that row is open
        self._several = False
        self._train_step: float | None = None
        self._joined: tuple[Undo, float] | None = None

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
        if not (joins and self._train_n):  # one joining the epoch before's is no epoch more
            self._count_train_epoch()
        if starts_again(epoch, self._train_epoch, self._train_n, joins=joins):
            self._train_sum, self._train_n = 0.0, 0
        if epoch is not None:
            self._train_epoch = epoch
        self._train_sum += train
        self._train_n += 1

    def _count_train_epoch(self) -> None:
        """A training value comes: count its epoch among those since the last evaluation
        (with the user's epoch numbers, validating every 3 epochs: 3; else 1)."""
        epoch = self._call_epoch
        if not self._train_n or (epoch is not None and epoch != self._train_epoch):
            self._train_epochs += 1

    def _note_batches(self, step: float, train_only: bool) -> Event | None:
        """Note a call that logs a training value and no evaluation (``train_only``): a second
        one at one step shows batches logged per call (with ``epoch=``). A detector that does
        not wait for them (:attr:`waits_for_batches`) judges each evaluation at once from then
        on, with the values logged before it (the epoch before's, which trained the model
        validated), and the first one again without the batch that joined its row; returns
        the event of that, if it raises one."""
        if not train_only:
            return None
        again, self._train_step = step == self._train_step, step
        if not again or self._several:
            return None
        self._several = True
        if self.waits_for_batches or self._joined is None:
            return None
        (state, value, epoch, announced), train = self._joined
        self._joined = None
        vars(self).update(state)
        event = self._evaluate(self._step, value, epoch, announced=announced)
        self._add_train(train)
        return event

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
        self._joined = None
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
        self._undo, self._joined = None, (undo, train)
        vars(self).update(state)
        self._add_train(train, joins=True)
        return self._evaluate(self._step, value, epoch, announced=announced)
