"""The first NaN or infinity of a graph, forward and backward, and which infinities matter.

>>> import torch, nngraph as ng
>>> x = torch.tensor([0.0, 1.0], requires_grad=True)
>>> with ng.record() as rec:
...     y = (x.log() * 2).sum()
>>> [f["kind"] for f in rec.graph.health()]
['inf']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import describe, finding
from nngraph.graph._nodes import backward_order
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["first_non_finite", "harmful_infinities", "non_finite"]


def non_finite(stats: Any) -> bool:
    return bool(stats) and bool(stats.get("nan") or stats.get("inf"))


def harmful_infinities(g: Graph, order: list[Any]) -> dict[Any, str]:
    """Nodes whose infinite value matters, each with why: `"end"` where infinite or NaN values
    run from it, node by node, to a node at the end (an output, or a node nothing uses), else
    `"grad"` where a gradient on that run (or into the inputs of a node on it) is infinite or
    NaN. An infinity that turns finite before the end, with finite gradients around it (a -inf
    attention mask before softmax, `exp(log(0))` of data), is harmless."""
    nodes, pred, succ = g._node, g._pred, g._succ  # networkx's own dicts: fast
    why: dict[Any, str] = {}
    for n in reversed(order):  # successors first
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
        after = [why[s] for s in succ[n] if s in why]
        if not succ[n] or nodes[n].get("kind") == "output" or "end" in after:
            why[n] = "end"
        elif after or any(non_finite(nodes[m].get("grad")) for m in (n, *pred[n])):
            why[n] = "grad"
    return why


def first_non_finite(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """The first NaN in forward order, or the first infinity there that matters (see
    `harmful_infinities`); the first NaN or infinity in backward order."""
    harmful = harmful_infinities(g, order)
    findings = []
    for where, nodes, stat in (
        ("forward", order, "value"),
        ("backward", backward_order(g), "grad"),
    ):
        for n in nodes:
            data = g.nodes[n]
            stats = data.get(stat)
            if not non_finite(stats):
                continue
            kind = "nan" if stats.get("nan") else "inf"
            key = f"{kind}_{where}"
            if where == "forward" and kind == "inf":
                if n not in harmful:
                    continue  # masked away: softmax of -inf is 0
                key += "_grad" if harmful[n] == "grad" else ""
            what = describe(data, types, _read_by(g, n))
            if where == "forward" and data.get("kind") == "op":
                what = message("graph.health.what.output_of", what=what)
            findings.append(
                finding(
                    kind,
                    key,
                    where,
                    n,
                    data.get("module") or "",
                    nan=int(stats.get("nan") or 0),
                    inf=int(stats.get("inf") or 0),
                    what=what,
                )
            )
            break
    return findings


def _read_by(g: Graph, n: Any) -> str | None:
    """For an input: `"model"` where an op of a module reads it, `"outside"` where only the
    code around the modules does (a loss target), None where no op knows its module."""

    def in_module(data: dict[str, Any]) -> bool:  # the root model's own ops have a type
        return bool(data.get("module") or data.get("module_type"))

    if any(in_module(g._node[s]) for s in g._succ[n]):
        return "model"
    if any(in_module(data) for data in g._node.values() if data.get("kind") == "op"):
        return "outside"
    return None
