"""Patience's stop while the run is still recovering from a spike after its best: a learning
rate too high made both losses jump, and they have been falling back since. "More training is
unlikely to help" was false there (sweep s44 words, finding 1: training on beat the best by
65%); Patience stops all the same and says that more training may beat the best weights
(or may not: regression review s44 (3) trained one on that never did).
Runs whose rise after the best is no spike, or whose spike is over, keep their words.
"""

from __future__ import annotations

import math

import pytest

import nngraph as ng
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import Patience

# sweep s44 repro_1: a regression MLP, full-batch SGD(lr=0.3, momentum=0.9) with
# ExponentialLR(0.96); best at epoch 3, both losses blow up at epochs 6-7 and come back down.
# Trained on, the validation loss reached 0.1711 (epoch 150).
SPIKE_TRAIN = [
    0.9327, 0.8324, 0.6898, 0.4341, 0.4189, 0.9154, 2.236, 1.302, 1.399, 1.125, 0.9211, 0.9931,
    1.13, 1.097, 0.9283, 0.8075, 0.8119, 0.7904, 0.5733, 0.4576, 0.4266, 0.3796, 0.494,
]  # fmt: skip
SPIKE_VAL = [
    0.7908, 0.64, 0.4886, 0.5929, 0.9352, 2.554, 1.042, 1.123, 0.9299, 0.855, 1.046, 1.246,
    1.205, 0.9746, 0.7696, 0.7064, 0.6759, 0.5425, 0.5779, 0.6231, 0.5273, 0.6759, 0.5269,
]  # fmt: skip

# sweep s44 s_nll.py: heteroscedastic regression with a Gaussian NLL (losses below 0), Adam
# 3e-3; best -2.063 at epoch 50, a spike at epochs 53-54. Trained on: -2.489 (epoch 255).
NLL_TRAIN = [
    0.1742, -0.264, -0.1882, -0.3148, -0.535, -0.5515, -0.5597, -0.8152, -0.8525, -0.8481,
    -1.118, -0.992, -1.232, -1.247, -1.37, -1.427, -1.24, -1.465, -1.449, -1.525, -1.439, -1.539,
    -1.535, -1.519, -1.618, -1.605, -1.635, -1.716, -1.681, -1.76, -1.722, -1.815, -1.732, -1.74,
    -1.574, -1.646, -1.806, -1.824, -1.78, -1.862, -1.809, -1.872, -1.855, -1.887, -1.949,
    -1.882, -1.931, -1.959, -2.03, -2.016, -2.004, -1.97, -1.583, -0.8069, -1.683, -1.63,
    -1.888, -1.598, -1.842, -1.8, -1.679, -1.737, -1.803, -1.777, -1.745, -1.801, -1.88, -1.863,
    -1.861, -1.979,
]  # fmt: skip
NLL_VAL = [
    0.2088, -0.238, -0.2159, -0.3339, -0.5238, -0.5315, -0.5397, -0.7966, -0.8523, -0.8518,
    -1.087, -0.9399, -1.175, -1.233, -1.356, -1.371, -1.11, -1.452, -1.489, -1.491, -1.36,
    -1.489, -1.555, -1.567, -1.62, -1.554, -1.58, -1.727, -1.71, -1.733, -1.678, -1.784, -1.738,
    -1.741, -1.476, -1.642, -1.832, -1.83, -1.785, -1.865, -1.814, -1.918, -1.89, -1.873,
    -1.952, -1.93, -1.94, -1.962, -2.052, -2.063, -2.016, -1.984, -1.626, -0.6305, -1.706,
    -1.66, -1.919, -1.56, -1.826, -1.806, -1.688, -1.761, -1.834, -1.786, -1.724, -1.776,
    -1.871, -1.87, -1.883, -1.993,
]  # fmt: skip


