"""The end of a recording: hooks removed, statistics fetched, outputs and variables named, and
the recorder let go of everything only the recording needed.

    >>> import torch, nngraph as ng
    >>> with ng.record() as rec:
    ...     y = torch.ones(2, requires_grad=True).sum()
    >>> [rec.graph.nodes[n]["label"] for n in rec.graph.graph["outputs"]]
    ['y']
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import networkx as nx
import torch

from nngraph.capture._builder import grad_fn_of
from nngraph.capture._common import SAME_TENSOR, NNGraphWarning, tensors_within
from nngraph.capture._modules import (
    fill_module_types,
    named_parameters_as_written,
    trains,
    unreached_parameters,
)
from nngraph.capture._naming import name_held_parameters, name_parameters, name_variables
from nngraph.capture._recorder import Recorder
from nngraph.errors import stacklevel_outside
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["finish"]


def finish(recorder: Recorder, namespace: Mapping[str, Any] | None = None) -> Graph:
    """Remove every hook, fetch the statistics, name what `namespace` names (the caller's
    variables), and return the graph."""
    for handle in recorder.hooks:
        handle.remove()
    recorder.hooks.clear()
    graph, builder = recorder.graph, recorder.builder
    recorder.leaves.finish()
    recorder.passes.finish()  # the gradients a last pass that kept the graph left held
    _forget(recorder, recorder.weights.prune(graph))  # what only an EMA's update read
    succ, replaced = graph._succ, recorder.replaced
    sources = [
        n
        for n, d in graph._node.items()
        if d["kind"] == "op"
        and d["call"] is not None
        and not succ[n]
        and n not in replaced
        and (n not in recorder.read_in_forward or n in recorder.outermost)
    ]
    sources += [n for n in recorder.returned_data if not succ[n]]  # the loss may use them
    sources += _returned_and_read(recorder)
    outputs: list[tuple[str, str | None]] = [
        (builder.add_output(source, None), source) for source in sources
    ]
    ended = set(sources)
    for n, returned in recorder.model_results.items():
        if n not in ended and _own_output(recorder, n, returned):
            # a side result of a call (`batch_sizes`) has its own shape and dtype, not its node's
            side = recorder.side_results.get(n)
            outputs.append((builder.add_output(n, side), n if side is None else None))
    builder.stats.flush()
    _untracked_leaves(graph)
    for node_id, source in outputs:
        if source is not None:  # the output shows what its node holds
            graph._node[node_id]["value"] = graph._node[source]["value"]
            graph._node[node_id]["grad"] = graph._node[source]["grad"]
    name_parameters(recorder)
    name_held_parameters(recorder)
    if namespace is not None:
        name_variables(recorder, namespace)
    owners = {
        d["name"].rpartition(".")[0]
        for d in graph._node.values()
        if d["kind"] == "param" and d["name"]
    }
    fill_module_types(graph, recorder.scope.module_table(owners), recorder.names)
    graph.graph.update(
        source="record",
        backward_passes=len(recorder.graph_tasks),
        modules=graph.graph["modules"],
        complete=not (recorder.failed or recorder.scope.other_threads),
    )
    graph.graph.setdefault("outputs", [])
    graph.graph["inputs"] = _given_inputs(recorder)
    _mark_not_stepped(recorder, graph)
    if recorder.reset_before_step:  # read by health()
        graph.graph["grads_reset_before_step"] = True
    unreached = _unreached(recorder, graph) if recorder.lists_unreached else None
    if unreached:
        graph.graph["unreached"] = unreached
    if recorder.scope.other_threads:  # a thread pool's: torch's modes are the thread's own
        where = stacklevel_outside(("torch", "nngraph", "contextlib"))  # the `with` line
        text = message("capture.other_thread", module=recorder.scope.other_threads[0])
        warnings.warn(text, NNGraphWarning, stacklevel=where)
    _let_go(recorder)
    return graph


def _untracked_leaves(graph: Graph) -> None:
    """A leaf that only untracked ops read (a frozen layer run under `torch.no_grad()`, a
    teacher) and that no gradient reached has no AccumulateGrad node in autograd's graph, though
    the recording met one: its node says so (`backward` None), as the schema's rule has it."""
    nodes, succ = graph._node, graph._succ
    for n, data in nodes.items():
        if (
            data["kind"] == "param"  # a hand-made leaf (a lesson's `w`) is told by its node
            and data["backward"] == "AccumulateGrad"
            and data["grad"] is None
            and not any(nodes[s]["tracked"] for s in succ[n])
        ):
            data["backward"] = None


