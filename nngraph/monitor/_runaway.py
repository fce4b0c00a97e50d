"""A loss that runs away below 0: it falls by orders of magnitude, without end, because it has
no lower bound for what the model outputs (``nn.NLLLoss`` given raw scores instead of
``log_softmax`` outputs, a hand-written loss missing a log or a square, a sign error that
maximises what should be minimised). :class:`~nngraph.monitor.detectors.Divergence` says it,
and :class:`~nngraph.monitor.Runs` ranks no run by such a value.

A loss below 0 is no alarm by itself: a Gaussian negative log-likelihood with a learned
variance, the ELBO of continuous data, a GAN's losses, ``-accuracy``, or a contrastive loss
with its constant ``log N`` dropped all go below 0, and stay within a few units of it
(``nn.GaussianNLLLoss`` keeps the variance at 1e-6 or more, so it stays above -6.9 per value;
a contrastive loss ends near ``-log N``, -11 for 65,536 candidates). None falls to -1e8. So a loss has run away when it
lies more than ``factor`` times the size of its first value below 0, as ``Divergence`` measures
a blow-up upwards, and the size it is measured against is at least :data:`UNIT`: a loss that
starts near 0 (the contrastive loss above: 0.003 at first, -5.5 when trained) has not run away
at -5.5.

    >>> runaway_line(0.03, 100), runaway_line(-2.0, 100)
    (-100.0, -200.0)
    >>> ran_away([0.03, -2.2, -5e6, -6e8], 100)
    (0.03, -600000000.0)
    >>> ran_away([0.003, -1.2, -4.9, -5.5], 100) is None  # a contrastive loss, trained
    True
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["UNIT", "ran_away", "runaway_line"]

#: The smallest size a loss's first value counts with: most losses start within a few units
#: of 0 (a cross-entropy at ln k, a standardised MSE near 1), and the ones that go below 0
#: legitimately stay within a few units of it, so ``factor`` units below 0 (-100 for the
#: default factor) is past any of them, whatever the first value.
UNIT = 1.0


def runaway_line(first: float, factor: float) -> float:
    """The value below which a loss whose first finite nonzero value was ``first`` has run
    away: ``factor`` times the size of ``first`` (at least :data:`UNIT`) below 0.

        >>> runaway_line(5.0, 10)
        -50.0
    """
    return -factor * max(abs(first), UNIT)


def ran_away(values: Iterable[float], factor: float) -> tuple[float, float] | None:
    """``(first, lowest)`` when the lowest finite one of ``values`` (a loss, oldest first)
    lies below the :func:`runaway_line` of the first finite nonzero one, else None.

        >>> ran_away([1.0, 0.5, -50.0], 100) is None, ran_away([1.0, 0.5, -150.0], 100)
        (True, (1.0, -150.0))
    """
    finite = [float(v) for v in values if math.isfinite(v)]
    first = next((v for v in finite if v != 0), None)
    if first is None:
        return None
    lowest = min(finite)
    return (first, lowest) if lowest < runaway_line(first, factor) else None
