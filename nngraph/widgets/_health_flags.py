"""The health findings a view shows on its nodes, in the current language.

>>> import torch, nngraph as ng
>>> g = ng.trace(torch.nn.Linear(2, 1), torch.randn(3, 2), loss=lambda y: y.sum())
>>> with_health(g)["graph"]["health_language"] == ng.get_language()
True
"""

from __future__ import annotations

from typing import Any

from nngraph.graph import Graph
from nngraph.graph._health import HEALTH_KINDS, find
from nngraph.i18n import get_language

__all__ = ["with_health"]


def with_health(g: Graph) -> dict[str, Any]:
    """``g.to_dict()`` with the health findings in the nodes' ``flags``: those ``g.health()``
    stored in the current language, else a fresh check, as ``g.summary()`` lists them. ``g``
    itself is not changed.

        >>> import torch, nngraph as ng
        >>> model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
        >>> g = ng.trace(model, torch.full((4, 2), float("nan")), loss=lambda y: y.sum())
        >>> [f["kind"] for n in with_health(g)["nodes"] for f in n["flags"]]
        ['nan', 'nan']
        >>> [f for _, data in g.nodes(data=True) for f in data["flags"]]  # nothing stored
        []
    """
    payload = g.to_dict()
    language = get_language()
    stored = (flag for _, data in g.nodes(data=True) for flag in data.get("flags") or [])
    if any(flag.get("kind") in HEALTH_KINDS for flag in stored):
        if payload["graph"].setdefault("health_language", language) == language:
            return payload
        for node in payload["nodes"]:  # written in another language: said again below
            node["flags"] = [f for f in node["flags"] if f.get("kind") not in HEALTH_KINDS]
    payload["graph"]["health_language"] = language  # checked, as by health()
    found: dict[Any, list[dict[str, Any]]] = {}
    for finding in find(g):
        found.setdefault(finding["node"], []).append(finding)
    if not found:
        return payload
    # the flags written by to_dict() itself, as they would be after g.health()
    flagged = Graph()
    flagged.add_nodes_from((n, {"flags": flags}) for n, flags in found.items())
    index = {n: i for i, n in enumerate(g)}  # to_dict() lists the nodes in this order
    for n, written in zip(flagged, flagged.to_dict()["nodes"], strict=True):
        payload["nodes"][index[n]]["flags"] += written["flags"]
    return payload
