"""The training values ``best.metrics`` holds: each training metric's mean over the calls since
the last evaluation, in the current epoch, as the monitor's text line for that epoch shows it
and its detectors read it (see ``Detector.feed``), not the value of the epoch's last batch.

    >>> means = TrainingMeans()
    >>> for row, loss in enumerate([0.75, 0.5, 0.25], 1):  # three batches of epoch 1
    ...     means.add({"loss": loss}, row, epoch=1)
    >>> means.add({"val_loss": 0.6}, 3, epoch=1)  # the validation joins the last batch's row
    >>> means.of_row({"loss": 0.25, "val_loss": 0.6}, watched="val_loss")
    {'loss': 0.5, 'val_loss': 0.6}
"""

from __future__ import annotations

from collections.abc import Mapping

from nngraph.monitor._names import is_validation

__all__ = ["TrainingMeans"]


class TrainingMeans:
    """The sums and counts of the training metrics logged since the last evaluation (a row
    of calls at one step that logged a validation metric) and, where the user numbers the
    epochs, in the current epoch only: validating every 5 epochs, epoch 10's training loss
    is epoch 10's mean, not that of epochs 6 to 10."""

    def __init__(self) -> None:
        self._sums: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._row = -1  # the number of the row of the last call (see Monitor.records)
        self._row_evaluated = False  # that row logged a validation metric
        self._epoch: int | None = None

    def add(self, values: Mapping[str, float], row: int, epoch: int | None) -> None:
        """One ``log()`` call, part of row number ``row``, in ``epoch`` (the user's number;
        ``None`` where the monitor counts epochs by evaluations, or before a run starting at
        step 0 numbers them: then the calls since the last evaluation are its epoch)."""
        new_row = row != self._row
        another_epoch = epoch is not None and self._epoch not in (None, epoch)
        if (new_row and self._row_evaluated) or another_epoch:
            self._sums, self._counts = {}, {}
        if new_row:
            self._row, self._row_evaluated = row, False
        if epoch is not None:
            self._epoch = epoch
        for name, value in values.items():
            if is_validation(name):
                self._row_evaluated = True
            else:
                self._sums[name] = self._sums.get(name, 0.0) + value
                self._counts[name] = self._counts.get(name, 0) + 1

    def of_row(self, metrics: Mapping[str, float], watched: str) -> dict[str, float]:
        """``metrics`` (the current row's) with each training metric's mean in place of the
        value of its last call; not the ``watched`` one (``Monitor(metric="loss")``), whose
        best is the value logged."""
        return {
            name: value if name == watched or name not in self._sums else self._mean(name)
            for name, value in metrics.items()
        }

    def _mean(self, name: str) -> float:
        return self._sums[name] / self._counts[name]
