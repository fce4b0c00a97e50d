"""Which models took part in a recording, read after the block: a model given to `record(model)`
(or to `%%nngraph --model`) that never ran in it names nothing in the graph, and the student is
told which model ran instead.

    >>> import torch, nngraph as ng
    >>> net, old = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    >>> with ng.record() as rec:
    ...     y = net(torch.ones(1, 2)).sum()
    >>> rec.took_part.model(net), rec.took_part.model(old), rec.took_part.models() == [net]
    (True, False, True)
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import torch

from nngraph._compiled import uncompiled
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = ["TookPart", "idle_model", "idle_model_text", "names_holding", "took_part"]


class TookPart:
    """The modules that ran in a recording and the leaf tensors it met (by id), and the models
    it ran at top level, held weakly: a `rec` kept in a notebook keeps no model alive."""

    def __init__(
        self,
        modules: Iterable[torch.nn.Module],
        leaves: Iterable[torch.Tensor],
        roots: Iterable[torch.nn.Module],
    ) -> None:
        self._modules = frozenset(id(module) for module in modules)
        self._leaves = frozenset(id(t) for t in leaves)
        self._roots = [weakref.ref(root) for root in roots if id(root) in self._modules]

    def model(self, model: torch.nn.Module) -> bool:
        """Whether `model` took part: one of its modules ran (`net[0](x)` counts), or the
        recording met one of its parameters (`net.weight` read directly).

        >>> TookPart([], [], []).model(torch.nn.Linear(2, 1))
        False
        """
        original = uncompiled(model)
        return any(id(module) in self._modules for module in original.modules()) or any(
            id(p) in self._leaves for p in original.parameters()
        )

    def models(self) -> list[torch.nn.Module]:
        """The models run at top level, in the order they first ran (those still alive).

        >>> net = torch.nn.Linear(2, 1)
        >>> TookPart([net], [], [net]).models() == [net]
        True
        """
        return [root for ref in self._roots if (root := ref()) is not None]


def took_part(recorder: Recorder) -> TookPart:
    """What took part in `recorder`'s block; read before `finish()` lets go of its leaves."""
    leaves = [fn.variable for fn in recorder.builder.leaf_fns.values()]
    leaves += [t for ref, _ in recorder.data_nodes if (t := ref()) is not None]
    roots = [root for root, _ in recorder.scope.roots]
    return TookPart(recorder.scope.modules.values(), leaves, roots)


def names_holding(model: torch.nn.Module, *namespaces: Mapping[str, Any]) -> list[str]:
    """The variables of `namespaces` that hold `model` (or its compiled wrapper), in order.

    >>> net = torch.nn.Linear(2, 1)
    >>> names_holding(net, {"net": net, "x": 1, "_": net}, {"net": net, "model": net})
    ['net', 'model']
    """
    found: dict[str, None] = {}  # an ordered set
    for namespace in namespaces:
        for name, value in dict(namespace).items():
            # `type()`, not `isinstance`, which may call a `__class__` of the user's
            module = issubclass(type(value), torch.nn.Module)
            if isinstance(name, str) and name[:1] != "_" and module and uncompiled(value) is model:
                found.setdefault(name)
    return list(found)


def idle_model(
    took: TookPart, model: torch.nn.Module, *namespaces: Mapping[str, Any]
) -> tuple[list[str], list[str]] | None:
    """For `record(model)` whose model did not take part in the block: the variables of
    `namespaces` (a function's, then its module's) holding it, and one holding each model that
    ran instead, where one does. None where the model took part.

    >>> net, old = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    >>> idle_model(TookPart([net], [], [net]), old, {"net": net, "old": old})
    (['old'], ['net'])
    """
    if took.model(model):
        return None
    ran = [names[0] for m in took.models() if (names := names_holding(m, *namespaces))]
    given = names_holding(uncompiled(model), *namespaces)
    if ran and not given:  # no variable holds it now: the block made its variable's model anew
        return None
    return given, ran


def idle_model_text(given: list[str], ran: list[str]) -> str:
    """The warning for `record(model)` whose model did not run in the block, naming it after
    the variable holding it (`given`, else "model") and the models that ran (`ran`).

    >>> idle_model_text(["old"], ["net"])[:60]
    'ng.record(old): old did not run in the block (none of its la'
    """
    model = given[0] if given else "model"
    key = "none" if not ran else "one" if len(ran) == 1 else "many"
    return message(f"capture.record_model_idle.{key}", model=model, ran=", ".join(ran))
