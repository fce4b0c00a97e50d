"""The parts of the text view's lines: an epoch's line (:func:`epoch_line`), the metrics of one
line (:func:`metric_parts`) and counted nouns (:func:`count`: ``3 epochs``, ``1 event``).
"""

from __future__ import annotations

from nngraph.i18n import message, plural_form
from nngraph.monitor._names import train_twin

__all__ = ["count", "epoch_line", "metric_parts"]


def epoch_line(epoch: int, values: dict[str, float], marked: str | None = None) -> str:
    """One epoch as text: training/validation pairs side by side; ``*`` marks a new best of
    the metric ``marked``, right after it (at the end of a line that does not show it).

        >>> epoch_line(2, {"loss": 0.5, "val_loss": 1.1, "val_acc": 0.8}, "val_acc")
        'epoch    2  loss 0.5 / val 1.1  val_acc 0.8 *'
        >>> epoch_line(2, {"val_acc": 0.8, "loss": 0.5, "val_loss": 1.1}, "val_acc")
        'epoch    2  val_acc 0.8 *  loss 0.5 / val 1.1'
        >>> epoch_line(3, {"loss": 0.4}, "val_loss")
        'epoch    3  loss 0.4 *'
    """
    parts = metric_parts(values, marked)
    text = "  ".join([message("monitor.text.epoch", epoch=epoch), *parts])
    if marked is not None and marked not in values:
        text += message("monitor.text.best_mark")
    return text


def metric_parts(values: dict[str, float], marked: str | None = None) -> list[str]:
    """The metrics of one line: training/validation pairs side by side, at the training one's
    place (``loss`` with ``val_loss``, ``valid_loss`` or ``val/loss``; ``train_loss`` too);
    the part that shows ``marked`` ends with the new-best mark.

    >>> metric_parts({"train/loss": 0.5, "val/loss": 0.6, "valid_acc": 0.9}, "val/loss")
    ['train/loss 0.5 / val 0.6 *', 'valid_acc 0.9']
    """
    paired: dict[str, str] = {}  # training metric -> its validation metric
    for name in values:
        twin = train_twin(name, values)
        if twin is not None:
            paired.setdefault(twin, name)
    shown_with_twin = set(paired.values())
    parts = []
    for name, v in values.items():
        if name in shown_with_twin:
            continue
        val = paired.get(name)
        if val is None:
            part = message("monitor.text.metric", name=name, value=v)
        else:
            part = message("monitor.text.pair", name=name, train=v, val=values[val])
        if marked is not None and marked in (name, val):
            part += message("monitor.text.best_mark")
        parts.append(part)
    return parts


def count(noun: str, n: int) -> str:
    """``1 epoch`` / ``3 epochs`` (Polish: 1 epoka, 3 epoki, 5 epok; 1 zdarzenie, 3 zdarzenia).

    >>> count("epoch", 1), count("event", 0), count("event", 22)
    ('1 epoch', '0 events', '22 events')
    """
    return message(f"monitor.count.{noun}.{plural_form(n)}", n=n)
