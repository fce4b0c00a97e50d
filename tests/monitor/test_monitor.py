"""Monitor: what a training loop relies on (log, best, should_stop, events, export, text)."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import warnings
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import torch

from nngraph import i18n
from nngraph.errors import NNGraphError
from nngraph.monitor import Monitor, _steps, detectors
from nngraph.monitor._held import flush_all


def quiet(**kwargs: object) -> Monitor:
    return Monitor(display=False, **kwargs)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- log() input


def test_log_accepts_numbers_numpy_and_tensors() -> None:
    mon = quiet()
    mon.log(
        1, loss=1, val_loss=np.float32(0.5), acc=torch.tensor(0.75), val_acc=torch.tensor([0.5])
    )
    assert mon.records() == [{"step": 1, "loss": 1.0, "val_loss": 0.5, "acc": 0.75, "val_acc": 0.5}]


def test_decimal_and_fraction_are_numbers_as_metrics_and_steps() -> None:
    """A Decimal was "not a number", though a Fraction was taken."""
    mon = quiet(detectors=[detectors.Patience(1)])
    mon.log(Decimal("1"), loss=Decimal("0.5"), val_loss=Fraction(3, 4))
    mon.log(epoch=Decimal("2"), loss=Fraction(1, 4), val_loss=Decimal("0.8"))
    assert mon.records() == [
        {"step": 1, "loss": 0.5, "val_loss": 0.75},
        {"step": 2, "loss": 0.25, "val_loss": 0.8},
    ]
    assert mon.stop_event is not None and mon.best.epoch == 1  # type: ignore[union-attr]
    mon.log(3, loss=Decimal("NaN"))
    assert math.isnan(mon.history("loss")[1][-1])
    with pytest.raises(NNGraphError, match="step must be a finite number"):
        mon.log(Decimal("Infinity"), loss=0.5)
    assert detectors.Patience(2).update(Decimal("1.5"), val_loss=Decimal("0.3")) is None


def test_log_moves_several_tensors_to_the_host_exactly() -> None:
    mon = quiet()
    a, b = torch.tensor(0.1, dtype=torch.float64), torch.tensor(1 / 3)
    mon.log(1, loss=a, val_loss=b)
    rec = mon.records()[0]
    assert rec["loss"] == 0.1 and rec["val_loss"] == b.item()


def test_several_one_element_sparse_tensors_are_logged_like_dense_ones() -> None:
    """Two of them in one call raised PyTorch's 'reshape is not implemented for sparse
    tensors'; one alone was taken (sweep s34 C)."""
    mon = Monitor(display=False)
    mon.log(1, loss=torch.tensor([0.5]).to_sparse(), val_loss=torch.tensor([0.25]).to_sparse())
    assert mon.history("loss")[1].tolist() == [0.5]
    assert mon.history("val_loss")[1].tolist() == [0.25]


def test_a_one_element_numpy_array_is_logged_like_a_one_element_tensor() -> None:
    mon = quiet()
    mon.log(1, loss=np.array([0.5]), val_loss=np.array([[0.25]], dtype=np.float32))
    mon.log(2, loss=torch.tensor([0.5]), val_loss=np.array(0.125))
    assert mon.history("loss")[1].tolist() == [0.5, 0.5]
    assert mon.history("val_loss")[1].tolist() == [0.25, 0.125]
    for bad in (np.array([0.5, 0.25]), np.array([]), np.array(["0.5"]), np.array([1j])):
        with pytest.raises(NNGraphError, match="loss"):
            mon.log(3, loss=bad)
    assert mon.epoch == 2


@pytest.mark.parametrize("bad", ["0.5", None, [0.5], torch.ones(3), {"a": 1}])
def test_a_metric_that_is_not_a_number_is_a_clear_error(bad: object) -> None:
    with pytest.raises(NNGraphError, match="loss"):
        quiet().log(1, loss=bad)


@pytest.mark.parametrize(
    "metrics",
    [
        {"loss": torch.tensor(1 + 2j)},
        {"loss": torch.tensor([1j])},
        {"loss": torch.tensor(1j), "val_loss": torch.tensor(0.5)},
    ],
)
def test_a_complex_tensor_is_a_clear_error_and_nothing_is_logged(metrics: dict) -> None:
    mon = quiet()
    with pytest.raises(NNGraphError, match=r"complex tensor.*loss=z\.abs\(\)"):
        mon.log(1, **metrics)
    assert mon.epoch == 0 and mon.metrics == []
    with pytest.raises(NNGraphError, match="complex tensor"):
        detectors.GL(5).update(1, val_loss=torch.tensor(1j))


@pytest.mark.parametrize("flag", [True, np.bool_(True), np.array([False]), torch.tensor(True)])
def test_a_bool_of_any_kind_is_refused_as_python_s_is(flag: object) -> None:
    """`True` was refused while numpy's and torch's bools were logged as 1.0 (sweep Z)."""
    mon = quiet()
    with pytest.raises(NNGraphError, match=r"done=.* is not a number"):
        mon.log(1, loss=0.5, done=flag)
    assert mon.metrics == []


