"""What :class:`~nngraph.monitor.detectors.Patience` says of a metric that never improved on its
first value (or barely moved from it, or became NaN or infinite after its best): only the
reading the numbers support.

- a value, or a training twin, that is not a finite number: training has diverged;
- a metric that rose, and has been falling clearly since its worst value, as after a
  learning-rate warm-up (see :func:`~nngraph.monitor._falling.rebound`): it is learning
  again, whatever its training twin did;
- a training twin clearly better than at first and still improving, beside a metric that got
  clearly worse since its first value (``overfits``): the model has overfit from the start,
  as a pretrained model fine-tuned too long or with too high a learning rate does;
- a training twin far better than the metric (its error at most half), or clearly better
  than at first and clearly better than the metric's best: the model fits its training data,
  but that does not carry over to new data (too little data, too big a model);
- a training twin clearly better than at first, but not clearly better than the metric: no
  sign of overfitting (the model does no better on its training data than on new data);
- a training twin clearly worse than at first: unstable training, unless it rose smoothly
  lately (a weight decay too strong, a schedule raising the learning rate: see
  :mod:`~nngraph.monitor._steady_rise`), it rose to the
  chance level below (the model collapsed to guessing), or has improved at each of the last
  :data:`AGAIN` evaluations by more than :data:`MOVED` in all (it is improving again, as
  after a learning-rate warm-up);
- a loss whose best is close to ``ln k`` (the cross-entropy of guessing among ``k`` classes),
  with a training twin that has not moved either, or none logged: chance level, not learning;
  also where the training twin sits at that same ``ln k`` after it fell there from a first
  epoch that blew up (see :func:`blown_start`): that fall is no learning, the model guesses;
- a training twin that has not moved either: not learning, or learned all it could at once;
- otherwise (no training twin logged) a short text that says what would tell them apart.

A loss is only ever compared with a loss and an accuracy with an accuracy: the training twin is
the metric's own (``loss`` for ``val_loss``, ``acc`` for ``val_acc``).

    >>> seen = Seen("val_loss", "min", value=1.57, best=0.5911, train="loss",
    ...             train_now=0.091, train_first=0.52)
    >>> reading(seen)  # doctest: +ELLIPSIS
    'Training loss is 0.091 now (0.52 at first), against 1.57 for validation loss: ...'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from nngraph.i18n import message, numeral
from nngraph.monitor._blowup import BLOW_UP
from nngraph.monitor._names import is_validation, nice_name, train_twin
from nngraph.monitor._steady_rise import rose_steadily
from nngraph.monitor._trend import MEMORISED, RISE

__all__ = [
    "NEAR_CHANCE",
    "Seen",
    "blown_start",
    "blown_text",
    "chance_classes",
    "clearly_better",
    "digits_apart",
    "far_better",
    "guessed_labels",
    "labels_text",
    "may_be_entropy",
    "not_finite_text",
    "reading",
    "says_not_finite",
    "says_not_learning",
]

#: A training value less than this part of its size away from its first one has not moved
#: (as ``_falling.BARELY_MOVED`` for the metric itself).
MOVED = 0.02
#: A training twin worse than at first that improved at each of this many evaluations in a row
#: (by more than :data:`MOVED` in all) is improving again, not unstable: a learning-rate
#: warm-up makes the loss rise for a few epochs, then fall at every one.
AGAIN = 5
#: How close a loss must be to ``ln k`` (as a part of it) to be read as chance level: a loss
#: stuck there wobbles by well under 1%; ln 9 and ln 10 are 5% apart.
CHANCE = 0.02
#: A cross-entropy that started at the chance level of ``k`` classes (``ln k``) and is still
#: less than this part of ``ln k`` below it has learned little so far: a tanh MLP on two spirals
#: (Adam 1e-2) had a training loss of 0.66 (ln 2 = 0.693, 5% below) and 71% validation accuracy
#: when Patience(20) stopped it, and reached 100% in 240 more epochs.
NEAR_CHANCE = 0.1
#: The class counts whose chance level is recognised: 2 to 10, CIFAR-100's and ImageNet's.
#: (Above 10 the values ln k lie so close together that any number would match one.)
CLASSES = (*range(2, 11), 100, 1000)
#: A validation loss whose best lies less than this part below its first value learned nothing
#: that carries over (shuffled labels, 3 classes: 1.134 at first, 1.109 at best, 2.2% lower;
#: a model that overfits gets clearly lower first).
LEARNED = 0.05
#: ... and whose best lies at most this part above ``ln k`` never got better than chance either:
#: a model sure of its guesses from the first epoch (shuffled validation labels, 3 classes:
#: 1.133 at its best, 3.1% above ln 3).
ABOVE_CHANCE = 0.05
#: ... beside a training loss whose first value lay within this part of ``ln k``: a model that
#: guesses on labels it cannot learn yet (shuffled labels: 0.4% to 4.9% above ln k in the
#: first epoch of 8 real runs; the validation labels alone shuffled: 1.3% below).
STARTED = 0.08
#: Words of a metric's name that say it may be a cross-entropy (``val_loss``, ``val_nll``).
_ENTROPY_WORDS = frozenset({"loss", "nll", "ce", "bce", "xent", "entropy", "crossentropy"})


@dataclass(frozen=True)
class Seen:
    """What Patience saw when it fires: the metric (``value`` now, ``best``) and, when logged,
    its training twin (``train``: its name as logged; ``train_now``: the latest evaluation's
    mean, ``train_first``: the first finite one, ``train_low``: the lowest; ``train_streak``:
    at how many evaluations in a row, up to now, it improved, from ``train_streak_from``;
    ``train_calm``: whether ``train_now`` is still near its low, see `BlowUps.calm`;
    ``train_untold``: the run logs a training twin, finite when last logged, but not with this
    evaluation, so a ``value`` that is not finite cannot be told from its weights;
    ``falling_again``: the epoch and value of the metric's worst value since its first (or
    ``resume()``), where it has been falling clearly since, see
    :func:`~nngraph.monitor._falling.rebound`; ``train_values``: the training twin's latest
    (epoch shown, value) pairs, read only where it rose: did it
    rise smoothly? see :func:`~nngraph.monitor._steady_rise.rose_steadily`)."""

    metric: str
    mode: Literal["min", "max"]
    value: float
    best: float
    train: str | None = None
    train_now: float = math.nan
    train_first: float = math.nan
    train_low: float = math.nan
    train_streak: int = 0
    train_streak_from: float = math.nan
    train_calm: bool = True
    train_untold: bool = False
    falling_again: tuple[int, float] | None = None
    overfits: bool = False
    train_values: tuple[tuple[int, float], ...] = ()


def chance_classes(value: float) -> int | None:
    """The number of classes ``k`` whose chance-level cross-entropy ``ln k`` is close to
    ``value``, if any (see :data:`CLASSES`).

        >>> chance_classes(0.6931), chance_classes(2.31), chance_classes(2.0), chance_classes(6.9)
        (2, 10, None, 1000)
    """
    for k in CLASSES:
        if abs(value - math.log(k)) <= CHANCE * math.log(k):
            return k
    return None


def reading(seen: Seen) -> str:
    """The one reading of the run the numbers support, in the current language: a sentence of
    its own, with a capital (not in a metric's name as the user wrote it: ``mse`` stays)."""
    fields = {
        "metric": nice_name(seen.metric),
        "value": seen.value,
        "train": nice_name(seen.train) if seen.train else _usual_twin(seen.metric),
        "train_now": seen.train_now,
        "train_first": seen.train_first,
    }
    key, more = _which(seen)
    text = message("monitor.patience.reading." + key, **fields, **more)
    if any(text.startswith(name.replace("_", " ")) for name in (seen.metric, seen.train) if name):
        return text
    return text[:1].upper() + text[1:]


def says_not_learning(seen: Seen) -> bool:
    """Whether the reading is chance level or not learning (the training twin has not moved
    either): what lets Patience count a loss's tiny gains as none.

        >>> says_not_learning(Seen("val_loss", "min", 0.693, 0.693))  # ln 2: chance level
        True
        >>> says_not_learning(Seen("val_loss", "min", 0.5, 0.5))  # no twin to tell
        False
        >>> says_not_learning(Seen("val_loss", "min", 0.5, 0.5, "loss", 0.3, 0.6))  # it fits
        False
    """
    return _which(seen)[0] in ("chance", "chance_blown", "not_learning")


def says_not_finite(seen: Seen) -> bool:
    """Whether the metric, or its training twin, is not a finite number now.

    >>> says_not_finite(Seen("val_loss", "min", math.nan, 0.5)), says_not_finite(Seen(
    ...     "val_loss", "min", 0.5, 0.5, "loss", math.inf, 0.6))
    (True, True)
    """
    return not math.isfinite(seen.value) or (
        seen.train is not None and not math.isfinite(seen.train_now)
    )


def _which(seen: Seen) -> tuple[str, dict[str, object]]:
    """The reading's key and the fields it adds."""
    if not math.isfinite(seen.value):
        bad: dict[str, object] = {
            "what": nice_name(seen.metric),
            "bad": not_finite_text(seen.value),
        }
        if seen.train_untold:  # no training value of these weights: it cannot say which
            return "untold_nonfinite", bad
        if seen.train is not None and math.isfinite(seen.train_now) and seen.train_calm:
            return "validation_not_finite", bad  # the same weights train on: not diverged
        return "diverged", bad
    if seen.train is not None and not math.isfinite(seen.train_now):
        return "diverged", {"what": nice_name(seen.train), "bad": not_finite_text(seen.train_now)}
    moved = _moved(seen) if seen.train is not None else None
    if seen.falling_again is not None:  # as after a warm-up: whatever the training twin did
        if moved is not None and moved < 0 and _improving_again(seen):
            return "improving_again", {}  # the training twin tells it too
        peak_epoch, peak = seen.falling_again
        return "falling_again", {"peak": peak, "peak_epoch": peak_epoch}
    k = chance_classes(seen.best) if seen.mode == "min" and may_be_entropy(seen.metric) else None
    chance: dict[str, object] = {}
    if k is not None:
        ln = math.log(k)
        digits = digits_apart(seen.best, ln)  # "2.3 is close to ln 10 = 2.3" told nothing
        chance = {
            "best": seen.best,
            "k": k,
            "ln": ln,
            "best_shown": numeral(f"{seen.best:.{digits}g}"),
            "ln_shown": numeral(f"{ln:.{digits}g}"),
        }
    # a training loss at that same chance level: the model guesses, whether it rose there (a
    # zero_grad() that zeroes the weights: it collapsed to guessing) or fell there, and never
    # clearly below, from a first epoch that blew up (a first value no model starts at is no
    # baseline for "improved")
    if moved is not None and k is not None and chance_classes(seen.train_now) == k:
        never_below = not seen.train_low < (1 - NEAR_CHANCE) * math.log(k)
        if moved > 0 and never_below and blown_start(seen.train_first, k):
            train = nice_name(seen.train) if seen.train else ""
            return "chance_blown", {**chance, "blown": blown_text(train, seen.train_first)}
        if moved < 0:
            return "chance", chance
    fits = far_better(seen) or (moved is not None and moved > 0 and clearly_better(seen))
    if moved is not None and (fits or (moved > 0 and seen.overfits)) and seen.mode == "min":
        k = guessed_labels(seen.metric, seen.best, seen.best, seen.train_now, seen.train_first)
        if k is not None:  # it never learned from them: the labels, not overfitting?
            return "memorising_chance", {"k": k, "ln": math.log(k)}
    if moved is not None and moved > 0 and seen.overfits:  # worse from the start: fine-tuning
        return "overfitting_first", {}
    if moved is not None and fits:
        return "memorising", {}
    if moved is not None and moved > 0:  # it learns, but does no better than on new data
        return "not_below", {}
    if moved is not None and moved < 0:  # rose: not memorising
        if _improving_again(seen):
            return "improving_again", {}
        if rose_steadily([v for _, v in seen.train_values]):  # smooth: not unstable training
            return "rose_steadily", {"why": message("monitor.trend.rose_steadily")}
        return "unstable", {}
    if k is not None:
        return "chance", chance
    if moved is not None:
        return "not_learning", {}
    if not is_validation(seen.metric):  # the training metric itself never improved
        return "training", {}
    return "unknown", {}


def guessed_labels(
    metric: str, best: float, first: float, train_now: float, train_first: float
) -> int | None:
    """The number of classes ``k`` where the validation loss ``metric`` (a cross-entropy by its
    name) never got clearly below ``ln k``, the loss of guessing (its ``best`` within
    :data:`CHANCE` of it, or up to :data:`ABOVE_CHANCE` above), nor clearly below its
    ``first`` value (by less than :data:`LEARNED` of it), while its training twin started
    there too (``train_first`` within :data:`STARTED` of ``ln k``: a classifier that guesses)
    and fell to ``train_now``, clearly below both (by more than ``RISE`` of them, as
    :func:`clearly_better`): the model learns its training labels by heart but nothing that
    carries over to new data, which is what labels that do not match their inputs look like
    (x and y shuffled separately). None otherwise.

    A model that overfits first gets better on new data: its best lies clearly below its first
    value, or below the chance level. One that does not learn at all keeps its training loss
    at chance too (see ``patience.near_chance``). A regression loss named ``val_loss`` that
    overfits from its first epoch may sit near some ``ln k`` by chance; its training loss
    rarely starts at that same level too.

        >>> guessed_labels("val_loss", 1.109, 1.134, 0.57, 1.137)  # 3 classes, shuffled labels
        3
        >>> guessed_labels("val_loss", 0.2239, 0.2239, 0.002, 0.45) is None  # it learned first
        True
        >>> guessed_labels("val_loss", 1.109, 1.134, 1.08, 1.137) is None  # training at chance
        True
        >>> guessed_labels("val_loss", 1.109, 1.134, 0.57, 1.6) is None  # it did not start there
        True
        >>> guessed_labels("val_mse", 1.109, 1.134, 0.57, 1.137) is None  # no cross-entropy
        True
    """
    if not (is_validation(metric) and may_be_entropy(metric) and math.isfinite(train_now)):
        return None
    k = chance_classes(best) or _just_above_chance(best)
    if k is None:
        return None
    ln = math.log(k)
    # falling only as far as chance is not learning (sweep s47, M9: first 7.5% above ln 3)
    if not best >= (1 - LEARNED) * min(first, ln):
        return None
    if not abs(train_first - ln) <= STARTED * ln:
        return None
    return k if train_now < (1 - RISE) * min(best, ln) else None


def _just_above_chance(value: float) -> int | None:
    """The number of classes ``k`` whose ``ln k`` lies just below ``value``, by at most
    :data:`ABOVE_CHANCE` of it, the nearest if two do: a validation loss that is worse than
    guessing from its first epoch on (a model sure of labels that do not match).

        >>> _just_above_chance(1.133), _just_above_chance(2.35), _just_above_chance(1.25)
        (3, 10, None)
    """
    near = [k for k in CLASSES if math.log(k) <= value <= (1 + ABOVE_CHANCE) * math.log(k)]
    return min(near, key=lambda k: value - math.log(k)) if near else None


def labels_text(seen: Seen, k: int, train: str) -> str:
    """The sentences that say a validation loss never beat chance while the training loss
    (``train``, in words) fell (see :func:`guessed_labels`), and that the labels may not
    match the inputs."""
    return message(
        "monitor.chance.labels",
        metric=nice_name(seen.metric),
        best=seen.best,
        k=k,
        ln=math.log(k),
        train=train or _usual_twin(seen.metric),
        train_now=seen.train_now,
    )


def digits_apart(value: float, ln: float) -> int:
    """The significant digits (3 to 6) that show ``value`` apart from ``ln``, the chance level
    it is close to: "2.3 is close to ln 10 = 2.3" said nothing; 2.299 and 2.303 differ.

        >>> digits_apart(2.2993, math.log(10)), digits_apart(2.45, math.log(10))
        (4, 3)
        >>> digits_apart(math.log(2), math.log(2))  # the same number: 3 digits
        3
    """
    for digits in range(3, 7):
        if f"{value:.{digits}g}" != f"{ln:.{digits}g}":
            return digits
    return 3


def blown_start(first: float, k: int) -> bool:
    """Whether a cross-entropy's first value lies more than ``BLOW_UP`` times above ``ln k``,
    the chance level it sits at later: no model starts there (an untrained one starts near
    the ``ln`` of its number of classes, at most ``ln 1000``, below ``BLOW_UP * ln 2``), so
    its first epoch blew up (inputs far from 0, such as raw pixels or a feature in the
    thousands, or a learning rate far too high), and its fall from there is no learning.

        >>> blown_start(428.8, 5), blown_start(48.3, 5), blown_start(2.3, 5), blown_start(6.9, 2)
        (True, True, False, False)
    """
    return first > BLOW_UP * math.log(k)


def blown_text(what: str, start: float) -> str:
    """The sentence that says why a loss that fell from a blown-up first epoch (``start``) to
    the chance level is no learning, and what to do: ``what`` is the loss's name in words."""
    return message("monitor.chance.blown", what=what, start=start)


def _moved(seen: Seen) -> int | None:
    """How the training twin moved since its first value: 1 better (a loss that fell), -1
    worse, 0 not by more than :data:`MOVED` of its size; None without a first finite value."""
    now, first = seen.train_now, seen.train_first
    if not math.isfinite(first):
        return None
    gain = (first - now) if seen.mode == "min" else (now - first)
    if abs(gain) <= MOVED * max(abs(first), abs(now)):
        return 0
    return 1 if gain > 0 else -1


def _improving_again(seen: Seen) -> bool:
    """The training twin improved at each of the last :data:`AGAIN` evaluations, by more than
    :data:`MOVED` of its size in all.

        >>> from dataclasses import replace
        >>> rising = Seen("val_loss", "min", 2.1, 1.84, "loss", 1.85, 1.6)
        >>> warmed_up = replace(rising, train_streak=16, train_streak_from=2.2)
        >>> _improving_again(rising), _improving_again(warmed_up)
        (False, True)
    """
    before, now = seen.train_streak_from, seen.train_now
    if seen.train_streak < AGAIN or not math.isfinite(before):
        return False
    gain = (before - now) if seen.mode == "min" else (now - before)
    return gain > MOVED * max(abs(before), abs(now))


def clearly_better(seen: Seen) -> bool:
    """The training twin is clearly better than the metric's best (by more than ``RISE`` of
    it, as GL's ``Trend.below``): an accuracy (between 0 and 1) by its error. A model that
    does not do clearly better on its training data than on new data shows no memorising.

        >>> clearly_better(Seen("val_loss", "min", 0.474, 0.449, "loss", 0.72, 0.755))
        False
        >>> clearly_better(Seen("val_acc", "max", 0.96, 0.96, "acc", 0.99, 0.9))
        True
    """
    now, best = seen.train_now, seen.best
    if seen.mode == "max":
        if 0 <= best <= 1 and 0 <= now <= 1:
            return 1 - now < (1 - RISE) * (1 - best)
        return now > best + RISE * abs(best)
    return now < best - RISE * abs(best)


def far_better(seen: Seen) -> bool:
    """The training twin's error is at most :data:`MEMORISED` of the metric's best one: a loss
    (from a natural 0) far below, an accuracy (between 0 and 1) far closer to 1."""
    now, best = seen.train_now, seen.best
    if seen.mode == "max":
        return 0 <= best <= 1 and 0 <= now <= 1 and 1 - now < MEMORISED * (1 - best)
    return best > 0 and now >= 0 and now <= MEMORISED * best


def may_be_entropy(metric: str) -> bool:
    """The metric's name allows a cross-entropy (``val_loss``, ``val_nll``, not ``val_mse``).

    >>> may_be_entropy("val_loss"), may_be_entropy("val_mse"), may_be_entropy("val/ce")
    (True, False, True)
    """
    return not _ENTROPY_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", metric.lower()))


def _usual_twin(metric: str) -> str:
    """How a sentence calls the metric's training twin when it was not logged: ``training
    loss`` for ``val_loss``, ``training accuracy`` for ``val_acc`` ("" for a training metric).

    >>> _usual_twin("val_acc"), _usual_twin("loss")
    ('training accuracy', '')
    """
    twin = train_twin(metric)
    return nice_name(twin) if twin else ""


def not_finite_text(value: float) -> str:
    """NaN as it is written in texts ("NaN"), an infinity as Python writes it ("inf", "-inf")."""
    return "NaN" if math.isnan(value) else str(value)
