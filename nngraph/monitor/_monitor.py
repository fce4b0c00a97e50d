"""``Monitor``: the live training monitor (history, detectors, best weights, listeners).

Parts live in their own modules and are mixed in, e.g. the best epoch and its weights
(:class:`~nngraph.monitor._best.BestTracking`: ``best``, ``model``, ``restore_best()``),
reading the history back (:class:`~nngraph.monitor._records.MetricRecords`: ``metrics``,
``pairs``, ``history()``, ``records()``, ``to_csv()``), running the detectors
(:class:`~nngraph.monitor._feeding.DetectorFeeding`, with one added to ``detectors`` later)
and the listeners of a live view (:class:`~nngraph.monitor._live.LiveUpdates`:
``add_listener()``, ``remove_listener()``, ``flush()``).

>>> import torch
>>> from nngraph.monitor import Monitor
>>> net = torch.nn.Linear(2, 1)
>>> mon = Monitor(model=net, display=False)
>>> for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.5, 0.6), (0.3, 0.7)], start=1):
...     mon.log(epoch, loss=tr, val_loss=va)
>>> mon.best.epoch, mon.best.value
(2, 0.6)
>>> mon.restore_best(net)   # the weights as they were at epoch 2
"""

from __future__ import annotations

import math
import warnings
import weakref
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor import _display
from nngraph.monitor._attached import AttachedWatches
from nngraph.monitor._best import Best, BestTracking, ModelChanges
from nngraph.monitor._common import (
    Event,
    as_step,
    fmt_step,
    short_repr,
    step_from,
    to_floats,
)
from nngraph.monitor._display import Display, check_display
from nngraph.monitor._distributed import Distributed, Reducer, current_rank
from nngraph.monitor._epochs import EpochCounting
from nngraph.monitor._event_check import checked_event
from nngraph.monitor._feeding import DetectorFeeding
from nngraph.monitor._history import Series, check_max_points, check_snapshot_points
from nngraph.monitor._listeners import Listener, Update
from nngraph.monitor._live import LiveUpdates
from nngraph.monitor._names import (
    Mode,
    is_metric_name,
    is_validation,
    mode_warning,
    resolve_mode,
)
from nngraph.monitor._negative_loss import NegativeLoss
from nngraph.monitor._nocopy import NotCopyable
from nngraph.monitor._params import _nonnegative
from nngraph.monitor._records import MetricRecords
from nngraph.monitor._report import repr_text, snapshot_of, summary_text
from nngraph.monitor._same_data import SameData
from nngraph.monitor._steps import StepOrdering
from nngraph.monitor._text_lines import TextLines
from nngraph.monitor._train_means import TrainingMeans
from nngraph.monitor._unchanged import UnchangedWeights
from nngraph.monitor._validation_mode import ValidationModes
from nngraph.monitor._watched import MetricWatching
from nngraph.monitor._weights import WeightSnapshot, check_module
from nngraph.monitor.detectors import Detector, detector_list

__all__ = ["Best", "Display", "Listener", "Monitor", "Update"]

#: the packages whose frames call log() for the user (a Lightning callback)
_NOT_USER_CODE = ("torch", "nngraph", "lightning", "pytorch_lightning")


