"""to_dot(), to_json()/to_dict()/from_json() and save(): files a student can open anywhere."""

from __future__ import annotations

import contextlib
import json
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.graph import Graph
from tests.graph.conftest import Build, stats

HOSTILE = [
    '"<img src=x onerror=alert(1)>"',
    'quote"d',
    "back\\slash\\",
    "brace{s}[x];",
    "new\nline",
    "zażółć 日本 🙂",
    "\\N\\G\\l",
    "a & b &amp; c",
    "<<>>",
    "not\ufffea\uffffcharacter",  # not allowed anywhere in XML
    "run\u202eA1",  # turns the rest of a line right to left (sweep s41 esc, finding 3)
]


def shown_as(name: str) -> str:
    """How a name reads in a drawing: newlines and marks that turn text around visible,
    non-characters as U+FFFD."""
    shown = name.replace("\n", "\\n").replace("\u202e", "\\u202e")
    return shown.replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd")


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def hostile_graph(name: str) -> Graph:
    """A graph where the input, a module, a parameter and an op are all called `name`."""
    b = Build({"": {"type": name, "params": 6}, name: {"type": name, "params": 6}})
    x = b.input([2, 2], name=name, label=name)
    w = b.param(f"{name}.weight", [2, 2], label=name)
    b.g.nodes[w]["module"] = name
    y = b.op(name, x, w, module=name, module_type=name, shape=[2, 2], label=name)
    b.output(y)
    return b.g


# -- a DOT reader following Graphviz's own lexical rules ---------------------------------------

_TOKEN = re.compile(
    r"""(?P<skip>\s+|//[^\n]*|/\*.*?\*/)
      | (?P<arrow>->|--)
      | (?P<punct>[{}\[\];,=:])
      | (?P<quoted>"(?:\\"|[^"])*")
      | (?P<html><)
      | (?P<id>[A-Za-z_\x80-\uffff][\w\x80-\uffff]*|-?(?:\.\d+|\d+(?:\.\d*)?))""",
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        assert m, f"DOT lexer stuck at {text[i : i + 30]!r}"
        kind = m.lastgroup
        assert kind is not None
        if kind == "html":  # <...> with balanced angle brackets
            depth, j = 0, i
            while True:
                assert j < len(text), "unterminated HTML string"
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            out.append(("html", text[i + 1 : j - 1]))
            i = j
            continue
        if kind != "skip":
            out.append((kind, m.group()))
        i = m.end()
    return out


def parse_dot(text: str) -> dict[str, Any]:
    """Parse DOT (the subset of the grammar to_dot uses and then some); returns node
    attributes, edges and cluster labels, and fails on anything malformed."""
    toks = tokens(text)
    pos = 0
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str]] = []
    clusters: list[str] = []

    def peek() -> tuple[str, str]:
        return toks[pos] if pos < len(toks) else ("eof", "")

    def take(kind: str | None = None, value: str | None = None) -> tuple[str, str]:
        nonlocal pos
        tok = peek()
        assert kind is None or tok[0] == kind, f"expected {kind}, got {tok}"
        assert value is None or tok[1] == value, f"expected {value}, got {tok}"
        pos += 1
        return tok

    def ident() -> str:
        kind, value = take()
        assert kind in ("id", "quoted", "html"), f"expected an ID, got {(kind, value)}"
        return value

    def attr_list() -> dict[str, str]:
        attrs = {}
        while peek() == ("punct", "["):
            take()
            while peek() != ("punct", "]"):
                key = ident()
                take("punct", "=")
                attrs[key] = ident()
                if peek()[1] in (",", ";"):
                    take()
            take("punct", "]")
        return attrs

    def stmt_list(in_cluster: bool) -> None:
        while peek() != ("punct", "}"):
            if peek() == ("id", "subgraph"):
                take()
                name = ident()
                take("punct", "{")
                stmt_list(name.strip('"').startswith("cluster"))
                take("punct", "}")
            elif peek()[1] in ("graph", "node", "edge") and toks[pos + 1] == ("punct", "["):
                take()
                attr_list()
            else:
                first = ident()
                if peek() == ("punct", "="):
                    take()
                    value = ident()
                    if first == "label" and in_cluster:
                        clusters.append(value)
                elif peek()[0] == "arrow":
                    take()
                    edges.append((first, ident()))
                    attr_list()
                else:
                    nodes[first] = attr_list()
            if peek() == ("punct", ";"):
                take()

    take("id", "digraph")
    if peek()[0] != "punct":
        ident()
    take("punct", "{")
    stmt_list(False)
    take("punct", "}")
    assert peek()[0] == "eof"
    return {"nodes": nodes, "edges": edges, "clusters": clusters}


def label_text(html_label: str) -> str:
    """The text a Graphviz HTML-like label shows (lines joined with "|")."""
    root = ET.fromstring(f"<root>{html_label.replace('<BR/>', '|')}</root>")
    return "".join(root.itertext())


# -- DOT -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_escaped(name: str):
    dot = hostile_graph(name).to_dot()
    assert dot.isascii()
    parsed = parse_dot(dot)
    assert len(parsed["nodes"]) == 4 and len(parsed["edges"]) == 3
    shown = shown_as(name)
    texts = [label_text(attrs["label"]) for attrs in parsed["nodes"].values()]
    assert sum(shown in text.replace("\u200b", "") for text in texts) == 3  # input, param, op
    clusters = [label_text(c).replace("\u200b", "") for c in parsed["clusters"]]
    assert clusters == [f"{shown} ({shown})"]
    assert "<img" not in dot


@pytest.mark.parametrize(
    "bad",
    [
        "sideways",
        None,
        ["LR"],
        np.array(["LR", "TB"]),
        torch.tensor([1.0, 2.0]),
        torch.tensor([[0.0, 1.0]]).to_sparse(),
    ],
    ids=["text", "None", "list", "numpy", "tensor", "sparse tensor"],
)
def test_to_dot_refuses_a_rankdir_other_than_the_four_directions(bad: Any):
    """A numpy array gave numpy's "truth value ... is ambiguous" (sweep W, bug 6)."""
    g = graph_with_nan()
    with pytest.raises(ng.NNGraphError, match=r"to_dot\(rankdir=\.\.\.\) must be TB, LR, BT or RL"):
        g.to_dot(rankdir=bad)
    assert 'rankdir="LR"' in g.to_dot(rankdir="LR")


def test_dot_draws_clusters_per_module_and_colours_by_kind():
    b = Build(
        {"enc": {"type": "Encoder", "params": 12}, "enc.fc": {"type": "Linear", "params": 12}}
    )
    x = b.input([2, 3])
    y = b.linear(x, "enc.fc", 3, 3, batch=2)
    b.output(y)
    parsed = parse_dot(b.g.to_dot())
    # inside a frame, a frame or parameter is named by what the frame around it does not say,
    # as the live view names them
    assert [label_text(c) for c in parsed["clusters"]] == ["enc (Encoder)", "fc (Linear)"]
    by_label = {label_text(a["label"]): a for a in parsed["nodes"].values()}
    assert by_label["linear|[2, 3]"]["fillcolor"] == '"#ffffff"'
    assert by_label["x|[2, 3]"]["fillcolor"] == '"#cfe8fc"'
    assert by_label["weight|[3, 3]"]["fillcolor"] == '"#fff2b3"'
    flat = parse_dot(b.g.to_dot(clusters=False))
    assert flat["clusters"] == []
    assert "enc.fc.weight|[3, 3]" in {label_text(a["label"]) for a in flat["nodes"].values()}


