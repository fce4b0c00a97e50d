"""The %nngraph magics, run through a real IPython shell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
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


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("", "usage: %nngraph"),
        ("undefined_name", "cannot evaluate 'undefined_name'"),
        ("3 + 4", "needs a torch.Tensor"),
        ("lang de", "choose one of en, pl"),
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


def test_monitor_and_watch_are_created_from_a_line(ip: Any) -> None:
    ip.run_line_magic("nngraph", "monitor --model net -o m")
    ip.run_line_magic("nngraph", "watch net -o w")
    assert isinstance(ip.user_ns["m"], ng.Monitor) and ip.user_ns["m"].model is ip.user_ns["net"]
    ip.run_cell("net(torch.randn(2, 3)).sum().backward(); w.step(); w.close()")
    assert ip.user_ns["w"].steps == 1


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
