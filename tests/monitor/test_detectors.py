"""Each detector against its published definition, recomputed naively from the whole curve."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
import torch

from nngraph import i18n
from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor, detectors
from nngraph.monitor.detectors import GL, PQ, UP, Divergence, Gap, Patience

# ----------------------------------------------------------------------------- references
# Epochs are 1-based: tr[t - 1] is E_tr(t).


def ref_gl(va: list[float], t: int) -> float:
    return 100 * (va[t - 1] / min(va[:t]) - 1)


def ref_pk(tr: list[float], t: int, k: int) -> float:
    strip = tr[t - k : t]
    return 1000 * (sum(strip) / (k * min(strip)) - 1)


def ref_first_gl(va: list[float], alpha: float) -> int | None:
    return next((t for t in range(1, len(va) + 1) if ref_gl(va, t) > alpha), None)


def ref_first_pq(tr: list[float], va: list[float], alpha: float, k: int) -> int | None:
    for t in range(k, len(va) + 1, k):
        gl, pk = ref_gl(va, t), ref_pk(tr, t, k)
        pq = (math.inf if gl > 0 else 0.0) if pk == 0 else gl / pk
        if pq > alpha:
            return t
    return None


def ref_first_up(va: list[float], s: int, k: int) -> int | None:
    for t in range(k, len(va) + 1, k):
        ends = [t - i * k for i in range(s + 1)]  # t, t-k, ..., t-s*k
        if ends[-1] >= 1 and all(va[a - 1] > va[a - k - 1] for a in ends[:-1]):
            return t
    return None


def ref_first_patience(va: list[float], patience: int, min_delta: float) -> int | None:
    best, wait = math.inf, 0
    for t, v in enumerate(va, 1):
        if v < best - min_delta:
            best, wait = v, 0
        else:
            wait += 1
            if wait >= patience:
                return t
    return None


def first_event(det: detectors.Detector, tr: list[float] | None, va: list[float]) -> int | None:
    for t, v in enumerate(va, 1):
        metrics = {"val_loss": v} if tr is None else {"loss": tr[t - 1], "val_loss": v}
        if det.update(t, **metrics) is not None:
            return t
    return None


def overfitting_curve(
    n: int = 60, turn: int = 20, seed: int = 0
) -> tuple[list[float], list[float]]:
    """Training loss falls for ever; validation falls until `turn`, then rises (plus noise)."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, n + 1)
    tr = 2.0 / t + 0.05
    va = 0.4 + 0.002 * (t - turn) ** 2 / 10 + rng.normal(0, 0.01, n)
    return tr.tolist(), va.tolist()


CURVES = [overfitting_curve(seed=s) for s in range(8)] + [
    (
        (np.linspace(1, 0.1, 50) + np.random.default_rng(s).normal(0, 0.02, 50)).tolist(),
        (np.random.default_rng(100 + s).uniform(0.5, 0.7, 50)).tolist(),
    )
    for s in range(8)
]

# ----------------------------------------------------------------------------- GL


@pytest.mark.parametrize("alpha", [0, 1, 2, 5, 10])
@pytest.mark.parametrize("curve", range(len(CURVES)))
def test_gl_fires_first_where_the_definition_says(alpha: float, curve: int) -> None:
    tr, va = CURVES[curve]
    assert first_event(GL(alpha), tr, va) == ref_first_gl(va, alpha)


def test_gl_value_is_prechelts_percentage() -> None:
    gl = GL(1000)
    for t, v in enumerate([1.0, 0.8, 0.9, 0.85], 1):
        gl.update(t, val_loss=v)
        assert gl.value == pytest.approx(ref_gl([1.0, 0.8, 0.9, 0.85], t))


def test_gl_explains_overfitting_when_training_kept_falling() -> None:
    """Sweep 19c §10: "down from 0.9 up to epoch 2" read as epoch 2's training loss. Review
    19 A1: the comparison starts at the best epoch (0.8 at epoch 2), not before it."""
    gl = GL(5)
    tr = [1.0, 0.8, 0.6, 0.5, 0.4]
    va = [1.0, 0.7, 0.72, 0.74, 0.76]
    event = next(e for t in range(5) if (e := gl.update(t + 1, loss=tr[t], val_loss=va[t])))
    assert event.epoch == 4 and event.message_id == "gl.overfit"
    assert "5.7% above its best (0.7 at epoch 2)" in event.message
    assert (
        "still falling (0.55 on average over the last 2 epochs, down from 0.8 in epoch 2)"
        in event.message
    )
    assert "memorise" in event.message


def test_a_gl_that_only_warns_says_one_rise_may_be_noise_and_does_not_say_stop() -> None:
    tr = [1.0, 0.8, 0.6, 0.5, 0.4]
    va = [1.0, 0.7, 0.72, 0.74, 0.76]
    for gl, says, never in [
        (GL(5), ["has started to memorise", "Stop here"], ["noise"]),
        (GL(5, stop=False), ["may have started to memorise", "noise", "does not stop"], ["Stop"]),
    ]:
        event = next(e for t in range(5) if (e := gl.update(t + 1, loss=tr[t], val_loss=va[t])))
        assert event.message_id == "gl.overfit"
        assert all(part in event.message for part in says), event.message
        assert not any(part in event.message for part in never), event.message
    from_zero = GL(5, stop=False, metric="val_error")
    for t, v in enumerate([0.1, 0.0, 0.05], 1):
        event = from_zero.update(t, val_error=v) or event
    assert event.message_id == "gl.from_zero" and "Stop" not in event.message


def test_gl_fires_again_only_after_a_new_best() -> None:
    gl = GL(5)
    fired = [gl.update(t, val_loss=v) is not None for t, v in enumerate([1, 1.1, 1.2, 0.5, 0.6], 1)]
    assert fired == [False, True, False, False, True]


def test_a_noisy_plateau_is_announced_by_gl_once_and_again_only_at_a_new_high() -> None:
    """The classroom warning fired at every noisy rise of a small validation set (sweep R)."""
    gl = GL(5, stop=False)
    va = [1.0, 1.06, 1.02, 1.06, 1.01, 1.07, 1.03, 1.09, 1.09, 0.9, 0.96]
    fired = [t for t, v in enumerate(va, 1) if gl.update(t, val_loss=v) is not None]
    assert fired == [2, 6, 8, 11]  # 1.06 again is not news; 1.07, 1.09 are; a new best: afresh


def test_a_lucky_low_value_after_a_warning_does_not_start_gl_afresh() -> None:
    """A noisy validation loss warned at every wobble after each tiny new best (sweep 18)."""
    gl = GL(5, stop=False)
    va = [1.0, 1.06, 0.99, 1.045, 0.98, 1.04, 0.93, 0.985]
    fired = [t for t, v in enumerate(va, 1) if gl.update(t, val_loss=v) is not None]
    # 0.99 and 0.98 are new bests, not 5% below the 1.0 it warned about: their 5.6% and 6.1%
    # rises are no news; 0.93 is 7% below it: afresh, and 5.9% above it is said again
    assert fired == [2, 8]


def test_a_steady_climb_after_a_new_best_is_said_even_below_an_earlier_spike() -> None:
    """An early spike (0.9, said) then a new best by 2% and memorising: the climb stayed below
    the spike, so GL was silent for 8 epochs of a textbook rise (teach 5)."""
    gl = GL(5, stop=False)
    va = [1.0, 0.8, 0.6, 0.5, 0.9, 0.7, 0.49, 0.52, 0.55, 0.58, 0.61, 0.64, 0.67]
    events = [gl.update(t, val_loss=v, loss=1.0 - 0.05 * t) for t, v in enumerate(va, 1)]
    said = {t: e.message for t, e in enumerate(events, 1) if e is not None}
    assert list(said)[:2] == [5, 10]  # the spike; three rises in a row from the new best 0.49
    assert "18.4% above its best (0.49 at epoch 7)" in said[10]


def test_a_climb_of_two_evaluations_or_one_that_wobbles_is_no_news_below_a_high_said() -> None:
    gl = GL(5, stop=False)
    va = [1.0, 1.5, 0.98, 1.04, 1.06, 1.03, 1.05, 1.07, 1.02]
    fired = [t for t, v in enumerate(va, 1) if gl.update(t, val_loss=v) is not None]
    assert fired == [2]


