"""What a rising validation loss does not say when it never got better than chance: labels that
do not match their inputs (x and y shuffled separately, or validation labels in another order
than their inputs). The model then learns its training labels by heart, so its training loss
falls slowly, while its validation loss stays at the chance level ``ln k`` from the start and
rises as the model grows sure of its guesses. GL, PQ, UP and Patience read that as memorising,
which it is, and advise keeping the best weights or more data, which does not help: the
readings that blame the model get the likely cause in front (see
:func:`~nngraph.monitor._never_improved.guessed_labels` for when), and an accuracy that
"rose" at chance level is no news (see :func:`~nngraph.monitor._accuracy_aside.accuracy_aside`).

    >>> from nngraph.monitor import Monitor, detectors
    >>> mon = Monitor(detectors=[detectors.GL(5)], display=False)
    >>> curve = [(1.1, 1.11), (1.05, 1.11), (1.0, 1.12), (0.98, 1.12), (0.95, 1.13), (0.9, 1.17)]
    >>> for epoch, (loss, val) in enumerate(curve, 1):
    ...     mon.log(epoch, loss=loss, val_loss=val)
    >>> mon.events[0].message[:62]
    'This may not be overfitting. If validation loss is a cross-ent'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

from nngraph.i18n import message
from nngraph.monitor._common import Event
from nngraph.monitor._detector import Detector
from nngraph.monitor._history import Series
from nngraph.monitor._names import nice_name
from nngraph.monitor._never_improved import Seen, guessed_labels, labels_text

__all__ = ["SEEN", "labels_first"]

#: Validation values needed before a loss is said never to have beaten chance: GL may fire at
#: epoch 2 on noise, before a run that learns has moved (a loss in noise of 15% of its size, at
#: ln 8 by chance, read so at epoch 3 in a simulated run); shuffled labels made GL fire at
#: epochs 6 to 11.
SEEN = 5

#: The readings that blame a rising or flat validation loss on the model (memorising, no
#: reading): not those of unstable training, nor Patience's never-improved and barely-moved
#: texts, whose reading says it itself (``memorising_chance``).
_READINGS = frozenset(
    {
        "gl.overfit", "gl.flat", "gl.far_below", "gl.neutral", "gl.plain", "pq.fire",
        "pq.neutral", "up.fire", "up.neutral", "patience.fire", "patience.fire_delta",
        "patience.fire_relative", "patience.memorising", "patience.overfitting",
    }
)  # fmt: skip


def labels_first(det: Detector, event: Event, series: Mapping[str, Series]) -> Event | None:
    """``event`` of ``det`` with the sentences that say its validation loss never got better
    than chance and the labels may not match the inputs in front, where the numbers say so
    (see the module docstring; at least :data:`SEEN` validation values by then); None
    otherwise."""
    if event.message_id not in _READINGS or getattr(det, "mode", "min") != "min":
        return None
    train = det._train_name
    loss, twin = series.get(det.metric), series.get(train) if train else None
    if loss is None or twin is None or not math.isfinite(det.best):
        return None
    seen = [v for e, v in zip(loss.epochs.tolist(), loss.values.tolist(), strict=True)
            if e <= event.epoch and math.isfinite(v)]  # fmt: skip
    if len(seen) < SEEN:
        return None
    points = list(zip(twin.epochs.tolist(), twin.values.tolist(), strict=True))
    now = [v for e, v in points if e == event.epoch and math.isfinite(v)]
    started = [v for e, v in points if e == points[0][0] and math.isfinite(v)]
    if not now or not started:
        return None
    train_now, train_first = sum(now) / len(now), sum(started) / len(started)
    k = guessed_labels(det.metric, det.best, seen[0], train_now, train_first)
    if k is None:
        return None
    what = Seen(det.metric, "min", math.nan, det.best, train, train_now=train_now)
    said = labels_text(what, k, nice_name(train) if train else "")
    text = message("monitor.aside.labels_first", labels=said, message=event.message)
    return dataclasses.replace(event, message=text)
