"""What breaks other graph tools must work here: each case checks what a student would look for."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
import torch.utils.checkpoint
from torch import nn

import nngraph as ng
from nngraph.capture import NNGraphWarning
from nngraph.graph._export import modules_list
from tests.capture.test_correctness import autograd_nodes, classes, graph_classes
from tests.capture.zoo import Square, make, total


def ops(g: ng.Graph, op: str) -> list[dict[str, Any]]:
    return [d for _, d in g.nodes(data=True) if d["op"] == op]


def by_name(g: ng.Graph, name: str) -> list[str]:
    return [n for n, d in g.nodes(data=True) if d["name"] == name]


def test_no_grad_region_is_shown_and_marked_untracked() -> None:
    model, args, _ = make("no_grad_inside")
    g = ng.trace(model, *args, loss=total)
    (mean,) = ops(g, "mean")
    assert mean["tracked"] is False and mean["backward"] is None
    (div,) = [n for n, d in g.nodes(data=True) if d["op"] == "div"]
    assert any(g.nodes[p]["op"] == "add" and not g.nodes[p]["tracked"] for p in g.predecessors(div))


def test_nested_dict_outputs_are_all_outputs() -> None:
    model, args, _ = make("dict_output")
    g = ng.trace(model, *args)
    produced = sorted(tuple(g.nodes[o]["shape"]) for o in g.graph["outputs"])
    assert produced == [(), (3, 2), (3, 3)]


@dataclass
class Prediction:
    logits: torch.Tensor
    extra: dict[str, Any]


class ReturnsDataclass(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> Prediction:
        logits = self.fc(x)
        return Prediction(logits, {"probs": logits.softmax(-1), "steps": 3})


def test_tensors_a_model_returns_in_a_dataclass_are_its_outputs() -> None:
    model = ReturnsDataclass()
    g = ng.trace(model, torch.randn(5, 4))
    assert g.graph["unused"] == []
    # logits and probs, also the logits the softmax uses: both are what the model returned
    assert [g.nodes[o]["shape"] for o in g.graph["outputs"]] == [[5, 3], [5, 3]]
    assert "Output shape(s): [5, 3], [5, 3]" in g.summary()
    out = ng.graph_of(model(torch.randn(5, 4)), params=model)
    assert len(out.graph["outputs"]) == 2


def test_a_returned_tensor_the_model_also_uses_is_an_output() -> None:
    class Features(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.b = nn.Linear(3, 3), nn.Linear(3, 2)

        def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
            h = self.a(x)
            return {"features": h, "logits": self.b(h)}

    g = ng.trace(Features(), torch.randn(2, 3))
    shapes = sorted(g.nodes[o]["shape"] for o in g.graph["outputs"])
    assert shapes == [[2, 2], [2, 3]]  # the logits and the features, which b also uses
    assert "Output shape(s): [2, 2], [2, 3]" in g.summary()
    g = ng.trace(Features(), torch.randn(2, 3), loss=lambda out: out["logits"].sum())
    shapes = sorted(g.nodes[o]["shape"] for o in g.graph["outputs"])
    assert shapes == [[], [2, 3]]  # the loss (the logits' path ends there) and the features
    assert g.graph["unused"] == []


class _GivesInputBack(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x, self.fc(x)  # the forward's first op reads the input it gives back


def test_an_input_the_model_gives_back_and_reads_is_an_output() -> None:
    x = torch.randn(4, 3)
    g = ng.trace(_GivesInputBack(), x)
    assert [g.nodes[o]["shape"] for o in g.graph["outputs"]] == [[4, 2], [4, 3]]
    assert len(ng.graph_of(_GivesInputBack()(x)).graph["outputs"]) == 2
    g = ng.trace(_GivesInputBack(), x, loss=lambda out: (out[1] - out[0][:, :2]).pow(2).mean())
    assert [g.nodes[o]["shape"] for o in g.graph["outputs"]] == [[], [4, 3]]


_RETURNS_WHAT_IT_USES = """
import torch, torch.nn.functional as F, nngraph as ng
from torch import nn
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.head = nn.Linear(10, 16), nn.Linear(16, 8), nn.Linear(8, 3)
    def forward(self, x):
        h1 = torch.tanh(self.a(x))
        h2 = torch.tanh(self.b(h1))
        return self.head(h2), h1, h2
torch.manual_seed(0)
x, y = torch.randn(4, 10), torch.randint(0, 3, (4,))
g = ng.trace(Encoder(), x, loss=lambda out: F.cross_entropy(out[0], y))
print(g.to_json())
"""


def test_returned_tensors_come_in_their_order_in_every_process() -> None:
    # a lesson's saved graph, summary and picture must not change from one kernel to the next:
    # the outputs once followed Python's per-process string hashing
    texts = {
        subprocess.run(
            [sys.executable, "-c", _RETURNS_WHAT_IT_USES],
            env={**os.environ, "PYTHONHASHSEED": seed, "OMP_NUM_THREADS": "1"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "4")  # 1 and 4 ordered them differently
    }
    assert len(texts) == 1
    graph = ng.Graph.from_json(texts.pop())
    labels = [graph.nodes[o]["label"] for o in graph.graph["outputs"]]
    assert labels == ["output", "output[1]", "output[2]"]


def test_in_place_ops_are_recorded_in_order() -> None:
    model, args, _ = make("in_place")
    with ng.record(model) as rec:
        loss = total(model(*args))
        loss.backward()
    g = rec.graph
    calls = {d["call"]: d["op"] for _, d in g.nodes(data=True) if d["call"] is not None}
    assert [calls[i] for i in sorted(calls)][:4] == ["linear", "setitem", "add_", "relu_"]
    assert ops(g, "setitem")[0]["backward"] == "CopySlices"


def test_custom_autograd_function_is_one_op() -> None:
    model, args, _ = make("custom_function")
    g = ng.trace(model, *args, loss=total)
    (square,) = ops(g, "Square")
    assert square["backward"] == "SquareBackward" and square["module"] == ""
    assert square["grad"] is not None
    assert not ops(g, "mul"), "the ops inside Square.forward are not separate nodes"


def test_data_dependent_control_flow_shows_the_path_taken() -> None:
    model, args, _ = make("data_dependent")
    taken = 0
    x = args[0]
    with torch.no_grad():
        for _ in range(3):
            x = model.fc(x)
            if x.sum() > 0:
                taken += 1
                x = torch.tanh(x)
    g = ng.trace(model, *args, loss=total)
    assert len(ops(g, "tanh")) == taken
    assert len(ops(g, "linear")) >= 3


class _ChecksItsMask(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if torch.all(mask == 1):  # Hugging Face's check before it builds an attention mask
            x = x * 1.0
        assert float(x.abs().max()) < 1e6
        return self.fc(x)


def test_a_check_the_forward_reads_in_python_is_no_output() -> None:
    """Sweep M2: BERT's `torch.all(mask == 1)` was drawn as a third model output."""
    mask = torch.ones(5, 4)
    g = ng.trace(_ChecksItsMask(), torch.randn(5, 4), mask, loss=total)
    ends = [g.nodes[p]["op"] for o in g.graph["outputs"] for p in g.predecessors(o)]
    assert len(ends) == 1 and ends[0] not in ("all", "max")  # they end where Python read them
    assert len(ops(g, "all")) == len(ops(g, "max")) == 1
    (row,) = [line for line in g.summary().splitlines() if line.startswith("(model)")]
    assert "[5, 3]" in row  # what the model returns
    with ng.record() as rec:  # read at top level, a result is still an output: `loss.item()`
        loss = total(_ChecksItsMask()(torch.randn(5, 4), mask))
        loss.item()
    assert [rec.graph.nodes[o]["label"] for o in rec.graph.graph["outputs"]] == ["loss"]


class _LogsWhatItReturns(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        score = self.fc(x).mean()
        self.logged = score.item()  # Lightning's `self.log(...)` reads it too
        return score


@pytest.mark.parametrize("grad", [True, False])
def test_a_result_the_forward_reads_in_python_and_returns_is_an_output(grad: bool) -> None:
    """Regression sweep RG1: a model returning what it also read with `.item()` lost its
    output (an evaluation under no_grad showed "Output shape(s): -")."""
    model = _LogsWhatItReturns()
    with torch.set_grad_enabled(grad), ng.record() as rec:
        score = model(torch.randn(8, 4))
    assert score.shape == ()
    assert [rec.graph.nodes[o]["label"] for o in rec.graph.graph["outputs"]] == ["score"]


class _ReadsAPartOfWhatItReturns(nn.Module):
    def __init__(self, read: str) -> None:
        super().__init__()
        self.fc, self.read = nn.Linear(4, 3), read

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.fc(x)
        if self.read == "part":
            self.first = out[0, 0].item()
        else:  # Lightning's `self.log("mean", out.detach().mean())`
            self.mean = out.detach().mean().item()
        return out


@pytest.mark.parametrize("read", ["part", "copy"])
def test_a_result_read_in_python_through_a_part_or_a_copy_is_an_output(read: str) -> None:
    """Regression sweep RG2: the result lost its output (an evaluation showed none at all)."""
    with torch.no_grad(), ng.record() as rec:
        out = _ReadsAPartOfWhatItReturns(read)(torch.randn(8, 4))
    g = rec.graph
    assert [(g.nodes[o]["label"], g.nodes[o]["shape"]) for o in g.graph["outputs"]] == [
        ("out", [8, 3])
    ]
    assert out.shape == (8, 3)


def test_shared_weights_are_one_node_used_twice() -> None:
    model, args, _ = make("shared_weights")
    g = ng.trace(model, *args, loss=total)
    (weight,) = by_name(g, "fc.weight")
    assert g.out_degree(weight) == 2
    assert g.nodes[weight]["grad"]["norm"] > 0


def test_double_backward_with_create_graph() -> None:
    x = torch.randn(5, requires_grad=True)
    with ng.record() as rec:
        y = (x**3).sum()
        (dy_dx,) = torch.autograd.grad(y, x, create_graph=True)
        z = dy_dx.sum()
        z.backward()
    assert torch.allclose(x.grad, 6 * x.detach())
    g = rec.graph
    assert graph_classes(g)["AccumulateGrad"] == 1
    reachable = classes(autograd_nodes(z.grad_fn))
    assert all(graph_classes(g)[cls] >= n for cls, n in reachable.items())
    (leaf,) = [d for _, d in g.nodes(data=True) if d["backward"] == "AccumulateGrad"]
    assert abs(leaf["grad"]["norm"] - x.grad.norm().item()) < 1e-4


def test_integer_and_bool_tensors_are_nodes_without_gradients() -> None:
    model, args, _ = make("integers")
    g = ng.trace(model, *args, loss=total)
    (gt,) = ops(g, "gt")
    (argmax,) = ops(g, "argmax")
    assert gt["dtype"] == "bool" and argmax["dtype"] == "int64"
    assert gt["backward"] is None and gt["grad"] is None
    assert gt["value"]["max"] == 1.0
    tokens = next(d for _, d in g.nodes(data=True) if d["kind"] == "input")
    assert tokens["name"] == "tokens" and tokens["dtype"] == "int64"


def test_several_inputs_and_keyword_inputs_are_named() -> None:
    model, args, kwargs = make("two_inputs_kwargs")
    g = ng.trace(model, *args, loss=total, **kwargs)
    names = sorted(d["name"] or "" for _, d in g.nodes(data=True) if d["kind"] == "input")
    assert names == ["scale", "x", "y"]


class _TakesABatch(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, batch: dict[str, torch.Tensor], pair: tuple[torch.Tensor, ...]) -> Any:
        return self.fc(batch["x"] * batch["y"]) + pair[0].sum() + pair[1].sum()


def test_tensors_inside_dict_and_tuple_inputs_are_named_by_key_and_index() -> None:
    batch = {"x": torch.randn(2, 3), "y": torch.randn(2, 3)}
    g = ng.trace(_TakesABatch(), batch, (torch.randn(2), torch.randn(2)))
    names = sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "input")
    assert names == ["batch['x']", "batch['y']", "pair[0]", "pair[1]"]


