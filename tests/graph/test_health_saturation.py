"""health() on saturated tanh and sigmoid units: a hidden layer whose values sit on the flat ends
of its activation because the weights before it are far too large or the data is raw, and the
many places where squashed values are meant to sit there (gates, outputs, a net that fits)."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.i18n import message


def mlp(
    act: type[nn.Module], depth: int = 4, *, std: float | None = None, scale: float = 1.0
) -> nn.Sequential:
    """`depth` Linear layers, `act` between them; every weight drawn at `std` (Xavier's where
    None and `scale` is 1: PyTorch's default, times `scale`)."""
    layers: list[nn.Module] = []
    sizes = [20] + [64] * (depth - 1) + [10]
    for i in range(depth):
        linear = nn.Linear(sizes[i], sizes[i + 1])
        with torch.no_grad():
            if std is not None:
                nn.init.normal_(linear.weight, std=std)
            linear.weight.mul_(scale)
        layers += [linear, act()] if i < depth - 1 else [linear]
    return nn.Sequential(*layers)


def saturated(g: ng.Graph) -> list[dict]:
    return [f for f in g.health() if f["kind"] == "saturated"]


def classify(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> ng.Graph:
    return ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))


def regress(model: nn.Module, x: torch.Tensor, target: torch.Tensor) -> ng.Graph:
    return ng.trace(model, x, loss=lambda out: F.mse_loss(out, target))


def test_tanh_units_saturated_by_weights_drawn_at_std_1_are_told_with_the_cause():
    torch.manual_seed(0)
    model = mlp(nn.Tanh, std=1.0)
    x, y = torch.randn(32, 20), torch.randint(0, 10, (32,))
    (finding,) = saturated(classify(model, x, y))
    assert (finding["where"], finding["module"]) == ("forward", "1")
    assert finding["layers"] == ["1", "3", "5"]
    with torch.no_grad():
        h = model[:2](x)  # the average slope of the first tanh: 1 - tanh^2
    assert finding["slope"] == pytest.approx(float((1 - h.pow(2)).mean()), rel=1e-4)
    assert finding["slope"] < 0.2
    std, xavier = float(model[0].weight.detach().std()), (2 / (20 + 64)) ** 0.5
    remedy = message(
        "graph.health.saturated_remedy_weights",
        layer="module 0 (Linear)",
        times=ng.i18n.times_text(std / xavier),
        std=std,
        xavier=xavier,
    )
    where = "module 1 (Tanh), module 3 (Tanh) and module 5 (Tanh)"
    assert finding["message"] == message(
        "graph.health.saturated_tanh", where_module=where, slope=finding["slope"], remedy=remedy
    )
    assert "near -1 or 1" in finding["message"] and "nn.init.xavier_normal_" in finding["message"]
    ng.set_language("pl")
    (finding,) = saturated(classify(model, x, y))
    assert finding["message"].startswith("Nasycone jednostki tanh w module 1 (Tanh), module 3")
    assert "razy większe, niż daje inicjalizacja Xaviera" in finding["message"]


@pytest.mark.parametrize("batch", [1, 8, 64])
def test_sigmoid_units_behind_weights_ten_times_too_large_are_saturated(batch):
    hits = 0
    for seed in range(3):
        torch.manual_seed(seed)
        model = mlp(nn.Sigmoid, depth=6, scale=10.0)
        x, y = torch.randn(batch, 20), torch.randint(0, 10, (batch,))
        found = saturated(classify(model, x, y))
        hits += len(found)
        assert all(f["message"].startswith("Saturated sigmoid units in module 1") for f in found)
    assert hits == 3


def test_raw_data_saturates_the_first_layer_whatever_the_loss():
    torch.manual_seed(0)
    model = mlp(nn.Tanh, depth=2)  # PyTorch's default weights
    pixels = torch.rand(16, 20) * 255  # not standardised
    g = ng.trace(model, pixels, loss=lambda out: out.pow(2).mean())  # no chance level known
    (finding,) = saturated(g)
    assert finding["module"] == "1"
    assert "far from standardised (RMS" in finding["message"]
    assert "(x - mean) / std" in finding["message"]


