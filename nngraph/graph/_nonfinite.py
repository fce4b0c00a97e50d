"""The first NaN or infinity of a graph, forward and backward, and which infinities matter.

>>> import torch, nngraph as ng
>>> x = torch.tensor([0.0, 1.0], requires_grad=True)
>>> with ng.record() as rec:
...     y = (x.log() * 2).sum()
>>> [f["kind"] for f in rec.graph.health()]
['inf']
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import describe, feeding_layers, finding, layers_text
from nngraph.graph._model_ops import in_model
from nngraph.graph._nodes import backward_order
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["dead_ends", "first_non_finite", "harmful_infinities", "non_finite"]


def non_finite(stats: Any) -> bool:
    return bool(stats) and bool(stats.get("nan") or stats.get("inf"))


#: Ops that put -inf in on purpose, as a mask does: `masked_fill`, `torch.where`, `m[pad] =
#: -inf`, `torch.full(..., -inf).triu(1)`.
_MASKING = frozenset(
    {
        "masked_fill", "where", "full", "full_like", "new_full", "fill", "setitem", "index_put",
        "index_fill", "masked_scatter", "scatter", "tensor", "as_tensor", "triu", "tril",
    }
)  # fmt: skip


#: The leaves a mask's -inf comes from, for the advice on masks: a buffer or a constant, not
#: the data (log-features of silence) nor a weight an earlier step broke.
_MASK_LEAVES = ("buffer", "constant")


def _only_minus_inf(stats: Any) -> bool:
    """Whether a value's only non-finite entries are -inf, as a mask puts them in
    (`scores.masked_fill(pad, float("-inf"))`): no NaN, no +inf.

    >>> _only_minus_inf({"nan": 0, "inf": 3, "min": -math.inf, "max": 1.5})
    True
    >>> _only_minus_inf({"nan": 0, "inf": 3, "min": -math.inf, "max": math.inf})
    False
    """
    return (
        bool(stats)
        and not stats.get("nan")
        and bool(stats.get("inf"))
        and stats.get("min") == -math.inf
        and stats.get("max") != math.inf
    )


def _reads_masks(data: dict[str, Any]) -> bool:
    """Whether an op takes -inf in its input as "leave this position out": a softmax
    (exp(-inf) is 0), or an attention op given a mask. It gives NaN only where a whole row is
    -inf: nothing is left to share the weight."""
    op = str(data.get("op") or "").removesuffix("_").lstrip("_")
    return op in ("softmax", "log_softmax", "safe_softmax") or "attention" in op


def _from_mask(g: Graph, n: Any, leaves: tuple[str, ...] | None = None) -> bool:
    """Whether `n` holds only -inf (no NaN, no +inf) that a mask put in: followed back through
    what holds -inf too (`scores + mask`, a reshape), it starts at a masking op (`_MASKING`) or
    at a leaf (a mask passed in, or kept as a buffer; with `leaves`, a leaf of those kinds
    only), not at `log(0)` or an overflow."""
    nodes = g._node
    if not _only_minus_inf(nodes[n].get("value")):
        return False
    seen, frontier = {n}, [n]
    while frontier:
        m = frontier.pop()
        starts_here, near = True, list(g._pred[m])
        while near:
            p = near.pop()
            value = nodes[p].get("value")
            if value is None and nodes[p].get("kind") == "op":
                near += g._pred[p]  # an inner node of a call (no value): to what it reads
            elif _only_minus_inf(value):
                starts_here = False
                if p not in seen:
                    seen.add(p)
                    frontier.append(p)
        op = str(nodes[m].get("op") or "").removesuffix("_")
        kind = nodes[m].get("kind")
        if starts_here and kind == "op" and op not in _MASKING:
            return False
        if starts_here and kind != "op" and leaves is not None and kind not in leaves:
            return False
    return True


def _masked_row(g: Graph, n: Any) -> bool:
    """Whether the NaN at `n` comes from a fully masked row: `n` is a softmax (or an attention
    op) that reads -inf from a mask, and nothing it reads holds NaN or +inf."""
    if not _reads_masks(g._node[n]) or not (g._node[n].get("value") or {}).get("nan"):
        return False
    read = list(g._pred[n])
    return any(_from_mask(g, p) for p in read) and all(
        _only_minus_inf(g._node[p].get("value")) or not non_finite(g._node[p].get("value"))
        for p in read
    )


def harmful_infinities(g: Graph, order: list[Any], dead: set[Any]) -> dict[Any, str]:
    """Nodes whose infinite or NaN value matters, each with why: `"end"` where infinite or
    NaN values run from it, node by node, to a node at the end (an output, or a node nothing
    uses), else `"grad"` where a gradient on that run (or into the inputs of a node on it) is
    infinite or NaN. An infinity that turns finite before the end, with finite gradients
    around it (a -inf attention mask before softmax, `exp(log(0))` of data), is harmless, and
    so is one in a result nothing uses (`g.graph["unused"]`, a leftover debug line): `dead`,
    see `dead_ends`. A -inf that a softmax reads (a mask) does not run on through it: where
    the softmax gives NaN (a row all -inf), the NaN starts there, and `first_non_finite` names
    the softmax. The same holds for a NaN: one masked away (`torch.where(h > 0, h.sqrt(), 0)`)
    does not reach the loss, though the gradient through it is NaN."""
    nodes, pred, succ = g._node, g._pred, g._succ  # networkx's own dicts: fast
    why: dict[Any, str] = {}
    for n in reversed(order):  # successors first
        if n in dead:
            continue
        value = nodes[n].get("value")
        if value is None and nodes[n].get("kind") == "op":
            # An inner node of one call (a batched `@` is Expand, View, Bmm, View): only the
            # call's last node has a value, so the run goes on through this one.
            after = [why[s] for s in succ[n] if s in why]
            if after:
                why[n] = "end" if "end" in after else "grad"
            continue
        if not non_finite(value):
            continue
        # a mask's -inf does not run on through a softmax (a NaN there starts there)
        read_as_mask = [s for s in succ[n] if _reads_masks(nodes[s])]
        if read_as_mask and _from_mask(g, n):
            after = [why[s] for s in succ[n] if s in why and s not in read_as_mask]
        else:
            after = [why[s] for s in succ[n] if s in why]
        if not succ[n] or nodes[n].get("kind") == "output" or "end" in after:
            why[n] = "end"
        elif after or any(non_finite(nodes[m].get("grad")) for m in (n, *pred[n])):
            why[n] = "grad"
    return why


def dead_ends(g: Graph, order: list[Any]) -> set[Any]:
    """The nodes from which every path ends in a result nothing uses (`trace()` lists those
    outputs in `g.graph["unused"]`): neither the loss nor what the model returned reads them.

    >>> import nngraph as ng
    >>> g = ng.Graph(unused=["out2"])
    >>> g.add_edges_from([("x", "log"), ("log", "out2"), ("x", "relu"), ("relu", "out1")])
    >>> sorted(dead_ends(g, ["x", "log", "relu", "out1", "out2"]))
    ['log', 'out2']
    """
    unused = set(g.graph.get("unused") or [])
    if not unused:
        return set()
    succ = g._succ
    dead: set[Any] = set()
    for n in reversed(order):  # successors first
        if n in unused or (succ[n] and all(s in dead for s in succ[n])):
            dead.add(n)
    return dead


def first_non_finite(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """The first NaN or infinity in forward order that matters (see `harmful_infinities`);
    the first NaN or infinity in backward order. One in a result nothing uses (see
    `dead_ends`) harms nothing and is left out. One that turns finite again and matters only
    for the gradients around it (a -inf attention mask, the NaN of `sqrt` that `torch.where`
    masks away) is named only where none that runs to the end is there: a NaN the forward pass
    made later (an infinite weight in a later layer) breaks every gradient, the mask's too."""
    dead = dead_ends(g, order)
    harmful = harmful_infinities(g, order, dead)
    findings = []
    for wanted in ("end", "grad"):
        first = next((n for n in order if _breaks(g, n, harmful, dead, wanted)), None)
        if first is not None:
            findings.append(_forward(g, first, types, wanted))
            break
    cause = findings[0]["kind"] if findings else None
    for n in backward_order(g):
        if non_finite(g._node[n].get("grad")):
            findings.append(_backward(g, n, types, cause))
            break
    return findings


