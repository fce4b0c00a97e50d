"""health() on real models whose truth is known by construction: what it says must hold."""

from __future__ import annotations

from collections.abc import Callable

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
    x, t = torch.randn(256, 4), torch.randn(256, 1)  # 5 of 16 silent: a sign on 256 examples
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


class LoRA(nn.Module):
    """A frozen layer plus a trainable low-rank update `B @ A`, with `B` starting at zero as in
    the LoRA paper and `peft`: the model starts as the frozen one."""

    def __init__(self, base: nn.Linear, rank: int = 4) -> None:
        super().__init__()
        self.base = base.requires_grad_(False)
        self.lora_A = nn.Linear(base.in_features, rank, bias=False)
        self.lora_B = nn.Linear(rank, base.out_features, bias=False)
        nn.init.zeros_(self.lora_B.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.lora_B(self.lora_A(x))


def test_a_lora_update_starting_at_zero_is_not_said_to_be_zeroed_by_mistake():
    torch.manual_seed(0)
    model = nn.Sequential(LoRA(nn.Linear(16, 32)), nn.ReLU(), LoRA(nn.Linear(32, 4)))
    x, t = torch.randn(8, 16), torch.randint(0, 4, (8,))
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, t))
    assert found(g, "zeros") == found(g, "constant") == []


@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_one_zero_or_constant_layer_between_random_ones_learns_and_is_not_flagged(init: str):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    nn.init.constant_(model[2].weight, 0.0 if init == "zeros" else 0.3)
    x = torch.randn(64, 4)
    y = (x**2).sum(1, keepdim=True)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    assert found(g, "zeros") == found(g, "constant") == []
    # the truth: the random layers around it tell its units apart, and the net learns
    first = F.mse_loss(model(x), y).item()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(200):
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
    assert F.mse_loss(model(x), y).item() < first / 5
    assert model[2].weight.std(0).min() > 1e-3  # its rows are no copies of each other any more


def relu_mlp_with_a_zero_layer(
    zero: int, *, act: type[nn.Module] = nn.ReLU, kaiming: bool = True
) -> nn.Sequential:
    """32-64x5-1 at Kaiming init with zero biases (or PyTorch's default init), the weights of
    the Linear at `zero` then zeroed: the lecture's `w.zero_()` where `w.grad.zero_()` was meant."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for i in range(5):
        layers += [nn.Linear(32 if i == 0 else 64, 64), act()]
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    for layer in model:
        if kaiming and isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    with torch.no_grad():
        model[zero].weight.zero_()
    return model


def _trained(model: nn.Module, steps: int = 20) -> nn.Module:
    torch.manual_seed(1)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
    return model


def _health_of(model: nn.Module) -> list[dict]:
    torch.manual_seed(2)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    return ng.trace(model, x, loss=lambda out: F.mse_loss(out, y)).health()


@pytest.mark.parametrize("zero", [4, 8])
def test_a_zeroed_hidden_layer_that_no_gradient_reaches_is_named_as_the_cause(zero: int):
    """Every later value is zero and every weight gets exactly zero gradient: the findings
    said 'the weights of 5 layers get a gradient of exactly zero' with no cause, and blamed
    the dead ReLUs on a learning rate that is too high or a large negative bias (sweep 26);
    with the zero layer right before the last ReLU, 'the layers themselves are fine'."""
    model = relu_mlp_with_a_zero_layer(zero)
    findings = _health_of(model)
    name = f"{zero}.weight"
    assert (findings[0]["kind"], findings[0]["name"]) == ("zeros", name)
    assert [f for f in findings if f["kind"] == "zeros"] == findings[:1]
    assert "w.zero_() instead of w.grad.zero_()" in findings[0]["message"]
    effects = findings[1:]
    assert {f["kind"] for f in effects} == {"vanishing", "dead"}
    assert all(f["zero_weight"] == name and f"{name} is all zeros" in f["message"] for f in effects)
    vanishing = sorted(int(f["module"]) for f in effects if f["kind"] == "vanishing")
    assert vanishing == [i for i in range(0, 11, 2) if i != zero]  # all but the zero layer
    for words in ("learning rate", "negative bias", "initialisation is not what", "are fine"):
        assert not any(words in f["message"] for f in findings)
    assert f"Findings ({len(findings)}, in 3 lines)" in str(findings)
    # the truth: no step moves it, nor any weight around it
    before = [layer.weight.clone() for layer in model if isinstance(layer, nn.Linear)]
    _trained(model)
    after = [layer.weight for layer in model if isinstance(layer, nn.Linear)]
    assert all(torch.equal(old, new) for old, new in zip(before, after, strict=True))


@pytest.mark.parametrize(
    "make",
    [
        lambda: relu_mlp_with_a_zero_layer(10),  # a last layer that starts at zero
        lambda: relu_mlp_with_a_zero_layer(4, act=nn.Tanh),  # tanh passes the gradient at 0
        lambda: relu_mlp_with_a_zero_layer(4, act=nn.LeakyReLU),
    ],
    ids=["zero last layer", "tanh", "LeakyReLU"],
)
def test_a_zero_layer_that_a_gradient_reaches_is_not_flagged(make: Callable[[], nn.Module]):
    model = make()
    assert _health_of(model) == []
    zero = next(layer for layer in model if isinstance(layer, nn.Linear) and not layer.weight.any())
    _trained(model, steps=2)
    assert zero.weight.any()  # the truth: it learns


class _ZeroBranchEnd(nn.Module):
    """x + b(relu(a(x))) with `b` zero, as `zero_init_residual` starts a residual branch."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.inp, self.a, self.b = nn.Linear(32, 64), nn.Linear(64, 64), nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)
        nn.init.zeros_(self.b.weight)
        nn.init.zeros_(self.b.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.inp(x))
        return self.out(h + self.b(F.relu(self.a(h))))


def test_a_residual_branch_that_ends_in_a_zero_layer_is_not_flagged():
    model = _ZeroBranchEnd()
    assert _health_of(model) == []
    _trained(model, steps=2)
    assert model.b.weight.any()


