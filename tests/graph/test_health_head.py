"""A gap between the layers' gradients that one step makes, into the last layer, is said as that
step, not as a shrink per layer through the depth (sweep 22e, F1)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from tests.graph.test_health import mlp_graph


class SigmoidResidualMLP(nn.Module):
    """`h = h + sigmoid(BatchNorm(Linear(h)))`, 12 Linear layers: the residual stream the 64 -> 1
    head reads is a sum of sigmoid outputs, all positive (mean about 5.5)."""

    def __init__(self, depth: int = 12, width: int = 64) -> None:
        super().__init__()
        self.inp = nn.Linear(32, width)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Linear(width, width), nn.BatchNorm1d(width), nn.Sigmoid())
            for _ in range(depth - 2)
        )
        self.out = nn.Linear(width, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.sigmoid(self.inp(x))
        for block in self.blocks:
            h = h + block(h)
        return self.out(h)


def _residual_graph() -> ng.Graph:
    torch.manual_seed(0)
    model = SigmoidResidualMLP()
    x = torch.randn(64, 32, generator=torch.Generator().manual_seed(1000))
    y = torch.randn(64, 1, generator=torch.Generator().manual_seed(2000))
    return ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))


def test_a_gap_made_by_the_step_into_the_head_is_not_a_shrink_per_layer():
    # it said "Gradients shrink about 1.6 times per layer", while 10 of the 11 hidden steps
    # grow on the way back and the whole 1,000x is the step into the head
    (finding,) = _residual_graph().health()
    assert (finding["kind"], finding["module"]) == ("vanishing", "out")
    assert "per_layer" not in finding and "per layer" not in finding["message"]
    assert finding["hidden"] == 11 and len(finding["steps"]) == 11
    assert finding["steps"][-1] < 0.01  # the one step
    assert finding["high"] / finding["low"] < 10  # the hidden layers' gradients, about alike
    assert finding["mean"] > 3  # the head reads the uncentred residual stream
    text = finding["message"]
    assert "out (Linear)" in text and "blocks.9.0 (Linear)" in text  # the step, both ends
    assert "LayerNorm just before it" in text
    # nothing the model has already: it has BatchNorm and residual connections
    assert "residual connections" not in text and "add BatchNorm" not in text
    assert "ReLU-family" not in text


def test_the_head_step_speaks_polish():
    g = _residual_graph()
    ng.set_language("pl")
    (finding,) = g.health()
    assert "w jednym kroku" in finding["message"] and "na warstwę" not in finding["message"]
    assert "LayerNorm tuż przed nią" in finding["message"]


def test_one_steep_last_step_after_steady_layers_names_that_step():
    (finding,) = mlp_graph([0.001] * 4 + [1.0]).health()
    assert (finding["kind"], finding["module"]) == ("vanishing", "fc4")
    assert "per_layer" not in finding
    assert "module fc3 (Linear) just before it" in finding["message"]
    assert "values far from centred, or very large" in finding["message"]  # no mean known


@pytest.mark.parametrize(
    "rms",
    [
        [0.2**k for k in range(5, -1, -1)],  # 5x per step, the last one too
        [0.3**k * 0.01 for k in range(4, -1, -1)] + [1.0],  # shrinking hidden steps, then 100x
    ],
    ids=["steady", "hidden-shrink-then-head"],
)
def test_a_shrink_through_the_hidden_layers_is_still_said_per_layer(rms: list[float]):
    (finding,) = mlp_graph(rms).health()
    assert finding["kind"] == "vanishing" and "per_layer" in finding
    assert "per layer" in finding["message"]
