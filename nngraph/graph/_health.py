"""Gradient health: vanishing and exploding gradients (through the layers, and through the
steps of a recurrent layer: see `_recurrence`), dead ReLU units, the first NaN/Inf, data
far from standardised (see `_inputs`), linear layers with no activation between them (see
`_linear_stack`).

Every finding is a plain dict (see docs/schema.md, "Health flags") whose `message` is one
sentence a student can act on. The texts are the `graph.health.` keys of the message catalog
(nngraph/i18n), filled in when `find()` runs: a finding speaks the language that was current
at that moment and keeps it (switching later does not rewrite stored flags).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._dead import dead_units
from nngraph.graph._evalnorm import untrained_norms
from nngraph.graph._finding import describe, finding, leaf_name, weight_of
from nngraph.graph._flat import flat_op_after, flat_stops
from nngraph.graph._flow import (
    HIDDEN_JUDGED,
    RMS_HUGE,
    Layer,
    flat_repeats,
    flow,
    head_step,
)
from nngraph.graph._gates import (
    fed_zeros,
    one_cause_of_no_gradient,
    ran_on_no_examples,
    small_gated,
    zero_gated,
)
from nngraph.graph._growth import growing_values, shrinking_values
from nngraph.graph._inputs import compared_before, inflated, large_inputs, own_gradient
from nngraph.graph._layers import (
    almost_zero,
    frozen_layers,
    judged_layers,
    sized_weights,
    weights,
)
from nngraph.graph._linear_stack import linear_stacks
from nngraph.graph._lossinput import loss_inputs
from nngraph.graph._nodes import (
    folded_from,
    forward_order,
    module_types,
)
from nngraph.graph._nonfinite import first_non_finite
from nngraph.graph._normalised import normalised_away
from nngraph.graph._parameters import parameter_state
from nngraph.graph._recurrence import recurrent_flow
from nngraph.graph._saturation import saturated_units
from nngraph.graph._smallbatch import small_batch
from nngraph.graph._target import unscaled_target
from nngraph.graph._trunk import in_series, trunk
from nngraph.graph._unreached import unreached
from nngraph.graph._unregistered import unregistered
from nngraph.graph._weight_causes import behind_equal, equal_weights, shrunk_weights, weight_cause
from nngraph.graph._zerolayer import ZeroLayers, zero_layer_findings, zero_layers
from nngraph.i18n import plural_message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["HEALTH_KINDS", "boxes_unchecked", "find", "sizes_unjudged", "store"]

#: The finding kinds `health()` owns (and replaces on each call).
HEALTH_KINDS = (
    "vanishing", "exploding", "dead", "nan", "inf", "zeros", "constant", "accumulated",
    "no_gradient", "unregistered", "untrained_norm", "loss_input", "saturated", "not_in_optimizer",
    "linear_stack", "reset_before_step",
)  # fmt: skip


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
    # values that shrink layer after layer explain the almost-zero gradients of those layers
    shrunk, explained = shrinking_values(g, order, types)
    findings += shrunk
    # a zero layer no gradient reaches explains the zero gradients and silent ReLUs around it
    zero = zero_layers(g, order)
    state = parameter_state(g, order, types)
    # two zero layers in a row have a `zeros` finding each already, and keep their vanishing
    # ones (which graph_of, whose ops carry no gradient, gives them too)
    said = {f["node"] for f in state if f["kind"] == "zeros"}
    zero.stuck = [n for n in zero.stuck if n not in said]
    findings += zero_layer_findings(g, zero, types)
    if not _empty_batch(g):
        flow = _gradient_flow(g, order, types, zero) + recurrent_flow(g, order, types)
        flow = unscaled_target(g, order, flow)  # huge gradients from a target in the thousands
        findings += [f for f in flow if not (f["node"] in explained and _one_layers(f))]
    grown = growing_values(g, order, types)
    findings += grown
    zeroed = zero.named(g, zero.silenced)
    findings += dead_units(g, order, types, grown=bool(grown), zeroed=zeroed)
    findings += saturated_units(g, order, types)
    findings += unregistered(g, order)
    findings += untrained_norms(g, order)
    findings += loss_inputs(g, order)
    findings += linear_stacks(g, order)
    findings += state
    findings += unreached(g, state)  # a forgotten layer, one cut off the loss in `graph_of`
    findings += first_non_finite(g, order, types)
    return causes_first(findings)


#: Findings that explain others come first: a NaN, BatchNorm run in eval mode before any
#: training, softmax fed to cross-entropy (a fresh MobileNet in eval mode has ~50 vanishing
#: layers, all from its untrained BatchNorm).
CAUSES = ("nan", "inf", "untrained_norm", "loss_input", "reset_before_step")


def causes_first(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`findings` with those of the :data:`CAUSES` kinds first, each group in its order.

    >>> [f["kind"] for f in causes_first([{"kind": "vanishing"}, {"kind": "untrained_norm"}])]
    ['untrained_norm', 'vanishing']
    """
    return sorted(findings, key=lambda f: f.get("kind") not in CAUSES)


