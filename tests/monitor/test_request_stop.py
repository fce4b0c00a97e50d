"""Monitor.request_stop: an outside request (the live view's Stop button) ends training."""

from __future__ import annotations

from typing import Any

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
