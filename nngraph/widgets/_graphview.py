"""``GraphView``: the interactive graph debugger, an anywidget around ``Graph.to_json()``."""

from __future__ import annotations

import numbers
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import anywidget
import traitlets

from nngraph._gc import gc_paused
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.graph._nodes import counted
from nngraph.graph._summary import model_params
from nngraph.i18n import get_language, message, messages, on_language_change
from nngraph.i18n._catalog import with_type
from nngraph.widgets._default_labels import labels_out_of_date, with_labels_now
from nngraph.widgets._health_flags import with_health
from nngraph.widgets._options import check_at_least, check_layout, check_names, check_selected
from nngraph.widgets._static_svg import static_svg, with_static_picture
from nngraph.widgets._wire import compact, expanded, sendable

__all__ = ["GraphView"]

_BUNDLE = Path(__file__).resolve().parent.parent / "static" / "graphview.js"
#: the largest `depth` kept as given (the browser reads it as a 32-bit number)
_DEEPEST = 1000

# Shown instead of the view when the front-end was never built (a source checkout without
# `npm run build`); the static SVG in the same output still shows the graph. The text is the
# `graphview.not_built` message, in the language of the `messages` trait.
_MISSING_BUNDLE_ESM = """
export default { render({ model, el }) {
  const p = document.createElement("p");
  const words = model.get("messages") || {};
  p.textContent = words["graphview.not_built"] || ("nngraph: the interactive view is not " +
    "built. Run scripts/setup.sh (or: cd js && npm ci && npm run build) and restart the kernel.");
  el.appendChild(p);
} };
"""


def front_end(bundle: Path) -> Path | str:
    """The view's ES module: the built `bundle`, or where it was never built, a small module
    that says how to build it.

    >>> "npm run build" in front_end(Path("no/such/graphview.js"))
    True
    """
    return bundle if bundle.exists() else _MISSING_BUNDLE_ESM


def _payload(graph: Any) -> dict[str, Any]:
    """The ``to_dict()`` form of what the user passed: a Graph, its ``to_dict()`` or its
    ``to_json()`` text. Anything else raises ``NNGraphError`` saying what to pass.

        >>> _payload('{"format": "nngraph.graph", "version": 1, "nodes": [], "edges": []}')["nodes"]
        []
        >>> _payload(5)
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: GraphView needs a graph: an ng.Graph ...
    """
    if isinstance(graph, Graph):
        return with_labels_now(with_health(graph))
    if not isinstance(graph, (str, bytes, bytearray, dict)):
        raise NNGraphError(message("graph.error.view_type", got=with_type(graph)))
    try:  # the reader's checks: not JSON, no "format", no "nodes", a bad node or edge, ...
        reader = Graph.from_dict if isinstance(graph, dict) else Graph.from_json
        checked = reader(cast(Any, graph))  # bytes are JSON text too
    except NNGraphError as err:
        raise NNGraphError(message("graph.error.view_bad", error=err)) from err
    # written again as to_dict() writes it: strict JSON (a NaN the reader accepted becomes
    # "NaN"), every attribute present; nngraph's own words and findings in the current language
    return with_labels_now(with_health(checked))


_NOT_CHECKED = object()


class _Graph(traitlets.Dict):
    """``graph``: set to an ``ng.Graph``, its ``to_dict()`` or its ``to_json()`` text, it holds
    the checked ``to_dict()`` payload (``_payload``), also when set later (``view.graph = g``);
    anything else raises the ``NNGraphError`` of ``GraphView(...)``, not traitlets' own."""

    def validate(self, obj: Any, value: Any) -> Any:
        if value is getattr(obj, "_checked_payload", _NOT_CHECKED):  # GraphView() checked it
            return value
        with gc_paused():
            return _payload(value)


class _Choice(traitlets.Enum):
    """An option with a few allowed values; another value raises ``NNGraphError`` naming
    them (traitlets' own ``TraitError`` would come with a long traceback)."""

    def validate(self, obj: Any, value: Any) -> Any:
        if not isinstance(value, str):  # an array's == would answer element by element
            self.error(obj, value)
        return super().validate(obj, value)

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> Any:
        allowed = ", ".join(repr(v) for v in self.values or ())
        raise NNGraphError(
            message(
                "widgets.error.choice",
                widget=type(obj).__name__,
                option=self.name,
                allowed=allowed,
                got=value,
            )
        )


class _Whole(traitlets.Int):
    """A whole-number option; anything else raises ``NNGraphError``. Not a float such as
    ``300.0``, which traitlets' own ``Int`` would take: the view refuses it when it is made,
    as ``LossView`` does."""

    def validate(self, obj: Any, value: Any) -> Any:
        if not isinstance(value, numbers.Integral):
            self.error(obj, value)
        return value  # a bool too: the option's own check refuses it, with its minimum

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> Any:
        widget = type(obj).__name__
        raise NNGraphError(
            message("widgets.error.whole", widget=widget, option=self.name, got=value)
        )


