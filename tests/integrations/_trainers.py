"""A quiet CPU `pl.Trainer` for the Lightning tests (no logger, checkpoints, progress bar, model
summary or sanity validation unless asked for), and the small data set most of them fit.

    >>> quiet_trainer([], 3).max_epochs  # doctest: +SKIP
    3
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

Loader = torch.utils.data.DataLoader


def quiet_trainer(callbacks: list[Any], max_epochs: int, **options: Any) -> Any:
    """A `pl.Trainer` on one CPU device that prints nothing of its own; `options` go to it."""
    settings = {"logger": False, "enable_checkpointing": False, "num_sanity_val_steps": 0}
    return pl.Trainer(
        max_epochs=max_epochs,
        callbacks=callbacks,
        accelerator="cpu",
        devices=1,
        enable_progress_bar=False,
        enable_model_summary=False,
        **{**settings, **options},
    )


def noise_loaders(n_train: int = 64) -> tuple[Loader, Loader]:
    """Training (`n_train` examples, batches of 16) and validation (64 examples, one batch)
    loaders of two features and labels that are noise: a model can only memorise them."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n_train + 64, 2, generator=g)
    y = (torch.rand(n_train + 64, generator=g) < 0.5).float()
    ds = torch.utils.data.TensorDataset
    return Loader(ds(x[:n_train], y[:n_train]), batch_size=16), Loader(
        ds(x[n_train:], y[n_train:]), batch_size=64
    )
