"""Comparing runs: the lab's small / medium / large hidden layers side by side."""

from __future__ import annotations

import pytest

from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor, Runs, Update, compare


def lab(runs: Runs) -> None:
    for name, bottom, turn in [("small", 0.40, 30), ("medium", 0.30, 20), ("large", 0.35, 8)]:
        mon = runs.new(name)
        for epoch in range(1, 41):
            mon.log(epoch, loss=1 / epoch, val_loss=bottom + abs(epoch - turn) / 100, val_acc=0.9)


def test_table_shows_each_runs_best_epoch_and_marks_the_winner() -> None:
    runs = Runs(display=False)
    lab(runs)
    lines = runs.table().splitlines()
    assert lines[0].split()[:5] == ["run", "epochs", "best", "epoch", "val_loss"]
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


def test_compare_existing_monitors() -> None:
    a = Monitor(display=False)
    b = Monitor(name="wide", display=False)
    a.log(1, val_loss=0.3)
    b.log(1, val_loss=0.2)
    runs = compare(a, b, display=False)
    assert runs.names == ["run 1", "wide"] and runs.winner() == "wide"
    assert runs["run 1"] is a


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


def test_runs_errors_are_clear() -> None:
    runs = Runs(display=False)
    runs.new("small")
    with pytest.raises(NNGraphError, match="already exists"):
        runs.new("small")
    with pytest.raises(NNGraphError, match="no run called"):
        runs["big"]
    with pytest.raises(NNGraphError):
        compare("not a monitor")  # type: ignore[arg-type]
