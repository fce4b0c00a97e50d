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
