"""What a regression loss compares: an output and a target of different shapes, `[N, 1]`
against `[N]`, which broadcasting turns into an `[N, N]` table of every pair. In a loss call
(`F.mse_loss`, `nn.L1Loss`, ...) or written by hand, as lectures teach MSE:
`((out - y) ** 2).mean()`.

    >>> import torch, nngraph as ng
    >>> y = torch.randn(8)
    >>> g = ng.trace(torch.nn.Linear(2, 1), torch.randn(8, 2), loss=lambda o: ((o - y) ** 2).mean())
    >>> [(f["kind"], f["table"]) for f in hand_written_differences(g, list(g), set())]
    [('loss_input', '[8, 8]')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nngraph.graph._finding import finding
from nngraph.graph._nodes import numel
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["elementwise_shapes", "hand_written_differences"]

#: ops that subtract: `out - y`, `y - out`, `torch.sub(out, y)`
_DIFFERENCES = frozenset({"sub", "rsub", "subtract"})
#: ops that keep each value of a difference apart (a square, an absolute value, a scale), so
#: a table of every pair stays one
_PER_VALUE = frozenset(
    {"abs", "pow", "square", "mul", "multiply", "div", "true_divide", "neg", "sqrt", "add",
     "clamp", "clamp_min", "clip", "float", "double", "to", "contiguous"}
)  # fmt: skip
#: ops that sum or average values; a chain of them reaches one number: the loss
_REDUCTIONS = frozenset({"mean", "sum", "nanmean", "nansum", "norm", "linalg_vector_norm"})
#: ops that add a dim of size 1 to a tensor: `a[:, None] - b` asks for the table of every pair
_WIDENS = frozenset({"unsqueeze", "getitem", "view", "reshape", "unflatten", "expand"})
#: how many ops a hand-written loss may apply to the difference before it is one number
_STEPS = 8


def elementwise_shapes(g: Graph, n: Any, given: list[Any], said: set[Any]) -> dict[str, Any] | None:
    """The finding for element-wise loss call `n` (`mse_loss`, ...), reading `given`, when it
    compares two tensors that broadcast into a table of every pair; None if it does not, or
    `said` holds that slip already (every step of a loop makes it)."""
    nodes = g._node
    sides, known = _output_first(g, [p for p in given if nodes[p].get("shape") is not None])
    shapes = [nodes[p]["shape"] for p in sides]
    if len(shapes) != 2 or shapes[0] == shapes[1] or not shapes[0] or not shapes[1]:
        return None
    table = _broadcast(shapes[0], shapes[1])
    op = nodes[n].get("op")
    slip = (op, str(shapes))
    if table is None or table in shapes or slip in said:  # not every pair, or said
        return None
    said.add(slip)
    return finding(
        "loss_input",
        "loss_input_shapes",
        "forward",
        n,
        nodes[n].get("module") or "",
        loss=op,
        **_words(shapes, table, known=known),
    )


def hand_written_differences(g: Graph, order: list[Any], said: set[Any]) -> list[dict[str, Any]]:
    """One finding for each hand-written loss that subtracts an output `[N, 1]` and a target
    `[N]` (or `[N]` and `[N, 1]`; a mask `[N, 1, H, W]` and `[N, H, W]`: one side has an extra
    dim of size 1) and makes one number of the `[N, N]` table this gives
    (`((out - y) ** 2).mean()`), as `mse_loss` given them is told.

    Broadcasting on purpose is left alone: a `[N, C]` minus a `[C]`, a `[N, 1]` minus a `[1]`,
    and the table of every pair asked for (`a[:, None] - b`, whose `[N, 1]` side was widened
    right before; `a[:, None] - a[None, :]`). So are a difference of two tensors that both
    carry gradients (which is the model's output is not known, as in a contrastive loss), and
    one whose table goes on otherwise than value by value into a sum or a mean (a kernel's
    `exp`, a `logsumexp`)."""
    nodes = g._node
    findings = []
    for n in order:
        data = nodes[n]
        if data.get("kind") != "op" or data.get("op") not in _DIFFERENCES:
            continue
        sides, known = _output_first(g, list(g._pred[n]))
        shapes = [nodes[p].get("shape") for p in sides]
        if not known or len(sides) != 2 or shapes[0] is None or shapes[1] is None:
            continue
        short, long = sorted(shapes, key=len)
        table = _broadcast(short, long)
        widened = sides[shapes.index(long)]
        if not short or _extra_one(short, long) is None or table is None or table in shapes:
            continue
        if _widened_on_purpose(g, widened, short) or not _summed_up(g, n):
            continue
        slip = ("difference", str(shapes))
        if slip in said:
            continue
        said.add(slip)
        words = _words(shapes, table, known=True)
        module = data.get("module") or ""
        findings.append(
            finding("loss_input", "loss_input_difference", "forward", n, module, **words)
        )
    return findings


def _widened_on_purpose(g: Graph, n: Any, short: list[int]) -> bool:
    """Whether op `n` made its `[..., 1]` result from a tensor of shape `short` by adding the
    last dim (`a[:, None]`, `a.unsqueeze(1)`): the table of every pair is what was asked."""
    data = g._node[n]
    if data.get("kind") != "op" or data.get("op") not in _WIDENS:
        return False
    return any(g._node[p].get("shape") == short for p in g._pred[n])


def _summed_up(g: Graph, n: Any) -> bool:
    """Whether the table op `n` makes becomes one number through ops that keep its values
    apart (a square, an absolute value, a scale) and sums or means: a loss made of it. The
    other tensors such an op reads are the same difference again (`d * d`), or smaller ones
    spread over the table (a number, a weight for each example), not another table."""
    nodes = g._node
    frontier = [n]
    for _ in range(_STEPS):
        after = []
        for m in frontier:
            for s in g._succ[m]:
                data = nodes[s]
                op = data.get("op")
                if data.get("kind") != "op" or (op not in _PER_VALUE and op not in _REDUCTIONS):
                    continue
                shape = nodes[m].get("shape") or []
                if not all(_spread_over(g, p, shape) for p in g._pred[s] if p != m):
                    continue
                if data.get("shape") == []:
                    return True
                after.append(s)
        frontier = after
    return False


def _spread_over(g: Graph, p: Any, table: list[int]) -> bool:
    """Whether tensor `p`, read beside a table of shape `table`, is the same difference again,
    or smaller and broadcast over it."""
    data = g._node[p]
    if data.get("op") in _DIFFERENCES:
        return True
    shape = data.get("shape")
    return shape is not None and numel(shape) < numel(table) and _broadcast(shape, table) == table


def _words(shapes: list[list[int]], table: list[int], *, known: bool) -> dict[str, str]:
    """The words a finding about two shapes that broadcast into `table` fills in."""
    return {
        "what": message(f"graph.health.loss_input_{'output' if known else 'tensor'}"),
        "a": _text(shapes[0]),
        "b": _text(shapes[1]),
        "table": _text(table),
        "fix": _fix(shapes, known=known),
    }


def _fix(shapes: list[list[int]], *, known: bool) -> str:
    """The reshape that gives both sides one shape: the output (the first, when `known`) or the
    target has the extra dimension of size 1 (`[N, 1]` against `[N]`, `[N, 1, H, W]` against
    `[N, H, W]`).

        >>> _fix([[16, 1], [16]], known=True), _fix([[16], [16, 1]], known=True)
        ('output.squeeze(1), or target.view(-1, 1)', 'target.squeeze(1), or output.view(-1, 1)')
        >>> _fix([[4, 1, 8, 8], [4, 8, 8]], known=True)
        'output.squeeze(1), or target.unsqueeze(1)'
    """
    first, second = shapes
    if not known:
        return message("graph.health.loss_input_fix_any")
    for extra, other, which in [(first, second, "output"), (second, first, "target")]:
        dim = _extra_one(other, extra)
        if dim is None:
            continue
        if len(extra) == 2:  # [N, 1] against [N]: the reshape lectures show
            return message(f"graph.health.loss_input_fix_{which}")
        return message(f"graph.health.loss_input_fix_{which}_at", dim=dim)
    return message("graph.health.loss_input_fix_any")


def _extra_one(short: list[int], long: list[int]) -> int | None:
    """Where `long` has a dim of size 1 that `short` lacks, all else equal; None if it is not so.

    >>> _extra_one([16], [16, 1]), _extra_one([4, 8, 8], [4, 1, 8, 8]), _extra_one([3], [3, 2])
    (1, 1, None)
    """
    if len(long) != len(short) + 1:
        return None
    return next(
        (k for k in range(len(long)) if long[k] == 1 and long[:k] + long[k + 1 :] == short), None
    )


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


def _broadcast(a: list[int], b: list[int]) -> list[int] | None:
    """The shape two shapes broadcast to, None if they do not.

    >>> _broadcast([8, 1], [8]), _broadcast([8, 2], [3])
    ([8, 8], None)
    """
    a, b = [1] * (len(b) - len(a)) + list(a), [1] * (len(a) - len(b)) + list(b)
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b, strict=True)):
        return None
    return [max(x, y) for x, y in zip(a, b, strict=True)]


def _text(shape: list[int]) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"
