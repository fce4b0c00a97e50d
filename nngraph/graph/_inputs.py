"""Inputs far from standardised: data in the hundreds or thousands (raw prices, pixels 0-255)
that a layer's weights multiply directly.

A weight's gradient is its input times the gradient behind it, so such data makes the first
layer's gradient as large as the data, whatever the depth, and one training step throws that
layer far off. A standardised input (mean 0, std 1), an image in [0, 1] or a one-hot vector has
a root mean square of about 1 or less; integer token ids go into an embedding lookup, which
multiplies nothing.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    >>> x = torch.rand(32, 3) * 1000  # values 0-1000
    >>> g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    >>> [f["message"][:52] for f in g.health() if "std" in f]
    ['What goes into module 0 (Linear) is far from standar']
    >>> g = ng.trace(model, (x - x.mean(0)) / x.std(0), loss=lambda y: y.pow(2).mean())
    >>> g.health()
    []
"""

from __future__ import annotations

import math
import statistics
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._finding import finding, weight_of
from nngraph.graph._nodes import INDEXING, is_integer, owner_module, read_by_embedding
from nngraph.graph._symmetry import _MULTIPLYING, _RESHAPING, learnable
from nngraph.i18n import message, times_text

if TYPE_CHECKING:
    from nngraph.graph._flow import Layer
    from nngraph.graph._graph import Graph

__all__ = [
    "LARGE_INPUT",
    "carried",
    "compared_before",
    "inflated",
    "large_data",
    "large_inputs",
    "multiplying",
    "own_gradient",
]

#: Data whose root mean square passes this is not standardised (raw pixels 0-255, prices).
LARGE_INPUT = 10.0


def large_inputs(g: Graph, order: list[Any], types: dict[str, str | None]) -> list[dict[str, Any]]:
    """One finding for the first layer (in forward order) whose weights multiply data far
    from standardised, on that data's node; none where no layer does."""
    position = {n: i for i, n in enumerate(order)}
    weights = _layer_weights(g)
    for weight in sorted(
        weights, key=lambda w: min(map(position.__getitem__, g._succ[w]), default=0)
    ):
        source = large_data(g, weight)
        if source is None:
            continue
        value = g._node[source]["value"]
        raw = pixels(g._node[source])  # "divide by 255" only where that fits
        if g._node[weight].get("requires_grad") is False:
            key, extra = _frozen_words(g, weight, weights, types, position)
        else:
            small = _small_gradient(g, weight, weights)
            # "huge gradients" is no word for a layer the gradient barely reaches (behind a
            # vanishing sigmoid trunk): its gradient is only as many times larger as the data is
            key = "input_scale" if small is None else "input_scale_small_gradient"
            extra = (
                {} if small is None else {"rms": small, "times": times_text(_rms(g._node[source]))}
            )
        return [
            finding(
                "exploding",
                key,
                "forward",
                source,
                owner_module(g._node[weight]),
                mean=value["mean"],
                std=value["std"],
                where_module=weight_of(g._node[weight], types),
                pixels=message("graph.health.input_scale_pixels") if raw else "",
                **extra,
            )
        ]
    return []


def _frozen_words(
    g: Graph,
    weight: Any,
    weights: list[Any],
    types: dict[str, str | None],
    position: dict[Any, int],
) -> tuple[str, dict[str, Any]]:
    """The message key and extra words of the data-scale finding where the layer reading the
    data is frozen: it takes no steps, so the huge gradients are those of the first layer that
    learns and reads what it passes on (see `inflated`; sweep s47 M4 said "this layer takes
    huge steps" of a frozen one); where none does (a norm on the way), only that a frozen
    layer's weights were likely learned on standardised data."""
    after = [
        w
        for w in inflated(g, weights)
        if g._node[w].get("requires_grad") is not False and w != weight
    ]
    if not after:
        return "input_scale_frozen_alone", {}
    first = min(after, key=lambda w: min(map(position.__getitem__, g._succ[w]), default=0))
    return "input_scale_frozen", {"to_module": weight_of(g._node[first], types)}


