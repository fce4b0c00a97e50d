"""What the monitor feeds its detectors: the curve it records, whatever the logging order, the
whole history for a detector added later, and a fresh start for each after ``resume()``."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from nngraph.monitor import Monitor
from nngraph.monitor.detectors import GL, PQ, UP, Detector, Divergence, Gap, Patience

# ------------------------------------------------------------- validation logged before training


def log_epochs(mon: Monitor, tr: list[float], va: list[float], *, val_first: bool) -> None:
    """One epoch = a training call and a validation call at the same step, in either order."""
    for epoch, (train, val) in enumerate(zip(tr, va, strict=True), 1):
        calls = [{"loss": train}, {"val_loss": val}]
        for metrics in reversed(calls) if val_first else calls:
            mon.log(epoch, **metrics)


def test_pq_judges_the_training_loss_the_monitor_puts_in_the_same_epoch() -> None:
    tr, va = [1.0, 0.5, 0.45, 0.449], [1.0, 0.9, 0.95, 0.97]
    for val_first in (False, True):
        mon = Monitor(display=False, detectors=[PQ(0.5, 2)])
        log_epochs(mon, tr, va, val_first=val_first)
        # on the recorded curve: P_2(4) = 1000 * (0.899 / 0.898 - 1) = 1.11, GL = 7.78
        assert [r["loss"] for r in mon.records()] == tr
        assert [e.epoch for e in mon.events] == [4]
        assert mon.should_stop and mon.detectors[0].progress == pytest.approx(1.1136, abs=1e-4)


def random_curve(seed: int) -> tuple[list[float], list[float]]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 40))
    tr = np.maximum(1e-3, 1 / np.arange(1, n + 1) + rng.normal(0, 0.05, n))
    va = 0.5 + rng.normal(0, 0.1, n) + np.abs(np.arange(n) - n / 2) / n
    return tr.tolist(), va.tolist()


def some_detectors() -> list[Detector]:
    return [GL(2), PQ(0.5, 2), PQ(1, 3), UP(2, 2), Patience(3), Gap(0.2, patience=2)]


@pytest.mark.parametrize("seed", range(20))
def test_both_logging_orders_give_the_same_events_at_the_same_epochs(seed: int) -> None:
    tr, va = random_curve(seed)
    runs = []
    for val_first in (False, True):
        mon = Monitor(display=False, detectors=some_detectors())
        log_epochs(mon, tr, va, val_first=val_first)
        runs.append(sorted((e.detector, e.epoch) for e in mon.events))
    assert runs[0] == runs[1]


def test_a_lone_detector_takes_a_training_value_logged_after_at_the_same_step() -> None:
    first, after = Gap(0.5, patience=1), Gap(0.5, patience=1)
    assert first.update(1, loss=1.0, val_loss=1.1) is None
    assert after.update(1, val_loss=1.1) is None and after.update(1, loss=1.0) is None
    assert first.update(2, loss=0.4, val_loss=1.0) is not None
    assert after.update(2, val_loss=1.0) is None  # no training loss for epoch 2 yet
    event = after.update(2, loss=0.4)  # now it holds: said at this call
    assert event is not None and event.epoch == 2 and "(0.4)" in event.message
    assert after.update(3, loss=0.5) is None and after.epoch == 2  # the next epoch's


def test_an_event_raised_before_the_training_value_is_not_announced_twice() -> None:
    gap = Gap(0.5, patience=1)
    gap.update(1, loss=0.1)  # a batch
    assert gap.update(2, val_loss=1.0) is not None  # 0.1 against 1.0: it holds
    assert gap.update(2, loss=1.9) is None  # with it the epoch's mean is 1.0: it does not
    assert gap.value == 0.0
    assert gap.update(3, loss=0.1) is None and gap.update(4, val_loss=1.0) is None
    assert [e.epoch for e in gap.events] == [1]
    holds = Gap(0.5, patience=1)
    holds.update(1, loss=0.1)
    assert holds.update(2, val_loss=1.0) is not None
    assert holds.update(2, loss=0.3) is None and len(holds.events) == 1  # still holds: said


def test_the_text_line_view_of_an_event_raised_by_a_training_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(display="text", detectors=[PQ(0.5, 2)], print_interval=0)
    log_epochs(mon, [1.0, 0.5, 0.45, 0.449], [1.0, 0.9, 0.95, 0.97], val_first=True)
    mon.close()
    out = capsys.readouterr().out
    assert "-> stop suggested by PQ(0.5, 2) at epoch 4" in out


def log_batches(
    mon: Monitor, epochs: list[tuple[list[float], float]], *, val_first: bool
) -> list[int]:
    """Per-batch logging, the epoch's validation at the last batch's step, before or after that
    batch's loss; returns the epochs after which ``should_stop`` was True."""
    step, stops = 0, []
    for epoch, (batches, val) in enumerate(epochs, 1):
        for loss in batches[:-1]:
            step += 1
            mon.log(step, loss=loss)
        step += 1
        calls = [{"loss": batches[-1]}, {"val_loss": val}]
        for metrics in reversed(calls) if val_first else calls:
            mon.log(step, **metrics)
        if mon.should_stop:
            stops.append(epoch)
    return stops


