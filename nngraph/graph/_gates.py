"""Zero gates: a learnable multiplier that starts at zero, so what comes before it gets a
gradient of exactly zero at first, yet learns from the second step on; the one cause
below every layer when none gets a gradient (`one_cause_of_no_gradient`); and a layer that got
no examples in this batch (`ran_on_no_examples`: an expert the router sends nothing to).

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
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._dead import in_the_loss
from nngraph.graph._nodes import forward_order
from nngraph.graph._positions import Apart, added_only, carried, drops_run, sets_apart
from nngraph.graph._symmetry import _MULTIPLYING, _RESHAPING, learnable

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "all_zero",
    "fed_zeros",
    "one_cause_of_no_gradient",
    "ran_on_no_examples",
    "reads_zero_weight",
    "small_gated",
    "zero_gated",
]

# Ops that multiply what they read by each operand but a bias: a zero one zeroes the gradient
# of the others. Adds, `cat`, `where` do not: they pass the gradient on.
_NORMS = ("batch_norm", "layer_norm", "group_norm", "instance_norm")
_PRODUCTS = (*_MULTIPLYING, "mul", *_NORMS)


def zero_gated(g: Graph, weights: list[Any]) -> set[Any]:
    """Those of `weights` (learnable leaves whose gradient is exactly zero) that get no gradient
    only because of a zero gate after them: following their gradient-less run forward, every op
    where the gradient turns non-zero reads a zero that a gate made (the gate itself, or a
    reshape or product of it). A gate is a learnable leaf, not a bias, whose values are all zero
    and whose own gradient is not: the first step moves it. A dead ReLU, a mask or an output the loss
    ignores is not a gate: those stay. Where ops carry no gradient (`graph_of`), every path
    from the weight to an output must pass an op that multiplies by such a gate."""
    if not weights:
        return set()
    structural = not any(data.get("kind") == "op" and data.get("grad") for data in g._node.values())
    made = _made_by_gates(g, structural)
    if not made:
        return set()
    gated = _every_path_gated if structural else _only_gates_stop
    return {w for w in weights if gated(g, w, made)}


#: A learnable multiplier no larger than this that gets a gradient is a small gate.
SMALL_GATE = 1e-3
# Relative slack on `SMALL_GATE` for the rounding of a stored gate: float32 keeps 1e-3 as
# 1.0000000475e-3, float16 as 1.0004e-3.
_ROUNDING = 1e-3


def fed_zeros(g: Graph, weight: Any) -> bool:
    """Whether the op reading `weight` (gradient exactly zero) also adds a bias that gets a
    gradient: then the gradient reaches the layer, and what the weight is multiplied by is zero
    for the whole batch (ReLU units silent before it). Seen from gradients alone, so `graph_of`
    says it as `trace` does."""
    steps = [n for n in g._succ[weight] if not g._node[n].get("value")]  # `linear`'s transpose
    for op in {*g._succ[weight], *(s for n in steps for s in g._succ[n])}:
        read = [g._node[p] for p in g._pred[op] if p != weight and p not in steps]
        if any(_bias(d) and learnable(d) and (_grad_norm(d) or 0) > 0 for d in read):
            # where the values are known (`trace`), they must be zero: a hook may zero a gradient
            data = [d for d in read if not learnable(d) and d.get("value")]
            return all(all_zero(d) for d in data)
    return False


def ran_on_no_examples(g: Graph, weight: Any) -> bool:
    """Whether every op that computes with `weight` (past the transpose a Linear's weight goes
    through) ran on no examples: its result has 0 rows, and so has the data it reads (an op
    or an input, not a learnable leaf). Its gradient is then a sum over no examples, exactly
    zero: a mixture-of-experts expert the router sends no token to runs on `x[sel]` of shape
    [0, 8]. Where the data is not in the graph (`graph_of` of an input that needs no gradient),
    the result's 0 rows say it: from shapes alone, so `graph_of` says it as `trace` does."""
    nodes = g._node
    steps = {
        s
        for s in g._succ[weight]
        if len(g._pred[s]) == 1 and (_op(nodes[s]) in _RESHAPING or not nodes[s].get("value"))
    }
    readers = [r for s in g._succ[weight] for r in (g._succ[s] if s in steps else [s])]
    if not readers:
        return False
    for op in readers:
        shape = nodes[op].get("shape")
        if nodes[op].get("kind") != "op" or not shape or shape[0] != 0:
            return False
        data = [nodes[p] for p in g._pred[op] if p not in steps and not learnable(nodes[p])]
        data = [d for d in data if d.get("kind") in ("op", "input") and d.get("shape")]
        if data and not any(d["shape"][0] == 0 for d in data):
            return False
    return True