def test_default_weights_of_a_narrow_layer_feeding_a_wide_one_are_not_blamed():
    """Linear(2, 256)'s default weights are 4.7 times Xavier's scale: raw inputs saturated its
    tanh, and the advice was to start the weights "with PyTorch's default", which they were."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 256), nn.Tanh(), nn.Linear(256, 3))
    x, y = torch.rand(64, 2) * 20, torch.randint(0, 3, (64,))
    (finding,) = saturated(classify(model, x, y))
    assert "standardise the inputs" in finding["message"]
    assert "Xavier" not in finding["message"]


@pytest.mark.parametrize("act", [nn.Tanh, nn.Sigmoid])
@pytest.mark.parametrize("batch", [1, 8, 64])
def test_healthy_tanh_and_sigmoid_nets_have_no_saturated_finding(act, batch):
    for seed in range(3):
        torch.manual_seed(seed)
        for model in (
            mlp(act, depth=8),  # PyTorch's default weights
            mlp(act, depth=8, std=(2 / 128) ** 0.5),  # Xavier's
            mlp(act, depth=4, std=5 / 3 * (2 / 128) ** 0.5),  # Xavier's with tanh's gain
        ):
            x, y = torch.randn(batch, 20), torch.randint(0, 10, (batch,))
            assert saturated(classify(model, x, y)) == []
            assert saturated(regress(model, x, torch.randn(batch, 10))) == []


def test_a_net_that_fits_its_batch_may_sit_on_the_flat_ends():
    # Trained nets saturate too: they learn to sit there. A loss far below what guessing gives
    # says the net fits this batch: the same weights, scored against its own answers, are fine.
    torch.manual_seed(0)
    model = mlp(nn.Tanh, std=1.0)
    x = torch.randn(32, 20)
    with torch.no_grad():
        answers = model(x).argmax(1)
    assert saturated(classify(model, x, answers)) == []
    assert len(saturated(classify(model, x, torch.randint(0, 10, (32,))))) == 1
    # with no loss that says whether the net fits, large weights are not judged
    assert saturated(ng.trace(model, x, loss=lambda out: out.pow(2).mean())) == []


class Gated(nn.Module):
    """A hand-written LSTM step (sigmoid gates, tanh state) with weights 10x too large, a
    squeeze-and-excitation gate and a sigmoid output: squashed values meant to sit at the ends."""

    def __init__(self) -> None:
        super().__init__()
        self.x, self.h = nn.Linear(8, 128), nn.Linear(32, 128)
        self.squeeze, self.excite = nn.Linear(32, 8), nn.Linear(8, 32)
        self.out = nn.Linear(32, 1)
        with torch.no_grad():
            for layer in (self.x, self.h, self.squeeze, self.excite, self.out):
                layer.weight.mul_(10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = c = torch.zeros(x.shape[0], 32)
        for t in range(x.shape[1]):
            i, f, g, o = (self.x(x[:, t]) + self.h(h)).chunk(4, 1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        h = h * torch.sigmoid(self.excite(torch.relu(self.squeeze(h))))
        return torch.sigmoid(self.out(h)).squeeze(1)


class HandRNN(nn.Module):
    """`h = tanh(i2h(x_t) + h2h(h))`: the tanh is the state, read by the same weights next step."""

    def __init__(self) -> None:
        super().__init__()
        self.i2h, self.h2h, self.out = nn.Linear(8, 32), nn.Linear(32, 32), nn.Linear(32, 4)
        with torch.no_grad():
            self.i2h.weight.mul_(10)
            self.h2h.weight.mul_(10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.zeros(x.shape[0], 32)
        for t in range(x.shape[1]):
            h = torch.tanh(self.i2h(x[:, t]) + self.h2h(h))
        return self.out(h)


def test_gates_outputs_and_recurrent_states_are_not_judged():
    torch.manual_seed(0)
    x = torch.randn(16, 5, 8)
    target = torch.randint(0, 2, (16,)).float()
    g = ng.trace(Gated(), x, loss=lambda p: F.binary_cross_entropy(p, target))
    assert saturated(g) == []
    g = ng.trace(HandRNN(), x, loss=lambda out: F.cross_entropy(out, torch.randint(0, 4, (16,))))
    assert saturated(g) == []
    lstm = nn.Sequential(nn.LSTM(8, 32, batch_first=True))
    assert saturated(ng.trace(lstm, x, loss=lambda out: out[0].pow(2).mean())) == []


class Functional(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(20, 64), nn.Linear(64, 10)
        with torch.no_grad():
            self.fc1.weight.mul_(20)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.tanh(self.fc1(x)))


def test_a_functional_tanh_is_named_by_the_layer_it_runs_after():
    torch.manual_seed(0)
    g = classify(Functional(), torch.randn(32, 20), torch.randint(0, 10, (32,)))
    (finding,) = saturated(g)
    assert finding["message"].startswith("Saturated tanh units in the tanh after fc1 (Linear):")
    assert "The weights of module fc1 (Linear) are" in finding["message"]
    ng.set_language("pl")
    (finding,) = saturated(g)
    assert finding["message"].startswith("Nasycone jednostki tanh w operacji tanh za warstwą fc1")


def test_hand_made_weights_drawn_at_std_1_are_named():
    torch.manual_seed(0)
    w1, w2 = torch.randn(20, 64, requires_grad=True), torch.randn(64, 10, requires_grad=True)
    x, y = torch.randn(32, 20), torch.randint(0, 10, (32,))
    with ng.record() as rec:
        F.cross_entropy(torch.tanh(x @ w1) @ w2, y).backward()
    (finding,) = saturated(rec.graph)
    assert finding["message"].startswith("Saturated tanh units in the tanh after w1:")
