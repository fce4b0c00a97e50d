"""Turning autograd nodes and tensors into graph nodes that follow docs/schema.md.

`GraphBuilder` is shared by `graph_of` (a walk of an existing autograd graph) and `record`
(which adds forward calls as they happen and walks only the autograd nodes each call created).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from typing import Any

import torch
from torch.autograd.function import BackwardCFunction
from torch.autograd.graph import get_gradient_edge

from nngraph.capture._custom_ops import custom_op_name
from nngraph.capture._functorch import transforms_active
from nngraph.capture._gates import queue_gate_means
from nngraph.capture._memory import storage_key
from nngraph.capture._modules import module_table
from nngraph.capture._stats import StatsBatch
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.graph._nodes import NODE_DEFAULTS, as_written
from nngraph.i18n import message

__all__ = [
    "ACCUMULATE_GRAD",
    "GraphBuilder",
    "Names",
    "autograd_node",
    "grad_fn_of",
    "op_name_of",
    "tensor_meta",
    "tensors_in",
]

# where an upper-case letter starts a word, but not right after a digit: MaxPool2D -> max_pool2d
_CAMEL = re.compile(r"(?<!^)(?<![0-9])(?=[A-Z])")
_BACKWARD_SUFFIX = re.compile(r"Backward\d*$")


ACCUMULATE_GRAD = torch._C._functions.AccumulateGrad  # type: ignore[attr-defined]
_OP_NAMES: dict[type, str] = {}  # autograd node class -> op name, worked out once per class


def op_name_of(fn: Any) -> str:
    """The forward op an autograd node differentiates: `AddmmBackward0` -> `"addmm"`.

    A custom `torch.autograd.Function` keeps its class name: `MyReLUBackward` -> `"MyReLU"`.
    """
    cls = type(fn)
    name = _OP_NAMES.get(cls)
    if name is None:
        # a `torch.library.custom_op`'s: the operator, `mylib::silu`
        base = custom_op_name(cls) or _BACKWARD_SUFFIX.sub("", cls.__name__) or cls.__name__
        name = base if isinstance(fn, BackwardCFunction) else _CAMEL.sub("_", base).lower()
        _OP_NAMES[cls] = name
    return name


_TEXT: dict[Any, str] = {}  # dtype or device -> its name, worked out once


def _text(key: torch.dtype | torch.device) -> str:
    text = _TEXT.get(key)
    if text is None:
        text = _TEXT[key] = str(key).removeprefix("torch.")
    return text


def grad_fn_of(t: torch.Tensor) -> Any:
    """`t.grad_fn`; None for a view taken under `no_grad` whose base then changed in place
    (`w[0].zero_()` under `no_grad`), where reading it raises.

    >>> grad_fn_of(torch.ones(2, requires_grad=True) * 2).name()
    'MulBackward0'
    """
    try:
        return t.grad_fn
    except RuntimeError:
        return None


def autograd_node(t: torch.Tensor) -> Any:
    """The autograd node of `t`: its `grad_fn`, or for a leaf that requires grad (a parameter)
    the AccumulateGrad node its gradient goes to; None for tensors outside autograd, and for
    views taken under `no_grad`, which have neither."""
    fn = grad_fn_of(t)
    if fn is None and t.requires_grad and t._base is None:
        if torch._C._functorch.is_functorch_wrapped_tensor(t):
            return None  # a `torch.func` wrapper: its autograd lives inside the transform
        # Inside `torch.inference_mode()` the node can only be read with it turned off; inside
        # a `torch.func` transform (a parameter used in `grad(f)`), with the transform's.
        inference = torch.is_inference_mode_enabled()
        transformed = transforms_active()
        try:
            with (
                torch.inference_mode(False) if inference else nullcontext(),
                torch._C._DisableFuncTorch() if transformed else nullcontext(),
            ):
                fn = get_gradient_edge(t).node
        except (AssertionError, AttributeError, RuntimeError):
            return None  # no node to give: a tensor subclass
    return fn


def tensors_in(obj: Any, out: list[torch.Tensor]) -> list[torch.Tensor]:
    """Append the tensors inside `obj` (nested tuples, lists, dicts) to `out`."""
    if isinstance(obj, torch.Tensor):
        out.append(obj)
        return out
    items = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, (list, tuple)) else ()
    for item in items:
        if isinstance(item, torch.Tensor):  # the common case, without a call
            out.append(item)
        elif isinstance(item, (list, tuple, dict)):
            tensors_in(item, out)
    return out


def tensor_meta(t: torch.Tensor) -> dict[str, Any]:
    """Shape, dtype, device and requires_grad of a tensor, as plain values."""
    return {
        "shape": None if t.is_nested else list(t.shape),  # a nested tensor has no one shape
        "dtype": _text(t.dtype),
        "device": _text(t.device),
        "requires_grad": t.requires_grad,
    }


def new_node(kind: str, label: str = "", **attrs: Any) -> dict[str, Any]:
    """A node's attribute dict with every schema attribute present."""
    node: dict[str, Any] = {**NODE_DEFAULTS, "kind": kind, "label": label, "flags": []}
    node.update(attrs)
    return node


