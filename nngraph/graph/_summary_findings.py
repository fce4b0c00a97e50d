"""The findings section of `g.summary()`: one line per mistake, causes before symptoms.

`health()` reports every layer and every parameter on its own: a forgotten `zero_grad()` is
one `accumulated` finding per parameter tensor, a 20-layer ReLU net with weights of std 1 gets
29 findings. The summary says each sentence once: the findings that read alike but for the
layer they name (the same message key) become one line naming them all, wherever they stand
in the list, and the lines that explain others come first.

>>> from nngraph.i18n import set_language; set_language("en")
>>> found = [
...     {"kind": "accumulated", "module": "fc", "name": name, "message": f"{name}.grad ..."}
...     for name in ("fc.weight", "fc.bias")
... ]
>>> [(kind, text[-50:]) for kind, text in finding_lines(found, {"fc": "Linear"})]
[('accumulated', 'es on purpose. The parameters: fc.weight, fc.bias.')]
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from nngraph._oneline import one_line
from nngraph.graph._export import catalog_word, flag_kind
from nngraph.graph._finding import layer_name, name_list
from nngraph.graph._nodes import ancestors_of, forward_order, module_types, numel, owner_module
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = [
    "GROUPED",
    "finding_lines",
    "findings_block",
    "findings_head",
    "layer_list",
    "message_key",
    "no_grad_layers",
    "outside_model",
    "rank",
    "share_text",
    "shown_order",
    "unregistered_modules",
]

#: The message keys the summary says once for several findings (`graph.summary.group.*`), with
#: how many findings it takes: two parameters whose gradients add up are one forgotten
#: `zero_grad()`, while two layers with a tiny gradient still read best one by one.
GROUPED = {
    "vanishing_tiny": 3,
    "vanishing_shrunk": 3,
    "vanishing_equal": 3,
    "vanishing_zero": 3,
    "vanishing_zero_input": 3,
    "vanishing_underflow": 3,
    "vanishing_zero_layer": 3,
    "exploding_huge": 3,
    "dead": 3,
    "dead_after": 3,
    "dead_zero_layer": 3,
    "dead_after_zero_layer": 3,
    "no_gradient": 3,
    "no_examples": 2,
    "accumulated": 2,
    "accumulated_unregistered": 2,
    "accumulated_not_in_optimizer": 2,
    "not_in_optimizer": 2,
}

#: The sentences about what one layer shows (its own gradient, its dead units): symptoms.
_PER_LAYER = frozenset(GROUPED) - {
    "no_gradient",
    "accumulated",
    "accumulated_unregistered",
    "accumulated_not_in_optimizer",
    "not_in_optimizer",
}


def message_key(f: dict[str, Any], unregistered: Collection[str] = ()) -> str | None:
    """Which of the sentences in :data:`GROUPED` a finding says (the `graph.health.*` key it
    was written from), told by its kind and numbers; None for any other finding. A parameter
    of a module in `unregistered` (not registered in the model) has a sentence of its own.

    >>> message_key({"kind": "exploding", "module": "0", "rms": 3e25})
    'exploding_huge'
    >>> message_key({"kind": "dead", "module": "1", "dead": 19, "units": 64, "layer": "0 (Linear)"})
    'dead_after'
    >>> message_key({"kind": "exploding", "module": "0", "per_layer": 6.0}) is None
    True
    """
    kind, module = f.get("kind"), f.get("module")
    if "mean" in f and "std" in f:
        return None  # data or a target far from standardised: what explains the gradients
    if kind in ("vanishing", "exploding") and module and "per_layer" not in f:
        if not isinstance(f.get("rms"), (int, float)):
            return None  # not one layer's own gradient: values that grow, one op stopping all
        for how in ("equal", "shrunk"):  # weights whose values explain it (`_weight_causes`)
            if isinstance(f.get(how), str):
                return f"vanishing_{how}"
        if isinstance(f.get("zero_weight"), str):
            return "vanishing_zero_layer"  # a zero layer's doing (see `_zerolayer`)
        if f.get("zero_input"):
            return "vanishing_zero_input"
        if f.get("underflow"):
            return "vanishing_underflow"
        if kind == "exploding":
            return "exploding_huge"
        return "vanishing_zero" if f["rms"] == 0 else "vanishing_tiny"
    if kind == "dead" and isinstance(f.get("dead"), int) and isinstance(f.get("units"), int):
        cause = "_zero_layer" if isinstance(f.get("zero_weight"), str) else ""
        if isinstance(f.get("layer"), str):
            return f"dead_after{cause}"  # a functional relu, named by the layer feeding it
        return f"dead{cause}" if module and f["units"] else None
    if kind == "accumulated" and isinstance(f.get("name"), str):
        if f.get("not_in_optimizer"):
            return "accumulated_not_in_optimizer"
        return "accumulated_unregistered" if module in unregistered else "accumulated"
    if kind == "not_in_optimizer" and isinstance(f.get("name"), str):
        return "not_in_optimizer"
    if kind == "no_gradient" and module and f.get("no_examples"):
        return "no_examples"
    if kind == "no_gradient" and module and not {"name", "shape", "output_shape"} & set(f):
        return "no_gradient"
    return None


def rank(f: dict[str, Any], key: str | None = None) -> int:
    """Where a finding's line goes, causes before what they cause: 0 where the first NaN or
    infinity appears in the forward pass, 1 in the backward pass; 2 normalisation layers that
    never trained and a loss given the wrong input; 3 what explains the gradients (values that
    grow layer after layer, data far from standardised, one op that stops every gradient);
    4 mistakes of their own (a forgotten `zero_grad()`, weights all zero, a cut graph) and any
    other flag; 5 how the gradient shrinks or grows through the layers (or the steps of a recurrent
    layer); 6 dead units, which leave the layers before them without a gradient; 7 what each
    layer's gradient shows (tiny, huge, no examples in this batch; a BatchNorm on too small a
    batch that explains none of the others, `explains: false`). `key` is its
    :func:`message_key`.

    >>> rank({"kind": "inf", "where": "backward"}), rank({"kind": "inf", "where": "forward"})
    (1, 0)
    >>> rank({"kind": "exploding", "where": "forward", "factor": 6.0})
    3
    """
    kind = f.get("kind")
    if kind in ("nan", "inf"):
        return 0 if f.get("where") == "forward" else 1
    if kind in ("untrained_norm", "loss_input"):
        return 2
    if kind == "dead":
        return 6
    if key in _PER_LAYER or f.get("no_examples") or f.get("explains") is False:
        return 7
    if kind in ("vanishing", "exploding"):
        return 5 if ("per_layer" in f or "per_step" in f) and "mean" not in f else 3
    return 4


def shown_order(g: Graph, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`findings` of `g` in the order `summary()` lists them, which `health()` returns them in
    too: by :func:`rank`, causes before symptoms (dead units before the tiny gradients of the
    layers behind them), and within a rank where their nodes stand in the forward pass.

    >>> import torch, nngraph as ng
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    >>> g = ng.trace(model, torch.randn(3, 2), loss=lambda y: y.sum())
    >>> found = [{"kind": "vanishing", "module": "0", "rms": 0.0}, {"kind": "nan", "where": "forward"}]
    >>> [f["kind"] for f in shown_order(g, found)]
    ['nan', 'vanishing']
    """
    position = {n: i for i, n in enumerate(forward_order(g))}
    unregistered = unregistered_modules(g)
    placed = sorted(findings, key=lambda f: position.get(f.get("node"), len(position)))
    return sorted(placed, key=lambda f: rank(f, message_key(f, unregistered)))


def findings_head(count: int, lines: int) -> str:
    """The line above the findings: how many there are (as many as ``health()`` returns), and
    in how many lines when layers with the same finding share one.

    >>> findings_head(4, 2)
    'Findings (4, in 2 lines):'
    """
    if lines == count:
        return message("graph.summary.findings", count=count)
    if lines == 1:
        return message("graph.summary.findings_in_line", count=count)
    return message("graph.summary.findings_in_lines", count=count, lines=lines)


def findings_block(
    findings: list[dict[str, Any]],
    types: dict[str, str | None],
    unregistered: Collection[str] = (),
    *,
    unjudged: bool = False,
    in_order: bool = False,
) -> list[str]:
    """The findings as the summary shows them, each line `- [kind] sentence` (see
    :func:`finding_lines`), under :func:`findings_head`. Where `unjudged` (see
    `_health.sizes_unjudged`), a line after the one about accumulated gradients says that
    the gradient sizes were not judged: a re-run cell's vanishing gradients do not go in silence.
    `in_order` shows them as `health()` does: in the list's order, with the head only where
    lines merge findings (it says why the list is longer than what shows).

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> found = [{"kind": "accumulated", "module": "fc", "name": n, "message": "..."}
    ...          for n in ("fc.weight", "fc.bias")]
    >>> for line in findings_block(found, {}, unjudged=True, in_order=True):
    ...     print(line[:58])
    Findings (2, in one line):
    - [accumulated gradient] The .grad of each of 2 parameters
      The sizes of these gradients are not judged (vanishing o
    """
    lines = finding_lines(findings, types, unregistered, ranked=not in_order)
    shown = [
        one_line(
            message(
                "graph.summary.finding",
                kind=catalog_word("graphview.flag.kind", kind),
                message=text,
            )
        )
        for kind, text in lines
    ]
    if unjudged:
        kinds = [kind for kind, _ in lines]
        after = len(kinds) - kinds[::-1].index("accumulated") if "accumulated" in kinds else None
        shown.insert(len(shown) if after is None else after, message("graph.summary.unjudged"))
    if in_order and len(lines) == len(findings):
        return shown
    return [findings_head(len(findings), len(lines)), *shown]


