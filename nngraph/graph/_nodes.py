"""Shared helpers: schema defaults, forward/backward order, module paths."""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

import networkx as nx

__all__ = [
    "INDEXING",
    "NODE_DEFAULTS",
    "ancestors_of",
    "as_written",
    "backward_order",
    "carried",
    "count_text",
    "counted",
    "first_read",
    "folded_from",
    "forward_order",
    "is_integer",
    "is_reshape",
    "module_types",
    "numel",
    "owner_module",
    "parent_of",
    "read_by_embedding",
    "renamed_lists",
    "weight_ops",
    "with_ancestors",
]

#: Every node attribute of docs/schema.md with the value it has where it does not apply.
NODE_DEFAULTS: dict[str, Any] = {
    "kind": "op",
    "label": "",
    "op": None,
    "backward": None,
    "tracked": False,
    "module": "",
    "module_type": None,
    "name": None,
    "shape": None,
    "dtype": None,
    "device": None,
    "requires_grad": False,
    "value": None,
    "grad": None,
    "seq": None,
    "backward_order": None,
    "call": None,
    "dead": None,
    "args": None,
    "grad_accumulated": False,
    "params": 0,
    "flags": [],
    "repeat": 1,
}


def carried(flags: list[dict[str, Any]], box: Any) -> list[dict[str, Any]]:
    """`flags` of nodes folded into `box`, each finding now naming the box as its `node`."""
    return [{**flag, "node": box} if "node" in flag else flag for flag in flags]


def count_text(n: int) -> str:
    """A whole number with its digits grouped as the current language writes them:
    `25,557,032` in English, `25 557 032` in Polish (a comma there would read as a decimal
    point; the space is a no-break space, so a number never wraps).

    >>> count_text(25557032)
    '25,557,032'
    """
    from nngraph.i18n import get_language

    text = f"{int(n):,}"
    return text.replace(",", "\u00a0") if get_language() == "pl" else text


def counted(noun: str, n: int) -> str:
    """`n` and `noun` (`nodes`, `ops`, `params`) in the form the count needs: "1 node",
    "6 nodes", Polish "5 węzłów" ("few" is Polish 2-4, not 12-14).

    >>> counted("nodes", 1), counted("ops", 1234)
    ('1 node', '1,234 ops')
    """
    from nngraph.i18n import plural_message

    return plural_message(f"graph.view.{noun}", n, n=count_text(n))


def folded_from(g: Any) -> tuple[Any, dict[Any, Any]] | None:
    """The graph `g` was folded from by `collapse` and where each of its nodes went in `g`;
    None where no `collapse` made `g`, or where its ids were renamed or nodes added since
    (`networkx.relabel_nodes(g, ..., copy=False)`): then those places cannot be trusted.
    A box removed since (`g.remove_node`) just holds nothing any more.

    >>> import networkx as nx, torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    >>> h = ng.trace(model, torch.randn(1, 2)).collapse(0)
    >>> folded_from(h) is not None
    True
    >>> _ = nx.relabel_nodes(h, {"m:0": "layer"}, copy=False)
    >>> folded_from(h) is None
    True
    """
    source, where = g._source, g._where
    if source is None or where is None:
        return None
    made = set(where.values())
    if any(n not in made for n in g):
        return None
    return source, where


def renamed_lists(g: nx.DiGraph) -> list[str]:
    """The lists of node ids in `g.graph` that `summary()` and `to_dot()` read (`unused`, the
    results nothing used; `cut_inputs`; `inputs`, where their order matters) and that name
    nodes `g` no longer has because its nodes were renamed (`networkx.relabel_nodes` renames
    the nodes, not these lists). Told by `g.graph["outputs"]`, which names every output node
    capture makes: renamed, some output is not in it. An id left by a node removed since
    (`g.remove_node`) names no other node: such lists are not counted, their ids are ignored.

    >>> import networkx as nx
    >>> from nngraph.graph import Graph
    >>> g = Graph(outputs=["n1", "n2"], unused=["n2"])
    >>> g.add_nodes_from([("n0", {"kind": "op"}), ("n1", {"kind": "output"})])
    >>> g.add_node("n2", kind="output")
    >>> renamed_lists(g), renamed_lists(nx.relabel_nodes(g, {"n1": "a", "n2": "b"}))
    ([], ['unused'])
    """
    outputs = g.graph.get("outputs")
    if not isinstance(outputs, list | tuple):
        return []
    named = {n for n in outputs if isinstance(n, Hashable)}
    if all(n in named for n, kind in g.nodes(data="kind") if kind == "output"):
        return []
    stale = []
    for key in ("unused", "cut_inputs", "inputs"):
        listed = g.graph.get(key)
        if not isinstance(listed, list | tuple) or (key == "inputs" and len(listed) < 2):
            continue  # the order of one input is no order
        if any(n not in g for n in listed):  # networkx answers False for an unhashable id
            stale.append(key)
    return stale


def numel(shape: list[int] | None) -> int:
    """Number of elements of a tensor of this shape (0 when unknown)."""
    return math.prod(shape) if shape is not None else 0