def reads_zero_weight(g: Graph, op: Any) -> bool:
    """Whether `op` multiplies by a learnable weight, not a bias, whose values are all zero (a
    last layer that starts at zero, as torchvision's ViT head does), directly or through the
    transpose a Linear's weight goes through; reshapes after it (`squeeze(-1)`) are followed."""
    while _op(g._node[op]) in _RESHAPING and len(g._pred[op]) == 1:
        (op,) = g._pred[op]
    near = {*g._pred[op], *(q for p in g._pred[op] for q in g._pred[p])}
    return any(learnable(d) and not _bias(d) and all_zero(d) for d in map(g._node.get, near))


#: Ops whose slope is zero where what they read is zero (`y ** 2`, `|y|` at 0 in PyTorch)
_FLAT_AT_ZERO = frozenset({"pow", "square", "abs", "relu", "norm", "linalg_vector_norm", "mul"})


#: Ops flat below zero: where every value reaching one is below it, it passes zero back.
_FLAT_BELOW_ZERO = frozenset({"relu", "clamp", "clamp_min", "threshold"})


def _margins_met(g: Graph, n: Any, ops: list[Any]) -> bool:
    """Whether `n` (see `_FLAT_BELOW_ZERO`) is a hinge in the loss whose every margin is met:
    every value it reads is below zero, not zero itself (a last layer starting at zero: see
    `vanishing_zero_output`), so it outputs only zeros. A ReLU of the model's silent for the
    whole batch is each layer's own finding."""
    nodes = g._node
    if not all_zero(nodes[n]) or all(all_zero(nodes[p]) for p in ops):
        return False
    # the loss is exactly 0 (`mse(relu(out), y)` is not: it is the model's output that is
    # stuck below zero, not a margin that is met)
    losses = [o for o in g.graph.get("outputs") or [] if o in g and nx.has_path(g, n, o)]
    if not losses or any((nodes[o].get("value") or {}).get("mean") != 0 for o in losses):
        return False
    return in_the_loss(g, n)


def one_cause_of_no_gradient(g: Graph, position: dict[Any, int]) -> tuple[Any, str] | None:
    """When every weight's gradient is exactly zero: the op that got a gradient but passed
    exactly zero back to every op it reads, with the message that says why, when it is one
    cause for all layers: a loss (`cross_entropy`, `mse_loss`, ...; cross-entropy over a single
    output unit is 0 whatever the output), or an op reading only the zeros of a last layer that
    starts at zero (`y ** 2` there: the loss is at its minimum). None otherwise (a dead ReLU:
    each layer is told)."""
    nodes = g._node
    for n in sorted(position, key=position.__getitem__, reverse=True):
        data, grad = nodes[n], nodes[n].get("grad")
        if data.get("kind") != "op" or not grad or not grad["norm"] > 0:
            continue
        ops = [p for p in g._pred[n] if nodes[p].get("kind") == "op" and nodes[p].get("grad")]
        if ops and all(nodes[p]["grad"]["norm"] == 0 for p in ops):
            op, shape = str(data.get("op") or ""), data.get("shape") or []
            if op == "cross_entropy" and len(shape) > 1 and shape[1] == 1:
                return n, "vanishing_one_class"
            if "loss" in op or "entropy" in op:
                return n, "vanishing_all_zero_loss"
            if op in _FLAT_BELOW_ZERO and _margins_met(g, n, ops):
                return n, "vanishing_margin_met"
            flat = op in _FLAT_AT_ZERO and not (
                op == "mul" and data.get("args")
            )  # y * y, not y * 0
            if flat and all(all_zero(nodes[p]) and reads_zero_weight(g, p) for p in ops):
                return n, "vanishing_zero_output"
            return None
    return None


