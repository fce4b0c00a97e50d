"""Whether a validation loss that GL finds above its limit is still improving overall
(:func:`still_improving`): a wobble of a loss that keeps setting new bests is no sign of
memorising, whatever the training loss does meanwhile.

GL(5) fires on every 5% wobble, as Prechelt published it. On a correct mini-batch run
(sweep s47, ``s27``: digits, BatchNorm and Dropout) the validation loss wobbles by about 10%
from epoch to epoch while it still sets new bests (at epochs 35-39 of 40), and GL said "the
model may have started to memorise" 3 or 4 times; on raw pixels (``s10``) it alternated
"memorise" and "unstable" 20 times while the best was the last epoch's. The validation loss
is still improving when (this value included):

- the least-squares line of its latest :data:`LINE_VALUES` values falls by more than ``STEADY`` standard errors (none taken smaller
  than their noise gives it), and this value lies within ``STEADY`` times their noise (from
  the spread of their second differences, which neither a steady fall nor a smooth bend
  raises) of the line: a falling trend, this value one more wobble about it; or
- among its latest :data:`VALUES` values, whose steps turn up or down at least
  :data:`TURNS` times (a wobble, not a smooth U), its best came at most :data:`RECENT` evaluations ago (``recent=False``: among them, for a
  rise GL has spoken of already, so that the best growing older does not turn a wobble into
  memorising by itself, or in a run it told its training is unstable), this value lies within ``STEADY`` times the noise of a difference
  of two values above that best (the noise: as above), and
  the line does not rise by more than ``STEADY`` standard errors, nor has the loss risen at
  each of the evaluations since the best: at two or more for a rise GL has not spoken of yet
  (0.525, 0.541, 0.557 is a climb), at more than ``WINDOW`` and by more than ``STEADY``
  times its wobble in all for one it has (0.66, 0.70, 0.71, 0.72): a recent new best, this
  rise no larger than its wobble.

A memorising model's validation loss creeps up: its line rises beyond its noise within a
few evaluations (by ``VALUES`` evaluations after the best at the latest), and GL then says
memorising (see :func:`~nngraph.monitor._gl_reading.corrects`).

    >>> wobbly = [0.30, 0.26, 0.27, 0.22, 0.24, 0.20, 0.21, 0.18, 0.19, 0.16, 0.175]
    >>> still_improving(wobbly, best_age=1)
    True
    >>> memorising = [0.30, 0.25, 0.22, 0.20, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27]
    >>> still_improving(memorising, best_age=7)
    False
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence

from nngraph.monitor._pace import STEADY
from nngraph.monitor._recovering import _line
from nngraph.monitor._trend import WINDOW

__all__ = ["LINE_VALUES", "MIN_VALUES", "RECENT", "TURNS", "VALUES", "still_improving"]

#: How many of the latest validation values a recent best is looked for among (more reach
#: back to before a rise that began a while ago), ...
VALUES = 12
#: ... and how many the falling line is fitted to (a trend over fewer says little of noise
#: as large as the rise: raw pixels, 1.3 -> 0.46 in 70 epochs in noise of +-20%).
LINE_VALUES = 24
#: Fewer values than this tell no trend from noise: not improving.
MIN_VALUES = 6
#: A loss wobbles only where its steps turn up or down at least this many times among
#: :data:`VALUES` values: the lecture's overfit (demo 6: 0.30 at epoch 8, 0.31, 0.33) turns
#: once, at its best, and was called a wobble of a loss still falling from 1.87.
TURNS = 3
#: A new best at most this many evaluations ago is a recent one: in the lecture's
#: overfitting curve GL first speaks 4 evaluations after the best, and must say memorising.
RECENT = 2


def _wobble(values: list[float]) -> float:
    """How far one of ``values`` lies from the smooth curve they follow, as a standard
    deviation, from the spread of their second differences about their median (0.6745 *
    sqrt(6) times it for independent noise): neither a steady fall nor the bend of a smooth
    U (the lecture's overfitting curve, whose second differences are all about the same)
    counts as a wobble.

        >>> u = [0.4 + 0.01 * (e - 8) ** 2 + 0.5 / e for e in range(1, 11)]
        >>> round(_wobble(u), 4), round(_wobble([0.5, 0.6] * 5), 4)
        (0.0029, 0.1211)
    """
    second = [a - 2 * b + c for a, b, c in zip(values, values[1:], values[2:], strict=False)]
    if not second:
        return 0.0
    middle = statistics.median(second)
    return statistics.median(abs(d - middle) for d in second) / (0.6745 * math.sqrt(6))


def _on_falling_line(values: list[float]) -> bool:
    """The least-squares line of ``values`` falls by more than ``STEADY`` standard errors
    (none taken smaller than their noise gives it), and the last one lies within ``STEADY``
    times their noise (from their second differences, which a steady fall does not raise)
    above it."""
    n = len(values)
    fall, error, _ = _line(values)
    curve = _wobble(values)
    error = max(error, curve * math.sqrt(12 / (n * (n * n - 1))))
    on_line = sum(values) / n - fall * (n - 1) / 2
    return fall > STEADY * error and values[-1] - on_line <= STEADY * curve


def still_improving(
    values: Sequence[float], best_age: int, *, fresh: bool = True, recent: bool = True
) -> bool:
    """Whether the validation loss whose latest values are ``values`` (oldest first, this one
    last; the latest :data:`VALUES` are read) is still improving overall (see the module's
    text); ``best_age``: how many evaluations ago its best came (0: this one); ``fresh``: a
    rise GL has not spoken of yet; ``recent``: its best must be a recent one (a fresh rise
    in a run not told its training is unstable, whose wobble may be large).

        >>> still_improving([1.0, 0.9, 0.95, 0.8, 0.85, 0.7, 0.75, 0.6, 0.65, 0.5, 0.55], best_age=1)
        True
        >>> still_improving([0.2, 0.2, 0.2, 0.2, 0.2, 0.3], best_age=5)  # a step up
        False
    """
    longer = [float(v) for v in values[-LINE_VALUES:]]
    if len(longer) < MIN_VALUES or not all(math.isfinite(v) for v in longer):
        return False
    if _on_falling_line(longer):
        return True
    window = longer[-VALUES:]
    n = len(window)
    fall, error, _ = _line(window)
    curve = _wobble(window)
    error = max(error, curve * math.sqrt(12 / (n * (n * n - 1))))
    if best_age > (RECENT if recent else n - 1) or -fall > STEADY * error:
        return False
    steps = [b - a for a, b in itertools.pairwise(window) if b != a]
    if sum(a * b < 0 for a, b in itertools.pairwise(steps)) < TURNS:
        return False  # a smooth curve (a U) does not wobble, whatever its bend
    since = window[-best_age - 1 :]
    rising = all(a < b for a, b in itertools.pairwise(since))
    if rising and (
        len(since) > 2 if fresh else len(since) > WINDOW and since[-1] - since[0] > STEADY * curve
    ):
        return False  # a climb at every evaluation since the best, no wobble
    best = min(window)
    return window[-1] - best <= STEADY * curve * math.sqrt(2)
