"""A layer whose weights are all zero and that no gradient reaches: they stay zero for good, and
the layers around it learn nothing either. The lecture's `w.zero_()` instead of `w.grad.zero_()`
does it to a hidden layer of a ReLU net whose biases are zero: every example gets the output 0
from it, the ReLU after it is flat there, so it gets exactly zero back and passes exactly zero on
to the layers before it, while the layers after it see only zeros.

A single zero layer among random ones learns where a gradient reaches it: a last layer that
starts at zero, LoRA's `B`, the last layer of a residual branch, a hidden layer whose bias or
activation (tanh, LeakyReLU) lets the gradient through at zero. None of those is flagged; nor is
a layer behind a zero gate (see `_gates`), or a last layer under a loss flat at zero (`y ** 2`,
said as one cause for every layer, see `one_cause_of_no_gradient`).

The zero gradients of the other layers, and the ReLUs it silences, are told in their own
findings as its consequence (`ZeroLayers.cause`), instead of the usual causes (a learning rate
that is too high, a large negative bias).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    >>> _ = torch.nn.init.zeros_(model[0].weight), torch.nn.init.zeros_(model[0].bias)
    >>> g = ng.trace(model, torch.randn(16, 4), loss=lambda y: (y - 1).pow(2).mean())
    >>> [(f["kind"], f.get("name") or f.get("zero_weight")) for f in g.health()]
    [('zeros', '0.weight'), ('dead', '0.weight'), ('vanishing', '0.weight')]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding, leaf_name, tensor_of
from nngraph.graph._gates import (
    _cut_off,
    _every_path_gated,
    all_zero,
    ran_on_no_examples,
    zero_gated,
)
from nngraph.graph._inputs import multiplying
from nngraph.graph._nodes import read_by_embedding
from nngraph.graph._symmetry import _MULTIPLYING, learnable

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["ZeroLayers", "zero_layer_findings", "zero_layers"]

# Ops that draw random numbers: what they make of one value differs between examples.
_RANDOM = ("dropout", "rand", "bernoulli", "normal", "multinomial")
_RECURRENT = re.compile("lstm|gru|rnn")


@dataclass
class ZeroLayers:
    """The weights all zero that no gradient reaches (`stuck`), in forward order; the nodes
    whose values are zero because of them (`made`); for each weight whose gradient is exactly
    zero because of one of them, that one (`cause`); and for each op whose values are the same
    for every example because some layer's weights are all zero, stuck or not, that layer's
    weight (`silenced`: a ReLU after it has its units alive or silent for the whole batch)."""

    stuck: list[Any] = field(default_factory=list)
    made: set[Any] = field(default_factory=set)
    cause: dict[Any, Any] = field(default_factory=dict)
    silenced: dict[Any, Any] = field(default_factory=dict)

    def named(self, g: Graph, found: dict[Any, Any]) -> dict[Any, str]:
        """`cause` or `silenced` with the weights' names (`4.weight`)."""
        return {n: leaf_name(g._node[weight]) for n, weight in found.items()}


def zero_layers(g: Graph, order: list[Any]) -> ZeroLayers:
    """The zero layers no gradient reaches, and what follows from zero layers (see the top)."""
    found = ZeroLayers()
    zeros = [n for n in order if _zero_layer(g, n)]
    if not zeros:
        return found
    reached_by_nothing = [n for n in zeros if _reached_by_nothing(g, n)]
    gated = zero_gated(g, reached_by_nothing)
    position = {n: i for i, n in enumerate(order)}
    silent = _silent_weights(g)
    for weight in zeros:
        made = _zero_from(g, order[position[weight] :], weight)
        for n in _same_from(g, order, weight, made):
            found.silenced.setdefault(n, weight)
        stuck = weight in reached_by_nothing and weight not in gated
        # (not a last layer: the loss is flat where it starts, one cause for all layers)
        if not (stuck and _read_by_a_layer(g, made, weight)):
            continue
        found.stuck.append(weight)
        found.made |= made
        for other in silent:
            if other not in found.cause and _every_path_gated(g, other, made):
                found.cause[other] = weight
    return found


