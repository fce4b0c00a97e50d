"""An in-place op on a view (`h[:, 0] += 1`): autograd puts the op on the base, and the view's
node gets an edge to it, so that it does not hang off the graph as a branch that goes nowhere."""

from __future__ import annotations

import copy

import networkx as nx
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from tests.capture.test_correctness import (
    assert_stats_match,
    autograd_nodes,
    classes,
    graph_classes,
)


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


class _Aggregate(nn.Module):
    """GNN message passing: messages summed into a buffer of zeros."""

    def __init__(self) -> None:
        super().__init__()
        self.message = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor, src: torch.Tensor, dst: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(x).index_add_(0, dst, self.message(x)[src])


class _Dispatch(nn.Module):
    """Mixture-of-experts dispatch: an expert's output added into its rows of a zero buffer."""

    def __init__(self) -> None:
        super().__init__()
        self.expert = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        out = torch.zeros_like(x)
        out[rows] += self.expert(x[rows])
        return out


def _op_inputs(graph: ng.Graph, op: str) -> list[str | None]:
    node = next(n for n in graph if graph.nodes[n]["op"] == op)
    return sorted(graph.nodes[p]["op"] or graph.nodes[p]["label"] for p in graph.predecessors(node))


def test_a_buffer_of_zeros_written_in_place_leads_into_the_op_that_wrote_it() -> None:
    torch.manual_seed(0)
    x, src, dst = torch.randn(5, 4), torch.tensor([0, 1, 2, 3]), torch.tensor([1, 2, 3, 4])
    graph = ng.trace(_Aggregate(), x, src, dst, loss=lambda out: out.pow(2).mean())
    assert _op_inputs(graph, "index_add_") == ["dst", "getitem", "zeros_like"]
    assert not [n for n in graph if graph.degree(n) == 0]

    graph = ng.trace(_Dispatch(), x, torch.tensor([0, 2]), loss=lambda out: out.pow(2).mean())
    assert _op_inputs(graph, "add_") == ["getitem", "linear"]
    # the expert's rows of the buffer lead on into the loss: no second output
    assert [graph.nodes[n]["label"] for n in graph.graph["outputs"]] == ["output"]
    assert nx.is_directed_acyclic_graph(graph)


def test_a_recorded_sum_into_a_buffer_keeps_the_buffer_and_a_copy_into_it_does_not() -> None:
    lin, x = nn.Linear(3, 3), torch.randn(4, 3)
    with ng.record(lin) as rec:
        buf = torch.zeros(4, 3)
        buf += lin(x)
        copied = torch.empty(4, 3).copy_(lin(x))
        (buf.sum() + copied.sum()).backward()
    graph = rec.graph
    assert _op_inputs(graph, "add_") == ["linear", "zeros"]
    assert _op_inputs(graph, "copy_") == ["linear"]  # what `empty` held is overwritten


class _LayerScaleAfterAttention(nn.Module):
    """timm's `LayerScale(inplace=True)` on what `nn.MultiheadAttention(batch_first=True)`
    returns: a transposed view, scaled in place."""

    def __init__(self) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.gamma = nn.Parameter(torch.full((16,), 0.5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.attn(x, x, x, need_weights=False)
        return out.mul_(self.gamma)


def test_an_in_place_op_on_a_whole_view_shows_the_view_it_wrote() -> None:
    torch.manual_seed(0)
    model, x = nn.Sequential(_LayerScaleAfterAttention(), nn.Linear(16, 2)), torch.randn(4, 5, 16)
    graph = ng.trace(model, x, loss=lambda out: out.pow(2).mean())
    (scaled,) = [d for _, d in graph.nodes(data=True) if d["op"] == "mul_"]
    written = model[0].attn(x, x, x, need_weights=False)[0] * model[0].gamma
    assert scaled["shape"] == [4, 5, 16] and scaled["module"] == "0"
    assert scaled["value"]["mean"] == pytest.approx(written.mean().item(), rel=1e-5)
    row = next(line for line in graph.summary().splitlines() if line.startswith("0 "))
    assert "[4, 5, 16]" in row

    # written into part of `h`: the node stands for all of `h`, which the next layer reads
    graph = ng.trace(_InPlace(), torch.randn(3, 8), loss=lambda out: out.sum())
    assert [d["shape"] for _, d in graph.nodes(data=True) if d["op"] in ("add_", "mul_")] == [
        [3, 8],
        [3, 8],
    ]


class _ScalesPartOfIt(nn.Module):
    def __init__(self, read_first: bool) -> None:
        super().__init__()
        self.fc, self.read_first = nn.Linear(4, 4), read_first

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        v = h[:, :2]
        read = v * 2 if self.read_first else 0
        v.mul_(3)
        return torch.cat([h, read], 1) if self.read_first else h


@pytest.mark.parametrize("read_first", [False, True], ids=["written", "read-then-written"])
def test_a_view_written_in_place_names_an_autograd_node_only_where_one_runs(
    read_first: bool,
) -> None:
    """Sweep E: `v = h[:, :2]; v.mul_(3)`: autograd drops the view's `SliceBackward0` (the base
    gets a `CopySlices`), but the view's node still named it; one that an op read before the
    write is still in the graph autograd runs, and keeps its name."""
    model, x = _ScalesPartOfIt(read_first), torch.randn(5, 4)
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    loss = model(x).pow(2).mean()
    assert graph_classes(g) == classes(autograd_nodes(loss.grad_fn))
    (view,) = [d for _, d in g.nodes(data=True) if d["op"] == "getitem"]
    assert view["backward"] == ("SliceBackward0" if read_first else None) and view["tracked"]
