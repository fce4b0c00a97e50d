"""How GL, PQ, UP and Gap say the training loss since the best epoch (a
:class:`~nngraph.monitor._trend.Trend`) in their explanations: :func:`trend_fields`, with
the two sides worded by :func:`trend_texts`."""

from __future__ import annotations

from typing import Any

from nngraph.i18n import message
from nngraph.monitor._detector import Detector
from nngraph.monitor._trend import Trend
from nngraph.monitor._wording import epochs_listed

__all__ = ["trend_fields", "trend_texts"]


def trend_texts(trend: Trend, span: str, *, one: bool) -> dict[str, str]:
    """The two sides of ``trend`` as the explanations say them: ``recent_at`` (``span`` is
    where the recent values come from: ``the last 3 epochs``; ``one``: it is one epoch or
    evaluation) and ``before_at``. A value from one epoch is not said as a mean, and a mean of
    values logged every few epochs not as one over every epoch between them.

        >>> trend_texts(Trend(0.5, 0.4, 3, 1, 3, 3), "the last epoch", one=True)
        {'recent_at': '0.4 in the last epoch', 'before_at': '0.5 in epoch 3'}
        >>> texts = trend_texts(Trend(0.6867, 0.68, 4, 3, 2, 4, 3), "the last 3 epochs", one=False)
        >>> texts["recent_at"], texts["before_at"]
        ('0.68 on average over the last 3 epochs', '0.6867 on average over epochs 2–4')
        >>> sampled = Trend(0.067, 0.051, 195, 3, 110, 120, 3, before_epochs=(110, 115, 120))
        >>> trend_texts(sampled, "", one=False)["before_at"]
        '0.067 on average over epochs 110, 115 and 120'
    """
    first, last, n = trend.before_from, trend.before_to, trend.before_count
    if first == last:
        earlier = message("monitor.unit.before_epoch", epoch=last)
    elif last - first + 1 > n:  # validated every few epochs: n values, not last - first + 1
        earlier = epochs_listed(trend.before_epochs)
    else:
        earlier = message("monitor.unit.before_epochs", first=first, last=last)
    single, mean = "monitor.trend.one", "monitor.trend.mean"
    return {
        "recent_at": message(single if one else mean, value=trend.recent, span=span),
        "before_at": message(single if n == 1 else mean, value=trend.before, span=earlier),
    }


def trend_fields(det: Detector, trend: Trend) -> dict[str, Any]:
    """The training loss from the best epoch on and lately, for an explanation. One value
    after epochs that validated without it being judged (validating every 3rd epoch) is said
    at its epoch, ``0.28 in epoch 9``: it is no mean over the last 3 epochs; a mean of three
    such values is one over ``epochs 200, 205 and 210``, not over the last 15 epochs.

        >>> from nngraph.monitor.detectors import GL
        >>> gl = GL(5)
        >>> for epoch, val in ((3, 0.6), (6, 0.5), (9, 0.55)):  # the best at epoch 6
        ...     _ = gl.feed(epoch, {"loss": 1 - epoch / 20, "val_loss": val}, epoch=epoch)
        >>> texts = trend_fields(gl, gl._trend.now())
        >>> texts["recent_at"], texts["before_at"]
        ('0.55 in epoch 9', '0.7 in epoch 6')
    """
    unit, n = det._span(trend.start, trend.count)
    if trend.count == 1 and unit == "epoch" and n > 1:
        span = message("monitor.unit.before_epoch", epoch=trend.recent_to)
    elif unit == "epoch" and n > trend.count:
        span = epochs_listed(trend.recent_epochs)
    else:
        span = det._last_epochs(trend.start, trend.count)
    one = trend.count == 1 or n == 1
    return {"before": trend.before, "recent": trend.recent, **trend_texts(trend, span, one=one)}
