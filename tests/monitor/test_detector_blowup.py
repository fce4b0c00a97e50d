"""A learning rate far too high is unstable training, not memorising (sweep S, bug 1).

The usual loop logs the training loss measured while stepping and the validation loss after the
steps, so in a blow-up validation jumps an evaluation before the logged training loss does: one
validation loss that grows many times over in one evaluation has blown up.
"""

from __future__ import annotations

import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.monitor._blowup import BlowUps
from nngraph.monitor.detectors import GL, PQ, UP, Gap, Patience

# lr = 10, full batch (repro_01, B): the loss measured before opt.step(), validation after it
FULL_BATCH = [(1.156, 1.237), (1.118, 118.0), (117.4, 11.09)]
# lr = 10, mini-batches of digits (repro_01, A): the first epoch's mean training loss is the
# blow-up itself; from then on both sit at chance level (ln 10 = 2.30)
MINI_BATCH = [(10.57, 2.315), (2.706, 2.674), (2.364, 2.316)] + [(2.313, 2.316)] * 18
OVERFITTING_WORDS = ("memoris", "is still falling", "sign of overfitting", "high variance")


def classroom(curve: list[tuple[float, float]]) -> Monitor:
    mon = Monitor(display=False)
    for epoch, (train, val) in enumerate(curve, 1):
        mon.log(epoch, loss=train, val_loss=val)
    return mon


def test_a_validation_loss_that_jumps_a_hundredfold_is_unstable_training() -> None:
    mon = classroom(FULL_BATCH)
    said = [(e.detector, e.epoch, e.message_id) for e in mon.events]
    assert said == [("GL(5)", 2, "gl.jump"), ("Divergence(factor=100)", 3, "divergence.factor")]
    text = mon.events[0].message
    assert not [w for w in OVERFITTING_WORDS if w in text], text
    assert "about 95 times its best (1.237 at epoch 1)" in text  # 9439.2%: from 1000% in times
    assert "a jump from 1.237 to 118 in one evaluation" in text
    assert "unstable" in text and "smaller learning rate" in text


def test_the_jump_is_said_in_polish_too() -> None:
    ng.set_language("pl")
    text = classroom(FULL_BATCH).events[0].message
    assert text.startswith("strata walidacyjna ma wartość około 95 razy większą od najlepszej")
    assert "po skoku z 1,237 do 118 w jednym pomiarze" in text
    assert "niestabilny trening" in text and "mniejszego współczynnika uczenia" in text
    assert "zapamiętywać" not in text


def test_one_training_value_after_the_best_still_says_overfitting() -> None:
    """GL fires at the first evaluation after the best in most runs that validate every epoch:
    there the lecture's word is overfitting (regression review: 'too soon to tell' took it from
    28 of 48 events, and contradicted a stopping GL)."""
    gl = GL(5)
    curve = [(1.0, 1.0), (0.8, 0.9), (0.6, 0.99)]
    events = [gl.update(epoch, loss=t, val_loss=v) for epoch, (t, v) in enumerate(curve, 1)]
    assert events[2] is not None and events[2].message_id == "gl.overfit"


def test_a_run_at_chance_level_from_its_first_epoch_hears_it_never_improved() -> None:
    mon = classroom(MINI_BATCH)
    said = [(e.detector, e.epoch, e.message_id) for e in mon.events]
    assert said[-1] == ("Patience(20)", 21, "patience.never_improved")
    assert "never improved on its first value" in mon.events[-1].message


def test_two_training_values_after_the_best_still_say_overfitting() -> None:
    gl = GL(5)
    curve = [(1.0, 1.0), (0.8, 0.9), (0.6, 0.93), (0.5, 0.96)]
    events = [gl.update(epoch, loss=t, val_loss=v) for epoch, (t, v) in enumerate(curve, 1)]
    assert events[:3] == [None, None, None]
    event = events[3]
    assert event is not None and event.message_id == "gl.overfit"
    assert "still falling (0.55 on average over the last 2 epochs" in event.message


@pytest.mark.parametrize("train", [True, False])
def test_a_jump_is_said_with_or_without_a_training_loss(train: bool) -> None:
    gl = GL(5)
    for epoch, val in enumerate([1.0, 0.8, 0.81, 9.0], 1):
        event = gl.update(epoch, val_loss=val, **({"loss": 1.0 / epoch} if train else {}))
        if epoch == 3:
            assert event is None
    assert event is not None and event.message_id == "gl.jump"
    assert "a jump from 0.81 to 9 in one evaluation" in event.message


