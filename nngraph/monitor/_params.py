"""Checks of a detector's parameters (``GL(alpha)``, ``Patience(patience)``, ...): each returns
the value as the detector keeps it, or raises an :class:`~nngraph.errors.NNGraphError` that says
what was expected.

    >>> _whole("patience", 3), _positive("factor", 2)
    (3, 2.0)

A value that is no number at all (the text ``"5"``, a list) is said to be one, before its range:

    >>> _nonnegative("GL alpha", "5")
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: GL alpha must be a number, got the text '5': write 5, without quotes
"""

from __future__ import annotations

import decimal
import math
import numbers
from typing import cast

import numpy as np

from nngraph.errors import NNGraphError
from nngraph.i18n import message, number
from nngraph.monitor._common import has_no_data, is_tensor, short_repr
from nngraph.monitor._names import is_metric_name, resolve_mode

__all__ = ["got_text", "patience_example", "plain_integer", "plain_real"]


def _real(value: object) -> bool:
    """An int, float or numpy number, not a bool (``GL(True)`` is a slip, not an alpha)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _integral(value: object) -> bool:
    """An int or numpy integer, not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def plain_integer(value: object) -> object:
    """A one-element tensor or numpy array of whole numbers (``torch.tensor(5)``, a count
    worked out with torch) as the int it holds, as ``np.int64(5)`` is taken; anything else
    (a float or bool tensor, several elements) as it is.

    >>> import torch
    >>> plain_integer(torch.tensor(5)), plain_integer(np.array([3])), plain_integer(2.5)
    (5, 3, 2.5)
    """
    if is_tensor(value):
        dtype = value.dtype  # type: ignore[attr-defined]
        whole = not (dtype.is_floating_point or dtype.is_complex or str(dtype) == "torch.bool")
        if whole and not has_no_data(value) and value.numel() == 1:  # type: ignore[attr-defined]
            return int(value.item())  # type: ignore[attr-defined]
    elif isinstance(value, np.ndarray) and value.dtype.kind in "iu" and value.size == 1:
        return int(value.item())
    return value


def plain_real(value: object) -> object:
    """A one-element tensor or numpy array of numbers, or a ``Decimal``, as the number it
    holds (``GL(torch.tensor(5.0))``, ``min_delta=Decimal("0.01")``), as ``np.float64`` is
    taken; anything else (a bool or complex tensor, several elements, a text) as it is.

    >>> import torch
    >>> plain_real(torch.tensor(2.5)), plain_real(np.array([3])), plain_real(decimal.Decimal("0.1"))
    (2.5, 3, 0.1)
    """
    value = plain_integer(value)
    if is_tensor(value):
        dtype = value.dtype  # type: ignore[attr-defined]
        if dtype.is_floating_point and not has_no_data(value) and value.numel() == 1:  # type: ignore[attr-defined]
            return float(value.item())  # type: ignore[attr-defined]
    elif isinstance(value, np.ndarray) and value.dtype.kind == "f" and value.size == 1:
        return float(value.item())
    elif isinstance(value, decimal.Decimal):
        return float(value)
    return value


def got_text(value: object) -> str:
    """`value` as a parameter's error quotes what it got: a number as the current language
    writes it (Polish ``0,5``), anything else as its short ``repr`` (``'abc'``, ``None``).

    >>> got_text(0.5), got_text("abc"), got_text(True)
    ('0.5', "'abc'", 'True')
    """
    return number(value) if _real(value) else short_repr(value)


def _number(what: str, value: object, *, whole: bool = False) -> None:
    """Refuse what is no number at all (a text, a list, a bool, a tensor): its range would
    not be the problem. A text that holds a number (``"5"``, read from a form or a config)
    says to write it without quotes. ``whole``: a whole number is asked for, which its own
    text says of anything else."""
    if _real(value):
        return
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            pass
        else:
            shown = value.strip()
            raise NNGraphError(
                message("monitor.error.number_text", what=what, value=value, number=shown)
            )
    if whole:
        return
    got = f"{short_repr(value)} ({type(value).__name__})"
    raise NNGraphError(message("monitor.error.not_number", what=what, got=got))


def _infinite(what: str, value: object) -> None:
    """Refuse ``inf``: it is positive and more than zero, but no finite number (``-inf`` and
    NaN are said by the range each check asks for)."""
    if _real(value) and value == math.inf:
        raise NNGraphError(message("monitor.error.number", what=what, value=got_text(value)))


def _positive(what: str, value: float) -> float:
    value = cast(float, plain_real(value))
    _number(what, value)
    _infinite(what, value)
    if not (_real(value) and value > 0 and math.isfinite(value)):
        raise NNGraphError(message("monitor.error.positive", what=what, value=got_text(value)))
    return float(value)


def _nonnegative(what: str, value: float) -> float:
    value = cast(float, plain_real(value))
    _number(what, value)
    _infinite(what, value)
    if not (_real(value) and value >= 0 and math.isfinite(value)):
        raise NNGraphError(message("monitor.error.nonnegative", what=what, value=got_text(value)))
    return float(value)


