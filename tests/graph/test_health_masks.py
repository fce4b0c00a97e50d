"""health() on masked attention and on dead units whose cause is an uncentred input: a -inf
that a mask put in on purpose is not the cause of a NaN (a fully masked row is, at the softmax
that reads it), and dead ReLU units behind raw, all-positive features point at those features."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng

TARGET = torch.tensor([0, 1, 0, 1])


class Attention(nn.Module):
    """A hand-written single-head attention that masks its scores with -inf: `how` says how."""

    def __init__(self, how: str = "masked_fill") -> None:
        super().__init__()
        self.q, self.k, self.v = nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 8)
        self.o = nn.Linear(8, 2)
        self.how = how

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        scores = self.q(x) @ self.k(x).transpose(1, 2) / math.sqrt(8)
        if self.how == "masked_fill":
            scores = scores.masked_fill(pad[:, None, :], float("-inf"))
        elif self.how == "additive":  # a float mask added to the scores
            mask = torch.zeros(pad.shape).masked_fill(pad, float("-inf"))
            scores = scores + mask[:, None, :]
        elif self.how == "log":  # -inf from log(0), not from a mask
            scores = torch.log((~pad[:, None, :]).float() * scores.exp())
        if self.how == "log_softmax":
            masked = scores.masked_fill(pad[:, None, :], float("-inf"))
            weights = masked.log_softmax(-1).exp()
        else:
            weights = scores.softmax(-1)
        return self.o((weights @ self.v(x)).mean(1))


def padding(*, whole_row: bool) -> torch.Tensor:
    """Key padding for 4 sequences of 5: the last one entirely padding, or only its end."""
    pad = torch.zeros(4, 5, dtype=torch.bool)
    pad[3, 0 if whole_row else 2 :] = True
    return pad


def attention_graph(how: str, pad: torch.Tensor) -> ng.Graph:
    torch.manual_seed(0)
    x = torch.randn(4, 5, 8)
    return ng.trace(Attention(how), x, pad, loss=lambda o: F.cross_entropy(o, TARGET))


def forward_findings(g: ng.Graph) -> list[dict]:
    return [f for f in g.health() if f["where"] == "forward"]


# -- a fully masked row ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "op"),
    [("masked_fill", "softmax"), ("additive", "softmax"), ("log_softmax", "log_softmax")],
)
def test_a_fully_masked_row_is_named_at_the_softmax_not_at_the_mask(how: str, op: str):
    g = attention_graph(how, padding(whole_row=True))
    (first,) = forward_findings(g)
    assert first["kind"] == "nan"
    assert g.nodes[first["node"]]["op"] == op
    message = first["message"]
    assert f"appears in the output of {op}; that op reads -inf from a mask" in message
    assert "a row whose scores are all -inf" in message and "entirely padding" in message
    assert "Keep at least one position unmasked in every row" in message
    assert "torch.finfo(scores.dtype).min" in message
    assert "learning rate" not in message and "overflow" not in message
    backward = [f for f in g.health() if f["where"] == "backward"]
    assert backward and "it follows from the NaN above" in backward[0]["message"]


def test_a_fully_masked_row_speaks_polish():
    g = attention_graph("masked_fill", padding(whole_row=True))
    ng.set_language("pl")
    (first,) = forward_findings(g)
    assert first["message"].startswith(
        "Pierwsza wartość NaN (nie-liczba) w przejściu w przód pojawia się w wyniku operacji"
        " softmax; ta operacja dostaje na wejściu -inf z maski."
    )
    assert "co najmniej jedną niezamaskowaną pozycję" in first["message"]


def test_multihead_attention_with_a_sequence_all_padding_names_the_attention():
    torch.manual_seed(0)
    attention = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(4, 5, 8)
    g = ng.trace(
        attention,
        x,
        x,
        x,
        key_padding_mask=padding(whole_row=True),
        loss=lambda out: out[0].pow(2).mean(),
    )
    (first,) = forward_findings(g)
    assert first["kind"] == "nan"
    assert "attention" in g.nodes[first["node"]]["op"]
    assert "that op reads -inf from a mask" in first["message"]


@pytest.mark.parametrize("how", ["masked_fill", "additive", "log_softmax"])
def test_ordinary_padding_is_silent(how: str):
    assert attention_graph(how, padding(whole_row=False)).health() == []


def test_a_causal_mask_is_silent():
    class Causal(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.qkv = nn.Linear(8, 24)
            self.register_buffer("mask", torch.triu(torch.full((5, 5), float("-inf")), 1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            q, k, v = self.qkv(x).chunk(3, -1)
            scores = q @ k.transpose(1, 2) / math.sqrt(8) + self.mask
            built = torch.triu(torch.full((5, 5), float("-inf")), 1)  # made in forward too
            return (scores + built).softmax(-1) @ v

    torch.manual_seed(0)
    g = ng.trace(Causal(), torch.randn(4, 5, 8), loss=lambda y: y.pow(2).mean())
    assert g.health() == []


def test_minus_inf_from_a_log_of_zero_is_still_blamed_on_the_log():
    g = attention_graph("log", padding(whole_row=True))
    first = forward_findings(g)[0]
    assert first["kind"] == "inf" and g.nodes[first["node"]]["op"] == "log"
    assert "log(x + eps)" in first["message"]


# -- dead units behind an uncentred input ------------------------------------------------------


#: Iris's three species: the mean and spread of each of the four measurements, in cm
SPECIES_MEAN = [[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]]
SPECIES_STD = [[0.35, 0.38, 0.17, 0.1], [0.52, 0.31, 0.47, 0.2], [0.64, 0.32, 0.55, 0.27]]
SPECIES = torch.arange(150) // 50


def iris_like() -> torch.Tensor:
    """150 flowers measured in cm, as Iris has them: all positive, overall mean about 3.5."""
    generator = torch.Generator().manual_seed(0)
    mean, std = torch.tensor(SPECIES_MEAN)[SPECIES], torch.tensor(SPECIES_STD)[SPECIES]
    return mean + std * torch.randn(150, 4, generator=generator)


def iris_graph(x: torch.Tensor) -> ng.Graph:
    torch.manual_seed(1)  # PyTorch's default init: 6 of 16 units silent on every flower
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    return ng.trace(model, x, loss=lambda o: F.cross_entropy(o, SPECIES))


def test_dead_units_behind_raw_features_say_to_standardise_them():
    x = iris_like()
    (dead,) = iris_graph(x).health()
    assert dead["kind"] == "dead" and dead["dead"] == 6
    message = dead["message"]
    assert message.startswith(f"{dead['dead']} of 16 ReLU units in module 1 (ReLU) output zero")
    mean, std = x.mean().item(), x.std().item()
    assert (
        f"The values going into module 0 (Linear) are far from centred (mean {mean:.3g},"
        f" std {std:.3g})"
    ) in message
    assert "Standardise the inputs: (x - mean) / std for each feature" in message
    assert "kaiming_normal_" not in message
    standardised = (x - x.mean(0)) / x.std(0)
    assert iris_graph(standardised).health() == []


def test_dead_units_behind_raw_features_speak_polish():
    g = iris_graph(iris_like())
    ng.set_language("pl")
    (dead,) = g.health()
    assert "Wartości wchodzące do modułu 0 (Linear) są dalekie od wycentrowania" in dead["message"]
    assert "Standaryzuj wejścia: (x - średnia) / odchylenie dla każdej cechy" in dead["message"]


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, reduction: int = 4) -> None:
        super().__init__()
        self.fc1 = nn.Linear(channels, channels // reduction)
        self.fc2 = nn.Linear(channels // reduction, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weights = torch.sigmoid(self.fc2(F.relu(self.fc1(x.mean((2, 3))))))
        return x * weights[:, :, None, None]


class SENet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.se1 = SqueezeExcite(32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.se1(F.relu(self.conv1(x))).mean((2, 3)))


def test_dead_units_behind_pooled_relu_features_suggest_a_normalisation_before_the_layer():
    torch.manual_seed(2)
    model, x = SENet(), torch.randn(64, 1, 8, 8)
    g = ng.trace(model, x, loss=lambda o: F.cross_entropy(o, torch.arange(64) % 10))
    (dead,) = [f for f in g.health() if f["kind"] == "dead"]
    message = dead["message"]
    assert "units of the ReLU after se1.fc1 (Linear)" in message
    assert "The values going into module se1.fc1 (Linear) are far from centred" in message
    assert "A BatchNorm or LayerNorm just before that layer centres them." in message
    assert "Standardise the inputs" not in message
    ng.set_language("pl")
    (dead,) = [f for f in g.health() if f["kind"] == "dead"]
    assert (
        "Wycentruje je BatchNorm albo LayerNorm wstawiony tuż przed tą warstwą" in dead["message"]
    )


def test_dead_units_behind_centred_inputs_keep_the_usual_advice():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    nn.init.constant_(model[0].bias, -100.0)  # every unit silent, whatever the input
    g = ng.trace(model, torch.randn(16, 4), loss=lambda y: y.pow(2).mean())
    (dead,) = [f for f in g.health() if f["kind"] == "dead"]
    assert "far from centred" not in dead["message"]
    assert "nn.init.kaiming_normal_" in dead["message"]


def test_a_hidden_layer_after_a_relu_is_not_called_uncentred():
    """What a ReLU gives (|mean| / std about 0.7) is not far from centred: units killed by
    a large negative bias in a hidden layer keep the usual advice."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU())
    nn.init.constant_(model[2].bias, -100.0)
    g = ng.trace(model, torch.randn(64, 8), loss=lambda y: y.pow(2).mean())
    (dead,) = [f for f in g.health() if f["kind"] == "dead"]
    assert dead["module"] == "3" and "far from centred" not in dead["message"]