def stop_of(
    detector: Patience, val: list[float], train: list[float] | None = None, name: str = "loss"
) -> ng.monitor.Event:
    """The first event of ``detector`` on a run logged once per epoch."""
    metric = detector.metric
    for epoch, value in enumerate(val, 1):
        logged = {metric: value} if train is None else {name: train[epoch - 1], metric: value}
        event = detector.update(epoch, **logged)
        if event is not None:
            return event
    raise AssertionError("no event")


def test_a_stop_while_recovering_from_a_spike_says_more_training_may_beat_the_best() -> None:
    """Sweep s44 words, finding 1: "validation loss has not improved for 20 epochs (best 0.4886
    at epoch 3): more training is unlikely to help", with both losses down by half over the
    last 10 epochs and validation 8% from its best."""
    event = stop_of(Patience(20), SPIKE_VAL, SPIKE_TRAIN)
    assert (event.epoch, event.message_id, event.stop) == (23, "patience.recovering", True)
    text = event.message
    assert text.startswith(
        "validation loss has not improved for 20 epochs (best 0.4886 at epoch 3), but Patience"
        " stopped the run while it was still recovering from a spike: after epoch 3,"
        " validation loss got sharply worse, to 2.554 at epoch 6 (training loss got worse with"
        " it, to 2.236 at epoch 7), and it has been improving again since then (0.5269 now)."
    )
    assert "unstable training, most often a learning rate too high" in text
    assert "those of epoch 3 (restore_best); whether more training beats them cannot be" in text
    assert "call resume() to train on" in text and "a smaller learning rate" in text
    assert "ng.detectors.Patience(100)" in text
    assert "unlikely to help" not in text


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_classroom_monitor_still_stops_there_with_these_words(language: str) -> None:
    ng.set_language(language)
    mon = Monitor(display=False)
    for epoch, (t, v) in enumerate(zip(SPIKE_TRAIN, SPIKE_VAL, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
        assert mon.should_stop == (epoch == 23)
    stop = mon.stop_event
    assert stop is not None and stop.message_id == "patience.recovering"
    words = {
        "en": ("still recovering from a spike", "2.554 at epoch 6", "0.5269 now"),
        "pl": ("wracał do formy po nagłym skoku", "2,554 w epoce 6", "teraz 0,5269"),
    }
    assert all(part in stop.message for part in words[language])
    assert mon.best is not None and mon.best.epoch == 3  # restore_best() gives epoch 3


def test_a_negative_loss_recovering_from_its_spike_is_read_alike() -> None:
    """Sweep s44 words, finding 1, second instance: a Gaussian NLL run stopped at epoch 70
    with "more training is unlikely to help"; trained on, it reached -2.489."""
    event = stop_of(Patience(20), NLL_VAL, NLL_TRAIN)
    assert (event.epoch, event.message_id) == (70, "patience.recovering")
    assert "(best -2.063 at epoch 50), but Patience stopped the run" in event.message
    assert "to -0.6305 at epoch 54 (training loss got worse with it, to -0.8069" in event.message
    assert "(-1.993 now)" in event.message


def test_min_delta_is_kept_in_the_words() -> None:
    event = stop_of(Patience(20, min_delta=0.001), SPIKE_VAL, SPIKE_TRAIN)
    assert event.message_id == "patience.recovering"
    assert event.message.startswith("validation loss has not improved by more than 0.001 for")
    assert "ng.detectors.Patience(100, min_delta=0.001)" in event.message


def test_without_a_training_loss_the_validation_loss_alone_tells_it() -> None:
    event = stop_of(Patience(20), SPIKE_VAL)
    assert event.message_id == "patience.recovering"
    assert "to 2.554 at epoch 6, and it has been improving again" in event.message


def test_an_accuracy_recovering_from_its_drop() -> None:
    """Read upside down: the accuracy fell sharply after its best and has been rising since."""
    acc = [0.95 - 0.45 * math.exp(-e / 10) for e in range(1, 31)]
    acc += [0.95 - 0.45 * math.exp(-e / 10) - 0.4 * math.exp(-(e - 31) / 8) for e in range(31, 60)]
    acc = [a + (0.004 if e % 2 else -0.004) for e, a in enumerate(acc)]
    event = stop_of(Patience(20, mode="max", metric="val_acc"), acc, [a + 0.01 for a in acc], "acc")
    assert event.message_id == "patience.recovering"
    assert "validation accuracy got sharply worse, to 0.5" in event.message
    assert "training accuracy got worse with it" in event.message


def test_a_validation_loss_that_jumps_while_the_training_loss_falls_is_no_such_spike() -> None:
    """Instability moves both losses: beside a training loss that kept falling, a jump of the
    validation loss and its fall back are no recovery the words may promise more from."""
    train = [0.8 * 0.95**e for e in range(len(SPIKE_VAL))]
    assert stop_of(Patience(20), SPIKE_VAL, train).message_id == "patience.fire"


def test_a_spike_that_is_over_keeps_its_words() -> None:
    """The losses jumped and came straight back within a few epochs, onto a level a little
    above the best: 20 epochs on, they still creep down to that level, but the recovery is
    over (its fall came in its first epochs)."""
    wobble = [0.001, -0.001, 0.0005, -0.0008, 0.0012, -0.0006]
    run = [0.3 + 0.6 * math.exp(-e / 3) for e in range(1, 41)]
    run += [run[-1] + 0.05 + 3.0 * math.exp(-e / 1.5) for e in range(25)]
    val = [v + wobble[e % 6] for e, v in enumerate(run)]
    train = [v - 0.02 for v in val]
    assert stop_of(Patience(20), val, train).message_id == "patience.fire"


def test_a_run_the_spike_broke_keeps_its_words() -> None:
    """Sweep s44 oscillate_sgd: after its spike the loss settled at 1.06 for good, above its
    first value (0.99), with a best of 0.556: falling since its peak is no way back."""
    val = [0.99, 0.73, 0.6, 0.556, 7.4] + [1.06 + 3.0 * 0.93**e for e in range(25)]
    train = [0.95, 0.7, 0.58, 0.54, 7.7] + [1.05 + 3.0 * 0.93**e for e in range(25)]
    assert stop_of(Patience(20), val, train).message_id == "patience.fire"


def test_a_bump_of_a_few_times_the_wobble_is_no_spike() -> None:
    """A validation loss that wobbles by about 0.01 rose by 0.1 and crept back: six times its
    wobble is noise, or a slow wave, not the jump of unstable training."""
    zigzag = [0.01, -0.01, 0.006, -0.008, 0.012, -0.006]
    run = [0.45 + 0.25 * math.exp(-e / 4) for e in range(1, 31)]
    run += [0.55 - 0.08 * min(e, 15) / 15 for e in range(25)]
    val = [v + zigzag[e % 6] for e, v in enumerate(run)]
    assert stop_of(Patience(20), val).message_id == "patience.fire"


def test_a_recovery_that_turned_up_again_keeps_its_words() -> None:
    """The loss came back most of the way after its spike, then rose again for the last 8
    epochs: it is no longer falling."""
    wobble = [0.01, -0.01, 0.005, -0.008, 0.012, -0.006]
    run = [0.9, 0.7, 0.55, 0.5, 3.0] + [2.0 - 0.1 * i for i in range(6)]
    run += [1.4 - 0.18 * i for i in range(6)] + [0.55 + 0.04 * i for i in range(8)]
    val = [v + wobble[e % 6] for e, v in enumerate(run)]
    assert stop_of(Patience(20), val).message_id == "patience.fire"


@pytest.mark.parametrize("patience", [5, 10, 20])
def test_a_memorising_run_with_a_noisy_validation_loss_is_not_recovering(patience: int) -> None:
    """A validation loss that zigzags by 15% while it creeps up: its highest value, and the
    values below it after, are no spike and no recovery."""
    zigzag = [0.15, -0.1, 0.05, -0.15, 0.1, -0.05]
    val = [
        (0.5 + 0.6 * math.exp(-e / 15) + 0.004 * max(0, e - 30)) * (1 + zigzag[e % 6])
        for e in range(1, 121)
    ]
    train = [math.exp(-e / 20) + 0.02 for e in range(1, 121)]
    for with_train in (train, None):
        detector = Patience(patience)
        for epoch, value in enumerate(val, 1):
            logged = {"val_loss": value}
            if with_train is not None:
                logged["loss"] = with_train[epoch - 1]
            if detector.update(epoch, **logged) is not None:
                detector.resume()
        assert detector.events
        assert "patience.recovering" not in [e.message_id for e in detector.events]


# sweep s46 (c02b, seed 0): SGDR, a warm restart at epoch 31 after the best (0.5237 at 30);
# noise put the highest value 3 epochs after the jump. Training on reached 0.331.
RESTART_VAL = [1.2 - 0.0226 * e for e in range(30)]
RESTART_VAL += [0.756, 0.766, 0.768, 0.790, 0.732, 0.771, 0.746, 0.729, 0.755, 0.762, 0.714]
RESTART_VAL += [0.697, 0.711, 0.708, 0.701, 0.687, 0.643, 0.653, 0.619, 0.595]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_warm_restart_is_not_blamed_on_a_learning_rate_too_high_alone(language: str) -> None:
    """Sweep s46, finding 1: "more training is unlikely to help" while the validation loss
    had fallen for 15 epochs since a warm restart (where noise put the peak decided between
    that and "recovering"), and the spike's words blamed only a learning rate too high."""
    ng.set_language(language)
    event = stop_of(Patience(20), RESTART_VAL)
    assert (event.epoch, event.message_id) == (50, "patience.recovering")
    said = {"en": "unless a schedule raised the rate on purpose, as a warm restart does"}
    said["pl"] = "chyba że harmonogram celowo go podniósł, jak robi to ciepły restart"
    assert said[language] in event.message


def test_a_loss_falling_again_after_a_slow_rise_is_not_unlikely_to_help() -> None:
    """A rise after the best over several epochs (no spike), then a clear fall for 14 epochs:
    a learning-rate schedule, or a warm-up, does this; "unlikely to help" would be false."""
    wobble = [0.01, -0.01, 0.006, -0.008, 0.012, -0.006]
    rise = [0.5237 + 0.045 * k for k in range(1, 7)]
    fall = [rise[-1] - 0.014 * k + wobble[k % 6] for k in range(1, 15)]
    event = stop_of(Patience(20), RESTART_VAL[:30] + rise + fall)
    assert (event.epoch, event.message_id) == (50, "patience.falling_again")
    text = event.message
    assert "since its worst value after epoch 30 (0.7937 at epoch 36) it has been improving" in text
    assert "A learning-rate schedule does this" in text and "unlikely" not in text
    assert "ng.detectors.Patience(100)" in text and "resume()" in text
    ng.set_language("pl")
    polish = stop_of(Patience(20), RESTART_VAL[:30] + rise + fall).message
    assert "znów się poprawia, wyraźniej, niż wynikałoby z samych wahań" in polish
    assert "harmonogram" in polish


@pytest.mark.parametrize("detectors", [None, [Patience(5)]])
def test_a_huge_finite_loss_that_falls_back_is_read_without_an_overflow_error(
    detectors: list[Patience] | None,
) -> None:
    """A float64 loss of 1e200 is finite: squaring it in a least-squares fit overflowed, and
    mon.log() raised OverflowError (review finding 2) instead of reading the run."""
    mon = Monitor(detectors=detectors, display=False)
    huge = [1.0] + [1e200 / 1e10**k for k in range(25)]
    for epoch, value in enumerate(huge, 1):
        mon.log(epoch, loss=1.0, val_loss=value)
    assert mon.events and mon.events[-1].message_id == "patience.never_improved"