def test_dot_draws_ops_autograd_never_saw_dashed_and_says_so():
    w, xs = torch.randn(3, requires_grad=True), torch.randn(3)
    with ng.record() as rec:
        with torch.no_grad():
            scale = w.abs().max()
        (w / scale * xs).sum().backward()
    by_op = {
        label_text(a["label"]).split("|")[0]: a
        for a in parse_dot(rec.graph.to_dot())["nodes"].values()
    }
    for op in ("abs", "max"):  # under no_grad
        assert "dashed" in by_op[op]["style"]
        assert "untracked: no gradient" in label_text(by_op[op]["label"])
    for op in ("div", "mul", "sum"):
        assert "style" not in by_op[op]
        assert "untracked" not in label_text(by_op[op]["label"])


def test_dot_draws_a_result_nothing_used_dashed() -> None:
    class Recurrent(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn, self.fc = nn.GRU(4, 3, batch_first=True), nn.Linear(3, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h, _ = self.rnn(x)  # the last hidden state is thrown away
            return self.fc(h[:, -1])

    g = ng.trace(Recurrent(), torch.randn(2, 5, 4), loss=lambda y: y.pow(2).mean())
    outputs = [a for a in parse_dot(g.to_dot())["nodes"].values() if "output" in a["label"]]
    assert len(outputs) == 2  # the model's result, and the hidden state nobody reads
    assert sorted("dashed" in a.get("style", "") for a in outputs) == [False, True]
    # renamed nodes (networkx.relabel_nodes) no longer match g.graph["unused"]: the picture
    # cannot dash the hidden state, and says so below it instead of drawing it as a result
    assert not [line for line in g.to_dot().splitlines() if line.startswith("  label=")]
    renamed = nx.convert_node_labels_to_integers(g).to_dot()
    assert renamed.splitlines()[-2] == (
        "  label=<The node ids in g.graph[&quot;unused&quot;] are not in this graph (its nodes"
        ' were renamed): results nothing used are not drawn dashed>; labelloc="b";'
        ' fontcolor="#d62728";'
    )


def test_collapsed_boxes_show_type_path_shape_and_params():
    b = Build({"enc": {"type": "Encoder", "params": 12}})
    y = b.linear(b.input([2, 3]), "enc", 3, 3, batch=2)
    b.output(y)
    b.g.nodes[y]["flags"] = [{"kind": "dead"}]
    parsed = parse_dot(b.g.collapse(depth=0).to_dot())
    texts = {label_text(a["label"]): a for a in parsed["nodes"].values()}
    box = texts["Encoder|enc|[2, 3]|12 params|⚠ dead"]
    assert box["color"] == '"#d62728"'


def test_a_box_using_a_tied_weight_says_so_in_its_label():
    emb, out = nn.Embedding(10, 6), nn.Linear(6, 10, bias=False)
    out.weight = emb.weight
    g = ng.trace(nn.Sequential(emb, out), torch.randint(0, 10, (4, 3)))
    assert "0 (+60 shared) params" in g.collapse(depth=0).to_dot()


@needs_dot
@pytest.mark.parametrize("name", HOSTILE)
def test_graphviz_draws_hostile_names(name: str):
    done = subprocess.run(
        ["dot", "-Tsvg"], input=hostile_graph(name).to_dot(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    svg = ET.fromstring(done.stdout.encode())  # well-formed: nothing escaped into markup
    texts = [
        (t.text or "").replace("\u200b", "") for t in svg.iter("{http://www.w3.org/2000/svg}text")
    ]
    assert shown_as(name) in texts


@needs_dot
@pytest.mark.parametrize("name", ["a" * 10_000, "ą" * 3_000], ids=["long", "long-non-ascii"])
def test_graphviz_draws_a_model_whose_names_are_very_long(name: str, tmp_path: Path):
    """Graphviz refuses a label over 16,384 characters: long names are cut in the middle."""
    inner = nn.Sequential()
    inner.add_module(name, nn.Linear(2, 2))
    model = nn.Sequential()
    model.add_module(name, inner)
    g = ng.trace(model, torch.randn(3, 2), loss=lambda y: y.sum())
    for graph in (g, g.collapse(depth=1)):
        done = subprocess.run(
            ["dot", "-Tsvg"], input=graph.to_dot(), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[:300]
    g.save(tmp_path / "long.svg")
    assert "…" in (tmp_path / "long.svg").read_text()


@needs_dot
def test_model_with_a_script_tag_for_a_module_name_draws(tmp_path: Path):
    model = nn.Sequential()
    model.add_module("<img src=x onerror=alert(1)>", nn.Linear(2, 2))
    g = ng.trace(model, torch.randn(3, 2), loss=lambda y: y.sum())
    for graph in (g, g.collapse(depth=0)):
        path = graph.save(tmp_path / "net.svg")
        svg = path.read_text()
        assert "<img" not in svg
        assert "&lt;img src=x onerror=alert(1)&gt;" in svg
        ET.fromstring(svg.encode())


# -- JSON ------------------------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    """Equal, counting NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def graph_with_nan() -> Graph:
    b = Build({"": {"type": "Net", "params": 12}, "fc": {"type": "Linear", "params": 12}})
    y = b.linear(b.input([2, 3]), "fc", 3, 3, batch=2)
    b.output(y)
    bad = stats()
    bad.update(mean=math.nan, max=math.inf, min=-math.inf, nan=1.0, inf=2.0)
    b.g.nodes[y]["value"] = bad
    return b.g


def test_json_is_versioned_with_every_attribute_on_every_node():
    g = Graph()
    g.add_node("n0", kind="input")  # nodes without attributes still get all of them
    data = json.loads(g.to_json())
    assert (data["format"], data["version"]) == ("nngraph.graph", 1)
    (node,) = data["nodes"]
    assert node["id"] == "n0" and node["flags"] == [] and node["repeat"] == 1
    assert node["shape"] is None and node["grad"] is None and node["params"] == 0
    assert data["edges"] == [] and data["modules"] == []


def test_nan_and_inf_become_strings():
    text = graph_with_nan().to_json()
    assert "NaN" in text and not re.search(r":\s*(NaN|-?Infinity)\b", text)
    node = next(n for n in json.loads(text)["nodes"] if n["op"] == "linear")
    assert (node["value"]["mean"], node["value"]["max"], node["value"]["min"]) == (
        "NaN", "Infinity", "-Infinity"
    )  # fmt: skip


def test_modules_list_has_path_type_parent_depth_params_shared_config_training_known_registered():
    data = graph_with_nan().to_dict()
    assert data["modules"] == [
        {
            "path": "",
            "type": "Net",
            "parent": None,
            "depth": 0,
            "params": 12,
            "shared": 0,
            "config": None,
            "training": None,
            "known": True,
            "registered": True,
            "top_level": False,
        },
        {
            "path": "fc",
            "type": "Linear",
            "parent": "",
            "depth": 1,
            "params": 12,
            "shared": 0,
            "config": None,
            "training": None,
            "known": True,
            "registered": True,
            "top_level": False,
        },
    ]
    assert data["graph"] == {"source": "record", "outputs": ["n4"], "backward_passes": 1}


class _BodyThenHead(nn.Module):
    """Registers `head` first but runs `body` (two layers and an eval-mode Dropout) first."""

    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Linear(4, 2)
        self.body = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5).eval(), nn.ReLU())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


@pytest.mark.parametrize("depth", [0, 1])
def test_a_collapsed_graph_lists_its_modules_in_forward_order_however_it_was_kept(depth: int):
    """Sweep s46 (export, 6): the modules folded into a box were listed after every module
    run later (`body.0` after `head`), and in another order once read back from JSON."""
    g = ng.trace(_BodyThenHead(), torch.randn(2, 4), loss=lambda y: y.sum())

    def paths(h: Graph) -> list[str]:
        return [m["path"] for m in h.to_dict()["modules"]]

    # body.1, the eval-mode Dropout, left no node: it comes after every module that did, or
    # where the `body` box folds it, in that box, after the modules that left one
    assert paths(g) == ["", "body", "body.0", "body.2", "head", "body.1"]
    expected = ["", "body", "body.0", "body.2", "body.1", "head"] if depth == 0 else paths(g)
    collapsed = g.collapse(depth)
    assert paths(collapsed) == expected
    assert paths(Graph.from_json(g.to_json()).collapse(depth)) == expected
    assert paths(g.copy().collapse(depth)) == expected
    assert collapsed.to_json() == Graph.from_json(collapsed.to_json()).to_json()


@pytest.mark.parametrize("depth", [0, 1])
def test_a_copy_of_a_collapsed_transformer_lists_its_modules_as_the_collapsed_graph(depth: int):
    """Review s46: `g.collapse(d).copy()` listed the modules in registration order (the copy
    has no source graph to read the forward order from), and with the repeated layers folded
    the modules of the folded-away layers came in another order than after a JSON round
    trip."""
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    model = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    g = ng.trace(model, torch.randn(2, 5, 8), loss=lambda y: y.sum())

    def paths(h: Graph) -> list[str]:
        return [m["path"] for m in h.to_dict()["modules"]]

    collapsed = g.collapse(depth)
    assert paths(collapsed.copy()) == paths(collapsed)
    assert paths(Graph.from_json(g.to_json()).collapse(depth)) == paths(collapsed)
    assert paths(collapsed)[:3] == ["", "layers", "layers.0"]


def test_json_round_trip():
    g = graph_with_nan()
    back = Graph.from_json(g.to_json())
    assert list(back.nodes) == list(g.nodes) and list(back.edges) == list(g.edges)
    for n in g:
        assert same(back.nodes[n], g.nodes[n]), n
    assert back.graph == g.graph


def test_round_trip_of_a_traced_and_checked_model():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    g = ng.trace(model, torch.randn(5, 3), loss=lambda y: y.pow(2).mean())
    g.health()
    back = Graph.from_dict(json.loads(json.dumps(g.to_dict())))
    assert all(same(back.nodes[n], g.nodes[n]) for n in g)
    assert back.to_dict() == g.to_dict()
    assert back.graph == g.graph  # the module table too, settings included
    h = g.collapse(depth=0)
    assert Graph.from_json(h.to_json()).to_dict() == h.to_dict()


def test_round_trip_keeps_the_gates_of_an_lstms_biases():
    # health() reads the forget gate's bias from them: a saved graph is told what its source was
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, 2)
    with torch.no_grad():
        lstm.bias_hh_l1[4:8].fill_(2.0)
    g = ng.trace(lstm, torch.randn(5, 2, 3), loss=lambda out: out[0].sum())
    gates = {d["name"]: d["gates"] for _, d in g.nodes(data=True) if "gates" in d}
    assert len(gates) == 4 and all(len(means) == 4 for means in gates.values())
    back = Graph.from_json(g.to_json())
    assert {d["name"]: d["gates"] for _, d in back.nodes(data=True) if "gates" in d} == gates
    assert all(same(back.nodes[n], g.nodes[n]) for n in g)


def test_round_trip_gives_back_nan_and_inf_gates_as_floats():
    # sweep s29, gates_nan_json: they came back as the strings "NaN" and "Infinity"
    lstm = nn.LSTM(3, 4)
    with torch.no_grad():
        lstm.bias_hh_l0[0], lstm.bias_ih_l0[5], lstm.bias_ih_l0[12] = math.nan, math.inf, -math.inf
    g = ng.trace(lstm, torch.randn(5, 2, 3), loss=lambda out: out[0].sum())
    back = Graph.from_json(g.to_json())
    gates = {d["name"]: d["gates"] for _, d in back.nodes(data=True) if "gates" in d}
    assert math.isnan(gates["bias_hh_l0"][0])
    assert (gates["bias_ih_l0"][1], gates["bias_ih_l0"][3]) == (math.inf, -math.inf)
    assert all(type(mean) is float for means in gates.values() for mean in means)
    assert all(same(back.nodes[n], g.nodes[n]) for n in g)


def test_round_trip_gives_back_the_module_table_as_it_was():
    # the attention's out_proj never runs (forward uses its weight directly): the table lists
    # it all the same, as its parameters sit in the graph
    attention = nn.MultiheadAttention(8, 2, batch_first=True)
    x = torch.randn(1, 3, 8)
    g = ng.trace(attention, x, x, x, loss=lambda o: o[0].sum())
    assert g.graph["modules"]["out_proj"]["type"] == "NonDynamicallyQuantizableLinear"
    assert Graph.from_json(g.to_json()).graph["modules"] == g.graph["modules"]
    modules = g.to_dict()["modules"]
    assert [(m["path"], m["known"]) for m in modules] == [("", True), ("out_proj", True)]
    no_model = ng.graph_of(attention(x, x, x)[0].sum(), params=attention)
    assert Graph.from_json(no_model.to_json()).graph["modules"] == no_model.graph["modules"]
    # a module only the nodes name (parameters named by hand): listed, not known, and not
    # added to the table by a round trip
    w = torch.randn(3, requires_grad=True)
    named = ng.graph_of((w * 2).sum(), params={"enc.w": w})
    assert [(m["path"], m["known"]) for m in named.to_dict()["modules"]] == [("enc", False)]
    assert Graph.from_json(named.to_json()).graph["modules"] == {}


def test_round_trip_keeps_which_models_ran_at_top_level():
    # health() reads the mark: a GAN's generator sitting out the discriminator's step
    G, D = nn.Sequential(nn.Linear(2, 3)), nn.Linear(3, 1)
    with ng.record(D) as rec:
        D(G(torch.randn(4, 2)).detach()).mean().backward()
    g = rec.graph
    assert g.graph["modules"]["Sequential"]["top_level"] is True
    back = Graph.from_json(g.to_json())
    assert back.graph["modules"] == g.graph["modules"]
    assert [f["kind"] for f in back.health()] == [f["kind"] for f in g.health()] == []


def test_networkx_to_directed_gives_a_graph_that_still_checks_collapses_and_saves():
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 1))
    g = ng.trace(model, torch.full((2, 4), float("nan")), loss=lambda out: out.sum())
    for directed in (g.to_directed(), g.to_directed(as_view=True)):
        assert isinstance(directed, Graph)
        assert [f["kind"] for f in directed.health()] == [f["kind"] for f in g.health()]
        assert Graph.from_json(directed.to_json()).number_of_nodes() == len(g)
        assert len(directed.collapse(depth=0)) == len(g.collapse(depth=0))


