"""Weights shrunk far below where PyTorch starts them: the cause GradientWatch names for a
vanishing gradient in a net that training (`weight_decay=10`) or its initialisation made tiny,
as `health()` does (see graph/_weight_causes.py).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    >>> shrunk_layers(net)
    []
    >>> with torch.no_grad():
    ...     _ = [p.mul_(1e-6) for p in net.parameters()]
    >>> shrunk_layers(net)
    ['0.weight', '2.weight']
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["SHRUNK", "shrunk_layers"]

#: How many times below the RMS of PyTorch's default initialisation a weight must be: the
#: `SHRUNK` of graph/_weight_causes.py.
SHRUNK = 100


def shrunk_layers(model: Any) -> list[str]:
    """The names of `model`'s trainable weights (two dimensions or more) whose RMS is `SHRUNK`
    times or more below PyTorch's default initialisation (uniform in +-1/sqrt(fan_in)), where
    they are at least two and at least half of those weights; else none."""
    found, weights = [], 0
    for name, p in model.named_parameters():
        if p.dim() < 2 or not p.requires_grad or p.numel() == 0 or p.is_meta:
            continue
        weights += 1
        rms = float(p.detach().float().pow(2).mean().sqrt())
        if 0 < rms < 1 / math.sqrt(3 * math.prod(p.shape[1:])) / SHRUNK:
            found.append(name)
    return found if len(found) >= 2 and 2 * len(found) >= weights else []
