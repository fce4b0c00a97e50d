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
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nngraph.errors import NNGraphError, not_writable
from nngraph.i18n import message
from nngraph.monitor._common import short_repr
from nngraph.monitor._history import Series
from nngraph.monitor._names import train_twin

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
    _results_read: Callable[..., None]  # the loop may be over (see TextLines)

    @property
    def metrics(self) -> list[str]:
        """Metric names in the order they were first logged."""
        return list(self.series)

    @property
    def pairs(self) -> dict[str, str]:
        """Validation metric -> its training twin, for those logged: ``{"val_loss": "loss"}``,
        ``{"valid_loss": "train_loss"}``."""
        out = {}
        for name in self.series:
            twin = train_twin(name, self.series)
            if twin is not None and twin in self.series:
                out[name] = twin
        return out

    def history(self, metric: str) -> tuple[Any, Any]:
        """``(steps, values)`` numpy arrays (copies) of one metric's kept history.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False); mon.log(1, loss=0.5); mon.log(2, loss=0.25)
        >>> [a.tolist() for a in mon.history("loss")]
        [[1.0, 2.0], [0.5, 0.25]]
        """
        self._results_read()
        if not isinstance(metric, str):  # a list is no key (unhashable), an array none either
            example = next(iter(self.series), "val_loss")
            raise NNGraphError(
                message("monitor.error.history_name", example=example, got=short_repr(metric))
            )
        series = self.series.get(metric)
        if series is None:
            raise NNGraphError(
                message("monitor.error.not_logged", metric=metric, logged=self.metrics)
            )
        return series.steps.copy(), series.values.copy()

    def records(self) -> list[dict[str, float]]:
        """The kept history as rows in log order: ``[{"step": 1, "loss": .., ...}, ...]``.

        One row per ``log()`` call; a call at the same step as the row before that logs other
        metrics (``val_loss`` after the epoch's last batch) joins that row. A step logged again
        (the epoch number as the step of every batch) is a new row, so every logged point is
        kept; steps never go back (see :meth:`Monitor.log`). Exact while a metric has fewer
        than ``max_points`` points; beyond, its points are thinned evenly over the whole run:
        the lowest and highest of every few calls, the run's minimum and maximum and its
        latest points are kept (the same share of the start as of the rest of the run).

            >>> from nngraph.monitor import Monitor
            >>> mon = Monitor(display=False)
            >>> mon.log(1, loss=0.9); mon.log(1, loss=0.7); mon.log(1, val_loss=0.8)
            >>> mon.records()
            [{'step': 1, 'loss': 0.9}, {'step': 1, 'loss': 0.7, 'val_loss': 0.8}]
        """
        self._results_read()
        by_call: dict[int, dict[str, float]] = {}
        for name, series in self.series.items():
            for call, s, _, v in series.points():
                by_call.setdefault(call, {"step": s})[name] = v
        out: list[dict[str, float]] = []
        for call in sorted(by_call):
            row = by_call[call]
            last = out[-1] if out else None
            if last is not None and last["step"] == row["step"] and not _shared(last, row):
                last.update(row)
            else:
                out.append(row)
        for row in out:
            row["step"] = int(row["step"]) if float(row["step"]).is_integer() else row["step"]
        return out

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The records as CSV text (one column per metric); also written to ``path`` if given
        (a file name or a ``pathlib.Path``, ``~`` expanded; its folder must exist). A path that
        cannot be a file is an :class:`NNGraphError`, before anything is written, and so is a
        folder that refuses the file (read-only).

        The rows are :meth:`records`: every ``log()`` call while each metric has fewer than
        ``max_points`` points (``Monitor(max_points=10_000)``); a longer run is thinned evenly
        (the lowest and highest value of every few calls kept, and the latest calls exactly),
        so give a bigger ``max_points`` (up to 1,000,000) to export every row of a long run.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.6)
        >>> print(mon.to_csv(), end="")
        step,loss,val_loss
        1,0.5,0.6
        """
        target = None if path is None else _csv_target(path)
        # each line written alone, ended by "\r\n" then given a "\n": csv quotes a field that
        # holds a character of the line end, so a bare "\r" in a name is quoted as "\n" is
        fields = ["step", *self.series]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\r\n")
        header: dict[str, Any] = dict(zip(fields, fields, strict=True))  # a row of the names
        lines = []
        for row in [header, *self.records()]:
            buf.seek(0)
            buf.truncate()
            writer.writerow(row)
            lines.append(buf.getvalue()[:-2] + "\n")
        text = "".join(lines)
        if target is not None:
            _write(target, text)
        return text


def _csv_target(path: object) -> Path:
    """Where ``to_csv(path)`` writes: a file name (``str``) or a path object, in a folder that
    exists; anything else is an NNGraphError. An int is refused: ``open()`` would take it as a
    file descriptor, write into it and close it (``to_csv(1)`` would close stdout)."""
    name = os.fspath(path) if isinstance(path, str | os.PathLike) else None
    if not isinstance(name, str) or not name.strip() or "\0" in name:
        raise NNGraphError(message("monitor.error.csv_path", got=short_repr(path)))
    target = Path(name).expanduser()
    try:
        folder, is_folder = target.parent.is_dir(), target.is_dir()
    except OSError as error:  # a name too long for the file system
        raise not_writable(target, error) from None
    if not folder:
        raise NNGraphError(
            message("graph.error.no_folder", path=str(target), folder=str(target.parent))
        )
    if is_folder:
        example = str(target / "run.csv")
        raise NNGraphError(message("graph.error.is_folder", path=str(target), example=example))
    return target


def _write(target: Path, text: str) -> None:
    """Write the CSV `text` to `target`; a folder that refuses it (read-only, /proc, a full
    disk) is an NNGraphError, not an OSError deep in ``open``."""
    try:
        # a name holding half of a surrogate pair is not UTF-8: written as \\ud800
        with open(target, "w", encoding="utf-8", errors="backslashreplace", newline="") as f:
            f.write(text)
    except OSError as error:  # a read-only folder, /proc, a full disk: not nngraph's traceback
        raise not_writable(target, error) from None


def _shared(a: dict[str, float], b: dict[str, float]) -> bool:
    """True if two rows have a metric in common (then they cannot be one row)."""
    return any(name in a for name in b if name != "step")
