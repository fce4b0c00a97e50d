"""The asides of the monitor's readings put together (sweep s47 review: H1, M1, M2, M8, M9): the
labels aside (nngraph/monitor/_chance_aside.py) and the watch's cause
(nngraph/monitor/_cause_aside.py) on the same run, and Patience's overfitting reading at chance
level. Curves are made up (the shape of the review's runs), so no training is needed."""

from __future__ import annotations

import pytest
import torch

from nngraph import i18n
from nngraph.monitor import Event, Monitor
from nngraph.monitor._cause_aside import watch_cause_first, weight_decay_aside
from nngraph.monitor._never_improved import guessed_labels
from nngraph.monitor.detectors import GL, Patience

LABELS = "labels do not match the inputs"


def shuffled(epochs: int = 30) -> list[tuple[float, float]]:
    """(training, validation) loss of a 3-class run with shuffled labels (review's c1): the
    validation loss is best at epoch 2, about ln 3, and rises while the training loss falls."""
    val = [1.134, 1.109] + [1.109 + 0.018 * i for i in range(1, epochs - 1)]
    train = [1.137 - 0.02 * i for i in range(epochs)]
    return list(zip(train, val, strict=True))


def test_patience_gives_no_overfitting_reading_at_chance_level() -> None:
    """H1: "(overfitting) ... the weights to keep are those of epoch 2" right after GL said the
    labels may not match; the stop now has the labels text in front of the plain reading."""
    mon = Monitor(detectors=[Patience(20)], display=False)
    for epoch, (loss, val) in enumerate(shuffled(), 1):
        mon.log(epoch, loss=loss, val_loss=val)
        if mon.should_stop:
            break
    stop = mon.stop_event
    assert stop is not None and stop.message_id == "patience.fire", stop
    assert "(overfitting)" not in stop.message and "weights to keep" not in stop.message
    assert LABELS in stop.message


def test_patience_still_says_overfitting_where_the_model_learned_first() -> None:
    """The overfitting reading stays for a model that beat chance before it got worse."""
    val = [1.0, 0.6, 0.4] + [0.4 + 0.01 * i for i in range(1, 28)]
    train = [1.0 - 0.03 * i for i in range(30)]
    mon = Monitor(detectors=[Patience(20)], display=False)
    for epoch, (loss, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=loss, val_loss=v)
        if mon.should_stop:
            break
    assert mon.stop_event is not None and mon.stop_event.message_id == "patience.overfitting"


def test_the_labels_aside_comes_alone_before_a_watch_cause() -> None:
    """M8: the watch's cause, then the labels text, with "What the curves show:" twice. The
    model learns its training labels, so the labels come first and the watch cause is left to
    the watch's own message."""
    mon = Monitor(detectors=[Patience(5)], display=False)
    dead = Event(step=1, epoch=1, detector="GradientWatch", kind="gradient",
                 message_id="grad.dead_from_start", message="...", stop=False)  # fmt: skip
    mon._record(dead)
    for epoch, (loss, val) in enumerate(shuffled(), 1):
        mon.log(epoch, loss=loss, val_loss=val)
        if mon.should_stop:
            break
    stop = mon.stop_event
    assert stop is not None and stop.detector.startswith("Patience")
    assert stop.message.startswith("This may not be overfitting."), stop.message
    assert stop.message.count("What the curves show:") == 1


def test_a_watch_cause_drops_the_loop_check_sentence() -> None:
    """M1: "check the learning rate, that zero_grad(), backward() and step() run in that order"
    after "Before you ... change the learning rate: GradientWatch found ..." (s25, where the
    watch said neither the order nor the learning rate is the cause)."""
    flat = Event(step=5, epoch=5, detector="GradientWatch", kind="gradient",
                 message_id="grad.zero_flat", message="...", stop=False)  # fmt: skip
    try:
        for lang in ("en", "pl"):
            i18n.set_language(lang)
            reading = i18n.message(
                "monitor.patience.reading.not_learning",
                train="loss", train_now=0.69, train_first=0.69,
            )  # fmt: skip
            stop = Event(step=25, epoch=25, detector="Patience(20)", kind="plateau",
                         message_id="patience.never_improved", message=f"Flat. {reading}")  # fmt: skip
            said = watch_cause_first(stop, [flat]).message
            assert "backward()" not in said and said.count("resume()") == 1, said
    finally:
        i18n.set_language("en")


def test_a_first_value_above_chance_does_not_count_as_learning() -> None:
    """M9: the review's c8 (seed 0): validation 1.181 (7.5% above ln 3) at first, best 1.109,
    training 1.136 -> 0.962. Falling only as far as chance is not learning."""
    assert guessed_labels("val_loss", 1.1088, 1.181, 0.962, 1.136) == 3
    mon = Monitor(detectors=[GL(5)], display=False)
    val = [1.181, 1.137, 1.109, 1.138, 1.15, 1.17, 1.2, 1.25]
    train = [1.136 - 0.025 * i for i in range(len(val))]
    for epoch, (loss, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=loss, val_loss=v)
    gl = [e for e in mon.events if e.detector.startswith("GL")]
    assert gl and all(e.message.startswith("This may not be overfitting.") for e in gl), gl


@pytest.mark.parametrize(
    ("decay", "named"), [(1.0, True), (0.3, True), (1e-4, False), (0.0, False)]
)
def test_the_weight_decay_aside_gives_one_figure_and_only_for_a_strong_decay(
    decay: float, named: bool
) -> None:
    """M2 (s45): "try 1e-4, or 0" then "weight_decay=1: try it 10 to 100 times smaller", two
    figures; and an optimizer at 1e-4 would have been told to go 10 to 100 times lower."""
    opt = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1, weight_decay=decay)
    text = f"{i18n.message('monitor.trend.rose_steadily')}"
    event = Event(step=22, epoch=22, detector="Patience(20)", kind="plateau",
                  message_id="patience.barely_improved", message=text)  # fmt: skip
    said = weight_decay_aside(event, [opt]).message
    assert ("weight_decay=" in said) is named, said
    assert "times smaller" not in said
