"""The Grad norm column of `g.summary()`: per module, the norm of its parameters' gradients,
and of the shared ones it uses (tied weights) that another module counts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._nodes import ancestors_of, folded_from, owner_module
from nngraph.i18n import message, number

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["grad_cell", "grad_squares", "norm_text", "origin", "shared_grad_squares"]


def origin(g: Graph) -> tuple[Graph, dict[Any, Any] | None]:
    """The graph `g` was folded from (through every `collapse`) and where each of its nodes
    went in `g`; `(g, None)` for a graph that folds nothing or does not know what it folded."""
    folded = folded_from(g)
    if folded is None:
        return g, None
    source, where = origin(folded[0])
    if where is None:
        return folded
    return source, {n: folded[1].get(box) for n, box in where.items()}


def _row_of(g: Graph, where: dict[Any, Any] | None, n: Any, path: str) -> str:
    """The row of node `n` of the folded graph, in module `path`: the box holding it (a
    repeated block's row is its run's first box), else its own module."""
    box = g._node.get(where.get(n), {}) if where is not None else {}
    return (box.get("module") or path) if box.get("kind") == "module" else path


def grad_squares(g: Graph) -> dict[str, float]:
    """Module path -> sum of the squared gradient norms of its parameters, those hidden in
    boxes included. A box without the graph it folded (a copy, JSON) does not know them (its
    `grad` is that of its output): then it and the modules above it have no entry."""
    source, where = origin(g)
    squares: dict[str, float] = {}
    for n, data in source.nodes(data=True):
        grad = data.get("grad")
        if data.get("kind") != "param" or not grad:
            continue
        for above in ancestors_of(_row_of(g, where, n, owner_module(data))):
            squares[above] = squares.get(above, 0.0) + grad["norm"] * grad["norm"]  # inf, no error
    for above in _hidden(source):
        squares.pop(above, None)
    return squares


def shared_grad_squares(g: Graph) -> dict[str, float]:
    """Module path -> sum of the squared gradient norms of the parameters that its ops read
    and that another module counts (tied weights: `out.weight = emb.weight`), for the modules
    whose table entry says they use shared parameters, as `grad_squares` counts each
    parameter once, in the module that holds it."""
    source, where = origin(g)
    table = source.graph.get("modules") or {}
    if not any(entry.get("shared") for entry in table.values()):
        return {}
    used: dict[str, set[Any]] = {}
    for n, data in source.nodes(data=True):
        if data.get("kind") != "param" or not data.get("grad"):
            continue
        holder = _row_of(g, where, n, owner_module(data))
        for reader in source._succ[n]:
            module = _row_of(g, where, reader, owner_module(source._node[reader]))
            for above in ancestors_of(module):
                if above == holder or holder.startswith(above + ".") or above == "":
                    break  # from here up, the module holding it counts it
                used.setdefault(above, set()).add(n)
    hidden = _hidden(source)
    return {
        path: sum(source._node[n]["grad"]["norm"] * source._node[n]["grad"]["norm"] for n in nodes)
        for path, nodes in used.items()
        if path not in hidden and (table.get(path) or {}).get("shared")
    }


def _hidden(g: Graph) -> set[str]:
    """Modules with a box holding parameters, and every module above them."""
    return {
        above
        for _, data in g.nodes(data=True)
        if data.get("kind") == "module" and data.get("params")
        for above in ancestors_of(data.get("module") or "")
    }


def norm_text(x: float | None) -> str:
    """A norm as the table shows it: 3 significant digits, `-` for none."""
    if x is None:
        return "-"
    return number(x, ".3g") if math.isfinite(x) else str(x)


def grad_cell(own: float | None, shared: float | None) -> str:
    """The Grad norm cell from the summed squares of a module's own parameters' gradients
    and of the shared ones it uses: `-` where none got one, the shared ones marked as such.

        >>> from nngraph.i18n import set_language; set_language("en")
        >>> grad_cell(None, None), grad_cell(4.0, None), grad_cell(None, 4.0), grad_cell(1.0, 4.0)
        ('-', '2', '2 (shared)', '1 (+2 shared)')
    """
    if shared is None:
        return norm_text(None if own is None else math.sqrt(own))
    shared_text = norm_text(math.sqrt(shared))
    if own is None:
        return message("graph.summary.grad_only_shared", shared=shared_text)
    return message("graph.summary.grad_shared", own=norm_text(math.sqrt(own)), shared=shared_text)
