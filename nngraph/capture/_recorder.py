"""The state of one recording: forward calls, autograd nodes, gradients, then the graph.

How it works:
- `record()`'s `TorchFunctionMode` calls `on_call()` after every torch call (`F.linear`,
  `x + y`, `torch.zeros`, ...), once, at the level the user wrote it; `ModuleScope`'s global
  module hooks say which module is running;
- after each call, the autograd nodes it created are found by walking back from its outputs until
  known nodes, so every autograd node becomes exactly one graph node;
- a prehook on each autograd node catches the gradient flowing into it during `backward()`;
- a call that writes into a tensor in place (`x.add_(1)`, `w.grad.zero_()`) goes through
  `_inplace.py` just before and after it runs;
- statistics (`_stats.py`): small tensors are held and reduced together at the end
  (`finish()`); large ones are reduced at once (on a GPU to sums left on the device), and all
  are fetched to the host in one transfer per device.
"""

from __future__ import annotations

import math
import threading
import warnings
import weakref
from collections.abc import Callable
from types import FrameType
from typing import Any

import torch

from nngraph.capture._builder import (
    GraphBuilder,
    Names,
    autograd_node,
    grad_fn_of,
    new_node,
    tensor_meta,
    tensors_in,
)
from nngraph.capture._common import (
    READ_AS_PYTHON_VALUE,
    SAME_TENSOR,
    SHAPE_ONLY,
    UNINITIALISED,
    NNGraphWarning,
    gives_back_parameters,
    hidden,
    next_sequence_nr,
    scalar_arguments,
    still_running,
    tensors_within,
)
from nngraph.capture._functorch import transforms_active, unwrapped
from nngraph.capture._leaves import GradsBefore, LeafGrads
from nngraph.capture._passes import (
    BackwardPasses,
    all_outputs,
    joined,
    outputs_returned,
    results_by_node,
)
from nngraph.capture._scope import ModuleScope
from nngraph.capture._units import channels_first, is_relu
from nngraph.capture._weight_updates import WeightCopies
from nngraph.errors import stacklevel_outside
from nngraph.graph._operands import read_first
from nngraph.i18n import message

__all__ = ["Recorder"]