@pytest.mark.parametrize("indent", [17, 10**7, 10**30], ids=repr)
def test_to_json_refuses_an_indent_too_large_to_read(indent: int):
    """10**30 was a bare OverflowError from json, 10**7 a text of gigabytes (sweep O, bug 3)."""
    with pytest.raises(
        ng.NNGraphError, match=r"indent=\.\.\.\) needs None or a whole number from 0 to 16"
    ):
        graph_with_nan().to_json(indent=indent)
    assert graph_with_nan().to_json(indent=16).startswith('{\n                "format"')


def test_from_dict_refuses_other_formats():
    with pytest.raises(ng.NNGraphError, match="format"):
        Graph.from_dict({"format": "something else"})
    with pytest.raises(ng.NNGraphError, match="version"):
        Graph.from_dict({"format": "nngraph.graph", "version": 99})


# -- reading bad input -----------------------------------------------------------------------


def small_dict() -> dict[str, Any]:
    """A valid to_dict() of a small checked graph: modules, flags, outputs, stats."""
    g = graph_with_nan()
    g.health()
    return g.to_dict()


def test_text_that_is_not_json_is_refused_with_a_hint():
    for text in ("net.json", "", '{"format": ', b"\xff\xfe"):
        with pytest.raises(ng.NNGraphError, match=r"needs JSON text .*read_text\(\)") as err:
            Graph.from_json(text)  # type: ignore[arg-type]
        assert isinstance(err.value.__cause__, ValueError)  # the original error, chained
    with pytest.raises(ng.NNGraphError, match="needs JSON text") as err:
        Graph.from_json(None)  # type: ignore[arg-type]
    assert isinstance(err.value.__cause__, TypeError)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("{", "wiersz 1, kolumna 2"),
        ('{"a": 1,\n  x}', "wiersz 2, kolumna 3"),
        (None, "otrzymano NoneType, a nie tekst"),
        (b"\x80abc", "bajty nie są tekstem w UTF-8"),
    ],
)
def test_text_that_is_not_json_is_explained_in_polish(text: Any, where: str):
    """json's English words ("Expecting property name ...") were in the Polish sentence (sweep
    O, bug 7); where the text goes wrong is kept, and json's own error stays the cause."""
    ng.set_language("pl")
    with pytest.raises(ng.NNGraphError) as err:
        Graph.from_json(text)
    said = str(err.value)
    assert f"a to nie jest poprawny JSON ({where}); aby wczytać zapisany plik" in said
    assert not re.search(r"Expecting|must be str|can't decode|line \d", said)
    assert isinstance(err.value.__cause__, (TypeError, ValueError))


