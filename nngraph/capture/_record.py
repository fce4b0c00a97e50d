"""`record()`: watch forward calls as they run, and the backward pass after them (`trace()`,
in `_trace.py`, runs one model inside it).

How it works:
- a `TorchFunctionMode` sees every torch call (`F.linear`, `x + y`, `torch.zeros`, ...) once, at
  the level the user wrote it; global module hooks say which module is running;
- after each call, the autograd nodes it created are found by walking back from its outputs until
  known nodes, so every autograd node becomes exactly one graph node;
- a prehook on each autograd node catches the gradient flowing into it during `backward()`;
- statistics stay on the device until the with-block ends, then come to the host in one transfer.
Everything is removed when the with-block ends, also when the code inside raises. The
bookkeeping itself lives in `_recorder.py`.
"""

from __future__ import annotations

import inspect
import os
import sys
import warnings
import weakref
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import Any

import torch
import torch.nn.functional as F
import torch.utils.checkpoint
from torch.autograd.function import Function
from torch.overrides import TorchFunctionMode
from torch.utils.checkpoint import CheckpointFunction

from nngraph.capture._bookkeeping import (
    BOOKKEEPING,
    data_loading_unrecorded,
    in_bookkeeping,
    optimizer_steps_unrecorded,
)
from nngraph.capture._builder import gc_paused, grad_fn_of, tensors_in
from nngraph.capture._common import NNGraphWarning, drop_recording_frames, hidden, next_sequence_nr
from nngraph.capture._finish import finish
from nngraph.capture._naming import mark_unused, outermost_results, results_nothing_used
from nngraph.capture._recorder import Recorder
from nngraph.capture._warnings import warnings_at_callers
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["NNGraphWarning", "RecordBlock", "Recording", "record"]

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


_WRITES_FIRST = frozenset(
    {
        "__setitem__", "__set__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
        "__ifloordiv__", "__imod__", "__ipow__", "__iand__", "__ior__", "__ixor__",
        "__ilshift__", "__irshift__", "__imatmul__",
    }
)  # fmt: skip


# In-place calls that change a flag, not the values: the tensor is not met as written then
# (a parameter frozen or unfrozen in the block is met where it is used, as it is then).
_KEEPS_VALUES = frozenset({"requires_grad_", "share_memory_"})
# `GradScaler.unscale_()`: divides the `.grad`s back from the loss scale (mixed precision)
_UNSCALE = torch._amp_foreach_non_finite_check_and_unscale_
# The tensor attributes whose setting writes values (`x.data = ...`), unlike `requires_grad`.
_VALUE_ATTRIBUTES = (torch.Tensor.data, torch.Tensor.real, torch.Tensor.imag)


