"""Saturated tanh and sigmoid units: a hidden layer whose values sit on the flat ends of its
activation (tanh near -1 and 1, sigmoid near 0 and 1), where its slope, and so the gradient it
passes back, is almost zero, because the weights before it are far too large or the data is
far from standardised.

The graph keeps the sum and the sum of squares of every value, and those give the average slope
over the batch exactly: tanh' = 1 - tanh^2 averages 1 - mean(h^2), and sigmoid' = s (1 - s)
averages mean(s) - mean(s^2). Relative to the slope at 0 (1 for tanh, 1/4 for sigmoid), a tanh
of values of std 1 averages 0.6, of std 5 0.16, of std 10 0.08.

    >>> import torch, torch.nn.functional as F, nngraph as ng
    >>> torch.manual_seed(0) and None
    >>> layers = [torch.nn.Linear(20, 64), torch.nn.Tanh(), torch.nn.Linear(64, 2)]
    >>> model = torch.nn.Sequential(*layers)
    >>> _ = torch.nn.init.normal_(model[0].weight, std=3.0)  # 20x Xavier's scale
    >>> y = torch.randint(0, 2, (32,))
    >>> g = ng.trace(model, torch.randn(32, 20), loss=lambda out: F.cross_entropy(out, y))
    >>> [(f["kind"], f["module"], round(f["slope"], 2)) for f in g.health()]
    [('saturated', '1', 0.07)]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nngraph.graph._dead import _is_data, _layer_before, _weight_of_op
from nngraph.graph._finding import (
    feeding_layers,
    finding,
    layers_text,
    leaf_name,
    module_name,
    names_text,
    weight_of,
)
from nngraph.graph._nodes import is_integer
from nngraph.graph._symmetry import _RESHAPING, learnable
from nngraph.i18n import message, times_text

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["Squashing", "losses_against_chance", "saturated_units", "squashing_layers"]

# Measured on tanh and sigmoid MLPs (depth 2-8, width 16-128, 3 seeds, batches of 1, 8 and 64,
# inputs standardised), the average slope relative to the slope at 0, in the layer where it is
# lowest: fresh at PyTorch's default or Xavier's initialisation 0.39-0.97 (tanh), 0.64-0.97
# (sigmoid), at Xavier's with gain 5/3 0.26 and 0.45 at least; with weights 10x the default or
# drawn at std 1 (5x-11x Xavier's scale) tanh 0.007-0.21, sigmoid 0.12-0.38, and on raw,
# unstandardised data (wine, breast cancer: RMS 10-900) 0.001-0.02. Trained with Adam (lr
# 0.01-0.03, 1,000-10,000 steps, on digits, wine, breast cancer), layers saturate as much
# (0.0-0.1) with weights up to 12x Xavier's, while the net fits its batch (a loss near 0): its
# units learned to sit there. Fresh nets, broken or not, have a loss of 0.73-1.5 times what
# guessing gives. So a layer is flagged where its slope is below SATURATED and a cause shows:
# data INPUT_LARGE, or, where a loss shows the batch is not fit (at least FITS of guessing's),
# weights TOO_LARGE. On that zoo and on LSTMs, GRUs, hand-written LSTM and RNN cells, attention,
# GELU/SiLU/Mish nets, SE and GLU gates, a DCGAN and a trained binary classifier's sigmoid: no
# false alarm; trained nets (Adam, lr 0.03) scored on held-out batches they get wrong: 2 of 48.

#: The activations judged, with their slope at 0 (their largest).
TOP_SLOPE = {"tanh": 1.0, "sigmoid": 0.25}

#: A layer is saturated where its average slope, relative to its slope at 0, is below this.
SATURATED = {"tanh": 0.2, "sigmoid": 0.4}

#: The weights of the layer before are too large where their std is this many times Xavier's
#: (`nn.init.xavier_normal_`, sqrt(2 / (fan_in + fan_out))), judged only where a loss shows
#: that the net does not fit the batch: training grows them too (to 12x, by Adam at lr 0.03).
TOO_LARGE = 2.5
#: ... and the data it reads where its RMS is this or more (standardised data has 1).
INPUT_LARGE = 3.0
#: A batch is fit where its loss is below this share of what guessing gives: no finding. Fresh
#: nets, the broken ones too, have 0.73-1.5 of it (a batch of one example the least).
FITS = 0.5
#: The weights are judged only where a loss is at least this share of guessing's: a trained net
#: keeps the large weights it learned, and on a held-out batch it gets partly wrong its loss
#: can pass FITS (tanh and sigmoid nets trained on breast cancer, Adam lr 0.03, 96% accurate:
#: 7 of 24 batches of 64 flagged at FITS, none at this); a sigmoid MLP with weights 10x the
#: default scores 1.4-4.6 times what guessing gives on 8 examples or more (20 seeds), 0.88-5.2
#: on one.
GUESSING = 0.85

#: A layer of fewer units is not judged: a generator's tanh of 1 or 3 colour channels, or a
#: lesson's 2-unit hidden layer after training, saturate as they should.
MIN_UNITS = 8

#: Ops that pass a hidden layer's values on to the next layer, changing nothing that matters
#: (and pooling: a local mean or maximum keeps the values on the flat ends where they are).
_PASSING = _RESHAPING | {"dropout", "feature_dropout", "alpha_dropout"}
#: The ops of a layer with weights that reads a hidden activation (not a recurrent layer's
#: fused op, an attention op or an embedding: those read it otherwise).
_LAYERS = ("linear", "addmm", "mm", "matmul", "conv", "einsum", "bilinear", "bmm")
#: Module types whose sigmoids and tanhs are gates or a state: saturated by design.
_RECURRENT = ("LSTM", "GRU", "RNN")
#: Losses whose value guessing sets: the class scores' own, the targets' spread.
_CLASSES, _BINARY, _SQUARED = ("cross_entropy", "nll_loss"), "binary_cross_entropy", "mse_loss"


@dataclass(frozen=True)
class Squashing:
    """A hidden tanh or sigmoid between two layers with weights."""

    node: Any
    op: str  # "tanh" or "sigmoid"
    slope: float  # the average slope over the batch, relative to the slope at 0
    layer: Any  # the op with weights whose output it reads


def saturated_units(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """One finding per activation (tanh, sigmoid) whose hidden layers are saturated with a
    cause that shows, at the first of them, naming them all. None where the loss shows that
    the net fits the batch; the weights are judged only where a loss shows it does not."""
    against = losses_against_chance(g, order)
    if against and all(ratio < FITS for ratio in against):
        return []  # the net fits this batch: its units learned to sit where they do
    layers = [
        (s, remedy)
        for s in squashing_layers(g, order, types)
        if s.slope < SATURATED[s.op]
        and (remedy := _remedy(g, s, types, weights=max(against, default=0.0) >= GUESSING))
    ]
    findings = []
    for op in TOP_SLOPE:
        group = [(s, remedy) for s, remedy in layers if s.op == op]
        if not group:
            continue
        first, remedy = group[0]
        module = g._node[first.node].get("module") or ""
        # a layer run once per recorded step (a training loop) is named once
        places = list(dict.fromkeys(_place(g, s, types) for s, _ in group))
        findings.append(
            finding(
                "saturated",
                f"saturated_{op}",
                "forward",
                first.node,
                module,
                slope=first.slope * TOP_SLOPE[op],
                layers=list(dict.fromkeys(g._node[s.node].get("module") or "" for s, _ in group)),
                where_module=names_text(places),
                remedy=remedy,
            )
        )
    return findings


def squashing_layers(g: Graph, order: list[Any], types: dict[str, str | None]) -> list[Squashing]:
    """The hidden tanh and sigmoid ops of `g` in forward order, with their average slope: those
    whose input a layer with weights made and whose output only layers with weights read (not a
    gate that multiplies, an output squashed for the loss, a recurrent layer's state)."""
    position = {n: i for i, n in enumerate(order)}
    found = []
    for n in order:
        data = g._node[n]
        op = str(data.get("op") or "").removesuffix("_")
        if data.get("kind") != "op" or op not in TOP_SLOPE or _in_recurrent(data, types):
            continue
        slope = _relative_slope(op, data.get("value"))
        layer = _layer_before(g, n)
        if slope is None or layer is None or _units(data, g._node[layer]) < MIN_UNITS:
            continue
        if "transpose" in str(g._node[layer].get("op") or ""):
            continue  # a generator's image: its pixels sit at the ends by design
        if _read_by_layers(g, n, position):
            found.append(Squashing(n, op, slope, layer))
    return found


def losses_against_chance(g: Graph, order: list[Any]) -> list[float]:
    """Each loss on this batch that guessing sets, as a share of what guessing gives:
    cross-entropy against log(classes), binary cross-entropy against the entropy of its
    targets, mean squared error against their variance."""
    ratios = []
    for n in order:
        data = g._node[n]
        op, value = str(data.get("op") or ""), data.get("value") or {}
        if data.get("kind") != "op" or value.get("numel") != 1 or value.get("mean") is None:
            continue
        chance = _chance(g, n, op)
        if chance is not None and chance > 0 and math.isfinite(value["mean"]):
            ratios.append(value["mean"] / chance)
    return ratios


def _chance(g: Graph, loss: Any, op: str) -> float | None:
    """What guessing gives for the loss `op` at node `loss`; None for another op, or where its
    inputs are not known."""
    if op not in _CLASSES and not op.startswith(_BINARY) and op != _SQUARED:
        return None
    read = _values_read(g, loss)
    scores = [p for p in read if g._node[p].get("requires_grad")]
    targets = [p for p in read if not g._node[p].get("requires_grad")]
    if len(scores) != 1:
        return None
    if op in _CLASSES:
        shape = g._node[scores[0]].get("shape") or []
        classes = shape[1] if len(shape) > 1 else (shape[0] if shape else 0)
        return math.log(classes) if classes > 1 else None
    target = (g._node[targets[0]].get("value") or {}) if len(targets) == 1 else {}
    mean, std = target.get("mean"), target.get("std")
    if mean is None or std is None:
        return None
    if op == _SQUARED:
        return float(std) * float(std)
    if not 0 < mean < 1 or target.get("min", 0) < 0 or target.get("max", 1) > 1:
        return None
    return -mean * math.log(mean) - (1 - mean) * math.log(1 - mean)


def _values_read(g: Graph, n: Any) -> list[Any]:
    """The nodes with a value that `n` reads, through the inner nodes of its call."""
    found, frontier = [], list(g._pred[n])
    for _ in range(4):
        after = []
        for p in frontier:
            data = g._node[p]
            if data.get("value"):
                found.append(p)
            elif data.get("kind") == "op":
                after += g._pred[p]
        frontier = after
    return found


def _relative_slope(op: str, value: Any) -> float | None:
    """The average slope of a tanh or sigmoid over its output values `value` (their stats),
    relative to its slope at 0; None where they are not known or not finite."""
    if not value or value.get("nan") or value.get("inf") or not value.get("numel"):
        return None
    mean, norm = value.get("mean"), value.get("norm")
    if mean is None or norm is None:
        return None
    square = norm * norm / value["numel"]  # mean(h^2)
    average = 1.0 - square if op == "tanh" else mean - square
    return min(1.0, max(0.0, average / TOP_SLOPE[op]))


def _in_recurrent(data: dict[str, Any], types: dict[str, str | None]) -> bool:
    """Whether the op runs inside a recurrent module (an `LSTMCell`, a `GRU`), or one of its
    submodules: its sigmoids are gates."""
    parts = str(data.get("module") or "").split(".")
    return any(
        any(word in str(types.get(".".join(parts[:i])) or "") for word in _RECURRENT)
        for i in range(1, len(parts) + 1)
    )


def _units(data: dict[str, Any], layer: dict[str, Any]) -> int:
    """How many units the activation has: a convolution's channels, else the last dimension."""
    shape = data.get("shape") or []
    if not shape:
        return 0
    return int(shape[1] if "conv" in str(layer.get("op") or "") and len(shape) > 2 else shape[-1])


def _read_by_layers(g: Graph, n: Any, position: dict[Any, int]) -> bool:
    """Whether every op that reads `n`'s output, maybe through a reshape or dropout, is a layer
    with weights, none of them a recurrence's (its weight read before `n` too)."""
    frontier, readers = list(g._succ[n]), []
    for _ in range(4):  # a few reshapes at most
        after = []
        for s in frontier:
            data = g._node[s]
            op = str(data.get("op") or "").removesuffix("_")
            if data.get("kind") != "op":
                return False  # the model's output
            if any(word in op for word in _LAYERS):
                readers.append(s)
            elif op in _PASSING or "pool" in op:  # LeNet's tanh, pooled, then convolved
                after += g._succ[s]
            else:
                return False  # a gate's multiply, a residual add, a loss
        frontier = after
    if frontier or not readers:
        return False
    for reader in readers:
        weight = _weight_of_op(g, reader)
        if weight is None or any(
            position.get(u, math.inf) < position[n] for u in _users(g, weight)
        ):
            return False
    return True


def _users(g: Graph, weight: Any) -> list[Any]:
    """The ops that read a weight, also through an inner node of their call (a Linear's `t`)."""
    near = list(g._succ[weight])
    return near + [s for p in near if not g._node[p].get("value") for s in g._succ[p]]


def _place(g: Graph, layer: Squashing, types: dict[str, str | None]) -> str:
    """Where the activation runs, as it reads after "in": its module, or, for a functional
    `torch.tanh` in the model's own `forward`, the layer it runs after."""
    data = g._node[layer.node]
    module = data.get("module") or ""
    if module:
        return module_name(module, types, "in")
    layers = feeding_layers(g, layer.node, "")
    if layers:
        before = layers_text(layers, types)
    else:  # a lesson's `torch.tanh(x @ w1)`: no module, the weight's name
        weight = _weight_of_op(g, layer.layer)
        before = leaf_name(g._node[weight]) if weight is not None else str(layer.layer)
    return message("graph.health.saturated_after", op=layer.op, layer=before)


def _remedy(
    g: Graph, layer: Squashing, types: dict[str, str | None], *, weights: bool
) -> str | None:
    """What to do about a saturated layer, by its cause: the data it reads far from
    standardised, or (where `weights`) the weights of the layer before it far above Xavier's
    scale. None where neither shows."""
    weight = _weight_of_op(g, layer.layer)
    if weight is not None and weights:
        data = g._node[weight]
        shape, value = data.get("shape") or [], data.get("value") or {}
        if len(shape) >= 2 and value.get("std"):
            receptive = math.prod(shape[2:])
            xavier = math.sqrt(2.0 / ((shape[0] + shape[1]) * receptive))
            # PyTorch's default (kaiming_uniform_, a=sqrt(5)) has std 1 / sqrt(3 fan_in): above
            # Xavier's for a narrow layer feeding a wide one (Linear(2, 256): 4.7x), and no cause
            default = 1.0 / math.sqrt(3.0 * shape[1] * receptive)
            if value["std"] >= TOO_LARGE * max(xavier, default):
                return message(
                    "graph.health.saturated_remedy_weights",
                    layer=weight_of(data, types),
                    times=times_text(value["std"] / xavier),
                    std=value["std"],
                    xavier=xavier,
                )
    source = _input_of(g, layer.layer)
    if source is None or not _is_data(g, source):
        return None
    value = g._node[source]["value"]
    rms = math.hypot(value["mean"], value["std"])
    if rms < INPUT_LARGE:
        return None
    return message("graph.health.saturated_remedy_inputs", rms=rms)


def _input_of(g: Graph, layer: Any) -> Any | None:
    """What a layer with weights multiplies: the value it reads that is no weight of its own."""
    for p in g._pred[layer]:
        data = g._node[p]
        value = data.get("value") or {}
        if learnable(data) or is_integer(data) or not value:
            continue
        if value.get("mean") is not None and value.get("std") is not None:
            return p
    return None
