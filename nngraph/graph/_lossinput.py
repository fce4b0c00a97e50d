"""What a loss is given: the slips a loss hides, because it still returns a number.

- a softmax before `cross_entropy` (which takes raw scores and applies log-softmax itself), or
  a sigmoid or tanh (scores held in 0..1 or -1..1: its softmax stays near uniform), a
  sigmoid before `binary_cross_entropy_with_logits` (which applies the sigmoid itself), a ReLU
  before either (no score can go below 0), a
  softmax before `nll_loss` or before `kl_div`'s input (both take log-probabilities; a
  distillation's softmax target is right), also where views and reshapes come between
  (`out.squeeze(1)` of a one-unit binary classifier);
- raw scores given to `nll_loss` or `kl_div` (no log_softmax before them): values that cannot be
  log-probabilities, above 0 or averaging more than `-log C` over `C` classes;
- a regression loss (`mse_loss`, `l1_loss`, ...) given an output and a target of different
  shapes, `[N, 1]` against `[N]`: broadcasting compares every output with every target; also
  written by hand, `((out - y) ** 2).mean()` (see `_lossinput_shapes`).

Only a recording knows which op made what (`graph_of` has no forward op names).

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Softmax(dim=1))
    >>> y = torch.tensor([0, 2])
    >>> g = ng.trace(model, torch.randn(2, 2), loss=lambda out: torch.nn.CrossEntropyLoss()(out, y))
    >>> [(f["kind"], f["module"]) for f in loss_inputs(g, list(g))]
    [('loss_input', '1')]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nngraph.graph._batch_softmax import BATCH_LOSSES, batch_fix, batch_softmax, hand_written
from nngraph.graph._dims import PERMUTES, RESHAPES, axis_before, softmax_dim
from nngraph.graph._finding import finding, layer_name
from nngraph.graph._lossinput_shapes import elementwise_shapes, hand_written_differences
from nngraph.graph._nodes import module_types
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["loss_inputs"]

#: loss op -> the ops that should not come before it, each with the finding's message key
_SQUASHED = {
    "cross_entropy": (
        ("softmax", "loss_input_softmax"),
        ("relu", "loss_input_relu"),
        ("sigmoid", "loss_input_sigmoid_ce"),  # a binary habit on a multi-class loss
        ("tanh", "loss_input_tanh_ce"),
    ),
    "binary_cross_entropy_with_logits": (
        ("sigmoid", "loss_input_sigmoid"),
        ("relu", "loss_input_relu_bce"),
    ),
    "nll_loss": (("softmax", "loss_input_nll"),),
    "kl_div": (("softmax", "loss_input_kl"),),  # its input is log-probabilities, its target not
}
#: losses whose input is log-probabilities -> the finding's message key for raw scores
_LOG_INPUT = {"nll_loss": "loss_input_nll_scores", "kl_div": "loss_input_kl_scores"}
#: losses that compare an output with a target of the same shape, element by element
_ELEMENTWISE = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss")


def loss_inputs(g: Graph, order: list[Any]) -> list[dict[str, Any]]:
    """One finding for each loss call given a squashed score, raw scores where it takes
    log-probabilities, or a target of another shape; and for each hand-written loss that
    compares an output and a target of other shapes."""
    nodes, types = g._node, module_types(g)
    findings: list[dict[str, Any]] = []
    seen: set[Any] = set()
    said: set[Any] = set()  # the slips told already: once for every step of a loop
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
        if op in _ELEMENTWISE:
            found = elementwise_shapes(g, n, given, said)
        else:
            scores = _scores(g, given, inside)
            log_target = "log_target=True" in str(data.get("args") or "")
            if op == "kl_div" and not log_target and _reverse_kl(g, given, scores):
                continue
            over_batch = batch_softmax(g, scores) if op in BATCH_LOSSES else None
            if over_batch is not None:  # told as the one slip: the generic advice keeps its dim
                found = _batch_finding(g, over_batch, op, said, types)
                findings += [found] if found else []
                continue
            found = _squashed_finding(g, n, scores, said, types)
            if found is None and op in _LOG_INPUT and not _squashed_input(g, scores, "softmax"):
                if op == "kl_div":  # a teacher not under no_grad: its softmax is the target
                    unsquashed = [p for p in scores if _squashing_op(g, p, "softmax") is None]
                    scores = unsquashed if len(unsquashed) == 1 else scores
                found = _raw_scores_finding(g, _LOG_INPUT[op], scores, said, types)
        findings += [found] if found else []
    findings += [
        found
        for softmax in hand_written(g, order)
        if (found := _batch_finding(g, softmax, None, said, types))
    ]
    return findings + hand_written_differences(g, order, said)


def _batch_finding(
    g: Graph, softmax: Any, loss: str | None, said: set[Any], types: dict[str, str | None]
) -> dict[str, Any] | None:
    """The finding for a `softmax` op over dim 0, the batch, of the scores `[N, C]` that
    `loss` (`cross_entropy`, `nll_loss`, None: a hand-written one) reads; None if `said` has
    it (every step of a loop makes it)."""
    data = g._node[softmax]
    module = data.get("module") or ""
    if ("loss_input_batch", module) in said:
        return None
    said.add(("loss_input_batch", module))
    rows, classes = data["shape"]
    return finding(
        "loss_input",
        "loss_input_batch",
        "forward",
        softmax,
        module,
        layer=_layer(module, types),
        op=data.get("op"),
        loss=loss,
        loss_name=loss or message("graph.health.loss_input_batch_yours"),
        shape=list(data["shape"]),
        rows=rows,
        classes=classes,
        fix=batch_fix(data, loss, types.get(module)),
    )


def _squashed_finding(
    g: Graph, n: Any, scores: list[Any], said: set[Any], types: dict[str, str | None]
) -> dict[str, Any] | None:
    """The finding for loss call `n` (one of `_SQUASHED`) when the `scores` it reads were
    squashed by the op it does not want before it; None if not, or `said` has it."""
    nodes = g._node
    told = [(b, k, s) for b, k in _SQUASHED[nodes[n]["op"]] if (s := _squashed_input(g, scores, b))]
    if not told:
        return None
    before, key, squashes = told[0]
    modules = {nodes[s].get("module") or "" for s in squashes}
    module = modules.pop() if len(modules) == 1 else ""
    if (key, module) in said:  # the same slip at every step of a loop
        return None
    said.add((key, module))
    # several squashes: one may be the target's (right), so none is pointed at
    where = squashes[0] if len(squashes) == 1 else n
    found = finding("loss_input", key, "forward", where, module, layer=_layer(module, types))
    if len(squashes) > 1:
        found["message"] += " " + message("graph.health.loss_input_which", squash=before)
    return found


def _layer(module: str, types: dict[str, str | None]) -> str:
    """Who made a loss's input: `Module 1 (Softmax)`, or `Your code`."""
    if module:
        return message("graph.health.loss_input_module", name=layer_name(module, types))
    return message("graph.health.loss_input_code")


