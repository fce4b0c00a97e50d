"""Review 19 A1: "still falling" means the training loss fell *since the best epoch*.

The comparison used to take the training values up to and including the best epoch, so a
training loss that fell just before the best epoch and has been flat since always read as
"still falling", and GL, PQ and UP called a textbook plateau memorising.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np
import pytest

import nngraph as ng
from nngraph.i18n import message
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import GL, PQ, UP, Event, Gap


def events_of(train: list[float], val: list[float]) -> list[Event]:
    mon = Monitor(display=False, detectors=[GL(5, stop=False), PQ(0.5, 5, stop=False), UP(2, 3)])
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    return mon.events


# the review's plateau (m1): training exactly 0.68 from epoch 8 on, close to the validation
# loss, which creeps up from its best, 0.725 at epoch 8, to 0.769 at epoch 30
PLATEAU_TRAIN = [1.0 / t + 0.55 if t < 8 else 0.68 for t in range(1, 31)]
PLATEAU_VAL = [1.0 / t + 0.6 if t <= 8 else 0.725 + 0.002 * (t - 8) for t in range(1, 31)]

# the review's memorised case (m2): training flat at 0.1 from epoch 10, far below validation
FLAT_TRAIN = [1.0 / t for t in range(1, 11)] + [0.1] * 10
FLAT_VAL = [1.1 / t + 0.3 for t in range(1, 11)] + [0.41 + 0.01 * k for k in range(1, 11)]


def test_a_training_loss_flat_since_the_best_epoch_close_to_validation_is_a_plateau() -> None:
    events = events_of(PLATEAU_TRAIN, PLATEAU_VAL)
    ids = {e.detector[:2]: e.message_id for e in events}
    assert ids == {"GL": "gl.plateau", "PQ": "pq.plateau", "UP": "up.plateau"}
    for event in events:
        assert "falling" not in event.message and "memorise the training" not in event.message
        assert "has started to memorise" not in event.message, event.message
    gl = next(e for e in events if e.detector.startswith("GL"))
    assert gl.epoch == 27
    assert (
        "has hardly moved, not far below it (0.68 on average over the last 3 epochs, "
        "against 0.68 on average over epochs 8–10)"
    ) in gl.message


def test_the_plateau_reads_as_one_in_polish_too() -> None:
    ng.set_language("pl")
    gl = next(e for e in events_of(PLATEAU_TRAIN, PLATEAU_VAL) if e.detector.startswith("GL"))
    assert "wciąż spada" not in gl.message
    assert (
        "prawie się nie zmienia i pozostaje niewiele niższa od walidacyjnej (teraz średnio 0,68 w ostatnich 3 epokach, wobec "
        "średnio 0,68 w epokach 8–10)"
    ) in gl.message


def test_a_training_loss_flat_since_the_best_epoch_far_below_is_memorised_not_falling() -> None:
    events = events_of(FLAT_TRAIN, FLAT_VAL)
    ids = {e.detector[:2]: e.message_id for e in events}
    assert ids == {"GL": "gl.flat", "PQ": "pq.fire", "UP": "up.fire"}
    gl = next(e for e in events if e.detector.startswith("GL"))
    assert "still falling" not in gl.message and "memorise" in gl.message
    assert (
        "stays far below it (0.1 on average over the last 3 epochs, against 0.1 in epoch 10)"
        in gl.message
    )


def test_a_training_loss_that_fell_since_the_best_epoch_is_still_falling() -> None:
    train = [1.0, 0.7, 0.5, 0.5, 0.5, 0.4, 0.3, 0.25]  # flat for 2 epochs after the best
    val = [1.0, 0.8, 0.7, 0.71, 0.72, 0.73, 0.74, 0.76]  # (3), then falling again: overfitting
    gl = GL(5)
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        gl.update(epoch, loss=t, val_loss=v)
    (event,) = gl.events
    assert event.epoch == 7 and event.message_id == "gl.overfit"
    assert (
        "still falling (0.4 on average over the last 3 epochs, down from 0.5 on average over "
        "epochs 3–4)"
    ) in event.message


def test_a_drop_of_a_noisy_training_loss_within_a_few_percent_is_not_still_falling() -> None:
    """Both sides are means of noisy values: 2% lower is the noise, not a fall."""
    gl = GL(5)
    curve = [(1.0, 1.0), (0.5, 0.7), (0.49, 0.72), (0.495, 0.73), (0.49, 0.74)]
    for epoch, (train, val) in enumerate(curve, 1):
        event = gl.update(epoch, loss=train, val_loss=val)
    assert event is not None and event.message_id == "gl.plateau"


# ------------------------------------------------ validating every few epochs (sweep 20b §4)


def test_one_training_value_after_epochs_without_validation_is_said_at_its_epoch() -> None:
    """Validation every 3rd epoch: GL said "0.28 on average over the last 3 epochs" of the
    one value logged at epoch 9 (the mean over epochs 7-9 is 0.36)."""
    for language, said in [("en", "(0.28 in epoch 9, down from 0.52 in epoch 6)"), ("pl", "")]:
        ng.set_language(language)
        mon = Monitor(display=False, detectors=[GL(5)])
        for epoch in range(1, 10):
            row = {"loss": round(1.0 - 0.08 * epoch, 2)}
            if epoch % 3 == 0:
                row["val_loss"] = {3: 0.66, 6: 0.60, 9: 0.66}[epoch]
            mon.log(epoch=epoch, **row)
        (event,) = mon.events
        assert event.message_id == "gl.overfit" and "average" not in event.message
        assert "średnio" not in event.message
        if language == "en":
            assert said in event.message
        else:
            assert "(teraz 0,28 w epoce 9, wobec 0,52 w epoce 6)" in event.message


def test_gap_says_one_training_value_after_epochs_without_validation_at_its_epoch() -> None:
    mon = Monitor(display=False, detectors=[Gap(0.1, patience=1, relative=False, metric="val_acc")])
    for epoch in range(1, 7):  # validation every 2nd epoch
        row = {2: {"val_acc": 0.8}, 4: {"val_acc": 0.85}, 6: {"val_acc": 0.7}}.get(epoch, {})
        mon.log(epoch=epoch, acc={2: 0.9, 4: 0.95, 6: 0.9}.get(epoch, 0.5), **row)
    (event,) = mon.events
    assert event.message_id == "gap.unstable"
    assert "(0.9 in epoch 6, against 0.95 in epoch 4)" in event.message


# ------------------------------------- a training loss above the validation loss (sweep 20b §12)

# training flat at 0.9 (dropout, augmentation), validation best 0.5 at epoch 3, then rising
ABOVE = [(1.2, 0.8), (0.95, 0.6), (0.9, 0.5), (0.9, 0.53), (0.9, 0.55), (0.9, 0.56)]


def test_a_flat_training_loss_above_the_validation_loss_is_not_said_to_be_below_it() -> None:
    """Sweep 20b §12: a training loss of 0.9 against a validation loss of 0.5 read "stays where
    it was, not far below it"."""
    words_of = {
        "en": "has hardly moved, above the validation loss (0.9 ",
        "pl": "prawie się nie zmienia i pozostaje wyższa niż strata walidacyjna (teraz ",
    }
    for language, words in words_of.items():
        ng.set_language(language)
        mon = Monitor(display=False, detectors=[GL(5), PQ(0.5, k=3), UP(1, 1)])
        for epoch, (train, val) in enumerate(ABOVE, 1):
            mon.log(epoch=epoch, loss=train, val_loss=val)
        ids = {e.detector[:2]: e.message_id for e in mon.events}
        assert ids == {"GL": "gl.plateau", "PQ": "pq.plateau", "UP": "up.plateau"}
        for event in mon.events:
            assert words in event.message
            assert "not far below" not in event.message and "niewiele niższa" not in event.message