def test_a_validation_logged_before_the_last_batch_raises_no_false_pq_stop() -> None:
    """Judged on the earlier batches alone, P_2 was 0 and GL / P_2 infinite: PQ stopped the run
    in one order and not in the other (sweep R)."""
    epochs = [([1.0, 1.0], 1.0), ([0.6, 0.6], 0.8), ([0.5, 0.5], 0.85), ([0.5, 0.1], 0.9)]
    runs = []
    for val_first in (False, True):
        mon = Monitor(display=False, detectors=[PQ(0.5, k=2)])
        stops = log_batches(mon, epochs, val_first=val_first)
        runs.append(([(e.detector, e.epoch) for e in mon.events], stops))
    assert runs[0] == runs[1] == ([], [])


def test_gl_says_training_kept_falling_whichever_order_an_epoch_is_logged_in() -> None:
    tr, va = [1.0, 0.8, 0.6, 0.5], [1.0, 0.9, 0.8, 0.85]
    said = []
    for val_first in (False, True):
        mon = Monitor(display=False)
        log_epochs(mon, tr, va, val_first=val_first)
        said.append([(e.message_id, e.epoch, e.message) for e in mon.events])
    assert said[0] == said[1] and said[1][0][0] == "gl.overfit"


# validation barely moved; training flat at 0.7, then falling from epoch 6 (Keras stops at 7)
CREEP_VAL = [0.7, 0.699, 0.6995, 0.6992, 0.6991, 0.6993, 0.6994, 0.6992, 0.6995, 0.6996]
CREEP_TRAIN = [0.7, 0.7, 0.7, 0.7, 0.7, 0.6, 0.55, 0.52, 0.5, 0.48]


@pytest.mark.parametrize("numbered", ["step", "epoch="])
def test_patience_reads_the_training_loss_of_each_epoch_whichever_order_it_is_logged_in(
    numbered: str,
) -> None:
    """Sweep s29 b1: validation logged first, Patience judged epoch 6 with the training loss of
    epoch 5, flat; the one that had just started to fall was not seen, so it stopped one epoch
    early, calling the loss "not learning" (barely moved), where one call stopped at epoch 7."""
    runs = []
    for order in ("one call", "validation first", "training first"):
        mon = Monitor(display=False, detectors=[Patience(5)])
        stops = []
        for epoch, (train, val) in enumerate(zip(CREEP_TRAIN, CREEP_VAL, strict=True), 1):
            calls = {
                "one call": [{"loss": train, "val_loss": val}],
                "validation first": [{"val_loss": val}, {"loss": train}],
                "training first": [{"loss": train}, {"val_loss": val}],
            }[order]
            for metrics in calls:
                if numbered == "step":
                    mon.log(epoch, **metrics)
                else:
                    mon.log(epoch=epoch, **metrics)
            stops.append(mon.should_stop)
        runs.append(
            (stops.index(True) + 1, [(e.epoch, e.message_id, e.message) for e in mon.events])
        )
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][0] == 7 and runs[0][1][0][1] == "patience.barely_improved"


