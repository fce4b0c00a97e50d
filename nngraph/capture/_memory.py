"""Which tensors show the same memory: for statistics taken once for a tensor and its views,
and for finding the held tensors an in-place write is about to change.

    >>> import torch
    >>> x = torch.ones(2, 3)
    >>> dense_memory(x) == dense_memory(x.t()), storage_key(x) == storage_key(x[1])
    (True, True)
"""

from __future__ import annotations

import torch

__all__ = ["dense_memory", "storage_key"]


def dense_memory(t: torch.Tensor) -> tuple[int, int, torch.dtype, int] | None:
    """What identifies the values of a tensor that fills one block of memory (contiguous,
    or a permutation of it such as a transpose): address, size, dtype and version counter, which
    every in-place write bumps, also autograd's own accumulation. None for other tensors."""
    if t.is_contiguous():  # the common case, without sorting the strides
        span = t.numel()
    else:
        span = 1
        for stride, size in sorted(zip(t.stride(), t.shape, strict=True)):
            if size != 1:
                if stride != span:
                    return None
                span *= size
    try:
        version = t._version
    except RuntimeError:  # inference tensors have no version counter
        return None
    return (t.data_ptr(), span, t.dtype, version)


def storage_key(t: torch.Tensor) -> int | None:
    """What every view of `t`'s memory shares; None for tensors without plain storage (and
    a lazy layer's parameter before its first forward, which has none yet)."""
    try:
        return int(t.untyped_storage().data_ptr())
    except (RuntimeError, NotImplementedError, ValueError):
        return None
