"""What a rising validation loss does not say: a validation accuracy logged beside it that rose
after the loss's best epoch and is still above where it was (:func:`accuracy_aside`). The loss
rises because the model grows over-confident in the answers it gets wrong, while it gets more
of them right: a student told only "memorising, keep the best weights" would put back a model
that classifies worse (a two-moons net: 0.821 at the loss's best epoch, 0.855 later, 0.830 at
the stop).

    >>> from nngraph.monitor import Monitor, detectors
    >>> mon = Monitor(detectors=[detectors.Patience(3)], display=False)
    >>> for epoch, (loss, acc) in enumerate([(0.5, 0.8), (0.6, 0.84), (0.7, 0.86), (0.8, 0.85)], 1):
    ...     mon.log(epoch, loss=0.1, val_loss=loss, val_acc=acc)
    >>> mon.events[0].message.split(". ")[-2]  # doctest: +ELLIPSIS
    'Yet validation accuracy rose after epoch 1: 0.8 then, 0.86 at its highest (epoch 3), 0.85 now...'
"""

from __future__ import annotations

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

__all__ = ["GAIN", "accuracy_aside"]

#: The accuracy must be above its value at the loss's best epoch by more than this fraction of
#: it now, and by twice that at its highest since, over two evaluations at least: one more
#: right answer in a validation set of 100, one epoch after the best, is no trend.
GAIN = 0.01
#: The readings that blame the rise on the model (memorising, a plateau, no reading): not those
#: of unstable training (a jump, an oscillation, a blow-up), whose cause is another.
_READINGS = frozenset(
    {
        "gl.overfit", "gl.flat", "gl.far_below", "gl.neutral", "gl.plateau", "gl.plateau_chance",
        "gl.plain", "pq.fire", "pq.neutral", "pq.plateau", "pq.plateau_chance", "up.fire",
        "up.neutral", "up.plateau", "up.plateau_chance", "patience.fire", "patience.fire_delta",
        "patience.fire_relative", "patience.memorising", "patience.near_chance",
    }
)  # fmt: skip
#: The words of an accuracy's name (``val_acc``, ``val_accuracy``, ``val_top5``).
_ACCURACY = re.compile(r"(b?acc\d*|accuracy|top\d+|topk)")


def accuracy_aside(det: Detector, event: Event, series: Mapping[str, Series]) -> str | None:
    """The sentence to add to ``event`` of ``det``, which watches a validation loss: a
    validation accuracy of ``series``, logged at the loss's best epoch that ``event`` names,
    that is above its value there now by more than :data:`GAIN` of it and rose further since.
    None otherwise, also where an accuracy logged fell."""
    if event.message_id not in _READINGS or not is_validation(det.metric):
        return None
    best_epoch = event.values.get("best_epoch", det._best_shown)  # the epoch the event names
    said = None
    for name, history in series.items():
        if name == det.metric or not _is_accuracy(name):
            continue
        points = list(zip(history.epochs.tolist(), history.values.tolist(), strict=True))
        then = [value for epoch, value in points if epoch == best_epoch]
        after = [(value, epoch) for epoch, value in points if epoch > best_epoch]
        if not then or len(after) < 2:
            continue
        (now, _), (peak, peak_epoch) = after[-1], max(after)
        if not (
            now - then[-1] > GAIN * abs(then[-1]) and peak - then[-1] > 2 * GAIN * abs(then[-1])
        ):
            return None  # an accuracy that did not rise says the loss is right
        said = said or message(
            "monitor.aside.accuracy_rose",
            acc=nice_name(name),
            name=name,
            epoch=best_epoch,
            then=then[-1],
            now=now,
            peak=peak,
            peak_epoch=peak_epoch,
        )
    return said


def _is_accuracy(name: str) -> bool:
    """A validation accuracy, higher the better: ``val_acc``, ``val_accuracy``, ``val/top1``,
    ``acc_val``, ``eval_accuracy``, ``val_acc1``; not ``val_top1_err``, an error."""
    base = validation_base(name) or held_out_base(name)
    if base is None or resolve_mode("auto", name) != "max" or not mode_known(name):
        return False
    return any(_ACCURACY.fullmatch(word) for word in re.split(r"[\W_]+", base.lower()))