@dataclass
class _Batch:
    image: torch.Tensor
    labels: list[torch.Tensor]


class _TakesADataclass(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, batch: _Batch) -> torch.Tensor:
        return self.fc(batch.image) + batch.labels[0].sum()


def test_tensors_inside_a_dataclass_input_are_named_by_field() -> None:
    g = ng.trace(_TakesADataclass(), _Batch(torch.randn(2, 3), [torch.randn(2)]))
    names = sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "input")
    assert names == ["batch.image", "batch.labels[0]"]


def test_a_model_that_gives_back_its_input_shows_the_input_as_its_output() -> None:
    x = torch.randn(2, 3)
    g = ng.trace(nn.Identity(), x)
    (source,) = [n for n, d in g.nodes(data=True) if d["kind"] == "input"]
    (output,) = g.graph["outputs"]
    assert list(g.pred[output]) == [source]
    assert g.nodes[output]["shape"] == [2, 3]
    assert g.nodes[output]["value"] == g.nodes[source]["value"] is not None
    assert g.graph["unused"] == []


class _ReturnsItsInputToo(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, x: torch.Tensor, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return z, self.fc(x)


def test_an_input_returned_unchanged_beside_a_result_is_an_output_too() -> None:
    g = ng.trace(_ReturnsItsInputToo(), torch.randn(2, 3), torch.randn(5))
    fed_by = sorted(g.nodes[next(iter(g.pred[n]))]["kind"] for n in g.graph["outputs"])
    assert fed_by == ["input", "op"]
    assert g.graph["unused"] == []


def test_parameters_named_by_a_state_dict_get_their_names() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss = model(torch.randn(2, 3)).sum()
    g = ng.graph_of(loss, params=model.state_dict())
    names = sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    assert names == sorted(name for name, _ in model.named_parameters())


def _freeze(model: nn.Module) -> None:
    model[0].requires_grad_(False)


def _unfreeze(model: nn.Module) -> None:
    model[0].requires_grad_(True)


def _unfreeze_by_attribute(model: nn.Module) -> None:
    for p in model[0].parameters():
        p.requires_grad = True


@pytest.mark.parametrize(
    ("frozen_before", "change"),
    [(False, _freeze), (True, _unfreeze), (True, _unfreeze_by_attribute)],
    ids=["freeze", "unfreeze", "unfreeze-attribute"],
)
def test_a_layer_frozen_or_unfrozen_in_the_block_shows_as_it_was_used(
    frozen_before: bool, change: Any
) -> None:
    """Transfer learning in one cell: freezing changes a flag, not the values, so the
    parameters show as they were when used (once each, trainable or not)."""
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))
    model[0].requires_grad_(not frozen_before)
    with ng.record(model) as rec:
        change(model)
        loss = model(torch.randn(3, 4)).pow(2).mean()
        loss.backward()
    g = rec.graph
    assert graph_classes(g) == classes(autograd_nodes(loss.grad_fn))
    params = {d["name"]: d for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert len(params) == 4  # each parameter once
    trainable = {name: p.requires_grad for name, p in model.named_parameters()}
    assert {name: d["requires_grad"] for name, d in params.items()} == trainable


def test_retain_graph_counts_two_backward_passes() -> None:
    model, args, _ = make("mlp")
    with ng.record(model) as rec:
        loss = total(model(*args))
        loss.backward(retain_graph=True)
        loss.backward()
    assert rec.graph.graph["backward_passes"] == 2
    (weight,) = by_name(rec.graph, "0.weight")
    assert abs(rec.graph.nodes[weight]["grad"]["norm"] - model[0].weight.grad.norm().item()) < 1e-4


def test_recurrent_and_attention_modules_have_their_paths() -> None:
    for name, path in (("lstm", "lstm"), ("attention", "attn")):
        model, args, _ = make(name)
        g = ng.trace(model, *args, loss=total)
        assert any(d["module"] == path and d["kind"] == "op" for _, d in g.nodes(data=True)), name


def test_chain_of_5000_blocks_needs_no_recursion() -> None:
    blocks: list[nn.Module] = []
    for _ in range(5000):
        blocks += [nn.Linear(4, 4), nn.ReLU()]
    model = nn.Sequential(*blocks)
    x = torch.randn(2, 4)
    g = ng.trace(model, x, loss=total)
    assert len(ops(g, "relu")) == 5000
    assert sum(d["kind"] == "param" for _, d in g.nodes(data=True)) == 10000
    loss = total(model(x))
    assert len(ng.graph_of(loss, params=model)) > 20000


def nested(depth: int) -> nn.Module:
    """A Linear inside `depth - 1` Sequentials, each inside the next."""
    model: nn.Module = nn.Linear(4, 4)
    for _ in range(depth - 1):
        model = nn.Sequential(model)
    return model


def test_a_model_nested_300_deep_has_every_level_in_its_module_table() -> None:
    """Each module that ran, with its ancestors, once (a 2,000-deep model took 52 s to list
    them, every path cut at every level, zoo sweep)."""
    model = nested(300)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))  # 300 module calls, one inside another
    try:
        g = ng.trace(model, torch.randn(2, 4), loss=total)
    finally:
        sys.setrecursionlimit(limit)
    modules = g.graph["modules"]
    assert list(modules) == [".".join(["0"] * level) for level in range(300)]
    assert [entry["type"] for entry in modules.values()] == ["Sequential"] * 299 + ["Linear"]
    assert {entry["params"] for entry in modules.values()} == {20}


def test_graph_of_accepts_several_tensors_and_leaves() -> None:
    a = torch.randn(3, requires_grad=True)
    b = a * 2
    g = ng.graph_of([b, {"again": b.sum()}, a])
    assert len(g.graph["outputs"]) == 3
    assert graph_classes(g)["AccumulateGrad"] == 1
    (leaf,) = [n for n, d in g.nodes(data=True) if d["kind"] == "input"]
    assert g.out_degree(leaf) == 2, "one node for `a`: it feeds `a * 2` and is itself an output"


