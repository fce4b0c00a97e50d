"""Lines a text printer holds back are printed at the latest when the notebook cell or the
script ends, even if the loop never calls `Monitor.close()`.

A printer that holds a line calls `hold(printer)`; once it printed it, `release(printer)`. In
IPython one ``post_run_cell`` callback, registered only while a line is held, flushes every
printer holding one, in the order they started holding; at interpreter exit an `atexit`
function does the same. A holding printer is kept here strongly (it never refers to its
monitor), so the line of a monitor made inside a function and collected since is not lost; a
printer that has printed is released. A forked child (a DataLoader worker) forgets the lines
its parent holds: they are the parent's to print, once.

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
import os
from typing import Any, Protocol

from nngraph.monitor._display import ipython_shell

__all__ = ["flush_all", "hold", "release"]


class Flushable(Protocol):
    def flush(self) -> None: ...


#: printers holding a line back, by id, in the order they started holding (so the end of a
#: cell prints the lines of several runs in their order)
_held: dict[int, Flushable] = {}

#: the IPython shell whose ``post_run_cell`` prints the held lines (while any is held)
_cell_shell: Any = None


def hold(printer: Flushable) -> None:
    """`printer` holds a line back: flush it at the end of the cell, or at exit."""
    _held.setdefault(id(printer), printer)
    _hook_cell_end()


def release(printer: Flushable) -> None:
    """`printer` holds nothing any more."""
    _held.pop(id(printer), None)
    if not _held:
        _unregister()


@atexit.register
def flush_all() -> None:
    """Print every line still held back (at interpreter exit nothing else calls close())."""
    for printer in list(_held.values()):
        with contextlib.suppress(Exception):  # a closed stream at exit: nowhere to print
            printer.flush()
        release(printer)  # printed, or nowhere to print: not kept


def _forget_in_child() -> None:
    """A forked child's copy of the held lines is its parent's to print, not the child's."""
    global _cell_shell
    _held.clear()
    _cell_shell = None


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_forget_in_child)


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