class Recorder:
    """The state of one recording; `finish()` turns it into a `Graph`."""

    def __init__(self, model: torch.nn.Module | None) -> None:
        self.names = Names()
        self.builder = GraphBuilder(self.names)
        self.graph = self.builder.graph
        self.scope = ModuleScope(self.names, model)
        self.scope.after_script = self._after_script
        #: the thread running the block: the patches of _bookkeeping.py are seen by all threads
        self.thread = threading.get_ident()
        self.busy = False
        self.custom_depth = 0
        #: forward ops the mode is running now: while one runs, the mode is off the stack,
        #: and a custom Function a tensor subclass or an outer mode applies in it is recorded
        self.running_ops = 0
        #: the frames of the `optimizer.step()` calls running now, whose ops are not recorded
        self.steps: list[FrameType] = []
        #: the parameters of every optimizer stepped in the block (by id): the models trained
        self.stepped: set[int] = set()
        #: those of them no backward reached before their step
        self.stepped_unreached: set[int] = set()
        #: an optimizer stepped with every `.grad` the block's backward gave it reset to None
        self.reset_before_step = False
        self.failed = False
        #: whether the end lists the models' unreached parameters (`trace` lists its model's)
        self.lists_unreached = True
        self.loading = 0  # a DataLoader is fetching a batch
        self.scaling = 0  # a `GradScaler` is unscaling, stepping or updating its scale
        self.warned_checkpoint = False
        self.warned_script = False
        self.untracked_loss = False  # a backward started from a loss made without autograd
        #: (node, output) pairs a `.backward()` started from (see _repeated.py)
        self.backward_roots: set[tuple[str, int]] = set()
        self.warned_backward_again = False
        self.in_cell = False  # a `%%nngraph` cell's recording: its warnings say "this cell"
        self.calls = 0
        self.seq_mark = next_sequence_nr()
        self.tensor_nodes: dict[int, tuple[weakref.ref[torch.Tensor], str]] = {}
        self.hooks: list[Any] = []
        self.backward_order = 0
        self.graph_tasks: set[int] = set()
        self.leaves = LeafGrads(self.builder)
        self.weights = WeightCopies()  # an EMA's update of the weights: left out
        self.passes = BackwardPasses(self.builder, self.leaves)  # op gradients over several passes
        self.replaced: set[str] = set()  # nodes whose tensor was written in place (see finish)
        #: tensors made from nothing (`torch.empty` in a layer's `__init__`, `torch.zeros`) that
        #: no recorded op has used yet, with their node's attributes
        self.unused: dict[int, tuple[weakref.ref[torch.Tensor], dict[str, Any]]] = {}
        #: data nodes met, with their tensors: an input changed in place keeps its name
        self.data_nodes: list[tuple[weakref.ref[torch.Tensor], str]] = []
        #: every leaf tensor that requires grad met in the block, with its `.grad` when met
        self.grads_before = GradsBefore()
        #: data nodes (an input, a parameter) that `trace()`'s model gave back as they were
        self.returned_data: dict[str, None] = {}
        #: nodes of what `trace()`'s model returned (see `_finish.results_of_model`), and how
        #: many calls its forward made: a result its own forward also uses (`{"features": h,
        #: "logits": fc(h)}`) is an output too (one only the loss uses is not: the loss's
        #: output ends that path)
        self.model_results: dict[str, tuple[int, ...]] = {}
        #: node -> a returned tensor its node does not describe: an untracked side result
        #: of a call (a `PackedSequence`'s `batch_sizes`, whose node shows the packed data)
        self.side_results: dict[str, torch.Tensor] = {}
        self.model_calls = 0
        #: ops whose result a module's forward read as a Python truth value or number (the
        #: check of `if torch.all(mask == 1):`): a result that ends there is no output, unless
        #: an outermost module call returned it (`outermost`, filled by `record()`)
        self.read_in_forward: dict[str, None] = {}  # an ordered set: outputs in call order
        self.outermost: set[str] = set()

    def paused(self) -> bool:
        """Whether torch calls reaching the mode now are left out: nngraph's own, those inside
        a custom `Function` (recorded as one call), all after a failure, and those of an
        `optimizer.step()`, of a `GradScaler`'s bookkeeping or of a `DataLoader` fetching a
        batch (see _bookkeeping.py)."""
        return bool(
            self.busy
            or self.custom_depth
            or self.failed
            or self.loading
            or self.scaling
            or (self.steps and still_running(self.steps))
        )

    # -- forward ----------------------------------------------------------------------------

    def on_call(self, name: str | None, args: Any, kwargs: Any, out: Any) -> None:
        if name is None:
            return
        self.busy = True
        try:
            if name in READ_AS_PYTHON_VALUE and self.scope.stack and args:
                node_id = self.node_of(args[0]) if isinstance(args[0], torch.Tensor) else None
                if node_id is not None:
                    self.read_in_forward.setdefault(node_id, None)
            outs = [out] if type(out) is torch.Tensor else tensors_in(out, [])
            if out is None and name == "setitem":
                outs = tensors_in(args[:1], [])
            if outs:
                ins = [] if name in SHAPE_ONLY else tensors_in(kwargs, tensors_in(args, []))
                transformed = transforms_active()  # torch.vmap, torch.func: see _functorch.py
                if transformed:
                    ins, outs = [unwrapped(t) for t in ins], [unwrapped(t) for t in outs]
                relu = is_relu(name, args, kwargs)
                self._add_call(name, ins, outs, scalar_arguments(args, kwargs), relu)
                if transformed:  # what it made besides (a tangent) is no later call's own
                    self.seq_mark = next_sequence_nr()
        except Exception as error:  # never break the user's computation because of us
            self._stop(name, error)
        finally:
            self.busy = False

    def _stop(self, name: str, error: Exception) -> None:
        self.failed = True
        warnings.warn(
            message("capture.stopped", op=name, error=f"{type(error).__name__}: {error}"),
            NNGraphWarning,
            stacklevel=4,
        )

    def returned(self, results: Any) -> list[str]:
        """The nodes that made the tensors in `results` (nested tuples, lists, dicts,
        dataclasses), once each, in their order there. A tensor that no recorded op made
        (`nn.Identity` gives back its input) gets the node of what it is, and an output node
        after it."""
        found: dict[str, None] = {}
        for t in tensors_within(results):
            fn = grad_fn_of(t)
            node_id = self.builder.ids.get(fn) if fn is not None else self.lookup(t)
            if node_id is None:
                with hidden():
                    node_id = self._source_of(t)
                self.returned_data.setdefault(node_id, None)
            elif fn is None:  # a call's untracked side result may not be what its node shows
                meta, attrs = tensor_meta(t), self.graph._node[node_id]
                if (meta["shape"], meta["dtype"]) != (attrs["shape"], attrs["dtype"]):
                    self.side_results.setdefault(node_id, t)
            found[node_id] = None
        return list(found)

    def lookup(self, t: torch.Tensor) -> str | None:
        hit = self.tensor_nodes.get(id(t))
        return hit[1] if hit is not None and hit[0]() is t else None

    def node_of(self, t: torch.Tensor) -> str | None:
        """The recorded node that made `t`: its autograd node's, or the one of an untracked
        tensor (`acc`, a loss under no_grad)."""
        fn = grad_fn_of(t)
        return self.builder.ids.get(fn) if fn is not None else self.lookup(t)

    def _op_of(self, t: torch.Tensor) -> str | None:
        """The op of the recorded node that made `t`, if any."""
        node_id = self.lookup(t)
        return None if node_id is None else self.graph._node[node_id]["op"]

    def _remember(self, t: torch.Tensor, node_id: str) -> None:
        self.tensor_nodes[id(t)] = (weakref.ref(t), node_id)

    def _source_of(self, t: torch.Tensor, *, written: bool = False) -> str:
        """The node that produced an input tensor, adding it (and its history) if unknown.

        A leaf that requires grad (a parameter) is its AccumulateGrad node, also where a call
        under `no_grad` reads it first: a later tracked use then finds the same node. `written`:
        `t` is met because a recorded op is about to write into it (`torch.empty_like(x)
        .normal_()`): what an `empty` factory holds then is leftover memory, not values.
        """
        fn = autograd_node(t)
        if fn is not None:
            self._walk([fn])
            return self.builder.ids[fn]
        node_id = self.lookup(t)
        if node_id is not None:
            return node_id
        ref, made = self.unused.pop(id(t), (None, None))
        if ref is not None and ref() is t and made is not None:
            # A tensor made in the block (`torch.zeros`): its values as first used, after what
            # unrecorded code did to it (`nn.init.zeros_(w)`).
            node_id = self.builder.add(made)
            if not (written and made["op"] in UNINITIALISED):
                self.builder.stats.add(made, "value", t)
        else:
            # first met in a model's forward and no input of it: a constant the recording did
            # not see being made (`torch.from_numpy(mask)`, a tensor kept as a plain attribute)
            made_inside = bool(self.scope.stack) and not self.scope.given(t)
            node_id = self.builder.add_data(t, other="constant" if made_inside else "input")
            self.data_nodes.append((weakref.ref(t), node_id))
        self._remember(t, node_id)
        return node_id

    def _walk(
        self, roots: list[Any], call: dict[str, Any] | None = None, described: Any = None
    ) -> list[str]:
        """Add new autograd nodes and hook them; those created since the last call (sequence
        numbers from `seq_mark` on) belong to `call`. The caller fills in the shape, dtype and
        device of the root `described` from its tensor."""
        builder = self.builder
        end = next_sequence_nr() if call is not None else math.inf  # this thread's, as the mark
        new = builder.walk(roots, call, self.seq_mark, described=described, call_end=end)
        leaf_fns, fns, hooks = builder.leaf_fns, builder.fns, self.hooks
        for node_id in new:
            leaf = leaf_fns.get(node_id)
            if leaf is not None:
                variable = leaf.variable
                made = self.lookup(variable)
                if made is not None and made != node_id:
                    # a recorded result made a leaf (`.requires_grad_()`, WGAN-GP's interpolates)
                    builder.add_edge(made, node_id)
                self._remember(variable, node_id)
                self.grads_before.met.setdefault(id(variable), (variable, variable.grad))
            hooks.append(fns[node_id].register_prehook(self._grad_hook(node_id, leaf is not None)))
        if call is not None:
            for fn in roots:  # the call's own nodes are labelled by it; inner steps keep theirs
                attrs = self.graph._node[builder.ids[fn]]
                if attrs["call"] == call["call"]:
                    attrs["label"] = call["op"]
        return new

    def _after_script(self) -> None:
        """A TorchScript module returned: none of its ops reached the mode. Its autograd
        nodes are walked later, by the first recorded call that uses them, and must not be
        taken for that call's own (they keep their autograd names)."""
        self.seq_mark = next_sequence_nr()
        if not self.warned_script:
            self.warned_script = True
            where = stacklevel_outside()
            warnings.warn(message("capture.script_module_ran"), NNGraphWarning, stacklevel=where)

    def _add_call(
        self,
        name: str,
        ins: list[torch.Tensor],
        outs: list[torch.Tensor],
        settings: str | None,
        relu: bool,
    ) -> None:
        call = self.calls
        self.calls += 1
        call_attrs: dict[str, Any] = {
            "op": name,
            "module": self.scope.path,
            "module_type": self.scope.module_type,
            "call": call,
        }
        if name == "BackwardHookFunction" and self.scope.left_path is not None:
            # PyTorch wraps a module's outputs for its full backward hooks once it has left
            call_attrs["module"] = self.scope.left_path
            call_attrs["module_type"] = type(self.scope.modules[self.scope.left_path]).__name__
        if settings is not None:
            call_attrs["args"] = settings
        if len(outs) == 1:  # the common case, without building generators
            tracked_out = outs[0]
            if tracked_out._base is not None and ins and tracked_out is ins[0]:
                # An in-place op on a view changed its base: the base's new node is the result.
                # (Reading the view's own node would make one, left dangling if unused.) It
                # shows the view when that spans the whole base (`h.transpose(0, 1).mul_(g)`,
                # timm's LayerScale: the values as shaped by the op), else the base (`h[:, 0]
                # += 1`: what later ops read from the node is all of `h`).
                base = tracked_out._base
                head = grad_fn_of(base)
                if base.numel() != tracked_out.numel():
                    tracked_out = base
            else:
                head = grad_fn_of(tracked_out)
            heads = [head] if head is not None else []
        else:
            made_by = results_by_node(outs)
            heads = list(made_by)
            mine = made_by[heads[0]] if heads else []  # `unbind`'s: all of them
            tracked_out = mine[0] if mine else outs[0]
        # heads[0]'s shape, dtype and device come from `tracked_out` below
        new = self._walk(heads, call_attrs, heads[0]) if heads else []
        ids, returned = self.builder.ids, self.builder.returned_outputs
        for fn in heads:
            self.seq_mark = max(self.seq_mark, int(fn._sequence_nr()) + 1)
            head_attrs = self.graph._node[ids[fn]]
            if head_attrs["call"] == call:  # a node this call made
                returned[ids[fn]] = outputs_returned(fn, outs)
                if fn is not heads[0]:  # what else it returned (an LSTM's h_n and c_n)
                    self.builder.stats.add(head_attrs, "value", joined(made_by[fn]))
        if heads and not new:
            # It gave back a tracked tensor it was given (`.contiguous()`): no new node, unless
            # it made an untracked one too (`broadcast_tensors(mu, scale)` in `Normal(mu, 1.0)`)
            outs = [t for t in outs if grad_fn_of(t) is None and all(t is not i for i in ins)]
            if not outs:
                return
            heads, tracked_out = [], outs[0]
            ins = [t for t in ins if not t.requires_grad]  # what the new tensor is made from
        elif not heads and name in SAME_TENSOR and gives_back_parameters(ins, outs):
            return  # `w.to(x.dtype)` gave back the parameter: later ops read it, not a node
        if heads:
            target = self.builder.ids[heads[0]]
            attrs = self.graph._node[target]
            attrs.update(tensor_meta(tracked_out))
            shown = tracked_out if len(outs) == 1 or len(mine) < 2 else joined(mine)
            self.builder.stats.add(attrs, "value", shown)
        elif name.endswith("_") and ins and outs[0] is ins[0] and id(ins[0]) in self.names.buffers:
            return  # a module updating its own state, like BatchNorm's batch counter: not data flow
        else:
            attrs = new_node(
                "op" if ins else "constant", name, **call_attrs, **tensor_meta(outs[0])
            )
            if not ins:  # made from nothing: a node once a recorded op uses it (see _source_of)
                for t in outs:
                    self.unused[id(t)] = (weakref.ref(t), attrs)
                return
            self.builder.stats.add(attrs, "value", outs[0])
            target = self.builder.add(attrs)
        for t in ins:
            if (not t.requires_grad and grad_fn_of(t) is None) or not heads:
                source = self._source_of(t)
                if source != target:
                    self.builder.add_edge(source, target)
        if heads and len(self.graph._pred[target]) > 1:  # in the call's order, not autograd's
            read_first(self.graph, target, [self.node_of(t) for t in ins])
        for t in outs:
            if grad_fn_of(t) is None:
                self._remember(t, target)
        if relu:  # where the units are is only in doubt for 3 dimensions or more
            first = (
                tracked_out.dim() >= 3 and bool(ins) and channels_first(ins[0], self._op_of(ins[0]))
            )
            self.builder.stats.add_dead_units(attrs, "dead", tracked_out, channels_first=first)

    # -- backward ---------------------------------------------------------------------------

    def _grad_hook(self, node_id: str, leaf: bool) -> Callable[[tuple[Any, ...]], None]:
        """A prehook for the autograd node of `node_id`: it sees the gradient flowing in."""
        attrs = self.graph._node[node_id]
        graph_tasks, stats, passes = self.graph_tasks, self.builder.stats, self.passes
        fns, returned = self.builder.fns, self.builder.returned_outputs

        def hook(grad_outputs: tuple[Any, ...]) -> None:
            self.busy = True
            try:
                graph_tasks.add(torch._C._current_graph_task_id())
                if attrs["backward_order"] is None:
                    attrs["backward_order"] = self.backward_order
                    self.backward_order += 1
                if len(grad_outputs) == 1:
                    grad = grad_outputs[0]
                else:  # several outputs (`unbind`): those the call returned
                    with hidden():
                        grad = all_outputs(
                            fns.get(node_id), grad_outputs, returned.get(node_id, ())
                        )
                if leaf:  # summarised from `.grad` later (see LeafGrads)
                    self.leaves.reached(node_id, grad)
                elif passes.watching:  # several backward passes may reach it
                    passes.received(node_id, attrs, grad)
                else:
                    with hidden():
                        stats.add(attrs, "grad", grad)
            finally:
                self.busy = False

        return hook
