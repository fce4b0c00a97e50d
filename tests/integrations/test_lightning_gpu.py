"""NNGraphCallback in a Trainer.fit on a GPU: the monitor is fed and the best weights come back."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("lightning.pytorch")

from nngraph.integrations.lightning import NNGraphCallback
from nngraph.monitor import detectors
from tests.integrations.test_lightning import fit

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def test_a_fit_on_the_gpu_stops_early_and_restores_the_best_weights() -> None:
    callback = NNGraphCallback(detectors=[detectors.Patience(3)], display=False)
    trainer, model, recorder = fit(callback, accelerator="gpu")
    mon = callback.monitor
    assert mon is not None and mon.should_stop and trainer.current_epoch < 59
    assert len(mon.history("val_loss")[1]) == mon.epoch + 1  # Lightning's epochs, from 0
    best = mon.best
    assert best is not None and best.epoch == mon.epoch - 3
    restored = model.state_dict()  # Lightning moves the module back to the CPU after fit
    assert all(torch.equal(restored[k], v.cpu()) for k, v in recorder.states[best.epoch].items())
