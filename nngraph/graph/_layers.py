"""The layers `health()` compares for vanishing and exploding gradients: each module that holds
weights (or a hand-made weight), with the gradient RMS of the weight that stands for it and that
weight's fans (see `_flow` for how they are compared).

A layer's weight is its largest parameter of two or more dimensions. A recurrent layer stands
by the weights that read its input (`weight_ih_l0`, and `weight_ih_l0_reverse` of a
bidirectional one), as a Linear layer does by its own: they pass the gradient on to the layer
before it. Its largest weight would often be `weight_hh_l0`, which reads the hidden state, a
value smaller than the input: an LSTM seq2seq with 32-wide embeddings and 64 hidden units gets
7x less gradient there than on `weight_ih_l0`, and was said to vanish in 5 seeds of 10, never
with 128-wide embeddings. Where those weights get no gradient at all, the layer learns nothing
from what comes in (an input of zeros): it stands by them all the same. Its `weight_hh` may get
a gradient of exactly zero by design (read at its last step, the reverse direction of a
bidirectional LSTM has run one step from h0 = 0; so on sequences of length 1).

    >>> import torch, nngraph as ng
    >>> from nngraph.graph._nodes import forward_order, module_types
    >>> gru = torch.nn.GRU(3, 8, batch_first=True)
    >>> g = ng.trace(gru, torch.randn(2, 1, 3), loss=lambda out: out[0].pow(2).mean())
    >>> position = {n: i for i, n in enumerate(forward_order(g))}
    >>> [g.nodes[layer.node]["name"] for layer in judged_layers(g, position, module_types(g))]
    ['weight_ih_l0']
    >>> g.nodes[next(n for n in g if g.nodes[n]["name"] == "weight_hh_l0")]["grad"]["norm"]
    0.0
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from nngraph.graph._flow import RMS_TINY, Layer
from nngraph.graph._inputs import multiplying
from nngraph.graph._model_ops import in_loss_model, model_outputs, traced_inputs
from nngraph.graph._nodes import first_read, owner_module, read_by_embedding
from nngraph.graph._positions import added_only
from nngraph.graph._symmetry import learnable

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "TINY_SHARE",
    "almost_zero",
    "frozen_layers",
    "judged_layers",
    "sized_weights",
    "weights",
]

# Embedding gradients touch only the rows a batch uses: their RMS says nothing about depth.
_NOT_LAYERS = ("Embedding", "EmbeddingBag")
# A convolution's `groups`, as its `extra_repr()` in the module table shows it.
_GROUPS = re.compile(r"\bgroups=(\d+)")
# The weights of a recurrent layer that read what comes into it: `weight_ih_l0` and
# `weight_ih_l0_reverse` of nn.LSTM, nn.GRU and nn.RNN, `weight_ih` of their cells.
_INPUT_WEIGHT = re.compile(r"weight_ih(_l0)?(_reverse)?")
# Any weight of theirs: `weight_hh_l1_reverse`, `weight_hr_l0` (an LSTM's projection).
_RECURRENT_WEIGHT = re.compile(r"weight_(ih|hh|hr)(_l\d+)?(_reverse)?")

# A layer's gradient is almost zero below RMS_TINY, but only where it is also far below the
# gradient the loss sends back to the model's output: a loss already about 0 on the batch (a
# trained classifier on examples it gets right: cross-entropy 1e-8, or 1e-25 on one example)
# makes every gradient tiny, the output's first. Measured (MLPs 3-12 deep, ReLU, GELU, tanh,
# sigmoid; batches 1-128; untrained and trained): a weight's gradient RMS is 2e-4 to 17 times
# the output's in healthy nets (0.02 - 7 where the loss is about 0); in a 20-layer sigmoid MLP
# or a 20-layer ReLU MLP at PyTorch's default initialisation those below 1e-8 are 1e-7 times it
# and less. So the limit is also TINY_SHARE times the output's.
TINY_SHARE = 1e-5


def judged_layers(g: Graph, position: dict[Any, int], types: dict[str, str | None]) -> list[Layer]:
    """Param-holding modules in forward order (`position`), each with the gradient RMS of its
    weight (see the top). A weight of no module is a layer of its own, or with the other
    weights its op reads (an LSTM layer's `weight_ih` and `weight_hh`). Hand-made leaves
    (`torch.randn(..., requires_grad=True)`) count where the graph holds no `nn.Parameter`:
    beside a model, such a leaf is data (a saliency map's input)."""
    every = weights(g)
    judged = [
        n
        for n in sized_weights(g, every, types)
        if not g._node[n].get("grad_accumulated")  # the sum of earlier passes, not this one's
    ]
    found = []
    chosen = _one_per_layer(g, judged, set(every))
    for n in sorted(chosen, key=lambda n: first_read(g, n, position)):
        grad = g._node[n]["grad"]
        if not (math.isfinite(grad["norm"]) and grad["nan"] == 0):
            continue  # NaN/Inf gradients are reported as such
        found.append(_layer(g, n, types, grad["norm"] / math.sqrt(grad["numel"])))
    return found


def almost_zero(g: Graph) -> float:
    """The RMS below which a layer's weight gradient is almost zero: `RMS_TINY`, or less where
    the gradient reaching the model's output is small itself (see `TINY_SHARE`). Where that is
    not known, a loss of about 0 stands in for it: `graph_of` of a trained classifier's
    cross-entropy of 1e-8 sends back a gradient far smaller still (1e-8 / N per score)."""
    out = output_gradient(g)
    if out is None:
        out = _loss_size(g)
    return RMS_TINY if out is None else min(RMS_TINY, TINY_SHARE * out)


def _loss_size(g: Graph) -> float | None:
    """The largest of the losses the graph ends in that are built to be 0 at best (see
    `_never_negative`) and are not below 0, where each is about 0 only when the model fits;
    None if none. Not a sum of a LayerNorm's outputs, about 0 by design."""
    sizes = []
    for n in g.graph.get("outputs") or []:
        value = (g._node[n].get("value") or {}) if n in g else {}
        mean = value.get("mean")
        # (a KL divergence about 0 may round to -3e-13)
        if value.get("numel") != 1 or mean is None or not -1e-6 < mean < math.inf:
            continue
        if _never_negative(g, n):
            sizes.append(abs(mean))
    return max(sizes, default=None)


#: Losses whose value is never below 0 (`graph_of` names a cross-entropy by its `nll_loss`),
#: and ops whose values are not either: squares, absolute values, log-probabilities (negated).
_NON_NEGATIVE = ("cross_entropy", "nll_loss", "mse_loss", "binary_cross_entropy", "l1_loss",
                 "smooth_l1", "huber_loss", "kl_div", "soft_margin", "multilabel_soft_margin",
                 "pow", "square", "abs", "log_softmax")  # fmt: skip
#: Ops a loss may take such values through on its way to one number: a mean, a scale, a sum.
_TO_ONE_NUMBER = frozenset({"mean", "sum", "mul", "div", "true_divide", "add", "neg", "squeeze",
                            "view", "reshape", "sub", "rsub", "clone", "to", "float"})  # fmt: skip


def _never_negative(g: Graph, n: Any) -> bool:
    """Whether output `n` is a loss made of `_NON_NEGATIVE` values through a few `_TO_ONE_NUMBER`
    ops: `F.cross_entropy`, `0.5 * F.cross_entropy(...)`, `-(log_softmax(o) * onehot).sum(1)
    .mean()`, `((o - y) ** 2).mean()`; not `y.sum()` of a LayerNorm."""
    frontier, seen = list(g._pred[n]), set()
    for _ in range(8):
        after = []
        for p in frontier:
            op = str(g._node[p].get("op") or "")
            if p in seen or g._node[p].get("kind") != "op":
                continue
            seen.add(p)
            if op.startswith(_NON_NEGATIVE):
                return True
            if op.removesuffix("_") in _TO_ONE_NUMBER:
                after += g._pred[p]
        frontier = after
    return False


def output_gradient(g: Graph) -> float | None:
    """The RMS of the gradient reaching the model's outputs: the values of its modules that the
    code around it (the loss, also a loss module: `nn.MSELoss()`) reads. None where that is not
    known (`graph_of` knows no modules, a model that computes its own loss)."""
    squares, count = 0.0, 0.0
    for n in model_outputs(g):
        grad = g._node[n].get("grad")
        if grad and grad.get("numel"):
            squares += grad["norm"] * grad["norm"]  # `** 2` raises past float's range
            count += grad["numel"]
    if not count or not math.isfinite(squares):
        return None
    return math.sqrt(squares / count)


def frozen_layers(g: Graph, types: dict[str, str | None]) -> list[Layer]:
    """The layers whose weights take no gradient (`requires_grad_(False)`), with an RMS of
    NaN: the gradient passes through them all the same, so they count in the depth between
    the layers compared (see `_flow.between`)."""
    every = weights(g)
    frozen = [
        n
        for n in every
        if g._node[n].get("requires_grad") is False
        and types.get(owner_module(g._node[n])) not in _NOT_LAYERS
    ]
    return [_layer(g, n, types, math.nan) for n in _one_per_layer(g, frozen, set(every))]


def weights(g: Graph) -> list[Any]:
    """The weights of the layers (see :func:`judged_layers`): of the traced model's, not of a
    model its loss runs (see `in_loss_model`)."""
    given = traced_inputs(g)  # what trace() was given is data (trace(relu, x))
    found = [
        n
        for n, data in g.nodes(data=True)
        if learnable(data)
        and n not in given
        and not in_loss_model(g, owner_module(data))
        and len(data.get("shape") or []) >= 2
        and not read_by_embedding(g, n)
        and not added_only(g, n)  # a class token, a position embedding
    ]
    if any(g._node[n].get("kind") == "param" for n in found):
        found = [n for n in found if g._node[n].get("kind") == "param"]
    return found


def sized_weights(g: Graph, found: list[Any], types: dict[str, str | None]) -> list[Any]:
    """The weights of `found` with a gradient whose size says something about depth (not an
    embedding's, which touches only the rows a batch uses)."""
    return [
        n
        for n in found
        if (g._node[n].get("grad") or {}).get("numel")
        and types.get(owner_module(g._node[n])) not in _NOT_LAYERS
    ]


def _one_per_layer(g: Graph, candidates: list[Any], every: set[Any]) -> list[Any]:
    """The weight that stands for each layer among `candidates` (see the top). `every` holds
    all the weights: those an op reads together are one layer."""
    groups: dict[str, list[Any]] = {}
    for n in candidates:
        data = g._node[n]
        # (the weights of a recurrent model traced on its own: its many ops read one each)
        whole = data.get("kind") == "param" and _RECURRENT_WEIGHT.fullmatch(_own_name(data))
        key = owner_module(data) or ("" if whole else _shared_reader(g, n, every) or f"#{n}")
        groups.setdefault(key, []).append(n)
    return [_stands_for(g, group) for group in groups.values()]


def _stands_for(g: Graph, group: list[Any]) -> Any:
    """The largest weight of a layer's `group` (the first of them); of a recurrent layer, the
    largest of its weights that read its input and get a gradient, or, where none of those gets
    one, the largest of them: the layer learns nothing from what comes in (see the top)."""
    nodes = g._node
    inputs = [n for n in group if _INPUT_WEIGHT.fullmatch(_own_name(nodes[n]))]
    if inputs:
        learning = [n for n in inputs if (nodes[n].get("grad") or {}).get("norm", 0) > 0]
        group = learning or inputs
    return max(group, key=lambda n: math.prod(nodes[n]["shape"]))


def _own_name(data: dict[str, Any]) -> str:
    """A parameter's name within its module: `weight_ih_l0` of `rnn.weight_ih_l0`."""
    return str(data.get("name") or "").rpartition(".")[2]


def _layer(g: Graph, n: Any, types: dict[str, str | None], rms: float) -> Layer:
    data = g._node[n]
    module = owner_module(data)
    transposed = "ConvTranspose" in (types.get(module) or "")
    fan_in, fan_out = _fans(data["shape"], transposed, _groups(g, n, module, transposed))
    if _multiplied_from_the_left(g, n):  # `x @ w`: w is [in, out], not a Linear's [out, in]
        fan_in, fan_out = fan_out, fan_in
    return Layer(module=module, node=n, rms=rms, fan_in=fan_in, fan_out=fan_out)


def _shared_reader(g: Graph, n: Any, found: set[Any]) -> str | None:
    """The op that reads this weight together with other weights (an RNN layer), as a key."""
    for s in g._succ[n]:
        if any(w != n and w in found for w in g._pred[s]):
            return f"@{s}"
    return None


def _multiplied_from_the_left(g: Graph, n: Any) -> bool:
    """Whether a matrix product reads the weight directly, without a transpose first: `x @ w`
    of a hand-written layer (a Linear's weight goes through `t`, or into `linear`)."""
    return any(
        str(g._node[s].get("op") or "") in ("matmul", "mm", "bmm") for s in g._succ[n]
    ) and not any(str(g._node[s].get("op") or "") in ("t", "transpose") for s in g._succ[n])


def _groups(g: Graph, n: Any, module: str, transposed: bool) -> int:
    """The `groups` of the convolution whose weight is `n`: as its module's `extra_repr()` shows
    it where the module table holds that (`trace`), else from the channels of what the op
    reads (a transposed one's: of what it makes) against the weight's shape: `graph_of` keeps
    no module configs, and took a depthwise convolution for a full one, `channels` times wider
    on the way back. 1 where neither is known (no convolution, an input that is no node)."""
    config = ((g.graph.get("modules") or {}).get(module) or {}).get("config")
    if config is not None:
        said = _GROUPS.search(config)
        return int(said.group(1)) if said else 1
    shape = g._node[n]["shape"]
    channel = -(len(shape) - 1)  # [N, C, *spatial] or [C, *spatial]: C before the kernel dims
    made_of_weight = {n, *g._succ[n]}
    for op in multiplying(g, n):
        if "conv" not in str(g._node[op].get("op") or ""):
            continue
        if transposed:
            channels = [g._node[op].get("shape") or []]
        else:
            channels = [
                g._node[p].get("shape") or [] for p in g._pred[op] if p not in made_of_weight
            ]
        for found in channels:
            groups = found[channel] // shape[1] if len(found) >= -channel else 0
            if groups and groups * shape[1] == found[channel] and shape[0] % groups == 0:
                return groups
    return 1


def _fans(shape: list[int], transposed: bool, groups: int) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight: the inputs one output unit reads, the outputs one input
    unit feeds. A convolution's weight is [out, in / groups, *kernel], a transposed one's
    [in, out / groups, *kernel]; each output channel of a group reads only that group."""
    receptive = math.prod(shape[2:])
    if transposed:
        return max(1, shape[0] // groups) * receptive, shape[1] * receptive
    return shape[1] * receptive, max(1, shape[0] // groups) * receptive
