"""Ops whose gradient is zero wherever it is defined (`round`, `floor`, `sign`, ...): flat
between the steps they jump at, so no gradient passes back through them. A layer before one
learns nothing unless the gradient goes around it: the straight-through estimator
`h + (h.round() - h).detach()` keeps round's values and passes the gradient on unchanged.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Sigmoid())
    >>> g = ng.trace(model, torch.randn(16, 4), loss=lambda h: (h * 3).round().mean())
    >>> [g.nodes[f["node"]]["module"] for f in g.health()], flat_op_after(g, "missing")
    (['0'], None)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["FLAT", "flat_op_after", "flat_stops"]

#: Ops whose derivative is zero wherever it exists.
FLAT = frozenset({"round", "floor", "ceil", "trunc", "fix", "sign", "sgn", "heaviside"})


def flat_stops(g: Graph) -> dict[Any, set[Any]]:
    """Each flat op that stopped the gradient (a gradient reached its result, and none passed
    back to what it read), with the nodes before it: found once for a whole graph (a walk
    from each layer took minutes on 5,000 layers).

        >>> import torch, nngraph as ng
        >>> w = torch.randn(3, requires_grad=True)
        >>> list(flat_stops(ng.graph_of((w * 2).sum())).values())
        []
    """
    nodes, stops = g._node, {}
    for node, data in nodes.items():
        if str(data.get("op") or "").removesuffix("_") not in FLAT or not _some_gradient(data):
            continue
        read = [p for p in g._pred[node] if nodes[p].get("kind") == "op"]
        if read and all(_all_zero(nodes[p]) for p in read):
            stops[node] = nx.ancestors(g, node)
    return stops


def flat_op_after(g: Graph, node: Any, stops: dict[Any, set[Any]] | None = None) -> str | None:
    """The name of a flat op after `node` (a layer's op) on the way to the loss that stopped
    the gradient there; `stops`: :func:`flat_stops` of `g`, where the caller has them."""
    if node not in g:
        return None
    for stop, before in (flat_stops(g) if stops is None else stops).items():
        if node in before:
            return str(g._node[stop].get("op")).removesuffix("_")
    return None


def _some_gradient(data: dict[str, Any]) -> bool:
    grad = data.get("grad") or {}
    return bool(grad) and (grad.get("zero_frac") or 0.0) < 1.0


def _all_zero(data: dict[str, Any]) -> bool:
    grad = data.get("grad") or {}
    return bool(grad) and grad.get("zero_frac") == 1.0