def test_relus_silenced_by_a_zero_layer_that_learns_are_said_to_follow_from_it():
    """With PyTorch's biases the zero layer gets a gradient (its units with a positive bias
    pass it), but every example reaches the ReLUs after it with the same values, so about
    half their units are silent for the whole batch: not from a learning rate too high."""
    model = relu_mlp_with_a_zero_layer(4, kaiming=False)
    findings = _health_of(model)
    assert [f["kind"] for f in findings] == ["dead"] * 3
    assert all(f["zero_weight"] == "4.weight" for f in findings)
    assert not any("learning rate" in f["message"] for f in findings)


@pytest.mark.parametrize("init", ["zeros", "constant"])
def test_a_whole_mlp_of_zero_or_equal_weights_is_flagged_and_its_units_stay_copies(init: str):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 1))
    for layer in (model[0], model[2], model[4]):
        nn.init.zeros_(layer.bias)
        if init == "zeros":
            nn.init.zeros_(layer.weight)
        else:
            nn.init.constant_(layer.weight, 0.3)
    x = torch.randn(64, 4)
    y = (x**2).sum(1, keepdim=True)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    # all equal: a single output unit has nothing to be a copy of; all zero: it passes nothing
    names = ["0.weight", "2.weight", "4.weight"] if init == "zeros" else ["0.weight", "2.weight"]
    assert [f["name"] for f in found(g, init)] == names
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for _ in range(50):
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
    for layer in (model[0], model[2]):  # the truth: each layer's rows are still copies
        assert torch.equal(layer.weight, layer.weight[:1].expand_as(layer.weight))


class ZeroResidual(nn.Module):
    """A residual block whose last layer starts at zero, then an output layer that starts at zero
    too: the zero initialisation of improved-DDPM UNets."""

    def __init__(self) -> None:
        super().__init__()
        self.inp, self.c1, self.c2 = nn.Linear(4, 16), nn.Linear(16, 16), nn.Linear(16, 16)
        self.norm, self.out = nn.LayerNorm(16), nn.Linear(16, 1)
        for layer in (self.c2, self.out):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.inp(x)
        h = h + self.c2(F.silu(self.c1(h)))
        return self.out(F.silu(self.norm(h)))


def _distinct_rows(weight: torch.Tensor) -> int:
    return torch.unique(weight.detach().round(decimals=6), dim=0).shape[0]


@pytest.mark.parametrize("case", ["random biases", "residual between"])
def test_zero_layers_whose_units_something_tells_apart_are_not_flagged(case: str):
    """Sweep s37: two zero layers were said to keep their units "copies of each other" where
    PyTorch's random biases, or the skip of a residual between them, tell the units apart."""
    torch.manual_seed(0)
    if case == "random biases":
        model: nn.Module = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
        nn.init.zeros_(model[0].weight)
        nn.init.zeros_(model[2].weight)
        first, second = model[0], model[2]
    else:
        model = ZeroResidual()
        first, second = model.c2, model.out
    x, y = torch.randn(64, 4), torch.randn(64, 3 if case == "random biases" else 1)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    assert found(g, "zeros") == []
    loss = F.mse_loss(model(x), y)
    loss.backward()
    assert found(ng.graph_of(loss, params=model), "zeros") == []
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(20):  # the truth: their units become different
        optimizer.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimizer.step()
    assert _distinct_rows(first.weight) == first.weight.shape[0]
    assert _distinct_rows(second.weight.t()) == second.weight.shape[1]


class SharedPerExample(nn.Module):
    """Zero layers with zero biases, and between them a value per example that every unit
    shares: a `[B, 1]` time step added, a `[B, 1, T]` padding mask multiplied."""

    def __init__(self, conv: bool) -> None:
        super().__init__()
        self.conv = conv
        self.a = nn.Conv1d(4, 8, 3, padding=1) if conv else nn.Linear(4, 8)
        self.b = nn.Conv1d(8, 2, 1) if conv else nn.Linear(8, 2)
        for layer in (self.a, self.b):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor, shared: torch.Tensor) -> torch.Tensor:
        if self.conv:
            return self.b(torch.relu(self.a(x)) * shared)
        return self.b(torch.tanh(self.a(x) + shared))


@pytest.mark.parametrize("conv", [False, True], ids=["time step", "padding mask"])
def test_a_value_per_example_that_every_unit_shares_does_not_tell_them_apart(conv: bool):
    """Regression sweep s37 (RG3, R2): such a value differs from example to example, and was
    taken for one that tells the units apart."""
    torch.manual_seed(0)
    model = SharedPerExample(conv)
    x = torch.randn(6, 4, 10) if conv else torch.randn(6, 4)
    shared = torch.ones(6, 1, 10) if conv else torch.rand(6, 1)
    if conv:
        shared[0, :, 7:] = 0.0
    with ng.record(model) as rec:
        model(x, shared).pow(2).mean().backward()
    assert [f["name"] for f in found(rec.graph, "zeros")] == ["a.weight", "b.weight"]


def test_two_zero_layers_in_a_row_are_flagged_and_named_as_parameters():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
    nn.init.zeros_(model[0].weight)
    nn.init.zeros_(model[0].bias)
    nn.init.zeros_(model[2].weight)
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    first, second = found(g, "zeros")
    assert (second["module"], second["name"], second["neighbour"]) == ("2", "2.weight", "0.weight")
    assert second["message"].startswith(
        "All 48 weights of parameter 2.weight are zero, and in the layer next to it all weights "
        "of parameter 0.weight are equal too: the units between these two layers compute the "
        "same thing"
    )
    assert first["neighbour"] == "2.weight"


