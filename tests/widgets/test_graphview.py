"""GraphView payloads and mimebundles, without a kernel or a browser."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import nngraph as ng
from nngraph.widgets import GraphView, _graphview, _static_svg, _wire

XSS = '<img src=x onerror="__pwned=1">'
SCRIPT = "<script>__pwned=2</script>"


def tiny_payload() -> dict[str, Any]:
    """A hand-written graph in the schema's JSON form, with hostile names."""
    node = {"kind": "op", "module": "", "shape": [2, 3], "flags": []}
    return {
        "format": "nngraph.graph",
        "version": 1,
        "graph": {"source": "record", "outputs": ["n2"], "backward_passes": 1},
        "nodes": [
            {**node, "id": "n0", "kind": "input", "label": SCRIPT, "name": SCRIPT},
            {**node, "id": "n1", "label": "linear", "op": "linear", "module": XSS},
            {**node, "id": "n2", "kind": "output", "label": "output"},
        ],
        "edges": [{"source": "n0", "target": "n1"}, {"source": "n1", "target": "n2"}],
        "modules": [
            {"path": "", "type": "Net", "parent": None, "depth": 0, "params": 0},
            {"path": XSS, "type": "Linear", "parent": "", "depth": 1, "params": 0},
        ],
    }


NOT_XML = "not\ufffea\uffffcharacter"  # characters XML allows nowhere


class Hostile(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.add_module(XSS, torch.nn.Linear(3, 4))
        self.add_module(SCRIPT, torch.nn.Linear(4, 2))
        self.add_module(NOT_XML, torch.nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = getattr(self, NOT_XML)(torch.relu(getattr(self, XSS)(x)))
        return getattr(self, SCRIPT)(h)


@pytest.fixture(scope="module")
def traced() -> ng.Graph:
    torch.manual_seed(0)
    return ng.trace(Hostile(), torch.randn(5, 3), loss=lambda y: y.pow(2).mean())


def assert_safe_svg(svg: str) -> ET.Element:
    """Well-formed SVG with no script, no event handler, no foreign HTML."""
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1].lower()
        assert tag not in {"script", "foreignobject", "img", "iframe"}, tag
        assert not any(a.lower().startswith("on") for a in el.attrib), el.attrib
    return root


def test_view_carries_the_graph_payload_and_options(traced: ng.Graph) -> None:
    view = GraphView(traced, depth=1, view="backward", color_by="value")
    assert view.graph["format"] == "nngraph.graph"
    assert len(view.graph["nodes"]) == traced.number_of_nodes()
    assert (view.depth, view.view, view.color_by, view.selected) == (1, "backward", "value", "")
    json.dumps(view.graph)  # what the front-end receives is plain JSON


def test_show_returns_a_graph_view(traced: ng.Graph) -> None:
    view = traced.show(view="backward")
    assert isinstance(view, GraphView)
    assert view.view == "backward"


@pytest.mark.parametrize("form", ["dict", "json"])
def test_view_accepts_to_dict_and_to_json(form: str) -> None:
    payload = tiny_payload()
    view = GraphView(payload if form == "dict" else json.dumps(payload))
    assert view.graph["nodes"][1]["module"] == XSS


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (5, r"needs a graph: an ng.Graph .* not 5 \(int\)"),
        ([1, 2], r"needs a graph: an ng.Graph .* not \[1, 2\] \(list\)"),
        (None, r"needs a graph: an ng.Graph .* not None \(NoneType\)"),
        ({"hello": 1}, r"cannot show this: this is not an nngraph graph"),
        ("not json", r"cannot show this: .* this is not valid JSON \(line 1, column 1\)"),
        ("[1, 2]", r"cannot show this: a saved graph is a JSON object"),
        (
            {"format": "nngraph.graph", "version": 1, "nodes": []},
            r'cannot show this: .* has no "edges"',
        ),
        (
            {**tiny_payload(), "edges": [{"source": "n0", "target": "n9"}]},
            r"cannot show this: edges\[0\] names the node 'n9'",
        ),
    ],
)
def test_anything_but_a_graph_is_refused_saying_what_to_pass(bad: Any, says: str) -> None:
    with pytest.raises(ng.NNGraphError, match=f"^GraphView {says}") as refused:
        GraphView(bad)
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    ("option", "says"),
    [
        (
            {"view": "sideways"},
            r"view=\.\.\.\) must be one of: 'forward', 'backward'; got 'sideways'",
        ),
        (
            {"color_by": "bogus"},
            r"color_by=\.\.\.\) must be one of: 'grad', 'value', 'none'; got 'bogus'",
        ),
        ({"view": None}, r"view=\.\.\.\) must be one of: 'forward', 'backward'; got None"),
        ({"height": "tall"}, r"height=\.\.\.\) needs a whole number, got 'tall'"),
        ({"depth": "2"}, r"depth=\.\.\.\) needs a whole number >= 0 .*, got '2'"),
        (
            {"colour_by": "value"},
            r" has no option 'colour_by'; its options are: depth, view, color_by",
        ),
    ],
    ids=["view", "color_by", "view None", "height", "depth", "misspelt name"],
)
def test_a_bad_option_is_refused(traced: ng.Graph, option: dict[str, Any], says: str) -> None:
    with pytest.raises(ng.NNGraphError, match=f"^GraphView[(]?{says}"):
        traced.show(**option)
    with pytest.raises(ng.NNGraphError, match=f"^GraphView[(]?{says}"):
        GraphView(tiny_payload(), **option)
    with pytest.raises(ng.NNGraphError, match="whole number >= 0"):
        GraphView(tiny_payload(), depth=-1)


