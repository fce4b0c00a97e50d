"""What `trace()` puts back after running a model: flags, which tensors and submodules the
modules hold, their hooks, their values and `.grad`, and the random generators they keep.

A forward may change its own model: an embedding's `max_norm` renormalises rows in place, weight
clipping clamps weights, BatchNorm updates its running statistics, a queue buffer is replaced by
a new tensor, `requires_grad_(False)` or `eval()` is called on a submodule. `ModelState` takes
what is needed to undo all of that, and `restore()` touches only what changed, so that the
version counters of untouched tensors (which autograd checks) do not move.

    >>> import torch
    >>> bn = torch.nn.BatchNorm1d(3)
    >>> state = ModelState(bn)
    >>> _ = bn(torch.randn(4, 3))
    >>> state.restore()
    >>> bn.running_mean.tolist(), int(bn.num_batches_tracked)
    ([0.0, 0.0, 0.0], 0)
"""

from __future__ import annotations

import math
import random
import warnings
from collections import defaultdict
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import torch
from torch.nn.parameter import is_lazy
from torch.nn.utils import parametrize

from nngraph._compiled import every_module
from nngraph.capture._attributes import Attributes
from nngraph.capture._common import NNGraphWarning, hidden
from nngraph.capture._leaves import same_elements, same_values
from nngraph.capture._native import changed_since
from nngraph.capture._reduce import own_values
from nngraph.capture._tensor_hooks import TensorHooks
from nngraph.errors import stacklevel_outside
from nngraph.i18n import message

__all__ = ["ModelState"]


