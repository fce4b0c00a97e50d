"""fold_repeats(): only truly identical blocks fold, however the graph was kept."""

from __future__ import annotations

import networkx as nx
import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph.graph import Graph


def labels(g: Graph) -> list[str]:
    return [d["label"] for _, d in g.nodes(data=True) if d["kind"] == "module"]


def folded(model: nn.Module, x: torch.Tensor) -> list[str]:
    return labels(ng.trace(model, x.requires_grad_()).collapse(depth=0))


def test_modules_with_other_settings_do_not_fold():
    slopes = nn.Sequential(nn.LeakyReLU(0.1), nn.LeakyReLU(0.1), nn.LeakyReLU(0.3))
    assert folded(slopes, torch.randn(2, 4)) == ["LeakyReLU x2", "LeakyReLU"]
    drops = nn.Sequential(nn.Dropout(0.1), nn.Dropout(0.5)).eval()
    assert folded(drops, torch.randn(2, 4)) == ["Dropout", "Dropout"]


def test_convolutions_with_other_strides_or_dilations_do_not_fold():
    same = nn.Conv2d(4, 4, 3, padding=1)
    dilated = nn.Conv2d(4, 4, 3, padding=2, dilation=2)  # same shapes, other receptive field
    strided = nn.Conv2d(4, 4, 3, padding=1, stride=2)
    model = nn.Sequential(same, nn.Conv2d(4, 4, 3, padding=1), dilated, strided)
    assert folded(model, torch.randn(1, 4, 8, 8)) == ["Conv2d x2", "Conv2d", "Conv2d"]


def test_module_settings_are_in_the_module_table():
    g = ng.trace(nn.Sequential(nn.Linear(3, 2), nn.ReLU()), torch.randn(1, 3))
    modules = g.graph["modules"]
    assert modules["0"]["config"] == "in_features=3, out_features=2, bias=True"
    assert "config" not in modules["1"]  # a ReLU has no settings


def test_blocks_stay_apart_after_copy_json_and_subgraph():
    # same type, parameter count and output shape, different inside
    model = nn.Sequential(
        nn.Sequential(nn.Linear(4, 4), nn.ReLU()),
        nn.Sequential(nn.Linear(4, 4), nn.Tanh()),
        nn.Sequential(nn.Linear(4, 4), nn.Tanh()),
    )
    h = ng.trace(model, torch.randn(2, 4)).collapse(depth=0, fold_repeats=False)
    for kept in (h, h.copy(), Graph.from_json(h.to_json()), h.subgraph(list(h.nodes))):
        assert labels(kept.fold_repeats()) == ["Sequential", "Sequential x2"]


def test_a_folded_run_folds_again_only_with_the_same_run():
    def stack(blocks: int) -> nn.Sequential:
        return nn.Sequential(*(m for _ in range(blocks) for m in (nn.Linear(4, 4), nn.ReLU())))

    model = nn.Sequential(stack(3), stack(2))
    g = ng.trace(model, torch.randn(2, 4), loss=lambda y: y.sum())
    h = g.collapse(depth=1)
    assert labels(h) == ["(Linear, ReLU) x3", "(Linear, ReLU) x2"]
    runs = [d for _, d in h.nodes(data=True) if d["kind"] == "module"]
    assert runs[0]["block"] != runs[1]["block"]


class Difference(nn.Module):
    def __init__(self, flip: bool) -> None:
        super().__init__()
        self.flip = flip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = x.tanh(), x.sigmoid()
        return b - a if self.flip else a - b


def test_blocks_whose_insides_are_wired_differently_do_not_fold():
    model = nn.Sequential(Difference(False), Difference(True))
    assert folded(model, torch.randn(2, 4)) == ["Difference", "Difference"]


def test_a_module_in_eval_mode_does_not_fold_with_one_in_training_mode():
    model = nn.Sequential(nn.BatchNorm1d(4), nn.BatchNorm1d(4), nn.BatchNorm1d(4))
    model[2].eval()  # e.g. a frozen layer while the rest trains
    assert folded(model, torch.randn(8, 4)) == ["BatchNorm1d x2", "BatchNorm1d"]


class LinearDropout(nn.Module):
    def __init__(self, p: float) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.drop = nn.Dropout(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.fc(x))


def test_blocks_that_differ_in_a_module_that_left_no_node_do_not_fold():
    # in eval mode Dropout returns its input: it runs but draws nothing, yet p differs
    model = nn.Sequential(LinearDropout(0.1), LinearDropout(0.5), LinearDropout(0.5)).eval()
    assert folded(model, torch.randn(2, 4)) == ["LinearDropout", "LinearDropout x2"]
    identity = nn.Sequential(nn.Linear(4, 4), nn.Identity())  # Identity leaves no node either
    model = nn.Sequential(identity, nn.Sequential(nn.Linear(4, 4)))
    assert folded(model, torch.randn(2, 4)) == ["Sequential", "Sequential"]


