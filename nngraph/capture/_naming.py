"""Names for what a recording met: parameters by their model (or by a model a variable holds:
`ema.0.weight`), data and results by the variables that hold them when the block ends; and
which results nothing used (`out, _ = self.rnn(x)`'s `_`).

    >>> import torch, nngraph as ng
    >>> w = torch.nn.Parameter(torch.ones(2))
    >>> with ng.record() as rec:
    ...     total = (w * 3).sum()
    ...     share = (total / 2).detach()
    >>> sorted(d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] in ("param", "output"))
    ['share', 'w']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import torch

from nngraph.capture._attributes import INTERNALS
from nngraph.capture._common import hidden, tensors_within
from nngraph.capture._modules import named_parameters_as_written
from nngraph.graph import Graph
from nngraph.graph._nodes import as_written

if TYPE_CHECKING:
    from nngraph.capture._recorder import Recorder

__all__ = [
    "mark_unused",
    "name_held_parameters",
    "name_parameters",
    "name_variables",
    "outermost_results",
    "results_nothing_used",
    "subscript",
    "tensor_variables",
    "tensors_in_containers",
]


def name_variables(recorder: Recorder, namespace: Mapping[str, Any]) -> None:
    """Name inputs and outputs after the variables that hold them (`a`, `x`, `loss`).

    A variable's name wins over the parameter name of `forward` (Sequential calls it `input`);
    what is still unnamed then is named after its place in a list or dict (`params[0]`).
    """
    graph, builder = recorder.graph, recorder.builder
    _name_after_modules(recorder, namespace)
    tensors = tensor_variables(namespace)
    nodes = [
        (ref(), node_id) for ref, node_id in [*recorder.tensor_nodes.values(), *recorder.data_nodes]
    ]
    nodes += [(fn.variable, node_id) for node_id, fn in builder.leaf_fns.items()]
    for tensor, node_id in nodes if tensors else ():
        name = tensors.get(id(tensor)) if tensor is not None else None
        attrs = graph._node[node_id]
        kind = attrs["kind"]
        unnamed = kind in ("input", "constant") or (kind == "param" and attrs["name"] is None)
        if name is not None and unnamed:
            attrs["name"] = attrs["label"] = name
    _name_by_place(graph, nodes, namespace)
    for value in namespace.values():
        name = tensors.get(id(value))
        if name is None:
            continue
        source = recorder.node_of(value)
        for output in graph.successors(source) if source is not None else ():
            if graph.nodes[output]["kind"] == "output":
                graph.nodes[output].update(name=name, label=name)


def tensor_variables(namespace: Mapping[str, Any]) -> dict[int, str]:
    """id(tensor) -> the name of the variable in `namespace` holding it; `_`, `_h` (names the
    user chose not to keep) and keys that are no variable names (`globals()[42] = ...`) left
    out. A tensor held by two variables keeps the first name (`loss` in `loss = ...; best =
    loss`): the later one is a copy of the reference.

        >>> t = torch.ones(1)
        >>> tensor_variables({"x": t, "_": t, "n": 3, "kept": t}) == {id(t): "x"}
        True
    """
    names: dict[int, str] = {}
    for k, v in namespace.items():
        if issubclass(type(v), torch.Tensor) and isinstance(k, str) and k[:1] != "_":
            names.setdefault(id(v), k)
    return names


def tensors_in_containers(namespace: Mapping[str, Any]) -> dict[int, str]:
    """id(tensor) -> its place in a list, tuple or dict a variable of `namespace` holds:
    hand-made weights kept as `params = [W1, b1]` or `P = {"W2": ...}` are `params[0]` and
    `P['W2']`. Weaker than a name: only what nothing else named gets one.

        >>> w = torch.zeros(1)
        >>> tensors_in_containers({"P": {"W2": w}, "params": [w], "_h": [w]})[id(w)]
        "P['W2']"
    """
    names: dict[int, str] = {}
    for k, v in namespace.items():
        if (
            type(v) in (list, tuple, dict)
            and isinstance(k, str)
            and k[:1] != "_"
            and k not in _HISTORY
            and len(v) <= _SEARCHED
        ):
            for key, item in v.items() if type(v) is dict else enumerate(v):
                written = subscript(key) if issubclass(type(item), torch.Tensor) else None
                if written is not None:
                    names.setdefault(id(item), k + written)
    return names


def subscript(key: Any) -> str | None:
    """`['small']` or `[0]`: how `key` is written after the name of the dict or list holding
    it, or None for a key of another type (whose `repr` could run code of the user's) or an
    int of more digits than Python writes.

        >>> subscript("W2"), subscript(0), subscript(10**5000), subscript(1.5)
        ("['W2']", '[0]', None, None)
    """
    if type(key) not in (str, int):  # exactly: a subclass may have a `__repr__` of its own
        return None
    try:
        return f"[{key!r}]"
    except ValueError:  # an int of more digits than Python writes
        return None


#: the kinds of node a place in a list or dict names: not an op that made what it holds
_DATA = ("input", "constant", "param")
#: IPython's input and output history: a tensor shown in cell 5 is no variable `Out[5]`
_HISTORY = frozenset({"In", "Out"})
#: Larger containers are not looked into (a dataset kept as a list of tensors)
_SEARCHED = 10_000


def _name_by_place(
    graph: Graph, nodes: list[tuple[torch.Tensor | None, str]], namespace: Mapping[str, Any]
) -> None:
    """Name the inputs and leaves still unnamed after their place in a list or dict."""
    places = tensors_in_containers(namespace)
    for tensor, node_id in nodes if places else ():
        attrs = graph._node[node_id]
        if tensor is not None and attrs["name"] is None and attrs["kind"] in _DATA:
            name = places.get(id(tensor))
            if name is not None:
                attrs["name"] = attrs["label"] = name


def name_parameters(recorder: Recorder) -> None:
    """Name the parameters met before their model ran (an EMA update `teacher.weight.mul_()`
    before `teacher(x)`): the model's names are known by now."""
    met = [(fn.variable, node_id) for node_id, fn in recorder.builder.leaf_fns.items()]
    met += [(ref(), node_id) for ref, node_id in recorder.data_nodes]
    for tensor, node_id in met:
        attrs = recorder.graph._node[node_id]
        if attrs["name"] is None and attrs["kind"] == "param":
            name = recorder.names.params.get(id(tensor))
            if name is not None:
                attrs.update(name=name, label=name, module=as_written(name.rpartition(".")[0]))


def name_held_parameters(recorder: Recorder) -> None:
    """Name the parameters still unnamed that a module which ran keeps in a plain list, tuple
    or dict attribute (`self.weights = [nn.Parameter(...), ...]`), after their place there:
    `weights[0]`, `block.gains['a']`, in the module keeping them. Not registered in it,
    `model.parameters()` (so an optimizer built from it) leaves them out: their nodes say
    `registered: False` (see `health()`'s `unregistered` finding)."""
    graph = recorder.graph
    met = [(fn.variable, node_id) for node_id, fn in recorder.builder.leaf_fns.items()]
    met += [(ref(), node_id) for ref, node_id in recorder.data_nodes]
    unnamed = {
        id(t): node_id
        for t, node_id in met
        if t is not None
        and graph._node[node_id]["kind"] == "param"
        and graph._node[node_id]["name"] is None
    }
    for path, module in list(recorder.scope.modules.items()) if unnamed else ():
        for place, p in _parameters_held(vars(module).items(), 0):
            node_id = unnamed.pop(id(p), None)
            if node_id is not None:
                name = f"{path}.{place}" if path else place
                graph._node[node_id].update(name=name, label=name, module=path, registered=False)


def _parameters_held(items: Any, depth: int) -> Iterator[tuple[str, torch.nn.Parameter]]:
    """`(place, parameter)` for each `nn.Parameter` in the lists, tuples and dicts among a
    module's attributes `items` (also nested, a few levels deep: `blocks[0]['w']`); a key
    with a dot is left out, as it would read as a submodule's path."""
    for key, value in items:
        if depth == 0 and key in INTERNALS:
            continue
        written = key if depth == 0 else subscript(key)
        if not isinstance(written, str) or "." in written:
            continue
        kind = type(value)
        if kind in (list, tuple, dict) and depth < _NESTED and len(value) <= _SEARCHED:
            inner = value.items() if kind is dict else enumerate(value)
            yield from ((written + place, p) for place, p in _parameters_held(inner, depth + 1))
        elif depth and isinstance(value, torch.nn.Parameter):
            yield written, value


#: How deep lists, tuples and dicts in a module's attributes are looked into for parameters
_NESTED = 3


def _name_after_modules(recorder: Recorder, namespace: Mapping[str, Any]) -> None:
    """Name the parameters still unnamed after a module a variable holds (`ema.0.weight`: an
    EMA copy updated by hand, `pe.lerp_(p, 0.01)`, runs no forward that would name them),
    before a variable (the loop's `pe`) names one of them."""
    graph = recorder.graph
    met = [(fn.variable, node_id) for node_id, fn in recorder.builder.leaf_fns.items()]
    met += [(ref(), node_id) for ref, node_id in recorder.data_nodes]
    unnamed = [
        (t, node_id)
        for t, node_id in met
        if t is not None
        and graph._node[node_id]["kind"] == "param"
        and graph._node[node_id]["name"] is None
    ]
    if not unnamed:
        return
    names: dict[int, str] = {}
    for key, value in namespace.items():
        if isinstance(value, torch.nn.Module) and isinstance(key, str) and key[:1] != "_":
            for inside, p in named_parameters_as_written(value):  # `ema._orig_mod.0.weight`
                names.setdefault(id(p), f"{key}.{inside}")
    for t, node_id in unnamed:
        name = names.get(id(t))
        if name is not None:
            graph._node[node_id].update(name=name, label=name)


@contextmanager
def outermost_results(recorder: Recorder, found: set[str]) -> Iterator[None]:
    """While recording, put into `found` the nodes of what each outermost module call returns
    (`model(x)`'s result, a loss module's value), unlike what a module's forward got from a
    layer inside it and dropped (`out, _ = self.rnn(x)`). The recorder's module scope says
    when an outermost call has left."""

    def collect(output: Any) -> None:
        try:
            with hidden():
                for t in tensors_within(output):
                    node_id = recorder.node_of(t)
                    if node_id is not None:
                        found.add(node_id)
        except Exception:  # never break the user's computation because of us
            pass

    recorder.scope.after_outermost = collect
    try:
        yield
    finally:
        recorder.scope.after_outermost = None


def results_nothing_used(
    recorder: Recorder, returned: set[str], namespace: Mapping[str, Any]
) -> set[str]:
    """Before `finish()`: the nodes of results nothing used, which `mark_unused` marks. A
    result is one only when a module's forward made it and no outermost module call returned
    it (`outermost_results`), no backward started from it and nothing in `namespace` holds it
    (a variable, also `_`, or a list, tuple, set or dict there): the loss, what a variable
    keeps and what a model returned (also to the cell as its value) are never one."""
    graph, replaced = recorder.graph, recorder.replaced
    succ, pred = graph._succ, graph._pred
    dropped = {
        n
        for n, d in graph._node.items()
        if d["kind"] == "op"
        and d["call"] is not None
        and d.get("module_type") is not None  # made inside a module's forward
        and d["backward_order"] is None
        and not succ[n]
        and n not in replaced
        and n not in returned
        # a module with full backward hooks wraps what it returns after its forward hooks ran
        and not (d["op"] == "BackwardHookFunction" and returned.intersection(pred[n]))
    }
    if dropped:
        for t in _held_tensors(namespace):
            dropped.discard(recorder.node_of(t))
    return dropped


def _held_tensors(namespace: Mapping[str, Any], depth: int = 3) -> list[torch.Tensor]:
    """The tensors `namespace` holds: its values, and those in its lists, tuples, sets and
    dicts, `depth` deep; read through the built-in types only, so no code of the user's runs."""
    found: list[torch.Tensor] = []
    stack: list[tuple[Any, int]] = [(value, depth) for value in namespace.values()]
    seen: set[int] = set()
    budget = 100_000  # a list of a million numbers is not walked to the end
    while stack and budget:
        budget -= 1
        item, left = stack.pop()
        if issubclass(type(item), torch.Tensor):
            found.append(item)
            continue
        if not left or id(item) in seen:
            continue
        seen.add(id(item))
        if issubclass(type(item), dict):
            values: Iterator[Any] = iter(dict.values(item))
        elif issubclass(type(item), list):
            values = list.__iter__(item)
        elif issubclass(type(item), tuple):
            values = tuple.__iter__(item)
        elif issubclass(type(item), set):
            values = set.__iter__(item)
        elif issubclass(type(item), frozenset):
            values = frozenset.__iter__(item)
        else:
            continue
        stack += [(value, left - 1) for value in itertools.islice(values, budget)]
    return found


def mark_unused(graph: Graph, dropped: set[str]) -> None:
    """After `finish()`: `graph.graph["unused"]`, the outputs of the nodes `dropped`
    (`results_nothing_used`) that no variable named, drawn dashed; set only when there is one
    (`trace()` sets its own, always)."""
    unused = [
        o
        for o in graph.graph.get("outputs") or ()
        if graph._node[o]["name"] is None and dropped.intersection(graph._pred[o])
    ]
    if unused:
        graph.graph["unused"] = unused
