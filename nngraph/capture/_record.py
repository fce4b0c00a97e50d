"""`record()`: watch forward calls as they run, and the backward pass after them (`trace()`,
in `_trace.py`, runs one model inside it).

How it works: see `_recorder.py`, which holds the bookkeeping. Everything `record()` installs
(the torch-function mode, module hooks, autograd prehooks) is removed when the with-block
ends, also when the code inside raises.
"""

from __future__ import annotations

import inspect
import os
import sys
import threading
import warnings
import weakref
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from nngraph._gc import gc_paused
from nngraph.capture._bookkeeping import (
    SetupCheck,
    data_loading_unrecorded,
    in_bookkeeping,
    optimizer_steps_unrecorded,
)
from nngraph.capture._builder import grad_fn_of, tensors_in
from nngraph.capture._calls import UNSCALE, about, changed_in_place, has_history
from nngraph.capture._common import NNGraphWarning, drop_recording_frames, hidden, next_sequence_nr
from nngraph.capture._finish import finish
from nngraph.capture._functorch import transforms_active
from nngraph.capture._inplace import after_in_place, before_write
from nngraph.capture._label_errors import LABEL_LOSSES, add_label_note
from nngraph.capture._naming import mark_unused, outermost_results, results_nothing_used
from nngraph.capture._patches import compiled_code_runs_eagerly, patched_function_apply
from nngraph.capture._ran import TookPart, idle_model, idle_model_text, took_part
from nngraph.capture._recorder import Recorder
from nngraph.capture._recursion import add_recursion_note
from nngraph.capture._repeated import note_backward_roots
from nngraph.capture._script import after_script_function
from nngraph.capture._swap import swapped
from nngraph.capture._untracked_loss import forward_before, note_untracked_loss
from nngraph.capture._warnings import warnings_at_callers
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["NNGraphWarning", "RecordBlock", "Recording", "record", "record_cell"]


class Recording:
    """What `ng.record()` yields: `.graph` is ready once the with-block has ended. The
    recorder is let go then, so a `rec` kept in a notebook holds the graph and nothing else.

        >>> import torch, nngraph as ng
        >>> with ng.record() as rec:
        ...     y = (torch.ones(2, requires_grad=True) * 2).sum()
        >>> rec.graph.number_of_nodes() > 0
        True
    """

    def __init__(self, recorder: Recorder) -> None:
        self._graph: Graph | None = None
        self._recorder: Recorder | None = recorder
        #: a backward ran in the block but reached no node of it: its forward ran before the
        #: block ("before"), or the block made its loss without autograd ("untracked")
        self.forward_before: str | None = None
        #: which models ran in the block (see `_ran.py`); a given model that did not: the
        #: variables holding it and those holding the models that ran
        self.took_part = TookPart([], [], [])
        self.idle_model: tuple[list[str], list[str]] | None = None

    @property
    def graph(self) -> Graph:
        """The recorded graph; inside the with-block it is not ready yet (an `NNGraphError`).

        >>> import torch, nngraph as ng
        >>> with ng.record() as rec:
        ...     y = torch.ones(2, requires_grad=True).sum()
        ...     rec.graph
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: rec.graph is ready when the ... block ends
        >>> sorted(d["kind"] for _, d in rec.graph.nodes(data=True))[:1]
        ['input']
        """
        if self._graph is None:
            raise NNGraphError(message("capture.graph_not_ready"))
        return self._graph