def pixels(data: dict[str, Any]) -> bool:
    """Whether the data node `data` looks like raw pixels: values from 0 to at most 256 (8-bit
    images, or the 0-16 digits times 16), in an image's shape (`[N, C, H, W]`, `[N, H, W]`),
    flattened to a square number of 64 or more features (8x8, 28x28), or stored as uint8.
    Tabular data (prices, areas in the thousands, ages) gets the general advice only.

    >>> pixels({"shape": [8, 784], "dtype": "float32", "value": {"min": 0.0, "max": 255.0}})
    True
    >>> pixels({"shape": [8, 30], "dtype": "float32", "value": {"min": 0.0, "max": 255.0}})
    False
    """
    value, shape = data.get("value") or {}, data.get("shape") or []
    low, high = value.get("min"), value.get("max")
    if low is None or high is None or not 0 <= low <= high <= 256 or high <= 1:
        return False
    features = shape[-1] if len(shape) == 2 else 0
    square = features >= 64 and math.isqrt(features) ** 2 == features
    return data.get("dtype") == "uint8" or len(shape) >= 3 or square


#: how many times below most other layers' a gradient is "small" (layers of a healthy net
#: differ by a few times: a ReLU MLP on raw pixels had 0.030 against 0.032-0.034)
SMALLER = 10.0


def _small_gradient(g: Graph, weight: Any, weights: list[Any]) -> float | None:
    """The RMS of `weight`'s gradient where it is `SMALLER` times below most other layers'
    (the median of `weights`', each less what the data adds to it: see `inflated`); else
    None, also where no gradient is known."""
    own = _grad_rms(g._node[weight])
    share = inflated(g, weights)
    others = [
        rms * share.get(w, 1.0)
        for w in weights
        if w != weight and (rms := _grad_rms(g._node[w])) is not None and rms > 0
    ]
    if own is None or not others or own >= statistics.median(others) / SMALLER:
        return None
    return own


def _grad_rms(data: dict[str, Any]) -> float | None:
    grad = data.get("grad") or {}
    if not grad.get("numel") or not math.isfinite(grad.get("norm", math.nan)):
        return None
    return float(grad["norm"]) / math.sqrt(grad["numel"])


def inflated(g: Graph, weights: list[Any]) -> dict[Any, float]:
    """Those of `weights` whose layer reads values far from standardised because of the data
    the data-scale finding names (see `large_inputs`), each with the share of what it reads
    that is left were that data standardised (see `carried`): that data itself, or what the
    model made of it without standardising it on the way (a diffusion model's raw timestep
    through a Linear of its own, added to the trunk). A weight's gradient is what its layer
    reads times the gradient behind it, so such a layer's is large whatever the gradient
    reaching it: comparing it with other layers' says nothing of how the gradient flows, and
    its gradient times that share is what is left of it without the data. A layer whose input
    is large without the data (weights far too large, joined by a raw age) is not in it.

        >>> import torch, nngraph as ng
        >>> layers = torch.nn.ModuleDict({k: torch.nn.Linear(1, 1) for k in ("t", "x", "out")})
        >>> _ = torch.nn.init.ones_(layers["t"].weight)
        >>> t, x = torch.rand(8, 1) * 1000, torch.randn(8, 1)  # a raw timestep beside x
        >>> with ng.record(layers) as rec:
        ...     layers["out"](layers["x"](x) + layers["t"](t)).sum().backward()
        >>> g = rec.graph
        >>> weights = [n for n in g if str(g.nodes[n]["name"]).endswith("weight")]
        >>> share = inflated(g, weights)
        >>> sorted(g.nodes[n]["name"] for n in share), all(s < 0.01 for s in share.values())
        (['out.weight', 't.weight'], True)
    """
    sources = {large_data(g, w) for w in _layer_weights(g)} - {None}
    if not sources:
        return {}
    share = carried(g, sources)
    found = {}
    for w in weights:
        read = [share[p] for p in [large_data(g, w), *_read(g, w)] if p in share]
        if read:
            found[w] = min(read)
    return found


