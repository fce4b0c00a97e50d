"""Epoch means of training metrics that a LightningModule logs per step only.

``self.log("train_loss", loss)`` in ``training_step`` is Lightning's default there:
``on_step=True, on_epoch=False``. ``trainer.callback_metrics["train_loss"]`` then holds the last
batch's value at the end of the epoch, not the epoch's. :class:`StepMeans` reads
``trainer.callback_metrics`` after every training batch (public API only) and, at the epoch's
end, gives the mean over the epoch's batches for each key that was logged per step only.

A key is taken as logged per step only when its value at the epoch's end is the one it had
after the last batch: a metric logged with ``on_epoch=True`` gets its epoch value then (one
logged with ``on_step=True`` too has a ``_step`` twin and is skipped at once). Where an
epoch-only metric's new value happens to equal its old one, the values seen after each batch
were all that old value, so their mean is that value too.

    >>> from types import SimpleNamespace
    >>> means, trainer = StepMeans(), SimpleNamespace(callback_metrics={})
    >>> for loss in (0.75, 0.5, 0.25):  # self.log("train_loss", loss): per step only
    ...     trainer.callback_metrics = {"train_loss": loss, "val_loss": 1.0}
    ...     means.batch_ended(trainer, skip={"val_loss"})
    >>> means.epoch_means(trainer.callback_metrics)
    {'train_loss': 0.5}
"""

from __future__ import annotations

import math
from collections.abc import Container, Mapping
from typing import Any

from nngraph.monitor._common import is_tensor

__all__ = ["StepMeans"]

_SUFFIXES = ("_step", "_epoch")


class StepMeans:
    """The sums, counts and last values of the training metrics seen after each batch of the
    current epoch (tensors are summed where they are: no device sync per batch)."""

    def __init__(self) -> None:
        self._seen: dict[str, list[Any]] = {}  # key -> [sum, count, last value]

    def reset(self) -> None:
        """A new epoch starts."""
        self._seen = {}

    def batch_ended(self, trainer: Any, skip: Container[str] = ()) -> None:
        """Note the values in ``trainer.callback_metrics`` after a training batch (``skip``:
        keys that are not training metrics, e.g. the last validation's)."""
        found = trainer.callback_metrics
        for key, value in found.items():
            if key in skip or key.endswith(_SUFFIXES) or key + "_step" in found:
                continue  # a per-step twin: the key itself is the epoch's value
            if is_tensor(value):
                if value.numel() != 1:
                    continue
                value = value.detach()
            elif not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            seen = self._seen.get(key)
            if seen is None:
                self._seen[key] = [value, 1, value]
            else:
                seen[0], seen[1], seen[2] = seen[0] + value, seen[1] + 1, value

    def epoch_means(self, found: Mapping[str, Any]) -> dict[str, Any]:
        """The epoch's mean of each key of ``found`` (``trainer.callback_metrics`` at the
        epoch's end) that was logged per step only."""
        means = {}
        for key, (total, count, last) in self._seen.items():
            if key in found and count > 1 and _same(found[key], last):
                means[key] = total / count
        return means


def _same(a: Any, b: Any) -> bool:
    """Whether two scalar values (tensors or numbers) are the same value, NaN included."""
    if a is b:
        return True
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError, RuntimeError):
        return False
    return x == y or (math.isnan(x) and math.isnan(y))
