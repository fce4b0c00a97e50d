"""When and how `%nngraph` shows a view itself: a line whose value the code throws away (a bare
`%nngraph out` in a function or a loop), and a view without the widgets installed.

    >>> missing_widget_package() is None
    True
"""

from __future__ import annotations

import dis
import sys
from types import FrameType
from typing import Any

from nngraph._widget_stack import WidgetsNotInstalled, require_widget_stack

__all__ = ["line_value_dropped", "missing_widget_package"]


def missing_widget_package() -> str | None:
    """The package the notebook views need that this Python cannot import (see
    `require_widget_stack`), or None where the views can be made."""
    try:
        require_widget_stack()
    except WidgetsNotInstalled as error:
        return error.name
    return None


def line_value_dropped(shell: Any) -> bool:
    """Whether the notebook code that ran the line magic throws its value away: a bare
    `%nngraph out` in a function, a loop or the middle of a cell, which nothing would show
    (a cell's last line is shown by IPython; `g = %nngraph out` keeps the graph). Code that is
    no cell's (a script calling `run_line_magic`) never counts."""
    caller = _magic_caller(shell)
    cells = getattr(shell.compile, "_filename_map", {})  # the code IPython compiled from cells
    if caller is None or caller.f_code.co_filename not in cells:
        return False
    # the instruction after the call to `run_line_magic`: POP_TOP drops what it gave back
    # (a cell's last line, shown, is PRINT_EXPR or CALL_INTRINSIC_1 instead)
    instructions = dis.get_instructions(caller.f_code)
    after = next((i.opname for i in instructions if i.offset > caller.f_lasti), None)
    return after == "POP_TOP"


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
