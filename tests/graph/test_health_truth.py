"""health() on real models whose truth is known by construction: what it says must hold."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.capture._units import channels_first


def found(g: ng.Graph, kind: str) -> list[dict]:
    return [f for f in g.health() if f["kind"] == kind]


# -- dead units: per-batch silence is not death ------------------------------------------------


def test_a_small_healthy_relu_mlp_is_not_said_to_have_dead_units():
    # 4-8-8-1 at default init, batch 32: one of 8 units is often silent on the batch, yet
    # alive on fresh data
    flagged = []
    for seed in range(20):
        torch.manual_seed(seed)
        model = nn.Sequential(
            nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1)
        )
        g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
        flagged += [(seed, f["dead"]) for f in found(g, "dead")]
    assert flagged == []


def test_a_kaiming_initialised_deep_relu_mlp_is_not_said_to_have_dead_units():
    torch.manual_seed(1)
    layers: list[nn.Module] = []
    width = 32
    for _ in range(7):
        layers += [nn.Linear(width, 64), nn.ReLU()]
        width = 64
    layers.append(nn.Linear(64, 1))
    for layer in layers:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    torch.manual_seed(101)
    g = ng.trace(nn.Sequential(*layers), torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
    assert found(g, "dead") == []


@pytest.mark.parametrize("seed", range(3))
def test_relu_units_killed_by_a_learning_rate_far_too_high_are_dead(seed: int):
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1)
    )  # fmt: skip
    x = torch.randn(256, 10)
    y = x.sum(1, keepdim=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for _ in range(5):
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    (finding,) = found(g, "dead")
    assert finding["module"] == "3" and finding["dead"] > finding["units"] / 2


def test_relu_units_killed_by_a_large_negative_bias_are_dead():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        model[0].bias.fill_(-10.0)  # every unit starts below zero for every input
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    assert [(f["dead"], f["units"]) for f in found(g, "dead")] == [(8, 8)]


def test_one_silent_unit_in_a_narrow_layer_is_not_a_dead_layer():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
    with torch.no_grad():
        model[0].bias.copy_(torch.tensor([-100.0, 100.0, 100.0, 100.0]))  # 1 of 4: 25%
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    assert found(g, "dead") == []
    with torch.no_grad():
        model[0].bias[1] = -100.0  # 2 of 4
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    assert [(f["dead"], f["units"]) for f in found(g, "dead")] == [(2, 4)]


# -- dead units: along the right dimension --------------------------------------------------------


class ConvThenScaleShift(nn.Module):
    """A Conv1d, then four elementwise steps (a scale and a shift), then a ReLU."""

    def __init__(self) -> None:
        super().__init__()
        self.conv, self.act, self.fc = nn.Conv1d(4, 8, 3), nn.ReLU(), nn.Linear(8, 1)
        with torch.no_grad():
            self.conv.bias[:3] = -1e3  # channels 0-2 can never fire

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = (self.conv(x) * 2.0 + 1.0) * 0.5 - 0.5
        return self.fc(self.act(h).transpose(1, 2))


def test_dead_channels_are_found_through_many_elementwise_steps_after_a_convolution():
    torch.manual_seed(0)
    g = ng.trace(ConvThenScaleShift(), torch.randn(4, 4, 20), loss=lambda y: y.pow(2).mean())
    (relu,) = [d for _, d in g.nodes(data=True) if d["op"] == "relu"]
    assert relu["dead"] == [3, 8]  # channels, not the 18 positions
    assert [(f["dead"], f["units"]) for f in found(g, "dead")] == [(3, 8)]


def test_where_the_units_are_in_a_tensor_of_three_or_more_dimensions():
    torch.manual_seed(0)
    per_pixel = nn.Linear(6, 8)(torch.randn(2, 5, 5, 6))  # [batch, height, width, features]
    assert channels_first(per_pixel) is False
    assert channels_first(nn.Conv2d(3, 8, 3)(torch.randn(2, 3, 8, 8)) + 1.0) is True
    # nothing says: an image's channels come first, a sequence's features last
    assert channels_first(torch.randn(2, 8, 5, 5, requires_grad=True) * 2) is True
    assert channels_first(torch.randn(2, 5, 8, requires_grad=True) * 2) is False
    assert channels_first(torch.randn(2, 5, 5, 8), made_by="linear") is False


def test_dead_features_of_a_per_pixel_linear_layer_are_counted_per_feature():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        model[0].bias[:3] = -1e3  # 3 of 8 features can never fire
    g = ng.trace(model, torch.randn(4, 5, 5, 6), loss=lambda y: y.pow(2).mean())
    (relu,) = [d for _, d in g.nodes(data=True) if d["op"] == "relu"]
    assert relu["dead"] == [3, 8]


# -- one problem, one finding ------------------------------------------------------------------


def _dead_layer_model() -> nn.Sequential:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    with torch.no_grad():
        model[0].bias[:5] = -1e3  # 5 of 16 units dead
    return model


@pytest.mark.parametrize(
    ("steps", "micro_batches"), [(5, 1), (1, 4)], ids=["training-loop", "accumulation"]
)
def test_a_dead_layer_run_in_every_recorded_step_is_reported_once(steps: int, micro_batches: int):
    model = _dead_layer_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x, t = torch.randn(64, 4), torch.randn(64, 1)
    with ng.record() as rec:
        for _ in range(steps):
            optimizer.zero_grad()
            for _ in range(micro_batches):
                F.mse_loss(model(x), t).backward()
            optimizer.step()
    dead = found(rec.graph, "dead")
    assert [(f["module"], f["dead"]) for f in dead] == [("1", 5)]
    first_relu = min((d["call"], n) for n, d in rec.graph.nodes(data=True) if d["op"] == "relu")[1]
    assert dead[0]["node"] == first_relu


def test_two_dead_functional_relus_after_different_layers_are_two_findings():
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1, self.fc2, self.out = nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 1)
            with torch.no_grad():
                self.fc1.bias[:4] = self.fc2.bias[:4] = -1e3

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))

    g = ng.trace(Net(), torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    assert [f["layer"] for f in found(g, "dead")] == ["fc1 (Linear)", "fc2 (Linear)"]


def test_a_forgotten_zero_grad_is_still_reported_per_parameter():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    x, t = torch.randn(64, 4), torch.randn(64, 1)
    with ng.record() as rec:
        for _ in range(3):
            F.mse_loss(model(x), t).backward()
            optimizer.step()
    names = [f["name"] for f in found(rec.graph, "accumulated")]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]


# -- zero weights ------------------------------------------------------------------------------


def test_a_zero_initialised_logistic_regression_is_not_flagged():
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = (x @ torch.tensor([1.0, -2.0, 0.5, 3.0]) > 0).long()
    model = nn.Linear(4, 2)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))
    assert g.health() == []


def test_a_zero_initialised_hand_made_regression_trained_correctly_is_not_flagged():
    torch.manual_seed(0)
    x, t = torch.randn(64, 4), torch.randn(64, 1)
    w = torch.zeros(4, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    with ng.record() as rec:
        for _ in range(3):
            F.mse_loss(x @ w + b, t).backward()
            with torch.no_grad():
                w -= 0.1 * w.grad
                b -= 0.1 * b.grad
                w.grad.zero_()
                b.grad.zero_()
    assert rec.graph.health() == []


def test_a_zero_layer_after_a_learnable_one_is_flagged_and_named_as_a_parameter():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
    nn.init.zeros_(model[2].weight)
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    (finding,) = found(g, "zeros")
    assert (finding["module"], finding["name"]) == ("2", "2.weight")
    assert finding["message"].startswith("All 48 weights of parameter 2.weight are zero:")
    assert "no gradient reaches the layers before it" in finding["message"]


def test_a_bare_linear_layer_is_named_as_a_parameter_not_as_weights_of_weight():
    model = nn.Linear(4, 3)
    nn.init.constant_(model.weight, 0.5)
    g = ng.trace(model, torch.randn(8, 4), loss=lambda y: y.pow(2).mean())
    (finding,) = found(g, "constant")
    assert finding["name"] == "weight"
    assert finding["message"].startswith("All 12 weights of parameter weight have the same value")


def test_zero_weights_with_a_gradient_piling_up_are_the_lecture_bug_even_with_nothing_before():
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    x = torch.randn(8, 4)
    model(x).pow(2).mean().backward()  # a leftover gradient ...
    with torch.no_grad():
        model.weight.zero_()  # ... and w.zero_() where w.grad.zero_() was meant
    with ng.record(model) as rec:
        model(x).pow(2).mean().backward()
    (finding,) = found(rec.graph, "zeros")
    assert finding["message"] == (
        "All 12 weights of parameter weight are zero, and their gradient was added to one left "
        "over from before: were the weights zeroed by mistake instead of their gradient "
        "(w.zero_() instead of w.grad.zero_())?"
    )


def test_a_hand_made_zero_weight_is_a_tensor_in_polish_not_a_parameter():
    torch.manual_seed(0)
    x = torch.randn(8, 4)
    w1 = torch.randn(4, 8, requires_grad=True)
    w2 = torch.zeros(8, 3, requires_grad=True)
    with ng.record() as rec:
        torch.relu(x @ w1).matmul(w2).pow(2).mean().backward()
    ng.set_language("pl")
    (finding,) = found(rec.graph, "zeros")
    assert finding["message"].startswith("Wszystkie wagi tensora w2 (24) są zerami")
    ng.set_language("en")
    (finding,) = found(rec.graph, "zeros")
    assert finding["message"].startswith("All 24 weights of tensor w2 are zero")


# -- NaN and infinity: the op to look at ---------------------------------------------------------


class SqrtOfRelu(nn.Module):
    """The forward pass is finite; the gradient of sqrt at 0 is infinite."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(4, 8), nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.sqrt(F.relu(self.fc1(x))))


