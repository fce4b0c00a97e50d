"""What `trace()` hands its model: an input with autograd history of its own (`trace(D, G(z))`,
a retained activation) is cut from that history, so that the backward of the trace stops at it.

The user's graph behind the input stays usable (its saved tensors are not freed), and no hook
of a model outside the traced one runs. The history is still shown, as it was before the
trace: the input's node is the op that made it, and it gets the gradient that flowed into the
input, as a student compares with. `graph.graph["cut_inputs"]` lists those nodes (empty when no
input had a history), so that `health()` does not take the leaves behind them for ones cut off
by mistake, and `summary()` counts them among the inputs.

    >>> import torch
    >>> from nngraph.capture._recorder import Recorder
    >>> recorder = Recorder(None)
    >>> made = torch.ones(2, requires_grad=True) * 3
    >>> (given,), _ = cut_from_history(recorder, (made,), {})
    >>> recorder.graph.graph["cut_inputs"] == [recorder.builder.ids[made.grad_fn]]
    True
    >>> given.sum().backward()
    >>> made.grad_fn.next_functions[0][0].variable.grad is None  # the backward stopped at it
    True
    >>> recorder.scope.close()  # its global module hooks
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch
from torch.utils._pytree import tree_map

from nngraph.capture._builder import grad_fn_of
from nngraph.capture._common import hidden, next_sequence_nr, tensors_within
from nngraph.capture._recorder import Recorder

__all__ = ["cut_from_history"]


def cut_from_history(
    recorder: Recorder, inputs: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """`inputs` and `kwargs`, each tensor with an autograd history replaced by a copy whose
    backward ends there (in tuples, lists, dicts, namedtuples and dataclasses; inputs without
    history, the common case, come back as they were given). The nodes of the inputs cut go
    to `recorder.graph.graph["cut_inputs"]`."""
    recorder.graph.graph.setdefault("cut_inputs", [])
    with hidden():
        if not any(grad_fn_of(t) is not None for t in tensors_within((inputs, kwargs))):
            return inputs, kwargs

    def cut(item: Any) -> Any:
        if dataclasses.is_dataclass(item) and not isinstance(item, type):  # `batch.image`
            fields = [f.name for f in dataclasses.fields(item) if f.init]
            return dataclasses.replace(
                item, **{name: tree_map(cut, getattr(item, name)) for name in fields}
            )
        with hidden():
            if isinstance(item, torch.Tensor) and grad_fn_of(item) is not None:
                return _cut(recorder, item)
        return item

    cut_inputs, cut_kwargs = tree_map(cut, (inputs, kwargs))
    recorder.seq_mark = next_sequence_nr()  # the copies' nodes belong to no forward call
    return tuple(cut_inputs), dict(cut_kwargs)


def _cut(recorder: Recorder, t: torch.Tensor) -> torch.Tensor:
    """(Called inside `hidden()`.) A copy of `t` whose backward ends at a leaf of nngraph's
    own. The graph shows `t`'s history as it is (never run by the trace), and the copy's node
    stands for `t`'s: the gradient flowing into it is the gradient of `t`. A copy, not a view:
    a forward that changes its input in place (`relu_`) may do so, and the user's tensor keeps
    its values."""
    node_id = recorder._source_of(t)
    given = t.detach().requires_grad_().clone()
    fn = given.grad_fn
    assert fn is not None  # a clone of a tensor that requires grad
    recorder.builder.ids[fn] = node_id  # the model's first op is fed by `t`'s node
    if node_id not in recorder.graph.graph["cut_inputs"]:
        recorder.graph.graph["cut_inputs"].append(node_id)
    recorder.hooks.append(fn.register_prehook(recorder._grad_hook(node_id, leaf=False)))
    return given
