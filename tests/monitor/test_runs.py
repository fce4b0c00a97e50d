"""Comparing runs: the lab's small / medium / large hidden layers side by side."""

from __future__ import annotations

import warnings
from typing import Any, Literal

import pytest

import nngraph as ng
from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor, Runs, Update, compare
from tests.tables import columns


def lab(runs: Runs) -> None:
    for name, bottom, turn in [("small", 0.40, 30), ("medium", 0.30, 20), ("large", 0.35, 8)]:
        mon = runs.new(name)
        for epoch in range(1, 41):
            mon.log(epoch, loss=1 / epoch, val_loss=bottom + abs(epoch - turn) / 100, val_acc=0.9)


def test_table_shows_each_runs_best_epoch_and_marks_the_winner() -> None:
    runs = Runs(display=False)
    lab(runs)
    lines = runs.table().splitlines()
    assert columns(lines[0])[:4] == ["run", "epochs", "best epoch by val_loss", "val_loss"]
    medium = next(line for line in lines if line.startswith("medium"))
    assert medium.split()[:4] == ["medium", "40", "20", "0.3"] and "*" in medium
    assert runs.winner() == "medium"
    large = next(line for line in lines if line.startswith("large"))
    assert "Patience(20) @ 28" in large


def test_runs_in_a_script_print_lines_prefixed_by_the_run_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    runs = Runs(display="text")
    runs.new("small").log(1, loss=0.5, val_loss=0.6)
    assert capsys.readouterr().out.startswith("[small] epoch    1")


def test_one_listener_sees_every_run_tagged_by_name() -> None:
    runs = Runs(display=False)
    got: list[Update] = []
    runs.add_listener(got.append)
    lab(runs)
    runs.flush()
    assert {u.name for u in got} == {"small", "medium", "large"}
    snap = runs.snapshot(max_points=50)
    assert set(snap["runs"]) == {"small", "medium", "large"} and snap["winner"] == "medium"


def test_a_new_runs_first_point_reaches_a_shown_comparison_at_once() -> None:
    """The Stop button of a comparison acts on what its listener sees: the first point of a
    run started in it must not wait for the flush interval (demo 07 stops a run at epoch 1)."""
    runs = Runs(display=False)
    seen: list[str] = []
    runs.add_listener(lambda update: seen.append(update.name))
    run = runs.new("b", flush_interval=60.0)
    run.log(1, loss=1.0)
    assert seen == ["b"]


def test_a_finished_run_added_to_a_shown_comparison_reaches_its_listeners() -> None:
    """The view of compare(a, b) got nothing from a and b: its saved picture said "no runs
    yet" (sweep L, bug 3)."""
    a = Monitor(name="a", display=False)
    for epoch in (1, 2):
        a.log(epoch, loss=1 / epoch, val_loss=0.5 / epoch)
    runs = Runs(display=False)
    got: list[Update] = []
    runs.add_listener(got.append)
    runs.add(a, name="first")
    runs.add(Monitor(name="fresh", display=False))  # nothing logged: nothing to send
    assert [u.name for u in got] == ["first"]
    assert got[0].points == {
        "loss": ([1.0, 2.0], [1.0, 0.5]),
        "val_loss": ([1.0, 2.0], [0.5, 0.25]),
    }
    assert got[0].best is a.best


def test_points_a_run_still_holds_are_not_sent_twice_when_it_is_added() -> None:
    a = Monitor(display=False, flush_interval=60)
    own: list[Update] = []
    a.add_listener(own.append)
    a.log(1, loss=1.0)  # the first point is sent at once
    a.log(2, loss=0.5)  # this one waits for the next flush
    runs = Runs(display=False)
    got: list[Update] = []
    runs.add_listener(got.append)
    runs.add(a)
    a.flush()
    assert [u.points["loss"][0] for u in own] == [[1.0], [2.0]]
    assert [u.points["loss"][0] for u in got] == [[1.0, 2.0]]


def test_compare_existing_monitors() -> None:
    a = Monitor(display=False)
    b = Monitor(name="wide", display=False)
    a.log(1, val_loss=0.3)
    b.log(1, val_loss=0.2)
    runs = compare(a, b, display=False)
    assert runs.names == ["run 1", "wide"] and runs.winner() == "wide"
    assert runs["run 1"] is a


def test_the_stop_column_tells_a_stop_at_the_last_epoch_validated_before_training() -> None:
    """Sweep s29 r3: a loop that validates first, then once more after the loop (no close()),
    had Patience's stop at that last epoch missing from the table: nothing had judged it."""
    mon = Monitor(name="a", display=False, detectors=[ng.detectors.Patience(2)])
    for epoch, (train, val) in enumerate([(1.0, 1.0), (0.8, 0.8), (0.6, 0.7), (0.5, 0.75)], 1):
        mon.log(epoch, val_loss=val)
        mon.log(epoch, loss=train)
        assert mon.best is not None  # a checkpoint saved each epoch: results read in the loop
    mon.log(5, val_loss=0.8)
    (row,) = compare(mon, display=False).rows()
    assert row["stop"] == {"detector": "Patience(2)", "epoch": 5}


@pytest.mark.parametrize("first", [1, 0])
def test_loss_and_accuracy_logged_in_two_calls_per_epoch_rank_by_the_epoch_of_the_loss(
    first: int,
) -> None:
    """No validation set, loss and accuracy in two calls at one step: the table said 10 epochs
    and the best loss at epoch 5 (it counted calls); epochs 5 and 3 (2 counted from 0)."""
    mon = Monitor(name="two calls", display=False, detectors=[])
    for epoch, (loss, acc) in enumerate([(0.9, 0.5), (0.5, 0.7), (0.3, 0.8), (0.4, 0.9)], first):
        mon.log(epoch, loss=loss)
        mon.log(epoch, acc=acc)
    (row,) = compare(mon, display=False).rows()
    assert (row["epochs"], row["best_epoch"], row["best"]) == (
        4,
        2 + first,
        {"loss": 0.3, "acc": 0.8},
    )


def test_a_diverged_run_never_wins() -> None:
    diverged = Monitor(name="diverged", display=False)
    diverged.log(1, val_loss=float("-inf"))
    good = Monitor(name="good", display=False)
    good.log(1, val_loss=0.3)
    assert compare(diverged, good, display=False).winner() == "good"


def test_runs_compare_accuracy_highest_first() -> None:
    a = Monitor(name="a", metric="val_acc", display=False)
    a.log(1, val_acc=0.7)
    b = Monitor(name="b", metric="val_acc", display=False)
    b.log(1, val_acc=0.9)
    assert compare(a, b, metric="val_acc", display=False).winner() == "b"


