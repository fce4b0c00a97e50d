"""An in-place op on a view (`h[:, 0] += 1`): autograd puts the op on the base, and the view's
node gets an edge to it, so that it does not hang off the graph as a branch that goes nowhere."""

from __future__ import annotations

import copy

import networkx as nx
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from tests.capture.test_correctness import assert_stats_match


class _InPlace(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc, self.out = nn.Linear(8, 8), nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        h[:, 0] += 1
        v = h.view(-1, 2, 4)
        v[:, 1].mul_(0.5)
        return self.out(h)


def test_a_view_written_in_place_leads_to_the_op_that_wrote_through_it() -> None:
    torch.manual_seed(0)
    model, x, y = _InPlace(), torch.randn(5, 8), torch.randint(0, 2, (5,))
    plain = copy.deepcopy(model)
    graph = ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))
    nodes = graph.nodes
    views = [n for n in graph if nodes[n]["op"] == "getitem"]
    assert len(views) == 2
    for view in views:
        assert [nodes[s]["op"] for s in graph.successors(view)] in (["add_"], ["mul_"])
    assert nx.is_directed_acyclic_graph(graph)
    assert graph.graph["outputs"] == [n for n in graph if nodes[n]["kind"] == "output"]

    h = plain.fc(x).clone()
    h[:, 0] += 1
    h.retain_grad()
    after = h.clone()
    after.view(-1, 2, 4)[:, 1].mul_(0.5)
    after.retain_grad()
    F.cross_entropy(plain.out(after), y).backward()
    (add,) = [d for _, d in graph.nodes(data=True) if d["op"] == "add_"]
    (mul,) = [d for _, d in graph.nodes(data=True) if d["op"] == "mul_"]
    assert_stats_match(add["grad"], h.grad)
    assert_stats_match(mul["grad"], after.grad)
