"""What the detectors conclude from the training loss: overfitting only while it still falls.

A learning rate that is too high makes both losses rise; that is unstable training, not
overfitting (sweep DD, finding 1). And one noisy training value (dropout) does not decide
whether the training loss "has not fallen" (finding 2).
"""

from __future__ import annotations

import math
import random

import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import GL, PQ, UP, Divergence, Gap, Patience

OVERFITTING_WORDS = (
    "memoris",
    "overfitting.",
    "sign of overfitting",
    "(high variance)",
    "improved",
)

# a real run with lr = 2.0 (sweep DD, repro 1): training and validation loss blow up together
DIVERGING = [(0.881, 1.41), (1.215, 6.812), (5.442, 67.59), (67.89, 987.4)]

# a real run with Dropout(0.5) (sweep DD, repro 2): best validation loss at epoch 17, training
# loss falls to 0.4175 at epoch 22 and spikes to 0.5603 at epoch 25, where GL(5) fires
DROPOUT_TRAIN = [
    1.1599, 1.0176, 0.8946, 0.8127, 0.7828, 0.7033, 0.7084, 0.5781, 0.5987, 0.5532, 0.5762,
    0.5894, 0.5733, 0.5324, 0.6154, 0.5368, 0.4944, 0.535, 0.4958, 0.5292, 0.4897, 0.4175,
    0.5083, 0.5278, 0.5603,
]  # fmt: skip
DROPOUT_VAL = [
    0.9565, 0.8469, 0.7502, 0.664, 0.5887, 0.5223, 0.466, 0.4187, 0.3813, 0.3532, 0.3333,
    0.3213, 0.3143, 0.3101, 0.3091, 0.3081, 0.3071, 0.3071, 0.3072, 0.3077, 0.3103, 0.3136,
    0.3171, 0.3204, 0.325,
]  # fmt: skip


def four_detectors() -> list[ng.detectors.Detector]:
    return [GL(5), PQ(0.5, 2), UP(1, 2), Gap(0.5, patience=2)]


def events_of(curve: list[tuple[float, float]]) -> list[ng.detectors.Event]:
    mon = Monitor(display=False, detectors=four_detectors())
    for epoch, (train, val) in enumerate(curve, 1):
        mon.log(epoch, loss=train, val_loss=val)
    return mon.events


def test_a_diverging_run_is_not_called_overfitting_by_any_detector() -> None:
    events = events_of(DIVERGING)
    # the same detectors fire at the same epochs as before: only the explanation changed
    assert [(e.detector[:2], e.epoch) for e in events] == [
        ("GL", 2),
        ("PQ", 2),
        ("Ga", 2),
        ("UP", 4),
    ]
    for event in events:
        said = event.message
        assert not [w for w in OVERFITTING_WORDS if w in said], said
        assert "unstable" in said and "smaller learning rate" in said, said
    assert "up from 0.881 in epoch 1" in events[1].message  # PQ: it rose from 0.881


def test_a_diverging_run_is_not_called_overfitting_in_polish_either() -> None:
    ng.set_language("pl")
    for event in events_of(DIVERGING):
        assert "zapamiętywać" not in event.message and "wariancja)" not in event.message
        assert "oznaka overfittingu" not in event.message
        assert "mniejszego współczynnika uczenia" in event.message, event.message


def test_an_overfitting_run_is_still_called_overfitting() -> None:
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2, 0.17, 0.15, 0.13]
    val = [1.0, 0.8, 0.7, 0.75, 0.8, 0.86, 0.9, 0.95, 1.0, 1.1]
    events = events_of(list(zip(train, val, strict=True)))
    ids = {e.detector[:2]: e.message_id for e in events}
    assert ids == {"GL": "gl.overfit", "PQ": "pq.fire", "UP": "up.fire", "Ga": "gap.relative"}
    assert "still falling (0.4 in the last epoch, down from 0.5 in epoch 3)" in events[0].message


def test_pq_does_not_say_improved_when_the_training_loss_rose() -> None:
    pq = PQ(0.5, 2)
    for epoch, (train, val) in enumerate([(0.8, 1.0), (0.7, 0.9), (0.9, 1.2), (1.89, 5.0)], 1):
        event = pq.update(epoch, loss=train, val_loss=val)
    assert event is not None and event.epoch == 4 and event.message_id == "pq.stalled"
    assert "improved" not in event.message and "memorise" not in event.message
    assert "so the quotient" in event.message and "> 0.5 comes from training" in event.message


def test_gl_is_not_misled_by_one_dropout_spike_after_the_best_epoch() -> None:
    """The spike at epoch 25 does not make it unstable training. Review 19 A1: since the best
    epoch (17) the noisy training loss has not fallen (0.5084 over epochs 17-19, 0.5321 over
    the last 3), so it is a plateau, as it is without the spike; it was called "still falling"
    against the epochs up to the best one (0.5489 over epochs 15-17)."""
    for last in (DROPOUT_TRAIN[-1], 0.5):  # with the spike, and without it
        mon = Monitor(display=False)  # the classroom default
        train_curve = [*DROPOUT_TRAIN[:-1], last]
        for epoch, (train, val) in enumerate(zip(train_curve, DROPOUT_VAL, strict=True), 1):
            mon.log(epoch, loss=train, val_loss=val)
        (event,) = mon.events
        assert event.epoch == 25 and event.message_id == "gl.plateau"
        assert "smaller learning rate" not in event.message and "falling" not in event.message
    assert "(0.512 on average over the last 3 epochs, against 0.5084 on average over epochs " in (
        event.message
    )


def test_gl_does_not_say_kept_falling_when_training_rose_in_between() -> None:
    gl = GL(5)  # the last training value is below the one at the best epoch, the rest is not
    curve = [(0.6, 1.0), (0.5, 0.8), (0.7, 0.83), (0.8, 0.84), (0.49, 0.85)]
    events = [gl.update(epoch, loss=t, val_loss=v) for epoch, (t, v) in enumerate(curve, 1)]
    event = events[-1]
    assert event is not None and event.message_id == "gl.stalled"
    assert "falling" not in event.message and "memorise" not in event.message
    assert "(0.6633 on average over the last 3 epochs, up from 0.5 in epoch 2)" in event.message


def test_a_training_loss_memorised_to_zero_is_overfitting_not_unstable_training() -> None:
    """A flat training loss at its floor while validation rises was called "stalled or
    unstable, try a smaller learning rate" (sweep 18): the lecture's textbook overfit."""
    train = [max(0.0, 1.0 - epoch / 5) for epoch in range(1, 21)]
    val = [0.4 + 0.01 * max(0, epoch - 8) ** 2 + 0.5 / epoch for epoch in range(1, 21)]
    events = events_of(list(zip(train, val, strict=True)))
    ids = {e.detector[:2]: e.message_id for e in events}
    assert ids["GL"] == "gl.flat" and ids["PQ"] == "pq.fire" and ids["UP"] == "up.fire"
    gl = next(e for e in events if e.detector.startswith("GL"))
    assert "learning rate" not in gl.message and "memorise" in gl.message
    assert (
        "stays far below it (0 on average over the last 2 epochs, against 0 in epoch 8)"
    ) in gl.message


def test_a_noisy_plateau_of_the_training_loss_is_not_called_unstable() -> None:
    wobble = [1.01, 0.99, 1.02, 0.98, 1.0, 1.01, 0.99, 1.02, 0.98, 1.0, 1.01, 0.99]
    train = [0.02 * w for w in wobble]  # flat, 2% noise, far below the validation loss
    val = [0.5, 0.45, 0.42, 0.4, 0.41, 0.43, 0.45, 0.47, 0.49, 0.51, 0.53, 0.55]
    events = events_of(list(zip(train, val, strict=True)))
    assert events and not [e for e in events if e.message_id.endswith("stalled")]


