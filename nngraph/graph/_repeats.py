"""Folding runs of repeated blocks of module boxes to one box: `Bottleneck x3`.

`fold_repeats(h)` walks chains of sibling module boxes, each feeding only the next (outputs
nothing uses aside, such as a cache slice) and each fed only by the previous one, by values
the previous one reads too (an attention mask, the encoder output every decoder layer
attends to) and by constants made for it alone (a number a cache makes per layer), and folds
a block of 1 to 4 boxes that repeats back to back (`Linear, ReLU x5000`). Two boxes are the
same block when their ``block`` ids match (a digest of their type, settings and inside, which
`collapse()` writes on every box from `member_signature`, leaving out `input_views`) and they
read constants alike; in a run, each box is also
fed the same shared values as the box one block earlier, and its first box reads, besides
its input, only what the next block reads too.

Folding a run never draws a cycle: each box of a run but the last feeds nothing except the
next box and outputs (which feed nothing), and whatever else a box reads, the box before it
reads too, or is a constant nothing feeds. So all that a run reads from outside lies upstream
of its first box, and a path that leaves the run (from its last box) cannot come back into
it unless the graph had a cycle before folding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import carried, is_reshape, owner_module, parent_of
from nngraph.graph._operands import add_joined_edges

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["MAX_PERIOD", "block_id", "fold_repeats", "input_views", "member_signature"]

#: The longest repeating block `fold_repeats` looks for (in module boxes).
MAX_PERIOD = 4


def block_id(signature: object) -> str:
    """A short, stable text standing for a block signature (kept on boxes as ``block``)."""
    return hashlib.blake2b(repr(signature).encode(), digest_size=8).hexdigest()


def fold_repeats(g: Graph, *, copy: bool = True) -> Graph:
    """A new graph where back-to-back repeats of the same block of module boxes are one box;
    with `copy=False`, `g` itself where none repeats (a graph `collapse` has just made)."""
    ids: dict[Any, int] = {}  # block -> small int, so comparing blocks is cheap
    sig: dict[Any, int] = {}
    for n, d in g.nodes(data=True):
        if d.get("kind") == "module":
            key = d.get("block") or (d.get("module_type"), d.get("params"), str(d.get("shape")))
            sig[n] = ids.setdefault((key, _own_constants(g, n)), len(ids))

    runs: dict[Any, tuple[list[Any], int, int]] = {}  # first node -> (nodes, period, times)
    folded: dict[Any, Any] = {}  # node -> the first node of the run it folds into
    for chain, shared in _chains(g, sig):
        codes = [sig[n] for n in chain]
        wiring = _Wiring(g, chain, shared)
        i = 0
        while i < len(chain):
            period, times = _best_repeat(codes, i, wiring.matches)
            if times < 2:
                i += 1
                continue
            shift = _layer_first(g, chain, codes, i, (period, times), wiring.matches)
            if shift:  # the boxes before it stay as they are
                i += shift
                continue
            run = chain[i : i + period * times]
            runs[run[0]] = (run, period, times)
            for n in run:
                folded[n] = run[0]
            i += period * times

    if not runs and not copy:
        return g
    h = type(g)()
    h.graph.update(g.graph)
    for n, data in g.nodes(data=True):
        if n in runs:
            h.add_node(n, **_run_node(g, *runs[n]))
        elif n not in folded:
            h.add_node(n, **{**data, "flags": list(data.get("flags") or [])})
    add_joined_edges(g, h, lambda n: folded.get(n, n))
    if g._where is not None:
        h._source = g._source
        h._where = {n: folded.get(box, box) for n, box in g._where.items()}
    return h


def _chains(g: Graph, boxes: dict[Any, int]) -> list[tuple[list[Any], list[frozenset[Any]]]]:
    """Maximal chains A -> B -> C of sibling module boxes where each feeds only the next and
    is fed only as `_fed_only_by` allows, each with the shared values every link adds
    (B's, C's, ...)."""
    following: dict[Any, tuple[Any, frozenset[Any]]] = {}
    unused = set(g.graph.get("unused") or ())
    for a in boxes:
        feeds = [s for s in g.successors(a) if not _side_output(g, a, s, unused)]
        if len(feeds) != 1:
            continue
        b = feeds[0]
        if b not in boxes:
            continue
        shared = _fed_only_by(g, b, a)
        if shared is not None:
            path_a, path_b = g.nodes[a].get("module") or "", g.nodes[b].get("module") or ""
            if parent_of(path_a) == parent_of(path_b):
                following[a] = (b, shared)
    followed = {b for b, _ in following.values()}
    chains = []
    for head in boxes:
        if head in followed:
            continue
        chain, links = [head], []
        while chain[-1] in following:
            b, shared = following[chain[-1]]
            chain.append(b)
            links.append(shared)
        if len(chain) >= 2:
            chains.append((chain, links))
    return chains


def _fed_only_by(g: Graph, b: Any, a: Any) -> frozenset[Any] | None:
    """The values besides `a` that box `b` reads, where it reads only what box `a` computed,
    values `a` reads too (an attention mask, the encoder output that every decoder layer
    attends to: upstream of both) and constants made for `b` alone; None where it reads
    anything else, such as a value `a` does not read."""
    before = set(g.predecessors(a))
    shared = []
    for p in g.predecessors(b):
        if p in before:
            shared.append(p)
        elif p != a and not _own_constant(g, p, b):
            return None
    return frozenset(shared)


def _own_constant(g: Graph, node: Any, box: Any) -> bool:
    """Whether `node` is a constant made from nothing, without a gradient, that only `box`
    reads: a number such as a cache's window size, made anew for every layer."""
    data = g.nodes[node]
    return (
        data.get("kind") == "constant"
        and not data.get("requires_grad")
        and not g._pred[node]
        and list(g._succ[node]) == [box]
    )