def test_gl_still_stops_where_prechelt_says_and_again_after_resume() -> None:
    gl = GL(5)
    fired = [gl.update(t, val_loss=v) is not None for t, v in enumerate([1.0, 1.2, 1.0, 1.1], 1)]
    assert fired == [False, True, False, False]
    gl.resume()  # a second fit: it may stop the run again where GL > alpha
    assert gl.update(5, val_loss=1.1) is not None


@pytest.mark.parametrize(("best", "now"), [(0.6, 0.63), (1.0, 1.05), (0.5, 0.525), (0.2, 0.21)])
def test_gl_does_not_fire_at_exactly_alpha_percent_however_the_floats_round(
    best: float, now: float
) -> None:
    """Sweep s26/3, finding 3: Prechelt stops when GL > alpha, and a rise of exactly 5% stopped
    GL(5) or not by float rounding (0.6 -> 0.63 did, "5.001% above its best"; 0.2 -> 0.21 did
    not). Above it by a hundred-thousandth of the value, it fires."""
    exact = Monitor(detectors=[GL(5)], display=False)
    exact.log(1, val_loss=best)
    exact.log(2, val_loss=now)
    assert not exact.should_stop and exact.events == []
    above = Monitor(detectors=[GL(5)], display=False)
    above.log(1, val_loss=best)
    above.log(2, val_loss=now * (1 + 1e-5))
    assert above.should_stop and "5.001% above its best" in above.events[0].message


# ----------------------------------------------------------------------------- PQ


@pytest.mark.parametrize(("alpha", "k"), [(0.5, 5), (0.75, 5), (1, 3), (2, 4), (3, 7)])
@pytest.mark.parametrize("curve", range(len(CURVES)))
def test_pq_fires_first_where_the_definition_says(alpha: float, k: int, curve: int) -> None:
    tr, va = CURVES[curve]
    assert first_event(PQ(alpha, k), tr, va) == ref_first_pq(tr, va, alpha, k)


def test_pq_does_not_fire_at_exactly_alpha_however_the_floats_round() -> None:
    """GL 75% over a training progress of 150 per mille is a quotient of exactly 0.5, which
    floats make 0.5000000000000001: PQ(0.5) fired on it, as GL did at exactly alpha."""
    assert first_event(PQ(0.5, 2), [0.13, 0.1], [0.2, 0.35]) is None
    assert first_event(PQ(0.5, 2), [0.13, 0.1], [0.2, 0.3501]) == 2


def test_pq_training_progress_is_per_mille_over_the_strip() -> None:
    pq = PQ(100, 3)
    tr = [3.0, 1.2, 1.1, 1.0, 0.99, 0.98]
    for t, v in enumerate(tr, 1):
        pq.update(t, loss=v, val_loss=1.0)
    assert pq.progress == pytest.approx(ref_pk(tr, 6, 3))


def test_pq_never_evaluates_a_partial_strip() -> None:
    # k=4 on 10 epochs: strips end at 4 and 8; epochs 9, 10 must not be judged
    tr = [1.0] * 3 + [0.9] + [0.8] * 4 + [0.7, 0.7]
    va = [1.0] * 8 + [5.0, 5.0]
    assert first_event(PQ(0.5, 4), tr, va) is None
    assert ref_first_pq(tr, va, 0.5, 4) is None


def test_pq_flat_training_strip_with_generalization_loss_is_infinite() -> None:
    pq = PQ(0.5, 2)
    assert first_event(pq, [1.0, 1.0, 1.0, 1.0], [1.0, 0.5, 0.6, 0.6]) == 4
    assert pq.value == math.inf


def test_pq_needs_the_training_twin() -> None:
    assert first_event(PQ(0.1, 2), None, [1.0, 2.0, 3.0, 4.0]) is None


# ----------------------------------------------------------------------------- UP


@pytest.mark.parametrize(("s", "k"), [(1, 1), (2, 1), (3, 1), (1, 5), (2, 5), (3, 5), (2, 4)])
@pytest.mark.parametrize("curve", range(len(CURVES)))
def test_up_fires_first_where_the_definition_says(s: int, k: int, curve: int) -> None:
    _, va = CURVES[curve]
    assert first_event(UP(s, k), None, va) == ref_first_up(va, s, k)


def test_up_is_recursive_in_s() -> None:
    va = [1.0, 0.9, 0.95, 0.97, 0.99, 0.5]
    assert [first_event(UP(s, 1), None, va) for s in (1, 2, 3, 4)] == [3, 4, 5, None]


def test_up_compares_strip_ends_only() -> None:
    # inside the strips the curve jumps around; the strip ends (2, 4, 6) fall
    va = [1.0, 0.9, 5.0, 0.8, 5.0, 0.7]
    assert first_event(UP(1, 2), None, va) is None


# ----------------------------------------------------------------------------- Patience


@pytest.mark.parametrize(("patience", "min_delta"), [(1, 0), (3, 0), (5, 0.01), (10, 0.001)])
@pytest.mark.parametrize("curve", range(len(CURVES)))
def test_patience_matches_keras(patience: int, min_delta: float, curve: int) -> None:
    _, va = CURVES[curve]
    det = Patience(patience, min_delta)
    assert first_event(det, None, va) == ref_first_patience(va, patience, min_delta)


def test_patience_and_gap_maximise_accuracy_like_metrics_by_default() -> None:
    assert Patience(2, metric="val_acc").mode == "max" and Patience(2).mode == "min"
    p = Patience(1, metric="val_acc")
    assert [p.update(e, val_acc=v) is not None for e, v in enumerate([0.5, 0.8, 0.7], 1)] == [
        False,
        False,
        True,
    ]
    assert Gap(0.1, metric="val_acc").mode == "max"


@pytest.mark.parametrize("language", ["en", "pl"])
def test_gap_on_an_accuracy_warns_by_default_and_refuses_a_threshold_it_never_reaches(
    language: str,
) -> None:
    """Sweep s37: `Gap(metric="val_acc")` kept the loss's 100% threshold, which a relative gap
    of an accuracy, (train - val) / train, never passes: 1.0 against 0.1 for 60 epochs said
    nothing."""
    i18n.set_language(language)
    gap = Gap(metric="val_acc")
    events = [gap.update(e, acc=1.0, val_acc=0.1) for e in range(1, 7)]
    assert [e is not None for e in events] == [False] * 4 + [True, False]
    assert gap.threshold == 0.1 and Gap(metric="val_acc", relative=False).threshold == 0.1
    assert Gap().threshold == 1.0  # a loss: validation twice the training loss
    with pytest.raises(NNGraphError, match="relative=False") as error:
        Gap(1.0, metric="val_acc")
    assert "Gap(0.1, metric='val_acc')" in str(error.value)
    assert Gap(1.0, metric="val_acc", relative=False).threshold == 1.0  # points: it can pass


def test_patience_with_min_delta_says_what_it_measured_not_a_best() -> None:
    # Keras's rule stops here (0.725 is not 0.01 above 0.72), but 0.72 is not the best value
    p = Patience(3, min_delta=0.01, metric="val_acc")
    curve = [0.2, 0.4, 0.6, 0.7, 0.72, 0.725, 0.72, 0.71]
    events = [p.update(e, val_acc=v) for e, v in enumerate(curve, 1)]
    event = events[-1]
    assert event is not None and events[:-1] == [None] * 7
    assert event.message == (
        "validation accuracy has not improved by more than 0.01 for 3 epochs (since 0.72 at "
        "epoch 5): more training is unlikely to help."
    )
    assert "best" not in event.message
    rel = Patience(4, min_delta=0.05, relative=True)
    for e, v in enumerate([2.356, 2.35, 2.34, 2.33, 2.32], 1):
        fired = rel.update(e, val_loss=v)
    assert fired is not None and fired.message.startswith(
        "validation loss has not improved by more than 5% for 4 epochs (since 2.356 at epoch 1)"
    )
    plain = Patience(2)  # without min_delta the value it names is the best
    for e, v in enumerate([1.0, 0.5, 0.6, 0.7], 1):
        fired = plain.update(e, val_loss=v)
    assert fired is not None and "(best 0.5 at epoch 2)" in fired.message


