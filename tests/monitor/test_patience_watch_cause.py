"""Patience's stop on a model that is not learning names what GradientWatch found already in
the run, in front, and no longer suggests resume() (sweep s47, M1: dead ReLU units that "do not
recover on their own", then "call resume() to give it more epochs")."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import GradientWatch, Monitor


def moons_like() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    x = torch.randn(200, 2)
    return x, (x[:, 0] * x[:, 1] > 0).long()


def train(net: nn.Module, *, dead: bool, watched: bool = True, epochs: int = 60) -> Monitor:
    x, y = moons_like()
    if dead:
        with torch.no_grad():
            net[0].bias.fill_(-50.0)  # every ReLU unit below 0 for every input
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(model=net, display=False)
    if watched:
        GradientWatch(net, optimizer=opt, monitor=mon)
    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        loss = F.cross_entropy(net(x[:150]), y[:150])
        loss.backward()
        opt.step()
        with torch.no_grad():
            val = F.cross_entropy(net(x[150:]), y[150:]).item()
        mon.log(epoch, loss=loss.item(), val_loss=val)
        if mon.should_stop:
            break
    return mon


def net() -> nn.Sequential:
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 2))


def test_a_not_learning_stop_names_the_watch_finding_and_drops_resume() -> None:
    mon = train(net(), dead=True)
    watch = [e for e in mon.events if e.detector == "GradientWatch"]
    stop = mon.stop_event
    assert watch and stop is not None and stop.message_id.startswith("patience.")
    text = stop.message
    at = f"GradientWatch found at epoch {watch[0].epoch} that a layer gets no gradient at all"
    assert text.startswith("Before you call resume() or change the learning rate: " + at)
    assert "What the curves show: validation loss" in text
    assert text.count("resume()") == 1  # only in front: no sentence suggests it


def test_the_same_stop_without_a_watch_keeps_its_words() -> None:
    mon = train(net(), dead=True, watched=False)
    stop = mon.stop_event
    assert stop is not None and not stop.message.startswith("Before you")


def test_in_polish() -> None:
    i18n.set_language("pl")
    try:
        mon = train(net(), dead=True)
    finally:
        i18n.set_language("en")
    assert mon.stop_event is not None
    text = mon.stop_event.message
    assert text.startswith("Zanim wywołasz resume() albo zmienisz współczynnik uczenia:")
    assert ", że do jednej z warstw nie dociera żaden gradient" in text


def test_a_healthy_run_is_not_touched() -> None:
    mon = train(net(), dead=False)
    assert not any(e.message.startswith("Before you") for e in mon.events)