def _changed(func: Any, writes_first: bool, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What a call reads and then changes in place: its first argument for `add_`, `x[i] = ...`,
    `x.data = ...` (`writes_first`, from `_about`) and `inplace=True`; the weight of an
    embedding with `max_norm`, whose rows it renormalises."""
    if writes_first or kwargs.get("inplace") is True:
        return args[0] if args else kwargs.get("input")
    if func is F.embedding and (kwargs.get("max_norm") or (len(args) > 3 and args[3])):
        return args[1] if len(args) > 1 else kwargs.get("weight")
    return None


def _call_name(func: Any) -> str | None:
    if getattr(func, "__module__", None) in BOOKKEEPING:
        return None  # `nn.init.uniform_` itself (the ops inside: see _Mode)
    name = getattr(func, "__name__", None) or type(func).__name__
    if name == "__get__":
        prop = getattr(getattr(func, "__self__", None), "__name__", "")
        return prop if prop in _PROPERTY_OPS else None
    if name in _NOT_OPS:
        return None
    if name.startswith("__") and name.endswith("__"):
        return name[2:-2]
    return str(name)


_ABOUT: dict[Any, tuple[str | None, bool, bool, bool]] = {}


def _about(func: Any) -> tuple[str | None, bool, bool, bool]:
    """A torch function's op name (None if not an op), whether it writes into its first
    argument, whether it runs a backward pass, and whether it sets a tensor's `.grad`; worked
    out once per function."""
    about = _ABOUT.get(func)
    if about is None:
        name = getattr(func, "__name__", "")
        # `p.grad = None` or `del p.grad`; a read (`__get__`) changes nothing
        attribute = getattr(func, "__self__", None)
        sets_grad = attribute is torch.Tensor.grad and name in ("__set__", "__delete__")
        writes = (name.endswith("_") and not name.endswith("__")) or name in _WRITES_FIRST
        if name in _KEEPS_VALUES or (name == "__set__" and attribute not in _VALUE_ATTRIBUTES):
            writes = False  # `p.requires_grad_(False)`, `p.requires_grad = True`: a flag
        about = (_call_name(func), writes and not sets_grad, name in _BACKWARD_CALLS, sets_grad)
        try:
            if len(_ABOUT) < 100_000:  # functions made on the fly must not fill memory
                _ABOUT[func] = about
        except TypeError:  # not hashable: worked out each time
            pass
    return about


class Recording:
    """What `ng.record()` yields: `.graph` is ready once the with-block has ended. The
    recorder is let go then, so a `rec` kept in a notebook holds the graph and nothing else."""

    def __init__(self, recorder: Recorder) -> None:
        self._graph: Graph | None = None
        self._recorder: Recorder | None = recorder

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            raise NNGraphError(message("capture.graph_not_ready"))
        return self._graph


class _Mode(TorchFunctionMode):
    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self.recorder = recorder

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
        name, writes_first, runs_backward, sets_grad = _about(func)
        if sets_grad and args and recorder.leaves.grads:
            with hidden():
                recorder.leaves.before_grad_set(args[0])
        recording = not (recorder.paused() or in_bookkeeping())
        update = False  # `w -= lr * w.grad`: only possible once a backward reached a leaf
        if recording and recorder.leaves.watching:
            with hidden():
                update = recorder.leaves.from_gradients(args, kwargs)
        changed = _changed(func, writes_first, args, kwargs)
        into = kwargs.get("out")
        first = changed if recording and not update and isinstance(changed, torch.Tensor) else None
        old_fn = grad_fn_of(first) if first is not None else None
        writes_grad = False  # `w.grad.zero_()`: bookkeeping, not part of the computation
        if (changed is not None or into is not None) and (
            first is not None or recorder.builder.stats.holding or recorder.leaves.grads
        ):
            with hidden():
                unscaling = func is _UNSCALE
                writes_grad = recorder.before_write([changed, into], first, unscaling=unscaling)
        if runs_backward:  # how it is run says whether a later pass can add to its gradients
            started = recorder.passes.begin(func, kwargs)
            try:
                out = func(*args, **kwargs)
            finally:
                ended = recorder.passes.end(started)
        else:
            out = func(*args, **kwargs)
        if update and changed is None and _has_history(out):
            # Computed from a gradient, yet part of autograd's graph: not an update but the
            # next computation (FGSM's `x + eps * x.grad.sign()`, a first-order MAML step)
            update = False
        if runs_backward:
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
                    recorder.after_in_place(old_fn, first)
        return out


def _has_history(out: Any) -> bool:
    """Whether a tensor in `out` has an autograd node: a backward can reach through it."""
    return any(grad_fn_of(t) is not None for t in tensors_in(out, []))


# PyTorch 2.1 to 2.12: non-reentrant checkpointing hands its inputs to this Function, which
# returns an empty tensor no one uses; it is bookkeeping, not a step of the computation
_SAVES_CHECKPOINT_INPUTS = getattr(torch.utils.checkpoint, "_NoopSaveInputs", None)


@contextmanager
def _patched_function_apply(recorder: Recorder) -> Iterator[None]:
    """Record a custom `torch.autograd.Function` as one call, not the ops inside its forward."""
    original = Function.__dict__["apply"]

    def apply(cls: type, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # an error in the user's Function is theirs
        if recorder.paused():
            return original.__func__(cls, *args, **kwargs)
        if cls is _SAVES_CHECKPOINT_INPUTS:
            with hidden():
                return original.__func__(cls, *args, **kwargs)
        if cls is CheckpointFunction and not recorder.warned_checkpoint:
            recorder.warned_checkpoint = True
            where = stacklevel_outside()
            warnings.warn(message("capture.reentrant_checkpoint"), NNGraphWarning, stacklevel=where)
        recorder.custom_depth += 1
        try:
            out = original.__func__(cls, *args, **kwargs)
        finally:
            recorder.custom_depth -= 1
        with hidden():
            recorder.on_call(cls.__name__, args, kwargs, out)
        return out

    Function.apply = classmethod(apply)  # type: ignore[assignment, method-assign]
    try:
        yield
    finally:
        Function.apply = original  # type: ignore[method-assign]


_HOOKS_WARNING = r"Using `torch.compile\(module\)` when there are global hooks"


@contextmanager
def _compiled_code_runs_eagerly() -> Iterator[None]:
    """Run `torch.compile`d code as plain Python while recording, so that every op reaches the
    mode and the module hooks; PyTorch's warning about global module hooks, which are ours and
    removed at the end, is not shown."""
    if "torch._dynamo" not in sys.modules:  # nothing can have been compiled
        yield
        return
    # Only this one filter is added and then taken out again: the user's own warning settings
    # made inside the block (a filter, `logging.captureWarnings`) stay, which a
    # `warnings.catch_warnings()` around the block would undo.
    warnings.filterwarnings("ignore", message=_HOOKS_WARNING, category=UserWarning)
    filters: list[Any] = warnings.filters  # type: ignore[assignment]  # a list, typed read-only
    ours = filters[0]
    try:
        with torch.compiler.set_stance("force_eager"):
            yield
    finally:
        for i, entry in enumerate(filters):
            if entry is ours:
                del filters[i]
                mutated = getattr(warnings, "_filters_mutated", None)  # as `filterwarnings` does
                if mutated is not None:
                    mutated()
                break


class RecordBlock:
    """What `ng.record()` returns: a context manager; `with ng.record() as rec:` gives the
    `Recording` whose `.graph` is read after the block."""

    def __init__(self, model: torch.nn.Module | None, names: Mapping[str, Any] | None) -> None:
        self._model, self._names = model, names
        self._blocks: list[AbstractContextManager[Recording]] = []
        self._entered = False  # `with rec:` was written, without `as`

    def __enter__(self) -> Recording:
        block = _recording(self._model, self._names, sys._getframe(1))  # the `with` statement's
        self._blocks.append(block)
        self._entered = True
        return block.__enter__()

    def __exit__(self, *exc: Any) -> bool | None:
        suppressed = self._blocks.pop().__exit__(*exc)
        if exc[1] is not None:  # the block's error shows as it would without the recording
            drop_recording_frames(exc[1])
        return suppressed

    @property
    def graph(self) -> Graph:
        """Not here: `rec = ng.record(...)` without `with` recorded nothing, and with
        `with rec:` the graph is on the `Recording` that `with ... as` gives."""
        key = "capture.record_without_as" if self._entered else "capture.record_without_with"
        raise NNGraphError(message(key))


def record(
    model: torch.nn.Module | None = None, *, names: Mapping[str, Any] | None = None
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
    recording (no frame of nngraph's: see `drop_recording_frames`).

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
    if names is not None and not isinstance(names, Mapping):
        raise NNGraphError(message("capture.names_not_mapping", got=type(names).__name__))
    return RecordBlock(model, names)


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
    returned: set[str] = set()  # what outermost module calls returned
    with gc_paused(), _compiled_code_runs_eagerly():
        try:
            with (
                _patched_function_apply(recorder),
                optimizer_steps_unrecorded(recorder),
                data_loading_unrecorded(recorder),
                warnings_at_callers(_Mode.__torch_function__.__code__, sys.modules[__name__]),
                outermost_results(recorder, returned),
                _Mode(recorder),
            ):
                yield recording
        finally:
            _RUNNING.discard(recorder)
            recorder.scope.close()
            namespace = caller.f_locals if names is None else names
            with hidden():
                dropped = results_nothing_used(recorder, returned, namespace)
                recording._graph = finish(recorder, namespace)
                mark_unused(recording._graph, dropped)
            recording._recorder = None
            if names is None:
                _drop_snapshot(caller, namespace)
            del caller, namespace


def _drop_snapshot(frame: FrameType, namespace: Mapping[str, Any]) -> None:
    """Empty the snapshot of a function's local variables that reading `frame.f_locals` left
    on the frame (Python 3.12 and older): it would keep every local tensor alive, also one the
    function deletes after the block, until the function returns. Reading `f_locals` again
    fills it anew. A module's or a class body's namespace is the real one, and from Python
    3.13 on `f_locals` is a view of the variables: those are left alone."""
    if frame.f_code.co_flags & inspect.CO_OPTIMIZED and type(namespace) is dict:
        namespace.clear()
