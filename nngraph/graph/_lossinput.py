"""What a loss is given: the slips a loss hides, because it still returns a number.

- a softmax before `cross_entropy` (which takes raw scores and applies log-softmax itself), a
  sigmoid before `binary_cross_entropy_with_logits` (which applies the sigmoid itself), a
  softmax before `nll_loss` (which takes log-probabilities), also where views and reshapes
  come between (`out.squeeze(1)` of a one-unit binary classifier);
- a regression loss (`mse_loss`, `l1_loss`, ...) given an output and a target of different
  shapes, `[N, 1]` against `[N]`: broadcasting compares every output with every target.

Only a recording knows which op made what (`graph_of` has no forward op names).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Softmax(dim=1))
    >>> y = torch.tensor([0, 2])
    >>> g = ng.trace(model, torch.randn(2, 2), loss=lambda out: torch.nn.CrossEntropyLoss()(out, y))
    >>> [(f["kind"], f["module"]) for f in loss_inputs(g, list(g))]
    [('loss_input', '1')]
"""

from __future__ import annotations

import ast
import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding, layer_name
from nngraph.graph._nodes import module_types
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["loss_inputs"]

#: loss op -> (the op that should not come before it, the finding's message key)
_SQUASHED = {
    "cross_entropy": ("softmax", "loss_input_softmax"),
    "binary_cross_entropy_with_logits": ("sigmoid", "loss_input_sigmoid"),
    "nll_loss": ("softmax", "loss_input_nll"),
}
#: losses that compare an output with a target of the same shape, element by element
_ELEMENTWISE = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss")


