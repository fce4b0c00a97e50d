"""`torch.compile` wraps a model in an `OptimizedModule` whose parameters are the model's own,
named `_orig_mod.<name>`: nngraph reads the model it wraps, so its modules have the paths the
user wrote. A compiled submodule (`model.enc = torch.compile(Encoder())`) is the module `enc`,
not `enc._orig_mod`; its parameters keep the names `named_parameters()` gives them
(`enc._orig_mod.fc.weight`, a key of `model.state_dict()`).

    >>> import torch
    >>> model = torch.nn.Linear(2, 1)
    >>> uncompiled(model) is model
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["every_module", "modules_as_written", "uncompiled"]


def uncompiled(model: Any) -> Any:
    """The module a `torch.compile`d model wraps (an `OptimizedModule`'s `_orig_mod`), else
    `model` itself. torch is imported here, not with the module: the monitor loads it lazily."""
    if type(model).__name__ != "OptimizedModule":  # before `getattr`: a module's is slow
        return model
    import torch

    original = getattr(model, "_orig_mod", None)
    return original if isinstance(original, torch.nn.Module) else model


def modules_as_written(model: Any) -> Iterator[tuple[str, Any, Any]]:
    """`(path, module, wrapper)` for every module of `model`, in the order and with the paths
    of `model.named_modules()` (a module held in two places once, at its first path), except
    that a `torch.compile` wrapper is replaced by the module it compiles, at the wrapper's own
    path: `wrapper` is that `OptimizedModule`, else None.

    >>> import torch
    >>> outer = torch.nn.Sequential(torch.nn.Linear(2, 2))
    >>> [(path, type(m).__name__, w) for path, m, w in modules_as_written(outer)]
    [('', 'Sequential', None), ('0', 'Linear', None)]
    """
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("", model)]
    while stack:  # depth first, children in order: `named_modules()`'s order, without recursion
        path, module = stack.pop()
        original = uncompiled(module)
        if id(original) in seen:
            continue
        seen.add(id(original))
        yield path, original, (module if original is not module else None)
        children = [
            (f"{path}.{name}" if path else name, child)
            for name, child in original._modules.items()
            if child is not None
        ]
        stack.extend(reversed(children))


def every_module(model: Any) -> list[Any]:
    """`list(model.modules())`, in its order, without its nested generators: PyTorch's pass
    each module up through every level above it, which for a model nested 1,000 deep is half
    a million steps.

    >>> import torch
    >>> inner = torch.nn.Linear(2, 2)
    >>> outer = torch.nn.Sequential(torch.nn.Sequential(inner), inner)
    >>> every_module(outer) == list(outer.modules())
    True
    """
    seen: set[int] = set()
    found: list[Any] = []
    stack = [model]
    while stack:
        module = stack.pop()
        if id(module) in seen:
            continue
        seen.add(id(module))
        found.append(module)
        stack.extend(reversed([child for child in module._modules.values() if child is not None]))
    return found
