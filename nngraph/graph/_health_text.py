"""What ``g.health()`` shows as a cell's last line (and ``print`` writes): one line per finding,
as ``summary()`` writes it (``- [kind] message``), or the line saying there is none, instead of
a list of dicts, and under them the note on frozen parameters that `summary()` gives too
(see `_frozen`). Findings that ``summary()`` says in one line share one here too (a forgotten
``zero_grad()`` is one line naming every parameter, not one line each), in the list's order;
the list itself keeps one dict per finding.

    >>> import torch, nngraph as ng
    >>> from IPython.lib.pretty import pretty
    >>> g = ng.trace(torch.nn.Linear(2, 1), torch.randn(4, 2))  # forward only: no gradient
    >>> print(pretty(g.health()))
    Findings: none in the forward pass (no gradients recorded to check)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph._pretty import Findings
from nngraph.graph._frozen import frozen_note
from nngraph.graph._health import boxes_unchecked, sizes_unjudged
from nngraph.graph._nodes import module_types
from nngraph.graph._summary_findings import findings_block, unregistered_modules
from nngraph.graph._summary_grads import origin
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["health_result", "none_key"]


def health_result(g: Graph, findings: list[dict[str, Any]]) -> Findings:
    """``findings`` of ``g`` as the list ``g.health()`` returns, with the lines it shows."""
    source, _ = origin(g)
    if findings:
        types, unregistered = module_types(source), unregistered_modules(g)
        unjudged = sizes_unjudged(source)
        lines = findings_block(findings, types, unregistered, unjudged=unjudged, in_order=True)
    elif boxes_unchecked(g):  # the summary's caveat: the layers inside the boxes are unknown
        lines = [message("graph.summary.none_collapsed")]
    else:
        lines = [message(none_key(source))]
    frozen = frozen_note(g)  # a note, not a finding: freezing is often meant
    return Findings(findings, [*lines, frozen] if frozen else lines)


def none_key(g: Graph) -> str:
    """The catalog key of the line saying `g` has no finding, as far as `health()` checks it:
    a graph of the forward only has no gradient to check; a `graph_of` graph holds no
    activations, so its dead units were not checked (only `ng.trace`/`ng.record` see them); a
    NaN or Inf among the forward values that no finding names was masked before the loss; a
    graph without any value (`graph_of(stats=False)`, a model on the meta device) was not
    checked at all."""
    if len(g) and not any(d.get("value") or d.get("grad") for _, d in g.nodes(data=True)):
        meta = any(str(d.get("device")) == "meta" for _, d in g.nodes(data=True))
        return "graph.summary.none_meta" if meta else "graph.summary.none_no_values"
    if not any(d.get("grad") for _, d in g.nodes(data=True)):
        return "graph.summary.none_forward"
    if g.graph.get("source") == "graph_of":
        return "graph.summary.none_graph_of"
    masked = any((d.get("value") or {}).get("nan") or (d.get("value") or {}).get("inf")
                 for _, d in g.nodes(data=True))  # fmt: skip
    return "graph.summary.none_masked" if masked else "graph.summary.none"
