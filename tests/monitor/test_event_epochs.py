"""Events carry the monitor's epoch in every logging style (sweep CC, bug 2).

With the default ``Monitor()`` (watching ``val_loss``) and only ``loss`` logged, every event
said "epoch 1" while ``mon.epoch`` counted the calls: the epoch of an event and ``epoch`` used
two rules. Before any validation each call is an epoch; the first validation makes the calls
before it the batches of epoch 1, events included.
"""

from __future__ import annotations

import math

import pytest
import torch

import nngraph as ng
from nngraph.monitor import Monitor, detectors


def quiet(**kwargs: object) -> Monitor:
    return Monitor(display=False, **kwargs)  # type: ignore[arg-type]


def loss_at(epoch: int, blow_up: int) -> float:
    return 1e4 if epoch == blow_up else 1 / epoch


@pytest.mark.parametrize("metric", [None, "val_loss", "loss"])
def test_a_run_that_logs_only_its_loss_stamps_each_call_as_an_epoch(
    metric: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    mon = Monitor(display="text", print_interval=0, metric=metric)
    for epoch in range(1, 11):
        mon.log(epoch, loss=loss_at(epoch, 8))
    assert mon.epoch == 10
    assert ("divergence", 8, 8) in [(e.kind, e.step, e.epoch) for e in mon.events]
    assert {e.epoch for e in mon.events} == {8}  # with metric="loss", Patience's too
    assert mon.stop_event is not None and mon.stop_event.epoch == 8
    # the word of its text lines: "step 8" where they count steps (no validation, val_loss
    # watched; sweep s47, L2), "epoch 8" where each call is an epoch (metric="loss")
    word = "epoch" if metric == "loss" else "step"
    assert f"\n  {word} 8: training loss is 1e+04 at {word} 8" in mon.summary()
    out = capsys.readouterr().out
    assert f"stop suggested by Divergence(factor=100) at {word} 8" in out
    assert any(line.split()[:2] == [word, "8"] for line in out.splitlines()), out


def test_a_gradient_watch_on_a_run_without_validation_says_its_epoch() -> None:
    """The README's loop: ``ng.Monitor(model=net)``, a watch, and only the training loss."""
    torch.manual_seed(0)
    net = torch.nn.Linear(1, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = Monitor(model=net, display=False)
    watch = ng.GradientWatch(net, optimizer=opt, monitor=mon, exploding=10, patience=1)
    x = torch.linspace(-1, 1, 20).unsqueeze(1)
    for epoch in range(1, 11):
        opt.zero_grad()
        loss = ((net(x) - 2 * x) ** 2).mean() * (1e4 if epoch == 8 else 1)
        loss.backward()
        opt.step()
        mon.log(epoch, loss=loss.item())
    assert mon.epoch == 10
    assert {(e.detector, e.epoch) for e in mon.events} == {
        ("GradientWatch", 8),
        ("Divergence(factor=100)", 8),
    }
    assert [e.epoch for e in watch.events] == [8]
    view = ng.LossView(mon)
    assert {e["epoch"] for e in view.full_snapshot()["runs"][""]["events"]} == {8}
    view.close()
    watch.close()


def test_request_stop_in_a_run_without_validation_names_its_epoch() -> None:
    mon = quiet()
    for epoch in range(1, 6):
        mon.log(epoch, loss=1 / epoch)
    event = mon.request_stop()  # in the word of its lines, "step 5" (sweep s47, L2)
    assert event.epoch == 5 and event.message == "stop requested at step 5"


def test_events_before_the_first_validation_keep_the_epoch_they_were_stamped_with() -> None:
    """Global batch steps, a validation each epoch: before the first validation each call
    counts as an epoch (the monitor cannot yet tell batches from epochs). Its events keep that
    number, in their words too; the points logged then become epoch 1."""
    mon = quiet()
    watch = _exploding_watch(mon)
    step = 0
    for epoch in range(1, 4):
        for _ in range(10):
            step += 1
            if step == 5:
                watch.record("layer", 1e6)
            mon.log(step, loss=math.inf if step in (5, 25) else 1.0)
            if step == 7 and epoch == 1:
                mon.request_stop()
        mon.log(step, val_loss=1.0 / epoch)
        assert mon.epoch == epoch
    got = [(e.detector, e.step, e.epoch) for e in mon.events]
    assert got == [
        ("GradientWatch", 5, 5),
        ("Divergence(factor=100)", 5.0, 5),
        ("user", 7.0, 7),
        ("Divergence(factor=100)", 25.0, 3),
    ]
    # before the first validation its lines said "step 5": so do these (sweep s47, L2)
    assert "training loss became inf at step 5" in mon.events[1].message
    assert mon.events[2].message == "stop requested at step 7"
    assert mon.events[3].message.count("at step 25 (epoch 3)") == 1
    assert mon.stop_event is mon.events[1]
    assert mon.series["loss"].epochs.tolist() == [1] * 10 + [2] * 10 + [3] * 10


def test_positional_epochs_with_validation_in_each_call() -> None:
    mon = quiet()
    for epoch in range(1, 9):
        mon.log(epoch, loss=math.nan if epoch == 6 else 1 / epoch, val_loss=1 / epoch)
    assert [(e.kind, e.epoch) for e in mon.events] == [("divergence", 6)]


def test_epoch_numbers_given_with_epoch_are_the_events_epochs() -> None:
    mon = quiet()
    for epoch in range(0, 9):
        mon.log(epoch=epoch, loss=math.nan if epoch == 6 else 1 / (epoch + 1))
    assert [(e.kind, e.epoch) for e in mon.events] == [("divergence", 6)]


def test_a_run_that_logs_only_its_validation_counts_validations() -> None:
    mon = quiet(detectors=[detectors.Divergence(metrics="val_loss")])
    for epoch in range(1, 9):
        mon.log(epoch, val_loss=math.inf if epoch == 4 else 1 / epoch)
    assert [(e.kind, e.epoch) for e in mon.events] == [("divergence", 4)]


class _Watch:
    """The part of a GradientWatch a monitor sees: events stamped with the epoch in progress."""

    def __init__(self, mon: Monitor) -> None:
        self.mon = mon
        self.events: list[detectors.Event] = []

    def record(self, layer: str, norm: float) -> None:
        event = detectors.Event(
            step=self.mon._calls + 1,
            epoch=self.mon._epoch_in_progress(),
            detector="GradientWatch",
            kind="gradient",
            message_id="grad.exploding",
            message=f"layer {layer!r} has a gradient norm of {norm}",
            stop=False,
        )
        self.events.append(event)
        self.mon.add_event(event)


def _exploding_watch(mon: Monitor) -> _Watch:
    return _Watch(mon)


def test_the_batches_before_the_first_validation_are_one_epoch_of_many_points() -> None:
    mon = quiet()
    for step in range(1, 11):
        mon.log(step, loss=1 / step)
    assert not mon.series["loss"].epoch_repeated  # so far: one point per epoch, as it seems
    mon.log(10, val_loss=0.5)
    loss = mon.series["loss"]
    assert loss.epochs.tolist() == [1] * 10 and loss.epoch_repeated  # no best epoch of its own


def test_an_event_added_from_elsewhere_is_printed_with_its_epoch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A GradientWatch's event comes mid-epoch, before that epoch's own line: in a script it
    was printed as "  ! ..." under the previous epoch's line, which it does not belong to."""
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    mon = Monitor(display="text", print_interval=0)
    watch = ng.GradientWatch(net, monitor=mon, exploding=1.0, patience=1)
    mon.log(1, loss=0.5)
    net(torch.full((4, 2), 1e4)).sum().backward()  # norms far above the limit of 1.0
    watch.step()
    mon.log(2, loss=0.4)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    said = [line for line in lines if line.startswith("  ! ")]
    # its lines count steps (no validation): "step 2" as theirs (sweep s47, L2)
    assert said and all(line.startswith("  ! step 2: ") for line in said), lines


@pytest.mark.parametrize("start", [0, 1])
def test_an_epoch_loops_events_say_its_own_epoch_numbers(start: int) -> None:
    """``for epoch in range(12)``: GL's event sat at step 5 and said "epoch 6", best "at epoch
    5" (the loop's epoch 4); ``range(1, 13)`` was right and stays so."""
    mon = quiet(detectors=[detectors.GL(5)])
    for epoch in range(start, start + 12):
        k = epoch - start
        mon.log(epoch, loss=1 / (k + 1), val_loss=0.5 + abs(k - 4) / 10)
    (event,) = mon.events
    assert (event.epoch, event.step) == (start + 5, start + 5)
    assert f"(0.5 at epoch {start + 4})" in event.message
    assert f"epoch {start + 5}: validation loss is 20.0% above" in mon.summary()
    assert mon.stop_event is not None and mon.stop_event.epoch == start + 5


@pytest.mark.parametrize("metric", [None, "loss"])
@pytest.mark.parametrize("start", [0, 1])
def test_a_loop_logging_only_its_loss_stamps_its_events_with_its_own_numbers(
    start: int, metric: str | None
) -> None:
    mon = quiet(metric=metric)
    for epoch in range(start, start + 8):
        mon.log(epoch, loss=math.nan if epoch == start + 6 else 1 / (epoch + 1))
    events = [(e.kind, e.epoch, e.step) for e in mon.events if e.kind == "divergence"]
    assert events == [("divergence", start + 6, start + 6)]
    assert mon.epoch == start + 7 and mon.epoch_count == 8


def test_a_batch_loop_from_0_validated_later_counts_its_epochs_from_1() -> None:
    """Before the first validation a call at step 60 is said as epoch 60 (it cannot be told
    from an epoch); the validation after the batches ends epoch 1."""
    mon = quiet()
    for step in range(100):  # for step, batch in enumerate(loader)
        mon.log(step, loss=math.inf if step == 60 else 1.0)
    mon.log(99, val_loss=1.0)
    assert [(e.kind, e.epoch, e.step) for e in mon.events] == [("divergence", 60, 60)]
    assert mon.epoch == mon.epoch_count == 1
    assert set(mon.series["loss"].epochs.tolist()) == {1}


def test_an_event_from_elsewhere_in_a_zero_based_loop_has_the_epoch_in_progress() -> None:
    mon = quiet(detectors=[])
    watch = _exploding_watch(mon)
    for epoch in range(3):
        mon.log(epoch, loss=1 / (epoch + 1), val_loss=1 / (epoch + 1))
    watch.record("0", 1e9)  # during the loop's epoch 3
    mon.log(3, loss=0.2, val_loss=0.2)
    assert [e.epoch for e in watch.events] == [3] and mon.epoch == 3


def _blow_up(net: torch.nn.Module, watch: ng.GradientWatch) -> None:
    """One batch whose gradient norms are far above the watch's limit of 1.0."""
    net(torch.full((4, 2), 1e4)).sum().backward()
    watch.step()
    net.zero_grad()


@pytest.mark.parametrize("start", [0, 1])
def test_a_gradient_watch_finding_before_the_first_log_is_in_the_loops_first_epoch(
    start: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """``for epoch in range(3)`` with a GradientWatch finding in the first batches, before the
    first ``log()``: it was stamped "epoch 1" (the epoch in progress, before the monitor knew
    the run counts from 0), printed as "! epoch 1:" above the "epoch 0" line, and kept epoch 1
    in ``events`` and ``summary()``. ``range(1, 4)`` said epoch 1 and still does."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    mon = Monitor(display="text", print_interval=0, detectors=[])
    watch = ng.GradientWatch(net, monitor=mon, exploding=1.0, patience=1)
    for epoch in range(start, start + 3):
        if epoch == start:
            _blow_up(net, watch)
        mon.log(epoch, loss=1 / (epoch + 1), val_loss=1 / (epoch + 1))
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    said = [line for line in lines if line.startswith("  ! ")]
    assert said and lines[: len(said)] == said, lines  # before the first epoch's line
    assert lines[len(said)].startswith(f"epoch    {start}  "), lines
    assert not any(line.startswith("  ! epoch ") for line in said)  # not known when printed
    assert {e.epoch for e in watch.events} == {start}
    assert [e.epoch for e in mon.events] == [start] * len(said)
    told = mon.summary().splitlines()[-len(said) :]
    assert all(line.startswith(f"  epoch {start}: ") for line in told), told
    watch.close()


def test_an_event_before_the_first_log_of_a_resumed_run_is_in_its_first_epoch() -> None:
    """A run resumed at epoch 6 (``epoch=``): a finding before its first ``log()`` said
    "epoch 1"."""
    mon = quiet(detectors=[])
    watch = _exploding_watch(mon)
    watch.record("0", 1e9)
    mon.log(epoch=6, loss=0.5, val_loss=0.5)
    assert [e.epoch for e in mon.events] == [e.epoch for e in watch.events] == [6]


def test_a_stop_requested_before_the_first_log_keeps_its_epoch_and_words() -> None:
    """Only an event stamped with the epoch in progress waits for the first ``log()``: a stop
    requested before it says its epoch in its message, which must go on agreeing."""
    mon = quiet(detectors=[])
    event = mon.request_stop()
    mon.log(1, loss=0.5, val_loss=0.5)
    assert (event.epoch, event.message) == (0, "stop requested at epoch 0")
