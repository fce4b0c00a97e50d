"""The layers of a module of one's own that holds its weights itself, for a
:class:`~nngraph.monitor.GradientWatch`: a from-scratch MLP (``W1, b1, W2, b2, ...`` as
``nn.Parameter``s of the model) was one layer, ``(model)``, so its vanishing gradient could not
be said. Such a module (its class not one of torch's) holding two affine maps or more of its
own (a weight, a parameter of 2 or more dimensions, with a bias of its own) is split: each of
those weights is a layer named by its path (``W1``, ``block.W_out``), with its bias; its other
parameters stay one layer under the module's name: weights without a bias (LoRA's ``A`` and
``B``, whose product is one map and whose zero ``B`` leaves ``A`` no gradient at the first
step; an attention's ``W_q``, ``W_k``, ``W_v``), a gate, a scale. The layers then take the
data flow's order, as any others do, from the first backward.

A bias (:func:`~nngraph.monitor._gradgates.is_bias`) belongs to a weight one of whose sides is
as long as it: of several, the one whose name it shares most with (``b1`` with ``W1``,
``b_out`` with ``W_out``, ``fc1_b`` with ``fc1_w``), then the nearest registered before it.

torch's own modules are never split: ``nn.LSTM`` (``weight_ih_l0``, ``weight_hh_l0``, ...) and
``nn.MultiheadAttention`` are one layer each, as the graph shows them.

    >>> import torch
    >>> class Scratch(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         for name, shape in [("W1", (3, 4)), ("b1", (4,)), ("W2", (4, 4)), ("b2", (4,))]:
    ...             self.register_parameter(name, torch.nn.Parameter(torch.zeros(shape)))
    >>> net = Scratch()
    >>> [(layer, tuple(p.shape)) for layer, p in split_layer("", net, list(net._parameters.items()))]
    [('W1', (3, 4)), ('W1', (4,)), ('W2', (4, 4)), ('W2', (4,))]
"""

from __future__ import annotations

from typing import Any

from nngraph.monitor._gradgates import is_bias

__all__ = ["split_layer"]


def split_layer(path: str, module: Any, own: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``(layer, parameter)`` for each of ``module``'s own ``(name, parameter)`` pairs ``own``
    (the module at ``path``): ``path`` for every one, unless the module is split (see the
    module's docstring)."""
    if type(module).__module__.startswith("torch."):
        return [(path, p) for _, p in own]
    weights = [(k, leaf) for k, (leaf, p) in enumerate(own) if p.dim() >= 2]
    if len(weights) < 2:
        return [(path, p) for _, p in own]
    owners = {k: _weight_of(k, own, weights, module) for k, (_, p) in enumerate(own) if p.dim() < 2}
    with_bias = set(owners.values()) - {""}
    if len(with_bias) < 2:  # no two affine maps of its own: one layer, as any module
        return [(path, p) for _, p in own]
    layers = []
    for k, (leaf, p) in enumerate(own):
        owner = leaf if leaf in with_bias else owners.get(k, "")
        layers.append((f"{path}.{owner}" if path and owner else owner or path, p))
    return layers


def _weight_of(
    k: int, own: list[tuple[str, Any]], weights: list[tuple[int, str]], module: Any
) -> str:
    """The name of the weight the ``k``-th parameter is the bias of, or ``""`` (none)."""
    leaf, p = own[k]
    if p.dim() != 1 or not is_bias(module, leaf, p):
        return ""
    size = p.shape[0]
    fits = [(j, name) for j, name in weights if size in (own[j][1].shape[0], own[j][1].shape[-1])]
    if not fits:
        return ""
    best = max(fits, key=lambda fit: (_shared(leaf, fit[1]), fit[0] < k, -abs(fit[0] - k)))
    return best[1]


def _shared(a: str, b: str) -> int:
    """How many characters two names share at their start and at their end (``b1``, ``W1``:
    1; ``fc1_b``, ``fc1_w``: 4).

    >>> _shared("b_out", "W_out"), _shared("b1", "W2")
    (4, 0)
    """
    a, b = a.lower(), b.lower()
    return _common_start(a, b) + _common_start(a[::-1], b[::-1])


def _common_start(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` share at their start."""
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared
