"""Weights whose values explain a net's almost-zero gradients better than its depth does.

A layer's weight gradient is its input times the gradient coming back through the layers after
it, and both pass through the other layers' weights.
- Shrunk: when most weights are about zero, a hundredth of PyTorch's initial scale or less
  (`weight_decay=10`: 1e-7 after 25 epochs; or `normal_(std=1e-4)`), every gradient is tiny,
  however shallow the net: the cause to name is the weights' size, not the depth. One small
  layer among ordinary ones (a head initialised at `std=1e-4`) is no such cause.
- Equal: an output layer whose weights are all one value (`nn.init.constant_(w, 0.1)`) passes
  back the sum of the loss's gradients over the classes, which after a softmax is zero: every
  layer before it gets about nothing. Only for the layers whose every way to the loss passes
  through such weights (a constant head of another branch is no cause).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    >>> g = ng.trace(model, torch.randn(4, 8))
    >>> shrunk_weights(g, list(g.nodes))
    []
    >>> with torch.no_grad():
    ...     _ = [p.mul_(1e-6) for p in model.parameters()]
    >>> g = ng.trace(model, torch.randn(4, 8)); shrunk_weights(g, list(g.nodes))
    ['0.weight', '2.weight']
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph._shrunk import mostly, shrunk
from nngraph.graph._finding import leaf_name, name_list
from nngraph.graph._symmetry import learnable

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["behind_equal", "equal_weights", "shrunk_weights", "weight_cause"]


def shrunk_weights(g: Graph, order: list[Any]) -> list[str]:
    """The names of the layers' weights (two dimensions or more) that are shrunk, where most
    are (see nngraph/_shrunk.py); else none."""
    found, weights = [], 0
    for n in order:
        data = g._node.get(n)
        if data is None or not learnable(data):
            continue
        shape, value = data.get("shape") or [], data.get("value")
        if len(shape) < 2 or not isinstance(value, dict) or not value.get("numel", 0) > 0:
            continue
        fan_in, norm = math.prod(shape[1:]), value.get("norm")
        if fan_in <= 0 or not isinstance(norm, (int, float)):  # a saved graph's damage
            continue
        weights += 1
        if shrunk(rms=norm / math.sqrt(value["numel"]), fan_in=fan_in):
            found.append(leaf_name(data))
    return mostly(found, weights=weights)


def behind_equal(g: Graph, equal: list[tuple[Any, str]]) -> set[Any]:
    """The nodes whose every way to an output passes through a layer that uses one of the
    `equal` weights (its op, after the weight's own transposes and views): there the gradient
    comes back only through weights of one value. One walk back from the outputs."""
    outputs = [n for n in g.graph.get("outputs") or [] if n in g]
    if not equal or not outputs:
        return set()
    uses = {op for n, _ in equal for op in _layer_ops(g, n)}
    open_graph = nx.restricted_view(g, uses, [])
    reaching = set().union(*(nx.ancestors(open_graph, o) | {o} for o in outputs))
    return {n for n in g if n not in reaching and n not in uses}


def _layer_ops(g: Graph, weight: Any) -> list[Any]:
    """The ops where `weight` meets the data: past the ops of the weight alone (a transpose)."""
    found, frontier = [], list(g._succ[weight])
    while frontier:
        op = frontier.pop()
        if len(g._pred[op]) > 1:
            found.append(op)
        else:
            frontier += g._succ[op]
    return found


def weight_cause(
    node: Any,
    equal: list[tuple[Any, str]],
    behind: set[Any],
    shrunk: list[str],
    position: dict[Any, int],
) -> tuple[str, str]:
    """The weights that explain the almost-zero gradient of the weight `node`, and how: the
    `equal` ones (node, name) later in the forward `position`, where every way from `node` to
    the loss passes through them (`behind`, see :func:`behind_equal`); else the `shrunk` ones;
    `("", "")` for none."""
    if node in behind:
        at = position.get(node, -1)
        names = [name for n, name in equal if position.get(n, -1) > at]
        if names:
            return name_list(names), "equal"
    return (name_list(shrunk), "shrunk") if shrunk else ("", "")


def equal_weights(g: Graph, order: list[Any]) -> list[tuple[Any, str]]:
    """The weights of at least 2 x 2 that hold one value other than 0 throughout (all zeros
    are the `zeros` finding's), as (node, name).

        >>> import torch, nngraph as ng
        >>> model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
        >>> _ = torch.nn.init.constant_(model[2].weight, 0.1)
        >>> g = ng.trace(model, torch.randn(5, 4)); [name for _, name in equal_weights(g, list(g))]
        ['2.weight']
    """
    found = []
    for n in order:
        data = g._node.get(n)
        if data is None or not learnable(data):
            continue
        shape, value = data.get("shape") or [], data.get("value")
        if len(shape) < 2 or min(shape[:2]) < 2 or not isinstance(value, dict):
            continue
        if value.get("min") == value.get("max") and value.get("zero_frac") != 1.0:
            found.append((n, leaf_name(data)))
    return found
