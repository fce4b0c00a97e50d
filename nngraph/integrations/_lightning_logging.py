"""How :class:`~nngraph.integrations.lightning.NNGraphCallback` reads Lightning's metrics and
logs them: ``trainer.callback_metrics`` renamed for the monitor (see
:mod:`nngraph.integrations._lightning_names`), logged at ``epoch=``, a stop asked for when a
detector wants one, and a warning once when the watched metric never comes.

This part needs no Lightning installed: it reads only the trainer's attributes.

    >>> from types import SimpleNamespace
    >>> from nngraph.integrations.lightning import NNGraphCallback
    >>> cb = NNGraphCallback(display=False)
    >>> cb._validated = True  # a validation ran
    >>> trainer = SimpleNamespace(callback_metrics={"train_loss": 0.5, "val_loss_epoch": 0.7})
    >>> [(key, name) for key, name, _ in cb._collect(trainer)]
    [('train_loss', 'loss'), ('val_loss_epoch', 'val_loss')]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection
from typing import Any

from nngraph.capture import NNGraphWarning
from nngraph.errors import stacklevel_outside
from nngraph.i18n import message
from nngraph.integrations import _lightning_checks as checks
from nngraph.integrations import _lightning_fits as fits
from nngraph.integrations import _lightning_names as naming
from nngraph.integrations import _lightning_steps as steps
from nngraph.integrations._lightning_checks import NOT_USER_CODE
from nngraph.monitor import Monitor
from nngraph.monitor._common import is_tensor
from nngraph.monitor._names import is_validation
from nngraph.monitor._watched import WAIT

__all__ = ["NOT_USER_CODE", "MetricLogging"]


class MetricLogging:
    """The logging part of ``NNGraphCallback``: its ``__init__`` sets the attributes below,
    its epoch and validation hooks call :meth:`_collect` and :meth:`_log`."""

    monitor: Monitor | None
    stop: bool
    rename: dict[str, str]
    _validated: bool
    #: `trainer.callback_metrics` as the last validation started (the objects themselves)
    _before_validation: dict[str, Any]
    _trained: bool
    _any_validation: bool
    _saw_metric: bool
    _missing: int  # validations in this fit that did not log the watched metric
    _warned: bool
    _keys: dict[str, None]
    _late: steps.LateMetrics
    _next_epoch: int
    _last_logged: float
    _by_batches: bool  # points numbered by the training batches done in this fit
    _told_batches: bool
    _told_min_epochs: bool
    _offset: int  # added to the trainer's epoch: the epoch this monitor shows
    _first: int  # the monitor's number of this fit's first epoch
    _module: Any  # the module being fitted
    _own_monitor: bool  # the callback made its monitor (not given one)
    #: a stop the monitor asked for when the late training metrics came (see _log_late)
    _late_stop: bool = False

    def _collect(self, trainer: Any) -> list[tuple[str, str, Any]]:
        """``(Lightning's key, the monitor's name, value)`` of this epoch's metrics."""
        found = trainer.callback_metrics
        names = self._names(list(found))
        out = []
        for key, value in found.items():
            name = names.get(key)
            if name is None or (is_validation(name) and not self._validated):
                continue
            if is_validation(name) and value is self._before_validation.get(key):
                continue  # an earlier validation's value: the last one did not log it
            if is_tensor(value) and value.numel() != 1:
                continue
            out.append((key, name, value))
        return out

    def _names(self, keys: Collection[str]) -> dict[str, str]:
        """The monitor's name for each of Lightning's ``keys`` it gets (see
        :func:`~nngraph.integrations._lightning_names.monitor_names`)."""
        return naming.monitor_names(keys, naming.watched(self.monitor), self.rename)

    def _log_late(self, trainer: Any) -> None:
        """Log the training metrics the module logged in its ``on_train_epoch_end``, after this
        callback's, at the epoch that ended; then that epoch is complete (its line is shown, a
        detector that waited for its training loss judges it). A stop asked for here ends the
        epoch that starts now: stopping before its first batch would make it an empty epoch."""
        self._late_stop = False
        waiting = self._late.take(self._collect(trainer))
        if waiting is None or self.monitor is None:
            return
        step, found = waiting
        if found:
            self._record(step, found)
        # reading it ends the epoch's step (see Monitor.log); a stop it asks for is passed on
        # at the end of the epoch that starts now, which may log nothing (see _log)
        asked = self.monitor.should_stop
        self._late_stop = asked if self.stop else self.monitor.stop_requested

    def _log(
        self,
        trainer: Any,
        step: float,
        found: list[tuple[str, str, Any]],
        validated: bool,
        *,
        step_ended: bool = True,
    ) -> None:
        """Log ``found`` (see :meth:`_collect`) at ``epoch=step``; stop if a detector asks.
        ``step_ended=False``: training metrics of this epoch may still come (see
        :meth:`_log_late`), so an evaluation a detector holds back for them is not judged yet."""
        self._trained = True
        mon = self.monitor
        if mon is None:
            return
        if not self._record(step, found):
            if step_ended is False:  # an epoch that logged nothing, yet a stop to pass on
                self._pass_stop(trainer, step, self._late_stop or self._stop_wanted(step_ended))
            return
        if validated and all(name != mon.metric for _, name, _ in found):
            # validation ran and did not log the watched metric: said at once for a slip of
            # its name, else after as many validations as the Monitor waits (it may be logged
            # every few epochs only); never once it came in this fit
            self._missing += 1
            slip = mon._close_name(mon.metric, early=True) not in ("", mon.metric)
            if not self._saw_metric and (slip or self._missing >= WAIT):
                self._warn_missing(trainer)
        elif any(name == mon.metric for _, name, _ in found):  # (not before it is logged:
            self._check_stop_metric(trainer)  # never logged, the warning above says it all)
        self._pass_stop(trainer, step, self._stop_wanted(step_ended))

    def _stop_wanted(self, step_ended: bool) -> bool:
        """Whether the monitor wants training to stop now: the user's Stop (the view's button,
        ``request_stop()``) always; a detector's only where it may stop training (``stop``)."""
        mon = self.monitor
        if mon is None:
            return False
        if not self.stop:
            return mon.stop_requested  # polls the view
        # should_stop also judges the evaluations held back; stop_requested polls the view;
        # a stop due judges none (Patience's rule needs no training loss: see _stop_due)
        return mon.should_stop if step_ended else mon.stop_requested or mon._stop_due()

    def _pass_stop(self, trainer: Any, step: float, wanted: bool) -> None:
        """Ask Lightning to stop where the monitor (on any process) wants it to."""
        should_stop = trainer.strategy.reduce_boolean_decision(wanted, all=False)
        trainer.should_stop = trainer.should_stop or should_stop
        if should_stop:
            self._tell_min_epochs(trainer, step)

    def _tell_min_epochs(self, trainer: Any, step: float) -> None:
        """Say once that Lightning's ``min_epochs`` keeps training after a detector's stop: the
        text lines said "stop suggested", and the run went on without a word."""
        least = getattr(getattr(trainer, "fit_loop", None), "min_epochs", None) or 0
        if self._told_min_epochs or self.monitor is None or trainer.current_epoch + 1 >= least:
            return
        self._told_min_epochs = True
        shown = self._offset + least - 1  # Lightning's last epoch it must run, as shown here
        event = steps.note(math.ceil(step), "monitor.lightning.min_epochs", least=least, last=shown)
        self.monitor.add_event(event)

    def _record(self, step: float, found: list[tuple[str, str, Any]]) -> bool:
        """Give ``found`` to the monitor at ``epoch=step``; whether there was anything."""
        metrics = {name: value for _, name, value in found}
        self._keys.update(dict.fromkeys(key for key, _, _ in found))
        if not metrics or self.monitor is None:
            return False
        steps.spans_in_batches(self.monitor, self._by_batches)  # "for 20 batches", not epochs
        self.monitor.log(epoch=step, **metrics)
        if self._by_batches and not self._told_batches:  # its texts' "epoch 20": 20 batches
            self._told_batches = True
            batches = round(step - self._first)
            event = steps.note(math.ceil(step), "monitor.lightning.by_batches", batches=batches)
            self.monitor.add_event(event)
        self._next_epoch = max(self._next_epoch, math.ceil(step) + 1)
        self._last_logged = step
        fits.fitted(self.monitor, self._module)
        self._saw_metric = self._saw_metric or self.monitor.metric in metrics
        return True

    def _check_stop_metric(self, trainer: Any) -> None:
        """Say once when what stops training watches another metric than the best weights'
        (NNGraphCallback's, which knows Lightning's EarlyStopping)."""
        raise NotImplementedError

    def _warn_missing(self, trainer: Any) -> None:
        """Say once that the watched metric never came, naming what did as the module logs it
        (the names ``metrics=`` accepts), or that it is logged per step only."""
        if self._warned or self.monitor is None:
            return
        self._warned = True
        metric = self.monitor.metric
        # per step only (on_epoch=False): in logged_metrics, never in callback_metrics
        found = trainer.callback_metrics
        stepped = [k for k in getattr(trainer, "logged_metrics", {}) if k not in found]
        key = next((k for k, name in self._names(stepped).items() if name == metric), None)
        if key is not None:
            text = message("monitor.lightning.metric_step_only", metric=metric, key=key)
        elif is_validation(metric) and not self._any_validation and _validation_given(trainer):
            text = message(
                "monitor.lightning.no_validation_due", metric=metric, settings=_schedule(trainer)
            )
        elif is_validation(metric) and not self._any_validation:  # no val_dataloaders given
            text = message("monitor.lightning.no_validation", metric=metric)
        else:  # with "did you mean" for a slip of its name
            text = checks.missing_metric_text(
                self.monitor, self._keys, self._names, own_monitor=self._own_monitor
            )
        warnings.warn(text, NNGraphWarning, stacklevel=stacklevel_outside(NOT_USER_CODE))
        self.monitor._watch_checked = True  # said here, for Lightning: not again by the Monitor


def _validation_given(trainer: Any) -> bool:
    """Whether the fit was given validation data: the sanity check before training set it up,
    or, without one (``num_sanity_val_steps=0``), Lightning's record of where it comes from
    says so (private: read defensively, and taken as not given where it cannot be read)."""
    loaders = getattr(trainer, "val_dataloaders", None)
    if loaders is None:
        try:
            source = trainer.fit_loop.epoch_loop.val_loop._data_source
            loaders = source.instance if source.is_defined() else None
        except AttributeError:
            return False
    return loaders is not None and not (isinstance(loaders, list | tuple | dict) and not loaders)


def _schedule(trainer: Any) -> str:
    """The trainer's settings that decide when validation runs, as ``name=value`` pairs."""
    names = (
        "check_val_every_n_epoch", "val_check_interval", "limit_val_batches", "max_epochs",
        "max_steps",
    )  # fmt: skip
    return ", ".join(f"{name}={getattr(trainer, name, None)!r}" for name in names)
