"""GradientWatch(optimizer=...) judges steps given a closure (``step(closure)``: LBFGS,
Lightning) once the closure has run: one that returns its loss but never calls
``loss.backward()`` is said, in words of its own; one that returns None (a skipped batch) is not
(README "Not supported yet", sweep 25, helper h9)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import GradientWatch

OPTIMIZERS: dict[str, Callable[[list[nn.Parameter]], torch.optim.Optimizer]] = {
    "LBFGS": lambda params: torch.optim.LBFGS(params, max_iter=3),
    "SGD": lambda params: torch.optim.SGD(params, lr=0.1),
    "Adam": lambda params: torch.optim.Adam(params, lr=0.01),
}


def closure_steps(
    optimizer: str,
    steps: int,
    *,
    backward: Callable[[int], bool] = lambda step: True,
    returns: Callable[[int], bool] = lambda step: True,
    set_to_none: bool = True,
) -> tuple[GradientWatch, nn.Module]:
    """``steps`` of ``opt.step(closure)``; at step ``n`` (from 1) the closure calls
    ``loss.backward()`` if ``backward(n)`` and returns the loss if ``returns(n)``."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = OPTIMIZERS[optimizer](list(net.parameters()))
    watch = GradientWatch(net, optimizer=opt)
    x = torch.randn(16, 4)
    for step in range(1, steps + 1):

        def closure(step: int = step) -> torch.Tensor | None:
            opt.zero_grad(set_to_none=set_to_none)
            loss = F.cross_entropy(net(x), (x[:, 0] > 0).long())
            if backward(step):
                loss.backward()
            return loss if returns(step) else None

        opt.step(closure)
    watch.close()
    return watch, net


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_a_closure_that_never_calls_backward_is_said_once_with_its_cause(optimizer: str) -> None:
    before = [p.detach().clone() for p in closure_steps(optimizer, 0)[1].parameters()]
    watch, net = closure_steps(optimizer, 6, backward=lambda step: False)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    (event,) = watch.events  # at the third step in a row (patience 3), once
    assert (event.message_id, event.step) == ("grad.closure_none", 3)
    assert "optimizer.step(closure) ran 3 times in a row" in event.message
    assert "no parameter had a gradient once its closure had run" in event.message
    assert "The closure must call loss.backward() after optimizer.zero_grad()" in event.message


def test_a_closure_that_keeps_zeros_without_backward_takes_five_steps() -> None:
    # a right first step leaves a .grad that zero_grad(set_to_none=False) then zeroes
    watch, _ = closure_steps("SGD", 9, backward=lambda step: step == 1, set_to_none=False)
    assert [(e.message_id, e.step) for e in watch.events] == [("grad.closure_zero", 6)]
    assert "every gradient was exactly zero once its closure had run" in watch.events[0].message


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_a_closure_whose_loss_is_exactly_0_is_said_so(optimizer: str) -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = OPTIMIZERS[optimizer](list(net.parameters()))
    watch = GradientWatch(net, optimizer=opt)
    x = torch.randn(16, 4)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        logits = net(x) * 1e6  # blown up: cross-entropy rounds to exactly 0
        loss = F.cross_entropy(logits, logits.argmax(1).detach())
        loss.backward()
        return loss

    for _ in range(6):
        assert opt.step(closure).item() == 0.0
    watch.close()
    assert [(e.message_id, e.step) for e in watch.events] == [("grad.zero_flat_start", 5)]
    assert watch.events[0].message.startswith("optimizer.step(closure) ran 5 times in a row")
    assert "rounds to 0" in watch.events[0].message


def test_a_closure_that_calls_backward_again_ends_the_run() -> None:
    watch, _ = closure_steps("LBFGS", 12, backward=lambda step: step in (3, 6))
    # bad: 1-2, 4-5, 7-12: runs of 2 are not said, the third run is at its third step
    assert [(e.message_id, e.step) for e in watch.events] == [("grad.closure_none", 9)]


def test_a_right_closure_says_nothing_and_every_step_is_read() -> None:
    for optimizer in OPTIMIZERS:
        watch, _ = closure_steps(optimizer, 5)
        assert watch.events == [] and watch.steps == 5
        assert len(watch.history("0")[0]) == 5


def test_a_closure_that_returns_none_skips_its_batch_and_is_not_judged() -> None:
    """Lightning's closure for a training_step that returned None: zero_grad, no backward,
    no loss; a run of such skipped batches is no missing backward."""
    watch, _ = closure_steps("SGD", 8, backward=lambda step: False, returns=lambda step: False)
    assert watch.events == [] and watch.steps == 8


def test_the_step_returns_what_the_closure_returned() -> None:
    torch.manual_seed(0)
    net = nn.Linear(2, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    watch = GradientWatch(net, optimizer=opt)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = net(torch.ones(1, 2)).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert isinstance(loss, torch.Tensor) and loss.grad_fn is not None
    watch.close()
    assert opt._optimizer_step_pre_hooks == {} and opt._optimizer_step_post_hooks == {}


def test_the_words_in_polish() -> None:
    i18n.set_language("pl")
    watch, _ = closure_steps("LBFGS", 3, backward=lambda step: False)
    text = watch.events[0].message
    assert "optimizer.step(closure) wykonano 3 razy z rzędu" in text
    assert "Domknięcie musi wywołać loss.backward() po optimizer.zero_grad()" in text
