"""Positions a head drops: a class token's head reads `x[:, 0]`, a causal language model's
the last token, and the rest of the sequence gets no gradient along the residual stream.

A vision transformer puts its patches beside a class token (`cat`) and its head reads the
class token alone. With layer scale (DeiT-III, CaiT: `x + gamma * attn(norm(x))`, gamma 1e-5)
the patch positions get their gradient only through the attention that mixes positions, in
the gated branches: the patch embedding's gradient is tiny by the gate's factor, as the
branches' own are. The residual stream is a path from the patches to the loss past no gate,
yet it carries them nothing: the head drops their positions.

The graph keeps no positions (an index `x[:, 0]` records no arguments), but the gradients
say it: where a join passes a run almost none of its gradient (`DROPPED_SHARE`), the run's
positions are apart from those the gradient comes from, and a path that keeps them apart
(ops that work on each position alone: adds, norms, linear layers) up to a selection
(`[:, 0]`, `select`, `narrow`, `gather`) that reads no more positions than the others hold
carries the run nothing. A selection that may read the run's own positions (`x[:, 1:]` reads
the 16 patches beside one class token: DINOv2's head, its register tokens), an op that mixes
positions (attention, a reshape, a mean) or one that is not known joins them again.

    >>> import torch, nngraph as ng
    >>> from nngraph.graph._nodes import forward_order
    >>> cls, patch = torch.nn.Parameter(torch.ones(1, 1, 4)), torch.nn.Linear(4, 4)
    >>> g = ng.graph_of(torch.cat([cls, patch(torch.randn(1, 3, 4))], 1)[:, 0].sum())
    >>> [g.nodes[n]["op"] for n in forward_order(g) if selects_positions(g, n)]
    ['select']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nngraph.graph._symmetry import _RESHAPING

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "DROPPED_SHARE",
    "Apart",
    "added_only",
    "carried",
    "drops_run",
    "keeps_positions",
    "selects_positions",
    "sets_apart",
]

#: A run whose gradient is at most this share of the gradient of the join it goes into (the
#: `cat` of a class token and the patches) holds positions that the head drops. Measured
#: (ViT 4-12 blocks, 16 patches, class-token head): 5e-7 - 5e-6 with layer scale 1e-6 - 1e-5,
#: 3e-4 - 5e-4 with 1e-3 (the largest gate `small_gated` knows). A head that reads the run's
#: positions gives it 1 (the last patch), 0.13 (the mean of all tokens: the final LayerNorm
#: of the near-zero class token passes that position more), but DINOv2's head on the class
#: token beside the patches' mean only 0.007 - 0.011: the share alone does not say it, the
#: selection after it must read no more positions than the others hold (`drops_run`).
DROPPED_SHARE = 0.01

# Ops that put a run beside others along some dimension, each element where it was.
_JOINS = frozenset({"cat", "concat", "concatenate", "stack", "hstack", "vstack"})
_JOIN_BACKWARDS = ("CatBackward", "StackBackward")
# Ops that read some positions of what they read: indexing, as a head reads a class token.
_SELECTIONS = frozenset(
    {"getitem", "select", "narrow", "slice", "index_select", "gather", "take_along_dim"}
)
_SELECTION_BACKWARDS = (
    "SelectBackward", "SliceBackward", "IndexBackward", "IndexSelectBackward", "GatherBackward",
)  # fmt: skip
# Ops that compute each position from that position alone: elementwise ones, the norms over
# the features (LayerNorm, RMSNorm), linear layers on the last dimension, dtype casts.
_POSITIONWISE = frozenset(
    {
        "add", "add_", "sub", "sub_", "mul", "mul_", "div", "div_", "neg", "layer_norm",
        "rms_norm", "linear", "dropout", "gelu", "relu", "silu", "sigmoid", "tanh", "to",
        "_to_copy", "float", "half", "contiguous", "clone", "type_as", *_JOINS,
    }
)  # fmt: skip


@dataclass(frozen=True)
class Apart:
    """Where a run's positions lie beside others: `run` of the `total` positions along the
    dimension `dim`, counted from the end (never the last one: a linear layer mixes that)."""

    dim: int
    run: int
    total: int


def sets_apart(g: Graph, run: Any, join: Any) -> Apart | None:
    """Where `run`'s positions lie, if `join` (a `cat` or `stack` reading `run`) passes `run`
    at most `DROPPED_SHARE` of its gradient: the gradient it gets comes from the positions of
    the other operands. None otherwise, or where the shapes do not say along which dimension
    they were joined. Known only where ops carry their gradient (`trace`), never from the graph
    alone (`graph_of`)."""
    if not _named(g._node[join], _JOINS, _JOIN_BACKWARDS):
        return None
    share, whole = _grad_norm(g._node[run]), _grad_norm(g._node[join])
    if share is None or whole is None or not (math.isfinite(whole) and whole > 0):
        return None
    if share > DROPPED_SHARE * whole:
        return None
    return _joined_along(g._node[run].get("shape"), g._node[join].get("shape"))


def _joined_along(part: list[int] | None, whole: list[int] | None) -> Apart | None:
    """Where `part` lies in `whole`, the result of a `cat` (one dimension longer) or `stack`
    (one dimension more) of it with others: None where no single dimension fits, or where it
    is the last one (features side by side, which the next linear layer mixes)."""
    if not part or not whole:
        return None
    rank = len(whole)
    if len(part) == rank:
        dims = [d for d in range(rank) if part[d] != whole[d]]
        run = part[dims[0]] if len(dims) == 1 else 0
    elif len(part) == rank - 1:
        dims = [d for d in range(rank) if [*whole[:d], *whole[d + 1 :]] == list(part)]
        run = 1
    else:
        return None
    if len(dims) != 1 or dims[0] == rank - 1 or not 0 < run < whole[dims[0]]:
        return None
    return Apart(dims[0] - rank, run, whole[dims[0]])


def carried(g: Graph, apart: Apart, node: Any, op: Any) -> Apart | None:
    """Where the run's positions lie in the result of `op`, which reads `node` (whose positions
    `apart` tells): the same ones, if `op` computes each position from that position alone
    (adds, norms, linear layers; a join puts more positions beside them). None where `op` may
    mix them, or its shape does not show them where they were."""
    if not keeps_positions(g, op):
        return None
    before, after = _positions(g._node[node], apart), _positions(g._node[op], apart)
    if before != apart.total or after is None:
        return None
    if _named(g._node[op], _JOINS, ()):
        if len(g._node[op].get("shape") or []) != len(g._node[node].get("shape") or []):
            return None  # a `stack`: a new dimension
        return Apart(apart.dim, apart.run, apart.total + after - before)
    return apart if after == before else None  # else broadcast over them


def drops_run(g: Graph, apart: Apart, node: Any, op: Any) -> bool:
    """Whether `op`, a selection reading `node` (whose positions `apart` tells), surely reads
    none of the run's positions: it reads no more positions than the others hold (a class
    token's `x[:, 0]` reads 1 of 17, beside 16 patches). One that reads more (`x[:, 1:]`, the patches
    themselves) reads some of the run's; so, to be safe, does one whose shape does not say."""
    if not selects_positions(g, op):
        return False
    shape, result = g._node[node].get("shape") or [], g._node[op].get("shape")
    if _positions(g._node[node], apart) != apart.total or result is None:
        return False
    rank, dim = len(shape), len(shape) + apart.dim
    if len(result) == rank:
        read = result[dim]
    else:  # `x[:, 0]`: one position, if the dimension it removed can only be theirs
        removed = [d for d in range(rank) if [*shape[:d], *shape[d + 1 :]] == list(result)]
        if removed != [dim]:
            return False
        read = 1
    return read <= apart.total - apart.run


