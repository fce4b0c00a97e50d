"""The %nngraph magics, run through a real IPython shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from IPython.core.error import UsageError

import nngraph as ng
import nngraph.monitor
from nngraph import _magic_api_errors, _magic_args, i18n, magics
from nngraph.capture import NNGraphWarning


@pytest.fixture
def ip(magic_shell: Any) -> Any:
    magic_shell.run_cell(
        "import torch, nngraph as ng\nnet = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))"
    )
    return magic_shell


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


def test_line_magic_names_the_notebooks_leaves_and_result(ip: Any) -> None:
    # as %%nngraph does: the first lesson's `x` and `y`, not "input" and "output"
    ip.run_cell("x = torch.tensor(2.0, requires_grad=True)\ny = x**3 + 2*x")
    graph = ip.run_line_magic("nngraph", "y")
    labels = sorted((d["kind"], d["label"]) for _, d in graph.nodes(data=True) if d["kind"] != "op")
    assert labels == [("input", "x"), ("output", "y")]


def test_a_bare_line_whose_value_nothing_shows_shows_the_graph(ip: Any) -> None:
    """`%nngraph out` in a function showed nothing and said nothing: the graph it gave back was
    thrown away (sweep 27, s1). Kept (`g = %nngraph out`) or a cell's last line, the magic
    itself shows nothing: IPython shows a cell's value."""
    ip.run_cell(
        "def step():\n"
        "    out = net(torch.randn(2, 3)).sum()\n"
        "    %nngraph out\n"
        "    kept = %nngraph out\n"
        "    return kept\n"
        "kept = step()"
    )
    shown = ip.user_ns["shown"]
    assert len(shown) == 1 and isinstance(shown[0], ng.GraphView)
    assert isinstance(ip.user_ns["kept"], ng.Graph)
    ip.run_cell(
        "x = torch.ones(2, requires_grad=True)\nfor i in range(2):\n    %nngraph (x * i).sum()"
    )
    assert len(shown) == 3  # in a loop too
    result = ip.run_cell("%nngraph (x * 2).sum()\n")
    assert isinstance(result.result, ng.Graph) and len(shown) == 3  # shown by IPython
    ip.run_line_magic("nngraph", "(x * 2).sum()")  # not a cell's code: its caller decides
    assert len(shown) == 3


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


def test_o_never_hides_a_builtin_and_takes_names_as_python_reads_them(ip: Any) -> None:
    """Sweep s41 (esc, findings 7 and 8): `-o print` made every later print() fail, and `-o ｇ`
    kept the graph under a name no cell can read (Python reads `ｇ` as `g`)."""
    with pytest.raises(UsageError, match=r"would hide Python's own len.*e\.g\. -o mon"):
        ip.run_line_magic("nngraph", "monitor -o len")
    assert "len" not in ip.user_ns
    ip.user_ns.pop("g", None)
    ip.run_cell_magic("nngraph", "-o ｇ -q", "y = net(torch.randn(1, 3)).sum()")
    assert isinstance(ip.run_cell("g").result, ng.Graph)


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
        ("3 + 4", "%nngraph: 3 + 4 is a Python int, a number with no graph"),
        ("net", "net is a model, which has no graph until it runs: put %%nngraph on top"),
        ("lang de", "choose one of en, pl"),
        ("lang pl en", "%nngraph lang takes one language, one of en, pl; got: pl en"),
        ("monitr --model net", "did you mean %nngraph monitor --model net?"),
        ("mystery --model net", "the commands are monitor, watch and lang"),
        ("monitor -o 1abc", "-o needs a Python variable name"),
        ("watch net -o class", "-o needs a Python variable name"),
        ("monitor --mode up", "invalid choice: 'up'"),
        ("monitor --mod max", "unrecognized arguments: --mod max"),
        ("watch", "the following arguments are required: model"),
        ("watch net --monitor net", "needs an ng.Monitor, got Sequential"),
        ('monitor --name "unclosed', "No closing quotation"),
        ("--depth 2 loss", "belong to %%nngraph"),
        ("-o g loss", "belong to %%nngraph"),
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
        with pytest.raises(UsageError, match="--depth needs a whole number >= 0"):
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
    echoed = f"mode={mode!r}" in capsys.readouterr().out
    assert echoed == ("--metric" in line or "--mode " in line)  # not the default's (sweep s47)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_metric_of_unknown_direction_is_warned_at_the_notebooks_line_in_the_magics_words(
    ip: Any, language: str
) -> None:
    """`%nngraph monitor --metric val_custom` warned at IPython's `interactiveshell.py`
    (`result = fn(*args, **kwargs)`), and said to pass `mode="max"` (sweep 28, 4.4)."""
    import IPython

    i18n.set_language(language)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ip.run_cell("%nngraph monitor --metric val_custom -o m_custom").success
    assert len(caught) == 1 and caught[0].category is UserWarning
    text = str(caught[0].message)
    assert text.startswith("%nngraph monitor: ") and "'val_custom'" in text
    assert "--mode max" in text and "--mode min" in text and "mode=" not in text
    place = str(Path(caught[0].filename).resolve())
    for package in (IPython, ng):
        assert not place.startswith(str(Path(package.__file__).parent))
    assert ip.user_ns["m_custom"].mode == "min"  # a loss, as the warning says
    for chosen in ("max", "min"):  # chosen: no warning
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ip.run_line_magic("nngraph", f"monitor --metric val_custom --mode {chosen} -o m2")
        assert caught == [] and ip.user_ns["m2"].mode == chosen


def test_help_and_language_switch(ip: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert "%%nngraph [options]" in magics.NNGraphMagics.nngraph.__doc__
    ip.run_line_magic("nngraph", "lang")  # without a language: which one, and how to switch
    assert capsys.readouterr().out.strip() == (
        "nngraph speaks en (it knows en, pl): %nngraph lang pl switches"
    )
    ip.run_line_magic("nngraph", "lang pl")
    assert i18n.get_language() == "pl"
    assert "nagraj całą komórkę" in magics.NNGraphMagics.nngraph.__doc__
    ip.run_line_magic("nngraph", "lang")
    assert "język nngraph: pl" in capsys.readouterr().out


def test_unload_removes_the_magics(ip: Any) -> None:
    ip.run_line_magic("unload_ext", "nngraph")
    assert "nngraph" not in ip.magics_manager.magics["line"]
    ip.run_line_magic("load_ext", "nngraph")
    assert "nngraph" in ip.magics_manager.magics["cell"]


@pytest.mark.parametrize("languages", [("pl", "en"), ("en", "pl")])
def test_the_help_is_in_the_language_chosen_while_the_extension_was_unloaded(
    ip: Any, languages: tuple[str, ...]
) -> None:
    """`%nngraph?` stayed in the language it had at `%unload_ext` (sweep S, bug 2)."""
    for language in languages:
        ip.run_line_magic("unload_ext", "nngraph")
        i18n.set_language(language)
        ip.run_line_magic("load_ext", "nngraph")
        assert ip.magics_manager.magics["line"]["nngraph"].__doc__ == i18n.message("magic.help")


def test_the_cell_reader_comes_with_the_extension_and_goes_with_it(ip: Any) -> None:
    kinds = [type(transformer) for transformer in ip.input_transformers_post]
    magics.unload_ipython_extension(ip)
    magics.load_ipython_extension(ip)
    magics.load_ipython_extension(ip)  # twice is harmless
    assert [type(transformer) for transformer in ip.input_transformers_post] == kinds
    ip.run_line_magic("unload_ext", "nngraph")
    assert len(ip.input_transformers_post) == len(kinds) - 1  # plain cells are as they were
    ip.run_line_magic("load_ext", "nngraph")


# A %%nngraph cell runs as the same cell would without the magic.


def test_a_traceback_names_the_running_cell(ip: Any) -> None:
    result = ip.run_cell("%%nngraph -q\na = 1\n1 / 0", store_history=True)
    frame = traceback.extract_tb(result.error_in_exec.__traceback__)[-1]
    assert ip.compile._filename_map[frame.filename] == result.execution_count  # "Cell In[N]"
    assert frame.lineno == 2


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("started = True\ny = (1 +\n", 2),  # found by the parser
        ("started = True\nif started:\npass\n", 3),  # an IndentationError
        ("started = True\nfor epoch in range(3):\n    pass\nif started:\n    break\n", 5),
        ("started = True\nreturn started\n", 2),  # these by the compiler (sweep S, bug 1)
        ("started = True\nnonlocal elsewhere\n", 2),
        ("started = True\n(yield started)\n", 2),  # in the last line, the cell's value
    ],
    ids=["parse", "indentation", "break", "return", "nonlocal", "yield"],
)
def test_a_syntax_error_is_reported_as_in_a_plain_cell(
    ip: Any, capsys: pytest.CaptureFixture[str], body: str, line: int
) -> None:
    capsys.readouterr()
    plain = ip.run_cell(body, store_history=True)
    expected = capsys.readouterr().out.replace(f"In[{plain.execution_count}]", "In[N]")
    ip.user_ns.pop("started", None)  # IPython runs a plain cell's lines before one that fails
    result = ip.run_cell("%%nngraph -o g_never\n" + body, store_history=True)
    report = capsys.readouterr().out.replace(f"In[{result.execution_count}]", "In[N]")
    assert f"In[N], line {line}" in expected and "Error" in expected
    assert report == expected  # the cell's line and a caret: no traceback through nngraph
    assert "Traceback" not in report and "magics" not in report
    # the error a plain cell has, as notebooks save it (sweep S, bug 4)
    assert type(result.error_before_exec) is type(plain.error_before_exec)
    assert isinstance(result.error_before_exec, SyntaxError) and result.error_in_exec is None
    assert "started" not in ip.user_ns and "g_never" not in ip.user_ns  # nothing of it ran
    assert ip.user_ns["shown"] == []


