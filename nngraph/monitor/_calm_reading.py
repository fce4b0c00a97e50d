"""What GL, PQ and UP say of a rising validation loss that shows no memorising yet
(:func:`calm_verdict`): the training loss is flat next to it (a plateau), too soon to tell, or
not clearly below it. :mod:`~nngraph.monitor._gl_reading` asks it after it found no unstable
training."""

from __future__ import annotations

import math
import statistics
from typing import Any

from nngraph.i18n import message, times_text
from nngraph.monitor._detector import Check, Detector
from nngraph.monitor._names import nice_name
from nngraph.monitor._never_improved import Seen
from nngraph.monitor._no_better import still_learning
from nngraph.monitor._trend import MEMORISED, NEAR, STEADY, WINDOW, Trend
from nngraph.monitor._trend_texts import trend_fields

__all__ = ["EVIDENCE", "calm_verdict"]

#: A training loss that was not below the best validation loss at the best epoch shows
#: memorising only from this many training values after the best (``Trend.count``): one step
#: after a best where the model did no better on its training data than on new data, a
#: validation loss up 80% while the training loss falls is as likely noise (seen at epoch 2 in
#: class). One below it at the best epoch is read at once, as most runs that validate every
#: epoch need (a regression review: waiting took "overfitting" from 28 of 48 GL events).
EVIDENCE = 2


def calm_verdict(
    det: Detector, trend: Trend | None, fields: dict[str, Any], *, value: float, words: bool = True
) -> Check:
    """GL's, PQ's or UP's explanation when a rising validation loss (now ``value``) shows no
    memorising; None when it does, or with no trend. ``plateau``: the training loss is flat
    since the best epoch, has stopped falling (:meth:`Trend.stopped`) and is not far below
    the validation loss: the model stopped learning; its ``level`` says where the training loss
    is (see :func:`_level`). ``neutral``, with its ``reason``: the training loss is flat so
    far, but too soon after the best to call it stopped, or it still falls but is not clearly
    below the best validation loss (:meth:`Trend.below`), or it would read as memorising but
    too soon to tell (see :func:`_too_soon_to_memorise`). ``words=False``: the key alone,
    with ``fields`` (see :func:`~nngraph.monitor._gl_reading.gl_reading`)."""
    if trend is None:
        return None
    reading = _calm_reading(det, trend)
    if reading is None:
        return None
    chance = _at_chance(det, trend, value) if reading == "plateau" else None
    ending = (
        "neutral" if reading != "plateau" else "plateau" if chance is None else "plateau_chance"
    )
    key = f"{type(det).__name__.lower()}.{ending}"
    if not words:
        return key, fields
    metric = nice_name(det.metric)
    train = nice_name(det._train_name) if det._train_name else ""
    shown = {**fields, **trend_fields(det, trend)}
    if reading == "plateau":
        level = message("monitor.trend.level_" + _level(trend.recent, value), metric=metric)
        if chance is not None and "blown" in chance:  # a model that guesses: no resume()
            said = message("monitor.trend.chance_blown", train=train, **chance)
            return key, {**shown, "level": level, "chance": said}
        if chance is not None:
            go_on = message("monitor.trend.chance_" + ("resume" if det.stop else "train_on"))
            said = message("monitor.trend.chance", train=train, go_on=go_on, **chance)
            return key, {**shown, "level": level, "chance": said}
        return key, {**shown, "level": level}
    if reading == "not_below":
        side = "above" if trend.recent >= det.best else "barely_below"
        level = message("monitor.trend.level_best_" + side, metric=metric)
        reason = message("monitor.trend.not_below", train=train, metric=metric, level=level)
    elif reading in ("too_few", "far_above"):
        times = times_text(trend.before / det.best) if det.best > 0 else ""
        shown_at = {"train": train, "metric": metric, "epoch": trend.before_from, "times": times}
        reason = message("monitor.trend." + reading, **shown_at)
    else:
        reason = message("monitor.trend.too_soon", train=train)
    advice = message("monitor.gl.advice" if det.stop else "monitor.gl.advice_warn")
    return key, {**shown, "reason": reason, "advice": advice}


def _calm_reading(det: Detector, trend: Trend) -> str | None:
    """Which calm reading ``trend`` gives: ``not_below`` (the training loss still falls but is
    not clearly below the best validation loss), ``plateau`` (flat and stopped) or
    ``too_soon`` (flat, too soon after the best to call it stopped); None when it shows
    memorising, unless it is too soon to say so (see :func:`_too_soon_to_memorise`)."""
    if trend.fell(scale=det.best):
        if not trend.below(scale=det.best):
            return "not_below"
    elif trend.plateau(scale=det.best):
        stopped = trend.stopped(scale=det.best) and not _new_low(trend, det.best)
        return "plateau" if stopped else "too_soon"
    return _too_soon_to_memorise(det, trend)  # memorising (or memorised), if not too soon


