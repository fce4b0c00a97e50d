"""Feeding the monitor's detectors (each ``log()`` call, and the history so far to a detector
added to ``mon.detectors`` later), the events they raise and the stop they ask for.

:class:`DetectorFeeding` is the part of :class:`~nngraph.monitor.Monitor` that runs its
detectors. A detector it has not fed before (appended to ``mon.detectors`` after some epochs,
or put in by the monitor itself when it follows ``valid_loss``) first catches up, silently, on
the history the monitor has kept: its best, strips and waits are then those of the whole run,
so its explanations agree with ``summary()`` and ``restore_best()``. It raises no event for the
epochs it caught up on; from the next call on it speaks as the others do.

    >>> from nngraph.monitor import Monitor
    >>> from nngraph.monitor.detectors import Patience
    >>> mon = Monitor(display=False, detectors=[])
    >>> for epoch, value in enumerate([1.0, 0.5, 0.6], 1):
    ...     mon.log(epoch, val_loss=value)
    >>> mon.detectors.append(Patience(2))
    >>> mon.log(4, val_loss=0.7)
    >>> print(mon.events[0].message)  # doctest: +ELLIPSIS
    validation loss has not improved for 2 epochs (best 0.5 at epoch 2): ...
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor import _display
from nngraph.monitor._accuracy_aside import accuracy_aside
from nngraph.monitor._cause_aside import not_reset_first, weight_decay_aside
from nngraph.monitor._chance_aside import labels_first
from nngraph.monitor._common import MAX_EVENTS, Event, short_repr
from nngraph.monitor._history import Series
from nngraph.monitor._names import is_validation, named_as_training
from nngraph.monitor._units import ReadingUnits
from nngraph.monitor.detectors import Detector, Divergence, check_detector, checked_detectors

if TYPE_CHECKING:
    from nngraph.monitor._attached import AttachedWatches
    from nngraph.monitor._listeners import Broadcaster
    from nngraph.monitor._text import TextPrinter

__all__ = ["DetectorFeeding"]


class DetectorFeeding(ReadingUnits):
    """The detector part of :class:`~nngraph.monitor.Monitor`, with the events and the stop
    (``should_stop``, ``request_stop()``, ``resume()``): it calls
    :meth:`_init_feeding` in ``__init__`` (once ``detectors`` is set) and :meth:`_feed_detectors`
    once per ``log()`` (after the call is recorded)."""

    _detectors: list[Detector]
    series: dict[str, Series]
    view: Any
    epoch: int
    _calls: int
    _rows: int  # the number of the current row (see EpochCounting)
    _last_step: float
    _given: int | None  # the last epoch= number (see EpochCounting)
    _listeners: Broadcaster
    _printer: TextPrinter | None
    _watches: AttachedWatches  # the GradientWatches given monitor= (their optimizers)

    def add_event(self, event: Event) -> None:
        raise NotImplementedError  # the Monitor's

    def _judge_waiting(self) -> None:
        """The caller reads the outcome, so the step has ended: an evaluation a detector holds
        back for a training value logged after it (see ``Detector.feed``) is judged now, and
        its event shown. A loop that logs validation at the step its next batch reuses (a
        global step counter) then stops at the epoch that fired, not one later."""
        events = self._close_detectors()
        if events and self._listeners:
            self._listeners.queue(None, {}, events)
        if self._printer is not None:
            self._printer.step_ended()
            self._printer.events(events)

    def _judge_for_reading(self) -> list[Event]:
        """A result is read (see ``TextLines._results_read``): each detector judges an
        evaluation it holds back for a training value logged after it, as it stands, without
        ending the step (see ``Detector._judge_for_reading``: reading logs nothing); the events
        raised, recorded and sent to the live views (the caller prints them)."""
        fed = [det for det in self._detectors if id(det) in self._fed]
        self._stamp_unit(fed)
        judged = [(det._judge_for_reading(), isinstance(det, Divergence)) for det in fed]
        events = self._untold([(event, precise) for event, precise in judged if event is not None])
        if events and self._listeners:
            self._listeners.queue(None, {}, events)
        return events

    @property
    def detectors(self) -> list[Detector]:
        """The detectors this monitor feeds, a list: append one later and it first catches up
        on the history (silently). Set it to a list (``[]`` for none) or to one detector;
        anything else is an :class:`NNGraphError` that keeps the detectors as they were, and
        one appended that is not a detector (the class ``GL`` for ``GL(5)``) is refused by
        the next ``log()`` before that call records anything.

            >>> from nngraph.monitor import Monitor, detectors
            >>> mon = Monitor(display=False); mon.detectors = detectors.Patience(3)
            >>> [d.name for d in mon.detectors]
            ['Patience(3)']
        """
        return self._detectors

    @detectors.setter
    def detectors(self, value: Detector | Iterable[Detector]) -> None:
        if value is None:
            raise NNGraphError(message("monitor.error.detectors_none"))
        if isinstance(value, Detector):
            value = [value]
        checked = checked_detectors(value)
        # a list given is kept as it is (the user may append to it later)
        self._detectors = value if isinstance(value, list) else checked

    def _check_new_detectors(self) -> None:
        """Refuse, before a call records anything, a detector put into ``detectors`` since
        the last one that is not a detector (``GL`` for ``GL(5)``, a number): fed, it would
        fail half way through the call, and at every call after."""
        for det in self._detectors:
            if id(det) not in self._fed:
                check_detector(det)

    def _init_feeding(self) -> None:
        self._events: list[Event] = []
        self._stop_event: Event | None = None
        self._user_stop: Event | None = None  # the Stop button's (request_stop's) event
        # the epoch a training loop is in, where what drives it knows (Lightning's callback):
        # the Stop button's event is dated there, not at the last epoch logged
        self._epoch_running: int | None = None
        self._stop_told = False  # a training cell run again after the stop was told so
        self._stop_cell: int | None = None  # the notebook cell (In[N]) the stop came in
        # the divergence events told in row number `_told_row` (each with whether Divergence
        # raised it): another call of that row does not tell the run again (see _untold)
        self._told_row = -1
        self._row_told: list[tuple[Event, bool]] = []
        # the detectors fed from the start or caught up (kept, so that an id is never reused)
        self._fed: dict[int, Detector] = {id(det): det for det in self.detectors}

    def _record(self, event: Event) -> None:
        if len(self._events) < MAX_EVENTS:  # a flapping detector must not eat memory
            self._events.append(event)
        if event.stop and self._stop_event is None:
            self._stop_event, self._stop_cell = event, _display.running_cell()
        if event.stop and event.detector == "user" and self._user_stop is None:
            self._user_stop = event

    def _feed_detectors(self, step: float, values: dict[str, float], epoch: int) -> list[Event]:
        """Feed this call to every detector; the events it raised (recorded), stamped with the
        monitor's epoch of the evaluation they judge (``epoch``, or an earlier one for an
        evaluation held back until its row ended: see :meth:`Detector.feed`). With the user's
        epoch numbers, an evaluation's training error is its epoch's (``by_epoch``)."""
        raised: list[tuple[Event, bool]] = []  # each event, and whether Divergence raised it
        by_epoch = self._given is not None
        self._stamp_unit(self._detectors)
        for det in self._detectors:
            if id(det) not in self._fed:
                self._catch_up(det)
            # the monitor's epochs, in their words too
            event = det.feed(step, values, epoch, by_epoch=by_epoch)
            if event is not None:
                raised.append((event, isinstance(det, Divergence)))
        return self._untold(raised)

    def _close_detectors(self) -> list[Event]:
        """The run or the step has ended: each detector judges an evaluation it still holds back
        waiting for its training value (:meth:`Detector.close`); the events raised (recorded)."""
        self._check_new_detectors()
        self._stamp_unit(self._detectors)
        closed = [(det.close(), isinstance(det, Divergence)) for det in self._detectors]
        return self._untold([(event, precise) for event, precise in closed if event is not None])

    def _untold(self, raised: list[tuple[Event, bool]]) -> list[Event]:
        """The events of ``raised`` (each with whether :class:`Divergence` raised it) that say
        nothing told already (see :func:`_told_already`) in this call or in an earlier call of
        its row (validation and training logged in two calls at one step: both NaN is one
        divergence, as in one call); recorded."""
        if self._told_row != self._rows:
            self._told_row, self._row_told = self._rows, []
        every = self._row_told + raised
        told = [
            (event, precise)
            for i, (event, precise) in enumerate(every)
            if i >= len(self._row_told) and not _told_already(i, every)
        ]
        self._row_told += [
            (event, precise) for event, precise in told if event.kind == "divergence"
        ]
        told = [(self._with_asides(event), precise) for event, precise in told]
        for event, _ in told:
            self._record(event)
        return [event for event, _ in told]

    def _with_asides(self, event: Event) -> Event:
        """``event`` with what the other metrics add (see :func:`accuracy_aside`; a validation
        loss that never beat chance, see :func:`labels_first`, instead), and the
        cause of a blow-up that GradientWatch found already in front (see
        :func:`not_reset_first`), also in its detector's own list of events."""
        for det in self._detectors:
            if det.events and det.events[-1] is event:
                said = labels_first(det, event, self.series)  # at chance: no accuracy aside
                aside = None if said is not None else accuracy_aside(det, event, self.series)
                labelled, said = said is not None, said or event
                if aside is not None:
                    said = dataclasses.replace(event, message=f"{event.message} {aside}")
                # labels that do not match come first and alone: the model does learn its
                # training labels, so a watch cause is not why it does not learn (s47, M8)
                if not labelled:
                    said = not_reset_first(said, self._events)
                said = weight_decay_aside(said, self._watches.optimizers())
                det.events[-1] = said
                return said
        return event

    def _catch_up(self, det: Detector) -> None:
        """Feed ``det`` (reset first) every call before this one, as the history keeps them
        (exact while each metric has fewer than ``max_points`` points), and forget the events
        it raised there: they were not announced when they happened."""
        det.reset()
        self._fed[id(det)] = det  # once it is known to be a detector that starts afresh
        calls: dict[int, tuple[float, int, dict[str, float]]] = {}
        for name, series in self.series.items():
            for call, step, epoch, value in series.points():
                if call < self._calls:  # this call is fed next, as to every detector
                    calls.setdefault(call, (step, epoch, {}))[2][name] = value
        by_epoch = self._given is not None
        for call in sorted(calls):
            step, epoch, values = calls[call]
            det.feed(step, values, epoch, by_epoch=by_epoch)
        det.events.clear()
        det.fired = False
        det._rearm()

    # ------------------------------------------------------------------ stopping
    @property
    def should_stop(self) -> bool:
        """True from the log() call where a stopping detector first fired, or after
        :meth:`request_stop` (e.g. the Stop button of the live view), until :meth:`resume`.
        The training cell run again with this monitor (its steps start again), whose loop
        then ends after one epoch, is told so once, in a warning.

        Reading it lets a live view's pending clicks in first (``view.poll()``), so a
        training loop that checks it sees the Stop button while the cell is still running.

            >>> from nngraph.monitor import Monitor, detectors
            >>> mon = Monitor(detectors=[detectors.Patience(1)], display=False)
            >>> mon.log(1, val_loss=0.5); mon.should_stop
            False
            >>> mon.log(2, val_loss=0.6); mon.should_stop  # no better for 1 epoch
            True
        """
        self._poll_view()
        self._judge_waiting()
        return self._stop_event is not None

    def _say_stopped_already(self) -> None:
        """The training cell was run again after the stop (its steps started again), or a
        later cell goes on logging: say once, in a warning, that ``should_stop`` stays True,
        so a loop that checks it ends after one epoch, and how to go on (:meth:`resume`, or a
        new monitor). A loop that trains on past the stop on purpose (the lecture's "15 epochs
        past the alarm") is not told: its steps go on, in the cell of the stop."""
        stop = self._stop_event
        if stop is None or self._stop_told:
            return
        self._stop_told = True
        if stop.detector == "user":
            by = message("monitor.stopped_by_user")
        else:
            by = message("monitor.stopped_by_detector", detector=stop.detector)
        text = message("monitor.warn.stopped_already", epoch=stop.epoch, by=by)
        warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())

    def _say_if_trained_in_a_later_cell(self, values: dict[str, float]) -> None:
        """A notebook cell after the one of the stop logs a training or validation metric
        ("train 20 more epochs", counting on): said as a cell run again is. A test loss
        logged after training is no training."""
        if self._stop_event is None or _display.running_cell() in (None, self._stop_cell):
            return
        if any(is_validation(name) or named_as_training(name) for name in values):
            self._say_stopped_already()

    @property
    def stop_requested(self) -> bool:
        """True once the Stop button was clicked (or :meth:`request_stop` called), until
        :meth:`resume`; unlike ``should_stop``, a detector firing does not set it. For a loop
        that trains on past a detector's advice but stops at a click. Reading it lets pending
        clicks in, as ``should_stop`` does.

            >>> import nngraph as ng
            >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5)
            >>> _ = mon.request_stop(); mon.stop_requested
            True
        """
        self._poll_view()
        return self._user_stop is not None

    def _poll_view(self) -> None:
        poll = getattr(self.view, "poll", None)
        if poll is not None:
            poll()

    def _stop_due(self) -> bool:
        """Whether a stop is asked for, or will be by an evaluation a detector holds back for
        its training value, whatever that value (``Patience``'s own rule: see
        ``Detector._held_stops``): for a caller that cannot end the step yet (Lightning's
        callback, whose module logs the epoch's training loss after it reads the stop)."""
        fed = [det for det in self._detectors if id(det) in self._fed]
        return self._stop_event is not None or any(det._held_stops() for det in fed)

    @property
    def stop_event(self) -> Event | None:
        """The event that made ``should_stop`` true, if any."""
        return self._stop_event

    def request_stop(self, reason: str | None = None) -> Event:
        """Ask the training loop to stop: ``should_stop`` becomes True and a ``stop`` event
        (detector ``"user"``) joins :attr:`events`. Returns the event; idempotent.

        ``reason`` is the event's message, a text (``None``: "stop requested at epoch N").
        Anything else (a number, a tensor, bytes) is an :class:`NNGraphError` and nothing
        stops: the message is shown and saved as text, so write the number into it, e.g.
        ``mon.request_stop(f"loss {loss.item():.3f} is high enough")``.

            >>> import nngraph as ng
            >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5)
            >>> mon.request_stop("enough").message, mon.should_stop
            ('enough', True)
        """
        if reason is not None and not isinstance(reason, str):
            raise NNGraphError(message("monitor.error.stop_reason", got=short_repr(reason)))
        if self._user_stop is not None:
            return self._user_stop  # asked already (maybe after a detector), not withdrawn since
        epoch, step = self.epoch, self._last_step
        if self._epoch_running is not None and self._epoch_running > epoch:
            epoch, step = self._epoch_running, float(self._epoch_running)
        unit = self._unit() if self._calls else "epoch"
        if unit == "step":  # its lines say "step 7": so does its stop
            epoch = math.ceil(step)
        if reason is None:
            key = "monitor.stop_requested_step" if unit == "step" else "monitor.stop_requested"
            reason = message(key, epoch=epoch)
        event = Event(
            step=step,
            epoch=epoch,
            detector="user",
            kind="stop",
            message_id="monitor.stop_requested",
            message=reason,
            stop=True,
            unit=unit,
        )
        self.add_event(event)  # the first stopping event stays `stop_event`
        return event

    def resume(self) -> None:
        """Withdraw the stop: ``should_stop`` becomes False again, while the events, the
        history and the best stay. For training on after a stop (a second ``fit``): a
        detector or the Stop button can stop it again. The epochs go on from the last one
        (``epoch=`` numbers may not start again from 1: a new run needs a new ``Monitor``).
        Each detector may announce its condition again where it holds, and ``Patience`` waits
        ``patience`` epochs from here (keeping its best), as Keras does in a second ``fit``.

            >>> import nngraph as ng
            >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5)
            >>> _ = mon.request_stop(); mon.resume(); mon.should_stop
            False
        """
        self._check_new_detectors()
        self._stop_event = self._user_stop = None
        self._stop_told = False
        for det in self._detectors:  # each may stop the run again (see Detector.resume)
            det.resume()


def _told_already(index: int, raised: list[tuple[Event, bool]]) -> bool:
    """Whether the event at ``index`` of ``raised`` (the events of one call, each with whether
    :class:`Divergence` raised it) says a divergence another one says, at least as strongly
    (it stops, or this one does not): Divergence and GL both see a NaN, and the run is told
    once. Divergence's explanation is the one told, whatever the order of the detectors (it
    tells a NaN in the data from a learning rate too high; GL only says "diverged"); between
    two of the same sort, the first one.

        >>> from nngraph.monitor._common import Event
        >>> def nan(detector: str) -> Event:
        ...     return Event(1.0, 1, detector, "divergence", detector + ".nan", "nan", stop=True)
        >>> raised = [(nan("gl"), False), (nan("divergence"), True)]
        >>> _told_already(0, raised), _told_already(1, raised)
        (True, False)
    """
    event, precise = raised[index]
    if event.kind != "divergence":
        return False
    for other_index, (other, other_precise) in enumerate(raised):
        if other_index == index or other.kind != "divergence":
            continue
        as_strongly = other.stop or not event.stop
        preferred = other_precise and not precise
        first = other_precise == precise and other_index < index
        if as_strongly and (preferred or first):
            return True
    return False
