"""The labels a view shows, with the words nngraph chose in the current language.

Capture labels a tensor nothing names with a word of the language current then: ``param``,
``input``, ``output`` (``parametr``, ``wejście``, ``wyjście`` in Polish), an output reached
through what the model returned with that word and its path (``output.logits``,
``output['mu']``). ``g.summary()`` says those words in the language current when it is
printed; a view does the same for every label it sends and draws. A name the user chose
(a parameter's, a variable's) is never translated: only a node without a ``name`` whose
label is one of nngraph's own words is.

    >>> from nngraph.i18n import set_language
    >>> set_language("pl")
    >>> label_now({"kind": "output", "name": None, "label": "output.logits"})
    'wyjście.logits'
    >>> label_now({"kind": "param", "name": "fc.weight", "label": "fc.weight"})
    'fc.weight'
    >>> set_language("en")
"""

from __future__ import annotations

from functools import cache
from typing import Any

from nngraph.graph._summary import _kind_text
from nngraph.i18n import LANGUAGES

__all__ = ["label_now", "labels_out_of_date", "with_labels_now"]

#: the kinds of node capture labels with a word of its own where nothing names the tensor
_WORDED_KINDS = ("input", "param", "buffer", "constant", "output")


@cache
def _words(kind: str) -> frozenset[str]:
    """Every word, in every language, that nngraph labels a node of ``kind`` with."""
    capture_key = "capture.output_label" if kind == "output" else f"capture.label.{kind}"
    keys = (capture_key, f"graphview.node_kind.{kind}")
    return frozenset(table[key] for table in LANGUAGES.values() for key in keys if key in table)


def label_now(node: dict[str, Any]) -> Any:
    """The label of ``node`` (a ``to_dict()`` node) as a view shows it now: nngraph's own word
    in the current language (as ``g.summary()`` says it), else the label as it is.

        >>> label_now({"kind": "input", "label": "wejście"})
        'input'
        >>> label_now({"kind": "input", "label": "x"}), label_now({"kind": "op", "label": "add"})
        ('x', 'add')
    """
    label, kind = node.get("label"), node.get("kind")
    if node.get("name") or kind not in _WORDED_KINDS or not isinstance(label, str):
        return label
    if label in _words(kind):
        return _kind_text(kind)
    if kind == "output":  # the path of what the model returned: `output.logits`, `output[0]`
        for word in _words(kind):
            path = label[len(word) :]
            if label.startswith(word) and path[:1] in (".", "["):
                return _kind_text(kind) + path
    return label


def labels_out_of_date(payload: dict[str, Any]) -> bool:
    """Whether a label of ``payload`` (a ``to_dict()``) is said in another language than now."""
    return any(
        isinstance(node, dict) and label_now(node) != node.get("label")
        for node in payload.get("nodes") or []
    )


def with_labels_now(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` (a ``to_dict()``) with every node's label as :func:`label_now` says it; the
    nodes given are not changed.

        >>> with_labels_now({"nodes": [{"kind": "output", "label": "wyjście"}]})["nodes"]
        [{'kind': 'output', 'label': 'output'}]
    """
    if not labels_out_of_date(payload):
        return payload
    nodes = [
        {**node, "label": label_now(node)} if isinstance(node, dict) else node
        for node in payload["nodes"]
    ]
    return {**payload, "nodes": nodes}
