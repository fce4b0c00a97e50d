"""Two patches `record()` holds for the length of its with-block, both taken out at its end.

- `patched_function_apply`: a custom `torch.autograd.Function` is recorded as one call (its
  name), not as the ops inside its forward; reentrant checkpointing gets a warning that its
  inside is not recorded. One that the recording's mode would not see as a plain op (run by
  a backward pass, such as checkpointing's recomputation of a forward) is not recorded.
- `compiled_code_runs_eagerly`: `torch.compile`d code runs as plain Python, so every op reaches
  the recording.

    >>> import nngraph as ng
    >>> from torch.autograd import Function
    >>> before = Function.__dict__["apply"]
    >>> with ng.record():
    ...     Function.__dict__["apply"] is before
    False
    >>> Function.__dict__["apply"] is before
    True
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
import torch.utils.checkpoint
from torch.autograd.function import Function
from torch.overrides import _get_current_function_mode_stack
from torch.utils.checkpoint import CheckpointFunction

from nngraph.capture._common import NNGraphWarning, hidden
from nngraph.capture._custom_ops import custom_op_name
from nngraph.capture._recorder import Recorder
from nngraph.capture._swap import swapped
from nngraph.errors import stacklevel_outside
from nngraph.i18n import message

__all__ = ["compiled_code_runs_eagerly", "patched_function_apply"]


# PyTorch 2.1 to 2.12: non-reentrant checkpointing hands its inputs to this Function, which
# returns an empty tensor no one uses; it is bookkeeping, not a step of the computation
_SAVES_CHECKPOINT_INPUTS = getattr(torch.utils.checkpoint, "_NoopSaveInputs", None)


@contextmanager
def patched_function_apply(recorder: Recorder) -> Iterator[None]:
    """Record a custom `torch.autograd.Function` as one call, not the ops inside its forward."""
    with swapped(Function, "apply", lambda original: classmethod(_apply(recorder, original))):
        yield


def _apply(recorder: Recorder, original: Any) -> Callable[..., Any]:
    """`Function.apply` for `recorder` (`original`: the classmethod it wraps)."""

    def apply(cls: type, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # an error in the user's Function is theirs
        if recorder.paused() or not _seen_by_recording(recorder):
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
            recorder.on_call(custom_op_name(cls) or cls.__name__, args, kwargs, out)
        return out

    return apply


def _seen_by_recording(recorder: Recorder) -> bool:
    """Whether the recording's torch-function mode sees the torch calls made here, so that a
    custom Function is recorded where a plain op would be. It does not inside a backward pass
    (autograd runs it without the modes: checkpointing's recomputation of a forward, a
    Function's backward), in another thread, or in code that turned torch functions off. While
    the mode runs a forward op it is off the stack, yet what that op runs is the recording's:
    a Function a tensor subclass's `__torch_function__` or an outer mode applies there (a
    fake-quantisation's straight-through rounding)."""
    if recorder.running_ops:
        return True
    if not torch._C._is_torch_function_mode_enabled():
        return False
    return any(
        getattr(mode, "recorder", None) is recorder for mode in _get_current_function_mode_stack()
    )


_HOOKS_WARNING = r"Using `torch.compile\(module\)` when there are global hooks"


@contextmanager
def compiled_code_runs_eagerly() -> Iterator[None]:
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
