"""How a health finding is written: a plain dict with one sentence a student can act on.

>>> from nngraph.i18n import set_language
>>> set_language("en")
>>> module_name("fc1", {"fc1": "Linear"})
'module fc1 (Linear)'
>>> describe({"kind": "op", "op": "relu", "module": "fc1"}, {"fc1": "Linear"})
'relu in module fc1 (Linear)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import as_written, count_text, owner_module
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "describe",
    "feeding_layers",
    "finding",
    "layer_name",
    "layers_text",
    "leaf_name",
    "module_name",
    "name_list",
    "names_text",
    "tensor_of",
    "weight_of",
]


def module_name(path: str, types: dict[str, str | None], case: str = "of") -> str:
    """`module fc1 (Linear)`, as it reads after "the weights of" (`case="of"`) or after "in"
    (`case="in"`): Polish needs a different form for each."""
    if path == "":
        return message(f"graph.health.top_level_{case}")
    kind = types.get(path)
    if kind:
        return message(f"graph.health.module_{case}", path=path, type=kind)
    return message(f"graph.health.module_{case}_untyped", path=path)


def weight_of(data: dict[str, Any], types: dict[str, str | None]) -> str:
    """Whose weights these are, as it reads after "the weights of": the module holding them,
    else the tensor's own name, else its kind and shape (a hand-made `torch.randn(...,
    requires_grad=True)` that no variable named).

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> weight_of({"kind": "param", "module": "fc1"}, {"fc1": "Linear"})
    'module fc1 (Linear)'
    >>> weight_of({"kind": "param", "module": "", "name": "weight"}, {"": "Linear"})
    'the model (Linear)'
    >>> weight_of({"kind": "input", "name": "w1", "shape": [20, 64]}, {})
    'tensor w1'
    >>> weight_of({"kind": "input", "name": None, "shape": [20, 64]}, {})
    'the unnamed leaf tensor of shape [20, 64]'
    """
    module = owner_module(data)
    if module:
        return module_name(module, types)
    if data.get("kind") == "param" and types.get("") and not any(types.keys() - {""}):
        return message("graph.health.model_of", type=types[""])  # one layer: nn.Linear(1, 1)
    return tensor_of(data)


def tensor_of(data: dict[str, Any]) -> str:
    """A learnable leaf as it reads after "the weights of": `parameter 0.weight` (of a model),
    `tensor w` (a lesson's own), else its kind and shape.

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> tensor_of({"kind": "param", "name": "weight", "shape": [2, 4]})
    'parameter weight'
    """
    kind = "param" if data.get("kind") == "param" else "leaf"
    name = data.get("name")
    if name:
        return message(f"graph.health.{kind}_of", name=as_written(str(name)))
    return message(f"graph.health.{kind}_of_unnamed", shape=list(data.get("shape") or []))


def leaf_name(data: dict[str, Any]) -> str:
    """A learnable leaf's name for a sentence: `fc1.weight`, `w2`, or, where none is known
    (`graph_of` of a hand-made tensor), its shape: never the generic label `input`.

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> leaf_name({"kind": "input", "name": None, "label": "input", "shape": [64, 5]})
    'the leaf tensor of shape [64, 5]'
    """
    name = data.get("name")
    if name:
        return as_written(str(name))
    return message("graph.health.leaf_unnamed", shape=list(data.get("shape") or []))


#: Fields that only fill in a message's words: a finding does not keep them as numbers.
_WORDS = (
    "what", "where_module", "whose", "from_module", "to_module", "effect", "hint", "cause", "times",
    "remedy", "in_module", "before", "target", "loss_name", "pixels", "layers_text",
)  # fmt: skip


def finding(
    kind: str, key: str, where: str, node: Any, module: str, **numbers: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "where": where,
        "node": node,
        "module": module,
        "message": message(f"graph.health.{key}", **numbers),
        **{k: v for k, v in numbers.items() if k not in _WORDS},
    }


def feeding_layers(g: Graph, n: Any, module: str) -> list[str]:
    """For a functional op in `module` (`F.relu`, `torch.log`: no module of its own): the
    submodules whose ops feed it, maybe through a few ops of `module` (`F.relu(self.fc2(x))`
    -> `fc2`; `F.relu(torch.cat([self.a(x), self.b(x)], 1))` -> `a`, `b`): those found
    nearest, in order."""
    inside = f"{module}." if module else ""
    frontier = list(g._pred[n])
    for _ in range(4):  # a few steps back at most (an add, a reshape)
        found: list[str] = []
        after = []
        for p in frontier:
            data = g._node[p]
            if data.get("kind") != "op":
                continue
            path = data.get("module") or ""
            if path.startswith(inside) and path != module:
                found += [] if path in found else [path]
            else:
                after += g._pred[p]
        if found:
            return found
        frontier = after
    return []


def layers_text(paths: list[str], types: dict[str, str | None]) -> str:
    """`fc2 (Linear)`, or `a (Linear) and b (Linear)`: the layers "the ReLU after ..." names.

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> layers_text(["a", "b", "c"], {"a": "Linear", "b": "Linear"})
    'a (Linear), b (Linear) and c'
    """
    return names_text([layer_name(path, types) for path in paths])


#: The longest list of names a finding shows whole, in characters: past that, only its first
#: few names, "…" and the last (a 2,000-layer chain's would take 10,000 characters).
NAMES_LIMIT = 500
#: a list of up to this many names is always shown whole: a few dozen scattered layers are
#: read one by one, and "…" between them would hide which
_ALWAYS_WHOLE = 24
_FIRST_SHOWN = 5


def names_text(names: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`; a long list shortened as `name_list` shortens it.

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> names_text(["a", "b", "c"]), names_text([f"layer_{i:03}" for i in range(90)])
    ('a, b and c', 'layer_000, layer_001, layer_002, layer_003, layer_004, …, layer_089 (90 in all)')
    """
    if _too_long(names):
        return name_list(names)
    if len(names) == 1:
        return names[0]
    return message("graph.health.and", first=", ".join(names[:-1]), last=names[-1])


def _too_long(names: list[str]) -> bool:
    """Whether `names` are more than `_ALWAYS_WHOLE` and take more than `NAMES_LIMIT`
    characters: a list too long to read (the 1,842 layers of a deep chain)."""
    return len(names) > _ALWAYS_WHOLE and sum(len(name) + 2 for name in names) > NAMES_LIMIT


def name_list(names: list[str], note: str | None = None) -> str:
    """`names` joined by commas, `note` (the layers' type) in parentheses after them; past
    `NAMES_LIMIT` characters only the first few names, "…", the last one and how many in all.

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> name_list(["0", "2"], "Linear")
    '0, 2 (Linear)'
    >>> name_list([str(i) for i in range(1842)], "Linear")
    '0, 1, 2, 3, 4, …, 1841 (Linear; 1,842 in all)'
    """
    if not _too_long(names):
        text = ", ".join(names)
        return f"{text} ({note})" if note else text
    key = "graph.health.names_cut_note" if note else "graph.health.names_cut"
    first, last = ", ".join(names[:_FIRST_SHOWN]), names[-1]
    return message(key, first=first, last=last, count=count_text(len(names)), note=note)


def layer_name(path: str, types: dict[str, str | None]) -> str:
    """`fc2 (Linear)`: a layer as "the ReLU after ..." names it."""
    kind = types.get(path)
    return f"{path} ({kind})" if kind else path


def describe(
    data: dict[str, Any],
    types: dict[str, str | None],
    read_by: str | None = None,
    after: str | None = None,
) -> str:
    """`linear in module fc1 (Linear)`, `input x`, `parameter fc1.weight`.

    An input without a name of its own is the model's input only where a module reads it
    (`read_by="model"`); one only the code around the model reads (`"outside"`, a loss
    target) or whose reader is unknown (None: `graph_of` knows no modules) is named by its
    shape. An op of the model's own `forward` (module `""`) is named by the layer `after`
    which it runs, where one is known (`log after l1 (Linear)`).

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> describe({"kind": "input", "name": None, "shape": [16, 3]}, {}, "outside")
    'a tensor of shape [16, 3] read outside the model (the loss target?)'
    >>> describe({"kind": "input", "name": "y", "shape": [16, 3]}, {}, "outside")
    'input y, read outside the model (the loss target?)'
    """
    kind = data.get("kind")
    if kind in ("input", "param", "buffer", "constant"):
        name = data.get("name") or data.get("label")
        shape = list(data.get("shape") or [])
        if kind == "input" and data.get("backward") == "AccumulateGrad" and not data.get("name"):
            return message("graph.health.what.leaf_unnamed", shape=shape)
        if kind == "input" and name in (None, "", kind) and read_by != "model":
            return message(f"graph.health.what.input_{read_by or 'shaped'}", shape=shape)
        if kind == "input" and read_by == "outside":  # named after the loss= function's variable
            return message("graph.health.what.input_named_outside", name=name)
        if name in (None, "", kind):  # `nn.Linear`'s argument is called `input`
            return message(f"graph.health.what.{kind}_unnamed")
        return message(f"graph.health.what.{kind}", name=name)
    if kind == "output":
        return message("graph.health.what.output")
    module = data.get("module") or ""
    op = data.get("op") or data.get("label")
    if module == "" and after:
        return message("graph.health.what.op_after", op=op, layer=after)
    if module == "":
        return message("graph.health.what.op", op=op)
    return message("graph.health.what.op_in", op=op, module=module_name(module, types, "in"))