class NanGrad(torch.autograd.Function):
    """A custom op whose backward returns NaN."""

    @staticmethod
    def forward(ctx: object, x: torch.Tensor) -> torch.Tensor:
        return x.clone()

    @staticmethod
    def backward(ctx: object, grad: torch.Tensor) -> torch.Tensor:
        return grad * float("nan")


class WithNanGrad(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(4, 8), nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(NanGrad.apply(torch.tanh(self.fc1(x))))


@pytest.mark.parametrize(
    ("model", "op", "text"),
    [
        (SqrtOfRelu, "sqrt", "the backward of sqrt after fc1 (Linear) made the first infinite"),
        (WithNanGrad, "NanGrad", "the backward of NanGrad after fc1 (Linear) made the first "),
    ],
    ids=["sqrt", "custom-function"],
)
def test_a_broken_backward_is_blamed_on_the_op_whose_backward_broke_it(
    model: type[nn.Module], op: str, text: str
):
    torch.manual_seed(0)
    g = ng.trace(model(), torch.randn(16, 4), loss=lambda y: y.pow(2).mean())
    assert [f for f in g.health() if f["where"] == "forward"] == []
    (finding,) = [f for f in g.health() if f["where"] == "backward"]
    assert g.nodes[finding["node"]]["op"] == op
    assert text in finding["message"]
    # its own incoming gradient is finite; what it passed back is not
    assert not g.nodes[finding["node"]]["grad"]["nan"] + g.nodes[finding["node"]]["grad"]["inf"]


def test_the_log_of_a_hand_written_cross_entropy_is_blamed_for_the_infinite_gradient():
    torch.manual_seed(0)
    x, t = torch.randn(16, 4) * 100, torch.randint(0, 3, (16,))
    model = nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=1))

    def loss(p: torch.Tensor) -> torch.Tensor:
        return -torch.log(p[torch.arange(16), t]).mean()  # log(0) where softmax underflows

    g = ng.trace(model, x, loss=loss)
    forward, backward = [f for f in g.health() if f["kind"] in ("nan", "inf")]
    assert g.nodes[forward["node"]]["op"] == g.nodes[backward["node"]]["op"] == "log"
    assert "the backward of log after 1 (Softmax) made the first infinite" in backward["message"]


