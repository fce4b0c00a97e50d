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
import dis
import functools
import inspect
import numbers
import re
import types
from collections.abc import Mapping
from typing import Any

import torch

from nngraph.capture._common import library_code
from nngraph.errors import NNGraphError
from nngraph.i18n import message

__all__ = [
    "call_loss",
    "check_batch_as_keywords",
    "check_loss_function",
    "check_loss_value",
    "check_model_call",
    "names_in_loss",
]


def check_loss_function(loss: Any) -> None:
    """Raise unless `loss` can be called, before the model runs: not a class such as
    `torch.nn.MSELoss` either, which would be called with the output as its first setting,
    nor a loss already computed (`loss=loss_fn(model(x), y)`: a tensor, or a number).

    >>> check_loss_function(torch.tensor(0.5))
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: loss is a Tensor, the value of a loss computed already, ...
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
    error: TypeError | AttributeError,
) -> None:
    """After `model(*inputs, **kwargs)` raised `error` (a `TypeError` or an `AttributeError`):
    an `NNGraphError` if the call did not fit `forward` at all (the inputs forgotten, `los=`
    for `loss=`), or if an input is numbers that are not a tensor and the error names their
    type (see `_check_tensor_inputs`); nothing otherwise, so the error of the user's own
    forward stays theirs."""
    if isinstance(error, TypeError):
        try:
            inspect.signature(model.forward).bind(*inputs, **kwargs)
        except ValueError:  # no signature to read: not known to be wrong
            pass
        except TypeError as unfit:
            close = [n for n in kwargs if difflib.get_close_matches(n, ["loss"], cutoff=0.6)]
            hint = message("capture.did_you_mean_loss") if close else ""
            raise NNGraphError(message("capture.bad_model_call", error=unfit, hint=hint)) from None
    _check_tensor_inputs(inputs, kwargs, error)


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
    arguments = [(f"inputs[{i}]", v) for i, v in enumerate(inputs)] + list(kwargs.items())
    for where, value in arguments:
        type_name = type(value).__name__
        named = rf"(not |'|\()([\w.]*\.)?{re.escape(type_name)}\b"  # not list, 'list' object
        if not _plain_numbers(value) or not re.search(named, str(error)):
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


def names_in_loss(loss: Any) -> dict[str, Any]:
    """The tensors a `loss=` function reads besides the output, by the names it reads them
    by, so that `trace()` can call its target `labels`, not "input": the variables it closes
    over and the module globals it names (`lambda out: F.cross_entropy(out, labels)`), the
    attributes and the items of mappings by a constant key it reads (`batch.y`,
    `data.y_train`, `d['y']`; not a list's item, `pair[1]`, which stays unnamed), a
    bound method's `self.targets` (also of a callable object, or of a loss module's
    `forward`), and the arguments a `functools.partial` holds, by their keyword (`target`).
    Only the function's code is read (its names, its bytecode), nothing of the user's is run:
    an attribute is read from the object's own `__dict__` (or `__slots__`), else only through
    a library's `__getattr__`/`__getitem__` (a scikit-learn `Bunch`, PyG's `Data`), never
    through a property or method of the user's. Empty for a library's own function.

        >>> import types, torch
        >>> labels = torch.tensor([0, 1])
        >>> sorted(names_in_loss(lambda out: torch.nn.functional.cross_entropy(out, labels)))
        ['labels', 'torch']
        >>> batch = types.SimpleNamespace(y=labels)
        >>> [k for k in names_in_loss(lambda out: torch.nn.functional.cross_entropy(out, batch.y))
        ...  if k.startswith("batch")]
        ['batch', 'batch.y']
        >>> import functools
        >>> names_in_loss(functools.partial(torch.nn.functional.cross_entropy, target=labels))
        {'target': tensor([0, 1])}
    """
    return _names_read_by(loss, depth=3)


def _names_read_by(loss: Any, depth: int) -> dict[str, Any]:
    """`names_in_loss`, `depth` wrappers deep (a partial of a bound method of ...)."""
    if depth == 0:
        return {}
    if isinstance(loss, functools.partial):
        return _names_in_partial(loss, depth)
    function, owner = loss, None
    if inspect.ismethod(loss):  # `task.loss`: reads `self.targets`
        function, owner = loss.__func__, loss.__self__
    elif not inspect.isfunction(loss) and not isinstance(loss, type):  # a callable object
        call = "forward" if isinstance(loss, torch.nn.Module) else "__call__"
        function, owner = getattr(type(loss), call, None), loss
    code = getattr(function, "__code__", None)
    if code is None or library_code(function):
        return {}
    free: dict[str, Any] = {}
    closure = getattr(function, "__closure__", None) or ()
    for name, cell in zip(code.co_freevars, closure, strict=False):
        try:
            free[name] = cell.cell_contents
        except ValueError:  # a variable of the enclosing function not assigned yet
            continue
    module_globals = getattr(function, "__globals__", {})
    read = {name: module_globals[name] for name in code.co_names if name in module_globals}
    own = {code.co_varnames[0]: owner} if owner is not None and code.co_argcount else {}
    known = {  # by how the bytecode loads a name: `self` may be a cell (a genexpr reads it)
        "LOAD_GLOBAL": read, "LOAD_NAME": read, "LOAD_DEREF": {**free, **own}, "LOAD_FAST": own,
    }  # fmt: skip
    found = {**free, **read}
    for expression, value in _expressions_read(code, known):
        found.setdefault(expression, value)
    return found


def _names_in_partial(loss: functools.partial[Any], depth: int) -> dict[str, Any]:
    """What a `functools.partial` reads: its keywords by their names (`target=labels` is
    `target`), its positional arguments by the wrapped function's parameter names where its
    code says them, and what the wrapped function itself reads."""
    found: dict[str, Any] = {}
    code = getattr(getattr(loss.func, "__func__", loss.func), "__code__", None)
    if code is not None:
        params = list(code.co_varnames[: code.co_argcount])
        if inspect.ismethod(loss.func):
            params = params[1:]  # `self` is given already
        found.update(zip(params, loss.args, strict=False))
    found.update({str(key): value for key, value in loss.keywords.items()})
    for name, value in _names_read_by(loss.func, depth - 1).items():
        found.setdefault(name, value)
    return found


# the loads of a name, by family: LOAD_FAST_LOAD_FAST, LOAD_FAST_BORROW, ... are LOAD_FAST's
_LOADS = ("LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME", "LOAD_FAST")
_ATTRIBUTES = ("LOAD_ATTR", "LOAD_METHOD")
_CONSTANTS = ("LOAD_CONST", "LOAD_SMALL_INT")
_MISSING = object()


@functools.lru_cache(maxsize=256)
def _instructions(code: Any) -> tuple[tuple[str, Any, str], ...]:
    """`code`'s instructions as (name, argument, argument as shown): read once per function
    (a trace in a training loop reads the same loss each time)."""
    return tuple((i.opname, i.argval, i.argrepr) for i in dis.get_instructions(code))


def _expressions_read(code: Any, known: dict[str, dict[str, Any]]) -> list[tuple[str, Any]]:
    """The tensors `code` reads as an attribute or a constant item of a name in `known` (by
    load family, then name: `batch.y`, `data.y_train`, `d['y']`, `self.targets`), each with
    the expression, as its bytecode says them: a load of the name, then attribute loads and
    subscripts by a constant string. Nested code (a generator expression) is read too."""
    found: list[tuple[str, Any]] = []
    codes = [code]
    while codes:
        now = codes.pop()
        codes += [c for c in now.co_consts if hasattr(c, "co_code")]
        current: tuple[str, Any] | None = None  # the expression read so far, and its value
        key: Any = _MISSING  # a constant loaded after it: the key of a subscript next
        for op, arg, argrepr in _instructions(now):
            if op.startswith(_LOADS):
                names = known[next(family for family in _LOADS if op.startswith(family))]
                name = arg[-1] if isinstance(arg, tuple) else arg  # LOAD_FAST_LOAD_FAST
                held = names.get(name, _MISSING) if isinstance(name, str) else _MISSING
                current, key = (None if held is _MISSING else (name, held)), _MISSING
                continue
            subscript = op == "BINARY_SUBSCR" or (op == "BINARY_OP" and argrepr == "[]")
            if current is not None and op in _CONSTANTS and key is _MISSING:
                key = arg
                continue
            value = _MISSING
            if current is not None and op in _ATTRIBUTES and key is _MISSING:
                value, text = _attribute(current[1], arg), f"{current[0]}.{arg}"
            elif current is not None and subscript and isinstance(key, str):
                value, text = _item(current[1], key), f"{current[0]}[{key!r}]"
            current, key = None, _MISSING
            if value is _MISSING:
                continue
            if isinstance(value, torch.Tensor):
                found.append((text, value))  # a tensor's attributes are ops (`.T`): it ends
            else:
                current = (text, value)
    return found


def _attribute(obj: Any, name: str) -> Any:
    """`obj.name` without running the user's code: from the object's `__dict__` or a
    `__slots__` entry, or through a library's `__getattr__` (a `Bunch`, PyG's `Data`, a
    module's registered buffer); `_MISSING` when it is not known so (a property)."""
    if isinstance(obj, torch.Tensor):
        return _MISSING  # `labels.long`: an op, not a name
    try:
        value = inspect.getattr_static(obj, name)
    except AttributeError:  # kept elsewhere: a library's __getattr__ may say where
        getter = inspect.getattr_static(type(obj), "__getattr__", None)
        if getter is None or not library_code(getter) or isinstance(obj, types.ModuleType):
            return _MISSING  # a lazy module's would import the attribute
        try:
            return getter(obj, name)
        except Exception:
            return _MISSING
    if isinstance(value, types.MemberDescriptorType):  # a `__slots__` entry
        try:
            return value.__get__(obj, type(obj))
        except AttributeError:
            return _MISSING
    if hasattr(type(value), "__get__") and not isinstance(value, torch.Tensor):
        return _MISSING  # a property, a method: the user's code would run
    return value


def _item(obj: Any, key: str) -> Any:
    """`obj[key]` for a dict or a library's mapping (a `Bunch`, a `BatchEncoding`);
    `_MISSING` for any other object (a tensor's indexing is an op) or a class of the user's."""
    getitem = getattr(type(obj), "__getitem__", None)
    if not isinstance(obj, Mapping) or getitem is None or not library_code(getitem):
        return _MISSING
    try:
        return getitem(obj, key)
    except Exception:
        return _MISSING
