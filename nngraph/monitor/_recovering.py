"""Whether ``Patience`` stopped a run that was still recovering from a spike after its best
(:func:`recovering`): a learning rate too high made the losses jump, and they have been coming
back down since, so "more training is unlikely to help" would be false (sweep s44: training
on beat the best by 65% and by 21%). Patience stops all the same (its rule is its contract);
only its words change, as for a run that oscillates or still improves slowly
(:mod:`~nngraph.monitor._no_better`).

Every measure is a difference of the metric's values, never a part of its size, so a loss
below 0 (a Gaussian negative log-likelihood) is read as any other; an accuracy is read upside
down. The ``peak`` is the worst value after the best; the run was still recovering when

- it spiked (:func:`_spiked`): the peak gave back at least :data:`GAVE_BACK` of what the
  metric had gained from its first value to its best, at least half of that rise came within
  :data:`SUDDEN` evaluations up to the first value near the peak (within twice the wobble,
  so that where noise puts the highest value does not decide), and that jump is more than
  :data:`SHARP` times the wobble of the metric (a memorising model's validation loss creeps
  up; a noisy one's highest value lies 3 to 5 times its wobble above its neighbours);
- it has been falling since, and still is (:func:`_still_falling`): at least
  :data:`RECOVERY_MIN` values came after the peak, the later two thirds of them fall along
  their least-squares line by more than :data:`FALLING` standard errors and by at least
  :data:`STILL` of what all of them fall (a jump that decayed within a few evaluations, then
  a level, has its fall at its start), and their lowest value is among the latest
  :data:`LATEST_PART` of them;
- it is back near its best: that lowest value lies less than :data:`BACK` of the gain above
  the best (a run the spike broke settles on a level of its own);
- where the training twin is logged, it rose too, by at least :data:`GAVE_BACK` of the gain
  from its value at the best epoch: instability moves both losses, while a model that
  memorises has a training loss that falls.

Checked on the 60 saved runs of sweep s44 (regression, schedules, dropout, label noise,
Gaussian NLL; Patience 5 to 30, with and without min_delta): it holds at the stops of the two
runs a spike interrupted and at none of the others (overfitting, plateaus, oscillation,
dropout, schedules, a run whose spike left it at a loss above its first value). In 200
simulated runs of each kind it held at no stop of a memorising, dropout or converging run, at
1 of a noisy plateau, and at every stop during a slow recovery.

    >>> spike = [(e, v) for e, v in enumerate([0.79, 0.64, 0.49, 0.59, 0.94, 2.55, 1.04, 1.12,
    ...          0.93, 0.86, 1.05, 1.25, 1.2, 0.97, 0.77, 0.71, 0.68, 0.54, 0.58, 0.62, 0.53,
    ...          0.68, 0.527], 1)]
    >>> key, shown = recovering(spike, (), best=(3, 0.49), first=0.79)
    >>> key, shown["peak"], shown["peak_epoch"], shown["now"]
    ('patience.recovering', 2.55, 6, 0.527)
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from typing import Any

from nngraph.i18n import message
from nngraph.monitor._names import nice_name

__all__ = [
    "BACK",
    "FALLING",
    "GAVE_BACK",
    "LATEST_PART",
    "RECOVERY_MIN",
    "SHARP",
    "STILL",
    "SUDDEN",
    "recovering",
]

#: The spike gave back at least this part of what the metric had gained from its first value
#: to its best (0.63 and 6.8 in the two spikes of sweep s44): a bump in a run that had learned
#: much is no such setback.
GAVE_BACK = 0.25
#: At least half the rise came within this many evaluations before the peak.
SUDDEN = 3
#: ... and that jump is more than this many times the metric's wobble (see :func:`_noise`):
#: 13 and 21 in the two spikes; in the other saved runs of sweep s44 (noise, dropout,
#: overfitting, schedules, oscillation) up to 6, and 8.3 in one validated every 5 epochs.
SHARP = 8.0
#: At least this many values after the peak: fewer tell no fall from noise.
RECOVERY_MIN = 5
#: The later two thirds of them fall by more than this many standard errors of their line's
#: slope (the Gaussian NLL run of sweep s44 recovered slowly through a wobble of 0.09).
FALLING = 2.0
#: ... and by at least this part of what the line through all of them falls.
STILL = 1 / 3
#: Their lowest value lies among this latest part of them: not back on a level, nor rising.
LATEST_PART = 1 / 3
#: ... and less than this part of the gain above the best: SGD too fast for a regression net
#: left its loss at 1.06 for good, above its first value 0.99, with a best of 0.56.
BACK = 0.5


def recovering(
    latest: Sequence[tuple[int, float]],
    trained: Sequence[tuple[int, float]],
    *,
    best: tuple[int, float],
    first: float,
    higher: bool = False,
    train: str | None = None,
) -> tuple[str, dict[str, Any]] | None:
    """Patience's explanation (its key and numbers) when the run was still recovering from a
    spike after its ``best`` (epoch shown, value) at the stop (see the module docstring), None
    otherwise. ``latest``: the metric's latest finite values, ``(epoch shown, value)`` pairs,
    oldest first; ``trained``: its training twin's, named ``train``, at the same evaluations
    where logged; ``first``: the metric's first value; ``higher``: higher is better.

        >>> overfit = [(e, 0.5 + 0.02 * max(0, e - 10)) for e in range(1, 31)]
        >>> recovering(overfit, [(e, 0.5 / e) for e in range(1, 31)], best=(10, 0.5), first=0.5)
    """
    sign = -1.0 if higher else 1.0  # read an accuracy upside down: lower is better
    low, gain = sign * best[1], sign * (first - best[1])
    after = [(e, sign * v) for e, v in latest if e > best[0]]
    if not after or not gain > 0:
        return None
    peak_at = max(range(len(after)), key=lambda i: after[i][1])
    since = [v for _, v in after[peak_at + 1 :]]
    noise = _noise([sign * v for _, v in latest])
    if not _spiked([v for _, v in after[: peak_at + 1]], low, gain, noise):
        return None
    if not _still_falling(since, noise) or min(since) - low > BACK * gain:
        return None
    train_peak = _train_peak(trained, best[0], sign)
    if train_peak is not None and train_peak[2] < GAVE_BACK * gain:
        return None
    shown: dict[str, Any] = {
        "peak": sign * after[peak_at][1],
        "peak_epoch": after[peak_at][0],
        "now": sign * since[-1],
        "train_too": "",
    }
    if train_peak is not None and train is not None:
        epoch, high, _ = train_peak
        said = {"train": nice_name(train), "train_peak": sign * high, "train_epoch": epoch}
        shown["train_too"] = message("monitor.patience.recovering_train", **said)
    return "patience.recovering", shown


def _spiked(rising: list[float], low: float, gain: float, noise: float) -> bool:
    """Whether the values after the best up to the peak (``rising``, lower is better) spiked
    above the best ``low``: by at least :data:`GAVE_BACK` of the ``gain``, half of that within
    :data:`SUDDEN` evaluations, by a jump of more than :data:`SHARP` times the ``noise``. The
    jump is measured up to the first value within twice the ``noise`` of the peak.

        >>> _spiked([0.59, 0.94, 2.55], 0.49, gain=0.3, noise=0.14)
        True
        >>> _spiked([0.5 + 0.05 * i for i in range(1, 11)], 0.5, gain=0.5, noise=0.01)  # creeps
        False
        >>> _spiked([0.756, 0.766, 0.768, 0.79], 0.524, gain=0.3, noise=0.02)  # top by noise
        True
    """
    peak = rising[-1]
    # the jump ends at the first value within twice the noise of the peak: where noise puts
    # the highest value after a jump (0.756 0.766 0.768 0.790) must not decide
    top = next(i for i, v in enumerate(rising) if v >= peak - 2 * noise)
    before = rising[:top][-SUDDEN:]
    if top < SUDDEN:  # the best itself lies within SUDDEN evaluations of the jump's top
        before.append(low)
    jump = rising[top] - min(before)
    return peak - low >= GAVE_BACK * gain and jump >= (peak - low) / 2 and jump > SHARP * noise


def _still_falling(since: list[float], noise: float) -> bool:
    """Whether the values after the peak (``since``, lower is better) have been falling and
    still are (see the module docstring); ``noise``: the metric's wobble, below which no
    standard error is taken (a few values may lie close to a line by chance).

        >>> _still_falling([1.04, 1.12, 0.93, 0.86, 1.05, 1.25, 1.2, 0.97, 0.77, 0.71], 0.14)
        False
        >>> _still_falling([1.04, 1.12, 0.93, 0.86, 0.8, 0.77, 0.71, 0.6, 0.58, 0.54], 0.14)
        True
    """
    if len(since) < RECOVERY_MIN:
        return False
    later = since[len(since) // 3 :]
    n, m = len(since), len(later)
    fall, _, _ = _line(since)
    later_fall, error, _ = _line(later)
    error = max(error, noise * math.sqrt(12 / (m * (m * m - 1))))
    if not later_fall > FALLING * error or later_fall * (m - 1) < STILL * fall * (n - 1):
        return False
    lowest = min(range(n), key=since.__getitem__)
    return lowest >= n - math.ceil(LATEST_PART * n)


def _train_peak(
    trained: Sequence[tuple[int, float]], best_epoch: int, sign: float
) -> tuple[int, float, float] | None:
    """The training twin's worst value after the best epoch (``sign`` times it: its highest
    for a loss), its epoch, and how far it lies above the twin's value at the best epoch (the
    latest one up to it); None where the twin is not logged on both sides of the best.

        >>> epoch, high, rise = _train_peak([(1, 0.9), (3, 0.69), (7, 2.24), (8, 1.3)], 3, 1.0)
        >>> epoch, high, round(rise, 4)
        (7, 2.24, 1.55)
    """
    before = [sign * v for e, v in trained if e <= best_epoch]
    after = [(e, sign * v) for e, v in trained if e > best_epoch]
    if not before or not after:
        return None
    epoch, high = max(after, key=lambda pair: pair[1])
    return epoch, high, high - before[-1]


def _noise(values: list[float]) -> float:
    """How far one of ``values`` lies from the curve they follow, as a standard deviation,
    from the median size of their steps (for independent noise, 0.6745 * sqrt(2) times it): a
    few jumps, and a trend, barely move it.

        >>> round(_noise([1.0, 1.1, 1.0, 1.1, 1.0, 5.0, 1.1, 1.0]), 4)
        0.1048
    """
    steps = [abs(b - a) for a, b in itertools.pairwise(values)]
    return statistics.median(steps) / (0.6745 * math.sqrt(2)) if steps else 0.0


def _line(values: list[float]) -> tuple[float, float, float]:
    """How much ``values`` (at least 3) fall per evaluation along their least-squares line,
    the standard error of that, and their spread about the line (a standard deviation).

        >>> [round(x, 4) for x in _line([1.0, 0.9, 0.8, 0.7, 0.6])]
        [0.1, 0.0, 0.0]
        >>> _line([1e200, 1e190, 1e180])[0] > 0  # finite values of any size: no OverflowError
        True
    """
    n = len(values)
    # fitted in units of a power of 2 near the largest size (exact): squares of 1e200 overflow
    scale = math.ldexp(1.0, math.frexp(max(abs(v) for v in values))[1] - 1)
    values = [v / scale for v in values]
    middle, mean = (n - 1) / 2, sum(values) / n
    spread = sum((i - middle) ** 2 for i in range(n))
    slope = sum((i - middle) * (v - mean) for i, v in enumerate(values)) / spread
    residual = sum((v - mean - slope * (i - middle)) ** 2 for i, v in enumerate(values))
    noise = math.sqrt(residual / (n - 2))
    return -slope * scale, noise / math.sqrt(spread) * scale, noise * scale
