"""A note under a `RecursionError` met while modules ran one inside another under `trace()`
or `record()`. The recording's global module hooks send every module call through PyTorch's
hook path, one Python function (`inner`) more per call, so a model nested a few hundred deep
reaches Python's recursion limit sooner than without nngraph (under Python 3.11's default
limit of 1000: 190 levels instead of 240). Not avoidable without those hooks: the note says
what happened and how to raise the limit. The error keeps its type and message.

    >>> error = RecursionError("maximum recursion depth exceeded")
    >>> add_recursion_note(error)  # raised here, no module calls in its traceback: no note
    >>> getattr(error, "__notes__", None) is None
    True
"""

from __future__ import annotations

import sys

from nngraph.i18n import message

__all__ = ["add_recursion_note"]

#: the share of the recursion limit that module calls must fill for the note: below it,
#: something else (a function of the user's calling itself) used up the stack
_SHARE = 10


def add_recursion_note(error: BaseException) -> None:
    """Put the note under `error` (once) if it is a `RecursionError` whose traceback holds at
    least a tenth of the recursion limit in module calls; nothing before Python 3.11 (no
    `add_note`)."""
    if not isinstance(error, RecursionError):
        return
    limit = sys.getrecursionlimit()
    calls = _module_calls(error)
    add_note = getattr(error, "add_note", None)
    if add_note is None or calls * _SHARE < limit:
        return
    suggested = -(-2 * limit // 1000) * 1000  # twice the limit, in whole thousands
    note = message("capture.recursion_limit", limit=limit, calls=calls, suggested=suggested)
    if note not in getattr(error, "__notes__", ()):
        add_note(note)


def _module_calls(error: BaseException) -> int:
    """How many module calls (PyTorch's `Module._call_impl`) were running when `error` was
    raised, one inside another, as its traceback shows."""
    calls = 0
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "_call_impl" and code.co_filename.endswith("module.py"):
            calls += 1
        tb = tb.tb_next
    return calls