class Monitor(
    BestTracking,
    DetectorFeeding,
    EpochCounting,
    LiveUpdates,
    MetricRecords,
    MetricWatching,
    StepOrdering,
    TextLines,
    NotCopyable,
    not_copied="monitor.error.copy",  # copy, deepcopy, pickle: what to save instead
):
    """Watches a training run: ``log()`` metrics, get explanations, keep the best weights.

    - ``log(step, **metrics)`` per batch or per epoch; ``val_x`` is paired with ``x`` (also
      ``valid_x``, ``validation_x``, ``val/x``, and ``train_x``, ``train/x``).
    - ``detectors``: a list, one detector, or ``None`` (the classroom default set); each is a
      fresh copy (your objects are never changed: read ``mon.detectors`` and ``mon.events``),
      so a list made in an earlier cell starts fresh with each new monitor. One
      appended to ``mon.detectors`` later first catches up on the history, silently; what is
      not a detector (the class ``GL`` for ``GL(5)``) is refused by the next ``log()``
      before it records anything.
    - ``events``: what the detectors said; ``should_stop``: a detector asked to stop;
      ``best`` and ``restore_best(model)``: the exact weights of the best epoch (by ``metric``,
      default ``val_loss``, or the validation loss under the name it is logged with:
      ``valid_loss``, ``val/loss``, ...), kept in host memory. In a run that validates, a
      watched metric that is never logged is said once in a warning, with the names that
      were (a run that logs only training metrics gets none: watch one of them with
      ``metric="loss"``). ``mode="auto"`` (default) takes the highest value as best for a
      higher-is-better name (an accuracy, score, correlation, ranking or reward: ``val_acc``,
      ``val_f1``, ``val_kappa``, ``val_ndcg@10``, ``val_reward``; the words are listed in
      ``resolve_mode``) or a likelihood (``val_log_likelihood``, ``val_elbo``), and the lowest
      otherwise (a loss); or say ``"min"`` or ``"max"``.
    - with ``model=``, weights that have not changed at all after three epochs that logged a
      training loss (a forgotten ``optimizer.step()``, an optimizer over another model's
      parameters, a learning rate of 0) are said once, as an event (see ``_unchanged``).
    - history in bounded memory (``max_points`` per metric), ``records()``, ``to_csv()``,
      ``snapshot()`` and ``add_listener()`` for a live view.
    - ``display``: ``"auto"`` (or ``True``) = a live widget in a notebook, text lines in a
      script; ``"widget"`` = the same (the widget in a notebook, text elsewhere); ``"text"``;
      ``False`` or ``None`` = silent. Under ``torch.distributed`` only rank 0 displays, and with
      ``distributed="auto"`` (or ``True``) metrics are averaged over ranks: then every rank must
      call ``log()`` with the same metric names.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False)
        >>> for epoch in range(1, 30):
        ...     mon.log(epoch, loss=1 / epoch, val_loss=0.5 + abs(epoch - 8) / 20)
        >>> mon.should_stop, mon.best.epoch
        (True, 8)
    """

    def __init__(
        self,
        model: Any = None,
        detectors: Detector | Iterable[Detector] | None = None,
        *,
        metric: str | None = None,
        mode: Mode = "auto",
        name: str | None = None,
        display: Display = "auto",
        distributed: Distributed = "auto",
        max_points: int = 10_000,
        print_interval: float = 1.0,
        flush_interval: float = 0.1,
    ) -> None:
        follows = metric is None  # val_loss, or the validation loss as it is logged
        metric = "val_loss" if metric is None else metric
        if not is_metric_name(metric):
            raise NNGraphError(message("monitor.error.metric_name", value=metric))
        if name is not None and not isinstance(name, str):
            raise NNGraphError(message("monitor.error.name", value=name))
        resolved = resolve_mode(mode, metric)
        text = mode_warning(mode, metric)
        if text is not None:
            outside = stacklevel_outside(_NOT_USER_CODE)
            warnings.warn(text, UserWarning, stacklevel=outside)
        print_interval = _nonnegative(message("monitor.param.print_interval"), print_interval)
        flush_interval = _nonnegative(message("monitor.param.flush_interval"), flush_interval)
        check_display(display)
        Reducer.check(distributed)
        self._model = None if model is None else check_module(model, "Monitor(model=...)")
        self.detectors = detector_list(detectors, metric, resolved)
        self.metric = metric
        self.mode: Literal["min", "max"] = resolved
        self.name = name
        self.max_points = check_max_points(max_points)
        self.flush_interval = flush_interval
        self.series: dict[str, Series] = {}
        self._best: Best | None = None
        self._train_means = TrainingMeans()
        self._weights = WeightSnapshot()
        self._changes = ModelChanges()
        self._unchanged = UnchangedWeights()  # weights that never change: said once
        self._modes = ValidationModes()  # a validation without model.eval(): said once
        self._modes.watch(self._model)
        self._negative = NegativeLoss()  # NLLLoss on raw scores: said once
        weakref.finalize(self, self._modes.stop)  # nothing left watching a forgotten monitor
        self._init_epochs()
        self._init_watching(follows=follows, classroom_set=detectors is None)
        self._init_feeding()
        self._init_steps()
        self._distributed = distributed
        self._reducer: Reducer | None = None
        self._reducer_resolved = distributed is False
        self._init_live(flush_interval)
        # display: only rank 0 draws or prints
        self.view: Any = None
        shown = display not in (False, None) and current_rank() == 0
        if shown and display in ("auto", "widget", True):
            self.view = _display.attach_view(self)
        # the cell that shows the view: a log from another one shows it there (follow_cell)
        self._view_cell = _display.running_cell() if self.view is not None else None
        self._init_text(print_interval if shown and self.view is None else None)
        self._same_data = SameData()  # validation on the training data: said once
        #: the GradientWatches given ``monitor=`` and ``optimizer=`` (held weakly)
        self._watches = AttachedWatches()

    # ------------------------------------------------------------------ logging
    def log(self, step: float | None = None, /, *more: Any, **metrics: Any) -> None:
        """Record one line of metrics at ``step`` (epoch or batch; default: previous step + 1).
        The step may also be named: ``log(step=10, ...)`` or ``log(epoch=3, ...)`` (once).

        Values may be floats, ints, numpy scalars, one-element tensors or numpy arrays (several
        tensors are moved to the host in one transfer). Detectors run, the best weights are
        kept, listeners and the text view are updated.

            >>> import nngraph as ng
            >>> mon = ng.Monitor(display=False)
            >>> mon.log(1, loss=0.9, val_loss=1.0); mon.log(loss=0.7, val_loss=0.8)
            >>> mon.history("val_loss")[0].tolist()
            [1.0, 2.0]

        Epochs: a positional or ``step=`` step may count batches, so by default each call with
        a validation metric (``val_loss``, ``valid_loss``, ``val/loss``) ends an epoch and they
        are counted 1, 2, 3, ... A run whose first call is at step 0 counts from 0, as its steps
        do (the zero-based ``for epoch in range(n): mon.log(epoch, ...)``, or an evaluation
        before training), unless its first validation comes at a later step (after the first
        epoch's batches: epoch 1); a loop resumed at a later epoch (``range(100, 126)``) is
        counted from 1, said once in a warning. Pass ``epoch=`` and your numbers are shown
        (text lines, ``best.epoch``, events and their explanations, summary, Runs table; a
        fraction rounded up): validating every 5 epochs gives epochs 5, 10, 15, ... A later
        call without ``epoch=`` stays in that epoch, or starts the next one after a validation.

            >>> mon = ng.Monitor(display=False, detectors=[])
            >>> for epoch in range(1, 21):
            ...     val = {"val_loss": abs(epoch - 10) / 10} if epoch % 5 == 0 else {}
            ...     mon.log(epoch=epoch, loss=1 / epoch, **val)
            >>> mon.best.epoch, mon.epoch
            (10, 20)

        Detectors still count validations to decide (a Prechelt strip of ``k`` epochs is ``k``
        of them), but their explanations speak of the monitor's epochs: "best at epoch 10",
        "for 10 epochs" when validating every 5 (or when the watched metric is logged only
        every 5th epoch). The training loss they read for an epoch, and ``best.metrics`` holds,
        is the mean its text line shows: of the calls since the last validation, in its epoch.

        One monitor follows one run: an ``epoch=`` number below the last epoch (logged, or
        counted) is an :class:`NNGraphError` and records nothing; the same number again is fine.
        A positional or ``step=`` step below the last one (the training cell run again, batch
        numbers that restart each epoch) goes on from the last step (see ``_steps``); a
        validation metric logged again at its step (the evaluation cell run again) ends no
        epoch, and the detectors skip it (see ``_epochs``). Each is said once, in a warning.
        """
        if more or isinstance(step, Mapping):  # mon.log({"loss": ...}), mon.log(2, {...})
            got = ", ".join(short_repr(v) for v in (step, *more))
            raise NNGraphError(message("monitor.error.log_positional", got=got))
        given = "epoch" in metrics
        step = step_from(step, metrics)
        if not metrics:
            raise NNGraphError(message("monitor.error.no_metrics"))
        for key in metrics:
            if not is_metric_name(key):
                raise NNGraphError(message("monitor.error.log_metric_name", name=key))
        step_f = (self._last_step + 1 if self._calls else 1.0) if step is None else as_step(step)
        given_epoch = math.ceil(step_f) if given else None
        if given_epoch is not None:
            self._check_epoch(given_epoch)  # before anything is recorded
        self._check_new_detectors()  # one appended to mon.detectors since the last call
        self._logging()
        self._watches.at_log()  # a watched optimizer that never steps
        if self.view is not None:
            self._view_cell = _display.follow_cell(self, self._view_cell)
        values = to_floats(metrics)
        if not self._reducer_resolved:
            self._reducer = Reducer.resolve(self._distributed)
            self._reducer_resolved = True
        if self._reducer is not None:
            values = self._reducer.average(values)
        if step is not None:
            offset = self._step_offset
            step_f = self._forward_step(step_f, epoch=given, first=not self._calls, values=values)
            if self._step_offset != offset:  # the steps started again: the cell run again
                self._say_stopped_already()
        self._say_if_trained_in_a_later_cell(values)
        self._calls += 1
        self._last_step = step_f
        self._follow_loss(values)
        is_eval = any(is_validation(key) for key in values)
        if (text := self._modes.at_log(self._model, is_eval)) is not None:
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside(_NOT_USER_CODE))
        epoch = self._advance_epoch(step_f, given_epoch, values, named=step is not None)
        waited = self._stamp_waiting(*self._first_stamp(epoch, step_f)) if self._unstamped else []
        for key, v in values.items():
            series = self.series.get(key)
            if series is None:
                series = self.series[key] = Series(self.max_points)
            series.append(step_f, v, call=self._calls, epoch=epoch)
        if (text := self._negative.at_log(self.series, values, epoch)) is not None:
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside(_NOT_USER_CODE))
        if not self._evaluated_again and (
            said := self._same_data.at_log(self.metric, values, self.series)
        ):
            warnings.warn(said, UserWarning, stacklevel=stacklevel_outside(_NOT_USER_CODE))
        if self._model is not None and not self._unchanged.done:
            said = self._unchanged.at_log(
                self._model, values, epoch, step=step_f, counted=self._each_call_counted(),
                series=self.series, events=self._events,
            )  # fmt: skip
            if said is not None:
                self.add_event(said)
        best_epoch = self.epoch if self._given is None else epoch  # counting: epochs done
        improved = not self._evaluated_again and self._update_best(  # a repeat: the first counts
            step_f, best_epoch, values, (self._rows, self._row)
        )
        new_events: list[Event] = []  # none on a curve joining two models (see BestTracking),
        if not (self._other_model_trained or self._evaluated_again):  # nor on a cell run again
            new_events = self._feed_detectors(step_f, values, epoch)
        self._check_watched(epoch)
        self._check_per_batch(values, given_epoch)
        if self._listeners:
            self._listeners.queue(step_f, values, waited + new_events)
        if self._printer is not None:
            self._printer.metric = self.metric  # followed as logged: valid_loss
            if is_eval:
                self._printer.boundary(epoch, values, best=improved, events=new_events, step=step_f)
                return
            if self._count_calls():  # no validation set: each call is an epoch (or epoch=)
                self._printer.epoch_call(epoch, values, best=improved, events=new_events)
                return
            if self._evals:
                self._printer.observe(values, step=step_f, epoch=given_epoch)
            else:
                self._printer.progress(fmt_step(step_f), values, epoch=given_epoch)
            self._printer.events(new_events)

    def add_event(self, event: Event) -> None:
        """Add an event from elsewhere (e.g. :class:`GradientWatch`) to this run's story; a
        monitor printing text shows it with its epoch ("  ! epoch 3: ..."), since it may come
        before that epoch's own line. Before the first ``log()`` the epoch in progress is not
        known yet (a run whose first call is at step 0 numbers it 0, others 1): an event stamped
        with it is printed without a number, takes that call's epoch when it comes, and goes to
        the live views then.

        It must be an :class:`~nngraph.detectors.Event`; anything else (a detector, a text) is
        an :class:`NNGraphError`, and the monitor is left as it was.

        >>> from nngraph.monitor import Event
        >>> mon = Monitor(display=False); mon.log(1, loss=0.5)
        >>> mon.add_event(Event(step=1, epoch=1, detector="me", kind="note", message_id="",
        ...     message="learning rate halved", stop=False))
        >>> [e.message for e in mon.events]
        ['learning rate halved']
        """
        if not isinstance(event, Event):
            raise NNGraphError(message("monitor.error.add_event", got=short_repr(event)))
        event = checked_event(event)
        self._record(event)
        waits = self._waits_for_epoch(event)  # added before the first log()
        if self._listeners and not waits:
            self._listeners.queue(None, {}, [event])
        if self._printer is not None:
            shown = event.message if waits else str(event)
            self._printer.write(message("monitor.text.event", message=shown))

    def restart(self) -> None:
        """:meth:`resume` for a new ``fit``, not comparing training across it (see
        ``Detector.restart``): the first epoch's bump is no sign of a too high learning rate.

        >>> mon = Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.6); mon.restart()
        >>> mon.log(2, loss=0.9, val_loss=0.7); [e.message_id for e in mon.events]
        ['gl.restarted']
        """
        self.resume()  # restart() resuming each detector again changes nothing
        for det in self._detectors:
            det.restart()

    def _start_another_model(self) -> None:
        """:meth:`restart` for another model whose curves go on here (a Lightning fit of a new
        module): its best (epoch, value, weights) and the detectors judge its epochs only."""
        self.restart()
        self._best = self._restored = self._best_stale = None
        self._weights, self._weights_empty, self._best_untouched = WeightSnapshot(), False, False
        self._unchanged = UnchangedWeights()
        for det in self._detectors:
            det.reset()
            self._fed[id(det)] = det  # no catch-up on the earlier model's epochs

    # ------------------------------------------------------------------ results
    @property
    def events(self) -> list[Event]:
        """Every event so far (a copy), oldest first.

        >>> from nngraph.monitor import Monitor, detectors
        >>> mon = Monitor(detectors=[detectors.Patience(1)], display=False)
        >>> mon.log(1, val_loss=0.5); mon.log(2, val_loss=0.6)
        >>> [(e.detector, e.epoch, e.stop) for e in mon.events]
        [('Patience(1)', 2, True)]
        """
        self._results_read(tells_events=True)
        self._judge_waiting()  # reading them ends the step, as reading should_stop does
        return list(self._events)

    def snapshot(self, max_points: int = 1000) -> dict[str, Any]:
        """Downsampled history + events + best, JSON-friendly: what a view needs after reload.
        ``max_points``: at most this many points per metric (a whole number of at least 1).

        >>> mon = Monitor(display=False); mon.log(1, loss=0.5); mon.log(2, loss=0.4)
        >>> mon.snapshot(max_points=10)["metrics"]
        {'loss': {'step': [1.0, 2.0], 'value': [0.5, 0.4]}}
        """
        return snapshot_of(self, check_snapshot_points(max_points))

    def summary(self) -> str:
        """A few lines: the best epoch and every event.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5)
        >>> print(mon.summary())
        no best val_loss yet: it has not been logged (logged: loss)
        loss 0.5 at step 1 (lowest 0.5); no validation metric logged
        """
        self._results_read(tells_events=True)
        return summary_text(self)

    def __repr__(self) -> str:
        self._results_read(tells_events=True)
        return repr_text(self)

    def _ipython_display_(self) -> None:
        """``mon`` as a cell's value: in a notebook its live view (again), else its repr."""
        _display.show(self, repr(self))

    def close(self) -> None:
        """Flush everything and print the last held-back line: an epoch's, or the last step's
        in a run that has not validated yet. A detector that waits for the training value
        logged after a validation (see :meth:`Detector.feed`) judges that last epoch here if it
        never came. Call it at the end of training; ``with Monitor(...) as mon:`` calls it at
        the end of the block.

        >>> got = []
        >>> with Monitor(display=False) as mon:
        ...     _ = mon.add_listener(got.append); mon.log(1, loss=0.5)
        >>> len(got)  # flushed at the end of the block
        1
        """
        events = self._close_detectors()  # an epoch still waiting for its training value
        waited, self._unstamped = self._unstamped, []  # no log() came: they keep their epoch
        if (waited or events) and self._listeners:
            self._listeners.queue(None, {}, waited + events)
        self.flush()
        self._check_watched(closing=True)
        if self._printer is not None:
            self._printer.flush()
            self._printer.events(events)

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
