"""The one-pass float32 reductions of `kernels/stats.c`, when the install could compile them.

`pip install` builds `kernels/stats.c` into a small shared library next to it (see
hatch_build.py at the project's root); without a C compiler there is none, and `_reduce.py`
takes its numpy passes instead: the same statistics, a few times slower. `NNGRAPH_NATIVE=0` in
the environment turns the library off, to compare the two.

    >>> import torch
    >>> sums = sums_f32(torch.tensor([0.0, 3.0, -4.0]))
    >>> sums is None or sums == [-1.0, 25.0, -4.0, 3.0, 1.0]
    True
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import numpy as np
import torch

__all__ = [
    "LIBRARY",
    "available",
    "changed_since",
    "dead_units_f32",
    "readable",
    "residuals_f32",
    "stats_f32",
    "sums_f32",
    "turned_off",
]

#: Where hatch_build.py writes the library.
LIBRARY = (
    Path(__file__).parent / "kernels" / ("stats.dll" if sys.platform == "win32" else "stats.so")
)

_POINTER, _COUNT = ctypes.c_void_p, ctypes.c_int64
_FIVE, _TWO = ctypes.c_double * 5, ctypes.c_double * 2


def _load() -> ctypes.CDLL | None:
    if os.environ.get("NNGRAPH_NATIVE") == "0" or not LIBRARY.exists():
        return None
    try:
        library = ctypes.CDLL(str(LIBRARY))
        library.nngraph_sums_f32.argtypes = [_POINTER, _COUNT, _POINTER]
        library.nngraph_residuals_f32.argtypes = [_POINTER, _COUNT, ctypes.c_float, _POINTER]
        library.nngraph_stats_f32.argtypes = [_POINTER, _POINTER, _COUNT, _POINTER]
        library.nngraph_changed.argtypes = [_POINTER, _POINTER, _COUNT, _POINTER, _POINTER]
        library.nngraph_dead_units_f32.argtypes = [_POINTER, _COUNT, _COUNT, _COUNT, _POINTER]
    except (OSError, AttributeError):  # built for another machine, or from an older source
        return None
    library.nngraph_sums_f32.restype = library.nngraph_residuals_f32.restype = None
    library.nngraph_changed.restype = None
    library.nngraph_stats_f32.restype = library.nngraph_dead_units_f32.restype = _COUNT
    return library


_library = _load()


def available() -> bool:
    """Whether the compiled reductions are in use.

    >>> available() in (True, False)
    True
    """
    return _library is not None


def readable(x: torch.Tensor) -> bool:
    """Whether `x` is a tensor the library reads where it lies: float32 values on the CPU,
    in memory in their order.

    >>> readable(torch.ones(2, 3)), readable(torch.ones(2, 3).t()), readable(torch.ones(2).double())
    (True, False, False)
    """
    return (
        x.dtype is torch.float32
        and x.is_cpu
        and x.is_contiguous()
        and not (x.is_neg() or x._is_zerotensor())  # a ZeroTensor has no memory at all
    )


def sums_f32(x: torch.Tensor) -> list[float] | None:
    """`[sum, sum of squares, min, max, zeros]` of a contiguous float32 CPU tensor in one
    pass, read where it lies, or None without the library or for other tensors. Not NaN-aware:
    a NaN or Inf shows only as non-finite sums.

    >>> sums = sums_f32(torch.tensor([[0.0, 3.0], [-4.0, 0.0]]))
    >>> sums is None or sums == [-1.0, 25.0, -4.0, 3.0, 2.0]
    True
    """
    if _library is None or not readable(x):
        return None
    out = _FIVE()  # a ctypes array: half the cost of a numpy one, for a call per tensor
    _library.nngraph_sums_f32(x.data_ptr(), x.numel(), out)
    return out[:]


def residuals_f32(x: torch.Tensor, about: float) -> tuple[float, float] | None:
    """The sum of `x - about` and of its squares, with `about` rounded to float32 first (the
    subtraction is then exact for values near it), or None as for `sums_f32`.

    >>> residuals_f32(torch.tensor([1e4, 1e4 + 0.5]), 1e4) in (None, (0.5, 0.25))
    True
    """
    if _library is None or not readable(x):
        return None
    out = _TWO()
    _library.nngraph_residuals_f32(x.data_ptr(), x.numel(), about, out)
    return out[0], out[1]


def stats_f32(tensors: list[torch.Tensor]) -> np.ndarray | None:
    """The statistics of contiguous float32 CPU tensors where they lie, as a table with a row
    per statistic in `_reduce.finish`'s order (mean, std, min, max, norm, zero fraction, NaNs,
    Infs, numel) and a column per tensor. The mean, spread and norm come from a second pass
    over the residuals about the first pass's mean, in float64. None without the library, and
    where a tensor holds a NaN or an Inf: numpy counts them.

    >>> import torch
    >>> table = stats_f32([torch.tensor([1.0, 2.0, 3.0]), torch.zeros(1)])
    >>> table is None or table[:2].tolist() == [[2.0, 0.0], [0.816496580927726, 0.0]]
    True
    """
    if _library is None:
        return None
    count = len(tensors)
    pointers = np.array([t.data_ptr() for t in tensors], dtype=np.uintp)
    sizes = np.array([t.numel() for t in tensors], dtype=np.int64)
    table = np.empty((9, count))
    uncovered = _library.nngraph_stats_f32(
        pointers.ctypes.data, sizes.ctypes.data, count, table.ctypes.data
    )
    return None if uncovered else table


def dead_units_f32(x: torch.Tensor, unit_dim: int) -> list[int] | None:
    """`[dead, units]` of a ReLU output: its units along `unit_dim` with no value above zero
    in the whole batch (and none only NaN), read where it lies; None as for `sums_f32`.

    >>> nan = float("nan")  # unit 0 alive, unit 1 dead, unit 2 NaN throughout: not known dead
    >>> out = torch.relu(torch.tensor([[1.0, -1.0, nan], [2.0, -3.0, nan]]))
    >>> dead_units_f32(out, 1) in (None, [1, 3])
    True
    """
    if _library is None or not readable(x):
        return None
    units = x.shape[unit_dim]
    inner = math.prod(x.shape[unit_dim + 1 :])
    outer = x.numel() // (units * inner) if units * inner else 0
    seen = np.empty(2 * units, dtype=np.uint8)
    dead = _library.nngraph_dead_units_f32(x.data_ptr(), outer, units, inner, seen.ctypes.data)
    return [int(dead), units]


def changed_since(tensors: list[torch.Tensor], saved: torch.Tensor) -> list[bool] | None:
    """Which of `tensors` no longer hold, byte for byte, the values `saved` holds for them end
    to end (as `flatten_dense_tensors` lays them), or None without the library. The tensors
    are contiguous CPU tensors of `saved`'s dtype, read where they lie: no copy is made.

    >>> import torch
    >>> a, b = torch.ones(2), torch.zeros(3)
    >>> saved = torch.cat([a, b])
    >>> _ = b.fill_(-0.0)  # equal to 0.0, but other bytes: it was written
    >>> changed_since([a, b], saved) in (None, [False, True])
    True
    """
    if _library is None:
        return None
    count = len(tensors)
    pointers = np.array([t.data_ptr() for t in tensors], dtype=np.uintp)
    sizes = np.array([t.numel() * t.element_size() for t in tensors], dtype=np.int64)
    out = np.empty(count, dtype=np.uint8)
    _library.nngraph_changed(
        pointers.ctypes.data, sizes.ctypes.data, count, saved.data_ptr(), out.ctypes.data
    )
    return cast(list[bool], out.astype(bool).tolist())


@contextmanager
def turned_off() -> Iterator[None]:
    """Inside this block numpy does the statistics, as without the library: to compare them.

    >>> with turned_off():
    ...     available()
    False
    """
    global _library
    saved, _library = _library, None
    try:
        yield
    finally:
        _library = saved
