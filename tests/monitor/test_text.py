"""The text view of a monitor: a run that never validates still shows where it ended."""

from __future__ import annotations

import pytest

from nngraph.monitor import Monitor


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
