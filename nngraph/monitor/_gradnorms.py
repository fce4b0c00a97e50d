"""The gradient norms a :class:`~nngraph.monitor._gradwatch.GradientWatch` step reads, computed
on the device in one fused call (``torch`` is passed in: the monitor imports it lazily)."""

from __future__ import annotations

from typing import Any

__all__ = ["norms"]


def norms(torch: Any, tensors: list[Any]) -> list[Any]:
    """2-norms of tensors on one device, in one fused call where torch offers it; half
    precision gradients are summed in float32 (a float16 norm overflows above 65504).

        >>> import torch
        >>> round(norms(torch, [torch.full((1000,), 100.0, dtype=torch.float16)])[0].item())
        3162
    """
    low = (torch.float16, torch.bfloat16)
    tensors = [t.float() if t.dtype in low else t for t in tensors]
    foreach = getattr(torch, "_foreach_norm", None)
    norms = foreach(tensors) if foreach is not None else [t.norm() for t in tensors]
    if len({n.dtype for n in norms}) > 1:
        norms = [n.float() for n in norms]
    return list(norms)
