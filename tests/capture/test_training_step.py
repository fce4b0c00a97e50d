"""A whole training step inside `ng.record()`: the graph is the model's, not the optimizer's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
import torch
from torch import nn

import nngraph as ng

Optimizer = Callable[..., torch.optim.Optimizer]


def small_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))


def ops(g: ng.Graph) -> Counter[str]:
    return Counter(d["op"] for _, d in g.nodes(data=True) if d["kind"] == "op")


def params(g: ng.Graph) -> dict[str, dict[str, float]]:
    return {d["name"]: d for _, d in g.nodes(data=True) if d["kind"] == "param"}


def forward_backward(model: nn.Module, x: torch.Tensor) -> ng.Graph:
    with ng.record() as rec:
        model(x).pow(2).mean().backward()
    return rec.graph


@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
        lambda p: torch.optim.Adam(p, lr=0.1),
        lambda p: torch.optim.AdamW(p, lr=0.1, foreach=True),
    ],
    ids=["sgd", "adam", "adamw-foreach"],
)
def test_an_optimizer_step_adds_nothing_to_the_graph(make_optimizer: Optimizer) -> None:
    model, x = small_model(), torch.randn(5, 4)
    expected = forward_backward(model, x)
    model.zero_grad(set_to_none=True)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    opt = make_optimizer(model.parameters())
    with ng.record() as rec:
        loss = model(x).pow(2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
    g = rec.graph
    assert ops(g) == ops(expected)
    assert g.number_of_nodes() == expected.number_of_nodes()
    assert [d["shape"] for _, d in g.nodes(data=True) if d["kind"] == "input"] == [[5, 4]]
    assert [d["shape"] for _, d in g.nodes(data=True) if d["kind"] == "output"] == [[]]
    # the step did run: the weights moved
    assert not torch.equal(model[0].weight, before["0.weight"])
    # each parameter shows the value the forward used and the gradient the backward sent,
    # although step() then changed the one and zero_grad() dropped the other
    for name, d in params(g).items():
        assert d["value"]["mean"] == pytest.approx(before[name].mean().item(), abs=1e-6)
        assert d["grad"] == pytest.approx(params(expected)[name]["grad"], abs=1e-6)


def test_a_closure_given_to_step_is_recorded() -> None:
    model, x = small_model(), torch.randn(5, 4)
    opt = torch.optim.LBFGS(model.parameters(), max_iter=1)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = model(x).pow(2).mean()
        loss.backward()
        return loss

    with ng.record() as rec:
        opt.step(closure)
    g = rec.graph
    assert ops(g) == ops(forward_backward(small_model(), x))
    assert g.graph["backward_passes"] == 1
    assert all(d["grad"] is not None for d in params(g).values())


def test_recording_goes_on_after_a_step() -> None:
    model, x = small_model(), torch.randn(5, 4)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        model(x).sum().backward()
        opt.step()
        y = model(x) * 2
    assert ops(rec.graph)["mul"] == 1
    assert y.shape == (5, 1)


def test_recording_goes_on_after_a_step_that_raised() -> None:
    model, x = small_model(), torch.randn(5, 4)
    opt = torch.optim.LBFGS(model.parameters())
    with ng.record() as rec:
        with pytest.raises(TypeError):
            opt.step()  # LBFGS needs a closure
        model(x).pow(2).mean().backward()
    assert ops(rec.graph) == ops(forward_backward(small_model(), x))


def test_gradients_zeroed_in_place_inside_the_block_show_what_backward_computed() -> None:
    model, x = small_model(), torch.randn(5, 4)
    expected = forward_backward(model, x)
    model.zero_grad(set_to_none=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        model(x).pow(2).mean().backward()
        opt.step()
        opt.zero_grad(set_to_none=False)  # the pre-2.0 default: .grad zeroed in place
    assert ops(rec.graph) == ops(expected)  # zeroing gradients is bookkeeping, not an op
    for name, d in params(rec.graph).items():
        assert d["grad"] == pytest.approx(params(expected)[name]["grad"], abs=1e-6)
    assert all(float(p.grad.abs().sum()) == 0 for p in model.parameters())  # it did run


def test_a_hand_written_update_that_zeroes_the_gradient() -> None:
    torch.manual_seed(0)
    x, y = torch.randn(16, 2), torch.randn(16, 1)
    w = torch.randn(2, 1, requires_grad=True)
    with ng.record() as rec:
        loss = ((x @ w - y) ** 2).mean()
        loss.backward()
        expected = w.grad.norm().item()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad.zero_()
    (node,) = [d for _, d in rec.graph.nodes(data=True) if d["name"] == "w"]
    assert node["grad"]["norm"] == pytest.approx(expected)
    assert "zero_" not in ops(rec.graph)


def test_accumulated_gradients_set_to_none_show_what_the_optimizer_used() -> None:
    model, x = small_model(), torch.randn(8, 4)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with ng.record() as rec:
        for part in x.split(2):  # gradient accumulation over four micro-batches
            model(part).pow(2).mean().backward()
        used = {name: p.grad.norm().item() for name, p in model.named_parameters()}
        opt.step()
        opt.zero_grad()  # set_to_none=True
    for name, d in params(rec.graph).items():
        assert d["grad"]["norm"] == pytest.approx(used[name], rel=1e-5)


def test_initialising_and_clipping_are_not_part_of_the_graph() -> None:
    def build() -> nn.Module:
        torch.manual_seed(0)
        model = small_model()
        for layer in (model[0], model[2]):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
        return model

    x = torch.randn(5, 4)
    expected = forward_backward(build(), x)
    with ng.record() as rec:
        model = build()
        model(x).pow(2).mean().backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1e-3)
    assert ops(rec.graph) == ops(expected)
    assert [d["shape"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "input"] == [[5, 4]]
    for name, d in params(rec.graph).items():  # the values the forward used, the unclipped grad
        assert d["value"] == pytest.approx(params(expected)[name]["value"], abs=1e-6)
        assert d["grad"] == pytest.approx(params(expected)[name]["grad"], abs=1e-6)


def test_a_tensor_made_and_initialised_in_the_block_shows_the_values_used() -> None:
    x = torch.randn(4, 3)
    with ng.record() as rec:
        w = torch.full((3, 3), 7.0)
        nn.init.zeros_(w)  # not recorded, yet it changes what the matmul reads
        y = x @ w
    assert float(y.abs().sum()) == 0
    (made,) = [d for _, d in rec.graph.nodes(data=True) if d["kind"] == "constant"]
    assert (made["label"], made["value"]["mean"]) == ("w", 0.0)
