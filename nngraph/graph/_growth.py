"""Values that grow layer after layer: weights that start too large for the depth.

Each layer multiplies the size of what it reads by about `std(w) * sqrt(fan_in)` (times
`1 / sqrt(2)` after a ReLU). PyTorch's default initialisation keeps that near 1 or below;
weights drawn with `std=1` make it `sqrt(fan_in)`, so the values grow 5-10x per layer and the
logits reach thousands after a few layers. The gradient ratio between layers stays flat then
(values growing forward and gradients growing backward cancel in each weight's gradient), so
only the forward values show it.

    >>> import torch, nngraph as ng
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> model = torch.nn.Sequential(*[torch.nn.Linear(64, 64) for _ in range(4)])
    >>> for layer in model:
    ...     _ = torch.nn.init.normal_(layer.weight, std=1.0)
    >>> g = ng.trace(model, torch.randn(32, 64), loss=lambda y: y.pow(2).mean())
    >>> [f["message"][:40] for f in g.health() if f["where"] == "forward" and "factor" in f]
    ['The values grow about 7.9 times per laye']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding, weight_of
from nngraph.graph._model_ops import in_loss_model, model_outputs
from nngraph.graph._nodes import owner_module, read_by_embedding
from nngraph.graph._normalised import NORM_HOPS, NORMALISING
from nngraph.graph._remedy import DEFAULT, init_gain
from nngraph.graph._symmetry import learnable
from nngraph.graph._trunk import in_series
from nngraph.i18n import message, times_text

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["growing_values", "shrinking_values"]

#: Each layer of the run makes the values at least this much larger (RMS)...
GROWTH = 3.0
#: ...over at least this many layers in a row...
LAYERS = 3
#: ...and they end at least this large: a standardised input is about 1.
LARGE = 100.0
# The mirror image: weights too small for the depth (`normal_(std=0.01)` with zero biases)
# make the values shrink 12-25x per layer, and every weight's gradient with them (a 6-layer
# MLP 64 wide: RMS 2e-9 - 1e-7 in every layer, around the absolute limit of 1e-8 `_health`
# judges one layer's gradient by, so some seeds were flagged and others not). PyTorch's
# default initialisation shrinks them at most 2.4x per layer (after a ReLU), and its biases
# hold them at their own size; sigmoid outputs stay near 0.5.
SMALL = 1 / LARGE
# Values that shrink into a normalisation are brought back up by it, and its backward divides
# the gradient by the same small std: a weight's gradient behind a norm scales as 1 / its own
# size, so small weights there learn fast. The DCGAN tutorial's N(0, 0.02) convolutions shrink
# the values 6.5x per layer into a BatchNorm, and get the model's largest gradients. A run of
# layers ends at a normalisation that makes their last output `GROWTH` times larger, and is said
# only where its values stay small past it.

# The weights of a shrinking run get almost no gradient: their largest gradient RMS is below this
# share of the norm of the gradient reaching the model's output (a norm, not an RMS: both scale
# about as 1 / sqrt(batch) under a mean loss). Measured at batches 8 - 2,048: weights at std=0.01
# 2e-7; 6 GELU or SiLU layers without biases at PyTorch's default 1.1e-3 - 1.7e-3; healthy
# MLPs and CNNs 6e-3 - 0.2 (a tanh MLP 8 deep: 1e-3 - 0.014); the DCGAN's run above 0.5 - 1.6.
_BARELY_LEARNING = 0.03


@dataclass
class _Output:
    weight: Any  # the layer's weight
    node: Any  # what the op reads of it (the weight, its transpose, a cast): for `in_series`
    op: Any  # the op whose output the weight makes
    rms: float


def growing_values(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """One finding for the longest run of layers along the trunk in which each layer's output
    is `GROWTH` times larger than the last one's, ending above `LARGE`."""
    run = _longest_run(g, order, grow=True)
    if run is None:
        return []
    first, last = run[0], run[-1]
    factor = (last.rms / first.rms) ** (1 / (len(run) - 1))
    return [
        finding(
            "exploding",
            "exploding_values",
            "forward",
            last.op,
            owner_module(g._node[last.weight]),
            factor=factor,
            times=times_text(factor),
            first=first.rms,
            last=last.rms,
            layers=len(run),
            from_module=weight_of(g._node[first.weight], types),
            to_module=weight_of(g._node[last.weight], types),
        )
    ]


