"""Dead ReLU units: a layer with many units that output zero for the whole batch, so no gradient
flows through them (the capture counts them per ReLU output: a node's `dead = [d, n]`).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    >>> _ = torch.nn.init.constant_(model[0].bias, -100.0)  # every unit silent
    >>> g = ng.trace(model, torch.randn(16, 4), loss=lambda y: y.pow(2).mean())
    >>> [(f["kind"], f["dead"], f["units"]) for f in g.health() if f["kind"] == "dead"]
    [('dead', 8, 8)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._finding import feeding_layers, finding, layers_text, module_name, weight_of
from nngraph.graph._model_ops import in_model, traced_inputs
from nngraph.graph._nodes import is_integer, owner_module
from nngraph.graph._remedy import at_kaiming_scale
from nngraph.graph._symmetry import _MULTIPLYING, _RESHAPING, learnable
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["dead_units"]

# Dead units: a unit answers to part of the data, so on one batch some are silent in a healthy
# net, yet alive on fresh data, and the fewer the samples, the more: some units fire rarely,
# and in a deep net they fall silent together. Measured on ReLU MLPs (depth 4-12, width 8-128,
# Kaiming init, LayerNorm or BatchNorm; 8 seeds), the share of units silent on the batch in
# layers where at most 5% are dead on 20,000 fresh inputs, at most (99th percentile) for width
# 32 and 128: 66% and 52% (56%, 47%) on 2 samples, 50%, 41% on 4, 41%, 36% (38%, 32%) on 8, 34%,
# 30% on 16, 25%, 23% on 64. Trained, its units answer to fewer examples each: ReLU MLPs
# trained 300 SGD steps on digits, breast-cancer and wine data (depth 3-6, width 8-64) had a
# unit of theirs silent on all the data in 1 of 12 findings on 2 samples, 1 in 3 on 4, 1 in 2
# on 8 (8 of 16 silent, none dead on the 1,797 digits), 3 in 4 on 16, 5 in 6 on 64. So a layer
# is flagged when its silent share passes DEAD_SHARE + DEAD_SPREAD / sqrt(samples) + DEAD_FEW /
# samples: 89% on 2 samples, 68% on 4, 53% on 8, 38% on 32, 34% on 64, 29% on 256 (on those
# trained nets: none of the 13 true findings on 2 samples, 11 of 39 on 4, 41 of 84 on 8, 80 of
# 87 on 16, all 130 on 64; false ones 8 of 143, 36 of 92, 26 of 85, 26 of 31, 26 of 26), with
# two units at least and two samples at least (one example silences about half of a healthy
# layer: see DEAD_ONE_EXAMPLE). Every unit silent (a bias of -100) is so from 2 samples on;
# units killed by a learning rate far too high (22-29 of 32 after 5 SGD steps at lr 0.5) or by
# a large negative bias are flagged still; a Kaiming 6-layer MLP 32 wide at batch 8 (10 of 32
# silent, 0-3 of them dead on fresh data) is not.
DEAD_SHARE, DEAD_SPREAD, DEAD_FEW, DEAD_MIN, DEAD_SAMPLES = 0.25, 0.7, 0.3, 2, 2

# One example: about half of a healthy layer's units are zero on it, and a narrow layer can be
# silent whole by chance. Measured on the ReLU MLPs above (width 8-128, depth 2-12, 2 seeds,
# digits, breast-cancer and wine data, 400 examples each, one at a time), the largest share of
# a layer silent on one example: fresh, 100% at width 8 (206 of 110,000 layer-examples), 94% at
# 16, 84% at 32, 72% at 64, 66% at 128; trained 300 SGD steps at lr 0.05, 91% at 32, 78% at 64,
# 75% at 128. Only nets 12 layers deep trained 1,000 steps at lr 0.2 (units dying) went further:
# all of a layer 32 wide on 95 of 164,000, 48 wide on 1 of 134,000, 64 and 128 wide never (98%
# and 95% at most). So on one example a layer is flagged only when every one of its units, and
# DEAD_ONE_EXAMPLE of them at least, is silent.
DEAD_ONE_EXAMPLE = 32

# Uncentred inputs: where what goes into the layer before the ReLU shares a large offset (raw
# Iris features in cm, pixels in [0, 1], pooled ReLU features), w @ x + b has about the same
# sign for every example in many units, before any training step. The graph holds the mean and
# std of all those values together; their spread between features only adds to that std, so
# |mean| / std is at most the offset against the spread within each feature. Measured: raw Iris
# 1.76 (6 of 16 units dead, 0-1 when standardised), the pooled ReLU features an SE block's fc1
# reads 1.6-2.3 (digits, noise; 3-5 of 8 dead), digits in [0, 1] 2.9, CIFAR-like images in
# [0, 1] 4.3; standardised data about 0; the output of a ReLU of centred values 0.68, and what
# the hidden layers of ReLU MLPs (depth 4-12, width 32-128, Kaiming or default init, before and
# after 5 SGD steps at lr 0.5) and LeNet-style CNNs read when they have a dead-unit finding: at
# most 1.34. So the advice names the offset from UNCENTRED on.
UNCENTRED = 1.5


def dead_units(
    g: Graph,
    order: list[Any],
    types: dict[str, str | None],
    *,
    grown: bool = False,
    zeroed: Mapping[Any, str] | None = None,
) -> list[dict[str, Any]]:
    """ReLUs with many units that output zero for the whole batch. A ReLU run once per
    recorded step (a training loop, gradient accumulation) is reported once, at its first run.
    Where the values grow layer after layer (`grown`: weights far too large, see `_growth`),
    the sentence says that smaller weights need not bring the units back: scaling a ReLU
    layer's weights changes a value's sign only through the biases, and with no biases before
    the ReLU not at all. Where the layer before the ReLU is at Kaiming scale already, it says
    that depth, not the initialisation, silences them. Where the values a ReLU reads are the
    same for every example because a layer's weights are all zero (`zeroed`: the ReLU's node ->
    that weight's name, see `_zerolayer`), it says that layer is the cause."""
    findings = []
    seen: set[tuple[str, ...]] = set()
    position = {n: i for i, n in enumerate(order)}
    # a module that also ran with gradients (a training step) is judged by those runs: run
    # under no_grad (an evaluation after it, BatchNorm on statistics of one step) its silent
    # units stop no gradient
    trained = {g.nodes[n].get("module") for n in order if g.nodes[n].get("tracked")}
    learned: set[Any] | None = None  # the nodes a weight comes before (see _after_weights)
    for n in order:
        data = g.nodes[n]
        if not _mostly_dead(data) or in_the_loss(g, n):
            continue
        if not data.get("tracked") and data.get("module") in trained:
            continue
        if learned is None:
            learned = _after_weights(g)
        if n not in learned:  # `trace(nn.ReLU(), x)`: the data's zeros, no layer's
            continue
        module = data.get("module") or ""
        layers = feeding_layers(g, n, module)
        if (module, *layers) in seen:
            continue
        seen.add((module, *layers))
        if not layers:
            key, where = "dead", {"where_module": module_name(module, types, "in")}
        else:
            key, where = "dead_after", {"layer": layers_text(layers, types)}
        words: dict[str, str] = {}
        cause = (zeroed or {}).get(n)
        if 0 < _samples(data) < DEAD_SAMPLES:
            # one example says they are silent, not why: no cause, a batch of several shows it
            key = f"{key}_one_example"
        elif cause is not None:
            key, words = f"{key}_zero_layer", {"zero_weight": cause}
        elif grown:
            biased = "biased" if _biased_before(g, n, position) else "unbiased"
            key, words = f"{key}_grown", {"why": message(f"graph.health.dead_grown_why_{biased}")}
        elif remedy := _uncentred(g, n, types):
            key, words = f"{key}_uncentred", {"remedy": remedy}
        elif remedy := _kaiming(g, n, types):
            key, words = f"{key}_deep", {"remedy": remedy}
        dead = data["dead"]
        findings.append(
            finding(
                "dead", key, "forward", n, module, dead=dead[0], units=dead[1], **where, **words
            )
        )
    return findings