def _breaks(g: Graph, n: Any, harmful: dict[Any, str], dead: set[Any], why: str) -> bool:
    """Whether `n`'s value holds a NaN or an infinity harmful for `why` (see
    `harmful_infinities`). A NaN breaks the end unless ops read it that give finite values
    (`torch.where(h > 0, h.sqrt(), 0)` masks it away): then it breaks only the gradients
    around it, if they are NaN or infinite."""
    stats = g._node[n].get("value")
    if n in dead or not non_finite(stats):
        return False
    if why == "end" and stats.get("nan") and not _masked_away(g, n, harmful):
        return True
    return harmful.get(n) == why


def _masked_away(g: Graph, n: Any, harmful: dict[Any, str]) -> bool:
    """Whether the NaN or infinity at `n` does not run on to the end: ops read it (not the
    model's output: that is the end) and give values from which none runs there."""
    read_by = g._succ[n]
    return (
        harmful.get(n) != "end"
        and bool(read_by)
        and all(g._node[s].get("kind") == "op" for s in read_by)
    )


def _forward(g: Graph, n: Any, types: dict[str, str | None], why: str | None) -> dict[str, Any]:
    """The finding for the first NaN or infinity of the forward pass at `n` that matters:
    `why="end"` where it runs on to the end, `"grad"` where it is masked away before and
    breaks only the gradients around it."""
    data = g._node[n]
    stats = data["value"]
    kind = "nan" if stats.get("nan") else "inf"
    key = f"{kind}_forward"
    if why == "grad":
        key += "_grad"  # masked away before the end: only the gradients around it break
    elif kind == "nan" and _masked_row(g, n):
        key += "_masked_row"  # a row all -inf: not the mask, the softmax that reads it
    if data.get("kind") == "output" and not any(
        d.get("value") for d in g._node.values() if d.get("kind") == "op"
    ):
        key = f"{kind}_output_only"  # `graph_of` keeps no values: the first one is not known
    what = _what(g, n, types)
    if data.get("kind") == "op":
        what = message("graph.health.what.output_of", what=what)
    counts = {"nan": int(stats.get("nan") or 0), "inf": int(stats.get("inf") or 0)}
    # -inf a mask put in: what breaks is an op that reduces over nothing but -inf (a CRF's
    # forbidden transitions, a fully masked column), not the mask's values
    masked = data.get("kind") == "op" and _from_mask(g, n, leaves=_MASK_LEAVES)
    hint = message(f"graph.health.hint.{'mask' if masked else hint_for(data)}")
    return finding(
        kind, key, "forward", n, data.get("module") or "", **counts, what=what, hint=hint
    )


