"""``compare()``: finished (or running) monitors side by side, as one :class:`Runs`.

>>> import nngraph as ng
>>> small, large = ng.Monitor(display=False), ng.Monitor(display=False)
>>> small.log(1, val_loss=0.4); large.log(1, val_loss=0.25)
>>> compare({"small": small, "large": large}, display=False).winner()
'large'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._display import Display
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._names import Mode
from nngraph.monitor._runs import Runs
from nngraph.monitor._runs_options import check_options, monitors_given

__all__ = ["compare"]


def compare(
    *monitors: Monitor | Iterable[Monitor] | Mapping[Any, Monitor],
    metric: str | None = None,
    mode: Mode = "auto",
    display: Display = "auto",
) -> Runs:
    """Put finished (or running) monitors side by side: ``print(compare(m1, m2).table())``.

    The monitors may also come as one list, tuple or dict of them, as a loop over settings
    collects them: ``compare(results)`` for ``results = {"small": mon_a, "large": mon_b}``. A
    run is called by its dict key, else by its monitor's ``name``.

    Without ``metric``, by the metric the runs track (``val_loss`` by default; each run read
    under its own name for it, ``valid_loss`` or ``val/loss``), or by their training loss when
    no run logged it (no validation set); ``mode="auto"`` takes the runs' own mode for it, so
    runs on ``val_acc`` are won by the highest accuracy. A ``metric=`` no run logged (a slip,
    ``val_los``) is said at once in a warning: "did you mean 'val_loss'?", as a Monitor says it.

    >>> import nngraph as ng
    >>> a = ng.Monitor(name="a", display=False); a.log(1, val_loss=0.3)
    >>> b = ng.Monitor(name="b", display=False); b.log(1, val_loss=0.2)
    >>> ng.compare(a, b, display=False).winner()
    'b'
    >>> results = {"lr=0.1": ng.Monitor(display=False), "lr=1": ng.Monitor(display=False)}
    >>> for mon, value in zip(results.values(), [0.4, 0.5]): mon.log(1, val_loss=value)
    >>> ng.compare(results, display=False).names
    ['lr=0.1', 'lr=1']
    """
    check_options(metric, mode, display)
    named = monitors_given(monitors)
    for i, (key, mon) in enumerate(named):  # all checked before the view is shown
        for j, (_, other) in enumerate(named[:i]):
            if other is mon:
                raise NNGraphError(
                    message("monitor.runs.error.same_monitor", first=j + 1, second=i + 1)
                )
            if key is None and mon.name is not None and other.name == mon.name:
                raise NNGraphError(message("monitor.runs.error.same_name", name=mon.name))
    runs = Runs(metric=metric, mode=mode, display=display)
    for key, mon in named:
        runs.add(mon, name=key)
    runs._check_metric()  # finished runs, mostly: a slip in metric= is said at once
    return runs
