"""An attention's weighted sum written by hand: the softmax's weights multiplied into the values
and summed over the axis they are spread over, as the PyTorch translation tutorial's additive
(Bahdanau) attention writes its context vector, `(a.unsqueeze(-1) * values).sum(1)`. It is the
same sum as `torch.bmm(a[:, None], values)`, so the layers that make only the scores are as
much no step of the trunk as there (see `_trunk`).

A product with no sum after it (a softmax gate scaling features one by one), or summed over
another axis than the softmax's (gating, then pooling over time), weighs nothing against
anything: it is gating, judged as before.

    >>> import torch, nngraph as ng
    >>> scores = torch.randn(4, 5, requires_grad=True)
    >>> values = torch.randn(4, 5, 8, requires_grad=True)
    >>> def weighted(context):
    ...     with ng.record() as rec:
    ...         context(scores.softmax(-1)).sum().backward()
    ...     g = rec.graph
    ...     (softmax,) = [n for n in g if g.nodes[n]["op"] == "softmax"]
    ...     return weighted_sum(g, softmax)
    >>> weighted(lambda a: (a.unsqueeze(-1) * values).sum(1))  # over the softmax's axis
    True
    >>> weighted(lambda a: (a.unsqueeze(-1) * values).sum(2))  # over the features: gating
    False
    >>> weighted(lambda a: a.unsqueeze(-1) * values)  # no sum at all
    False
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._dims import dims_given, permutation, softmax_dim
from nngraph.graph._symmetry import _RESHAPING

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["weighted_sum"]

# How far (in ops) after the softmax its weights may meet the values: an `unsqueeze` or a
# `[..., None]`, a mask, dropout, a cast.
_HOPS = 6
#: Ops that carry the weights on unchanged but for their shape, a mask, dropout or a constant
#: factor (`graph_of` sees dropout as a `mul` by its mask), where nothing else they read is learnt.
_CARRYING = _RESHAPING | {"masked_fill", "dropout", "native_dropout", "where", "mul", "div"}
_PERMUTING = frozenset({"t", "T", "mT", "transpose", "swapaxes", "swapdims", "permute"})
_REDUCING = frozenset({"sum", "mean", "nansum", "nanmean"})


def weighted_sum(g: Graph, softmax: Any) -> bool:
    """Whether what a softmax outputs, carried on by ops that keep its values (`unsqueeze`, a
    mask, dropout), multiplies (`mul`) something that carries a gradient, and the product is
    summed or averaged over the axis the softmax normalised (see `_softmax_axes` where the
    graph does not record it: `graph_of`)."""
    nodes = g._node
    frontier = [(softmax, _softmax_axes(nodes[softmax]))]
    seen = {softmax}
    for _ in range(_HOPS):
        after = []
        for n, axes in frontier:
            shape = nodes[n].get("shape")
            if not axes or shape is None:
                continue
            for s in g._succ[n]:
                if s in seen:
                    continue
                seen.add(s)
                data, op = nodes[s], str(nodes[s].get("op") or "")
                learnt = any(nodes[p].get("requires_grad") for p in g._pred[s] if p != n)
                if op == "mul" and learnt:
                    spread = _broadcast(shape, data.get("shape"), axes)
                    if any(_reduces(nodes[r], data.get("shape"), spread) for r in g._succ[s]):
                        return True
                elif (op in _CARRYING or "dropout" in op) and not learnt:
                    moved = {_axis_after(data, shape, axis) for axis in axes}
                    after.append((s, {axis for axis in moved if axis is not None}))
        frontier = after
    return False


def _softmax_axes(data: dict[str, Any]) -> set[int]:
    """The axis a softmax normalised, as a set (empty where not known). Where the graph keeps
    no arguments (`graph_of`), the one axis of more than one value that is not the batch's (a
    batch of scores over a sequence, `[batch, time]`), if only one is; none where several
    could be it (a gate over the features of a sequence, `[batch, time, features]`).

    >>> _softmax_axes({"args": "dim=1", "shape": [4, 5]}), _softmax_axes({"shape": [4, 5]})
    ({1}, {1})
    >>> _softmax_axes({"shape": [4, 6, 8]})
    set()
    """
    shape = data.get("shape") or []
    if data.get("args") is None:
        batch = 1 if len(shape) > 1 else 0
        spread = {d for d in range(batch, len(shape)) if shape[d] > 1}
        return spread if len(spread) == 1 else set()
    axis = softmax_dim(data)
    return set() if axis is None or axis >= len(shape) else {axis}  # a 0-d softmax: none


def _axis_after(data: dict[str, Any], shape: list[int], axis: int) -> int | None:
    """The axis of an op's result (node `data`) that the axis `axis` of what it read, of
    `shape`, runs along; None if no one axis does (a slice that cuts it, an unknown transpose).

    >>> _axis_after({"op": "unsqueeze", "shape": [4, 5, 1]}, [4, 5], 1)
    1
    >>> _axis_after({"op": "transpose", "args": "0, 1", "shape": [5, 4]}, [4, 5], 1)
    0
    """
    out = data.get("shape")
    if out is None or axis >= len(shape):
        return None
    op = str(data.get("op") or "")
    if op in _PERMUTING:
        order = permutation(op, dims_given(data.get("args")), len(out))
        return order.index(axis) if order is not None and axis in order else None
    if out == shape:
        return axis
    # a reshape keeps the values in row-major order: the result's axis of the same size with
    # the same number of values after it holds the same groups of values
    size, inner = shape[axis], math.prod(shape[axis + 1 :])
    found = [d for d in range(len(out)) if (out[d], math.prod(out[d + 1 :])) == (size, inner)]
    return found[0] if len(found) == 1 else None


def _broadcast(shape: list[int], out: list[int] | None, axes: set[int]) -> set[int]:
    """The axes of a broadcast product's result, of shape `out`, that the `axes` of its
    operand of `shape` lie along (shapes align from the right); only those it spreads along.

    >>> _broadcast([4, 5, 1], [4, 5, 8], {1}), _broadcast([5], [4, 5], {0})
    ({1}, {1})
    """
    if out is None or len(out) < len(shape):
        return set()
    offset = len(out) - len(shape)
    return {a + offset for a in axes if shape[a] > 1 and out[a + offset] == shape[a]}


def _reduces(data: dict[str, Any], shape: list[int] | None, axes: set[int]) -> bool:
    """Whether an op (node `data`) sums or averages what it reads, of `shape`, over one of
    `axes`, keeping others: by the dims it was given where the graph keeps them, else by the
    shapes.

    >>> _reduces({"op": "sum", "args": "1", "shape": [4, 8]}, [4, 5, 8], {1})
    True
    >>> _reduces({"op": "mean", "shape": [4, 5]}, [4, 5, 8], {1})  # over the last axis
    False
    """
    out = data.get("shape")
    if str(data.get("op") or "") not in _REDUCING or not shape or not axes or out is None:
        return False
    if math.prod(out) <= 1:
        return False  # a sum down to one number is a total (a loss), no weighted sum
    dims = dims_given(data.get("args"))
    if dims:
        return any(d % len(shape) in axes for d in dims)
    if len(out) == len(shape):  # keepdim: a reduced axis is left as 1
        return any(out[a] == 1 for a in axes)
    # the axes the result keeps, in order: reduced where every way of keeping them drops it
    kept = [
        ways
        for ways in itertools.combinations(range(len(shape)), len(out))
        if all(shape[d] == size for d, size in zip(ways, out, strict=True))
    ]
    return bool(kept) and all(any(a not in ways for a in axes) for ways in kept)
