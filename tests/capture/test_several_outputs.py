"""An op node with several outputs (one autograd node: `unbind`, `split`, `chunk`) shows the
values and gradients of all of them, laid end to end; its `shape` is the first output's. An
output no gradient reached counts as zeros. Ground truth: `retain_grad()` in a plain run."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn

import nngraph as ng
from tests.capture.test_correctness import assert_stats_match


def _end_to_end(tensors: list[torch.Tensor], grads: bool = False) -> torch.Tensor:
    parts = []
    for t in tensors:
        part = t if not grads else t.grad if t.grad is not None else torch.zeros_like(t)
        parts.append(part.detach().reshape(-1))
    return torch.cat(parts)


class _Attention(nn.Module):
    """q, k, v from one projection; almost all of the gradient flows through v."""

    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(16, 48)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).view(2, 5, 3, 16).unbind(2)
        return (q.softmax(-1) * k).sum(-1, keepdim=True) * 1e-3 + v * 10


def test_unbind_node_shows_every_output() -> None:
    torch.manual_seed(0)
    model, x = _Attention(), torch.randn(2, 5, 16)
    plain = copy.deepcopy(model)
    graph = ng.trace(model, x, loss=lambda out: out.pow(2).mean())
    (node,) = [d for _, d in graph.nodes(data=True) if d["op"] == "unbind"]

    outputs = list(plain.qkv(x).view(2, 5, 3, 16).unbind(2))
    for t in outputs:
        t.retain_grad()
    q, k, v = outputs
    ((q.softmax(-1) * k).sum(-1, keepdim=True) * 1e-3 + v * 10).pow(2).mean().backward()
    assert node["shape"] == [2, 5, 16]
    assert_stats_match(node["value"], _end_to_end(outputs))
    assert_stats_match(node["grad"], _end_to_end(outputs, grads=True))


Split = Callable[[torch.Tensor], tuple[torch.Tensor, ...]]
SPLITS: dict[str, Split] = {
    "split": lambda h: h.split([2, 3, 1], dim=1),
    "chunk": lambda h: h.chunk(3, dim=1),
    "unbind": lambda h: h.unbind(1),
}


@pytest.mark.parametrize("op", sorted(SPLITS))
def test_an_output_no_gradient_reached_counts_as_zeros(op: str) -> None:
    torch.manual_seed(0)
    layer, x = nn.Linear(4, 6), torch.randn(3, 4)
    plain = copy.deepcopy(layer)

    def use(parts: tuple[torch.Tensor, ...]) -> torch.Tensor:
        return parts[0].tanh().sum() + 3 * parts[-1].pow(2).sum()

    with ng.record(layer) as rec:
        use(SPLITS[op](layer(x))).backward()
    (node,) = [d for _, d in rec.graph.nodes(data=True) if d["op"] == op]
    outputs = list(SPLITS[op](plain(x)))
    for t in outputs:
        t.retain_grad()
    use(tuple(outputs)).backward()
    assert any(t.grad is None for t in outputs)  # a middle output nothing used
    assert node["shape"] == list(outputs[0].shape)
    assert_stats_match(node["value"], _end_to_end(outputs))
    assert_stats_match(node["grad"], _end_to_end(outputs, grads=True))


VALUES_AND_INDICES: dict[str, Callable[[torch.Tensor], Any]] = {
    "max": lambda h: torch.max(h, dim=1),
    "topk": lambda h: torch.topk(h, 2, dim=1),
    "sort": lambda h: torch.sort(h, dim=1),
}


@pytest.mark.parametrize("op", sorted(VALUES_AND_INDICES))
def test_indices_are_left_out_of_values_and_gradients(op: str) -> None:
    torch.manual_seed(0)
    layer, x = nn.Linear(4, 6), torch.randn(3, 4)
    plain = copy.deepcopy(layer)
    with ng.record(layer) as rec:
        values, _ = VALUES_AND_INDICES[op](layer(x))
        values.pow(2).sum().backward()
    (node,) = [d for _, d in rec.graph.nodes(data=True) if d["op"] == op]
    values, _ = VALUES_AND_INDICES[op](plain(x))
    values.retain_grad()
    values.pow(2).sum().backward()
    assert_stats_match(node["value"], values)
    assert_stats_match(node["grad"], values.grad)


def test_an_lstm_layer_node_shows_the_gradients_of_its_output_and_states() -> None:
    torch.manual_seed(0)
    lstm, x = nn.LSTM(3, 4), torch.randn(5, 2, 3)
    plain = copy.deepcopy(lstm)
    graph = ng.trace(lstm, x, loss=lambda out: out[0].pow(2).mean() + out[1][0].sum())
    layers = [d for _, d in graph.nodes(data=True) if d["backward"] == "MkldnnRnnLayerBackward0"]
    if not layers:
        pytest.skip("this build runs the LSTM with other autograd nodes")
    (node,) = layers
    output, (h, c) = plain(x)
    for t in (output, h, c):
        t.retain_grad()
    (output.pow(2).mean() + h.sum()).backward()
    # one layer: the node's outputs are the output, h (stacked into h_n) and c; c got none
    assert node["shape"] == [5, 2, 4]
    assert_stats_match(node["value"], output)
    assert_stats_match(node["grad"], _end_to_end([output, h, c], grads=True))
