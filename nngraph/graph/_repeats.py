"""Folding runs of repeated blocks of module boxes to one box: `Bottleneck x3`.

`fold_repeats(h)` walks chains of sibling module boxes (each feeding only the next, each fed
only by the previous one and by values without a gradient they share, such as a mask) and folds a block of 1 to 4 boxes that repeats back to back
(`Linear, ReLU x5000`). Two boxes are the same block when their ``block`` ids match: a digest
of their type, settings and inside, which `collapse()` writes on every box.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import carried, parent_of

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["MAX_PERIOD", "block_id", "fold_repeats"]

#: The longest repeating block `fold_repeats` looks for (in module boxes).
MAX_PERIOD = 4


def block_id(signature: object) -> str:
    """A short, stable text standing for a block signature (kept on boxes as ``block``)."""
    return hashlib.blake2b(repr(signature).encode(), digest_size=8).hexdigest()


def fold_repeats(g: Graph) -> Graph:
    """A new graph where back-to-back repeats of the same block of module boxes are one box."""
    ids: dict[Any, int] = {}  # block -> small int, so comparing blocks is cheap
    sig: dict[Any, int] = {}
    for n, d in g.nodes(data=True):
        if d.get("kind") == "module":
            key = d.get("block") or (d.get("module_type"), d.get("params"), str(d.get("shape")))
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
    for n, data in g.nodes(data=True):
        if n in runs:
            h.add_node(n, **_run_node(g, *runs[n]))
        elif n not in folded:
            h.add_node(n, **{**data, "flags": list(data.get("flags") or [])})
    for u, v, data in g.edges(data=True):
        a, b = folded.get(u, u), folded.get(v, v)
        if a != b and not h.has_edge(a, b):
            h.add_edge(a, b, **data)
    if g._where is not None:
        h._source = g._source
        h._where = {n: folded.get(box, box) for n, box in g._where.items()}
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
        if b in boxes and _fed_only_by(g, b, a):
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


def _fed_only_by(g: Graph, b: Any, a: Any) -> bool:
    """Whether box `b` reads only what box `a` computed, and values without a gradient that
    `a` reads too: an attention mask or positions that every layer of a stack is given."""
    shared = set(g.predecessors(a))
    return all(
        p == a or (p in shared and not g.nodes[p].get("requires_grad")) for p in g.predecessors(b)
    )


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
        "flags": carried([flag for n in run for flag in (g.nodes[n].get("flags") or [])], run[0]),
        "repeat": times,
        "block": block_id(("run", [g.nodes[n].get("block") for n in run[:period]], times)),
    }
