"""The order of what `summary()` lists: module rows as a tree in forward order, and the
inputs in the order the model's call was given them (the line of input and output shapes).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    >>> g = ng.trace(model, torch.randn(4, 2))
    >>> from nngraph.graph._export import modules_list
    >>> from nngraph.graph._nodes import forward_order
    >>> [m["path"] for m in as_tree(modules_list(g), g, forward_order(g))]
    ['', '0', '1']
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import names_text
from nngraph.graph._nodes import NODE_DEFAULTS, ancestors_of, owner_module, renamed_lists
from nngraph.graph._parameters import cut_inputs
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["as_tree", "in_call_order", "shape_text", "shapes_lines", "shown_outputs"]


def as_tree(modules: list[dict[str, Any]], g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """`modules` as an indented tree: each module right under its parent, siblings in the
    order the forward pass first ran an op (or a box) in them. A module that ran none (a layer
    whose weight another one uses) stands where its first node does; one without a node keeps
    its place in `modules`. An op that touches another module's parameters first (an EMA
    update of a target network) thus leaves the rows of both networks whole."""
    paths = [module["path"] for module in modules]
    first_op: dict[str, int] = {}
    first_node: dict[str, int] = {}
    for i, n in enumerate(order):
        data = g._node[n]
        ran = (data.get("kind") or NODE_DEFAULTS["kind"]) in ("op", "module")
        for path in ancestors_of(owner_module(data)):
            if path in first_node and (path in first_op or not ran):
                break  # and every module above it
            first_node.setdefault(path, i)
            if ran:
                first_op.setdefault(path, i)
    listed = {path: i for i, path in enumerate(paths)}

    def key(path: str) -> tuple[int, int]:
        return first_op.get(path, first_node.get(path, len(order))), listed[path]

    children: dict[str | None, list[str]] = {}
    for path in paths:
        parent = next((p for p in ancestors_of(path) if p != path and p in listed), None)
        children.setdefault(parent, []).append(path)
    tree: list[str] = []
    stack = sorted(children.get(None, []), key=key, reverse=True)
    while stack:
        path = stack.pop()
        tree.append(path)
        stack += sorted(children.get(path, []), key=key, reverse=True)
    return [modules[listed[path]] for path in tree]


def in_call_order(g: Graph, ids: list[Any]) -> list[Any]:
    """The input nodes `ids` (in node order: first use) as the model's call was given them:
    those with an autograd history (`cut_inputs`), then the others in the order of the
    arguments (`g.graph["inputs"]`), then the rest (the loss's targets) as they were first used.
    """
    rank: dict[Any, tuple[int, int]] = {}
    for group, listed in enumerate((cut_inputs(g), g.graph.get("inputs"))):
        for i, n in enumerate(listed if isinstance(listed, list) else ()):
            if isinstance(n, (str, int)):  # a JSON file edited by hand may hold anything
                rank.setdefault(n, (group, i))
    return sorted(ids, key=lambda n: rank.get(n, (2, 0)))


def shape_text(shape: Any) -> str:
    """A shape as the summary writes it: `[8, 2]`, or `-` where unknown."""
    return "-" if shape is None else "[" + ", ".join(str(d) for d in shape) + "]"


def _shape_runs(shapes: list[str]) -> str:
    """Shapes joined by commas, a run of three or more of the same one written once with its
    count (the losses of a 20-step loop recorded whole).

    >>> _shape_runs(["[8, 2]", "[8, 2]", "[]", "[]", "[]"])
    '[8, 2], [8, 2], [] ×3'
    """
    runs = [(shape, len(list(group))) for shape, group in itertools.groupby(shapes)]
    return ", ".join(
        ", ".join([shape] * count) if count < 3 else f"{shape} ×{count}" for shape, count in runs
    )


def shown_outputs(g: Graph) -> list[Any]:
    """The output nodes the summary's "Output shape(s)" shows: not those of results nothing
    used (`g.graph["unused"]`), nor, where some output carries a gradient, side results that
    carry none (BatchNorm's batch counter) unless a variable holds them."""
    left_out = set(g.graph.get("unused") or ())
    ids = [n for n, d in g.nodes(data=True) if d.get("kind") == "output" and n not in left_out]
    if any(g._node[n].get("requires_grad") for n in ids):
        ids = [n for n in ids if g._node[n].get("requires_grad") or g._node[n].get("name")]
    return ids


def shapes_lines(g: Graph) -> list[str]:
    """The summary's line of input and output shapes, and below it, where the nodes were
    renamed since the capture (see `renamed_lists`), a note that the lists of `g.graph` that
    line reads no longer name them: what it shows may be wrong, and it says so."""
    left_out = set(g.graph.get("unused") or ())  # results nothing used: `out, _ = rnn(x)`
    cut = set(cut_inputs(g))  # `trace(D, G(z))`: D's input is the op that made it
    inputs = [
        n
        for n, d in g.nodes(data=True)
        if (d.get("kind") == "input" or n in cut) and n not in left_out
    ]
    # and data made in the block that a variable holds (`x = randn()`)
    inputs += [n for n, d in g.nodes(data=True) if d.get("kind") == "constant" and d.get("name")]
    shapes = {
        kind: _shape_runs([shape_text(g.nodes[n].get("shape")) for n in ids])
        for kind, ids in (("input", in_call_order(g, inputs)), ("output", shown_outputs(g)))
    }
    lines = [
        message(
            "graph.summary.shapes", inputs=shapes["input"] or "-", outputs=shapes["output"] or "-"
        )
    ]
    stale = renamed_lists(g)
    if stale:
        lists = names_text([f'g.graph["{key}"]' for key in stale])
        lines.append(message("graph.summary.renamed_lists", lists=lists))
    return lines
