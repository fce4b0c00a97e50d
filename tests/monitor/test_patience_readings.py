"""What Patience reads from a run it stops (sweep 22c): only the reading the numbers support,
and no "not learning" stop for a loss that improves at every evaluation."""

from __future__ import annotations

import math
import re

import pytest

import nngraph as ng
from nngraph.i18n import en
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import Patience

READING = "monitor.patience.reading."


def _pattern(template: str) -> re.Pattern[str]:
    """A template's words, with any text in place of its fields (a reading starts with a
    capital where the template starts with a lowercase word)."""
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.IGNORECASE)


READINGS = {
    key.removeprefix(READING): _pattern(text)
    for key, text in en.MESSAGES.items()
    if key.startswith(READING)
}


def reading_of(text: str) -> str:
    """The key of the one Patience reading that ``text`` says."""
    (key,) = [key for key, pattern in READINGS.items() if pattern.search(text)]
    return key


def fire(patience: Patience, curve: list[tuple[float, float]]) -> ng.detectors.Event:
    """The one event of ``patience`` over ``curve`` (training, validation loss per epoch)."""
    for epoch, (train, val) in enumerate(curve, 1):
        patience.update(epoch, loss=train, val_loss=val)
    (event,) = patience.events
    return event


# ---------------------------------------------------------------------- fits no better (22c #2)

# a noisy flat validation loss that never beats epoch 1; the training loss falls a little but
# stays 50% above it (sweep 22c, finding 2)
FLAT_VAL = [0.449, 0.483, 0.47, 0.52, 0.455, 0.49, 0.51, 0.462, 0.5, 0.47, 0.474]
ABOVE = [(0.755 - 0.0035 * e, v) for e, v in enumerate(FLAT_VAL)]


def test_a_training_loss_above_the_validation_loss_is_no_sign_of_memorising() -> None:
    event = fire(Patience(10), ABOVE)
    assert (event.epoch, event.message_id) == (11, "patience.never_improved")
    assert reading_of(event.message) == "not_below"
    ng.set_language("pl")
    polish = fire(Patience(10), ABOVE).message
    assert "nie uogólnia" not in polish and "0,72" in polish and "0,474" in polish


def test_a_training_loss_clearly_below_the_validation_loss_still_reads_as_memorising() -> None:
    # the same validation loss; the training loss falls from 0.6 to 0.4, clearly below 0.449
    below = [(0.6 - 0.02 * e, v) for e, v in enumerate(FLAT_VAL)]
    assert reading_of(fire(Patience(10), below).message) == "memorising"


# ---------------------------------------------------------------------- slow but steady (22c #3)


def slow(epoch: int) -> dict[str, float]:
    """The clean overfitting curve of every sweep length, stretched to 5000 epochs: both
    losses fall at every epoch, about 0.1% of their size per epoch at the start."""
    s = epoch / 5000
    val = 0.3 + 1.2 * math.exp(-6 * s) + 0.8 * s * s
    return {"loss": 0.05 + 1.5 * math.exp(-5 * s), "val_loss": val}


@pytest.mark.parametrize("patience", [5, 10, 20])
def test_patience_does_not_call_a_loss_with_a_new_best_at_every_epoch_not_learning(
    patience: int,
) -> None:
    """Sweep 22c, finding 3: 1.9% below its first value after 20 epochs, a new best at every
    one, and the classroom stopped it at epoch 21 as "not learning"."""
    det = Patience(patience)
    assert [det.update(e, **slow(e)) for e in range(1, 80)] == [None] * 79
    mon = Monitor(display=False)
    for epoch in range(1, 80):
        mon.log(epoch, **slow(epoch))
    assert not mon.should_stop and mon.best.epoch == 79


# ---------------------------------------------------------------------- warm-up (22c #7)


def warm_up(epoch: int) -> float:
    """A training loss that rises for 5 epochs (a learning-rate warm-up), then falls."""
    return 1.6 + 0.15 * (epoch - 1) if epoch <= 5 else 0.2 + 2.0 * math.exp(-(epoch - 5) / 83)