def test_a_flat_training_loss_close_to_the_validation_loss_is_a_plateau_not_memorising() -> None:
    """Review: both losses flat, training 0.5 and validation 0.7, a noisy validation value
    5% up was called memorising ("Stop here")."""
    wobble = [1.0, 0.98, 1.01, 0.99, 1.0, 1.02, 0.99, 1.0, 1.01, 0.98, 1.0, 1.01]
    train = [0.5 * w for w in wobble]
    val = [0.72, 0.7, 0.71, 0.7, 0.76, 0.7, 0.71, 0.74, 0.75, 0.76, 0.77, 0.78]
    events = events_of(list(zip(train, val, strict=True)))
    ids = {e.message_id for e in events if e.detector[:2] in ("GL", "PQ", "UP")}
    assert ids and ids <= {"gl.plateau", "pq.plateau", "up.plateau"}, ids
    gl = next(e for e in events if e.message_id == "gl.plateau")
    assert "stopped learning rather than started to memorise" in gl.message
    assert "memorise the training data" not in gl.message


def test_a_clearly_rising_training_loss_is_still_unstable_training() -> None:
    train = [1.0, 0.5, 0.45, 0.44, 0.6, 0.7, 0.8, 0.9]  # up 30-50% since the best epoch
    val = [1.0, 0.8, 0.7, 0.65, 0.7, 0.75, 0.8, 0.85]
    events = events_of(list(zip(train, val, strict=True)))
    assert {e.message_id for e in events if e.detector[:2] in ("GL", "UP")} == {
        "gl.stalled",
        "up.stalled",
    }


# training falls 1.0 -> 0.27 with one tick of 5.6% (0.36 -> 0.38) just after the best epoch (7)
TICK_TRAIN = [1.0, 0.8, 0.65, 0.55, 0.47, 0.41, 0.36, 0.38, 0.33, 0.30, 0.28, 0.27]
TICK_VAL = [1.0, 0.85, 0.75, 0.70, 0.68, 0.67, 0.66, 0.70, 0.71, 0.72, 0.74, 0.76]


def said_on(
    train: list[float], val: list[float], *chosen: ng.detectors.Detector
) -> list[ng.detectors.Event]:
    mon = Monitor(display=False, detectors=list(chosen))
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    return mon.events


def test_one_training_tick_after_the_best_epoch_is_too_soon_to_call_unstable() -> None:
    """Sweep s29 b2: GL and UP called one tick of the training loss just after the best epoch
    "unstable training, not overfitting (try a smaller learning rate)", and GL never said
    otherwise while it fell on to 0.27 and the validation loss rose every epoch."""
    for language in ("en", "pl"):
        ng.set_language(language)
        events = said_on(TICK_TRAIN, TICK_VAL, GL(5), UP(1, 1))
        said = [(e.detector, e.epoch, e.message_id) for e in events]
        assert said == [
            ("GL(5)", 8, "gl.rose_once"),
            ("UP(1, 1)", 8, "up.rose_once"),
            ("GL(5)", 10, "gl.overfit"),  # GL corrects itself once the fall shows memorising
        ]
        too_soon = {
            "en": "0.38 in the last epoch, a little up from 0.36 in epoch 7: one value since",
            "pl": "0,38 w ostatniej epoce, nieco więcej niż 0,36 w epoce 7: jedna wartość po",
        }[language]
        for event in events[:2]:
            assert too_soon in event.message
            assert "smaller learning rate" not in event.message
            assert "mniejszego współczynnika" not in event.message
    pq_val = [*TICK_VAL[:7], 0.76, 0.78, 0.8, 0.82, 0.84]  # PQ(0.5, 2) fires at the tick too
    pq = [(e.epoch, e.message_id) for e in said_on(TICK_TRAIN, pq_val, PQ(0.5, 2))]
    assert pq == [(8, "pq.rose_once"), (12, "pq.fire")]


def test_a_rise_over_several_epochs_trained_between_two_evaluations_is_no_tick() -> None:
    """Sweep s29 r4, M1: training logged every epoch, validation every 3rd: the training loss
    rose at epochs 10, 11 and 12 after the best (9), yet GL read 'one value since the best
    epoch is too few to tell' (it counted the evaluations since, not the epochs trained)."""
    train = {e: 1.0 - 0.01 * e for e in range(1, 10)} | {10: 0.92, 11: 0.94, 12: 0.96}
    val = {3: 0.80, 6: 0.70, 9: 0.60, 12: 0.66}
    mon = Monitor(display=False, detectors=[GL(5)])
    for epoch in range(1, 13):
        mon.log(epoch=epoch, loss=train[epoch])
        if epoch in val:
            mon.log(epoch=epoch, val_loss=val[epoch])
    assert [(e.epoch, e.message_id) for e in mon.events] == [(12, "gl.stalled")]
    # training logged only with each validation: one value since the best, too soon to tell
    every_3 = Monitor(display=False, detectors=[GL(5)])
    for epoch in val:
        every_3.log(epoch=epoch, loss=train[epoch], val_loss=val[epoch])
    assert [(e.epoch, e.message_id) for e in every_3.events] == [(12, "gl.rose_once")]


def test_a_tick_after_the_best_epoch_that_goes_on_rising_is_then_called_unstable() -> None:
    train = [*TICK_TRAIN[:8], 0.42, 0.47, 0.55, 0.6]
    events = said_on(train, TICK_VAL, GL(5), UP(2, 1))
    said = [(e.detector, e.epoch, e.message_id) for e in events]
    assert said == [
        ("GL(5)", 8, "gl.rose_once"),
        ("GL(5)", 9, "gl.stalled"),
        ("UP(2, 1)", 9, "up.stalled"),
    ]
    assert "smaller learning rate" in events[1].message
    # a rise of one value past 8.7% (0.36 -> 0.4) is clear at once, as a mean of 3 past 5%
    clear = said_on([*TICK_TRAIN[:7], 0.4, *TICK_TRAIN[8:]], TICK_VAL, GL(5))
    assert [(e.epoch, e.message_id) for e in clear] == [(8, "gl.stalled")]


# a real run with Adam and lr = 50 on the moons (sweep 20c, nb6 cell 15; the student ignores
# should_stop after Divergence fired at epoch 2): the training loss ends up to 90 times its
# first value (0.68), the validation loss jumps 2.5-8 times in one evaluation at epochs 16, 25,
# 31 and 37, and each time the training loss fell since the best epoch, the previous one
LR50 = [
    (0.6802, 723537.5), (841874.6875, 3081265.0), (3686303.25, 1065164.125),
    (932505.5, 334186.5938), (182497.1875, 73769.2578), (34546.3164, 19630.7676),
    (13671.4287, 13281.8525), (8538.334, 6988.6899), (15004.4062, 2376.4238),
    (3997.6755, 137.8851), (81.2537, 49.9558), (61.5526, 51.5031), (63.4592, 43.6772),
    (53.8165, 28.7709), (35.4499, 8.342), (10.2786, 20.6183), (15.0219, 41.2059),
    (28.2555, 53.2054), (34.2035, 58.1169), (37.3609, 56.7924), (36.5094, 49.965),
    (32.1203, 38.2683), (24.6011, 22.2532), (14.3056, 2.413), (1.5547, 16.5714),
    (20.4183, 26.2017), (32.2842, 28.2448), (34.8017, 23.7597), (29.2753, 13.6345),
    (16.7997, 1.4188), (1.1485, 11.3966), (8.5475, 16.7236), (12.5427, 17.8158),
    (13.3618, 15.082), (11.3115, 8.89), (6.6675, 0.7159), (0.813, 5.4215), (6.6801, 3.7786),
    (4.6558, 3.6841), (2.7631, 6.7566),
]  # fmt: skip


