"""GradientWatch's verdicts in real training runs (sweep 23e): the textbook vanishing gradient,
dead ReLUs, the step a blow-up or a NaN starts, the advice that fits the model and the loop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import datasets, i18n
from nngraph.errors import NNGraphError
from nngraph.monitor import GradientWatch


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def mlp(
    depth: int, act: type[nn.Module], width: int = 64, din: int = 32, dout: int = 1
) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Linear(din, width), act()]
    for _ in range(depth - 2):
        layers += [nn.Linear(width, width), act()]
    return nn.Sequential(*layers, nn.Linear(width, dout))


def train(
    net: nn.Module, steps: int, x: torch.Tensor, y: torch.Tensor, lr: float = 0.05
) -> GradientWatch:
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    with GradientWatch(net, optimizer=opt) as gw:
        for _ in range(steps):
            opt.zero_grad()
            F.mse_loss(net(x), y).backward()
            opt.step()
    return gw


# ------------------------------------------------------------- 1. the textbook vanishing case


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_six_layer_sigmoid_mlp_is_said_to_learn_slower_in_its_first_layers(seed: int) -> None:
    """The net health() is calibrated on: it says `vanishing`; the watch said nothing."""
    torch.manual_seed(seed)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    gw = train(mlp(6, nn.Sigmoid), 10, x, y)
    (event,) = gw.events
    assert event.message_id == "grad.depth" and event.step == 3
    assert event.values["layer"] == "0" and event.values["last"] == "10"
    assert event.values["first_to_last"] < 1e-3
    assert "the first layer, '0', gets about" in event.message
    assert ": it learns about" in event.message and "times slower" in event.message
    assert "The Sigmoid layers shrink the gradient" in event.message


@pytest.mark.parametrize("seed", [7, 10, 13, 17])
def test_a_five_layer_sigmoid_mlp_whose_last_gradient_falls_fast_is_said(seed: int) -> None:
    """health() says `vanishing` for it; the watch's 1/2,000 line was never crossed 3 steps in a
    row: its ratio starts at 1/3,000-1/1,000 and grows ~1.3 times a step, as the last layer's
    gradient falls. A net of 5 layers has a line of 1/500 (a shrink of 4 times per layer)."""
    torch.manual_seed(seed)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    gw = train(mlp(5, nn.Sigmoid), 10, x, y)
    (event,) = gw.events
    assert event.message_id == "grad.depth" and event.step == 3
    assert event.values["layer"] == "0" and event.values["last"] == "8"
    assert event.values["first_to_last"] < 2e-3
    assert "The Sigmoid layers shrink the gradient" in event.message


def test_a_five_layer_sigmoid_mlp_on_digits_is_said() -> None:
    """~1/1,100 from the first step on: above 1/2,000, so it was never said."""
    digits = datasets.digits()
    torch.manual_seed(0)
    net = mlp(5, nn.Sigmoid, din=64, dout=10)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    with GradientWatch(net, optimizer=opt) as gw:
        for _ in range(5):
            i = torch.randint(0, len(digits.x_train), (64,))
            opt.zero_grad()
            F.cross_entropy(net(digits.x_train[i]), digits.y_train[i]).backward()
            opt.step()
    assert [e.message_id for e in gw.events] == ["grad.depth"]
    assert gw.events[0].step == 3


@pytest.mark.parametrize("seed", [4, 7, 9])
def test_a_six_layer_sigmoid_mlp_regressing_is_said_though_its_last_layer_soon_fits(
    seed: int,
) -> None:
    """The textbook net on an MSE regression at lr=0.05 starts 27 to 140 times below its line,
    then its last layer fits the targets' mean in 2 to 4 steps and the ratio sits near 1 while
    the loss stays flat: said in 3 draws of 12 (sweep 30)."""
    torch.manual_seed(100 + seed)
    x = torch.randn(128, 8)
    y = torch.sin(x[:, :1]) + x[:, 1:2] ** 2
    torch.manual_seed(seed)
    gw = train(mlp(6, nn.Sigmoid, width=32, din=8), 10, x, y)
    (event,) = gw.events
    assert event.message_id == "grad.depth_first" and event.step <= 4
    assert event.values["layer"] == "0" and event.values["last"] == "10"
    assert event.values["start"] == 1 and event.values["times"] > 10_000
    assert event.values["now"] * 10 <= event.values["last_norm"]
    assert event.message.startswith("at the first step watched (step 1), the first layer, '0'")
    assert "The Sigmoid layers shrink the gradient" in event.message


def test_a_first_ratio_far_below_is_said_only_where_the_last_layers_gradient_fell() -> None:
    """A first layer that catches up (its gradient grows) is no vanishing gradient."""
    net = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))

    def said(steps: list[tuple[float, float]]) -> list[tuple[int, str]]:
        gw = GradientWatch(net)  # patience 3: each run here is 2 steps
        for first, last in steps:
            for layer, value in zip(net[::2], (first, 1e-2, last), strict=True):
                assert isinstance(layer, nn.Linear)
                layer.weight.grad = torch.full_like(layer.weight, value)
                layer.bias.grad = torch.zeros_like(layer.bias)
            gw.step()
        return [(e.step, e.message_id) for e in gw.events]

    assert said([(1e-7, 1.0), (1e-2, 1.0), (1e-2, 1.0)]) == []  # the first layer caught up
    assert said([(1e-3, 1.0), (1e-3, 1e-3), (1e-3, 1e-3)]) == []  # below its line, not 10x
    assert said([(1e-7, 1.0), (1e-4, 1e-2), (1e-4, 1e-2)]) == [(2, "grad.depth_first")]


def test_healthy_nets_say_nothing() -> None:
    torch.manual_seed(0)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    assert train(mlp(6, nn.Tanh), 30, x, y).events == []
    relu = mlp(8, nn.ReLU)
    for m in relu:
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    assert train(relu, 100, x, y, lr=0.01).events == []


def test_a_first_layer_said_to_get_almost_no_gradient_is_not_said_again_as_slower() -> None:
    torch.manual_seed(1)
    x, y = torch.randn(256, 20), torch.randn(256, 2)
    gw = train(mlp(10, nn.Sigmoid, width=32, din=20, dout=2), 30, x, y, lr=0.1)
    about_first = [e.message_id for e in gw.events if e.values["layer"] == "0"]
    assert about_first == ["grad.vanishing_many"]


def test_a_two_layer_net_has_no_first_layers_to_learn_slower() -> None:
    net = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 1))
    gw = GradientWatch(net, patience=1)
    net[0].weight.grad, net[0].bias.grad = torch.full((3, 3), 1e-5), torch.zeros(3)
    net[1].weight.grad, net[1].bias.grad = torch.ones(1, 3), torch.ones(1)
    gw.step()
    assert gw.events == []  # 1e-5 is 1/100,000 of the last: above ratio / 100


# ------------------------------------------------------------------------- 2. dead ReLU units


def relu_net() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)
    )


def test_a_layer_whose_relus_died_is_said_to_have_dead_units_not_sigmoid() -> None:
    net = relu_net()
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    gw = GradientWatch(net)
    for step in range(6):
        if step == 2:  # as after a step too large: the second ReLU outputs 0 for every input
            second = net[2]
            assert isinstance(second, nn.Linear)
            with torch.no_grad():
                second.bias.fill_(-1e3)
        net.zero_grad()
        F.mse_loss(net(x), y).backward()
        gw.step()
    assert [(e.message_id, e.values["layer"], e.step) for e in gw.events] == [
        ("grad.dead", "0", 5),
        ("grad.dead", "2", 5),
    ]
    text = gw.events[0].message
    assert "exactly 0 since step 3" in text and "ReLU units" in text
    assert "sigmoid" not in text and "almost no gradient" not in text


def test_relus_dead_from_the_first_step_are_said_as_exactly_zero_not_almost_none() -> None:
    """Units dead from the start were told "almost no gradient (norm 0, 0 of the largest)" and
    "a poor initialisation": never that no gradient reaches the weights at all (sweep 28)."""
    net = relu_net()
    second = net[2]
    assert isinstance(second, nn.Linear)
    with torch.no_grad():
        second.bias.fill_(-100)  # the second ReLU outputs 0 for every input from the start
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    gw = GradientWatch(net)
    for _ in range(5):
        net.zero_grad()
        F.mse_loss(net(x), y).backward()
        gw.step()
    assert [(e.message_id, e.values["layer"], e.step) for e in gw.events] == [
        ("grad.dead_from_start", "0", 3),
        ("grad.dead_from_start", "2", 3),
    ]
    text = gw.events[0].message
    assert "exactly 0 since its first step" in text and "no gradient reaches" in text
    assert "ReLU units" in text and "output 0 for every example" in text
    assert "LeakyReLU" in text and "almost no gradient" not in text


def test_a_gradient_of_exactly_zero_from_the_start_without_relu_names_what_passes_none() -> None:
    class Rounded(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.ModuleList(nn.Linear(4, 4) for _ in range(3))
            self.head = nn.Linear(4, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            for layer in self.body:
                x = torch.tanh(layer(x))
            return self.head(torch.round(x))  # round passes no gradient back

    torch.manual_seed(0)
    net = Rounded()
    gw = GradientWatch(net, patience=1)
    net(torch.randn(8, 4)).pow(2).mean().backward()
    gw.step()
    (event,) = gw.events
    assert event.message_id == "grad.zero_from_start_many" and event.values["n"] == 3
    assert event.message.startswith("3 layers have had a gradient of exactly 0 since their first")
    assert "round" in event.message and "ReLU" not in event.message


def test_a_relu_net_is_never_told_about_sigmoid() -> None:
    net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
    gw = GradientWatch(net, patience=1)
    net[0].weight.grad, net[0].bias.grad = torch.full((3, 3), 1e-12), torch.zeros(3)
    net[2].weight.grad, net[2].bias.grad = torch.ones(1, 3), torch.ones(1)
    gw.step()
    (event,) = gw.events
    assert event.message_id == "grad.vanishing" and "ReLU-family" in event.message
    assert "sigmoid" not in event.message.lower()


# --------------------------------------------------------- 3. the step a blow-up or NaN starts


def two_layers() -> nn.Sequential:
    return nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))


def set_grads(net: nn.Sequential, first: float, second: float = 1.0) -> None:
    for layer, value in zip(net, (first, second), strict=True):
        assert isinstance(layer, nn.Linear)
        layer.weight.grad = torch.full_like(layer.weight, value)
        layer.bias.grad = torch.zeros_like(layer.bias)


def test_a_nan_gradient_is_said_at_the_step_it_first_appears() -> None:
    net = two_layers()
    gw = GradientWatch(net)  # patience 3
    for value in (1.0, 1.0, float("nan"), float("nan"), float("nan")):
        set_grads(net, value)
        gw.step()
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.nonfinite", 3)]


def test_an_explosion_names_the_step_it_started_and_its_peak() -> None:
    net = two_layers()
    gw = GradientWatch(net)
    for value in (10.0, 10.0, 10.0, 10.0, 1.5e3, 2.5e3, 5e3, 10.0):  # norms 20, then 3e3 to 1e4
        set_grads(net, value)
        gw.step()
    (event,) = gw.events
    assert event.message_id == "grad.exploding_since" and event.step == 7
    assert event.values["start"] == 5 and event.values["peak"] == pytest.approx(1e4)
    assert event.values["typical"] == pytest.approx(20) and event.values["times"] == 150
    assert "above 1000 and at least 150 times its usual 20 since step 5 (up to 1e+04" in (
        event.message
    )


def test_a_short_explosion_far_above_the_limit_is_not_dropped() -> None:
    net = two_layers()
    gw = GradientWatch(net)
    for value in (1.0, 1e7, 1e8, 1.0, 1.0):  # 2 steps: fewer than patience
        set_grads(net, value)
        gw.step()
    assert [(e.message_id, e.step, e.values["layer"]) for e in gw.events] == [
        ("grad.exploding", 2, "0")
    ]


# --------------------------------------------------------------------- 4. the exploding advice


def test_exploding_from_the_first_step_blames_the_initialisation() -> None:
    net = two_layers()
    gw = GradientWatch(net)
    for _ in range(3):
        set_grads(net, 5e9, 5e9)  # norms of 1e10 (sweep 23e: weights drawn with std 1)
        gw.step()
    assert [(e.step, e.values["layer"]) for e in gw.events] == [(1, "0"), (1, "1")]
    for event in gw.events:
        assert "(above 1000)" in event.message
        assert "the likely cause is the initialisation" in event.message
        assert "clip" not in event.message


def test_the_clipping_advice_is_right_for_a_loop_that_clips_already() -> None:
    net = two_layers()
    gw = GradientWatch(net)
    for value in (1.0, 2e3, 2e3, 2e3):
        set_grads(net, value)
        gw.step()
    (event,) = gw.events
    assert "unless the loop clips them already" in event.message
    assert "initialisation" not in event.message


# ----------------------------------------------------- 5. watch.step() reading no gradient


def test_a_watch_step_after_zero_grad_is_said_once_when_it_happens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    net = relu_net()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    gw = GradientWatch(net)
    for _ in range(8):
        F.mse_loss(net(torch.randn(8, 4)), torch.randn(8, 1)).backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
        gw.step()
    (event,) = gw.events
    assert event.message_id == "grad.watch_zero" and event.step == 5
    assert "call it after loss.backward() and before zero_grad()" in event.message
    assert capsys.readouterr().out.count("watch.step() found every gradient exactly zero") == 1


def test_a_watch_step_after_zero_grad_to_none_is_said_too() -> None:
    net = relu_net()
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    gw = GradientWatch(net)
    for _ in range(4):
        F.mse_loss(net(torch.randn(8, 4)), torch.randn(8, 1)).backward()
        opt.step()
        opt.zero_grad()
        gw.step()
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.watch_none", 3)]


def test_a_watch_step_after_a_backward_that_gave_zeros_blames_the_loss_not_the_loop() -> None:
    net = relu_net()
    opt = torch.optim.Adam(net.parameters(), lr=10.0)
    gw = GradientWatch(net)
    x = torch.randn(8, 4)
    for _ in range(6):
        opt.zero_grad()
        out = net(x)
        (out - out.detach()).pow(2).mean().backward()  # a loss that is exactly 0 everywhere
        gw.step()
        opt.step()
    assert [(e.message_id, e.step) for e in gw.events] == [("grad.zero_flat_start", 5)]
    text = gw.events[0].message
    assert text.startswith("watch.step() ran 5 times in a row") and "always 0" in text
    assert "call it after loss.backward()" not in text


def test_an_empty_batch_among_good_steps_says_nothing() -> None:
    net = relu_net()
    gw = GradientWatch(net)
    for n in (8, 0, 8, 0, 8):
        net.zero_grad()
        out = net(torch.randn(n, 4))
        (out.sum() * 0 if n == 0 else F.mse_loss(out, torch.randn(n, 1))).backward()
        gw.step()
    assert gw.events == []


# --------------------------------------------------------------- 6. a layer never called


class _Unused(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first, self.extra, self.out = nn.Linear(3, 4), nn.Linear(4, 4), nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.first(x))  # the student forgot x = self.extra(x)


def test_a_layer_never_called_in_forward_is_named_as_a_cause() -> None:
    net = _Unused()
    gw = GradientWatch(net)
    for _ in range(3):
        net.zero_grad()
        net(torch.randn(8, 3)).pow(2).mean().backward()
        gw.step()
    (event,) = gw.events
    assert event.message_id == "grad.none" and "forward never calls it" in event.message


# ------------------------------------------------------------------------- 7. eval mode


def eval_mode_event(net: nn.Module) -> str:
    net.eval()
    gw = GradientWatch(net, patience=1)
    net(torch.randn(8, 4)).sum().backward()
    gw.step()
    (event,) = gw.events
    return event.message


def test_the_eval_mode_words_name_only_the_modules_there() -> None:
    both = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(), nn.Linear(4, 1))
    text = eval_mode_event(both)
    assert "its BatchNorm1d and Dropout act as at test time" in text
    assert "instead of the batch's and Dropout drops nothing" in text  # in the modules' order
    text = eval_mode_event(nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)))
    assert "its BatchNorm1d acts as" in text and "Dropout" not in text


def test_the_eval_mode_verb_agrees_in_polish() -> None:
    i18n.set_language("pl")
    text = eval_mode_event(nn.Sequential(nn.Linear(4, 4), nn.Dropout(), nn.Linear(4, 1)))
    assert "jego Dropout działa jak podczas testu, więc Dropout niczego nie wyłącza." in text
    assert "BatchNorm" not in text


# ------------------------------------------------------------------ 8. the optimizer argument


def test_the_optimizer_given_by_position_says_to_name_it() -> None:
    net = nn.Linear(2, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(NNGraphError, match=r"optimizer=opt") as info:
        GradientWatch(net, opt)
    assert "\n" not in str(info.value) and "SGD" in str(info.value)
    with pytest.raises(NNGraphError, match=r"GradientWatch\(model, optimizer=opt\)"):
        GradientWatch(opt)
    i18n.set_language("pl")
    with pytest.raises(NNGraphError, match=r"optimizer=opt"):
        GradientWatch(net, opt)


def _steps_with_norms(norms: list[float]) -> GradientWatch:
    """A one-weight layer whose gradient norm is each of ``norms`` in turn."""
    layer = nn.Linear(1, 1, bias=False)
    watch = GradientWatch(layer)
    for norm in norms:
        layer.weight.grad = torch.tensor([[norm]])
        watch.step()
    return watch


def test_a_nan_that_comes_at_once_points_to_the_loss_or_the_data_not_the_learning_rate() -> None:
    """A `log(0)` in the loss after steady norms was told 'training has diverged. Lower the
    learning rate' (sweep 25a), while the monitor's Divergence named a sudden jump."""
    watch = _steps_with_norms([0.5] * 10 + [float("nan")])
    said = [e for e in watch.events if e.message_id == "grad.nonfinite"]
    assert said and said[0].step == 11
    assert "log(0)" in said[0].message and "will not fix" in said[0].message


def test_a_nan_after_growing_norms_is_a_divergence() -> None:
    watch = _steps_with_norms([0.5] * 10 + [5e3, float("nan")])
    said = [e for e in watch.events if e.message_id == "grad.nonfinite"]
    assert said and "has diverged" in said[0].message and "log(0)" not in said[0].message


def test_a_layer_whose_norms_were_all_nan_shows_nan_as_its_lowest_and_highest() -> None:
    """Its row read 'min inf  max -inf' (sweep 25a): numbers that never occurred."""
    row = _steps_with_norms([float("nan")] * 3).table().splitlines()[1]
    assert "inf" not in row and row.split()[1:] == ["nan", "nan", "nan"]


def shrunk_net() -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    """A ReLU net whose weights are all about zero (as a strong weight decay leaves them), with
    a batch of data and labels."""
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 3)
    )
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(1e-4)
    return net, torch.randn(64, 10), torch.randint(0, 3, (64,))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_weights_mostly_about_zero_are_named_as_the_vanishing_gradients_cause(
    language: str,
) -> None:
    """weight_decay=10 left every weight about 1e-7, and the watch said "a poor
    initialisation (use nn.init.kaiming_normal_), a stack too deep" (sweep s33 S, finding 3)."""
    net, x, y = shrunk_net()
    i18n.set_language(language)
    watch = GradientWatch(net, patience=2)
    for _ in range(4):
        net.zero_grad()
        F.cross_entropy(net(x), y).backward()
        watch.step()
    (event,) = watch.events
    said = "a hundredth or less" if language == "en" else "to setna część"
    assert said in event.message and "kaiming" not in event.message
    assert "'0.weight', '2.weight', '4.weight'" in event.message