def test_a_rise_short_of_tenfold_is_judged_by_the_training_loss_as_before() -> None:
    gl = GL(5)  # 9x in one evaluation, the training loss rose: stalled, as before
    curve = [(1.0, 1.0), (1.2, 9.0)]
    events = [gl.update(epoch, loss=t, val_loss=v) for epoch, (t, v) in enumerate(curve, 1)]
    assert events[1] is not None and events[1].message_id == "gl.stalled"


def firing(curve: list[tuple[float, float]]) -> list[tuple[str, int]]:
    mon = Monitor(display=False, detectors=[GL(5), PQ(0.5, 2), UP(2, 2), Gap(0.5), Patience(2)])
    for epoch, (train, val) in enumerate(curve, 1):
        mon.log(epoch, loss=train, val_loss=val)
    return [(e.detector[:2], e.epoch) for e in mon.events]


def test_the_detectors_fire_at_the_same_epochs_as_before() -> None:
    """Only the words changed: every detector fires where it fired before the fix."""
    assert firing(FULL_BATCH) == [("GL", 2), ("PQ", 2), ("Pa", 3)]
    assert firing(MINI_BATCH) == [("GL", 2), ("Pa", 3), ("PQ", 6)]


def test_pq_calls_a_jump_unstable_training_too() -> None:
    pq = PQ(0.5, 2)
    for epoch, (train, val) in enumerate(FULL_BATCH[:2], 1):
        event = pq.update(epoch, loss=train, val_loss=val)
    assert event is not None and event.message_id == "pq.jump"
    assert not [w for w in OVERFITTING_WORDS if w in event.message], event.message
    assert "a jump from 1.237 to 118 in one evaluation, so the quotient" in event.message
    assert "unstable" in event.message and "smaller learning rate" in event.message
    ng.set_language("pl")
    pq = PQ(0.5, 2)
    for epoch, (train, val) in enumerate(FULL_BATCH[:2], 1):
        event = pq.update(epoch, loss=train, val_loss=val)
    assert event is not None and "po skoku z 1,237 do 118 w jednym pomiarze" in event.message
    assert "zapamiętywać" not in event.message


# ------------------------------------------------ a run on its way back down from a blow-up

# demo 06 with Adam at lr = 1.0 (sweep s31, finding 1): the training loss blows up from 2.311 to
# 2.5e5 and sinks slowly; at epoch 17 the validation loss rises 7.3% on the way down
DEMO_06_LR_1 = [
    (2.311, 80280.0), (75780.0, 163500.0), (232100.0, 181300.0), (246800.0, 231900.0),
    (220600.0, 152000.0), (117800.0, 76270.0), (42360.0, 35400.0), (14460.0, 15500.0),
    (5044.0, 10070.0), (3219.0, 5428.0), (913.0, 2559.0), (537.8, 1871.0), (452.4, 1159.0),
    (268.6, 981.8), (179.8, 840.2), (122.8, 824.8), (81.47, 885.1),
]  # fmt: skip
# the same picture in round numbers, long enough for PQ and UP: a blow-up, a slow way down
# while the validation loss turns up, then a training loss that stalls far above its start
WAY_DOWN = list(
    zip(
        [2.3, 4e4, 1.5e5, 6e4, 2e4, 5e3, 1.2e3, 400, 150, 90, 60, 45, 35, 28, 22, 21, 20.5, 20.2],
        [5e4, 1.2e5, 1.4e5, 5e4, 1.6e4, 5e3, 2e3, 1200, 950, 900, 930, 960, 1e3, 1040, 1080, 1120,
         1160, 1200],
        strict=True,
    )
)  # fmt: skip


