"""Vanishing and exploding gradients through time: one weight used at many steps in a row.

A recurrent network applies the same weights once per position of the sequence (`nn.RNN`,
an `nn.RNNCell` in a loop, `h = torch.tanh(x[:, t] @ W_xh + h @ W_hh)`). `_health` compares
layers, so such a network is one layer to it; here the steps of one weight are compared: the
ops that multiply by it, each computing from the one before (a path runs between them), are
the steps, and the gradient flowing into the first step's result is set against the last's.

    >>> import torch, nngraph as ng
    >>> from nngraph.i18n import set_language; set_language("en")
    >>> torch.manual_seed(0) and None
    >>> rnn = torch.nn.RNN(4, 16, batch_first=True)
    >>> g = ng.trace(rnn, torch.randn(8, 40, 4), loss=lambda out: out[0][:, -1].pow(2).mean())
    >>> [(f["kind"], f["name"], f["steps"]) for f in g.health()]
    [('vanishing', 'weight_hh_l0', 40)]
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding, layer_name, leaf_name, module_name, names_text
from nngraph.graph._nodes import is_reshape, owner_module
from nngraph.graph._recurrence_kind import (
    RECURRENT,
    RECURRENT_WEIGHT,
    reads_fresh_input,
    repeats_remedy,
    segments,
    steps_remedy,
)
from nngraph.graph._symmetry import learnable
from nngraph.i18n import message, plural_message, times_text

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "GROWTH",
    "MIN_STEPS",
    "RECURRENT",
    "STEPS_HIGH",
    "STEPS_LOW",
    "layers_wording",
    "reaches",
    "recurrent_flow",
]

#: The recurrent modules without gates: an LSTM or a GRU is their remedy.
_PLAIN = frozenset({"RNN", "RNNCell"})

#: The fewest steps in a row judged: fewer are a short loop, not a sequence.
MIN_STEPS = 8

# Calibrated on one-layer networks of 32 units reading 30 random steps, the loss on the last
# output (first step's gradient norm / last step's):
#   nn.RNN (tanh), PyTorch's default init:         7e-9   (about 1.9x less per step)
#   nn.GRU / nn.LSTMCell, default init:            3e-7, 6e-7 (gates start half open)
#   nn.RNN, weight_hh orthogonal:                  6e-3
#   LSTMCell, forget gate bias 1 / 2:              2e-3 / 0.13
#   GRU, update gate bias 2:                       0.03
#   nn.RNN, weight_hh of std 0.5:                  7e3    (grows about 1.35x per step)
#   nn.RNN, the loss on every step's output:       1.2    (each step gets its own gradient)
# So 1e-3 separates what the fixes reach from the default init; exploding is the mirror image.
STEPS_LOW, STEPS_HIGH = 1e-3, 1e3

#: Of the steps, at least this share must shrink (grow) on the way back: a steady change, not
#: a loss that reads the early outputs more than the late ones.
_STEADY = 0.75

#: Exploding also needs this growth per step. A loss read at every step can fall steadily
#: along the sequence (a trained GRU's late predictions are confident; a discounted loss):
#: each step's own loss gradient then makes the early steps' larger, about 1.15x per step in
#: the cases measured, with no explosion through time; weights too large grow 1.35x (std 0.5).
GROWTH = 1.2


def recurrent_flow(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """A `vanishing` or `exploding` finding for each weight used at `MIN_STEPS` or more steps
    in a row whose gradient shrinks (grows) steadily from the last step back to the first, by
    more than `STEPS_LOW` (`STEPS_HIGH`) in all; one of a kind per recurrence (a shared block's
    weights run side by side: the first of them speaks for all)."""
    position = {n: i for i, n in enumerate(order)}
    findings: list[dict[str, Any]] = []
    spans: list[tuple[str, int, int]] = []
    for weight in order:
        data = g._node[weight]
        if not learnable(data) or len(data.get("shape") or []) < 2:
            continue
        steps = _products(g, weight)
        if len(steps) < MIN_STEPS:
            continue
        steps.sort(key=position.__getitem__)
        for run in _runs(g, steps, position):
            span = (position[run[0]], position[run[-1]])
            if len(run) < MIN_STEPS:
                continue
            found = _judge(g, weight, run, types, position)
            if found is None or any(
                kind == found["kind"] and a <= span[1] and span[0] <= b for kind, a, b in spans
            ):
                continue
            findings.append(found)  # one per weight: a second sequence through it says the same
            spans.append((found["kind"], *span))
            break
    return _mirrored_left_out(findings)


def _mirrored_left_out(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings, less an `exploding` one on a bidirectional layer's reverse weights
    (`weight_hh_l0_reverse`) whose forward weights do not explode too. The reverse direction
    runs from the last position to the first: where the layer above reads every position and
    its own gradient fades towards the start of the sequence, the reverse steps get more
    gradient the earlier they run, which is that fading seen backwards, not weights that blow
    the gradient up (those would do it in both directions)."""
    exploding = {f["name"] for f in findings if f["kind"] == "exploding"}
    return [
        f
        for f in findings
        if not (
            f["kind"] == "exploding"
            and str(f["name"]).endswith("_reverse")
            and str(f["name"]).removesuffix("_reverse") not in exploding
        )
    ]


