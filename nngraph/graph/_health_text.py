"""What ``g.health()`` shows as a cell's last line: one line per finding, as ``summary()``
writes it (``- [kind] message``), or the line saying there is none, instead of a list of dicts.

    >>> import torch, nngraph as ng
    >>> from IPython.lib.pretty import pretty
    >>> g = ng.trace(torch.nn.Linear(2, 1), torch.randn(4, 2))  # forward only: no gradient
    >>> print(pretty(g.health()))
    Findings: none in the forward pass (no gradients recorded to check)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph._oneline import one_line
from nngraph._pretty import Findings
from nngraph.graph._export import catalog_word, flag_kind
from nngraph.graph._summary import _origin
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["health_result"]


def health_result(g: Graph, findings: list[dict[str, Any]]) -> Findings:
    """``findings`` of ``g`` as the list ``g.health()`` returns, with the lines it shows."""
    lines = [
        one_line(
            message(
                "graph.summary.finding",
                kind=catalog_word("graphview.flag.kind", flag_kind(f)),
                message=f.get("message", ""),
            )
        )
        for f in findings
    ]
    if not lines:
        source, _ = _origin(g)
        recorded = any(d.get("grad") for _, d in source.nodes(data=True))
        lines = [message("graph.summary.none" if recorded else "graph.summary.none_forward")]
    return Findings(findings, lines)
