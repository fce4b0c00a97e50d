"""The detectors practitioners use: ``Patience`` (Keras-style; what it says when it stops is
in :mod:`nngraph.monitor._patience_readings`) and ``Divergence`` (in
:mod:`nngraph.monitor._divergence`; ``Gap`` is in :mod:`nngraph.monitor._gap`)."""

from __future__ import annotations

import math
import warnings
from contextvars import ContextVar
from typing import Any

from nngraph.errors import check_flag, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._detector import KEEP, Check
from nngraph.monitor._divergence import Divergence
from nngraph.monitor._falling import BARELY_MOVED
from nngraph.monitor._names import (
    Mode,
    held_out_twins,
    mode_warning,
    resolve_mode,
    train_twins,
)
from nngraph.monitor._never_improved import says_not_finite
from nngraph.monitor._no_better import LONGER
from nngraph.monitor._oscillation import Oscillation
from nngraph.monitor._params import (
    _no_more_positional,
    _nonnegative,
    _relative_delta,
    _whole,
    patience_example,
)
from nngraph.monitor._patience_readings import NOT_LEARNING, PatienceReadings

__all__ = ["MODE_SAID_ELSEWHERE", "Divergence", "Patience"]

#: True while `classroom()` makes its Patience: the Monitor that asked for it warns of its mode
#: itself. (Not `warnings.catch_warnings()`, which would reset Python's once-per-line memory of
#: every warning at each new Monitor.)
MODE_SAID_ELSEWHERE: ContextVar[bool] = ContextVar("nngraph_patience_mode_said", default=False)


