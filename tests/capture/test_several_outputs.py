"""An op node with several outputs (one autograd node: `unbind`, `split`, `chunk`) shows the
values and gradients of those its call returned, laid end to end; its `shape` is the first
output's. An output no gradient reached counts as zeros; one the call did not return (GroupNorm's
`mean` and `rstd`) is left out, unless no gradient reached what it returned: then the node shows
the gradients of the others that one reached. Ground truth: `retain_grad()` in a plain run."""

from __future__ import annotations

import copy
import math
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


@pytest.mark.parametrize("backward", ["backward", "autograd.grad"])
def test_outputs_the_call_did_not_return_are_left_out_of_the_gradient(backward: str) -> None:
    # `F.group_norm` returns the first of the 3 outputs of its autograd node (`mean`, `rstd`)
    torch.manual_seed(0)
    model, x = nn.Sequential(nn.Conv2d(2, 4, 1), nn.GroupNorm(2, 4)), torch.randn(2, 2, 6, 6)
    plain = copy.deepcopy(model)

    def loss(out: torch.Tensor) -> torch.Tensor:
        return (out * torch.linspace(-1, 1, out.numel()).view_as(out)).sum()

    with ng.record(model) as rec:
        out = model(x)
        if backward == "backward":
            loss(out).backward()
        else:  # autograd stops at `out` without running its node: no prehook sees it
            torch.autograd.grad(loss(out), [out])
    (node,) = [d for _, d in rec.graph.nodes(data=True) if d["op"] == "group_norm"]
    out = plain(x)
    out.retain_grad()
    loss(out).backward()
    assert_stats_match(node["value"], out)
    assert_stats_match(node["grad"], out.grad)


def _cpu_lstm_layer(graph: ng.Graph) -> dict[str, Any]:
    layers = [d for _, d in graph.nodes(data=True) if d["backward"] == "MkldnnRnnLayerBackward0"]
    if not layers:
        pytest.skip("this build runs the LSTM with other autograd nodes")
    (node,) = layers
    return node


def test_an_lstm_layer_node_shows_the_gradient_of_its_output_not_of_its_states() -> None:
    torch.manual_seed(0)
    lstm, x = nn.LSTM(3, 4), torch.randn(5, 2, 3)
    plain = copy.deepcopy(lstm)
    graph = ng.trace(lstm, x, loss=lambda out: out[0].pow(2).mean() + out[1][0].sum())
    node = _cpu_lstm_layer(graph)
    output, (h, c) = plain(x)
    for t in (output, h, c):
        t.retain_grad()
    (output.pow(2).mean() + h.sum()).backward()
    # one layer: the node's outputs are the output, h (stacked into h_n) and c; it shows the
    # output, what the LSTM returned of it
    assert node["shape"] == [5, 2, 4]
    assert_stats_match(node["value"], output)
    assert_stats_match(node["grad"], output.grad)


class _LastState(nn.Module):
    """The classic classifier: a linear layer on the last layer's final hidden state."""

    def __init__(self, layers: int) -> None:
        super().__init__()
        self.rnn, self.fc = nn.LSTM(3, 8, layers), nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.rnn(x)[1][0][-1])


def _loss(out: torch.Tensor) -> torch.Tensor:
    return nn.functional.cross_entropy(out, torch.tensor([0, 1]))


def test_an_lstm_layer_whose_output_no_gradient_reached_shows_that_of_its_state() -> None:
    """Sweep S29: seq-first, `fc(h_n[-1])` sends the gradient through the layer's `hy` only, not
    its output (what the LSTM returned of the node): the layer showed no gradient at all."""
    torch.manual_seed(0)
    model, x = _LastState(1), torch.randn(7, 2, 3)
    plain = copy.deepcopy(model)
    node = _cpu_lstm_layer(ng.trace(model, x, loss=_loss))
    output, (h, _) = plain.rnn(x)
    h.retain_grad()
    _loss(plain.fc(h[-1])).backward()
    assert_stats_match(node["value"], output)
    assert_stats_match(node["grad"], h.grad)  # one layer: h_n is its `hy`; `cy` got none


def test_every_layer_of_a_stacked_lstm_read_by_its_last_state_shows_a_gradient() -> None:
    torch.manual_seed(0)
    graph = ng.trace(_LastState(2), torch.randn(7, 2, 3), loss=_loss)
    layers = [d for _, d in graph.nodes(data=True) if d["backward"] == "MkldnnRnnLayerBackward0"]
    if not layers:
        pytest.skip("this build runs the LSTM with other autograd nodes")
    assert len(layers) == 2 and all(d["grad"] and d["grad"]["norm"] > 0 for d in layers)


