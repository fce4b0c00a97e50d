"""What a monitor says of itself: ``mon.summary()``, ``repr(mon)`` and ``mon.snapshot()``.

>>> import nngraph as ng
>>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.7)
>>> repr_text(mon)
'<Monitor: 1 epoch, best val_loss=0.7, 0 events>'
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nngraph._oneline import one_line
from nngraph._pretty import Text
from nngraph.i18n import message
from nngraph.monitor._common import fmt_step
from nngraph.monitor._names import is_validation, mode_known, resolve_mode, train_twin
from nngraph.monitor._text import count

if TYPE_CHECKING:
    from nngraph.monitor._best import Best
    from nngraph.monitor._common import Event
    from nngraph.monitor._monitor import Monitor

__all__ = ["name_of", "repr_text", "snapshot_of", "summary_text", "user_names"]


def summary_text(mon: Monitor) -> Text:
    """The text of ``mon.summary()``: the best epoch (or why there is none) and every event;
    a name holding a newline (or another character `one_line` escapes) keeps each line one line.
    A str that a notebook shows as its lines, not as a repr with ``\\n``.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(metric="val_a\\nb", display=False); mon.log(1, **{"val_a\\nb": 0.5})
        >>> print(summary_text(mon))
        best val_a\\nb 0.5 at epoch 1 (step 1)
    """
    if mon._best is None:
        if not mon._calls:
            lines = [message("monitor.summary.none")]
        elif mon.metric in mon.series:
            lines = [message("monitor.summary.no_finite", metric=mon.metric)]
        else:
            logged = ", ".join(mon.series)
            lines = [message("monitor.summary.not_logged", metric=mon.metric, logged=logged)]
            held_out = [name for name in mon.series if is_validation(name)]
            if held_out:  # a run that validates by accuracy alone: the way to keep its best
                lines.append(message("monitor.summary.pick_metric", metric=held_out[0]))
            else:  # no validation at all (a lesson's first loop): how its training went
                lines.append(_training_only(mon))
    else:
        b = mon._best
        lines = [
            message(
                "monitor.summary.best",
                metric=b.metric,
                value=b.value,
                epoch=b.epoch,
                step=fmt_step(b.step),
            )
        ]
        lines.append(_restore_line(mon, b))
    if mon._events:
        n = len(mon._events)
        lines.append(message("monitor.summary.events", events=count("event", n)))
        lines += [f"  {e}" for e in mon._events]
    return Text("\n".join(one_line(line) for line in lines if line))


def _training_only(mon: Monitor) -> str:
    """Where the training metric of a run that logs no validation metric ended, and its best
    (the twin of the watched metric where logged: ``loss`` for ``val_loss``).

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False)
        >>> for epoch, loss in enumerate([0.9, 0.4, 0.5], 1): mon.log(epoch, loss=loss)
        >>> _training_only(mon)
        'loss 0.5 at step 3 (lowest 0.4); no validation metric logged'
    """
    known = [name for name in mon.series if mode_known(name)]  # a loss, not a learning rate
    name = train_twin(mon.metric, mon.series) or (known or list(mon.series))[0]
    series = mon.series[name]
    higher = resolve_mode("auto", name) == "max"  # a name that says neither: a loss
    best = series.max_value if higher else series.min_value
    if series.last is None or not len(series.epochs) or not math.isfinite(best):
        return ""
    steps = mon._unit() == "step"  # its text lines say "step 300": so does the summary
    return message(
        "monitor.summary.training_only_step" if steps else "monitor.summary.training_only",
        metric=name,
        last=series.last[1],
        epoch=fmt_step(series.last[0]) if steps else int(series.epochs[-1]),
        extreme=message(f"monitor.runs.table.extreme_{'max' if higher else 'min'}"),
        best=best,
    )


def _restore_line(mon: Monitor, best: Best) -> str:
    """What becomes of the best weights: already put back into the watched model, not kept (the
    watched model was not the one trained), or the call that puts them back, with the names
    the monitor and its model have in the notebook (none invented: without one, in words); none
    for a best that is only the most negative value of a broken loss (see NegativeLoss)."""
    if not mon._weights:
        return ""
    if mon._best_stale is not None:
        return message("monitor.summary.stale", since=mon._best_stale)
    if mon._restored is best:
        return message("monitor.summary.restored", epoch=best.epoch)
    if mon._negative.broken_best(best.metric, best.value):  # NLLLoss on raw scores
        return message("monitor.summary.negative_best")
    names = user_names()
    me = name_of(mon, names)
    if me is None:
        return message("monitor.summary.restore_unnamed")
    model = name_of(mon._model, names)
    if model is None:  # a model made again since, or never given a name
        return message("monitor.summary.restore_watched", call=f"{me}.restore_best()")
    return message("monitor.summary.restore", call=f"{me}.restore_best({model})")


def user_names() -> Mapping[str, Any]:
    """The user's variables: the notebook's (IPython's namespace), else the running script's.

    >>> "__name__" in user_names()
    True
    """
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    if shell is not None:
        return shell.user_ns
    main = sys.modules.get("__main__")
    return vars(main) if main is not None else {}


def name_of(value: object, names: Mapping[str, Any]) -> str | None:
    """The first of ``names`` (a variable, not IPython's ``_``, ``_3``) bound to ``value``.

    >>> mon = object(); name_of(mon, {"_": mon, "_1": mon, "mon_lr": mon})
    'mon_lr'
    """
    if value is None:
        return None
    found = (n for n, v in list(names.items()) if v is value and n.isidentifier())
    return next((n for n in found if not n.startswith("_")), None)


def repr_text(mon: Monitor) -> str:
    """The text of ``repr(mon)``: its name, epochs, best value and events, on one line.

    >>> import nngraph as ng
    >>> mon = ng.Monitor(metric="val_a\\nb", display=False); mon.log(1, **{"val_a\\nb": 0.5})
    >>> print(repr_text(mon))
    <Monitor: 1 epoch, best val_a\\nb=0.5, 0 events>
    """
    name = f" {mon.name!r}" if mon.name else ""
    best = ""
    if mon._best is not None:
        best = message("monitor.repr.best", metric=mon._best.metric, value=mon._best.value)
    epochs, events = count("epoch", mon.epoch_count), count("event", len(mon._events))
    return one_line(message("monitor.repr", name=name, epochs=epochs, best=best, events=events))


def snapshot_of(mon: Monitor, max_points: int) -> dict[str, Any]:
    """`mon.snapshot(max_points)`: the history downsampled, events and best, JSON-friendly
    (a non-finite value as its text: "nan", "inf").

    >>> import nngraph as ng
    >>> mon = ng.Monitor(display=False); mon.log(1, loss=float("nan"))
    >>> snapshot_of(mon, 10)["metrics"]
    {'loss': {'step': [1.0], 'value': ['nan']}}
    """
    should_stop = mon.should_stop  # first: reading it judges an epoch held back (its events)
    metrics = {}
    for name, series in mon.series.items():
        steps, values = series.downsample(max_points)
        metrics[name] = {"step": steps.tolist(), "value": _json_floats(values.tolist())}
    return {
        "name": mon.name,
        "metric": mon.metric,
        "mode": mon.mode,
        "metrics": metrics,
        "pairs": mon.pairs,
        "events": [e.to_dict() for e in mon._events if _reached_views(mon, e)],
        "best": None if mon._best is None else mon._best.to_dict(),
        "epoch": mon.epoch,
        "should_stop": should_stop,
        "stop_requested": mon._user_stop is not None,
    }


def _reached_views(mon: Monitor, event: Event) -> bool:
    """Whether ``event`` has gone to the views: not one waiting for the first ``log()`` to
    learn its epoch (they get it then, with that call's points)."""
    return all(event is not waiting for waiting in mon._unstamped)


def _json_floats(values: list[float]) -> list[Any]:
    return [v if math.isfinite(v) else str(v) for v in values]
