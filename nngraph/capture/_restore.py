"""What `trace()` puts back after running a model: flags, which tensors the modules hold, their
values and their `.grad`.

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

from nngraph.capture._recorder import NNGraphWarning, hidden
from nngraph.i18n import message

__all__ = ["ModelState"]


class ModelState:
    """A model's flags, module slots, parameter and buffer values and `.grad`, to put back."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.modules = list(model.modules())
        self.training = [m.training for m in self.modules]
        self.slots = [(m, dict(m._parameters), dict(m._buffers)) for m in self.modules]
        params: dict[int, torch.Tensor] = {}
        buffers: dict[int, torch.Tensor] = {}
        for _, own_params, own_buffers in self.slots:
            params.update((id(p), p) for p in own_params.values() if p is not None)
            buffers.update((id(b), b) for b in own_buffers.values() if b is not None)
        self.params = list(params.values())
        self.flags = [p.requires_grad for p in self.params]
        self.grads = [p.grad for p in self.params]
        groups: dict[tuple[torch.device, torch.dtype], list[torch.Tensor]] = defaultdict(list)
        for t in [*self.params, *buffers.values()]:
            if t.layout == torch.strided and not t.is_meta and not is_lazy(t):
                groups[t.device, t.dtype].append(t)
        with torch.no_grad(), hidden():
            # One tensor is flattened to a view of itself: copied, it stays as it is now.
            self.values = [
                (group, [t.shape for t in group], _flat(group).clone()) for group in groups.values()
            ]

    def clear_grads(self) -> None:
        """Set every parameter's `.grad` to None, so that the run's own gradients are seen."""
        for p in self.params:
            p.grad = None

    def restore(self) -> None:
        """Put everything back as it was when this state was taken."""
        for module, training in zip(self.modules, self.training, strict=True):
            module.training = training
        for module, own_params, own_buffers in self.slots:
            _put_slots(module._parameters, own_params)
            _put_slots(module._buffers, own_buffers)
        for p, flag, grad in zip(self.params, self.flags, self.grads, strict=True):
            if p.requires_grad != flag:
                p.requires_grad_(flag)
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


def _put_slots(slots: dict[str, Any], saved: dict[str, Any]) -> None:
    """Make a module's `_parameters` or `_buffers` hold the very tensors it held before."""
    if slots.keys() != saved.keys() or any(slots[k] is not v for k, v in saved.items()):
        slots.clear()
        slots.update(saved)


def _put_values(group: list[torch.Tensor], shapes: list[torch.Size], flat: torch.Tensor) -> None:
    if [t.shape for t in group] == shapes and torch.equal(_flat(group), flat):
        return  # the common case: nothing changed
    sizes = [math.prod(shape) for shape in shapes]
    for tensor, shape, value in zip(group, shapes, flat.split(sizes), strict=True):
        value = value.view(shape)
        if tensor.shape != shape:
            tensor.data = value.clone()
        elif not torch.equal(tensor, value) and not _both_nan_where_unequal(tensor, value):
            tensor.copy_(value)


def _both_nan_where_unequal(a: torch.Tensor, b: torch.Tensor) -> bool:
    return bool(((a == b) | (a.isnan() & b.isnan())).all()) if a.is_floating_point() else False


def _flat(tensors: list[torch.Tensor]) -> torch.Tensor:
    return torch._C._nn.flatten_dense_tensors(tensors)
