"""`graph_of`: the autograd graph behind tensors that already exist; nothing is re-run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch
from torch.utils._pytree import tree_flatten

from nngraph._gc import gc_paused
from nngraph.capture._builder import (
    GraphBuilder,
    Names,
    autograd_node,
)
from nngraph.capture._common import hidden, tensors_within
from nngraph.capture._modules import fill_module_types, module_table, unreached_parameters
from nngraph.capture._naming import tensor_variables, tensors_in_containers
from nngraph.capture._stats import StatsBatch
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["graph_of"]


def _names_from(params: Any, trainable: list[str]) -> Names:
    """The names `params` gives (a model's, or a mapping's); a model's trainable parameters
    also listed in `trainable`, by the same walk."""
    names = Names()
    if params is None:
        return names
    if isinstance(params, torch.nn.Module):  # its ops have no module: no boxes, no settings
        names.tables[id(params)] = module_table(
            params, "", names, settings=False, trainable=trainable
        )
        return names
    try:
        names.add_mapping(params.items() if isinstance(params, Mapping) else params)
    except NNGraphError:
        raise
    except (TypeError, ValueError):
        raise NNGraphError(message("capture.bad_params", got=type(params).__name__)) from None
    return names


def tensors_of(y: Any) -> list[torch.Tensor]:
    """The tensors in `y` (a tensor, or a tuple/list/dict/dataclass of them, nested)."""
    leaves, _ = tree_flatten(y)
    tensors: list[torch.Tensor] = []
    for leaf in leaves:
        tensors_within(leaf, tensors)
    return tensors


def output_tensors(y: Any, *, who: str) -> list[torch.Tensor]:
    """`tensors_of(y)`; none is an `NNGraphError`."""
    tensors = tensors_of(y)
    if not tensors:
        raise NNGraphError(message("capture.needs_tensor", call=who, got=type(y).__name__))
    return tensors


def no_history(tensors: list[torch.Tensor]) -> dict[str, str] | None:
    """Why `tensors` have no graph to walk: `{}` when none has an autograd history, with their
    `dtype` when none could have one (integers, booleans); None when one has a history.

        >>> no_history([torch.ones(2)]), no_history([torch.ones(2).argmax()])
        ({}, {'dtype': 'int64'})
    """
    if any(t.grad_fn is not None or t.requires_grad for t in tensors):
        return None
    if not any(t.is_floating_point() or t.is_complex() for t in tensors):
        return {"dtype": str(tensors[0].dtype).removeprefix("torch.")}
    return {}


def graph_of(
    y: Any, *, params: Any = None, stats: bool = True, names: Mapping[str, Any] | None = None
) -> Graph:
    """The autograd graph reachable from the tensor(s) `y`, as an `ng.Graph`.

    Nothing is re-run: the graph autograd already built is walked, so the forward ops have no
    module paths (use `ng.record()` or `ng.trace()` for those). Parameters are named from
    `params` (a model, or a dict of named tensors), and carry the statistics of their value and,
    after `backward()`, of their `.grad`. With `stats=False` only the structure, names, shapes
    and dtypes are read (the same work torchviz does), and `value`/`grad` are None. With
    `names` (a namespace such as a notebook's, or `locals()`), the leaves, data and results
    held by its variables are named after them, as `ng.record()` names them. Called inside
    `ng.record()`, it adds nothing to that recording.

        >>> import torch, nngraph as ng
        >>> model = torch.nn.Linear(3, 1)
        >>> loss = model(torch.randn(4, 3)).pow(2).mean()
        >>> g = ng.graph_of(loss, params=model)
        >>> sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
        ['bias', 'weight']
        >>> x = torch.ones(2, requires_grad=True); y = (x * 3).sum()
        >>> g = ng.graph_of(y, names={"x": x, "y": y})
        >>> sorted(d["label"] for _, d in g.nodes(data=True) if d["kind"] in ("input", "output"))
        ['x', 'y']
    """
    if not isinstance(stats, bool):  # `stats="no"` would be taken for True
        raise NNGraphError(message("capture.bad_stats", got=stats))
    tensors = output_tensors(y, who="graph_of")
    missing = no_history(tensors)
    if missing is not None:
        key = "capture.integer_no_history" if missing else "capture.no_history"
        raise NNGraphError(message(key, **missing))
    if names is not None and not isinstance(names, Mapping):
        raise NNGraphError(message("capture.names_not_mapping", got=type(names).__name__))
    # hidden(): nngraph's own torch calls (the statistics) are no step of the computation, so
    # neither a `record()` around this call nor a mode of the user's sees them
    with gc_paused(), hidden():
        return _walk_outputs(tensors, params, stats, names or {})


def _walk_outputs(
    tensors: list[torch.Tensor], params: Any, stats: bool, names: Mapping[str, Any]
) -> Graph:
    # Parameters and their gradients never share memory: nothing to reuse, no key to compute.
    # Nothing changes them before the flush: all wait for it.
    stats_batch = StatsBatch(enabled=stats, reuse=False, hold_large=True)
    trainable: list[str] = []
    builder = GraphBuilder(_names_from(params, trainable), stats_batch)
    graph = builder.graph
    graph.graph.update(source="graph_of", outputs=[], backward_passes=0, modules={})

    held: list[tuple[torch.Tensor, str]] = []  # (tensor, its node) for the nodes `names` may name
    for t in tensors:
        fn = autograd_node(t)
        if fn is not None:
            builder.walk([fn])
            source = builder.ids[fn]
        else:
            source = builder.add_data(t, kind=None if t.requires_grad else "constant")
            held.append((t, source))
        held.append((t, builder.add_output(source, t)))
    held += [(fn.variable, node_id) for node_id, fn in builder.leaf_fns.items()]

    for node_id, fn in builder.leaf_fns.items():
        builder.stats.add(graph.nodes[node_id], "grad", fn.variable.grad)
    builder.stats.flush()
    if isinstance(params, torch.nn.Module):
        fill_module_types(graph, builder.names.tables[id(params)])
        # the model's trainable parameters this graph leaves out: health() names them
        nodes = graph._node
        reached = {nodes[n]["name"] for n in builder.leaf_fns if nodes[n]["kind"] == "param"}
        unreached = unreached_parameters(params, graph, reached, trainable)
        if unreached is not None:
            graph.graph["unreached"] = unreached
    _name_after_variables(graph, held, names)
    _softmax_dims(graph, builder.fns)
    return graph


#: Autograd nodes that keep the dim their softmax normalised (`_saved_dim`).
_SOFTMAX_BACKWARDS = frozenset({"SoftmaxBackward0", "LogSoftmaxBackward0"})


def _softmax_dims(graph: Graph, fns: Mapping[str, Any]) -> None:
    """Give each softmax and log_softmax node the dim it normalised as its `args`
    (`"dim=-1"`), which autograd keeps: `graph_of` sees no call's arguments, and a softmax over
    a 3-d tensor (attention weights `[batch, heads, time]`) cannot tell it from its shape."""
    nodes = graph._node
    for node_id, fn in fns.items():
        if type(fn).__name__ not in _SOFTMAX_BACKWARDS:
            continue
        dim = getattr(fn, "_saved_dim", None)
        if isinstance(dim, int):
            # kept as an unsigned 64-bit number: -1 reads as 2**64 - 1
            nodes[node_id]["args"] = f"dim={dim - 2**64 if dim >= 2**63 else dim}"


def _name_after_variables(
    graph: Graph, held: list[tuple[torch.Tensor, str]], names: Mapping[str, Any]
) -> None:
    """Label the unnamed leaves, data and outputs among `held` after the variables of `names`
    holding their tensors, then the leaves and data still unnamed after their place in a list
    or dict a variable holds (`params[0]`); a parameter named by `params` keeps its name."""
    by_id, by_place = tensor_variables(names), tensors_in_containers(names)
    for tensor, node_id in held:
        attrs = graph._node[node_id]
        name = by_id.get(id(tensor))
        if name is not None and (attrs["name"] is None or attrs["kind"] == "output"):
            attrs["name"] = attrs["label"] = name
        elif attrs["name"] is None and attrs["kind"] != "output" and id(tensor) in by_place:
            attrs["name"] = attrs["label"] = by_place[id(tensor)]