def test_a_cell_may_await_at_the_top_level_as_a_plain_cell_can(ip: Any) -> None:
    result = ip.run_cell(
        "%%nngraph -q -o g_async\n"
        "import asyncio\n"
        "await asyncio.sleep(0)\n"
        "y = net(torch.randn(2, 3)).sum()\n"
        "await asyncio.sleep(0, result=6 * 7)\n"
    )
    assert result.success and result.result == 42  # the last line's value is the cell's output
    ip.run_cell_magic("nngraph", "-q -o g_sync", "y = net(torch.randn(2, 3)).sum()")
    ops = [[d["op"] for _, d in ip.user_ns[g].nodes(data=True)] for g in ("g_async", "g_sync")]
    assert ops[0] == ops[1] and "linear" in ops[0]  # recorded as without `await`
    failed = ip.run_cell("%%nngraph -q\nimport asyncio\nawait asyncio.sleep(0)\nraise KeyError(7)")
    assert isinstance(failed.error_in_exec, KeyError)  # the cell's own error, as without
    assert torch._C._len_torch_function_stack() == 0  # the recording has ended


def test_code_that_awaits_given_to_the_magic_directly_is_a_syntax_error_not_skipped(
    ip: Any,
) -> None:
    """Only a cell IPython itself awaits may await: `run_cell_magic` called from code gives back
    a value nobody awaits, so the code would silently never run."""
    ip.user_ns["awaited_code_ran"] = False
    code = "import asyncio\nawait asyncio.sleep(0)\nawaited_code_ran = True"
    with pytest.raises(SyntaxError, match="await"):
        ip.run_cell_magic("nngraph", "-q", code)
    assert ip.user_ns.pop("awaited_code_ran") is False


def test_a_cell_that_awaits_without_autoawait_is_a_syntax_error_as_a_plain_cell(
    ip: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ip, "autoawait", False)  # `%autoawait off`
    body = "import asyncio\nawait asyncio.sleep(0)\n"
    plain, magic = ip.run_cell(body), ip.run_cell("%%nngraph -q\n" + body)
    assert type(magic.error_before_exec) is type(plain.error_before_exec) is SyntaxError


def test_a_trailing_semicolon_hides_the_cells_value(ip: Any) -> None:
    assert ip.run_cell_magic("nngraph", "-q", "seen = []\nseen.append(1) or 42;") is None
    assert ip.user_ns["seen"] == [1]  # the last line still ran
    assert ip.run_cell_magic("nngraph", "-q", "6 * 7  # no semicolon; here") == 42


@pytest.mark.parametrize("rerun", [True, False], ids=["re-run cell", "first run"])
def test_a_cell_that_makes_its_model_anew_is_named_after_the_new_model(
    ip: Any, rerun: bool
) -> None:
    ip.run_cell("model = net" if rerun else "model = None; del model")
    cell = "model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh())\nmodel(torch.randn(4, 3)).sum().backward()"
    ip.run_cell_magic("nngraph", "--model model -o g -q", cell)
    graph = ip.user_ns["g"]
    assert graph.graph["modules"][""] == {
        **graph.graph["modules"][""],
        "type": "Sequential",
        "params": 8,
    }
    assert sorted(d["name"] for _, d in graph.nodes(data=True) if d["kind"] == "param") == [
        "0.bias",
        "0.weight",
    ]
    assert "Total params: 8" in graph.summary()  # the old model does not count


def test_a_model_option_that_names_no_module_after_the_cell_is_one_clear_line(ip: Any) -> None:
    with pytest.raises(UsageError, match=r"^%%nngraph: --model needs a torch\.nn\.Module, got int"):
        ip.run_cell_magic("nngraph", "--model model -q", "model = 3\nnet(torch.randn(1, 3))")


# %nngraph monitor and %nngraph watch


def test_watch_with_an_optimizer_records_every_step(ip: Any) -> None:
    ip.run_cell("opt = torch.optim.SGD(net.parameters(), lr=0.1)")
    ip.run_line_magic("nngraph", "watch net --optimizer opt")
    ip.run_cell(
        "for _ in range(3):\n"
        "    opt.zero_grad(); net(torch.randn(2, 3)).sum().backward(); opt.step()"
    )
    assert ip.user_ns["watch"].steps == 3


