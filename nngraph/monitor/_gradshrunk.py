"""Weights shrunk far below where PyTorch starts them: the cause GradientWatch names for a
vanishing gradient in a net that training (`weight_decay=10`) or its initialisation made tiny,
as `health()` does (the rule: nngraph/_shrunk.py).

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

from nngraph._shrunk import mostly, shrunk

__all__ = ["shrunk_layers"]


def shrunk_layers(model: Any) -> list[str]:
    """The names of `model`'s trainable weights (two dimensions or more) that are shrunk, where
    most are (see nngraph/_shrunk.py); else none."""
    found, weights = [], 0
    for name, p in model.named_parameters():
        if p.dim() < 2 or not p.requires_grad or p.numel() == 0 or p.is_meta:
            continue
        weights += 1
        rms = float(p.detach().float().pow(2).mean().sqrt())
        if shrunk(rms=rms, fan_in=math.prod(p.shape[1:])):
            found.append(name)
    return mostly(found, weights=weights)
