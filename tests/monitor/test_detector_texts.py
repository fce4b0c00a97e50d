"""The numbers and words of the detectors' explanations agree with what they claim."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import nngraph as ng
from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import (
    GL,
    PQ,
    UP,
    Gap,
    Patience,
    generalization_loss,
    training_progress,
)

# ----------------------------------------------------------------------------- a diverged run


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_gl_says_training_diverged_when_the_training_loss_is_not_finite(bad: float) -> None:
    for language, words in [("en", "training has diverged"), ("pl", "trening się rozbiegł")]:
        ng.set_language(language)
        gl = GL(5)
        for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.5, 0.8), (bad, 0.9)], 1):
            event = gl.update(epoch, loss=tr, val_loss=va)
        assert event is not None and event.message_id == "gl.train_nonfinite"
        written = "NaN" if math.isnan(bad) else str(bad)  # as Patience writes it
        assert words in event.message and written in event.message
        assert "memorise" not in event.message and "stalled" not in event.message
        assert "12.5%" in event.message or "12,5%" in event.message


@pytest.mark.parametrize("bad", [math.inf, math.nan])
@pytest.mark.parametrize("train_too", [False, True])
def test_gap_says_what_a_validation_loss_not_finite_means(bad: float, train_too: bool) -> None:
    """Sweep 20b §13: a validation loss of inf was "high variance ... more data, a smaller
    model or regularisation". Sweep 27, r6: where the training loss on the same weights is still
    finite, the weights have not diverged: the validation data or its code is the cause."""
    said = {
        False: [("en", "have not diverged"), ("pl", "wagi się nie rozbiegły")],
        True: [("en", "training has diverged"), ("pl", "trening się rozbiegł")],
    }
    for language, words in said[train_too]:
        ng.set_language(language)
        mon = Monitor(display=False, detectors=[Gap(patience=1)])
        later = bad if train_too else 0.3
        for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.5, 0.8), (later, bad), (later, bad)], 1):
            mon.log(epoch=epoch, loss=tr, val_loss=va)
        (event,) = mon.events  # said once
        expected = "gap.nonfinite" if train_too else "gap.validation_not_finite"
        assert (event.message_id, event.kind, event.epoch) == (expected, "divergence", 3)
        assert words in event.message and str(bad) in event.message
        assert "regular" not in event.message  # no advice for high variance (regularisation)


def test_gl_does_not_say_training_kept_falling_from_a_nan_at_the_best_epoch() -> None:
    gl = GL(5)
    for epoch, (tr, va) in enumerate([(1.0, 1.0), (math.nan, 0.8), (2.0, 0.9)], 1):
        event = gl.update(epoch, loss=tr, val_loss=va)
    assert event is not None and "kept falling" not in event.message
    assert "memorise" not in event.message


# ----------------------------------------------------------------------------- shown numbers


def test_gl_shows_as_many_digits_as_it_takes_to_be_above_alpha() -> None:
    gl = GL(5)
    gl.update(1, loss=1.0, val_loss=1.0)
    event = gl.update(2, loss=0.9, val_loss=1.0504)
    assert event is not None and "is 5.04% above its best" in event.message
    zero = GL(0)
    zero.update(1, val_loss=1.0)
    event = zero.update(2, val_loss=1.000004)
    assert event is not None and "is 0.0004% above its best" in event.message


@pytest.mark.parametrize("alpha", [0, 0.5, 5, 20, 99.9])
def test_every_shown_percentage_is_above_alpha(alpha: float) -> None:
    rng = np.random.default_rng(int(alpha * 10))
    # above alpha by more than float rounding (a millionth of the value: GL ignores less)
    for rise in alpha * (1 + rng.uniform(1e-6, 1e-2, 50)) + rng.uniform(2e-4, 1e-3, 50):
        gl = GL(alpha)
        gl.update(1, val_loss=2.0)
        event = gl.update(2, val_loss=2.0 * (1 + rise / 100))
        assert event is not None
        shown = re.search(r"is (\S+)% above", event.message)
        assert shown is not None and float(shown.group(1)) > alpha, event.message


def test_pq_shows_its_quotient_above_alpha() -> None:
    pq = PQ(0.5, 2)
    for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.98, 1.05106)], 1):
        event = pq.update(epoch, loss=tr, val_loss=va)
    assert event is not None and "quotient 0.5004 > 0.5" in event.message


def test_up_shows_a_trail_that_visibly_rises() -> None:
    up = UP(2, 1)
    for epoch, value in enumerate([1.0, 0.5, 0.500001, 0.500002], 1):
        event = up.update(epoch, val_loss=value)
    assert event is not None and "(0.5 -> 0.500001 -> 0.500002)" in event.message
    ng.set_language("pl")
    up = UP(1, 1)
    for epoch, value in enumerate([-2.5521, -2.55204], 1):
        event = up.update(epoch, val_loss=value)
    assert event is not None and "(wartości: -2,5521 -> -2,552)" in event.message


def test_up_does_not_count_float_rounding_as_a_rise() -> None:
    """Sweep 21a §5: after ReduceLROnPlateau froze the model (lr 5e-9), UP said "the model
    keeps getting worse on new data" of rises in the 8th digit, one float32 step each."""
    frozen = [0.34239674, 0.34239677, 0.3423968, 0.34239683, 0.34239686, 0.3423969]
    up = UP(3, 1)
    events = [up.update(epoch, val_loss=v) for epoch, v in enumerate([0.3, *frozen], 1)]
    assert events == [None] * 7
    seen = UP(3, 1)  # a rise a student can see still counts, however small the loss
    for epoch, value in enumerate([0.3, 0.3001, 0.3002, 0.3003], 1):
        event = seen.update(epoch, val_loss=value)
    assert event is not None and event.message_id == "up.fire"


