"""A "validation" computed on the training data (sweep s47, M6): a 3 x 256 MLP on 90 iris
examples never overfits when its validation loss is its training loss, and the student
concludes it does not overfit. The numbers give it away: with the validation on the training
data after each step, the validation loss of an epoch is the training loss the next epoch
computes on the same weights (the same number, to float rounding, where no Dropout acts), and a
training loss measured after the epoch, as the validation is, is the validation loss itself. A
model validated on other examples never matches its training loss that closely at every epoch
(its validation loss is an independent sample). Said once, gently, after :data:`EPOCHS` epochs
that all match, while the loss still moves (a model that learns nothing gives both sets the
same constant loss, ln 2 on balanced classes, which is no sign of the same data).

    >>> same = SameData()
    >>> losses = [1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3]
    >>> [same.check(train, val) for train, val in zip(losses, losses[1:])][-3:]
    [False, False, True]
"""

from __future__ import annotations

from typing import Any

from nngraph.i18n import message
from nngraph.monitor._names import is_validation, train_twin

__all__ = ["EPOCHS", "SameData"]

#: epochs whose validation value all matched the training one before it is said
EPOCHS = 5
#: how close two values must be to be the same number, relative to the larger
_CLOSE = 1e-3
#: how much the validation values must have moved (relative) for a match to mean anything
_MOVED = 0.01


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _CLOSE * max(abs(a), abs(b))


class SameData:
    """Reads each epoch's training value and validation value of one metric (the last of
    each logged when the validation came); whether to say now that they are the same data."""

    def __init__(self) -> None:
        self._pairs: list[tuple[float, float]] = []  # (training, validation) by epoch
        self.done = False  # said, or an epoch did not match: nothing more to check

    def check(self, train: float, val: float) -> bool:
        """One validation, ``train``: the training value of its epoch. Whether to say it now:
        every epoch before this one matched (its own training value, or this epoch's: the
        same weights), for :data:`EPOCHS` epochs, and the validation values moved."""
        if self.done:
            return False
        if self._pairs:
            before_train, before_val = self._pairs[-1]
            if not (_same(before_val, before_train) or _same(before_val, train)):
                self.done = True
                return False
        self._pairs.append((train, val))
        matched = [v for _, v in self._pairs[:-1]]
        if len(matched) < EPOCHS:
            return False
        if max(matched) - min(matched) <= _MOVED * max(abs(v) for v in matched):
            return False
        self.done = True
        return True

    def fields(self) -> dict[str, int]:
        """The fields of the message: the epochs that matched."""
        return {"epochs": len(self._pairs) - 1}

    def at_log(self, metric: str, values: dict[str, float], series: dict[str, Any]) -> str | None:
        """One ``log()`` of ``values``, after they joined ``series``: the warning to give now,
        if any, where ``metric`` (the watched one, a validation metric) is among them and its
        training twin was logged (in this call or before it)."""
        if self.done or metric not in values or not is_validation(metric):
            return None
        train = train_twin(metric, series)
        last = None if train is None or train not in series else series[train].last
        if last is None or not self.check(last[1], values[metric]):
            return None
        return message("monitor.warn.same_data", metric=metric, train=train, **self.fields())
