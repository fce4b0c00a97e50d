"""Pausing Python's cycle collector while nngraph builds or reads a big graph.

Tens of thousands of new node dicts trigger full collections that free nothing (they are all
alive): on a 5,000-block chain they cost more than the capture itself, and a third of the
time a view of a graph with 10,000 parameters takes to build its payload and picture.
No torch here: the views use it too.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building a graph.

    Tens of thousands of new node dicts trigger full collections that free nothing (they are
    all alive): on a 5,000-block chain they cost more than the capture itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    _GC_PAUSES.append(was_enabled)
    try:
        yield
    finally:
        _GC_PAUSES.pop()
        if was_enabled:
            gc.enable()


#: whether the collector was on when each `gc_paused` block now running began, outermost first
_GC_PAUSES: list[bool] = []


def _collector_back_in_child() -> None:
    """A process forked inside a paused block (a `DataLoader` worker started in `record()`)
    never reaches the block's end: it gets the collector back now."""
    if _GC_PAUSES and _GC_PAUSES[0]:
        gc.enable()
    _GC_PAUSES.clear()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_collector_back_in_child)
