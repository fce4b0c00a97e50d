"""When a network's weights are "shrunk": the rule `health()` and `GradientWatch` share when
they name tiny weights as the cause of a vanishing gradient (weight_decay=10, or an
initialisation far too small), one computing from a graph's statistics, one from the tensors.

    >>> shrunk(rms=1e-7, fan_in=64), shrunk(rms=0.05, fan_in=64)
    (True, False)
    >>> mostly(["0.weight", "2.weight"], weights=3), mostly(["0.weight"], weights=3)
    (['0.weight', '2.weight'], [])
"""

from __future__ import annotations

import math

__all__ = ["SHRUNK", "mostly", "shrunk"]

#: How many times below the RMS of PyTorch's default initialisation a weight must be to count
#: as shrunk. A layer initialised small on purpose (`normal_(std=0.001)` on a 512-wide head) is
#: about 25 times below it; all zeros is another finding (`zeros`).
SHRUNK = 100


def shrunk(*, rms: float, fan_in: int) -> bool:
    """Whether a weight of this RMS is `SHRUNK` times or more below PyTorch's default
    initialisation, uniform in +-1/sqrt(fan_in) (not 0: all zeros is another finding)."""
    return 0 < rms < 1 / math.sqrt(3 * fan_in) / SHRUNK


def mostly(found: list[str], *, weights: int) -> list[str]:
    """`found`, the shrunk ones of `weights` weights, where they are at least two and at least
    half of them (one small head among ordinary layers is no cause); else none."""
    return found if len(found) >= 2 and 2 * len(found) >= weights else []