class NormalisedWeight(nn.Module):
    """Reads its weight under no_grad before using it, as spectral_norm's power iteration does."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(3, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            scale = self.weight.norm()
        return x @ self.weight.t() / scale


def test_a_parameter_read_under_no_grad_first_is_still_one_node() -> None:
    model = NormalisedWeight()
    g = ng.trace(model, torch.randn(2, 4), loss=total)
    (weight,) = by_name(g, "weight")
    assert g.nodes[weight]["backward"] == "AccumulateGrad"
    assert g.out_degree(weight) == 2, "feeds the untracked norm and the tracked product"
    assert g.nodes[weight]["grad"] is not None
    (norm,) = ops(g, "norm")
    assert norm["tracked"] is False


class CastsItsWeights(nn.Module):
    """Calls that give back the very parameter they are given: nothing to cast or copy."""

    def __init__(self) -> None:
        super().__init__()
        self.weight, self.bias = nn.Parameter(torch.randn(4, 3)), nn.Parameter(torch.zeros(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight.to(x.dtype).flatten(1) + self.bias.contiguous()


@pytest.mark.parametrize(
    "model",
    [CastsItsWeights(), nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3))],
    ids=["to-contiguous", "spectral_norm"],
)
def test_a_call_that_gives_back_its_parameter_leaves_no_stray_output(model: nn.Module) -> None:
    """Sweep E: `w.to(x.dtype)` (and spectral_norm's `flatten` of a 2-D weight) gave back the
    parameter itself; its node, which later ops did not read (autograd links them to the
    parameter), was drawn as a second, unused output of the model. A call that changes
    nothing is no step of the computation: the ops read the parameter, every one counted."""
    g = ng.trace(model, torch.randn(5, 4), loss=total)
    (output,) = g.graph["outputs"]
    assert g.nodes[output]["shape"] == [] and g.graph["unused"] == []
    assert not ops(g, "to") and not ops(g, "contiguous")
    loss = total(model(torch.randn(5, 4)))
    assert graph_classes(g, output) == classes(autograd_nodes(loss.grad_fn))
    used = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert f"Trainable params used in this graph: {used}" in g.summary()
    assert g.health() == []


class WritesIntoItsBank(nn.Module):
    """A memory bank kept as a frozen parameter, written in the forward: `setitem` and an
    `out=` write give the parameter back too, but they are writes."""

    def __init__(self, out: bool) -> None:
        super().__init__()
        self.fc, self.out = nn.Linear(6, 4), out
        self.bank = nn.Parameter(torch.zeros(4, 6), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.out:
            torch.add(self.bank, x.mean(0).detach(), out=self.bank)
        else:
            self.bank[0] = x.mean(0).detach()
        return self.fc(x) + x @ self.bank.t()


@pytest.mark.parametrize("out", [False, True], ids=["setitem", "out="])
def test_a_write_into_a_parameter_that_gives_it_back_is_still_drawn(out: bool) -> None:
    """RG-B: taking every call that gives back its parameter for a pass-through dropped the
    write and left the written value as a stray output."""
    g = ng.trace(WritesIntoItsBank(out), torch.randn(8, 6), loss=total)
    assert ops(g, "add" if out else "setitem") and g.graph["unused"] == []


def test_dead_relu_units_are_counted_per_feature() -> None:
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU())
    with torch.no_grad():
        model[0].bias[:3] = -100.0  # three units can never fire
        model[0].bias[3:] = 100.0
    g = ng.trace(model, torch.randn(16, 3), loss=total)
    (relu,) = ops(g, "relu")
    assert relu["dead"] == [3, 8]


@pytest.mark.parametrize(
    ("shape", "unit_dim"),
    [((16, 8), 1), ((4, 6, 8), 2), ((2, 8, 5, 5), 1), ((4, 8, 64, 64), 1)],
    ids=["features", "sequence", "channels", "large"],
)
def test_dead_units_of_every_relu_are_counted_on_their_own(
    shape: tuple[int, ...], unit_dim: int
) -> None:
    x = torch.randn(*shape, requires_grad=True)
    with ng.record() as rec:
        outs = []
        for dead in (0, 2, 5):  # three outputs of one shape, reduced together
            shift = torch.zeros(shape[unit_dim])
            shift[:dead] = -1e6
            outs.append(torch.relu(x + shift.reshape([-1] + [1] * (len(shape) - unit_dim - 1))))
        sum(o.sum() for o in outs).backward()
    counts = [d["dead"] for d in sorted(ops(rec.graph, "relu"), key=lambda d: d["call"])]
    assert counts == [[0, shape[unit_dim]], [2, shape[unit_dim]], [5, shape[unit_dim]]]


@pytest.mark.parametrize(
    ("activation", "op"),
    [
        (nn.ReLU6(), "hardtanh"),
        (nn.ReLU6(inplace=True), "hardtanh"),
        (lambda h: h.clamp(min=0), "clamp"),
        (lambda h: torch.clamp(h, 0, 6), "clamp"),
        (lambda h: h.clamp_min(0.0), "clamp_min"),
    ],
    ids=["ReLU6", "ReLU6-inplace", "clamp-min", "clamp-both", "clamp_min"],
)
def test_relu6_and_a_hand_written_clamp_at_zero_count_dead_units(activation: Any, op: str) -> None:
    layer = nn.Linear(3, 8)
    with torch.no_grad():
        layer.bias[:3] = -100.0  # three units can never fire
        layer.bias[3:] = 3.0  # the others fire, below ReLU6's top
    x = torch.randn(256, 3) * 0.1  # 3 of 8 silent: on 16 examples that can be chance
    with ng.record() as rec:
        total(activation(layer(x))).backward()
    (rectifier,) = ops(rec.graph, op)
    assert rectifier["dead"] == [3, 8]
    assert [f["kind"] for f in rec.graph.health()] == ["dead"]


def test_a_clamp_or_hardtanh_that_does_not_cut_at_zero_has_no_dead_units() -> None:
    layer = nn.Linear(3, 8)
    with torch.no_grad():
        layer.bias[:3] = -100.0  # all at the lower bound, which is not zero
    with ng.record() as rec:
        total(nn.Hardtanh()(layer(torch.randn(16, 3))) + layer(torch.randn(16, 3)).clamp(-1, 1))
    assert all(d["dead"] is None for _, d in rec.graph.nodes(data=True))


def test_batchnorm_counter_is_state_not_an_output() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU())
    g = ng.trace(model, torch.randn(2, 1, 5, 5), loss=total)
    assert len(g.graph["outputs"]) == 1
    assert not any(d["name"] == "1.num_batches_tracked" for _, d in g.nodes(data=True))
    (bn_weight,) = by_name(g, "1.weight")
    assert g.nodes[bn_weight]["module_type"] == "BatchNorm2d"


def test_inputs_and_outputs_are_named_after_their_variables() -> None:
    a = torch.randn(3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    with ng.record() as rec:
        c = torch.sqrt(a**2 + b**2).mean()
        c.backward()
    labels = sorted(
        d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] in ("input", "output")
    )
    assert labels == ["a", "b", "c"]
    (a_node,) = [d for _, d in rec.graph.nodes(data=True) if d["name"] == "a"]
    assert abs(a_node["grad"]["norm"] - a.grad.norm().item()) < 1e-5


def test_a_result_held_by_two_variables_keeps_the_first_name() -> None:
    w = torch.randn(3, requires_grad=True)
    with ng.record() as rec:
        loss = (w * 2).sum()
        best = loss  # kept as the best loss so far: the same tensor
        loss.backward()
    assert best is loss
    outputs = [d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "output"]
    assert outputs == ["loss"]


def test_a_sparse_embedding_gradient_has_the_statistics_of_its_dense_form() -> None:
    model = nn.Sequential(nn.Embedding(10, 4, sparse=True), nn.Flatten(), nn.Linear(8, 1))
    tokens = torch.tensor([[1, 2], [2, 7]])
    total(model(tokens)).backward()
    expected = ng.capture.stats_of(model[0].weight.grad.to_dense())
    model.zero_grad(set_to_none=True)
    g = ng.trace(model, tokens, loss=total)
    (embedding,) = by_name(g, "0.weight")
    assert g.nodes[embedding]["grad"] == expected
    assert expected is not None and expected["zero_frac"] == pytest.approx(28 / 40)


def test_an_empty_batch_is_captured() -> None:
    """The last batch of a filtered loader can be empty: PyTorch runs it, so must we."""
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    g = ng.trace(model, torch.randn(0, 4), loss=lambda y: y.sum())
    (relu,) = ops(g, "relu")
    assert relu["shape"] == [0, 3] and relu["value"] is None and relu["dead"] is None
    assert g.graph["complete"]


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_function_transforms_inside_a_recording() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    x = torch.randn(5, 3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        with ng.record(model) as rec:
            torch.vmap(model)(x).sum().backward()
            torch.vmap(lambda t: t.sin() * 2)(torch.randn(4, 30_000))  # large: held values
            torch.func.jvp(torch.sin, (x,), (torch.ones(5, 3),))
    g = rec.graph
    assert g.graph["complete"]
    weights = [d for _, d in g.nodes(data=True) if d["name"] == "0.weight"]
    assert len(weights) == 1 and weights[0]["grad"]["norm"] == pytest.approx(
        model[0].weight.grad.norm().item(), rel=1e-5
    )


def test_ops_inside_vmap_and_func_transforms_keep_their_own_op_and_module() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    with ng.record(model) as rec:
        loss = torch.vmap(model)(torch.randn(5, 3)).pow(2).mean()
        loss.backward()
    g = rec.graph
    assert graph_classes(g) == classes(autograd_nodes(loss.grad_fn))
    (relu,) = [d for _, d in g.nodes(data=True) if d["backward"] == "ReluBackward0"]
    assert (relu["op"], relu["module"]) == ("relu", "1")
    mm = [d["module"] for _, d in g.nodes(data=True) if d["backward"] == "MmBackward0"]
    assert sorted(mm) == ["0", "2"] and [d["op"] for d in ops(g, "pow")] == ["pow"]
    assert [g.nodes[o]["label"] for o in g.graph["outputs"]] == ["loss"]

    fc = nn.Linear(4, 4)
    with ng.record(fc) as rec:
        _, tangent = torch.func.jvp(torch.tanh, (fc(torch.randn(5, 4)),), (torch.ones(5, 4),))
        tangent.sum().backward()
    g = rec.graph
    params = Counter(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    assert params == {"weight": 1, "bias": 1} and len(ops(g, "sum")) == 1
    assert [d["backward"] for d in ops(g, "tanh")] == ["TanhBackward0"]

    def loss_of(p: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
        return torch.func.functional_call(model, p, (x,)).pow(2).sum()

    model.zero_grad()
    with ng.record(model) as rec:  # per-sample gradients, then a backward through them
        per_sample = torch.vmap(torch.func.grad(loss_of), in_dims=(None, 0))(
            dict(model.named_parameters()), torch.randn(6, 3)
        )
        sum(p.pow(2).sum() for p in per_sample.values()).backward()  # type: ignore[union-attr]
    g = rec.graph
    params = Counter(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    assert params == {"0.weight": 1, "0.bias": 1, "2.weight": 1, "2.bias": 1}
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "0.weight"]
    assert weight["backward"] == "AccumulateGrad" and weight["grad"]["norm"] == pytest.approx(
        model[0].weight.grad.norm().item(), rel=1e-5
    )
    assert not [d for _, d in g.nodes(data=True) if d["kind"] == "input" and d["name"] is None]


def test_inference_mode_inside_a_recording_is_shown_untracked() -> None:
    model = nn.Linear(4, 4)
    x = torch.randn(2, 4)
    with ng.record(model) as rec:
        with torch.inference_mode():
            reference = model(x)
        loss = (model(x) - reference.clone()).pow(2).mean()
        loss.backward()
    g = rec.graph
    assert g.graph["complete"]
    assert graph_classes(g) >= classes(autograd_nodes(loss.grad_fn))
    assert len(by_name(g, "weight")) == 1  # one node, read both inside and outside
    untracked = [d for d in ops(g, "linear") if not d["tracked"]]
    assert len(untracked) == 1


def test_a_recording_inside_another_shows_the_users_ops_only() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = torch.randn(2, 3)
    with ng.record(model) as outer:
        with ng.record(model) as inner:
            model(x).sum().backward()
        ng.trace(model, x, loss=lambda y: y.sum())

    def op_counts(g: ng.Graph) -> Counter[str]:
        return Counter(d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op")

    once = Counter(linear=4, relu=1, sum=1)  # each linear: addmm and the weight's transpose
    assert op_counts(inner.graph) == once
    assert op_counts(outer.graph) == once + once  # the block's, then trace's


@pytest.mark.filterwarnings("ignore:Lazy modules are a new feature")
def test_lazy_modules_that_have_not_run_yet() -> None:
    model = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(1))
    g = ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())
    assert sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param") == [
        "0.bias", "0.weight", "2.bias", "2.weight"
    ]  # fmt: skip
    fresh = nn.Sequential(nn.LazyLinear(4), nn.ReLU())
    with ng.record() as rec:
        fresh(torch.randn(2, 3)).sum().backward()
    assert rec.graph.graph["complete"]


def test_a_nan_does_not_make_live_relu_units_dead_or_gradients_accumulated() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    with torch.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.zero_()
    x = torch.tensor([[float("nan"), 1.0], [2.0, 3.0]])  # the second example: every unit 5
    with ng.record(model) as rec:
        model(x).sum().backward()
    g = rec.graph
    (relu,) = ops(g, "relu")
    assert relu["dead"] == [0, 3]
    params = [d for _, d in g.nodes(data=True) if d["kind"] == "param"]
    assert [d["grad_accumulated"] for d in params] == [False, False]


def test_units_that_are_nan_for_every_example_are_not_called_dead() -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    with torch.no_grad():
        model[0].bias.copy_(torch.tensor([-100.0, 0.0, 0.0]))
        model[0].weight.copy_(torch.tensor([[0.0, 0.0], [float("nan"), 0.0], [1.0, 0.0]]))
    x = torch.tensor([[1.0, 1.0], [2.0, 3.0]])  # unit 0 is dead, unit 1 NaN, unit 2 alive
    g = ng.trace(model, x, loss=lambda y: y.sum())
    (relu,) = ops(g, "relu")
    assert relu["dead"] == [1, 3]
    g = ng.trace(model, torch.full((2, 2), float("nan")), loss=lambda y: y.sum())
    (relu,) = ops(g, "relu")
    assert relu["dead"] == [0, 3]
    assert "dead" not in [f["kind"] for f in g.health()]


def test_leaf_gradients_from_autograd_grad() -> None:
    """`torch.autograd.grad` (a gradient penalty, a Hessian-vector product) hands the leaves'
    gradients back instead of running their nodes."""
    model = nn.Linear(3, 1)
    x = torch.randn(2, 3, requires_grad=True)
    with ng.record(model) as rec:
        out = model(x).pow(2).sum()
        grads = torch.autograd.grad(out, [model.weight, x])
    g = rec.graph
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "weight"]
    (leaf,) = [d for _, d in g.nodes(data=True) if d["name"] == "x"]
    assert weight["grad"]["norm"] == pytest.approx(grads[0].norm().item(), rel=1e-5)
    assert leaf["grad"]["norm"] == pytest.approx(grads[1].norm().item(), rel=1e-5)
    assert model.weight.grad is None and x.grad is None


def test_two_models_recorded_without_a_model_add_up() -> None:
    encoder, head = nn.Linear(4, 3), nn.Linear(3, 100)
    with ng.record() as rec:
        head(encoder(torch.randn(2, 4))).sum().backward()
    modules = rec.graph.graph["modules"]
    assert modules["Linear"]["params"] == 400  # the second model, named after its class
    assert modules[""]["params"] == 15 + 400  # the root holds both, as the summary's total
    assert modules[""]["type"] == "Linear + Linear"  # and says so
    assert "Total params: 415" in rec.graph.summary()


def test_dead_units_of_a_conv1d_are_its_channels() -> None:
    conv = nn.Conv1d(4, 8, 3, padding=1)
    with torch.no_grad():
        conv.bias[:3] = -100.0  # channels 0-2 never fire
    model = nn.Sequential(conv, nn.ReLU())
    (relu,) = ops(ng.trace(model, torch.randn(2, 4, 50), loss=lambda y: y.sum()), "relu")
    assert relu["dead"] == [3, 8]
    # a sequence model's features are last: (batch, tokens, features)
    seq = nn.Sequential(nn.Linear(4, 6), nn.ReLU())
    with torch.no_grad():
        seq[0].bias[:2] = -100.0
    (relu,) = ops(ng.trace(seq, torch.randn(2, 50, 4), loss=lambda y: y.sum()), "relu")
    assert relu["dead"] == [2, 6]


class ConvOverTime(nn.Module):
    """A Conv1d over time whose output is turned to (batch, time, channels), as before an RNN."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(3, 4, 3, padding=1)
        with torch.no_grad():
            self.conv.bias[2] = -100.0  # channel 2 never fires

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.conv(x).transpose(1, 2))


def test_dead_units_follow_a_transpose_and_an_untracked_convolution() -> None:
    torch.manual_seed(0)
    model, x = ConvOverTime(), torch.randn(2, 3, 10)
    (relu,) = ops(ng.trace(model, x, loss=lambda y: y.sum()), "relu")
    assert relu["dead"] == [1, 4]  # channels, now the last dimension; not 10 time steps
    with torch.no_grad(), ng.record() as rec:  # a frozen feature extractor: no autograd nodes
        torch.relu(model.conv(x))
    (relu,) = ops(rec.graph, "relu")
    assert relu["dead"] == [1, 4]  # channels, dimension 1


