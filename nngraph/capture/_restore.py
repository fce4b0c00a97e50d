"""What `trace()` puts back after running a model: flags, which tensors the modules hold, their
values and their `.grad`, and the state of random generators they keep.

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
import warnings
from collections import defaultdict
from typing import Any

import torch
from torch.nn.parameter import is_lazy

from nngraph.capture._common import NNGraphWarning, hidden
from nngraph.capture._leaves import same_values
from nngraph.i18n import message

__all__ = ["ModelState"]


class ModelState:
    """A model's flags, module slots, parameter and buffer values and `.grad`, to put back."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.modules = list(model.modules())
        self.training = [m.training for m in self.modules]
        held: list[dict[str, Any]] = [d for m in self.modules for d in (m._parameters, m._buffers)]
        self.empty = [d for d in held if not d]  # most: a ReLU's, a Linear's buffers
        self.slots = [(d, dict(d), tuple(map(id, d.values()))) for d in held if d]
        params: dict[int, torch.Tensor] = {}
        buffers: dict[int, torch.Tensor] = {}
        for m in self.modules:
            for p in m._parameters.values():
                if p is not None:
                    params[id(p)] = p
            for b in m._buffers.values():
                if b is not None:
                    buffers[id(b)] = b
        self.params = list(params.values())
        #: random generators the modules keep (`self.gen = torch.Generator()`), with their state
        self.generators = [
            (gen, gen.get_state())
            for m in self.modules
            for gen in vars(m).values()
            if type(gen) is torch.Generator  # isinstance() is slow here: a Python metaclass
        ]
        self.flags = [p.requires_grad for p in self.params]
        self.grads = [p.grad for p in self.params]
        groups: dict[tuple[torch.device, torch.dtype], list[torch.Tensor]] = defaultdict(list)
        # hidden(): a recording around this trace() must not see these copies as the user's ops
        with torch.no_grad(), hidden():
            for t in [*self.params, *buffers.values()]:
                if t.layout == torch.strided and not t.is_meta and not is_lazy(t):
                    groups[t.device, t.dtype].append(t)
            self.values = [
                (group, [t.shape for t in group], _copy(group)) for group in groups.values()
            ]

    def clear_grads(self) -> None:
        """Set every parameter's `.grad` to None, so that the run's own gradients are seen."""
        for p in self.params:
            p.grad = None

    def restore(self) -> None:
        """Put everything back as it was when this state was taken."""
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
        for gen, gen_state in self.generators:
            gen.set_state(gen_state)
        for p, flag, grad in zip(self.params, self.flags, self.grads, strict=True):
            if p.requires_grad != flag:
                p.requires_grad_(flag)
            if p.grad is not grad:
                p.grad = grad
        with torch.no_grad(), hidden():
            for group, shapes, flat in self.values:
                try:
                    _put_values(group, shapes, flat)
                except (RuntimeError, NotImplementedError) as error:  # never hide the user's error
                    warnings.warn(
                        message("capture.not_restored", error=f"{type(error).__name__}: {error}"),
                        NNGraphWarning,
                        stacklevel=3,
                    )


def _put_values(group: list[torch.Tensor], shapes: list[torch.Size], flat: torch.Tensor) -> None:
    if [t.shape for t in group] == shapes and _unchanged(group, flat):
        return  # the common case: nothing changed
    sizes = [math.prod(shape) for shape in shapes]
    for tensor, shape, value in zip(group, shapes, flat.split(sizes), strict=True):
        value = value.view(shape)
        if tensor.shape != shape:
            tensor.data = value.clone()
        elif not same_values(tensor, value):
            tensor.copy_(value)


# Below this many elements per tensor, one flattening copy costs less than a call per tensor.
_SMALL_TENSORS = 4096


def _copy(group: list[torch.Tensor]) -> torch.Tensor:
    """The values of `group` end to end, in memory of their own."""
    flat = torch._C._nn.flatten_dense_tensors(group)
    return flat.clone() if len(group) == 1 else flat  # one tensor flattens to a view of itself


def _unchanged(group: list[torch.Tensor], flat: torch.Tensor) -> bool:
    """Whether `group` still holds the values `flat` has (same shapes assumed)."""
    if flat.numel() < _SMALL_TENSORS * len(group):
        return torch.equal(torch._C._nn.flatten_dense_tensors(group), flat)
    start = 0
    for t in group:
        if not torch.equal(t.reshape(-1), flat[start : start + t.numel()]):
            return False
        start += t.numel()
    return True