def _after_weights(g: Graph) -> set[Any]:
    """The nodes a weight (a parameter or a hand-made leaf, not an input `trace()` was given)
    comes before, in one walk: a ReLU with none before it has the data's silent units, which
    no training changes. Every node where `trace()`'s inputs are not known."""
    given = traced_inputs(g)
    if not given:
        return set(g)
    found: set[Any] = set()
    stack = [n for n, data in g.nodes(data=True) if learnable(data) and n not in given]
    while stack:
        for s in g._succ[stack.pop()]:
            if s not in found:
                found.add(s)
                stack.append(s)
    return found


def in_the_loss(g: Graph, n: Any) -> bool:
    """Whether the op `n` is part of the loss, not of the model: in trace() the ops outside
    the model are the loss's (a margin loss's `relu(length - 0.1)` is 0 where the loss is
    met); in a record() block, those computed from the model's output (see `_in_loss`: the
    block's own `torch.relu(model(x))` is a layer)."""
    data = g._node[n]
    return not in_model(g, data) and ("cut_inputs" in g.graph or _in_loss(g, n))


def _in_loss(g: Graph, relu: Any) -> bool:
    """Whether a ReLU a `record()` block ran outside the model is part of the loss: it reads
    no output of the model's as it is (nor only reshaped or scaled: `.view(...)`, `/ 2`) but
    values the block computed from it (`length - 0.1` of a margin loss, `1 - y * score` of a
    hinge), and no learnable weight of the block's own joins before or after it. A model
    written by hand at the block's top level, with no module, is one of layers:
    `relu(x @ w1 - 1)` is its own, also when only a sum follows."""
    nodes = g._node
    if _reads_the_model(g, relu):
        return False
    before = nx.ancestors(g, relu) | {relu}
    if not any(in_model(g, nodes[a]) for a in before):
        return False
    if any(
        learnable(nodes[a]) and not all(in_model(g, nodes[s]) for s in g._succ[a]) for a in before
    ):
        return False  # a weight the block applies itself (`relu(model(x) + b)`): a layer
    after = nx.descendants(g, relu)
    joining = {p for n in after for p in g._pred[n] if p not in after and p not in before}
    return not any(
        learnable(nodes[a]) for p in joining for a in nx.ancestors(g, p) | {p} if a not in before
    )