def shrinking_values(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> tuple[list[dict[str, Any]], set[Any]]:
    """One `vanishing` finding for the longest run of layers along the trunk in which each
    layer's output is `GROWTH` times smaller than the last one's, ending below `SMALL`, with
    the weights of that run: their own almost-zero gradients follow from it, and are said
    once, here."""
    run = _longest_run(g, order, grow=False)
    if run is None:
        return [], set()
    first, last = run[0], run[-1]
    grads = [_grad_rms(g._node[out.weight]) for out in run]
    known = [rms for rms in grads if rms is not None]
    if known and _learning_well(g, order, run, max(known)):
        return [], set()
    key = "vanishing_values_grad" if known else "vanishing_values"
    factor = (first.rms / last.rms) ** (1 / (len(run) - 1))
    found = finding(
        "vanishing",
        key,
        "forward",
        last.op,
        owner_module(g._node[last.weight]),
        factor=factor,
        times=times_text(factor),
        remedy=message(f"graph.health.values_remedy.{_scale(g, run)}"),
        first=first.rms,
        last=last.rms,
        layers=len(run),
        from_module=weight_of(g._node[first.weight], types),
        to_module=weight_of(g._node[last.weight], types),
        **({"low": min(known), "high": max(known)} if known else {}),
    )
    return [found], {out.weight for out in run}


def _learning_well(g: Graph, order: list[Any], run: list[_Output], largest: float) -> bool:
    """Whether the weights of `run` get gradients as large as the rest of the model does, the
    `largest` of them against the gradient reaching the model's output (see `_BARELY_LEARNING`)
    and against the other layers' (the median of theirs, where it has others): then they do
    not "get almost no gradient", whatever their values. Unknown where the loss is in the
    model: said as before then."""
    norms = [g._node[n]["grad"]["norm"] for n in model_outputs(g) if g._node[n].get("grad")]
    out = math.hypot(*norms)  # no overflow where a norm's square would leave float's range
    if not norms or not math.isfinite(out) or out == 0:
        return False
    in_run = {each.weight for each in run}
    position = {n: i for i, n in enumerate(order)}
    others = sorted(
        rms
        for each in _outputs(g, position)
        if each.weight not in in_run and (rms := _grad_rms(g._node[each.weight])) is not None
    )
    median = others[len(others) // 2] if others else 0.0
    return largest >= max(_BARELY_LEARNING * out, median)


def _scale(g: Graph, run: list[_Output]) -> str:
    """How large the weights of `run` start, as the advice needs it: `small` where one is below
    PyTorch's default scale (`normal_(std=0.01)`), `default` where all are at it: PyTorch's own
    initialisation shrinks the values too (a GELU or SiLU MLP without biases, 3-4x per layer),
    so keeping it is no advice then; `larger` where all are at it or above."""
    gains = []
    for out in run:
        data = g._node[out.weight]
        gain = init_gain(data.get("value"), math.prod((data.get("shape") or [0])[1:]))
        if gain is None:
            return "small"
        gains.append(gain)
    if min(gains) < DEFAULT[0]:
        return "small"
    return "default" if max(gains) <= DEFAULT[1] else "larger"


def _longest_run(g: Graph, order: list[Any], *, grow: bool) -> list[_Output] | None:
    """The longest run of layers along the trunk whose outputs grow (`grow`) or shrink
    `GROWTH` times or more from each layer to the next, ending above `LARGE` (below `SMALL`),
    of `LAYERS` layers at least; None where there is none."""
    position = {n: i for i, n in enumerate(order)}
    every = _outputs(g, position)
    layer_ops = {out.op for out in every}
    outputs = in_series(g, position, every)
    runs: list[list[_Output]] = [[]]
    brought_back: set[int] = set()  # the runs a normalisation ends (see `NORMALISING`)
    for out in outputs:
        before = runs[-1][-1].rms if runs[-1] else None
        if before is not None and (
            out.rms < GROWTH * before if grow else out.rms * GROWTH > before
        ):
            runs.append([])
        runs[-1].append(out)
        if not grow and _rescaled(g, out, layer_ops):
            brought_back.add(len(runs) - 1)
            runs.append([])
    ends = (lambda rms: rms >= LARGE) if grow else (lambda rms: rms <= SMALL)

    def long_enough(run: list[_Output]) -> bool:
        # An output layer drawn small on purpose (torchvision's classifiers: N(0, 0.01), so
        # that the first predictions are near uniform) makes small logits, not a shrinking
        # run: a run ending there must hold `LAYERS` without it, counting the data its first
        # layer reads where that layer already shrinks it (a whole MLP drawn too small).
        if grow or len(run) < 2 or run[-1] is not outputs[-1]:
            return len(run) >= LAYERS
        read = _input_rms(g, run[0])
        return len(run) - 1 + (read is not None and read > GROWTH * run[0].rms) >= LAYERS

    runs = [
        run
        for i, run in enumerate(runs)
        if long_enough(run) and ends(run[-1].rms) and i not in brought_back
    ]
    return max(runs, key=len) if runs else None


def _rescaled(g: Graph, out: _Output, layer_ops: set[Any]) -> bool:
    """Whether a normalisation within `NORM_HOPS` ops after the output of `out`, before any
    other layer (`layer_ops`), makes it `GROWTH` times larger or more (not a BatchNorm in eval
    mode with its starting statistics, which leaves it as it is)."""
    frontier, seen = [out.op], {out.op}
    for _ in range(NORM_HOPS):
        after = []
        for n in frontier:
            for s in g._succ[n]:
                if s in seen or s in layer_ops:
                    continue
                seen.add(s)
                data = g._node[s]
                if not any(name in str(data.get("op") or "") for name in NORMALISING):
                    after.append(s)
                    continue
                value = data.get("value") or {}
                if value.get("mean") is None or value.get("std") is None:
                    continue
                if math.hypot(value["mean"], value["std"]) >= GROWTH * out.rms:
                    return True
        frontier = after
    return False


def _input_rms(g: Graph, out: _Output) -> float | None:
    """The RMS of the data the layer of `out` reads: the largest input of its op that is no
    weight or bias."""
    read = [
        value
        for n in g._pred[out.op]
        if n != out.node and not learnable(g._node[n])
        and (value := g._node[n].get("value") or {}).get("std") is not None
    ]  # fmt: skip
    if not read:
        return None
    value = max(read, key=lambda v: v.get("numel") or 0)
    return math.hypot(value["mean"], value["std"])


def _grad_rms(data: dict[str, Any]) -> float | None:
    """The RMS of a weight's gradient; None where no backward reached it."""
    grad = data.get("grad") or {}
    if not grad.get("numel") or not math.isfinite(grad.get("norm", math.nan)):
        return None
    return float(grad["norm"]) / math.sqrt(grad["numel"])


def _outputs(g: Graph, position: dict[Any, int]) -> list[_Output]:
    """Each weight (a learnable leaf of two or more dimensions) with the RMS of the op output
    it makes, in the order of first use; a weight read by an embedding lookup is no layer, nor
    one of a model the loss of `trace()` runs (see `in_loss_model`)."""
    nodes = g._node
    found = []
    for w, data in nodes.items():
        if not learnable(data) or len(data.get("shape") or []) < 2:
            continue
        if read_by_embedding(g, w) or in_loss_model(g, owner_module(data)):
            continue  # no layer: an embedding's table, a layer of a model the loss runs
        made = _made_by(g, w, position)
        if made is None:
            continue
        op, read = made
        value = nodes[op]["value"]
        rms = math.hypot(value["mean"], value["std"])
        if math.isfinite(rms) and rms > 0:
            found.append(_Output(w, read, op, rms))
    return sorted(found, key=lambda out: position[out.op])


def _made_by(g: Graph, weight: Any, position: dict[Any, int]) -> tuple[Any, Any] | None:
    """The first op whose output the weight makes, with what it reads of the weight: the
    weight, or what is made of it alone (the transpose a Linear's weight goes through, a cast
    under autocast), read together with something else, the data. `w.pow(2).sum()` of a weight
    decay is made of it alone: no layer's output."""
    nodes, pred = g._node, g._pred
    alone, frontier, made = {weight}, [weight], []
    for _ in range(4):
        after = []
        for n in frontier:
            for s in g._succ[n]:
                if s in alone:
                    continue
                if all(p in alone for p in pred[s]):
                    alone.add(s)
                    after.append(s)
                elif (nodes[s].get("value") or {}).get("numel"):
                    made.append((s, n))
        frontier = after
    return min(made, key=lambda found: position[found[0]]) if made else None
