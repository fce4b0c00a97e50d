"""NNGraphCallback in a real Trainer.fit: feeds the monitor, stops, restores the best weights."""

from __future__ import annotations

import warnings

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from nngraph.integrations.lightning import NNGraphCallback, metric_name  # noqa: E402
from nngraph.monitor import Monitor, detectors  # noqa: E402


class Net(pl.LightningModule):
    """The lecture's 2-10-1 network, made too big for its tiny, noisy training set."""

    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)

    def step(self, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.binary_cross_entropy_with_logits(self(x), y)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> torch.Tensor:
        loss = self.step(batch)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> None:
        self.log("val_loss", self.step(batch))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=0.05)


class Recorder(pl.Callback):
    """The exact weights at the end of every epoch, to compare with what is restored."""

    def __init__(self) -> None:
        self.states: dict[int, dict[str, torch.Tensor]] = {}

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        state = pl_module.state_dict()
        self.states[trainer.current_epoch + 1] = {k: v.clone() for k, v in state.items()}


def loaders() -> tuple[torch.utils.data.DataLoader, torch.utils.data.DataLoader]:
    g = torch.Generator().manual_seed(0)
    x_tr, x_va = torch.randn(16, 2, generator=g), torch.randn(64, 2, generator=g)
    y_tr = (torch.rand(16, generator=g) < 0.5).float()  # labels are noise: pure memorising
    y_va = (torch.rand(64, generator=g) < 0.5).float()
    ds = torch.utils.data.TensorDataset
    return (
        torch.utils.data.DataLoader(ds(x_tr, y_tr), batch_size=16),
        torch.utils.data.DataLoader(ds(x_va, y_va), batch_size=64),
    )


def fit(callback: NNGraphCallback, max_epochs: int = 60) -> tuple[pl.Trainer, Net, Recorder]:
    torch.manual_seed(0)
    model, recorder = Net(), Recorder()
    trainer = pl.Trainer(
        max_epochs=max_epochs,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=1,
    )
    trainer.callbacks = [recorder, callback, *trainer.callbacks]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's "few workers" advice
        trainer.fit(model, *loaders())
    return trainer, model, recorder


def test_fit_feeds_the_monitor_stops_early_and_restores_the_best_weights() -> None:
    cb = NNGraphCallback(detectors=[detectors.Patience(3)], display=False)
    trainer, model, recorder = fit(cb)
    mon = cb.monitor
    assert mon is not None and mon.model is model
    assert mon.should_stop and trainer.current_epoch < 59  # stopped early
    assert mon.epoch == len(recorder.states) == mon.stop_event.epoch  # type: ignore[union-attr]
    assert mon.pairs == {"val_loss": "loss"}
    assert mon.history("loss")[0].tolist() == [float(e) for e in range(1, mon.epoch + 1)]
    best = mon.best
    assert best is not None and best.epoch == mon.epoch - 3
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in recorder.states[best.epoch].items())


def test_a_given_monitor_gets_the_module_and_stop_false_runs_to_the_end() -> None:
    mon = Monitor(detectors=[detectors.Patience(1)], display=False)
    cb = NNGraphCallback(mon, stop=False, restore_best=False)
    trainer, model, recorder = fit(cb, max_epochs=6)
    assert mon.model is model and mon.should_stop
    assert trainer.current_epoch == 6 and mon.epoch == 6
    last = model.state_dict()
    assert all(torch.equal(last[k], v) for k, v in recorder.states[6].items())


def test_lightning_metric_names_pair_up() -> None:
    keys = ["train_loss", "train/acc", "valid_acc", "validation/loss", "loss_step", "loss_epoch"]
    assert [metric_name(k) for k in keys] == ["loss", "acc", "val_acc", "val_loss", None, "loss"]