def test_compare_by_another_metric_uses_that_metrics_own_best() -> None:
    m1 = Monitor(name="m1", display=False)  # each tracks its best val_loss
    m2 = Monitor(name="m2", display=False)
    for e in range(1, 6):
        m1.log(e, val_loss=1 / e, val_acc=0.5 + e / 20)
        m2.log(e, val_loss=2 / e, val_acc=0.95 if e == 2 else 0.6)
    runs = compare(m1, m2, metric="val_acc", display=False)
    assert runs.winner() == "m2"
    rows = {row["run"]: row for row in runs.rows()}
    assert rows["m2"]["best_epoch"] == 2
    assert rows["m2"]["best"] == {"val_loss": 1.0, "val_acc": 0.95}  # both at val_acc's best
    assert rows["m1"]["best_epoch"] == 5 and rows["m1"]["best"]["val_acc"] == 0.75
    m2_line = next(line for line in runs.table().splitlines() if line.startswith("m2"))
    assert m2_line.split()[:5] == ["m2", "5", "2", "0.95", "*"]


def test_a_run_tracking_another_metric_is_compared_by_the_runs_metric() -> None:
    runs = Runs(metric="val_acc", display=False)
    x = runs.new("x")
    y = runs.new("y", metric="val_loss")
    for e in range(1, 4):
        x.log(e, val_acc=e / 10, val_loss=1 / e)
        y.log(e, val_acc=0.95 if e == 1 else 0.5, val_loss=3 / e)
    assert runs.winner() == "y"
    assert [row["best"]["val_acc"] for row in runs.rows()] == [0.3, 0.95]
    loss_runs = compare(x, y, metric="val_loss", display=False)  # lowest, though x maximises
    assert loss_runs.winner() == "x" and loss_runs.rows()[0]["best_epoch"] == 3


def test_a_metric_logged_per_batch_has_no_best_epoch_but_its_value_counts() -> None:
    a = Monitor(name="a", display=False, detectors=[])
    b = Monitor(name="b", display=False, detectors=[])
    for mon, low in [(a, 0.2), (b, 0.1)]:
        for step in range(1, 9):
            mon.log(step, loss=low + abs(step - 5) / 10)
            if step % 4 == 0:
                mon.log(step, val_loss=0.5)
    runs = compare(a, b, metric="loss", display=False)
    assert runs.winner() == "b"
    assert [row["best_epoch"] for row in runs.rows()] == [None, None]
    assert runs.rows()[1]["best"]["loss"] == 0.1


def test_runs_without_validation_are_compared_by_their_training_loss() -> None:
    """Compared by val_loss, which they never logged: an empty table and no winner (sweep R)."""
    a = Monitor(name="a", display=False)
    b = Monitor(name="b", display=False)
    for epoch in range(1, 6):
        a.log(epoch, loss=0.2 + abs(epoch - 3) / 10)
        b.log(epoch, train_loss=0.1 + abs(epoch - 4) / 10)  # its own name for it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "val_loss is never logged"
        runs = compare(a, b, display=False)
        assert runs.metric == "loss" and runs.winner() == "b"
        rows = {row["run"]: row for row in runs.rows()}
        assert rows["a"]["best_epoch"] == 3 and rows["b"]["best_epoch"] == 4
        assert rows["b"]["best"] == {"loss": 0.1}
        lines = runs.table().splitlines()
    assert columns(lines[0]) == ["run", "epochs", "best epoch by loss", "loss", "stop"]
    assert lines[2].split() == ["b", "5", "4", "0.1", "*", "-"]


def test_runs_errors_are_clear() -> None:
    runs = Runs(display=False)
    runs.new("small")
    with pytest.raises(NNGraphError, match="no run called"):
        runs["big"]
    with pytest.raises(NNGraphError):
        compare("not a monitor")  # type: ignore[arg-type]


def test_a_run_made_again_under_its_name_replaces_the_old_one_in_its_place() -> None:
    """The lab's `for size in sizes: runs.new(f"hidden {size}")` cell run again (a size added)
    stopped at its first run: "a run called 'hidden 4' already exists", with no way out but to
    train every run again. The new run takes the old one's place, said in a warning."""
    runs = Runs(display=False)
    got: list[Update] = []
    runs.add_listener(got.append)
    old = runs.new("hidden 4", detectors=[])
    old.log(1, val_loss=0.9)
    runs.new("hidden 32", detectors=[]).log(1, val_loss=0.5)
    with pytest.warns(UserWarning, match="'hidden 4' was there already") as caught:
        new = runs.new("hidden 4", detectors=[])
    assert caught[0].filename == __file__
    new.log(1, val_loss=0.4)
    old.log(2, val_loss=0.1)  # the old run no longer feeds the comparison
    runs.flush()
    assert runs["hidden 4"] is new and runs.names == ["hidden 4", "hidden 32"]
    assert [row["best"]["val_loss"] for row in runs.rows()] == [0.4, 0.5]
    assert runs.winner() == "hidden 4"
    sent = [v for u in got for v in u.points.get("val_loss", ([], []))[1]]
    assert 0.4 in sent and 0.1 not in sent


def test_compare_by_another_metric_shows_the_best_epoch_as_the_user_numbered_it() -> None:
    every_fifth = Monitor(name="every_fifth", display=False, detectors=[])
    for epoch in range(1, 21):
        val = {"val_loss": 0.5, "val_acc": 1 - abs(epoch - 15) / 30} if epoch % 5 == 0 else {}
        every_fifth.log(epoch=epoch, loss=1 / epoch, **val)
    from_zero = Monitor(name="from_zero", display=False, detectors=[])
    for epoch in range(0, 10):
        from_zero.log(epoch=epoch, val_loss=1.0, val_acc=epoch / 10)
    runs = compare(every_fifth, from_zero, metric="val_acc", display=False)
    assert [row["best_epoch"] for row in runs.rows()] == [15, 9]
    assert runs.table().splitlines()[1].split()[:3] == ["every_fifth", "20", "15"]


def test_a_best_epoch_numbered_zero_by_the_user_is_shown() -> None:
    runs = Runs(display=False)
    for name, curve in {"early": [0.4, 0.6, 0.7], "late": [0.9, 0.5, 0.3]}.items():
        mon = runs.new(name)
        for epoch, val_loss in enumerate(curve):  # for epoch in range(3): zero-based
            mon.log(epoch=epoch, loss=val_loss - 0.1, val_loss=val_loss)
    assert [row["best_epoch"] for row in runs.rows()] == [0, 2]
    # epochs 0, 1 and 2: three epochs
    assert runs.table().splitlines()[1].split()[:3] == ["early", "3", "0"]