def test_a_learning_rate_of_50_is_unstable_training_not_memorising() -> None:
    """Sweep 20c, finding 5: GL(5) said "the model may have started to memorise the training
    data" at epochs 16, 25, 31 and 37 (the training loss "still falling" since the previous
    epoch, the best one)."""
    mon = Monitor(display=False)  # the classroom default, as the student had it
    for epoch, (train, val) in enumerate(LR50, 1):
        mon.log(epoch, loss=train, val_loss=val)
    said = [e for e in mon.events if e.detector.startswith("GL")]
    # it fired at 2, 16, 25, 31 and 37; training that became unstable is told once (s47 H2)
    assert [e.epoch for e in said] == [2]
    for event in said:
        assert not [w for w in OVERFITTING_WORDS if w in event.message], event.message
        assert "unstable" in event.message and "smaller learning rate" in event.message


def test_prechelts_criteria_call_the_lr_50_run_unstable_in_both_languages() -> None:
    def events() -> list[ng.detectors.Event]:
        dets = [GL(5), PQ(0.5, 2), PQ(0.5, 5), UP(1, 1), UP(2, 2), UP(3, 5)]
        mon = Monitor(display=False, detectors=dets)
        for epoch, (train, val) in enumerate(LR50, 1):
            mon.log(epoch, loss=train, val_loss=val)
        return mon.events

    english = events()
    assert {e.detector[:2] for e in english} == {"GL", "PQ", "UP"}
    for event in english:
        assert not [w for w in OVERFITTING_WORDS if w in event.message], event.message
        assert "smaller learning rate" in event.message, event.message
    ups = {e.epoch: e.message for e in english if e.detector == "UP(1, 1)"}
    assert "while training loss is 61.55, 90 times its lowest value (0.6802 at epoch 1)" in ups[12]
    ng.set_language("pl")
    for event in events():
        assert "zapamiętywać" not in event.message and "overfitting" not in event.message
        assert "mniejszego współczynnika uczenia" in event.message, event.message


def test_a_training_loss_far_above_its_lowest_value_is_unstable_even_while_it_falls() -> None:
    """Falling since the best epoch, but 7.5 times what it once was: not memorising."""
    curve = [(0.5, 1.0), (0.2, 0.9), (3.0, 0.85), (2.0, 0.88), (1.5, 0.95)]
    gl, up = GL(5), UP(1, 1)
    for epoch, (train, val) in enumerate(curve, 1):
        gl.update(epoch, loss=train, val_loss=val)
        up.update(epoch, loss=train, val_loss=val)
    (event,) = gl.events
    assert event.epoch == 5 and event.message_id == "gl.unstable"
    assert "while training loss is 1.5, 7.5 times its lowest value (0.2 at epoch 2)" in (
        event.message
    )
    assert "memorise" not in event.message and "smaller learning rate" in event.message
    assert [(e.epoch, e.message_id) for e in up.events] == [(4, "up.unstable")]


def memorising_then_one_noisy_training_value() -> list[tuple[float, float]]:
    """The shape of sweep 24B's real run R10: the best validation loss at epoch 5, then 95
    epochs of memorising (training 0.61 -> 0.1, validation 0.38 -> 1.4), then one training
    value 2.2 times its recent low but far below its level at the best epoch."""
    curve = [(0.71, 0.62), (0.65, 0.54), (0.63, 0.47), (0.62, 0.41), (0.61, 0.38)]
    for epoch in range(6, 101):
        wobble = 0.01 if epoch % 2 else -0.01
        curve.append((0.1 + 0.5 * 0.96 ** (epoch - 5) + wobble, 0.38 + 0.011 * (epoch - 5)))
    return [*curve, (0.22, 1.4)]


def test_one_noisy_training_value_after_long_memorising_is_not_called_unstable() -> None:
    """Sweep 24B, finding 1: after 450 epochs of textbook memorising GL's last word was
    "training has become unstable, which is not overfitting" (training 0.24 against 0.61 at
    the best epoch, but 2.2 times a minimum 14 epochs old)."""
    mon = Monitor(display=False, detectors=[GL(5), PQ(0.5, 5), UP(3, 5)])
    for epoch, (train, val) in enumerate(memorising_then_one_noisy_training_value(), 1):
        mon.log(epoch, loss=train, val_loss=val)
    assert "memorise" in mon.events[-1].message
    for event in mon.events:
        assert not event.message_id.endswith("unstable"), event.message
        assert "not overfitting" not in event.message, event.message


def test_a_memorised_training_loss_next_to_a_doubling_validation_loss_is_still_overfitting() -> (
    None
):
    """A validation loss near 0 may double by noise next to a memorised training loss: the
    "jump" of unstable training needs a training loss that is not far below it."""
    gl = GL(5)
    curve = [(0.5, 0.5), (0.1, 0.1), (0.01, 0.02), (0.002, 0.0205), (0.001, 0.05)]
    for epoch, (train, val) in enumerate(curve, 1):
        gl.update(epoch, loss=train, val_loss=val)
    assert [(e.epoch, e.message_id) for e in gl.events] == [(5, "gl.overfit")]


def test_gap_still_says_high_variance_when_training_only_stalls() -> None:
    gap = Gap(0.5, patience=3)
    curve = [(0.2, 1.0), (0.2, 0.9), (0.2, 0.95), (0.2, 0.97)]
    events = [gap.update(epoch, loss=t, val_loss=v) for epoch, (t, v) in enumerate(curve, 1)]
    assert [e is not None for e in events] == [False, False, True, False]
    assert "(high variance)" in gap.events[0].message


def test_gap_on_an_accuracy_calls_a_falling_training_accuracy_unstable() -> None:
    gap = Gap(0.1, patience=3, metric="val_acc")
    curve = [(0.9, 0.8), (0.95, 0.85), (0.9, 0.7)]
    for epoch, (train, val) in enumerate(curve, 1):
        event = gap.update(epoch, acc=train, val_acc=val)
    assert event is not None and event.message_id == "gap.unstable"
    assert "since epoch 2, the best epoch of validation accuracy" in event.message
    assert "(0.9 in the last epoch, against 0.95 in epoch 2)" in event.message


def u_curve(epoch: int, shift: float) -> tuple[float, float]:
    """A training loss that falls and a validation loss that falls, then rises (sweep 18b)."""
    train = 2.0 * math.exp(-epoch / 10) + 0.05
    val = 0.5 + 0.002 * (epoch - 30) ** 2 / 10 + 1.5 * math.exp(-epoch / 8)
    return train + shift, val + shift


def first_gap(shift: float) -> int | None:
    gap = Gap()  # 100% apart for 5 epochs
    for epoch in range(1, 101):
        train, val = u_curve(epoch, shift)
        if gap.update(epoch, loss=train, val_loss=val) is not None:
            return epoch
    return None


def test_a_relative_gap_is_not_judged_where_a_loss_crosses_zero() -> None:
    """Sweep 18b: a Gaussian negative log-likelihood (the U curve shifted by -0.5) crosses 0,
    and dividing by a training value of -0.00374 fired "more than 100% apart" at epoch 15,
    where the unshifted curve is 54% apart (it fires later, at a real gap)."""
    assert first_gap(0.0) == 24
    assert first_gap(-0.5) is None
    gap = Gap(0.5, patience=1)
    assert gap.update(1, loss=-0.01, val_loss=0.3) is None and math.isnan(gap.value)
    assert gap.update(2, loss=-0.5, val_loss=-0.1) is None  # both below 0: no natural 0 either
    event = Gap(0.5, patience=1).update(1, loss=0.01, val_loss=0.3)  # a natural 0: as before
    assert event is not None and event.message_id == "gap.relative"
    assert event.values["gap"] == pytest.approx(29)


# ----------------------------------------------------------------------------- Patience


def chance_level(epochs: int, seed: int = 0) -> list[float]:
    """A loss stuck at chance level (ln 10) with 0.3% noise, as a model that does not learn."""
    rng = random.Random(seed)
    return [2.3026 * (1 + rng.gauss(0, 0.003)) for _ in range(epochs)]