def zero_layer_findings(
    g: Graph, zero: ZeroLayers, types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """A `zeros` finding for each of the `stuck` layers."""
    findings = []
    for weight in zero.stuck:
        data = g._node[weight]
        numel = int((data.get("value") or {}).get("numel") or 0)
        findings.append(
            finding(
                "zeros",
                "zeros_stuck",
                "forward",
                weight,
                data.get("module") or "",
                name=leaf_name(data),
                numel=numel,
                whose=tensor_of(data),
            )
        )
    return findings


def _zero_layer(g: Graph, n: Any) -> bool:
    """Whether `n` is a layer's weight (an op multiplies by it; not an embedding's), all zero."""
    data = g._node[n]
    if not learnable(data) or len(data.get("shape") or []) < 2 or not all_zero(data):
        return False
    return not read_by_embedding(g, n) and bool(multiplying(g, n))


def _reached_by_nothing(g: Graph, n: Any) -> bool:
    """Whether no gradient reaches the weight `n` at all (see `_gates._cut_off`: where the ops
    carry no gradient, `graph_of`, that is not known), though it ran on examples."""
    data = g._node[n]
    if data.get("grad_accumulated") or _grad_norm(data) != 0:
        return False
    return _cut_off(g, n) and not ran_on_no_examples(g, n)


def _silent_weights(g: Graph) -> list[Any]:
    """The weights (2+ dimensions) whose gradient is exactly zero."""
    return [
        n
        for n, data in g._node.items()
        if learnable(data) and len(data.get("shape") or []) >= 2 and _grad_norm(data) == 0
    ]


def _zero_from(g: Graph, after: list[Any], weight: Any) -> set[Any]:
    """`weight` and the ops (in forward order, `after`) whose values are all zero because it
    is: its transpose, the layer's output where its bias is zero, the ReLU after it, a layer
    reading only those zeros through a zero bias. An inner node of a call (no value) passes."""
    made = {weight}
    for n in after:
        data = g._node[n]
        if data.get("kind") != "op" or not any(p in made for p in g._pred[n]):
            continue
        if data.get("value") is None or all_zero(data):
            made.add(n)
    return made


def _read_by_a_layer(g: Graph, made: set[Any], weight: Any) -> bool:
    """Whether another layer multiplies by the zeros `weight` makes: it is a hidden layer."""
    own = set(multiplying(g, weight))
    return any(
        s not in own and any(word in _op(g._node[s]) for word in _MULTIPLYING)
        for n in made
        for s in g._succ[n]
    )


def _same_from(g: Graph, order: list[Any], weight: Any, made: set[Any]) -> set[Any]:
    """The ops whose values are the same for every example because the zero `weight` makes the
    values in `made`: the layer's own output (its bias: the zeros multiply the data away, but
    not the state a recurrent layer carries), and what is computed from those and from what
    depends on no example (parameters, buffers, and what ops make of those alone) by ops that
    draw no random numbers."""
    fixed: set[Any] = set()
    layer = [n for n in multiplying(g, weight) if not _RECURRENT.search(_op(g._node[n]))]
    same = {*made, *layer}
    for n in order:
        data, preds = g._node[n], g._pred[n]
        if learnable(data) or data.get("kind") == "buffer":
            fixed.add(n)
        elif data.get("kind") != "op" or n in same:
            continue
        elif preds and all(p in fixed for p in preds):
            fixed.add(n)
        elif (
            any(p in same for p in preds)
            and all(p in same or p in fixed for p in preds)
            and not any(word in _op(data) for word in _RANDOM)
        ):
            same.add(n)
    return same


def _grad_norm(data: dict[str, Any]) -> float | None:
    grad = data.get("grad")
    norm = None if not grad else grad.get("norm")
    return norm if norm is None or math.isfinite(norm) else None


def _op(data: dict[str, Any]) -> str:
    return str(data.get("op") or "")
