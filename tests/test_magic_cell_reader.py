"""The `%%nngraph` cell reader (IPython's input transformer) reads the magic's line as the magic
does: a cell that asks for the help is left to print it, also when its code awaits."""

from __future__ import annotations

from typing import Any

import pytest

from nngraph import i18n
from nngraph._magic_cell import CellReader


@pytest.fixture
def ip(magic_shell: Any) -> Any:
    magic_shell.run_cell("import asyncio, torch\nnet = torch.nn.Linear(2, 1)")
    return magic_shell


@pytest.mark.parametrize("line", ["--help;", '"--help"', "'-h'", "--depth 2 --help;  # help"])
def test_help_on_a_cell_that_awaits_prints_the_help_and_runs_nothing(
    ip: Any, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sweep s45 magics, finding 5: `%%nngraph --help;` or `"--help"` over a cell with a
    top-level `await` printed the help, then failed with "object NoneType can't be used in
    'await' expression": the reader split the line on spaces, the magic as a shell does."""
    ip.user_ns.pop("ran", None)
    capsys.readouterr()
    result = ip.run_cell(f"%%nngraph {line}\nawait asyncio.sleep(0)\nran = net(torch.ones(1, 2))")
    assert result.success, result.error_in_exec
    assert i18n.message("magic.help") in capsys.readouterr().out
    assert "ran" not in ip.user_ns


def test_the_reader_leaves_a_line_it_cannot_split_to_the_magic(ip: Any) -> None:
    """A line the magic refuses (an unclosed quote) is not made to await: the magic's one-line
    error is what the cell shows."""
    lines = ["get_ipython().run_cell_magic('nngraph', '\"--help', 'await asyncio.sleep(0)\\n')\n"]
    assert CellReader(ip)(lines) == lines
    result = ip.run_cell('%%nngraph "--help\nawait asyncio.sleep(0)')
    assert type(result.error_in_exec).__name__ == "UsageError"


@pytest.mark.parametrize("line", ["", "--depth 1", "--deph 1"])
@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_cell_with_nothing_below_its_line_is_refused_in_nngraphs_words(
    ip: Any, line: str, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sweep s48 teacher, LOW 4: `%%nngraph --depth 1` with nothing below it (a half-written
    cell run by Shift+Enter) gave IPython's English-only "%%nngraph is a cell magic, but the
    cell body is empty", in a Polish session too."""
    i18n.set_language(language)
    capsys.readouterr()
    result = ip.run_cell(f"%%nngraph {line}".strip())
    assert type(result.error_before_exec).__name__ == "UsageError"
    said = capsys.readouterr().err
    assert i18n.message("magic.cell.empty") in said and "cell body is empty" not in said
    assert ("jeden %" if language == "pl" else "one %") in said


def test_help_asked_on_a_cell_with_nothing_below_it_is_printed(
    ip: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    result = ip.run_cell("%%nngraph --help")
    assert result.success and i18n.message("magic.help") in capsys.readouterr().out
