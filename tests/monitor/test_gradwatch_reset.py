"""GradientWatch and a forgotten ``optimizer.zero_grad()``: the gradients of every step added
to those of the steps before (nngraph/monitor/_gradreset.py)."""

from __future__ import annotations

import contextlib
import io

import pytest
import torch

from nngraph import i18n
from nngraph.monitor import GradientWatch, Monitor
from nngraph.monitor._gradevent import gradient_event


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


#: Sweep s45 (mistakes, repro 9): a 20-64-5 MLP, SGD 0.01 with momentum 0.9, zero_grad()
#: forgotten; the same loop with it trains to a validation loss of 0.204.
NOT_RESET_RUN = [(0.844, 0.4532), (2.1915, 5.1259), (19.6182, 29.5213), (138.3522, 229.7335)]


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("watched", [True, False])
def test_blow_up_advice_names_the_forgotten_zero_grad_the_watch_found_first(
    language: str, watched: bool
) -> None:
    """Sweep s45 (mistakes, finding 9): GradientWatch, given the monitor, told the forgotten
    zero_grad() at epoch 1; then GL said "training has become unstable ... try a smaller
    learning rate" and Divergence "Lower the learning rate" on the same monitor, though the
    learning rate was the healthy twin's. Their words now start with the cause the watch found
    (its event reaches the monitor through add_event, as a watch with monitor= sends it); a
    monitor without it keeps their words as they were."""
    i18n.set_language(language)
    mon = Monitor(display=False)
    if watched:
        fields = {"steps": 3, "first": 1.82, "now": 5.68}
        found = gradient_event("", "grad.not_reset", fields, step=3, epoch=1, unit="epoch")
        mon.add_event(found)
    for epoch, (loss, val_loss) in enumerate(NOT_RESET_RUN, 1):
        mon.log(epoch, loss=loss, val_loss=val_loss)
    told = [e for e in mon.events if e.detector != "GradientWatch"]
    assert [e.detector.split("(")[0] for e in told] == ["GL", "Divergence"], told
    first = {"en": "Before you change the learning rate: GradientWatch found at epoch 1",
             "pl": "Zanim zmienisz współczynnik uczenia: GradientWatch zauważył w epoce 1"}  # fmt: skip
    # said in full once: the later event refers back to GL's (review s47, L2)
    gl, divergence = told
    assert gl.message.startswith(first[language]) is watched, gl.message
    assert ("optimizer.zero_grad() przed" in gl.message) is (watched and language == "pl")
    assert ("optimizer.zero_grad() before" in gl.message) is (watched and language == "en")
    again = {"en": f"As said at epoch {gl.epoch}: the gradients are not reset",
             "pl": f"Jak powiedziano w epoce {gl.epoch}: gradienty nie są zerowane"}  # fmt: skip
    assert divergence.message.startswith(again[language]) is watched, divergence.message
    assert not divergence.message.startswith(first[language])