def test_an_int_too_large_for_a_float_is_an_infinity_and_diverges() -> None:
    mon = quiet()
    mon.log(1, loss=10**400)
    mon.log(2, loss=-(10**400))
    assert mon.history("loss")[1].tolist() == [math.inf, -math.inf]
    assert mon.events[0].message_id == "divergence.nonfinite"


@pytest.mark.parametrize("step", [math.nan, math.inf, "3", torch.tensor(math.nan), 10**400])
def test_a_non_finite_or_non_numeric_step_is_a_clear_error(step: object) -> None:
    with pytest.raises(NNGraphError, match="step"):
        quiet().log(step, loss=0.5)  # type: ignore[arg-type]


def test_log_needs_a_metric() -> None:
    with pytest.raises(NNGraphError, match="at least one metric"):
        quiet().log(1)


def test_steps_default_to_counting_from_one() -> None:
    mon = quiet()
    for v in (0.9, 0.8, 0.7):
        mon.log(loss=v)
    assert mon.history("loss")[0].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("key", ["step", "epoch"])
def test_the_step_may_be_given_by_name(key: str) -> None:
    mon = quiet()
    for step in (10, 20):
        mon.log(**{key: step, "loss": 1 / step})
    assert mon.metrics == ["loss"]
    assert mon.records() == [{"step": 10, "loss": 0.1}, {"step": 20, "loss": 0.05}]
    assert mon.to_csv().splitlines()[0] == "step,loss"


@pytest.mark.parametrize(
    ("args", "kwargs"), [((3,), {"step": 3}), ((), {"step": 3, "epoch": 1}), ((3,), {"epoch": 3})]
)
def test_a_step_given_twice_is_a_clear_error(args: tuple, kwargs: dict) -> None:
    mon = quiet()
    with pytest.raises(NNGraphError, match="more than once"):
        mon.log(*args, loss=0.5, **kwargs)
    assert mon.epoch == 0 and mon.metrics == []


def test_a_named_step_alone_is_not_a_metric() -> None:
    with pytest.raises(NNGraphError, match="at least one metric"):
        quiet().log(step=3)


def increasing(steps: list[float]) -> bool:
    return all(a <= b for a, b in itertools.pairwise(steps))


def test_a_training_cell_run_again_goes_on_from_the_last_step_with_one_warning() -> None:
    mon = quiet()  # made in an earlier cell; the training cell is then run twice
    got: list = []
    mon.add_listener(got.append)
    with pytest.warns(UserWarning, match="step 1 comes after step 10") as caught:
        for run in range(2):
            for epoch in range(1, 11):
                v = 1 / (epoch + 10 * run)
                mon.log(epoch, loss=v, val_loss=v + 0.01)
    mon.flush()
    said = [str(w.message) for w in caught if "comes after" in str(w.message)]
    assert len(said) == 1
    assert "drawn at step 11" in said[0] and "training cell again" in said[0]
    assert "epoch * len(loader) + i" in said[0] and "ng.Monitor()" in said[0]
    assert [r["step"] for r in mon.records()] == list(range(1, 21))
    assert mon.best is not None and (mon.best.step, mon.best.epoch) == (20, 20)
    assert "at epoch 20 (step 20)" in mon.summary()
    assert mon.snapshot()["metrics"]["loss"]["step"] == list(range(1, 21))
    sent = [s for u in got for s in u.points.get("loss", ([], []))[0]]
    assert sent == list(range(1, 21))


