"""The module table: every module of a model with its class, parameter count and settings.

`collapse()` draws a box per module from it; `summary()` counts parameters with it.

    >>> import torch
    >>> table = module_table(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()))
    >>> table[""]["params"], table["0"]["type"], table["0"]["config"]
    (9, 'Linear', 'in_features=2, out_features=3, bias=True')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import torch
from torch.nn.parameter import is_lazy

from nngraph._compiled import modules_as_written
from nngraph.capture._gates import GATE_BIASES, stacked_gates
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.graph._nodes import as_written
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.capture._builder import Names

__all__ = [
    "COMPILED_LEVEL",
    "fill_module_types",
    "module_table",
    "named_parameters_as_written",
    "trains",
    "unreached_parameters",
]


def module_table(
    model: torch.nn.Module,
    prefix: str = "",
    names: Names | None = None,
    paths: dict[int, str] | None = None,
    *,
    settings: bool = True,
    trainable: list[str] | None = None,
    lazy: list[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every module of `model`: qualified path -> class name, parameter elements below it,
    settings (``extra_repr``) and training flag.

    One walk over the modules; each parameter is counted once, as `model.parameters()` does:
    a shared one (tied weights, a layer in two places) in the module that registers it first.
    A module that uses shared parameters counted elsewhere says how many elements in
    ``shared``. A `torch.compile`d submodule is the module it compiles, at its own path (no
    `OptimizedModule` row, no `_orig_mod` level). With `names`, the same walk names every
    parameter and buffer as `named_parameters()` and `named_buffers()` do, a compiled one's
    with its `_orig_mod` (`enc._orig_mod.fc.weight`, what `state_dict()` holds too); with
    `paths`, it maps each module's id to its qualified path (the first path found, as
    `named_modules()` lists a shared module once), a compiled one's wrapper's too; and it keeps
    in `names.gates` the biases of the recurrent layers that stack gates in them. With
    `trainable`, the same walk lists there the names of the parameters that train (`trains`);
    with `lazy`, those of the parameters not sized yet (a `LazyLinear`'s before its first forward).

    >>> emb, out = torch.nn.Embedding(10, 6), torch.nn.Linear(6, 10, bias=False)
    >>> out.weight = emb.weight
    >>> table = module_table(torch.nn.ModuleDict({"emb": emb, "out": out}), settings=False)
    >>> table[""]["params"], table["emb"]["params"], table["out"]
    (60, 60, {'type': 'Linear', 'params': 0, 'shared': 60})
    """
    dot = f"{prefix}." if prefix else ""
    table: dict[str, dict[str, Any]] = {}
    seen: set[int] = set()
    modules: dict[str, torch.nn.Module] = {}  # path -> module, kept only to count `shared`
    any_shared = False
    links = 0  # child slots holding a module: one more than the modules listed if one is shared
    parents: list[tuple[str, str]] = []  # (path, parent path), parents first
    for path, inside, module, wrapper in _with_name_prefixes(model):
        full = dot + path if path else prefix
        if paths is not None:
            paths.setdefault(id(module), full)
            if wrapper is not None:  # `model.enc(x)` calls the wrapper: the same module
                paths.setdefault(id(wrapper), full)
        own = 0
        modules[full] = module
        if module._modules:  # most modules are leaves: no call for them
            links += sum(1 for child in module._modules.values() if child is not None)
            _check_names(module, full)
        gates = stacked_gates(module) if names is not None else 0
        for name, p in module._parameters.items():
            if p is None or id(p) in seen:
                any_shared = any_shared or p is not None
                continue
            seen.add(id(p))
            unsized = is_lazy(p)
            size = 0 if unsized else p.numel()  # lazy: no size before a first forward
            own += size
            if trainable is not None and p.requires_grad and (size or unsized):  # see `trains`
                trainable.append(dot + inside + name)
            if lazy is not None and unsized:
                lazy.append(dot + inside + name)
            if names is not None:
                names.params.setdefault(id(p), dot + inside + name)
                if gates and name.startswith(GATE_BIASES):
                    names.gates[id(p)] = gates
        if names is not None:
            for name, b in module._buffers.items():
                if b is not None:
                    names.buffers.setdefault(id(b), dot + inside + name)
        table[full] = {"type": _type_name(module), "params": own}
        if settings:  # what tells blocks apart when they fold: not needed without boxes
            table[full]["training"] = module.training
            config = _config(module)
            if config is not None:
                table[full]["config"] = config
        if path:
            parent = path.rpartition(".")[0]
            parents.append((full, dot + parent if parent else prefix))
    for full, parent in reversed(parents):  # children first: each total is complete when added
        table[parent]["params"] += table[full]["params"]
    if any_shared or links >= len(modules):  # rare: only then walk their parameters again
        for full, module in modules.items():
            uses = sum(0 if is_lazy(p) else p.numel() for p in module.parameters())
            if uses > table[full]["params"]:
                table[full]["shared"] = uses - table[full]["params"]
    return table


