"""A GradientWatch through the optimizer of a LightningModule: Lightning's automatic
optimisation calls ``optimizer.step(closure)`` at every step, so every norm is read after the
closure's backward, and its "no gradient" check judges those steps without false alarms
(batches skipped by returning None from ``training_step``, accumulation, LBFGS), next to
``NNGraphCallback`` (sweep 25, helper h9)."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph.integrations.lightning import NNGraphCallback
from nngraph.monitor import GradientWatch, Monitor
from tests.integrations._trainers import Loader, quiet_trainer

pl = pytest.importorskip("lightning.pytorch")


class Watched(pl.LightningModule):  # type: ignore[misc,name-defined]
    """A small classifier whose GradientWatch hooks its optimizer when training starts;
    ``skipped``: the global steps whose ``training_step`` returns None (the batch skipped)."""

    def __init__(self, optimizer: str = "adam", skipped: tuple[int, ...] = ()) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
        self.optimizer, self.skipped = optimizer, skipped
        self.watch: GradientWatch | None = None

    def on_train_start(self) -> None:
        self.watch = GradientWatch(self, optimizer=self.trainer.optimizers[0])

    def training_step(self, batch: list[torch.Tensor], _: int) -> torch.Tensor | None:
        x, y = batch
        loss = F.cross_entropy(self.net(x), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return None if self.global_step in self.skipped else loss

    def validation_step(self, batch: list[torch.Tensor], _: int) -> None:
        x, y = batch
        self.log("val_loss", F.cross_entropy(self.net(x), y))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        if self.optimizer == "lbfgs":
            return torch.optim.LBFGS(self.parameters(), max_iter=3)
        return torch.optim.Adam(self.parameters(), lr=0.01)


def fitted(module: Watched, **options: Any) -> GradientWatch:
    """``module`` fitted 2 epochs of 10 batches of 8 (and validated), its watch closed."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(80, 4, generator=g)
    data = torch.utils.data.TensorDataset(x, (x[:, 0] > 0).long())
    callbacks = [NNGraphCallback(Monitor(display=False))]
    quiet_trainer(callbacks, 2, **options).fit(module, Loader(data, batch_size=8), Loader(data))
    assert module.watch is not None
    module.watch.close()
    return module.watch


@pytest.mark.parametrize(
    ("optimizer", "options", "steps"),
    [
        ("adam", {}, 20),
        ("adam", {"gradient_clip_val": 0.5}, 20),
        ("adam", {"accumulate_grad_batches": 3}, 8),  # a step every 3 batches, and at the end
        ("lbfgs", {}, 20),
    ],
    ids=["Adam", "clipped", "accumulated", "LBFGS"],
)
def test_every_step_is_read_and_nothing_is_said(
    optimizer: str, options: dict[str, Any], steps: int
) -> None:
    watch = fitted(Watched(optimizer), **options)
    assert watch.events == []
    assert watch.steps == steps and watch.layers == ["net.0", "net.2"]
    assert all(len(watch.history(layer)[0]) == steps for layer in watch.layers)
    assert all(norm > 0 for norm in watch.last.values())


def test_batches_skipped_by_returning_none_are_no_missing_backward() -> None:
    watch = fitted(Watched(skipped=(2, 3, 4, 5, 6)))  # five in a row
    assert watch.events == [] and watch.steps == 20
    assert len(watch.history("net.0")[0]) == 15  # the skipped steps had no gradient to read
