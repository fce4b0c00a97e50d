"""What a parameter's own values and gradient say: weights all zero or all equal, a gradient
added to a stale `.grad`, a weight the backward never reached.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Linear(3, 2)
    >>> _ = torch.nn.init.constant_(model.weight, 0.5)
    >>> g = ng.trace(model, torch.randn(4, 3), loss=lambda out: out.pow(2).mean())
    >>> [f["kind"] for f in g.health()]
    ['constant']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._finding import finding, leaf_name, module_name, tensor_of
from nngraph.graph._nodes import ancestors_of

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["learnable", "parameter_state"]

# Ops that multiply their input by a weight: if it is all zero, their units all compute the
# same thing. Op names as recorded calls (`linear`, `conv2d`) and autograd nodes (`addmm`,
# `convolution`, `mkldnn_rnn_layer`) give them.
_MULTIPLYING = (
    "linear", "mm", "matmul", "conv", "einsum", "bilinear", "lstm", "gru", "rnn", "embedding",
    "attention", "mv", "dot",
)  # fmt: skip
# Ops that only reshape or copy a weight on its way there (a Linear's `t`, a `view`).
_RESHAPING = frozenset(
    {
        "t", "T", "mT", "transpose", "permute", "view", "reshape", "unsafe_view", "expand",
        "expand_as", "unsqueeze", "squeeze", "contiguous", "clone", "to", "_to_copy", "flatten",
        "unflatten", "float", "double", "half", "type_as", "alias", "getitem", "select", "slice",
        "narrow", "chunk", "split", "unbind",
    }
)  # fmt: skip


def parameter_state(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """Weights that are all zero or all equal, gradients added to ones left from before, and
    weights a backward pass never reached although they took part in the tracked forward."""
    backward_ran = _backward_reached_a_leaf(g)
    findings = []
    cut: dict[str, Any] = {}  # module (or a hand-made leaf's name) -> its first weight left out
    reached: set[str] = set()  # modules (or leaves) some gradient reached
    for n in order:
        data = g.nodes[n]
        if not learnable(data):
            continue
        name, module = leaf_name(data), data.get("module") or ""
        findings += _values(g, n, data, name, module, types)
        if data.get("grad_accumulated"):
            findings.append(finding("accumulated", "accumulated", "backward", n, module, name=name))
        # a frozen parameter (requires_grad_(False)) gets no `.grad` by design: nothing is cut
        if backward_ran and data.get("requires_grad") is not False and _used_by_tracked_op(g, n):
            key = module or data.get("name") or f"#{n}"
            if data.get("grad") is not None:
                reached.add(key)
            else:
                cut.setdefault(key, n)
    trained = {_model_of(g, key) for key in reached}
    for key, n in cut.items():
        if key in reached:  # the layer learns through its other parameters
            continue
        module = g.nodes[n].get("module") or ""
        if module and trained and _model_of(g, module) not in trained:
            continue  # a whole other model sits out this backward (`G(z).detach()` in D's step)
        if module:
            where = module_name(module, types)
            findings.append(
                finding("no_gradient", "no_gradient", "backward", n, module, where_module=where)
            )
        elif g.nodes[n].get("name"):
            findings.append(finding("no_gradient", "no_gradient_leaf", "backward", n, "", name=key))
        else:
            shape = list(g.nodes[n].get("shape") or [])
            findings.append(
                finding("no_gradient", "no_gradient_leaf_unnamed", "backward", n, "", shape=shape)
            )
    return findings


def _values(
    g: Graph, n: Any, data: dict[str, Any], name: str, module: str, types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """A layer's weight all zero, or all one value: every unit computes the same thing."""
    value, shape = data.get("value"), data.get("shape") or []
    if not value or len(shape) < 2:  # a bias may start at 0, or at one value
        return []
    numel = int(value.get("numel") or 0)
    zeros = value.get("zero_frac") == 1.0
    # one value for a single unit is fine (a regression's `w = torch.zeros(2, 1)`): symmetry
    # needs two units or more, each with two inputs or more
    same = min(shape[:2]) >= 2 and value.get("min") == value.get("max")
    if not (zeros or same):
        return []
    ops = _multiplying_ops(g, n, module, types.get(module))
    if not ops:
        return []
    whose = tensor_of(data)
    if zeros:
        # Zero weights stop every gradient to what comes before the layer. With nothing
        # learnable there (a linear or logistic regression) they are a fine start, unless the
        # gradient piles up too: the lecture's `w.zero_()` instead of `w.grad.zero_()`.
        if data.get("grad_accumulated"):
            key = "zeros_accumulated"
        elif any(_learns_before(g, op, n) for op in ops):
            key = "zeros"
        else:
            return []
        return [finding("zeros", key, "forward", n, module, name=name, numel=numel, whose=whose)]
    return [
        finding(
            "constant",
            "constant",
            "forward",
            n,
            module,
            name=name,
            numel=numel,
            value=value["min"],
            whose=whose,
        )
    ]