def test_watch_without_an_optimizer_says_how_to_record_a_step(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.run_line_magic("nngraph", "watch net")
    out = capsys.readouterr().out
    assert "watch = ng.GradientWatch(net)" in out
    assert "watch.step()" in out and "--optimizer" in out


def test_watch_shows_its_live_view_in_a_notebook(ip: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from nngraph.monitor import _display

    ip.run_line_magic("nngraph", "watch net -o w1")
    assert ip.user_ns["shown"] == []  # in a terminal: the lines it printed say it all
    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    ip.run_line_magic("nngraph", "watch net")
    assert ip.user_ns["shown"] == [ip.user_ns["watch"]]  # shown as its live view
    for name in ("w1", "watch"):
        ip.user_ns[name].close()


def _without_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a Python put together by hand, where anywidget cannot be imported."""
    monkeypatch.setitem(sys.modules, "anywidget", None)
    monkeypatch.setitem(sys.modules, "nngraph.widgets", None)


@pytest.mark.parametrize(
    ("cell", "magic"),
    [
        ("%%nngraph -o g_text\ny = net(torch.randn(2, 3)).sum()", "%%nngraph"),
        ("def f():\n    y = net(torch.randn(2, 3)).sum()\n    %nngraph y\nf()", "%nngraph"),
    ],
    ids=["cell", "line-in-a-function"],
)
def test_without_the_widgets_a_graph_is_shown_as_text_with_what_to_install(
    ip: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cell: str,
    magic: str,
) -> None:
    """`%%nngraph` failed with a bare ModuleNotFoundError (anywidget), where `g` as a cell's
    value shows its text summary (sweep 27, s5)."""
    _without_widgets(monkeypatch)
    capsys.readouterr()
    result = ip.run_cell(cell)
    assert result.success, result.error_in_exec
    out = capsys.readouterr().out
    assert out.count("%pip install --upgrade anywidget") == 1 and out.startswith(f"{magic}: ")
    (shown,) = ip.user_ns["shown"]
    assert "Total params: 21" in shown.data  # the summary, as `g` shows it then
    if magic == "%%nngraph":
        assert isinstance(ip.user_ns["g_text"], ng.Graph)  # kept as asked


def test_without_the_widgets_watch_shows_its_text_and_says_what_to_install(
    ip: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nngraph.monitor import _display

    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    _without_widgets(monkeypatch)
    capsys.readouterr()
    ip.run_line_magic("nngraph", "watch net -o w_text")
    assert capsys.readouterr().out.count("%pip install --upgrade anywidget") == 1
    assert ip.user_ns["shown"] == [ip.user_ns["w_text"]]  # its text, as a cell's value shows it
    ip.user_ns["w_text"].close()


def test_without_the_widgets_every_command_that_shows_a_view_says_what_to_install(
    ip: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a notebook without anywidget, `%nngraph loss` as a cell's last line showed its text
    and `%nngraph monitor` made a monitor of text lines, neither saying why (sweep 30, F6)."""
    from nngraph.monitor import _display

    ip.run_cell("loss30 = net(torch.randn(2, 3)).sum()")
    _without_widgets(monkeypatch)
    capsys.readouterr()
    assert ip.run_cell("%nngraph loss30").success  # in a terminal: text is all there is
    assert "anywidget" not in capsys.readouterr().out
    monkeypatch.setattr(_display, "in_notebook", lambda: True)
    commands = [
        ("%nngraph loss30", "%nngraph"),
        ("%nngraph monitor -o mon_text", "%nngraph monitor"),
    ]
    for cell, magic in commands:
        assert ip.run_cell(cell).success
        out = capsys.readouterr().out
        assert out.count("%pip install --upgrade anywidget") == 1 and f"{magic}: " in out
    assert ip.run_cell("g_text = %nngraph loss30").success  # kept, not shown: nothing to say
    assert "anywidget" not in capsys.readouterr().out


def test_watch_with_a_monitor_tells_it_what_it_finds(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.run_line_magic("nngraph", "monitor -o mon")
    ip.run_line_magic("nngraph", "watch net --monitor mon")
    assert "watch = ng.GradientWatch(net, monitor=mon)" in capsys.readouterr().out
    assert ip.user_ns["watch"].monitor is ip.user_ns["mon"]
    ip.run_cell("net(torch.full((2, 3), float('nan'))).sum().backward(); watch.step()")
    assert {event.detector for event in ip.user_ns["mon"].events} == {"GradientWatch"}
    ip.user_ns["watch"].close()


def test_watching_again_under_the_same_name_stops_the_old_watch(ip: Any) -> None:
    ip.run_cell("opt = torch.optim.SGD(net.parameters(), lr=0.1)")
    ip.run_line_magic("nngraph", "watch net --optimizer opt")
    old = ip.user_ns["watch"]
    ip.run_line_magic("nngraph", "watch net --optimizer opt")
    ip.run_cell("net(torch.randn(2, 3)).sum().backward(); opt.step()")
    assert old.steps == 0 and ip.user_ns["watch"].steps == 1


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("monitor", "Monitor"),
        ("monitor --model net -o m", "Monitor"),
        ("watch net", "GradientWatch"),
    ],
)
def test_a_refused_o_name_builds_and_shows_nothing(
    ip: Any, monkeypatch: pytest.MonkeyPatch, line: str, kind: str
) -> None:
    built: list[Any] = []
    original = getattr(nngraph.monitor, kind)

    class Spy(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(nngraph.monitor, kind, Spy)
    for name in ("mon", "m", "watch"):  # the student's own variables
        monkeypatch.setitem(ip.user_ns, name, torch.ones(1))
    with pytest.raises(UsageError, match="would replace your"):
        ip.run_line_magic("nngraph", line)
    assert built == []


def test_monitor_options_are_split_as_a_shell_would(ip: Any) -> None:
    ip.run_line_magic("nngraph", 'monitor --name "my run" -o lab  # the lab\'s monitor')
    assert ip.user_ns["lab"].name == "my run"


@pytest.mark.parametrize(
    "line",
    [
        "monitor --model net --name r1",
        "monitor --name 'my run' --metric val_acc",
        "monitor --model net --mode min -o m",
        "monitor",
    ],
)
def test_the_printed_monitor_line_makes_the_same_monitor_when_copied(
    ip: Any, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.run_line_magic("nngraph", line)
    printed = capsys.readouterr().out.strip()
    name, _ = printed.split(" = ", 1)
    made = ip.user_ns[name]
    ip.run_cell(printed)  # the student copies the line into a cell
    copied = ip.user_ns[name]
    assert copied is not made
    assert (copied.model, copied.name) == (made.model, made.name)
    assert (copied.metric, copied.mode) == (made.metric, made.mode)


def test_a_monitor_made_by_the_magic_follows_the_validation_loss_as_logged(ip: Any) -> None:
    ip.run_line_magic("nngraph", "monitor -o run")
    run = ip.user_ns["run"]
    run.log(1, loss=0.5, valid_loss=0.6)
    assert run.metric == "valid_loss"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("monitor --model net -o m;", "m"),
        ("monitor --model net -o m ;  # mine", "m"),
        ("watch net -o w_semi;", "w_semi"),
    ],
)
def test_a_trailing_semicolon_on_a_command_line_is_a_notebook_habit_not_an_error(
    ip: Any, line: str, name: str
) -> None:
    """`;` hides a line's output in a notebook; `%nngraph monitor --model net;` made no
    monitor: "cannot evaluate 'net;'" (sweep S, bug 3)."""
    ip.run_line_magic("nngraph", line)
    assert ip.user_ns[name].model is ip.user_ns["net"]
    if isinstance(ip.user_ns[name], ng.GradientWatch):
        ip.user_ns[name].close()


def test_a_trailing_semicolon_on_an_expression_or_lang_line_is_ignored(ip: Any) -> None:
    ip.run_cell("loss = net(torch.randn(2, 3)).sum()")
    assert isinstance(ip.run_line_magic("nngraph", "loss;"), ng.Graph)  # still shown
    assert isinstance(ip.run_line_magic("nngraph", "loss;  # the student's loss"), ng.Graph)
    assert ip.run_cell("g_semi = %nngraph loss;").success  # kept, as without the `;`
    assert isinstance(ip.user_ns["g_semi"], ng.Graph)
    ip.run_line_magic("nngraph", "lang pl;")
    assert i18n.get_language() == "pl"


def test_an_expression_line_may_end_in_a_comment(ip: Any) -> None:
    ip.run_cell("loss = net(torch.randn(2, 3)).sum()")
    assert isinstance(ip.run_line_magic("nngraph", "loss  # the student's loss"), ng.Graph)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_usage_line_and_the_help_list_every_option(language: str) -> None:
    i18n.set_language(language)
    usage, help_text = i18n.message("magic.usage"), i18n.message("magic.help")
    for option in ("--depth", "--view", "--color-by", "--model", "--metric", "--mode", "--name"):
        assert option in usage and option in help_text
    assert "--optimizer" in usage and "--optimizer" in help_text
    assert "%nngraph g " in help_text  # a graph kept with -o g (sweep s32)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_help_writes_every_description_in_one_column(language: str) -> None:
    """The English `%nngraph watch MODEL [options]` line had its description 3 columns to the
    right of every other line's (sweep 28, 4.6)."""
    i18n.set_language(language)
    columns = set()
    for line in i18n.message("magic.help").splitlines()[2:]:
        described = re.match(r" *\S+(?: \S+)*( {2,})\S", line)
        if described is not None:  # `  --depth N    open modules ...`
            columns.add(described.end(1))
        elif line.startswith(" " * 8):  # a description's second line
            columns.add(len(line) - len(line.lstrip()))
    assert len(columns) == 1


# Argument errors in the current language; the cell magic's errors name %%nngraph.

#: every kind of parse error a student can get, on the line magic and on the cell magic
ARGUMENT_ERRORS = [
    ("line", "monitor --modle net", "nieznane argumenty: --modle net; czy chodziło o --model?"),
    (
        "line",
        "monitor --mode maksimum",
        "argument --mode: niedozwolona wartość 'maksimum' (do wyboru: 'min', 'max', 'auto')",
    ),
    ("line", "watch", "brakuje wymaganego argumentu: model"),
    ("line", "watch --optimizer opt", "brakuje wymaganego argumentu: model"),
    ("line", "monitor --model", "argument --model: brakuje wartości (oczekiwano jednej)"),
    ("line", "watch net -o", "argument -o/--output: brakuje wartości (oczekiwano jednej)"),
    ("line", 'monitor --name "my run', "brakuje cudzysłowu zamykającego"),
    (
        "cell",
        "--colour-by grad",
        "nieznane argumenty: --colour-by grad; czy chodziło o --color-by?",
    ),
    (
        "cell",
        "--view sideways",
        "argument --view: niedozwolona wartość 'sideways' (do wyboru: 'forward', 'backward')",
    ),
    ("cell", "--depth", "argument --depth: brakuje wartości (oczekiwano jednej)"),
    (
        "cell",
        "--quiet=yes",
        "argument -q/--quiet: ta opcja nie przyjmuje wartości, a podano 'yes'",
    ),
    ("cell", "-q 'g", "brakuje cudzysłowu zamykającego"),
]

ARGPARSE_ENGLISH = (
    "unrecognized",
    "invalid choice",
    "choose from",
    "required",
    "expected one",
    "ignored explicit",
    "No closing",
)


def _refused(ip: Any, kind: str, line: str) -> str:
    with pytest.raises(UsageError) as caught:
        if kind == "line":
            ip.run_line_magic("nngraph", line)
        else:
            ip.run_cell_magic("nngraph", line, "ran = True")
    assert "ran" not in ip.user_ns
    return str(caught.value)


@pytest.mark.parametrize(("kind", "line", "says"), ARGUMENT_ERRORS)
def test_argument_errors_are_in_polish_after_lang_pl(
    ip: Any, kind: str, line: str, says: str
) -> None:
    ip.run_line_magic("nngraph", "lang pl")
    text = _refused(ip, kind, line)
    magic = "%%nngraph" if kind == "cell" else "%nngraph"
    assert text == f"{magic}: {says} (pomoc: %nngraph?)"
    assert not any(words in text for words in ARGPARSE_ENGLISH)


@pytest.mark.parametrize(("kind", "line", "says"), ARGUMENT_ERRORS)
def test_argument_errors_in_english_keep_their_words(
    ip: Any, kind: str, line: str, says: str
) -> None:
    text = _refused(ip, kind, line)
    assert text.endswith(" (help: %nngraph?)") and "\n" not in text
    assert any(words in text for words in ARGPARSE_ENGLISH)
    for quoted in ("--modle net", "'maksimum'", "model", "--colour-by grad", "'sideways'"):
        if quoted in says:
            assert quoted in text  # the offending names and values are kept


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("undefined_name", "NameError: nazwa 'undefined_name' nie jest zdefiniowana;"),
        ("net.no_such_layer", "AttributeError: obiekt typu Sequential nie ma atrybutu"),
        ("net(", "SyntaxError: to nie jest poprawny kod Pythona;"),
        ("monitor --model nosuchnet", "NameError: nazwa 'nosuchnet' nie jest zdefiniowana"),
    ],
)
def test_an_expression_that_cannot_be_evaluated_is_explained_in_polish(
    ip: Any, line: str, says: str
) -> None:
    """Python's own English words ("name ... is not defined") were in the Polish line (sweep O,
    bug 7); the undefined name is kept."""
    ip.run_line_magic("nngraph", "lang pl")
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("nngraph", line)
    assert "nie da się obliczyć" in str(caught.value) and says in str(caught.value)
    assert not any(word in str(caught.value) for word in ("is not defined", "invalid syntax"))
    assert "has no attribute" not in str(caught.value)


@pytest.mark.parametrize("line", ["net(torch.randn(2, 5)).sum()", "monitor --model make_model()"])
def test_an_error_raised_in_the_users_own_code_reaches_the_notebook_as_it_is(
    ip: Any, line: str
) -> None:
    """A shape bug in the model's forward became one line, with no traceback into the forward
    and nothing for %debug (sweep B)."""
    ip.run_cell("def make_model():\n    raise KeyError('checkpoint')")
    with pytest.raises((RuntimeError, KeyError)) as caught:
        ip.run_line_magic("nngraph", line)
    frames = [frame.name for frame in traceback.extract_tb(caught.value.__traceback__)]
    assert frames[-1] in ("make_model", "_conv_forward", "forward")  # where it was raised


