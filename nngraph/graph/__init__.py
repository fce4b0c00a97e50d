"""The captured graph: a ``networkx.DiGraph`` with teaching helpers.

>>> from nngraph.graph import Graph
>>> g = Graph()
>>> isinstance(g, __import__("networkx").DiGraph)
True
"""

from __future__ import annotations

from nngraph.graph._graph import Graph

__all__ = ["Graph"]
