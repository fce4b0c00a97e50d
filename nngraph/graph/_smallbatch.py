"""BatchNorm on a batch too small to normalise.

A BatchNorm in training mode normalises each channel over the values the batch gives it: the
examples, times the positions of an image. Two values come out as -1 and +1 whatever goes in,
so the layers before it can hardly change what comes after it. That holds whatever the gradient
does: mostly almost none passes back, but a channel whose two values lie closer together than
the norm's eps allows passes back a large one (up to hundreds of times what reaches the norm),
so judged by its gradient alone most such norms went unnoticed.

    >>> import torch, nngraph as ng
    >>> from nngraph.graph._nodes import forward_order
    >>> model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.BatchNorm1d(8))
    >>> g = ng.trace(model, torch.randn(2, 5), loss=lambda y: (y - 1).pow(2).mean())
    >>> [(g.nodes[n]["op"], values) for n, values in few_value_norms(g, forward_order(g))]
    [('batch_norm', 2)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx

from nngraph.graph._flow import grows, last_step_makes, shrinks
from nngraph.graph._normalised import FEW_VALUES, SMALL_BATCH_PASSING, passing

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["SmallBatch", "few_value_norms", "small_batch"]


def few_value_norms(g: Graph, order: list[Any]) -> list[tuple[Any, int]]:
    """The BatchNorm ops in `order` that run in training mode on `FEW_VALUES` values per
    channel or fewer (a batch of 2 without positions; a 2-d norm on 2 images of 8 x 8 has
    128), each with that number of values. In eval mode a norm uses its running statistics;
    one without them (`track_running_stats=False`) is left alone there: the sentence's
    advice, `model.eval()`, would not help it."""
    table = g.graph.get("modules") or {}
    found = []
    for n in order:
        data = g._node[n]
        shape = data.get("shape") or []
        if data.get("kind") != "op" or "batch_norm" not in str(data.get("op")) or len(shape) < 2:
            continue
        args, module = str(data.get("args") or ""), table.get(data.get("module")) or {}
        training = module.get("training") is not False and (
            "training=True" in args or ("training=" not in args and module.get("training"))
        )
        values = math.prod(shape) // max(1, shape[1])
        if training and values <= FEW_VALUES:
            found.append((n, values))
    return found


class SmallBatch(NamedTuple):
    """The BatchNorm op to tell (`norm`, the last such norm), on how many `values` per channel,
    in which sentence (`key`), the nodes before those norms (`before`, the norms too) and the
    vanishing findings it explains (`explained`: the loss, the activations or the
    initialisation are not their cause then)."""

    norm: Any
    values: int
    key: str
    before: set[Any]
    explained: list[dict[str, Any]]


def small_batch(
    g: Graph,
    order: list[Any],
    findings: list[dict[str, Any]],
    weights: Mapping[str, Any],
) -> SmallBatch | None:
    """The finding to make of the BatchNorm ops in `order` that normalise over too few values
    per channel (see `few_value_norms`), whatever the gradients do; None if there are none.

    Where one passes back less than `SMALL_BATCH_PASSING` of the gradient reaching it, it
    stops the gradient (where that is not known, `graph_of`: where layers before it vanish),
    and the sentence says so. Else it says that the norm's output hardly depends on its input.
    The vanishing `findings` of the layers before the norms are its doing, unless none stops
    the gradient and one passes back more than reaches it (a norm on 3 values or more passes
    1 - 4 times that): the inputs are almost equal then (a deep sigmoid stack), the eps is in
    charge, and those layers vanish for reasons of their own. A change of the gradient measured
    across such norms (`weights`: each judged layer's module -> its weight's node) is their
    doing too where, without their share of it, it would not be flagged (see `_across`)."""
    norms = few_value_norms(g, order)
    if not norms:
        return None
    ancestors = [nx.ancestors(g, n) for n, _ in norms]
    before = set().union(*(found | {n} for (n, _), found in zip(norms, ancestors, strict=True)))
    vanishing = [f for f in findings if f["kind"] == "vanishing" and f["node"] in before]
    shares = [passing(g, n) for n, _ in norms]
    stopped = [
        (n, values)
        for (n, values), share in zip(norms, shares, strict=True)
        if (share < SMALL_BATCH_PASSING if share is not None else bool(vanishing))
    ]
    norm, values = (stopped or norms)[-1]
    key = "vanishing_small_batch" if stopped else "vanishing_small_batch_fixed"
    if not stopped and any(share is not None and share > 1 for share in shares):
        vanishing = []  # the eps is in charge: the layers before vanish on their own
    vanishing += [
        f
        for f in findings
        if not any(f is e for e in vanishing) and _across(f, weights, ancestors, shares)
    ]
    return SmallBatch(norm, values, key, before, vanishing)


def _across(
    found: dict[str, Any],
    weights: Mapping[str, Any],
    ancestors: list[set[Any]],
    shares: list[float | None],
) -> bool:
    """Whether `found`, a change of the gradient from the last of its `layers` back to the
    first, is the doing of the norms on few values it is measured across. Such a norm's
    gradient is its eps's doing (a 3-block Linear-BatchNorm-ReLU stack on 2 examples: "shrink
    about 5.6 times per layer ... Initialise the weights with nn.init.kaiming_normal_"). Each
    one that changes the gradient the same way (passes back less than reaches it, for a
    vanishing change; more, for an exploding one) multiplies the step it lies in by its share:
    with that taken out, the change must no longer be judged so by `_flow`'s own criteria. A
    10-layer sigmoid stack keeps its finding across a norm that passes back 6%: without it, the
    gradient still shrinks 3.7 times per layer."""
    kind, layers, steps = found["kind"], found.get("layers"), found.get("steps")
    if kind not in ("vanishing", "exploding") or not isinstance(layers, list) or not steps:
        return False  # not measured from layer to layer
    nodes = [weights.get(layer) for layer in layers]
    norms_share = [1.0] * (len(layers) - 1)  # of each step: what the norms in it pass back
    for behind, share in zip(ancestors, shares, strict=True):
        if share is None or share == 1 or (share < 1) != (kind == "vanishing"):
            continue
        for i, (earlier, later) in enumerate(itertools.pairwise(nodes)):
            if earlier in behind and later not in behind:  # the step crosses the norm
                norms_share[i] *= share
    if all(share == 1 for share in norms_share):
        return False
    if not all(share > 0 for share in norms_share):
        return True  # nothing passes back: the layers before learn nothing through it
    if "per_layer" not in found:  # one step makes the whole change (`head_step`)
        steps = [step / share for step, share in zip(steps, norms_share, strict=True)]
        return not last_step_makes(steps)
    taken = math.prod(norms_share)
    ratio, seen = found["ratio"] / taken, found["rms"][0] / found["rms"][-1] / taken
    judged = shrinks if kind == "vanishing" else grows
    return not judged(ratio, seen, _depth(found))


def _depth(found: dict[str, Any]) -> int:
    """The layers a change per layer (a `_flow.flow` finding) is measured over, frozen ones
    included: its `per_layer` is its `ratio` to the power 1 / depth (the inverse for a
    vanishing one). A finding's ratio lies far from 1 (below 0.03, or below 0.4 per layer;
    exploding: above 100, or 2.5 per layer), so the quotient of their logarithms is the depth
    but for float rounding."""
    per_layer = found["per_layer"] if found["kind"] == "exploding" else 1 / found["per_layer"]
    return max(1, round(math.log(found["ratio"]) / math.log(per_layer)))
