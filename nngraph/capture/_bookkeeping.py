"""What a recording leaves out: code that runs around the computation rather than in it.

A whole training step can sit in `record()`, and its graph should show the model, not:
- `optimizer.step()` (a dozen ops per parameter for Adam); a closure it runs is the model;
- a mixed-precision `GradScaler`'s `unscale_()`, `step()` and `update()` (its `scale()`,
  whose multiplication the backward runs through, is part of the computation);
- a `DataLoader` fetching the next batch (an indexing op per example, then a `stack`): the
  batch is the computation's input;
- initialising weights, clipping gradients, averaging weights (SWA, EMA): torch calls made
  from the modules in `BOOKKEEPING`;
- building a model: a module's `__init__` (BatchNorm's running statistics, the zero row of an
  `Embedding`'s `padding_idx`, a dummy forward that sizes a layer), its `reset_parameters()` and
  `reset_running_stats()`, `model.apply(init_fn)` and `model.to(...)` (see `building_a_module`);
- a hand-written update such as `w -= lr * w.grad` (see `LeafGrads.from_gradients`), and any
  write into a parameter under `no_grad` outside a module's forward (an EMA copy's
  `pe.lerp_(p, 0.01)`, weight clipping: see `_weight_updates`).

    >>> import torch, nngraph as ng
    >>> data = torch.utils.data.TensorDataset(torch.randn(8, 3), torch.randn(8, 1))
    >>> model = torch.nn.Linear(3, 1)
    >>> with ng.record() as rec:
    ...     x, y = next(iter(torch.utils.data.DataLoader(data, batch_size=4)))
    ...     loss = torch.nn.functional.mse_loss(model(x), y)
    >>> sorted({d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op"})
    ['linear', 'mse_loss']
    >>> sorted(d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "input")
    ['x', 'y']
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import CodeType, FrameType
from typing import Any

import torch
from torch.optim.optimizer import (
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
)
from torch.utils.data.dataloader import _BaseDataLoaderIter

from nngraph.capture._builder import grad_fn_of, tensors_in
from nngraph.capture._common import hidden
from nngraph.capture._recorder import Recorder
from nngraph.capture._swap import swapped

__all__ = [
    "BOOKKEEPING",
    "SetupCheck",
    "building_a_module",
    "data_loading_unrecorded",
    "in_bookkeeping",
    "optimizer_steps_unrecorded",
]

#: Modules whose torch calls are bookkeeping around the computation, not part of it:
#: initialising weights, clipping gradients, averaging weights (SWA, EMA), starting a
#: `DataLoader` iterator, saving and setting a GPU's random state (activation checkpointing
#: does, to replay dropout), and nngraph's own monitor (`mon.log()` fetching the metrics and
#: copying the best weights).
BOOKKEEPING = frozenset(
    {
        "torch.cuda.random",
        "torch.mps",
        "torch.xpu.random",
        "torch.nn.init",
        "torch.nn.utils.clip_grad",
        "torch.optim.swa_utils",
        "torch.utils.data.dataloader",  # the seed an iterator draws when it starts
        "nngraph.monitor._best",
        "nngraph.monitor._common",
        "nngraph.monitor._distributed",
        "nngraph.monitor._gradgates",
        "nngraph.monitor._gradnorms",
        "nngraph.monitor._gradwatch",
        "nngraph.monitor._monitor",
        "nngraph.monitor._weights",
    }
)
# torch's own Python wrappers between a caller and the mode (`Tensor.__rdiv__`, dispatch)
_WRAPPERS = frozenset({"torch._tensor", "torch.overrides"})


#: The methods that set a module up rather than compute with it, when run on a module: the
#: ops inside (BatchNorm's `running_mean.zero_()`) make its starting state, not a step of the
#: computation. A forward that builds a layer and then runs it has that run recorded.
_SETTING_UP = frozenset(
    {"__init__", "reset_parameters", "_reset_parameters", "reset_running_stats"}
)
#: PyTorch's own methods that set a whole model up: `model.apply(init_fn)` (its way to
#: initialise every layer with a function of one's own) and `_apply`, which `model.to(device)`,
#: `.double()` and `.half()` run to convert every parameter and buffer
_MODEL_SETUP = frozenset({torch.nn.Module.apply.__code__, torch.nn.Module._apply.__code__})
#: code object -> whether it is a method of `_SETTING_UP` run on a module
_SETUP_CODES: dict[CodeType, bool] = {}
#: what runs every module call: the frames above it run inside that call
_MODULE_CALL = torch.nn.Module._call_impl.__code__


def in_bookkeeping() -> bool:
    """Whether the code that made the torch call now reaching the mode is in `BOOKKEEPING`."""
    frame: FrameType | None = sys._getframe(2)  # 0: here, 1: the mode
    while frame is not None and frame.f_globals.get("__name__") in _WRAPPERS:
        frame = frame.f_back
    return frame is not None and frame.f_globals.get("__name__") in BOOKKEEPING


class SetupCheck:
    """Whether the torch call now reaching the mode builds a module (`building_a_module`):
    BatchNorm's `running_mean.zero_()`, a module run to size the next layer and what is then
    done with its result (`made`). Outside module calls, a result with autograd history is
    computation wherever it runs (fast weights made in a module's `__init__`, a
    `reset_parameters()` whose result feeds the loss); only what runs inside the recording
    counts (`stop`: the frame of its `with` statement; a block inside a module's `__init__`
    records as any other).

    Only the calls outside every module's forward walk up the Python stack: inside a forward
    (`stack`: `ModuleScope.stack`) the answer is whether the outermost module call was made
    while building, worked out once per call (a dummy forward that sizes a layer inside
    `__init__` is part of building, a model's forward in a training step is not), so a recorded
    forward pays nothing per op. (A layer built inside a forward has its building recorded,
    with the forward's ops.)"""

    def __init__(self, stop: FrameType | None) -> None:
        self.stop = stop
        self._outermost: object = None  # the entry of the outermost module call last seen
        self._building = False
        #: id -> autograd node of the results of calls left out as building: what reads them
        #: is building too, or its nodes would be named after the next recorded call
        self._built: dict[int, Any] = {}

    def __call__(
        self, stack: list[Any], op: str | None, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> bool:
        if stack:
            if stack[0] is not self._outermost:
                self._outermost = stack[0]
                frame = sys._getframe(2)  # 0: here, 1: the mode
                self._building = building_a_module(frame, outside_calls=True, stop=self.stop)
            return self._building
        if _makes_history(op, args, kwargs) and not self._reads_built(args, kwargs):
            return False
        return building_a_module(sys._getframe(2), stop=self.stop)

    def made(self, out: Any) -> None:
        """Note the autograd nodes of what a call left out as building returned."""
        with hidden():
            for t in tensors_in(out, []):
                node = grad_fn_of(t)
                if node is not None:
                    self._built[id(node)] = node

    def _reads_built(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        if not self._built:
            return False
        with hidden():
            return any(id(grad_fn_of(t)) in self._built for t in tensors_in((args, kwargs), []))


def _makes_history(op: str | None, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether the torch call `op` (None: no op, such as `p.data = x`, `p.requires_grad_()`)
    on these arguments records autograd history."""
    if op is None or op == "detach" or not torch.is_grad_enabled():
        return False
    with hidden():  # reading `requires_grad`: no mode of the user's sees it
        return any(t.requires_grad for t in tensors_in((args, kwargs), []))


def building_a_module(
    frame: FrameType | None, *, outside_calls: bool = False, stop: FrameType | None = None
) -> bool:
    """Whether `frame` runs inside a module's `__init__`, `reset_parameters()` or
    `reset_running_stats()`, or inside `model.apply(...)` or `model.to(...)`: the model is being
    built, initialised or converted, and its ops are not part of the computation (its
    parameters and buffers are, as the computation later reads them). With `outside_calls`,
    only what runs the outermost module call counts: whether that call is made while building.
    The walk ends at `stop`: what runs that frame does not count.

        >>> import torch
        >>> class Scaled(torch.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.built_in = building_a_module(sys._getframe())
        >>> Scaled().built_in, building_a_module(sys._getframe())
        (True, False)
    """
    building = False
    while frame is not None and frame is not stop:
        code = frame.f_code
        if code in _MODEL_SETUP or (code.co_name in _SETTING_UP and _sets_up_a_module(frame, code)):
            if not outside_calls:
                return True
            building = True
        elif outside_calls and code is _MODULE_CALL:
            building = False  # what ran so far is inside a module call
        frame = frame.f_back
    return building


def _sets_up_a_module(frame: FrameType, code: CodeType) -> bool:
    """Whether the method `code` that `frame` runs is run on a module; worked out once per
    method (the class that defines it is a module or is not)."""
    known = _SETUP_CODES.get(code)
    if known is None:
        first = code.co_varnames[0] if code.co_argcount else None
        known = isinstance(frame.f_locals.get(first) if first else None, torch.nn.Module)
        if len(_SETUP_CODES) < 10_000:  # classes defined again and again must not fill memory
            _SETUP_CODES[code] = known
    return known


@contextmanager
def optimizer_steps_unrecorded(recorder: Recorder) -> Iterator[None]:
    """Leave `optimizer.step()` out of the graph: it updates the parameters after the
    computation, and its ops would bury the model's own. A closure passed to `step()` (LBFGS,
    Lightning) runs the model, so it is recorded. So is a `GradScaler`'s part of the step
    (see `_scaler_steps_unrecorded`)."""

    def recorded(closure: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            __tracebackhide__ = True  # an error in the user's closure is theirs
            steps, recorder.steps = recorder.steps, []
            try:
                return closure()
            finally:
                recorder.steps = steps

        return run

    def before(optimizer: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        recorder.steps.append(sys._getframe(1))  # the frame running this step
        recorder.stepped.update(id(p) for group in optimizer.param_groups for p in group["params"])
        recorder.stepped_unreached |= recorder.leaves.before_step(optimizer)
        if callable(kwargs.get("closure")):
            return args, {**kwargs, "closure": recorded(kwargs["closure"])}
        if len(args) > 1 and callable(args[1]):  # args[0] is the optimizer itself
            return (args[0], recorded(args[1]), *args[2:]), kwargs
        if recorder.leaves.all_reset(optimizer):  # no closure to run a backward first
            recorder.reset_before_step = True  # `zero_grad()` between `backward()` and `step()`
        return None

    def after(optimizer: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if recorder.steps:
            recorder.steps.pop()

    handles = [
        register_optimizer_step_pre_hook(before),
        register_optimizer_step_post_hook(after),
    ]
    try:
        with _scaler_steps_unrecorded(recorder):
            yield
    finally:
        for handle in handles:
            handle.remove()
        recorder.steps.clear()


#: `GradScaler`'s methods that work around the optimizer step, not in the computation:
#: dividing the gradients back (`unscale_`, whose gradients the parameters then show, see
#: `_inplace.before_write`), stepping if they are finite, and adjusting the scale
_SCALER_STEPS = ("unscale_", "step", "update")


@contextmanager
def _scaler_steps_unrecorded(recorder: Recorder) -> Iterator[None]:
    """Leave a mixed-precision `GradScaler`'s `unscale_()`, `step()` and `update()` out of the
    graph: a reciprocal of the scale, checks for infinities and the new scale would add a
    dozen ops and an output to a three-layer model's step. PyTorch has no hook for them, so
    the methods are wrapped while the recording lasts and put back at its end."""

    def unrecorded(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def run(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True  # an error (`unscale_()` called twice) is the user's
            if threading.get_ident() != recorder.thread:  # another thread's scaler
                return method(*args, **kwargs)
            recorder.scaling += 1
            try:
                return method(*args, **kwargs)
            finally:
                recorder.scaling -= 1

        return run

    scaler = torch.amp.GradScaler
    with ExitStack() as stack:
        for name in _SCALER_STEPS:
            if name in vars(scaler):
                stack.enter_context(swapped(scaler, name, unrecorded))
        yield


@contextmanager
def data_loading_unrecorded(recorder: Recorder) -> Iterator[None]:
    """Leave out what a `DataLoader` does to fetch a batch (the dataset's `__getitem__`, the
    collate function's `stack`): the batch it yields is an input of the computation.

    PyTorch has no hook for this, so the iterators' shared `__next__` is wrapped while the
    recording lasts and put back at its end."""

    def wrap(original: Callable[[_BaseDataLoaderIter], Any]) -> Callable[..., Any]:
        def fetch(iterator: _BaseDataLoaderIter) -> Any:
            __tracebackhide__ = True  # an error in the user's dataset or collate_fn is theirs
            if threading.get_ident() != recorder.thread:  # another thread's: not paused here
                return original(iterator)
            recorder.loading += 1
            try:
                return original(iterator)
            finally:
                recorder.loading -= 1

        return fetch

    with swapped(_BaseDataLoaderIter, "__next__", wrap):
        yield
