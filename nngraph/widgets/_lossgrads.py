"""How a :class:`~nngraph.widgets.LossView` of a ``GradientWatch`` gets its new norms: a
watch has no listeners, so the view reads the watch's series and events itself and sends only
what it has not sent yet (on each flush of the watch's monitor, at each ``watch.step()`` of a
watch without one, at most ten times a second, and when a cell ends).

    >>> import torch, nngraph as ng
    >>> net = torch.nn.Linear(2, 1); watch = ng.GradientWatch(net); view = ng.LossView(watch)
    >>> net(torch.ones(1, 2)).sum().backward(); _ = watch.step()
    >>> view.sent[-1][0]["type"], view.sent[-1][0]["metrics"]
    ('batch', [''])
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

__all__ = ["REFRESH_INTERVAL", "GradientFeed"]

#: a GradientWatch without a monitor sends its new norms at most this often (seconds)
REFRESH_INTERVAL = 0.1


class GradientFeed:
    """The part of :class:`~nngraph.widgets.LossView` that sends a GradientWatch's new norms
    and events; the view calls :meth:`_init_gradient_feed` in ``__init__``."""

    kind: str
    source: Any
    _dirty: bool

    def _send_custom(self, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
        raise NotImplementedError

    def _schedule_snapshot(self, now: bool) -> None:
        raise NotImplementedError

    def _init_gradient_feed(self, source: Any, kind: str) -> None:
        self._last_refresh = 0.0
        self._grad_sent: dict[str, float] = {}  # layer -> the last step sent
        # a watch's events so far go out with the first snapshot; later ones with refresh()
        self._grad_events_sent = len(getattr(source, "events", ())) if kind == "gradients" else 0

    def refresh(self) -> None:
        """Send what is new in a GradientWatch (called on each monitor flush, or by hand).

        >>> import torch, nngraph as ng
        >>> net = torch.nn.Linear(2, 1); watch = ng.GradientWatch(net); view = ng.LossView(watch)
        >>> net(torch.ones(1, 2)).sum().backward(); _ = watch.step(); view.refresh()
        >>> view.sent[-1][0]["metrics"]  # the layers: the model itself is called ""
        ['']
        """
        watch = self.source
        if self.kind != "gradients" or watch is None:  # a watch nothing holds any more
            return
        names, buffers = [], []
        for layer, series in list(watch.series.items()):
            steps, values = series.steps.copy(), series.values.copy()
            keep = steps > self._grad_sent.get(layer, -np.inf)
            if not keep.any():
                continue
            self._grad_sent[layer] = float(steps[keep][-1])
            names.append(layer)
            buffers += [
                steps[keep].astype(np.float64).tobytes(),
                values[keep].astype(np.float64).tobytes(),
            ]
        # its events too (steps that found no gradient add no norm to draw, only an event)
        events = [e.to_dict() for e in watch.events[self._grad_events_sent :]]
        self._grad_events_sent += len(events)
        if names or events:
            header = {"type": "batch", "run": "", "metrics": names, "events": events}
            self._send_custom(header, buffers)
            self._dirty = True
            self._schedule_snapshot(bool(events))

    def refresh_soon(self) -> None:
        """:meth:`refresh`, at most every ``REFRESH_INTERVAL`` seconds: a GradientWatch with no
        monitor calls it at each ``step()``, so that its view follows a training cell (what a
        skipped call had is sent by the next one, or when the cell ends).

        >>> import torch, nngraph as ng
        >>> net = torch.nn.Linear(2, 1); watch = ng.GradientWatch(net); view = ng.LossView(watch)
        >>> net(torch.ones(1, 2)).sum().backward(); _ = watch.step()  # calls view.refresh_soon()
        >>> view.sent[-1][0]["metrics"]
        ['']
        """
        now = time.monotonic()
        if now - self._last_refresh >= REFRESH_INTERVAL:
            self._last_refresh = now
            self.refresh()
