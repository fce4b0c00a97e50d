"""Folding a graph to module boxes, and runs of repeated blocks to one box `xN`.

`collapse(g, depth)` maps every node to a *group*: itself, or the module box it folds into.
Where folding a module would draw a cycle (a module called twice with its parent's ops in
between, or a `ModuleList` whose children the parent joins: `x = x + layer(x)`), that box is
opened one level further, then split per stretch of consecutive calls, until the boxes form
a DAG again. `fold_repeats(h)` then walks chains of sibling module boxes (each feeding only
the next) and folds a block of 1 to 4 boxes that repeats back to back (`Bottleneck x3`,
`Linear, ReLU x5000`), see _repeats.py. Both are linear in the size of the graph when no
box is tangled.
"""

from __future__ import annotations

import bisect
import numbers
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._module_order import module_paths
from nngraph.graph._nodes import (
    NODE_DEFAULTS,
    ancestors_of,
    carried,
    forward_order,
    module_types,
    numel,
    owner_module,
)
from nngraph.graph._operands import add_joined_edges, inputs_in_order
from nngraph.graph._repeats import block_id, input_views, member_signature

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["collapse", "param_counts"]

#: in a block's signature, the place of an input from outside the box (or through one of the
#: reshapes of its input that `input_views` leaves out)
_OUTSIDE = -1


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


def collapse(g: Graph, depth: int) -> Graph:
    """A new graph with every module `depth + 1` levels below the root folded to one box."""
    if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 0:
        from nngraph.errors import NNGraphError
        from nngraph.i18n import message

        raise NNGraphError(message("graph.error.depth", depth=depth))
    return Folding(g).collapse(depth)


class Folding:
    """What collapsing `g` takes at any depth, worked out once: the forward order, the
    parameter counts, types and settings of its modules. A picture that tries one depth after
    another (a model nested 500 deep: 500 of them) uses one; `g` must not change meanwhile.

        >>> import torch, nngraph as ng
        >>> g = ng.trace(torch.nn.Sequential(torch.nn.Linear(2, 2)), torch.randn(1, 2))
        >>> folding = Folding(g)
        >>> [folding.collapse(d).number_of_nodes() for d in (0, 1)]
        [3, 6]
    """

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.order = forward_order(g)
        self.position = {n: i for i, n in enumerate(self.order)}
        self.counts = param_counts(g)
        self.types = module_types(g)
        modules = g.graph.get("modules") or {}
        self.configs = {p: _identity(info) for p, info in modules.items()}
        self.paths = sorted(modules)  # for `_modules_below`
        self._in_order: dict[str, Any] | None = None  # `modules` in forward order

    def collapse(self, depth: int) -> Graph:
        """`g` with every module `depth + 1` levels below the root folded to one box."""
        g, order, position = self.g, self.order, self.position
        boxes: dict[str, str] = {}  # box id -> module path
        group = _first_groups(g, order, depth, boxes)
        while True:
            h = _fold(self, group, boxes)
            tangled = _boxes_on_cycles(h, boxes)
            if not tangled:
                break
            inside: dict[Any, list[Any]] = {box: [] for box in tangled}
            for n in order:  # each tangled box's nodes, in forward order, in one pass
                if group[n] in inside:
                    inside[group[n]].append(n)
            # split the boxes that make a cycle on their own; only if none does, all on cycles
            loops = [b for b in tangled if _makes_a_cycle(g, position, group, b, inside[b])]
            for box in loops or tangled:
                _untangle(g, order, position, group, boxes, box, inside[box])
        h._source, h._where = g, group
        modules = g.graph.get("modules")
        if modules:  # kept in forward order: a copy or the JSON of `h` lists them so
            if self._in_order is None:
                paths = module_paths(g, order)
                self._in_order = {p: modules[p] for p in paths if p in modules}
            h.graph["modules"] = dict(self._in_order)
        return h


def _box_of(module: str, depth: int) -> str | None:
    """The module path a node in `module` folds into, or None to keep it as it is."""
    if module == "":
        return None
    parts = module.split(".")
    return ".".join(parts[: depth + 1]) if len(parts) > depth else None


def _first_groups(g: Graph, order: list[Any], depth: int, boxes: dict[str, str]) -> dict[Any, Any]:
    """Node -> itself or the id of the box of its module `depth + 1` levels down."""
    nodes = g._node  # networkx's own dict: faster than g.nodes[n] on big graphs
    group: dict[Any, Any] = {}
    members: dict[str, list[Any]] = {}
    for n in order:
        path = _box_of(owner_module(nodes[n]), depth)
        if path is None:
            group[n] = n
        else:
            group[n] = "m:" + path
            members.setdefault(path, []).append(n)
    for path, inside in members.items():
        # a box must stand for computation: where a module has only parameters in this graph
        # (graph_of knows whose parameters they are, not which module ran an op) they stay
        if any(nodes[n].get("kind") in ("op", "module") for n in inside):
            boxes["m:" + path] = path
        else:
            for n in inside:
                group[n] = n
    return group


