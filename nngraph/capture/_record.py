"""`record()` and `trace()`: watch forward calls as they run, and the backward pass after them.

How it works:
- a `TorchFunctionMode` sees every torch call (`F.linear`, `x + y`, `torch.zeros`, ...) once, at
  the level the user wrote it; global module hooks say which module is running;
- after each call, the autograd nodes it created are found by walking back from its outputs until
  known nodes, so every autograd node becomes exactly one graph node;
- a prehook on each autograd node catches the gradient flowing into it during `backward()`;
- statistics stay on the device until the with-block ends, then come to the host in one transfer.
Everything is removed when the with-block ends, also when the code inside raises.
"""

from __future__ import annotations

import sys
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import torch
from torch.autograd.function import Function
from torch.overrides import TorchFunctionMode

from nngraph.capture._builder import (
    GraphBuilder,
    Names,
    fill_module_types,
    gc_paused,
    new_node,
    tensor_meta,
)
from nngraph.capture._scope import ModuleScope
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["NNGraphWarning", "Recording", "record", "trace"]

# Tensor attributes that are real operations; other attribute reads (`.grad`, `.data`) are not.
_PROPERTY_OPS = frozenset({"T", "mT", "H", "mH", "real", "imag"})
_NOT_OPS = frozenset(
    {
        "__set__", "__repr__", "__format__", "__str__", "__reduce_ex__", "__deepcopy__",
        "__setstate__", "backward", "grad", "requires_grad_", "retain_grad", "register_hook",
        "register_post_accumulate_grad_hook", "_make_subclass", "__torch_function__",
    }
)  # fmt: skip
_BACKWARD_CALLS = frozenset({"backward", "grad"})
_RELU = frozenset({"relu", "relu_"})


class NNGraphWarning(UserWarning):
    """nngraph could not record part of a computation; the computation itself was not changed."""


def _call_name(func: Any) -> str | None:
    name = getattr(func, "__name__", None) or type(func).__name__
    if name == "__get__":
        prop = getattr(getattr(func, "__self__", None), "__name__", "")
        return prop if prop in _PROPERTY_OPS else None
    if name in _NOT_OPS:
        return None
    if name.startswith("__") and name.endswith("__"):
        return name[2:-2]
    return str(name)


