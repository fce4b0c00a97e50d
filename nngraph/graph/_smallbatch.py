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

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx

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
    charge, and those layers vanish for reasons of their own. A change per layer measured
    across such a norm (`weights`: each judged layer's module -> its weight's node) is its
    doing too where the norm changes the gradient the same way (see `_across`)."""
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
    """Whether `found`, a change of the gradient per layer (its `layers`), is measured across
    a norm on few values that changes the gradient the same way: one that passes back less
    than reaches it, for a vanishing one, more for an exploding one. Such a norm's gradient is
    its eps's doing (a 3-block Linear-BatchNorm-ReLU stack on 2 examples: "shrink about 5.6
    times per layer ... Initialise the weights with nn.init.kaiming_normal_"), and says
    nothing of the layers' initialisation or activations."""
    layers = found.get("layers")
    if found["kind"] not in ("vanishing", "exploding") or not isinstance(layers, list):
        return False
    nodes = [weights.get(layer) for layer in layers]
    for behind, share in zip(ancestors, shares, strict=True):
        if share is None or (share < 1) != (found["kind"] == "vanishing"):
            continue
        if len({node in behind for node in nodes}) == 2:  # layers on both sides of it
            return True
    return False
