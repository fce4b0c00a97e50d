"""Lines a text printer holds back are printed at the latest when the notebook cell or the
script ends, even if the loop never calls `Monitor.close()`.

A printer that holds a line calls `hold(printer)`; once it printed it, `release(printer)`. In
IPython one ``post_run_cell`` callback, registered only while a line is held, flushes every
printer holding one, in the order they started holding; at interpreter exit an `atexit`
function does the same. A printer's owner (a monitor made inside a function) may be collected
before: `flush_when_collected` prints the held line then, so it is never lost.

    >>> class Printer:
    ...     def flush(self): print("the held line"); release(self)
    >>> p = Printer()
    >>> hold(p); flush_all()
    the held line
    >>> flush_all()  # nothing held any more
"""

from __future__ import annotations

import atexit
import contextlib
import weakref
from typing import Any, Protocol

from nngraph.monitor._display import ipython_shell

__all__ = ["flush_all", "flush_when_collected", "hold", "release"]


class Flushable(Protocol):
    def flush(self) -> None: ...


#: printers holding a line back, in the order they started holding (so the end of a cell
#: prints the lines of several runs in their order); weak: a printer is kept alive by its
#: owner's finalizer (see `flush_when_collected`), not by this
_held: weakref.WeakKeyDictionary[Any, None] = weakref.WeakKeyDictionary()

#: the IPython shell whose ``post_run_cell`` prints the held lines (while any is held)
_cell_shell: Any = None


def hold(printer: Flushable) -> None:
    """`printer` holds a line back: flush it at the end of the cell, or at exit."""
    _held[printer] = None
    _hook_cell_end()


def release(printer: Flushable) -> None:
    """`printer` holds nothing any more."""
    _held.pop(printer, None)
    if not _held:
        _unregister()


@atexit.register
def flush_all() -> None:
    """Print every line still held back (at interpreter exit nothing else calls close())."""
    for printer in list(_held):
        _flush_quietly(printer)


def flush_when_collected(owner: object, printer: Flushable) -> None:
    """When `owner` is collected, `printer` (which must not refer to it) prints what it still
    holds. At interpreter exit `flush_all` prints it instead, in order with the others.

        >>> class Printer:
        ...     def flush(self): print("the held line"); release(self)
        >>> class Owner: pass
        >>> owner, p = Owner(), Printer()
        >>> flush_when_collected(owner, p); hold(p); del owner
        the held line
    """
    weakref.finalize(owner, _flush_quietly, printer).atexit = False


def _flush_quietly(printer: Flushable) -> None:
    with contextlib.suppress(Exception):  # a closed stream at exit: nowhere to print
        printer.flush()


def _after_cell(*_: Any) -> None:
    """IPython's ``post_run_cell``: the cell is done, so print what it held back."""
    flush_all()
    if not _held:
        _unregister()


def _hook_cell_end() -> None:
    """In IPython, print held lines at the end of the cell (one callback, whatever the count
    of monitors); in a plain script, nothing to do."""
    global _cell_shell
    shell = ipython_shell()
    if shell is _cell_shell:
        return
    _unregister()
    if shell is None:
        return
    with contextlib.suppress(Exception):  # a shell without IPython's events: atexit only
        shell.events.register("post_run_cell", _after_cell)
        _cell_shell = shell


def _unregister() -> None:
    global _cell_shell
    if _cell_shell is not None:
        with contextlib.suppress(Exception):  # already removed
            _cell_shell.events.unregister("post_run_cell", _after_cell)
    _cell_shell = None