def _boxes_on_cycles(h: Graph, boxes: dict[str, str]) -> set[str]:
    """The boxes of `h` that lie on a cycle (none when `h` is a DAG, the usual case)."""
    if nx.is_directed_acyclic_graph(h):
        return set()
    return {
        n
        for part in nx.strongly_connected_components(h)
        if len(part) > 1
        for n in part
        if n in boxes
    }


def _makes_a_cycle(
    g: Graph, position: dict[Any, int], group: dict[Any, Any], box: str, inside: list[Any]
) -> bool:
    """Whether folding `box` (its nodes: `inside`) alone draws a cycle: a path leaves it and
    comes back. Such a path runs before its last node in forward order: the search stops there."""
    last = position[inside[-1]]
    succ = g._succ
    todo = [s for n in inside for s in succ[n] if group[s] != box and position[s] < last]
    seen = set(todo)
    while todo:
        for s in succ[todo.pop()]:
            if group[s] == box:
                return True
            if s not in seen and position[s] < last:
                seen.add(s)
                todo.append(s)
    return False


def _untangle(
    g: Graph,
    order: list[Any],
    position: dict[Any, int],
    group: dict[Any, Any],
    boxes: dict[str, str],
    box: str,
    inside: list[Any],
) -> None:
    """Split `box` (its nodes: `inside`), which lies on a cycle. Where each of its children
    runs in one stretch of consecutive calls (a ModuleList whose layers the parent joins), it
    opens into its children; else a module called several times gets a box per stretch; a box
    that is one stretch of one child goes back to its nodes."""
    path = boxes[box]
    stretches = _stretches(g, order, position, group, box, inside)
    child = {n: _child_of(owner_module(g._node[n]), path) for n in inside}
    runs_in: dict[str, set[int]] = {}
    for k, stretch in enumerate(stretches):
        for n in stretch:
            runs_in.setdefault(child[n], set()).add(k)
    children_apart = all(len(ks) == 1 for c, ks in runs_in.items() if c != path)
    if len(runs_in) > 1 and (children_apart or len(stretches) == 1):
        keys = {c: box if c == path else _new_box(c, boxes) for c in runs_in}
        for n in inside:
            group[n] = keys[child[n]]
    elif len(stretches) > 1:
        for k, stretch in enumerate(stretches):
            key = box if k == 0 else _new_box(path, boxes)
            for n in stretch:
                group[n] = key
    else:
        for n in inside:
            group[n] = n


def _child_of(module: str, path: str) -> str:
    """The child of `path` that `module` lies in (`path` itself for its own nodes)."""
    if module == path:
        return path
    rest = module[len(path) + 1 :]
    return f"{path}.{rest.split('.')[0]}"


def _new_box(path: str, boxes: dict[str, str]) -> str:
    """A fresh box id for module `path`: `m:path`, else `m:path#2`, `m:path#3`, ..."""
    key, k = "m:" + path, 2
    while key in boxes:
        key, k = f"m:{path}#{k}", k + 1
    boxes[key] = path
    return key


def _stretches(
    g: Graph,
    order: list[Any],
    position: dict[Any, int],
    group: dict[Any, Any],
    box: str,
    inside: list[Any],
) -> list[list[Any]]:
    """The nodes of `box` cut where a node outside it runs in between (forward order).
    Sources (parameters, inputs) go with the stretch of their first user inside the box."""
    pred, succ = g._pred, g._succ
    stretches: list[list[Any]] = []
    sources: list[Any] = []
    outside_since_last = True
    for n in order[position[inside[0]] : position[inside[-1]] + 1]:
        if group[n] != box:
            if pred[n] and stretches:
                outside_since_last = True
            continue
        if not pred[n]:
            sources.append(n)
            continue
        if outside_since_last:
            stretches.append([])
            outside_since_last = False
        stretches[-1].append(n)
    if not stretches:
        return [sources]
    where = {n: k for k, stretch in enumerate(stretches) for n in stretch}
    for n in sources:
        users = [where[s] for s in succ[n] if s in where]
        stretches[min(users, default=0)].append(n)
    return stretches


def _fold(folding: Folding, group: dict[Any, Any], boxes: dict[str, str]) -> Graph:
    """The graph with each box's nodes drawn as one node. A module split into several boxes
    (one per call) counts its parameters in the first one only."""
    g, order, position = folding.g, folding.order, folding.position
    counts, types, configs = folding.counts, folding.types, folding.configs
    nodes = g._node
    members: dict[str, list[Any]] = {}
    for n in order:
        if group[n] != n:
            members.setdefault(group[n], []).append(n)
    h = type(g)()
    h.graph.update(g.graph)
    below = _modules_below(g, folding.paths, set(boxes.values()))
    leaving = {u for u, v in g.edges if group[u] != group[v]}  # nodes feeding another group
    claimed: set[str] = set()  # module paths whose parameters a box already counts
    for n in order:  # keeps forward order in the new graph, boxes at their first member
        target = group[n]
        if target == n:
            h.add_node(n, **{**nodes[n], "flags": list(nodes[n].get("flags") or [])})
        elif target not in h:
            path = boxes[target]
            inside, under = members[target], below.get(path, [])
            attrs = _box(g, path, inside, under, types, counts, configs, leaving, position)
            attrs["flags"] = carried(attrs["flags"], target)
            if path in claimed:
                attrs["params"] = 0
            claimed.add(path)
            h.add_node(target, **attrs)
    add_joined_edges(g, h, group.__getitem__)
    return h


