"""NNGraphCallback in a real Trainer.fit: feeds the monitor, stops, restores the best weights."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from nngraph.capture import NNGraphWarning  # noqa: E402
from nngraph.errors import NNGraphError  # noqa: E402
from nngraph.i18n import set_language  # noqa: E402
from nngraph.integrations.lightning import NNGraphCallback, metric_name  # noqa: E402
from nngraph.monitor import Monitor, Runs, detectors  # noqa: E402


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
        return torch.optim.Adam(self.parameters(), lr=self.lr)

    lr = 0.05


class NetWithoutValLoss(Net):
    """Validation logs another name than the watched ``val_loss``."""

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> None:
        self.log("val_mse", self.step(batch))


class NetLoggingAs(Net):
    """Validation logs its loss (and accuracy) under the names given, as a user's module may."""

    def __init__(self, loss: str = "val_loss", acc: str | None = None, **log: Any) -> None:
        super().__init__()
        self.loss_name, self.acc_name, self.options = loss, acc, log

    def validation_step(
        self, batch: tuple[torch.Tensor, torch.Tensor], _: int, dataloader_idx: int = 0
    ) -> None:
        self.log(self.loss_name, self.step(batch), **self.options)
        if self.acc_name is not None:
            x, y = batch
            self.log(self.acc_name, ((self(x) > 0).float() == y).float().mean(), **self.options)


class Recorder(pl.Callback):
    """The exact weights at the end of every epoch (Lightning's numbers, from 0), to compare
    with what is restored."""

    def __init__(self) -> None:
        self.states: dict[int, dict[str, torch.Tensor]] = {}
        self.warnings: list[str] = []  # nngraph's warnings during fit
        self.places: list[str] = []  # the files they name

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        state = pl_module.state_dict()
        self.states[trainer.current_epoch] = {k: v.clone() for k, v in state.items()}


