"""What GL says a rise of the validation loss means (:func:`gl_reading`), and when it says so
once more while the rise lasts (:func:`corrects`).

GL speaks once per excursion above its limit, but the training loss goes on moving after it
spoke, and so its reading of the rise may change. A rise it called memorising may turn out to
be unstable training (the training loss spikes too); a rise it saw no sign of memorising in
(the training loss still above the best validation loss, too soon to tell, or both losses
flat) may become the lecture's picture of overfitting: the training loss falls clearly below
the validation loss while that keeps rising (sweep 21d: the validation loss tripled after "no
sign of memorising yet", and nothing said otherwise). Each change is said once, and only
forward: no sign of memorising, then memorising, then unstable; never back.

    >>> corrects("gl.neutral", "gl.overfit"), corrects("gl.overfit", "gl.stalled")
    (True, True)
    >>> corrects("gl.overfit", "gl.neutral"), corrects("gl.stalled", "gl.overfit")
    (False, False)
"""

from __future__ import annotations

import math
from typing import Any

from nngraph.i18n import message
from nngraph.monitor._detector import Check, Detector
from nngraph.monitor._names import is_validation
from nngraph.monitor._trend import TrainingTrend, calm_verdict, trend_fields, unstable_verdict

__all__ = ["CALM", "MEMORISING", "UNSTABLE", "corrects", "gl_reading"]

#: GL's explanations that see no sign of memorising yet, ...
CALM = ("gl.neutral", "gl.plateau")
#: ... those that blame memorising, ...
MEMORISING = ("gl.overfit", "gl.flat")
#: ... and those that blame unstable training
UNSTABLE = ("gl.stalled", "gl.jump", "gl.unstable", "gl.train_nonfinite")


def corrects(said: str | None, now: str) -> bool:
    """Whether GL's explanation ``now`` corrects ``said``, the one it gave last while its
    condition has held: a rise with no sign of memorising that now reads as memorising, or
    a rise called memorising that now reads as unstable training. Said again once each."""
    return (said in CALM and now in MEMORISING) or (said in MEMORISING and now in UNSTABLE)


def gl_reading(
    det: Detector,
    tracker: TrainingTrend,
    fields: dict[str, Any],
    *,
    value: float,
    previous: float,
    train: float | None,
) -> Check:
    """GL's explanation of a finite validation loss ``value`` above its limit (``fields``: the
    numbers said in every one), from the training loss since the best epoch (``tracker``),
    the validation loss at the evaluation before (``previous``) and the training loss now
    (``train``): unstable training, no sign of memorising yet, or memorising."""
    if not is_validation(det.metric):  # the training loss itself rose: not memorising
        return "gl.training", fields
    if train is not None and not math.isfinite(train):  # diverged, not memorising
        return "gl.train_nonfinite", {**fields, "train_value": train}
    unstable = unstable_verdict(det, tracker, fields, value=value, previous=previous, train=train)
    if unstable is not None:
        return unstable
    trend = tracker.now()  # averages: one noisy training value does not decide
    if trend is None:
        return "gl.plain", fields
    calm = calm_verdict(det, trend, fields, value=value)
    if calm is not None:
        return calm
    # one rise may be noise in a small validation set: a GL that only warns says so
    verdict = message("monitor.gl.verdict" if det.stop else "monitor.gl.verdict_warn")
    shown = {**fields, **trend_fields(det, trend), "verdict": verdict}
    return ("gl.overfit" if trend.fell(scale=det.best) else "gl.flat"), shown
