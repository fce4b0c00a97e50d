"""Vanishing and exploding gradients through the layers: the change of the weight-gradient RMS
from the last layer of the trunk back to the first (see `_health` for how the layers are found).

Where one step makes the whole change, the finding names that step instead of a change per
layer: a sigmoid MLP with BatchNorm and residual connections gets gradients of the same size
through its hidden layers (they grow a little on the way back), but its 64 -> 1 head reads the
residual stream, a sum of sigmoid outputs with a mean of about 5, and gets a gradient 1,000x
theirs. "Shrinks 1.6x per layer" would spread that one step over eleven.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nngraph.graph._dead import UNCENTRED
from nngraph.graph._finding import finding, weight_of
from nngraph.graph._inputs import large_data, multiplying
from nngraph.graph._nodes import is_integer
from nngraph.graph._normalised import NORM_HOPS, NORMALISING
from nngraph.graph._recurrence import layers_wording
from nngraph.graph._remedy import layers_remedy
from nngraph.graph._symmetry import learnable
from nngraph.i18n import message, times_text

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "FLAT_REPEATS",
    "HEAD_HIDDEN",
    "HEAD_LAYERS",
    "HIDDEN_JUDGED",
    "MID_STEPS",
    "PER_LAYER_HIGH",
    "PER_LAYER_LOW",
    "PER_LAYER_MID",
    "RMS_HUGE",
    "RMS_TINY",
    "SEEN_LOW",
    "TOTAL_HIGH",
    "TOTAL_LOW",
    "TOTAL_MID",
    "Layer",
    "between",
    "flat_repeats",
    "flow",
    "grows",
    "head_step",
    "last_step_makes",
    "shrinks",
]

# Thresholds, calibrated on 6-layer MLPs (32 -> 64 x5 -> 1, batch 64, MSE loss, 50 seeds).
# Per step we compare the weight-gradient RMS of a layer with that of the next one, divided
# by sqrt(fan_out / fan_in) of the next layer: backprop through a 64 -> 1 layer spreads the
# gradient over 64 inputs, so even a healthy net shows 8x less there (measured: 0.07-0.16
# raw, 0.5-1.3 corrected, on the last step of the ReLU net). On the corrected steps we use
# their geometric mean (per layer) and their product (first layer vs last layer):
#   Linear+Sigmoid, default init:        per layer 0.11-0.24, first/last 1.4e-5 - 7e-4
#   Linear+ReLU, kaiming_normal_ init:   per layer 0.69-1.10, first/last 0.16 - 1.6
#   (10 layers deep: 0.75-1.07, 0.076-1.9; width 16 or 512: 0.68-1.12, 0.15-1.7)
#   Linear+Tanh, default init:           per layer 0.69-1.07, first/last 0.16 - 1.4
# Both must cross: 0.4 per layer sits midway (in log scale) between 0.24 and 0.69, 0.01
# first/last is 14x above the worst sigmoid net and 7x below the worst healthy ReLU net.
# Exploding is the mirror image.
# A deep net can shrink slowly and still lose most of its gradient: a 20-layer tanh MLP at
# default init shrinks 0.6-0.7x per layer, first/last 2e-5 - 2e-3 (raw, as a student sees it:
# 3e-6 - 2e-4; widths 32-128). So a product below 0.01 counts also where the raw first/last
# (`seen`) is below 1e-3. Neither alone: a 12-layer post-LN transformer's product is 1e-4 (its
# packed q, k, v counts 3x wide), its raw first/last 0.01 - 0.2; a Kaiming ReLU MLP 4096 wide
# is 3e-3 raw, 0.2 corrected. Caught so: tanh 20 layers deep (12-15 in some seeds), VGG-12
# without BatchNorm.
PER_LAYER_LOW, PER_LAYER_HIGH = 0.4, 1 / 0.4
TOTAL_LOW, TOTAL_HIGH = 0.01, 100.0
SEEN_LOW = 1e-3
# A sigmoid MLP can pass its gradient almost unchanged through its hidden layers and lose it all
# in the last two (6 layers 16 wide on breast-cancer data, 1 seed in 30: steps 0.9, 1.2, 0.5,
# 0.16, 0.18; 5 layers 256 wide on Iris, 4 seeds in 30): per layer 0.32 - 0.42, first/last
# 0.011 - 0.027 (corrected; raw 1/200 - 1/850). So over MID_STEPS steps or more a shrink faster
# than PER_LAYER_MID per layer that ends below TOTAL_MID counts too. Measured on 300 healthy
# nets (ReLU, LeakyReLU, GELU with Kaiming's initialisation, tanh at PyTorch's or Xavier's; 3-12
# layers, 16-512 wide, batches 1-128, untrained and trained on 4 data sets): per layer 0.46 at
# the least (over 2 steps: first/last 0.21), 0.58 where first/last is below 0.03; a 7-layer
# tanh MLP 16 wide at PyTorch's initialisation 0.49 (first/last 0.028) in 1 seed of 3. Fewer
# steps are judged as before: an LSTM classifier under bare `graph_of` (its two layers, then its
# head) steps 0.11 - 0.15 twice, 0.017 in all, and learns well.
PER_LAYER_MID, TOTAL_MID, MID_STEPS = 0.45, 0.03, 4
# Absolute limits on one layer's weight-gradient RMS.
RMS_TINY, RMS_HUGE = 1e-8, 1e4

#: The fewest layers judged without the output layer (two steps between them).
HIDDEN_JUDGED = 3

# One step makes the change where the last step alone is below TOTAL_LOW (corrected) while the
# layers before it change by less than HEAD_HIDDEN either way in all (product of their corrected
# steps): the last step is then at least two thirds of the change, in log scale. Measured
# (12 Linear layers 64 wide, 3 seeds): sigmoid + BatchNorm + residual, last step 0.0016-0.0023,
# the hidden ones 3.3-3.6 (they grow); sigmoid + residual without a norm, or with LayerNorm,
# last step 0.04-0.08 and the hidden ones 0.04-0.1 (a shrink through depth as well: said per
# layer, as before); plain sigmoid MLPs, CNNs, deep tanh or ReLU nets: last step 0.07-0.6.
HEAD_HIDDEN = 10.0

# A stack of blocks alike (`layers.0`, `layers.1`, ...) whose same layer gets gradients within
# FLAT_REPEATS of each other in every block does not fade them through its depth: a gap from
# its first layer to the last sits in the few layers after it (`HEAD_LAYERS`: a BERT's pooler
# and classifier on one token, std 0.02 each, 2,000x the encoder's; its packed q, k, v makes
# the width-corrected steps through each block shrink too, 0.5x per block while the gradients
# of its layers are equal). Measured (post-LN BERT 4, 8 and 12 deep, 5 seeds each): alike
# within 1.2-1.8x; a stack that fades its gradient is far from it (sigmoid blocks: 4-6x each).
FLAT_REPEATS, HEAD_LAYERS = 3.0, 2
# A block's index in a module's name: `layers.3.inter`, `0`
_INDEX = re.compile(r"(?:^|(?<=\.))\d+(?=\.|$)")


def flat_repeats(layers: list[str], rms: list[float]) -> bool:
    """Whether the trunk (its layers' modules and gradient RMS) starts in a stack of at least
    `HIDDEN_JUDGED` blocks alike, whose same layers get gradients alike in every block, and
    ends at most `HEAD_LAYERS` past it: then the gradient does not fade or grow through the
    depth, whatever the first and the last layer get.

        >>> flat_repeats(["b.0.fc", "b.1.fc", "b.2.fc", "head"], [1e-5, 2e-5, 1e-5, 1e-2])
        True
        >>> flat_repeats(["0", "2", "4", "6"], [1e-5, 1e-4, 1e-3, 1e-2])
        False
    """
    groups: dict[str, list[float]] = {}
    for name, value in zip(layers, rms, strict=True):
        groups.setdefault(_INDEX.sub("#", name), []).append(value)
    repeated = {key for key, values in groups.items() if len(values) >= HIDDEN_JUDGED}
    keys = [_INDEX.sub("#", name) for name in layers]
    if not keys or keys[0] not in repeated:
        return False
    past = len(keys) - 1 - max(i for i, key in enumerate(keys) if key in repeated)
    flat = all(max(groups[key]) <= FLAT_REPEATS * min(groups[key]) for key in repeated)
    return flat and past <= HEAD_LAYERS


@dataclass
class Layer:
    """A layer of the trunk: its module, its weight's node, the RMS of that weight's gradient
    and the weight's fans."""

    module: str
    node: Any  # the weight's parameter node
    rms: float
    fan_in: int
    fan_out: int


def corrected_steps(usable: list[Layer]) -> list[float]:
    """Each step back from a layer to the one before it: the ratio of their gradient RMS,
    without the change the later layer's widths alone make (see the thresholds above)."""
    return [
        earlier.rms / later.rms / math.sqrt(later.fan_out / later.fan_in)
        for earlier, later in itertools.pairwise(usable)
    ]


def between(
    g: Graph, position: dict[Any, int], usable: list[Layer], frozen: Sequence[Layer]
) -> tuple[list[int], list[float]]:
    """For each step of `usable`: the layers it spans, and how much the widths of the `frozen`
    layers it passes (`requires_grad_(False)`) change the gradient on their own (the product
    of their sqrt(fan_out / fan_in), as for the later layer of a step). A frozen layer gets no
    gradient to compare, yet the gradient passes through it: a sigmoid MLP whose layers 2, 4
    and 6 are frozen shrinks it over the 5 layers from 0 to 10, not over 2 steps."""
    hops, widths = [1] * (len(usable) - 1), [1.0] * (len(usable) - 1)
    if not frozen:
        return hops, widths
    owner: dict[Any, Layer] = {}  # the ops that compute with a frozen layer's weight
    for layer in frozen:
        for op in _readers(g, layer.node):
            owner.setdefault(op, layer)
    order = sorted(position, key=position.__getitem__)
    for i, (earlier, later) in enumerate(itertools.pairwise(usable)):
        passed = _most_frozen(g, order, position, (earlier, later), owner)
        hops[i] += len(passed)
        widths[i] = math.prod(math.sqrt(layer.fan_out / layer.fan_in) for layer in passed)
    return hops, widths


def _most_frozen(
    g: Graph,
    order: list[Any],
    position: dict[Any, int],
    step: tuple[Layer, Layer],
    owner: dict[Any, Layer],
) -> list[Layer]:
    """The frozen layers (by their ops, `owner`) on the path from the first layer of `step`
    to the second that passes the most of them, walking the nodes between in forward order."""
    start, end = _readers(g, step[0].node), _readers(g, step[1].node)
    first = min((position[n] for n in start if n in position), default=None)
    last = max((position[n] for n in end if n in position), default=None)
    if first is None or last is None:
        return []
    best: dict[Any, tuple[Any, ...]] = {}  # node -> the frozen weights on its path so far
    for n in order[first : last + 1]:
        if n in start:
            best[n] = ()
            continue
        reached = [best[p] for p in g._pred[n] if p in best]
        if not reached:
            continue
        path = max(reached, key=len)
        layer = owner.get(n)
        best[n] = path if layer is None or layer.node in path else (*path, layer.node)
    ends = [best[n] for n in end if n in best and n not in start]
    frozen = {layer.node: layer for layer in owner.values()}
    return [frozen[n] for n in max(ends, key=len, default=())]


def _mostly_normalised(g: Graph, layers: list[Layer]) -> bool:
    """Whether a normalisation follows the first of `layers` and most of them."""
    if not layers or not _normalised(g, layers[0].node):
        return False
    return 2 * sum(_normalised(g, layer.node) for layer in layers) > len(layers)


def _normalised(g: Graph, weight: Any) -> bool:
    """Whether a normalisation comes within `NORM_HOPS` ops after the ops computing with
    `weight`."""
    frontier = seen = _readers(g, weight)
    for _ in range(NORM_HOPS):
        if any(name in str(g._node[n].get("op") or "") for n in frontier for name in NORMALISING):
            return True
        frontier = {s for n in frontier for s in g._succ[n]} - seen
        seen = seen | frontier
    return False


def _readers(g: Graph, weight: Any) -> set[Any]:
    """The ops that compute with `weight`: those reading it, and past the transpose a Linear's
    weight goes through (an inner node of the call: no value of its own), those reading that."""
    direct = set(g._succ[weight])
    inner = [n for n in direct if not g._node[n].get("value")]
    return direct.union(*(g._succ[n] for n in inner))


def shrinks(ratio: float, seen: float, depth: int) -> bool:
    """Whether a gradient vanishes from the last layer of a trunk back to the first: the
    product of the corrected steps (`ratio`) over `depth` layers and the first layer's gradient
    RMS against the last one's as it is (`seen`) cross the limits at the top.

        >>> shrinks(0.25**5, 0.002, 5), shrinks(0.8**5, 0.5, 5)
        (True, False)
    """
    per_layer = ratio ** (1 / depth)
    fast = per_layer < PER_LAYER_LOW
    # fast, or slow over many layers; or fast with a large gap the width correction hides
    # (a 512-wide head makes a 4-layer sigmoid net's corrected product look small)
    return seen < 1 and (
        ((fast or seen < SEEN_LOW) and ratio < TOTAL_LOW)
        or (fast and seen < SEEN_LOW)
        or (depth >= MID_STEPS and per_layer < PER_LAYER_MID and ratio < TOTAL_MID)
    )


def grows(ratio: float, seen: float, depth: int) -> bool:
    """The mirror image of `shrinks`: whether a gradient explodes from the last layer of a
    trunk back to the first.

        >>> grows(4.0**5, 900.0, 5), grows(1.2**5, 2.0, 5)
        (True, False)
    """
    fast = ratio ** (1 / depth) > PER_LAYER_HIGH
    return seen > 1 and (
        ((fast or seen > 1 / SEEN_LOW) and ratio > TOTAL_HIGH) or (fast and seen > 1 / SEEN_LOW)
    )


def flow(
    g: Graph,
    types: dict[str, str | None],
    usable: list[Layer],
    huge: bool,
    position: dict[Any, int],
    frozen: Sequence[Layer] = (),
    inflated: Collection[Any] = (),
) -> dict[str, Any] | None:
    """The vanishing or exploding finding of the gradient's change from the last of `usable`
    back to the first, if it crosses the limits (see the thresholds at the top); the `frozen`
    layers between them count in the depth (see :func:`between`). Not where the data-scale
    finding explains the change: the weights of the last (for vanishing) or the first (for
    exploding) are in `inflated`, their layer reading values made large by data far from
    standardised (see `_inputs.inflated`)."""
    hops, widths = between(g, position, usable, frozen)
    steps = [step / width for step, width in zip(corrected_steps(usable), widths, strict=True)]
    depth = sum(hops)
    total = math.prod(steps)
    per_layer = total ** (1 / depth)
    first, last = usable[0], usable[-1]
    # the sentence says the first layer's gradient RMS against the last one's as it is (a
    # student can check it), and per layer the corrected steps: a 64 -> 1 output layer alone
    # makes the raw figure about 8x larger, 13.8x per layer where sigmoid's 4-5x is meant
    seen = first.rms / last.rms
    numbers = {
        "first": weight_of(g._node[first.node], types),
        "last": weight_of(g._node[last.node], types),
        "layers": [layer.module for layer in usable],
        "rms": [layer.rms for layer in usable],
        "steps": steps,
    }
    # "the first layers barely learn" needs layers between the first and the last
    count = "one" if depth == 1 else "many"
    # a huge gradient somewhere is the story (a learning rate far too high): a layer with
    # less of it is not "barely learning"
    weights = [layer.node for layer in usable]
    # a weight's gradient is its input times the gradient behind it: data far from standardised
    # reaching a layer (raw pixels or prices; a raw timestep through a side branch joining the
    # trunk) makes that layer's large whatever the depth, as `large_inputs` says
    if shrinks(total, seen, depth) and not huge and last.node not in inflated:
        effect = message(f"graph.health.effect.barely_learn_{count}")
        remedy = layers_remedy(g, usable, position)
        key, words = layers_wording(g, "vanishing", weights, depth, types, remedy)
        return finding(
            "vanishing",
            key,
            "backward",
            first.node,
            first.module,
            per_layer=1 / per_layer,
            total=1 / seen,
            times=times_text(1 / seen),
            ratio=total,
            effect=effect,
            **words,
            **numbers,
        )
    # a layer a normalisation follows learns at the pace of its gradient against its own size,
    # and a large gradient makes that size grow: a slow growth through a net normalised layer
    # after layer (ShuffleNet at PyTorch's initialisation: 1.1x per layer, 1,400x in all; a
    # RegNet's squeeze-excitation layers have no norm of their own) is no unstable step; one
    # norm after the first layer of a tanh net does not make it so
    normalised = per_layer <= PER_LAYER_HIGH and _mostly_normalised(g, usable[:-1])
    large = first.node in inflated or large_data(g, first.node) is not None
    if grows(total, seen, depth) and not large and not normalised:
        effect = message(f"graph.health.effect.unstable_{count}")
        key, words = layers_wording(g, "exploding", weights, depth, types)
        return finding(
            "exploding",
            key,
            "backward",
            first.node,
            first.module,
            per_layer=per_layer,
            total=seen,
            times=times_text(seen),
            ratio=total,
            effect=effect,
            **words,
            **numbers,
        )
    return None


def last_step_makes(steps: list[float]) -> bool:
    """Whether the last of the corrected `steps` makes the whole change alone: it is below
    `TOTAL_LOW` while the steps before it change the gradient by less than `HEAD_HIDDEN`.

        >>> last_step_makes([1.5, 1.4, 0.8, 0.002]), last_step_makes([0.3, 0.3, 0.3, 0.002])
        (True, False)
    """
    hidden = math.prod(steps[:-1])
    return steps[-1] < TOTAL_LOW and 1 / HEAD_HIDDEN <= hidden <= HEAD_HIDDEN


def head_step(g: Graph, types: dict[str, str | None], usable: list[Layer]) -> dict[str, Any] | None:
    """A `vanishing` finding naming the last step, where that one step makes the change from
    the last of `usable` back to the first and the layers before it change little (see
    `HEAD_HIDDEN`); None where the change is spread over the layers."""
    if len(usable) < HIDDEN_JUDGED + 1:
        return None
    steps = corrected_steps(usable)
    if not last_step_makes(steps):
        return None
    first, before, last = usable[0], usable[-2], usable[-1]
    hidden_rms = [layer.rms for layer in usable[:-1]]
    seen = before.rms / last.rms
    value = _input_value(g, last.node)
    if value is not None and abs(value["mean"]) >= UNCENTRED * value["std"]:
        cause = message("graph.health.head_cause_uncentred", mean=value["mean"], std=value["std"])
    else:
        cause = message("graph.health.head_cause_unknown")
    return finding(
        "vanishing",
        "vanishing_head",
        "backward",
        last.node,
        last.module,
        first=weight_of(g._node[first.node], types),
        before=weight_of(g._node[before.node], types),
        last=weight_of(g._node[last.node], types),
        hidden=len(usable) - 1,
        low=min(hidden_rms),
        high=max(hidden_rms),
        total=1 / seen,
        times=times_text(1 / seen),
        ratio=math.prod(steps),
        cause=cause,
        layers=[layer.module for layer in usable],
        rms=[layer.rms for layer in usable],
        steps=steps,
        **({} if value is None else {"mean": value["mean"], "std": value["std"]}),
    )


def _input_value(g: Graph, weight: Any) -> dict[str, Any] | None:
    """The value statistics (mean, std) of what the op multiplying by `weight` reads: the
    values the layer gets; None where they are not known (`graph_of` keeps no values)."""
    nodes = g._node
    made_of_weight = {weight, *g._succ[weight]}
    for op in multiplying(g, weight):
        for p in g._pred[op]:
            data = nodes[p]
            if p in made_of_weight or learnable(data) or is_integer(data):
                continue
            value = data.get("value") or {}
            mean, std = value.get("mean"), value.get("std")
            if mean is not None and std is not None and math.isfinite(mean + std):
                return {"mean": mean, "std": std}
    return None
