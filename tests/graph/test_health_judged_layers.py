"""The layers health() compares for vanishing and exploding gradients: the weight that stands for
each one and that weight's fans, alike whichever way the graph was captured."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.graph._layers import judged_layers
from nngraph.graph._nodes import forward_order, module_types


def layers(g: ng.Graph) -> list[tuple[str, int, int]]:
    """(weight name, fan_in, fan_out) of each judged layer, in forward order."""
    position = {n: i for i, n in enumerate(forward_order(g))}
    judged = judged_layers(g, position, module_types(g))
    return [(g.nodes[x.node]["name"], x.fan_in, x.fan_out) for x in judged]


def gradient_findings(g: ng.Graph) -> list[dict]:
    return [f for f in g.health() if f["kind"] in ("vanishing", "exploding")]


# -- grouped convolutions under graph_of ----------------------------------------------------------


def depthwise_separable_cnn(seed: int) -> nn.Sequential:
    """MobileNet's blocks at PyTorch's default initialisation: a depthwise 3x3 convolution
    (`groups` = channels), then a pointwise 1x1 one, each with BatchNorm."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = [nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU()]
    for c in (32, 64, 128):
        layers += [nn.Conv2d(c, c, 3, padding=1, groups=c), nn.BatchNorm2d(c), nn.ReLU()]
        layers += [nn.Conv2d(c, 2 * c, 1), nn.BatchNorm2d(2 * c), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10))


@pytest.mark.parametrize("seed", range(2))
def test_graph_of_judges_a_depthwise_separable_cnn_as_trace_does(seed: int):
    """graph_of keeps no module configs, so `groups` was unknown: each depthwise convolution
    was taken for a full one, 32-128x wider on the way back, and the CNN said to vanish
    (sweep s31, r_dws_graphof); trace said nothing."""
    model = depthwise_separable_cnn(seed)
    x, labels = torch.randn(16, 3, 16, 16), torch.randint(0, 10, (16,))
    traced = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, labels))
    loss = F.cross_entropy(model(x), labels)
    loss.backward()
    recorded = ng.graph_of(loss, params=model)
    assert layers(recorded) == layers(traced)
    assert ("3.weight", 9, 9) in layers(recorded)  # depthwise: one channel in, one out
    assert gradient_findings(recorded) == gradient_findings(traced) == []


def test_graph_of_knows_the_groups_of_convolutions_and_transposed_ones():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv1d(4, 8, 3),
        nn.Conv1d(8, 8, 3, groups=4),
        nn.ConvTranspose1d(8, 16, 3, groups=2),
        nn.ConvTranspose1d(16, 16, 3, groups=16),
        nn.Flatten(),
        nn.Linear(16 * 20, 3),
    )
    x = torch.randn(5, 4, 20)
    traced = ng.trace(model, x, loss=lambda out: out.pow(2).mean())
    loss = model(x).pow(2).mean()
    loss.backward()
    assert layers(ng.graph_of(loss, params=model)) == layers(traced)
    assert layers(traced)[1:4] == [("1.weight", 6, 6), ("2.weight", 12, 24), ("3.weight", 3, 3)]


# -- recurrent layers stand by the weights that read their input ----------------------------------


class Seq2Seq(nn.Module):
    """An LSTM encoder-decoder over token ids, at PyTorch's default initialisation."""

    def __init__(self, embedding: int) -> None:
        super().__init__()
        self.source, self.target = nn.Embedding(50, embedding), nn.Embedding(60, embedding)
        self.enc = nn.LSTM(embedding, 64, batch_first=True)
        self.dec = nn.LSTM(embedding, 64, batch_first=True)
        self.out = nn.Linear(64, 60)

    def forward(self, source: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        _, state = self.enc(self.source(source))
        outputs, _ = self.dec(self.target(target), state)
        return self.out(outputs)


def seq2seq_graph(seed: int, embedding: int) -> ng.Graph:
    torch.manual_seed(seed)
    model = Seq2Seq(embedding)
    source, target = torch.randint(0, 50, (32, 15)), torch.randint(0, 60, (32, 12))

    def loss(logits: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits.reshape(-1, 60), target[:, 1:].reshape(-1))

    return ng.trace(model, source, target[:, :-1], loss=loss)


@pytest.mark.parametrize("embedding", [32, 128])
@pytest.mark.parametrize("seed", [2, 3])
def test_an_lstm_seq2seq_is_judged_by_its_input_weights_whatever_its_sizes(
    seed: int, embedding: int
):
    """With 32-wide embeddings and 64 hidden units, the largest weight of each LSTM is its
    weight_hh, whose gradient is ~7x below weight_ih's (it reads the smaller hidden state): the
    encoder was said to get gradients 59x smaller than the head's in 5 seeds of 10, never with
    128-wide embeddings (sweep s31, r_seq2seq_lstm)."""
    g = seq2seq_graph(seed, embedding)
    names = [name for name, _, _ in layers(g)]
    assert names == ["enc.weight_ih_l0", "dec.weight_ih_l0", "out.weight"]
    assert gradient_findings(g) == []


class SigmoidThenLstm(nn.Module):
    """Six sigmoid layers before an LSTM classifier: the gradient vanishes through them."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(100, 16)
        self.pre = nn.Sequential(*[m for _ in range(6) for m in (nn.Linear(16, 16), nn.Sigmoid())])
        self.rnn, self.out = nn.LSTM(16, 64, batch_first=True), nn.Linear(64, 5)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.rnn(self.pre(self.embed(tokens)))
        return self.out(outputs[:, -1])


def test_a_gradient_vanishing_before_a_recurrent_layer_is_still_said():
    torch.manual_seed(0)
    tokens, labels = torch.randint(0, 100, (32, 20)), torch.randint(0, 5, (32,))
    g = ng.trace(SigmoidThenLstm(), tokens, loss=lambda out: F.cross_entropy(out, labels))
    (found,) = gradient_findings(g)
    assert (found["kind"], found["where"], found["module"]) == ("vanishing", "backward", "pre.0")
