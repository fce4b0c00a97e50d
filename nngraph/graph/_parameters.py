"""What a parameter's own values and gradient say: two layers in a row whose weights are all
zero or all equal (see `_symmetry`), a gradient added to a stale `.grad`, gradients reset by
`zero_grad()` before the optimizer's step used them, a weight the backward never reached.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    >>> for layer in (model[0], model[2]):
    ...     _ = torch.nn.init.constant_(layer.weight, 0.5)
    >>> _ = torch.nn.init.zeros_(model[0].bias)  # PyTorch's random biases tell units apart
    >>> g = ng.trace(model, torch.randn(4, 3), loss=lambda out: out.pow(2).mean())
    >>> [(f["kind"], f["name"]) for f in g.health()]
    [('constant', '0.weight'), ('constant', '2.weight')]
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.graph._finding import finding, leaf_name, module_name
from nngraph.graph._nodes import ancestors_of
from nngraph.graph._symmetry import Layers, copies, learnable
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["cut_inputs", "parameter_state"]


def parameter_state(
    g: Graph, order: list[Any], types: dict[str, str | None]
) -> list[dict[str, Any]]:
    """Weights that are all zero or all equal, gradients added to ones left from before, and
    weights a backward pass never reached although they took part in the tracked forward."""
    backward_ran = _backward_reached_a_leaf(g)
    behind = _behind_cut_inputs(g) if backward_ran else set()
    layers = Layers(g, types)
    findings = []
    cut: dict[str, Any] = {}  # module (or a hand-made leaf's name) -> its first weight left out
    reached: set[str] = set()  # modules (or leaves) some gradient reached
    passed: set[Any] | None = None  # ops with a tracked path to a gradient, when needed
    # the optimizers that stepped hold none of the parameters of the models that ran (the
    # model was made again after them), or the weights of a layer since replaced
    none_stepped = bool(
        g.graph.get("optimizer_holds_none") or g.graph.get("optimizer_holds_replaced")
    )
    for n in order:
        data = g.nodes[n]
        if not learnable(data):
            continue
        name, module = leaf_name(data), data.get("module") or ""
        findings += copies(g, n, data, name, module, layers)
        if data.get("grad_accumulated"):
            # a layer the model does not register: optimizer.zero_grad() never reaches it
            registered = ((g.graph.get("modules") or {}).get(module) or {}).get("registered")
            key = "accumulated_unregistered" if registered is False else "accumulated"
            extra = {}
            if data.get("not_in_optimizer"):  # zero_grad() was called, but not for this one
                key, extra = "accumulated_not_in_optimizer", {"not_in_optimizer": True}
            findings.append(finding("accumulated", key, "backward", n, module, name=name, **extra))
        elif none_stepped and data.get("not_in_optimizer") and data.get("grad") is not None:
            findings.append(
                finding("not_in_optimizer", "not_in_optimizer", "backward", n, module, name=name)
            )
        # a frozen parameter (requires_grad_(False)) gets no `.grad` by design, nor does one
        # behind an input whose history trace() does not run: nothing is cut
        if (
            backward_ran
            and data.get("requires_grad") is not False
            and n not in behind
            and _used_by_tracked_op(g, n)
        ):
            key = module or data.get("name") or f"#{n}"
            if data.get("grad") is not None:
                reached.add(key)
            else:
                if passed is None:
                    passed = _reaching_a_gradient(g)
                if not any(s in passed for s in g._succ[n]):
                    cut.setdefault(key, n)
    trained = {_model_of(g, key) for key in reached}
    if g.graph.get("grads_reset_before_step") and reached:
        first = next(
            n for n in order if learnable(g.nodes[n]) and g.nodes[n].get("grad") is not None
        )
        findings.append(_reset_before_step(g, first))
    for key, n in cut.items():
        if key in reached:  # the layer learns through its other parameters
            continue
        module = g.nodes[n].get("module") or ""
        if module and trained and _model_of(g, module) not in trained:
            continue  # a whole other model sits out this backward (`G(z).detach()` in D's step)
        findings.append(_no_gradient(g, n, key, module, types))
    return findings


def _reset_before_step(g: Graph, n: Any) -> dict[str, Any]:
    """The finding for an optimizer that stepped after `zero_grad()` had reset every gradient
    the backward gave it: on the first parameter that got one, since it is about them all."""
    return finding(
        "reset_before_step", "reset_before_step", "backward", n, "", name=leaf_name(g.nodes[n])
    )


def _no_gradient(
    g: Graph, n: Any, key: str, module: str, types: dict[str, str | None]
) -> dict[str, Any]:
    """The finding for a layer (or a hand-made leaf) no gradient reached: the graph is cut
    between it and the loss, or its result ends in an output the loss does not use (one the
    model returns, in `trace()`; else one no tensor op uses: thrown away, or `.item()`)."""
    numbers: dict[str, Any] = {}
    if module:
        variant, numbers["where_module"] = "no_gradient", module_name(module, types)
    elif g.nodes[n].get("name"):
        variant, numbers["name"] = "no_gradient_leaf", key
    else:
        variant, numbers["shape"] = "no_gradient_leaf_unnamed", list(g.nodes[n].get("shape") or [])
    output = _output_the_loss_leaves_out(g, n)
    if output is None:
        return finding("no_gradient", variant, "backward", n, module, **numbers)
    shape = list(g.nodes[output].get("shape") or [])
    returned = "unused" in g.graph and output not in (g.graph.get("unused") or ())
    words = message(
        "graph.health.output_returned" if returned else "graph.health.output_unused",
        output_shape=shape,
    )
    found = finding(
        "no_gradient", f"{variant}_unused", "backward", n, module, output=words, output_shape=shape,
        **numbers,
    )  # fmt: skip
    found.pop("output")  # words, not a number
    return found


def _output_the_loss_leaves_out(g: Graph, n: Any) -> Any:
    """The output that leaf `n`'s result reaches through tracked ops alone, where no path from
    `n` reaches an output a gradient flowed into (the loss): the loss does not use that result
    (a second head). None where a path to the loss is cut (`.detach()` on the way)."""
    outputs = [m for m in nx.descendants(g, n) if g._node[m].get("kind") == "output"]
    if not outputs or any(g._node[m].get("grad") is not None for m in outputs):
        return None
    seen, frontier = {n}, list(g._succ[n])
    while frontier:
        s = frontier.pop()
        if s in seen:
            continue
        seen.add(s)
        if g._node[s].get("kind") == "output":
            return s
        if g._node[s].get("tracked"):
            frontier += g._succ[s]
    return None


def cut_inputs(g: Graph) -> list[Any]:
    """The nodes of `g.graph["cut_inputs"]` still in `g`: the inputs `trace()` was given with
    an autograd history of their own, whose history its backward does not run."""
    listed = g.graph.get("cut_inputs")
    if not isinstance(listed, list | tuple):
        return []
    return [n for n in listed if isinstance(n, Hashable) and n in g]


def _behind_cut_inputs(g: Graph) -> set[Any]:
    """The nodes whose every way to an output runs through a cut input: the history behind
    `trace(D, G(z))`'s input, which trace()'s backward stops before on purpose."""
    cut = set(cut_inputs(g))
    if not cut:
        return set()
    behind = set().union(*(nx.ancestors(g, c) for c in cut))
    # what reaches an output some other way than through a cut input
    free = {m for m, d in g.nodes(data=True) if d.get("kind") == "output"} - cut
    frontier = list(free)
    while frontier:
        for p in g._pred[frontier.pop()]:
            if p not in free and p not in cut:
                free.add(p)
                frontier.append(p)
    return behind - free


def _model_of(g: Graph, path: str) -> str:
    """The top-level model a module path belongs to: the root `""`, or another model that ran
    at top level (marked `top_level` in the module table, e.g. `"Generator"`)."""
    table = g.graph.get("modules") or {}
    return next((p for p in ancestors_of(path) if (table.get(p) or {}).get("top_level")), "")


def _backward_reached_a_leaf(g: Graph) -> bool:
    """Whether a backward pass ran and gave some learnable leaf a gradient."""
    if not g.graph.get("backward_passes"):
        return False
    return any(data.get("grad") is not None for _, data in g.nodes(data=True) if learnable(data))


def _reaching_a_gradient(g: Graph) -> set[Any]:
    """The tracked ops with a path of tracked ops to one a gradient reached: a leaf read by one
    of them is not cut off, the backward only asked for other inputs
    (`torch.autograd.grad(score, x)` for a saliency map, `backward(inputs=[...])`)."""
    reached = [n for n, d in g._node.items() if d.get("kind") == "op" and d.get("grad") is not None]
    seen = set(reached)
    while reached:
        for p in g._pred[reached.pop()]:
            data = g._node[p]
            if p not in seen and data.get("kind") == "op" and data.get("tracked"):
                seen.add(p)
                reached.append(p)
    return seen


def _used_by_tracked_op(g: Graph, n: Any) -> bool:
    """Whether an op autograd tracks reads the leaf: it took part in the differentiable
    computation (a target network read under `no_grad` did not)."""
    return any(g._node[s].get("tracked") for s in g._succ[n])
