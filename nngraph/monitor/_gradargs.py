"""The arguments of a :class:`~nngraph.monitor.GradientWatch`, checked when it is made: each
mistake is one clear error that says what to write instead.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
    >>> checked_model(net, (), opt, None) is net
    True
    >>> checked_limits(1e-8, 5e-4, 1e3, 3)
    (1e-08, 0.0005, 1000.0, 3)
"""

from __future__ import annotations

from typing import Any

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._gradsteps import check_optimizer_trains
from nngraph.monitor._monitor import Monitor
from nngraph.monitor._params import _nonnegative, _positive, _whole
from nngraph.monitor._weights import check_module

__all__ = ["checked_limits", "checked_model"]


def checked_model(model: Any, wrong: tuple[Any, ...], optimizer: Any, monitor: Any) -> Any:
    """The module to watch; refused: an optimizer given by position (``wrong``) or first, a
    ``monitor`` that is no :class:`~nngraph.monitor.Monitor`, an optimizer class or an object
    without step hooks, an optimizer holding none of the model's parameters."""
    if wrong:  # GradientWatch(net, opt): the optimizer is a keyword argument
        raise NNGraphError(message("monitor.gradwatch.positional", got=_type_name(wrong[0])))
    if hasattr(model, "param_groups"):  # GradientWatch(opt): the model goes first
        raise NNGraphError(message("monitor.gradwatch.optimizer_first", got=_type_name(model)))
    checked = check_module(model, "GradientWatch")
    if monitor is not None and not isinstance(monitor, Monitor):
        raise NNGraphError(message("monitor.gradwatch.monitor", got=_type_name(monitor)))
    if isinstance(optimizer, type):  # optimizer=torch.optim.SGD: the class, not one made
        raise NNGraphError(message("monitor.gradwatch.optimizer_class", name=optimizer.__name__))
    add_hooks = [getattr(optimizer, f"register_step_{at}_hook", None) for at in ("pre", "post")]
    if optimizer is not None and not all(callable(add) for add in add_hooks):
        raise NNGraphError(message("monitor.gradwatch.optimizer", got=_type_name(optimizer)))
    if optimizer is not None:  # an old model's optimizer (the model cell run again)
        check_optimizer_trains(optimizer, checked)
    return checked


#: a first layer 10 times below the last is no vanishing gradient; ratio=5e-4 is 2,000 times
_LARGEST_RATIO = 0.1


def checked_limits(
    vanishing: float, ratio: float, exploding: float, patience: int
) -> tuple[float, float, float, int]:
    """``(vanishing, ratio, exploding, patience)`` checked: ``vanishing`` below ``exploding``
    (else every layer would be too small or too large)."""
    low = _nonnegative(message("monitor.param.watch_vanishing"), vanishing)
    ratio = _nonnegative(message("monitor.param.watch_ratio"), ratio)
    if ratio >= _LARGEST_RATIO:  # ratio=2000 for "2,000 times": every layer would vanish
        raise NNGraphError(message("monitor.gradwatch.ratio", ratio=ratio, limit=_LARGEST_RATIO))
    high = _positive(message("monitor.param.watch_exploding"), exploding)
    if low >= high:  # (the values as given: 5, not 5.0)
        raise NNGraphError(
            message("monitor.gradwatch.limits", vanishing=vanishing, exploding=exploding)
        )
    return low, ratio, high, _whole(message("monitor.param.watch_patience"), patience)


def _type_name(value: object) -> str:
    return repr(value) if isinstance(value, str) else type(value).__name__
