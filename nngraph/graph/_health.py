"""Gradient health: vanishing and exploding gradients (through the layers, and through the
steps of a recurrent layer: see `_recurrence`), dead ReLU units, the first NaN/Inf, data
far from standardised (see `_inputs`).

Every finding is a plain dict (see docs/schema.md, "Health flags") whose `message` is one
sentence a student can act on. The texts are the `graph.health.` keys of the message catalog
(nngraph/i18n), filled in when `find()` runs: a finding speaks the language that was current
at that moment and keeps it (switching later does not rewrite stored flags).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._dead import dead_units
from nngraph.graph._evalnorm import untrained_norms
from nngraph.graph._finding import describe, finding, weight_of
from nngraph.graph._gates import fed_zeros, one_cause_of_no_gradient, small_gated, zero_gated
from nngraph.graph._growth import growing_values
from nngraph.graph._inputs import large_data, large_inputs
from nngraph.graph._lossinput import loss_inputs
from nngraph.graph._nodes import (
    folded_from,
    forward_order,
    module_types,
    owner_module,
    read_by_embedding,
)
from nngraph.graph._nonfinite import first_non_finite
from nngraph.graph._normalised import normalised_away
from nngraph.graph._parameters import learnable, parameter_state
from nngraph.graph._recurrence import layers_wording, recurrent_flow
from nngraph.graph._trunk import in_series, trunk
from nngraph.graph._unregistered import unregistered
from nngraph.i18n import message, plural_form, times_text

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["HEALTH_KINDS", "find", "store"]

#: The finding kinds `health()` owns (and replaces on each call).
HEALTH_KINDS = (
    "vanishing", "exploding", "dead", "nan", "inf", "zeros", "constant", "accumulated",
    "no_gradient", "unregistered", "untrained_norm", "loss_input",
)  # fmt: skip

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
# Absolute limits on one layer's weight-gradient RMS.
RMS_TINY, RMS_HUGE = 1e-8, 1e4

# Embedding gradients touch only the rows a batch uses: their RMS says nothing about depth.
_NOT_LAYERS = ("Embedding", "EmbeddingBag")
# A convolution's `groups`, as its `extra_repr()` in the module table shows it.
_GROUPS = re.compile(r"\bgroups=(\d+)")


@dataclass
class _Layer:
    module: str
    node: Any  # the weight's parameter node
    rms: float
    fan_in: int
    fan_out: int


def find(g: Graph) -> list[dict[str, Any]]:
    """Every health finding on `g`, without changing it.

    On a collapsed graph the layers hide inside boxes: the findings are those of the graph
    it was folded from, each moved to the box that holds its node. Where that graph is not
    known (a copy, a graph read from JSON), the findings stored in its nodes are kept.
    """
    origin = folded_from(g)
    if origin is not None:
        source, where = origin
        moved = [{**f, "node": where.get(f["node"])} for f in find(source)]
        return [f for f in moved if f["node"] in g]  # a box removed since holds nothing
    if any(data.get("kind") == "module" for _, data in g.nodes(data=True)):
        return causes_first(
            [
                {**flag, "node": n}
                for n in forward_order(g)
                for flag in (g._node[n].get("flags") or [])
                if flag.get("kind") in HEALTH_KINDS
            ]
        )
    order = forward_order(g)
    types = module_types(g)
    # an empty batch gives every weight a zero gradient: that says nothing about learning
    # data far from standardised first: it explains the large gradients after it
    findings = large_inputs(g, order, types)
    if not _empty_batch(g):
        findings += _gradient_flow(g, order, types) + recurrent_flow(g, order, types)
    grown = growing_values(g, order, types)
    findings += grown
    findings += dead_units(g, order, types, grown=bool(grown))
    findings += unregistered(g, order)
    findings += untrained_norms(g, order)
    findings += loss_inputs(g, order)
    findings += parameter_state(g, order, types)
    findings += first_non_finite(g, order, types)
    return causes_first(findings)


#: Findings that explain others come first: a NaN, BatchNorm run in eval mode before any
#: training, softmax fed to cross-entropy (a fresh MobileNet in eval mode has ~50 vanishing
#: layers, all from its untrained BatchNorm).
CAUSES = ("nan", "inf", "untrained_norm", "loss_input")


def causes_first(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`findings` with those of the :data:`CAUSES` kinds first, each group in its order.

    >>> [f["kind"] for f in causes_first([{"kind": "vanishing"}, {"kind": "untrained_norm"}])]
    ['untrained_norm', 'vanishing']
    """
    return sorted(findings, key=lambda f: f.get("kind") not in CAUSES)


