"""to_dot(), to_json()/to_dict()/from_json() and save(): files a student can open anywhere."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

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
]
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
    shown = name.replace("\n", "\\n")
    texts = [label_text(attrs["label"]) for attrs in parsed["nodes"].values()]
    assert sum(shown in text.replace("\u200b", "") for text in texts) == 3  # input, param, op
    clusters = [label_text(c).replace("\u200b", "") for c in parsed["clusters"]]
    assert clusters == [f"{shown} ({shown})"]
    assert "<img" not in dot


def test_dot_draws_clusters_per_module_and_colours_by_kind():
    b = Build(
        {"enc": {"type": "Encoder", "params": 12}, "enc.fc": {"type": "Linear", "params": 12}}
    )
    x = b.input([2, 3])
    y = b.linear(x, "enc.fc", 3, 3, batch=2)
    b.output(y)
    parsed = parse_dot(b.g.to_dot())
    assert [label_text(c) for c in parsed["clusters"]] == ["enc (Encoder)", "enc.fc (Linear)"]
    by_label = {label_text(a["label"]): a for a in parsed["nodes"].values()}
    assert by_label["linear|[2, 3]"]["fillcolor"] == '"#ffffff"'
    assert by_label["x|[2, 3]"]["fillcolor"] == '"#cfe8fc"'
    assert by_label["enc.fc.weight|[3, 3]"]["fillcolor"] == '"#fff2b3"'
    assert parse_dot(b.g.to_dot(clusters=False))["clusters"] == []


def test_collapsed_boxes_show_type_path_shape_and_params():
    b = Build({"enc": {"type": "Encoder", "params": 12}})
    y = b.linear(b.input([2, 3]), "enc", 3, 3, batch=2)
    b.output(y)
    b.g.nodes[y]["flags"] = [{"kind": "dead"}]
    parsed = parse_dot(b.g.collapse(depth=0).to_dot())
    texts = {label_text(a["label"]): a for a in parsed["nodes"].values()}
    box = texts["Encoder|enc|[2, 3]|12 params|⚠ dead"]
    assert box["color"] == '"#d62728"'


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
    assert name.replace("\n", "\\n") in texts


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


def test_modules_list_has_path_type_parent_depth_params():
    data = graph_with_nan().to_dict()
    assert data["modules"] == [
        {"path": "", "type": "Net", "parent": None, "depth": 0, "params": 12},
        {"path": "fc", "type": "Linear", "parent": "", "depth": 1, "params": 12},
    ]
    assert data["graph"] == {"source": "record", "outputs": ["n4"], "backward_passes": 1}


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
    h = g.collapse(depth=0)
    assert Graph.from_json(h.to_json()).to_dict() == h.to_dict()


def test_from_dict_refuses_other_formats():
    with pytest.raises(ng.NNGraphError, match="format"):
        Graph.from_dict({"format": "something else"})
    with pytest.raises(ng.NNGraphError, match="version"):
        Graph.from_dict({"format": "nngraph.graph", "version": 99})


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
    monkeypatch.setattr("nngraph.graph._export.shutil.which", lambda name: None)
    with pytest.raises(ng.NNGraphError, match=r"install Graphviz .*apt-get install graphviz"):
        graph_with_nan().save(tmp_path / "net.svg")


def test_save_unknown_suffix_lists_supported_ones(tmp_path: Path):
    with pytest.raises(ng.NNGraphError, match=r"\.dot.*\.json.*\.svg.*\.png"):
        graph_with_nan().save(tmp_path / "net.jpg")
