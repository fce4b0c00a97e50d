"""Whether Graphviz ``dot`` can lay a graph out quickly, judged before running it.

``dot`` takes seconds to minutes on some graphs of only ~100 boxes, and neither the static
picture of a graph view nor ``g.save("net.svg")`` may keep the notebook waiting: both follow
`dot_plan`. Two shapes make it slow, both measured here in time
linear in the graph, on a layering close to the one ``dot`` picks (each node one rank
below its inputs, a node with as many outputs as inputs pulled down next to its first
consumer, as ``dot`` places parameters):

- many long edges side by side: a module whose output feeds 2,000 additions in a row makes
  every rank cross hundreds of edges (``crossing_work``, the sum over ranks of the squared
  number of edges crossing it: ~45,000 took ``dot`` 0.2 s, ~350,000 took 9 s; a ResNet or a
  transformer folded to 75 boxes has ~250);
- module clusters whose members lie far apart: ``graph_of`` puts each parameter in its
  module's cluster while the ops stay outside, so a cluster spans many ranks it holds nothing
  on (``cluster_gaps``: for a transformer encoder of 2, 3, 4 and 6 layers ~190, ~290, ~390
  and ~580, and ``dot`` took 0.1 s, 0.6 s, 3 s and over a minute; without clusters each
  takes under 0.1 s; traced models have 0). Such a graph is drawn without clusters.

    >>> import networkx as nx
    >>> dot_plan(nx.DiGraph([("x", "a"), ("a", "b")]))  # easy, with clusters
    True
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from nngraph.graph._nodes import ancestors_of, owner_module, parent_of

__all__ = ["cluster_gaps", "crossing_work", "dot_plan", "ops_in_modules", "ranks"]

#: more boxes than this are never handed to ``dot``
MAX_NODES = 500
#: the most `crossing_work` that ``dot`` lays out in well under a second
MAX_WORK = 50_000
#: the most `cluster_gaps` worth drawing clusters for; above it, ``dot`` draws none
MAX_GAPS = 200


def ranks(g: nx.DiGraph) -> dict[Any, int] | None:
    """A rank per node close to the one ``dot`` picks; None when `g` has a cycle.

    >>> g = nx.DiGraph([("x", "a"), ("a", "b"), ("b", "c"), ("w", "c")])
    >>> sorted(ranks(g).items())  # the parameter w sits right above its consumer c
    [('a', 1), ('b', 2), ('c', 3), ('w', 2), ('x', 0)]
    """
    try:
        order = list(nx.topological_sort(g))
    except nx.NetworkXUnfeasible:
        return None
    rank: dict[Any, int] = {}
    for n in order:
        rank[n] = max((rank[p] + 1 for p in g.predecessors(n)), default=0)
    for n in reversed(order):  # pull a node down when that does not lengthen its edges
        below = [rank[s] for s in g.successors(n)]
        if below and g.in_degree(n) <= len(below):
            rank[n] = max(rank[n], min(below) - 1)
    return {n: rank[n] for n in order}


def crossing_work(g: nx.DiGraph, rank: dict[Any, int]) -> int:
    """Sum over the gaps between ranks of (number of edges crossing it) squared.

    >>> fan = nx.DiGraph([("m", f"add{i}") for i in range(3)] + [("add0", "add1"), ("add1", "add2")])
    >>> crossing_work(fan, ranks(fan))  # 3, 3 and 2 edges cross the three gaps
    22
    """
    top = max(rank.values(), default=0) + 1
    change = [0] * (top + 1)
    for u, v in g.edges:
        low, high = sorted((rank[u], rank[v]))
        change[low] += 1
        change[high] -= 1
    work = crossing = 0
    for r in range(top):
        crossing += change[r]
        work += crossing * crossing
    return work


def _cluster_of(data: dict[str, Any]) -> str:
    """The cluster ``to_dot`` draws a node in: its module; a module box sits in its parent."""
    if data.get("kind") == "module":
        return parent_of(str(data.get("module") or "")) or ""
    return owner_module(data)


def cluster_gaps(g: nx.DiGraph, rank: dict[Any, int]) -> int:
    """Ranks each module cluster spans without a node of its own there, summed.

    >>> g = nx.DiGraph([("w", "a"), ("a", "b"), ("b", "c"), ("v", "c")])
    >>> for n, module in [("w", "fc"), ("v", "fc"), ("a", ""), ("b", ""), ("c", "")]:
    ...     g.nodes[n].update(kind="param", module=module)
    >>> cluster_gaps(g, ranks(g))  # fc holds ranks 0 and 2, not 1
    1
    """
    held: dict[str, set[int]] = {}
    for n, data in g.nodes(data=True):
        for path in ancestors_of(_cluster_of(data)):
            if path:
                held.setdefault(path, set()).add(rank[n])
    return sum(max(r) - min(r) + 1 - len(r) for r in held.values())


def dot_plan(g: nx.DiGraph) -> bool | None:
    """How to hand `g` to ``dot``: True with module clusters, False without, None not at all
    (too slow: draw it in Python instead). A graph with a cycle is left to ``dot``. Where no op
    sits in a module (`graph_of`), the clusters would hold parameters only: ``dot`` takes from
    0.1 s to minutes on those at the same `cluster_gaps` (a MobileNetV3: 188 gaps, over 20 s
    with clusters, 0.02 s without), so such a graph gets clusters only without any gap."""
    if g.number_of_nodes() > MAX_NODES:
        return None
    rank = ranks(g)
    if rank is None:
        return True
    if crossing_work(g, rank) > MAX_WORK:
        return None
    gaps = cluster_gaps(g, rank)
    return gaps <= MAX_GAPS if ops_in_modules(g) else gaps == 0


def ops_in_modules(g: nx.DiGraph) -> bool:
    """Whether some op sits in a module: a traced or recorded graph, not `graph_of`'s."""
    return any(d.get("kind") == "op" and d.get("module") for _, d in g.nodes(data=True))