def finding_lines(
    findings: list[dict[str, Any]],
    types: dict[str, str | None],
    unregistered: Collection[str] = (),
    *,
    ranked: bool = True,
) -> list[tuple[str, str]]:
    """`(kind, sentence)` for each line of the summary's findings, causes first (see
    :func:`rank`; findings of one rank keep their order), or in their order where not
    `ranked` (as `health()` lists them). The kind is the finding's, but
    `"data_scale"` for data far from standardised (an `exploding` finding of the schema,
    which a student reads better under a label of its own). The findings with one of the
    sentences of :data:`GROUPED`, enough of them, are one line where the first of them stands,
    naming them all: a 20-layer sigmoid net's 13 layers that "get an almost zero gradient"
    are one line, not 13. `types` gives the module types, `unregistered` the modules the
    model does not register (see :func:`message_key`)."""
    keys = [message_key(f, unregistered) for f in findings]
    # values that grow layer after layer explain the dead units (see `_dead`)
    grown = any(f.get("kind") == "exploding" and "factor" in f for f in findings)
    groups: dict[str, list[dict[str, Any]]] = {}
    for f, key in zip(findings, keys, strict=True):
        if key is not None:
            groups.setdefault(key, []).append(f)
    order = list(range(len(findings)))
    if ranked:
        order.sort(key=lambda i: rank(findings[i], keys[i]))
    lines: list[tuple[str, str]] = []
    for i in order:
        f, key = findings[i], keys[i]
        group = groups.get(key) if key is not None else None
        if group is None or len(group) < GROUPED[str(key)]:
            lines.append((flag_kind(f), f.get("message", "")))
        elif group[0] is f:
            lines.append((flag_kind(f), _group_text(str(key), group, types, grown=grown)))
    return lines


def _group_text(
    key: str, group: list[dict[str, Any]], types: dict[str, str | None], *, grown: bool = False
) -> str:
    """The `graph.summary.group.<key>` sentence for the findings of `group`: how many, the
    range of their numbers (gradient RMS, share of dead units), whose they are and, as the
    single findings do, what to do (for dead units where the values grow layer after layer,
    `grown`: that they follow from it, the `<key>_grown` sentence)."""
    fields: dict[str, Any] = {"count": len(group)}
    if key.startswith("accumulated") or key == "not_in_optimizer":
        fields["names"] = name_list([f["name"] for f in group])
    elif key == "dead_after":
        fields["layers"] = name_list([f["layer"] for f in group])
    else:
        fields["layers"] = layer_list([f["module"] for f in group], types)
    if key in ("vanishing_shrunk", "vanishing_equal"):  # the same weights for every layer
        how = key.removeprefix("vanishing_")
        fields[how] = group[0][how]
    if key.endswith("_zero_layer"):  # the zero layers they follow from
        zero = sorted({f["zero_weight"] for f in group}, key=natural_order)  # 0.weight, 2.weight
        fields["zero_weight"] = name_list(zero)
    if key.startswith("dead"):
        shares = [f["dead"] / f["units"] for f in group]
        fields["share"] = share_text(min(shares), max(shares))
        key += "_grown" if grown and key in ("dead", "dead_after") else ""
    elif key in ("vanishing_tiny", "vanishing_shrunk", "vanishing_equal", "exploding_huge"):
        fields.update(low=min(f["rms"] for f in group), high=max(f["rms"] for f in group))
    return message(f"graph.summary.group.{key}", **fields)