FLAT_TRAIN = [0.3103, 0.3063, 0.3046, 0.3021, 0.3009, 0.3052, 0.3024, 0.3006, 0.2995, 0.3031]
FLAT_VAL = [0.3982, 0.4049, 0.3927, 0.4015, 0.3976, 0.396, 0.3926, 0.3893, 0.4, 0.4066]


@pytest.mark.parametrize("batches", [(1.0, 1.0, 1.0), (0.8, 1.2, 1.0), (1.2, 0.8, 1.0), (1.5, 0.5)])
def test_patience_validating_first_reads_the_mean_of_the_batches_of_the_epoch_before(
    batches: tuple[float, ...],
) -> None:
    """Sweep s29 r4, R1: validation first, then the epoch's batches with epoch=: Patience
    judged each epoch at its first batch, with that batch and the epoch before's others, so
    its 'barely moved' stop came or not by the batches' values (never, with 0.8, 1.2, 1.0)."""
    mon = Monitor(display=False, detectors=[Patience(5)])
    stops = []
    for epoch, (train, val) in enumerate(zip(FLAT_TRAIN, FLAT_VAL, strict=True), 1):
        mon.log(epoch=epoch, val_loss=val)
        for share in batches:
            mon.log(epoch=epoch, loss=train * share)
        stops.append(mon.should_stop)
    # each validation measured the model the epoch before trained, and is judged with it
    assert stops.index(True) + 1 == 7
    assert [(e.epoch, e.message_id) for e in mon.events] == [(7, "patience.barely_moved")]


def test_patience_validating_first_quotes_epoch_means_not_batches() -> None:
    """Sweep s29 r4, R3: its words quoted one batch ('0.25 now (1.5 at first)')."""
    mon = Monitor(display=False, detectors=[Patience(5)])
    train_losses, val_losses = [1.0, 0.8, 0.6, 0.4, 0.3, 0.2], [0.7, 0.71, 0.72, 0.73, 0.74, 0.75]
    for epoch, (train, val) in enumerate(zip(train_losses, val_losses, strict=True), 1):
        mon.log(epoch=epoch, val_loss=val)
        for share in (1.5, 0.5, 1.0):
            mon.log(epoch=epoch, loss=train * share)
    assert mon.should_stop
    (event,) = mon.events
    assert event.epoch == 6 and "Training loss is 0.3 now (1 at first)" in event.message


def test_nan_in_validation_and_training_logged_in_two_calls_is_told_once() -> None:
    """Sweep s29 b (optional): both losses NaN at one step, logged in two calls, gave two
    Divergence events at that epoch (one in one call)."""
    for order in ("one call", "validation first", "training first"):
        for chosen in ([Divergence()], None):  # alone, and in the classroom set beside GL
            mon = Monitor(display=False, detectors=chosen)
            for epoch, (train, val) in enumerate([(1.0, 1.1), (0.8, 0.9), (math.nan, math.nan)], 1):
                calls = {
                    "one call": [{"loss": train, "val_loss": val}],
                    "validation first": [{"val_loss": val}, {"loss": train}],
                    "training first": [{"loss": train}, {"val_loss": val}],
                }[order]
                for metrics in calls:
                    mon.log(epoch, **metrics)
            (event,) = mon.events
            assert event.epoch == 3 and event.message_id == "divergence.nonfinite"
            assert mon.should_stop


def random_batches(seed: int) -> list[tuple[list[float], float]]:
    rng = np.random.default_rng(seed)
    n, per = int(rng.integers(4, 30)), int(rng.integers(2, 5))
    tr = np.maximum(1e-3, 1 / np.arange(1, n * per + 1) + rng.normal(0, 0.05, n * per))
    va = 0.5 + rng.normal(0, 0.1, n) + np.abs(np.arange(n) - n / 2) / n
    return [(tr[e * per : (e + 1) * per].tolist(), float(va[e])) for e in range(n)]


