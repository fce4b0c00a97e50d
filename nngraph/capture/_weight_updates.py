"""Code that only updates the weights, left out of a recording like `optimizer.step()`: a
hand-written EMA of the weights, weight clipping, copying weights from one model to another.

It runs at top level (outside any module's forward) under `torch.no_grad()`, and reads or
writes nothing but the weights: parameters, their `.data`, `.detach()` and `state_dict()`
copies (which share their memory), and what it computes from them (`0.99 * pe`). Any write
into a weight there is left out too (`pe.copy_(...)`, whatever it copies).

    >>> import torch, nngraph as ng
    >>> model, ema = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    >>> with ng.record() as rec:
    ...     model(torch.ones(1, 2)).sum().backward()
    ...     with torch.no_grad():
    ...         for pe, p in zip(ema.parameters(), model.parameters()):
    ...             _ = pe.data.mul_(0.99).add_(p.data, alpha=0.01)
    >>> sorted({d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op"})
    ['linear', 'sum']
"""

from __future__ import annotations

import weakref
from typing import Any

import torch

from nngraph.capture._builder import tensors_in

__all__ = ["WeightCopies"]


class WeightCopies:
    """The tensors a recording knows to be weights or computed from weights alone, in code
    that only updates the weights (see the module's docstring)."""

    def __init__(self) -> None:
        self._copies: dict[int, weakref.ref[torch.Tensor]] = {}

    def is_weight(self, t: Any) -> bool:
        """Whether `t` is a parameter, or a tensor met here as a copy of weights."""
        if isinstance(t, torch.nn.Parameter):
            return True
        seen = self._copies.get(id(t))
        return seen is not None and seen() is t

    def only_weights(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """Whether a call reads tensors, and every one of them is a weight."""
        tensors = tensors_in(kwargs, tensors_in(args, []))
        return bool(tensors) and all(self.is_weight(t) for t in tensors)

    def remember(self, out: Any) -> None:
        """The tensors `out` of a call that read weights alone are weights' copies too."""
        for t in tensors_in(out, []):
            self._copies[id(t)] = weakref.ref(t)
