"""health() on the trainable parameters of the given model that the graph does not reach: a
layer defined in __init__ and forgotten in forward, one cut off the loss in a `graph_of` graph
(which holds only the loss's history); and quiet where nothing is wrong: a frozen layer,
another model, a second head's truthful wording, tied weights."""

from __future__ import annotations

import pytest
import torch
from IPython.lib.pretty import pretty
from torch import nn
from torch.nn import functional as F

import nngraph as ng
from nngraph.i18n import set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


class Forgotten(nn.Module):
    """fc2 is defined, but forward skips it (a student's slip)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(20, 64), nn.Linear(64, 64), nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc3(torch.relu(self.fc1(x)))


class Detached(nn.Module):
    """`.detach()` in forward: a and b get no gradient."""

    def __init__(self) -> None:
        super().__init__()
        self.a, self.b, self.c = nn.Linear(20, 64), nn.Linear(64, 64), nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.a(x))
        return self.c(torch.relu(self.b(h)).detach())


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    return torch.randn(32, 20), torch.randint(0, 10, (32,))


def _traced(model: nn.Module) -> ng.Graph:
    x, y = _batch()
    return ng.trace(model, x, loss=lambda out: F.cross_entropy(out, y))


def _of_loss(model: nn.Module) -> ng.Graph:
    x, y = _batch()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return ng.graph_of(loss, params=model)


def _recorded(model: nn.Module) -> ng.Graph:
    """A training step in `record()`, as `%%nngraph` records a cell."""
    x, y = _batch()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
    return rec.graph


def _unreached(g: ng.Graph) -> list[dict]:
    return [f for f in g.health() if "unreached" in f]


@pytest.mark.parametrize("capture", [_traced, _of_loss, _recorded])
def test_a_layer_forgotten_in_forward_is_named(capture) -> None:
    """Sweep: "Findings: none (...)" was said, fc2's .grad None (and by `record()` and
    `%%nngraph` until stop 36, which listed no model's unreached parameters)."""
    torch.manual_seed(0)
    g = capture(Forgotten())
    (found,) = _unreached(g)
    assert (found["kind"], found["unreached"], found["module"]) == ("no_gradient", ["fc2"], "")
    assert "module fc2 (Linear)" in found["message"]
    assert g.nodes[found["node"]]["kind"] == "output"  # the loss: fc2 has no node
    assert "Findings: none" not in str(g.health())


def test_trace_tells_a_forgotten_layer_to_be_called_in_forward() -> None:
    torch.manual_seed(0)
    (found,) = _unreached(_traced(Forgotten()))
    assert found["message"].startswith(
        "The weights of module fc2 (Linear) do not appear in the forward pass this graph recorded"
    )
    assert "left out of forward" in found["message"]


def test_graph_of_names_the_layers_a_detach_cuts_off_the_loss() -> None:
    """Sweep: `%nngraph loss` (graph_of with params=model) said "Findings: none" while a and b
    (6,154 - 650 parameters) got no gradient; ng.trace named them."""
    torch.manual_seed(0)
    g = _of_loss(Detached())
    (found,) = _unreached(g)
    assert found["unreached"] == ["a", "b"]
    text = found["message"]
    assert text.startswith("No gradient from this graph reaches the weights of modules")
    assert "a (Linear) and b (Linear)" in text and ".detach()" in text
    assert "another loss trains them (a second head)" in text


def test_trace_says_a_cut_layer_once() -> None:
    """trace() holds the cut layers: its own `no_gradient` finding names them, this one only
    the layer forward never called."""

    class DetachedAndForgotten(Detached):
        def __init__(self) -> None:
            super().__init__()
            self.d = nn.Linear(64, 64)

    torch.manual_seed(0)
    findings = _traced(DetachedAndForgotten()).health()
    assert [f["unreached"] for f in findings if "unreached" in f] == [["d"]]
    cut = [f["module"] for f in findings if f["kind"] == "no_gradient" and "unreached" not in f]
    assert sorted(cut) == ["a", "b"]


