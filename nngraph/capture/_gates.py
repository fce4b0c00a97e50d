"""The gates a recurrent layer stacks in its biases, and their means for the bias nodes.

`nn.LSTM`, `nn.GRU`, `nn.LSTMCell` and `nn.GRUCell` stack their gates in `bias_ih` and
`bias_hh`, each `hidden_size` long: i|f|g|o for an LSTM, r|z|n for a GRU. A bias node of such
a layer carries `gates`, the mean of each slice (docs/schema.md), so that `health()` reads the
bias of the gate that keeps the state exactly, not guessed from the whole tensor's statistics.
One small reduction per bias tensor, fetched with the other statistics.

    >>> lstm = torch.nn.LSTMCell(2, 3)
    >>> stacked_gates(lstm), stacked_gates(torch.nn.RNN(2, 3)), stacked_gates(torch.nn.Linear(2, 3))
    (4, 0, 0)
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn.parameter import is_lazy

from nngraph.capture._common import hidden
from nngraph.capture._stats import StatsBatch, summarisable

__all__ = ["GATE_BIASES", "queue_gate_means", "stacked_gates"]

#: The layers that stack gates in their biases, with how many.
_STACKED: tuple[tuple[type[torch.nn.Module], int], ...] = (
    (torch.nn.LSTM, 4),
    (torch.nn.LSTMCell, 4),
    (torch.nn.GRU, 3),
    (torch.nn.GRUCell, 3),
)
#: The same by class name, for a TorchScript module made from one of them.
_STACKED_BY_NAME = {cls.__name__: gates for cls, gates in _STACKED}
#: How the names of those biases start (`bias_hh_l0`, `bias_ih_l1_reverse`, a cell's `bias_ih`).
GATE_BIASES = ("bias_ih", "bias_hh")


def stacked_gates(module: torch.nn.Module) -> int:
    """How many gates `module` stacks in its biases: 4 for an LSTM, 3 for a GRU (a subclass or
    a scripted one too), 0 for any other module."""
    for cls, gates in _STACKED:
        if isinstance(module, cls):
            return gates
    if isinstance(module, torch.jit.ScriptModule):
        return _STACKED_BY_NAME.get(str(getattr(module, "original_name", "")), 0)
    return 0


def queue_gate_means(
    stats: StatsBatch, attrs: dict[str, Any], bias: torch.Tensor, gates: int
) -> None:
    """Queue `attrs["gates"]`: the mean of each of the `gates` equal slices of `bias`, as
    floats, fetched at `stats.flush()`; None where its values cannot be read (a lazy, meta or
    empty tensor, a wrapper of `torch.func`, statistics turned off) or it does not split."""
    attrs["gates"] = None
    if (
        is_lazy(bias)  # first: a lazy parameter has no size to ask
        or torch._C._functorch.is_functorch_wrapped_tensor(bias)
        or not summarisable(bias)
        or not bias.is_floating_point()
        or bias.dim() != 1
        or bias.numel() % gates
    ):
        return
    with hidden(), torch.no_grad():
        means = bias.detach().reshape(gates, -1).mean(dim=1)
    stats.add_numbers(attrs, "gates", means)
