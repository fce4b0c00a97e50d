"""Layers and parameters that ran without being registered in the model: kept in a plain list,
tuple or dict, so `model.parameters()` (and an optimizer built from it) never sees their
parameters.

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

Parameters kept so (`self.weights = [nn.Parameter(...), ...]`) are named after their place
(`weights[0]`) and marked `registered: False` by the capture: one finding per container.

A module used only as a skeleton, whose forward runs with weights given to it
(`torch.func.functional_call(skeleton, {"weight": w, ...}, x)`, a hypernetwork, a functorch
ensemble over a meta copy), is no forgotten layer: its own parameters never ran, so no node
of the graph is one of them, and it gets no finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding, names_text
from nngraph.graph._nodes import ancestors_of, as_written, numel, owner_module

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["unregistered"]


def unregistered(g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """Modules with parameters that ran without being registered in the model (kept in a plain
    list), and parameters kept in a plain list, tuple or dict: `model.parameters()`, and so the
    optimizer, never sees them."""
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
    return findings + _unregistered_parameters(g, order)


def _unregistered_parameters(g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """One finding per plain list, tuple or dict attribute (`weights`) whose trainable
    parameters took part in the computation (nodes marked `registered: False`, named
    `weights[0]`, ...), on the first of them in forward order."""
    held: dict[str, list[Any]] = {}  # `block.weights` -> its parameter nodes, in order
    for n in order:
        data = g._node[n]
        if (
            data.get("kind") == "param"
            and data.get("registered") is False
            and data.get("requires_grad")  # a frozen one is no weight the optimizer misses
            and data.get("name")
        ):
            held.setdefault(as_written(str(data["name"])).partition("[")[0], []).append(n)
    findings = []
    for path, nodes in held.items():
        datas = [g._node[n] for n in nodes]
        findings.append(
            finding(
                "unregistered",
                "unregistered_params",
                "forward",
                nodes[0],
                owner_module(datas[0]),
                path=path,
                names=names_text([as_written(str(d["name"])) for d in datas]),
                count=len(nodes),
                params=sum(d.get("params") or numel(d.get("shape")) for d in datas),
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