def _empty_batch(g: Graph) -> bool:
    """Whether the data the graph ran on had no examples: every input that is data (does
    not require grad, unlike a lesson's hand-made weight) has a 0 in its shape."""
    shapes = [
        data.get("shape")
        for _, data in g.nodes(data=True)
        if data.get("kind") == "input" and not data.get("requires_grad")
    ]
    return bool(shapes) and all(shape is not None and 0 in shape for shape in shapes)


def store(g: Graph, findings: list[dict[str, Any]]) -> None:
    """Put each finding on its node's `flags`, replacing what an earlier `health()` put there."""
    for _, data in g.nodes(data=True):
        old = data.get("flags") or []
        if any(flag.get("kind") in HEALTH_KINDS for flag in old):
            data["flags"] = [flag for flag in old if flag.get("kind") not in HEALTH_KINDS]
    for found in findings:
        data = g.nodes[found["node"]]
        data["flags"] = [*(data.get("flags") or []), dict(found)]


def _layers(g: Graph, position: dict[Any, int], types: dict[str, str | None]) -> list[_Layer]:
    """Param-holding modules in forward order (`position`), each with the gradient RMS of its
    weight (its largest parameter of two or more dimensions). A weight of no module is a layer
    of its own, or with the other weights its op reads (an LSTM layer's `weight_ih` and
    `weight_hh`). Hand-made leaves (`torch.randn(..., requires_grad=True)`) count where the
    graph holds no `nn.Parameter`: beside a model, such a leaf is data (a saliency map's input)."""
    weights = [
        n
        for n, data in g.nodes(data=True)
        if learnable(data) and len(data.get("shape") or []) >= 2 and not read_by_embedding(g, n)
    ]
    if any(g._node[n].get("kind") == "param" for n in weights):
        weights = [n for n in weights if g._node[n].get("kind") == "param"]
    best: dict[str, Any] = {}
    weight_set = set(weights)
    for n in weights:
        data = g._node[n]
        grad, shape = data.get("grad"), data["shape"]
        module = owner_module(data)
        if not grad or not grad.get("numel") or types.get(module) in _NOT_LAYERS:
            continue
        if data.get("grad_accumulated"):  # the sum of earlier passes: not this one's gradient
            continue
        key = module or _shared_reader(g, n, weight_set) or f"#{n}"
        if key not in best or math.prod(shape) > math.prod(g.nodes[best[key]]["shape"]):
            best[key] = n

    def first_use(n: Any) -> int:
        return min((position[s] for s in g.successors(n)), default=position[n])

    table = g.graph.get("modules") or {}
    layers = []
    for n in sorted(best.values(), key=first_use):
        data = g.nodes[n]
        shape, grad = data["shape"], data["grad"]
        if not (math.isfinite(grad["norm"]) and grad["nan"] == 0):
            continue  # NaN/Inf gradients are reported as such
        module = owner_module(data)
        config = (table.get(module) or {}).get("config")
        fan_in, fan_out = _fans(shape, types.get(module), config)
        if _multiplied_from_the_left(g, n):  # `x @ w`: w is [in, out], not a Linear's [out, in]
            fan_in, fan_out = fan_out, fan_in
        layers.append(
            _Layer(
                module=module,
                node=n,
                rms=grad["norm"] / math.sqrt(grad["numel"]),
                fan_in=fan_in,
                fan_out=fan_out,
            )
        )
    return layers


