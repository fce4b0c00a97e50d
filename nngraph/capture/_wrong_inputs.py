"""What `trace()` is often given by mistake, told in plain words instead of PyTorch's error from
deep inside the model: a container of modules without a `forward`, a `DataLoader` (refused
before anything runs: neither can ever be run), and, after the model's forward failed on them
with an error that names them, an iterator, a `Dataset`, a whole `(x, y)` batch, or an input
that is not on the meta device where the weights are. The forward's own errors, on inputs it may
well take (a list of lengths, a generator it reads), stay its own.

    >>> import torch
    >>> check_has_forward(torch.nn.ModuleList([torch.nn.Linear(2, 1)]))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: the model, nn.ModuleList, holds modules but has no forward() ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import torch

from nngraph.capture._common import named_tensors_within
from nngraph.capture._given import named_items
from nngraph.errors import NNGraphError
from nngraph.i18n import message

__all__ = ["check_failed_forward", "check_has_forward", "names_type", "refuse_data_loaders"]

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
    return re.search(rf"(not |'|\()([\w.]*\.)?({names})\b", str(error)) is not None


def check_has_forward(model: torch.nn.Module) -> None:
    """Raise for a module without a `forward` of its own (`nn.ModuleList`, `nn.ModuleDict`),
    which PyTorch cannot call: it holds the layers that another module's forward runs."""
    if "forward" in vars(model) or type(model).forward is not torch.nn.Module.forward:
        return
    name = type(model).__name__
    if type(model).__module__.startswith("torch.nn."):
        name = f"nn.{name}"
    raise NNGraphError(message("capture.model_without_forward", got=name))


def refuse_data_loaders(inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise for a `DataLoader` given as an input: it is every batch of the data set, one after
    another, and a model takes one batch.

    >>> loader = torch.utils.data.DataLoader(torch.zeros(4, 2), batch_size=2)
    >>> refuse_data_loaders((loader,), {})
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: inputs[0] is a DataLoader, which holds the whole data set, ...
    """
    for where, value in _arguments(inputs, kwargs):
        if isinstance(value, torch.utils.data.DataLoader):
            raise NNGraphError(
                message("capture.input_is_loader", where=where, type_name=type(value).__name__)
            )


def check_failed_forward(
    model: torch.nn.Module, inputs: tuple[Any, ...], kwargs: dict[str, Any], error: Exception
) -> None:
    """After `model(*inputs, **kwargs)` raised `error`: an `NNGraphError` saying what to give
    instead where the error is about an input that is never a tensor and names its type (an
    iterator, a `Dataset`, a whole `(x, y)` batch given as one input), or about the meta
    device where the model's weights are and an input is not; nothing otherwise."""
    if isinstance(error, TypeError | AttributeError):
        _check_not_tensors(inputs, kwargs, error)
        _check_whole_batch(inputs, kwargs, error)
    _check_meta_weights(model, inputs, kwargs, error)


def _arguments(inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, Any]]:
    """Each argument with the name its messages give it: `inputs[0]`, or its keyword."""
    return [(f"inputs[{i}]", v) for i, v in enumerate(inputs)] + list(kwargs.items())


def _check_not_tensors(
    inputs: tuple[Any, ...], kwargs: dict[str, Any], error: TypeError | AttributeError
) -> None:
    """An iterator (a generator of batches, `iter(loader)`) or a `Dataset` where the model
    needed a tensor, as its error says by naming the type."""
    for where, value in _arguments(inputs, kwargs):
        type_name = type(value).__name__
        if isinstance(value, torch.Tensor):
            continue
        if isinstance(value, Iterator) and names_type(error, {type_name, _STAND_IN}):
            key = "capture.input_is_iterator"
        elif isinstance(value, torch.utils.data.Dataset) and names_type(error, {type_name}):
            key = "capture.input_is_dataset"
        else:
            continue
        raise NNGraphError(message(key, where=where, type_name=type_name, error=error)) from None


def _check_whole_batch(
    inputs: tuple[Any, ...], kwargs: dict[str, Any], error: TypeError | AttributeError
) -> None:
    """One input that is a list or tuple of two tensors of the same length (what a DataLoader
    gives: the inputs and the targets), where the model needed a tensor, as its error says."""
    if kwargs or len(inputs) != 1 or not isinstance(inputs[0], list | tuple):
        return
    batch = inputs[0]
    if len(batch) != 2 or not all(isinstance(t, torch.Tensor) and t.dim() for t in batch):
        return
    x, y = batch
    if len(x) != len(y) or not names_type(error, {type(batch).__name__}):
        return
    shapes = f"{list(x.shape)}, {list(y.shape)}"
    loss = "F.mse_loss" if y.is_floating_point() else "F.cross_entropy"
    text = message(
        "capture.input_is_batch",
        type_name=type(batch).__name__,
        shapes=shapes,
        error=error,
        loss=loss,
    )
    raise NNGraphError(text) from None


def _check_meta_weights(
    model: torch.nn.Module, inputs: tuple[Any, ...], kwargs: dict[str, Any], error: Exception
) -> None:
    """Weights on the meta device (shapes without values) and an input that is not, where the
    model's error is about the meta device."""
    if "meta" not in str(error):
        return
    tensors = [*model.parameters(), *model.buffers()]
    if not any(t.is_meta for t in tensors):
        return
    for where, value in _arguments(inputs, kwargs):
        for path, t in named_tensors_within(value):
            if not t.is_meta:
                text = message("capture.model_on_meta", where=where + path, device=str(t.device))
                raise NNGraphError(text) from error  # PyTorch's words stay as its cause
