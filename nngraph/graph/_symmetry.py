"""Layers whose units stay copies of each other, and what counts as a layer here: a learnable
weight (`learnable`) that ops of its own module multiply by (`_MULTIPLYING`), perhaps after
reshapes (`_RESHAPING`). Two layers in a row whose weights are all zero, or all one value,
make the units between them compute the same thing and get the same gradient, unless
something tells those units apart: their biases, a residual's skip, a gate.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    >>> for layer in (model[0], model[2]):
    ...     _ = torch.nn.init.zeros_(layer.weight)
    >>> g = ng.trace(model, torch.randn(4, 3), loss=lambda out: out.pow(2).mean())
    >>> [f["kind"] for f in g.health()]  # PyTorch's random biases tell the units apart
    []
    >>> _ = torch.nn.init.zeros_(model[0].bias)
    >>> g = ng.trace(model, torch.randn(4, 3), loss=lambda out: out.pow(2).mean())
    >>> sorted(f["name"] for f in g.health() if f["kind"] == "zeros")
    ['0.weight', '2.weight']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._finding import finding, leaf_name, tensor_of

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["Layers", "copies", "learnable"]

# Ops that multiply their input by a weight: if it is all zero, their units all compute the
# same thing. Op names as recorded calls (`linear`, `conv2d`) and autograd nodes (`addmm`,
# `convolution`, `mkldnn_rnn_layer`) give them.
_MULTIPLYING = (
    "linear", "mm", "matmul", "conv", "einsum", "bilinear", "lstm", "gru", "rnn", "embedding",
    "attention", "mv", "dot",
)  # fmt: skip


# Ops that only reshape or copy a weight on its way there (a Linear's `t`, a `view`).
_RESHAPING = frozenset(
    {
        "t", "T", "mT", "transpose", "permute", "view", "reshape", "unsafe_view", "expand",
        "expand_as", "unsqueeze", "squeeze", "contiguous", "clone", "to", "_to_copy", "flatten",
        "unflatten", "float", "double", "half", "type_as", "alias", "getitem", "select", "slice",
        "narrow", "chunk", "split", "unbind",
    }
)  # fmt: skip


def copies(
    g: Graph, n: Any, data: dict[str, Any], name: str, module: str, layers: Layers
) -> list[dict[str, Any]]:
    """A layer's weight all zero, or all one value, next to a layer whose weight is too: the
    units between the two compute the same thing and get the same gradient."""
    value, shape = data.get("value"), data.get("shape") or []
    if not value or len(shape) < 2:  # a bias may start at 0, or at one value
        return []
    numel = int(value.get("numel") or 0)
    zeros = value.get("zero_frac") == 1.0
    # one value for a single unit is fine (a regression's `w = torch.zeros(2, 1)`): symmetry
    # needs two units or more, each with two inputs or more
    same = min(shape[:2]) >= 2 and value.get("min") == value.get("max")
    if not (zeros or same) or not layers.ops(n):
        return []
    whose = tensor_of(data)
    if zeros and data.get("grad_accumulated"):
        # the lecture's `w.zero_()` instead of `w.grad.zero_()`, even with nothing around it
        key = "zeros_accumulated"
        return [finding("zeros", key, "forward", n, module, name=name, numel=numel, whose=whose)]
    # One such layer among random ones is a fine start (LoRA's B, a ControlNet zero
    # convolution, Fixup): the random weights around it tell its units apart, and the zero
    # gradients it passes back last one step only.
    other = layers.symmetric_neighbour(n)
    if other is None:
        return []
    numbers: dict[str, Any] = {"name": name, "numel": numel, "whose": whose}
    numbers["neighbour"] = leaf_name(g.nodes[other])
    if not zeros:
        numbers["value"] = value["min"]
    kind = "zeros" if zeros else "constant"
    found = finding(kind, kind, "forward", n, module, other=tensor_of(g.nodes[other]), **numbers)
    found.pop("other")  # words, not a number
    return [found]


class Layers:
    """The layers of a graph, found when first asked: the weights (leaves of 2+ dimensions: a
    model's parameters, frozen or not; hand-made leaves that require grad where the graph
    holds no parameter) that an op of their own module multiplies by, by module (`record`,
    `trace`) and by op (`graph_of`, and a weight of the top level)."""

    def __init__(self, g: Graph, types: dict[str, str | None]) -> None:
        self.g, self.types = g, types
        self._ops: dict[Any, list[Any]] = {}
        self._after: dict[Any, list[Any] | None] = {}
        self._by_op: dict[Any, list[Any]] = {}
        self._by_module: dict[str, list[Any]] = {}
        self._found = False

    def ops(self, weight: Any) -> list[Any]:
        """The ops of the weight's own module that multiply by it."""
        if weight not in self._ops:
            module = self.g._node[weight].get("module") or ""
            self._ops[weight] = _multiplying_ops(self.g, weight, module, self.types.get(module))
        return self._ops[weight]

    def _find(self) -> None:
        if self._found:
            return
        g, self._found = self.g, True
        params_only = any(data.get("kind") == "param" for _, data in g.nodes(data=True))
        for n, data in g.nodes(data=True):
            if not learnable(data) or len(data.get("shape") or []) < 2:
                continue
            if params_only and data.get("kind") != "param":
                continue  # beside a model's parameters, a leaf that requires grad is data
            if not self.ops(n):
                continue  # not a layer's weight: a class token, a learned initial state
            for op in self.ops(n):
                self._by_op.setdefault(op, []).append(n)
            if data.get("module"):
                self._by_module.setdefault(data["module"], []).append(n)

    def symmetric_neighbour(self, weight: Any) -> Any:
        """A layer next to `weight`'s whose weights are all zero or all one value too, so that
        the units between them stay copies: one reading this layer's results (where every
        layer that reads them is like that, and the loss does not), or one whose results
        this layer reads (where every layer reading those is like that). None where none is."""
        trapped = self._trapped(weight)
        if trapped is not None:
            return trapped
        return next((v for v in self._walk(weight, forward=False) or [] if self._trapped(v)), None)

    def _trapped(self, weight: Any) -> Any:
        """The first weight of the layers reading `weight`'s results, where `weight` (with two
        units or more) and each of theirs hold one value only; else None."""
        shape = self.g._node[weight].get("shape") or []
        if (
            not _uniform(self.g._node[weight])
            or min(shape[:2]) < 2
            or self._own_biases_differ(weight)
        ):
            return None
        if weight not in self._after:
            self._after[weight] = self._walk(weight, forward=True)
        after = self._after[weight]
        if not after or not all(_uniform(self.g._node[w]) for w in after):
            return None
        return after[0]

    def _own_biases_differ(self, weight: Any) -> bool:
        """Whether the ops multiplying by `weight` also add values that differ from unit to
        unit: PyTorch's random biases tell the units of a zero-weight layer apart (they train
        about as well as randomly initialised ones); zero biases do not."""
        g = self.g
        return any(
            learnable(g._node[p]) and p != weight and _differs(g, p)
            for op in self.ops(weight)
            for p in g._pred[op]
            if len(g._node[p].get("shape") or []) == 1
        )

    def _walk(self, weight: Any, *, forward: bool) -> list[Any] | None:
        """The weights of the layers next to `weight`'s: those reading its results
        (`forward`), or those whose results it reads. Forward, None where its results also
        reach an output something uses (the loss tells the units apart) or an op that
        multiplies by what is no weight (attention's `q @ k`)."""
        self._find()
        g = self.g
        home = g._node[weight].get("module") or ""  # the module holding `weight`, if known
        own = set(self.ops(weight))
        step = g._succ if forward else g._pred
        unused = set(g.graph.get("unused") or ())  # results nothing uses tell nothing apart
        seen, found, frontier = set(own), [], [m for op in own for m in step[op]]
        from_units = set(own).union(*(nx.descendants(g, op) for op in own)) if forward else set()
        units = 1 if any("conv" in str(g._node[op].get("op") or "") for op in own) else -1
        while frontier:
            m = frontier.pop()
            if m in seen:
                continue
            seen.add(m)
            data = g._node[m]
            module = data.get("module") or ""
            if home and module == home:  # inside the layer itself (a GRU's many ops)
                frontier += step[m]
                continue
            layer = [
                w for w in self._by_module.get(module) or self._by_op.get(m) or [] if w != weight
            ]
            if layer:  # another layer: as far as this walk goes
                found += [w for w in layer if w not in found]
            elif data.get("kind") == "output":
                if forward and m not in unused:
                    return None
            elif (data.get("kind") or "op") not in ("op", "module"):
                continue  # the model's input, a bias, a constant
            elif any(word in str(data.get("op") or "") for word in _MULTIPLYING):
                if forward:
                    return None
            elif forward and _joined_by_other_values(g, m, from_units, units):
                return None
            else:
                frontier += step[m]
        return found


