"""What GL says a rise of the validation loss means (:func:`gl_reading`), and when it says so
once more while the rise lasts (:func:`corrects`); what GL, PQ and UP conclude from the
training loss since the best epoch (:mod:`~nngraph.monitor._trend`): unstable training
(:func:`unstable_verdict`), or no sign of memorising (:func:`calm_verdict`).

GL speaks once per excursion above its limit, but the training loss goes on moving after it
spoke, and so its reading of the rise may change. A rise it called memorising may turn out to
be unstable training (the training loss spikes too); a rise it saw no sign of memorising in
(the training loss still above the best validation loss, too soon to tell, or both losses
flat) may become the lecture's picture of overfitting: the training loss falls clearly below
the validation loss while that keeps rising (a validation loss once tripled after "no
sign of memorising yet", and nothing said otherwise). Each change is said once, and only
forward: no sign of memorising, then memorising, then unstable; never back.

A rise in a run that oscillates (:mod:`~nngraph.monitor._oscillation`: the validation loss
swings up and down by more than 30%, again and again, and the training loss does not fall
steadily, stays near the validation loss and not far below its own first value) is one more
swing: GL says so, and that the learning rate or the momentum is probably too high, instead
of "no sign of memorising yet" or "memorising". It counts as unstable training.

So does a rise after the training loss blew up far above where the run started, until the run
has come back (:mod:`~nngraph.monitor._blowup`): on its way down from 2.5e5 to 81 (35 times its
first value) the training loss falls, far below the validation loss, but the model is
recovering from a learning rate far too high, not memorising (``blown_up``, for GL, PQ, UP).

In the first evaluations after a restart (a fresh optimizer: a second fit), a training loss
that rose since the best epoch is the restart's bump, which says nothing of the learning rate:
GL, PQ and UP say it is too soon to tell (``restarted``; in the first evaluations of a run,
where a learning-rate warm-up raises the step size on purpose, ``warming_up``), and GL says
once more what the rise turns out to be, memorising or unstable training. So they do of a training loss that rose
since the best epoch by one value only, a little (``rose_once``, see :data:`ONE_VALUE_RISE`):
one tick after a long fall is no clear sign of unstable training (one evaluation that came
after several epochs of training values is no single tick). A restart keeps the training value
at the best epoch (see ``TrainingTrend.restarted``), so the first evaluation after it is read
as the first fit's were: a second fit's training loss below its value at the best epoch while
the validation loss rises reads as memorising (or noise), not flatly as "getting worse". A
rise GL first read with no training loss to compare (``plain``: none logged at the best epoch)
is said once more if it turns out to be unstable training.

    >>> corrects("gl.neutral", "gl.overfit"), corrects("gl.overfit", "gl.stalled")
    (True, True)
    >>> corrects("gl.overfit", "gl.neutral"), corrects("gl.stalled", "gl.overfit")
    (False, False)
    >>> corrects("gl.neutral", "gl.stalled"), corrects("gl.neutral", "gl.jump")
    (True, False)
    >>> corrects("gl.restarted", "gl.overfit"), corrects("gl.restarted", "gl.stalled")
    (True, True)
    >>> corrects("gl.plain", "gl.stalled"), corrects("gl.plain", "gl.overfit")
    (True, False)
    >>> corrects("gl.rose_once", "gl.overfit"), corrects("gl.rose_once", "gl.stalled")
    (True, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from nngraph.i18n import message, times_text
from nngraph.monitor._calm_reading import calm_verdict
from nngraph.monitor._detector import Check, Detector
from nngraph.monitor._jump import steady, sudden_jump
from nngraph.monitor._names import is_validation, named_as_training
from nngraph.monitor._never_improved import not_finite_text
from nngraph.monitor._oscillation import Swings
from nngraph.monitor._steady_rise import jumps, rose_steadily
from nngraph.monitor._training_trend import TrainingTrend
from nngraph.monitor._trend import RISE, WINDOW, Trend
from nngraph.monitor._trend_texts import trend_fields

__all__ = [
    "CALM",
    "MEMORISING",
    "ONE_VALUE_RISE",
    "PLAIN",
    "RESTARTED",
    "ROSE_ONCE",
    "SETTLING",
    "UNSTABLE",
    "calm_verdict",
    "corrects",
    "gl_reading",
    "unstable_verdict",
]

#: For this many evaluations after a restart (a fresh optimizer), a training loss that rose
#: since the best epoch is read as the restart's bump, not as unstable training: a fresh
#: optimizer (Adam's moments from zero, a learning rate warmed up again) often pushes the loss
#: up in its first epochs. As many as the trend averages on each side (``_trend.WINDOW``).
SETTLING = WINDOW

#: One training value after the best epoch against the one at it (``Trend.count`` 1)
#: scatters sqrt(WINDOW) times as much as two means of WINDOW values, which
#: ``_trend.RISE`` is set for: one value shows a clear rise (unstable training) only beyond
#: this part of the value at the best (8.7%). A smaller one, one tick after a long fall (0.36
#: -> 0.38, then 0.33, 0.30: memorising), is too soon to tell.
ONE_VALUE_RISE = RISE * math.sqrt(WINDOW)

#: GL's explanation of a rise too soon after a restart to tell memorising from unstable
#: training, which either may correct, ...
RESTARTED = ("gl.restarted", "gl.warming_up")
#: ... that of a training loss that rose a little by one value since the best epoch (too soon
#: to tell unstable training from noise), which either may correct too, ...
ROSE_ONCE = ("gl.rose_once",)
#: ... that of a rise read with no training loss to compare ("the model is getting worse on
#: data it does not train on", which memorising would only repeat), ...
PLAIN = ("gl.plain",)
#: ... those that see no sign of memorising yet (``improving``: a wobble of a validation loss
#: still improving overall, see :mod:`~nngraph.monitor._still_improving`), ...
CALM = ("gl.neutral", "gl.plateau", "gl.plateau_chance", "gl.improving")
#: ... those that blame memorising, ...
MEMORISING = ("gl.overfit", "gl.flat", "gl.far_below")
#: ... and those that blame unstable training
UNSTABLE = (
    "gl.stalled",
    "gl.jump",
    "gl.unstable",
    "gl.blown_up",
    "gl.train_nonfinite",
    "gl.oscillating",
    "gl.jumpy",
    "gl.rose_steadily",
)
#: ... among them, those that become ``jumpy`` where the training loss jumps up and down
JUMPY_FROM = ("gl.stalled", "gl.jump", "gl.unstable")
#: ... among them, those of a training loss whose level rose since the best epoch
RISEN = ("gl.stalled", "gl.unstable", "gl.blown_up", "gl.rose_steadily")


def corrects(said: str | None, now: str) -> bool:
    """Whether GL's explanation ``now`` corrects ``said``, the one it gave last while its
    condition has held: a rise with no sign of memorising that now reads as memorising, or
    a rise called memorising that now reads as unstable training, or one read with no sign of
    either yet (a noisy training loss whose level had not risen beyond its noise) whose
    training loss has risen since, or a rise too soon to tell
    (after a restart, or beside a training loss that rose by one value only) that now reads
    as either, or one read with no training loss to compare (the first evaluation after a
    restart) that now reads as unstable training. Said again once each."""
    too_soon = (*RESTARTED, *ROSE_ONCE)
    memorising = said in (*CALM, *too_soon) and now in MEMORISING
    risen = said in CALM and now in RISEN  # its level rose beyond the noise it had
    # a jumpy run whose training loss then falls far below the validation loss memorises
    jumpy = (said == "gl.improving" and now == "gl.jumpy") or (
        said == "gl.jumpy" and now in MEMORISING
    )
    unstable = said in (*MEMORISING, *too_soon, *PLAIN) and now in UNSTABLE
    return memorising or risen or jumpy or unstable


def gl_reading(
    det: Detector,
    tracker: TrainingTrend,
    fields: dict[str, Any],
    *,
    value: float,
    previous: float,
    train: float | None,
    level: float = math.nan,
    swings: Swings | None = None,
    improving: Callable[[], bool] | None = None,
    words: bool = True,
) -> Check:
    """GL's explanation of a finite validation loss ``value`` above its limit (``fields``: the
    numbers said in every one), from the training loss since the best epoch (``tracker``),
    the validation loss at the evaluation before (``previous``), the training loss now
    (``train``) and the swings of a run that oscillates (``swings``, see
    :mod:`~nngraph.monitor._oscillation`): unstable training, a swing of an oscillating
    run, no sign of memorising yet, or memorising. Beside a validation loss still improving
    overall (``improving()``, asked only where it decides: see
    :mod:`~nngraph.monitor._still_improving`) a rise is a wobble
    (``improving``); unstable training whose training loss jumps up and down is a jumpy run
    (``jumpy``, not a steady climb: see :func:`~nngraph.monitor._steady_rise.jumps`). With
    ``words=False`` only which one (its key, with ``fields`` alone), for a detector that has
    spoken already and only says a changed reading (:func:`corrects`): a long rise is judged
    at every evaluation, and wording it each time was most of a ``Monitor.log()``."""
    if not on_new_data(det):
        if named_as_training(det.metric):  # the training loss itself rose: not memorising
            return "gl.training", fields
        # `ppl`, `mse`: a rise on validation data is memorising, on training data unstable
        return "gl.unknown_data", {**fields, "logged": det.metric}
    if train is not None and not math.isfinite(train):  # diverged, not memorising
        return "gl.train_nonfinite", {**fields, "train_value": not_finite_text(train)}
    unstable = unstable_verdict(
        det, tracker, fields, value=value, previous=previous, train=train, level=level,
        words=words,
    )  # fmt: skip
    jumpy = isinstance(unstable, tuple) and unstable[0] in JUMPY_FROM
    if jumpy and (trend := tracker.now()) is not None and jumps(trend.latest):
        return "gl.jumpy", fields
    if unstable is not None:
        return unstable
    if swings is not None:
        return "gl.oscillating", ({**fields, **swings.fields()} if words else fields)
    if improving is not None and improving():
        return "gl.improving", {**fields, "advice": _advice(det)} if words else fields
    trend = tracker.now()  # averages: one noisy training value does not decide
    if trend is None:
        return "gl.plain", fields
    calm = calm_verdict(det, trend, fields, value=value, words=words)
    if calm is not None:
        return calm
    key = _memorising_key(det, trend)
    if not words:
        return key, fields
    # one rise may be noise in a small validation set: a GL that only warns says so
    verdict = message("monitor.gl.verdict" if det.stop else "monitor.gl.verdict_warn")
    return key, {**fields, **trend_fields(det, trend), "verdict": verdict}


def _memorising_key(det: Detector, trend: Trend) -> str:
    """How GL words a rise it reads as memorising, by what the training loss does since the
    best epoch (``trend``): ``flat`` (more training no longer helps on the training data)
    only when it has stopped falling as a plateau has (:meth:`Trend.stopped`: against its own
    pace and noise, whatever its sign or offset); else ``overfit`` (still falling) when it
    fell since as a fall does (:meth:`Trend.still_falling`: beyond its noise, clearly, or
    after a steady fall), or ``far_below`` (far below the validation loss, said without a
    direction): one or two noisy values after the best, or a mean a little lower in noise.

        >>> from nngraph.monitor.detectors import GL
        >>> gl = GL(5)
        >>> gl.best = 0.5  # one epoch after the best, a loss falling 4% an epoch
        >>> falling = dict(start=20, count=1, pace=0.005, steady=True, noise=1e-5)
        >>> [_memorising_key(gl, Trend(*t, **falling)) for t in ((0.13, 0.125), (0.13, 0.132))]
        ['gl.overfit', 'gl.far_below']
        >>> _memorising_key(gl, Trend(0.13, 0.1298, 20, 1, noise=0.002))  # noise, no fall
        'gl.far_below'
        >>> _memorising_key(gl, Trend(0.1, 0.1, 10, 3))  # flat since the best
        'gl.flat'
    """
    if trend.stopped(scale=det.best):
        return "gl.flat"
    return "gl.overfit" if trend.still_falling(scale=det.best) else "gl.far_below"


def on_new_data(det: Detector) -> bool:
    """Whether ``det`` watches a metric measured on data it does not train on: a validation
    name (``val_loss``, ``valid/loss``, ...), or one paired with a training metric, given as
    ``train_metric`` (``GL(metric="eval_loss", train_metric="loss")``) or read from its name
    (``eval_loss``, ``test_loss``, ``Val_Loss``: see
    :func:`~nngraph.monitor._names.held_out_twins`). ``loss`` or ``train_loss`` alone is
    a training metric.

        >>> from nngraph.monitor.detectors import GL
        >>> [on_new_data(GL(metric=name)) for name in ("val_loss", "eval_loss", "loss")]
        [True, True, False]
        >>> on_new_data(GL(metric="mse", train_metric="train_mse"))
        True
    """
    return is_validation(det.metric) or any(name != det.metric for name in det._twins)


def unstable_verdict(
    det: Detector,
    tracker: TrainingTrend,
    fields: dict[str, Any],
    *,
    value: float,
    previous: float,
    train: float | None,
    level: float = math.nan,
    words: bool = True,
) -> Check:
    """GL's, PQ's or UP's explanation when a rising validation loss comes from unstable
    training (a learning rate too high), not overfitting: the training loss clearly rose since
    the best epoch (on average, and beyond its noise where it is clearly below the validation
    loss: ``stalled``, see :meth:`Trend.rose_in_level`; ``rose_steadily`` where it climbed
    smoothly, see :mod:`~nngraph.monitor._steady_rise`: not unstable, but a weight decay too
    strong), the validation loss jumped in one
    evaluation from ``previous`` (or its ``level`` before) to ``value`` (``jump``, see
    :func:`sudden_jump`), or the training loss ``train`` and its level are far above its
    lowest value of the run and not still below its level at the best epoch (``unstable``,
    see :meth:`TrainingTrend.far_above_low`), or it rose far above where the run started and
    the run has not come back since (``blown_up``, see
    :mod:`~nngraph.monitor._blowup`: however far below the validation loss it is, a run that
    blew up and is on its way down is not memorising). None when none holds. In the first
    :data:`SETTLING` evaluations after a restart, a training loss that rose since the best
    epoch is the fresh optimizer's bump, too soon to read (``restarted``); a jump is still one. One that rose by one value only, by no more than
    :data:`ONE_VALUE_RISE`, is too soon to read as well (``rose_once``), where nothing else
    shows unstable training. ``words=False``: the key alone, with ``fields`` (see
    :func:`gl_reading`)."""
    name = type(det).__name__.lower()
    trend = tracker.now()
    # a lucky low is told from a jump only beside a training loss that moves little
    calm = steady(trend) and det._blow_ups.now() is None  # not on the way down from 2e5
    jumped = sudden_jump(previous, value, train, level if calm else math.nan)
    if trend is not None and _restart_bump(det, trend) and not jumped:
        key = "restarted" if det._since_restart() is not None else "warming_up"
        return _too_soon(det, f"{name}.{key}", trend, fields, words=words)
    rose = trend is not None and trend.rose_in_level(scale=det.best)
    if trend is not None and rose and not _rose_once(trend, det._trained_since_best):
        if rose_steadily(tracker.lately):  # a smooth climb (a weight decay too strong)
            why = {"why": message("monitor.trend.rose_steadily")} if words else {}
            shown = {**fields, **trend_fields(det, trend), **why} if words else fields
            return f"{name}.rose_steadily", shown
        return f"{name}.stalled", {**fields, **trend_fields(det, trend)} if words else fields
    if jumped:
        return f"{name}.jump", {**fields, "previous": previous, "value": value}
    before = trend.before if trend is not None else None
    noise = trend.noise if trend is not None else math.nan
    low = tracker.far_above_low(train, scale=det.best, before=before, noise=noise)
    blown_up = None if low is not None else _blown_up(det, trend, fields, value, train, words=words)
    if blown_up is not None:
        return blown_up
    if train is None or low is None:
        if trend is not None and rose:
            return _too_soon(det, f"{name}.rose_once", trend, fields, words=words)
        return None
    if not words:
        return f"{name}.unstable", fields
    low_epoch, low_value = low
    times = times_text(train / low_value)
    shown = {"train_value": train, "times": times, "low": low_value, "low_epoch": low_epoch}
    return f"{name}.unstable", {**fields, **shown}


#: How far a warm-up's bump takes the training loss above its first value, at most: 25%
WARM_UP_RISE = 1.25


def _blown_up(
    det: Detector,
    trend: Trend | None,
    fields: dict[str, Any],
    value: float,
    train: float | None,
    *,
    words: bool,
) -> tuple[str, dict[str, Any]] | None:
    """The ``blown_up`` reading of :func:`unstable_verdict` of a rise of the validation loss
    to ``value``: the training loss rose far above where the run started, and the run has not
    come back since (see :mod:`~nngraph.monitor._blowup`). The training loss ``train`` is
    still far above its level before the blow-up, or it is back near that level but the run
    has not come back yet (too few values, or the validation loss still far off) and the rise
    would read as memorising: a calm reading (too soon to tell, a plateau) is said as it is
    (one value after a best inside the blow-up: "too soon to read its fall as memorising").
    None when the run has come back, or shows no blow-up.

        >>> from nngraph.monitor.detectors import GL
        >>> gl = GL(5)
        >>> for epoch, (t, v) in enumerate([(2.31, 8e4), (7.6e4, 1.6e5), (123, 825)], 1):
        ...     _ = gl.update(epoch, loss=t, val_loss=v)
        >>> _blown_up(gl, None, {}, 885.0, 81.5, words=False)
        ('gl.blown_up', {})
        >>> _blown_up(gl, None, {}, 885.0, None, words=False) is None  # no training loss
        True
    """
    blow_up = det._blow_ups.now()
    if blow_up is None or train is None:
        return None
    calm = calm_verdict(det, trend, {}, value=value, words=False)
    if train <= blow_up.level and calm is not None:
        return None
    key = f"{type(det).__name__.lower()}.blown_up"
    if not words:
        return key, fields
    shown = {
        "value": value,
        "train_value": train,
        "peak": blow_up.peak,
        "peak_epoch": blow_up.peak_epoch,
        "first": blow_up.first,
        "times": times_text(blow_up.peak / blow_up.first),
    }
    return key, {**fields, **shown}


def _rose_once(trend: Trend, logged: int = 1) -> bool:
    """The training loss is higher than at the best epoch by one value after it only, by no
    more than :data:`ONE_VALUE_RISE` of the value at the best: a tick that may be noise.
    ``logged``: the epochs whose training values were logged since the best evaluation (one
    evaluation after it, validating every 3 epochs, may follow 3 of them: no single tick).

        >>> _rose_once(Trend(0.36, 0.38, 7, 1)), _rose_once(Trend(0.44, 0.6, 4, 1))
        (True, False)
        >>> _rose_once(Trend(0.36, 0.38, 7, 2))  # two values: RISE decides, as before
        False
        >>> _rose_once(Trend(0.36, 0.38, 7, 1), logged=3)  # three epochs trained since
        False
    """
    rise = trend.recent - trend.before
    return trend.count == 1 and logged <= 1 and rise <= ONE_VALUE_RISE * abs(trend.before)


def _too_soon(
    det: Detector, key: str, trend: Trend, fields: dict[str, Any], *, words: bool
) -> tuple[str, dict[str, Any]]:
    """A reading too soon to tell memorising from unstable training (``key``: ``restarted``
    or ``rose_once``), with the training values and the advice of a GL that stops or warns."""
    if not words:
        return key, fields
    return key, {**fields, **trend_fields(det, trend), "advice": _advice(det)}


def _advice(det: Detector) -> str:
    """What a GL that stops, or one that only warns, advises on a rise it cannot read yet."""
    return message("monitor.gl.advice" if det.stop else "monitor.gl.advice_warn")


def _restart_bump(det: Detector, trend: Trend) -> bool:
    """The training loss rose since the best epoch (``trend``) within :data:`SETTLING`
    evaluations after a restart of ``det`` (a fresh optimizer's bump), or in the first
    2 * :data:`SETTLING` of the run before it learnt anything (see :func:`_warming_up`)."""
    since = det._since_restart()
    if since is not None:
        return since <= SETTLING and trend.rose(scale=det.best)
    return det.epoch <= 2 * SETTLING and _warming_up(det, trend)


def _warming_up(det: Detector, trend: Trend) -> bool:
    """The training loss rose a little since the best epoch (to at most :data:`WARM_UP_RISE`
    times its first value), and had not fallen clearly below its first value there: the run
    has not started learning yet (a warm-up raising the learning rate, or a learning rate too
    high: its words say both), not a run that learnt and then became unstable."""
    first = det._blow_ups.first
    if first is None or not first > 0 or not trend.rose(scale=det.best):
        return False
    return trend.before > (1 - RISE) * first and trend.recent < WARM_UP_RISE * first