def test_a_training_cell_run_again_after_one_epoch_goes_on_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The loop stopped with Ctrl+C in its second epoch and run again in a new cell: its epoch
    1 landed on the old run's step 1, was taken for a second validation batch and dropped
    (sweep s32, r1b). Logging each batch at the epoch's step, in one cell, stays what it was:
    values at one step (regression sweep s32, 1), as does a final evaluation at the last epoch
    in another cell (2) and a NaN row logged again (3)."""
    cell = [1]
    monkeypatch.setattr(_steps, "running_cell", lambda: cell[0])
    mon = quiet(detectors=[])
    mon.log(1, loss=0.9, val_loss=0.8)  # then Ctrl+C
    cell[0] = 2
    with pytest.warns(UserWarning, match="step 1 comes again, with new training and valid"):
        for epoch in range(1, 4):
            mon.log(epoch, loss=0.5 / epoch, val_loss=0.6 / epoch)
    assert mon.history("val_loss")[0].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert mon.epoch == 4 and mon.best is not None and mon.best.epoch == 4
    cell[0] = 3  # a final evaluation at the last epoch, in its own cell
    with pytest.warns(UserWarning, match="val_loss was logged for step 4 already"):
        mon.log(3, loss=0.3, val_loss=0.1)
    assert mon.epoch == 4 and mon.history("val_loss")[0].tolist()[-2:] == [4.0, 4.0]
    per_batch = quiet(detectors=[])  # each batch logged at its epoch's step, in one cell
    with pytest.warns(UserWarning, match="logged once per validation batch"):
        for epoch in range(1, 4):
            for batch in range(3):
                per_batch.log(epoch, loss=1 / (epoch + batch), val_loss=1.1 / (epoch + batch))
    assert per_batch.epoch == 3 and per_batch.history("val_loss")[0].tolist()[-1] == 3.0
    nan = quiet(detectors=[])
    nan.log(1, loss=math.nan, val_loss=math.nan)
    cell[0] = 4  # the cell run again, NaN again
    with pytest.warns(UserWarning, match="with the same value"):
        nan.log(1, loss=math.nan, val_loss=math.nan)
    assert nan.epoch == 1


def test_a_loop_continued_from_a_later_epoch_goes_on_right_after_the_last_step() -> None:
    mon = quiet()
    for epoch in range(1, 4):
        mon.log(epoch, loss=1 / epoch, val_loss=1.5 / epoch)
    with pytest.warns(UserWarning, match="step 2 comes after step 3, so it is drawn at step 4"):
        mon.log(2, loss=0.1, val_loss=0.2)  # the loop run again from epoch 2
    mon.log(3, loss=0.09, val_loss=0.19)
    assert mon.history("loss")[0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]  # no gap
    assert mon.epoch == 5 and "at epoch 5 (step 5)" in mon.summary()


def test_batch_indices_that_start_again_each_epoch_draw_one_curve_going_forward() -> None:
    mon = quiet(detectors=[])
    with pytest.warns(UserWarning, match="step 0 comes after step 3") as caught:
        for epoch in range(1, 4):
            for i in range(4):  # for i, batch in enumerate(loader)
                mon.log(i, loss=1 / (epoch * (i + 1)))
            mon.log(epoch=epoch, val_loss=1 / epoch)  # at the epoch's last batch
    assert len([w for w in caught if "comes after" in str(w.message)]) == 1
    assert mon.history("loss")[0].tolist() == list(range(12))
    assert mon.history("val_loss")[0].tolist() == [3.0, 7.0, 11.0]
    assert mon.epoch == 3 and mon.best is not None and (mon.best.epoch, mon.best.step) == (3, 11)
    assert increasing([r["step"] for r in mon.records()])
    assert mon.records()[3] == {"step": 3, "loss": 0.25, "val_loss": 1.0}


def test_steps_that_repeat_or_go_forward_are_kept_as_logged_without_a_warning() -> None:
    mon = quiet()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in (1, 2):
            for batch_loss in (0.9, 0.8):
                mon.log(epoch, loss=batch_loss)  # the epoch as every batch's step
            mon.log(epoch + 0.5, val_loss=0.5)
        mon.log(step=10, loss=0.1)
    assert mon.history("loss")[0].tolist() == [1.0, 1.0, 2.0, 2.0, 10.0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"model": "net"},
        {"detectors": ["GL"]},
        {"mode": "low"},
        {"display": "png"},
        {"distributed": "yes"},
        {"max_points": 10},
        {"max_points": "abc"},
        {"max_points": 100.0},
    ],
)
def test_bad_constructor_arguments_are_clear_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(NNGraphError):
        Monitor(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", " ", "val_", "train/"], ids=repr)
def test_log_refuses_a_metric_without_a_name_and_records_nothing(bad: str) -> None:
    """Such a name became a blank CSV column and an unnamed curve (sweep O, bug 8)."""
    mon = quiet()
    mon.log(1, loss=1.0)
    with pytest.raises(NNGraphError, match=rf"log\(\) got a metric named {bad!r}: .*loss=0\.5"):
        mon.log(2, loss=0.5, **{bad: 2.0})
    assert mon.metrics == ["loss"] and mon.to_csv().splitlines() == ["step,loss", "1,1.0"]


@pytest.mark.parametrize("bad", [" ", "val_"], ids=repr)
def test_a_monitor_on_a_metric_without_a_name_is_refused_too(bad: str) -> None:
    with pytest.raises(NNGraphError, match="metric must be the name of a logged metric"):
        quiet(metric=bad)


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"metric": ""}, "metric='val_loss'"),
        ({"metric": ["val_loss"]}, "metric='val_loss'"),
        ({"name": 5}, "name='lr=0.1'"),
        ({"print_interval": "x", "display": "text"}, "print_interval .*must be a number"),
        ({"flush_interval": "x"}, "flush_interval .*must be a number"),
        ({"print_interval": -1.0}, "print_interval .*zero or more"),
        ({"flush_interval": math.nan}, "flush_interval .*zero or more"),
    ],
)
def test_a_bad_metric_name_or_interval_is_refused_when_the_monitor_is_made(
    kwargs: dict[str, object], says: str
) -> None:
    with pytest.raises(NNGraphError, match=says):
        Monitor(**{"display": False, **kwargs})  # type: ignore[arg-type]


def test_a_single_detector_is_accepted_without_a_list() -> None:
    patience = detectors.Patience(5)
    assert quiet(detectors=patience).detectors == [patience]


@pytest.mark.parametrize("bad", ["Patience", 5, detectors.Patience])
def test_detectors_that_are_not_detectors_are_clear_errors(bad: object) -> None:
    with pytest.raises(NNGraphError, match="Detector objects"):
        quiet(detectors=bad)


def test_detectors_reused_in_a_new_monitor_start_fresh() -> None:
    """Re-running a training cell whose detector list was made in an earlier cell."""
    dets = [detectors.Patience(3), detectors.GL(5)]
    curve = [1.0, 0.8, 0.6, 0.65, 0.7, 0.75, 0.8]
    stories = []
    for _ in range(2):
        mon = quiet(detectors=dets)
        for epoch, v in enumerate(curve, 1):
            mon.log(epoch, loss=1 / epoch, val_loss=v)
            if mon.should_stop:
                break
        stories.append([(e.detector, e.epoch) for e in mon.events])
    assert stories[0] == stories[1] == [("GL(5)", 4)]


# ----------------------------------------------------------------------------- best, events, stop


def test_best_tracks_the_monitored_metric_with_its_epoch_and_all_metrics() -> None:
    mon = quiet()
    for t, (tr, va) in enumerate([(1.0, 0.9), (0.5, 0.4), (0.2, 0.6)], 1):
        mon.log(t * 10, loss=tr, val_loss=va)
    assert mon.best is not None
    assert (mon.best.step, mon.best.epoch, mon.best.value) == (20, 2, 0.4)
    assert mon.best.metrics == {"loss": 0.5, "val_loss": 0.4}


def test_best_in_max_mode_and_on_another_metric() -> None:
    mon = quiet(metric="val_acc", mode="max", detectors=[])
    for t, acc in enumerate([0.5, 0.9, 0.8], 1):
        mon.log(t, val_acc=acc)
    assert mon.best is not None and mon.best.value == 0.9


@pytest.mark.parametrize(
    ("metric", "mode", "bad"), [("val_loss", "min", -math.inf), ("val_acc", "max", math.inf)]
)
def test_an_infinite_metric_is_never_the_best_and_divergence_reports_it(
    metric: str, mode: str, bad: float
) -> None:
    divergence = detectors.Divergence()  # on the loss: an accuracy does not blow up
    mon = quiet(metric=metric, mode=mode, detectors=[divergence])
    for t, v in enumerate([0.5, bad, 0.5], 1):
        mon.log(t, **{metric: v, "loss": v if metric == "val_acc" else 1.0})
    assert mon.best is not None and (mon.best.epoch, mon.best.value) == (1, 0.5)
    # -inf beside a calm training loss of 1.0: the validation's doing (sweep s46, finding 9)
    said = "validation_not_finite" if metric == "val_loss" else "nonfinite"
    assert [e.message_id for e in mon.events] == [f"divergence.{said}"]


@pytest.mark.parametrize(
    ("metric", "mode"),
    [
        ("val_acc", "max"),
        ("val_accuracy", "max"),
        ("val_f1_score", "max"),
        ("val/auc", "max"),
        ("val_top5_acc", "max"),
        ("recall", "max"),
        ("val_loss", "min"),
        ("val_mse", "min"),
        ("val_error", "min"),
    ],
)
def test_mode_auto_maximises_accuracy_like_metrics(metric: str, mode: str) -> None:
    mon = quiet(metric=metric, detectors=[])
    for t, v in enumerate([0.5, 0.9, 0.7], 1):
        mon.log(t, **{metric: v})
    assert mon.mode == mode and mon.snapshot()["mode"] == mode
    assert mon.best is not None and mon.best.value == (0.9 if mode == "max" else 0.5)


def test_an_explicit_mode_wins_over_the_name() -> None:
    assert quiet(metric="val_acc", mode="min").mode == "min"


def test_should_stop_turns_true_at_the_call_where_a_detector_first_fires() -> None:
    mon = quiet(detectors=[detectors.Patience(2)])
    flags = []
    for t, v in enumerate([1.0, 0.9, 0.95, 0.97, 0.5], 1):
        mon.log(t, val_loss=v)
        flags.append(mon.should_stop)
    assert flags == [False, False, False, True, True]  # stays True
    assert mon.stop_event is not None and mon.stop_event.epoch == 4


def test_warnings_are_events_that_do_not_stop() -> None:
    mon = quiet(detectors=[detectors.GL(1, stop=False)])
    for t, v in enumerate([1.0, 1.5], 1):
        mon.log(t, val_loss=v)
    assert len(mon.events) == 1 and not mon.should_stop


def test_events_carry_an_explanation_and_export_to_json_friendly_dicts() -> None:
    mon = quiet()
    mon.log(1, loss=math.nan)
    (event,) = mon.events
    assert event.kind == "divergence" and mon.should_stop
    assert "diverged" in event.message and "learning rate" in event.message
    assert event.to_dict()["detector"] == "Divergence(factor=100)"


def test_the_snapshot_is_strict_json_even_when_the_best_line_has_a_nan() -> None:
    mon = quiet()
    updates: list = []
    mon.add_listener(updates.append)
    mon.log(1, loss=math.nan, val_loss=0.5, acc=math.inf)
    mon.flush()
    snap = json.loads(json.dumps(mon.snapshot(), allow_nan=False))
    assert snap["best"]["metrics"] == {"loss": "nan", "val_loss": 0.5, "acc": "inf"}
    json.dumps(updates[-1].to_dict()["best"], allow_nan=False)  # what a view receives
    assert math.isnan(mon.best.metrics["loss"])  # type: ignore[union-attr]  # Python keeps floats


def test_per_batch_logging_counts_epochs_by_validation_calls() -> None:
    mon = quiet(detectors=[detectors.UP(1, 1)])
    step = 0
    for va in (1.0, 0.9, 0.95):
        for _ in range(5):
            step += 1
            mon.log(step, loss=0.5)
        mon.log(step, val_loss=va)
    assert mon.epoch == 3
    assert [e.epoch for e in mon.events] == [3]
    assert mon.best is not None and mon.best.epoch == 2


def test_divergence_in_a_batch_is_stamped_with_the_epoch_in_progress() -> None:
    mon = quiet()
    mon.log(1, loss=0.5)
    mon.log(2, loss=0.4, val_loss=0.6)  # epoch 1 ends
    mon.log(3, loss=math.inf)  # a batch of epoch 2
    assert mon.events[-1].epoch == 2


def test_the_model_is_never_changed_by_logging() -> None:
    net = torch.nn.Linear(3, 2)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    mon = Monitor(model=net, display=False)
    for t in range(1, 30):
        mon.log(t, loss=1 / t, val_loss=1 / t)
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
    assert not net._forward_hooks and not net._backward_hooks


# ----------------------------------------------------------------------------- export


def test_records_and_csv_merge_metrics_by_step() -> None:
    mon = quiet()
    mon.log(1, loss=0.5)
    mon.log(2, loss=0.4, val_loss=0.6)
    assert mon.records() == [{"step": 1, "loss": 0.5}, {"step": 2, "loss": 0.4, "val_loss": 0.6}]
    rows = list(csv.DictReader(io.StringIO(mon.to_csv())))
    assert rows == [
        {"step": "1", "loss": "0.5", "val_loss": ""},
        {"step": "2", "loss": "0.4", "val_loss": "0.6"},
    ]


@pytest.mark.filterwarnings("ignore:.*step 1 comes after step:UserWarning")
def test_records_and_csv_keep_every_point_when_the_steps_start_again() -> None:
    mon = quiet()
    for run in range(2):  # the training cell run twice on one monitor
        for epoch in range(1, 4):
            mon.log(epoch, loss=1.0 / epoch + run)
    assert [(r["step"], r["loss"]) for r in mon.records()] == [
        (1, 1.0),
        (2, 0.5),
        (3, 1 / 3),
        (4, 2.0),
        (5, 1.5),
        (6, 1 + 1 / 3),
    ]
    assert mon.to_csv().splitlines()[0] == "step,loss"
    assert len(mon.to_csv().splitlines()) == 1 + len(mon.history("loss")[1])


def test_records_keep_batches_logged_with_the_epoch_as_step_and_join_validation() -> None:
    mon = quiet()
    for epoch in (1, 2):
        for batch_loss in (0.9, 0.8, 0.7):
            mon.log(epoch, loss=batch_loss / epoch)
        mon.log(epoch, val_loss=1.0 / epoch)  # joins the epoch's last batch row
    assert mon.records() == [
        {"step": 1, "loss": 0.9},
        {"step": 1, "loss": 0.8},
        {"step": 1, "loss": 0.7, "val_loss": 1.0},
        {"step": 2, "loss": 0.45},
        {"step": 2, "loss": 0.4},
        {"step": 2, "loss": 0.35, "val_loss": 0.5},
    ]
    rows = list(csv.DictReader(io.StringIO(mon.to_csv())))
    assert rows[1] == {"step": "1", "loss": "0.8", "val_loss": ""}


@pytest.mark.filterwarnings("ignore:.*step 1 comes after step:UserWarning")
def test_records_stay_in_log_order_when_the_history_is_compacted() -> None:
    mon = quiet(max_points=16)
    for run in range(3):
        for step in range(1, 41):
            mon.log(step, loss=float(step + 100 * run))
    losses = [r["loss"] for r in mon.records()]
    assert losses == sorted(losses) and losses[-1] == 240.0
    assert losses == mon.history("loss")[1].tolist()


def test_to_csv_writes_a_file(tmp_path: object) -> None:
    mon = quiet()
    mon.log(1, loss=0.5)
    path = f"{tmp_path}/run.csv"
    text = mon.to_csv(path)
    with open(path, encoding="utf-8") as f:
        assert f.read() == text


def test_pairs_match_val_metrics_with_their_training_twin() -> None:
    mon = quiet()
    mon.log(1, loss=1, val_loss=1, acc=0.5, val_acc=0.5, val_f1=0.3, lr=0.1)
    assert mon.pairs == {"val_loss": "loss", "val_acc": "acc"}


# ----------------------------------------------------------------------------- text view


def test_a_script_prints_one_compact_line_per_epoch_not_per_batch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(display="text", print_interval=0.0, detectors=[])
    step = 0
    for epoch in range(1, 4):
        for b in range(10):
            step += 1
            mon.log(step, loss=1.0 / epoch + b * 0.01)
        mon.log(step, val_loss=1.0 / epoch, val_acc=0.5)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch    1  loss 1.045 / val 1")
    assert lines[0].endswith("val 1 *  val_acc 0.5")  # the new best val_loss marked by it


def test_names_holding_a_newline_or_a_terminal_code_keep_each_line_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    mon = Monitor(name="run\r1", display="text", print_interval=0.0, detectors=[])
    for epoch in (1, 2):
        mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch, **{"acc\nnew": 0.5, "red\x1b[31m": 1})
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 2 and "\x1b" not in out and "\r" not in out
    assert lines[0].startswith("[run\\r1] epoch    1") and "acc\\nnew 0.5" in lines[0]
    mon.log(3, **{"\ud800half": 1.0})  # half a surrogate pair: no UTF-8 for it
    mon.to_csv(str(tmp_path / "log.csv"))
    assert "\\ud800half" in (tmp_path / "log.csv").read_text(encoding="utf-8")


def test_in_ipython_the_held_line_is_printed_at_the_end_of_the_cell(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from IPython.testing import globalipapp

    globalipapp.start_ipython()
    shell = globalipapp.get_ipython()
    flush_all()  # lines other tests' text monitors still hold (held outside IPython): out now
    capsys.readouterr()
    before = list(shell.events.callbacks["post_run_cell"])
    shell.user_ns["Monitor"] = Monitor
    shell.run_cell(
        "mon = Monitor(display='text', print_interval=60, detectors=[])\n"
        "for epoch in range(1, 31):\n"
        "    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)\n"
        "print('cell done')"
    )
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["epoch", "1"],
        ["cell", "done"],
        ["epoch", "30"],
    ]
    assert shell.events.callbacks["post_run_cell"] == before  # nothing left behind
    shell.run_cell("mon.log(31, loss=0.1, val_loss=0.2)")  # within the minute: held, then shown
    shell.run_cell("pass")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["epoch", "31"]]
    shell.run_cell("mon.log(32, loss=0.1, val_loss=0.3); mon.close(); del mon")
    assert capsys.readouterr().out.startswith("epoch   32")
    assert shell.events.callbacks["post_run_cell"] == before


def test_a_run_without_validation_prints_a_line_per_epoch_in_a_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # demo 02: metric="loss", "no validation set here"; each call is an epoch
    mon = Monitor(name="by hand", metric="loss", display="text", print_interval=0)
    for epoch in range(1, 61):
        mon.log(epoch=epoch, loss=100 / epoch, w=2 + 1 / epoch)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 60 and lines[0] == "[by hand] epoch    1  loss 100 *  w 3"
    assert lines[-1] == "[by hand] epoch   60  loss 1.667 *  w 2.017"
    mon.close()
    assert capsys.readouterr().out == ""  # nothing held back, nothing printed twice


def test_a_run_without_validation_is_rate_limited_and_close_prints_the_last_epoch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(metric="loss", display="text", print_interval=3600)
    for epoch in range(1, 61):  # a positional epoch, as demo 02 logs it
        mon.log(epoch, loss=100 / epoch)
    assert capsys.readouterr().out.splitlines() == ["epoch    1  loss 100 *"]
    mon.close()
    assert capsys.readouterr().out.splitlines() == ["epoch   60  loss 1.667 *"]


def test_several_calls_with_one_epoch_number_make_one_line_of_their_means(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(metric="loss", display="text", print_interval=3600, detectors=[])
    for epoch in range(1, 4):
        for batch in range(4):
            mon.log(epoch=epoch, loss=10 * epoch + batch)
    mon.close()
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["epoch    1  loss 10 *", "epoch    3  loss 31.5"]


def test_a_stop_inside_a_batch_prints_the_stop_line(capsys: pytest.CaptureFixture[str]) -> None:
    mon = Monitor(display="text", print_interval=0.0)
    for step in range(1, 6):
        mon.log(step, loss=math.nan if step == 5 else 1 / step)
        if step == 3:
            mon.log(step, val_loss=1.0)
    out = capsys.readouterr().out
    assert mon.should_stop and "  ! " in out
    assert "  -> stop suggested by Divergence(factor=100) at epoch 2" in out


def test_text_lines_are_rate_limited_but_events_and_the_end_are_shown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    mon = Monitor(display="text", print_interval=3600, detectors=[detectors.Patience(3)])
    for t in range(1, 11):
        mon.log(t, loss=1 / t, val_loss=1.0 if t > 2 else 2.0 - t)
    mon.close()
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("epoch    1")  # the first epoch
    assert any("has not improved for 3 epochs" in line for line in lines)  # the event, epoch 5
    assert lines[-1].startswith("epoch   10")  # close() prints the last held-back line
    assert len(lines) < 10


LAST_LINE_SCRIPT = """
import nngraph as ng
mon = ng.Monitor(display="text", print_interval=3600)
for epoch in range(1, 6):
    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.1)