class Names:
    """Qualified names of parameters, buffers and inputs, looked up by tensor identity."""

    def __init__(self) -> None:
        self.params: dict[int, str] = {}
        self.buffers: dict[int, str] = {}
        self.inputs: dict[int, str] = {}
        self.tables: dict[int, dict[str, dict[str, Any]]] = {}  # id(module) -> module_table
        self.gates: dict[int, int] = {}  # id of an LSTM's or GRU's bias -> the gates it stacks
        #: names a tensor held as a parameter by a running module that was not one when the
        #: names were taken (`torch.func.functional_call` swaps the user's dict in)
        self.param_in_use: Callable[[torch.Tensor], str | None] | None = None
        #: names given to detached copies (`model.state_dict()`), by the memory they show
        self.by_memory: dict[tuple[Any, ...], str] = {}

    def add_module(
        self,
        module: torch.nn.Module,
        prefix: str = "",
        paths: dict[int, str] | None = None,
        *,
        settings: bool = True,
        lazy: list[str] | None = None,
    ) -> None:
        """Name every parameter and buffer of `module` as `named_parameters()` does, and keep
        its `module_table` in `tables`; fill `paths`, the modules' `settings` and `lazy` as
        `module_table` does."""
        table = module_table(module, prefix, self, paths, settings=settings, lazy=lazy)
        self.tables[id(module)] = table

    def add_mapping(self, tensors: Iterable[tuple[str, Any]]) -> None:
        """Name tensors from `(name, tensor)` pairs, e.g. `dict.items()`; a pair whose value
        is not a tensor raises `NNGraphError`."""
        for item in tensors:
            if isinstance(item, torch.Tensor):  # not a pair: a tensor of two rows would unpack
                raise TypeError("a tensor, not a (name, tensor) pair")
            name, t = item
            if not isinstance(t, torch.Tensor):
                got = type(t).__name__
                raise NNGraphError(message("capture.param_not_tensor", name=str(name), got=got))
            self.params.setdefault(id(t), str(name))
            if not t.requires_grad:  # `state_dict()` holds detached views of the parameters
                self.by_memory.setdefault(_memory_of(t), str(name))

    def alias_name(self, t: torch.Tensor) -> str | None:
        """The name `add_mapping` gave a detached view of the same memory as `t`, if any."""
        if not self.by_memory:
            return None
        return self.by_memory.get(_memory_of(t))


def _memory_of(t: torch.Tensor) -> tuple[Any, ...]:
    """What a tensor and its detached views share: storage, offset, shape, strides, dtype."""
    storage = storage_key(t)
    where = ("id", id(t)) if storage is None else storage  # no plain storage: the tensor itself
    return (where, t.storage_offset(), tuple(t.shape), t.stride(), t.dtype, t.device)