def test_patience_reads_a_loss_falling_again_after_a_warm_up_as_learning() -> None:
    """Sweep 22c, finding 7: "training has become unstable ... try a smaller learning rate" for
    a loss that had fallen at each of the last 16 epochs. Patience still stops (Keras's rule:
    20 epochs, none better than the first)."""
    curve = [(warm_up(e), 1.15 * warm_up(e)) for e in range(1, 22)]
    event = fire(Patience(20), curve)
    assert (event.epoch, event.message_id) == (21, "patience.never_improved")
    assert reading_of(event.message) == "improving_again"
    mon = Monitor(display=False)
    for epoch, (train, val) in enumerate(curve, 1):
        mon.log(epoch, loss=train, val_loss=val)
    assert mon.stop_event is not None
    assert reading_of(mon.stop_event.message) == "improving_again"


# sweep s46 (c16, seed 0): a 5-epoch warm-up lifts both losses, which then fall 43% in 6 epochs
WARM_UP_TRAIN = [1.2516, 1.5096, 1.7406, 2.0261, 2.2342, 2.0083, 1.7764, 1.6198, 1.4747, 1.3493]
WARM_UP_VAL = [1.3464, 1.6234, 1.9037, 2.2009, 2.3685, 2.1843, 1.9556, 1.7455, 1.5912, 1.4815]
WARM_UP = [*zip(WARM_UP_TRAIN, WARM_UP_VAL, strict=True), (1.2195, 1.3548)]


def test_a_loss_falling_fast_after_a_warm_up_is_not_said_to_not_generalise() -> None:
    """Sweep s46, finding 2: Patience(10) stops at epoch 11 (never better than epoch 1), and
    said "the model fits its training data but does not generalise" of an 8% gap, while the
    validation loss had fallen at each of the last 6 epochs, 2.37 -> 1.35."""
    event = fire(Patience(10), WARM_UP)
    assert (event.epoch, event.message_id) == (11, "patience.never_improved")
    assert reading_of(event.message) == "falling_again"
    assert "got worse at first, to 2.369 at epoch 5, but has been improving clearly" in (
        event.message
    )
    assert "generalise" not in event.message and "warm-up" in event.message
    ng.set_language("pl")
    polish = fire(Patience(10), WARM_UP).message
    assert "po początkowym pogorszeniu (do 2,369 w epoce 5)" in polish
    assert "nie uogólnia" not in polish


def test_a_loss_that_rose_and_came_back_a_little_is_not_said_to_fall_again() -> None:
    # the same rise, then a fall of 2% of its size in 6 epochs: not the clear fall of a warm-up
    curve = [*WARM_UP[:5], *((1.9 - 0.007 * k, 2.0 - 0.007 * k) for k in range(1, 7))]
    assert reading_of(fire(Patience(10), curve).message) != "falling_again"


def test_a_training_loss_that_rose_and_fell_back_only_a_little_is_still_unstable() -> None:
    # it rose for 15 epochs, then fell at 5 epochs in a row by 0.2% in all: noise, not a recovery
    rising = [0.5 + 0.02 * e for e in range(1, 16)]
    curve = [*rising, *(rising[-1] - 0.0002 * k for k in range(1, 7))]
    event = fire(Patience(20), [(train, 0.7 + 0.001 * e) for e, train in enumerate(curve)])
    # a smooth climb: "rose steadily" (a weight decay too strong, sweep s47 H1), not "unstable"
    assert reading_of(event.message) == "rose_steadily"


# ---------------------------------------------------------------------- NaN after a best (22c #8)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_patience_says_a_loss_that_became_non_finite_after_its_best_diverged(bad: float) -> None:
    """Sweep 22c, finding 8: "has not improved ... more training is unlikely to help"."""
    curve = [(0.9 / e, 1.0 / e) if e < 30 else (bad, bad) for e in range(1, 40)]
    event = fire(Patience(10), curve)
    assert (event.epoch, event.message_id) == (39, "patience.diverged")
    assert reading_of(event.message) == "diverged"
    assert event.values["best"] == pytest.approx(1 / 29)
    ng.set_language("pl")
    assert fire(Patience(10), curve).message_id == "patience.diverged"