print("done")
"""


def test_a_script_that_never_calls_close_still_prints_its_last_line(tmp_path: object) -> None:
    import subprocess
    import sys

    path = f"{tmp_path}/train.py"
    with open(path, "w", encoding="utf-8") as f:
        f.write(LAST_LINE_SCRIPT)
    out = subprocess.run(
        [sys.executable, path], capture_output=True, text=True, timeout=120, check=True
    ).stdout.splitlines()
    assert out[0].startswith("epoch    1") and out[1] == "done"
    assert len(out) == 3 and out[2].startswith("epoch    5")  # printed at exit, once


def test_close_prints_the_held_line_once(capsys: pytest.CaptureFixture[str]) -> None:
    from nngraph.monitor import _held

    mon = Monitor(display="text", print_interval=3600, detectors=[])
    for t in (1, 2):
        mon.log(t, val_loss=1 / t)
    mon.close()
    _held.flush_all()  # what runs at interpreter exit
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()] == ["1", "2"]


def test_display_false_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    mon = quiet()
    mon.log(1, loss=math.nan)
    mon.close()
    assert capsys.readouterr().out == ""


def test_summary_names_the_best_epoch_and_the_events() -> None:
    mon = Monitor(model=torch.nn.Linear(1, 1), display=False, detectors=[detectors.Patience(1)])
    for t, v in enumerate([0.5, 0.4, 0.45], 1):
        mon.log(t, val_loss=v)
    text = mon.summary()
    assert "best val_loss 0.4 at epoch 2" in text and "restore_best" in text
    assert "has not improved for 1 epoch " in text


def test_summary_says_why_there_is_no_best_epoch() -> None:
    mon = quiet()
    mon.log(1, loss=0.5)
    mon.log(2, loss=0.4)
    assert mon.summary() == (
        "no best val_loss yet: it has not been logged (logged: loss)\n"
        "loss 0.4 at step 2 (lowest 0.4); no validation metric logged"
    )
    mon = quiet(detectors=[])
    mon.log(1, val_loss=math.nan)
    assert "no best val_loss yet" in mon.summary() and "NaN" in mon.summary()
    assert quiet().summary() == "nothing logged yet"


@pytest.mark.parametrize("language", ["en", "pl"])
def test_summary_of_a_run_with_no_validation_says_how_its_training_went(language: str) -> None:
    """A lesson's first loop (gradient descent, no validation set) read only "no best val_loss
    yet" under its curve, also once it had ended (sweep s38, helper nb)."""
    i18n.set_language(language)
    mon = quiet()
    for epoch, loss in enumerate([2.0, 0.5, 0.25, 0.3], 1):
        mon.log(epoch, loss=loss)
    words = {
        "en": "loss 0.3 at step 4 (lowest 0.25); no validation metric logged",
        "pl": "loss 0,3 w kroku 4 (najniższa 0,25); nie zapisano metryki walidacyjnej",
    }
    assert mon.summary().splitlines()[-1] == words[language]
    accuracy = quiet(metric="val_acc")
    for epoch, acc in enumerate([0.5, 0.9, 0.8], 1):
        accuracy.log(epoch, acc=acc)
    assert "acc 0" in accuracy.summary().splitlines()[-1]
    assert ("highest", "najwyższa")[language == "pl"] in accuracy.summary()
    with_lr = quiet()  # a learning rate logged first is no metric to report
    for epoch in range(1, 3):
        with_lr.log(epoch, lr=0.05, loss=1 / epoch)
    assert with_lr.summary().splitlines()[-1].startswith("loss 0")
    broken = quiet(detectors=[])
    broken.log(1, loss=math.nan)
    assert len(broken.summary().splitlines()) == 1  # no "lowest inf"