def small_gated(g: Graph, weights: list[Any]) -> set[Any]:
    """Those of `weights` whose every path to an output passes an elementwise product (`mul`)
    with a small gate: a learnable multiplier, not a bias, whose values are all tiny but not
    all zero, and whose own gradient is not: ConvNeXt's and CaiT's layer scale (1e-6 by
    design). Their gradient is tiny by that factor, and grows as the first steps grow the
    gate. A layer whose weights are all tiny (a bad init) gates nothing: it is no `mul`. A
    layer that no gradient reaches at all is never the gates' doing (see `_cut_off`).

        >>> import torch, nngraph as ng
        >>> class Scaled(torch.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc, self.scale = torch.nn.Linear(4, 4), torch.nn.Parameter(torch.full((4,), 1e-6))
        ...     def forward(self, x): return x + self.scale * self.fc(x)
        >>> g = ng.trace(Scaled(), torch.randn(8, 4), loss=lambda y: y.pow(2).mean())
        >>> [g.nodes[n]["name"] for n in small_gated(g, [n for n in g if g.nodes[n]["name"] == "fc.weight"])]
        ['fc.weight']
    """
    nodes, pred = g._node, g._pred
    gates = {n for n, data in nodes.items() if _small_gate(data)}
    if not gates or not weights:
        return set()
    made = set(gates)
    for n in forward_order(g):
        if _op(nodes[n]) in _RESHAPING and any(p in made for p in pred[n]):
            made.add(n)
    # an elementwise scale only: a layer whose weights are all tiny (a bad init) is no gate
    scaled = _elementwise_product
    return {
        w
        for w in weights
        if w not in gates and not _cut_off(g, w) and _every_path_gated(g, w, made, scaled)
    }


def _cut_off(g: Graph, weight: Any) -> bool:
    """Whether no gradient at all reaches `weight`: its own is exactly zero, and so is that of
    each op that computes with it (past the transpose a Linear's weight goes through). A small
    gate scales a gradient, it never cuts it: patches that a causal mask keeps from the class
    token. (Where the op gets a gradient, the zero comes from the layer's input: a class token
    that starts at zero, under a LayerNorm, moves in the first step.)"""
    nodes = g._node
    if _grad_norm(nodes[weight]) != 0:
        return False
    steps = [n for n in g._succ[weight] if not nodes[n].get("value")]
    readers = {*g._succ[weight], *(s for n in steps for s in g._succ[n])}
    norms = [_grad_norm(nodes[n]) for n in readers if nodes[n].get("kind") == "op"]
    return bool(norms) and all(norm == 0 for norm in norms)


def _small_gate(data: dict[str, Any]) -> bool:
    if not learnable(data) or _bias(data):
        return False
    value, norm = data.get("value") or {}, _grad_norm(data)
    low, high = value.get("min"), value.get("max")
    if low is None or high is None or norm is None or not (math.isfinite(norm) and norm > 0):
        return False
    largest = max(abs(low), abs(high))
    return largest <= SMALL_GATE * (1 + _ROUNDING) and value.get("zero_frac") != 1.0


def _grad_norm(data: dict[str, Any]) -> float | None:
    grad = data.get("grad")
    return None if not grad else grad.get("norm")


