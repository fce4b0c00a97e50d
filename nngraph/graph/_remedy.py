"""What to do about a vanishing gradient, from what the model already has: the usual fixes are
ReLU-family activations with `nn.init.kaiming_normal_`, a normalisation and residual
connections, and the advice names only those the layers lack. The graph shows which
activations ran between the layers (by op: `sigmoid`, `relu`, ...), which normalisations
(`batch_norm`, `layer_norm`, ...), whether a result is added to what it was computed from (a
residual connection), and the size of each weight.

    >>> import torch, nngraph as ng
    >>> from nngraph.i18n import set_language; set_language("en")
    >>> torch.manual_seed(0) and None
    >>> layers = [torch.nn.Linear(32, 64), torch.nn.LayerNorm(64), torch.nn.Sigmoid()]
    >>> for _ in range(4):
    ...     layers += [torch.nn.Linear(64, 64), torch.nn.LayerNorm(64), torch.nn.Sigmoid()]
    >>> model = torch.nn.Sequential(*layers, torch.nn.Linear(64, 1))
    >>> g = ng.trace(model, torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
    >>> print(g.health()[0]["message"].split("barely learn. ")[1])
    Use ReLU-family activations with nn.init.kaiming_normal_, add BatchNorm, or add residual connections; sigmoid or tanh in hidden layers shrink the gradient at every layer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from nngraph._fixes import KAIMING, Present, at_kaiming_gain, either, lacking
from nngraph.graph._nodes import first_read
from nngraph.graph._recurrence import reaches
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "DEFAULT",
    "KAIMING",
    "Present",
    "at_kaiming_scale",
    "init_gain",
    "layers_remedy",
    "present",
]

#: Activations whose slope is at most 1 and near 0 away from the middle: each layer shrinks
#: the gradient (sigmoid's slope is 0.25 at most).
_SATURATING = frozenset({"sigmoid", "tanh", "hardtanh", "hardsigmoid", "softsign", "logsigmoid"})
#: Activations that pass the gradient on unchanged for positive inputs.
_RELU_FAMILY = frozenset(
    {"relu", "leaky_relu", "gelu", "silu", "elu", "selu", "celu", "prelu", "rrelu", "mish",
     "hardswish", "relu6"}
)  # fmt: skip
#: Normalisation ops (also inside longer names: `native_batch_norm`, `cudnn_batch_norm`).
_NORMS = ("batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm")

#: The same of PyTorch's default initialisation of `nn.Linear` and `nn.ConvNd` (uniform within
#: +-1 / sqrt(fan_in)): 1 / sqrt(3) = 0.58, 0.5 - 0.67 measured on weights of 64 values or more.
DEFAULT = (0.45, 0.75)


class _Weighted(Protocol):
    """A layer: its weight's node and the inputs each of its units reads."""

    node: Any
    fan_in: int


def present(g: Graph, start: int, end: int, position: dict[Any, int]) -> Present:
    """What the ops at positions `start` to `end` (in forward order) hold."""
    found = Present()
    nodes = g._node
    for n, i in position.items():
        data = nodes[n]
        if not start <= i <= end or data.get("kind") != "op":
            continue
        op = str(data.get("op") or "").removesuffix("_")
        if op == "hardtanh" and data.get("module_type") == "ReLU6":
            op = "relu6"
        found.saturating |= op in _SATURATING
        found.relu |= op in _RELU_FAMILY
        found.batch_norm |= "batch_norm" in op
        found.other_norm |= any(norm in op for norm in _NORMS if norm != "batch_norm")
        if not found.residual and op == "add":
            found.residual = _adds_to_its_own_input(g, n, position)
    return found


def _adds_to_its_own_input(g: Graph, add: Any, position: dict[Any, int]) -> bool:
    """Whether `add` sums two results of the same shape of which one is computed from the
    other (`h + block(h)`): a residual connection. A bias, or a positional embedding added to
    the token embeddings, is no such sum."""
    shape = g._node[add].get("shape")
    terms = sorted(
        (
            p
            for p in g._pred[add]
            if g._node[p].get("kind") == "op" and g._node[p].get("shape") == shape
        ),
        key=position.__getitem__,
    )
    return len(terms) >= 2 and reaches(g, terms[0], terms[-1], position)


def at_kaiming_scale(value: dict[str, Any] | None, fan_in: int) -> bool:
    """Whether a weight with these value statistics and `fan_in` inputs per unit is at the scale
    `nn.init.kaiming_normal_` gives (see `KAIMING`).

    >>> at_kaiming_scale({"mean": 0.0, "std": (2 / 64) ** 0.5}, 64)
    True
    >>> at_kaiming_scale({"mean": 0.0, "std": 1 / (3 * 64) ** 0.5}, 64)  # PyTorch's default
    False
    """
    gain = init_gain(value, fan_in)
    return gain is not None and at_kaiming_gain(gain)


def init_gain(value: dict[str, Any] | None, fan_in: int) -> float | None:
    """`std(w) * sqrt(fan_in)` (with the mean in: the RMS) of a weight with these value
    statistics and `fan_in` inputs per unit; None where they are not known.

    >>> round(init_gain({"mean": 0.0, "std": 0.01}, 64), 2)
    0.08
    """
    if not value or value.get("std") is None or fan_in <= 0:
        return None
    return math.hypot(value.get("mean") or 0.0, value["std"]) * math.sqrt(fan_in)


def layers_remedy(g: Graph, usable: Sequence[_Weighted], position: dict[Any, int]) -> str:
    """What to do about a gradient that shrinks from the last of `usable` (the layers of the
    trunk, in order) back to the first: of the usual fixes, those the model lacks between them.
    Where it lacks all of them, or no activation is known, the full advice."""
    first, last = usable[0].node, usable[-1].node
    has = present(g, first_read(g, first, position), first_read(g, last, position), position)
    kaiming = all(at_kaiming_scale(g._node[x.node].get("value"), x.fan_in) for x in usable[:-1])
    fixes = lacking(has, kaiming=kaiming)
    if fixes == ["relu", "norm", "residual"]:
        return message("graph.health.remedy.layers_vanishing")
    if not fixes:
        return message("graph.health.remedy.layers_vanishing_had")
    text = either([message(f"graph.health.remedy.fix.{fix}") for fix in fixes])
    key = "fixes_saturating" if "relu" in fixes else "fixes"
    return message(f"graph.health.remedy.{key}", fixes=text[0].upper() + text[1:])
