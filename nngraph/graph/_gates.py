"""Zero gates: a learnable multiplier that starts at zero, so what comes before it gets a
gradient of exactly zero at first, yet learns from the second step on.

torchvision's `zero_init_residual=True` (the last BatchNorm weight of each residual branch),
LoRA's `B`, ReZero's `alpha` and DiT's adaLN-Zero all start so. The gate itself gets a
gradient, so the first optimizer step makes it non-zero, and then the layers before it get
one too: their zero gradient is no sign of vanishing.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    >>> _ = torch.nn.init.zeros_(model[2].weight)
    >>> g = ng.trace(model, torch.randn(16, 4), loss=lambda out: out.pow(2).mean())
    >>> [g.nodes[n]["name"] for n in zero_gated(g, [n for n in g if g.nodes[n]["name"] == "0.weight"])]
    ['0.weight']
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import forward_order
from nngraph.graph._parameters import learnable

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["zero_gated"]


def zero_gated(g: Graph, weights: list[Any]) -> set[Any]:
    """Those of `weights` (learnable leaves whose gradient is exactly zero) that get no gradient
    only because of a zero gate after them: following their gradient-less run forward, every op
    where the gradient turns non-zero reads a zero that a gate made (the gate itself, or a
    reshape or product of it). A gate is a learnable leaf, not a bias, whose values are all zero
    and whose own gradient is not: the first step moves it. A dead ReLU, a mask or an output the loss
    ignores is not a gate: those stay."""
    if not weights:
        return set()
    made = _made_by_gates(g)
    if not made:
        return set()
    return {w for w in weights if _only_gates_stop(g, w, made)}


def _grad_norm(data: dict[str, Any]) -> float | None:
    grad = data.get("grad")
    return None if not grad else grad.get("norm")


def _made_by_gates(g: Graph) -> set[Any]:
    """The gates, and the nodes computed from one that are still all zero (a view of it, the
    output of a layer whose weight it is); an inner node of one call (no value) passes on."""
    nodes, pred = g._node, g._pred
    made: set[Any] = set()
    for n in forward_order(g):
        data = nodes[n]
        value = data.get("value")
        all_zero = bool(value) and bool(value.get("numel")) and value.get("zero_frac") == 1.0
        if learnable(data):
            norm = _grad_norm(data)
            gate = all_zero and norm is not None and math.isfinite(norm) and norm > 0
        else:
            gate = data.get("kind") == "op" and (value is None or all_zero)
            gate = gate and any(p in made for p in pred[n])
        if gate and not _bias(data):
            made.add(n)
    return made


def _bias(data: dict[str, Any]) -> bool:
    """Whether a leaf is a layer's bias (`fc.bias`, `bias_ih_l0`, `in_proj_bias`): an op such
    as `linear` adds it, so a zero one multiplies nothing (a bias often starts at zero)."""
    return "bias" in str(data.get("name") or "").rpartition(".")[2]


def _only_gates_stop(g: Graph, weight: Any, made: set[Any]) -> bool:
    """Whether every op past which the gradient of `weight`'s run is non-zero reads a node
    that a gate made: there that zero multiplied the gradient on its way back."""
    nodes, pred, succ = g._node, g._pred, g._succ
    stack, seen, stops = [weight], {weight}, 0
    while stack:
        n = stack.pop()
        if not succ[n] and n != weight:
            return False  # the run reached an end with a zero gradient: nothing gated it
        for s in succ[n]:
            if s in seen:
                continue
            seen.add(s)
            norm = _grad_norm(nodes[s])
            if norm is None:
                continue  # no gradient runs through it (an op under no_grad)
            if norm == 0:
                stack.append(s)
            elif any(p in made for p in pred[s]):
                stops += 1
            else:
                return False  # a dead ReLU, a mask: not a gate that the first step opens
    return stops > 0
