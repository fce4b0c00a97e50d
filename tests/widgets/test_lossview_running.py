"""The Stop button is live only while a cell that logs is executing (sweep CC, bug 1).

After a training cell ended, ``running`` came back True: the points still queued for the
monitor's trailing flush reached the view after ``_cell_ended`` had cleared it. A later click
then stopped a finished run and left ``should_stop`` set, so re-running the cell stopped at once.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from nngraph.monitor import Monitor
from nngraph.monitor._listeners import Update
from nngraph.widgets import LossView

TRAIN = """
for epoch in range(first, first + 5):
    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
    if epoch == first:  # a cell's first point is sent at once (the last flush is long ago)
        mon.flush()
        fed = view.running
    if mon.should_stop:
        break
"""


def run(shell: Any, code: str) -> None:
    from IPython.utils.capture import capture_output

    with capture_output():
        result = shell.run_cell(code)
    assert result.success, result.error_in_exec


@pytest.fixture
def view(shell: Any) -> Any:
    """A view shown by its own cell; a long flush interval keeps the training cell's last
    points queued until the cell ends, as a quick loop's are within 0.1 s."""
    shell.user_ns["mon"] = Monitor(detectors=[], display=False, flush_interval=60)
    run(shell, "view = ng.LossView.attach(mon)")
    shown = shell.user_ns["view"]
    yield shown
    shown.close()


def click_stop(view: LossView) -> None:
    view._on_custom(view, {"type": "stop"}, [])


def test_the_button_is_greyed_out_after_a_training_cell(shell: Any, view: LossView) -> None:
    run(shell, "first = 1\n" + TRAIN)
    assert shell.user_ns["fed"] is True  # live while the loop ran
    assert view.running is False  # the queued points were sent, and the button went grey
    mon = shell.user_ns["mon"]
    assert mon.epoch == 5 and view.full_snapshot()["runs"][""]["metrics"]["loss"]["step"][-1] == 5


def test_a_late_flush_of_the_cells_points_does_not_turn_the_button_on(
    shell: Any, view: LossView
) -> None:
    """The monitor's trailing flush runs in a timer's thread: it may hand the view points the
    cell logged after the cell has ended."""
    run(shell, "first = 1\n" + TRAIN)
    late = threading.Thread(target=view._on_update, args=(Update(points={"loss": ([5], [0.2])}),))
    late.start()
    late.join()
    assert view.running is False


def test_a_thread_training_on_after_its_cell_can_be_stopped(shell: Any, view: LossView) -> None:
    run(shell, "first = 1\n" + TRAIN)
    mon = shell.user_ns["mon"]
    stopped_at: list[int] = []

    def train() -> None:
        for epoch in range(6, 400):
            mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
            mon.flush()
            if epoch == 8:
                assert view.running  # the button is live again
                click_stop(view)
            if mon.should_stop:
                stopped_at.append(epoch)
                return

    thread = threading.Thread(target=train)
    thread.start()
    thread.join()
    assert stopped_at == [8] and mon.stop_event is not None


def test_a_click_after_the_cell_ended_does_nothing(shell: Any, view: LossView) -> None:
    run(shell, "first = 1\n" + TRAIN)
    mon = shell.user_ns["mon"]
    click_stop(view)
    assert not mon.should_stop and mon.stop_event is None
    assert not [e for e in mon.events if e.detector == "user"]
    run(shell, "first = 6\n" + TRAIN)  # the same cell run again trains its five epochs
    assert mon.epoch == 10 and shell.user_ns["fed"] is True
    assert view.running is False


def test_a_click_while_the_cell_runs_stops_the_loop(shell: Any, view: LossView) -> None:
    run(shell, "first = 1\n" + TRAIN)
    mon = shell.user_ns["mon"]
    # the click reaches the kernel while the second run's loop polls mon.should_stop
    shell.user_ns["click"] = lambda: click_stop(view)
    run(
        shell,
        "for epoch in range(6, 11):\n"
        "    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)\n"
        "    if epoch == 7:\n"
        "        click()\n"
        "    if mon.should_stop:\n"
        "        break\n",
    )
    assert shell.user_ns["epoch"] == 7 and mon.should_stop
    assert mon.stop_event is not None and mon.stop_event.detector == "user"
    assert view.running is False
