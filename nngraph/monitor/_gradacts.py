"""Which activations a model has, for the words of a
:class:`~nngraph.monitor.GradientWatch` finding (:class:`Activations`): they name only causes the
model has. Its activation modules are read once (a ``torch.sigmoid`` called in ``forward`` is
not seen: then the usual causes are listed).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    >>> Activations(net).key, Activations(torch.nn.Sigmoid()).names
    ('relu', ['Sigmoid'])
"""

from __future__ import annotations

from typing import Any

from nngraph.i18n import message

__all__ = ["Activations", "and_list"]

#: activations whose slope is at most 1 and near 0 away from the middle (sigmoid's: 0.25 at most)
_SATURATING = ("Sigmoid", "Tanh", "Hardtanh", "Hardsigmoid", "Softsign", "LogSigmoid")
#: activations that output exactly 0 for every negative input: a unit can die
_DYING = ("ReLU", "ReLU6")
_RELU_FAMILY = (
    *_DYING, "LeakyReLU", "PReLU", "RReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Hardswish",
)  # fmt: skip


class Activations:
    """The activation modules of ``model``: ``names`` of the saturating ones (sigmoid, tanh),
    whether it has ReLU-family ones (``relu``) and ones whose units can die (``dying``)."""

    def __init__(self, model: Any) -> None:
        present = {type(m).__name__ for m in model.modules()}
        self.names = [name for name in _SATURATING if name in present]
        self.dying = any(name in present for name in _DYING)
        self.relu = any(name in present for name in _RELU_FAMILY)
        #: which words fit: ``saturating``, ``relu`` or ``other`` (no activation module)
        self.key = "saturating" if self.names else "relu" if self.relu else "other"

    def text(self, what: str) -> str:
        """``monitor.grad.{what}.{key}``: the causes of a vanishing gradient in this model
        (``causes``; the fixes are those it lacks, see :mod:`_gradadvice`)."""
        return message(f"monitor.grad.{what}.{self.key}", acts=and_list(self.names))


def and_list(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C`` (in the current language)."""
    if len(names) < 2:
        return "".join(names)
    return message("monitor.grad.and", first=", ".join(names[:-1]), last=names[-1])
