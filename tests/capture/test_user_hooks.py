"""The user's own hooks, and a forward that changes its model's modules or hooks."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

import nngraph as ng
from tests.capture.test_safety import hook_counts


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.fc(x))


def blocks(n: int = 6) -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(*[Block() for _ in range(n)], nn.Linear(16, 1))


def loss(y: torch.Tensor) -> torch.Tensor:
    return y.pow(2).mean()


def module_boxes(g: ng.Graph) -> list[str]:
    return sorted(d["label"] for _, d in g.collapse(0).nodes(data=True) if d["kind"] == "module")


def test_an_activation_saved_by_a_forward_hook_belongs_to_its_block_and_blocks_still_fold() -> None:
    net = blocks()
    saved: dict[str, torch.Tensor] = {}
    for name, block in list(net.named_children())[:6]:
        block.register_forward_hook(
            lambda m, i, out, name=name: saved.__setitem__(name, out.detach())
        )
    before = hook_counts(net)
    g = ng.trace(net, torch.randn(8, 16), loss=loss)
    assert module_boxes(g) == ["Block x6", "Linear"]
    detached_in = sorted(d["module"] for _, d in g.nodes(data=True) if d["op"] == "detach")
    assert detached_in == list("012345")
    assert hook_counts(net) == before and len(saved) == 6


def test_the_output_wrapping_of_a_full_backward_hook_belongs_to_its_module() -> None:
    net = blocks()
    seen: list[str] = []
    for name, block in list(net.named_children())[:6]:
        block.register_full_backward_hook(lambda m, gi, go, name=name: seen.append(name))
    before = hook_counts(net)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyTorch's: the input needs no grad
        g = ng.trace(net, torch.randn(8, 16), loss=loss)
    wrapping = [d["module"] for _, d in g.nodes(data=True) if d["op"] == "BackwardHookFunction"]
    assert "" not in wrapping and set(wrapping) == set("012345")
    assert hook_counts(net) == before and sorted(seen) == list("012345")


def test_dead_channels_are_counted_behind_a_full_backward_hook() -> None:
    torch.manual_seed(0)
    conv = nn.Conv1d(2, 8, 3)
    with torch.no_grad():
        conv.bias[:3] = -100.0  # three channels never fire
    net = nn.Sequential(conv, nn.ReLU(), nn.Flatten(), nn.Linear(8 * 18, 1))
    conv.register_full_backward_hook(lambda m, gi, go: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyTorch's: the input needs no grad
        g = ng.trace(net, torch.randn(4, 2, 20), loss=loss)
    (relu,) = [d for _, d in g.nodes(data=True) if d["op"] == "relu"]
    assert relu["dead"] == [3, 8]


def test_a_forward_hook_raising_leaves_no_hook_and_keeps_its_error() -> None:
    net = blocks(2)

    def broken(m: nn.Module, i: object, out: torch.Tensor) -> None:
        raise KeyError("from the user's hook")

    net[1].register_forward_hook(broken)
    before = hook_counts(net)
    with pytest.raises(KeyError, match="from the user's hook"):
        ng.trace(net, torch.randn(8, 16), loss=loss)
    assert hook_counts(net) == before


def test_a_module_calling_itself_inside_its_forward_keeps_its_path() -> None:
    class Tree(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cell = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor, depth: int = 2) -> torch.Tensor:
            y = self.cell(x)
            return torch.tanh(y + (self(y, depth - 1) if depth else 0))

    tree = Tree()
    saved: list[torch.Tensor] = []
    tree.register_forward_hook(lambda m, i, out: saved.append(out.detach()))
    before = hook_counts(tree)
    g = ng.trace(tree, torch.randn(2, 4), loss=loss)
    assert {d["module"] for _, d in g.nodes(data=True) if d["op"] == "tanh"} == {""}
    assert hook_counts(tree) == before and len(saved) == 3


class BuildsOnFirstCall(nn.Module):
    """A hand-written lazy layer: `proj` is made by the first forward."""

    def __init__(self) -> None:
        super().__init__()
        self.proj: nn.Module | None = None
        self.out = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.proj is None:
            self.proj = nn.Linear(x.shape[-1], 8)
        return self.out(torch.relu(self.proj(x)))


def test_a_submodule_the_forward_builds_is_named_and_the_model_comes_back_without_it() -> None:
    net = BuildsOnFirstCall()
    keys = list(net.state_dict())
    g = ng.trace(net, torch.randn(4, 3), loss=loss)
    params = sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    assert params == ["out.bias", "out.weight", "proj.bias", "proj.weight"]
    assert not [f for f in g.health() if f["kind"] == "unregistered"]
    assert net.proj is None and "proj" not in net._modules and list(net.state_dict()) == keys


class MakesALayerEveryCall(nn.Module):
    """A student's slip: `fc2` made in forward, new random weights at every call."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.fc2 = nn.Linear(8, 2)
        return self.fc2(torch.relu(self.fc1(x)))


def test_a_layer_made_anew_in_forward_keeps_its_name_and_one_made_twice_gets_a_new_one() -> None:
    net = MakesALayerEveryCall()
    net(torch.randn(2, 4))  # the first call registers an fc2, which the traced call replaces
    g = ng.trace(net, torch.randn(2, 4), loss=loss)
    params = sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    assert params == ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]  # not fc22
    assert "fc22" not in g.summary()

    class TwoInOneCall(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.fc = nn.Linear(4, 4)
            x = self.fc(x)
            self.fc = nn.Linear(4, 4)  # another layer at the same place, in the same call
            return self.fc(x)

    g = ng.trace(TwoInOneCall(), torch.randn(2, 4), loss=loss)
    names = {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert names == {"fc.weight", "fc.bias", "fc2.weight", "fc2.bias"}


def test_a_hook_the_forward_registers_once_goes_with_its_flag() -> None:
    class HooksOnce(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(4, 4), nn.Linear(4, 1)
            self.hooked = False
            self.features: list[torch.Tensor] = []

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if not self.hooked:
                self.fc1.register_forward_hook(lambda m, i, out: self.features.append(out))
                self.hooked = True
            return self.fc2(self.fc1(x))

    net = HooksOnce()
    ng.trace(net, torch.randn(2, 4), loss=loss)
    assert not net.hooked and not net.fc1._forward_hooks and not net.features
    net(torch.randn(2, 4))
    assert len(net.features) == 1


def test_a_submodule_the_forward_deletes_is_put_back() -> None:
    class DropsHelper(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 1)
            self.helper = nn.Linear(4, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            x = self.helper(x)
            del self.helper
            return self.fc(x)

    net = DropsHelper()
    helper = net.helper
    ng.trace(net, torch.randn(2, 4), loss=loss)
    assert net.helper is helper


def test_a_hooked_layer_called_in_a_loop_keeps_few_hooks_also_in_an_except_block() -> None:
    cell = nn.Linear(4, 4)
    most: list[int] = [0]
    cell.register_forward_hook(
        lambda m, i, out: most.__setitem__(0, max(most[0], len(m._forward_hooks)))
    )

    class Unrolled(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.cell = cell

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            for _ in range(50):
                x = torch.tanh(self.cell(x))
            return x

    try:
        raise RuntimeError("the user's own error, being handled")
    except RuntimeError:  # a trace inside an except block
        ng.trace(Unrolled(), torch.randn(2, 4), loss=loss)
    assert most[0] <= 3 and len(cell._forward_hooks) == 1
