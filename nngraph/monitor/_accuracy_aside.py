"""What a rising validation loss does not say: a validation accuracy logged beside it that has
gone on rising since the loss's best epoch (:func:`accuracy_aside`). The loss rises because the
model grows over-confident in the answers it gets wrong, while it gets more of them right: a
student told only "memorising, keep the best weights" would put back a model that classifies
worse (a two-moons net: 0.821 at the loss's best epoch, 0.855 later, 0.830 at the stop).

    >>> from nngraph.monitor import Monitor, detectors
    >>> mon = Monitor(detectors=[detectors.Patience(2)], display=False)
    >>> for epoch, (loss, acc) in enumerate([(0.5, 0.80), (0.6, 0.84), (0.7, 0.86)], 1):
    ...     mon.log(epoch, loss=0.1, val_loss=loss, val_acc=acc)
    >>> mon.events[0].message.split(". ")[-2]  # doctest: +ELLIPSIS
    'Yet validation accuracy has gone on rising since epoch 1 (0.8 then, 0.86 now, ...'
"""

from __future__ import annotations

from collections.abc import Mapping

from nngraph.i18n import message
from nngraph.monitor._detector import Detector
from nngraph.monitor._history import Series
from nngraph.monitor._names import is_validation, mode_known, nice_name, resolve_mode

__all__ = ["GAIN", "accuracy_aside"]

#: The accuracy must have risen by more than this fraction of its value at the loss's best
#: epoch, at its highest since (one more right answer in a validation set of 100 is 1.2% of
#: 0.82), and be above that value still.
GAIN = 0.01
#: The kinds of event that blame the rise on the model (memorising, a plateau): a gap or a
#: divergence says something else.
_KINDS = ("overfitting", "plateau")


def accuracy_aside(det: Detector, kind: str, series: Mapping[str, Series]) -> str | None:
    """The sentence to add to an event of ``kind`` from ``det``, which watches a validation
    loss: the first validation accuracy (or another higher-is-better metric) of ``series`` that
    is higher now than at the loss's best epoch, and rose since by more than :data:`GAIN` of
    it. None otherwise."""
    if kind not in _KINDS or getattr(det, "mode", "min") != "min" or not is_validation(det.metric):
        return None
    best_epoch = getattr(det, "_top_shown", det._best_shown)  # Patience's lowest, as it says
    for name, history in series.items():
        if name == det.metric or not _higher_is_better(name):
            continue
        points = list(zip(history.epochs.tolist(), history.values.tolist(), strict=True))
        before = [value for epoch, value in points if epoch <= best_epoch]
        after = [(value, epoch) for epoch, value in points if epoch > best_epoch]
        if not before or not after:
            continue
        then, (now, _), (peak, peak_epoch) = before[-1], after[-1], max(after)
        if now > then and peak - then > GAIN * abs(then):
            return message(
                "monitor.aside.accuracy_rose",
                acc=nice_name(name),
                name=name,
                epoch=best_epoch,
                then=then,
                now=now,
                peak=peak,
                peak_epoch=peak_epoch,
            )
    return None


def _higher_is_better(name: str) -> bool:
    return is_validation(name) and mode_known(name) and resolve_mode("auto", name) == "max"