@pytest.mark.parametrize(
    ("tiny", "in_english", "in_polish"),
    [
        (1e-12, "about 500 billion times its best", "około 500 mld razy"),
        (1e-300, "about 5.0e299 times its best", "około 5,0e299 razy"),
    ],
)
def test_a_huge_rise_is_said_in_times_not_as_a_percentage(
    tiny: float, in_english: str, in_polish: str
) -> None:
    """Sweep 19c §12: "validation loss is 1.5e9% above its best" is now "about 15 million
    times its best"; "5.0e13%" was no better."""

    def message() -> str:
        gl = GL(5)
        for epoch, value in enumerate([1.0, tiny, 0.5], 1):
            event = gl.update(epoch, loss=1.0 / epoch, val_loss=value)
        assert event is not None
        return event.message

    text = message()
    assert f"is {in_english} (" in text and "%" not in text and len(text) < 320
    ng.set_language("pl")
    text = message()
    assert f"ma wartość {in_polish} większą od najlepszej (" in text and "%" not in text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (5.381e13, "about 15 million times its best (3.541e+06 at epoch 1)"),  # the sweep's
        (3.541e6 * 101, "about 100 times its best"),
        (3.541e6 * 11, "about 11 times its best"),  # 1,000% above: from here on in times
        (3.541e6 * 10.99, "is 999.0% above its best"),  # below: a percentage as before
        (3.541e6 * 5000, "about 5,000 times its best"),
    ],
)
def test_a_huge_rise_reads_as_a_readable_number_of_times(value: float, shown: str) -> None:
    gl = GL(5)
    gl.update(1, val_loss=3.541e6)
    event = gl.update(2, val_loss=value)
    assert event is not None and shown in event.message, event.message


