"""Weights too small for the depth: the values shrink layer after layer, and every weight's
gradient with them. Said once, in every seed (sweep 22e, F3: the absolute limit of 1e-8 on one
layer's gradient flagged some seeds and not others, and never a tanh net)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng


def _small_init(activation: type[nn.Module], seed: int, std: float = 0.01) -> ng.Graph:
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i in range(5):
        layers += [nn.Linear(32 if i == 0 else 64, 64), activation()]
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, std=std)
            nn.init.zeros_(layer.bias)
    x = torch.randn(64, 32, generator=torch.Generator().manual_seed(1000 + seed))
    y = torch.randn(64, 1, generator=torch.Generator().manual_seed(2000 + seed))
    return ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("activation", [nn.ReLU, nn.Tanh, nn.GELU, nn.LeakyReLU])
def test_weights_too_small_for_the_depth_are_one_finding_in_every_seed(
    activation: type[nn.Module], seed: int
):
    (finding,) = _small_init(activation, seed).health()
    assert (finding["kind"], finding["where"], finding["module"]) == ("vanishing", "forward", "10")
    assert finding["layers"] == 6 and finding["factor"] > 10
    assert finding["high"] < 1e-6  # the gradients it explains, said in the same finding
    assert "nn.init.kaiming_normal_" in finding["message"]


def test_the_shrinking_values_speak_polish():
    g = _small_init(nn.ReLU, 0)
    ng.set_language("pl")
    (finding,) = g.health()
    assert finding["message"].startswith("Wartości maleją około")
    assert "prawie zerowy gradient (RMS od " in finding["message"]


@pytest.mark.parametrize("std", [None, (2 / 64) ** 0.5], ids=["default", "kaiming-scale"])
def test_weights_of_a_usual_size_are_not_said_to_shrink_the_values(std: float | None):
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(20):
        layer = nn.Linear(64, 64)
        if std is not None:
            nn.init.normal_(layer.weight, std=std)
            nn.init.zeros_(layer.bias)
        layers += [layer, nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    g = ng.trace(model, torch.randn(64, 64), loss=lambda y: y.pow(2).mean())
    assert [f for f in g.health() if f["kind"] == "vanishing" and f["where"] == "forward"] == []
