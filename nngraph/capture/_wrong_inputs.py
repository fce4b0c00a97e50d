"""What `trace()` is often given by mistake, told in plain words beside PyTorch's error from
deep inside the model. A container of modules without a `forward` and a `DataLoader` as the
model's first input are refused before anything runs: neither can ever be run. After the
model's forward failed, nngraph never replaces its error (it may be the forward's own, on
inputs it takes: a pair, a generator it reads): where the error names an input that is an
iterator, a `Dataset` or a whole `(x, y)` batch, or is about the meta device where the weights
are and an input is not, a note under it says what to give instead (Python 3.11's
`add_note`, shown by Python and IPython after the error's message).

    >>> import torch
    >>> check_has_forward(torch.nn.ModuleList([torch.nn.Linear(2, 1)]))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: the model, nn.ModuleList, holds modules or parameters but ...
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import torch

from nngraph.capture._common import named_tensors_within
from nngraph.capture._given import named_items
from nngraph.errors import NNGraphError
from nngraph.i18n import message

__all__ = [
    "check_failed_forward",
    "check_has_forward",
    "named_arguments",
    "names_type",
    "refuse_data_loaders",
]

#: the type of the stand-in a model gets for a built-in iterator (see `_given.named_items`)
_STAND_IN = type(named_items(iter(()), "", lambda item, name: None)).__name__


def names_type(error: BaseException, type_names: set[str]) -> bool:
    """Whether `error`'s text names a value of one of `type_names` as the wrong thing: `not
    list`, `'list' object`, `(list, ...)`.

    >>> names_type(TypeError("must be Tensor, not generator"), {"generator"})
    True
    >>> names_type(TypeError("unsupported operand"), {"list"})
    False
    """
    names = "|".join(re.escape(name) for name in type_names)
    return re.search(rf"(not |'|\()([\w.]*\.)?({names})\b", _text_of(error)) is not None


def _text_of(error: BaseException) -> str:
    """`str(error)`, or "" where the error's own `__str__` fails (it must not replace it)."""
    try:
        return str(error)
    except Exception:
        return ""


def check_has_forward(model: torch.nn.Module) -> None:
    """Raise for a module without a `forward` of its own (`nn.ModuleList`, `nn.ModuleDict`),
    which PyTorch cannot call: it holds the layers that another module's forward runs. One
    that runs by a `__call__` of its own, or a `forward` set on it, is called as it is."""
    kind = type(model)
    if "forward" in vars(model) or kind.forward is not torch.nn.Module.forward:
        return
    caller = next(c for c in kind.__mro__ if "__call__" in vars(c))
    if not caller.__module__.startswith("torch.nn"):  # ParameterList's own raises
        return
    name = kind.__name__
    if kind.__module__.startswith("torch.nn."):
        name = f"nn.{name}"
    raise NNGraphError(message("capture.model_without_forward", got=name))


def refuse_data_loaders(inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise for a `DataLoader` given as the model's first input, where its data goes: it is
    every batch of the data set, one after another, and a model takes one batch. (Given
    besides, `model(x, calib=loader)`, it may be the model's to read.)

    >>> loader = torch.utils.data.DataLoader(torch.zeros(4, 2), batch_size=2)
    >>> refuse_data_loaders((loader,), {})
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: inputs[0] is a DataLoader, which holds the whole data set, ...
    >>> refuse_data_loaders((torch.zeros(2, 2), loader), {})  # the model's own to read
    """
    arguments = named_arguments(inputs, kwargs)
    where, value = arguments[0] if arguments else ("", None)
    if isinstance(value, torch.utils.data.DataLoader):
        raise NNGraphError(
            message("capture.input_is_loader", where=where, type_name=type(value).__name__)
        )


def check_failed_forward(
    model: torch.nn.Module, inputs: tuple[Any, ...], kwargs: dict[str, Any], error: Exception
) -> None:
    """After `model(*inputs, **kwargs)` raised `error`: a note under it saying what to give
    instead, where the error names an input that is never a tensor (an iterator, a `Dataset`,
    a whole `(x, y)` batch given as one input), or is about the meta device where the model's
    weights are and an input is not. The error itself stays as it is: it may be the forward's
    own, on an input it takes."""
    hint = None
    if isinstance(error, TypeError | AttributeError):
        hint = _not_tensors(inputs, kwargs, error) or _whole_batch(model, inputs, kwargs, error)
    hint = hint or _meta_weights(model, inputs, kwargs, error)
    add_note = getattr(error, "add_note", None)  # Python 3.11 on
    if hint is not None and add_note is not None and hint not in getattr(error, "__notes__", ()):
        add_note(hint)  # once, also for an error met by a trace() within a trace()


def named_arguments(inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
    """Each argument with the name its messages give it: `inputs[0]`, or its keyword.

    >>> named_arguments((1, 2), {"mask": 3})
    [('inputs[0]', 1), ('inputs[1]', 2), ('mask', 3)]
    """
    return [(f"inputs[{i}]", v) for i, v in enumerate(inputs)] + list(kwargs.items())


def _not_tensors(
    inputs: tuple[Any, ...], kwargs: dict[str, Any], error: TypeError | AttributeError
) -> str | None:
    """An iterator (a generator of batches, `iter(loader)`) or a `Dataset` where the model
    needed a tensor, as its error says by naming the type."""
    for where, value in named_arguments(inputs, kwargs):
        type_name = type(value).__name__
        if isinstance(value, torch.Tensor):
            continue
        if isinstance(value, Iterator) and names_type(error, {type_name, _STAND_IN}):
            return message("capture.input_is_iterator", where=where, type_name=type_name)
        if isinstance(value, torch.utils.data.Dataset) and names_type(error, {type_name}):
            return message("capture.input_is_dataset", where=where, type_name=type_name)
    return None


def _whole_batch(
    model: torch.nn.Module,
    inputs: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: TypeError | AttributeError,
) -> str | None:
    """One input that is a list or tuple of two or three tensors of the same length (what a
    DataLoader gives: the inputs, the targets, maybe a mask), where the model needed a tensor,
    as its error says."""
    if kwargs or len(inputs) != 1 or not isinstance(inputs[0], list | tuple):
        return None
    batch = inputs[0]
    if len(batch) not in (2, 3) or not all(isinstance(t, torch.Tensor) and t.dim() for t in batch):
        return None
    if len({len(t) for t in batch}) != 1 or not names_type(error, {type(batch).__name__}):
        return None
    y = batch[1]
    return message(
        "capture.input_is_batch",
        type_name=type(batch).__name__,
        count=len(batch),
        shapes=", ".join(str(list(t.shape)) for t in batch),
        loss="F.mse_loss" if y.is_floating_point() else "F.cross_entropy",
        apart=message("capture.input_is_batch_apart") if _takes(model, len(batch)) else "",
    )


def _takes(model: torch.nn.Module, count: int) -> bool:
    """Whether the model's forward takes `count` inputs by position (`*batch` would fit)."""
    try:
        inspect.signature(model.forward).bind(*range(count))
    except (TypeError, ValueError):  # too many, or no signature to read
        return False
    return True


def _meta_weights(
    model: torch.nn.Module, inputs: tuple[Any, ...], kwargs: dict[str, Any], error: Exception
) -> str | None:
    """Weights on the meta device (shapes without values) and an input that is not, where the
    model's error is about the meta device."""
    if re.search(r"\bmeta\b", _text_of(error)) is None:
        return None
    if not any(t.is_meta for t in [*model.parameters(), *model.buffers()]):
        return None
    for where, value in named_arguments(inputs, kwargs):
        for path, t in named_tensors_within(value):
            if not t.is_meta:
                return message("capture.model_on_meta", where=where + path, device=str(t.device))
    return None
