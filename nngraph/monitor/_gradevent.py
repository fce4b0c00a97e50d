"""The events of a :class:`~nngraph.monitor.GradientWatch`: one finding made an
:class:`~nngraph.monitor._common.Event` in words (:func:`gradient_event`), and how the
top-level module is named in them (:func:`model_name`).

    >>> event = gradient_event("0", "grad.none", {}, step=3, epoch=3, unit="step")
    >>> event.detector, event.kind, event.values
    ('GradientWatch', 'gradient', {'layer': '0'})
"""

from __future__ import annotations

from typing import Any, Literal

from nngraph.i18n import message
from nngraph.monitor._common import Event

__all__ = ["gradient_event", "model_name"]

#: fields that are words put into the message, not values of the event
_WORDS = ("top", "causes", "cause", "remedy", "advice", "act", "effects", "above", "call")


def gradient_event(
    layer: str,
    message_id: str,
    fields: dict[str, Any],
    *,
    step: int,
    epoch: int,
    unit: Literal["epoch", "step"],
) -> Event:
    """The event of one finding: ``layer`` (``""``: the model), the message ``message_id``
    (under ``monitor.``) filled with ``fields``, at the watch's ``step`` and ``epoch`` (its
    monitor's, or the step again), ``unit`` ``"step"`` or ``"epoch"``."""
    shown = dict(fields)
    if message_id == "grad.nonfinite":  # in words: "infinite", not "inf"
        shown["value"] = message("monitor.grad.value." + fields["value"])
    return Event(
        unit=unit,
        step=step,
        epoch=epoch,
        detector="GradientWatch",
        kind="gradient",
        message_id=message_id,
        message=message("monitor." + message_id, layer=layer or model_name(), **shown),
        stop=False,
        values={"layer": layer, **{k: v for k, v in fields.items() if k not in _WORDS}},
    )


def model_name(*, short: bool = False) -> str:
    """How the top-level module (named ``""``) is shown: ``(model)``, or ``model`` among
    names in brackets already (``short``: the repr's ``1 layer (model)``)."""
    return message("monitor.gradwatch.model_short" if short else "monitor.gradwatch.model")