@pytest.mark.parametrize("seed", range(30))
def test_both_orders_give_the_same_events_when_training_is_logged_per_batch(seed: int) -> None:
    epochs = random_batches(seed)
    runs = []
    for val_first in (False, True):
        mon = Monitor(display=False, detectors=some_detectors())
        stops = log_batches(mon, epochs, val_first=val_first)
        runs.append((sorted((e.detector, e.epoch, e.message) for e in mon.events), stops))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("seed", range(30))
def test_a_validation_in_the_last_batchs_call_pairs_the_mean_of_the_epochs_batches(
    seed: int,
) -> None:
    """`mon.log(step, loss=batch_loss, val_loss=...)` at the epoch's last batch: the detectors
    read the mean of the epoch's batches, as the text line shows it and as a validation logged
    in a call of its own gives; they read that one batch's loss (sweep C, finding 1)."""
    epochs = random_batches(seed)
    runs = []
    for joined in (False, True):
        mon = Monitor(display=False, detectors=some_detectors())
        step = 0
        for batches, val in epochs:
            for loss in batches[:-1]:
                step += 1
                mon.log(step, loss=loss)
            step += 1
            if joined:
                mon.log(step, loss=batches[-1], val_loss=val)
            else:
                mon.log(step, loss=batches[-1])
                mon.log(step, val_loss=val)
        runs.append(sorted((e.detector, e.epoch, e.message) for e in mon.events))
    assert runs[0] == runs[1]


def test_should_stop_turns_true_at_the_training_call_that_completes_the_epoch() -> None:
    mon = Monitor(display=False, detectors=[PQ(0.5, 2)])
    tr, va = [1.0, 0.5, 0.45, 0.449], [1.0, 0.9, 0.95, 0.97]
    for epoch, (train, val) in enumerate(zip(tr, va, strict=True), 1):
        mon.log(epoch, val_loss=val)
        mon.log(epoch, loss=train)
        assert mon.should_stop == (epoch == 4)
    assert [(e.epoch, e.step) for e in mon.events] == [(4, 4.0)]


def test_a_loop_with_a_global_step_stops_at_the_epoch_that_fired() -> None:
    """Each batch logged at `step`, then `step += 1`; the validation at the step the next
    epoch's first batch reuses. Reading should_stop ends the step: no epoch late."""
    tr = [0.93**e for e in range(40)]
    va = [0.9 * 0.9**e + 0.004 * max(0, e - 12) ** 1.5 for e in range(40)]
    by_epoch = Monitor(display=False, detectors=[GL(5)])
    for epoch in range(40):
        by_epoch.log(epoch + 1, loss=tr[epoch] * 1.03, val_loss=va[epoch])
        if by_epoch.should_stop:
            break
    mon, step = Monitor(display=False, detectors=[GL(5)]), 0
    for e in range(epoch + 1):
        for batch in range(4):
            mon.log(step, loss=tr[e] * (1 + 0.02 * batch))
            step += 1
        mon.log(step, val_loss=va[e])
        if mon.should_stop:
            break
    assert mon.should_stop and e == epoch  # the same epoch, and its event kept
    assert [ev.message_id for ev in mon.events] == [ev.message_id for ev in by_epoch.events]


def test_an_epoch_whose_training_value_never_comes_is_judged_when_its_row_ends() -> None:
    for end in ("next row", "close", "reading the outcome"):
        mon = Monitor(display=False, detectors=[Patience(1), GL(5)])
        for epoch, (train, val) in enumerate([(1.0, 1.0), (0.8, 0.9)], 1):
            mon.log(epoch, val_loss=val)
            mon.log(epoch, loss=train)
        mon.log(3, val_loss=1.2)  # validation logged first, then no training value
        if end == "next row":
            mon.log(4, loss=0.5)
        elif end == "close":
            mon.close()
        assert [(e.detector, e.epoch, e.step) for e in mon.events] == [
            ("Patience(1)", 3, 3.0),
            ("GL(5)", 3, 3.0),
        ]
        assert mon.should_stop and mon.events[1].message_id == "gl.plain"