def test_a_namespace_with_keys_that_are_not_names_still_names_the_variables() -> None:
    x = torch.randn(2, 3)
    namespace: dict[Any, Any] = {42: torch.ones(1), ("a", 1): x, "x": x}
    with ng.record(names=namespace) as rec:
        y = (x * 2).sum()
        namespace["y"] = y
    labels = sorted(d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] != "op")
    assert labels == ["x", "y"]


def test_names_starting_with_an_underscore_are_not_used_and_break_nothing() -> None:
    attn = nn.MultiheadAttention(8, 2, batch_first=True)
    q = torch.randn(2, 5, 8)
    with ng.record(attn) as rec:
        out, _ = attn(q, q, q)  # the attention weights are thrown away
        out.pow(2).mean().backward()
    labels = {d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "output"}
    assert "_" not in labels
    with pytest.raises(ValueError, match="the user's own"), ng.record(attn):
        _h, _ = attn(q, q, q)
        raise ValueError("the user's own")


def test_a_model_on_the_meta_device_is_traced_by_shapes_alone() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).to("meta")
    x = torch.randn(2, 3, device="meta")
    g = ng.trace(model, x, loss=lambda y: y.sum())
    assert [d["shape"] for d in ops(g, "relu")] == [[2, 4]]
    assert all(d["value"] is None and d["dead"] is None for d in ops(g, "relu"))
    model(x).sum().backward()  # `.grad` already there: a second backward adds to it
    with ng.record(model) as rec:
        model(x).sum().backward()
    assert rec.graph.graph["complete"]


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors is in prototype")
def test_nested_tensors_are_captured_without_a_shape() -> None:
    linear = nn.Linear(3, 3)
    x = torch.nested.nested_tensor([torch.randn(2, 3), torch.randn(4, 3)])
    g = ng.graph_of(linear(x))
    assert any(d["kind"] == "op" for _, d in g.nodes(data=True))
    g = ng.trace(linear, x)
    assert g.graph["complete"]
    (node,) = ops(g, "linear")
    assert node["shape"] is None


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors is in prototype")
@pytest.mark.parametrize("layout", ["jagged", "strided", "sparse"])
def test_a_relu_on_a_nested_or_sparse_tensor_keeps_recording(layout: str) -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        with ng.record() as rec:
            if layout == "sparse":
                s = torch.randn(4, 4).to_sparse().requires_grad_()
                loss = torch.sparse.sum(torch.relu(s))
            else:
                parts = [torch.randn(3, 3), torch.randn(2, 3)]
                x = torch.nested.nested_tensor(parts, layout=getattr(torch, layout))
                out = model(x)
                loss = (out.values() if layout == "jagged" else torch.cat(out.unbind())).sum()
            loss.backward()
    g = rec.graph
    assert g.graph["complete"]
    assert classes(autograd_nodes(loss.grad_fn)) == graph_classes(g)


class _Wrapped(torch.Tensor):
    """A wrapper tensor subclass of the kind DTensor and torchao's int8 weights are."""

    elem: torch.Tensor

    @staticmethod
    def __new__(cls, elem: torch.Tensor) -> _Wrapped:
        kwargs = {"dtype": elem.dtype, "device": elem.device, "requires_grad": elem.requires_grad}
        wrapper = torch.Tensor._make_wrapper_subclass(
            cls, elem.shape, strides=elem.stride(), **kwargs
        )
        wrapper.elem = elem
        return wrapper  # type: ignore[no-any-return]

    __torch_function__ = torch._C._disabled_torch_function_impl  # type: ignore[assignment]

    @classmethod
    def __torch_dispatch__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        from torch.utils._pytree import tree_map

        def unwrap(t: Any) -> Any:
            return t.elem if isinstance(t, _Wrapped) else t

        out = func(*tree_map(unwrap, args), **tree_map(unwrap, kwargs or {}))
        return tree_map(lambda t: _Wrapped(t) if isinstance(t, torch.Tensor) else t, out)


def test_a_wrapper_tensor_subclass_or_a_fake_tensor_gives_a_graph() -> None:
    from torch._subclasses.fake_tensor import FakeTensorMode

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = _Wrapped(torch.randn(5, 3))
    g = ng.trace(model, x, loss=lambda y: y.sum())
    assert g.graph["complete"]
    # values the wrapper dispatches itself are not read: left None
    assert {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param"} == {
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
    }
    with ng.record() as rec:
        loss = model(x).sum()
        loss.backward()
    assert rec.graph.graph["complete"]
    assert ng.graph_of(loss, params=model).number_of_nodes() > 0
    with FakeTensorMode():
        fake_model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("error", NNGraphWarning)
            g = ng.trace(fake_model, torch.randn(5, 3), loss=lambda y: y.sum())
    assert g.graph["complete"]
    assert all(d["value"] is None for _, d in g.nodes(data=True))


def test_a_jacobian_from_batched_gradients_inside_a_recording() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = torch.randn(3, requires_grad=True)
    want = torch.autograd.functional.jacobian(model, x)
    with ng.record() as rec:
        y = model(x)
        (jacobian,) = torch.autograd.grad(y, x, torch.eye(2), is_grads_batched=True)
    assert torch.allclose(jacobian, want)
    assert rec.graph.graph["complete"]
    assert classes(autograd_nodes(y.grad_fn)) == graph_classes(rec.graph)


def test_parameters_of_a_model_outside_the_trace_are_parameters_and_come_first() -> None:
    torch.manual_seed(0)
    generator = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 3))
    critic = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    g = ng.trace(critic, generator(torch.randn(8, 2)), loss=lambda y: y.mean())
    kinds = Counter(d["kind"] for _, d in g.nodes(data=True) if d["kind"] in ("param", "input"))
    assert kinds == {"param": 8}  # the generator's four are parameters, not inputs
    (cut,) = g.graph["cut_inputs"]  # the critic's input: the generator's op that made it
    assert g.nodes[cut]["shape"] == [8, 3] and g.nodes[cut]["grad"] is not None
    assert ng.trace(critic, torch.randn(8, 3), loss=total).graph["cut_inputs"] == []
    assert sum(d["params"] for _, d in g.nodes(data=True)) == sum(
        p.numel() for m in (generator, critic) for p in m.parameters()
    )
    # the generator's ops ran first, so the critic's modules keep their order
    assert [m["path"] for m in modules_list(g)] == ["", "0", "1", "2"]
    assert [line.split()[0] for line in g.summary().splitlines()[3:7]] == ["(model)", "0", "1", "2"]


def test_a_parameter_used_without_a_module_is_named_after_its_variable() -> None:
    w = nn.Parameter(torch.randn(3))
    x = torch.randn(4, 3)
    with ng.record() as rec:
        (x @ w).sum().backward()
    assert [(d["kind"], d["name"]) for _, d in rec.graph.nodes(data=True) if d["name"]] == [
        ("param", "w"),
        ("input", "x"),
    ]