def _raw_scores_finding(
    g: Graph, key: str, scores: list[Any], said: set[Any], types: dict[str, str | None]
) -> dict[str, Any] | None:
    """The finding (message `key`) for an `nll_loss` or a `kl_div` whose input, the one of
    `scores`, cannot be log-probabilities (raw scores: no log_softmax before it), on the op
    that made it; None if it may be, or `said` has it."""
    if len(scores) != 1:
        return None  # which one is the input is not known
    why = _not_log_probabilities(g, scores[0])
    maker = _maker(g, scores[0])
    module = g._node[maker].get("module") or ""
    if why is None or (key, module) in said:
        return None
    said.add((key, module))
    return finding(
        "loss_input", key, "forward", maker, module, layer=_layer(module, types), why=why
    )


#: ops that take a logarithm: what they make may be log-probabilities made by hand
#: (`torch.log(probabilities)`, `x - x.logsumexp(1, keepdim=True)`)
_LOGARITHMS = frozenset(
    {"log_softmax", "log", "log2", "log10", "log1p", "logsigmoid", "log_sigmoid", "logsumexp"}
)
#: how many ops back a logarithm is looked for
_LOG_STEPS = 6
#: how far above its bound a value may be, from rounding (`torch.log(p + 1e-8)`)
_TOLERANCE = 1e-3


