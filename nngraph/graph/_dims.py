"""Which dims an op works along, from what the graph keeps of its call (its `args` text and
its shape): the dim a softmax normalised, the dims a transpose swapped, and where a dim of a
reshaped or transposed result came from.

    >>> softmax_dim({"args": "dim=-1", "shape": [4, 3, 5]})
    2
"""

from __future__ import annotations

import ast
import math
from typing import Any

__all__ = ["PERMUTES", "RESHAPES", "axis_before", "dims_given", "permutation", "softmax_dim"]

#: Ops whose result holds the values they read, only in another shape or order.
RESHAPES = frozenset(
    {"view", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "contiguous", "clone"}
)
PERMUTES = frozenset({"transpose", "swapaxes", "swapdims", "permute", "t", "T", "mT"})


def axis_before(data: dict[str, Any], shape: list[int] | None, axis: int) -> int | None:
    """The dim of the tensor a reshape or a transpose (node `data`) reads, of `shape`, whose
    values its result's dim `axis` runs along; None if no one dim does.

    A reshape keeps the values in row-major order: along a dim of size `k` with `inner` values
    in the dims after it, the values lie `inner` apart, so the input's dim of the same size and
    the same `inner` holds the same groups of values (and no other dim does, unless `k` is 1).

        >>> axis_before({"op": "view", "shape": [48, 5]}, [4, 12, 5], 1)
        2
        >>> axis_before({"op": "flatten", "shape": [60]}, [12, 5], 0) is None
        True
        >>> axis_before({"op": "transpose", "args": "1, 2", "shape": [4, 5, 12]}, [4, 12, 5], 1)
        2
    """
    out = data.get("shape")
    if shape is None or out is None or axis >= len(out):
        return None
    if data.get("op") in RESHAPES:
        size, inner = out[axis], math.prod(out[axis + 1 :])
        found = [
            d for d in range(len(shape)) if (shape[d], math.prod(shape[d + 1 :])) == (size, inner)
        ]
        return found[0] if len(found) == 1 else None
    order = permutation(str(data.get("op")), dims_given(data.get("args")), len(out))
    return order[axis] if order is not None and sorted(order) == list(range(len(out))) else None


def permutation(op: str, numbers: list[int] | None, ndim: int) -> list[int] | None:
    """For each dim of a transpose's result, the dim of its input it is, None if not known.

    >>> permutation("permute", [0, 2, 1], 3), permutation("transpose", [0, -1], 3)
    ([0, 2, 1], [2, 1, 0])
    """
    order = list(range(ndim))
    if op == "T":
        return order[::-1]
    if op in ("mT", "t") and ndim >= 2:
        pair = [ndim - 2, ndim - 1]
    elif op in ("transpose", "swapaxes", "swapdims") and numbers is not None and len(numbers) == 2:
        pair = numbers
    elif op == "permute" and numbers is not None and len(numbers) == ndim:
        return [d % ndim for d in numbers]
    else:
        return order if op == "t" else None  # `t()` of a 1-d tensor leaves it
    a, b = (d % ndim for d in pair)
    order[a], order[b] = order[b], order[a]
    return order


def softmax_dim(data: dict[str, Any]) -> int | None:
    """The dim a softmax op normalised over, counted from the front; without a `dim` (a legacy
    `nn.Softmax()`), the one PyTorch picks: 0 for a tensor of 0, 1 or 3 dims, else 1.

    >>> softmax_dim({"args": "dim=-1", "shape": [4, 3, 5]})
    2
    >>> softmax_dim({"args": None, "shape": [8, 3]})
    1
    """
    ndim = len(data.get("shape") or [])
    numbers = dims_given(data.get("args"))
    if numbers is None:
        return None
    if not numbers:
        return 0 if ndim in (0, 1, 3) else 1
    return numbers[0] % max(ndim, 1)


def dims_given(args: str | None) -> list[int] | None:
    """The dims a call was given, as its recorded scalar arguments hold them (`"1, 2"`,
    `"(0, 2, 1)"`, `"dim=-1"`; other keywords are not dims: a graph saved before private
    arguments were left out holds `"dim=-1, _stacklevel=5"`); None where they are no dims.

    >>> dims_given("(0, 2, 1)"), dims_given("dim=-1, _stacklevel=5"), dims_given(None)
    ([0, 2, 1], [-1], [])
    """
    try:
        call = ast.parse(f"f({args or ''})", mode="eval").body
        if not isinstance(call, ast.Call):
            return None
        values = [ast.literal_eval(a) for a in call.args]
        values += [ast.literal_eval(k.value) for k in call.keywords if k.arg in _DIM_WORDS]
    except (SyntaxError, ValueError):
        return None
    flat = [v for value in values for v in (value if isinstance(value, tuple) else (value,))]
    return flat if all(type(v) is int for v in flat) else None


#: The keywords that name dims: softmax's `dim`, transpose's `dim0` and `dim1`, permute's `dims`
_DIM_WORDS = ("dim", "dim0", "dim1", "dims")