class ModelState:
    """A model's flags, module slots, parameter and buffer values and `.grad`, to put back."""

    def __init__(self, model: torch.nn.Module, *, arguments: list[Any] | None = None) -> None:
        registered = every_module(model)
        #: each module's own attributes (`self.h = h.detach()`, a step counter, a cache list):
        #: a forward may rebind them, add new ones or change their containers. A TorchScript
        #: module keeps its attributes in C++, not in Python dicts: not these
        self.attributes = _attributes_of(registered)
        #: the modules, also those held outside PyTorch's tables (layers in a plain list),
        #: whose flags, slots and values are put back too
        self.modules = [attributes.module for attributes in self.attributes]
        self.modules += [m for m in registered if isinstance(m, torch.jit.ScriptModule)]
        self.training = [m.training for m in self.modules]
        held: list[dict[str, Any]] = [d for m in self.modules for d in (m._parameters, m._buffers)]
        self.empty = [d for d in held if not d]  # most: a ReLU's, a Linear's buffers
        self.slots = [(d, dict(d), tuple(map(id, d.values()))) for d in held if d]
        #: the parameters, whose `.grad` a trace clears so that its own gradients are seen
        params = {id(p): p for m in self.modules for p in m._parameters.values() if p is not None}
        self.params = list(params.values())
        leaves: dict[int, torch.Tensor] = dict(params)
        for m in self.modules:
            for b in m._buffers.values():
                if b is not None:
                    leaves.setdefault(id(b), b)
        #: tensors kept as plain attributes beyond `_ATTRIBUTE_COPIES`, with their version
        #: counter: one a forward writes into is said to stay changed
        self.uncopied: list[tuple[torch.Tensor, int]] = []
        #: parameters, buffers and the tensors kept as plain attributes: a forward may make a
        #: buffer require grad, and then the backward gives it a `.grad`
        attribute_tensors = self._attribute_tensors(leaves)
        self.leaves = [*leaves.values(), *attribute_tensors]
        # parameters kept in a plain list or dict attribute (not registered) are cleared too
        self.params += [t for t in attribute_tensors if isinstance(t, torch.nn.Parameter)]
        #: their hooks: one a forward registers (a gradient mask) is removed after the trace
        self.hooks = TensorHooks(self.leaves)
        #: random generators the modules keep (`self.gen = torch.Generator()`, also in a list,
        #: tuple or dict attribute) or the call is given, with their state
        kept = [gen for attributes in self.attributes for gen in attributes.generators]
        self.generators = [
            (gen, _state_of(gen)) for gen in {**dict.fromkeys(kept), **_generators(arguments or [])}
        ]
        #: a buffer written in place with a tensor that carries gradient history (a running
        #: mean updated outside `no_grad`, a KV cache) stops being a leaf: it is made one again
        self.was_leaf = [t.is_leaf for t in self.leaves]
        self.flags = [t.requires_grad for t in self.leaves]
        self.grads = [_grad_of(t) for t in self.leaves]
        #: tensors the modules keep, each with the copy of its `.grad` it holds in the trace
        self.copies: list[tuple[torch.Tensor, torch.Tensor]] = []
        #: the parametrized weights `parametrize.cached()` holds: the trace's own are let go
        self.cached = dict(parametrize._cache)
        groups: dict[tuple[torch.device, torch.dtype], list[torch.Tensor]] = defaultdict(list)
        #: tensors that cannot be laid end to end (sparse, quantized, a tensor subclass), each
        #: with its version counter and a copy; the counter says whether a write happened
        self.others: list[tuple[torch.Tensor, int, torch.Tensor]] = []
        # hidden(): a recording around this trace() must not see these copies as the user's ops
        with hidden(), torch.no_grad():
            for t in self.leaves:
                if t.is_meta or is_lazy(t):
                    continue
                if _plain(t):
                    groups[t.device, t.dtype].append(t)
                else:
                    self.others.append((t, t._version, t.detach().clone()))
            self.values = [
                (group, [t.shape for t in group], _copy(group)) for group in groups.values()
            ]

    def _attribute_tensors(self, leaves: dict[int, torch.Tensor]) -> list[torch.Tensor]:
        """The tensors the modules keep as plain attributes (running statistics a hand-written
        BatchNorm forgot to register, a hidden state, a cache), not parameters or buffers, as
        long as they fit in `_ATTRIBUTE_COPIES` elements in all; the others go to `uncopied`.
        An expanded view (`x.expand(...)`, one memory place for several elements) is left out:
        what it shows is put back with the tensor it views."""
        found: dict[int, torch.Tensor] = {}
        for attributes in self.attributes:
            for t in attributes.tensors:
                if id(t) not in leaves and not t.is_inference() and not _expanded(t):
                    found.setdefault(id(t), t)
        copied, elements = [], 0
        for t in found.values():
            if elements + t.numel() <= _ATTRIBUTE_COPIES:
                elements += t.numel()
                copied.append(t)
            else:
                self.uncopied.append((t, t._version))
        return copied

    def clear_grads(self) -> None:
        """Set every parameter's `.grad` to None, so that the run's own gradients are seen.
        Another tensor the modules keep (an input held for later) gets a copy of its `.grad`
        instead, which the backward may add into: its own comes back untouched in `restore()`,
        and a forward that reads it reads the same values."""
        params = {id(p) for p in self.params}
        for p in self.params:
            p.grad = None
        for t, grad in zip(self.leaves, self.grads, strict=True):
            if grad is not None and id(t) not in params:
                t.grad = grad.clone()
                self.copies.append((t, t.grad))

    def drop_copies(self) -> None:
        """Before the backward: let go of the copies `clear_grads` gave (where still there),
        so that the gradients the graph shows are the backward's own, not added to them."""
        for t, copy in self.copies:
            if t.grad is copy:
                t.grad = None
        self.copies.clear()

    def restore(self) -> None:
        """Put everything back as it was when this state was taken. Each part is put back even
        where another fails; what cannot be is said in one warning line each."""
        for module, training in zip(self.modules, self.training, strict=True):
            if module.training != training:
                module.training = training
        # Each module's `_parameters` and `_buffers` hold the very same tensors again (a forward
        # may bind a new tensor to a buffer's name); ids, not tensors, are compared, since `==`
        # on tensors compares their elements.
        for d in self.empty:
            if d:
                d.clear()
        for live, saved, ids in self.slots:
            if len(live) != len(saved) or tuple(map(id, live.values())) != ids:
                live.clear()
                live.update(saved)
        for attributes in self.attributes:
            try:  # inline, not _attempt(): one per module, at every trace
                attributes.restore()
            except Exception as error:
                _warn_not_restored(error)
        for gen, gen_state in self.generators:
            _attempt(_put_state, gen, gen_state)
        for i, (t, was_leaf) in enumerate(zip(self.leaves, self.was_leaf, strict=True)):
            if was_leaf and not t.is_leaf:
                _attempt(self._make_leaf_again, i)
        _attempt(_put_back_cache, self.cached)
        _attempt(self.hooks.restore)
        with torch.no_grad(), hidden():
            for group, shapes, flat in self.values:
                _attempt(_put_values, group, shapes, flat)
            for t, version, value in self.others:
                _attempt(_put_other, t, version, value)
        for t, version in self.uncopied:
            if t._version != version:
                _warn_too_large(t)
        # after the values: a `.grad` fits the shape the tensor had, which a forward may change
        for t, flag, grad in zip(self.leaves, self.flags, self.grads, strict=True):
            try:  # inline, not _attempt(): one per parameter, at every trace
                if t.requires_grad != flag:
                    t.requires_grad_(flag)
                if (t.is_leaf or t.retains_grad) and t.grad is not grad:  # see _grad_of
                    t.grad = grad
            except Exception as error:
                _warn_not_restored(error)

    def _make_leaf_again(self, i: int) -> None:
        """Make `self.leaves[i]`, a leaf that a write in place gave autograd history, a leaf
        again: the same object, whose values `restore()` then puts back. A view cannot drop
        its history in place: the modules then hold a leaf of its memory (`t.detach()`)."""
        t = self.leaves[i]
        if not t._is_view():
            t.detach_()
            return
        self.leaves[i] = alias = t.detach()
        for live, saved, _ in self.slots:
            for name, held in saved.items():
                if held is t:
                    live[name] = alias


