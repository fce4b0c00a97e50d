"""What a :class:`~nngraph.monitor.GradientWatch` checks of ``.grad`` between its steps: that
it was reset. A loop that forgets ``optimizer.zero_grad()`` (the lecture's own "find the bug")
trains on, but every ``loss.backward()`` adds its gradient to the ones of all earlier steps,
and each step applies that growing sum.

It shows in the gradients themselves: at each step every parameter holds the very ``.grad``
tensor of the step before, written in place once since (autograd's one accumulation), and
their norm grows. ``zero_grad()`` (``set_to_none=True``, its default) gives each step new
tensors; ``zero_grad(set_to_none=False)`` and ``p.grad.zero_()`` write them twice (the zeroing,
then the accumulation). Only ``p.grad.data.zero_()`` writes unseen, so the sum must also have
grown by half over the run before it is said: fresh gradients seldom do that in a few steps.

    >>> import torch
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> unreset = UnresetGrads([w], patience=2)
    >>> said = []
    >>> for _ in range(4):
    ...     (w * 3).sum().backward()  # no zero_grad() between the steps
    ...     said.append(unreset.check(float(w.grad.norm())))
    >>> said
    [False, False, True, False]
"""

from __future__ import annotations

import weakref
from typing import Any

__all__ = ["UnresetGrads"]

#: the norm of the gradients must have grown by this factor over a run before it is said
GROWTH = 1.5


class UnresetGrads:
    """Counts the steps in a row whose ``.grad`` tensors were added to those of the step
    before; says a run of ``patience`` steps once (see the module docstring)."""

    def __init__(self, params: list[Any], patience: int) -> None:
        self._params = params
        self._patience = max(patience, 2)
        self._seen: dict[int, tuple[weakref.ref[Any], int]] = {}
        self._run: list[float] = []  # the gradient norm at each step of the run so far
        self._said = False

    def check(self, norm: float) -> bool:
        """At one step, where the gradients' norm (all layers together) is ``norm``: whether
        this step completes the first run worth saying."""
        seen: dict[int, tuple[weakref.ref[Any], int]] = {}
        added = True
        for p in self._params:
            grad: Any = p.grad
            if grad is None:
                continue
            before, version = self._seen.get(id(p)), grad._version
            seen[id(p)] = (weakref.ref(grad), version)
            if before is None or before[0]() is not grad or version != before[1] + 1:
                added = False
        self._seen = seen
        if not (seen and added):
            self._run = [norm]  # this step may start a run
            return False
        self._run.append(norm)
        if self._said or len(self._run) <= self._patience:
            return False
        if self._run[-1] < GROWTH * self._run[0]:
            return False
        self._said = True
        return True

    def fields(self) -> dict[str, Any]:
        """What the message says: the steps in a row, and how much the norm grew."""
        return {"steps": len(self._run) - 1, "first": self._run[0], "now": self._run[-1]}