def _positions(data: dict[str, Any], apart: Apart) -> int | None:
    """The size of the dimension `apart` tells, in a node's result."""
    shape = data.get("shape") or []
    return shape[apart.dim] if len(shape) >= -apart.dim else None


# Ops that add a tensor to the sequence, or put it beside: a class token, a position embedding.
_ADDING = frozenset({"add", "add_", "sub", "sub_", *_JOINS})
_ADDING_BACKWARDS = ("AddBackward", "SubBackward", *_JOIN_BACKWARDS)


def added_only(g: Graph, leaf: Any) -> bool:
    """Whether every op that computes with `leaf` (past reshapes: a class token's `expand`)
    adds it or puts it beside the sequence, multiplying nothing by it: a ViT's class token
    or position embedding, no layer's weight (its gradient is the sequence's, summed).

        >>> import torch, nngraph as ng
        >>> cls, patch = torch.nn.Parameter(torch.ones(1, 1, 4)), torch.nn.Linear(4, 4)
        >>> g = ng.graph_of(torch.cat([cls.expand(2, -1, -1), patch(torch.randn(2, 3, 4))], 1).sum())
        >>> [g.nodes[n]["shape"] for n in g if g.nodes[n]["kind"] == "param" and added_only(g, n)]
        [[1, 1, 4]]
    """
    nodes = g._node
    readers, seen = list(g._succ[leaf]), set()
    while readers:
        op = readers.pop()
        if op in seen:
            continue
        seen.add(op)
        data = nodes[op]
        if data.get("kind") == "op" and str(data.get("op") or "") in _RESHAPING:
            readers.extend(g._succ[op])
        elif not _named(data, _ADDING, _ADDING_BACKWARDS):
            return False
    return bool(seen)


def keeps_positions(g: Graph, op: Any) -> bool:
    """Whether `op` computes each position of its result from that position alone."""
    return _named(g._node[op], _POSITIONWISE, ())


def selects_positions(g: Graph, op: Any) -> bool:
    """Whether `op` reads some positions of what it reads (`x[:, 0]`, `narrow`, `gather`)."""
    return _named(g._node[op], _SELECTIONS, _SELECTION_BACKWARDS)


def _named(data: dict[str, Any], ops: frozenset[str], backwards: tuple[str, ...]) -> bool:
    """Whether an op is one of `ops` by its forward name, or of `backwards` by autograd's
    (a graph read from autograd alone names its ops so)."""
    if data.get("kind") != "op":
        return False
    return str(data.get("op") or "") in ops or str(data.get("backward") or "").startswith(backwards)


def _grad_norm(data: dict[str, Any]) -> float | None:
    grad = data.get("grad")
    return None if not grad else grad.get("norm")
