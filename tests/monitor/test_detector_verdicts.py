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
        "stays where it was (0 on average over the last 2 epochs, against 0 in epoch 8)"
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
    assert patience_events(patience, chance_level(100, seed))[:1] == ["patience.barely_improved"]
    text = patience.events[0].message
    assert "barely moved from its first value" in text and "not learning" in text
    assert "zero_grad()" in text and "more training is unlikely" not in text
    # a model that learned in its first epoch has a flat validation loss too (review): the text
    # tells the cases apart by the value itself, which only the student can judge
    assert "If that value is already good, the model learned what it can in its first" in text
    assert "If both stay at chance level (for cross-entropy ln of the number of classes" in text


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


# ----------------------------------------------------------------------------- Divergence


def test_divergence_names_the_epoch_as_the_stop_line_does() -> None:
    lines: list[str] = []
    mon = Monitor(detectors=[Divergence(factor=100)], display="text")
    mon._printer._write = lines.append  # type: ignore[union-attr]
    for epoch in range(1, 22):
        mon.log(epoch, loss=0.5 * 1.5**epoch)
    mon.flush()
    (event,) = mon.events
    assert f"at epoch {event.epoch}," in event.message and "step" not in event.message
    assert any(f"at epoch {event.epoch}" in line and "stop" in line for line in lines)


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
        ([-1.0, -0.5, 5.0, 1e6], "1000000 times the size of its first nonzero value (-1)"),
        ([0.0, 0.1, 5.0, 1e6], "10000000 times the size of its first nonzero value (0.1)"),
        ([math.nan, 1.0, 5.0, 1e6], "1000000 times the size of its first nonzero value (1)"),
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
