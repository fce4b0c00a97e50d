"""The axes of the loss view's static picture: where their ends are, where a value lies on one.

Values of any size are drawn: a constant loss of ``1e17`` (the first epoch of an MSE on raw
prices), a curve from ``-1e308`` to ``1e308``, a log axis up to ``1e308``.
"""

from __future__ import annotations

import math
import sys

__all__ = ["BIGGEST", "axis_ends", "power10", "share"]

BIGGEST = sys.float_info.max


def axis_ends(lo: float, hi: float, room: float, *, centred: bool = True) -> tuple[float, float]:
    """The ends of an axis for values from ``lo`` to ``hi``. Where they are one value, ``room``
    around it (or after it, not ``centred``); ``room`` must grow with the value, as ``1e17 +
    0.5`` is ``1e17``. The ends stay finite floats, and apart.

        >>> axis_ends(1e17, 1e17, 1e16), axis_ends(2.0, 2.0, 1.0, centred=False)
        ((9e+16, 1.1e+17), (2.0, 3.0))
        >>> axis_ends(BIGGEST, BIGGEST, BIGGEST / 10, centred=False)[1] == BIGGEST
        True
    """
    if hi > lo:
        return lo, hi
    if centred:
        return max(lo - room, -BIGGEST), min(hi + room, BIGGEST)
    return (lo, hi + room) if hi + room <= BIGGEST else (lo - room, hi)


def share(v: float, lo: float, hi: float) -> float:
    """Where ``v`` lies from ``lo`` (0) to ``hi`` (1); the three halved first where the span is
    more than a float holds (``-1e308`` to ``1e308``).

        >>> share(0.0, -1e308, 1e308)
        0.5
    """
    if math.isinf(hi - lo):
        return (v / 2 - lo / 2) / (hi / 2 - lo / 2)
    return (v - lo) / (hi - lo)


def power10(y: float) -> float:
    """``10**y``, the biggest float where that is more (a log axis around ``1e308``)."""
    try:
        return float(10**y)
    except OverflowError:
        return BIGGEST
