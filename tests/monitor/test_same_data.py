"""A "validation" computed on the training data is said once, gently (sweep s47, M6: a
3 x 256 MLP on 90 iris examples "never overfits" when its validation is its training set)."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from nngraph import i18n
from nngraph.monitor import Monitor


def data() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    x = torch.randn(120, 4)
    return x, (x[:, 0] + x[:, 1] > 0).long()


def said(loop: str, epochs: int = 30, lr: float = 0.05) -> list[str]:
    x, y = data()
    train_x, train_y, val_x, val_y = x[:90], y[:90], x[90:], y[90:]
    if loop != "other_split":
        val_x, val_y = train_x, train_y  # the mistake
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 2))
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    mon = Monitor(model=net, display=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, epochs + 1):
            opt.zero_grad()
            loss = F.cross_entropy(net(train_x), train_y)
            loss.backward()
            opt.step()
            with torch.no_grad():
                val = F.cross_entropy(net(val_x), val_y).item()
                if loop == "after_epoch":  # the training loss measured as the validation is
                    loss = F.cross_entropy(net(train_x), train_y)
            mon.log(epoch, loss=loss.item(), val_loss=val)
    words = ("same number", "tą samą liczbą")
    return [str(w.message) for w in caught if any(m in str(w.message) for m in words)]


@pytest.mark.parametrize("loop", ["before_step", "after_epoch"])
def test_validation_on_the_training_data_is_said_once(loop: str) -> None:
    texts = said(loop)
    assert len(texts) == 1
    assert texts[0].startswith("nngraph Monitor: at each of the 5 epochs so far, val_loss")
    assert "Is the validation computed on the training data?" in texts[0]


def test_in_polish() -> None:
    i18n.set_language("pl")
    try:
        texts = said("before_step")
    finally:
        i18n.set_language("en")
    assert texts and "Czy walidacja nie jest liczona na danych treningowych?" in texts[0]


def test_a_validation_on_other_examples_says_nothing() -> None:
    assert said("other_split", epochs=100) == []


def test_a_model_that_learns_nothing_says_nothing() -> None:
    """Both sets then give the same constant loss: no sign of the same data."""
    assert said("before_step", lr=0.0) == []
