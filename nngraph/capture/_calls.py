"""Which torch calls are ops, and what they do: the questions `record()`'s torch-function mode
asks of every call it sees, worked out once per function.

An attribute read is an op only for the few that compute (`x.T`, `x.real`); `.grad`, `repr()`,
`backward()` and hook registration are not. A call that ends in `_` or is an in-place operator
(`x += 1`, `x[i] = v`) writes into its first argument, unless it only changes a flag
(`p.requires_grad_(False)`).

    >>> import torch
    >>> about(torch.Tensor.add_)  # (op name, writes its first argument, runs backward, sets .grad)
    ('add_', True, False, False)
    >>> call_name(torch.Tensor.backward) is None
    True
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from nngraph.capture._bookkeeping import BOOKKEEPING
from nngraph.capture._builder import grad_fn_of, tensors_in
from nngraph.capture._custom_ops import dispatcher_op_name

__all__ = ["UNSCALE", "about", "call_name", "changed_in_place", "has_history"]

# Tensor attributes that are real operations; other attribute reads (`.grad`, `.data`) are not.
_PROPERTY_OPS = frozenset({"T", "mT", "H", "mH", "real", "imag"})
_NOT_OPS = frozenset(
    {
        "__set__", "__repr__", "__format__", "__str__", "__reduce_ex__", "__deepcopy__",
        "__setstate__", "backward", "grad", "requires_grad_", "retain_grad", "register_hook",
        "register_post_accumulate_grad_hook", "_make_subclass", "__torch_function__",
    }
)  # fmt: skip
_BACKWARD_CALLS = frozenset({"backward", "grad"})


_WRITES_FIRST = frozenset(
    {
        "__setitem__", "__set__", "__iadd__", "__isub__", "__imul__", "__itruediv__",
        "__ifloordiv__", "__imod__", "__ipow__", "__iand__", "__ior__", "__ixor__",
        "__ilshift__", "__irshift__", "__imatmul__",
    }
)  # fmt: skip


# In-place calls that change a flag, not the values: the tensor is not met as written then
# (a parameter frozen or unfrozen in the block is met where it is used, as it is then).
_KEEPS_VALUES = frozenset({"requires_grad_", "share_memory_"})
# `GradScaler.unscale_()`: divides the `.grad`s back from the loss scale (mixed precision)
UNSCALE = torch._amp_foreach_non_finite_check_and_unscale_
# The tensor attributes whose setting writes values (`x.data = ...`), unlike `requires_grad`.
_VALUE_ATTRIBUTES = (torch.Tensor.data, torch.Tensor.real, torch.Tensor.imag)


def changed_in_place(
    func: Any, writes_first: bool, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """What a call reads and then changes in place: its first argument for `add_`, `x[i] = ...`,
    `x.data = ...` (`writes_first`, from `about`) and `inplace=True`; the weight of an
    embedding with `max_norm`, whose rows it renormalises."""
    if writes_first or kwargs.get("inplace") is True:
        return args[0] if args else kwargs.get("input")
    if func is F.embedding and (kwargs.get("max_norm") or (len(args) > 3 and args[3])):
        return args[1] if len(args) > 1 else kwargs.get("weight")
    return None


def call_name(func: Any) -> str | None:
    """The op name of a torch call (`add`, `linear`, `T`), or None if it is no op (`.grad`,
    `backward`, `nn.init.uniform_` itself)."""
    if getattr(func, "__module__", None) in BOOKKEEPING:
        return None  # `nn.init.uniform_` itself (the ops inside: see `_record._Mode`)
    operator = dispatcher_op_name(func)  # `torch.ops.mylib.silu`: "mylib::silu"
    if operator is not None:
        return operator
    name = getattr(func, "__name__", None) or type(func).__name__
    if name == "__get__":
        prop = getattr(getattr(func, "__self__", None), "__name__", "")
        return prop if prop in _PROPERTY_OPS else None
    if name in _NOT_OPS:
        return None
    if name.startswith("__") and name.endswith("__"):
        return name[2:-2]
    return str(name)


_ABOUT: dict[Any, tuple[str | None, bool, bool, bool]] = {}


def about(func: Any) -> tuple[str | None, bool, bool, bool]:
    """A torch function's op name (None if not an op), whether it writes into its first
    argument, whether it runs a backward pass, and whether it sets a tensor's `.grad`; worked
    out once per function."""
    known = _ABOUT.get(func)
    if known is None:
        name = getattr(func, "__name__", "")
        # `p.grad = None` or `del p.grad`; a read (`__get__`) changes nothing
        attribute = getattr(func, "__self__", None)
        sets_grad = attribute is torch.Tensor.grad and name in ("__set__", "__delete__")
        writes = (name.endswith("_") and not name.endswith("__")) or name in _WRITES_FIRST
        if name in _KEEPS_VALUES or (name == "__set__" and attribute not in _VALUE_ATTRIBUTES):
            writes = False  # `p.requires_grad_(False)`, `p.requires_grad = True`: a flag
        known = (call_name(func), writes and not sets_grad, name in _BACKWARD_CALLS, sets_grad)
        try:
            if len(_ABOUT) < 100_000:  # functions made on the fly must not fill memory
                _ABOUT[func] = known
        except TypeError:  # not hashable: worked out each time
            pass
    return known


def has_history(out: Any) -> bool:
    """Whether a tensor in `out` has an autograd node: a backward can reach through it."""
    return any(grad_fn_of(t) is not None for t in tensors_in(out, []))
