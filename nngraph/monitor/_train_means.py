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

__all__ = ["TrainingMeans", "starts_again"]


def starts_again(epoch: int | None, before: int | None, count: int, *, joins: bool) -> bool:
    """Whether a training value of ``epoch`` starts the values paired with the next
    evaluation again, after ``count`` of epoch ``before`` (``None``: not numbered): with the
    user's epoch numbers an evaluation pairs with the last epoch's values, except that one
    that ``joins`` an evaluation's row after per-batch values (``count`` > 1) is the next
    epoch's first batch, and the validation logged before it measured the model those
    batches trained: it joins them.

        >>> starts_again(2, 1, 1, joins=False), starts_again(2, 1, 4, joins=True)
        (True, False)
    """
    if epoch is None or before is None or before == epoch or not count:
        return False
    return not (joins and count > 1)


class TrainingMeans:
    """The sums and counts of the training metrics logged since the last evaluation (a row
    of calls at one step that logged a validation metric, or the watched metric) and, where
    the user numbers the epochs, of the last epoch among them, as the detectors pair them
    (see :func:`starts_again`): validating every 5 epochs, epoch 10's training loss is
    epoch 10's mean, not that of epochs 6 to 10; validating at the start of each epoch, the
    epoch before's. Without a validation metric each row is its own."""

    def __init__(self) -> None:
        self._sums: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._epochs: dict[str, int | None] = {}  # the epoch of each metric's values summed
        self._row = -1  # the number of the row of the last call (see Monitor.records)
        self._row_evaluated = False  # that row logged a validation metric (or the watched one)

    def add(
        self, values: Mapping[str, float], row: int, epoch: int | None, watched: str = ""
    ) -> None:
        """One ``log()`` call, part of row number ``row``, in ``epoch`` (the user's number;
        ``None`` where the monitor counts epochs by evaluations, or before a run starting at
        step 0 numbers them: then the calls since the last evaluation are its epoch);
        ``watched``: the metric the best is chosen by, whose rows count as evaluations."""
        new_row = row != self._row
        if new_row and self._row_evaluated:
            self._sums, self._counts = {}, {}
        joins = not new_row and self._row_evaluated  # logged after the row's evaluation
        if new_row:
            self._row, self._row_evaluated = row, False
        for name, value in values.items():
            if is_validation(name) or name == watched:
                self._row_evaluated = True
            if is_validation(name):
                continue
            count = self._counts.get(name, 0)
            if starts_again(epoch, self._epochs.get(name), count, joins=joins):
                self._sums[name], count = 0.0, 0
            self._epochs[name] = epoch
            self._sums[name] = self._sums.get(name, 0.0) + value
            self._counts[name] = count + 1

    def of_row(self, metrics: Mapping[str, float], watched: str) -> dict[str, float]:
        """``metrics`` (the current row's) with each training metric's mean in place of the
        value of its last call; not the ``watched`` one (``Monitor(metric="loss")``), whose
        best is the value logged. A row with a validation metric also gets, first, the means
        of the training metrics logged since the last evaluation in calls of their own (per
        batch, or before a half-way validation), which the detectors pair with it.

            >>> means = TrainingMeans()
            >>> means.add({"loss": 0.75}, 1, None); means.add({"loss": 0.25}, 2, None)
            >>> means.add({"val_loss": 0.6}, 3, None)
            >>> means.of_row({"val_loss": 0.6}, watched="val_loss")
            {'loss': 0.5, 'val_loss': 0.6}
        """
        validated = any(is_validation(name) for name in metrics)
        earlier = {
            name: self._mean(name) for name in self._sums if validated and name not in metrics
        }
        return earlier | {
            name: value if name == watched or name not in self._sums else self._mean(name)
            for name, value in metrics.items()
        }

    def _mean(self, name: str) -> float:
        return self._sums[name] / self._counts[name]
