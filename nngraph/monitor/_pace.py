"""How fast a training loss fell up to a detector's best epoch, and how noisy it is, for
:mod:`~nngraph.monitor._trend`'s reading of it since: a least-squares line through its values
(:func:`fall_per_evaluation`), the pace it fell at over the latest :data:`WINDOWS` of them
(:func:`pace_up_to_best`), and how far one value lies from the curve they follow
(:func:`noise`). Each is a change of the loss, or a spread of it, never a part of its size:
the same loss shifted by a constant (a Gaussian NLL below 0) gets the same pace and noise.

    >>> wobble = (0.002, -0.001, 0.0, 0.001, -0.002, 0.0015, -0.0005)  # noise of about 0.0014
    >>> falling = tuple(1.0 - 0.01 * i + wobble[i % 7] for i in range(20))
    >>> pace, steady, spread = pace_up_to_best(falling, 4)
    >>> round(pace, 4), steady, round(spread, 4)
    (0.0101, True, 0.0015)
    >>> pace, steady, spread = pace_up_to_best(tuple(v - 5 for v in falling), 4)  # below 0
    >>> round(pace, 4), steady, round(spread, 4)
    (0.0101, True, 0.0015)
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "FLOAT_NOISE",
    "HISTORY",
    "STEADY",
    "WINDOWS",
    "fall_per_evaluation",
    "noise",
    "pace_up_to_best",
]

#: A change of less than this part of a value is float rounding, not a change. Most losses are
#: float32 (epsilon 1.2e-7, about 7 significant digits), and a mean over a data set rounds a
#: few epsilons more, so a model a scheduler froze (a learning rate of 5e-9 after
#: ReduceLROnPlateau) moves its loss in the 7th or 8th digit, up as often as down (seen:
#: UP said "keeps getting worse" of 0.34239674 -> 0.34239677 -> 0.3423968). 1e-6 is about 8
#: epsilons: above that noise, far below any change a student could see.
FLOAT_NOISE = 1e-6
#: How many training values up to the best epoch show whether it fell steadily then: the
#: latest 8, 16, 32 and 64 of them (:data:`WINDOWS`, as many as there are: a fall of 0.1% an
#: epoch hides in the noise of 16 values and shows in 64); the noise is that of the latest 32.
HISTORY = 16
WINDOWS = (HISTORY // 2, HISTORY, 2 * HISTORY, 4 * HISTORY)
#: A fall by more than this many standard errors of its least-squares fall per evaluation is
#: steady, not noise around a level, which falls by chance as often as not; the pace the fall
#: since the best is held to. A stop, or a fall, since the best is a change of more than this
#: many times the noise of the means compared, too.
STEADY = 3.0


def fall_per_evaluation(values: tuple[float, ...]) -> tuple[float, float]:
    """How much ``values`` fall per evaluation (a least-squares line) and the standard error
    of that: NaN for fewer than ``HISTORY // 2`` values or a non-finite one, 0 for a change
    within :data:`FLOAT_NOISE` (the float rounding of a flat loss is no steady fall).

        >>> fall, error = fall_per_evaluation(tuple(1.0 - 0.01 * i for i in range(8)))
        >>> round(fall, 6), error < 1e-9  # a straight line: no noise around it
        (0.01, True)
    """
    n = len(values)
    if n < HISTORY // 2 or not all(math.isfinite(v) for v in values):
        return math.nan, math.nan
    middle, mean = (n - 1) / 2, sum(values) / n
    spread = sum((i - middle) ** 2 for i in range(n))
    slope = sum((i - middle) * (v - mean) for i, v in enumerate(values)) / spread
    if abs(slope) <= FLOAT_NOISE * abs(mean):
        return 0.0, 0.0
    residual = sum((v - mean - slope * (i - middle)) ** 2 for i, v in enumerate(values))
    return -slope, math.sqrt(residual / (n - 2) / spread)


def noise(values: tuple[float, ...]) -> float:
    """How far one of the latest ``2 * HISTORY`` ``values`` lies from the smooth curve they
    follow (a standard deviation). Of two estimates, the smaller: the spread around a
    least-squares parabola, which counts a sharp bend (a fast fall that levels off) as noise,
    and one from their second differences (the median size is 0.6745 * sqrt(6) times it for
    independent noise), which counts a loss that zigzags (momentum) 2.4 times over. NaN for
    fewer than ``HISTORY // 2`` values or a non-finite one.

        >>> wobble = (0.002, -0.001, 0.0, 0.001, -0.002, 0.0015, -0.0005)
        >>> round(noise(tuple(1 - 0.1 * i + 0.002 * i * i + wobble[i % 7] for i in range(16))), 4)
        0.0015
    """
    latest = np.array(values[-2 * HISTORY :], dtype=float)
    n = len(latest)
    if n < HISTORY // 2 or not np.isfinite(latest).all():
        return math.nan
    x = np.arange(n) - (n - 1) / 2
    residual = latest - np.polyval(np.polyfit(x, latest, 2), x)
    around = math.sqrt(float(np.sum(residual**2)) / (n - 3))
    second = float(np.median(np.abs(np.diff(latest, 2)))) / (0.6745 * math.sqrt(6))
    return min(around, second)


def pace_up_to_best(values: tuple[float, ...], last: int) -> tuple[float, bool, float]:
    """How much the training ``values`` up to the best epoch fell per evaluation (NaN:
    unknown), whether that fall was steady (see :data:`STEADY`), and their :func:`noise`.
    The pace is the fall of the shortest of the :data:`WINDOWS` over which it fell (or rose:
    a learning rate that overshot) steadily, lower for a loss that slows down; when a shorter
    one moves clearly otherwise, the fall levelled off before the best: that one's pace, no
    steady fall. With no steady fall, the pace of the longest (noise around a level); with
    fewer than ``HISTORY // 2`` values, that of the ``last`` few. No standard error is taken
    smaller than the :func:`noise` of the values gives it: one from 8 values may be far too
    small (a chance rise over the latest 8 read as a fall that levelled off).

        >>> levelled = tuple(1.0 - 0.05 * i for i in range(12)) + (0.45, 0.46, 0.45, 0.44) * 2
        >>> pace, steady, spread = pace_up_to_best(levelled, 4)
        >>> round(pace, 4), steady  # the pace of the latest 8: no steady fall
        (0.001, False)
    """
    lately = values[-last:]
    pace = (lately[0] - lately[-1]) / (len(lately) - 1) if lately[1:] else math.nan
    spread = noise(values)
    lines = []
    for n in sorted({min(size, len(values)) for size in WINDOWS}):
        fall, error = fall_per_evaluation(values[-n:])
        if math.isfinite(fall):
            lines.append((fall, max(error, spread * math.sqrt(12 / (n * (n * n - 1))))))
    found = [i for i, (fall, error) in enumerate(lines) if abs(fall) > STEADY * error]
    steady = bool(found)
    if found:
        fall = lines[found[0]][0]
        changed = [f for f, error in lines[: found[0]] if abs(f - fall) > STEADY * error]
        steady, pace = not changed, (changed or [fall])[0]
    elif lines:
        pace = lines[-1][0]
    return (pace if math.isfinite(pace) else math.nan), steady, spread
