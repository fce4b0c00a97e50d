"""How a :class:`~nngraph.monitor.GradientWatch` with ``optimizer=`` is called at each
``optimizer.step()`` (:class:`StepHooks`), and the watches hooked so (:data:`hooked`). A new watch
of the same parameters through the same optimizer (its cell run again) closes the older one, so
no step is counted twice.

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
from collections.abc import Callable
from typing import Any

from nngraph.i18n import message

__all__ = ["StepHooks", "close_older", "hooked"]

#: watches holding an optimizer hook; weak, so a closed or forgotten watch is not kept alive
hooked: weakref.WeakSet[Any] = weakref.WeakSet()


class StepHooks:
    """Calls ``read(closure)`` once per ``optimizer.step()``, when its gradients are there.

    Without a closure, in a step *pre*-hook: before the update, after all that runs between
    ``backward()`` and the step (``GradScaler`` unscaling, ``clip_grad_norm_``). With one
    (``step(closure)``: LBFGS, and Lightning at every step), zero_grad, forward and backward run
    inside the step, after the pre-hook, which would read the previous step's gradients; so the
    gradients are read in a step *post*-hook instead, as the (last) closure call left them.
    Nothing is hooked on the model; :meth:`remove` takes both hooks off the optimizer.

        >>> import torch
        >>> net = torch.nn.Linear(1, 1, bias=False); opt = torch.optim.SGD(net.parameters(), lr=0.1)
        >>> hooks = StepHooks(opt, lambda closure: print("read, closure:", closure is not None))
        >>> def closure():
        ...     opt.zero_grad(); loss = net(torch.ones(1, 1)).sum(); loss.backward(); return loss
        >>> _ = opt.step(closure)
        read, closure: True
        >>> hooks.remove(); _ = opt.step(closure)
    """

    def __init__(self, optimizer: Any, read: Callable[[Any], None]) -> None:
        self._read = read
        self._handles = [
            optimizer.register_step_pre_hook(self._before),
            optimizer.register_step_post_hook(self._after),
        ]

    def _before(self, optimizer: Any, args: Any = (), kwargs: Any = None) -> None:
        if _closure(optimizer, args, kwargs) is None:
            self._read(None)

    def _after(self, optimizer: Any, args: Any = (), kwargs: Any = None) -> None:
        closure = _closure(optimizer, args, kwargs)
        if closure is not None:
            self._read(closure)

    def remove(self) -> None:
        """Take both hooks off the optimizer."""
        for handle in self._handles:
            handle.remove()


def _closure(optimizer: Any, args: Any, kwargs: Any) -> Any:
    """The closure ``optimizer.step(...)`` was given, positional or ``closure=``; else None."""
    given = [a for a in args if a is not optimizer]  # torch passes the optimizer in args
    closure = given[0] if given else (kwargs or {}).get("closure")
    return closure if callable(closure) else None


def close_older(optimizer: Any, params: set[int]) -> None:
    """Close every watch still hooked on ``optimizer`` that watches one of ``params`` (ids):
    its cell was run again, and both would count each step."""
    for old in list(hooked):
        if old._optimizer is optimizer and not params.isdisjoint(id(p) for _, p in old._params):
            old.close()
            print(message("monitor.gradwatch.replaced"))
