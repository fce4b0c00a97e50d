"""A module's own attributes, to put back after `trace()`: what a forward rebinds, adds, or
changes inside a container it keeps.

A forward that carries a hidden state (`self.h = h.detach()`), counts its calls, caches results
in a list, a deque or a dict of lists, or keeps running statistics in a plain tensor attribute
(a hand-written BatchNorm that forgot `register_buffer`) would otherwise leave the model changed
by a trace. `Attributes` also finds what a module holds outside PyTorch's tables: layers kept
in a plain list (`self.layers = [nn.Linear(...), ...]`), tensors, random generators.

    >>> import torch
    >>> class Counter(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.seen = {"calls": 0, "sizes": []}
    ...     def forward(self, x):
    ...         self.seen["calls"] += 1
    ...         self.seen["sizes"].append(len(x))
    ...         return x
    >>> counter = Counter()
    >>> kept = Attributes(counter)
    >>> _ = counter(torch.ones(3))
    >>> kept.restore()
    >>> counter.seen
    {'calls': 0, 'sizes': []}
"""

from __future__ import annotations

import argparse
import dataclasses
import operator
import random
import types
from collections import deque
from typing import Any

import numpy as np
import torch
from torch.nn.modules.lazy import LazyModuleMixin

__all__ = ["INTERNALS", "RANDOM_GENERATORS", "Attributes"]

#: What every `nn.Module` keeps (`_parameters`, `_modules`, hooks...): never the module's own.
INTERNALS = frozenset(vars(torch.nn.Module()))
#: Of those, the tables `Attributes` puts back: the submodules and the hooks, which a forward
#: may change (`self.proj = nn.Linear(...)` on the first call, a hook registered once).
#: `ModelState` does the flags, parameters and buffers itself.
_TABLES = tuple(
    k for k, v in vars(torch.nn.Module()).items()
    if isinstance(v, (dict, set)) and k not in ("_parameters", "_buffers")
)  # fmt: skip
_get_tables = operator.itemgetter(*_TABLES)

#: Random generators besides torch's that a module may keep (`self.rng = random.Random(0)`,
#: `np.random.default_rng(0)`): `ModelState` puts their state back too.
RANDOM_GENERATORS = (random.Random, np.random.Generator, np.random.RandomState)

#: Containers whose items are looked into; a larger one is kept as it is, not searched item by
#: item (a loss history of a million floats).
_SEARCHED = 10_000
#: NumPy arrays up to this many elements in all are copied to be put back (a counter kept
#: as `np.zeros(3)`); a larger one (a replay buffer) is kept as it is.
_ARRAY_COPIES = 1_000_000
_MISSING = object()