def test_an_unknown_argparse_message_is_kept_as_it_is() -> None:
    i18n.set_language("pl")
    assert _magic_args.translated("something new in argparse") == "something new in argparse"
    required = "the following arguments are required: model, --optimizer"
    assert _magic_args.translated(required) == "brakuje wymaganych argumentów: model, --optimizer"


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ("--colour-by grad", "unrecognized arguments: --colour-by grad"),
        ("--model", "argument --model: expected one argument"),
        ("-o 1abc", "-o needs a Python variable name"),
        ("-o net", "would replace your net"),
        ("-o print", "would hide Python's own print"),
        ("--depth ²", "--depth needs a whole number >= 0, got '²'"),
        ("-q '", "No closing quotation"),
        ("--model no_such_net", "cannot evaluate 'no_such_net'"),
    ],
)
def test_cell_magic_errors_name_the_cell_magic(ip: Any, options: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        ip.run_cell_magic("nngraph", options, "ran = True")
    assert str(caught.value).startswith("%%nngraph: ") and says in str(caught.value)
    assert "ran" not in ip.user_ns


def test_watch_given_the_optimizer_class_is_one_clear_line(ip: Any) -> None:
    ip.user_ns.pop("watch", None)
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("nngraph", "watch net --optimizer torch.optim.SGD")
    text = str(caught.value)
    assert "not the class torch.optim.SGD" in text and "opt = torch.optim.SGD(" in text
    assert "\n" not in text and "watch" not in ip.user_ns


#: the Python call's errors under a command, and the magic's options they are told in
API_ERRORS = [
    ("monitor --model x30", "--model needs a torch.nn.Module, got Tensor", "--model"),
    ("watch x30", "the model to watch (x30) needs to be a torch.nn.Module", "(x30)"),
    ("watch opt30", "%nngraph watch model --optimizer opt30", "--optimizer opt30"),
    ("watch net --optimizer x30", "--optimizer needs a torch.optim optimizer", "--optimizer"),
    ("watch net --monitor net", "--monitor needs an ng.Monitor", "--monitor"),
    ("monitor --metric ''", "--metric val_loss or --metric val_acc; got ''", "--metric"),
    ("watch frozen30", "frozen30 has no trainable parameters", "frozen30"),
    ("watch torch.nn.LazyLinear(1)", "then %nngraph watch again", "%nngraph watch"),
]
PYTHON_CALL_WORDS = ("Monitor(", "GradientWatch", "model=", "optimizer=", "monitor=", "metric=")


def _api_refused(ip: Any, line: str) -> str:
    ip.run_cell(
        "x30 = torch.randn(2, 3)\nopt30 = torch.optim.SGD(net.parameters(), lr=0.1)\n"
        "frozen30 = torch.nn.Linear(2, 1).requires_grad_(False)"
    )
    for name in ("mon", "watch"):
        ip.user_ns.pop(name, None)
    text = _refused(ip, "line", line)
    assert "mon" not in ip.user_ns and "watch" not in ip.user_ns
    return text


@pytest.mark.parametrize(("line", "says", "option"), API_ERRORS)
def test_errors_of_the_call_under_a_command_are_told_in_the_magics_options(
    ip: Any, line: str, says: str, option: str
) -> None:
    """`%nngraph watch opt` was told to write GradientWatch(model, optimizer=opt), `monitor
    --model x` of Monitor(model=...) (sweep 30, F5): the student wrote the magic's options."""
    text = _api_refused(ip, line)
    command = line.split()[0]
    assert text.startswith(f"%nngraph {command}: ") and says in text and "\n" not in text
    assert not any(words in text for words in PYTHON_CALL_WORDS)


@pytest.mark.parametrize(("line", "says", "option"), API_ERRORS)
def test_errors_of_the_call_under_a_command_are_told_in_the_magics_options_in_polish(
    ip: Any, line: str, says: str, option: str
) -> None:
    ip.run_line_magic("nngraph", "lang pl")
    text = _api_refused(ip, line)
    assert text.startswith(f"%nngraph {line.split()[0]}: ") and option in text
    assert not any(words in text for words in PYTHON_CALL_WORDS)


def test_an_error_of_the_call_the_magic_has_no_words_for_is_kept_as_it_is() -> None:
    error = ng.NNGraphError("something the magic has not met")
    assert _magic_api_errors.in_magic_words(error, "watch", {"model": "net"}) == str(error)
    other = ng.NNGraphError(i18n.message("monitor.error.name", value=3))  # no option of watch
    assert _magic_api_errors.in_magic_words(other, "watch", {"model": "net"}) == str(other)


def test_a_trailing_backslash_is_explained_in_either_language(ip: Any) -> None:
    """English said shlex's "No escaped character" where Polish explains (sweep 30, F5)."""
    for language, says in [("en", "backslash"), ("pl", "ukośnik wsteczny")]:
        ip.run_line_magic("nngraph", f"lang {language}")
        text = _refused(ip, "line", "monitor --model net\\")
        assert "No escaped character" not in text and "\\" in text and says in text


@pytest.mark.parametrize(
    ("kind", "line", "then"),
    [
        ("line", "monitor --model Net", "--model model"),
        ("line", "watch Net", "%nngraph watch model"),
        ("cell", "--model Net", "--model model"),
        ("line", "Net", "%nngraph model(x)"),
    ],
)
def test_a_models_class_given_for_the_model_says_to_make_one_first(
    ip: Any, kind: str, line: str, then: str
) -> None:
    ip.run_cell(
        "class Net(torch.nn.Linear):\n    def __init__(self):\n        super().__init__(2, 1)"
    )
    text = _refused(ip, kind, line)
    assert "Net is a class, not a model" in text and f"model = Net(), then {then}" in text
    assert "\n" not in text


@pytest.mark.parametrize("loss", ["torch.nn.MSELoss", "torch.nn.CrossEntropyLoss"])
def test_a_loss_class_on_the_line_magic_says_to_call_the_loss_on_output_and_targets(
    ip: Any, loss: str
) -> None:
    """`%nngraph nn.MSELoss` was told to make `model = nn.MSELoss()` and run
    `%nngraph model(x)`, which fails: a loss needs the targets too (sweep 26b, finding 3)."""
    text = _refused(ip, "line", loss)
    assert f"{loss} is the class of a loss function" in text
    assert f"%nngraph {loss}()(model(x), y)" in text and "model = " not in text
    ip.run_cell("y21 = torch.randn(2, 1)")
    graph = ip.run_line_magic("nngraph", f"{loss}()(net(torch.randn(2, 3)), y21)")
    assert graph.number_of_nodes() > 0


@pytest.mark.parametrize("line", ["watch torch.nn.MSELoss", "monitor --model torch.nn.L1Loss"])
def test_a_loss_class_given_for_the_model_says_to_give_the_model(ip: Any, line: str) -> None:
    text = _refused(ip, "line", line)
    assert "is the class of a loss function, not a model" in text and "model = " not in text


@pytest.mark.parametrize(
    ("loss", "call"),
    [
        ("criterion", "criterion"),
        ("torch.nn.MSELoss()", "torch.nn.MSELoss()"),
        ("losses['ce']", "losses['ce']"),
        ("criterion if True else None", "(criterion if True else None)"),
    ],
)
@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_loss_on_the_line_magic_says_to_call_it_on_output_and_targets(
    ip: Any, loss: str, call: str, language: str
) -> None:
    """`%nngraph criterion` was told it is a model, to be run by %%nngraph or ng.trace(criterion,
    x, loss=...) (sweep 30, F4): a loss is called on the model's output and the targets."""
    ip.run_cell("criterion = torch.nn.CrossEntropyLoss()\nlosses = {'ce': criterion}")
    ip.run_line_magic("nngraph", f"lang {language}")
    text = _refused(ip, "line", loss)
    assert f"%nngraph {call}(model(x), y)" in text and "\n" not in text
    assert "ng.trace" not in text and "%%nngraph" not in text
    ip.run_cell("y30 = torch.tensor([0, 0])")
    graph = ip.run_line_magic("nngraph", "criterion(net(torch.randn(2, 3)), y30)")
    assert graph.number_of_nodes() > 0  # the call it suggests has a graph


@pytest.mark.parametrize(
    ("kind", "line", "then"),
    [
        ("line", "monitor --model criterion", "--model model"),
        ("line", "monitor --model torch.nn.MSELoss()", "--model model"),
        ("line", "watch criterion", "%nngraph watch model"),
        ("cell", "--model criterion", "--model model"),
    ],
)
def test_a_loss_given_for_the_model_is_refused_and_told_to_give_the_model(
    ip: Any, kind: str, line: str, then: str
) -> None:
    """`%nngraph monitor --model criterion` made a monitor keeping the best weights of a loss,
    which has none (sweep 30, F4)."""
    ip.run_cell("criterion = torch.nn.CrossEntropyLoss()")
    for name in ("mon", "watch"):
        ip.user_ns.pop(name, None)
    text = _refused(ip, kind, line)
    assert "is a loss function, not a model" in text and f"e.g. {then}" in text
    assert "mon" not in ip.user_ns and "watch" not in ip.user_ns
    ip.run_line_magic("nngraph", "lang pl")
    assert "to funkcja straty, a nie model" in _refused(ip, kind, line)


def test_a_loss_that_learns_weights_is_called_as_a_loss_and_may_be_the_monitored_model(
    ip: Any,
) -> None:
    """A loss with parameters of its own (a learned weighting) is still called on output and
    targets, and has weights to keep."""
    ip.run_cell(
        "class Weighted(torch.nn.modules.loss._Loss):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.w = torch.nn.Parameter(torch.ones(1))\n"
        "learned = Weighted()"
    )
    assert "%nngraph learned(model(x), y)" in _refused(ip, "line", "learned")
    ip.run_line_magic("nngraph", "monitor --model learned -o mon_learned")
    assert ip.user_ns["mon_learned"].model is ip.user_ns["learned"]


def test_a_models_class_that_needs_arguments_is_shown_made_with_them(ip: Any) -> None:
    text = _refused(ip, "line", "watch torch.nn.Linear")
    assert "torch.nn.Linear is a class" in text and "model = torch.nn.Linear(...)" in text


@pytest.mark.parametrize(
    ("kind", "line", "says"),
    [
        (
            "cell",
            "--color_by value",
            "unrecognized arguments: --color_by value; did you mean --color-by?",
        ),
        ("cell", "--colour-by value", "did you mean --color-by?"),
        ("cell", "-depth 1 -q", "did you mean --depth?"),
        ("line", "monitor --modle net --metrc val_acc", "did you mean --model, --metric?"),
        (
            "line",
            "monitr --model net",
            "there is no command monitr: did you mean %nngraph monitor --model net?",
        ),
        ("line", "wacth net", "did you mean %nngraph watch net?"),
        ("line", "language pl", "did you mean %nngraph lang pl?"),
    ],
)
def test_a_misspelt_option_or_command_is_told_its_spelling(
    ip: Any, kind: str, line: str, says: str
) -> None:
    text = _refused(ip, kind, line)
    assert says in text and "\n" not in text and "SyntaxError" not in text


def test_a_misspelt_command_is_told_in_polish(ip: Any) -> None:
    ip.run_line_magic("nngraph", "lang pl")
    text = _refused(ip, "line", "wacth net")
    assert (
        text
        == "%nngraph: nie ma polecenia wacth: czy chodziło o %nngraph watch net? (pomoc: %nngraph?)"
    )


def test_a_line_is_a_misspelt_command_only_when_it_is_no_python(ip: Any) -> None:
    # Python, but no name the notebook knows: evaluated, and told so with the commands
    assert "NameError" in _refused(ip, "line", "monitr()")
    assert "did you mean %nngraph monitor" in _refused(ip, "line", "monitr --model net")
    ip.run_cell("monitr = torch.ones(2, requires_grad=True)")  # a variable is no typo
    assert "did you mean" not in _refused(ip, "line", "monitr --model net")
    graph = ip.run_line_magic("nngraph", "monitr * 2")
    assert [d["op"] for _, d in graph.nodes(data=True) if d["kind"] == "op"] == ["mul"]


@pytest.mark.parametrize(
    "line", ["loss --depth 2", "loss -o g", "loss --view=backward", "loss -q", "loss.sum() -o g"]
)
def test_options_after_an_expression_say_they_belong_to_the_cell_magic(ip: Any, line: str) -> None:
    ip.run_cell("loss = net(torch.randn(2, 3)).pow(2).mean()")
    with pytest.raises(UsageError, match="belong to %%nngraph") as caught:
        ip.run_line_magic("nngraph", line)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("line", "meant"),
    [
        ("loss --depht 2", "--depth"),
        ("--color_by grad loss", "--color-by"),
        ("-0 g loss", "-o"),
        ("loss --veiw=backward", "--view"),
    ],
)
def test_misspelt_options_on_the_line_magic_say_where_options_go_and_their_spelling(
    ip: Any, line: str, meant: str
) -> None:
    """They were told only "the commands are monitor, watch and lang", while the same options
    spelt right were told they belong to %%nngraph (sweep 26b, finding 2)."""
    ip.run_cell("loss = net(torch.randn(2, 3)).pow(2).mean()")
    text = _refused(ip, "line", line)
    assert f"did you mean {meant}?" in text and "belong to %%nngraph" in text
    assert "the commands are" not in text and "\n" not in text
    ip.run_line_magic("nngraph", "lang pl")
    assert f"czy chodziło o {meant}?" in _refused(ip, "line", line)


