"""Capture on a GPU: the same graph and statistics as on the CPU, with no synchronisation per node.

Every test here skips without CUDA; `scripts/cuda_capture.py` prints the overhead on a GPU.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest
import torch
from torch import nn

import nngraph as ng
from tests.capture.test_correctness import (
    assert_stats_match,
    autograd_nodes,
    classes,
    graph_classes,
)
from tests.capture.zoo import CASES, make, total

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def on_cuda(name: str) -> tuple[nn.Module, tuple[Any, ...], dict[str, Any]]:
    """A zoo case (lazy layers materialised on the CPU first) moved to the GPU."""
    model, args, kwargs = make(name)
    move = lambda v: v.cuda() if isinstance(v, torch.Tensor) else v  # noqa: E731
    return model.cuda(), tuple(map(move, args)), {k: move(v) for k, v in kwargs.items()}


def synchronisations(fn: Callable[[], object]) -> int:
    """How many times `fn` made the host wait for the GPU (PyTorch's sync debug mode)."""
    torch.cuda.synchronize()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            fn()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    return sum("synchroniz" in str(w.message) for w in caught)


def test_trace_on_cuda_matches_p_grad_and_keeps_the_device() -> None:
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).cuda()
    x = torch.randn(32, 8, device="cuda")
    loss = lambda y: y.pow(2).mean()  # noqa: E731
    g = ng.trace(model, x, loss=loss)
    loss(model(x)).backward()
    for _, d in g.nodes(data=True):
        assert d["device"] in (None, "cuda:0")
        if d["kind"] == "param":
            want = dict(model.named_parameters())[d["name"]].grad
            assert d["grad"]["norm"] == pytest.approx(want.norm().item(), rel=1e-4)
    assert all(p.is_cuda for p in model.parameters())


@pytest.mark.parametrize("name", sorted(CASES))
def test_record_on_cuda_has_every_autograd_node_once(name: str) -> None:
    model, args, kwargs = on_cuda(name)
    with ng.record(model) as rec:
        loss = total(model(*args, **kwargs))
        loss.backward(retain_graph=True)
    g = rec.graph

    (out,) = [o for o in g.graph["outputs"] if g.nodes[o]["shape"] == [] and g.nodes[o]["grad"]]
    assert graph_classes(g, out) == classes(autograd_nodes(loss.grad_fn))
    assert nx.is_directed_acyclic_graph(g)
    assert "cpu" not in {d["device"] for _, d in g.nodes(data=True)}
    named = dict(model.named_parameters())
    for _, d in g.nodes(data=True):
        if d["kind"] == "param" and d["requires_grad"]:
            assert_stats_match(d["grad"], named[d["name"]].grad)
    ng.Graph.from_json(g.to_json())  # statistics are plain numbers, not tensors


@pytest.mark.parametrize("name", sorted(CASES))
def test_graph_of_on_cuda_has_every_autograd_node_once(name: str) -> None:
    model, args, kwargs = on_cuda(name)
    loss = total(model(*args, **kwargs))
    loss.backward(retain_graph=True)
    g = ng.graph_of(loss, params=model)
    assert graph_classes(g) == classes(autograd_nodes(loss.grad_fn))
    named = dict(model.named_parameters())
    for _, d in g.nodes(data=True):
        if d["kind"] == "param":
            assert_stats_match(d["value"], named[d["name"]])
            assert_stats_match(d["grad"], named[d["name"]].grad)


class HalfOnCuda(nn.Module):
    """Mixed precision as a student copies it from the AMP recipe: float16 under autocast."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(8, 16), nn.Linear(16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast("cuda", dtype=torch.float16):
            return self.fc2(torch.relu(self.fc1(x))).float()


def test_autocast_on_cuda_records_float16_ops_and_float32_parameter_gradients() -> None:
    torch.manual_seed(0)
    model, x = HalfOnCuda().cuda(), torch.randn(32, 8, device="cuda")
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    linears = [d for _, d in g.nodes(data=True) if d["kind"] == "op" and d["module"] == "fc1"]
    assert linears and all(d["dtype"] == "float16" for d in linears if d["op"] != "_to_copy")
    model(x).pow(2).mean().backward()
    for _, d in g.nodes(data=True):
        if d["kind"] == "param":
            assert d["dtype"] == "float32"
            assert_stats_match(d["grad"], dict(model.named_parameters())[d["name"]].grad)


def deep(activation: type[nn.Module], width: int = 32, depth: int = 6) -> nn.Sequential:
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for i in range(depth):
        layers += [nn.Linear(2 if i == 0 else width, width), activation()]
    return nn.Sequential(*layers, nn.Linear(width, 1)).cuda()


def test_health_on_cuda_flags_the_sigmoid_mlp_and_not_the_relu_mlp() -> None:
    x, loss = torch.randn(64, 2, device="cuda"), lambda y: y.pow(2).mean()
    sigmoid = {f["kind"] for f in ng.trace(deep(nn.Sigmoid), x, loss=loss).health()}
    relu = {f["kind"] for f in ng.trace(deep(nn.ReLU), x, loss=loss).health()}
    assert "vanishing" in sigmoid
    assert not relu & {"vanishing", "exploding", "nan", "inf"}


def test_the_first_nan_on_cuda_is_found_where_it_appears() -> None:
    model = nn.Sequential(nn.Linear(4, 4)).cuda()
    x = torch.randn(8, 4, device="cuda")
    g = ng.trace(model, x, loss=lambda y: y.log().mean())  # log of negative numbers: NaN
    (nan,) = [f for f in g.health() if f["kind"] == "nan"]
    assert g.nodes[nan["node"]]["op"] == "log"


NO_SYNC_CASES = ["mlp", "conv_bn", "lstm", "attention", "transformer_layer", "shared_weights"]


@pytest.mark.parametrize("name", NO_SYNC_CASES)
def test_recording_adds_no_synchronisation_before_the_block_ends(name: str) -> None:
    model, args, kwargs = on_cuda(name)
    step = lambda: total(model(*args, **kwargs)).backward()  # noqa: E731
    step()  # warm up kernels and the allocator
    plain = synchronisations(step)
    with ng.record(model) as rec:
        inside = synchronisations(step)
    assert inside <= plain
    assert any(d["grad"] is not None for _, d in rec.graph.nodes(data=True))


def blocks(depth: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for _ in range(depth):
        layers += [nn.Linear(16, 16), nn.BatchNorm1d(16), nn.ReLU()]
    return nn.Sequential(*layers).cuda()


def test_trace_synchronises_as_often_for_a_deep_model_as_for_a_shallow_one() -> None:
    # Statistics come to the host once per pass, and the parameters and buffers the trace puts
    # back are compared in one read: nothing is read once per node or per tensor.
    x, loss = torch.randn(32, 16, device="cuda"), lambda y: y.pow(2).mean()
    shallow, deep = blocks(2), blocks(12)
    for model in (shallow, deep):
        ng.trace(model, x, loss=loss)  # warm up
    assert synchronisations(lambda: ng.trace(deep, x, loss=loss)) == synchronisations(
        lambda: ng.trace(shallow, x, loss=loss)
    )


def test_trace_on_cuda_puts_back_what_its_forward_changed_and_writes_nothing_else() -> None:
    model, x = blocks(3), torch.randn(32, 16, device="cuda")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    versions = {n: p._version for n, p in model.named_parameters()}
    ng.trace(model, x, loss=lambda y: y.pow(2).mean())  # BatchNorm updates its running stats
    after = model.state_dict()
    assert all(torch.equal(after[k], v) for k, v in before.items())
    assert {n: p._version for n, p in model.named_parameters()} == versions
