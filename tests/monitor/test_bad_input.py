"""Bad input to the monitor gets a clear NNGraphError and loses nothing (sweeps X and W).

Each wrong argument is refused with a message that says what was wrong and what to do, before
anything is changed: no partial record, no broken object afterwards.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import pathlib
import pickle
import re
from typing import Any

import numpy as np
import pytest
import torch

from nngraph import i18n
from nngraph.errors import NNGraphError
from nngraph.monitor import GradientWatch, Monitor, Runs, compare, detectors


def quiet(**kwargs: Any) -> Monitor:
    return Monitor(display=False, **kwargs)


def logged(name: str | None = None, values: tuple[float, ...] = (1.0, 0.5)) -> Monitor:
    mon = quiet(name=name)
    for epoch, v in enumerate(values, start=1):
        mon.log(epoch, loss=v, val_loss=v + 0.1)
    return mon


def mlp() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))


# ------------------------------------------------------------- bug 1: add_event() takes Events


@pytest.mark.parametrize(
    "bad", [None, "overfitting!", detectors.GL(), detectors.Patience(3)], ids=repr
)
def test_add_event_refuses_anything_but_an_event_and_changes_nothing(bad: object) -> None:
    mon = logged()
    before = mon.snapshot()
    with pytest.raises(NNGraphError, match=r"add_event\(\) takes an ng\.detectors\.Event"):
        mon.add_event(bad)  # type: ignore[arg-type]
    assert mon.events == [] and not mon.should_stop
    assert mon.snapshot() == before  # the live view's source still works
    mon.log(3, loss=0.25, val_loss=0.3)  # and the run goes on
    assert mon.epoch == 3


def test_add_event_says_where_a_detector_goes() -> None:
    with pytest.raises(NNGraphError, match=r"GL\(5\).*ng\.Monitor\(detectors=\[\.\.\.\]\)"):
        quiet().add_event(detectors.GL())  # type: ignore[arg-type]


def event(**fields: Any) -> detectors.Event:
    made: dict[str, Any] = {
        "step": 1.0,
        "epoch": 1,
        "detector": "mine",
        "kind": "note",
        "message_id": "my.note",
        "message": "lr halved",
        "stop": False,
    }
    return detectors.Event(**{**made, **fields})


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"values": None}, r"values is a dict whose keys are texts \(str\), got None"),
        ({"values": [("a", 1)]}, r"values is a dict"),
        ({"values": {1: 2}}, r"values is a dict whose keys are texts \(str\), got 1"),
        ({"values": {"s": {1, 2}}}, r"values\['s'\] is a number, a text or None"),
        ({"values": {"lr": torch.ones(3)}}, r"values\['lr'\] is a number"),
        ({"stop": "no"}, r"stop is True or False, got 'no'"),
        ({"epoch": 1.5}, r"epoch is a whole number"),
        ({"step": "1"}, r"step is a finite number"),
        ({"step": float("nan")}, r"step is a finite number \(the epoch or batch index\), got nan"),
        ({"step": float("inf")}, r"step is a finite number"),
        ({"message": None}, r"message is a text \(str\)"),
        ({"unit": "batch"}, r"unit is 'epoch' or 'step'"),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else "",
)
def test_add_event_refuses_an_event_with_a_bad_field_and_changes_nothing(
    fields: dict[str, Any], says: str
) -> None:
    """Sweep s38 (helper api): an Event whose values were None was kept, and every later
    snapshot() and live view failed; stop="no" stopped the run."""
    mon = logged()
    before = mon.snapshot()
    with pytest.raises(NNGraphError, match=r"add_event\(\) needs an Event whose " + says):
        mon.add_event(event(**fields))
    assert mon.events == [] and not mon.should_stop
    assert mon.snapshot() == before


def test_add_event_keeps_an_events_numbers_as_plain_numbers() -> None:
    mon = logged()
    mon.add_event(event(values={"lr": torch.tensor(0.5), "n": np.int64(3), "why": None}))
    assert mon.events[-1].values == {"lr": 0.5, "n": 3.0, "why": None}
    json.dumps(mon.snapshot())  # what the live view sends
    mine = event(values={"lr": 0.1, "layers": ["0", "2", "4"]})
    mon.add_event(mine)
    assert mon.events[-1] is mine  # nothing to change: the caller's own event


def test_snapshots_stay_strict_json_with_nans_in_event_lists_and_gradient_norms() -> None:
    """Sweep s41 (esc, finding 2): a NaN inside an event's list of values, or a NaN gradient
    norm in a GradientWatch, stayed a bare NaN, which strict JSON has no word for."""
    mon = logged()
    mon.add_event(event(step=2.0, epoch=2, values={"norms": [1.0, float("nan")]}))
    assert json.loads(json.dumps(mon.snapshot(), allow_nan=False))["events"][-1]["values"] == {
        "norms": [1.0, "nan"]
    }
    net = torch.nn.Linear(2, 1)
    watch = GradientWatch(net)
    net(torch.tensor([[float("nan"), 1.0]])).sum().backward()
    with contextlib.redirect_stdout(io.StringIO()):
        watch.step()
    snapshot = json.loads(json.dumps(watch.snapshot(), allow_nan=False))
    assert snapshot["layers"][""]["value"] == ["nan"]


def test_a_gradient_watch_naming_several_layers_in_one_event_keeps_training() -> None:
    """Regression review s38 (R1): a GradientWatch event naming 3 layers carries their names
    as a list, which add_event() refused from inside optimizer.step(): the loop died."""
    torch.manual_seed(0)
    layers: list[torch.nn.Module] = []
    for _ in range(12):
        layers += [torch.nn.Linear(8, 8), torch.nn.Sigmoid()]
    net = torch.nn.Sequential(*layers, torch.nn.Linear(8, 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    mon = quiet()
    watch = GradientWatch(net, optimizer=opt, monitor=mon)
    x, y = torch.randn(32, 8), torch.randint(0, 2, (32,))
    for _ in range(30):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    many = [e for e in watch.events if isinstance(e.values.get("layers"), list)]
    assert many, [e.message_id for e in watch.events]
    assert [e.message_id for e in mon.events] == [e.message_id for e in watch.events]
    json.dumps(mon.snapshot())
    watch.close()


# ------------------------------------------------- bug 2: Runs/compare check metric and name


@pytest.mark.parametrize("name", [5, 0.5, ("a",), b"a"], ids=repr)
def test_runs_add_refuses_a_name_that_is_not_a_string(name: object) -> None:
    runs = Runs(display=False)
    with pytest.raises(NNGraphError, match="name must be a string"):
        runs.add(logged(), name=name)  # type: ignore[arg-type]
    assert runs.names == []
    runs.add(logged("b"))
    assert runs.table().splitlines()[1].startswith("b ")
    assert repr(runs) == runs.table()


@pytest.mark.parametrize("metric", [5, "", ["val_loss"]], ids=repr)
def test_runs_and_compare_refuse_a_metric_that_is_not_a_name(metric: object) -> None:
    a, b = logged("a"), logged("b", (2.0, 0.2))
    with pytest.raises(NNGraphError, match="metric must be the name of a logged metric"):
        Runs(metric=metric, display=False)  # type: ignore[arg-type]
    for display in (False, "auto"):  # the default display prints the table in a script
        with pytest.raises(NNGraphError, match="metric must be the name of a logged metric"):
            compare(a, b, metric=metric, display=display)  # type: ignore[arg-type]


def test_runs_and_compare_refuse_a_bad_display() -> None:
    with pytest.raises(NNGraphError, match="display must be"):
        Runs(display="widgets")  # type: ignore[arg-type]
    with pytest.raises(NNGraphError, match="display must be"):
        compare(logged("a"), display="widgets")  # type: ignore[arg-type]


# ---------------------------------------------------------- bug 3: to_csv() takes a file name


def test_to_csv_refuses_paths_that_cannot_be_a_file(tmp_path: pathlib.Path) -> None:
    mon = logged()
    (tmp_path / "runs.csv").mkdir()
    cases = [
        (tmp_path / "no_such_folder" / "run.csv", "there is no folder"),
        (str(tmp_path), "it is a folder"),
        (tmp_path / "runs.csv", "it is a folder"),
        ("", r"to_csv\(\) needs a file name"),
        (["run.csv"], r"to_csv\(\) needs a file name"),
        (b"run.csv", r"to_csv\(\) needs a file name"),
        (3.5, r"to_csv\(\) needs a file name"),
        (tmp_path / "run\0.csv", r"to_csv\(\) needs a file name"),  # pathlib: a bare ValueError
    ]
    for path, said in cases:
        with pytest.raises(NNGraphError, match=said):
            mon.to_csv(path)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.csv"]  # nothing written


def test_to_csv_never_takes_an_int_as_a_file_descriptor() -> None:
    mon = logged()
    r, w = os.pipe()
    try:
        with pytest.raises(NNGraphError, match=r"to_csv\(\) needs a file name.*got \d+"):
            mon.to_csv(w)  # type: ignore[arg-type]
        os.write(w, b"x")  # still open: to_csv(1) must never close stdout
        assert os.read(r, 10) == b"x"
    finally:
        for fd in (r, w):
            with contextlib.suppress(OSError):
                os.close(fd)


def test_to_csv_writes_to_a_path_object_and_expands_the_home_folder(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mon = logged()
    monkeypatch.setenv("HOME", str(tmp_path))
    text = mon.to_csv("~/run.csv")
    assert (tmp_path / "run.csv").read_text(encoding="utf-8") == text
    with pytest.raises(NNGraphError, match="there is no folder"):
        mon.to_csv(pathlib.Path("~/missing/run.csv"))  # checked, not passed on to open()


# ------------------------------------------------------- bug 6: true/false options are bools


def test_patience_takes_only_patience_and_min_delta_by_position() -> None:
    # the documented positional calls still work
    assert detectors.Patience(20).patience == 20
    assert detectors.Patience(2, 0.1, relative=True).relative is True
    assert (detectors.GL(5).alpha, detectors.PQ(0.5, 5).k, detectors.UP(2, 5).s) == (5, 5, 2)
    # the metric in the third place was taken as relative=True, and val_loss still watched
    with pytest.raises(NNGraphError, match=r"got 'val_acc'.*Patience\(3, metric='val_acc'\)"):
        detectors.Patience(3, 0.0, "val_acc")
    with pytest.raises(NNGraphError, match=r"Patience\(3, 0\.01, relative=True\)"):
        detectors.Patience(3, 0.01, True)


@pytest.mark.parametrize("mode", ["min", "max", "auto"])
def test_a_keras_mode_given_by_position_is_suggested_as_mode(mode: str) -> None:
    """Sweep 21a, finding 10: Patience(10, 0.01, "min") was told to write metric='min', which
    watches a metric called "min" and never fires."""
    with pytest.raises(NNGraphError) as caught:
        detectors.Patience(10, 0.01, mode)
    assert str(caught.value).endswith(f"e.g. Patience(10, 0.01, mode='{mode}')")
    assert "metric=" not in str(caught.value)
    i18n.set_language("pl")
    with pytest.raises(NNGraphError, match=r"Patience\(10, mode='min'\)"):
        detectors.Patience(10, 0.0, "min")


@pytest.mark.parametrize("min_delta", [1, 5, 10.0])
def test_a_relative_min_delta_written_as_a_percentage_is_refused_with_the_fraction(
    min_delta: float,
) -> None:
    # min_delta=1 meant "1%": no loss can fall by its whole best value, so Patience stopped
    # a run whose loss halved every epoch
    with pytest.raises(NNGraphError, match=rf"write min_delta={min_delta / 100:g}"):
        detectors.Patience(3, min_delta=min_delta, relative=True)
    assert detectors.Patience(3, min_delta=min_delta).min_delta == min_delta  # absolute: fine
    assert detectors.Patience(3, min_delta=0.99, relative=True).min_delta == 0.99


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "at least 250% of the best value: a loss can never fall that far. For 2.5%, write"),
        ("pl", "co najmniej 250% najlepszej wartości: strata nigdy tyle nie spadnie. Dla 2,5%"),
    ],
)
def test_a_relative_min_delta_is_said_as_a_percentage_and_kept_as_code(
    language: str, says: str
) -> None:
    """Polish review: "co najmniej 2.5 razy", "1 razy" (a decimal point and a number that
    does not agree in prose); the prose says a percentage, the code keeps min_delta=2.5."""
    i18n.set_language(language)  # tests/conftest.py sets English again
    with pytest.raises(NNGraphError) as caught:
        detectors.Patience(3, min_delta=2.5, relative=True)
    said = str(caught.value)
    assert says in said and "(min_delta=0.01 " in said
    assert "min_delta=2.5 " in said and said.endswith("min_delta=0.025")
    assert "times" not in said and "razy" not in said


BOOL_OPTIONS = [
    (detectors.GL, "stop"),
    (detectors.PQ, "stop"),
    (detectors.UP, "stop"),
    (detectors.Patience, "stop"),
    (detectors.Patience, "relative"),
    (detectors.Divergence, "stop"),
    (detectors.Gap, "stop"),
    (detectors.Gap, "relative"),
]


@pytest.mark.parametrize("bad", ["no", 1, 0, None, "val_acc"], ids=repr)
@pytest.mark.parametrize(("cls", "option"), BOOL_OPTIONS, ids=lambda x: getattr(x, "__name__", x))
def test_true_false_options_refuse_other_values(cls: Any, option: str, bad: object) -> None:
    with pytest.raises(NNGraphError, match=f"{option} must be True or False, got {bad!r}"):
        cls(**{option: bad})
    assert getattr(cls(**{option: True}), option) is True
    assert getattr(cls(**{option: False}), option) is False


def test_polish_says_true_or_false_too() -> None:
    i18n.set_language("pl")
    with pytest.raises(NNGraphError, match="stop musi być True albo False"):
        detectors.GL(stop="nie")  # type: ignore[arg-type]


# -------------------------------------- bugs 8 and 13: tensors and models without any values


def test_a_meta_model_is_logged_whole_and_restore_best_says_why() -> None:
    model = mlp().to("meta")
    mon = quiet(model=model)
    mon.log(1, loss=1.2, val_loss=1.0)  # the log is done whole, not half
    mon.log(2, loss=1.1, val_loss=0.9)
    assert mon.epoch == 2 and mon.best is not None and mon.best.epoch == 2
    assert [len(mon.history(m)[0]) for m in mon.metrics] == [2, 2]
    with pytest.raises(NNGraphError, match=r"epoch 2\) the model's weights had no values"):
        mon.restore_best()


def test_a_lazy_model_before_its_first_forward_is_kept_from_the_next_best() -> None:
    torch.manual_seed(0)
    lazy = torch.nn.Sequential(torch.nn.LazyLinear(4), torch.nn.ReLU(), torch.nn.LazyLinear(1))
    mon = quiet(model=lazy)
    mon.log(1, val_loss=1.0)  # logged before the first forward: nothing to keep, no error
    assert mon.epoch == 1 and len(mon.history("val_loss")[0]) == 1
    with pytest.raises(NNGraphError, match=r"lazy layers such as nn\.LazyLinear"):
        mon.restore_best()
    lazy(torch.randn(3, 2))  # the first forward gives the weights their values
    mon.log(2, val_loss=0.5)
    weight = lazy[0].weight
    assert isinstance(weight, torch.Tensor)
    kept = weight.detach().clone()
    with torch.no_grad():
        weight.add_(1.0)
    mon.restore_best()
    assert torch.equal(weight, kept)


def test_weights_of_an_older_best_are_never_restored_for_a_later_one() -> None:
    model = mlp()
    mon = quiet(model=model)
    mon.log(1, val_loss=1.0)  # kept
    model.to("meta")  # the same module, now without values
    mon.log(2, val_loss=0.5)  # a new best that cannot be kept
    with pytest.raises(NNGraphError, match=r"epoch 2\)"):
        mon.restore_best(mlp())


def test_a_meta_tensor_metric_is_a_clear_error_and_nothing_is_recorded() -> None:
    mon = logged()
    meta = torch.tensor(0.4, device="meta")
    for metrics in (
        {"val_loss": meta},
        {"loss": 0.5, "val_loss": meta},
        {"val_loss": meta.view(1)},
    ):
        with pytest.raises(NNGraphError, match="val_loss is a tensor without values"):
            mon.log(3, **metrics)
    with pytest.raises(NNGraphError, match="val_loss is a tensor without values"):
        detectors.GL().update(1, val_loss=meta)
    assert mon.epoch == 2 and len(mon.history("loss")[0]) == 2


def test_gradient_watch_on_meta_gradients_is_a_clear_error_and_records_nothing() -> None:
    model = mlp().to("meta")
    watch = GradientWatch(model)
    model(torch.randn(3, 2, device="meta")).sum().backward()
    with pytest.raises(NNGraphError, match="layer '0' are on the meta device"):
        watch.step()
    assert watch.steps == 0 and watch.series == {} and watch.events == []


# --------------------------------------------- bug 10: an optimizer class instead of one made


@pytest.mark.parametrize("cls", [torch.optim.SGD, torch.optim.Adam], ids=lambda c: c.__name__)
def test_gradient_watch_refuses_an_optimizer_class(cls: type) -> None:
    model = mlp()
    name = cls.__name__
    said = rf"not the class {name}.*optimizer={name}\(model\.parameters\(\), lr=0\.1\)"
    with pytest.raises(NNGraphError, match=said):
        GradientWatch(model, optimizer=cls)
    for p in model.parameters():  # nothing left on the model
        assert not p._backward_hooks and not getattr(p, "_post_accumulate_grad_hooks", None)


# --------------------------------------------------------------- bug 14: smaller raw errors


@pytest.mark.parametrize("bad", ["all", None, 0, -5, 2.5, True], ids=repr)
def test_snapshot_refuses_a_max_points_that_is_not_a_whole_number(bad: object) -> None:
    mon = logged()
    runs = Runs(display=False)
    runs.add(mon)
    watch = GradientWatch(mlp())
    for source in (mon, runs, watch):
        with pytest.raises(NNGraphError, match=r"snapshot\(\) max_points"):
            source.snapshot(bad)  # type: ignore[arg-type]
    ten: Any = np.int64(10)  # a numpy whole number is a whole number
    assert len(mon.snapshot(ten)["metrics"]["loss"]["step"]) == 2


def test_compare_the_same_monitor_twice_says_so_and_no_name_is_asked_for() -> None:
    a = logged("a")
    with pytest.raises(NNGraphError, match=r"the same monitor twice \(arguments 1 and 2\)") as e:
        compare(a, a, display=False)
    assert "pick another name" not in str(e.value)
    unnamed = logged()
    with pytest.raises(NNGraphError, match=r"arguments 2 and 3"):
        compare(a, unnamed, unnamed, display=False)


def test_compare_two_monitors_with_one_name_says_how_to_name_them() -> None:
    with pytest.raises(NNGraphError, match=r"two monitors called 'a'.*runs\.add\(mon_a, name="):
        compare(logged("a"), logged("a"), display=False)


def test_runs_add_of_something_else_names_runs_add_and_runs_new() -> None:
    runs = Runs(display=False)
    with pytest.raises(NNGraphError, match=r"runs\.add\(\) takes an ng\.Monitor.*runs\.new") as e:
        runs.add("a")  # type: ignore[arg-type]
    assert "compare()" not in str(e.value)
    assert runs.names == []


@pytest.mark.parametrize(
    ("args", "shown"),
    [(({"loss": 0.5},), r"\{'loss': 0\.5\}"), ((2, {"loss": 0.5}), r"2, \{'loss': 0\.5\}")],
    ids=["dict", "step-and-dict"],
)
def test_log_with_metrics_by_position_says_to_pass_them_as_keywords(
    args: tuple[object, ...], shown: str
) -> None:
    mon = logged()
    said = rf"got {shown}: pass metrics as keywords: mon\.log\(epoch, \*\*metrics\)"
    with pytest.raises(NNGraphError, match=said):
        mon.log(*args)  # type: ignore[arg-type]
    assert mon.epoch == 2 and len(mon.history("loss")[0]) == 2


@pytest.mark.parametrize(
    ("helper", "args", "said"),
    [
        ("training_progress", ([1.0, None],), r"strip\[1\] is None"),
        ("training_progress", ([1.0, "0.9"],), r"strip\[1\] is '0\.9'"),
        ("training_progress", (5,), r"a list of training errors.*got 5"),
        ("training_progress", (None,), r"a list of training errors.*got None"),
        ("training_progress", ("1.0",), r"a list of training errors"),
        ("generalization_loss", ("0.5", 0.4), r"e_va is '0\.5'"),
        ("generalization_loss", (0.5, None), r"e_opt is None"),
    ],
    ids=["None-in-strip", "str-in-strip", "int", "None", "str", "str-e_va", "None-e_opt"],
)
def test_detector_helpers_refuse_what_is_not_a_number(
    helper: str, args: tuple[Any, ...], said: str
) -> None:
    with pytest.raises(NNGraphError, match=said):
        getattr(detectors, helper)(*args)
    # numbers of every kind still work
    e_va: Any = np.float32(1.1)
    e_opt: Any = torch.tensor(1.0)
    assert detectors.generalization_loss(e_va, e_opt) == pytest.approx(10)
    assert detectors.training_progress((1.0, np.float64(1.0), 1)) == 0.0


# ---------------------- sweep W, bug 1: a bad detector put into mon.detectors after construction


@pytest.mark.parametrize(
    ("bad", "said"),
    [
        (detectors.GL, r"got the class GL: make a detector from it, e.g\. GL\(\.\.\.\)"),
        (detectors.Patience, r"got the class Patience: .*Patience\(\.\.\.\)"),
        (3, r"detectors must be Detector objects .*got 3"),
        ("Patience(3)", r"detectors must be Detector objects .*got 'Patience\(3\)'"),
    ],
    ids=["GL class", "Patience class", "int", "str"],
)
def test_a_bad_detector_appended_later_is_refused_before_anything_is_recorded(
    bad: object, said: str
) -> None:
    mon = logged()
    before = mon.snapshot()
    mon.detectors.append(bad)  # type: ignore[arg-type]
    for call in (lambda: mon.log(3, loss=0.25, val_loss=0.3), lambda: mon.should_stop):
        with pytest.raises(NNGraphError, match=said):
            call()
    mon.detectors.remove(bad)  # type: ignore[arg-type]
    assert mon.snapshot() == before  # nothing of the refused call was recorded
    mon.log(3, loss=0.25, val_loss=0.3)  # and, once it is taken out, the run goes on
    assert mon.epoch == 3 and mon.history("val_loss")[1].tolist() == [1.1, 0.6, 0.3]


def test_the_constructor_names_a_detector_class_given_for_a_detector_too() -> None:
    with pytest.raises(NNGraphError, match=r"got the class GL: make a detector from it"):
        quiet(detectors=[detectors.GL])  # type: ignore[list-item]


@pytest.mark.parametrize("cls", [detectors.GL, detectors.Patience], ids=["GL", "Patience"])
def test_a_detector_class_given_alone_is_told_how_to_make_a_detector(cls: type) -> None:
    """Alone (not in a list) it said only "got <class 'nngraph.monitor._prechelt.GL'>"."""
    said = rf"got the class {cls.__name__}: make a detector from it, e\.g\. {cls.__name__}\("
    with pytest.raises(NNGraphError, match=said):
        quiet(detectors=cls)
    with pytest.raises(NNGraphError, match=said):
        logged().detectors = cls  # type: ignore[assignment]


def test_an_optimizer_given_for_the_detectors_says_the_monitor_does_not_need_it() -> None:
    # sweep 22a F3: ng.Monitor(model, opt), a habit from other libraries, printed the
    # optimizer's 14-line repr
    model = torch.nn.Sequential(*[torch.nn.Linear(4, 4) for _ in range(3)])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for given in (opt, [opt], torch.optim.Adam):
        with pytest.raises(NNGraphError) as caught:
            Monitor(model, given, display=False)  # type: ignore[arg-type]
        text = str(caught.value)
        assert "\n" not in text and text.startswith("ng.Monitor does not need the optimizer")
        assert "got Adam" in text and "ng.GradientWatch(model, optimizer=opt)" in text
    mon = logged()
    with pytest.raises(NNGraphError, match=r"does not need the optimizer"):
        mon.detectors = opt  # type: ignore[assignment]


@pytest.mark.parametrize("bad", [None, 3, detectors.GL, [detectors.GL(5), "GL"], "GL(5)"], ids=repr)
def test_mon_detectors_takes_only_detectors_and_keeps_the_old_ones_when_refused(
    bad: object,
) -> None:
    mon = logged()
    kept = mon.detectors
    with pytest.raises(NNGraphError, match=r"mon\.detectors|Detector objects"):
        mon.detectors = bad  # type: ignore[assignment]
    assert mon.detectors is kept
    mon.log(3, loss=0.25, val_loss=0.3)
    assert mon.epoch == 3


def test_mon_detectors_set_to_one_detector_or_a_tuple_is_a_list_that_catches_up() -> None:
    mon = quiet(detectors=[])
    for epoch, v in enumerate((1.0, 0.5, 0.6, 0.7), start=1):
        mon.log(epoch, loss=1 / epoch, val_loss=v)
    mon.detectors = detectors.Patience(2)  # type: ignore[assignment]
    assert [d.name for d in mon.detectors] == ["Patience(2)"]
    mon.detectors = (detectors.Patience(2),)  # type: ignore[assignment]
    mon.detectors.append(detectors.GL(5))
    mon.log(5, loss=0.1, val_loss=0.8)  # both caught up on epochs 1-4 and speak at 5
    assert [(e.detector, e.epoch) for e in mon.events] == [("Patience(2)", 5), ("GL(5)", 5)]


def test_mon_detectors_none_says_how_to_get_none_or_the_classroom_set() -> None:
    with pytest.raises(NNGraphError, match=r"\[\] for none.*ng\.detectors\.classroom\(\)"):
        quiet().detectors = None  # type: ignore[assignment]


# ----------------------------- sweep W, bug 2: an epoch number beyond what the history can hold


@pytest.mark.parametrize("epoch", [1e19, 2**63, 10**30, 2**60], ids=repr)
def test_an_epoch_too_large_to_keep_is_refused_and_nothing_moves(epoch: object) -> None:
    mon = logged()
    before = mon.snapshot()
    with pytest.raises(NNGraphError, match=r"epoch=.* is too large: an epoch number is at most"):
        mon.log(epoch=epoch, loss=0.1, val_loss=0.2)
    assert mon.epoch == 2 and mon.snapshot() == before
    mon.log(loss=0.1, val_loss=0.2)  # the next plain log() works
    assert mon.epoch == 3
    mon.log(epoch=2**53, loss=0.1, val_loss=0.2)  # the largest kept exactly is fine
    assert mon.epoch == 2**53


# -------------------------------------------- sweep W, bug 4: Runs.add_listener takes callables


@pytest.mark.parametrize("bad", ["not a function", None, 3], ids=repr)
def test_runs_add_listener_refuses_what_cannot_be_called(bad: object) -> None:
    runs = Runs(display=False)
    with pytest.raises(NNGraphError, match=r"add_listener\(\) needs a callable"):
        runs.add_listener(bad)  # type: ignore[arg-type]
    got: list[Any] = []
    runs.add_listener(got.append)
    mon = runs.new("a")
    for epoch in range(1, 4):
        mon.log(epoch, loss=1.0 / epoch)
        runs.flush()
    assert sum(len(u.points["loss"][0]) for u in got) == 3


def test_a_failing_runs_listener_is_dropped_and_the_others_get_everything() -> None:
    runs = Runs(display=False)

    def broken(update: Any) -> None:
        raise RuntimeError("listener bug")

    got: list[Any] = []
    runs.add_listener(broken)
    runs.add_listener(got.append)
    mon = runs.new("a")
    with pytest.warns(UserWarning, match="listener bug"):
        for epoch in range(1, 4):
            mon.log(epoch, loss=1.0 / epoch)
            runs.flush()
    assert sum(len(u.points["loss"][0]) for u in got) == 3


# ------------------------------------------ sweep W, bug 5: request_stop(reason) takes text


@pytest.mark.parametrize(
    "bad",
    [torch.tensor([1.0, 2.0]), b"lr too high", 3, ["why"]],
    ids=["tensor", "bytes", "int", "list"],
)
def test_request_stop_refuses_a_reason_that_is_not_text_and_does_not_stop(bad: object) -> None:
    mon = logged()
    with pytest.raises(NNGraphError, match=r"request_stop\(reason\) takes the reason as text"):
        mon.request_stop(bad)  # type: ignore[arg-type]
    assert not mon.should_stop and mon.events == []
    event = mon.request_stop("loss is flat")
    assert event.message == "loss is flat"
    json.dumps(mon.snapshot())


# ------------------- sweep W, bug 6: arrays, tensors and unhashables as names or choices


ARRAY_LIKES = {
    "array": np.array([1.0, 2.0]),
    "tensor": torch.tensor([1.0, 2.0]),
    "sparse": torch.tensor([[0.0, 1.0], [0.0, 0.0]]).to_sparse(),
    "0-d tensor": torch.tensor(1.0),
    "list": ["auto"],
}


@pytest.mark.parametrize("bad", ARRAY_LIKES.values(), ids=ARRAY_LIKES.keys())
def test_array_likes_as_choices_are_refused_naming_the_option(bad: object) -> None:
    calls: dict[str, tuple[Any, str]] = {
        "Monitor mode": (lambda: quiet(mode=bad), "mode must be"),
        "Monitor display": (lambda: Monitor(display=bad), "display must be"),
        "Monitor distributed": (lambda: quiet(distributed=bad), "distributed"),
        "Runs display": (lambda: Runs(display=bad), "display must be"),
        "Runs mode": (lambda: Runs(mode=bad, display=False), "mode must be"),
        "compare mode": (lambda: compare(logged(), mode=bad, display=False), "mode must be"),
        "classroom mode": (lambda: detectors.classroom(mode=bad), "mode must be"),
        "Patience mode": (lambda: detectors.Patience(mode=bad), "mode must be"),
        "Gap mode": (lambda: detectors.Gap(mode=bad), "mode must be"),
        "GL train_metric": (lambda: detectors.GL(train_metric=bad), "train_metric must be"),
        "PQ train_metric": (lambda: detectors.PQ(train_metric=bad), "train_metric must be"),
    }
    for name, (call, said) in calls.items():
        with pytest.raises(NNGraphError, match=said):
            call()
            pytest.fail(name)


@pytest.mark.parametrize("bad", [torch.tensor(1.0), np.array(1.0)], ids=["tensor", "numpy"])
def test_a_zero_dimensional_tensor_as_detectors_or_strip_is_refused(bad: object) -> None:
    with pytest.raises(NNGraphError, match="detectors must be Detector objects"):
        quiet(detectors=bad)  # type: ignore[arg-type]
    with pytest.raises(NNGraphError, match="a list of training errors"):
        detectors.training_progress(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [["loss"], {"loss"}, {"a": 1}, np.array(["loss"]), 3], ids=repr)
def test_history_takes_one_name_and_says_so(bad: object) -> None:
    mon = logged()
    with pytest.raises(NNGraphError, match=r"history\(\) takes one name.*history\('loss'\)"):
        mon.history(bad)  # type: ignore[arg-type]
    watch = GradientWatch(mlp())
    with pytest.raises(NNGraphError, match=r"history\(\) takes one name"):
        watch.history(bad)  # type: ignore[arg-type]


# ------------------------------------------- a live run cannot be copied or saved (sweep 18b, 8)
def _live(kind: str) -> tuple[Any, str]:
    """A Monitor, GradientWatch or Runs with something in it, and its name in the advice."""
    if kind == "Monitor":
        return logged(), "mon"
    if kind == "GradientWatch":
        net = mlp()
        watch = GradientWatch(net, optimizer=torch.optim.SGD(net.parameters(), lr=0.1))
        net(torch.ones(2, 2)).sum().backward()
        watch.step()
        return watch, "gw"
    runs = Runs(display=False)
    runs.add(logged(), "a")
    return runs, "runs"


_COPIES = {
    "copy.copy": copy.copy,
    "copy.deepcopy": copy.deepcopy,
    "pickle": pickle.dumps,
    "torch.save": lambda obj: torch.save({"model": mlp(), "kept": obj}, io.BytesIO()),
}


@pytest.mark.parametrize("copy_it", list(_COPIES), ids=str)
@pytest.mark.parametrize("kind", ["Monitor", "GradientWatch", "Runs"])
def test_a_live_run_cannot_be_copied_or_saved_and_the_error_says_what_to_save(
    kind: str, copy_it: str
) -> None:
    """deepcopy and pickle failed on a lock with a bare TypeError; copy.copy made a monitor
    sharing the original's history (logging into the copy changed the original)."""
    obj, name = _live(kind)
    before = repr(obj)
    with pytest.raises(NNGraphError, match=f"^a {kind} cannot be copied") as caught:
        _COPIES[copy_it](obj)
    said = str(caught.value)
    for words in ("copy.copy", "copy.deepcopy", "pickle", "torch.save"):
        assert words in said
    advice = re.findall(rf"\b{name}\.(\w+)", said)
    assert advice and all(hasattr(obj, attr) for attr in advice), advice  # real names only
    assert repr(obj) == before  # nothing changed