def test_a_short_option_typed_with_a_zero_is_told_its_spelling_on_the_cell_magic(ip: Any) -> None:
    text = _refused(ip, "cell", "-0 g")
    assert "did you mean -o?" in text


@pytest.mark.parametrize("name", ["batch", "mon", "match", "hp", "watches"])
def test_a_variable_is_never_taken_for_a_misspelt_command(ip: Any, name: str) -> None:
    ip.run_cell(f"{name} = net(torch.randn(2, 3)).sum()")
    text = _refused(ip, "line", f"{name} --depth 2")
    assert "belong to %%nngraph" in text and "did you mean" not in text
    # a function's local variable too, as the line reads them
    ip.user_ns.pop(name)
    ip.run_cell(f"def show():\n    {name} = 1\n    %nngraph {name} --depth 2")
    with pytest.raises(UsageError, match="belong to %%nngraph") as caught:
        ip.ev("show()")
    assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("monitr", "monitor"),
        ("wacth", "watch MODEL"),
        ("lnag", "lang"),
        ("hlep", "help"),
        ("monitorr", "monitor"),
        ("moniyer", "monitor"),
        ("wach", "watch MODEL"),
        ("lan", "lang"),
    ],
)
def test_a_misspelt_command_alone_is_told_its_spelling(ip: Any, word: str, meant: str) -> None:
    """`%nngraph monitr` said "NameError: name 'monitr' is not defined", while `monitr --model
    net` was told the command (sweep 28, 4.5); it is a name not defined all the same."""
    ip.user_ns.pop(word, None)  # another test's variable
    text = _refused(ip, "line", word)
    assert text == (
        f"%nngraph: cannot evaluate {word!r}: NameError: name {word!r} is not defined; nor is "
        f"{word} a command: did you mean %nngraph {meant}? (help: %nngraph?)"
    )
    ip.run_line_magic("nngraph", "lang pl")
    text = _refused(ip, "line", word)
    assert f"nazwa {word!r} nie jest zdefiniowana" in text
    assert f"czy chodziło o %nngraph {meant}?" in text
    ip.run_line_magic("nngraph", "lang en")
    ip.run_cell(f"{word} = torch.ones(2, requires_grad=True) * 2")  # a variable is no typo
    assert isinstance(ip.run_line_magic("nngraph", word), ng.Graph)
    ip.user_ns.pop(word)


@pytest.mark.parametrize(
    "word", ["watcher", "monitors", "mon", "watched", "langs", "helper", "batch", "long", "held"]
)
def test_an_undefined_name_that_only_looks_like_a_command_is_a_name_error(
    ip: Any, word: str
) -> None:
    """`%nngraph mon` before the cell making the monitor ran was told "there is no command
    mon: did you mean %nngraph monitor?" (sweep 28 regression, 3)."""
    ip.user_ns.pop(word, None)
    text = _refused(ip, "line", word)
    assert text == (
        f"%nngraph: cannot evaluate {word!r}: NameError: name {word!r} is not defined; the "
        "commands are monitor, watch and lang (help: %nngraph?)"
    )


@pytest.mark.parametrize(
    ("line", "meant"),
    [("lang=pl", "lang pl"), ("lang = 'en'", "lang 'en'"), ("watch=net", "watch net")],
)
def test_a_command_written_as_an_assignment_is_shown_as_a_command(
    ip: Any, line: str, meant: str
) -> None:
    """`%nngraph lang=pl` was told it is a statement, and `g = %nngraph pl` keeps its graph
    (sweep 28 regression, 1)."""
    text = _refused(ip, "line", line)
    command = meant.split()[0]
    assert text.startswith(f"%nngraph: {line!r} assigns to {command}, which is a command")
    assert text.endswith(f"did you mean %nngraph {meant}? (help: %nngraph?)")
    assert "statement" not in text and "g = %nngraph" not in text and "\n" not in text
    ip.run_line_magic("nngraph", meant)  # the form it gives works
    if command == "watch":
        ip.user_ns.pop("watch").close()
    ip.run_line_magic("nngraph", "lang pl")
    assert f"czy chodziło o %nngraph {meant}?" in _refused(ip, "line", line)
    ip.run_line_magic("nngraph", "lang en")


@pytest.mark.parametrize("line", ["monitor=net", "monitor = net", "help=1"])
def test_a_command_assigned_what_it_does_not_take_is_told_the_commands(ip: Any, line: str) -> None:
    text = _refused(ip, "line", line)
    assert "which is a command" in text and "after a space, not after =" in text
    assert text.endswith("the commands are monitor, watch and lang (help: %nngraph?)")
    assert "did you mean" not in text and "g = %nngraph" not in text


@pytest.mark.parametrize("line", ["wacth --depth 2", "monitr net", "hlep --depth 2", "lnag -o g"])
def test_a_command_is_suggested_only_when_the_rest_of_the_line_fits_it(ip: Any, line: str) -> None:
    text = _refused(ip, "line", line)
    assert "did you mean" not in text and "the commands are monitor, watch and lang" in text


