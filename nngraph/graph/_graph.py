"""The ``Graph`` class (a ``networkx.DiGraph``); see docs/schema.md for node attributes."""

from __future__ import annotations

import networkx as nx

__all__ = ["Graph"]


class Graph(nx.DiGraph):  # type: ignore[type-arg]
    """A captured computational graph; every networkx algorithm works on it."""
