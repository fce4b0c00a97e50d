"""Whether the loss `trace()` got from `loss(output)` is computed from that forward: a loss
that ignores the output it is given (`loss=lambda out: loss_value`, a loss computed before,
or `loss=lambda out: F.mse_loss(model(x), y)`, which runs the model again) would show this
forward's values next to another forward's gradients, so it is refused before any backward.

    >>> import torch, nngraph as ng
    >>> model, x = torch.nn.Linear(3, 1), torch.randn(4, 3)
    >>> earlier = model(x).pow(2).mean()
    >>> ng.trace(model, x, loss=lambda out: earlier)
    Traceback (most recent call last):
    ...
    nngraph.errors.NNGraphError: the loss function returned a loss computed before trace() ran ...
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import torch

from nngraph.capture._builder import grad_fn_of
from nngraph.capture._common import tensors_within
from nngraph.errors import NNGraphError
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = ["check_loss_reads_forward"]


def check_loss_reads_forward(
    recorder: Recorder, value: torch.Tensor, output: Any, forward_calls: range
) -> None:
    """Raise unless `value`, the loss, is computed from what the model's forward made (the
    recorded calls `forward_calls`): its output, in whole or in part (`out[0]`, `out["mu"]`),
    also through `.detach()` (a path the graph shows, with no gradient on it), or a tensor
    the forward made besides (`lambda _: model.aux_loss`). A loss of the weights alone, or of
    another run of the model, is refused. Nothing is checked where the recording stopped, nor
    where the model's work is done as the loss reads it: an iterator returned (`return
    (self.fc(x) * i for i in range(3))`), or nothing of the forward to look for."""
    if recorder.failed or isinstance(output, Iterator):
        return
    outputs = {n for t in tensors_within(output) if (n := recorder.node_of(t)) is not None}
    if not outputs and not forward_calls:
        return
    ids = recorder.builder.ids
    made_here = grad_fn_of(value) in ids
    if _reaches_forward(recorder, _recorded_heads(ids, grad_fn_of(value)), outputs, forward_calls):
        return
    if not made_here:  # its last step was not recorded: computed before trace() ran
        raise NNGraphError(message("capture.loss_made_before"))
    raise NNGraphError(message("capture.loss_ignores_output"))


def _recorded_heads(ids: dict[Any, str], fn: Any) -> list[str]:
    """The recorded nodes nearest to the autograd node `fn` in its history: `fn`'s own, or
    where a walk back from an unrecorded one (a loss computed before the trace, a TorchScript
    function's steps) first meets recorded ones."""
    heads: dict[str, None] = {}
    stack, seen = [fn], {fn}
    while stack:
        current = stack.pop()
        if current in ids:
            heads.setdefault(ids[current], None)
            continue
        for next_fn, _ in current.next_functions:
            if next_fn is not None and next_fn not in seen:
                seen.add(next_fn)
                stack.append(next_fn)
    return list(heads)


def _reaches_forward(
    recorder: Recorder, starts: list[str], outputs: set[str], forward_calls: range
) -> bool:
    """Whether data flows from a node of the forward (a node the model returned, or one made
    by a call in `forward_calls`) to one of `starts`, in the recorded graph. Breadth first,
    so a loss of the output stops after a few nodes, whatever the size of the model."""
    nodes, pred = recorder.graph._node, recorder.graph._pred
    queue, seen = deque(starts), set(starts)
    while queue:
        node = queue.popleft()
        call = nodes[node]["call"]
        if node in outputs or (call is not None and call in forward_calls):
            return True
        for source in pred[node]:
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return False
