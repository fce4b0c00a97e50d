"""PyTorch Lightning: ``NNGraphCallback`` feeds a :class:`~nngraph.monitor.Monitor` each epoch.

It reads ``trainer.callback_metrics`` at the end of every training epoch (an epoch-end
validation has run by then), logs them at Lightning's own epoch number
(``trainer.current_epoch``: the first epoch is 0, as in Lightning's progress bar and checkpoint
names), sets
``trainer.should_stop`` when a detector asks to stop, and at the end of ``fit`` puts the best
weights back into the module (Lightning's own ``EarlyStopping`` never does; a stop by it is told
as an event). A validation in the
middle of an epoch (``val_check_interval``) is logged when it ends, at a fraction of the epoch
(half-way through Lightning's epoch 3 is ``epoch=2.5``, shown as epoch 3: the monitor rounds a
fraction up), so the weights kept as the best are the ones it validated. Where Lightning cannot
know an epoch's length (training data without ``__len__``, e.g. an endless ``IterableDataset``)
and validates within it (``val_check_interval=5`` batches, or a time), that fit's points are
numbered by the training batches done in the fit instead, counted on across epochs (an event
says so): ``epoch=5`` after 5 batches, the ``5it`` of Lightning's progress bar in its first
epoch, so the monitor's "epoch 20" is the point after 20 batches, and the detectors say their
spans in batches ("has not improved for 20 batches": two validations, 10 batches apart).
A training metric logged per step only (``self.log("train_loss", loss)`` in ``training_step``:
Lightning's default there is ``on_epoch=False``) is shown as the mean over the epoch's batches,
not as its last batch's value.
A validation that does not log a metric an earlier one logged (``val_loss`` computed every
other epoch) gives that metric no point: Lightning keeps the earlier value in
``callback_metrics``, which is not logged again.

Metric names are mapped so that training and validation pair up: ``train_loss`` and
``train/loss`` -> ``loss``, ``valid_acc`` and ``val/acc`` -> ``val_acc``; the ``_epoch`` suffix is
dropped and per-step values (``_step``) are skipped. A name the monitor or one of its detectors
watches is kept as it is (``ng.Monitor(metric="valid_loss")`` gets ``valid_loss``). With several
validation dataloaders, the first one's metrics are the plain ones (``val_loss/dataloader_idx_0``
-> ``val_loss``, so it is watched by default) and the others keep their index
(``val_loss_dataloader_idx_1``). ``metrics={"my_key": "val_loss"}`` renames explicitly (the name
the module logs, or the one the monitor shows); it comes first. Training metrics logged in
``LightningModule.on_train_epoch_end`` (a mean of the epoch's outputs) are logged at their own
epoch too: Lightning calls that hook after this callback's, so they are read when the next
epoch starts (or when training ends), and a detector that reads the training loss (``GL``) then
judges that epoch; a stop it asks for ends the next epoch. ``Patience``'s stop after
``patience`` epochs without an improvement needs no training loss and is not delayed (its
event, whose words read that loss, comes with it); its "barely moved" stop, which reads it, is.

    >>> import lightning.pytorch as pl                     # doctest: +SKIP
    >>> from nngraph.integrations.lightning import NNGraphCallback
    >>> cb = NNGraphCallback()                              # doctest: +SKIP
    >>> pl.Trainer(max_epochs=100, callbacks=[cb]).fit(model, train_dl, val_dl)  # doctest: +SKIP
    >>> cb.monitor.best                                     # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from nngraph.capture import NNGraphWarning
from nngraph.errors import NNGraphError, check_flag, stacklevel_outside
from nngraph.i18n import message
from nngraph.integrations import _lightning_checks as checks
from nngraph.integrations import _lightning_fits as fits
from nngraph.integrations import _lightning_names as naming
from nngraph.integrations import _lightning_restore as restoring
from nngraph.integrations import _lightning_steps as steps
from nngraph.integrations._lightning_logging import NOT_USER_CODE, MetricLogging
from nngraph.integrations._lightning_names import metric_name
from nngraph.monitor import Monitor
from nngraph.monitor._display import Display, check_display
from nngraph.monitor._names import MODE_WARNING, Mode, is_validation
from nngraph.monitor.detectors import Detector, detector_list

try:
    from lightning.pytorch import Callback
    from lightning.pytorch.callbacks import EarlyStopping
except ImportError:  # pragma: no cover - the older package name
    try:
        from pytorch_lightning import Callback  # type: ignore[no-redef,assignment,unused-ignore]
        from pytorch_lightning.callbacks import (  # type: ignore[no-redef,assignment,unused-ignore]
            EarlyStopping,
        )
    except ImportError as exc:  # pragma: no cover
        raise ImportError(message("monitor.lightning.missing")) from exc

__all__ = ["NNGraphCallback", "metric_name"]


# the display= values that show a live view in a notebook
_VIEWS = ("auto", "widget", True)


class NNGraphCallback(MetricLogging, Callback):  # type: ignore[misc,unused-ignore]
    """Live curves, plain-language detectors and best-weight restore for ``Trainer.fit``.

    ``monitor``: a :class:`Monitor` to feed (default: a new one watching the LightningModule,
    with ``detectors``, ``metric``, ``mode``, ``display``: see :class:`Monitor`; ``metric``
    chooses the best weights, e.g. ``metric="val_acc"``, and ``mode`` whether its highest
    (``"max"``) or lowest (``"min"``) value is the best: ``"auto"``, the default, reads the
    metric's name, and a name that says neither way, such as ``val_poprawnosc``, is taken for a
    loss with a warning, so pass ``mode="max"`` for an accuracy or a score under such a name,
    ``mode="min"`` for a loss); ``stop``: let detectors stop training (the view's Stop button,
    ``monitor.request_stop()``, stops it either way, after the epoch it was clicked in);
    ``restore_best``: put the best epoch's weights back into the module when ``fit`` ends,
    also when it is interrupted (the kernel's Stop button, Ctrl+C), which the monitor tells,
    even before the first epoch of a later ``fit`` ends (an earlier fit's best). An error
    leaves the weights as they were then, to look into (the monitor says how to restore the
    best ones); either event, and a click on the view's Stop button, is dated at the epoch that
    was running (as Lightning's progress bar shows it). A stop by Lightning's own
    ``EarlyStopping`` is told as an event, in each fit it stops (one made in an earlier cell
    too). Where a stopping detector or an
    ``EarlyStopping`` watches another metric than the one the best weights are chosen by
    (``Patience(5, metric="val_acc")`` with the default ``val_loss``), an
    :class:`~nngraph.capture.NNGraphWarning` says so once, with the fix.

    One module, one run: a second ``fit`` of the same module (a re-run training cell) goes on
    with the same monitor, the one you gave or the callback's own: its history, best and events
    are kept, and its epochs go on after the last one it has (24, 25, ... after 23, on the same
    trainer or a new one: a new trainer's bar starts again at "Epoch 0", the monitor cannot go
    back, and an event says where the new fit starts); in a notebook the callback's own monitor shows its live view again
    below the cell now running ``fit``. With its own monitor, a ``fit`` of another module (the
    cell that builds the model was run again) starts a new run: a new ``cb.monitor``, epochs
    from 0; so does one resumed with ``fit(..., ckpt_path=...)``, at the trainer's epochs (3,
    4, ... after a checkpoint saved at the end of epoch 2, ``epoch=2-step=...ckpt``). A monitor
    you gave goes on with another module too, through this callback or a new one (the fit cell
    run again, ``callbacks=[NNGraphCallback(mon)]``): it watches the module being fitted, whose
    best weights are kept, unless you gave it a model yourself (``Monitor(model=...)``), and an
    event says that this module starts from its own weights. Where the monitor follows it, from
    that event on ``mon.best``, the weights put back and every detector judge this module's
    epochs only (the curves go on after the earlier module's): the earlier module's best is not
    compared with, so the new module gets its own best weights back even where they are worse
    than that best; a model you gave keeps its best and its weights. A ``fit``
    with nothing left to train (``max_epochs`` already reached) keeps the last run. An earlier
    fit's stop is not carried over: the new fit trains its epochs unless a detector or the Stop
    button stops it again.
    Each new ``fit`` starts its optimizer afresh (and after a restore, from the best weights), so
    its first epochs may jump: an event says so where it starts. If the second fit of the same
    module never beats the best, it gets the best weights back (never worse ones). A ``fit``
    in which the watched metric never came (no validation was due in it) keeps the weights it
    trained, which nothing compared with the best: an event says that the earlier best was
    not put back, and how to put it back. If the
    watched metric (``monitor.metric``, default ``val_loss``) is never logged, an
    :class:`~nngraph.capture.NNGraphWarning` says so once and lists the metrics that were
    logged, with the names ``metrics=`` accepts.

        >>> from nngraph.integrations.lightning import NNGraphCallback
        >>> cb = NNGraphCallback(restore_best=False)
        >>> cb.monitor is None  # created when training starts, with the module as its model
        True
        >>> cb = NNGraphCallback(metric="val_poprawnosc", mode="max")  # an accuracy in Polish
        >>> cb.mode  # the highest val_poprawnosc is the best (no warning: the mode is given)
        'max'
    """

    def __init__(
        self,
        monitor: Monitor | None = None,
        *,
        detectors: Iterable[Detector] | None = None,
        metric: str | None = None,
        mode: Mode = "auto",
        stop: bool = True,
        restore_best: bool = True,
        metrics: Mapping[str, str] | None = None,
        display: Display = "auto",
    ) -> None:
        super().__init__()
        checks.check_monitor(monitor)
        if monitor is not None and detectors is not None:  # they would be ignored without a word
            raise NNGraphError(message("monitor.lightning.detectors_and_monitor"))
        check_display(display)  # as Monitor checks it
        if monitor is not None and display != "auto":  # the monitor shows itself as it was made
            raise NNGraphError(message("monitor.lightning.display_and_monitor", display=display))
        check_flag("NNGraphCallback(stop=...)", stop)
        check_flag("NNGraphCallback(restore_best=...)", restore_best)
        rename = naming.renames(metrics)
        checks.check_renames(rename)
        self.metric = checks.check_metric(metric, monitor)
        self._monitor_mode = checks.check_mode(mode, self.metric, monitor)  # "min" or "max"
        self.mode = mode
        self.monitor = monitor
        self.detectors = None if detectors is None else detector_list(detectors)
        self.stop = stop
        self.restore_best = restore_best
        self.rename = rename
        self.display = display
        self._own_monitor = monitor is None
        self._module: Any = None  # the module being fitted
        self._validated = False  # a validation ran since the last training batch, not logged yet
        self._before_validation: dict[str, Any] = {}  # see on_validation_start
        self._running = False  # between the start of training and the end of fit
        self._batches = 0  # training batches done in this epoch
        self._means = steps.StepMeans()
        self._skip: tuple[tuple[str, ...], set[str]] = ((), set())  # keys, validation's among them
        self._next_epoch = 0  # the epoch after the last one this callback logged
        self._offset = 0  # added to the trainer's epoch: a second fit goes on counting
        self._saw_metric = False
        self._missing = 0
        self._warned = False
        self._trained = False  # an epoch ran in this fit
        self._any_validation = False  # a validation (not the sanity check) ran in this fit
        self._keys: dict[str, None] = {}  # Lightning's keys of the metrics logged in this fit
        self._early: list[tuple[Any, tuple[Any, ...]]] = []  # see stop_marks
        self._late = steps.LateMetrics()
        self._last_logged = 0.0  # the step of the last call to the monitor (not rounded up)
        self._by_batches = False  # epochs of unknown length: points numbered by batches
        self._told_batches = False  # that numbering was told in this fit
        self._told_min_epochs = False  # that Lightning's min_epochs holds a stop back
        self._fit_batches = 0  # training batches done in this fit
        self._first = 0  # the monitor's number of this fit's first epoch
        self._told_stop_metric = False

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        self._validated = self._saw_metric = self._warned = self._trained = False
        self._missing = 0
        self._running = self._any_validation = False
        self._keys = {}
        self._late = steps.LateMetrics()

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        # here, not in on_fit_start: Lightning has restored a checkpoint's epoch by now, and it
        # never calls this hook for a fit with nothing left to train (max_epochs already
        # reached: a re-run cell), which keeps the last run
        self._running = True
        self._module = pl_module
        self._early = steps.stop_marks(c for c in trainer.callbacks if isinstance(c, EarlyStopping))
        resumed = getattr(trainer, "ckpt_path", None) is not None  # from a checkpoint
        mon = self.monitor
        new_run = self._own_monitor and (mon is None or mon.model is not pl_module or resumed)
        if new_run:  # one module, one run: a new module (or a checkpoint's weights) starts anew
            with warnings.catch_warnings():  # warned about when the callback was made
                warnings.filterwarnings("ignore", message=MODE_WARNING)
                self.monitor = Monitor(
                    model=pl_module,
                    detectors=self.detectors,
                    metric=self.metric,
                    mode=self._monitor_mode,  # resolved
                    display=self.display if trainer.is_global_zero else False,
                )
            self._next_epoch = 0
        elif mon is not None:  # a monitor given, or its own one training the same module on
            if not self._own_monitor:  # unless the user gave it a model: the module fitted
                fits.follow_module(mon, pl_module, resumed=resumed)
            mon.restart()  # an earlier stop must not end this fit; its bump is no instability
            if self._own_monitor and trainer.is_global_zero and self.display in _VIEWS:
                steps.show_again(mon)  # a re-run fit cell: its old output, the view, is gone
            if mon.epochs_given or mon.epoch > 0:  # its epochs may have been logged elsewhere
                self._next_epoch = max(self._next_epoch, mon.epoch + 1)
        # Lightning's numbers (from 0), moved on where the monitor has logged them already
        self._offset = max(0, self._next_epoch - trainer.current_epoch)
        if new_run and not resumed:
            self._offset = -trainer.current_epoch  # a new run counts from 0 (not when resumed)
        elif new_run and self.monitor is not None:  # resumed: epochs 0, 1, ... came before it
            self.monitor._count_epochs_from(0)
        self._first = self._offset + trainer.current_epoch
        self._fit_batches, self._told_batches, self._told_min_epochs = 0, False, False
        self._by_batches = steps.length_unknown(trainer)
        # fit again, maybe by another callback (a resumed fit goes on where its checkpoint was)
        if not new_run and not resumed and self.monitor is not None:
            refit = fits.refit_note(self.monitor, pl_module, self._first)
            if fits.judged_alone(self.monitor, pl_module):  # a module it follows, not the user's
                self.monitor._start_another_model()
            if refit is not None:
                self.monitor.add_event(refit)

    def _check_stop_metric(self, trainer: Any) -> None:
        """Say once when what stops training watches another metric than the one the best
        weights, put back at the end, are chosen by."""
        mon = self.monitor
        if self._told_stop_metric or mon is None:
            return
        early = [cb for cb in trainer.callbacks if isinstance(cb, EarlyStopping)]
        text = checks.stop_metric_warning(
            mon,
            early,
            stop=self.stop,
            names=self._names,
            own_monitor=self._own_monitor,
            keys=self._keys,
            restore=self.restore_best,
        )
        if text is not None:
            self._told_stop_metric = True
            warnings.warn(text, NNGraphWarning, stacklevel=stacklevel_outside(NOT_USER_CODE))

    def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
        self._log_late(trainer)
        if self.monitor is not None:  # the Stop button's event is dated at this epoch
            self.monitor._epoch_running = self._now(trainer)
        self._batches = 0
        self._means.reset()
        self._skip = ((), set())  # named again: the monitor's detectors may have changed

    def on_train_batch_start(
        self, trainer: Any, pl_module: Any, batch: Any, batch_idx: int
    ) -> None:
        if self._validated:  # a validation in the middle of the epoch, not logged yet: the
            self._log_validation(trainer)  # weights are still the ones it validated

    def on_train_batch_end(
        self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        self._batches = batch_idx + 1
        self._fit_batches += 1
        if self._by_batches and self.monitor is not None:  # its "epoch": the batches done
            self.monitor._epoch_running = self._now(trainer)
        keys = tuple(trainer.callback_metrics)
        if keys != self._skip[0]:  # the validation keys: named once, not at every batch
            names = self._names(keys)
            self._skip = (keys, {key for key in keys if is_validation(names.get(key) or key)})
        self._means.batch_ended(trainer, self._skip[1])

    def on_validation_start(self, trainer: Any, pl_module: Any) -> None:
        if not trainer.sanity_checking:  # what an earlier validation logged, kept by Lightning
            self._before_validation = dict(trainer.callback_metrics)

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if trainer.sanity_checking or not self._running:
            return  # the sanity check, or trainer.validate() after fit
        self._validated = self._any_validation = True
        if steps.mid_epoch(trainer):  # else: logged with the epoch's training metrics
            self._log_validation(trainer)

    def _log_validation(self, trainer: Any) -> None:
        """Log a validation that ran in the middle of an epoch, at its fraction of the epoch."""
        found = [item for item in self._collect(trainer) if is_validation(item[1])]
        self._validated = False
        if not found or self.monitor is None:
            return
        if math.isinf(trainer.num_training_batches):  # no fraction of an epoch of unknown length
            self._by_batches = True
        self._log(trainer, self._point(trainer, mid_epoch=True), found, validated=True)

    def _point(self, trainer: Any, *, mid_epoch: bool = False) -> float:
        """The monitor's ``epoch=`` for what is logged now: Lightning's epoch, moved on by the
        offset; a validation in the middle of an epoch at its fraction of the epoch (rounded
        up to the epoch by the monitor); where the epochs' length is not known, the training
        batches done in this fit (see the class)."""
        if self._by_batches:
            return self._first + self._fit_batches
        epoch = self._offset + trainer.current_epoch
        total = trainer.num_training_batches
        if not mid_epoch or not 0 < self._batches < total < float("inf"):
            return epoch
        return epoch - 1 + self._batches / total

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        step = self._point(trainer)  # also when validating every n epochs
        means = self._means.epoch_means(trainer.callback_metrics)  # logged per step only
        read = self._late.epoch_ended(step, self._collect(trainer))
        found = [(key, name, means.get(key, value)) for key, name, value in read]
        validated, self._validated = self._validated, False
        self._trained = True
        if self.monitor is not None:
            self._log(trainer, step, found, validated, step_ended=False)

    def on_train_end(self, trainer: Any, pl_module: Any) -> None:
        self._log_late(trainer)
        if self.monitor is not None:
            self.monitor._epoch_running = None

    def _now(self, trainer: Any) -> int:
        """The monitor's number of the epoch running, as Lightning's progress bar shows it
        (not the last one logged); where points are numbered by batches, the batches done."""
        if self._by_batches:
            return self._first + self._fit_batches
        logged = self.monitor.epoch if self.monitor is not None else 0
        return max(self._offset + steps.running_epoch(trainer), logged)

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        """An interrupted fit (Stop, Ctrl+C) gets the best weights back, as an ended one does,
        also before its first epoch ends (a later fit: an earlier one's best); after an error
        they stay as they were, and the monitor says how to restore them."""
        started, self._running = self._running, False
        mon = self.monitor
        if mon is None or not started:  # training never started (e.g. in the sanity check)
            return
        mon._epoch_running = None
        if self._trained:  # an epoch ended in this fit
            with contextlib.suppress(Exception):  # the error to show is the user's, not this
                if not self._saw_metric:  # in the callback's words, before the monitor's own
                    self._warn_missing(trainer)
                mon.close()  # the lines and points held back
        if self.restore_best:
            now, last = self._now(trainer), self._last_logged
            restoring.after_exception(mon, pl_module, exception, now=now, last_logged=last)

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        self._running = False
        if self.monitor is None or not self._trained:
            return  # no epoch ran: nothing was missing, nothing to restore
        if not self._saw_metric:
            self._warn_missing(trainer)
        self.monitor.close()
        at = math.ceil(self._last_logged) if self._by_batches else None  # Lightning says 0
        for event in steps.early_stops(self._early, self._offset, at):  # after the last line
            self.monitor.add_event(event)
        if self.restore_best:
            now, last, judged = self._now(trainer), self._last_logged, self._saw_metric
            restoring.at_fit_end(self.monitor, pl_module, judged=judged, now=now, last_logged=last)
