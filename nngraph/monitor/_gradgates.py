"""Gates: a learnable scale that starts at zero or tiny (ConvNeXt's and CaiT's layer scale of
1e-6, ReZero's alpha, torchvision's ``zero_init_residual``), so the layers of its block get a
gradient that much smaller until the first steps grow it. A
:class:`~nngraph.monitor.GradientWatch` does not call those layers vanishing while their gate
is still that small.

A gate is a trainable parameter of a submodule, not a bias, token or embedding (those are
added), with at most one dimension longer than 1 (a scalar or one value per channel: a weight
matrix whose values are all tiny is a bad init, not a gate) and values all at most
:data:`SMALL` in size. Its block is the module holding it, or, where that module holds no other
module (timm's ``LayerScale``), its parent. One of the model itself is none (a ViT's class
token, zero at first, would cover every layer).

    >>> import torch
    >>> class Block(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc, self.scale = torch.nn.Linear(4, 4), torch.nn.Parameter(torch.full((4,), 1e-6))
    >>> gates = Gates(torch.nn.Sequential(Block(), torch.nn.Linear(4, 1)))
    >>> gates.closed("0.fc"), gates.closed("1")
    (True, False)
"""

from __future__ import annotations

from typing import Any

from nngraph._compiled import modules_as_written

__all__ = ["SMALL", "Gates"]

#: a gate whose values are all at most this in size still scales its block's gradients down
SMALL = 1e-3
#: parameters that are added, never multiplied: a bias, a token, an embedding
_NOT_GATES = ("bias", "token", "embed", "pos")


class Gates:
    """The gates of ``model`` (a torch module), found once; :meth:`closed` reads their values
    again, and only when asked (a layer that would be called vanishing)."""

    def __init__(self, model: Any) -> None:
        self._gates: list[tuple[str, str, Any]] = []  # (block path, owner path, parameter)
        # the modules as the watch names them (a compiled one's without `_orig_mod`), and each
        # parameter once, at its first owner, as `named_parameters()` lists it
        modules = {path: module for path, module, _ in modules_as_written(model)}
        seen: set[int] = set()
        for owner, module in modules.items():
            for leaf, p in module._parameters.items():
                if p is None or id(p) in seen:
                    continue
                seen.add(id(p))
                if not owner or any(word in leaf for word in _NOT_GATES):
                    continue  # the model's own (a class token) would cover every layer
                if not p.requires_grad or sum(n > 1 for n in p.shape) > 1:
                    continue
                if p.is_meta or not p.numel() or float(p.detach().abs().max()) > SMALL:
                    continue
                holds_modules = any(True for _ in module.children())
                block = owner if holds_modules else owner.rpartition(".")[0]
                self._gates.append((block, owner, p))

    def closed(self, layer: str) -> bool:
        """Whether a gate in `layer`'s block (not `layer`'s own) is still small."""
        for block, owner, gate in self._gates:
            inside = not block or layer == block or layer.startswith(block + ".")
            if inside and layer != owner and float(gate.detach().abs().max()) <= SMALL:
                return True
        return False