def _without(key: str) -> Any:
    data = small_dict()
    del data[key]
    return data


def _with(key: str, value: Any) -> Any:
    data = small_dict()
    data[key] = value
    return data


def _node(index: int, **change: Any) -> Any:
    data = small_dict()
    data["nodes"][index].update(change)
    data["nodes"][index] = {k: v for k, v in data["nodes"][index].items() if v != "DROP"}
    return data


def _graph_entry(key: str, value: Any) -> Any:
    data = small_dict()
    data["graph"][key] = value
    return data


def _edges(*edges: Any) -> Any:
    data = small_dict()
    data["edges"] = list(edges)
    return data


BAD_GRAPHS = {
    "a list": ([1, 2], r"JSON object .*got \[1, 2\]"),
    "a string": ("net.json", "JSON object .*got 'net.json'"),
    # sweep s46: a missing "format" or "version" was shown as if present and None
    "no format": (_without("format"), r'not an nngraph graph: it has no "format" \(an nngraph'),
    "format null": (_with("format", None), r'"format" is null, it should be "nngraph.graph"'),
    "other format": (_with("format", "graphml"), r'"format" is "graphml"'),
    "newer version": (_with("version", 2), r"version 2; .*reads version 1: upgrade nngraph"),
    "no version": (_without("version"), 'this nngraph graph has no "version": the JSON is'),
    "version null": (_with("version", None), '"version" should be a whole number .*, got null'),
    "text version": (_with("version", "1"), '"version" should be a whole number .*, got "1"'),
    "version 0": (
        _with("version", 0),
        r'"version" is 0, a version nngraph never wrote: .*reads version 1\.',
    ),
    "negative version": (_with("version", -1), r'"version" is -1, a version nngraph never wrote'),
    "no nodes": (_without("nodes"), 'has no "nodes"'),
    "no edges": (_without("edges"), 'has no "edges"'),
    "nodes not a list": (_with("nodes", {"n0": {}}), r'"nodes" .*look like \[\.\.\.\]'),
    "edges null": (_with("edges", None), r'"edges" .*look like \[\.\.\.\], got null'),
    "graph a list": (_with("graph", []), r'"graph" .*look like \{\.\.\.\}'),
    "modules text": (_with("modules", "fc"), r'"modules" .*look like \[\.\.\.\]'),
    "module without path": (_with("modules", [{"type": "Linear"}]), r"modules\[0\]"),
    "node without id": (_node(1, id="DROP"), r'nodes\[1\] needs an "id"'),
    "node id null": (_node(0, id=None), r'nodes\[0\] needs an "id"'),
    "node id an object": (_node(0, id={"a": 1}), r'nodes\[0\] needs an "id"'),
    "node id a list of objects": (_node(0, id=[{}]), r'nodes\[0\] needs an "id"'),
    "node not an object": (_with("nodes", ["n0"]), r'nodes\[0\] needs an "id".*got "n0"'),
    "two nodes, one id": (_node(1, id="n0"), r"nodes\[1\] repeats the id 'n0'"),
    "edge to a missing node": (_edges({"source": "n0", "target": "n99"}), r"edges\[0\] .*'n99'"),
    "edge from an object": (_edges({"source": {}, "target": "n0"}), r"edges\[0\] names"),
    "edge without target": (_edges({"source": "n0"}), r"edges\[0\] should look like"),
    "edge as a pair": (_edges(["n0", "n1"]), r"edges\[0\] should look like"),
    "module params as text": (_with("modules", [{"path": "", "params": "x"}]), r"modules\[0\]"),
    "module known as text": (_with("modules", [{"path": "", "known": "no"}]), r"modules\[0\]"),
    "module top_level as text": (
        _with("modules", [{"path": "", "top_level": "yes"}]),
        r"modules\[0\]",
    ),
    "module registered as text": (
        _with("modules", [{"path": "", "registered": "no"}]),
        r"modules\[0\]",
    ),
    "flags as text": (_node(0, flags="x"), r'nodes\[0\] \(id "n0"\) has "flags": "x"'),
    "a flag without kind": (_node(0, flags=[{"message": "m"}]), r'nodes\[0\] .*"flags"'),
    "value as text": (_node(1, value="NaN"), r'nodes\[1\] .*"value": "NaN", .*"norm"'),
    # sweep s40 (helper zoo): health() and summary() then raised a bare "math domain error"
    "a negative numel": (_node(1, grad={**stats(), "numel": -4.0}), r'nodes\[1\] .*"grad": '),
    "a negative norm": (_node(1, value={**stats(), "norm": -1.0}), r'nodes\[1\] .*"value": '),
    "grad without norm": (_node(1, grad={"mean": 1.0}), r'nodes\[1\] .*"grad"'),
    # sweep s29: the per-gate bias means were read back unchecked
    "gates as a number": (_node(1, gates=0.5), r'"gates": 0\.5, which should look like \[0\.1, '),
    "gates holding text": (_node(1, gates=[1.0, "x"]), r'nodes\[1\] .*"gates": \[1\.0, "x"\]'),
    "gates holding null": (_node(1, gates=[None]), r'"gates": \[null\], which should look like'),
    "shape as a number": (_node(1, shape=3), r'nodes\[1\] .*"shape": 3, .*\[2, 3\] \| null'),
    "module as a number": (_node(1, module=1), r'nodes\[1\] .*"module"'),
    # sweep 23h, F5: a string attribute says so, and the wrong value is shown as JSON
    "kind as a number": (
        _node(0, kind=3),
        r'"kind": 3, which should look like a string such as "op":',
    ),
    "module null": (
        _node(1, module=None),
        r'"module": null, which should look like a string such as',
    ),
    "op as a number": (
        _node(1, op=4),
        r'"op": 4, which should look like a string such as "\w+", or null:',
    ),
    "tracked as text": (
        _node(1, tracked="yes"),
        r'"tracked": "yes", which should look like true \| false',
    ),
    # sweep W, bug 3: a loaded graph with these crashed health(), summary() and the view
    "unused a number": (_graph_entry("unused", 3), r'"graph\.unused" .*look like \["n3", \.\.\.\]'),
    "unused an object": (_graph_entry("unused", {"n0": 1}), r'"graph\.unused" .*got \{'),
    "unused holds objects": (_graph_entry("unused", [{}]), r'"graph\.unused" .*got \[\{\}\]'),
    "outputs as text": (_graph_entry("outputs", "n3"), r'"graph\.outputs" .*got "n3"'),
    "outputs holds null": (_graph_entry("outputs", [None]), r'"graph\.outputs" .*got \[null\]'),
    "cut_inputs a number": (_graph_entry("cut_inputs", 1.5), r'"graph\.cut_inputs" .*got 1\.5'),
    # sweep s5, bug 4: documented attributes read as they came, which summary() then tripped on
    "a flag naming an object": (
        _node(0, flags=[{"kind": "nan", "node": {"a": 1}}]),
        r'nodes\[0\] \(id "n0"\) has "flags": .*"node": "n3"',
    ),
    "args as a list": (
        _node(1, args=[1, 2]),
        r'"args": \[1, 2\], which should look like a string such as "p=0.5, inplace=False", or null',
    ),
    "backward_passes as text": (
        _graph_entry("backward_passes", "2"),
        r'"graph\.backward_passes" .*look like 1, got "2"',
    ),
    "backward_passes negative": (
        _graph_entry("backward_passes", -1),
        r'"graph\.backward_passes" .*got -1',
    ),
    "source a number": (
        _graph_entry("source", 3),
        r'"graph\.source" .*look like a string such as "record", got 3',
    ),
    "health_language a list": (
        _graph_entry("health_language", ["en"]),
        r'"graph\.health_language" .*got \["en"\]',
    ),
}


