"""What a monitor says of itself: ``mon.summary()`` and ``repr(mon)`` keep every name on one
line, read left to right, as the printed lines, ``Runs.table()`` and ``Graph.summary()`` do."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
import torch
from IPython.testing import globalipapp

from nngraph import i18n
from nngraph.monitor import Monitor, detectors

#: a line break, a right-to-left override, half a surrogate pair and a non-character
MARKS = ["\n", "\r", "\u202e", "\u2028", "\ud800", "\ufffe"]


def overfit_run(metric: str, name: str | None = None) -> Monitor:
    """Five epochs of a falling, then rising metric, with Patience(1) firing on it."""
    mon = Monitor(
        metric=metric, name=name, display=False, detectors=[detectors.Patience(1, metric=metric)]
    )
    for epoch, value in enumerate([1.0, 0.5, 0.25, 0.5, 0.75], start=1):
        mon.log(epoch, **{metric: value})
    return mon


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
def test_a_metric_name_with_a_line_break_keeps_each_summary_line_one_line(mark: str) -> None:
    mon = overfit_run(f"val_evil{mark}name")
    lines = mon.summary().split("\n")
    shown = ascii(mark)[1:-1]  # "\\n", "\\u202e", ...
    assert not any(mark in line for line in lines)
    assert lines[0].startswith(f"best val_evil{shown}name 0.25 at epoch 3")
    assert len(lines) == 3 and f"evil{shown}name has not improved" in lines[2]  # the event


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
def test_a_metric_name_with_a_line_break_keeps_the_repr_one_line(mark: str) -> None:
    text = repr(overfit_run(f"val_{mark}", name=f"run{mark}A"))
    shown = ascii(mark)[1:-1]
    assert mark not in text and len(text.splitlines()) == 1
    assert f"best val_{shown}=0.25" in text and f"run{shown}A" in text


# ------------------------------------ the restore line names what exists (sweep 20c, #4)

SETUP = """
import torch
from nngraph.monitor import Monitor
model = torch.nn.Linear(1, 1)
mon_lr = Monitor(model=model, display=False, detectors=[])
mon_lr.log(1, val_loss=0.5)
"""


@pytest.fixture
def notebook() -> Iterator[Any]:
    """IPython's test shell; the variables a test makes there are removed afterwards."""
    globalipapp.start_ipython()
    ip = globalipapp.get_ipython()
    before = set(ip.user_ns)
    yield ip
    for name in set(ip.user_ns) - before:
        del ip.user_ns[name]


def test_the_summary_names_the_monitor_and_model_as_the_notebook_calls_them(notebook: Any) -> None:
    """A monitor made as `mon_lr` said `mon.restore_best(model)`: copied, it restored from the
    first run's monitor."""
    notebook.run_cell(SETUP)
    mon = notebook.user_ns["mon_lr"]
    assert mon.summary().splitlines()[1] == "mon_lr.restore_best(model) puts those weights back"
    notebook.run_cell("model = torch.nn.Linear(1, 1)")  # `model` is another object now
    assert mon.summary().splitlines()[1] == (
        "mon_lr.restore_best() puts those weights back into the model this monitor watches"
    )
    i18n.set_language("pl")
    notebook.run_cell("model = mon_lr.model")
    assert mon.summary().splitlines()[1] == "mon_lr.restore_best(model) przywraca te wagi"


def test_a_monitor_without_a_name_gets_the_call_in_words_with_no_invented_name() -> None:
    mon = Monitor(model=torch.nn.Linear(1, 1), display=False, detectors=[])
    mon.log(1, val_loss=0.5)
    line = mon.summary().splitlines()[1]
    assert (
        line == "restore_best() on this monitor puts those weights back into the model it watches"
    )


def test_in_a_script_the_names_are_the_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "IPython", raising=False)  # not in a notebook
    net = torch.nn.Linear(1, 1)
    mon = Monitor(model=net, display=False, detectors=[])
    mon.log(1, val_loss=0.5)
    monkeypatch.setattr(sys.modules["__main__"], "run_a", mon, raising=False)
    monkeypatch.setattr(sys.modules["__main__"], "net", net, raising=False)
    assert "run_a.restore_best(net) puts those weights back" in mon.summary()


def test_after_restore_best_the_summary_says_the_weights_are_back_until_training_goes_on() -> None:
    net = torch.nn.Linear(1, 1)
    mon = Monitor(model=net, display=False, detectors=[])
    mon.log(1, val_loss=0.5)
    mon.log(2, val_loss=0.7)
    mon.restore_best()
    assert mon.summary().splitlines()[1] == (
        "the best weights (epoch 1) were put back into the model"
    )
    mon.restore_best(torch.nn.Linear(1, 1))  # into a copy: the watched model is as it was
    assert "were put back" in mon.summary()
    mon.log(3, val_loss=0.6)  # training went on
    assert "were put back" not in mon.summary() and "restore_best()" in mon.summary()


def test_a_monitors_summary_shows_as_its_lines_in_a_notebook() -> None:
    """``mon.summary()`` as a cell's last line: its lines, not a repr with ``\\n``."""
    from IPython.core.formatters import PlainTextFormatter

    mon = Monitor(detectors=[detectors.Patience(1)], display=False)
    for epoch, v in enumerate([1.0, 0.5, 0.7], start=1):
        mon.log(epoch, loss=v, val_loss=v)
    text = mon.summary()
    assert str(PlainTextFormatter()(text)) == str(text)
    assert len(str(PlainTextFormatter()(text)).splitlines()) == len(text.splitlines()) >= 3
    assert isinstance(text, str)
