"""Which metric a monitor watches, and a warning when a watched metric is never logged.

:class:`MetricWatching` is the part of :class:`~nngraph.monitor.Monitor` that

- follows the validation loss under the name it is logged with (``valid_loss``, ``val/loss``,
  ``validation_loss``, ...) when the user did not choose ``metric=``: the best epoch and the
  classroom detectors then watch that name instead of ``val_loss``; in a run made by
  ``ng.Runs.new()``, a chosen validation metric too, under another name of it (Keras's
  ``val_accuracy`` for ``val_acc``), as the table of the runs counts them as one;
- says once, in plain words, when the monitor's metric or a detector's metric was never logged
  in the first :data:`WAIT` epochs that validated (one logged only every 5th epoch is not
  missing), or at ``close()``, and which metrics were; one that looks like a slip of a name
  that is logged (``val_accuracy`` for ``val_acc``) is said at once, when the first epoch
  that validated without it is over, with "did you mean 'val_acc'?" (a longer name made of
  it, ``val_acc_top5`` for ``val_acc``, is another metric: it waits as a missing one does);
- says the same of a run where nothing looks like validation (yet): a slip of a logged name
  (``vall_loss``, ``v_loss``, ``test_loss`` for ``val_loss``) from its second epoch on, and a
  watched metric never logged at ``close()``, when the monitor has a model (its best weights
  are wanted) or its metric was chosen; a run that logs only training metrics is otherwise
  left alone (its validation may come at the end of an epoch of batches);
- says once when a watched training metric (``metric="loss"``) is logged per batch, several
  times under one ``epoch=`` number: each call is an evaluation to the detectors.

    >>> from nngraph.monitor import Monitor
    >>> mon = Monitor(display=False)
    >>> for epoch in range(1, 4):
    ...     mon.log(epoch, train_loss=1 / epoch, valid_loss=0.5 + abs(epoch - 2) / 10)
    >>> mon.metric, mon.best.epoch
    ('valid_loss', 2)
    >>> import warnings
    >>> mon = Monitor(metric="val_accuracy", display=False)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     for epoch in range(1, 3):
    ...         mon.log(epoch, loss=1 / epoch, val_acc=0.5)
    >>> print(caught[0].message)  # at epoch 2: epoch 1 validated without it
    nngraph Monitor: the watched metric 'val_accuracy' ... did you mean 'val_acc'? ...
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping
from typing import Literal

from nngraph._oneline import one_line
from nngraph.errors import stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._history import Series
from nngraph.monitor._names import held_out_base, is_validation, validation_base
from nngraph.monitor._practical import Divergence
from nngraph.monitor.detectors import Detector, classroom

__all__ = ["SPELLINGS", "WAIT", "MetricWatching", "refines", "validation_key"]

#: Validation calls a watched metric may be missing before it is said to be never logged.
WAIT = 10
#: How alike a logged name must be to a watched one to be a slip for it (difflib's ratio:
#: ``val_acc`` for ``val_accuracy`` is 0.74; ``val_f1`` for ``val_acc`` 0.62 is not one).
CLOSE = 0.7
#: The same before anything validated, when any name may be a training one: stricter
#: (``avg_loss`` for ``val_loss`` is 0.75; ``vall_loss`` 0.94, ``v_loss`` 0.86 are slips).
CLOSE_UNVALIDATED = 0.8
#: Prefixes of a held-out metric that may stand for the watched validation one: ``test_loss``
#: logged where ``val_loss`` is watched (it ends an epoch as ``val_loss`` does, see
#: :func:`~nngraph.monitor._names.is_validation`, but is not the metric watched).
HELD_OUT = ("test_", "test/")


class MetricWatching:
    """The watched-metric part of :class:`~nngraph.monitor.Monitor`; the monitor calls
    :meth:`_init_watching` in ``__init__``, :meth:`_follow_loss` before a ``log()`` call is
    judged and :meth:`_check_watched` after it (and at ``close()``)."""

    metric: str
    mode: Literal["min", "max"]
    detectors: list[Detector]
    series: dict[str, Series]
    _evals: int
    _model: object

    def _init_watching(self, *, follows: bool, classroom_set: bool) -> None:
        """``follows``: the user did not choose ``metric=``; ``classroom_set``: the detectors
        are the classroom default (``detectors=None``)."""
        self._follows = follows
        self._chosen = not follows  # metric= given
        self._follows_names = False  # a run of ng.Runs: follow another name of a chosen metric
        self._first_epoch: int | None = None  # the epoch of the first call
        self._classroom_set = classroom_set
        self._watch_checked = False  # all said (Lightning's callback says it itself)
        self._said_missing: set[str] = set()  # whose metric was said (a slip, said early)
        self._first_eval_epoch: int | None = None  # the epoch of the first validation
        self._names_seen = 0  # how many names were logged at the last early look
        self._watched_epoch: int | None = None  # the epoch= of the last call logging it
        self._batches_said = False

    def _follow_loss(self, values: Mapping[str, float]) -> None:
        """Watch the validation loss under the name this call logs it with, the first time;
        with ``_follows_names``, a chosen validation metric never logged under its own name,
        under another name of it this call logs (see :meth:`_follow_other_name`)."""
        if not self._follows:
            if self._follows_names:
                self._follow_other_name(values)
            return
        if self.metric in values:
            self._follows = False
            return
        alias = next((n for n in values if _loss_held_out(n)), None)
        if alias is None:
            return
        self._follows = False
        self._watch(alias)

    def _follow_other_name(self, values: Mapping[str, float]) -> None:
        """Watch the chosen metric under the name this call logs it with, where it is another
        name of one validation metric (Keras's ``val_accuracy`` for ``val_acc``, ``val/loss``
        for ``val_loss``), in a run of ``ng.Runs``: its table counts them as one column and
        marks the run's best epoch by it, so the run's own best and ``restore_best()`` agree
        with it. A monitor made alone keeps the name chosen (and says "did you mean")."""
        if self.metric in values or self.metric in self.series:
            return
        key = validation_key(self.metric)
        alias = next((n for n in values if key is not None and validation_key(n) == key), None)
        if alias is not None:
            self._watch(alias)

    def _watch(self, alias: str) -> None:
        """Watch ``alias``, the name the watched metric is logged with."""
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

    def _check_watched(self, epoch: int | None = None, *, closing: bool = False) -> None:
        """Warn once if a watched metric was never logged: at the validation call after the
        first :data:`WAIT` (each may log its metrics in several calls; a metric may be logged
        every few epochs), or at ``close()`` after one. A name close to one logged (a slip:
        ``val_acuracy`` for ``val_acc``) is said early: at the first call of an epoch after
        the first that validated (``epoch``: this call's). Before anything validated, see
        :meth:`_check_unvalidated`."""
        if self._watch_checked:
            return
        if not self._evals:
            self._check_unvalidated(epoch, closing=closing)
            return
        if self._first_eval_epoch is None:
            self._first_eval_epoch = epoch
        if closing or self._evals >= WAIT + 1:
            self._watch_checked = True
            self._say_missing(early=False)
            return
        later = epoch is not None and self._first_eval_epoch not in (None, epoch)
        if later and len(self.series) != self._names_seen:  # the first that validated is over,
            self._names_seen = len(self.series)  # and a name is new: a slip of it is said now
            self._say_missing(early=True)

    def _check_unvalidated(self, epoch: int | None, *, closing: bool) -> None:
        """The same check in a run where nothing looks like validation (yet): a slip of a
        logged name (``vall_loss``) at the first call of a later epoch than the first with a
        new name; at ``close()``, a watched metric never logged, if the monitor has a model or
        its metric was chosen (else it may be a run that plots its training loss only)."""
        if closing:
            if self._model is not None or self._chosen:
                self._watch_checked = True
                self._say_missing(early=False)
            return
        if self._first_epoch is None:
            self._first_epoch = epoch
        elif epoch != self._first_epoch and len(self.series) != self._names_seen:
            self._names_seen = len(self.series)
            self._say_missing(early=True)

    def _say_missing(self, *, early: bool) -> None:
        """One warning with a line for each watched metric never logged and not said yet;
        ``early``: only those that look like a slip of a logged name."""
        logged = ", ".join(one_line(name) for name in self.series) or "-"  # read left to right
        lines = []
        close = "" if self.metric in self.series else self._close_name(self.metric, early)
        if self.metric not in self.series and self._to_say("", close, early):
            key = "monitor.warn.metric_close" if close else "monitor.warn.metric_missing"
            if close.lower().startswith(HELD_OUT):  # choosing the epoch on a test set: no
                key = "monitor.warn.metric_close_test"
            validation = [name for name in self.series if is_validation(name)]
            if not close and len(validation) == 1:  # accuracy only: its name, not 'your_name'
                key, close = "monitor.warn.metric_missing_one", validation[0]
            lines.append(message(key, metric=self.metric, logged=logged, close=close))
        for det in self.detectors:
            if isinstance(det, Divergence):
                continue  # it watches every loss name it may meet
            close = ""
            if det.metric not in self.series and det.metric != self.metric:
                close = self._close_name(det.metric, early)
                if not self._to_say(det.name, close, early):
                    continue
                twins = ""
                key = "monitor.warn.detector_metric_" + ("close" if close else "missing")
            elif (
                not early
                and det.needs_train
                and det._twins
                and det.metric in self.series
                and not any(name in self.series for name in det._twins)
            ):
                key, twins = "monitor.warn.detector_train_missing", ", ".join(map(repr, det._twins))
            else:
                continue
            lines.append(
                message(
                    key,
                    detector=det.name,
                    metric=det.metric,
                    twins=twins,
                    logged=logged,
                    close=close,
                )
            )
        if lines:
            warnings.warn("\n".join(lines), UserWarning, stacklevel=stacklevel_outside())

    def _to_say(self, watcher: str, close: str, early: bool) -> bool:
        """Whether the line of a metric never logged is said now: each once, by who watches it
        (``watcher``: a detector's name, ``""`` for the monitor itself)."""
        if watcher in self._said_missing or (early and not close):
            return False
        self._said_missing.add(watcher)
        return True

    def _close_name(self, metric: str, early: bool = False) -> str:
        """The logged name ``metric`` looks like a slip of (``test_loss`` for ``val_loss``
        too), else ``""``. ``early`` (before :data:`WAIT` validations): a name that is
        ``metric`` made longer by a part of its own (``val_acc_top5``, ``val_acc5`` for
        ``val_acc``) is another metric, logged beside it, not a slip: ``metric`` may come in
        a later epoch (see :func:`refines`)."""
        base = validation_base(metric)
        held_out = [prefix + base for prefix in HELD_OUT] if base else []
        found = [name for name in held_out if name in self.series]
        cutoff = CLOSE if self._evals else CLOSE_UNVALIDATED
        names = [name for name in self.series if not (early and refines(name, metric))]
        found += difflib.get_close_matches(metric, names, n=1, cutoff=cutoff)
        return found[0] if found else ""


#: One metric's names that libraries spell differently: Keras logs ``val_accuracy``, much
#: other code ``val_acc``.
SPELLINGS = {"accuracy": "acc"}


def validation_key(name: str) -> str | None:
    """One name for each validation metric, whatever its prefix or spelling (None for a name
    that is not one): the same for ``val_acc``, ``valid_acc``, ``val/acc`` and Keras's
    ``val_accuracy``.

        >>> validation_key("val_accuracy") == validation_key("valid_acc") == "acc"
        True
        >>> validation_key("val/loss"), validation_key("loss")
        ('loss', None)
    """
    base = validation_base(name)
    return None if base is None else SPELLINGS.get(base, base)


def refines(name: str, metric: str) -> bool:
    """``name`` is ``metric`` with a part of its own after it (after a ``_``, ``/``, a digit:
    not a letter, which spells the same word longer, as ``val_accuracy`` does ``val_acc``).

        >>> refines("val_acc_top5", "val_acc"), refines("val_acc5", "val_acc")
        (True, True)
        >>> refines("val_accuracy", "val_acc"), refines("val_acc", "val_acc")
        (False, False)
    """
    return name.startswith(metric) and len(name) > len(metric) and not name[len(metric)].isalpha()


def _loss_held_out(name: str) -> bool:
    """Whether ``name`` is the loss on held-out data, as a run may name it: ``valid_loss``,
    ``Loss/val``, HuggingFace's ``eval_loss``, ``dev_loss`` (not ``test_loss``).

    >>> [_loss_held_out(n) for n in ("valid_loss", "eval_loss", "test_loss", "val_acc")]
    [True, True, False, False]
    """
    return (validation_base(name) or held_out_base(name) or "").lower() == "loss"
