"""Which module is running: qualified paths from global module hooks, removed on exit.

The hooks are PyTorch's global `register_module_forward_pre_hook` / `..._forward_hook`.
PyTorch runs global forward hooks before a module's own, so a module with forward hooks of its
own (an activation saved with `.detach()`) is left by a hook added after them for that one call
and removed by itself; `close()` removes every hook, also after an exception. The hooks see the
modules every thread runs: only those of the thread that made the scope move it (another
thread's are no step of the recording, whose ops the recorder leaves out too).
"""

from __future__ import annotations

import inspect
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

import torch
from torch.nn.modules import module as nn_module
from torch.nn.parameter import is_lazy
from torch.utils.hooks import RemovableHandle

from nngraph._compiled import every_module, modules_as_written, uncompiled
from nngraph.capture._builder import Names
from nngraph.capture._common import hidden, memory_within, named_tensors_within
from nngraph.capture._functorch import unwrapped
from nngraph.capture._given import call_keywords, named_items, yields_once
from nngraph.capture._memory import storage_key
from nngraph.capture._modules import module_table
from nngraph.graph._nodes import as_written, with_ancestors

__all__ = ["ModuleScope"]


#: what PyTorch's own modules call `forward`'s argument (`nn.Sequential`, `nn.Linear`): no name
#: of the user's, so such an input is left unnamed and says capture's word (`wejście` in Polish)
GENERIC_ARGUMENT = "input"
#: forward function -> its positional parameter names; weak, so classes redefined in a notebook
#: do not keep their old functions alive
_POSITIONAL: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()


