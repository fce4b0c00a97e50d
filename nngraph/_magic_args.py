"""How `%nngraph` reads its line: the options through argparse and a shell-like split, with
their errors as one line in the current language (IPython's UsageError) instead of an exit.
The cell's code is read in `_magic_cell.py`.

    >>> view_options().parse_args(["--depth", "2", "-o", "g"]).depth
    2
"""

from __future__ import annotations

import argparse
import ast
import builtins
import io
import keyword
import re
import tokenize
import unicodedata
from collections.abc import Mapping
from typing import Any, NoReturn

from IPython.core.error import UsageError

from nngraph._magic_suggest import suggested_options
from nngraph.i18n import message, plural_form

__all__ = [
    "Parser",
    "asks_for_help",
    "cell_variable",
    "cell_words",
    "depth_value",
    "is_known",
    "split_line",
    "strip_semicolon",
    "translated",
    "variable",
    "view_options",
]


_VIEWS = ("forward", "backward")
_COLOURS = ("grad", "value", "none")


#: argparse's messages (in English, as its gettext catalog has no translation) and the catalog
#: keys that say them in the current language, keeping the names and values they quote; a
#: message another Python version words differently is shown as argparse wrote it
_ARGPARSE_ERRORS = [
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"unrecognized arguments: (?P<arguments>.*)", "magic.parse.unrecognized"),
        (
            r"argument (?P<argument>\S+): invalid choice: (?P<value>.*) "
            r"\(choose from (?P<choices>.*)\)",
            "magic.parse.invalid_choice",
        ),
        (r"the following arguments are required: (?P<arguments>.*)", "magic.parse.required"),
        (r"argument (?P<argument>\S+): expected one argument", "magic.parse.expected_one"),
        (
            r"argument (?P<argument>\S+): ignored explicit argument (?P<value>.*)",
            "magic.parse.ignored_value",
        ),
        (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)", "magic.parse.ambiguous"),
    )
]

#: the messages for a magic line that cannot be split (shlex's words)
_SHLEX_ERRORS = {
    "No closing quotation": "magic.parse.no_closing_quotation",
    "No escaped character": "magic.parse.no_escaped_character",
}


def translated(text: str) -> str:
    """An argparse or shlex error in the current language; one it does not know, as it is.

    >>> translated("argument --mode: invalid choice: 'up' (choose from 'min', 'max')")
    "argument --mode: invalid choice: 'up' (choose from 'min', 'max')"
    >>> from nngraph.i18n import set_language
    >>> set_language("pl"); translated("unrecognized arguments: --modle net"); set_language("en")
    'nieznane argumenty: --modle net'
    """
    if text in _SHLEX_ERRORS:
        return message(_SHLEX_ERRORS[text])
    for pattern, key in _ARGPARSE_ERRORS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        fields = found.groupdict()
        if key == "magic.parse.required":
            key += ".one" if plural_form(len(fields["arguments"].split(", "))) == "one" else ".many"
        return message(key, **fields)
    return text


class Parser(argparse.ArgumentParser):
    """argparse that reports a mistake as one UsageError line in the current language instead
    of exiting, and takes no abbreviations (``--mode`` must never be read as ``--model``).
    ``cell``: the options of the cell magic, whose errors say ``%%nngraph``."""

    def __init__(self, prog: str, *, cell: bool = False) -> None:
        super().__init__(prog=prog, add_help=False, allow_abbrev=False)
        self.cell = cell

    def error(self, text: str) -> NoReturn:
        key = "magic.cell.bad_arguments" if self.cell else "magic.bad_arguments"
        error = translated(text)
        unrecognized = _ARGPARSE_ERRORS[0][0].fullmatch(text)
        if unrecognized is not None:  # `--color_by`: did you mean `--color-by`?
            close = suggested_options(unrecognized["arguments"], self._option_string_actions)
            if close:
                error += message("magic.parse.did_you_mean", options=", ".join(close))
        raise UsageError(message(key, error=error))


def variable(name: str, key: str = "magic.bad_name") -> str:
    """An ``-o`` value: a name the notebook can use as a variable, as Python reads it in a
    cell (`ｇ` is `g`: Python reads names in their NFKC form).

    >>> variable("ｇ2")
    'g2'
    """
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(message(key, name=name))
    return unicodedata.normalize("NFKC", name)


def cell_variable(name: str) -> str:
    """An ``-o`` value of the cell magic (its error says ``%%nngraph``)."""
    return variable(name, "magic.cell.bad_name")


def depth_value(text: str) -> int:
    """A ``--depth`` value: a whole number >= 0, checked before the cell runs."""
    if not text.isdecimal():  # `²` is a digit that int() does not take
        raise UsageError(message("magic.bad_depth", depth=text))
    return int(text)


