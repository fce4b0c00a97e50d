"""Epoch numbers: counted from validation calls, or the user's own ``epoch=`` numbers."""

from __future__ import annotations

import math
import re
import warnings

import pytest
import torch

import nngraph as ng
from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor, Runs, detectors


def quiet(**kwargs: object) -> Monitor:
    return Monitor(display=False, **kwargs)  # type: ignore[arg-type]


def test_divergence_before_the_first_validation_is_stamped_as_epoch_said_then() -> None:
    # per-batch steps: before any validation a call cannot be told from an epoch, as in a run
    # that logs only its training loss (where epoch 61 is right)
    mon = quiet()
    for step in range(1, 101):
        mon.log(step, loss=math.inf if step == 61 else 1.0)
        if step == 61:
            assert mon.epoch == 61
    mon.log(100, val_loss=1.0)
    assert [(e.kind, e.epoch, e.step) for e in mon.events] == [("divergence", 61, 61)]
    assert mon.stop_event is not None and mon.stop_event.epoch == 61


def test_a_run_without_validation_that_watches_a_training_metric_counts_calls() -> None:
    mon = quiet(metric="loss")
    for epoch in range(1, 8):
        mon.log(epoch, loss=math.nan if epoch == 7 else 1 / epoch)
    assert [e.epoch for e in mon.events] == [7] and mon.best.epoch == 6  # type: ignore[union-attr]


def every_fifth_epoch_validated(**kwargs: object) -> Monitor:
    mon = Monitor(**{"display": False, **kwargs})  # type: ignore[arg-type]
    val = iter([1.0, 0.8, 0.7, 0.75, 0.8, 0.9])
    for epoch in range(1, 31):
        extra = {"val_loss": next(val)} if epoch % 5 == 0 else {}
        mon.log(epoch=epoch, loss=1 / epoch, **extra)
    return mon


