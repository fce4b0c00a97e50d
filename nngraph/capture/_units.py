"""Which ops are ReLUs, and where a ReLU's units are: the channels (dimension 1) or the
features (the last one).

For an output of 3 dimensions or more it depends on what made the ReLU's input: a
convolution, pooling or normalisation puts channels first, a linear layer or attention puts
features last (a per-pixel MLP on `[batch, height, width, features]`).

    >>> import torch
    >>> conv = torch.nn.Conv1d(2, 4, 3)
    >>> channels_first(conv(torch.randn(1, 2, 8)))
    True
    >>> channels_first(conv(torch.randn(1, 2, 8)).transpose(1, 2))
    False
    >>> channels_first(torch.nn.Linear(2, 4)(torch.randn(1, 5, 5, 2)))
    False
    >>> is_relu("clamp", (torch.ones(1),), {"min": 0}), is_relu("clamp", (torch.ones(1), -1), {})
    (True, False)
"""

from __future__ import annotations

import re

import torch

__all__ = ["channels_first", "is_relu"]

_RELU = frozenset({"relu", "relu_", "relu6"})
# Ops that are a ReLU when their lower bound is 0: `nn.ReLU6` (`hardtanh(x, 0, 6)`) and the
# hand-written `x.clamp(min=0)`; the keyword that names the lower bound.
_LOWER_BOUND = {
    "hardtanh": "min_val", "hardtanh_": "min_val", "clamp": "min", "clamp_": "min",
    "clamp_min": "min", "clamp_min_": "min",
}  # fmt: skip


def is_relu(name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> bool:
    """Whether a recorded call is a ReLU: its output units that are zero for a whole batch pass
    no gradient back (dead units). `relu`, `relu6`, and `hardtanh`/`clamp` cut off at 0."""
    if name in _RELU:
        return True
    keyword = _LOWER_BOUND.get(name)
    if keyword is None:
        return False
    low = args[1] if len(args) > 1 else kwargs.get(keyword)
    return type(low) in (int, float) and low == 0


# What made a ReLU's input says where its units are: a convolution's or a normalisation's
# channels are dimension 1, a linear layer's features the last one (autograd node names).
_CHANNELS_FIRST = ("Convolution", "BatchNorm", "Pool", "GroupNorm", "Upsample", "Reflection")
_FEATURES_LAST = ("Addmm", "Mm", "Bmm", "LayerNorm", "Linear", "Embedding", "Attention")
# A transpose or permute before the ReLU moves the units: what made the tensor before it no
# longer says where they are (a Conv1d's output turned to [batch, time, channels]).
_MOVES_UNITS = ("Transpose", "Permute")
# Autograd nodes that keep every unit where it was (elementwise steps, a bias or a scale, a
# view such as a Linear's on a 3-d input, a concatenation): the search goes on through them.
_KEEPS_UNITS = frozenset(
    {
        "Add", "Sub", "Mul", "Div", "Neg", "Clone", "ToCopy", "View", "UnsafeView", "Alias",
        "Relu", "Threshold", "Hardtanh", "Clamp", "ClampMin", "LeakyRelu", "Elu", "Gelu",
        "Silu", "Mish", "Hardswish", "Hardsigmoid", "Sigmoid", "Tanh", "Softplus", "Exp",
        "Log", "Pow", "Sqrt", "Rsqrt", "Abs", "NativeDropout", "Where", "ConstantPadNd",
        "Slice", "Cat", "BackwardHookFunction",
    }
)  # fmt: skip
_BACKWARD = re.compile(r"Backward\d*$")
# How many autograd nodes the search looks at, at most.
_LOOK_BACK = 32
# The same words for ops recorded without autograd (under `no_grad`, a frozen extractor).
_CHANNELS_FIRST_OPS = ("conv", "batch_norm", "pool", "group_norm", "instance_norm", "upsample")
_FEATURES_LAST_OPS = ("linear", "mm", "matmul", "layer_norm", "embedding", "attention")


def channels_first(t: torch.Tensor, made_by: str | None = None) -> bool:
    """Whether the units of `t` (a ReLU's input) are along dimension 1 rather than the last
    one: it was made by a convolution, pooling or normalisation, maybe through elementwise
    steps (a bias added, a scale). Where nothing says, a 3-d tensor is a sequence model's
    `[batch, tokens, features]` and a bigger one an image's `[batch, channels, ...]`.
    `made_by` names the recorded op that made an untracked `t`, which has no autograd node
    to read."""
    fn = t.grad_fn
    found = _layout(fn) if fn is not None else _layout_of_op(made_by)
    return t.dim() >= 4 if found is None else found


def _layout(fn: object) -> bool | None:
    """True where the autograd node `fn`, or one it came from through nodes that keep the
    units in place, is a channels-first layer; False where it is a features-last one (or a
    transpose); None where nothing says. The first input of a node is searched first."""
    stack, seen = [fn], 0
    while stack and seen < _LOOK_BACK:
        fn = stack.pop()
        seen += 1
        name = type(fn).__name__
        if any(word in name for word in _CHANNELS_FIRST):
            return True
        if any(word in name for word in (*_FEATURES_LAST, *_MOVES_UNITS)):
            return False
        if _BACKWARD.sub("", name) in _KEEPS_UNITS:
            inputs = [f for f, _ in getattr(fn, "next_functions", ()) if f is not None]
            stack += reversed(inputs)
    return None


def _layout_of_op(made_by: str | None) -> bool | None:
    """As `_layout`, for the name of a recorded op that made an untracked tensor."""
    if made_by is None:
        return None
    if any(word in made_by for word in _CHANNELS_FIRST_OPS):
        return True
    if any(word in made_by for word in _FEATURES_LAST_OPS):
        return False
    return None
