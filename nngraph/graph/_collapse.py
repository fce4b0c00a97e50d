"""Folding a graph to module boxes, and runs of repeated blocks to one box `xN`.

`collapse(g, depth)` maps every node to a *group*: itself, or the module box it folds into.
`fold_repeats(h)` then walks chains of sibling module boxes (each feeding only the next) and
folds a block of 1 to 4 boxes that repeats back to back (`Bottleneck x3`, `Linear, ReLU x5000`).
Both are linear in the size of the graph.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import (
    NODE_DEFAULTS,
    ancestors_of,
    forward_order,
    module_types,
    numel,
    owner_module,
    parent_of,
)

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["MAX_PERIOD", "collapse", "fold_repeats", "param_counts"]

#: The longest repeating block `fold_repeats` looks for (in module boxes).
MAX_PERIOD = 4


def param_counts(g: Graph) -> dict[str, int]:
    """Module path -> parameter elements in it and below it.

    Taken from `g.graph["modules"]` where capture knew the model, else summed over the
    parameter nodes (each counted once, in its module and every module above it).
    """
    counts: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        if data.get("kind") == "param":
            n = data.get("params") or numel(data.get("shape"))
            for path in ancestors_of(owner_module(data)):
                counts[path] = counts.get(path, 0) + n
        elif data.get("kind") == "module":
            for path in ancestors_of(data.get("module") or ""):
                counts.setdefault(path, 0)
    for path, info in (g.graph.get("modules") or {}).items():
        counts[path] = int(info.get("params") or 0)
    return counts


def _box_of(module: str, depth: int) -> str | None:
    """The module path a node in `module` folds into, or None to keep it as it is."""
    if module == "":
        return None
    parts = module.split(".")
    return ".".join(parts[: depth + 1]) if len(parts) > depth else None


def collapse(g: Graph, depth: int) -> Graph:
    """A new graph with every module `depth + 1` levels below the root folded to one box."""
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 0:
        from nngraph.errors import NNGraphError
        from nngraph.i18n import message

        raise NNGraphError(message("graph.error.depth", depth=depth))
    order = forward_order(g)
    position = {n: i for i, n in enumerate(order)}
    group: dict[Any, Any] = {}
    members: dict[str, list[Any]] = {}
    nodes = g._node
    for n in order:
        box = _box_of(owner_module(nodes[n]), depth)
        if box is None:
            group[n] = n
        else:
            group[n] = "m:" + box
            members.setdefault(box, []).append(n)

    # a box must stand for computation: where a module has only parameters in this graph
    # (graph_of knows whose parameters they are, not which module ran an op) they stay as is
    for box, inside in list(members.items()):
        if not any(nodes[n].get("kind") in ("op", "module") for n in inside):
            del members[box]
            for n in inside:
                group[n] = n
    h = type(g)()
    h.graph.update(g.graph)
    h._signatures = {}
    counts = param_counts(g)
    types = module_types(g)
    leaving = {u for u, v in g.edges if group[u] != group[v]}  # nodes feeding another group
    for n in order:  # keeps forward order in the new graph, boxes at their first member
        target = group[n]
        if target == n:
            h.add_node(n, **{**nodes[n], "flags": list(nodes[n].get("flags") or [])})
        elif target not in h:
            path = target[2:]
            attrs, signature = _box(g, path, members[path], types, counts, leaving, position)
            h.add_node(target, **attrs)
            h._signatures[target] = signature
    for u, v, data in g.edges(data=True):
        a, b = group[u], group[v]
        if a != b and not h.has_edge(a, b):
            h.add_edge(a, b, **data)
    return h


def _box(
    g: Graph,
    path: str,
    inside: list[Any],
    types: dict[str, str | None],
    counts: dict[str, int],
    leaving: set[Any],
    position: dict[Any, int],
) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """The attributes of the module box for `path`, whose nodes (in forward order) are `inside`,
    and its block signature (what `fold_repeats` compares)."""
    # its output: the last node inside that feeds something outside (else the last op inside)
    nodes = g._node  # networkx's own dict: faster than g.nodes[n] on big graphs
    ends = [n for n in inside if n in leaving]
    ops = [n for n in inside if nodes[n].get("kind") == "op"]
    # prefer what carries gradient over side results (BatchNorm's num_batches_tracked += 1)
    tracked = [n for n in ends or ops if nodes[n].get("tracked")]
    out = max(tracked or ends or ops or inside, key=position.__getitem__)
    out_data = nodes[out]
    in_nodes = sum(nodes[n].get("params") or 0 for n in inside)
    params = counts.get(path, in_nodes)
    flags = [flag for n in inside for flag in (nodes[n].get("flags") or [])]
    calls = [nodes[n]["call"] for n in inside if nodes[n].get("call") is not None]
    known = g._signatures or {}
    signature = tuple(_member_signature(nodes[n], path, known.get(n)) for n in inside)
    module_type = types.get(path)
    attrs = {
        **NODE_DEFAULTS,
        "kind": "module",
        "label": module_type or path.rpartition(".")[2],
        "module": path,
        "module_type": module_type,
        "shape": out_data.get("shape"),
        "dtype": out_data.get("dtype"),
        "device": out_data.get("device"),
        "requires_grad": bool(out_data.get("requires_grad")),
        "tracked": any(nodes[n].get("tracked") for n in inside),
        "value": out_data.get("value"),
        "grad": out_data.get("grad"),
        "dead": out_data.get("dead"),
        "call": min(calls) if calls else None,
        "params": params,
        "flags": flags,
        "repeat": 1,
    }
    return attrs, (module_type, signature)


def _member_signature(data: dict[str, Any], box: str, folded: Any) -> tuple[Any, ...]:
    """What must match for two boxes to count as the same block: per node inside, its
    module relative to the box, its op (or kind) and, for parameters, its shape."""
    relative = owner_module(data)[len(box) :]
    kind = data.get("kind")
    if kind in ("param", "buffer"):
        return (relative, kind, tuple(data.get("shape") or ()))
    if kind == "module":
        return (relative, "module", data.get("module_type"), data.get("repeat"), folded)
    return (relative, data.get("op") or kind)


def fold_repeats(g: Graph) -> Graph:
    """A new graph where back-to-back repeats of the same block of module boxes are one box."""
    known = g._signatures or {}
    ids: dict[Any, int] = {}  # signature -> small int, so comparing blocks is cheap
    sig: dict[Any, int] = {}
    for n, d in g.nodes(data=True):
        if d.get("kind") == "module":
            key = known.get(n) or (d.get("module_type"), d.get("params"), str(d.get("shape")))
            sig[n] = ids.setdefault(key, len(ids))

    runs: dict[Any, tuple[list[Any], int, int]] = {}  # first node -> (nodes, period, times)
    folded: dict[Any, Any] = {}  # node -> the first node of the run it folds into
    for chain in _chains(g, sig):
        codes = [sig[n] for n in chain]
        i = 0
        while i < len(chain):
            period, times = _best_repeat(codes, i)
            if times < 2:
                i += 1
                continue
            run = chain[i : i + period * times]
            runs[run[0]] = (run, period, times)
            for n in run:
                folded[n] = run[0]
            i += period * times

    h = type(g)()
    h.graph.update(g.graph)
    h._signatures = {n: s for n, s in known.items() if n not in folded}
    for first, (run, period, times) in runs.items():
        h._signatures[first] = ("run", tuple(known.get(n) for n in run[:period]), times)
    for n, data in g.nodes(data=True):
        if n in runs:
            h.add_node(n, **_run_node(g, *runs[n]))
        elif n not in folded:
            h.add_node(n, **{**data, "flags": list(data.get("flags") or [])})
    for u, v, data in g.edges(data=True):
        a, b = folded.get(u, u), folded.get(v, v)
        if a != b and not h.has_edge(a, b):
            h.add_edge(a, b, **data)
    return h


def _chains(g: Graph, boxes: dict[Any, int]) -> list[list[Any]]:
    """Maximal chains A -> B -> C of sibling module boxes where each feeds only the next and
    is fed only by the previous one."""
    following: dict[Any, Any] = {}
    for a in boxes:
        feeds = [s for s in g.successors(a) if not _side_output(g, a, s)]
        if len(feeds) != 1:
            continue
        b = feeds[0]
        if b in boxes and g.in_degree(b) == 1:
            path_a, path_b = g.nodes[a].get("module") or "", g.nodes[b].get("module") or ""
            if parent_of(path_a) == parent_of(path_b):
                following[a] = b
    followed = set(following.values())
    chains = []
    for head in boxes:
        if head in followed:
            continue
        chain = [head]
        while chain[-1] in following:
            chain.append(following[chain[-1]])
        if len(chain) >= 2:
            chains.append(chain)
    return chains


def _side_output(g: Graph, box: Any, node: Any) -> bool:
    """An output with no gradient fed by a box whose result has one: a side effect such as
    BatchNorm counting its batches, not a second use of the box's result."""
    data = g.nodes[node]
    return (
        data.get("kind") == "output"
        and not data.get("requires_grad")
        and bool(g.nodes[box].get("requires_grad"))
    )


