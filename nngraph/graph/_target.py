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

import math
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._finding import finding
from nngraph.graph._inputs import _far_from_standardised
from nngraph.graph._model_ops import in_model, model_outputs
from nngraph.graph._nodes import is_integer
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["unscaled_target"]

TARGET_DOMINATES = 10.0  # the target's RMS this many times the output's: it makes the error


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
    """The data the loss compares the model's output with (the node the op nearest the loss
    reads beside the path from the model's outputs, of the output's size), where it is far
    from standardised and dominates the error: its RMS at least `TARGET_DOMINATES` times the
    output's. A raw target standardised before the loss (`(price - mean) / std`) is not
    blamed, nor a target beside an output as large as it (weights too large make the gradient
    huge whatever the target), nor data a module also reads (an autoencoder's input). None
    where there is none, or where no op is known to run in the model."""
    nodes = g._node
    outputs = model_outputs(g)
    path = set(outputs).union(*(nx.descendants(g, n) for n in outputs))
    position = {n: i for i, n in enumerate(order)}
    loss_ops = [n for n in path if nodes[n].get("kind") == "op" and not in_model(g, nodes[n])]
    for op in sorted(loss_ops, key=lambda n: position.get(n, -1), reverse=True):
        along = [p for p in g._pred[op] if p in path]
        for target in (p for p in g._pred[op] if p not in path and _data(nodes[p])):
            output = next((p for p in along if _size(nodes[p]) == _size(nodes[target])), None)
            if output is None:
                continue
            dominates = _rms(nodes[target]) >= TARGET_DOMINATES * _rms(nodes[output])
            if (
                dominates
                and _far_from_standardised(nodes[target])
                and not any(in_model(g, nodes[d]) for d in nx.descendants(g, target))
            ):
                return target
            # not the target, or not to blame: per-example weights or a mask read nearer the
            # loss (`(w * (o - price) ** 2).mean()`), so the search goes on towards the output
    return None


def _data(data: dict[str, Any]) -> bool:
    """Values the loss can compare an output with: not a parameter, not integers (labels)."""
    return (
        data.get("kind") != "param"
        and not data.get("requires_grad")
        and not is_integer(data)
        and bool(_size(data))
    )


def _size(data: dict[str, Any]) -> float:
    return float((data.get("value") or {}).get("numel") or 0)


def _rms(data: dict[str, Any]) -> float:
    value = data.get("value") or {}
    return math.hypot(value.get("mean") or 0.0, value.get("std") or 0.0)
