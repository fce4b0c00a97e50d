"""When a validation loss has jumped (:func:`sudden_jump`): grown in one evaluation by far more
than noise, from the value before or from its level before one lucky low (:func:`level_of`),
which GL, PQ and UP read as unstable training, not overfitting. Beside a training loss that
swings (a learning rate far too high), a value back at its level is one more swing
(:func:`steady`).

    >>> sudden_jump(0.4, 0.9, 0.5), sudden_jump(0.31, 0.63, 0.45, level=0.63)
    (True, False)
"""

from __future__ import annotations

import math
from itertools import pairwise

from nngraph.monitor._trend import MEMORISED, RISE, Trend
from nngraph.monitor._trend import UNSTABLE as UNSTABLE_TIMES

__all__ = ["JUMP", "STEADY_SPREAD", "before", "level_of", "steady", "sudden_jump"]

#: A validation loss that grows more than this many times in one evaluation has blown up,
#: whatever the training loss says.
JUMP = 10.0

#: How far apart the latest training values may be for a steady training loss: 25%
STEADY_SPREAD = 1.25


def level_of(recent: tuple[float, ...]) -> float:
    """The level of the validation loss before a new value: the median of the last three
    evaluations (``recent``), which one lucky low does not move; NaN until there are three
    finite ones. A run that swings up and down every evaluation has its low as its median.

        >>> level_of((0.64, 0.63, 0.31)), level_of((0.7, 1.8, 0.69)), level_of((0.5, 0.4))
        (0.63, 0.7, nan)
    """
    finite = sorted(v for v in recent if math.isfinite(v))
    return finite[1] if len(finite) == 3 else math.nan


def before(recent: tuple[float, ...]) -> tuple[float, float]:
    """The value at the evaluation before a new one (NaN: none yet) and the level before it
    (see :func:`level_of`), from the last three evaluations ``recent``.

        >>> before((0.64, 0.63, 0.31)), before(())
        ((0.31, 0.63), (nan, nan))
    """
    return (recent[-1] if recent else math.nan), level_of(recent)


def sudden_jump(
    previous: float, value: float, train: float | None, level: float = math.nan
) -> bool:
    """A validation loss ``value`` that grew more than :data:`JUMP` times from the evaluation
    before (``previous``) has blown up; one that more than doubled (``_trend.UNSTABLE``) has
    too, when the training loss ``train`` is logged, not far below ``previous`` (a
    validation loss near 0 next to a memorised training loss may double by noise) and not
    far above ``value`` (nor next to a training loss ten times above it, with dropout).
    Measured from the ``level`` before (see :func:`level_of`) where that is higher: a value back at
    the level before one lucky low (a small validation set) has not jumped. False for a NaN.

        >>> sudden_jump(8.34, 20.6, 10.3), sudden_jump(0.02, 0.05, 0.001), sudden_jump(1, 11, None)
        (True, False, True)
        >>> sudden_jump(0.31, 0.63, 0.45), sudden_jump(0.31, 0.63, 0.45, level=0.63)
        (True, False)
        >>> sudden_jump(0.019, 0.042, 0.23)  # 15 validation points, a training loss far above
        False
    """
    if level > previous:
        previous = level
    if not previous > 0:
        return False
    if value > JUMP * previous:
        return True
    # a doubled value still far below the training loss is a small validation set's noise
    close = train is not None and MEMORISED * previous < train < UNSTABLE_TIMES * value
    return close and value > UNSTABLE_TIMES * previous


def steady(trend: Trend | None) -> bool:
    """Whether the latest training values fall (by more than a tick of :data:`RISE` up
    nowhere) or stay within :data:`STEADY_SPREAD` of one another: a validation loss back at
    its level before one low value is no jump there, but beside a training loss that swings
    (a learning rate far too high) it is one more swing.

        >>> steady(Trend(0.06, 0.06, 3, 1, latest=(0.07, 0.065, 0.06))), steady(None)
        (True, False)
        >>> steady(Trend(0.6, 0.51, 3, 1, latest=(0.68, 0.6, 0.55, 0.51)))  # still learning
        True
        >>> steady(Trend(1.3, 0.8, 3, 1, latest=(1.06, 1.28, 0.82)))  # SGD at lr=5
        False
    """
    values = [v for v in trend.latest if v > 0 and math.isfinite(v)] if trend else []
    if len(values) < 2:
        return False
    falling = all(b <= a * (1 + RISE) for a, b in pairwise(values))
    return falling or max(values) < STEADY_SPREAD * min(values)