def loaders(
    val_loaders: int = 1,
) -> tuple[torch.utils.data.DataLoader, torch.utils.data.DataLoader | list[Any]]:
    g = torch.Generator().manual_seed(0)
    x_tr, x_va = torch.randn(16, 2, generator=g), torch.randn(64, 2, generator=g)
    y_tr = (torch.rand(16, generator=g) < 0.5).float()  # labels are noise: pure memorising
    y_va = (torch.rand(64, generator=g) < 0.5).float()
    ds = torch.utils.data.TensorDataset
    train = torch.utils.data.DataLoader(ds(x_tr, y_tr), batch_size=16)
    val = [  # a second one: the first half of the first
        torch.utils.data.DataLoader(ds(x_va[: 64 // (i + 1)], y_va[: 64 // (i + 1)]), batch_size=64)
        for i in range(val_loaders)
    ]
    return train, val[0] if val_loaders == 1 else val


def fit(
    callback: NNGraphCallback,
    max_epochs: int = 60,
    model_class: type[Net] = Net,
    model: Net | None = None,
    val_loaders: int = 1,
    accelerator: str = "cpu",
    **options: Any,
) -> tuple[pl.Trainer, Net, Recorder]:
    torch.manual_seed(0)
    model, recorder = model or model_class(), Recorder()
    trainer = pl.Trainer(
        **options,
        max_epochs=max_epochs,
        accelerator=accelerator,
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=1,
    )
    trainer.callbacks = [recorder, callback, *trainer.callbacks]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # and Lightning's "few workers" advice is dropped
        trainer.fit(model, *loaders(val_loaders))
    recorder.warnings = [str(w.message) for w in caught if w.category is NNGraphWarning]
    recorder.places = [w.filename for w in caught if w.category is NNGraphWarning]
    return trainer, model, recorder


def test_fit_feeds_the_monitor_stops_early_and_restores_the_best_weights() -> None:
    cb = NNGraphCallback(detectors=[detectors.Patience(3)], display=False)
    trainer, model, recorder = fit(cb)
    mon = cb.monitor
    assert mon is not None and mon.model is model
    assert mon.should_stop and trainer.current_epoch < 59  # stopped early
    # Lightning's numbers: epochs 0, 1, ..., and its current_epoch counts them when fit ends
    assert mon.epoch == max(recorder.states) == mon.stop_event.epoch  # type: ignore[union-attr]
    assert mon.epoch == trainer.current_epoch - 1 and mon.epoch_count == len(recorder.states)
    assert mon.pairs == {"val_loss": "loss"}
    assert mon.history("loss")[0].tolist() == [float(e) for e in range(mon.epoch + 1)]
    best = mon.best
    assert best is not None and best.epoch == mon.epoch - 3
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in recorder.states[best.epoch].items())


def test_a_given_monitor_gets_the_module_and_stop_false_runs_to_the_end() -> None:
    mon = Monitor(detectors=[detectors.Patience(1)], display=False)
    cb = NNGraphCallback(mon, stop=False, restore_best=False)
    trainer, model, recorder = fit(cb, max_epochs=6)
    assert mon.model is model and mon.should_stop
    assert trainer.current_epoch == 6 and mon.epoch == 5 and mon.epoch_count == 6  # 0 to 5
    last = model.state_dict()
    assert all(torch.equal(last[k], v) for k, v in recorder.states[5].items())


def test_a_watched_metric_that_is_never_logged_is_said_once() -> None:
    cb = NNGraphCallback(display=False)
    trainer, _, recorder = fit(cb, max_epochs=3, model_class=NetWithoutValLoss)
    assert trainer.current_epoch == 3 and cb.monitor is not None
    (warning,) = recorder.warnings
    assert "'val_loss' was never logged" in warning
    assert "(logged: val_mse, train_loss)" in warning  # as the module logs them
    assert recorder.places == [__file__]  # the user's `trainer.fit(...)`, not Lightning's code


class NetValidatingLossEveryOtherEpoch(Net):
    """Logs ``val_mae`` at every validation, ``val_loss`` (costly, say) at every other one,
    from epoch ``first`` on."""

    first = 0

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> None:
        x, y = batch
        self.log("val_mae", (torch.sigmoid(self(x)) - y).abs().mean())
        if self.trainer.current_epoch % 2 == self.first and not self.trainer.sanity_checking:
            self.log("val_loss", self.step(batch))


@pytest.mark.parametrize("first", [0, 1])
def test_a_watched_metric_logged_at_every_other_validation_is_not_said_missing(
    first: int,
) -> None:
    """Sweep s43 (light, 2): ``val_loss`` logged at epochs 0, 2 and 4 chose and restored the
    best, yet the first validation without it said it was "never logged: did you mean
    'val_loss'?", with a mapping of val_loss to itself."""
    module = NetValidatingLossEveryOtherEpoch()
    module.first = first
    cb = NNGraphCallback(detectors=[], display=False)
    *_, recorder = fit(cb, max_epochs=6, model=module)
    assert recorder.warnings == []
    assert cb.monitor is not None and cb.monitor.best is not None
    assert cb.monitor.best.epoch % 2 == first


@pytest.mark.parametrize("logged", ["val_los", "valid/los"])
def test_a_slip_in_the_watched_metrics_name_is_offered_as_the_monitor_offers_it(
    logged: str,
) -> None:
    # sweep 22a F5: the warning listed 'val_los' among the names logged, without "did you mean"
    cb = NNGraphCallback(display=False)
    *_, recorder = fit(cb, max_epochs=2, model=NetLoggingAs(logged))
    (warning,) = recorder.warnings
    assert "'val_loss' was never logged" in warning
    assert f"did you mean {logged!r}?" in warning  # the name the module logs, to map from
    assert f"NNGraphCallback(metrics={{{logged!r}: 'val_loss'}})" in warning


@pytest.mark.parametrize(
    ("logged", "fix"),
    [
        ("val_acc", "NNGraphCallback(metric='val_acc')"),
        ("valid/f1", "NNGraphCallback(metric='val_f1')"),
        ("val_poprawnosc", "NNGraphCallback(metric='val_poprawnosc', mode='max')"),
    ],
)
def test_a_score_logged_in_place_of_the_watched_loss_is_offered_to_be_watched(
    logged: str, fix: str
) -> None:
    """The warning said to map it, NNGraphCallback(metrics={'your_name': 'val_loss'}): done
    with an accuracy, the callback kept and restored its worst epoch (sweep s3)."""
    *_, recorder = fit(NNGraphCallback(display=False), max_epochs=2, model=NetLoggingAs(logged))
    (warning,) = recorder.warnings
    assert "'val_loss' was never logged" in warning and fix in warning
    assert "metrics={" not in warning
    mon = Monitor(display=False)  # a monitor given: the fix is for it
    *_, recorder = fit(NNGraphCallback(mon), max_epochs=2, model=NetLoggingAs(logged))
    (warning,) = recorder.warnings
    assert fix.replace("NNGraphCallback(", "ng.Monitor(") in warning


def test_following_the_advice_for_an_accuracy_keeps_its_highest_epoch() -> None:
    cb = NNGraphCallback(display=False, metric="val_acc")
    *_, recorder = fit(cb, max_epochs=4, model=NetLoggingAs(loss="val_bce", acc="val_acc"))
    mon = cb.monitor
    assert mon is not None and mon.best is not None and recorder.warnings == []
    assert mon.best.value == max(mon.history("val_acc")[1])


def test_a_loss_logged_under_another_name_is_still_told_to_be_mapped() -> None:
    *_, recorder = fit(NNGraphCallback(display=False), max_epochs=2, model=NetLoggingAs("val_mse"))
    (warning,) = recorder.warnings
    assert "NNGraphCallback(metrics={'val_mse': 'val_loss'})" in warning  # by its own name


@pytest.mark.parametrize(("loss", "acc"), [("val_mse", "val_acc"), ("valid/mse", "val_f1")])
def test_a_loss_logged_under_another_name_beside_a_score_is_offered_first(
    loss: str, acc: str
) -> None:
    """Sweep s45 lightning, finding 6: with val_mse and val_acc logged, the warning said
    "'val_acc' is logged instead" and offered only metric='val_acc', never the validation loss
    the module logs, as it does when that loss is logged alone."""
    model = NetLoggingAs(loss=loss, acc=acc)
    *_, recorder = fit(NNGraphCallback(display=False), max_epochs=2, model=model)
    (warning,) = recorder.warnings
    assert f"{loss!r} is logged, and for it too lower is better" in warning
    assert f"NNGraphCallback(metrics={{{loss!r}: 'val_loss'}})" in warning
    assert "instead" not in warning and "metric=" not in warning


def test_a_fit_without_a_validation_loader_is_told_so_not_to_log_the_metric() -> None:
    # the module's validation_step logs val_loss: what is missing is the loader (sweep 21d)
    cb = NNGraphCallback(display=False)
    *_, recorder = fit(cb, max_epochs=2, val_loaders=0)
    (warning,) = recorder.warnings
    assert "no validation ran in this fit" in warning
    assert "trainer.fit(model, train_dl, val_dl)" in warning and "validation_step" not in warning


def test_a_fit_given_a_validation_loader_that_never_validates_is_told_why() -> None:
    """Sweep s43 (light, 4): validation due after the last epoch was told to "give the fit a
    validation DataLoader", which it had been given."""
    *_, recorder = fit(NNGraphCallback(display=False), max_epochs=3, check_val_every_n_epoch=5)
    (warning,) = recorder.warnings
    assert "although a validation DataLoader was given" in warning
    assert "check_val_every_n_epoch=5" in warning and "trainer.fit(model" not in warning


@pytest.mark.parametrize("name", ["valid_loss", "val/loss"])
def test_a_metric_logged_under_the_name_the_monitor_watches_reaches_it(name: str) -> None:
    mon = Monitor(metric=name, detectors=[detectors.Patience(3, metric=name)], display=False)
    trainer, model, recorder = fit(NNGraphCallback(mon), model=NetLoggingAs(loss=name))
    assert name in mon.metrics and recorder.warnings == []
    assert mon.should_stop and trainer.current_epoch < 59  # stopped early
    best = mon.best
    assert best is not None and best.metric == name and best.epoch == mon.epoch - 3
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in recorder.states[best.epoch].items())


def test_a_detector_watching_a_logged_name_gets_it_and_can_stop_training() -> None:
    patience = detectors.Patience(3, metric="val/acc", mode="max")
    cb = NNGraphCallback(detectors=[patience], display=False)
    trainer, _, recorder = fit(cb, model=NetLoggingAs(loss="val/loss", acc="val/acc"))
    mon = cb.monitor
    (warning,) = recorder.warnings  # only that the best weights go by val_loss, not val/acc
    assert "NNGraphCallback(metric='val/acc')" in warning
    assert sorted(mon.metrics) == ["loss", "val/acc", "val_loss"]  # others still pair up
    assert mon.detectors[0].epoch == mon.epoch_count  # it saw every epoch (0 to mon.epoch)
    assert mon.should_stop and trainer.current_epoch < 59
    assert mon.stop_event is not None and "val/acc" in mon.stop_event.detector


def test_the_missing_metric_warning_lists_names_that_metrics_accepts() -> None:
    _, _, recorder = fit(
        NNGraphCallback(display=False), max_epochs=2, model=NetLoggingAs("val/mse")
    )
    (warning,) = recorder.warnings
    assert "(logged: val/mse, train_loss)" in warning  # Lightning's names, not the monitor's
    for given in ("val/mse", "val_mse"):  # the name the module logs, or the one the chart shows
        cb = NNGraphCallback(display=False, metrics={given: "val_loss"})
        _, _, recorder = fit(cb, max_epochs=2, model=NetLoggingAs("val/mse"))
        assert cb.monitor is not None and cb.monitor.best is not None
        assert sorted(cb.monitor.metrics) == ["loss", "val_loss"] and recorder.warnings == []


def test_a_watched_metric_logged_per_step_only_is_told_to_log_it_per_epoch() -> None:
    model = NetLoggingAs(on_step=True, on_epoch=False)  # never in Lightning's callback_metrics
    _, _, recorder = fit(NNGraphCallback(display=False), max_epochs=2, model=model)
    (warning,) = recorder.warnings
    assert "per step only" in warning and "self.log('val_loss', value, on_epoch=True)" in warning


def test_with_several_validation_loaders_the_first_ones_metric_is_watched() -> None:
    cb = NNGraphCallback(display=False, restore_best=False)
    trainer, _, recorder = fit(cb, max_epochs=3, model=NetLoggingAs(), val_loaders=2)
    mon = cb.monitor
    assert mon is not None and mon.best is not None and recorder.warnings == []
    assert sorted(mon.metrics) == ["loss", "val_loss", "val_loss_dataloader_idx_1"]
    first = float(trainer.callback_metrics["val_loss/dataloader_idx_0"])
    assert mon.history("val_loss")[1][-1] == pytest.approx(first)
    # an explicit choice wins: the first loader's metric keeps its own name
    cb = NNGraphCallback(display=False, metrics={"val_loss/dataloader_idx_1": "val_loss"})
    trainer, _, recorder = fit(cb, max_epochs=3, model=NetLoggingAs(), val_loaders=2)
    assert cb.monitor is not None and recorder.warnings == []
    assert sorted(cb.monitor.metrics) == ["loss", "val_loss", "val_loss_dataloader_idx_0"]
    second = float(trainer.callback_metrics["val_loss/dataloader_idx_1"])
    assert cb.monitor.history("val_loss")[1][-1] == pytest.approx(second)


def test_fitting_again_a_trainer_that_is_done_keeps_the_run_and_says_nothing() -> None:
    cb = NNGraphCallback(display=False)
    trainer, model, _ = fit(cb, max_epochs=2)
    first = cb.monitor
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(model, *loaders())  # a re-run cell: max_epochs is already reached
    assert [w.message for w in caught if w.category is NNGraphWarning] == []
    assert cb.monitor is first and first is not None and first.epoch == 1


def test_a_logged_watched_metric_gives_no_warning() -> None:
    _, _, recorder = fit(NNGraphCallback(display=False), max_epochs=2)
    assert recorder.warnings == []


def test_bad_arguments_are_clear_errors_at_construction() -> None:
    with pytest.raises(NNGraphError, match=r"needs an ng\.Monitor"):
        NNGraphCallback(monitor="mon")  # type: ignore[arg-type]
    with pytest.raises(NNGraphError, match="Detector objects"):
        NNGraphCallback(detectors=["Patience"])  # type: ignore[list-item]
    patience = detectors.Patience(5)
    assert NNGraphCallback(detectors=patience).detectors == [patience]


def test_a_second_fit_of_a_new_module_is_a_new_run_of_its_own_monitor() -> None:
    # fit() builds a new module each time (the cell that makes the model was run again); the
    # same module fitted again goes on with its run: see test_lightning_runs.py
    cb = NNGraphCallback(detectors=[detectors.Patience(2)], display=False, restore_best=False)
    _, model, _ = fit(cb, max_epochs=40)
    first = cb.monitor
    assert first is not None and first.should_stop
    trainer, again, _ = fit(cb, max_epochs=3)
    assert cb.monitor is not first and trainer.current_epoch == 3 and again is not model
    assert cb.monitor.model is again  # type: ignore[union-attr]
    assert cb.monitor.history("loss")[0].tolist() == [0.0, 1.0, 2.0]  # type: ignore[union-attr]
    assert first.history("loss")[0].tolist() == [float(e) for e in range(first.epoch + 1)]


def test_the_same_trainer_fitting_a_new_module_starts_its_new_run_at_epoch_0() -> None:
    # a new module: one module, one run (this test fitted the same module again before the
    # callback's own monitor went on with that module's run: see test_lightning_runs.py)
    cb = NNGraphCallback(detectors=[], display=False, restore_best=False)
    trainer, _, _ = fit(cb, max_epochs=2)
    first = cb.monitor
    trainer.fit_loop.max_epochs = 4  # two more epochs on the same trainer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's advice on workers
        trainer.fit(Net(), *loaders())
    # a new run of a new module, numbered from 0 as a new trainer's would be (the reused
    # trainer's bar says "Epoch 2" and "Epoch 3")
    assert cb.monitor is not first and trainer.current_epoch == 4
    assert cb.monitor.history("loss")[0].tolist() == [0.0, 1.0]  # type: ignore[union-attr]
    assert cb.monitor.epoch == 1  # type: ignore[union-attr]


def test_a_given_monitor_goes_on_counting_in_a_second_fit() -> None:
    mon = Monitor(detectors=[], display=False)
    cb = NNGraphCallback(mon, restore_best=False)
    fit(cb, max_epochs=2)
    fit(cb, max_epochs=3)  # Lightning's epochs 0 and 1, then 0 to 2 again: the monitor goes on
    assert mon.history("loss")[0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert mon.epoch == 4 and mon.epoch_count == 5


def test_a_given_monitor_numbered_by_a_plain_loop_goes_on_counting_in_fit() -> None:
    mon = Monitor(detectors=[], display=False)
    for epoch in range(1, 4):  # a first run in a plain loop, then Lightning trains on
        mon.log(epoch=epoch, loss=1 / epoch, val_loss=1 / epoch)
    fit(NNGraphCallback(mon, restore_best=False), max_epochs=2)
    assert mon.history("loss")[0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert mon.epoch == 5


def test_a_given_monitor_that_counted_its_epochs_goes_on_counting_in_fit() -> None:
    mon = Monitor(detectors=[], display=False)
    for step in range(1, 4):  # no epoch=: the monitor counted epochs 1 to 3
        mon.log(step, loss=1 / step, val_loss=1 / step)
    fit(NNGraphCallback(mon, restore_best=False), max_epochs=2)  # was "epoch=1 goes back"
    assert mon.history("loss")[0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert mon.epoch == 5


def test_a_given_monitor_that_stopped_a_fit_lets_the_next_fit_train_until_it_stops_again() -> None:
    mon = Monitor(detectors=[detectors.Patience(2)], display=False)
    cb = NNGraphCallback(mon, restore_best=False)
    _, model, _ = fit(cb, max_epochs=40)
    stopped_at, events, best = mon.epoch, mon.events, mon.best
    assert mon.should_stop and stopped_at < 40 and best is not None
    trainer, _, _ = fit(cb, max_epochs=10, model=model)  # "train on"
    # not stopped at once by the first fit's stop: Patience waits its 2 epochs again, as
    # Keras' EarlyStopping does in a second fit
    assert trainer.current_epoch == 2 and mon.epoch == stopped_at + 2
    assert mon.stop_event is not None and mon.stop_event.epoch == stopped_at + 2
    assert mon.events[: len(events)] == events  # the first fit's story is kept
    assert mon.best is not None and mon.best.value <= best.value


class StopButton(pl.Callback):
    """Clicks the live view's Stop button during the given epoch (Lightning's, from 0)."""

    def __init__(self, monitor: Monitor, epoch: int) -> None:
        self.monitor, self.epoch = monitor, epoch

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.current_epoch == self.epoch:
            self.monitor.request_stop()


def test_a_stop_in_a_later_fit_of_a_given_monitor_still_stops_it() -> None:
    mon = Monitor(detectors=[detectors.Patience(2)], display=False)
    cb = NNGraphCallback(mon, restore_best=False)
    _, model, _ = fit(cb, max_epochs=40)
    assert mon.should_stop
    trainer, _, _ = fit(cb, max_epochs=5, model=model, callbacks=[StopButton(mon, epoch=1)])
    assert trainer.current_epoch == 2 and mon.should_stop
    assert mon.stop_event is not None and mon.stop_event.detector == "user"


def test_validating_every_other_epoch_shows_the_trainers_epochs() -> None:
    cb = NNGraphCallback(detectors=[], display=False, restore_best=False)
    fit(cb, max_epochs=6, check_val_every_n_epoch=2)
    mon = cb.monitor
    assert mon is not None and mon.best is not None
    # Lightning validates after its epochs 1, 3 and 5 (the 2nd, 4th and 6th)
    assert mon.history("val_loss")[0].tolist() == [1.0, 3.0, 5.0]
    assert mon.history("loss")[0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert mon.best.epoch in (1, 3, 5) and mon.epoch == 5 and mon.epoch_count == 6


def test_a_given_monitor_follows_the_module_of_each_fit() -> None:
    mon = Monitor(detectors=[], display=False)
    cb = NNGraphCallback(mon, restore_best=False)
    _, first, _ = fit(cb, max_epochs=2)
    _, second, _ = fit(cb, max_epochs=2)
    assert mon.model is second and second is not first


def test_a_second_fit_that_never_beats_the_first_gets_the_first_fits_best_back() -> None:
    mon = Monitor(detectors=[], display=False)
    cb = NNGraphCallback(mon)
    _, model, first = fit(cb, max_epochs=8)
    best = mon.best
    assert best is not None and best.epoch < 7
    model.lr = 10.0  # the second fit blows up: never better than the first fit's best
    _, again, second = fit(cb, max_epochs=2, model=model)
    assert again is model and mon.best is best and mon.epoch == 9  # 0 to 7, then 8 and 9
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in first.states[best.epoch].items())
    assert second.warnings == []


def test_a_new_module_below_the_earlier_modules_best_gets_its_own_best_back() -> None:
    """It was left with its last weights, and a warning that the best ones were the earlier
    module's: a new module's best is its own (sweep 30e, #1)."""
    mon = Monitor(detectors=[], display=False)
    cb = NNGraphCallback(mon)
    fit(cb, max_epochs=8)
    earlier = mon.best
    worse = Net()
    worse.lr = 10.0
    _, model, recorder = fit(cb, max_epochs=2, model=worse)
    best = mon.best
    assert earlier is not None and best is not None and best.epoch in (8, 9)
    assert best.value > earlier.value  # its own best, never as good as the earlier one's
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in recorder.states[best.epoch - 8].items())
    assert recorder.warnings == []


def test_a_new_module_fitted_with_the_same_callback_is_said_to_start_from_its_own_weights() -> None:
    """The note said "from the best weights (epoch 4), put back when the last fit ended" of a
    freshly made module, and the warning told the user to "pass Monitor(model=model)"."""
    mon = Monitor(detectors=[], display=False)
    cb = NNGraphCallback(mon)
    fit(cb, max_epochs=8)
    worse = Net()
    worse.lr = 10.0  # never beats the first module's best
    _, _, recorder = fit(cb, max_epochs=2, model=worse)
    notes = [e for e in mon.events if e.detector == "NNGraphCallback"]
    key = "monitor.lightning.refit_new_module_best"  # its best is its own (sweep 30e, #1)
    assert [(e.message_id, e.epoch) for e in notes] == [(key, 8)]
    assert "starts from its own weights" in notes[0].message
    assert recorder.warnings == []


def test_a_new_callback_on_the_same_monitor_follows_the_new_module() -> None:
    """The fit cell run again, ``callbacks=[NNGraphCallback(mon)]``: the monitor kept the first
    module (which the first callback gave it), its detectors went silent and the new module's
    best was not put back."""
    mon = Monitor(display=False)
    biased = Net()
    biased.lr = 0.0  # a poor first best (a logit of 20 on noise labels), which any module beats
    with torch.no_grad():
        biased.net[2].bias.fill_(20.0)
    fit(NNGraphCallback(mon), max_epochs=3, model=biased)
    _, second, recorder = fit(NNGraphCallback(mon), max_epochs=6)
    assert mon.model is second
    assert mon.best is not None and mon.best.epoch >= 3 and recorder.warnings == []
    restored = second.state_dict()  # its own best, put back
    best_state = recorder.states[mon.best.epoch - 3]
    assert all(torch.equal(restored[k], v) for k, v in best_state.items())
    (note,) = [e for e in mon.events if e.detector == "NNGraphCallback"]
    assert note.message_id == "monitor.lightning.refit_new_module_best"


class Scripted(Net):
    """Trains as ``Net`` does; its k-th validation logs ``values[k]`` as ``name`` (a known
    curve; the last value again after its end)."""

    def __init__(self, values: list[float], name: str = "val_loss") -> None:
        super().__init__()
        self.values, self.name, self.done = values, name, 0

    def validation_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> None:
        pass

    def on_validation_epoch_end(self) -> None:
        if not self.trainer.sanity_checking:
            self.log(self.name, self.values[min(self.done, len(self.values) - 1)])
            self.done += 1


def test_a_new_module_on_a_given_monitor_is_not_judged_by_the_earlier_modules_best() -> None:
    """Patience stopped a new module that improved at every epoch, "not improved for 4 epochs
    (best 2.5 at epoch 3)": the earlier module's best (sweep 30e, #1). GL read its first
    losses against that best too."""
    mon = Monitor(detectors=[detectors.Patience(3), detectors.GL(5)], display=False)
    fit(NNGraphCallback(mon), max_epochs=5, model=Scripted([5, 4, 3, 2.5, 2.6]))
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == (3, 2.5)
    falling = Scripted([9, 8, 7, 6, 5, 4, 3, 2.8, 2.7])
    trainer, model, recorder = fit(NNGraphCallback(mon), max_epochs=9, model=falling)
    assert trainer.current_epoch == 9 and not mon.should_stop  # all its epochs: 5 to 13
    assert [e.detector for e in mon.events] == ["NNGraphCallback"]
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == (13, pytest.approx(2.7))
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in recorder.states[8].items())
    assert "best val_loss 2.7 at epoch 13" in mon.summary() and recorder.warnings == []
    said = "count from epoch 5 on: the earlier module's best (val_loss 2.5 at epoch 3) is not"
    assert said in mon.events[0].message
    assert mon.events[0].message.endswith(" is not compared with them.")  # a whole sentence


@pytest.mark.parametrize("made", ["Monitor(model=)", "Runs().new(model=)"])
def test_a_monitor_made_with_its_model_keeps_that_models_best_when_another_is_fitted(
    made: str,
) -> None:
    """The new module's fit forgot the best of the model the user gave the monitor (epoch 3)
    and its weights: a best at epoch 8 with that model's unchanged weights, a warning that they
    were not put back, restore_best() refused, and a note claiming the best counts from epoch
    5 (sweep re, #1). A monitor made with model= follows no module (README)."""
    first = Scripted([5, 4, 3, 2.5, 2.6])
    if made == "Monitor(model=)":
        mon = Monitor(model=first, detectors=[detectors.Patience(3)], display=False)
    else:
        mon = Runs(display=False).new("c", model=first, detectors=[detectors.Patience(3)])
    _, _, recorder = fit(NNGraphCallback(mon), max_epochs=5, model=first)
    best_state = recorder.states[3]
    new_module = Scripted([9, 8, 3.5, 3.4])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the watched model has not changed: said, as before
        _, _, second = fit(NNGraphCallback(mon), max_epochs=4, model=new_module)
    assert mon.model is first
    # sweep s43 (light, 1): the first model's best was written into the new module at the end
    # of its fit, which threw its own training away; the module fitted keeps its weights, and
    # a warning says why they were not put back (review s43 round 2, 4)
    (warning,) = second.warnings
    assert "not put back" in warning and "Monitor(model=...), which is not the module" in warning
    assert all(torch.equal(new_module.state_dict()[k], v) for k, v in second.states[3].items())
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == (3, 2.5)
    (note,) = [e for e in mon.events if e.detector == "NNGraphCallback"]
    assert note.message_id == "monitor.lightning.refit_new_module"  # no claim on its best
    with torch.no_grad():
        first.net[0].weight.fill_(7.0)
    mon.restore_best()
    assert all(torch.equal(first.state_dict()[k], v) for k, v in best_state.items())


def test_a_monitor_of_the_network_a_module_wraps_gets_its_best_back_into_that_network() -> None:
    """``Monitor(model=module.net)``: the best weights went to the whole module, whose keys
    (``net.0.weight``) do not match, and a warning said they were not put back."""
    module = Scripted([5, 4, 3, 2.5, 2.6])
    mon = Monitor(model=module.net, detectors=[], display=False)
    _, _, recorder = fit(NNGraphCallback(mon), max_epochs=5, model=module)
    assert recorder.warnings == [] and mon.best is not None and mon.best.epoch == 3
    assert all(torch.equal(module.state_dict()[k], v) for k, v in recorder.states[3].items())


def test_a_new_module_watched_in_max_mode_stops_after_its_own_best() -> None:
    mon = Monitor(
        detectors=[detectors.Patience(2, metric="val_acc", mode="max")],
        metric="val_acc",
        display=False,
    )
    fit(NNGraphCallback(mon), max_epochs=4, model=Scripted([0.5, 0.9, 0.8, 0.85], "val_acc"))
    rising = Scripted([0.2, 0.4, 0.6, 0.5, 0.55, 0.5, 0.5], "val_acc")
    trainer, model, recorder = fit(NNGraphCallback(mon), max_epochs=7, model=rising)
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == (6, pytest.approx(0.6))
    stop = mon.stop_event  # two epochs after its own best, not at its first ones
    assert stop is not None and stop.epoch == 8 and trainer.current_epoch == 5
    assert "(best 0.6 at epoch 6)" in stop.message
    restored = model.state_dict()
    assert all(torch.equal(restored[k], v) for k, v in recorder.states[2].items())


def test_the_new_module_note_is_in_polish_too() -> None:
    set_language("pl")  # tests/conftest.py sets English again
    mon = Monitor(detectors=[], display=False)
    fit(NNGraphCallback(mon), max_epochs=2, model=Scripted([0.75, 0.5]))
    fit(NNGraphCallback(mon), max_epochs=1, model=Scripted([0.9]))
    said = "najlepszy wynik wcześniejszego modułu (val_loss 0,5 w epoce 1) nie jest z nimi"
    assert said in mon.events[0].message


def test_a_monitor_given_its_model_keeps_it_and_warns_at_the_users_line() -> None:
    first = Net()
    mon = Monitor(model=first, detectors=[], display=False)
    fit(NNGraphCallback(mon), max_epochs=3, model=first)
    trainer = pl.Trainer(
        max_epochs=3,
        callbacks=[NNGraphCallback(mon)],
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(Net(), *loaders())  # another module: the model the user gave stays
    assert mon.model is first
    (unchanged,) = [w for w in caught if "has not changed since epoch" in str(w.message)]
    assert unchanged.filename == __file__  # the line that runs fit, not Lightning's


def test_lightning_metric_names_pair_up() -> None:
    keys = ["train_loss", "train/acc", "valid_acc", "validation/loss", "loss_step", "loss_epoch"]
    assert [metric_name(k) for k in keys] == ["loss", "acc", "val_acc", "val_loss", None, "loss"]
    assert metric_name("epoch") is None and metric_name("step") is None
    watched = {"valid_loss", "val/acc"}  # names a monitor or a detector watches stay as they are
    keys = ["valid_loss", "valid_loss_epoch", "val/acc", "train/acc", "valid_loss_step"]
    assert [metric_name(k, watched) for k in keys] == [
        "valid_loss", "valid_loss", "val/acc", "acc", None
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"metrics": "val_loss"}, r"metrics=\.\.\.\) maps Lightning's metric names"),
        ({"metrics": ["val_loss"]}, r"e\.g\. metrics=\{'valid/loss': 'val_loss'\}"),
        ({"metrics": {"val_loss": 5}}, r"NNGraphCallback\(metrics=\.\.\.\) maps"),
        ({"metrics": {"my_loss": ""}}, r"NNGraphCallback\(metrics=\.\.\.\) maps"),
        ({"display": "widgets"}, "display must be 'auto', 'text', 'widget' or False"),
        ({"display": torch.tensor([1.0, 2.0])}, "display must be 'auto', 'text', 'widget'"),
        (
            {"display": torch.tensor([1.0, 2.0]), "monitor": Monitor(display=False)},
            "display must be 'auto', 'text', 'widget'",
        ),
        ({"stop": "no"}, r"NNGraphCallback\(stop=\.\.\.\) must be True or False"),
        ({"restore_best": None}, r"NNGraphCallback\(restore_best=\.\.\.\) must be True or False"),
    ],
    ids=[
        "metrics str",
        "metrics list",
        "metrics value int",
        "metrics empty name",
        "display",
        "display tensor",
        "display tensor with a monitor",
        "stop",
        "restore_best",
    ],
)
def test_bad_options_are_refused_at_construction_not_inside_fit(
    options: dict[str, Any], says: str
) -> None:
    with pytest.raises(NNGraphError, match=says):
        NNGraphCallback(**options)


