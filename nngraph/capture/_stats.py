"""Summary statistics of tensors, computed on their own device and fetched in one transfer.

The device only computes raw sums (sum, sum of squares, min, max, non-zeros, NaNs, Infs) and
keeps them there (no `.item()`), so a CUDA model pays no synchronisation per node;
`StatsBatch.flush()` brings everything pending to the host with one `.tolist()` per device, and
the host turns the sums into mean, std, norm and zero fraction.

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

import torch

__all__ = ["STAT_NAMES", "StatsBatch", "stats_of"]

#: The statistics every node's `value` and `grad` carry, besides `numel`.
STAT_NAMES = ("mean", "std", "min", "max", "norm", "zero_frac", "nan", "inf")
_RAW = 8  # sum, sum of squares, min, max, non-zeros, NaNs, Infs, centred sum of squares

#: Tensors up to this many elements are copied and summarised all together at `flush()`.
SMALL = 1 << 12


def _as_float(t: torch.Tensor) -> torch.Tensor:
    x = t.detach()
    if x.is_complex():
        x = x.abs()
    return x if x.dtype in (torch.float32, torch.float64) else x.float()


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

    A finite sum of squares means no NaN and no Inf, so those are only counted when it is not.
    """
    x = _as_float(t).reshape(-1)
    squares = float(torch.dot(x, x))
    low, high = torch.aminmax(x)
    nan = inf = 0.0
    if not math.isfinite(squares):
        nan = float(torch.count_nonzero(torch.isnan(x)))
        inf = float(torch.count_nonzero(torch.isinf(x)))
    nonzero = float(torch.count_nonzero(x))
    return [float(x.sum()), squares, float(low), float(high), nonzero, nan, inf, math.nan]


def _raw_segments(flat: torch.Tensor, numels: list[int]) -> torch.Tensor:
    """The raw sums of many small tensors laid end to end in `flat`, one row per tensor.

    A dozen kernels for all of them instead of several per tensor.
    """
    lengths = torch.tensor(numels, device=flat.device)
    means = torch.segment_reduce(flat, "sum", lengths=lengths) / lengths
    centred = flat - means.repeat_interleave(lengths, output_size=flat.numel())

    def segment(values: torch.Tensor, reduce: str = "sum") -> torch.Tensor:
        return torch.segment_reduce(values, reduce, lengths=lengths)

    squares = segment(flat * flat)
    if flat.device.type == "cpu" and math.isfinite(float(squares.sum())):
        nan = inf = torch.zeros_like(squares)  # no NaN or Inf anywhere: skip two passes
    else:
        nan = segment(torch.isnan(flat).to(flat.dtype))
        inf = segment(torch.isinf(flat).to(flat.dtype))
    rows = [
        segment(flat),
        squares,
        segment(flat, "min"),
        segment(flat, "max"),
        segment((flat != 0).to(flat.dtype)),
        nan,
        inf,
        segment(centred * centred),
    ]
    return torch.stack(rows, dim=1).reshape(-1)


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
        and t.device.type != "meta"
        and t.numel() > 0
        and not t.is_nested
        and not t.is_quantized
    )


_Target = tuple[dict[str, Any], str, int]  # where to write, under which key, numel
_Finish = Callable[[list[int]], Any]


class StatsBatch:
    """Statistics waiting to be fetched: `add()` queues, `flush()` writes them into dicts.

    Small tensors are copied (one kernel) and summarised together at `flush()`; large ones are
    reduced at once on their device. Nothing comes to the host before `flush()`.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._small: dict[torch.device, list[tuple[_Target, torch.Tensor]]] = defaultdict(list)
        self._large: dict[torch.device, list[tuple[_Target, torch.Tensor]]] = defaultdict(list)
        self._vectors: dict[torch.device, list[tuple[_Target, torch.Tensor, _Finish]]]
        self._vectors = defaultdict(list)

    def add(self, target: dict[str, Any], key: str, tensor: torch.Tensor | None) -> None:
        """Queue the statistics of `tensor` to be written as `target[key]` by `flush()`.

        Unsupported tensors (sparse, meta, empty, nested) give None.
        """
        if tensor is None or not self.enabled or not _summarisable(tensor):
            target[key] = None
            return
        numel = tensor.numel()  # `_as_float` detaches, so no autograd work happens below
        if numel <= SMALL:
            copy = _as_float(tensor).reshape(-1).to(torch.float32, copy=True)
            self._small[tensor.device].append(((target, key, numel), copy))
        elif tensor.device.type == "cpu":
            target[key] = _finish(_raw_cpu(tensor), numel)
        else:
            self._large[tensor.device].append(((target, key, numel), _raw(tensor)))

    def add_numbers(
        self,
        target: dict[str, Any],
        key: str,
        numbers: torch.Tensor,
        finish: _Finish = list,
    ) -> None:
        """Queue a small tensor to be written as `target[key] = finish(its numbers as ints)`."""
        if not self.enabled:
            return
        vector = numbers.detach().reshape(-1)
        self._vectors[numbers.device].append(((target, key, vector.numel()), vector, finish))

    def flush(self) -> None:
        """Fetch all pending statistics: one host transfer per device."""
        with torch.no_grad():
            for device in set(self._small) | set(self._large) | set(self._vectors):
                self._flush_device(device)

    def _flush_device(self, device: torch.device) -> None:
        small = self._small.pop(device, [])
        large = self._large.pop(device, [])
        vectors = self._vectors.pop(device, [])
        parts = [raw.to(torch.float64) for _, raw in large]
        parts += [v.to(torch.float64) for _, v, _ in vectors]
        if small:
            flat = torch.cat([copy for _, copy in small])
            numels = [numel for (_, _, numel), _ in small]
            parts.append(_raw_segments(flat, numels).to(torch.float64))
        numbers = torch.cat(parts).tolist() if parts else []
        at = 0
        for (target, key, numel), _ in large:
            target[key] = _finish(numbers[at : at + _RAW], numel)
            at += _RAW
        for (target, key, numel), _, finish in vectors:
            target[key] = finish([int(v) for v in numbers[at : at + numel]])
            at += numel
        for (target, key, numel), _ in small:
            target[key] = _finish(numbers[at : at + _RAW], numel)
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
