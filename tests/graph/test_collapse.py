"""collapse(), fold_repeats() and param_counts(): what a student sees when a model is folded."""

from __future__ import annotations

import sys

import networkx as nx
import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph.graph import Graph
from tests.capture.zoo import CASES, make, total
from tests.graph.conftest import Build, chain, deep_sigmoid, stats

SCHEMA = {
    "kind", "label", "op", "backward", "tracked", "module", "module_type", "name", "shape",
    "dtype", "device", "requires_grad", "value", "grad", "seq", "backward_order", "call",
    "dead", "params", "flags", "repeat",
}  # fmt: skip


def two_blocks() -> Graph:
    """x -> enc (enc.fc Linear + enc.act ReLU) -> head (Linear) -> output."""
    modules = {
        "": {"type": "Net", "params": 50},
        "enc": {"type": "Encoder", "params": 40},
        "enc.fc": {"type": "Linear", "params": 40},
        "enc.act": {"type": "ReLU", "params": 0},
        "head": {"type": "Linear", "params": 9},
    }
    b = Build(modules)
    x = b.input([8, 4])
    h = b.linear(x, "enc.fc", 4, 8)
    h = b.op("relu", h, module="enc.act", module_type="ReLU", shape=[8, 8], grad=stats(3.0))
    h = b.linear(h, "head", 8, 1)
    b.output(h)
    return b.g


def boxes(g: Graph) -> dict[str, dict]:
    return {n: d for n, d in g.nodes(data=True) if d["kind"] == "module"}


def test_depth_0_makes_each_top_level_module_one_box():
    h = two_blocks().collapse(depth=0)
    assert set(boxes(h)) == {"m:enc", "m:head"}
    enc = h.nodes["m:enc"]
    assert (enc["label"], enc["module"], enc["module_type"]) == ("Encoder", "enc", "Encoder")
    assert enc["params"] == 40
    assert enc["shape"] == [8, 8]  # the output of its last op (the ReLU)
    assert enc["grad"] == stats(3.0)
    assert [h.nodes[n]["kind"] for n in nx.topological_sort(h)] == [
        "input", "module", "module", "output"
    ]  # fmt: skip


def test_depth_1_opens_top_level_modules():
    h = two_blocks().collapse(depth=1)
    assert set(boxes(h)) == {"m:enc.fc", "m:enc.act"}
    # `head` is a leaf at depth 1: its op and parameters stay visible
    assert {d["name"] for _, d in h.nodes(data=True) if d["kind"] == "param"} == {
        "head.weight", "head.bias"
    }  # fmt: skip


def test_edges_between_boxes_are_kept_without_self_loops():
    h = two_blocks().collapse(depth=0)
    assert nx.number_of_selfloops(h) == 0
    assert h.has_edge("m:enc", "m:head")
    assert nx.is_directed_acyclic_graph(h)


def test_parameters_fold_into_their_module():
    h = two_blocks().collapse(depth=0)
    assert not [n for n, d in h.nodes(data=True) if d["kind"] == "param"]


def test_every_schema_attribute_is_on_boxes_and_result_is_a_graph():
    h = two_blocks().collapse(depth=0)
    assert type(h) is Graph
    for _, data in h.nodes(data=True):
        assert set(data) >= SCHEMA
    assert h.graph["outputs"] == two_blocks().graph["outputs"]


def test_collapse_leaves_the_original_alone():
    g = two_blocks()
    before = nx.to_dict_of_lists(g), dict(g.nodes(data=True))
    h = g.collapse(depth=0)
    h.nodes["m:enc"]["flags"].append({"kind": "note"})
    for n in h:
        if n in g:
            h.nodes[n]["flags"].append({"kind": "note"})
    assert (nx.to_dict_of_lists(g), dict(g.nodes(data=True))) == before
    assert all(d["flags"] == [] for _, d in g.nodes(data=True))


