"""Reading a graph back: `Graph.from_json` and `Graph.from_dict`, checked against docs/schema.md.

Anything that is not what `to_dict()` writes raises `NNGraphError` saying which entry is wrong
and what it should look like, so that `health()`, `summary()` and drawing never meet a value
they cannot use. A node attribute that is left out takes its default (`NODE_DEFAULTS`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nngraph.errors import NNGraphError
from nngraph.graph._export import FORMAT, VERSION, id_ok, shown
from nngraph.graph._nodes import NODE_DEFAULTS
from nngraph.i18n import message
from nngraph.i18n._catalog import shortened

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["from_dict", "from_json"]

_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_STATS = ("mean", "std", "min", "max", "norm", "zero_frac", "nan", "inf", "numel")


def _whole(x: Any) -> bool:
    return type(x) is int


def _number(x: Any) -> bool:
    return type(x) in (int, float)


def _text(x: Any) -> bool:
    return isinstance(x, str)


def _or_null(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda x: x is None or check(x)


def _whole_list(size: int | None) -> Callable[[Any], bool]:
    return lambda x: (
        isinstance(x, list) and (size is None or len(x) == size) and all(map(_whole, x))
    )


def _numbers(x: Any) -> bool:
    return isinstance(x, list) and all(map(_number, x))


def _stats(x: Any) -> bool:
    """Numbers; NaN and infinities only where a tensor's values can be so, not in counts,
    which are not negative either (nor a norm)."""
    return (
        isinstance(x, dict)
        and all(_number(x.get(key)) for key in _STATS)
        and all(math.isfinite(x[key]) for key in ("zero_frac", "nan", "inf", "numel"))
        and all(not x[key] < 0 for key in ("zero_frac", "nan", "inf", "numel", "norm", "std"))
    )


def _flag(x: Any) -> bool:
    return (
        isinstance(x, dict)
        and _text(x.get("kind"))
        and _text(x.get("message", ""))
        and _or_null(_text)(x.get("module"))
        and (x.get("node") is None or id_ok(_id_back(x["node"])))
    )


_STATS_SHAPE = "{" + ", ".join(f'"{key}": ...' for key in _STATS) + "} | null"
#: String attributes -> an example of their value (the message says "a string such as ...").
_TEXTS = {"kind": '"op"', "label": '"linear"', "module": '"fc1"'}
#: The same for string attributes that may be null.
_TEXTS_OR_NULL = {
    "op": '"linear"',
    "backward": '"AddmmBackward0"',
    "module_type": '"Linear"',
    "name": '"x"',
    "dtype": '"float32"',
    "device": '"cpu"',
    "args": '"p=0.5, inplace=False"',
    "block": '"93780d1a65165bb8"',  # module boxes only: absent elsewhere
}
#: Node attribute -> (check, what it should look like in JSON; for a string, an example).
_ATTRIBUTES: dict[str, tuple[Callable[[Any], bool], str]] = {
    **{key: (_text, example) for key, example in _TEXTS.items()},
    **{key: (_or_null(_text), example) for key, example in _TEXTS_OR_NULL.items()},
    **{
        key: (lambda x: type(x) is bool, "true | false")
        for key in ("tracked", "requires_grad", "grad_accumulated")
    },
    **{key: (_or_null(_whole), "3 | null") for key in ("seq", "backward_order", "call")},
    **{key: (_whole, "3") for key in ("params", "repeat")},
    "shape": (_or_null(_whole_list(None)), "[2, 3] | null"),
    "dead": (_or_null(_whole_list(2)), "[1, 8] | null"),
    "value": (_or_null(_stats), _STATS_SHAPE),
    "grad": (_or_null(_stats), _STATS_SHAPE),
    "gates": (_or_null(_numbers), "[0.1, 1.0, -0.2, 0.3] | null"),  # LSTM/GRU biases only
    "flags": (
        lambda x: isinstance(x, list) and all(map(_flag, x)),
        '[{"kind": "dead", "node": "n3", "message": "...", ...}, ...]',
    ),
}
#: `graph` entries nngraph reads besides the node lists -> (check, what they should look like).
_GRAPH_ENTRIES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "backward_passes": (lambda x: _whole(x) and x >= 0, "1"),
    "source": (_text, '"record"'),
    "health_language": (_text, '"en"'),
}


def from_json(cls: type[Graph], text: Any) -> Graph:
    """The graph `to_json` wrote (see `Graph.from_json`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:  # where, not json's English words (kept as the cause)
        where = message("graph.error.json_where", line=err.lineno, column=err.colno)
        raise NNGraphError(message("graph.error.not_json", error=where)) from err
    except UnicodeDecodeError as err:
        raise NNGraphError(
            message("graph.error.not_json", error=message("graph.error.json_not_utf8"))
        ) from err
    except TypeError as err:
        kind = message("graph.error.json_not_text", type=type(text).__name__)
        raise NNGraphError(message("graph.error.not_json", error=kind)) from err
    return from_dict(cls, data)


def _id_back(value: Any) -> Any:
    """A node id as JSON holds it, back in Python: lists (written for tuples) become tuples."""
    return tuple(_id_back(v) for v in value) if isinstance(value, list) else value


def _float_back(value: Any) -> Any:
    """A number as `to_dict` writes it, back in Python: "NaN", "Infinity", "-Infinity" become
    floats again; anything else stays as it is."""
    return _FLOATS.get(value, value) if isinstance(value, str) else value


def _stats_back(stats: Any) -> Any:
    if not isinstance(stats, dict):
        return stats
    return {k: _float_back(v) for k, v in stats.items()}


def _floats_back(values: Any) -> Any:
    return [_float_back(v) for v in values] if isinstance(values, list) else values


def _expected(key: str, expected: str) -> str:
    """What node attribute `key` should look like, in words for a string attribute.

    >>> _expected("op", '"linear"'), _expected("shape", "[2, 3] | null")
    ('a string such as "linear", or null', '[2, 3] | null')
    """
    if key in _TEXTS:
        return message("graph.error.json_text", example=expected)
    if key in _TEXTS_OR_NULL:
        return message("graph.error.json_text_or_null", example=expected)
    return expected


def json_shown(value: Any, limit: int = 60) -> str:
    """`value` as JSON writes it (``null``, ``true``, ``"yes"``), on one line of at most `limit`
    characters: what a message about a JSON file shows (a tuple id as the list JSON holds).

    >>> json_shown(None), json_shown("yes"), json_shown(("n", 1)), json_shown(float("nan"))
    ('null', '"yes"', '["n", 1]', 'NaN')
    """
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # not from JSON (a from_dict caller's object)
        text = repr(value)
    return shortened(value, text, limit)


def _part(data: dict[str, Any], key: str, kind: type, default: Any = None) -> Any:
    """`data[key]`, checked to be a `kind` (list or dict); optional when `default` is given."""
    value = data.get(key)
    if value is None and default is not None:
        return default
    if key not in data:
        raise NNGraphError(message("graph.error.missing", key=key))
    if not isinstance(value, kind):
        expected = "[...]" if kind is list else "{...}"
        raise NNGraphError(
            message("graph.error.bad_field", key=key, expected=expected, got=json_shown(value))
        )
    return value


#: `graph` entries that list node ids (`null` or left out: none listed).
_NODE_LISTS = ("outputs", "unused", "cut_inputs", "inputs")


def _node_list_back(key: str, value: Any) -> list[Any]:
    """`graph[key]`, a list of node ids, back in Python; anything else is an `NNGraphError`
    (`health()` and `summary()` look the ids up)."""
    ids = [_id_back(n) for n in value] if isinstance(value, list) else None
    if ids is None or not all(map(id_ok, ids)):
        raise NNGraphError(
            message(
                "graph.error.bad_field",
                key=f"graph.{key}",
                expected='["n3", ...]',
                got=json_shown(value),
            )
        )
    return ids


def _check_graph_entries(info: dict[str, Any]) -> None:
    """`graph` entries of the wrong type raise `NNGraphError` (a left-out one is not checked)."""
    for key, (check, example) in _GRAPH_ENTRIES.items():
        if key in info and not check(info[key]):
            expected = (
                message("graph.error.json_text", example=example) if check is _text else example
            )
            raise NNGraphError(
                message(
                    "graph.error.bad_field",
                    key=f"graph.{key}",
                    expected=expected,
                    got=json_shown(info[key]),
                )
            )


def _modules_back(modules: list[Any]) -> dict[str, dict[str, Any]]:
    """`g.graph["modules"]`: the entries it had (`known`, true where left out)."""
    known = {}
    for i, m in enumerate(modules):
        if not (
            isinstance(m, dict)
            and _text(m.get("path"))
            and _or_null(_text)(m.get("type"))
            and _whole(m.get("params", 0))
            and _whole(m.get("shared", 0))
            and _or_null(_text)(m.get("config"))
            and m.get("training") in (None, True, False)
            and type(m.get("known", True)) is bool
            and type(m.get("registered", True)) is bool
            and type(m.get("top_level", False)) is bool
        ):
            raise NNGraphError(message("graph.error.bad_module", index=i, got=json_shown(m)))
        if not m.get("known", True):
            continue  # seen in the nodes' module paths only
        known[m["path"]] = {"type": m.get("type"), "params": m.get("params", 0)}
        for key in ("config", "training"):
            if m.get(key) is not None:
                known[m["path"]][key] = m[key]
        if m.get("shared"):
            known[m["path"]]["shared"] = m["shared"]
        if m.get("registered") is False:
            known[m["path"]]["registered"] = False
        if m.get("top_level") is True:
            known[m["path"]]["top_level"] = True
    return known


def edited_attribute(g: Graph) -> NNGraphError | None:
    """The first node attribute of `g` that `from_dict` would refuse (set by hand through
    networkx, `g.nodes[n]["flags"] = "x"`), as an error that names it; None if there is none.
    Looked for only after a method failed: a valid graph pays nothing."""
    for n, attrs in g.nodes(data=True):
        for key, (check, expected) in _ATTRIBUTES.items():
            if key in attrs and not check(attrs[key]):
                return NNGraphError(
                    message(
                        "graph.error.edited_attribute",
                        id=json_shown(n),
                        key=key,
                        got=json_shown(attrs[key]),
                        expected=_expected(key, expected),
                    )
                )
    return None


def _node_back(g: Graph, i: int, node: Any) -> tuple[Any, dict[str, Any]]:
    n = _id_back(node.get("id")) if isinstance(node, dict) else None
    if n is None or not id_ok(n):
        raise NNGraphError(message("graph.error.bad_node", index=i, got=json_shown(node)))
    if n in g:
        raise NNGraphError(message("graph.error.duplicate_node", index=i, id=shown(n)))
    attrs = {**NODE_DEFAULTS, **{k: v for k, v in node.items() if k != "id"}}
    for key in ("value", "grad"):
        attrs[key] = _stats_back(attrs[key])
    if "gates" in attrs:
        attrs["gates"] = _floats_back(attrs["gates"])
    for key, (check, expected) in _ATTRIBUTES.items():
        if key in attrs and not check(attrs[key]):
            raise NNGraphError(
                message(
                    "graph.error.bad_attribute",
                    index=i,
                    id=json_shown(n),
                    key=key,
                    got=json_shown(node.get(key)),
                    expected=_expected(key, expected),
                )
            )
    attrs["flags"] = [  # a finding names its node
        {**f, "node": _id_back(f["node"])} if "node" in f else f for f in attrs["flags"]
    ]
    return n, attrs


def _edge_back(g: Graph, i: int, edge: Any) -> tuple[Any, Any, dict[str, Any]]:
    if not isinstance(edge, dict) or "source" not in edge or "target" not in edge:
        raise NNGraphError(message("graph.error.bad_edge", index=i, got=json_shown(edge)))
    ends = _id_back(edge["source"]), _id_back(edge["target"])
    for end in ends:
        if not id_ok(end) or end not in g:
            raise NNGraphError(message("graph.error.edge_node", index=i, id=shown(end)))
    attrs = {k: v for k, v in edge.items() if k not in ("source", "target")}
    return ends[0], ends[1], attrs


def from_dict(cls: type[Graph], data: Any) -> Graph:
    """The graph `to_dict` described; `NNGraphError` saying what is wrong with anything else."""
    if not isinstance(data, dict):
        raise NNGraphError(message("graph.error.not_an_object", got=shown(data)))
    if "format" not in data:
        raise NNGraphError(message("graph.error.no_format", format=FORMAT))
    if data["format"] != FORMAT:
        got = json_shown(data["format"])
        raise NNGraphError(message("graph.error.not_a_graph", format=FORMAT, got=got))
    if "version" not in data:
        raise NNGraphError(message("graph.error.missing", key="version"))
    version = data["version"]
    if type(version) is not int:
        got = json_shown(version)
        raise NNGraphError(message("graph.error.bad_version", got=got, version=VERSION))
    if version < 1:  # a whole number, but no nngraph ever wrote it
        versions = ", ".join(str(v) for v in range(1, VERSION + 1))
        raise NNGraphError(message("graph.error.old_version", got=version, versions=versions))
    if version > VERSION:
        raise NNGraphError(message("graph.error.version", got=version, version=VERSION))
    nodes, edges = _part(data, "nodes", list), _part(data, "edges", list)
    info, modules = _part(data, "graph", dict, {}), _part(data, "modules", list, [])
    _check_graph_entries(info)
    g = cls()
    g.graph.update(info)
    for key in _NODE_LISTS:
        if g.graph.get(key) is not None:
            g.graph[key] = _node_list_back(key, g.graph[key])
    g.graph["modules"] = _modules_back(modules)
    for i, node in enumerate(nodes):
        g.add_nodes_from([_node_back(g, i, node)])
    for i, edge in enumerate(edges):
        g.add_edges_from([_edge_back(g, i, edge)])
    return g
