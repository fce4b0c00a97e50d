"""health() on data far from standardised that reaches the trunk anywhere, not only through its
first layer: a weight's gradient is what its layer reads times the gradient behind it, so a
layer reading values the raw data made large gets a large gradient whatever the gradient
reaching it. The data-scale finding says so; the layers' gradients compared with each other
are no vanishing or exploding gradient then."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng


class Denoiser(nn.Module):
    """A diffusion model's denoiser: the timestep goes through a Linear of its own, added to
    the trunk, then SiLU, a Linear, SiLU and the output layer; or `sigmoid_layers` Linear +
    Sigmoid layers (a deep sigmoid MLP, whose gradient does vanish)."""

    def __init__(self, sigmoid_layers: int = 0) -> None:
        super().__init__()
        self.t, self.inp = nn.Linear(1, 32), nn.Linear(2, 32)
        body: list[nn.Module] = [nn.SiLU(), nn.Linear(32, 32), nn.SiLU()]
        if sigmoid_layers:
            body = [nn.Sigmoid()]
            body += [m for _ in range(sigmoid_layers) for m in (nn.Linear(32, 32), nn.Sigmoid())]
        self.body, self.out = nn.Sequential(*body), nn.Linear(32, 2)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.out(self.body(self.inp(x) + self.t(t.float()[:, None])))


def denoiser_findings(seed: int, scale: float = 1.0, sigmoid_layers: int = 0) -> list[dict]:
    torch.manual_seed(seed)
    t, x, noise = torch.randint(0, 1000, (64,)), torch.randn(64, 2), torch.randn(64, 2)
    model = Denoiser(sigmoid_layers)
    g = ng.trace(model, x, t * scale, loss=lambda out: F.mse_loss(out, noise))
    return g.health()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_raw_timestep_through_a_side_branch_is_told_as_the_data_scale_alone(seed: int):
    """Sweep s44 zoo2, finding 2: a raw timestep 0..999 through its own Linear, added to the
    trunk, also gave "[vanishing] ... Initialise the weights with nn.init.kaiming_normal_, add
    BatchNorm" (9 seeds in 10; in the 10th "[exploding] ... Start from smaller weights"),
    while the gradient reaching each layer's output does not vanish: the later layers read
    values in the hundreds, made of the raw timestep."""
    (scale,) = denoiser_findings(seed)
    assert (scale["kind"], scale["where"], scale["module"]) == ("exploding", "forward", "t")
    assert "far from standardised" in scale["message"]
    assert denoiser_findings(seed, scale=1e-3) == []  # t / 1000: nothing to say


class SequenceDenoiser(nn.Module):
    """The same on a sequence, `[batch, time, features]`, the integer timestep indexed before
    it is cast: `t[:, None, None].float()`."""

    def __init__(self) -> None:
        super().__init__()
        self.t, self.inp = nn.Linear(1, 16), nn.Linear(4, 16)
        self.mid, self.out = nn.Linear(16, 16), nn.Linear(16, 2)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        h = F.silu(self.inp(x) + self.t(t[:, None, None].float()))
        return self.out(F.silu(self.mid(h)))


@pytest.mark.parametrize("seed", [0, 4])
def test_a_raw_timestep_beside_a_sequence_is_told_as_the_data_scale_alone(seed: int):
    """Sweep s44 zoo2, finding 2: a Linear on a 3-d input reads its data in the last op of the
    call, and `t[:, None, None]` reads the timestep's values, not ids: the data was not found
    there, and the layers after it were said to vanish (or explode)."""
    torch.manual_seed(seed)
    x, t, noise = torch.randn(8, 10, 4), torch.randint(0, 1000, (8,)), torch.randn(8, 10, 2)
    g = ng.trace(SequenceDenoiser(), x, t, loss=lambda out: F.mse_loss(out, noise))
    (scale,) = g.health()
    assert (scale["kind"], scale["where"], scale["module"]) == ("exploding", "forward", "t")


@pytest.mark.parametrize("seed", [0, 1])
def test_a_sigmoid_mlp_beside_a_raw_timestep_still_has_vanishing_gradients(seed: int):
    """Sweep s44 zoo2, finding 2: the sigmoid squashes what the raw timestep made, so the
    layers after it read values below 1 and their gradients still show the vanishing."""
    findings = denoiser_findings(seed, sigmoid_layers=6)
    assert "far from standardised" in findings[0]["message"]
    (vanishing,) = [f for f in findings if f["kind"] == "vanishing" and "layers" in f]
    assert {"body.1", "body.11", "out"} <= set(vanishing["layers"])


def test_raw_inputs_through_a_relu_mlp_are_one_finding_not_a_huge_last_layer_too():
    """Sweep s44 zoo2, finding 2: ReLUs pass the raw inputs' size on, so the last layer read
    values in the hundreds and was told "a huge gradient ... Start from smaller weights"
    beside the data-scale finding that explains it."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
    g = ng.trace(model, torch.rand(32, 3) * 1000, loss=lambda y: y.pow(2).mean())
    (scale,) = g.health()
    assert (scale["kind"], scale["where"], scale["module"]) == ("exploding", "forward", "0")


