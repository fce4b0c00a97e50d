"""The ``Graph`` class (a ``networkx.DiGraph``); see docs/schema.md for node attributes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import networkx as nx

from nngraph.errors import NNGraphError, check_flag
from nngraph.i18n import get_language, message

__all__ = ["Graph"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _explained(
    method: Callable[Concatenate[Graph, _P], _R],
) -> Callable[Concatenate[Graph, _P], _R]:
    """`method`, which, where it fails on a node attribute set by hand through networkx
    (`g.nodes[n]["flags"] = "x"`), raises an `NNGraphError` naming it instead of a TypeError
    from deep inside nngraph."""

    @functools.wraps(method)
    def checked(self: Graph, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
            if isinstance(error, NNGraphError):
                raise
            from nngraph.graph._read import edited_attribute  # it reads Graph

            problem = edited_attribute(self)
            if problem is None:
                raise
            raise problem from error

    return checked


class Graph(nx.DiGraph):
    """A captured computational graph; every networkx algorithm works on it.

    Nodes carry the attributes of docs/schema.md; edges follow the data forward
    (inputs and parameters -> ops -> outputs).

        >>> import networkx as nx, nngraph as ng
        >>> g = ng.Graph()
        >>> g.add_edge("n0", "n1")
        >>> nx.is_directed_acyclic_graph(g)
        True
    """

    #: for a graph made by `collapse`: the graph it folded and where each of its nodes went,
    #: so that `health()` can look at every layer inside the boxes (not copied, not exported)
    _source: Graph | None = None
    _where: dict[Any, Any] | None = None

    def to_directed_class(self) -> type[Graph]:
        """The class networkx's ``to_directed()`` makes: a ``Graph`` again, which keeps
        ``collapse()``, ``health()`` and ``to_json()`` (``to_undirected()`` gives a plain
        ``networkx.Graph``: the data's direction is what this class is about).

            >>> import torch, nngraph as ng
            >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
            >>> type(g.to_directed()).__name__
            'Graph'
        """
        return Graph

    def copy(self, as_view: bool = False) -> Graph:
        """A copy, as networkx makes one, whose edges keep the order each node reads its
        inputs in (``operand`` on each edge, see docs/schema.md): ``a - b`` stays ``a - b``.

            >>> import torch, nngraph as ng
            >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
            >>> sorted(d["operand"] for _, _, d in g.copy().edges(data=True) if d)
            [0, 1, 2]
        """
        copied = super().copy(as_view=as_view)
        if not as_view:
            from nngraph.graph._operands import copy_operands

            copy_operands(self, copied)
        return copied

    # -- structure -----------------------------------------------------------------------

    @_explained
    def collapse(self, depth: int = 1, *, fold_repeats: bool = True) -> Graph:
        """A new graph with modules folded to one node (kind ``"module"``) each.

        ``depth`` is how many levels of modules stay open: every node whose module path has
        more than ``depth`` parts folds into its ancestor module ``depth + 1`` levels down.
        ``depth=0`` draws each top-level child of the model as one box; ``depth=1`` opens
        those and draws their children as boxes (``layer1.0``), while a top-level leaf such
        as ``fc`` shows its ops and parameters. Nodes at the top level (inputs, outputs,
        the loss) are never folded. With ``fold_repeats`` a run of identical blocks becomes
        one box ``Bottleneck x3`` (see `fold_repeats`).

            >>> import torch, nngraph as ng
            >>> model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU())
            >>> g = ng.trace(model, torch.randn(2, 4))
            >>> sorted(n for n in g.collapse(depth=0, fold_repeats=False) if n.startswith("m:"))
            ['m:0', 'm:1']
        """
        from nngraph.graph._collapse import collapse
        from nngraph.graph._repeats import fold_repeats as fold

        check_flag("collapse(fold_repeats=...)", fold_repeats)
        folded = collapse(self, depth)
        return fold(folded, copy=False) if fold_repeats else folded

    @_explained
    def fold_repeats(self) -> Graph:
        """A new graph where back-to-back repeats of a block of module boxes are one box.

        Boxes chained in series (each feeding only the next; besides the previous box's output
        each may read what the previous box reads too, such as the encoder output every
        decoder layer attends to) with the same parent module, type, settings (what the module
        prints in its repr, e.g. ``p=0.5``) and inside (ops and parameter shapes) fold into the
        first one, with
        ``repeat=N`` and a label like ``"Bottleneck x3"``. Blocks of up to 4 boxes are
        found too: ``Linear, ReLU, Linear, ReLU, ...`` becomes ``"(Linear, ReLU) x5000"``.

            >>> import torch, nngraph as ng
            >>> model = torch.nn.Sequential(*[torch.nn.Linear(4, 4) for _ in range(3)])
            >>> g = ng.trace(model, torch.randn(2, 4)).collapse(depth=0, fold_repeats=False)
            >>> [d["label"] for _, d in g.fold_repeats().nodes(data=True) if d["kind"] == "module"]
            ['Linear x3']
        """
        from nngraph.graph._repeats import fold_repeats

        return fold_repeats(self)

    @_explained
    def param_counts(self) -> dict[str, int]:
        """Module path -> number of parameter elements in it (children included).

        >>> import torch, nngraph as ng
        >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
        >>> g.param_counts()[""]
        8
        """
        from nngraph.graph._collapse import param_counts

        return param_counts(self)

    # -- health and text -------------------------------------------------------------------

    @_explained
    def health(self) -> list[dict[str, Any]]:
        """Check the gradients: vanishing/exploding, dead ReLU units, the first NaN/Inf.

        Returns the findings (dicts with ``kind``, ``where``, ``node``, ``module``,
        ``message`` and the numbers behind it) and stores each one in its node's ``flags``.
        Calling it again replaces the earlier findings, it never adds duplicates. On a
        collapsed graph the layers inside the boxes are checked too: each finding goes to the
        box that holds its node. A read-only view such as ``g.subgraph(nodes)`` shares its
        nodes' attributes with ``g``: there the findings are only returned, nothing is stored
        (check ``g.subgraph(nodes).copy()`` to keep them).
        Each ``message`` is written in the language current when ``health()`` runs
        (``ng.set_language``); findings already stored keep that language until the next
        ``health()`` call, but ``summary()`` says them again in its own. A notebook shows
        the list, and ``print`` writes it, as the summary's findings: a sentence per line,
        findings that read alike (a forgotten ``zero_grad()`` on every parameter) in one, in
        the summary's order (causes first, then where they stand in the forward pass).
        A collapsed graph that no longer knows the graph it folded (a ``copy()``, a graph
        read back from JSON or relabelled with networkx) can only give the findings its boxes
        carry: where no ``health()`` looked inside them before, it returns ``[]`` and says so
        (call ``health()`` on the full graph before ``collapse()``) instead of "none".

            >>> import torch, nngraph as ng
            >>> model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
            >>> g = ng.trace(model, torch.full((4, 2), float("nan")), loss=lambda y: y.sum())
            >>> [(f["kind"], f["where"]) for f in g.health()]
            [('nan', 'forward'), ('nan', 'backward')]
        """
        from nngraph.graph._health import boxes_unchecked, find, store
        from nngraph.graph._health_text import health_result
        from nngraph.graph._summary_findings import shown_order

        findings = shown_order(self, find(self))  # as summary() lists them
        # a collapsed copy no health() looked inside: "none" would be a false all-clear
        unchecked = not findings and boxes_unchecked(self)
        if not nx.is_frozen(self) and not unchecked:  # a view would write into what it views
            store(self, findings)
            self.graph["health_language"] = get_language()
        return health_result(self, findings)  # shown, and printed, as the summary's lines

    @_explained
    def summary(self) -> str:
        """A text table of the modules: path, type, output shape, parameters, the norm of
        their parameters' gradient, and health flags, with totals and findings below, in the
        current language (``ng.set_language``).

            >>> import torch, nngraph as ng
            >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
            >>> print(g.summary())  # doctest: +ELLIPSIS
            ===...
            Module   Type    Output shape  Params  Grad norm  Flags
            ===...
            (model)  Linear  [1, 2]             8          -
            ===...
            Total params: 8
            ...
        """
        from nngraph.graph._summary import summary

        return summary(self)

    # -- export ----------------------------------------------------------------------------

    @_explained
    def to_dot(self, *, clusters: bool = True, rankdir: str = "TB") -> str:
        """Graphviz DOT text: one cluster per module, labels with op/name and shape, fill
        colour by kind, flagged nodes outlined in red. Any name is escaped safely.

            >>> import torch, nngraph as ng
            >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
            >>> g.to_dot().splitlines()[0]
            'digraph nngraph {'
        """
        from nngraph.graph._export import to_dot

        return to_dot(self, clusters=clusters, rankdir=rankdir)

    @_explained
    def to_dict(self) -> dict[str, Any]:
        """The versioned, JSON-ready form of docs/schema.md: ``format``, ``version``,
        ``graph``, ``nodes`` (every attribute), ``edges`` and ``modules``.
        NaN and infinite numbers become the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.

            >>> import torch, nngraph as ng
            >>> d = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3)).to_dict()
            >>> d["format"], d["version"], d["modules"][0]["type"]
            ('nngraph.graph', 1, 'Linear')
        """
        from nngraph.graph._export import to_dict

        return to_dict(self)

    @_explained
    def to_json(self, *, indent: int | None = None) -> str:
        """``to_dict()`` as JSON text (valid JSON: no NaN or Infinity literals).

        >>> import torch, nngraph as ng
        >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
        >>> ng.Graph.from_json(g.to_json()).number_of_nodes() == g.number_of_nodes()
        True
        """
        from nngraph.graph._export import to_json

        return to_json(self, indent=indent)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Graph:
        """The graph that ``to_dict()`` described. Anything else (another ``format``, a newer
        ``version``, missing ``nodes``/``edges``, a node without ``id``, an edge to a node that
        is not there, a node attribute of the wrong type such as ``"flags": "x"``, ...) raises
        ``NNGraphError`` saying what is wrong. Node ids come back as they were: JSON lists
        become tuples again; a node attribute left out takes its default.

        >>> import nngraph as ng
        >>> g = ng.Graph.from_dict(ng.Graph().to_dict())
        >>> len(g)
        0
        >>> ng.Graph.from_dict({"format": "nngraph.graph", "version": 1, "nodes": []})
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: this nngraph graph has no "edges": ...
        """
        from nngraph.graph._read import from_dict

        return from_dict(cls, data)

    @classmethod
    def from_json(cls, text: str) -> Graph:
        """The graph that ``to_json()`` wrote; ``NNGraphError`` for text that is not JSON or
        not such a graph (see ``from_dict``).

        >>> import nngraph as ng
        >>> len(ng.Graph.from_json(ng.Graph().to_json()))
        0
        >>> ng.Graph.from_json("net.json")  # a file name is not its text
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: Graph.from_json() needs JSON text ...
        """
        from nngraph.graph._read import from_json

        return from_json(cls, text)

    @_explained
    def save(self, path: str | Path) -> Path:
        """Write the graph to a file; the suffix picks the format: ``.dot``/``.gv`` (DOT),
        ``.json``, or ``.svg``/``.png``/``.pdf`` (drawn by Graphviz's ``dot`` program, which
        must be installed). ``~`` stands for the home folder; the folder must exist (else
        ``NNGraphError``, as for anything that is not a file name). Returns the path written.

            >>> import tempfile, pathlib, torch, nngraph as ng
            >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
            >>> g.save(pathlib.Path(tempfile.mkdtemp()) / "net.json").suffix
            '.json'
            >>> g.save("no/such/folder/net.json")
            Traceback (most recent call last):
            ...
            nngraph.errors.NNGraphError: cannot save no/such/folder/net.json: there is no folder ...
            >>> g.save(123)
            Traceback (most recent call last):
            ...
            nngraph.errors.NNGraphError: g.save() needs a file name such as "net.svg" ...
        """
        from nngraph.graph._save import save

        return save(self, path)

    # -- notebook --------------------------------------------------------------------------

    @_explained
    def show(self, **options: Any) -> Any:
        """The interactive graph view for a notebook (``nngraph.widgets.GraphView``); the
        options are the view's: ``depth``, ``view``, ``color_by``, ``selected``, ``height``
        (and ipywidgets' ``layout``), each checked as ``GraphView`` checks it.

        >>> import torch, nngraph as ng
        >>> g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
        >>> view = g.show(view="backward", depth=0); view.view, view.depth
        ('backward', 0)
        >>> view.close()
        """
        from nngraph.widgets import GraphView

        return GraphView(self, **options)

    def __repr__(self) -> str:
        """One line, as the view's text (a graph inside a tuple or a list shows this).

        >>> import torch, nngraph as ng
        >>> ng.set_language("en")
        >>> ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
        <nngraph Graph: 6 nodes, 2 ops, 8 parameters>
        """
        from nngraph.graph._nodes import counted
        from nngraph.graph._summary import _param_totals

        ops = sum(1 for _, kind in self.nodes(data="kind", default="op") if kind == "op")
        try:
            params = _param_totals(self)[0]
        except (TypeError, ValueError, KeyError):  # odd attributes a user put on a graph
            params = 0
        return message(
            "graph.repr",
            nodes=counted("nodes", len(self)),
            ops=counted("ops", ops),
            params=counted("params", params),
        )

    def __str__(self) -> str:
        """The same line as ``repr``, so that ``print(g)`` and ``f"{g}"`` say it in the current
        language too (networkx's ``str`` is English: "Graph with 6 nodes and 5 edges").

        >>> import torch, nngraph as ng
        >>> ng.set_language("pl")
        >>> print(ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3)))
        <nngraph Graph: 6 węzłów, 2 operacje, 8 parametrów>
        >>> ng.set_language("en")
        """
        return repr(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """What Jupyter shows for ``display(g)``: the graph view, or the text summary when
        the widgets cannot be imported."""
        try:
            view = self.show()
        except ImportError:  # widgets not installed: the text summary still helps
            return {"text/plain": self.summary()}
        return view._repr_mimebundle_(**kwargs)
