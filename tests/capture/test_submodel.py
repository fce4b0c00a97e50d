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