def _positional_names(forward: Any) -> list[str]:
    """The names of `forward`'s positional parameters, read once per function (inspecting a
    signature takes longer than recording a small layer)."""
    function = getattr(forward, "__func__", None)
    names = _POSITIONAL.get(function) if function is not None else None
    if names is None:
        try:
            names = [
                name
                for name, p in inspect.signature(forward).parameters.items()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
        except (TypeError, ValueError):
            names = []
        if function is not None:
            _POSITIONAL[function] = names
    return names


def _labelled(module: torch.nn.Module, args: tuple[Any, ...]) -> list[tuple[str, Any]]:
    """Each positional argument of a call with the name of `forward`'s parameter it fills."""
    names = _positional_names(module.forward)
    return [(names[i] if i < len(names) else f"input{i}", arg) for i, arg in enumerate(args)]


class ModuleScope:
    """Tracks the stack of running modules and names their parameters and inputs.

    The first top-level module that has parameters (or `model`, when given) is the root, with
    path `""`; its submodules get the paths `named_modules()` gives. A second, unrelated model
    called at top level gets its class name as a prefix.
    """

    def __init__(self, names: Names, model: torch.nn.Module | None = None) -> None:
        self.names = names
        self._thread = threading.get_ident()
        self.stack: list[tuple[torch.nn.Module, str]] = []
        self.paths: dict[int, str] = {}  # id(module) -> qualified path
        self.modules: dict[str, torch.nn.Module] = {}  # path -> module, for modules that ran
        self._roots: list[torch.nn.Module] = []
        self._lazy_roots: set[int] = set()  # roots whose table was taken before lazy layers ran
        #: id of every module of the first root (the recorded model): they keep their paths
        #: relative to it, also when an outer module runs them (`record(wrapper.body)`)
        self._model_modules: set[int] = set()
        #: modules that ran inside another without being registered in it (a plain list)
        self.unregistered: set[str] = set()
        self._unregistered_at: dict[tuple[int, str], str] = {}  # (module, caller's path) -> path
        #: called when a TorchScript module returns: its ops ran in C++, unseen
        self.after_script: Callable[[], None] | None = None
        #: the class of a module of the model run in another thread (a thread pool), unseen
        self.other_threads: list[str] = []
        #: called with what an outermost module call returned, once it has left
        self.after_outermost: Callable[[Any], None] | None = None
        #: the module that returned last, until another starts: PyTorch wraps the outputs of a
        #: module with full backward hooks (`BackwardHookFunction`) after its forward hooks
        self.left_path: str | None = None
        self._deferred: set[tuple[int, int]] = set()  # (module, stack depth) left by `_added`
        self._added: set[RemovableHandle] = set()  # on a module still, for close()
        self._used: list[RemovableHandle] = []  # those that have run, to remove
        #: where the memory of what top-level calls were given starts -> what holds it, while
        #: that lives (freed memory may hold a new tensor made in `forward`; see `given`)
        self._given_memory: dict[int, weakref.ref[Any]] = {}
        #: called with each model that runs at top level after the first (or given) one,
        #: before its forward: `trace()` keeps its state to put back
        self.on_new_root: Callable[[torch.nn.Module], None] | None = None
        names.param_in_use = self._param_in_use
        if model is not None:
            self._add_root(model, "")
        self._handles = [
            # what `_enter` returns replaces the arguments (the stub says it returns None)
            nn_module.register_module_forward_pre_hook(self._enter),  # type: ignore[arg-type]
            nn_module.register_module_forward_hook(self._leave, always_call=True),
        ]

    def close(self) -> None:
        """Remove the global hooks, and any hook left on a module whose forward raised."""
        for handle in [*self._handles, *self._added]:
            handle.remove()
        self._handles.clear()
        self._added.clear()
        self._used.clear()

    @property
    def path(self) -> str:
        """Qualified path of the innermost running module (`""` outside any)."""
        return self.stack[-1][1] if self.stack else ""

    @property
    def roots(self) -> list[tuple[torch.nn.Module, str]]:
        """The top-level models that ran, the first (or the given one) first, with their paths."""
        return [(root, self.paths.get(id(root), "")) for root in self._roots]

    @property
    def module_type(self) -> str | None:
        return type(self.stack[-1][0]).__name__ if self.stack else None

    def _add_root(self, model: torch.nn.Module, prefix: str) -> None:
        original = uncompiled(model)
        if original is not model:  # the compiled wrapper and what it wraps share the path
            self.paths.setdefault(id(model), prefix)
        if not self._roots:
            self._model_modules = {id(model), *(id(m) for m in every_module(original))}
        elif self.on_new_root is not None:
            self.on_new_root(original)
        self._roots.append(original)
        # named through the wrapper, as `model.named_parameters()` names them: `_orig_mod.fc.weight`
        lazy: list[str] = []
        self.names.add_module(model, prefix, self.paths, lazy=lazy)
        self.names.tables[id(original)] = self.names.tables[id(model)]
        if lazy:  # sized by its first forward
            self._lazy_roots.add(id(original))

    def _path_of(self, module: torch.nn.Module) -> str:
        if self.stack and uncompiled(self.stack[-1][0]) is module:
            return self.stack[-1][1]  # a compiled wrapper running what it compiles: one module
        path = self.paths.get(id(module))
        if path is not None:
            if self.stack and path.rpartition(".")[0] != self.stack[-1][1]:
                if self._outer_runs_model(module):
                    return path  # `wrapper(x)` running the recorded `wrapper.body`
                if path in self.unregistered:  # one instance called from every block
                    return self._unregistered_path(module)
                return self._child_path(module) or path
            return path
        child = self._child_path(module) if self.stack else None
        if child is not None:  # registered by the forward (`self.proj = nn.Linear(...)`)
            # the path of a module it replaced that has not run (a layer made anew at every
            # call: `self.fc2 = nn.Linear(...)` in forward) is its own; "fc22" is nowhere
            path = child if child not in self.modules else self._free_path(child)
            self.names.add_module(module, path, self.paths)
        elif self.stack:
            # Not registered under the root (kept in a plain list): named by its type, and
            # numbered when that is taken ("blocks" -> "Linear", "Linear2"); so are its params.
            path = self._unregistered_path(module)
            self.names.add_module(module, path, self.paths)
        elif not self._roots and any(True for _ in module.parameters()):
            self._add_root(module, "")
            return ""
        elif any(True for _ in module.parameters()):  # a second model, by the type it compiles
            path = self._free_path(type(uncompiled(module)).__name__)
            self._add_root(module, path)
            return path
        else:
            path = ""
        self.paths[id(module)] = path
        return path

    def _outer_runs_model(self, module: torch.nn.Module) -> bool:
        """Whether `module` is part of the recorded model and the module running it is not:
        a second place of the model's own module would name a second box for the same layer."""
        return (
            id(module) in self._model_modules and id(self.stack[-1][0]) not in self._model_modules
        )

    def _child_path(self, module: torch.nn.Module) -> str | None:
        """The path of `module` as a child of the running module, if it is one: a module
        shared by two parents (an embedding of an encoder and a decoder) runs under the parent
        calling it, not under the first path `named_modules()` gives it."""
        parent, parent_path = self.stack[-1]
        for name, child in parent._modules.items():
            if child is module:
                return f"{parent_path}.{name}" if parent_path else name
        return None

    def _param_in_use(self, t: torch.Tensor) -> str | None:
        """The name of `t` as a parameter of a module running now, innermost first."""
        for module, path in reversed(self.stack):
            for name, p in module._parameters.items():
                if p is t:
                    return f"{path}.{name}" if path else name
        return None

    def _unregistered_path(self, module: torch.nn.Module) -> str:
        """The path of a module not registered in the model, under the module calling it: a
        global one that every block calls (`apply_rotary_pos_emb` made a module) runs in each
        block, as a registered module shared by two parents does; its parameters keep the
        names of the first place."""
        parent = self.stack[-1][1]
        path = self._unregistered_at.get((id(module), parent))
        if path is None:
            path = self._free_path(f"{parent}.{type(module).__name__}".lstrip("."))
            self._unregistered_at[id(module), parent] = path
            self.unregistered.add(path)
        return path

    def _free_path(self, base: str) -> str:
        taken = {*self.paths.values(), *self.unregistered}
        path, n = base, 1
        while path in taken:
            n += 1
            path = f"{base}{n}"
        return path

    def _enter(self, module: torch.nn.Module, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if threading.get_ident() != self._thread:
            # one of the recorded model's modules, while it runs: a thread pool's (not a data
            # thread's module, nor another recording's model)
            if self.stack and id(module) in self.paths and not self.other_threads:
                self.other_threads.append(type(module).__name__)
            return None
        if self._used:
            for handle in self._used:
                handle.remove()
            self._added.difference_update(self._used)
            self._used.clear()
        top_level = not self.stack
        with hidden():  # naming a module's parameters counts them: no mode of the user's sees it
            path = self._path_of(module)
        self.stack.append((module, path))
        self.modules.setdefault(path, uncompiled(module))  # its class: not `OptimizedModule`
        self.left_path = None
        if module._forward_hooks:  # leave after them: their ops are the module's
            self._leave_after_own_hooks(module)
        if top_level:
            keywords = call_keywords() or {}
            self.name_inputs(module, args, keywords)
            for key, value in keywords.items():  # `model(x, hidden=gen)`: what forward gets
                if yields_once(value):
                    keywords[key] = self._naming(value, key)
            if any(yields_once(arg) for arg in args):
                return self._named_as_yielded(module, args)
        return None

    def _leave(self, module: torch.nn.Module, args: Any, output: Any) -> None:
        if threading.get_ident() != self._thread:
            return
        if self.after_script is not None and isinstance(module, torch.jit.ScriptModule):
            self.after_script()
        if (id(module), len(self.stack)) not in self._deferred:
            self._pop(module, output)

    def _leave_after_own_hooks(self, module: torch.nn.Module) -> None:
        """Leave `module` from a hook run after its own forward hooks, in this call only."""
        call = (id(module), len(self.stack))
        self._deferred.add(call)

        def leave(module: torch.nn.Module, args: Any, output: Any) -> None:
            if threading.get_ident() != self._thread:
                return
            if call not in self._deferred or (id(module), len(self.stack)) != call:
                return  # a call of the same module inside this one ran it
            self._deferred.discard(call)
            self._pop(module, output)
            # removed at the next module call, not here: after an exception PyTorch walks
            # the live table of hooks this one is in
            self._used.append(handle)

        handle = module.register_forward_hook(leave, always_call=True)
        self._added.add(handle)

    def _pop(self, module: torch.nn.Module, output: Any) -> None:
        # Pop up to and including this module: a forward that raised may have left others.
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] is module:
                self.left_path = self.stack[i][1]
                del self.stack[i:]
                if not self.stack and self.after_outermost is not None:
                    self.after_outermost(output)
                return

    def name_inputs(
        self, module: torch.nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Name a call's tensor arguments after `forward`'s parameters (`x`, ...) and keywords;
        one that only `GENERIC_ARGUMENT` names is kept as given, without a name."""
        # None: given but unnamed, which the builder labels with capture's word for an input
        given = cast("dict[int, str | None]", self.names.inputs)
        for label, arg in [*_labelled(module, args), *kwargs.items()]:
            tensors = named_tensors_within(arg)
            for path, t in tensors:  # batch['x'], pair[0], batch.image
                name = label if len(tensors) == 1 else label + path
                given.setdefault(id(t), None if name == GENERIC_ARGUMENT else name)
        self._remember_memory((args, kwargs))

    def _remember_memory(self, given: Any) -> None:
        """Keep where the memory of the tensors and arrays in `given` starts (see `given`)."""
        try:
            with hidden():  # nngraph's own look: no mode of the user's sees it
                memory = memory_within(given)
        except Exception:  # an argument nngraph cannot look into: never break the forward
            memory = {}
        for key, held in memory.items():
            try:
                self._given_memory[key] = weakref.ref(held)
            except TypeError:  # an array type that takes no weak reference
                continue

    def _named_as_yielded(self, module: torch.nn.Module, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """`args` with each generator or iterator among them (`model(t for t in xs)`) passed on
        through one that names the tensors it yields as inputs (`xs[0]`, `xs[1]`, ...) when the
        model takes them: it can be read only once, so only the model reads it."""
        return tuple(
            self._naming(arg, label) if yields_once(arg) else arg
            for label, arg in _labelled(module, args)
        )

    def _naming(self, items: Iterator[Any], label: str) -> Iterator[Any]:
        """The items of `items`, one at a time, as the model asks for them; the tensors in
        item i get the input name `label[i]`."""
        return named_items(items, label, self.name_item)

    def name_item(self, item: Any, name: str) -> None:
        """Name the tensors in `item`, read from an iterator the model was given, `name`."""
        for path, t in named_tensors_within(item):
            self.names.inputs.setdefault(id(t), name + path)
        self._remember_memory(item)

    def given(self, t: torch.Tensor) -> bool:
        """Whether `t` is an input a top-level call was given, or shows its memory: `x.data`,
        a NumPy array given and turned into a tensor in `forward`, a tensor inside an object
        of the user's own class (`data.edge_index`)."""
        if id(t) in self.names.inputs:
            return True
        key = storage_key(unwrapped(t))
        held = self._given_memory.get(key) if key else None
        return held is not None and held() is not None

    def module_table(self, owners: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
        """Every module that ran, those of `owners` (modules whose parameters the graph holds:
        an embedding never called itself, whose weight a tied output layer uses), and their
        ancestors: path -> type and parameter count."""
        owners = {as_written(path) for path in owners}  # `enc._orig_mod` -> `enc`
        needed = with_ancestors([*self.modules, *(p for p in owners if p not in self.modules)])
        table: dict[str, dict[str, Any]] = {}
        for root in self._roots:
            entries = self.names.tables[id(root)]
            if id(root) in self._lazy_roots:  # `LazyLinear` with 0 parameters then: now a Linear
                entries = module_table(root, self.paths.get(id(root), ""))
            for path, entry in entries.items():
                if path in needed:
                    table.setdefault(path, entry)
        for path, m in self.modules.items():
            if path not in table:
                entry = module_table(m)[""]
                if self.paths.get(id(m), path) != path:  # a second place of a shared module:
                    used = entry["params"] + entry.get("shared", 0)  # counted at its first
                    entry = {**entry, "params": 0, **({"shared": used} if used else {})}
                table[path] = entry
        for path in self.unregistered:  # `model.parameters()` leaves out their parameters
            table[path] = {**table[path], "registered": False}
        for root in self._roots[1:]:  # another model run at top level (a GAN's generator)
            path = self.paths[id(root)]
            if path in table:
                table[path] = {**table[path], "top_level": True}
        if "" in table:  # other top-level models are named after their class, inside the root
            roots = [table.get(self.paths[id(root)]) for root in self._roots[1:]]
            others = [entry for entry in roots if entry is not None]
            if others:  # the root row stands for all of them: "Generator + Discriminator"
                kinds = " + ".join([table[""]["type"], *(entry["type"] for entry in others)])
                table[""] = {**table[""], "type": kinds}
                self._count_once(table)
        return table

    def _count_once(self, table: dict[str, dict[str, Any]]) -> None:
        """Recount `table` for several top-level models as if one held them all: a parameter
        two of them share (a layer of the given model that another model also holds) counts
        once, where it is met first, and the other places say it in `shared`. The given model
        inside an outer one (`record(wrapper.body)` around `wrapper(x)`, `net[0]` inside `net`)
        is not a second place: its rows count it, and the outer rows count what they add."""
        joint = torch.nn.Module()
        first = self._roots[0]
        joint._parameters = dict(first._parameters)
        joint._modules = dict(first._modules)
        for root in self._roots[1:]:
            joint._modules[self.paths[id(root)]] = root
        counts = module_table(joint, settings=False)
        self._leave_out_model(counts, {path: m for path, m, _ in modules_as_written(joint)})
        for path, entry in table.items():
            if entry.get("registered") is False:
                continue  # counted by its own table: no root registers it
            if path in counts:
                count = counts[path]
                entry = {k: v for k, v in entry.items() if k != "shared"}
                table[path] = {**entry, **count, "type": entry["type"]}
            else:  # a module two roots hold: `named_modules()` lists it once, under the first
                used = entry["params"] + entry.get("shared", 0)
                table[path] = {**entry, "params": 0, "shared": used}

    def _leave_out_model(
        self, counts: dict[str, dict[str, Any]], modules: dict[str, torch.nn.Module]
    ) -> None:
        """Take the given model's parameters out of the `shared` count of each outer module
        that holds the model whole: it holds them, it does not share them."""
        first = self._roots[0]
        size = sum(0 if is_lazy(p) else p.numel() for p in first.parameters())
        for path, count in counts.items():
            module = modules.get(path)
            if not count.get("shared") or module is None or module is first:
                continue
            if any(inner is first for inner in module.modules()):
                left = count["shared"] - size
                counts[path] = {k: v for k, v in count.items() if k != "shared"}
                if left > 0:  # a tie of its own to the model's weights (`head.weight = ...`)
                    counts[path]["shared"] = left
