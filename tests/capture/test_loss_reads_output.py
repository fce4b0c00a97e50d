"""`trace(model, x, loss=...)` refuses, before any backward, a loss function that ignores the
output it is given, and keeps taking every loss computed from that forward."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from tests.capture.test_safety import assert_unchanged, global_state, snapshot


def _model() -> nn.Sequential:
    """A model whose forward changes state a trace must put back: BatchNorm statistics and
    dropout's random numbers."""
    return nn.Sequential(
        nn.Linear(10, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 1)
    )


def _weight_penalty(model: nn.Module) -> torch.Tensor:
    return sum((p.pow(2).sum() for p in model.parameters()), torch.zeros(()))


def _loss_of_another_batch(model: nn.Module, y: torch.Tensor) -> Callable[[Any], torch.Tensor]:
    earlier = F.mse_loss(model(torch.randn(4, 10)), y)
    return lambda out: earlier


def _model_run_again(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> Any:
    return lambda out: F.mse_loss(model(x), y)


def _loss_module_run_again(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> Any:
    return lambda out: nn.MSELoss()(model(x), y)


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        ("computed before", r"^the loss function returned a loss computed before trace\(\) ran"),
        ("model run again", r"^the loss does not use the model's output"),
        ("loss module run again", r"^the loss does not use the model's output"),
        ("weights alone", r"^the loss does not use the model's output"),
    ],
)
def test_a_loss_that_ignores_the_output_is_refused_before_any_backward(
    mistake: str, said: str
) -> None:
    """Sweep s44 zoo2, finding 3: `loss=lambda out: loss_value` (a loss computed before, on
    another batch) or `loss=lambda out: F.mse_loss(model(x), y)` (the model run again) traced
    without a word: the graph showed this forward's values with another forward's gradients,
    and the user's `loss_value` was used up by trace()'s backward."""
    torch.manual_seed(0)
    model, x, y = _model(), torch.randn(4, 10), torch.randn(4, 1)
    loss = {
        "computed before": lambda: _loss_of_another_batch(model, y),
        "model run again": lambda: _model_run_again(model, x, y),
        "loss module run again": lambda: _loss_module_run_again(model, x, y),
        "weights alone": lambda: lambda out: _weight_penalty(model),
    }[mistake]()
    F.mse_loss(model(x), y).backward()  # stale gradients, which stay as they are
    reached: list[torch.Tensor] = []
    for p in model.parameters():
        p.register_hook(reached.append)
    before, globals_before, rng = snapshot(model), global_state(), torch.get_rng_state()

    with pytest.raises(ng.NNGraphError, match=said) as caught:
        ng.trace(model, x, loss=loss)
    assert isinstance(caught.value, ValueError)
    assert "loss=lambda out: F.mse_loss(out, y)" in str(caught.value)  # what to write instead
    assert reached == []  # no backward ran
    assert_unchanged(model, before)
    assert global_state() == globals_before
    assert torch.equal(torch.get_rng_state(), rng)
    if mistake == "computed before":  # the user's loss is still theirs to use
        loss(None).backward()
        assert reached


def test_a_loss_that_ignores_the_output_is_refused_in_polish_too() -> None:
    model, x = nn.Linear(3, 1), torch.randn(4, 3)
    earlier = model(x).pow(2).mean()
    ng.set_language("pl")
    try:
        with pytest.raises(ng.NNGraphError, match=r"^funkcja straty zwróciła stratę obliczoną"):
            ng.trace(model, x, loss=lambda out: earlier)
        with pytest.raises(ng.NNGraphError, match=r"^strata nie korzysta z wyjścia modelu"):
            ng.trace(model, x, loss=lambda out: model(x).pow(2).mean())
    finally:
        ng.set_language("en")


