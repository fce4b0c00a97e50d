"""Whether the model still holds the parameters a :class:`~nngraph.monitor.GradientWatch` found
when it was made: a layer replaced since (``net[1] = nn.Linear(2, 3)``, a new head for
fine-tuning; ``self.fc = nn.Linear(...)`` inside forward) or one parameter replaced
(``net.weight = nn.Parameter(...)``) leaves the watch reading the old weights, and a layer
added since (``net.append(nn.Linear(...))``) is not read at all, which it says.

A new layer is said, not watched: the watch's layers, their order along the data flow, the
activations its words name and the optimizer's parameters it checks were all read when it was
made, so a watch made anew after the change is the one that reads the model right.

Cheap at every step: the links from each module to its submodules and parameters, and how many
each module holds, are checked in one flat loop (no torch call); only when one changed is the
model's parameter set gathered.
"""

from __future__ import annotations

from typing import Any

from nngraph._compiled import modules_as_written
from nngraph.monitor._gradgroup import GROUP, Finding, shown_names
from nngraph.monitor._gradnorms import layer_name
from nngraph.monitor._gradsplit import split_layer

__all__ = ["Held"]


class Held:
    """The structure of ``model`` as the watch found it, its layers' ``names`` and its watched
    ``params`` (``(layer index, parameter)`` pairs); :meth:`changed_now` says which layers lost
    one, and which were added.

        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
        >>> params = [(i, p) for i, layer in enumerate(net) for p in layer.parameters()]
        >>> held = Held(net, ["0", "1"], params)
        >>> held.changed_now()
        []
        >>> net[1] = torch.nn.Linear(2, 3); held.changed_now()
        [('1', 'grad.replaced', {})]
        >>> net[0].weight = torch.nn.Parameter(torch.ones(2, 2)); held.changed_now()  # 1 said
        [('0', 'grad.replaced', {})]
        >>> _ = net.append(torch.nn.ReLU()).append(torch.nn.Linear(3, 1)); held.changed_now()
        [('3', 'grad.added', {})]
        >>> held.replaced, held.changed_now()
        ({0, 1}, [])
    """

    def __init__(self, model: Any, names: list[str], params: list[tuple[int, Any]]) -> None:
        self._model = model
        self._names = names
        self._params = params
        self._watched = {id(p) for _, p in params}
        self._links, self._sizes = _links(model)
        #: the layers found replaced so far (indices into ``names``)
        self.replaced: set[int] = set()
        self._added: set[str] = set()  # the layers found added so far

    def changed_now(self) -> list[Finding]:
        """Each layer once, at the first call after it changed: ``grad.replaced`` for one with
        a watched parameter the model no longer holds (replaced or removed), in order, then
        ``grad.added`` for one with parameters of its own added since the watch was made
        (:data:`~nngraph.monitor._gradgroup.GROUP` or more at once: one ``grad.added_many``)."""
        if self._same():
            return []  # no module or parameter was set anew, added or removed
        self._links, self._sizes = _links(self._model)  # as it is now: the next change is checked
        held = {id(p) for p in self._model.parameters()}
        new = sorted({i for i, p in self._params if id(p) not in held} - self.replaced)
        self.replaced.update(new)
        return [(self._names[i], "grad.replaced", {}) for i in new] + self._added_now()

    def _same(self) -> bool:
        """Whether every module holds the same submodules and parameters as at the last check."""
        return all(len(owner) == size for owner, size in self._sizes) and all(
            key in owner and owner[key] is item for owner, key, item in self._links
        )

    def _added_now(self) -> list[Finding]:
        """The layers with a parameter the watch does not read, not said yet. A layer inside
        a replaced one (``net[1] = nn.Sequential(...)``) is its replacement, said already."""
        known = set(self._names)
        replaced = [self._names[i] + "." for i in self.replaced if self._names[i]]
        seen = set(self._watched)
        added: list[str] = []
        for name, module, _ in modules_as_written(self._model):
            own = [(leaf, p) for leaf, p in module._parameters.items() if p is not None]
            for layer, p in split_layer(layer_name(name), module, own):  # (as the watch names it)
                if id(p) in seen:
                    continue
                seen.add(id(p))
                if layer in known or layer in self._added or layer in added:
                    continue
                if not any(layer.startswith(prefix) for prefix in replaced):
                    added.append(layer)
        self._added.update(added)
        if len(added) >= GROUP:
            fields = {"n": len(added), "layers": added, "shown": shown_names(added)}
            return [(added[0], "grad.added_many", fields)]
        return [(layer, "grad.added", {}) for layer in added]


def _links(model: Any) -> tuple[list[tuple[Any, str, Any]], list[tuple[Any, int]]]:
    """``(container, key, item)`` for every submodule and parameter of every module, and
    ``(container, how many it holds)`` for every module's two containers."""
    links = []
    sizes = []
    for module in model.modules():
        for owner in (module._modules, module._parameters):
            links += [(owner, key, item) for key, item in owner.items()]
            sizes.append((owner, len(owner)))
    return links, sizes
