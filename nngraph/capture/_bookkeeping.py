"""What a recording leaves out: code that runs around the computation rather than in it.

A whole training step can sit in `record()`, and its graph should show the model, not:
- `optimizer.step()` (a dozen ops per parameter for Adam); a closure it runs is the model;
- a mixed-precision `GradScaler`'s `unscale_()`, `step()` and `update()` (its `scale()`,
  whose multiplication the backward runs through, is part of the computation);
- a `DataLoader` fetching the next batch (an indexing op per example, then a `stack`): the
  batch is the computation's input;
- initialising weights, clipping gradients, averaging weights (SWA, EMA): torch calls made
  from the modules in `BOOKKEEPING`;
- a hand-written update such as `w -= lr * w.grad` (see `LeafGrads.from_gradients`).

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import torch
from torch.optim.optimizer import (
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
)
from torch.utils.data.dataloader import _BaseDataLoaderIter

from nngraph.capture._recorder import Recorder

__all__ = [
    "BOOKKEEPING",
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


def in_bookkeeping() -> bool:
    """Whether the code that made the torch call now reaching the mode is in `BOOKKEEPING`."""
    frame: FrameType | None = sys._getframe(2)  # 0: here, 1: the mode
    while frame is not None and frame.f_globals.get("__name__") in _WRAPPERS:
        frame = frame.f_back
    return frame is not None and frame.f_globals.get("__name__") in BOOKKEEPING


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
        recorder.leaves.before_step(optimizer)
        if callable(kwargs.get("closure")):
            return args, {**kwargs, "closure": recorded(kwargs["closure"])}
        if len(args) > 1 and callable(args[1]):  # args[0] is the optimizer itself
            return (args[0], recorded(args[1]), *args[2:]), kwargs
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
    scaler = torch.amp.GradScaler
    originals = {name: vars(scaler)[name] for name in _SCALER_STEPS if name in vars(scaler)}

    def unrecorded(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def run(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True  # an error (`unscale_()` called twice) is the user's
            recorder.scaling += 1
            try:
                return method(*args, **kwargs)
            finally:
                recorder.scaling -= 1

        return run

    for name, method in originals.items():
        setattr(scaler, name, unrecorded(method))
    try:
        yield
    finally:
        for name, method in originals.items():
            setattr(scaler, name, method)


@contextmanager
def data_loading_unrecorded(recorder: Recorder) -> Iterator[None]:
    """Leave out what a `DataLoader` does to fetch a batch (the dataset's `__getitem__`, the
    collate function's `stack`): the batch it yields is an input of the computation.

    PyTorch has no hook for this, so the iterators' shared `__next__` is wrapped while the
    recording lasts and put back at its end."""
    original = _BaseDataLoaderIter.__next__

    def fetch(iterator: _BaseDataLoaderIter) -> Any:
        __tracebackhide__ = True  # an error in the user's dataset or collate_fn is theirs
        recorder.loading += 1
        try:
            return original(iterator)
        finally:
            recorder.loading -= 1

    _BaseDataLoaderIter.__next__ = fetch  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        _BaseDataLoaderIter.__next__ = original  # type: ignore[method-assign]
