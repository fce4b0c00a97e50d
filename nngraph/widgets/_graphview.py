"""``GraphView``: the interactive graph debugger, an anywidget around ``Graph.to_json()``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from nngraph.widgets._static_svg import static_svg

__all__ = ["GraphView"]

_BUNDLE = Path(__file__).resolve().parent.parent / "static" / "graphview.js"

# Shown instead of the view when the front-end was never built (a source checkout without
# `npm run build`); the static SVG in the same output still shows the graph.
_MISSING_BUNDLE_ESM = """
export default { render({ el }) {
  const p = document.createElement("p");
  p.textContent = "nngraph: the interactive view is not built. Run scripts/setup.sh " +
    "(or: cd js && npm ci && npm run build) and restart the kernel.";
  el.appendChild(p);
} };
"""


def _payload(graph: Any) -> dict[str, Any]:
    """The ``to_dict()`` form of what the user passed (a Graph, a dict or JSON text)."""
    if hasattr(graph, "to_dict"):
        data = graph.to_dict()
    elif isinstance(graph, str):
        data = json.loads(graph)
    elif isinstance(graph, dict):
        data = graph
    else:
        raise TypeError(
            f"GraphView needs an ng.Graph, its to_dict() or its to_json(), not {type(graph)!r}"
        )
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise ValueError(
            "not an nngraph graph: expected {'format': 'nngraph.graph', 'nodes': [...]}"
        )
    return data


class GraphView(anywidget.AnyWidget):
    """Interactive view of a captured graph: pan/zoom, module clusters that open on click,
    an inspector, colour by gradient size, health flags, search, forward/backward views and
    a step-through of the backward pass. ``g.show()`` and ``display(g)`` return one.

    Every output also carries a static SVG, so a saved notebook or nbconvert HTML shows the
    graph without a kernel.

        >>> import torch, nngraph as ng
        >>> from nngraph.widgets import GraphView
        >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())
        >>> g = ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())
        >>> view = GraphView(g, view="backward")  # what g.show(view="backward") returns
        >>> view.view, len(view.graph["nodes"]) == g.number_of_nodes()
        ('backward', True)
        >>> sorted(view._repr_mimebundle_()[0])[-2:]
        ['image/svg+xml', 'text/plain']
    """

    _esm = _BUNDLE if _BUNDLE.exists() else _MISSING_BUNDLE_ESM

    #: the ``Graph.to_dict()`` payload (docs/schema.md)
    graph = traitlets.Dict().tag(sync=True)
    #: levels of modules open at the start, as in ``g.collapse(depth)``; None: the deepest
    #: that draws at most ~150 boxes
    depth = traitlets.Int(None, allow_none=True).tag(sync=True)
    #: "forward" (data flows to the loss) or "backward" (gradient flows to the parameters)
    view = traitlets.Enum(["forward", "backward"], "forward").tag(sync=True)
    #: colour nodes by "grad" or "value" size (log scale), or "none"
    color_by = traitlets.Enum(["grad", "value", "none"], "grad").tag(sync=True)
    #: id of the node shown in the inspector ("" for none); set it to select from Python
    selected = traitlets.Unicode("").tag(sync=True)
    #: height of the drawing area in px
    height = traitlets.Int(520).tag(sync=True)

    def __init__(
        self,
        graph: Any,
        *,
        depth: int | None = None,
        view: str = "forward",
        color_by: str = "grad",
        selected: str = "",
        height: int = 520,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            graph=_payload(graph),
            depth=depth,
            view=view,
            color_by=color_by,
            selected=selected,
            height=height,
            **kwargs,
        )
        self._svg: str | None = None

    def static_svg(self) -> str:
        """The picture used where no JavaScript runs (saved notebooks, nbconvert HTML)."""
        if self._svg is None:
            self._svg = static_svg(self.graph, depth=self.depth, view=self.view)
        return self._svg

    @traitlets.observe("graph", "depth", "view")
    def _forget_svg(self, _change: Any) -> None:
        self._svg = None

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
        data = dict(data)
        data["image/svg+xml"] = self.static_svg()
        data["text/plain"] = self._text()
        return data, dict(metadata)

    def _text(self) -> str:
        nodes = self.graph.get("nodes", [])
        ops = sum(1 for n in nodes if n.get("kind") == "op")
        params = sum(int(n.get("params") or 0) for n in nodes if n.get("kind") == "param")
        return f"<nngraph GraphView: {len(nodes)} nodes, {ops} ops, {params:,} parameters>"
