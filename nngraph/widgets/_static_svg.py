"""The static picture of a graph view, for outputs shown without JavaScript.

A saved notebook, nbconvert HTML or a notebook opened without a kernel shows this SVG from
the output's mimebundle. The graph is first collapsed like the live view (modules folded
until at most ``START_BOXES`` boxes remain), then drawn by the Graphviz ``dot`` program when it is
installed and can lay the graph out quickly (see ``nngraph.graph._dot_budget``), else by a small
layered layout in pure Python. A graph still bigger than ``MAX_DRAWN`` boxes shows its first
``MAX_BOXES`` and one more box saying how many are left and what they are, so the picture
stays small and quick to draw. Every text is XML-escaped: names come from user code and can
contain anything. Its few words (a module box's "N params", "empty graph", "N more not
drawn") are in the language current when it is drawn.

    >>> svg = static_svg({"format": "nngraph.graph", "version": 1, "graph": {},
    ...     "nodes": [{"id": "n0", "kind": "input", "label": "<x>"}], "edges": []},
    ...     use_dot=False)
    >>> svg.startswith("<svg") and "&lt;x&gt;" in svg and "<x>" not in svg
    True
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
from collections import Counter
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import networkx as nx

from nngraph._oneline import left_to_right
from nngraph.graph._collapse import Folding
from nngraph.graph._dot_budget import dot_plan, ranks
from nngraph.graph._nodes import count_text
from nngraph.graph._repeats import fold_repeats
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph import Graph

__all__ = ["layered_svg", "static_svg", "xml_text"]

#: the live view and the picture open at the deepest level that draws at most this many boxes
START_BOXES = 40
#: a picture of a graph with more than MAX_DRAWN boxes shows this many of them
MAX_BOXES = 150
#: a picture draws at most this many boxes; a bigger graph shows its first MAX_BOXES
MAX_DRAWN = 500
#: seconds ``dot`` may take before the Python layout draws instead (it is asked only for
#: graphs it lays out in well under a second, see ``nngraph.graph._dot_budget``)
DOT_TIMEOUT_S = 5
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FILL = {
    "input": "#fff3d6",
    "output": "#fff3d6",
    "param": "#e8f0fe",
    "buffer": "#e8f0fe",
    "constant": "#f3f3f3",
    "module": "#e3f2fd",
    "more": "#f7f7f7",
}
_MORE = object()  # the id of the "N more not drawn" box: equal to no node id
# the caption under a picture in HTML: monospace (tables line up), long lines wrapped at spaces
_CAPTION_STYLE = (
    "font-family: monospace; white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere"
)


def picture_html(svg: str, alt: str, caption: str = "") -> str:
    """The SVG as an HTML ``<img>`` (base64 data URI): the static picture an untrusted notebook
    still draws (JupyterLab does not render a bare SVG output there), and nbconvert too. A
    ``caption`` (the words a live view shows beside its picture) follows it as escaped text.

        >>> picture_html("<svg/>", 'a "graph"')[:40]
        '<img alt="a &quot;graph&quot;" src="data'
        >>> picture_html("<svg/>", "", caption="<b>best</b>").split(">", 2)[2]
        '&lt;b&gt;best&lt;/b&gt;</pre>'
    """
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    image = f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{encoded}">'
    if not caption:
        return image
    return f'{image}<pre style="{_CAPTION_STYLE}">{html.escape(caption)}</pre>'


def with_static_picture(
    bundle: Any, svg: str, text: str, caption: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """anywidget's mimebundle plus what shows without a kernel: the SVG, the same picture as an
    ``<img>`` (for untrusted notebooks and nbconvert HTML) with the ``caption`` below it, and
    the text."""
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
    shown = picture_html(svg, text, caption)
    pictures = {"image/svg+xml": svg, "text/plain": text, "text/html": shown}
    return {**data, **pictures}, dict(metadata or {})


def xml_text(text: object, limit: int | None = None) -> str:
    """`text` safe inside an XML element or a double-quoted attribute.

    >>> xml_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    clean = left_to_right(_CONTROL.sub("\ufffd", str(text)))
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return escape(clean, {'"': "&quot;", "'": "&#39;"})


