"""What :class:`~nngraph.monitor.detectors.Patience` says when it stops (or a loss barely
moves before it): why no better value came (oscillating, memorising, still improving slowly,
recovering from a spike, near chance level), a metric that never improved or barely moved, and
the reading of what the curves show (see :mod:`~nngraph.monitor._never_improved`).

:class:`PatienceReadings` holds these readings; :class:`Patience` (in
:mod:`~nngraph.monitor._practical`) keeps its counting and its stop rule, and calls them.

    >>> from nngraph.monitor.detectors import Patience
    >>> p = Patience(2)
    >>> for epoch, value in enumerate([2.0, 1.99, 2.1, 2.2], 1):
    ...     _ = p.update(epoch, val_loss=value)
    >>> isinstance(p, PatienceReadings), p.events[0].message_id
    (True, 'patience.fire')
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Literal

from nngraph.i18n import message
from nngraph.monitor._detector import Check, Detector
from nngraph.monitor._falling import (
    BARELY_MOVED,
    CREEP,
    clear_fall,
    dropped,
    falling_again,
    latest_rebound,
)
from nngraph.monitor._names import nice_name
from nngraph.monitor._never_improved import Seen, guessed_labels, reading, says_not_learning
from nngraph.monitor._no_better import LONGER, memorising, no_better, oscillating, still_learning
from nngraph.monitor._oscillation import Oscillation
from nngraph.monitor._overfitting import overfitting
from nngraph.monitor._params import larger_patience
from nngraph.monitor._recovering import recovering

__all__ = ["NOT_LEARNING", "PatienceReadings"]

#: Evaluations after the first, none better, after which Patience says it never improved.
NOT_LEARNING = 5


class PatienceReadings(Detector):
    """The readings part of :class:`~nngraph.monitor.detectors.Patience`: the state below is
    Patience's own (set in its ``_reset`` and ``_check``), read here to word its stop."""

    patience: int
    mode: Literal["min", "max"]
    min_delta: float
    relative: bool
    best_epoch: int
    _first: float
    _first_epoch: int
    _first_shown: int
    _top: float
    _top_shown: int
    _resumed_at: int
    _new_bests: int
    _dropped: float
    _seen_name: str | None
    _seen_at: int
    _seen_now: float
    _seen_first: float
    _seen_low: float
    _seen_streak: int
    _seen_streak_from: float
    _swings: Oscillation
    _latest: tuple[tuple[int, float], ...]
    _trained: tuple[tuple[int, float], ...]

    def _why_no_better(self, value: float, fields: dict[str, Any]) -> Check:
        """Why ``patience`` evaluations brought no better value (``fields``: the numbers of
        ``patience.fire``), where the numbers say more than "more training is unlikely to
        help": the run oscillates, or it memorises, or it was still improving slowly (see
        :func:`~nngraph.monitor._no_better.no_better`), or it was still
        recovering from a spike (:func:`~nngraph.monitor._recovering.recovering`), or its loss
        is still near the chance level (:func:`~nngraph.monitor._no_better.still_learning`).
        None otherwise."""
        delta = self.min_delta * abs(self.best) if self.relative else self.min_delta
        # after resume() its best may lie further back: the values since it are not the latest
        latest = self._latest if self.epoch - self.best_epoch <= self.patience else ()
        higher = self.mode == "max"
        found = (
            oscillating(self._swings.now(), higher=higher)
            # the latest values after the best, also after resume(): a rise since it tells,
            # whatever a line through the longer past says (a spike after the best bends it)
            or memorising(
                self._seen(value), [(e, v) for e, v in self._latest if e > self._best_shown]
            )
            or no_better(latest, self.patience, higher=higher, delta=delta)
            # after the slow trend: a long line still improving outweighs a short rise
            # not at chance level with labels that may not match (sweep s47, H1): the labels
            # aside (``labels_first``) goes in front of the plain reading instead
            or (
                None
                if self._labels_guessed()
                else overfitting(self._seen(value), self._latest, self._trained, self._best_shown)
            )
            or recovering(
                latest,
                self._trained,
                best=(self._best_shown, self.best),
                first=self._first,
                higher=higher,
                train=self._seen_name,
            )
            or still_learning(self._seen(value), self._first, self._seen_low)
            or falling_again(self._latest, (self._best_shown, self.best), self._first, higher)
        )
        if found is None:
            return None
        key, shown = found
        suffix = ("_relative" if self.relative else "_delta") if self.min_delta else ""
        head = {"metric": nice_name(self.metric), **fields, "delta": self.min_delta}
        head["pct"] = 100 * self.min_delta
        return key, {
            **fields,
            **shown,
            "head": message("monitor.patience.head" + suffix, **head),
            "train": nice_name(self._seen_name) if self._seen_name else "",
            **larger_patience(LONGER * self.patience, self._args()[1:], self.mode, self.metric),
        }

    def _labels_guessed(self) -> bool:
        """Whether the validation loss never beat chance while the training loss fell (see
        :func:`~nngraph.monitor._never_improved.guessed_labels`): then "overfitting" and "keep
        the best weights" would mislead."""
        if self.mode != "min" or not self._seen_name:
            return False
        first, best = self._first, self.best
        train = (self._seen_now, self._seen_first)
        return guessed_labels(self.metric, best, first, *train) is not None

    def _never_improved(self, value: float, fields: dict[str, Any]) -> Check:
        """The text for a metric that never improved (by more than ``min_delta``) on its first
        value, with its reading."""
        fields = {**fields, "reading": self._reading(value)}
        if not self.min_delta:
            return "patience.never_improved", fields
        if self.relative:
            return "patience.never_improved_relative", {**fields, "pct": 100 * self.min_delta}
        return "patience.never_improved_delta", {**fields, "delta": self.min_delta}

    def _creeping(self, value: float) -> Check:
        """Before ``patience`` epochs without an improvement: the barely-moved text for a loss
        that crept less than ``BARELY_MOVED`` below its first value in ``patience`` evaluations
        (at least :data:`NOT_LEARNING`) since it (or since ``resume()``), where the reading is
        chance level or not learning, unless it falls by ``CREEP`` or more per evaluation,
        steadily, or dropped now (see :mod:`~nngraph.monitor._falling`); else None.

            >>> from nngraph.monitor.detectors import Patience
            >>> p = Patience(5)
            >>> [p.update(e, loss=0.665 - 1e-5 * e, val_loss=0.693 - 1e-5 * e) is None
            ...  for e in range(1, 8)]
            [True, True, True, True, True, False, True]
            >>> p.events[0].message_id
            'patience.barely_moved'
        """
        start = max(self._first_epoch, self._resumed_at)
        if math.isnan(self._first) or self.epoch - start < max(self.patience, NOT_LEARNING):
            return None
        if self._gain() >= BARELY_MOVED or not says_not_learning(self._seen(value)):
            return None
        steady = self._new_bests > (self.epoch - start) / 2  # no noise: it learns, if slowly
        if steady and self._gain() >= CREEP * (self.epoch - self._first_epoch):
            return None
        window = [v for _, v in self._latest[-(self.epoch - start + 1) :]]
        scale = max(abs(self._first), abs(self._top))
        if clear_fall(window) >= CREEP * scale > 0 or dropped(window, self._dropped):
            return None
        return self._barely_moved(value)

    def _barely_moved(self, value: float) -> Check:
        """The text for a loss whose best seen is less than ``BARELY_MOVED`` below its first
        value, said over the epochs since that first value."""
        evaluations = self.epoch - self._first_epoch
        since = self._epochs_since(self._first_shown, evaluations)
        return "patience.barely_moved", {"since": since, **self._moved_fields(value)}

    def _moved_fields(self, value: float) -> dict[str, Any]:
        """The numbers of a barely-moved text: the first value, the best seen, how far apart,
        and the reading."""
        return {
            "first": self._first,
            "first_epoch": self._first_shown,
            "best": self._top,
            "best_epoch": self._top_shown,
            "pct": 100 * self._gain(),
            "reading": self._reading(value),
        }

    def _seen(self, value: float) -> Seen:
        """What the reading is made of: ``value`` (now), the best seen, the training twin (if
        it came with this evaluation, or after the best with the last ``patience // 2``
        evaluations or 3, whichever is more: a training loss logged until epoch 10 says
        nothing of the model at epoch 28, nor one from the best epoch of what came after it;
        one logged every 4th validation does)."""
        window = self.epoch - max(3, self.patience // 2)
        recent = self._seen_at == self.epoch or self.best_epoch < self._seen_at >= window
        # a NaN beside no training value of its own: the one logged before is of other weights
        untold = self._seen_name is not None and self._seen_at != self.epoch
        untold = untold and not math.isfinite(value) and math.isfinite(self._seen_now)
        start = max(self._first_epoch, self._resumed_at)  # since the first value, or resume()
        again = latest_rebound(self._latest[-(self.epoch - start + 1) :], self.mode == "max")
        return Seen(
            self.metric,
            self.mode,
            value,
            self._top,
            self._seen_name if recent or untold else None,
            train_now=self._seen_now,
            train_first=self._seen_first,
            train_low=self._seen_low,
            train_streak=self._seen_streak,
            train_streak_from=self._seen_streak_from,
            train_calm=self.mode == "max" or self._blow_ups.calm(self._seen_now),
            train_untold=untold,
            falling_again=None if again is None else (again.peak_epoch, again.peak),
            train_values=self._trained,
        )

    def _reading(self, value: float) -> str:
        """What a metric that never improved (or barely moved) says, read from ``value`` (now),
        the best and the training twin where it is logged: also whether it overfits since
        its best (only here: a reading made at the stop, not at each evaluation)."""
        seen = self._seen(value)
        overfits = overfitting(seen, self._latest, self._trained, self._top_shown) is not None
        return reading(replace(seen, overfits=overfits))

    def _gain(self) -> float:
        """How far the best lies below the first finite value, as a fraction of the larger of
        their sizes (a negative loss, one that starts at 0, too); ``inf`` for an accuracy
        (``mode="max"``), which is not judged by its size (see the class docstring).

            >>> from nngraph.monitor.detectors import Patience
            >>> p = Patience(2)
            >>> for epoch, value in enumerate([2.0, 1.99, 2.1, 2.2], 1):
            ...     _ = p.update(epoch, val_loss=value)
            >>> round(p._gain(), 6)
            0.005
        """
        scale = max(abs(self._first), abs(self._top))
        if self.mode == "max" or not scale:
            return math.inf
        return (self._first - self._top) / scale
