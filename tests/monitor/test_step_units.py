"""A run that logs per step and never validates prints "step N" lines: its events, their words,
the stop line and the summary said "epoch N" beside them (sweep s47, L2: s14, s24, s29; "krok
300" against "w epoce 300" in Polish). They now use the word of its lines, and the number
logged (a step every 10 batches: step 30, not epoch 3)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nngraph import i18n
from nngraph.monitor import GradientWatch, Monitor
from nngraph.monitor.detectors import Divergence

BLOW_UP = [1.0, 2.0, 30.0, 500.0]  # Divergence(factor=100) fires at the 4th call


def per_step_run(capsys: pytest.CaptureFixture[str], every: int = 1, **kw: object) -> Monitor:
    mon = Monitor(detectors=[Divergence(factor=100)], display="text", print_interval=0, **kw)  # type: ignore[arg-type]
    for i, loss in enumerate(BLOW_UP, 1):
        mon.log(i * every, loss=loss)
    mon.close()
    return mon


@pytest.mark.parametrize(("language", "at"), [("en", "at step {n}"), ("pl", "w kroku {n}")])
def test_a_run_without_validation_says_steps_everywhere(
    capsys: pytest.CaptureFixture[str], language: str, at: str
) -> None:
    i18n.set_language(language)
    try:
        mon = per_step_run(capsys, every=10)
        summary, said = mon.summary(), str(mon.events[0])
    finally:
        i18n.set_language("en")
    printed = capsys.readouterr().out
    (event,) = mon.events
    assert (event.unit, event.epoch) == ("step", 40)
    assert at.format(n=40) in event.message
    assert said.startswith(("step 40:", "krok 40:")[language == "pl"])
    stop = ("stop suggested by Divergence(factor=100) at step 40",
            "Divergence(factor=100) proponuje zatrzymać trening w kroku 40")[language == "pl"]  # fmt: skip
    assert stop in printed
    assert at.format(n=40) + " (" in summary.splitlines()[1]  # "loss 500 at step 40 (lowest 1)"
    assert "epoch" not in printed + summary and "epoce" not in printed + summary


def test_a_run_that_validates_keeps_its_epochs(capsys: pytest.CaptureFixture[str]) -> None:
    mon = Monitor(detectors=[Divergence(factor=100)], display="text", print_interval=0)
    for epoch, loss in enumerate(BLOW_UP, 1):
        mon.log(epoch, loss=loss, val_loss=loss)
    (event,) = mon.events
    assert event.unit == "epoch" and "at epoch 4" in event.message
    assert "at epoch 4" in capsys.readouterr().out


def test_a_run_watching_its_training_loss_counts_epochs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """metric="loss": each call is an epoch and its lines say "epoch N" (as before)."""
    mon = per_step_run(capsys, metric="loss")
    assert capsys.readouterr().out.startswith("epoch")
    assert all(e.unit == "epoch" for e in mon.events) and mon.events


def test_the_watch_and_the_blow_up_say_steps_and_still_meet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """zero_grad() forgotten, logged per step: the watch's finding is stamped with the step
    too, so the not-reset cause still goes in front of the blow-up, in steps."""
    torch.manual_seed(0)
    x = torch.randn(64, 2)
    y = (x[:, 0] > 0).long()
    net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.SGD(net.parameters(), lr=3.0)
    mon = Monitor(model=net, detectors=[Divergence(factor=100)], display=False)
    watch = GradientWatch(net, optimizer=opt, monitor=mon)
    for step in range(1, 200):
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()  # never reset
        opt.step()
        mon.log(step, loss=loss.item())
        if mon.should_stop:
            break
    found, blow_up = watch.events[0], mon.stop_event
    assert found.message_id == "grad.not_reset" and found.unit == "step"
    assert blow_up is not None and blow_up.unit == "step"
    assert blow_up.message.startswith(
        f"Before you change the learning rate: GradientWatch found at step {found.epoch}"
    )