def test_zero_based_epoch_numbers_count_every_epoch_in_repr_and_the_table() -> None:
    mon = Monitor(display=False, name="zero-based", detectors=[])
    for epoch in range(30):  # the README's advice for a zero-based loop
        mon.log(epoch=epoch, loss=1 / (epoch + 1), val_loss=0.5 + abs(epoch - 10) / 100)
    assert mon.epoch == 29 and mon.epoch_count == 30
    assert "30 epochs" in repr(mon)
    row = compare(mon, display=False).table().splitlines()[1].split()
    assert row[:3] == ["zero-based", "30", "10"]
    one_based = Monitor(display=False, detectors=[])
    for epoch in range(5, 31, 5):  # validating every 5 epochs from epoch 5: 30 epochs
        one_based.log(epoch=epoch, val_loss=1 / epoch)
    assert one_based.epoch_count == 30 and "30 epochs" in repr(one_based)


def test_a_metric_logged_per_batch_keeps_the_users_epoch_numbers() -> None:
    mon = Monitor(name="batches", display=False, detectors=[])
    for epoch in range(3):
        for batch in range(4):
            mon.log(epoch=epoch, loss=abs(epoch * 4 + batch - 6) + 0.1)
    assert compare(mon, metric="loss", display=False).rows()[0]["best_epoch"] == 1


def test_compare_leaves_the_monitors_unchanged_and_can_compare_them_again() -> None:
    a, b, c = (Monitor(display=False) for _ in range(3))
    for mon, value in zip((a, b, c), (0.3, 0.2, 0.1), strict=True):
        mon.log(1, val_loss=value)
    assert compare(a, b, display=False).names == ["run 1", "run 2"]
    assert (a.name, b.name) == (None, None)
    again = compare(b, c, display=False)
    assert again.names == ["run 1", "run 2"] and again.winner() == "run 2"


def test_a_default_run_name_never_takes_a_name_in_use() -> None:
    runs = Runs(display=False)
    runs.add(Monitor(name="run 2", display=False))
    runs.add(Monitor(display=False))
    runs.add(Monitor(display=False))
    assert runs.names == ["run 2", "run 3", "run 4"]


def test_best_metrics_hold_the_training_loss_of_the_best_epoch() -> None:
    mon = Monitor(display=False, detectors=[], name="pb")  # per-batch training, then validation
    step = 0
    for epoch in range(1, 11):
        for _ in range(3):
            step += 1
            mon.log(step, loss=1 / step)
        mon.log(step, val_loss=0.5 + abs(epoch - 4) / 10)
        mon.log(step, val_acc=0.9 - abs(epoch - 4) / 100)  # joins the best row afterwards too
    # the mean of epoch 4's batches (steps 10 to 12), as its text line shows it
    assert mon.best is not None and mon.best.metrics == pytest.approx(
        {"loss": (1 / 10 + 1 / 11 + 1 / 12) / 3, "val_loss": 0.5, "val_acc": 0.9}
    )
    by_loss, by_acc = Runs(display=False), Runs(display=False, metric="val_acc")
    by_loss.add(mon)
    by_acc.add(mon)
    assert by_loss.rows()[0]["best"] == by_acc.rows()[0]["best"] == mon.best.metrics


def test_best_metrics_hold_the_training_loss_when_validation_is_logged_at_its_own_step() -> None:
    mon = Monitor(display=False, detectors=[], name="own")  # no epoch=, no step: 4 batches
    for epoch in range(1, 8):
        for b in range(4):
            mon.log(loss=(1.3 if b == 0 else 0.9) / epoch)  # the epoch's mean: 1 / epoch
        mon.log(val_loss=0.5 + abs(epoch - 3) / 10, val_acc=0.9 - abs(epoch - 3) / 100)
    assert mon.best is not None and mon.best.epoch == 3
    assert mon.best.metrics == pytest.approx({"loss": 1 / 3, "val_loss": 0.5, "val_acc": 0.9})
    by_loss, by_acc = Runs(display=False), Runs(display=False, metric="val_acc")
    by_loss.add(mon)
    by_acc.add(mon)
    assert by_loss.rows()[0]["best"] == pytest.approx(mon.best.metrics)
    assert by_acc.rows()[0]["best"] == pytest.approx(mon.best.metrics)


def test_best_metrics_without_validation_hold_the_best_steps_own_values() -> None:
    mon = Monitor(display=False, detectors=[], metric="loss")  # each logged step is a row
    for step in range(1, 11):
        mon.log(step, loss=abs(step - 9) / 9 + 1 / 9, acc=0.9 if step == 9 else 0.45)
    assert mon.best is not None and mon.best.epoch == 9
    assert mon.best.metrics == pytest.approx({"loss": 1 / 9, "acc": 0.9})
    runs = Runs(display=False, metric="loss")
    runs.add(mon)
    assert runs.rows()[0]["best"]["acc"] == pytest.approx(0.9)


