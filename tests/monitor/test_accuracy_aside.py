"""The accuracy aside (nngraph/monitor/_accuracy_aside.py): what a validation accuracy that rose
after the loss's best epoch adds to a detector's words, and where it must not speak."""

from __future__ import annotations

import pytest

from nngraph import i18n
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import GL, PQ, Patience
from tests.monitor.test_chance_after_blow_up import PIXELS_TRAIN, PIXELS_VAL

#: Sweep s45 (mistakes, repro 2): a net that predicts class 0 for every input after epoch 1;
#: its accuracies are the shares of that class.
PIXELS_ACC = [0.2667, 0.17, 0.2217, *[0.2467] * 19]
PIXELS_VAL_ACC = [0.2267, 0.1767, *[0.2167] * 20]


def test_no_accuracy_aside_for_a_model_whose_loss_sits_at_the_chance_level() -> None:
    """Sweep s45 (mistakes, finding 2): a dead net that answers one class for everything (loss
    at ln 5, a 0.5% 'rise', accuracy 0.1767 -> 0.2167, the share of that class) was told it
    "got more answers right while it grew over-confident in the ones it gets wrong", and to
    watch val_acc instead, which would keep the dead model."""
    mon = Monitor(detectors=[GL(0.3), PQ(0.05, 5), Patience(20)], display=False)
    rows = zip(PIXELS_TRAIN, PIXELS_VAL, PIXELS_ACC, PIXELS_VAL_ACC, strict=True)
    for epoch, (loss, val_loss, acc, val_acc) in enumerate(rows, 1):
        mon.log(epoch, loss=loss, val_loss=val_loss, acc=acc, val_acc=val_acc)
    assert len(mon.events) == 3 and mon.events[0].message_id == "gl.neutral"
    for event in mon.events:
        assert "val_acc" not in event.message and "over-confident" not in event.message


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_loss_that_stayed_at_its_best_gets_no_over_confidence_in_the_aside(
    language: str,
) -> None:
    """Sweep s45 (mistakes, finding 2): the aside said the model's over-confidence "raised the
    loss" where the loss stayed within noise of its best; the accuracy that still rose is worth
    saying, the cause of a rise that did not happen is not."""
    i18n.set_language(language)
    mon = Monitor(detectors=[Patience(3)], display=False)
    val = [0.9, 0.6, 0.45, 0.4, 0.405, 0.41, 0.402]
    acc = [0.6, 0.7, 0.78, 0.8, 0.82, 0.84, 0.83]
    for epoch, (v, a) in enumerate(zip(val, acc, strict=True), 1):
        mon.log(epoch, loss=0.5 / epoch, val_loss=v, val_acc=a)
    (event,) = mon.events
    words = {
        "en": ("rose after epoch 4", "stayed within a few percent of its best"),
        "pl": ("wzrosła po epoce 4", "pozostała w granicach kilku procent"),
    }
    assert all(w in event.message for w in words[language]), event.message
    assert "metric='val_acc'" in event.message
    assert "over-confident" not in event.message and "pewniejszy" not in event.message


def test_the_aside_names_the_epoch_the_accuracy_first_reached_its_highest() -> None:
    """Sweep s45 (mistakes, finding 2, the smaller point): "at its highest (epoch 22)" named
    the last epoch of a plateau first reached at epoch 3."""
    mon = Monitor(detectors=[Patience(4)], display=False)
    val = [0.9, 0.6, 0.45, 0.4, 0.5, 0.6, 0.7, 0.8]
    acc = [0.6, 0.7, 0.78, 0.8, 0.86, 0.86, 0.86, 0.86]
    for epoch, (v, a) in enumerate(zip(val, acc, strict=True), 1):
        mon.log(epoch, loss=0.5 / epoch, val_loss=v, val_acc=a)
    (event,) = mon.events
    assert "0.86 at its highest (epoch 5)" in event.message, event.message
    assert "over-confident" in event.message  # the loss did rise: 0.4 to 0.8
