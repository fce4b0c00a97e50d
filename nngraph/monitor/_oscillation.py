"""Whether a run oscillates: its validation loss swings up and down, again and again, by a
large part of its value, while the training loss does not fall steadily either and stays up
near the validation loss, far from the floor it would reach by memorising. A learning
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

That alone called 17 of 80 ordinary Iris runs (Adam at 1e-2, batches of 16, a validation set
of 15 or 30 points) oscillating: once a model fits its training data, the training loss on a
plateau rises about as much as it falls, and a validation loss of 15 points zigzags by 30%
when one or two points change. They sat either converged (validation loss 0.0017 to 0.02, the
training loss 30 times above it) or memorised (training loss 0.04 against validation 0.2 to
0.76). So the training loss must also stay near the validation loss (between
:data:`FAR_BELOW` and :data:`FAR_ABOVE` times its lowest value in the window: below,
memorised; above, the validation points are fitted) and not fall far below its own first
value (:data:`FITTED` of it: fitted). A learning rate too high keeps it there. GL still calls
one ordinary run of those 80 oscillating (dropout on 15 points, at epoch 15); of the 18 curves
that swing and were told so, one is missed: SGD at lr = 1 on Iris with the training loss
taken as the mean over the epoch's batches (8.7% of its first value; measured after the
epoch, 10.6%, it is told).

    >>> tracker = Oscillation()
    >>> for epoch in range(1, 11):  # 0.19, 0.27, 0.19, ...: a full-batch SGD at lr = 2
    ...     tracker.add(epoch, 0.19 if epoch % 2 else 0.27, 0.19 if epoch % 2 else 0.185)
    >>> swings = tracker.now()
    >>> swings.count, swings.low, swings.high, (swings.first, swings.last)
    (9, 0.19, 0.27, (1, 10))
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from itertools import pairwise

__all__ = [
    "FAR_ABOVE",
    "FAR_BELOW",
    "FITTED",
    "SWING",
    "SWINGS",
    "WINDOW",
    "Oscillation",
    "Swings",
    "count_swings",
    "memorised_or_fitted",
]

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
#: A training loss whose median over the window is below this part of the lowest validation
#: value of the window is far below it: the model memorised its training data, and a small
#: validation set zigzags around its rise (Iris with Adam: training loss 0.04 to 0.08 against
#: 0.21 to 0.76). A learning rate too high keeps the training loss up near the validation loss
#: (0.37 to 1.3 times its lowest value in the runs that swing, at any evaluation 0.3 to 2.2).
FAR_BELOW = 0.3
#: ... and one above this many times it is far above it: a validation loss far below the
#: training loss (dropout keeps that up, or a model fits the few validation points almost
#: perfectly) swings by 30% when one point changes (Iris with dropout: 3 to 14 times).
FAR_ABOVE = 3.0
#: A training loss whose median over the window is below this part of its first value has
#: learnt its training data: the validation loss left near its floor swings by 30% when a few
#: points change (0.0017 to 0.02 on 15 points), which is noise, not a learning rate too high.
#: Ordinary Iris runs with Adam sit at 2 to 8.5% of their first training loss when they
#: zigzag (one at 10.8%); the runs that swing at 10 to 55% (one at 8.7%).
FITTED = 0.1


@dataclass(frozen=True)
class Swings:
    """The validation loss swung ``count`` times between ``low`` and ``high`` over the
    evaluations shown as epochs ``first`` to ``last``."""

    count: int
    low: float
    high: float
    first: int
    last: int

    def fields(self) -> dict[str, int | float]:
        """The numbers an explanation of an oscillating run says (``swing``, ``fall``: the least
        rise and fall counted, in percent)."""
        return {
            "swings": self.count,
            "swing": 100 * SWING,
            "fall": round(100 * SWING / (1 + SWING)),  # back from 1.3 times: a fall of 23%
            "low": self.low,
            "high": self.high,
            "first": self.first,
            "last": self.last,
        }


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


def memorised_or_fitted(values: list[float], train: list[float], first_train: float) -> bool:
    """Whether the swings of the validation ``values`` are no sign of a learning rate too
    high, from the training values ``train`` over the same evaluations: their median is far
    below the validation loss (under :data:`FAR_BELOW` of its lowest value: memorised), far
    above it (over :data:`FAR_ABOVE` times it: the validation points are fitted), or under
    :data:`FITTED` of the run's first training value ``first_train`` (it has learnt its
    training data, and the validation loss wobbles near its floor).

        >>> memorised_or_fitted([0.29, 0.76, 0.21], [0.06, 0.04, 0.08], first_train=0.85)
        True
        >>> memorised_or_fitted([0.002, 0.02, 0.0017], [0.07, 0.06, 0.09], first_train=0.85)
        True
        >>> memorised_or_fitted([0.2, 0.27, 0.19], [0.2, 0.19, 0.19], first_train=0.37)
        False
    """
    level, lowest = statistics.median(train), min(values)
    near = FAR_BELOW * lowest <= level <= FAR_ABOVE * lowest
    return not near or level < FITTED * first_train


class Oscillation:
    """The latest :data:`WINDOW` evaluations: the epoch shown, the validation value and the
    training value (None: not logged), and the run's first training value. Its state is
    immutable, so a shallow copy (a detector judging an epoch again) is a full copy."""

    def __init__(self) -> None:
        self._recent: tuple[tuple[int, float, float | None], ...] = ()
        self._first_train: float | None = None

    def add(self, shown: int, value: float, train: float | None) -> None:
        """One evaluation, shown as epoch ``shown``."""
        self._recent = (*self._recent, (shown, value, train))[-WINDOW:]
        if self._first_train is None and train is not None and math.isfinite(train):
            self._first_train = train

    def now(self) -> Swings | None:
        """The swings of the validation loss when the run oscillates: :data:`SWINGS` or more
        over the last :data:`WINDOW` evaluations, while the training loss, logged at each,
        does not fall steadily (see :func:`falls_steadily`) and is neither far below the
        validation loss nor far below its first value (see :func:`memorised_or_fitted`).
        None otherwise, and before :data:`WINDOW` evaluations."""
        if len(self._recent) < WINDOW or self._first_train is None:
            return None
        values = [value for _, value, _ in self._recent]
        train = [t for _, _, t in self._recent if t is not None and math.isfinite(t)]
        if len(train) < WINDOW or falls_steadily(train):
            return None
        if memorised_or_fitted(values, train, self._first_train):
            return None
        count = count_swings(values)
        if count < SWINGS:
            return None
        return Swings(count, min(values), max(values), self._recent[0][0], self._recent[-1][0])