def test_record_judges_the_models_the_block_trains_where_their_forward_ran() -> None:
    """A perceptual loss's network uses some of its layers on purpose and a block calling only
    `vae.decode` runs no forward of the model (regression sweep s32, 4): not told. A frozen
    backbone, a teacher or a generator run first must not hide the forgotten layer of the
    model the block trains (regression sweep 2, 1)."""
    torch.manual_seed(0)

    class Perceptual(nn.Module):  # trainable, never stepped, its forward stops at layer 1
        def __init__(self) -> None:
            super().__init__()
            self.features = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.features[:2](x)

    generator, perceptual = nn.Linear(4, 4), Perceptual()
    optimizer = torch.optim.SGD(generator.parameters(), lr=0.1)
    x = torch.randn(8, 4)
    with ng.record() as rec:
        optimizer.zero_grad()
        F.mse_loss(perceptual(generator(x)), perceptual(x)).backward()
        optimizer.step()
    assert "unreached" not in rec.graph.graph and _unreached(rec.graph) == []

    class VAE(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder, self.decoder = nn.Linear(4, 2), nn.Linear(2, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.decoder(self.encoder(x))

    vae = VAE()
    with ng.record(vae) as rec:
        vae.decoder(torch.randn(3, 2)).sum().backward()
    assert "unreached" not in rec.graph.graph
    backbone = nn.Linear(20, 20).requires_grad_(False)  # frozen, run first
    head = Forgotten()
    optimizer = torch.optim.SGD(head.parameters(), lr=0.1)
    x, y = _batch()
    with ng.record() as rec:
        optimizer.zero_grad()
        with torch.no_grad():
            features = backbone(x)
        F.cross_entropy(head(features), y).backward()
        optimizer.step()
    assert rec.graph.graph["unreached"] == [{"module": "Forgotten.fc2", "type": "Linear"}]
    (found,) = _unreached(rec.graph)
    assert found["unreached"] == ["Forgotten.fc2"]


def test_record_with_an_optimizer_of_an_earlier_model_judges_the_model_that_ran() -> None:
    """The model cell run again (`model = Forgotten()`) and the old optimizer kept: it holds
    none of the new model's parameters, and the forgotten layer went unsaid (regression sweep
    3, 1)."""
    torch.manual_seed(0)
    optimizer = torch.optim.SGD(Forgotten().parameters(), lr=0.1)  # of the model before
    model = Forgotten()
    x, y = _batch()
    with ng.record() as rec:
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
    assert [f["unreached"] for f in _unreached(rec.graph)] == [["fc2"]]


def test_a_whole_submodule_left_out_is_named_once_and_a_stray_parameter_by_name() -> None:
    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = nn.Linear(20, 10)
            self.decoder = nn.Sequential(nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 20))
            self.scale = nn.Parameter(torch.ones(10))  # defined, never used

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.encoder(x)

    torch.manual_seed(0)
    g = _traced(Model())
    # in `named_parameters()` order: a module's own parameters before its children's
    assert g.graph["unreached"] == [
        {"param": "scale"},
        {"module": "decoder", "type": "Sequential"},
    ]
    (found,) = _unreached(g)
    assert found["unreached"] == ["scale", "decoder"]
    assert "module decoder (Sequential) and parameter scale" in found["message"]


def test_frozen_layers_and_a_model_that_takes_no_part_are_not_named() -> None:
    class FrozenToo(Forgotten):
        def __init__(self) -> None:
            super().__init__()
            self.frozen = nn.Linear(64, 64).requires_grad_(False)  # no .grad by design

    torch.manual_seed(0)
    model = FrozenToo()
    assert [f["unreached"] for f in _unreached(_traced(model))] == [["fc2"]]
    assert [f["unreached"] for f in _unreached(_of_loss(model))] == [["fc2"]]
    generator, critic = nn.Linear(4, 20), Forgotten()
    fake = generator(torch.randn(32, 4))
    d_loss = critic(fake.detach()).mean()  # the discriminator's step: G sits out
    assert "unreached" not in ng.graph_of(d_loss, params=generator).graph
    g = ng.trace(critic, fake, loss=lambda out: out.mean())  # G is not the model given
    assert [f["unreached"] for f in _unreached(g)] == [["fc2"]]


def test_tied_weights_reached_through_another_module_are_reached() -> None:
    class TiedLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb, self.out = nn.Embedding(50, 16), nn.Linear(16, 50, bias=False)
            self.out.weight = self.emb.weight
            self.extra = nn.Linear(16, 16)  # forgotten

        def forward(self, h: torch.Tensor) -> torch.Tensor:
            return self.out(h)  # the embedding itself is not called here

    torch.manual_seed(0)
    model = TiedLM()
    g = ng.trace(model, torch.randn(4, 16), loss=lambda out: out.pow(2).mean())
    assert [f["unreached"] for f in _unreached(g)] == [["extra"]]
    loss = model(torch.randn(4, 16)).sum()
    assert [f["unreached"] for f in _unreached(ng.graph_of(loss, params=model))] == [["extra"]]


def test_a_second_head_this_loss_leaves_out_is_said_truthfully() -> None:
    class TwoHeads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body, self.cls, self.box = nn.Linear(20, 32), nn.Linear(32, 10), nn.Linear(32, 4)

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            h = torch.relu(self.body(x))
            return self.cls(h), self.box(h)

    torch.manual_seed(0)
    model = TwoHeads()
    x, y = _batch()
    logits, _ = model(x)
    (found,) = _unreached(ng.graph_of(F.cross_entropy(logits, y), params=model))
    assert found["unreached"] == ["box"]
    assert "That is fine if another loss trains them (a second head)" in found["message"]


def test_polish_names_them_in_polish() -> None:
    set_language("pl")
    torch.manual_seed(0)
    (found,) = _unreached(_of_loss(Detached()))
    assert found["message"].startswith(
        "Żaden gradient z tego grafu nie dociera do wag modułów a (Linear) i b (Linear)"
    )
    (found,) = _unreached(_traced(Forgotten()))
    assert found["message"].startswith("Wagi modułu fc2 (Linear) nie występują w przejściu")


def test_no_finding_on_graph_of_claims_no_dead_units() -> None:
    """graph_of records no activations, so it cannot find dead units (README's limits):
    "Findings: none (no vanishing/exploding gradients, dead units, NaN or Inf)" claimed it."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    loss = model(torch.randn(16, 4)).pow(2).mean()
    loss.backward()
    text = pretty(ng.graph_of(loss, params=model).health())
    assert text.startswith("Findings: none") and "dead units are not checked" in text
    traced = ng.trace(model, torch.randn(16, 4), loss=lambda out: out.pow(2).mean())
    assert pretty(traced.health()) == (
        "Findings: none (no vanishing/exploding gradients, dead units, NaN or Inf)"
    )


def test_the_list_survives_json_and_collapse() -> None:
    torch.manual_seed(0)
    g = _traced(Forgotten())
    back = ng.Graph.from_json(g.to_json())
    assert [f["unreached"] for f in _unreached(back)] == [["fc2"]]
    assert [f["unreached"] for f in _unreached(g.collapse(0))] == [["fc2"]]
