"""The %nngraph magics, run through a real IPython shell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import torch
from IPython.core.error import UsageError
from IPython.testing import globalipapp

import nngraph as ng
from nngraph import i18n, magics


@pytest.fixture
def ip(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    globalipapp.start_ipython()
    shell = globalipapp.get_ipython()
    shown: list[Any] = []
    monkeypatch.setattr(magics, "display", shown.append)
    shell.run_line_magic("load_ext", "nngraph")
    shell.user_ns["shown"] = shown
    shell.run_cell(
        "import torch, nngraph as ng\nnet = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))"
    )
    yield shell
    shell.run_line_magic("unload_ext", "nngraph")


def test_line_magic_gives_the_graph_of_an_expression(ip: Any) -> None:
    ip.run_cell("x = torch.ones(2, requires_grad=True)")
    graph = ip.run_line_magic("nngraph", "(x * 3).sum()")
    assert isinstance(graph, ng.Graph)
    assert sorted(d["op"] for _, d in graph.nodes(data=True) if d["kind"] == "op") == ["mul", "sum"]


def test_line_magic_names_the_parameters_of_the_notebooks_model(ip: Any) -> None:
    ip.run_cell("loss = net(torch.randn(2, 3)).pow(2).mean()")
    graph = ip.run_line_magic("nngraph", "loss")
    names = sorted(d["name"] for _, d in graph.nodes(data=True) if d["kind"] == "param")
    assert names == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert "Total params: 21" in graph.summary()


@pytest.mark.parametrize("word", ["help", "-h", "--help"])
def test_asking_for_help_prints_the_help(
    ip: Any, word: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.run_line_magic("nngraph", word)
    assert "%%nngraph [options]" in capsys.readouterr().out


def test_o_never_replaces_a_variable_of_another_kind(ip: Any) -> None:
    with pytest.raises(UsageError, match="would replace your net"):
        ip.run_cell_magic("nngraph", "-o net -q", "ran_anyway = True")
    assert "ran_anyway" not in ip.user_ns and isinstance(ip.user_ns["net"], torch.nn.Module)
    with pytest.raises(UsageError, match="would replace your net"):
        ip.run_line_magic("nngraph", "monitor -o net")
    ip.run_cell_magic("nngraph", "-o g -q", "y = net(torch.randn(1, 3)).sum()")
    ip.run_cell_magic("nngraph", "-o g -q", "y = net(torch.randn(1, 3)).sum()")  # a graph again
    assert isinstance(ip.user_ns["g"], ng.Graph)


def test_cell_magic_records_the_cell_and_keeps_the_graph(ip: Any) -> None:
    ip.run_cell_magic(
        "nngraph",
        "--model net -o g --depth 1 --view backward",
        "loss = net(torch.randn(5, 3)).sum()\nloss.backward()",
    )
    graph = ip.user_ns["g"]
    assert isinstance(graph, ng.Graph)
    assert {d["module"] for _, d in graph.nodes(data=True) if d["op"] == "linear"} == {"0", "2"}
    assert any(d["grad"] is not None for _, d in graph.nodes(data=True))
    assert len(ip.user_ns["shown"]) == 1
    assert ip.user_ns["loss"].ndim == 0  # the cell's own variables are there
    outputs = [graph.nodes[o]["label"] for o in graph.graph["outputs"]]
    assert outputs == ["loss"]  # named after the notebook's variable


def test_quiet_cell_shows_nothing(ip: Any) -> None:
    ip.run_cell_magic("nngraph", "-q -o g2", "y = net(torch.randn(2, 3))")
    assert ip.user_ns["shown"] == [] and len(ip.user_ns["g2"]) > 0


def test_an_error_in_the_cell_fails_the_cell(ip: Any) -> None:
    result = ip.run_cell("%%nngraph -q\nraise ValueError('bug in my cell')")
    assert not result.success
    assert isinstance(result.error_in_exec, ValueError)
    assert str(result.error_in_exec) == "bug in my cell"


def test_a_failing_forward_fails_the_cell_and_leaves_nothing_registered(ip: Any) -> None:
    ip.run_cell(
        "class Bad(torch.nn.Module):\n"
        "    def forward(self, x):\n"
        "        raise RuntimeError('shape mismatch')\n"
        "bad = Bad()"
    )
    result = ip.run_cell("%%nngraph --model bad -o g_bad\ny = torch.ones(2) * 2\nbad(y)")
    assert isinstance(result.error_in_exec, RuntimeError)
    assert "g_bad" not in ip.user_ns and ip.user_ns["shown"] == []
    assert torch._C._len_torch_function_stack() == 0
    assert not torch.nn.modules.module._global_forward_hooks
    assert not ip.user_ns["bad"]._forward_hooks and not ip.user_ns["bad"]._forward_pre_hooks
    ip.run_cell_magic("nngraph", "-q -o g_ok", "z = net(torch.randn(2, 3))")  # still works
    assert len(ip.user_ns["g_ok"]) > 0


def test_the_cells_last_expression_is_its_output(ip: Any) -> None:
    value = ip.run_cell_magic("nngraph", "-q", "a = 2\na * 21")
    assert value == 42 and ip.user_ns["a"] == 2


def test_an_nngraph_error_raised_by_the_cell_is_not_turned_into_a_usage_line(ip: Any) -> None:
    result = ip.run_cell("%%nngraph -q\nng.graph_of(3.0)")
    assert type(result.error_in_exec) is ng.NNGraphError


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("", "usage: %nngraph"),
        ("undefined_name", "cannot evaluate 'undefined_name'"),
        ("3 + 4", "needs a torch.Tensor"),
        ("lang de", "choose one of en, pl"),
        ("monitr --model net", "the commands are monitor, watch and lang"),
        ("monitor -o 1abc", "-o needs a Python variable name"),
        ("watch net -o class", "-o needs a Python variable name"),
        ("monitor --mode up", "invalid choice: 'up'"),
        ("monitor --mod max", "unrecognized arguments: --mod max"),
        ("watch", "the following arguments are required: model"),
        ('"unclosed', "No closing quotation"),
    ],
)
def test_wrong_arguments_give_one_clear_line(ip: Any, line: str, says: str) -> None:
    with pytest.raises(UsageError, match=None) as caught:
        ip.run_line_magic("nngraph", line)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_wrong_cell_options_give_one_clear_line(ip: Any) -> None:
    with pytest.raises(UsageError, match="invalid choice: 'sideways'"):
        ip.run_cell_magic("nngraph", "--view sideways", "y = 1")
    with pytest.raises(UsageError, match="variable name"):
        ip.run_cell_magic("nngraph", "-o 1abc", "y = 1")
    with pytest.raises(UsageError, match="unrecognized arguments: --mod net"):
        ip.run_cell_magic("nngraph", "--mod net", "y = 1")
    for depth in ("-1", "two"):  # refused before the cell runs
        with pytest.raises(UsageError, match="whole number >= 0"):
            ip.run_cell_magic("nngraph", f"--depth {depth}", "ran = True")
        assert "ran" not in ip.user_ns


def test_monitor_and_watch_are_created_from_a_line(ip: Any) -> None:
    ip.run_line_magic("nngraph", "monitor --model net -o m")
    ip.run_line_magic("nngraph", "watch net -o w")
    assert isinstance(ip.user_ns["m"], ng.Monitor) and ip.user_ns["m"].model is ip.user_ns["net"]
    ip.run_cell("net(torch.randn(2, 3)).sum().backward(); w.step(); w.close()")
    assert ip.user_ns["w"].steps == 1


@pytest.mark.parametrize(
    ("line", "mode"),
    [
        ("monitor --model net --metric val_acc --mode max -o m", "max"),
        ("monitor --model net --metric val_acc -o m", "max"),
        ("monitor --model net --metric val_acc --mode min -o m", "min"),
        ("monitor --model net -o m", "min"),
    ],
)
def test_monitor_mode_is_an_option_and_accuracy_is_maximised(
    ip: Any, line: str, mode: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.run_line_magic("nngraph", line)
    mon = ip.user_ns["m"]
    assert mon.mode == mode and mon.model is ip.user_ns["net"]
    assert f"mode={mode!r}" in capsys.readouterr().out


def test_help_and_language_switch(ip: Any) -> None:
    assert "%%nngraph [options]" in magics.NNGraphMagics.nngraph.__doc__
    ip.run_line_magic("nngraph", "lang pl")
    assert i18n.get_language() == "pl"
    assert "nagraj całą komórkę" in magics.NNGraphMagics.nngraph.__doc__


def test_unload_removes_the_magics(ip: Any) -> None:
    ip.run_line_magic("unload_ext", "nngraph")
    assert "nngraph" not in ip.magics_manager.magics["line"]
    ip.run_line_magic("load_ext", "nngraph")
    assert "nngraph" in ip.magics_manager.magics["cell"]