class Patience(PatienceReadings):
    """Keras-style early stopping: fires after ``patience`` epochs without an improvement.

    An improvement means ``value < best - min_delta`` (``mode="min"``) or ``value > best +
    min_delta`` (``mode="max"``; ``"auto"`` picks it for an accuracy-like metric, as
    :class:`~nngraph.Monitor` does); with ``relative=True``, ``min_delta`` is a fraction of ``|best|``.
    Smaller changes do not count and do not move ``best`` (as in Keras and Lightning), so with
    ``min_delta`` the explanation says "has not improved by more than 0.01 for 3 epochs (since
    0.72 at epoch 5)": measured from the last value that counted, which a smaller gain after it
    may have beaten (the monitor's best epoch can be a later one).

    When it fires after 5 or more worse values, a metric that never improved on its first value
    (with ``min_delta``: never by more than ``min_delta``) is said never to have improved, and a
    loss (``mode="min"``) whose best is less than 2% of its size (``max(|first|, |best|)``)
    below its first value to have barely moved. Both are followed by the one reading the numbers
    support (see :mod:`nngraph.monitor._never_improved`: diverged, unstable, improving again
    after a rise such as a learning-rate warm-up, overfits from the start (a metric clearly
    worse since its first value while its training twin improves: fine-tuning too long, see
    :mod:`nngraph.monitor._overfitting`), fits its training data but does not generalise,
    does no better on its training data than on new data, chance level, not
    learning) instead of "more training is unlikely to help" (a loss stuck at chance level
    wobbles 2% by noise alone). A metric that became NaN or infinite after its best gets the
    diverged reading, whenever Patience fires. Patience needs nothing else, but it reads the
    metric's training twin (``loss`` for ``val_loss``) where it is logged, paired with each
    evaluation as GL pairs it (one logged after the evaluation, in a call of its own at the
    same step, is that evaluation's: see :meth:`Detector.feed`), so both orders get the same
    reading and the same stop. Such an evaluation waits for that value only for its words and
    for the barely-moved stop below: the Keras stop reads none, so an evaluation held back that
    is the ``patience``-th without an improvement makes the stop due at once (Lightning's
    callback, whose module may log the training loss after the validation, stops at that
    epoch), and its event comes with the training value. Batches logged after it (several
    training values at one step) it waits for not at all: each evaluation is judged at once,
    with the epoch before's. An accuracy (``mode="max"``) is not judged by its size: 0.985 ->
    0.992 on MNIST is under 1% of the value, yet halves the error.

    Five more cases get their own words instead of "more training is unlikely to help" (see
    :mod:`~nngraph.monitor._no_better`), though Patience stops all the same: a loss that
    oscillates when it stops (swings of over 30%, as GL tells them: a learning rate or
    momentum too high), a metric still improving slowly, by less than its noise (a long
    run: a larger patience may find a better epoch), a run still recovering from a spike
    after its best (both losses jumped, and have been falling back since: see
    :mod:`~nngraph.monitor._recovering`), a cross-entropy still near the chance
    level it started at (the training loss, where logged, never more than 10% below ``ln k``
    nor clearly below the metric's best, and that best less than 20% below ``ln k``: the model
    has learned little and may be on a plateau; ``resume()`` trains on), and a metric that
    rose after its best and has been improving clearly again since (a warm restart of a
    learning-rate schedule: see :mod:`~nngraph.monitor._falling`). A metric clearly worse
    since its best while its training twin is far below it, or still improves clearly
    whatever the gap (an accuracy too), is told it overfits (see
    :func:`~nngraph.monitor._no_better.memorising` and :mod:`~nngraph.monitor._overfitting`).

    One more case fires before ``patience`` epochs without an improvement: a loss that creeps
    down by amounts too small to matter (a learning rate of 1e-5) is improved on at every
    epoch, so Keras never stops it. When ``patience`` evaluations (and at least 5) after its
    first value the loss is still less than 2% below it, and the reading is "chance level" or
    "not learning" (its training twin has not moved 2% either), Patience fires with that
    reading: such gains count as none. A loss that moves, or whose training twin moves, is
    left to the Keras rule, and so is one that falls by more than 0.03% of its size per
    evaluation with a new best at most evaluations or along a clear line (3 standard errors:
    a slow learner whose noise hides its new bests), and one with a new best now by more
    than its noise, or falling clearly again after a rise (a warm-up).

        >>> import nngraph as ng
        >>> p = ng.detectors.Patience(2, min_delta=0.01)
        >>> [p.update(e, val_loss=v) is not None for e, v in enumerate([1.0, 0.995, 0.992], 1)]
        [False, False, True]
        >>> p.events[0].kind  # no improvement: overfitting, or a model that never learned
        'plateau'
    """

    kind = "plateau"
    waits_for_batches = False  # its words read the epoch before's batches, as before

    def __init__(
        self,
        patience: int = 10,
        min_delta: float = 0.0,
        *more: object,
        relative: bool = False,
        mode: Mode = "auto",
        metric: str = "val_loss",
        stop: bool = True,
    ) -> None:
        # only patience and min_delta by position: Patience(3, 0.0, "val_acc") is refused, not
        # taken as relative=True (it once was: a truthy string, and val_loss still watched)
        if more:
            _no_more_positional(
                "Patience",
                "patience, min_delta",
                more,
                patience_example(patience, min_delta, more),
            )
        self.patience = _whole(message("monitor.param.patience"), patience)
        self.min_delta = _nonnegative(message("monitor.param.min_delta"), min_delta)
        self.relative = check_flag(message("monitor.param.relative"), relative)
        if self.relative:
            _relative_delta(min_delta, self.min_delta)
        self.mode = resolve_mode(mode, metric)
        super().__init__(metric=metric, train_metric="", stop=stop)
        text = mode_warning(mode, self.metric, words="monitor.patience.warn.")
        if text is not None and not MODE_SAID_ELSEWHERE.get():  # it would stop a falling loss
            outside = stacklevel_outside(("torch", "nngraph", "lightning", "pytorch_lightning"))
            warnings.warn(text, UserWarning, stacklevel=outside)
        # the training twin (loss for val_loss; none for a metric that is no validation one)
        # only shapes the reading, but a value of it logged after an evaluation at the same
        # step is that evaluation's, as for GL: the reading must not depend on the call order
        self._twins = train_twins(self.metric) or held_out_twins(self.metric)

    def _args(self) -> list[str]:
        args = [str(self.patience)]
        if self.min_delta:
            args.append(f"min_delta={self.min_delta:g}")
        if self.relative:
            args.append("relative=True")
        if self.mode != "min" or resolve_mode("auto", self.metric) != "min":  # as made again
            args.append(f"mode={self.mode!r}")
        return args

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.wait = 0  # epochs without improvement (as Keras calls it)
        self.value = 0
        # the first finite value, its evaluation and the epoch shown for it
        self._first, self._first_epoch, self._first_shown = math.nan, 0, 0
        # the best finite value seen, and the epoch shown for it: `best` with min_delta is the
        # last value that counted, which smaller gains after it may have beaten
        self._top, self._top_shown = self.best, 0
        self._resumed_at = 0  # the evaluation of the last resume(): creeping is judged from it
        self._new_bests = 0  # evaluations since the first value (or resume()) with a new best
        self._dropped = 0.0  # how far the latest value lies below the best before it
        # the training twin (explanations only): its name as logged, and its latest
        # evaluation's mean and first finite one
        self._seen_name: str | None = None
        self._seen_at = 0  # the evaluation it came with last
        self._seen_now = self._seen_first = math.nan
        self._seen_low = math.inf  # its lowest finite value (did the model ever learn?)
        # how many evaluations in a row the twin improved (up to now), and its value before them
        self._seen_streak, self._seen_streak_from = 0, math.nan
        # the latest evaluations: does the run oscillate when Patience stops it?
        self._swings = Oscillation()
        # the latest finite values, (epoch shown, value): was it still improving slowly? and
        # the training twin's at the same evaluations: did both rise and fall back?
        self._latest: tuple[tuple[int, float], ...] = ()
        self._trained: tuple[tuple[int, float], ...] = ()

    def _see_training(self, train: float | None) -> float | None:
        """Note this evaluation's training twin, ``train`` (as :meth:`Detector.feed` pairs it:
        None where none came since the last evaluation, and the latest one is kept); returns
        it."""
        if train is None:
            return None
        self._seen_name, self._seen_at = self._train_name, self.epoch
        before, self._seen_now = self._seen_now, train
        lower = self._seen_now < before if self.mode == "min" else self._seen_now > before
        if not lower:
            self._seen_streak = 0
        elif not self._seen_streak:
            self._seen_streak, self._seen_streak_from = 1, before
        else:
            self._seen_streak += 1
        if math.isfinite(self._seen_now):
            self._seen_low = min(self._seen_low, self._seen_now)
            if math.isnan(self._seen_first):
                self._seen_first = self._seen_now
        return self._seen_now

    def _resume(self) -> None:
        self.wait = self.value = 0  # a second fit waits `patience` epochs again (Keras too)
        self._resumed_at = self.epoch
        self._new_bests = 0

    def _restart(self) -> None:  # a fresh optimizer's first swings are not this run's
        self._swings = Oscillation()

    def _improved(self, value: float) -> bool:
        """Would ``value`` count as an improvement over the best so far? (NaN or an infinity,
        a diverged run, never does.)"""
        if not math.isfinite(value):
            return False
        delta = self.min_delta
        if self.relative:
            delta = delta * abs(self.best) if math.isfinite(self.best) else 0.0
        if self.mode == "min":
            return value < self.best - delta
        return value > self.best + delta

    def _held_stops(self) -> bool:
        """The Keras rule stops at the evaluation held back for its training value: it is the
        ``patience``-th in a row without an improvement, whatever that value (see the class
        docstring).

            >>> p = Patience(1)
            >>> _ = p.update(1, val_loss=0.5); _ = p.update(1, loss=0.6)  # validation first
            >>> p.update(2, val_loss=0.7) is None, p._held_stops()  # held, and it will stop
            (True, True)
        """
        held = self._held
        if held is None or not self.stop or self.active:  # active: said, and stopped, already
            return False
        return not self._improved(held[1]) and self.wait + 1 >= self.patience

    def _check(self, value: float, train: float | None) -> Check:
        train = self._see_training(train)
        self._swings.add(self._shown, value, train)  # for _why_no_better
        if math.isfinite(value):
            self._latest = (*self._latest, (self._shown, value))[-LONGER * self.patience :]
        if train is not None and math.isfinite(train):
            self._trained = (*self._trained, (self._shown, train))[-LONGER * self.patience :]
        better = value < self._top if self.mode == "min" else value > self._top
        self._dropped = self._top - value if math.isfinite(value) and better else 0.0
        if math.isfinite(value) and better:
            if not math.isnan(self._first):
                self._new_bests += 1
            self._top, self._top_shown = value, self._shown
        if self._improved(value):
            if math.isnan(self._first):  # the first finite value: always an improvement
                self._first, self._first_epoch, self._first_shown = value, self.epoch, self._shown
            self.best, self.best_epoch, self.wait = value, self.epoch, 0
            self._best_shown = self._shown
            self.value = 0
            return self._creeping(value)
        self.wait += 1
        self.value = self.wait
        if self.wait < self.patience:
            return self._creeping(value)
        if self.active:  # said at this stop already: its words would not be shown again
            return KEEP
        if not math.isfinite(self.best):  # no finite value yet: there is no best to speak of
            since = self._epochs_since(None, self.epoch)
            return "patience.never", {"since": since, "patience": self.patience}
        fields: dict[str, Any] = {
            "wait": self.wait,
            "since": self._epochs_since(self._best_shown, self.wait),
            "best": self.best,
            "best_epoch": self._best_shown,
            "patience": self.patience,
        }
        enough = self.wait >= NOT_LEARNING  # enough worse values to tell
        # nothing counted as better than the first value: it never improved
        if enough and self.best_epoch == self._first_epoch:
            return self._never_improved(value, fields)
        if says_not_finite(self._seen(value)):  # NaN or inf since the best: not a plateau
            return "patience.diverged", {**fields, "reading": self._reading(value)}
        if enough and self._gain() < BARELY_MOVED:  # it beat its first value by noise alone
            if not self.min_delta:
                return "patience.barely_improved", {**self._moved_fields(value), **fields}
            return self._barely_moved(value)
        why = self._why_no_better(value, fields)
        if why is not None:
            return why
        if not self.min_delta:
            return "patience.fire", fields
        # with min_delta, `best` is the last value that counted, not the best value seen (a
        # smaller gain after it does not move it): the text names it as what it is
        if self.relative:
            return "patience.fire_relative", {**fields, "pct": 100 * self.min_delta}
        return "patience.fire_delta", {**fields, "delta": self.min_delta}