def carried(g: Graph, sources: set[Any]) -> dict[Any, float]:
    """The nodes whose values are far from standardised because of the data `sources`, each
    with the share of its root mean square left were that data standardised (an RMS of
    about 1): the data, and each node made of it whose values would be standardised then (an
    RMS of `LARGE_INPUT` or less), the values it reads taken as adding up. A norm or a sigmoid
    on the way brings the values down and ends the path; an input large without the data too
    (a hidden layer of weights far too large, joined by a raw age; layers that grow the values
    further on) is not the data's.

        >>> from nngraph.graph import Graph
        >>> g = Graph([("t", "lin"), ("x", "add"), ("lin", "add"), ("big", "add2"), ("add", "add2")])
        >>> for n, rms in (("t", 500), ("lin", 300), ("x", 1), ("add", 300), ("big", 900), ("add2", 950)):
        ...     g.add_node(n, kind="op", value={"numel": 8, "mean": 0.0, "std": float(rms)})
        >>> {n: round(share, 4) for n, share in sorted(carried(g, {"t"}).items())}
        {'add': 0.0039, 'lin': 0.002, 't': 0.002}
    """
    nodes = g._node
    below = set().union(*(nx.descendants(g, s) for s in sources))
    share = {s: 1.0 / _rms(nodes[s]) for s in sources}
    for n in nx.topological_sort(g.subgraph(below)):
        data = nodes[n]
        if learnable(data) or not _far_from_standardised(data, made=True):
            continue
        read = _values_read(g, n)
        if not any(p in share for p in read):
            continue
        # integer ids only say which values to take (the data's own are in `share`)
        values = [p for p in read if p in share or not is_integer(nodes[p])]
        with_data = math.hypot(*(_rms(nodes[p]) for p in values))
        without = math.hypot(*(_rms(nodes[p]) * share.get(p, 1.0) for p in values))
        if with_data > 0 and _rms(data) * without / with_data <= LARGE_INPUT:
            share[n] = without / with_data
    return share


def own_gradient(layer: Layer, shares: dict[Any, float]) -> float:
    """The RMS of the layer's weight gradient, less what data far from standardised adds to
    it: times its share in `shares` (see `inflated`), a weight's gradient being its input
    times the gradient behind it.

        >>> from nngraph.graph._flow import Layer
        >>> own_gradient(Layer("mid", "w", 3e4, 32, 32), {"w": 0.002})
        60.0
    """
    return layer.rms * shares.get(layer.node, 1.0)


def compared_before(layers: list[Layer], shares: dict[Any, float]) -> list[Layer]:
    """`layers` up to the last one whose weight is not in `shares` (see `inflated`): the ones
    after it read values made large by data far from standardised, so their gradients say
    nothing of how the gradient flows.

        >>> from nngraph.graph._flow import Layer
        >>> layers = [Layer(name, name, 1.0, 8, 8) for name in ("a", "b", "head", "out")]
        >>> [layer.module for layer in compared_before(layers, {"a": 0.1, "head": 0.1, "out": 0.1})]
        ['a', 'b']
    """
    end = len(layers)
    while end and layers[end - 1].node in shares:
        end -= 1
    return layers[:end]


def _values_read(g: Graph, node: Any) -> list[Any]:
    """The nodes holding the values `node` reads, past the inner nodes of a call (which hold
    none); not a parameter."""
    nodes, found = g._node, []
    frontier, seen = list(g._pred[node]), {node}
    while frontier:
        after = []
        for p in frontier:
            data = nodes[p]
            if p in seen or learnable(data):
                continue
            seen.add(p)
            if data.get("value"):
                found.append(p)
            elif data.get("kind") == "op":
                after += g._pred[p]
        frontier = after
    return found


def _read(g: Graph, weight: Any) -> list[Any]:
    """The nodes holding the values the ops multiplying by `weight` read (not the weight, a
    bias, or what is made of them): past the inner nodes of the call, which hold none (the
    `view` a Linear makes of a 3-d input)."""
    nodes, found = g._node, []
    made_of_weight = {weight, *g._succ[weight]}
    for op in _call(g, weight):
        frontier = [p for p in g._pred[op] if p not in made_of_weight]
        for _ in range(4):  # a few reshapes back at most
            after = []
            for p in frontier:
                data = nodes[p]
                if learnable(data) or is_integer(data):
                    continue
                if data.get("value"):
                    found.append(p)
                elif data.get("kind") == "op":  # an inner node of the call (`view`) has none
                    after += g._pred[p]
            frontier = after
    return found


