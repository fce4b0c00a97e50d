"""Weights too small for the depth: the values shrink layer after layer, and every weight's
gradient with them. Said once, in every seed (sweep 22e, F3: the absolute limit of 1e-8 on one
layer's gradient flagged some seeds and not others, and never a tanh net)."""

from __future__ import annotations

import itertools

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


def _into_a_norm(norm: type[nn.Module]) -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    """Three layers at std=0.01 without biases (the values shrink about 18x per layer), then a
    normalisation and a head."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for i in range(3):
        layer = nn.Linear(32 if i == 0 else 64, 64, bias=False)
        nn.init.normal_(layer.weight, std=0.01)
        layers += [layer, nn.LeakyReLU(0.2)]
    model = nn.Sequential(*layers[:-1], norm(64), nn.ReLU(), nn.Linear(64, 3))
    return model, torch.randn(32, 32), torch.randint(0, 3, (32,))


@pytest.mark.parametrize("norm", [nn.BatchNorm1d, nn.LayerNorm])
def test_values_shrinking_into_a_normalisation_are_not_said_to_stop_learning(
    norm: type[nn.Module],
):
    """The norm brings them back, and its backward divides by the same small std: the weights
    before it learn (sweep s31, r_dcgan: "almost no gradient" on the model's largest ones)."""
    model, x, labels = _into_a_norm(norm)
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, labels))
    assert [f for f in g.health() if f["kind"] == "vanishing"] == []
    # the values alone, without a backward, say the same
    assert [f for f in ng.trace(model, x).health() if f["kind"] == "vanishing"] == []
    F.cross_entropy(model(x), labels).backward()
    grads = [layer.weight.grad.pow(2).mean().sqrt() for layer in model if type(layer) is nn.Linear]
    assert min(grads[:3]) > grads[-1]  # above the head's, which reads values of about 1


def test_values_shrinking_into_a_batchnorm_in_eval_mode_before_training_are_said():
    """A BatchNorm in eval mode with its starting statistics does not normalise: the values
    stay small past it."""
    model, x, labels = _into_a_norm(nn.BatchNorm1d)
    g = ng.trace(model.eval(), x, loss=lambda out: F.cross_entropy(out, labels))
    assert [(f["kind"], f["where"], f["layers"]) for f in g.health() if "factor" in f] == [
        ("vanishing", "forward", 3)
    ]


class _Generator(nn.Sequential):
    def __init__(self) -> None:
        super().__init__(
            *(nn.ConvTranspose2d(64, 128, 4, 1, 0, bias=False), nn.BatchNorm2d(128), nn.ReLU()),
            *(nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()),
            *(nn.ConvTranspose2d(64, 32, 4, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU()),
            *(nn.ConvTranspose2d(32, 1, 4, 2, 1, bias=False), nn.Tanh()),
        )


class _Discriminator(nn.Sequential):
    def __init__(self) -> None:
        super().__init__(
            *(nn.Conv2d(1, 32, 4, 2, 1, bias=False), nn.LeakyReLU(0.2)),
            *(nn.Conv2d(32, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.LeakyReLU(0.2)),
            *(nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2)),
            *(nn.Conv2d(128, 1, 4, 1, 0, bias=False), nn.Sigmoid()),
        )


@pytest.mark.parametrize("seed", range(2))
def test_the_dcgan_tutorials_generator_step_has_no_finding(seed: int):
    """PyTorch's DCGAN tutorial: its N(0, 0.02) convolutions shrink the values 6.5x per layer
    from the generator's last layer into the discriminator's first BatchNorm."""
    torch.manual_seed(seed)
    model = nn.Sequential(_Generator(), _Discriminator(), nn.Flatten(0))
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(module.weight, 0.0, 0.02)
        if isinstance(module, nn.BatchNorm2d):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
    z = torch.randn(32, 64, 1, 1)
    g = ng.trace(model, z, loss=lambda p: F.binary_cross_entropy(p, torch.ones_like(p)))
    assert g.health() == []


class _Standardised(nn.Module):
    """Four layers at std=0.01, then the values standardised by hand (no norm layer)."""

    def __init__(self, *, standardise: bool) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(32 if i == 0 else 64, 64) for i in range(4))
        for layer in self.layers:
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.zeros_(layer.bias)
        self.head, self.standardise = nn.Linear(64, 1), standardise

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = F.leaky_relu(layer(x), 0.2)
        if self.standardise:
            x = (x - x.mean(0)) / (x.std(0) + 1e-8)
        return self.head(x)


def test_shrinking_values_whose_weights_get_large_gradients_are_not_said_to_stop_learning():
    """Said only where the weights' gradients bear it out: standardised by hand, the values
    come back to about 1, and those weights get gradients as large as the head's."""
    torch.manual_seed(0)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    model = _Standardised(standardise=True)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    assert [f for f in g.health() if f["kind"] == "vanishing"] == []
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    assert min(layer.weight.grad.pow(2).mean().sqrt() for layer in model.layers) > 0.1
    # without it, the values stay small to the head: said, with their tiny gradients
    model.standardise = False
    (found,) = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y)).health()
    assert (found["where"], found["layers"]) == ("forward", 4) and found["high"] < 1e-5


class _SmallHead(nn.Module):
    """torchvision's MobileNetV3 classifier: two Linears drawn from N(0, 0.01) on purpose, after
    a normalised trunk, so that the first predictions are near uniform (sweep M1)."""

    def __init__(self) -> None:
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Conv2d(3, 96, 3, padding=1), nn.BatchNorm2d(96), nn.Hardswish()
        )
        self.head = nn.Sequential(nn.Linear(96, 1024), nn.Hardswish(), nn.Linear(1024, 10))
        for layer in (self.head[0], self.head[2]):
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(F.adaptive_avg_pool2d(self.trunk(x), 1).flatten(1))


@pytest.mark.parametrize("seed", range(4))
def test_an_output_layer_drawn_small_on_purpose_is_no_shrinking_run(seed: int):
    torch.manual_seed(seed)
    x, y = torch.randn(8, 3, 8, 8), torch.randint(0, 10, (8,))
    g = ng.trace(_SmallHead(), x, loss=lambda out: F.cross_entropy(out, y))
    assert not [f for f in g.health() if f["where"] == "forward"]


@pytest.mark.parametrize("sizes", [(64, 64, 64, 10), (784, 512, 512, 10), (784, 128, 128, 10)])
def test_three_layers_too_small_are_said_also_when_the_last_is_the_output_layer(
    sizes: tuple[int, ...],
):
    """Every layer drawn from N(0, 0.01): the first already shrinks what it reads (RG1 found
    the MNIST-sized ones lost by the first rule for a small output layer)."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    for layer in model[::2]:
        nn.init.normal_(layer.weight, std=0.01)
        nn.init.zeros_(layer.bias)
    x, y = torch.randn(64, sizes[0]), torch.randint(0, 10, (64,))
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))
    (finding,) = g.health()
    assert (finding["kind"], finding["where"], finding["module"], finding["layers"]) == (
        "vanishing", "forward", "4", 3,
    )  # fmt: skip
