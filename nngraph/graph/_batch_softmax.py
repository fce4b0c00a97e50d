"""A softmax over the batch: `F.log_softmax(out, dim=0)` of a classifier's scores `[N, C]`
normalises each class over the N examples instead of each example over its C classes. The
loss still gives a number and the model still learns something, but each example's
"probabilities" depend on the rest of its batch and do not sum to 1.

Only where dim 0 is surely the batch: the softmax's result `[N, C]` is what a classification
loss reads as its scores, `cross_entropy` or `nll_loss` (whose input is `[N, C]` by
definition), or a hand-written cross-entropy that takes the log of the probabilities and
picks one value per example (one per row): `-log(p)[range(N), y]`, `-(one_hot * log_p).sum(1)`.
A softmax over dim 0 elsewhere is left alone: attention over a sequence-first tensor
`[T, N, ...]`, a 1-d output, a `[C, N]` layout transposed before the loss, a square `[N, N]`
table of similarities (a contrastive loss normalises it both ways).

    >>> import torch, torch.nn.functional as F, nngraph as ng
    >>> y = torch.tensor([0, 2, 1, 0])
    >>> g = ng.trace(torch.nn.Linear(2, 3), torch.randn(4, 2),
    ...              loss=lambda out: -torch.log(F.softmax(out, dim=0))[torch.arange(4), y].mean())
    >>> [g.nodes[n]["op"] for n in hand_written(g, list(g))]
    ['softmax']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._dims import RESHAPES, dims_given, softmax_dim
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["BATCH_LOSSES", "batch_fix", "batch_softmax", "hand_written", "scores_shape"]

#: the losses that read their input `[N, C]` as N examples' scores over C classes
BATCH_LOSSES = frozenset({"cross_entropy", "nll_loss"})
_SOFTMAXES = frozenset({"softmax", "log_softmax"})
_LOGS = frozenset({"log", "log_", "log2", "log10"})
#: ops that take one value of each row: `p[range(N), y]`, `p.gather(1, y[:, None])`
_PICKS = frozenset({"getitem", "gather", "take_along_dim", "select"})
#: ops that sum a row of log-probabilities weighted by the targets: `(y * log_p).sum(1)`
_SUMS = frozenset({"sum", "mean", "nansum", "nanmean"})
#: ops that change each value alone: `torch.log(p + 1e-8)`, `-log_p`, `log_p / T`
_PER_VALUE = frozenset(
    {"add", "sub", "neg", "mul", "div", "true_divide", "clamp", "clamp_min", "clip",
     "contiguous", "clone", "float", "double", "to"}
)  # fmt: skip
#: how many ops a hand-written cross-entropy may apply before it has taken a log and a pick
_STEPS = 8


def scores_shape(shape: list[int] | None) -> bool:
    """Whether a tensor of `shape` can only be a batch of scores `[N, C]`: two dims of more
    than one value each, not the same number (a square table may be normalised either way).

    >>> scores_shape([32, 5]), scores_shape([5, 5]), scores_shape([1, 5]), scores_shape([8])
    (True, False, False, False)
    """
    return shape is not None and len(shape) == 2 and 1 < shape[0] != shape[1] > 1


def batch_softmax(g: Graph, scores: list[Any]) -> Any | None:
    """The softmax or log_softmax over dim 0 that made what a `cross_entropy` or `nll_loss`
    call reads as its scores, `scores` (its one input that is not the target), directly or
    through ops that keep its shape (`.contiguous()`, `.view(-1, C)` of a `[N, C]`); None if
    no such op made it."""
    nodes = g._node
    if len(scores) != 1 or not scores_shape(nodes[scores[0]].get("shape")):
        return None
    node, shape = scores[0], nodes[scores[0]]["shape"]
    while nodes[node].get("kind") == "op" and nodes[node].get("tracked"):
        data = nodes[node]
        if data.get("shape") != shape:
            return None
        if data.get("op") in _SOFTMAXES:
            return node if softmax_dim(data) == 0 else None
        sources = list(g._pred[node])
        if data.get("op") not in RESHAPES or len(sources) != 1:
            return None
        node = sources[0]
    return None


def hand_written(g: Graph, order: list[Any]) -> list[Any]:
    """The softmax and log_softmax ops over dim 0 of a `[N, C]` tensor whose log (that of a
    softmax; a log_softmax's is its own) a hand-written cross-entropy takes one value of per
    example from: `-torch.log(F.softmax(out, dim=0))[torch.arange(N), y].mean()`."""
    nodes = g._node
    return [
        n
        for n in order
        if nodes[n].get("kind") == "op"
        and nodes[n].get("op") in _SOFTMAXES
        and nodes[n].get("tracked")
        and scores_shape(nodes[n].get("shape"))
        and softmax_dim(nodes[n]) == 0
        and _log_picked(g, n)
    ]


def _log_picked(g: Graph, softmax: Any) -> bool:
    """Whether the probabilities `softmax` made, `[N, C]`, go through a log and a pick of one
    value per row (in either order) within a few per-value ops."""
    nodes = g._node
    rows, classes = nodes[softmax]["shape"]
    one_per_row = ([rows], [rows, 1])
    # each path: the node reached, whether a log was taken, a value per row picked, the
    # rows weighted by a target (`one_hot * log_p`, to be summed over the classes)
    paths = [(softmax, nodes[softmax]["op"] == "log_softmax", False, False)]
    for _ in range(_STEPS):
        ahead = []
        for node, logged, picked, weighted in paths:
            for m in g._succ[node]:
                data = nodes[m]
                op, shape = data.get("op"), data.get("shape")
                if data.get("kind") != "op" or not data.get("tracked"):
                    continue
                if op in _LOGS:
                    ahead.append((m, True, picked, weighted))
                elif not picked and shape in one_per_row and _picks_rows(g, m, node, weighted):
                    ahead.append((m, logged, True, False))
                elif op == "mul" and not picked and _by_target(g, m, node, [rows, classes]):
                    ahead.append((m, logged, picked, True))
                elif op in _PER_VALUE and shape == nodes[node].get("shape"):
                    ahead.append((m, logged, picked, weighted))
        if any(logged and picked for _, logged, picked, _ in ahead):
            return True
        paths = list(dict.fromkeys(ahead))  # the same op reached twice: walked once
    return False


def _picks_rows(g: Graph, op_node: Any, source: Any, weighted: bool) -> bool:
    """Whether `op_node`, whose result holds one value per row of `source`, takes it from each
    row (a pick by an index tensor, `p[range(N), y]`; a gather along dim 1) or sums a row
    weighted by the targets. A column taken whole (`logp[:, i]`, `select(1, i)`: one
    example's distribution along dim 0, in a loop) shows dim 0 is no batch: no pick."""
    data = g._node[op_node]
    op = data.get("op")
    if weighted:
        return op in _SUMS
    if op == "gather":
        dims = dims_given(data.get("args"))
        return not dims or dims[0] in (1, -1)
    if op == "getitem":  # indexed by a tensor besides the probabilities: the targets
        return any(p != source for p in g._pred[op_node])
    return op in _PICKS and op != "select"


def _by_target(g: Graph, mul: Any, node: Any, shape: list[int]) -> bool:
    """Whether `mul` multiplies `node`, of `shape`, by a target of that shape that carries no
    gradient (one-hot labels, soft labels), not by the probabilities themselves (an entropy)."""
    nodes = g._node
    others = [p for p in g._pred[mul] if p != node]
    return (
        nodes[mul].get("shape") == shape
        and len(others) == 1
        and nodes[others[0]].get("shape") == shape
        and not nodes[others[0]].get("requires_grad")
    )


def batch_fix(data: dict[str, Any], loss: str | None, module_type: str | None) -> str:
    """What to do instead of the softmax over the batch (op node `data`) that `loss`
    (`cross_entropy`, `nll_loss`, None for a hand-written one) reads; `module_type`: the
    module that ran it (`Softmax`), to name the fix as the student wrote the op.

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> batch_fix({"op": "log_softmax"}, "nll_loss", None)
    'Normalise over the classes instead: F.log_softmax(scores, dim=1) (or dim=-1).'
    """
    op = str(data.get("op"))
    modules = module_type in ("Softmax", "LogSoftmax")
    if loss == "cross_entropy":
        shown = _call("softmax", modules)
        return message("graph.health.loss_input_batch_fix_ce", op=op, call=shown)
    if loss == "nll_loss" and op == "softmax":
        return message("graph.health.loss_input_batch_fix_nll", call=_call("log_softmax", modules))
    return message("graph.health.loss_input_batch_fix", call=_call(op, modules))


def _call(op: str, module: bool) -> str:
    """The op over the classes, as code: `nn.LogSoftmax(dim=1)` or `F.softmax(scores, dim=1)`."""
    if module:
        return "nn.LogSoftmax(dim=1)" if op == "log_softmax" else "nn.Softmax(dim=1)"
    return f"F.{op}(scores, dim=1)"
