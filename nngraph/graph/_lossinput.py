"""What a loss is given: the slips a loss hides, because it still returns a number.

- a softmax before `cross_entropy` (which takes raw scores and applies log-softmax itself), a
  sigmoid before `binary_cross_entropy_with_logits` (which applies the sigmoid itself), a
  softmax before `nll_loss` (which takes log-probabilities);
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
            for p in given:
                if _squashes_the_input(g, p, before, inside):
                    module = nodes[p].get("module") or ""
                    if (key, module) in said:  # the same slip at every step of a loop
                        break
                    said.add((key, module))
                    layer = (
                        message("graph.health.loss_input_module", name=layer_name(module, types))
                        if module
                        else message("graph.health.loss_input_code")
                    )
                    findings.append(finding("loss_input", key, "forward", p, module, layer=layer))
                    break
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


def _squashes_the_input(g: Graph, p: Any, before: str, inside: set[Any]) -> bool:
    """Whether op `p` is a `before` (softmax, sigmoid) whose result the loss takes as its input,
    the scores, not as its target: a distillation's soft target (`softmax(teacher / T)`) is
    right. `cross_entropy` reads its input through its own log-softmax; a target made without
    gradient (a teacher under `no_grad`) is no input."""
    data = g._node[p]
    if data.get("kind") != "op" or data.get("op") != before or not data.get("tracked"):
        return False
    readers = [s for s in g._succ[p] if s in inside]
    if g._node[next(iter(inside))].get("op") == "cross_entropy":
        return any(str(g._node[s].get("backward")).startswith("LogSoftmax") for s in readers)
    return bool(readers)


def _broadcast(a: list[int], b: list[int]) -> list[int] | None:
    """The shape two shapes broadcast to, None if they do not."""
    a, b = [1] * (len(b) - len(a)) + list(a), [1] * (len(a) - len(b)) + list(b)
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b, strict=True)):
        return None
    return [max(x, y) for x, y in zip(a, b, strict=True)]


def _text(shape: list[int]) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"
