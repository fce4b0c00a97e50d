"""Patience at chance level (sweep s38, finding 2): a loss that fell from a blow-up in its
first steps to chance level has not learned."""

from __future__ import annotations

import pytest

import nngraph as ng
from nngraph.monitor import Monitor

# a real run: digits, SGD with lr=8 (digits_lr_high_sgd): 398 in epoch 1, then ln 10 and above
BLOWN_TRAIN = [398.4, 2.401, 2.41, 2.40, 2.40] + [2.41] * 25
BLOWN_VAL = [2.411, 2.534, 2.6, 2.81, 2.70, 2.65, 2.72, 3.06, 2.6, 2.7] + [2.76] * 20


def stop_of(curve: list[dict[str, float]], **options: object) -> ng.detectors.Event:
    """The stop event of a default Monitor over ``curve`` (one dict of metrics per epoch)."""
    mon = Monitor(display=False, **options)  # type: ignore[arg-type]
    for epoch, metrics in enumerate(curve, 1):
        mon.log(epoch, **metrics)
        if mon.should_stop:
            break
    assert mon.stop_event is not None
    return mon.stop_event


def blown(train: list[float], val: list[float]) -> list[dict[str, float]]:
    return [{"loss": t, "val_loss": v} for t, v in zip(train, val, strict=True)]


# ---------------------------------------------------------------------- a blow-up, then chance


def test_a_loss_that_fell_from_a_blow_up_to_chance_level_is_told_so() -> None:
    event = stop_of(blown(BLOWN_TRAIN, BLOWN_VAL))
    assert event.message_id == "patience.never_improved"
    text = event.message
    assert "398.4 at first" in text and "ln 10 = 2.3" in text and "blew up" in text
    assert "Lower the learning rate" in text
    assert "has improved" not in text and "bigger model" not in text
    ng.set_language("pl")
    polish = stop_of(blown(BLOWN_TRAIN, BLOWN_VAL)).message
    assert "398,4" in polish and "ln 10 = 2,3" in polish and "eksplodowały" in polish
    assert "większego modelu" not in polish


def test_a_loss_that_barely_beat_its_first_value_after_a_blow_up_is_told_so() -> None:
    # Adam with lr=0.3 (digits_lr_high_adam): 17.75 in epoch 1, then 2.35
    train = [17.75] + [2.35, 2.34, 2.36] * 10 + [2.35]
    val = [2.36, 2.34] + [2.35, 2.37] * 15
    event = stop_of(blown(train, val))
    assert (event.epoch, event.message_id) == (21, "patience.barely_moved")
    assert "17.75 at first" in event.message and "blew up" in event.message


def test_a_validation_loss_that_fell_from_a_blow_up_is_no_plateau_to_wait_on() -> None:
    # validation's own first value blew up too, so its fall from it is large: the plain
    # "more training is unlikely to help" said nothing of chance level
    train = [398.4, 2.45, 2.42, 2.40] + [2.41] * 31
    val = [30.0, 2.9, 2.5, 2.42, 2.41] + [2.5, 2.6] * 15
    event = stop_of(blown(train, val))
    assert (event.epoch, event.message_id) == (25, "patience.blew_up")
    assert "ln 10 = 2.3" in event.message and "Lower the learning rate" in event.message
    ng.set_language("pl")
    assert "eksplodowały" in stop_of(blown(train, val)).message


def test_a_training_loss_that_fell_from_just_above_chance_to_it_is_not_learning() -> None:
    # 2.6 -> 2.31 for 10 classes: the model learned to guess evenly, nothing more
    train = [2.6] + [2.31, 2.305] * 15
    val = [2.303] + [2.31, 2.32] * 15
    text = stop_of(blown(train, val)).message
    assert "close to ln 10" in text and "not learning" in text and "bigger model" not in text


@pytest.mark.parametrize(
    ("train", "val"),
    [
        ([1.5] + [0.3] * 25, [0.35, 0.36, 0.35] + [0.37] * 23),  # learned it all in epoch 1
        ([398.4] + [0.05] * 25, [2.41] + [2.5] * 25),  # memorised after its blow-up
    ],
    ids=["learned_at_once", "memorised"],
)
def test_a_first_epoch_far_above_the_rest_is_no_blow_up_without_chance_level(
    train: list[float], val: list[float]
) -> None:
    text = stop_of(blown(train, val)).message
    assert "blew up" not in text and "ln " not in text


def test_divergence_stays_silent_on_a_loss_whose_first_value_was_its_largest() -> None:
    divergence = ng.detectors.Divergence()
    for epoch, (t, v) in enumerate(zip(BLOWN_TRAIN, BLOWN_VAL, strict=True), 1):
        divergence.update(epoch, loss=t, val_loss=v)
    assert divergence.events == []  # a fall, however large, is no blow-up to stop
