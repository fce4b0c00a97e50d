"""The graph payload as ``GraphView`` sends it to the browser: defaults left out.

``GraphView.graph`` holds the full ``Graph.to_dict()`` form (docs/schema.md), where every
node carries every attribute. Most of them hold their default on most nodes (``"flags":
[]``, ``"dead": null``, ``"repeat": 1``, ...), and the browser's ``parseGraph``
(js/src/lib/graph.js, ``normaliseNode`` and ``buildModules``) fills in whatever a node or
module entry leaves out, so the widget sends only what differs. Nothing the view reads is
lost, and ``expanded`` gives the full form back:

- a node attribute equal to ``SENT_DEFAULTS`` is left out (``label`` is always sent: the
  browser falls back to ``op``/``name``/``id``; ``tracked`` is left out only when False with
  no ``backward``, as the browser reads a missing ``tracked`` as "has a backward");
- a module entry leaves out its ``depth`` and ``parent`` when they follow from its ``path``,
  ``params`` when 0, ``type`` and ``config`` when None;
- a whole number in ``value``/``grad`` statistics is written without ``.0`` (``"numel": 8``).

    >>> node = {"id": "n0", "kind": "op", "label": "relu", "op": "relu", "flags": [],
    ...         "repeat": 1, "dead": None, "value": {"mean": 0.5, "numel": 8.0}}
    >>> wire = compact({"nodes": [node], "edges": [], "modules": []})
    >>> wire["nodes"]
    [{'id': 'n0', 'label': 'relu', 'op': 'relu', 'value': {'mean': 0.5, 'numel': 8}}]
    >>> expanded(wire)["nodes"][0]["value"], expanded(wire)["nodes"][0]["flags"]
    ({'mean': 0.5, 'numel': 8.0}, [])
"""

from __future__ import annotations

import re
from typing import Any

from nngraph.graph._nodes import NODE_DEFAULTS, parent_of

__all__ = ["SENT_DEFAULTS", "compact", "expanded", "sendable"]

#: the value ``normaliseNode`` (js/src/lib/graph.js) gives a node attribute it lacks: the
#: schema's default, except `label` (it falls back to the node's op or name)
SENT_DEFAULTS: dict[str, Any] = {k: v for k, v in NODE_DEFAULTS.items() if k != "label"}
_STATS = ("value", "grad")


_UNSET = object()


def _is_default(key: str, value: Any, node: dict[str, Any]) -> bool:
    default = SENT_DEFAULTS.get(key, _UNSET)
    if type(value) is not type(default) or value != default:  # 0 is no False, 1.0 no 1
        return False
    return key != "tracked" or node.get("backward") is None


def _whole(stats: Any) -> Any:
    """`stats` with whole floats as ints (JSON `8`, read as the same number)."""
    if not isinstance(stats, dict):
        return stats
    return {
        k: int(v) if type(v) is float and v.is_integer() and abs(v) < 2**53 else v
        for k, v in stats.items()
    }


def _compact_node(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out = {k: v for k, v in node.items() if not _is_default(k, v, node)}
    for key in _STATS:
        if key in out:
            out[key] = _whole(out[key])
    return out


def _module_defaults(path: Any) -> dict[str, Any]:
    text = str(path)
    return {
        "parent": None if text == "" else parent_of(text),
        "depth": 0 if text == "" else text.count(".") + 1,
        "params": 0,
        "type": None,
        "config": None,
    }


def _compact_module(entry: Any) -> Any:
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        return entry
    defaults = _module_defaults(entry["path"])
    return {
        k: v
        for k, v in entry.items()
        if k not in defaults or type(v) is not type(defaults[k]) or v != defaults[k]
    }


#: what a kernel message cannot carry (no UTF-8 for half a surrogate pair) or a page should not
#: show (U+FFFE, U+FFFF are no characters): U+FFFD in its place, as in the static pictures
_NOT_SENDABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def sendable(value: Any) -> Any:
    """``value`` with every string in it (dict keys too) fit for a kernel message: half a
    surrogate pair (a name such as ``'lone\\ud800'``, which ``json`` and ``to_dot`` accept),
    U+FFFE or U+FFFF becomes U+FFFD. Anything else is kept as it is.

        >>> sendable({"layer\\ud800": ["loss\\ufffe", 1.5, None]})
        {'layer\ufffd': ['loss\ufffd', 1.5, None]}
    """
    if isinstance(value, str):
        return _NOT_SENDABLE.sub("\ufffd", value) if not value.isprintable() else value
    if isinstance(value, dict):
        return {sendable(k): sendable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sendable(v) for v in value]
    return value


def compact(payload: dict[str, Any]) -> dict[str, Any]:
    """What the widget sends for `payload` (a ``to_dict()``): the same graph, defaults left
    out (see the module docstring). Parts it does not know are sent as they are."""
    out = dict(payload)
    if isinstance(out.get("nodes"), list):
        out["nodes"] = [_compact_node(n) for n in out["nodes"]]
    if isinstance(out.get("modules"), list):
        out["modules"] = [_compact_module(m) for m in out["modules"]]
    return out


def _float_stats(stats: Any) -> Any:
    if not isinstance(stats, dict):
        return stats
    return {k: float(v) if type(v) is int else v for k, v in stats.items()}


def expanded(wire: dict[str, Any]) -> dict[str, Any]:
    """The full form of what `compact` sent: every default filled in again.

    >>> expanded({"nodes": [{"id": "n1", "label": "x"}], "modules": [{"path": "a.b"}]})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'nodes': [{'kind': 'op', 'op': None, 'backward': None, 'tracked': False, 'module': '',
      'module_type': None, 'name': None, 'shape': None, 'dtype': None, 'device': None,
      'requires_grad': False, 'value': None, 'grad': None, 'seq': None,
      'backward_order': None, 'call': None, 'dead': None, 'args': None,
      'grad_accumulated': False,
      'params': 0, 'flags': [], 'repeat': 1, 'id': 'n1', 'label': 'x'}],
     'modules': [{'parent': 'a', 'depth': 2, 'params': 0, 'type': None, 'config': None,
      'path': 'a.b'}]}
    """
    out = dict(wire)
    if isinstance(out.get("nodes"), list):
        out["nodes"] = [
            {**SENT_DEFAULTS, "flags": [], **n, **{k: _float_stats(n[k]) for k in _STATS if k in n}}
            if isinstance(n, dict)
            else n
            for n in out["nodes"]
        ]
    if isinstance(out.get("modules"), list):
        out["modules"] = [
            {**_module_defaults(m["path"]), **m}
            if isinstance(m, dict) and isinstance(m.get("path"), str)
            else m
            for m in out["modules"]
        ]
    return out
