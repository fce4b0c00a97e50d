"""A classification loss below 0 that keeps falling (nngraph/monitor/_negative_loss.py):
``nn.NLLLoss`` given raw scores, told once by the monitor; losses that may be below 0 (a
Gaussian NLL, an ELBO) are not told."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nngraph import i18n
from nngraph.monitor import Monitor

pytestmark = pytest.mark.usefixtures("one_thread")


def _told(logs: list[dict[str, float]], **options: object) -> list[str]:
    """The monitor's warnings about a loss below 0, for ``logs``, one ``log()`` each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon = Monitor(display=False, **options)  # type: ignore[arg-type]
        for step, values in enumerate(logs, 1):
            mon.log(step, **values)
    return [
        str(w.message)
        for w in caught
        if "below 0" in str(w.message) or "poniżej 0" in str(w.message)
    ]


def _train(loss_fn: object, *, epochs: int = 20, per_batch: bool = False) -> list[dict[str, float]]:
    """A small MLP trained on 3 classes of blobs: the logs a loop would make."""
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    centres = torch.randn(3, 10, generator=g) * 2
    y = torch.randint(0, 3, (400,), generator=g)
    x = centres[y] + 1.5 * torch.randn(400, 10, generator=g)
    model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    logs: list[dict[str, float]] = []
    for _ in range(epochs):
        total = 0.0
        for i in range(0, 300, 30):
            loss = loss_fn(model(x[i : i + 30]), y[i : i + 30])  # type: ignore[operator]
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() / 10
            if per_batch:
                logs.append({"loss": loss.item()})
        with torch.no_grad():
            val = loss_fn(model(x[300:]), y[300:]).item()  # type: ignore[operator]
        logs.append({"val_loss": val} if per_batch else {"loss": total, "val_loss": val})
    return logs


def test_nll_loss_on_raw_scores_is_told_once_with_the_fix() -> None:
    """Sweep s47 (mistakes, 1): `nn.NLLLoss()(model(x), y)` with no log_softmax fell from -0.8
    to -1286 in 40 epochs, every epoch a new best, and the monitor said nothing."""
    logs = _train(nn.NLLLoss())
    assert logs[-1]["val_loss"] < -5  # the run falls without bound
    (text,) = _told(logs)
    assert text.startswith("nngraph Monitor: training loss fell below 0 and keeps falling")
    assert "F.log_softmax(scores, dim=1)" in text and "nn.CrossEntropyLoss" in text
    assert "Gaussian NLL" in text  # a hedge: 'loss' may be a loss allowed below 0


def test_nll_loss_on_raw_scores_logged_per_batch_is_told() -> None:
    logs = _train(nn.NLLLoss(), per_batch=True)
    assert len(_told(logs)) == 1


@pytest.mark.parametrize(
    "loss_fn",
    [F.cross_entropy, lambda out, y: F.nll_loss(F.log_softmax(out, dim=1), y)],
    ids=["cross_entropy", "log_softmax_nll"],
)
def test_a_right_classification_loss_is_not_told(loss_fn: object) -> None:
    assert _told(_train(loss_fn, epochs=30)) == []


def _curve(level: float, start: float, scale: float, noise: float, n: int = 60) -> list[float]:
    """A loss that falls from `start` to `level` with time constant `scale` epochs, in noise."""
    rng = np.random.default_rng(1)
    e = np.arange(1, n + 1)
    return (level + (start - level) * np.exp(-e / scale) + rng.normal(0, noise, n)).tolist()


@pytest.mark.parametrize(
    ("train", "val"),
    [
        (_curve(-1.5, 1.0, 6, 0.02), _curve(-1.4, 1.1, 6, 0.03)),  # a Gaussian NLL
        (_curve(-300, 200, 8, 2.0), _curve(-290, 210, 8, 3.0)),  # a negative ELBO
        (_curve(-2.0, 1.0, 20, 0.0), _curve(-1.9, 1.1, 20, 0.0)),  # a slow, clean one
    ],
    ids=["gaussian_nll", "elbo", "slow"],
)
def test_a_loss_that_levels_off_below_zero_is_not_told(
    train: list[float], val: list[float]
) -> None:
    logs = [{"loss": t, "val_loss": v} for t, v in zip(train, val, strict=True)]
    assert _told(logs) == []


def test_a_name_that_allows_values_below_zero_is_not_told() -> None:
    """A Gaussian NLL whose variance collapses falls without bound too: under its own name it
    is not a classification loss."""
    fall = [0.5 - 0.1 * e for e in range(1, 40)]
    logs = [{"gaussian_nll": v, "val_gaussian_nll": v + 0.1} for v in fall]
    assert _told(logs, metric="val_gaussian_nll") == []
    assert _told([{"elbo_loss": v, "val_elbo_loss": v} for v in fall], metric="val_elbo_loss") == []


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_cross_entropy_name_is_told_it_cannot_be_below_zero(language: str) -> None:
    i18n.set_language(language)
    fall = [0.3 - 0.05 * e * e for e in range(1, 20)]
    (text,) = _told([{"ce": v, "val_ce": v} for v in fall], metric="val_ce")
    assert ("never below 0" if language == "en" else "nigdy nie jest ujemna") in text
    assert "log_softmax" in text and math.isfinite(fall[-1])
