"""The static picture stays quick and small, whatever the graph: Graphviz `dot` only gets
graphs it lays out quickly, and a graph too big for one picture shows its first boxes."""

from __future__ import annotations

import gc
import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import torch

import nngraph as ng
from nngraph.widgets import GraphView, _static_svg

DOT_SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g class="graph"/></svg>'


class FakeDot:
    """Stands in for `subprocess.run(["dot", ...])`: records the DOT text it is given."""

    def __init__(self, error: Exception | None = None) -> None:
        self.inputs: list[str] = []
        self.error = error

    def __call__(self, args: list[str], *, input: bytes, **_: Any) -> subprocess.CompletedProcess:
        self.inputs.append(input.decode())
        if self.error is not None:
            raise self.error
        return subprocess.CompletedProcess(args, 0, stdout=DOT_SVG, stderr=b"")


@pytest.fixture
def fake_dot(monkeypatch: pytest.MonkeyPatch) -> FakeDot:
    fake = FakeDot()
    monkeypatch.setattr(_static_svg.shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(_static_svg.subprocess, "run", fake)
    return fake


class Wide(torch.nn.Module):
    """`n` small layers side by side whose outputs are summed: the ModuleList's box feeds a
    chain of `n` additions."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.ms = torch.nn.ModuleList(torch.nn.Linear(4, 4) for _ in range(n))

    def forward(self, x: torch.Tensor) -> Any:
        return sum(m(x) for m in self.ms)


def wide(n: int) -> ng.Graph:
    return ng.trace(Wide(n), torch.randn(2, 4), loss=lambda y: y.sum())


def boxes(svg: str) -> list[str]:
    """The title of every box the Python layout drew."""
    root = ET.fromstring(svg)
    return [el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}title")]


def test_a_module_feeding_a_long_chain_is_drawn_without_dot(fake_dot: FakeDot) -> None:
    """dot took 9 s on this 104-box graph (over a minute on 150): 100 long edges side by side."""
    svg = GraphView(wide(100)).static_svg()
    assert fake_dot.inputs == []
    drawn = boxes(svg)
    assert len(drawn) == 104 and drawn.count("add") == 100 and "ModuleList" in drawn


def test_a_graph_too_big_for_one_picture_shows_its_first_boxes_and_the_rest_in_one(
    fake_dot: FakeDot,
) -> None:
    g = wide(600)  # 604 boxes: x, the ModuleList, 600 additions, the loss, the output
    svg = GraphView(g).static_svg()
    assert fake_dot.inputs == []
    drawn = boxes(svg)
    assert len(drawn) == _static_svg.MAX_BOXES + 1
    assert drawn[:2] == ["x", "ModuleList"] and drawn[-1] == "… 454 more not drawn"
    assert "add ×452, sum, output" in svg  # what the last box stands for

    backward = boxes(GraphView(g, view="backward").static_svg())
    assert backward[0] == "output" and backward[-1] == "… 454 more not drawn"

    ng.set_language("pl")
    assert "… nie narysowano kolejnych: 454" in boxes(GraphView(g).static_svg())


def test_parameters_far_from_their_ops_are_drawn_without_module_frames(fake_dot: FakeDot) -> None:
    """`graph_of` puts each parameter in its module's frame, the ops outside: dot needed
    3 s for a 4-layer transformer with those frames (minutes for 6), under 0.1 s without."""
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(32, 4, 64, batch_first=True)
    model = torch.nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    x = torch.randn(2, 5, 32)
    GraphView(ng.graph_of(model(x).sum(), params=model)).static_svg()
    GraphView(ng.trace(model, x, loss=lambda y: y.sum())).static_svg()
    from_graph_of, traced = fake_dot.inputs
    assert "subgraph" not in from_graph_of
    assert "subgraph" in traced  # traced ops sit in their modules: the frames stay


@pytest.mark.parametrize("model", ["mlp", "transformer"])
def test_normal_models_keep_the_graphviz_picture_with_module_frames(
    fake_dot: FakeDot, model: str
) -> None:
    torch.manual_seed(0)
    if model == "mlp":
        net: torch.nn.Module = torch.nn.Sequential(
            torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2)
        )
        x = torch.randn(4, 8)
    else:
        layer = torch.nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)
        net = torch.nn.TransformerEncoder(layer, 6, enable_nested_tensor=False)
        x = torch.randn(2, 5, 16)
    g = ng.trace(net, x, loss=lambda y: y.sum())
    g.health()  # the picture shows the findings: stored, they are in to_dot() too
    svg = GraphView(g).static_svg()
    assert svg.startswith("<svg") and 'class="graph"' in svg  # dot's picture
    (dot,) = fake_dot.inputs
    assert "subgraph" in dot and dot == g.collapse(depth=dot_depth(g)).to_dot()


def dot_depth(g: ng.Graph) -> int:
    """The depth the picture folds `g` to: the deepest with at most START_BOXES boxes."""
    depth = 0
    while depth < 5 and g.collapse(depth=depth + 1).number_of_nodes() <= _static_svg.START_BOXES:
        depth += 1
    return depth


@pytest.mark.parametrize(
    "error", [subprocess.TimeoutExpired(["dot"], 1.0), subprocess.CalledProcessError(1, ["dot"])]
)
def test_dot_that_stalls_or_fails_gives_way_to_the_python_layout(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    monkeypatch.setattr(_static_svg.shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(_static_svg.subprocess, "run", FakeDot(error))
    g = ng.trace(torch.nn.Linear(3, 2), torch.randn(1, 3))
    assert len(boxes(GraphView(g).static_svg())) == g.number_of_nodes()


def test_the_cut_picture_of_a_big_graph_of_graph_shows_its_first_ops_not_only_parameters():
    """A DenseNet's graph_of picture was one row of 150 parameters 41,142 px wide (sweep BB):
    counted from the sources, every parameter came before the first op."""
    import re

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        *[layer for _ in range(150) for layer in (torch.nn.Linear(4, 4), torch.nn.ReLU())]
    )
    loss = model(torch.randn(2, 4)).sum()
    loss.backward()
    g = ng.graph_of(loss, params=model)
    svg = _static_svg.static_svg(g.to_dict(), use_dot=False)
    texts = re.findall(r"<text[^>]*>([^<]*)<", svg)
    assert "0.weight" in texts and sum(t == "relu" for t in texts) >= 20


def test_the_python_picture_keeps_the_end_of_a_long_parameter_name() -> None:
    """Drawn without frames, "model.layers.0.self_attn.k_proj.weight" and its bias differ
    only at their end: the picture cuts their start, as the live view does."""
    name = "model.layers.10.self_attention.key_projection.weight"
    payload = {
        "format": "nngraph.graph",
        "version": 1,
        "nodes": [{"id": "w", "kind": "param", "label": name}, {"id": "y", "label": "linear"}],
        "edges": [{"source": "w", "target": "y"}],
    }
    svg = _static_svg.static_svg(payload, use_dot=False)
    shown = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert "…self_attention.key_projection.weight" in shown
    assert name in svg  # whole in the tooltip


def test_the_picture_of_a_model_nested_300_deep_opens_the_deepest_level_that_fits() -> None:
    """Every depth tried with one `Folding` (each `g.collapse(d)` on its own made the picture
    of a model nested 500 deep take 36 s, zoo sweep): the same picture as the level the
    public `collapse` scan picks."""
    from tests.capture.test_models import nested

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))  # 300 module calls, one inside another
    try:
        g = ng.trace(nested(300), torch.randn(2, 4), loss=lambda y: y.sum())
    finally:
        sys.setrecursionlimit(limit)
    payload = GraphView(g).graph
    read = ng.Graph.from_dict(payload)
    depth = 0
    while depth < 299 and read.collapse(depth=depth + 1).number_of_nodes() <= 40:
        depth += 1
    assert depth == 299  # a chain: every level fits
    drawn = _static_svg.static_svg(payload, use_dot=False)
    assert drawn == _static_svg.static_svg(payload, depth=depth, use_dot=False)
    assert drawn != _static_svg.static_svg(payload, depth=depth - 1, use_dot=False)


def test_a_view_leaves_the_cycle_collector_on() -> None:
    """Paused while the payload and the picture are made (see nngraph/_gc.py), also when the
    graph is refused."""
    g = ng.trace(torch.nn.Linear(2, 1), torch.randn(3, 2), loss=lambda y: y.sum())
    GraphView(g).static_svg()
    assert gc.isenabled()
    with pytest.raises(ng.NNGraphError):
        GraphView({"format": "nngraph.graph", "version": 1, "nodes": [{}], "edges": []})
    assert gc.isenabled()
