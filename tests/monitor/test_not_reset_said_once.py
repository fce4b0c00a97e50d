"""The GradientWatch finding that the gradients are not reset (no ``optimizer.zero_grad()``) is
said in full once a run: GL's event put it in front of its words, and Patience's stop later in
the same run said it all again (review s47, L2; student script s02_no_zero_grad.py). The later
event now refers back to the epoch that said it."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from nngraph import datasets, i18n
from nngraph.monitor import Event, GradientWatch, Monitor
from nngraph.monitor._cause_aside import not_reset_first

FULL = "GradientWatch found at epoch"  # the long form, in front of GL's event


def no_zero_grad_run() -> Monitor:
    """s02_no_zero_grad.py without its prints: SGD on moons, zero_grad() forgotten."""
    torch.manual_seed(0)
    data = datasets.moons()
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(2):  # the script's recorded steps: the gradients already summed twice
        F.cross_entropy(model(data.x_train), data.y_train).backward()
        opt.step()
    mon = Monitor(model=model, display=False)
    GradientWatch(model, optimizer=opt, monitor=mon)
    for epoch in range(1, 201):
        loss = F.cross_entropy(model(data.x_train), data.y_train)
        loss.backward()
        opt.step()
        with torch.no_grad():
            val = F.cross_entropy(model(data.x_val), data.y_val).item()
        mon.log(epoch, loss=loss.item(), val_loss=val)
        if mon.should_stop:
            break
    return mon


def test_the_stop_refers_back_to_the_event_that_said_it() -> None:
    mon = no_zero_grad_run()
    told = [e for e in mon.events if e.detector != "GradientWatch" and FULL in e.message]
    assert len(told) == 1, [e.message for e in mon.events]
    stop = mon.stop_event
    assert (
        stop is not None and stop.message_id.startswith("patience.") and stop.epoch > told[0].epoch
    )
    assert stop.message.startswith(f"As said at epoch {told[0].epoch}: the gradients are not reset")
    assert "What the curves show: validation loss has not improved" in stop.message
    assert "resume()" not in stop.message  # the not-learning stop still drops it


def test_in_polish() -> None:
    i18n.set_language("pl")
    try:
        mon = no_zero_grad_run()
    finally:
        i18n.set_language("en")
    told = [e for e in mon.events if e.detector != "GradientWatch" and "GradientWatch" in e.message]
    assert len(told) == 1
    assert mon.stop_event is not None
    assert mon.stop_event.message.startswith(f"Jak powiedziano w epoce {told[0].epoch}: gradienty")


def _event(epoch: int, message_id: str, message: str, detector: str = "GL(5)") -> Event:
    return Event(step=epoch, epoch=epoch, detector=detector, kind="overfitting",
                 message_id=message_id, message=message)  # fmt: skip


WATCH = Event(step=3, epoch=3, detector="GradientWatch", kind="gradient",
              message_id="grad.not_reset", message="...", stop=False)  # fmt: skip


def test_a_second_blow_up_reading_refers_back_too() -> None:
    first = not_reset_first(_event(8, "gl.unstable", "training has become unstable."), [WATCH])
    assert first.message.startswith("Before you change the learning rate: " + FULL + " 3")
    again = not_reset_first(_event(12, "gl.unstable", "still unstable."), [WATCH, first])
    assert again.message == (
        "As said at epoch 8: the gradients are not reset between steps (no"
        " optimizer.zero_grad()), fix that first. What the curves show: still unstable."
    )


def test_said_only_by_the_watch_itself_it_is_said_in_full() -> None:
    """The watch's own event is no reading that told the cause in front of the curves."""
    said = not_reset_first(_event(8, "gl.unstable", "unstable."), [WATCH, WATCH])
    assert said.message.startswith("Before you change the learning rate: " + FULL)