#: What to do, by the op that made the first NaN or infinity (others: `op`).
_HINTS = {
    "log": ("log", "log2", "log10", "log1p"),
    "sqrt": ("sqrt", "rsqrt"),
    "exp": ("exp", "exp2", "expm1", "sinh", "cosh"),
    "div": ("div", "true_divide", "floor_divide", "reciprocal", "remainder", "fmod"),
}


def hint_for(data: dict[str, Any]) -> str:
    """Which hint (`graph.health.hint.*`) fits the node where the first NaN or infinity
    appears: by its op, else the data's (an input) or the weights' (a parameter) own.

    >>> hint_for({"kind": "op", "op": "log"}), hint_for({"kind": "op", "op": "div_"})
    ('log', 'div')
    >>> hint_for({"kind": "op", "op": "linear"}), hint_for({"kind": "param"})
    ('op', 'param')
    """
    kind = data.get("kind")
    if kind in ("input", "constant"):
        return "data"
    if kind in ("param", "buffer"):
        return "param"
    op = str(data.get("op") or "").removesuffix("_")  # `x.log_()` is a log too
    return next((hint for hint, ops in _HINTS.items() if op in ops), "op")


def _backward(g: Graph, n: Any, types: dict[str, str | None], cause: str | None) -> dict[str, Any]:
    """The finding for the first NaN or infinity of the backward pass, in the gradient of `n`.

    A node's `grad` is the gradient with respect to its output: the op that made it is the
    one using `n` whose own gradient is finite; its backward turned a finite gradient into a
    broken one (`sqrt` at 0, a custom `backward`). Where that op is not known (several such
    users, or none with a gradient recorded), or it read NaN or infinite values (then the
    forward finding tells where they come from), the finding stays on `n`; where the forward
    pass has a NaN or infinity (`cause`, its kind), it says that the gradient follows from it.
    A finding on the op that made it ends with what to do, by that op (see `hint_for`)."""
    stats = g._node[n]["grad"]
    kind = "nan" if stats.get("nan") else "inf"
    counts = {"nan": int(stats.get("nan") or 0), "inf": int(stats.get("inf") or 0)}
    users = [s for s in g._succ[n] if g._node[s].get("kind") == "op"]
    makers = [s for s in users if g._node[s].get("grad") and not non_finite(g._node[s]["grad"])]
    broken = [s for s in users if non_finite(g._node[s].get("grad"))]
    words: dict[str, str] = {}
    if not any(d.get("grad") for d in g._node.values() if d.get("kind") == "op"):
        where, key = n, f"{kind}_backward_params_only"  # `graph_of` keeps no op's gradient
    elif len(makers) == 1 and not broken and not _reads_non_finite(g, makers[0]):
        where, key = makers[0], f"{kind}_backward_made"
        # what to do, by the op whose backward made it (sqrt at 0, log at 0)
        words["hint"] = message(f"graph.health.hint.{hint_for(g._node[where])}")
    elif cause is not None:
        where, key = n, f"{kind}_backward_follows"
        words["cause"] = message(f"graph.health.cause.{cause}")
    else:
        where, key = n, f"{kind}_backward"
    module = g._node[where].get("module") or ""
    what = _what(g, where, types)
    return finding(kind, key, "backward", where, module, **counts, what=what, **words)


def _reads_non_finite(g: Graph, op: Any) -> bool:
    """Whether a NaN or an infinity is in what `op` reads: a broken gradient is then what the
    forward pass left, not what its backward made."""
    return any(non_finite(g._node[p].get("value")) for p in g._pred[op])


def _what(g: Graph, n: Any, types: dict[str, str | None]) -> str:
    """How a sentence names node `n`: an op of the model's own `forward` by the layer it
    runs after (`log after l1 (Linear)`)."""
    data = g._node[n]
    after = None
    if data.get("kind") == "op" and not data.get("module"):
        layers = feeding_layers(g, n, "")
        after = layers_text(layers, types) if layers else None
    return describe(data, types, _read_by(g, n), after)


def _read_by(g: Graph, n: Any) -> str | None:
    """For an input: `"model"` where an op of a module reads it, `"outside"` where only the
    code around the modules does (a loss target), None where no op knows its module."""

    def in_module(data: dict[str, Any]) -> bool:  # the root model's own ops have a type
        return bool(data.get("module") or data.get("module_type"))

    if any(in_model(g, g._node[s]) for s in g._succ[n]):  # not a loss module's op
        return "model"
    if any(in_module(data) for data in g._node.values() if data.get("kind") == "op"):
        return "outside"
    return None
