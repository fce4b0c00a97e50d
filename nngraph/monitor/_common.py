"""What every part of the monitor shares: the :class:`Event` record, number conversion, counts
in words (metric names: :mod:`nngraph.monitor._names`).

Nothing here imports torch: a tensor is recognised only if torch is already imported (a tensor
cannot exist otherwise).
"""

from __future__ import annotations

import decimal
import math
import numbers
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from nngraph.errors import NNGraphError
from nngraph.i18n import message, number, plural_message
from nngraph.i18n._catalog import shortened

__all__ = [
    "MAX_EVENTS",
    "Event",
    "as_float",
    "check_real_tensor",
    "counted_evaluations",
    "epochs",
    "has_no_data",
    "is_choice",
    "is_tensor",
    "json_number",
    "short_repr",
    "step_from",
    "to_floats",
]

#: Events a monitor, and each detector, keeps at most (the first ones): a detector that fires
#: again and again on a long noisy run must not eat memory.
MAX_EVENTS = 10_000


def is_choice(value: object, choices: tuple[object, ...]) -> bool:
    """Whether ``value`` is one of ``choices`` (strings, bools, None). An array or a tensor,
    whose ``==`` answers element by element, or anything unhashable never is: a membership
    test on it would raise numpy's or torch's own error instead of the option's.

    >>> import numpy as np
    >>> is_choice("text", ("auto", "text", False)), is_choice(np.array([1.0, 2.0]), ("auto",))
    (True, False)
    """
    return isinstance(value, str | numbers.Number | None) and value in choices


def short_repr(value: object, limit: int = 60) -> str:
    """``repr(value)`` on one line of at most ``limit`` characters, as `shortened` shows it
    (an error message quotes it).

    >>> short_repr("x" * 100, limit=10)
    "'xxxxxx..."
    """
    return shortened(value, repr(value), limit)


def is_tensor(value: object) -> bool:
    """True if ``value`` is a ``torch.Tensor`` (without importing torch)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def as_float(value: object, name: str = "value") -> float:
    """Turn a logged metric (float, int, numpy scalar, ``Fraction`` or ``Decimal``, one-element
    tensor or numpy array) into a float.

    >>> import numpy as np
    >>> from decimal import Decimal
    >>> as_float(3), as_float(0.5), as_float(np.array([0.25])), as_float(Decimal("0.5"))
    (3.0, 0.5, 0.25, 0.5)
    """
    if type(value) is float:
        return value
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an int too large for a float (10**400): as good as infinite
            return math.inf if value > 0 else -math.inf  # type: ignore[operator]
    if isinstance(value, decimal.Decimal):  # a number, though not a numbers.Real
        return math.nan if value.is_nan() else float(value)  # float() refuses a signalling NaN
    if is_tensor(value):
        check_real_tensor(value, name)
        return float(value.item())  # type: ignore[attr-defined]
    kind = getattr(getattr(value, "dtype", None), "kind", None)
    # a bool (True, numpy's, a bool tensor) is a flag passed by mistake, not a measurement
    if kind in ("i", "u", "f", "O") and getattr(value, "size", None) == 1:  # numpy: 0-d, [x]
        item = value.item()  # type: ignore[attr-defined]
        return float(item) if kind != "O" else as_float(item, name)
    raise NNGraphError(message("monitor.error.metric_type", name=name, value=value))


def has_no_data(tensor: Any) -> bool:
    """True for a tensor that has a shape but no values: on the meta device, or a lazy layer's
    parameter before its first forward pass (``nn.LazyLinear``)."""
    if getattr(tensor, "is_meta", False):
        return True
    torch = sys.modules.get("torch")  # imported: a tensor exists
    return torch is not None and isinstance(tensor, torch.nn.parameter.UninitializedTensorMixin)


def check_real_tensor(value: Any, name: str) -> None:
    """A one-element real tensor passes; anything else is an NNGraphError that says why."""
    if has_no_data(value):  # checked first: it would fail in .item(), after the others
        raise NNGraphError(message("monitor.error.no_data_metric", name=name))
    numel = value.numel()
    if numel != 1:
        raise NNGraphError(message("monitor.error.tensor_size", name=name, numel=numel))
    if value.is_complex():
        raise NNGraphError(message("monitor.error.complex", name=name, value=value.item()))
    if value.dtype is sys.modules["torch"].bool:  # a flag passed by mistake, as `True` is
        raise NNGraphError(message("monitor.error.metric_type", name=name, value=value))


def as_step(step: object) -> float:
    """A finite step number, else :class:`NNGraphError`."""
    try:
        value = as_float(step, "step")
    except NNGraphError:
        raise NNGraphError(message("monitor.error.step", step=step)) from None
    if not math.isfinite(value):
        raise NNGraphError(message("monitor.error.step", step=step))
    return value


def step_from(step: Any, metrics: dict[str, Any]) -> Any:
    """The step given positionally, or as ``step=`` or ``epoch=`` (taken out of ``metrics``).

    >>> metrics = {"epoch": 3, "loss": 0.5}
    >>> step_from(None, metrics), metrics
    (3, {'loss': 0.5})
    """
    named = [key for key in ("step", "epoch") if key in metrics]
    if not named:
        return step
    if len(named) > 1 or step is not None:
        given = [] if step is None else [repr(step)]
        given += [f"{key}={metrics[key]!r}" for key in named]
        raise NNGraphError(message("monitor.error.step_twice", given=", ".join(given)))
    return metrics.pop(named[0])


def epochs(n: int) -> str:
    """``1 epoch`` / ``6 epochs``, as said after "for" (Polish needs three forms: 1, 2-4, 5+).

    >>> epochs(1), epochs(3), epochs(12)
    ('1 epoch', '3 epochs', '12 epochs')
    """
    return plural_message("monitor.unit.epoch", n)


def counted_evaluations(n: int) -> str:
    """``2 evaluations``, said as :func:`epochs` is: a span within one epoch number.

    >>> counted_evaluations(1), counted_evaluations(2)
    ('1 evaluation', '2 evaluations')
    """
    return plural_message("monitor.unit.evaluation", n)


def fmt_step(step: float) -> str:
    """A step as a user wrote it: ``14`` rather than ``14.0``."""
    return str(int(step)) if float(step).is_integer() else number(step, "g")


@dataclass(frozen=True)
class Event:
    """Something a detector noticed, with an explanation for a student.

    ``step`` is the step as logged, ``epoch`` the monitor's epoch (a detector used alone: its
    count of evaluations, 1 = the first time its metric was logged), ``stop`` whether the
    detector asks to stop training. ``kind`` says what was seen: ``"overfitting"`` (GL, PQ,
    UP: validation got worse), ``"plateau"`` (Patience: no improvement for a while, whether the
    model overfits or never learned), ``"divergence"`` (NaN/Inf), ``"gap"`` (training far
    better than validation), ``"stop"`` (the Stop button or ``request_stop()``). ``unit`` says
    what ``epoch`` counts: ``"epoch"``, or ``"step"`` where no epochs are known (a
    ``GradientWatch`` without a monitor stamps its events with its optimizer step, and
    ``str()`` says "step N").

        >>> import nngraph as ng
        >>> e = ng.detectors.Event(step=3, epoch=3, detector="Patience(2)", kind="plateau",
        ...     message_id="patience.fire", message="validation loss has not improved")
        >>> str(e)
        'epoch 3: validation loss has not improved'
    """

    step: float
    epoch: int
    detector: str
    kind: str
    message_id: str
    message: str
    stop: bool = True
    values: dict[str, Any] = field(default_factory=dict)
    unit: Literal["epoch", "step"] = "epoch"

    def __str__(self) -> str:
        if self.unit == "step":
            return message("monitor.event.step", step=self.epoch, message=self.message)
        return message("monitor.event", epoch=self.epoch, message=self.message)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict (non-finite numbers become strings).

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False, detectors=[ng.detectors.Patience(1)])
        >>> mon.log(1, val_loss=0.5); mon.log(2, val_loss=0.6)
        >>> event = mon.events[0].to_dict()
        >>> event["kind"], event["values"]["best"], event["epoch"]
        ('plateau', 0.5, 2)
        """
        out = asdict(self)
        out["values"] = {k: json_number(v) for k, v in self.values.items()}
        return out


