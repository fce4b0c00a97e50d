"""A torch class's attribute swapped for a recording's wrapper, and put back at the end.

PyTorch has no hook for a few things a recording must see or leave out (a custom Function's
`apply`, a DataLoader's `__next__`, ...), so their class attributes are wrapped for the length of
the block. Recordings in two threads may overlap: A wraps `apply`, B wraps A's wrapper, and A
ends first. A cannot put back what it found then (B's wrapper is there), and B's end would
put A's wrapper back for good. So a wrapper that ends under another one is noted as gone, and
putting back skips what is gone: once the last recording has ended, the class holds what it had.

    >>> class Step:
    ...     def run(self): return "plain"
    >>> first = swapped(Step, "run", lambda plain: lambda self: "A")
    >>> second = swapped(Step, "run", lambda wrapped: lambda self: "B")
    >>> _ = first.__enter__(); _ = second.__enter__(); Step().run()
    'B'
    >>> _ = first.__exit__(None, None, None); _ = second.__exit__(None, None, None); Step().run()
    'plain'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["swapped"]

_lock = threading.Lock()
#: id of a wrapper that ended while another was on top of it -> (the wrapper, what it wrapped)
_gone: dict[int, tuple[Any, Any]] = {}


@contextmanager
def swapped(owner: Any, name: str, wrap: Callable[[Any], Any]) -> Iterator[None]:
    """`owner.name` is `wrap(what it was)` in the block, and what it was again after the block
    (see the module's docstring for blocks in two threads that overlap)."""
    with _lock:
        original = vars(owner)[name]
        wrapper = wrap(original)
        setattr(owner, name, wrapper)
    try:
        yield
    finally:
        with _lock:
            if vars(owner).get(name) is wrapper:
                while id(original) in _gone and _gone[id(original)][0] is original:
                    original = _gone.pop(id(original))[1]
                setattr(owner, name, original)
            else:  # another recording wrapped this one since: its end skips this one
                _gone[id(wrapper)] = (wrapper, original)