def parent_of(path: str) -> str | None:
    """The parent module path: `"layer1.0"` -> `"layer1"`, `"fc"` -> `""`, `""` -> None."""
    if path == "":
        return None
    return path.rpartition(".")[0]


def ancestors_of(path: str) -> Iterator[str]:
    """`path` and every module above it, ending with the root `""`."""
    while True:
        yield path
        if path == "":
            return
        path = path.rpartition(".")[0]


def with_ancestors(paths: Iterable[str]) -> set[str]:
    """`paths` and every module path above them, the root's `""` included (none if no path).

    A path's parents are added until one already there: each path is cut once, so a model
    nested 2,000 deep takes as long as 2,000 modules side by side, not the cube of its depth.

    >>> sorted(with_ancestors(["enc.0.fc", "enc.1"]))
    ['', 'enc', 'enc.0', 'enc.0.fc', 'enc.1']
    """
    needed: set[str] = set()
    for path in paths:
        while path not in needed:
            needed.add(path)
            if not path:
                break
            path = path.rpartition(".")[0]
    return needed


def owner_module(data: dict[str, Any]) -> str:
    """The module a node belongs to; a parameter without a `module` is placed by its `name`."""
    module = data.get("module") or ""
    if not module and data.get("kind") in ("param", "buffer") and data.get("name"):
        module = as_written(str(data["name"])).rpartition(".")[0]
    return module


def as_written(name: str) -> str:
    """A parameter's name as the user wrote the model: without the `_orig_mod` level that
    `torch.compile` adds to `named_parameters()`.

    >>> as_written("_orig_mod.0.weight"), as_written("enc._orig_mod.fc.bias"), as_written("w")
    ('0.weight', 'enc.fc.bias', 'w')
    """
    if "_orig_mod" not in name:
        return name
    return ".".join(part for part in name.split(".") if part != "_orig_mod")


def module_types(g: nx.DiGraph) -> dict[str, str | None]:
    """Module path -> class name, from `g.graph["modules"]` and the nodes' `module_type`."""
    types: dict[str, str | None] = {}
    for _, data in g.nodes(data=True):
        path = data.get("module") or ""
        if data.get("kind") != "module" and path and data.get("module_type"):
            types.setdefault(path, data["module_type"])
    for path, info in (g.graph.get("modules") or {}).items():
        if info.get("type"):
            types[path] = info["type"]
    return types


def _base_key(data: dict[str, Any], first_call_seq: int | None) -> tuple[Any, ...]:
    call, seq = data.get("call"), data.get("seq")
    if call is None and seq is not None and first_call_seq is not None and seq < first_call_seq:
        return (0, 0, False, seq)  # made before the recording's first call
    return (
        2 if call is None else 1,
        call if call is not None else 0,
        seq is None,
        seq if seq is not None else 0,
    )


def _order_keys(g: nx.DiGraph) -> dict[Any, tuple[Any, ...]]:
    """Sort key per node: `call`, then `seq`, then the node's place in `g`, not its id: capture
    adds nodes in the order it finds them, and `copy()`, JSON and `networkx.relabel_nodes`
    keep that order, while renamed ids (`convert_node_labels_to_integers`) would sort "10"
    before "9" and fold two identical blocks apart. Ops made before the first recorded call
    (the history of an input, such as `G(z)` given to `trace(D, ...)`) come first, ops of no
    call made after it (a `create_graph=True` backward) last. A data node with neither `call`
    nor `seq` (a parameter, an input, also a leaf a recorded op made: `X.clone()
    .requires_grad_()`) takes the key of its first consumer, so it is placed just before that
    op."""
    nodes, succ = g._node, g._succ  # networkx's own dicts: fast
    call_seqs = [
        d["seq"] for d in nodes.values() if d.get("call") is not None and d.get("seq") is not None
    ]
    first_call_seq = min(call_seqs, default=None)
    base = {n: _base_key(data, first_call_seq) for n, data in nodes.items()}
    keys = {}
    for place, (n, data) in enumerate(nodes.items()):
        if data.get("call") is None and data.get("seq") is None and succ[n]:
            keys[n] = (min(base[s] for s in succ[n]), 0, place)
        else:
            keys[n] = (base[n], 1, place)
    return keys


