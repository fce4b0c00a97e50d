"""Gates: a learnable scale that starts at zero or tiny (ConvNeXt's and CaiT's layer scale of
1e-6, ReZero's alpha, torchvision's ``zero_init_residual``), so the layers of its block get a
gradient that much smaller until the first steps grow it. A
:class:`~nngraph.monitor.GradientWatch` does not call those layers vanishing while their gate
is still that small.

A gate is a trainable parameter of a submodule that is not added (:func:`is_added`: a bias,
token or embedding), with at most one dimension longer than 1 (a scalar or one value per
channel: a weight matrix whose values are all tiny is a bad init, not a gate) and values all
at most :data:`SMALL` in size. Its block is the module holding it, or, where that module holds
no other module (timm's ``LayerScale``), its parent. One of the model itself is none (a ViT's
class token, zero at first, would cover every layer), nor one whose block would be the model
itself (a layer of the model's top level: it would silence every layer).

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

__all__ = ["SMALL", "Gates", "biases_of", "is_added", "is_bias", "says_scale"]

#: a gate whose values are all at most this in size still scales its block's gradients down
SMALL = 1e-3
#: names of parameters that are added, never multiplied: a bias, a token, an embedding
_ADDED_NAMES = ("bias", "token", "embed", "pos")
#: names of parameters that are multiplied (a layer scale, a gate), whatever their shape
_SCALE_NAMES = ("scale", "gamma", "gate", "alpha")
#: ... and such names in full
_SCALE_LEAVES = ("g", "ls")


def is_bias(module: Any, leaf: str, p: Any) -> bool:
    """Whether ``module``'s parameter ``leaf`` (``p``) is a bias, whatever it is called: named
    so, or one value per output beside a weight of the same module (a 1-D parameter as long as
    the first or the last dimension of one with 2 or more: ``b`` beside ``W`` in a layer of
    one's own, for ``x @ W.T + b`` or ``x @ W + b``), or a shift beside a scale of its shape
    (``beta`` beside ``gamma`` in a norm of one's own: the smaller of the two). A name that
    says a scale or a gate (:func:`says_scale`: a layer scale beside its block's own ``W``, a
    ``GatedLinear``'s ``g``) is no bias, whatever its shape.

        >>> import torch
        >>> layer = torch.nn.Module()
        >>> layer.W, layer.b = torch.nn.Parameter(torch.ones(3, 2)), torch.nn.Parameter(torch.zeros(3))
        >>> is_bias(layer, "b", layer.b), is_bias(layer, "W", layer.W)
        (True, False)
    """
    if "bias" in leaf:
        return True
    if "weight" in leaf or p.dim() != 1 or p.is_meta:  # torch's scales are called weight
        return False
    if says_scale(leaf):
        return False
    size = p.shape[0]
    others = [q for name, q in module._parameters.items() if q is not None and name != leaf]
    if any(q.dim() >= 2 and size in (q.shape[0], q.shape[-1]) for q in others):
        return True
    scales = [q for q in others if q.shape == p.shape and not q.is_meta and q.numel()]
    return bool(scales) and any(_largest(q) > _largest(p) for q in scales)


def says_scale(leaf: str) -> bool:
    """Whether a parameter's name says it multiplies (case aside): it holds ``scale``,
    ``gamma``, ``gate`` or ``alpha``, or is ``g`` or ``ls``.

        >>> [says_scale(name) for name in ("layer_scale", "Gamma1", "g", "ls", "b", "beta")]
        [True, True, True, True, False, False]
    """
    name = leaf.lower()
    return any(word in name for word in _SCALE_NAMES) or name in _SCALE_LEAVES


def is_added(module: Any, leaf: str, p: Any) -> bool:
    """Whether a parameter is added to what its module computes, never multiplied: a bias
    (:func:`is_bias`), a token or an embedding (by its name)."""
    return any(word in leaf for word in _ADDED_NAMES) or is_bias(module, leaf, p)


def biases_of(model: Any) -> frozenset[int]:
    """The ids of ``model``'s biases (:func:`is_bias`), each parameter read at its first
    owner, as ``named_parameters()`` lists it.

        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LayerNorm(3))
        >>> sorted(biases_of(net)) == sorted([id(net[0].bias), id(net[1].bias)])
        True
    """
    found: set[int] = set()
    seen: set[int] = set()
    for module in model.modules():
        for leaf, p in module._parameters.items():
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                if is_bias(module, leaf, p):
                    found.add(id(p))
    return frozenset(found)


def _largest(p: Any) -> float:
    return float(p.detach().abs().max())


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
                if not owner or not p.requires_grad or sum(n > 1 for n in p.shape) > 1:
                    continue  # the model's own (a class token) would cover every layer
                if p.is_meta or not p.numel() or _largest(p) > SMALL:
                    continue
                holds_modules = any(True for _ in module.children())
                block = owner if holds_modules else owner.rpartition(".")[0]
                if block and not is_added(module, leaf, p):  # the model: every layer
                    self._gates.append((block, owner, p))

    def closed(self, layer: str) -> bool:
        """Whether a gate in `layer`'s block (not `layer`'s own) is still small."""
        for block, owner, gate in self._gates:
            inside = layer == block or layer.startswith(block + ".")
            if inside and layer != owner and _largest(gate) <= SMALL:
                return True
        return False
