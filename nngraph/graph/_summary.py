"""`g.summary()`: a text table of modules, like torchinfo's, with gradients and findings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nngraph._oneline import cut_middle, one_line, shown_width
from nngraph._pretty import Text
from nngraph.graph._collapse import param_counts
from nngraph.graph._export import catalog_word, finding_name, modules_list
from nngraph.graph._frozen import frozen_note
from nngraph.graph._health import HEALTH_KINDS, boxes_unchecked, causes_first, find, sizes_unjudged
from nngraph.graph._health_text import none_key
from nngraph.graph._model_ops import in_model, traced_inputs
from nngraph.graph._nodes import (
    NODE_DEFAULTS,
    ancestors_of,
    count_text,
    forward_order,
    is_integer,
    module_types,
    numel,
    owner_module,
)
from nngraph.graph._summary_findings import (
    findings_block,
    no_grad_layers,
    outside_model,
    unregistered_modules,
)
from nngraph.graph._summary_grads import (
    grad_cell,
    grad_squares,
    norm_text,
    origin,
    shared_grad_squares,
)
from nngraph.graph._summary_order import as_tree, shape_text, shapes_lines, shown_outputs
from nngraph.graph._symmetry import learnable
from nngraph.i18n import get_language, message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["model_params", "summary"]

#: catalog keys of the column headers (`graph.summary.header.*`): a row per module, or a row
#: per node where the graph knows no modules
HEADERS = ("module", "type", "shape", "params", "grad_norm", "flags")
NODE_HEADERS = ("node", "type", "shape", "params", "grad_norm", "flags")

#: The widest the Module and the Type cells get, in columns: a longer one (a `ModuleDict` key
#: made from a config string) is cut in the middle, as `to_dot()` cuts a long label, rather
#: than widening every line of the table
CELL_WIDTHS = (100, 60)


def _headers(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(message(f"graph.summary.header.{key}") for key in keys)


def _inside(path: str, module: str) -> bool:
    return path == "" or module == path or module.startswith(path + ".")


def _in_model(g: Graph, data: dict[str, Any]) -> bool:
    """Whether the model ran the node: its own forward, or a module inside it (not a loss
    module: `criterion = nn.CrossEntropyLoss()`, see `_model_ops`)."""
    if data.get("kind") == "op":
        return in_model(g, data)
    return data.get("module_type") is not None or bool(owner_module(data))


def _by_backward(g: Graph, u: Any, v: Any) -> bool:
    """Whether op `v`, which reads `u`, was made by a backward with `create_graph=True` (a
    gradient penalty in forward): no recorded call made it, while one made `u`. The forward
    does not go on there: a weight's transpose the backward reads is no module's output."""
    read_by = g._node[v]
    return (
        read_by.get("kind") == "op"
        and read_by.get("call") is None
        and g._node[u].get("call") is not None
    )


def _main_result(g: Graph, position: dict[Any, int]) -> Any:
    """Among what the model returns that it made itself (of the outputs "Output shape(s)"
    shows, see `shown_outputs`), the last in forward order that is not a single number: the
    logits a Hugging Face model returns before the loss it adds; None where it returns
    nothing the graph shows as an output (its result went on into a loss)."""
    returned = [
        u
        for n in shown_outputs(g)
        for u in g._pred[n]
        if g._node[u].get("kind") == "op" and _in_model(g, g._node[u])
    ]
    many = [n for n in returned if numel(g._node[n].get("shape")) > 1]
    return max(many or returned, key=position.__getitem__, default=None)


def _module_rows(g: Graph, findings: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    order = forward_order(g)
    position = {n: i for i, n in enumerate(order)}
    # a module's output: the last node inside it (in forward order) that feeds a node outside;
    # the model's: the last that feeds what no module ran (the loss, the output node). What
    # the model goes on with comes before a result only returned: an RNN's final state, made
    # last, that `out, _ = self.rnn(x)` drops
    output: dict[str, Any] = {}
    going_on: dict[str, Any] = {}
    dropped = set(g.graph.get("unused") or ())  # results the forward itself dropped
    for u, v in g.edges:
        if g.nodes[u].get("kind") not in ("op", "module") or _by_backward(g, u, v):
            continue  # a parameter feeding an op is not the module's output
        module_u, module_v = owner_module(g.nodes[u]), owner_module(g.nodes[v])
        goes_on = g._node[v].get("kind") != "output"
        for path in ancestors_of(module_u):
            if path == "":
                if v in dropped or g._node[v].get("kind") in _LEAVES:
                    break  # a layer's result dropped, or made a leaf the forward goes on with
                if not (_in_model(g, g.nodes[u]) and not _in_model(g, g.nodes[v])):
                    break
            elif _inside(path, module_v):
                break
            for last in (output, going_on) if goes_on else (output,):
                if path not in last or position[u] > position[last[path]]:
                    last[path] = u
    output.update(going_on)
    if "" not in going_on or is_integer(g._node[going_on[""]]):
        # its result went into no loss, or only its labels did: what it returns
        returned = _main_result(g, position)
        if returned is not None:
            output[""] = returned
    # module boxes (collapsed graphs) are their own output: the last box of a module split
    # into one box per call; only its first box counts its parameters
    box_params: dict[str, int] = {}
    for n, data in g.nodes(data=True):
        if data.get("kind") == "module":
            path = data.get("module") or ""
            output[path] = n
            box_params[path] = box_params.get(path, 0) + (data.get("params") or 0)
    squares, shared_squares = grad_squares(g), shared_grad_squares(g)
    visible = {""}  # modules with a node in this graph (and the modules above them)
    for _, data in g.nodes(data=True):
        visible.update(ancestors_of(owner_module(data) or data.get("module") or ""))
    flags: dict[str, set[str]] = {}
    for finding in findings:  # a finding inside a box shows on the box's row
        box = g._node.get(finding.get("node"), {})
        if box.get("kind") == "module":  # the box it went to: a run's box holds later blocks too
            row = box.get("module") or ""
        else:
            row = next(p for p in ancestors_of(finding["module"] or "") if p in visible)
        flags.setdefault(row, set()).add(finding_name(finding))

    counts = param_counts(g)
    table = g.graph.get("modules") or {}
    rows: list[tuple[str, ...]] = []
    shown = [module for module in modules_list(g) if module["path"] in visible]
    for module in as_tree(shown, g, order):
        path = module["path"]
        out = output.get(path)
        name = "  " * max(0, module["depth"] - 1) + (path or message("graph.summary.model"))
        box = out is not None and g.nodes[out].get("kind") == "module"
        box = box and g.nodes[out].get("module") == path
        kind = g.nodes[out]["label"] if box else module["type"] or "-"
        params = count_text(box_params[path] if box else counts.get(path, 0))
        shared = (table.get(path) or {}).get("shared")
        if shared:  # tied weights: what it uses that another module counts
            params = message("graph.summary.params_shared", count=params, shared=count_text(shared))
        rows.append(
            (
                name,
                kind,
                shape_text(g.nodes[out].get("shape")) if out is not None else "-",
                params,
                grad_cell(squares.get(path), shared_squares.get(path)),
                ", ".join(sorted(flags.get(path, ()))),
            )
        )
    return rows


_DATA_KINDS = ("input", "param", "buffer", "constant", "output")
#: the kinds of node that start a graph: an op feeding one made it a leaf (`x.clone()
#: .requires_grad_()` in forward), which the forward goes on with
_LEAVES = _DATA_KINDS[:4]


def _kind_text(kind: Any) -> str:
    """The word for a node kind in the current language; a node without a kind is an op (the
    schema's default), a kind nngraph does not know is shown as it is.

    >>> _kind_text(None), _kind_text("param"), _kind_text("layer")
    ('op', 'param', 'layer')
    """
    return catalog_word("graphview.node_kind", kind or NODE_DEFAULTS["kind"])


def _op_rows(g: Graph, findings: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Without module information (graph_of without a model): one row per node, typed by the
    autograd node backward runs for it (`AddmmBackward0`, `AccumulateGrad`), else by its kind."""
    flagged: dict[Any, set[str]] = {}
    for finding in findings:
        flagged.setdefault(finding["node"], set()).add(finding_name(finding))
    weights = set(hand_made_weights(g))
    rows: list[tuple[str, ...]] = []
    for n in forward_order(g):
        data = g.nodes[n]
        grad = data.get("grad")
        name = data.get("name") or data.get("label") or n
        if not data.get("name") and data.get("kind") in _DATA_KINDS:  # "input", in the language now
            name = _kind_text(data["kind"])
        name = str(name)
        kind = str(data.get("backward") or _kind_text(data.get("kind")))
        rows.append(
            (
                name,
                "-" if kind == name else kind,  # the output node: "output" once
                shape_text(data.get("shape")),
                count_text(_size(data) if n in weights else data.get("params") or 0),
                norm_text(grad["norm"] if grad else None),
                ", ".join(sorted(flagged.get(n, ()))),
            )
        )
    return rows


def _findings(g: Graph) -> list[dict[str, Any]]:
    """What `health()` stored on the nodes (also carried into collapsed boxes), else a fresh
    check; any other flags on the nodes too."""
    stored = []
    for n in forward_order(g):  # as health() finds them: a parameter's weight before its bias
        data = g._node[n]
        for flag in data.get("flags") or []:
            # a finding carried into a box names the layer it is about, not the box
            module = flag.get("module")
            if module is None and data.get("kind") == "module":
                module = data.get("module")
            stored.append({**flag, "module": module or owner_module(data)})
    if any(flag.get("kind") in HEALTH_KINDS for flag in stored):
        if g.graph.get("health_language", get_language()) == get_language():
            return causes_first(stored)
        # stored by `health()` in another language: said again in this one
        return _as_stored(g, find(g)) + [f for f in stored if f.get("kind") not in HEALTH_KINDS]
    return _as_stored(g, find(g)) + stored


def _as_stored(g: Graph, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fresh findings in the order the stored ones are read back (their nodes' forward order,
    `causes_first`), so that `summary()` lists them alike before and after `health()`."""
    position = {n: i for i, n in enumerate(forward_order(g))}
    ordered = sorted(findings, key=lambda f: position.get(f.get("node"), len(position)))
    return causes_first(ordered)


def hand_made_weights(g: Graph) -> list[Any]:
    """The leaves that require grad where the graph holds no `nn.Parameter` (a lesson's
    `w = torch.randn(3, 2, requires_grad=True)`): what learns there, counted as parameters
    (and still listed with the inputs it was given as). Beside a model's parameters such a
    leaf is data (a saliency map's input), as `health()` reads it too, and so is an input
    `trace()` was given (`trace(nn.ReLU(), x)` with `x.requires_grad_()`: a lesson on an
    activation's gradient; see :func:`traced_inputs`)."""
    given = traced_inputs(g)
    return [n for n in _hand_made_among(g._node) if n not in given]


def _hand_made_among(nodes: Mapping[Any, dict[str, Any]]) -> list[Any]:
    if any(d.get("kind") == "param" for d in nodes.values()):
        return []
    return [n for n, d in nodes.items() if learnable(d)]


def _size(data: dict[str, Any]) -> int:
    """The numbers a parameter or a hand-made weight holds: 1 for a scalar (shape `[]`)."""
    return int(data.get("params") or numel(data.get("shape")))


def model_params(nodes: Mapping[Any, dict[str, Any]], modules: Mapping[str, Any]) -> int:
    """All parameters of the model, as `repr(g)`, `summary()` and the view's text count them:
    the model's own entry in `modules` where capture knew the model, else the parameters among
    `nodes` (the hand-made weights where there are none) and what module boxes hold.

        >>> model_params({"w": {"kind": "input", "backward": "AccumulateGrad", "shape": []},
        ...     "x": {"kind": "input", "shape": [3]}}, {})
        1
    """
    if "" in modules:
        return int(modules[""].get("params") or 0)
    boxed = sum(d.get("params") or 0 for d in nodes.values() if d.get("kind") == "module")
    params = [n for n, d in nodes.items() if d.get("kind") == "param"]
    if not boxed:  # beside boxes, a leaf that requires grad is data: no box holds a hand-made one
        params = params or _hand_made_among(nodes)
    return sum(_size(nodes[n]) for n in params) + boxed


def _param_totals(g: Graph) -> tuple[int, str | None]:
    """All parameters of the model, and the text for the trainable ones used in the graph `g`
    was folded from: `"-"` when boxes hide them and that graph is not known, None (no line)
    when there are no parameters."""
    source, _ = origin(g)
    ids = [n for n, d in source.nodes(data=True) if d.get("kind") == "param"]
    ids = ids or hand_made_weights(source)
    params = [source.nodes[n] for n in ids]
    # A network used only under no_grad (a DQN's target, a distillation teacher) trains
    # nothing here: where some parameter feeds a tracked op, only those count.
    feeding = [n for n in ids if any(source.nodes[s].get("tracked") for s in source.succ[n])]
    trainable_ids = feeding or ids
    if source.graph.get("backward_passes"):
        # after a backward, what trains is what it reached: a layer cut off from the loss
        # (`.detach()` in forward) runs but does not learn
        reached = [n for n in trainable_ids if source.nodes[n].get("grad") is not None]
        trainable_ids = reached or trainable_ids
    used = [source.nodes[n] for n in trainable_ids if source.nodes[n].get("requires_grad")]
    trainable = count_text(sum(map(_size, used)))
    outside = outside_model(used, unregistered_modules(source))
    if outside:  # more than "Total params" counts: say why
        trainable = message(
            "graph.summary.trainable_outside", count=trainable, outside=count_text(outside)
        )
    boxed = sum(
        d.get("params") or 0 for _, d in source.nodes(data=True) if d.get("kind") == "module"
    )
    if boxed:  # a box does not tell whether its parameters are trainable
        trainable = "-"
    total = model_params(source._node, source.graph.get("modules") or {})
    return total, trainable if params or boxed else None


def _cells_shown(row: tuple[str, ...]) -> tuple[str, ...]:
    """A row's cells, each on one line, the Module and Type cells at most `CELL_WIDTHS` wide."""
    cells = [one_line(cell) for cell in row]
    for i, width in enumerate(CELL_WIDTHS):
        cells[i] = cut_middle(cells[i], width)
    return tuple(cells)


def summary(g: Graph) -> Text:
    """The table `Graph.summary` returns (a str that a notebook shows as the table)."""
    findings = _findings(g)
    has_modules = bool(modules_list(g))
    rows = _module_rows(g, findings) if has_modules else _op_rows(g, findings)
    rows = [_cells_shown(row) for row in rows]
    headers = _headers(HEADERS if has_modules else NODE_HEADERS)
    table = [headers, *rows]
    widths = [max(shown_width(row[i]) for row in table) for i in range(len(headers))]
    right = {3, 4}  # numbers line up on the right

    def line(row: tuple[str, ...]) -> str:
        cells = []
        for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (width - shown_width(cell))
            cells.append(pad + cell if i in right else cell + pad)
        return "  ".join(cells).rstrip()

    rule = "=" * max(shown_width(line(row)) for row in table)
    source, _ = origin(g)
    total, trainable = _param_totals(g)
    in_boxes = sum(d.get("params") or 0 for _, d in g.nodes(data=True) if d.get("kind") == "module")
    kinds = [d.get("kind") or NODE_DEFAULTS["kind"] for _, d in g.nodes(data=True)]
    out = [rule, line(headers), rule, *map(line, rows), rule]
    out.append(message("graph.summary.total", total=count_text(total)))
    if trainable is not None:
        out.append(message("graph.summary.trainable", count=trainable))
    no_grad = no_grad_layers(source)
    if no_grad:
        out.append(message("graph.summary.no_grad", layers=no_grad))
    frozen = frozen_note(g)
    if frozen:
        out.append(frozen)
    if in_boxes:
        out.append(message("graph.summary.in_boxes", count=count_text(in_boxes)))
    if any(entry.get("shared") for entry in (g.graph.get("modules") or {}).values()):
        out.append(message("graph.summary.shared_note"))
    boxes = kinds.count("module")
    out.append(
        message(
            "graph.summary.counts",
            nodes=count_text(len(kinds)),
            ops=count_text(kinds.count("op")),
            boxes=message("graph.summary.boxes", count=count_text(boxes)) if boxes else "",
        )
        # graph_of walks a graph whose backward passes it did not see: no count to give
        + (
            ""
            if source.graph.get("source") == "graph_of"
            else message("graph.summary.passes", passes=g.graph.get("backward_passes", 0))
        )
    )
    out += shapes_lines(g)
    out.append(rule)
    if findings:
        types, unregistered = module_types(source), unregistered_modules(g)
        out += findings_block(findings, types, unregistered, unjudged=sizes_unjudged(source))
    elif boxes_unchecked(g):  # boxes whose inside no health() before collapse() looked at
        out.append(message("graph.summary.none_collapsed"))
    else:
        out.append(message(none_key(source)))
    return Text("\n".join(out))
