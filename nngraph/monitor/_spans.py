"""How a detector says a span of its run in words ("5 epochs", "the last 3 epochs"), in the
monitor's epoch numbers: the span part of :class:`~nngraph.monitor._detector.Detector`."""

from __future__ import annotations

from nngraph.i18n import plural_message

__all__ = ["Spans"]


class Spans:
    """Where the run's epochs start and how a span of them is said: ``reset()`` of
    :class:`~nngraph.monitor._detector.Detector` sets the attributes below, and ``feed()``
    calls :meth:`_find_origin`."""

    _shown: int  # the monitor's number for the current evaluation
    _origin: int | None  # the epoch before the first evaluation
    _origin_from: int | None  # the first call's epoch, until a call of a later one
    _by_batches: bool  # the monitor numbers its points by training batches

    def _find_origin(self, epoch: int | None) -> None:
        """Where the run's epochs start (``_origin``, the epoch before its first one), for a
        span said from before the first evaluation, from the epoch of the first call and of
        the next call of another epoch: as many epochs before the first as come between the
        two (logging every 5 epochs from epoch 5: epoch 0; every epoch of a run resumed at
        epoch 100: epoch 99), but never before epoch 0 (1, 5, 10: 0; a zero-based run: -1).
        Until that second call, the epoch just before the first. Counted evaluations (a
        detector used alone): 0.

            >>> from nngraph.monitor.detectors import PQ
            >>> pq = PQ(0.5, 2)
            >>> for epoch in (5, 10):
            ...     _ = pq.feed(epoch, {"loss": 1.0, "val_loss": 0.5}, epoch=epoch, by_epoch=True)
            >>> pq._origin
            0
        """
        if epoch is None:
            self._origin = 0 if self._origin is None else self._origin
        elif self._origin is None:
            self._origin, self._origin_from = epoch - 1, epoch
        elif self._origin_from is not None and epoch != self._origin_from:
            first, self._origin_from = self._origin_from, None
            self._origin = max(first - max(1, epoch - first), min(first, 1) - 1)

    def _epochs_since(self, shown: int | None, evaluations: int) -> str:
        """``5 epochs`` (``20 batches``: see :meth:`_span`): from the evaluation shown as epoch
        ``shown`` (``None``: from before the first one) to now, in the monitor's numbers; ``2
        evaluations`` when both are in one epoch (validating twice under one ``epoch=``)."""
        unit, n = self._span(shown, evaluations)
        return plural_message(f"monitor.unit.{unit}", n)

    def _last_epochs(self, shown: int | None, evaluations: int) -> str:
        """``the last 3 epochs``, ``the last epoch``: :meth:`_epochs_since`'s span, said as
        where the latest training values come from."""
        unit, n = self._span(shown, evaluations)
        units = "batches" if unit == "batch" else unit + "s"
        return plural_message(f"monitor.unit.last_{units}", n)

    def _span(self, shown: int | None, evaluations: int) -> tuple[str, int]:
        """The span of :meth:`_epochs_since`: ``("epoch", n)`` (``"batch"`` where the monitor
        numbers its points by training batches, a Lightning fit of an endless stream), or
        ``("evaluation", evaluations)`` within one epoch number."""
        n = self._shown - ((self._origin or 0) if shown is None else shown)
        return ("batch" if self._by_batches else "epoch", n) if n else ("evaluation", evaluations)
