"""Whether the model still holds the parameters a :class:`~nngraph.monitor.GradientWatch` found
when it was made: a layer replaced since (``net[1] = nn.Linear(2, 3)``, a new head for
fine-tuning; ``self.fc = nn.Linear(...)`` inside forward) or one parameter replaced
(``net.weight = nn.Parameter(...)``) leaves the watch reading the old weights, which it says.

Cheap at every step: the links from each module to its submodules and parameters are checked
in one flat loop (no torch call); only when one changed is the model's parameter set gathered.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Held"]


class Held:
    """The structure of ``model`` as the watch found it, and its watched ``params`` (``(layer
    index, parameter)`` pairs); :meth:`replaced_now` says which layers lost one.

        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
        >>> held = Held(net, [(i, p) for i, layer in enumerate(net) for p in layer.parameters()])
        >>> held.replaced_now()
        []
        >>> net[1] = torch.nn.Linear(2, 3); held.replaced_now()
        [1]
        >>> net[0].weight = torch.nn.Parameter(torch.ones(2, 2)); held.replaced_now()  # 1 said
        [0]
        >>> held.replaced
        {0, 1}
    """

    def __init__(self, model: Any, params: list[tuple[int, Any]]) -> None:
        self._model = model
        self._params = params
        self._links = _links(model)
        #: the layers found replaced so far
        self.replaced: set[int] = set()

    def replaced_now(self) -> list[int]:
        """The layers, in order, with a watched parameter the model no longer holds, each once:
        at the first call after it was replaced (or removed)."""
        if all(key in owner and owner[key] is item for owner, key, item in self._links):
            return []  # no module or parameter was set anew
        self._links = _links(self._model)  # as it is now: the next change is checked again
        held = {id(p) for p in self._model.parameters()}
        new = sorted({i for i, p in self._params if id(p) not in held} - self.replaced)
        self.replaced.update(new)
        return new


def _links(model: Any) -> list[tuple[Any, str, Any]]:
    """``(container, key, item)`` for every submodule and parameter of every module."""
    links = []
    for module in model.modules():
        for owner in (module._modules, module._parameters):
            links += [(owner, key, item) for key, item in owner.items()]
    return links