# ----------------------------------------------------------------------------- sweep 21a

# the training loss falls a steady 2% an epoch; the validation loss is best at epoch 10 and 8%
# higher at epoch 11 (sweep 21a §2, repro f_plateau_synthetic)
STEADY_TRAIN = [0.98**e for e in range(1, 12)]
STEADY_VAL = [1.2 * 0.97**e for e in range(1, 11)] + [1.2 * 0.97**10 * 1.08]
# a noisy training loss one epoch after a best, slightly up (sweep 21a: R01, epoch 93)
NOISY_TRAIN = [0.09, 0.08, 0.075, 0.072, 0.0698, 0.0708]
NOISY_VAL = [0.2, 0.15, 0.13, 0.12, 0.1091, 0.1259]


@pytest.mark.parametrize(("train", "val"), [(STEADY_TRAIN, STEADY_VAL), (NOISY_TRAIN, NOISY_VAL)])
def test_one_epoch_after_a_best_is_too_soon_to_call_a_plateau(
    train: list[float], val: list[float]
) -> None:
    """Sweep 21a §2: "neither loss improves any more ... try a bigger model" one epoch after a
    best, while the training loss fell 15-98% over the next 100 epochs."""
    said = {
        "en": "the numbers do not show yet whether training loss has stopped falling (a plateau)",
        "pl": "liczby nie pokazują jeszcze, czy strata treningowa przestaje spadać (plateau)",
    }
    for language, words in said.items():
        ng.set_language(language)
        mon = Monitor(display=False, detectors=[GL(5, stop=False), UP(1, 1)])
        for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
            mon.log(epoch, loss=t, val_loss=v)
        assert [(e.epoch, e.message_id) for e in mon.events] == [
            (len(val), "gl.neutral"),
            (len(val), "up.neutral"),
        ]
        for event in mon.events:
            assert words in event.message, event.message
            assert "bigger model" not in event.message and "większego modelu" not in event.message


