"""Which metric a monitor watches, and a warning when a watched metric is never logged.

:class:`MetricWatching` is the part of :class:`~nngraph.monitor.Monitor` that

- follows the validation loss under the name it is logged with (``valid_loss``, ``val/loss``,
  ``validation_loss``, ...) when the user did not choose ``metric=``: the best epoch and the
  classroom detectors then watch that name instead of ``val_loss``;
- says once, in plain words, when the monitor's metric or a detector's metric was never logged
  in the first :data:`WAIT` epochs that validated (one logged only every 5th epoch is not
  missing), or at ``close()``, and which metrics were;
- says once when a watched training metric (``metric="loss"``) is logged per batch, several
  times under one ``epoch=`` number: each call is an evaluation to the detectors.

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False)
    >>> for epoch in range(1, 4):
    ...     mon.log(epoch, train_loss=1 / epoch, valid_loss=0.5 + abs(epoch - 2) / 10)
    >>> mon.metric, mon.best.epoch
    ('valid_loss', 2)
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Literal

from nngraph.errors import stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._history import Series
from nngraph.monitor._names import is_validation, validation_base
from nngraph.monitor._practical import Divergence
from nngraph.monitor.detectors import Detector, classroom

__all__ = ["WAIT", "MetricWatching"]

#: Validation calls a watched metric may be missing before it is said to be never logged.
WAIT = 10


class MetricWatching:
    """The watched-metric part of :class:`~nngraph.monitor.Monitor`; the monitor calls
    :meth:`_init_watching` in ``__init__``, :meth:`_follow_loss` before a ``log()`` call is
    judged and :meth:`_check_watched` after it (and at ``close()``)."""

    metric: str
    mode: Literal["min", "max"]
    detectors: list[Detector]
    series: dict[str, Series]
    _evals: int

    def _init_watching(self, *, follows: bool, classroom_set: bool) -> None:
        """``follows``: the user did not choose ``metric=``; ``classroom_set``: the detectors
        are the classroom default (``detectors=None``)."""
        self._follows = follows
        self._classroom_set = classroom_set
        self._watch_checked = False
        self._watched_epoch: int | None = None  # the epoch= of the last call logging it
        self._batches_said = False

    def _follow_loss(self, values: Mapping[str, float]) -> None:
        """Watch the validation loss under the name this call logs it with, the first time."""
        if not self._follows:
            return
        if self.metric in values:
            self._follows = False
            return
        alias = next((name for name in values if validation_base(name) == "loss"), None)
        if alias is None:
            return
        self._follows = False
        self.metric = alias
        # keep a detector that already watches every loss name; a new one first catches up
        # on the calls before this one (their training losses: see DetectorFeeding)
        if self._classroom_set:
            fresh = classroom(alias, self.mode)
            if len(fresh) == len(self.detectors):
                self.detectors = [
                    old if old == new else new
                    for old, new in zip(self.detectors, fresh, strict=True)
                ]

    def _check_per_batch(self, values: Mapping[str, float], given_epoch: int | None) -> None:
        """Warn once when the watched metric is a training one logged twice under one
        ``epoch=``: the detectors would judge batches (a validation metric logged twice in an
        epoch is validating twice, which they handle)."""
        if self._batches_said or self.metric not in values or is_validation(self.metric):
            return
        if given_epoch is not None and given_epoch == self._watched_epoch:
            self._batches_said = True
            text = message("monitor.warn.watched_per_batch", metric=self.metric, epoch=given_epoch)
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())
        self._watched_epoch = given_epoch

    def _check_watched(self, *, closing: bool = False) -> None:
        """Warn once if a watched metric was never logged: at the validation call after the
        first :data:`WAIT` (each may log its metrics in several calls; a metric may be logged
        every few epochs), or at ``close()`` after one."""
        if self._watch_checked or self._evals < (1 if closing else WAIT + 1):
            return
        self._watch_checked = True
        logged = ", ".join(self.series) or "-"
        lines = []
        if self.metric not in self.series:
            lines.append(message("monitor.warn.metric_missing", metric=self.metric, logged=logged))
        for det in self.detectors:
            if isinstance(det, Divergence):
                continue  # it watches every loss name it may meet
            if det.metric not in self.series and det.metric != self.metric:
                key, twins = "monitor.warn.detector_metric_missing", ""
            elif (
                det.needs_train
                and det._twins
                and det.metric in self.series
                and not any(name in self.series for name in det._twins)
            ):
                key, twins = "monitor.warn.detector_train_missing", ", ".join(map(repr, det._twins))
            else:
                continue
            lines.append(
                message(key, detector=det.name, metric=det.metric, twins=twins, logged=logged)
            )
        if lines:
            warnings.warn("\n".join(lines), UserWarning, stacklevel=stacklevel_outside())
