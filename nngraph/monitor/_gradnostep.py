"""A forgotten ``optimizer.step()``, as a :class:`~nngraph.monitor.GradientWatch` given both
``optimizer=`` and ``monitor=`` sees it (sweep s47, M8): the monitor logs epoch after epoch,
``loss.backward()`` leaves the model gradients, and the watched optimizer never steps. The
weights never change, so a full-batch loss is the same to the last bit every epoch. A watch
reads its norms at each ``optimizer.step()``, so without this it shows only "no step recorded
yet". Said once, at the monitor's :data:`EPOCHS`-th epoch of such logs, only while no parameter
was changed in place since the watch was made: an optimizer made again in another cell steps
them (that is said by ``watch.table()``), and an evaluation alone leaves no gradient.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1); params = [(0, p) for p in net.parameters()]
    >>> never = NeverStepped(params)
    >>> net(torch.ones(1, 2)).sum().backward()
    >>> [never.check(epoch, steps=0) for epoch in (1, 2, 3, 3)]
    [False, False, True, False]
"""

from __future__ import annotations

from typing import Any

from nngraph.monitor._common import epochs as epochs_text

__all__ = ["EPOCHS", "NeverStepped"]

#: epochs logged with gradients and no step before it is said (one may be an evaluation
#: before training, or gradient accumulation over a first epoch)
EPOCHS = 3


class NeverStepped:
    """Counts the monitor's epochs at whose logs the watched parameters (``(layer, param)``
    pairs) had a gradient and were never changed in place, while the optimizer never
    stepped."""

    def __init__(self, params: list[tuple[int, Any]]) -> None:
        self._params = [p for _, p in params if not p.is_inference()]
        self._versions = [p._version for p in self._params]
        self._epochs: set[int] = set()
        self.done = False  # said, or the optimizer stepped: nothing more to check

    def check(self, epoch: int, steps: int) -> bool:
        """One ``log()`` of the monitor in ``epoch``, after ``steps`` optimizer steps: whether
        to say now that ``optimizer.step()`` never runs."""
        if self.done:
            return False
        changed = any(p._version != v for p, v in zip(self._params, self._versions, strict=True))
        if steps or changed:
            self.done = True
            return False
        if any(p.grad is not None and bool(p.grad.any()) for p in self._params):
            self._epochs.add(epoch)
        self.done = len(self._epochs) >= EPOCHS
        return self.done

    def fields(self) -> dict[str, Any]:
        """The fields of the message: the epochs logged with gradients and no step."""
        return {"epochs": epochs_text(len(self._epochs))}