@pytest.mark.parametrize(
    ("curve", "in_english", "in_polish"),
    [
        ([-0.1, 1.0], "is 1 now, up from its best (-0.1 at epoch 1)", "1"),
        ([-0.5, -0.1], "is -0.1 now, up from its best (-0.5 at epoch 1)", "-0,1"),
    ],
)
def test_a_rise_from_a_best_below_zero_is_said_as_the_value_now(
    curve: list[float], in_english: str, in_polish: str
) -> None:
    """Sweep 20b §5: a Gaussian NLL from -0.1 to 1.0 read "about 12 times its best": 1.0 is no
    multiple (nor a percentage) of -0.1."""

    def messages() -> list[str]:
        mon = Monitor(display=False, detectors=[GL(5), PQ(0.5, k=2)])
        for epoch, value in enumerate(curve, 1):
            mon.log(epoch=epoch, loss=1.0 - epoch / 100, val_loss=value)
        assert len(mon.events) == 2
        return [event.message for event in mon.events]

    for text in messages():
        assert "times" not in text and "%" not in text and in_english.split(" (")[0] in text
    assert in_english in messages()[0]
    ng.set_language("pl")
    for text in messages():
        assert "razy" not in text and "%" not in text
        assert f"strata walidacyjna ma teraz wartość {in_polish}, wyższą od najlepszej" in text


# ----------------------------------------------------------------------------- PQ(k=1)


def test_pq_with_a_strip_of_one_epoch_is_refused_with_the_reason() -> None:
    with pytest.raises(NNGraphError, match=r"at least 2 epochs, got k=1.*always 0"):
        PQ(0.5, 1)
    ng.set_language("pl")
    with pytest.raises(NNGraphError, match="co najmniej 2 epok"):
        PQ(0.5, k=1)
    assert PQ(0.5, 2).k == 2


# ----------------------------------------------------------------------------- the float maximum


def test_prechelts_numbers_near_the_float_maximum_follow_the_definition() -> None:
    assert training_progress([1.5e308, 1.5e308]) == 0.0
    assert training_progress([1e308, 1.5e308]) == pytest.approx(250.0)
    assert training_progress([-1e308, 1.5e308]) == pytest.approx(1000 * 1.25)
    assert generalization_loss(1e308, -1e308) == pytest.approx(200.0)
    pq = PQ(0.5, 2)
    fired = [pq.update(e, loss=1.5e308, val_loss=v) is not None for e, v in enumerate([1, 2], 1)]
    assert fired == [False, True] and pq.value == math.inf


# ----------------------------------------------------------------------------- one epoch= twice


def test_two_validations_under_one_epoch_number_never_say_zero_epochs() -> None:
    def events() -> list[str]:
        mon = Monitor(display=False, detectors=[GL(5), Patience(1), UP(1, 1), Gap(0.1, patience=1)])
        for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.8, 0.7)], 1):
            mon.log(epoch=epoch, loss=tr, val_loss=va)
        mon.log(epoch=3, loss=0.6, val_loss=0.5)  # validation every half epoch
        mon.log(epoch=3, loss=0.5, val_loss=0.6)
        return [e.message for e in mon.events]

    english = events()
    assert len(english) == 4 and not [m for m in english if "0 epoch" in m]
    assert "in the last evaluation (against" in english[0]  # neutral: training is not below
    assert "has not improved for 1 evaluation (best 0.5 at epoch 3)" in english[1]
    assert "1 strip of 1 evaluation (0.5 -> 0.6)" in english[2]
    assert "apart for 1 evaluation:" in english[3]
    ng.set_language("pl")
    polish = events()
    assert not [m for m in polish if "0 epok" in m]
    assert "nie poprawia się już 1 pomiar z rzędu" in polish[1]


# ----------------------------------------------------------------------------- Polish words


