"""The one place that decides "notebook widget or text", kept tiny so the layering stays clean.

``monitor`` never imports IPython or the widgets at module level: a kernel is detected without
importing IPython (if IPython is already imported, its running shell must have a ``kernel``; a
terminal IPython prints text), and the widget module is imported lazily inside
:func:`attach_view`, only in a kernel.

The widget side's contract: ``nngraph.widgets.LossView.attach(source)`` displays a view of a
:class:`~nngraph.monitor.Monitor` (or :class:`~nngraph.monitor.Runs`), subscribes with
``source.add_listener(...)``, restores itself from ``source.snapshot(...)``, and returns the view.
"""

from __future__ import annotations

import sys
import threading
import warnings
from typing import Any, Literal

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import is_choice

__all__ = [
    "Display",
    "attach_view",
    "check_display",
    "follow_cell",
    "in_notebook",
    "ipython_shell",
    "running_cell",
]

#: What ``display=`` takes (Monitor, Runs, compare, NNGraphCallback).
Display = Literal["auto", "text", "widget"] | bool | None


def check_display(display: object) -> None:
    """Refuse a ``display=`` that is not one of ``"auto"``, ``"text"``, ``"widget"``, True,
    False or None (an array or a tensor too, before its ``==`` could answer elementwise).

    >>> check_display("sideways")
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: display must be 'auto', 'text', 'widget' or False, got 'sideways'
    """
    if not is_choice(display, ("auto", "text", "widget", True, False, None)):
        raise NNGraphError(message("monitor.error.display", value=display))


def ipython_shell() -> Any | None:
    """The running IPython shell (a kernel's or a terminal's), ``None`` in a plain script.

    >>> ipython_shell() is None  # a doctest runs in plain Python
    True
    """
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    return get_ipython() if get_ipython is not None else None


def in_notebook() -> bool:
    """True inside a Jupyter kernel (an IPython shell that has a kernel)."""
    shell = ipython_shell()
    return shell is not None and getattr(shell, "kernel", None) is not None


def running_cell() -> int | None:
    """The number of the notebook cell running now (``In[N]``); None outside IPython (a script
    runs its loop once) or between cells. IPython is not imported for it.

    >>> running_cell() is None  # a doctest runs in plain Python
    True
    """
    result = getattr(getattr(ipython_shell(), "displayhook", None), "exec_result", None)
    return getattr(result, "execution_count", None)


def follow_cell(source: Any, last: int | None) -> int | None:
    """Show ``source``'s live view again below the cell running now if that is another cell than
    ``last``, the cell that last showed it or fed it: a monitor made in one cell and trained in
    the next, or a second ``runs.new(...)`` in a later cell, shows its curves and its Stop
    button where it trains (the earlier cell's view stays live too). Only a view the monitor
    or the Runs showed itself (:func:`attach_view`) follows: one the user placed stays put.
    The cell to pass next time.

        >>> follow_cell(None, 3)  # not in a notebook: nothing shown, nothing changes
        3
    """
    cell = running_cell()
    if cell is None or cell == last or threading.current_thread() is not threading.main_thread():
        return last  # a thread the cell started, training on, is not the running cell's
    view: Any = getattr(source, "view", None)
    if getattr(view, "follows_cell", False) and getattr(view, "comm", None) is not None:
        view.show()  # not a second time in the cell that showed it
    return cell


def show(source: Any, text: str) -> None:
    """``source`` (a Monitor, a GradientWatch) as a cell's value: in a notebook its live view
    (shown again if it has one: one view per source), elsewhere (or without widgets) ``text``."""
    from IPython.display import display

    if not show_view(source):
        display({"text/plain": text}, raw=True)


def show_view(source: Any) -> bool:
    """Show ``source``'s live view below the cell running now, in a notebook: the same widget
    if it is still there (one view per source), else a new one. Whether a view was shown."""
    if not in_notebook():
        return False
    view = source.view
    if getattr(view, "comm", None) is not None and callable(getattr(view, "show", None)):
        view.show()
        return True
    view = attach_view(source)
    if view is not None:
        source.view = view
    return view is not None


def attach_view(source: Any) -> Any | None:
    """Show ``source`` in a notebook widget; ``None`` means "print text lines instead"."""
    if not in_notebook():
        return None
    try:
        from nngraph.widgets import LossView  # type: ignore[attr-defined,unused-ignore]

        view = LossView.attach(source)
        if hasattr(view, "follows_cell"):  # shown by the monitor itself: it follows (see above)
            view.follows_cell = True
        return view
    except ImportError:
        return None
    except Exception as exc:  # a broken view must not stop a training run
        warnings.warn(message("monitor.warn.view", exc=exc), stacklevel=3)
        return None
