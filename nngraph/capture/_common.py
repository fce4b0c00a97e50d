"""What the capture modules share about torch itself: nngraph's warning class, a context that
hides nngraph's own torch calls from any recording, autograd's next sequence number, and
whether a call (an `optimizer.step()`) is still running.

    >>> import torch
    >>> before = next_sequence_nr()
    >>> y = torch.ones(1, requires_grad=True) * 2
    >>> y.grad_fn._sequence_nr() >= before
    True
"""

from __future__ import annotations

import sys
from types import FrameType

import torch

__all__ = ["NNGraphWarning", "hidden", "next_sequence_nr", "still_running"]


class NNGraphWarning(UserWarning):
    """nngraph could not record part of a computation; the computation itself was not changed."""


#: A context in which nngraph's own torch calls reach no `TorchFunctionMode` and no tensor
#: subclass: an enclosing recording (`trace()` inside `record()`) must not see them as the
#: user's ops.
hidden = torch._C.DisableTorchFunction


def next_sequence_nr() -> int:
    """The sequence number autograd will give the next node it creates on this thread."""
    peek = getattr(torch._C._autograd, "_get_sequence_nr", None)
    if peek is not None:
        return int(peek())
    with torch.enable_grad():  # a PyTorch without the peek: make a node and read its number
        fn = torch.zeros((), requires_grad=True).clone().grad_fn
    assert fn is not None
    return int(fn._sequence_nr()) + 1


def still_running(frames: list[FrameType]) -> bool:
    """Whether the innermost of `frames` (an `optimizer.step()`'s, say) is still on the stack.
    Frames that are not, of a call that raised before its end was seen, are dropped."""
    running = set()
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        running.add(frame)
        frame = frame.f_back
    while frames and frames[-1] not in running:
        frames.pop()
    return bool(frames)
