"""The graph `%nngraph EXPR` shows: that of EXPR's value, its parameters named after the
notebook's models they belong to. One model alone names them as `model.named_parameters()`
does (`0.weight`); several name them after the variable holding each (a GAN's `G.0.weight` and
`D.0.weight`), or the item of a dict, list or tuple holding it, written as `record()` writes an
input held in a dict (`models['small'].0.weight`).

    >>> import torch
    >>> G, D = torch.nn.Linear(2, 4), torch.nn.Linear(4, 1)
    >>> loss = D(G(torch.randn(3, 2))).mean()
    >>> g = graph_with_models(loss, {"G": G, "D": D, "loss": loss})
    >>> sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    ['D.bias', 'D.weight', 'G.bias', 'G.weight']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterator, Mapping
from typing import Any

import torch
from torch.nn.parameter import is_lazy

from nngraph._compiled import uncompiled
from nngraph.capture import graph_of
from nngraph.capture._modules import fill_module_types, module_table, named_parameters_as_written
from nngraph.capture._naming import subscript
from nngraph.capture._ran import TookPart
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["graph_with_models", "idle_model_warning", "is_ipythons", "models_behind"]


def graph_with_models(
    value: Any, namespace: Mapping[str, Any], hidden: Container[str] = ()
) -> Graph:
    """`graph_of(value)`, its leaves and results named after the variables of `namespace`, its
    parameters after the models there (`models_behind`); `hidden` names no model (IPython's
    `Out`)."""
    models = _named_models(value, namespace, hidden)
    if len(models) <= 1:
        model = models[0][1] if models else None
        return graph_of(value, params=model, names=namespace)
    params: dict[str, torch.Tensor] = {}
    table: dict[str, dict[str, Any]] = {}
    for written, model in models:
        for inside, p in named_parameters_as_written(model):
            if not is_lazy(p):
                params.setdefault(f"{written}.{inside}", p)
        rows = module_table(model, written, settings=False)
        rows[written] = {**rows[written], "top_level": True}  # one model of several, as record's
        for path, row in rows.items():
            table.setdefault(path, row)
    kinds = " + ".join(table[written]["type"] for written, _ in models)
    distinct = {id(p): p for p in params.values()}.values()  # a weight two models share: once
    table[""] = {"type": kinds, "params": sum(p.numel() for p in distinct)}
    graph = graph_of(value, params=params, names=namespace)
    fill_module_types(graph, table)
    return graph


def _named_models(
    value: Any, namespace: Mapping[str, Any], hidden: Container[str]
) -> list[tuple[str, torch.nn.Module]]:
    """`models_behind(value, ...)`; naming is a nicety that must never cost the graph: when
    reading the notebook's containers fails, the largest model held by a variable (unprefixed
    names, as before models in containers were named), else none."""
    try:
        return models_behind(value, namespace, hidden)
    except Exception:
        pass
    try:
        return models_behind(value, namespace, hidden, depth=0)[:1]
    except Exception:
        return []


def models_behind(
    value: Any, namespace: Mapping[str, Any], hidden: Container[str] = (), depth: int = 2
) -> list[tuple[str, torch.nn.Module]]:
    """The models of `namespace` whose parameters `value` was computed from, each with the
    variable (or item, `depth` containers deep) holding it as written, largest first; a model
    whose parameters used are all in a larger one (`net.encoder` kept as `enc` beside `net`, a
    compiled copy) is left out. Of two as large, the namespace's order decides: a model comes
    before a wrapper made of it without parameters of its own (`predict = nn.Sequential(net,
    nn.Softmax(1))`), so its shorter names are used, whichever of the two computed `value`
    (its graph does not say).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    >>> y = net(torch.ones(1, 2))
    >>> [name for name, _ in models_behind(y, {"head": net[1], "net": net, "nets": [net]})]
    ['net']
    """
    leaves = {id(t) for t in _leaves(value)}
    used: list[tuple[int, str, torch.nn.Module, set[int]]] = []
    for written, model in _models_in(namespace, hidden, depth):
        params = [p for _, p in named_parameters_as_written(model) if not is_lazy(p)]
        feeding = {id(p) for p in params if id(p) in leaves}
        if feeding:
            used.append((sum(p.numel() for p in params), written, model, feeding))
    used.sort(key=lambda entry: -entry[0])  # stable: the namespace's order among equals
    chosen: list[tuple[str, torch.nn.Module]] = []
    covered: set[int] = set()
    for _, written, model, feeding in used:
        if feeding - covered:
            chosen.append((written, model))
            covered |= feeding
    return chosen


def idle_model_warning(
    took: TookPart,
    typed: str,
    model: torch.nn.Module,
    namespace: Mapping[str, Any],
    hidden: Container[str] = (),
) -> str | None:
    """The warning for `%%nngraph --model TYPED` whose `model` did not run in the cell, naming
    the models that ran (`took` says which) after the variables of `namespace` holding them
    (`net`, `models['small']`), or holding a model of which they are a part; None where it ran.

    >>> import torch
    >>> net, old = torch.nn.Sequential(torch.nn.Linear(2, 1)), torch.nn.Linear(2, 1)
    >>> took = TookPart([net[0]], [], [net[0]])  # the cell ran net[0](x)
    >>> idle_model_warning(took, "old", old, {"net": net, "old": old})[:72]
    '%%nngraph: old, given to --model, did not run in this cell (none of its '
    >>> idle_model_warning(took, "net", net, {"net": net, "old": old}) is None
    True
    """
    if took.model(model):
        return None
    try:  # naming is a nicety: reading the notebook's containers must not cost the warning
        others = [(written, m) for written, m in _models_in(namespace, hidden) if m is not model]
    except Exception:
        others = []
    ran: list[str] = []
    for root in took.models():
        written = _holding(root, others)
        if written is not None and written not in ran:
            ran.append(written)
    if typed in ran:  # the cell made `typed` anew, out of sight (a helper's `global model`)
        return None
    key = "none" if not ran else "one" if len(ran) == 1 else "many"
    return message(f"magic.cell.model_idle.{key}", model=typed, ran=", ".join(ran))


def _holding(root: torch.nn.Module, models: list[tuple[str, torch.nn.Module]]) -> str | None:
    """Where `root` is as written among `models`: the variable holding it, else the one holding
    the smallest model it is part of (`net` for `net[0]`); None where none holds it."""
    holders: list[tuple[int, str]] = []
    for written, model in models:
        inner = list(uncompiled(model).modules())
        if inner[0] is root:
            return written
        if any(module is root for module in inner):
            holders.append((len(inner), written))
    return min(holders)[1] if holders else None


def _models_in(
    namespace: Mapping[str, Any], hidden: Container[str], depth: int = 2
) -> Iterator[tuple[str, torch.nn.Module]]:
    """Each model `namespace` holds, once, with where it is as written: a variable (`net`),
    else an item of a dict, list or tuple there, `depth` deep (`models['small']`, `nets[0]`).
    Variables come first; read through the built-in types only, so no code of the user's runs."""
    seen: set[int] = set()
    level: list[tuple[str, Any]] = [
        (name, value)
        for name, value in namespace.items()
        if isinstance(name, str) and not is_ipythons(name) and name not in hidden
    ]
    budget = 10_000  # a dataset kept as a list of a million samples is not walked to the end
    for deep in range(depth + 1):
        inner: list[tuple[str, Any]] = []
        for written, value in level:
            kind = type(value)  # not `isinstance`, which may call a `__class__` of the user's
            opened = deep < depth and issubclass(kind, dict | list | tuple)
            if issubclass(kind, torch.nn.Module):
                if id(value) not in seen:
                    seen.add(id(value))
                    yield written, value
            elif opened and id(value) not in seen and budget > 0:
                seen.add(id(value))
                items = list(itertools.islice(_items(value), budget))
                inner += [(written + where, item) for where, item in items]
                budget -= len(items)
        level = inner