def natural_order(name: str) -> list[Any]:
    """A sort key that puts `layer2.weight` before `layer10.weight`: runs of digits count as
    numbers (they stand at the odd places of the split, so like is compared with like).

    >>> sorted(["layer10.weight", "layer2.weight"], key=natural_order)
    ['layer2.weight', 'layer10.weight']
    """
    return [int(part) if i % 2 else part for i, part in enumerate(re.split(r"(\d+)", name))]


def unregistered_modules(g: Graph) -> set[str]:
    """The modules that ran without being registered in the model (kept in a plain list)."""
    table = g.graph.get("modules") or {}
    return {path for path, entry in table.items() if entry.get("registered") is False}


def outside_model(params: Collection[dict[str, Any]], unregistered: Collection[str]) -> int:
    """How many elements of the parameter nodes `params` `model.parameters()` leaves out:
    those kept in a plain list (``registered: false``) and those of the modules in
    `unregistered` (see `unregistered_modules`) and below them.

    >>> outside_model([{"params": 8, "module": "Linear2"}, {"params": 3, "module": "fc"}], {"Linear2"})
    8
    """
    return sum(
        int(data.get("params") or numel(data.get("shape")))
        for data in params
        if data.get("registered") is False
        or any(path in unregistered for path in ancestors_of(owner_module(data)))
    )


def share_text(low: float, high: float) -> str:
    """The share of units a group's layers have dead: `41% to 69% of the units`, or, where
    every layer has the same share, `all of the units` or `50% of the units`.

    >>> from nngraph.i18n import set_language; set_language("en")
    >>> share_text(0.41, 0.69), share_text(1.0, 1.0), share_text(0.5, 0.5)
    ('41% to 69% of the units', 'all of the units', '50% of the units')
    """
    if f"{low:.0%}" != f"{high:.0%}":
        return message("graph.summary.group.share_range", low=low, high=high)
    if low == 1:
        return message("graph.summary.group.share_all")
    return message("graph.summary.group.share_one", low=low)


def layer_list(paths: list[str], types: dict[str, str | None]) -> str:
    """The modules a line names: `0, 2, 4 (Linear)` where all are of one type, else each with
    its own (`0 (Conv2d), 3 (Linear)`); a long list shortened (see `name_list`).

    >>> layer_list(["0", "2"], {"0": "Linear", "2": "Linear"}), layer_list(["0", "fc"], {"0": "Conv2d"})
    ('0, 2 (Linear)', '0 (Conv2d), fc')
    """
    kinds = {types.get(path) for path in paths}
    if len(kinds) == 1 and None not in kinds:
        return name_list(paths, kinds.pop())
    return name_list([layer_name(path, types) for path in paths])


def no_grad_layers(g: Graph) -> str:
    """The layers whose parameters require grad yet only ops autograd does not track read
    them, while another layer's are tracked: they ran under `torch.no_grad()` (a frozen
    feature extractor, a teacher, a DQN's target), get no gradient and learn nothing here.
    `health()` flags no such layer (it may well be meant); this line says it. `""` if none.

    >>> import torch, nngraph as ng
    >>> class Model(torch.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.frozen, self.head = torch.nn.Linear(3, 3), torch.nn.Linear(3, 1)
    ...     def forward(self, x):
    ...         with torch.no_grad():
    ...             x = self.frozen(x)
    ...         return self.head(x)
    >>> g = ng.trace(Model(), torch.randn(4, 3), loss=lambda out: out.sum())
    >>> no_grad_layers(g)
    'frozen (Linear)'
    """
    untracked: list[str] = []
    tracked = False
    for n in forward_order(g):
        data = g._node[n]
        readers = [g._node[s] for s in g._succ[n]]
        if data.get("kind") != "param" or not data.get("requires_grad") or not readers:
            continue
        if any(reader.get("tracked") for reader in readers):
            tracked = True
        elif owner_module(data) not in untracked:
            untracked.append(owner_module(data))
    return layer_list(untracked, module_types(g)) if tracked and untracked else ""
