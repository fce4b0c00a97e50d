"""A validation loss that never beat chance while the training loss fell: labels that do not
match their inputs (nngraph/monitor/_chance_aside.py, ``guessed_labels`` in
nngraph/monitor/_never_improved.py). Honest overfitting and healthy runs hear what they heard."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nngraph import i18n
from nngraph.monitor import Monitor
from nngraph.monitor.detectors import Patience

LABELS = "labels do not match the inputs"


pytestmark = pytest.mark.usefixtures("one_thread")


def _run(
    kind: str, classes: int = 3, *, ntrain: int = 300, noise: float = 1.0, lr: float = 3e-3
) -> Monitor:
    """An MLP trained on blobs of `classes` classes, watched by the classroom monitor, until
    it stops; `kind`: "shuffled" (x and y shuffled separately), "shuffled_val" (validation
    labels only), or "right"."""
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    centres = torch.randn(classes, 10, generator=g) * 2
    y = torch.randint(0, classes, (ntrain + 300,), generator=g)
    x = centres[y] + noise * torch.randn(ntrain + 300, 10, generator=g)
    xt, yt, xv, yv = x[:ntrain], y[:ntrain], x[ntrain:], y[ntrain:]
    if kind == "shuffled":
        yt = yt[torch.randperm(ntrain, generator=g)]
    if kind in ("shuffled", "shuffled_val"):
        yv = yv[torch.randperm(300, generator=g)]
    model = nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, classes)
    )
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    mon = Monitor(display=False)
    for epoch in range(1, 61):
        total = 0.0
        for i in range(0, ntrain, 32):
            loss = F.cross_entropy(model(xt[i : i + 32]), yt[i : i + 32])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yt[i : i + 32]) / ntrain
        with torch.no_grad():
            val = F.cross_entropy(model(xv), yv)
            acc = (model(xv).argmax(1) == yv).float().mean()
        mon.log(epoch, loss=total, val_loss=val, val_acc=acc)
        if mon.should_stop:
            break
    return mon


@pytest.mark.parametrize("classes", [2, 3, 10])
def test_shuffled_labels_are_named_as_the_likely_cause(classes: int) -> None:
    """Sweep s47 (mistakes, 2): labels shuffled apart from their inputs got "the model may
    have started to memorise the training data" from GL and "too little data or too big a
    model" from Patience, and (3 classes) an accuracy aside that called 0.35 -> 0.38 at
    chance "more answers right"; the validation loss never got below ln k."""
    mon = _run("shuffled", classes)
    assert [e.message_id.split(".")[0] for e in mon.events] == ["gl", "patience"]
    for event in mon.events:
        assert LABELS in event.message, event.message
        assert f"ln {classes} = " in event.message
        assert "too big a model" not in event.message and "over-confident" not in event.message
    assert mon.events[0].message.startswith("This may not be overfitting. If validation loss")


def test_shuffled_validation_labels_are_named_too() -> None:
    """The validation labels alone out of order: the training loss falls fast, the validation
    loss starts 3% above ln 3 and climbs."""
    mon = _run("shuffled_val", noise=2.0, lr=3e-4)
    assert mon.events and all(LABELS in event.message for event in mon.events)


@pytest.mark.parametrize(
    "options",
    [{}, {"ntrain": 60, "noise": 2.5, "lr": 1e-3}],
    ids=["healthy", "overfitting"],
)
def test_a_model_that_learned_first_hears_no_such_thing(options: dict[str, float]) -> None:
    mon = _run("right", **options)  # type: ignore[arg-type]
    assert all(LABELS not in event.message for event in mon.events)


def test_patience_alone_reads_a_validation_loss_at_chance_beside_a_falling_training_loss() -> None:
    p = Patience(5)
    for epoch, (loss, val) in enumerate(
        zip(
            [1.1, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5],
            [1.11, 1.12, 1.14, 1.17, 1.2, 1.25, 1.3],
            strict=True,
        ),
        1,
    ):
        p.update(epoch, loss=loss, val_loss=val)
    (event,) = p.events
    assert event.message_id == "patience.never_improved"
    assert "about ln 3 = 1.099" in event.message and LABELS in event.message
    assert "too big a model" not in event.message


def test_a_loss_that_fell_below_chance_first_keeps_its_memorising_reading() -> None:
    p = Patience(5)
    for epoch, (loss, val) in enumerate(
        zip(
            [0.9, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02], [0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4], strict=True
        ),
        1,
    ):
        p.update(epoch, loss=loss, val_loss=val)
    (event,) = p.events
    assert "too little data or too big a model" in event.message and LABELS not in event.message


def test_the_polish_text_says_it_too() -> None:
    i18n.set_language("pl")
    mon = _run("shuffled")
    assert mon.events[0].message.startswith("To może nie być przeuczenie. Jeśli")
    assert all("etykiety nie pasują do danych wejściowych" in e.message for e in mon.events)


def test_a_regression_loss_near_ln_2_by_chance_whose_training_loss_started_elsewhere() -> None:
    """A mean squared error logged as val_loss that overfits from its first epoch, at 0.70 (ln 2
    is 0.693): its training loss started at 1.3, no classifier's guess."""
    mon = Monitor(display=False)
    for epoch in range(1, 30):
        mon.log(epoch, loss=0.2 + 1.1 * 0.8**epoch, val_loss=0.70 + 0.004 * epoch)
    assert mon.events and all(LABELS not in event.message for event in mon.events)