def test_a_single_layer_whose_weights_start_equal_is_not_flagged():
    # its units are the outputs, which the loss tells apart: it learns, as a zero-initialised
    # logistic regression does
    model = nn.Linear(4, 3)
    nn.init.constant_(model.weight, 0.5)
    g = ng.trace(model, torch.randn(8, 4), loss=lambda y: y.pow(2).mean())
    assert found(g, "constant") == []


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
    w1 = torch.full((4, 8), 0.1, requires_grad=True)
    w2 = torch.zeros(8, 3, requires_grad=True)
    with ng.record() as rec:
        torch.relu(x @ w1).matmul(w2).pow(2).mean().backward()
    ng.set_language("pl")
    (finding,) = found(rec.graph, "zeros")
    assert finding["message"].startswith("Wszystkie wagi tensora w2 (24) są zerami")
    ng.set_language("en")
    (finding,) = found(rec.graph, "zeros")
    assert finding["message"].startswith("All 24 weights of tensor w2 are zero")


# -- zero gates: a learnable multiplier that starts at zero ------------------------------------


class ResidualBlock(nn.Module):
    """A ResNet basic block; `zero_gate` zeroes its last BatchNorm weight, as torchvision's
    `resnet18(zero_init_residual=True)` does: the block starts as the identity."""

    def __init__(self, channels: int, *, zero_gate: bool) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(channels)
        self.c2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(channels)
        if zero_gate:
            nn.init.zeros_(self.b2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.b2(self.c2(F.relu(self.b1(self.c1(x))))))


def small_resnet(*, zero_gate: bool) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        ResidualBlock(8, zero_gate=zero_gate), ResidualBlock(8, zero_gate=zero_gate),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10),
    )  # fmt: skip


def test_a_resnet_with_zero_initialised_residual_branches_is_not_said_to_stop_learning():
    torch.manual_seed(0)
    model = small_resnet(zero_gate=True)
    x, t = torch.randn(8, 3, 8, 8), torch.randint(0, 10, (8,))
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, t))
    assert g.health() == []
    # the truth: the branch gets no gradient at first, and one after the first step
    branch = model[3].c1.weight
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    norms = []
    for _ in range(2):
        optimizer.zero_grad()
        F.cross_entropy(model(x), t).backward()
        norms.append(branch.grad.norm().item())
        optimizer.step()
    assert norms[0] == 0 and norms[1] > 0


def test_the_layer_before_a_lora_update_starting_at_zero_is_not_said_to_stop_learning():
    torch.manual_seed(0)
    model = nn.Sequential(LoRA(nn.Linear(16, 32)), nn.ReLU(), LoRA(nn.Linear(32, 4)))
    x, t = torch.randn(8, 16), torch.randint(0, 4, (8,))
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, t))
    (lora_a,) = [n for n in g if g.nodes[n]["name"] == "0.lora_A.weight"]
    assert g.nodes[lora_a]["grad"]["norm"] == 0  # B = 0 passes nothing back to A, at first
    assert found(g, "vanishing") == []