def _own_constants(g: Graph, box: Any) -> tuple[Any, ...]:
    """What tells the constants made for `box` alone apart (see `_own_constant`): boxes
    that fold must read the same ones."""
    own = [g.nodes[p] for p in g.predecessors(box) if _own_constant(g, p, box)]
    return tuple(
        sorted(repr((d.get("op"), d.get("args"), d.get("shape"), d.get("dtype"))) for d in own)
    )


def _side_output(g: Graph, box: Any, node: Any, unused: set[Any]) -> bool:
    """An output of the box that feeds nothing and that nothing uses, not a second use of the
    box's result: one in `unused` (``g.graph["unused"]``: a cache slice a layer returns on
    the side), or one without a gradient where the box's result has one (BatchNorm counting
    its batches)."""
    data = g.nodes[node]
    if data.get("kind") != "output" or g._succ[node]:
        return False
    if node in unused:
        return True
    return not data.get("requires_grad") and bool(g.nodes[box].get("requires_grad"))


class _Wiring:
    """What a chain's boxes read from outside it: whether a box fits in a run as the box one
    block earlier did (see `matches`)."""

    def __init__(self, g: Graph, chain: list[Any], shared: list[frozenset[Any]]) -> None:
        self.g, self.chain = g, chain
        self.shared: list[frozenset[Any]] = [frozenset(), *shared]  # the head's is unknown

    def matches(self, start: int, k: int, period: int) -> bool:
        """Whether box `k` of the chain is fed as box `k - period` is, in a run from box
        `start`: by the same shared values, where both are inside the run; the run's first
        box, fed from outside it, must read nothing besides its input that the next block
        does not read too (a value only it is given is a difference, not a repeat)."""
        if k - period > start:
            return self.shared[k] == self.shared[k - period]
        g, first = self.g, self.chain[start]
        reads = {p for p in g.predecessors(first) if not _own_constant(g, p, first)}
        return len(reads - self.shared[k]) <= 1


