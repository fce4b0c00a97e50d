"""What a model is given that it reads as it goes: a generator or iterator of tensors
(`model(t for t in xs)`, `model(x, hidden=iter(hs))`), passed on through a stand-in that names
each item's tensors as the model takes them, and the keyword arguments of a module call, which
PyTorch does not hand to a global forward pre-hook.

    >>> names = {}
    >>> items = named_items(iter([1, 2]), "xs", lambda item, name: names.update({name: item}))
    >>> list(items), names
    ([1, 2], {'xs[0]': 1, 'xs[1]': 2})
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Generator, Iterator
from typing import Any

from torch.nn.modules import module as nn_module

__all__ = ["call_keywords", "named_items", "yields_once"]


def named_items(
    items: Iterator[Any], label: str, name: Callable[[Any, str], None]
) -> Iterator[Any]:
    """A stand-in for `items` giving the same items, as the model asks for them, after
    `name(item, "label[i]")`; a generator's is a generator too, which passes `send` and
    `throw` on."""
    if isinstance(items, types.GeneratorType):
        return _named_generator(items, label, name)
    return _NamedItems(items, label, name)


def yields_once(arg: Any) -> bool:
    """Whether `arg` is a generator or a built-in iterator (`iter(xs)`, `zip(a, b)`), which
    gives its items once, to whoever reads it first."""
    return isinstance(arg, types.GeneratorType) or (
        isinstance(arg, Iterator) and type(arg).__module__ in ("builtins", "itertools")
    )


def call_keywords() -> dict[str, Any] | None:
    """The keyword arguments of the module call whose global forward pre-hook calls this
    (the frame that called the hook: torch's `Module._call_impl`, or its `inner`), which
    PyTorch does not hand to a global pre-hook. The dict is that call's own, made by `**kwargs`: a value put into it is
    what `forward` gets, and the caller's dict stays as it was. None where torch calls hooks
    from another place."""
    frame = sys._getframe(2)
    if frame.f_globals.get("__name__") != nn_module.__name__:
        return None
    keywords = frame.f_locals.get("kwargs")
    return keywords if isinstance(keywords, dict) else None


class _NamedItems:
    """What a model is given in place of an iterator (`iter(xs)`, `zip(a, b)`): the same items,
    read as the model asks for them, whose tensors get the input name `label[i]`."""

    def __init__(self, items: Iterator[Any], label: str, name: Callable[[Any, str], None]) -> None:
        self._items, self._label, self._name, self._count = items, label, name, 0

    def __iter__(self) -> _NamedItems:
        return self

    def __next__(self) -> Any:
        return self._named(next(self._items))

    def __getattr__(self, name: str) -> Any:  # `gi_frame`, `gi_running`: the given one's
        if name.startswith("_"):  # none of ours is missing (a copy being made has none yet)
            raise AttributeError(name)
        return getattr(self._items, name)

    def _named(self, item: Any) -> Any:
        self._name(item, f"{self._label}[{self._count}]")
        self._count += 1
        return item


def _named_generator(
    items: Generator[Any, Any, Any], label: str, name: Callable[[Any, str], None]
) -> Generator[Any, Any, Any]:
    """A generator's stand-in (`model(t for t in xs)`), itself a generator (a model may check
    `inspect.isgenerator`): what the model sends or throws into it goes on to the user's. Its
    `close()` does not: it comes also when the stand-in is dropped, and the user's generator
    stays theirs, to read on."""
    count, sent, thrown = 0, None, None
    while True:
        try:
            if thrown is not None:
                item = items.throw(thrown)
            else:
                item = next(items) if sent is None else items.send(sent)
        except StopIteration as stop:
            return stop.value
        name(item, f"{label}[{count}]")
        count, sent, thrown = count + 1, None, None
        try:
            sent = yield item
        except GeneratorExit:
            raise
        except BaseException as error:  # `throw()`: the user's generator may handle it
            thrown = error
