"""Why Patience saw no better value, where "more training is unlikely to help" would be wrong:
a run that oscillates (a learning rate or momentum too high) is told so, by PQ and UP too,
a long run still improving slowly, below its noise, is told that a larger patience may
find a better epoch, and a cross-entropy still near its chance level that the model may be on
a plateau. Patience stops where it did: only its words change. Runs that overfit,
plateau or are noisy keep "unlikely to help".

Every curve is a real run (small MLPs, nngraph.datasets), rounded to 4 significant digits;
the training loss is measured on the whole training set after each epoch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.monitor._no_better import still_falling
from nngraph.monitor.detectors import PQ, UP, Patience
from tests.monitor.test_detector_oscillation import CALM_RUNS

# full-batch SGD at lr = 3 on datasets.classification(), seed 1: the validation loss jumps
# between 0.6 and 0.97 every epoch
LR3_TRAIN = [
    0.2419, 0.229, 0.2376, 0.2444, 0.2755, 0.2818, 0.2848, 0.2703, 0.2454, 0.2254, 0.2166, 0.2127,
    0.2108, 0.2094, 0.2084, 0.2075, 0.207, 0.2064, 0.2066, 0.2065, 0.2079, 0.2076, 0.2108, 0.2113,
    0.217
]  # fmt: skip

LR3_VAL = [
    0.613, 0.7454, 0.6173, 0.8557, 0.6, 0.9704, 0.6011, 0.9609, 0.6251, 0.836, 0.6812, 0.7921,
    0.7016, 0.7762, 0.7096, 0.7736, 0.7155, 0.7882, 0.7254, 0.8146, 0.7268, 0.8394, 0.7279, 0.871,
    0.72
]  # fmt: skip

# SGD with momentum 0.97 in batches of 16 on datasets.moons(n=400, noise=0.25), lr = 0.1
MOMENTUM_TRAIN = [
    0.4266, 0.332, 0.2487, 0.2226, 0.2184, 0.2471, 0.2796, 0.2125, 0.2132, 0.1807, 0.2892, 0.1999,
    0.1736, 0.2054, 0.2334, 0.2419, 0.2458, 0.2695, 0.2204, 0.2373, 0.1784, 0.1811, 0.1915, 0.1748,
    0.1802, 0.2339, 0.2081, 0.2339, 0.2091, 0.1924, 0.1844, 0.1674, 0.1924, 0.1834, 0.1854, 0.1891,
    0.2678, 0.1925, 0.1647, 0.1637, 0.1745, 0.152, 0.1924, 0.205, 0.178, 0.1918, 0.2006, 0.2282,
    0.2047, 0.1941
]  # fmt: skip

MOMENTUM_VAL = [
    0.4062, 0.3671, 0.2227, 0.2108, 0.3097, 0.1965, 0.1718, 0.2123, 0.2318, 0.3223, 0.1647, 0.2336,
    0.2566, 0.2054, 0.3961, 0.181, 0.1993, 0.3093, 0.1656, 0.4296, 0.2007, 0.2887, 0.1945, 0.205,
    0.2143, 0.3596, 0.214, 0.2783, 0.2607, 0.1619, 0.194, 0.2423, 0.2345, 0.2466, 0.3252, 0.3959,
    0.1622, 0.2179, 0.2028, 0.193, 0.1912, 0.2901, 0.3415, 0.1755, 0.3251, 0.2508, 0.2127, 0.3529,
    0.1818, 0.2184
]  # fmt: skip

# SGD with momentum 0.9 in batches of 32 on datasets.circles(n=400), lr = 0.1, seed 2: 500
# epochs; its validation loss went on from 0.0109 (its best by epoch 144) to 0.0076 (epoch 462)
SLOW_VAL = [
    0.6242, 0.4253, 0.2377, 0.2496, 0.1039, 0.06812, 0.07358, 0.04247, 0.04814, 0.05054, 0.03713,
    0.03813, 0.03656, 0.02637, 0.03454, 0.02855, 0.03556, 0.02822, 0.02566, 0.028, 0.02429,
    0.02722, 0.02715, 0.02534, 0.0247, 0.02138, 0.02721, 0.02283, 0.01946, 0.02553, 0.02491,
    0.01976, 0.02143, 0.0207, 0.02009, 0.01846, 0.02314, 0.0198, 0.02054, 0.02432, 0.01791, 0.0187,
    0.02055, 0.01721, 0.01848, 0.01983, 0.0204, 0.01568, 0.0221, 0.01946, 0.01696, 0.01722,
    0.01856, 0.01696, 0.01852, 0.01964, 0.01529, 0.01741, 0.02086, 0.01786, 0.01657, 0.01614,
    0.01892, 0.01657, 0.01638, 0.01615, 0.01941, 0.01523, 0.01669, 0.01779, 0.01365, 0.02121,
    0.01697, 0.01535, 0.01543, 0.01471, 0.01437, 0.01504, 0.01603, 0.01779, 0.01647, 0.01494,
    0.01447, 0.01564, 0.01539, 0.01361, 0.01468, 0.01736, 0.01709, 0.01446, 0.01589, 0.01395,
    0.01524, 0.01326, 0.01412, 0.01452, 0.0176, 0.01476, 0.013, 0.01393, 0.01351, 0.01404, 0.01498,
    0.01416, 0.01366, 0.0151, 0.01404, 0.01287, 0.01471, 0.0151, 0.01608, 0.01342, 0.01157,
    0.01422, 0.01475, 0.01517, 0.01464, 0.01144, 0.01322, 0.01554, 0.0134, 0.01473, 0.01555,
    0.01093, 0.0127, 0.01496, 0.01181, 0.01348, 0.01349, 0.01254, 0.01257, 0.01278, 0.0125,
    0.01292, 0.01447, 0.01453, 0.01107, 0.01395, 0.01239, 0.01242, 0.01262, 0.01449, 0.01211,
    0.01206
]  # fmt: skip


def first_event(
    detector: ng.detectors.Detector, val: list[float], train: list[float] | None = None
):
    """The first event of ``detector`` on a run logged once per epoch, with its epoch."""
    for epoch, value in enumerate(val, 1):
        logged = (
            {"val_loss": value} if train is None else {"loss": train[epoch - 1], "val_loss": value}
        )
        event = detector.update(epoch, **logged)
        if event is not None:
            return event
    raise AssertionError("no event")


# ------------------------------------------------------------------------------ oscillating


def test_patience_says_an_oscillating_run_has_too_high_a_learning_rate() -> None:
    """Patience(20) stopped at epoch 50 with "more training is unlikely to help"."""
    event = first_event(Patience(20), MOMENTUM_VAL, MOMENTUM_TRAIN)
    assert (event.epoch, event.message_id) == (50, "patience.oscillating")
    text = event.message
    assert text.startswith(
        "validation loss has not improved for 20 epochs (best 0.1619 at epoch 30)"
    )
    assert "in epochs 41–50 it turned 6 times" in text
    assert "training loss does not fall steadily" in text
    assert "learning rate (or the momentum) is probably too high" in text
    assert "unlikely to help" not in text


def test_swings_that_have_calmed_down_by_the_stop_are_not_said() -> None:
    """The rule is read at the stop, as GL, PQ and UP read it at theirs: the lr-3 run swung by
    over 30% in its first epochs only (then by about 15%)."""
    event = first_event(Patience(20), LR3_VAL, LR3_TRAIN)
    assert (event.epoch, event.message_id) == (25, "patience.fire")


def test_pq_and_up_say_an_oscillating_run_is_not_overfitting() -> None:
    """UP said "a sign of overfitting", PQ "the model has started to memorise"."""
    up = first_event(UP(1, 5), LR3_VAL, LR3_TRAIN)
    assert (up.epoch, up.message_id) == (10, "up.oscillating")
    assert "not overfitting" in up.message and "probably too high" in up.message
    pq = first_event(PQ(1, 3), LR3_VAL, LR3_TRAIN)
    assert (pq.epoch, pq.message_id) == (12, "pq.oscillating")
    assert "not from memorising" in pq.message


def test_the_classroom_monitor_says_it_in_polish() -> None:
    ng.set_language("pl")
    mon = Monitor(display=False)
    for epoch, (t, v) in enumerate(zip(MOMENTUM_TRAIN, MOMENTUM_VAL, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    (stop,) = [e for e in mon.events if e.detector == "Patience(20)"]
    assert stop.message_id == "patience.oscillating"
    assert stop.message.startswith("strata walidacyjna nie poprawia się już 20 epok z rzędu")
    assert "zmienia kierunek" in stop.message
    assert "współczynnik uczenia (albo momentum) jest prawdopodobnie za duży" in stop.message


def test_an_oscillation_needs_the_training_loss() -> None:
    event = first_event(Patience(20), LR3_VAL)
    assert event.message_id == "patience.fire"


# -------------------------------------------------------------------- still improving slowly


def test_a_long_run_still_improving_slowly_is_not_unlikely_to_help() -> None:
    """Patience(20) stopped at epoch 144 with "more training is unlikely to help"; the run
    went on to a validation loss 30% lower."""
    event = first_event(Patience(20), SLOW_VAL)
    assert (event.epoch, event.message_id) == (144, "patience.still_improving")
    text = event.message
    assert text.startswith("validation loss has not improved for 20 epochs (best 0.01093 at")
    assert "trend was still improving, slowly: a straight line through its values" in text
    assert "in epochs 45–144 goes from 0.01834 to 0.01211" in text
    assert "wobble around it by about 0.0015" in text
    assert "a larger patience, for example ng.detectors.Patience(100) (for the default" in text
    assert "ng.Monitor(detectors=ng.detectors.classroom(patience=100))" in text
    assert "unlikely to help" not in text


def test_it_says_so_in_polish_too() -> None:
    ng.set_language("pl")
    text = first_event(Patience(20), SLOW_VAL).message
    assert "ogólny trend wciąż się poprawia, tylko powoli" in text
    assert "prosta dopasowana do wartości z epok 45–144 biegnie od 0,01834 do 0,01211" in text
    assert "z większą cierpliwością, np. ng.detectors.Patience(100)" in text


def test_min_delta_is_kept_in_the_words_and_the_suggestion() -> None:
    event = first_event(Patience(20, min_delta=1e-5), SLOW_VAL)
    assert event.message_id == "patience.still_improving"
    assert "has not improved by more than 1e-05 for" in event.message
    assert "Patience(100, min_delta=1e-05)" in event.message
    # gains that min_delta does not count, at the pace of the line: "unlikely to help" stands
    assert first_event(Patience(20, min_delta=0.002), SLOW_VAL).message_id == "patience.fire_delta"


@pytest.mark.parametrize("run", sorted(CALM_RUNS))
def test_runs_that_overfit_plateau_or_are_noisy_keep_their_words(run: str) -> None:
    """A noisy run that levels off, one that overfits, one after a spike, a plateau: none
    oscillates. The one that overfits is said to (sweep s38: it read as a plateau, "more
    training is unlikely to help", while its validation loss rose from 0.16 to 0.29 and its
    training loss fell to 0.06)."""
    train, val = CALM_RUNS[run]
    patience = Patience(20)
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        patience.update(epoch, loss=t, val_loss=v)
    said = "patience.memorising" if run == "overfit" else "patience.fire"
    assert all(e.message_id == said for e in patience.events)
    assert patience.events or run != "overfit"


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_textbook_overfitting_run_is_said_to_overfit_at_the_stop(language: str) -> None:
    """Sweep s38 (helper nb): the lecture's overfitting curve, validation loss doubling while
    the training loss falls 8 times, ended with a stop of a plateau."""
    ng.set_language(language)
    train = [0.69, 0.62, 0.56, 0.5349, 0.5, 0.47, 0.3844, 0.335, 0.3007, 0.2671, 0.2261, 0.202]
    val = [0.9, 0.75, 0.66, 0.6496, 0.62, 0.6, 0.5853, 0.5196, 0.48, 0.458, 0.4557, 0.4409]
    train += [0.1769 * 0.9**i for i in range(31)]  # best at epoch 13, then memorising
    val += [0.4223 * (1 + 0.05 * i) for i in range(31)]
    event = first_event(Patience(20), val, train)
    assert (event.epoch, event.message_id) == (33, "patience.memorising")
    words = {"en": "(overfitting)", "pl": "(przeuczenie, ang. overfitting)"}
    assert words[language] in event.message and "13" in event.message
    back_up = [0.1769 * 0.9**i for i in range(8)] + [0.08 + 0.01 * i for i in range(23)]
    assert first_event(Patience(20), val, train[:12] + back_up).message_id != (
        "patience.memorising"  # the training loss climbed back up: no such reading
    )


@pytest.mark.parametrize(
    ("language", "so_far"),
    [("en", "So far, more training has made it worse"), ("pl", "Jak dotąd dalszy trening")],
)
def test_the_overfitting_words_say_what_training_did_not_what_it_will_do(
    language: str, so_far: str
) -> None:
    """Sweep s46, finding 10: "More training makes it worse" of a double descent, whose
    validation loss went on to fall far below its first best."""
    ng.set_language(language)
    train = [0.5 * 0.9**i for i in range(40)]
    val = [0.6 - 0.01 * i for i in range(10)] + [0.51 + 0.02 * i for i in range(30)]
    event = first_event(Patience(20), val, train)
    assert event.message_id == "patience.memorising"
    assert so_far in event.message and "makes it worse" not in event.message


@pytest.mark.parametrize("patience", [3, 4, 5, 6, 10])
def test_a_clean_rise_is_overfitting_at_a_short_patience_too(patience: int) -> None:
    """Sweep s42 (helper mon, finding 1): Patience(3), (4) and (5) said "more training is
    unlikely to help" of a validation loss three times its best beside a training loss still
    falling: the spread that measured the noise was the rise itself."""
    val = [0.5 + max(0, e - 10) * 0.2 + max(0, 10 - e) * 0.05 for e in range(1, 40)]
    train = [0.5 / e for e in range(1, 40)]
    event = first_event(Patience(patience), val, train)
    assert (event.epoch, event.message_id) == (10 + patience, "patience.memorising")


def test_a_rise_after_resume_is_still_called_overfitting() -> None:
    patience = Patience(5)
    val = [1.0, 0.8, 0.6, 0.5] + [0.5 + 0.1 * i for i in range(1, 6)]
    for epoch, v in enumerate(val, 1):
        patience.update(epoch, loss=0.5 / epoch, val_loss=v)
    patience.resume()  # a second fit() of the same run: the best stays at epoch 4
    events = [
        patience.update(epoch, loss=0.5 / epoch, val_loss=0.5 + 0.1 * (epoch - 4))
        for epoch in range(10, 16)
    ]
    assert [e.message_id for e in events if e is not None] == ["patience.memorising"]


def test_three_values_above_a_lucky_low_are_no_overfitting() -> None:
    val = [1.0, 0.9, 0.8, 0.95, 1.0, 1.02]  # a lucky 0.8, then about its level again
    train = [0.3, 0.25, 0.2, 0.18, 0.16, 0.15]
    assert first_event(Patience(3), val, train).message_id == "patience.fire"


@pytest.mark.parametrize("floor", [0.0, 0.012])
def test_a_training_loss_resting_at_its_lowest_beside_a_rising_validation_loss_overfits(
    floor: float,
) -> None:
    """Sweep s40 (helper curves): a training loss memorised to 0, or flat far below, while the
    validation loss rose to 2.7 times its best, got the plain words of a plateau, where GL
    says memorising: only a training loss still falling at each evaluation counted."""
    val = [0.0699, 0.052] + [0.052 + 0.0045 * i for i in range(1, 21)]
    wobble = [0.0, 0.02, -0.02] * 7  # 2% noise about it
    train = [0.646, 0.0299] + [floor * (1 + w) for w in wobble[:20]]
    event = first_event(Patience(20), val, train)
    assert (event.epoch, event.message_id) == (22, "patience.memorising")


@pytest.mark.parametrize("seed", range(10))
def test_a_flat_noisy_validation_loss_far_above_training_is_no_overfitting(seed: int) -> None:
    """Regression review s38 (rg2, R1): a validation loss flat at 1.0 +-10% beside a training
    loss at 0.2 (a dropout gap) was told "overfitting" at Patience's stop, its best a lucky
    low and the training loss down by chance at the last two evaluations."""
    rng = np.random.default_rng(seed)
    epochs = np.arange(1, 81)
    train = 0.2 + 1.5 * np.exp(-0.05 * epochs) * (1 + 0.02 * rng.standard_normal(80))
    val = (1.0 + 1.5 * np.exp(-0.2 * epochs)) * (1 + 0.1 * rng.standard_normal(80))
    patience = Patience(20)
    for epoch in range(80):
        patience.update(epoch + 1, loss=float(train[epoch]), val_loss=float(val[epoch]))
    assert "patience.memorising" not in [e.message_id for e in patience.events]


def test_a_loss_that_fell_and_levelled_off_is_not_still_falling() -> None:
    falling = [(e, 1.0 - 0.005 * e + 0.003 * (-1) ** e) for e in range(1, 81)]
    level = [(e, 0.6 + 0.003 * (-1) ** e) for e in range(81, 101)]
    assert still_falling(falling + level, 20) is None
    assert still_falling(falling[-60:] + [(e, 0.6 - 0.005 * (e - 80)) for e in range(81, 101)], 20)


# simulated: a step learning-rate decay (x0.6 at epoch 30), validation loss with 2% noise; it
# is flat from epoch 31 (0.669 to 0.723) until the next cut at epoch 60
STEP_DECAY_VAL = [
    1.378, 1.36, 1.302, 1.254, 1.283, 1.21, 1.208, 1.225, 1.144, 1.195, 1.162, 1.169, 1.157,
    1.157, 1.162, 1.123, 1.168, 1.148, 1.147, 1.151, 1.139, 1.138, 1.119, 1.083, 1.11, 1.095,
    1.079, 1.115, 1.095, 1.084, 0.6915, 0.7093, 0.7099, 0.7229, 0.7036, 0.718, 0.7227, 0.7188,
    0.6691, 0.7193, 0.7066, 0.7075, 0.7066, 0.7066, 0.7056, 0.6959, 0.6742, 0.6992, 0.6894,
    0.7157, 0.6965, 0.7016, 0.6885, 0.6932, 0.7001, 0.6795, 0.7045, 0.6987, 0.6836
]  # fmt: skip


def test_a_step_down_then_a_flat_stretch_is_not_a_slow_trend() -> None:
    """It said "still improving, slowly": a line through epochs 1-59 fitted across the step
    ended at 0.5615, below every value since epoch 31, and called their wobble 0.096 (it is
    about 0.014). The values since the step are flat: "unlikely to help" stands."""
    event = first_event(Patience(20), STEP_DECAY_VAL)
    assert (event.epoch, event.message_id) == (59, "patience.fire")
    assert still_falling(list(enumerate(STEP_DECAY_VAL, 1)), 20) is None


def test_an_accuracy_still_rising_slowly() -> None:
    rising = [(e, 0.8 + 0.001 * e + 0.01 * (-1) ** e) for e in range(1, 101)]
    assert still_falling(rising, 20, higher=True) is not None
    assert still_falling(rising, 20) is None


# ------------------------------------------------------------------ still near chance level

# a tanh MLP (2-64-64-2) on two spirals, Adam 1e-2, full batch, seed 0 (sweep s29c): the
# classroom Patience(20) stops it at epoch 39 (71% validation accuracy); trained on, the same
# run reached a validation loss of 0.019 and 100% accuracy by epoch 280
SPIRAL_TRAIN = [
    0.6946, 0.7283, 0.6713, 0.6789, 0.6872, 0.6727, 0.665, 0.67, 0.6746, 0.6723, 0.6675, 0.6652,
    0.666, 0.6676, 0.6678, 0.6665, 0.6651, 0.6645, 0.6648, 0.6652, 0.6651, 0.6645, 0.6639,
    0.6637, 0.6638, 0.6639, 0.6636, 0.6631, 0.6627, 0.6625, 0.6625, 0.6625, 0.6622, 0.6617,
    0.6613, 0.661, 0.661, 0.6608, 0.6603
]  # fmt: skip

SPIRAL_VAL = [
    0.627, 0.5981, 0.6396, 0.6538, 0.6265, 0.6014, 0.5934, 0.5952, 0.5993, 0.6056, 0.6145,
    0.6234, 0.6279, 0.6259, 0.6184, 0.6087, 0.6002, 0.5947, 0.5928, 0.5941, 0.5979, 0.6034,
    0.6094, 0.6143, 0.6167, 0.6161, 0.6127, 0.6078, 0.6028, 0.5989, 0.597, 0.5973, 0.5997,
    0.6035, 0.6078, 0.6113, 0.6128, 0.6118, 0.6086
]  # fmt: skip


def test_a_training_loss_still_near_chance_level_is_not_unlikely_to_help() -> None:
    """Sweep s29c, finding 2: "more training is unlikely to help" at a training loss of 0.66
    (ln 2 = 0.693), 240 epochs before the run reached 100% accuracy. It still stops."""
    event = first_event(Patience(20), SPIRAL_VAL, SPIRAL_TRAIN)
    assert (event.epoch, event.message_id, event.stop) == (39, "patience.near_chance", True)
    text = event.message
    assert text.startswith(
        "validation loss has not improved for 20 epochs (best 0.5928 at epoch 19), but training"
        " loss is still 0.6603 (0.6946 at first), close to ln 2 = 0.693, the cross-entropy of"
    )
    assert "sit on such a plateau" in text and "call resume() to train on" in text
    assert "unlikely to help" not in text


def test_the_classroom_monitor_says_it_in_polish_with_decimal_commas() -> None:
    ng.set_language("pl")
    mon = Monitor(display=False)
    for epoch, (t, v) in enumerate(zip(SPIRAL_TRAIN, SPIRAL_VAL, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
    (stop,) = [e for e in mon.events if e.detector == "Patience(20)"]
    assert stop.message_id == "patience.near_chance"
    assert "strata treningowa wynosi wciąż 0,6603 (na początku 0,6946), blisko ln 2 = 0,693" in (
        stop.message
    )
    assert "wywołaj resume(), by trenować dalej" in stop.message


def test_without_a_training_loss_the_validation_loss_near_chance_level_says_it() -> None:
    val = [0.7, 0.68, 0.665, 0.655, 0.65] + [0.655, 0.66] * 10  # 7% below its first value
    event = first_event(Patience(20), val)
    assert event.message_id == "patience.near_chance"
    assert "but validation loss is still 0.66 (0.7 at first), close to ln 2" in event.message


def test_without_a_training_loss_a_validation_loss_risen_past_chance_level_is_unlikely_to_help() -> (
    None
):
    """Sweep s29 r2, finding 5: "validation loss is still 0.66" quoted its best; it was 0.86
    when Patience stopped, above ln 2: the model overfits, more training will not help."""
    val = [0.693, 0.68, 0.67, 0.66] + [0.67 + 0.01 * i for i in range(25)]
    event = first_event(Patience(20), val)
    assert (event.epoch, event.message_id) == (24, "patience.fire")
    assert event.message.endswith("more training is unlikely to help.")


@pytest.mark.parametrize(
    ("val", "train"),
    [
        # a ReLU MLP that learned (best 0.30), then a too high learning rate: constant output
        ([0.69, 0.5, 0.35, 0.3] + [0.6935] * 25, [0.69, 0.55, 0.4, 0.32] + [0.6932] * 25),
        # dropout 0.8: the training loss, measured with it, stays near ln 2; best 0.35
        (
            [0.69, 0.5, 0.4, 0.36, 0.35] + [0.355, 0.352] * 12,
            [0.7, 0.68, 0.66, 0.65, 0.645] + [0.643] * 24,
        ),
        # a best near chance, but the training loss was once clearly below it (0.55), then rose
        ([0.69, 0.62, 0.6] + [0.61, 0.62] * 11, [0.69, 0.6, 0.55] + [0.68] * 22),
    ],
    ids=["collapsed", "dropout", "trained-then-rose"],
)
def test_a_model_that_learned_is_not_told_it_learned_little(
    val: list[float], train: list[float]
) -> None:
    """Sweep s29 r2, finding 4: a training loss back at (or held near) ln 2 after the model
    learned read as "the model has learned little so far ... more training may still help"."""
    event = first_event(Patience(20), val, train)
    assert event.message_id == "patience.fire"
    assert event.message.endswith("more training is unlikely to help.")


@pytest.mark.parametrize(
    ("train_end", "expected"),
    [(0.64, "patience.fire"), (0.67, "patience.near_chance")],
    ids=["memorising", "near-chance"],
)
def test_a_training_loss_clearly_below_the_validation_loss_keeps_unlikely_to_help(
    train_end: float, expected: str
) -> None:
    """Near chance level, but clearly below the best validation loss (0.685): the model
    memorises what it cannot generalise (random labels), so more training will not help."""
    val = [0.7, 0.685] + [0.69, 0.695] * 10
    train = [0.693 - (0.693 - train_end) * e / 21 for e in range(22)]
    assert first_event(Patience(20), val, train).message_id == expected


def test_a_loss_far_below_chance_level_keeps_unlikely_to_help() -> None:
    val = [0.69, 0.5, 0.4] + [0.42, 0.41] * 10
    train = [0.69, 0.52, 0.45] + [0.44] * 20
    assert first_event(Patience(20), val, train).message_id == "patience.fire"


def test_a_training_loss_climbing_back_from_its_lowest_is_not_resting_there() -> None:
    """Review s40 (rg, repro_08): a training loss rising at every evaluation to 4.5 times its
    lowest, beside a rising validation loss, was told 'memorises (overfitting)'."""
    train = [math.exp(-e / 4) + 0.02 for e in range(20)] + [0.02 + 0.007 * k for k in range(1, 21)]
    val = [1.5 + math.exp(-e / 4) for e in range(20)] + [1.5 + 0.08 * k for k in range(1, 21)]
    assert first_event(Patience(10), val, train).message_id != "patience.memorising"


def test_a_training_loss_no_longer_logged_is_not_read_as_the_models_now() -> None:
    """Sweep s42 (helper mon, finding 4): a training loss logged until epoch 10 was quoted at
    the stop in epoch 28 as the training loss "now", and the overfitting verdict rested on it."""
    patience = Patience(20)
    for epoch in range(1, 29):
        train = {"loss": 1 / epoch} if epoch <= 10 else {}
        event = patience.update(epoch, val_loss=0.5 + abs(epoch - 8) / 20, **train)
    assert event is not None and event.epoch == 28
    assert event.message_id == "patience.fire" and "training loss" not in event.message
    patience = Patience(20)  # logged with the evaluations up to the stop: read as before
    for epoch in range(1, 29):
        event = patience.update(epoch, val_loss=0.5 + abs(epoch - 8) / 20, loss=1 / epoch)
    assert event is not None and event.message_id == "patience.memorising"


@pytest.mark.parametrize("patience_of", [6, 20])
@pytest.mark.parametrize("phase", range(4))
def test_a_training_loss_logged_every_4th_validation_is_read_whatever_the_phase(
    phase: int, patience_of: int
) -> None:
    """Regression reviews s42: with the training loss logged at every 4th validation (a
    `val_check_interval` finer than the logging), one phase of four lost the overfitting."""
    patience = Patience(patience_of)
    for epoch in range(1, 40):
        train = {"loss": 0.5 / epoch} if (epoch + phase) % 4 == 0 else {}
        event = patience.update(epoch, val_loss=0.5 + abs(epoch - 8) / 20, **train)
        if event is not None:
            break
    assert event is not None and event.message_id == "patience.memorising"


@pytest.mark.parametrize("patience", [3, 4, 5, 10])
def test_a_jump_at_the_last_evaluation_is_no_overfitting(patience: int) -> None:
    """Regression review s42: Patience(3) called a tripling in one evaluation "memorising";
    the package says elsewhere that a rise that sudden is unstable training."""
    flat = [0.52, 0.51, 0.53, 0.52, 0.51, 0.52, 0.53, 0.51, 0.52][: patience - 1]
    val = [1.0, 0.8, 0.6, 0.5, *flat, 1.5]
    train = [0.4 / (i + 1) for i in range(len(val))]
    assert first_event(Patience(patience), val, train).message_id == "patience.fire"


@pytest.mark.parametrize(
    ("patience", "val"),
    [
        (5, [0.5, 0.4, 0.3, 0.36, 0.37, 0.41, 0.44, 0.47]),
        (4, [0.6, 0.5, 0.4, 0.6, 0.65, 0.7, 0.75]),
    ],
)
def test_a_climb_after_a_first_big_step_up_is_still_overfitting(
    patience: int, val: list[float]
) -> None:
    """Second review s42: asking the climb to be as steep as the step up from the best lost
    textbook overfits at Patience(4) and (5)."""
    train = [0.3, 0.2, 0.1, 0.08, 0.06, 0.04, 0.03, 0.02][: len(val)]
    assert first_event(Patience(patience), val, train).message_id == "patience.memorising"


def test_a_training_loss_from_the_best_epoch_says_nothing_of_what_came_after() -> None:
    """Fourth review s42: Patience(3) read the training loss of the best epoch, the last one
    logged, as the model's now, and called the rise after it memorising."""
    val = [0.9, 0.8, 0.7, 0.6, 0.5, 0.53, 0.56, 0.59]
    train = [{"loss": 0.6 - 0.1 * epoch} if epoch <= 5 else {} for epoch in range(1, 9)]
    patience = Patience(3)
    events = [
        patience.update(e, val_loss=v, **t)
        for e, (v, t) in enumerate(zip(val, train, strict=True), 1)
    ]
    assert [e.message_id for e in events if e is not None] == ["patience.fire"]
