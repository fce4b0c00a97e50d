"""What the backward passes gave between two reads of a
:class:`~nngraph.monitor.GradientWatch` (:class:`BackwardProbe`), while its steps find every
gradient exactly zero.

Such a run has two causes that a read at the step cannot tell apart. The gradients were
cleared before the step: ``optimizer.zero_grad(set_to_none=False)`` between ``backward()``
and ``step()``, or ``watch.step()`` after it. Or ``backward()`` itself gave zeros: the loss
does not change with the weights. Most often the loss is then exactly 0 (sweep 31: the lab's
3 x 256 ReLU MLP with Adam at lr=10 blew its logits up until cross-entropy rounded to 0 at
epochs 91-95), else constant (cross-entropy over a single output). The probe tells them
apart: armed only while such a run lasts (a training with gradients is never hooked), it
hooks the watched parameters (``register_post_accumulate_grad_hook``) and notes whether a
backward reached one, and whether a gradient it left was other than zero, before anything
could clear it.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1); probe = BackwardProbe(list(net.parameters()))
    >>> probe.arm()
    >>> (net(torch.ones(1, 2)) * 0).sum().backward()  # a loss that ignores the weights
    >>> probe.take()
    'flat'
    >>> net(torch.ones(1, 2)).sum().backward(); net.zero_grad(set_to_none=False); probe.take()
    'cleared'
    >>> probe.take(), probe.remove()  # no backward since the last take
    ('unseen', None)
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["BackwardProbe", "Verdict", "nonzero"]

#: what the backward passes since the last :meth:`BackwardProbe.take` gave: every gradient
#: they left exactly zero (``flat``), one other than zero (``cleared``: it was zero at the
#: read), or none ran (``unseen``)
Verdict = Literal["flat", "cleared", "unseen"]


class BackwardProbe:
    """Hooks ``params`` (each that requires grad when :meth:`arm` is called) until
    :meth:`remove`; :meth:`take` says what the backward passes gave since the last one."""

    def __init__(self, params: list[Any]) -> None:
        self._params = params
        self._handles: list[Any] = []
        self._reached = False  # a backward reached a hooked parameter
        #: whether the last :meth:`arm` hooked a parameter: else "unseen" tells nothing
        self.hooked = False
        self._nonzero = False  # and left a gradient other than zero

    def arm(self) -> None:
        """Hook the parameters (again: the hooks of an earlier :meth:`arm` are removed)."""
        self.remove()
        self._reached = self._nonzero = False
        for p in self._params:
            if not p.requires_grad:
                continue
            try:
                self._handles.append(p.register_post_accumulate_grad_hook(self._reach))
            except RuntimeError:  # a parameter torch refuses a hook on: read without it
                continue
        self.hooked = bool(self._handles)

    def _reach(self, param: Any) -> None:
        self._reached = True
        if not self._nonzero and param.grad is not None:  # one is enough: read no more
            self._nonzero = nonzero(param.grad)

    def take(self) -> Verdict:
        """What the backward passes gave since the last take (or :meth:`arm`)."""
        verdict: Verdict = "cleared" if self._nonzero else "flat" if self._reached else "unseen"
        self._reached = self._nonzero = False
        return verdict

    def remove(self) -> None:
        """Take every hook off the parameters (nothing happens when none is left)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []


def nonzero(grad: Any) -> bool:
    """Whether a gradient has a value other than 0 (NaN counts: it is not "no gradient"; one
    on the meta device, without values, counts too)."""
    if grad.is_meta:
        return True
    layout = str(grad.layout)
    if layout == "torch.sparse_coo":
        grad = grad.coalesce().values()
    elif layout != "torch.strided":
        grad = grad.values()
    return bool(grad.detach().ne(0).any())