def test_close_prints_an_event_judged_there(capsys: pytest.CaptureFixture[str]) -> None:
    mon = Monitor(display="text", detectors=[GL(5)], print_interval=0)
    for epoch, val in enumerate([1.0, 0.9, 1.2], 1):
        mon.log(epoch, val_loss=val)
        if epoch < 3:
            mon.log(epoch, loss=1 / epoch)
    mon.close()
    out = capsys.readouterr().out
    assert "33.3% above its best (0.9 at epoch 2)" in out
    assert "-> stop suggested by GL(5) at epoch 3" in out
    mon.close()
    assert capsys.readouterr().out == ""


# validated at the start of each epoch, then trained; one last validation after the loop
HELD_VAL, HELD_TRAIN = [1.0, 0.8, 0.7, 0.75, 0.8], [1.0, 0.8, 0.6, 0.5]
READS = {
    "summary": lambda mon: mon.summary(),
    "repr": repr,
    "best": lambda mon: mon.best,
    "records": lambda mon: mon.records(),
    "history": lambda mon: mon.history("val_loss"),
    "to_csv": lambda mon: mon.to_csv(),
    "snapshot": lambda mon: mon.snapshot(),
}


def validate_first_then_once_more(*chosen: Detector, read_in_loop: str = "") -> Monitor:
    """The loop (``Patience(2)`` without ``chosen``); ``read_in_loop``: a result it reads
    between its two calls (to save a checkpoint)."""
    mon = Monitor(display=False, detectors=list(chosen) or [Patience(2)])
    for epoch, (train, val) in enumerate(zip(HELD_TRAIN, HELD_VAL[:4], strict=True), 1):
        mon.log(epoch, val_loss=val)
        if read_in_loop:
            READS[read_in_loop](mon)
        mon.log(epoch, loss=train)
    mon.log(5, val_loss=HELD_VAL[4])
    return mon


@pytest.mark.parametrize("read", list(READS))
def test_every_read_of_the_results_judges_the_epoch_held_back_for_its_training_loss(
    read: str,
) -> None:
    """Sweep s29 r3: a loop that never calls close(), should_stop or events lost the last
    epoch's event: summary() had none and repr() said "0 events" (only events, should_stop,
    snapshot() and close() judged the epoch still waiting for a training loss, and
    snapshot() only after taking its events)."""
    mon = validate_first_then_once_more()
    said = READS[read](mon)
    stop = mon.stop_event  # read without judging anything
    assert stop is not None and (stop.detector, stop.epoch) == ("Patience(2)", 5)
    if read == "summary":
        assert "1 event:\n  epoch 5: validation loss has not improved for 2 epochs" in said
    if read == "repr":
        assert said == "<Monitor: 5 epochs, best val_loss=0.7, 1 event>"
    if read == "snapshot":  # its events were taken before its should_stop judged that epoch
        assert [event["epoch"] for event in said["events"]] == [5] and said["should_stop"]
    assert [(e.epoch, e.message_id) for e in mon.events] == [(5, "patience.fire")]  # once


@pytest.mark.parametrize("read_in_loop", ["best", "records"])
def test_a_result_read_between_an_epochs_two_calls_changes_nothing_the_detectors_say(
    read_in_loop: str,
) -> None:
    """A checkpoint saved after the validation call reads ``best`` inside the loop: the
    training loss logged after it is still that epoch's (GL quotes it), and summary() after
    the loop tells the last epoch's event as for a loop that reads nothing."""
    quiet = validate_first_then_once_more(GL(5), Patience(2))
    reading = validate_first_then_once_more(GL(5), Patience(2), read_in_loop=read_in_loop)
    told = reading.summary()
    assert told == quiet.summary() and "2 events:" in told  # epochs 4 (GL) and 5 (Patience)
    gl, patience = reading.events
    assert (gl.epoch, patience.epoch) == (4, 5)
    assert "training loss is still falling (0.5 in the last epoch" in gl.message
    assert [e.message for e in reading.events] == [e.message for e in quiet.events]


