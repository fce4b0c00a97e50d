"""Whether a training loss rose steadily (:func:`rose_steadily`): a smooth climb, evaluation
after evaluation, is no unstable training, which jumps (:func:`jumps`).

A learning rate too high makes the training loss jump up and down. A weight decay (an L2
penalty) too strong for the data pulls every weight towards 0 at each step, and the training
loss drifts up smoothly to the chance level: sweep s47 ``s45`` (SGD lr=0.1, weight_decay=1,
moons) went 0.6707 -> 0.6927 (ln 2 = 0.6931) and Patience said "training has become unstable
... (try a smaller learning rate)"; with a learning rate 10 times smaller it was still stuck,
while weight_decay=0 reached a loss of 0.115. A learning rate that a schedule raises pushes the
loss up smoothly too. The training loss rose steadily when, among its latest :data:`VALUES`
values (at least :data:`MIN_VALUES`):

- their least-squares line rises by more than ``STEADY`` standard errors, none taken smaller
  than their noise (from their second differences) gives it;
- at least :data:`UP_STEPS` of their steps go up: a jumpy loss falls at many of them;
- the rise does not speed up: the line through their latest half rises by at most
  :data:`FASTER` times as much per evaluation as the one through their earlier half. A
  weight decay's drift slows down as it nears the chance level; a loss that blows up (a
  learning rate far too high, full-batch: smooth too) climbs faster and faster.

    >>> rose_steadily([0.6707 + 0.0011 * e for e in range(20)])
    True
    >>> rose_steadily([0.6, 0.9, 0.7, 1.1, 0.8, 1.2, 0.9, 1.3])  # jumps: unstable
    False
    >>> rose_steadily([0.3 * 1.5**e for e in range(10)])  # faster and faster: a blow-up
    False
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from nngraph.monitor._falling import _curve_noise
from nngraph.monitor._pace import STEADY
from nngraph.monitor._recovering import _line
from nngraph.monitor._trend import FLOAT_NOISE

__all__ = ["FASTER", "MIN_VALUES", "UP_STEPS", "VALUES", "jumps", "rose_steadily"]

#: How many of the latest training values are read.
VALUES = 20
#: Fewer values than this tell no steady rise.
MIN_VALUES = 6
#: The part of the steps that must go up.
UP_STEPS = 2 / 3
#: How many times faster the latest half may rise than the earlier half.
FASTER = 2.0


def rose_steadily(values: Sequence[float]) -> bool:
    """Whether the training loss whose values are ``values`` (oldest first) rose steadily
    lately (see the module's text).

        >>> rose_steadily([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])  # flat
        False
    """
    window = [float(v) for v in values[-VALUES:]]
    n = len(window)
    if n < MIN_VALUES or not all(math.isfinite(v) for v in window):
        return False
    fall, error, _ = _line(window)
    error = max(error, _curve_noise(window) * math.sqrt(12 / (n * (n * n - 1))))
    ups = sum(b > a for a, b in itertools.pairwise(window))
    if not (-fall > STEADY * error and ups >= UP_STEPS * (n - 1)):
        return False
    half = n // 2
    earlier, latest = -_line(window[: n - half])[0], -_line(window[half:])[0]
    return latest <= FASTER * max(earlier, 0.0) or latest <= -fall


def jumps(latest: Sequence[float]) -> bool:
    """Whether the ``latest`` training values (``Trend.latest``) jump up and down: their steps
    (by more than float rounding) turn from a rise to a fall or back at least twice. A training
    loss that rises steadily after its fall (0.41, 0.36, 0.38, 0.42) does not jump: that is a
    stalled run, or a schedule's, however its validation loss moves.

        >>> jumps([0.9, 0.5, 0.8, 0.45]), jumps([0.41, 0.36, 0.38, 0.42])
        (True, False)
    """
    steps = [b - a for a, b in itertools.pairwise(latest)]
    size = max((abs(v) for v in latest), default=0.0)
    signs = [step > 0 for step in steps if abs(step) > FLOAT_NOISE * size]
    return sum(a != b for a, b in itertools.pairwise(signs)) >= 2
