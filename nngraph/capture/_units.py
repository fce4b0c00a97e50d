"""Where a ReLU's units are: the channels (dimension 1) or the features (the last one).

For a 3-d output it depends on what made the ReLU's input: a convolution, pooling or
normalisation puts channels first, a linear layer or attention puts features last.

    >>> import torch
    >>> conv = torch.nn.Conv1d(2, 4, 3)
    >>> channels_first(conv(torch.randn(1, 2, 8)))
    True
    >>> channels_first(conv(torch.randn(1, 2, 8)).transpose(1, 2))
    False
"""

from __future__ import annotations

import torch

__all__ = ["channels_first"]

# What made a ReLU's input says where its units are: a convolution's or a normalisation's
# channels are dimension 1, a linear layer's features the last one (autograd node names).
_CHANNELS_FIRST = ("Convolution", "BatchNorm", "Pool", "GroupNorm", "Upsample", "Reflection")
_FEATURES_LAST = ("Addmm", "Mm", "Bmm", "LayerNorm", "Linear", "Embedding", "Attention")


# A transpose or permute before the ReLU moves the units: what made the tensor before it no
# longer says where they are (a Conv1d's output turned to [batch, time, channels]).
_MOVES_UNITS = ("Transpose", "Permute")
# The same words for ops recorded without autograd (under `no_grad`, a frozen extractor).
_CHANNELS_FIRST_OPS = ("conv", "batch_norm", "pool", "group_norm", "instance_norm", "upsample")


def channels_first(t: torch.Tensor, made_by: str | None = None) -> bool:
    """Whether the units of `t` (a ReLU's input) are along dimension 1 rather than the last
    one: it was made by a convolution, pooling or normalisation, maybe through a few
    elementwise steps (a bias added, a scale). `made_by` names the recorded op that made an
    untracked `t`, which has no autograd node to read."""
    fn = t.grad_fn
    if fn is None:
        return made_by is not None and any(word in made_by for word in _CHANNELS_FIRST_OPS)
    for _ in range(4):
        if fn is None:
            return False
        name = type(fn).__name__
        if any(word in name for word in _CHANNELS_FIRST):
            return True
        if any(word in name for word in (*_FEATURES_LAST, *_MOVES_UNITS)):
            return False
        fn = next((f for f, _ in fn.next_functions if f is not None), None)
    return False
