"""The forward order of a recorded graph: what summary() rows and health() follow."""

from __future__ import annotations

import networkx as nx
import torch
from torch import nn

import nngraph as ng
from nngraph.graph._nodes import forward_order


def test_a_leaf_made_inside_the_block_comes_just_before_the_op_that_reads_it() -> None:
    # a saliency map's, an adversarial example's or a gradient penalty's input
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    inputs = torch.randn(6, 4)
    with ng.record(model) as rec:
        x = inputs.clone().requires_grad_()
        model(x).sum().backward()
    g = rec.graph
    order = [g.nodes[n]["label"] for n in forward_order(g)]
    assert order.index("x") < order.index("linear") < order.index("tanh")
    rows = [line.split()[0] for line in g.summary().splitlines()[3:7]]
    assert rows == ["(model)", "0", "1", "2"]


def test_the_order_does_not_depend_on_the_node_ids() -> None:
    # a layer's weight and bias come just before the op that reads them, in a tie broken by
    # their place in the graph, not by the text of their ids ("10" sorted before "9")
    model = nn.Sequential(*[nn.Linear(4, 4) for _ in range(6)])
    g = ng.trace(model, torch.randn(2, 4), loss=lambda y: y.sum())
    backwards = {n: f"id{len(g) - i:04d}" for i, n in enumerate(g)}  # ids whose text sorts back
    for renamed in (nx.relabel_nodes(g, backwards), nx.convert_node_labels_to_integers(g)):
        nx.set_node_attributes(renamed, dict(zip(renamed, g, strict=True)), "id")
        assert [renamed.nodes[n]["id"] for n in forward_order(renamed)] == forward_order(g)