def test_a_slow_steady_fall_is_no_plateau_however_long_after_the_best() -> None:
    """Sweep 21a §2 (R21, UP(3, 5) at epoch 155): the training loss fell 0.35% an epoch before
    the best and after it, under 5% since the best: called a plateau, "try a bigger model"."""
    up = UP(3, 5)
    for epoch in range(1, 156):
        val = 1.3 - 0.001 * epoch if epoch <= 140 else 1.16 + 0.001 * (epoch - 140)
        up.update(epoch, loss=2.0 - 0.005 * epoch, val_loss=val)
    (event,) = up.events
    assert event.epoch == 155 and event.message_id == "up.neutral"
    assert "bigger model" not in event.message and "stopped learning" not in event.message


# a line fitted to 5 points (sweep 21a §3, repro f_memorise_line): the training loss falls from
# 4.2 but stays far above the validation loss, best 1.6 at epoch 10
LINE_TRAIN = [5.0 - 0.08 * e for e in range(1, 20)]
LINE_VAL = [2.0 - 0.04 * e if e <= 10 else 1.6 + 0.012 * (e - 10) for e in range(1, 20)]


def test_a_falling_training_loss_above_the_validation_loss_is_no_sign_of_memorising() -> None:
    said = {
        "en": "training loss is still falling, but it is above the best validation loss; a model",
        "pl": "strata treningowa wciąż spada, ale jest wyższa niż strata walidacyjna w najlepszej",
    }
    for language, words in said.items():
        ng.set_language(language)
        mon = Monitor(display=False)  # the classroom set: GL(5, stop=False) speaks
        for epoch, (t, v) in enumerate(zip(LINE_TRAIN, LINE_VAL, strict=True), 1):
            mon.log(epoch, loss=t, val_loss=v)
        (event,) = [e for e in mon.events if e.detector.startswith("GL")]
        assert event.epoch == 17 and event.message_id == "gl.neutral"
        assert words in event.message, event.message
        assert "may have started to memorise" not in event.message
        assert "mógł zacząć zapamiętywać" not in event.message


def test_a_falling_training_loss_clearly_below_the_validation_loss_still_memorises() -> None:
    train = [t - 3.2 for t in LINE_TRAIN]  # the same fall, now far below validation
    gl = GL(5)
    for epoch, (t, v) in enumerate(zip(train, LINE_VAL, strict=True), 1):
        gl.update(epoch, loss=t, val_loss=v)
    (event,) = gl.events
    assert event.message_id == "gl.overfit" and "has started to memorise" in event.message


def test_a_mean_of_values_logged_every_5_epochs_names_their_epochs() -> None:
    """Sweep 21a §9: "0.05098 on average over the last 15 epochs" was the mean of the training
    loss at the 3 validation epochs 200, 205 and 210."""
    val = {5: 0.9, 10: 0.7, 15: 0.6, 20: 0.55, 25: 0.5, 30: 0.51, 35: 0.515, 40: 0.52, 45: 0.53}
    said = {
        "en": "(0.14 on average over epochs 35, 40 and 45, down from 0.19 on average over epochs "
        "25 and 30)",
        "pl": "(teraz średnio 0,14 w epokach 35, 40 i 45, wobec średnio 0,19 w epokach 25 i 30)",
    }
    for language, words in said.items():
        ng.set_language(language)
        mon = Monitor(display=False, detectors=[GL(5)])
        for epoch in range(1, 46):
            row = {"val_loss": val[epoch]} if epoch in val else {}
            mon.log(epoch=epoch, loss=0.3 - 0.004 * epoch, **row)
        (event,) = mon.events
        assert event.epoch == 45 and event.message_id == "gl.overfit"
        assert words in event.message, event.message
        assert "15 epochs" not in event.message and "15 epokach" not in event.message


def test_gl_says_again_when_a_rise_it_called_memorising_turns_into_a_spike() -> None:
    """Sweep 21a §4: GL said "may have started to memorise" at the first epoch of an
    instability spike (the training loss went up sixfold after it), and stayed silent."""
    curve = [(0.5 - 0.02 * e, 0.6 - 0.02 * e) for e in range(1, 11)]  # the best: 0.4 at 10
    curve += [(0.29, 0.405), (0.28, 0.41), (0.27, 0.425), (0.6, 0.6), (0.26, 0.43), (0.8, 0.7)]
    mon = Monitor(display=False, detectors=[GL(5, stop=False)])
    for epoch, (t, v) in enumerate(curve, 1):
        mon.log(epoch, loss=t, val_loss=v)
    said = [(e.epoch, e.message_id) for e in mon.events]
    assert said == [(13, "gl.overfit"), (14, "gl.stalled")]  # corrected once, not every spike
    assert "unstable" in mon.events[1].message and "memorise" not in mon.events[1].message


