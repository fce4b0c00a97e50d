"""Summary statistics of tensors, computed on their own device and fetched in one transfer.

The statistics come from raw sums (sum, sum of squares, min, max, non-zeros, NaNs, Infs):
- a tensor of up to `SMALL` elements is held (not copied) until `StatsBatch.flush()`, which
  lays all of them end to end and reduces every segment at once: a few calls for thousands of
  tensors. The recorder calls `before_write()` before an op writes into a tensor in place, and
  the held tensors that share its storage are copied then;
- a larger tensor is reduced at once: on the CPU to numbers, on an accelerator to sums left on
  the device (no `.item()`), so a CUDA model pays no synchronisation per node;
- `flush()` brings everything pending to the host with one `.tolist()` per device, and the
  host turns the sums into mean, std, norm and zero fraction.

    >>> import torch
    >>> batch = StatsBatch()
    >>> node = {}
    >>> batch.add(node, "value", torch.tensor([0.0, 3.0, -4.0]))
    >>> batch.flush()
    >>> node["value"]["norm"], round(node["value"]["zero_frac"], 3)
    (5.0, 0.333)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

__all__ = ["STAT_NAMES", "StatsBatch", "stats_of"]

#: The statistics every node's `value` and `grad` carry, besides `numel`.
STAT_NAMES = ("mean", "std", "min", "max", "norm", "zero_frac", "nan", "inf")
_RAW = 8  # sum, sum of squares, min, max, non-zeros, NaNs, Infs, centred sum of squares

#: Tensors up to this many elements are held and summarised all together at `flush()`.
SMALL = 1 << 12

_FLOATS = (torch.float32, torch.float64)


def _as_float(t: torch.Tensor) -> torch.Tensor:
    x = t.detach()
    if x.is_complex():
        x = x.abs()
    return x if x.dtype in _FLOATS else x.float()


def _raw(t: torch.Tensor) -> torch.Tensor:
    """The raw sums of one large tensor on an accelerator, left on the device.

    Four passes (sum, dot, aminmax, count_nonzero) and two for NaN/Inf: `std_mean` is ten
    times slower than all of them together.
    """
    x = _as_float(t).reshape(-1)
    low, high = torch.aminmax(x)
    nan = torch.count_nonzero(torch.isnan(x))
    inf = torch.count_nonzero(torch.isinf(x))
    unknown = torch.full((), math.nan, dtype=x.dtype, device=x.device)  # centred: not computed
    parts = [x.sum(), torch.dot(x, x), low, high, torch.count_nonzero(x), nan, inf, unknown]
    return torch.stack([p.to(x.dtype) for p in parts])


def _raw_cpu(t: torch.Tensor) -> list[float]:
    """The raw sums of one large CPU tensor, as numbers: on the CPU reading them costs nothing.

    Each sum takes the fastest pass measured here: numpy's dot and sum, torch's single-pass
    `aminmax`, and zeros counted as `x == 0` (five times faster than counting non-zeros). A
    finite sum of squares means no NaN and no Inf, so those are only counted when it is not.
    """
    x = _as_float(t)
    values = x.numpy().reshape(-1)
    low, high = torch.aminmax(x)
    squares = float(np.dot(values, values))
    nan = inf = 0.0
    if math.isfinite(squares):
        total = float(values.sum())
    else:
        with np.errstate(all="ignore"):  # counted, not warned about
            total = float(values.sum())
            nan = float(np.count_nonzero(np.isnan(values)))
            inf = float(np.count_nonzero(np.isinf(values)))
    nonzero = float(values.size - np.count_nonzero(values == 0))
    return [total, squares, float(low), float(high), nonzero, nan, inf, math.nan]


def _raw_segments(flat: torch.Tensor, numels: list[int]) -> torch.Tensor:
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


@np.errstate(all="ignore")  # NaN and Inf are counted, not warned about
def _stats_of_segments_cpu(flat: torch.Tensor, numels: list[int]) -> list[dict[str, float]]:
    """The statistics of many small CPU tensors laid end to end in `flat`, one dict per tensor.

    numpy's `reduceat` reduces every segment in one call. Sums are taken in float64, where the
    squares of float32 values are exact, so `sum(x^2) - sum(x)^2 / n` keeps the variance.
    Zeros, NaNs and Infs are rare: they are found first, then counted per segment.
    """
    values = flat.numpy()
    starts = np.zeros(len(numels), dtype=np.int64)
    np.cumsum(numels[:-1], out=starts[1:])
    totals = np.add.reduceat(values, starts, dtype=np.float64)
    squares = np.add.reduceat(np.square(values, dtype=np.float64), starts)
    centred = squares - totals * totals / np.asarray(numels)
    centred[centred < 1e-12 * squares] = 0.0  # below the rounding of float64 sums: a constant

    def count(where: np.ndarray) -> np.ndarray:
        segments = np.searchsorted(starts, np.flatnonzero(where), side="right") - 1
        return np.bincount(segments, minlength=len(numels))

    nan = inf = np.zeros(len(numels))
    if not math.isfinite(float(squares.sum())):  # else no NaN or Inf anywhere
        nan, inf = count(np.isnan(values)), count(np.isinf(values))
    n = np.asarray(numels, dtype=np.float64)
    columns = {  # what _finish computes, for all segments at once, in its order
        "mean": totals / n,
        "std": np.sqrt(centred / n),
        "min": np.minimum.reduceat(values, starts),
        "max": np.maximum.reduceat(values, starts),
        "norm": np.sqrt(squares),
        "zero_frac": count(values == 0) / n,
        "nan": np.asarray(nan, dtype=np.float64),
        "inf": np.asarray(inf, dtype=np.float64),
        "numel": n,
    }
    names = list(columns)
    rows = zip(*(column.astype(np.float64).tolist() for column in columns.values()), strict=True)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _finish(raw: list[float], numel: int) -> dict[str, float]:
    """Turn the raw sums into the statistics of docs/schema.md."""
    total, squares, low, high, nonzero, nan, inf, centred = raw
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


def _summarisable(t: torch.Tensor) -> bool:
    return (
        t.layout == torch.strided
        and not t.is_meta
        and not t.is_nested
        and not t.is_quantized
        and t.numel() > 0
    )


def _storage_key(t: torch.Tensor) -> int | None:
    """What every view of `t`'s memory shares; None for tensors without plain storage."""
    try:
        return int(t.untyped_storage().data_ptr())
    except (RuntimeError, NotImplementedError):
        return None