class ReZero(nn.Module):
    """`x + alpha * f(x)` with a learnable scalar `alpha` starting at zero (ReZero)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.f = nn.Sequential(nn.Linear(width, width), nn.Tanh(), nn.Linear(width, width))
        self.alpha = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.alpha * self.f(x)


def test_layers_behind_a_scalar_gate_starting_at_zero_are_not_said_to_stop_learning():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), ReZero(16), ReZero(16), nn.Linear(16, 1))
    g = ng.trace(model, torch.randn(32, 8), loss=lambda out: out.pow(2).mean())
    assert found(g, "vanishing") == []


class ConvNeXtBlock(nn.Module):
    """ConvNeXt's block: depthwise 7x7 conv, LayerNorm, an MLP 4x wide, then a learnable
    per-channel layer scale of 1e-6 (its published init) before the residual add."""

    def __init__(self, channels: int, *, learnable: bool = True) -> None:
        super().__init__()
        self.dwconv = nn.Conv2d(channels, channels, 7, padding=3, groups=channels)
        self.norm = nn.LayerNorm(channels)
        self.mlp = nn.Sequential(
            nn.Linear(channels, 4 * channels), nn.GELU(), nn.Linear(4 * channels, channels)
        )
        gamma = torch.full((channels,), 1e-6)
        self.layer_scale = nn.Parameter(gamma, requires_grad=learnable)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.mlp(self.norm(self.dwconv(x).permute(0, 2, 3, 1)))
        return x + (self.layer_scale * y).permute(0, 3, 1, 2)


def convnext(*, learnable: bool = True) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(3, 16, 4, stride=4),
        *[ConvNeXtBlock(16, learnable=learnable) for _ in range(3)],
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 10),
    )


def test_layers_behind_convnexts_layer_scale_of_1e_6_are_not_said_to_stop_learning():
    """A fresh ConvNeXt got a "does not learn" finding on every block layer (sweep X): the
    gate scales their gradient by 1e-6, but it gets a gradient of its own and grows."""
    torch.manual_seed(0)
    model, x, t = convnext(), torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    loss = lambda out: F.cross_entropy(out, t)  # noqa: E731
    g = ng.trace(model, x, loss=loss)
    fc = next(n for n in g if g.nodes[n]["name"] == "1.mlp.2.weight")
    assert g.nodes[fc]["grad"]["norm"] < 1e-6  # the 1e-6 gate: tiny indeed
    assert g.health() == []
    out = loss(model(x))
    out.backward()
    assert ng.graph_of(out, params=model).health() == []
    # the truth: AdamW, ConvNeXt's optimizer, opens the gate and moves those weights
    before = model[1].mlp[2].weight.detach().clone()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for _ in range(3):
        opt.zero_grad()
        loss(model(x)).backward()
        opt.step()
    assert model[1].layer_scale.abs().max() > 1e-3
    assert (model[1].mlp[2].weight - before).norm() / before.norm() > 1e-3


def test_a_frozen_tiny_scale_and_a_tiny_init_still_stop_the_gradient():
    torch.manual_seed(0)
    x, t = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    g = ng.trace(convnext(learnable=False), x, loss=lambda out: F.cross_entropy(out, t))
    assert {f["module"] for f in found(g, "vanishing")} >= {"1.mlp.0", "1.mlp.2"}
    mlp = nn.Sequential(*[nn.Linear(32, 32) for _ in range(6)])
    for layer in mlp:
        nn.init.normal_(layer.weight, std=1e-4)  # tiny weights: a bad init, not a gate
    g = ng.trace(mlp, torch.randn(16, 32), loss=lambda y: y.pow(2).mean())
    assert found(g, "vanishing")


class AuxiliaryHead(nn.Module):
    """A deep sigmoid trunk with an auxiliary classifier on its second layer, as GoogLeNet's
    `aux1` (here weighted 1e-3 in the loss: too little to feed the first layers)."""

    def __init__(self) -> None:
        super().__init__()
        self.trunk = nn.ModuleList(nn.Linear(32, 32) for _ in range(8))
        self.aux, self.head = nn.Linear(32, 10), nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for i, layer in enumerate(self.trunk):
            x = torch.sigmoid(layer(x))
            if i == 1:
                aux = self.aux(x)
        return self.head(x), aux


def test_gradient_flow_is_judged_along_the_trunk_not_into_an_auxiliary_head():
    """The layers compared followed the first head met in forward order (GoogLeNet: conv1 ...
    aux1.fc2, a false "exploding"; sweep X), so the trunk was never judged."""
    torch.manual_seed(0)
    x, t = torch.randn(64, 32), torch.randint(0, 10, (64,))

    def loss(out: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return F.cross_entropy(out[0], t) + 1e-3 * F.cross_entropy(out[1], t)

    (vanishing,) = found(ng.trace(AuxiliaryHead(), x, loss=loss), "vanishing")
    assert vanishing["layers"] == [f"trunk.{i}" for i in range(8)] + ["head"]


def test_weights_before_a_dead_relu_get_an_exactly_zero_gradient_although_a_bias_is_zero():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    with torch.no_grad():
        model[0].bias.fill_(-10.0)  # every unit below zero for every input: nothing opens it
    nn.init.zeros_(model[2].bias)  # a zero bias adds, it gates nothing
    g = ng.trace(model, torch.randn(32, 4), loss=lambda y: y.pow(2).mean())
    vanishing = found(g, "vanishing")
    assert [f["module"] for f in vanishing] == ["0", "2"]
    assert vanishing[0]["message"] == (
        "The weights of module 0 (Linear) get a gradient of exactly zero, so this layer learns "
        "nothing from this batch: a zero before or after it stops the gradient (ReLU units "
        "silent for the whole batch, a mask, weights that are all zero, a branch this batch "
        "does not use)."
    )


def vanishing_weights(
    model: nn.Module, x: torch.Tensor, loss: Callable[[torch.Tensor], torch.Tensor]
) -> dict[str, list[list[int]]]:
    """The shapes of the weights said to get a vanishing gradient, by `ng.trace` and by
    `ng.graph_of` of the same backward (whose ops carry no gradient), unnamed and named."""
    graphs = {"trace": ng.trace(model, x, loss=loss)}
    model.zero_grad()
    out = loss(model(x))
    out.backward()
    graphs["graph_of"] = ng.graph_of(out)
    graphs["graph_of named"] = ng.graph_of(out, params=model)
    return {
        how: sorted(g.nodes[f["node"]]["shape"] for f in found(g, "vanishing"))
        for how, g in graphs.items()
    }


def relu_mlp(
    *, zero: tuple[int, ...] = (), zero_bias: tuple[int, ...] = (), dead: tuple[int, ...] = ()
) -> nn.Sequential:
    """16-32-32-1, the weights of the Linears at `zero` and the biases at `zero_bias` all zero,
    the ReLU after the Linears at `dead` silent for every input."""
    model = nn.Sequential(
        nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 1)
    )  # fmt: skip
    with torch.no_grad():
        for i in zero:
            model[i].weight.zero_()
        for i in zero_bias:
            model[i].bias.zero_()
        for i in dead:
            model[i].bias.fill_(-10.0)
    return model


def zero_last_layer() -> nn.Sequential:
    return relu_mlp(zero=(4,))  # its bias is not zero: the gradient flows to its weight


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (zero_last_layer, (64, 16)),
        (lambda: nn.Sequential(LoRA(nn.Linear(16, 32)), nn.ReLU(), LoRA(nn.Linear(32, 4))),
         (8, 16)),
        (lambda: nn.Sequential(nn.Linear(8, 16), ReZero(16), ReZero(16), nn.Linear(16, 1)),
         (32, 8)),
        (lambda: small_resnet(zero_gate=True), (8, 3, 8, 8)),
    ],
    ids=["zero last layer", "LoRA", "ReZero", "zero_init_residual"],
)  # fmt: skip
def test_graph_of_sees_the_zero_gates_trace_sees(
    make: Callable[[], nn.Module], shape: tuple[int, ...]
):
    torch.manual_seed(0)
    model, x = make(), torch.randn(shape)
    assert vanishing_weights(model, x, lambda out: out.pow(2).mean()) == {
        "trace": [], "graph_of": [], "graph_of named": []
    }  # fmt: skip


def test_graph_of_says_what_trace_says_of_the_zero_last_layer_of_a_relu_mlp():
    torch.manual_seed(0)
    model, x = zero_last_layer(), torch.randn(64, 16)
    loss = model(x).pow(2).mean()
    loss.backward()
    traced = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    assert ng.graph_of(loss).health() == traced.health() == []


@pytest.mark.parametrize(
    ("zero", "zero_bias", "dead", "flagged"),
    [
        ((), (), (0,), [[32, 16], [32, 32]]),  # a dead ReLU stops the gradient: nothing opens it
        ((), (2, 4), (0,), [[1, 32], [32, 16], [32, 32]]),  # zero biases add: they gate nothing
        ((4,), (), (2,), [[1, 32], [32, 16], [32, 32]]),  # a zero layer getting no gradient
        ((0, 2, 4), (0, 2, 4), (), [[1, 32], [32, 16], [32, 32]]),  # a whole MLP of zeros
    ],
    ids=["dead ReLU", "dead ReLU and zero biases", "dead ReLU before a zero layer", "all zero"],
)
def test_graph_of_still_flags_the_zero_gradients_trace_flags(
    zero: tuple[int, ...],
    zero_bias: tuple[int, ...],
    dead: tuple[int, ...],
    flagged: list[list[int]],
):
    torch.manual_seed(0)
    model = relu_mlp(zero=zero, zero_bias=zero_bias, dead=dead)
    # a target of 1: the last bias gets a gradient, as a gate would, even where the output is 0
    assert vanishing_weights(model, torch.randn(64, 16), lambda out: (out - 1).pow(2).mean()) == {
        "trace": flagged, "graph_of": flagged, "graph_of named": flagged
    }  # fmt: skip


# -- vanishing gradients: a slow shrink over many layers ---------------------------------------


def tanh_mlp(depth: int, width: int, seed: int) -> tuple[nn.Sequential, ng.Graph, float]:
    """A tanh MLP at PyTorch's default init, its graph, and the weight-gradient RMS of its
    first layer against its last hidden one (same width: what the student can check)."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh()]
    model = nn.Sequential(*layers, nn.Linear(width, 1))
    x, y = torch.randn(64, width), torch.randn(64, 1)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    F.mse_loss(model(x), y).backward()  # the same gradients, by hand
    rms = [p.grad.norm().item() / p.numel() ** 0.5 for p in model.parameters() if p.dim() == 2]
    model.zero_grad()
    return model, g, rms[0] / rms[-2]


