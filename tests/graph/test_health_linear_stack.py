"""health(): Linear layers with no activation between them are one linear map (sweep s47 M3:
`Linear(2, 32) -> Linear(32, 32) -> Linear(32, 2)` on circles got "Findings: none")."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.i18n import set_language


def _stacks(model: nn.Module, x: torch.Tensor | None = None) -> list[dict]:
    torch.manual_seed(0)
    x = torch.randn(16, 2) if x is None else x
    g = ng.trace(model, x, loss=lambda out: out.pow(2).mean())
    return [f for f in g.health() if f["kind"] == "linear_stack"]


def test_linear_layers_with_no_activation_between_them_are_told_once() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 32), nn.Linear(32, 32), nn.Linear(32, 2))
    (found,) = _stacks(model)
    assert found["layers"] == ["0", "1", "2"] and found["module"] == "0"
    assert found["message"].startswith("Modules 0, 1, 2 (Linear) follow each other with no")
    assert "one Linear(2, 2)" in found["message"] and "nn.ReLU()" in found["message"]
    set_language("pl")
    try:
        (found,) = _stacks(model)
        assert "bez funkcji aktywacji" in found["message"]
    finally:
        set_language("en")
    g = ng.trace(model, torch.randn(16, 2), loss=lambda out: out.pow(2).mean())
    assert "[no activation] Modules 0, 1, 2 (Linear)" in g.summary()


@pytest.mark.parametrize(
    "between",
    [nn.Dropout(0.2), nn.Flatten(), nn.BatchNorm1d(16), nn.Identity()],
    ids=["dropout", "flatten", "batchnorm", "identity"],
)
def test_ops_that_keep_the_map_linear_between_them_are_looked_through(between: nn.Module) -> None:
    """BatchNorm is a per-feature affine map (exactly so in eval mode): still one linear map."""
    model = nn.Sequential(nn.Linear(2, 16), between, nn.Linear(16, 3), nn.ReLU(), nn.Linear(3, 1))
    (found,) = _stacks(model)
    assert found["layers"] == ["0", "2"]
    assert "one Linear(2, 3)" in found["message"]


def test_a_recorded_loop_tells_the_stack_once() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record(model) as rec:
        for _ in range(3):
            opt.zero_grad()
            model(torch.randn(8, 4)).pow(2).mean().backward()
            opt.step()
    assert [f["layers"] for f in rec.graph.health() if f["kind"] == "linear_stack"] == [["0", "1"]]


class _Lora(nn.Module):
    """A frozen base layer with a low-rank adapter: B(A(x)) added to it, rank 2."""

    def __init__(self) -> None:
        super().__init__()
        self.base = nn.Linear(16, 16)
        self.a, self.b = nn.Linear(16, 2, bias=False), nn.Linear(2, 16, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.b(self.a(x))


class _Attention(nn.Module):
    """Hand-written single-head attention: q, k, v projections, then an output projection."""

    def __init__(self) -> None:
        super().__init__()
        self.q, self.k, self.v, self.out = (nn.Linear(8, 8) for _ in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.q(x), self.k(x), self.v(x)
        weights = F.softmax(q @ k.transpose(1, 2) / 8**0.5, dim=-1)
        return self.out(weights @ v)


class _Residual(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(8, 8), nn.Linear(8, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc1(x)
        return self.fc2(h + torch.relu(h))


class _FeaturesKept(nn.Module):
    """An embedding layer whose output is used twice (a head and a feature loss)."""

    def __init__(self) -> None:
        super().__init__()
        self.embed, self.head = nn.Linear(2, 8), nn.Linear(8, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.embed(x)
        return self.head(z).sum(1) + z.pow(2).sum(1)


@pytest.mark.parametrize(
    ("model", "x"),
    [
        (nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1)), None),
        (nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Dropout(0.1), nn.Linear(16, 1)), None),
        (nn.Sequential(nn.Linear(2, 16), nn.LayerNorm(16), nn.Linear(16, 1)), None),
        (nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(144, 2)), "image"),
        (nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 2), nn.Linear(2, 64)), None),
        (_Lora(), "wide"),
        (_Attention(), "sequence"),
        (_Residual(), "eight"),
        (_FeaturesKept(), None),
        (nn.Sequential(nn.Flatten(), nn.Linear(144, 10)), "image_flat"),
    ],
    ids=[
        "relu",
        "tanh_dropout",
        "layernorm",
        "cnn_head",
        "autoencoder_code",
        "lora",
        "attention",
        "residual",
        "features_kept",
        "one_layer",
    ],
)
def test_correct_models_get_no_linear_stack_finding(model: nn.Module, x: str | None) -> None:
    """A nonlinearity between, a residual add, a low-rank bottleneck (LoRA, an autoencoder's
    2-wide code), attention's projections, a result read twice: nothing to say."""
    torch.manual_seed(0)
    inputs = {
        None: torch.randn(16, 2),
        "image": torch.randn(4, 1, 8, 8),
        "image_flat": torch.randn(4, 1, 12, 12),
        "wide": torch.randn(4, 16),
        "sequence": torch.randn(2, 5, 8),
        "eight": torch.randn(4, 8),
    }
    assert _stacks(model, inputs[x]) == []


def test_multihead_attention_before_a_linear_head_is_not_told() -> None:
    """nn.MultiheadAttention's output projection is a functional F.linear inside it."""

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attn, self.head = nn.MultiheadAttention(8, 2, batch_first=True), nn.Linear(8, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(self.attn(x, x, x)[0])

    assert _stacks(Model(), torch.randn(2, 5, 8)) == []
