"""NNGraphCallback in a Trainer.fit on a GPU: the monitor is fed and the best weights come back."""

from __future__ import annotations

import warnings

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from nngraph.integrations.lightning import NNGraphCallback  # noqa: E402
from nngraph.monitor import detectors  # noqa: E402

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


class Net(pl.LightningModule):
    """Too big for its 16 noisy points: it memorises them, and validation gets worse."""

    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1)
        )

    def step(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.binary_cross_entropy_with_logits(self.net(x).squeeze(-1), y)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> torch.Tensor:
        loss = self.step(batch)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> None:
        self.log("val_loss", self.step(batch))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=0.05)


class Snapshots(pl.Callback):
    """The weights at the end of every epoch, copied to the CPU."""

    def __init__(self) -> None:
        self.states: dict[int, dict[str, torch.Tensor]] = {}

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        state = pl_module.state_dict()
        self.states[trainer.current_epoch + 1] = {k: v.cpu().clone() for k, v in state.items()}


def test_a_fit_on_the_gpu_stops_early_and_restores_the_best_weights() -> None:
    g = torch.Generator().manual_seed(0)
    x_tr, x_va = torch.randn(16, 2, generator=g), torch.randn(64, 2, generator=g)
    y_tr, y_va = (
        (torch.rand(16, generator=g) < 0.5).float(),
        (torch.rand(64, generator=g) < 0.5).float(),
    )
    loader = lambda x, y: torch.utils.data.DataLoader(  # noqa: E731
        torch.utils.data.TensorDataset(x, y), batch_size=64
    )
    torch.manual_seed(0)
    model, snapshots = Net(), Snapshots()
    callback = NNGraphCallback(detectors=[detectors.Patience(3)], display=False)
    trainer = pl.Trainer(
        max_epochs=60,
        accelerator="gpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[snapshots, callback],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's advice on workers
        trainer.fit(model, loader(x_tr, y_tr), loader(x_va, y_va))

    mon = callback.monitor
    assert mon is not None and mon.should_stop and trainer.current_epoch < 59
    assert len(mon.history("val_loss")[1]) == mon.epoch
    best = mon.best
    assert best is not None and best.epoch == mon.epoch - 3
    restored = model.state_dict()
    assert all(torch.equal(restored[k].cpu(), v) for k, v in snapshots.states[best.epoch].items())