class _TwoHeads(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(10, 3), nn.Linear(10, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.a(x), self.b(x)


class _Encoder(_TwoHeads):
    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:  # type: ignore[override]
        return {"mu": self.a(x), "logvar": self.b(x)}


@dataclass
class _Prediction:
    logits: torch.Tensor
    features: torch.Tensor


class _ReturnsADataclass(_TwoHeads):
    def forward(self, x: torch.Tensor) -> _Prediction:  # type: ignore[override]
        return _Prediction(self.a(x), self.b(x))


class _KeepsAnAuxiliaryLoss(nn.Module):
    """A mixture-of-experts style model: its load-balancing loss is kept, not returned."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(10, 3)
        self.aux_loss = torch.zeros(())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        self.aux_loss = h.softmax(1).mean(0).pow(2).sum()
        return h.argmax(1)  # no gradient in what it returns


class _ComputesItsLoss(nn.Module):
    """A HuggingFace-style model: the loss is computed in forward and returned."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(10, 1)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(self.fc(x), labels)


def _physics_informed() -> tuple[nn.Module, tuple[Any, ...], Callable[[Any], torch.Tensor]]:
    """A PINN whose loss reads only the derivative of the output, d u / d t."""
    model = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
    t = torch.rand(5, 1, requires_grad=True)

    def residual(u: torch.Tensor) -> torch.Tensor:
        (du,) = torch.autograd.grad(u.sum(), t, create_graph=True)
        return (du - torch.cos(t)).pow(2).mean()

    return model, (t,), residual


def _losses_of_the_output() -> dict[str, tuple[nn.Module, tuple[Any, ...], Any]]:
    x, y, labels = torch.randn(4, 10), torch.randn(4, 1), torch.tensor([0, 1, 2, 0])
    plain, aux = _model(), _KeepsAnAuxiliaryLoss()
    frozen = nn.Linear(10, 1).requires_grad_(False)
    critic = nn.Sequential(nn.Linear(10, 1))
    return {
        "part of a tuple": (_TwoHeads(), (x,), lambda out: F.cross_entropy(out[0], labels)),
        "part of a dict": (_Encoder(), (x,), lambda out: out["logvar"].exp().mean()),
        "field of a dataclass": (_ReturnsADataclass(), (x,), lambda out: out.logits.sum()),
        "loss module": (_TwoHeads(), (x,), lambda out: nn.CrossEntropyLoss()(out[0], labels)),
        "zero times the output plus a penalty": (
            plain,
            (x,),
            lambda out: out.sum() * 0 + _weight_penalty(plain),
        ),
        "detached output plus a penalty": (
            plain,
            (x,),
            lambda out: F.mse_loss(out.detach(), y) + 1e-3 * _weight_penalty(plain),
        ),
        "auxiliary loss kept by the model": (aux, (x,), lambda _: aux.aux_loss),
        "loss returned by the model": (_ComputesItsLoss(), (x, y), lambda out: out),
        "frozen model, input that requires grad": (
            frozen,
            (torch.randn(4, 10, requires_grad=True),),
            lambda out: out.pow(2).mean(),
        ),
        "identity": (nn.Identity(), (torch.randn(4, 10, requires_grad=True),), lambda o: o.sum()),
        "derivative of the output": _physics_informed(),
        "a discriminator on the generator's output": (
            nn.Linear(3, 10),
            (torch.randn(4, 3),),
            lambda fake: -critic(fake).mean(),
        ),
    }


@pytest.mark.parametrize("case", sorted(_losses_of_the_output()))
def test_a_loss_computed_from_the_forward_is_taken(case: str) -> None:
    """Sweep s44 zoo2, finding 3: the check for a loss that ignores the output takes every
    loss that reads it, in part, through `.detach()` or a derivative, or reads what the forward
    kept besides (`model.aux_loss`)."""
    torch.manual_seed(0)
    model, inputs, loss = _losses_of_the_output()[case]
    graph = ng.trace(model, *inputs, loss=loss)
    assert graph.graph["backward_passes"] >= 1  # a derivative in the loss is one more
    reached = [d for _, d in graph.nodes(data=True) if d["kind"] == "param" and d["grad"]]
    assert reached or not any(p.requires_grad for p in model.parameters())
