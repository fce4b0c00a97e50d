"""Why ``Patience`` saw no better value for ``patience`` evaluations, where the numbers say
more than "more training is unlikely to help": the run oscillates (:func:`oscillating`, see
:mod:`~nngraph.monitor._oscillation`: the learning rate or momentum is too high), or it
overfits (:func:`memorising`), or it was still improving slowly (:func:`no_better`, see
:func:`still_falling`); or its loss is still near the chance level,
where the model may be on a plateau it leaves later (:func:`still_learning`). Patience stops
all the same (its rule is its contract, as in Keras's ``EarlyStopping``); only its words
change.

A long run whose validation loss creeps down by less per epoch than it wobbles by noise goes
``patience`` epochs without a new best: its best was a lucky low. The rule for "still
improving", over the latest ``LONGER * patience`` evaluations (all of them, if fewer, but at
least two blocks of ``patience``):

- a least-squares line through them falls by more than
  :data:`~nngraph.monitor._trend.STEADY` standard errors (a clear fall, not noise);
- it still falls now: the values of the last block (the evaluations since the best, at least
  ``HISTORY // 2``) still fall along their own line, and their mean lies below the mean of
  the block before by at least :data:`~nngraph.monitor._trend.SLOWER` of what the whole line
  falls in a block. A loss that fell and then levelled off (a plateau after its fall, a run
  that overfits after its best) fails this;
- the last block follows the whole line: its own line falls per evaluation no slower than
  the whole one, give or take :data:`~nngraph.monitor._trend.STEADY` standard errors of its
  own. A step down (a learning rate cut by a scheduler) and a flat stretch after it fail
  this: a line fitted across the step falls far faster than the values since it, and ends
  below all of them.

Calibrated on real runs (small MLPs trained for up to 3000 epochs with SGD in batches of 4 to
32, Adam, dropout, label noise; Patience(10), (20) and (30)): it held at the first stop of 7 of
10 runs whose validation loss went on to fall 8 to 38% more, and at no stop of a run that
overfits, converges, oscillates or uses dropout (twice at a stop late in a slow run that then
gained less than 1% before it ended). In simulated runs (a linear fall
that levels off, plus noise) it called the level part falling 2 to 8% of the time.

    >>> values = [(e, 1.0 - 0.002 * e + (0.01 if e % 2 else -0.01)) for e in range(1, 101)]
    >>> fall = still_falling(values, patience=20)
    >>> round(fall.start, 3), round(fall.end, 3), fall.first, fall.count
    (0.998, 0.8, 1, 100)
    >>> still_falling([(e, 0.5 + (0.01 if e % 2 else -0.01)) for e in range(1, 101)], 20)
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nngraph.monitor._names import is_validation, nice_name
from nngraph.monitor._never_improved import (
    CHANCE,
    NEAR_CHANCE,
    Seen,
    blown_start,
    blown_text,
    chance_classes,
    clearly_better,
    far_better,
    may_be_entropy,
)
from nngraph.monitor._oscillation import Swings
from nngraph.monitor._trend import HISTORY, SLOWER, STEADY, _fall_per_evaluation

__all__ = [
    "BEST_NEAR_CHANCE",
    "LONGER",
    "NEAR_CHANCE",
    "SlowFall",
    "memorising",
    "no_better",
    "oscillating",
    "still_falling",
    "still_learning",
]

#: How many ``patience`` lengths back the fall is measured: 100 evaluations for
#: ``Patience(20)``. A slow fall is told from noise over many evaluations: at 3 lengths most
#: of the slowly improving runs read as noise.
LONGER = 5
#: The metric's best must not lie further below ``ln k`` than this part of it: a model whose
#: validation loss reached 0.30 on two classes (ln 2 = 0.693) has learned, whatever its
#: training loss says later (a collapse back to chance, a training loss measured under heavy
#: dropout). The two spirals' best was 0.5928, 14.5% below ln 2.
BEST_NEAR_CHANCE = 0.2


@dataclass(frozen=True)
class SlowFall:
    """A least-squares line through the ``count`` latest values, shown as epochs ``first`` to
    ``last``: it goes from ``start`` to ``end``, and the values lie about ``noise`` (their
    standard deviation) around it."""

    start: float
    end: float
    noise: float
    first: int
    last: int
    count: int


def still_falling(
    values: Sequence[tuple[int, float]], patience: int, *, higher: bool = False
) -> SlowFall | None:
    """The line of the latest values (``(epoch shown, value)`` pairs, oldest first) when they
    still improve slowly (see the module docstring), else None. ``higher``: higher is better
    (an accuracy): the line must rise."""
    block = max(patience, HISTORY // 2)
    window = [v for _, v in values[-LONGER * patience :]]
    if len(window) < 2 * block or not all(math.isfinite(v) for v in window):
        return None
    sign = -1.0 if higher else 1.0
    signed = tuple(sign * v for v in window)
    fall, error = _fall_per_evaluation(signed)
    if not fall > STEADY * error:
        return None
    recent, before = signed[-block:], signed[-2 * block : -block]
    recent_fall, recent_error = _fall_per_evaluation(recent)
    if not recent_fall > 0 or recent_fall < fall - STEADY * recent_error:
        return None
    if (sum(before) - sum(recent)) / block < SLOWER * fall * block:
        return None
    n = len(window)
    mean = sum(window) / n
    half = sign * fall * (n - 1) / 2
    # the spread of the values around the line, from the standard error of its slope
    noise = error * math.sqrt(n * (n * n - 1) / 12)
    return SlowFall(mean + half, mean - half, noise, values[-n][0], values[-1][0], n)


def oscillating(swung: Swings | None, *, higher: bool) -> tuple[str, dict[str, Any]] | None:
    """Patience's explanation (its key and numbers) when the run oscillates at the stop
    (``swung``, see :mod:`~nngraph.monitor._oscillation`; a loss only), else None.

        >>> oscillating(None, higher=False) is None
        True
    """
    if swung is None or higher:
        return None
    return "patience.oscillating", swung.fields()


def no_better(
    latest: Sequence[tuple[int, float]],
    patience: int,
    *,
    higher: bool,
    delta: float,
) -> tuple[str, dict[str, Any]] | None:
    """Patience's explanation (its key and numbers) when the ``latest`` values (see
    :func:`still_falling`) were still improving, by more than ``delta`` (``min_delta``, as a
    value) in ``patience`` evaluations at the pace of their line; None otherwise.

        >>> no_better([(e, 1.0 - 0.002 * e) for e in range(1, 101)], 20, higher=False,
        ...           delta=0.0)[0]
        'patience.still_improving'
    """
    fall = still_falling(latest, patience, higher=higher)
    if fall is None or abs(fall.start - fall.end) / (fall.count - 1) * patience <= delta:
        return None
    shown = {"first": fall.first, "last": fall.last, "start": fall.start, "end": fall.end}
    shown["noise"] = fall.noise
    return "patience.still_improving", shown


#: A validation loss whose last evaluations lie on average this part of its best above it,
#: beside a training twin far below (see ``far_better``), has not stopped improving: it got
#: worse while the model fit its training data, twice GL's default 5%.
OVERFIT = 0.1
#: ... and a training twin lower at each of this many evaluations up to the stop (the model
#: still fits its training data better), or resting at its lowest: at most this part of it
#: above it, give or take a hundredth of the best (memorised: a cross-entropy at 0, or flat
#: far below, in noise). One that climbed back up from its lowest is no such sign: that is
#: unstable training.
FITTING, AT_LOWEST = 2, 0.25


def memorising(
    seen: Seen, latest: Sequence[tuple[int, float]]
) -> tuple[str, dict[str, Any]] | None:
    """Patience's explanation when its validation loss rose since its best (``latest``: the
    values after it, at least 3), the mean of its last 3 values more than :data:`OVERFIT` of
    the best above it and the values rising (see :func:`_rising`), while the training
    twin is far below that best (its error at most half of it) and still falling (lower at
    each of the last :data:`FITTING` evaluations) or resting at its lowest (see
    :data:`AT_LOWEST`): the textbook picture of overfitting, which more training makes worse,
    not a plateau. None otherwise.

        >>> seen = Seen("val_loss", "min", 0.84, 0.42, "loss", 0.02, 0.69, train_streak=20)
        >>> memorising(seen, [(14 + i, 0.45 + 0.02 * i) for i in range(20)])[0]  # rising
        'patience.memorising'
        >>> memorising(seen, [(30, 0.6), (31, 0.43), (32, 0.64), (33, 0.62)]) is None  # flat
        True
    """
    if seen.mode != "min" or seen.train is None or not is_validation(seen.metric):
        return None
    resting = seen.train_now <= seen.train_low * (1 + AT_LOWEST) + 0.01 * seen.best
    if len(latest) < 3 or not far_better(seen) or not (seen.train_streak >= FITTING or resting):
        return None
    values = [value for _, value in latest]
    recent = sum(values[-3:]) / 3
    if not (recent > seen.best + OVERFIT * abs(seen.best) and _rising(values, seen.best)):
        return None
    return "patience.memorising", {"now": seen.value, "train_now": seen.train_now}


def _rising(values: list[float], best: float) -> bool:
    """Whether the values after the best rise, not merely lie above a lucky low of a flat
    curve: the later half above the earlier one by 2.5 times the noise of that difference (the
    spread about their straight line, so that a clean rise is not its own noise). Up to 5
    values (`Patience(3)` to `(5)`) leave too little to measure a spread well: they must also
    climb at each step; three of them by steps of like size (a jump at the last is unstable
    training), and by more along them than the step up from the best.

    A short spike among them (see :func:`_without_spikes`) is left out first; and where the
    values after the lowest one since the best are most of them, they rise if they climb by
    the same test (:func:`_rises_since_low`): 4 epochs high early after the best lifted the
    earlier half's mean above the later one's, and hid a climb of 12 epochs in a row from
    the low after them (sweep s45 demos, finding 3). Checked on simulated runs: overfits
    with a spike of 2 to 4 epochs after the best, alone or followed by a fall back and a
    climb, are now told; flat curves in noise (Gaussian, heavy-tailed, with spikes of their
    own, or correlated from epoch to epoch) are told "memorising" about as rarely as before.

    Tuned on simulated runs (`Patience(3)` to `(10)`): 900 flat noisy curves beside a falling
    training loss, and 300 overfits in noise; `Patience(10)` calls fewer flat ones and more
    overfits "memorising" than twice the spread of the values did.

        >>> _rising([0.7, 0.9, 1.1], 0.5), _rising([0.52, 0.53, 1.5], 0.5)
        (True, False)
        >>> climb = [0.20 + 0.005 * i for i in range(16)]
        >>> _rising(climb[:2] + [0.3, 0.31, 0.3] + climb[5:], 0.19)  # a spike early on
        True
    """
    n = len(values)
    if n <= 5:
        steps = [b - a for a, b in itertools.pairwise(values)]
        if n == 3:
            steady = min(steps) > 0 and max(steps) <= 3 * min(steps)
            return steady and values[2] - values[0] > values[0] - best
        if min(steps) < 0:
            return False
        return _climbs(list(enumerate(values)))
    return _climbs(_without_spikes(values)) or _rises_since_low(values)


def _rises_since_low(values: list[float]) -> bool:
    """Whether the values after the lowest one since the best climb (see :func:`_climbs`,
    less a short spike among them), where they are most of them (more than 5, and at least
    half): a spike after the best, a fall back from it, then a steady climb.

        >>> spike = [0.21, 0.27, 0.28, 0.25, 0.22, 0.2, 0.195]
        >>> climb = [0.197, 0.2, 0.204, 0.208, 0.213, 0.219, 0.225, 0.231, 0.238]
        >>> _climbs(list(enumerate(spike + climb))), _rises_since_low(spike + climb)
        (False, True)
    """
    low = values.index(min(values))
    after = values[low + 1 :]
    return len(after) > 5 and 2 * len(after) >= len(values) and _climbs(_without_spikes(after))


def _climbs(points: list[tuple[int, float]]) -> bool:
    """:func:`_rising`'s test of ``(position, value)`` points (at least 3), oldest first: the
    mean of the later half above the earlier one's by 2.5 times the noise of that difference."""
    n, half = len(points), len(points) // 2
    values = [y for _, y in points]
    rise = statistics.fmean(values[half:]) - statistics.fmean(values[:half])
    mean_x, mean_y = statistics.fmean(x for x, _ in points), statistics.fmean(values)
    spread_x = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread_x
    residuals = [y - mean_y - slope * (x - mean_x) for x, y in points]
    spread = math.sqrt(sum(r * r for r in residuals) / (n - 2))
    return rise > 2.5 * spread * math.sqrt(1 / half + 1 / (n - half))


