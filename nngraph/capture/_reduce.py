"""The reductions behind the statistics: a tensor's raw sums on its device, many small CPU
tensors at once with numpy, and the raw sums turned into mean, std, norm and zero fraction.

`_stats.StatsBatch` decides which tensor goes where and when; this module only computes.

    >>> import torch
    >>> finish(raw_cpu(torch.tensor([0.0, 3.0, -4.0])), 3)["norm"]
    5.0
"""

from __future__ import annotations

import math

import numpy as np
import torch

from nngraph.capture._native import available as native_available
from nngraph.capture._native import readable as _native_readable
from nngraph.capture._native import residuals_f32, stats_f32, sums_f32

__all__ = [
    "FLOATS",
    "as_float",
    "dead_units_cpu",
    "finish",
    "own_values",
    "raw",
    "raw_cpu",
    "raw_numbers",
    "raw_segments",
    "stats_of_group_cpu",
    "stats_of_segments_cpu",
]

FLOATS = (torch.float32, torch.float64)


def as_float(t: torch.Tensor) -> torch.Tensor:
    """`t`'s values as a float32 or float64 tensor, with their memory as it reads: a tensor
    with the negative bit (`torch._neg_view`) is negated into new memory."""
    x = t.detach()
    if x.is_complex():
        x = x.abs()
    elif x.is_neg():
        x = x.resolve_neg()
    return x if x.dtype in FLOATS else x.float()


def own_values(t: torch.Tensor) -> bool:
    """Whether `t`'s values can be read: not a tensor subclass that dispatches its ops itself
    (a wrapper such as DTensor's, a fake tensor), nor a gradient `torch.autograd.grad(...,
    is_grads_batched=True)` batched, outside the backward that batched it."""
    return type(t).__torch_dispatch__ is _DEFAULT_DISPATCH and not _is_legacy_batched(t)


_DEFAULT_DISPATCH = torch.Tensor.__torch_dispatch__
_is_legacy_batched = torch._C._functorch.is_legacy_batchedtensor