@pytest.mark.parametrize("case", BAD_GRAPHS)
def test_bad_graph_data_says_what_is_wrong(case: str):
    data, says = BAD_GRAPHS[case]
    with pytest.raises(ng.NNGraphError, match=says):
        Graph.from_dict(data)
    with pytest.raises(ng.NNGraphError, match=says):  # the same through JSON text
        Graph.from_json(json.dumps(data))


def test_graph_node_lists_load_as_node_ids_and_null_as_none_listed():
    data = _graph_entry("unused", [["n", 1]])
    data["graph"]["cut_inputs"] = None
    g = Graph.from_dict(data)
    assert g.graph["unused"] == [("n", 1)] and g.graph["cut_inputs"] is None
    g.health(), g.summary(), g.collapse(0)


JUNK = [None, True, -1, 2.5, "x", [], {}, [None], [[]], {"id": None}]


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key/index path inside `value`."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [p for k, v in items for p in [(*path, k), *_places(v, (*path, k))]]


def test_no_damage_to_a_saved_graph_escapes_as_a_bare_error():
    """Each place in a saved graph replaced by junk or removed: NNGraphError, or it loads and
    then checks, prints, draws and folds without a bare error."""
    places = _places(small_dict())
    assert len(places) > 100
    for place in places:
        for junk in [*JUNK, "DELETE", "NaN"]:
            data = small_dict()
            *parents, last = place
            holder = data
            for key in parents:
                holder = holder[key]
            if junk == "DELETE":
                del holder[last]
            else:
                holder[last] = junk
            with contextlib.suppress(ng.NNGraphError):
                g = Graph.from_dict(data)
                g.health(), g.summary(), g.to_dot(), g.collapse(0).summary()


def collapsed_dict() -> tuple[dict[str, Any], int]:
    """A valid to_dict() of a checked graph folded into module boxes, and a box's index."""
    g = graph_with_nan()
    g.health()
    data = g.collapse(0).to_dict()
    return data, next(i for i, n in enumerate(data["nodes"]) if n["kind"] == "module")


@pytest.mark.parametrize("block", [[1, 2], {"a": 1}, 7, True])
def test_a_box_whose_block_is_not_text_is_refused(block: Any):
    """sweep s5, bug 4: it loaded, and collapse() and fold_repeats() raised a bare TypeError."""
    data, index = collapsed_dict()
    data["nodes"][index]["block"] = block
    said = rf'nodes\[{index}\] \(id "m:fc"\) has "block": .*which should look like a string'
    with pytest.raises(ng.NNGraphError, match=said):
        Graph.from_dict(data)
    with pytest.raises(ng.NNGraphError, match=said):
        Graph.from_json(json.dumps(data))


def test_a_box_without_block_or_with_null_loads_and_folds():
    """A box saved before `block` existed, or with null there, is read as having none: it loads,
    folds into nothing (no block to compare), and its summary still shows its row."""
    data, index = collapsed_dict()
    data["nodes"][index]["block"] = None
    without = json.loads(json.dumps(data))
    del without["nodes"][index]["block"]
    expected = Graph.from_dict(collapsed_dict()[0]).summary()
    for loaded in (data, without):
        g = Graph.from_dict(loaded)
        assert g.nodes["m:fc"].get("block") is None
        assert sorted(g.collapse(0)) == sorted(g) and sorted(g.fold_repeats()) == sorted(g)
        assert g.summary() == expected


def test_no_damage_to_a_saved_box_escapes_as_a_bare_error():
    """As above for each attribute of a module box and of its findings, used before health()
    says them again: summary(), then folding, which compares boxes by `block`. Each damaged
    graph is refused with an NNGraphError naming the box, or it loads, and then prints its
    row, folds and draws."""
    data, index = collapsed_dict()
    box = data["nodes"][index]
    places = [(key,) for key in box] + [("flags", 0, key) for key in (*box["flags"][0], "node")]
    refused = loaded = 0
    for place in places:
        for junk in JUNK:
            damaged = json.loads(json.dumps(data))
            *parents, last = place
            holder = damaged["nodes"][index]
            for key in parents:
                holder = holder[key]
            holder[last] = junk
            try:
                g = Graph.from_dict(damaged)
            except ng.NNGraphError as error:
                said = str(error)  # the box, by its place or by its id an edge names
                assert f"nodes[{index}]" in said or "'m:fc'" in said, (place, junk, said)
                refused += 1
                continue
            loaded += 1
            assert "fc" in g.summary()
            assert len(g.collapse(0)) == len(g) and len(g.fold_repeats()) == len(g)
            assert g.to_dot().startswith("digraph")
            assert isinstance(g.health(), list)
    assert refused and loaded  # both ways are taken: the test sees checks and fallbacks