def test_detectors_with_a_given_monitor_are_refused_not_ignored() -> None:
    mon = Monitor(display=False)
    before = list(mon.detectors)
    with pytest.raises(
        NNGraphError, match=r"give the detectors to it: mon = ng\.Monitor\(detectors"
    ):
        NNGraphCallback(mon, detectors=[detectors.Patience(1)])
    assert mon.detectors == before  # the monitor is left as it was
    with pytest.raises(NNGraphError, match=r"set its display: mon = ng\.Monitor\(display='text'\)"):
        NNGraphCallback(mon, display="text")
    assert NNGraphCallback(metrics={"valid/loss": "val_loss"}).rename == {"valid/loss": "val_loss"}


# ------------------------------------ what the summary and events tell to do (sweep 20c, #4)


def test_after_fit_the_summary_says_the_best_weights_are_back_and_asks_nothing_more() -> None:
    """The callback had put the best weights back, yet the summary said to call
    `mon.restore_best(model)`, in a notebook with no `mon` and no `model`."""
    cb = NNGraphCallback(detectors=[], display=False)
    fit(cb, max_epochs=6)
    mon = cb.monitor
    assert mon is not None and mon.best is not None
    text = mon.summary()
    assert f"the best weights (epoch {mon.best.epoch}) were put back into the model" in text
    assert "restore_best" not in text


def test_without_restoring_the_summary_names_no_variable_that_does_not_exist() -> None:
    cb = NNGraphCallback(detectors=[], display=False, restore_best=False)
    fit(cb, max_epochs=4)
    assert cb.monitor is not None
    line = cb.monitor.summary().splitlines()[1]
    assert (
        line == "restore_best() on this monitor puts those weights back into the model it watches"
    )


class FailsAt(pl.Callback):
    """Raises an error when epoch ``at`` (Lightning's, from 0) starts: a bug in the user's
    code."""

    def __init__(self, at: int) -> None:
        self.at = at

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.current_epoch == self.at:
            raise RuntimeError("bug")


def test_the_event_after_an_error_says_how_to_restore_without_an_invented_variable() -> None:
    """It said `cb.monitor.restore_best()`, though the callback was made inline: no `cb`."""
    cb = NNGraphCallback(detectors=[], display=False)
    with pytest.raises(RuntimeError, match="bug"):
        fit(cb, max_epochs=8, callbacks=[FailsAt(4)])
    assert cb.monitor is not None and cb.monitor.best is not None
    (event,) = cb.monitor.events
    assert "cb." not in event.message
    assert "restore_best() on the callback's monitor (NNGraphCallback.monitor)" in event.message
