"""Listeners: how a live view subscribes to a monitor, without the monitor knowing about views.

A listener is any callable taking an :class:`Update`. New points are batched and delivered at
most once per ``interval`` seconds (events at once); a timer delivers the last batch even if
training stops logging, so a view never misses the end of a run.

    >>> got = []
    >>> b = Broadcaster(lambda points, events: Update(points, events), interval=60)
    >>> _ = b.add(got.append)
    >>> b.queue(1.0, {"loss": 0.5}, []); b.queue(2.0, {"loss": 0.4}, []); b.flush()
    >>> [u.points["loss"] for u in got]
    [([1.0], [0.5]), ([2.0], [0.4])]
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import Event

if TYPE_CHECKING:
    from nngraph.monitor._best import Best

__all__ = ["Broadcaster", "Listener", "Update"]


@dataclass
class Update:
    """What a listener receives: the points logged since the previous update (per metric,
    steps and values in log order), new events, and the current best.

        >>> u = Update(points={"loss": ([1.0], [0.5])})
        >>> u.to_dict()["points"]["loss"]
        {'step': [1.0], 'value': [0.5]}
    """

    points: dict[str, tuple[list[float], list[float]]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    best: Best | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (what a widget receives): points as ``{"step", "value"}`` lists.

        >>> sent = Update(points={"loss": ([1.0], [0.5])}, name="run 1").to_dict()
        >>> sent["name"], sent["points"], sent["events"], sent["best"]
        ('run 1', {'loss': {'step': [1.0], 'value': [0.5]}}, [], None)
        """
        return {
            "name": self.name,
            "points": {k: {"step": s, "value": v} for k, (s, v) in self.points.items()},
            "events": [e.to_dict() for e in self.events],
            "best": None if self.best is None else self.best.to_dict(),
        }


#: A listener: any callable taking an :class:`Update` (its return value is ignored).
Listener = Callable[[Update], Any]


class Broadcaster:
    """Batches new points and events for listeners; thread-safe (a timer flushes the tail)."""

    def __init__(
        self, make_update: Callable[[dict[str, Any], list[Event]], Update], interval: float = 0.1
    ) -> None:
        self.make_update = make_update
        self.interval = interval
        self.listeners: list[Listener] = []
        self._pending: dict[str, tuple[list[float], list[float]]] = {}
        self._pending_events: list[Event] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.RLock()
        self._last_flush = 0.0
        self._timer: threading.Timer | None = None

    def __bool__(self) -> bool:
        return bool(self.listeners)

    def add(self, listener: Listener) -> Listener:
        if not callable(listener):
            raise NNGraphError(message("monitor.error.listener", got=listener))
        self.listeners.append(listener)
        return listener

    def remove(self, listener: Listener) -> None:
        if listener in self.listeners:
            self.listeners.remove(listener)

    def queue(self, step: float | None, values: dict[str, float], events: list[Event]) -> None:
        with self._lock:
            pending = self._pending
            for key, v in values.items():
                entry = pending.get(key)
                if entry is None:
                    entry = pending[key] = ([], [])
                entry[0].append(step)  # type: ignore[arg-type]
                entry[1].append(v)
            self._pending_events += events
            armed = self._timer is not None
        now = time.monotonic()
        if events or now - self._last_flush >= self.interval:
            self.flush()
        elif not armed:  # trailing flush: the last points arrive even if log() is not called again
            timer = threading.Timer(self.interval - (now - self._last_flush), self.flush)
            timer.daemon = True
            with self._lock:
                self._timer = timer
            timer.start()

    def flush(self) -> None:
        """Send pending points and events to the listeners now."""
        with self._flush_lock:
            with self._lock:
                points, self._pending = self._pending, {}
                events, self._pending_events = self._pending_events, []
                timer, self._timer = self._timer, None
                if points or events:  # an empty flush must not hold back the next point
                    self._last_flush = time.monotonic()
            if timer is not None and timer is not threading.current_thread():
                timer.cancel()
            if points or events:
                update = self.make_update(points, events)
                for listener in list(self.listeners):
                    try:
                        listener(update)
                    except Exception as exc:
                        self.remove(listener)
                        warnings.warn(message("monitor.warn.listener", exc=exc), stacklevel=2)