def test_patience_relative_and_max_mode() -> None:
    rel = Patience(2, 0.1, relative=True)  # needs 10% better than the best
    assert first_event(rel, None, [1.0, 0.95, 0.92, 0.5]) == 3
    acc = Patience(2, mode="max", metric="val_acc")
    fired = [acc.update(t, val_acc=v) for t, v in enumerate([0.5, 0.7, 0.69, 0.7], 1)]
    assert [e is not None for e in fired] == [False, False, False, True]
    assert "validation accuracy has not improved for 2 epochs" in fired[-1].message  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    "det", [GL(0), PQ(0, 2), UP(1, 1), Gap(0, patience=1)], ids=lambda d: d.name
)
def test_a_flat_curve_raises_nothing(det: detectors.Detector) -> None:
    assert first_event(det, [0.5] * 30, [0.5] * 30) is None


def test_a_flat_curve_runs_out_of_patience() -> None:
    assert first_event(Patience(4), None, [0.5] * 30) == 5


@pytest.mark.parametrize(
    "det", [GL(5), PQ(0.5, 2), UP(1, 1), Patience(1), Gap(0.5, patience=2)], ids=repr
)
def test_a_single_epoch_raises_nothing(det: detectors.Detector) -> None:
    assert det.update(1, loss=0.3, val_loss=0.9) is None
    assert det.epoch == 1


def test_nan_is_never_a_best_and_gl_says_it_diverged() -> None:
    gl = GL(5)
    for epoch, value in enumerate([1.0, math.nan, 0.9, math.nan], 1):
        gl.update(epoch, val_loss=value)
    assert gl.best == 0.9 and gl.best_epoch == 3
    said = [(e.epoch, e.message_id) for e in gl.events]
    assert said == [(2, "gl.nonfinite"), (4, "gl.nonfinite")]  # once per NaN after a value


@pytest.mark.parametrize("bad", [math.nan, math.inf])
@pytest.mark.parametrize("make", [GL, PQ, UP], ids=["GL", "PQ", "UP"])
def test_a_validation_loss_that_turns_nan_or_inf_after_a_best_is_said_to_diverge(
    make: type[GL | PQ | UP], bad: float
) -> None:
    """Sweep 22c §6: GL(5), PQ(0.5, 5) and UP(3, 5) alone never reacted to a NaN validation
    loss (its GL is NaN, never above alpha), and PQ and UP not to an infinite one either."""
    det = make()  # the published defaults
    for epoch in range(1, 31):
        loss = 0.9 / epoch if epoch < 18 else bad  # the training loss blew up too
        det.update(epoch, loss=loss, val_loss=1.0 / epoch if epoch < 18 else bad)
    (event,) = det.events  # said once, at the first one: not at every epoch after
    assert (event.epoch, event.message_id) == (18, f"{make.__name__.lower()}.nonfinite")
    assert event.stop and event.values["best"] == 1 / 17
    assert "training has diverged" in event.message


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("make", [GL, PQ, UP], ids=["GL", "PQ", "UP"])
def test_a_nan_validation_loss_beside_a_finite_training_loss_is_the_data_not_divergence(
    make: type[GL | PQ | UP], language: str
) -> None:
    """Sweep s42 (helper mon, finding 2): one NaN validation value while the training loss
    fell smoothly was called "training has diverged", where Patience, Gap and Divergence say
    the validation data or its code is the likely cause."""
    i18n.set_language(language)
    det = make()
    for epoch in range(1, 8):
        det.update(epoch, loss=1 / epoch, val_loss=math.nan if epoch == 4 else 1 / epoch + 0.1)
    event = det.events[0]
    assert (event.epoch, event.kind) == (4, "divergence")
    assert event.message_id == f"{make.__name__.lower()}.validation_not_finite"
    words = {"en": "the weights have not diverged", "pl": "wagi się nie rozbiegły"}
    assert words[language] in event.message and "0.25" in event.message.replace(",", ".")


@pytest.mark.parametrize("language", ["en", "pl"])
def test_divergence_blames_a_nan_validation_loss_beside_a_calm_training_loss_on_the_validation(
    language: str,
) -> None:
    """Sweep s46, finding 9: training loss 0.10 and calm, val_loss NaN at epoch 35, and the
    detector that stops said "a NaN in the data, or a 0/0 or log(0) in the loss ... if both are
    fine, lower the learning rate or clip the gradients" (GL, PQ, UP, Patience and Gap blame the
    validation data or its code)."""
    i18n.set_language(language)
    mon = Monitor(display=False)  # the classroom set: Divergence says it, and stops
    for epoch in range(1, 36):
        train = 0.1 + math.exp(-epoch / 6)
        for batch in (1.1, 0.9, 1.0):  # the training loss logged per batch, then validation
            mon.log(epoch=epoch, loss=train * batch)
        mon.log(epoch=epoch, val_loss=math.nan if epoch == 35 else train * 1.2)
    (event,) = mon.events
    assert (event.detector, event.epoch) == ("Divergence(factor=100)", 35) and mon.should_stop
    assert event.message_id == "divergence.validation_not_finite"
    words = {
        "en": "so the weights have most likely not diverged: the validation data (NaN in",
        "pl": "więc wagi najpewniej się nie rozbiegły: przyczyną są raczej dane walidacyjne (NaN w",
    }
    assert words[language] in event.message and "0.1029" in event.message.replace(",", ".")
    assert "learning rate" not in event.message and "współczynnik" not in event.message


@pytest.mark.parametrize(("bad", "word"), [(math.inf, "inf"), (math.nan, "NaN")])
def test_divergence_names_the_validation_value_it_blames_as_it_is(bad: float, word: str) -> None:
    """Review s46, finding 7: an infinite validation loss was blamed on "a NaN in its inputs";
    a calm training mean makes diverged weights unlikely, not impossible (BatchNorm)."""
    d = Divergence()
    for epoch in range(1, 6):
        d.update(epoch, loss=1.0 / epoch, val_loss=bad if epoch == 5 else 1.2 / epoch)
    (event,) = d.events
    assert event.message_id == "divergence.validation_not_finite"
    assert f"validation loss became {word} at step 5" in event.message
    assert f"({word} in its inputs" in event.message
    assert "most likely not diverged" in event.message


@pytest.mark.parametrize(
    ("train", "said"),
    [
        ([1.0, 0.5, 0.3, 0.25, 0.2], "validation_not_finite"),  # calm: its low
        ([1.0, 0.5, 0.3, 0.25, math.nan], "nonfinite"),  # both NaN: training too
        ([1.0, 0.5, 0.3, 0.25, 6.0], "nonfinite"),  # training climbed away from its low
        ([1.0, 0.5, 0.3, 0.25, None], "nonfinite"),  # no training value with it: either
    ],
)
def test_divergence_blames_the_validation_only_while_training_is_calm_beside_it(
    train: list[float | None], said: str
) -> None:
    d = Divergence()
    for epoch, value in enumerate(train, 1):
        logged = {} if value is None else {"loss": value}
        d.update(epoch, **logged, val_loss=math.nan if epoch == 5 else 1.2 * 0.9**epoch)
    assert [(e.epoch, e.message_id) for e in d.events] == [(5, f"divergence.{said}")]


