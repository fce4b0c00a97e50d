"""Notebook widgets (anywidget): the interactive graph view and the live loss curves.

>>> from nngraph.widgets import GraphView, LossView
>>> GraphView.__name__, LossView.__name__
('GraphView', 'LossView')
"""

from __future__ import annotations

from nngraph.widgets._graphview import GraphView
from nngraph.widgets._lossview import LossView

__all__ = ["GraphView", "LossView"]
