"""How a :class:`~nngraph.widgets.LossView` holds what it shows (a Monitor, Runs or a
GradientWatch): strongly while it may still be fed, weakly once the cell that fed it has ended,
where the source showed the view itself.

A widget lives as long as the kernel does (ipywidgets keeps every open widget). A view holding
its monitor, the monitor its model, a notebook whose model cell is run again would keep every
earlier model, its gradients and its best weights in memory: on a GPU, until it runs out. The
source holds its view, so the view lives as long as the source is used; once nothing else holds
the source, the view keeps the picture and the words it last showed.

    >>> import gc, nngraph as ng
    >>> view = ng.LossView(ng.Monitor(display=False)); view.follows_cell = True
    >>> view._release_source(); _ = gc.collect(); view.source is None
    True
"""

from __future__ import annotations

import weakref
from typing import Any

__all__ = ["HeldSource"]


class HeldSource:
    """The ``source`` of a view, and the release of it (see the module's docstring)."""

    follows_cell: bool  # shown by its source itself (see monitor/_display.py)

    @property
    def source(self) -> Any:
        """The Monitor, Runs or GradientWatch shown. A view its source showed itself lets go
        of it at the end of each cell (see :meth:`_release_source`): then None once nothing
        else holds the source, and the view keeps the picture it last showed."""
        ref = self.__dict__.get("_source_ref")
        return ref() if ref is not None else self.__dict__.get("_source")

    @source.setter
    def source(self, value: Any) -> None:
        self.__dict__["_source"], self.__dict__["_source_ref"] = value, None

    @property
    def source_gone(self) -> bool:
        """Whether the source was released and nothing else held it: the view shows what it
        last showed."""
        ref = self.__dict__.get("_source_ref")
        return ref is not None and ref() is None

    def _release_source(self) -> None:
        """Hold the source weakly from now on, where it showed this view itself (a view made by
        hand keeps its source)."""
        held = self.__dict__.get("_source")
        if self.follows_cell and held is not None:
            self.__dict__["_source"], self.__dict__["_source_ref"] = None, weakref.ref(held)