#: Tensors kept as plain attributes are copied up to this many elements in all (256 MiB of
#: float32); parameters and buffers are always copied.
_ATTRIBUTE_COPIES = 1 << 26


def _attributes_of(registered: list[torch.nn.Module]) -> list[Attributes]:
    """The `Attributes` of the modules and of those they hold outside PyTorch's tables (and
    their submodules), each module once."""
    known = {id(m) for m in registered}
    modules = [m for m in registered if not isinstance(m, torch.jit.ScriptModule)]
    found: list[Attributes] = []
    for module in modules:  # grows while it runs: the modules found are looked into too
        attributes = Attributes(module)
        found.append(attributes)
        for held in attributes.modules:
            if id(held) in known:  # with all its submodules
                continue
            for m in held.modules():
                if id(m) not in known and not isinstance(m, torch.jit.ScriptModule):
                    known.add(id(m))
                    modules.append(m)
    return found


def _state_of(gen: Any) -> Any:
    """The state of a torch, Python (`random.Random`) or numpy random generator."""
    if isinstance(gen, torch.Generator):
        return gen.get_state()
    if isinstance(gen, random.Random):
        return gen.getstate()
    if isinstance(gen, np.random.Generator):
        return gen.bit_generator.state
    return gen.get_state()  # a numpy RandomState


def _put_state(gen: Any, state: Any) -> None:
    if isinstance(gen, torch.Generator):
        gen.set_state(state)
    elif isinstance(gen, random.Random):
        gen.setstate(state)
    elif isinstance(gen, np.random.Generator):
        gen.bit_generator.state = state
    else:
        gen.set_state(state)


def _generators(values: list[Any]) -> dict[torch.Generator, None]:
    """The random generators among `values` and inside those that are a list, tuple or dict."""
    found: dict[torch.Generator, None] = {}
    for value in values:
        kind = type(value)  # isinstance() is slow here: torch.Generator has a Python metaclass
        if kind is torch.Generator:
            found[value] = None
        elif kind in (list, tuple, dict):
            for inner in value.values() if kind is dict else value:
                if type(inner) is torch.Generator:
                    found[inner] = None
    return found


def _plain(t: torch.Tensor) -> bool:
    """Whether `t` is a dense tensor of its own values, which can be laid end to end with
    others: not sparse, nested or quantized, and no tensor subclass that dispatches its ops
    itself (a wrapper tensor, a fake tensor)."""
    return t.layout == torch.strided and not t.is_nested and not t.is_quantized and own_values(t)


def _put_back_cache(cached: dict[Any, torch.Tensor | None]) -> None:
    """Give `parametrize.cached()`'s cache the entries it had: a weight the trace's forward
    computed and cached has had its graph freed by the trace's backward."""
    cache = parametrize._cache
    if len(cache) == len(cached) and all(cache.get(k) is v for k, v in cached.items()):
        return
    cache.clear()
    cache.update(cached)


def _attempt(step: Callable[..., object], *args: Any) -> None:
    """Run one step of `restore()`; if it fails, say so in one line and go on with the
    others (it runs in a `finally`: an exception here would also hide the user's own)."""
    try:
        step(*args)
    except Exception as error:
        _warn_not_restored(error)


def _warn_not_restored(error: Exception) -> None:
    # the first line: PyTorch's own dispatcher listing after it fills kilobytes
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    warnings.warn(
        message("capture.not_restored", error=f"{type(error).__name__}: {text}"),
        NNGraphWarning,
        stacklevel=stacklevel_outside(),  # the line calling trace()
    )


def _expanded(t: torch.Tensor) -> bool:
    """Whether several elements of `t` share one place in memory (`expand`, `as_strided`)."""
    return t.layout == torch.strided and any(
        stride == 0 and size > 1 for stride, size in zip(t.stride(), t.shape, strict=True)
    )


def _warn_too_large(t: torch.Tensor) -> None:
    warnings.warn(
        message("capture.attribute_not_restored", shape=list(t.shape)),
        NNGraphWarning,
        stacklevel=stacklevel_outside(),
    )


