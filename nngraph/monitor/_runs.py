"""``Runs``: several training runs overlaid, with a table of their best epochs (``compare()``,
in :mod:`nngraph.monitor._compare`, makes one from finished monitors).

The lab's question, "small, medium or large hidden layer?", answered side by side:

    >>> runs = Runs(display=False)
    >>> for name, bottom in [("small", 0.40), ("large", 0.25)]:
    ...     mon = runs.new(name)
    ...     for epoch in range(1, 21):
    ...         mon.log(epoch, loss=1 / epoch, val_loss=bottom + abs(epoch - 10) / 50)
    >>> print(runs.table())
    run    epochs  best epoch by val_loss  val_loss  loss  stop
    small  20      10                      0.4       0.1   -
    large  20      10                      0.25 *    0.1   -
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, Literal

from nngraph._pretty import Text
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor import _display
from nngraph.monitor._display import Display
from nngraph.monitor._history import check_snapshot_points
from nngraph.monitor._listeners import Listener, Update
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._names import MODE_WARNING, Mode, mode_against_name, resolve_mode
from nngraph.monitor._nocopy import NotCopyable
from nngraph.monitor._run_best import best_rows, best_runs, metric_of
from nngraph.monitor._runs_metric import compared_metric, table_notes, warn_unknown_mode
from nngraph.monitor._runs_options import (
    check_new_options,
    check_options,
    warn_mode_against_name,
    warn_unlogged_metric,
)
from nngraph.monitor._runs_table import table_text

__all__ = ["Runs"]


class Runs(NotCopyable, not_copied="monitor.runs.error.copy"):
    """A set of named runs (one :class:`Monitor` each) shown together.

    ``runs.new(name, model=...)`` makes a monitor for one run; ``table()`` compares their best
    epochs by ``metric``; ``snapshot()`` and ``add_listener()`` feed one overlaid view (every
    update carries its run's ``name``). In a notebook the overlaid view is shown instead of one
    view per run; in a script each run prints its own lines, prefixed by its name.

        >>> import nngraph as ng
        >>> runs = ng.Runs(display=False)
        >>> mon = runs.new("small"); mon.log(1, val_loss=0.5)
        >>> runs.names, runs["small"].best.value
        (['small'], 0.5)
    """

    def __init__(
        self,
        *,
        metric: str | None = None,
        mode: Mode = "auto",
        display: Display = "auto",
    ) -> None:
        check_options(metric, mode, display)  # refused now, not at the first table()
        self._metric = metric  # None: val_loss, or the validation loss as the runs log it
        self._mode = mode  # "auto": resolved from the metric compared, when it is compared
        self.monitors: dict[str, Monitor] = {}
        self._listeners: list[Listener] = []
        self._forwarders: dict[str, Callable[[Update], None]] = {}
        self._metric_said = False  # a metric= that no run logged, said once
        #: metrics whose names say not which way is better, or the other way than `mode`:
        #: said once (`val_loss` with mode="max", given: said now, not by each run again)
        self._mode_said: set[str] = set()
        if metric is not None and warn_mode_against_name(metric, mode):
            self._mode_said.add(metric)
        self.view: Any = None
        if display in ("auto", "widget", True):
            self.view = _display.attach_view(self)
        self._text = display not in (False, None) and self.view is None

    def new(self, name: str, model: Any = None, **kwargs: Any) -> Monitor:
        """Start a run called ``name``: a :class:`Monitor` (same arguments) that is part of this
        comparison.

            >>> import nngraph as ng
            >>> runs = ng.Runs(display=False); runs.new("medium").name
            'medium'
        """
        check_new_options(kwargs)
        if self._metric is not None:
            kwargs.setdefault("metric", self._metric)
        if self._mode != "auto" and (self._metric is None or kwargs["metric"] == self._metric):
            kwargs.setdefault("mode", self._mode)  # the user's mode, for the metric it was for
        kwargs.setdefault("display", "text" if self._text else False)
        metric = kwargs.get("metric", "val_loss")
        ours = "mode" in kwargs and kwargs["mode"] == self._mode
        with warnings.catch_warnings():
            if ours and metric in self._mode_said:
                warnings.filterwarnings("ignore", message=MODE_WARNING)  # the Runs said it
            monitor = Monitor(model=model, name=name, **kwargs)
        monitor._follows_names = True  # its best where the table marks it (val_accuracy)
        if ours and mode_against_name(self._mode, metric):
            self._mode_said.add(metric)  # the monitor said it: the Runs need not again
        return self.add(monitor)

    def add(self, monitor: Monitor, name: str | None = None) -> Monitor:
        """Add an existing monitor under ``name``, else its own name, else the first free
        ``run N``. The monitor itself is not changed (its ``name`` stays as it was). The
        listeners (the view) get what it logged before as one update. A name already taken
        (the cell that makes the run run again) is said in a warning, and the new run takes
        the old one's place in the table and the view.

            >>> import nngraph as ng
            >>> runs = ng.Runs(display=False); a = ng.Monitor(display=False)
            >>> _ = runs.add(a); _ = runs.add(ng.Monitor(name="run 2", display=False))
            >>> _ = runs.add(ng.Monitor(display=False)); runs.names, a.name
            (['run 1', 'run 2', 'run 3'], None)
        """
        if not isinstance(monitor, Monitor):
            raise NNGraphError(message("monitor.runs.error.add_not_monitor", got=monitor))
        if name is not None and not isinstance(name, str):  # a name is shown in the table
            raise NNGraphError(message("monitor.error.name", value=name))
        added = next((old for old, mon in self.monitors.items() if mon is monitor), None)
        if added is not None:  # one run, two rows: compare() refuses it as well
            raise NNGraphError(message("monitor.runs.error.added_twice", name=added))
        name = name or monitor.name or self._free_name()
        if name in self.monitors:  # the cell that makes this run run again: it takes its place
            self._drop(name)
        self.monitors[name] = monitor  # a view redraws a name's curves for a new monitor
        if self._listeners:
            monitor.flush()  # points it still holds go to its own listeners, not twice to ours
            self._forward(name, monitor)
            history = monitor._history_update()
            if history is not None:  # a finished run: the view draws it now
                self._forwarders[name](history)
        return monitor

    def _drop(self, name: str) -> None:
        """Stop following the run called ``name``, said in a warning: a run of that name is
        added again. It keeps its place in the table (``monitors[name]`` is set next)."""
        old = self.monitors[name]
        forward = self._forwarders.pop(name, None)
        if forward is not None:
            old.remove_listener(forward)
        text = message("monitor.runs.warn.replaced", name=name)
        warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())

    def _free_name(self) -> str:
        """``run N`` for the first N from ``len + 1`` on that no run is called yet."""
        i = len(self.monitors) + 1
        while message("monitor.runs.default_name", i=i) in self.monitors:
            i += 1
        return message("monitor.runs.default_name", i=i)

    def __getitem__(self, name: str) -> Monitor:
        try:
            return self.monitors[name]
        except (KeyError, TypeError):  # TypeError: a name that cannot be one (a list)
            raise NNGraphError(
                message("monitor.runs.error.unknown", name=name, names=self.names)
            ) from None

    def __iter__(self) -> Iterator[Monitor]:
        return iter(self.monitors.values())

    def __len__(self) -> int:
        return len(self.monitors)

    @property
    def names(self) -> list[str]:
        """The runs' names, in the order they were added.

        >>> runs = Runs(display=False); _ = runs.new("a"); _ = runs.new("b"); runs.names
        ['a', 'b']
        """
        return list(self.monitors)

    @property
    def metric(self) -> str:
        """The metric the runs are compared by (the table's column): the one given, else the
        validation loss under the name the first run that logged it uses (``val_loss``,
        ``valid_loss``, ...). Each run is read under its own name for a validation metric
        (:func:`metric_of`): a run that logs ``val/loss`` is compared with one that logs
        ``valid_loss``; a run that never logged it shows ``-``, and where it logged another
        metric of its kind (another validation one), a line under the table says it is not
        ranked (a run with no validation at all gets no line: it may not have validated yet).

            >>> import nngraph as ng
            >>> runs = ng.Runs(display=False); runs.new("a").log(1, valid_loss=0.4)
            >>> runs.new("b").log(1, **{"val/loss": 0.3})
            >>> runs.metric, runs.winner()
            ('valid_loss', 'b')

        When no run logged the metric its monitor watches, the validation metric most runs
        logged (``val_acc``: the highest wins; a line under the table says so); with no
        validation metric at all (no validation set), the watched metric's training twin
        (``loss``; each run read under its own name for it, ``loss`` or ``train_loss``).

            >>> runs = ng.Runs(display=False); runs.new("a").log(1, loss=0.2, val_acc=0.7)
            >>> runs.new("b").log(1, loss=0.1, val_acc=0.8); runs.metric, runs.winner()
            ('val_acc', 'b')
            >>> runs = ng.Runs(display=False); runs.new("a").log(1, loss=0.4)
            >>> runs.new("b").log(1, train_loss=0.3); runs.metric, runs.winner()
            ('loss', 'b')
        """
        if self._metric is not None:
            return self._metric
        return compared_metric(list(self.monitors.values()))

    @property
    def mode(self) -> Literal["min", "max"]:
        """``"min"`` or ``"max"`` for :attr:`metric`: the mode given, else (``"auto"``) the mode
        of the first run that tracks that metric, else the one its name says (as
        :class:`Monitor` reads it); a name that does not say which way is better
        (``val_poprawnosc``) is taken for a loss, and said once in a warning, as a Monitor
        says it (see :func:`~nngraph.monitor._runs_metric.warn_unknown_mode`).

            >>> import nngraph as ng
            >>> runs = ng.Runs(display=False); runs.new("a", metric="val_acc").log(1, val_acc=0.6)
            >>> runs.metric, runs.mode, runs["a"].mode
            ('val_acc', 'max', 'max')
        """
        return self._resolved_mode()

    def _resolved_mode(self) -> Literal["min", "max"]:
        """:attr:`mode`, said once in a warning where the metric's name does not say it, or
        says the other way than the mode given (``val_loss`` with ``mode="max"``)."""
        metric = self.metric
        if self._mode != "auto":
            if metric not in self._mode_said and warn_mode_against_name(metric, self._mode):
                self._mode_said.add(metric)
            return resolve_mode(self._mode, metric)
        for mon in self.monitors.values():
            if mon.metric == metric_of(mon, metric):
                return mon.mode
        if metric not in self._mode_said and warn_unknown_mode(self.monitors.values(), metric):
            self._mode_said.add(metric)
        return resolve_mode("auto", metric)

    # ---------------------------------------------------------------- comparing
    def rows(self) -> list[dict[str, Any]]:
        """One dict per run: name, epochs, the epoch where ``metric`` was best (by this
        comparison's ``mode``), the metrics at that step (one name for each metric, whatever
        name each run logged it under: ``metric`` for it, for the others the first run's name,
        so ``valid_acc`` and ``val/acc`` share the ``val_acc`` column), and the stop.

            >>> runs = Runs(display=False); runs.new("a").log(1, val_loss=0.5)
            >>> runs.rows()
            [{'run': 'a', 'epochs': 1, 'best_epoch': 1, 'best': {'val_loss': 0.5}, 'stop': None}]
        """
        return best_rows(self.monitors, self.metric, self.mode)

    def winners(self) -> list[str]:
        """Every run with the best ``metric``, in the runs' order: one run, or several that
        tie (the same best value, up to float32 rounding: ``13 / 15`` computed in float32 or
        float64); ``[]`` before any run logged it.

        >>> runs = Runs(display=False)
        >>> for name, acc in [("SGD", 0.8), ("Adam", 0.9), ("RMSprop", 0.9)]:
        ...     runs.new(name, metric="val_acc").log(1, val_acc=acc)
        >>> runs.winners(), runs.winner()
        (['Adam', 'RMSprop'], 'Adam')
        """
        return best_runs(self.monitors, self.metric, self.mode)

    def winner(self) -> str | None:
        """The run with the best ``metric`` (None before any run logged it); when several tie,
        the first of them in the runs' order: :meth:`winners` names them all, and the table
        marks each and says it is a tie.

        >>> runs = Runs(display=False); runs.winner() is None
        True
        >>> runs.new("a").log(1, val_loss=0.5); runs.new("b").log(1, val_loss=0.4)
        >>> runs.winner()
        'b'
        """
        self._check_metric()
        winners = self.winners()
        return winners[0] if winners else None

    def _check_metric(self) -> None:
        """Say once a ``metric=`` that no run logged (a slip: see :func:`warn_unlogged_metric`)."""
        if self._metric is not None and not self._metric_said:
            self._metric_said = warn_unlogged_metric(self.monitors.values(), self._metric)

    def table(self) -> str:
        """A text table: each run's best epoch and its metrics there; ``*`` marks the winner,
        or every run that ties for the best, with a line that names them. Lines under it say
        why the runs are compared by a metric their monitors do not watch, and which runs are
        not ranked (they never logged it).

        >>> runs = Runs(display=False)
        >>> runs.new("a").log(1, val_loss=0.5); runs.new("b").log(1, val_loss=0.4)
        >>> print(runs.table())
        run  epochs  best epoch by val_loss  val_loss  stop
        a    1       1                       0.5       -
        b    1       1                       0.4 *     -
        >>> runs.new("c").log(1, val_loss=0.4); print(runs.table().splitlines()[-1])
        * a tie: b and c reach the same best val_loss (0.4)
        """
        self._check_metric()
        rows = [_shown_stop(row) for row in self.rows()]
        # a cell's last line shows the table, not its repr
        return Text("\n".join([table_text(rows, self.metric, self.winners()), *self._notes()]))

    def _notes(self) -> list[str]:
        """The lines under the table (see :func:`table_notes`), for the text and the view."""
        given = self._metric is not None
        return table_notes(self.monitors, self.metric, given=given, mode=self.mode)

    def __repr__(self) -> str:
        return self.table()

    def _ipython_display_(self) -> None:
        """``runs`` as a cell's value: in a notebook its live view (again), else its table."""
        _display.show(self, repr(self))

    def snapshot(self, max_points: int = 1000) -> dict[str, Any]:
        """Every run's downsampled snapshot, the table rows, the winner and every run that ties
        with it (``winners``; for a view), and the lines under the table (``notes``);
        ``max_points``: at most this many points per metric and run (a whole number).

            >>> runs = Runs(display=False); runs.new("a").log(1, val_loss=0.5)
            >>> snap = runs.snapshot(max_points=100); snap["winner"], list(snap["runs"])
            ('a', ['a'])
        """
        max_points = check_snapshot_points(max_points)
        return {
            "metric": self.metric,
            "mode": self.mode,
            "runs": {name: mon.snapshot(max_points) for name, mon in self.monitors.items()},
            "table": self.rows(),
            "winner": self.winner(),
            "winners": self.winners(),
            "notes": self._notes(),
        }

    # ---------------------------------------------------------------- listeners
    def add_listener(self, listener: Listener) -> Listener:
        """Call ``listener(update)`` with every run's new points; ``update.name`` says which.
        A listener that is not callable is an :class:`NNGraphError`; one that raises is
        dropped with a warning, and the others go on getting every update.

        >>> runs = Runs(display=False); got = []; _ = runs.add_listener(got.append)
        >>> runs.new("a").log(1, loss=0.5); runs.flush(); [u.name for u in got]
        ['a']
        """
        if not callable(listener):  # refused now, as Monitor.add_listener does, not at a flush
            raise NNGraphError(message("monitor.error.listener", got=listener))
        if not self._listeners:
            for name, mon in self.monitors.items():
                self._forward(name, mon)
        self._listeners.append(listener)
        return listener

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener`` (one never added is ignored).

        >>> runs = Runs(display=False); got = []; _ = runs.add_listener(got.append)
        >>> runs.remove_listener(got.append); runs.new("a").log(1, loss=0.5); runs.flush()
        >>> got
        []
        """
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _forward(self, name: str, monitor: Monitor) -> None:
        def forward(update: Update) -> None:
            tagged = replace(update, name=name)
            for listener in list(self._listeners):
                try:
                    listener(tagged)
                except Exception as exc:  # dropped alone, as a monitor drops one: not the others
                    self.remove_listener(listener)
                    warnings.warn(message("monitor.warn.listener", exc=exc), stacklevel=2)

        self._forwarders[name] = forward
        monitor.add_listener(forward)

    def flush(self) -> None:
        """Flush every run's pending points (to the listeners).

        >>> runs = Runs(display=False); got = []; _ = runs.add_listener(got.append)
        >>> runs.new("a").log(1, loss=0.5); runs.flush(); len(got)
        1
        """
        for mon in self.monitors.values():
            mon.flush()


def _shown_stop(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its stop said as the live view says it: the Stop button's (detector
    ``"user"``, also ``request_stop()``) in the view's words, not as ``user``."""
    stop = row["stop"]
    if stop is None or stop["detector"] != "user":
        return row
    return {**row, "stop": {**stop, "detector": message("lossview.detector_user")}}
