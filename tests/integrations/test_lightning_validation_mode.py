"""Under Lightning, which validates in eval mode and switches back to training mode before the
callback logs the epoch, a model with Dropout and BatchNorm gets no warning that it validated
in training mode (sweep s45 mistakes, finding 4)."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.modules import module as torch_module

from nngraph.integrations.lightning import NNGraphCallback
from nngraph.monitor import Monitor, _validation_mode
from tests.integrations._trainers import Loader, quiet_trainer

pl = pytest.importorskip("lightning.pytorch")


class Regularised(pl.LightningModule):  # type: ignore[misc,name-defined]
    """A classifier with BatchNorm and Dropout, validated with `self(x)`."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(
            nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 2)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

    def training_step(self, batch: list[torch.Tensor], _: int) -> torch.Tensor:
        x, y = batch
        loss = F.cross_entropy(self(x), y)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch: list[torch.Tensor], _: int) -> None:
        x, y = batch
        self.log("val_loss", F.cross_entropy(self(x), y))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=0.05)


@pytest.mark.parametrize(
    ("given", "options"),
    [(False, {}), (True, {}), (False, {"val_check_interval": 0.5, "num_sanity_val_steps": 2})],
    ids=["own-monitor", "monitor-with-model", "mid-epoch-validation"],
)
def test_lightning_validation_is_not_told_as_training_mode(
    given: bool, options: dict[str, Any]
) -> None:
    """Sweep s45 mistakes, finding 4: no false warning under Lightning; its validations are
    seen, judged right, and the watching ends (the global hook is gone after the fit)."""
    _validation_mode.stop_watching_all()
    before = dict(torch_module._global_forward_pre_hooks)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 4, generator=g)
    data = torch.utils.data.TensorDataset(x, (x[:, 0] > 0).long())
    module = Regularised()
    callback = NNGraphCallback(Monitor(model=module, display=False) if given else None)
    if not given:
        callback = NNGraphCallback(display=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer = quiet_trainer([callback], 4, **options)
        trainer.fit(module, Loader(data, batch_size=16), Loader(data, batch_size=32))
    assert [str(w.message) for w in caught if "model.eval()" in str(w.message)] == []
    assert torch_module._global_forward_pre_hooks == before
