"""``Monitor(model=...)`` alone on a loop whose weights never change (sweep s48): a forgotten
``optimizer.step()``, an optimizer over another model's parameters, a learning rate of 0. The
loss was flat and Patience said, 20 epochs later, only "not learning ... call resume()"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import GradientWatch, Monitor, detectors

SAID = "unchanged.weights"


def data() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    x = torch.randn(64, 2)
    return x, (x[:, 0] > 0).long()


def net() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))


def train(
    model: nn.Module,
    opt: torch.optim.Optimizer,
    *,
    stepped: bool = True,
    epochs: int = 6,
    mon: Monitor | None = None,
    trained: nn.Module | None = None,
    first: int = 1,
) -> Monitor:
    """Full-batch epochs of ``trained`` (default ``model``), logged to a monitor of ``model``."""
    x, y = data()
    trained = model if trained is None else trained
    mon = Monitor(model=model, display=False) if mon is None else mon
    for epoch in range(first, first + epochs):
        opt.zero_grad()
        loss = F.cross_entropy(trained(x), y)
        loss.backward()
        if stepped:
            opt.step()
        with torch.no_grad():
            val = F.cross_entropy(trained(x + 0.1), y).item()
        mon.log(epoch, loss=loss.item(), val_loss=val)
        if mon.should_stop:
            break
    return mon


def said(mon: Monitor) -> list[tuple[str, int]]:
    return [(e.message_id, e.epoch) for e in mon.events if e.message_id != "patience.never"]


def test_a_forgotten_step_is_said_once_at_the_third_epoch() -> None:
    model = net()
    mon = train(model, torch.optim.Adam(model.parameters(), lr=0.01), stepped=False)
    assert said(mon) == [(SAID, 3)]
    text = mon.events[0].message
    assert text.startswith("The model's weights have not changed at all since epoch 1")
    for check in ("optimizer.step() is called after loss.backward()", "model.parameters()",
                  "learning rate is not 0", "torch.no_grad()"):  # fmt: skip
        assert check in text
    assert mon.events[0].detector == "Monitor" and not mon.events[0].stop


def test_in_polish() -> None:
    i18n.set_language("pl")
    try:
        model = net()
        mon = train(model, torch.optim.SGD(model.parameters(), lr=0.1), stepped=False)
    finally:
        i18n.set_language("en")
    assert mon.events[0].message.startswith("Wagi modelu nie zmieniły się wcale od epoki 1")


@pytest.mark.parametrize(
    "make",
    [
        lambda m: torch.optim.SGD(m.parameters(), lr=0.0),
        lambda m: torch.optim.Adam(m.parameters(), lr=0.0),
        lambda m: torch.optim.SGD(net().parameters(), lr=0.1),  # another model's parameters
    ],
    ids=["sgd_lr_0", "adam_lr_0", "other_parameters"],
)
def test_weights_that_a_step_leaves_alone_are_said(
    make: Callable[[nn.Module], torch.optim.Optimizer],
) -> None:
    model = net()
    assert said(train(model, make(model))) == [(SAID, 3)]


@pytest.mark.parametrize("optimizer", [torch.optim.SGD, torch.optim.Adam])
def test_a_loop_that_trains_says_nothing(optimizer: type[torch.optim.Optimizer]) -> None:
    model = net()
    mon = train(model, optimizer(model.parameters(), lr=0.01), epochs=10)
    assert mon.events == []
    assert mon._unchanged.done  # checked once, then no more


def test_per_batch_logs_with_gradient_accumulation_say_nothing() -> None:
    """No validation: each call counts as an epoch, and four of them share one step."""
    x, y = data()
    model = net()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    mon = Monitor(model=model, display=False)
    for batch in range(1, 25):
        (F.cross_entropy(model(x[batch % 4 :: 4]), y[batch % 4 :: 4]) / 4).backward()
        if batch % 4 == 0:
            opt.step()
            opt.zero_grad()
        mon.log(batch, loss=float(batch % 3))
    assert mon.events == []


def test_evaluating_a_frozen_model_says_nothing() -> None:
    """Only evaluation metrics: a model evaluated on purpose, not trained."""
    x, y = data()
    model = net()
    mon = Monitor(model=model, display=False)
    for epoch in range(1, 8):
        with torch.no_grad():
            out = model(x)
        mon.log(epoch, val_loss=F.cross_entropy(out, y).item(), test_acc=0.5)
    assert mon.events == []


def test_another_model_trained_says_nothing_here() -> None:
    """The model's cell run again after the monitor's: the loss falls, the watched model's
    weights stay (that is said when restore_best() is called)."""
    watched, trained = net(), net()
    mon = train(watched, torch.optim.Adam(trained.parameters(), lr=0.05), trained=trained)
    assert SAID not in [e.message_id for e in mon.events]


def test_not_said_again_after_gradient_watch_said_it() -> None:
    model = net()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    mon = Monitor(model=model, display=False)
    GradientWatch(model, optimizer=opt, monitor=mon)
    mon = train(model, opt, stepped=False, mon=mon)
    assert said(mon) == [("grad.never_stepped", 3)]


def test_a_new_model_is_checked_afresh() -> None:
    first, second = net(), net()
    mon = train(first, torch.optim.SGD(first.parameters(), lr=0.1), epochs=3)
    mon.model = second
    x, y = data()
    for epoch in range(4, 8):
        mon.log(epoch, loss=F.cross_entropy(second(x), y).item(), val_loss=1.0)
    assert [(e.epoch, e.message_id) for e in mon.events if e.message_id == SAID] == [(6, SAID)]


def test_patience_names_it_instead_of_resume(one_thread: None) -> None:
    model = net()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    mon = Monitor(model=model, display=False, detectors=[detectors.Patience(5)])
    mon = train(model, opt, stepped=False, epochs=30, mon=mon)
    stop = mon.stop_event
    assert stop is not None and stop.epoch == 6
    assert stop.message.startswith(
        "Before you call resume() or change the learning rate: the monitor found at epoch 3"
        " that the model's weights have not changed at all"
    )
    assert "call resume() to give it more epochs" not in stop.message


def test_numbers_typed_by_hand_say_nothing() -> None:
    """A loss that moves while the weights do not is not this model's: typed by hand."""
    mon = Monitor(model=net(), display=False)
    for epoch, (loss, val) in enumerate([(1.0, 1.0), (0.5, 0.6), (0.3, 0.7), (0.2, 0.8)], 1):
        mon.log(epoch, loss=loss, val_loss=val)
    assert SAID not in [e.message_id for e in mon.events]


