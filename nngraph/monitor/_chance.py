"""How far :class:`~nngraph.monitor.detectors.Patience`'s metric moved from its first value
(:func:`gain`), and whether an accuracy it watches sits at chance level, told by the loss
logged beside it (:class:`LossBeside`).

A loss moves by a part of its size; an accuracy (a value between 0 and 1, higher better) by
the part of its error, ``1 - accuracy``, it took off: 0.985 -> 0.992 on MNIST is under 1% of
the value, yet halves the error, while 0.0778 -> 0.0796 (a learning rate of 1e-5 on 10
classes) takes 0.2% off it.

An accuracy alone does not tell how many classes the model guesses among, but a cross-entropy
logged beside it does: a validation loss never clearly below ``ln k`` (see
:func:`~nngraph.monitor._never_improved.settled_classes`), with an accuracy no better than
:data:`AT_CHANCE` times ``1/k``, is a model that guesses.

    >>> beside = LossBeside("val_acc")
    >>> for loss in (2.305, 2.304, 2.306):
    ...     beside.add({"val_acc": 0.08, "val_loss": loss})
    >>> beside.name, beside.classes(0.0796), beside.classes(0.6), LossBeside("val_bacc").name
    ('val_loss', 10, None, None)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Literal

from nngraph.monitor._never_improved import settled_classes

__all__ = ["AT_CHANCE", "LossBeside", "gain"]

#: An accuracy no higher than this many times ``1/k`` is at chance level beside a loss that
#: was never clearly below ``ln k``: guessing among 10 balanced classes scores 0.1 give or
#: take its noise (0.016 on 360 examples), not 0.15; a model that learns passes it within a
#: few epochs.
AT_CHANCE = 1.5
#: The last word of an accuracy's name, which the loss beside it has in its place.
_ACCURACY = re.compile(r"(?<![a-z0-9])(acc|accuracy)$", re.IGNORECASE)


def gain(first: float, best: float, mode: Literal["min", "max"]) -> float:
    """How far ``best`` lies beyond ``first``: for a loss (``mode="min"``) as a part of the
    larger of their sizes (a negative loss, one that starts at 0, too); for a value between 0
    and 1 where higher is better (an accuracy) as the part of its error ``1 - first`` it took
    off; ``inf`` where no such part can be told (another ``"max"`` metric, a first value of 1,
    two zeros).

        >>> round(gain(2.0, 1.99, "min"), 6), round(gain(0.0778, 0.0796, "max"), 4)
        (0.005, 0.002)
        >>> gain(0.985, 0.992, "max") > 0.4, gain(30.0, 31.0, "max")
        (True, inf)
    """
    if mode == "max":
        if not (0 <= first < 1 and 0 <= best <= 1):
            return math.inf
        return (best - first) / (1 - first)
    scale = max(abs(first), abs(best))
    return (first - best) / scale if scale else math.inf


class LossBeside:
    """The loss logged beside an accuracy on the same data (``val_loss`` beside ``val_acc``):
    its latest and lowest finite values. ``name`` is None for a metric that is no accuracy."""

    def __init__(self, metric: str) -> None:
        self.name = _ACCURACY.sub("loss", metric) if _ACCURACY.search(metric) else None
        self.now, self.low = math.nan, math.inf

    def add(self, metrics: Mapping[str, float]) -> None:
        """Note the loss in one call's ``metrics``, where it is logged and finite.

        >>> beside = LossBeside("val_acc"); beside.add({"val_loss": 2.3}); beside.now
        2.3
        """
        value = metrics.get(self.name) if self.name else None
        if value is None or not math.isfinite(value):
            return
        self.now, self.low = value, min(self.low, value)

    def classes(self, best: float) -> int | None:
        """The number of classes ``k`` when the loss has never been clearly below ``ln k`` (its
        lowest value at that level, see
        :func:`~nngraph.monitor._never_improved.settled_classes`; above it, as after a blow-up
        or while the guesses swing from class to class, is no better) and ``best``, the
        accuracy's best, is no higher than :data:`AT_CHANCE` times ``1/k``; else None.

            >>> beside = LossBeside("val_acc"); beside.add({"val_loss": 0.69})
            >>> beside.classes(0.52), beside.classes(0.9)
            (2, None)
        """
        k = settled_classes(self.low)
        return k if k is not None and best <= AT_CHANCE / k else None
