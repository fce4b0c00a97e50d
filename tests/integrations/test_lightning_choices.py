"""NNGraphCallback's choices: ``metric=`` for the best weights, a warning when what stops
training watches another metric than the one the best weights are chosen by, and detectors
given where the monitor goes."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from lightning.pytorch.callbacks import EarlyStopping  # noqa: E402

from nngraph.capture import NNGraphWarning  # noqa: E402
from nngraph.errors import NNGraphError  # noqa: E402
from nngraph.i18n import set_language  # noqa: E402
from nngraph.integrations.lightning import NNGraphCallback  # noqa: E402
from nngraph.monitor import Monitor, detectors  # noqa: E402
from tests.integrations._trainers import noise_loaders, quiet_trainer  # noqa: E402

Batch = tuple[torch.Tensor, torch.Tensor]


class Net(pl.LightningModule):
    """Logs its validation loss and accuracy; too big for its noisy labels."""

    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1)
        )

    def step(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = batch
        logits = self.net(x).squeeze(-1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y)
        return loss, ((logits > 0).float() == y).float().mean()

    def training_step(self, batch: Batch, _: int) -> torch.Tensor:
        loss, _ = self.step(batch)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch: Batch, _: int) -> None:
        loss, acc = self.step(batch)
        self.log("val_loss", loss)
        self.log("val_acc", acc)

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=0.05)


class Epochs(pl.Callback):
    """The validation accuracy (logged as ``metric``) and the weights at the end of every epoch
    (Lightning's numbers, from 0)."""

    def __init__(self, metric: str = "val_acc") -> None:
        self.metric = metric
        self.acc: dict[int, float] = {}
        self.states: dict[int, dict[str, torch.Tensor]] = {}

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        epoch = trainer.current_epoch
        self.acc[epoch] = float(trainer.callback_metrics[self.metric])
        self.states[epoch] = {k: v.clone() for k, v in pl_module.state_dict().items()}


def fit(callbacks: list[Any], max_epochs: int = 30) -> tuple[Net, list[str]]:
    """Fit a new Net; nngraph's warnings."""
    torch.manual_seed(0)
    model = Net()
    trainer = quiet_trainer(callbacks, max_epochs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(model, *noise_loaders(32))
    return model, [str(w.message) for w in caught if w.category is NNGraphWarning]


def test_metric_chooses_the_best_weights_by_that_metric() -> None:
    """``NNGraphCallback(metric="val_acc")`` was a TypeError."""
    cb, epochs = NNGraphCallback(metric="val_acc", display=False), Epochs()
    model, said = fit([cb, epochs])
    mon = cb.monitor
    assert mon is not None and said == []
    assert mon.metric == "val_acc" and mon.mode == "max"
    best = mon.best
    assert best is not None and best.value == max(epochs.acc.values())
    # Lightning's epoch number (its bar's "Epoch 3", its checkpoint's epoch=3), not one more
    first_best = min(e for e, acc in epochs.acc.items() if acc == best.value)
    assert best.epoch == first_best and f"epoch {first_best}" in mon.summary()
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in epochs.states[best.epoch].items())


def test_a_stopping_detector_on_another_metric_is_told_once_with_the_fix() -> None:
    """The stop said "best 0.81 at epoch 7" and the weights of the best val_loss came back."""
    patience = detectors.Patience(5, metric="val_acc")
    cb = NNGraphCallback(detectors=[patience], display=False)
    _, said = fit([cb])
    (warning,) = said
    assert "stops training on val_acc" in warning and "the best val_loss" in warning
    assert warning.endswith("NNGraphCallback(metric='val_acc').")
    _, said = fit([cb])  # a second fit: said once
    assert said == []


def test_lightnings_early_stopping_on_another_metric_is_told() -> None:
    cb = NNGraphCallback(detectors=[], display=False)
    _, said = fit([cb, EarlyStopping(monitor="val_acc", mode="max", patience=3)])
    (warning,) = said
    assert warning.startswith("NNGraphCallback: EarlyStopping(monitor='val_acc') stops training")
    assert warning.endswith("NNGraphCallback(metric='val_acc').")


class OwnName(Net):
    """Logs its validation loss under a name of its own."""

    def validation_step(self, batch: Batch, _: int) -> None:
        self.log("val_strata", self.step(batch)[0])


def test_early_stopping_on_the_only_validation_metric_logged_gets_one_warning() -> None:
    """EarlyStopping("val_strata") and no val_loss: "the best weights put back ... are those
    of the best val_loss", then "val_loss was never logged, so nothing can ... restore the
    best weights" (sweep s32, teacher notebook 8): only the second is true."""
    torch.manual_seed(0)
    cb = NNGraphCallback(display=False)
    trainer = quiet_trainer([cb, EarlyStopping(monitor="val_strata", patience=3)], 5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(OwnName(), *noise_loaders(32))
    (warning,) = [str(w.message) for w in caught if w.category is NNGraphWarning]
    assert "the watched metric 'val_loss' was never logged" in warning


def test_a_stop_on_another_training_metric_is_told_without_validation() -> None:
    """Said at the first log of the watched metric, a training metric in a fit without
    validation too (regression sweep 3, 4)."""
    torch.manual_seed(0)
    cb = NNGraphCallback(metric="loss", detectors=[], display=False)
    trainer = quiet_trainer([cb, EarlyStopping(monitor="train_acc", mode="max", patience=3)], 3)

    class Accurate(Net):
        def training_step(self, batch: Batch, _: int) -> torch.Tensor:
            loss, acc = self.step(batch)
            self.log("train_loss", loss, on_step=False, on_epoch=True)
            self.log("train_acc", acc, on_step=False, on_epoch=True)
            return loss

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(Accurate(), noise_loaders(32)[0])
    said = [str(w.message) for w in caught if w.category is NNGraphWarning]
    assert any("EarlyStopping(monitor='train_acc') stops training" in text for text in said)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_an_early_stopping_on_the_training_loss_is_told_to_stop_on_validation(
    language: str,
) -> None:
    """Sweep s43 (light, 7): for EarlyStopping(monitor="train_loss") the fix offered was
    NNGraphCallback(metric='loss'), which keeps the weights of the lowest training loss: the
    most memorised, usually the last. The slip is the stopper's metric."""
    set_language(language)
    _, said = fit([NNGraphCallback(display=False), EarlyStopping(monitor="train_loss")], 3)
    (warning,) = said
    fix = "EarlyStopping(monitor='val_loss', mode='min')"
    assert warning.endswith(fix + ".") and "metric='loss'" not in warning


def test_an_early_stopping_on_a_training_accuracy_is_told_the_validation_key_and_mode() -> None:
    """Review s43 round 2 (1, 2): only a training *loss* got the advice to stop on validation
    (train_acc is renamed acc first); the advice had no mode, so it stopped at the lowest
    accuracy, and it named the monitor's metric, not the key Lightning logs."""

    class Accurate(Net):
        def training_step(self, batch: Batch, _: int) -> torch.Tensor:
            loss, acc = self.step(batch)
            self.log("train_acc", acc, on_step=False, on_epoch=True)
            return loss

    torch.manual_seed(0)
    cb = NNGraphCallback(metric="val_acc", display=False, restore_best=False)
    trainer = quiet_trainer([cb, EarlyStopping(monitor="train_acc", mode="max")], 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(Accurate(), *noise_loaders(32))
    (said,) = [str(w.message) for w in caught if w.category is NNGraphWarning]
    assert said.endswith("EarlyStopping(monitor='val_acc', mode='max')."), said


def test_a_given_monitor_is_told_the_fix_on_the_monitor() -> None:
    mon = Monitor(detectors=[detectors.Patience(5, metric="val_acc")], display=False)
    _, said = fit([NNGraphCallback(mon)])
    (warning,) = said
    assert warning.endswith("ng.Monitor(metric='val_acc').")


ON_ACC = detectors.Patience(5, metric="val_acc")


@pytest.mark.parametrize(
    "options",
    [
        {"metric": "val_acc"},
        {"detectors": [ON_ACC], "restore_best": False},
        {"detectors": [ON_ACC], "stop": False},
        {"detectors": [detectors.Patience(5, metric="val_acc", stop=False)]},
    ],
    ids=["same-metric", "no-restore", "stop-false", "detector-does-not-stop"],
)
def test_no_warning_when_the_stop_and_the_best_weights_agree(options: dict[str, Any]) -> None:
    _, said = fit([NNGraphCallback(display=False, **options)], max_epochs=8)
    assert said == []


def test_the_stop_metric_warning_is_in_polish_too() -> None:
    set_language("pl")  # tests/conftest.py sets English again
    _, said = fit(
        [NNGraphCallback(display=False, detectors=[detectors.Patience(5, metric="val_acc")])]
    )
    (warning,) = said
    assert "zatrzymuje trening według val_acc" in warning
    assert "Aby wybierać je według val_acc: NNGraphCallback(metric='val_acc')" in warning


@pytest.mark.parametrize(
    "given",
    [
        detectors.Patience(5),
        [detectors.GL(5), detectors.Patience(5)],
        (detectors.Patience(5),),
        detectors.GL,
    ],
    ids=["one", "list", "tuple", "class"],
)
def test_detectors_given_where_the_monitor_goes_are_told_to_go_in_detectors(given: Any) -> None:
    with pytest.raises(NNGraphError, match=r"detectors go in detectors=\[\.\.\.\]"):
        NNGraphCallback(given)


def test_metric_with_a_given_monitor_or_a_bad_name_is_a_clear_error() -> None:
    with pytest.raises(NNGraphError, match=r"mon = ng.Monitor\(metric='val_acc'\)"):
        NNGraphCallback(Monitor(display=False), metric="val_acc")
    with pytest.raises(NNGraphError, match="metric must be the name of a logged metric"):
        NNGraphCallback(metric="")


class PolishNet(Net):
    """Logs its validation accuracy under a Polish name that says neither way."""

    def validation_step(self, batch: Batch, _: int) -> None:
        loss, acc = self.step(batch)
        self.log("val_loss", loss)
        self.log("val_poprawnosc", acc)


def test_mode_max_chooses_the_highest_value_of_a_name_that_says_neither_way() -> None:
    """Review 24 (F5): the warning said 'pass mode="max"', but the callback took no mode=, so
    a Polish accuracy's worst epoch was its best short of building a whole monitor."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the mode is given: nothing to say
        cb = NNGraphCallback(metric="val_poprawnosc", mode="max", display=False)
    assert cb.mode == "max"
    torch.manual_seed(0)
    model, epochs = PolishNet(), Epochs("val_poprawnosc")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_trainer([cb, epochs], 30).fit(model, *noise_loaders(32))
    assert [w for w in caught if "nngraph" in str(w.message)] == []
    mon = cb.monitor
    assert mon is not None and mon.mode == "max"
    best = mon.best
    assert best is not None and best.value == max(epochs.acc.values())
    restored = model.state_dict()  # the highest accuracy's weights, not the lowest's
    assert all(torch.equal(restored[k], v) for k, v in epochs.states[best.epoch].items())


@pytest.mark.parametrize(
    ("options", "said", "mode"),
    [
        ({"metric": "val_poprawnosc"}, r"'val_poprawnosc' does not say .* mode=\"max\"", "min"),
        ({"mode": "max"}, r"mode=\"max\" makes .* pass mode=\"min\"", "max"),
    ],
    ids=["name says neither way", "mode against the name"],
)
def test_a_mode_warning_is_given_once_at_the_users_line(
    options: dict[str, Any], said: str, mode: str
) -> None:
    """The warning for a name that says neither way came from inside ``fit`` (Lightning's
    call.py), with advice the callback could not take; now it comes where the callback is made,
    and ``mode=`` takes the advice (then the name is taken for a loss, as it says). Sweep s42
    (left alone): ``mode="max"`` on the validation loss made its highest value the best epoch in
    silence; said there too, not again from inside ``fit``, and the mode asked for is kept."""
    with pytest.warns(UserWarning, match=said) as got:
        cb = NNGraphCallback(display=False, **options)
    assert [w.filename for w in got] == [__file__]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_trainer([cb], 2).fit(PolishNet(), *noise_loaders(32))
    assert [w for w in caught if re.search(said, str(w.message))] == []  # said once, above
    assert cb.monitor is not None and cb.monitor.mode == mode


def test_a_rename_onto_a_metric_better_the_other_way_is_warned_about() -> None:
    """Sweep s43 (light, 6): ``metrics={"val_acc": "val_loss"}`` put back the epoch of the
    lowest accuracy as "the best", in silence."""
    with pytest.warns(UserWarning, match=r"best epoch would be the worst of 'val_acc'") as got:
        NNGraphCallback(metrics={"val_acc": "val_loss"}, display=False)
    assert [w.filename for w in got] == [__file__]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a loss under another name, or a name that says neither
        NNGraphCallback(metrics={"valid_mse": "val_loss", "val_custom": "val_loss"}, display=False)


def test_a_bad_mode_or_a_mode_with_a_given_monitor_is_a_clear_error() -> None:
    with pytest.raises(NNGraphError, match=r"mode must be 'min', 'max' or 'auto', got 'maximum'"):
        NNGraphCallback(metric="val_acc", mode="maximum")  # type: ignore[arg-type]
    with pytest.raises(NNGraphError, match=r"mon = ng.Monitor\(metric=\.\.\., mode='max'\)"):
        NNGraphCallback(Monitor(display=False), mode="max")
    set_language("pl")
    try:
        with pytest.raises(NNGraphError, match=r"podaj tryb jemu: mon = ng.Monitor"):
            NNGraphCallback(Monitor(display=False), mode="min")
    finally:
        set_language("en")