def _layer_weights(g: Graph) -> list[Any]:
    """The learnable weights of 2 dims or more that multiply (an embedding's only look up)."""
    return [
        n
        for n, data in g.nodes(data=True)
        if learnable(data) and len(data.get("shape") or []) >= 2 and not read_by_embedding(g, n)
    ]


def large_data(g: Graph, weight: Any) -> Any | None:
    """The data node far from standardised that an op multiplies by `weight`, directly or
    through reshapes and casts (`nn.Flatten`, `x.float()`); else None. Data is an input, a
    constant or the result of ops autograd does not track, that does not require grad (a
    hand-made weight does)."""
    nodes = g._node
    for op in _call(g, weight):
        frontier = [p for p in g._pred[op] if p != weight]
        for _ in range(4):  # a few reshapes back at most
            after = []
            for p in frontier:
                data = nodes[p]
                if data.get("kind") == "op" and _op(data) in _RESHAPING:
                    # through `x[ids]`, the values of x: the ids only say which ones (but
                    # `t[:, None]` of a raw integer timestep reads t's values)
                    indexing = _op(data) in INDEXING and len(g._pred[p]) > 1
                    after += [q for q in g._pred[p] if not (indexing and is_integer(nodes[q]))]
                elif _far_from_standardised(data):
                    return p
            frontier = after
    return None


def _call(g: Graph, weight: Any) -> list[Any]:
    """The ops that multiply by `weight` (`multiplying`), and the rest of the call after an
    inner one: a Linear on a 3-d input is `view`, `addmm`, `view`, and data that no op tracks
    (an input) is drawn into the last, the one the call's value is known at.

        >>> from nngraph.graph import Graph
        >>> g = Graph([("w", "t"), ("t", "addmm"), ("addmm", "view"), ("x", "view")])
        >>> for n, value in (("t", None), ("addmm", None), ("view", {"numel": 4})):
        ...     g.add_node(n, op="linear", value=value)
        >>> _call(g, "w")
        ['t', 'addmm', 'view']
    """
    nodes, ops = g._node, multiplying(g, weight)
    inner = [n for n in ops if not nodes[n].get("value")]
    after = [s for n in inner for s in g._succ[n] if _op(nodes[s]) == _op(nodes[n])]
    return [*ops, *(s for s in dict.fromkeys(after) if s not in ops)]


def multiplying(g: Graph, weight: Any) -> list[Any]:
    """The ops that multiply by `weight`: reading it, or what is made of it on the way (the
    transpose a Linear's weight goes through, an inner node of the call: it has no value)."""
    nodes = g._node
    near = [*g._succ[weight]]
    passing = [n for n in near if _op(nodes[n]) in _RESHAPING or not nodes[n].get("value")]
    near += [s for n in passing for s in g._succ[n]]
    return [n for n in near if any(word in _op(nodes[n]) for word in _MULTIPLYING)]


def _far_from_standardised(data: dict[str, Any], made: bool = False) -> bool:
    """Data (an input, a constant, or what untracked ops made of them: `torch.cat([age,
    income], 1)` in a recorded cell) whose values are far from standardised; with `made`, any
    values (what layers made of such data)."""
    if not made and data.get("requires_grad"):
        return False
    if not made and (
        data.get("kind") not in ("input", "constant")
        and (data.get("kind") != "op" or data.get("tracked"))
    ):
        return False
    if "bool" in str(data.get("dtype") or ""):
        return False
    return _rms(data) > LARGE_INPUT


def _rms(data: dict[str, Any]) -> float:
    """The root mean square of a node's values; 0 where not known or not finite."""
    value = data.get("value") or {}
    if not value.get("numel"):
        return 0.0
    rms = math.hypot(value["mean"], value["std"])
    return rms if math.isfinite(rms) else 0.0


def _op(data: dict[str, Any]) -> str:
    return str(data.get("op") or "")
