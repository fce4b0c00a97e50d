"""Showing a widget below the running cell once: what ``LossView.attach()`` and ``.show()`` do.

A widget shown by a cell remembers that cell, so that the same widget as the cell's last line
(``ng.LossView.attach(mon)``) is not shown a second time, and it hears when that cell ends
(``post_run_cell``) to refresh the picture a saved notebook keeps. A widget shown as a cell's
value (``ng.LossView(mon)`` as the last line) or by ``display(view)`` is shown the same way, so
its saved picture follows the training of later cells too.

    >>> class Demo(ShownBelowCell):
    ...     def _cell_started(self, running: bool) -> None: ...
    ...     def _cell_ended(self) -> None: ...
    >>> Demo().show()  # outside IPython: nothing to show it in
"""

from __future__ import annotations

import weakref
from typing import Any

__all__ = ["ShownBelowCell", "cell_is_running"]


class ShownBelowCell:
    """Mixin: ``show()`` below the running cell, once per cell, with a hook when it ends.

    Subclasses say what happens when they are shown (``_cell_started``: ``running`` is whether
    a cell is running, which may feed them next) and when the cell that showed them ends.
    """

    _handle: Any = None  # the DisplayHandle of the output showing it
    #: Whether a log from another cell shows it there too (a view the monitor showed itself):
    #: each output then keeps the picture of the cells it was the newest for
    follows_cell = False
    _after_cell: Any = None  # its post_run_cell hook, registered once
    _shown_in: Any = None  # weakref to the ExecutionResult of the cell that showed it
    _publishing = False  # True while _show() displays it: IPython then takes its mimebundle

    def _cell_started(self, running: bool) -> None:
        raise NotImplementedError

    def _cell_ended(self) -> None:
        raise NotImplementedError

    def show(self) -> None:
        """Show this view (again) below the current cell, unless it is already there; the
        picture saved with the notebook then follows this newest output.

        >>> import nngraph as ng
        >>> view = ng.LossView(ng.Monitor(display=False)); view.show()  # no notebook: nothing
        """
        if not self._shown_in_this_cell():
            self._show()

    def _show(self) -> None:
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            return
        shell = get_ipython()
        if shell is None:
            return
        self._publishing = True
        try:
            self._handle = display(self, display_id=True)
        finally:
            self._publishing = False
        running = _running_cell(shell)
        self._shown_in = None if running is None else weakref.ref(running)
        self._cell_started(running is not None)
        if self._after_cell is not None:  # shown again: the hook is there already
            return
        ref = weakref.ref(self)

        def after_cell(*_: Any) -> None:
            shown = ref()
            if shown is None:
                shell.events.unregister("post_run_cell", after_cell)
            else:
                shown._cell_ended()

        self._after_cell = after_cell
        shell.events.register("post_run_cell", after_cell)

    def _shown_in_this_cell(self) -> bool:
        """Whether this view was displayed by the cell that is running now."""
        ref = getattr(self, "_shown_in", None)  # IPython may ask before __init__ ends
        shown = ref() if ref is not None else None
        if shown is None:
            return False
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            return False
        shell = get_ipython()
        return shell is not None and _running_cell(shell) is shown

    @property
    def _ipython_display_(self) -> Any:
        """How IPython shows this view as a cell's value or in ``display()``: nothing more in
        the cell that has just shown it (``ng.LossView.attach(mon)`` as the cell's last line);
        else, while a cell runs, :meth:`show` it (an output whose picture later cells refresh);
        otherwise as usual (this is ``None``, so IPython uses ``_repr_mimebundle_``)."""
        if self._shown_in_this_cell():
            return _show_nothing
        if self._publishing or not cell_is_running():
            return None
        return self._show


def cell_is_running() -> bool:
    """Whether IPython is running a cell's code now (False between cells, in the
    ``post_run_cell`` hooks, in a timer's thread after the cell has ended, or outside IPython).

    >>> cell_is_running()  # a plain script
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and _running_cell(shell) is not None


def _running_cell(shell: Any) -> Any:
    """The ExecutionResult of the cell IPython is running now; ``None`` between cells."""
    return getattr(getattr(shell, "displayhook", None), "exec_result", None)


def _show_nothing() -> None:
    """IPython's ``_ipython_display_`` for a view already shown below the running cell."""
