"""NNGraphCallback with its own monitor: one module, one run. A second ``fit`` of the same
module (the training cell run again) goes on with the run it has, numbering its epochs on and
keeping its best; a fit of a new module starts a new run (``test_lightning.py``)."""

from __future__ import annotations

import warnings

import pytest
import torch

pl = pytest.importorskip("lightning.pytorch")

from nngraph.capture import NNGraphWarning  # noqa: E402
from nngraph.i18n import set_language  # noqa: E402
from nngraph.integrations.lightning import NNGraphCallback  # noqa: E402
from nngraph.monitor import Monitor, detectors  # noqa: E402
from tests.integrations.test_lightning import Net, fit, loaders  # noqa: E402

State = dict[str, torch.Tensor]


def same(state: State, other: State) -> bool:
    return all(torch.equal(state[k], v) for k, v in other.items())


def monitor_of(cb: NNGraphCallback) -> Monitor:
    assert cb.monitor is not None
    return cb.monitor


def test_the_same_module_fitted_again_on_the_same_trainer_goes_on_with_its_run() -> None:
    # the teacher's sweep: Patience stops the fit and its best weights are put back; the cell
    # with trainer.fit runs again and Lightning trains the same module on
    cb = NNGraphCallback(detectors=[detectors.Patience(2)], display=False)
    trainer, model, recorder = fit(cb, max_epochs=40)
    mon = monitor_of(cb)
    stopped_at, best, events = mon.epoch, mon.best, mon.events
    assert mon.should_stop and stopped_at < 40 and best is not None and best.epoch < stopped_at
    model.lr = 10.0  # the second fit blows up: never better than the first fit's best
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer.fit(model, *loaders())
    # the same run: not stopped at once by the first fit's stop, Patience waits 2 epochs again
    # Lightning's numbers go on too: its epochs stopped_at + 1 and + 2, as its bar says
    assert cb.monitor is mon and trainer.current_epoch - 1 == mon.epoch == stopped_at + 2
    epochs = [float(e) for e in range(stopped_at + 3)]
    assert mon.history("loss")[0].tolist() == mon.history("val_loss")[0].tolist() == epochs
    assert mon.events[: len(events)] == events and mon.best is best
    # the whole run's best is put back, not the blown-up continuation's
    assert same(model.state_dict(), recorder.states[best.epoch])
    assert [w for w in caught if w.category is NNGraphWarning] == []


def test_the_same_module_fitted_again_on_a_new_trainer_numbers_its_epochs_on() -> None:
    cb = NNGraphCallback(detectors=[], display=False)
    _, model, first = fit(cb, max_epochs=8)
    mon = monitor_of(cb)
    best = mon.best
    assert best is not None and best.epoch < 7
    model.lr = 10.0  # never better than the first fit's best
    trainer, again, second = fit(cb, max_epochs=3, model=model)
    assert again is model and cb.monitor is mon and trainer.current_epoch == 3
    # epochs 0 to 7, then 8 to 10: the new trainer's bar says 0 to 2, the monitor cannot go back
    assert mon.history("val_loss")[0].tolist() == [float(e) for e in range(11)]
    assert mon.best is best and same(model.state_dict(), first.states[best.epoch])
    assert second.warnings == []


def test_a_continued_run_that_beats_its_best_gets_the_new_best_back() -> None:
    torch.manual_seed(0)
    model = Net()
    last = model.net[-1]
    assert isinstance(last, torch.nn.Linear)
    torch.nn.init.constant_(last.bias, 5.0)  # predicts 1 for every point: the loss falls a while
    cb = NNGraphCallback(detectors=[], display=False)
    fit(cb, max_epochs=2, model=model)
    mon = monitor_of(cb)
    first_best = mon.best
    assert first_best is not None and first_best.epoch == 1
    _, _, second = fit(cb, max_epochs=8, model=model)  # falls further, then rises again
    best = mon.best
    assert cb.monitor is mon and mon.epoch == 9
    assert best is not None and 1 < best.epoch < 9 and best.value < first_best.value
    assert same(model.state_dict(), second.states[best.epoch - 2])  # its epochs 0-7 are 2-9