def _products(g: Graph, weight: Any) -> list[Any]:
    """The ops that compute with `weight`, past the reshapes it goes through first (a Linear's
    weight is transposed before its product, once per call or once for all steps)."""
    found, frontier, seen = [], [weight], {weight}
    while frontier:
        for s in g._succ[frontier.pop()]:
            if s in seen:
                continue
            seen.add(s)
            data = g._node[s]
            if data.get("kind") != "op":
                continue
            if is_reshape(data) and len(g._pred[s]) == 1:
                frontier.append(s)
            else:
                found.append(s)
    return found


def _runs(g: Graph, steps: list[Any], position: dict[Any, int]) -> list[list[Any]]:
    """`steps` (in forward order) cut into runs in which each one computes from the one before.
    The input-to-hidden products of an RNN read the sequence, not each other: each is a run of
    its own."""
    runs = [[steps[0]]]
    for before, after in itertools.pairwise(steps):
        if reaches(g, before, after, position):
            runs[-1].append(after)
        else:
            runs.append([after])
    return runs


def reaches(g: Graph, start: Any, goal: Any, position: dict[Any, int]) -> bool:
    """Whether a path of ops autograd tracks runs from `start` to `goal`, through nodes before
    `goal` in forward order (which holds any path to it): one step's few nodes, in an unrolled
    recurrence. (A greedy decoder's next step reads the `argmax` of the last: no gradient
    passes there, so its steps are no recurrence for the gradient.)"""
    limit = position[goal]
    frontier, seen = [start], {start}
    while frontier:
        for s in g._succ[frontier.pop()]:
            if s == goal:
                return True
            if s not in seen and position.get(s, limit) < limit and g._node[s].get("tracked"):
                seen.add(s)
                frontier.append(s)
    return False