def test_layers_that_all_read_the_same_mask_fold():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    x = torch.randn(2, 5, 8, requires_grad=True)
    causal = nn.Transformer.generate_square_subsequent_mask(5)  # every layer reads it
    g = ng.trace(encoder, x, mask=causal, loss=lambda y: y.pow(2).mean())
    boxes = [d["label"] for _, d in g.collapse(1).nodes(data=True) if d["kind"] == "module"]
    assert boxes == ["TransformerEncoderLayer x3"]


@pytest.mark.parametrize("needs_grad", [False, True])
def test_the_first_layer_fed_the_raw_input_folds_with_the_others(needs_grad: bool) -> None:
    """PyTorch records no view or copy of a tensor that needs no gradient: the first layer's
    transpose and `contiguous()` of its input left it two nodes fewer, and a plain
    TransformerEncoder folded as `TransformerEncoderLayer, TransformerEncoderLayer x2`."""
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(layer, 3, enable_nested_tensor=False)
    x = torch.randn(2, 5, 8, requires_grad=needs_grad)
    g = ng.trace(encoder, x, loss=lambda y: y.pow(2).mean())
    boxes = [d["label"] for _, d in g.collapse(1).nodes(data=True) if d["kind"] == "module"]
    assert boxes == ["TransformerEncoderLayer x3"]
    with ng.record(encoder) as rec:
        encoder(x).sum().backward()
    boxes = [d["label"] for _, d in rec.graph.collapse(1).nodes(data=True) if d["kind"] == "module"]
    assert boxes == ["TransformerEncoderLayer x3"]


class MaybeTransposed(nn.Module):
    """Mixes along the rows of a square input, or along its columns."""

    def __init__(self, transpose: bool) -> None:
        super().__init__()
        self.fc, self.transpose = nn.Linear(8, 8), transpose

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.fc(x.t() if self.transpose else x))


def test_a_block_that_transposes_its_input_does_not_fold_with_one_that_does_not() -> None:
    """Leaving the input's reshapes out of the signature folded T, F, T, F as `x4` (review)."""
    model = nn.Sequential(*[MaybeTransposed(t) for t in (True, False, True, False)])
    g = ng.trace(model, torch.randn(8, 8, requires_grad=True), loss=lambda y: y.sum())
    assert labels(g.collapse(0)) == ["(MaybeTransposed, MaybeTransposed) x2"]