class GraphBuilder:
    """Adds nodes to a `Graph`, one per autograd node or data tensor, never twice."""

    def __init__(self, names: Names, stats: StatsBatch | None = None) -> None:
        self.graph = Graph()
        self.names = names
        self.stats = stats if stats is not None else StatsBatch()
        self.ids: dict[Any, str] = {}  # autograd node -> graph node id
        self.fns: dict[str, Any] = {}  # graph node id -> autograd node
        self.leaf_fns: dict[str, Any] = {}  # the AccumulateGrad ones among them
        #: op node -> which outputs of its autograd node (by `output_nr`) the call that made it
        #: returned: its `value` and `grad` show those (GroupNorm's node also outputs the
        #: `mean` and `rstd` that `F.group_norm` does not give back)
        self.returned_outputs: dict[str, tuple[int, ...]] = {}
        self._count = 0

    def add(self, attrs: dict[str, Any]) -> str:
        """Add a node whose attribute dict is `attrs` itself (not a copy), so callers can keep
        filling it."""
        node_id = f"n{self._count}"
        self._count += 1
        # networkx's own adjacency dicts, filled directly: `add_node` would check for an
        # existing node and copy `attrs`, which costs more than the rest of adding a node.
        graph = self.graph
        graph._succ[node_id] = {}
        graph._pred[node_id] = {}
        graph._node[node_id] = attrs
        return node_id

    def add_edge(self, source: str, target: str) -> None:
        """An edge between two nodes already added, as `Graph.add_edge` stores it."""
        data = self.graph._pred[target].setdefault(source, {})
        self.graph._succ[source][target] = data

    def add_data(self, t: torch.Tensor, *, kind: str | None = None, other: str = "input") -> str:
        """A node for a tensor that no recorded op produced: parameter, buffer, or else of
        kind `other` (an input; a constant for one that a model's forward made unseen)."""
        key = id(t)
        if kind is None and key not in self.names.params:
            in_use = self.names.alias_name(t) if t.requires_grad else None
            if in_use is None and self.names.param_in_use is not None:
                in_use = self.names.param_in_use(t)
            if in_use is not None:
                self.names.params[key] = in_use
        if kind is None:
            if key in self.names.params:
                kind = "param"
            elif key in self.names.buffers:
                kind = "buffer"
            elif isinstance(t, torch.nn.Parameter):  # of a model not recorded: `trace(D, G(z))`
                kind = "param"
            else:
                kind = other
        name = (
            self.names.params.get(key) or self.names.buffers.get(key) or self.names.inputs.get(key)
        )
        label = as_written(name) if name else message(f"capture.label.{kind}")  # no `_orig_mod`
        # `new_node(kind, label, name=name, **tensor_meta(t))` in one dict: a node per parameter
        attrs = {
            **NODE_DEFAULTS,
            "kind": kind,
            "label": label,
            "flags": [],
            "name": name,
            "shape": None if t.is_nested else list(t.shape),
            "dtype": _text(t.dtype),
            "device": _text(t.device),
            "requires_grad": t.requires_grad,
        }
        if kind == "param":
            attrs["params"] = t.numel()
            if key in self.names.gates:
                queue_gate_means(self.stats, attrs, t, self.names.gates[key])
        if kind in ("param", "buffer") and name:
            attrs["module"] = name.rpartition(".")[0]
        node_id = self.add(attrs)
        self.stats.add(attrs, "value", t)
        return node_id

    def add_fn(
        self,
        fn: Any,
        call: dict[str, Any] | None = None,
        call_seq: int = 0,
        *,
        with_meta: bool = True,
        call_end: float = math.inf,
    ) -> str:
        """A node for one autograd node: a leaf for AccumulateGrad, an op for everything else.

        `call` (op, module, call number) goes to op nodes of sequence numbers from `call_seq`
        up to `call_end`: the forward call that created them (a node another thread made,
        numbered by that thread's own counter, falls outside: a module run in a thread pool
        is not the next call's). `with_meta=False` leaves shape,
        dtype and device to the caller, who has the tensor (reading them from the node costs
        more than the rest of adding it).
        """
        cls = type(fn)
        if cls is ACCUMULATE_GRAD:
            node_id = self.add_data(fn.variable)
            self.graph._node[node_id]["backward"] = "AccumulateGrad"
            self.leaf_fns[node_id] = fn
        else:
            op = _OP_NAMES.get(cls)
            if op is None:
                op = op_name_of(fn)
            seq = fn._sequence_nr()
            attrs = {
                **NODE_DEFAULTS,
                "op": op,
                "backward": cls.__name__,
                "tracked": True,
                "requires_grad": True,
                "seq": seq,
                "flags": [],
            }
            if call is not None and call_seq <= seq < call_end:
                attrs.update(call)
            attrs["label"] = op
            metadata = fn._input_metadata if with_meta else None
            if metadata:
                meta = metadata[0]
                attrs["shape"] = None if meta.is_nested_tensor else list(meta.shape)
                attrs["dtype"] = _text(meta.dtype)
                attrs["device"] = _text(meta.device)
            node_id = self.add(attrs)
        self.ids[fn] = node_id
        self.fns[node_id] = fn
        return node_id

    def walk(
        self,
        roots: Iterable[Any],
        call: dict[str, Any] | None = None,
        call_seq: int = 0,
        *,
        described: Any = None,
        call_end: float = math.inf,
    ) -> list[str]:
        """Add every autograd node reachable from `roots` that is not in the graph yet.

        Iterative, so a chain of any length works. Returns the ids of the new nodes; `call`,
        `call_seq` and `call_end` are passed on to `add_fn`, and the root `described` gets no
        shape, dtype or device (see `add_fn`'s `with_meta`).
        """
        new: list[str] = []
        stack: list[Any] = []
        ids = self.ids
        for fn in roots:
            if fn is not None and fn not in ids:
                meta = fn is not described
                new.append(self.add_fn(fn, call, call_seq, with_meta=meta, call_end=call_end))
                stack.append(fn)
        succ, pred = self.graph._succ, self.graph._pred
        while stack:
            fn = stack.pop()
            target = ids[fn]
            for next_fn, _ in fn.next_functions:
                if next_fn is None:
                    continue
                source = ids.get(next_fn)
                if source is None:
                    source = self.add_fn(next_fn, call, call_seq, call_end=call_end)
                    new.append(source)
                    stack.append(next_fn)
                data = pred[target].setdefault(source, {})  # as `add_edge`, inlined: hot loop
                succ[source][target] = data
        return new

    def add_output(self, source: str, t: torch.Tensor | None) -> str:
        """An output node fed by `source`."""
        attrs = new_node("output", message("capture.output_label"))
        if t is not None:
            attrs.update(tensor_meta(t))
        else:
            for key in ("shape", "dtype", "device", "requires_grad", "value", "grad"):
                attrs[key] = self.graph.nodes[source][key]
        node_id = self.add(attrs)
        self.add_edge(source, node_id)
        if t is not None:
            self.stats.add(self.graph.nodes[node_id], "value", t)
        self.graph.graph.setdefault("outputs", []).append(node_id)
        return node_id
