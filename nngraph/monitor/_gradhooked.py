"""The :class:`~nngraph.monitor.GradientWatch` objects hooked on an optimizer (``optimizer=``). A
new watch of the same parameters through the same optimizer (its cell run again) closes the
older one, so no step is counted twice.

    >>> import torch
    >>> from nngraph.monitor import GradientWatch
    >>> net = torch.nn.Linear(2, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
    >>> first = GradientWatch(net, optimizer=opt); second = GradientWatch(net, optimizer=opt)
    nngraph: the earlier GradientWatch on this optimizer was still watching; it is closed now, so each step is counted once
    >>> first in hooked, second in hooked
    (False, True)
"""

from __future__ import annotations

import weakref
from typing import Any

from nngraph.i18n import message

__all__ = ["close_older", "hooked"]

#: watches holding an optimizer hook; weak, so a closed or forgotten watch is not kept alive
hooked: weakref.WeakSet[Any] = weakref.WeakSet()


def close_older(optimizer: Any, params: set[int]) -> None:
    """Close every watch still hooked on ``optimizer`` that watches one of ``params`` (ids):
    its cell was run again, and both would count each step."""
    for old in list(hooked):
        if old._optimizer is optimizer and not params.isdisjoint(id(p) for _, p in old._params):
            old.close()
            print(message("monitor.gradwatch.replaced"))
