"""The :class:`~nngraph.monitor.GradientWatch` es attached to a monitor: one made with
``optimizer=`` and ``monitor=`` registers here, once, what the monitor needs of it. The monitor
runs the watch's check at each ``log()`` (an optimizer that never steps: said at the first
epoch it should have), and its readings ask for the watched optimizers (a training loss that
rose steadily names a strong weight decay: see
:func:`~nngraph.monitor._cause_aside.weight_decay_aside`).

Both are held weakly: a forgotten watch is freed (its check is then skipped), and so is an
optimizer nobody holds any more.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1)
    >>> opt = torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=0.5)
    >>> class Watch:  # a GradientWatch's stand-in
    ...     def check(self) -> None:
    ...         print("checked")
    >>> watches, watch = AttachedWatches(), Watch()
    >>> watches.attach(watch.check, opt)
    >>> watches.at_log()
    checked
    >>> [group["weight_decay"] for o in watches.optimizers() for group in o.param_groups]
    [0.5]
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["AttachedWatches"]


@dataclass(frozen=True)
class _Attached:
    """One watch's registration: its check (a bound method, held weakly with the watch) and
    the optimizer it watches (held weakly)."""

    check: weakref.WeakMethod[Callable[[], None]]
    optimizer: weakref.ref[Any]


class AttachedWatches:
    """The watches given ``monitor=`` with an ``optimizer=``: their checks, run at each
    ``log()``, and the optimizers they watch (see the module's docstring)."""

    def __init__(self) -> None:
        self._attached: list[_Attached] = []

    def attach(self, check: Callable[[], None], optimizer: Any) -> None:
        """Register a watch: ``check``, its bound method run at each ``log()``, and the
        ``optimizer`` it watches. Those of freed watches and optimizers are dropped here.

            >>> import torch
            >>> class Watch:  # a GradientWatch's stand-in
            ...     def check(self) -> None:
            ...         print("checked")
            >>> opt = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1)
            >>> watches = AttachedWatches(); watches.attach(Watch().check, opt)
            >>> watches.at_log()  # that watch was freed at once: its check is skipped
            >>> len(watches.optimizers())  # its optimizer is still held (by ``opt``)
            1
        """
        alive = [a for a in self._attached if a.check() is not None or a.optimizer() is not None]
        self._attached = [*alive, _Attached(weakref.WeakMethod(check), weakref.ref(optimizer))]

    def at_log(self) -> None:
        """Run the check of every watch still alive (a monitor's ``log()`` calls it).

        >>> AttachedWatches().at_log()  # none attached: nothing to run
        """
        for attached in list(self._attached):
            if (check := attached.check()) is not None:
                check()

    def optimizers(self) -> list[Any]:
        """The watched optimizers still alive, in the order their watches were attached.

        >>> AttachedWatches().optimizers()
        []
        """
        return [opt for attached in self._attached if (opt := attached.optimizer()) is not None]
