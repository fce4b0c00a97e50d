"""An `NNGraphError` in a notebook shows the user's lines and the message, not nngraph's frames
(`nngraph/_ipython_errors.py`); every other error, and `%debug`/`%tb`, are IPython's own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from IPython.testing import globalipapp

import nngraph as ng
from nngraph import _ipython_errors

PACKAGE = os.path.dirname(os.path.abspath(ng.__file__)) + os.sep

SETUP = (
    "import torch, nngraph as ng\ng = ng.graph_of((torch.ones(2, requires_grad=True) * 2).sum())"
)


@pytest.fixture
def shell() -> Iterator[Any]:
    """The test shell with nngraph's handler installed as `import nngraph` does in a notebook;
    the handler, `%xmode` and `%pdb` as they were afterwards."""
    globalipapp.start_ipython()
    ip = globalipapp.get_ipython()
    before = ip.custom_exceptions, ip.CustomTB, ip.InteractiveTB.mode, ip.call_pdb
    ip.set_custom_exc((), None)
    _ipython_errors.install()  # the running shell, found as `import nngraph` finds it
    ip.run_cell(SETUP)
    yield ip
    ip.custom_exceptions, ip.CustomTB, mode, ip.call_pdb = before
    ip.InteractiveTB.set_mode(mode)
    ip.InteractiveTB.skip_hidden = True


def shown(ip: Any, cell: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, Any]:
    capsys.readouterr()
    result = ip.run_cell(cell, store_history=True)
    out = capsys.readouterr()
    return out.out + out.err, result


FOUR = [  # sweep 18c: 24 to 44 lines through nngraph's code above the message
    ("ng.datasets.iris(split=(0.5, 0.5))", "split must be three fractions"),
    ("g.show(depth='2')", "needs a whole number"),  # through traitlets' validation
    ("ng.Monitor(mode='up')", "mode must be 'min', 'max' or 'auto'"),
    ("ng.datasets.digits(seed=-1)", "seed must be a whole number"),
]


@pytest.mark.parametrize(("cell", "says"), FOUR)
def test_an_nngraph_error_shows_the_users_line_and_the_message_only(
    shell: Any, cell: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out, result = shown(shell, cell, capsys)
    assert type(result.error_in_exec) is ng.NNGraphError  # the cell failed, as before
    assert says in out and f"----> 1 {cell}" in out  # the message and the user's own line
    assert re.search(r"Cell In\[\d+\], line 1", out)
    assert PACKAGE not in out and "traitlets" not in out
    assert "File " not in out  # no frame but the cell's
    assert len(out.strip().splitlines()) <= 6


def test_code_of_the_users_that_nngraph_ran_is_shown_without_torchs_frames(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell = (
        "class Model(torch.nn.Module):\n"
        "    def forward(self, x):\n"
        "        return ng.graph_of(3.0)\n"
        "ng.trace(Model(), torch.ones(1))"
    )
    out, _ = shown(shell, cell, capsys)
    assert "----> 4 ng.trace(Model(), torch.ones(1))" in out
    assert "in Model.forward" in out and "----> 3     return ng.graph_of(3.0)" in out
    assert PACKAGE not in out and "torch" + os.sep + "nn" not in out
    assert "graph_of needs a torch.Tensor" in out


def test_the_error_it_was_raised_from_stays_readable(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    out, result = shown(shell, "ng.Graph.from_json('{bad')", capsys)
    assert "JSONDecodeError: Expecting property name" in out
    assert "The above exception was the direct cause of the following exception" in out
    assert "needs JSON text" in out and PACKAGE not in out
    cause = result.error_in_exec.__cause__
    assert cause.__traceback__ is not None and cause.__traceback__.tb_next is not None  # kept


@pytest.mark.parametrize("mode", ["Plain", "Context", "Verbose", "Minimal", "Docs"])
def test_every_xmode_shows_the_message_without_nngraphs_frames(
    shell: Any, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("xmode", mode)
    out, _ = shown(shell, "ng.Monitor(mode='up')", capsys)
    assert "mode must be 'min', 'max' or 'auto', got 'up'" in out
    assert "_monitor.py" not in out and "_names.py" not in out  # Verbose shows `ng = <module>`


def test_xmode_show_and_tb_show_every_frame_and_debug_enters_the_real_one(
    shell: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, result = shown(shell, "ng.Monitor(mode='up')", capsys)
    assert PACKAGE not in out
    error = result.error_in_exec
    assert isinstance(error, ng.NNGraphError) and sys.last_value is error
    assert sys.last_traceback is error.__traceback__  # every frame, as raised
    shell.run_line_magic("tb", "")
    assert f"{PACKAGE}monitor{os.sep}_names.py" in capsys.readouterr().out  # the full one

    entered: list[Any] = []

    class Pdb:  # stands in for the debugger `%debug` starts
        botframe = None

        def reset(self) -> None:
            pass

        def interaction(self, frame: Any, where: Any) -> None:
            entered.append(where)

    monkeypatch.setattr(shell.InteractiveTB, "pdb", Pdb())
    shell.run_line_magic("debug", "")
    tb = getattr(entered[0], "__traceback__", entered[0])
    while tb.tb_next is not None:
        tb = tb.tb_next
    assert tb.tb_frame.f_code.co_filename.startswith(PACKAGE)  # where it was raised

    shell.run_line_magic("pdb", "on")  # post-mortem right after the error, as for any other
    out, _ = shown(shell, "ng.Monitor(mode='up')", capsys)
    assert len(entered) == 2 and "got 'up'" in out

    shell.run_line_magic("pdb", "off")
    shell.run_line_magic("xmode", "--show")
    out, _ = shown(shell, "ng.Monitor(mode='up')", capsys)
    assert f"{PACKAGE}monitor{os.sep}_names.py" in out


@pytest.mark.parametrize(
    "cell",
    [
        "def f(x):\n    return x + 'a'\nf(1)",  # the user's own error
        "torch.nn.Linear(3, 2)(torch.ones(1, 4))",  # torch's
        "ng.trace(torch.nn.Linear(3, 2), torch.ones(1, 4))",  # torch's, through nngraph
    ],
)
def test_any_other_error_shows_as_without_nngraph(
    shell: Any, cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with_handler, result = shown(shell, cell, capsys)
    assert not isinstance(result.error_in_exec, ng.NNGraphError)
    shell.set_custom_exc((), None)
    without, _ = shown(shell, cell, capsys)
    same = re.sub(r"Cell In\[\d+\]", "Cell In[N]", with_handler)
    assert same == re.sub(r"Cell In\[\d+\]", "Cell In[N]", without)
    assert "Error" in same


@pytest.mark.parametrize(
    ("cell", "last"),
    [
        ("ng.trace(net, torch.randn(4, 3))", "return F.linear(input"),  # 3 features, not 2
        (
            "ng.trace(net, torch.randn(4, 2),\n"
            "         loss=lambda out: F.binary_cross_entropy_with_logits(out, torch.zeros(4)))",
            "raise ValueError(",
        ),
    ],
    ids=["forward", "loss"],
)
def test_an_error_of_the_students_model_inside_trace_shows_no_frame_of_nngraph(
    shell: Any, cell: str, last: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The traceback ended in `_record.py` (`out = func(*args, **kwargs)`), or went through
    `trace()` and `call_loss`, whose docstring was printed as context with "NNGraphError: loss
    is F.cross_entropy" in it, and torch's `handle_torch_function` (sweep 20c)."""
    shell.run_cell(
        "import torch.nn.functional as F\nnet = torch.nn.Sequential(torch.nn.Linear(2, 1))"
    )
    out, result = shown(shell, cell, capsys)
    assert isinstance(result.error_in_exec, RuntimeError | ValueError)
    assert re.search(r"Cell In\[\d+\], line 1\n----> 1 ng\.trace\(net", out)  # the student's line
    assert PACKAGE not in out and "NNGraphError" not in out and "skipping hidden" not in out
    assert "handle_torch_function" not in out
    assert last in out.split("File ")[-1]  # the last frame: where it fails without nngraph


def test_a_custom_handler_already_set_is_kept(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[BaseException] = []

    def theirs(ip: Any, etype: Any, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
        seen.append(value)

    shell.set_custom_exc((ValueError,), theirs)  # catches NNGraphError too
    _ipython_errors.install(shell)
    ng.load_ipython_extension(shell)  # what `%load_ext nngraph` does
    ng.unload_ipython_extension(shell)
    assert shell.custom_exceptions == (ValueError,)
    shell.run_cell("ng.Monitor(mode='up')")
    assert len(seen) == 1 and isinstance(seen[0], ng.NNGraphError)


def test_load_ext_installs_it_where_none_is_set(shell: Any) -> None:
    shell.set_custom_exc((), None)
    ng.load_ipython_extension(shell)  # what `%load_ext nngraph` does
    ng.unload_ipython_extension(shell)
    assert shell.custom_exceptions == (ng.NNGraphError,)


def test_outside_ipython_nothing_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("IPython.get_ipython", lambda: None)  # a plain Python session
    _ipython_errors.install()  # no shell: nothing happens
    code = (
        "import sys, nngraph; print('IPython' in sys.modules, sys.excepthook is sys.__excepthook__)"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["False", "True"]