def test_a_command_that_ran_instead_of_a_variable_of_its_name_says_so(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`monitor = x` then `%nngraph monitor` made a monitor and said nothing of the variable."""
    ip.run_cell("monitor = torch.ones(2, requires_grad=True)")
    ip.run_line_magic("nngraph", "monitor")
    out = capsys.readouterr().out
    assert "(%nngraph monitor ran the command monitor, not your variable monitor" in out
    assert out.rstrip().endswith("write %nngraph (monitor))")
    ip.run_line_magic("nngraph", "lang pl")  # no variable `lang`: nothing to say
    assert "ran the command" not in capsys.readouterr().out
    ip.run_line_magic("nngraph", "lang en")
    ip.user_ns.pop("monitor")
    ip.user_ns.pop("mon", None)


def test_a_line_read_as_a_command_named_like_a_variable_says_how_to_evaluate_it(
    ip: Any,
) -> None:
    ip.run_cell("watch = torch.ones(2, requires_grad=True)")
    text = _refused(ip, "line", "watch + 1  # mine")
    assert text.startswith("%nngraph: unrecognized arguments: 1")
    assert "watch was read as the command %nngraph watch, not as your variable watch" in text
    assert text.endswith("put it in brackets: %nngraph (watch + 1)") and "\n" not in text
    graph = ip.run_line_magic("nngraph", "(watch + 1)")  # the form it gives works
    assert [d["op"] for _, d in graph.nodes(data=True) if d["kind"] == "op"] == ["add"]
    ip.run_line_magic("nngraph", "lang pl")
    assert "ujmij je w nawias: %nngraph (watch)" in _refused(ip, "line", "watch")
    ip.run_line_magic("nngraph", "lang en")
    # a line that is no Python, or a `watch` the command made, is only a command's mistake
    assert "read as the command" not in _refused(ip, "line", "watch no_such_net")
    ip.user_ns.pop("watch")
    ip.run_line_magic("nngraph", "watch net")
    assert "read as the command" not in _refused(ip, "line", "watch")
    ip.user_ns["watch"].close()


@pytest.mark.parametrize("line", ["monitor --help", "watch -h", "watch net --help", "lang -h"])
def test_help_on_a_command_prints_the_help_in_the_current_language(
    ip: Any, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.user_ns.pop("mon", None)
    ip.user_ns.pop("watch", None)
    assert ip.run_line_magic("nngraph", line) is None
    assert "%nngraph monitor [options]" in capsys.readouterr().out
    assert "mon" not in ip.user_ns and "watch" not in ip.user_ns  # nothing was made
    i18n.set_language("pl")
    try:
        ip.run_line_magic("nngraph", line)
        assert capsys.readouterr().out.strip() == i18n.message("magic.help").strip()
    finally:
        i18n.set_language("en")


def test_help_on_the_cell_magic_prints_the_help_and_runs_nothing(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ip.user_ns.pop("ran", None)
    assert ip.run_cell_magic("nngraph", "--help", "ran = True") is None
    assert "%nngraph monitor [options]" in capsys.readouterr().out
    assert "ran" not in ip.user_ns


# sweep 18c: a training cell, tracebacks, `;` on the cell magic's options, names suggested


TRAIN = (
    "opt = torch.optim.SGD(net.parameters(), lr=0.01)\n"
    "for step in range({steps}):\n"
    "    opt.zero_grad(); net(torch.randn(4, 3)).pow(2).mean().backward(); opt.step()"
)


def test_a_cell_that_trains_many_steps_is_told_its_graph_holds_them_all(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """500 steps under %%nngraph gave a 4,006-node picture and no word about it (sweep 18c)."""
    capsys.readouterr()
    ip.run_cell_magic("nngraph", "-o g_steps", TRAIN.format(steps=5))
    graph = ip.user_ns["g_steps"]
    out = capsys.readouterr().out
    assert graph.graph["backward_passes"] == 5
    assert (
        f"the cell ran 5 backward passes and the graph holds all of them ({len(graph)} nodes)"
        in out
    )
    assert "put %%nngraph on a cell that runs one step" in out and out.count("\n") == 1
    assert len(ip.user_ns["shown"]) == 1  # the graph is still shown
    ip.run_cell_magic("nngraph", "-o g_step", TRAIN.format(steps=1))  # one step: no note
    ip.run_cell_magic("nngraph", "-q -o g_steps", TRAIN.format(steps=3))  # -q: nothing
    assert capsys.readouterr().out == ""
    ip.run_cell_magic("nngraph", "-o g_steps", TRAIN.format(steps=2))  # a GAN step runs two
    assert "backward passes" not in capsys.readouterr().out
    i18n.set_language("pl")
    for steps, word in ((3, "przejścia wstecz"), (5, "przejść wstecz")):
        ip.run_cell_magic("nngraph", "-o g_steps", TRAIN.format(steps=steps))
        assert f"komórka wykonała {steps} {word}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("cell", "last"),
    [
        ("%%nngraph\nnet(torch.randn(2, 2))", "forward"),  # a shape bug in the model
        (
            "%%nngraph\ntorch.nn.functional.cross_entropy("
            "net(torch.randn(2, 3)), torch.zeros(3).long())",  # batch sizes differ
            "cross_entropy",
        ),
        ("%%nngraph\ntorch.ones(2, 3) @ torch.ones(2, 3)", "<module>"),  # the cell's own line
        ("%nngraph net(torch.randn(2, 2)).sum()", "forward"),
    ],
    ids=["cell-forward", "cell-loss", "cell-op", "line"],
)
def test_a_traceback_of_the_students_error_shows_no_nngraph_frame(
    ip: Any, capsys: pytest.CaptureFixture[str], cell: str, last: str | None
) -> None:
    """It ended in `_Mode.__torch_function__` (`_record.py`), right above the error, and the
    line magic showed `_graph_of_line` and `_evaluate`: nngraph looked to blame (sweep 18c)."""
    capsys.readouterr()
    result = ip.run_cell(cell)
    assert isinstance(result.error_in_exec, RuntimeError | ValueError)
    shown = capsys.readouterr().out
    assert "Traceback" in shown and "skipping hidden" not in shown  # not even hidden ones
    for inside in ("_record.py", "_Mode", "magics.py", "_graph_of_line", "_evaluate"):
        assert inside not in shown
    assert "handle_torch_function" not in shown and "overrides.py" not in shown
    frames = traceback.extract_tb(result.error_in_exec.__traceback__)
    assert not frames[-1].filename.startswith(str(Path(ng.__file__).parent))
    if last is not None:
        assert frames[-1].name == last  # where the error is, as without the magic


def _frames_shown(shown: str) -> list[str]:
    """The frame headers of a traceback IPython showed, cell numbers left out."""
    headers = re.findall(r"^(?:File .*|Cell In\[\d+\], line \d+.*)$", shown, re.MULTILINE)
    return [re.sub(r"Cell In\[\d+\]", "Cell In[N]", header) for header in headers]


@pytest.mark.parametrize(
    "cell",
    [
        "d = (a * 2).sum()\nd.backward()\nd.backward()",  # backward through the graph twice
        "torch.nn.functional.cross_entropy(torch.randn(2, 3), torch.zeros(2))",  # float target
        "torch.ones(2, 3) @ torch.ones(2, 3)",
        "import asyncio\nawait asyncio.sleep(0)\ntorch.ones(2, 3) @ torch.ones(2, 3)",
        "class Broken(torch.utils.data.Dataset):\n"
        "    def __len__(self):\n        return 2\n"
        "    def __getitem__(self, i):\n        return self.data[i]\n"
        "for batch in torch.utils.data.DataLoader(Broken()):\n    pass",
        "def collate(batch):\n    raise TypeError('bad batch')\n"
        "next(iter(torch.utils.data.DataLoader(torch.ones(2, 3), collate_fn=collate)))",
        "opt = torch.optim.SGD(net.parameters(), lr=0.1)\n"
        "def closure():\n    net(torch.ones(2, 3)).sum().backward()\n    return 1 / 0\n"
        "opt.step(closure)",
        "def view(x: torch.Tensor) -> torch.Tensor:\n    return x.view(-1, 5)\n"
        "torch.jit.script(view)(torch.ones(2, 3))",
    ],
    ids=[
        "second-backward",
        "loss",
        "op",
        "awaiting-cell",
        "dataset",
        "collate-fn",
        "optimizer-closure",
        "torchscript-function",
    ],
)
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_a_cells_traceback_under_the_magic_is_the_plain_cells(
    ip: Any, capsys: pytest.CaptureFixture[str], cell: str
) -> None:
    """A second `d.backward()` showed torch's `handle_torch_function` and the recording's
    `__torch_function__` (hidden), with `Tensor.backward` twice (sweep 20c). A student's
    dataset, collate_fn, optimizer closure or TorchScript function showed the nngraph wrapper
    that ran it, after `[... skipping hidden 3 frame]` (sweep 28, 4.1)."""
    ip.run_cell("a = torch.ones(3, requires_grad=True)")
    capsys.readouterr()
    plain = ip.run_cell(cell)
    plain_shown = capsys.readouterr().out
    magic = ip.run_cell("%%nngraph -q\n" + cell)
    magic_shown = capsys.readouterr().out
    assert type(magic.error_in_exec) is type(plain.error_in_exec)
    assert str(magic.error_in_exec) == str(plain.error_in_exec)
    first, *rest = _frames_shown(magic_shown)  # the line IPython writes for any cell magic
    assert first == "Cell In[N], line 1" and "run_cell_magic('nngraph'" in magic_shown
    assert rest == _frames_shown(plain_shown)
    assert "skipping hidden" not in magic_shown


@pytest.mark.parametrize(
    ("line", "last"),
    [("own_error()", "own_error"), ("net(torch.randn(2, 5)).sum()", "forward")],
    ids=["users-function", "forward"],
)
def test_a_line_expressions_frame_in_a_traceback_shows_the_expression(
    ip: Any, capsys: pytest.CaptureFixture[str], line: str, last: str
) -> None:
    """Its frame was `File <string>:1 ----> 1 'Could not get source, probably due
    dynamically evaluated source code.'`: nngraph looked broken (sweep 22a, F7)."""
    ip.run_cell("def own_error():\n    raise ValueError('my own error')")
    capsys.readouterr()
    result = ip.run_cell(f"%nngraph {line}")
    shown = capsys.readouterr().out
    assert "Could not get source" not in shown and "<string>" not in shown
    assert _frames_shown(shown)[:2] == ["Cell In[N], line 1", "Cell In[N], line 1"]
    assert f"----> 1 {line}\n" in shown  # the expression, as a cell's line is shown
    error = result.error_in_exec
    assert isinstance(error, ValueError | RuntimeError)  # the error itself as before
    assert traceback.extract_tb(error.__traceback__)[-1].name == last
    if last == "own_error":
        assert str(error) == "my own error"


def test_a_line_expressions_frame_names_the_running_cell(ip: Any) -> None:
    """The expression's frame said `Cell In[N+1]`, the next cell's number: it was cached under
    `execution_count`, which is already the next one while a cell runs (sweep 27, s1)."""
    ip.run_cell("def own_error():\n    raise ValueError('my own error')", store_history=True)
    result = ip.run_cell("%nngraph own_error()", store_history=True)
    cells = ip.compile._filename_map
    frames = traceback.extract_tb(result.error_in_exec.__traceback__)
    numbers = [cells[frame.filename] for frame in frames if frame.filename in cells]
    running = result.execution_count
    assert numbers == [running, running, running - 1]  # the line, its expression, own_error


def test_a_semicolon_after_the_cell_magics_options_is_a_notebook_habit(ip: Any) -> None:
    """`%%nngraph --depth 2 -o g;` was "-o needs a Python variable name ..., got 'g;'"."""
    ip.run_cell_magic("nngraph", "--depth 1 -o g_semi;", "y = net(torch.randn(1, 3)).sum()")
    assert isinstance(ip.user_ns["g_semi"], ng.Graph)
    assert ip.run_cell("%%nngraph -q -o g_semi2 ;  # mine\ny = net(torch.randn(1, 3))").success
    assert isinstance(ip.user_ns["g_semi2"], ng.Graph)


@pytest.mark.parametrize(
    ("line", "suggested"),
    [
        ("monitor -o net", "-o mon2"),
        ("monitor --model net -o net", "-o mon2"),
        ("watch net -o net", "-o watch2"),
    ],
)
def test_a_refused_o_name_suggests_a_name_for_what_is_made(
    ip: Any, monkeypatch: pytest.MonkeyPatch, line: str, suggested: str
) -> None:
    """The refusal suggested `-o g2`, a graph's name, for a monitor or a watch (sweep 18c)."""
    with pytest.raises(UsageError, match=f"would replace your net .*e.g. {suggested}$"):
        ip.run_line_magic("nngraph", line)
    monkeypatch.setitem(ip.user_ns, suggested[3:], 2)  # taken: the next free name
    with pytest.raises(UsageError, match=f"e.g. {suggested[:-1]}3$"):
        ip.run_line_magic("nngraph", line)


def test_a_monitor_made_again_says_it_replaced_a_logged_run(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Watching again said it closed the old watch; a monitor that had logged 30 epochs was
    replaced without a word (sweep 18c)."""
    ip.run_line_magic("nngraph", "monitor -o lab_mon")
    ip.run_line_magic("nngraph", "monitor -o lab_mon")  # nothing logged yet: nothing to say
    assert "the old" not in capsys.readouterr().out
    ip.run_cell("for epoch in range(1, 4):\n    lab_mon.log(epoch, loss=1 / epoch)")
    old = ip.user_ns["lab_mon"]
    capsys.readouterr()
    ip.run_line_magic("nngraph", "monitor -o lab_mon")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "lab_mon = ng.Monitor()"  # the line to copy comes first
    assert out[1].startswith("%nngraph monitor: the old lab_mon had logged 3 epochs;")
    assert out[1].endswith("-o lab_mon2)") and ip.user_ns["lab_mon"] is not old
    ip.run_line_magic("nngraph", "monitor -o lab_mon2")  # the name it suggested, used again
    ip.run_cell("lab_mon2.log(1, loss=1.0)")
    capsys.readouterr()
    ip.run_line_magic("nngraph", "monitor -o lab_mon2")
    assert capsys.readouterr().out.rstrip().endswith("-o lab_mon3)")  # not lab_mon22


def test_import_nngraph_in_a_notebook_is_enough_for_the_magics() -> None:
    # A fresh process: this one imported nngraph long before any shell ran.
    code = (
        "from IPython.testing.globalipapp import start_ipython\n"
        "ip = start_ipython()\n"
        "ip.run_cell('import torch, nngraph as ng')\n"
        "ip.run_cell('x = torch.ones(2, requires_grad=True)')\n"
        "g = ip.run_line_magic('nngraph', '(x * 3).sum()')\n"
        "print(type(g).__name__, len(g))\n"
        "ip.run_line_magic('load_ext', 'nngraph')  # as the README says: harmless after import\n"
        "from nngraph.magics import CellReader\n"
        "print(sum(type(r) is CellReader for r in ip.input_transformers_post))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split("\n")[:2] == ["Graph 4", "1"]
    assert out.stderr == ""


def test_line_magic_labels_the_result_with_the_name_typed(ip: Any) -> None:
    """`%nngraph loss` drew the result as `best` when `best` held it too and came first."""
    ip.run_cell("best = net(torch.randn(2, 3)).pow(2).mean()\nloss = best")
    graph = ip.run_line_magic("nngraph", "loss")
    assert [d["label"] for _, d in graph.nodes(data=True) if d["kind"] == "output"] == ["loss"]
    graph = ip.run_line_magic("nngraph", "best")
    assert [d["label"] for _, d in graph.nodes(data=True) if d["kind"] == "output"] == ["best"]


_DROPS_ITS_HIDDEN_STATE = """
class Recurrent(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn, self.fc = torch.nn.GRU(3, 4, batch_first=True), torch.nn.Linear(4, 2)
        self.h = None

    def forward(self, x):
        out, self.h = self.rnn(x)  # kept on the module, not returned
        return self.fc(out[:, -1])

rnn_net, seq = Recurrent(), torch.randn(2, 5, 3)
"""


def test_cell_magic_marks_a_result_nothing_used_but_not_the_cells_value(ip: Any) -> None:
    """`%%nngraph` drew the hidden state a forward kept aside as a real output; shown as the
    cell's value, it is one."""
    ip.run_cell(_DROPS_ITS_HIDDEN_STATE)
    ip.run_cell_magic("nngraph", "-q -o g", "loss = rnn_net(seq).sum()")
    g = ip.user_ns["g"]
    (unused,) = g.graph["unused"]
    assert g.nodes[next(iter(g.pred[unused]))]["op"] == "gru"
    value = ip.run_cell_magic("nngraph", "-q -o g", "rnn_net(seq)\nrnn_net.h")
    assert value is ip.user_ns["rnn_net"].h
    assert "unused" not in ip.user_ns["g"].graph


# Sweep 21c: quotes of a subscript, the line magic's own words, the cell's -o suggestion.

_MODELS = (
    "models = {'small': torch.nn.Sequential(torch.nn.Linear(3, 2)),\n"
    "          'big': torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))}"
)


def test_split_line_keeps_the_quotes_of_python_within_brackets() -> None:
    """`--model models['small']` was evaluated as `models[small]` (sweep 21c, finding 4)."""
    line = "--model models['small'] --name \"my run\" -o f(a, b)  # mine"
    assert _magic_args.split_line(line) == [
        "--model",
        "models['small']",
        "--name",
        "my run",
        "-o",
        "f(a, b)",
    ]
    assert _magic_args.split_line("--model \"models['small']\"") == ["--model", "models['small']"]
    with pytest.raises(UsageError, match="No closing quotation"):
        _magic_args.split_line("--model models['small]")


def test_a_model_in_a_dict_can_be_named_with_a_quoted_key(ip: Any) -> None:
    """A dict of models is the lab's way to compare them (sweep 21c, finding 4)."""
    ip.run_cell(_MODELS)
    models = ip.user_ns["models"]
    ip.run_cell_magic(
        "nngraph", "--model models['small'] -q -o g_dict", "models['small'](torch.randn(2, 3))"
    )
    graph = ip.user_ns["g_dict"]
    assert {d["name"] for _, d in graph.nodes(data=True) if d["kind"] == "param"} == {
        "0.weight",
        "0.bias",
    }
    ip.run_line_magic("nngraph", "monitor --model models['big'] -o mon_dict")
    assert ip.user_ns["mon_dict"].model is models["big"]
    ip.run_line_magic("nngraph", 'watch models["big"] -o watch_dict')
    assert ip.user_ns["watch_dict"].model is models["big"]


@pytest.mark.parametrize(
    "line", ["monitor --model modelz['big']", 'watch modelz["big"]', "cell --model modelz['big']"]
)
def test_an_error_quotes_the_subscript_as_typed(ip: Any, line: str) -> None:
    with pytest.raises(UsageError) as caught:
        if line.startswith("cell"):
            ip.run_cell_magic("nngraph", line.removeprefix("cell "), "ran = True")
        else:
            ip.run_line_magic("nngraph", line)
    typed = line.split()[-1]
    assert f"cannot evaluate {typed!r}: NameError" in str(caught.value)
    assert "ran" not in ip.user_ns


_LOSS = "loss21 = net(torch.randn(2, 3)).pow(2).mean()\nlabels21 = loss21.detach().argmax()"


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("loss21.item()", ("is a Python float", "the loss before `.item()`")),  # sweep s43 nb 7
        ("net.parameters()", ("is of type generator, not a tensor", "e.g. %nngraph loss")),
        ("labels21", ("int64 tensors", "the scores before argmax")),
        ("loss21.detach()", ("no autograd history", "put %%nngraph on top of the cell")),
        ("torch.ones(2).mean()", ("requires grad", "torch.tensor(..., requires_grad=True)")),
    ],
)
def test_the_line_magics_errors_speak_of_the_line_magic(
    ip: Any, line: str, says: tuple[str, ...]
) -> None:
    """They said `graph_of needs ...`, `e.g. graph_of(loss)`: a function the student never
    called, without the `%nngraph:` the magic's other errors start with (sweep 21c, finding 5)."""
    ip.run_cell(_LOSS)
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("nngraph", line)
    text = str(caught.value)
    assert text.startswith("%nngraph: ") and "graph_of" not in text and "\n" not in text
    assert all(part in text for part in says)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("loss21.item()", "to liczba Pythona (float) bez grafu"),
        ("labels21", "wyniki sprzed argmax"),
        ("loss21.detach()", "dodaj %%nngraph na początku komórki"),
        ("torch.ones(2).mean()", "nie wymaga gradientu (utwórz dane wejściowe przez torch.tensor"),
    ],
)
def test_the_line_magics_errors_speak_of_the_line_magic_in_polish(
    ip: Any, line: str, says: str
) -> None:
    ip.run_cell(_LOSS)
    ip.run_line_magic("nngraph", "lang pl")
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("nngraph", line)
    text = str(caught.value)
    assert text.startswith("%nngraph: ") and says in text and "graph_of" not in text