def _tensors(obj: Any, out: list[torch.Tensor]) -> list[torch.Tensor]:
    """Append the tensors inside `obj` (nested tuples, lists, dicts) to `out`."""
    if isinstance(obj, torch.Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            _tensors(item, out)
    elif isinstance(obj, dict):
        for item in obj.values():
            _tensors(item, out)
    return out


def _next_sequence_nr() -> int:
    """The sequence number autograd will give the next node it creates on this thread."""
    with torch.enable_grad():
        fn = torch.zeros((), requires_grad=True).clone().grad_fn
    assert fn is not None
    return int(fn._sequence_nr()) + 1


class Recording:
    """What `ng.record()` yields: `.graph` is ready once the with-block has ended."""

    def __init__(self, recorder: _Recorder) -> None:
        self._graph: Graph | None = None
        self._recorder = recorder

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            raise NNGraphError(message("capture.graph_not_ready"))
        return self._graph


class _Mode(TorchFunctionMode):
    def __init__(self, recorder: _Recorder) -> None:
        super().__init__()
        self.recorder = recorder

    def __torch_function__(
        self,
        func: Any,
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        recorder = self.recorder
        if getattr(func, "__name__", None) in _BACKWARD_CALLS:
            # Nodes a `create_graph=True` backward made belong to no forward call.
            recorder.seq_mark = _next_sequence_nr()
        if not (recorder.busy or recorder.custom_depth or recorder.failed):
            recorder.on_call(_call_name(func), args, kwargs, out)
        return out


class _Recorder:
    """The state of one recording; `finish()` turns it into a `Graph`."""

    def __init__(self, model: torch.nn.Module | None) -> None:
        self.names = Names()
        self.builder = GraphBuilder(self.names)
        self.graph = self.builder.graph
        self.scope = ModuleScope(self.names, model)
        self.busy = False
        self.custom_depth = 0
        self.failed = False
        self.calls = 0
        self.seq_mark = _next_sequence_nr()
        self.tensor_nodes: dict[int, tuple[weakref.ref[torch.Tensor], str]] = {}
        self.hooks: list[Any] = []
        self.hooked: set[str] = set()
        self.backward_order = 0
        self.graph_tasks: set[int] = set()
        self.leaf_grads: dict[str, torch.Tensor | None] = {}

    # -- forward ----------------------------------------------------------------------------

    def on_call(self, name: str | None, args: Any, kwargs: Any, out: Any) -> None:
        if name is None:
            return
        self.busy = True
        try:
            outs = _tensors(out, [])
            if out is None and name == "setitem":
                outs = _tensors(args[:1], [])
            if outs:
                self._add_call(name, _tensors(kwargs, _tensors(args, [])), outs)
        except Exception as error:  # never break the user's computation because of us
            self.failed = True
            warnings.warn(
                message("capture.stopped", op=name, error=f"{type(error).__name__}: {error}"),
                NNGraphWarning,
                stacklevel=3,
            )
        finally:
            self.busy = False

    def _lookup(self, t: torch.Tensor) -> str | None:
        hit = self.tensor_nodes.get(id(t))
        return hit[1] if hit is not None and hit[0]() is t else None

    def _remember(self, t: torch.Tensor, node_id: str) -> None:
        self.tensor_nodes[id(t)] = (weakref.ref(t), node_id)

    def _source_of(self, t: torch.Tensor) -> str:
        """The node that produced an input tensor, adding it (and its history) if unknown."""
        if t.grad_fn is not None:
            self._walk([t.grad_fn], {})
            return self.builder.ids[t.grad_fn]
        node_id = self._lookup(t)
        if node_id is None:
            node_id = self.builder.add_data(t)
            self._remember(t, node_id)
        return node_id

    def _walk(self, roots: list[Any], call_attrs: dict[str, Any]) -> list[str]:
        """Add new autograd nodes; those created since the last call belong to this call."""
        builder, graph = self.builder, self.graph
        new = builder.walk(roots)
        for node_id in new:
            attrs = graph.nodes[node_id]
            if node_id in builder.leaf_fns:
                fn = builder.leaf_fns[node_id]
                self._remember(fn.variable, node_id)
            elif call_attrs and attrs["seq"] >= self.seq_mark:
                label = attrs["label"]  # inner steps of a call (linear's `t`) keep their own name
                attrs.update(call_attrs)
                if builder.fns[node_id] not in roots:
                    attrs["label"] = label
            self._hook(node_id)
        return new

    def _add_call(self, name: str, ins: list[torch.Tensor], outs: list[torch.Tensor]) -> None:
        call = self.calls
        self.calls += 1
        call_attrs: dict[str, Any] = {
            "op": name,
            "label": name,
            "module": self.scope.path,
            "module_type": self.scope.module_type,
            "call": call,
        }
        heads = list(dict.fromkeys(t.grad_fn for t in outs if t.grad_fn is not None))
        new = self._walk(heads, call_attrs) if heads else []
        for fn in heads:
            self.seq_mark = max(self.seq_mark, int(fn._sequence_nr()) + 1)
        if heads and not new:
            return  # the call returned a tensor it was given (e.g. `.contiguous()`): no new node
        if heads:
            target = self.builder.ids[heads[0]]
            tracked_out = next(t for t in outs if t.grad_fn is heads[0])
            attrs = self.graph.nodes[target]
            attrs.update(tensor_meta(tracked_out))
            self.builder.stats.add(attrs, "value", tracked_out)
        elif name.endswith("_") and ins and outs[0] is ins[0] and id(ins[0]) in self.names.buffers:
            return  # a module updating its own state, like BatchNorm's batch counter: not data flow
        else:
            kind = "op" if ins else "constant"
            attrs = new_node(kind, **call_attrs, **tensor_meta(outs[0]))
            target = self.builder.add(attrs)
            attrs = self.graph.nodes[target]
            self.builder.stats.add(attrs, "value", outs[0])
            tracked_out = outs[0]
        for t in ins:
            if (t.grad_fn is None and not t.requires_grad) or not heads:
                source = self._source_of(t)
                if source != target:
                    self.graph.add_edge(source, target)
        for t in outs:
            if t.grad_fn is None:
                self._remember(t, target)
        if name in _RELU:
            self._count_dead_units(attrs, tracked_out)

    def _count_dead_units(self, attrs: dict[str, Any], out: torch.Tensor) -> None:
        """[dead, units]: units (features of 2-d/3-d, channels of 4-d+) zero for the whole batch.

        A ReLU output is never negative, so a unit is alive exactly when its maximum over the
        batch (and positions) is above zero: one reduction. For 3-d outputs the last dimension
        is taken as the features (sequence models).
        """
        if out.dim() < 2 or not out.is_floating_point():
            return
        unit_dim = out.dim() - 1 if out.dim() == 3 else 1
        others = [d for d in range(out.dim()) if d != unit_dim]
        alive = (out.detach().amax(dim=others) > 0).sum().reshape(1)
        units = out.shape[unit_dim]
        self.builder.stats.add_numbers(attrs, "dead", alive, lambda n: [units - n[0], units])

    # -- backward ---------------------------------------------------------------------------

    def _hook(self, node_id: str) -> None:
        fn = self.builder.fns.get(node_id)
        if fn is None or node_id in self.hooked:
            return
        self.hooked.add(node_id)
        self.hooks.append(fn.register_prehook(self._grad_hook(node_id)))

    def _grad_hook(self, node_id: str) -> Callable[[tuple[Any, ...]], None]:
        attrs = self.graph.nodes[node_id]
        leaf = node_id in self.builder.leaf_fns

        def hook(grad_outputs: tuple[Any, ...]) -> None:
            self.busy = True
            try:
                self.graph_tasks.add(torch._C._current_graph_task_id())
                if attrs["backward_order"] is None:
                    attrs["backward_order"] = self.backward_order
                    self.backward_order += 1
                grad = next((g for g in grad_outputs if isinstance(g, torch.Tensor)), None)
                if leaf:  # summarised once at the end, from `.grad` (see finish)
                    self.leaf_grads[node_id] = grad
                else:
                    self.builder.stats.add(attrs, "grad", grad)
            finally:
                self.busy = False

        return hook

    # -- the end ----------------------------------------------------------------------------

    def name_variables(self, namespace: Mapping[str, Any]) -> None:
        """Name inputs and outputs after the variables that hold them (`a`, `x`, `loss`).

        A variable's name wins over the parameter name of `forward` (Sequential calls it `input`).
        """
        graph, builder = self.graph, self.builder
        tensors = {
            id(v): k for k, v in namespace.items() if isinstance(v, torch.Tensor) and k[:1] != "_"
        }
        nodes = [(ref(), node_id) for ref, node_id in self.tensor_nodes.values()]
        nodes += [(fn.variable, node_id) for node_id, fn in builder.leaf_fns.items()]
        for tensor, node_id in nodes:
            attrs = graph.nodes[node_id]
            if tensor is not None and attrs["kind"] in ("input", "constant"):
                name = tensors.get(id(tensor))
                if name is not None:
                    attrs["name"] = attrs["label"] = name
        for value in namespace.values():
            source = builder.ids.get(
                getattr(value, "grad_fn", None) if isinstance(value, torch.Tensor) else None
            )
            for output in graph.successors(source) if source is not None else ():
                if graph.nodes[output]["kind"] == "output":
                    name = tensors[id(value)]
                    graph.nodes[output].update(name=name, label=name)

    def finish(self, namespace: Mapping[str, Any] | None = None) -> Graph:
        """Remove every hook, fetch the statistics, name what the namespace names, return the graph."""
        for handle in self.hooks:
            handle.remove()
        self.hooks.clear()
        graph, builder = self.graph, self.builder
        for node_id, grad in self.leaf_grads.items():
            # What a student compares with: `.grad` after the backward (accumulated, as autograd
            # does); for `torch.autograd.grad`, which leaves `.grad` alone, the gradient itself.
            attrs = graph.nodes[node_id]
            variable_grad = builder.leaf_fns[node_id].variable.grad
            builder.stats.add(attrs, "grad", grad if variable_grad is None else variable_grad)
            if len(self.graph_tasks) == 1 and _comparable(variable_grad, grad):
                # One backward, yet .grad differs from what it computed: added to an old .grad.
                differs = (variable_grad != grad).any().reshape(1)
                builder.stats.add_numbers(attrs, "grad_accumulated", differs, lambda n: bool(n[0]))
        self.leaf_grads.clear()
        outputs = [
            n
            for n, d in graph.nodes(data=True)
            if d["kind"] == "op" and d["call"] is not None and graph.out_degree(n) == 0
        ]
        for source in outputs:
            builder.add_output(source, None)
        builder.stats.flush()
        for node_id, attrs in graph.nodes(data=True):
            if attrs["kind"] == "output":
                (source,) = graph.predecessors(node_id)
                attrs["value"] = graph.nodes[source]["value"]
                attrs["grad"] = graph.nodes[source]["grad"]
        if namespace is not None:
            self.name_variables(namespace)
        fill_module_types(graph, self.scope.module_table())
        graph.graph.update(
            source="record",
            backward_passes=len(self.graph_tasks),
            modules=graph.graph["modules"],
            complete=not self.failed,
        )
        graph.graph.setdefault("outputs", [])
        builder.ids.clear()
        builder.fns.clear()
        builder.leaf_fns.clear()
        return graph


def _comparable(a: torch.Tensor | None, b: torch.Tensor | None) -> bool:
    return a is not None and b is not None and a.shape == b.shape and a.layout == torch.strided


@contextmanager
def _patched_function_apply(recorder: _Recorder) -> Iterator[None]:
    """Record a custom `torch.autograd.Function` as one call, not the ops inside its forward."""
    original = Function.__dict__["apply"]

    def apply(cls: type, *args: Any, **kwargs: Any) -> Any:
        if recorder.busy or recorder.custom_depth or recorder.failed:
            return original.__func__(cls, *args, **kwargs)
        recorder.custom_depth += 1
        try:
            out = original.__func__(cls, *args, **kwargs)
        finally:
            recorder.custom_depth -= 1
        recorder.on_call(cls.__name__, args, kwargs, out)
        return out

    Function.apply = classmethod(apply)  # type: ignore[assignment, method-assign]
    try:
        yield
    finally:
        Function.apply = original  # type: ignore[method-assign]


@contextmanager
def record(
    model: torch.nn.Module | None = None, *, names: Mapping[str, Any] | None = None
) -> Iterator[Recording]:
    """Record every torch operation run inside the block, and its backward pass.

    Each op node gets the module path that ran it, its output shape, dtype, device and value
    statistics; if `backward()` runs inside the block, every node also gets the statistics of the
    gradient that flowed into it, and parameters those of their `.grad`. Module paths are
    relative to `model` when given, else to the first module with parameters that runs. Inputs
    and outputs are named after the variables holding them when the block ends: the caller's
    local variables, or `names` (a namespace such as a notebook's) when given.

        >>> import torch, nngraph as ng
        >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())
        >>> x = torch.randn(2, 3)
        >>> with ng.record() as rec:
        ...     loss = model(x).sum()
        ...     loss.backward()
        >>> [d["module"] for _, d in rec.graph.nodes(data=True) if d["op"] == "relu"]
        ['1']
        >>> sorted(d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] in ("input", "output"))
        ['loss', 'x']
    """
    if model is not None and not isinstance(model, torch.nn.Module):
        raise NNGraphError(
            message("capture.not_a_module", call="record(model)", got=type(model).__name__)
        )
    caller = sys._getframe(2)  # the frame of the `with` statement (1 is contextlib's __enter__)
    recorder = _Recorder(model)
    recording = Recording(recorder)
    try:
        with _patched_function_apply(recorder), _Mode(recorder):
            yield recording
    finally:
        recorder.scope.close()
        recording._graph = recorder.finish(caller.f_locals if names is None else names)
        del caller


def trace(
    model: torch.nn.Module,
    *inputs: Any,
    loss: Callable[[Any], torch.Tensor] | None = None,
    **kwargs: Any,
) -> Graph:
    """Run `model(*inputs, **kwargs)` (and `loss(output).backward()` if `loss` is given) inside
    `record(model)` and return the graph.

    The model comes back exactly as it was: same weights and buffers (a BatchNorm's running
    statistics are put back), same `training` flag, same `requires_grad` flags, and the `.grad`
    of every parameter as before the call.

        >>> import torch, nngraph as ng
        >>> model = torch.nn.Linear(3, 1)
        >>> g = ng.trace(model, torch.randn(4, 3), loss=lambda y: y.pow(2).mean())
        >>> g.nodes[[n for n, d in g.nodes(data=True) if d["name"] == "weight"][0]]["grad"] is None
        False
    """
    if not isinstance(model, torch.nn.Module):
        raise NNGraphError(
            message("capture.not_a_module", call="trace()", got=type(model).__name__)
        )
    if loss is not None and not callable(loss):
        raise NNGraphError(message("capture.loss_not_callable"))
    saved_grads = {p: p.grad for p in model.parameters()}
    saved_buffers = [(b, b.clone()) for b in model.buffers()]
    for p in saved_grads:
        p.grad = None
    try:
        with gc_paused(), torch.enable_grad(), record(model, names={}) as rec:
            rec._recorder.scope.name_inputs(model, inputs, kwargs)
            output = model(*inputs, **kwargs)
            if loss is not None:
                value = loss(output)
                if not isinstance(value, torch.Tensor) or value.numel() != 1:
                    got = type(value).__name__
                    if isinstance(value, torch.Tensor):
                        got += f" {tuple(value.shape)}"
                    raise NNGraphError(message("capture.loss_not_scalar", got=got))
                if value.grad_fn is None:
                    raise NNGraphError(message("capture.loss_no_history"))
                value.backward()
    finally:
        for p, grad in saved_grads.items():
            p.grad = grad
        with torch.no_grad():
            for buffer, value in saved_buffers:
                buffer.copy_(value)
    return rec.graph