def _one_layers(f: dict[str, Any]) -> bool:
    """Whether a finding is about one layer's own gradient (almost zero, zero, huge)."""
    return isinstance(f.get("rms"), (int, float))


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


def sizes_unjudged(g: Graph) -> bool:
    """Whether `find()` left the gradient size (vanishing, exploding) of some weight unjudged
    because its `.grad` is a sum over several backward passes (no `zero_grad()` between them).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))
    >>> for _ in range(2):  # a notebook cell run twice, without zero_grad()
    ...     with ng.record(model) as rec:
    ...         model(torch.randn(2, 3)).sum().backward()
    ...     print(sizes_unjudged(rec.graph))
    False
    True
    """
    origin = folded_from(g)
    if origin is not None:  # a collapsed graph: the layers hide inside its boxes
        return sizes_unjudged(origin[0])
    if _empty_batch(g):
        return False  # no size is judged on an empty batch, whatever the gradients hold
    judged = sized_weights(g, weights(g), module_types(g))
    return any(g._node[n].get("grad_accumulated") for n in judged)


def boxes_unchecked(g: Graph) -> bool:
    """Whether module boxes of `g` hide layers that no `health()` looked at: `g` was folded
    from a graph it no longer knows (a `copy()` of a collapsed graph, one read back from JSON
    or relabelled with networkx) and no `health()` ran before `collapse()` (it leaves
    ``health_language`` in `g.graph`, which `collapse()` and JSON carry). Its gradients cannot
    be judged then: no finding is no all-clear.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Sigmoid())
    >>> g = ng.trace(model, torch.randn(3, 2), loss=lambda y: y.sum())
    >>> boxes_unchecked(g.collapse(0)), boxes_unchecked(g.collapse(0).copy())
    (False, True)
    """
    if "health_language" in g.graph:
        return False
    origin = folded_from(g)
    while origin is not None:  # through every collapse() down to the graph first folded
        g = origin[0]
        origin = folded_from(g)
    return any(data.get("kind") == "module" for _, data in g.nodes(data=True))


