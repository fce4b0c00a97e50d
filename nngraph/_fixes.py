"""The usual fixes for a vanishing gradient, named only where a model lacks them: the rule
`health()` and `GradientWatch` share, one reading what a model has from a graph's ops, the
other from its modules and weights. The fixes are ReLU-family activations with
`nn.init.kaiming_normal_` (where the model's activations shrink the gradient), weights at the
scale `kaiming_normal_` gives (where they are ReLU-family already), a normalisation, and
residual connections.

    >>> lacking(Present(relu=True, batch_norm=True), kaiming=True)
    ['residual']
    >>> lacking(Present(saturating=True, other_norm=True), kaiming=False)
    ['relu', 'batch_norm', 'residual']
    >>> from nngraph.i18n import set_language; set_language("en")
    >>> either(["add BatchNorm", "add residual connections"])
    'add BatchNorm, or add residual connections'
"""

from __future__ import annotations

from dataclasses import dataclass

from nngraph.i18n import message

__all__ = ["FEW_VALUES", "KAIMING", "Present", "at_kaiming_gain", "either", "lacking"]

#: `std(w) * sqrt(fan_in)` of weights at the scale `nn.init.kaiming_normal_` gives: sqrt(2) =
#: 1.41. PyTorch's default initialisation gives 0.58 (1 / sqrt(3)), Xavier's or an orthogonal
#: one 1.0 on a square weight, `normal_(std=1)` sqrt(fan_in).
KAIMING = (1.2, 1.7)

#: A BatchNorm in training mode normalises each channel over the values the batch gives it (the
#: examples, times the positions of an image): 2 values come out as -1 and +1 whatever goes in,
#: so almost no gradient passes back. Measured on a 6-layer ReLU MLP with BatchNorm, 8 wide:
#: on a batch of 2 the layers get 1e-11 - 6e-5 of the last one's gradient; from 3 on each norm
#: passes 1 - 4 times what reaches it (measured as in `graph._normalised.passing`). So 2 values
#: are few, 3 not.
FEW_VALUES = 2


@dataclass
class Present:
    """What runs between two layers: saturating activations (sigmoid, tanh), ReLU-family
    ones, BatchNorm, another normalisation, a residual connection."""

    saturating: bool = False
    relu: bool = False
    batch_norm: bool = False
    other_norm: bool = False
    residual: bool = False


def at_kaiming_gain(gain: float) -> bool:
    """Whether `std(w) * sqrt(fan_in)` of a weight is at the scale `kaiming_normal_` gives.

    >>> at_kaiming_gain(2**0.5), at_kaiming_gain(3**-0.5)  # kaiming_normal_, PyTorch's default
    (True, False)
    """
    return KAIMING[0] <= gain <= KAIMING[1]


def lacking(has: Present, *, kaiming: bool) -> list[str]:
    """The fixes the model lacks, in the order they are advised: `relu` where its activations
    shrink the gradient (sigmoid or tanh, or none known), else `kaiming` where its weights are
    not at that scale (`kaiming`: whether they are); `norm` where it has no normalisation, or
    `batch_norm` where only another one and activations that shrink the gradient; `residual`.
    The names are the keys of `graph.health.remedy.fix.*`."""
    shrinking = has.saturating or not has.relu  # sigmoid or tanh, or no activation known
    fixes = []
    if shrinking:
        fixes.append("relu")
    elif not kaiming:
        fixes.append("kaiming")
    if not (has.batch_norm or has.other_norm):
        fixes.append("norm")
    elif shrinking and not has.batch_norm:
        # measured on 6-layer sigmoid MLPs: with LayerNorm the first layer's gradient is still
        # 1/1,300 - 1/3,800 of the last one's, with BatchNorm 1/12 - 1/65
        fixes.append("batch_norm")
    if not has.residual:
        fixes.append("residual")
    return fixes


def either(parts: list[str]) -> str:
    """`A`, `A, or B`, `A, B, or C` (in the current language)."""
    if len(parts) < 2:
        return "".join(parts)
    return message("graph.health.remedy.either", first=", ".join(parts[:-1]), last=parts[-1])
