"""In-place writes during a recording: what the recorder does just before a recorded call
writes into a tensor (`x.add_(1)`, `x[i] = v`, `w.grad.zero_()`) and just after.

Before: a leaf's `.grad` about to change is summarised, a tensor met for the first time gets
its node with the values it came with, and statistics still held are copied. After: a node
the write left behind (a view's, an untracked write's) is no longer taken for an output.

    >>> import torch, nngraph as ng
    >>> x = torch.ones(3)
    >>> with ng.record() as rec:
    ...     y = x * 2
    ...     _ = y.add_(1)
    >>> sorted(d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op")
    ['add_', 'mul']
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import torch
from torch.nn.parameter import is_lazy

from nngraph.capture._builder import grad_fn_of, tensors_in
from nngraph.capture._common import NNGraphWarning
from nngraph.capture._functorch import is_wrapped, unwrapped
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = ["after_in_place", "before_write"]


def before_write(
    recorder: Recorder, written: Any, first: torch.Tensor | None = None, *, unscaling: bool = False
) -> bool:
    """Tensors in `written` are about to change in place. A leaf's `.grad` is summarised
    first; `first`, which a recorded call writes into, gets its node now if it has none
    (an input normalised in place: its node shows the values it came with); held values
    are copied. Returns whether a `.grad` is written (bookkeeping such as
    `w.grad.zero_()`, not part of the computation). `unscaling`: the write is
    `GradScaler.unscale_()` dividing the gradients back from the loss scale, which the
    leaves then show (the gradients the optimizer uses), not the scaled ones."""
    tensors = tensors_in(written, [])
    if first is not None and is_wrapped(first):  # `requires_grad_()` in `torch.func.grad`
        first = unwrapped(first)
    writes_grad = False
    for t in tensors:
        if unscaling:  # `GradScaler.unscale_()` finishes the backward: its result is shown
            writes_grad = recorder.leaves.holds(t) or writes_grad
        else:
            writes_grad = recorder.leaves.before_write(t) or writes_grad
    if first is not None and grad_fn_of(first) is None and not (writes_grad or is_lazy(first)):
        recorder.busy = True
        try:
            if recorder.lookup(first) is None and id(first) not in recorder.names.buffers:
                recorder._source_of(first, written=True)
        except Exception as error:  # never break the user's computation because of us
            _stopped_before_write(recorder, error)
        finally:
            recorder.busy = False
    for t in tensors:
        recorder.builder.stats.before_write(t)
    return writes_grad


def _stopped_before_write(recorder: Recorder, error: Exception) -> None:
    """Stop recording, as `Recorder._stop` does, with a warning in the student's language:
    the write's own op is not known here, so the warning names the moment, not an op."""
    recorder.failed = True
    said = message("capture.stopped_before_write", error=f"{type(error).__name__}: {error}")
    warnings.warn(said, NNGraphWarning, stacklevel=4)  # the user's line that writes


def after_in_place(recorder: Recorder, old_fn: Any, t: torch.Tensor) -> None:
    """A recorded call wrote into `t`, whose autograd node was `old_fn`. If `t` has another
    node now, the old one stands for no tensor any more (an in-place op on a view leaves
    the view's node behind); if it has none, the write was untracked (`w[0].zero_()` under
    `no_grad`), a side effect that later uses of `t` show. Neither is taken for an output.
    A view's node gets an edge to the op that wrote through it (`h[:, 0] += 1`), which
    autograd puts on the base: the view's node leads on, though no gradient reaches it. Where
    no op read the view before, its autograd node is gone from the graph autograd runs: the
    node then names none (`backward` None), as `graph_of` has none for it."""
    fn = grad_fn_of(t)
    if old_fn is not None and fn is not old_fn:
        node_id = recorder.builder.ids.get(old_fn)
        written = recorder.builder.ids.get(grad_fn_of(t._base)) if t._base is not None else None
        if written is not None and recorder.graph._node[written]["call"] != recorder.calls - 1:
            written = None  # not the node of the op that wrote through the view
        if node_id is not None and written is not None and written != node_id:
            if not recorder.graph._succ[node_id]:
                recorder.graph._node[node_id]["backward"] = None
            recorder.builder.add_edge(node_id, written)
    else:
        node_id = recorder.lookup(t) if fn is None else None
        if old_fn is None and fn is not None:
            _link_untracked_values(recorder, t)
    if node_id is not None:
        recorder.replaced.add(node_id)


def _link_untracked_values(recorder: Recorder, t: torch.Tensor) -> None:
    """The recorded call wrote a tracked value into `t`, which held untracked values before
    (`torch.zeros_like(x).index_add_(0, dst, msg)` in a GNN, `out[rows] += expert(x[rows])` in
    a mixture of experts). Those values flow on into the result, but need no gradient, so
    autograd's node for the call has no input for them: an edge from their node
    (`before_write` gave them one) into the call's. A `copy_` leaves none of them."""
    before = recorder.lookup(t)
    ids = recorder.builder.ids
    made = ids.get(grad_fn_of(t))
    if made is None and t._base is not None:  # written through a view: the base's node
        made = ids.get(grad_fn_of(t._base))
    if before is None or made is None or before == made:
        return
    attrs = recorder.graph._node[made]
    if attrs["call"] == recorder.calls - 1 and attrs["op"] != "copy_":
        recorder.builder.add_edge(before, made)