def test_a_second_fit_that_validates_nothing_keeps_its_weights_and_says_so() -> None:
    """Sweep s45 lightning, finding 3: three more epochs validated every 5 epochs warned that
    "nothing can ... restore the best weights", then put the first fit's best back, throwing
    the three epochs away without a word."""
    cb = NNGraphCallback(detectors=[], display=False)
    _, model, first = fit(cb, max_epochs=8)
    mon = monitor_of(cb)
    best = mon.best
    assert best is not None and best.epoch < 7  # put back when the first fit ended
    _, _, second = fit(cb, max_epochs=3, model=model, check_val_every_n_epoch=5)
    assert mon.best is best and mon.epoch == 10  # its epochs 8 to 10: nothing judged them
    assert same(model.state_dict(), second.states[2])  # the weights it trained are kept
    (warning,) = second.warnings
    assert "no validation ran in this fit" in warning
    assert "no best weights are put back" in warning
    event = mon.events[-1]
    assert event.epoch == 10 and event.message == (
        "the watched metric val_loss did not come in this fit, so nothing judged the weights it"
        f" trained: they are kept, and the best weights of an earlier fit (epoch {best.epoch})"
        " were not put back over them; restore_best() on the callback's monitor"
        " (NNGraphCallback.monitor) puts those back."
    )
    mon.restore_best(model)  # as it says
    assert same(model.state_dict(), first.states[best.epoch])


def test_a_second_fit_that_validates_gets_the_best_back_with_no_such_event() -> None:
    cb = NNGraphCallback(detectors=[], display=False)
    _, model, first = fit(cb, max_epochs=8)
    mon = monitor_of(cb)
    best = mon.best
    model.lr = 10.0  # never better than the first fit's best
    _, _, second = fit(cb, max_epochs=6, model=model, check_val_every_n_epoch=5)
    assert mon.best is best and same(model.state_dict(), first.states[best.epoch])
    assert all(e.message_id != "monitor.lightning.earlier_best_kept" for e in mon.events)
    assert second.warnings == []


def test_the_kept_weights_event_is_in_polish_too() -> None:
    set_language("pl")  # tests/conftest.py sets English again
    cb = NNGraphCallback(detectors=[], display=False)
    _, model, _ = fit(cb, max_epochs=3)
    fit(cb, max_epochs=1, model=model, check_val_every_n_epoch=5)
    said = "obserwowana metryka val_loss nie nadeszła w tym wywołaniu fit"
    assert str(monitor_of(cb).events[-1]).startswith(f"epoka 3: {said}")


class FakeView:
    """A live view in a notebook (simulated): the cells it was shown below."""

    def __init__(self, cells: list[int], cell: list[int], comm: object | None) -> None:
        self.cells, self.cell, self.comm = cells, cell, comm
        self.show()

    def show(self) -> None:
        self.cells.append(self.cell[0])


@pytest.mark.parametrize("comm", [object(), None], ids=["widget", "widget_gone"])
def test_a_fit_cell_run_again_shows_the_continued_runs_view_in_that_cell(
    comm: object | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sweep 20b §3: running the fit cell again clears its output, the first fit's view; the
    second fit went on with that monitor but showed no curves and no text at all."""
    from nngraph.monitor import _display

    shown: list[int] = []
    cell = [1]
    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    monkeypatch.setattr(_display, "attach_view", lambda source: FakeView(shown, cell, comm))
    cb = NNGraphCallback(detectors=[])
    _, model, _ = fit(cb, max_epochs=2)
    mon = monitor_of(cb)
    assert shown == [1]
    cell[0] = 2  # the same cell run again
    fit(cb, max_epochs=2, model=model)
    assert cb.monitor is mon and mon.epoch == 3  # 0, 1, then 2, 3
    assert shown == [1, 2]  # once below the running cell: the same view, or a new one
    assert (mon.view.comm is comm) and isinstance(mon.view, FakeView)


def test_a_fit_that_shows_text_or_feeds_a_given_monitor_shows_no_view_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A given monitor's view stays in the cell that made it; text lines print where fit runs."""
    from nngraph.monitor import _display

    shown: list[int] = []
    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    monkeypatch.setattr(_display, "attach_view", lambda source: FakeView(shown, [0], object()))
    given = Monitor(detectors=[])
    assert shown == [0]
    for cb in (NNGraphCallback(given), NNGraphCallback(detectors=[], display="text")):
        _, model, _ = fit(cb, max_epochs=1)
        fit(cb, max_epochs=1, model=model)
    assert shown == [0]