@pytest.mark.parametrize("batch_first", [False, True])
def test_an_lstm_output_only_the_loss_reads_ends_in_the_losss_output(batch_first: bool) -> None:
    # seq-first on the CPU the output is one of the 3 outputs of the layer's node, whose other
    # two the LSTM stacks into h_n and c_n: those ops read the node, not the output
    lstm, x = nn.LSTM(4, 3, batch_first=batch_first), torch.randn(5, 2, 4)
    graph = ng.trace(lstm, x, loss=lambda out: out[0].pow(2).mean())
    labels = [graph.nodes[o]["label"] for o in graph.graph["outputs"]]
    assert labels == ["output[1][0]", "output[1][1]", "output"]  # h_n, c_n nothing used; loss
    _, (h, c) = lstm(x)
    assert f"Output shape(s): {list(h.shape)}, {list(c.shape)}, []" in graph.summary()


class _Halves(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        first, second = self.fc(x).chunk(2, dim=1)
        return first, second.tanh()


def test_a_returned_split_output_gets_an_output_node_by_what_reads_it_not_its_siblings() -> None:
    graph = ng.trace(_Halves(), torch.randn(5, 3), loss=lambda out: out[0].sum())
    labels = [graph.nodes[o]["label"] for o in graph.graph["outputs"]]
    assert labels == ["output[1]", "output"]  # `first` ends in the loss; tanh's nothing used
    graph = ng.trace(_Halves(), torch.randn(5, 3), loss=lambda out: out[1].sum())
    labels = [graph.nodes[o]["label"] for o in graph.graph["outputs"]]
    assert labels == ["output", "output[0]"]  # `first` nothing used, though tanh reads `second`
    assert graph.graph["unused"] == []  # the model returned it


class _Attention2(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.att = nn.MultiheadAttention(8, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.att(x, x, x)


def test_each_tensor_a_call_returns_shows_its_values_on_the_node_that_made_it() -> None:
    # `multi_head_attention_forward` returns the output and the averaged attention weights,
    # made by two autograd nodes: the weights' node showed a gradient but no values
    torch.manual_seed(0)
    model, x = _Attention2(), torch.randn(5, 2, 8)
    graph = ng.trace(model, x, loss=lambda out: out[0].pow(2).mean() + out[1].pow(2).sum())
    output, weights = model(x)
    for t in (output, weights):
        (node,) = [
            d
            for _, d in graph.nodes(data=True)
            if d["op"] == "multi_head_attention_forward"
            and (d["backward"], d["shape"]) == (t.grad_fn.name(), list(t.shape))
        ]
        assert_stats_match(node["value"], t)


class _LastHidden(nn.Module):
    """A classifier on the final hidden state `h_n[-1]` of an LSTM, a GRU or an RNN."""

    def __init__(self, cell: type[nn.RNNBase], batch_first: bool) -> None:
        super().__init__()
        self.rnn, self.fc = cell(3, 6, 2, batch_first=batch_first), nn.Linear(6, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, state = self.rnn(x)
        h_n = state[0] if isinstance(state, tuple) else state
        return self.fc(h_n[-1])


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("cell", [nn.LSTM, nn.GRU, nn.RNN], ids=lambda c: c.__name__)
def test_the_final_states_of_a_recurrent_layer_show_their_values(
    cell: type[nn.RNNBase], batch_first: bool
) -> None:
    torch.manual_seed(0)
    model = _LastHidden(cell, batch_first)
    x = torch.randn(2, 7, 3) if batch_first else torch.randn(7, 2, 3)
    graph = ng.trace(model, x, loss=_loss)
    _, state = model.rnn(x)
    states = list(state) if isinstance(state, tuple) else [state]  # h_n (and c_n)
    for t in states:
        (node,) = [
            d
            for _, d in graph.nodes(data=True)
            if d["kind"] == "op"
            and d["shape"] == list(t.shape)
            and d["value"]
            and math.isclose(d["value"]["mean"], t.mean().item(), rel_tol=1e-4)
        ]
        assert_stats_match(node["value"], t)
    # the collapsed box takes its value from h_n, the tensor that leaves it
    (box,) = [d for _, d in graph.collapse(0).nodes(data=True) if d.get("module") == "rnn"]
    assert box["shape"] == list(states[0].shape)
    assert_stats_match(box["value"], states[0])