def test_summary_of_a_run_validating_by_accuracy_alone_names_the_metric_to_watch() -> None:
    """A lab logging `val_acc` but no `val_loss` read only "no best val_loss yet", with no word
    of how to keep its best epoch (stop 35, left alone)."""
    mon = quiet()
    for epoch, acc in enumerate([0.6, 0.7, 0.65], 1):
        mon.log(epoch, loss=1 / epoch, val_acc=acc)
    assert mon.summary() == (
        "no best val_loss yet: it has not been logged (logged: loss, val_acc)\n"
        "to keep the weights of the epoch with the best val_acc, watch it: metric='val_acc'"
        " (ng.Monitor(model=model, metric=...), or NNGraphCallback(metric=...) in Lightning)"
    )
    mon = quiet(metric="val_acc")
    for epoch, acc in enumerate([0.6, 0.7, 0.65], 1):
        mon.log(epoch, loss=1 / epoch, val_acc=acc)
    assert mon.summary().startswith("best val_acc 0.7 at epoch 2")


def test_repr_and_summary_count_in_plain_words() -> None:
    mon = quiet(detectors=[detectors.Patience(1)])
    mon.log(1, val_loss=0.5)
    assert repr(mon) == "<Monitor: 1 epoch, best val_loss=0.5, 0 events>"
    mon.log(2, val_loss=0.6)
    assert repr(mon) == "<Monitor: 2 epochs, best val_loss=0.5, 1 event>"
    assert "\n1 event:\n" in mon.summary()


