"""Live training monitor: loss curves, overfitting detectors, early stopping with the best weights.

No UI imports here (no widgets, IPython or anywidget) and torch is imported lazily: the monitor
works in a plain script, where it prints compact text lines: one per epoch, but at most one a
second (``Monitor(print_interval=1.0)``), except that the first epoch and every epoch with an
event always get theirs, and a last epoch's line held back is printed at the end (``mon.close()``,
``mon.restore_best()``, reading ``mon.best`` after the loop, the end of the cell, or when the
script exits). ``mon.history("val_loss")`` keeps every epoch up to ``max_points`` (10,000 per
metric by default), then thins the whole run evenly (the lowest and highest value of every few
epochs, the same share of the start as of the end; the latest points exactly).

    >>> from nngraph.monitor import Monitor, detectors
    >>> mon = Monitor(detectors=[detectors.GL(5), detectors.Patience(3)], display=False)
    >>> for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.6, 0.7), (0.4, 0.75)], start=1):
    ...     mon.log(epoch, loss=tr, val_loss=va)
    >>> mon.should_stop, mon.events[0].detector
    (True, 'GL(5)')
"""

from __future__ import annotations

from nngraph.monitor import detectors
from nngraph.monitor._common import Event
from nngraph.monitor._compare import compare
from nngraph.monitor._gradwatch import GradientWatch
from nngraph.monitor._listeners import Listener, Update
from nngraph.monitor._monitor import Best, Monitor
from nngraph.monitor._runs import Runs

__all__ = [
    "Best",
    "Event",
    "GradientWatch",
    "Listener",
    "Monitor",
    "Runs",
    "Update",
    "compare",
    "detectors",
]
