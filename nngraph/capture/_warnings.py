"""PyTorch's warnings raised inside `record()` are shown at the user's line, not at nngraph's.

Inside the block every torch call runs from the mode's `__torch_function__`, so a warning that
PyTorch raises for the caller of an op (`F.mse_loss`'s "Using a target size ... that is
different to the input size") names that frame: a line of nngraph, which tells a student the
problem is ours. While a block runs, such a warning is issued again at the frame PyTorch would
have named without the recording, where the user's filters and "once per line" apply as usual.

    >>> import warnings, torch
    >>> import nngraph as ng
    >>> with warnings.catch_warnings(record=True) as caught, ng.record():
    ...     warnings.simplefilter("always")
    ...     _ = torch.nn.functional.mse_loss(torch.zeros(3, 1), torch.zeros(3))
    >>> caught[0].filename.endswith("nngraph/capture/_record.py")
    False
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType, FrameType, ModuleType
from typing import Any

import torch.overrides

__all__ = ["warnings_at_callers"]

_OVERRIDES = torch.overrides.__file__
_dispatchers: list[tuple[CodeType, ModuleType]] = []  # one per block running now
_shown_before: Any = None  # `warnings._showwarnmsg` before the first block began
_reissuing = threading.local()  # `.active` while this thread issues a warning again


@contextmanager
def warnings_at_callers(dispatcher: CodeType, module: ModuleType) -> Iterator[None]:
    """While the block runs, a warning whose place is the line of `dispatcher` (a function of
    `module` that calls torch ops for the user) is issued again at the op's caller."""
    global _shown_before
    if not _dispatchers:
        _shown_before = getattr(warnings, "_showwarnmsg", None)
        if _shown_before is not None:  # an implementation detail of CPython's `warnings`
            warnings._showwarnmsg = _show  # type: ignore[attr-defined]
    _dispatchers.append((dispatcher, module))
    entries = _always_at(dispatcher, module) if _shown_before is not None else []
    try:
        yield
    finally:
        _take_out(entries)
        _dispatchers.remove((dispatcher, module))
        if not _dispatchers and _shown_before is not None:
            if getattr(warnings, "_showwarnmsg", None) is _show:
                warnings._showwarnmsg = _shown_before  # type: ignore[attr-defined]
            _shown_before = None


def _always_at(dispatcher: CodeType, module: ModuleType) -> list[tuple[Any, ...]]:
    """Put "always" filters for the lines of `dispatcher` at the front of `warnings.filters`,
    so that a warning first issued there always reaches `_show`: the user's filters are judged
    where it is issued again, at the user's line. Otherwise `filterwarnings("ignore",
    module="nngraph")`, meant for nngraph's own messages, or a filter that shows a category only
    for `__main__` would drop the warning at nngraph's line. A filter the user adds while the
    block runs goes in front of these and is still judged at nngraph's line: moving ours back
    in front of it would break the common `filterwarnings(...); entry = filters[0]`.

    `warnings._filters_mutated()` is not called, as it would forget in every module's
    `__warningregistry__` which warnings were shown, and show them all once more after each
    block. Those notes stay right: these entries only say "always", which notes nothing, for
    lines of one module whose registry is emptied here."""
    pattern, lines = _lines_of(dispatcher, module.__name__)
    entries = [("always", None, Warning, pattern, line) for line in lines]
    filters: list[Any] = warnings.filters  # type: ignore[assignment]  # a list, typed read-only
    filters[:0] = entries
    vars(module).get("__warningregistry__", {}).clear()  # a note there is checked first
    return entries


@functools.lru_cache(maxsize=16)
def _lines_of(dispatcher: CodeType, module: str) -> tuple[re.Pattern[str], list[int]]:
    """The module's name as `filterwarnings` compiles it, and the dispatcher's lines."""
    pattern = re.compile(re.escape(module) + r"\Z")
    return pattern, sorted({line for _, _, line in dispatcher.co_lines() if line is not None})


def _take_out(entries: list[tuple[Any, ...]]) -> None:
    """Remove this block's entries, wherever they are now: a filter the user added inside the
    block went in front of them, another block's entries stay."""
    mine = {id(entry) for entry in entries}
    filters: list[Any] = warnings.filters  # type: ignore[assignment]
    if any(id(entry) in mine for entry in filters):
        filters[:] = [entry for entry in filters if id(entry) not in mine]


def _show(msg: warnings.WarningMessage) -> None:
    # A warning issued again is shown as usual: the place it names is never nngraph's.
    if not getattr(_reissuing, "active", False):
        for dispatcher, module in _dispatchers:
            caller = _caller_of_op(msg, dispatcher)
            if caller is not None:
                _reissuing.active = True
                try:
                    _issue_at(msg, caller, module)
                finally:
                    _reissuing.active = False
                return
    _shown_before(msg)


def _caller_of_op(msg: warnings.WarningMessage, dispatcher: CodeType) -> FrameType | None:
    """The frame that called the op whose warning names `dispatcher`'s line, if it does."""
    if msg.filename != dispatcher.co_filename:
        return None
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and not (frame.f_code is dispatcher and frame.f_lineno == msg.lineno):
        frame = frame.f_back
    # In nested blocks each mode hands the op on to the next one: the op's caller is the first
    # frame outside all of them.
    codes = {code for code, _ in _dispatchers}
    while frame is not None and frame.f_code in codes:
        frame = _caller_of(frame)
    if frame is not None and _package_of(frame) == "nngraph":
        # nngraph ran the op for the user (`trace()`'s `backward()`): the line calling it
        while frame is not None and _package_of(frame) in ("nngraph", "torch"):
            frame = frame.f_back
    return frame


def _package_of(frame: FrameType) -> str:
    return str(frame.f_globals.get("__name__", "")).split(".")[0]


def _caller_of(dispatching: FrameType) -> FrameType | None:
    """The frame whose op call the mode's `dispatching` frame handles."""
    caller = dispatching.f_back  # a C function (`F.linear`) was called from here
    if caller is not None and caller.f_code.co_filename == _OVERRIDES:
        # A Python function (`F.mse_loss`, a `Tensor` method) handed itself to the mode
        # through `handle_torch_function`: its caller is the one to name.
        while caller is not None and caller.f_code.co_filename == _OVERRIDES:
            caller = caller.f_back
        caller = caller.f_back if caller is not None else None
    return caller


def _issue_at(msg: warnings.WarningMessage, caller: FrameType, module: ModuleType) -> None:
    # Where a filter judged the first issue at the dispatcher's line before ours (one the user
    # added inside the block, or ours were removed by `resetwarnings()`), it may have noted it
    # as shown there ("default", "module" and, in CPython, "once" note it in the module's
    # registry). Those notes are taken back, so that the next such warning is judged at its own
    # line again.
    vars(module).get("__warningregistry__", {}).clear()
    namespace = caller.f_globals
    where = (caller.f_code.co_filename, caller.f_lineno)
    name = namespace.get("__name__", "<string>")
    registry = namespace.setdefault("__warningregistry__", {})
    try:
        warnings.warn_explicit(
            msg.message, msg.category, *where, name, registry, namespace, msg.source
        )
    except (ImportError, IndexError):
        # CPython reads the caller's line through its module's loader before anything else,
        # and fails where that is not the running code: `python -c` (a built-in `__main__`)
        # or `exec()` of a string in a module's namespace (a line past the file's end).
        warnings.warn_explicit(msg.message, msg.category, *where, name, registry, None, msg.source)