@pytest.mark.parametrize(
    ("depth", "width", "seed"), [(20, 32, 0), (20, 128, 1), (12, 32, 0), (12, 32, 9)]
)
def test_a_deep_tanh_mlp_whose_first_layer_barely_learns_has_vanishing_gradients(
    depth: int, width: int, seed: int
):
    _, g, ratio = tanh_mlp(depth, width, seed)
    assert ratio < 1e-2  # the truth: over 100x less than the last hidden layer, as wide
    (finding,) = found(g, "vanishing")
    assert finding["module"] == "0" and finding["total"] > 1000  # against the output layer
    assert finding["per_layer"] < 2.5  # a slow shrink per layer, over many layers


def test_a_deep_tanh_mlp_initialised_for_tanh_is_not_vanishing():
    model, _, _ = tanh_mlp(20, 64, 0)
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_normal_(layer.weight, gain=nn.init.calculate_gain("tanh"))
            nn.init.zeros_(layer.bias)
    x, y = torch.randn(64, 64), torch.randn(64, 1)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    assert found(g, "vanishing") == found(g, "exploding") == []


def kaiming_mlp(depth: int, width: int) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Linear(32, width), nn.ReLU()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.ReLU()]
    layers.append(nn.Linear(width, 1))
    for layer in layers:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return nn.Sequential(*layers)


class EncoderRegressor(nn.Module):
    """A post-LN transformer encoder with a head to one output: its packed q, k, v projection
    makes the width-corrected product small, the gradients a student sees are not."""

    def __init__(self, depth: int, width: int = 32) -> None:
        super().__init__()
        self.inp = nn.Linear(16, width)
        layer = nn.TransformerEncoderLayer(width, 4, 2 * width, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.head = nn.Linear(width, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(self.inp(x)).mean(1))


class Recurrent(nn.Module):
    def __init__(self, cell: type[nn.Module]) -> None:
        super().__init__()
        self.embedding = nn.Embedding(50, 16)
        self.rnn = cell(16, 32, 2, batch_first=True)
        self.head = nn.Linear(32, 50)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.head(self.rnn(self.embedding(tokens))[0])


@pytest.mark.parametrize(
    "net", ["kaiming-10", "kaiming-20", "transformer-12", "lstm", "gru", "resnet-bn"]
)
def test_deep_healthy_nets_are_not_said_to_vanish(net: str):
    torch.manual_seed(0)
    if net.startswith("kaiming"):
        x, y = torch.randn(64, 32), torch.randn(64, 1)
        model: nn.Module = kaiming_mlp(int(net.split("-")[1]), 64)
        loss = lambda out: F.mse_loss(out, y)  # noqa: E731
    elif net.startswith("transformer"):
        x = torch.randn(8, 10, 16)
        model, loss = EncoderRegressor(12), lambda out: out.pow(2).mean()
    elif net in ("lstm", "gru"):
        x, t = torch.randint(0, 50, (8, 12)), torch.randint(0, 50, (96,))
        model = Recurrent(nn.LSTM if net == "lstm" else nn.GRU)
        loss = lambda out: F.cross_entropy(out.reshape(-1, 50), t)  # noqa: E731
    else:
        x, t = torch.randn(16, 3, 8, 8), torch.randint(0, 10, (16,))
        model = small_resnet(zero_gate=False)
        loss = lambda out: F.cross_entropy(out, t)  # noqa: E731
    g = ng.trace(model, x, loss=loss)
    assert found(g, "vanishing") == found(g, "exploding") == []


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


@pytest.mark.parametrize("language", ["en", "pl"])
def test_graph_of_does_not_claim_a_parameter_is_where_the_first_nan_gradient_appears(
    language: str,
):
    """Sweep s37: `torch.where(h > 0, h.sqrt(), 0)` makes its NaN gradient in sqrt's backward,
    and graph_of, which keeps no op's gradient, said it first appears at parameter l1.bias."""
    ng.set_language(language)
    torch.manual_seed(0)
    l1, l2 = nn.Linear(6, 16), nn.Linear(16, 1)
    h = l1(torch.randn(16, 6))
    loss = F.mse_loss(l2(torch.where(h > 0, h.sqrt(), 0)), torch.randn(16, 1))
    loss.backward(retain_graph=True)
    model = nn.ModuleDict({"l1": l1, "l2": l2})
    findings = ng.graph_of(loss, params=model).health()
    (finding,) = [f for f in findings if f["kind"] == "nan" and f["where"] == "backward"]
    said = {"en": "ng.trace or ng.record shows it", "pl": "pokaże to ng.trace albo ng.record"}
    assert said[language] in finding["message"] and "first gradient" not in finding["message"]
    model.zero_grad()
    with ng.record() as rec:  # the op that made it, where the gradients of the ops are kept
        h = l1(torch.randn(16, 6))
        F.mse_loss(l2(torch.where(h > 0, h.sqrt(), 0)), torch.randn(16, 1)).backward()
    (made,) = [f for f in rec.graph.health() if f["kind"] == "nan" and f["where"] == "backward"]
    assert made["node"] in rec.graph and rec.graph.nodes[made["node"]]["op"] == "sqrt"


class MaskedCRF(nn.Module):
    """A linear-chain CRF's log partition function, its forbidden transitions masked with
    `fill`: no tag may precede tag 3."""

    def __init__(self, fill: float) -> None:
        super().__init__()
        self.emit, self.trans, self.fill = nn.Linear(6, 4), nn.Parameter(torch.randn(4, 4)), fill
        forbidden = torch.zeros(4, 4, dtype=torch.bool)
        forbidden[:, 3] = True
        self.register_buffer("forbidden", forbidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        em, trans = self.emit(x), self.trans.masked_fill(self.forbidden, self.fill)
        alpha = em[:, 0]
        for t in range(1, em.shape[1]):
            alpha = torch.logsumexp(alpha[:, :, None] + trans + em[:, t, None, :], dim=1)
        return torch.logsumexp(alpha, 1).mean()


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_minus_inf_of_a_mask_is_told_as_a_mask_not_as_an_overflow(language: str):
    """Sweep s37: a CRF whose mask forbids a tag whole gets NaN gradients from logsumexp over
    nothing but -inf, and health() told the mask's -inf as "a value outside the op's domain, or
    an overflow (weights or a learning rate too large)"."""
    ng.set_language(language)
    torch.manual_seed(0)
    x = torch.randn(3, 5, 6)
    g = ng.trace(MaskedCRF(float("-inf")), x, loss=lambda log_z: log_z)
    (finding,) = [f for f in g.health() if f["where"] == "forward"]
    assert g.nodes[finding["node"]]["op"] == "masked_fill"
    assert "torch.finfo(x.dtype).min" in finding["message"]
    assert "learning rate" not in finding["message"] and "współczynnik" not in finding["message"]
    fixed = MaskedCRF(torch.finfo(torch.float32).min)  # the truth: the advice mends it
    g = ng.trace(fixed, x, loss=lambda log_z: log_z)
    assert [f["kind"] for f in g.health() if f["kind"] in ("nan", "inf")] == []
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))  # -inf no mask put in
    silence = torch.randn(8, 4)
    silence[0, 1] = float("-inf")  # log-features of a silent bin: the data's
    with torch.no_grad():
        broken = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        broken[0].weight[0, 0] = float("-inf")  # a weight an earlier step broke
    for net, data in ((model, silence), (broken, torch.randn(8, 4))):
        with ng.record(net) as rec:
            net(data).pow(2).mean().backward()
        (first,) = [f for f in rec.graph.health() if f["where"] == "forward"]
        assert "finfo" not in first["message"]


