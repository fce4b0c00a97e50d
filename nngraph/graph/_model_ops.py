"""Which ops the model ran, and which the code around it (the loss). A loss written as a module
(`criterion = nn.MSELoss()`, as most tutorials write it) runs its op inside a module too, so
a module alone does not say the op is the model's: a loss class of PyTorch's (a subclass of
`torch.nn.modules.loss._Loss`) is not, nor a module run at the top level that the model is
not (a loss class of one's own, `class FocalLoss(nn.Module)`).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 1))
    >>> criterion, y = torch.nn.MSELoss(), torch.randn(4, 1)
    >>> g = ng.trace(model, torch.randn(4, 3), loss=lambda out: criterion(out, y))
    >>> [(g.nodes[n]["op"], g.nodes[n]["module_type"]) for n in model_outputs(g)]
    [('linear', 'Linear')]
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import ancestors_of

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["in_loss_model", "in_model", "model_outputs", "traced_inputs"]


@functools.cache
def _loss_types() -> frozenset[str]:
    """The class names of PyTorch's loss modules (`MSELoss`, `CrossEntropyLoss`, ...)."""
    import torch  # here: a graph read from a file needs no torch until then

    losses = torch.nn.modules.loss
    return frozenset(
        name
        for name, kind in vars(losses).items()
        if isinstance(kind, type) and issubclass(kind, losses._Loss)
    )


def in_model(g: Graph, data: dict[str, Any]) -> bool:
    """Whether a node is an op the model ran: in one of its modules or in its own forward (the
    root model's own ops have a type), not in a loss module nor in a module run at the top
    level that is not the model (`g.graph["modules"]` says the model's type)."""
    if data.get("kind") != "op":
        return False
    path, kind = data.get("module") or "", data.get("module_type")
    if not (path or kind) or kind in _loss_types():
        return False
    if path:
        return not in_loss_model(g, path)
    root = ((g.graph.get("modules") or {}).get("") or {}).get("type")
    return not root or not kind or kind in str(root).split(" + ")  # "Generator + Critic"


def in_loss_model(g: Graph, path: str) -> bool:
    """Whether module `path` is part of a model the `loss=` of `trace()` ran, not of the model
    traced (a GAN's discriminator in the generator's step: `loss=lambda out: bce(D(out), ones)`).
    Such a model ran at top level (`top_level` in the module table) after the traced one, whose
    graph holds `cut_inputs`. In a `record()` block every model run is one of the block's."""
    if "cut_inputs" not in g.graph:
        return False
    table = g.graph.get("modules") or {}
    return any((table.get(p) or {}).get("top_level") for p in ancestors_of(path))


def model_outputs(g: Graph) -> list[Any]:
    """The model's outputs: the values of its ops that an op outside it (the loss) reads."""
    nodes = g._node
    return [
        n
        for n, data in nodes.items()
        if in_model(g, data)
        and any(nodes[s].get("kind") == "op" and not in_model(g, nodes[s]) for s in g._succ[n])
    ]


def traced_inputs(g: Graph) -> set[Any]:
    """The nodes of the inputs `trace(model, *inputs)` was given: data, whatever requires grad.
    (In `record()` a tensor given to a module may be a weight: `MyLinear()(x, w, b)`, MAML's
    `learner(x, params)`.)"""
    return set(g.graph.get("inputs") or ()) if "cut_inputs" in g.graph else set()
