"""What :meth:`Monitor.add_event` checks of an event made by the user's own code before it
keeps it: an event kept with a field of the wrong kind made every later ``snapshot()`` and
live view fail, long after the call that added it.

    >>> from nngraph.monitor import Event
    >>> import torch
    >>> event = Event(step=1, epoch=1, detector="me", kind="note", message_id="",
    ...     message="learning rate halved", stop=False, values={"lr": torch.tensor(0.5)})
    >>> checked_event(event).values
    {'lr': 0.5}
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import Event, has_no_data, is_tensor, short_repr

__all__ = ["checked_event"]

_TEXTS = ("detector", "kind", "message_id", "message")


def checked_event(event: Event) -> Event:
    """``event`` as the monitor keeps it: its ``values`` as plain numbers (a 0-dim tensor or a
    numpy scalar as a float), texts, None and lists of those, so the snapshot stays JSON; the
    same object where nothing needed changing. A field of the wrong kind is an
    :class:`NNGraphError` naming it."""
    if not (_is_number(event.step) and math.isfinite(event.step)):
        _refuse("step", "finite", event.step)
    if isinstance(event.epoch, bool) or not isinstance(event.epoch, numbers.Integral):
        _refuse("epoch", "whole", event.epoch)
    for name in _TEXTS:
        if not isinstance(getattr(event, name), str):
            _refuse(name, "text", getattr(event, name))
    if not isinstance(event.stop, bool | np.bool_):
        _refuse("stop", "flag", event.stop)
    if event.unit not in ("epoch", "step"):
        _refuse("unit", "unit", event.unit)
    if not isinstance(event.values, Mapping):
        _refuse("values", "values", event.values)
    values = {}
    for key, value in event.values.items():
        if not isinstance(key, str):
            _refuse("values", "values", key)
        values[key] = _plain(key, value)
    plain = type(event.epoch) is int and type(event.stop) is bool
    if plain and all(values[key] is value for key, value in event.values.items()):
        return event
    return replace(event, epoch=int(event.epoch), stop=bool(event.stop), values=values)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _plain(key: str, value: Any) -> Any:
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, list | tuple):  # a GradientWatch's layers, named in one event
        items = [_plain(key, item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, int):
        return value
    if _is_number(value):
        return float(value)
    if is_tensor(value) and not has_no_data(value) and value.numel() == 1:
        return float(value.detach().cpu().reshape(()).item().real)
    _refuse(f"values[{key!r}]", "value", value)


def _refuse(field: str, wanted: str, got: Any) -> Any:
    raise NNGraphError(
        message(
            "monitor.error.event_field",
            field=field,
            wanted=message(f"monitor.error.event_wants.{wanted}"),
            got=short_repr(got),
        )
    )