def _at_chance(det: Detector, trend: Trend, value: float) -> dict[str, Any] | None:
    """``k``, ``ln`` (``ln k``) and the training loss's first value (``start``) where it is
    still near the cross-entropy of guessing among ``k`` classes, as Patience reads it
    (:func:`~nngraph.monitor._no_better.still_learning`): a plateau at chance level, which
    some networks leave after a while (a tanh net on a saddle at ln 2 for 100 epochs), so
    "more training is unlikely to help" would be unfounded; with ``blown``, the sentence that
    says why one it fell to from a first epoch that blew up is no such plateau. None
    otherwise.

        >>> from nngraph.monitor.detectors import PQ
        >>> pq = PQ()
        >>> for epoch in range(1, 6):
        ...     _ = pq.update(epoch, loss=0.6931 - epoch * 1e-5, val_loss=0.6931 + epoch * 1e-5)
        >>> _at_chance(pq, pq._trend.now(), 0.69315)["k"]  # near ln 2: two classes
        2
    """
    start, low = det._blow_ups.first, det._blow_ups.lowest
    if start is None or low is None:
        return None
    seen = Seen(
        det.metric, "min", value, det.best, det._train_name, train_now=trend.recent,
        train_first=start, train_low=low,
    )  # fmt: skip
    found = still_learning(seen, start, low)
    if found is None:
        return None
    return {key: found[1][key] for key in ("k", "ln", "start", "blown") if key in found[1]}


def _new_low(trend: Trend, scale: float) -> bool:
    """Whether the latest training value is clearly below all the others the trend holds: a
    loss whose means say "flat" (0.58 against 0.6) did improve at its last value (0.54 after
    0.6, 0.6, 0.6), and "neither loss has improved" would be false. The drop must also be
    beyond the loss's noise, as known and as the values before it scatter (see
    :meth:`Trend.falling_now`).

        >>> _new_low(Trend(0.6, 0.58, 1, 3, latest=(0.6, 0.6, 0.6, 0.54)), scale=0.56)
        True
        >>> _new_low(Trend(0.6, 0.6, 1, 3, latest=(0.6, 0.61, 0.59, 0.6)), scale=0.56)
        False
        >>> _new_low(Trend(0.7, 0.6, 1, 3, latest=(0.68, 0.582, 0.548), noise=0.04), scale=0.5)
        False
    """
    *earlier, last = trend.latest or (math.nan,)
    drop = min(*earlier, trend.before) - last if earlier else math.nan
    # beyond its noise too, as known and as the values before it scatter: one lucky value in
    # a noisy level is no low
    scatter = statistics.pstdev(earlier) if len(earlier) > 1 else 0.0
    noise = max(scatter, 0.0 if math.isnan(trend.noise) else trend.noise)
    return trend._clearly(drop, scale) and drop > STEADY * noise * math.sqrt(2)


def _too_soon_to_memorise(det: Detector, trend: Trend) -> str | None:
    """Why a ``trend`` that reads as memorising is too soon to call so, or None. The training
    loss at the best epoch (``before``) was ``far_above`` the best validation loss, more than
    ``1 / MEMORISED`` times it (a step that blew it up: its fall since is the model
    recovering), and fewer than :data:`~nngraph.monitor._trend.WINDOW` values came after; or
    it was not below it, and fewer than :data:`EVIDENCE` came after (``too_few``).

        >>> from nngraph.monitor.detectors import GL
        >>> gl = GL(5)
        >>> gl.best = 0.278  # the training loss at the best epoch 2: 5.88, then 0.19
        >>> _too_soon_to_memorise(gl, Trend(5.88, 0.19, 2, 1))
        'far_above'
        >>> [_too_soon_to_memorise(gl, Trend(0.3, 0.2, 2, count)) for count in (1, 2)]
        ['too_few', None]
        >>> _too_soon_to_memorise(gl, Trend(0.25, 0.2, 2, 1)) is None  # below it at the best
        True
    """
    if trend.count < WINDOW and MEMORISED * trend.before > det.best > 0:
        return "far_above"
    return "too_few" if trend.count < EVIDENCE and trend.before >= det.best else None


def _level(train: float, value: float) -> str:
    """Where a flat training loss ``train`` is next to the validation loss ``value``, as the
    end of a ``monitor.trend.level_`` key: ``above`` it (as with dropout), ``close`` to it
    (``not far below it``: at least ``_trend.NEAR`` of it) or ``below`` it.

        >>> _level(0.9, 0.5), _level(0.68, 0.769), _level(0.29, 0.54)
        ('above', 'close', 'below')
    """
    if train >= value:
        return "above"
    return "close" if value - train <= (1 - NEAR) * abs(value) else "below"
