"""The trunk: the layers one after another along the data, which `health()` compares step by
step for vanishing and exploding gradients.

Not every layer is a step of the trunk. An attention's query and key projections make only the
scores, the logits of a softmax that weighs the values: their gradient comes through that
softmax alone, and at init, with attention near uniform, it is tiny in every block (a freshly
initialised BERT: 1e-7, against 1e-4 for the value projection beside it). That is a property
of attention, not of depth, so such a weight neither starts the trunk nor is a step of it; the
trunk runs through the values.

    >>> import torch, nngraph as ng
    >>> from nngraph.graph._nodes import forward_order
    >>> layers = torch.nn.ModuleDict({k: torch.nn.Linear(4, 4) for k in ("x", "q", "k", "v")})
    >>> x = layers["x"](torch.randn(2, 3, 4))
    >>> out = (layers["q"](x) @ layers["k"](x).mT).softmax(-1) @ layers["v"](x)
    >>> g = ng.graph_of(out.sum(), params=layers)
    >>> weights = [n for n in g if str(g.nodes[n]["name"]).endswith(".weight")]
    >>> position = {n: i for i, n in enumerate(forward_order(g))}
    >>> sorted(g.nodes[n]["name"] for n in scores_only(g, position, weights))
    ['k.weight', 'q.weight']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from nngraph.graph._nodes import weight_ops
from nngraph.graph._weighted_sum import weighted_sum

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["in_series", "scores_only", "trunk"]

# Matrix products, by the forward op's name or by autograd's: what a softmax's weights feed in
# an attention (`attn @ v`, `einsum`, the `bmm` inside a decomposed scaled_dot_product_attention).
_PRODUCT_OPS = frozenset({"matmul", "bmm", "mm", "einsum", "baddbmm"})
_PRODUCT_BACKWARDS = ("BmmBackward", "MmBackward", "BaddbmmBackward")
# A fused attention reads (query, key, value, mask) in that order: autograd's `next_functions`,
# and the order the forward pass made them in a graph read back from JSON.
_FUSED = ("scaleddotproduct", "flexattention")
# How far (in ops) after the softmax its weights may meet the values: a cast, dropout, a mask,
# the `expand`/`view` a batched matmul records; and how far before a query its input may join
# the trunk (T5's hand-written RMS norm before a cross-attention feeds only the query).
_HOPS = 6


class _Step(Protocol):
    node: Any


_L = TypeVar("_L", bound=_Step)


def trunk(g: Graph, position: dict[Any, int], layers: list[_L]) -> list[_L]:
    """The layers of the trunk, in order (see `in_series`), leaving out those that make only
    attention scores (unless every layer does: then the scores are the trunk)."""
    scores = scores_only(g, position, [layer.node for layer in layers])
    if len(scores) < len(layers):
        layers = [layer for layer in layers if layer.node not in scores]
    return in_series(g, position, layers)


def scores_only(g: Graph, position: dict[Any, int], weights: list[Any]) -> set[Any]:
    """Those of `weights` that reach every output only through the scores of an attention: the
    input of a softmax whose output weighs something learnt by a matrix product, or the query
    and key of a fused attention. `position` lists the nodes in forward order."""
    blocked = _score_edges(g)
    if not blocked:
        return set()
    succ, nodes = g._succ, g._node
    # an output the loss does not use (a cache of keys and values) carries no gradient
    graded = any(not succ[n] and data.get("grad") for n, data in nodes.items())
    free: dict[Any, bool] = {}  # whether a node reaches the loss other than through scores
    for n in reversed(position):
        if succ[n]:
            free[n] = any(free.get(s, True) for s in succ[n] if (n, s) not in blocked)
        else:
            free[n] = bool(nodes[n].get("grad")) or not graded
    return {w for w in weights if not free.get(w, True) and _beside(g, free, w)}


def _beside(g: Graph, free: dict[Any, bool], weight: Any) -> bool:
    """Whether the data the weight's layer reads reaches the loss also other than through
    scores: a query beside the values, not layers whose only way on is a softmax's logits (an
    MLP that picks a soft mix of learnt vectors: they are the trunk)."""
    ops = set(g._succ[weight])  # the op that reads it, after a Linear's `t`
    ops.update(*(g._succ[t] for t in list(ops) if len(g._pred[t]) == 1))
    frontier = [p for t in ops for p in g._pred[t] if p != weight and p not in ops]
    for _ in range(_HOPS):  # up what feeds only this layer: a `view`, a hand-written norm
        if any(free.get(p) for p in frontier):
            return True
        frontier = [q for p in frontier if len(g._succ[p]) == 1 for q in g._pred[p]]
    return False


def _score_edges(g: Graph) -> set[tuple[Any, Any]]:
    """The edges that carry attention scores: into an attention's softmax, and the query and key
    into a fused attention."""
    edges: set[tuple[Any, Any]] = set()
    for n, data in g._node.items():
        backward = str(data.get("backward") or "")
        name = f"{data.get('op') or ''} {backward}".lower()
        preds = list(g._pred[n])
        if "softmax" in name and "log" not in name and _weighs(g, n):
            edges.update((p, n) for p in preds)
        elif any(word in (backward or name).lower().replace("_", "") for word in _FUSED):
            # (a mask takes no gradient; a query or key that is the value: the same node)
            learnt = [p for p in preds if g._node[p].get("requires_grad", True)]
            if len(learnt) >= 3:
                edges.update((p, n) for p in learnt[:2])
    return edges


def _weighs(g: Graph, softmax: Any) -> bool:
    """Whether what a softmax outputs soon meets, in a matrix product, something that carries
    a gradient: the values of an attention (a classifier's softmax feeds the loss instead); or
    the same weighted sum written by hand, a product summed over the softmax's axis
    (`(a.unsqueeze(-1) * values).sum(1)`: see `_weighted_sum`)."""
    if weighted_sum(g, softmax):
        return True
    seen, frontier = {softmax}, [softmax]
    for _ in range(_HOPS):
        after = []
        for n in frontier:
            for s in g._succ[n]:
                if s in seen:
                    continue
                seen.add(s)
                data = g._node[s]
                backward = data.get("backward")
                # (a traced `matmul` is several autograd ops, all named so: the `bmm` counts)
                if (
                    str(backward).startswith(_PRODUCT_BACKWARDS)
                    if backward
                    else str(data.get("op") or "") in _PRODUCT_OPS
                ) and any(g._node[p].get("requires_grad") for p in g._pred[s] if p != n):
                    return True
                after.append(s)
        frontier = after
    return False


def in_series(g: Graph, position: dict[Any, int], layers: list[_L]) -> list[_L]:
    """The layers one after another along the data, from the first one: the path from it to
    an output through the most layers (the trunk), so a second head beside the first (an
    auxiliary classifier), a shortcut's convolution or any parallel branch is left out and a
    step is never taken between parallel branches."""
    if not layers:
        return layers
    owner: dict[Any, int] = {}  # the ops that use a layer's weight, and the next ones (`t`, addmm)
    for i, each in enumerate(layers):
        for t in weight_ops(g, each.node):
            owner.setdefault(t, i)
    succ = g._succ
    depth: dict[Any, int] = {}  # the most layer ops on a path from a node to an output
    for n in reversed(position):  # `position` lists the nodes in forward order
        # (.get: a graph edited into a cycle has no forward order; its loop counts nothing)
        depth[n] = max((depth.get(s, 0) for s in succ[n]), default=0) + (n in owner)
    kept, taken, n = [layers[0]], {0}, layers[0].node
    seen = {n}
    while succ[n]:
        n = max(succ[n], key=lambda s: (depth[s], -position[s]))
        if n in seen:  # around a cycle
            break
        seen.add(n)
        layer = owner.get(n)
        if layer is not None and layer not in taken:
            kept.append(layers[layer])
            taken.add(layer)
    return kept
