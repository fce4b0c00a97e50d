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

import sys
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
    try:
        yield
    finally:
        _dispatchers.remove((dispatcher, module))
        if not _dispatchers and _shown_before is not None:
            if getattr(warnings, "_showwarnmsg", None) is _show:
                warnings._showwarnmsg = _shown_before  # type: ignore[attr-defined]
            _shown_before = None


def _show(msg: warnings.WarningMessage) -> None:
    for dispatcher, module in _dispatchers:
        caller = _caller_of_op(msg, dispatcher)
        if caller is not None:
            _issue_at(msg, caller, module)
            return
    _shown_before(msg)


def _caller_of_op(msg: warnings.WarningMessage, dispatcher: CodeType) -> FrameType | None:
    """The frame that called the op whose warning names `dispatcher`'s line, if it does."""
    if msg.filename != dispatcher.co_filename:
        return None
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and not (frame.f_code is dispatcher and frame.f_lineno == msg.lineno):
        frame = frame.f_back
    if frame is None:
        return None
    caller = frame.f_back  # a C function (`F.linear`) was called from here
    if caller is not None and caller.f_code.co_filename == _OVERRIDES:
        # A Python function (`F.mse_loss`, a `Tensor` method) handed itself to the mode
        # through `handle_torch_function`: its caller is the one to name.
        while caller is not None and caller.f_code.co_filename == _OVERRIDES:
            caller = caller.f_back
        caller = caller.f_back if caller is not None else None
    return caller


def _issue_at(msg: warnings.WarningMessage, caller: FrameType, module: ModuleType) -> None:
    # The first issue went through the filters at the dispatcher's line and was noted there as
    # shown ("default" and "module" in the module's registry, "once" in `onceregistry`): those
    # notes are taken back, so that the next such warning is judged at its own line again.
    vars(module).get("__warningregistry__", {}).clear()
    getattr(warnings, "onceregistry", {}).pop((str(msg.message), msg.category), None)
    namespace = caller.f_globals
    warnings.warn_explicit(
        msg.message,
        msg.category,
        caller.f_code.co_filename,
        caller.f_lineno,
        module=namespace.get("__name__", "<string>"),
        registry=namespace.setdefault("__warningregistry__", {}),
        module_globals=namespace,
        source=msg.source,
    )