@pytest.mark.parametrize("depth", [-1, True, "a", 2.0, -0.0, 1.5, [1]], ids=repr)
def test_a_bad_depth_is_refused_alike_and_names_the_view(traced: ng.Graph, depth: Any) -> None:
    """-1 and True named collapse(), 'a' named GraphView, 2.0 was taken though collapse()
    refuses it (sweep O, bug 5): now one sentence about the view's option for each."""
    says = r"^GraphView\(depth=\.\.\.\) needs a whole number >= 0 \(the levels of modules open"
    with pytest.raises(ng.NNGraphError, match=says + f".*got {re.escape(repr(depth))}$"):
        traced.show(depth=depth)
    with pytest.raises(ng.NNGraphError, match=says):
        GraphView(tiny_payload(), depth=depth)
    view = GraphView(tiny_payload(), depth=2)
    with pytest.raises(ng.NNGraphError, match=says):
        view.depth = depth
    assert view.depth == 2


@pytest.mark.parametrize(
    "bad",
    [np.array(["forward", "grad"]), torch.tensor([1.0, 2.0]), ["forward"], {"grad"}],
    ids=["numpy", "tensor", "list", "set"],
)
@pytest.mark.parametrize("option", ["view", "color_by"])
def test_an_array_or_a_list_for_a_choice_is_refused_naming_the_option(
    traced: ng.Graph, option: str, bad: Any
) -> None:
    """A tensor or a numpy array gave torch's or numpy's "ambiguous" error (sweep W, bug 6)."""
    says = rf"^GraphView\({option}=\.\.\.\) must be one of: "
    with pytest.raises(ng.NNGraphError, match=says):
        traced.show(**{option: bad})
    view = GraphView(tiny_payload())
    with pytest.raises(ng.NNGraphError, match=says):
        setattr(view, option, bad)
    assert (view.view, view.color_by) == ("forward", "grad")


def test_the_options_listed_include_ipywidgets_layout(traced: ng.Graph) -> None:
    """layout= is taken, so the list of options names it (sweep O)."""
    with pytest.raises(ng.NNGraphError, match=r"its options are: depth, .*, height, layout$"):
        traced.show(colour_by="grad")


def test_an_option_set_later_is_checked_too() -> None:
    view = GraphView(tiny_payload(), depth=None, layout={"width": "300px"})  # ipywidgets' own
    with pytest.raises(ng.NNGraphError, match=r"^GraphView\(view=\.\.\.\) must be one of"):
        view.view = "up"
    assert view.view == "forward"


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (torch.nn.Linear(2, 2), r"^GraphView needs a graph: an ng\.Graph .*not Linear\(in_f"),
        ({"hello": 1}, r"^GraphView cannot show this: this is not an nngraph graph"),
        ("not json", r"^GraphView cannot show this: .* this is not valid JSON"),
        (None, r"^GraphView needs a graph: .*not None"),  # was taken, and the view broke
    ],
    ids=["model", "dict", "text", "none"],
)
def test_a_graph_set_later_is_refused_as_the_view_refuses_it_when_made(bad: Any, says: str) -> None:
    """`view.graph = model` gave traitlets' five-line TraitError, `GraphView(model)` an
    NNGraphError saying what to pass (sweep 22a, F8)."""
    with pytest.raises(ng.NNGraphError, match=says):
        GraphView(bad)
    view = GraphView(tiny_payload())
    with pytest.raises(ng.NNGraphError, match=says) as refused:
        view.graph = bad
    assert "\n" not in str(refused.value)
    assert view.graph == GraphView(tiny_payload()).graph  # the old graph stays