def _best_repeat(codes: list[int], start: int) -> tuple[int, int]:
    """The block of 1..MAX_PERIOD items at `start` that repeats back to back over the most
    items: (period, times). Each scan stops at the first mismatch, so a whole chain costs
    at most MAX_PERIOD passes over it."""
    best = (1, 1)
    for period in range(1, MAX_PERIOD + 1):
        end = start + period
        if end > len(codes):
            break
        stop = end
        while stop < len(codes) and codes[stop] == codes[stop - period]:
            stop += 1
        times = (stop - start) // period
        if times >= 2 and period * times > best[0] * best[1]:
            best = (period, times)
    return best


def _run_node(g: Graph, run: list[Any], period: int, times: int) -> dict[str, Any]:
    """One box standing for `times` back-to-back repeats of the first `period` boxes of `run`."""
    first, last = g.nodes[run[0]], g.nodes[run[-1]]
    types = [g.nodes[n].get("module_type") or g.nodes[n].get("label") for n in run[:period]]
    block = types[0] if period == 1 else "(" + ", ".join(map(str, types)) + ")"
    return {
        **first,
        "label": f"{block} x{times}",
        "module_type": first.get("module_type") if period == 1 else None,
        "shape": last.get("shape"),
        "dtype": last.get("dtype"),
        "device": last.get("device"),
        "requires_grad": last.get("requires_grad"),
        "value": last.get("value"),
        "grad": last.get("grad"),
        "dead": last.get("dead"),
        "params": sum(g.nodes[n].get("params") or 0 for n in run),
        "flags": [flag for n in run for flag in (g.nodes[n].get("flags") or [])],
        "repeat": times,
    }