def patience_events(det: Patience, values: list[float], metric: str = "val_loss") -> list[str]:
    events = [det.update(epoch, **{metric: v}) for epoch, v in enumerate(values, 1)]
    return [e.message_id for e in events if e is not None]


@pytest.mark.parametrize("seed", range(5))
def test_patience_says_a_loss_at_chance_level_with_noise_is_not_learning(seed: int) -> None:
    """Sweep 18b: a noise-level new best after epoch 1 counted as learning, so a model stuck
    at chance level heard only "more training is unlikely to help"."""
    patience = Patience(20)
    # stuck for 20 epochs after the first value: said then, not 20 after a lucky low value
    assert patience_events(patience, chance_level(100, seed))[:1] == ["patience.barely_moved"]
    assert patience.events[0].epoch == 21
    text = patience.events[0].message
    assert "barely moved in 20 epochs" in text and "not learning" in text
    assert "zero_grad()" in text and "more training is unlikely" not in text
    # the value itself settles it (sweep 20c, finding 6): ln 10, the chance level of 10 classes
    assert "is close to ln 10 = 2.3, the cross-entropy of guessing at random among 10" in text
    assert "If that value is already good" not in text and "If both" not in text
    # a deep sigmoid net may sit on such a plateau before it learns: a stop it can undo
    assert "call resume() to give it more epochs" in text


def test_patience_says_barely_moved_in_polish_with_its_numbers() -> None:
    ng.set_language("pl")
    patience = Patience(5)
    assert patience_events(patience, [2.0, 1.99, 2.01, 2.0, 2.02, 2.0, 2.01]) == [
        "patience.barely_improved"
    ]
    text = patience.events[0].message
    assert text.startswith("strata walidacyjna prawie się nie zmienia względem pierwszej")
    assert "(2 w epoce 1)" in text and "1,99 w epoce 2" in text and "o 0,5%" in text
    assert "model się nie uczy" in text


@pytest.mark.parametrize(
    "values",
    [
        [2.3 - 0.04 * e for e in range(20)] + [1.5] * 25,  # slow but real: 2.3 -> 1.5, then flat
        [-1.0, -1.5, -2.0] + [-1.9] * 25,  # a negative log-likelihood that learned
    ],
    ids=["slow", "negative"],
)
def test_patience_keeps_its_plain_text_for_a_loss_that_learned(values: list[float]) -> None:
    assert patience_events(Patience(20), values) == ["patience.fire"]


def test_patience_says_a_negative_loss_that_barely_moved_is_not_learning() -> None:
    values = [-1.0, -1.005] + [-0.99] * 20  # 0.5% of its size: noise
    assert patience_events(Patience(20), values) == ["patience.barely_improved"]


def test_patience_does_not_judge_an_accuracy_by_its_size() -> None:
    """0.985 -> 0.992 on MNIST is under 1% of the value, yet halves the error."""
    values = [0.985, 0.99, 0.992] + [0.99] * 20
    patience = Patience(20, metric="val_acc")
    assert patience_events(patience, values, "val_acc") == ["patience.fire"]


# a real run: a 256-wide MLP on 42 moons points (sweep 20c, nb3 cell 7): training loss, validation
# loss, training accuracy, validation accuracy; the validation loss is best at epoch 1
MEMORISES = [
    (0.6769, 0.5911, 0.5476, 0.7778), (0.2267, 0.8097, 0.9286, 0.7778),
    (0.1837, 1.0359, 0.9286, 0.7778), (0.1942, 1.1791, 0.9524, 0.7778),
    (0.1769, 1.2861, 0.9286, 0.7778), (0.1815, 1.3614, 0.9048, 0.7778),
    (0.177, 1.382, 0.9524, 0.7778), (0.1619, 1.431, 0.9524, 0.6667),
    (0.156, 1.4121, 0.9286, 0.6667), (0.1428, 1.3555, 0.9286, 0.7778),
    (0.1394, 1.3253, 0.9524, 0.7778), (0.1318, 1.3372, 0.9524, 0.6667),
    (0.1233, 1.3145, 0.9524, 0.6667), (0.1189, 1.2641, 0.9524, 0.7778),
    (0.1154, 1.2833, 0.9524, 0.7778), (0.11, 1.3555, 0.9524, 0.6667),
    (0.1051, 1.3952, 0.9762, 0.6667), (0.0995, 1.4179, 0.9524, 0.7778),
    (0.0976, 1.4689, 0.9524, 0.7778), (0.0929, 1.5444, 0.9524, 0.7778),
    (0.0914, 1.5689, 0.9762, 0.6667),
]  # fmt: skip
GUESSES = ("If that value", "If the training", "If both", "If not")


def never_improved(metric: str, *, log_acc: bool = True) -> str:
    """Patience's text for the MEMORISES run, watching ``metric``."""
    mon = Monitor(display=False, metric=metric)
    for epoch, (loss, val_loss, acc, val_acc) in enumerate(MEMORISES, 1):
        accuracies = {"acc": acc, "val_acc": val_acc} if log_acc else {"val_acc": val_acc}
        mon.log(epoch, loss=loss, val_loss=val_loss, **accuracies)
    (event,) = [e for e in mon.events if e.detector.startswith("Patience")]
    assert event.epoch == 21 and event.message_id == "patience.never_improved"
    return event.message


def test_patience_says_a_model_that_memorises_from_the_start_overfits_from_the_start() -> None:
    """Sweep 20c, finding 6: the numbers settle it (training 0.091, validation 1.57), yet the
    text gave three "If ..." guesses. Sweep s47: a validation loss that rose from its first
    epoch on while the training loss fell overfits from the start, which "does not
    generalise" did not say."""
    text = never_improved("val_loss")
    assert "Training loss has kept improving (0.6769 at first, 0.0914 now) while validation" in (
        text
    )
    assert "got worse (1.569 now)" in text and "overfitting from its first epochs" in text
    assert "too little data or too big a model" in text
    assert not [g for g in GUESSES if g in text] and "cross-entropy" not in text, text
    ng.set_language("pl")
    text = never_improved("val_loss")
    assert "Strata treningowa wciąż się poprawia (na początku 0,6769; teraz 0,0914)" in text
    assert "przeucza się od pierwszych epok" in text and "Jeśli" not in text


def test_patience_on_an_accuracy_never_compares_it_with_a_loss() -> None:
    text = never_improved("val_acc")
    assert "Training accuracy is 0.9762 now (0.5476 at first), against 0.6667" in text
    assert "loss" not in text and "cross-entropy" not in text, text
    text = never_improved("val_acc", log_acc=False)  # the numbers do not decide: a short text
    assert "log training accuracy as well" in text
    assert "training loss" not in text and "cross-entropy" not in text, text


def test_patience_says_a_diverged_regression_diverged() -> None:
    """Sweep 20c (nb2, lr = 3 on an MSE regression): the loss overflowed to inf, and the text
    explained the chance levels of a cross-entropy."""
    values = [(1.349e4 * 57**e, 6.542e5 * 57**e) for e in range(18)] + [(math.inf, math.inf)] * 3
    patience = Patience(20)
    for epoch, (train, val) in enumerate(values, 1):
        event = patience.update(epoch, loss=train, val_loss=val)
    assert event is not None and event.message_id == "patience.never_improved"
    assert "Validation loss is now inf (not a finite number): training has diverged" in (
        event.message
    )
    assert "cross-entropy" not in event.message and "If " not in event.message


def test_a_validation_loss_gone_nan_is_written_nan() -> None:
    # the Polish review (sweep 27): "ma teraz wartość nan", while every other text writes NaN
    patience = Patience(2)
    for epoch, val in enumerate([0.9, 0.7, math.nan, math.nan, math.nan], 1):
        patience.update(epoch, loss=1.0 / epoch, val_loss=val)
    (event,) = patience.events
    assert "Validation loss is now NaN (not a finite number)" in event.message
    # the training loss, on the same weights, is finite and falling: not diverged (sweep 27, r6)
    assert "have not diverged" in event.message and "smaller learning rate" not in event.message