class Attributes:
    """A module's own attributes (not what every `nn.Module` keeps), to put back: values as
    they were (the same objects), the lists, dicts, deques and sets among them and inside them
    with their items back, attributes the forward added removed, and its class where the forward
    changed it (a parametrization registered or removed). A lazy module that became its real
    class is left as it is.

    `tensors`, `modules` and `generators` are what the attributes hold, also inside their
    containers: `ModelState` puts back the values of the tensors, the state of the modules and
    of the generators.
    """

    def __init__(self, module: torch.nn.Module) -> None:
        self.module, self.kind, live = module, type(module), vars(module)
        self.keys = set(live)
        self.saved = {k: v for k, v in live.items() if k not in INTERNALS}
        # most modules' tables are all empty: nothing to copy
        tables = _tables(live)
        self.tables = (
            {k: v.copy() for k, v in zip(_TABLES, tables, strict=True) if v} if any(tables) else {}
        )
        self.full_backward_hook = live.get("_is_full_backward_hook")
        #: a parametrized module's class is its own, made by `parametrize`, which adds and
        #: deletes its properties (`remove_parametrizations` deletes the weight's)
        parametrized = "parametrizations" in live.get("_modules", ())
        self.class_dict = dict(vars(self.kind)) if parametrized else None
        self.containers: list[tuple[Any, list[Any]]] = []
        self.arrays: list[tuple[np.ndarray, np.ndarray]] = []  # each with its copy
        self._array_elements = 0  # in all of them
        self.tensors: list[torch.Tensor] = []
        self.modules: list[torch.nn.Module] = []
        self.generators: list[Any] = []  # torch's, Python's and numpy's
        if self.saved:
            self._look_into(list(self.saved.values()), {id(module)})

    def _look_into(self, values: list[Any], seen: set[int]) -> None:
        """Sort what `values` holds, depth first through lists, tuples, dicts, deques and sets:
        containers (with a copy of their items), tensors, modules, generators."""
        while values:
            value = values.pop()
            kind = type(value)  # isinstance() is slow here: most values are numbers or strings
            if kind in _SCALARS or id(value) in seen:
                continue
            seen.add(id(value))
            if kind is torch.Generator or isinstance(value, RANDOM_GENERATORS):
                self.generators.append(value)
            elif isinstance(value, torch.Tensor):
                self.tensors.append(value)
            elif isinstance(value, torch.nn.Module):
                self.modules.append(value)
            elif isinstance(value, (list, tuple, dict, deque, set, frozenset)):
                items = list(value.values()) if isinstance(value, dict) else list(value)
                if not isinstance(value, (tuple, frozenset)):
                    self.containers.append((value, _copy_of(value)))
                if len(items) <= _SEARCHED:
                    values += items
            elif kind is np.ndarray:
                if value.flags.writeable and self._array_elements + value.size <= _ARRAY_COPIES:
                    self.arrays.append((value, value.copy()))
                    self._array_elements += value.size
            elif _holds_state(value):  # `self.stats.calls += 1` rebinds in its __dict__
                values.append(vars(value))

    def restore(self) -> None:
        live = vars(self.module)
        if type(self.module) is not self.kind:
            if issubclass(self.kind, LazyModuleMixin):  # sized by its first forward: it stays
                return
            # `parametrize.register_parametrization` (or its removal) in a forward swaps the
            # class; the tables and attributes below put the rest of the module back with it
            self.module.__class__ = self.kind
        if self.class_dict is not None:
            _put_back_class(self.kind, self.class_dict)
        tables = _tables(live)
        if self.tables or any(tables):
            for k, now in zip(_TABLES, tables, strict=True):
                before = self.tables.get(k)
                if before is None:
                    if now:
                        now.clear()
                elif now != before if type(now) is set else _changed(now, before):
                    now.clear()
                    now.update(before)
        if live.get("_is_full_backward_hook") is not self.full_backward_hook:
            live["_is_full_backward_hook"] = self.full_backward_hook
        for k, v in self.saved.items():
            if live.get(k, _MISSING) is not v:
                live[k] = v
        for container, items in self.containers:
            _put_back_items(container, items)
        for array, copy in self.arrays:
            if array.shape == copy.shape and array.flags.writeable:  # one the forward froze stays
                np.copyto(array, copy)
        if live.keys() != self.keys:  # the forward added attributes: they go
            for k in [k for k in live if k not in self.saved and k not in INTERNALS]:
                del live[k]


_SCALARS = frozenset({int, float, bool, str, bytes, type(None), complex})


def _holds_state(value: object) -> bool:
    """Whether `value` is a plain record of values a forward may change: a dataclass, a
    `SimpleNamespace` or an `argparse.Namespace` (hyperparameters), with a `__dict__`."""
    record = type(value) in (types.SimpleNamespace, argparse.Namespace) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    )
    return record and isinstance(getattr(value, "__dict__", None), dict)


def _put_back_class(kind: type, saved: dict[str, Any]) -> None:
    """Give the class `kind` back the attributes of `saved` (its `vars()` when taken), and
    remove those added since: a parametrization's properties."""
    now = vars(kind)
    if now.keys() == saved.keys() and all(now[k] is v for k, v in saved.items()):
        return
    for name in [name for name in now if name not in saved]:
        delattr(kind, name)
    for name, value in saved.items():
        if now.get(name, _MISSING) is not value:
            setattr(kind, name, value)


def _copy_of(container: Any) -> list[Any]:
    """The items of a list, deque or set, or the (key, value) pairs of a dict, in order."""
    return list(container.items()) if isinstance(container, dict) else list(container)


def _put_back_items(container: Any, items: list[Any]) -> None:
    """Give `container` its `items` back in place, if they are no longer the same objects."""
    now = _copy_of(container)
    if isinstance(container, set):
        if container != set(items):
            container.clear()
            container.update(items)
        return
    if isinstance(container, dict):
        same = len(now) == len(items) and all(
            _same_key(k, k0) and v is v0 for (k, v), (k0, v0) in zip(now, items, strict=True)
        )
    else:
        same = len(now) == len(items) and all(a is b for a, b in zip(now, items, strict=True))
    if same:
        return
    container.clear()
    if isinstance(container, dict):
        container.update(items)
    else:
        container.extend(items)  # a list or a deque (whose `maxlen` stays)


def _same_key(a: Any, b: Any) -> bool:
    """Whether two dict keys are the same: equal strings or numbers, else the same object
    (`==` on tensors compares their elements)."""
    return a is b or (type(a) in _SCALARS and type(b) is type(a) and a == b)


def _tables(live: dict[str, Any]) -> tuple[Any, ...]:
    try:
        return _get_tables(live)
    except KeyError:  # a module whose __init__ did not call nn.Module's
        return tuple(live.get(k) or {} for k in _TABLES)


def _changed(now: dict[Any, Any], before: dict[Any, Any]) -> bool:
    return now.keys() != before.keys() or any(now[k] is not v for k, v in before.items())
