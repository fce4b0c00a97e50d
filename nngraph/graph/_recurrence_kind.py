"""What a run of steps through one weight is, and what to do when its gradient fades or grows.

`_recurrence` finds a weight used at many steps in a row, each computing from the one before.
That is a recurrence through time where every step also mixes in a value of its own, the
next position of the sequence (`h = torch.tanh(i2h(x[:, t]) + h2h(h))`, PyTorch's
name-classification tutorial), or a block applied again and again to its own output and
nothing new (a weight-tied stack, ALBERT's one shared layer, a repeated residual block): the
first is told about time and sequences, the second about repeats.

The advice follows the kind of layer: a plain RNN is told to become an LSTM or a GRU; an LSTM
or a GRU to start its forget (update) gate open, by the slice of `bias_hh` that holds that
gate (PyTorch stacks the gates in `bias_hh`, each `hidden_size` long: i|f|g|o for an LSTM,
r|z|n for a GRU), unless that gate already starts open (its bias, `bias_ih`'s slice plus
`bias_hh`'s, as the bias nodes' `gates` keep them): then shorter sequences and Adam are
what is left; a cell written by hand with gates (a sigmoid times a value) to start the gate
that keeps its state open.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import TYPE_CHECKING, Any

from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "RECURRENT",
    "RECURRENT_WEIGHT",
    "reads_fresh_input",
    "repeats_remedy",
    "segments",
    "steps_remedy",
]

#: The module types whose weights step through a sequence.
RECURRENT = frozenset({"RNN", "GRU", "LSTM", "RNNCell", "GRUCell", "LSTMCell", "RNNBase"})
#: A recurrent layer's weights, by PyTorch's names (`weight_hh_l0`, `cell.weight_ih`, an LSTM's
#: projection `weight_hr_l0`): a subclass of nn.LSTM, or a graph that knows no module types
#: (`graph_of` without params).
RECURRENT_WEIGHT = re.compile(r"\bweight_(ih|hh|hr)")

#: The gated layers by module type.
_GATED = {"LSTM": "lstm", "LSTMCell": "lstm", "GRU": "gru", "GRUCell": "gru"}
#: How many gates their weights and biases stack.
_GATES = {"lstm": 4, "gru": 3}
#: The bias from which the gate that keeps the state (forget, update) starts open: it keeps
#: sigmoid(1) = 0.73 of the state per step at 1, half of it at PyTorch's init (a bias near 0).
_OPEN_GATE = 1.0

#: What of a value tells one step's input from another's: a slice of the sequence differs
#: from the next in its numbers or in its index (`line[i]`).
_SUMMARY = ("mean", "std", "min", "max", "norm")


def segments(g: Graph, run: list[Any], position: dict[Any, int]) -> list[set[Any]]:
    """For each step of `run` (the ops multiplying by one weight, in forward order) but the
    last, the nodes on the tracked paths from it to the next step, both included."""
    parts = []
    for step, following in itertools.pairwise(run):
        limit = position[following]
        ahead, frontier = {step}, [step]
        while frontier:  # what the step feeds, before the next step
            for s in g._succ[frontier.pop()]:
                if s not in ahead and position.get(s, limit) < limit and g._node[s].get("tracked"):
                    ahead.add(s)
                    frontier.append(s)
        part, frontier = {following}, [following]
        while frontier:  # of that, what the next step computes from
            for p in g._pred[frontier.pop()]:
                if p in ahead and p not in part:
                    part.add(p)
                    frontier.append(p)
        parts.append(part | {step})
    return parts


def reads_fresh_input(g: Graph, run: list[Any], parts: list[set[Any]]) -> bool:
    """Whether most steps of `run` mix in a value of their own (`parts`: their `segments`):
    one computed from the model's data (an input, or what is made of it outside the steps),
    not from the steps before (a hidden state), that differs from what the step before mixed
    in (an attention mask read by every layer, or made anew for each, is the same value).
    What is made only of parameters, constants and random numbers (a step embedding, a
    sinusoid or a dropout mask per repeat of a shared block) is no sequence input; in a graph
    that marks no inputs (`graph_of`), any value but parameters is."""
    if len(parts) < 2:
        return False
    inside = set().union(*parts)
    from_data = _made_of_data(g, inside)
    reads = [
        _outside_reads(g, step, part, inside, from_data)
        for step, part in zip(run, parts, strict=False)
    ]
    before = [reads[1], *reads[:-1]]  # the first step is set against the second
    fresh = sum(bool(here - there) for here, there in zip(reads, before, strict=True))
    return 2 * fresh > len(reads)


def _made_of_data(g: Graph, inside: set[Any]) -> set[Any] | None:
    """The nodes computed from the model's data inputs without passing through `inside` (the
    steps); None where the graph marks no inputs."""
    inputs = [n for n, data in g._node.items() if data.get("kind") == "input"]
    if not inputs:
        return None
    found, todo = set(inputs), list(inputs)
    while todo:
        for s in g._succ[todo.pop()]:
            if s not in found and s not in inside:
                found.add(s)
                todo.append(s)
    return found


def _outside_reads(
    g: Graph, step: Any, part: set[Any], inside: set[Any], from_data: set[Any] | None
) -> set[tuple[Any, ...]]:
    """What the ops of one step read from outside the recurrence and made of data (see
    `_made_of_data`; less parameters where that is not known), each as `_signature` says it.
    The step's first op reads the state before it (or the start)."""
    found = set()
    for n in part - {step}:
        for p in g._pred[n]:
            if p in inside:
                continue
            if p in from_data if from_data is not None else not _made_of_parameters(g, p):
                found.add(_signature(g._node[p], p))
    return found


