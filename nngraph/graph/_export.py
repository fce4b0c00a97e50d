"""Writing a graph out: Graphviz DOT and versioned JSON; files are written by _save.py and
JSON is read back by _read.py.

DOT safety: node ids in the DOT text are our own (`"v0"`, `"v1"`, ...) and every text that
comes from the model (names, module paths, op names) goes into an HTML-like label, escaped
as XML with everything outside printable ASCII written as a numeric entity. So no name can
close a string, start a tag or smuggle a Graphviz escape (`\\N`, a trailing backslash):
a backslash is written as itself followed by a zero-width space.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import TYPE_CHECKING, Any

from nngraph._oneline import left_to_right
from nngraph.errors import NNGraphError, check_flag
from nngraph.graph._nodes import (
    NODE_DEFAULTS,
    ancestors_of,
    count_text,
    forward_order,
    module_types,
    owner_module,
    parent_of,
    renamed_lists,
)
from nngraph.graph._operands import OPERAND, operand_places
from nngraph.i18n import message
from nngraph.i18n._catalog import shortened

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "FORMAT",
    "VERSION",
    "catalog_word",
    "finding_name",
    "flag_kind",
    "id_ok",
    "shown",
    "to_dict",
    "to_dot",
    "to_json",
]

FORMAT, VERSION = "nngraph.graph", 1

#: Fill colour per node kind.
COLORS = {
    "input": "#cfe8fc",
    "param": "#fff2b3",
    "buffer": "#ececec",
    "constant": "#f5f5f5",
    "op": "#ffffff",
    "output": "#c8f0c8",
    "module": "#ffd9b3",
}
# Graphviz expands \N (node name), \G (graph name), \l ... even inside HTML labels; a
# zero-width space after each backslash keeps it a plain, visible backslash.
_BACKSLASH = "&#92;&#8203;"
_VISIBLE = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# -- DOT -----------------------------------------------------------------------------------


#: Longest text of a label line, in characters: Graphviz refuses a label of more than 16,384
#: (a non-ASCII letter takes up to 9, as `&#NNNNN;`) and a box wider than 65,535 points.
LABEL_LIMIT = 200


def html_text(text: object) -> str:
    """`text` as safe content of a Graphviz HTML-like label (pure ASCII), its middle left out
    past `LABEL_LIMIT` characters.

    >>> html_text('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> len(html_text("a" * 10_000))
    206
    """
    text = left_to_right(str(text))  # U+202E would turn the rest of the label around
    if len(text) > LABEL_LIMIT:
        half = LABEL_LIMIT // 2
        text = text[:half] + "…" + text[-half + 1 :]
    shown = "".join(
        _VISIBLE.get(ch, f"\\x{ord(ch):02x}") if ord(ch) < 32 or ord(ch) == 127 else ch
        for ch in text
    )
    escaped = html.escape(shown, quote=True)
    return "".join(_ascii(ch) for ch in escaped)


def _ascii(ch: str) -> str:
    if ch == "\\":
        return _BACKSLASH
    if 32 <= ord(ch) < 127:
        return ch
    return f"&#{_code_point(ch)};"


def _code_point(ch: str) -> int:
    code = ord(ch)
    # a lone surrogate is not a character, U+FFFE and U+FFFF are not allowed in XML
    return 0xFFFD if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) else code


def _shape_text(shape: Any) -> str:
    return "" if shape is None else "[" + ", ".join(str(d) for d in shape) + "]"


def name_in_frame(name: str, frame: str) -> str:
    """`name` as written inside the frame of module `frame` ("" for none): without the path
    the frame's title already says, as the live view writes it (js/src/lib/render.js).

    >>> name_in_frame("model.layers.0.k_proj.weight", "model.layers.0.k_proj")
    'weight'
    >>> name_in_frame("fc.weight", "")
    'fc.weight'
    """
    return name[len(frame) + 1 :] if frame and name.startswith(frame + ".") else name


def _node_label(data: dict[str, Any], shared: int = 0, frame: str = "") -> str:
    kind = data.get("kind")
    title = data.get("label") or data.get("op") or data.get("name") or kind
    if kind in ("param", "buffer"):
        title = name_in_frame(str(title), frame)
    lines = [f"<B>{html_text(title)}</B>"]
    if kind == "module" and data.get("module"):
        lines.append(html_text(name_in_frame(str(data["module"]), frame)))
    if data.get("shape") is not None:
        lines.append(html_text(_shape_text(data["shape"])))
    if kind == "op" and not data.get("tracked"):
        lines.append(f"<I>{html_text(message('graph.dot.untracked'))}</I>")
    if kind == "module" and (data.get("params") or shared):
        count = count_text(data.get("params") or 0)
        if shared:  # tied weights it uses, counted in the module that registers them first
            count = message("graph.summary.params_shared", count=count, shared=count_text(shared))
        lines.append(html_text(message("graph.dot.params", count=count)))
    kinds = sorted({finding_name(flag) for flag in data.get("flags") or []})
    if kinds:
        lines.append(f'<FONT COLOR="#d62728">{html_text("⚠ " + ", ".join(kinds))}</FONT>')
    return "<" + "<BR/>".join(lines) + ">"


def finding_name(flag: dict[str, Any]) -> str:
    """A finding's kind (see :func:`flag_kind`) as the graph view names it, in the current
    language ("dead", "martwe jednostki"); a kind of someone else's is shown as it is."""
    return catalog_word("graphview.flag.kind", flag_kind(flag))


def flag_kind(flag: dict[str, Any]) -> str:
    """The kind a finding is shown under: its own, but `"data_scale"` for data far from
    standardised (an `exploding` finding of the schema, with the data's `mean` and `std`),
    which is no exploding gradient.

    >>> flag_kind({"kind": "exploding", "where": "forward", "mean": 500.0, "std": 290.0})
    'data_scale'
    >>> flag_kind({"kind": "dead"})
    'dead'
    """
    kind = str(flag.get("kind"))
    return "data_scale" if kind == "exploding" and "mean" in flag and "std" in flag else kind


def catalog_word(group: str, word: Any) -> str:
    """`word` as the catalog's `group` says it; one the catalog does not know, as it is."""
    try:
        return message(f"{group}.{word}")
    except KeyError:
        return str(word)


def _shared(g: Graph, data: dict[str, Any]) -> int:
    """Parameter elements a box uses that another module counts (tied weights), else 0."""
    if data.get("kind") != "module":
        return 0
    entry = (g.graph.get("modules") or {}).get(data.get("module") or "") or {}
    return int(entry.get("shared") or 0)


def _cluster_of(data: dict[str, Any]) -> str:
    """The module cluster a node is drawn in: its module; a module box sits in its parent."""
    if data.get("kind") == "module":
        return parent_of(data.get("module") or "") or ""
    return owner_module(data)


def to_dot(g: Graph, *, clusters: bool = True, rankdir: str = "TB") -> str:
    """Graphviz DOT text for `g` (see `Graph.to_dot`)."""
    # a string first: an array's or a tensor's == would answer element by element
    if not isinstance(rankdir, str) or rankdir not in ("TB", "LR", "BT", "RL"):
        raise NNGraphError(message("graph.error.rankdir", got=rankdir))
    check_flag("to_dot(clusters=...)", clusters)
    order = forward_order(g)
    dot_id = {n: f'"v{i}"' for i, n in enumerate(order)}
    members: dict[str, list[Any]] = {}
    children: dict[str, list[str]] = {}  # cluster tree, in order of first appearance
    placed = {""}
    for n in order:
        path = _cluster_of(g.nodes[n]) if clusters else ""
        members.setdefault(path, []).append(n)
        for child in ancestors_of(path):
            if child in placed:
                break
            placed.add(child)
            children.setdefault(parent_of(child) or "", []).append(child)
    types = module_types(g)
    lines = [
        "digraph nngraph {",
        f'  graph [rankdir="{rankdir}", fontname="Helvetica", fontsize=10];',
        '  node [shape="box", style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [arrowsize=0.6, color="#555555"];',
    ]
    numbers = iter(range(len(g) + len(children) + 1))
    unused = set(g.graph.get("unused") or ())  # results nothing used

    def emit(path: str, indent: str) -> None:
        for n in members.get(path, []):
            data = g.nodes[n]
            kind = str(data.get("kind"))
            # an op autograd never saw (under no_grad, or from data alone): dashed and grey
            untracked = kind == "op" and not (data.get("tracked") or data.get("backward"))
            fill = COLORS["constant" if untracked else kind] if kind in COLORS else "#ffffff"
            label = _node_label(data, _shared(g, data), path)
            attrs = [f"label={label}", f'fillcolor="{fill}"']
            if kind == "op":
                attrs.append('shape="ellipse"')
            if untracked or (kind == "output" and n in unused):  # `out, _ = self.rnn(x)`'s `_`
                attrs.append('style="dashed,filled", fontcolor="#666666"')
            if data.get("flags"):
                attrs.append('color="#d62728", penwidth=2')
            lines.append(f"{indent}{dot_id[n]} [{', '.join(attrs)}];")
        for child in children.get(path, []):
            child_type = types.get(child)
            name = name_in_frame(child, path)
            title = f"{name} ({child_type})" if child_type else name
            lines.append(f'{indent}subgraph "cluster_{next(numbers)}" {{')
            lines.append(f"{indent}  label=<{html_text(title)}>;")
            lines.append(f'{indent}  style="rounded,dashed"; color="#999999"; fontsize=9;')
            emit(child, indent + "  ")
            lines.append(f"{indent}}}")

    emit("", "  ")
    lines += [f"  {dot_id[u]} -> {dot_id[v]};" for u, v in g.edges]
    if "unused" in renamed_lists(g):  # which outputs nothing used is not known: say so
        # set last, so that no cluster takes it as its own label
        note = html_text(message("graph.dot.renamed_unused"))
        lines.append(f'  label=<{note}>; labelloc="b"; fontcolor="#d62728";')
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- JSON ----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Plain JSON values; NaN and +-Inf become the strings "NaN", "Infinity", "-Infinity"."""
    kind = type(value)  # the exact built-in types first: a large graph has millions of values
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float and -math.inf < value < math.inf:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): _jsonable(v) for k, v in value.items()}
    if kind is list:
        return [_jsonable(v) for v in value]
    if isinstance(value, (int, str)):  # subclasses: IntEnum, numpy.str_, ...
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist") or hasattr(value, "item"):  # numpy, torch
        try:  # one number as a number, an array as (nested) lists
            size = value.numel() if hasattr(value, "numel") else getattr(value, "size", 1)
            one = size == 1 or not hasattr(value, "tolist")
            return _jsonable(value.item() if one else value.tolist())
        except Exception:  # something else with those names must not stop the export
            return str(value)
    return str(value)


def modules_list(g: Graph) -> list[dict[str, Any]]:
    """Every module that ran (and those `g.graph["modules"]` knows), in forward order (see
    `module_paths`); `known` tells the modules of `g.graph["modules"]` from those only the
    nodes name."""
    from nngraph.graph._collapse import param_counts
    from nngraph.graph._module_order import module_paths

    known = g.graph.get("modules") or {}
    paths = module_paths(g)
    types, counts = module_types(g), param_counts(g)
    return [
        {
            "path": path,
            "type": types.get(path),
            "parent": parent_of(path),
            "depth": 0 if path == "" else path.count(".") + 1,
            "params": counts.get(path, 0),
            "shared": known.get(path, {}).get("shared", 0),
            "config": known.get(path, {}).get("config"),
            "training": known.get(path, {}).get("training"),
            "known": path in known,
            "registered": known.get(path, {}).get("registered", True),
            "top_level": known.get(path, {}).get("top_level", False),
        }
        for path in paths
    ]


def id_ok(n: Any) -> bool:
    """Whether JSON gives node id `n` back as it was: a string, a number or a tuple of them."""
    if isinstance(n, tuple):
        return all(id_ok(part) for part in n)
    return isinstance(n, (str, int)) or (isinstance(n, float) and math.isfinite(n))


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` on one line of at most `limit` characters (see `shortened`)."""
    return shortened(value, repr(value), limit)


#: Graph attributes `to_dict` leaves out: the modules have a list of their own.
_NOT_SAVED = ("modules",)


def to_dict(g: Graph) -> dict[str, Any]:
    """The versioned JSON-ready form of `g` (see `Graph.to_dict`); tuple ids become lists."""
    nodes = []
    for n, data in g.nodes(data=True):
        if not id_ok(n):
            raise NNGraphError(message("graph.error.bad_id", id=shown(n), type=type(n).__name__))
        nodes.append(_jsonable({"id": n, **NODE_DEFAULTS, **data}))
    places = operand_places(g)  # the order each node reads its inputs in, which JSON keeps
    return {
        "format": FORMAT,
        "version": VERSION,
        "graph": _jsonable({k: v for k, v in g.graph.items() if k not in _NOT_SAVED}),
        "nodes": nodes,
        "edges": [
            _jsonable({"source": u, "target": v, **data, **_operand(places, u, v)})
            for u, v, data in g.edges(data=True)
        ],
        "modules": modules_list(g),
    }


def _operand(places: dict[tuple[Any, Any], int], u: Any, v: Any) -> dict[str, int]:
    """The ``operand`` an edge is written with (see `operand_places`), if it has one."""
    place = places.get((u, v))
    return {} if place is None else {OPERAND: place}


_SURROGATE = re.compile(r"[\ud800-\udfff]")
MAX_INDENT = 16  # spaces per level: more only makes the text huge (10**7 made gigabytes)


def to_json(g: Graph, *, indent: int | None = None) -> str:
    """`to_dict(g)` as JSON text (see `Graph.to_json`); a lone surrogate becomes `\\udxxx`."""
    if indent is not None and (type(indent) is not int or not 0 <= indent <= MAX_INDENT):
        raise NNGraphError(message("graph.error.indent", maximum=MAX_INDENT, got=indent))
    text = json.dumps(to_dict(g), indent=indent, allow_nan=False, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