class _Mode(TorchFunctionMode):
    def __init__(self, recorder: Recorder, caller: FrameType) -> None:
        super().__init__()
        self.recorder = recorder
        self.building = SetupCheck(caller)

    def __torch_function__(
        self,
        func: Any,
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        __tracebackhide__ = True  # IPython: an error in a torch call is the user's, not ours
        kwargs = kwargs or {}
        recorder = self.recorder
        name, writes_first, runs_backward, sets_grad = about(func)
        if sets_grad and args and recorder.leaves.grads:
            with hidden():
                recorder.leaves.before_grad_set(args[0])
        building = self.building(recorder.scope.stack, name, args, kwargs)
        recording = not (recorder.paused() or in_bookkeeping() or building)
        update = False  # `w -= lr * w.grad`: only possible once a backward reached a leaf
        if recording and recorder.leaves.watching:
            with hidden():
                update = recorder.leaves.from_gradients(args, kwargs)
        changed = changed_in_place(func, writes_first, args, kwargs)
        weights = recorder.weights
        updates = weights.writes_weight(changed, top_level=not recorder.scope.stack)
        if updates and recording:  # an EMA's `pe.lerp_(p, 0.01)`: left out, as a step is
            recording = False
            with hidden():
                weights.feed(
                    [n for t in tensors_in((args, kwargs), []) if (n := recorder.lookup(t))]
                )
        into = kwargs.get("out")
        if update and isinstance(changed, torch.Tensor):  # `w -= lr * w.grad`: a step of w
            with hidden():
                recorder.leaves.before_update(changed)
        first = changed if recording and not update and isinstance(changed, torch.Tensor) else None
        old_fn = grad_fn_of(first) if first is not None else None
        writes_grad = False  # `w.grad.zero_()`: bookkeeping, not part of the computation
        if (changed is not None or into is not None) and (
            first is not None or recorder.builder.stats.holding or recorder.leaves.grads
        ):
            with hidden():
                unscaling = func is UNSCALE
                writes_grad = before_write(recorder, [changed, into], first, unscaling=unscaling)
        if runs_backward:  # how it is run says whether a later pass can add to its gradients
            if func is not torch.autograd.grad and args:
                with hidden():
                    note_untracked_loss(recorder, args[0])
                    note_backward_roots(recorder, func, args, kwargs)
            started = recorder.passes.begin(func, kwargs)
            try:
                out = func(*args, **kwargs)
            finally:
                ended = recorder.passes.end(started)
        else:
            recorder.running_ops += 1
            try:
                out = func(*args, **kwargs)
            except (RuntimeError, IndexError, ValueError) as error:
                if func in LABEL_LOSSES and args:  # float labels, one output unit, ...
                    add_label_note(error, args[0])
                raise
            finally:
                recorder.running_ops -= 1
        if building:
            self.building.made(out)
        weights.note_alias(func, args, out)
        if updates and isinstance(changed, torch.Tensor):
            with hidden():
                _shown_as_updated(recorder, changed)
        if update and changed is None and has_history(out):
            # Computed from a gradient, yet part of autograd's graph: not an update but the
            # next computation (FGSM's `x + eps * x.grad.sign()`, a first-order MAML step)
            update = False
        if runs_backward:
            if not transforms_active():  # `torch.func.grad`'s runs on its wrappers' nodes
                recorder.passes.ran += 1
            # Nodes a `create_graph=True` backward made belong to no forward call.
            recorder.seq_mark = next_sequence_nr()
            if func is torch.autograd.grad:  # the gradients of leaves come back, not in .grad
                with hidden():
                    inputs = args[1] if len(args) > 1 else kwargs["inputs"]
                    recorder.passes.returned(inputs, out, ended)
        if update:
            with hidden():
                recorder.leaves.computed_from_gradients(args, out)
        elif recording and name is not None and not (writes_grad or recorder.failed):
            with hidden():
                recorder.on_call(name, args, kwargs, out)
                if first is not None:
                    after_in_place(recorder, old_fn, first)
        return out


def _shown_as_updated(recorder: Recorder, weight: torch.Tensor) -> None:
    """After a write into `weight` left out of the graph: a weight read so far only by the
    untracked ops at top level that computed the update (`0.99 * pe`, pruned at the end)
    shows its values as updated, those the computation that uses it next reads."""
    weight = recorder.weights.original(weight)  # `p.data`, a `state_dict()` value: `p`
    node = recorder.lookup(weight)
    graph = recorder.graph
    if node is None or node not in graph:
        return
    if recorder.weights.only_feeds(graph, node):
        recorder.builder.stats.add(graph._node[node], "value", weight)


class RecordBlock:
    """What `ng.record()` returns: a context manager; `with ng.record() as rec:` gives the
    `Recording` whose `.graph` is read after the block."""

    def __init__(self, model: torch.nn.Module | None, names: Mapping[str, Any] | None) -> None:
        self._model, self._names = model, names
        self._blocks: list[tuple[AbstractContextManager[Recording], Recording]] = []
        self._entered = False  # `with rec:` was written, without `as`
        self.warns = True  # that the block's backward reached nothing it recorded
        self.in_cell = False  # a `%%nngraph` cell's: its warnings say "this cell"

    def __enter__(self) -> Recording:
        block = _recording(self._model, self._names, sys._getframe(1))  # the `with` statement's
        recording = block.__enter__()
        if recording._recorder is not None:
            recording._recorder.in_cell = self.in_cell
        self._blocks.append((block, recording))
        self._entered = True
        return recording

    def __exit__(self, *exc: Any) -> bool | None:
        block, recording = self._blocks.pop()
        suppressed = block.__exit__(*exc)
        if exc[1] is not None:  # the block's error shows as it would without the recording
            add_recursion_note(exc[1])
            drop_recording_frames(exc[1])
        elif recording.forward_before and self.warns:
            before = recording.forward_before == "before"
            warnings.warn(
                message("capture.forward_before_block" if before else "capture.untracked_loss"),
                NNGraphWarning,
                stacklevel=stacklevel_outside(),  # the `with` statement's line
            )
        elif recording.idle_model is not None and self.warns:
            text = idle_model_text(*recording.idle_model)
            warnings.warn(text, NNGraphWarning, stacklevel=stacklevel_outside())
        return suppressed

    @property
    def graph(self) -> Graph:
        """Not here: `rec = ng.record(...)` without `with` recorded nothing, and with
        `with rec:` the graph is on the `Recording` that `with ... as` gives."""
        key = "capture.record_without_as" if self._entered else "capture.record_without_with"
        raise NNGraphError(message(key))


def record(
    model: torch.nn.Module | None = None,
    *inputs: Any,
    names: Mapping[str, Any] | None = None,
) -> RecordBlock:
    """Record every torch operation run inside the block, and its backward pass.

    Each op node gets the module path that ran it, its output shape, dtype, device and value
    statistics; if `backward()` runs inside the block, every node also gets the statistics of the
    gradient that flowed into it, and parameters those of their `.grad`. Module paths are
    relative to `model` when given, else to the first module with parameters that runs.
    `optimizer.step()` is left out (a closure it runs is recorded), so a whole training step
    can sit in the block. Inputs and outputs are named after the variables holding them when
    the block ends: the caller's local variables, or `names` (a namespace such as a notebook's)
    when given; a result a module's forward dropped (`out, _ = self.rnn(x)`) that nothing
    holds is listed in `graph.graph["unused"]`, drawn dashed. Python's cycle collector is paused inside the block (it would rescan the
    growing graph again and again, doubling the cost of a large one) and resumes when the block
    ends. An error raised in the block propagates with the traceback it has without the
    recording (no frame of nngraph's: see `drop_recording_frames`). It takes no `inputs`
    (`record(model, x)`, as `trace` is called, is refused): the model runs in the block.

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
    if inputs and all(isinstance(i, torch.nn.Module) for i in inputs):  # `ng.record(G, D)`
        count = len(inputs) + 1
        raise NNGraphError(message("capture.record_two_models", count=count))
    if inputs:  # `ng.record(model, x)`, written as ng.trace(model, x) is
        raise NNGraphError(message("capture.record_with_inputs"))
    if names is not None and not isinstance(names, Mapping):
        raise NNGraphError(message("capture.names_not_mapping", got=type(names).__name__))
    return RecordBlock(model, names)


def record_cell(model: torch.nn.Module | None, names: Mapping[str, Any]) -> RecordBlock:
    """`record()` around a `%%nngraph` cell: the magic itself says when the cell's backward
    reached nothing it recorded (its forward ran in an earlier cell), in its own words."""
    block = RecordBlock(model, names)
    block.warns = False
    block.in_cell = True
    return block


#: the recordings running now, which a forked process (a `DataLoader` worker) must not go on
_RUNNING: weakref.WeakSet[Recorder] = weakref.WeakSet()


def _stop_recording_in_child() -> None:
    """A process forked while recording (a `DataLoader` worker started inside the block) has
    a copy of the recording that no block end will finish: its ops are not the parent's
    computation, so it records nothing (the mode only passes calls through)."""
    for recorder in list(_RUNNING):
        recorder.failed = True


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_stop_recording_in_child)


@contextmanager
def _recording(
    model: torch.nn.Module | None, names: Mapping[str, Any] | None, caller: FrameType
) -> Iterator[Recording]:
    with hidden():  # reading the model's parameters: no user's mode sees it
        recorder = Recorder(model)
    recording = Recording(recorder)
    _RUNNING.add(recorder)
    returned = recorder.outermost  # what outermost module calls returned
    mode = _Mode(recorder, caller)
    with gc_paused(), compiled_code_runs_eagerly():
        try:
            with (
                patched_function_apply(recorder),
                optimizer_steps_unrecorded(recorder),
                data_loading_unrecorded(recorder),
                warnings_at_callers(_Mode.__torch_function__.__code__, sys.modules[__name__]),
                outermost_results(recorder, returned),
                _script_functions_seen(recorder),
                mode,
            ):
                yield recording
        finally:
            _RUNNING.discard(recorder)
            recorder.scope.close()
            mode.building.stop = None  # no frame kept alive by the mode
            namespace = caller.f_locals if names is None else names
            recording.forward_before = forward_before(recorder)
            with hidden():
                recording.took_part = took_part(recorder)
                if model is not None and len(recorder.graph):  # named also in a function
                    outer = caller.f_globals if names is None else {}
                    recording.idle_model = idle_model(recording.took_part, model, namespace, outer)
                dropped = results_nothing_used(recorder, returned, namespace)
                recording._graph = finish(recorder, namespace)
                mark_unused(recording._graph, dropped)
            recording._recorder = None
            if names is None:
                _drop_snapshot(caller, namespace)
            del caller, namespace


@contextmanager
def _script_functions_seen(recorder: Recorder) -> Iterator[None]:
    """Tell the recorder when a TorchScript function (`@torch.jit.script def gelu(x)`) called
    in the block returns: its ops run in C++, where the mode does not see them. (A TorchScript
    module is a module: the scope's hooks see it.)"""

    def wrap(original: Any) -> Any:
        def call(function: Any, *args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True  # an error in the user's function is theirs
            out = original(function, *args, **kwargs)
            if threading.get_ident() == recorder.thread and not recorder.paused():
                after_script_function(recorder, function.name, out)
            return out

        return call

    with swapped(torch.jit.ScriptFunction, "__call__", wrap):
        yield


def _drop_snapshot(frame: FrameType, namespace: Mapping[str, Any]) -> None:
    """Empty the snapshot of a function's local variables that reading `frame.f_locals` left
    on the frame (Python 3.12 and older): it would keep every local tensor alive, also one the
    function deletes after the block, until the function returns. Reading `f_locals` again
    fills it anew. A module's or a class body's namespace is the real one, and from Python
    3.13 on `f_locals` is a view of the variables: those are left alone."""
    if frame.f_code.co_flags & inspect.CO_OPTIMIZED and type(namespace) is dict:
        namespace.clear()
