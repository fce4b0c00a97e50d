"""A loss backpropagated again while the weights still hold the gradients of the first time.

`loss.backward(retain_graph=True)` then `loss.backward()` on the same loss (often written to
silence PyTorch's "Trying to backward through the graph a second time") adds the same gradients
to `.grad` twice: every gradient doubles, as if the learning rate did. `record()` warns once, at
the second call, when a leaf that backward reaches still holds a non-zero gradient. Two different
losses backpropagated one after the other (a GAN's, a multi-task model's), gradients reset in
between, and calls that choose their own `gradient` (a Jacobian built row by row) or `inputs`
(each pass filling other leaves) are not warned about.

    >>> import warnings, torch, nngraph as ng
    >>> w = torch.ones(3, requires_grad=True)
    >>> with warnings.catch_warnings(record=True) as caught, ng.record():
    ...     warnings.simplefilter("always")
    ...     loss = (w * 2).sum()
    ...     loss.backward(retain_graph=True)
    ...     loss.backward()
    >>> w.grad.tolist(), "twice" in str(caught[0].message)
    ([4.0, 4.0, 4.0], True)
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch

from nngraph.capture._builder import grad_fn_of, tensors_in
from nngraph.capture._common import NNGraphWarning
from nngraph.capture._leaves import leaves_behind
from nngraph.errors import stacklevel_outside
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = ["note_backward_roots"]


def note_backward_roots(
    recorder: Recorder, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """`func` (`Tensor.backward` or `torch.autograd.backward`) is about to run with `args` and
    `kwargs`: warn, once per recording, when a loss it starts from is a recorded result a
    backward started from before, and a leaf it reaches still holds a non-zero gradient."""
    if recorder.warned_backward_again or not args or not _whole_backward(func, args, kwargs):
        return
    for t in tensors_in(args[0], []):
        fn = grad_fn_of(t)
        node_id = recorder.builder.ids.get(fn) if fn is not None else None
        if node_id is None:
            continue
        # losses out of one op (`unbind`, a loop over a tensor of losses) share its node
        root = (node_id, t.output_nr)
        if root in recorder.backward_roots and _gradient_held(fn):
            recorder.warned_backward_again = True
            key = "capture.backward_again_cell" if recorder.in_cell else "capture.backward_again"
            warnings.warn(message(key), NNGraphWarning, stacklevel=stacklevel_outside())
            return
        recorder.backward_roots.add(root)


def _whole_backward(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> bool:
    """Whether a backward call leaves `gradient` (`grad_tensors`) and `inputs` unset: the whole
    backward of a loss, the same each time it runs."""
    try:
        given = _signature(func).bind(*args, **kwargs).arguments
    except (TypeError, ValueError):  # not a call it can be told apart from: say nothing
        return False
    return all(given.get(name) is None for name in ("gradient", "grad_tensors", "inputs"))


@functools.cache
def _signature(func: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(func)


def _gradient_held(root: Any) -> bool:
    """Whether a leaf that a backward from autograd node `root` reaches holds a non-zero
    `.grad` (a walk over the graph: only for a loss backpropagated again, which is rare)."""
    return any(leaf.grad is not None and _non_zero(leaf.grad) for leaf in leaves_behind(root))


def _non_zero(grad: torch.Tensor) -> bool:
    try:
        return bool(grad.detach().ne(0).any())
    except RuntimeError:  # a gradient whose values cannot be read here (a sparse layout's)
        return True
