"""What a monitor says of itself in text: ``mon.summary()`` and ``repr(mon)``.

>>> import nngraph as ng
>>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.7)
>>> repr_text(mon)
'<Monitor: 1 epoch, best val_loss=0.7, 0 events>'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nngraph._oneline import one_line
from nngraph.i18n import message
from nngraph.monitor._common import fmt_step
from nngraph.monitor._text import count

if TYPE_CHECKING:
    from nngraph.monitor._monitor import Monitor

__all__ = ["repr_text", "summary_text"]


def summary_text(mon: Monitor) -> str:
    """The text of ``mon.summary()``: the best epoch (or why there is none) and every event;
    a name holding a newline (or another character `one_line` escapes) keeps each line one line.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(metric="val_a\\nb", display=False); mon.log(1, **{"val_a\\nb": 0.5})
        >>> print(summary_text(mon))
        best val_a\\nb 0.5 at epoch 1 (step 1)
    """
    if mon._best is None:
        if not mon._calls:
            lines = [message("monitor.summary.none")]
        elif mon.metric in mon.series:
            lines = [message("monitor.summary.no_finite", metric=mon.metric)]
        else:
            logged = ", ".join(mon.series)
            lines = [message("monitor.summary.not_logged", metric=mon.metric, logged=logged)]
    else:
        b = mon._best
        lines = [
            message(
                "monitor.summary.best",
                metric=b.metric,
                value=b.value,
                epoch=b.epoch,
                step=fmt_step(b.step),
            )
        ]
        if mon._weights:
            lines.append(message("monitor.summary.restore"))
    if mon._events:
        n = len(mon._events)
        lines.append(message("monitor.summary.events", events=count("event", n)))
        lines += [f"  {e}" for e in mon._events]
    return "\n".join(one_line(line) for line in lines if line)


def repr_text(mon: Monitor) -> str:
    """The text of ``repr(mon)``: its name, epochs, best value and events, on one line.

    >>> import nngraph as ng
    >>> mon = ng.Monitor(metric="val_a\\nb", display=False); mon.log(1, **{"val_a\\nb": 0.5})
    >>> print(repr_text(mon))
    <Monitor: 1 epoch, best val_a\\nb=0.5, 0 events>
    """
    name = f" {mon.name!r}" if mon.name else ""
    best = ""
    if mon._best is not None:
        best = message("monitor.repr.best", metric=mon._best.metric, value=mon._best.value)
    epochs, events = count("epoch", mon.epoch_count), count("event", len(mon._events))
    return one_line(message("monitor.repr", name=name, epochs=epochs, best=best, events=events))
