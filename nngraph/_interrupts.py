"""Ctrl-C (a notebook's Interrupt button) held back while nngraph puts a user's objects back.

A `KeyboardInterrupt` raised half way through `trace()`'s put-back left a model with its
BatchNorm statistics moved on and `.grad` filled (3 interrupts in 30 on an 800-block model);
one in the middle of copying a new best epoch's weights left `restore_best()` a mix of two
epochs. Inside :func:`interrupts_held` an interrupt is noted, and given to the handler that was
there before once the block has ended. Only in the main thread, where Python runs signal
handlers; elsewhere the block runs as it is.

    >>> import os, signal
    >>> try:
    ...     with interrupts_held():
    ...         os.kill(os.getpid(), signal.SIGINT)  # a Ctrl-C in the middle
    ...         finished = True
    ... except KeyboardInterrupt:
    ...     print("interrupted, once the block had finished:", finished)
    interrupted, once the block had finished: True
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["interrupts_held"]


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Run the block whole: a SIGINT that comes meanwhile is handled after it (see above)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[FrameType | None] = []

    def note(_signum: int, frame: FrameType | None) -> None:
        came.append(frame)

    try:
        previous = signal.signal(signal.SIGINT, note)
    except (ValueError, OSError):  # signals cannot be set here (an embedded interpreter)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if came and callable(previous):  # Python's own raises KeyboardInterrupt, IPython's too
            previous(signal.SIGINT, came[0])
        elif came and previous == signal.SIG_DFL:
            raise KeyboardInterrupt