def _collapsed(payload: dict[str, Any], depth: int | None) -> Graph:
    """The graph as the live view first shows it: modules folded to at most START_BOXES boxes."""
    from nngraph.graph import Graph

    try:
        g = Graph.from_dict(payload)
    except Exception:  # a hand-written or partial payload: draw it as it is
        g = Graph()
        for node in payload.get("nodes", []):
            g.add_node(str(node.get("id")), **{k: v for k, v in node.items() if k != "id"})
        for edge in payload.get("edges", []):
            g.add_edge(str(edge.get("source")), str(edge.get("target")))
        return g
    if depth is not None:
        return g.collapse(depth=max(0, depth))
    deepest = max((int(m.get("depth") or 0) for m in payload.get("modules") or []), default=0)
    if deepest == 0:
        return g
    folding = Folding(g)  # what every depth's `g.collapse(depth=d)` would work out again
    best = fold_repeats(folding.collapse(0), copy=False)
    for d in range(1, deepest + 1):
        candidate = fold_repeats(folding.collapse(d), copy=False)
        if candidate.number_of_nodes() > START_BOXES:
            break
        best = candidate
    return best


def static_svg(
    payload: dict[str, Any],
    *,
    depth: int | None = None,
    view: str = "forward",
    use_dot: bool | None = None,
) -> str:
    """An SVG of the graph in `payload` (the ``Graph.to_dict()`` form).

    `use_dot`: False draws with the pure-Python layout; True asks Graphviz ``dot`` even for
    a graph it lays out slowly; None (default) asks ``dot`` when it is installed and the
    graph is one it lays out quickly. Any failure of ``dot``, or a run past
    ``DOT_TIMEOUT_S``, falls back to the Python layout. A graph of more than ``MAX_DRAWN``
    boxes is drawn in Python: its first ``MAX_BOXES`` and a box for the rest.

        >>> chain = {"format": "nngraph.graph", "version": 1, "edges": [
        ...     {"source": f"n{i}", "target": f"n{i + 1}"} for i in range(MAX_DRAWN)],
        ...     "nodes": [{"id": f"n{i}", "label": "add"} for i in range(MAX_DRAWN + 1)]}
        >>> svg = static_svg(chain)
        >>> svg.count("<rect") - 1 == MAX_BOXES + 1, "351 more not drawn" in svg
        (True, True)
    """
    g = _collapsed(payload, depth)
    reverse = view == "backward"
    if g.number_of_nodes() > MAX_DRAWN:
        return layered_svg(_first_boxes(g.reverse(copy=False) if reverse else g))
    clusters = True if use_dot else dot_plan(g)
    if use_dot is not False and clusters is not None and shutil.which("dot"):
        try:
            dot = g.to_dot(rankdir="BT" if reverse else "TB", clusters=clusters)
            done = subprocess.run(
                ["dot", "-Tsvg"],
                input=dot.encode(),
                capture_output=True,
                timeout=DOT_TIMEOUT_S,
                check=True,
            )
            return _strip_prolog(done.stdout.decode("utf-8", "replace"))
        except (OSError, subprocess.SubprocessError):
            pass
    return layered_svg(g, reverse=reverse)


def _first_boxes(h: nx.DiGraph) -> nx.DiGraph:
    """The first MAX_BOXES nodes of `h` in drawing order (layer by layer, a parameter in the
    layer above the op that reads it, as ``dot`` places it), and one box saying how many are
    left and the commonest of their labels, fed by every kept node that feeds one of them.
    (Counted from the sources instead, every parameter of a `graph_of` graph came first: a
    DenseNet's picture was one row of 150 parameters.)"""
    rank = ranks(h)
    if rank is None:  # a cycle: layers as the Python layout draws them
        order = [n for layer in _layers(h) for n in layer]
    else:
        order = sorted(h, key=rank.__getitem__)
    kept, rest = order[:MAX_BOXES], order[MAX_BOXES:]
    shown = nx.DiGraph(h.subgraph(kept))
    labels = Counter(_label(h.nodes[n])[0] for n in rest)
    common = [t if k == 1 else f"{t} ×{count_text(k)}" for t, k in labels.most_common(3)]
    detail = ", ".join(common + (["…"] if len(labels) > 3 else []))
    title = message("graph.picture.more", n=count_text(len(rest)))
    shown.add_node(_MORE, kind="more", label=title, detail=detail)
    keep = set(kept)
    shown.add_edges_from((n, _MORE) for n in kept if any(s not in keep for s in h.successors(n)))
    return shown