def test_line_magic_on_backward_says_it_returns_none_and_what_to_type(ip: Any) -> None:
    """`%nngraph loss.backward()` said "got NoneType"; run again, it gave torch's 44-line
    traceback (sweep 21c, finding 5)."""
    ip.run_cell(_LOSS)
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("nngraph", "loss21.backward()")
    text = str(caught.value)
    assert text.startswith("%nngraph: .backward() returns None")
    assert text.endswith("to see the graph, %nngraph loss21")
    with pytest.raises(UsageError) as caught:  # the graph's backward already ran
        ip.run_line_magic("nngraph", "loss21.backward()")
    text = str(caught.value)
    assert text.startswith("%nngraph: loss21.backward() failed") and "\n" not in text
    assert "already run" in text and text.endswith("%nngraph loss21")
    assert isinstance(ip.run_line_magic("nngraph", "loss21"), ng.Graph)  # what it suggests


@pytest.mark.parametrize(
    ("line", "expression"),
    [
        ("ran = net(torch.ones(2, 3)).sum()", "net(torch.ones(2, 3)).sum()"),
        ("ran: float = net(torch.ones(2, 3)).sum()", "net(torch.ones(2, 3)).sum()"),
        ("ran.loss = net(torch.ones(2, 3)).sum()", "net(torch.ones(2, 3)).sum()"),
        # no single assignment: no expression made up (sweep 28 regression, 2)
        ("import math as ran", None),
        ("ran = True; print(1)", None),
        ("ran = 1; other = 2", None),
        ("ran = other = net(torch.ones(2, 3))", None),
        ("ran, other = net(torch.ones(2, 3)), 2", None),
        ("ran += 1", None),
        ("for ran in range(2): pass", None),
    ],
)
def test_a_statement_on_the_line_magic_says_it_takes_an_expression_and_runs_nothing(
    ip: Any, line: str, expression: str | None
) -> None:
    """`%nngraph loss = net(x).sum()` was told "SyntaxError: this is not valid Python; the
    commands are monitor, watch and lang": it is Python, a statement (sweep 28, 4.2)."""
    text = _refused(ip, "line", line)
    assert text.startswith(f"%nngraph: {line!r} is a statement, not an expression")
    assert "put %%nngraph (two %) on top" in text
    if expression is None:
        assert "g = %nngraph" not in text
    else:
        assert f"(g = %nngraph {expression} keeps the graph as g)" in text
    assert "SyntaxError" not in text and "the commands are" not in text and "\n" not in text
    assert "ran" not in ip.user_ns  # not run (`_refused` checks it too)
    ip.run_line_magic("nngraph", "lang pl")
    assert "to instrukcja, a nie wyrażenie" in _refused(ip, "line", line)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("opt.step()", "it has run: an optimizer's step has changed the weights"),
        ("opt.zero_grad()", "it has run: the gradients are cleared now"),
        ("changes(w)", "it has run: whatever it changes has changed"),
    ],
)
def test_a_refused_call_that_ran_says_it_has_run(ip: Any, line: str, says: str) -> None:
    """`%nngraph opt.step()` took the step, then said only "is of type NoneType, not a
    tensor", while `loss.backward()` said it had run (sweep 28, 4.3)."""
    ip.run_cell(
        "w = torch.nn.Parameter(torch.ones(2))\n"
        "opt = torch.optim.SGD([w], lr=0.1)\n"
        "(w * 3).sum().backward()\n"
        "def changes(t):\n    t.data += 1"
    )
    with pytest.raises(UsageError) as caught:
        ip.run_line_magic("nngraph", line)
    text = str(caught.value)
    assert text.startswith(f"%nngraph: {line} is of type NoneType, not a tensor ({says}")
    assert "\n" not in text
    for value in ("w.sum().item()", "3 + 4", "[1, 2]"):  # nothing it could change, or no call
        with pytest.raises(UsageError) as caught:
            ip.run_line_magic("nngraph", value)
        assert "has run" not in str(caught.value)
    ip.run_line_magic("nngraph", "lang pl")
    with pytest.raises(UsageError, match="i już się wykonało"):
        ip.run_line_magic("nngraph", line)