def _returned_and_read(recorder: Recorder) -> list[str]:
    """The results an outermost module call returned whose only use is what its forward read
    as a Python value through a copy or a part of it (`self.logged = loss.detach().item()`,
    `out[0, 0].item()`): the output follows the result, not the part Python read."""
    graph, found = recorder.graph, []
    for n in recorder.read_in_forward:
        if graph._succ[n] or n in recorder.outermost:
            continue
        for _ in range(4):  # back through the copies and views to the result
            before = graph._pred[n]
            if len(before) != 1:
                break
            (n,) = before
            if n in recorder.outermost:
                found.append(n)
                break
    read = recorder.read_in_forward
    return [  # where every way on ends in such a read (no other result, no loss)
        n
        for n in dict.fromkeys(found)
        if all(graph._succ[d] or d in read for d in nx.descendants(graph, n))
    ]


def _forget(recorder: Recorder, removed: set[str]) -> None:
    """Drop the nodes `removed` from the graph from what the recorder knows of its nodes."""
    if not removed:
        return
    for key, (_, node_id) in list(recorder.tensor_nodes.items()):
        if node_id in removed:
            del recorder.tensor_nodes[key]
    recorder.data_nodes[:] = [(ref, n) for ref, n in recorder.data_nodes if n not in removed]
    tables = (
        recorder.returned_data,
        recorder.model_results,
        recorder.builder.leaf_fns,
        recorder.read_in_forward,  # an EMA codebook's `one_hot(idx)`, read by its update alone
    )
    for table in tables:
        for node_id in removed:
            table.pop(node_id, None)
    recorder.outermost -= removed


def _mark_not_stepped(recorder: Recorder, graph: Graph) -> None:
    """Mark `not_in_optimizer` the trainable parameters of a model an optimizer stepped in the
    block trains, that it does not hold: a layer replaced after the optimizer was built, or
    left out of it; or of every model that ran, where the optimizers hold none of theirs (an
    optimizer of an earlier model: the model's cell run again after the optimizer's).
    `optimizer.zero_grad()` does not reset their `.grad` either. Where an optimizer also
    stepped parameters that no model that ran holds and no backward reached (the layer
    replaced), health() tells of the others from the first step on (a head-only optimizer,
    with the body left trainable, holds none such)."""
    stepped = recorder.stepped
    if not stepped:
        return
    roots = [root for root, _ in recorder.scope.roots]
    trained = [root for root in roots if _holds_any(root, stepped)]
    if roots and not trained:  # read by health(): said from the first step on
        graph.graph["optimizer_holds_none"] = True
    trained = trained or roots
    outside = {id(p) for root in trained for p in root.parameters() if id(p) not in stepped}
    held = {id(p) for root in roots for p in root.parameters()}
    if outside and recorder.stepped_unreached - held:  # read by health(), as above
        graph.graph["optimizer_holds_replaced"] = True
    for node_id, fn in recorder.builder.leaf_fns.items():
        if id(fn.variable) in outside and fn.variable.requires_grad:
            graph._node[node_id]["not_in_optimizer"] = True
            if node_id in recorder.leaves.across_steps:  # no zero_grad() reached it between
                graph._node[node_id]["grad_accumulated"] = True


def _holds_any(model: torch.nn.Module, ids: set[int]) -> bool:
    return any(id(p) in ids for p in model.parameters())


def _unreached(recorder: Recorder, graph: Graph) -> list[dict[str, str]]:
    """The trainable parameters of each model run at top level that no node holds (a layer
    defined in `__init__` and left out of `forward`), named as the graph names them (a second
    model's under its path, `Head.fc2`). Judged: a model whose own forward ran (not one whose
    submodule alone the block called: `vae.decode`), and, where an optimizer stepped in the
    block, only the parameters it trains (not a perceptual loss's network, nor a teacher), if
    it trains any of theirs. A parameter an earlier model holds is that model's."""
    present = {d["name"] for d in graph._node.values() if d["kind"] == "param" and d["name"]}
    stepped = recorder.stepped
    ran = [root for root, path in recorder.scope.roots if path in recorder.scope.modules]
    if stepped and not any(_holds_any(root, stepped) for root in ran):
        stepped = set()  # an optimizer of an earlier model (the model cell run again): all judged
    found: list[dict[str, str]] = []
    seen: set[int] = set()
    roots = recorder.scope.roots
    for i, (root, path) in enumerate(roots):
        params = named_parameters_as_written(root)
        trainable = [
            name
            for name, p in params
            if trains(p) and id(p) not in seen and (not stepped or id(p) in stepped)
        ]
        if i + 1 < len(roots):  # what the next roots leave to this one
            seen.update(id(p) for p in root.parameters())
        if path not in recorder.scope.modules or not trainable:
            continue
        prefix = f"{path}." if path else ""
        own = {name.removeprefix(prefix) for name in present if name.startswith(prefix)}
        for part in unreached_parameters(root, graph, own, trainable) or []:
            found.append({k: prefix + v if k != "type" else v for k, v in part.items()})
    return found