def _relative_delta(typed: object, fraction: float) -> None:
    """Refuse a relative ``min_delta`` (``typed``, as a number: ``fraction``) of 1 or more: a
    loss would have to fall by 100% of its best or more. The prose says it as a percentage,
    the code as it was typed (``min_delta=2.5``), with the fraction meant (2.5% is 0.025).

        >>> _relative_delta(2.5, 2.5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: ... at least 250% of the best value: ... write min_delta=0.025
    """
    if fraction >= 1:
        raise NNGraphError(
            message(
                "monitor.error.relative_min_delta",
                value=typed if isinstance(typed, int | float) else fraction,  # not np.float32(3)
                fraction=f"{fraction / 100:g}",
            )
        )


def _as_count(value: object) -> object:
    """`plain_integer`, and a float that holds a whole number (`PQ(0.5, 5.0)`, a value read
    from a config) as that int: 5.0 is a whole number to a student, 5.5 stays refused.

    >>> _as_count(5.0), _as_count(np.float32(3)), _as_count(5.5)
    (5, 3, 5.5)
    """
    if isinstance(value, float | np.floating) and math.isfinite(value) and value.is_integer():
        return int(value)
    return plain_integer(value)


def _whole(what: str, value: int) -> int:
    value = cast(int, _as_count(value))
    _number(what, value, whole=True)
    if not (_integral(value) and value >= 0):
        raise NNGraphError(message("monitor.error.whole", what=what, value=got_text(value)))
    return int(value)


def _finite(what: str, value: float) -> float:
    value = cast(float, plain_real(value))
    _number(what, value)
    if not (_real(value) and math.isfinite(value)):
        raise NNGraphError(message("monitor.error.number", what=what, value=got_text(value)))
    return float(value)


def _count(what: str, value: int) -> int:
    value = cast(int, _as_count(value))
    _number(what, value, whole=True)
    if not (_integral(value) and value >= 1):
        raise NNGraphError(message("monitor.error.positive_int", what=what, value=got_text(value)))
    return int(value)


def _no_more_positional(call: str, names: str, more: tuple[object, ...], example: str) -> None:
    """Refuse values given by position after the ones a detector takes by position (``names``):
    ``Patience(3, 0.0, "val_acc")`` must not pass silently as some other option."""
    if more:
        got = ", ".join(repr(v) for v in more)
        raise NNGraphError(
            message("monitor.error.positional", call=call, names=names, got=got, example=example)
        )


def _lower_is_better(
    detector: str, metric: str, key: str = "monitor.error.prechelt_max", **fields: str
) -> None:
    """Refuse a higher-is-better metric (one ``mode="auto"`` maximises, such as ``val_acc``)
    for a detector defined on a loss or an error; ``key`` is the catalog text that says why and
    what to use instead (fields ``detector``, ``metric`` and ``fields``)."""
    if resolve_mode("auto", metric) == "max":
        raise NNGraphError(message(key, detector=detector, metric=metric, **fields))


def _metric_name(what: str, value: object) -> str:
    """A metric's name (a string, not empty, blank or a bare prefix such as ``val_``, as
    ``Monitor(metric=...)`` takes it), else an NNGraphError that says so.

    >>> _metric_name("metric", " ")
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: metric must be a metric's name such as 'val_loss', got ' '
    """
    if not is_metric_name(value):
        raise NNGraphError(message("monitor.error.detector_metric", what=what, value=value))
    return cast(str, value)


def patience_example(patience: object, min_delta: object, more: tuple[object, ...]) -> str:
    """The call the student probably meant, for values given by position after ``min_delta``:
    a mode (``"min"``, ``"max"``, ``"auto"``, Keras's third argument) as ``mode=``, another
    text as ``metric=``; a ``min_delta`` other than 0 is kept.

    >>> patience_example(3, 0.0, ("val_acc",)), patience_example(3, 0.1, (True,))
    ("Patience(3, metric='val_acc')", 'Patience(3, 0.1, relative=True)')
    >>> patience_example(10, 0.01, ("min",))
    "Patience(10, 0.01, mode='min')"
    """
    first = more[0]
    given = [repr(patience)] if min_delta == 0 else [repr(patience), repr(min_delta)]
    start = f"Patience({', '.join(given)}, "
    if isinstance(first, str) and first.strip().lower() in ("min", "max", "auto"):
        return f"{start}mode={first.strip().lower()!r})"
    if isinstance(first, str):
        return f"{start}metric={first!r})"
    if isinstance(first, bool):
        return f"Patience({patience!r}, {min_delta!r}, relative={first!r})"
    return f"{start}mode='max', metric='val_acc')"


def larger_patience(patience: int, options: list[str], mode: str, metric: str) -> dict[str, str]:
    """The calls Patience's words suggest for a larger ``patience`` (the one given, with its
    other ``options`` as written, and the classroom set with it), as ``larger`` and
    ``classroom``.

    >>> larger_patience(100, ["min_delta=0.01"], "max", "val_acc")["larger"]
    "ng.detectors.Patience(100, min_delta=0.01, metric='val_acc')"
    >>> larger_patience(100, [], "min", "val_loss")["classroom"]
    'ng.detectors.classroom(patience=100)'
    """
    larger = [str(patience), *options]
    default = [f"patience={patience}"]
    if mode != "min":
        default.insert(0, f"mode={mode!r}")
    if metric != "val_loss":
        larger.append(f"metric={metric!r}")
        default.insert(0, f"metric={metric!r}")
    return {
        "larger": f"ng.detectors.Patience({', '.join(larger)})",
        "classroom": f"ng.detectors.classroom({', '.join(default)})",
    }
