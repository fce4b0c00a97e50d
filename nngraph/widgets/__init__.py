"""Notebook widgets (anywidget): the interactive graph view and the live loss curves.

>>> from nngraph.widgets import GraphView, LossView
>>> GraphView.__name__, LossView.__name__
('GraphView', 'LossView')
"""

from __future__ import annotations

from nngraph._widget_stack import require_widget_stack

# Before the views import anywidget: where it is missing, an NNGraphError says what to install.
require_widget_stack()

from nngraph.widgets._graphview import GraphView  # noqa: E402
from nngraph.widgets._lossview import LossView  # noqa: E402

__all__ = ["GraphView", "LossView"]
