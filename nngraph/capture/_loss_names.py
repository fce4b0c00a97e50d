"""The names a `loss=` function reads its other tensors by (`labels` in
`lambda out: F.cross_entropy(out, labels)`), so that `trace()` names its target after them.
Only the function's code is read, nothing of the user's is run.

    >>> import torch
    >>> labels = torch.tensor([1, 0])
    >>> names = names_in_loss(lambda out: torch.nn.functional.cross_entropy(out, labels))
    >>> names["labels"] is labels
    True
"""

from __future__ import annotations

import dis
import functools
import inspect
import types
from collections.abc import Mapping
from typing import Any

import torch

from nngraph.capture._common import library_code

__all__ = ["names_in_loss"]


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