def test_demo_06_at_a_far_too_high_learning_rate_is_unstable_training_not_memorising() -> None:
    mon = Monitor(detectors=[GL(5)], display=False)  # as the demo
    for epoch, (train, val) in enumerate(DEMO_06_LR_1, 1):
        mon.log(epoch, loss=train, val_loss=val)
    said = [(e.epoch, e.message_id) for e in mon.events]
    assert said == [(2, "gl.stalled"), (17, "gl.blown_up")]
    text = mon.events[-1].message
    assert not [w for w in OVERFITTING_WORDS if w in text], text
    assert text.startswith("validation loss is 7.3% above its best (824.8 at epoch 16), but")
    assert (
        "training loss rose to 2.468e+05 at epoch 4, 110,000 times its first value (2.311)" in text
    )
    assert "(training loss 81.47 now, validation loss 885.1)" in text
    assert "unstable" in text and "smaller learning rate" in text
    ng.set_language("pl")
    gl = GL(5)
    events = [gl.update(e, loss=t, val_loss=v) for e, (t, v) in enumerate(DEMO_06_LR_1, 1)]
    text = events[-1].message  # type: ignore[union-attr]
    assert "strata treningowa w epoce 4 wynosiła 2,468e+05, czyli 110\u00a0000 razy" in text
    assert "(teraz strata treningowa: 81,47; strata walidacyjna: 885,1)" in text
    assert "to niestabilny trening, nie przeuczenie" in text and "zapamiętywać" not in text


@pytest.mark.parametrize(
    ("detector", "epoch"), [(GL(5), 12), (PQ(0.5, 2), 16), (UP(2, 2), 14)], ids=["GL", "PQ", "UP"]
)
def test_no_detector_calls_the_way_down_from_a_blow_up_overfitting(
    detector: ng.detectors.Detector, epoch: int
) -> None:
    for e, (train, val) in enumerate(WAY_DOWN, 1):
        detector.update(e, loss=train, val_loss=val)
    event = detector.events[-1]
    assert (event.epoch, event.message_id) == (epoch, f"{detector.name[:2].lower()}.blown_up")
    assert not [w for w in OVERFITTING_WORDS if w in event.message], event.message
    assert "65,000 times its first value (2.3)" in event.message
    assert "the run has not come back to where it was before" in event.message


def test_a_run_that_came_back_from_its_blow_up_is_read_as_any_other() -> None:
    """Back near its first value for 3 evaluations, its validation loss near it too: a rise of
    the validation loss beside a training loss falling far below it is memorising again."""
    gl = GL(5)
    train = [2.3, 50, 300, 40, 3, 1.5, 1.0, 0.7, 0.5, 0.35, 0.25]
    val = [40, 200, 30, 5, 2.0, 1.4, 1.1, 0.95, 0.9, 0.93, 0.97]
    curve = enumerate(zip(train, val, strict=True), 1)
    events = [gl.update(e, loss=t, val_loss=v) for e, (t, v) in curve]
    assert events[-1] is not None and events[-1].message_id == "gl.overfit"


# ------------------------------------------- a small loss that bumps up has not blown up

# fine-tuning (sweep s31 regression, finding 1): the first training loss is low, it bumps to
# 2.5 times that at epoch 3, then falls far below; the validation loss, 10 times higher than
# the first training loss, turns up at epoch 7: memorising, as it was before the blow-up rule
LOW_START = list(
    zip(
        [0.05, 0.04, 0.125] + [0.035 * 0.85**k for k in range(17)],
        [0.66, 0.58, 0.59, 0.55, 0.54, 0.525] + [0.525 * (1 + 0.03 * k) for k in range(1, 15)],
        strict=True,
    )
)
# "train 40 more epochs" with a new Monitor on a model that already memorised its training data:
# an Adam spike takes the training loss from 0.165 to 0.99 (6 times), far below the validation
# loss (6.8), which goes on rising after epoch 12
GOING_ON = list(
    zip(
        [0.165, 0.12, 0.99, 0.4, 0.2, 0.12, 0.1, 0.09, 0.08, 0.075, 0.07, 0.07, 0.05, 0.045],
        [7.5, 7.2, 7.9, 7.3, 7.1, 7.0, 6.95, 6.9, 6.85, 6.8, 6.78, 6.76, 8.6, 8.9],
        strict=True,
    )
)  # fmt: skip
FRESH = {
    "GL": lambda: GL(5, stop=False),
    "PQ": lambda: PQ(0.1, 2, stop=False),
    "UP": lambda: UP(2, 2, stop=False),
}


