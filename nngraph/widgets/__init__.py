"""Notebook widgets (anywidget): the interactive graph view.

>>> from nngraph.widgets import GraphView
>>> GraphView.__name__
'GraphView'
"""

from __future__ import annotations

from nngraph.widgets._graphview import GraphView
from nngraph.widgets._lossview import LossView as LossView

__all__ = ["GraphView"]
