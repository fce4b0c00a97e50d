"""Recording a sub-model (`ng.record(wrapper.body)`, `%%nngraph --model wrapper.body`) while the
code runs the outer module: one box per layer, named relative to the recorded model."""

from __future__ import annotations

import re

import torch
from torch import nn

import nngraph as ng


class _Wrapper(nn.Module):
    """A recorded `body` and a head around it, as a trainer or LightningModule holds a net."""

    def __init__(self, body: nn.Module) -> None:
        super().__init__()
        self.body, self.head = body, nn.Linear(1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class _LitLike(nn.Module):
    """A LightningModule-like object: `training_step` calls `self(x)`, whose forward calls `self.net`."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        x, y = batch
        return nn.functional.mse_loss(self(x), y)


class _Tied(nn.Module):
    """An output layer tied to the embedding: shared weights for real."""

    def __init__(self) -> None:
        super().__init__()
        self.emb, self.out = nn.Embedding(10, 6), nn.Linear(6, 10, bias=False)
        self.out.weight = self.emb.weight

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.out(self.emb(tokens))


def _mlp() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    return torch.randn(32, 2), torch.randn(32, 1)


def _boxes(g: ng.Graph) -> list[str]:
    """The titles of the module boxes drawn for `g` at depth 1 (`0 (Linear)`)."""
    return re.findall(r"^\s*label=<([^<>]*)>;$", g.collapse(1).to_dot(), flags=re.MULTILINE)


def _op_modules(g: ng.Graph) -> set[str]:
    return {d["module"] for _, d in g.nodes(data=True) if d["kind"] == "op"}


def _rows(g: ng.Graph) -> dict[str, str]:
    """The summary's rows by their first word (the module path)."""
    return {line.split()[0]: line for line in g.summary().splitlines() if line.strip()}


def test_a_recorded_body_run_by_its_wrapper_is_named_relative_to_the_body() -> None:
    net = _mlp()
    wrapper = _Wrapper(net)
    x, y = _batch()
    with ng.record(wrapper.body) as rec:
        nn.functional.mse_loss(wrapper(x), y).backward()
    g = rec.graph
    assert _op_modules(g) == {"", "0", "1", "2", "_Wrapper.head"}
    assert not any("body" in path for path in g.graph["modules"])
    boxes = _boxes(g)
    assert boxes.count("0 (Linear)") == 1 and boxes.count("2 (Linear)") == 1
    assert not any("body" in box for box in boxes)  # no second copy of the body's layers
    text = g.summary()
    assert "shared" not in text and "Total params: 35\n" in text
    rows = _rows(g)
    assert rows["0"].split()[4] == "24" and rows["2"].split()[4] == "9"
    assert rows["_Wrapper"].split()[4] == "2"  # what the wrapper adds around the body
    params = {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert {"0.weight", "0.bias", "2.weight", "2.bias"} <= params


def test_findings_in_a_recorded_body_name_its_own_layers() -> None:
    net = _mlp()
    with torch.no_grad():
        net[0].bias.fill_(-100.0)  # every ReLU unit silent
    wrapper = _Wrapper(net)
    x, y = _batch()
    with ng.record(wrapper.body) as rec:
        nn.functional.mse_loss(wrapper(x), y).backward()
    dead = [f for f in rec.graph.health() if f["kind"] == "dead"]
    assert [f["module"] for f in dead] == ["1"]
    assert "module 1 (ReLU)" in dead[0]["message"]


def test_a_lightning_like_module_running_its_net_draws_the_net_once() -> None:
    lit = _LitLike()
    with ng.record(lit.net) as rec:
        lit.training_step(_batch()).backward()
    g = rec.graph
    assert _op_modules(g) <= {"", "0", "1", "2"}
    assert not any("net" in path for path in g.graph["modules"])
    assert sorted(_boxes(g)) == ["0 (Linear)", "1 (ReLU)", "2 (Linear)"]
    assert "shared" not in g.summary() and "33 parameters" in repr(g)


def test_a_model_called_directly_is_named_as_before() -> None:
    net = _mlp()
    x, y = _batch()
    with ng.record(net) as rec:
        nn.functional.mse_loss(net(x), y).backward()
    g = rec.graph
    assert _op_modules(g) == {"", "0", "1", "2"}
    assert sorted(g.graph["modules"]) == ["", "0", "1", "2"]
    assert sorted(_boxes(g)) == ["0 (Linear)", "1 (ReLU)", "2 (Linear)"]
    assert "shared" not in g.summary()


def test_a_layer_of_the_net_recorded_while_the_whole_net_runs_is_counted_once() -> None:
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    with ng.record(net[0]) as rec:
        net(torch.randn(8, 3)).sum().backward()
    g = rec.graph
    modules = g.graph["modules"]
    assert "Sequential.0" not in modules and "Sequential.0" not in _op_modules(g)
    assert modules[""]["params"] == 21
    assert modules["Sequential"]["params"] == 5 and "shared" not in modules["Sequential"]
    assert "shared" not in g.summary()


def test_tied_weights_inside_a_recorded_body_still_show_as_shared() -> None:
    tied = _Tied()
    outer = _Wrapper(tied)
    outer.head = nn.Linear(10, 1)
    tokens = torch.randint(0, 10, (4, 3))
    with ng.record(outer.body) as rec:
        outer(tokens).pow(2).mean().backward()
    g = rec.graph
    rows = _rows(g)
    assert "0 (+60 shared)" in rows["out"]
    assert "shared" not in rows["_Wrapper"]
    assert "count once, in the module that registers them first" in g.summary()
    assert sorted(box for box in _boxes(g) if "Wrapper" not in box) == [
        "emb (Embedding)",
        "out (Linear)",
    ]


class _TiedHead(nn.Module):
    """A wrapper whose own layer reuses the last weights of the recorded body."""

    def __init__(self, body: nn.Sequential) -> None:
        super().__init__()
        self.body, self.head = body, nn.Linear(8, 1, bias=False)
        self.head.weight = body[2].weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.head(self.body[1](self.body[0](x)))


def test_a_wrapper_layer_tied_to_the_body_still_shows_as_shared() -> None:
    wrapper = _TiedHead(_mlp())
    x, y = _batch()
    with ng.record(wrapper.body) as rec:
        nn.functional.mse_loss(wrapper(x), y).backward()
    rows = _rows(rec.graph)
    assert "0 (+8 shared)" in rows["_TiedHead.head"]
    assert "shared" not in rows["_TiedHead"]  # holding the body is no sharing
    assert _op_modules(rec.graph) == {"", "0", "1", "2", "_TiedHead", "_TiedHead.head"}


class _AutoEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(6, 3), nn.ReLU())
        self.decoder = nn.Sequential(nn.Linear(3, 6))


def _param_names(g: ng.Graph) -> list[str]:
    return sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")


def test_parts_of_a_model_a_variable_holds_are_named_as_its_named_parameters() -> None:
    """Sweep s42 (helper capture, finding 1): the autoencoder lesson's `ae.encoder(x)` then
    `ae.decoder(z)` gave `0.weight` and `Sequential.0.weight`, two unrelated models, where
    `ae.named_parameters()` says `encoder.0.weight` and `decoder.0.weight`."""
    ae, x = _AutoEncoder(), torch.randn(5, 6)
    with ng.record() as rec:
        nn.functional.mse_loss(ae.decoder(ae.encoder(x)), x).backward()
    g = rec.graph
    assert _param_names(g) == [name for name, _ in sorted(ae.named_parameters())]
    assert _op_modules(g) == {"encoder.0", "encoder.1", "decoder.0", ""}
    assert _rows(g)["(model)"].split()[1:4] == ["Sequential", "+", "Sequential"]
    assert _rows(g)["Total"] == "Total params: 45"


def test_layers_of_a_local_sequential_are_named_by_their_index_in_it() -> None:
    def step() -> ng.Graph:
        net = _mlp()
        with ng.record() as rec:
            net[2](net[1](net[0](torch.randn(4, 2)))).sum().backward()
        return rec.graph

    assert _param_names(step()) == ["0.bias", "0.weight", "2.bias", "2.weight"]


def test_a_part_a_variable_holds_itself_stays_a_model_of_its_own() -> None:
    ae, x = _AutoEncoder(), torch.randn(5, 6)
    encoder = ae.encoder
    with ng.record() as rec:
        encoder(x).sum().backward()
    assert _param_names(rec.graph) == ["0.bias", "0.weight"]


def test_the_smallest_model_holding_the_part_names_it() -> None:
    ae = _AutoEncoder()
    outer = nn.Sequential(ae, nn.Linear(6, 1))  # both hold ae.encoder
    with ng.record(names={"outer": outer, "ae": ae}) as rec:
        ae.encoder(torch.randn(5, 6)).sum().backward()
    assert _param_names(rec.graph) == ["encoder.0.bias", "encoder.0.weight"]
    with ng.record(names={"outer": outer}) as rec:
        ae.encoder(torch.randn(5, 6)).sum().backward()
    assert _param_names(rec.graph) == ["0.encoder.0.bias", "0.encoder.0.weight"]


class _Gan(nn.Module):
    """A LightningModule-style GAN: both nets and the discriminator's optimizer in one module."""

    def __init__(self) -> None:
        super().__init__()
        self.generator = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 4))
        self.discriminator = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(), nn.Linear(8, 1))
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), 1e-3)

    def discriminator_step(self, real: torch.Tensor, z: torch.Tensor) -> ng.Graph:
        with ng.record() as rec:
            self.opt_d.zero_grad()
            fake = self.generator(z).detach()
            bce = nn.functional.binary_cross_entropy_with_logits
            loss = bce(self.discriminator(real), torch.ones(16, 1))
            (loss + bce(self.discriminator(fake), torch.zeros(16, 1))).backward()
            self.opt_d.step()
        return rec.graph


