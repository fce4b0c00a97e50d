"""GradientWatch's causes and fixes fit the model it watches (sweep s45 mistakes, findings 5-7):
fixes it already has are not advised, BatchNorm on batches of 2 is named as the cause, a
gradient lost after many healthy steps points to the learning rate, and weights that are all
zero are named as the cause of a gradient of exactly 0."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import GradientWatch


def blobs(n: int = 600) -> tuple[torch.Tensor, torch.Tensor]:
    """5-class Gaussian blobs in 20 features, as in the sweep."""
    g = torch.Generator().manual_seed(0)
    centers = torch.randn(5, 20, generator=g)
    y = torch.randint(5, (n,), generator=g)
    return centers[y] + torch.randn(n, 20, generator=g) * 1.5, y


def bn_mlp(blocks: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = 20
    for _ in range(blocks):
        layers += [nn.Linear(width, 32), nn.BatchNorm1d(32), nn.ReLU()]
        width = 32
    return nn.Sequential(*layers, nn.Linear(width, 5))


def train_in_batches(model: nn.Module, batch: int, epochs: int = 1) -> GradientWatch:
    """SGD with momentum on the blobs, ``epochs`` times (until the first event)."""
    x, y = blobs()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    with GradientWatch(model, optimizer=opt) as watch:
        for _ in range(epochs):
            for i in range(0, len(x), batch):
                opt.zero_grad()
                F.cross_entropy(model(x[i : i + batch]), y[i : i + batch]).backward()
                opt.step()
                if watch.events:
                    return watch
    return watch


def first_to_last(model: nn.Sequential, first: float = 1e-6) -> GradientWatch:
    """A watch (patience 1) that read one step where the first layer's weight gradient is
    ``first`` and every other parameter's 1: the first-to-last rule is said at once."""
    watch = GradientWatch(model, patience=1)
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    model[0].weight.grad.fill_(first)
    watch.step()
    return watch


# ---------------------------------------- finding 5: fixes the model has, BatchNorm on 2 values


@pytest.mark.parametrize("blocks", [1, 3])
def test_batchnorm_on_batches_of_two_is_named_as_the_cause_not_advised(blocks: int) -> None:
    """Sweep s45 mistakes, finding 5: Linear-BatchNorm1d-ReLU-Linear trained on batches of 2
    was told "initialise the weights with nn.init.kaiming_normal_, add BatchNorm, or add
    residual connections"; its BatchNorm, fed 2 values per channel, is the cause."""
    torch.manual_seed(0)
    watch = train_in_batches(bn_mlp(blocks), batch=2)
    (event,) = watch.events
    assert event.message_id == "grad.depth"
    assert "BatchNorm layer '1' is the likely cause" in event.message  # after the first layer
    assert "2 values per channel" in event.message
    assert "batches of 16 examples or more" in event.message
    assert "add BatchNorm" not in event.message and "kaiming" not in event.message


def test_the_same_model_on_batches_of_32_says_nothing_and_keeps_no_hooks() -> None:
    """The healthy twin of finding 5: no event, and its BatchNorm layers never hooked."""
    torch.manual_seed(0)
    model = bn_mlp(3)
    watch = train_in_batches(model, batch=32, epochs=3)
    assert watch.events == []
    assert not any(m._forward_pre_hooks for m in model.modules())


def test_the_batchnorm_hooks_are_gone_once_the_finding_is_said_or_the_watch_closed() -> None:
    """Sweep s45 mistakes, finding 5: the batches are read by a global hook while the finding
    counts, and none is left behind. Regression review s45 (monitor, 5): hooks put on the
    BatchNorm layers themselves went with `copy.deepcopy(model)` (an early-stopping loop's
    best model), where nothing took them off, and `torch.jit.script` of it crashed."""
    from torch.nn.modules import module as nn_module

    torch.manual_seed(0)
    model = bn_mlp(3)
    x, y = blobs(40)
    watch = GradientWatch(model)
    hooked, copies = [], []
    for i in range(0, 40, 2):
        model.zero_grad()
        F.cross_entropy(model(x[i : i + 2]), y[i : i + 2]).backward()
        watch.step()
        hooked.append(bool(nn_module._global_forward_pre_hooks))
        copies.append(copy.deepcopy(model))
    assert watch.events and any(hooked)  # hooked while the finding counted
    watch.close()
    assert not nn_module._global_forward_pre_hooks
    for kept in (model, *copies):
        assert not any(m._forward_pre_hooks for m in kept.modules())
    torch.jit.script(copies[hooked.index(True)])


def test_a_model_with_batchnorm_is_not_told_to_add_it() -> None:
    """Sweep s45 mistakes, finding 5: the fixes named are those the model lacks, as health()'s
    are (no batch seen here: the first-to-last rule said at the first step)."""
    torch.manual_seed(0)
    (event,) = first_to_last(bn_mlp(3)).events
    assert event.message_id == "grad.depth"
    assert event.message.endswith(
        "With ReLU-family activations: initialise the weights with nn.init.kaiming_normal_, "
        "or add residual connections."
    )