def _made_by_gates(g: Graph, structural: bool) -> set[Any]:
    """The gates, and the nodes computed from one that are still all zero (a view of it, the
    output of a layer whose weight it is); an inner node of one call (no value) passes on.
    With `structural` (no op has a value) an op counts only where a gate surely zeroes it: a
    reshape of one, or a product with one and no bias but a zero one."""
    nodes, pred = g._node, g._pred
    made: set[Any] = set()
    for n in forward_order(g):
        data = nodes[n]
        if learnable(data):
            norm = _grad_norm(data)
            gate = all_zero(data) and norm is not None and math.isfinite(norm) and norm > 0
            gate = gate and not added_only(g, n)  # a class token starting at zero gates nothing
        elif data.get("kind") != "op":
            gate = False
        elif structural and _op(data) not in _RESHAPING:
            added = [nodes[p] for p in pred[n] if _added(g, n, p, made)]
            multiplied = any(_multiplies(g, n, p, made) for p in pred[n])
            gate = multiplied and all(all_zero(bias) for bias in added)
        else:
            value_zero = data.get("value") is None or all_zero(data)
            gate = value_zero and any(p in made for p in pred[n])
        if gate and not _bias(data):
            made.add(n)
    return made


def all_zero(data: dict[str, Any]) -> bool:
    value = data.get("value") or {}
    return bool(value.get("numel")) and value.get("zero_frac") == 1.0


def _op(data: dict[str, Any]) -> str:
    return str(data.get("op") or "")


def _bias(data: dict[str, Any]) -> bool:
    """Whether a leaf is a layer's bias (`fc.bias`, `bias_ih_l0`, `in_proj_bias`): an op such
    as `linear` adds it, so a zero one multiplies nothing (a bias often starts at zero)."""
    return "bias" in str(data.get("name") or "").rpartition(".")[2]


def _any_product(op: str) -> bool:
    return any(word in op for word in _PRODUCTS)


def _elementwise_product(op: str) -> bool:
    return op in ("mul", "mul_")


def _multiplies(
    g: Graph, op: Any, p: Any, made: set[Any], product: Callable[[str], bool] = _any_product
) -> bool:
    """Whether `op` multiplies the rest of what it reads by `p`, a zero made by a gate."""
    return p in made and product(_op(g._node[op])) and not _added(g, op, p, made)


def _added(g: Graph, op: Any, p: Any, made: set[Any]) -> bool:
    """Whether `op` may add `p` as a bias. A named leaf says so by its name; graph_of without
    `params` names none, so there a vector read by anything but `mul` is taken for one: a
    linear layer's or convolution's bias, or a norm's unless its weight is a zero gate too
    (the two are vectors alike, and the graph keeps no order of operands)."""
    data = g._node[p]
    if not learnable(data):
        return False  # an op: a reshape or product of a gate, or what the op works on
    if data.get("name"):
        return _bias(data)
    name = _op(g._node[op])
    if len(data.get("shape") or []) >= 2 or "mul" in name:
        return False
    vectors = [q for q in g._pred[op] if learnable(g._node[q])]
    norm = any(word in name for word in _NORMS)
    return not (norm and all(q in made for q in vectors))


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


def _every_path_gated(
    g: Graph, weight: Any, made: set[Any], product: Callable[[str], bool] = _any_product
) -> bool:
    """Whether every path from `weight` to an output passes an op that multiplies by a zero
    a gate made (for a graph whose ops carry no gradient, `graph_of`: the structure alone
    says the gradient of `weight` was zeroed there), or by a small gate. A path that carries
    the weight's data only to positions a head drops (see `_positions`: the patches beside a
    class token) carries it no gradient: it needs no gate, but only a gate met after an op
    that mixes positions counts (without one, the run stays apart however wide the gate)."""
    pred, succ = g._pred, g._succ
    # (node, apart): `apart` tells where the run's positions lie while they are its own, past
    # a join that passed it almost none of its gradient; a node seen so is walked again where
    # it is not
    start: tuple[Any, Apart | None] = (weight, None)
    stack, seen, stops = [start], {start}, 0
    while stack:
        n, apart = stack.pop()
        if not succ[n] and n != weight:
            return False  # an output reached past no gate
        for s in succ[n]:
            if apart is not None:
                if drops_run(g, apart, n, s):
                    continue  # the head reads other positions than the run's
                step = (s, carried(g, apart, n, s))
            elif any(_multiplies(g, s, p, made, product) for p in pred[s] if p != n):
                stops += 1
                continue
            else:
                step = (s, sets_apart(g, n, s))
            if step not in seen and (s, None) not in seen:
                seen.add(step)
                stack.append(step)
    return stops > 0
