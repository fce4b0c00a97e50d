"""When and how `%nngraph` shows a view itself: a line whose value the code throws away (a bare
`%nngraph out` in a function or a loop), and a view without the widgets installed, which each
command that shows one (a graph, a monitor, a watch) says once, with what to install.

    >>> missing_widget_package() is None
    True
"""

from __future__ import annotations

import dis
import sys
from types import FrameType
from typing import Any

from nngraph._widget_stack import WidgetsNotInstalled, require_widget_stack
from nngraph.i18n import message

__all__ = [
    "line_value_dropped",
    "line_value_shown",
    "missing_widget_package",
    "tell_missing_widgets",
]


def missing_widget_package() -> str | None:
    """The package the notebook views need that this Python cannot import (see
    `require_widget_stack`), or None where the views can be made."""
    try:
        require_widget_stack()
    except WidgetsNotInstalled as error:
        return error.name
    return None


def tell_missing_widgets(magic: str, *, outside_notebooks: bool = False) -> bool:
    """Where the views cannot be made, print the line saying what to install: what `magic`
    shows is its text instead (a graph's summary, a monitor's lines). Only in a notebook,
    unless `outside_notebooks`. Whether it printed the line."""
    from nngraph.monitor import _display  # (looked up when called: tests stand in for it)

    if not (outside_notebooks or _display.in_notebook()):
        return False
    missing = missing_widget_package()
    if missing is not None:
        print(message("magic.no_widgets", magic=magic, package=missing))
    return missing is not None


def line_value_dropped(shell: Any) -> bool:
    """Whether the notebook code that ran the line magic throws its value away: a bare
    `%nngraph out` in a function, a loop or the middle of a cell, which nothing would show
    (a cell's last line is shown by IPython; `g = %nngraph out` keeps the graph). Code that is
    no cell's (a script calling `run_line_magic`) never counts."""
    after = _after_the_magic(shell)
    return after is not None and after.opname == "POP_TOP"  # drops what it gave back


def line_value_shown(shell: Any) -> bool:
    """Whether IPython shows the line magic's value as the output of the cell: `%nngraph loss`
    as a cell's last line (not `g = %nngraph loss`, nor a line of a function)."""
    after = _after_the_magic(shell)
    if after is None:
        return False
    # Python 3.11 prints a cell's last value with PRINT_EXPR, 3.12 with an intrinsic
    return after.opname == "PRINT_EXPR" or after.argrepr == "INTRINSIC_PRINT"


def _after_the_magic(shell: Any) -> dis.Instruction | None:
    """The instruction of a cell's code after its call to `run_line_magic` (what it does with
    the value); None for code that is no cell's (a script calling `run_line_magic`)."""
    caller = _magic_caller(shell)
    cells = getattr(shell.compile, "_filename_map", {})  # the code IPython compiled from cells
    if caller is None or caller.f_code.co_filename not in cells:
        return None
    instructions = dis.get_instructions(caller.f_code)
    return next((i for i in instructions if i.offset > caller.f_lasti), None)


def _magic_caller(shell: Any) -> FrameType | None:
    """The frame of the code that called `shell.run_line_magic` (the line `%nngraph ...`
    becomes), as IPython finds it for the magic's local variables."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "run_line_magic" and frame.f_locals.get("self") is shell:
            depth = frame.f_locals.get("_stack_depth", 1)
            for _ in range(depth if isinstance(depth, int) else 1):
                frame = frame.f_back if frame is not None else None
            return frame
        frame = frame.f_back
    return None