class _ClassUnknown:
    """An object whose `__class__` raises: `isinstance` on it runs that code of the user's."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # type: ignore[override]
        raise RuntimeError("no class")


def test_naming_reads_a_namespace_without_running_its_objects_code() -> None:
    x = torch.ones(2, requires_grad=True)
    odd, odds = _ClassUnknown(), [_ClassUnknown()]  # in the namespace the names are read from
    with ng.record() as rec:
        y = (x * 2).sum()
    assert {d["label"] for _, d in rec.graph.nodes(data=True)} >= {"x", "y"}
    assert ng.graph_of(y, names=locals()).number_of_nodes() == 4
    huge = {10**5000: x}  # a key Python will not write: left out, not a ValueError
    assert ng.graph_of(y, names=locals()).number_of_nodes() == 4
    assert huge


def test_hand_made_weights_kept_in_a_list_or_a_dict_are_named_by_their_place() -> None:
    """CS231n and d2l keep the weights of a from-scratch network in a list or a dict."""
    w1, b1 = torch.randn(4, 8, requires_grad=True), torch.zeros(8, requires_grad=True)
    params = [w1, b1]
    P = {"W2": torch.randn(8, 1, requires_grad=True)}
    x = torch.randn(5, 4)
    with ng.record() as rec:
        h = torch.relu(x @ params[0] + params[1])
        (h @ P["W2"]).pow(2).mean().backward()
    names = {d["name"] for _, d in rec.graph.nodes(data=True) if d["backward"] == "AccumulateGrad"}
    assert names == {"w1", "b1", "P['W2']"}  # a variable of its own names it first
    with ng.record() as rec:
        masks = [x > 0]  # what a recorded op made keeps its op's label
        (x * masks[0]).sum()
    assert next(d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op") == "gt"
    g = ng.graph_of(h.sum(), names={"params": params, "P": P})
    assert {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "input"} == {
        "params[0]",
        "params[1]",
    }


class _BumpsAView(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        h[:, 0] += 1
        h[:, 1].mul_(2)
        return h


def test_an_in_place_op_on_a_view_leaves_no_extra_output() -> None:
    g = ng.trace(_BumpsAView(), torch.randn(3, 4), loss=total)
    assert [g.nodes[o]["shape"] for o in g.graph["outputs"]] == [[]]  # the loss only
    model, x = _BumpsAView(), torch.randn(3, 4)
    with ng.record() as rec:
        model(x)
    assert [rec.graph.nodes[o]["shape"] for o in rec.graph.graph["outputs"]] == [[3, 4]]


def test_a_tensor_first_met_by_an_in_place_op_shows_the_values_it_came_with() -> None:
    x = torch.full((3,), 5.0)
    w = nn.Parameter(torch.full((2,), 3.0))
    with ng.record() as rec:
        y = x.sub_(1) * 2  # an input normalised in place
        with torch.no_grad():
            w.clamp_(-1, 1)  # weight clipping: an update of the weights, left out
        z = (w * y.sum()).sum()
    data = [d for _, d in rec.graph.nodes(data=True) if d["kind"] in ("input", "param")]
    # w as the computation used it: 2 * 1 * 24 = 48
    assert {d["name"]: d["value"]["mean"] for d in data} == {"x": 5.0, "w": 1.0}
    assert z.item() == pytest.approx(48.0)
    assert sorted(d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op") == [
        "mul",
        "mul",
        "sub_",
        "sum",
        "sum",
    ]


def _ema_lerp(ema: nn.Module, model: nn.Module) -> None:
    for pe, p in zip(ema.parameters(), model.parameters(), strict=True):
        pe.lerp_(p, 0.01)


def _ema_data(ema: nn.Module, model: nn.Module) -> None:
    for pe, p in zip(ema.parameters(), model.parameters(), strict=True):
        pe.data.mul_(0.99).add_(p.data, alpha=0.01)


def _ema_copy(ema: nn.Module, model: nn.Module) -> None:
    for pe, p in zip(ema.parameters(), model.parameters(), strict=True):
        pe.copy_(0.99 * pe + 0.01 * p)


def _ema_foreach(ema: nn.Module, model: nn.Module) -> None:  # timm's ModelEmaV3
    torch._foreach_lerp_(list(ema.parameters()), list(model.parameters()), 0.01)


def _ema_state_dict(ema: nn.Module, model: nn.Module) -> None:  # timm's ModelEmaV2
    for ema_v, model_v in zip(ema.state_dict().values(), model.state_dict().values(), strict=True):
        ema_v.copy_(ema_v * 0.99 + 0.01 * model_v)


def _clip(ema: nn.Module, model: nn.Module) -> None:  # the original WGAN's weight clipping
    for p in ema.parameters():
        p.data.clamp_(-0.01, 0.01)


@pytest.mark.parametrize(
    "update", [_ema_lerp, _ema_data, _ema_copy, _ema_foreach, _ema_state_dict, _clip]
)
def test_a_hand_written_ema_of_the_weights_is_left_out_and_its_model_folds(
    update: Callable[[nn.Module, nn.Module], None],
) -> None:
    """`pe.lerp_(p, 0.01)` under `no_grad` after the step: the update showed as top-level ops
    wired into the EMA copy's layers, which then never folded into a box (sweep s34 R, 3);
    so did the other ways to write it (regression sweep s34 RG2, finding 2)."""
    torch.manual_seed(0)
    x, y = torch.randn(8, 4), torch.randint(0, 2, (8,))
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2))
    ema = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 2)).requires_grad_(False)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        with torch.no_grad():
            update(ema, model)
            ema_out = ema(x)
    g = rec.graph
    top = {d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op" and not d["module"]}
    assert top == {"cross_entropy"}
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "Sequential.0.weight"]
    assert weight["value"]["mean"] == pytest.approx(ema[0].weight.mean().item())  # as used
    assert "m:Sequential" in g.collapse(0)
    assert ema_out.shape == (8, 2)


def test_a_write_into_a_row_of_a_weight_is_left_out_and_a_kept_read_shows_it_as_read() -> None:
    """`weight[0].zero_()` under no_grad is an update (it showed getitem and zero_ ops); a
    weight read by a kept no_grad computation before a clip shows the values it read
    (regression sweep s34 RG5, findings B and C)."""
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    with ng.record() as rec:
        with torch.no_grad():
            model.weight[0].zero_()
        model(torch.randn(4, 3)).sum().backward()
    assert {d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op"} == {
        "linear",
        "sum",
    }
    w = nn.Parameter(torch.full((3, 2), 2.0))
    with ng.record() as rec, torch.no_grad():
        pred = torch.ones(4, 3) @ w
        w.clamp_(-0.1, 0.1)
    (weight,) = [d for _, d in rec.graph.nodes(data=True) if d["kind"] == "param"]
    assert weight["value"]["max"] == 2.0 and pred.max().item() == 6.0


def test_a_model_of_parameters_alone_evaluated_under_no_grad_stays_in_the_graph() -> None:
    """`U @ V.T` under `no_grad` at top level reads weights alone, and is no update: it lost
    its ops and parameters (regression sweep s34 RG4b, finding 1)."""
    torch.manual_seed(0)
    u, v, r = nn.Parameter(torch.randn(4, 2)), nn.Parameter(torch.randn(3, 2)), torch.randn(4, 3)
    with ng.record() as rec, torch.no_grad():
        ((u @ v.T - r) ** 2).mean()
    g = rec.graph
    assert sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param") == ["u", "v"]
    assert sorted(d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op") == [
        "T",
        "matmul",
        "mean",
        "pow",
        "sub",
    ]


def test_an_embedding_with_max_norm_shows_the_weight_it_was_given() -> None:
    torch.manual_seed(0)
    emb = nn.Embedding(4, 3, max_norm=1.0)
    with torch.no_grad():
        emb.weight.mul_(10)
    before = emb.weight.detach().clone()
    g = ng.trace(emb, torch.tensor([0, 1]), loss=total)
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "weight"]
    assert weight["value"]["norm"] == pytest.approx(before.norm().item())
    assert torch.equal(emb.weight, before)  # and trace put the renormalised rows back


def test_a_model_built_inside_the_block_gives_the_graph_of_one_built_outside() -> None:
    def build() -> nn.Module:
        torch.manual_seed(0)
        return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))

    model = build()
    with ng.record() as outside:
        model(torch.ones(3, 4)).sum().backward()
    with ng.record() as inside:
        built = build()
        unused = torch.zeros(5)  # made, never used: no node
        built(torch.ones(3, 4)).sum().backward()
    assert unused.shape == (5,)

    def nodes(g: ng.Graph) -> list[tuple[str, str | None, str | None]]:
        return sorted((d["kind"], d["op"], d["name"]) for _, d in g.nodes(data=True))

    assert nodes(inside.graph) == nodes(outside.graph)  # no init ops, parameters named


class _KeepsLayersInAList(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.blocks = [nn.Linear(4, 5), nn.Linear(5, 6)]  # a plain list: not registered

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc(x)
        for block in self.blocks:
            x = block(x).tanh()
        return x


def test_layers_kept_in_a_plain_list_get_paths_of_their_own() -> None:
    g = ng.trace(_KeepsLayersInAList(), torch.randn(2, 4), loss=total)
    linears = [d["module"] for _, d in g.nodes(data=True) if d["backward"] == "AddmmBackward0"]
    assert linears == ["fc", "Linear", "Linear2"]
    modules = g.graph["modules"]
    assert (modules["Linear"]["params"], modules["Linear2"]["params"]) == (25, 36)
    names = {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert names == {f"{m}.{p}" for m in ("fc", "Linear", "Linear2") for p in ("weight", "bias")}


_SHARED_ROTATION = nn.Tanh()  # a module no model registers (HF's rotary helper with `kernels`)
_SHARED_LAYER = nn.Linear(4, 4)


class _CallsGlobalModules(nn.Module):
    def __init__(self, *, shared_layer: bool) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.shared_layer = shared_layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = _SHARED_ROTATION(self.fc(x))
        return x + (_SHARED_LAYER(y) if self.shared_layer else y)


def test_a_global_module_every_block_calls_runs_in_each_block() -> None:
    """Sweeps M1/M2: Llama's rotary ops of layers 1-3 were filed under layer 0 (the first
    caller's path), drawn as arrows back into it, and the layers did not fold."""
    model = nn.Sequential(*[_CallsGlobalModules(shared_layer=False) for _ in range(3)])
    g = ng.trace(model, torch.randn(2, 4), loss=total)
    tanh = [d["module"] for _, d in g.nodes(data=True) if d["op"] == "tanh"]
    assert tanh == ["0.Tanh", "1.Tanh", "2.Tanh"]
    folded = g.collapse(0)
    labels = [d["label"] for _, d in folded.nodes(data=True) if d["kind"] == "module"]
    assert labels == ["_CallsGlobalModules x3"]


def test_a_global_layer_every_block_calls_is_shared_by_them() -> None:
    model = nn.Sequential(*[_CallsGlobalModules(shared_layer=True) for _ in range(3)])
    g = ng.trace(model, torch.randn(2, 4), loss=total)
    linears = [d["module"] for _, d in g.nodes(data=True) if d["backward"] == "AddmmBackward0"]
    assert linears == ["0.fc", "0.Linear", "1.fc", "1.Linear", "2.fc", "2.Linear"]
    modules = g.graph["modules"]
    assert [modules[f"{i}.Linear"].get("shared", 0) for i in range(3)] == [0, 20, 20]
    assert all(modules[f"{i}.Linear"]["registered"] is False for i in range(3))
    names = {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert names == {
        f"{m}.{p}" for m in ("0.fc", "1.fc", "2.fc", "0.Linear") for p in ("weight", "bias")
    }


def test_zeroing_a_row_of_a_weight_under_no_grad_keeps_recording() -> None:
    model, x = nn.Linear(4, 3), torch.randn(2, 4)
    with ng.record(model) as rec:
        with torch.no_grad():
            model.weight[0].zero_()  # a "dead neuron" demo
        loss = model(x).sum()
        loss.backward()
    g = rec.graph
    assert g.graph["complete"]
    assert [g.nodes[o]["label"] for o in g.graph["outputs"]] == ["loss"]
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "weight"]
    assert weight["grad"]["norm"] == pytest.approx(model.weight.grad.norm().item())


def test_a_model_met_first_by_an_in_place_update_gets_its_names() -> None:
    torch.manual_seed(0)
    student = nn.Linear(4, 2)
    teacher = nn.Linear(4, 2).requires_grad_(False)
    x = torch.randn(5, 4)
    with ng.record(student) as rec:
        with torch.no_grad():  # a mean-teacher update before the teacher runs
            teacher.weight.mul_(0.99).add_(student.weight, alpha=0.01)
            target = teacher(x)
        loss = (student(x) - target).pow(2).mean()
        loss.backward()
    names = {d["name"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "param"}
    assert names == {"weight", "bias", "Linear.weight", "Linear.bias"}


def test_results_computed_without_gradients_are_named_after_their_variables() -> None:
    model, x, y = nn.Linear(4, 3), torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])
    with ng.record(model) as rec:
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y)
        loss.backward()
        # never read again: only its name matters, the graph labels the output with it
        acc = (logits.argmax(1) == y).float().mean()  # noqa: F841
    g = rec.graph
    assert sorted(g.nodes[o]["label"] for o in g.graph["outputs"]) == ["acc", "loss"]


def test_a_reentrant_checkpoint_says_its_layers_are_not_shown() -> None:
    torch.manual_seed(0)
    inner, head = nn.Linear(4, 4), nn.Linear(4, 2)
    x = torch.randn(3, 4, requires_grad=True)
    with pytest.warns(NNGraphWarning, match="use_reentrant=False") as caught, ng.record() as rec:
        hidden = torch.utils.checkpoint.checkpoint(
            lambda t: torch.relu(inner(t)), x, use_reentrant=True
        )
        head(hidden).sum().backward()
    assert [w.filename for w in caught if w.category is NNGraphWarning] == [__file__]
    assert inner.weight.grad is not None  # the computation itself is untouched
    assert "CheckpointFunction" in {d["op"] for _, d in rec.graph.nodes(data=True)}


class _CheckpointedSquare(nn.Module):
    """A custom Function and a layer with a full backward hook inside a checkpointed part."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how  # "none", "non-reentrant" or "reentrant"
        self.first, self.inner, self.head = nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 2)
        self.inner.register_full_backward_hook(lambda module, grad_in, grad_out: None)

    def part(self, h: torch.Tensor) -> torch.Tensor:
        return Square.apply(self.inner(h)) + h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.first(x)
        if self.how != "none":
            reentrant = self.how == "reentrant"
            h = torch.utils.checkpoint.checkpoint(self.part, h, use_reentrant=reentrant)
        else:
            h = self.part(h)
        return self.head(h)


def _op_nodes(g: ng.Graph) -> list[tuple[str, str, bool]]:
    nodes = [d for _, d in g.nodes(data=True) if d["kind"] == "op"]
    return sorted((d["op"], d["backward"], d["grad"] is not None) for d in nodes)


def test_a_custom_function_recomputed_by_checkpointing_is_not_recorded_again() -> None:
    x = torch.randn(3, 4)
    graphs = {}
    for how in ("none", "non-reentrant", "reentrant"):
        torch.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graphs[how] = ng.trace(_CheckpointedSquare(how), x, loss=lambda y: y.pow(2).mean())
    assert _op_nodes(graphs["non-reentrant"]) == _op_nodes(graphs["none"])
    for g in graphs.values():
        assert len(g.graph["outputs"]) == 1 and not g.graph["unused"]
    # reentrant: one op, its inside (Square, the hook's Function) not recorded during backward
    reentrant = {op for op, _, _ in _op_nodes(graphs["reentrant"])}
    assert "CheckpointFunction" in reentrant
    assert not reentrant & {"Square", "BackwardHookFunction"}


class _RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return torch.round(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad  # straight through


class _FakeQuantTensor(torch.Tensor):
    """Rounds what relu gives, with a straight-through Function, in its `__torch_function__`:
    the recording's mode is off the stack there, running `relu`."""

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        with torch._C.DisableTorchFunctionSubclass():
            out = func(*args, **(kwargs or {}))
        return _RoundSTE.apply(out) if func is torch.Tensor.relu else out


class _FakeQuantNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc, self.head = nn.Linear(3, 3), nn.Linear(3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x).as_subclass(_FakeQuantTensor).relu()
        return self.head(h.as_subclass(torch.Tensor))


def test_a_custom_function_a_tensor_subclass_applies_inside_an_op_is_recorded() -> None:
    torch.manual_seed(0)
    g = ng.trace(_FakeQuantNet(), torch.randn(4, 3), loss=lambda y: y.pow(2).mean())
    rounding = [d for _, d in g.nodes(data=True) if d["backward"] == "_RoundSTEBackward"]
    assert [d["op"] for d in rounding] == ["_RoundSTE"] and rounding[0]["grad"] is not None