def test_the_monitors_advice_names_records_to_csv_best_and_restore_best() -> None:
    with pytest.raises(NNGraphError) as caught:
        copy.deepcopy(logged())
    for words in ("mon.records()", "mon.to_csv(", "mon.best", "mon.restore_best(model)"):
        assert words in str(caught.value)


def test_a_subclass_of_monitor_is_refused_with_the_monitors_words() -> None:
    class MyMonitor(Monitor):
        pass

    with pytest.raises(NNGraphError, match=r"^a Monitor cannot be copied"):
        pickle.dumps(MyMonitor(display=False))


def test_the_copy_refusal_is_polish_in_polish() -> None:
    i18n.set_language("pl")
    try:
        with pytest.raises(NNGraphError, match=r"^Monitora nie można skopiować.*mon\.records"):
            copy.deepcopy(logged())
        with pytest.raises(NNGraphError, match=r"^GradientWatch nie można skopiować"):
            copy.copy(GradientWatch(mlp()))
        with pytest.raises(NNGraphError, match=r"^Runs nie można skopiować"):
            copy.copy(Runs(display=False))
    finally:
        i18n.set_language("en")


def test_a_metric_given_as_none_is_refused_with_how_to_leave_it_out() -> None:
    mon = Monitor(display=False)
    with pytest.raises(NNGraphError, match=r"val_loss=None is not a number\. A metric with no"):
        mon.log(1, loss=0.5, val_loss=None)  # `v if validated else None`
    assert not mon.series  # nothing recorded
    mon.log(1, loss=0.5)
    mon.log(1, val_loss=0.6)  # what the message says to do
    assert mon.records() == [{"step": 1, "loss": 0.5, "val_loss": 0.6}]