def _judge(
    g: Graph,
    weight: Any,
    run: list[Any],
    types: dict[str, str | None],
    position: dict[Any, int],
) -> dict[str, Any] | None:
    found = [(g._node[n].get("grad") or {}).get("norm") for n in run]
    while found and not found[-1]:  # a last state the loss never reads (the tutorial RNN's)
        found.pop()
    norms = [x for x in found if isinstance(x, float) and math.isfinite(x)]
    if len(norms) < max(len(found), MIN_STEPS):
        return None  # no backward, a NaN (said elsewhere), or too few steps the loss reads
    run = run[: len(norms)]
    first = max(norms[0], 1e-45)  # float32 rounds a long enough shrink to exactly 0
    total = first / norms[-1]
    # steady: judged between steps a 16th of the run apart, where the noise of one step to
    # the next does not decide (a slow shrink over 1,000 steps); exact zeros (underflow) shrink
    gap = max(1, len(norms) // 16)
    pairs = list(zip(norms, norms[gap:], strict=False))
    shrinking = sum(a < b or a == b == 0 for a, b in pairs) / len(pairs)
    growing = sum(a > b for a, b in pairs) / len(pairs)
    per_step = total ** (1 / (len(run) - 1))
    if total < STEPS_LOW and shrinking >= _STEADY:
        kind, factor = "vanishing", 1 / total
    elif total > STEPS_HIGH and growing >= _STEADY and per_step >= GROWTH:
        kind, factor = "exploding", total
    else:
        return None
    data = g._node[weight]
    module = owner_module(data)
    module_type = types.get(module)
    parts = segments(g, run, position)
    # a recurrent layer steps through a sequence; any other weight does where each step mixes
    # in an input of its own (a hand-written RNN), else it is a block applied again and again
    # to its own output (a weight-tied net, a fixed-point loop): no sequence, no LSTM to use
    sequence = (
        module_type in RECURRENT
        or bool(RECURRENT_WEIGHT.search(str(data.get("name") or "")))
        or reads_fresh_input(g, run, parts)
    )
    where = (
        message("graph.health.steps_in", where=module_name(module, types, "in")) if module else ""
    )
    key = f"{kind}_steps" if sequence else f"{kind}_repeats"
    numbers: dict[str, Any] = {"per_step": factor ** (1 / (len(run) - 1)), "total": factor}
    if norms[0] == 0:  # the first steps get exactly 0: no factor from the first step
        key, numbers = _through_zeros(g._node[run[0]], norms, key, sequence)
    result = finding(
        kind,
        key,
        "backward",
        weight,
        module,
        name=leaf_name(data),
        in_module=where,
        steps=len(run),
        **numbers,
        times=times_text(numbers.get("total") or 0.0),
        norms=norms,
        remedy=steps_remedy(g, kind, data, module_type, parts)
        if sequence
        else repeats_remedy(kind),
    )
    for words in ("zero_part", "zero_why", "first"):
        result.pop(words, None)
    return result


#: The smallest normal number of each float type: a gradient whose elements are below it has
#: started to lose digits, and rounds to exactly 0 a few steps further back.
_SMALLEST_NORMAL = {"float16": 6.1e-5, "bfloat16": 1.2e-38, "float32": 1.2e-38, "float64": 2.2e-308}


def _through_zeros(
    step: dict[str, Any], norms: list[float], key: str, sequence: bool
) -> tuple[str, dict[str, Any]]:
    """The sentence (its key) and numbers for a vanishing run whose first steps get a gradient
    of exactly 0: the shrink is measured from the first step that gets one (over the zeros it
    is not a number), and the zeros are said as such, as float rounding (underflow) where the
    step before them already got a gradient too small for the float type (`step`: the first
    op of the run, whose type the gradient has), else as plain zeros (a cut, a ReLU that
    silences the whole state)."""
    zeros = next(i for i, norm in enumerate(norms) if norm > 0)
    stretch = norms[zeros:]
    factor = stretch[-1] / stretch[0]
    measured = len(stretch) >= 2 and factor > 1
    per_step = factor ** (1 / (len(stretch) - 1)) if measured else None
    dtype = str(step.get("dtype") or "float32")
    numel = math.prod(int(n) for n in step.get("shape") or [1])
    element = stretch[0] / math.sqrt(max(numel, 1)) / (per_step or 1.0)
    underflow = element < _SMALLEST_NORMAL.get(dtype, _SMALLEST_NORMAL["float32"])
    unit = "steps" if sequence else "uses"
    numbers: dict[str, Any] = {
        "zero_steps": zeros,
        "zero_part": plural_message(f"graph.health.zero_{unit}", zeros),
        "zero_why": message(
            "graph.health.zero_why." + ("underflow" if underflow else "exact"), dtype=dtype
        ),
    }
    if not measured:  # only the last step gets a gradient: no shrink per step to measure
        return f"{key}_zero_only", {**numbers, "per_step": None, "total": None}
    return f"{key}_zero", {**numbers, "per_step": per_step, "total": factor, "first": zeros + 1}


def layers_wording(
    g: Graph,
    kind: str,
    weights: list[Any],
    hops: int,
    types: dict[str, str | None],
    remedy: str | None = None,
) -> tuple[str, dict[str, str]]:
    """The catalog key and the words of a `vanishing` or `exploding` finding between the
    layers of `weights` (in forward order), `hops` steps from the first to the last.

    "About 5 times per layer" is said only over several feed-forward layers. Between two
    layers it is the overall figure again, and a recurrent layer among them (`nn.LSTM`, a
    `GRUCell` run in a loop) is no one layer: its gradient passes through its gates at every
    time step. Its advice is the recurrent one (clipping, Adam, shorter sequences), not ReLU,
    Kaiming and BatchNorm. `remedy` is the feed-forward advice for `vanishing`, where it fits
    the model (see `_remedy`); the general one where it is not given."""
    names: list[str] = []
    plain = False
    for weight in weights:
        data = g._node[weight]
        module = owner_module(data)
        module_type = types.get(module)
        if module_type not in RECURRENT and not RECURRENT_WEIGHT.search(
            str(data.get("name") or "")
        ):
            continue
        names.append(layer_name(module, types) if module else leaf_name(data))
        plain = plain or module_type in _PLAIN
    if not names:
        if kind == "vanishing":
            words = {"remedy": remedy or message("graph.health.remedy.layers_vanishing")}
            return (kind if hops > 1 else f"{kind}_overall"), words
        if hops > 1:
            return kind, {}
        return f"{kind}_overall", {"remedy": message("graph.health.remedy.layers_exploding")}
    if kind == "exploding":
        return f"{kind}_overall", {"remedy": message("graph.health.remedy.steps_exploding")}
    through = names_text(names)
    count = "one" if len(names) == 1 else "many"
    through = message(f"graph.health.through_recurrent_{count}", names=through)
    remedy = "recurrent_rnn" if plain else "recurrent"
    return f"{kind}_overall", {"remedy": message(f"graph.health.remedy.{remedy}", through=through)}
