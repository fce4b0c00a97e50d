"""Monitor.request_stop: an outside request (the live view's Stop button) ends training."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import nngraph as ng
from nngraph.monitor import Monitor, Update
from nngraph.monitor.detectors import Patience


def test_request_stop_turns_should_stop_on_and_tells_listeners() -> None:
    mon = Monitor(detectors=[], display=False)
    got: list[Update] = []
    mon.add_listener(got.append)
    mon.log(1, loss=0.5, val_loss=0.6)
    assert not mon.should_stop
    event = mon.request_stop("stopped by the teacher")
    assert mon.should_stop
    assert mon.stop_event is event
    assert (event.detector, event.kind, event.stop, event.epoch) == ("user", "stop", True, 1)
    assert event.message == "stopped by the teacher"
    mon.flush()
    assert any(event in u.events for u in got)
    assert mon.request_stop("again") is event  # idempotent: one user event
    assert [e.detector for e in mon.events] == ["user"]


def test_default_reason_and_an_earlier_detector_stop_stays_first() -> None:
    mon = Monitor(detectors=[Patience(1)], display=False)
    for epoch, v in enumerate([1.0, 1.1, 1.2], start=1):
        mon.log(epoch, val_loss=v)
    first = mon.stop_event
    assert first is not None and first.detector.startswith("Patience")
    event = mon.request_stop()
    assert "epoch 3" in event.message
    assert mon.stop_event is first


def test_should_stop_lets_the_view_poll_first() -> None:
    mon = Monitor(detectors=[], display=False)

    class View:
        polls = 0

        def poll(self) -> None:
            View.polls += 1
            mon.request_stop("clicked")

    view: Any = View()
    mon.view = view
    assert mon.should_stop
    assert View.polls == 1


def test_a_stop_withdrawn_by_resume_can_be_asked_for_again() -> None:
    mon = Monitor(display=False, detectors=[])
    mon.log(1, loss=0.5)
    first = mon.request_stop()
    mon.resume()
    assert not mon.should_stop and first in mon.events
    mon.log(2, loss=0.4)
    second = mon.request_stop()
    assert mon.should_stop and second is not first and second.epoch == 2


def test_stop_requested_tells_a_click_from_a_detector_stop() -> None:
    """A loop that trains on past a detector's advice (to show the rise of the validation
    loss) still stops at once when the Stop button is clicked."""
    mon = Monitor(detectors=[Patience(1)], display=False)
    for epoch, v in enumerate([1.0, 1.1, 1.2], start=1):
        mon.log(epoch, val_loss=v)
    assert mon.should_stop and not mon.stop_requested  # the detector's stop
    clicked = mon.request_stop()
    assert mon.stop_requested
    assert mon.request_stop() is clicked  # a second click adds no second event
    assert [e.detector for e in mon.events if e.detector == "user"] == ["user"]
    mon.resume()
    assert not mon.stop_requested and not mon.should_stop


def test_stop_requested_lets_the_view_poll_first() -> None:
    mon = Monitor(detectors=[], display=False)

    class View:
        def poll(self) -> None:
            mon.request_stop("clicked")

    view: Any = View()
    mon.view = view
    assert mon.stop_requested


def training_cell(mon: Monitor, values: list[float]) -> tuple[int, list[str]]:
    """``for epoch ...: mon.log(...); if mon.should_stop: break``: the epochs it ran and the
    warnings it gave."""
    ran = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch, value in enumerate(values, 1):
            mon.log(epoch, val_loss=value)
            ran = epoch
            if mon.should_stop:
                break
    return ran, [str(w.message) for w in caught]


def stopped_already(said: list[str]) -> list[str]:
    return [text for text in said if "already stopped" in text or "zatrzymał już" in text]


def test_a_training_cell_run_again_after_a_stop_is_told_why_it_ends_at_once() -> None:
    """It ran one epoch and ended, with only a warning about the step numbers going back."""
    mon = Monitor(detectors=[Patience(2)], display=False)
    assert training_cell(mon, [1.0, 0.8, 0.9, 0.95, 1.0]) == (4, [])
    ran, said = training_cell(mon, [0.7, 0.6])
    assert ran == 1 and mon.should_stop  # the stop is kept, not reset
    (text,) = stopped_already(said)
    assert "already stopped the run at epoch 4 (Patience(2) asked to stop)" in text
    assert "mon.should_stop stays True" in text
    assert "mon.resume()" in text and "new ng.Monitor()" in text
    assert stopped_already(training_cell(mon, [0.7, 0.6])[1]) == []  # said once
    mon.resume()  # as it says: the loop trains on, until a detector stops it again
    ran, said = training_cell(mon, [0.7, 0.6, 0.65, 0.66, 0.67])
    assert ran == 4 and stopped_already(said) == []  # 2 epochs no better than 0.6


def test_a_loop_that_trains_on_past_the_stop_on_purpose_is_not_told() -> None:
    """The lecture's loop goes on 15 epochs past GL's alarm, reading should_stop each epoch;
    another reads only the Stop button (stop_requested): their steps go on, no cell ran
    again."""
    for reads in ("should_stop", "stop_requested"):
        mon = Monitor(detectors=[Patience(2)], display=False)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch, value in enumerate([1.0, 0.8, 0.9, 0.95, 1.0, 1.1, 1.2, 1.3], 1):
                mon.log(epoch, loss=value / 2, val_loss=value)
                if getattr(mon, reads) and epoch >= 8:
                    break
        assert mon.should_stop and mon.stop_event is not None
        assert stopped_already([str(w.message) for w in caught]) == []


def test_a_loop_that_logs_once_more_before_it_reads_should_stop_is_not_told() -> None:
    """Validation logged before the epoch's last batch: the stop comes before that batch's
    call, and the loop reads it after."""
    mon = Monitor(detectors=[Patience(1)], display=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch, value in enumerate([1.0, 1.1], 1):
            mon.log(epoch=epoch, loss=0.5, val_loss=value)
            mon.log(epoch=epoch, loss=0.4)
        assert mon.should_stop
    assert stopped_already([str(w.message) for w in caught]) == []


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_stop_button_stop_is_named_when_the_cell_runs_again(language: str) -> None:
    ng.set_language(language)
    mon = Monitor(detectors=[], display=False)
    mon.log(1, val_loss=1.0)
    mon.log(2, val_loss=0.95)
    mon.request_stop()
    assert mon.should_stop
    (text,) = stopped_already(training_cell(mon, [0.9])[1])
    if language == "en":
        assert "(the Stop button was clicked, or request_stop() called)" in text
    else:
        assert "ten monitor zatrzymał już trening w epoce 2 (kliknięto przycisk Zatrzymaj" in text
        assert "mon.should_stop pozostaje True" in text and "mon.resume()" in text


def test_a_later_cell_that_goes_on_counting_after_a_stop_is_told_why_it_ends_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sweep s40 (helper nb): "train 20 more epochs" in the next cell (`range(5, 25)`) ran
    one epoch and ended without a word; the cell of the stop, training on past it, is not
    told (the lecture's loop)."""
    from nngraph.monitor import _display

    cell = [3]
    monkeypatch.setattr(_display, "running_cell", lambda: cell[0])
    mon = Monitor(detectors=[Patience(2)], display=False)
    assert training_cell(mon, [1.0, 0.8, 0.9, 0.95]) == (4, [])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon.log(5, val_loss=1.0)  # the same cell, past the stop: not told
    assert stopped_already([str(w.message) for w in caught]) == []
    cell[0] = 4
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon.log(6, val_loss=0.7)
    (text,) = stopped_already([str(w.message) for w in caught])
    assert "mon.resume()" in text
    cell[0] = 5  # a test loss logged in a cell after training: nothing to say
    mon2 = Monitor(detectors=[Patience(2)], display=False)
    cell[0] = 3
    training_cell(mon2, [1.0, 0.8, 0.9, 0.95])
    cell[0] = 6
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon2.log(test_loss=0.42)
    assert stopped_already([str(w.message) for w in caught]) == []
