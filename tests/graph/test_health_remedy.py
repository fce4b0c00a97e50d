"""The advice names only what the model lacks (sweep 22e, F4), and dead units beside values that
grow are promised nothing that smaller weights do not do (F2)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.i18n import message
from tests.graph.test_health_head import SigmoidResidualMLP


def _data(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.randn(64, 32, generator=torch.Generator().manual_seed(1000 + seed))
    y = torch.randn(64, 1, generator=torch.Generator().manual_seed(2000 + seed))
    return x, y


def _mlp(activation: type[nn.Module], depth: int, norm: type[nn.Module] | None = None):
    layers: list[nn.Module] = []
    width = 32
    for _ in range(depth - 1):
        layers.append(nn.Linear(width, 64))
        if norm is not None:
            layers.append(norm(64))
        layers.append(activation())
        width = 64
    return nn.Sequential(*layers, nn.Linear(64, 1))


def _vanishing(model: nn.Module, seed: int = 0) -> str:
    x, y = _data(seed)
    g = ng.trace(model, x, loss=lambda out: F.mse_loss(out, y))
    (finding,) = [f for f in g.health() if f["kind"] == "vanishing"]
    assert "per_layer" in finding
    return finding["message"]


# -- vanishing: the fixes the model lacks ---------------------------------------------------------


def test_a_plain_sigmoid_mlp_keeps_the_full_advice():
    torch.manual_seed(0)
    text = _vanishing(_mlp(nn.Sigmoid, 6))
    assert text.endswith(message("graph.health.remedy.layers_vanishing"))


def test_a_sigmoid_mlp_with_layernorm_is_not_told_to_add_layernorm():
    torch.manual_seed(0)
    text = _vanishing(_mlp(nn.Sigmoid, 6, nn.LayerNorm))
    assert "BatchNorm or LayerNorm" not in text
    for advice in ("ReLU-family", "add BatchNorm", "residual connections", "sigmoid or tanh"):
        assert advice in text
    ng.set_language("pl")
    torch.manual_seed(0)
    text = _vanishing(_mlp(nn.Sigmoid, 6, nn.LayerNorm))
    assert "BatchNorm albo LayerNorm" not in text
    assert "Użyj aktywacji z rodziny ReLU" in text and "dodaj BatchNorm" in text


def test_a_relu_mlp_is_not_told_to_use_relu():
    torch.manual_seed(0)  # PyTorch's default init, 12 layers: a slow shrink
    text = _vanishing(_mlp(nn.ReLU, 12))
    assert "ReLU-family" not in text and "sigmoid or tanh" not in text
    for advice in ("nn.init.kaiming_normal_", "BatchNorm or LayerNorm", "residual connections"):
        assert advice in text


class _SigmoidResidualNoNorm(SigmoidResidualMLP):
    def __init__(self) -> None:
        super().__init__()
        for block in self.blocks:
            block[1] = nn.Identity()  # no BatchNorm


def test_a_residual_net_is_not_told_to_add_residual_connections():
    torch.manual_seed(0)
    text = _vanishing(_SigmoidResidualNoNorm())
    assert "residual connections" not in text
    assert "ReLU-family" in text and "BatchNorm or LayerNorm" in text


# -- dead units: the advice taken already ---------------------------------------------------------


def _kaiming_relu(depth: int) -> nn.Sequential:
    model = _mlp(nn.ReLU, depth)
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def test_dead_units_after_kaiming_weights_are_not_told_to_use_kaiming():
    torch.manual_seed(1)
    x, y = _data(1)
    g = ng.trace(_kaiming_relu(20), x, loss=lambda out: F.mse_loss(out, y))
    dead = [f for f in g.health() if f["kind"] == "dead"]
    assert dead  # 20 layers deep: units silent on the batch, and on fresh data too
    for f in dead:
        text = f["message"]
        assert "already at the scale nn.init.kaiming_normal_ gives" in text
        assert "Try a lower learning rate" not in text  # nothing trained yet, as far as known
        assert "if training has started" in text and "LeakyReLU" in text


# -- dead units beside values that grow -----------------------------------------------------------


def _relu_std_1(bias: bool) -> nn.Sequential:
    torch.manual_seed(0)
    layers: list[nn.Module] = []
    for _ in range(20):
        layers += [nn.Linear(64, 64), nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(64, 1))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, std=1.0)
            if not bias:
                nn.init.zeros_(layer.bias)
    return model


def _dead(model: nn.Module, x: torch.Tensor) -> list[dict]:
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    return [f for f in g.health() if f["kind"] == "dead"]


def test_dead_units_of_a_zero_bias_net_are_not_said_to_come_back_with_smaller_weights():
    # it said "What stops that growth (smaller weights, ...) brings these units back too"
    model, x = _relu_std_1(bias=False), torch.randn(64, 64)
    dead = _dead(model, x)
    assert dead
    for f in dead:
        assert "no biases" in f["message"] and "the same units stay silent" in f["message"]
        assert "brings these units back" not in f["message"]
    with torch.no_grad():  # and so it is: the same units at Kaiming scale
        for layer in model:
            if isinstance(layer, nn.Linear):
                layer.weight.mul_(math.sqrt(2 / 64))
    rescaled = _dead(model, x)
    assert [(f["module"], f["dead"]) for f in rescaled] == [(f["module"], f["dead"]) for f in dead]
    # ... where the findings no longer suggest the initialisation they already have
    assert all("already at the scale" in f["message"] for f in rescaled)


def test_dead_units_of_a_biased_net_beside_growing_values_are_promised_nothing():
    dead = _dead(_relu_std_1(bias=True), torch.randn(64, 64))
    assert dead
    for f in dead:
        assert "grow layer after layer (above)" in f["message"]
        assert "may not bring these units back" in f["message"]
        assert "brings these units back too" not in f["message"]


class _ReluResidual(nn.Module):
    """Kaiming-initialised `h = h + relu(norm(Linear(h)))` blocks, or without the `+ h`."""

    def __init__(self, residual: bool) -> None:
        super().__init__()
        self.residual = residual
        self.layers = nn.ModuleList(nn.Linear(32, 32) for _ in range(6))
        self.norms = nn.ModuleList(nn.LayerNorm(32) for _ in range(6))
        for layer in self.layers:
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        for layer, norm in zip(self.layers, self.norms, strict=True):
            out = torch.relu(norm(layer(h)))
            h = h + out if self.residual else out
        return h


def _remedy_of(model: nn.Module) -> str:
    from nngraph.graph._flow import Layer
    from nngraph.graph._nodes import forward_order
    from nngraph.graph._remedy import layers_remedy

    torch.manual_seed(0)
    g = ng.trace(model, torch.randn(16, 32), loss=lambda y: y.pow(2).mean())
    position = {n: i for i, n in enumerate(forward_order(g))}
    weights = sorted(
        (n for n, d in g.nodes(data=True) if str(d["name"]).endswith("weight") and d["shape"]),
        key=lambda n: min(position[s] for s in g.successors(n)),
    )
    layers = [Layer(g.nodes[n]["module"], n, 1.0, 32, 32) for n in weights]
    return layers_remedy(g, [x for x in layers if len(g.nodes[x.node]["shape"]) == 2], position)


def test_the_remedy_leaves_out_every_fix_the_layers_have():
    torch.manual_seed(0)
    assert _remedy_of(_ReluResidual(residual=True)) == message(
        "graph.health.remedy.layers_vanishing_had"
    )
    torch.manual_seed(0)  # ReLU with LayerNorm: no BatchNorm asked for, only the shortcut
    assert _remedy_of(_ReluResidual(residual=False)) == "Add residual connections."


# -- weights training shrank to about zero (sweep s33 S, finding 3) ----------------------------


def test_weights_shrunk_by_training_are_named_as_the_cause_not_the_initialisation() -> None:
    """Adam with weight_decay=10 left every weight at about 1e-7, and a 2-hidden-layer ReLU
    net was told its tiny gradients came from "PyTorch's default initialisation in a deep
    ReLU net"."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3)
    )
    x, y = torch.randn(64, 10), torch.randint(0, 3, (64,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=10)
    for _ in range(300):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    g = ng.trace(model, x, loss=lambda o: nn.functional.cross_entropy(o, y))
    vanishing = [f for f in g.health() if f["kind"] == "vanishing"]
    assert vanishing and all(f["shrunk"] == "0.weight, 2.weight, 4.weight" for f in vanishing)
    text = str(g.health())
    assert "The network's weights (0.weight, 2.weight, 4.weight) are a hundredth or less" in text
    assert "weight_decay far too strong" in text and "default initialisation" not in text


def test_one_small_layer_among_ordinary_ones_is_not_the_shrunk_weights_cause() -> None:
    """A 10-layer sigmoid net with its head at std=1e-4: the sigmoids make its gradients
    vanish, not one small layer (regression sweep s33, P1)."""
    torch.manual_seed(0)
    model = _mlp(nn.Sigmoid, 11)
    nn.init.normal_(model[-1].weight, std=1e-4)
    g = ng.trace(model, torch.randn(16, 32), loss=lambda o: o.mean())
    vanishing = [f for f in g.health() if f["kind"] == "vanishing"]
    assert vanishing and not any("shrunk" in f for f in vanishing)


def test_a_deep_sigmoid_net_at_its_start_is_not_told_its_weights_shrank() -> None:
    torch.manual_seed(0)
    g = ng.trace(_mlp(nn.Sigmoid, 7), torch.randn(16, 32), loss=lambda o: o.pow(2).mean())
    vanishing = [f for f in g.health() if f["kind"] == "vanishing"]
    assert vanishing and not any("shrunk" in f for f in vanishing)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_tiny_gradients_behind_equal_weights_name_them_not_the_initial_scale(
    language: str,
) -> None:
    """`nn.init.constant_(w, 0.1)` everywhere: the output layer's one value sends back the sum
    of the classes' gradients, zero after a softmax, and the lines said "weights that start
    too small" (sweep s33 S, finding 4)."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3)
    )
    for layer in model[::2]:
        nn.init.constant_(layer.weight, 0.1), nn.init.zeros_(layer.bias)
    x, y = torch.randn(64, 10), torch.randint(0, 3, (64,))
    ng.set_language(language)
    found = ng.trace(model, x, loss=lambda o: F.cross_entropy(o, y)).health()
    vanishing = [f for f in found if f["kind"] == "vanishing"]
    # each layer is told of the equal weights after it
    assert [(f["module"], f["equal"]) for f in vanishing] == [
        ("0", "2.weight, 4.weight"),
        ("2", "4.weight"),
    ]
    said = "each hold one value throughout" if language == "en" else "mają wszędzie jedną"
    assert all(said in f["message"] for f in vanishing)
    assert "start too small" not in str(found) and "zbyt małe wagi" not in str(found)


def test_a_frozen_averaging_layer_is_not_the_cause_of_a_deep_sigmoid_nets_gradients() -> None:
    """A fixed smoothing layer (one value, frozen) in front of 8 sigmoid layers: the sigmoids
    make the gradients vanish, and the weights meant to stay one value are no cause (regression
    sweep s33 RG2, P1)."""
    torch.manual_seed(0)
    smooth = nn.Linear(32, 32, bias=False)
    nn.init.constant_(smooth.weight, 1 / 32)
    smooth.requires_grad_(False)
    model = nn.Sequential(smooth, *_mlp(nn.Sigmoid, 9))
    g = ng.trace(model, torch.randn(16, 32), loss=lambda o: o.pow(2).mean())
    vanishing = [f for f in g.health() if f["kind"] == "vanishing"]
    assert vanishing and not any("equal" in f for f in vanishing)


def test_a_constant_head_of_another_branch_is_not_the_cause_of_a_deep_branchs_gradients() -> None:
    """Branch a: 10 sigmoid layers and its own head; branch b: a layer and a constant head; both
    losses summed. Branch a's layers were told b's equal head weights cancel their gradient
    (regression sweep s33 RG3, 1)."""

    class TwoBranches(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            layers: list[nn.Module] = []
            for width in [20] + [64] * 9:
                layers += [nn.Linear(width, 64), nn.Sigmoid()]
            self.a, self.ha = nn.Sequential(*layers), nn.Linear(64, 5)
            self.b, self.hb = nn.Linear(20, 16), nn.Linear(16, 5)
            nn.init.constant_(self.hb.weight, 0.1)

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            return self.ha(self.a(x)), self.hb(torch.relu(self.b(x)))

    torch.manual_seed(1)
    model, x, y = TwoBranches(), torch.randn(64, 20), torch.randint(0, 5, (64,))
    g = ng.trace(model, x, loss=lambda o: F.cross_entropy(o[0], y) + F.cross_entropy(o[1], y))
    told = {f["module"]: f.get("equal") for f in g.health() if f["kind"] == "vanishing"}
    assert [module for module in told if module.startswith("a.")]  # they do vanish
    assert not [module for module, equal in told.items() if module.startswith("a.") and equal]