def test_a_gradient_broken_by_a_forward_nan_stays_where_it_first_shows():
    class LogOfNegative(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.l1, self.out = nn.Linear(4, 8), nn.Linear(8, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.out(torch.tanh(torch.log(self.l1(x) - 100)))

    torch.manual_seed(0)
    g = ng.trace(LogOfNegative(), torch.randn(16, 4), loss=lambda y: y.pow(2).mean())
    forward, backward = [f for f in g.health() if f["kind"] in ("nan", "inf")]
    assert "appears in the output of log after l1 (Linear)" in forward["message"]
    # the loss's backward read NaN values: the forward finding is the story, not the loss
    assert "appears at linear in module out (Linear)" in backward["message"]


class TwoLogs(nn.Module):
    """Two logs in the model's own forward; only the one after l1 is NaN."""

    def __init__(self, l1_first: bool) -> None:
        super().__init__()
        self.l1_first = l1_first
        self.l1, self.l2, self.out = nn.Linear(4, 8), nn.Linear(4, 8), nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.l1_first:
            a = torch.log(self.l1(x) - 100)
            b = torch.log(self.l2(x) + 100)
        else:
            b = torch.log(self.l2(x) + 100)
            a = torch.log(self.l1(x) - 100)
        return self.out(a + b)


@pytest.mark.parametrize("l1_first", [True, False])
def test_a_nan_in_an_op_of_the_models_own_forward_is_named_by_the_layer_before_it(
    l1_first: bool,
):
    torch.manual_seed(0)
    g = ng.trace(TwoLogs(l1_first), torch.randn(16, 4), loss=lambda y: y.pow(2).mean())
    (finding,) = [f for f in g.health() if f["where"] == "forward"]
    assert "appears in the output of log after l1 (Linear);" in finding["message"]
    ng.set_language("pl")
    (finding,) = [f for f in g.health() if f["where"] == "forward"]
    assert "pojawia się w wyniku operacji log za warstwą l1 (Linear);" in finding["message"]


def test_graph_of_does_not_claim_the_output_is_where_the_first_nan_appears():
    class LogLayer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(8, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.log(self.fc(x) - 100)

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), LogLayer(), nn.Tanh(), nn.Linear(8, 1))
    loss = F.mse_loss(model(torch.randn(16, 4)), torch.randn(16, 1))
    loss.backward()
    (finding,) = [f for f in ng.graph_of(loss, params=model).health() if f["where"] == "forward"]
    assert finding["kind"] == "nan"
    assert "first appears" not in finding["message"] and "appears in" not in finding["message"]
    assert finding["message"].startswith("The output has NaN (not a number) values.")
    assert "ng.trace or ng.record shows it" in finding["message"]


# -- Polish numbers --------------------------------------------------------------------------------


def test_the_polish_vanishing_ratio_groups_its_digits():
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    width = 32
    for _ in range(7):
        layers += [nn.Linear(width, 64), nn.Sigmoid()]
        width = 64
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    g = ng.trace(model, torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
    ng.set_language("pl")
    (finding,) = [f for f in g.health() if f["kind"] == "vanishing" and "total" in f]
    grouped = f"{finding['total']:,.0f}".replace(",", "\u00a0")
    assert finding["total"] > 1000 and "\u00a0" in grouped
    assert f"dostają gradient {grouped} razy mniejszy" in finding["message"]
