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
- the metric worse since its best as ``memorising`` asks: its last 3 values more than
  ``OVERFIT`` worse than the best on average, and rising beyond the noise of its values
  (``_rising``); at least :data:`AFTER` values on each side. An accuracy (between 0 and 1) is judged by its error, ``1 - accuracy``: a
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
from nngraph.monitor._no_better import OVERFIT, _rising
from nngraph.monitor._pace import HISTORY, STEADY, fall_per_evaluation

__all__ = ["AFTER", "overfitting", "training_improving"]

#: Values of the metric after its best, and of its training twin from then on, needed to tell
#: a rise or a fall from noise without a training loss far below (the lecture's picture, which
#: ``memorising`` reads from 3): ``Patience(3)`` to ``(7)`` keep their words. At ``Patience(3)``
#: a validation loss with 8% noise rose by chance at 3 evaluations in a row beside a training
#: loss still falling, and was called overfitting.
AFTER = HISTORY // 2


def training_improving(values: Sequence[float], *, higher: bool) -> bool:
    """Whether the training ``values`` (from the best epoch on, oldest first, at least
    :data:`AFTER`) still improve beyond their noise (see the module docstring); ``higher``:
    higher is better.

        >>> training_improving([0.25 - 0.003 * i for i in range(20)], higher=False)
        True
        >>> wobble = [0.2 + 0.01 * (-1) ** i for i in range(20)]  # flat, in noise
        >>> training_improving(wobble, higher=False)
        False
        >>> training_improving([0.8 + 0.01 * i for i in range(12)], higher=True)
        True
    """
    signed = tuple(-v if higher else v for v in values)
    n = len(signed)
    if n < AFTER:
        return False
    fall, error = fall_per_evaluation(signed)
    if not fall > STEADY * error:
        return False
    later = signed[n // 2 :]
    if len(later) < AFTER:
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
    """The metric's ``values`` since its ``best`` got clearly worse, as ``memorising`` asks
    (their last 3 more than ``OVERFIT`` worse on average, and rising beyond their noise), at
    least :data:`AFTER` of them. A spike on its way back fails the rise (``_rising``: its
    later half is no longer clearly above the earlier one).

        >>> spike = [0.29, 0.33, 0.41, 0.52, 0.61, 0.68, 0.62, 0.51, 0.39, 0.31]
        >>> _got_worse(spike[:8], 0.27, False), _got_worse(spike, 0.27, False)
        (True, False)
    """
    if len(values) < AFTER:
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
    when its training twin stays far better, not falling back (memorised: 1.0, or near it). ``latest``: the metric's
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
    if higher and far_better(seen) and not _worse(train):
        return "patience.memorising_higher", shown
    return None


def _worse(train: Sequence[float]) -> bool:
    """A training accuracy (``train``, higher is better) that fell since the best beyond its
    noise (its least-squares line, by more than ``STEADY`` standard errors): not one that
    rests far above the validation accuracy (1.0, or flat near it), memorised, but one that
    fell back (unstable training).

        >>> _worse([1.0, 0.99, 1.0, 0.995] * 3), _worse([1.0 - 0.01 * i for i in range(12)])
        (False, True)
    """
    fall, error = fall_per_evaluation(tuple(train))
    return fall > STEADY * error
