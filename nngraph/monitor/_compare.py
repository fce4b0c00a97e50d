"""``compare()``: finished (or running) monitors side by side, as one :class:`Runs`.

>>> import nngraph as ng
>>> small, large = ng.Monitor(display=False), ng.Monitor(display=False)
>>> small.log(1, val_loss=0.4); large.log(1, val_loss=0.25)
>>> compare({"small": small, "large": large}, display=False).winner()
'large'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, ValuesView
from typing import Any, cast

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._display import Display
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._names import Mode
from nngraph.monitor._runs import Runs
from nngraph.monitor._runs_options import check_options, monitors_given

__all__ = ["compare"]


def compare(
    *monitors: Monitor | Iterable[Monitor] | Mapping[Any, Monitor],
    metric: str | None = None,
    mode: Mode = "auto",
    display: Display = "auto",
) -> Runs:
    """Put finished (or running) monitors side by side: ``print(compare(m1, m2).table())``.

    The monitors may also come as one list, tuple or dict of them (or any iterable, a
    generator), as a loop over settings collects them: ``compare(results)`` for
    ``results = {"small": mon_a, "large": mon_b}``. A run is called by its dict key, else by
    its monitor's ``name``, else by the first ``run N`` that no other run is called.

    Without ``metric``, by the metric the runs track (``val_loss`` by default; each run read
    under its own name for it, ``valid_loss`` or ``val/loss``); when no run logged it, by the
    validation metric they logged (``val_acc``), or by their training loss when they logged
    none (no validation set). ``mode="auto"`` takes the runs' own mode for it, else the one
    its name says, so runs on ``val_acc`` are won by the highest accuracy. A ``metric=`` no
    run logged (a slip, ``val_los``) is said at once in a warning: "did you mean 'val_loss'?",
    as a Monitor says it. A :class:`Runs` compares its runs already: ``print(runs.table())``.

    >>> import nngraph as ng
    >>> a = ng.Monitor(name="a", display=False); a.log(1, val_loss=0.3)
    >>> b = ng.Monitor(name="b", display=False); b.log(1, val_loss=0.2)
    >>> ng.compare(a, b, display=False).winner()
    'b'
    >>> results = {"lr=0.1": ng.Monitor(display=False), "lr=1": ng.Monitor(display=False)}
    >>> for mon, value in zip(results.values(), [0.4, 0.5]): mon.log(1, val_loss=value)
    >>> ng.compare(results, display=False).names
    ['lr=0.1', 'lr=1']
    """
    check_options(metric, mode, display)
    named = monitors_given(_as_given(monitors))
    if not named:
        raise NNGraphError(message("monitor.runs.error.no_monitors"))
    for i, (key, mon) in enumerate(named):  # all checked before the view is shown
        for j, (_, other) in enumerate(named[:i]):
            if other is mon:
                raise NNGraphError(
                    message("monitor.runs.error.same_monitor", first=j + 1, second=i + 1)
                )
            if key is None and mon.name is not None and other.name == mon.name:
                raise NNGraphError(message("monitor.runs.error.same_name", name=mon.name))
    runs = Runs(metric=metric, mode=mode, display=display)
    for name, mon in zip(_run_names(monitors, named), (mon for _, mon in named), strict=True):
        runs.add(mon, name=name)
    runs._check_metric()  # finished runs, mostly: a slip in metric= is said at once
    runs._resolved_mode()  # and so is a metric whose name says not which way is better
    return runs


def _as_given(given: tuple[object, ...]) -> tuple[object, ...]:
    """``compare()``'s arguments, one iterable of monitors other than a list, tuple or dict (a
    generator, a set) as a list; a Runs among them is refused: it compares its runs already."""
    if len(given) == 1 and _other_iterable(given[0]) and not isinstance(given[0], Runs):
        given = (list(cast(Iterable[object], given[0])),)
    inside: Iterable[object] = ()
    if len(given) == 1 and isinstance(given[0], Mapping):
        inside = given[0].values()
    elif len(given) == 1 and isinstance(given[0], list | tuple | ValuesView):
        inside = given[0]
    if any(isinstance(value, Runs) for value in (*given, *inside)):
        raise NNGraphError(message("monitor.runs.error.runs_given"))
    return given


def _other_iterable(value: object) -> bool:
    """An iterable that is not a monitor, a text, a list, a tuple, a dict or its values."""
    plain = (Monitor, str, bytes, list, tuple, Mapping, ValuesView)
    scalar = getattr(value, "ndim", None) == 0  # a 0-d tensor or array: it cannot be iterated
    return isinstance(value, Iterable) and not isinstance(value, plain) and not scalar


def _run_names(
    given: tuple[object, ...], named: list[tuple[str | None, Monitor]]
) -> list[str | None]:
    """Each run's name: its dict key, else its monitor's name; a run with neither gets the
    first ``run N`` (N from its place on) that no other run is called, so that a default name
    never takes one given (``compare(Monitor(), Monitor(name="run 1"))``). Two dict keys that
    read the same (``1`` and ``"1"``) are an NNGraphError.

        >>> a, b = Monitor(display=False), Monitor(name="run 1", display=False)
        >>> _run_names((a, b), [(None, a), (None, b)])
        ['run 2', 'run 1']
    """
    names = [key if key is not None else mon.name for key, mon in named]
    if len(given) == 1 and isinstance(given[0], Mapping):
        keys: dict[str, object] = {}
        for key in given[0]:
            first = keys.setdefault(str(key), key)
            if first is not key:
                raise NNGraphError(
                    message("monitor.runs.error.same_key", first=first, second=key, name=str(key))
                )
    taken = {name for name in names if name is not None}
    out: list[str | None] = []
    for place, name in enumerate(names, start=1):
        i = place
        while name is None:
            default = message("monitor.runs.default_name", i=i)
            name = None if default in taken else default
            i += 1
        taken.add(name)
        out.append(name)
    return out
