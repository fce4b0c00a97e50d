"""`torch.vmap` and the `torch.func` transforms, as a recording sees them: inside one, torch calls
get wrappers (a batched tensor, a tensor of the transform's own autograd) around the real tensors,
whose autograd nodes are the ones a backward outside the transform runs.

    >>> import torch
    >>> x = torch.randn(4, 3)
    >>> seen = []
    >>> _ = torch.vmap(lambda row: seen.append(unwrapped(row) is x) or row)(x)
    >>> seen  # each row vmap passes is x itself, batched
    [True]
"""

from __future__ import annotations

import torch

__all__ = ["is_wrapped", "transforms_active", "unwrapped"]

#: whether a `torch.vmap` or `torch.func` transform is running now
transforms_active = torch._C._are_functorch_transforms_active
#: whether a tensor is one of `torch.func`'s wrappers
is_wrapped = torch._C._functorch.is_functorch_wrapped_tensor


def unwrapped(t: torch.Tensor) -> torch.Tensor:
    """The tensor inside `torch.func`'s wrappers of `t` (`t` itself if it has none)."""
    while is_wrapped(t):
        t = torch._C._functorch.get_unwrapped(t)
    return t
