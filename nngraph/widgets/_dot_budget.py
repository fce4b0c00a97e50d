"""Whether Graphviz ``dot`` can lay a graph out quickly: the rules live in
``nngraph.graph._dot_budget`` (``g.save`` follows them too, without the widgets installed);
this module names them for the widgets.

    >>> import networkx as nx
    >>> dot_plan(nx.DiGraph([("x", "a")]))
    True
"""

from __future__ import annotations

from nngraph.graph._dot_budget import (
    MAX_GAPS,
    MAX_NODES,
    MAX_WORK,
    cluster_gaps,
    crossing_work,
    dot_plan,
    ranks,
)

__all__ = [
    "MAX_GAPS",
    "MAX_NODES",
    "MAX_WORK",
    "cluster_gaps",
    "crossing_work",
    "dot_plan",
    "ranks",
]