# -- node ids that are not strings ------------------------------------------------------------


def test_tuple_and_number_ids_come_back_as_they_were():
    import networkx as nx

    g = Graph(nx.grid_2d_graph(2, 2))  # ids (0, 0), (0, 1), ... as networkx makes them
    g.add_edge((1, 1), 7)
    g.add_edge(7, 2.5)
    g.add_edge(2.5, ("deep", (1, "x")))
    g.graph["outputs"] = [("deep", (1, "x"))]
    g.nodes[7]["flags"] = [{"kind": "note", "node": (1, 1)}]
    text = g.to_json()
    assert json.loads(text)["nodes"][0]["id"] == [0, 0]
    back = Graph.from_json(text)
    assert list(back.nodes) == list(g.nodes) and list(back.edges) == list(g.edges)
    assert back.graph["outputs"] == [("deep", (1, "x"))]
    assert back.nodes[7]["flags"] == [{"kind": "note", "node": (1, 1)}]
    assert back.to_dict() == g.to_dict()


@pytest.mark.parametrize("bad_id", [frozenset({1}), float("nan"), (1, None), object()])
def test_ids_json_cannot_give_back_are_refused_when_writing(bad_id: Any):
    g = Graph()
    g.add_edge("n0", bad_id)
    for write in (g.to_json, g.to_dict):
        with pytest.raises(ng.NNGraphError, match=r"node id .*relabel_nodes\(g, str\)"):
            write()


# -- text that is not characters --------------------------------------------------------------


def test_lone_surrogates_in_names_write_valid_json_and_dot(tmp_path: Path):
    name = "zażółć\ud800x\udfff"  # a Python string may hold halves of a character
    g = hostile_graph(name)
    path = g.save(tmp_path / "net.json")
    text = path.read_bytes().decode("utf-8")  # strict: the file is valid UTF-8
    assert "zażółć" in text and "\\ud800" in text  # readable text stays, only halves escaped
    back = Graph.from_json(text)
    assert [back.nodes[n]["label"] for n in back] == [g.nodes[n]["label"] for n in g]
    assert back.graph == g.graph
    g.to_json().encode("utf-8")
    for graph in (g, g.collapse(depth=0)):
        dot = graph.save(tmp_path / "net.dot").read_text(encoding="ascii")
        parsed = parse_dot(dot)
        assert any("\ufffd" in label_text(a["label"]) for a in parsed["nodes"].values())


# -- save ------------------------------------------------------------------------------------


def test_save_dot_and_json(tmp_path: Path):
    g = graph_with_nan()
    assert g.save(tmp_path / "net.dot").read_text() == g.to_dot()
    assert g.save(str(tmp_path / "net.json")).read_text() == g.to_json()


@needs_dot
@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_save_pictures_with_graphviz(tmp_path: Path, suffix: str):
    path = graph_with_nan().save(tmp_path / f"net{suffix}")
    assert path.stat().st_size > 100


def test_save_picture_without_graphviz_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: None)
    with pytest.raises(ng.NNGraphError, match=r"install Graphviz .*apt-get install graphviz"):
        graph_with_nan().save(tmp_path / "net.svg")


@pytest.mark.parametrize("path", [123, None, b"net.json", "net\0.json"])
def test_save_needs_a_file_name(path: Any):
    with pytest.raises(ng.NNGraphError, match=r"g.save\(\) needs a file name .*got "):
        graph_with_nan().save(path)


def test_save_unknown_suffix_lists_supported_ones(tmp_path: Path):
    with pytest.raises(ng.NNGraphError, match=r"\.dot.*\.json.*\.svg.*\.png"):
        graph_with_nan().save(tmp_path / "net.jpg")


@pytest.mark.parametrize("suffix", [".json", ".dot", ".svg", ".png"])
def test_save_into_a_missing_folder_names_it(tmp_path: Path, suffix: str):
    folder = tmp_path / "results" / "today"
    with pytest.raises(ng.NNGraphError, match=rf"there is no folder {re.escape(str(folder))};"):
        graph_with_nan().save(folder / f"net{suffix}")
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("suffix", [".json", ".dot", ".svg"])
def test_save_onto_a_folder_says_it_is_a_folder(tmp_path: Path, suffix: str):
    folder = tmp_path / f"results{suffix}"
    folder.mkdir()
    with pytest.raises(ng.NNGraphError, match=r"it is a folder; give a file name inside it"):
        graph_with_nan().save(folder)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("suffix", [".json", ".dot"])
def test_save_into_a_folder_that_cannot_be_written_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
):
    """Sweep 22a F4: a read-only course folder gave a raw PermissionError whose notebook
    traceback ran through nngraph and pathlib (tests run as root: chmod blocks nothing)."""

    def refuse(self: Path, *args: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "write_text", refuse)
    monkeypatch.setattr(Path, "write_bytes", refuse)
    target = tmp_path / f"net{suffix}"
    with pytest.raises(ng.NNGraphError) as caught:
        graph_with_nan().save(target)
    text = str(caught.value)
    assert text.startswith(f"cannot write {target}: Permission denied; save it in a folder")
    assert "\n" not in text and caught.value.__cause__ is None
    assert caught.value.__suppress_context__  # raised `from None`: a short traceback


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_save_into_proc_says_it_cannot_write_there():
    """/proc exists but takes no new file: FileNotFoundError, though the folder is there."""
    with pytest.raises(ng.NNGraphError, match=r"^cannot write /proc/net\.json: .*; save it in"):
        graph_with_nan().save("/proc/net.json")


@pytest.mark.parametrize("long", ["file", "folder"])
def test_save_with_a_name_too_long_for_the_file_system_says_so(tmp_path: Path, long: str):
    """Sweep s41 (esc, finding 1): a raw OSError 'File name too long' from pathlib."""
    target = tmp_path / ("a" * 300 + ".svg") if long == "file" else tmp_path / ("a" * 300) / "g.svg"
    with pytest.raises(ng.NNGraphError, match="the name is too long for the file system") as e:
        graph_with_nan().save(target)
    shorter = str(e.value).rpartition("e.g. ")[2]
    assert len(Path(shorter).name) <= 255 and "\n" not in str(e.value)
    assert list(tmp_path.iterdir()) == []


