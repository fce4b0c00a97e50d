"""Why a backward that ran in a `record()` block reached nothing the block recorded.

Two causes, told apart by the loss a backward starts from:
- "before": its forward ran before the block (the loss has a graph, made outside the block);
- "untracked": the block made the loss without autograd, so it has no graph behind it: a
  leaf now, made in the block (`torch.tensor(out.item(), requires_grad=True)`, `torch.full`,
  `torch.as_tensor(v).requires_grad_()`) while the block recorded forward ops, or one a
  recorded op made (`out.detach().requires_grad_()`, a loss computed under `torch.no_grad()`,
  then `loss.requires_grad_(True)` to silence PyTorch's error).

A leaf made before the block, or in a block that recorded no forward op, stays "before": the
block cannot tell where its forward ran.

    >>> import warnings, torch, nngraph as ng
    >>> net, x = torch.nn.Linear(2, 1), torch.randn(4, 2)
    >>> with warnings.catch_warnings(record=True), ng.record() as rec:
    ...     warnings.simplefilter("always")
    ...     torch.tensor(net(x).pow(2).mean().item(), requires_grad=True).backward()
    >>> rec.forward_before
    'untracked'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from nngraph.capture._builder import grad_fn_of, tensors_in

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = ["forward_before", "note_untracked_loss"]


def forward_before(recorder: Recorder) -> str | None:
    """Why a backward ran in the block but reached no node the block recorded: its loss was
    computed before the block ("before"; ops a TorchScript module ran in C++ are not walked
    either), or the block computed it without autograd ("untracked"). None if it reached one,
    or if no backward ran (what `rec.forward_before` holds after the block).

        >>> import torch, nngraph as ng
        >>> with ng.record() as rec:
        ...     pass  # no backward ran
        >>> print(rec.forward_before)
        None
    """
    if not recorder.passes.ran or recorder.graph_tasks or recorder.failed or recorder.warned_script:
        return None
    return "untracked" if recorder.untracked_loss else "before"


def note_untracked_loss(recorder: Recorder, roots: Any) -> None:
    """A backward starts from `roots`: note whether one is a loss the block made without
    autograd, a leaf that is no parameter (see the module's docstring).

        >>> import warnings, nngraph as ng
        >>> made_before = torch.tensor(1.0, requires_grad=True)
        >>> with warnings.catch_warnings(record=True), ng.record() as rec:
        ...     warnings.simplefilter("always")
        ...     made_before.backward()
        >>> rec.forward_before
        'before'
    """
    for t in tensors_in(roots, []):
        if grad_fn_of(t) is not None or isinstance(t, torch.nn.Parameter):
            continue
        if recorder.lookup(t) is not None or (_made_in_block(recorder, t) and _ran_ops(recorder)):
            recorder.untracked_loss = True


def _made_in_block(recorder: Recorder, t: torch.Tensor) -> bool:
    """Whether a factory call in the block (`torch.tensor`, `torch.full`) made `t`, and no
    recorded op has used it since (those are found by `recorder.lookup`)."""
    ref, _ = recorder.unused.get(id(t), (None, None))
    return ref is not None and ref() is t


def _ran_ops(recorder: Recorder) -> bool:
    """Whether the block recorded an op (a forward pass, tracked or not) so far."""
    return any(attrs["kind"] == "op" for attrs in recorder.graph._node.values())