@pytest.mark.parametrize("form", ["graph", "to_dict", "to_json"])
def test_a_graph_set_later_is_taken_as_the_view_takes_it_when_made(
    traced: ng.Graph, form: str
) -> None:
    view = GraphView(tiny_payload())
    given = traced if form == "graph" else getattr(traced, form)()
    view.graph = given
    assert view.graph == GraphView(traced).graph  # the checked payload, health flags too
    assert view.static_svg() == GraphView(traced).static_svg()


def test_a_depth_beyond_any_model_opens_everything_and_stays_a_small_number() -> None:
    assert GraphView(tiny_payload(), depth=2**32).depth == 1000  # the browser reads 32 bits


def test_mimebundle_has_widget_static_svg_and_text(traced: ng.Graph) -> None:
    data, _meta = GraphView(traced)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"].startswith("<nngraph GraphView:")
    assert_safe_svg(data["image/svg+xml"])


def test_display_of_a_graph_uses_the_view(traced: ng.Graph) -> None:
    bundle = traced._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "image/svg+xml" in data


@pytest.mark.parametrize("use_dot", [False, True])
def test_static_svg_escapes_hostile_names(traced: ng.Graph, use_dot: bool) -> None:
    if use_dot and not _static_svg.shutil.which("dot"):
        pytest.skip("Graphviz dot not installed")
    svg = _static_svg.static_svg(traced.to_dict(), depth=1, use_dot=use_dot)
    root = assert_safe_svg(svg)
    assert "<img" not in svg and "<script" not in svg
    texts = " ".join("".join(el.itertext()) for el in root.iter())
    assert "onerror" in texts  # shown as text, never as markup


@pytest.mark.parametrize("use_dot", [False, True])
def test_static_svg_shows_a_mark_that_turns_text_around_escaped(use_dot: bool) -> None:
    """Sweep s41 (esc, finding 3): text output escaped U+202E, the pictures drew it raw, and
    a name read backwards from there on."""
    if use_dot and not _static_svg.shutil.which("dot"):
        pytest.skip("Graphviz dot not installed")
    model = torch.nn.Sequential()
    model.add_module("run\u202eA1", torch.nn.Linear(2, 2))
    g = ng.trace(model, torch.randn(1, 2))
    svg = _static_svg.static_svg(g.to_dict(), depth=1, use_dot=use_dot)
    assert "\u202e" not in svg and "&#8238;" not in svg
    texts = "".join(assert_safe_svg(svg).itertext()).replace("\u200b", "")  # dot's: after \\
    assert "run\\u202eA1" in texts


def test_static_svg_of_a_hand_written_payload_uses_the_python_layout() -> None:
    svg = _static_svg.static_svg(tiny_payload(), use_dot=False)
    root = assert_safe_svg(svg)
    assert SCRIPT in "".join(root.itertext())


def test_static_svg_collapses_big_graphs() -> None:
    layers = [torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.ReLU()) for _ in range(80)]
    g = ng.trace(torch.nn.Sequential(*layers), torch.randn(2, 4))
    assert g.number_of_nodes() > 300
    svg = _static_svg.static_svg(g.to_dict(), use_dot=False)
    assert svg.count("<rect") - 1 <= _static_svg.MAX_BOXES


def test_static_svg_drops_control_characters() -> None:
    payload = tiny_payload()
    payload["nodes"][0]["label"] = "bad\x00\x07name\ud800"
    assert_safe_svg(_static_svg.static_svg(payload, use_dot=False))


def test_a_built_front_end_is_what_the_view_loads(tmp_path: Path) -> None:
    bundle = tmp_path / "graphview.js"
    bundle.write_text("export default { render() {} };")
    assert _graphview.front_end(bundle) == bundle


def test_without_a_built_front_end_the_view_says_how_to_build_it(tmp_path: Path) -> None:
    esm = _graphview.front_end(tmp_path / "graphview.js")
    assert isinstance(esm, str)
    assert "graphview.not_built" in esm and "npm run build" in esm