def test_flags_of_folded_nodes_are_merged_into_the_box():
    g = two_blocks()
    relu = next(n for n, d in g.nodes(data=True) if d["op"] == "relu")
    g.nodes[relu]["flags"] = [{"kind": "dead", "message": "m"}]
    assert g.collapse(depth=0).nodes["m:enc"]["flags"] == [{"kind": "dead", "message": "m"}]


def test_params_are_summed_from_parameter_nodes_without_module_table():
    g = two_blocks()
    g.graph["modules"] = {}
    h = g.collapse(depth=0)
    assert h.nodes["m:enc"]["params"] == 4 * 8 + 8
    assert (h.nodes["m:enc"]["label"], h.nodes["m:enc"]["module_type"]) == ("enc", None)


def test_negative_depth_is_an_error():
    with pytest.raises(ng.NNGraphError, match="depth"):
        two_blocks().collapse(depth=-1)


def test_param_counts_from_the_module_table_and_from_parameter_nodes():
    g = two_blocks()
    assert g.param_counts()["enc"] == 40
    g.graph["modules"] = {}
    counts = g.param_counts()
    assert counts == {"enc.fc": 40, "enc": 40, "head": 9, "": 49}


# -- fold_repeats ----------------------------------------------------------------------------


def stack(widths: list[int], *, parent: str = "blocks") -> Graph:
    """x -> Linear blocks `parent.0`, `parent.1`, ... of the given output widths -> output."""
    b = Build({parent: {"type": "Sequential", "params": 0}})
    h, n_in = b.input([2, 4]), 4
    for i, n_out in enumerate(widths):
        path = f"{parent}.{i}"
        b.g.graph["modules"][path] = {"type": "Block", "params": n_in * n_out + n_out}
        h = b.linear(h, path, n_in, n_out, batch=2)
        n_in = n_out
    b.output(h)
    return b.g


def test_identical_blocks_in_series_fold_into_one_box():
    h = stack([4, 4, 4, 4]).collapse(depth=1)
    (box,) = boxes(h).items()
    n, data = box
    assert n == "m:blocks.0"  # the id of its first block
    assert (data["label"], data["repeat"], data["params"]) == ("Block x4", 4, 80)
    assert list(nx.topological_sort(h))[1] == n


def test_blocks_with_other_parameter_shapes_do_not_fold():
    h = stack([4, 4, 8, 8, 8]).collapse(depth=1)
    # 4->4, 4->4 | 4->8 | 8->8, 8->8
    assert [(d["label"], d["repeat"]) for d in boxes(h).values()] == [
        ("Block x2", 2), ("Block", 1), ("Block x2", 2)
    ]  # fmt: skip


def test_fold_repeats_false_keeps_every_block():
    h = stack([4, 4, 4]).collapse(depth=1, fold_repeats=False)
    assert len(boxes(h)) == 3
    assert len(boxes(h.fold_repeats())) == 1


def test_blocks_that_branch_are_not_a_chain():
    g = stack([4, 4, 4])
    b0_out = next(n for n, d in g.nodes(data=True) if d["module"] == "blocks.0" and d["op"])
    g.add_node("side", **{**g.nodes[b0_out], "module": "", "op": "sum", "label": "sum"})
    g.add_edge(b0_out, "side")  # blocks.0 also feeds something else
    h = g.collapse(depth=1)
    assert sorted(d["repeat"] for d in boxes(h).values()) == [1, 2]


def test_blocks_of_different_parents_do_not_fold():
    # copied first, so that each edge keeps its `operand` through networkx's union and
    # contraction, which add the edges again in another order (docs/schema.md, Edges)
    g = stack([4, 4]).copy()
    g2 = nx.relabel_nodes(stack([4, 4], parent="other").copy(), lambda n: "o" + n)
    both = nx.union(g, g2)
    # feed the first stack's output into the second stack
    out1 = g.graph["outputs"][0]
    x2 = next(n for n, d in g2.nodes(data=True) if d["kind"] == "input")
    both = nx.contracted_nodes(both, out1, x2, self_loops=False)
    both.graph["modules"] = {**g.graph["modules"], **g2.graph["modules"]}
    labels = sorted(d["label"] for d in boxes(Graph(both).collapse(depth=1)).values())
    assert labels == ["Block x2", "Block x2"]