def _with_name_prefixes(model: torch.nn.Module) -> Iterator[tuple[str, str, Any, Any]]:
    """`(path, prefix, module, wrapper)` for each of `modules_as_written(model)`: `prefix` is
    what `named_parameters()` puts before the names of the module's own parameters, with the
    `_orig_mod.` level of a compiled one (path `enc`, prefix `enc._orig_mod.`)."""
    prefixes: dict[str, str] = {}
    for path, module, wrapper in modules_as_written(model):
        parent, _, name = path.rpartition(".")
        prefix = prefixes[parent] + name + "." if path else ""
        if wrapper is not None:
            prefix += COMPILED_LEVEL + "."
        prefixes[path] = prefix
        yield path, prefix, module, wrapper


def named_parameters_as_written(model: torch.nn.Module) -> Iterator[tuple[str, torch.nn.Parameter]]:
    """`model.named_parameters()`, read from the modules' own tables (no method of the
    user's runs): each parameter once, at its first place."""
    seen: set[int] = set()
    for _, prefix, module, _ in _with_name_prefixes(model):
        for name, p in module._parameters.items():
            if p is not None and id(p) not in seen:
                seen.add(id(p))
                yield prefix + name, p


def unreached_parameters(
    model: torch.nn.Module,
    graph: Graph,
    present: set[str],
    trainable: list[str] | None = None,
) -> list[dict[str, str]] | None:
    """The trainable parameters of `model` (see `trains`; `trainable`, their names, where a
    walk already listed them) that no node of `graph` holds (`present`: the names of
    its parameter nodes), as `g.graph["unreached"]` keeps them: a module whose every trainable
    parameter is left out stands for them (`{"module": "fc2", "type": "Linear"}`), else the
    parameter itself (`{"param": "block.scale"}`). None where the graph holds them all, or
    none of them (the model takes no part in it: `graph_of(d_loss, params=G)`), or where an
    autograd Function of the graph may read parameters it is not given (see `_OPAQUE`).

    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 2))
    >>> unreached_parameters(model, Graph(), {"0.weight", "0.bias"})
    [{'module': '1', 'type': 'Linear'}]
    """
    if trainable is None:
        trainable = [name for name, p in named_parameters_as_written(model) if trains(p)]
    left_out = {name for name in trainable if name not in present}
    if not left_out or len(left_out) == len(trainable) or _opaque_functions(graph):
        return None
    return _fewest_parts(model, left_out)


def trains(p: torch.nn.Parameter) -> bool:
    """Whether a parameter has values to learn: it requires grad and is not empty (DINOv2's
    register tokens of shape `[1, 0, dim]` where it has none, which no op needs to read); a
    lazy one not yet sized counts."""
    return p.requires_grad and (is_lazy(p) or p.numel() > 0)


#: The autograd node of a `torch.autograd.Function` written in Python (PyTorch's own nodes end
#: in a number: `AddmmBackward0`) or in C++ (`CppNode<...>`). Its forward may read parameters
#: it is not given, which the graph then does not hold though they get a gradient: reentrant
#: checkpointing (`CheckpointFunctionBackward`) reruns its layers in the backward. A
#: `torch.library.custom_op` (`mylib::silu`) is given every tensor it reads.
_OPAQUE = re.compile(r"Backward$|CppNode")