def test_a_watched_training_metric_logged_per_batch_is_said_once_to_count_batches() -> None:
    """Patience stopped a healthy run at batch 51 of 3000, judging every batch (sweep 18)."""
    mon = Monitor(metric="loss", display=False)
    with pytest.warns(UserWarning, match="logged more than once in epoch 1") as caught:
        for batch in range(1, 31):
            mon.log(epoch=(batch - 1) // 10 + 1, loss=1 / batch)
    assert len(caught) == 1 and "mon.log(epoch=epoch, loss=epoch_mean)" in str(caught[0].message)
    per_epoch = Monitor(metric="loss", display=False)  # once per epoch, then other metrics
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(1, 5):
            per_epoch.log(epoch=epoch, loss=1 / epoch)
            per_epoch.log(epoch=epoch, val_loss=1 / epoch)  # its own call: validating
            per_epoch.log(epoch=epoch, acc=0.5)


def test_epoch_numbers_given_with_epoch_are_the_ones_shown() -> None:
    mon = every_fifth_epoch_validated(detectors=[detectors.GL(5)])
    assert mon.epoch == 30
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (15, 15)
    assert [e.epoch for e in mon.events] == [20]
    assert "at epoch 15 (step 15)" in mon.summary() and "epoch 20: " in mon.summary()
    assert mon.snapshot()["epoch"] == 30 and mon.snapshot()["best"]["epoch"] == 15
    assert "30 epochs" in repr(mon)
    runs = Runs(display=False)
    runs.add(mon)
    (row,) = runs.rows()
    assert (row["epochs"], row["best_epoch"]) == (30, 15)


def test_epoch_numbers_given_with_epoch_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    every_fifth_epoch_validated(display="text", print_interval=0.0, detectors=[])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["5", "10", "15", "20", "25", "30"]


def test_a_line_shows_its_own_epochs_training_loss_and_the_last_epoch_is_printed_at_close(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Validation every second epoch (Lightning's check_val_every_n_epoch=2): the line of
    epoch 2 showed the mean of epochs 1 and 2, and epoch 5, after the last validation, never
    came (sweep L)."""
    mon = Monitor(display="text", print_interval=0.0, detectors=[])
    for epoch in range(1, 6):
        for batch in range(2):
            mon.log(epoch=epoch, loss=epoch + batch / 10)
        if epoch % 2 == 0:
            mon.log(epoch=epoch, val_loss=1 / epoch)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "epoch    2  loss 2.05 / val 0.5 *",
        "epoch    4  loss 4.05 / val 0.25 *",
        "epoch    5  loss 5.05",
    ]


def test_calls_without_epoch_after_one_with_it_continue_its_numbers() -> None:
    mon = quiet(detectors=[detectors.Divergence()])
    mon.log(epoch=10, loss=0.5, val_loss=0.5)  # resuming at epoch 10
    mon.log(step=101, loss=0.4)  # a batch of epoch 11
    assert mon.epoch == 10
    mon.log(step=102, loss=math.inf)
    mon.log(step=102, val_loss=0.3)
    assert [e.epoch for e in mon.events] == [11]
    assert mon.epoch == 11 and mon.best is not None and mon.best.epoch == 11


def five_detectors() -> list[detectors.Detector]:
    return [
        detectors.Patience(2),
        detectors.GL(5, stop=False),
        detectors.PQ(0.5, k=2, stop=False),
        detectors.UP(1, k=1, stop=False),
        detectors.Gap(0.5, patience=2),
    ]


def test_explanations_speak_of_the_users_epochs_while_detectors_count_validations() -> None:
    val_losses = [1.0, 0.5, 0.6, 0.7, 0.8, 0.9]
    given = quiet(detectors=five_detectors())  # epochs 11..40, validated every 5 (Lightning's
    val = iter(val_losses)  # check_val_every_n_epoch=5 after a resumed run)
    for epoch in range(11, 41):
        extra = {"val_loss": next(val)} if epoch % 5 == 0 else {}
        given.log(epoch=epoch, loss=1 / epoch, **extra)
    counted = quiet(detectors=five_detectors())
    for i, v in enumerate(val_losses, 1):
        counted.log(i, loss=1 / (5 * i + 10), val_loss=v)
    # the same decisions at the same validations: only the numbers in the words differ
    assert [e.detector for e in given.events] == [e.detector for e in counted.events]
    assert [e.epoch for e in counted.events] == [2, 3, 3, 4, 6]
    assert [e.epoch for e in given.events] == [20, 25, 25, 30, 40]
    assert given.best is not None and given.best.epoch == 20
    said = {e.kind if e.kind == "gap" else e.detector[:2]: e.message for e in given.events}
    assert "for 10 epochs:" in said["gap"]  # epochs 11 to 20
    assert (
        "(0.5 at epoch 20)" in said["GL"]
        and "(0.04 in epoch 25, down from 0.05 in epoch 20)" in said["GL"]  # one value each
    )
    assert "1 strip of 5 epochs" in said["UP"] and "Best: 0.5 at epoch 20." in said["UP"]
    assert "not improved for 10 epochs (best 0.5 at epoch 20)" in said["Pa"]
    assert "over the last 10 epochs" in said["PQ"]
    by_count = {e.detector[:2]: e.message for e in counted.events}
    assert "(0.5 at epoch 2)" in by_count["GL"] and "last epoch, down" in by_count["GL"]


# ----------------------------------------------------------------------------- one row per step


def test_a_second_validation_call_at_the_same_step_stays_in_its_epoch() -> None:
    mon = quiet()  # losses in one call, accuracies in the next: one epoch, as in records()
    for epoch in range(1, 41):
        mon.log(epoch, loss=1 / epoch, val_loss=0.5 + ((epoch - 15) / 30) ** 2)
        mon.log(epoch, acc=1 - 1 / epoch, val_acc=0.8 - ((epoch - 15) / 60) ** 2)
        if mon.should_stop:
            break
    assert mon.epoch == epoch == 35 and len(mon.records()) == 35
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (15, 15)
    assert mon.stop_event is not None and mon.stop_event.epoch == 35
    assert mon.history("val_acc")[0].tolist() == [float(e) for e in range(1, 36)]


def test_a_validation_logged_again_at_its_step_stays_in_its_epoch_with_one_warning() -> None:
    mon = quiet(detectors=[])  # a validation cell run twice: every point is kept, as in records()
    mon.log(1, val_loss=0.5)
    with pytest.warns(UserWarning) as caught:
        mon.log(1, val_loss=0.5)
        mon.log(1, val_loss=0.5)
    (warning,) = [str(w.message) for w in caught]  # once
    assert "val_loss was logged for step 1 already, with the same value: did you run the cell" in (
        warning
    )
    assert "epoch 1" in warning and "mon.log(2, ...)" in warning
    assert mon.epoch == 1 and mon.best is not None and mon.best.epoch == 1
    assert mon.history("val_loss")[1].tolist() == [0.5, 0.5, 0.5]
    mon.log(2, val_loss=0.3)  # the next epoch is 2, not 4
    assert mon.epoch == 2 and mon.best.epoch == 2


@pytest.mark.parametrize("epoch_given", [False, True])
def test_a_validation_logged_per_batch_is_told_to_log_the_mean_and_only_its_first_counts(
    epoch_given: bool,
) -> None:
    # sweep 22f F1: `for batch in val_loader: mon.log(epoch, val_loss=...)` was asked whether
    # the cell ran again, and a later, better batch became the best; sweep s40 (helper
    # curves): under `epoch=` each batch was a validation in silence, and Patience(3) stopped
    # in epoch 1. There it stays a validation (validating several times an epoch is allowed),
    # and the back-to-back values are said once.
    mon = quiet(detectors=[detectors.Patience(1)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in (1, 2):
            mon.log(epoch=epoch, loss=1 / epoch) if epoch_given else mon.log(epoch, loss=1 / epoch)
            for batch_loss in (0.55 - 0.05 * epoch, 0.9, 0.2):
                if epoch_given:
                    mon.log(epoch=epoch, val_loss=batch_loss)
                else:
                    mon.log(epoch, val_loss=batch_loss)
    said = [str(w.message) for w in caught if "per validation batch" in str(w.message)]
    assert mon.epoch == 2 and mon.best is not None and len(said) == 1
    if epoch_given:
        assert "right after its last value" in said[0] and mon.best.value == 0.2
    else:
        assert "Log its mean over the whole validation set" in said[0]
        assert mon.best.epoch == 2 and mon.best.value == pytest.approx(0.45)  # not the later 0.2
        assert mon.events == []  # the batches after the first are not judged


def test_a_second_validation_in_an_epoch_after_more_training_still_counts() -> None:
    """Validating twice an epoch under one `epoch=` number (Lightning's
    `val_check_interval=0.5`): training logged between the two, no warning; without training
    logged between, each still counts (review s40: the best epoch moved otherwise)."""
    mon = quiet(detectors=[detectors.Patience(1)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in (1, 2):
            for half in (0, 1):
                mon.log(epoch=epoch, loss=1 / (2 * epoch + half))
                mon.log(epoch=epoch, val_loss=1 / (2 * epoch + half) + 0.1, val_acc=0.5 + half / 10)
    assert mon.best is not None and mon.best.value == pytest.approx(0.3)
    assert len(mon.series["val_loss"]) == 4 and not mon.should_stop


def test_the_evaluate_cell_run_again_does_not_make_patience_stop_at_epochs_that_never_ran(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # sweep 22a F2: five epochs, then `mon.log(5, ...)` twice more; Patience(2) used to stop
    # "at epoch 7" of a 5-epoch run, "not improved for 2 epochs"
    mon = Monitor(detectors=[detectors.Patience(2)], display="text", print_interval=0)
    for epoch in range(1, 6):
        mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
    with pytest.warns(UserWarning, match="logged for step 5 already"):
        for _ in range(2):
            mon.log(5, loss=0.2, val_loss=0.301)
    mon.close()
    assert not mon.should_stop and mon.events == [] and mon.epoch == 5
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1", "2", "3", "4", "5", "5", "5"]
    mon.log(6, loss=0.2, val_loss=0.31)
    mon.log(7, loss=0.2, val_loss=0.32)  # two real epochs without a better one: now it stops
    assert mon.should_stop and mon.stop_event is not None and mon.stop_event.epoch == 7


def test_the_documented_calls_at_one_step_are_no_repeated_evaluation() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all
        batches = quiet()  # per-batch training losses at the epoch number, then validation
        for epoch in range(1, 4):
            for batch in range(4):
                batches.log(epoch, loss=1 / epoch + batch / 100)
            batches.log(epoch, val_loss=1 / epoch)
        two_calls = quiet()  # validation first, then the training loss, in calls of their own
        for epoch in range(1, 4):
            two_calls.log(epoch, val_loss=1 / epoch)
            two_calls.log(epoch, loss=1 / epoch, val_acc=0.5)
    assert batches.epoch == two_calls.epoch == 3
    assert batches.best is not None and batches.best.epoch == 3


def test_a_training_cell_run_again_is_moved_on_and_not_taken_for_a_repeated_evaluation() -> None:
    mon = quiet(detectors=[])
    with pytest.warns(UserWarning) as caught:
        for _ in range(2):  # the training cell run twice: 1..3 after 3 goes on as 4..6
            for epoch in range(1, 4):
                mon.log(epoch, loss=1 / epoch, val_loss=1.5 / epoch)  # (not the same data)
    assert [str(w.message).split(":")[1].split()[0] for w in caught] == ["step"]  # step_back only
    assert mon.epoch == 6 and mon.history("val_loss")[0].tolist() == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", ["val_loss", "eval_loss", "dev_loss", "Val_Loss", "val-loss"])
def test_a_held_out_loss_the_detectors_read_ends_an_epoch_as_val_loss_does(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A HuggingFace-like loop, the training loss every 10 steps and eval_loss every 50: GL
    read eval_loss as a validation loss (7e52e5c), but the monitor counted each of the 42
    calls as an epoch (best "epoch 18")."""
    gl = detectors.GL(5, metric=name)
    mon = Monitor(metric=name, display="text", print_interval=0, detectors=[gl])
    held_out = iter([1.0, 0.8, 0.7, 0.72, 0.78, 0.85, 0.95])
    for step in range(10, 360, 10):
        mon.log(step, loss=1 / (1 + step / 100))
        if step % 50 == 0:
            mon.log(step, **{name: next(held_out)})
    mon.close()
    assert mon.epoch == 7 and mon.best is not None and (mon.best.epoch, mon.best.step) == (3, 150)
    assert [e.epoch for e in mon.events] == [5] and "(0.7 at epoch 3)" in mon.events[0].message
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("epoch")] == list("1234567")
    assert f"best {name} 0.7 at epoch 3 (step 150)" in mon.summary()


@pytest.mark.parametrize("validated", [False, True])
def test_a_test_evaluation_after_training_is_no_epoch_of_its_own(
    validated: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sweep R3: counted as a validation, a student's one `test_loss` after 12 epochs of
    `loss` made all 12 "epoch 1" (a validation ends the epoch of the points before it), and
    after a validated run it cost the last epoch its line."""
    mon = Monitor(display="text", print_interval=1.0)
    for epoch in range(1, 13):
        mon.log(
            epoch, loss=1 / epoch, **({"val_loss": 0.5 + abs(epoch - 8) / 20} if validated else {})
        )
    mon.log(test_loss=0.9, test_acc=0.7)
    mon.close()
    assert mon.series["loss"].epochs.tolist() == list(range(1, 13))
    assert mon.epoch == (12 if validated else 13)
    if validated:
        assert "epoch   12  loss 0.08333 / val 0.7" in capsys.readouterr().out


# ------------------------------------------------------------------- steps that are epoch numbers


def test_validating_every_5_epochs_with_the_epoch_as_step_says_to_pass_epoch() -> None:
    # sweep 22c finding 5: the README's loop, validating every 5th epoch, named the student's
    # epoch 40 "epoch 8" without a word
    mon = quiet(detectors=[])
    with pytest.warns(UserWarning) as caught:
        for epoch in range(1, 41):
            val = {"val_loss": 1.5 / epoch} if epoch % 5 == 0 else {}  # (not the same data)
            mon.log(epoch, loss=1 / epoch, **val)
    (warning,) = [str(w.message) for w in caught]  # once
    assert "validation came at steps 5 and 10, so they are counted as epochs 1 and 2" in warning
    assert "If your step is the epoch number, pass it as epoch=" in warning
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (8, 40.0)  # as documented


@pytest.mark.parametrize(
    "loop",
    ["validate_every_epoch", "epoch_given", "global_steps", "global_steps_one_call", "zero_based"],
)
def test_steps_that_are_no_epoch_numbers_or_epochs_given_are_not_warned_about(loop: str) -> None:
    mon = quiet(detectors=[])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if loop == "validate_every_epoch":  # (validated on other data than it trains on)
            for epoch in range(1, 21):
                mon.log(epoch, loss=1 / epoch, val_loss=1.5 / epoch)
        elif loop == "epoch_given":
            for epoch in range(1, 21):
                val = {"val_loss": 1 / epoch} if epoch % 5 == 0 else {}
                mon.log(epoch=epoch, loss=1 / epoch, **val)
        elif loop == "global_steps":  # 3 batches an epoch, validation in a call of its own
            for step in range(1, 31):
                mon.log(step, loss=1 / step)
                if step % 3 == 0:
                    mon.log(step, val_loss=3 / step)
        elif loop == "global_steps_one_call":  # 20 batches an epoch, validated in the last one
            for step in range(1, 101):
                val = {"val_loss": 1 / step} if step % 20 == 0 else {}
                mon.log(step, loss=1 / step, **val)
        else:  # validation every 5 epochs counted from 0 is said, from the steps 0 and 5
            with pytest.warns(UserWarning, match="steps 0 and 5"):
                for epoch in range(20):
                    val = {"val_loss": 1 / (epoch + 1)} if epoch % 5 == 0 else {}
                    mon.log(epoch, loss=1 / (epoch + 1), **val)


def test_a_second_validation_call_joins_the_epochs_text_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(display="text", print_interval=3600, detectors=[])
    for epoch in range(1, 4):
        mon.log(epoch, loss=1 / epoch, val_loss=1.5 / epoch)
        mon.log(epoch, acc=0.5, val_acc=0.4)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["epoch", "1"], ["epoch", "3"]]
    assert "loss 0.3333 / val 0.5 *  acc 0.5 / val 0.4" in lines[1]  # * by the best val_loss


# ----------------------------------------------------------------------------- one run per monitor


def test_a_training_cell_run_again_with_the_same_monitor_is_refused_and_records_nothing() -> None:
    mon = quiet()  # made in an earlier cell; the training cell is then run twice
    for epoch in range(1, 31):
        mon.log(epoch=epoch, loss=1 / epoch, val_loss=0.4 + abs(epoch - 20) / 100)
    records, events = mon.records(), mon.events
    with pytest.raises(NNGraphError) as info:
        mon.log(epoch=1, loss=1.0, val_loss=0.5)
    said = str(info.value)
    assert "epoch=1" in said and "30" in said and "epoch=31" in said and "Monitor()" in said
    assert mon.records() == records and mon.events == events and mon.epoch == 30
    mon.log(epoch=30, val_acc=0.9)  # the same epoch again: several calls in one epoch
    mon.log(epoch=31, loss=0.1, val_loss=0.6)  # keep counting
    assert mon.epoch == 31 and not [e for e in mon.events if re.search(r"-\d", e.message)]


def test_positional_steps_that_start_again_go_on_while_epoch_numbers_may_not_go_back() -> None:
    mon = quiet(detectors=[])  # per-batch steps that restart in each epoch
    with pytest.warns(UserWarning, match="step 1 comes after step 3"):
        for epoch in range(1, 4):
            for batch in range(1, 4):
                mon.log(batch, loss=1 / (epoch * batch))
            mon.log(epoch=epoch, val_loss=1 / epoch)
    assert mon.epoch == 3 and mon.history("loss")[0].tolist() == list(range(1, 10))
    assert mon.history("val_loss")[0].tolist() == [3.0, 6.0, 9.0]
    with pytest.raises(NNGraphError, match="epoch=2 goes back"):
        mon.log(epoch=2, val_loss=0.1)


def test_epoch_numbers_may_not_go_back_below_the_epochs_counted_before() -> None:
    mon = quiet()  # epochs counted from validation calls, then the user's own numbers
    for epoch in range(1, 11):
        mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
    records = mon.records()
    with pytest.raises(NNGraphError) as info:
        mon.log(epoch=3, loss=0.5, val_loss=0.5)
    said = str(info.value)
    assert "epoch=3 goes back" in said and "10" in said and "epoch=11" in said
    assert mon.records() == records and mon.epoch == 10
    mon.log(epoch=10, val_acc=0.9)  # the same epoch again
    mon.log(epoch=11, loss=0.1, val_loss=0.05)  # keep counting
    assert mon.epoch == 11 and mon.best is not None and mon.best.epoch == 11
    batches = quiet(metric="loss")  # a training metric: every call is an epoch
    for step in range(1, 6):
        batches.log(step, loss=1 / step)
    with pytest.raises(NNGraphError, match="epoch=2 goes back: the last epoch logged was 5"):
        batches.log(epoch=2, loss=0.1)


def test_a_negative_epoch_number_is_refused_as_negative_and_zero_is_an_epoch() -> None:
    mon = quiet()
    with pytest.raises(NNGraphError, match=r"epoch=-1 is negative: epochs are numbered from 0"):
        mon.log(epoch=-1, loss=0.5)  # said "goes back: the last epoch logged was 0"
    assert mon.records() == []
    mon.log(epoch=0, loss=0.5, val_loss=0.5)
    assert mon.epoch == 0


@pytest.mark.filterwarnings("ignore:nngraph Monitor")  # val_acc is not logged in epochs 1-4
def test_a_metric_logged_less_often_is_explained_in_the_monitors_epochs() -> None:
    mon = quiet(metric="val_acc")  # classroom: Patience(20, mode='max') on val_acc
    for epoch in range(1, 201):
        metrics = {"loss": 1 / epoch, "val_loss": 0.5 + abs(epoch - 40) / 400}
        if epoch % 5 == 0:  # accuracy computed every 5th epoch only
            metrics["val_acc"] = 0.9 - abs(epoch - 30) / 300
        mon.log(epoch, **metrics)
        if mon.should_stop:
            break
    event = mon.stop_event
    assert event is not None and mon.best is not None and mon.best.epoch == 30
    assert event.epoch == mon.epoch == epoch == 130
    assert "for 100 epochs (best 0.9 at epoch 30)" in event.message


def test_a_global_step_with_an_epoch_says_how_to_give_both() -> None:
    """Sweep 21a, finding 12: mon.log(15, epoch=1, ...) is the Lightning habit (global step and
    epoch); the error now shows the fractional epoch= that works."""
    mon = quiet()
    with pytest.raises(NNGraphError) as caught:
        mon.log(15, epoch=1, loss=0.7)
    text = str(caught.value)
    assert "(15, epoch=1)" in text and "mon.log(epoch=e - 1 + (i + 1) / n, loss=...)" in text
    assert mon.records() == []
    for i in range(4):  # what it says works: batch i of 4 in epoch 1, then the validation
        mon.log(epoch=1 - 1 + (i + 1) / 4, loss=0.7)
    mon.log(epoch=1, val_loss=0.75)
    assert mon.epoch == 1 and mon.best is not None and mon.best.epoch == 1


def test_an_evaluation_run_again_under_its_epoch_number_is_not_judged_again() -> None:
    # sweep 22f F3: with epoch=, the evaluation cell run three times made Patience(4) stop
    mon = Monitor(detectors=[detectors.Patience(4)], display=False)
    for epoch, val in enumerate([0.9, 0.7, 0.5, 0.45, 0.4, 0.42, 0.43, 0.44], 1):
        mon.log(epoch=epoch, loss=val - 0.1, val_loss=val)
    with pytest.warns(UserWarning, match="with the same value"):
        for _ in range(3):
            mon.log(epoch=8, val_loss=0.44)
    assert not mon.should_stop and mon.epoch == 8 and mon.events == []


def test_steps_moved_on_after_going_back_are_not_taken_for_epoch_numbers() -> None:
    # sweep 22f F5: a batch index restarting each epoch was told "validation came at steps 5
    # and 11", steps the student never logged
    mon = quiet()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, 4):
            for i in range(5):
                mon.log(i, loss=1 / (5 * epoch + i))
            mon.log(epoch, val_loss=1 - epoch / 10)
    said = [str(w.message) for w in caught]
    assert [m for m in said if "comes after step" in m]  # the steps going back: said once
    assert not [m for m in said if "validation came at steps" in m]
    assert mon.epoch == 3


# ----------------------------------------------------------------------- a loop counted from 0


def epoch_loop(start: int, **kwargs: object) -> Monitor:
    """``for epoch in range(start, start + 12): mon.log(epoch, ...)``, best at the loop's 5th
    epoch (``start + 4``); the model's weight is the epoch number."""
    net = torch.nn.Linear(1, 1)
    options = {"model": net, "display": False, "detectors": [], **kwargs}
    mon = Monitor(**options)  # type: ignore[arg-type]
    for epoch in range(start, start + 12):
        k = epoch - start
        with torch.no_grad():
            net.weight.fill_(epoch)
        mon.log(epoch, loss=1 / (k + 1), val_loss=0.5 + abs(k - 4) / 10)
    return mon


@pytest.mark.parametrize("start", [0, 1])
def test_an_epoch_loop_is_told_in_its_own_epoch_numbers(
    start: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """``for epoch in range(12): mon.log(epoch, ...)`` printed "epoch 1" to "epoch 12" and put
    the best at "epoch 5", the loop's epoch 4 and the step the plot put it at; ``range(1, 13)``
    was right and stays so."""
    mon = epoch_loop(start, display="text", print_interval=0.0)
    best = start + 4
    lines = capsys.readouterr().out.splitlines()
    assert [int(line.split()[1]) for line in lines] == list(range(start, start + 12))
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (best, best)
    assert f"best val_loss 0.5 at epoch {best} (step {best})" in mon.summary()
    assert mon.epoch == start + 11 and mon.epoch_count == 12 and "12 epochs" in repr(mon)
    assert mon.snapshot()["best"]["epoch"] == best
    assert mon.series["val_loss"].epochs.tolist() == list(range(start, start + 12))
    net = torch.nn.Linear(1, 1)
    mon.restore_best(net)
    assert net.weight.item() == best  # the weights of the loop's epoch `best`
    runs = Runs(display=False)
    runs.add(mon)
    (row,) = runs.rows()
    assert (row["epochs"], row["best_epoch"]) == (12, best)
    by_loss = ng.compare(mon, metric="loss", display=False).rows()[0]
    assert by_loss["best_epoch"] == start + 11  # another metric: the same numbers


def test_an_evaluation_before_training_at_step_0_is_epoch_0() -> None:
    mon = quiet(detectors=[])
    mon.log(0, val_loss=1.0)  # the untrained model's baseline
    for epoch in range(1, 6):
        mon.log(epoch, loss=1 / epoch, val_loss=0.5 + abs(epoch - 3) / 10)
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (3, 3)
    assert mon.series["val_loss"].epochs.tolist() == [0, 1, 2, 3, 4, 5]
    assert mon.epoch == 5 and mon.epoch_count == 5  # the baseline is no epoch trained
    assert "best val_loss 0.5 at epoch 3 (step 3)" in mon.summary()


def test_a_zero_based_loop_validating_first_then_training_keeps_its_numbers() -> None:
    mon = quiet(detectors=[])
    for epoch in range(4):  # two calls at one step: validation, then the epoch's training loss
        mon.log(epoch, val_loss=[0.9, 0.5, 0.6, 0.7][epoch])
        mon.log(epoch, loss=1 / (epoch + 1))
    assert mon.series["loss"].epochs.tolist() == [0, 1, 2, 3]
    assert mon.best is not None and mon.best.epoch == 1 and mon.epoch == 3


def test_a_zero_based_loop_logging_only_its_training_loss_says_its_epochs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(metric="loss", display="text", print_interval=0.0, detectors=[])
    for epoch in range(5):
        mon.log(epoch, loss=[1.0, 0.5, 0.3, 0.2, 0.25][epoch])
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert [int(line.split()[1]) for line in lines] == [0, 1, 2, 3, 4]
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (3, 3)
    assert mon.epoch == 4 and mon.epoch_count == 5
    runs = Runs(display=False)
    runs.add(mon)
    (row,) = runs.rows()
    assert (row["epochs"], row["best_epoch"]) == (5, 3)


@pytest.mark.parametrize("first_step", [0, 1])
def test_a_batch_loop_counts_its_validations_from_1(first_step: int) -> None:
    """A global step from 0 (``enumerate(loader)``) or 1, validation in a call of its own after
    each epoch's 4 batches: epochs 1, 2, 3, as before."""
    mon = quiet(detectors=[])
    step = first_step
    for epoch in range(3):
        for _ in range(4):
            mon.log(step, loss=1 / (step + 1))
            step += 1
        mon.log(step - 1, val_loss=[0.5, 0.3, 0.4][epoch])
    assert mon.series["val_loss"].epochs.tolist() == [1, 2, 3]
    assert mon.series["loss"].epochs.tolist() == [1] * 4 + [2] * 4 + [3] * 4
    assert mon.best is not None and mon.best.epoch == 2
    assert mon.epoch == mon.epoch_count == 3
    runs = Runs(display=False)
    runs.add(mon)
    (row,) = runs.rows()
    assert (row["epochs"], row["best_epoch"]) == (3, 2)


def test_a_batch_loop_from_0_with_an_evaluation_before_training_calls_it_epoch_0() -> None:
    mon = quiet(detectors=[])
    mon.log(0, val_loss=2.0)  # before the first batch
    for step in range(1, 7):
        mon.log(step, loss=1 / step)
        if step % 3 == 0:
            mon.log(step, val_loss=1 / step)
    assert mon.series["val_loss"].epochs.tolist() == [0, 1, 2]
    assert mon.series["loss"].epochs.tolist() == [1, 1, 1, 2, 2, 2]
    assert mon.epoch == mon.epoch_count == 2  # the baseline is no epoch trained


def test_validating_every_5_epochs_counted_from_0_says_the_epochs_it_counted() -> None:
    mon = quiet(detectors=[])
    with pytest.warns(UserWarning) as caught:
        for epoch in range(20):
            val = {"val_loss": 1 / (epoch + 1)} if epoch % 5 == 0 else {}
            mon.log(epoch, loss=1 / (epoch + 1), **val)
    (warning,) = [str(w.message) for w in caught]
    assert "validation came at steps 0 and 5, so they are counted as epochs 0 and 1" in warning
    assert mon.epoch == 3


@pytest.mark.parametrize("numbered", ["step", "epoch="])
def test_an_evaluation_before_training_is_no_epoch_trained(numbered: str) -> None:
    """``mon.log(0, val_loss=...)`` before ``for epoch in range(1, 11)``: ``epoch_count``, the
    repr and the Runs table said 11 epochs, the view's progress "epoch 11/10"."""
    mon = quiet(detectors=[])

    def log(epoch: int, **values: float) -> None:
        if numbered == "step":
            mon.log(epoch, **values)
        else:
            mon.log(epoch=epoch, **values)

    log(0, val_loss=2.0)  # the untrained model's baseline
    for epoch in range(1, 11):
        log(epoch, loss=1 / epoch, val_loss=1 / epoch)
    assert mon.epoch == 10 and mon.epoch_count == 10
    assert "<Monitor: 10 epochs," in repr(mon)
    (row,) = ng.compare(mon, display=False).rows()
    assert (row["epochs"], row["best_epoch"]) == (10, 10)


def test_a_batch_loop_with_an_evaluation_before_training_counts_the_epochs_trained() -> None:
    mon = quiet(detectors=[])
    mon.log(0, val_loss=2.0)  # baseline, then 4 batches an epoch from step 1
    for step in range(1, 13):
        mon.log(step, loss=1 / step)
        if step % 4 == 0:
            mon.log(step, val_loss=1 / step)
    assert mon.epoch == mon.epoch_count == 3


@pytest.mark.parametrize("order", ["one call", "validation first", "validation only"])
def test_a_zero_based_loop_counts_epoch_0_as_trained(order: str) -> None:
    """``for epoch in range(5)`` is 5 epochs however it logs: its epoch 0 is no baseline,
    also when it validates first, or logs only its validation loss."""
    mon = quiet(detectors=[])
    for epoch in range(5):
        if order == "one call":
            mon.log(epoch, loss=1 / (epoch + 1), val_loss=1 / (epoch + 1))
            continue
        mon.log(epoch, val_loss=1 / (epoch + 1))
        if order == "validation first":
            mon.log(epoch, loss=1 / (epoch + 1))
    assert mon.epoch == 4 and mon.epoch_count == 5


def resumed_said(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "go up by one" in str(w.message)]


def test_a_loop_resumed_at_epoch_100_is_counted_from_1_and_told_to_pass_epoch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """5420756 numbered a run from the step of its first call, 100 for ``range(100, 112)``;
    a run logged at the global step (500, 1000, ...) then said "epoch 500" until its second
    row. Steps may count batches, so it is counted from 1 again, and said once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon = epoch_loop(100, display="text", print_interval=0.0, detectors=[])
    (said,) = resumed_said(caught)
    assert "start at 100 and go up by one" in said and "counted from 1" in said
    assert "step 100 is epoch 1" in said and "mon.log(epoch=epoch, loss=...)" in said
    lines = capsys.readouterr().out.splitlines()
    assert [int(line.split()[1]) for line in lines] == list(range(1, 13))
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (5, 104)
    assert mon.epoch == mon.epoch_count == 12
    assert mon.series["val_loss"].epochs.tolist() == list(range(1, 13))
    # what it advises keeps the loop's numbers, with no warning
    mon = quiet(detectors=[detectors.Patience(6)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(100, 112):
            mon.log(epoch=epoch, loss=1 / epoch, val_loss=0.5 + abs(epoch - 104) / 10)
    assert mon.best is not None and (mon.best.epoch, mon.epoch) == (104, 111)
    assert [e.epoch for e in mon.events] == [110] and "at epoch 104" in mon.events[0].message


def test_a_resumed_run_without_validation_is_counted_from_1_and_told() -> None:
    mon = quiet(metric="loss", detectors=[])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(100, 105):
            mon.log(epoch, loss=[0.5, 0.4, 0.3, 0.35, 0.45][epoch - 100])
    assert len(resumed_said(caught)) == 1
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (3, 102)
    assert mon.epoch == 5 and mon.series["loss"].epochs.tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("steps", [(10, 20, 30), (30, 31.5, 33), (500, 1000, 1500)])
def test_steps_from_a_later_start_with_gaps_are_counted_from_1_from_the_first_row(
    steps: tuple[float, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every 10th step logged, or one call per epoch at the global batch step, is counted 1,
    2, 3, in every text and already after the first call (5420756 said "epoch 500" and a
    LossView's progress "500 of 10" until the second), with no warning."""
    mon = Monitor(display="text", print_interval=0.0, detectors=[detectors.Patience(1)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mon.log(steps[0], loss=1 / steps[0], val_loss=0.5)
        assert mon.best is not None and mon.best.epoch == mon.epoch == mon.epoch_count == 1
        assert capsys.readouterr().out.split()[:2] == ["epoch", "1"]  # printed at once
        for step, val in zip(steps[1:], (0.4, 0.6), strict=True):
            mon.log(step, loss=1 / step, val_loss=val)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines if line.startswith("epoch")] == ["2", "3"]
    assert mon.best is not None and mon.best.epoch == 2 and mon.epoch == 3
    assert mon.series["val_loss"].epochs.tolist() == [1, 2, 3]
    assert [e.epoch for e in mon.events] == [3] and "best 0.4 at epoch 2" in mon.events[0].message


def test_an_event_of_the_first_row_at_a_later_step_says_the_epoch_it_is_stamped_with() -> None:
    """5420756 renumbered the event to epoch 1 at the second row; its words kept "epoch 10"."""
    mon = quiet()
    mon.log(10, loss=1.0, val_loss=math.nan)
    mon.log(20, loss=0.9, val_loss=0.8)
    (event,) = mon.events
    assert event.epoch == 1 and "at step 10 (epoch 1)" in event.message


def test_a_loop_resumed_at_epoch_100_validating_every_5th_is_counted_from_1() -> None:
    """5420756 gave the validations at steps 100, 105, ... the epochs 100, 101, 102, ..."""
    mon = quiet(detectors=[])
    with pytest.warns(UserWarning, match="steps 100 and 105") as caught:
        for epoch in range(100, 121):
            mon.log(epoch, loss=1 / epoch, **({"val_loss": 3 / epoch} if epoch % 5 == 0 else {}))
    assert len(caught) == 1 and not resumed_said(list(caught))
    assert mon.series["val_loss"].epochs.tolist() == [1, 2, 3, 4, 5]
    assert mon.best is not None and mon.best.epoch == mon.epoch == 5


@pytest.mark.parametrize("evaluated_first", [False, True])
def test_a_batch_loop_resumed_at_a_later_global_step_counts_its_validations_from_1(
    evaluated_first: bool,
) -> None:
    """Evaluated at step 5000 before training, 5420756 called the third epoch "epoch 5003"."""
    mon = quiet(detectors=[])
    step = 5000
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if evaluated_first:
            mon.log(step, val_loss=1.0)
        for epoch in range(3):
            for _ in range(4):
                step += 1
                mon.log(step, loss=1 / (step - 4999))
            mon.log(step, val_loss=[0.5, 0.3, 0.4][epoch])
    first = 2 if evaluated_first else 1
    assert mon.series["val_loss"].epochs.tolist()[-3:] == [first, first + 1, first + 2]
    assert mon.best is not None and mon.best.epoch == first + 1
    assert mon.epoch == mon.epoch_count == first + 2


TWO_CALL_LOSSES = [0.9, 0.5, 0.3, 0.35, 0.4, 0.5]


@pytest.mark.parametrize("first", [1, 0])
def test_training_loss_and_accuracy_logged_in_two_calls_per_epoch_are_one_epoch(
    first: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without validation, each call counted as an epoch: 12 epochs, best at 5, Patience's
    "best 0.3 at epoch 5" (sweep s31); a call at the same step logging other metrics joins it."""
    mon = Monitor(
        metric="loss",
        display="text",
        print_interval=0.0,
        detectors=[detectors.Patience(2, metric="loss")],
    )
    for epoch, loss in enumerate(TWO_CALL_LOSSES, first):
        mon.log(epoch, loss=loss)
        mon.log(epoch, acc=1 - loss)
    mon.close()
    best = first + 2
    lines = capsys.readouterr().out.splitlines()
    numbers = [int(line.split()[1]) for line in lines if line.startswith("epoch")]
    assert numbers == list(range(first, first + 6))
    assert mon.epoch == first + 5 and mon.epoch_count == 6
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (best, best)
    assert mon.series["acc"].epochs.tolist() == mon.series["loss"].epochs.tolist()
    (event,) = mon.events
    assert event.epoch == best + 2 and f"best 0.3 at epoch {best})" in event.message
    assert mon.stop_event is event and f"epoch {best + 2}: " in mon.summary()
    runs = Runs(display=False)
    runs.add(mon)
    (row,) = runs.rows()
    assert (row["epochs"], row["best_epoch"], row["stop"]["epoch"]) == (6, best, best + 2)


def test_two_calls_per_epoch_without_validation_count_rows_whatever_the_metric() -> None:
    mon = quiet(detectors=[])  # watches val_loss, which never comes
    for epoch, loss in enumerate(TWO_CALL_LOSSES, 1):
        mon.log(epoch, loss=loss)
        mon.log(epoch, acc=1 - loss)
        assert mon.epoch == mon._epoch_in_progress() - 1 == epoch
    assert mon.epoch_count == 6 and mon.series["loss"].epochs.tolist() == [1, 2, 3, 4, 5, 6]
    unnamed = quiet(metric="loss", detectors=[])  # no step: each call is the next step
    for loss in TWO_CALL_LOSSES:
        unnamed.log(loss=loss)
        unnamed.log(acc=1 - loss)
    assert unnamed.epoch == 12 and unnamed.best is not None and unnamed.best.epoch == 5


def test_a_resumed_run_logging_two_calls_per_epoch_is_told_as_one_call_per_epoch() -> None:
    mon = quiet(metric="loss", detectors=[])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch, loss in enumerate(TWO_CALL_LOSSES, 100):
            mon.log(epoch, loss=loss)
            mon.log(epoch, acc=1 - loss)
    assert len(resumed_said(caught)) == 1 and len(caught) == 1
    assert mon.best is not None and (mon.best.epoch, mon.best.step) == (3, 102)


def test_validations_logged_back_to_back_under_epoch_still_count() -> None:
    """Review s40 (rg, repro_04): a baseline at epoch=0, then a zero-based loop that
    validates before logging its training loss; the best is epoch 0's real validation."""
    mon = quiet()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        mon.log(epoch=0, val_loss=1.2)
        for epoch, value in enumerate([0.30, 0.40, 0.45, 0.50]):
            mon.log(epoch=epoch, val_loss=value)
            mon.log(epoch=epoch, loss=1.0 / (epoch + 1))
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == (0, 0.30)


@pytest.mark.parametrize("steps", ["none", "global counter"])
def test_validation_logged_per_batch_without_epochs_is_said_once(steps: str) -> None:
    """Sweep s41 (curves, finding 2): 8 validation batches a epoch, each logged on its own with
    no step (or with one global step counter), made a 10-epoch loop 80 epochs, in silence."""
    mon, step = quiet(), 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, 4):
            for value in (1.0, 0.9):  # training batches
                step += 1
                mon.log(step, loss=value / epoch) if steps != "none" else mon.log(loss=value)
            for value in (0.8, 0.7, 0.75):  # validation batches, no mean taken
                step += 1
                mon.log(step, val_loss=value) if steps != "none" else mon.log(val_loss=value)
    said = [str(w.message) for w in caught if "once per validation batch" in str(w.message)]
    assert len(said) == 1 and "val_loss was logged again in epoch 2 right after" in said[0]


def test_a_validation_at_a_global_step_of_its_own_now_and_then_is_not_taken_for_batches() -> None:
    """Regression review s41 (rg, finding 7): one validation an epoch at its own global step
    (30, 60, 90, ...) and the training loss every 50 steps: two validations came back to back
    now and then, and were said to be one per validation batch."""
    mon, step = quiet(), 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(6):
            for _ in range(30):
                step += 1
                if step % 50 == 0:
                    mon.log(step, loss=1 / step)
            mon.log(step, val_loss=1 / (epoch + 1) + 0.1)
        mon.log(val_loss=0.2)  # one more after the loop
    assert mon.epoch == 7


def test_a_baseline_validation_or_a_validation_only_run_is_not_taken_for_batches() -> None:
    """A validation before training, then one per epoch before its training loss; and a run
    that logs only its validation loss: each value is an epoch, and nothing is said."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        baseline = quiet()
        baseline.log(val_loss=1.2)  # before training
        for epoch in range(1, 4):
            baseline.log(val_loss=1 / epoch)
            baseline.log(loss=1 / epoch)
        only = quiet()
        for value in (0.9, 0.8, 0.85):
            only.log(val_loss=value)
    assert [str(w.message) for w in caught] == []
    assert baseline.best is not None and only.best is not None
    assert (baseline.epoch, baseline.best.epoch, baseline.best.value) == (
        4,
        4,
        pytest.approx(1 / 3),
    )
    assert (only.epoch, only.best.epoch, only.best.value) == (3, 2, 0.8)


def test_two_validation_batches_an_epoch_logged_one_by_one_are_said_in_the_second_epoch() -> None:
    """Regression review s41 (rg2, finding 4): three values in a row were needed, so two
    validation batches an epoch were never said."""
    mon = quiet()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, 4):
            mon.log(loss=1 / epoch)
            for value in (0.8, 0.7):
                mon.log(val_loss=value / epoch)
    said = [str(w.message) for w in caught if "once per validation batch" in str(w.message)]
    assert len(said) == 1


def test_a_training_loss_logged_with_every_third_validation_is_not_taken_for_batches() -> None:
    """Sweep s42 (left alone): a run that logs its training loss only every 3rd epoch, with
    that epoch's validation, was asked whether it logs once per validation batch: its
    validation-only epochs came back to back. Every row validated: these are epochs."""
    mon = quiet()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(1, 13):
            train = {"loss": 1 / epoch} if epoch % 3 == 0 else {}
            mon.log(epoch, **train, val_loss=1 / epoch + 0.1)
    assert mon.epoch == 12


def test_validation_batches_before_a_summary_row_with_another_validation_are_said() -> None:
    """Regression review s43 (2): with the training loss logged beside ``val_acc`` in an epoch
    summary after ``val_loss`` per validation batch, no row logged training alone, and the
    warning was lost: 3 epochs counted as 15. What matters is whether the rows with training
    logged ``val_loss`` too."""
    mon = quiet()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(3):
            for value in (0.5, 0.52, 0.48, 0.51):  # inside the validation loop
                mon.log(val_loss=value + 0.01 * epoch)
            mon.log(loss=0.5, val_acc=0.7)  # the epoch's summary
    said = [str(w.message) for w in caught if "once per validation batch" in str(w.message)]
    assert len(said) == 1


def test_validation_batches_before_a_summary_row_with_their_mean_are_said() -> None:
    """Regression review s43 round 2 (10a): `val_loss` per validation batch, then an epoch
    summary with the training loss and the batches' mean `val_loss`: every training row held
    `val_loss`, so the run was taken for one that logs its training loss every few epochs,
    and 3 epochs counted as 15 in silence. Three in a row are batches."""
    mon = quiet()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(3):
            for value in (0.5, 0.52, 0.48, 0.51):
                mon.log(val_loss=value + 0.01 * epoch)
            mon.log(loss=0.5, val_loss=0.5)
    said = [str(w.message) for w in caught if "once per validation batch" in str(w.message)]
    assert len(said) == 1