class Quantised(nn.Module):
    """A layer whose output is rounded to 4 levels, with or without the straight-through trick."""

    def __init__(self, straight_through: bool) -> None:
        super().__init__()
        self.l1, self.l2, self.straight_through = (
            nn.Linear(8, 16),
            nn.Linear(16, 1),
            straight_through,
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.sigmoid(self.l1(x)) * 3
        return self.l2(h + (h.round() - h).detach() if self.straight_through else h.round())


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_layer_before_round_is_told_round_passes_no_gradient(language: str):
    """Sweep s37: quantising with round and no straight-through trick left l1 with exactly zero
    gradient, and health() named ReLUs, masks and zero weights as what may stop it."""
    ng.set_language(language)
    torch.manual_seed(0)
    x, y = torch.randn(32, 8), torch.randn(32, 1)
    g = ng.trace(Quantised(False), x, loss=lambda out: F.mse_loss(out, y))
    (finding,) = found(g, "vanishing")
    assert finding["module"] == "l1" and finding["flat_op"] == "round"
    assert "h + (h.round() - h).detach()" in finding["message"]
    assert (
        found(ng.trace(Quantised(True), x, loss=lambda out: F.mse_loss(out, y)), "vanishing") == []
    )
    model = Quantised(True)  # the truth: the advice lets l1 learn
    model(x).sum().backward()
    assert model.l1.weight.grad.abs().sum() > 0


# -- Polish numbers --------------------------------------------------------------------------------


def test_the_polish_vanishing_ratio_is_said_in_polish_words():
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
    assert 1e6 < finding["total"] < 1e7  # about 1.1 million: "1,1 mln", with a decimal comma
    said = f"{finding['total'] / 1e6:.1f}".replace(".", ",")
    assert f"dostają gradient około {said} mln razy mniejszy" in finding["message"]


# -- exploding: an initialisation scaled up ------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_a_relu_mlp_whose_initial_weights_are_scaled_up_has_exploding_gradients(seed: int):
    """Kaiming's init keeps the signal's size through each ReLU layer; every weight x5 then
    multiplies it by 5 per layer, so the gradients grow ~5x per layer on the way back (the
    lecture's point on init scale). At Kaiming's scale the same net is healthy."""
    kinds = {}
    for scale in (1.0, 5.0):
        torch.manual_seed(seed)
        model = nn.Sequential(
            *[layer for _ in range(6) for layer in (nn.Linear(32, 32), nn.ReLU())],
            nn.Linear(32, 1),
        )
        with torch.no_grad():
            for layer in model:
                if isinstance(layer, nn.Linear):
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                    layer.weight.mul_(scale)
                    layer.bias.zero_()
        g = ng.trace(model, torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
        kinds[scale] = {f["kind"] for f in g.health()} & {"vanishing", "exploding"}
    assert kinds == {1.0: set(), 5.0: {"exploding"}}


class _SqueezeExcite(nn.Module):
    """RegNet-Y's channel gate: two 1x1 convolutions without a norm of their own."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Conv2d(c, c // 4, 1), nn.Conv2d(c // 4, c, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = self.fc2(torch.relu(self.fc1(F.adaptive_avg_pool2d(x, 1))))
        return x * torch.sigmoid(gate)


def _shufflenet_like(units: int, *, gate: bool = False) -> nn.Module:
    """ShuffleNet's units without their channel split: 1x1, depthwise 3x3 and 1x1 convolutions,
    each followed by a BatchNorm, no residual connection, a squeeze-excitation gate after each
    unit with `gate`; PyTorch's initialisation."""
    c = 24
    layers: list[nn.Module] = [nn.Conv2d(3, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
    for _ in range(units):
        layers += [nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
        layers += [nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False), nn.BatchNorm2d(c)]
        layers += [nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
        layers += [_SqueezeExcite(c)] if gate else []
    head = [nn.Conv2d(c, 256, 1, bias=False), nn.BatchNorm2d(256), nn.ReLU()]
    return nn.Sequential(*layers, *head, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 10))


@pytest.mark.parametrize("gate", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_a_slow_growth_through_a_batchnorm_net_at_default_init_is_not_exploding(
    seed: int, gate: bool
):
    """Sweep M1: torchvision's ShuffleNet at its own initialisation was told "exploding ...
    1,400 times larger ... Start from smaller weights (PyTorch's default initialisation)": its
    gradients grow 1.1x per layer over 50 layers, each followed by a BatchNorm, under which a
    large gradient grows its weight and so slows itself. A fast growth is still told."""
    torch.manual_seed(seed)
    x, y = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    g = ng.trace(_shufflenet_like(16, gate=gate), x, loss=lambda out: F.cross_entropy(out, y))
    # RegNet-Y's gates (RG2) have no norm: most layers do (their ReLUs on pooled values may die)
    assert [f for f in g.health() if f["kind"] != "dead"] == []


@pytest.mark.parametrize("norm", [None, nn.LayerNorm, nn.BatchNorm1d])
def test_one_norm_after_the_first_layer_does_not_hide_a_slow_explosion(norm: type | None):
    """Regression sweep RG1: a chaotic tanh MLP (std 4 / sqrt(fan_in), 20 layers), its
    gradients growing 1.5x per layer, lost its finding to one norm after its first layer."""
    torch.manual_seed(0)
    layers: list[nn.Module] = [nn.Linear(20, 128), *([norm(128)] if norm else []), nn.Tanh()]
    for _ in range(18):
        layers += [nn.Linear(128, 128), nn.Tanh()]
    model = nn.Sequential(*layers, nn.Linear(128, 10))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, std=4 / layer.in_features**0.5)
            nn.init.zeros_(layer.bias)
    x, y = torch.randn(64, 20), torch.randint(0, 10, (64,))
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))
    assert ("exploding", "backward") in [(f["kind"], f["where"]) for f in g.health()]


@pytest.mark.parametrize("init", ["normal", "default", "kaiming"])
def test_weights_drawn_with_std_1_are_seen_in_the_values_growing_layer_after_layer(init: str):
    """nn.init.normal_(w) (std 1) in a ReLU MLP under cross-entropy: the logits reach 1e5, yet
    the gradient ratio between layers stays flat (values grow forward, gradients backward, and
    cross-entropy caps the gradient at the output), and health() said nothing (a mistake the
    README listed as not recognised)."""
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for width in (16, 64, 64, 64, 64, 64):
        layers += [nn.Linear(width, 64), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(64, 3))
    for layer in model:
        if isinstance(layer, nn.Linear) and init != "default":
            if init == "normal":
                nn.init.normal_(layer.weight)
            else:
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    # a batch of 64 makes each hidden output [64, 64], the shape of the weights themselves
    x, y = torch.randn(64, 16), torch.randint(0, 3, (64,))
    g = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))
    grown = [f for f in g.health() if f["where"] == "forward" and f["kind"] == "exploding"]
    if init != "normal":
        assert grown == []
        return
    (finding,) = grown
    assert finding["layers"] == 7 and 4 < finding["factor"] < 7 and finding["last"] > 1e4
    assert g.nodes[finding["node"]]["module"] == "12"
    assert "nn.init.kaiming_normal_" in finding["message"]
    assert not any(f["where"] == "backward" for f in g.health())  # the gradients look fine


