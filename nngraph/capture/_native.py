"""The one-pass float32 reductions of `kernels/stats.c`, when the install could compile them.

`pip install` builds `kernels/stats.c` into a small shared library next to it (see
hatch_build.py at the project's root); without a C compiler there is none, and `_reduce.py`
takes its numpy passes instead: the same statistics, a few times slower. `NNGRAPH_NATIVE=0` in
the environment turns the library off, to compare the two.

    >>> import numpy as np
    >>> sums = sums_f32(np.array([0.0, 3.0, -4.0], dtype=np.float32))
    >>> sums is None or sums == [-1.0, 25.0, -4.0, 3.0, 1.0]
    True
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

__all__ = ["LIBRARY", "available", "residuals_f32", "stats_f32", "sums_f32", "turned_off"]

#: Where hatch_build.py writes the library.
LIBRARY = (
    Path(__file__).parent / "kernels" / ("stats.dll" if sys.platform == "win32" else "stats.so")
)

_POINTER, _COUNT = ctypes.c_void_p, ctypes.c_int64


def _load() -> ctypes.CDLL | None:
    if os.environ.get("NNGRAPH_NATIVE") == "0" or not LIBRARY.exists():
        return None
    try:
        library = ctypes.CDLL(str(LIBRARY))
        library.nngraph_sums_f32.argtypes = [_POINTER, _COUNT, _POINTER]
        library.nngraph_residuals_f32.argtypes = [_POINTER, _COUNT, ctypes.c_float, _POINTER]
        library.nngraph_stats_f32.argtypes = [_POINTER, _POINTER, _COUNT, _POINTER]
    except (OSError, AttributeError):  # built for another machine, or from an older source
        return None
    library.nngraph_sums_f32.restype = library.nngraph_residuals_f32.restype = None
    library.nngraph_stats_f32.restype = _COUNT
    return library


_library = _load()


def available() -> bool:
    """Whether the compiled reductions are in use.

    >>> available() in (True, False)
    True
    """
    return _library is not None


def _readable(values: np.ndarray) -> bool:
    return values.dtype == np.float32 and values.ndim == 1 and values.flags.c_contiguous


def sums_f32(values: np.ndarray) -> list[float] | None:
    """`[sum, sum of squares, min, max, zeros]` of float32 `values` in one pass, or None
    without the library. Not NaN-aware: a NaN or Inf shows only as non-finite sums.

    >>> sums = sums_f32(np.zeros(100, dtype=np.float32))
    >>> sums is None or sums == [0.0, 0.0, 0.0, 0.0, 100.0]
    True
    """
    if _library is None or not _readable(values):
        return None
    out = np.empty(5)
    _library.nngraph_sums_f32(values.ctypes.data, values.size, out.ctypes.data)
    return out.tolist()


def residuals_f32(values: np.ndarray, about: float) -> tuple[float, float] | None:
    """The sum of `values - about` and of its squares, with `about` rounded to float32 first
    (the subtraction is then exact for values near it), or None without the library.

    >>> residuals_f32(np.array([1e4, 1e4 + 0.5], dtype=np.float32), 1e4) in (None, (0.5, 0.25))
    True
    """
    if _library is None or not _readable(values):
        return None
    out = np.empty(2)
    _library.nngraph_residuals_f32(values.ctypes.data, values.size, about, out.ctypes.data)
    return float(out[0]), float(out[1])


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