def _strip_prolog(svg: str) -> str:
    """Drop the XML declaration, doctype and comments before <svg>: a mimebundle wants <svg>."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _label(data: dict[str, Any]) -> tuple[str, str]:
    title = data.get("label") or data.get("op") or data.get("name") or data.get("kind") or "?"
    if data.get("kind") == "more":
        return str(title), str(data.get("detail") or "")
    shape = data.get("shape")
    sub = "×".join(str(d) for d in shape) if isinstance(shape, list) else ""
    if data.get("kind") == "module":
        sub = str(data.get("module") or sub)
    return str(title), sub


def _end_kept(name: str, limit: int) -> str:
    """A dotted name of more than `limit` characters cut at its start, at a dot where one is
    near, as the live view cuts a parameter's name: what tells a weight from a bias survives.

    >>> _end_kept("model.layers.0.self_attn.k_proj.weight", 20)
    '…k_proj.weight'
    """
    if len(name) <= limit:
        return name
    tail = name[len(name) - (limit - 1) :]
    dot = tail.find(".")
    return "…" + (tail[dot + 1 :] if 0 <= dot < len(tail) / 2 else tail)


def layered_svg(g: nx.DiGraph, *, reverse: bool = False) -> str:
    """Draw `g` top to bottom in layers (topological generations), straight edges.

    >>> g = nx.DiGraph([("a", "b")])
    >>> svg = layered_svg(g)
    >>> svg.count("<rect") == 1 + 2 and "<line" in svg  # background + two boxes
    True
    """
    if g.number_of_nodes() == 0:
        empty = xml_text(message("graphview.empty_graph"))
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="6" y="20">{empty}</text></svg>'
    h = g.reverse(copy=False) if reverse else g
    layers = _layers(h)
    box_h, gap_x, gap_y, char_w = 30, 14, 34, 6.2
    boxes: dict[Any, tuple[float, float, float]] = {}  # node -> (x centre, y top, width)
    widths = []
    for layer in layers:
        sizes = [
            max(60.0, 16 + char_w * max(min(40, len(t)) for t in _label(h.nodes[n]))) for n in layer
        ]
        widths.append(sum(sizes) + gap_x * (len(sizes) - 1))
    total_w = max(widths) + 20
    for row, layer in enumerate(layers):
        x = (total_w - widths[row]) / 2
        for n in layer:
            w = max(60.0, 16 + char_w * max(min(40, len(t)) for t in _label(h.nodes[n])))
            boxes[n] = (x + w / 2, 10 + row * (box_h + gap_y), w)
            x += w + gap_x
    total_h = 10 + len(layers) * (box_h + gap_y)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h:.0f}" '
        f'viewBox="0 0 {total_w:.0f} {total_h:.0f}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="10">',
        '<defs><marker id="ng-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#666"/></marker></defs>',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for u, v in h.edges:
        (x1, y1, _), (x2, y2, _) = boxes[u], boxes[v]
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1 + box_h:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#666" marker-end="url(#ng-arrow)"/>'
        )
    for n, (cx, top, w) in boxes.items():
        data = h.nodes[n]
        title, sub = _label(data)
        kind = str(data.get("kind") or "op")
        stroke = ' stroke="#d62728" stroke-width="2"' if data.get("flags") else ' stroke="#666"'
        out.append(
            f'<g><title>{xml_text(title)}</title><rect x="{cx - w / 2:.1f}" y="{top:.1f}" '
            f'width="{w:.1f}" height="{box_h}" rx="4" fill="{_FILL.get(kind, "#ffffff")}"{stroke}/>'
            f'<text x="{cx:.1f}" y="{top + 13:.1f}" text-anchor="middle">'
            f"{xml_text(_end_kept(title, 40) if kind in ('param', 'buffer') else title, 40)}</text>"
            f'<text x="{cx:.1f}" y="{top + 25:.1f}" text-anchor="middle" fill="#555">'
            f"{xml_text(_end_kept(sub, 40) if kind == 'module' else sub, 40)}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _layers(h: nx.DiGraph) -> list[list[Any]]:
    """The nodes of `h` in layers, each after the ones feeding it (topological generations);
    on a cycle (not from autograd), by BFS depth from the nodes nothing feeds."""
    try:
        return [sorted(layer, key=str) for layer in nx.topological_generations(h)]
    except nx.NetworkXUnfeasible:
        depth: dict[Any, int] = {}
        for root in [n for n in h if h.in_degree(n) == 0] or [next(iter(h))]:
            for n, d in nx.single_source_shortest_path_length(h, root).items():
                depth[n] = max(depth.get(n, 0), d)
        for n in h:
            depth.setdefault(n, 0)
        layers: list[list[Any]] = [[] for _ in range(max(depth.values()) + 1)]
        for n, d in depth.items():
            layers[d].append(n)
        return layers
