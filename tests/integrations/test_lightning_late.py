"""NNGraphCallback and what happens after its hooks: training metrics logged in
``LightningModule.on_train_epoch_end`` (Lightning calls it after the callback's), and a second
``fit`` of the same module, which starts its optimizer afresh."""

from __future__ import annotations

import math
import warnings

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from nngraph.i18n import set_language  # noqa: E402
from nngraph.integrations.lightning import NNGraphCallback  # noqa: E402
from nngraph.monitor import Monitor  # noqa: E402
from nngraph.monitor.detectors import GL, Detector, Patience  # noqa: E402
from tests.integrations._trainers import quiet_trainer  # noqa: E402

Batch = tuple[torch.Tensor, torch.Tensor]


class Net(pl.LightningModule):
    """Logs its training loss as the mean of the epoch's losses in ``on_train_epoch_end``, the
    usual Lightning 2 replacement of ``training_epoch_end``; keeps the means it logged."""

    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1)
        )
        self.losses: list[torch.Tensor] = []
        self.means: list[float] = []  # one per epoch

    def step(self, batch: Batch) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.binary_cross_entropy_with_logits(self.net(x).squeeze(-1), y)

    def training_step(self, batch: Batch, _: int) -> torch.Tensor:
        loss = self.step(batch)
        self.losses.append(loss.detach())
        return loss

    def on_train_epoch_end(self) -> None:
        mean = torch.stack(self.losses).mean()
        self.losses.clear()
        self.means.append(float(mean))
        self.log("train_loss", mean)

    def validation_step(self, batch: Batch, _: int) -> None:
        self.log("val_loss", self.step(batch))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=0.05)


class StepLogged(Net):
    """Logs its training loss in ``training_step``, as most modules do."""

    def training_step(self, batch: Batch, _: int) -> torch.Tensor:
        loss = self.step(batch)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def on_train_epoch_end(self) -> None:
        pass


class Pairs(Detector):
    """Never fires; keeps the (validation loss, training loss) pairs it was given to judge."""

    def _reset(self) -> None:
        self.pairs: list[tuple[float, float | None]] = []

    def _check(self, value: float, train: float | None) -> None:
        self.pairs.append((value, train))


def fit(
    callback: NNGraphCallback,
    model: Net,
    max_epochs: int = 5,
    noise: bool = True,
    **options: object,
) -> pl.Trainer:
    """Fit ``model``; on labels that are noise (``noise``: validation gets worse after an epoch
    or two) or on labels it learns (validation improves for several epochs)."""
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(96, 2, generator=g)
    y = (torch.rand(96, generator=g) < 0.5).float() if noise else (x[:, 0] > 0).float()
    ds, dl = torch.utils.data.TensorDataset, torch.utils.data.DataLoader
    trainer = quiet_trainer([callback], max_epochs, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's "few workers" advice
        trainer.fit(model, dl(ds(x[:32], y[:32]), batch_size=16), dl(ds(x[32:], y[32:]), 64))
    return trainer


def monitor_of(cb: NNGraphCallback) -> Monitor:
    assert cb.monitor is not None
    return cb.monitor


def test_a_training_loss_logged_in_on_train_epoch_end_is_logged_at_its_own_epoch() -> None:
    """It was one epoch late, and the last epoch's was never shown."""
    model, cb = Net(), NNGraphCallback(detectors=[Pairs()], display=False)
    fit(cb, model)
    mon = monitor_of(cb)
    steps, values = mon.history("loss")
    assert steps.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]  # Lightning's epochs
    assert values.tolist() == pytest.approx(model.means)
    assert mon.best is not None and mon.best.metrics["loss"] == pytest.approx(
        model.means[mon.best.epoch]
    )  # the best epoch's row has its own training loss
    # the detectors judge each epoch's validation loss with that epoch's training loss
    val = mon.history("val_loss")[1].tolist()
    pairs = mon.detectors[0].pairs  # type: ignore[attr-defined]
    assert [value for pair in pairs for value in pair] == pytest.approx(
        [value for pair in zip(val, model.means, strict=True) for value in pair]
    )