@pytest.mark.parametrize("make", [GL, PQ, UP], ids=["GL", "PQ", "UP"])
def test_a_nan_validation_loss_after_the_training_loss_blew_up_is_divergence(
    make: type[GL | PQ | UP],
) -> None:
    """Regression review s42: a training loss of 60 after a low of 0.44, finite still, was
    read as "the weights have not diverged"."""
    name = make.__name__.lower()
    runs = [  # (training, validation, what is said at the NaN)
        ([1.0, 0.6, 0.5, 0.45, 0.44, 6.0, 60.0], [0.9, 0.6, 0.55, 0.5, 0.5, 0.52], "nonfinite"),
        ([-0.5, -1.5, -2.5, -3.0, 5000.0], [-0.4, -1.4, -2.0, -2.2], "nonfinite"),  # an NLL
        # climbing 18-fold, back above where it started, or an NLL from -3 to 20 (third review)
        ([1.0, 0.6, 0.5, 0.45, 0.44, 2.0, 8.0], [0.9, 0.6, 0.55, 0.5, 0.5, 0.9], "nonfinite"),
        ([2.3, 0.3, 0.9, 2.9], [2.2, 0.4, 0.5], "nonfinite"),
        ([-0.5, -1.5, -3.0, 20.0], [-0.4, -1.4, -2.0], "nonfinite"),
        ([2.3, 0.5, 0.0, 2.0], [2.2, 0.6, 0.3], "nonfinite"),  # up from a low of exactly 0
        ([-1000.0, -1000.5, -1001.0, 900.0], [-999.0, -999.5, -999.8], "nonfinite"),  # offset
        # a slow climb to 10 times the low, a jump that levels off at 100 times it (fifth review)
        (
            [2.3, 1.0, 0.5, 0.3, 0.2, 0.28, 0.39, 0.55, 0.77, 1.08, 1.5, 2.1],
            [0.7] * 11,
            "nonfinite",
        ),
        ([10.0, 2.0, 0.5, 0.4, 0.4, 4.0, 40.0, 45.0, 43.0, 44.0, 42.0], [0.7] * 10, "nonfinite"),
        # back above where it started, an NLL most of the way back to its start (sixth review)
        ([2.3, 1.5, 1.1, 0.9, 0.85, 1.4, 2.5], [2.0, 1.4, 1.1, 0.95, 0.9, 1.3], "nonfinite"),
        ([5.0, -2.0, -5.0, -7.0, -8.0, 0.5], [4.0, -1.0, -4.0, -6.0, -7.0], "nonfinite"),
        # memorised near 0 after a small first value, 0 throughout but for float noise
        (
            [0.05, 0.01, 0.003, 0.001, 0.0012, 0.004],
            [0.3, 0.28, 0.27, 0.26, 0.27],
            "validation_not_finite",
        ),
        ([0.0, 0.0, 0.0, 0.0, 1e-7], [0.3, 0.29, 0.28, 0.28], "validation_not_finite"),
        # a loss at exactly 0 that reads 1e-6, an NLL flat at -10 that reads -9.9
        (
            [2.3, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-6],
            [2.0, 0.9] + [0.8] * 5,
            "validation_not_finite",
        ),
        (
            [-1.0, -5.0, -10.0, -10.0, -10.0, -10.0, -10.0, -9.9],
            [-1.0, -4.0] + [-9.0] * 5,
            "validation_not_finite",
        ),
        # a fine-tuning loss wobbling from 0.03 to 0.07, a noisy plateau after a lucky low, a
        # loss memorised to 0.002 that reads 0.005 (second and fourth reviews)
        ([0.03, 0.035, 0.033, 0.07], [0.2, 0.21, 0.2], "validation_not_finite"),
        (
            [2.3, 0.6, 0.2, 0.09, 0.25, 0.18, 0.22],
            [2.2, 0.7, 0.4, 0.35, 0.33, 0.34],
            "validation_not_finite",
        ),
        (
            [0.15, 0.12, 0.08, 0.14, 0.11, 0.19],
            [0.3, 0.25, 0.22, 0.24, 0.23],
            "validation_not_finite",
        ),
        ([2.3, 0.9, 0.1, 0.01, 0.002, 0.005], [2.2, 1.0, 0.5, 0.45, 0.46], "validation_not_finite"),
    ]
    for train, val, said in runs:
        det = make()
        for epoch, (t, v) in enumerate(zip(train, [*val, math.nan], strict=True), 1):
            det.update(epoch, loss=t, val_loss=v)
        at_nan = [e.message_id for e in det.events if e.epoch == len(train)]
        # GL may hold from a warning before (the rise to 0.9): then it says nothing new
        assert at_nan == [f"{name}.{said}"] or (make is GL and not at_nan), train


def test_a_monitor_with_gl_alone_stops_at_a_nan_validation_loss() -> None:
    mon = Monitor(detectors=[GL(5)], display=False)
    for epoch in range(1, 41):
        mon.log(epoch, loss=0.9 / epoch, val_loss=1.0 / epoch if epoch < 20 else math.nan)
    assert mon.should_stop
    assert [(e.epoch, e.message_id) for e in mon.events] == [(20, "gl.validation_not_finite")]
    assert mon.events[0].kind == "divergence"  # not "overfitting": the marker says what it is


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_divergence_two_detectors_see_at_once_is_told_once(bad: float) -> None:
    # the classroom set: Divergence and GL both see the NaN; the student reads it once
    mon = Monitor(detectors=detectors.classroom(), display=False)
    for epoch in range(1, 31):
        mon.log(epoch, loss=0.9 / epoch, val_loss=1.0 / epoch if epoch < 20 else bad)
    assert [(e.epoch, e.kind) for e in mon.events] == [(20, "divergence")]
    assert mon.should_stop


@pytest.mark.parametrize("gl_first", [True, False])
def test_a_nan_gl_and_divergence_both_see_gets_divergences_explanation_in_any_order(
    gl_first: bool,
) -> None:
    """Sweep 24B, finding 3b: with [GL(5), Divergence()] a NaN batch got GL's "diverged, try a
    smaller learning rate" and Divergence's "check the data for NaN first" was dropped."""
    pair: list[detectors.Detector] = [GL(5), Divergence()] if gl_first else [Divergence(), GL(5)]
    mon = Monitor(detectors=pair, display=False)
    for epoch in range(1, 32):
        train = math.nan if epoch == 30 else math.exp(-epoch / 20) + 0.1  # a NaN batch
        mon.log(epoch, loss=train, val_loss=train + 0.05)
    (event,) = mon.events
    assert event.detector.startswith("Divergence") and event.epoch == 30
    assert "Check the data for NaN first" in event.message
    assert mon.stop_event is event


def test_nan_counts_as_no_improvement() -> None:
    assert first_event(Patience(2), None, [1.0, math.nan, math.nan]) == 3


def test_minus_infinity_is_never_a_best_and_gl_still_fires_after_it() -> None:
    gl = GL(5)
    assert first_event(gl, None, [1.0, -math.inf, 1.0, 100.0]) == 4
    assert gl.best == 1.0 and gl.best_epoch == 1 and gl.value == pytest.approx(9900)


@pytest.mark.parametrize(("mode", "bad"), [("min", -math.inf), ("max", math.inf)])
def test_an_infinity_counts_as_no_improvement(mode: str, bad: float) -> None:
    p = Patience(2, mode=mode)  # type: ignore[arg-type]
    assert first_event(p, None, [1.0, bad, bad]) == 3
    assert p.best == 1.0


def test_divergence_flags_nan_inf_threshold_and_growth() -> None:
    assert Divergence().update(1, loss=math.inf).message_id == "divergence.nonfinite"  # type: ignore[union-attr]
    assert Divergence(10).update(1, loss=11.0).message_id == "divergence.threshold"  # type: ignore[union-attr]
    d = Divergence(factor=5)
    assert d.update(1, loss=2.0) is None
    event = d.update(2, loss=10.5)
    assert event is not None and event.message_id == "divergence.factor"
    assert "5 times its first value" in event.message
    assert Divergence().update(1, val_loss=math.nan) is not None


def test_divergence_names_the_growth_it_saw_not_a_rounded_one() -> None:
    d = Divergence(factor=1.5)
    assert d.update(1, loss=1.0) is None
    event = d.update(2, loss=1.6)
    assert event is not None and "1.6 times its first value (1)" in event.message
    big = Divergence(factor=10)
    big.update(1, loss=0.001)
    assert "2,500 times" in big.update(2, loss=2.5).message  # type: ignore[union-attr]
    hundreds = Divergence()
    hundreds.update(1, loss=0.9)
    # 136 times, not rounded to "140" (two digits are kept only from 1,000 on)
    assert "136 times its first value" in hundreds.update(2, loss=122.6).message  # type: ignore[union-attr]
    almost = Divergence()
    almost.update(1, loss=0.5)
    assert "1,000 times its first value" in almost.update(2, loss=499.8).message  # type: ignore[union-attr]


# the lab's 3 x 256 network at Adam lr = 10 (sweep s31, finding 2): the loss bounces between 0
# and 1e7 for the whole run, back under the line now and then (23 identical events before)
BOUNCING = [
    1.09, 1.14e9, 1.51e10, 2.08e10, 2.83e9, 2.03e6, 3.08e7, 6.34e7, 2.31e7, 2.04e7, 0.0,
    1.22e7, 5.48e5, 2.63e7, 1.1e7, 0.0, 5.48e6, 5.8e5, 0.0, 5.73e6, 6.03e6,
    0.0, 1.11e7, 4.48e5, 0.0, 1.61e6, 1.49e6, 0.0, 0.0, 0.0, 0.0, 1.12e6, 0.0, 0.0, 0.0,
    172.0, 147.0, 4.98e5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.92e5, 0.0, 3.08e6,
]  # fmt: skip


