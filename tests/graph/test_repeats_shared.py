"""fold_repeats(): blocks that also read a value their neighbours read (the encoder output a
decoder attends to), or leave results nothing uses (a cache), fold; other wirings do not."""

from __future__ import annotations

import networkx as nx
import torch
from torch import nn

import nngraph as ng
from nngraph.graph import Graph


def labels(g: Graph) -> list[str]:
    return [d["label"] for _, d in g.nodes(data=True) if d["kind"] == "module"]


def test_decoder_layers_of_nn_transformer_fold_like_its_encoder_layers():
    torch.manual_seed(0)
    model = nn.Transformer(
        d_model=16, nhead=2, num_encoder_layers=3, num_decoder_layers=3, dim_feedforward=32
    )
    src = torch.randn(5, 2, 16, requires_grad=True)
    tgt = torch.randn(4, 2, 16, requires_grad=True)
    g = ng.trace(model, src, tgt, loss=lambda y: y.pow(2).mean())
    h = g.collapse(2)  # every decoder layer also reads the encoder's output, with its gradient
    assert labels(h) == ["TransformerEncoderLayer x3", "TransformerDecoderLayer x3"]
    assert nx.is_directed_acyclic_graph(h)
    (run,) = (n for n, d in h.nodes(data=True) if d["label"] == "TransformerDecoderLayer x3")
    memory = {
        n for n, d in h.nodes(data=True) if (d["module"], d["kind"]) == ("encoder.norm", "op")
    }
    assert len(memory) == 1 and h.has_edge(memory.pop(), run)


class Cross(nn.Module):
    """A decoder layer in small: its input plus what it reads from `memory`."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.cross = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.fc(x) + self.cross(memory))


class Decoder(nn.Module):
    """An encoder, then layers that each read the layer before and a memory: the encoder's
    output, another one for the layers in `other`, or their own input for those in `own`."""

    def __init__(self, layers: int, other: tuple[int, ...] = (), own: tuple[int, ...] = ()):
        super().__init__()
        self.encoder = nn.Linear(4, 4)
        self.layers = nn.ModuleList(Cross() for _ in range(layers))
        self.other, self.own = other, own

    def forward(self, src: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        memory = self.encoder(src)
        other = memory * 2
        for i, layer in enumerate(self.layers):
            read = other if i in self.other else x if i in self.own else memory
            x = layer(x, read)
        return x


def decoded(model: nn.Module, memory_grad: bool = True) -> Graph:
    torch.manual_seed(0)
    src = torch.randn(2, 4, requires_grad=memory_grad)
    if not memory_grad:
        model.encoder.requires_grad_(False)  # a memory without a gradient, like a mask
    g = ng.trace(model, src, torch.randn(2, 4, requires_grad=True), loss=lambda y: y.sum())
    h = g.collapse(1)
    assert nx.is_directed_acyclic_graph(h)
    return h


def test_layers_that_all_read_the_same_memory_fold():
    h = decoded(Decoder(3))
    assert labels(h) == ["Cross x3"]
    run = next(n for n, d in h.nodes(data=True) if d["label"] == "Cross x3")
    fed_by = {(h.nodes[p]["kind"], h.nodes[p]["module"]) for p in h.predecessors(run)}
    assert fed_by == {("op", "encoder"), ("input", "")}  # the memory and x
    assert labels(decoded(Decoder(3), memory_grad=False)) == ["Cross x3"]


def test_a_layer_that_reads_another_memory_stays_apart():
    # layer 1 reads `memory * 2`, made outside the layers: another place than its neighbours'
    # memory
    assert labels(decoded(Decoder(3, other=(1,)))) == ["Cross", "Cross", "Cross"]
    h = decoded(Decoder(4, other=(2, 3)))
    assert labels(h) == ["Cross x2", "Cross x2"]


def test_a_layer_wired_otherwise_does_not_join_a_run_of_layers_sharing_a_value():
    # the last layer reads its own input where the others read the memory: its box has the
    # same inside, only its wiring differs (also where the memory has no gradient)
    for grad in (True, False):
        assert labels(decoded(Decoder(4, own=(3,)), grad)) == ["Cross x3", "Cross"]
        assert labels(decoded(Decoder(4, own=(0,)), grad)) == ["Cross", "Cross x3"]


class Offset(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor, memory: torch.Tensor, offset: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.fc(x) * memory) + offset


class OffsetStack(nn.Module):
    """Layers reading the memory twice, but the first, whose offset is a value of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(Offset() for _ in range(4))

    def forward(self, x: torch.Tensor, memory: torch.Tensor, offset: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, memory, offset)
            offset = memory
        return x