def loss_inputs(g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """One finding for each loss call given a squashed score or a target of another shape."""
    nodes, types = g._node, module_types(g)
    findings, seen, said = [], set(), set()
    for n in order:
        data = nodes[n]
        op = data.get("op")
        if data.get("kind") != "op" or (op not in _SQUASHED and op not in _ELEMENTWISE):
            continue
        call = (op, data.get("call"))
        if call in seen:
            continue  # one loss call records several ops, all named after it
        seen.add(call)
        inside, given = _call_of(g, n)
        if op in _SQUASHED:
            before, key = _SQUASHED[op]
            squashes = _squashed_input(g, _scores(g, given, inside), before)
            if not squashes:
                continue
            modules = {nodes[s].get("module") or "" for s in squashes}
            module = modules.pop() if len(modules) == 1 else ""
            if (key, module) in said:  # the same slip at every step of a loop
                continue
            said.add((key, module))
            layer = (
                message("graph.health.loss_input_module", name=layer_name(module, types))
                if module
                else message("graph.health.loss_input_code")
            )
            # several squashes: one may be the target's (right), so none is pointed at
            where = squashes[0] if len(squashes) == 1 else n
            found = finding("loss_input", key, "forward", where, module, layer=layer)
            if len(squashes) > 1:
                found["message"] += " " + message("graph.health.loss_input_which", squash=before)
            findings.append(found)
            continue
        sides, known = _output_first(g, [p for p in given if nodes[p].get("shape") is not None])
        shapes = [nodes[p]["shape"] for p in sides]
        if len(shapes) == 2 and shapes[0] != shapes[1] and shapes[0] and shapes[1]:
            table = _broadcast(shapes[0], shapes[1])
            slip = (op, str(shapes))
            if table is not None and table not in shapes and slip not in said:  # every pair
                said.add(slip)
                findings.append(
                    finding(
                        "loss_input",
                        "loss_input_shapes",
                        "forward",
                        n,
                        data.get("module") or "",
                        loss=op,
                        what=message(f"graph.health.loss_input_{'output' if known else 'tensor'}"),
                        a=_text(shapes[0]),
                        b=_text(shapes[1]),
                        table=_text(table),
                        fix=_fix(shapes, known=known),
                    )
                )
    return findings


def _fix(shapes: list[list[int]], *, known: bool) -> str:
    """The reshape that gives both sides one shape: the output (the first, when `known`) or the
    target has the extra trailing dimension of size 1 (`[N, 1]` against `[N]`).

        >>> _fix([[16, 1], [16]], known=True), _fix([[16], [16, 1]], known=True)
        ('output.squeeze(1), or target.view(-1, 1)', 'target.squeeze(1), or output.view(-1, 1)')
    """
    first, second = shapes
    if known and first == [*second, 1]:
        return message("graph.health.loss_input_fix_output")
    if known and second == [*first, 1]:
        return message("graph.health.loss_input_fix_target")
    return message("graph.health.loss_input_fix_any")


def _call_of(g: Graph, n: Any) -> tuple[set[Any], list[Any]]:
    """The ops one loss call recorded (all carry its op name and call number), and what it
    reads from outside them, the ops made by the model first."""
    nodes = g._node
    group = (nodes[n].get("op"), nodes[n].get("call"))
    inside, stack = {n}, [n]
    while stack:
        m = stack.pop()
        for other in [*g._pred[m], *g._succ[m]]:
            if other not in inside and (nodes[other].get("op"), nodes[other].get("call")) == group:
                inside.add(other)
                stack.append(other)
    given = {p for m in inside for p in g._pred[m] if p not in inside}
    return inside, sorted(given, key=lambda p: (nodes[p].get("kind") != "op", str(p)))


def _output_first(g: Graph, sides: list[Any]) -> tuple[list[Any], bool]:
    """The two tensors a regression loss compares, the model's output first, and whether that
    is known. The output is the one of them that carries gradients: the graph does not keep
    the order of the call's arguments (`MSELoss()(target, output)` swaps them), so the message
    says which shape is the output instead. With both or neither carrying gradients the order
    stays as found, and the first is just "a tensor"."""
    tracked = [p for p in sides if g._node[p].get("requires_grad")]
    if len(sides) == 2 and len(tracked) == 1:
        other = [p for p in sides if p != tracked[0]]
        return [tracked[0], *other], True
    return sides, False


#: Ops whose result holds the values they read, only in another shape or order.
_RESHAPES = frozenset(
    {"view", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "contiguous", "clone"}
)
_PERMUTES = frozenset({"transpose", "swapaxes", "swapdims", "permute", "t", "T", "mT"})
#: Ops that keep some of the values they read: a sigmoid's stay squashed, a softmax's need not
#: stay distributions (`out[:, 0]` of a binary classifier).
_SELECTS = frozenset({"getitem", "select", "narrow"})


def _scores(g: Graph, given: list[Any], inside: set[Any]) -> list[Any]:
    """What, of the tensors a loss call reads (`given`), may be its input, the scores, and not
    its target: a distillation's soft target (`softmax(teacher / T)`) is right.
    `cross_entropy` reads its input through its own log-softmax and a soft target through a
    product, so its input is the one its LogSoftmax op reads. The other losses record one op:
    their input is among what carries gradients; a target made without (labels, a teacher
    under `no_grad` or detached) is no input, nor are `weight` and `pos_weight`, which take none.
    """
    nodes = g._node
    if nodes[next(iter(inside))].get("op") == "cross_entropy":
        return [
            p
            for p in given
            if any(
                s in inside and str(nodes[s].get("backward")).startswith("LogSoftmax")
                for s in g._succ[p]
            )
        ]
    return [p for p in given if nodes[p].get("requires_grad")]


def _squashed_input(g: Graph, scores: list[Any], before: str) -> list[Any]:
    """The `before` ops (softmax, sigmoid) one of which made the loss's input, each once;
    empty if the input is not known to be squashed.

    The graph keeps no order of a call's arguments (a loss op's edges do not say which one is
    `input` and which `target`): where the target carries gradients too (a teacher not
    detached, `bce_with_logits(student, sigmoid(teacher))`), the input is known to be squashed
    only when every one of `scores` is, and which of the squashes is the input's is not known
    when there are several."""
    squashes = [_squashing_op(g, p, before) for p in scores]
    if not squashes or any(s is None for s in squashes):
        return []
    return list(dict.fromkeys(squashes))


def _squashing_op(g: Graph, p: Any, before: str) -> Any | None:
    """The `before` op (softmax, sigmoid) whose result the loss reads as `p`, as op `p` itself
    or through the ops that only move values between them (`out.squeeze(1)`,
    `out.view(-1, C)`).

    A sigmoid squashes each value alone, so any such op may come between. A softmax counts
    through them only where its `dim` ends up as the loss's class dim (dim 1, or 0 for one
    example's scores): the loss then reads each distribution the softmax made as one example's
    scores. Where a reshape spreads the distributions over other dims, the loss does not read
    them as scores and nothing is said; read directly, a softmax over any dim is the slip."""
    nodes = g._node
    shape = nodes[p].get("shape")
    axis = None if shape is None else 1 if len(shape) >= 2 else 0  # the class dim, traced back
    moves = _RESHAPES | _PERMUTES | (_SELECTS if before != "softmax" else frozenset())
    node, moved = p, False
    while nodes[node].get("kind") == "op" and nodes[node].get("tracked"):
        data = nodes[node]
        if data.get("op") == before:
            aligned = axis is not None and _softmax_dim(data) == axis
            return node if before != "softmax" or not moved or aligned else None
        sources = list(g._pred[node])
        if len(sources) != 1 or data.get("op") not in moves:
            return None
        if before == "softmax" and axis is not None:
            axis = _axis_before(data, nodes[sources[0]].get("shape"), axis)
        node, moved = sources[0], True
    return None


def _axis_before(data: dict[str, Any], shape: list[int] | None, axis: int) -> int | None:
    """The dim of the tensor a reshape or a transpose (node `data`) reads, of `shape`, whose
    values its result's dim `axis` runs along; None if no one dim does.

    A reshape keeps the values in row-major order: along a dim of size `k` with `inner` values
    in the dims after it, the values lie `inner` apart, so the input's dim of the same size and
    the same `inner` holds the same groups of values (and no other dim does, unless `k` is 1).

        >>> _axis_before({"op": "view", "shape": [48, 5]}, [4, 12, 5], 1)
        2
        >>> _axis_before({"op": "flatten", "shape": [60]}, [12, 5], 0) is None
        True
        >>> _axis_before({"op": "transpose", "args": "1, 2", "shape": [4, 5, 12]}, [4, 12, 5], 1)
        2
    """
    out = data.get("shape")
    if shape is None or out is None or axis >= len(out):
        return None
    if data.get("op") in _RESHAPES:
        size, inner = out[axis], math.prod(out[axis + 1 :])
        found = [
            d for d in range(len(shape)) if (shape[d], math.prod(shape[d + 1 :])) == (size, inner)
        ]
        return found[0] if len(found) == 1 else None
    order = _permutation(str(data.get("op")), _numbers(data.get("args")), len(out))
    return order[axis] if order is not None and sorted(order) == list(range(len(out))) else None


def _permutation(op: str, numbers: list[int] | None, ndim: int) -> list[int] | None:
    """For each dim of a transpose's result, the dim of its input it is, None if not known.

    >>> _permutation("permute", [0, 2, 1], 3), _permutation("transpose", [0, -1], 3)
    ([0, 2, 1], [2, 1, 0])
    """
    order = list(range(ndim))
    if op == "T":
        return order[::-1]
    if op in ("mT", "t") and ndim >= 2:
        pair = [ndim - 2, ndim - 1]
    elif op in ("transpose", "swapaxes", "swapdims") and numbers is not None and len(numbers) == 2:
        pair = numbers
    elif op == "permute" and numbers is not None and len(numbers) == ndim:
        return [d % ndim for d in numbers]
    else:
        return order if op == "t" else None  # `t()` of a 1-d tensor leaves it
    a, b = (d % ndim for d in pair)
    order[a], order[b] = order[b], order[a]
    return order


def _softmax_dim(data: dict[str, Any]) -> int | None:
    """The dim a softmax op normalised over, counted from the front; without a `dim` (a legacy
    `nn.Softmax()`), the one PyTorch picks: 0 for a tensor of 0, 1 or 3 dims, else 1.

    >>> _softmax_dim({"args": "dim=-1, _stacklevel=5", "shape": [4, 3, 5]})
    2
    >>> _softmax_dim({"args": "_stacklevel=5", "shape": [8, 3]})
    1
    """
    ndim = len(data.get("shape") or [])
    numbers = _numbers(data.get("args"))
    if numbers is None:
        return None
    if not numbers:
        return 0 if ndim in (0, 1, 3) else 1
    return numbers[0] % max(ndim, 1)


def _numbers(args: str | None) -> list[int] | None:
    """The dims a call was given, as its recorded scalar arguments hold them (`"1, 2"`,
    `"(0, 2, 1)"`, `"dim=-1, _stacklevel=5"`); None where they are no dims.

    >>> _numbers("(0, 2, 1)"), _numbers("dim=-1, _stacklevel=5"), _numbers(None)
    ([0, 2, 1], [-1], [])
    """
    try:
        call = ast.parse(f"f({args or ''})", mode="eval").body
        if not isinstance(call, ast.Call):
            return None
        values = [ast.literal_eval(a) for a in call.args]
        values += [ast.literal_eval(k.value) for k in call.keywords if k.arg in _DIM_WORDS]
    except (SyntaxError, ValueError):
        return None
    flat = [v for value in values for v in (value if isinstance(value, tuple) else (value,))]
    return flat if all(type(v) is int for v in flat) else None


#: The keywords that name dims: softmax's `dim`, transpose's `dim0` and `dim1`, permute's `dims`
_DIM_WORDS = ("dim", "dim0", "dim1", "dims")


def _broadcast(a: list[int], b: list[int]) -> list[int] | None:
    """The shape two shapes broadcast to, None if they do not."""
    a, b = [1] * (len(b) - len(a)) + list(a), [1] * (len(a) - len(b)) + list(b)
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b, strict=True)):
        return None
    return [max(x, y) for x, y in zip(a, b, strict=True)]


def _text(shape: list[int]) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"