def _signature(data: dict[str, Any], node: Any) -> tuple[Any, ...]:
    """A value as `_SUMMARY` and its op say it; the node itself where the graph keeps no
    values (then only parameters are told apart, by `_made_of_parameters`)."""
    value = data.get("value")
    if not value:
        return ("node", node)
    summary = tuple(value.get(key) for key in _SUMMARY)
    return (data.get("op"), data.get("args"), str(data.get("shape")), *summary)


def _made_of_parameters(g: Graph, node: Any, depth: int = 6) -> bool:
    """Whether `node` is a parameter, or computed from parameters alone within `depth` ops
    (a weight transposed, or normalised as `weight_norm` does, at each call)."""
    data = g._node[node]
    if data.get("kind") in ("param", "buffer"):
        return True
    preds = g._pred[node]
    if data.get("kind") != "op" or not preds or depth == 0:
        return False
    return all(_made_of_parameters(g, p, depth - 1) for p in preds)


def _gated_by_hand(g: Graph, parts: list[set[Any]]) -> bool:
    """Whether the steps pass their state through a gate: a sigmoid that multiplies a value
    (`torch.sigmoid(f) * c` of an LSTM written by hand, `z * h` of a GRU)."""
    for part in parts:
        for n in part:
            if _is(g._node[n], "sigmoid") and any(
                s in part and _is(g._node[s], "mul") for s in g._succ[n]
            ):
                return True
    return False


def _is(data: dict[str, Any], op: str) -> bool:
    """Whether a node is `op`, by its name or, in a graph of autograd nodes, its backward."""
    backward = str(data.get("backward") or "").lower()
    return data.get("op") == op or backward.startswith(op + "backward")


def repeats_remedy(kind: str) -> str:
    """What to do for a block applied again and again to its own output."""
    return message("graph.health.remedy.repeats" + ("_exploding" if kind == "exploding" else ""))