def test_a_nan_in_both_losses_is_still_told_as_diverged() -> None:
    patience = Patience(2)
    for epoch, value in enumerate([0.9, 0.7, math.nan, math.nan, math.nan], 1):
        patience.update(epoch, loss=value, val_loss=value)
    (event,) = patience.events
    assert "training has diverged" in event.message


@pytest.mark.parametrize(
    ("metric", "says"),
    [
        ("val_loss", "0.6931 is close to ln 2 = 0.69315, the cross-entropy of guessing at random"),
        ("val_mse", "mse has not moved either (0.6931 now, 0.6931 at first): the model is not"),
    ],
)
def test_patience_gives_a_cross_entropy_hint_only_to_a_loss_that_looks_like_one(
    metric: str, says: str
) -> None:
    patience = Patience(20, metric=metric)
    twin = metric.removeprefix("val_")
    for epoch in range(1, 22):
        event = patience.update(epoch, **{twin: 0.6931, metric: 0.6931})
    assert event is not None and says in event.message, event.message
    assert ("cross-entropy" in event.message) == (metric == "val_loss")
    assert "If that value" not in event.message and "If both" not in event.message


def test_patience_calls_a_rising_training_loss_unstable_training() -> None:
    """A training loss that rises by jumps (a smooth climb is a weight decay's, sweep s47 H1:
    see test_student_readings.py)."""
    patience = Patience(20)
    for epoch in range(1, 22):
        train = 0.5 + 0.02 * epoch + 0.08 * (-1) ** epoch
        event = patience.update(epoch, loss=train, val_loss=0.7 + 0.001 * epoch)
    assert event is not None and event.message_id == "patience.never_improved"
    assert "Training loss has got worse too (0.84 now, 0.44 at first): training has become" in (
        event.message
    )
    assert "smaller learning rate" in event.message and "If " not in event.message


def test_patience_reads_a_training_loss_that_rose_to_chance_level_as_guessing() -> None:
    # a zero_grad() that zeroes the weights: training loss 0.356 -> ln 2, validation stuck there
    patience = Patience(20)
    for epoch in range(1, 22):
        train = 0.356 if epoch == 1 else 0.6931
        event = patience.update(epoch, loss=train, val_loss=0.6931)
    assert event is not None and event.message_id == "patience.never_improved"
    assert (
        "close to ln 2" in event.message and "zero_grad(), backward() and step()" in event.message
    )
    assert "unstable" not in event.message


# a learning rate of 1e-5 (sweep 21a, finding 6): moons, a 2-256-256-2 MLP, plain SGD; both
# losses creep down by about 1e-5 per epoch, and validation accuracy stays at 0.5
def creeping(epoch: int) -> dict[str, float]:
    return {"loss": 0.66482 - 1.0e-5 * epoch, "val_loss": 0.67408 - 1.36e-5 * epoch}


def creeping_events(det: Patience, epochs: int = 100) -> list[tuple[int, str]]:
    events = [det.update(epoch, **creeping(epoch)) for epoch in range(1, epochs + 1)]
    return [(e.epoch, e.message_id) for e in events if e is not None]


@pytest.mark.parametrize(
    ("make", "message_id", "says"),
    [
        (
            lambda: Patience(10, min_delta=0.01, relative=True),
            "patience.never_improved_relative",
            "validation loss never improved by more than 1% on its first value (0.6741 at epoch",
        ),
        (
            lambda: Patience(10, min_delta=0.001),
            "patience.never_improved_delta",
            "validation loss never improved by more than 0.001 on its first value (0.6741 at",
        ),
    ],
    ids=["relative", "absolute"],
)
def test_patience_with_min_delta_says_a_run_stuck_from_the_start_is_not_learning(
    make: object, message_id: str, says: str
) -> None:
    """Sweep 21a, finding 6: the Keras-style setting said "more training is unlikely to help"
    where the same detector without min_delta says "not learning"."""
    patience = make()  # type: ignore[operator]
    assert creeping_events(patience) == [(11, message_id)]
    text = patience.events[0].message
    assert says in text and "Training loss has not moved either" in text
    assert "the model is not learning" in text and "more training is unlikely" not in text


def test_patience_with_min_delta_says_a_diverging_run_is_unstable() -> None:
    """Sweep 21a, R10: a learning rate far too high (validation loss 837, then 4.3e4 by epoch
    11); with min_delta Patience said "more training is unlikely to help"."""
    patience = Patience(10, min_delta=0.01, relative=True)
    for epoch in range(1, 12):
        event = patience.update(epoch, loss=450 * 1.45**epoch, val_loss=837 * 1.45**epoch)
    assert event is not None and event.message_id == "patience.never_improved_relative"
    assert "training has become unstable" in event.message
    assert "smaller learning rate" in event.message and "unlikely" not in event.message


def test_patience_counts_the_tiny_gains_of_a_loss_that_does_not_learn_as_none() -> None:
    """Sweep 21a, finding 6: the classroom set said nothing in 100 epochs, as every epoch beat
    the last by 1e-5. Patience(20) now says it at epoch 21, and the classroom stops there."""
    patience = Patience(20)
    assert creeping_events(patience) == [(21, "patience.barely_moved")]
    text = patience.events[0].message
    assert text.startswith(
        "validation loss has barely moved in 20 epochs: its best, 0.6738 at epoch 21, is only"
        " 0.04% below its first value (0.6741 at epoch 1). Training loss has not moved either"
    )
    assert "the model is not learning" in text and "learning rate" in text
    mon = Monitor(display=False)
    for epoch in range(1, 101):
        mon.log(epoch, **creeping(epoch))
        if mon.should_stop:
            break
    assert epoch == 21 and mon.stop_event is not None
    assert mon.stop_event.message_id == "patience.barely_moved"
    ng.set_language("pl")
    polish = Patience(20)
    creeping_events(polish, 21)
    assert polish.events[0].message.startswith(
        "strata walidacyjna prawie stoi w miejscu już 20 epok: najlepsza wartość, 0,6738 w epoce"
        " 21, jest tylko o 0,04% niższa od pierwszej (0,6741 w epoce 1). Strata treningowa też"
    )


def test_patience_leaves_a_loss_that_moves_to_the_keras_rule() -> None:
    # slow but real: both losses fall 0.3% per epoch, 6% in 20 epochs
    slow = Patience(20)
    for epoch in range(1, 60):
        assert slow.update(epoch, loss=0.9 * 0.997**epoch, val_loss=0.7 * 0.997**epoch) is None
    # the validation loss creeps, the training loss falls: the model fits its training data
    fits = Patience(20)
    for epoch in range(1, 60):
        assert fits.update(epoch, loss=0.6 * 0.95**epoch, val_loss=0.674 - 1e-5 * epoch) is None
    # no training loss to tell, and not at a chance level: nothing to read, Keras's rule
    alone = Patience(20)
    for epoch in range(1, 60):
        assert alone.update(epoch, val_loss=0.5 - 1e-5 * epoch) is None


def test_the_classroom_set_says_a_learning_rate_far_too_low_barely_moves_the_loss() -> None:
    """Sweep 24B, finding 3: both losses fell 0.01% per epoch for 200 epochs (as a real SGD
    run at lr = 1e-5: 0.1624 -> 0.1602 in 100 epochs) and nothing was said."""
    mon = Monitor(display=False)
    for epoch in range(1, 201):
        mon.log(epoch, loss=0.1969 * (1 - 1e-4 * epoch), val_loss=0.1624 * (1 - 1e-4 * epoch))
    (event,) = mon.events
    assert (event.epoch, event.message_id) == (21, "patience.barely_moved")
    assert "not learning" in event.message and "check the learning rate" in event.message


