"""The spelling `%nngraph` suggests for a misspelt option: a short option stands for the options
of its letter, not for the long option whose name looks most like it."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.error import UsageError

from nngraph._magic_args import view_options
from nngraph._magic_commands import monitor_options, watch_options
from nngraph._magic_suggest import suggested_options


@pytest.fixture
def ip(magic_shell: Any) -> Any:
    magic_shell.run_cell("import torch\nnet = torch.nn.Linear(2, 1)\nx = torch.randn(8, 2)")
    return magic_shell


@pytest.mark.parametrize(
    ("kind", "line", "meant"),
    [
        ("cell", "-d 2", "--depth"),
        ("cell", "-D 2", "--depth"),
        ("cell", "-d2", "--depth"),
        ("cell", "-v backward", "--view"),
        ("cell", "-c value", "--color-by"),
        ("cell", "-m net", "--model"),
        ("cell", "-0 g", "-o"),
        ("line", "monitor -m net", "--model, --metric, --mode"),
        ("line", "monitor -n run1", "--name"),
        ("line", "watch net -m mon", "--monitor"),
    ],
)
def test_a_short_option_is_told_the_options_of_its_letter(
    ip: Any, kind: str, line: str, meant: str
) -> None:
    """Sweep s45 magics, finding 4: `%%nngraph -d 2` was told "did you mean --model?" and
    `monitor -m net` "--name": difflib found `--d` as close to `--model` as to `--depth`."""
    with pytest.raises(UsageError) as caught:
        if kind == "line":
            ip.run_line_magic("nngraph", line)
        else:
            ip.run_cell_magic("nngraph", line, "ran = True")
    assert f"did you mean {meant}?" in str(caught.value)
    assert "ran" not in ip.user_ns


def test_a_short_option_suggests_a_real_short_one_without_its_own_long_form() -> None:
    """Sweep s45 magics, finding 4: `-O` is `-o`, not `-o, --output` (the same option twice);
    a long option of the same letter that is another option is suggested beside it."""
    for parser, letters in [
        (view_options(), {"-O": ["-o"], "-Q": ["-q"], "-x": []}),
        (monitor_options(), {"-O": ["-o"], "-d": []}),
        (watch_options(), {"-O": ["-o", "--optimizer"]}),
    ]:
        actions = parser._option_string_actions
        assert {word: suggested_options(word, actions) for word in letters} == letters


def test_long_options_are_still_compared_by_spelling() -> None:
    options = view_options()._option_string_actions
    assert suggested_options("--depht 2 -model net --color_by grad", options) == [
        "--depth",
        "--model",
        "--color-by",
    ]