def _not_log_probabilities(g: Graph, p: Any) -> str | None:
    """Why the values `nll_loss` or `kl_div` reads as `p` cannot be log-probabilities over its
    class dim (1, or 0 for one example's scores), from what the graph keeps of them; None if
    they may be.

    Along the class dim the exponentials of log-probabilities sum to 1, so each is at most 0
    (`log_softmax` gives no more, exactly), and by Jensen's inequality each row of `C` of them
    averages at most `log(mean(exp)) = -log C`: so does the whole tensor. Values a
    `log_softmax` made (through reshapes and selections) are not checked: they are
    log-probabilities along some dim. Nor is the mean of values a logarithm made a few ops
    before: a mask or a temperature on log-probabilities moves it."""
    nodes = g._node
    if nodes[_maker(g, p, RESHAPES | PERMUTES | _SELECTS)].get("op") == "log_softmax":
        return None
    values = nodes[p].get("value") or nodes[_maker(g, p)].get("value")
    shape = nodes[p].get("shape")
    largest, mean = (values or {}).get("max"), (values or {}).get("mean")
    if largest is None or mean is None or not shape:
        return None
    if largest > _TOLERANCE:
        return message("graph.health.loss_input_nll_positive", largest=largest)
    classes = shape[1] if len(shape) >= 2 else shape[0]
    bound = -math.log(max(classes, 1))
    if mean > bound + _TOLERANCE and not _logarithm_before(g, p):
        return message("graph.health.loss_input_nll_mean", classes=classes, bound=bound, mean=mean)
    return None


def _reverse_kl(g: Graph, given: list[Any], scores: list[Any]) -> bool:
    """Whether a `kl_div` call (without `log_target=True`, where both are log-probabilities)
    reads log-probabilities besides the probabilities that carry gradients:
    `F.kl_div(log_softmax(teacher), softmax(student))` (the reverse KL, or a categorical VAE's
    KL to a fixed prior) puts the softmax in the target, which is right."""
    others = [p for p in given if p not in scores]
    return bool(others) and any(_log_probabilities(g, p) for p in others)


def _log_probabilities(g: Graph, p: Any) -> bool:
    """Whether the tensor `p` holds log-probabilities: a `log_softmax` made it (through
    reshapes and selections), or every value is at most 0."""
    nodes = g._node
    if nodes[_maker(g, p, RESHAPES | PERMUTES | _SELECTS)].get("op") == "log_softmax":
        return True
    values = nodes[p].get("value") or nodes[_maker(g, p)].get("value")
    largest = (values or {}).get("max")
    return largest is not None and largest <= _TOLERANCE


def _maker(g: Graph, p: Any, moves: frozenset[str] | None = None) -> Any:
    """The op that made the values tensor `p` holds, through the ops that only move them
    (`moves`; by default reshapes and transposes, which keep every value)."""
    nodes, moves = g._node, moves or RESHAPES | PERMUTES
    node = p
    while nodes[node].get("kind") == "op" and nodes[node].get("op") in moves:
        sources = list(g._pred[node])
        if len(sources) != 1:
            break
        node = sources[0]
    return node


def _logarithm_before(g: Graph, p: Any) -> bool:
    """Whether a logarithm op made `p`, or a tensor a few ops before it."""
    nodes, frontier, seen = g._node, [p], {p}
    for _ in range(_LOG_STEPS):
        if any(nodes[m].get("op") in _LOGARITHMS for m in frontier):
            return True
        frontier = [s for m in frontier for s in g._pred[m] if s not in seen]
        seen.update(frontier)
    return False


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
    moves = RESHAPES | PERMUTES | (_SELECTS if before != "softmax" else frozenset())
    node, moved = p, False
    while nodes[node].get("kind") == "op" and nodes[node].get("tracked"):
        data = nodes[node]
        if data.get("op") in (before, before + "_"):  # `nn.ReLU(inplace=True)`: `relu_`
            aligned = axis is not None and softmax_dim(data) == axis
            return node if before != "softmax" or not moved or aligned else None
        sources = list(g._pred[node])
        if len(sources) != 1 or data.get("op") not in moves:
            return None
        if before == "softmax" and axis is not None:
            axis = axis_before(data, nodes[sources[0]].get("shape"), axis)
        node, moved = sources[0], True
    return None
