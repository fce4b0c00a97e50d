"""Values that grow layer after layer: weights that start too large for the depth.

Each layer multiplies the size of what it reads by about `std(w) * sqrt(fan_in)` (times
`1 / sqrt(2)` after a ReLU). PyTorch's default initialisation keeps that near 1 or below;
weights drawn with `std=1` make it `sqrt(fan_in)`, so the values grow 5-10x per layer and the
logits reach thousands after a few layers. The gradient ratio between layers stays flat then
(values growing forward and gradients growing backward cancel in each weight's gradient), so
only the forward values show it.

    >>> import torch, nngraph as ng
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> model = torch.nn.Sequential(*[torch.nn.Linear(64, 64) for _ in range(4)])
    >>> for layer in model:
    ...     _ = torch.nn.init.normal_(layer.weight, std=1.0)
    >>> g = ng.trace(model, torch.randn(32, 64), loss=lambda y: y.pow(2).mean())
    >>> [f["message"][:40] for f in g.health() if f["where"] == "forward"]
    ['The values grow about 8x per layer over ']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding, weight_of
from nngraph.graph._nodes import owner_module
from nngraph.graph._parameters import learnable
from nngraph.graph._trunk import in_series

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["growing_values"]

#: Each layer of the run makes the values at least this much larger (RMS)...
GROWTH = 3.0
#: ...over at least this many layers in a row...
LAYERS = 3
#: ...and they end at least this large: a standardised input is about 1.
LARGE = 100.0


@dataclass
class _Output:
    node: Any  # the layer's weight
    op: Any  # the op whose output the weight makes
    rms: float


def growing_values(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """One finding for the longest run of layers along the trunk in which each layer's output
    is `GROWTH` times larger than the last one's, ending above `LARGE`."""
    position = {n: i for i, n in enumerate(order)}
    outputs = in_series(g, position, _outputs(g, position))
    runs: list[list[_Output]] = [[]]
    for out in outputs:
        if runs[-1] and out.rms < GROWTH * runs[-1][-1].rms:
            runs.append([])
        runs[-1].append(out)
    run = max(runs, key=len)
    if len(run) < LAYERS or run[-1].rms < LARGE:
        return []
    first, last = run[0], run[-1]
    factor = (last.rms / first.rms) ** (1 / (len(run) - 1))
    return [
        finding(
            "exploding",
            "exploding_values",
            "forward",
            last.op,
            owner_module(g._node[last.node]),
            factor=factor,
            first=first.rms,
            last=last.rms,
            layers=len(run),
            from_module=weight_of(g._node[first.node], types),
            to_module=weight_of(g._node[last.node], types),
        )
    ]


def _outputs(g: Graph, position: dict[Any, int]) -> list[_Output]:
    """Each weight (a learnable leaf of two or more dimensions) with the RMS of the op output
    it makes, in the order of first use; a weight read by an embedding lookup is no layer."""
    nodes = g._node
    found = []
    for w, data in nodes.items():
        if not learnable(data) or len(data.get("shape") or []) < 2:
            continue
        readers = list(g._succ[w])
        if any("embedding" in str(nodes[op].get("op") or "") for op in readers):
            continue
        op = _made_by(g, w, readers, position)
        if op is None:
            continue
        value = nodes[op]["value"]
        rms = math.sqrt(value["mean"] ** 2 + value["std"] ** 2)
        if math.isfinite(rms) and rms > 0:
            found.append(_Output(w, op, rms))
    return sorted(found, key=lambda out: position[out.op])


def _made_by(g: Graph, weight: Any, readers: list[Any], position: dict[Any, int]) -> Any:
    """The first op whose output the weight makes: one that reads it, or, after the transpose
    a Linear's weight goes through (the weight's own values, another shape), one reading that."""
    nodes, own = g._node, g._node[weight].get("value") or {}

    def makes(op: Any) -> bool:
        value = nodes[op].get("value") or {}
        same = (value.get("mean"), value.get("std")) == (own.get("mean"), own.get("std"))
        return bool(value.get("numel")) and not (same and value["numel"] == own.get("numel"))

    for frontier in (readers, [s for op in readers for s in g._succ[op]]):
        made = [op for op in frontier if makes(op)]
        if made:
            return min(made, key=position.__getitem__)
    return None
