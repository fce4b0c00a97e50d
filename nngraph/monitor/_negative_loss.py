"""A classification loss that falls below 0 and keeps falling: ``nn.NLLLoss`` (or
``F.nll_loss``) given raw scores, with no ``log_softmax`` before it. NLLLoss only takes the
right class's value, negated: on log-probabilities that is a cross-entropy, never below 0; on
raw scores training pushes that score up without end, and the loss falls below 0 without
bound (-0.8, -2.1, -4.1, -7.0, -11, ... -1286 after 40 epochs, and nothing else looks wrong).

What the monitor knows is the name and the values, so it says this once, as a warning, only
where both fit:

- the name may be a cross-entropy (``loss``, ``val_loss``, ``nll``, ``ce``, ``xent``: see
  :func:`~nngraph.monitor._never_improved.may_be_entropy`), and says no loss that is allowed
  below 0 (``elbo``, ``gaussian``, ``kl``, ``reward``, ``critic``: :data:`ALLOWED_BELOW_ZERO`);
- the values fall without bound: the last :data:`WINDOW` epoch values all below
  ``-CLEARLY``, each lower than the one before, the later half of the fall no slower than the
  earlier half, its last steps no smaller than the steps of the first :data:`FIRST` epochs,
  and the last value at least twice as far below 0 as the first of them. A loss that may be
  negative (a Gaussian NLL, an ELBO, one of your own) levels off as it converges, so its fall
  slows, and it fell fastest at first. In 300 simulated runs that level off below 0 (levels
  -0.5 to -300, time constants 2 to 40 epochs, noise up to 5% of the fall) it spoke in 0 to 1;
  in 100 falls without bound (``-a * epoch ** p``, p from 1 to 2) in all.

A name that can only be a cross-entropy (``ce``, ``xent``, ``cross_entropy``, ``bce``) gets a
text that says a cross-entropy is never below 0; ``loss`` or ``nll`` (a Gaussian NLL is one
too) gets a hedged one: "if this is a classification loss".

    >>> said = NegativeLoss()
    >>> run = [0.3 - 0.4 * e * e for e in range(1, 12)]  # -0.1, -1.3, -3.3, ... -48
    >>> [said.check("loss", run[:n]) is not None for n in (6, 11)]
    [False, True]
    >>> said.check("loss", run) is None  # once
    True
    >>> NegativeLoss().check("loss", [-1.5 - 2 ** -e for e in range(12)])  # levels off
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from nngraph.i18n import message
from nngraph.monitor._common import epochs as epochs_text
from nngraph.monitor._names import nice_name
from nngraph.monitor._never_improved import may_be_entropy

if TYPE_CHECKING:
    from nngraph.monitor._history import Series

__all__ = ["ALLOWED_BELOW_ZERO", "CLEARLY", "WINDOW", "NegativeLoss", "falls_without_bound"]

#: How many of the latest epoch values must show the fall: a loss that levels off has shown
#: it by then.
WINDOW = 9
#: ... and each of them must fall by no less than its first this many epochs did on average:
#: a loss that converges (a Gaussian NLL, an ELBO) falls fastest at first.
FIRST = 4
#: A value below this is clearly below 0: not a rounding error of a cross-entropy near 0.
CLEARLY = 0.1
#: Words of a metric's name that say its loss may go below 0 (``elbo_loss``, ``gaussian_nll``,
#: ``kl_loss``, ``critic_loss``): a negative value says nothing wrong of those.
ALLOWED_BELOW_ZERO = frozenset(
    {
        "elbo", "gauss", "gaussian", "gnll", "kl", "kld", "reward", "critic", "wasserstein",
        "energy", "contrastive", "infonce", "likelihood", "loglik", "logp", "mll", "score",
    }
)  # fmt: skip
#: Words of a name that can only be a cross-entropy, which is never below 0.
_CROSS_ENTROPY = frozenset({"ce", "xent", "crossentropy", "cross", "bce", "entropy"})


def falls_without_bound(values: Sequence[float]) -> bool:
    """Whether the latest values (one per epoch, oldest first) fall below 0 without levelling
    off (see the module docstring).

        >>> falls_without_bound([-0.2 * e for e in range(1, 10)])  # a straight fall
        True
        >>> falls_without_bound([-2 + 0.9 ** e for e in range(3, 12)])  # it slows down
        False
    """
    window = list(values[-WINDOW:])
    if len(window) < WINDOW or not all(math.isfinite(v) and v < -CLEARLY for v in window):
        return False
    steps = [a - b for a, b in itertools.pairwise(window)]
    half = len(steps) // 2
    earlier, later = sum(steps[:half]), sum(steps[-half:])
    if not (min(steps) > 0 and later >= earlier and window[-1] <= 2 * window[0]):
        return False
    # a loss that converges falls fastest at first; one without bound falls ever faster
    first = [a - b for a, b in itertools.pairwise(values[: FIRST + 1])]
    return later / half >= sum(first) / len(first)


class NegativeLoss:
    """Says once per run which loss, logged under a cross-entropy's name, falls below 0
    without bound (see the module docstring)."""

    def __init__(self) -> None:
        self.said = False
        self._checked: dict[str, int] = {}  # metric -> the epoch it was last checked in

    def at_log(
        self, series: Mapping[str, Series], values: Mapping[str, float], epoch: int
    ) -> str | None:
        """The warning at a ``log()`` of ``values`` in ``epoch``, or None. Each metric logged
        below ``-CLEARLY`` is checked at its first call in an epoch, on the means of the
        epochs before (a loss logged per batch is judged by epochs, and at most once each).

            >>> from nngraph.monitor._history import Series
            >>> loss, said, texts = Series(), NegativeLoss(), {}
            >>> for epoch in range(1, 12):
            ...     loss.append(epoch, -0.5 * epoch, epoch=epoch)
            ...     texts[epoch] = said.at_log({"loss": loss}, {"loss": -0.5 * epoch}, epoch)
            >>> [epoch for epoch, text in texts.items() if text]  # from epochs 1-9, once
            [10]
            >>> texts[10][:60]
            'nngraph Monitor: training loss fell below 0 and keeps fallin'
        """
        if self.said:
            return None
        for name, value in values.items():
            if not value < -CLEARLY or self._checked.get(name) == epoch or name not in series:
                continue
            self._checked[name] = epoch
            if _may_be_class_loss(name):
                text = self.check(name, epoch_means(series[name], before=epoch))
                if text is not None:
                    return text
        return None

    def broken_best(self, metric: str, value: float) -> bool:
        """Whether a best ``value`` of ``metric`` is only the most negative value of a loss
        said to fall without bound (review s47, L9): no weights worth restoring.

            >>> said = NegativeLoss(); said.said = True
            >>> said.broken_best("val_loss", -29.4), said.broken_best("val_loss", 0.2)
            (True, False)
            >>> said.broken_best("val_elbo", -29.4), NegativeLoss().broken_best("val_loss", -29.4)
            (False, False)
        """
        return self.said and value < -CLEARLY and _may_be_class_loss(metric)

    def check(self, name: str, values: Sequence[float]) -> str | None:
        """The warning for the metric ``name`` whose epoch values (oldest first) are
        ``values``, the first time one falls without bound; None otherwise."""
        if self.said or not values or not values[-1] < -CLEARLY or not _may_be_class_loss(name):
            return None
        if not falls_without_bound(values):
            return None
        self.said = True
        sure = not _CROSS_ENTROPY.isdisjoint(_words(name))
        return message(
            "monitor.warn.negative_loss" + ("" if sure else "_maybe"),
            metric=nice_name(name),
            name=name,
            start=values[-WINDOW],
            now=values[-1],
            epochs=epochs_text(WINDOW - 1),
        )


def epoch_means(series: Series, *, before: int) -> list[float]:
    """The mean of the finite values ``series`` keeps in each epoch before ``before``, oldest
    first.

        >>> from nngraph.monitor._history import Series
        >>> s = Series()
        >>> for step, (epoch, value) in enumerate([(1, 1.0), (1, 3.0), (2, 5.0), (3, 7.0)]):
        ...     s.append(step, value, epoch=epoch)
        >>> epoch_means(s, before=3)
        [2.0, 5.0]
    """
    epochs, values = series.epochs, series.values
    kept = (epochs < before) & np.isfinite(values)
    if not kept.any():
        return []
    numbers, where = np.unique(epochs[kept], return_inverse=True)
    sums = np.bincount(where, weights=values[kept], minlength=len(numbers))
    counts = np.bincount(where, minlength=len(numbers))
    return (sums / counts).tolist()


def _may_be_class_loss(name: str) -> bool:
    """The name may be a classification loss: a cross-entropy's word, and none that says the
    loss may go below 0.

        >>> [_may_be_class_loss(n) for n in ("val_loss", "nll", "elbo_loss", "val_mse")]
        [True, True, False, False]
    """
    return may_be_entropy(name) and ALLOWED_BELOW_ZERO.isdisjoint(_words(name))


def _words(name: str) -> set[str]:
    """The words of a metric's name, lower case: ``val/gaussian_nll`` -> gaussian, nll, val."""
    return set(re.split(r"[^a-z0-9]+", name.lower()))
