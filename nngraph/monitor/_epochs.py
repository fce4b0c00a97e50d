"""The monitor's epoch numbers: counted from validation calls, or the user's own ``epoch=``.

:class:`EpochCounting` is the part of :class:`~nngraph.monitor.Monitor` that says which epoch a
``log()`` call belongs to. By default each call with a validation metric (``val_loss``,
``valid_loss``, ``val/loss``, ...) ends an epoch; before the first one every call counts as an
epoch (a run that logs only its training loss), and the first validation makes the points
logged before it epoch 1 (an event keeps the epoch it was stamped with). Once the user passes
``epoch=``, their numbers are shown instead. A call at the same step as the one before that
logs other metrics (``val_acc`` after ``val_loss``) joins that call's row, as in ``records()``,
so it stays in the epoch that call ended.

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False, detectors=[])
    >>> mon.log(1, loss=0.9); mon.log(2, loss=0.8, valid_loss=0.7); mon.log(3, loss=0.6)
    >>> mon.epoch
    1
    >>> mon.log(epoch=15, loss=0.5, valid_loss=0.6); mon.epoch
    15
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._names import is_validation

if TYPE_CHECKING:
    from nngraph.monitor._history import Series

__all__ = ["MAX_EPOCH", "EpochCounting"]

#: The largest ``epoch=`` number: the largest whole number a float holds exactly (steps are
#: floats, epochs are kept in 64-bit integers).
MAX_EPOCH = 2**53


class EpochCounting:
    """Epoch bookkeeping for :class:`~nngraph.monitor.Monitor` (``epoch``); the monitor calls
    :meth:`_advance_epoch` once per ``log()``.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False)
        >>> mon.log(1, loss=0.5); mon.log(1, val_loss=0.6); mon.epoch
        1
    """

    metric: str
    series: dict[str, Series]

    def _init_epochs(self) -> None:
        self._calls = 0
        self._evals = 0
        # epoch= given by the user: its number, whether a validation call closed it, and the
        # number `epoch` shows (None while the user has never passed epoch=)
        self._given: int | None = None
        self._given_closed = False
        self._given_done = 0
        self._given_first: int | None = None  # the first epoch= number: 0 for a zero-based loop
        # the current row: consecutive calls at one step logging different metrics (records())
        self._row: dict[str, float] = {}
        self._rows = 0  # rows so far: the current one is number `_rows`
        self._row_step: float | None = None
        self._row_epoch = 0
        self._row_closed = False  # a validation call in this row ended its epoch

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

    def _advance_epoch(self, step: float, given: int | None, values: Mapping[str, float]) -> int:
        """The epoch this log() call at ``step`` belongs to (``given``: its ``epoch=``); a call
        with a validation metric ends it, unless it joins the row of a call that already did."""
        is_eval = any(is_validation(name) for name in values)
        joined = self._joins_row(step, values)
        if joined and self._row_closed and given is None:
            epoch = self._row_epoch  # val_acc logged after val_loss at the same step
        else:
            epoch = self._next_epoch(given, is_eval)
        if joined:
            self._row.update(values)
            self._row_closed = self._row_closed or is_eval
        else:
            self._row, self._row_step, self._row_closed = dict(values), step, is_eval
            self._rows += 1
        self._row_epoch = epoch
        return epoch

    def _joins_row(self, step: float, values: Mapping[str, float]) -> bool:
        """Whether a call joins the current row: the same step, and none of its metrics."""
        return step == self._row_step and self._row.keys().isdisjoint(values)

    def _next_epoch(self, given: int | None, is_eval: bool) -> int:
        """The epoch of a call that starts a new row, or adds to one still open."""
        self._evals += is_eval
        if given is None and self._given is None:  # counting: validations end epochs
            if is_eval and self._evals == 1:
                self._first_epoch_ended()
            # before any validation each call counts, as `epoch` does (a run logging only `loss`)
            return self.epoch if is_eval or not self._evals else self._evals + 1
        epoch = self._epoch_in_progress() if given is None else given
        if self._given_first is None and given is not None:
            self._given_first = given
        if given is not None or is_eval:
            self._given_done = epoch
        self._given, self._given_closed = epoch, is_eval
        return epoch

    def _first_epoch_ended(self) -> None:
        """The first validation while counting: the calls before it were the batches of epoch 1,
        not epochs, and their points say so now. Events keep the epoch they were stamped with,
        which ``epoch`` said then (their words name it too)."""
        for series in self.series.values():
            series.restamp(1)

    def _counted_epochs(self) -> int:
        """Epochs ended while counting (no ``epoch=`` yet): validation calls, or every call of a
        run that watches a training metric and has not validated yet."""
        if self._evals:
            return self._evals
        return self._calls if self._count_calls() else 0

    def _count_calls(self) -> bool:
        """Before any validation, a run watching a training metric counts each call as an epoch."""
        return not self._evals and not is_validation(self.metric)

    def _epoch_in_progress(self) -> int:
        """The epoch training is in now: what an event from outside log() is stamped with."""
        if self._given is not None:
            return self._given + 1 if self._given_closed else self._given
        return self._evals + 1 if self._evals else self._calls + 1

    @property
    def epochs_given(self) -> bool:
        """Whether the user numbers the epochs (``log(epoch=...)``): then 0 is an epoch too."""
        return self._given is not None

    @property
    def epoch(self) -> int:
        """Epochs so far: log() calls with a validation metric (all calls if there is none), or
        the latest ``epoch=`` number the user gave (see :meth:`Monitor.log`)."""
        if self._given is not None:
            return self._given_done
        return self._evals if self._evals else self._calls

    @property
    def epoch_count(self) -> int:
        """How many epochs the run has had: :attr:`epoch`, and one more when the user's
        ``epoch=`` numbers start at 0 (``range(30)`` is 30 epochs, 0 to 29).

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False)
            >>> for epoch in range(3): mon.log(epoch=epoch, val_loss=1 / (epoch + 1))
            >>> mon.epoch, mon.epoch_count
            (2, 3)
        """
        first = self._given_first
        if self._given is None or first is None or first > 0:
            return self.epoch
        return self._given_done - first + 1