def _layer_first(
    g: Graph,
    chain: list[Any],
    codes: list[int],
    start: int,
    found: tuple[int, int],
    fits: Callable[[int, int, int], bool],
) -> int:
    """How many boxes after `start` the run `found` (period, times) should begin so that its
    block starts at a layer with parameters, as people write blocks: a VGG stage after its first
    conv is (Conv2d, ReLU) x2, not (ReLU, Conv2d) x2 (both fold four boxes). 0 when the box
    at `start` has parameters, or no later start folds as many.

        >>> from nngraph.graph import Graph
        >>> g = Graph()  # ReLU, Linear, ReLU, Linear, ReLU
        >>> g.add_nodes_from((n, {"params": 9 * (n % 2)}) for n in range(5))
        >>> _layer_first(g, [0, 1, 2, 3, 4], [0, 1, 0, 1, 0], 0, (2, 2), lambda *_: True)
        1
    """
    if g.nodes[chain[start]].get("params"):
        return 0
    period, _ = found
    for shift in range(1, period):
        later = start + shift
        if g.nodes[chain[later]].get("params") and _best_repeat(codes, later, fits) == found:
            return shift
    return 0


def _best_repeat(
    codes: list[int], start: int, fits: Callable[[int, int, int], bool]
) -> tuple[int, int]:
    """The block of 1..MAX_PERIOD items at `start` that repeats back to back over the most
    items: (period, times). An item matches the one a block earlier where their codes match
    and `fits(start, item, period)`. Each scan stops at the first mismatch, so a whole chain
    costs at most MAX_PERIOD passes over it."""
    best = (1, 1)
    for period in range(1, MAX_PERIOD + 1):
        end = start + period
        if end > len(codes):
            break
        stop = end
        while (
            stop < len(codes) and codes[stop] == codes[stop - period] and fits(start, stop, period)
        ):
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
        "flags": carried([flag for n in run for flag in (g.nodes[n].get("flags") or [])], run[0]),
        "repeat": times,
        "block": block_id(("run", [g.nodes[n].get("block") for n in run[:period]], times)),
    }


def input_views(g: Graph, inside: list[Any]) -> tuple[set[Any], set[Any]]:
    """The nodes of a box that only reshape what comes into it, or copy such a reshape (the
    `contiguous()` after a transposed input, a view of that): the first reshapes of the input,
    and the rest. PyTorch records no view of a tensor that needs no gradient, so the first of
    three identical layers fed the raw input has fewer such nodes than the others, and reads
    its input through other ones. So the rest is left out of a box's signature, and so is
    which node reads which of them; the first reshapes stay, as nodes: a block that transposes
    its input is not one that does not."""
    members, first, rest = set(inside), set(), set()
    for n in inside:  # in forward order: a view of a view comes after it
        data = g._node[n]
        reshapes = is_reshape(data)
        preds = g._pred[n]
        if reshapes and all(p not in members for p in preds):
            first.add(n)
        elif reshapes and all(p in first or p in rest or p not in members for p in preds):
            rest.add(n)
    return first, rest


def member_signature(data: dict[str, Any], box: str, configs: dict[str, Any]) -> tuple[Any, ...]:
    """What must match for two boxes to count as the same block, per node inside: its
    module relative to the box and that module's settings (``extra_repr``: a Dropout's `p`,
    a convolution's stride), its op, its scalar arguments where the node records them
    (``args``: `F.dropout`'s `p` given in `forward`) and output shape; for parameters, kind
    and shape."""
    module = owner_module(data)
    relative = module[len(box) :]
    kind = data.get("kind")
    if kind in ("param", "buffer"):
        return (relative, kind, data.get("shape"))
    if kind == "module":
        return (
            relative,
            "module",
            data.get("block") or data.get("module_type"),
            data.get("repeat"),
        )
    op = data.get("op") or kind
    return (relative, configs.get(module), op, data.get("args"), data.get("shape"))