class _Autocast(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.model(x).float()


@pytest.mark.parametrize("setting", ["weight decay in the loss", "autocast"])
def test_growing_values_are_seen_through_a_weight_decay_term_and_autocast(setting: str):
    """The review's misses: `w.pow(2)` of a weight decay was taken for a layer's output, and
    under autocast the weight reaches its layer through a cast and a transpose."""
    torch.manual_seed(0)
    model = nn.Sequential(*[m for w in (16, 64, 64, 64) for m in (nn.Linear(w, 64), nn.ReLU())])
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight)
    decay = setting == "weight decay in the loss"

    def loss(out: torch.Tensor) -> torch.Tensor:
        penalty = sum(p.pow(2).sum() for p in model.parameters()) if decay else 0.0
        return out.pow(2).mean() + 1e-4 * penalty

    traced = model if decay else _Autocast(model)
    g = ng.trace(traced, torch.randn(32, 16), loss=loss)
    (grown,) = [f for f in g.health() if f["where"] == "forward" and f["kind"] == "exploding"]
    assert grown["layers"] == 4


@pytest.mark.parametrize("capture", ["trace", "graph_of"])
def test_a_layer_fed_only_zeros_is_said_to_learn_through_its_bias_alone(capture: str):
    """A layer after a dead ReLU: its weights get exactly zero, its bias a gradient; "this
    layer learns nothing" stood next to the model's largest gradient norm (sweep CC)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    with torch.no_grad():
        model[0].bias.fill_(-100.0)
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    if capture == "trace":
        g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    else:
        loss = F.mse_loss(model(x), y)
        loss.backward()
        g = ng.graph_of(loss, params=model)
    first, after = found(g, "vanishing")
    assert "zero_input" not in first and "learns nothing from this batch" in first["message"]
    assert after["zero_input"] is True and after["message"].startswith(
        "The weights of module 2 (Linear) get a gradient of exactly zero while its bias gets one:"
    )


def test_a_weight_gradient_a_hook_zeroes_is_not_said_to_come_from_zero_inputs():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 1))
    model[2].weight.register_hook(torch.zeros_like)  # frozen by zeroing its gradient
    g = ng.trace(model, torch.randn(8, 4) + 3.0, loss=lambda y: y.pow(2).mean())
    (vanishing,) = found(g, "vanishing")
    assert "zero_input" not in vanishing and "learns nothing" in vanishing["message"]


# -- an expert the router sends nothing to: no examples, nothing vanished ------------------------


class TopOneExperts(nn.Module):
    """A mixture of experts with top-1 routing; an expert no example is routed to runs on an
    empty batch `x[sel]` of shape [0, 8]."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = nn.Linear(8, 4)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 8)) for _ in range(4)
        )
        self.head = nn.Linear(8, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight, chosen = self.gate(x).softmax(-1).max(-1)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            sel = chosen == e
            out = out.index_put((sel,), weight[sel, None] * expert(x[sel]))
        return self.head(out)


def routed(gate_bias: list[float]) -> tuple[TopOneExperts, torch.Tensor, torch.Tensor]:
    """The model, its gate biased by `gate_bias`, with a batch of 12 examples and targets."""
    torch.manual_seed(0)
    model = TopOneExperts()
    with torch.no_grad():
        model.gate.bias.copy_(torch.tensor(gate_bias))
    return model, torch.randn(12, 8), torch.randint(0, 3, (12,))


def experts_with_no_gradient(gate_bias: list[float]) -> list[int]:
    """The truth, from a plain backward: the experts whose first weight gets exactly zero."""
    model, x, y = routed(gate_bias)
    F.cross_entropy(model(x), y).backward()
    return [i for i, e in enumerate(model.experts) if e[0].weight.grad.count_nonzero() == 0]


def routed_graph(capture: str, gate_bias: list[float]) -> ng.Graph:
    model, x, y = routed(gate_bias)
    if capture == "trace":
        return ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))
    if capture == "record":
        with ng.record(model) as rec:
            F.cross_entropy(model(x), y).backward()
        return rec.graph
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return ng.graph_of(loss, params=model)


