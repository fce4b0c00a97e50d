"""How an `NNGraphError` shows in IPython and Jupyter: the student's own lines and the message,
not the frames of nngraph's code that checked the argument.

`install(shell)` registers, through IPython's `set_custom_exc`, a handler for `NNGraphError`
alone, and only where no other custom handler is set (a shell holds one: the user's or another
library's stays). The handler drops nngraph's frames from what is shown and hands the rest to
the shell's own traceback formatter, so `%xmode`, colours and hidden frames work as for any
error. Only the display changes: `%debug`, `%pdb` and `%tb` get the exception with all its
frames, and `%xmode --show` (which shows hidden frames) shows nngraph's too. Any other
exception, and everything outside IPython, is left alone.

Which frames are shown: those up to the first call into nngraph (the student's cell, and a
library such as Lightning that called nngraph), then, below it, only the code nngraph ran for
the student (their model's `forward`), without the library frames in between (torch's module
call, traitlets' validation):

    >>> import nngraph as ng, traceback
    >>> try:
    ...     ng.datasets.iris(split=(0.5, 0.5))
    ... except ng.NNGraphError as error:
    ...     shown = without_internals(error.__traceback__)
    >>> [frame.name for frame in traceback.extract_tb(shown)]  # this example's line only
    ['<module>']

In a notebook, `import nngraph` and `%load_ext nngraph` call `install`:

    >>> from IPython.testing.globalipapp import get_ipython
    >>> shell = get_ipython()
    >>> install(shell); shell.custom_exceptions
    (<class 'nngraph.errors.NNGraphError'>,)
    >>> shell.set_custom_exc((), None)  # the shell as it was
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from nngraph.errors import NNGraphError

__all__ = ["install", "running_shell", "without_internals"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


@functools.cache
def _libraries() -> tuple[str, ...]:
    """Where installed libraries and the standard library live: their frames below a call
    into nngraph are nngraph's business, not the student's."""
    import sysconfig  # here, not at import: `import nngraph` stays cheap

    paths = sysconfig.get_paths()
    keys = ("stdlib", "platstdlib", "purelib", "platlib")
    return tuple({os.path.abspath(paths[key]) + os.sep for key in keys if paths.get(key)})


def _file(tb: TracebackType) -> str:
    return os.path.abspath(tb.tb_frame.f_code.co_filename)


def without_internals(tb: TracebackType | None) -> TracebackType | None:
    """`tb` without nngraph's frames, nor the library frames nngraph called (see the module's
    docstring); a new chain of the same frames, `tb` itself is not changed.

        >>> without_internals(None) is None
        True
    """
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    kept, below = [], False
    for entry in entries:
        path = _file(entry)
        ours = path.startswith(_PACKAGE)
        below = below or ours
        if not ours and not (below and path.startswith(_libraries())):
            kept.append(entry)
    shown: TracebackType | None = None
    for entry in reversed(kept):
        shown = TracebackType(shown, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return shown


@contextmanager
def _chain_without_internals(error: BaseException) -> Iterator[None]:
    """Inside the block, the exceptions `error` was raised from or while handling (its
    `__cause__` and `__context__`, as a traceback shows them) carry no nngraph frame either;
    their own tracebacks come back at the end."""
    saved: list[tuple[BaseException, TracebackType | None]] = []
    seen = {id(error)}
    chained = [error.__cause__, error.__context__]
    while chained:
        link = chained.pop()
        if link is None or id(link) in seen:
            continue
        seen.add(id(link))
        saved.append((link, link.__traceback__))
        link.__traceback__ = without_internals(link.__traceback__)
        chained += [link.__cause__, link.__context__]
    try:
        yield
    finally:
        for link, tb in saved:
            link.__traceback__ = tb


def _show(
    shell: Any,
    etype: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    tb_offset: int | None = None,
) -> None:
    """The custom handler: show `value` as IPython would, less nngraph's frames; `%debug`,
    `%pdb` and `%tb` get the real traceback, as after any other error."""
    formatter = shell.InteractiveTB
    if not getattr(formatter, "skip_hidden", True):  # `%xmode --show`: every frame
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return
    try:
        with _chain_without_internals(value):
            shown = without_internals(tb)
            stb = formatter.structured_traceback(etype, value, shown, tb_offset=tb_offset)
    except Exception:  # never lose the error: IPython's own traceback, all frames
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return
    formatter.tb = tb  # what `%debug` and `%pdb` enter: the formatter kept the shown one
    shell._get_exc_info((etype, value, tb))  # `sys.last_traceback`, which `%tb` shows
    shell._showtraceback(etype, value, stb)  # a kernel sends it as the cell's error
    if shell.call_pdb:
        shell.debugger(force=True)


def running_shell() -> Any:
    """The IPython shell this code runs in, or None (a plain script, where IPython is never
    imported by this).

        >>> shell = running_shell()  # None in a plain script, the notebook's shell in Jupyter
    """
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get() if get is not None else None


def install(shell: Any = None) -> None:
    """Show `NNGraphError`s in `shell` (the running IPython shell when None: none in a plain
    script, which is left alone) without nngraph's frames, unless the shell already has a
    custom exception handler. Cheap, and safe to call again.

        >>> install(None)  # a plain Python session: nothing to do
    """
    if shell is None:
        shell = running_shell()
    if shell is None or not all(
        hasattr(shell, name) for name in ("set_custom_exc", "_showtraceback", "_get_exc_info")
    ):
        return
    if getattr(shell, "custom_exceptions", ()):  # the user's, another library's, or ours
        return
    shell.set_custom_exc((NNGraphError,), _show)
