"""The live-view part of :class:`~nngraph.monitor.Monitor`: listeners get what ``log()`` adds,
batched (see :mod:`nngraph.monitor._listeners`), and a view added late gets the history first.

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False); got = []
    >>> _ = mon.add_listener(got.append)
    >>> mon.log(1, loss=0.5); mon.flush()
    >>> got[0].points["loss"], got[0].best
    (([1.0], [0.5]), None)
"""

from __future__ import annotations

from typing import Any

from nngraph.monitor._best import Best
from nngraph.monitor._common import Event
from nngraph.monitor._history import Series
from nngraph.monitor._listeners import Broadcaster, Listener, Update

__all__ = ["LiveUpdates"]


class LiveUpdates:
    """Listeners of a :class:`~nngraph.monitor.Monitor`: the monitor calls :meth:`_init_live`
    in ``__init__`` and queues what each ``log()`` adds on ``_listeners``."""

    name: str | None
    series: dict[str, Series]
    _best: Best | None
    _events: list[Event]

    def _init_live(self, flush_interval: float) -> None:
        self._listeners = Broadcaster(self._make_update, flush_interval)

    def add_listener(self, listener: Listener) -> Listener:
        """Call ``listener(update)`` with new points and events, batched: at most one call per
        ``flush_interval`` seconds (events are sent at once). Returns the listener.

            >>> import nngraph as ng
            >>> mon = ng.Monitor(display=False); got = []
            >>> _ = mon.add_listener(got.append)
            >>> mon.log(1, loss=0.5); mon.flush()
            >>> sum(len(u.points.get("loss", ([], []))[0]) for u in got)
            1
        """
        return self._listeners.add(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener``.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False); got = []; _ = mon.add_listener(got.append)
        >>> mon.remove_listener(got.append); mon.log(1, loss=0.5); mon.flush(); got
        []
        """
        self._listeners.remove(listener)

    def _make_update(self, points: dict[str, Any], events: list[Event]) -> Update:
        return Update(points=points, events=events, best=self._best, name=self.name)

    def _history_update(self) -> Update | None:
        """Everything logged so far as one update (a run added to a view already shown), or
        None before the first point or event."""
        points = {k: (s.steps.tolist(), s.values.tolist()) for k, s in self.series.items()}
        if not points and not self._events:
            return None
        return self._make_update(points, list(self._events))

    def flush(self) -> None:
        """Send pending points and events to the listeners now.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False); got = []; _ = mon.add_listener(got.append)
        >>> mon.log(1, loss=0.5); mon.flush(); len(got)
        1
        """
        self._listeners.flush()
