"""NNGraphCallback when something else ends the fit: Lightning's own ``EarlyStopping``, the
kernel's Stop button (a ``KeyboardInterrupt``) or an error."""

from __future__ import annotations

import signal
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from lightning.pytorch.callbacks import EarlyStopping  # noqa: E402

from nngraph.capture import NNGraphWarning  # noqa: E402
from nngraph.i18n import set_language  # noqa: E402
from nngraph.integrations.lightning import NNGraphCallback  # noqa: E402
from nngraph.monitor import Monitor, detectors  # noqa: E402
from tests.integrations._trainers import noise_loaders, quiet_trainer  # noqa: E402

Batch = tuple[torch.Tensor, torch.Tensor]
State = dict[str, torch.Tensor]


class Net(pl.LightningModule):
    """A network too big for its noisy labels: validation gets worse after a few epochs."""

    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1)
        )

    def step(self, batch: Batch) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.binary_cross_entropy_with_logits(self.net(x).squeeze(-1), y)

    def training_step(self, batch: Batch, _: int) -> torch.Tensor:
        loss = self.step(batch)
        self.log("train_loss", loss, on_step=False, on_epoch=True)
        return loss

    def validation_step(self, batch: Batch, _: int) -> None:
        self.log("val_loss", self.step(batch))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=0.05)


class Breaks(pl.Callback):
    """Keeps the weights of every epoch; raises ``error`` when epoch ``at`` starts (Lightning's
    numbers, from 0), or before its training batch ``batch``."""

    def __init__(
        self, at: int = 0, error: BaseException | None = None, batch: int | None = None
    ) -> None:
        self.at, self.error, self.batch = at, error, batch
        self.states: dict[int, State] = {}

    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self.error is not None and self.batch is None and trainer.current_epoch == self.at:
            raise self.error

    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, batch: Any, batch_idx: int
    ) -> None:
        if self.error is not None and (trainer.current_epoch, batch_idx) == (self.at, self.batch):
            raise self.error

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        state = pl_module.state_dict()
        self.states[trainer.current_epoch] = {k: v.clone() for k, v in state.items()}


class ClicksStop(pl.Callback):
    """Clicks the live view's Stop button (``monitor.request_stop()``, what the button does)
    during training batch ``batch`` of epoch ``at`` (Lightning's numbers, from 0)."""

    def __init__(self, cb: NNGraphCallback, at: int, batch: int = 1) -> None:
        self.cb, self.at, self.batch = cb, at, batch

    def on_train_batch_end(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, outputs: Any, batch: Any, i: int
    ) -> None:
        if (trainer.current_epoch, i) == (self.at, self.batch):
            monitor_of(self.cb).request_stop()


class LogsNothing(Net):
    """Returns its training loss without logging it, as a module may: an epoch without a
    validation logs nothing."""

    def training_step(self, batch: Batch, _: int) -> torch.Tensor:
        return self.step(batch)


