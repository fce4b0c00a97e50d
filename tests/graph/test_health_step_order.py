"""`zero_grad()` between `loss.backward()` and `optimizer.step()`: the step gets no gradients
and changes nothing. A recorded training step in that order is one `reset_before_step`
finding, told first; every correct order, and a step that resets some gradients on purpose,
is not (left open last stop: health() said "Findings: none")."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from nngraph.i18n import set_language

Step = Callable[[nn.Module, torch.optim.Optimizer, torch.Tensor], None]


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.randn(32, 4), torch.randint(0, 3, (32,))


def _recorded(step: Step, steps: int = 1) -> list[dict]:
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = _batch()
    with ng.record(model) as rec:
        for _ in range(steps):
            step(model, opt, F.cross_entropy(model(x), y))
    return rec.graph.health()


def _reset_between(model: nn.Module, opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    loss.backward()
    opt.zero_grad()
    opt.step()


def _kinds(found: list[dict]) -> list[str]:
    return [f["kind"] for f in found]


def test_zero_grad_between_backward_and_step_is_told_first() -> None:
    found = _recorded(_reset_between)
    assert _kinds(found) == ["reset_before_step"]
    text = found[0]["message"]
    assert "zero_grad() ran between loss.backward() and optimizer.step()" in text
    assert "0.weight.grad" in text and "optimizer.zero_grad(), loss.backward()" in text


def test_a_recorded_loop_in_that_order_is_told_once() -> None:
    assert _kinds(_recorded(_reset_between, steps=3)) == ["reset_before_step"]


def test_model_zero_grad_in_that_place_is_told_too() -> None:
    def step(model: nn.Module, opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        loss.backward()
        model.zero_grad()
        opt.step()

    assert _kinds(_recorded(step)) == ["reset_before_step"]


def test_it_is_in_the_summary_and_in_polish() -> None:
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = _batch()
    with ng.record(model) as rec:
        _reset_between(model, opt, F.cross_entropy(model(x), y))
    assert "zero_grad() ran between loss.backward()" in rec.graph.summary()
    set_language("pl")
    try:
        assert "zero_grad() wywołano między loss.backward()" in rec.graph.health()[0]["message"]
    finally:
        set_language("en")


def _before_backward(model: nn.Module, opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    opt.zero_grad()
    loss.backward()
    opt.step()


def _after_step(model: nn.Module, opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    loss.backward()
    opt.step()
    opt.zero_grad()


def _one_layer_left_out(model: nn.Module, opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    loss.backward()
    for p in model[0].parameters():  # kept as it is this step, on purpose
        p.grad = None
    opt.step()
    opt.zero_grad()


@pytest.mark.parametrize("step", [_before_backward, _after_step, _one_layer_left_out])
def test_correct_orders_are_not_told(step: Step) -> None:
    assert "reset_before_step" not in _kinds(_recorded(step, steps=2))


def test_a_closure_that_resets_before_its_backward_is_not_told() -> None:
    model = _model()
    opt = torch.optim.LBFGS(model.parameters(), max_iter=3)
    x, y = _batch()

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        return loss

    with ng.record(model) as rec:
        for _ in range(2):
            opt.step(closure)
    assert "reset_before_step" not in _kinds(rec.graph.health())


def test_a_gans_two_optimizers_in_the_usual_order_are_not_told() -> None:
    torch.manual_seed(0)
    generator, critic = nn.Linear(2, 4), nn.Linear(4, 1)
    opt_g = torch.optim.Adam(generator.parameters())
    opt_d = torch.optim.Adam(critic.parameters())
    real, z = torch.randn(8, 4), torch.randn(8, 2)
    with ng.record() as rec:
        opt_d.zero_grad()
        (critic(generator(z).detach()).mean() - critic(real).mean()).backward()
        opt_d.step()
        opt_g.zero_grad()
        (-critic(generator(z)).mean()).backward()
        opt_g.step()
    assert "reset_before_step" not in _kinds(rec.graph.health())
