"""Names for what a recording met: parameters by their model, data and results by the
variables that hold them when the block ends.

    >>> import torch, nngraph as ng
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> with ng.record() as rec:
    ...     total = (w * 3).sum()
    ...     share = (total / 2).detach()
    >>> sorted(d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] in ("param", "output"))
    ['share', 'w']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import torch

from nngraph.capture._builder import grad_fn_of

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = ["name_parameters", "name_variables", "tensor_variables"]


def name_variables(recorder: Recorder, namespace: Mapping[str, Any]) -> None:
    """Name inputs and outputs after the variables that hold them (`a`, `x`, `loss`).

    A variable's name wins over the parameter name of `forward` (Sequential calls it `input`).
    """
    graph, builder = recorder.graph, recorder.builder
    tensors = tensor_variables(namespace)
    if not tensors:
        return
    nodes = [
        (ref(), node_id) for ref, node_id in [*recorder.tensor_nodes.values(), *recorder.data_nodes]
    ]
    nodes += [(fn.variable, node_id) for node_id, fn in builder.leaf_fns.items()]
    for tensor, node_id in nodes:
        name = tensors.get(id(tensor)) if tensor is not None else None
        attrs = graph._node[node_id]
        kind = attrs["kind"]
        unnamed = kind in ("input", "constant") or (kind == "param" and attrs["name"] is None)
        if name is not None and unnamed:
            attrs["name"] = attrs["label"] = name
    for value in namespace.values():
        name = tensors.get(id(value))
        if name is None:
            continue
        fn = grad_fn_of(value)  # an untracked result (`acc`, a loss under no_grad): by tensor
        source = builder.ids.get(fn) if fn is not None else recorder.lookup(value)
        for output in graph.successors(source) if source is not None else ():
            if graph.nodes[output]["kind"] == "output":
                graph.nodes[output].update(name=name, label=name)


def tensor_variables(namespace: Mapping[str, Any]) -> dict[int, str]:
    """id(tensor) -> the name of the variable in `namespace` holding it; `_`, `_h` (names the
    user chose not to keep) and keys that are no variable names (`globals()[42] = ...`) left
    out. A tensor held by two variables keeps the first name (`loss` in `loss = ...; best =
    loss`): the later one is a copy of the reference.

        >>> t = torch.ones(1)
        >>> tensor_variables({"x": t, "_": t, "n": 3, "kept": t}) == {id(t): "x"}
        True
    """
    names: dict[int, str] = {}
    for k, v in namespace.items():
        if isinstance(v, torch.Tensor) and isinstance(k, str) and k[:1] != "_":
            names.setdefault(id(v), k)
    return names


def name_parameters(recorder: Recorder) -> None:
    """Name the parameters met before their model ran (an EMA update `teacher.weight.mul_()`
    before `teacher(x)`): the model's names are known by now."""
    met = [(fn.variable, node_id) for node_id, fn in recorder.builder.leaf_fns.items()]
    met += [(ref(), node_id) for ref, node_id in recorder.data_nodes]
    for tensor, node_id in met:
        attrs = recorder.graph._node[node_id]
        if attrs["name"] is None and attrs["kind"] == "param":
            name = recorder.names.params.get(id(tensor))
            if name is not None:
                attrs.update(name=name, label=name, module=name.rpartition(".")[0])