_Target = tuple[dict[str, Any], str, int]  # where to write, under which key, numel
_Write = Callable[[list[int]], None]  # takes a queued vector's numbers, writes them to nodes


class _Held:
    """A small tensor waiting for `flush()`, or for `before_write()` to copy it."""

    __slots__ = ("key", "numel", "target", "tensor")

    def __init__(self, target: dict[str, Any], key: str, tensor: torch.Tensor) -> None:
        self.target, self.key, self.tensor = target, key, tensor
        self.numel = tensor.numel()


class StatsBatch:
    """Statistics waiting to be fetched: `add()` queues, `flush()` writes them into dicts.

    Small tensors are held and summarised together at `flush()`; large ones are reduced at once
    on their device. Nothing comes to the host before `flush()`.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._small: dict[torch.device, list[_Held]] = defaultdict(list)
        self._by_storage: dict[int, list[_Held]] = defaultdict(list)
        self._large: dict[torch.device, list[tuple[_Target, torch.Tensor]]] = defaultdict(list)
        self._vectors: dict[torch.device, list[tuple[torch.Tensor, _Write]]] = defaultdict(list)
        self._relu_outputs: dict[tuple[torch.device, torch.Size], list[_Held]] = defaultdict(list)

    def add(self, target: dict[str, Any], key: str, tensor: torch.Tensor | None) -> None:
        """Queue the statistics of `tensor` to be written as `target[key]` by `flush()`.

        Unsupported tensors (sparse, meta, empty, nested) give None.
        """
        if tensor is None or not self.enabled or not _summarisable(tensor):
            target[key] = None
            return
        numel = tensor.numel()
        if numel > SMALL:
            if tensor.device.type == "cpu":
                target[key] = _finish(_raw_cpu(tensor), numel)
            else:
                self._large[tensor.device].append(((target, key, numel), _raw(tensor)))
            return
        storage = _storage_key(tensor) if tensor.dtype in _FLOATS else None
        if storage is None:  # converted now, so the held copy is ours
            tensor = _as_float(tensor).to(torch.float32, copy=True)
        held = _Held(target, key, tensor)
        self._small[tensor.device].append(held)
        if storage is not None:
            self._by_storage[storage].append(held)

    @property
    def holding(self) -> bool:
        """Whether some tensor is held, whose memory `before_write()` must watch."""
        return bool(self._by_storage)

    def before_write(self, tensor: torch.Tensor) -> None:
        """`tensor` is about to change in place: copy the held tensors that share its memory."""
        storage = _storage_key(tensor)
        for held in self._by_storage.pop(storage, ()) if storage is not None else ():
            held.tensor = held.tensor.detach().clone()

    def add_numbers(
        self,
        target: dict[str, Any],
        key: str,
        numbers: torch.Tensor,
        finish: Callable[[list[int]], Any] = list,
    ) -> None:
        """Queue a small tensor to be written as `target[key] = finish(its numbers as ints)`."""
        if not self.enabled:
            return

        def write(values: list[int]) -> None:
            target[key] = finish(values)

        self._vectors[numbers.device].append((numbers.detach().reshape(-1), write))

    def add_dead_units(self, target: dict[str, Any], key: str, relu_out: torch.Tensor) -> None:
        """Queue `target[key] = [dead, units]`: the units of a ReLU output (features of 2-d and
        3-d outputs, channels of 4-d and more) that are zero for the whole batch.

        A ReLU output is never negative, so a unit is alive exactly when its maximum over the
        batch (and positions) is above zero. For 3-d outputs the last dimension is taken as the
        features (sequence models). Small outputs of one shape are reduced together at `flush()`.
        """
        if not self.enabled or relu_out.dim() < 2 or not relu_out.is_floating_point():
            return
        held = _Held(target, key, relu_out)
        storage = _storage_key(relu_out)
        if held.numel > SMALL or storage is None:
            self._add_alive_counts([held], relu_out.detach().unsqueeze(0))
            return
        self._relu_outputs[relu_out.device, relu_out.shape].append(held)
        self._by_storage[storage].append(held)

    def _add_alive_counts(self, group: list[_Held], stacked: torch.Tensor) -> None:
        """Queue the alive units of ReLU outputs of one shape, stacked along a new dimension 0."""
        unit_dim = 2 if stacked.dim() == 4 else 1  # the features of a 3-d output are last
        others = [d + 1 for d in range(stacked.dim() - 1) if d != unit_dim]
        alive = (stacked.amax(dim=others) > 0).sum(dim=1)
        units = stacked.shape[unit_dim + 1]

        def write(counts: list[int]) -> None:
            for held, count in zip(group, counts, strict=True):
                held.target[held.key] = [units - count, units]

        self._vectors[stacked.device].append((alive, write))

    def _count_dead_units(self) -> None:
        for group in self._relu_outputs.values():
            self._add_alive_counts(group, torch.stack([held.tensor.detach() for held in group]))
        self._relu_outputs.clear()

    def flush(self) -> None:
        """Fetch all pending statistics: one host transfer per device."""
        with torch.no_grad():
            self._count_dead_units()
            for device in set(self._small) | set(self._large) | set(self._vectors):
                self._flush_device(device)
        self._by_storage.clear()

    def _flush_device(self, device: torch.device) -> None:
        small = self._small.pop(device, [])
        large = self._large.pop(device, [])
        vectors = self._vectors.pop(device, [])
        parts = [raw.to(torch.float64) for _, raw in large]
        parts += [vector.to(torch.float64) for vector, _ in vectors]
        small_stats: list[dict[str, float]] = []
        if small:
            flat = torch._C._nn.flatten_dense_tensors([held.tensor for held in small])
            numels = [held.numel for held in small]
            if device.type == "cpu":
                small_stats = _stats_of_segments_cpu(flat, numels)
            else:
                parts.append(_raw_segments(flat.float(), numels).to(torch.float64))
        numbers = torch.cat(parts).tolist() if parts else []
        at = 0
        for (target, key, numel), _ in large:
            target[key] = _finish(numbers[at : at + _RAW], numel)
            at += _RAW
        for vector, write in vectors:
            write([int(v) for v in numbers[at : at + vector.numel()]])
            at += vector.numel()
        if small_stats:
            for held, stats in zip(small, small_stats, strict=True):
                held.target[held.key] = stats
            return
        for held in small:
            held.target[held.key] = _finish(numbers[at : at + _RAW], held.numel)
            at += _RAW


def stats_of(tensor: torch.Tensor) -> dict[str, float] | None:
    """Statistics of one tensor as a dict of floats (None for empty or sparse tensors).

    >>> import torch
    >>> stats_of(torch.tensor([1.0, float("nan")]))["nan"]
    1.0
    """
    holder: dict[str, Any] = {}
    batch = StatsBatch()
    batch.add(holder, "stats", tensor)
    batch.flush()
    result: dict[str, float] | None = holder["stats"]
    return result
