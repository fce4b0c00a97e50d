"""The monitor's kept history, read back: metric names, train/validation pairs, arrays, rows, CSV.

:class:`MetricRecords` is the part of :class:`~nngraph.monitor.Monitor` that only reads its
``series`` (one bounded :class:`~nngraph.monitor._history.Series` per metric).

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False)
    >>> mon.log(1, loss=0.9, val_loss=1.0); mon.log(2, loss=0.7)
    >>> mon.metrics, mon.pairs
    (['loss', 'val_loss'], {'val_loss': 'loss'})
    >>> print(mon.to_csv(), end="")
    step,loss,val_loss
    1,0.9,1.0
    2,0.7,
"""

from __future__ import annotations

import csv
import io
from typing import Any

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import train_twin
from nngraph.monitor._history import Series

__all__ = ["MetricRecords"]


class MetricRecords:
    """The history part of :class:`~nngraph.monitor.Monitor`: ``metrics``, ``pairs``,
    ``history()``, ``records()`` and ``to_csv()``, all read from ``series``.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False); mon.log(1, loss=0.5); mon.log(2, loss=0.25)
        >>> mon.records()
        [{'step': 1, 'loss': 0.5}, {'step': 2, 'loss': 0.25}]
    """

    series: dict[str, Series]

    @property
    def metrics(self) -> list[str]:
        """Metric names in the order they were first logged."""
        return list(self.series)

    @property
    def pairs(self) -> dict[str, str]:
        """Validation metric -> its training twin, for those logged: ``{"val_loss": "loss"}``."""
        out = {}
        for name in self.series:
            twin = train_twin(name)
            if twin is not None and twin in self.series:
                out[name] = twin
        return out

    def history(self, metric: str) -> tuple[Any, Any]:
        """``(steps, values)`` numpy arrays (copies) of one metric's kept history."""
        series = self.series.get(metric)
        if series is None:
            raise NNGraphError(
                message("monitor.error.not_logged", metric=metric, logged=self.metrics)
            )
        return series.steps.copy(), series.values.copy()

    def records(self) -> list[dict[str, float]]:
        """The kept history as one dict per step: ``[{"step": 1, "loss": .., ...}, ...]``.

        Exact while a metric has fewer than ``max_points`` points; beyond, older points are
        downsampled (minima, maxima and the latest points kept).
        """
        rows: dict[float, dict[str, float]] = {}
        for name, series in self.series.items():
            for s, v in zip(series.steps.tolist(), series.values.tolist(), strict=True):
                rows.setdefault(s, {"step": s})[name] = v
        out = [rows[s] for s in sorted(rows)]
        for row in out:
            row["step"] = int(row["step"]) if float(row["step"]).is_integer() else row["step"]
        return out

    def to_csv(self, path: str | None = None) -> str:
        """The records as CSV text (one column per metric); also written to ``path`` if given."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["step", *self.series], lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.records())
        text = buf.getvalue()
        if path is not None:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        return text
