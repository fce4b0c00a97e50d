"""Patience at chance level (sweep s38, findings 2 and 4): a loss that fell from a blow-up in
its first steps to chance level has not learned, and an accuracy that never rose above
guessing is not learning, whichever metric Patience watches."""

from __future__ import annotations

import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import Patience

# a real run: digits, SGD with lr=8 (digits_lr_high_sgd): 398 in epoch 1, then ln 10 and above
BLOWN_TRAIN = [398.4, 2.401, 2.41, 2.40, 2.40] + [2.41] * 25
BLOWN_VAL = [2.411, 2.534, 2.6, 2.81, 2.70, 2.65, 2.72, 3.06, 2.6, 2.7] + [2.76] * 20
# digits, SGD with lr=1e-5 (digits_lr_low_sgd): accuracy below 1/10, loss at ln 10
STUCK_ACC = [0.0778] * 13 + [0.0796] * 27


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


def stuck(acc: list[float], loss: bool = True) -> list[dict[str, float]]:
    rows = []
    for epoch, value in enumerate(acc, 1):
        row = {"acc": 0.063, "val_acc": value}
        if loss:
            row |= {"loss": 2.308 - 1e-5 * epoch, "val_loss": 2.305 - 1e-5 * epoch}
        rows.append(row)
    return rows


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


# ---------------------------------------------------------------------- an accuracy at chance


def test_an_accuracy_at_chance_beside_a_loss_at_ln_k_is_not_learning() -> None:
    by_acc = stop_of(stuck(STUCK_ACC), metric="val_acc")
    by_loss = stop_of(stuck(STUCK_ACC))
    assert by_acc.epoch == by_loss.epoch == 21
    assert by_acc.message_id == "patience.barely_moved_max"
    text = by_acc.message
    assert "0.2% off" in text and "1/10 = 0.1" in text and "ln 10 = 2.3" in text
    assert "not learning" in text and "unlikely to help" not in text
    ng.set_language("pl")
    polish = stop_of(stuck(STUCK_ACC), metric="val_acc").message
    assert "0,2%" in polish and "1/10 = 0,1" in polish and "model się nie uczy" in polish


def test_an_accuracy_wobbling_around_chance_beside_a_loss_at_ln_k_is_not_learning() -> None:
    # a model thrown about by its learning rate: its guesses jump from class to class, so the
    # accuracy moves by more than 2% of its error, but never above guessing
    acc = [0.09, 0.11, 0.1, 0.095, 0.12, 0.1] + [0.1, 0.105, 0.098] * 10
    rows = [
        {"loss": 2.4, "val_loss": 2.33 + 0.01 * (e % 3), "val_acc": a} for e, a in enumerate(acc, 1)
    ]
    event = stop_of(rows, metric="val_acc")
    assert event.message_id == "patience.at_chance"
    assert "1/10 = 0.1" in event.message and "not learning" in event.message


def test_a_training_accuracy_wobbling_at_chance_does_not_hide_it() -> None:
    # the real lr=8 run (digits_lr_high_sgd): training accuracy 0.08 to 0.11 by noise, which
    # read as "it improved" and took the chance reading away at every other epoch
    patience = Patience(20, metric="val_acc")
    for epoch in range(1, 41):
        wobble = epoch % 3
        patience.update(
            epoch,
            loss=2.41,
            val_loss=2.45 + 0.15 * wobble,
            acc=(0.085, 0.11, 0.095)[wobble],
            val_acc=0.1 - 0.005 * wobble + (0.013 if epoch == 19 else 0.0),
        )
    assert len(patience.events) == 1  # said once, not again at each wobble
    assert "1/10 = 0.1" in patience.events[0].message


def test_an_accuracy_without_a_loss_beside_it_gets_no_class_count() -> None:
    event = stop_of(stuck(STUCK_ACC, loss=False), metric="val_acc")
    assert event.message_id == "patience.barely_moved_max"
    assert "classes" not in event.message and "not learning" in event.message


@pytest.mark.parametrize(
    "acc",
    [
        [0.1, 0.5, 0.8, 0.9] + [0.9] * 25,  # learned, then a plateau
        [0.985, 0.99, 0.992] + [0.99] * 25,  # halved its error
    ],
    ids=["learned", "halved_error"],
)
def test_an_accuracy_that_learned_keeps_the_plain_stop(acc: list[float]) -> None:
    rows = [{"val_loss": 2.3 * (1 - a) + 0.05, "val_acc": a} for a in acc]
    assert stop_of(rows, metric="val_acc").message_id == "patience.fire"


def test_patience_alone_on_an_accuracy_reads_the_loss_logged_beside_it() -> None:
    patience = Patience(20, metric="val_acc")
    for epoch, row in enumerate(stuck(STUCK_ACC), 1):
        patience.update(epoch, **row)
    assert [e.message_id for e in patience.events] == ["patience.barely_moved_max"]
    assert "ln 10" in patience.events[0].message