def test_array_and_tensor_attributes_are_written_as_numbers_and_lists(tmp_path: Path):
    import numpy as np

    g = graph_with_nan()
    n = next(iter(g))
    g.nodes[n].update(
        note=np.array([1.0, 2.0]),
        table=torch.tensor([[1, 2], [3, 4]]),
        empty=np.array([]),
        one=torch.tensor([2.5]),
        scalar=np.float32(0.5),
        nan=np.array([float("nan"), 1.0]),
    )
    g.graph["weights"] = torch.ones(3)
    data = json.loads(g.to_json())
    node = next(d for d in data["nodes"] if d["id"] == n)
    assert (node["note"], node["table"], node["empty"]) == ([1.0, 2.0], [[1, 2], [3, 4]], [])
    assert (node["one"], node["scalar"], node["nan"]) == (2.5, 0.5, ["NaN", 1.0])
    assert data["graph"]["weights"] == [1.0, 1.0, 1.0]
    assert json.loads(g.save(tmp_path / "net.json").read_text()) == data


def test_save_expands_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    path = graph_with_nan().save("~/net.json")
    assert path == tmp_path / "net.json" and path.is_file()
    assert not (tmp_path / "~").exists()


def transformer_of_params() -> Graph:
    """`graph_of(loss, params=model)` of a small transformer encoder: its parameters sit in
    module clusters far from their ops, which Graphviz lays out only after minutes."""
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
    enc = nn.TransformerEncoder(layer, 6, enable_nested_tensor=False)
    return ng.graph_of(enc(torch.randn(2, 3, 16)).pow(2).mean(), params=enc)


def test_graph_of_is_planned_without_clusters_that_hold_only_parameters():
    """A MobileNetV3's graph_of graph (188 cluster gaps, under the limit) kept the kernel
    waiting 5 s for dot on every display (sweep BB): over 20 s with its parameter-only
    clusters, 0.02 s without. A traced graph, whose ops sit in the clusters, keeps them."""
    from nngraph.graph._dot_budget import cluster_gaps, dot_plan, ranks

    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True)
    enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    x = torch.randn(2, 3, 16)
    walked = ng.graph_of(enc(x).pow(2).mean(), params=enc)
    assert 0 < cluster_gaps(walked, ranks(walked)) <= 200  # once planned with clusters
    assert dot_plan(walked) is False
    assert dot_plan(ng.trace(enc, x, loss=lambda y: y.pow(2).mean()).collapse(2)) is True


class FakeDot:
    """Stands in for `subprocess.run` of Graphviz: keeps the DOT text it was handed."""

    def __init__(self, *, timeout: bool = False) -> None:
        self.dot: list[str] = []
        self.timeout = timeout

    def __call__(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[bytes]:
        self.dot.append(options["input"].decode("ascii"))
        assert options.get("timeout"), "save() must never wait for Graphviz forever"
        if self.timeout:
            raise subprocess.TimeoutExpired(command, options["timeout"])
        return subprocess.CompletedProcess(command, 0, b"<svg/>", b"")


def test_save_picture_follows_the_drawing_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from nngraph.graph._dot_budget import dot_plan

    g = transformer_of_params()
    assert dot_plan(g) is False and "subgraph" in g.to_dot()  # the plan: no clusters
    fake = FakeDot()
    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", fake)
    assert g.save(tmp_path / "encoder.svg").read_bytes() == b"<svg/>"
    assert "subgraph" not in fake.dot[0]
    assert g.save(tmp_path / "encoder.dot").read_text() == g.to_dot()  # DOT text: all of it
    traced = ng.trace(nn.Sequential(nn.Linear(3, 4), nn.ReLU()), torch.randn(2, 3))
    traced.save(tmp_path / "small.svg")  # a graph dot lays out quickly keeps its clusters
    assert "subgraph" in fake.dot[1]


def test_a_big_traced_graph_is_saved_with_its_module_clusters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Beyond the plan's budget (`dot_plan` None) a graph was handed to dot without clusters,
    which took a traced DenseNet-121 past the 120 s limit (with them: 0.8 s; sweep X). A
    traced graph keeps them; `graph_of`'s, whose clusters hold only parameters, does not."""
    from nngraph.graph._dot_budget import dot_plan

    torch.manual_seed(0)
    model = nn.Sequential(*[nn.Sequential(nn.Linear(4, 4), nn.ReLU()) for _ in range(120)])
    x = torch.randn(2, 4)
    traced = ng.trace(model, x, loss=lambda y: y.sum())
    loss = model(x).sum()
    loss.backward()
    walked = ng.graph_of(loss, params=model)
    assert dot_plan(traced) is None and dot_plan(walked) is None  # over 500 boxes each
    fake = FakeDot()
    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", fake)
    traced.save(tmp_path / "traced.svg")
    walked.save(tmp_path / "walked.svg")
    assert "subgraph" in fake.dot[0] and "subgraph" not in fake.dot[1]


def test_a_picture_graphviz_would_take_minutes_on_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A seq2seq decoder unrolled over 29 steps kept the notebook waiting the whole 120 s limit
    (sweep AA), though its layout cost was known before dot started."""
    fan = Graph()  # one module's output read by 400 additions in a row: every rank crossed
    fan.add_edges_from([("m", "add0")] + [(f"add{i}", f"add{i + 1}") for i in range(400)])
    fan.add_edges_from(("m", f"add{i}") for i in range(1, 401))

    def dot_must_not_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("dot was started")

    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", dot_must_not_run)
    # no module to fold: the advice says so rather than naming a collapse that changes nothing
    says = r"fan\.svg was not drawn: .* 402 boxes .* even g\.collapse\(0\).*\.json"
    with pytest.raises(ng.NNGraphError, match=says):
        fan.save(tmp_path / "fan.svg")
    assert not (tmp_path / "fan.svg").exists()


def test_save_picture_stops_a_slow_graphviz_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", FakeDot(timeout=True))
    path = tmp_path / "net.png"
    says = (
        r"Graphviz was still drawing .*net\.png after \d+ s .*"
        rf"g\.collapse\(0\)\.save\({re.escape(repr(str(path)))}\) draws it with modules folded "
        r"to 3 boxes.*\.json"
    )
    with pytest.raises(ng.NNGraphError, match=says):
        graph_with_nan().save(path)  # 5 boxes; fc folded: 3
    assert not path.exists()
    chain = Graph([(f"op{i}", f"op{i + 1}") for i in range(5)])  # no module to fold
    with pytest.raises(ng.NNGraphError, match=r"after \d+ s .*even g\.collapse\(0\).*\.json"):
        chain.save(path)
    assert not path.exists()


@pytest.mark.parametrize("refused", ["at once", "after the time limit"])
def test_the_collapse_the_advice_names_saves_where_the_student_asked(
    refused: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Sweep s46 (export, 3): `g.save("results/gru.svg")` named
    `g.collapse(0).save('gru.svg')`, which writes into the working folder, not results/."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").mkdir()
    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", FakeDot(timeout=True))
    if refused == "at once":  # too big for dot with its 5 boxes, not with fc folded (3)
        monkeypatch.setattr("nngraph.graph._save.hopeless", lambda h, plan: len(h) > 3)
    says = r"g\.collapse\(0\)\.save\('results/net\.svg'\) draws it"
    with pytest.raises(ng.NNGraphError, match=says):
        graph_with_nan().save("results/net.svg")


class RNNLM(nn.Module):
    """sweep 18a's language model: on CPU each of nn.RNN's steps is its own ops, all reading
    the same weights, so its 443 boxes carry hundreds of long edges side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.e = nn.Embedding(100, 32)
        self.r = nn.RNN(32, 64, num_layers=2, batch_first=True)
        self.o = nn.Linear(64, 100)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, _ = self.r(self.e(x))
        return self.o(h)


@needs_dot
@pytest.mark.parametrize(("nested", "depth"), [(False, 0), (True, 1)])
def test_a_picture_of_an_unrolled_rnn_is_refused_at_once_naming_a_depth_that_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nested: bool, depth: int
):
    """`g.save("lm.svg")` ran dot for the whole 120 s limit, then said to save
    `g.collapse(1)`: the same 443 boxes (the RNN is a top-level module), another 120 s (sweep
    18a). It is refused before dot starts, and the advice names the deepest collapse that
    `save` draws: depth 0 here, depth 1 when the same model sits one level down."""
    torch.manual_seed(0)
    ids = torch.randint(0, 100, (8, 50))
    model = nn.Sequential(RNNLM()) if nested else RNNLM()
    g = ng.trace(model, ids, loss=lambda y: F.cross_entropy(y.transpose(1, 2), ids))
    ran: list[list[str]] = []
    real_run = subprocess.run

    def dot(command: list[str], **options: Any) -> subprocess.CompletedProcess[bytes]:
        ran.append(command)
        return real_run(command, **options)

    monkeypatch.setattr("nngraph.graph._save.subprocess.run", dot)
    monkeypatch.chdir(tmp_path)
    says = rf"was not drawn: .* 443 boxes .* g\.collapse\({depth}\)\.save\('lm\.svg'\) draws"
    with pytest.raises(ng.NNGraphError, match=says) as refused:
        g.save("lm.svg")
    assert ran == [] and not (tmp_path / "lm.svg").exists()  # dot never started
    advised = re.search(r"g\.collapse\((\d+)\)\.save", str(refused.value))
    assert advised is not None
    path = g.collapse(int(advised.group(1))).save(tmp_path / "lm.svg")  # the advice is drawn
    assert len(ran) == 1 and ET.parse(path).getroot().tag.endswith("svg")


