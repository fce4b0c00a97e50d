"""Whether a metric falls clearly: along a line, by more than its noise
(:func:`clear_fall`, which tells Patience's "barely moved" rule a slow learner from a loss
that creeps at a level), or again since its worst value in a stretch of its values
(:func:`rebound`): a learning-rate warm-up lifts the loss for a few epochs, a warm
restart (SGDR) lifts it at each cycle, and it falls again after. Patience stops such a run
all the same where its rule says so; only its words change: "more training is unlikely to
help", "not learning" or "does not generalise" would be false of a loss that falls fast now.

The values after the worst one (the ``peak``) have fallen again when

- there are at least :data:`AGAIN_MIN` of them;
- their least-squares line falls by more than ``STEADY`` standard errors, none taken
  smaller than the values' noise gives it (from their second differences, which a trend and
  a bend barely move: a few values may lie close to a line by chance);
- the line falls by more than :data:`FELL` of the values' size in all (a loss that creeps
  down by 1e-5 per epoch has not fallen again: that is the "barely moved" reading's case);
- their lowest value is among the latest ``LATEST_PART`` of them, and the latest half of
  them (at least 3) still fall along their own line by more than ``FALLING`` standard
  errors: still falling now, not back on a level (a bump that crept back, then flat).

:func:`clear_fall` asks the latest half of its values to fall too (by a third of the whole
line's pace, as a recovery's later part must, see :mod:`~nngraph.monitor._recovering`): a
loss that settled onto a level (chance, 2.34 -> ln 10 in a few epochs, then flat) fell
clearly at first, and no longer.

Checked on the sweep s46 curves: the warm-ups of ``c16`` (2.37 -> 1.36 in 6 epochs) and
the SGDR and step-LR stops (0.79 -> 0.60 in 16 epochs); not on a loss at chance level with
0.3% noise, nor on one that creeps, overfits or sits on a plateau after its best.

    >>> warm_up = [1.346, 1.623, 1.904, 2.201, 2.369, 2.184, 1.956, 1.745, 1.591, 1.482, 1.355]
    >>> found = rebound(list(enumerate(warm_up, 1)))
    >>> found.peak_epoch, found.peak, found.now
    (5, 2.369, 1.355)
    >>> rebound([(e, 0.5 + 0.01 * (-1) ** e) for e in range(1, 21)]) is None  # noise
    True
"""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nngraph.monitor._pace import STEADY
from nngraph.monitor._recovering import BACK, FALLING, GAVE_BACK, LATEST_PART, STILL, _line
from nngraph.monitor._recovering import _noise as _step_noise

__all__ = [
    "AGAIN_MIN",
    "BARELY_MOVED",
    "CREEP",
    "FELL",
    "Rebound",
    "clear_fall",
    "dropped",
    "falling_again",
    "latest_rebound",
    "rebound",
]

#: A loss whose best is less than this fraction of its size below its first value has barely
#: moved: Patience says the model is not learning (see ``Patience._creeping``), as for one
#: that never beat its first value. Noise alone gets this close: a validation loss stuck at
#: chance level (ln 10 = 2.3026) that wobbles by 0.3% from epoch to epoch has its lowest value
#: 20-60 epochs on up to 1.8% below its first one (400 simulated runs), while a model that
#: learns gains far more (2.3 -> 1.5 is 35%).
BARELY_MOVED = 0.02
#: A loss with a new best at most evaluations, or on a clear line (see :func:`clear_fall`), is
#: no noise (a loss stuck at its level has a new best at 3 or 4 of 20); it barely moved only
#: when it falls by less than this part of its size per evaluation. At that pace it would
#: take about 2300 evaluations to halve, longer than a class trains: a learning rate of 1e-5
#: creeps at 2e-5 (a moons MLP) or 1.4e-4 (a real SGD run: validation loss 0.1624 -> 0.1602
#: in 100 epochs, which 1e-4 let pass in silence), while a 5000-epoch run that learns falls
#: 1e-3 per epoch at its start, 2% in 20.
CREEP = 3e-4

#: At least this many values after the peak: fewer tell no fall from noise.
AGAIN_MIN = 5
#: The line through them falls by more than this part of the values' size (as a training
#: twin must have moved to count as moved, see ``_never_improved.MOVED``).
FELL = 0.02


@dataclass(frozen=True)
class Rebound:
    """The worst value (``peak``, at epoch ``peak_epoch``) since which a metric has been
    falling again (an accuracy: rising), its value ``now`` and its best since the peak
    (``lowest``)."""

    peak_epoch: int
    peak: float
    now: float
    lowest: float