def _reads_the_model(g: Graph, relu: Any) -> bool:
    """Whether the ReLU reads the output of a model's op, as it is or only reshaped or scaled."""
    stack, seen = list(g._pred[relu]), {relu}
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        data = g._node[p]
        if in_model(g, data):
            return True
        if data.get("kind") == "op" and str(data.get("op") or "").removesuffix("_") in _AS_IT_IS:
            stack += g._pred[p]
    return False


#: Ops after which a model's output is still that output, for a ReLU that reads it.
_AS_IT_IS = _RESHAPING | {"mul", "div", "true_divide", "neg"}


def _mostly_dead(data: dict[str, Any]) -> bool:
    """Whether a node's `dead = [d, n]` says the layer has a problem: more of its units (two
    at least) silent than chance leaves on a batch of that many samples (see `dead_share`).

    >>> _mostly_dead({"dead": [10, 32], "value": {"numel": 8 * 32}})  # batch 8: chance
    False
    >>> _mostly_dead({"dead": [32, 32], "value": {"numel": 4 * 32}})  # all silent, batch 4
    True
    >>> _mostly_dead({"dead": [64, 64], "value": {"numel": 64}})  # all silent, one example
    True
    >>> _mostly_dead({"dead": [8, 8], "value": {"numel": 8}})  # a narrow layer: chance
    False
    """
    dead = data.get("dead")
    if not dead or not dead[1] or dead[0] < DEAD_MIN:
        return False
    value = data.get("value") or {}
    if not value:  # the batch is not known: a quarter
        return dead[0] > dead[1] * DEAD_SHARE
    samples = _samples(data)
    if samples < DEAD_SAMPLES:  # one example: only a wide layer silent whole is no chance
        return samples > 0 and dead[0] == dead[1] >= DEAD_ONE_EXAMPLE
    return dead[0] > dead[1] * dead_share(samples)


def _samples(data: dict[str, Any]) -> float:
    """How many values each unit of a ReLU's output has: the examples (times the positions of
    a sequence or an image)."""
    return ((data.get("value") or {}).get("numel") or 0) / data["dead"][1]


def dead_share(samples: float) -> float:
    """The share of a layer's units that must be silent on `samples` values per unit for a
    finding: silence by chance is common on few samples.

    >>> [round(dead_share(s), 2) for s in (2, 8, 64)]
    [0.89, 0.53, 0.34]
    """
    return DEAD_SHARE + DEAD_SPREAD / math.sqrt(samples) + DEAD_FEW / samples