def test_a_graph_of_too_many_boxes_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A chain of 5,000 Linear + ReLU blocks (25,004 boxes) kept dot busy over a minute; its
    time grows with the square of the boxes (10,004: 22 s), however simply wired."""
    chain = Graph([(f"op{i}", f"op{i + 1}") for i in range(10_000)])

    def dot_must_not_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("dot was started")

    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", dot_must_not_run)
    with pytest.raises(ng.NNGraphError, match=r"was not drawn: .* 10,001 boxes .*\.json"):
        chain.save(tmp_path / "chain.svg")
    chain.remove_node("op10000")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", FakeDot())
    assert chain.save(tmp_path / "chain.svg").read_bytes() == b"<svg/>"  # 10,000: tried


@needs_dot
@pytest.mark.parametrize("workload", ["resnet50", "transformer"])
def test_the_benchmark_workloads_are_still_drawn(tmp_path: Path, workload: str):
    """The budget refuses loops over a shared weight, not a ResNet or a transformer."""
    from benchmarks import workloads

    model, x = getattr(workloads, workload)()
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    for h in (g, g.collapse(1)):
        assert ET.parse(h.save(tmp_path / "net.svg")).getroot().tag.endswith("svg")


def test_dot_bounds_its_x_placement_only_on_a_graph_it_would_find_slow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Unbounded, dot's network simplex took 19 of a 20-step GRU's 20 s; `-Gnslimit` bounds
    it where `dot_plan` does not call the graph quick, and leaves a quick one as it was."""
    commands: list[list[str]] = []
    fake = FakeDot()

    def dot(command: list[str], **options: Any) -> subprocess.CompletedProcess[bytes]:
        commands.append(command)
        return fake(command, **options)

    monkeypatch.setattr("nngraph.graph._save.shutil.which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr("nngraph.graph._save.subprocess.run", dot)
    slow = Graph([("w", f"step{i}") for i in range(100)])  # a weight read by 100 steps
    slow.add_edges_from((f"step{i}", f"step{i + 1}") for i in range(99))
    slow.save(tmp_path / "slow.svg")
    graph_with_nan().save(tmp_path / "quick.svg")
    assert [c[1:] for c in commands] == [["-Tsvg", "-Gnslimit=1"], ["-Tsvg"]]


@pytest.mark.parametrize("below", ["net.svg", "more/net.json"])
def test_save_below_a_file_names_the_file_instead_of_a_folder_to_create(tmp_path: Path, below: str):
    """Sweep s31, 5: `results.json/net.svg` beside a file `results.json` said to create the
    folder with mkdir(parents=True), which would fail on that file."""
    afile = tmp_path / "results.json"
    afile.write_text("{}")
    said = rf"cannot save .*: {re.escape(str(afile))} is a file, not a folder"
    with pytest.raises(ng.NNGraphError, match=said) as error:
        graph_with_nan().save(afile / below)
    assert "mkdir" not in str(error.value)
    assert afile.read_text() == "{}"


@pytest.mark.parametrize("path", ["", "   "])
def test_save_with_an_empty_path_says_it_is_empty(path: str):
    """Sweep s31, 5: `g.save("")` said "cannot save '.'", a path the user never typed."""
    with pytest.raises(ng.NNGraphError, match=r"g.save\(\) got no file name") as error:
        graph_with_nan().save(path)
    assert "'.'" not in str(error.value)
    ng.set_language("pl")
    try:
        with pytest.raises(ng.NNGraphError, match=r"brak nazwy pliku"):
            graph_with_nan().save(path)
    finally:
        ng.set_language("en")


def test_edges_carry_the_place_of_their_source_among_the_targets_inputs():
    """`a - b` is not `b - a`: JSON and copies write each edge's `operand`, since they add
    the edges again in another order (see test_repeats for the folding it keeps apart)."""
    g = Graph()
    g.add_edges_from([("b", "sub"), ("a", "sub"), ("a", "neg")])  # `sub` reads b, then a
    data = g.to_dict()
    places = {(e["source"], e["target"]): e.get("operand") for e in data["edges"]}
    assert places == {("b", "sub"): 0, ("a", "sub"): 1, ("a", "neg"): None}  # one input: no order
    copied = g.copy()
    assert {(u, v): d.get("operand") for u, v, d in copied.edges(data=True)} == places
    assert list(copied.predecessors("sub")) == ["b", "a"]
    back = Graph.from_dict(data)
    assert {(u, v): d.get("operand") for u, v, d in back.edges(data=True)} == places
    assert g.edges["b", "sub"] == {}  # the graph copied is left as it was


@pytest.mark.parametrize(
    ("key", "bad"), [("module", 5), ("flags", "x"), ("shape", 5), ("value", 5), ("dead", 5)]
)
def test_an_attribute_set_by_hand_with_the_wrong_type_is_named(key: str, bad: object) -> None:
    """Sweep s41 (esc, finding 6): summary(), to_dot(), show() and health() failed with an
    AttributeError or TypeError from deep inside nngraph; from_dict() names the same slip."""
    g = ng.trace(nn.Sequential(nn.Linear(2, 3), nn.ReLU()), torch.randn(4, 2), loss=torch.sum)
    op = next(n for n, d in g.nodes(data=True) if d["kind"] == "op")
    g.nodes[op][key] = bad
    for method in (g.summary, g.to_dot, g.health, g.collapse, g.to_json):
        try:
            method()
        except ng.NNGraphError as error:
            assert f'has "{key}": ' in str(error) and "set by hand" in str(error)