def test_a_huge_gradient_with_standardised_data_is_still_told():
    """Sweep s44 zoo2, finding 2: only data far from standardised explains a huge gradient."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
    with torch.no_grad():
        model[0].weight.mul_(1000)  # the same hidden values, made by the weights
    g = ng.trace(model, torch.rand(32, 3), loss=lambda y: y.pow(2).mean())
    assert any(f["kind"] == "exploding" and f["where"] == "backward" for f in g.health())


class SigmoidTrunkWithCount(nn.Module):
    """6 Linear + Sigmoid layers on standardised data (whose gradient does vanish), and a raw
    count through a Linear of its own, added to the trunk before a 2-layer ReLU head."""

    def __init__(self) -> None:
        super().__init__()
        trunk = [m for i in range(6) for m in (nn.Linear(32 if i == 0 else 64, 64), nn.Sigmoid())]
        self.deep, self.side = nn.Sequential(*trunk), nn.Linear(1, 64)
        self.head = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))

    def forward(self, x: torch.Tensor, count: torch.Tensor) -> torch.Tensor:
        return self.head(self.deep(x) + self.side(count[:, None]))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_vanishing_trunk_is_still_told_when_a_raw_count_joins_before_its_head(seed: int):
    """Sweep s44 rev_health, finding 1: the head's layers read values the raw count made
    large, so the whole vanishing verdict was dropped, and a sigmoid trunk whose first layer
    gets ~1e-5 of its last one's gradient was told only to standardise the count. The trunk
    before the head is still compared."""
    torch.manual_seed(seed)
    x, count, y = torch.randn(64, 32), torch.randint(0, 501, (64,)).float(), torch.randn(64, 1)
    g = ng.trace(SigmoidTrunkWithCount(), x, count, loss=lambda out: F.mse_loss(out, y))
    findings = g.health()
    assert findings[0]["module"] == "side" and "far from standardised" in findings[0]["message"]
    (vanishing,) = [f for f in findings if f["kind"] == "vanishing" and "layers" in f]
    assert vanishing["layers"][0] == "deep.0" and "deep.10" in vanishing["layers"]
    assert not {"head.0", "head.2"} & set(vanishing["layers"])  # they read the count's values


class HugeWeightsAndAge(nn.Module):
    """Standardised features through a Linear of weights far too large (x1000), and an age
    (mean 40) through a Linear of its own, added to the hidden layer."""

    def __init__(self) -> None:
        super().__init__()
        self.inp, self.age, self.out = nn.Linear(3, 16), nn.Linear(1, 16), nn.Linear(16, 1)
        with torch.no_grad():
            self.inp.weight.mul_(1000)

    def forward(self, x: torch.Tensor, age: torch.Tensor) -> torch.Tensor:
        return self.out(F.relu(self.inp(x)) + self.age(age[:, None]))


@pytest.mark.parametrize("age_scale", [1.0, 1 / 40])
def test_a_huge_gradient_the_weights_make_is_not_blamed_on_a_raw_side_input(age_scale: float):
    """Sweep s44 rev_health, finding 2: `out` reads values of RMS ~190 made by the weights
    (the age adds ~25 to them) and gets a gradient of RMS ~2e4 with the age raw or
    standardised; with the age raw, only "standardise the age" was said."""
    torch.manual_seed(0)
    x, age = torch.rand(32, 3), (40 + 10 * torch.randn(32)) * age_scale
    g = ng.trace(HugeWeightsAndAge(), x, age, loss=lambda y: y.pow(2).mean())
    huge = [f for f in g.health() if f["kind"] == "exploding" and f["where"] == "backward"]
    assert [f["module"] for f in huge] == ["out"]


class WideReluWithAge(nn.Module):
    """A 6-layer ReLU MLP whose weights are far too large (normal, std 1: the values grow ~6x
    per layer), standardised data, and an age (mean 40) through its own Linear added after
    the first layer."""

    def __init__(self) -> None:
        super().__init__()
        self.fc0, self.side = nn.Linear(8, 64), nn.Linear(1, 64)
        body = [m for _ in range(4) for m in (nn.ReLU(), nn.Linear(64, 64))]
        self.body = nn.Sequential(*body, nn.ReLU(), nn.Linear(64, 1))
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=1.0)

    def forward(self, x: torch.Tensor, age: torch.Tensor) -> torch.Tensor:
        return self.body(self.fc0(x) + self.side(age[:, None]))


def test_values_the_layers_grow_are_not_the_raw_side_inputs_doing():
    """Sweep s44 rev_health, finding 2: 5 of the 6 trunk layers' huge-gradient findings went
    with a raw age added after the first layer, though the weights grow the values to 1e5
    whatever the age, and the gradients are as huge with the age standardised."""

    def huge_gradients(age_scale: float) -> set[str]:
        torch.manual_seed(1)
        x, age, y = torch.randn(32, 8), (40 + 10 * torch.randn(32)) * age_scale, torch.randn(32, 1)
        g = ng.trace(WideReluWithAge(), x, age, loss=lambda out: F.mse_loss(out, y))
        huge = [f for f in g.health() if f["kind"] == "exploding" and f["where"] == "backward"]
        return {f["module"] for f in huge}

    trunk = {"fc0", "body.1", "body.3", "body.5", "body.7", "body.9"}
    assert trunk <= huge_gradients(1.0) and trunk <= huge_gradients(1 / 40)


class PositionMLP(nn.Module):
    """Token embeddings plus a Linear of the raw position index 0..T-1 (a 3-d input), then a
    6-layer sigmoid MLP, whose gradient vanishes."""

    def __init__(self) -> None:
        super().__init__()
        self.emb, self.pos, self.out = nn.Embedding(50, 32), nn.Linear(1, 32), nn.Linear(32, 50)
        self.body = nn.Sequential(*[m for _ in range(6) for m in (nn.Linear(32, 32), nn.Sigmoid())])

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        position = torch.arange(ids.shape[1]).float()[None, :, None]
        return self.out(self.body(self.emb(ids) + self.pos(position)))


def test_the_data_scale_finding_claims_no_huge_gradient_the_layer_does_not_get():
    """Sweep s44 rev_health, finding 3: behind a vanishing sigmoid trunk, a raw position index
    was said to give its layer "huge gradients and huge, unstable steps", while that layer's
    gradient is the smallest of the model (RMS ~3e-7), as the vanishing finding beside it
    says. It is said as it is: as many times larger as the data, and small here."""
    torch.manual_seed(0)
    ids, y = torch.randint(0, 50, (8, 40)), torch.randint(0, 50, (8, 40))
    g = ng.trace(PositionMLP(), ids, loss=lambda o: F.cross_entropy(o.flatten(0, 1), y.flatten()))
    scale, vanishing = g.health()
    assert (scale["module"], vanishing["kind"], vanishing["layers"][0]) == (
        "pos",
        "vanishing",
        "pos",
    )
    assert "huge" not in scale["message"] and "far from standardised" in scale["message"]
    weight = next(n for n in g if g.nodes[n]["name"] == "pos.weight")
    grad = g.nodes[weight]["grad"]
    assert scale["rms"] == pytest.approx(grad["norm"] / grad["numel"] ** 0.5)
    assert f"{scale['rms']:.1e}" in scale["message"] and "about 23 times" in scale["message"]


def test_raw_pixels_into_a_relu_mlp_still_get_huge_gradients_said():
    """Sweep s44 rev_health, finding 3: the first layer's gradient is below the next layer's
    (that one reads what the raw pixels made), yet far above what the layers would get with
    standardised data: the finding keeps its "huge gradients"."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    pixels, labels = torch.randint(0, 256, (64, 1, 28, 28)).float(), torch.randint(0, 10, (64,))
    (scale,) = ng.trace(model, pixels, loss=lambda out: F.cross_entropy(out, labels)).health()
    assert "huge gradients" in scale["message"] and "rms" not in scale