def test_the_parts_of_a_gan_held_by_self_stay_two_models() -> None:
    """Regression review s42: with `self` holding both nets, the generator behind `.detach()`
    in the discriminator's step was told it gets no gradient and does not learn."""
    torch.manual_seed(0)
    g = _Gan().discriminator_step(torch.randn(16, 4), torch.randn(16, 2))
    assert g.health() == []
    assert "generator.0.weight" in _param_names(g) and "discriminator.0.weight" in _param_names(g)


class _Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(6, 4), nn.Linear(4, 3)  # fc2: defined, never used

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.fc1(x))


class _LeakyAutoEncoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder, self.decoder = _Encoder(), nn.Linear(4, 6)


def test_a_layer_a_called_part_leaves_out_is_named_in_the_model_that_holds_it() -> None:
    ae, x = _LeakyAutoEncoder(), torch.randn(5, 6)
    opt = torch.optim.Adam(ae.parameters())
    with ng.record() as rec:
        opt.zero_grad()
        ((ae.decoder(ae.encoder(x)) - x) ** 2).mean().backward()
        opt.step()
    assert rec.graph.graph["unreached"] == [{"module": "encoder.fc2", "type": "Linear"}]
    criterion = nn.MSELoss()  # a module at top level: the decoder alone trained, told nothing
    with ng.record() as rec:
        opt.zero_grad()
        criterion(ae.decoder(torch.randn(5, 4)), x).backward()
        opt.step()
    assert rec.graph.health() == [] and "Total params: 30" in rec.graph.summary()