def test_a_relu_model_at_the_kaiming_scale_is_not_told_to_initialise_so() -> None:
    """Sweep s45 mistakes, finding 5: a fix the model has (kaiming_normal_) is not advised."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU())
    model.append(nn.Linear(64, 5))
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    (event,) = first_to_last(model).events
    assert event.message.endswith(
        "With ReLU-family activations: add BatchNorm or LayerNorm, or add residual connections."
    )


def test_a_sigmoid_model_with_layernorm_is_told_batchnorm_and_relu_as_health_does() -> None:
    """Sweep s45 mistakes, finding 5: with LayerNorm a sigmoid stack still vanishes, so
    BatchNorm is advised, as health() advises it."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), nn.LayerNorm(32), nn.Sigmoid())
    model.extend([nn.Linear(32, 32), nn.LayerNorm(32), nn.Sigmoid(), nn.Linear(32, 5)])
    (event,) = first_to_last(model).events
    assert event.message.endswith(
        "The Sigmoid layers shrink the gradient at every layer: use ReLU-family activations "
        "with nn.init.kaiming_normal_, add BatchNorm, or add residual connections."
    )


def test_a_model_with_every_usual_fix_is_told_where_to_look_instead() -> None:
    """Sweep s45 mistakes, finding 5: nothing to add is not said as a list of fixes."""

    class ResidualBlock(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc, self.norm = nn.Linear(32, 32), nn.BatchNorm1d(32)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + F.relu(self.norm(self.fc(x)))

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), ResidualBlock(), ResidualBlock())
    model.append(nn.Linear(32, 5))
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    (event,) = first_to_last(model).events
    assert "already has the usual fixes" in event.message and "health()" in event.message


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_batchnorm_words_read_in_each_language(language: str) -> None:
    """Sweep s45 mistakes, finding 5, in English and Polish."""
    torch.manual_seed(0)
    i18n.set_language(language)
    watch = train_in_batches(bn_mlp(3), batch=2)
    assert watch.events[0].message_id == "grad.depth"
    said = {"en": "2 values per channel", "pl": "2 wartości na kanał"}[language]
    assert watch.events and said in watch.events[0].message


# ---------------------------------------------- finding 6: a gradient lost after healthy steps


def set_norms(model: nn.Sequential, first: float) -> None:
    """The first layer's gradient norm ``first``, every other parameter's gradient all 1."""
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    size = sum(p.numel() for p in model[0].parameters())
    for p in model[0].parameters():
        p.grad.fill_(first / size**0.5)


def relu_mlp() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 5)
    )


def test_a_layer_whose_gradient_collapsed_after_healthy_steps_points_to_the_learning_rate() -> None:
    """Sweep s45 mistakes, finding 6: Adam at lr 0.1, first-layer gradients healthy for ~400
    steps, then 1e-14; the watch blamed "a poor initialisation, a stack too deep, or a layer
    cut off" and never the learning rate."""
    model = relu_mlp()
    watch = GradientWatch(model)
    for step in range(40):
        set_norms(model, 0.5 if step < 37 else 1e-12)
        watch.step()
    (event,) = watch.events
    assert event.message_id == "grad.vanishing_fell" and event.values["start"] == 38
    assert event.values["typical"] == pytest.approx(0.5)
    text = event.message
    assert "since step 38" in text and "had a healthy one for many steps before" in text
    assert "a learning rate too high" in text and "lower the learning rate" in text
    assert "poor initialisation" not in text and "kaiming" not in text


def test_adam_at_a_learning_rate_far_too_high_is_told_to_lower_it() -> None:
    """Sweep s45 mistakes, finding 6, as the sweep ran it: a 3-layer ReLU MLP at PyTorch's
    default init under Adam at lr 0.1 blows up after about 400 healthy steps."""
    x, y = blobs()
    model = relu_mlp()
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    with GradientWatch(model, optimizer=opt) as watch:
        for epoch in range(1, 41):
            perm = torch.randperm(600, generator=torch.Generator().manual_seed(epoch))
            for i in range(0, 600, 32):
                j = perm[i : i + 32]
                opt.zero_grad()
                F.cross_entropy(model(x[j]), y[j]).backward()
                opt.step()
            if any("almost no gradient" in e.message for e in watch.events):
                break
    lost = [e for e in watch.events if "almost no gradient" in e.message]
    assert lost and all(e.message_id.startswith("grad.vanishing_fell") for e in lost)
    assert all("learning rate too high" in e.message for e in lost)
    assert all("poor initialisation" not in e.message for e in lost)


