"""How a health finding is written: a plain dict with one sentence a student can act on.

>>> from nngraph.i18n import set_language
>>> set_language("en")
>>> module_name("fc1", {"fc1": "Linear"})
'module fc1 (Linear)'
>>> describe({"kind": "op", "op": "relu", "module": "fc1"}, {"fc1": "Linear"})
'relu in module fc1 (Linear)'
"""

from __future__ import annotations

from typing import Any

from nngraph.i18n import message

__all__ = ["describe", "finding", "module_name"]


def module_name(path: str, types: dict[str, str | None], case: str = "of") -> str:
    """`module fc1 (Linear)`, as it reads after "the weights of" (`case="of"`) or after "in"
    (`case="in"`): Polish needs a different form for each."""
    if path == "":
        return message(f"graph.health.top_level_{case}")
    kind = types.get(path)
    if kind:
        return message(f"graph.health.module_{case}", path=path, type=kind)
    return message(f"graph.health.module_{case}_untyped", path=path)


def finding(
    kind: str, key: str, where: str, node: Any, module: str, **numbers: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "where": where,
        "node": node,
        "module": module,
        "message": message(f"graph.health.{key}", **numbers),
        **{k: v for k, v in numbers.items() if k not in ("what", "where_module")},
    }


def describe(data: dict[str, Any], types: dict[str, str | None]) -> str:
    """`linear in module fc1 (Linear)`, `input x`, `parameter fc1.weight`."""
    kind = data.get("kind")
    if kind in ("input", "param", "buffer", "constant"):
        name = data.get("name") or data.get("label")
        if name in (None, "", kind):  # `nn.Linear`'s argument is called `input`
            return message(f"graph.health.what.{kind}_unnamed")
        return message(f"graph.health.what.{kind}", name=name)
    if kind == "output":
        return message("graph.health.what.output")
    module = data.get("module") or ""
    op = data.get("op") or data.get("label")
    if module == "":
        return message("graph.health.what.op", op=op)
    return message("graph.health.what.op_in", op=op, module=module_name(module, types, "in"))