def test_reading_the_results_twice_or_logging_the_training_loss_after_tells_it_once() -> None:
    mon = validate_first_then_once_more()
    assert repr(mon).endswith("1 event>") and repr(mon).endswith("1 event>")
    mon.log(5, loss=0.45)  # the training loss comes after all: judged again, not told again
    assert [(e.epoch, e.message_id) for e in mon.events] == [(5, "patience.fire")]


def test_a_lone_detector_judges_an_evaluation_held_back_at_close() -> None:
    gl = GL(5)
    for epoch, (train, val) in enumerate([(1.0, 1.0), (0.8, 0.9)], 1):
        gl.update(epoch, val_loss=val)
        gl.update(epoch, loss=train)
    assert gl.update(3, val_loss=1.0) is None  # held: its training loss may still come
    event = gl.close()
    assert event is not None and event.epoch == 3 and gl.close() is None


# ------------------------------------------------------------- a detector added after some epochs


def test_a_detector_added_later_catches_up_on_the_history_silently() -> None:
    mon = Monitor(display=False, detectors=[])
    va = [1.0, 0.5, 0.6, 0.7, 0.8, 0.9]
    for epoch in range(1, 4):
        mon.log(epoch, loss=1 / epoch, val_loss=va[epoch - 1])
    mon.detectors += [GL(5), Patience(2)]
    for epoch in range(4, 7):
        mon.log(epoch, loss=1 / epoch, val_loss=va[epoch - 1])
    assert mon.summary().startswith("best val_loss 0.5 at epoch 2")
    gl, patience = mon.events  # nothing said for the epochs before they were added
    assert (gl.epoch, patience.epoch) == (4, 4)
    assert gl.message.startswith("validation loss is 40.0% above its best (0.5 at epoch 2)")
    assert "has not improved for 2 epochs (best 0.5 at epoch 2)" in patience.message


@pytest.mark.parametrize("seed", range(10))
def test_a_detector_added_later_ends_as_one_there_from_the_start(seed: int) -> None:
    tr, va = random_curve(seed)
    added = len(va) // 2
    full = Monitor(display=False, detectors=some_detectors())
    late = Monitor(display=False, detectors=[])
    for epoch, (train, val) in enumerate(zip(tr, va, strict=True), 1):
        if epoch == added + 1:
            late.detectors.extend(some_detectors())
        for mon in (full, late):
            mon.log(epoch, loss=train)
            mon.log(epoch, val_loss=val)
    for whole, caught_up in zip(full.detectors, late.detectors, strict=True):
        seen = ("best", "best_epoch", "value", "epoch", "wait", "rises", "_strip", "_run")
        np.testing.assert_equal(  # NaN equals NaN here
            [getattr(whole, name, None) for name in seen],
            [getattr(caught_up, name, None) for name in seen],
        )
    assert all(e.epoch > added for e in late.events)


def test_valid_loss_keeps_the_training_losses_logged_before_its_first_validation() -> None:
    messages = []
    for name in ("val_loss", "valid_loss"):
        mon = Monitor(display=False)
        step = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for value in (0.5, 0.6):
                for _ in range(3):
                    step += 1
                    mon.log(step, train_loss=1.0 / step)
                mon.log(step, **{name: value})
        (event,) = mon.events
        messages.append((event.message_id, event.message))
    assert messages[0] == messages[1]
    # one training value after the best, where it was above the validation loss: too soon to
    # call it memorising; 0.6111 is the mean of the three logged before the first validation
    assert messages[1][0] == "gl.neutral"
    assert "0.2056 in the last epoch (against 0.6111 in epoch 1)" in messages[1][1]


# ------------------------------------------------------------- the training value of an epoch

EPOCH_LOSS = {1: 1.0, 2: 0.3, 3: 0.05, 4: 0.01, 5: 0.005, 6: 0.004, 7: 0.003, 8: 0.003, 9: 0.002}
EPOCH_LOSS[10] = 0.002


