"""GradientWatch and a forgotten ``optimizer.zero_grad()``: the gradients of every step added
to those of the steps before (nngraph/monitor/_gradreset.py)."""

from __future__ import annotations

import contextlib
import io

import pytest
import torch

from nngraph.monitor import GradientWatch


def train(reset: str, steps: int = 30, micro_batches: int = 1) -> GradientWatch:
    """The lecture's 2-16-2 net trained by SGD with a watch on its optimizer; ``reset``: how
    the loop resets the gradients between steps ("none": it forgets to)."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    watch = GradientWatch(net, optimizer=opt)
    x, y = torch.randn(64, 2), torch.randint(0, 2, (64,))
    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(steps):
            if reset == "zero_grad()":
                opt.zero_grad()
            elif reset == "zero_grad(set_to_none=False)":
                opt.zero_grad(set_to_none=False)
            elif reset in ("p.grad.zero_()", "p.grad.data.zero_()"):
                for p in net.parameters():
                    if p.grad is not None:
                        (p.grad.data if "data" in reset else p.grad).zero_()
            for part in x.chunk(micro_batches):
                torch.nn.functional.cross_entropy(net(part), y[: len(part)]).backward()
            opt.step()
    watch.close()
    return watch


def test_a_loop_that_forgets_zero_grad_is_told_once() -> None:
    """Sweep s41 (teach, finding 2): the lecture's own "find the bug" loop. The norms grew
    about 11x and the watch said nothing; the monitor's only advice was a smaller learning
    rate."""
    watch = train("none")
    said = [e for e in watch.events if e.message_id == "grad.not_reset"]
    assert len(said) == 1 and said[0].step == 4  # the 4th step completes a run of 3
    assert "Call optimizer.zero_grad() before each loss.backward()" in said[0].message
    assert said[0].values["now"] >= 1.5 * said[0].values["first"]


@pytest.mark.parametrize(
    "reset",
    ["zero_grad()", "zero_grad(set_to_none=False)", "p.grad.zero_()", "p.grad.data.zero_()"],
)
@pytest.mark.parametrize("micro_batches", [1, 4])
def test_loops_that_reset_the_gradients_are_not_told(reset: str, micro_batches: int) -> None:
    watch = train(reset, micro_batches=micro_batches)
    assert not [e for e in watch.events if e.message_id == "grad.not_reset"]
