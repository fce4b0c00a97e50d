"""Whether a run oscillates: its validation loss swings up and down, again and again, by a
large part of its value, while the training loss does not fall steadily either. A learning
rate (or a momentum) too high makes the optimizer jump across the valley of the loss instead of
settling in it; GL's rise above its limit is then one more swing, not the model memorising its
training data (:func:`~nngraph.monitor._gl_reading.gl_reading` says so).

The thresholds come from real runs (small MLPs on Iris, moons, the lecture's two-class data,
wine and digits). Runs that swing: SGD with momentum 0.97 or 0.99 on mini-batches, plain SGD
at a learning rate of 0.5 to 2, whose validation loss doubles and halves every epoch or two.
Runs that must not: a validation set of 15 to 30 points that wobbles by 10 to 25% while the
training loss falls, dropout, overfitting with label noise (the validation loss zigzags by 30%
while it climbs; the training loss falls steadily), one spike and its recovery (3 or 4 swings),
plateaus. None of those reaches :data:`SWINGS` swings of :data:`SWING` in :data:`WINDOW`
evaluations while its training loss rises a third as much as it falls.

    >>> tracker = Oscillation()
    >>> for epoch in range(1, 11):  # 0.19, 0.27, 0.19, ...: a full-batch SGD at lr = 2
    ...     tracker.add(epoch, 0.19 if epoch % 2 else 0.27, 0.19 if epoch % 2 else 0.185)
    >>> swings = tracker.now()
    >>> swings.count, swings.low, swings.high, (swings.first, swings.last)
    (9, 0.19, 0.27, (1, 10))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["SWING", "SWINGS", "WINDOW", "Oscillation", "Swings", "count_swings"]

#: How many of the latest evaluations are looked at: the first 10 epochs of a run that still
#: falls are never called oscillating.
WINDOW = 10
#: A swing is a rise or a fall by more than this part of the lower value (a rise from 0.2 to
#: more than 0.26, a fall from 0.26 to less than 0.2). A validation set of 30 points wobbles by
#: 10 to 25% in a calm run; at 20%, runs that overfit or use dropout were called oscillating.
SWING = 0.3
#: At least this many swings, in turn (up, down, up, ...), within :data:`WINDOW` evaluations.
#: One spike and its recovery make 2 to 4; at 5, a run with Adam whose validation loss
#: wobbled around a slow rise was called oscillating.
SWINGS = 6
#: The training loss does not fall steadily when its rises add up to at least this part of its
#: falls over the same evaluations: a run that overfits, whose training loss falls with a small
#: bump now and then (rises about a tenth of its falls), is not oscillating, however much its
#: validation loss zigzags.
TRAIN_RISES = 1 / 3


@dataclass(frozen=True)
class Swings:
    """The validation loss swung ``count`` times between ``low`` and ``high`` over the
    evaluations shown as epochs ``first`` to ``last``."""

    count: int
    low: float
    high: float
    first: int
    last: int


def count_swings(values: list[float], swing: float = SWING) -> int:
    """How many times ``values`` rose or fell, in turn, by more than ``swing`` of the lower
    value (a zigzag: a move counts once it has gone that far back from the last turn). 0 for
    a value that is not a positive finite number: a swing has no size next to 0.

        >>> count_swings([1.0, 2.0, 1.0, 2.0]), count_swings([1.0, 1.2, 1.0, 1.2])
        (3, 0)
        >>> count_swings([3.0, 2.0, 1.0, 0.5]), count_swings([1.0, 2.0, 0.0])
        (1, 0)
    """
    if not all(v > 0 and math.isfinite(v) for v in values):
        return 0
    step = math.log1p(swing)
    logs = [math.log(v) for v in values]
    count, direction, high, low = 0, 0, logs[0], logs[0]
    for x in logs[1:]:
        high, low = max(high, x), min(low, x)
        if direction >= 0 and x < high - step:  # fell far enough from the last top
            count, direction, low = count + 1, -1, x
        elif direction <= 0 and x > low + step:  # rose far enough from the last bottom
            count, direction, high = count + 1, 1, x
    return count


def falls_steadily(train: list[float]) -> bool:
    """Whether the training values ``train`` fall steadily: their rises add up to less than
    :data:`TRAIN_RISES` of their falls (or they do not move at all).

        >>> falls_steadily([0.5, 0.4, 0.41, 0.3]), falls_steadily([0.2, 0.19, 0.2, 0.185])
        (True, False)
    """
    rises = sum(max(b - a, 0.0) for a, b in pairwise(train))
    falls = sum(max(a - b, 0.0) for a, b in pairwise(train))
    return not (rises > 0 and rises >= TRAIN_RISES * falls)


class Oscillation:
    """The latest :data:`WINDOW` evaluations: the epoch shown, the validation value and the
    training value (None: not logged). Its state is a tuple, so a shallow copy (a detector
    judging an epoch again) is a full copy."""

    def __init__(self) -> None:
        self._recent: tuple[tuple[int, float, float | None], ...] = ()

    def add(self, shown: int, value: float, train: float | None) -> None:
        """One evaluation, shown as epoch ``shown``."""
        self._recent = (*self._recent, (shown, value, train))[-WINDOW:]

    def now(self) -> Swings | None:
        """The swings of the validation loss when the run oscillates: :data:`SWINGS` or more
        over the last :data:`WINDOW` evaluations, while the training loss, logged at each,
        does not fall steadily (see :func:`falls_steadily`). None otherwise, and before
        :data:`WINDOW` evaluations."""
        if len(self._recent) < WINDOW:
            return None
        values = [value for _, value, _ in self._recent]
        train = [t for _, _, t in self._recent if t is not None and math.isfinite(t)]
        if len(train) < WINDOW or falls_steadily(train):
            return None
        count = count_swings(values)
        if count < SWINGS:
            return None
        return Swings(count, min(values), max(values), self._recent[0][0], self._recent[-1][0])