def test_polish_monitor_texts_say_przeuczenie_not_overfitting() -> None:
    """Sweep 20c, finding 9: "a to nie overfitting", "oznaka overfittingu" in Polish
    sentences. The texts say "przeuczenie"; the lecture's own word, "overfitting", appears only
    as a gloss in brackets, so a student links the two."""
    from nngraph.i18n import pl

    glossed = re.compile(r"\((?:przeuczenie, )?ang\. overfitting\)")
    bare = [
        k
        for k, v in pl.MESSAGES.items()
        if k.startswith("monitor.") and "overfit" in glossed.sub("", v)
    ]
    assert bare == []
    assert "(przeuczenie, ang. overfitting)" in pl.MESSAGES["monitor.gl.verdict"]
    ng.set_language("pl")
    gl = GL(5)  # the training loss rose: unstable training
    for epoch, (tr, va) in enumerate([(1.0, 1.0), (1.2, 9.0)], 1):
        event = gl.update(epoch, loss=tr, val_loss=va)
    assert event is not None and "Trening stał się niestabilny; to nie przeuczenie (" in (
        event.message
    )
    up = UP(1, 1)
    for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.5, 0.9), (0.4, 0.95)], 1):
        event = up.update(epoch, loss=tr, val_loss=va)
    assert event is not None and "to oznaka przeuczenia (ang. overfitting)." in event.message
    mon = Monitor(metric="loss", display=False)  # GL on the training loss itself
    for epoch, loss in enumerate([1.0, 0.5, 0.4, 0.6], 1):
        mon.log(epoch=epoch, loss=loss)
    (event,) = [e for e in mon.events if e.detector.startswith("GL")]
    assert "Przeuczenie widać na stracie walidacyjnej." in event.message


def test_gl_does_not_say_neither_loss_improved_when_training_just_reached_a_new_low() -> None:
    """Training 0.6, 0.6, 0.6, 0.54: the means read flat, yet its last value is 10% below all
    before, and the text said "neither loss has improved for 3 epochs" (sweep s33 P, 1)."""
    from nngraph.monitor.detectors import GL

    mon = Monitor(detectors=[GL(5)], display=False)
    for epoch, (train, val) in enumerate(
        zip([0.6, 0.6, 0.6, 0.54], [0.56, 0.56, 0.58, 0.6], strict=True), 1
    ):
        mon.log(epoch, loss=train, val_loss=val)
    (event,) = mon.events
    assert event.message_id == "gl.neutral" and "neither loss" not in event.message


def test_pq_shows_the_progress_with_the_digits_its_quotient_needs() -> None:
    """10.0% over "20‰" is not above 0.5, yet the text said "quotient 0.5001 > 0.5": the
    progress was 19.995‰, 19.99 shown (sweep s33 P, 2)."""
    from nngraph.monitor.detectors import PQ

    mon = Monitor(detectors=[PQ(0.5, 2)], display=False)
    for epoch, (train, val) in enumerate(zip([1.03999, 1.0], [1.0, 1.1], strict=True), 1):
        mon.log(epoch, loss=train, val_loss=val)
    (event,) = mon.events
    assert "10.0% above its best" in event.message and "only 19.99‰ of progress" in event.message


def test_pq_shows_gl_with_more_digits_where_one_decimal_rounds_it_down() -> None:
    """GL 10.04% shown as "10.0" over 20.07 per mille reads 0.498, below the 0.5 the text says
    the quotient is above (regression sweep s33 RG2, P7)."""
    from nngraph.monitor.detectors import PQ

    mon = Monitor(detectors=[PQ(0.5, 2)], display=False)
    mon.log(1, loss=0.5, val_loss=0.6), mon.log(2, loss=0.45, val_loss=0.5)
    mon.log(3, loss=0.4 * (1 + 2 * 20.07 / 1000), val_loss=0.5 * (1 + 10.04 / 200))
    mon.log(4, loss=0.4, val_loss=0.5 * (1 + 10.04 / 100))
    (event,) = mon.events
    gl = float(event.message.split("% above")[0].split()[-1])
    per_mille = float(event.message.split("‰")[0].split()[-1])
    assert (gl, per_mille) == (10.04, 20.07) and gl / per_mille > 0.5