# ------------------------------------- a watched metric logged under another name (sweep 20c)


@pytest.mark.parametrize("name", ["vall_loss", "v_loss", "test_loss"])
def test_a_misspelt_validation_loss_is_asked_about_from_the_second_epoch(name: str) -> None:
    """`vall_loss` was never said: best stayed None, early stopping and restore_best silently
    off, because only a name taken for validation started the check."""
    mon = quiet()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mon.log(1, loss=1.0, **{name: 1.0})
        assert caught == []  # the first epoch may log it later
        for epoch in range(2, 30):
            mon.log(epoch, loss=1 / epoch, **{name: 1.0 + epoch / 10})
        mon.close()
    (warning,) = caught
    said = str(warning.message)
    assert f"'val_loss' has not been logged (logged: loss, {name}): did you mean {name!r}?" in said
    assert warning.filename == __file__
    if name == "test_loss":  # not to choose the epoch by (sweep s40, helper nb)
        assert "log it as 'val_loss'" in said and "Monitor(metric=" not in said
    else:
        assert f"Monitor(metric={name!r})" in said


def test_training_names_are_not_taken_for_a_misspelt_validation_loss() -> None:
    """`avg_loss` is as close to `val_loss` as a slip (0.75): a training-only run must not be
    told to watch it."""
    mon = quiet()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step in range(1, 30):
            mon.log(step, avg_loss=1 / step, train_loss=1 / step, batch_loss=1 / step, lr=0.1)
        mon.close()
    said = [str(w.message) for w in caught]
    assert not [text for text in said if "did you mean" in text or "Monitor(metric=" in text]
    assert mon.metric == "val_loss" and mon.best is None  # nothing switched behind its back


