"""What LossView sends: one snapshot shape for every source, and binary batches of new points.

A snapshot (the ``snapshot`` trait, and the ``reset`` message a reloaded page asks for) is
``{"kind", "metric", "mode", "runs": {name: Monitor.snapshot()}, "table", "winner", "winners",
"notes"}``: a Monitor is one run called ``""``, a GradientWatch one run whose metrics are its
layers.

A batch is a custom message ``{"type": "batch", "run", "metrics": [names], "events",
"best", "epoch", "stopped", "progress"}`` with two float64 buffers per metric (steps, then
values), holding only the points logged since the previous batch.

    >>> from nngraph.monitor import Update
    >>> content, buffers = batch_message(Update(points={"loss": ([1.0, 2.0], [0.5, 0.4])}), "")
    >>> content["metrics"], np.frombuffer(buffers[1]).tolist()
    (['loss'], [0.5, 0.4])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.i18n._catalog import with_type
from nngraph.widgets._wire import sendable

__all__ = ["batch_message", "full_snapshot", "jsonable", "source_kind"]


def source_kind(source: Any) -> str:
    """``"monitor"``, ``"runs"`` or ``"gradients"``; an :class:`NNGraphError` that says what to
    pass for anything else."""
    from nngraph.monitor import GradientWatch, Monitor, Runs

    if isinstance(source, Monitor):
        return "monitor"
    if isinstance(source, Runs):
        return "runs"
    if isinstance(source, GradientWatch):
        return "gradients"
    raise NNGraphError(message("monitor.error.lossview_source", got=with_type(source)))


def jsonable(value: Any) -> Any:
    """``value`` with non-finite floats as strings ("nan", "inf"): browsers reject NaN in JSON;
    and a name a kernel message cannot carry (half a surrogate pair) with U+FFFD in its place.

        >>> jsonable({"loss\\ud800": [float("nan"), 0.5]})
        {'loss\ufffd': ['nan', 0.5]}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return sendable(value)
    if isinstance(value, dict):
        return {sendable(str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return jsonable(value.item())
    return value


def full_snapshot(source: Any, kind: str, max_points: int = 1000) -> dict[str, Any]:
    """The normalised snapshot of ``source`` (see the module docstring)."""
    if source is None:
        return {"kind": kind, "metric": "val_loss", "mode": "min", "runs": {}}
    if kind == "monitor":
        snap = source.snapshot(max_points)
        return jsonable(
            {"kind": kind, "metric": snap["metric"], "mode": snap["mode"], "runs": {"": snap}}
        )
    if kind == "runs":
        snap = source.snapshot(max_points)
        return jsonable(
            {
                "kind": kind,
                "metric": snap["metric"],
                "mode": snap["mode"],
                "runs": snap["runs"],
                "table": snap["table"],
                "winner": snap["winner"],
                "winners": snap["winners"],
                "notes": snap["notes"],
            }
        )
    snap = source.snapshot(max_points)
    run = {"metrics": snap["layers"], "events": snap["events"], "best": None}
    return jsonable({"kind": kind, "metric": "", "mode": "min", "runs": {"": run}})


def batch_message(
    update: Any, run: str, monitor: Any = None, progress: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[bytes]]:
    """One listener ``Update`` as a custom message and its float64 buffers."""
    names: list[str] = []
    buffers: list[bytes] = []
    for name, (steps, values) in update.points.items():
        names.append(name)
        buffers.append(np.asarray(steps, dtype=np.float64).tobytes())
        buffers.append(np.asarray(values, dtype=np.float64).tobytes())
    content: dict[str, Any] = {
        "type": "batch",
        "run": run,
        "metrics": names,
        "events": [e.to_dict() for e in update.events],
        "best": None if update.best is None else update.best.to_dict(),
    }
    if monitor is not None:
        content["epoch"] = monitor.epoch
        # the Stop button (or request_stop()): a detector's advice a loop trains past is no stop
        content["stopped"] = getattr(monitor, "_user_stop", None) is not None
    if progress is not None:
        content["progress"] = progress
    return jsonable(content), buffers