def log_every_fifth(mon: Monitor, val: dict[int, float], *, batches: int = 4) -> None:
    """Batches logged with epoch=, validation every 5th epoch in a call of its own (the
    pattern the monitor's warning suggests): each epoch's batches average EPOCH_LOSS."""
    for epoch in range(1, 11):
        for b in range(batches):
            mon.log(epoch=epoch, loss=EPOCH_LOSS[epoch] * (0.97 + 0.02 * b))
        if epoch in val:
            mon.log(epoch=epoch, val_loss=val[epoch])


def test_gl_quotes_the_training_loss_of_the_epochs_it_compares() -> None:
    mon = Monitor(display=False, detectors=[GL(5)])
    log_every_fifth(mon, {5: 0.2, 10: 0.3})
    (event,) = mon.events
    # epoch 5's own mean (0.005, 40 times below validation), not that of epochs 1 to 5 (0.273)
    assert event.message_id == "gl.overfit"
    assert "0.002 in epoch 10, down from 0.005 in epoch 5" in event.message


def test_a_detector_added_later_takes_each_epochs_own_training_loss_too() -> None:
    mon = Monitor(display=False, detectors=[])
    log_every_fifth(mon, {5: 0.2})
    mon.detectors.append(GL(5))
    mon.log(epoch=10, val_loss=0.3)
    (event,) = mon.events
    assert "0.002 in epoch 10, down from 0.005 in epoch 5" in event.message


def test_gap_and_pq_read_each_epochs_own_training_loss() -> None:
    gap, pq = Gap(0.2, patience=1), PQ(0.5, 2)
    mon = Monitor(display=False, detectors=[gap, pq])
    log_every_fifth(mon, {5: 0.2, 10: 0.3})
    gap, pq = mon.detectors
    assert gap.events[0].values["tr"] == pytest.approx(0.005)  # at epoch 5
    # Prechelt's strip holds one training value per epoch judged: epochs 5 and 10
    assert pq.progress == pytest.approx(1000 * ((0.005 + 0.002) / (2 * 0.002) - 1))


def test_a_validation_between_epochs_pairs_the_last_epoch_trained() -> None:
    # Lightning's val_check_interval=0.5 with check_val_every_n_epoch=2: epoch 0 trains only,
    # epoch 1 validates half-way (before its training mean is logged) and at its end
    mon = Monitor(display=False, detectors=[GL(5)])
    mon.log(epoch=0, loss=1.412)
    mon.log(epoch=0.5, val_loss=0.5663)
    mon.log(epoch=1, loss=0.9855, val_loss=0.6327)
    (event,) = mon.events
    # the half-way validation pairs with the last epoch trained before it (epoch 0's 1.412)
    assert event.message_id == "gl.neutral"
    assert "0.9855 in the last evaluation (against 1.412 in epoch 1)" in event.message
    # a zero-based loop logging training first: epoch 0 is known to be one at its validation,
    # and keeps the training value logged before it
    zero_based = Monitor(display=False, detectors=[Gap(0.0, patience=1)])
    for epoch, (train, val) in enumerate([(1.0, 1.2), (0.8, 0.9)]):
        zero_based.log(epoch, loss=train)
        zero_based.log(epoch, val_loss=val)
    assert [e.values["tr"] for e in zero_based.events] == [1.0]  # at epoch 0


def test_best_metrics_hold_the_training_loss_of_the_best_epoch() -> None:
    mon = Monitor(display=False, detectors=[])
    log_every_fifth(mon, {5: 0.2, 10: 0.3})
    assert mon.best is not None and mon.best.epoch == 5
    assert mon.best.metrics == pytest.approx({"loss": 0.005, "val_loss": 0.2})