def _uncentred(g: Graph, relu: Any, types: dict[str, str | None]) -> str | None:
    """What to do where the values going into the layer before `relu` are far from centred
    (`UNCENTRED`): standardise the data, or, for a hidden layer, normalise before it. None
    where they are not, or where no layer with weights feeds the ReLU directly (a BatchNorm in
    between centres the values already)."""
    layer = _layer_before(g, relu)
    if layer is None:
        return None
    weight = _weight_of_op(g, layer)
    source = next(
        (
            p
            for p in g._pred[layer]
            if not learnable(g._node[p]) and g._node[p].get("value") and not is_integer(g._node[p])
        ),
        None,
    )
    if weight is None or source is None:
        return None
    value = g._node[source]["value"]
    mean, std = value.get("mean"), value.get("std")
    if not (mean is not None and std and math.isfinite(mean) and math.isfinite(std)):
        return None
    if abs(mean) < UNCENTRED * std:
        return None
    kind = "data" if _is_data(g, source) else "hidden"
    layer_name = weight_of(g._node[weight], types)
    return message(f"graph.health.dead_remedy_{kind}", layer=layer_name, mean=mean, std=std)


def _kaiming(g: Graph, relu: Any, types: dict[str, str | None]) -> str | None:
    """What to say where the Linear or convolution right before `relu` has weights at the
    scale `nn.init.kaiming_normal_` gives: that advice is taken already. None elsewhere."""
    layer = _layer_before(g, relu)
    weight = None if layer is None else _weight_of_op(g, layer)
    if weight is None:
        return None
    data = g._node[weight]
    kind, shape = str(types.get(owner_module(data)) or ""), data.get("shape") or []
    if kind != "Linear" and not (kind.startswith("Conv") and "Transpose" not in kind):
        return None  # the fans of a hand-made weight or a transposed convolution differ
    value = data.get("value")
    if not value or not at_kaiming_scale(value, math.prod(shape[1:])):
        return None
    return message(
        "graph.health.dead_remedy_kaiming", layer=weight_of(data, types), std=value["std"]
    )


def _biased_before(g: Graph, relu: Any, position: dict[Any, int]) -> bool:
    """Whether a layer that runs before `relu` adds a bias that is not all zero: a learnable
    vector read by an op with a weight (`linear`, `conv2d`), or added to what one made
    (`x @ w + b`). Not a normalisation's shift: it scales with what it normalises."""
    nodes = g._node
    limit = position[relu]
    for n, data in nodes.items():
        if not learnable(data) or len(data.get("shape") or []) != 1:
            continue
        value = data.get("value") or {}
        if value.get("min") == value.get("max") == 0:
            continue
        for op in g._succ[n]:
            if position.get(op, limit) < limit and _adds_bias(g, op):
                return True
    return False


def _adds_bias(g: Graph, op: Any) -> bool:
    """Whether `op` multiplies by a weight, or adds to the result of an op that does."""
    name = str(g._node[op].get("op") or "")
    if any(word in name for word in _MULTIPLYING):
        return True
    return name.removesuffix("_") == "add" and any(
        any(word in str(g._node[p].get("op") or "") for word in _MULTIPLYING) for p in g._pred[op]
    )


def _layer_before(g: Graph, relu: Any) -> Any | None:
    """The op with weights whose output the ReLU reads, maybe through a bias added by hand
    or a reshape (`F.relu(x @ w + b)`); None where another op comes in between."""
    frontier = list(g._pred[relu])
    for _ in range(4):  # a few steps back at most
        after = []
        for p in frontier:
            data = g._node[p]
            op = str(data.get("op") or "")
            if data.get("kind") != "op":
                continue
            if any(word in op for word in _MULTIPLYING) and _weight_of_op(g, p) is not None:
                return p
            if op in _RESHAPING or op.removesuffix("_") in ("add", "sub"):
                after += g._pred[p]
        frontier = after
    return None


def _weight_of_op(g: Graph, op: Any) -> Any | None:
    """The learnable weight (2-d or more) an op multiplies by: one it reads, or one read by an
    inner node of the same call (a Linear's `t`: no value of its own)."""
    near = list(g._pred[op])
    near += [q for p in near if not g._node[p].get("value") for q in g._pred[p]]
    return next(
        (p for p in near if learnable(g._node[p]) and len(g._node[p].get("shape") or []) >= 2),
        None,
    )


def _is_data(g: Graph, n: Any) -> bool:
    """Whether `n` is the data itself: an input or a constant, maybe reshaped (`x.view(...)`,
    `nn.Flatten`) or made by ops autograd does not track."""
    for _ in range(4):
        data = g._node[n]
        kind = data.get("kind")
        if kind in ("input", "constant") or (kind == "op" and not data.get("tracked")):
            return not data.get("requires_grad")
        preds = [p for p in g._pred[n] if not is_integer(g._node[p])]
        if kind != "op" or str(data.get("op") or "") not in _RESHAPING or len(preds) != 1:
            return False
        n = preds[0]
    return False