#: the names IPython keeps in a notebook's namespace besides `hidden`: the last outputs (`_`,
#: `__`, `___`, `_5`) and inputs (`_i`, `_ii`, `_iii`, `_i5`), its histories (`_oh`, `_ih`,
#: `_dh`, `_sh`), `_exit_code` of a `!command`, and the module's own (`__name__`, `__builtins__`)
_IPYTHONS = re.compile(r"_{1,3}|_i{1,3}|_i?[0-9]+|_(?:oh|ih|dh|sh|exit_code)|__\w+__")


def is_ipythons(name: str) -> bool:
    """Whether `name` is one IPython gives a variable of its own, which names no model; a
    student's `_net` or `_model` is theirs.

    >>> [is_ipythons(name) for name in ("_", "_5", "_i5", "_oh", "__name__", "_net", "_i_net")]
    [True, True, True, True, True, False, False]
    """
    return _IPYTHONS.fullmatch(name) is not None


def _items(container: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> Iterator[tuple[str, Any]]:
    """`(['key'], item)` or `([0], item)` for each item; a dict's key other than a str or int
    (whose `repr` could run code of the user's), or one written with a dot (`'v1.2'`, as it
    would read as a module path), is left out."""
    if isinstance(container, dict):
        for key, value in dict.items(container):
            written = _subscript(key)
            if written is not None:
                yield written, value
    else:
        values = (
            list.__iter__(container) if isinstance(container, list) else tuple.__iter__(container)
        )
        yield from ((f"[{i}]", value) for i, value in enumerate(values))


def _subscript(key: Any) -> str | None:
    """`['small']` or `[0]`: how `key` is written after a dict, or None when it cannot be (see
    `subscript`) or has a dot, which would read as a module path."""
    written = subscript(key)
    return None if written is None or "." in written else written


def _leaves(value: Any) -> list[torch.Tensor]:
    """The leaf tensors (parameters, inputs) the autograd graph of `value`'s tensors reaches."""
    tensors = [t for t in torch.utils._pytree.tree_leaves(value) if isinstance(t, torch.Tensor)]
    todo = [t.grad_fn for t in tensors if t.grad_fn is not None]
    seen: set[int] = set()
    leaves = [t for t in tensors if t.grad_fn is None]
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        variable = getattr(fn, "variable", None)
        if isinstance(variable, torch.Tensor):
            leaves.append(variable)
        todo.extend(next_fn for next_fn, _ in fn.next_functions if next_fn is not None)
    return leaves
