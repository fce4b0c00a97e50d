"""How a :class:`~nngraph.monitor.GradientWatch` with ``optimizer=`` is called at each
``optimizer.step()`` (:class:`StepHooks`), and the watches hooked so (:data:`hooked`). A new watch
of the same parameters through the same optimizer (its cell run again) closes the older one, so
no step is counted twice. :class:`FlowOrder` reads the layers' data-flow order from the first
backward (hooks on the parameters for that one backward only).

    >>> import torch
    >>> from nngraph.monitor import GradientWatch
    >>> net = torch.nn.Linear(2, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
    >>> first = GradientWatch(net, optimizer=opt); second = GradientWatch(net, optimizer=opt)
    nngraph: the earlier GradientWatch on this optimizer was still watching; it is closed now, so each step is counted once
    >>> first in hooked, second in hooked
    (False, True)
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any

from nngraph._compiled import modules_as_written
from nngraph.i18n import message

__all__ = ["FlowOrder", "NotedClosure", "StepHooks", "close_older", "flow_order", "hooked"]

#: watches holding an optimizer hook; weak, so a closed or forgotten watch is not kept alive
hooked: weakref.WeakSet[Any] = weakref.WeakSet()


class StepHooks:
    """Calls ``read(closure)`` once per ``optimizer.step()``, when its gradients are there.

    Without a closure, in a step *pre*-hook: before the update, after all that runs between
    ``backward()`` and the step (``GradScaler`` unscaling, ``clip_grad_norm_``). With one
    (``step(closure)``: LBFGS, and Lightning at every step), zero_grad, forward and backward run
    inside the step, after the pre-hook, which would read the previous step's gradients; so the
    gradients are read in a step *post*-hook instead, as the (last) closure call left them. The
    pre-hook hands the step a :class:`NotedClosure` in its place, which notes what the closure
    returned (``read`` gets it). Nothing is hooked on the model; :meth:`remove` takes both hooks
    off the optimizer.

        >>> import torch
        >>> net = torch.nn.Linear(1, 1, bias=False); opt = torch.optim.SGD(net.parameters(), lr=0.1)
        >>> hooks = StepHooks(opt, lambda closure: print("read, a loss returned:", closure.loss))
        >>> def closure():
        ...     opt.zero_grad(); loss = net(torch.ones(1, 1)).sum(); loss.backward(); return loss
        >>> loss = opt.step(closure)  # the step returns what the closure returned
        read, a loss returned: True
        >>> hooks.remove(); _ = opt.step(closure)
    """

    def __init__(
        self,
        optimizer: Any,
        read: Callable[[NotedClosure | None], None],
        after: Callable[[], None] | None = None,
    ) -> None:
        self._read = read
        self._after_step = after  # called once each step is done
        self._noted: NotedClosure | None = None  # the closure of the step running now
        self._handles = [
            optimizer.register_step_pre_hook(self._before),
            optimizer.register_step_post_hook(self._after),
        ]

    def _before(self, optimizer: Any, args: Any = (), kwargs: Any = None) -> Any:
        closure = _closure(optimizer, args, kwargs)
        self._noted = None
        if closure is None:
            self._read(None)
            return None
        self._noted = NotedClosure(closure)
        kwargs = kwargs or {}
        if kwargs.get("closure") is closure:
            return args, {**kwargs, "closure": self._noted}
        return tuple(self._noted if a is closure else a for a in args), kwargs

    def _after(self, optimizer: Any, args: Any = (), kwargs: Any = None) -> None:
        noted, self._noted = self._noted, None
        if noted is not None:
            self._read(noted)
        if self._after_step is not None:
            self._after_step()

    def remove(self) -> None:
        """Take both hooks off the optimizer."""
        for handle in self._handles:
            handle.remove()


class NotedClosure:
    """A closure given to ``optimizer.step(closure)``, called as it is; notes whether its last
    call returned a loss (``loss``: None while not called). One that returns None computed
    nothing to learn from: Lightning's, for a ``training_step`` that returned None to skip the
    batch (it calls ``zero_grad()``, then no ``backward()``)."""

    def __init__(self, closure: Callable[..., Any]) -> None:
        self._closure = closure
        self.loss: bool | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self._closure(*args, **kwargs)
        self.loss = result is not None
        return result


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


class FlowOrder:
    """The order of the layers along the data flow, as one backward pass shows it: the
    gradient flows back from the loss, so the last layer's parameters get theirs first and the
    first layer's last. :meth:`arm` hooks each trainable parameter
    (``register_post_accumulate_grad_hook``) until :meth:`take` or :meth:`remove`: the hooks note
    only the order of the first backward after it (a parameter reached twice: a second backward
    began) and cost nothing more. A model that registers its head before its body is so read
    from the right end. A ``torch.compile``d one is not armed: its backward hands every gradient
    at once, in no data-flow order; where it is not seen (the watch given the module that a
    compiled wrapper runs), that order mixes the parameters of different layers, while a plain
    backward reaches those of one layer one after another: a mixed order is not used.

        >>> import torch
        >>> class HeadFirst(torch.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.head, self.body = torch.nn.Linear(3, 1), torch.nn.Linear(2, 3)
        ...     def forward(self, x):
        ...         return self.head(self.body(x))
        >>> net = HeadFirst(); flow = FlowOrder(net)
        >>> flow.arm([(0, net.head.weight), (0, net.head.bias), (1, net.body.weight)])
        >>> net(torch.ones(1, 2)).sum().backward()
        >>> flow.take(2), net.head.weight._post_accumulate_grad_hooks
        ([1, 0], OrderedDict())
    """

    def __init__(self, model: Any) -> None:
        self._usable = not _compiled(model)  # a compiled backward has no data-flow order
        self._handles: list[Any] = []
        self._seen: set[int] = set()  # ids of the parameters reached
        self._reached: dict[int, int] = {}  # layer index -> when its last parameter was reached
        self._done = False  # a second backward began: its order is not noted
        self._mixed = False  # a layer's parameters were not reached one after another
        self._last = -1  # the layer reached last

    def arm(self, params: list[tuple[int, Any]]) -> None:
        """Note the order of the next backward over ``params`` (``(layer index, parameter)``
        pairs; only those that require grad now can be hooked)."""
        self.remove()
        self._seen, self._reached, self._done, self._mixed = set(), {}, False, False
        if not self._usable:
            return
        for layer, p in params:
            if not p.requires_grad or not hasattr(p, "register_post_accumulate_grad_hook"):
                continue
            try:
                self._handles.append(
                    p.register_post_accumulate_grad_hook(functools.partial(self._reach, layer))
                )
            except RuntimeError:  # a parameter torch refuses a hook on: its layer is not placed
                continue

    def _reach(self, layer: int, param: Any) -> None:
        if self._done:
            return
        if id(param) in self._seen:  # its gradient again: a second backward (accumulation)
            self._done = True
            return
        self._seen.add(id(param))
        self._mixed = self._mixed or (layer in self._reached and layer != self._last)
        self._last = layer
        self._reached[layer] = len(self._seen)

    def take(self, count: int) -> list[int] | None:
        """After a backward: the ``count`` layer indices in the data flow's order (see
        :func:`flow_order`; the model's where the order was mixed), and the hooks are removed;
        None (still armed) while no gradient came."""
        if not self._reached:
            return None
        reached = {} if self._mixed else self._reached
        self.remove()
        return flow_order(count, reached)

    def remove(self) -> None:
        """Take every hook off the parameters (nothing happens when none is left)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._reached = {}


def _compiled(model: Any) -> bool:
    """Whether ``model`` or a part of it is ``torch.compile``d (wrapped, or ``.compile()``d)."""
    return any(
        wrapper is not None or getattr(module, "_compiled_call_impl", None) is not None
        for _, module, wrapper in modules_as_written(model)
    )


def flow_order(count: int, reached: dict[int, int]) -> list[int]:
    """The layer indices ``0 .. count - 1`` in the data flow's order: those ``reached`` by a
    backward, the last reached first; each other one (frozen then, or not used by that batch)
    just before the next layer of the model's order that was reached, or at the end.

        >>> flow_order(4, {0: 1, 2: 2, 3: 3})  # 0 is the head; 1 was not reached
        [3, 1, 2, 0]
        >>> flow_order(3, {})
        [0, 1, 2]
    """
    before: dict[int, list[int]] = {}
    waiting: list[int] = []
    for i in range(count):
        if i in reached:
            before[i], waiting = waiting, []
        else:
            waiting.append(i)
    ordered = sorted(reached, key=lambda i: -reached[i])
    return [j for i in ordered for j in (*before[i], i)] + waiting
