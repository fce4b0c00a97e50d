"""The forward order of a recorded graph: what summary() rows and health() follow."""

from __future__ import annotations

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
