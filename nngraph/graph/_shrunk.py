"""Weights shrunk far below where PyTorch starts them: why a trained net's gradients vanish.

A layer's weight gradient is its input times the gradient coming back through the layers after
it, and both pass through the other layers' weights. When training has driven every weight to
about zero (`weight_decay=10`, 1e-7 after 25 epochs), every gradient is tiny, however shallow
the net and however it started: the cause to name is the shrinking, not the initialisation.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    >>> g = ng.trace(model, torch.randn(4, 8))
    >>> shrunk_weights(g, list(g.nodes))
    []
    >>> with torch.no_grad():
    ...     _ = [p.mul_(1e-6) for p in model.parameters()]
    >>> g = ng.trace(model, torch.randn(4, 8)); shrunk_weights(g, list(g.nodes))
    ['0.weight', '2.weight']
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import leaf_name
from nngraph.graph._parameters import learnable

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["SHRUNK", "shrunk_weights"]

#: How many times below the RMS of PyTorch's default initialisation a weight must be to count
#: as shrunk. A layer initialised small on purpose (`normal_(std=0.001)` on a 512-wide head) is
#: about 25 times below it; all zeros is another finding (`zeros`).
SHRUNK = 100


def shrunk_weights(g: Graph, order: list[Any]) -> list[str]:
    """The names of the layers' weights (two dimensions or more) whose RMS is `SHRUNK` times
    or more below that of PyTorch's default initialisation, uniform in +-1/sqrt(fan_in)."""
    found = []
    for n in order:
        data = g._node.get(n)
        if data is None or not learnable(data):
            continue
        shape, value = data.get("shape") or [], data.get("value")
        if len(shape) < 2 or not isinstance(value, dict) or not value.get("numel"):
            continue
        rms = value["norm"] / math.sqrt(value["numel"])
        start = 1 / math.sqrt(3 * math.prod(shape[1:]))
        if 0 < rms < start / SHRUNK:
            found.append(leaf_name(data))
    return found