def test_runs_follow_the_validation_loss_as_the_runs_log_it() -> None:
    runs = Runs(display=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "val_loss was never logged"
        for name, bottom in [("a", 0.4), ("b", 0.3)]:
            mon = runs.new(name)
            for epoch in range(1, 31):
                mon.log(epoch, train_loss=1 / epoch, valid_loss=bottom + abs(epoch - 10) / 50)
    assert runs.metric == "valid_loss" and runs.winner() == "b"
    assert [row["best_epoch"] for row in runs.rows()] == [10, 10]
    assert "valid_loss" in runs.table().splitlines()[0]
    assert all(mon.should_stop for mon in runs)  # their detectors watch valid_loss too
    assert compare(*runs, display=False).winner() == "b"


# ------------------------------------------------------- a maximised metric (val_acc) compared


def accuracy_run(name: str, start: float, step: float) -> Monitor:
    mon = Monitor(name=name, metric="val_acc", display=False)
    for epoch in range(1, 11):
        mon.log(epoch=epoch, loss=1 / epoch, val_acc=start + step * epoch)
    return mon


def test_compare_of_accuracy_runs_picks_the_highest_accuracy_and_its_epoch() -> None:
    small, large = accuracy_run("small", 0.5, 0.03), accuracy_run("large", 0.6, 0.035)
    runs = compare(small, large, display=False)
    assert (runs.metric, runs.mode, runs.winner()) == ("val_acc", "max", "large")
    assert [row["best_epoch"] for row in runs.rows()] == [10, 10]
    large_line = next(line for line in runs.table().splitlines() if line.startswith("large"))
    assert large_line.split()[:5] == ["large", "10", "10", "0.95", "*"]
    assert runs.snapshot()["mode"] == "max"
    # an explicit mode still wins over the metric's name
    assert compare(small, large, mode="min", display=False).winner() == "small"


def test_runs_new_with_an_accuracy_metric_maximises_it() -> None:
    runs = Runs(display=False)
    x, y = runs.new("x", metric="val_acc"), runs.new("y", metric="val_acc")
    for epoch in range(1, 6):
        x.log(epoch=epoch, val_acc=0.1 * epoch)
        y.log(epoch=epoch, val_acc=0.05 * epoch)
    assert x.mode == "max" and x.best is not None and (x.best.epoch, x.best.value) == (5, 0.5)
    assert "mode='max'" in repr(x.detectors[-1])  # its stop rule waits for a higher accuracy
    assert (runs.mode, runs.winner()) == ("max", "x")
    assert [row["best_epoch"] for row in runs.rows()] == [5, 5]


def test_runs_pass_down_only_a_mode_the_user_chose() -> None:
    runs = Runs(display=False, metric="val_reward", mode="max")
    assert runs.new("a").mode == "max"  # the user's mode, for the runs' metric
    assert runs.new("b", metric="val_loss").mode == "min"  # another metric: its own mode
    assert Runs(display=False, mode="max").new("c", metric="val_score").mode == "max"
    with pytest.raises(NNGraphError, match="mode must be"):
        Runs(display=False, mode="biggest")  # type: ignore[arg-type]


def test_a_run_named_with_a_newline_keeps_its_table_row() -> None:
    runs = Runs(display=False)
    runs.new("run\nA").log(1, val_loss=0.5)
    runs.new("B\x1b[2J").log(1, val_loss=0.4)
    lines = runs.table().splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("run\\nA ") and lines[2].startswith("B\\x1b[2J ")


# ------------------------------------------------ each run read under its own name for the metric


def test_runs_logging_the_validation_loss_under_different_names_are_compared() -> None:
    a, b, c, d = (Monitor(name=name, display=False, detectors=[]) for name in "abcd")
    for epoch in range(1, 4):
        a.log(epoch, loss=1.0, val_loss=0.5 / epoch)
        b.log(epoch, train_loss=1.0, valid_loss=0.1 / epoch)
        c.log(epoch, **{"train/loss": 1.0, "val/loss": 0.05 / epoch})
        d.log(epoch, loss=1.0)  # no validation at all
    runs = compare(a, b, c, d, display=False)
    assert runs.metric == "val_loss" and runs.winner() == "c"
    rows = {row["run"]: row for row in runs.rows()}
    assert rows["b"]["best"] == {"loss": 1.0, "val_loss": 0.1 / 3}  # in a's columns
    assert rows["c"]["best_epoch"] == 3 and rows["c"]["best"]["val_loss"] == 0.05 / 3
    assert rows["d"]["best"] == {} and rows["d"]["best_epoch"] is None
    lines = runs.table().splitlines()
    header = columns(lines[0])
    assert header.count("val_loss") == 1 and "valid_loss" not in header
    assert "val/loss" not in header
    cells = {line.split()[0]: line.split()[3:5] for line in lines[1:]}
    assert cells["b"][0] == "0.03333" and cells["c"] == ["0.01667", "*"]
    assert cells["d"][0] == "-"
    by_valid = compare(a, b, c, metric="valid_loss", display=False)  # a name no run chose
    assert by_valid.winner() == "c" and by_valid.rows()[0]["best"]["valid_loss"] == 0.5 / 3
    with pytest.warns(UserWarning, match="no run logged the metric 'val_acc'"):
        assert compare(a, b, c, metric="val_acc", display=False).winner() is None  # never logged


def finished(name: str, bottom: float) -> Monitor:
    mon = Monitor(name=name, display=False)
    for epoch in range(1, 4):
        mon.log(epoch, loss=1 / epoch, val_loss=bottom + epoch / 10)
    return mon


def test_compare_by_a_metric_no_run_logged_says_so_with_the_monitors_did_you_mean() -> None:
    # sweep 22a F5: a slip in metric= gave a table of dashes and no winner, without a word
    a, b = finished("a", 0.3), finished("b", 0.2)
    with pytest.warns(UserWarning) as caught:
        runs = compare([a, b], metric="val_los", display=False)
        assert runs.winner() is None and "-" in runs.table()
    (warning,) = [str(w.message) for w in caught]  # once, when compared
    assert warning.startswith("nngraph Runs: no run logged the metric 'val_los'")
    assert "(logged: loss, val_loss): did you mean 'val_loss'?" in warning  # the Monitor's words
    assert "metric='val_loss'" in warning
    with pytest.warns(UserWarning) as caught:
        compare(a, b, metric="val_acc", display=False)
    (warning,) = [str(w.message) for w in caught]
    assert "no run logged the metric 'val_acc'" in warning and "did you mean" not in warning


def test_runs_given_a_metric_no_run_logged_say_so_at_table_but_not_while_none_validated() -> None:
    runs = Runs(metric="val_los", display=False)
    training = Monitor(name="a", display=False)
    runs.add(training)
    training.log(1, loss=0.9)  # still training, before its first validation: nothing to say
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runs.table()
        assert compare(training, metric="val_los", display=False).winner() is None
    training.log(1, val_loss=0.8)
    with pytest.warns(UserWarning, match=r"nngraph Runs: .*did you mean 'val_loss'\?"):
        runs.table()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once
        runs.table()
        runs.winner()


def test_the_first_runs_name_heads_each_column() -> None:
    runs = Runs(display=False)
    runs.new("x").log(1, valid_loss=0.4, valid_acc=0.6)
    runs.new("y").log(1, val_loss=0.3, val_acc=0.9)
    assert (runs.metric, runs.winner()) == ("valid_loss", "y")
    assert runs.rows()[1]["best"] == {"valid_loss": 0.3, "valid_acc": 0.9}
    by_acc = compare(*runs, metric="val_acc", display=False)
    assert (by_acc.mode, by_acc.winner()) == ("max", "y")
    assert by_acc.rows()[0]["best"]["val_acc"] == 0.6


def test_accuracy_and_acc_are_one_metric_as_keras_and_other_code_spell_it() -> None:
    """Sweep s37: a run logging Keras's `val_accuracy` was "not ranked (no val_acc logged)",
    and another run was named the winner."""
    runs = Runs(display=False)
    for name, key, top in [
        ("a", "val_acc", 0.80),
        ("b", "val_accuracy", 0.90),
        ("c", "valid_acc", 0.85),
    ]:
        mon = runs.new(name, metric=key, detectors=[])
        for epoch in range(1, 21):
            mon.log(epoch, accuracy=0.9, **{key: top - abs(epoch - 10) / 100})
    assert runs.winner() == "b"
    assert "not ranked" not in runs.table()
    assert [row["best"]["val_acc"] for row in runs.rows()] == [0.80, 0.90, 0.85]
    assert all(list(row["best"]) == ["val_acc", "accuracy"] for row in runs.rows())  # one column


def test_a_run_logging_val_accuracy_restores_the_best_the_table_marks() -> None:
    """Sweep s48 teacher, finding 2: `Runs(metric="val_acc")` and a run that logs Keras's
    `val_accuracy`: the table marked its best epoch, 2, while the run's own monitor had no best
    (`val_acc` never logged) and `restore_best()` refused: demo 07's recipe failed."""
    torch = pytest.importorskip("torch")
    net = torch.nn.Linear(2, 1)
    runs = Runs(metric="val_acc", display=False)
    mon = runs.new("keras-style", model=net)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch, acc in enumerate([0.5, 0.9, 0.7], 1):
            with torch.no_grad():
                net.weight.fill_(epoch)
            mon.log(epoch, loss=1 / epoch, val_accuracy=acc)
    assert not [w for w in caught if "val_acc" in str(w.message)]  # no "did you mean"
    (row,) = runs.rows()
    assert mon.best is not None and mon.best.epoch == row["best_epoch"] == 2
    runs["keras-style"].restore_best()
    assert net.weight.flatten().tolist() == [2.0, 2.0]


def test_the_same_monitor_cannot_be_added_twice() -> None:
    a = Monitor(name="a", display=False)
    a.log(1, val_loss=0.3)
    runs = Runs(display=False)
    runs.add(a)
    with pytest.raises(NNGraphError, match="already one of the runs, as 'a'"):
        runs.add(a, name="a2")
    assert runs.names == ["a"]
    made = runs.new("b")
    with pytest.raises(NNGraphError, match="already one of the runs, as 'b'"):
        runs.add(made)


class _View:
    """A stand-in for the live view (no widgets here): counts how often it is shown."""

    comm = object()

    def __init__(self) -> None:
        self.shown = 1  # attach_view shows it

    def show(self) -> None:
        self.shown += 1


def finished_runs() -> tuple[Monitor, Monitor]:
    a, b = Monitor(name="a", display=False), Monitor(name="b", display=False)
    for epoch in range(1, 4):
        a.log(epoch, val_loss=1 / epoch)
        b.log(epoch, val_loss=2 / epoch)
    return a, b


def test_compare_as_a_cells_last_line_shows_its_view_not_the_table_again(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ng.compare(mon1, mon2)` as the last line showed the live view and then the same table
    as text (its repr); `runs` alone showed only text, unlike `mon` and `watch` (sweep 18c)."""
    from IPython.testing import globalipapp

    from nngraph.monitor import _display

    globalipapp.start_ipython()
    shell = globalipapp.get_ipython()
    views: list[_View] = []

    def attach_view(source: Any) -> _View:
        views.append(_View())
        return views[-1]

    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    monkeypatch.setattr(_display, "attach_view", attach_view)
    a, b = finished_runs()
    for name, value in {"a": a, "b": b, "compare": compare, "runs": None}.items():
        monkeypatch.setitem(shell.user_ns, name, value)  # gone after the test
    capsys.readouterr()
    assert shell.run_cell("runs = compare(a, b)\nruns").success
    assert "val_loss" not in capsys.readouterr().out  # no table as text: the view says it
    [view] = views
    assert shell.user_ns["runs"].view is view and view.shown == 2  # shown again: the same view
    assert shell.run_cell("compare(a, b, display=False)").success  # as a Monitor does: a view
    assert len(views) == 2 and "val_loss" not in capsys.readouterr().out


def test_runs_as_a_cells_value_outside_a_notebook_is_its_table(
    displayed: list[tuple[Any, bool]],
) -> None:
    runs = compare(*finished_runs(), display=False)
    runs._ipython_display_()  # what IPython calls for `runs` as a terminal cell's last line
    assert displayed == [({"text/plain": runs.table()}, True)] and repr(runs) == runs.table()


def _finished(name: str | None, value: float) -> Monitor:
    mon = Monitor(name=name, display=False)
    mon.log(1, val_loss=value)
    return mon


def test_compare_takes_one_list_tuple_or_dict_of_monitors() -> None:
    """Sweep 19c §11: ng.compare(results) with a dict, or with a list, was refused."""
    a, b = _finished("plain", 0.4), _finished("dropout", 0.3)
    for given in ([a, b], (a, b), {"plain": a, "dropout": b}, {"x": a, "y": b}.values()):
        runs = compare(given, display=False)
        assert runs.names == ["plain", "dropout"] and runs.winner() == "dropout"
    named_by_key = compare(
        {"lr=0.1": _finished(None, 0.2), "lr=1": _finished(None, 0.5)}, display=False
    )
    assert named_by_key.names == ["lr=0.1", "lr=1"]  # a monitor without a name: the key's
    assert compare({0.1: _finished(None, 0.2)}, display=False).names == ["0.1"]


def test_a_dict_key_names_its_run_even_when_the_monitor_has_a_name() -> None:
    # the keys tell apart monitors made with one name in a loop over settings
    runs = compare({"lr=0.1": _finished("mlp", 0.2), "lr=1": _finished("mlp", 0.5)}, display=False)
    assert runs.names == ["lr=0.1", "lr=1"] and runs.winner() == "lr=0.1"
    mixed = compare({"b": _finished(None, 0.2), "x": _finished("b", 0.5)}, display=False)
    assert mixed.names == ["b", "x"]


def test_compare_with_something_else_says_how_to_call_it_without_a_long_repr() -> None:
    monitors = {f"run{i}": _finished(f"run{i}", 0.1 * i) for i in range(1, 6)}
    with pytest.raises(NNGraphError) as caught:
        compare(monitors, _finished("other", 0.2))  # type: ignore[arg-type]
    text = str(caught.value)
    assert "ng.compare(mon_a, mon_b)" in text and "ng.compare(results)" in text
    assert "(dict)" in text and len(text) < 250
    with pytest.raises(NNGraphError, match=r"got 'not a monitor' \(str\)"):
        compare("not a monitor")  # type: ignore[arg-type]
    with pytest.raises(NNGraphError, match=r"got 3 \(int\)"):
        compare([_finished("a", 0.1), 3])  # type: ignore[list-item]


def test_runs_that_tie_are_all_marked_and_the_table_says_it_is_a_tie() -> None:
    """Sweep 21a, finding 11 (R26): SGD, Adam and SGD lr=5 all reach 13/15 on the lecture's
    validation set; one run was starred and named the winner, so SGD seemed to beat Adam."""
    mons = {}
    for name, curve in [
        ("SGD", [0.6, 0.8, 13 / 15, 0.8]),
        ("Adam", [0.7, 0.8666667, 0.8, 0.8]),  # 13/15 computed in float32
        ("SGD lr=5", [13 / 15, 0.6, 0.5, 0.5]),
        ("tiny", [0.5, 0.6, 0.6, 0.6]),
    ]:
        mon = Monitor(display=False, metric="val_acc")
        for epoch, acc in enumerate(curve, 1):
            mon.log(epoch, loss=1 / epoch, val_acc=acc)
        mons[name] = mon
    runs = compare(mons, display=False)
    assert runs.winners() == ["SGD", "Adam", "SGD lr=5"] and runs.winner() == "SGD"
    lines = runs.table().splitlines()
    assert [line.split()[0] for line in lines[1:5] if "*" in line] == ["SGD", "Adam", "SGD"]
    assert lines[-1] == "* a tie: SGD, Adam and SGD lr=5 reach the same best val_acc (0.8667)"
    assert runs.snapshot()["winners"] == ["SGD", "Adam", "SGD lr=5"]
    ng.set_language("pl")
    assert runs.table().splitlines()[-1] == (
        "* remis: SGD, Adam i SGD lr=5 osiągają ten sam najlepszy wynik val_acc (0,8667)"
    )


def test_a_clear_winner_gets_no_tie_line() -> None:
    runs = Runs(display=False)
    runs.new("a").log(1, val_loss=0.5)
    runs.new("b").log(1, val_loss=0.4999)
    assert runs.winners() == ["b"] and "tie" not in runs.table()


def small_and_big_by_accuracy() -> dict[str, Monitor]:
    """The lab's loop logging the training loss and the validation accuracy, no val_loss: the
    big model memorises (its training loss falls further) while its accuracy falls."""
    small, big = Monitor(display=False), Monitor(display=False)
    for epoch in range(1, 6):
        small.log(epoch, loss=0.6 - 0.05 * epoch, val_acc=0.70 + 0.04 * epoch)
        big.log(epoch, loss=0.5 - 0.09 * epoch, val_acc=0.80 - 0.02 * epoch)
    return {"small": small, "big": big}


def test_runs_logging_a_validation_accuracy_but_no_validation_loss_are_ranked_by_it() -> None:
    """Sweep s31 (1): they were ranked by their training loss, and the big model won."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        runs = compare(small_and_big_by_accuracy(), display=False)
        assert (runs.metric, runs.mode, runs.winner()) == ("val_acc", "max", "small")
        rows = {row["run"]: row for row in runs.rows()}
        assert rows["small"]["best_epoch"] == 5 and rows["big"]["best_epoch"] == 1
        assert rows["big"]["best"] == pytest.approx({"val_acc": 0.78, "loss": 0.41})
        lines = runs.table().splitlines()
    assert columns(lines[0])[2:4] == ["best epoch by val_acc", "val_acc"]
    assert "*" in lines[1] and lines[1].startswith("small")
    assert (
        lines[-1] == "compared by val_acc: no run logged val_loss, the metric their monitors watch"
    )
    ng.set_language("pl")
    assert runs.table().splitlines()[-1] == (
        "porównanie według val_acc: żaden przebieg nie zapisał val_loss, metryki śledzonej przez"
        " ich monitory"
    )


def test_without_the_watched_metric_the_validation_metric_most_runs_logged_counts() -> None:
    runs = Runs(display=False)
    runs.new("a").log(1, loss=0.3, val_f1=0.4, val_acc=0.9)
    runs.new("b").log(1, loss=0.2, **{"valid/acc": 0.8})  # its own name for it
    runs.new("c").log(1, loss=0.1)  # no validation yet: not counted, not said
    assert (runs.metric, runs.mode, runs.winner()) == ("val_acc", "max", "a")
    assert [row["best"].get("val_acc") for row in runs.rows()] == [0.9, 0.8, None]
    assert runs.table().splitlines()[-1].startswith("compared by val_acc: no run logged val_loss")
    given = Runs(metric="val_f1", display=False)  # the user's choice: no line says why
    given.new("a").log(1, val_f1=0.4)
    assert "compared by" not in given.table()


def test_a_run_that_never_logged_the_compared_metric_is_said_not_ranked() -> None:
    a, b, c = (Monitor(name=name, display=False) for name in "abc")
    for epoch in range(1, 4):
        a.log(epoch, loss=1 / epoch, val_loss=0.5 / epoch, val_acc=0.5 + epoch / 10)
        b.log(epoch, loss=1 / epoch, val_acc=0.6 + epoch / 10)  # forgot val_loss
        c.log(epoch, loss=1 / epoch)  # no validation set
    runs = compare(a, b, c, display=False)
    assert runs.metric == "val_loss" and runs.winner() == "a"
    assert runs.table().splitlines()[-1] == (
        "not ranked (no val_loss logged): b; to compare by val_acc, which they log too:"
        " metric='val_acc'"
    )
    by_acc = compare(a, b, c, metric="val_acc", display=False)
    assert by_acc.winner() == "b" and "not ranked" not in by_acc.table()
    ng.set_language("pl")
    assert runs.table().splitlines()[-1].startswith("poza rankingiem (nie zapisano val_loss): b;")
    only_loss, only_acc = _finished("x", 0.3), Monitor(name="y", display=False)
    only_acc.log(1, val_acc=0.8)  # no metric both log: nothing more to offer
    lines = compare(only_loss, only_acc, display=False).table().splitlines()
    assert lines[-1] == "poza rankingiem (nie zapisano val_loss): y"


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Stop button @ 2"), ("pl", "przycisk Zatrzymaj @ 2")]
)
def test_the_stop_column_says_the_stop_button_as_the_view_says_it(
    language: str, words: str
) -> None:
    """Sweep s31 (3): the table said "user @ 2" where the view says "Stop button"."""
    ng.set_language(language)
    runs = Runs(display=False)
    view = ng.LossView(runs)
    mon = runs.new("a")
    mon.log(1, loss=1.0, val_loss=0.5)
    mon.log(2, loss=0.9, val_loss=0.45)
    runs.flush()
    view.stop()
    assert mon.should_stop and runs.rows()[0]["stop"] == {"detector": "user", "epoch": 2}
    line = runs.table().splitlines()[1]
    assert line.endswith(words) and "user" not in line
    assert words in view._repr_mimebundle_()[0]["text/plain"]  # the saved picture's text
    assert words in view._repr_mimebundle_()[0]["text/html"]
    view.close()


def test_compare_of_a_runs_says_that_it_compares_its_runs_already() -> None:
    runs = Runs(display=False)
    runs.new("a").log(1, val_loss=0.5)
    for given in ((runs,), ([runs],), ({"x": runs},)):
        with pytest.raises(NNGraphError) as caught:
            compare(*given, display=False)  # type: ignore[arg-type]
        text = str(caught.value)
        assert "already compares its runs" in text and "print(runs.table())" in text
        assert "best epoch" not in text  # not its table pasted into the message
    assert compare(runs.monitors, metric="val_loss", display=False).names == ["a"]  # as it says


def test_compare_takes_any_iterable_of_monitors() -> None:
    a, b = _finished("a", 0.4), _finished("b", 0.3)
    assert compare((m for m in (a, b)), display=False).names == ["a", "b"]
    assert compare(iter([a, b]), display=False).winner() == "b"
    assert compare(dict(x=a, y=b).values(), display=False).names == ["a", "b"]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_default_name_never_takes_a_name_given_later_in_compare(language: str) -> None:
    ng.set_language(language)
    default = ng.i18n.message("monitor.runs.default_name", i=1)
    named = _finished(default, 0.2)
    runs = compare(_finished(None, 0.4), named, display=False)
    assert runs.names == [ng.i18n.message("monitor.runs.default_name", i=2), default]
    assert runs[default] is named and runs.winner() == default
    assert compare(_finished(None, 0.4), _finished(None, 0.3), display=False).names == [
        default,
        ng.i18n.message("monitor.runs.default_name", i=2),
    ]


def test_dict_keys_that_read_the_same_are_refused_with_both_keys_named() -> None:
    with pytest.raises(NNGraphError, match=r"dict keys 1 and '1', which both name a run '1'"):
        compare({1: _finished(None, 0.4), "1": _finished(None, 0.3)}, display=False)
    assert compare(
        {0.1: _finished(None, 0.3), 0.01: _finished(None, 0.5)}, display=False
    ).names == [
        "0.1",
        "0.01",
    ]


@pytest.mark.parametrize("given", [(), ([],), ({},), (iter([]),)], ids=["none", "[]", "{}", "iter"])
def test_compare_of_no_monitors_says_what_to_pass(given: tuple[Any, ...]) -> None:
    with pytest.raises(NNGraphError, match=r"compare\(\) got no monitors") as caught:
        compare(*given, display=False)
    assert "ng.compare(mon_a, mon_b)" in str(caught.value)
    assert "runs.new" not in str(caught.value)


def by_poprawnosc() -> dict[str, Monitor]:
    """Two runs logging a validation metric whose name does not say which way is better."""
    a, b = Monitor(display=False), Monitor(display=False)
    for epoch in range(1, 6):
        a.log(epoch, loss=1 / epoch, val_poprawnosc=0.5 + 0.05 * epoch)
        b.log(epoch, loss=0.5 / epoch, val_poprawnosc=0.9 - 0.05 * epoch)
    return {"a": a, "b": b}


@pytest.mark.parametrize(
    ("metric", "mode", "says"),
    [
        ("val_loss", "max", 'mode="min"'),
        (None, "max", 'mode="min"'),
        ("val_acc", "min", 'mode="max"'),
    ],
)
def test_runs_warn_of_a_mode_against_the_metrics_name_once(
    metric: str | None, mode: Literal["min", "max"], says: str
) -> None:
    """Left alone in s43: `compare(..., mode="max")` on the validation loss crowned the run
    with the worst loss in silence, where a Monitor warns of the same slip. A run the Runs
    makes with its mode is not warned of it again; the mode given stays."""
    with pytest.warns(UserWarning, match=f"nngraph Runs: mode=.* {says}") as caught:
        runs = compare(Monitor(display=False), metric=metric, mode=mode, display=False)
    assert len(caught) == 1 and caught[0].filename == __file__
    with pytest.warns(UserWarning, match=f"nngraph (Runs|Monitor): mode=.* {says}") as caught:
        made = Runs(metric=metric, mode=mode, display=False)
        made.new("a").log(1, loss=0.5, val_loss=0.5, val_acc=0.5)
        made.table()
    assert len(caught) == 1 and caught[0].filename == __file__
    assert runs.mode == made.mode == made["a"].mode == mode
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Runs(metric="val_loss", mode="min", display=False).new("a")
        Runs(metric="val_acc", mode="max", display=False).new("b")


def test_runs_say_once_that_a_metric_name_does_not_say_which_way_is_better() -> None:
    """Sweep s31 regression (3): runs ranked by `val_poprawnosc` were won by its lowest value,
    with no word, while a Monitor watching it warns that it takes it for a loss."""
    with pytest.warns(UserWarning) as caught:
        runs = compare(by_poprawnosc(), display=False)
        assert (runs.metric, runs.mode, runs.winner()) == ("val_poprawnosc", "min", "a")
        assert runs.table() and runs.rows() and runs.snapshot()
    said = [str(w.message) for w in caught]
    assert said == [
        "nngraph Runs: the name of metric 'val_poprawnosc' does not say whether higher or lower"
        " is better, so it is taken as a loss (lower is better) and the run with its lowest"
        ' value wins; for an accuracy or a score pass mode="max" (compare(..., mode="max") or'
        ' Runs(mode="max")), and mode="min" to keep it a loss without this warning.'
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a mode given, or a name that says it: nothing to say
        assert compare(by_poprawnosc(), mode="max", display=False).winner() == "b"
        assert compare(small_and_big_by_accuracy(), display=False).mode == "max"
    ng.set_language("pl")
    runs = Runs(display=False)
    runs.new("a").log(1, loss=0.3, val_poprawnosc=0.7)
    with pytest.warns(UserWarning, match="z nazwy metryki 'val_poprawnosc' nie wynika, czy"):
        runs.table()


def test_runs_compared_by_another_metric_than_their_monitors_keep_say_what_restore_gives() -> None:
    """compare(..., metric="val_acc") of monitors keeping their best val_loss weights: the table
    said epoch 5, restore_best() silently put back epoch 2 (sweep s33 Q, finding 2)."""
    import torch

    runs = {}
    for name in "ab":
        net = torch.nn.Linear(2, 1)
        mon = runs[name] = Monitor(model=net, display=False, detectors=[])
        pairs = zip([0.5, 0.6, 0.7], [0.3, 0.2, 0.25], strict=True)
        for epoch, (acc, val) in enumerate(pairs, start=1):
            mon.log(epoch, loss=1 / epoch, val_acc=acc, val_loss=val)
    by_acc = compare(runs, metric="val_acc", display=False)
    assert by_acc.table().splitlines()[-1] == (
        "restore_best() puts back a run's best by val_loss, the metric its monitor watches,"
        " not the best by val_acc shown here; to keep those weights, give metric='val_acc' to"
        " the monitors (ng.Monitor or NNGraphCallback)"
    )
    assert "restore_best()" not in compare(runs, metric="loss", display=False).table()
    assert "restore_best()" not in compare(runs, display=False).table()  # by val_loss: the same


def test_runs_compared_by_a_training_loss_logged_per_batch_say_one_batch_decides() -> None:
    """No validation, batches logged with epoch=: the run with one lucky batch (0.01) won
    over a steady 0.3 with no word (sweep s33 Q, finding 1)."""
    runs = Runs(display=False)
    for name, batches in [("noisy", [0.9, 0.01, 0.9, 0.9]), ("steady", [0.3] * 4)]:
        mon = runs.new(name, detectors=[])
        for epoch in range(1, 4):
            for i, value in enumerate(batches, start=1):
                mon.log(epoch=epoch - 1 + i / 4, loss=value)
    assert (
        runs.table()
        .splitlines()[-1]
        .startswith(
            "loss is logged batch by batch, so a run's best is the value of a single batch (its"
            " lowest)"
        )
    )
    by_acc = Runs(metric="acc", display=False)
    for name in "ab":
        mon = by_acc.new(name, detectors=[])
        for i in range(1, 5):
            mon.log(epoch=i / 4, acc=i / 10)
    assert "(its highest)" in by_acc.table().splitlines()[-1]
    validated = Runs(metric="loss", display=False)  # a choice: the runs do validate
    for name in "ab":
        mon = validated.new(name, detectors=[])
        for epoch in range(1, 7):
            mon.log(epoch, loss=1 / epoch, **({"val_loss": 1 / epoch} if epoch % 3 == 0 else {}))
    assert "batch by batch" not in validated.table()
    per_epoch = Runs(display=False)
    per_epoch.new("a").log(1, loss=0.5), per_epoch.new("b").log(1, loss=0.4)
    assert "batch by batch" not in per_epoch.table()


def test_runs_whose_monitors_watch_different_metrics_say_whose_decides() -> None:
    """compare(A, B) and compare(B, A) crowned different winners, each by the first run's
    metric, and no line said why (sweep s34 A, finding 2)."""
    acc = Monitor(display=False, name="A", metric="val_acc")
    loss = Monitor(display=False, name="B")
    for epoch, (la, aa, lb, ab) in enumerate([(0.9, 0.6, 0.8, 0.62), (0.65, 0.8, 0.45, 0.72)], 1):
        acc.log(epoch, loss=1 / epoch, val_loss=la, val_acc=aa)
        loss.log(epoch, loss=1 / epoch, val_loss=lb, val_acc=ab)
    first = compare(acc, loss, display=False).table()
    assert "the runs' monitors watch different metrics (val_acc, val_loss): compared by" in first
    assert "val_acc, which run 'A' watches (the first run to log the metric it watches)" in first
    assert "metric='val_loss'" in first
    assert (
        "compared by val_loss, which run 'B' watches" in compare(loss, acc, display=False).table()
    )
    same = compare(loss, Monitor(display=False, name="C"), display=False)
    assert "watch different metrics" not in same.table()


def test_the_watched_metrics_line_names_the_run_that_logged_its_own_and_a_logged_other() -> None:
    """It named a run that had logged nothing, and suggested a metric no run logged
    (regression sweep s34 RG1, findings 3 and 4)."""
    a = Monitor(display=False, name="A")
    a.log(epoch=1, loss=1.0)
    b = Monitor(display=False, name="B", metric="val_acc")
    b.log(epoch=1, loss=1.0, val_loss=0.8)
    c = Monitor(display=False, name="C")
    c.log(epoch=1, loss=1.0, val_loss=0.7)
    assert "watch different metrics" not in compare(a, b, c, display=False).table()
    b.log(epoch=2, loss=0.9, val_loss=0.75, val_acc=0.6)
    table = compare(a, b, c, display=False).table()
    assert "compared by val_acc, which run 'B' watches" in table  # the first to log its own
    assert "pass it: metric='val_loss'" in table


def test_tables_as_a_cells_last_line_show_their_lines() -> None:
    """Sweep s40 (helper nb): `runs.table()` and `watch.table()` as a cell's last line showed
    a quoted string full of `\\n`; `g.summary()` and `mon.summary()` show their lines."""
    import torch
    from IPython.lib.pretty import pretty

    runs = Runs(display=False)
    runs.new("a").log(1, val_loss=0.5)
    net = torch.nn.Linear(2, 1)
    watch = ng.GradientWatch(net)
    net(torch.ones(1, 2)).sum().backward()
    watch.step()
    for table in (runs.table(), watch.table()):
        assert pretty(table) == table and "\n" in table and isinstance(table, str)


def test_a_misspelt_option_of_runs_new_is_named_with_the_options_there_are() -> None:
    """Sweep s41 (esc, finding 5): a TypeError from inside nngraph about Monitor.__init__, a
    call the student never wrote."""
    runs = Runs(display=False)
    with pytest.raises(NNGraphError, match=r"runs\.new\(\) has no option 'detectrs' \(did you"):
        runs.new("small", detectrs=[])
    assert runs.names == []
    with pytest.raises(NNGraphError, match=r"no option 'colour'; .*: detectors, metric, mode"):
        runs.new("small", colour="red")
    assert runs.new("small", metric="val_acc").metric == "val_acc"


def test_the_table_lines_up_runs_named_in_cjk_or_emoji_by_the_columns_they_take() -> None:
    """Sweep s41 (esc, finding 4): the table padded names by len(), so a row named 学习率大 or
    🔥🔥 stood two or four columns to the right of the others."""
    from nngraph._oneline import shown_width

    runs = Runs(display=False)
    for name in ["学习率大", "ab", "🔥🔥"]:
        run = runs.new(name)
        for epoch in (1, 2):
            run.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
    rows = str(runs.table()).splitlines()[1:4]
    starts = {shown_width(row[: row.index("  2")]) for row in rows}  # where "epochs" stands
    assert len(starts) == 1, rows