def _gradient_flow(
    g: Graph, order: list[Any], types: dict[str, str | None], zero: ZeroLayers
) -> list[dict[str, Any]]:
    position = {n: i for i, n in enumerate(order)}
    layers = judged = judged_layers(g, position, types)
    # a gate after them starts at zero or tiny (a layer scale): the first steps open it
    gated = zero_gated(g, [layer.node for layer in layers if layer.rms == 0])
    small = small_gated(g, [layer.node for layer in layers])
    behind = [layer for layer in layers if layer.node in small and layer.rms > 0]
    layers = [layer for layer in layers if layer.node not in gated | small]
    stopped = _stopped_by_norms(g, order, types, layers)
    if stopped:  # the layers before such a norm get float rounding: said once, at the norm
        before = set().union(*(nx.ancestors(g, f["node"]) for f in stopped))
        layers = [layer for layer in layers if layer.node not in before]
    stop = one_cause_of_no_gradient(g, position) if all(x.rms == 0 for x in layers) else None
    if stop is not None and stop[0] in zero.made:
        stop = None  # the op is flat at the zeros of a hidden layer: that layer is the cause
    if layers and stop is not None:  # one cause downstream of every layer: said once
        node, key = stop
        return [finding("vanishing", key, "backward", node, "", op=str(g._node[node].get("op")))]
    tiny = almost_zero(g)  # a loss already about 0 makes every gradient tiny: no vanishing
    usable = trunk(g, position, [layer for layer in layers if layer.rms >= tiny and layer.rms])
    # layers reading values made large by data far from standardised: its finding says so
    large = inflated(g, [layer.node for layer in layers])
    huge = any(own_gradient(layer, large) > RMS_HUGE for layer in layers)
    frozen = frozen_layers(g, types)  # no gradient of their own, but depth between the others
    # the gradients of the last layers reading what such data made are its story: the trunk
    # before them is still compared (a sigmoid trunk joined by a raw count before its head)
    compared = compared_before(usable, large)
    found = flow(g, types, compared, huge, position, frozen, large) if len(compared) >= 2 else None
    if found is None and len(compared) >= HIDDEN_JUDGED + 1:
        # The output layer can hide a steady change through the hidden layers: a 64 -> 1
        # head right before the loss gets a gradient of its own size (a saturated tanh net
        # at std 1.0 grows 2x per hidden layer, 2,300x over 11, yet its first layer's is
        # only 27x the head's). So the hidden layers are also judged without it.
        found = flow(g, types, compared[:-1], huge, position, frozen, large)
    # ... and it can make the whole change alone: said as one step, not per layer
    head = head_step(g, types, compared) if found and found["kind"] == "vanishing" else None
    if head is None and found is not None and flat_repeats(found["layers"], found["rms"]):
        found = None  # a stack of blocks alike passes the gradient on unchanged
    # a gradient that shrinks all the way down the trunk ends as exactly zero in the layers
    # before it (a 200-layer tanh MLP: float32 rounds 1e-46 to 0), whatever their activations
    shrinking = found is not None and found["kind"] == "vanishing" and head is None
    found = head or found
    # the layers whose results go, layer after layer, into the first judged one: one walk
    # along the trunk from the first layer (one walk per layer took minutes on 5,000 layers)
    before_first: set[Any] = set()
    if shrinking:
        along = [layer.node for layer in in_series(g, position, layers)]
        if usable[0].node in along:
            # not behind a ReLU silent for the whole batch: that zero is no rounding
            earlier = along[: along.index(usable[0].node)]
            before_first = set(earlier) - _behind_silent(g, earlier)
    findings = []
    # weights whose values explain an almost-zero gradient (see _weight_causes)
    equal = equal_weights(g, order) if layers else []
    cancelled, shrunk = behind_equal(g, equal), shrunk_weights(g, order) if layers else []
    stops = flat_stops(g) if layers else {}  # `round` after a layer passes nothing back
    for layer in layers:
        name = weight_of(g._node[layer.node], types)
        if layer.rms == 0 and ran_on_no_examples(g, layer.node):
            # an expert no example was routed to: nothing vanished, nothing is cut
            findings.append(
                finding(
                    "no_gradient",
                    "no_gradient_no_examples",
                    "backward",
                    layer.node,
                    layer.module,
                    where_module=name,
                    no_examples=True,
                )
            )
        elif layer.node in zero.stuck:
            continue  # a zero layer no gradient reaches: its own finding says so
        elif layer.rms < tiny or not layer.rms:
            cause = ("", "")
            if layer.rms:
                cause = weight_cause(layer.node, equal, cancelled, shrunk, position)
            key, flags = _small_gradient(g, layer, before_first, zero, cause, stops)
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
        elif own_gradient(layer, large) > RMS_HUGE:
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
    if found is None:
        # behind the same small gates, the layers are still compared with each other: a
        # sigmoid stack before a layer-scaled transformer shrinks the gradient as it would
        behind = compared_before(trunk(g, position, behind), large)
        found = flow(g, types, behind, huge, position, frozen, large) if len(behind) >= 2 else None
    findings = findings if found is None else [*findings, found]
    return _small_batch(g, order, types, judged, findings)


