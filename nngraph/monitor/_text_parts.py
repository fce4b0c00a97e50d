"""The parts of the text view's lines: the metrics of one line (:func:`metric_parts`) and
counted nouns (:func:`count`: ``3 epochs``, ``1 event``).
"""

from __future__ import annotations

from nngraph.i18n import message, plural_message
from nngraph.monitor._names import train_twin

__all__ = ["count", "metric_parts"]


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
    return plural_message(f"monitor.count.{noun}", n)