def _shared_reader(g: Graph, n: Any, weights: set[Any]) -> str | None:
    """The op that reads this weight together with other weights (an RNN layer), as a key."""
    for s in g._succ[n]:
        if any(w != n and w in weights for w in g._pred[s]):
            return f"@{s}"
    return None


def _multiplied_from_the_left(g: Graph, n: Any) -> bool:
    """Whether a matrix product reads the weight directly, without a transpose first: `x @ w`
    of a hand-written layer (a Linear's weight goes through `t`, or into `linear`)."""
    return any(
        str(g._node[s].get("op") or "") in ("matmul", "mm", "bmm") for s in g._succ[n]
    ) and not any(str(g._node[s].get("op") or "") in ("t", "transpose") for s in g._succ[n])


def _fans(shape: list[int], module_type: str | None, config: str | None) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight: the inputs one output unit reads, the outputs one input
    unit feeds. A convolution's weight is [out, in / groups, *kernel], a transposed one's
    [in, out / groups, *kernel]; each output channel of a group reads only that group."""
    receptive = math.prod(shape[2:])
    found = _GROUPS.search(config or "")
    groups = int(found.group(1)) if found else 1
    if module_type and "ConvTranspose" in module_type:
        return max(1, shape[0] // groups) * receptive, shape[1] * receptive
    return shape[1] * receptive, max(1, shape[0] // groups) * receptive


def _gradient_flow(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    position = {n: i for i, n in enumerate(order)}
    layers = _layers(g, position, types)
    # a gate after them starts at zero or tiny (a layer scale): the first steps open it
    gated = zero_gated(g, [layer.node for layer in layers if layer.rms == 0])
    gated |= small_gated(g, [layer.node for layer in layers])
    layers = [layer for layer in layers if layer.node not in gated]
    stopped = _stopped_by_norms(g, order, types, layers)
    if stopped:  # the layers before such a norm get float rounding: said once, at the norm
        before = set().union(*(nx.ancestors(g, f["node"]) for f in stopped))
        layers = [layer for layer in layers if layer.node not in before]
    stop = one_cause_of_no_gradient(g, position) if all(x.rms == 0 for x in layers) else None
    if layers and stop is not None:  # one cause downstream of every layer: said once
        node, key = stop
        return [finding("vanishing", key, "backward", node, "", op=str(g._node[node].get("op")))]
    usable = trunk(g, position, [layer for layer in layers if layer.rms >= RMS_TINY])
    huge = any(layer.rms > RMS_HUGE for layer in layers)
    flow = _flow(g, types, usable, huge) if len(usable) >= 2 else None
    if flow is None and len(usable) >= HIDDEN_JUDGED + 1:
        # The output layer can hide a steady change through the hidden layers: a 64 -> 1
        # head right before the loss gets a gradient of its own size (a saturated tanh net
        # at std 1.0 grows 2x per hidden layer, 2,300x over 11, yet its first layer's is
        # only 27x the head's). So the hidden layers are also judged without it.
        flow = _flow(g, types, usable[:-1], huge)
    # a gradient that shrinks all the way down the trunk ends as exactly zero in the layers
    # before it (a 200-layer tanh MLP: float32 rounds 1e-46 to 0), whatever their activations
    shrinking = flow is not None and flow["kind"] == "vanishing"
    # the layers whose results go, layer after layer, into the first judged one: one walk
    # along the trunk from the first layer (one walk per layer took minutes on 5,000 layers)
    before_first: set[Any] = set()
    if shrinking:
        along = [layer.node for layer in in_series(g, position, layers)]
        if usable[0].node in along:
            before_first = set(along[: along.index(usable[0].node)])
    findings = []
    for layer in layers:
        name = weight_of(g._node[layer.node], types)
        if layer.rms < RMS_TINY:
            fed = layer.rms == 0 and fed_zeros(g, layer.node)  # the bias learns: its input is 0
            key = "vanishing_zero_input" if fed else "vanishing_zero"
            flags: dict[str, Any] = {"zero_input": True} if fed else {}
            if layer.rms:
                key = "vanishing_tiny"
            elif not fed and layer.node in before_first:
                key, flags = "vanishing_underflow", {"underflow": True}
            findings.append(
                finding(
                    "vanishing",
                    key,
                    "backward",
                    layer.node,
                    layer.module,
                    rms=layer.rms,
                    where_module=name,
                    **flags,
                )
            )
        elif layer.rms > RMS_HUGE:
            findings.append(
                finding(
                    "exploding",
                    "exploding_huge",
                    "backward",
                    layer.node,
                    layer.module,
                    rms=layer.rms,
                    where_module=name,
                )
            )
    findings = stopped + findings
    return findings if flow is None else [*findings, flow]


def _stopped_by_norms(
    g: Graph, order: list[Any], types: dict[str, str | None], layers: list[_Layer]
) -> list[dict[str, Any]]:
    """A finding for each normalisation op that passes back almost none of its gradient
    (see _normalised.py), with the layers before it that therefore do not learn."""
    findings = []
    for norm, share in normalised_away(g, order):
        before = nx.ancestors(g, norm)
        count = sum(1 for layer in layers if layer.node in before)
        if count:
            data = g._node[norm]
            findings.append(
                finding(
                    "vanishing",
                    "vanishing_normalised",
                    "backward",
                    norm,
                    data.get("module") or "",
                    what=describe(data, types),
                    before=message(f"graph.health.normalised_before.{plural_form(count)}", n=count),
                    share=share,
                    layers_before=count,
                )
            )
    return findings


#: The fewest layers judged without the output layer (two steps between them).
HIDDEN_JUDGED = 3


def _flow(
    g: Graph, types: dict[str, str | None], usable: list[_Layer], huge: bool
) -> dict[str, Any] | None:
    """The vanishing or exploding finding of the gradient's change from the last of `usable`
    back to the first, if it crosses the limits (see the thresholds at the top)."""
    steps = [
        earlier.rms / later.rms / math.sqrt(later.fan_out / later.fan_in)
        for earlier, later in itertools.pairwise(usable)
    ]
    total = math.prod(steps)
    per_layer = total ** (1 / len(steps))
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
    fast_down, fast_up = per_layer < PER_LAYER_LOW, per_layer > PER_LAYER_HIGH
    # fast, or slow over many layers; or fast with a large gap the width correction hides
    # (a 512-wide head makes a 4-layer sigmoid net's corrected product look small)
    shrinks = ((fast_down or seen < SEEN_LOW) and total < TOTAL_LOW) or (
        fast_down and seen < SEEN_LOW
    )
    grows = ((fast_up or seen > 1 / SEEN_LOW) and total > TOTAL_HIGH) or (
        fast_up and seen > 1 / SEEN_LOW
    )
    # "the first layers barely learn" needs layers between the first and the last
    count = "one" if len(steps) == 1 else "many"
    # a huge gradient somewhere is the story (a learning rate far too high): a layer with
    # less of it is not "barely learning"
    weights = [layer.node for layer in usable]
    if shrinks and seen < 1 and not huge:
        effect = message(f"graph.health.effect.barely_learn_{count}")
        key, words = layers_wording(g, "vanishing", weights, len(steps), types)
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
    # a weight's gradient is its input times the gradient behind it: unscaled data (prices,
    # raw pixels) makes the first layer's large whatever the depth, as `large_inputs` says
    if grows and seen > 1 and large_data(g, first.node) is None:
        effect = message(f"graph.health.effect.unstable_{count}")
        key, words = layers_wording(g, "exploding", weights, len(steps), types)
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
