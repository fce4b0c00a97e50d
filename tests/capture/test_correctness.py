"""The correctness rule of docs/schema.md, checked against an independent walk of autograd.

Every autograd node reachable from the outputs appears exactly once as an op node whose
`backward` is its class name; AccumulateGrad nodes appear as their param/leaf node; parameter
`grad` statistics equal those of `p.grad` after the same backward.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import networkx as nx
import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from tests.capture.zoo import CASES, make, total


def autograd_nodes(*roots: Any) -> list[Any]:
    """Every autograd node reachable from `roots`, each once (an independent reference walk)."""
    seen: dict[int, Any] = {}
    stack = [r for r in roots if r is not None]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen[id(fn)] = fn
        stack.extend(next_fn for next_fn, _ in fn.next_functions if next_fn is not None)
    return list(seen.values())


def classes(fns: list[Any]) -> Counter[str]:
    return Counter(type(fn).__name__ for fn in fns)


def graph_classes(g: ng.Graph, output: str | None = None) -> Counter[str]:
    nodes = g.nodes if output is None else nx.ancestors(g, output) | {output}
    return Counter(g.nodes[n]["backward"] for n in nodes if g.nodes[n]["backward"] is not None)


def expected_stats(t: torch.Tensor) -> dict[str, float]:
    x = t.detach().double()
    return {
        "mean": x.mean().item(),
        "std": x.std(correction=0).item(),
        "min": x.min().item(),
        "max": x.max().item(),
        "norm": x.norm().item(),
        "zero_frac": (x == 0).double().mean().item(),
    }


def assert_stats_match(stats: dict[str, float] | None, t: torch.Tensor) -> None:
    assert stats is not None
    for key, want in expected_stats(t).items():
        assert math.isclose(stats[key], want, rel_tol=1e-4, abs_tol=1e-6), (key, stats[key], want)
    assert stats["nan"] == 0 and stats["inf"] == 0 and stats["numel"] == t.numel()


@pytest.mark.parametrize("name", sorted(CASES))
def test_graph_of_has_every_autograd_node_once(name: str) -> None:
    model, args, kwargs = make(name)
    loss = total(model(*args, **kwargs))
    loss.backward(retain_graph=True)

    g = ng.graph_of(loss, params=model)

    assert graph_classes(g) == classes(autograd_nodes(loss.grad_fn))
    params = {n: d for n, d in g.nodes(data=True) if d["kind"] == "param"}
    named = dict(model.named_parameters())
    assert sorted(d["name"] for d in params.values()) == sorted(
        name for name, p in named.items() if p.requires_grad and p.grad is not None
    )
    for d in params.values():
        assert_stats_match(d["value"], named[d["name"]])
        assert_stats_match(d["grad"], named[d["name"]].grad)


@pytest.mark.parametrize("name", sorted(CASES))
def test_record_has_every_autograd_node_once(name: str) -> None:
    model, args, kwargs = make(name)
    with ng.record(model) as rec:
        loss = total(model(*args, **kwargs))
        loss.backward(retain_graph=True)
    g = rec.graph

    (loss_output,) = [
        o for o in g.graph["outputs"] if g.nodes[o]["shape"] == [] and g.nodes[o]["grad"]
    ]
    assert graph_classes(g, loss_output) == classes(autograd_nodes(loss.grad_fn))
    assert (
        graph_classes(g)["AccumulateGrad"]
        == classes(autograd_nodes(loss.grad_fn))["AccumulateGrad"]
    )
    assert nx.is_directed_acyclic_graph(g)
    named = dict(model.named_parameters())
    for _, d in g.nodes(data=True):
        if d["kind"] == "param" and named[d["name"]].grad is None:  # a layer run under no_grad
            assert d["grad"] is None and d["backward"] is None
        elif d["kind"] == "param" and d["requires_grad"]:
            assert_stats_match(d["grad"], named[d["name"]].grad)


def test_param_grad_stats_equal_p_grad_after_accumulation() -> None:
    model, args, _ = make("mlp")
    model(*args).sum().backward()  # a gradient already there before the record
    with ng.record(model) as rec:
        model(*args).sum().backward()
    for _, d in rec.graph.nodes(data=True):
        if d["kind"] == "param":
            assert_stats_match(d["grad"], dict(model.named_parameters())[d["name"]].grad)


def test_op_gradients_are_what_flowed_into_them() -> None:
    x = torch.randn(4, 3, requires_grad=True)
    with ng.record() as rec:
        h = x * 3
        y = h.tanh()
        y.sum().backward()
    g = rec.graph
    tanh = next(d for _, d in g.nodes(data=True) if d["op"] == "tanh")
    mul = next(d for _, d in g.nodes(data=True) if d["op"] == "mul")
    assert_stats_match(tanh["grad"], torch.ones(4, 3))  # d sum / d y
    assert_stats_match(mul["grad"], 1 - y.detach() ** 2)  # d sum / d h
    assert_stats_match(mul["value"], h)
    assert tanh["backward_order"] < mul["backward_order"]


def test_module_paths_and_parameter_names_follow_named_parameters() -> None:
    model, args, _ = make("conv_bn")
    g = ng.trace(model, *args, loss=total)
    ops = {
        d["module"]: d["module_type"]
        for _, d in g.nodes(data=True)
        if d["kind"] == "op" and d["call"] is not None
    }
    assert ops["0"] == "Conv2d" and ops["1"] == "BatchNorm2d" and ops["4"] == "Linear"
    names = {d["name"] for _, d in g.nodes(data=True) if d["kind"] in ("param", "buffer")}
    assert {"0.weight", "1.weight", "1.running_mean", "4.weight"} <= names
    assert g.graph["modules"]["4"] == {
        "type": "Linear",
        "params": model[4].weight.numel() + 2,
        "config": "in_features=144, out_features=2, bias=True",
        "training": True,
    }
    x = next(d for _, d in g.nodes(data=True) if d["kind"] == "input")
    # `input` is only the name of Sequential.forward's argument: the node gets the default label
    assert (x["name"], x["label"], x["shape"]) == (None, "input", [2, 3, 8, 8])


def test_graph_of_names_ops_as_torch_does_also_with_2d_in_their_name() -> None:
    # MaxPool2DWithIndicesBackward0 was `max_pool2_d_with_indices` in every %nngraph loss of a CNN
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.MaxPool2d(2), nn.Upsample(scale_factor=2, mode="bilinear")
    )
    g = ng.graph_of(model(torch.randn(1, 3, 8, 8)).sum())
    ops = {d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op"}
    assert {"convolution", "max_pool2d_with_indices", "upsample_bilinear2d"} <= ops


def test_graph_of_keeps_the_dim_each_softmax_normalised() -> None:
    """Sweep s44 rev_health, finding 4: `graph_of` sees no call's arguments, and the axis of a
    softmax over `[batch, heads, time]` cannot be told from its shape; autograd keeps it."""
    scores = torch.randn(2, 3, 4, requires_grad=True)
    y = scores.softmax(-1).sum() + F.log_softmax(scores, dim=1).sum() + scores.softmax(0).sum()
    g = ng.graph_of(y)
    args = sorted((d["op"], d["args"]) for _, d in g.nodes(data=True) if "softmax" in str(d["op"]))
    assert args == [("log_softmax", "dim=1"), ("softmax", "dim=-1"), ("softmax", "dim=0")]
    assert {d["args"] for _, d in g.nodes(data=True) if "softmax" not in str(d["op"])} == {None}


def test_graph_of_without_statistics_has_the_same_structure() -> None:
    model, args, kwargs = make("conv_bn")
    loss = total(model(*args, **kwargs))
    loss.backward(retain_graph=True)
    full, bare = ng.graph_of(loss, params=model), ng.graph_of(loss, params=model, stats=False)
    assert graph_classes(bare) == graph_classes(full)
    assert [d["shape"] for _, d in bare.nodes(data=True)] == [
        d["shape"] for _, d in full.nodes(data=True)
    ]
    assert all(d["value"] is None and d["grad"] is None for _, d in bare.nodes(data=True))


def test_graph_of_summarises_large_and_small_parameters_and_their_gradients() -> None:
    torch.manual_seed(0)
    # weights of 20,000 and 6,000 elements: summarised alone, and held with the small ones
    model = nn.Sequential(nn.Linear(200, 100), nn.Tanh(), nn.Linear(100, 60), nn.Linear(60, 1))
    loss = model(torch.randn(16, 200)).pow(2).mean()
    loss.backward(retain_graph=True)
    model[0].weight.grad[:3] = 0.0  # zeros counted in the large path too

    g = ng.graph_of(loss, params=model)

    named = dict(model.named_parameters())
    params = [d for _, d in g.nodes(data=True) if d["kind"] == "param"]
    assert sorted(d["name"] for d in params) == sorted(named)
    for d in params:
        assert_stats_match(d["value"], named[d["name"]])
        assert_stats_match(d["grad"], named[d["name"]].grad)
    large = next(d for d in params if d["name"] == "0.weight")
    assert large["grad"]["zero_frac"] == pytest.approx(3 / 100)


def test_graph_of_names_leaves_and_results_after_the_variables_given() -> None:
    model = torch.nn.Linear(3, 1)
    x = torch.randn(4, 3, requires_grad=True)
    scale = torch.nn.Parameter(torch.ones(1))
    loss = (model(x) * scale).pow(2).mean()
    g = ng.graph_of(loss, params=model, names={"x": x, "scale": scale, "loss": loss, "_": x})
    labels = sorted((d["kind"], d["label"]) for _, d in g.nodes(data=True) if d["kind"] != "op")
    # the model's parameters keep the names `params` gives them
    assert labels == [
        ("input", "x"), ("output", "loss"), ("param", "bias"), ("param", "scale"),
        ("param", "weight"),
    ]  # fmt: skip
    unnamed = ng.graph_of(loss, params=model)  # without names: as before
    assert sorted(d["label"] for _, d in unnamed.nodes(data=True) if d["kind"] == "output") == [
        "output"
    ]


def test_trace_names_the_targets_its_loss_function_reads() -> None:
    model, x = torch.nn.Sequential(torch.nn.Linear(3, 2)), torch.randn(4, 3)
    labels = torch.tensor([0, 1, 0, 1])

    def inputs_of(g: ng.Graph) -> list[str]:
        return sorted(d["label"] for _, d in g.nodes(data=True) if d["kind"] == "input")

    # a Sequential calls its input "input": the target was a second "input"
    g = ng.trace(model, x, loss=lambda out: torch.nn.functional.cross_entropy(out, labels))
    assert inputs_of(g) == ["input", "labels"]

    def in_a_function() -> ng.Graph:
        y = torch.randn(4, 2)
        return ng.trace(model, x, loss=lambda out: torch.nn.functional.mse_loss(out, y))

    assert inputs_of(in_a_function()) == ["input", "y"]
    assert inputs_of(ng.trace(model, x, loss=lambda out: out.pow(2).mean())) == ["input"]


def test_graph_of_names_a_leaf_given_as_the_result_itself() -> None:
    w = torch.ones(2, requires_grad=True)
    g = ng.graph_of(w, names={"w": w})
    assert sorted((d["kind"], d["label"]) for _, d in g.nodes(data=True)) == [
        ("input", "w"), ("output", "w")
    ]  # fmt: skip


def _value_of(g: ng.Graph, op: str) -> dict[str, float]:
    """The value statistics of the first call of `op`."""
    calls = [d for _, d in g.nodes(data=True) if d["op"] == op and d["call"] is not None]
    stats: dict[str, float] = min(calls, key=lambda d: d["call"])["value"]
    return stats


def test_values_are_taken_before_later_in_place_changes() -> None:
    x = torch.randn(5, 3, requires_grad=True)
    w = torch.nn.Parameter(torch.randn(3, 4))
    optimizer = torch.optim.SGD([w], lr=0.5)
    with ng.record() as rec:
        h = x.mul(2.0)
        h_before = h.detach().clone()
        h.mul_(3.0)  # an in-place op through a method
        e = x.exp()
        e_before = e.detach().clone()
        e[0] = 0.0  # through __setitem__
        t = x.tanh()
        t_before = t.detach().clone()
        torch.nn.functional.dropout(t, 0.5, True, True)  # inplace=True, given by position
        s = torch.sigmoid(x)
        s_before = s.detach().clone()
        torch.add(x.detach(), 3.0, out=s.detach())  # out=, into another view of its memory
        w_before = w.detach().clone()
        (h @ w).sum().backward()
        optimizer.step()  # changes w in place after its value was recorded
    g = rec.graph
    assert_value_is(_value_of(g, "mul"), h_before)
    assert_value_is(_value_of(g, "exp"), e_before)
    assert_value_is(_value_of(g, "tanh"), t_before)
    assert_value_is(_value_of(g, "sigmoid"), s_before)
    assert_value_is(_value_of(g, "mul_"), h)
    (weight,) = [d for _, d in g.nodes(data=True) if d["label"] == "w"]
    assert_value_is(weight["value"], w_before)
    assert not torch.equal(w, w_before)


def assert_value_is(stats: dict[str, float] | None, t: torch.Tensor) -> None:
    assert stats is not None
    for key, want in expected_stats(t).items():
        assert math.isclose(stats[key], want, rel_tol=1e-5, abs_tol=1e-6), (key, stats[key], want)


class _Task:
    """A task object whose bound method is the loss: it reads `self.targets`."""

    def __init__(self, targets: torch.Tensor) -> None:
        self.targets = targets

    def loss(self, out: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.cross_entropy(out, self.targets)


class _TargetLoss(torch.nn.Module):
    """A loss module of the user's holding its targets as a buffer."""

    def __init__(self, targets: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("targets", targets)

    def forward(self, out: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.cross_entropy(out, self.targets)


class _Lazy:
    """Its `y` is computed by a property: the user's code, which naming must not run."""

    reads = 0

    @property
    def y(self) -> torch.Tensor:
        _Lazy.reads += 1
        return torch.tensor([0, 1, 0, 1])


def test_trace_names_the_targets_a_partial_an_attribute_or_a_method_reads() -> None:
    """`functools.partial`, `batch.y` (PyG's `data.y`), `d["y"]` and a method's `self.targets`
    gave two nodes labelled "input", the model's input and the target (sweep 20b, 20c)."""
    import dataclasses
    import functools
    import types

    F = torch.nn.functional
    model, x = torch.nn.Sequential(torch.nn.Linear(3, 2)), torch.randn(4, 3)
    labels = torch.tensor([0, 1, 0, 1])

    @dataclasses.dataclass
    class Batch:
        y: torch.Tensor

    batch, data = Batch(labels.clone()), types.SimpleNamespace(y_train=labels.clone())
    d = {"y": labels.clone()}

    def inputs_of(loss: Any) -> list[str]:  # and constants: a tensor met inside a module
        g = ng.trace(model, x, loss=loss)
        data = [d["label"] for _, d in g.nodes(data=True) if d["kind"] in ("input", "constant")]
        return sorted(data)

    assert inputs_of(functools.partial(F.cross_entropy, target=labels)) == ["input", "target"]
    assert inputs_of(lambda out: F.cross_entropy(out, batch.y)) == ["batch.y", "input"]
    assert inputs_of(lambda out: F.cross_entropy(out, data.y_train)) == ["data.y_train", "input"]
    assert inputs_of(lambda out: F.cross_entropy(out, d["y"])) == ["d['y']", "input"]
    assert inputs_of(_Task(labels.clone()).loss) == ["input", "self.targets"]
    assert inputs_of(_TargetLoss(labels.clone())) == ["input", "self.targets"]
    # naming reads no property: only the loss itself ran it, once
    lazy = _Lazy()
    assert "lazy.y" not in inputs_of(lambda out: F.cross_entropy(out, lazy.y))
    assert _Lazy.reads == 1


def test_trace_names_a_target_read_from_a_scikit_learn_bunch() -> None:
    """A `Bunch` keeps its items in the dict it is, read by its (library) `__getattr__`."""
    bunch = pytest.importorskip("sklearn.utils").Bunch(y_train=torch.tensor([0, 1, 1]))
    model, x = torch.nn.Linear(3, 2), torch.randn(3, 3)
    for loss, name in (
        (lambda out: torch.nn.functional.cross_entropy(out, bunch.y_train), "bunch.y_train"),
        (lambda out: torch.nn.functional.cross_entropy(out, bunch["y_train"]), "bunch['y_train']"),
    ):
        g = ng.trace(model, x, loss=loss)
        assert name in [d["label"] for _, d in g.nodes(data=True) if d["kind"] == "input"]


def test_recorded_args_leave_out_pytorchs_private_arguments() -> None:
    """Sweep s45 mistakes, finding 8 (side note): a recorded `F.softmax(out, dim=0)` showed
    `args` "dim=0, _stacklevel=3", PyTorch's own bookkeeping the student never wrote; the
    inspector and `health()` read the settings the call was given."""
    model = nn.Sequential(nn.Linear(3, 4), nn.Softmax(dim=1))
    g = ng.trace(model, torch.randn(2, 3), loss=lambda out: F.log_softmax(out, dim=0).sum())
    args = sorted((d["op"], d["args"]) for _, d in g.nodes(data=True) if "softmax" in str(d["op"]))
    assert args == [("log_softmax", "dim=0"), ("softmax", "dim=1")]
    # a legacy `nn.Softmax()` without a dim keeps no arguments at all
    g = ng.trace(nn.Sequential(nn.Linear(3, 4), nn.Softmax()), torch.randn(2, 3))
    assert [d["args"] for _, d in g.nodes(data=True) if d["op"] == "softmax"] == [None]


def _read_in_order(g: ng.Graph, op: str) -> list[str]:
    """What the `op` node reads, by the `operand` JSON writes: `input` for the batch."""
    (node,) = (n for n, d in g.nodes(data=True) if d["op"] == op)
    edges = [e for e in g.to_dict()["edges"] if e["target"] == node]
    nodes = g.nodes
    return [
        nodes[e["source"]]["op"] or nodes[e["source"]]["kind"]
        for e in sorted(edges, key=lambda e: e["operand"])
    ]


@pytest.mark.parametrize("needs_grad", [False, True])
def test_edges_give_each_input_its_place_in_the_call_whether_or_not_it_needs_grad(
    needs_grad: bool,
) -> None:
    """Sweep s46 (export, 1): a batch that needs no gradient came after the inputs that have
    one, so `x - f(x)` was written as `f(x) - x` (and `/`, `cat`, `@`, `where` alike)."""
    torch.manual_seed(0)
    layer = nn.Linear(4, 4)
    calls = {
        "sub": lambda a, b: a - b,
        "div": lambda a, b: a / b,
        "cat": lambda a, b: torch.cat([a, b], 1),
        "matmul": lambda a, b: a @ b,
        "where": lambda a, b: torch.where(a > 0, a, b),
    }
    for op, call in calls.items():
        for batch_first in (True, False):
            x = torch.randn(4, 4, requires_grad=needs_grad)
            with ng.record() as rec:
                a, b = (x, layer(x)) if batch_first else (layer(x), x)
                call(a, b).sum().backward()
            expected = ["input", "linear"] if batch_first else ["linear", "input"]
            if op == "where":
                expected = ["gt", *expected]
            assert _read_in_order(rec.graph, op) == expected, (op, batch_first)


def test_an_in_place_op_reads_the_tensor_it_writes_first_and_a_loss_its_scores() -> None:
    """Review s46: with the call's order, `h.sub_(y)` read `y` first (after the write, `h`'s
    node is the op's own) and `F.cross_entropy(scores, target)` read the target first (the
    scores reach it through the `log_softmax` the call makes on the way)."""
    torch.manual_seed(0)
    a, b = torch.randn(3, 4, requires_grad=True), torch.randn(3, 4, requires_grad=True)
    mask = torch.randn(3, 4) > 0
    calls = {
        "sub_": (lambda: a.sin().sub_(b.cos()), ["sin", "cos"]),
        "masked_fill_": (lambda: a.sin().masked_fill_(mask, 0.0), ["sin", "mask"]),
        "cross_entropy": (
            lambda: F.cross_entropy(a.sin(), torch.tensor([0, 1, 2])),
            ["log_softmax", "tensor"],
        ),
        "linear": (lambda: F.linear(a.sin(), b, b[:, 0].cos()), ["sin", "t", "cos"]),
    }
    for op, (call, expected) in calls.items():
        with ng.record() as rec:
            call().sum().backward()
        g = rec.graph
        (node,) = (n for n, d in g.nodes(data=True) if d["op"] == op and g.in_degree(n) > 1)
        edges = sorted((e for e in g.to_dict()["edges"] if e["target"] == node), key=_operand)
        assert [g.nodes[e["source"]]["label"] for e in edges] == expected, op


def _operand(edge: dict[str, Any]) -> int:
    return int(edge["operand"])