def test_a_tensor_shaped_like_another_is_a_constant_not_computed_from_it() -> None:
    torch.manual_seed(0)
    critic = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = torch.randn(5, 3, requires_grad=True)
    with ng.record() as rec:  # a WGAN-GP gradient penalty
        out = critic(x)
        (g,) = torch.autograd.grad(out, x, grad_outputs=torch.ones_like(out), create_graph=True)
        penalty = ((g.norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
    labels = {d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "output"}
    assert labels == {"out", "penalty"}  # no `ones_like` op left dangling as an output
    assert "ones_like" not in {d["op"] for _, d in rec.graph.nodes(data=True)}


def test_graph_of_names_the_parameters_of_a_compiled_model_as_trace_does() -> None:
    model = nn.Sequential(nn.Linear(3, 1))
    compiled = torch.compile(model)  # not run: nothing is compiled, the wrapper is enough
    loss = model(torch.randn(2, 3)).sum()
    loss.backward()
    g = ng.graph_of(loss, params=compiled)
    assert sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param") == [
        "_orig_mod.0.bias",  # as `compiled.named_parameters()` names them
        "_orig_mod.0.weight",
    ]
    assert {d["module"] for _, d in g.nodes(data=True) if d["kind"] == "param"} == {"0"}


class _Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(10, 20), nn.Linear(20, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.b(torch.relu(self.a(x)))


class _WithCompiledEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.enc = torch.compile(_Encoder(), backend="eager")
        self.head = nn.Linear(2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.enc(x))


def test_a_compiled_submodule_is_captured_as_the_module_it_compiles() -> None:
    # `enc` was an `OptimizedModule` row with an `enc._orig_mod` level below it; its
    # parameters keep the names `named_parameters()` gives them (`enc._orig_mod.a.weight`)
    torch.manual_seed(0)
    model, x = _WithCompiledEncoder(), torch.randn(6, 10)
    names = sorted(name for name, _ in model.named_parameters())

    def check(g: ng.Graph) -> None:
        params = sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
        assert params == names
        assert not [path for path in g.graph["modules"] if "_orig_mod" in path]
        modules = {d["module"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
        assert modules == {"enc.a", "enc.b", "head"}
        if g.graph["source"] != "graph_of":  # its ops have no module
            assert g.graph["modules"]["enc"]["type"] == "_Encoder"
            assert g.graph["modules"]["enc"]["params"] == 262
            modules = {d["module"] for _, d in g.nodes(data=True) if d["kind"] == "op"}
            assert {"enc.a", "enc.b", "head"} <= modules
            table = g.summary().partition("Total params")[0]  # the rows of the modules
            assert "OptimizedModule" not in table and "_orig_mod" not in table

    check(ng.trace(model, x, loss=lambda y: y.sum()))
    with ng.record(model) as rec:
        model(x).sum().backward()
    check(rec.graph)
    with ng.record() as rec:
        model(x).sum().backward()
    check(rec.graph)
    model.zero_grad()
    with torch.compiler.set_stance("force_eager"):  # nothing to compile: a fast test
        loss = model(x).sum()
    loss.backward()
    check(ng.graph_of(loss, params=model))


class _WithClassToken(nn.Module):
    """A parameter held by the root itself (a ViT's class token) and a layer."""

    def __init__(self) -> None:
        super().__init__()
        self.token = nn.Parameter(torch.randn(4))
        self.fc = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x + self.token)


@pytest.mark.parametrize("compiled", ["block", "whole"])
def test_parameter_names_of_a_compiled_model_are_those_of_named_parameters(compiled: str) -> None:
    """A model with one `torch.compile`d block showed `2.weight` for what
    `model.named_parameters()` calls `2._orig_mod.weight` (sweep 24D, 7): looking a graph's
    parameter up in the model raised KeyError. A whole compiled model's are `_orig_mod.<name>`
    too; the module paths have no `_orig_mod` level in either."""
    from tests.capture.test_safety import assert_unchanged, snapshot

    torch.manual_seed(0)
    if compiled == "block":
        model: nn.Module = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        model[2] = torch.compile(model[2], backend="eager")
        places = {"0", "2"}
    else:
        model = torch.compile(_WithClassToken(), backend="eager")
        places = {"", "fc"}
    x = torch.randn(6, 4)
    with torch.compiler.set_stance("force_eager"):  # the plain run: nothing to compile
        model(x).pow(2).mean().backward()
    grads = {name: p.grad.clone() for name, p in model.named_parameters()}  # type: ignore[union-attr]
    model.zero_grad(set_to_none=True)
    before = snapshot(model)

    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    assert_unchanged(model, before)
    params = dict(model.named_parameters())
    nodes = [d for _, d in g.nodes(data=True) if d["kind"] == "param"]
    assert sorted(d["name"] for d in nodes) == sorted(params)
    for d in nodes:
        assert d["shape"] == list(params[d["name"]].shape)
        assert d["grad"]["norm"] == pytest.approx(grads[d["name"]].norm().item(), rel=1e-6)
    assert {d["module"] for d in nodes} == places
    assert not [path for path in g.graph["modules"] if "_orig_mod" in path]
    assert "_orig_mod" not in g.summary().partition("Total params")[0]  # no such module row
    # what a student reads is the model as written (sweep 25/S3, F2): boxes and sentences
    assert sorted(d["label"] for d in nodes) == sorted(n.replace("_orig_mod.", "") for n in params)

    with ng.record() as rec:
        model(x).pow(2).mean().backward()
    names = {d["name"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "param"}
    assert names == set(params)
    assert all(torch.equal(params[name].grad, grads[name]) for name in params)  # type: ignore[arg-type]
    with ng.record() as again:  # a second backward without zero_grad(): health names them all
        model(x).pow(2).mean().backward()
    said = " ".join(f["message"] for f in again.graph.health())
    assert "zero_grad()" in said and "_orig_mod" not in said
    assert all(name.replace("_orig_mod.", "") in said for name in params)


def test_weights_given_to_functional_call_are_named_as_the_module_holds_them() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.Linear(3, 1))
    weights = {k: v.detach().clone().requires_grad_() for k, v in model.named_parameters()}
    with ng.record(model) as rec:
        out = torch.func.functional_call(model, weights, (torch.randn(8, 4),))
        out.pow(2).mean().backward()
    params = {d["name"]: d for _, d in rec.graph.nodes(data=True) if d["kind"] == "param"}
    assert sorted(params) == sorted(weights)
    assert params["2.weight"]["module"] == "2"
    assert params["2.weight"]["grad"]["norm"] == pytest.approx(
        float(weights["2.weight"].grad.norm())
    )
    assert not [
        d for _, d in rec.graph.nodes(data=True) if d["kind"] == "input" and d["requires_grad"]
    ]


class _Tagger(nn.Module):
    def __init__(self, embedding: nn.Embedding) -> None:
        super().__init__()
        self.emb = embedding
        self.out = nn.Linear(8, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.out(self.emb(tokens))


class _SharedEmbedding(nn.Module):
    """Two parents holding one embedding, as tied encoder/decoder embeddings do."""

    def __init__(self) -> None:
        super().__init__()
        shared = nn.Embedding(12, 8)
        self.encoder, self.decoder = _Tagger(shared), _Tagger(shared)

    def forward(self, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.encoder(source).sum() + self.decoder(target).sum()


def test_a_module_shared_by_two_parents_runs_under_the_parent_calling_it() -> None:
    source, target = torch.randint(0, 12, (2, 5)), torch.randint(0, 12, (2, 4))
    g = ng.trace(_SharedEmbedding(), source, target, loss=lambda out: out)
    lookups = {d["module"]: d["shape"] for _, d in g.nodes(data=True) if d["op"] == "embedding"}
    assert lookups == {"encoder.emb": [2, 5, 8], "decoder.emb": [2, 4, 8]}
    (weight,) = [d for _, d in g.nodes(data=True) if d["kind"] == "param" and d["shape"] == [12, 8]]
    assert weight["name"] == "encoder.emb.weight"  # as named_parameters() names it
    assert g.graph["modules"][""]["params"] == sum(
        p.numel() for p in _SharedEmbedding().parameters()
    )


def test_a_leaf_made_from_a_recorded_result_is_fed_by_it() -> None:
    # WGAN-GP: the critic runs on interpolates made a leaf with requires_grad_()
    critic = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    real, fake = torch.randn(5, 4), torch.randn(5, 4)
    with ng.record(critic) as rec:
        eps = torch.rand(5, 1)
        interp = (eps * real + (1 - eps) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(interp).sum(), interp, create_graph=True)
        penalty = ((grad.norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
    g = rec.graph
    (leaf,) = [n for n, d in g.nodes(data=True) if d["label"] == "interp"]
    assert [g.nodes[p]["op"] for p in g.predecessors(leaf)] == ["add"]
    sources = [next(iter(g.predecessors(n))) for n in g.graph["outputs"]]
    assert "add" not in [g.nodes[n]["op"] for n in sources]  # used, not a result left over


def test_an_empty_tensor_filled_in_place_shows_no_leftover_memory() -> None:
    """`torch.empty_like(x).normal_()`: the empty tensor held leftover memory (here NaN) when
    the recording met it, and health() blamed a NaN on it."""
    lin, x = nn.Linear(8, 8), torch.randn(4, 8)
    with ng.record() as rec:
        torch.full_like(x, float("nan"))  # freed at once: its memory is what empty_like gets
        noise = torch.empty_like(x).normal_(0, 0.1)
        mask = x.new_empty(x.shape).bernoulli_(0.9)
        lin((x + noise) * mask).pow(2).mean().backward()
    made = [d for _, d in rec.graph.nodes(data=True) if d["op"] in ("empty_like", "new_empty")]
    assert len(made) == 2 and all(d["value"] is None for d in made)
    assert rec.graph.health() == []


def shapes_line(g: ng.Graph) -> str:
    """The line of `summary()` that lists the input and output shapes."""
    (line,) = [line for line in g.summary().splitlines() if "Input shape(s)" in line]
    return line.strip()


class _NormalDecoder(nn.Module):
    """A VAE decoder's or a policy's likelihood: `Normal(mean, 1.0)` broadcasts the number."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return -torch.distributions.Normal(self.fc(x), 1.0).log_prob(x).mean()


def test_a_distributions_number_broadcast_to_the_data_is_no_second_input() -> None:
    """`torch.broadcast_tensors` gives back the mean it was given and a new, untracked scale:
    the scale showed as a second model input called "input" (sweep 20a)."""
    torch.manual_seed(0)
    g = ng.trace(_NormalDecoder(), torch.randn(5, 8), loss=lambda nll: nll)
    inputs = [(d["label"], d["shape"]) for _, d in g.nodes(data=True) if d["kind"] == "input"]
    assert inputs == [("x", [5, 8])]
    assert shapes_line(g) == "Input shape(s): [5, 8]   Output shape(s): []"

    w = nn.Parameter(torch.randn(5, 8))
    with ng.record() as rec:
        loc, scale = torch.broadcast_tensors(w * 2, torch.tensor(1.0))
        (loc / scale).sum().backward()
    g = rec.graph
    assert [d for _, d in g.nodes(data=True) if d["kind"] == "input"] == []
    (broadcast,) = [n for n, d in g.nodes(data=True) if d["op"] == "broadcast_tensors"]
    assert g.nodes[broadcast]["shape"] == [5, 8]
    assert [g.nodes[p]["op"] for p in g.predecessors(broadcast)] == ["tensor"]
    assert [g.nodes[s]["op"] for s in g.successors(broadcast)] == ["div"]


class _PackedEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb, self.lstm = nn.Linear(4, 4), nn.LSTM(4, 3)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> Any:
        out, _ = self.lstm(nn.utils.rnn.pack_padded_sequence(self.emb(x), lengths))
        return out  # a PackedSequence: the data [6, 3] and its batch_sizes [4]


def test_a_returned_packed_sequence_shows_the_shapes_it_holds() -> None:
    """The `batch_sizes` of a returned `PackedSequence` got an output copying the shape of
    the packing op's data, [6, 4], which the model never returned (sweep 20a)."""
    torch.manual_seed(0)
    g = ng.trace(_PackedEncoder(), torch.randn(4, 2, 4), torch.tensor([4, 2]))
    used = [g.nodes[n] for n in g.graph["outputs"] if n not in g.graph["unused"]]
    assert sorted((d["shape"], d["dtype"]) for d in used) == [([4], "int64"), ([6, 3], "float32")]
    (sizes,) = [d for d in used if d["dtype"] == "int64"]
    assert sizes["value"]["numel"] == 4 and sizes["value"]["max"] == 2  # [2, 2, 1, 1]
    # the packing bookkeeping is no result a student looks for in the summary
    assert shapes_line(g) == "Input shape(s): [4, 2, 4], [2]   Output shape(s): [6, 3]"


class _SmoothsWithANumpyMatrix(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.kept = torch.ones(4)  # a plain attribute, no buffer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tri = torch.from_numpy(np.tri(4, dtype=np.float32))  # never reaches the recording
        return self.fc(x) @ tri * self.kept


def test_a_tensor_made_in_forward_without_torch_seeing_it_is_a_constant() -> None:
    """`torch.from_numpy` in `forward` showed as a second model input named "input"."""
    g = ng.trace(_SmoothsWithANumpyMatrix(), torch.randn(3, 4), loss=lambda y: y.sum())
    data = sorted((d["kind"], d["shape"]) for _, d in g.nodes(data=True) if d["op"] is None)
    assert [shape for kind, shape in data if kind == "input"] == [[3, 4]]
    assert [shape for kind, shape in data if kind == "constant"] == [[4], [4, 4]]
    assert shapes_line(g) == "Input shape(s): [3, 4]   Output shape(s): []"


class _TakesNumpy(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x: Any) -> torch.Tensor:
        return self.fc(torch.from_numpy(x))


class _Graph:
    """A batch of the user's own class (no dataclass), as a graph library's `Data`."""

    def __init__(self, x: torch.Tensor, edges: torch.Tensor) -> None:
        self.x, self.edges = x, edges


class _ReadsAGraph(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, data: _Graph) -> torch.Tensor:
        return (self.fc(data.x) + self.fc(data.x.data)).index_select(0, data.edges)


def test_what_a_model_was_given_stays_an_input_however_forward_reaches_it() -> None:
    g = ng.trace(_TakesNumpy(), np.ones((3, 4), dtype=np.float32))
    assert [d["shape"] for _, d in g.nodes(data=True) if d["kind"] == "input"] == [[3, 4]]
    g = ng.trace(_ReadsAGraph(), _Graph(torch.randn(3, 4), torch.tensor([0, 2])))
    given = sorted(d["shape"] for _, d in g.nodes(data=True) if d["kind"] == "input")
    assert given == [[2], [3, 4], [3, 4]]  # data.x, data.x.data (a view), data.edges


class _DropsItsHiddenState(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn, self.fc = nn.GRU(3, 4, batch_first=True), nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # the last hidden state is thrown away
        return self.fc(out[:, -1])


def _unused_ops(g: ng.Graph) -> list[str]:
    """The ops whose results `g.graph["unused"]` says nothing used."""
    return sorted(g.nodes[next(iter(g.pred[o]))]["op"] for o in g.graph.get("unused") or ())


def test_record_marks_a_result_a_forward_threw_away_as_unused() -> None:
    """Only `trace()` knew `out, _ = self.rnn(x)`'s `_` for a result nothing used: `record()`
    and `%%nngraph` drew it as a real output, like the model's result (sweep 20b)."""
    torch.manual_seed(0)
    model, x = _DropsItsHiddenState(), torch.randn(2, 5, 3)
    with ng.record() as rec:
        loss = model(x).sum()
        loss.backward()
    g = rec.graph
    assert _unused_ops(g) == ["gru"]
    dashed = [line for line in g.to_dot().splitlines() if "dashed" in line and "output" in line]
    assert len(dashed) == 1
    assert "Output shape(s): []" in g.summary()  # the loss; the hidden state is left out
    with ng.record() as rec:  # a forward only: its result is what the model returned
        model(x)
    assert _unused_ops(rec.graph) == ["gru"]


def test_record_never_marks_a_kept_or_returned_result_as_unused() -> None:
    """A result a module returned to the block's code, one a variable or a list keeps, and a
    loss computed inside a module, which a backward started from, are results."""
    torch.manual_seed(0)
    model, x = _DropsItsHiddenState(), torch.randn(2, 5, 3)
    with ng.record() as rec:
        out, _ = model.rnn(x)  # the block's own call: both are what it returned
    assert "unused" not in rec.graph.graph
    kept: list[torch.Tensor] = []

    class KeepsItsState(_DropsItsHiddenState):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            out, hidden = self.rnn(x)
            kept.append(hidden)  # kept where the block's variables reach it
            return self.fc(out[:, -1])

    with ng.record() as rec:
        y = KeepsItsState()(x)
    assert "unused" not in rec.graph.graph

    class LossInside(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(3, 1)

        def forward(self, x: torch.Tensor) -> None:
            self.loss = self.fc(x).pow(2).mean()  # kept on the module, not returned

    inside = LossInside()
    with ng.record() as rec:
        inside(torch.randn(4, 3))
        inside.loss.backward()
    assert "unused" not in rec.graph.graph
    del out, y


@dataclass
class _Out:
    logits: torch.Tensor
    hidden: torch.Tensor
    loss: torch.Tensor


class _ReturnsAnOutput(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc, self.head = nn.Linear(4, 4), nn.Linear(4, 3)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> _Out:
        h = torch.relu(self.fc(x))
        logits = self.head(h)
        return _Out(logits, h, nn.functional.cross_entropy(logits, labels))


class _ReturnsADict(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.mu, self.logvar = nn.Linear(4, 2), nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"mu": self.mu(x), "logvar": self.logvar(x)}


def test_trace_labels_what_a_model_returned_in_a_structure_by_its_path() -> None:
    """A Hugging Face-style output gave three outputs all labelled "output" (sweep 20a)."""
    torch.manual_seed(0)
    g = ng.trace(
        _ReturnsAnOutput(), torch.randn(3, 4), torch.tensor([0, 1, 2]), loss=lambda o: o.loss
    )
    labels = sorted((g.nodes[o]["label"], g.nodes[o]["shape"]) for o in g.graph["outputs"])
    assert labels == [("output.hidden", [3, 4]), ("output.logits", [3, 3]), ("output.loss", [])]
    g = ng.trace(_ReturnsADict(), torch.randn(3, 4))
    assert sorted(g.nodes[o]["label"] for o in g.graph["outputs"]) == [
        "output['logvar']", "output['mu']"
    ]  # fmt: skip
    g = ng.trace(_DropsItsHiddenState().rnn, torch.randn(2, 5, 3))  # a tuple: (out, h_n)
    assert sorted(g.nodes[o]["label"] for o in g.graph["outputs"]) == ["output[0]", "output[1]"]
    ng.set_language("pl")
    try:
        g = ng.trace(_ReturnsADict(), torch.randn(3, 4))
        assert "wyjście['mu']" in [g.nodes[o]["label"] for o in g.graph["outputs"]]
    finally:
        ng.set_language("en")
    single = ng.trace(nn.Linear(4, 2), torch.randn(3, 4))  # a lone tensor keeps "output"
    assert [single.nodes[o]["label"] for o in single.graph["outputs"]] == ["output"]


@pytest.mark.parametrize("compiled", [False, True])
def test_an_ema_models_parameters_are_named_after_its_variable(compiled: bool) -> None:
    """A hand-written EMA of the weights in a recorded step labelled the EMA model's
    parameters "param", and the last one after the loop variable `pe` (sweep 20a). A
    `torch.compile`d EMA model's keep the `_orig_mod` of `ema.named_parameters()`. The update
    itself is left out (sweep s34 R, 3): they show where the EMA model runs."""
    import copy

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    ema = copy.deepcopy(model).requires_grad_(False)
    if compiled:
        ema = torch.compile(ema, backend="eager")
    opt = torch.optim.SGD(model.parameters(), 0.1)
    x, y = torch.randn(8, 4), torch.randn(8, 1)
    with ng.record(model) as rec:
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for pe, p in zip(ema.parameters(), model.parameters(), strict=True):
                pe.lerp_(p, 0.01)
            ema(x)
    params = sorted(d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "param")
    assert params == [
        "0.bias",
        "0.weight",
        "2.bias",
        "2.weight",
        *sorted(
            f"Sequential.{name}" for name, _ in getattr(ema, "_orig_mod", ema).named_parameters()
        ),
    ]  # fmt: skip  (a second model run is named by its type, the type it compiles)


class _WithClsToken(nn.Module):
    """A ViT's class token and scale: a parameter and a buffer held by the model's root."""

    def __init__(self) -> None:
        super().__init__()
        self.cls = nn.Parameter(torch.zeros(1, 3))
        self.register_buffer("scale", torch.ones(3))
        self.fc = nn.Linear(3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.cat([self.cls, x]) * self.scale)


def test_a_parameter_of_a_model_not_traced_gets_no_module_type() -> None:
    """`trace(D, G(z))` gave the generator's parameters (module "") the type of D's root,
    "Discriminator", while the generator's ops around them have none (sweep 21b)."""
    torch.manual_seed(0)
    generator = nn.Linear(2, 3)
    model = _WithClsToken()
    g = ng.trace(model, generator(torch.randn(4, 2)), loss=total)
    types = {d["name"]: d["module_type"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert types == {None: None, "cls": "_WithClsToken", "fc.weight": "Linear", "fc.bias": "Linear"}
    (scale,) = by_name(g, "scale")
    assert g.nodes[scale]["module_type"] == "_WithClsToken"  # the root's own still has its type
    loss = model(generator(torch.randn(4, 2))).sum()
    loss.backward()
    walked = ng.graph_of(loss, params=model)
    outside = [d for _, d in walked.nodes(data=True) if d["kind"] == "param" and not d["name"]]
    assert len(outside) == 2 and all(d["module_type"] is None for d in outside)


class _SumsWhatItIsGiven(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, xs: Any) -> torch.Tensor:
        return sum(self.fc(t) for t in xs)  # type: ignore[return-value]


class _TakesTheFirst(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, xs: Any) -> torch.Tensor:
        return self.fc(next(xs))


@pytest.mark.parametrize("given", ["generator", "iterator", "list"])
def test_tensors_given_in_a_generator_or_iterator_are_the_inputs(given: str) -> None:
    xs = [torch.randn(3, 4) for _ in range(3)]
    arg = {"generator": (t for t in xs), "iterator": iter(xs), "list": xs}[given]
    g = ng.trace(_SumsWhatItIsGiven(), arg, loss=lambda y: y.pow(2).mean())
    assert [g.nodes[n]["label"] for n in g.graph["inputs"]] == ["xs[0]", "xs[1]", "xs[2]"]
    assert not [n for n, d in g.nodes(data=True) if d["kind"] == "constant"]
    assert "Input shape(s): [3, 4] ×3" in g.summary()

    model = _SumsWhatItIsGiven()
    with ng.record() as rec:
        model(t for t in xs)
    assert len(rec.graph.graph["inputs"]) == 3


def test_a_generator_given_to_a_model_is_read_only_as_far_as_the_model_reads_it() -> None:
    xs = [torch.randn(3, 4) for _ in range(3)]
    given = iter(xs)
    g = ng.trace(_TakesTheFirst(), given, loss=lambda y: y.sum())
    assert [g.nodes[n]["label"] for n in g.graph["inputs"]] == ["xs[0]"]
    assert next(given) is xs[1]


class _AddsWhatItIsGiven(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor, hidden: Any = ()) -> torch.Tensor:
        return self.fc(x) + sum(self.fc(t) for t in hidden)


@pytest.mark.parametrize("given", ["generator", "iterator", "list"])
def test_tensors_given_by_keyword_are_inputs_as_positional_ones_are(given: str) -> None:
    """`trace(model, x, hidden=gen)` made the generator's tensors constants, and `record()`
    named no keyword input at all (sweep 24D): PyTorch does not hand a call's keywords to a
    global module hook."""
    from tests.capture.test_safety import assert_unchanged, snapshot

    torch.manual_seed(0)
    xs, x = [torch.randn(3, 4) for _ in range(3)], torch.randn(3, 4)

    def make() -> Any:
        return {"generator": (t for t in xs), "iterator": iter(xs), "list": xs}[given]

    model = _AddsWhatItIsGiven()
    model(x, hidden=make()).pow(2).mean().backward()
    grads = [p.grad.clone() for p in model.parameters()]  # type: ignore[union-attr]
    model.zero_grad(set_to_none=True)
    before = snapshot(model)
    names = ["x", "hidden[0]", "hidden[1]", "hidden[2]"]

    g = ng.trace(model, x, hidden=make(), loss=lambda y: y.pow(2).mean())
    assert_unchanged(model, before)
    assert [g.nodes[n]["label"] for n in g.graph["inputs"]] == names
    assert not [n for n, d in g.nodes(data=True) if d["kind"] == "constant"]
    assert "Input shape(s): [3, 4] ×4" in g.summary()
    weight = next(d for _, d in g.nodes(data=True) if d["name"] == "fc.weight")
    assert weight["grad"]["norm"] == pytest.approx(grads[0].norm().item(), rel=1e-6)

    with ng.record() as rec:
        model(x=x, hidden=make()).pow(2).mean().backward()
    assert [rec.graph.nodes[n]["label"] for n in rec.graph.graph["inputs"]] == names
    assert all(torch.equal(p.grad, grad) for p, grad in zip(model.parameters(), grads, strict=True))  # type: ignore[arg-type]


class _DrivesACoroutine(nn.Module):
    """Checks that it is given a generator, takes its first item, sends back what it made of
    it and throws an error into it."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, co: Any) -> torch.Tensor:
        if not inspect.isgenerator(co):
            raise TypeError(f"a generator, please, not {type(co).__name__}")
        y = self.fc(next(co))
        doubled = co.send(y)
        tripled = co.throw(KeyError("again"))
        return doubled + tripled  # type: ignore[no-any-return]


def test_a_generator_given_to_a_model_gets_what_the_model_sends_it() -> None:
    """Inside a recording the model's `send()` reached a plain generator wrapped around the
    user's, which gave the user's generator None (review 24, F6), and `throw` did not reach
    it; the stand-in is a generator, as a model that checks `inspect.isgenerator` expects."""
    x = torch.randn(3, 4)
    seen: list[Any] = []

    def coroutine() -> Any:
        got = yield x
        seen.append(tuple(got.shape))
        try:
            yield got * 2
        except KeyError:
            seen.append("thrown")
        yield got * 3
        yield "the rest, for the user"

    torch.manual_seed(0)
    model = _DrivesACoroutine()
    model(coroutine()).sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]  # type: ignore[union-attr]
    assert seen == [(3, 4), "thrown"]
    model.zero_grad(set_to_none=True)

    seen.clear()
    co = coroutine()
    g = ng.trace(model, co, loss=lambda y: y.sum())
    assert seen == [(3, 4), "thrown"]
    assert next(co) == "the rest, for the user"  # still the user's to read on
    assert [g.nodes[n]["label"] for n in g.graph["inputs"]] == ["co[0]"]
    weight = next(d for _, d in g.nodes(data=True) if d["name"] == "fc.weight")
    assert weight["grad"]["norm"] == pytest.approx(grads[0].norm().item(), rel=1e-6)

    seen.clear()
    co = coroutine()
    with ng.record() as rec:
        model(co).sum().backward()
    assert seen == [(3, 4), "thrown"]
    assert next(co) == "the rest, for the user"
    assert {"mul", "add"} <= {d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op"}
    assert all(torch.equal(p.grad, grad) for p, grad in zip(model.parameters(), grads, strict=True))  # type: ignore[arg-type]


def _gelu(x: torch.Tensor) -> torch.Tensor:
    return x * 0.5 * (1.0 + torch.erf(x / 1.41421))


def _relu(x: torch.Tensor) -> torch.Tensor:
    return torch.relu(x)


class _ScriptedActivation(nn.Module):
    """A `@torch.jit.script` activation function between two layers (timm's `*_jit`
    activations, Megatron's fused `bias_gelu`)."""

    def __init__(self, act: Any) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(4, 8), nn.Linear(8, 2)
        self.act = act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.b(self.act(self.a(x)))


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_a_torchscript_function_keeps_its_autograd_nodes_and_is_named_as_unseen() -> None:
    model, x = _ScriptedActivation(torch.jit.script(_gelu)), torch.randn(6, 4)
    with pytest.warns(NNGraphWarning, match=r"TorchScript function \(_gelu") as caught:
        g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    assert caught[0].filename == __file__  # the line of the forward that called it
    # its steps keep autograd's names, in the module that called it, not in the next layer
    in_b = [d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op" and d["module"] == "b"]
    assert in_b == ["linear", "linear"] and len(ops(g, "linear")) == 4
    (erf,) = ops(g, "erf")
    assert erf["module"] == "" and erf["label"] == "erf"

    # a dead ReLU written so is still found
    model = _ScriptedActivation(torch.jit.script(_relu))
    with torch.no_grad():
        model.a.bias.fill_(-100.0)
    with pytest.warns(NNGraphWarning, match="TorchScript function"):
        g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    (relu,) = ops(g, "relu")
    assert relu["shape"] == [6, 8] and relu["dead"] is not None
    assert "dead" in [f["kind"] for f in g.health()]


@torch.library.custom_op("nngraph_tests::silu", mutates_args=())
def _custom_silu(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(x)


@_custom_silu.register_fake
def _(x: torch.Tensor) -> torch.Tensor:
    return torch.empty_like(x)


def _keep_input(ctx: Any, inputs: tuple[Any, ...], output: torch.Tensor) -> None:
    ctx.save_for_backward(inputs[0])


def _silu_backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
    (x,) = ctx.saved_tensors
    s = torch.sigmoid(x)
    return grad * s * (1 + x * (1 - s))


_custom_silu.register_autograd(_silu_backward, setup_context=_keep_input)


class _WithCustomOp(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(4, 8), nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.b(_custom_silu(self.a(x)))


def test_a_custom_op_is_named_as_its_library_registers_it() -> None:
    """A `torch.library.custom_op` (how flash-attn, xformers and vLLM register kernels) was
    labelled `GeneratedBackwardFor_mylib_silu_default`, PyTorch's class for its autograd
    (sweep 24D, 8)."""
    from tests.capture.test_safety import assert_unchanged, snapshot

    torch.manual_seed(0)
    model, x = _WithCustomOp(), torch.randn(6, 4)
    model(x).pow(2).mean().backward()
    grads = {name: p.grad.clone() for name, p in model.named_parameters()}  # type: ignore[union-attr]
    model.zero_grad(set_to_none=True)
    before = snapshot(model)

    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    assert_unchanged(model, before)
    (silu,) = ops(g, "nngraph_tests::silu")
    assert silu["label"] == "nngraph_tests::silu" and silu["shape"] == [6, 8]
    for _, d in g.nodes(data=True):
        if d["kind"] == "param":
            assert d["grad"]["norm"] == pytest.approx(grads[d["name"]].norm().item(), rel=1e-6)

    loss = model(x).pow(2).mean()
    loss.backward()
    assert all(torch.equal(p.grad, grads[name]) for name, p in model.named_parameters())  # type: ignore[arg-type]
    assert [d["label"] for d in ops(ng.graph_of(loss, params=model), "nngraph_tests::silu")] == [
        "nngraph_tests::silu"
    ]


class _ThreeLayers(nn.Module):
    """`unused` is never called; `frozen` and `empty` are not either, but have nothing to learn."""

    def __init__(self) -> None:
        super().__init__()
        self.used, self.unused, self.frozen = nn.Linear(4, 2), nn.Linear(2, 2), nn.Linear(2, 2)
        self.frozen.requires_grad_(False)
        self.empty = nn.Parameter(torch.zeros(1, 0, 2))  # DINOv2's registers, when it has none

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.used(x)


def test_the_trainable_parameters_a_graph_leaves_out_are_listed() -> None:
    """`g.graph["unreached"]`, which health() names: only where the capture knows the model
    (trace, graph_of with params=model) and which of its parameters train."""
    torch.manual_seed(0)
    model, x = _ThreeLayers(), torch.randn(3, 4)
    expected = [{"module": "unused", "type": "Linear"}]
    assert ng.trace(model, x, loss=lambda y: y.sum()).graph["unreached"] == expected
    loss = model(x).sum()
    assert ng.graph_of(loss, params=model).graph["unreached"] == expected
    assert ng.graph_of(loss, params=model, stats=False).graph["unreached"] == expected
    assert "unreached" not in ng.graph_of(loss, params=dict(model.named_parameters())).graph
    assert "unreached" not in ng.graph_of(loss).graph
    model.unused.requires_grad_(False)
    assert "unreached" not in ng.trace(model, x, loss=lambda y: y.sum()).graph


def test_reentrant_checkpointing_hides_no_parameter_from_the_list() -> None:
    """A reentrant checkpoint reads the layers it reruns without being given them: they get a
    gradient though the graph holds none of their parameters, so nothing is listed then."""

    class Checkpointed(nn.Module):
        def __init__(self, reentrant: bool) -> None:
            super().__init__()
            self.first, self.inner, self.head = nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 1)
            self.unused, self.reentrant = nn.Linear(4, 4), reentrant

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = self.first(x)
            h = torch.utils.checkpoint.checkpoint(self.inner, h, use_reentrant=self.reentrant)
            return self.head(h)

    torch.manual_seed(0)
    x = torch.randn(3, 4)
    model = Checkpointed(reentrant=False)
    expected = [{"module": "unused", "type": "Linear"}]
    assert ng.graph_of(model(x).sum(), params=model).graph["unreached"] == expected
    model.reentrant = True
    loss = model(x).sum()
    loss.backward()
    assert model.inner.weight.grad is not None
    assert "unreached" not in ng.graph_of(loss, params=model).graph
    with pytest.warns(NNGraphWarning, match="use_reentrant"):
        assert "unreached" not in ng.trace(model, x, loss=lambda y: y.sum()).graph


class _MasksWithABoolMask(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mask = mask.to(torch.bool).contiguous()  # BERT's: the very tensor, for a bool mask
        return self.fc(x).masked_fill(~mask[..., None], 0.0)


@pytest.mark.parametrize("dtype", [torch.int64, torch.bool])
def test_an_input_the_forward_converts_to_its_own_dtype_is_a_given_input(dtype: torch.dtype):
    """Sweep M1: a bool mask passed through `.to(torch.bool)` was left out of `inputs`."""
    mask = torch.tensor([[1, 1, 1, 0, 0]] * 2, dtype=dtype)
    g = ng.trace(_MasksWithABoolMask(), torch.randn(2, 5, 8), mask, loss=total)
    assert [g.nodes[n]["label"] for n in g.graph["inputs"]] == ["x", "mask"]


@pytest.mark.parametrize(
    "layer", [nn.Dropout(0.5).eval(), nn.Flatten()], ids=["dropout", "flatten"]
)
def test_an_input_that_requires_grad_given_back_by_a_layer_is_a_given_input(
    layer: nn.Module,
) -> None:
    """An input a layer gives back as it is (Dropout in eval mode, a Flatten of a 2-D batch),
    its gradient wanted (saliency): it was drawn as an input but left out of `inputs`."""
    model = nn.Sequential(layer, nn.Linear(6, 2))
    g = ng.trace(model, torch.randn(8, 6).requires_grad_(), loss=total)
    assert [g.nodes[n]["kind"] for n in g.graph["inputs"]] == ["input"]
