"""Weights too small for the depth: the values shrink layer after layer, and every weight's
gradient with them. Said once, in every seed (sweep 22e, F3: the absolute limit of 1e-8 on one
layer's gradient flagged some seeds and not others, and never a tanh net)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.i18n import times_text


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


def _default_init(activation: type[nn.Module], seed: int) -> ng.Graph:
    """6 layers without biases at PyTorch's default initialisation, nothing touched."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i in range(5):
        layers += [nn.Linear(20 if i == 0 else 64, 64, bias=False), activation()]
    model = nn.Sequential(*layers, nn.Linear(64, 3, bias=False))
    x, labels = torch.randn(32, 20), torch.randint(0, 3, (32,))
    return ng.trace(model, x, loss=lambda out: F.cross_entropy(out, labels))


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("activation", [nn.GELU, nn.SiLU])
def test_weights_at_the_default_init_are_not_told_to_keep_it(
    activation: type[nn.Module], language: str
):
    """A GELU or SiLU MLP without biases shrinks the values 3-4x per layer at PyTorch's default
    initialisation: "Keep PyTorch's default initialisation" was the advice (review s3,
    r_shrink_default_init); the weights have it, so Kaiming's or a normalisation is."""
    g = _default_init(activation, 2)
    ng.set_language(language)
    try:
        (finding,) = g.health()
    finally:
        ng.set_language("en")
    assert (finding["kind"], finding["where"]) == ("vanishing", "forward")
    assert "nn.init.kaiming_normal_" in finding["message"]
    if language == "en":
        assert "Keep PyTorch's default" not in finding["message"]
        assert "These weights have PyTorch's default initialisation" in finding["message"]
        assert "add BatchNorm or LayerNorm after each layer" in finding["message"]
    else:
        assert "Zostaw domyślną" not in finding["message"]
        assert "Te wagi mają domyślną inicjalizację PyTorcha" in finding["message"]
    # weights smaller than the default (std=0.01) are told to keep it still
    (small,) = _small_init(nn.ReLU, 0).health()
    assert "Keep PyTorch's default initialisation" in small["message"]


def test_the_factor_per_layer_reads_as_every_other_ratio():
    """The values' factor per layer read "about 48,703,502,398x per layer" where other ratios
    read "1.1 million times" (review s3, r_values_factor): 2 significant digits, in words from a
    million on."""
    (finding,) = _small_init(nn.ReLU, 0).health()
    assert f"shrink about {times_text(finding['factor'])} times per layer" in finding["message"]
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(64, 64) for _ in range(4)])
    for layer in model:
        nn.init.normal_(layer.weight, std=1e4)  # each layer multiplies the values by 80,000
    g = ng.trace(model, torch.randn(32, 64), loss=lambda y: y.pow(2).mean())
    (grow,) = [f for f in g.health() if "factor" in f]
    assert grow["factor"] > 1e4
    assert f"grow about {times_text(grow['factor'])} times per layer" in grow["message"]
    assert f"{grow['factor']:,.0f}" not in grow["message"]  # not all 5 digits
