"""Layers that ran without being registered in the model: kept in a plain list or dict, so
`model.parameters()` (and an optimizer built from it) never sees their parameters.

    >>> import torch, nngraph as ng
    >>> class Model(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.layers = [torch.nn.Linear(3, 3)]  # a plain list: not registered
    ...     def forward(self, x):
    ...         return self.layers[0](x)
    >>> g = ng.trace(Model(), torch.randn(2, 3), loss=lambda out: out.sum())
    >>> [(f["kind"], f["params"]) for f in g.health() if f["kind"] == "unregistered"]
    [('unregistered', 12)]

A module used only as a skeleton, whose forward runs with weights given to it
(`torch.func.functional_call(skeleton, {"weight": w, ...}, x)`, a hypernetwork, a functorch
ensemble over a meta copy), is no forgotten layer: its own parameters never ran, so no node
of the graph is one of them, and it gets no finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding
from nngraph.graph._nodes import ancestors_of, owner_module

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["unregistered"]


def unregistered(g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """Modules with parameters that ran without being registered in the model (kept in a plain
    list): `model.parameters()`, and so the optimizer, never sees their parameters."""
    table = g.graph.get("modules") or {}
    findings = []
    own = _modules_whose_parameters_ran(g)
    for path, entry in table.items():
        if entry.get("registered") is not False or not entry.get("params") or path not in own:
            continue
        first = next((n for n in order if path in ancestors_of(owner_module(g._node[n]))), None)
        if first is not None:
            findings.append(
                finding(
                    "unregistered",
                    "unregistered",
                    "forward",
                    first,
                    path,
                    path=path,
                    type=entry.get("type") or "?",
                    params=entry["params"],
                )
            )
    return findings


def _modules_whose_parameters_ran(g: Graph) -> set[str]:
    """Every module holding, itself or in a module inside it, a parameter that took part in
    the computation (a parameter node of the graph)."""
    found: set[str] = set()
    for _, data in g.nodes(data=True):
        if data.get("kind") == "param":
            found.update(ancestors_of(owner_module(data)))
    return found