def test_an_untrusted_notebook_still_gets_a_picture() -> None:
    """JupyterLab draws no bare SVG output in an untrusted notebook, but it does draw an <img>."""
    import base64

    import torch

    import nngraph as ng
    from nngraph.widgets import GraphView

    model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    model.add_module("<img src=x onerror=alert(1)>", torch.nn.ReLU())
    data, _ = GraphView(ng.trace(model, torch.randn(3, 2)))._repr_mimebundle_()
    html = data["text/html"]
    assert html.startswith('<img alt="') and html.count("<") == 1
    encoded = html.split("base64,", 1)[1].rstrip('">')
    assert base64.b64decode(encoded).decode() == data["image/svg+xml"]


def test_the_text_counts_the_parameters_module_boxes_hold() -> None:
    """text/plain, also the picture's alt text: a collapsed graph keeps its 26 parameters."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    g = ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())
    for graph in (g, g.collapse(0), ng.Graph.from_json(g.collapse(0).to_json())):
        data, _ = GraphView(graph)._repr_mimebundle_()
        assert data["text/plain"].endswith(", 26 parameters>"), data["text/plain"]
        assert 'alt="&lt;nngraph GraphView: ' in data["text/html"]
        assert ", 26 parameters&gt;" in data["text/html"]
    assert GraphView(g.collapse(0))._text() == "<nngraph GraphView: 6 nodes, 1 op, 26 parameters>"


def test_the_text_counts_parameters_of_a_graph_without_a_model() -> None:
    x = torch.ones(3, requires_grad=True)
    w = torch.nn.Parameter(torch.ones(2, 3))
    g = ng.graph_of((w @ x).sum())
    assert GraphView(g)._text().endswith(", 6 parameters>")
    box = {"id": "m:fc", "kind": "module", "module": "fc", "params": 30}
    payload = {**g.to_dict(), "modules": []}
    payload["nodes"] = [*payload["nodes"], box]
    assert _graphview.total_params(payload) == 36


def test_the_text_counts_hand_made_weights_as_the_graph_does() -> None:
    """A lesson's `W = torch.randn(3, 2, requires_grad=True)`: repr and summary say 6
    parameters, and the view's text (also the picture's alt text) said 0."""
    W = torch.randn(3, 2, requires_grad=True)
    w, b = torch.tensor(2.0, requires_grad=True), torch.tensor(0.5, requires_grad=True)
    for loss, count in (((torch.randn(4, 3) @ W).pow(2).mean(), 6), ((w * 3.0 + b) ** 2, 2)):
        g = ng.graph_of(loss)
        data, _ = GraphView(g)._repr_mimebundle_()
        assert repr(g).endswith(f", {count} parameters>")
        assert data["text/plain"].endswith(f", {count} parameters>"), data["text/plain"]
        assert f", {count} parameters&gt;" in data["text/html"]


def _bare_floats(value: Any) -> Any:
    """`value` with the strings "NaN"/"Infinity"/"-Infinity" as floats, as another tool
    (or json.dumps of float statistics) writes them."""
    floats = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
    if isinstance(value, dict):
        return {k: _bare_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bare_floats(v) for v in value]
    return floats.get(value, value) if isinstance(value, str) else value


def test_a_graph_given_with_bare_nan_goes_to_the_browser_as_strict_json() -> None:
    g = ng.trace(torch.nn.Linear(3, 2), torch.tensor([[math.nan, 1.0, 2.0]]), loss=torch.sum)
    with_floats = _bare_floats(g.to_dict())
    checked = g.copy()
    checked.health()  # the view shows the findings (their numbers as strict JSON too)
    text = json.dumps(with_floats)
    assert "NaN" in text and "Infinity" not in text.replace("NaN", "")  # bare, not quoted
    for given in (with_floats, text, text.encode()):
        view = GraphView(given)
        wire = _wire.compact(view.graph)
        json.dumps(wire, allow_nan=False)  # raises on a bare NaN or Infinity
        assert view.graph == checked.to_dict()


def nan_input_graph() -> ng.Graph:
    """The README's first example on data that is all NaN: `health()` finds two things."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    x = torch.full((16, 4), math.nan)
    return ng.trace(model, x, loss=lambda out: out.pow(2).mean())


def flags_of(payload: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(node["id"], flag["kind"]) for node in payload["nodes"] for flag in node["flags"]]


