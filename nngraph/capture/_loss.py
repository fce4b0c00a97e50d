"""The checks `trace()` makes of its `loss=`: a function of the model's output alone, and what
it returns a scalar tensor with autograd history, else an `NNGraphError` that says what to do.

    >>> import torch
    >>> check_loss_function(torch.nn.CrossEntropyLoss())  # the target is missing
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: loss must be a function of the model's output ...
    >>> check_loss_function(lambda y: y.pow(2).mean())
"""

from __future__ import annotations

import inspect
from typing import Any

import torch

from nngraph.errors import NNGraphError
from nngraph.i18n import message

__all__ = ["check_loss_function", "check_loss_value"]


def check_loss_function(loss: Any) -> None:
    """Raise unless `loss(output)` is a call `loss` accepts: `nn.CrossEntropyLoss()` and
    `F.cross_entropy` also need a target. Checked from the signature, without calling it, so
    a `TypeError` raised inside the user's loss stays theirs; a callable whose signature
    cannot be read passes."""
    if not callable(loss):
        raise NNGraphError(message("capture.loss_not_callable"))
    function = loss.forward if isinstance(loss, torch.nn.Module) else loss
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(None)
    except TypeError:
        raise NNGraphError(message("capture.loss_not_callable")) from None


def check_loss_value(value: Any) -> None:
    """Raise unless `value`, what `loss(output)` returned, is a real scalar tensor with
    autograd history, which `backward()` needs."""
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        got = type(value).__name__
        if isinstance(value, torch.Tensor):
            got += f" {tuple(value.shape)}"
        raise NNGraphError(message("capture.loss_not_scalar", got=got))
    if value.is_complex():
        raise NNGraphError(message("capture.loss_complex", dtype=str(value.dtype)))
    if value.grad_fn is None:
        raise NNGraphError(message("capture.loss_no_history"))
