"""The packages the notebook views are built on, and a clear error where they are missing.

``import nngraph`` never needs them: capture, graphs and the monitor run in a plain Python. A
Python where they cannot be imported (an install with ``--no-deps``, an environment put
together by hand) gets, from ``g.show()``, ``ng.GraphView`` and ``ng.LossView``, an
`NNGraphError` that names the package to install, in the user's language, instead of a bare
``ModuleNotFoundError``.
"""

from __future__ import annotations

import importlib

from nngraph.errors import NNGraphError
from nngraph.i18n import message

__all__ = ["WIDGET_STACK", "WidgetsNotInstalled", "require_widget_stack"]

#: imported in this order: anywidget brings ipywidgets, which brings traitlets
WIDGET_STACK = ("anywidget", "ipywidgets", "traitlets")


class WidgetsNotInstalled(NNGraphError, ImportError):
    """An `NNGraphError` for the student, and an `ImportError` for the code that shows text
    where no view can be made (``g`` as a cell's value, the monitor's printed lines)."""


def require_widget_stack() -> None:
    """Import the packages the views need, or raise `WidgetsNotInstalled` naming the one
    that is missing (what `import` names: a dependency of anywidget's own counts too).

    >>> require_widget_stack()  # all there in this Python
    """
    for package in WIDGET_STACK:
        try:
            importlib.import_module(package)
        except ImportError as error:
            missing = (error.name or package).partition(".")[0]
            raised = WidgetsNotInstalled(message("widgets.error.not_installed", package=missing))
            raised.name = missing
            raise raised from error