def test_a_watch_made_after_the_monitor_said_it_does_not_say_it_again() -> None:
    model = net()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    mon = train(model, opt, stepped=False, epochs=3)
    watch = GradientWatch(model, optimizer=opt, monitor=mon)
    mon = train(model, opt, stepped=False, epochs=6, mon=mon, first=4)
    assert watch._never_stepped.done  # it would have said it at epoch 6
    assert watch.events == [] and said(mon) == [(SAID, 3)]


@pytest.mark.parametrize("stepped", [False, True])
def test_per_batch_logs_are_judged_by_the_epochs_validation_ends(stepped: bool) -> None:
    """Before the first validation each call counted as an epoch: those are batches, so the
    third epoch is the third validation's, not the third batch's (nor the fifth call's)."""
    x, y = data()
    model = net()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    mon = Monitor(model=model, display=False)
    step = 0
    for _ in range(6):
        for batch in range(4):
            step += 1
            opt.zero_grad()
            loss = F.cross_entropy(model(x[batch::4]), y[batch::4])
            loss.backward()
            if stepped:
                opt.step()
            mon.log(step, loss=loss.item())
        with torch.no_grad():
            mon.log(step, val_loss=F.cross_entropy(model(x), y).item())
    assert said(mon) == ([] if stepped else [(SAID, 3)])


def test_not_said_after_gradient_watch_said_its_steps_change_nothing() -> None:
    """The model's cell run again after the optimizer's (s47 s38): the watch says its steps
    have no gradient; the monitor does not say the weights' side of it again."""
    model = net()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    mon = Monitor(model=model, display=False)
    GradientWatch(model, optimizer=opt, monitor=mon)
    trained = net()
    mon = train(trained, opt, mon=mon, trained=trained)
    assert [mid for mid, _ in said(mon)] == ["grad.step_unreached"]


def test_a_loss_that_gives_no_gradient_is_not_blamed_on_the_loop() -> None:
    """Cross-entropy over one output is always 0 (s47 s25): the steps run, with nothing to
    apply; asking whether optimizer.step() is called would mislead."""
    x, y = data()
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    mon = Monitor(model=model, display=False)
    for epoch in range(1, 6):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y.float().unsqueeze(1))
        loss.backward()
        opt.step()
        mon.log(epoch, loss=loss.item(), val_loss=loss.item() + 0.1)
    assert mon.events == []