def rebound(values: Sequence[tuple[int, float]], *, higher: bool = False) -> Rebound | None:
    """The worst of ``values`` (``(epoch shown, value)`` pairs, oldest first, all finite)
    when the values after it have been falling again, clearly, and still are (see the module
    docstring); else None. ``higher``: higher is better (an accuracy), read upside down."""
    sign = -1.0 if higher else 1.0
    signed = [sign * v for _, v in values]
    if len(signed) <= AGAIN_MIN or not all(math.isfinite(v) for v in signed):
        return None
    peak_at = max(range(len(signed)), key=signed.__getitem__)
    since = signed[peak_at + 1 :]
    m = len(since)
    if m < AGAIN_MIN:
        return None
    noise = _curve_noise(signed)
    fall = _clear(since, noise, STEADY)
    if fall * (m - 1) <= FELL * max(abs(signed[peak_at]), abs(since[-1])):
        return None
    lowest = min(range(m), key=since.__getitem__)
    latest = since[m // 2 :] if m >= 6 else since[-3:]
    if lowest < m - math.ceil(LATEST_PART * m) or not _clear(latest, noise, FALLING):
        return None
    return Rebound(values[peak_at][0], values[peak_at][1], values[-1][1], sign * since[lowest])


@functools.lru_cache(maxsize=16)
def latest_rebound(values: tuple[tuple[int, float], ...], higher: bool = False) -> Rebound | None:
    """:func:`rebound` of the same ``values`` worked out once: Patience reads it several times
    in one evaluation (its reading is made each time a rule asks for it)."""
    return rebound(values, higher=higher)


def falling_again(
    latest: Sequence[tuple[int, float]],
    best: tuple[int, float],
    first: float,
    higher: bool = False,
) -> tuple[str, dict[str, Any]] | None:
    """Patience's explanation (its key and numbers) when the ``latest`` values (``(epoch
    shown, value)`` pairs, oldest first) after the ``best`` (epoch shown, value) have been
    improving clearly again since their worst (see :func:`rebound`: a warm restart, a
    warm-up), where that worst gave back at least ``GAVE_BACK`` of what the metric gained
    from its ``first`` value to its best (a bump of a run that had learned much, a slow wave,
    is no such setback) and they are back within ``BACK`` of it above the best (one that
    settles far above it, a run a spike broke, may never beat it), as for a spike (see
    :mod:`~nngraph.monitor._recovering`); None otherwise.

        >>> run = [(e, 1.2 - 0.02 * e) for e in range(1, 31)]  # best 0.6 at epoch 30
        >>> run += [(30 + k, 0.6 + 0.05 * k) for k in range(1, 6)]  # up to 0.85: no spike
        >>> run += [(35 + k, 0.85 - 0.015 * k) for k in range(1, 16)]  # 0.625 now
        >>> key, shown = falling_again(run, (30, 0.6), first=1.18)
        >>> key, shown["peak"], shown["peak_epoch"], round(shown["now"], 3)
        ('patience.falling_again', 0.85, 35, 0.625)
    """
    found = rebound([(e, v) for e, v in latest if e > best[0]], higher=higher)
    sign = -1.0 if higher else 1.0
    gain = sign * (first - best[1])
    if found is None or sign * (found.peak - best[1]) < GAVE_BACK * gain:
        return None
    if not sign * (found.lowest - best[1]) < BACK * gain:
        return None
    return "patience.falling_again", {
        "peak": found.peak,
        "peak_epoch": found.peak_epoch,
        "now": found.now,
    }


def _clear(values: list[float], noise: float, errors: float) -> float:
    """How much ``values`` (at least 3) fall per evaluation along their least-squares line,
    where that is more than ``errors`` standard errors, none taken smaller than ``noise``
    gives it; else 0."""
    n = len(values)
    fall, error, _ = _line(values)
    error = max(error, noise * math.sqrt(12 / (n * (n * n - 1))))
    return fall if fall > errors * error else 0.0


def clear_fall(values: Sequence[float]) -> float:
    """How much ``values`` (oldest first, at least 3) fall per evaluation along their
    least-squares line, where that is more than ``STEADY`` standard errors (none taken
    smaller than their noise gives it) and the line through their latest half (at least 3)
    still falls by at least ``STILL`` (a third) of that; else 0. A slow learner whose
    values wobble by more than they fall per epoch has few new bests, but a clear line; a
    loss that settled onto a level (2.34 -> ln 10, then flat) fell at first, and no longer.

        >>> round(clear_fall([0.93 - 0.001 * e + 0.003 * (-1) ** e for e in range(21)]), 4)
        0.001
        >>> clear_fall([2.3 + 0.007 * (-1) ** e for e in range(21)])
        0.0
        >>> clear_fall([2.34 - 0.01 * e for e in range(4)] + [2.3026] * 17)  # settled
        0.0
    """
    values = list(values)
    if len(values) < 3 or not all(math.isfinite(v) for v in values):
        return 0.0
    latest = values[len(values) // 2 :] if len(values) >= 6 else values[-3:]
    fall = _clear(values, _curve_noise(values), STEADY)
    return fall if _line(latest)[0] >= STILL * fall else 0.0


def dropped(values: Sequence[float], drop: float) -> bool:
    """Whether the latest of ``values`` (oldest first), a new best by ``drop`` below the best
    before it, dropped by more than ``STEADY`` times the noise their steps show (the median
    size of a step, as a standard deviation): the loss fell now, beyond any wobble. A loss
    that creeps down by equal steps never drops so.

        >>> dropped([2.3, 2.31, 2.29, 2.3, 2.21], 0.08), dropped([1.0, 0.999, 0.998], 0.001)
        (True, False)
    """
    return drop > STEADY * _step_noise(list(values))


def _curve_noise(values: list[float]) -> float:
    """How far one of ``values`` lies from the smooth curve they follow, as a standard
    deviation, from the median size of their second differences (0.6745 * sqrt(6) times it
    for independent noise): a steady fall, and a single bend, barely move it.

        >>> round(_curve_noise([1.0, 0.9, 0.8, 0.7, 0.6]), 6), round(_curve_noise([0.5, 0.6] * 5), 4)
        (0.0, 0.1211)
    """
    second = [abs(a - 2 * b + c) for a, b, c in zip(values, values[1:], values[2:], strict=False)]
    return statistics.median(second) / (0.6745 * math.sqrt(6)) if second else 0.0