# the lecture's overfitting demo (sweep 21d §2, t11_overfit.py: a 3x256 MLP on 40 noisy points):
# the best is 0.642 at epoch 2, then the validation loss triples while the training loss halves
DEMO_VAL = [0.683, 0.642, 0.665, 0.66, 0.679, 0.839, 0.868, 0.81, 1.018, 1.145, 1.666, 1.106]
DEMO_VAL += [0.989, 1.08, 1.4, 1.404, 1.268, 1.456, 1.499, 1.789, 1.835, 1.64]
DEMO_TRAIN = [1.207, 0.7, 0.674, 0.639, 0.661, 0.588, 0.522, 0.457, 0.42, 0.387, 0.37, 0.504]
DEMO_TRAIN += [0.404, 0.349, 0.353, 0.354, 0.39, 0.31, 0.33, 0.259, 0.307, 0.277]


def test_gl_says_memorising_once_when_its_no_sign_of_memorising_turns_into_it() -> None:
    """Sweep 21d §2: GL's only text said "no sign of memorising yet" at epoch 5, while the
    training loss was still above the best validation loss; it then fell far below while the
    validation loss tripled, and no detector ever said overfitting."""
    said = {"en": "may have started to memorise", "pl": "mógł zacząć zapamiętywać"}
    for language, words in said.items():
        ng.set_language(language)
        mon = Monitor(display=False)  # the classroom set: GL(5, stop=False) speaks
        for epoch, (t, v) in enumerate(zip(DEMO_TRAIN, DEMO_VAL, strict=True), 1):
            mon.log(epoch, loss=t, val_loss=v)
        gl = [e for e in mon.events if e.detector.startswith("GL")]
        assert [(e.epoch, e.message_id) for e in gl] == [(5, "gl.neutral"), (7, "gl.overfit")]
        assert words in gl[1].message, gl[1].message


