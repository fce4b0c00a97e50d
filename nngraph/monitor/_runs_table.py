"""The text table of :class:`~nngraph.monitor.Runs`: each run's best epoch and its metrics.

>>> rows = [{"run": "a", "epochs": 3, "best_epoch": 2, "best": {"val_loss": 0.5}, "stop": None}]
>>> print(table_text(rows, "val_loss", ["a"]))
run  epochs  best epoch by val_loss  val_loss  stop
a    3       2                       0.5 *     -

Runs that tie are all marked, and a line under the table says so:

>>> rows.append({"run": "b", "epochs": 4, "best_epoch": 3, "best": {"val_loss": 0.5}, "stop": None})
>>> print(table_text(rows, "val_loss", ["a", "b"]).splitlines()[-1])
* a tie: a and b reach the same best val_loss (0.5)
"""

from __future__ import annotations

import math
from typing import Any

from nngraph._oneline import one_line, shown_width
from nngraph.i18n import message, number
from nngraph.monitor._names import is_validation

__all__ = ["table_text"]


def table_text(rows: list[dict[str, Any]], metric: str, winners: list[str]) -> str:
    """`Runs.rows()` as a table: `metric` first, then the other validation metrics, their
    training twins and the rest; `*` marks the `metric` of each of the `winners` (one run, or
    several that tie, which a last line names)."""
    if not rows:
        return message("monitor.runs.table.empty")
    metrics: list[str] = [metric]
    for row in rows:  # validation metrics first, then their training twins, then the rest
        for key in sorted(row["best"], key=lambda k: (not is_validation(k), k)):
            if key not in metrics:
                metrics.append(key)
    header = [
        message("monitor.runs.table.run"),
        message("monitor.runs.table.epochs"),
        message("monitor.runs.table.best_epoch", metric=metric),  # which the rows are read at
    ]
    lines = [[*header, *metrics, message("monitor.runs.table.stop")]]
    none = message("monitor.runs.table.none")
    winner_mark = message("monitor.runs.table.winner")
    for row in rows:
        cells = [row["run"], str(row["epochs"]), _cell(row["best_epoch"], none)]
        for key in metrics:
            cell = _cell(row["best"].get(key), none)
            if key == metric and row["run"] in winners:
                cell += winner_mark
            cells.append(cell)
        stop = row["stop"]
        cells.append(none if stop is None else message("monitor.runs.table.stopped", **stop))
        lines.append(cells)
    lines = [[one_line(cell) for cell in line] for line in lines]  # "run\nA": one row
    widths = [max(shown_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    text = "\n".join(
        "  ".join(
            c + " " * (w - shown_width(c)) for c, w in zip(line, widths, strict=True)
        ).rstrip()
        for line in lines
    )
    if len(winners) < 2:
        return text
    best = next(row["best"].get(metric) for row in rows if row["run"] == winners[0])
    tie = message(
        "monitor.runs.table.tie",
        names=_names(winners),
        metric=metric,
        value=_cell(best, none),
    )
    return text + "\n" + one_line(tie)


def _names(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (in the current language).

    >>> _names(["a"]), _names(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    if len(names) < 2:
        return "".join(names)
    return message("monitor.runs.table.names", first=", ".join(names[:-1]), last=names[-1])


def _cell(value: Any, none: str) -> str:
    if value is None:
        return none
    if isinstance(value, float):
        return number(value, ".4g") if math.isfinite(value) else str(value)
    return str(value)