def strip_semicolon(line: str) -> str:
    """A magic line without the `;` it ends with, a notebook habit (before any `# comment`).

    >>> strip_semicolon("monitor --model net;  # mine")
    'monitor --model net  # mine'
    >>> strip_semicolon("loss")
    'loss'
    """
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line).readline))
    except (tokenize.TokenError, SyntaxError):  # not Python: it is left to shlex to say why
        return line
    ignored = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.DEDENT, tokenize.ENDMARKER)
    last = next((token for token in reversed(tokens) if token.type not in ignored), None)
    if last is None or last.string != ";" or last.start[0] != 1:
        return line
    return line[: last.start[1]] + line[last.end[1] :]


def split_line(line: str, key: str = "magic.bad_arguments") -> list[str]:
    """The options of a magic line, split as a shell would (`--name "my run"`, `# a comment`),
    except within brackets, which hold Python as typed: `--model models['small']` keeps its
    quotes (and `f(a, b)` its space).

    >>> split_line("monitor --model models['small'] --name \\"my run\\"  # mine")
    ['monitor', '--model', "models['small']", '--name', 'my run']
    """
    try:
        return _split(line)
    except ValueError as error:
        raise UsageError(message(key, error=translated(str(error)))) from None


def cell_words(line: str) -> list[str]:
    """The words of a `%%nngraph` line, as the magic reads them: split as a shell would,
    without the `;` it may end with (its errors say `%%nngraph`).

    >>> cell_words('"--help";')
    ['--help']
    """
    return split_line(strip_semicolon(line), "magic.cell.bad_arguments")


def asks_for_help(words: list[str]) -> bool:
    """Whether the words of a magic line ask for the help: `-h` or `--help` among them.

    >>> asks_for_help(["--depth", "2", "-h"]), asks_for_help(["--model", "helper"])
    (True, False)
    """
    return any(word in ("-h", "--help") for word in words)


_CLOSING = {"(": ")", "[": "]", "{": "}"}


def _split(line: str) -> list[str]:
    """`shlex.split(line, comments=True)`, with brackets and what they hold kept as typed."""
    words: list[str] = []
    word: str | None = None  # the word being read; None between words
    closing: list[str] = []  # the brackets the word waits for, innermost last
    i = 0
    while i < len(line):
        char = line[i]
        if closing:  # Python: kept as typed, its strings whole (`d[')']`)
            end = _python_string_end(line, i) if char in "'\"" else i + 1
            if char == closing[-1]:
                closing.pop()
            elif char in _CLOSING:
                closing.append(_CLOSING[char])
            word = f"{word}{line[i:end]}"
            i = end
        elif char.isspace() or char == "#":
            if word is not None:
                words.append(word)
                word = None
            if char == "#":  # a comment, to the end of the line
                break
            i += 1
        elif char in "'\"":
            text, i = _shell_quoted(line, i)
            word = f"{word or ''}{text}"
        elif char == "\\":
            if i + 1 == len(line):
                raise ValueError("No escaped character")  # shlex's words, translated
            word = f"{word or ''}{line[i + 1]}"
            i += 2
        else:
            if char in _CLOSING:
                closing.append(_CLOSING[char])
            word = f"{word or ''}{char}"
            i += 1
    return words if word is None else [*words, word]


def _python_string_end(line: str, start: int) -> int:
    """Where the Python string that opens at `start` ends (after its closing quote)."""
    i = start + 1
    while i < len(line) and line[i] != line[start]:
        i += 2 if line[i] == "\\" else 1
    if i >= len(line):
        raise ValueError("No closing quotation")
    return i + 1


def _shell_quoted(line: str, start: int) -> tuple[str, int]:
    """The text of the shell-quoted part that opens at `start`, without its quotes, and where
    it ends; in double quotes, a backslash escapes `"` and `\\` only, as in a shell."""
    quote, text, i = line[start], "", start + 1
    while i < len(line) and line[i] != quote:
        if quote == '"' and line[i] == "\\" and line[i + 1 : i + 2] in ('"', "\\"):
            i += 1
        text += line[i]
        i += 1
    if i >= len(line):
        raise ValueError("No closing quotation")
    return text, i + 1


def is_known(expression: str, namespace: Mapping[str, Any]) -> bool:
    """Whether `expression` is Python whose names all exist in `namespace` (nothing is run).

    >>> is_known("loss.sum()", {"loss": 1}), is_known("monitr", {})
    (True, False)
    """
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return False
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return all(name in namespace or hasattr(builtins, name) for name in names)


def view_options() -> Parser:
    parser = Parser("%%nngraph", cell=True)
    parser.add_argument("--depth", type=depth_value, default=None)
    parser.add_argument("--view", choices=_VIEWS, default="forward")
    parser.add_argument("--color-by", dest="color_by", choices=_COLOURS, default="grad")
    parser.add_argument("--model", default=None)
    parser.add_argument("-o", "--output", type=cell_variable, default=None)
    parser.add_argument("-q", "--quiet", action="store_true")
    return parser
