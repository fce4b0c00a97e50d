"""`torch.compile` wraps a model in an `OptimizedModule` whose parameters are the model's own,
named `_orig_mod.<name>`: nngraph reads the model it wraps, so the names are the user's.

    >>> import torch
    >>> model = torch.nn.Linear(2, 1)
    >>> uncompiled(model) is model
    True
"""

from __future__ import annotations

from typing import Any

__all__ = ["uncompiled"]


def uncompiled(model: Any) -> Any:
    """The module a `torch.compile`d model wraps (an `OptimizedModule`'s `_orig_mod`), else
    `model` itself. torch is imported here, not with the module: the monitor loads it lazily."""
    import torch

    original = getattr(model, "_orig_mod", None)
    is_compiled = type(model).__name__ == "OptimizedModule"
    return original if is_compiled and isinstance(original, torch.nn.Module) else model