def test_divergence_says_a_loss_that_keeps_bouncing_over_the_line_once() -> None:
    d = Divergence(stop=False)
    events = [d.update(epoch, loss=value) for epoch, value in enumerate(BOUNCING, 1)]
    assert [e.epoch for e in events if e is not None] == [2]
    assert d.active  # the last value is over the line: the condition holds


@pytest.mark.parametrize(("normal", "said"), [(9, [2]), (10, [2, 13])])
def test_divergence_speaks_again_only_after_ten_epochs_back_to_normal(
    normal: int, said: list[int]
) -> None:
    d = Divergence()
    for epoch, value in enumerate([1.0, 500.0, *[1.5] * normal, 600.0], 1):
        d.update(epoch, loss=value)
    assert [e.epoch for e in d.events] == said
    near = Divergence()  # just under the line, and over it again every few epochs: one
    for epoch, value in enumerate([1.0, 500.0, *([90.0] * 8 + [120.0]) * 4, 600.0], 1):
        near.update(epoch, loss=value)
    assert [e.epoch for e in near.events] == [2]


@pytest.mark.parametrize("settled", [3.0, 50.0])
def test_divergence_is_back_to_normal_under_the_line_that_fired(settled: float) -> None:
    """Back to normal is judged against the line it watches (100 times the first value), not
    twice the first value: a loss that settles at 3 times its first value for 30 epochs and
    then blows up to a million is a new blow-up (sweep s31 regression, finding 2)."""
    d = Divergence()
    for epoch, value in enumerate([1.0, 500.0, *[settled] * 30, 1e6, settled], 1):
        d.update(epoch, loss=value)
    assert [(e.epoch, e.message_id) for e in d.events] == [
        (2, "divergence.factor"),
        (33, "divergence.factor"),
    ]
    assert "1 million times its first value (1)" in d.events[-1].message
    over = Divergence(threshold=1e3, factor=None)  # the threshold alone: under it is normal
    for epoch, value in enumerate([1.0, 5e3, *[800.0] * 10, 2e3], 1):
        over.update(epoch, loss=value)
    assert [e.epoch for e in over.events] == [2, 13]


def test_divergence_counts_the_way_back_to_normal_in_epochs_not_batches() -> None:
    d = Divergence()
    batches = [(1, 1.0), (2, 500.0), *[(2, 0.9)] * 3, *[(3, 0.9)] * 12, (3, 700.0)]
    for step, (epoch, value) in enumerate(batches, 1):
        d.feed(float(step), {"loss": value}, epoch=epoch)
    assert [e.epoch for e in d.events] == [2]
    d.resume()  # a new fit: a blow-up in it is said
    assert d.feed(18.0, {"loss": 800.0}, epoch=4) is not None


@pytest.mark.parametrize(
    ("first", "then", "words", "pl_words"),
    [
        (1.081e16, 1.117e36, "1.0e20 times its first value", "1,0e20 razy więcej"),
        (0.5, 3e25, "6.0e25 times its first value", "6,0e25 razy więcej"),
        (2.0, 1e6, "500,000 times its first value", "500\u00a0000 razy więcej"),
        (1.0, 3e7, "30 million times its first value", "30 mln razy więcej"),
    ],
)
def test_divergence_writes_a_huge_growth_factor_as_the_other_explanations_do(
    first: float, then: float, words: str, pl_words: str
) -> None:
    """Sweep s26/3, finding 2: "103330249768732655616 times its first value", every digit of a
    loss that blew up to 1e36 (the other explanations say "about 83 times", "1.5e17")."""
    for language, expected in (("en", words), ("pl", pl_words)):
        i18n.set_language(language)
        d = Divergence()
        d.update(1, loss=first)
        event = d.update(2, loss=then)
        assert event is not None and expected in event.message, event.message
        assert re.search(r"\d{7}", event.message) is None  # no long run of digits


@pytest.mark.parametrize("factor", [0.5, 1, 1.0, -2])
def test_divergence_refuses_a_factor_that_is_no_growth_when_made(factor: float) -> None:
    # sweep 22a F1: factor=0.5 (read as "a 50% move") was taken, and fired on the first value
    # of a healthy run with "training is blowing up"
    with pytest.raises(NNGraphError) as caught:
        Divergence(factor=factor)
    text = str(caught.value)
    assert text.startswith(f"Divergence factor must be above 1, got {factor!r}")
    assert "how many times its first value the loss must reach" in text and "e.g. 100" in text
    assert Divergence(factor=1.01).factor == 1.01


def test_gap_needs_patience_in_a_row() -> None:
    g = Gap(0.5, patience=2)
    curve = [(1.0, 1.6), (1.0, 1.0), (1.0, 1.6), (1.0, 1.6)]
    assert first_event(g, [c[0] for c in curve], [c[1] for c in curve]) == 4
    assert not g.stop


def test_gap_absolute_for_accuracy() -> None:
    g = Gap(0.1, patience=1, relative=False, mode="max", metric="val_acc")
    assert g.train_metric == "acc"
    assert g.update(1, acc=0.95, val_acc=0.9) is None
    assert g.update(2, acc=1.0, val_acc=0.8) is not None


@pytest.mark.parametrize(
    "make",
    [
        lambda: GL(-1),
        lambda: PQ(0.5, 0),
        lambda: UP(0, 5),
        lambda: Patience(-1),
        lambda: Patience(3, min_delta=-0.1),
        lambda: Patience(3, mode="up"),  # type: ignore[arg-type]
        lambda: Gap(0.5, patience=0),
        lambda: Divergence(factor=0),
        lambda: Divergence(threshold="10"),  # type: ignore[arg-type]
        lambda: Divergence(threshold=math.nan),
        lambda: Divergence(metrics=()),
        lambda: Divergence(metrics=[1, 2]),  # type: ignore[list-item]
        lambda: Divergence(metrics=5),  # type: ignore[arg-type]
        lambda: GL(True),
        lambda: PQ(0.5, True),
        lambda: UP(True, 1),
        lambda: Patience(True),
        lambda: Gap(False),
        lambda: Divergence(threshold=True),
    ],
)
def test_bad_parameters_are_clear_errors(make: object) -> None:
    with pytest.raises(NNGraphError):
        make()  # type: ignore[operator]


def test_numpy_numbers_are_accepted_as_parameters() -> None:
    p = Patience(np.int64(5), np.float32(0.5))  # type: ignore[arg-type]
    assert p.patience == 5 and type(p.patience) is int and p.name == "Patience(5, min_delta=0.5)"
    up = UP(np.int64(2), np.int32(1))  # type: ignore[arg-type]
    assert (up.s, up.k) == (2, 1) and up.name == "UP(2, 1)"
    assert GL(np.float32(5)).name == "GL(5)" and PQ(0.5, np.uint8(3)).k == 3  # type: ignore[arg-type]


def test_an_integer_tensor_is_a_whole_number_as_a_numpy_integer_is() -> None:
    """They said "must be a whole number (0, 1, 2, ...), got tensor(5)"."""
    five: Any = torch.tensor(5)
    assert Patience(five).patience == 5 and type(Patience(five).patience) is int
    assert detectors.classroom(patience=five)[-1].name == "Patience(5)"
    up = UP(torch.tensor(2), torch.tensor([3], dtype=torch.int32))  # type: ignore[arg-type]
    assert (up.s, up.k, up.name) == (2, 3, "UP(2, 3)")
    assert PQ(0.5, torch.tensor(4, dtype=torch.uint8)).k == 4  # type: ignore[arg-type]
    assert Gap(patience=five).patience == 5 and Patience(np.array(5)).patience == 5  # type: ignore[arg-type]
    mon = Monitor(display=False, max_points=torch.tensor(5000))  # type: ignore[arg-type]
    assert mon.max_points == 5000 and type(mon.max_points) is int
    mon.log(1, loss=0.5)
    assert mon.snapshot(torch.tensor(10))["metrics"]["loss"]["value"] == [0.5]  # type: ignore[arg-type]
    # a float, bool, negative or longer tensor is no whole number, as 5.0 and True are not
    for bad in (torch.tensor(5.0), torch.tensor(True), torch.tensor(-1), torch.tensor([5, 6])):
        with pytest.raises(NNGraphError, match="patience must be a whole number"):
            Patience(bad)  # type: ignore[arg-type]


