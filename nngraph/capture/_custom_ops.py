"""The names of operators called through PyTorch's dispatcher: `torch.ops.mylib.silu`, a
`torch.library.custom_op` (how flash-attn, xformers and vLLM register their kernels), whose
autograd runs through a class PyTorch generates (`GeneratedBackwardFor_mylib_silu_default`):
a graph shows `mylib::silu`.

    >>> import torch
    >>> dispatcher_op_name(torch.ops.aten.mul.Tensor)
    'mul'
"""

from __future__ import annotations

import inspect
import types
from typing import Any

import torch

__all__ = ["custom_op_name", "dispatcher_op_name"]


def dispatcher_op_name(func: Any) -> str | None:
    """The name of an operator called through the dispatcher (`torch.ops.mylib.silu`, a
    `torch.library.custom_op`, `torch.ops.aten.add.Tensor`) as its schema writes it, without
    the overload; an ATen one's without `aten::`, as autograd names its ops. None for any other
    function.

    >>> dispatcher_op_name(torch.ops.aten.add.Tensor), dispatcher_op_name(torch.add)
    ('add', None)
    """
    if not isinstance(func, (torch._ops.OpOverload, torch._ops.OpOverloadPacket)):
        return None
    name = getattr(getattr(func, "overloadpacket", func), "_qualified_op_name", None)
    if not isinstance(name, str):
        return None
    return name.removeprefix("aten::")


def custom_op_name(function: type) -> str | None:
    """The operator (`"mylib::silu"`) whose autograd a `torch.library.custom_op` runs through
    `function`, the `autograd.Function` class PyTorch generates for it
    (`GeneratedBackwardFor_mylib_silu_default`), or that class's backward node class; None for
    any other class. The operator is read from the class's `forward`, which calls it."""
    function = getattr(function, "_forward_cls", function)  # a backward node's: its Function
    name = getattr(function, "__name__", "")
    if not name.startswith(_GENERATED):
        return None
    forward = inspect.getattr_static(function, "forward", None)
    operator = _operator_in(getattr(forward, "__func__", forward), depth=2)
    if operator is None:  # another PyTorch: its class name, less the prefix
        return name.removeprefix(_GENERATED)
    return dispatcher_op_name(operator)


_GENERATED = "GeneratedBackwardFor_"


def _operator_in(function: Any, depth: int) -> Any:
    """The dispatcher operator that `function`'s closure holds, or that of a function there,
    `depth` functions deep (`supports_tensorlist` wraps the generated `forward` in another)."""
    for cell in getattr(function, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # a cell not filled yet
            continue
        if isinstance(value, torch._ops.OpOverload):
            return value
        if depth and isinstance(value, types.FunctionType):
            found = _operator_in(value, depth - 1)
            if found is not None:
                return found
    return None
