"""A regression target far from standardised (house prices in the hundreds of thousands): the
loss, and the gradient it sends back, are as large as the target, so every layer gets a huge
gradient, while the layers pass it on in the usual proportions. "Start from smaller weights,
lower the learning rate" does not fit: scaling the target does (prices / 1e5, standardised).

    >>> import torch, nngraph as ng
    >>> from nngraph.i18n import set_language; set_language("en")
    >>> torch.manual_seed(0) and None
    >>> model = torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1))
    >>> x, price = torch.randn(64, 8), 2e5 + 5e4 * torch.randn(64, 1)
    >>> g = ng.trace(model, x, loss=lambda y: torch.nn.functional.mse_loss(y, price))
    >>> [f["message"][:60] for f in g.health()]
    ['The loss compares the output with the target price, which is']
    >>> g = ng.trace(model, x, loss=lambda y: torch.nn.functional.mse_loss(y, price / 1e5))
    >>> g.health()
    []
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._finding import finding
from nngraph.graph._inputs import _far_from_standardised
from nngraph.graph._nodes import is_integer
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["unscaled_target"]


def unscaled_target(
    g: Graph, order: list[Any], findings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`findings`, where layers get a huge gradient of their own while the loss compares the
    output with a target far from standardised, with those told as the target's doing: in one
    finding on the target, with its `mean` and `std`."""
    huge = [f for f in findings if f["kind"] == "exploding" and isinstance(f.get("rms"), float)]
    target = _large_target(g, order) if huge else None
    if target is None:
        return findings
    data = g._node[target]
    name = data.get("name")
    words = (
        message("graph.health.target_with.named", name=name)
        if name and name != "input"
        else message("graph.health.target_with.shaped", shape=list(data.get("shape") or []))
    )
    value = data["value"]
    told = finding(
        "exploding",
        "target_scale",
        "backward",
        target,
        "",
        target=words,
        mean=value["mean"],
        std=value["std"],
        largest=max(f["rms"] for f in huge),
    )
    return [told, *(f for f in findings if not any(f is h for h in huge))]


def _large_target(g: Graph, order: list[Any]) -> Any | None:
    """The first data node in `order` (an input, a constant, what untracked ops made of them)
    far from standardised that only the code around the model computes with (the loss): no
    module computes with it or with what is made of it (`torch.cat([age, income], 1)` before
    the model is its input); None where there is none, or where no op is known to run in a
    module."""
    nodes = g._node

    def in_model(data: dict[str, Any]) -> bool:  # the root model's own ops have a type
        return data.get("kind") == "op" and bool(data.get("module") or data.get("module_type"))

    if not any(in_model(data) for data in nodes.values()):
        return None
    for n in order:
        data = nodes[n]
        if not g._succ[n] or is_integer(data) or not _far_from_standardised(data):
            continue
        if not any(in_model(nodes[d]) for d in nx.descendants(g, n)):
            return n
    return None