def run(
    callbacks: list[Any], max_epochs: int = 40, model: Net | None = None, **options: Any
) -> tuple[pl.Trainer, Net]:
    """Fit ``model`` (a new ``Net``) on a new quiet trainer; ``options`` go to the trainer."""
    torch.manual_seed(0)
    model = Net() if model is None else model
    trainer = quiet_trainer(callbacks, max_epochs, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's "few workers" advice
        trainer.fit(model, *noise_loaders(32))
    return trainer, model


def fit(callbacks: list[Any], max_epochs: int = 40) -> Net:
    return run(callbacks, max_epochs)[1]


def same(state: State, other: State) -> bool:
    return all(torch.equal(state[k], v) for k, v in other.items())


def monitor_of(cb: NNGraphCallback) -> Monitor:
    assert cb.monitor is not None
    return cb.monitor


@pytest.fixture
def sigint() -> Iterator[None]:
    """Lightning ignores Ctrl+C after a KeyboardInterrupt: give the handler back."""
    handler = signal.getsignal(signal.SIGINT)
    yield
    signal.signal(signal.SIGINT, handler)


def test_a_stop_by_lightnings_early_stopping_is_told(capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing told the student that EarlyStopping, not nngraph, ended the fit."""
    cb, es = NNGraphCallback(detectors=[], display="text"), EarlyStopping("val_loss", patience=2)
    fit([cb, es])
    mon, epoch = monitor_of(cb), es.stopped_epoch  # Lightning's own number, as the monitor's
    assert epoch > 1 and mon.epoch == epoch
    (event,) = mon.events
    assert (event.detector, event.kind, event.stop) == ("EarlyStopping", "stop", True)
    said = f"Lightning's EarlyStopping (watching val_loss) stopped training at epoch {epoch}"
    assert event.message == said and event.epoch == epoch and mon.stop_event == event
    assert said in capsys.readouterr().out


def test_no_early_stopping_event_when_it_did_not_stop_this_fit() -> None:
    es = EarlyStopping("val_loss", patience=100)
    es.stopped_epoch = 7  # as an earlier fit left it: not this fit's stop
    cb = NNGraphCallback(detectors=[], display=False)
    fit([cb, es], max_epochs=3)
    assert monitor_of(cb).events == [] and not monitor_of(cb).should_stop


def test_the_same_early_stopping_stopping_each_fit_the_same_way_is_told_each_time() -> None:
    """One EarlyStopping made in an earlier cell, the fit cell run twice: its second stop, the
    same as the first (epoch, reason, message), was not told (sweep 30e, #3)."""
    cb = NNGraphCallback(detectors=[], display=False)
    es = EarlyStopping("val_loss", stopping_threshold=10.0)  # reached at the first validation
    for _ in range(2):  # a new model and a new trainer each time
        fit([cb, es])
        (event,) = monitor_of(cb).events  # each fit's own monitor (a new module)
        assert (event.detector, event.epoch, es.stopped_epoch) == ("EarlyStopping", 0, 0)


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_epoch_is_told_at_the_epoch_that_was_running(
    sigint: None, error: type[BaseException]
) -> None:
    """Stopped in Lightning's epoch 4 (its bar: "Epoch 4"), it said "epoch 3: training was
    interrupted", the last epoch logged (sweep 30e, #4)."""
    cb, breaks = NNGraphCallback(detectors=[], display=False), Breaks(4, error(), batch=1)
    with pytest.raises((SystemExit, RuntimeError)):
        fit([breaks, cb])
    mon = monitor_of(cb)
    assert mon.epoch == 3 and mon.best is not None  # epochs 0 to 3 were logged
    (event,) = mon.events
    assert event.epoch == 4 and str(event).startswith("epoch 4: training ")
    assert f"(epoch {mon.best.epoch})" in event.message  # the best epoch stays the best one


def test_the_stop_button_puts_the_best_weights_back_and_says_so(
    sigint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A KeyboardInterrupt (the kernel's Stop) left the weights of the interrupted epoch."""
    cb, breaks = NNGraphCallback(detectors=[], display="text"), Breaks(7, KeyboardInterrupt())
    with pytest.raises(SystemExit):  # how Lightning ends a fit after Ctrl+C
        fit([breaks, cb])
    mon = monitor_of(cb)
    assert mon.epoch == max(breaks.states) == 6  # epochs 0 to 6 ran, as Lightning numbers them
    assert mon.best is not None and mon.best.epoch < 6  # the last weights are not the best
    assert same(mon.model.state_dict(), breaks.states[mon.best.epoch])
    said = f"training was interrupted: the best weights (epoch {mon.best.epoch}) were put back"
    assert said in mon.events[-1].message and said in capsys.readouterr().out


def test_an_error_leaves_the_weights_to_look_into_and_says_how_to_restore() -> None:
    cb, breaks = NNGraphCallback(detectors=[], display=False), Breaks(7, RuntimeError("bug"))
    with pytest.raises(RuntimeError, match="bug"):
        fit([breaks, cb])
    mon = monitor_of(cb)
    assert mon.best is not None and same(mon.model.state_dict(), breaks.states[6])
    (event,) = mon.events
    said = f"restore_best() on the callback's monitor (NNGraphCallback.monitor) puts the best ones (epoch {mon.best.epoch}) back"
    assert said in str(event)


def test_restore_best_false_leaves_an_interrupted_fits_weights(sigint: None) -> None:
    cb = NNGraphCallback(detectors=[], display=False, restore_best=False)
    breaks = Breaks(7, KeyboardInterrupt())
    with pytest.raises(SystemExit):
        fit([breaks, cb])
    assert same(monitor_of(cb).model.state_dict(), breaks.states[6])
    assert monitor_of(cb).events == []


def test_the_early_stopping_event_is_in_polish_too() -> None:
    set_language("pl")  # tests/conftest.py sets English again
    cb, es = NNGraphCallback(detectors=[], display=False), EarlyStopping("val_loss", patience=2)
    fit([cb, es])
    said = "EarlyStopping z Lightning (obserwujący val_loss) zatrzymał trening w epoce"
    assert said in str(monitor_of(cb).events[0])


def test_a_stop_that_min_epochs_holds_back_is_said_once() -> None:
    """The text lines said "stop suggested by Patience(3) at epoch 3", and Trainer(min_epochs=8)
    trained on to epoch 7 without a word (sweep s32, l17)."""
    cb = NNGraphCallback(display=False, detectors=[detectors.Patience(2)])
    torch.manual_seed(0)
    trainer = quiet_trainer([cb], 30, min_epochs=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer.fit(Net(), *noise_loaders(32))
    mon = monitor_of(cb)
    (stop,) = [e for e in mon.events if e.detector == "Patience(2)"]
    notes = [e for e in mon.events if e.message_id == "monitor.lightning.min_epochs"]
    assert stop.epoch < 11 and trainer.current_epoch == 12  # Lightning ran its 12 epochs
    assert [(e.epoch, e.message) for e in notes] == [
        (
            stop.epoch,
            "Trainer(min_epochs=12) keeps Lightning training after this stop, up to epoch 11"
            " here; the best weights are still put back at the end of fit.",
        )
    ]


@pytest.mark.parametrize("stop", [True, False])
def test_the_stop_button_ends_the_fit_after_its_epoch_whatever_stop_says(stop: bool) -> None:
    """Sweep s45 lightning, finding 1: with NNGraphCallback(stop=False) (detectors do not stop
    training) a click on Stop was recorded, "stop requested" printed, and fit ran on to
    max_epochs."""
    cb = NNGraphCallback(detectors=[detectors.Patience(1)], stop=stop, display=False)
    trainer, _ = run([cb, ClicksStop(cb, at=6)], max_epochs=30)
    mon = monitor_of(cb)
    (fired, *_) = [e for e in mon.events if e.detector == "Patience(1)"]
    if stop:  # the detector stopped it before the click
        assert trainer.current_epoch == fired.epoch + 1 < 6 and not mon.stop_requested
    else:  # the detector's advice went by; the click ended the fit after its epoch
        assert fired.epoch < 6 and mon.stop_requested
        assert trainer.current_epoch == 7 and mon.epoch == 6  # epochs 0 to 6


@pytest.mark.parametrize("stop", [True, False])
def test_the_stop_button_ends_an_epoch_that_logs_nothing(stop: bool) -> None:
    """Sweep s45 lightning, finding 5: a module that logs no training metric, validated every
    5 epochs: a click in epoch 1 ended fit only after epoch 2, and the warning at the end said
    "nothing can stop training early", though the Stop button had stopped it."""
    cb = NNGraphCallback(detectors=[], stop=stop, display=False)
    trainer = quiet_trainer([cb, ClicksStop(cb, at=1)], 12, check_val_every_n_epoch=5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(LogsNothing(), *noise_loaders(32))
    assert trainer.current_epoch == 2  # epochs 0 and 1
    (warning,) = [str(w.message) for w in caught if w.category is NNGraphWarning]
    assert "no validation ran in this fit" in warning and "nothing can stop" not in warning
    assert "no detector can stop training early" in warning


@pytest.mark.parametrize("display", [False, "text"])
def test_the_stop_button_is_dated_at_the_epoch_it_was_clicked_in(
    display: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sweep s45 lightning, finding 4: a click during Lightning's epoch 4 (its bar: "Epoch 4")
    said "stop requested at epoch 3", the last epoch logged; epoch 4 then trained to its end
    (and may be the best epoch put back)."""
    cb = NNGraphCallback(detectors=[], display=display)
    run([cb, ClicksStop(cb, at=4)])
    mon = monitor_of(cb)
    stop = mon.stop_event
    assert stop is not None and mon.epoch == 4  # epochs 0 to 4 ran
    assert (stop.detector, stop.epoch, stop.step) == ("user", 4, 4.0)
    assert str(stop) == "epoch 4: stop requested at epoch 4"
    if display == "text":
        assert "stop requested at epoch 4" in capsys.readouterr().out
    mon.resume()
    assert mon.request_stop().epoch == 4  # after fit: at the last epoch logged, as before


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_an_interrupt_in_the_first_epoch_of_a_second_fit_is_handled_as_documented(
    sigint: None, error: type[BaseException]
) -> None:
    """Sweep s45 lightning, finding 2: the training cell run again and interrupted in its first
    epoch: the model kept the weights the new optimizer had half changed, with no word (and an
    error there did not say how to put the best ones back)."""
    cb, first = NNGraphCallback(detectors=[], display=False), Breaks()
    _, model = run([first, cb], max_epochs=10)
    mon = monitor_of(cb)
    best = mon.best
    assert best is not None and mon.epoch == 9
    with pytest.raises((SystemExit, RuntimeError)):  # after its first batch's step
        run([Breaks(0, error(), batch=1), cb], max_epochs=10, model=model)
    assert mon.best is best
    event = mon.events[-1]
    assert event.epoch == 10  # a new trainer's epoch 0: the monitor's 10
    if error is KeyboardInterrupt:
        assert same(model.state_dict(), first.states[best.epoch])
        said = f"training was interrupted: the best weights (epoch {best.epoch}) were put back"
    else:  # left to look into
        assert not same(model.state_dict(), first.states[best.epoch])
        said = f"(NNGraphCallback.monitor) puts the best ones (epoch {best.epoch}) back"
    assert said in event.message


def test_an_interrupt_before_a_second_fit_trains_leaves_its_weights_alone(sigint: None) -> None:
    """Ctrl+C in the sanity check of a second fit: training never started, nothing changed."""
    cb, first = NNGraphCallback(detectors=[], display=False), Breaks()
    _, model = run([first, cb], max_epochs=10)
    events = list(monitor_of(cb).events)

    class InSanityCheck(pl.Callback):
        def on_validation_start(self, *_: Any) -> None:
            raise KeyboardInterrupt

    with pytest.raises(SystemExit):
        run([InSanityCheck(), cb], max_epochs=10, model=model, num_sanity_val_steps=1)
    assert monitor_of(cb).events == events
