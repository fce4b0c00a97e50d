"""The gradient flowing into an op node: over several backward passes, and over several outputs.

- An op node's `grad` is the sum of the gradients that flowed into it in the backward passes of
  the recording that reached it (`torch.autograd.grad`'s too), as `.grad` after `retain_grad()`
  shows it. A later pass can only reach a node again when the pass before kept the graph
  (`retain_graph=True`, `create_graph=True`), so only such a pass holds its gradients until
  the next one adds to them; a single `backward()` holds nothing more.
- A node with several outputs (`unbind`, `split`, `chunk`) has the statistics of the gradients
  of those the call returned (as its `value` shows them) laid end to end; an output that no
  gradient reached counts as zeros, which is what autograd means by None. Outputs the call did
  not give back (GroupNorm's `mean` and `rstd`, the `hy` and `cy` of an LSTM layer's node that
  the LSTM stacks into `h_n` and `c_n`) are left out, as `retain_grad()` on what it returned
  shows them; but where no gradient reached any returned output and some reached those others
  (a classifier reading only `h_n[-1]` of a seq-first LSTM), the node shows the gradients of
  those it reached, laid end to end: a node the gradient passes through never shows None.

    >>> import torch
    >>> x = torch.ones(2, 3, requires_grad=True)
    >>> first = (x * 2).unbind(1)[0]  # one of 3 outputs of shape [2] of one autograd node
    >>> grads = (torch.ones(2), None, torch.full((2,), 3.0))
    >>> all_outputs(first.grad_fn, grads).tolist()
    [1.0, 1.0, 0.0, 0.0, 3.0, 3.0]
    >>> all_outputs(first.grad_fn, grads, returned=(1, 2)).tolist()  # the call gave back 2
    [0.0, 0.0, 3.0, 3.0]
    >>> all_outputs(first.grad_fn, (None, torch.ones(2), None), returned=(0, 2)).tolist()
    [1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from nngraph.capture._builder import GraphBuilder, autograd_node, grad_fn_of
from nngraph.capture._common import hidden
from nngraph.capture._leaves import LeafGrads
from nngraph.capture._reduce import own_values

__all__ = ["BackwardPasses", "all_outputs", "joined", "outputs_returned", "results_by_node"]

_is_functorch_wrapped = torch._C._functorch.is_functorch_wrapped_tensor

#: what `BackwardPasses.begin()` returns: the pass's `keeps` and `reached`
Pass = tuple[bool, set[str] | None]


def joined(tensors: Sequence[torch.Tensor]) -> torch.Tensor:
    """`tensors` flattened and laid end to end (a copy of ours), or the first of them where
    they cannot be (other dtypes or devices, sparse, nested, a tensor subclass)."""
    first = tensors[0]
    if len(tensors) == 1 or any(
        type(t) is not torch.Tensor
        or t.layout != torch.strided
        or t.is_nested
        or t.dtype != first.dtype
        or t.device != first.device
        or _is_functorch_wrapped(t)
        or not own_values(t)  # batched by `is_grads_batched=True`: no op but its own runs on it
        for t in tensors
    ):
        return first
    with torch.no_grad():
        return torch.cat([t.detach().reshape(-1) for t in tensors])


def results_by_node(outs: Sequence[torch.Tensor]) -> dict[Any, list[torch.Tensor]]:
    """The tracked tensors among a call's results `outs`, by the autograd node that made them,
    in their order there: `split`'s parts are one node's, an LSTM's output, `h_n` and `c_n`
    three nodes'.

    >>> x = torch.ones(4, requires_grad=True)
    >>> [len(made) for made in results_by_node([*(x * 2).split(2), x.exp(), x.detach()]).values()]
    [2, 1]
    """
    made_by: dict[Any, list[torch.Tensor]] = {}
    for t in outs:
        fn = grad_fn_of(t)
        if fn is not None:
            made_by.setdefault(fn, []).append(t)
    return made_by


def outputs_returned(fn: Any, outs: Sequence[torch.Tensor]) -> tuple[int, ...]:
    """Which outputs of autograd node `fn` (by `output_nr`, in their order there) are among the
    tensors `outs` that a call returned."""
    return tuple(dict.fromkeys(t.output_nr for t in outs if grad_fn_of(t) is fn))


def all_outputs(
    fn: Any, grads: Sequence[torch.Tensor | None], returned: Sequence[int] = ()
) -> torch.Tensor | None:
    """The gradients flowing into the outputs of autograd node `fn`, laid end to end: into
    those numbered in `returned` (the outputs its call gave back), or into all where it is
    empty; an output that none reached (None) counts as zeros of its shape. Where none of the
    returned outputs was reached, into the other outputs that were."""
    metadata = getattr(fn, "_input_metadata", None)  # the outputs' shapes (PyTorch 2.4 on)
    if metadata is not None and len(metadata) != len(grads):
        metadata = None
    if returned and max(returned) < len(grads):
        shown = _outputs_shown(grads, returned)
        grads = [grads[i] for i in shown]
        metadata = None if metadata is None else [metadata[i] for i in shown]
    present = [g for g in grads if g is not None]
    if not present:
        return None
    if len(present) < len(grads) and metadata is not None:
        if any(m.is_nested_tensor for m in metadata):
            return present[0]
        with torch.no_grad():
            present = [
                torch.zeros(m.shape, dtype=m.dtype, device=m.device) if g is None else g
                for g, m in zip(grads, metadata, strict=True)
            ]
    return joined(present)


def _outputs_shown(grads: Sequence[torch.Tensor | None], returned: Sequence[int]) -> list[int]:
    """The outputs whose gradients a node shows: those the call `returned`, or, where no
    gradient reached any of them, the others that one reached (the `hy` of a seq-first LSTM
    layer whose `h_n` the model reads, not its output)."""
    if any(grads[i] is not None for i in returned):
        return list(returned)
    return [i for i, grad in enumerate(grads) if grad is not None and i not in returned]


def output_count(fn: Any) -> int:
    """How many outputs autograd node `fn` has (1 where PyTorch does not say)."""
    metadata = getattr(fn, "_input_metadata", None)
    return 1 if metadata is None else len(metadata)


def _readable(grad: torch.Tensor) -> bool:
    """Whether the values of `grad` can be read after its pass: not a gradient batched by
    `is_grads_batched=True`, nor a wrapper of `torch.func` (whose values live inside it)."""
    return own_values(grad) and not _is_functorch_wrapped(grad)


def _sum(held: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """`held + grad`, untracked; `grad` alone where they do not match."""
    if (held.shape, held.dtype, held.device, held.layout) != (
        grad.shape,
        grad.dtype,
        grad.device,
        grad.layout,
    ):
        return grad
    with torch.no_grad():
        return held + grad.detach()


class BackwardPasses:
    """The backward calls the recording sees run, and the gradients held between them."""

    def __init__(self, builder: GraphBuilder, leaves: LeafGrads) -> None:
        self.builder = builder
        self.leaves = leaves
        self.keeps = False  # the running pass keeps the graph: its gradients are held
        self.reached: set[str] | None = None  # op nodes the running `autograd.grad` ran
        self.held: dict[str, torch.Tensor] = {}  # op node -> its gradient summed so far
        #: whether a gradient goes through `received()`, not straight to the statistics
        self.watching = False
        #: how many backward calls ran to their end in the recording, outside `torch.func`'s
        #: transforms (see `_record.py`)
        self.ran = 0

    def begin(self, func: Any, kwargs: dict[str, Any]) -> Pass:
        """`func` (`Tensor.backward`, `torch.autograd.backward` or `torch.autograd.grad`, whose
        settings come as keywords) is about to run a backward pass; returns what `end()`
        puts back."""
        retain = kwargs.get("retain_graph")
        before = (self.keeps, self.reached)
        self.keeps = bool(kwargs.get("create_graph")) if retain is None else bool(retain)
        self.reached = set() if func is torch.autograd.grad else None
        self._watch()
        return before

    def end(self, before: Pass) -> Pass:
        """The pass `begin()` announced has ended; returns its `keeps` and `reached`."""
        ended = (self.keeps, self.reached)
        self.keeps, self.reached = before
        self._watch()
        return ended

    def _watch(self) -> None:
        # a single `backward()` (every `trace()`) leaves it False: its hooks go straight on
        self.watching = self.keeps or self.reached is not None or bool(self.held)

    def received(self, node_id: str, attrs: dict[str, Any], grad: torch.Tensor | None) -> None:
        """The running pass reached op node `node_id` with `grad`."""
        if self.reached is not None:
            self.reached.add(node_id)
        self._add(node_id, attrs, grad, keeps=self.keeps)

    def _add(
        self, node_id: str, attrs: dict[str, Any], grad: torch.Tensor | None, *, keeps: bool
    ) -> None:
        held = self.held.pop(node_id, None)
        if grad is not None and not _readable(grad):
            # batched by `is_grads_batched=True` (a vectorized `jacobian`, `hessian`): no values
            # to hold or add, as none to summarise; what earlier passes held stays
            grad = None
        with hidden():
            if held is not None:
                grad = held if grad is None else _sum(held, grad)
            if keeps and grad is not None:  # a later pass may add to it
                self.held[node_id] = grad.detach()
            else:
                self.builder.stats.add(attrs, "grad", grad)
        self._watch()

    def returned(self, inputs: Any, grads: Any, ended: Pass) -> None:
        """`torch.autograd.grad(outputs, inputs)` returned `grads` in the pass that `end()`
        described: autograd stops at the inputs without running their nodes (unless it needs
        one to reach another input), so no prehook saw these gradients."""
        keeps, reached = ended
        self.leaves.returned(grads)
        if isinstance(inputs, (torch.Tensor, torch.autograd.graph.GradientEdge)):
            inputs = (inputs,)
        builder = self.builder
        outputs: dict[str, tuple[Any, list[torch.Tensor | None]]] = {}
        for tensor, grad in zip(inputs, grads, strict=False):
            if not isinstance(tensor, torch.Tensor) or not isinstance(grad, torch.Tensor):
                continue
            fn = autograd_node(tensor)
            node_id = builder.ids.get(fn)
            if node_id is None or (reached is not None and node_id in reached):
                continue
            if node_id in builder.leaf_fns:
                self.leaves.received(node_id, grad)
                continue
            slots = outputs.setdefault(node_id, (fn, [None] * output_count(fn)))[1]
            at = tensor.output_nr if len(slots) > 1 else 0
            if at < len(slots):
                slots[at] = grad.detach().clone() if keeps else grad  # the caller's to change
        for node_id, (fn, slots) in outputs.items():
            returned = builder.returned_outputs.get(node_id, ())
            grad = slots[0] if len(slots) == 1 else all_outputs(fn, slots, returned)
            self._add(node_id, builder.graph._node[node_id], grad, keeps=keeps)

    def finish(self) -> None:
        """Queue the statistics of the gradients still held (a last pass that kept the graph)."""
        if not self.held:
            return
        nodes = self.builder.graph._node
        with hidden():
            for node_id, grad in self.held.items():
                self.builder.stats.add(nodes[node_id], "grad", grad)
        self.held.clear()
        self.watching = False
