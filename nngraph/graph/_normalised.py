"""A loss that reads only what a normalisation keeps fixed: no gradient passes back through it.

A LayerNorm's output always has the same sum and the same mean square, whatever its input (with
its weights at their start, ones and zeros; a BatchNorm's, per channel over the batch). So
`y.sum()`, `y.mean()` or `y.pow(2).mean()` of it (the dummy losses of many first examples), or
its distance to one constant value, cannot change: the gradient that reaches the norm is exactly
what normalisation removes, and the layers before it get nothing but float rounding (1e-9). Told
layer by layer, that reads as "vanishing gradients, use another initialisation", which cannot
help: the loss is the cause. So with a softmax's probabilities, which add up to 1 in each row:
`p.sum()` or `p.mean()` of them is the batch size, or its inverse, whatever the model gives.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.LayerNorm(16))
    >>> g = ng.trace(model, torch.randn(4, 8), loss=lambda y: y.sum())
    >>> from nngraph.graph._nodes import forward_order
    >>> [g.nodes[n]["op"] for n, _ in normalised_away(g, forward_order(g))]
    ['layer_norm']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph._fixes import FEW_VALUES  # (GradientWatch's too)
from nngraph.graph._symmetry import learnable

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "FEW_VALUES",
    "NORMALISING",
    "NORM_HOPS",
    "PASSING_LOW",
    "SMALL_BATCH_PASSING",
    "normalised_away",
    "passing",
]

#: The normalisation ops, and how many ops after a layer's output one may come to normalise it (a
#: bias, an activation, dropout between)
NORMALISING = ("layer_norm", "rms_norm", "batch_norm", "group_norm", "instance_norm")
NORM_HOPS = 4

#: Below this share of the gradient reaching a normalisation passes back to its input, it is
#: stopped there. A loss reading only what the norm fixes passes 1e-8 to 1e-5 (float rounding of
#: the removed part); a LayerNorm under a loss with a target passes 0.3 to 1.
PASSING_LOW = 1e-4

#: A norm on `FEW_VALUES` values stops the gradient where it passes back less than this share
#: of what reaches it (the ReLU MLP measured for `FEW_VALUES`, in nngraph/_fixes.py: 6e-5 and
#: 1e-3 at its first and last norm). Inputs that are almost equal (a deep sigmoid stack) leave
#: the norm's eps in charge: it passes 250 times what reaches it then, and the layers before it
#: vanish for reasons of their own.
SMALL_BATCH_PASSING = 1e-2


def normalised_away(g: Graph, order: list[Any]) -> list[tuple[Any, float]]:
    """The normalisation ops (`layer_norm`, `batch_norm`, ...) in `order` that pass back to
    their input almost none of the gradient reaching them, each with the share it passes (see
    `passing`). A norm PyTorch runs as several steps (`rms_norm`: pow, mean, rsqrt, mul) is one
    op: its last step."""
    calls: dict[Any, list[Any]] = {}
    for n in order:
        data = g._node[n]
        if data.get("kind") == "op" and data.get("op") in NORMALISING:
            calls.setdefault(data.get("call", n), []).append(n)
    for n in order:  # probabilities only summed: the loss is constant
        if g._node[n].get("op") in _SUMMING_TO_ONE and _only_summed(g, n):
            calls.setdefault(n, []).append(n)
    found = []
    for steps in calls.values():
        inside = set(steps)
        last = [n for n in steps if not inside.intersection(g._succ[n])]
        reads = {p for n in steps for p in g._pred[n] if p not in inside}
        if len(last) == 1:
            share = passing(g, last[0], reads)
            if share is not None and share < PASSING_LOW:
                found.append((last[0], share))
    return found


#: Ops whose outputs add up to 1 along a dim, and the ops that sum them into a loss.
_SUMMING_TO_ONE, _SUMMING = ("softmax", "_softmax"), ("sum", "mean")


def _only_summed(g: Graph, n: Any) -> bool:
    """Whether what op `n` gives reaches the outputs through sums and means alone."""
    frontier, seen = list(g._succ[n]), set()
    while frontier:
        m = frontier.pop()
        data = g._node[m]
        if m in seen or data.get("kind") == "output":
            continue
        if data.get("kind") != "op" or data.get("op") not in _SUMMING:
            return False
        seen.add(m)
        frontier += g._succ[m]
    return bool(seen)


def passing(g: Graph, norm: Any, reads: set[Any] | None = None) -> float | None:
    """The share of the gradient reaching the normalisation op `norm` that passes back to its
    input (among `reads`, what its steps read; by default its own inputs), None where the
    numbers are not known (`graph_of`, an input without a gradient).

    A norm scales what it passes by its weight over the input's spread (y = w (x - mean) / std),
    so the gradient's drop is measured against that: data far from standardised (a spread of
    1e5 passes 1e-5 of the gradient, and is told by the `large_inputs` finding) is no stop.
    Both the raw drop and the measured share must be small.
    """
    nodes = g._node
    data = nodes[norm]
    out_grad = (data.get("grad") or {}).get("norm")
    if not out_grad or out_grad != out_grad:  # no gradient reached it, or a NaN: told elsewhere
        return None
    shape = data.get("shape")
    reads = set(g._pred[norm]) if reads is None else reads
    inputs = [p for p in reads if nodes[p].get("shape") == shape]
    weights = [p for p in reads if learnable(nodes[p]) and "bias" not in str(nodes[p].get("name"))]
    if len(inputs) != 1:
        return None
    grad, value = nodes[inputs[0]].get("grad"), nodes[inputs[0]].get("value")
    if not grad or not value or not value["std"] > 0:
        return None
    gain = 1.0
    if weights and nodes[weights[0]].get("value"):
        low, high = nodes[weights[0]]["value"]["min"], nodes[weights[0]]["value"]["max"]
        gain = max(abs(low), abs(high))
    if not gain > 0:  # a zero weight stops it: a gate (see _gates.py), not this
        return None
    drop = grad["norm"] / out_grad
    return max(drop, drop * value["std"] / gain)
