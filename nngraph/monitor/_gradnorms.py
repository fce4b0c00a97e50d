"""The gradient norms a :class:`~nngraph.monitor._gradwatch.GradientWatch` step reads, computed
on the device in one fused call (``torch`` is passed in: the monitor imports it lazily)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nngraph._compiled import modules_as_written
from nngraph._interrupts import interrupts_held
from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._gradsplit import split_layer

__all__ = ["Reading", "host_norms", "layer_name", "layer_norms", "layers_of", "norms", "select"]


def norms(torch: Any, tensors: list[Any]) -> list[Any]:
    """2-norms of tensors on one device, in one fused call where torch offers it; half
    precision gradients are summed in float32 (a float16 norm overflows above 65504).

        >>> import torch
        >>> round(norms(torch, [torch.full((1000,), 100.0, dtype=torch.float16)])[0].item())
        3162
    """
    low = (torch.float16, torch.bfloat16)
    tensors = [t.float() if t.dtype in low else t for t in tensors]
    foreach = getattr(torch, "_foreach_norm", None)
    norms = foreach(tensors) if foreach is not None else [t.norm() for t in tensors]
    if len({n.dtype for n in norms}) > 1:
        norms = [n.float() for n in norms]
    return list(norms)


def host_norms(torch: Any, tensors: list[Any]) -> list[float]:
    """The 2-norms of tensors on one device as numbers, in one host transfer. A norm summed in
    float32 (of float32, bfloat16 or float16 gradients) that came out inf or near zero is summed
    again in float64 (rare): its squares may have left float32's range, and gradients of 1e19
    or 1e-31 are finite and not zero (bfloat16 holds them as float32 does).

        >>> import torch
        >>> [f"{v:.3g}" for v in host_norms(torch, [torch.full((4,), 1e20), torch.full((4,), 1e-31)])]
        ['2e+20', '2e-31']
        >>> host_norms(torch, [torch.full((4,), 2.0**66, dtype=torch.bfloat16)]) == [2.0**67]
        True
    """
    values: list[float] = torch.stack(norms(torch, tensors)).tolist()  # the one host transfer
    summed_in_float32 = (torch.float32, torch.bfloat16, torch.float16)
    for k, v in enumerate(values):
        g = tensors[k]
        if g.dtype not in summed_in_float32 or not (v < _FLOAT32_TINY or v == math.inf):
            continue
        # an exactly zero norm is summed again on the CPU only: on a device, a dead layer's
        # zero gradient would cost a kernel and a wait at every step (and MPS has no float64)
        if v > 0 or v == math.inf or g.device.type == "cpu":
            values[k] = float(torch.linalg.vector_norm(g, dtype=torch.float64))
    return values


# Below this norm a float32 tensor's squares are below float32's smallest normal number.
_FLOAT32_TINY = 1e-18


def layer_norms(
    torch: Any, grads: list[tuple[int, Any]], biases: frozenset[int] = frozenset()
) -> tuple[dict[int, float], dict[int, float]]:
    """``{layer index: norm}`` of the ``(layer, .grad)`` pairs, in layer order, and the same
    without the pairs at the positions ``biases`` (a layer with only those: left out): one fused
    norm call and one host transfer per device (here, so that a recording leaves it out)."""
    by_device: dict[Any, tuple[list[Any], list[int], list[bool]]] = {}
    for k, (layer, g) in enumerate(grads):
        if g.layout == torch.sparse_coo:  # a sparse embedding: the stored values' norm
            g = g.coalesce().values()
        elif g.layout != torch.strided:
            g = g.values()
        group = by_device.setdefault(g.device, ([], [], []))
        group[0].append(g.detach())
        group[1].append(layer)
        group[2].append(k in biases)
    sq: dict[int, float] = {}
    sq_weights: dict[int, float] = {}
    with interrupts_held(), torch.no_grad():  # a Ctrl-C in no_grad's entry kept it on
        for tensors, owners, bias in by_device.values():
            values = host_norms(torch, tensors)
            for layer, v, is_bias in zip(owners, values, bias, strict=True):
                sq[layer] = sq.get(layer, 0.0) + v * v
                if not is_bias:
                    sq_weights[layer] = sq_weights.get(layer, 0.0) + v * v
    return (
        {layer: math.sqrt(sq[layer]) for layer in sorted(sq)},
        {layer: math.sqrt(sq_weights[layer]) for layer in sorted(sq_weights)},
    )


@dataclass
class Reading:
    """What one step reads, by layer index: ``grads``, the ``(layer, .grad)`` of the parameters
    that require grad now; ``trainable``: the layers with such a parameter (the others are
    frozen); ``waiting``: those with a trainable parameter that has no ``.grad``; ``biases``:
    the positions in ``grads`` of biases."""

    grads: list[tuple[int, Any]] = field(default_factory=list)
    trainable: set[int] = field(default_factory=set)
    waiting: set[int] = field(default_factory=set)
    biases: frozenset[int] = frozenset()


def select(
    params: list[tuple[int, Any]], name: Callable[[int], str], biases: frozenset[int] = frozenset()
) -> Reading:
    """The gradients that count at this step among the ``(layer index, parameter)`` pairs
    (``biases``: the ids of the biases among them):
    those of parameters that require grad *now*. A frozen parameter's gradient (an all-zero
    tensor left by ``zero_grad(set_to_none=False)``, or a stale one) says nothing about
    learning. ``name(index)`` names a layer in the error for gradients on the meta device.
    No torch call here: the norms are computed by `layer_norms` (bookkeeping a recording
    leaves out).

        >>> import torch
        >>> a, b = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
        >>> b.grad = torch.zeros(2); _ = b.requires_grad_(False)
        >>> found = select([(0, a), (1, b)], str)
        >>> found.grads, found.trainable, found.waiting
        ([], {0}, {0})
    """
    found = Reading()
    positions: set[int] = set()
    for layer, p in params:
        if not p.requires_grad:
            continue
        found.trainable.add(layer)
        g = p.grad
        if g is None:
            found.waiting.add(layer)
        elif g.is_meta:  # shapes without values: no norm (checked before anything is kept)
            raise NNGraphError(message("monitor.gradwatch.meta", layer=name(layer)))
        else:
            if id(p) in biases:
                positions.add(len(found.grads))
            found.grads.append((layer, g))
    found.biases = frozenset(positions)
    return found


def layer_name(name: str) -> str:
    """The layer a module's parameters count for: a parametrization's (weight_norm's
    `0.parametrizations.weight`) are those of the layer it parametrizes (`0`).

    >>> layer_name("0.parametrizations.weight"), layer_name("parametrizations.weight.0")
    ('0', '')
    """
    parts = name.split(".")
    return (
        ".".join(parts[: parts.index("parametrizations")]) if "parametrizations" in parts else name
    )


def layers_of(model: Any) -> tuple[list[str], list[tuple[int, Any]]]:
    """The layers of `model` (modules with parameters of their own, a parametrization's
    counted for the layer it parametrizes, the weights of a module of one's own each with its
    bias: see `split_layer`) in the model's order, and every parameter, frozen or not, with the
    index of its layer; a lazy layer that has not run yet is an `NNGraphError`.

    >>> import torch
    >>> names, params = layers_of(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU()))
    >>> names, [i for i, _ in params]
    (['0'], [0, 0])
    """
    from torch.nn.parameter import UninitializedParameter

    lazy = [n for n, p in model.named_parameters() if isinstance(p, UninitializedParameter)]
    if lazy:  # nn.LazyLinear before its first forward: no shape to read yet
        raise NNGraphError(message("monitor.gradwatch.lazy", names=", ".join(lazy[:3])))
    names: list[str] = []
    params: list[tuple[int, Any]] = []
    seen: set[int] = set()
    index: dict[str, int] = {}  # layer -> its place in `names` (a parametrization's joins)
    for name, module, _ in modules_as_written(model):  # a compiled one's: no `_orig_mod`
        own = []
        for leaf, p in module._parameters.items():  # each once (one held under two names too)
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                own.append((leaf, p))
        for layer, p in split_layer(layer_name(name), module, own):  # weights of its own: each
            if layer not in index:
                index[layer] = len(names)
                names.append(layer)
            params.append((index[layer], p))
    return names, params