def raw(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The raw sums of one large tensor on an accelerator, left on the device: sum, sum of
    squares, min and max in the tensor's float type, and the counts of non-zeros, NaNs and Infs
    (exact, in int64). `raw_numbers` turns both, once on the host, into `finish`'s input.

    Eleven kernels: a trace summarises hundreds of tensors, and on a GPU each launch costs the
    host more than the reduction costs the device (`count_nonzero` alone launches four).
    `std_mean` is ten times slower than all of them together.
    """
    x = in_memory_order(as_float(t))
    low, high = torch.aminmax(x)
    sums = torch.stack([x.sum(), torch.dot(x, x), low, high])
    counts = torch.stack([(x != 0).sum(), x.isnan().sum(), x.isinf().sum()])
    return sums, counts


def in_memory_order(x: torch.Tensor) -> torch.Tensor:
    """`x` as one dimension, in the order its values lie in memory: a transpose or a permute of
    a whole tensor is read as it lies, not copied (statistics do not depend on the order).
    Other tensors (a slice with gaps, an expanded one) are flattened as `reshape(-1)` does.

        >>> t = torch.arange(6.0).reshape(2, 3).t()
        >>> in_memory_order(t).tolist(), in_memory_order(t).data_ptr() == t.data_ptr()
        ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], True)
    """
    if not x.is_contiguous():
        order = sorted(range(x.dim()), key=lambda d: (x.stride(d), x.size(d)), reverse=True)
        permuted = x.permute(order)
        if permuted.is_contiguous():
            return permuted.reshape(-1)
    return x.reshape(-1)


def raw_numbers(sums: list[float], counts: list[float]) -> list[float]:
    """`raw`'s two parts, read on the host, as `finish` takes them (the centred sum of squares
    is not computed on an accelerator)."""
    return [*sums, *counts, math.nan]


def raw_cpu(t: torch.Tensor) -> list[float]:
    """The raw sums of one large CPU tensor, as numbers: on the CPU reading them costs nothing.

    float32 values take one pass of the compiled reductions (`_native.py`) where the install
    built them; otherwise, and for rare values those do not cover (a NaN, values whose float32
    squares leave float32's range), numpy's passes (`_numpy_sums`). A transposed tensor is read
    in the order of its memory (`in_memory_order`), not copied first.

        >>> x = torch.full((10_000,), 1.0).index_fill_(0, torch.tensor([0]), 1.01)
        >>> f"{finish(raw_cpu(x), x.numel())['std']:.2e}"  # one value 0.01 above the rest
        '1.00e-04'
    """
    x = t if _native_readable(t) else in_memory_order(as_float(t))
    sums = _native_sums(x)
    if sums is None:
        x = x.detach().reshape(-1)
        sums = _numpy_sums(x, x.numpy())
    return sums


def _native_sums(x: torch.Tensor) -> list[float] | None:
    """`raw_cpu`'s sums from the compiled pass, or None where numpy must do them. Where the
    variance is below a tenth of the mean square, a second pass sums the residuals about the
    mean: the one-pass `E[x^2] - E[x]^2` would keep too few digits of it."""
    sums = sums_f32(x)
    if sums is None:
        return None
    total, squares, low, high, zeros = sums
    n = x.numel()
    if not _float32_squares_fit(squares, low, high, n, zeros):
        return None
    centred = math.nan
    if low == high:
        centred = 0.0
    elif squares / n - (total / n) ** 2 < _CANCELS * squares / n:
        total, centred = _about_mean(x, total / n)
    return [total, squares, low, high, n - zeros, 0.0, 0.0, centred]


def _float32_squares_fit(squares: float, low: float, high: float, n: int, zeros: float) -> bool:
    """Whether float32 sums of squares hold these values: no NaN or Inf among them (those make
    the sums non-finite), no square above float32's range, and not all of them so small that
    their squares underflow."""
    return (
        math.isfinite(squares)
        and max(-low, high) ** 2 * n <= _FLOAT32_MAX
        and not (squares < _TINY_SQUARES * n and zeros < n)
    )


def _numpy_sums(x: torch.Tensor, values: np.ndarray) -> list[float]:
    """`raw_cpu`'s sums by numpy, a pass each, the fastest measured: numpy's dot, torch's sum
    (twice as fast as numpy's), numpy's min and max (together faster than torch's single-pass
    `aminmax`), and zeros counted as `x == 0` (five times faster than counting non-zeros). A
    finite sum of squares means no NaN and no Inf, so those are only counted when it is not.
    Two cases take a second look, both rare: float32 sums that left float32's range (values
    above ~1e17 or below ~1e-19: `_sums_wide` redoes them in float64), and a spread far below
    the values' size (a LayerNorm gain of ones after one small step), where `E[x^2] - E[x]^2`
    would cancel to nothing: the squares about the mean are summed too. (`raw`, on a device,
    does neither: there such values still overflow.)"""
    low, high = float(values.min()), float(values.max())
    n = values.size
    if values.dtype == np.float32 and max(-low, high) ** 2 * n > _FLOAT32_MAX:
        total, squares = _sums_wide(values)  # float32 sums could overflow (NaN bounds: no)
    else:
        squares = float(np.dot(values, values))
        total = float(x.sum())
    nan = inf = 0.0
    if not math.isfinite(squares):
        with np.errstate(all="ignore"):  # counted, not warned about
            nan = float(np.count_nonzero(np.isnan(values)))
            inf = float(np.count_nonzero(np.isinf(values)))
    nonzero = float(values.size)
    if not (low > 0 or high < 0):  # else no zero can be there (NaN bounds: count)
        nonzero -= int(np.count_nonzero(values == 0))
    if values.dtype == np.float32 and squares < _TINY_SQUARES * n and nonzero:
        total, squares = _sums_wide(values)  # float32 squares underflowed
    centred = math.nan
    if low == high:  # one value throughout (a mask of ones): no spread to lose
        centred = 0.0
    elif math.isfinite(squares) and squares / n - (total / n) ** 2 < _CANCELS * squares / n:
        total, centred = _about_mean(x, total / n)
    return [total, squares, low, high, nonzero, nan, inf, centred]


# A mean square below this is float32's smallest normal number: those squares lose digits.
_TINY_SQUARES = 1.2e-38
# float32 sums of squares (numpy's dot over a million values, the compiled pass's lanes) keep
# 5 to 6 digits: below this variance / mean square (std under a third of the RMS: a LayerNorm
# gain after a small step, two-valued data), `E[x^2] - E[x]^2` would keep too few of them, and
# a second pass sums the residuals about the mean.
_CANCELS = 0.1
# The same for the float64 sums of a group of small tensors (up to 65,536 float32 squares,
# each exact in float64): their rounding is at most ~1e-11 of the sum, so a centred sum above
# 1e-6 of it keeps 5 digits.
_CANCELS_WIDE = 1e-6
# A float32 sum of squares at most this stays finite (float32's largest is 3.4e38).
_FLOAT32_MAX = 1e38


def _sums_wide(values: np.ndarray) -> tuple[float, float]:
    """The sum and the sum of squares in float64, where float32 ones overflow or underflow."""
    wide = values.astype(np.float64)
    with np.errstate(all="ignore"):  # an Inf among the values: counted, not warned about
        return float(wide.sum()), float(np.dot(wide, wide))


def _about_mean(x: torch.Tensor, mean: float) -> tuple[float, float]:
    """The sum of the values of `x` and the sum of their squares about their mean, from a
    second pass in float64 over the residuals about `mean`, an estimate of it (compiled where
    it can be, see `_native.residuals_f32`): the residuals' own sum corrects for the
    estimate's error, which would otherwise add n times its square."""
    values = x.detach().reshape(-1).numpy()
    about = float(values.dtype.type(mean))
    compiled = residuals_f32(x, about)  # None for float64, or without the library
    if compiled is not None:
        shift, squares = compiled
    else:
        with np.errstate(all="ignore"):
            residuals = values.astype(np.float64) - about
            shift, squares = float(residuals.sum()), float(np.dot(residuals, residuals))
    n = values.size
    return about * n + shift, max(squares - shift * shift / n, 0.0)


def raw_segments(flat: torch.Tensor, numels: list[int]) -> torch.Tensor:
    """The raw sums of many small tensors laid end to end in `flat` on an accelerator, one
    row per tensor: a dozen kernels for all of them instead of several per tensor."""
    lengths = torch.tensor(numels, device=flat.device)
    means = torch.segment_reduce(flat, "sum", lengths=lengths) / lengths
    centred = flat - means.repeat_interleave(lengths, output_size=flat.numel())

    def segment(values: torch.Tensor, reduce: str = "sum") -> torch.Tensor:
        return torch.segment_reduce(values, reduce, lengths=lengths)

    rows = [
        segment(flat),
        segment(flat * flat),
        segment(flat, "min"),
        segment(flat, "max"),
        segment((flat != 0).to(flat.dtype)),
        segment(torch.isnan(flat).to(flat.dtype)),
        segment(torch.isinf(flat).to(flat.dtype)),
        segment(centred * centred),
    ]
    return torch.stack(rows, dim=1).reshape(-1)


def stats_of_group_cpu(
    tensors: list[torch.Tensor], numels: list[int]
) -> list[dict[str, float] | None]:
    """The statistics of small CPU float tensors: read where they lie by the compiled passes
    (`_native_table`), else laid end to end for numpy. A tensor whose values cannot be read
    (see `own_values`) makes the group fail: then each is taken alone, None for those."""
    table = _native_table(tensors)
    if table is not None:
        return list(_rows(table))
    try:
        flat = torch._C._nn.flatten_dense_tensors(tensors)
    except RuntimeError:  # a batched gradient: no batching rule for this
        flat = None
    if type(flat) is torch.Tensor:  # the common case
        return list(stats_of_segments_cpu(flat, numels))
    return [
        stats_of_segments_cpu(t.detach().reshape(-1), [n])[0] if own_values(t) else None
        for t, n in zip(tensors, numels, strict=True)
    ]


def stats_of_segments_cpu(flat: torch.Tensor, numels: list[int]) -> list[dict[str, float]]:
    """The statistics of many small CPU tensors laid end to end in `flat`, one dict per tensor:
    numpy's `reduceat` reduces every segment in one call."""
    sizes = np.array(numels)
    values = flat.resolve_neg().numpy()  # a tensor given alone keeps its negative bit
    return _rows(_numpy_table(values, sizes, sizes.astype(np.float64)))


def _rows(table: np.ndarray) -> list[dict[str, float]]:
    """A dict per column of a table with a row per statistic, in `finish`'s order."""
    return [
        {"mean": a, "std": b, "min": c, "max": d, "norm": e, "zero_frac": f, "nan": g, "inf": h,
         "numel": i}  # a dict display: twice as fast as dict(zip(...)) for thousands of rows
        for a, b, c, d, e, f, g, h, i in table.T.tolist()
    ]  # fmt: skip


def _native_table(tensors: list[torch.Tensor]) -> np.ndarray | None:
    """`_numpy_table` by the compiled passes (`_native.stats_f32`), over float32 tensors read
    where they lie; None for other dtypes, without the library, or for values it leaves to
    numpy."""
    if not native_available():
        return None
    memory = []
    for t in tensors:
        if t.dtype is not torch.float32 or t.is_neg() or t._is_zerotensor() or not own_values(t):
            return None
        memory.append(t.contiguous())  # a small copy where it is not
    return stats_f32(memory)


def _numpy_table(values: np.ndarray, sizes: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The statistics of segments of `values` (a row per statistic, in `finish`'s order): a
    `reduceat` per sum, for all segments at once. Sums are taken in float64, where the squares
    of float32 values are exact, so `sum(x^2) - sum(x)^2 / n` keeps the variance."""
    starts = sizes.cumsum() - sizes
    table = np.empty((9, sizes.size))  # a row per statistic, in finish's order
    with np.errstate(all="ignore"):  # NaN and Inf are counted, not warned about
        wide = values.astype(np.float64)
        totals = np.add.reduceat(wide, starts)
        squares = np.add.reduceat(np.square(wide, out=wide), starts)
        _fill_table(table, values, starts, n, totals, squares)
        # A NaN or Inf makes its segment's sum of squares non-finite; finite float32 squares
        # cannot overflow a float64 sum.
        if np.isfinite(squares).all():
            table[6:8] = 0.0
        else:
            table[6] = np.add.reduceat(np.isnan(values).view(np.uint8), starts, dtype=np.int32)
            table[7] = np.add.reduceat(np.isinf(values).view(np.uint8), starts, dtype=np.int32)
    table[8] = n
    return table


def _fill_table(
    table: np.ndarray,
    values: np.ndarray,
    starts: np.ndarray,
    n: np.ndarray,
    totals: np.ndarray,
    squares: np.ndarray,
) -> None:
    np.divide(totals, n, out=table[0])
    table[2] = np.minimum.reduceat(values, starts)  # in float32: an `out=` would widen first
    table[3] = np.maximum.reduceat(values, starts)
    centred = squares - totals * totals / n
    # Where the spread is far below the values' size (weights of 1e4 +- 5e-3), that difference
    # cancels to rounding: those segments are summed again about their mean. One value
    # throughout (a gain of ones) has no spread at all.
    close = centred < _CANCELS_WIDE * squares
    centred[close & (table[2] == table[3])] = 0.0
    for i in np.flatnonzero(close & (table[2] != table[3])).tolist():
        segment = values[starts[i] : starts[i] + int(n[i])].astype(np.float64) - table[0, i]
        centred[i] = np.dot(segment, segment)
    np.sqrt(np.divide(centred, n, out=centred), out=table[1])
    np.sqrt(squares, out=table[4])
    zero = values == 0
    if zero.any():  # weights and gradients seldom hold an exact zero: then nothing to count
        zeros = np.add.reduceat(zero.view(np.uint8), starts, dtype=np.int32)
        np.divide(zeros, n, out=table[5])
    else:
        table[5] = 0.0


def finish(sums: list[float], numel: int) -> dict[str, float]:
    """Turn the raw sums into the statistics of docs/schema.md."""
    total, squares, low, high, nonzero, nan, inf, centred = sums
    mean = total / numel
    if centred == centred:
        variance = centred / numel
    else:
        # One pass: E[x^2] - E[x]^2 loses what is below float32's resolution of E[x^2].
        variance = squares / numel - mean * mean
        if variance < 1e-6 * squares / numel:
            variance = 0.0
    std = math.sqrt(variance) if variance == variance else math.nan
    return {
        "mean": mean,
        "std": std,
        "min": low,
        "max": high,
        "norm": math.sqrt(squares) if squares == squares else math.nan,
        "zero_frac": (numel - nonzero) / numel,
        "nan": float(round(nan)),
        "inf": float(round(inf)),
        "numel": float(numel),
    }


def dead_units_cpu(stacked: np.ndarray, unit_dim: int) -> list[list[int]]:
    """`[dead, units]` of each small CPU ReLU output of one shape, stacked along a new axis 0,
    without torch's per-call cost. `fmax` skips NaNs, so the other examples still say whether a
    unit is alive; a unit that is NaN for every example stays NaN, which is not known to be
    dead."""
    others = tuple(d for d in range(1, stacked.ndim) if d != unit_dim + 1)
    highest = np.fmax.reduce(stacked, axis=others)
    units = stacked.shape[unit_dim + 1]
    alive = np.count_nonzero(~(highest <= 0), axis=1)
    return [[units - int(n), units] for n in alive.tolist()]
