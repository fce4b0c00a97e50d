"""The hooks a forward registers on its model's tensors, taken away again after `trace()`.

A forward may register a hook on a parameter or a buffer (the pruning tutorial's gradient
mask, `self.fc.weight.register_hook(lambda g: g * self.mask)`, or a
`register_post_accumulate_grad_hook`): run by a trace, it would stay on the model, one more
at every trace. `TensorHooks` keeps the hook tables of the tensors as they were and puts them
back: the hooks added are removed, those the user had stay, in their order.

    >>> import torch
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> mine = w.register_hook(lambda g: g)
    >>> kept = TensorHooks([w])
    >>> _ = w.register_hook(lambda g: 2 * g)
    >>> _ = w.register_post_accumulate_grad_hook(lambda p: None)
    >>> kept.restore()
    >>> list(w._backward_hooks) == [mine.id], len(w._post_accumulate_grad_hooks)
    (True, 0)
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["TensorHooks"]

#: The tables in which PyTorch keeps a tensor's hooks (`register_hook`,
#: `register_post_accumulate_grad_hook`); None on a tensor that never had one.
_TABLES = ("_backward_hooks", "_post_accumulate_grad_hooks")


class TensorHooks:
    """The hook tables of some tensors, with the hooks they held, to put back."""

    def __init__(self, tensors: list[torch.Tensor]) -> None:
        #: (tensor, table name, the table then or None, its hooks then)
        self.saved: list[tuple[torch.Tensor, str, dict[Any, Any] | None, dict[Any, Any]]] = []
        for t in tensors:
            for name in _TABLES:
                table = getattr(t, name, None)
                self.saved.append((t, name, table, dict(table) if table else {}))

    def restore(self) -> None:
        """Give every table the hooks it held, removing those registered since."""
        for t, name, table, hooks in self.saved:
            live = getattr(t, name, None)
            if table is None or live is table:
                # a first hook makes the table (PyTorch's C++ side reads that one): emptied
                # in place, as `handle.remove()` does
                if live and not _same(live, hooks):
                    live.clear()
                    live.update(hooks)
            else:  # the forward bound another table (rare): the user's goes back
                table.clear()
                table.update(hooks)
                setattr(t, name, table)


def _same(live: dict[Any, Any], hooks: dict[Any, Any]) -> bool:
    """Whether a hook table holds the very hooks `hooks` holds, in the same order."""
    return len(live) == len(hooks) and all(
        k == k0 and v is v0 for (k, v), (k0, v0) in zip(live.items(), hooks.items(), strict=True)
    )