def forward_order(g: nx.DiGraph) -> list[Any]:
    """Nodes in the order the forward pass made them: topological, ties broken by
    `call`, then autograd `seq`, then the order of the nodes in `g`.

        >>> from nngraph.graph import Graph
        >>> forward_order(Graph([("n1", "n0")]))
        ['n1', 'n0']
    """
    # Kahn's algorithm with a heap of ready nodes; g._node/_pred/_succ are networkx's own
    # dicts, many times faster than the g.nodes[n] views on graphs of 100k nodes
    nodes, pred, succ = g._node, g._pred, g._succ
    key = _order_keys(g)
    waiting = {n: len(pred[n]) for n in nodes}
    ready = [(key[n], n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, n = heapq.heappop(ready)
        order.append(n)
        for s in succ[n]:
            waiting[s] -= 1
            if waiting[s] == 0:
                heapq.heappush(ready, (key[s], s))
    if len(order) < len(nodes):  # a cycle (not an autograd graph): the rest by tie-breakers
        placed = set(order)
        order += sorted((n for n in nodes if n not in placed), key=key.__getitem__)
    return order


def first_read(g: nx.DiGraph, n: Any, position: dict[Any, int]) -> int:
    """The forward `position` of the first op that reads `n` (its own position if none does).

    >>> from nngraph.graph import Graph
    >>> g = Graph([("w", "b"), ("w", "a")])
    >>> first_read(g, "w", {"w": 0, "a": 1, "b": 2}), first_read(g, "a", {"a": 1})
    (1, 1)
    """
    return min((position[s] for s in g._succ[n]), default=position[n])


def backward_order(g: nx.DiGraph) -> list[Any]:
    """Nodes in the order the backward pass reached them: by `backward_order` where recorded,
    then the rest in reverse forward order. After several backward passes (a training loop)
    a leaf's `backward_order` is that of the first pass, but its `grad` that of the last: it
    ranks just after the last op that reads it, where that gradient was made.

        >>> from nngraph.graph import Graph
        >>> g = Graph(backward_passes=2)
        >>> g.add_node("w", backward_order=1)
        >>> g.add_node("a", backward_order=0)
        >>> g.add_node("b", backward_order=5)
        >>> g.add_edges_from([("w", "a"), ("w", "b")])
        >>> backward_order(g)
        ['a', 'b', 'w']
    """
    nodes = g._node
    rank: dict[Any, float] = {
        n: d["backward_order"] for n, d in nodes.items() if d.get("backward_order") is not None
    }
    passes = g.graph.get("backward_passes")
    if isinstance(passes, int) and passes > 1:
        for n in list(rank):
            readers = [rank[s] for s in g._succ[n] if s in rank]
            if not g._pred[n] and readers:  # a leaf
                rank[n] = max(readers) + 0.5
    recorded = sorted(rank, key=rank.__getitem__)
    rest = [n for n in reversed(forward_order(g)) if n not in rank]
    return recorded + rest


def weight_ops(g: nx.DiGraph, weight: Any) -> set[Any]:
    """The ops that read a weight, and the ops after them: a Linear's weight goes through `t`
    before the op that multiplies by it.

        >>> from nngraph.graph import Graph
        >>> sorted(weight_ops(Graph([("w", "t"), ("t", "addmm"), ("addmm", "relu")]), "w"))
        ['addmm', 't']
    """
    ops = set(g._succ[weight])
    ops.update(*(g._succ[op] for op in list(ops)))
    return ops


#: Reshapes that only look at their input's memory another way, or copy it as it is (the
#: `contiguous()` after a transpose), by autograd node or, for a tensor without gradient (no
#: node), by op
_VIEW_NODES = frozenset(
    {
        "ViewBackward0", "UnsafeViewBackward0", "TransposeBackward0", "TransposeBackward1",
        "PermuteBackward0", "TBackward0", "UnsqueezeBackward0", "SqueezeBackward0",
        "SqueezeBackward1", "SqueezeBackward2", "ExpandBackward0", "AliasBackward0",
        "CloneBackward0",
    }
)  # fmt: skip
_VIEW_OPS = frozenset(
    {
        "view", "reshape", "transpose", "permute", "t", "unsqueeze", "squeeze", "flatten",
        "expand", "clone", "contiguous",
    }
)  # fmt: skip


def is_reshape(data: dict[str, Any]) -> bool:
    """Whether a node only reshapes what it reads (or copies it as it is): a Linear's weight
    goes through `t` before the product.

    >>> is_reshape({"backward": "TBackward0"}), is_reshape({"backward": None, "op": "relu"})
    (True, False)
    """
    backward = data.get("backward")
    return backward in _VIEW_NODES or (backward is None and data.get("op") in _VIEW_OPS)


def read_by_embedding(g: nx.DiGraph, n: Any) -> bool:
    """Whether an embedding lookup reads the weight: no layer, whose output or gradient could
    say something of depth (its gradient touches only the rows the batch used). By op or
    autograd node (`graph_of` knows no module types), or an index written by hand: `C[X]`
    with integer ids, as Karpathy's makemore looks up its characters."""
    for s in g._succ[n]:
        data = g._node[s]
        if "embedding" in str(data.get("op") or data.get("backward") or "").lower():
            return True
        if data.get("op") in INDEXING and any(
            p != n and is_integer(g._node[p]) for p in g._pred[s]
        ):
            return True
    return False


#: Ops that pick elements of a tensor by the indices another one holds.
INDEXING = frozenset({"getitem", "index", "index_select", "take", "gather"})


def is_integer(data: dict[str, Any]) -> bool:
    """Whether a node holds integers or booleans (ids, indices, masks), not values.

    >>> is_integer({"dtype": "int64"}), is_integer({"dtype": "bool"}), is_integer({"dtype": "float32"})
    (True, True, False)
    """
    dtype = str(data.get("dtype") or "")
    return "int" in dtype or dtype == "bool"
