"""The gradients of leaves (parameters, inputs that require grad) seen during a recording.

A leaf's statistics are those of its `.grad` after the backward, which a student compares with.
They are taken when the recording ends, unless something writes into `.grad` in place before
then (`w.grad.zero_()`, `zero_grad(set_to_none=False)`, gradient clipping): the recorder reports
such a write first, and the statistics are taken from a copy of `.grad` as the backward left it.

    >>> import torch
    >>> from nngraph.capture._builder import GraphBuilder, Names
    >>> builder = GraphBuilder(Names())
    >>> w = torch.ones(2, requires_grad=True)
    >>> node_id = builder.walk([(w * 3).sum().grad_fn])[-1]   # the AccumulateGrad node of w
    >>> leaves = LeafGrads(builder)
    >>> (w * 3).sum().backward()
    >>> leaves.reached(node_id, torch.full((2,), 3.0))
    >>> leaves.before_write(w.grad)  # `w.grad.zero_()` is about to run
    True
    >>> _ = w.grad.zero_()
    >>> leaves.finish(); builder.stats.flush()
    >>> builder.graph.nodes[node_id]["grad"]["mean"]
    3.0
"""

from __future__ import annotations

import weakref
from typing import Any

import torch

from nngraph.capture._builder import ACCUMULATE_GRAD, GraphBuilder, grad_fn_of, tensors_in
from nngraph.capture._common import hidden
from nngraph.capture._memory import storage_key

__all__ = ["GradsBefore", "LeafGrads", "leaves_behind", "same_elements", "same_values"]


