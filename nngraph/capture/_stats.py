"""Summary statistics of tensors, computed on their own device and fetched in one transfer.

The statistics come from raw sums (sum, sum of squares, min, max, non-zeros, NaNs, Infs):
- a tensor of up to `SMALL` elements is held (not copied) until `StatsBatch.flush()`, which
  lays all of them end to end and reduces every segment at once: a few calls for thousands of
  tensors. The recorder calls `before_write()` before an op writes into a tensor in place, and
  the held tensors that share its storage are copied then;
- a larger tensor is reduced at once: on the CPU to numbers (with `hold_large`, at `flush()`),
  on an accelerator to sums left on the device (no `.item()`), so a CUDA model pays no
  synchronisation per node;
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

import weakref
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar, cast

import torch

from nngraph.capture._common import hidden
from nngraph.capture._memory import dense_memory, storage_key
from nngraph.capture._native import dead_units_f32
from nngraph.capture._reduce import (
    FLOATS,
    as_float,
    dead_units_cpu,
    finish,
    own_values,
    raw,
    raw_cpu,
    raw_numbers,
    raw_segments,
    stats_of_group_cpu,
)

__all__ = ["STAT_NAMES", "StatsBatch", "stats_of", "summarisable"]

#: The statistics every node's `value` and `grad` carry, besides `numel`.
STAT_NAMES = ("mean", "std", "min", "max", "norm", "zero_frac", "nan", "inf")
_RAW = 8  # sum, sum of squares, min, max, non-zeros, NaNs, Infs, centred sum of squares

#: Tensors up to this many elements are held and summarised all together at `flush()`: up to
#: here one numpy pass over many of them beats a few torch reductions each (measured).
SMALL = 1 << 13

#: Held CPU tensors are reduced in groups of about this many elements, which fit in the cache
#: in float64: numpy's passes over a group that does not are several times slower per element.
_GROUP = 1 << 16

#: When the tensors held by a recording (small values and gradients, ReLU outputs, on any
#: device) add up to this many elements (256 MiB of float32), everything pending is summarised
#: at once, to bound the memory a long recording keeps alive.
_HELD_LIMIT = 1 << 26

#: Up to this many small ReLU outputs of one shape are counted one by one by the compiled pass
#: at `flush()`; more are stacked and counted by numpy in one go. Measured: 1 output of 64 x 128,
#: 16 us one by one and 26 us stacked; 4, 47 and 48 us; 8, 89 and 80 us (of 4 x 16: 9 and 21 us,
#: 21 and 25 us, 37 and 28 us).
_FEW_OUTPUTS = 3

_SPARSE = (torch.sparse_coo, torch.sparse_csr, torch.sparse_csc, torch.sparse_bsr, torch.sparse_bsc)

#: Sparse tensors up to this many elements are summarised as the dense tensor they stand for.
DENSE_LIMIT = 1 << 26


_is_functorch_wrapped = torch._C._functorch.is_functorch_wrapped_tensor


def summarisable(t: torch.Tensor) -> bool:
    """Whether `t` has values to summarise: a dense, non-empty tensor whose values can be read
    (not meta, nested, quantized, nor a tensor subclass that dispatches its ops itself).

    >>> summarisable(torch.ones(2)), summarisable(torch.empty(0))
    (True, False)
    """
    return (
        t.layout == torch.strided
        and not t.is_meta
        and not t.is_nested
        and not t.is_quantized
        and t.numel() > 0
        and own_values(t)
    )


_Target = tuple[dict[str, Any], str, int]  # where to write, under which key, numel
_Write = Callable[[list[float]], None]  # takes a queued vector's numbers, writes them to nodes
_Raw = tuple[torch.Tensor, torch.Tensor]  # `raw()`'s sums and counts, still on the device
_T = TypeVar("_T")


class _Held:
    """Small tensors waiting for `flush()`, each with the dict and key its statistics go to.

    `before_write()` swaps a copy in at the same position when something is about to change one.
    """

    __slots__ = ("indexed", "numel", "targets", "tensors")

    def __init__(self) -> None:
        self.indexed = 0  # how many of `tensors` are in StatsBatch's index by storage
        self.numel = 0  # of all `tensors` together
        self.tensors: list[torch.Tensor] = []
        self.targets: list[tuple[dict[str, Any], str]] = []


class StatsBatch:
    """Statistics waiting to be fetched: `add()` queues, `flush()` writes them into dicts.

    Small tensors are held and summarised together at `flush()`; large ones are reduced at once
    on their device. Nothing comes to the host before `flush()`.
    """

    def __init__(
        self, *, enabled: bool = True, reuse: bool = True, hold_large: bool = False
    ) -> None:
        self.enabled = enabled
        self.reuse = reuse  # whether large tensors showing the same memory share their numbers
        #: whether large CPU tensors wait for `flush()` too: right where nothing runs between
        #: `add()` and `flush()` (`graph_of`), where reducing them all after the walk keeps the
        #: walk's own data in the cache (measured: a ResNet's graph_of about 7% faster)
        self.hold_large = hold_large
        self._large_cpu: list[tuple[dict[str, Any], str, torch.Tensor]] = []
        self._cpu = _Held()  # the small float tensors of the CPU: the common case, kept apart
        self._small: dict[torch.device, _Held] = defaultdict(_Held)  # other devices and dtypes
        self._by_storage: dict[int, list[tuple[_Held, int]]] = defaultdict(list)
        #: Whether some tensor is held, whose memory `before_write()` must watch.
        self.holding = False
        self._large: dict[torch.device, list[tuple[_Target, _Raw]]] = defaultdict(list)
        self._vectors: dict[torch.device, list[tuple[torch.Tensor, _Write]]] = defaultdict(list)
        self._relu_outputs: dict[tuple[torch.device, torch.Size, int], _Held] = defaultdict(_Held)
        #: (device, memory) -> (the tensor, weakly; its statistics or `raw()` sums)
        self._seen: dict[tuple[torch.device, Any], tuple[weakref.ref[Any], Any]] = {}
        self._held_numel = 0  # elements held in all groups: see _HELD_LIMIT

    def add(self, target: dict[str, Any], key: str, tensor: torch.Tensor | None) -> None:
        """Queue the statistics of `tensor` to be written as `target[key]` by `flush()`.

        Sparse tensors count as the dense tensor they stand for (up to `DENSE_LIMIT` elements);
        unsupported tensors (meta, empty, nested, larger sparse ones, the wrappers `torch.vmap` and
        `torch.func` work on) give None.
        """
        if tensor is None or not self.enabled or _is_functorch_wrapped(tensor):
            target[key] = None  # a wrapper of `torch.vmap` or `torch.func`: no data outside it
        elif tensor._is_zerotensor():  # autograd's gradient of `torch.sgn`: zeros, no memory
            self.add(
                target, key, torch.zeros(tensor.shape, dtype=tensor.dtype, device=tensor.device)
            )
        elif (
            tensor.is_cpu
            and tensor.dtype in FLOATS
            and tensor.layout == torch.strided
            and not tensor.is_nested
        ):  # the common cases, checked once: a CPU tensor of floats
            numel = tensor.numel()
            if 0 < numel <= SMALL:
                self._hold(self._cpu, target, key, tensor)
            elif numel and not self.hold_large and own_values(tensor):
                target[key] = self._large_cpu_stats(tensor)
            else:
                self._add_other(target, key, tensor)
        else:
            self._add_other(target, key, tensor)

    def _hold(self, held: _Held, target: dict[str, Any], key: str, tensor: torch.Tensor) -> None:
        held.tensors.append(tensor)
        held.targets.append((target, key))
        self.holding = True
        numel = tensor.numel()
        held.numel += numel
        self._held_numel += numel
        if self._held_numel > _HELD_LIMIT:  # ReLU outputs and other devices' tensors too
            self.flush()

    def _add_other(self, target: dict[str, Any], key: str, tensor: torch.Tensor) -> None:
        if tensor.layout in _SPARSE and 0 < tensor.numel() <= DENSE_LIMIT:
            # What a student compares with is the dense tensor (`p.grad.to_dense()` of a sparse
            # embedding): its implicit zeros count in the mean and the zero fraction.
            with torch.no_grad():
                tensor = tensor.detach().to_dense()
        if not summarisable(tensor):
            target[key] = None
            return
        numel = tensor.numel()
        if numel > SMALL:
            if tensor.device.type == "cpu" and self.hold_large:
                self._large_cpu.append((target, key, tensor))
            elif tensor.device.type == "cpu":
                target[key] = self._large_cpu_stats(tensor)
            else:
                self._large[tensor.device].append(((target, key, numel), self._raw_once(tensor)))
        else:
            if tensor.dtype not in FLOATS:  # converted now: the held copy is ours
                tensor = as_float(tensor).to(torch.float32, copy=True)
            held = self._cpu if tensor.device.type == "cpu" else self._small[tensor.device]
            self._hold(held, target, key, tensor)

    def _large_cpu_stats(self, tensor: torch.Tensor) -> dict[str, float]:
        """The statistics of a large CPU tensor, now (a copy of those of the same memory).
        `_once`, written out: a transformer's trace takes this path for hundreds of tensors."""
        memory = dense_memory(tensor) if self.reuse else None
        if memory is not None:
            key = (tensor.device, memory)
            seen = self._seen.get(key)
            if seen is not None and seen[0]() is not None:
                return dict(seen[1])
        stats = finish(raw_cpu(tensor), tensor.numel())
        if memory is not None:
            self._seen[key] = (weakref.ref(tensor), stats)
            self.holding = True
        return dict(stats)

    def _raw_once(self, tensor: torch.Tensor) -> _Raw:
        """`raw(tensor)` on its accelerator, or the sums already taken there of the same memory
        (a transformer's views and transposes are four in ten of its large tensors)."""
        return self._once(tensor, lambda: raw(tensor))

    def _once(self, tensor: torch.Tensor, compute: Callable[[], _T]) -> _T:
        """`compute()`, or what it gave for a tensor showing the same unchanged memory that is
        still alive: the gradient an `add` passes on to both of its inputs, a view, a transpose."""
        memory = dense_memory(tensor) if self.reuse else None
        key = (tensor.device, memory)
        seen = self._seen.get(key) if memory is not None else None
        if seen is not None and seen[0]() is not None:
            return cast(_T, seen[1])
        result = compute()
        if memory is not None:
            # A weak reference: while the tensor lives, no other can take its memory.
            self._seen[key] = (weakref.ref(tensor), result)
            self.holding = True  # so that in-place writes are reported to before_write()
        return result

    def before_write(self, tensor: torch.Tensor) -> None:
        """`tensor` is about to change in place: copy the held tensors that share its memory.

        The index of held tensors by storage is brought up to date here, not when they are
        added: most recordings never write in place.
        """
        self._seen.clear()  # a write through `.data` bumps another version counter than ours
        storage = storage_key(tensor)
        if storage is None:
            return
        for held in [self._cpu, *self._small.values(), *self._relu_outputs.values()]:
            tensors = held.tensors
            for at in range(held.indexed, len(tensors)):
                key = storage_key(tensors[at])
                if key is not None:
                    self._by_storage[key].append((held, at))
            held.indexed = len(tensors)
        for held, at in self._by_storage.pop(storage, ()):
            held.tensors[at] = held.tensors[at].detach().clone()

    def add_numbers(
        self,
        target: dict[str, Any],
        key: str,
        numbers: torch.Tensor,
        finish: Callable[[list[float]], Any] = list,
    ) -> None:
        """Queue a small tensor to be written as `target[key] = finish(its numbers as floats)`."""
        if not self.enabled:
            return

        def write(values: list[float]) -> None:
            target[key] = finish(values)

        self._vectors[numbers.device].append((numbers.detach().reshape(-1), write))

    def add_dead_units(
        self, target: dict[str, Any], key: str, relu_out: torch.Tensor, *, channels_first: bool
    ) -> None:
        """Queue `target[key] = [dead, units]`: the units of a ReLU output (dimension 1 when
        `channels_first`, else the last one: a linear layer's or a sequence model's features)
        that are zero for the whole batch.

        A ReLU output is never negative, so a unit is alive exactly when its maximum over the
        batch (and positions) is above zero. Small outputs of one shape are reduced together
        at `flush()`.
        """
        if (
            not self.enabled
            or relu_out.dim() < 2
            or relu_out.numel() == 0  # an empty batch: no unit is dead or alive
            or not relu_out.is_floating_point()
            or relu_out.is_meta
            or _is_functorch_wrapped(relu_out)
        ):
            return
        unit_dim = 1 if channels_first else relu_out.dim() - 1
        if relu_out.numel() > SMALL or storage_key(relu_out) is None:
            if not summarisable(relu_out):
                return  # sparse or nested: no one unit dimension; or no values to read
            counted = dead_units_f32(relu_out, unit_dim)  # float32 on the CPU, compiled
            if counted is not None:
                target[key] = counted
            else:
                self._add_alive_counts([(target, key)], relu_out.detach().unsqueeze(0), unit_dim)
        else:
            try:
                shape = relu_out.shape
            except RuntimeError:  # a nested tensor: no one shape, no one unit dimension
                return
            self._hold(self._relu_outputs[relu_out.device, shape, unit_dim], target, key, relu_out)

    def _add_alive_counts(
        self, targets: list[tuple[dict[str, Any], str]], stacked: torch.Tensor, unit_dim: int
    ) -> None:
        """Queue the alive units (along `unit_dim` of each) of ReLU outputs of one shape,
        stacked along a new dimension 0."""
        others = [d + 1 for d in range(stacked.dim() - 1) if d != unit_dim]
        highest = stacked.amax(dim=others)
        if stacked.device.type != "cpu" or bool(highest.isnan().any()):
            # A NaN anywhere makes `amax` NaN: the other examples still say whether it is alive;
            # a unit that is NaN for every example is not known to be dead.
            nan = stacked.isnan()
            highest = torch.where(
                nan.all(dim=others), 1.0, torch.where(nan, 0.0, stacked).amax(dim=others)
            )
        alive = (highest > 0).sum(dim=1)
        units = stacked.shape[unit_dim + 1]

        def write(counts: list[float]) -> None:
            for (target, key), count in zip(targets, counts, strict=True):
                target[key] = [units - int(count), units]

        self._vectors[stacked.device].append((alive, write))

    def _count_dead_units(self) -> None:
        for (device, _, unit_dim), group in self._relu_outputs.items():
            if len(group.tensors) <= _FEW_OUTPUTS and self._count_each(group, unit_dim):
                continue
            if device.type == "cpu" and all(t.dtype in FLOATS for t in group.tensors):
                tensors = group.tensors
                stacked = tensors[0].detach()[None] if len(tensors) == 1 else torch.stack(tensors)
                if type(stacked) is not torch.Tensor:  # a tensor subclass's: no values to read
                    continue
                counts = dead_units_cpu(stacked.numpy(), unit_dim)
                for (target, key), dead in zip(group.targets, counts, strict=True):
                    target[key] = dead
            else:
                stacked = torch.stack([t.detach() for t in group.tensors])
                self._add_alive_counts(group.targets, stacked, unit_dim)
        self._relu_outputs.clear()

    @staticmethod
    def _count_each(group: _Held, unit_dim: int) -> bool:
        """Count the dead units of each ReLU output of `group` by the compiled pass, read where
        it lies; False (nothing written) where one of them is not a tensor it reads."""
        counts = []
        for t in group.tensors:
            counted = dead_units_f32(t, unit_dim) if type(t) is torch.Tensor else None
            if counted is None:  # a subclass's values are not read (see `_count_dead_units`)
                return False
            counts.append(counted)
        for (target, key), dead in zip(group.targets, counts, strict=True):
            target[key] = dead
        return True

    def flush(self) -> None:
        """Fetch all pending statistics: one host transfer per device."""
        with torch.no_grad():
            for target, key, tensor in self._large_cpu:
                target[key] = self._large_cpu_stats(tensor)
            self._large_cpu.clear()
            if self._relu_outputs:
                self._count_dead_units()
            if self._cpu.tensors:
                self._flush_cpu()
            for device in set(self._small) | set(self._large) | set(self._vectors):
                self._flush_device(device)
        self._by_storage.clear()
        self._seen.clear()
        self.holding = False
        self._held_numel = 0

    def _flush_cpu(self) -> None:
        """Write the statistics of the small CPU tensors held so far, in cache-sized groups."""
        held, self._cpu = self._cpu, _Held()
        if self._by_storage:  # its entries point into `held`: the index is rebuilt when needed
            self._by_storage.clear()
            for other in [*self._small.values(), *self._relu_outputs.values()]:
                other.indexed = 0
        numels = [t.numel() for t in held.tensors]
        start = 0
        with torch.no_grad():
            while start < len(numels):
                end, size = start + 1, numels[start]
                while end < len(numels) and size + numels[end] <= _GROUP:
                    size += numels[end]
                    end += 1
                stats = stats_of_group_cpu(held.tensors[start:end], numels[start:end])
                for (target, key), one in zip(held.targets[start:end], stats, strict=True):
                    target[key] = one
                start = end

    def _flush_device(self, device: torch.device) -> None:
        small = self._small.pop(device, _Held())
        large = self._large.pop(device, [])
        vectors = self._vectors.pop(device, [])
        parts = []
        if large:  # one kernel each for all sums and all counts, not one per tensor
            parts.append(torch.cat([sums for _, (sums, _) in large]).to(torch.float64))
            parts.append(torch.cat([counts for _, (_, counts) in large]).to(torch.float64))
        parts += [vector.to(torch.float64) for vector, _ in vectors]
        numels = [t.numel() for t in small.tensors]
        if small.tensors:
            flat = torch._C._nn.flatten_dense_tensors(small.tensors)
            parts.append(raw_segments(flat.float(), numels).to(torch.float64))
        numbers = torch.cat(parts).tolist() if parts else []
        sums_at, counts_at = 0, 4 * len(large)
        for (target, key, numel), _ in large:
            sums, counts = numbers[sums_at : sums_at + 4], numbers[counts_at : counts_at + 3]
            target[key] = finish(raw_numbers(sums, counts), numel)
            sums_at, counts_at = sums_at + 4, counts_at + 3
        at = 7 * len(large)
        for vector, write in vectors:
            write(numbers[at : at + vector.numel()])
            at += vector.numel()
        for (target, key), numel in zip(small.targets, numels, strict=True):
            target[key] = finish(numbers[at : at + _RAW], numel)
            at += _RAW


def stats_of(tensor: torch.Tensor) -> dict[str, float] | None:
    """Statistics of one tensor as a dict of floats (None for empty or sparse tensors).

    >>> import torch
    >>> stats_of(torch.tensor([1.0, float("nan")]))["nan"]
    1.0
    """
    holder: dict[str, Any] = {}
    batch = StatsBatch()
    with hidden():  # nngraph's own calls: a recording around this one does not see them
        batch.add(holder, "stats", tensor)
        batch.flush()
    result: dict[str, float] | None = holder["stats"]
    return result
