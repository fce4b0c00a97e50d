"""nngraph: see, debug and teach PyTorch computational graphs in JupyterLab.

>>> import torch, nngraph as ng
>>> x = torch.ones(3, requires_grad=True)
>>> g = ng.graph_of((x * 2).sum())
>>> sorted(d["kind"] for _, d in g.nodes(data=True))
['input', 'op', 'op', 'output']
"""

from __future__ import annotations

import sys
from typing import Any

from nngraph import _ipython_errors, datasets
from nngraph.capture import graph_of, record, trace
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.i18n import get_language, set_language
from nngraph.monitor import GradientWatch, Monitor, Runs, compare, detectors

__all__ = [
    "GradientWatch",
    "Graph",
    "GraphView",
    "LossView",
    "Monitor",
    "NNGraphError",
    "Runs",
    "compare",
    "datasets",
    "detectors",
    "get_language",
    "graph_of",
    "load_ipython_extension",
    "record",
    "set_language",
    "trace",
    "unload_ipython_extension",
]

__version__ = "0.1.0"

# `ng.detectors` is nngraph.monitor.detectors; this makes `from nngraph.detectors import GL` work
sys.modules[f"{__name__}.detectors"] = detectors


def __getattr__(name: str) -> Any:
    """`ng.GraphView` and `ng.LossView` load the widget stack (anywidget) only when asked for."""
    if name in ("GraphView", "LossView"):
        from nngraph import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module 'nngraph' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """Register the ``%nngraph`` magics: ``%load_ext nngraph``.

    >>> from IPython.testing.globalipapp import get_ipython
    >>> import nngraph as ng
    >>> ip = get_ipython()  # an IPython shell, as a notebook has
    >>> ng.load_ipython_extension(ip)  # what %load_ext nngraph does
    >>> "nngraph" in ip.magics_manager.magics["line"]
    True
    >>> ng.unload_ipython_extension(ip)
    """
    from nngraph.magics import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Undo ``%load_ext nngraph``: ``%unload_ext nngraph``.

    >>> from IPython.testing.globalipapp import get_ipython
    >>> import nngraph as ng
    >>> ip = get_ipython(); ng.load_ipython_extension(ip)
    >>> ng.unload_ipython_extension(ip)  # what %unload_ext nngraph does
    >>> "nngraph" in ip.magics_manager.magics["line"]
    False
    """
    from nngraph.magics import unload_ipython_extension as unload

    unload(ipython)


# In IPython/Jupyter, `import nngraph` is enough for the `%nngraph` magics (`%load_ext nngraph`
# after it is harmless, `%unload_ext nngraph` removes them), and an NNGraphError shows the
# user's lines, not nngraph's. A script stays a script: nothing is imported or installed.
_shell = _ipython_errors.running_shell()
if _shell is not None and hasattr(_shell, "register_magics"):
    load_ipython_extension(_shell)
    from nngraph._magic_extension import unload_after_import

    unload_after_import(_shell)  # `%unload_ext nngraph` undoes it, as it undoes `%load_ext`
del _shell
