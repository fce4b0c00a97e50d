"""The checks `trace()` makes of its arguments: the model's inputs fit its `forward`, `loss=` is
a function of the model's output alone, and what it returns a scalar tensor with autograd
history, else an `NNGraphError` that says what to do.

    >>> import torch
    >>> call_loss(torch.nn.CrossEntropyLoss(), torch.randn(2, 3))  # the target is missing
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: loss is the module nn.CrossEntropyLoss, which needs the target ...
    >>> call_loss(lambda y: y.pow(2).mean(), torch.ones(2))
    tensor(1.)
"""

from __future__ import annotations

import difflib
import inspect
import numbers
from collections.abc import Mapping
from typing import Any

import networkx as nx
import torch

from nngraph.capture._label_errors import add_label_note
from nngraph.capture._wrong_inputs import check_failed_forward, named_arguments, names_type
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = [
    "call_loss",
    "check_batch_as_keywords",
    "check_loss_function",
    "check_loss_value",
    "check_model_call",
]


def check_loss_function(loss: Any) -> None:
    """Raise unless `loss` can be called, before the model runs: not a class such as
    `torch.nn.MSELoss` either, which would be called with the output as its first setting,
    nor a loss already computed (`loss=loss_fn(model(x), y)`: a tensor, or a number).

    >>> check_loss_function(torch.tensor(0.5))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: loss is a value (of type Tensor), a loss computed already, ...
    """
    if isinstance(loss, type):
        module = "torch.nn" if loss.__module__.startswith("torch.nn") else loss.__module__
        raise NNGraphError(message("capture.loss_is_class", name=f"{module}.{loss.__qualname__}"))
    if isinstance(loss, torch.Tensor | numbers.Number) and not isinstance(loss, bool):
        raise NNGraphError(message("capture.loss_is_value", got=type(loss).__name__))
    if not callable(loss):
        raise NNGraphError(message("capture.loss_not_callable"))


def check_model_call(
    model: torch.nn.Module,
    inputs: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: Exception,
) -> None:
    """After `model(*inputs, **kwargs)` raised `error`: an `NNGraphError` if the call did not
    fit `forward` at all (the inputs forgotten, `los=` for `loss=`), or if an input is numbers
    that are not a tensor and the error names their type (see `_check_tensor_inputs`);
    otherwise the error of the user's own forward stays theirs, with a note under it where an
    input looks like another mistake (see `_wrong_inputs.check_failed_forward`)."""
    if isinstance(error, TypeError):
        try:
            inspect.signature(model.forward).bind(*inputs, **kwargs)
        except ValueError:  # no signature to read: not known to be wrong
            pass
        except TypeError as unfit:
            close = [n for n in kwargs if difflib.get_close_matches(n, ["loss"], cutoff=0.6)]
            hint = message("capture.did_you_mean_loss") if close else ""
            raise NNGraphError(message("capture.bad_model_call", error=unfit, hint=hint)) from None
    if isinstance(error, TypeError | AttributeError):
        _check_tensor_inputs(inputs, kwargs, error)
    check_failed_forward(model, inputs, kwargs, error)


def _check_tensor_inputs(
    inputs: tuple[Any, ...], kwargs: dict[str, Any], error: BaseException
) -> None:
    """An `NNGraphError` if an input is numbers that are not a tensor (a list of numbers, a
    NumPy array, a pandas DataFrame, a lone number) and the model's error names its type
    ("must be Tensor, not list", "'list' object has no attribute 'dim'"): it says to make it a
    tensor. Nothing is refused before the model runs, nor converted: a model may take a list
    (the lengths of padded sequences) or a number as it is, and fail for another reason.

    >>> _check_tensor_inputs(([1.0, 2.0],), {}, TypeError("must be Tensor, not list"))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: the model needs a tensor where it got inputs[0] (type list): ...
    >>> _check_tensor_inputs(([3, 2],), {}, TypeError("unsupported operand"))  # not about it
    """
    for where, value in named_arguments(inputs, kwargs):
        type_name = type(value).__name__
        if not _plain_numbers(value) or not names_type(error, {type_name}):
            continue
        array = value.to_numpy() if hasattr(value, "to_numpy") else value  # pandas
        code = "data.to_numpy()" if array is not value else "data"
        if getattr(getattr(array, "dtype", None), "kind", "") == "f":  # NumPy's float64
            code += ", dtype=torch.float32"
        fix = f"torch.tensor({code})"
        if not where.startswith("inputs["):  # a keyword argument
            fix = f"{where}={fix}"
        text = message(
            "capture.input_not_tensor", where=where, type_name=type_name, error=error, fix=fix
        )
        raise NNGraphError(text) from None