def _opaque_functions(graph: Graph) -> bool:
    """Whether an op of `graph` is such a Function (see `_OPAQUE`)."""
    return any(
        data["kind"] == "op"
        and _OPAQUE.search(str(data.get("backward") or "")) is not None
        and "::" not in str(data.get("op") or "")
        for data in graph._node.values()
    )


def _fewest_parts(model: torch.nn.Module, names: set[str]) -> list[dict[str, str]]:
    """`names` (of trainable parameters of `model`) as the fewest modules and parameters, in
    the model's order: a module stands for its parameters where every trainable one it uses
    (a weight tied to another module's too) is among them."""
    order = {id(p): i for i, (_, p) in enumerate(named_parameters_as_written(model))}
    wanted = {id(p): name for name, p in named_parameters_as_written(model) if name in names}
    below: dict[str, set[int]] = {}  # module path -> its trainable parameters, and its children's
    modules = []
    for path, _, module, _ in _with_name_prefixes(model):
        own = module._parameters.values()
        below[path] = {id(p) for p in own if p is not None and trains(p)}
        modules.append((path, module))
    for path, _ in reversed(modules):  # children first: each set is complete when added
        if path:
            below[path.rpartition(".")[0]] |= below[path]
    parts: list[tuple[int, dict[str, str]]] = []
    covered: set[int] = set()
    for path, module in modules:  # parents first: the largest module that fits
        inside = below[path]
        if path and inside and inside <= wanted.keys() and not inside <= covered:
            first = min(order.get(i, len(order)) for i in inside)
            parts.append((first, {"module": path, "type": _type_name(module)}))
            covered |= inside
    parts += [(order[i], {"param": name}) for i, name in wanted.items() if i not in covered]
    return [part for _, part in sorted(parts, key=lambda item: item[0])]


#: the attribute under which a `torch.compile` wrapper (`OptimizedModule`) holds its module
COMPILED_LEVEL = "_orig_mod"


def _type_name(module: torch.nn.Module) -> str:
    """The module's class name; a TorchScript module's is that of the class it was made from
    (`Linear`, not `RecursiveScriptModule`)."""
    if isinstance(module, torch.jit.ScriptModule):
        return str(getattr(module, "original_name", None) or type(module).__name__)
    return type(module).__name__


def _check_names(module: torch.nn.Module, path: str) -> None:
    """Refuse a submodule name PyTorch's `add_module` refuses (`setattr` does not check): a dot
    would make a path that names another module, and an empty name the parent's own path."""
    for name, _ in module._modules.items():  # (a ScriptModule's cannot be iterated itself)
        if not name or "." in name:
            owner = f"module {path}" if path else type(module).__name__
            suggestion = name.replace(".", "_") or "child"
            raise NNGraphError(
                message("capture.bad_module_name", owner=owner, name=name, suggestion=suggestion)
            )


def _config(module: torch.nn.Module) -> str | None:
    """The module's settings as its repr shows them (`extra_repr`: "p=0.5, inplace=False")."""
    try:
        text = module.extra_repr()
    except Exception:  # a user's extra_repr that fails must not stop the capture
        return None
    return text if isinstance(text, str) and text else None


def fill_module_types(
    graph: Graph, modules: dict[str, dict[str, Any]], names: Names | None = None
) -> None:
    """Store `modules` as the graph's module table and give parameters and buffers their
    module's class name.

    Only those the models named (with `names`, the names it holds; without, any name given
    so far): a parameter of a model not recorded (the generator's in `trace(D, G(z))`) sits
    at module `""` too, but the model's root does not own it, so it gets no type, like the
    ops around it.
    """
    graph.graph["modules"] = modules
    owned = {*names.params.values(), *names.buffers.values()} if names is not None else None
    for _, attrs in graph.nodes(data=True):
        if attrs["kind"] not in ("param", "buffer"):
            continue
        if attrs["module"]:  # `enc._orig_mod.weight` is in module `enc`
            attrs["module"] = as_written(attrs["module"])
        if attrs["module"] not in modules:
            continue
        if attrs["name"] is not None and (owned is None or attrs["name"] in owned):
            attrs["module_type"] = modules[attrs["module"]]["type"]
