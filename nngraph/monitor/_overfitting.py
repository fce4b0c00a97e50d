"""Overfitting that :func:`~nngraph.monitor._no_better.memorising` does not name: a
validation metric that got clearly worse since its best while its training twin kept
improving clearly, whatever the gap between the two (:func:`overfitting`), also for an
accuracy (higher is better), and from the first epoch on, as in fine-tuning (Patience's
reading of a metric that never improved on its first value, see
:mod:`~nngraph.monitor._never_improved`).

``memorising`` asks a training loss at most half of the best validation loss: the lecture's
picture (training error 0, validation 20). A moderate gap (training loss 0.197 still falling,
validation loss from its best 0.358 up to 0.507) is overfitting too, and what a student
watching both curves expects to hear; without the training loss far below, the numbers
themselves must show it beyond their noise:

- the training twin clearly better than the metric's best (``clearly_better``: 5% of it; a
  model that does no better on its training data than on new data shows no memorising);
- the training twin still improving since the best epoch (:func:`training_improving`): a
  least-squares line through its values from the best epoch on improves by more than
  :data:`~nngraph.monitor._pace.STEADY` standard errors, and the later half of them does not
  turn back by as much (a training loss that fell once and climbs back is unstable training);
  with fewer than ``HISTORY // 2`` values (a short patience), better at each of them and by
  more than ``RISE`` of its size in all;
- the metric worse since its best as ``memorising`` asks: its last 3 values more than
  ``OVERFIT`` worse than the best on average, and rising beyond the noise of its values
  (``_rising``). An accuracy (between 0 and 1) is judged by its error, ``1 - accuracy``: a
  fall from 0.86 to 0.84 is 14% more errors.

    >>> seen = Seen("val_loss", "min", 0.507, 0.358, "loss", 0.197, 0.8)
    >>> latest = [(20 + i, 0.358 + 0.0075 * i) for i in range(1, 21)]
    >>> trained = [(20 + i, 0.25 - 0.0026 * i) for i in range(21)]
    >>> overfitting(seen, latest, trained, 20)[0]
    'patience.overfitting'
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from nngraph.monitor._names import is_validation
from nngraph.monitor._never_improved import Seen, clearly_better, far_better
from nngraph.monitor._no_better import AT_LOWEST, OVERFIT, _rising
from nngraph.monitor._pace import HISTORY, STEADY, fall_per_evaluation
from nngraph.monitor._trend import RISE

__all__ = ["overfitting", "training_improving"]


def training_improving(values: Sequence[float], *, higher: bool) -> bool:
    """Whether the training ``values`` (from the best epoch on, oldest first) still improve
    beyond their noise (see the module docstring); ``higher``: higher is better.

        >>> training_improving([0.25 - 0.003 * i for i in range(20)], higher=False)
        True
        >>> wobble = [0.2 + 0.01 * (-1) ** i for i in range(20)]  # flat, in noise
        >>> training_improving(wobble, higher=False)
        False
        >>> training_improving([0.3, 0.29, 0.27, 0.26], higher=False)  # short, at each step
        True
        >>> training_improving([0.8, 0.83, 0.85, 0.9], higher=True)
        True
    """
    signed = tuple(-v if higher else v for v in values)
    n = len(signed)
    if n < 3:
        return False
    if n < HISTORY // 2:
        steps = all(b < a for a, b in zip(signed, signed[1:], strict=False))
        return steps and signed[0] - signed[-1] > RISE * abs(signed[0])
    fall, error = fall_per_evaluation(signed)
    if not fall > STEADY * error:
        return False
    later = signed[n // 2 :]
    if len(later) < HISTORY // 2:
        return statistics.fmean(later) < statistics.fmean(signed[: n // 2])
    back, back_error = fall_per_evaluation(later)
    return not -back > STEADY * back_error  # the later half does not climb back clearly


def _errors(values: Sequence[float], best: float, higher: bool) -> tuple[list[float], float]:
    """``values`` and ``best`` as errors, lower the better: an accuracy between 0 and 1 as
    ``1 - accuracy``, another higher-is-better metric negated."""
    if not higher:
        return list(values), best
    if 0 <= best <= 1 and all(0 <= v <= 1 for v in values):
        return [1 - v for v in values], 1 - best
    return [-v for v in values], -best


def _got_worse(values: Sequence[float], best: float, higher: bool) -> bool:
    """The metric's ``values`` since its ``best`` got clearly worse, as ``memorising`` asks:
    at least 3, their last 3 more than ``OVERFIT`` worse on average, and rising beyond their
    noise."""
    if len(values) < 3:
        return False
    errors, low = _errors(values, best, higher)
    recent = statistics.fmean(errors[-3:])
    return recent > low + OVERFIT * abs(low) and _rising(errors, low)


def overfitting(
    seen: Seen,
    latest: Sequence[tuple[int, float]],
    trained: Sequence[tuple[int, float]],
    best_epoch: int,
) -> tuple[str, dict[str, Any]] | None:
    """Patience's explanation when its validation metric got clearly worse since its best
    while its training twin still improves (see the module docstring); for an accuracy also
    when its training twin rests far better at its highest. ``latest``: the metric's
    ``(epoch, value)`` pairs after the best, ``trained``: the training twin's, the best
    epoch (``best_epoch``) on. None otherwise.

        >>> seen = Seen("val_acc", "max", 0.80, 0.86, "acc", 0.97, 0.5)
        >>> latest = [(20 + i, 0.86 - 0.003 * i) for i in range(1, 21)]
        >>> trained = [(20 + i, 0.91 + 0.003 * i) for i in range(21)]
        >>> overfitting(seen, latest, trained, 20)[0]
        'patience.overfitting_higher'
        >>> overfitting(seen, [(21, 0.85), (22, 0.86), (23, 0.85)], trained, 20) is None
        True
    """
    if seen.train is None or not is_validation(seen.metric):
        return None
    higher = seen.mode == "max"
    values = [value for epoch, value in latest if epoch > best_epoch]
    train = [value for epoch, value in trained if epoch >= best_epoch]
    if not train or not clearly_better(seen) or not _got_worse(values, seen.best, higher):
        return None
    first = next(epoch for epoch, _ in trained if epoch >= best_epoch)
    shown = {"now": seen.value, "train_now": seen.train_now, "train_best": train[0]}
    shown["train_epoch"] = first
    if training_improving(train, higher=higher):
        return ("patience.overfitting_higher" if higher else "patience.overfitting"), shown
    if higher and far_better(seen) and _resting(train):
        return "patience.memorising_higher", shown
    return None


def _resting(train: Sequence[float]) -> bool:
    """A training accuracy (higher is better, between 0 and 1) whose error now is at most
    ``AT_LOWEST`` above its lowest since the best, give or take a hundredth of a percent:
    memorised (1.0, or flat near it), not one that fell back."""
    errors = [1 - v for v in train]
    return errors[-1] <= min(errors) * (1 + AT_LOWEST) + 1e-4

