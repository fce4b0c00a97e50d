"""NNGraphCallback and how Lightning counts: per-step training metrics, several validations per
epoch (``val_check_interval``), and resuming from a checkpoint (``ckpt_path``)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from nngraph.capture import NNGraphWarning  # noqa: E402
from nngraph.i18n import set_language  # noqa: E402
from nngraph.integrations import _lightning_steps as lightning_steps  # noqa: E402
from nngraph.integrations.lightning import NNGraphCallback  # noqa: E402
from nngraph.monitor import Monitor, detectors  # noqa: E402
from tests.integrations._trainers import noise_loaders, quiet_trainer  # noqa: E402

Batch = tuple[torch.Tensor, torch.Tensor]


class Net(pl.LightningModule):
    """A network too big for its noisy labels; logs its training loss as ``log_options`` say."""

    def __init__(self, **log_options: Any) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 1)
        )
        self.log_options = log_options or {"on_step": False, "on_epoch": True}
        self.batch_losses: list[list[float]] = []  # per epoch

    def step(self, batch: Batch) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.binary_cross_entropy_with_logits(self.net(x).squeeze(-1), y)

    def on_train_epoch_start(self) -> None:
        self.batch_losses.append([])

    def training_step(self, batch: Batch, _: int) -> torch.Tensor:
        loss = self.step(batch)
        self.log("train_loss", loss, **self.log_options)
        self.batch_losses[-1].append(loss.item())
        return loss

    def validation_step(self, batch: Batch, _: int) -> None:
        self.log("val_loss", self.step(batch))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.parameters(), lr=0.05)


class Validations(pl.Callback):
    """Every validation Lightning ran in fit: its value and the exact weights it validated."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.states: list[dict[str, torch.Tensor]] = []

    def on_validation_end(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if trainer.sanity_checking or trainer.state.fn != "fit":
            return
        self.values.append(float(trainer.callback_metrics["val_loss"]))
        self.states.append({k: v.clone() for k, v in pl_module.state_dict().items()})


def trainer(callbacks: list[Any], max_epochs: int, **options: Any) -> pl.Trainer:
    return quiet_trainer(callbacks, max_epochs, **{"num_sanity_val_steps": 1, **options})


def fit(t: pl.Trainer, model: Net, n_train: int = 64, **options: Any) -> list[str]:
    """``t.fit``; returns nngraph's warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # and Lightning's "few workers" advice is dropped
        t.fit(model, *noise_loaders(n_train), **options)
    return [str(w.message) for w in caught if w.category is NNGraphWarning]


def same(state: dict[str, torch.Tensor], other: dict[str, torch.Tensor]) -> bool:
    return all(torch.equal(state[k], v) for k, v in other.items())


# ---------------------------------------------------------------- bug 1: per-step training loss
def test_a_training_loss_logged_per_step_only_is_shown_as_the_epochs_mean() -> None:
    torch.manual_seed(0)
    model, cb = Net(on_step=True, on_epoch=False), NNGraphCallback(display=False)
    assert fit(trainer([cb], max_epochs=3), model) == []  # Lightning's default in training_step
    assert cb.monitor is not None
    epochs, shown = cb.monitor.history("loss")
    assert epochs.tolist() == [0.0, 1.0, 2.0]  # Lightning's epochs
    means = [sum(losses) / len(losses) for losses in model.batch_losses]
    assert shown.tolist() == pytest.approx(means, rel=1e-6)  # not each epoch's last batch
    assert shown.tolist() != pytest.approx([losses[-1] for losses in model.batch_losses])


@pytest.mark.parametrize("on_step", [False, True])
def test_a_training_loss_logged_per_epoch_is_lightnings_epoch_value(on_step: bool) -> None:
    """``on_epoch=True``, with or without ``on_step=True``: Lightning's own epoch value."""
    torch.manual_seed(0)
    model, cb = Net(on_step=on_step, on_epoch=True), NNGraphCallback(display=False)
    t = trainer([cb], max_epochs=2)
    fit(t, model)
    assert cb.monitor is not None
    key = "train_loss_epoch" if on_step else "train_loss"
    assert cb.monitor.history("loss")[1][-1] == pytest.approx(float(t.callback_metrics[key]))


# ------------------------------------------------- bug 2: several validations in one epoch
@pytest.mark.parametrize("loop_says", [True, False], ids=["loop says", "loop cannot say"])
def test_every_validation_is_logged_and_the_best_ones_weights_are_restored(
    loop_says: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validation every 3 batches, across epochs of 4 batches: at 3/4 of epoch 0, at 1/2 of
    epoch 1, ... (Lightning's numbers; a fraction is rounded up to its epoch, so epoch 0 spans
    the steps after -1 up to 0); the best may come in the middle of an epoch. Where Lightning's loop cannot
    say whether the epoch goes on, a validation is logged before the next batch trains."""
    if not loop_says:
        monkeypatch.setattr(lightning_steps, "mid_epoch", lambda trainer: False)
    torch.manual_seed(0)
    model, seen, cb = Net(), Validations(), NNGraphCallback(detectors=[], display=False)
    t = trainer([seen, cb], max_epochs=4, val_check_interval=3, check_val_every_n_epoch=None)
    fit(t, model)
    mon = cb.monitor
    assert mon is not None and mon.best is not None and len(seen.values) == 5
    steps, values = mon.history("val_loss")
    assert steps.tolist() == [-0.25, 0.5, 1.25, 2.0, 2.75]
    assert values.tolist() == pytest.approx(seen.values)
    assert mon.history("loss")[0].tolist() == [0.0, 1.0, 2.0, 3.0]  # training: per epoch
    best = min(range(5), key=seen.values.__getitem__)
    assert mon.best.value == pytest.approx(seen.values[best])
    assert mon.best.epoch == int(-(-steps[best] // 1))  # a fraction of an epoch: rounded up
    assert same(model.state_dict(), seen.states[best])  # the weights that were validated


class _LogsSomeValidations(Net):
    """Validates every epoch, but logs `val_loss` (a fixed value) only where told to."""

    def __init__(self, logged: dict[int, float]) -> None:
        super().__init__()
        self.logged = logged

    def validation_step(self, batch: Batch, _: int) -> None:
        if self.current_epoch in self.logged:
            self.log("val_loss", self.logged[self.current_epoch])


@pytest.mark.parametrize(
    "logged",
    [{0: 1.0, 2: 0.5, 4: 0.7}, {e: 0.5 for e in range(5)}],
    ids=["every-other-epoch", "the-same-value-each-epoch"],
)
def test_a_validation_that_logs_nothing_is_no_point(logged: dict[int, float]) -> None:
    """Sweep L: Lightning keeps an earlier validation's `val_loss` in `callback_metrics`; a
    validation that did not log it was recorded again with that value (Patience counted it)."""
    torch.manual_seed(0)
    cb = NNGraphCallback(detectors=[], display=False)
    fit(trainer([cb], max_epochs=5, num_sanity_val_steps=0), _LogsSomeValidations(logged))
    assert cb.monitor is not None
    steps, values = cb.monitor.history("val_loss")
    assert steps.tolist() == list(logged) and values.tolist() == pytest.approx(
        list(logged.values())
    )


def test_two_validations_per_epoch_keep_the_epoch_end_one_with_the_training_loss() -> None:
    torch.manual_seed(0)
    model, seen = Net(), Validations()
    cb = NNGraphCallback(detectors=[], display=False, restore_best=False)
    fit(trainer([seen, cb], max_epochs=3, val_check_interval=0.5), model)
    mon = cb.monitor
    assert mon is not None
    assert mon.history("val_loss")[0].tolist() == [-0.5, 0.0, 0.5, 1.0, 1.5, 2.0]
    assert mon.history("val_loss")[1].tolist() == pytest.approx(seen.values)
    rows = [row for row in mon.records() if "loss" in row]  # with the epoch-end validation
    assert [(row["step"], "val_loss" in row) for row in rows] == [(e, True) for e in (0, 1, 2)]


def test_a_stop_at_a_validation_in_the_middle_of_an_epoch_trains_no_further_batch() -> None:
    torch.manual_seed(0)
    model, seen = Net(), Validations()
    cb = NNGraphCallback(detectors=[detectors.Patience(1)], display=False)
    t = trainer([seen, cb], max_epochs=20, val_check_interval=0.5)
    fit(t, model, n_train=128)  # 8 batches: validation after batches 4 and 8
    mon = cb.monitor
    assert mon is not None and mon.should_stop and mon.best is not None
    stop = mon.stop_event
    assert stop is not None and stop.step % 1 == 0.5  # stopped mid-epoch
    assert len(seen.values) == len(mon.history("val_loss")[1])  # no validation after it
    assert t.global_step == (stop.step + 1) * 8  # no batch after it either (epoch 0 ends at 0)
    best = min(range(len(seen.values)), key=seen.values.__getitem__)
    assert same(model.state_dict(), seen.states[best])


def test_validating_after_fit_leaves_the_monitor_as_it_was() -> None:
    torch.manual_seed(0)
    model, cb = Net(), NNGraphCallback(display=False)
    t = trainer([cb], max_epochs=2, val_check_interval=0.5)
    fit(t, model)
    assert cb.monitor is not None
    before = cb.monitor.history("val_loss")[0].tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's advice on workers
        t.validate(model, noise_loaders()[1], verbose=False)
    assert cb.monitor.history("val_loss")[0].tolist() == before == [-0.5, 0.0, 0.5, 1.0]


# ------------------------- training data without a length (an IterableDataset; sweep 30e, #2)
class Stream(torch.utils.data.IterableDataset):
    """Batches of 16 noisy examples with no ``__len__``: endless, or ``batches`` of them."""

    def __init__(self, batches: int | None = None) -> None:
        self.batches = batches

    def __iter__(self) -> Iterator[Batch]:
        g, done = torch.Generator().manual_seed(0), 0
        while self.batches is None or done < self.batches:
            done += 1
            yield torch.randn(16, 2, generator=g), (torch.rand(16, generator=g) < 0.5).float()


def fit_stream(t: pl.Trainer, model: Net, stream: Stream) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Lightning's "few workers" advice
        t.fit(model, torch.utils.data.DataLoader(stream, batch_size=None), noise_loaders()[1])


def test_validations_of_an_endless_stream_are_numbered_by_the_batches_trained() -> None:
    """Every validation of the one endless epoch was logged at 0 ("epoch 0"), one x for all."""
    torch.manual_seed(0)
    model, seen, cb = Net(), Validations(), NNGraphCallback(detectors=[], display=False)
    options = {"max_steps": 12, "val_check_interval": 4, "check_val_every_n_epoch": None}
    t = trainer([seen, cb], max_epochs=-1, **options)  # Lightning's epoch 0: 12 batches
    fit_stream(t, model, Stream())
    mon = cb.monitor
    assert mon is not None and mon.best is not None and t.current_epoch == 1
    steps, values = mon.history("val_loss")
    assert steps.tolist() == [4.0, 8.0, 12.0] and values.tolist() == pytest.approx(seen.values)
    assert mon.history("loss")[0].tolist() == [12.0]  # the epoch's end: 12 batches
    best = min(range(3), key=seen.values.__getitem__)
    assert mon.best.epoch == 4 * (best + 1)
    assert same(model.state_dict(), seen.states[best])  # the weights that were validated
    (note,) = mon.events
    assert note.message_id == "monitor.lightning.by_batches" and note.epoch == 4
    assert "epoch 4 here is the point after 4 batches" in note.message


def test_a_stream_of_several_epochs_numbers_its_points_on_across_them() -> None:
    torch.manual_seed(0)
    model, seen, cb = Net(), Validations(), NNGraphCallback(detectors=[], display=False)
    t = trainer([seen, cb], max_epochs=2, val_check_interval=3, check_val_every_n_epoch=None)
    fit_stream(t, model, Stream(batches=5))  # epochs of 5 batches: validation at 3, 6 and 9
    mon = cb.monitor
    assert mon is not None
    assert mon.history("val_loss")[0].tolist() == [3.0, 6.0, 9.0]
    assert mon.history("val_loss")[1].tolist() == pytest.approx(seen.values)
    assert mon.history("loss")[0].tolist() == [5.0, 10.0]


class ScriptedNet(Net):
    """Trains as ``Net`` does; its k-th validation logs ``values[k]`` as ``val_loss``."""

    def __init__(self, values: list[float]) -> None:
        super().__init__()
        self.values, self.done = values, 0

    def validation_step(self, batch: Batch, _: int) -> None:
        pass

    def on_validation_epoch_end(self) -> None:
        if not self.trainer.sanity_checking:
            self.log("val_loss", self.values[min(self.done, len(self.values) - 1)])
            self.done += 1


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "has not improved for 8 batches (best 3 at epoch 12)"),
        ("pl", "nie poprawia się już 8 partii z rzędu (najlepsza wartość 3 w epoce 12)"),
    ],
)
def test_a_stop_in_a_stream_numbered_by_batches_counts_batches_not_epochs(
    language: str, said: str
) -> None:
    """Patience(2) said "has not improved for 8 epochs": 2 validations, 8 batches (sweep re,
    #2). A span between two of the monitor's points is said in what they count."""
    set_language(language)  # tests/conftest.py sets English again
    cb = NNGraphCallback(detectors=[detectors.Patience(2)], display=False)
    options = {"max_steps": 40, "val_check_interval": 4, "check_val_every_n_epoch": None}
    t = trainer([cb], max_epochs=-1, **options)
    fit_stream(t, ScriptedNet([5, 4, 3, 3.1, 3.2, 3.3]), Stream())  # best at 12, stop at 20
    stop = cb.monitor.stop_event if cb.monitor is not None else None
    assert stop is not None and stop.epoch == 20 and said in stop.message
    assert t.global_step == 20


def test_detectors_say_their_spans_in_batches_where_the_points_count_batches() -> None:
    """GL's training trend, UP's strips and Gap's run, with points every 10 batches; the
    monitor's next fit by epochs says epochs again."""
    found = [detectors.GL(5), detectors.UP(2, 2), detectors.Gap(), detectors.Patience(5)]
    mon = Monitor(detectors=found, display=False)
    lightning_steps.spans_in_batches(mon, True)
    for point, val in enumerate([3, 2.5, 2.2, 2.1, 2.3, 2.6, 2.9, 3.3], 1):
        mon.log(epoch=10 * point, loss=2 / point, val_loss=val)
    said = {e.detector: e.message for e in mon.events}
    assert "(0.4 in the last 10 batches, down from 0.5 in epoch 40)" in said["GL(5)"]
    assert "rose at the end of 2 successive strips of 20 batches" in said["UP(2, 2)"]
    assert "have been more than 100% apart for 50 batches" in said["Gap(1)"]
    lightning_steps.spans_in_batches(mon, False)
    mon.log(epoch=81, loss=0.2, val_loss=3.5)
    (patience,) = [e for e in mon.events if e.detector == "Patience(5)"]
    assert "has not improved for 41 epochs" in patience.message  # from the best at 40


# --------------------------------------------------------- bug 3: resuming from a checkpoint
def first_fit(cb: NNGraphCallback, path: Path) -> Net:
    """Three epochs (Lightning's 0 to 2), saved in ``path / "last.ckpt"``."""
    torch.manual_seed(0)
    model = Net()
    saver = pl.callbacks.ModelCheckpoint(dirpath=path, save_last=True)
    fit(trainer([cb, saver], max_epochs=3, enable_checkpointing=True), model)
    return model


def test_a_given_monitor_resumed_from_a_checkpoint_counts_the_trainers_epochs(
    tmp_path: Path,
) -> None:
    mon = Monitor(detectors=[], display=False)
    cb = NNGraphCallback(mon, restore_best=False)
    model = first_fit(cb, tmp_path)
    # the monitor's last epoch is the one Lightning's checkpoint is named after
    (saved,) = [p.name for p in tmp_path.glob("epoch=*.ckpt")]
    assert saved.startswith(f"epoch={mon.epoch}-") and mon.epoch == 2
    t = trainer([cb], max_epochs=5)
    fit(t, model, ckpt_path=str(tmp_path / "last.ckpt"))  # Lightning's epochs 3 and 4
    assert mon.history("val_loss")[0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert mon.history("loss")[0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert mon.epoch == t.current_epoch - 1 == 4 and mon.epoch_count == 5


@pytest.mark.parametrize("module", ["new module", "same module"])
def test_a_given_monitor_resumed_into_a_module_keeps_the_run_and_its_best_weights(
    tmp_path: Path, module: str
) -> None:
    """`trainer.fit(Net(), ckpt_path=...)` with a new callback on the same monitor: the fit
    goes on exactly, yet it was said to start from the module's own weights (or from the best
    weights put back), and the best weights were not put back at its end (sweep 27, r2)."""
    mon = Monitor(detectors=[], display=False)
    first = first_fit(NNGraphCallback(mon), tmp_path)
    best_epoch = mon.best.epoch  # type: ignore[union-attr]
    torch.manual_seed(1)
    model = Net() if module == "new module" else first
    validations = Validations()
    t = trainer([NNGraphCallback(mon), validations], max_epochs=5)
    said = fit(t, model, ckpt_path=str(tmp_path / "last.ckpt"))
    assert said == [] and [e.message_id for e in mon.events] == []
    assert mon.model is model and mon.history("val_loss")[0].tolist() == [0, 1, 2, 3, 4]
    best = mon.best
    assert best is not None
    if best.epoch > 2:  # a best of the resumed epochs: its weights are the ones validated
        assert same(model.state_dict(), validations.states[best.epoch - 3])
    else:
        assert best.epoch == best_epoch and not same(model.state_dict(), validations.states[-1])


def test_its_own_monitor_resumed_from_a_checkpoint_counts_the_trainers_epochs(
    tmp_path: Path,
) -> None:
    cb = NNGraphCallback(detectors=[], display=False, restore_best=False)
    model = first_fit(cb, tmp_path)
    first = cb.monitor
    t = trainer([cb], max_epochs=5)
    fit(t, model, ckpt_path=str(tmp_path / "last.ckpt"))
    assert cb.monitor is not first and cb.monitor is not None  # a new run ...
    assert cb.monitor.history("val_loss")[0].tolist() == [3.0, 4.0]  # ... at the trainer's epochs
    assert cb.monitor.epoch_count == 5  # epochs 0 to 4 trained, 0 to 2 before the checkpoint
    # the same trainer fitted again on the same module (no checkpoint): that run goes on (it
    # was a new run from epoch 0 before: one module, one run now, see test_lightning_runs.py)
    resumed = cb.monitor
    t.fit_loop.max_epochs = 6
    fit(t, model)
    assert cb.monitor is resumed and resumed.history("val_loss")[0].tolist() == [3.0, 4.0, 5.0]
    assert resumed.epoch_count == 6


def test_resuming_a_checkpoint_with_nothing_left_to_train_keeps_the_last_run(
    tmp_path: Path,
) -> None:
    cb = NNGraphCallback(display=False)
    model = first_fit(cb, tmp_path)
    first = cb.monitor
    assert first is not None and first.best is not None
    best = first.best
    said = fit(trainer([cb], max_epochs=3), model, ckpt_path=str(tmp_path / "last.ckpt"))
    assert said == [] and cb.monitor is first and first.best is best and first.epoch == 2