@pytest.mark.parametrize(
    ("name", "curve", "epoch"),
    [("GL", LOW_START, 8), ("PQ", LOW_START, 10), ("UP", LOW_START, 10), ("GL", GOING_ON, 13),
     ("PQ", GOING_ON, 14)],
    ids=["GL-low_start", "PQ-low_start", "UP-low_start", "GL-going_on", "PQ-going_on"],
)  # fmt: skip
def test_a_small_loss_that_bumps_up_a_few_times_has_not_blown_up(
    name: str, curve: list[tuple[float, float]], epoch: int
) -> None:
    detector = FRESH[name]()
    for e, (train, val) in enumerate(curve, 1):
        detector.update(e, loss=train, val_loss=val)
    event = detector.events[-1]
    assert (event.epoch, event.message_id.endswith("blown_up")) == (epoch, False), event.message
    assert "times its first value" not in event.message
    assert detector._blow_ups.now() is None


def test_gl_calls_the_rise_after_a_small_bump_memorising() -> None:
    mon = classroom(LOW_START)
    event = next(e for e in mon.events if e.detector == "GL(5)")
    assert (event.epoch, event.message_id) == (8, "gl.overfit")
    assert "memorise" in event.message and "unstable" not in event.message


# a run whose validation loss is 15 times its first training loss blows up to 100 times that at
# epoch 3; its training loss comes back near its level before (under 0.08), its validation loss
# too (under 10 times 0.75), and it memorises from epoch 9 on
BACK_FROM_LOW_VAL = [0.8, 0.75, 40.0, 3.0, 0.9, 0.75, 0.66, 0.62, 0.6, 0.62, 0.66, 0.7, 0.75]
BACK_FROM_LOW = [0.05, 0.04, 5.0, 0.5, 0.06, 0.035, 0.03, 0.025, 0.02, 0.016, 0.013, 0.01, 0.008]
# ... the same run, whose training loss stays 10 times its level before the blow-up, or whose
# validation loss stays 10 times its own (a model still broken by the blow-up)
STAYS_HIGH = [0.05, 0.04, 5.0, 2.0, 1.0, 0.8, 0.6, 0.5, 0.45, 0.4, 0.38, 0.36, 0.35]
VAL_STAYS_HIGH = [0.8, 0.75, 40.0, 30.0, 20.0, 12.0, 10.0, 9.0, 8.5, 8.8, 9.4, 9.9, 10.5]


def test_a_blow_up_is_over_once_both_losses_are_back_near_their_own_levels() -> None:
    gl = GL(5, stop=False)
    for epoch, (train, val) in enumerate(zip(BACK_FROM_LOW, BACK_FROM_LOW_VAL, strict=True), 1):
        gl.update(epoch, loss=train, val_loss=val)
        blow_up = gl._blow_ups.now()
        assert (blow_up is not None) == (3 <= epoch < 7), epoch  # back at 5, 6 and 7
        if blow_up is not None:
            assert (blow_up.peak, blow_up.peak_epoch, blow_up.low) == (5.0, 3, 0.04)
            assert blow_up.value_low == 0.75  # its lowest validation value before it
    assert [(e.epoch, e.message_id) for e in gl.events] == [(3, "gl.stalled"), (11, "gl.far_below")]
    for train, val in ((STAYS_HIGH, BACK_FROM_LOW_VAL), (BACK_FROM_LOW, VAL_STAYS_HIGH)):
        blow_ups = BlowUps()
        for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
            blow_ups.add(epoch, t, v)
        assert blow_ups.now() is not None


# ------------------------------------- Gap and PQ's rise from 0 on the way down from a blow-up

# demo 06 at lr = 1 (sweep s31): at epoch 15 the validation loss is 840 against a training loss
# of 180, a gap left by the blow-up, not high variance
GAP_WAY_DOWN = list(
    zip(
        [2.31, 2e5, 1.2e5, 5e4, 2e4, 8e3, 3e3, 1.2e3, 600, 400, 300, 250, 200, 190, 180],
        [8e4, 1.6e5, 9e4, 3e4, 1.5e4, 9e3, 4e3, 2e3, 1.5e3, 1.2e3, 1e3, 900, 950, 870, 840],
        strict=True,
    )
)
# a validation loss that reached exactly 0 before the training loss blew up
FROM_ZERO = [(0.5, 0.3), (0.2, 0.1), (0.05, 0.0), (0.01, 0.0), (30.0, 5.0), (20.0, 6.0)]