def test_patience_lets_a_slow_run_that_learns_fall_a_thousandth_per_epoch_in_silence() -> None:
    slow = Patience(5)  # 2% in 20 epochs: slow, but it learns (judged from epoch 6 on)
    for epoch in range(1, 60):
        fall = 1 - 1e-3 * epoch
        assert slow.update(epoch, loss=0.9 * fall, val_loss=0.7 * fall) is None


def slow_learner(seed: int, epochs: int = 100) -> list[tuple[float, float]]:
    """A run that learns slowly but steadily (sweep s46, r01): both losses fall 0.1% per epoch,
    the validation loss wobbles by 0.3%, three times what it gains in an epoch."""
    rng = random.Random(seed)
    curve = []
    for epoch in range(1, epochs + 1):
        train = 0.8 * 0.999**epoch + 0.05
        curve.append((train * (1 + rng.gauss(0, 0.002)), 1.1 * train * (1 + rng.gauss(0, 0.003))))
    return curve


@pytest.mark.parametrize("seed", range(12))
def test_patience_does_not_call_a_slow_learner_whose_noise_hides_its_new_bests_not_learning(
    seed: int,
) -> None:
    """Sweep s46, finding 3: with fewer new bests than evaluations/2 (noise larger than the
    gain per epoch), the classroom stopped 8 of 20 such runs at epoch ~22 as "not learning",
    at a new best, while the values fell 10 standard errors along their line."""
    patience = Patience(20)
    for epoch, (train, val) in enumerate(slow_learner(seed), 1):
        event = patience.update(epoch, loss=train, val_loss=val)
        assert event is None or event.message_id != "patience.barely_moved", event.message


def settles_at_chance(seed: int) -> list[tuple[float, float]]:
    """A cross-entropy of 10 classes that settles onto chance level (2.35 -> ln 10 in about
    10 epochs), then stays there with 0.1% noise (review of s46, finding 4)."""
    rng = random.Random(seed)
    curve = []
    for epoch in range(1, 121):
        level = math.log(10) + 0.05 * math.exp(-epoch / 3)
        curve.append(
            (level * (1 + rng.gauss(0, 0.0005)) - 0.002, level * (1 + rng.gauss(0, 0.001)))
        )
    return curve


@pytest.mark.parametrize("seed", range(10))
def test_a_loss_that_settled_onto_chance_level_is_not_learning_after_patience_epochs(
    seed: int,
) -> None:
    """Its first epochs fall clearly, the rest is flat: a line through all of them fell
    "clearly" and kept the stop waiting up to 30 epochs; the latest half must fall too."""
    mon = Monitor(display=False)
    for epoch, (train, val) in enumerate(settles_at_chance(seed), 1):
        mon.log(epoch, loss=train, val_loss=val)
        if mon.should_stop:
            break
    assert mon.events[-1].message_id == "patience.barely_moved"
    assert epoch <= 24


def test_patience_does_not_say_barely_moved_at_a_new_best_of_a_loss_falling_fast() -> None:
    """Sweep s46 (c16, seed 2): a 5-epoch warm-up lifts the loss, which then falls 45% in 6
    epochs back to a new best at epoch 11; Patience(10) stopped it there as "not learning"."""
    train = [1.2524, 1.4938, 1.7815, 1.9935, 2.2563, 2.0406, 1.8127, 1.6477, 1.4908, 1.3455]
    val = [1.3359, 1.5409, 1.9332, 2.1934, 2.4031, 2.169, 1.933, 1.7679, 1.5819, 1.4254]
    train += [1.2314, 1.1166, 1.0071, 0.9523, 0.8438, 0.7997]
    val += [1.3238, 1.2118, 1.116, 0.9747, 0.8995, 0.8587]
    patience = Patience(10)
    assert [
        patience.update(e, loss=t, val_loss=v)
        for e, (t, v) in enumerate(zip(train, val, strict=True), 1)
    ] == [None] * len(val)


@pytest.mark.parametrize("seed", range(5))
def test_patience_still_says_barely_moved_of_a_noisy_chance_level_that_creeps(seed: int) -> None:
    """The other side of the slow learner: a loss at chance level that creeps down 1e-5 per
    epoch under 0.3% noise, beside a training loss as stuck, is still said not to learn."""
    rng = random.Random(seed)
    patience = Patience(20)
    for epoch in range(1, 22):
        level = 2.3026 * (1 - 1e-5 * epoch)
        train, val = level * (1 + rng.gauss(0, 0.002)), level * (1 + rng.gauss(0, 0.003))
        event = patience.update(epoch, loss=train, val_loss=val)
    assert event is not None and event.message_id == "patience.barely_moved"


def test_patience_resumed_on_a_creeping_loss_waits_its_patience_again() -> None:
    patience = Patience(5)
    assert creeping_events(patience, 6) == [(6, "patience.barely_moved")]
    patience.resume()
    later = [patience.update(epoch, **creeping(epoch)) for epoch in range(7, 13)]
    assert [e is not None for e in later] == [False] * 4 + [True, False]


# ----------------------------------------------------------------------------- Divergence


def test_divergence_names_the_epoch_as_the_stop_line_does() -> None:
    lines: list[str] = []
    mon = Monitor(detectors=[Divergence(factor=100)], display="text")
    mon._printer._write = lines.append  # type: ignore[union-attr]
    for epoch in range(1, 22):
        mon.log(epoch, loss=0.5 * 1.5**epoch)
    mon.flush()
    (event,) = mon.events  # no validation: its lines say "step N", so do its words (s47 L2)
    assert f"at step {event.epoch}," in event.message and "epoch" not in event.message
    assert any(f"at step {event.epoch}" in line and "stop" in line for line in lines)


def test_divergence_names_the_step_and_the_epoch_when_logging_per_batch() -> None:
    mon = Monitor(detectors=[Divergence()], display=False)
    step = 0
    for _ in range(3):
        for _ in range(10):
            step += 1
            mon.log(step, loss=1.0 if step < 25 else float("nan"))
        mon.log(step, val_loss=1.0)
    (event,) = mon.events
    assert "at step 25 (epoch 3)" in event.message
    ng.set_language("pl")
    assert "w kroku 7" in Divergence().update(7, loss=float("inf")).message  # type: ignore[union-attr]


@pytest.mark.parametrize(("language", "words"), [("en", "at step 2,"), ("pl", "w kroku 2 ")])
def test_divergence_used_alone_names_the_step(language: str, words: str) -> None:
    ng.set_language(language)
    d = Divergence(factor=10)
    d.update(1, loss=0.5)
    event = d.update(2, loss=7.7)
    assert event is not None and words in event.message


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ([-1.0, -0.5, 5.0, 1e6], "1 million times the size of its first nonzero value (-1)"),
        ([0.0, 0.1, 5.0, 1e6], "10 million times the size of its first nonzero value (0.1)"),
        ([math.nan, 1.0, 5.0, 1e6], "1 million times the size of its first nonzero value (1)"),
    ],
)
def test_divergence_catches_a_blow_up_whatever_the_first_value(
    values: list[float], words: str
) -> None:
    """Sweep 18b: a first value of 0 or below 0 (or NaN) switched the factor test off."""
    d = Divergence(factor=100)
    events = [d.update(epoch, loss=v) for epoch, v in enumerate(values, 1)]
    event = events[-1]
    assert events[1:3] == [None, None]
    assert event is not None and event.message_id == "divergence.factor_size"
    assert words in event.message and "training is blowing up" in event.message


def test_divergence_never_calls_a_negative_loss_falling_further_a_blow_up() -> None:
    d = Divergence(factor=100)
    assert [d.update(epoch, loss=v) for epoch, v in enumerate([-1.0, -10.0, -200.0, -1e6], 1)] == [
        None
    ] * 4
    plain = Divergence(factor=100)  # a positive first value: the text as before
    plain.update(1, loss=2.0)
    assert plain.update(2, loss=250.0).message_id == "divergence.factor"  # type: ignore[union-attr]


