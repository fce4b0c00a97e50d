"""What a rising validation loss does not say: a validation accuracy logged beside it that rose
after the loss's best epoch and is still above where it was (:func:`accuracy_aside`). The loss
rises because the model grows over-confident in the answers it gets wrong, while it gets more
of them right: a student told only "memorising, keep the best weights" would put back a model
that classifies worse (a two-moons net: 0.821 at the loss's best epoch, 0.855 later, 0.830 at
the stop).

Not where the loss sits at the chance level it never got clearly below (``ln k``, see
:func:`~nngraph.monitor._never_improved.chance_classes`): such a model is as unsure as a model
can be, not over-confident, and an accuracy that rose to the share of the one class it always
answers says nothing better of it. Where the loss is within :data:`LOSS_RISE` of its best,
nothing raised it: the aside then says only that the accuracy rose while the loss stayed.

    >>> from nngraph.monitor import Monitor, detectors
    >>> mon = Monitor(detectors=[detectors.Patience(3)], display=False)
    >>> for epoch, (loss, acc) in enumerate([(0.5, 0.8), (0.6, 0.84), (0.7, 0.86), (0.8, 0.85)], 1):
    ...     mon.log(epoch, loss=0.1, val_loss=loss, val_acc=acc)
    >>> mon.events[0].message.split(". ")[-2]  # doctest: +ELLIPSIS
    'Yet validation accuracy rose after epoch 1: 0.8 then, 0.86 at its highest (epoch 3), 0.85 now...'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from nngraph.i18n import message
from nngraph.monitor._common import Event
from nngraph.monitor._detector import Detector
from nngraph.monitor._history import Series
from nngraph.monitor._names import (
    held_out_base,
    is_validation,
    mode_known,
    nice_name,
    resolve_mode,
    validation_base,
)
from nngraph.monitor._never_improved import chance_classes, may_be_entropy
from nngraph.monitor._no_better import BEST_NEAR_CHANCE

__all__ = ["GAIN", "LOSS_RISE", "accuracy_aside"]

#: The accuracy must be above its value at the loss's best epoch by more than this fraction of
#: it now, and by twice that at its highest since, over two evaluations at least: one more
#: right answer in a validation set of 100, one epoch after the best, is no trend.
GAIN = 0.01
#: The loss must be above its best by more than this part of it for the aside to say that
#: something raised it: GL's default alpha (5%), the least rise a classroom run calls one; a
#: loss that stopped improving but stays about at its best only wobbles.
LOSS_RISE = 0.05
#: The readings that blame the rise on the model (memorising, a plateau, no reading): not those
#: of unstable training (a jump, an oscillation, a blow-up), whose cause is another.
_READINGS = frozenset(
    {
        "gl.overfit", "gl.flat", "gl.far_below", "gl.neutral", "gl.plateau", "gl.plateau_chance",
        "gl.plain", "pq.fire", "pq.neutral", "pq.plateau", "pq.plateau_chance", "up.fire",
        "up.neutral", "up.plateau", "up.plateau_chance", "patience.fire", "patience.fire_delta",
        "patience.fire_relative", "patience.memorising", "patience.overfitting",
        "patience.near_chance",
    }
)  # fmt: skip
#: The words of an accuracy's name (``val_acc``, ``val_accuracy``, ``val_top5``).
_ACCURACY = re.compile(r"(b?acc\d*|accuracy|top\d+|topk)")


def accuracy_aside(det: Detector, event: Event, series: Mapping[str, Series]) -> str | None:
    """The sentence to add to ``event`` of ``det``, which watches a validation loss: a
    validation accuracy of ``series``, logged at the loss's best epoch that ``event`` names,
    that is above its value there now by more than :data:`GAIN` of it and rose further since.
    None otherwise, also where an accuracy logged fell, or where the loss sits at the chance
    level (see the module docstring)."""
    if event.message_id not in _READINGS or not is_validation(det.metric):
        return None
    best_epoch = event.values.get("best_epoch", det._best_shown)  # the epoch the event names
    loss = _loss_now(det, event, series)
    if loss is None or _at_chance(det, loss):
        return None
    risen = loss > det.best + LOSS_RISE * abs(det.best)
    said = None
    for name, history in series.items():
        if name == det.metric or not _is_accuracy(name):
            continue
        points = list(zip(history.epochs.tolist(), history.values.tolist(), strict=True))
        then = [value for epoch, value in points if epoch == best_epoch]
        after = [(epoch, value) for epoch, value in points if epoch > best_epoch]
        if not then or len(after) < 2:
            continue
        now, peak = after[-1][1], max(value for _, value in after)
        if not (
            now - then[-1] > GAIN * abs(then[-1]) and peak - then[-1] > 2 * GAIN * abs(then[-1])
        ):
            return None  # an accuracy that did not rise says the loss is right
        peak_epoch = next(epoch for epoch, value in after if value == peak)  # reached first
        said = said or message(
            "monitor.aside.accuracy_rose" if risen else "monitor.aside.accuracy_rose_flat",
            acc=nice_name(name),
            name=name,
            metric=nice_name(det.metric),
            epoch=best_epoch,
            then=then[-1],
            now=now,
            peak=peak,
            peak_epoch=peak_epoch,
        )
    return said


def _loss_now(det: Detector, event: Event, series: Mapping[str, Series]) -> float | None:
    """The watched loss at the evaluation ``event`` judges (its latest value up to that
    epoch), or None where the history does not hold it."""
    history = series.get(det.metric)
    if history is None:
        return None
    points = zip(history.epochs.tolist(), history.values.tolist(), strict=True)
    shown = [value for epoch, value in points if epoch <= event.epoch]
    return shown[-1] if shown else None


def _at_chance(det: Detector, loss: float) -> bool:
    """The loss (``loss`` now) sits at the chance level ``ln k`` of a cross-entropy and its
    best was never clearly below it (by less than ``BEST_NEAR_CHANCE`` of it, as Patience's
    near-chance reading): the model guesses.

        >>> from nngraph.monitor.detectors import Patience
        >>> p = Patience(2)
        >>> p.best = 1.611
        >>> _at_chance(p, 1.6197), _at_chance(p, 0.9)
        (True, False)
    """
    k = chance_classes(loss) if may_be_entropy(det.metric) else None
    return k is not None and det.best >= (1 - BEST_NEAR_CHANCE) * math.log(k)


def _is_accuracy(name: str) -> bool:
    """A validation accuracy, higher the better: ``val_acc``, ``val_accuracy``, ``val/top1``,
    ``acc_val``, ``eval_accuracy``, ``val_acc1``; not ``val_top1_err``, an error."""
    base = validation_base(name) or held_out_base(name)
    if base is None or resolve_mode("auto", name) != "max" or not mode_known(name):
        return False
    return any(_ACCURACY.fullmatch(word) for word in re.split(r"[\W_]+", base.lower()))
