"""The order in which a node reads its inputs (`a - b` is not `b - a`), kept on the edges.

A capture adds each node's incoming edges in the order the op takes its inputs, so a graph
just captured knows it from the order of its edges. networkx's copies (`copy()`, a JSON round
trip, `nx.relabel_nodes`) add the edges again in another order, so that order is written on
each edge as ``operand`` (0, 1, ...: its source's place among the target's inputs) where it
can still be read (`Graph.copy()`, `to_dict()`), and read back from there first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

__all__ = [
    "OPERAND",
    "add_joined_edges",
    "copy_operands",
    "inputs_in_order",
    "operand_of",
    "operand_places",
    "read_first",
]

#: the edge attribute holding the source's place among the target's inputs
OPERAND = "operand"


def operand_of(data: dict[str, Any]) -> int | None:
    """The place an edge's attributes give its source among the target's inputs, if any."""
    place = data.get(OPERAND)
    return place if isinstance(place, int) and not isinstance(place, bool) else None


def inputs_in_order(g: nx.DiGraph, n: Any) -> list[Any]:
    """The nodes `n` reads, in the order it takes them: by the edges' ``operand`` where they
    have one, else (and after those) in the order the edges were added.

        >>> g = nx.DiGraph()
        >>> g.add_edge("b", "sub", operand=1); g.add_edge("a", "sub", operand=0)
        >>> inputs_in_order(g, "sub")
        ['a', 'b']
    """
    edges = g._pred[n]
    if len(edges) < 2:
        return list(edges)
    places = [operand_of(data) for data in edges.values()]
    if all(place is None for place in places):
        return list(edges)
    last = len(edges)  # an edge without a place comes after those with one (a stable sort)
    keyed = sorted(
        zip(edges, places, strict=True), key=lambda item: last if item[1] is None else item[1]
    )
    return [source for source, _ in keyed]


def read_first(g: nx.DiGraph, n: Any, sources: list[Any]) -> None:
    """Reorder the edges into `n` in the order of a call's arguments, `sources` (their nodes
    after the call; autograd adds the inputs with a gradient first). An input `n` itself
    stands for the tensor the call wrote into (`h.sub_(y)`: `h`'s node is now `n`): the
    node it had before takes its place. A node the call made on the way (`cross_entropy`'s
    `log_softmax`, `linear`'s transpose of the weight) takes the place of the argument it
    reads; any other input keeps its order, after them.

        >>> g = nx.DiGraph([("f(x)", "sub"), ("x", "sub")])
        >>> read_first(g, "sub", ["x", "f(x)", "x"])
        >>> list(g.predecessors("sub"))
        ['x', 'f(x)']
        >>> g = nx.DiGraph([("y", "sub_"), ("h", "sub_")])  # `h.sub_(y)`: h's node is now sub_
        >>> read_first(g, "sub_", ["sub_", "y"])
        >>> list(g.predecessors("sub_"))
        ['h', 'y']
    """
    edges = g._pred[n]
    place: dict[Any, int] = {}
    written = len(sources)
    for i, source in enumerate(sources):
        if source == n:
            written = min(written, i)
        elif source in edges:
            place.setdefault(source, i)
    if len(place) == len(edges):
        order = sorted(edges, key=place.__getitem__)
    else:
        call = g._node[n].get("call")
        first = {source: i for i, source in reversed(list(enumerate(sources)))}

        def place_of(u: Any) -> int:
            if u in place:
                return place[u]
            if call is not None and g._node[u].get("call") == call:  # made on the way
                read = [first[p] for p in g._pred[u] if p in first]
                if read:
                    return min(read)
            return written

        order = sorted(edges, key=place_of)  # stable: the rest keep their order
    if order != list(edges):
        g._pred[n] = {source: edges[source] for source in order}


def operand_places(g: nx.DiGraph) -> dict[tuple[Any, Any], int]:
    """Edge `(u, v)` -> the place of `u` among `v`'s inputs, for the edges into a node (not
    a module box) that reads two or more (the only ones whose order matters) and those that carry an
    ``operand``: the edge's ``operand``, else its place in the order `v`'s edges were added
    (that of the op's inputs in a graph just captured). Linear in the number of edges.

        >>> g = nx.DiGraph([("a", "sub"), ("b", "sub"), ("sub", "out")])
        >>> operand_places(g)
        {('a', 'sub'): 0, ('b', 'sub'): 1}
    """
    places: dict[tuple[Any, Any], int] = {}
    for v, edges in g._pred.items():
        if g._node[v].get("kind") == "module":  # a box: a place among one node's inputs is none
            continue
        for i, (u, data) in enumerate(edges.items()):
            place = operand_of(data)
            if place is not None or len(edges) > 1:
                places[u, v] = i if place is None else place
    return places


def mark_operands(g: nx.DiGraph) -> None:
    """Write on `g`'s edges the ``operand`` that `operand_places` gives them, so that any
    copy keeps it: for a capture to call on the graph it made, before anyone copies it.

        >>> g = nx.DiGraph([("a", "sub"), ("b", "sub")])
        >>> mark_operands(g)
        >>> nx.relabel_nodes(g, str.upper).edges["B", "SUB"]
        {'operand': 1}
    """
    for (u, v), place in operand_places(g).items():
        g._pred[v][u][OPERAND] = place


def copy_operands(source: nx.DiGraph, copy: nx.DiGraph) -> None:
    """Give the edges of `copy` (made from `source` by networkx, which adds them in another
    order) their ``operand`` from `source` (see `operand_places`), and the edges into each
    node the order they have there."""
    for (u, v), place in operand_places(source).items():
        if copy.has_edge(u, v):
            copy._pred[v][u][OPERAND] = place
    for v, edges in source._pred.items():
        kept = copy._pred.get(v)
        if kept is not None and len(kept) > 1:
            copy._pred[v] = {u: kept[u] for u in edges if u in kept} | kept


def add_joined_edges(g: nx.DiGraph, h: nx.DiGraph, group_of: Callable[[Any], Any]) -> None:
    """Add to `h` the edges of `g` between nodes in different groups, once each and as edges
    between their groups (`group_of(n)`: the node of `h` that `n` is, itself or the box it
    folds into). A node kept as it is reads its inputs in the order it did in `g`, written
    as ``operand`` where it reads two or more; an edge into a box has none (a place among
    one node's inputs is none among the box's).

        >>> g = nx.DiGraph([("f.w", "f.mm"), ("f.mm", "sub"), ("x", "sub"), ("x", "f.mm")])
        >>> g.edges["f.mm", "sub"]["operand"], g.edges["x", "sub"]["operand"] = 1, 0
        >>> h = nx.DiGraph()
        >>> add_joined_edges(g, h, lambda n: "f" if n.startswith("f.") else n)
        >>> sorted(h.edges(data=True))
        [('f', 'sub', {'operand': 1}), ('x', 'f', {}), ('x', 'sub', {'operand': 0})]
    """
    for v, edges in g._pred.items():
        b = group_of(v)
        if b != v or g._node[v].get("kind") == "module":  # into a box: no place among inputs
            for u, data in edges.items():
                a = group_of(u)
                if a != b and not h.has_edge(a, b):
                    h.add_edge(a, b, **{k: x for k, x in data.items() if k != OPERAND})
            continue
        read: dict[Any, dict[str, Any]] = {}  # group -> the first edge from it, in order
        for u in inputs_in_order(g, v):
            read.setdefault(group_of(u), edges[u])
        for place, (a, data) in enumerate(read.items()):
            kept = {k: x for k, x in data.items() if k != OPERAND}
            h.add_edge(a, v, **kept, **({OPERAND: place} if len(read) > 1 else {}))