class _Depth(traitlets.Int):
    """``depth``: None or a whole number >= 0 (not a bool, not a float such as ``2.0``, as
    ``g.collapse`` takes it); anything else raises ``NNGraphError`` naming the view's option.

        >>> GraphView({"format": "nngraph.graph", "version": 1, "nodes": [], "edges": []},
        ...     depth=-1)
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: GraphView(depth=...) needs a whole number >= 0 ...
    """

    def validate(self, obj: Any, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            self.error(obj, value)
        return min(int(value), _DEEPEST)  # deeper than any model: everything open

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> Any:
        raise NNGraphError(message("widgets.error.depth", widget=type(obj).__name__, got=value))


class _NodeId(traitlets.Unicode):
    """``selected``: a node's id (a string); anything else raises ``NNGraphError``."""

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> Any:
        raise NNGraphError(message("widgets.error.selected", widget=type(obj).__name__, got=value))


#: what ``GraphView(...)`` and ``g.show(...)`` take besides the graph (``layout``: ipywidgets')
OPTIONS = ("depth", "view", "color_by", "selected", "height", "layout")
MIN_HEIGHT = 1  # px


class WidgetOptionError(NNGraphError, traitlets.TraitError):
    """A value a trait's check refused: an NNGraphError that traitlets also undoes (one the
    browser sends is rolled back, not kept)."""


@contextmanager
def _rolled_back() -> Iterator[None]:
    try:
        yield
    except NNGraphError as error:
        raise WidgetOptionError(str(error)) from None


class GraphView(anywidget.AnyWidget):
    """Interactive view of a captured graph: pan/zoom, module clusters that open on click,
    an inspector, colour by gradient size, health flags, search, forward/backward views and
    a step-through of the backward pass. ``g.show()`` returns one; ``display(g)`` and ``g`` as a
    cell's last line show one.
    `graph` is an ``ng.Graph``, its ``to_dict()`` or its ``to_json()`` text; anything else
    (or a damaged graph) raises ``NNGraphError`` saying what to pass.

    Every output also carries a static SVG, so a saved notebook or nbconvert HTML shows the
    graph without a kernel.

    The options are checked: a value they cannot take, or a name that is no option (a typo
    such as ``colour_by``), raises ``NNGraphError`` saying what is allowed.

    The health findings (``g.health()``) are flagged on their nodes; where ``g.health()`` was
    not called, the view runs the check itself, as ``g.summary()`` does, and leaves ``g`` as
    it was.

    Every word it shows comes from the ``messages`` trait (the ``graphview.`` keys of
    ``nngraph.i18n``), which follows ``ng.set_language`` while the view is open, as do the
    health findings on the nodes and the labels nngraph gave (``param``, ``output``; never a
    name the user chose), in the browser and in the static picture alike.

        >>> import torch, nngraph as ng
        >>> from nngraph.widgets import GraphView
        >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())
        >>> g = ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())
        >>> view = GraphView(g, view="backward")  # what g.show(view="backward") returns
        >>> view.view, len(view.graph["nodes"]) == g.number_of_nodes()
        ('backward', True)
        >>> sorted(view._repr_mimebundle_()[0])[-3:]
        ['image/svg+xml', 'text/html', 'text/plain']
    """

    _esm = front_end(_BUNDLE)

    #: the ``Graph.to_dict()`` payload (docs/schema.md); the browser gets it without the
    #: attributes that hold their default (``_wire.compact``), which it fills in again, and
    #: with U+FFFD for what a kernel message cannot carry (``_wire.sendable``)
    graph = _Graph().tag(
        sync=True,
        to_json=lambda value, _widget: sendable(compact(value)),
        from_json=lambda value, _widget: expanded(value),
    )
    #: levels of modules open at the start, as in ``g.collapse(depth)``; None: the deepest
    #: that draws at most 40 boxes, or the nearest that Graphviz lays out in well under a
    #: second (a ``graph_of`` graph's modules hold only parameters, used all along the graph).
    #: A drawing that would keep the page busy for long is declined with a message.
    depth = _Depth(None, allow_none=True).tag(sync=True)
    #: "forward" (data flows to the loss) or "backward" (gradient flows to the parameters)
    view = _Choice(["forward", "backward"], "forward").tag(sync=True)
    #: colour nodes by "grad" or "value" size (log scale), or "none"
    color_by = _Choice(["grad", "value", "none"], "grad").tag(sync=True)
    #: id of the node shown in the inspector ("" for none); set it to select from Python
    selected = _NodeId("").tag(sync=True)
    #: height of the drawing area in px
    height = _Whole(520).tag(sync=True)
    #: every word the view shows: the ``graphview.`` messages in the current language
    messages = traitlets.Dict().tag(sync=True)

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
        self._check_options(
            depth=depth, view=view, color_by=color_by, selected=selected, height=height, **kwargs
        )
        with gc_paused():  # tens of thousands of node dicts made, none freed (see _gc.py)
            payload = _payload(graph)
            self._checked_payload: dict[str, Any] | None = payload  # the trait need not check it
            check_selected("GraphView", payload, selected)
            super().__init__(
                graph=payload,
                depth=depth,
                view=view,
                color_by=color_by,
                selected=selected,
                height=height,
                **{"messages": messages("graphview."), **kwargs},
            )
        del self._checked_payload  # a graph set later is checked, None too
        self._svg: str | None = None
        # the catalog holds the view weakly: its listener never keeps a dropped view alive
        ref = weakref.ref(self)

        def follow(_language: str) -> None:
            view = ref()
            if view is None:
                unsubscribe()
            else:
                view._on_language()

        unsubscribe = on_language_change(follow)
        self._unsubscribe_language = unsubscribe

    def _check_options(self, **given: Any) -> None:
        """Refuse a name that is no option (a typo, which would otherwise be ignored without a
        word) or a value it cannot take, before the widget is made: the error then comes with
        a short traceback. The traits check a later ``view.view = ...`` too."""
        check_names("GraphView", given, OPTIONS)
        traits = self.class_traits()
        for name, value in given.items():
            if name == "layout":  # ipywidgets' own
                check_layout("GraphView", value)
                continue
            trait = traits[name]
            if not (value is None and trait.allow_none):
                trait.validate(self, value)
            if name == "height":
                check_at_least("GraphView", "height", value, MIN_HEIGHT)

    @traitlets.validate("height")
    def _check_height(self, proposal: dict[str, Any]) -> int:
        with _rolled_back():
            return check_at_least("GraphView", "height", proposal["value"], MIN_HEIGHT)

    @traitlets.validate("selected")
    def _check_selected(self, proposal: dict[str, Any]) -> str:
        with _rolled_back():
            return check_selected("GraphView", self.graph, proposal["value"])

    @traitlets.observe("graph")
    def _forget_selected(self, _change: Any) -> None:  # one the new graph has no node for
        try:
            check_selected("GraphView", self.graph, self.selected)
        except NNGraphError:
            self.selected = ""

    def _on_language(self) -> None:
        self.messages = messages("graphview.")
        self._svg = None  # its labels (empty graph, "N params") are in the old language
        payload = self.graph
        findings_old = payload["graph"].get("health_language") not in (None, get_language())
        if findings_old or labels_out_of_date(payload):  # "param", "output": nngraph's words
            self.graph = Graph.from_dict(payload)  # said again, by _payload

    def close(self) -> None:
        """Close the view and stop following ``ng.set_language``.

        >>> view = GraphView({"format": "nngraph.graph", "version": 1, "nodes": [], "edges": []})
        >>> view.close(); view.comm is None
        True
        """
        unsubscribe = getattr(self, "_unsubscribe_language", None)
        if unsubscribe is not None:
            unsubscribe()
        super().close()

    def static_svg(self) -> str:
        """The picture used where no JavaScript runs (saved notebooks, nbconvert HTML).

        >>> view = GraphView({"format": "nngraph.graph", "version": 1, "nodes": [], "edges": []})
        >>> view.static_svg().startswith("<svg")
        True
        >>> view.close()
        """
        if self._svg is None:
            with gc_paused():
                self._svg = static_svg(self.graph, depth=self.depth, view=self.view)
        return self._svg

    @traitlets.observe("graph", "depth", "view")
    def _forget_svg(self, _change: Any) -> None:
        self._svg = None

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        return with_static_picture(bundle, self.static_svg(), self._text())

    def __repr__(self) -> str:  # `print(view)`: what it shows, not an object's address
        return self._text()

    def _text(self) -> str:
        """One line for where the view cannot run: nodes, ops and the model's parameters."""
        nodes = self.graph.get("nodes", [])
        ops = sum(1 for n in nodes if (n.get("kind") or "op") == "op")
        return message(
            "graphview.plain",
            nodes=counted("nodes", len(nodes)),
            ops=counted("ops", ops),
            params=counted("params", total_params(self.graph)),
        )


def total_params(payload: dict[str, Any]) -> int:
    """The parameters of the model in a ``to_dict()`` payload, counted as ``repr(g)`` and
    ``summary()`` count them (``model_params``): the model's own entry in ``modules`` where
    capture knew the model, else the parameter nodes (the hand-made weights where there are
    none) plus what module boxes (a collapsed graph) hold.

        >>> total_params({"nodes": [{"kind": "param", "params": 12},
        ...     {"kind": "module", "params": 30}, {"kind": "op"}], "modules": []})
        42
    """
    modules = {
        module.get("path"): module
        for module in payload.get("modules") or []
        if module.get("known", True)
    }
    return model_params(dict(enumerate(payload.get("nodes", []))), modules)