def test_a_first_layer_given_a_value_of_its_own_stays_apart():
    torch.manual_seed(0)
    for grad in (True, False):
        x, memory, offset = (torch.randn(2, 4, requires_grad=grad) for _ in range(3))
        g = ng.trace(OffsetStack(), x.detach().requires_grad_(), memory, offset)
        assert labels(g.collapse(1)) == ["Offset", "Offset x3"]


class Looped(nn.Module):
    """Layer 1 reads, besides layer 0's output, a value made from that output outside it."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(Cross() for _ in range(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        memory = x
        for layer in self.layers:
            x = layer(x, memory)
            memory = x.flip(0)  # what the next layer reads lies downstream of this one
        return x


def test_a_value_made_from_the_previous_layer_does_not_fold_into_a_cycle():
    torch.manual_seed(0)
    g = ng.trace(Looped(), torch.randn(2, 4, requires_grad=True), loss=lambda y: y.sum())
    h = g.collapse(1)
    assert labels(h) == ["Cross", "Cross", "Cross"]
    assert nx.is_directed_acyclic_graph(h)


class Cached(nn.Module):
    """A layer that leaves a cache slice nobody reads, and is given a number made for it."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.k = nn.Linear(4, 4)

    def forward(
        self, x: torch.Tensor, window: torch.Tensor | None, cache: list[torch.Tensor]
    ) -> torch.Tensor:
        h = torch.tanh(self.fc(x))
        if window is not None:
            h = h * window
        cache.append(self.k(h)[:, :2])  # with a gradient, yet nothing uses it
        return h


class CachedStack(nn.Module):
    def __init__(self, windows: list[int | None]) -> None:
        super().__init__()
        self.windows = windows
        self.layers = nn.ModuleList(Cached() for _ in windows)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        cache: list[torch.Tensor] = []  # like a KV cache object: not returned
        for layer, window in zip(self.layers, self.windows, strict=True):
            x = layer(x, None if window is None else torch.tensor(window), cache)
        return x


def cached(windows: list[int | None]) -> tuple[Graph, list[str]]:
    torch.manual_seed(0)
    x = torch.randn(2, 4, requires_grad=True)
    g = ng.trace(CachedStack(windows), x, loss=lambda y: y.sum())
    h = g.collapse(1)
    assert nx.is_directed_acyclic_graph(h)
    return g, labels(h)


def test_layers_leaving_results_nothing_uses_fold():
    g, boxes = cached([None, None, None])
    assert len(g.graph["unused"]) == 3
    assert boxes == ["Cached x3"]
    kept = Graph.from_json(g.collapse(1, fold_repeats=False).to_json())  # keeps the list
    assert labels(kept.fold_repeats()) == ["Cached x3"]


def test_layers_given_each_a_constant_of_their_own_fold_where_the_constants_match():
    assert cached([4, 4, 4])[1] == ["Cached x3"]  # as HF's sliding-window cache does
    assert cached([4, 5, 5])[1] == ["Cached", "Cached x2"]
    assert cached([None, 4, 4])[1] == ["Cached", "Cached x2"]
    assert cached([4, 4, None])[1] == ["Cached x2", "Cached"]