def _identity(info: dict[str, Any]) -> tuple[Any, ...]:
    """What a module's table entry adds to a block's identity: its settings, whether it is in
    training mode (Dropout, BatchNorm), whether the model registers it (a layer kept in a plain
    list is not one in a ModuleList) and how many parameters it holds, also ones its forward
    does not use (a spare head), each counted where it is used (tied weights too)."""
    size = int(info.get("params") or 0) + int(info.get("shared") or 0)
    return (info.get("config"), info.get("training"), info.get("registered", True), size)


def _modules_below(
    g: Graph, paths: list[str], boxes: Iterable[str]
) -> dict[str, list[tuple[Any, ...]]]:
    """Box path -> (path, type, settings, training flag) of every module below it in the
    module table, run or not: an eval-mode Dropout leaves no node, yet its `p` tells two
    blocks apart. Only for `boxes`, each found by binary search in `paths`, the table's
    paths sorted: those below `a.b` run from `a.b.` up to `a.b/` (`/` follows `.`), so a model
    nested 500 deep is not walked from every module up to the root."""
    table = g.graph.get("modules") or {}
    below: dict[str, list[tuple[Any, ...]]] = {}
    for box in boxes:
        if box:
            inside = paths[
                bisect.bisect_left(paths, box + ".") : bisect.bisect_left(paths, box + "/")
            ]
        else:  # the root's: every other module
            inside = [p for p in paths if p]
        below[box] = [
            (p, table[p].get("type"), table[p].get("config"), table[p].get("training"))
            for p in inside
        ]
    return below


def _goes_on(g: Graph, n: Any, inside: set[Any]) -> bool:
    """Whether node `n`, outside a box, computes on (is no output node nor inside it)."""
    return n not in inside and g._node[n].get("kind") != "output"


def _box(
    g: Graph,
    path: str,
    inside: list[Any],
    under: list[tuple[Any, ...]],
    types: dict[str, str | None],
    counts: dict[str, int],
    configs: dict[str, Any],
    leaving: set[Any],
    position: dict[Any, int],
) -> dict[str, Any]:
    """The attributes of a box for module `path` whose nodes (in forward order) are `inside`
    and whose submodules are `under` (see `_modules_below`), with its ``block``: what
    `fold_repeats` compares."""
    # its output: the last node inside that feeds something outside (else the last op inside)
    nodes = g._node
    ends = [n for n in inside if n in leaving]
    ops = [n for n in inside if nodes[n].get("kind") == "op"]
    # prefer what the model goes on with over a result only returned (an RNN's final state,
    # made last, that `out, _ = self.rnn(x)` drops), and what carries gradient over side
    # results (BatchNorm's num_batches_tracked += 1)
    members = set(inside)
    used = [n for n in ends if any(_goes_on(g, s, members) for s in g._succ[n])]
    tracked = [n for n in used or ends or ops if nodes[n].get("tracked")]
    out = max(tracked or used or ends or ops or inside, key=position.__getitem__)
    out_data = nodes[out]
    in_nodes = sum(nodes[n].get("params") or 0 for n in inside)
    calls = [nodes[n]["call"] for n in inside if nodes[n].get("call") is not None]
    module_type = types.get(path)
    first, rest = input_views(g, inside)
    kept = [n for n in inside if n not in rest]
    index = {n: i for i, n in enumerate(kept) if n not in first}
    # A call that made several nodes (`F.multi_head_attention_forward`) links an input that
    # needs no gradient (the raw batch) to its last node, whichever of them reads it: only a
    # node that is its call's one node keeps the place of what it reads from outside.
    several = {call for call, count in Counter(calls).items() if count > 1}
    inner = [
        (
            *member_signature(nodes[n], path, configs),
            tuple(
                index.get(p, _OUTSIDE)
                for p in inputs_in_order(g, n)
                if p in index or nodes[n].get("call") not in several
            ),
        )
        for n in kept
    ]  # with which node inside feeds which, and where one from outside: `a - b` is not `b - a`
    modules = sorted(((p[len(path) :], *info) for p, *info in under), key=lambda m: m[0])
    return {
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
        "params": counts.get(path, in_nodes),
        "flags": [flag for n in inside for flag in (nodes[n].get("flags") or [])],
        "repeat": 1,
        "block": block_id((module_type, configs.get(path), inner, modules)),
    }