def test_a_number_tensor_or_a_decimal_is_a_number_for_every_parameter() -> None:
    """GL(torch.tensor(5)) and Patience(min_delta=Decimal("0.01")) said "must be a number"
    while Patience(torch.tensor(5)) and log(loss=Decimal(...)) were taken."""
    assert GL(torch.tensor(5)).name == GL(torch.tensor(5.0)).name == "GL(5)"  # type: ignore[arg-type]
    assert Divergence(factor=torch.tensor(100)).name == "Divergence(factor=100)"  # type: ignore[arg-type]
    assert Patience(5, min_delta=Decimal("0.01")).min_delta == 0.01  # type: ignore[arg-type]
    assert Gap(threshold=np.array([0.2])).threshold == 0.2  # type: ignore[arg-type]
    for bad in (torch.tensor(True), torch.tensor([1.0, 2.0]), torch.tensor(1j)):
        with pytest.raises(NNGraphError, match="GL alpha must be a number"):
            GL(bad)  # type: ignore[arg-type]


def test_a_detector_takes_the_step_by_name_too() -> None:
    p = Patience(1)
    assert p.update(epoch=5, val_loss=1.0) is None
    event = p.update(step=9, val_loss=1.5)
    assert event is not None and event.step == 9


@pytest.mark.parametrize("language", ["en", "pl"])
def test_patience_that_is_not_a_whole_number_says_so(language: str) -> None:
    from nngraph import i18n

    i18n.set_language(language)
    try:
        with pytest.raises(NNGraphError) as caught:
            Patience(2.5)  # type: ignore[arg-type]
    finally:
        i18n.set_language("en")
    assert ("whole number" if language == "en" else "liczbą całkowitą") in str(caught.value)
    assert "zero or more" not in str(caught.value) and "zerem" not in str(caught.value)


def test_a_float_holding_a_whole_number_is_a_whole_number() -> None:
    """Sweep s42 (helper mon): `PQ(0.5, 5.0)` was refused as "k must be a positive whole
    number, got 5.0", a message that contradicts itself."""
    assert [d.name for d in (Patience(5.0), PQ(0.5, 5.0), UP(2.0, np.float64(5)))] == [  # type: ignore[arg-type]
        "Patience(5)",
        "PQ(0.5, 5)",
        "UP(2, 5)",
    ]
    assert Patience(5.0).patience == 5 and type(Patience(5.0).patience) is int  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: GL("5"), "GL alpha must be a number, got the text '5': write 5, without quotes"),
        (lambda: Patience("10"), "must be a number, got the text '10': write 10, without"),
        (lambda: PQ(0.5, k="5"), "must be a number, got the text '5'"),
        (lambda: GL("five"), r"GL alpha must be a number, got 'five' \(str\)"),
        (lambda: Patience("ten"), r"must be a whole number \(0, 1, 2, ...\), got 'ten'"),
        (lambda: GL([5]), r"GL alpha must be a number, got \[5\] \(list\)"),
        (lambda: GL(-1), "GL alpha must be zero or more, got -1"),  # a number: its range
    ],
)
def test_a_parameter_that_is_no_number_is_said_to_be_no_number(make: Any, says: str) -> None:
    """Sweep 19c §11: GL("5") said "GL alpha must be zero or more, got '5'"."""
    with pytest.raises(NNGraphError, match=says):
        make()


def test_a_number_written_as_text_is_said_in_polish_too() -> None:
    from nngraph import i18n

    i18n.set_language("pl")
    try:
        with pytest.raises(NNGraphError, match="musi być liczbą, otrzymano tekst '5'"):
            GL("5")
    finally:
        i18n.set_language("en")


def test_divergence_takes_one_metric_name_as_a_string() -> None:
    d = Divergence(metrics="val_loss")
    assert d.metrics == ("val_loss",)
    assert repr(d) == "Divergence(factor=100, metrics=('val_loss',))"  # factor: its default
    assert d.update(1, loss=math.nan) is None
    assert d.update(2, val_loss=math.nan) is not None


def test_divergence_takes_metric_as_every_other_detector_does() -> None:
    """Sweep 20c, finding 14: Divergence(metric='val_acc') was a raw TypeError (it takes
    metrics=, every other detector metric=)."""
    d = Divergence(metric="val_loss", factor=10)
    assert d.metrics == ("val_loss",) and d == Divergence(metrics="val_loss", factor=10)
    assert d.update(1, loss=1e9, val_loss=1.0) is None  # the training loss is not watched
    assert d.update(2, val_loss=20.0) is not None
    with pytest.raises(NNGraphError, match=r"'val_acc' is higher is better") as caught:
        Divergence(metric="val_acc")  # refused as metrics='val_acc' is: an accuracy
    # in the words the user wrote, not metrics= (sweep s32)
    assert "Leave metric= out" in str(caught.value) and "metrics=" not in str(caught.value)
    with pytest.raises(NNGraphError, match=r"Leave metrics= out .* metrics='val_loss'"):
        Divergence(metrics=("val_acc",))
    with pytest.raises(NNGraphError, match=r"metric='val_loss' or metrics=\(\.\.\.\), not both"):
        Divergence(metric="val_loss", metrics=("loss",))
    with pytest.raises(NNGraphError, match="metric must be a metric's name"):
        Divergence(metric="")


def test_unknown_metric_type_is_a_clear_error() -> None:
    with pytest.raises(NNGraphError, match="not a number"):
        GL(5).update(1, val_loss="low")


# ----------------------------------------------------------------------------- one run's own detectors


def test_two_monitors_given_one_list_do_not_share_their_detectors() -> None:
    shared = [Patience(3)]
    good = Monitor(detectors=shared, display=False)
    bad = Monitor(detectors=shared, display=False)
    for t in range(1, 11):
        good.log(t, val_loss=1.0 / t)  # improves every epoch
        bad.log(t, val_loss=1.0 + t)  # worse every epoch after the first
    assert bad.stop_event is not None and bad.stop_event.epoch == 4
    assert not good.should_stop and good.detectors[0] is not bad.detectors[0]


def test_a_monitor_leaves_the_users_detector_untouched() -> None:
    mine = Patience(1)
    mine.update(1, val_loss=1.0)
    mon = Monitor(detectors=mine, display=False)
    for t, v in enumerate([1.0, 2.0, 3.0], 1):
        mon.log(t, val_loss=v)
    assert mon.should_stop and mon.detectors == [mine] and mon.detectors[0] is not mine
    assert (mine.epoch, mine.best, mine.fired) == (1, 1.0, False)  # as the user left it


def test_detectors_are_equal_by_rule_and_parameters_not_by_state() -> None:
    seen = Patience(3)
    seen.update(1, val_loss=1.0)
    assert seen == Patience(3) and seen != Patience(4) and seen != Patience(3, metric="val_mse")
    assert GL(5) != PQ(5, 2) and Gap(0.5, patience=2) != Gap(0.5, patience=3)
    assert Divergence(factor=5) == Divergence(factor=5) != Divergence(factor=6)


def test_a_detector_that_fires_again_and_again_keeps_a_bounded_list_of_events() -> None:
    """``det.events`` grew without limit on a long noisy run (sweep R): it keeps the first
    10,000, as the monitor does."""
    up = UP(1, 1)
    for t in range(1, 20_004):
        up.update(t, val_loss=1.0 + t % 2)  # up, down, up, ...: an event at every rise
    assert len(up.events) == 10_000 and up.events[0].epoch == 3


# ----------------------------------------------------------------------------- per-batch logging


def test_batches_do_not_advance_validation_detectors() -> None:
    """Four batches per epoch: strips count epochs, the training error is the epoch mean."""
    pq_batches, pq_epochs = PQ(0.5, 2), PQ(0.5, 2)
    tr, va = overfitting_curve(40, seed=3)
    step = 0
    first_b = first_e = None
    for t in range(1, 41):
        for _ in range(4):
            step += 1
            pq_batches.update(step, loss=tr[t - 1])  # same value each batch: mean == value
        if pq_batches.update(step, val_loss=va[t - 1]) and first_b is None:
            first_b = t
        if pq_epochs.update(t, loss=tr[t - 1], val_loss=va[t - 1]) and first_e is None:
            first_e = t
    assert pq_batches.epoch == 40
    assert first_b == first_e == ref_first_pq(tr, va, 0.5, 2)


# ----------------------------------------------------------------------------- classroom default