def test_a_training_loss_logged_in_training_step_is_not_taken_for_a_late_one() -> None:
    model, cb = StepLogged(), NNGraphCallback(detectors=[Pairs()], display=False)
    fit(cb, model)
    mon = monitor_of(cb)
    assert mon.history("loss")[0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert all(train is not None for _, train in mon.detectors[0].pairs)  # type: ignore[attr-defined]


def test_the_text_view_shows_each_epoch_with_its_own_late_training_loss(
    capsys: pytest.CaptureFixture[str],
) -> None:
    model, cb = Net(), NNGraphCallback(detectors=[], display="text")
    fit(cb, model, max_epochs=3)
    out = capsys.readouterr().out
    assert f"loss {model.means[-1]:.4g} / val" in out  # the last epoch's, never shown before


#: the validation loss of each epoch: best at epoch 1, so Patience(2) stops at epoch 3
SCRIPTED_VAL = [0.7, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]


@pytest.mark.parametrize("module", [Net, StepLogged])
def test_patience_stops_at_its_epoch_when_the_training_loss_comes_late(module: type[Net]) -> None:
    """Sweep s29 r2: with the training loss logged in ``on_train_epoch_end``, after the
    callback's hook, Patience waited for it before judging the epoch (its words read it), so
    its stop came one epoch late (5 epochs trained, not 4), though the docstring says Patience
    is not delayed: no improvement for ``patience`` epochs needs no training loss."""

    class Scripted(module):  # type: ignore[valid-type,misc]
        def validation_step(self, batch: Batch, _: int) -> None:
            self.log("val_loss", torch.tensor(SCRIPTED_VAL[self.current_epoch]))

    cb = NNGraphCallback(detectors=[Patience(2), Pairs()], display=False)
    trainer = fit(cb, Scripted(), max_epochs=8)
    mon = monitor_of(cb)
    assert trainer.current_epoch == 4  # epochs 0 to 3
    said = [(e.detector, e.epoch, e.message_id) for e in mon.events]
    assert said == [("Patience(2)", 3, "patience.fire")]
    # each epoch, the stopping one too, is still judged with its own training loss
    pairs = mon.detectors[1].pairs  # type: ignore[attr-defined]
    losses = mon.history("loss")[1].tolist()
    assert len(losses) == 4 and [train for _, train in pairs] == pytest.approx(losses)


def test_gls_stop_ends_the_next_epoch_when_validation_runs_every_few_epochs() -> None:
    """Sweep s41 (curves, finding 1): GL judged epoch 3 once its late training loss came, and
    its stop reached Lightning only at the next epoch that validated: epoch 4 logs nothing,
    so training went on to epoch 5."""

    class Scripted(Net):
        def validation_step(self, batch: Batch, _: int) -> None:
            self.log("val_loss", torch.tensor(SCRIPTED_VAL[self.current_epoch]))

    cb = NNGraphCallback(detectors=[GL(5)], display=False)
    trainer = fit(cb, Scripted(), max_epochs=8, check_val_every_n_epoch=2)
    said = [(e.detector, e.epoch, e.stop) for e in monitor_of(cb).events]
    assert said == [("GL(5)", 3, True)]  # validated at epochs 1 and 3: 0.6, then 0.7
    assert trainer.current_epoch == 5  # epochs 0 to 4: the one after the stop ends the run


def test_a_second_fit_says_where_it_restarts_the_optimizer() -> None:
    """GL read the bump of the restart as "unstable training: try a smaller learning rate"."""
    model, cb = StepLogged(), NNGraphCallback(detectors=[], display=False)
    fit(cb, model, max_epochs=3, noise=False)
    assert monitor_of(cb).events == []
    fit(cb, model, max_epochs=3, noise=False)
    (event,) = monitor_of(cb).events  # epochs 0 to 2, then on from 3 (the bar says 0 again)
    assert (event.detector, event.kind, event.epoch) == ("NNGraphCallback", "note", 3)
    assert event.message_id == "monitor.lightning.refit"  # the best was the last epoch
    assert "the curves go on from epoch 3 with a fresh optimizer" in event.message


def test_a_second_fit_after_a_restore_says_it_starts_from_the_best_weights() -> None:
    model, cb = StepLogged(), NNGraphCallback(detectors=[Patience(3)], display=False)
    fit(cb, model, max_epochs=40)
    mon = monitor_of(cb)
    assert mon.should_stop and mon.best is not None and mon.best.epoch < mon.epoch
    best, first = mon.best.epoch, mon.epoch + 1
    fit(cb, model, max_epochs=40)
    notes = [e for e in mon.events if e.detector == "NNGraphCallback"]
    assert [(e.message_id, e.epoch) for e in notes] == [("monitor.lightning.refit_restored", first)]
    assert f"from the best weights (epoch {best}), put back when the last fit ended" in str(
        notes[0]
    )


class Restarts(Pairs):
    """Counts the restarts it is told of."""

    def _restart(self) -> None:
        self.pairs.append((math.nan, None))


def test_a_second_fit_restarts_the_detectors_and_keeps_the_best() -> None:
    """GL said "training has become unstable ... try a smaller learning rate" of the bump a
    second fit makes (a fresh optimizer, from the best weights the callback put back; sweep
    21d): a second fit restarts the detectors, which forget the training trend before it."""
    model = StepLogged()
    cb = NNGraphCallback(detectors=[Patience(3), Restarts()], display=False)
    fit(cb, model, max_epochs=40)
    mon = monitor_of(cb)
    watcher = mon.detectors[1]
    assert isinstance(watcher, Restarts) and mon.should_stop and mon.best is not None
    best, first = (mon.best.epoch, mon.best.value), len(watcher.pairs)
    fit(cb, model, max_epochs=40)
    restarts = [i for i, (value, _) in enumerate(watcher.pairs) if math.isnan(value)]
    assert restarts == [first]  # once, where the second fit starts
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == best


def test_a_first_fit_of_a_given_monitor_logged_elsewhere_is_no_refit() -> None:
    mon = Monitor(detectors=[], display=False)
    mon.log(epoch=0, loss=0.9, val_loss=1.0)  # a plain zero-based loop before
    fit(NNGraphCallback(mon), StepLogged(), max_epochs=2)
    assert mon.events == []


def test_the_refit_note_is_in_polish_too() -> None:
    set_language("pl")  # tests/conftest.py sets English again
    model, cb = StepLogged(), NNGraphCallback(detectors=[], display=False)
    fit(cb, model, max_epochs=2, noise=False)
    fit(cb, model, max_epochs=2, noise=False)
    said = "metodę fit uruchomiono ponownie: krzywe są kontynuowane od epoki 2 z nowym"
    assert said in monitor_of(cb).events[0].message