def test_the_view_flags_what_health_finds_without_a_health_call() -> None:
    g = nan_input_graph()
    checked = g.copy()
    checked.health()
    view = g.show()
    nodes = {node["id"]: node for node in view.graph["nodes"]}
    assert [(nodes[n]["kind"], kind) for n, kind in flags_of(view.graph)] == [
        ("input", "nan"),  # the first NaN of the forward pass
        ("op", "nan"),  # the first NaN gradient
    ]
    assert view.graph == checked.to_dict()  # as if g.health() had been called
    assert "#d62728" in view.static_svg()  # the flagged nodes are red in the saved picture
    assert not flags_of(g.to_dict())  # showing a graph does not change it
    assert GraphView(checked).graph == view.graph  # findings already stored: shown once
    assert flags_of(GraphView(g.to_json()).graph) == flags_of(view.graph)
    assert {kind for _, kind in flags_of(GraphView(g.collapse(0)).graph)} == {"nan"}  # in boxes


def test_a_healthy_graph_shows_no_flags(traced: ng.Graph) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    g = ng.trace(model, torch.randn(32, 4), loss=lambda out: out.pow(2).mean())
    assert flags_of(GraphView(g).graph) == []


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ({"selected": 3}, r"\(selected=\.\.\.\) needs a node's id, a string such as 'n3'"),
        ({"selected": None}, r"\(selected=\.\.\.\) needs a node's id"),
        ({"height": -5}, r"\(height=\.\.\.\) needs a whole number of at least 1, got -5"),
        ({"height": 0}, r"\(height=\.\.\.\) needs a whole number of at least 1, got 0"),
        ({"height": True}, r"\(height=\.\.\.\) needs a whole number of at least 1, got True"),
        ({"layout": "wide"}, r"\(layout=\.\.\.\) is ipywidgets' layout: a dict such as"),
        ({"messages": {}}, r" has no option 'messages'; its options are: depth, view"),
    ],
    ids=[
        "selected int",
        "selected None",
        "height negative",
        "height 0",
        "height bool",
        "layout",
        "not an option",
    ],
)
def test_a_wrong_selected_height_or_layout_is_refused(
    traced: ng.Graph, option: dict[str, Any], says: str
) -> None:
    with pytest.raises(ng.NNGraphError, match=f"^GraphView{says}"):
        traced.show(**option)
    with pytest.raises(ng.NNGraphError, match=f"^GraphView{says}"):
        GraphView(tiny_payload(), **option)


def test_selected_and_height_set_later_are_checked_too(traced: ng.Graph) -> None:
    view = traced.show(selected="n1", height=300)
    with pytest.raises(ng.NNGraphError, match=r"^GraphView\(height=\.\.\.\) needs a whole number"):
        view.height = -1
    with pytest.raises(ng.NNGraphError, match=r"^GraphView\(selected=\.\.\.\) needs a node's id"):
        view.selected = 4  # type: ignore[assignment]
    assert (view.selected, view.height) == ("n1", 300)


@pytest.mark.parametrize("height", [300.0, np.float64(300.0), 2.5], ids=repr)
def test_a_height_that_is_no_whole_number_is_refused_made_or_set_later(
    traced: ng.Graph, height: Any
) -> None:
    """Sweep s38 (helper api): 300.0 was refused when the view was made, with "needs a whole
    number of at least 1, got 300.0", and taken when set later, as traitlets' Int takes it."""
    says = r"^GraphView\(height=\.\.\.\) needs a whole number, got"
    with pytest.raises(ng.NNGraphError, match=says):
        traced.show(height=height)
    view = traced.show(height=300)
    with pytest.raises(ng.NNGraphError, match=says):
        view.height = height
    assert view.height == 300


@pytest.mark.parametrize("member", [ng.Graph.show, GraphView.close, GraphView.static_svg])
def test_showing_a_graph_has_examples(member: Any) -> None:
    """g.show() and the view's methods had no `>>>` example (sweep O, bug 6)."""
    assert ">>>" in (member.__doc__ or "")


def test_printing_a_graph_view_says_what_it_shows() -> None:
    """Sweep s40 (helper nb): `print(view)` gave an object's address."""
    import nngraph as ng

    g = ng.trace(torch.nn.Linear(2, 1), torch.randn(3, 2), loss=lambda out: out.sum())
    assert str(ng.GraphView(g)) == "<nngraph GraphView: 7 nodes, 3 ops, 3 parameters>"
