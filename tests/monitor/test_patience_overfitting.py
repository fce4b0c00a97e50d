"""Overfitting that Patience's stop names beyond the lecture's picture (a training loss far
below the validation loss): a moderate gap, an accuracy logged alone, and a validation metric
worse from its first epoch on (fine-tuning). See ``nngraph/monitor/_overfitting.py``.

Each case of the sweep that found them (s47) read as a plateau, "more training is unlikely to
help", or as "does not generalise"; the curves that must keep their words (a flat noisy
validation loss, a spike that fell back, a short patience) are here too.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nngraph as ng
from nngraph.monitor.detectors import Patience


def _moderate(noise: float = 0.0, seed: int = 0) -> tuple[list[float], list[float]]:
    """Training loss falling to about 0.2, validation loss best 0.36 at epoch 21, then rising
    to about 0.5: the gap is moderate, the training loss never half the best."""
    rng = np.random.default_rng(seed)
    train = [0.19 + 0.6 * math.exp(-e / 10) + 0.0004 * (60 - e) for e in range(60)]
    val = [0.36 + 0.55 * math.exp(-e / 6) + 0.0045 * max(0, e - 20) for e in range(60)]
    val = [v * (1 + noise * rng.standard_normal()) for v in val]
    return train, val


def _stop(detector: Patience, train: list[float], val: list[float], names=("loss", "val_loss")):
    """The first event of ``detector`` on a run logged once per epoch."""
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        event = detector.update(epoch, **{names[0]: t, names[1]: v})
        if event is not None:
            return event
    raise AssertionError("no event")


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "is still falling"), ("pl", "wciąż spada")],
)
def test_a_moderate_gap_with_a_clear_rise_is_called_overfitting(language: str, words: str) -> None:
    """Sweep s47: training loss 0.2 still falling, validation loss from its best 0.36 up by
    a third: "more training is unlikely to help", since the training loss was not at most
    half of the best."""
    ng.set_language(language)
    train, val = _moderate(0.01)
    event = _stop(Patience(20), train, val)
    assert event.message_id == "patience.overfitting"
    assert words in event.message and "overfitting" in event.message
    assert f"{event.values['best_epoch']}" in event.message


def test_the_classroom_monitor_says_it_at_its_stop() -> None:
    train, val = _moderate(0.01, seed=3)
    mon = ng.Monitor(display=False)
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v)
        if mon.should_stop:
            break
    stops = [e for e in mon.events if e.detector.startswith("Patience")]
    assert [e.message_id for e in stops] == ["patience.overfitting"]


@pytest.mark.parametrize("seed", range(10))
def test_a_flat_noisy_validation_loss_beside_a_falling_training_loss_is_no_overfitting(
    seed: int,
) -> None:
    """The same gap without a rise: validation flat at 0.5 with 4% noise, its best a lucky
    low, the training loss still falling slowly below it."""
    rng = np.random.default_rng(seed)
    epochs = np.arange(100)
    train = 0.35 + 0.15 * np.exp(-epochs / 30)
    val = (0.5 + 0.3 * np.exp(-epochs / 4)) * (1 + 0.04 * rng.standard_normal(100))
    patience = Patience(20)
    for epoch in range(100):
        patience.update(epoch + 1, loss=float(train[epoch]), val_loss=float(val[epoch]))
    assert patience.events
    assert "patience.overfitting" not in [e.message_id for e in patience.events]


def test_a_spike_that_fell_back_is_no_overfitting() -> None:
    """A validation loss that jumped for a few epochs and is coming back down is a spike
    (the last values hold less than half of its height), not a model getting worse."""
    val = [0.27 + 0.5 * math.exp(-e / 4) for e in range(30)]  # best 0.2736 at epoch 30
    spike = [0.29, 0.33, 0.41, 0.52, 0.61, 0.68, 0.62, 0.51, 0.39, 0.31]
    train = [0.2 + 0.5 * math.exp(-e / 8) for e in range(40)]
    event = _stop(Patience(10), train, val + spike)
    assert (event.epoch, event.message_id) == (40, "patience.fire")


@pytest.mark.parametrize("patience", [3, 5])
def test_a_short_patience_keeps_its_words_beside_a_moderate_gap(patience: int) -> None:
    """Too few values after the best to tell a rise from noise without a training loss far
    below: Patience(3) called a validation loss with 8% noise overfitting."""
    train, val = _moderate()
    assert _stop(Patience(patience), train, val).message_id == "patience.fire"


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "is still rising"), ("pl", "wciąż rośnie")],
)
def test_an_accuracy_logged_alone_that_falls_is_called_overfitting(
    language: str, words: str
) -> None:
    """Sweep s47: with only acc and val_acc logged, a validation accuracy falling from 0.86
    while training accuracy rose got "more training is unlikely to help"."""
    ng.set_language(language)
    train = [0.99 - 0.5 * math.exp(-e / 8) for e in range(60)]
    val = [0.86 - 0.45 * math.exp(-e / 6) - 0.003 * max(0, e - 20) for e in range(60)]
    mon = ng.Monitor(display=False, metric="val_acc")
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        mon.log(epoch, acc=t, val_acc=v)
        if mon.should_stop:
            break
    (event,) = [e for e in mon.events if e.detector.startswith("Patience")]
    assert event.message_id == "patience.overfitting_higher"
    assert words in event.message and "overfitting" in event.message


def test_a_training_accuracy_at_one_beside_a_falling_validation_accuracy_memorises() -> None:
    train = [min(1.0, 0.5 + 0.05 * e) for e in range(60)]
    val = [0.9 - 0.4 * math.exp(-e / 5) - 0.0025 * max(0, e - 25) for e in range(60)]
    event = _stop(Patience(20, metric="val_acc"), train, val, ("acc", "val_acc"))
    assert event.message_id == "patience.memorising_higher"
    assert "stays far above it (1)" in event.message


def test_a_flat_validation_accuracy_beside_a_rising_training_accuracy_is_no_overfitting() -> None:
    rng = np.random.default_rng(0)
    train = [0.8 + 0.15 * (1 - math.exp(-e / 30)) for e in range(100)]
    val = [0.75 - 0.3 * math.exp(-e / 4) + 0.01 * rng.standard_normal() for e in range(100)]
    patience = Patience(20, metric="val_acc")
    for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
        patience.update(epoch, acc=t, val_acc=v)
    assert patience.events
    assert all(e.message_id == "patience.fire" for e in patience.events)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "overfitting from its first epochs"), ("pl", "przeucza się od pierwszych epok")],
)
def test_a_validation_loss_worse_from_the_first_epoch_is_overfitting_as_in_fine_tuning(
    language: str, words: str
) -> None:
    """Sweep s47: fine-tuning from a pretrained start, validation best at epoch 1, then
    rising while training falls, was told "does not generalise to new data (too little data
    or too big a model)", not that it overfits from the start."""
    ng.set_language(language)
    rng = np.random.default_rng(0)
    train = [0.3 * math.exp(-e / 6) + 0.02 for e in range(30)]
    val = [0.25 + 0.012 * e + 0.004 * rng.standard_normal() for e in range(30)]
    event = _stop(Patience(20), train, val)
    assert event.message_id == "patience.never_improved"
    assert words in event.message and "fine-tun" in event.message
    assert "restore_best" in event.message


def test_a_flat_validation_loss_from_the_first_epoch_keeps_does_not_generalise() -> None:
    """Fine-tuning whose validation loss stays at its first value (within 1%) while the
    training loss falls far below: no rise to call overfitting from the start."""
    train = [0.02 + 0.3 * math.exp(-e / 6) for e in range(30)]
    val = [0.25] + [0.253 + 0.002 * (-1) ** e for e in range(29)]
    event = _stop(Patience(20), train, val)
    assert event.message_id == "patience.never_improved"
    assert "does not generalise" in event.message
