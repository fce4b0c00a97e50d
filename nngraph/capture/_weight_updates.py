"""Code that updates the weights by hand, left out of a recording like `optimizer.step()`: a
hand-written EMA of the weights, weight clipping, copying weights from one model to another.

A write into a parameter under `torch.no_grad()` (also in a module's forward: a critic that
clips its weights, a codebook's EMA), into a view of it under `no_grad` (`w[0].zero_()`), or at
top level (outside any module's forward) into a copy that shares its memory (`p.data`,
`p.detach()`, a `state_dict()` value) or into a list of them (`torch._foreach_lerp_`), is left
out; so are the untracked ops whose
results only such writes read (`0.99 * pe + 0.01 * p`), which `prune` removes when the
recording ends. A computation under `no_grad` that reads the weights stays in the graph
(an evaluation of a model made of `nn.Parameter`s alone).

    >>> import torch, nngraph as ng
    >>> model, ema = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    >>> with ng.record() as rec:
    ...     model(torch.ones(1, 2)).sum().backward()
    ...     with torch.no_grad():
    ...         for pe, p in zip(ema.parameters(), model.parameters()):
    ...             _ = pe.copy_(0.99 * pe + 0.01 * p)
    >>> sorted({d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op"})
    ['linear', 'sum']
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import torch

from nngraph.capture._memory import storage_key

if TYPE_CHECKING:
    from nngraph.graph import Graph

__all__ = ["WeightCopies"]

#: calls whose result shares a parameter's memory: `p.data`, `p.detach()` (`state_dict()`),
#: a row or a view of it (`w[0].zero_()`, `w.diagonal().fill_(1)`)
_ALIASES = frozenset(
    {
        "__get__", "detach", "__getitem__", "view", "view_as", "reshape", "select", "narrow",
        "diagonal", "t", "transpose", "permute", "flatten", "squeeze", "unsqueeze", "as_strided",
    }
)  # fmt: skip


class WeightCopies:
    """The copies of parameters a recording has met (see the module's docstring), and the
    nodes that writes into weights read."""

    def __init__(self) -> None:
        #: id of a copy -> (the copy, the parameter whose memory it shares)
        self._copies: dict[int, tuple[weakref.ref[torch.Tensor], torch.Tensor]] = {}
        #: nodes read by writes left out: pruned when the recording ends if nothing else reads them
        self.fed: set[str] = set()

    def is_weight(self, t: Any) -> bool:
        """Whether `t` is a parameter, a copy sharing its memory, or a list of them."""
        if isinstance(t, (list, tuple)):
            return bool(t) and all(self.is_weight(item) for item in t)
        if isinstance(t, torch.nn.Parameter):
            return True
        seen = self._copies.get(id(t))
        return seen is not None and seen[0]() is t

    def original(self, t: torch.Tensor) -> torch.Tensor:
        """The parameter a copy `t` shares memory with; `t` itself for any other tensor."""
        seen = self._copies.get(id(t))
        return seen[1] if seen is not None and seen[0]() is t else t

    def note_alias(self, func: Any, args: tuple[Any, ...], out: Any) -> None:
        """Remember `out` when it is `p.data`, `p.detach()`, a row or a view of a weight `p`."""
        name = getattr(func, "__name__", None)
        if (
            args
            and name in _ALIASES
            and isinstance(out, torch.Tensor)
            and self.is_weight(args[0])
            and (name != "__get__" or getattr(func, "__self__", None) is torch.Tensor.data)
        ):
            weight = self.original(args[0])
            # `w[idx]`, `w[mask]`, a reshape of a transposed weight: a copy, not the weight
            # (a sparse weight has no plain storage to tell by: its `.data` counts)
            mine, its = storage_key(out), storage_key(weight)
            if mine is None or its is None or mine == its:
                self._copies[id(out)] = (weakref.ref(out), weight)

    def writes_weight(self, changed: Any, *, top_level: bool) -> bool:
        """Whether a call writing into `changed` updates the weights by hand: into a
        parameter under `no_grad` (also in a forward: weight clipping, an EMA codebook), into a
        copy or a view of one under `no_grad`, or at top level into a copy under any grad mode
        (`p.data.clamp_(...)`)."""
        if changed is None:
            return False
        if isinstance(changed, torch.nn.Parameter):  # also in a forward: clipping, an EMA codebook
            return not torch.is_grad_enabled()
        return (top_level or not torch.is_grad_enabled()) and self.is_weight(changed)

    def only_feeds(self, graph: Graph, node: str) -> bool:
        """Whether every op that read `node` so far is an untracked op at top level whose
        results reach only writes into the weights (the update's own `0.99 * pe`), not a
        result the recording keeps (`x @ W` under no_grad, then `W.clamp_(...)`)."""
        nodes, stack, seen = graph._node, list(graph._succ[node]), set()
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            data = nodes[n]
            if data["kind"] != "op" or data.get("tracked") or data.get("module"):
                return False
            if n not in self.fed:
                if not graph._succ[n]:
                    return False  # a result of its own: kept
                stack.extend(graph._succ[n])
        return True

    def feed(self, nodes: list[str]) -> None:
        """The nodes of the tensors a write into the weights read."""
        self.fed.update(nodes)

    def prune(self, graph: Graph) -> set[str]:
        """Remove the untracked ops whose results only writes into the weights read, and the
        leaves left with no edge by that; returns the nodes removed."""
        removed: set[str] = set()
        stack = [n for n in self.fed if n in graph]
        if self._copies:  # copies of weights nothing read: `m.state_dict()[k]` detaches them all
            nodes = graph._node
            stack += [
                n
                for n, data in nodes.items()
                if data["op"] == "detach"
                and not data.get("tracked")
                and all(nodes[p]["kind"] == "param" for p in graph._pred[n])
            ]
        while stack:
            n = stack.pop()
            if n not in graph or graph._succ[n]:
                continue
            data = graph._node[n]
            removable = data["kind"] == "op" and not data.get("tracked")
            leaf = data["kind"] in ("param", "buffer", "input", "constant") and not graph._pred[n]
            if not (removable or leaf):
                continue
            sources = list(graph._pred[n])
            graph.remove_node(n)
            removed.add(n)
            stack.extend(sources)
        self._copies.clear()  # the recording has ended: let the parameters go
        return removed
