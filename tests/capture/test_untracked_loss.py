"""A backward that ran in a `record()` block but reached nothing it recorded: a loss made in the
block without autograd (no graph behind it) is told so, naming `.item()`; one whose forward
ran before the block is told to run the forward inside."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
import torch
from torch import nn

import nngraph as ng
from nngraph.capture import NNGraphWarning

Step = Callable[[nn.Module, torch.Tensor], None]


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))


def _tensor_of_item(model: nn.Module, x: torch.Tensor) -> None:
    loss = torch.tensor(model(x).pow(2).mean().item(), requires_grad=True)
    loss.backward()


def _full_of_item(model: nn.Module, x: torch.Tensor) -> None:
    torch.full((), model(x).pow(2).mean().item(), requires_grad=True).backward()


def _as_tensor_then_requires_grad(model: nn.Module, x: torch.Tensor) -> None:
    torch.as_tensor(model(x).pow(2).mean().item()).requires_grad_().backward()


def _tensor_then_requires_grad_set(model: nn.Module, x: torch.Tensor) -> None:
    loss = torch.tensor(model(x).pow(2).mean().item())
    loss.requires_grad = True
    loss.backward()


def _detached_then_requires_grad(model: nn.Module, x: torch.Tensor) -> None:
    model(x).pow(2).mean().detach().requires_grad_().backward()


def _under_no_grad_then_requires_grad(model: nn.Module, x: torch.Tensor) -> None:
    with torch.no_grad():
        loss = model(x).pow(2).mean()
    loss.requires_grad_(True)
    loss.backward()


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize(
    "step",
    [
        _tensor_of_item,
        _full_of_item,
        _as_tensor_then_requires_grad,
        _tensor_then_requires_grad_set,
        _detached_then_requires_grad,
        _under_no_grad_then_requires_grad,
    ],
)
def test_a_loss_made_in_the_block_without_autograd_is_told_so_not_before_the_block(
    step: Step, language: str
) -> None:
    """Sweep s45 magics, finding 1, and sweep s45 mistakes, finding 3 (first part): a loss
    rebuilt from `.item()` inside the block (`torch.tensor(...)`, `torch.full(...)`) was told
    that its forward "ran before the block", though the forward ran inside it."""
    ng.set_language(language)  # English again after the test (conftest)
    model, x = _model(), torch.randn(5, 4)
    said = {"en": "computed its loss without autograd", "pl": "obliczył stratę bez autograd"}
    with pytest.warns(NNGraphWarning, match=said[language]) as caught, ng.record(model) as rec:
        step(model, x)
    (warning,) = [w for w in caught if w.category is NNGraphWarning]
    assert warning.filename == __file__
    assert ".item()" in str(warning.message) and "torch.tensor(...)" in str(warning.message)
    assert rec.forward_before == "untracked"
    assert all(p.grad is None for p in model.parameters())


def _forward_before_item_inside(model: nn.Module, x: torch.Tensor) -> Callable[[], None]:
    loss = model(x).pow(2).mean()
    return lambda: torch.tensor(loss.item(), requires_grad=True).backward()


def _leaf_made_before(model: nn.Module, x: torch.Tensor) -> Callable[[], None]:
    loss = torch.tensor(model(x).pow(2).mean().item(), requires_grad=True)

    def inside() -> None:
        model(x)  # forward ops recorded, but the loss was made before the block
        loss.backward()

    return inside


def _forward_before(model: nn.Module, x: torch.Tensor) -> Callable[[], None]:
    loss = model(x).pow(2).mean()
    return loss.backward


@pytest.mark.parametrize(
    "before", [_forward_before_item_inside, _leaf_made_before, _forward_before]
)
def test_a_loss_whose_forward_ran_before_the_block_is_still_told_so(
    before: Callable[[nn.Module, torch.Tensor], Callable[[], None]],
) -> None:
    """Sweep s45 magics, finding 1: the "before" words stay where the loss's forward ran
    before the block, also when the block turned it into a number and back."""
    model, x = _model(), torch.randn(5, 4)
    inside = before(model, x)
    with pytest.warns(NNGraphWarning, match="ran before the block") as caught, ng.record(model):
        inside()
    assert len([w for w in caught if w.category is NNGraphWarning]) == 1


def test_a_loss_through_numpy_in_the_block_is_not_told_as_untracked() -> None:
    """`torch.from_numpy` is no call the recording sees: the block cannot tell where that loss
    was made, and keeps its "before" words (see the module's docstring)."""
    model, x = _model(), torch.randn(5, 4)
    with pytest.warns(NNGraphWarning, match="ran before the block"), ng.record(model) as rec:
        value = model(x).pow(2).mean().detach().numpy()
        torch.from_numpy(np.array(value)).requires_grad_().backward()
    assert rec.forward_before == "before"


def test_a_loss_with_autograd_in_the_block_says_nothing() -> None:
    model, x = _model(), torch.randn(5, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        with ng.record(model) as rec:
            model(x).pow(2).mean().backward()
            torch.tensor(1.0, requires_grad=True)  # made, never backpropagated
    assert rec.forward_before is None


@pytest.mark.parametrize("language", ["en", "pl"])
def test_trace_of_a_loss_rebuilt_from_item_names_item(language: str) -> None:
    """Sweep s45 mistakes, finding 3: the same loss given to `trace` names `.item()` among the
    causes of a loss without history."""
    ng.set_language(language)
    model, x = _model(), torch.randn(5, 4)
    with pytest.raises(ng.NNGraphError, match=r"\.item\(\)"):
        ng.trace(
            model, x, loss=lambda out: torch.tensor(out.pow(2).mean().item(), requires_grad=True)
        )