def same_elements(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Elementwise equality where NaN equals NaN (a NaN gradient is the same gradient)."""
    return (a == b) | (torch.isnan(a) & torch.isnan(b))


def same_values(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Whether two tensors of one shape hold the same values, NaN equal to NaN."""
    return torch.equal(a, b) or bool(same_elements(a, b).all())


class LeafGrads:
    """The gradient each leaf node received, and when to summarise its `.grad`."""

    def __init__(self, builder: GraphBuilder) -> None:
        self.builder = builder
        self.grads: dict[str, torch.Tensor | None] = {}  # node id -> the gradient it received
        #: node id -> whether its `.grad` held something other than zeros when the backward
        #: reached it (a tensor of one bool on an accelerator, read at `flush()`)
        self.leftover: dict[str, bool | torch.Tensor] = {}
        self.kept: set[str] = set()  # summarised before a write into `.grad`
        self._owners: dict[int, str] | None = None  # storage of a `.grad` -> node id
        self._variables: dict[int, str] | None = None  # id of a leaf -> node id
        #: tensors computed from leaves' gradients in the block (`lr * w.grad`)
        self._from_grads: dict[int, weakref.ref[torch.Tensor]] = {}
        #: id of a parameter -> how many `optimizer.step()` calls in the block updated it
        self._steps: dict[int, int] = {}
        #: leaf -> the steps of its parameter when its `.grad` began to gather, while it lasts
        self._since: dict[str, int] = {}
        #: leaves whose `.grad` an optimizer step used holding gradients from before an
        #: earlier step of it: a forgotten `zero_grad()` in a loop of training steps
        self.stale: set[str] = set()
        #: how many `optimizer.step()` calls the block made, of any optimizer; leaf -> that
        #: count when its `.grad` began to gather, while it lasts
        self._all_steps = 0
        self._since_any: dict[str, int] = {}
        #: leaves a backward reached holding gradients from before a step (of any optimizer):
        #: stale where no optimizer that stepped holds them (`_finish._mark_not_stepped`)
        self.across_steps: set[str] = set()
        #: leaves a step counted since a backward last reached them
        self._stepped: set[str] = set()
        #: leaves whose `.grad` was reset or written by hand since the first backward of the
        #: block reached them: it no longer holds what was left in it from before the block
        self._rewritten: set[str] = set()

    def reached(self, node_id: str, grad: torch.Tensor | None) -> None:
        """The backward reached leaf `node_id` with `grad` (before adding it to `.grad`)."""
        self.grads[node_id] = grad
        variable = self.builder.leaf_fns[node_id].variable
        if node_id not in self.leftover:  # the first reach: what `.grad` held before the block
            self.leftover[node_id] = _leftover(variable.grad)
        self._since.setdefault(node_id, self._steps.get(id(variable), 0))
        self._stepped.discard(node_id)  # a backward: the next step counts
        if self._since_any.setdefault(node_id, self._all_steps) < self._all_steps:
            self.across_steps.add(node_id)
        self.kept.discard(node_id)
        self._owners = self._variables = None

    def received(self, node_id: str, grad: torch.Tensor) -> None:
        """`torch.autograd.grad` returned `grad` for leaf `node_id` (no prehook ran)."""
        self.grads.setdefault(node_id, grad)

    def _owner_of(self, t: torch.Tensor) -> tuple[str, torch.Tensor] | None:
        """The leaf whose `.grad` shares `t`'s memory (`t` is that `.grad`, or a view of it),
        with that `.grad`; None if there is none."""
        key = storage_key(t)
        if key is None:
            return None
        if self._owners is None:
            self._owners = {}
            for leaf in self.grads:
                grad = self.builder.leaf_fns[leaf].variable.grad
                owner = storage_key(grad) if grad is not None else None
                if owner is not None:
                    self._owners[owner] = leaf
        node_id = self._owners.get(key)
        if node_id is None:
            return None
        grad = self.builder.leaf_fns[node_id].variable.grad
        if grad is None or storage_key(grad) != key:  # `.grad` was replaced since
            return None
        return node_id, grad

    @property
    def watching(self) -> bool:
        """Whether a call may read a gradient now: a backward reached a leaf in the block."""
        return bool(self.grads or self._from_grads)

    def from_gradients(self, args: Any, kwargs: dict[str, Any]) -> bool:
        """Whether a call's arguments hold a leaf's `.grad` (untracked: not a `create_graph`
        one) or a tensor computed from one in the block. Such a call updates or inspects
        parameters after the backward (`w -= lr * w.grad`, a gradient norm printed), as
        `optimizer.step()` does, and is left out of the graph."""
        for t in tensors_in(kwargs, tensors_in(args, [])):
            seen = self._from_grads.get(id(t))
            if (seen is not None and seen() is t) or (
                self.grads and grad_fn_of(t) is None and self._owner_of(t) is not None
            ):
                return True
        return False

    def computed_from_gradients(self, args: Any, out: Any) -> None:
        """Remember the new tensors `out` of a call left out by `from_gradients`; a tensor the
        call wrote into in place (the parameter in `w -= ...`) stays what it was."""
        given = {id(t) for t in tensors_in(args, [])}
        for t in tensors_in(out, []):
            if id(t) not in given:
                self._from_grads[id(t)] = weakref.ref(t)

    def returned(self, grads: Any) -> None:
        """`torch.autograd.grad` returned `grads`: those with no history (not `create_graph`)
        are gradients as `.grad` holds them, and a call reading one (`p -= lr * g`) is left out
        as `from_gradients` says."""
        for t in tensors_in(grads, []):
            if grad_fn_of(t) is None:
                self._from_grads[id(t)] = weakref.ref(t)

    def holds(self, t: torch.Tensor) -> bool:
        """Whether `t` is a leaf's `.grad` (or a view of it)."""
        return bool(self.grads) and self._owner_of(t) is not None

    def before_write(self, t: torch.Tensor) -> bool:
        """`t` is about to change in place: if it is a leaf's `.grad`, summarise it now.
        Returns whether it was one."""
        if not self.grads:
            return False
        owner = self._owner_of(t)
        if owner is None:
            return False
        node_id, grad = owner
        self._since.pop(node_id, None)  # reset (`zero_()`) or changed by hand: begins anew
        self._since_any.pop(node_id, None)
        if node_id not in self.kept:
            self._summarise(node_id, grad.detach().clone())
            self.kept.add(node_id)
        self._rewritten.add(node_id)
        return True

    def before_grad_set(self, variable: torch.Tensor) -> None:
        """`variable.grad` is about to be replaced (`p.grad = None` in `zero_grad()`):
        summarise the gradient it holds now, which nothing changes afterwards."""
        grad = variable.grad
        if grad is None:
            return
        node_id = self._by_variable().get(id(variable))
        if node_id is None:
            return
        self._since.pop(node_id, None)  # `zero_grad()` sets it to None
        self._since_any.pop(node_id, None)
        if node_id not in self.kept:
            self._summarise(node_id, grad)
            self.kept.add(node_id)
        self._rewritten.add(node_id)

    def before_step(self, optimizer: Any) -> set[int]:
        """`optimizer.step()` is about to use the `.grad` of its parameters: one that still
        holds gradients from before an earlier step of them is stale (no `zero_grad()`). A
        `.grad` no step uses again (a GAN's discriminator during the generator's step, zeroed
        before its next step) is not. Returns the ids of its parameters no backward reached."""
        nodes = self._by_variable()
        self._all_steps += 1
        unreached = set()
        for group in getattr(optimizer, "param_groups", ()):
            for p in group.get("params", ()):
                node_id = nodes.get(id(p))
                self._count_step(node_id, p)
                if node_id is None:
                    unreached.add(id(p))
        return unreached

    def all_reset(self, optimizer: Any) -> bool:
        """Whether every parameter of `optimizer` that a backward in the block reached has
        its `.grad` reset to None: `zero_grad()` ran between `backward()` and `step()`, and the
        step changes nothing. False where no backward reached any of them."""
        nodes = self._by_variable()
        reached = [
            p
            for group in getattr(optimizer, "param_groups", ())
            for p in group.get("params", ())
            if id(p) in nodes
        ]
        return bool(reached) and all(p.grad is None for p in reached)

    def before_update(self, written: torch.Tensor) -> None:
        """A hand-written update (`w -= lr * w.grad`, `w.data -= ...`) is about to change the
        leaf `written` is, or shares its memory with: a step of that leaf, as `before_step`
        counts them (the lecture's loop without an optimizer, `w.grad.zero_()` forgotten)."""
        key = storage_key(written)  # `w[i] -= ...`, a slice of a packed `theta`: a step of w
        if key is None:
            return
        for node_id in self.grads:
            variable = self.builder.leaf_fns[node_id].variable
            if storage_key(variable) == key:
                self._count_step(node_id, variable)

    def _count_step(self, node_id: str | None, p: torch.Tensor) -> None:
        """One step of parameter `p` (leaf `node_id`, None if no backward reached it): its
        `.grad` is stale if it still gathers gradients from before an earlier step. Steps
        with no backward between them count once: an update written in pieces (a row at a
        time), SAM's undo before its optimizer's step."""
        if node_id is not None:
            if node_id in self._stepped:
                return
            self._stepped.add(node_id)
        steps = self._steps.get(id(p), 0)
        if node_id is not None and self._since.get(node_id, steps) < steps:
            self.stale.add(node_id)
        self._steps[id(p)] = steps + 1

    def _by_variable(self) -> dict[int, str]:
        """id of each leaf tensor a backward reached -> its node (kept until the next reach)."""
        if self._variables is None:
            leaf_fns = self.builder.leaf_fns
            self._variables = {id(leaf_fns[leaf].variable): leaf for leaf in self.grads}
        return self._variables

    def finish(self) -> None:
        """Queue the statistics of every leaf's gradient; a `.grad` left over from before the
        block is told after any number of backward passes."""
        for node_id in self.grads:
            if node_id not in self.kept:
                variable_grad = self.builder.leaf_fns[node_id].variable.grad
                self._summarise(node_id, variable_grad)
        self.grads.clear()
        self.leftover.clear()
        self.kept.clear()
        self._from_grads.clear()
        self._since.clear()
        self._since_any.clear()
        self._stepped.clear()
        self._steps.clear()
        self.stale.clear()
        self._rewritten.clear()
        self._owners = self._variables = None

    def _summarise(self, node_id: str, variable_grad: torch.Tensor | None) -> None:
        # What a student compares with: `.grad` after the backward (accumulated, as autograd
        # does); for `torch.autograd.grad`, which leaves `.grad` alone, the gradient itself.
        attrs = self.builder.graph._node[node_id]
        grad = self.grads[node_id]
        stats = self.builder.stats
        stats.add(attrs, "grad", grad if variable_grad is None else variable_grad)
        if node_id in self.stale:
            attrs["grad_accumulated"] = True
        elif node_id not in self._rewritten:
            # `.grad` still holds what it held when the block's first backward reached it:
            # more than the block's gradients where that was something else than zeros
            # (`zero_grad(set_to_none=False)` leaves zeros: nothing is added). Gradient
            # accumulation inside the block is meant; only a leftover from before is not.
            # Comparing `.grad` with the gradient at the end would blame a hook that clips
            # `.grad` in place during the backward, where no write is seen.
            leftover = self.leftover.get(node_id, False)
            if isinstance(leftover, bool):
                attrs["grad_accumulated"] = leftover
            else:  # read at `flush()`, after a later summary may have found it stale
                stats.add_numbers(
                    attrs,
                    "grad_accumulated",
                    leftover,
                    lambda n: bool(n[0]) or bool(attrs.get("grad_accumulated")),
                )


def _leftover(grad: torch.Tensor | None) -> bool | torch.Tensor:
    """Whether a `.grad` about to receive a gradient holds anything but zeros; on an
    accelerator a one-element tensor, so that the backward does not wait for the answer."""
    if grad is None or grad.layout != torch.strided or grad.is_meta or grad.numel() == 0:
        return False  # a sparse or meta `.grad`: not checked
    with torch.no_grad():
        nonzero = grad.detach().ne(0).any().reshape(1)  # NaN != 0: a NaN left over counts
    return bool(nonzero) if grad.device.type == "cpu" else nonzero


def leaves_behind(root: Any) -> list[torch.Tensor]:
    """The leaf tensors whose AccumulateGrad nodes can be reached from autograd node `root`."""
    leaves: list[torch.Tensor] = []
    seen = {root}
    stack = [root]
    while stack:
        fn = stack.pop()
        if type(fn) is ACCUMULATE_GRAD:
            leaves.append(fn.variable)
        for next_fn, _ in fn.next_functions:
            if next_fn is not None and next_fn not in seen:
                seen.add(next_fn)
                stack.append(next_fn)
    return leaves


class GradsBefore:
    """The `.grad` that leaves outside a traced model had (an input, the generator behind
    `trace(D, G(z))`), set aside for the backward and put back after it."""

    def __init__(self) -> None:
        #: id of every leaf tensor that requires grad met in the block -> it, its `.grad` then
        self.met: dict[int, tuple[torch.Tensor, torch.Tensor | None]] = {}

    def set_aside(self, keep: list[torch.Tensor], loss: torch.Tensor, *, walk_failed: bool) -> None:
        """Set to None, until `put_back()`, the `.grad` of every leaf that the backward of
        `loss` can reach, except those in `keep` (the model's own, set aside already). The
        backward then makes new gradients instead of adding into the old ones in place, which
        come back untouched: same object, same values. `walk_failed`: the recording stopped
        early, so the leaves behind the loss are found directly."""
        if walk_failed:
            for variable in leaves_behind(loss.grad_fn):
                self.met.setdefault(id(variable), (variable, variable.grad))
        kept = {id(t) for t in keep}
        with hidden():
            for key, (tensor, _) in self.met.items():
                if key not in kept and tensor.grad is not None:
                    tensor.grad = None

    def put_back(self, keep: list[torch.Tensor]) -> None:
        """Give every leaf met, except those in `keep`, the `.grad` it had then."""
        kept = {id(t) for t in keep}
        for key, (tensor, grad) in self.met.items():
            if key not in kept and tensor.grad is not grad:
                tensor.grad = grad
        self.met.clear()