def test_a_cell_o_name_the_cell_assigns_is_refused_before_the_cell_runs(ip: Any) -> None:
    """`%%nngraph -o out` on a cell with `out = net(x)` ran the whole cell (its backward, its
    optimizer step), then refused `-o out`, the graph lost (sweep 28, 4.6)."""
    ip.user_ns.pop("out", None)
    before = [p.detach().clone() for p in ip.user_ns["net"].parameters()]
    cell = (
        "opt = torch.optim.SGD(net.parameters(), lr=0.1)\n"
        "out = net(torch.randn(2, 3))\nout.sum().backward()\nopt.step()\nran = True"
    )
    with pytest.raises(UsageError) as caught:
        ip.run_cell_magic("nngraph", "-o out -q", cell)
    text = str(caught.value)
    assert text.startswith(
        "%%nngraph: -o out would replace the out this cell assigns, so the cell was not run; "
        "pick another name, e.g. -o g"
    )
    assert "ran" not in ip.user_ns and "out" not in ip.user_ns
    assert all(map(torch.equal, ip.user_ns["net"].parameters(), before))
    ip.run_cell_magic("nngraph", "-o g_out -q", cell)  # another name: recorded and kept
    assert isinstance(ip.user_ns["g_out"], ng.Graph)
    assert isinstance(ip.user_ns["out"], torch.Tensor)
    for name in ("ran", "out", "g_out", "opt"):
        ip.user_ns.pop(name)


def test_a_bare_annotation_is_no_assignment_of_the_cell_o_name(ip: Any) -> None:
    """`%%nngraph -o G` on a cell with `G: int` was refused as replacing the G the cell
    assigns, which it does not (sweep 28 regression, 4)."""
    ip.user_ns.pop("G", None)
    ip.run_cell_magic("nngraph", "-o G -q", "G: int\nnet(torch.randn(2, 3)).sum().backward()")
    assert isinstance(ip.user_ns.pop("G"), ng.Graph)
    with pytest.raises(UsageError, match="would replace the G this cell assigns"):
        ip.run_cell_magic("nngraph", "-o G -q", "G: int = 1")  # an annotation with a value


def test_a_refused_cell_o_name_suggests_a_free_name(
    ip: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It always said `-o g2`, also when g2 was the name it refused (sweep 21c, finding 7)."""
    monkeypatch.delitem(ip.user_ns, "g3", raising=False)
    monkeypatch.setitem(ip.user_ns, "g2", "my notes")
    with pytest.raises(UsageError, match=r"would replace your g2 \(of type str\).*e\.g\. -o g3$"):
        ip.run_cell_magic("nngraph", "-o g2", "ran = True")
    monkeypatch.setitem(ip.user_ns, "g2", 7)  # "(a int)" read wrong (sweep s32, r2)
    with pytest.raises(UsageError, match=r"would replace your g2 \(of type int\)"):
        ip.run_cell_magic("nngraph", "-o g2", "ran = True")
    monkeypatch.delitem(ip.user_ns, "g2")
    with pytest.raises(UsageError, match=r"would replace your net .*e\.g\. -o g2$"):
        ip.run_cell_magic("nngraph", "-o net", "ran = True")
    assert "ran" not in ip.user_ns


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_cell_of_only_the_backward_says_its_forward_ran_in_an_earlier_cell(
    ip: Any, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`%%nngraph` over `loss.backward()` alone said "the cell ran no PyTorch operation" and
    warned in ng.record()'s words, about a `with` block the student never wrote, at a line of
    IPython's (regression sweep s30, c1/c3)."""
    ip.run_line_magic("nngraph", f"lang {language}")
    ip.run_cell("loss = net(torch.randn(2, 3)).pow(2).mean()")
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        ip.run_cell_magic("nngraph", "", "loss.backward()")
    said = capsys.readouterr().out
    assert {"en": "ran in an earlier cell", "pl": "we wcześniejszej komórce"}[language] in said
    assert "record()" not in said
    ip.run_cell_magic("nngraph", "", "n = 3")
    assert "ran no PyTorch operation" in capsys.readouterr().out or language == "pl"


def test_a_cell_whose_loss_was_computed_without_autograd_is_warned_in_the_cells_words(
    ip: Any,
) -> None:
    """Sweep s41 (teach, finding 3): the same code in `with ng.record():` warns, as the README
    promises; in a `%%nngraph` cell it drew the graph and said nothing."""
    cell = (
        "with torch.no_grad():\n"
        "    loss = net(torch.randn(2, 3)).pow(2).mean()\n"
        "loss.requires_grad_(True)\n"
        "loss.backward()"
    )
    with pytest.warns(NNGraphWarning) as caught:
        ip.run_cell_magic("nngraph", "-q", cell)
    (said,) = [str(w.message) for w in caught]
    assert said.startswith("%%nngraph: the cell ran a backward pass, but it reached nothing")
    assert "torch.no_grad()" in said and "record()" not in said


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_cell_whose_loss_was_rebuilt_from_item_names_item_not_an_earlier_cell(
    ip: Any, language: str
) -> None:
    """Sweep s45 magics, finding 1: the forward ran in this cell and `.item()` cut the graph;
    the cell was told that its forward "ran in an earlier cell"."""
    ip.run_line_magic("nngraph", f"lang {language}")
    cell = (
        "loss = net(torch.randn(2, 3)).pow(2).mean().item()\n"
        "loss = torch.tensor(loss, requires_grad=True)\n"
        "loss.backward()"
    )
    with pytest.warns(NNGraphWarning) as caught:
        ip.run_cell_magic("nngraph", "-q", cell)
    (said,) = [str(w.message) for w in caught if w.category is NNGraphWarning]
    assert said.startswith("%%nngraph: ")
    assert ".item()" in said and "torch.tensor(...)" in said
    assert {"en": "earlier cell", "pl": "wcześniejszej komórce"}[language] not in said
    ip.user_ns.pop("loss")


def test_a_second_backward_in_a_cell_is_warned_in_the_cells_words(ip: Any) -> None:
    """Sweep s41 (teach, finding 4): the warning spoke of "this ng.record() block"."""
    cell = (
        "loss = net(torch.randn(2, 3)).pow(2).mean()\n"
        "loss.backward(retain_graph=True)\n"
        "loss.backward()"
    )
    with pytest.warns(
        NNGraphWarning, match="backward\\(\\) ran twice on the same loss in this cell"
    ):
        ip.run_cell_magic("nngraph", "-q", cell)


@pytest.mark.parametrize(
    ("line", "says"), [("--mode max", "--mode min"), ("--metric val_acc --mode min", "--mode max")]
)
def test_a_mode_against_the_metrics_name_is_warned_once_in_the_magics_words(
    ip: Any, line: str, says: str
) -> None:
    """Sweep s42 (left alone): `--mode max` on the validation loss made its highest value
    the best epoch, in silence, so restore_best() would have put back the worst weights."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ip.run_cell(f"%nngraph monitor {line} -o m_against").success
    assert len(caught) == 1, [str(w.message) for w in caught]
    text = str(caught[0].message)
    assert text.startswith("%nngraph monitor: ") and says in text and "mode=" not in text
    assert ip.user_ns["m_against"].mode == line.split()[-1]  # as asked: a warning, not a refusal


@pytest.mark.parametrize(
    ("line", "echoed"),
    [
        ("monitor --model net", "mon = ng.Monitor(model=net)"),
        (
            "monitor --model net --metric val_acc",
            "mon = ng.Monitor(model=net, metric='val_acc', mode='max')",
        ),
        ("monitor --model net --mode max", "mon = ng.Monitor(model=net, mode='max')"),
        ("monitor --metric val_custom", "mon = ng.Monitor(metric='val_custom', mode='min')"),
    ],
)
def test_the_monitor_line_echoes_the_mode_only_where_it_matters(
    ip: Any, capsys: pytest.CaptureFixture[str], line: str, echoed: str
) -> None:
    """Sweep s47, L7: `%nngraph monitor --model model` echoed `mode='min'`, which the student
    did not type and plain ng.Monitor(model=model) chooses as well."""
    import torch

    ip.user_ns["net"] = torch.nn.Linear(2, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # --metric val_custom: the mode warning
        ip.run_line_magic("nngraph", line)
    assert capsys.readouterr().out.splitlines()[0] == echoed
