"""The text view of a monitor: a run that never validates still shows where it ended."""

from __future__ import annotations

import math
import types
import weakref

import pytest

from nngraph.monitor import Monitor, _text


def test_close_prints_the_last_step_of_a_run_that_only_logs_its_loss(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It printed nothing at all, though close() says it prints the last held-back line
    (sweep O leftovers)."""
    mon = Monitor(display="text", detectors=[])
    for step in (1, 2, 3):
        mon.log(step, loss=1 / step)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "step     3  loss 0.3333" and lines.count(lines[-1]) == 1
    mon.close()  # once
    assert capsys.readouterr().out == ""


def test_an_epoch_line_replaces_the_held_step_line(capsys: pytest.CaptureFixture[str]) -> None:
    mon = Monitor(display="text", detectors=[])
    mon.log(1, loss=1.0)
    mon.log(2, loss=0.5)
    mon.log(3, loss=0.25, val_loss=0.3)  # the first validation: an epoch line
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].startswith("epoch    1  loss ")
    assert not any(line.startswith("step") for line in lines[lines.index(lines[-1]) :])


def test_the_new_best_mark_stands_next_to_the_metric_the_monitor_watches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """After the loss pair it read as "best loss" on an epoch where the loss got worse (sweep
    T)."""
    acc = Monitor(metric="val_acc", display="text", print_interval=0, detectors=[])
    acc.log(1, val_acc=0.8, loss=0.5, val_loss=1.0)
    loss = Monitor(display="text", print_interval=0, detectors=[])
    loss.log(1, loss=0.5, val_loss=1.0, acc=0.7, val_acc=0.8)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "epoch    1  val_acc 0.8 *  loss 0.5 / val 1",
        "epoch    1  loss 0.5 / val 1 *  acc 0.7 / val 0.8",
    ]


def epoch_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("epoch")]


@pytest.mark.parametrize("numbering", ["step", "epoch="])
def test_a_loop_that_validates_first_shows_each_epochs_own_training_loss(
    capsys: pytest.CaptureFixture[str], numbering: str
) -> None:
    """Its line showed the previous epoch's training loss next to this epoch's validation."""
    mon = Monitor(display="text", print_interval=0, detectors=[])
    for epoch in (1, 2, 3):
        at = {"epoch": epoch} if numbering == "epoch=" else {"step": epoch}
        mon.log(**at, val_loss=1 / epoch + 0.1)
        mon.log(**at, loss=1 / epoch)
    mon.close()
    assert epoch_lines(capsys.readouterr().out) == [
        "epoch    1  val_loss 1.1 *",  # printed before the loop showed its order
        "epoch    2  loss 0.5 / val 0.6 *",
        "epoch    3  loss 0.3333 / val 0.4333 *",
    ]


def test_reading_should_stop_prints_the_complete_line_then_its_events(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from nngraph.detectors import Patience

    mon = Monitor(display="text", print_interval=0, detectors=[Patience(2)])
    printed = []
    for epoch, val in enumerate([1.0, 0.8, 0.9, 0.95], start=1):
        mon.log(epoch, val_loss=val)
        mon.log(epoch, loss=1 / epoch)
        stop = mon.should_stop
        printed.append(capsys.readouterr().out.splitlines())
    assert stop
    assert printed[2] == ["epoch    3  loss 0.3333 / val 0.9"]  # at the read, not an epoch late
    assert printed[3][0] == "epoch    4  loss 0.25 / val 0.95"
    assert printed[3][1].startswith("  ! validation loss has not improved for 2 epochs")
    assert printed[3][2] == "  -> stop suggested by Patience(2) at epoch 4"


def test_a_metric_logged_after_validation_joins_its_epochs_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(display="text", print_interval=0, detectors=[])
    for epoch in (1, 2, 3):
        mon.log(epoch, loss=1 / epoch)
        mon.log(epoch, val_loss=1 / epoch + 0.1)
        mon.log(epoch, lr=0.1 / epoch)
    mon.close()
    assert epoch_lines(capsys.readouterr().out)[1:] == [
        "epoch    2  loss 0.5 / val 0.6 *  lr 0.05",
        "epoch    3  loss 0.3333 / val 0.4333 *  lr 0.03333",
    ]


def test_a_global_step_shared_by_validation_and_the_next_batch_keeps_each_epochs_mean(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(display="text", print_interval=0, detectors=[])
    step = 0
    for epoch in (1, 2, 3):
        for batch in range(3):
            step += 1
            mon.log(step, loss=1 / epoch + batch / 100)
        mon.log(step + 1, val_loss=1 / epoch + 0.1)  # the step the next batch logs at
    mon.close()
    assert epoch_lines(capsys.readouterr().out) == [
        "epoch    1  loss 1.01 / val 1.1 *",
        "epoch    2  loss 0.51 / val 0.6 *",
        "epoch    3  loss 0.3433 / val 0.4333 *",
    ]


def test_two_validations_in_one_epoch_number_never_mark_the_later_worse_one_best(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Sweep 21d §6: under val_check_interval the rate limit merged the two validations of one
    shown epoch, and the line showed the later, worse value with the earlier one's new-best
    mark: "epoch 2  loss 0.7 / val 0.75 *", the best being 0.6."""
    mon = Monitor(display="text", print_interval=60, detectors=[])
    mon.log(epoch=1.0, loss=0.9, val_loss=0.8)  # the first line is printed
    mon.log(epoch=1.5, val_loss=0.6)  # a new best in epoch 2, held back by the rate limit
    mon.log(epoch=2.0, loss=0.7, val_loss=0.75)  # worse, in the same epoch 2
    mon.close()
    assert epoch_lines(capsys.readouterr().out) == [
        "epoch    1  loss 0.9 / val 0.8 *",
        "epoch    2  loss 0.7 / val 0.75",
    ]
    mon = Monitor(display="text", print_interval=60, detectors=[])
    mon.log(epoch=1, loss=0.9, val_loss=0.8)
    mon.log(epoch=2, loss=0.7, val_loss=0.6)
    mon.log(epoch=2, val_acc=0.9)  # another metric of the same validation joins its line
    mon.close()
    assert (
        epoch_lines(capsys.readouterr().out)[1] == "epoch    2  loss 0.7 / val 0.6 *  val_acc 0.9"
    )


def five_epochs_without_validation(numbering: str, **options: object) -> Monitor:
    mon = Monitor(display="text", **options)  # type: ignore[arg-type]
    for epoch in range(1, 6):
        at = {"epoch": epoch} if numbering == "epoch=" else {"step": epoch}
        mon.log(**at, loss=1 / epoch)
    mon.close()
    return mon


@pytest.mark.parametrize(("numbering", "label"), [("step", "step"), ("epoch=", "epoch")])
def test_a_run_without_validation_prints_each_epoch_once_under_one_label(
    capsys: pytest.CaptureFixture[str], numbering: str, label: str
) -> None:
    """With print_interval=0 it printed only "step 5" at close(), and with epoch= "step 5"
    then "epoch 5": the last epoch twice, under two labels (sweep s3)."""
    five_epochs_without_validation(numbering, print_interval=0, detectors=[])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [[label, str(n)] for n in range(1, 6)]
    assert lines[-1].endswith(" 5  loss 0.2")


@pytest.mark.parametrize("numbering", ["step", "epoch="])
def test_a_run_without_validation_gets_its_first_and_last_line_under_the_rate_limit(
    capsys: pytest.CaptureFixture[str], numbering: str
) -> None:
    five_epochs_without_validation(numbering, print_interval=3600, detectors=[])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1", "5"]


def test_an_event_before_any_validation_comes_after_the_line_of_its_call(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(display="text", print_interval=3600)
    for step in range(1, 6):
        mon.log(step, loss=math.nan if step == 4 else 1 / step)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines[:2]] == [["step", "1"], ["step", "4"]]
    assert lines[2].startswith("  ! ") and lines[3].startswith("  -> stop suggested")
    mon.close()
    assert capsys.readouterr().out.splitlines() == ["step     5  loss 0.2"]


def test_the_calls_before_a_validation_wait_a_second_for_it() -> None:
    """The lines of the calls before a run's first validation, by the clock given: printed
    once a later call comes a second after them, dropped by a validation before that (the
    batches of its epoch)."""
    from nngraph.monitor._early_lines import EarlyLines

    early = EarlyLines(lambda label, means: f"{label} {means['loss']:g}")

    def add(step: int, now: float) -> list[str]:
        return early.add(f"{step}", f"step {step}", {"loss": step}, now, interval=0.0)

    assert add(1, 0.0) == [] and add(2, 0.5) == []
    assert add(3, 1.2) == ["step 1 1"]  # a second after step 1, no validation came
    assert early.drop(1.3, ["3"]) == []  # step 2 waited 0.8 s: a batch of the validated epoch
    assert early.flush() == [] and not early.waiting
    assert add(4, 1.5) == [] and add(5, 3.0) == ["step 4 4"]  # a second after it
    assert early.step_ended() == ["step 5 5"]  # slow: complete once the loop reads should_stop
    assert add(6, 3.1) == [] and early.step_ended() == []  # fast: it may be a batch


class Clock:
    """A clock for the text view (``time.monotonic``) that moves only when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


@pytest.mark.parametrize("reads_should_stop", [False, True])
def test_a_slow_epoch_without_validation_shows_each_call_of_its_step_once(
    reads_should_stop: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each epoch trained longer than a second, then logged its loss and, in a second call at
    the same step, a training accuracy: the step's line was printed at the loss, and the
    accuracy never shown (5420756)."""
    expected = ["step     1  loss 1  acc 0.6", "step     2  loss 0.5  acc 0.7"]
    expected += ["step     3  loss 0.3333  acc 0.8"]
    clock = Clock()
    monkeypatch.setattr(_text, "time", types.SimpleNamespace(monotonic=clock.monotonic))
    mon = Monitor(display="text", print_interval=0, detectors=[])
    for epoch in range(1, 4):
        clock.now += 1.1  # training
        mon.log(epoch, loss=1 / epoch)
        mon.log(epoch, acc=0.5 + epoch / 10)
        if reads_should_stop:  # the step has ended: its line is printed at once
            assert not mon.should_stop
            assert capsys.readouterr().out.splitlines() == [expected[epoch - 1]]
    mon.close()
    printed = capsys.readouterr().out.splitlines()
    assert printed == ([] if reads_should_stop else expected)


def test_every_line_of_a_fast_run_without_validation_is_printed_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With print_interval=0, 1500 epochs logged within a second printed 1001 lines: at most
    1000 waited for a validation, and the older ones were dropped (5420756)."""
    mon = Monitor(display="text", print_interval=0, detectors=[])
    for epoch in range(1500):
        mon.log(epoch, loss=1 / (epoch + 1))
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert [int(line.split()[1]) for line in lines] == list(range(1500))


# ------------------------------------------------------------- the last epoch's line in a script


def train_in_a_function(name: str | None = None, read: str = "") -> int:
    """A student's `def train(lr)`: ten fast epochs, nothing closed; `read`: what it reads
    after the loop."""
    mon = Monitor(display="text", print_interval=3600, detectors=[], name=name)
    for epoch in range(1, 11):
        mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
    if read == "best":
        return mon.best.epoch
    if read == "history":
        return len(mon.history("val_loss")[0])
    if read == "events":
        return len(mon.events)
    return len(mon.summary()) if read == "summary" else 0


def train_and_forget(name: str) -> weakref.ref[Monitor]:
    """`train_in_a_function`, returning a weak reference to its monitor (in a cycle: its
    listeners refer back to it, so only the cycle collector frees it)."""
    mon = Monitor(display="text", print_interval=3600, detectors=[], name=name)
    for epoch in range(1, 11):
        mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
    return weakref.ref(mon)


def test_a_collected_monitors_last_line_comes_at_the_end_in_the_order_of_the_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Sweep s29 r2, finding 1: a finalizer printed it whenever the cycle collector ran, in
    the middle of a later run of a sweep (and in each forked DataLoader worker). Its printer
    is kept (not the monitor), and prints once the cell or the script ends."""
    import gc

    from nngraph.monitor import _held

    runs = [train_and_forget("lr=0.1"), train_and_forget("lr=0.01")]
    gc.collect()
    assert [run() for run in runs] == [None, None]  # the printer keeps no monitor alive
    assert capsys.readouterr().out.splitlines() == [
        "[lr=0.1] epoch    1  loss 1 / val 1.1 *",
        "[lr=0.01] epoch    1  loss 1 / val 1.1 *",
    ]
    _held.flush_all()  # the end of the cell, or of the script
    assert capsys.readouterr().out.splitlines() == [
        "[lr=0.1] epoch   10  loss 0.1 / val 0.2 *",
        "[lr=0.01] epoch   10  loss 0.1 / val 0.2 *",
    ]
    assert not _held._held  # released once printed
    _held.flush_all()
    assert capsys.readouterr().out == ""


FORK_SCRIPT = """
import os, sys
import nngraph as ng
mon = ng.Monitor(display="text", print_interval=3600, detectors=[])
for epoch in range(1, 6):
    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
if os.fork() == 0:
    sys.exit(0)  # a child that exits as a script does: its atexit functions run
os.wait()
print("parent done")
"""


def test_a_forked_child_does_not_print_the_line_its_parent_holds(tmp_path: object) -> None:
    """Sweep s29 r2, finding 1: a forked child printed its copy of the parent's held line."""
    import subprocess
    import sys

    path = f"{tmp_path}/fork.py"
    with open(path, "w", encoding="utf-8") as f:
        f.write(FORK_SCRIPT)
    out = subprocess.run(
        [sys.executable, path], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out == [
        "epoch    1  loss 1 / val 1.1 *",
        "parent done",
        "epoch    5  loss 0.2 / val 0.3 *",
    ]


@pytest.mark.parametrize("read", ["best", "history", "events", "summary"])
@pytest.mark.parametrize("name", ["lr=0.1", None])
def test_reading_the_results_after_the_loop_prints_the_last_line_first(
    capsys: pytest.CaptureFixture[str], read: str, name: str | None
) -> None:
    """It came after the script's own print of the result, at exit (sweep s29c)."""
    print("result", train_in_a_function(name, read))
    label = "" if name is None else f"[{name}] "
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [
        label + "epoch    1  loss 1 / val 1.1 *",
        label + "epoch   10  loss 0.1 / val 0.2 *",
    ]
    assert len(lines) == 3 and lines[2].startswith("result ")


def test_a_loop_that_reads_best_every_epoch_keeps_its_pace_and_restore_best_ends_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Reading best inside the loop (to save a checkpoint) prints no throttled line."""
    import torch

    model = torch.nn.Linear(2, 1)
    mon = Monitor(model=model, display="text", print_interval=3600, detectors=[])
    for epoch in range(1, 11):
        mon.log(epoch, loss=1 / epoch, val_loss=abs(epoch - 7) / 10 + 0.1)
        if mon.best is not None and mon.best.epoch == epoch:
            print("saved", epoch)
    print("best", mon.best.epoch)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines if line.startswith("epoch")] == [["epoch", "1"]]
    mon.restore_best(model)
    print("restored")
    assert capsys.readouterr().out.splitlines() == [
        "epoch   10  loss 0.1 / val 0.4",
        "restored",
    ]


@pytest.mark.parametrize("read", ["best", "records", "summary", "repr"])
def test_the_last_epoch_held_back_for_its_training_loss_is_printed_with_its_event(
    capsys: pytest.CaptureFixture[str], read: str
) -> None:
    """Sweep s29 r3: a loop that validates first, then once more after the loop, read its
    results: the last epoch's line came, but Patience's stop at that epoch was never judged,
    so never printed (nothing calls close() in such a script). Its row is open (a training
    loss may still join it), so the read prints nothing (sweep s29 r2, finding 2): the stop
    judged at the read follows the line at the end of the script."""
    from nngraph.monitor._held import flush_all
    from nngraph.monitor.detectors import Patience

    mon = Monitor(display="text", print_interval=3600, detectors=[Patience(2)])
    for epoch, (train, val) in enumerate([(1.0, 1.0), (0.8, 0.8), (0.6, 0.7), (0.5, 0.75)], 1):
        mon.log(epoch, val_loss=val)
        mon.log(epoch, loss=train)
    mon.log(5, val_loss=0.8)
    reads = {"best": lambda: mon.best, "records": mon.records, "summary": mon.summary}
    reads.get(read, lambda: repr(mon))()
    print("read", read)
    assert capsys.readouterr().out.splitlines() == ["epoch    1  val_loss 1 *", f"read {read}"]
    flush_all()  # the end of the script
    assert capsys.readouterr().out.splitlines() == [
        "epoch    5  val_loss 0.8",
        "  ! validation loss has not improved for 2 epochs (best 0.7 at epoch 3): more "
        "training is unlikely to help.",
        "  -> stop suggested by Patience(2) at epoch 5",
    ]


def test_a_loop_validating_first_then_logging_batches_shows_each_epochs_mean(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Sweep s29 r4, R2: Patience's event at the first batch of epoch 4 printed the line then,
    with that batch's loss (0.6) for the epoch's mean (0.4)."""
    from nngraph.monitor.detectors import Patience

    mon = Monitor(display="text", print_interval=0, detectors=[Patience(2)])
    for epoch, (train, val) in enumerate([(1.0, 0.7), (0.8, 0.6), (0.6, 0.65), (0.4, 0.66)], 1):
        mon.log(epoch=epoch, val_loss=val)
        for share in (1.5, 0.5, 1.0):
            mon.log(epoch=epoch, loss=train * share)
        if mon.should_stop:
            print("stopping at", epoch)
    lines = capsys.readouterr().out.splitlines()
    assert lines[3:] == [
        "epoch    4  loss 0.4 / val 0.66",
        "  ! validation loss has not improved for 2 epochs (best 0.6 at epoch 2): more "
        "training is unlikely to help.",
        "  -> stop suggested by Patience(2) at epoch 4",
        "stopping at 4",
    ]


@pytest.mark.parametrize("interval", [0, 3600])
def test_reading_best_between_validation_and_training_loss_keeps_the_line_whole(
    capsys: pytest.CaptureFixture[str], interval: float
) -> None:
    """Sweep s29 r2, finding 2: a loop that validates first and reads mon.best right after
    it every 5th epoch (to save a checkpoint) got 'epoch 5  val_loss 0.2 *', and the
    training loss of epoch 5 never came."""
    mon = Monitor(display="text", print_interval=interval, detectors=[])
    for epoch in range(1, 9):
        mon.log(epoch, val_loss=1 / epoch)
        if epoch % 5 == 0 and mon.best.epoch == epoch:
            print("saved", epoch)
        mon.log(epoch, loss=0.9 / epoch)
    print("best", mon.best.epoch)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    epochs = [line for line in lines if line.startswith("epoch")]
    assert all(line.split()[2] == "loss" for line in epochs[1:])  # none without it
    assert "epoch    8  loss 0.1125 / val 0.125 *" in lines
    if interval == 0:
        assert lines[lines.index("saved 5") + 1] == "epoch    5  loss 0.18 / val 0.2 *"
    else:
        assert lines == ["epoch    1  val_loss 1 *", "saved 5", epochs[-1], "best 8"]


def test_a_run_without_validation_shows_its_lines_before_what_the_script_prints_after_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Sweep s41 (curves, finding 4): the lecture's first loop (no validation set) read
    `best` and printed `summary()` after its last epoch, and its epoch lines came after them,
    at the end of the script."""
    mon = Monitor(display="text")
    for epoch in range(1, 6):
        mon.log(epoch=epoch, loss=1 / epoch)
    _ = mon.best
    print("--- loop over")
    out = capsys.readouterr().out
    assert (
        out.index("epoch    1  loss 1") < out.index("epoch    5  loss 0.2") < out.index("--- loop")
    )
    mon.close()
    assert "epoch" not in capsys.readouterr().out  # printed once


@pytest.mark.parametrize("as_tensor", [False, True])
def test_a_loss_of_minus_0_is_shown_as_0(as_tensor: bool) -> None:
    """Sweep s47, L3: cross-entropy over one class gives -0.0, shown as "-0" in Patience's
    reading and the summary ("best val_loss -0 at epoch 1")."""
    import torch

    mon = Monitor(display=False)
    for epoch in range(1, 25):
        zero = torch.tensor(-0.0) if as_tensor else -0.0
        mon.log(epoch, loss=zero, val_loss=zero)
    said = mon.summary() + " ".join(e.message for e in mon.events)
    assert mon.events and "-0" not in said
    assert math.copysign(1.0, float(mon.history("val_loss")[1][0])) == 1.0
