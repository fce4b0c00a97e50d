"""A forgotten ``optimizer.step()`` under a GradientWatch given ``optimizer=`` and ``monitor=``
(sweep s47, M8): the loss was the same to the last bit every epoch and the watch showed only
"no step recorded yet", with no event."""

from __future__ import annotations

import gc

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import GradientWatch, Monitor


def setup() -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    x = torch.randn(64, 2)
    return net, x, (x[:, 0] > 0).long()


def run(stepped: bool, epochs: int = 6, other_optimizer: bool = False) -> GradientWatch:
    net, x, y = setup()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    mon = Monitor(display=False)
    watch = GradientWatch(net, optimizer=opt, monitor=mon)
    if other_optimizer:  # the optimizer's cell run again after the watch's
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        if stepped:
            opt.step()
        mon.log(epoch, loss=loss.item(), val_loss=loss.item() + 0.1)
    return watch


def test_a_forgotten_step_is_said_once_at_the_third_epoch() -> None:
    watch = run(stepped=False)
    said = [(e.message_id, e.epoch) for e in watch.events]
    assert said == [("grad.never_stepped", 3)]
    assert watch.monitor.events == watch.events
    text = watch.events[0].message
    assert text.startswith("3 epochs were logged and optimizer.step() has not run once")
    assert "Call optimizer.step() after loss.backward()" in text


def test_a_forgotten_step_in_polish() -> None:
    i18n.set_language("pl")
    try:
        watch = run(stepped=False)
    finally:
        i18n.set_language("en")
    assert watch.events[0].message.startswith("Zapisano już 3 epoki, a optimizer.step() nie")


@pytest.mark.parametrize("other_optimizer", [False, True])
def test_a_loop_whose_weights_change_says_nothing(other_optimizer: bool) -> None:
    """Stepped by the watched optimizer, or by one made again after the watch (its table says
    that, not this)."""
    watch = run(stepped=True, other_optimizer=other_optimizer)
    assert watch.events == []


def test_an_evaluation_alone_says_nothing() -> None:
    net, x, y = setup()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(display=False)
    watch = GradientWatch(net, optimizer=opt, monitor=mon)
    for epoch in range(1, 6):
        with torch.no_grad():
            mon.log(epoch, val_loss=F.cross_entropy(net(x), y).item())
    assert watch.events == []


def test_a_forgotten_watch_is_freed_and_the_monitor_goes_on() -> None:
    net, x, y = setup()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(display=False)
    GradientWatch(net, optimizer=opt, monitor=mon).close()
    gc.collect()
    for epoch in range(1, 6):
        F.cross_entropy(net(x), y).backward()
        mon.log(epoch, loss=1.0)
    assert mon.events == []
