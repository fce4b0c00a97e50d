"""Trainable parameters of the model a graph does not reach: a layer defined in `__init__` and
forgotten in `forward`; in a `graph_of` graph, which holds only the history of the tensor it
was given (the loss), also a layer whose result `.detach()`, `.item()` or `torch.no_grad()`
cut off it, or a second head this loss does not read.

The capture lists them (`g.graph["unreached"]`, see `capture._modules.unreached_parameters`):
only `graph_of(..., params=model)` and `trace(model, ...)` know which model is the given one
and which of its parameters are trainable. A frozen parameter (`requires_grad_(False)`), one
of another model (the generator behind `trace(D, G(z))`), and a model none of whose
parameters the graph holds are not listed. A layer `trace()` saw cut off the loss has a node
and its own `no_gradient` finding; one it saw run under `torch.no_grad()` has a node too, and
`summary()` names it. The finding sits on the output a gradient reached (the loss): the
parameters it names have no node.

    >>> import torch, nngraph as ng
    >>> from nngraph.i18n import set_language; set_language("en")
    >>> model = torch.nn.ModuleDict({"fc1": torch.nn.Linear(3, 2), "fc2": torch.nn.Linear(2, 2)})
    >>> loss = model["fc1"](torch.randn(4, 3)).pow(2).mean()
    >>> [(f["kind"], f["unreached"]) for f in ng.graph_of(loss, params=model).health()]
    [('no_gradient', ['fc2'])]
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding, module_name, names_text
from nngraph.graph._nodes import as_written
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["unreached"]


def unreached(g: Graph, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A `no_gradient` finding naming the modules and parameters of `g.graph["unreached"]`,
    less those of a module that one of `findings` already says gets no gradient."""
    node = _loss_output(g)
    said = {str(f.get("module") or "") for f in findings if f.get("kind") == "no_gradient"}
    parts = [part for part in _parts(g.graph.get("unreached")) if not _within(part, said)]
    if node is None or not parts:
        return []
    # `graph_of` holds the loss's history only: what it leaves out may be cut off, not unused
    key = "no_gradient_unreached" if g.graph.get("source") == "graph_of" else "no_gradient_unrun"
    names = [part.get("module") or part["param"] for part in parts]
    return [finding("no_gradient", key, "backward", node, "", what=_what(parts), unreached=names)]


def _parts(listed: Any) -> list[dict[str, str]]:
    """The entries of one list of `g.graph["unreached"]` that name a module or a parameter (a
    graph read from JSON may hold anything)."""
    if not isinstance(listed, list):
        return []
    return [
        part
        for part in listed
        if isinstance(part, dict) and isinstance(part.get("module") or part.get("param"), str)
    ]


def _within(part: dict[str, str], modules: set[str]) -> bool:
    """Whether `part` is one of `modules`, inside one, or holds one."""
    path = part.get("module") or as_written(part["param"]).rpartition(".")[0]
    return any(
        path == module or (module and path.startswith(module + ".")) or
        (path and module.startswith(path + "."))
        for module in modules
    )  # fmt: skip


def _what(parts: list[dict[str, str]]) -> str:
    """`module fc2 (Linear)`, `modules a (Linear) and b (Linear)`, `parameter scale`, as it
    reads after "the weights of" (Polish needs the genitive there)."""
    modules = [part for part in parts if part.get("module")]
    params = [as_written(part["param"]) for part in parts if not part.get("module")]
    groups = []
    if len(modules) == 1:
        path, kind = modules[0]["module"], modules[0].get("type")
        groups.append(module_name(path, {path: kind if isinstance(kind, str) else None}))
    elif modules:
        shown = [f"{m['module']} ({m['type']})" if m.get("type") else m["module"] for m in modules]
        groups.append(message("graph.health.modules_of", names=names_text(shown)))
    if len(params) == 1:
        groups.append(message("graph.health.param_of", name=params[0]))
    elif params:
        groups.append(message("graph.health.params_of", names=names_text(params)))
    return names_text(groups)


def _loss_output(g: Graph) -> Any:
    """The output the finding goes on: one a gradient reached (the loss), else the first."""
    listed = g.graph.get("outputs")
    outputs = [
        n
        for n in (listed if isinstance(listed, list) else [])
        if isinstance(n, Hashable) and n in g
    ]
    reached = [n for n in outputs if g._node[n].get("grad") is not None]
    return (reached or outputs or [None])[0]