def _plain_numbers(value: Any) -> bool:
    """Whether `value` is numbers a tensor could hold but is not one: a Python number, a
    (nested) list or tuple of them, or an array-like (`__array__`: NumPy, pandas)."""
    if isinstance(value, torch.Tensor | bool | str | bytes):
        return False
    if isinstance(value, numbers.Number) or hasattr(value, "__array__"):
        return True
    if isinstance(value, list | tuple) and value:
        return all(_plain_numbers(item) for item in value)
    return False


def check_batch_as_keywords(
    model: torch.nn.Module, inputs: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """Before the model runs: an `NNGraphError` for one positional dict whose keys all name
    arguments of `forward`, its first one among them (a HuggingFace batch, `{"input_ids": ...,
    "attention_mask": ...}`, given as `trace(model, batch)`: the model would take the whole
    dict as `input_ids`, and fail deep inside)."""
    if kwargs or len(inputs) != 1 or not isinstance(inputs[0], Mapping) or not inputs[0]:
        return
    try:
        parameters = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):  # no signature to read: not known to be wrong
        return
    names = list(parameters)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    keys = list(inputs[0])
    if names and names[0] in keys and (takes_any or all(key in names for key in keys)):
        raise NNGraphError(message("capture.batch_as_keywords", keys=", ".join(keys)))


def call_loss(loss: Any, output: Any) -> Any:
    """`loss(output)`. A loss that needs more than the output (`nn.CrossEntropyLoss()` and
    `F.cross_entropy` also need a target) is an `NNGraphError` that names what it takes and
    shows the wrapping lambda; a `TypeError` raised inside the user's own loss stays theirs.
    A label mistake PyTorch raises for (float class labels, `[N, 1]` labels, one output unit
    for cross-entropy) keeps its error, with a note under it (see `_label_errors`).
    The signature is read only after a `TypeError`: reading it costs more than a small model's
    whole step.

    >>> import torch.nn.functional as F
    >>> call_loss(F.cross_entropy, torch.randn(2, 3))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: loss is F.cross_entropy, which needs the target as well as ...
    """
    __tracebackhide__ = True  # an error inside the user's loss is theirs
    try:
        return loss(output)
    except TypeError:
        needed = _needs_more(loss)
        if needed is None:
            raise
        raise NNGraphError(_needs_more_text(loss, needed)) from None
    except (RuntimeError, IndexError, ValueError) as error:
        add_label_note(error, output)  # float labels, [N, 1] labels, one output unit, ...
        raise


def _needs_more(loss: Any) -> list[str] | None:
    """The arguments `loss` needs (those without a default) if it cannot take the output
    alone, else None (a builtin, whose signature cannot be read, is not known to need more).

    >>> _needs_more(lambda out, t: out), _needs_more(lambda out, t=0, *rest: out)
    (['out', 't'], None)
    """
    function = loss.forward if isinstance(loss, torch.nn.Module) else loss
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # no signature to read (a builtin): not known to need more
        return None
    try:
        signature.bind(None)
    except TypeError:
        variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        return [
            name
            for name, p in signature.parameters.items()
            if p.kind not in variadic and p.default is inspect.Parameter.empty
        ]
    return None


def _needs_more_text(loss: Any, needed: list[str]) -> str:
    """What a loss that needs more than the output says: a loss module (`CrossEntropyLoss()`)
    and a named function (`F.cross_entropy`, the user's own) are wrapped in a lambda that adds
    the target; a lambda the user wrote is told to take the output alone."""
    params = ", ".join(needed)
    if not needed:  # `lambda: ...`: takes nothing at all
        return message("capture.loss_not_callable")
    if isinstance(loss, torch.nn.Module):
        name = type(loss).__name__
        if type(loss).__module__.startswith("torch.nn."):  # nn.CrossEntropyLoss, as it is written
            name = f"nn.{name}"
        return message("capture.loss_module_needs_target", name=name, params=params)
    name = getattr(loss, "__name__", "")
    if not name.isidentifier():  # a lambda, a functools.partial: no name to call it by
        return message("capture.loss_lambda_needs_target", params=params)
    if getattr(loss, "__module__", "") == "torch.nn.functional":
        name = f"F.{name}"
    return message("capture.loss_function_needs_target", name=name, params=params)