def test_alternating_children_fold_as_one_periodic_run():
    g = chain(5000)
    assert g.number_of_nodes() == 20002
    h = g.collapse(depth=0)
    assert [d["kind"] for d in h.nodes.values()] == ["input", "module", "output"]
    (data,) = boxes(h).values()
    assert data["label"] == "(Linear, ReLU) x5000"
    assert data["repeat"] == 5000
    assert data["params"] == 5000 * 72
    assert data["shape"] == [2, 8]


def test_periods_up_to_four_are_found():
    b = Build()
    h = b.input([2, 4])
    types = ["Linear", "ReLU", "Dropout"] * 4
    for i, kind in enumerate(types):
        b.g.graph["modules"][str(i)] = {"type": kind, "params": 0}
        h = b.op(kind.lower(), h, module=str(i), module_type=kind, shape=[2, 4])
    b.output(h)
    (data,) = boxes(b.g.collapse(depth=0)).values()
    assert (data["label"], data["repeat"]) == ("(Linear, ReLU, Dropout) x4", 4)


# -- real models -----------------------------------------------------------------------------


class BasicBlock(nn.Module):
    def __init__(self, n_in: int, n_out: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(n_in, n_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(n_out)
        self.conv2 = nn.Conv2d(n_out, n_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(n_out)
        self.downsample = (
            nn.Sequential(nn.Conv2d(n_in, n_out, 1, stride, bias=False), nn.BatchNorm2d(n_out))
            if stride != 1 or n_in != n_out
            else None
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return torch.relu(out + identity)


def small_resnet() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.Sequential(BasicBlock(8, 8), BasicBlock(8, 8), BasicBlock(8, 8)),
        nn.Sequential(BasicBlock(8, 16, stride=2), BasicBlock(16, 16)),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 10),
    )


def test_resnet_blocks_fold_at_depth_1():
    model = small_resnet()
    g = ng.trace(model, torch.randn(2, 3, 16, 16), loss=lambda y: y.sum())
    h = g.collapse(depth=1)
    labels = {n: (d["label"], d["repeat"]) for n, d in boxes(h).items()}
    assert labels == {
        "m:3.0": ("BasicBlock x3", 3),
        "m:4.0": ("BasicBlock", 1),  # has a downsample: not the same block as 4.1
        "m:4.1": ("BasicBlock", 1),
    }
    assert h.nodes["m:3.0"]["params"] == 3 * sum(p.numel() for p in model[3][0].parameters())
    assert h.nodes["m:4.1"]["shape"] == [2, 16, 8, 8]
    assert nx.is_directed_acyclic_graph(h)
    assert nx.has_path(h, "m:3.0", "m:4.0") and nx.has_path(h, "m:4.0", "m:4.1")
    top = {d["label"] for d in boxes(g.collapse(depth=0)).values()}
    assert top == {"Conv2d", "BatchNorm2d", "ReLU", "Sequential", "AdaptiveAvgPool2d", "Flatten",
                   "Linear"}  # fmt: skip


def test_param_counts_match_the_model():
    model = small_resnet()
    g = ng.trace(model, torch.randn(2, 3, 16, 16))
    counts = g.param_counts()
    for path, module in model.named_modules():
        assert counts[path] == sum(p.numel() for p in module.parameters()), path


@pytest.mark.slow
def test_traced_chain_of_5000_blocks_folds_to_one_box():
    layers: list[nn.Module] = []
    for _ in range(5000):
        layers += [nn.Linear(4, 4), nn.ReLU()]
    g = ng.trace(nn.Sequential(*layers), torch.randn(2, 4), loss=lambda y: y.sum())
    h = g.collapse(depth=0)
    (data,) = boxes(h).values()
    assert (data["label"], data["repeat"], data["params"]) == ("(Linear, ReLU) x5000", 5000, 100000)
    assert h.number_of_nodes() < 10


def test_graph_of_parameters_without_ops_stay_visible():
    # graph_of knows whose parameters they are but not which module ran each op:
    # a box holding only parameters would hide them for nothing
    model = small_resnet()
    g = ng.graph_of(model(torch.randn(2, 3, 16, 16)).sum(), params=model)
    h = g.collapse(depth=0)
    assert not boxes(h)
    assert h.number_of_nodes() == g.number_of_nodes()


# -- folding never draws a cycle ------------------------------------------------------------


class ResidualStack(nn.Module):
    """`x = x + layer(x)` over a ModuleList: the adds run in the parent, between children."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(4, 4) for _ in range(3))
        self.head = nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = x + layer(x)
        return self.head(x)


class CalledTwice(nn.Module):
    """One block applied twice with the parent's own op in between."""

    def __init__(self) -> None:
        super().__init__()
        self.block = nn.Sequential(nn.Linear(4, 4), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block(self.block(x) * 2)


def test_a_module_list_joined_by_its_parent_opens_into_its_children():
    g = ng.trace(ResidualStack(), torch.randn(2, 4), loss=lambda y: y.sum())
    h = g.collapse(depth=0, fold_repeats=False)
    assert nx.is_directed_acyclic_graph(h)
    assert set(boxes(h)) == {"m:layers.0", "m:layers.1", "m:layers.2", "m:head"}
    assert nx.has_path(h, "m:layers.0", "m:layers.2")


def test_a_module_called_twice_around_a_parent_op_gets_a_box_per_call():
    g = ng.trace(CalledTwice(), torch.randn(2, 4), loss=lambda y: y.sum())
    for depth in (0, 1):
        h = g.collapse(depth=depth, fold_repeats=False)
        assert nx.is_directed_acyclic_graph(h), depth
        assert all(h.nodes[n]["module"].startswith("block") for n in boxes(h))
    h = g.collapse(depth=0, fold_repeats=False)
    assert set(boxes(h)) == {"m:block", "m:block#2"}
    assert h.nodes["m:block"]["call"] < h.nodes["m:block#2"]["call"]
    # the shared weights are drawn once, inside the first call's box
    assert not [n for n, d in h.nodes(data=True) if d["kind"] == "param"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_depth_of_every_zoo_model_is_a_dag(name: str):
    model, args, kwargs = make(name)
    g = ng.trace(model, *args, loss=total, **kwargs)
    deepest = max((p.count(".") + 1 for p in g.graph["modules"] if p), default=0)
    for depth in range(deepest + 1):
        h = g.collapse(depth=depth)
        assert nx.is_directed_acyclic_graph(h), depth
        assert set(h.nodes) <= set(g.nodes) | {n for n in h if str(n).startswith("m:")}


class JoinedByCat(nn.Module):
    """A U-Net's decoder in miniature: the parent joins a ModuleList's layers with `cat`, so
    one stretch of calls holds two different layers (ups.1 then ups.2)."""

    def __init__(self) -> None:
        super().__init__()
        self.ups = nn.ModuleList([nn.Linear(4, 4), nn.Linear(8, 4), nn.Linear(4, 4)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.ups[0](x)
        y = self.ups[2](self.ups[1](torch.cat([y, x], dim=1)))
        return torch.cat([y, x], dim=1).sum(dim=1)


def test_a_module_list_whose_layers_mix_in_stretches_still_opens_into_its_layers():
    model = JoinedByCat()
    g = ng.trace(model, torch.randn(2, 4), loss=lambda y: y.sum())
    h = g.collapse(depth=0, fold_repeats=False)
    assert nx.is_directed_acyclic_graph(h)
    assert set(boxes(h)) == {"m:ups.0", "m:ups.1", "m:ups.2"}
    assert sum(d["params"] for d in boxes(h).values()) == sum(p.numel() for p in model.parameters())


def test_only_the_first_call_of_a_module_counts_its_parameters():
    g = ng.trace(CalledTwice(), torch.randn(2, 4), loss=lambda y: y.sum())
    h = g.collapse(depth=0, fold_repeats=False)
    assert (h.nodes["m:block"]["params"], h.nodes["m:block#2"]["params"]) == (20, 0)


class _SharedLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        layer = nn.Linear(6, 6)  # one layer in two branches
        self.a = nn.Sequential(layer, nn.ReLU())
        self.b = nn.Sequential(layer, nn.Tanh())
        self.head = nn.Linear(6, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.b(self.a(x)))


class Tied(nn.Module):
    """An embedding whose output layer reuses its weight (a language model's tied head)."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(10, 6)
        self.out = nn.Linear(6, 10, bias=False)
        self.out.weight = self.emb.weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.emb(x))


@pytest.mark.parametrize("model", [_SharedLayer, Tied])
def test_a_shared_parameter_counts_once_and_parents_hold_their_children(model: type):
    m = model()
    x = torch.randint(0, 10, (4, 3)) if model is Tied else torch.randn(4, 6)
    g = ng.trace(m, x, loss=lambda o: o.pow(2).mean())
    table, total = g.graph["modules"], sum(p.numel() for p in m.parameters())
    assert table[""]["params"] == total
    for path, entry in table.items():
        if path:  # a parent never holds fewer than a child
            assert table[path.rpartition(".")[0]]["params"] >= entry["params"]
        uses = sum(p.numel() for p in m.get_submodule(path).parameters())
        assert entry["params"] + entry.get("shared", 0) == uses  # the rest is said shared
    assert Graph.from_json(g.to_json()).graph["modules"] == table
    for depth in range(3):
        h = g.collapse(depth)
        boxes = sum(d["params"] for _, d in h.nodes(data=True) if d["kind"] == "module")
        assert boxes <= total


def test_true_or_false_options_refuse_anything_else():
    g = ng.trace(nn.Sequential(nn.Linear(3, 2)), torch.randn(1, 3))
    with pytest.raises(
        ng.NNGraphError, match=r"collapse\(fold_repeats=...\) must be True or False"
    ):
        g.collapse(0, fold_repeats="no")  # type: ignore[arg-type]
    with pytest.raises(ng.NNGraphError, match=r"to_dot\(clusters=...\) must be True or False"):
        g.to_dot(clusters=0)  # type: ignore[arg-type]
    for indent in (1.5, -1, True):
        with pytest.raises(ng.NNGraphError, match=r"to_json\(indent=...\) needs None or a whole"):
            g.to_json(indent=indent)  # type: ignore[arg-type]


def test_a_collapsed_summary_names_the_layers_whether_or_not_health_ran_before():
    fresh = deep_sigmoid(30, width=16, batch=8).collapse(0)
    assert any(d["kind"] == "module" for _, d in fresh.nodes(data=True))  # layers in a box
    checked = deep_sigmoid(30, width=16, batch=8)
    found = checked.health()
    tiny = [f["module"] for f in found if f["kind"] == "vanishing" and "per_layer" not in f]
    assert len(tiny) >= 3 and len(set(tiny)) == len(tiny)
    stored = checked.collapse(0)  # carries the findings health() stored into its boxes
    assert stored.summary() == fresh.summary()
    (line,) = [line for line in stored.summary().splitlines() if "modules 0" in line]
    assert f"modules {', '.join(tiny)} (Linear). " in line  # not "0, 0, 0, ..."
    back = Graph.from_json(stored.to_json())  # only what the boxes carry is known there
    assert ", ".join(tiny) in back.summary()


@pytest.mark.parametrize("kept", ["copy", "json", "relabel", "graph", "subgraph"])
def test_a_collapsed_copy_never_gives_a_false_all_clear(kept: str):
    # a copy, JSON, relabelled ids, ng.Graph(c), a subgraph's copy: the layers inside the boxes
    # are gone; health() said "Findings: none (no vanishing ...)" and kept saying it
    g = deep_sigmoid(10, width=16, batch=8)
    assert any(f["kind"] == "vanishing" for f in g.collapse(0).health())

    def keep(c: Graph) -> Graph:
        made = {
            "copy": c.copy,
            "json": lambda: Graph.from_json(c.to_json()),
            "relabel": lambda: nx.relabel_nodes(c, lambda n: f"{n}!"),
            "graph": lambda: Graph(c),
            "subgraph": lambda: c.subgraph(list(c)).copy(),
        }[kept]()
        assert isinstance(made, Graph)
        return made

    unchecked = keep(g.collapse(0))
    found = unchecked.health()
    assert found == []
    assert str(found).startswith("Findings: none visible here;")  # as summary() says it
    assert "call g.health() before collapse()" in str(found)
    for _ in range(2):  # and health() stored no all-clear for summary() to repeat
        assert unchecked.summary().splitlines()[-1] == str(found)
    g.health()  # looked inside before collapse(): the boxes carry what it found
    checked = keep(g.collapse(0))
    assert any(f["kind"] == "vanishing" for f in checked.health())


class _Residual(nn.Module):
    """`norm(x + f(x))`, or `norm(f(x) + x)`: the add reads a box and a node kept as it is."""

    def __init__(self, input_first: bool) -> None:
        super().__init__()
        self.f, self.norm, self.input_first = nn.Linear(8, 8), nn.LayerNorm(8), input_first

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x + self.f(x) if self.input_first else self.f(x) + x)


@pytest.mark.parametrize("input_first", [True, False])
def test_a_kept_node_reads_its_inputs_in_the_same_order_after_a_copy_or_json(input_first: bool):
    """Sweep s46 (export, 1): the edges into a node kept as it is were added again in the
    order of their sources, so `g.collapse(0)` and `g.copy().collapse(0)` (or JSON) gave the
    add's two inputs other `operand`s."""
    g = ng.trace(_Residual(input_first), torch.randn(2, 8), loss=lambda y: y.pow(2).sum())

    def add_reads(h: Graph) -> list[str]:
        edges = [e for e in h.to_dict()["edges"] if h.nodes[e["target"]]["op"] == "add"]
        return [h.nodes[e["source"]]["label"] for e in sorted(edges, key=lambda e: e["operand"])]

    expected = ["x", "Linear"] if input_first else ["Linear", "x"]
    for kept in (g, g.copy(), Graph.from_json(g.to_json())):
        assert add_reads(kept.collapse(0)) == expected
        assert add_reads(kept.collapse(0, fold_repeats=False)) == expected


@pytest.mark.parametrize("model", [ResidualStack(), CalledTwice()], ids=type)
def test_one_folding_gives_each_depth_as_collapse_does(model: nn.Module):
    """The picture tries one depth after another with one `Folding` (what every depth needs,
    worked out once): each depth, tangled boxes split included, is the graph `collapse` gives,
    whichever depths came before."""
    from nngraph.graph._collapse import Folding, collapse

    g = ng.trace(model, torch.randn(2, 4), loss=lambda y: y.sum())
    folding = Folding(g)
    for depth in (2, 0, 1, 0):
        h = folding.collapse(depth)
        assert h.to_json() == collapse(g, depth).to_json(), depth
        assert list(h.edges(data=True)) == list(collapse(g, depth).edges(data=True)), depth


def test_the_module_table_of_a_model_nested_300_deep_gives_each_box_its_submodules():
    """Found by binary search in the sorted paths (walking every module up to the root took
    the picture of a model nested 500 deep 36 s, zoo sweep): the boxes of two models that
    differ only in a Dropout's `p` deep inside do not fold together, and each box counts
    every module below it."""
    from tests.capture.test_models import nested

    def deep_block(p: float) -> nn.Module:
        inner = nested(300)
        inner[0].extra = nn.Dropout(p)  # registered, never run: only the module table holds it
        return nn.Sequential(inner)

    model = nn.Sequential(deep_block(0.1), deep_block(0.1), deep_block(0.5))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10000))  # 302 module calls, one inside another
    try:
        g = ng.trace(model, torch.randn(2, 4), loss=lambda y: y.sum())
    finally:
        sys.setrecursionlimit(limit)
    h = g.collapse(depth=0)
    labels = sorted(d["label"] for _, d in h.nodes(data=True) if d["kind"] == "module")
    assert labels == ["Sequential", "Sequential x2"]