def test_best_metrics_hold_the_training_loss_paired_with_a_validation_logged_alone() -> None:
    # a half-way validation (Lightning's val_check_interval=0.5) is the best: GL quotes epoch
    # 0's training loss against it, and best.metrics holds that loss too
    halfway = Monitor(display=False, detectors=[GL(5)])
    halfway.log(epoch=0, loss=1.412)
    halfway.log(epoch=0.5, val_loss=0.5663)
    halfway.log(epoch=1, loss=0.9855, val_loss=0.6327)
    assert "against 1.412 in epoch 1" in halfway.events[0].message
    assert halfway.best is not None
    assert halfway.best.metrics == pytest.approx({"loss": 1.412, "val_loss": 0.5663})
    # per-batch training at steps of their own, each validation at the next step: the mean
    # of the best epoch's batches, as GL quotes it
    per_batch = Monitor(display=False, detectors=[GL(5)])
    curves = zip([1.0, 0.5, 0.3, 0.2, 0.15], [1.0, 0.6, 0.5, 0.55, 0.6], strict=True)
    for epoch_loss, val in curves:
        for factor in (1.3, 0.9, 0.9, 0.9):
            per_batch.log(loss=epoch_loss * factor)
        per_batch.log(val_loss=val)
    (event,) = per_batch.events
    assert "0.2 in the last epoch, down from 0.3 in epoch 3" in event.message
    assert per_batch.best is not None and per_batch.best.epoch == 3
    assert per_batch.best.metrics == pytest.approx({"loss": 0.3, "val_loss": 0.5})


def log_validating_first(mon: Monitor, val: dict[int, float], batches: int = 4) -> None:
    """Validation at the start of each epoch (the model after the epoch before), then the
    epoch's batches, all with epoch=: each epoch's batches average EPOCH_LOSS, the first
    one far above it."""
    for epoch in range(1, 11):
        mon.log(epoch=epoch, val_loss=val[epoch])
        for b in range(batches):
            mon.log(epoch=epoch, loss=EPOCH_LOSS[epoch] * (2.5 if b == 0 else 0.5))


VAL_RISING = {e: 0.5 + 0.02 * abs(e - 5) for e in range(1, 11)}


def test_validating_first_pairs_the_batches_of_the_epoch_before() -> None:
    mon = Monitor(display=False, detectors=[GL(5), Patience(3)])
    log_validating_first(mon, VAL_RISING)
    mon.close()
    gl_event, patience_event = mon.events
    # epoch 5's validation follows epoch 4's 3 last batches (each 0.5 x 0.01) and comes
    # before epoch 5's first batch (2.5 x 0.005), which joins its row: their mean, as always
    paired = (3 * 0.5 * 0.01 + 2.5 * 0.005) / 4
    assert gl_event.epoch == 7 and f"down from {paired:.4g} in epoch 5" in gl_event.message
    assert patience_event.epoch == 8 and "NaN" not in patience_event.message
    assert mon.best is not None and mon.best.metrics["loss"] == pytest.approx(paired)


# ------------------------------------------------------------- resume()


def test_resume_lets_patience_stop_the_run_again_after_patience_more_epochs() -> None:
    mon = Monitor(display=False, detectors=[Patience(2)])
    stops = []
    for epoch in range(1, 11):
        mon.log(epoch, loss=1 / epoch, val_loss=abs(epoch - 2) + 1)
        if mon.should_stop:
            stops.append(epoch)
            mon.resume()  # a second fit
    assert stops == [4, 6, 8, 10]
    assert "has not improved for 8 epochs (best 1 at epoch 2)" in mon.events[-1].message


@pytest.mark.parametrize(
    ("detector", "curve"),
    [
        (GL(5), [1.0, 0.5, 0.6, 0.7, 0.8]),
        (UP(1, 1), [1.0, 0.5, 0.6, 0.7, 0.8]),
        (Divergence(), [1.0, 0.5, math.nan, math.nan, math.nan]),
    ],
    ids=repr,
)
def test_resume_lets_a_detector_whose_condition_still_holds_stop_again(
    detector: Detector, curve: list[float]
) -> None:
    mon = Monitor(display=False, detectors=[detector])
    for epoch, value in enumerate(curve[:3], 1):
        mon.log(epoch, val_loss=value)
    assert mon.should_stop and [e.epoch for e in mon.events] == [3]
    mon.resume()
    mon.log(4, val_loss=curve[3])
    assert mon.should_stop and [e.epoch for e in mon.events] == [3, 4]