def _given_inputs(recorder: Recorder) -> list[str]:
    """The input nodes of the tensors the model's calls were given, in the order of the
    arguments (`trace(model, x, task)`: `x` first, whichever `forward` reads first). An input
    with an autograd history is left to `cut_inputs`; one no op used has no node."""
    leaves = {id(fn.variable): node_id for node_id, fn in recorder.builder.leaf_fns.items()}
    given: dict[str, None] = {}  # an ordered set
    for key in recorder.names.inputs:
        hit = recorder.tensor_nodes.get(key)
        # a tensor no longer alive may have left its id to another one
        node_id = hit[1] if hit is not None and hit[0]() is not None else leaves.get(key)
        node_id = _before_no_ops(recorder.graph, node_id)
        if node_id is not None and recorder.graph._node[node_id]["kind"] in ("input", "constant"):
            given.setdefault(node_id, None)
    return list(given)


def _before_no_ops(graph: Graph, node_id: str | None) -> str | None:
    """The node of a tensor as given, where calls that returned that very tensor (`mask.to(
    torch.bool)` of a bool mask, `.contiguous()` of a contiguous one) or wrote into it made it
    their node."""
    while node_id is not None and graph._node[node_id]["kind"] == "op":
        op, before = str(graph._node[node_id]["op"]), graph._pred[node_id]
        if len(before) != 1 or not (op in SAME_TENSOR or op.endswith("_")):
            return node_id
        (node_id,) = before
    return node_id


def results_of_model(recorder: Recorder, output: Any) -> dict[str, tuple[int, ...]]:
    """The nodes of the tensors in `output`, what `trace()`'s model returned, in their order
    there, each with the outputs of its autograd node (by `output_nr`) that are among them;
    none for a node of tensors without one (an input given back)."""
    results: dict[str, tuple[int, ...]] = dict.fromkeys(recorder.returned([output]), ())
    ids = recorder.builder.ids
    for t in tensors_within(output):
        fn = grad_fn_of(t)
        node_id = None if fn is None else ids.get(fn)
        if node_id in results and t.output_nr not in results[node_id]:
            results[node_id] += (t.output_nr,)
    return results


def _own_output(recorder: Recorder, n: str, returned: tuple[int, ...]) -> bool:
    """Whether what `trace()`'s model returned of node `n`, which has successors, gets an output
    node of its own: where a call of the model's own forward (one of its first `model_calls`)
    reads it, or where nothing does. Not where only the loss reads it: the loss's output ends
    that path. `returned`: the outputs of `n`'s autograd node that the model returned (by
    `output_nr`; all where empty): a successor that reads only others does not read it (the CPU
    LSTM stacks its layer node's `hy` into `h_n`; the model returned the node's `output`). A
    read that autograd does not show (by an untracked op) counts."""
    graph, fns, calls = recorder.graph, recorder.builder.fns, recorder.model_calls
    fn = fns.get(n)
    precise = fn is not None and bool(returned)
    read = False
    for s in graph._succ[n]:
        if precise:
            nrs = {nr for next_fn, nr in getattr(fns.get(s), "next_functions", ()) if next_fn is fn}
            if nrs and nrs.isdisjoint(returned):
                continue
        call = graph._node[s].get("call")
        if call is not None and call < calls:
            return True
        read = True
    return not read and bool(graph._succ[n])


def _let_go(recorder: Recorder) -> None:
    """Drop what only the recording needed (autograd nodes, tensors) and the references
    back to the recorder, so that all of it is freed as soon as the caller lets go, without
    waiting for Python's cycle collector (which may hold a GPU's tensors a long time)."""
    builder = recorder.builder
    builder.ids.clear()
    builder.fns.clear()
    builder.leaf_fns.clear()
    recorder.tensor_nodes.clear()
    recorder.side_results.clear()
    recorder.unused.clear()
    recorder.data_nodes.clear()
    recorder.scope.after_script = None
    recorder.names.param_in_use = None