@pytest.mark.parametrize("capture", ["trace", "record", "graph_of"])
def test_an_expert_no_example_is_routed_to_is_said_to_get_no_examples_not_to_vanish(capture: str):
    """Sweep A: expert 3 ran on an empty batch, so its weights get exactly zero; that was
    filed under `vanishing`, which sends a student looking for a depth problem."""
    unused = [5.0, 5.0, 5.0, -20.0]  # expert 3 is never chosen
    assert experts_with_no_gradient(unused) == [3]
    g = routed_graph(capture, unused)
    findings = g.health()
    assert [(f["kind"], f["module"], f.get("no_examples")) for f in findings] == [
        ("no_gradient", "experts.3.0", True),
        ("no_gradient", "experts.3.2", True),
    ]
    assert "got no examples in this batch: its input has shape [0, ...]" in findings[0]["message"]
    summary = g.summary()
    assert "[vanishing]" not in summary and "[no gradient]" in summary
    ng.set_language("pl")
    polish = g.health()[0]["message"]
    ng.set_language("en")
    assert "nie dostała w tej partii żadnego przykładu" in polish


@pytest.mark.parametrize("capture", ["trace", "record", "graph_of"])
def test_experts_that_all_get_examples_have_no_finding(capture: str):
    assert experts_with_no_gradient([0.0, 0.0, 0.0, 0.0]) == []
    assert routed_graph(capture, [0.0, 0.0, 0.0, 0.0]).health() == []


# -- vanishing and exploding: a steady change the output layer hides ---------------------------


def deep_net(activation: type[nn.Module], depth: int, width: int, std: float | None) -> nn.Module:
    """`depth` hidden layers of `width` units, then a 1-unit output; `std` draws every
    weight from N(0, std^2) with zero biases (None: Xavier, gain 1)."""
    layers: list[nn.Module] = []
    fan_in = 32
    for _ in range(depth):
        linear = nn.Linear(fan_in, width)
        if std is None:
            nn.init.xavier_normal_(linear.weight)
        else:
            nn.init.normal_(linear.weight, std=std)
        nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
        fan_in = width
    return nn.Sequential(*layers, nn.Linear(width, 1))


@pytest.mark.parametrize("seed", range(3))
def test_a_saturated_tanh_net_whose_gradient_grows_layer_after_layer_is_exploding(seed: int):
    # std 1.0 on 64 inputs saturates every tanh: the gradient doubles at each layer on the
    # way back (the first layer's is ~1,000x the last hidden layer's), while the output
    # layer's, right before the loss, is ~100x the last hidden layer's and hid the growth
    torch.manual_seed(seed)
    model = deep_net(nn.Tanh, depth=11, width=64, std=1.0)
    g = ng.trace(model, torch.randn(64, 32), loss=lambda y: y.pow(2).mean())
    (finding,) = found(g, "exploding")
    assert (finding["module"], finding["layers"][-1]) == ("0", "20")  # the last hidden layer
    assert finding["per_layer"] > 1.5


@pytest.mark.parametrize("seed", range(3))
def test_a_four_layer_sigmoid_net_with_a_wide_last_layer_is_vanishing(seed: int):
    # Xavier init, 512 wide, one example: the 512 -> 1 layer's width correction kept the
    # product above the limit, although the first layer gets ~1e-3 of the last one's gradient
    torch.manual_seed(seed)
    model = deep_net(nn.Sigmoid, depth=3, width=512, std=None)
    g = ng.trace(model, torch.randn(1, 32), loss=lambda y: y.pow(2).mean())
    (finding,) = found(g, "vanishing")
    assert finding["module"] == "0"
