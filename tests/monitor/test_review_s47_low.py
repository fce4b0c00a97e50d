"""Two small items of the s47 review: L3, a stop's cause prefix that called weights shrunk by
a weight decay far too strong "the gradient vanishes before it reaches the first layers"; L9,
the summary of a run whose NLLLoss on raw scores fell to -29 offered to restore that "best"."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph.monitor import Event, GradientWatch, Monitor, detectors
from nngraph.monitor._cause_aside import watch_cause_first
from tests.monitor.test_gradwatch_findings import shrunk_net


def shrunk_watch() -> GradientWatch:
    """Weights about zero (as weight_decay=1 leaves them): a vanishing gradient, said."""
    net, x, y = shrunk_net()
    watch = GradientWatch(net, patience=2)
    for _ in range(4):
        net.zero_grad()
        F.cross_entropy(net(x), y).backward()
        watch.step()
    return watch


def stop(epoch: int = 30) -> Event:
    return Event(step=epoch, epoch=epoch, detector="Patience(20)", kind="plateau",
                 message_id="patience.never_improved", stop=True,
                 message="Not learning. If the loop is right, call resume().")  # fmt: skip


def test_a_stop_after_shrunk_weights_names_weight_decay_not_a_vanishing_gradient() -> None:
    (found,) = shrunk_watch().events
    assert found.values["shrunk"] is True
    found = Event(**{**found.__dict__, "unit": "epoch"})  # as a watch given monitor= stamps it
    said = watch_cause_first(stop(), [found]).message
    assert "weight_decay far too strong" in said
    assert "before it reaches the first layers" not in said


def test_a_stop_after_a_vanishing_gradient_in_normal_weights_still_says_so() -> None:
    found = Event(step=3, epoch=3, detector="GradientWatch", kind="gradient",
                  message_id="grad.vanishing", message="...", stop=False,
                  values={"layer": "0", "shrunk": False})  # fmt: skip
    said = watch_cause_first(stop(), [found]).message
    assert "the gradient vanishes before it reaches the first layers" in said


def nll_on_raw_scores(epochs: int = 60) -> Monitor:
    """NLLLoss given raw scores: both losses fall below 0 without bound (review s47, c4)."""
    torch.manual_seed(0)
    x = torch.randn(90, 4)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()
    net = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 3))
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    mon = Monitor(model=net, display=False, detectors=[detectors.Patience(10)])
    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        loss = F.nll_loss(net(x), y)
        loss.backward()
        opt.step()
        with torch.no_grad():
            val = F.nll_loss(net(x + 0.05), y).item()
        mon.log(epoch, loss=loss.item(), val_loss=val)
    return mon


def test_the_summary_offers_no_restore_of_a_broken_losss_best(one_thread: None) -> None:
    with pytest.warns(UserWarning, match="fell below 0 and keeps falling"):
        mon = nll_on_raw_scores()
    assert mon._negative.said and mon.best is not None and mon.best.value < -1
    summary = mon.summary()
    assert "restore_best()" in summary and "puts those weights back" not in summary
    assert "only the most negative value of a loss that falls below 0 without bound" in summary


def test_a_loss_below_0_that_levels_off_keeps_its_restore_line() -> None:
    """A Gaussian NLL may be below 0: the monitor says nothing, and its best is a best."""
    mon = Monitor(model=nn.Linear(1, 1), display=False)
    for epoch in range(1, 30):
        mon.log(epoch, loss=-1.0 - 1 / epoch, val_loss=-0.5 - 1 / epoch)
    assert "puts those weights back" in mon.summary()
