"""Models that break other graph tools, each with inputs and a loss, for the capture tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.utils.checkpoint
from torch import nn
from torch.nn import functional as F


class Square(torch.autograd.Function):
    """A custom autograd Function: x**2 with a hand-written backward."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return 2 * x * grad


class NoGradInside(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            scale = x.abs().mean() + 1
        return self.fc(x) / scale


class FrozenUnderNoGrad(nn.Module):
    """A feature extractor run under no_grad in forward, its parameters still requiring grad:
    autograd has no AccumulateGrad node for them (sweep s41 zoo, finding 5)."""

    def __init__(self) -> None:
        super().__init__()
        self.features, self.head = nn.Linear(4, 4), nn.Linear(4, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            h = self.features(x)
        return self.head(h.relu())


class DictOut(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(4, 2), nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> dict[str, Any]:
        return {"a": self.a(x), "rest": (self.b(x), [x.sum()])}


class InPlace(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        h[:, 0] = 0.0
        h.add_(1)
        return h.relu_()


class Custom(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return Square.apply(self.fc(x))


class DataDependent(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for _ in range(3):
            x = self.fc(x)
            if x.sum() > 0:
                x = torch.tanh(x)
        return x


class Shared(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.again = self.fc  # the same module under a second name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.again(torch.relu(self.fc(x)))


class Integers(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(10, 4)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        mask = tokens > 2
        h = self.emb(tokens)
        return (h * mask.unsqueeze(-1)).sum(1) + tokens.argmax(1, keepdim=True).float()


class TwoInputs(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor, y: torch.Tensor, *, scale: torch.Tensor) -> torch.Tensor:
        return self.fc(x + y) * scale


class LSTMNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)
        self.head = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, (_h, c) = self.lstm(x)
        return self.head(out[:, -1]) + c.sum()


class Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _weights = self.attn(x, x, x)
        return out


class Checkpointed(nn.Module):
    """Activation checkpointing: the inner layer runs again during backward."""

    def __init__(self) -> None:
        super().__init__()
        self.inner, self.head = nn.Linear(4, 4), nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = torch.utils.checkpoint.checkpoint(
            lambda t: torch.relu(self.inner(t)), x, use_reentrant=False
        )
        return self.head(hidden)


class FusedAttention(nn.Module):
    """`scaled_dot_product_attention` and `einsum`, as hand-written transformers use them."""

    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(8, 24)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).view(2, 5, 3, 2, 4).permute(2, 0, 3, 1, 4)
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return torch.einsum("bhtd,bhsd->bts", out, q)


class Autocast(nn.Module):
    """A forward under CPU autocast: the linear layer runs in bfloat16."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.fc(x).float()


class ScriptedPart(nn.Module):
    """A `torch.jit.script`ed block inside a Python model: its ops run in C++, unseen."""

    def __init__(self) -> None:
        super().__init__()
        self.pre = nn.Linear(4, 8)
        self.scripted = torch.jit.script(nn.Sequential(nn.Linear(8, 8), nn.ReLU()))
        self.post = nn.Linear(8, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.post(self.scripted(torch.tanh(self.pre(x))))


def total(out: Any) -> torch.Tensor:
    """A scalar loss from any nested output: the sum of all float tensors in it."""
    leaves, _ = torch.utils._pytree.tree_flatten(out)
    return sum(
        t.float().sum() for t in leaves if isinstance(t, torch.Tensor) and t.is_floating_point()
    )


Case = tuple[nn.Module, tuple[Any, ...], dict[str, Any]]


def _cases() -> dict[str, Callable[[], Case]]:
    x = lambda *shape: torch.randn(*shape)  # noqa: E731
    return {
        "mlp": lambda: (nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)), (x(5, 4),), {}),
        "no_grad_inside": lambda: (NoGradInside(), (x(3, 4),), {}),
        "frozen_under_no_grad": lambda: (FrozenUnderNoGrad(), (x(3, 4),), {}),
        "dict_output": lambda: (DictOut(), (x(3, 4),), {}),
        "in_place": lambda: (InPlace(), (x(3, 4),), {}),
        "custom_function": lambda: (Custom(), (x(3, 4),), {}),
        "data_dependent": lambda: (DataDependent(), (x(3, 4),), {}),
        "shared_weights": lambda: (Shared(), (x(3, 4),), {}),
        "integers": lambda: (Integers(), (torch.randint(0, 10, (3, 5)),), {}),
        "two_inputs_kwargs": lambda: (TwoInputs(), (x(3, 4), x(3, 4)), {"scale": x(3, 2)}),
        "lstm": lambda: (LSTMNet(), (x(2, 6, 4),), {}),
        "attention": lambda: (Attention(), (x(2, 5, 8),), {}),
        "conv_bn": lambda: (
            nn.Sequential(
                nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.LazyLinear(2)
            ),
            (x(2, 3, 8, 8),),
            {},
        ),
        "spectral_norm": lambda: (
            nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3)),
            (x(2, 4),),
            {},
        ),
        "weight_norm": lambda: (
            nn.utils.parametrizations.weight_norm(nn.Linear(4, 3)),
            (x(2, 4),),
            {},
        ),
        "bidirectional_gru": lambda: (
            nn.GRU(4, 3, num_layers=2, batch_first=True, bidirectional=True),
            (x(2, 5, 4),),
            {},
        ),
        "checkpoint": lambda: (Checkpointed(), (x(3, 4),), {}),
        "sdpa_einsum": lambda: (FusedAttention(), (x(2, 5, 8),), {}),
        "autocast_bf16": lambda: (Autocast(), (x(3, 8),), {}),
        "scripted_part": lambda: (ScriptedPart(), (x(5, 4),), {}),
        "transformer_layer": lambda: (
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True),
            (x(2, 5, 8),),
            {},
        ),
    }


CASES = _cases()


def make(name: str) -> Case:
    torch.manual_seed(0)
    model, args, kwargs = CASES[name]()
    model(*args, **kwargs)  # materialise lazy modules
    return model, args, kwargs


def relu_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))


__all__ = ["CASES", "F", "Square", "make", "relu_mlp", "total"]
