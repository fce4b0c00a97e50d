"""GradientWatch reads its layers in the data flow's order, not the order the model registers
them: a head made before the body is the last layer. The order comes from the first backward
(hooks on the parameters for that backward only); nothing is left on the model afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import GradientWatch


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


class HeadFirst(nn.Module):
    """The 6-layer sigmoid MLP of the textbook vanishing gradient, its head registered first."""

    def __init__(self, depth: int = 6, act: type[nn.Module] = nn.Sigmoid) -> None:
        super().__init__()
        self.head = nn.Linear(64, 1)
        layers: list[nn.Module] = [nn.Linear(32, 64), act()]
        for _ in range(depth - 2):
            layers += [nn.Linear(64, 64), act()]
        self.body = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def has_hooks(model: nn.Module) -> bool:
    return any(p._post_accumulate_grad_hooks or p._backward_hooks for p in model.parameters())


def train(net: nn.Module, steps: int, seed: int = 0) -> GradientWatch:
    torch.manual_seed(seed)
    x, y = torch.randn(64, 32), torch.randn(64, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    with GradientWatch(net, optimizer=opt) as gw:
        for _ in range(steps):
            opt.zero_grad()
            F.mse_loss(net(x), y).backward()
            opt.step()
    return gw


def test_a_head_registered_first_is_the_last_layer_of_the_vanishing_rule() -> None:
    torch.manual_seed(0)
    gw = train(HeadFirst(), 10)
    (event,) = gw.events
    assert event.message_id == "grad.depth" and event.step == 3
    assert event.values["layer"] == "body.0" and event.values["last"] == "head"
    assert "the first layer, 'body.0'" in event.message


def test_the_layers_the_table_and_the_repr_follow_the_data_flow() -> None:
    torch.manual_seed(0)
    gw = train(HeadFirst(depth=3, act=nn.ReLU), 2)
    assert gw.layers == ["body.0", "body.2", "head"]
    rows = [line.split()[0] for line in gw.table().splitlines()[1:4]]
    assert rows == ["body.0", "body.2", "head"]
    assert list(gw.snapshot()["layers"]) == ["body.0", "body.2", "head"]
    assert "body.0, body.2, head" in repr(gw)


def test_the_order_is_read_from_the_first_backward_and_no_hook_stays() -> None:
    torch.manual_seed(0)
    net = HeadFirst(depth=3, act=nn.ReLU)
    gw = GradientWatch(net)
    assert gw.layers == ["head", "body.0", "body.2"]  # no backward yet: the model's order
    for _ in range(2):  # two backward passes before one step (gradient accumulation)
        net(torch.randn(4, 32)).sum().backward()
    gw.step()
    assert gw.layers == ["body.0", "body.2", "head"] and not has_hooks(net)
    net(torch.randn(4, 32)).sum().backward()
    gw.step()
    assert gw.layers == ["body.0", "body.2", "head"] and not has_hooks(net)


def test_a_watch_closed_or_forgotten_before_any_backward_leaves_no_hook() -> None:
    net = HeadFirst(depth=3, act=nn.ReLU)
    with GradientWatch(net):
        pass
    assert not has_hooks(net)
    GradientWatch(net)  # never stepped nor closed: gone with the watch
    gc.collect()
    assert not has_hooks(net)
    net(torch.randn(4, 32)).sum().backward()  # and a backward after it is plain


def test_a_layer_unfrozen_later_takes_its_place_in_the_data_flow() -> None:
    torch.manual_seed(0)
    net = HeadFirst(depth=3, act=nn.ReLU)
    net.body[0].requires_grad_(False)
    gw = GradientWatch(net)
    net(torch.randn(4, 32)).sum().backward()
    gw.step()
    assert gw.layers == ["body.2", "head"]
    net.body[0].requires_grad_(True)  # gradual unfreezing
    for _ in range(2):
        net.zero_grad()
        net(torch.randn(4, 32)).sum().backward()
        gw.step()
    assert gw.layers == ["body.0", "body.2", "head"] and not has_hooks(net)
    gw.close()


def test_a_compiled_model_keeps_the_models_order_and_gets_no_hook() -> None:
    """A compiled backward hands every gradient at once, in no data-flow order."""
    net = HeadFirst(depth=3, act=nn.ReLU)
    gw = GradientWatch(torch.compile(net))
    assert not has_hooks(net) and gw.layers == ["head", "body.0", "body.2"]
    gw.close()


def test_the_uncompiled_module_of_a_compiled_model_keeps_the_models_order() -> None:
    """The watch given the module a compiled wrapper runs: the compiled backward reaches the
    parameters in no data-flow order (a layer's weight and bias apart), which is not used."""
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.Sigmoid(), nn.Linear(8, 8), nn.Sigmoid())
    net.append(nn.Linear(8, 1))
    gw = GradientWatch(net)
    torch.compile(net)(torch.randn(3, 4)).sum().backward()
    gw.step()
    assert gw.layers == ["0", "2", "4"] and not has_hooks(net)