def test_divergence_by_default_stops_a_loss_that_grows_a_hundredfold() -> None:
    """Sweep 21a, finding 7: un-standardised inputs and SGD took the loss from 454 to 1e11, and
    Divergence() with its defaults watched only for NaN and Inf."""
    d = Divergence()
    events = [d.update(epoch, loss=454.1 * 1.5**epoch) for epoch in range(50)]
    fired = [e for e in events if e is not None]
    assert d.name == "Divergence(factor=100)" and len(fired) == 1
    assert fired[0].message_id == "divergence.factor" and "times its first value" in (
        fired[0].message
    )
    off = Divergence(factor=None)
    assert off.name == "Divergence(factor=None)"
    assert [off.update(epoch, loss=454.1 * 1.5**epoch) for epoch in range(50)] == [None] * 50


def test_divergence_says_a_sudden_nan_is_no_overflow_and_to_check_the_data_first() -> None:
    """Sweep 21a, finding 8: a NaN in one input took the loss from 0.175 straight to NaN, and the
    text said "the numbers overflowed" and "lower the learning rate" first."""
    d = Divergence()
    for epoch, value in enumerate([0.69, 0.4, 0.2, 0.1749], 1):
        assert d.update(epoch, loss=value) is None
    event = d.update(5, loss=math.nan)
    assert event is not None and event.message_id == "divergence.nonfinite"
    assert event.message.startswith(
        "training loss became nan at step 5, straight from 0.1749 without growing first: a sudden"
        " jump, so the likely cause is a NaN in the data, or a 0/0 or log(0) in the loss. Check"
        " the data for NaN first"
    )
    assert "overflow" not in event.message and event.values["last"] == 0.1749
    grew = Divergence(factor=None)  # values that grew: an overflow, and the learning rate first
    for epoch, value in enumerate([0.69, 2.0, 80.0, 1e20], 1):
        grew.update(epoch, loss=value)
    text = grew.update(5, loss=math.inf).message  # type: ignore[union-attr]
    assert "the values grew until the numbers overflowed). Lower the learning rate" in text
    first = Divergence().update(1, loss=math.nan).message  # type: ignore[union-attr]
    assert "the first value logged, so nothing shows how it came" in first
    ng.set_language("pl")
    polish = Divergence()
    polish.update(1, loss=0.2), polish.update(2, loss=0.1749)
    text = polish.update(3, loss=math.nan).message  # type: ignore[union-attr]
    assert text.startswith("strata treningowa ma w kroku 3 wartość nan, i to wprost z 0,1749,")
    assert "najpewniej w danych jest NaN" in text and "poza zakres" not in text


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_nan_right_after_the_first_value_is_not_called_a_sudden_jump(language: str) -> None:
    """SGD at lr=10: epoch 1's mean loss was 2.2e12 already, epoch 2 NaN, and the text said
    "straight from 2.151e+12 without growing first: ... a NaN in the data" (sweep s33 S,
    finding 2). One value cannot show whether it grew."""
    ng.set_language(language)
    d = Divergence()
    d.update(1, loss=2.151e12)
    text = d.update(2, loss=math.nan).message  # type: ignore[union-attr]
    if language == "en":
        assert text.startswith(
            "training loss became nan at step 2, right after its first value (2.151e+12), so"
            " nothing shows whether it grew: training may have diverged at once (a learning"
            " rate far too high)"
        )
        assert "sudden" not in text
    else:
        assert "zaraz po pierwszej wartości (2,151e+12)" in text and "nagły skok" not in text


# ------------------------------------------ too soon to speak of memorising (sweeps B and C)

# lesson L5, full batch on 56 points (sweep C): the best is epoch 1, where the training loss
# was above the validation loss; one optimizer step later validation is up 81.6%
ONE_STEP_AFTER_THE_BEST = [(0.6883, 0.4779), (0.3996, 0.8680)]
# real run R1 (sweep B, 6 g; Adam 1e-2, 20 points): Adam's first step blew the training loss
# up, and the best epoch 2 had a training loss 21 times its validation loss
BLOWN_UP_AT_THE_BEST = [(0.148, 5.876), (5.879, 0.2783), (0.1905, 0.369)]


def test_gl_says_it_is_too_soon_one_step_after_a_best_where_training_was_above_validation() -> None:
    mon = Monitor(display=False)  # the classroom default
    for epoch, (train, val) in enumerate(ONE_STEP_AFTER_THE_BEST, 1):
        mon.log(epoch, loss=train, val_loss=val)
    (event,) = mon.events
    assert event.epoch == 2 and event.message_id == "gl.neutral"
    assert "may have started to memorise" not in event.message
    assert (
        "while training loss is 0.3996 in the last epoch (against 0.6883 in epoch 1): in epoch 1"
        " training loss was no lower than the best validation loss, and one value since then is"
        " too few to tell whether the model has started to memorise the training data or this"
        " rise is noise."
    ) in event.message
    mon.log(3, loss=0.31, val_loss=0.93)  # a second step confirms it: said, corrected
    assert [(e.epoch, e.message_id) for e in mon.events] == [(2, "gl.neutral"), (3, "gl.overfit")]
    assert "may have started to memorise the training data" in mon.events[-1].message


@pytest.mark.parametrize("detector", [PQ(0.1, 2), UP(1, 1)], ids=["PQ", "UP"])
def test_pq_and_up_say_it_is_too_soon_one_step_after_such_a_best(
    detector: ng.detectors.Detector,
) -> None:
    for epoch, (train, val) in enumerate(ONE_STEP_AFTER_THE_BEST, 1):
        event = detector.update(epoch, loss=train, val_loss=val)
    assert event is not None and event.message_id.endswith(".neutral")
    assert "one value since then is too few to tell" in event.message
    assert "sign of overfitting" not in event.message


def test_a_training_loss_blown_up_at_the_best_epoch_is_too_soon_to_call_memorising() -> None:
    gl = GL(5, stop=False)
    events = [gl.update(e, loss=t, val_loss=v) for e, (t, v) in enumerate(BLOWN_UP_AT_THE_BEST, 1)]
    event = events[-1]
    assert event is not None and event.epoch == 3 and event.message_id == "gl.neutral"
    assert (
        "(against 5.879 in epoch 2): in epoch 2 training loss was 21 times the best validation"
        " loss (the model did far worse on its training data than on new data), so it is too"
        " soon to read its fall since then as a sign of memorising."
    ) in event.message
    assert gl.update(4, loss=0.278, val_loss=0.30) is None  # two values after: still too soon
    event = gl.update(5, loss=0.176, val_loss=0.31)  # three: the training loss is below now
    assert event is not None and event.message_id == "gl.overfit"


def test_too_soon_to_call_memorising_is_said_in_polish_with_its_numbers() -> None:
    ng.set_language("pl")
    texts = []
    for curve in (ONE_STEP_AFTER_THE_BEST, BLOWN_UP_AT_THE_BEST):
        gl = GL(5)
        events = [gl.update(e, loss=t, val_loss=v) for e, (t, v) in enumerate(curve, 1)]
        texts.append(events[-1].message)  # type: ignore[union-attr]
    assert (
        "(wobec 0,6883 w epoce 1): w epoce 1 strata treningowa nie była niższa niż najlepsza "
        "strata walidacyjna, a jedna wartość od tamtej pory to za mało, by ocenić, czy model "
        "zaczął zapamiętywać dane treningowe, czy ten wzrost to tylko szum."
    ) in texts[0]
    assert (
        "w epoce 2 strata treningowa była 21 razy wyższa niż najlepsza strata walidacyjna "
        "(model radził sobie na danych treningowych dużo gorzej niż na nowych)"
    ) in texts[1]


