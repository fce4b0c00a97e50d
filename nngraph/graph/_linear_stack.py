"""Linear layers stacked with no activation between them: `Linear(2, 32) -> Linear(32, 32) ->
Linear(32, 2)` is one linear map, `W3 (W2 (W1 x + b1) + b2) + b3 = W x + b`, so the stack
learns no more than one `Linear(2, 2)` would (a classifier: straight decision boundaries only).

Between two such layers only ops that keep the map linear may stand: reshapes and transposes,
dropout (it scales each value by a mask) and BatchNorm, which is a per-feature affine map (in
eval mode exactly, `(x - mean) / std * gamma + beta` with fixed numbers; in training mode the
same with the batch's mean and std, still affine in each example). LayerNorm (and any other
normalisation by each example's own statistics) is not: it divides by a std computed from that
example, a nonlinear function of it, so a transformer's `Linear -> LayerNorm -> Linear` is left
alone. Anything else (an activation, an add of a residual or of another branch, attention's
`matmul`, a `cat`) ends the walk, and so does a result read twice (a feature kept besides).

A stack whose narrowest layer is narrower than both its ends is a low-rank factorisation (a
LoRA adapter `d -> r -> d`, an autoencoder's code `128 -> 2 -> 128`): it limits the rank on
purpose, so it is not told. Only `nn.Linear` modules count (not a functional `F.linear` inside
another module such as `nn.MultiheadAttention`'s output projection).

    >>> import torch, nngraph as ng
    >>> from torch import nn
    >>> model = nn.Sequential(nn.Linear(2, 32), nn.Linear(32, 32), nn.Linear(32, 2))
    >>> g = ng.trace(model, torch.randn(8, 2), loss=lambda out: out.pow(2).mean())
    >>> [(f["kind"], f["layers"]) for f in linear_stacks(g, list(g))]
    [('linear_stack', ['0', '1', '2'])]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._dims import PERMUTES, RESHAPES
from nngraph.graph._finding import finding
from nngraph.graph._nodes import module_types
from nngraph.graph._summary_findings import layer_list

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["linear_stacks"]

#: ops that keep a linear map linear (see the top)
_LINEAR_OPS = RESHAPES | PERMUTES | {"dropout", "dropout_", "feature_dropout", "batch_norm"}
#: what holds no data: a layer's weights, BatchNorm's running statistics
_NOT_DATA = ("param", "buffer")


def linear_stacks(g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """One `linear_stack` finding for each run of two or more `nn.Linear` layers with only
    linear ops between them (see the top), on the first layer's output; once for each run of
    modules (a recorded loop runs it at every step)."""
    types = module_types(g)
    calls = _linear_calls(g, order, types)
    after = {}  # a Linear's output node -> the Linear call that reads it, through linear ops
    for output, call in calls.items():
        source = _linear_source(g, call["input"])
        if source in calls and source != output:
            after[source] = output
    starts = [out for out in calls if out in after and out not in after.values()]
    findings, said = [], set()
    for start in starts:
        run = [start]
        while run[-1] in after and after[run[-1]] not in run:
            run.append(after[run[-1]])
        layers = [calls[out] for out in run]
        modules = tuple(layer["module"] for layer in layers)
        widths = [layers[0]["in"], *(layer["out"] for layer in layers)]
        if modules in said or min(widths[1:-1]) < min(widths[0], widths[-1]):
            continue  # told already, or a low-rank factorisation (a bottleneck)
        said.add(modules)
        findings.append(
            finding(
                "linear_stack",
                "linear_stack",
                "forward",
                start,
                modules[0],
                layers_text=layer_list(list(dict.fromkeys(modules)), types),
                n_in=widths[0],
                n_out=widths[-1],
                layers=list(modules),
            )
        )
    return findings


def _linear_calls(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> dict[Any, dict[str, Any]]:
    """Each call of an `nn.Linear` module with a weight `[out, in]` and one data input, by the
    node of its output: its module, its input node and its fans."""
    nodes = g._node
    groups: dict[tuple[Any, Any], list[Any]] = {}
    for n in order:
        data = nodes[n]
        module = data.get("module") or ""
        kind = types.get(module) or ""
        if data.get("op") == "linear" and kind.endswith("Linear") and "Bilinear" not in kind:
            groups.setdefault((module, data.get("call")), []).append(n)
    calls = {}
    for (module, _), members in groups.items():
        inside = set(members)
        outside = [p for m in members for p in g._pred[m] if p not in inside]
        weights = [p for p in outside if nodes[p].get("kind") == "param"]
        shapes = [nodes[p].get("shape") for p in weights]
        inputs = [p for p in outside if nodes[p].get("kind") not in _NOT_DATA]
        outputs = [m for m in members if any(s not in inside for s in g._succ[m])]
        matrices = [s for s in shapes if s and len(s) == 2]
        if len(inputs) != 1 or len(outputs) != 1 or len(matrices) != 1:
            continue
        fan_out, fan_in = matrices[0]
        calls[outputs[0]] = {"module": module, "input": inputs[0], "in": fan_in, "out": fan_out}
    return calls


def _linear_source(g: Graph, n: Any) -> Any:
    """The node whose values reach `n` through linear ops alone, each read by nothing else:
    `n` itself unless such ops made it."""
    nodes = g._node
    if len(g._succ[n]) != 1:
        return None
    while nodes[n].get("kind") == "op" and nodes[n].get("op") in _LINEAR_OPS:
        data = [p for p in g._pred[n] if nodes[p].get("kind") not in _NOT_DATA]
        if len(data) != 1 or len(g._succ[data[0]]) != 1:
            return None
        n = data[0]
    return n
