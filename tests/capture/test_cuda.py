"""Capture on a GPU: statistics computed on the device, fetched once, equal to the CPU's."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import nngraph as ng

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


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


def test_no_synchronisation_before_the_block_ends() -> None:
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1)).cuda()
    x = torch.randn(32, 8, device="cuda")
    model(x).sum().backward()  # warm up kernels and the allocator
    with ng.record(model) as rec:
        torch.cuda.set_sync_debug_mode("error")
        try:
            model(x).sum().backward()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    assert any(d["grad"] is not None for _, d in rec.graph.nodes(data=True))