def test_the_classroom_default_warns_then_stops_on_the_lectures_curve() -> None:
    tr, va = overfitting_curve(80, turn=20, seed=1)
    mon = Monitor(display=False)
    stopped_at = None
    for t in range(1, 81):
        mon.log(t, loss=tr[t - 1], val_loss=va[t - 1])
        if mon.should_stop and stopped_at is None:
            stopped_at = t
    kinds = [e.detector for e in mon.events]
    assert kinds[0] == "GL(5)" and not mon.events[0].stop
    assert "memorise" in mon.events[0].message
    assert mon.stop_event is not None and mon.stop_event.detector == "Patience(20)"
    assert mon.best is not None and stopped_at == mon.best.epoch + 20
    assert [d.name for d in detectors.classroom()] == [
        "Divergence(factor=100)",
        "GL(5)",
        "Patience(20)",
    ]


@pytest.mark.parametrize("bad", [[], 5, "", " ", "val_", ("val_loss",), None], ids=repr)
def test_the_classroom_set_refuses_a_metric_that_is_not_a_name(bad: object) -> None:
    """It named `metrics` and showed nngraph's own loss names, or raised a bare TypeError for a
    list (sweep O, bug 2); now it says what Monitor(metric=...) says, with the value given."""
    with pytest.raises(NNGraphError) as caught:
        detectors.classroom(bad)  # type: ignore[arg-type]
    said = str(caught.value)
    assert said.startswith("metric must be the name of a logged metric")
    assert said.endswith(f"got {bad!r}") and "train/loss" not in said


def test_a_run_that_is_never_finite_says_so_instead_of_a_best_of_inf() -> None:
    det = Patience(2)
    events = [det.update(t, val_loss=math.nan) for t in (1, 2)]
    assert events[0] is None and events[1] is not None
    assert "no finite value for 2 epochs" in events[1].message
    assert "inf" not in events[1].message


def test_gl_names_a_diverged_value_in_words_not_as_an_infinite_percentage() -> None:
    gl = GL(5)
    gl.update(1, val_loss=0.5)
    event = gl.update(2, val_loss=math.inf)
    assert event is not None
    assert "inf%" not in event.message and "not a finite number" in event.message
    assert "0.5 at epoch 1" in event.message


def test_gl_and_pq_explain_a_rise_from_a_best_of_zero_with_the_numbers() -> None:
    mon = Monitor(metric="val_error", display=False)  # Iris: no validation point wrong at epoch 4
    for epoch, err in enumerate([0.2, 0.1, 0.0333, 0.0, 0.0, 0.0333], 1):
        mon.log(epoch, error=err / 2, val_error=err)
    (gl,) = [e for e in mon.events if e.detector.startswith("GL")]
    assert gl.epoch == 6 and "inf" not in gl.message
    assert "rose from its best of 0 (epoch 4) to 0.0333" in gl.message
    pq = PQ(0.5, 2)  # a float32 loss that underflows to exactly 0.0
    for epoch, (tr, va) in enumerate([(0.3, 0.2), (0.1, 0.0), (0.05, 0.01), (0.01, 0.02)], 1):
        event = pq.update(epoch, loss=tr, val_loss=va)
    assert event is not None and "inf" not in event.message and "e+" not in event.message
    assert "rose from its best of 0 to 0.02" in event.message and "2000‰" in event.message


def test_pq_gives_per_mille_and_quotient_as_plain_numbers() -> None:
    pq = PQ(0.5, 3)  # training progress 1000‰, generalization loss 550%
    # (validation rises over two epochs: 1 -> 6.5 in one evaluation is a jump, sweep 20c)
    for epoch, (train, val) in enumerate([(4.0, 1.0), (1.0, 4.0), (1.0, 6.5)], 1):
        event = pq.update(epoch, loss=train, val_loss=val)
    assert event is not None and event.values["progress"] == pytest.approx(1000)
    assert (
        "made only 1000‰ of progress over the last 3 epochs" in event.message
        and "(quotient 0.55 > 0.5)" in event.message
    )


def test_the_detectors_import_as_the_docs_write_them() -> None:
    from nngraph.detectors import GL as documented  # ng.detectors.GL, as README and DESIGN say

    assert documented is GL


def test_patience_calls_what_it_sees_a_plateau_not_overfitting() -> None:
    never_learns = Monitor(display=False)  # demo 04's bug: the loss stays at ln 2
    for epoch in range(1, 31):
        never_learns.log(epoch, loss=0.6931, val_loss=0.6931)
    assert [(e.detector, e.kind) for e in never_learns.events] == [("Patience(20)", "plateau")]


def test_gl_on_the_training_loss_says_training_is_unstable_not_memorising() -> None:
    mon = Monitor(metric="loss", display=False)  # no validation set: GL watches the loss
    for epoch, loss in enumerate([1.0, 0.5, 0.4, 0.6], 1):
        mon.log(epoch=epoch, loss=loss)
    (event,) = [e for e in mon.events if e.detector.startswith("GL")]
    assert "unstable" in event.message and "memorise" not in event.message
    assert "data it does not train on" not in event.message


def test_patience_says_when_nothing_beat_the_first_value() -> None:
    """The best at epoch 1 and 20 worse ones after it: 'more training is unlikely to help'
    said nothing of a model that never learned (zero_grad() before step(), sweep S). Patience
    sees no training loss: it says both readings (one that learns from the start and
    overfits, as the regression review's tiny dataset did, and one that does not learn)."""
    flat = Patience(20)
    events = [flat.update(e, val_loss=1.0 + e / 100) for e in range(1, 22)]
    assert events[-1] is not None and events[-1].message_id == "patience.never_improved"
    assert "never improved on its first value" in events[-1].message
    assert "does not generalise" in events[-1].message and "not learning" in events[-1].message
    learned = Patience(20)
    events = [learned.update(e, val_loss=abs(e - 3) + 1.0) for e in range(1, 24)]
    assert events[-1] is not None and events[-1].message_id == "patience.fire"
    quick = Patience(2)  # two worse values after the first say too little
    events = [quick.update(e, val_loss=1.0 + e) for e in range(1, 4)]
    assert events[-1] is not None and events[-1].message_id == "patience.fire"


def test_gl_does_not_say_the_same_percentage_again_for_a_new_high_by_a_hair() -> None:
    """Sweep s41 (teach, finding 6): demo 07's Iris run was told "5.3% above its best" at
    epoch 91 and again, in the same words, at epoch 95, a new high by 0.002%."""
    mon = Monitor(detectors=[detectors.GL(5, stop=False)], display=False)
    val = [1.0, 1.053, 1.049, 1.05302, 1.061]
    for epoch, v in enumerate(val, start=1):
        mon.log(epoch, loss=0.5 / epoch, val_loss=v)
    said = [(e.epoch, e.message.split(" (")[0]) for e in mon.events]
    assert said == [
        (2, "validation loss is 5.3% above its best"),
        (5, "validation loss is 6.1% above its best"),
    ]


@pytest.mark.parametrize(
    ("train", "val", "relative", "threshold"), [(0.8, 0.72, True, 0.1), (0.9, 0.85, False, 0.05)]
)
def test_gap_exactly_at_its_threshold_is_not_more_than_it(
    train: float, val: float, relative: bool, threshold: float
) -> None:
    """Sweep s41 (curves, finding 3): accuracies of 0.8 and 0.72 were said to be "more than 10%
    apart": their quotient in floats is 0.10000000000000009."""
    gap = detectors.Gap(threshold=threshold, relative=relative, patience=1, metric="val_acc")
    mon = Monitor(detectors=[gap], metric="val_acc", display=False)
    mon.log(1, acc=train, val_acc=val)
    assert mon.events == []
    mon.log(2, acc=train, val_acc=val - 0.01)  # a real gap above the threshold is still said
    assert [e.epoch for e in mon.events] == [2]


