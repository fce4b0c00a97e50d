"""The bias nodes of an LSTM or a GRU carry the mean of each gate's slice (`gates`, i|f|g|o or
r|z|n), whichever way the graph was captured; no other node has the attribute. Ground truth:
the slices' means computed by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn

import nngraph as ng

HIDDEN = 4


class _Steps(nn.Module):
    """A cell stepped through the sequence by hand."""

    def __init__(self, cell: nn.Module) -> None:
        super().__init__()
        self.cell = cell

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.zeros(x.shape[1], HIDDEN)
        state: Any = (h, torch.zeros_like(h)) if isinstance(self.cell, nn.LSTMCell) else h
        for step in x:
            state = self.cell(step, state)
            h = state[0] if isinstance(state, tuple) else state
        return h


class _MyGRU(nn.GRU):
    """A subclass, as a course's own layer might be."""


LAYERS: dict[str, Callable[[], nn.Module]] = {
    "LSTM": lambda: nn.LSTM(3, HIDDEN, 2, bidirectional=True),
    "GRU": lambda: nn.GRU(3, HIDDEN),
    "GRU subclass": lambda: _MyGRU(3, HIDDEN),
    "LSTM with projection": lambda: nn.LSTM(3, HIDDEN, proj_size=2),
    "LSTMCell": lambda: _Steps(nn.LSTMCell(3, HIDDEN)),
    "GRUCell": lambda: _Steps(nn.GRUCell(3, HIDDEN)),
}


def _layer(make: Callable[[], nn.Module]) -> nn.Module:
    torch.manual_seed(0)
    model = make()
    with torch.no_grad():  # every gate its own mean
        for name, p in model.named_parameters():
            if "bias" in name:
                p.add_(torch.arange(p.numel()).div(HIDDEN, rounding_mode="floor"))
    return model


def _first(out: Any) -> torch.Tensor:
    return out[0] if isinstance(out, tuple) else out


def _captured(model: nn.Module, how: str) -> ng.Graph:
    x = torch.randn(5, 2, 3)
    if how == "trace":
        return ng.trace(model, x, loss=lambda out: _first(out).sum())
    if how == "record":
        with ng.record(model) as rec:
            _first(model(x)).sum().backward()
        return rec.graph
    return ng.graph_of(_first(model(x)).sum(), params=model)


def _slice_means(bias: torch.Tensor) -> list[float]:
    return bias.detach().view(-1, HIDDEN).mean(dim=1).tolist()


@pytest.mark.parametrize("how", ["trace", "record", "graph_of"])
@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_each_bias_of_a_gated_layer_carries_the_mean_of_each_gate(kind: str, how: str) -> None:
    """health() reads the gate that keeps the state from them: the whole tensor's mean, min and
    max cannot tell which slice a student filled."""
    model = _layer(LAYERS[kind])
    graph = _captured(model, how)
    biases = {name: p for name, p in model.named_parameters() if "bias" in name}
    found = {d["name"]: d["gates"] for _, d in graph.nodes(data=True) if d.get("gates") is not None}
    assert found.keys() == biases.keys()
    gates = 4 if "LSTM" in kind else 3
    for name, means in found.items():
        assert len(means) == gates
        assert means == pytest.approx(_slice_means(biases[name]), abs=1e-6)
    others = [d for _, d in graph.nodes(data=True) if d.get("name") not in biases]
    assert others and not any("gates" in d for d in others)


def test_a_bias_read_without_statistics_has_none() -> None:
    model = _layer(LAYERS["GRU"])
    graph = ng.graph_of(model(torch.randn(5, 2, 3))[0].sum(), params=model, stats=False)
    gates = {d["name"]: d["gates"] for _, d in graph.nodes(data=True) if "gates" in d}
    assert gates == {"bias_ih_l0": None, "bias_hh_l0": None}


def test_the_means_are_those_of_the_bias_when_first_used() -> None:
    """As its `value`: an optimizer step in the recording changes the bias afterwards."""
    model = _layer(LAYERS["GRUCell"])
    before = _slice_means(model.cell.bias_hh)
    optimizer = torch.optim.SGD(model.parameters(), lr=10.0)
    with ng.record(model) as rec:
        model(torch.randn(5, 2, 3)).pow(2).sum().backward()
        optimizer.step()
    (node,) = [d for _, d in rec.graph.nodes(data=True) if d["name"] == "cell.bias_hh"]
    assert _slice_means(model.cell.bias_hh) != pytest.approx(before)
    assert node["gates"] == pytest.approx(before, abs=1e-6)
    assert sum(node["gates"]) / 3 == pytest.approx(node["value"]["mean"])  # read together