def test_a_u_shaped_validation_curve_is_still_called_memorising_ten_epochs_after_its_best() -> None:
    mon = Monitor(display=False)
    for epoch in range(1, 41):  # best at epoch 30, 6% above it at epoch 40
        mon.log(epoch, loss=0.97**epoch, val_loss=0.5 + 0.0003 * (epoch - 30) ** 2)
    (event,) = mon.events
    assert event.epoch == 40 and event.message_id == "gl.overfit"
    assert "the model may have started to memorise the training data" in event.message
    early = GL(5)  # below the validation loss at the best epoch: read at the first value after
    curve = [(1.0, 1.0), (0.8, 0.9), (0.6, 0.99)]
    said = [early.update(e, loss=t, val_loss=v) for e, (t, v) in enumerate(curve, 1)]
    assert said[-1] is not None and said[-1].message_id == "gl.overfit"


TRAIN_STEADY = [1.0, 0.8, 0.68, 0.6, 0.55, 0.51, 0.48, 0.46, 0.445, 0.435, 0.427, 0.42]
VAL_LUCKY_LOW = [1.05, 0.86, 0.75, 0.70, 0.66, 0.64, 0.63, 0.31, 0.63, 0.62, 0.61, 0.60]


def test_a_validation_loss_back_at_its_level_after_one_lucky_low_is_no_jump() -> None:
    """A small validation set gave 0.31 once among values near 0.63, beside a training loss
    falling steadily: GL called the way back "a jump ... unstable training (try a smaller
    learning rate)" (sweep s34 C, finding 2)."""
    mon = Monitor(display=False, detectors=[GL(5)])
    for epoch, (train, val) in enumerate(zip(TRAIN_STEADY, VAL_LUCKY_LOW, strict=True), 1):
        mon.log(epoch, loss=train, val_loss=val)
    (event,) = mon.events
    assert event.epoch == 9 and event.message_id != "gl.jump"
    assert "learning rate" not in event.message


# a real run: moons, an MLP, plain SGD at lr=5; both losses swing (regression sweep s34 RG1)
LR5_TRAIN = [13.0079, 1.4742, 1.1215, 1.1952, 0.7674, 0.9105, 1.1692, 1.1041, 0.7598, 1.0062, 1.0075, 0.896, 1.0645, 1.2804, 0.8162, 1.194, 0.8132, 1.1355, 0.8523, 0.8218, 0.6946, 0.9757, 0.9309, 0.7304, 1.0285, 0.9442, 1.0541, 1.0701, 0.8211, 1.0774]  # fmt: skip
LR5_VAL = [2.1005, 1.4256, 0.9765, 1.1783, 0.6894, 0.6953, 1.0917, 0.6971, 0.6879, 0.7982, 0.8879, 1.4998, 1.0301, 0.6851, 1.6505, 1.517, 0.8304, 0.7632, 1.1763, 1.0152, 0.7773, 1.1369, 0.8608, 1.3359, 0.7225, 0.9313, 1.7901, 0.6921, 1.8784, 0.8029]  # fmt: skip


def test_a_swinging_run_at_a_learning_rate_far_too_high_still_jumps() -> None:
    """The value before the jump (1.03, between 1.5 and a low of 0.69) is no calm level, and
    the training loss swings 0.82-1.28: still unstable training, not 'no sign of memorising'."""
    said = said_on(LR5_TRAIN, LR5_VAL, GL(5), PQ(0.5, 5), UP(2, 5))
    at_15 = {e.detector: e.message_id for e in said if e.epoch == 15}
    assert at_15 == {"PQ(0.5, 5)": "pq.jump", "UP(2, 5)": "up.jump"}
    # GL told the run at epoch 7 that its training is unstable: once is enough (s47 H2)
    gl = [(e.epoch, e.message_id) for e in said if e.detector == "GL(5)"]
    assert gl == [(4, "gl.rose_once"), (7, "gl.stalled")]


@pytest.mark.parametrize("low_at", [5, 6, 8])
def test_a_lucky_low_while_the_training_loss_still_falls_is_no_jump(low_at: int) -> None:
    """The same lucky low a few epochs earlier, while the training loss still fell 0.68, 0.6,
    0.55, 0.51 (33% apart), was a 'jump' again (regression sweep s34 RG4a, finding 1)."""
    val = [*VAL_LUCKY_LOW[: low_at - 1], 0.31, *VAL_LUCKY_LOW[low_at - 1 :]][:12]
    val[low_at:] = [0.66 - 0.01 * i for i in range(12 - low_at)]
    said = said_on(TRAIN_STEADY, val, GL(5))
    assert said and not [e for e in said if e.message_id == "gl.jump"]


def test_a_doubled_validation_loss_far_below_the_training_loss_is_no_jump() -> None:
    """15 validation points near 0.02 beside a training loss of 0.23 (dropout): one point
    changed doubles it (regression sweep s34 RG4a, finding 1)."""
    train = [0.9, 0.6, 0.4, 0.22, 0.2275]
    val = [0.5, 0.2, 0.05, 0.019, 0.0421]
    said = said_on(train, val, GL(5))
    assert [e.message_id for e in said] != ["gl.jump"] and said


def test_a_jump_above_the_level_before_the_best_is_still_one() -> None:
    val = [*VAL_LUCKY_LOW[:8], 1.9]  # six times the best, three times the level before it
    mon = Monitor(display=False, detectors=[GL(5)])
    for epoch, (train, value) in enumerate(zip(TRAIN_STEADY[:9], val, strict=True), 1):
        mon.log(epoch, loss=train, val_loss=value)
    (event,) = mon.events
    assert event.message_id == "gl.jump"
    assert "after a jump from 0.31 to 1.9 in one evaluation" in event.message


WARMUP_TRAIN = [2.30, 2.37, 2.52, 2.57, 2.44, 2.07, 1.74, 1.52, 1.31, 1.17, 1.05, 0.96]
WARMUP_VAL = [2.43, 2.49, 2.57, 2.63, 2.56, 2.15, 1.84, 1.61, 1.46, 1.26, 1.15, 1.07]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_learning_rate_warm_up_is_too_soon_to_read_not_unstable_training(language: str) -> None:
    """Both losses rise a little in the first epochs while the learning rate warms up: GL said
    "training has become unstable ... (try a smaller learning rate)" of a run that then fell
    for good (sweep s34 C, finding 3)."""
    ng.set_language(language)
    try:
        events = said_on(WARMUP_TRAIN, WARMUP_VAL, GL(5))
    finally:
        ng.set_language("en")
    assert [(e.epoch, e.message_id) for e in events] == [(3, "gl.warming_up")]
    assert "warm-up" in events[0].message
    assert "a learning rate too high" in events[0].message or "zbyt duży" in events[0].message


def test_a_rise_far_above_the_first_loss_in_the_first_epochs_is_no_warm_up() -> None:
    """From scratch, 10 classes: 2.30 -> 3.9 by epoch 6 is a learning rate too high. The first
    small rise may be either, and says both; once 25% above the first loss it is unstable
    training. UP(1, 3) stopped on 'too soon to tell' with no word of the learning rate
    (regression sweep s34 RG1, finding 2)."""
    train = [2.30, 2.32, 2.6, 3.0, 3.5, 3.9]
    val = [2.31, 2.33, 2.62, 3.05, 3.6, 4.0]
    said = said_on(train, val, GL(5))
    assert [(e.epoch, e.message_id) for e in said] == [(3, "gl.warming_up"), (5, "gl.stalled")]
    (up,) = said_on(train, val, UP(1, 3))
    assert "try a smaller" in up.message


def test_a_run_that_learnt_and_then_rose_is_unstable_with_the_schedule_named() -> None:
    """Not the first epochs: a warm restart, or a learning rate too high; the advice says both."""
    train = [1.0, 0.5, 0.45, 0.44, 0.6, 0.7, 0.8, 0.9]
    val = [1.0, 0.8, 0.7, 0.65, 0.7, 0.75, 0.8, 0.85]
    (event,) = said_on(train, val, GL(5))
    assert event.message_id == "gl.stalled"
    assert "(try a smaller learning rate, unless a schedule raised it on purpose" in event.message