def test_patience_and_gap_read_a_nan_validation_loss_as_gl_pq_and_up_do() -> None:
    """Beside a training loss that climbed 18-fold, Patience and Gap said "the weights have not
    diverged", while GL, PQ and UP said divergence; beside a calm one all blame the data."""
    for train, words in [
        ([1.0, 0.6, 0.5, 0.45, 0.44, 2.0, 8.0], "diverged"),
        ([1.0, 0.6, 0.5, 0.45, 0.44, 0.43, 0.42], "have not diverged"),
    ]:
        val = [0.9, 0.6, 0.55, 0.5, 0.51, 0.52, math.nan]  # Patience(3) stops at the NaN
        for det in (Patience(3), Gap()):
            for epoch, (t, v) in enumerate(zip(train, val, strict=True), 1):
                det.update(epoch, loss=t, val_loss=v)
            (said,) = [e.message for e in det.events if e.epoch == 7]
            assert words in said and ("not diverged" in said) == ("not" in words), said


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_nan_validation_loss_with_no_training_value_beside_it_is_not_read_either_way(
    language: str,
) -> None:
    """Review s42 (left alone): with no training loss logged at the NaN evaluation, GL, PQ and
    UP said "training has diverged" while Patience quoted an earlier training value as "still a
    finite number". Neither is known: all four say so, and what each answer would mean."""
    i18n.set_language(language)
    words = {"en": "was not logged with it", "pl": "nie została zapisana razem z nią"}
    for det in (GL(), PQ(), UP(), Patience(3)):
        for epoch in range(1, 8):
            det.update(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
        for epoch in range(8, 11):
            det.update(epoch, val_loss=math.nan)  # the training loss is logged no more
        (said,) = det.events
        assert said.kind == "divergence" and words[language] in said.message, said.message
    gl = GL()  # a run that never logs a training loss: a NaN still reads as divergence
    for epoch, value in enumerate([0.5, 0.4, math.nan], 1):
        gl.update(epoch, val_loss=value)
    assert [e.message_id for e in gl.events] == ["gl.nonfinite"]


#: The first epochs of a real run (sweep s43, curves 5): a tanh net with a small initialisation
#: on a saddle at ln 2, which it left at about epoch 115 (validation loss 0.26 at epoch 142).
SADDLE_TRAIN = [0.6931474, 0.6931374, 0.6931348, 0.6931341, 0.6931338, 0.6931337, 0.6931336]
SADDLE_TRAIN += [0.6931335, 0.6931334, 0.6931333]
SADDLE_VAL = [0.6932178, 0.6932575, 0.6932779, 0.6932883, 0.6932933, 0.6932958, 0.6932971]
SADDLE_VAL += [0.6932977, 0.6932979, 0.693298]


def _chance_plateau(det: GL | PQ | UP, scale: float) -> None:
    for epoch, (train, val) in enumerate(zip(SADDLE_TRAIN, SADDLE_VAL, strict=True), 1):
        det.update(epoch, loss=scale * train, val_loss=scale * val)


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize("make", [lambda: GL(0.01), PQ, lambda: UP(2, 3)], ids=["GL", "PQ", "UP"])
def test_a_plateau_at_chance_level_is_not_said_to_be_beyond_more_training(
    make: Callable[[], GL | PQ | UP], language: str
) -> None:
    """Sweep s43 (curves, finding 1): a tanh net on a saddle at ln 2 for 115 epochs was stopped
    by PQ at epoch 5 and UP at epoch 9 with "More training is unlikely to help: keep the best
    weights", those of epoch 1; Patience, on the same numbers, read chance level."""
    i18n.set_language(language)
    det = make()
    _chance_plateau(det, 1.0)
    event = det.events[0]
    assert event.message_id.endswith(".plateau_chance"), event.message
    words = {"en": ("ln 2 = 0.693", "Patience(20)"), "pl": ("ln 2 = 0,693", "Patience(20)")}
    assert all(w in event.message for w in words[language]), event.message
    assert "unlikely to help" not in event.message and "raczej nie pomoże" not in event.message
    learned = make()  # the same plateau at a loss far below chance: the plateau it was
    _chance_plateau(learned, 0.45)
    assert learned.events[0].message_id.endswith(".plateau"), learned.events[0].message


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_validation_accuracy_still_rising_is_said_beside_a_rising_validation_loss(
    language: str,
) -> None:
    """Sweep s43 (curves, finding 2): a two-moons net's validation loss was best at epoch 8,
    while its validation accuracy, logged in the same calls, rose from 0.821 to 0.855; the
    student heard only "memorising, keep the weights of epoch 8", which classify worse. One
    evaluation after the best (GL at epoch 5) is too soon to call a rise."""
    i18n.set_language(language)
    val = [0.9, 0.6, 0.45, 0.4, 0.5, 0.6, 0.7, 0.8]
    acc = [0.6, 0.7, 0.78, 0.8, 0.82, 0.84, 0.83, 0.85]
    mon = Monitor(detectors=[Patience(3), GL(5)], display=False)
    for epoch, (v, a) in enumerate(zip(val, acc, strict=True), 1):
        mon.log(epoch, loss=0.5 / epoch, val_loss=v, val_acc=a)
    gl, patience = mon.events
    assert (gl.epoch, patience.epoch) == (5, 7) and "val_acc" not in gl.message
    words = {"en": "rose after epoch 4: 0.8 then, 0.84 at", "pl": "wzrosła po epoce 4: 0,8 wtedy"}
    assert words[language] in patience.message and "metric='val_acc'" in patience.message
    (det,) = [d for d in mon.detectors if isinstance(d, Patience)]
    assert det.events[-1] is patience  # its own list says it too


def _aside_after(acc: list[float], **more: list[float]) -> str:
    """Patience(3)'s message on a validation loss best at epoch 4, with ``acc`` as val_acc."""
    mon = Monitor(detectors=[Patience(3)], display=False)
    val = [0.9, 0.6, 0.45, 0.4, 0.5, 0.6, 0.7]
    for epoch, v in enumerate(val, 1):
        extra = {name: values[epoch - 1] for name, values in more.items()}
        mon.log(epoch, loss=0.5 / epoch, val_loss=v, val_acc=acc[epoch - 1], **extra)
    (event,) = mon.events
    return event.message


def test_no_accuracy_aside_where_the_accuracy_did_not_rise_or_is_no_accuracy() -> None:
    """Regression review s43 (4, 5): a rising recall beside a falling accuracy was said as
    "more answers right"; an accuracy 0.01 above its value at the best, after falling for four
    epochs, "has gone on rising"."""
    rose = [0.6, 0.7, 0.78, 0.8, 0.82, 0.84, 0.83]
    assert "rose after epoch 4" in _aside_after(rose)
    fell = [0.6, 0.7, 0.78, 0.8, 0.79, 0.77, 0.76]
    recall = [0.6, 0.7, 0.78, 0.8, 0.9, 0.95, 0.97]
    assert "rose after" not in _aside_after(fell, val_recall=recall)  # recall is no accuracy
    back = [0.6, 0.7, 0.78, 0.8, 0.88, 0.84, 0.805]  # only 0.6% above it now
    assert "rose after" not in _aside_after(back)


def test_no_accuracy_aside_on_a_reading_of_unstable_training() -> None:
    """Regression review s43 (3): after "training has become unstable, try a smaller learning
    rate" came "the model grows over-confident", two causes for one rise."""
    mon = Monitor(detectors=[GL(5)], display=False)
    train = [1.0, 0.8, 0.6, 0.5, 0.45, 0.5, 0.6, 0.7]
    val = [1.0, 0.8, 0.6, 0.56, 0.55, 0.6, 0.65, 0.7]
    acc = [0.5, 0.6, 0.7, 0.75, 0.8, 0.81, 0.82, 0.83]
    for epoch, (t, v, a) in enumerate(zip(train, val, acc, strict=True), 1):
        mon.log(epoch, loss=t, val_loss=v, val_acc=a)
    assert mon.events and all(e.message_id != "gl.overfit" for e in mon.events)
    assert all("rose after" not in e.message for e in mon.events)


def test_a_nan_validation_loss_after_an_infinite_training_loss_is_divergence_for_all() -> None:
    """Regression review s43 (9): with the training loss logged every 2nd epoch, inf at epoch 5
    and the validation loss NaN at 6, GL, PQ and UP said "it cannot tell why" while Patience
    said divergence."""
    for det in (GL(), PQ(0.5, 2), UP(1, 2), Patience(2)):
        for epoch in range(1, 8):
            logged = epoch % 2 and epoch <= 5
            train = {"loss": math.inf if epoch == 5 else 0.9 - 0.1 * epoch} if logged else {}
            det.update(epoch, **train, val_loss=math.nan if epoch >= 6 else 1.0 - 0.05 * epoch)
        assert det.events and "cannot tell why" not in det.events[-1].message, det
        assert det.events[-1].kind == "divergence"