def json_number(v: Any) -> Any:
    """``v``, or ``str(v)`` for a NaN or an infinity (JSON has no such numbers), also inside a
    list (a GradientWatch event's norms).

    >>> json_number([1.0, float("nan")]), json_number(float("-inf"))
    ([1.0, 'nan'], '-inf')
    """
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, list | tuple):
        return [json_number(item) for item in v]
    return v


def to_floats(metrics: dict[str, Any]) -> dict[str, float]:
    """Metrics as floats; several tensors on one device cross to the host in one transfer. A
    ``-0.0`` (cross-entropy over one class gives it) is kept as ``0.0``, never shown as "-0".

        >>> to_floats({"loss": -0.0})
        {'loss': 0.0}
    """
    out: dict[str, float] = {}
    tensors: dict[str, Any] = {}
    for name, value in metrics.items():
        if type(value) is float:
            out[name] = value + 0.0  # -0.0 + 0.0 is 0.0
        elif is_tensor(value) and not has_no_data(value) and value.numel() == 1:
            check_real_tensor(value, name)
            sparse = str(value.layout) != "torch.strided"  # `to_sparse()`: no reshape to stack
            tensors[name] = value.to_dense() if sparse else value
            out[name] = math.nan  # placeholder keeps the logged order
        elif value is None:  # `val_loss=v if validated else None`: say how to leave it out
            raise NNGraphError(message("monitor.error.metric_none", name=name))
        else:
            out[name] = as_float(value, name) + 0.0
    if len(tensors) == 1:
        ((name, t),) = tensors.items()
        out[name] = float(t.item()) + 0.0
    elif tensors:
        import torch

        by_device: dict[Any, list[str]] = {}
        for name, t in tensors.items():
            by_device.setdefault(t.device, []).append(name)
        for device, names in by_device.items():
            dtype = torch.float32 if device.type == "mps" else torch.float64
            stacked = torch.stack([tensors[n].detach().reshape(()).to(dtype) for n in names])
            for n, v in zip(names, stacked.tolist(), strict=True):
                out[n] = v + 0.0
    return out
