"""A quiet CPU `pl.Trainer` for the Lightning tests: no logger, checkpoints, progress bar, model
summary or sanity validation unless asked for.

    >>> quiet_trainer([], 3).max_epochs  # doctest: +SKIP
    3
"""

from __future__ import annotations

from typing import Any

import pytest

pl = pytest.importorskip("lightning.pytorch")


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
