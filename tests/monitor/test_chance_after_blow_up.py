"""A first epoch that blew up, then both losses at the chance level: what the detectors read
(nngraph/monitor/_never_improved.py, ``blown_start``). A first training value no model starts
at is no baseline for "the training loss improved"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nngraph import i18n
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import GL, PQ, UP, Patience

#: Sweep s45 (mistakes, repro 1): one raw feature in the thousands; every ReLU died in epoch 1
#: (mean training loss 428.8), then both losses sat at ln 5 = 1.609 for 20 epochs.
FEATURE_TRAIN = [428.8466, 1.6145, 1.6056, 1.6587, 1.6013, 1.6004, 1.6, 1.5999, 1.6004, 1.6]
FEATURE_TRAIN += [1.5997, 1.6, 1.67, 1.6004, 1.6, 1.6002, 1.6001, 1.6001, 1.6003, 1.6008]
FEATURE_TRAIN += [1.5998, 1.6]
FEATURE_VAL = [1.6117, 1.6098, 1.6114, 1.6149, 1.6161, 1.6169, 1.619, 1.6201, 1.6196, 1.6208]
FEATURE_VAL += [1.621, 1.6204, 1.6189, 1.6196, 1.6197, 1.6207, 1.6209, 1.6204, 1.6217, 1.6203]
FEATURE_VAL += [1.6204, 1.6197]
#: Sweep s45 (mistakes, repro 2): raw pixels 0-255; the validation loss blew up too in epoch 1.
PIXELS_TRAIN = [48.2925, 1.776, 1.608, 1.6038, 1.6012, 1.6004, 1.6001, 1.6, 1.6006, 1.6002]
PIXELS_TRAIN += [1.5999, 1.6003, 1.6006, 1.6001, 1.5998, 1.6001, 1.6001, 1.6001, 1.6003]
PIXELS_TRAIN += [1.6008, 1.5998, 1.6]
PIXELS_VAL = [5.6858, 1.611, 1.6117, 1.6149, 1.6162, 1.617, 1.6191, 1.6201, 1.6197, 1.6208]
PIXELS_VAL += [1.621, 1.6204, 1.6203, 1.6207, 1.6205, 1.6211, 1.6212, 1.6206, 1.6218, 1.6204]
PIXELS_VAL += [1.6204, 1.6197]
#: What the texts for a model that learned slowly, or may still leave a plateau, say.
NOT_SAID = ("bigger model", "has improved", "resume()", "learned little so far")
BLOWN = {"en": ("ln 5 = 1.6", "no better than guessing", "In the first epoch training loss"),
         "pl": ("ln 5 = 1,6", "nie lepiej niż zgadywanie", "W pierwszej epoce strata treningowa")}  # fmt: skip


def _run(det: GL | PQ | UP | Patience, train: list[float], val: list[float]) -> None:
    for epoch, (loss, val_loss) in enumerate(zip(train, val, strict=True), 1):
        det.update(epoch, loss=loss, val_loss=val_loss)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_patience_reads_chance_level_where_training_fell_there_from_a_blown_up_epoch(
    language: str,
) -> None:
    """Sweep s45 (mistakes, finding 1): "Training loss has improved (1.6 now, 428.8 at first)
    ... the model learns slowly or is too small: try another learning rate or a bigger model",
    for a net that died in epoch 1 and guesses since; the chance-level reading was never tried,
    as the training loss counted as improved against its blown-up first value."""
    i18n.set_language(language)
    patience = Patience(20)
    _run(patience, FEATURE_TRAIN, FEATURE_VAL)
    (event,) = patience.events
    assert event.message_id == "patience.barely_moved", event.message
    assert all(words in event.message for words in BLOWN[language]), event.message
    assert "428,8" in event.message if language == "pl" else "428.8" in event.message
    assert not any(words in event.message for words in NOT_SAID), event.message


def test_patience_stop_after_a_blown_up_epoch_says_the_model_guesses() -> None:
    """Sweep s45 (mistakes, findings 1 and 2): raw pixels killed every ReLU in epoch 1; Patience
    said only "more training is unlikely to help", and missed the chance level because the
    training loss had not started there (48.3 in epoch 1)."""
    mon = Monitor(detectors=[Patience(20)], display=False)
    for epoch, (loss, val_loss) in enumerate(zip(PIXELS_TRAIN, PIXELS_VAL, strict=True), 1):
        mon.log(epoch, loss=loss, val_loss=val_loss)
    (event,) = mon.events
    assert (event.epoch, event.message_id) == (22, "patience.chance_blown")
    assert all(words in event.message for words in BLOWN["en"]), event.message
    assert "48.29" in event.message and "scale the inputs" in event.message
    assert not any(words in event.message for words in NOT_SAID), event.message


@pytest.mark.parametrize(
    "make", [lambda: GL(0.5), lambda: PQ(0.5, 5), lambda: UP(2, 3)], ids=["GL", "PQ", "UP"]
)
@pytest.mark.parametrize(
    ("train", "val"), [(FEATURE_TRAIN, FEATURE_VAL), (PIXELS_TRAIN, PIXELS_VAL)],
    ids=["feature", "pixels"],
)  # fmt: skip
def test_gl_pq_up_read_the_plateau_after_a_blown_up_epoch_as_chance_level(
    make: Callable[[], GL | PQ | UP], train: list[float], val: list[float]
) -> None:
    """Sweep s45 (mistakes, finding 1): GL, PQ and UP read the chance level as Patience does;
    on the same runs they called the flat losses a plain plateau ("try another learning rate
    or a bigger model"), the first training value not being at ln 5."""
    det = make()
    _run(det, train, val)
    event = det.events[0]
    assert event.message_id.endswith(".plateau_chance"), event.message
    assert all(words in event.message for words in BLOWN["en"]), event.message
    assert not any(words in event.message for words in NOT_SAID), event.message


def test_a_loss_that_fell_from_the_chance_level_of_more_classes_has_learned() -> None:
    """Sweep s45 (mistakes, finding 1), the other side: a 10-class model that started at
    ln 10 = 2.30 and learned down to 1.61 (= ln 5) on both data sets has not fallen there from
    a blow-up; its training loss did improve."""
    train = [2.3, 2.0, 1.8, 1.7, 1.64, *[1.61 - 0.0001 * e for e in range(20)]]
    val = [1.63, 1.61, *[1.612 + 0.0002 * e for e in range(23)]]
    patience = Patience(20)
    _run(patience, train, val)
    (event,) = patience.events
    assert "has improved (1.608 now, 2.3 at first)" in event.message, event.message
    assert "first epoch" not in event.message