class Shifted(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
        return self.linear(x) + shift


class ThreeShifted(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(Shifted() for _ in range(3))

    def forward(self, x: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        x = self.blocks[0](x, a)
        return self.blocks[2](self.blocks[1](x, b), b)  # `b` is new to the second block


def test_only_blocks_that_share_their_extra_inputs_fold():
    torch.manual_seed(0)
    x, a, b = torch.randn(2, 4), torch.zeros(4), torch.ones(4)
    g = ng.trace(ThreeShifted(), x, a, b, loss=lambda y: y.sum())
    labels = [d["label"] for _, d in g.collapse(1).nodes(data=True) if d["kind"] == "module"]
    assert labels == ["Shifted", "Shifted x2"]


def test_blocks_whose_ops_got_other_scalar_arguments_do_not_fold():
    # F.leaky_relu(x, self.slope) in a custom block: the slope is an argument of the op, not
    # a setting of a module; where the op node records it (`args`) the blocks stay apart
    from tests.graph.conftest import Build

    modules = {"": {"type": "Sequential", "params": 0}}
    b = Build(modules)
    h = b.input([2, 4])
    for i, slope in enumerate([0.01, 0.01, 0.3]):
        modules[str(i)] = {"type": "LeakyBlock", "params": 0}
        h = b.op("leaky_relu", h, module=str(i), module_type="LeakyBlock", shape=[2, 4],
                 args={"negative_slope": slope})  # fmt: skip
    b.output(h)
    assert labels(b.g.collapse(depth=0)) == ["LeakyBlock x2", "LeakyBlock"]


class _Scaled(nn.Module):
    """A block that passes its setting to functional ops in forward, as lessons often do."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.fc = nn.Linear(6, 6)
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = nn.functional.leaky_relu(self.fc(x), self.p)
        return nn.functional.dropout(x, p=self.p, training=self.training) * self.p


def test_blocks_given_other_numbers_in_forward_stay_apart_and_equal_ones_fold() -> None:
    torch.manual_seed(0)
    x = torch.randn(4, 6)
    apart = ng.trace(nn.Sequential(_Scaled(0.1), _Scaled(0.5), _Scaled(0.9)), x)
    folded = ng.trace(nn.Sequential(_Scaled(0.5), _Scaled(0.5), _Scaled(0.5)), x)

    def boxes(g: Graph) -> list[str]:
        return [d["label"] for _, d in g.collapse(0).nodes(data=True) if d["kind"] == "module"]

    assert boxes(apart) == ["_Scaled"] * 3
    assert boxes(folded) == ["_Scaled x3"]
    ops = {d["op"]: d["args"] for _, d in apart.nodes(data=True) if d["module"] in ("0", "0.fc")}
    assert ops["leaky_relu"] == "negative_slope=0.1, inplace=False" and ops["mul"] == "0.1"
    assert ops["dropout"] == "p=0.1, training=True, inplace=False" and ops["linear"] is None


def test_a_repeated_block_starts_at_a_layer_as_people_write_it() -> None:
    # after a first conv of other width, (ReLU, Conv2d) x2 folds as many boxes as
    # (Conv2d, ReLU) x2: the block is read from the layer, as VGG's stages are written
    stage = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    )  # fmt: skip
    x = torch.randn(1, 3, 8, 8)
    assert folded(stage, x) == ["Conv2d", "ReLU", "(Conv2d, ReLU) x2", "MaxPool2d"]
    relus = nn.Sequential(nn.ReLU(), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU())
    assert folded(relus, torch.randn(2, 4)) == ["ReLU", "(Linear, ReLU) x2"]


class _Block(nn.Module):
    def __init__(self, c: int) -> None:
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)
        self.c2, self.b2 = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.b2(self.c2(torch.relu(self.b1(self.c1(x))))))


def test_blocks_fold_alike_whatever_the_node_ids():
    # a weight and its bias tie in forward order: the tie was broken by the id's text, so
    # integer ids ("10" before "9") gave identical blocks different signatures
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.Sequential(*[_Block(8) for _ in range(3)])
    )
    g = ng.trace(model, torch.randn(2, 3, 8, 8), loss=lambda y: y.pow(2).mean())
    assert labels(g.collapse(1)) == ["_Block x3"]
    renamed = nx.relabel_nodes(g, lambda n: f"{n}_{g.nodes[n]['label']}")
    for kept in (nx.convert_node_labels_to_integers(g), renamed):
        assert labels(kept.collapse(1)) == ["_Block x3"]


class _TwoBranches(nn.Module):
    """Two layers whose results one op joins, in the block's order or the other way round."""

    def __init__(self, op: str, swap: bool) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(8, 8), nn.Linear(8, 8)
        self.op, self.swap = op, swap

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        p, q = self.a(x), self.b(x)
        if self.swap:
            p, q = q, p
        if self.op == "sub":
            return p - q
        if self.op == "cat":
            return torch.cat([p, q], 1)[:, :8]
        if self.op == "where":
            return torch.where(x > 0, p, q)
        if self.op == "lerp":
            return torch.lerp(p, q, 0.3)
        return torch.addcmul(p, q, x)


@pytest.mark.parametrize("op", ["sub", "cat", "where", "lerp", "addcmul"])
def test_blocks_reading_their_inputs_in_another_order_stay_apart_in_every_copy(op: str) -> None:
    """Sweep s31, 1: the order came from the order of each node's edges, which a copy, JSON
    and networkx's relabelling change: `p - q` blocks and `q - p` blocks folded as x4."""
    torch.manual_seed(0)
    model = nn.Sequential(*(_TwoBranches(op, swap) for swap in (False, False, True, True)))
    g = ng.trace(model, torch.randn(4, 8), loss=lambda y: y.pow(2).mean())
    copied = g.copy()
    read_back = Graph.from_json(g.to_json())
    kept = [
        g,
        copied,
        read_back,
        Graph.from_json(copied.to_json()),
        nx.relabel_nodes(copied, lambda n: f"x{n}"),
        nx.relabel_nodes(read_back, lambda n: f"x{n}"),
        g.subgraph(list(g.nodes)).copy(),
    ]
    for graph in kept:
        assert labels(graph.collapse(0)) == ["_TwoBranches x2"] * 2


class _Recurrent(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn, self.gru = nn.RNN(4, 6, batch_first=True), nn.GRU(6, 5, batch_first=True)
        self.head = nn.Linear(5, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, _ = self.rnn(x)
        h, _ = self.gru(h)
        return self.head(h[:, -1])


def test_a_json_round_trip_keeps_every_boxs_block() -> None:
    torch.manual_seed(0)
    g = ng.trace(_Recurrent(), torch.randn(2, 5, 4), loss=lambda y: y.pow(2).mean())

    def blocks(graph: Graph) -> dict[str, str]:
        return {n: d["block"] for n, d in graph.collapse(0).nodes(data=True) if "block" in d}

    assert blocks(Graph.from_json(g.to_json())) == blocks(g) == blocks(g.copy())
    assert blocks(Graph.from_json(g.copy().to_json())) == blocks(g)


class _WithSpare(nn.Module):
    """A block that may hold parameters its forward does not use (a head for another mode)."""

    def __init__(self, spare: str) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 8)
        if spare == "parameter":
            self.spare = nn.Parameter(torch.zeros(1000))
        elif spare == "module":
            self.aux = nn.Linear(8, 100)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.fc(x))


@pytest.mark.parametrize("spare", ["parameter", "module"])
def test_blocks_holding_other_numbers_of_parameters_do_not_fold(spare: str) -> None:
    """Sweep s31, 2: blocks of 72 and of 1,072 parameters folded into one `x4` box."""
    model = nn.Sequential(*(_WithSpare(s) for s in ("", "", spare, spare)))
    h = ng.trace(model, torch.randn(4, 8), loss=lambda y: y.pow(2).mean()).collapse(0)
    runs = [(d["label"], d["params"]) for _, d in h.nodes(data=True) if d["kind"] == "module"]
    extra = 1000 if spare == "parameter" else 900
    assert runs == [("_WithSpare x2", 144), ("_WithSpare x2", 144 + 2 * extra)]


class _HiddenInAList(nn.Module):
    """The classic slip: the hidden layers kept in a plain Python list, not a ModuleList."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Linear(8, 8)
        self.hidden = [nn.Linear(8, 8) for _ in range(3)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inp(x)
        for layer in self.hidden:
            x = layer(x)
        return x


def test_a_registered_layer_does_not_fold_with_layers_kept_in_a_plain_list() -> None:
    """Sweep s31, 3: `inp` and the three unregistered layers folded into one `Linear x4` on
    `inp`'s row, which then said "not in the model" and held 288 parameters of a 72 model."""
    torch.manual_seed(0)
    g = ng.trace(_HiddenInAList(), torch.randn(4, 8), loss=lambda y: y.pow(2).mean())
    h = g.collapse(0)
    boxes = [(d["module"], d["label"], d["params"]) for _, d in h.nodes(data=True) if "block" in d]
    assert boxes == [("inp", "Linear", 72), ("Linear", "Linear x3", 216)]
    rows = {line.split()[0]: line for line in h.summary().splitlines() if line.strip()}
    assert "not in the model" not in rows["inp"] and "not in the model" in rows["Linear"]


class _ReadsItsInput(nn.Module):
    """`x - f(x)` or `f(x) - x` (`cat` alike): the block's own input read first or second."""

    def __init__(self, op: str, input_first: bool) -> None:
        super().__init__()
        self.f, self.op, self.input_first = nn.Linear(4, 4), op, input_first

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = (x, self.f(x)) if self.input_first else (self.f(x), x)
        return a - b if self.op == "sub" else torch.cat([a, b], 1)[:, :4]


@pytest.mark.parametrize("needs_grad", [False, True])
@pytest.mark.parametrize("op", ["sub", "cat"])
def test_blocks_that_read_their_own_input_at_another_place_do_not_fold(
    op: str, needs_grad: bool
) -> None:
    """Sweep s46 (export, 2): an input from outside the block was left out of the signature
    with its place, so `x - f(x)` and `f(x) - x` blocks folded as `x2`."""
    torch.manual_seed(0)
    for first, second, expected in (
        (False, True, ["_ReadsItsInput"] * 2),
        (True, False, ["_ReadsItsInput"] * 2),
        (True, True, ["_ReadsItsInput x2"]),
        (False, False, ["_ReadsItsInput x2"]),
    ):
        model = nn.Sequential(_ReadsItsInput(op, first), _ReadsItsInput(op, second))
        x = torch.randn(3, 4, requires_grad=needs_grad)
        g = ng.trace(model, x, loss=lambda y: y.pow(2).sum())
        for kept in (g, g.copy(), Graph.from_json(g.to_json())):
            assert labels(kept.collapse(0)) == expected, (first, second)


def test_edges_into_a_box_carry_no_operand_also_where_repeats_are_folded() -> None:
    """Review s46: with `fold_repeats` (collapse's default) the edges into a module box got
    an `operand`, though a place among one node's inputs is none among a box's."""

    class TwoInputs(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Bilinear(3, 3, 2)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.a(x.sin(), x.cos())

    g = ng.trace(TwoInputs(), torch.randn(4, 3), loss=lambda y: y.sum())
    for fold in (False, True):
        h = g.collapse(0, fold_repeats=fold)
        boxes = {n for n, d in h.nodes(data=True) if d["kind"] == "module"}
        into = [e for e in h.to_dict()["edges"] if e["target"] in boxes]
        assert len(into) == 2 and all("operand" not in e for e in into), fold