def test_a_deep_relu_mlp_on_raw_pixels_keeps_huge_gradients_said() -> None:
    """Regression review s44 round 2 (2): its layers' gradients differ by a few percent
    (0.030 against 0.032-0.034), and the first one's was told "still small ... only because
    little gradient reaches this layer": a gradient is small only well below the others'."""
    torch.manual_seed(1)
    layers: list[nn.Module] = [nn.Flatten()]
    width = 784
    for _ in range(5):
        layers += [nn.Linear(width, 128), nn.ReLU()]
        width = 128
    model = nn.Sequential(*layers, nn.Linear(width, 10))
    pixels, labels = torch.randint(0, 256, (64, 1, 28, 28)).float(), torch.randint(0, 10, (64,))
    found = ng.trace(model, pixels, loss=lambda out: F.cross_entropy(out, labels)).health()
    scale = next(f for f in found if "far from standardised" in f["message"])
    assert "huge gradients" in scale["message"] and "still small" not in scale["message"]


def test_a_softmax_over_a_single_value_is_judged_and_its_scores_learn_nothing() -> None:
    """Regression review s44 round 2 (1): attention pooling squeezed to 0-d (a batch of 1, a
    sequence of 1) made health() raise IndexError, in trace() and in graph_of(). A softmax
    over one value is always 1, so the layer scoring it gets no gradient: health() says so."""

    class Pool(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc, self.score, self.out = nn.Linear(3, 8), nn.Linear(8, 1), nn.Linear(8, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = torch.tanh(self.enc(x))
            weights = self.score(h).squeeze().softmax(-1)
            return self.out(weights * h.squeeze())

    torch.manual_seed(0)
    model, x = Pool(), torch.randn(1, 1, 3)
    loss = model(x).pow(2).sum()
    loss.backward()
    assert model.score.weight.grad is not None and not model.score.weight.grad.any()
    for g in (
        ng.graph_of(loss, params=model),
        ng.trace(model, x, loss=lambda out: out.pow(2).sum()),
    ):
        found = g.health()
        assert [(f["kind"], f["module"]) for f in found] == [("vanishing", "score")]
        assert "gradient of exactly zero" in found[0]["message"]