def _grad_of(t: torch.Tensor) -> torch.Tensor | None:
    """`t.grad`, read only where autograd keeps one: a leaf's, or one that retains it (a
    non-leaf's `.grad` is always None, and reading it warns)."""
    return t.grad if t.is_leaf or t.retains_grad else None


def _put_other(t: torch.Tensor, version: int, value: torch.Tensor) -> None:
    """Put back a sparse, quantized or subclass tensor's value, if a write changed it."""
    if t.shape != value.shape:
        t.data = value.clone()
    elif t._version != version:
        t.copy_(value)


def _put_values(group: list[torch.Tensor], shapes: list[torch.Size], flat: torch.Tensor) -> None:
    sizes = [math.prod(shape) for shape in shapes]
    if [t.shape for t in group] != shapes:
        changed = [
            t.shape != shape or not same_values(t, value.view(shape))
            for t, shape, value in zip(group, shapes, flat.split(sizes), strict=True)
        ]
    elif flat.device.type == "cpu":
        changed = _changed_on_cpu(group, flat, sizes)
    else:
        changed = _changed_on_device(group, flat, sizes)
    if not any(changed):
        return  # the common case: nothing changed
    for tensor, shape, value, write in zip(group, shapes, flat.split(sizes), changed, strict=True):
        if write and tensor.shape != shape:
            tensor.data = value.view(shape).clone()
        elif write:
            # through `.data`, which has a version counter of its own: a graph built before the
            # capture saved this tensor (a BatchNorm's running statistics, which its forward
            # changes without counting) and finds it at the version, and the values, it saved
            tensor.data.copy_(value.view(shape))


def _changed_on_cpu(group: list[torch.Tensor], flat: torch.Tensor, sizes: list[int]) -> list[bool]:
    """Which tensors of `group` no longer hold the bits they had in `flat` (a BatchNorm's
    running statistics change without moving their version counters): compared where they lie
    by the compiled `changed_since`; else, or where a tensor's memory is not in its values'
    order, all at once in numpy, as integers of their size (a NaN left as it was is unchanged;
    -0.0 over 0.0 is a change, except in a group of up to `_FEW` values, `torch.equal`'s)."""
    if all(t.dtype == flat.dtype and _in_order(t) for t in group):  # `.data` may change dtype
        found = changed_since(group, flat)
        if found is not None:
            return found
    values = torch._C._nn.flatten_dense_tensors(group)
    if flat.numel() <= _FEW and _equal(values, flat):  # a small model, unchanged: at once
        return [False] * len(group)
    now, scale = _bits(values)
    before, _ = _bits(flat)
    ends = np.cumsum(sizes) * scale
    # the tensor holding each differing element: the first whose end lies after it
    at = np.searchsorted(ends, np.flatnonzero(now != before), side="right")
    changed = np.zeros(len(group), dtype=bool)
    changed[at] = True
    return cast(list[bool], changed.tolist())


def _in_order(t: torch.Tensor) -> bool:
    """Whether `t`'s memory holds its values in their order, read as they are."""
    return t.is_contiguous() and not (t.is_neg() or t.is_conj() or t._is_zerotensor())


def _equal(a: torch.Tensor, b: torch.Tensor) -> bool:
    """`torch.equal`, False for a dtype it does not compare (complex32): the bits decide."""
    try:
        return torch.equal(a, b)
    except (RuntimeError, NotImplementedError):
        return False


def _bits(flat: torch.Tensor) -> tuple[np.ndarray, int]:
    """A flat CPU tensor's memory as integers of its elements' size (a complex128 as two
    int64 each), and how many integers each element takes."""
    size = flat.element_size()
    kind = _INTEGERS.get(size, torch.int64)
    return flat.view(kind).numpy(), max(1, size // 8) if kind is torch.int64 else 1


_INTEGERS = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
#: Up to this many values, `torch.equal` first answers the common case (nothing changed) for
#: less than the comparison's fixed cost; above, the one comparison costs less than two passes
#: (a ResNet's BatchNorm statistics, the last values compared, change at every forward).
_FEW = 1 << 16


def _changed_on_device(
    group: list[torch.Tensor], flat: torch.Tensor, sizes: list[int]
) -> list[bool]:
    """Which tensors of `group` no longer hold their values in `flat`, read in one transfer:
    on an accelerator each `torch.equal` would make the host wait for the device."""
    same = same_elements(torch._C._nn.flatten_dense_tensors(group), flat)
    return (~torch.stack([part.all() for part in same.split(sizes)])).tolist()


def _copy(group: list[torch.Tensor]) -> torch.Tensor:
    """The values of `group` end to end, in memory of their own."""
    flat = torch._C._nn.flatten_dense_tensors(group)
    return flat.clone() if len(group) == 1 else flat  # one tensor flattens to a view of itself