def test_gap_calls_the_way_down_from_a_blow_up_unstable_training_not_high_variance() -> None:
    mon = Monitor(display=False, detectors=[Gap()])
    for epoch, (train, val) in enumerate(GAP_WAY_DOWN, 1):
        mon.log(epoch, loss=train, val_loss=val)
    event = mon.events[-1]
    assert (event.epoch, event.message_id) == (13, "gap.blown_up")
    assert "More data" not in event.message and "(high variance)" not in event.message
    assert "rose to 2e+05 at epoch 2, 87,000 times its first value (2.31)" in event.message
    assert "not high variance" in event.message and "smaller learning rate" in event.message
    ng.set_language("pl")
    gap = Gap()
    events = [gap.update(e, loss=t, val_loss=v) for e, (t, v) in enumerate(GAP_WAY_DOWN, 1)]
    text = events[12].message  # type: ignore[union-attr]
    assert "w epoce 2 wynosiła 2e+05, czyli 87\u00a0000 razy więcej" in text
    assert "a to nie duża wariancja" in text


def test_gap_after_a_run_came_back_from_its_blow_up_is_high_variance_again() -> None:
    gap = Gap(0.5, patience=2)
    train = [2.3, 50, 300, 40, 3, 1.5, 1.0, 0.7, 0.5, 0.35, 0.25]
    val = [40, 200, 30, 5, 2.0, 1.4, 1.1, 0.95, 0.9, 0.93, 0.97]
    curve = enumerate(zip(train, val, strict=True), 1)
    events = [gap.update(e, loss=t, val_loss=v) for e, (t, v) in curve]
    fired = [e for e in events if e is not None]
    assert fired and fired[-1].message_id == "gap.relative"
    assert gap._blow_ups.now() is None


def test_pq_calls_a_rise_from_a_best_of_0_after_a_blow_up_unstable_training() -> None:
    pq = PQ(0.5, 2)
    for epoch, (train, val) in enumerate(FROM_ZERO, 1):
        pq.update(epoch, loss=train, val_loss=val)
    event = pq.events[-1]
    assert event.epoch == 6 and event.message_id != "pq.from_zero"
    assert not [w for w in OVERFITTING_WORDS if w in event.message], event.message
    assert "validation loss is 6 now, up from its best (0 at epoch 3)" in event.message
    assert "the infinite quotient (a rise from a best of 0)" in event.message
    assert "unstable" in event.message and "smaller learning rate" in event.message
    ng.set_language("pl")
    pq = PQ(0.5, 2)
    events = [pq.update(e, loss=t, val_loss=v) for e, (t, v) in enumerate(FROM_ZERO, 1)]
    text = events[-1].message  # type: ignore[union-attr]
    assert "nieskończony iloraz (wzrost od najlepszej wartości 0)" in text
    assert "zapamiętywać" not in text and "niestabiln" in text


def test_pq_still_calls_a_rise_from_0_without_a_blow_up_memorising() -> None:
    pq = PQ(0.5, 2)
    curve = [(0.5, 0.3), (0.2, 0.1), (0.05, 0.0), (0.04, 0.0), (0.03, 0.01), (0.02, 0.02)]
    for epoch, (train, val) in enumerate(curve, 1):
        pq.update(epoch, loss=train, val_loss=val)
    assert pq.events[-1].message_id == "pq.from_zero"
    assert "memorise" in pq.events[-1].message


# a learning rate just above the stability limit (minibatch SGD, review finding 1): the loss
# bounces up and down at first, then grows tenfold an epoch
BOUNCES_THEN_BLOWS_UP = [1088, 5342, 8332, 2054, 8631, 81840, 273700, 410600, 1458000]


def test_a_loss_that_bounces_before_blowing_up_stops_at_100_times_its_first_value() -> None:
    """Its first values are part of the blow-up: growth is measured from the first value, so
    the run stops at 273,700 (252 times 1,088), not two epochs and a million later."""
    divergence = ng.detectors.Divergence()
    said = [divergence.update(e, loss=v) for e, v in enumerate(BOUNCES_THEN_BLOWS_UP, 1)]
    fired = [event for event in said if event is not None]
    assert [(event.epoch, event.message_id) for event in fired] == [(7, "divergence.factor")]
    assert "252 times its first value (1088)" in fired[0].message
