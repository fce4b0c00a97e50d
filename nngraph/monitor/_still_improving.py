"""Whether a validation loss that GL finds above its limit is still improving overall
(:func:`still_improving`): a wobble of a loss that keeps setting new bests is no sign of
memorising, whatever the training loss does meanwhile.

GL(5) fires on every 5% wobble, as Prechelt published it. On a correct mini-batch run
(sweep s47, ``s27``: digits, BatchNorm and Dropout) the validation loss wobbles by about 10%
from epoch to epoch while it still sets new bests (at epochs 35-39 of 40), and GL said "the
model may have started to memorise" 3 or 4 times; on raw pixels (``s10``) it alternated
"memorise" and "unstable" 20 times while the best was the last epoch's. The validation loss
is still improving when, among its latest :data:`VALUES` values (this one included):

- their least-squares line falls by more than ``STEADY`` standard errors (none taken smaller
  than their noise gives it), and this value lies within ``STEADY`` times their noise (from
  their second differences, which a steady fall does not raise) of the line: a falling trend, this value one more wobble about it; or
- its best came at most :data:`RECENT` evaluations ago (``fresh=False``: among them, for a
  rise GL has spoken of already, so that the best growing older does not turn a wobble into
  memorising by itself), this value lies within ``STEADY`` times the noise of a difference
  of two values above that best (the noise: the larger of what the median step and the
  median second difference give, as a standard deviation), and
  the line does not rise by more than ``STEADY`` standard errors, nor has the loss risen at
  each of the (more than ``WINDOW``) evaluations since the best (0.66, 0.70, 0.71, 0.72 is
  a climb): a recent new best, this rise no larger than its wobble.

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
from collections.abc import Sequence

from nngraph.monitor._falling import _curve_noise
from nngraph.monitor._pace import STEADY
from nngraph.monitor._recovering import _line, _noise
from nngraph.monitor._trend import WINDOW

__all__ = ["MIN_VALUES", "RECENT", "VALUES", "still_improving"]

#: How many of the latest validation values are read (a trend over fewer says little of
#: noise as large as the rise, more reach back to before a rise that began a while ago).
VALUES = 12
#: Fewer values than this tell no trend from noise: not improving.
MIN_VALUES = 6
#: A new best at most this many evaluations ago is a recent one: in the lecture's
#: overfitting curve GL first speaks 4 evaluations after the best, and must say memorising.
RECENT = 2


def still_improving(values: Sequence[float], best_age: int, *, fresh: bool = True) -> bool:
    """Whether the validation loss whose latest values are ``values`` (oldest first, this one
    last; the latest :data:`VALUES` are read) is still improving overall (see the module's
    text); ``best_age``: how many evaluations ago its best came (0: this one); ``fresh``: a
    rise GL has not spoken of yet.

        >>> still_improving([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.25], best_age=1)
        True
        >>> still_improving([0.2, 0.2, 0.2, 0.2, 0.2, 0.3], best_age=5)  # a step up
        False
    """
    window = [float(v) for v in values[-VALUES:]]
    n = len(window)
    if n < MIN_VALUES or not all(math.isfinite(v) for v in window):
        return False
    fall, error, _ = _line(window)
    error = max(error, _curve_noise(window) * math.sqrt(12 / (n * (n * n - 1))))
    curve = _curve_noise(window)  # a steady fall does not count as noise here
    if fall > STEADY * error:  # a falling line: is this value a wobble about it?
        on_line = sum(window) / n - fall * (n - 1) / 2
        return window[-1] - on_line <= STEADY * curve
    # the larger of two robust estimates: a quiet stretch makes the median step small
    noise = max(_noise(window), curve)
    if best_age > (RECENT if fresh else n - 1) or -fall > STEADY * error:
        return False
    since = window[-best_age - 1 :]
    if len(since) > WINDOW and all(a < b for a, b in itertools.pairwise(since)):
        return False  # a climb at every evaluation since the best, no wobble
    best = min(window)
    return window[-1] - best <= STEADY * noise * math.sqrt(2)