def steps_remedy(
    g: Graph, kind: str, weight: dict[str, Any], module_type: str | None, parts: list[set[Any]]
) -> str:
    """What to do for a recurrence through time, by the kind of layer: an LSTM or GRU whose
    gates start half open carries the gradient further once they start open (the forget or
    update gate's slice of `bias_hh`), or once it has a bias to open them with; one whose
    gate already starts open (`_OPEN_GATE`) is told what still helps."""
    if kind == "exploding":
        return message("graph.health.remedy.steps_exploding")
    name = str(weight.get("name") or "")
    params = {d.get("name"): d for _, d in g.nodes(data=True) if d.get("kind") == "param"}
    sibling = {
        part: params.get(RECURRENT_WEIGHT.sub(part, name, count=1)) or {}
        for part in ("weight_hh", "weight_hr", "bias_hh", "bias_ih")
    }
    gated = _gated_layer(module_type, name, sibling)
    if gated is None:
        by_hand = module_type not in RECURRENT and _gated_by_hand(g, parts)
        return message("graph.health.remedy.steps_" + ("gated" if by_hand else "rnn"))
    bias = _keeping_gate_bias(sibling)
    if bias is not None and bias >= _OPEN_GATE:
        return message(f"graph.health.remedy.steps_{gated}_open", bias=bias)
    hidden = _hidden_size(_GATES[gated], sibling)
    gate = f"{RECURRENT_WEIGHT.sub('bias_hh', name, count=1)}[{hidden}:{2 * hidden}]"
    no_bias = "" if sibling["bias_hh"] else "_no_bias"
    return message(f"graph.health.remedy.steps_{gated}{no_bias}", gate=gate)


def _keeping_gate_bias(sibling: dict[str, dict[str, Any]]) -> float | None:
    """The bias of the gate that keeps the state (an LSTM's forget gate, a GRU's update gate:
    the second of the gates stacked in `bias_ih` and `bias_hh`), the two added: the means of
    that gate's slices, which the capture keeps as the bias nodes' `gates`. None where the
    layer has no bias or its nodes do not say (a graph read from an older JSON, one captured
    without statistics)."""
    total = 0.0
    for part in ("bias_ih", "bias_hh"):
        gates = sibling[part].get("gates")
        if not isinstance(gates, list) or len(gates) < 2:
            return None
        mean = gates[1]
        if isinstance(mean, bool) or not isinstance(mean, int | float) or not math.isfinite(mean):
            return None
        total += mean
    return total


def _gated_layer(
    module_type: str | None, name: str, sibling: dict[str, dict[str, Any]]
) -> str | None:
    """The kind of gated layer ("lstm", "gru"; None for one without gates), by module type
    or, where that says nothing (a subclass of nn.LSTM), by PyTorch's names and shapes:
    `weight_hh` stacks 4 gates (LSTM), 3 (GRU) or 1 (RNN) of `hidden_size` rows."""
    if module_type in _GATED:
        return _GATED[module_type]
    if module_type in RECURRENT - {"RNNBase"} or not RECURRENT_WEIGHT.search(name):
        return None
    rows = (sibling["weight_hh"].get("shape") or [0])[0]
    hidden = _hidden_size(1, sibling)
    return {4 * hidden: "lstm", 3 * hidden: "gru"}.get(rows) if hidden else None


def _hidden_size(gates: int, sibling: dict[str, dict[str, Any]]) -> int:
    """The length of one gate: `hidden_size`. `bias_hh` is (gates x hidden); an LSTM's
    projection `weight_hr` is (proj_size, hidden); `weight_hh` is (gates x hidden, proj_size
    if the LSTM has a projection, else hidden)."""
    bias, projection, recurrent = (
        sibling[k].get("shape") for k in ("bias_hh", "weight_hr", "weight_hh")
    )
    if bias and gates > 1:
        return int(bias[0]) // gates
    if projection and len(projection) == 2:
        return int(projection[1])
    if recurrent and len(recurrent) == 2:
        return int(recurrent[0]) // gates if gates > 1 else int(recurrent[1])
    return 0