def _behind_silent(g: Graph, weights: list[Any]) -> set[Any]:
    """The weights among `weights` whose every way to the outputs passes through a ReLU silent
    for the whole batch (it passes back exactly zero); a skip connection around it is a way."""
    silent = [n for n, d in g._node.items() if (dead := d.get("dead")) and dead[0] == dead[1] > 0]
    outputs = [n for n in g.graph.get("outputs") or [] if n in g]
    if not silent or not outputs:
        return set()
    open_graph = nx.restricted_view(g, silent, [])
    reaching = set().union(*(nx.ancestors(open_graph, o) for o in outputs))  # one walk back
    return {n for n in weights if n not in reaching}


def _small_batch(
    g: Graph,
    order: list[Any],
    types: dict[str, str | None],
    layers: list[Layer],
    findings: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """`findings`, with one on a BatchNorm that normalises over too few values per channel
    (see `_smallbatch`), which replaces the vanishing findings that its small batch explains."""
    told = small_batch(g, order, findings, {layer.module: layer.node for layer in layers})
    if told is None:
        return findings
    norm, values, key, before, explained = told
    small = _norm_finding(g, types, layers, norm, before, key, values=values)
    kept = [f for f in findings if not any(f is e for e in explained)]
    # first where it is why the gradient vanishes; after layers that vanish on their own
    small["explains"] = bool(explained) or key == "vanishing_small_batch"
    return [small, *kept] if small["explains"] else [*kept, small]


def _small_gradient(
    g: Graph,
    layer: Layer,
    before_first: set[Any],
    zero: ZeroLayers,
    weights: tuple[str, str],
    stops: dict[Any, set[Any]],
) -> tuple[str, dict[str, Any]]:
    """The sentence (its key) for a layer whose gradient is almost or exactly zero, and the
    flags the finding keeps: what the zero comes from, where that is known (`weights`: the
    weights whose values explain it and how, `equal` or `shrunk`, see `_weight_causes`)."""
    names, how = weights
    if layer.rms:
        return (f"vanishing_{how}", {how: names}) if names else ("vanishing_tiny", {})
    if layer.node in zero.cause:
        return "vanishing_zero_layer", {"zero_weight": leaf_name(g._node[zero.cause[layer.node]])}
    if fed_zeros(g, layer.node):  # the bias learns: its input is 0
        return "vanishing_zero_input", {"zero_input": True}
    flat = flat_op_after(g, layer.node, stops)
    if flat is not None:  # `round` after it: flat everywhere, so it passes nothing back
        return "vanishing_flat", {"flat_op": flat}
    if layer.node in before_first:
        return "vanishing_underflow", {"underflow": True}
    return "vanishing_zero", {}


def _stopped_by_norms(
    g: Graph, order: list[Any], types: dict[str, str | None], layers: list[Layer]
) -> list[dict[str, Any]]:
    """A finding for each normalisation op that passes back almost none of its gradient
    (see _normalised.py), with the layers before it that therefore do not learn."""
    findings = []
    for norm, share in normalised_away(g, order):
        before = nx.ancestors(g, norm)
        summed = g._node[norm].get("op") in ("softmax", "_softmax")  # probabilities summed
        key = "vanishing_summed_probabilities" if summed else "vanishing_normalised"
        told = _norm_finding(g, types, layers, norm, before, key, share=share)
        if told["layers_before"]:
            findings.append(told)
    return findings


def _norm_finding(
    g: Graph,
    types: dict[str, str | None],
    layers: list[Layer],
    norm: Any,
    before: set[Any],
    key: str,
    **numbers: Any,
) -> dict[str, Any]:
    """A `vanishing` finding on the normalisation op `norm`, saying how many of `layers` lie
    `before` it and therefore do not learn."""
    data = g._node[norm]
    count = sum(1 for layer in layers if layer.node in before)
    return finding(
        "vanishing",
        key,
        "backward",
        norm,
        data.get("module") or "",
        what=describe(data, types),
        before=plural_message("graph.health.normalised_before", count),
        layers_before=count,
        **numbers,
    )