#: A value further than this many robust standard deviations from the robust line through
#: the values after the best (see :func:`_without_spikes`) is a spike; at most this part of
#: them (a short one: 4 of 12) is left out, else none.
SPIKE, SPIKE_SHARE = 4.0, 1 / 3
#: The line is fitted through at most this many of them, evenly spaced (a long patience keeps
#: 5 times as many values as it waits: 500 for ``Patience(100)``, 125,000 slopes).
LINE_POINTS = 200


def _without_spikes(values: list[float]) -> list[tuple[int, float]]:
    """``values`` as ``(position, value)`` points, without a short spike (or dip): the
    values further than :data:`SPIKE` robust standard deviations from a Theil-Sen line (the
    median of the slopes between every two values, which a few outliers barely move; the
    spread is 1.4826 times the median distance from it), where they are at most
    :data:`SPIKE_SHARE` of them and more than 5 are left; else every value. A curve
    without one keeps every value, so its reading does not change.

        >>> [x for x, _ in _without_spikes([0.2, 0.21, 0.3, 0.31, 0.24, 0.25, 0.26, 0.27])]
        [0, 1, 4, 5, 6, 7]
    """
    y = np.asarray(values, dtype=float)
    x = np.arange(len(y), dtype=float)
    every = max(1, -(-len(y) // LINE_POINTS))
    sx, sy = x[::every], y[::every]
    first, second = np.triu_indices(len(sx), 1)
    slope = np.median((sy[second] - sy[first]) / (sx[second] - sx[first]))
    level = np.median(y - slope * x)
    off = np.abs(y - level - slope * x)
    spread = 1.4826 * float(np.median(off))
    points = list(enumerate(values))
    kept = [point for point, away in zip(points, off, strict=True) if away <= SPIKE * spread]
    if spread == 0 or len(values) - len(kept) > SPIKE_SHARE * len(values) or len(kept) <= 5:
        return points
    return kept


def still_learning(seen: Seen, first: float, train_low: float) -> tuple[str, dict[str, Any]] | None:
    """Patience's explanation (its key and numbers) when its loss says the model has learned
    little so far, so that "more training is unlikely to help" would be unfounded: a
    cross-entropy (the training twin, or without one the metric) that started within
    ``CHANCE`` of ``ln k``, is now within it or less than :data:`NEAR_CHANCE` of it below,
    and never went further below (``train_low``: the training twin's lowest value; without
    one the metric's best), while the metric's best is less than :data:`BEST_NEAR_CHANCE` of
    ``ln k`` below it and the training twin is not clearly better than that best (that would
    be memorising, as on random labels). None otherwise (``first``: the metric's first finite
    value).

    One that started far above ``ln k`` (a first epoch that blew up, see
    :func:`~nngraph.monitor._never_improved.blown_start`) and sits within ``CHANCE`` of it
    now has not learned little so far: the blow-up left a model that guesses, which more
    epochs rarely mend (``patience.chance_blown``, with the sentence that says so).

    A training loss that is merely still falling says nothing of the kind: beside a flat
    validation loss it is how memorising starts (``CALM_RUNS["plateau"]`` in the tests).

        >>> spirals = Seen("val_loss", "min", 0.6086, 0.5928, "loss", 0.6603, 0.6946)
        >>> still_learning(spirals, 0.627, 0.6603)[0]
        'patience.near_chance'
        >>> learned = Seen("val_loss", "min", 0.5, 0.4, "loss", 0.45, 0.69)
        >>> still_learning(learned, 0.7, 0.45) is None
        True
        >>> collapsed = Seen("val_loss", "min", 0.6935, 0.3, "loss", 0.6932, 0.69)
        >>> still_learning(collapsed, 0.69, 0.32) is None
        True
        >>> dead = Seen("val_loss", "min", 1.6197, 1.611, "loss", 1.6, 48.29)  # raw pixels
        >>> still_learning(dead, 5.686, 1.6)[0]
        'patience.chance_blown'
    """
    if seen.mode != "min" or (seen.train is not None and clearly_better(seen)):
        return None
    if seen.train is not None:
        what, now, start, low = seen.train, seen.train_now, seen.train_first, train_low
    else:
        what, now, start, low = seen.metric, seen.value, first, seen.best
    if not may_be_entropy(what) or not math.isfinite(now):
        return None
    k, blown = chance_classes(start), False
    if k is None:  # no chance level at first: one it fell to from a first epoch that blew up
        k = chance_classes(now)
        blown = k is not None and blown_start(start, k)
        if k is None or not blown:
            return None
    ln = math.log(k)
    near = (1 - NEAR_CHANCE) * ln <= min(now, low) and now <= (1 + CHANCE) * ln
    if not (near and seen.best >= (1 - BEST_NEAR_CHANCE) * ln):
        return None
    shown = {"what": nice_name(what), "now": now, "start": start, "k": k, "ln": ln}
    if blown:
        return "patience.chance_blown", {**shown, "blown": blown_text(nice_name(what), start)}
    return "patience.near_chance", shown
