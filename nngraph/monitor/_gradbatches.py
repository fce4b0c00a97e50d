"""How many values per channel the BatchNorm layers of a model watched by a
:class:`~nngraph.monitor.GradientWatch` normalise over (:class:`NormBatches`): a BatchNorm in
training mode fed batches of 2 examples (without positions: a ``BatchNorm1d`` after a
``Linear``) maps each channel to -1 and +1 whatever goes in, and passes almost no gradient back
to the layers before it, which the watch would otherwise take for a vanishing gradient (and
advise BatchNorm to a model that has it).

The watch reads only gradients, and a gradient does not show the batch's size. So, while a
vanishing finding is counting towards being said (and only then: a training whose gradients
are fine is never hooked), one global forward pre-hook of PyTorch's notes the shape of each
of the model's BatchNorm modules' input (no device work: the shape is known on the host).
Nothing is put on the modules themselves: a ``copy.deepcopy`` of the model (the best model kept
by an early-stopping loop), ``torch.save`` and ``torch.jit.script`` of it see no hook. A
``torch.compile``d model is not watched so (a hook added after compiling does not run).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    >>> norms = NormBatches(net); norms.watch(True)
    >>> _ = net(torch.randn(2, 3)); norms.few()  # batches of 2: 2 values per channel
    {'1': 2}
    >>> _ = net(torch.randn(8, 3)); norms.few()  # not every batch was that small
    {}
    >>> net[1]._forward_pre_hooks  # nothing on the module itself, which a copy would keep
    OrderedDict()
    >>> norms.watch(False)
"""

from __future__ import annotations

import functools
import math
from typing import Any

from nngraph._compiled import modules_as_written
from nngraph._fixes import FEW_VALUES

__all__ = ["NormBatches", "batch_norms"]


def batch_norms(model: Any) -> list[tuple[str, Any]]:
    """``(path, module)`` of each BatchNorm module of ``model`` (``BatchNorm1d/2d/3d``, their
    lazy forms, ``SyncBatchNorm``)."""
    return [
        (path, module)
        for path, module, _ in modules_as_written(model)
        if "BatchNorm" in type(module).__name__ and hasattr(module, "num_features")
    ]


class NormBatches:
    """The BatchNorm modules of ``model``, hooked while :meth:`watch` is on: the most values
    per channel each normalised over in one training-mode forward since it was turned on."""

    def __init__(self, model: Any) -> None:
        compiled = any(wrapper is not None for _, _, wrapper in modules_as_written(model))
        self._norms = [] if compiled else batch_norms(model)
        self._handles: list[Any] = []
        self._most: dict[str, int] = {}  # path -> the most values per channel seen

    def watch(self, on: bool) -> None:
        """Hook the BatchNorm modules (a fresh count) where ``on`` and not hooked yet; take the
        hooks off where not ``on``."""
        if not on:
            self.remove()
        elif not self._handles:
            self._most = {}
            if self._norms:
                from torch.nn.modules.module import register_module_forward_pre_hook

                paths = {id(module): path for path, module in self._norms}
                hook = register_module_forward_pre_hook(functools.partial(self._note, paths))
                self._handles.append(hook)

    def _note(self, paths: dict[int, str], module: Any, args: tuple[Any, ...]) -> None:
        path = paths.get(id(module))
        if path is None:  # another module: any module's call in the process comes here
            return
        shape = getattr(args[0], "shape", None) if args else None
        if not module.training or shape is None or len(shape) < 2 or shape[1] == 0:
            return  # eval mode: its running statistics, whatever the batch
        values = math.prod(shape) // shape[1]
        self._most[path] = max(self._most.get(path, 0), values)

    def few(self) -> dict[str, int]:
        """``{path: values}`` of the BatchNorm modules that every training-mode forward seen
        gave :data:`~nngraph._fixes.FEW_VALUES` values per channel or fewer."""
        return {path: n for path, n in self._most.items() if n <= FEW_VALUES}

    def remove(self) -> None:
        """Take every hook off the modules (nothing happens when none is left)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._most = {}
