"""Feeding the monitor's detectors: each ``log()`` call, and the history so far to a detector
added to ``mon.detectors`` later.

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

from dataclasses import replace

from nngraph.monitor._common import Event
from nngraph.monitor._history import Series
from nngraph.monitor.detectors import Detector

__all__ = ["DetectorFeeding"]


class DetectorFeeding:
    """The detector part of :class:`~nngraph.monitor.Monitor`, with the events: it calls
    :meth:`_init_feeding` in ``__init__`` (once ``detectors`` is set), :meth:`_feed_detectors`
    once per ``log()`` (after the call is recorded) and :meth:`_resume_detectors` in
    ``resume()``."""

    detectors: list[Detector]
    series: dict[str, Series]
    _calls: int

    def _init_feeding(self) -> None:
        self._events: list[Event] = []
        self._stop_event: Event | None = None
        # the detectors fed from the start or caught up (kept, so that an id is never reused)
        self._fed: dict[int, Detector] = {id(det): det for det in self.detectors}

    def _record(self, event: Event) -> None:
        if len(self._events) < 10_000:  # a flapping detector must not eat memory
            self._events.append(event)
        if event.stop and self._stop_event is None:
            self._stop_event = event

    def _feed_detectors(self, step: float, values: dict[str, float], epoch: int) -> list[Event]:
        """Feed this call to every detector; the events it raised (recorded), stamped with
        ``epoch``."""
        new_events: list[Event] = []
        for det in self.detectors:
            if id(det) not in self._fed:
                self._catch_up(det)
            event = det.feed(step, values, epoch)  # the monitor's epochs, in their words too
            if event is not None:
                if event.epoch != epoch:  # a detector counts its own evaluations or calls
                    event = replace(event, epoch=epoch)
                new_events.append(event)
                self._record(event)
        return new_events

    def _catch_up(self, det: Detector) -> None:
        """Feed ``det`` (reset first) every call before this one, as the history keeps them
        (exact while each metric has fewer than ``max_points`` points), and forget the events
        it raised there: they were not announced when they happened."""
        self._fed[id(det)] = det
        det.reset()
        calls: dict[int, tuple[float, int, dict[str, float]]] = {}
        for name, series in self.series.items():
            points = zip(
                series.calls.tolist(),
                series.steps.tolist(),
                series.epochs.tolist(),
                series.values.tolist(),
                strict=True,
            )
            for call, step, epoch, value in points:
                if call < self._calls:  # this call is fed next, as to every detector
                    calls.setdefault(call, (step, epoch, {}))[2][name] = value
        for call in sorted(calls):
            step, epoch, values = calls[call]
            det.feed(step, values, epoch)
        det.events.clear()
        det.fired = False
        det._rearm()

    def _resume_detectors(self) -> None:
        """After a stop: each detector may stop the run again (see :meth:`Detector.resume`)."""
        for det in self.detectors:
            det.resume()