def test_a_layer_with_almost_no_gradient_from_the_start_keeps_the_initialisation_words() -> None:
    """Sweep s45 mistakes, finding 6: without a healthy history the causes stay as they were."""
    model = relu_mlp()
    watch = GradientWatch(model)
    for _ in range(40):
        set_norms(model, 1e-12)
        watch.step()
    (event,) = watch.events
    assert event.message_id == "grad.vanishing" and "poor initialisation" in event.message


def test_a_fall_after_a_few_steps_or_a_small_one_is_not_called_a_lost_gradient() -> None:
    """Sweep s45 mistakes, finding 6: a lost gradient needs many healthy steps and a deep fall."""
    # too few steps; a fall of 20 times, from just above the line (1e-5 of the largest, 64)
    for healthy, before, after in [(5, 0.5, 1e-12), (37, 1e-3, 5e-5)]:
        model = relu_mlp()
        watch = GradientWatch(model)
        for step in range(healthy + 3):
            set_norms(model, before if step < healthy else after)
            watch.step()
        (event,) = [e for e in watch.events if e.message_id.startswith("grad.vanishing")]
        assert event.message_id == "grad.vanishing", (healthy, before)
        assert event.step == healthy + 3


@pytest.mark.parametrize("language", ["en", "pl"])
def test_layers_that_lost_their_gradient_together_are_said_once(language: str) -> None:
    """Sweep s45 mistakes, finding 6: several layers lost together make one event."""
    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Linear(8, 8) for _ in range(4)], nn.Linear(8, 1))
    i18n.set_language(language)
    watch = GradientWatch(model)
    for step in range(40):
        for k, layer in enumerate(model):
            for p in layer.parameters():
                p.grad = torch.full_like(p, 1e-12 if step >= 37 and k < 3 else 0.5)
        watch.step()
    (event,) = watch.events
    assert event.message_id == "grad.vanishing_fell_many" and event.values["n"] == 3
    said = {"en": "learning rate too high", "pl": "za duży współczynnik uczenia"}[language]
    assert said in event.message


# ------------------------------------------------------- finding 7: weights that are all zero


def zero_mlp() -> nn.Sequential:
    model = relu_mlp()
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def ten_steps(model: nn.Module) -> GradientWatch:
    torch.manual_seed(0)
    x, y = torch.randn(256, 20), torch.randint(0, 5, (256,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    with GradientWatch(model, optimizer=opt) as watch:
        for step in range(10):
            j = torch.arange(step * 16, step * 16 + 16)
            opt.zero_grad()
            F.cross_entropy(model(x[j]), y[j]).backward()
            opt.step()
    return watch


def test_weights_initialised_to_zero_are_named_as_the_cause_of_no_gradient() -> None:
    """Sweep s45 mistakes, finding 7: an MLP whose Linear layers are all nn.init.zeros_ was
    told "a large negative bias, weights initialised too large, or inputs far from 0 ... set
    the biases to 0"; its weights, all zero, are the cause."""
    watch = ten_steps(zero_mlp())
    assert [(e.message_id, e.values["layer"], e.step) for e in watch.events] == [
        ("grad.zero_weights", "0", 3),
        ("grad.zero_weights", "2", 3),
    ]
    for event in watch.events:
        assert event.values["zero_weights"] == ["0.weight", "2.weight", "4.weight"]
        text = event.message
        assert "All weights of '0.weight', '2.weight', '4.weight' are zero" in text
        assert "No gradient passes back through a layer whose weights are all zero" in text
        assert "Initialise the weights randomly" in text
        assert "negative bias" not in text and "set the biases to 0" not in text


def test_the_same_mlp_at_pytorchs_initialisation_says_nothing() -> None:
    """Sweep s45 mistakes, finding 7: the healthy twin."""
    assert ten_steps(relu_mlp()).events == []


def test_units_dead_from_the_start_with_random_weights_keep_their_words() -> None:
    """Sweep s45 mistakes, finding 7: where no weight is all zeros, dead units are told."""
    model = relu_mlp()
    with torch.no_grad():
        model[2].bias.fill_(-100)  # the second ReLU outputs 0 for every input
    (event, *_) = ten_steps(model).events
    assert event.message_id == "grad.dead_from_start" and "negative bias" in event.message


@pytest.mark.parametrize("language", ["en", "pl"])
def test_many_layers_of_zero_weights_are_said_once_in_each_language(language: str) -> None:
    """Sweep s45 mistakes, finding 7: a tanh net (no ReLU to name), layers grouped."""
    model = nn.Sequential(nn.Linear(20, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh())
    model.extend([nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 5)])
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)  # tanh(0) = 0: the last layer's input, so it stays zero
    i18n.set_language(language)
    (event,) = ten_steps(model).events
    assert event.message_id == "grad.zero_weights_many" and event.values["n"] == 3
    said = {"en": "All weights of", "pl": "Wszystkie wagi w"}[language]
    assert said in event.message and "ReLU" not in event.message