def _joined_by_other_values(g: Graph, op: Any, from_units: set[Any], units: int) -> bool:
    """Whether `op` mixes into the units a walk follows (`from_units`: what they flow into)
    values that differ from unit to unit and come from elsewhere: a residual's skip
    (`h + conv(h)` after a zero-initialised conv), a random bias, a gate. They tell the units
    apart. A zero bias or a scalar does not, nor one value per example that every unit shares
    (a `[B, 1]` time step, a `[B, 1, T]` padding mask: size 1 along the units, dimension
    `units` of `op`'s result), nor `cat`, which sets other units beside them."""
    if str(g._node[op].get("op") or "") in _SIDE_BY_SIDE:
        return False
    return any(
        _differs(g, other) and _along_units(g, other, op, units)
        for other in g._pred[op]
        if other not in from_units
    )


def _along_units(g: Graph, other: Any, op: Any, units: int) -> bool:
    """Whether node `other`, broadcast into `op`'s result, may hold other values for other
    units: it is not of size 1 along dimension `units` (1: channels first, -1: last)."""
    shape, result = g._node[other].get("shape"), g._node[op].get("shape")
    if shape is None or result is None:
        return True  # not known: it may
    at = len(shape) - 1 if units < 0 else units - (len(result) - len(shape))
    return 0 <= at < len(shape) and shape[at] != 1