@pytest.mark.parametrize("options", [{"model": "net"}, {"metric": "val_acc"}])
def test_a_watched_metric_never_logged_is_said_at_close_when_the_best_is_wanted(
    options: dict[str, Any],
) -> None:
    """With a model (its best weights are wanted) or a chosen metric, a run that never
    validated hears at close() that the metric never came, with the names that did."""
    if options.get("model"):
        options = {"model": torch.nn.Linear(1, 1)}
    mon = quiet(**options)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing said while it logs: validation may come
        for epoch in range(1, 20):
            mon.log(epoch, loss=1 / epoch, score=0.5)
    with pytest.warns(UserWarning, match=r"was never logged \(logged: loss, score\)"):
        mon.close()


def test_a_watched_metric_logged_every_5th_epoch_beside_a_longer_name_is_not_taken_for_a_slip() -> (
    None
):
    """Sweep 20b §10: `val_acc` logged every 5th epoch beside `val_acc_top5` every epoch was
    said at epoch 2 ("did you mean 'val_acc_top5'? ... Monitor(metric='val_acc_top5')")."""
    mon = quiet(metric="val_acc", detectors=[detectors.Patience(5, metric="val_acc")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for epoch in range(1, 21):
            row = {"loss": 1 / epoch, "val_loss": 1 / epoch, "val_acc_top5": 0.9}
            if epoch % 5 == 0:
                row["val_acc"] = 0.5 + epoch / 100
            mon.log(epoch, **row)
        mon.close()
    assert mon.best is not None and mon.best.epoch == 20


def test_a_watched_metric_never_logged_beside_a_longer_name_is_said_after_the_wait() -> None:
    """A longer name made of the watched one waits as a missing metric does, then is offered."""
    mon = quiet(metric="val_acc")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in range(1, 21):
            mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch, val_acc_top5=0.9)
            if epoch <= 10:
                assert caught == []
    (warning,) = caught
    assert "'val_acc' has not been logged" in str(warning.message)
    assert "did you mean 'val_acc_top5'?" in str(warning.message)


def test_a_rerun_whose_first_call_logs_the_learning_rate_is_still_a_new_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The new cell's first call (`mon.log(1, lr=...)`) made its cell the one to compare with,
    and its `loss`/`val_loss` at step 1 were taken for a second validation (regression sweep 2)."""
    cell = [1]
    monkeypatch.setattr(_steps, "running_cell", lambda: cell[0])
    mon = quiet(detectors=[])
    mon.log(1, lr=0.1)
    mon.log(1, loss=0.9, val_loss=0.8)  # then Ctrl+C
    cell[0] = 2
    with pytest.warns(UserWarning, match="step 1 comes again"):
        for epoch in range(1, 4):
            mon.log(epoch, lr=0.01)
            mon.log(epoch, loss=0.5 / epoch, val_loss=0.6 / epoch)
    assert mon.history("val_loss")[0].tolist() == [1.0, 2.0, 3.0, 4.0] and mon.epoch == 4


def test_the_running_cell_is_read_from_ipython_without_importing_it() -> None:
    from IPython.testing.globalipapp import get_ipython

    assert _steps.running_cell() is None  # between cells (or in a script)
    shell = get_ipython()
    shell.run_cell(
        "from nngraph.monitor import _steps; cell = _steps.running_cell()", store_history=True
    )
    assert shell.user_ns["cell"] == shell.execution_count - 1


def test_a_test_loss_in_place_of_the_validation_one_is_not_offered_to_choose_the_epoch() -> None:
    """Sweep s40 (helper nb): a run logging `test_loss` each epoch was told 'Watch the name
    you log, Monitor(metric='test_loss')': early stopping on the test set."""
    with pytest.warns(UserWarning, match="did you mean 'test_loss'") as said:
        mon = quiet()
        for epoch in range(1, 13):
            mon.log(epoch, loss=1 / epoch, test_loss=1 / epoch + 0.1)
        mon.close()
    text = " ".join(str(w.message) for w in said if "test_loss" in str(w.message))
    assert "a test set is only for the end" in text and "Monitor(metric='test_loss')" not in text


def test_a_run_that_logs_one_validation_metric_is_told_to_watch_it_by_name() -> None:
    """Sweep s41 (curves, finding 6): an accuracy-only run was told Monitor(metric='your_name')
    when val_acc is the one validation metric it logs."""
    mon = Monitor(display=False)
    with pytest.warns(
        UserWarning, match=r"watch the validation metric you log: Monitor\(metric='val_acc'\)"
    ):
        for epoch in range(1, 4):
            mon.log(epoch, acc=0.5 + epoch / 10, val_acc=0.5 + epoch / 20)
        mon.close()