def check_loss_value(
    value: Any, graph: Graph | None = None, node: str | None = None, model_calls: int = 0
) -> None:
    """Raise unless `value`, what `loss(output)` returned, is a real scalar tensor with
    autograd history, which `backward()` needs. `graph`, what the forward recorded, `node`,
    the loss's node there, and `model_calls`, how many recorded calls the model made, tell
    whether it has none because the model's forward ran with gradients off."""
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        got = type(value).__name__
        if isinstance(value, torch.Tensor):
            got += f" {tuple(value.shape)}"
        raise NNGraphError(message("capture.loss_not_scalar", got=got))
    if value.is_complex():
        raise NNGraphError(message("capture.loss_complex", dtype=str(value.dtype)))
    if value.grad_fn is None:
        copy = _copied_without_history(graph, node) if graph is not None and node else None
        if copy is not None:
            raise NNGraphError(message(f"capture.loss_copied{copy}"))
        if graph is not None and node is not None and _made_without_grad(graph, node, model_calls):
            raise NNGraphError(message("capture.loss_forward_without_grad"))
        cut = _integer_step(graph, node) if graph is not None and node is not None else None
        if cut is not None:
            raise NNGraphError(message("capture.loss_through_integers", op=cut[0], dtype=cut[1]))
        raise NNGraphError(message("capture.loss_no_history"))


def _integer_step(graph: Graph, node: str) -> tuple[str, str] | None:
    """The op (and the integer or bool type of its result) where the loss's history ends
    because a float tensor that needed a gradient became whole numbers (`output.argmax(1)`,
    `output > 0`): such a result never carries a gradient. None if there is none."""
    nodes = graph._node
    for n in nx.ancestors(graph, node) | {node}:
        data = nodes[n]
        dtype = str(data["dtype"])
        if data["op"] is None or dtype.startswith(("float", "bfloat", "complex")):
            continue
        if any(nodes[u]["requires_grad"] for u in graph.pred[n]):
            return str(data["op"]), dtype
    return None


#: calls that copy the values they are given, without their autograd history
_COPIES = {"tensor": "", "as_tensor": "", "asarray": "", "new_tensor": "_new_tensor"}


def _copied_without_history(graph: Graph, node: str) -> str | None:
    """Where the loss's history ends at a call that copies values that had one: `""` for
    `torch.tensor([self.fc(r) for r in x])` (or `as_tensor`, `asarray`), `"_new_tensor"` for
    `x.new_tensor(h)`, `"_nested"` for `torch.nested.nested_tensor([...])` (which copies its
    tensors under no_grad); None where there is none."""
    nodes = graph._node
    for n in nx.ancestors(graph, node) | {node}:
        data = nodes[n]
        if data["tracked"]:
            continue
        if data["op"] == "_nested_view_from_jagged":
            if any(nodes[a]["tracked"] for a in nx.ancestors(graph, n)):
                return "_nested"
        elif data["op"] in _COPIES and any(nodes[u]["requires_grad"] for u in graph.pred[n]):
            return _COPIES[data["op"]]
    return None


def _made_without_grad(graph: Graph, node: str, model_calls: int) -> bool:
    """Whether an op of the model's forward (one of its first `model_calls` recorded calls)
    before `node` read a tensor that requires grad (a parameter) and autograd did not track
    it: it ran with gradients off (`@torch.no_grad()` on `forward`). Not the loss function's
    own ops, nor `detach()`, nor an op whose result cannot carry a gradient (`argmax`)."""
    nodes = graph._node
    return any(
        nodes[n]["op"] not in (None, "detach", "detach_")
        and nodes[n]["call"] is not None
        and nodes[n]["call"] < model_calls
        and not nodes[n]["tracked"]
        and str(nodes[n]["dtype"]).startswith(("float", "bfloat", "complex"))
        and any(nodes[u]["requires_grad"] for u in graph.pred[n])
        for n in nx.ancestors(graph, node) | {node}
    )
