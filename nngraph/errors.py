"""The one exception nngraph raises for bad input, and where its warnings point."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

__all__ = ["NNGraphError", "check_flag", "not_writable", "stacklevel_outside"]


class NNGraphError(ValueError):
    """Raised when nngraph is given something it cannot use.

    The message says what was wrong and what to do about it::

        >>> import nngraph as ng
        >>> ng.graph_of(3.0)
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: graph_of needs a torch.Tensor ...
    """


def check_flag(call: str, value: object) -> bool:
    """`value` if it is True or False, else an `NNGraphError` naming `call`: `stop="no"` or a
    misplaced positional value would otherwise count as true.

        >>> check_flag("collapse(fold_repeats=...)", "no")
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: collapse(fold_repeats=...) must be True or False, got 'no'
    """
    if not isinstance(value, bool):
        from nngraph.i18n import message  # the catalog imports this module

        raise NNGraphError(message("errors.not_bool", call=call, got=value))
    return value


def not_writable(target: Path, error: OSError) -> NNGraphError:
    """The error for a file the system refused to write (a read-only folder, /proc, a full
    disk): what happened and where else to save, not an `OSError` deep in `open`.

        >>> str(not_writable(Path("/proc/x.json"), PermissionError(13, "Permission denied")))
        'cannot write /proc/x.json: Permission denied; save it in a folder you can write to, e.g. ...'
    """
    from nngraph.i18n import message  # the catalog imports this module

    if error.errno == errno.ENAMETOOLONG:  # most file systems take names of up to 255 bytes
        shorter = str(target.with_name(target.stem[:40] + target.suffix))
        if len(target.name.encode()) <= 255:  # a folder's name is the long one
            shorter = str(Path.home() / target.name)
        where = str(target) if len(str(target)) <= 80 else str(target)[:77] + "..."
        return NNGraphError(message("graph.error.name_too_long", path=where, example=shorter))
    reason = error.strerror or str(error)
    example = str(Path.home() / target.name)
    return NNGraphError(
        message("graph.error.not_writable", path=str(target), reason=reason, example=example)
    )


def stacklevel_outside(packages: tuple[str, ...] = ("torch", "nngraph")) -> int:
    """The `stacklevel` for a `warnings.warn` made by the caller that names the first frame
    outside `packages`: the user's line, not torch's or nngraph's code.

        >>> stacklevel_outside(("nothing",))
        1
    """
    frame, level = sys._getframe(1), 1
    while (
        frame.f_back is not None and frame.f_globals.get("__name__", "").split(".")[0] in packages
    ):
        frame, level = frame.f_back, level + 1
    return level
