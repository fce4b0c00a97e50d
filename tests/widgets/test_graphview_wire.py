"""What GraphView sends to the browser: the graph without the attributes that hold their
default (the browser's parseGraph fills them in), so a big graph costs fewer bytes."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import torch

import nngraph as ng
from nngraph.widgets import GraphView, _wire


def sent(view: GraphView) -> dict[str, Any]:
    """The `graph` state as the widget sends it (to the browser and into a saved notebook)."""
    state: dict[str, Any] = view.get_state(key="graph")["graph"]
    return state


@pytest.fixture(scope="module")
def chain() -> ng.Graph:
    torch.manual_seed(0)
    blocks = [m for _ in range(50) for m in (torch.nn.Linear(4, 4), torch.nn.ReLU())]
    return ng.trace(torch.nn.Sequential(*blocks), torch.randn(2, 4), loss=lambda y: y.sum())


def test_the_browser_gets_a_smaller_graph_without_default_attributes(chain: ng.Graph) -> None:
    view = GraphView(chain)
    wire = sent(view)
    assert len(wire["nodes"]) == chain.number_of_nodes()
    for full, node in zip(view.graph["nodes"], wire["nodes"], strict=True):
        assert {"repeat", "grad_accumulated"}.isdisjoint(node)  # 1, False
        assert ("flags" in node) == bool(full["flags"])  # [] unless health flags it
        assert ("dead" in node) == (full["dead"] is not None)  # ReLUs report dead units
        assert ("params" in node) == (full["params"] != 0)
        assert {k: v for k, v in full.items() if k in node} == node  # the rest as it is
    assert not any("depth" in m for m in wire["modules"])
    assert len(json.dumps(wire)) < 0.85 * len(json.dumps(view.graph))
    # Python still sees the whole to_dict() form, with the health findings on the nodes
    checked = chain.copy()
    checked.health()
    assert view.graph == checked.to_dict()


def test_what_the_browser_gets_reads_back_as_the_whole_graph(chain: ng.Graph) -> None:
    g = chain.copy()
    g.health()
    first = next(iter(g))
    g.nodes[first]["value"] = {**g.nodes[first]["value"], "max": math.inf, "nan": 3.0}
    for payload in (g.to_dict(), g.collapse(depth=0).to_dict()):
        view = GraphView(payload)
        wire = json.loads(json.dumps(sent(view)))  # through JSON, as the browser reads it
        assert _wire.expanded(wire) == payload
        view.set_state({"graph": wire})  # a front-end that sends the graph back
        assert view.graph == payload


def test_tracked_is_only_left_out_where_the_browser_reads_it_the_same() -> None:
    """The browser reads a missing `tracked` as "has a backward" (graph.js normaliseNode)."""
    nodes = [
        {"id": "a", "label": "a", "backward": None, "tracked": False},
        {"id": "b", "label": "b", "backward": "AccumulateGrad", "tracked": False},
        {"id": "c", "label": "c", "backward": "AddBackward0", "tracked": True},
    ]
    wire = _wire.compact({"nodes": nodes})["nodes"]
    assert [n.get("tracked") for n in wire] == [None, False, True]
    assert [n["label"] for n in wire] == ["a", "b", "c"]  # the label is always sent


def test_values_that_only_look_like_the_default_are_sent() -> None:
    node = {"id": "n0", "label": "x", "params": False, "repeat": 1.0, "requires_grad": 0}
    assert _wire.compact({"nodes": [node]})["nodes"] == [node]