@pytest.mark.parametrize("name", ["best_epoch", "best_score"])
def test_a_best_attribute_from_another_library_says_where_the_best_epoch_is(name: str) -> None:
    """Sweep 24b: `mon.best_epoch` (Keras's EarlyStopping has one) got Python's hint "Did you
    mean: '_next_epoch'?", a private attribute."""
    mon = Monitor(display=False)
    mon.log(1, val_loss=0.5)
    with pytest.raises(AttributeError, match=rf"'{name}': the best epoch is mon.best.epoch"):
        getattr(mon, name)
    with pytest.raises(AttributeError, match="object has no attribute 'bset'"):
        mon.bset  # noqa: B018


@pytest.mark.parametrize("given", [torch.tensor(1.0), np.float64(2.0), np.array(3.0)], ids=repr)
def test_compare_refuses_a_number_in_its_words(given: object) -> None:
    """A 0-d tensor gave torch's "iteration over a 0-d tensor" (sweep s38, helper api)."""
    with pytest.raises(NNGraphError, match=r"^compare\(\) takes monitors"):
        compare(given)


def test_runs_refuse_a_name_that_cannot_be_one_in_their_words() -> None:
    """runs[["small"]] gave "unhashable type: 'list'" (sweep s38, helper api)."""
    runs = Runs(display=False)
    runs.new("small")
    with pytest.raises(NNGraphError, match=r"^no run called \['small'\]; runs: \['small'\]"):
        runs[["small"]]  # type: ignore[index]
