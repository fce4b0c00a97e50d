"""The order of JSON's `modules` (`to_dict()`): every module that ran, in forward order of
first use, then any other module `g.graph["modules"]` knows. In a collapsed graph, the
modules a box folds follow the box, in the order the graph it was collapsed from lists them,
so `g.collapse(d)` and `Graph.from_json(g.to_json()).collapse(d)` agree, and so does a
collapsed graph read back from its own JSON.

    >>> import torch, nngraph as ng
    >>> class Net(torch.nn.Module):  # registers `head` first, runs `body` first
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.head = torch.nn.Linear(3, 1)
    ...         self.body = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    ...     def forward(self, x):
    ...         return self.head(self.body(x))
    >>> g = ng.trace(Net(), torch.randn(4, 2))
    >>> module_paths(g.collapse(0))
    ['', 'body', 'body.0', 'body.1', 'head']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import ancestors_of, forward_order, owner_module

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["module_paths"]


def module_paths(g: Graph, order: list[Any] | None = None) -> list[str]:
    """The module paths of `g`'s JSON `modules`, in their order (see the module's text);
    `order`: `forward_order(g)`, where the caller has it."""
    known = g.graph.get("modules") or {}
    paths: dict[str, None] = {"": None} if "" in known else {}  # an ordered set
    for n in forward_order(g) if order is None else order:
        new = []
        for path in ancestors_of(owner_module(g._node[n])):
            if path == "" or path in paths:
                break
            new.append(path)
        paths.update(dict.fromkeys(reversed(new)))  # parents before children
    folded = _folded(g, paths, list(known))
    if folded:
        paths = {p: None for path in paths for p in (path, *folded.get(path, ()))}
    paths.update(dict.fromkeys(known))
    return list(paths)


def _folded(g: Graph, used: dict[str, None], known: list[str]) -> dict[str, list[str]]:
    """Box path -> the modules of `known` below it that no node of `g` names (the box folds
    them), in the order of the graph `g` was collapsed from, else (read back from JSON) of
    `known`, which is that order."""
    boxes = {g._node[n].get("module") for n in g if g._node[n].get("kind") == "module"}
    folded: dict[str, list[str]] = {}
    for path in known:
        if path not in used:
            box = next((above for above in ancestors_of(path) if above in boxes), None)
            if box is not None:
                folded.setdefault(box, []).append(path)
    if folded and g._source is not None:
        place = {path: i for i, path in enumerate(module_paths(g._source))}
        for inside in folded.values():
            inside.sort(key=lambda path: place.get(path, len(place)))
    return folded