def _learns_before(g: Graph, op: Any, weight: Any) -> bool:
    """Whether something learnable comes before the layer whose op `op` multiplies by
    `weight`: an ancestor of the op other than the weight and the op's own bias. Where the
    graph holds a model's parameters, a hand-made leaf that requires grad is data (a saliency
    map's input); a frozen parameter does not learn."""
    params_only = any(data.get("kind") == "param" for _, data in g.nodes(data=True))
    own = {weight, *(p for p in g._pred[op] if learnable(g._node[p]))}
    for m in nx.ancestors(g, op) - own:
        data = g._node[m]
        if not learnable(data) or data.get("requires_grad") is False:
            continue
        if data.get("kind") == "param" or not params_only:
            return True
    return False


def _model_of(g: Graph, path: str) -> str:
    """The top-level model a module path belongs to: the root `""`, or another model that ran
    at top level (marked `top_level` in the module table, e.g. `"Generator"`)."""
    table = g.graph.get("modules") or {}
    return next((p for p in ancestors_of(path) if (table.get(p) or {}).get("top_level")), "")


def _backward_reached_a_leaf(g: Graph) -> bool:
    """Whether a backward pass ran and gave some learnable leaf a gradient."""
    if not g.graph.get("backward_passes"):
        return False
    return any(data.get("grad") is not None for _, data in g.nodes(data=True) if learnable(data))


def learnable(data: dict[str, Any]) -> bool:
    """A model's parameter, or a hand-made leaf that requires grad (a lesson's `w`)."""
    return data.get("kind") == "param" or data.get("backward") == "AccumulateGrad"


def _used_by_tracked_op(g: Graph, n: Any) -> bool:
    """Whether an op autograd tracks reads the leaf: it took part in the differentiable
    computation (a target network read under `no_grad` did not)."""
    return any(g._node[s].get("tracked") for s in g._succ[n])


def _multiplying_ops(g: Graph, n: Any, module: str, owner: str | None) -> list[Any]:
    """The ops of the parameter's own module that multiply by it, maybe after reshapes: a
    layer's weight. A class token joined to a sequence, or a learned initial state handed to
    another module's RNN, may well start at zero. An op of unknown module (`graph_of` knows
    none) counts when the parameter's `owner` type is such a layer, or there is none (a
    lesson's own `w`)."""
    unknown_counts = owner is None or any(word in owner.lower() for word in _MULTIPLYING)
    seen, found, frontier = set(), [], list(g._succ[n])
    for _ in range(4):  # a few reshapes at most
        after = []
        for s in frontier:
            data = g._node[s]
            if s in seen:
                continue
            if data.get("call") is None:  # graph_of's ops: no call, no module
                if not unknown_counts:
                    continue
            elif (data.get("module") or "") != module:
                continue
            seen.add(s)
            op = str(data.get("op") or "")
            if any(word in op for word in _MULTIPLYING):
                found.append(s)  # and on: a Linear's `t` is recorded as `linear` too
            elif op not in _RESHAPING:
                continue
            after += g._succ[s]
        frontier = after
    return found
