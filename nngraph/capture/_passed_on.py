"""Parameters a call gave back as they were: `w.to(x.dtype)`, `b.contiguous()`, `w.flatten(1)`
of a 2-D weight, `Dropout` in eval mode on an input that requires grad. The result is the
parameter itself, so autograd links the ops that read it to the parameter, and the call's
node led nowhere (drawn as an unused output of the model). The ops that read it after the call
read it from the call's node instead, as they do a tensor without grad that a call gave back.

    >>> import torch, nngraph as ng
    >>> w = torch.nn.Parameter(torch.randn(4, 3))
    >>> with ng.record() as rec:
    ...     y = (torch.randn(2, 4) @ w.to(torch.float32)).sum()
    >>> g = rec.graph
    >>> (matmul,) = [n for n, d in g.nodes(data=True) if d["op"] == "matmul"]
    >>> sorted(g.nodes[n]["op"] for n in g.pred[matmul])  # not the parameter: the call's node
    ['randn', 'to']
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import torch

from nngraph.capture._builder import autograd_node

if TYPE_CHECKING:
    from nngraph.capture._builder import GraphBuilder

__all__ = ["PassedOn"]


class PassedOn:
    """Each parameter a call gave back as it was, with the node of the last such call."""

    def __init__(self) -> None:
        self._nodes: dict[int, tuple[weakref.ref[torch.Tensor], str]] = {}

    def __bool__(self) -> bool:
        return bool(self._nodes)

    def note(self, ins: list[torch.Tensor], outs: list[torch.Tensor], node_id: str) -> None:
        """A call that made no autograd node (`node_id`) read `ins` and gave `outs`: kept
        where every result is a leaf that requires grad, given to it (not an in-place op)."""
        if all(t.requires_grad and any(t is i for i in ins) for t in outs):
            for t in outs:
                self._nodes[id(t)] = (weakref.ref(t), node_id)

    def node(self, t: torch.Tensor) -> str | None:
        """The node of the last call that gave `t` back, if any."""
        hit = self._nodes.get(id(t))
        return hit[1] if hit is not None and hit[0]() is t else None

    def reroute(self, builder: GraphBuilder, ins: list[torch.Tensor], new: list[str]) -> None:
        """The nodes `new` of a tracked call that read `ins` read those given back from the
        node of the call that gave them back, not from the parameter's."""
        made = set(new)
        for t in ins:
            source = self.node(t)
            param = builder.ids.get(autograd_node(t)) if source is not None else None
            if source is None or param is None:
                continue
            for reader in [n for n in builder.graph._succ[param] if n in made]:
                builder.graph.remove_edge(param, reader)
                builder.add_edge(source, reader)