def _differs(g: Graph, n: Any) -> bool:
    """Whether node `n`'s values may differ from one element to the next: by its values, or,
    where the graph keeps none (`graph_of` keeps no op's), by the leaves it is made from (an
    `expand` of a zero initial state holds one value)."""
    value = g._node[n].get("value")
    if value:
        return value.get("min") != value.get("max")
    leaves = [a for a in nx.ancestors(g, n) | {n} if not g._pred[a]]
    return any(
        not (value := g._node[a].get("value")) or value.get("min") != value.get("max")
        for a in leaves
    )


# Ops that set the units of their inputs side by side, without mixing them.
_SIDE_BY_SIDE = frozenset({"cat", "concat", "concatenate", "stack", "hstack", "vstack"})


def _uniform(data: dict[str, Any]) -> bool:
    """Whether a weight of 2+ dimensions holds one value only (all zero, or all equal)."""
    value = data.get("value")
    if not value or len(data.get("shape") or []) < 2:
        return False
    return value.get("zero_frac") == 1.0 or value.get("min") == value.get("max")


def learnable(data: dict[str, Any]) -> bool:
    """A model's parameter, or a hand-made leaf that requires grad (a lesson's `w`)."""
    return data.get("kind") == "param" or data.get("backward") == "AccumulateGrad"


def _multiplying_ops(g: Graph, n: Any, module: str, owner: str | None) -> list[Any]:
    """The ops of the parameter's own module that multiply by it, maybe after reshapes: a
    layer's weight. A class token joined to a sequence, or a learned initial state handed to
    another module's RNN, may well start at zero. An op of unknown module (`graph_of` knows
    none) counts when the parameter's `owner` type is such a layer, or there is none (a
    lesson's own `w`)."""
    unknown_counts = owner is None or any(word in owner.lower() for word in _MULTIPLYING)
    seen, found, frontier = set(), [], list(g._succ[n])
    for _ in range(4):  # a few reshapes at most
        after = []
        for s in frontier:
            data = g._node[s]
            if s in seen:
                continue
            if data.get("call") is None:  # graph_of's ops: no call, no module
                if not unknown_counts:
                    continue
            elif (data.get("module") or "") != module:
                continue
            seen.add(s)
            op = str(data.get("op") or "")
            if any(word in op for word in _MULTIPLYING):
                found.append(s)  # and on: a Linear's `t` is recorded as `linear` too
            elif op not in _RESHAPING:
                continue
            after += g._succ[s]
        frontier = after
    return found