def test_a_stopping_gl_corrects_its_reading_but_still_stopped_at_its_first_event() -> None:
    mon = Monitor(display=False, detectors=[GL(5)])
    stops = []
    for epoch, (t, v) in enumerate(zip(DEMO_TRAIN, DEMO_VAL, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
        stops.append(mon.should_stop)
    assert stops.index(True) == 4 and all(stops[4:])  # from epoch 5 on, as before
    assert mon.stop_event is not None and mon.stop_event.message_id == "gl.neutral"
    assert [(e.epoch, e.message_id) for e in mon.events] == [(5, "gl.neutral"), (7, "gl.overfit")]


def test_gl_corrects_no_sign_of_memorising_once_however_often_its_reading_flips() -> None:
    """The training loss swings around the level that tells memorising from no sign of it:
    said once each way would be a message every few epochs."""
    val = [1.4, 1.2, 1.0] + [1.06 + 0.01 * k for k in range(15)]  # the best: 1.0 at epoch 3
    train = [1.5, 1.3, 1.1, 1.02, 1.0, 0.98] + [0.8, 0.8, 0.8, 1.0, 1.0, 1.0] * 2
    mon = Monitor(display=False, detectors=[GL(5, stop=False)])
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    assert [(e.epoch, e.message_id) for e in mon.events] == [(4, "gl.neutral"), (7, "gl.overfit")]


# ----------------------------------------------------------------------------- sweep 22c

# the training loss falls to 0.34 at epoch 20 (the best), spikes to 1.55 at epoch 21, then both
# losses rise steadily: unstable training (sweep 22c §1, repro r_spike_baseline)
SPIKE_TRAIN = [1.0 - 0.033 * e for e in range(1, 21)] + [1.55]
SPIKE_TRAIN += [0.34 + 0.015 * k for k in range(1, 15)]
SPIKE_VAL = [t + 0.1 for t in SPIKE_TRAIN[:20]] + [1.78] + [t + 0.1 for t in SPIKE_TRAIN[21:]]


@pytest.mark.parametrize("det", [PQ(0.5, 5), UP(3, 5)], ids=repr)
def test_a_spike_after_the_best_does_not_hide_a_training_loss_that_rose_since(
    det: PQ | UP,
) -> None:
    """Sweep 22c §1: PQ and UP said "training loss is still falling" at epoch 35: its mean over
    epochs 20-22 (0.748, with the spike) was above 0.535, though it had risen from 0.34."""
    for epoch, (t, v) in enumerate(zip(SPIKE_TRAIN, SPIKE_VAL, strict=True), 1):
        det.update(epoch, loss=t, val_loss=v)
    (event,) = det.events
    assert (event.epoch, event.message_id) == (35, f"{type(det).__name__.lower()}.stalled")
    assert event.values["before"] == pytest.approx((0.34 + 0.355) / 2)  # epochs 20 and 22


# a long run: the training loss falls a steady 0.1% an epoch; the validation loss is best at
# epoch 30, then wobbles, one value 6% above it at epoch 36 (sweep 22c §4, r_plateau_slow_train)
SLOW_TRAIN = [0.30 * 0.999**e for e in range(1, 41)]
SLOW_VAL = [0.55 * 0.9995**e for e in range(1, 31)] + [0.55 * 0.9995**30 * 1.03] * 5
SLOW_VAL += [0.55 * 0.9995**30 * 1.06] + [0.55 * 0.9995**e for e in range(37, 41)]


def test_a_training_loss_falling_at_its_pace_in_a_long_run_is_no_plateau() -> None:
    """Sweep 22c §4: GL said "neither loss improves any more ... try a bigger model": its fall
    since the best was under 1% of the validation loss, though as fast as before the best."""
    gl = GL(5)
    for epoch, (t, v) in enumerate(zip(SLOW_TRAIN, SLOW_VAL, strict=True), 1):
        gl.update(epoch, loss=t, val_loss=v)
    (event,) = gl.events
    assert (event.epoch, event.message_id) == (36, "gl.neutral")


def test_a_slow_fall_in_noise_is_no_plateau_once_it_is_steady_over_more_epochs() -> None:
    """The same slow fall with 0.3% noise on each training value: over the last 4 values its
    pace is noise, over the last 16 a steady fall (sweep 22c: GL at epoch 1907 of 5000)."""
    rng = np.random.default_rng(1)
    train = [0.3 * 0.999**e * (1 + 0.003 * rng.standard_normal()) for e in range(1, 61)]
    best = 0.55 * 0.9995**50
    val = [0.55 * 0.9995**e for e in range(1, 51)] + [best * 1.03] * 5 + [best * 1.06] * 5
    gl = GL(5)
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        gl.update(epoch, loss=t, val_loss=v)
    assert [(e.epoch, e.message_id) for e in gl.events] == [(56, "gl.neutral")]


def test_a_noisy_flat_training_loss_is_still_a_plateau_whatever_its_pace_by_chance() -> None:
    """A flat training loss with 1% noise fell by chance just before the best and a little
    since (sweep 22c's plateau curve, epoch 15): that is no pace to keep, but noise."""
    rng = np.random.default_rng(2)
    s = np.arange(1, 51) / 50
    train = (0.6 + 0.4 * np.exp(-40 * s)) * (1 + 0.01 * rng.standard_normal(50))
    val = (0.65 + 0.4 * np.exp(-40 * s)) * (1 + 0.03 * rng.standard_normal(50))
    pq = PQ(0.5, 5)
    for epoch, (t, v) in enumerate(zip(train[:15], val[:15], strict=True), 1):
        pq.update(epoch, loss=float(t), val_loss=float(v))
    assert [(e.epoch, e.message_id) for e in pq.events] == [(15, "pq.plateau")]


def test_a_flat_training_loss_at_half_the_validation_loss_is_not_said_to_be_close() -> None:
    """Sweep 22c §4: "stays where it was, not far below it" of 0.29 against 0.54."""
    for language in ("en", "pl"):
        ng.set_language(language)
        gl = GL(5)
        curve = [(0.6, 0.8), (0.3, 0.5), (0.3, 0.51), (0.3, 0.52), (0.3, 0.53)]
        for epoch, (train, val) in enumerate(curve, 1):
            gl.update(epoch, loss=train, val_loss=val)
        (event,) = gl.events
        assert event.message_id == "gl.plateau"
        metric = message("monitor.name.val_loss")
        assert message("monitor.trend.level_below", metric=metric) in event.message
        assert message("monitor.trend.level_close") not in event.message


# Adam on a degree-8 polynomial fit to 5 points (review s4, r_plateau_false): the training loss
# overshoots and rises before the best epoch (19), then falls again, on to 0.015 by epoch 200
OVERSHOOT_TRAIN = [0.6672, 0.5815, 0.5155, 0.4624, 0.4203, 0.3896, 0.3711, 0.3649, 0.3695]
OVERSHOOT_TRAIN += [0.3824, 0.3999, 0.4178, 0.4318, 0.4386, 0.4364, 0.4252, 0.4064]
OVERSHOOT_VAL = [0.6569, 0.5812, 0.5075, 0.4372, 0.3727, 0.316, 0.2688, 0.2316, 0.2043]
OVERSHOOT_VAL += [0.1861, 0.1753, 0.17, 0.1686, 0.1694, 0.1717, 0.175, 0.1795]


@pytest.mark.parametrize("detector", [GL(5), PQ(0.2, 4), UP(1, 2)], ids=lambda d: d.name)
def test_a_training_loss_falling_again_now_is_no_plateau(detector: GL | PQ | UP) -> None:
    """It rose before the best (its pace then was no fall), which used to make any small fall
    since the best a stop: "neither loss improves any more, the model has stopped learning"
    while it fell 0.4386, 0.4364, 0.4252, 0.4064."""
    for epoch, (t, v) in enumerate(zip(OVERSHOOT_TRAIN, OVERSHOOT_VAL, strict=True), 7):
        detector.update(epoch, loss=t, val_loss=v)
    assert detector.events
    for event in detector.events:
        assert not event.message_id.endswith(".plateau"), event.message
        assert "stopped learning" not in event.message


def test_a_flat_noisy_training_loss_is_a_plateau() -> None:
    # learns nothing from epoch 1: training 0.9 with 1% noise, validation creeping up
    rng = random.Random(32)
    mon = Monitor(display=False, detectors=[GL(5, stop=False)])
    for epoch in range(1, 41):
        train = 0.9 * (1 + rng.gauss(0, 0.01))
        mon.log(epoch, loss=train, val_loss=(0.95 + 0.002 * epoch) * (1 + rng.gauss(0, 0.01)))
    assert mon.events
    assert {e.message_id for e in mon.events} == {"gl.plateau"}


# ------------------------------------------------------------------------ sweep s28 (f1)

# a training loss falling a steady 4% an epoch; the validation loss improves smoothly but for
# one noisy value, 7% above the best, at epoch 21 (sweep s28, repro gl_flat_falling)
FALLING_TRAIN = [0.3 * 0.96**e for e in range(1, 31)]
FALLING_VAL = [0.5 + 0.5 * math.exp(-e / 5) for e in range(1, 31)]
FALLING_VAL[20] = FALLING_VAL[19] * 1.07


def gl_events(train: Sequence[float], val: Sequence[float]) -> list[Event]:
    """The events of the classroom GL (``GL(5, stop=False)``) on these curves."""
    mon = Monitor(display=False, detectors=[GL(5, stop=False)])
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=float(t), val_loss=float(v))
    return mon.events


def test_a_training_loss_falling_4_percent_an_epoch_is_still_falling_after_the_best() -> None:
    """Sweep s28: one epoch after the best, GL said the training loss "stays far below it
    (0.1273 in the last epoch, against 0.1326 in epoch 20): more training no longer helps on
    the training data": it had fallen less than 5% of itself since the best."""
    said = {
        "en": "still falling (0.1273 in the last epoch, down from 0.1326 in epoch 20)",
        "pl": "wciąż spada (teraz 0,1273 w ostatniej epoce, wobec 0,1326 w epoce 20)",
    }
    for language, words in said.items():
        ng.set_language(language)
        (event,) = gl_events(FALLING_TRAIN, FALLING_VAL)
        assert (event.epoch, event.message_id) == (21, "gl.overfit")
        assert words in event.message, event.message
        assert "no longer helps" not in event.message
        assert "nie pomaga już" not in event.message


def u_curve() -> tuple[np.ndarray, np.ndarray]:
    """A training loss falling to 0.05 with 0.3% noise; the validation loss, with 1%, best
    about epoch 52, then rising (sweep s28, repro gl_flat_falling)."""
    rng = np.random.default_rng(0)
    e = np.arange(1, 81)
    train = 1.5 * np.exp(-e / 15) + 0.05
    val = (1.5 * np.exp(-e / 15) + 0.3 + 0.004 * np.maximum(0, e - 40)) * (
        1 + 0.01 * rng.standard_normal(80)
    )
    return train * (1 + 0.01 / 3 * rng.standard_normal(80)), val


@pytest.mark.parametrize("shift", [-1.0, -0.5])
def test_a_loss_below_zero_reads_as_the_same_loss_above_it(shift: float) -> None:
    """Sweep s28: the same curves shifted below 0 (a Gaussian NLL) were told "stays far below
    it ... more training no longer helps on the training data" while the training loss fell
    0.002 an epoch, as steadily as before: 5% of -0.9 is a larger fall than 5% of 0.09."""
    train, val = u_curve()
    assert [e.message_id for e in gl_events(train, val)] == ["gl.overfit"]
    events = gl_events(train + shift, val + shift)
    assert events and {e.message_id for e in events} == {"gl.overfit"}
    assert "still falling" in events[0].message


# a digits MLP, SGD with momentum, validation every epoch (sweep s28, repro real_digits): the
# training loss goes on to 0.007 by epoch 20
DIGITS_TRAIN = [2.144, 1.307, 0.5352, 0.3072, 0.222, 0.1192, 0.07575, 0.06452, 0.06153]
DIGITS_TRAIN += [0.04885, 0.05065]
DIGITS_VAL = [1.807, 0.802, 0.4489, 0.3811, 0.3099, 0.245, 0.2551, 0.2192, 0.2903, 0.2162]
DIGITS_VAL += [0.293]


def test_one_or_two_values_after_the_best_do_not_say_training_no_longer_helps() -> None:
    """Sweep s28: "stays far below it (0.06153 in the last epoch, against 0.06452 in epoch 8):
    more training no longer helps on the training data" one epoch after the best, and again
    of one noisy value, 0.05065 after 0.04885."""
    said = {
        "en": "is far below it (0.05065 in the last epoch, against 0.04885 in epoch 10)",
        "pl": "jest daleko niżej (teraz 0,05065 w ostatniej epoce, wobec 0,04885 w epoce 10)",
    }
    for language, words in said.items():
        ng.set_language(language)
        events = gl_events(DIGITS_TRAIN, DIGITS_VAL)
        # sweep s47 H3: one epoch after a new best, within its wobble, the validation loss is
        # still improving (and sets a new best at epoch 10): said once, no memorising
        assert [(e.epoch, e.message_id) for e in events] == [(9, "gl.improving")]
        assert words not in events[0].message
        for event in events:
            assert "no longer helps" not in event.message
            assert "nie pomaga już" not in event.message


def test_a_noisy_training_loss_flat_far_below_the_validation_loss_is_still_memorised() -> None:
    """The training loss flat at 0.1 with 2% noise since its best epoch (10), the validation
    loss rising: "more training no longer helps on the training data" stands."""
    rng = np.random.default_rng(3)
    train = [1.0 / t for t in range(1, 11)] + list(0.1 * (1 + 0.02 * rng.standard_normal(10)))
    (event,) = gl_events(train, FLAT_VAL)
    assert event.message_id == "gl.flat", event.message
    assert "no longer helps on the training data" in event.message


def test_a_lucky_low_at_the_best_epoch_is_no_plateau() -> None:
    """Sweep s28 (repro real_tinyval2): the training loss creeps down 0.0003 an epoch in noise
    of 0.0008, with a lucky low at the best epoch; 3 epochs later GL said "neither loss
    improves any more ... More training is unlikely to help" of its mean being no lower."""
    rng = np.random.default_rng(0)
    train = 0.24 - 0.0003 * np.arange(1, 73) + 0.0008 * rng.standard_normal(72)
    train[68] -= 0.002  # epoch 69, the best
    val = [0.25 - 0.0005 * e for e in range(1, 70)] + [0.2175, 0.22, 0.2285]
    event = gl_events(train, val)[-1]
    assert (event.epoch, event.message_id) == (72, "gl.neutral"), event.message
    assert "do not show yet whether training loss has stopped falling" in event.message
    assert "unlikely to help" not in event.message


def test_a_slow_fall_hidden_in_the_noise_of_16_epochs_is_no_plateau_once_64_show_it() -> None:
    """Sweep s28 (repro plateau_freq: 10 plateau readings in 8 runs of a small MLP with 15
    validation points; after 9 of them the validation loss improved by 10-34%): a training loss
    falling 0.0002 an epoch in noise of 0.002 shows no steady fall over 16 epochs, and a noisy
    rise of the validation loss read as a plateau (10 of GL's 40 readings after epoch 64, in
    12 runs). Over 64 epochs the fall shows."""
    said = []
    for seed in range(12):
        rng = np.random.default_rng(seed)
        e = np.arange(1, 201)
        train = 0.2 - 0.0002 * e + 0.002 * rng.standard_normal(200)
        val = 0.1 - 0.0001 * e + 0.006 * rng.standard_normal(200)
        said += [ev.message_id for ev in gl_events(train, val) if ev.epoch > 64]
    assert len(said) > 30 and "gl.plateau" not in said


def test_the_plateau_says_for_how_long_neither_loss_improved_and_that_it_may_change() -> None:
    """Sweep s28: "neither loss improves any more ... More training is unlikely to help" is a
    forecast; the numbers only show that neither improved since the best epoch."""
    said = {
        "en": (
            "neither loss has improved by much for 19 epochs, so the model seems to have stopped "
            "learning rather than started to memorise, and this rise may be noise. If both "
            "stay so, more training is unlikely to help"
        ),
        "pl": (
            "żadna ze strat nie poprawia się już wyraźnie 19 epok, więc wygląda na to, że model "
            "przestał się uczyć, a nie zaczął zapamiętywać, a ten wzrost może być szumem. "
            "Jeśli tak zostanie, dalszy trening raczej nie pomoże"
        ),
    }
    for language, words in said.items():
        ng.set_language(language)
        (event,) = gl_events(PLATEAU_TRAIN, PLATEAU_VAL)
        assert (event.epoch, event.message_id) == (27, "gl.plateau")
        assert words in event.message, event.message


# ------------------------------------------------------------------------ sweep s28 (f6)

# the lab demo's own run (demos/src/07_lab.py, Iris, "3 x 256", Adam lr 0.01), its first 20
# epochs as the demo logs them: the training loss is jumpy early, goes on to 3e-5 by epoch 150
LAB_TRAIN = [1.0954, 0.5715, 0.2576, 0.797, 0.2422, 0.4943, 0.2889, 0.153, 0.1599, 0.1503]
LAB_TRAIN += [0.1008, 0.0551, 0.0996, 0.0893, 0.1002, 0.0769, 0.0597, 0.0716, 0.0681, 0.0469]
LAB_VAL = [0.6507, 0.329, 0.7858, 0.353, 0.6603, 0.444, 0.1537, 0.1226, 0.2177, 0.5284]
LAB_VAL += [0.7843, 1.0122, 0.4684, 0.1244, 0.1041, 0.0964, 0.1185, 0.116, 0.0881, 0.0871]


def test_a_jumpy_training_loss_that_fell_a_third_since_the_best_is_still_falling() -> None:
    """Sweep s28 (f6): at epoch 12 GL said the training loss "stays far below it (0.1021 ...,
    against 0.1564 ...): more training no longer helps on the training data". Its noise up to
    the best (0.26) was larger than the loss itself: no fall could count beyond it."""
    said = {
        "en": "still falling (0.1021 on average over the last 3 epochs, down from 0.1564 on "
        "average over epochs 8–9)",
        "pl": "wciąż spada (teraz średnio 0,1021 w ostatnich 3 epokach, wobec średnio 0,1564 w "
        "epokach 8–9)",
    }
    for language, words in said.items():
        ng.set_language(language)
        mon = Monitor(display=False)  # the classroom default, as in the lab
        for epoch, (t, v) in enumerate(zip(LAB_TRAIN, LAB_VAL, strict=True), 1):
            mon.log(epoch, loss=t, val_loss=v)
        (event,) = [e for e in mon.events if e.epoch == 12]
        assert event.message_id == "gl.overfit", event.message
        assert words in event.message, event.message
        for other in mon.events:
            assert "no longer helps" not in other.message
            assert "nie pomaga już" not in other.message


def test_a_loss_falling_all_run_in_noise_is_never_said_to_have_stopped() -> None:
    """Sweep s28 (f6): a last-batch loss with 15% noise that falls all run was told "seems to
    have stopped learning" at epoch 46 (a chance hit in the levelled-off test, its noise 18%
    of the loss) and "stays far below it (0.2597 ..., against 0.4527 ...): more training no
    longer helps on the training data" at epoch 74, of means 43% lower."""
    e = np.arange(1, 121)
    rng = np.random.default_rng(31)
    train = (0.01 + 0.95 * np.exp(-e / 60)) * np.exp(0.15 * rng.standard_normal(120))
    val = 0.25 + 0.9 * np.exp(-e / 12) + 0.00015 * np.maximum(e - 30, 0) ** 2
    val = val * (1 + 0.01 * rng.standard_normal(120))
    events = gl_events(train, val)
    assert [(ev.epoch, ev.message_id) for ev in events] == [(46, "gl.neutral"), (74, "gl.overfit")]
    assert "do not show yet whether training loss has stopped falling" in events[0].message
    assert "still falling (0.2597 on average over the last 3 epochs" in events[1].message


def test_a_value_a_little_lower_in_a_flat_noisy_training_loss_is_not_still_falling() -> None:
    """Sweep s28 (f6): a training loss flat at 0.05 (2% noise) for 30 epochs read "is still
    falling (0.04932 in the last epoch, down from 0.04952 in epoch 42)" one epoch after the
    best: 0.4% lower, within its noise."""
    rng = np.random.default_rng(7)
    train = [0.05 + 0.6 * 0.5**k for k in range(1, 11)]
    train += list(0.05 * (1 + 0.02 * rng.standard_normal(40)))
    val = [0.45 + 0.6 * 0.5**k for k in range(1, 11)]
    val += list(0.45 * (1 + 0.005 * rng.standard_normal(40)))
    best = int(np.argmin(val))
    train[best + 1], val[best + 1] = train[best] * 0.996, val[best] * 1.08
    event = gl_events(train[: best + 2], val[: best + 2])[-1]
    assert (event.epoch, event.message_id) == (best + 2, "gl.far_below"), event.message
    assert "is far below it (0.04932 in the last epoch, against 0.04952 in epoch 42)" in (
        event.message
    )
