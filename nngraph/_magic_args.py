"""How `%nngraph` reads its options: argparse and shlex, with their errors as one line in the
current language (IPython's UsageError) instead of an exit.

    >>> view_options().parse_args(["--depth", "2", "-o", "g"]).depth
    2
"""

from __future__ import annotations

import argparse
import keyword
import re
import shlex
from typing import NoReturn

from IPython.core.error import UsageError

from nngraph.i18n import message, plural_form

__all__ = [
    "Parser",
    "cell_variable",
    "depth_value",
    "split_line",
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

#: shlex's messages for a magic line it cannot split
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
        raise UsageError(message(key, error=translated(text)))


def variable(name: str, key: str = "magic.bad_name") -> str:
    """An ``-o`` value: a name the notebook can use as a variable."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(message(key, name=name))
    return name


def cell_variable(name: str) -> str:
    """An ``-o`` value of the cell magic (its error says ``%%nngraph``)."""
    return variable(name, "magic.cell.bad_name")


def depth_value(text: str) -> int:
    """A ``--depth`` value: a whole number >= 0, checked before the cell runs."""
    if not text.isdigit():
        raise UsageError(message("magic.bad_depth", depth=text))
    return int(text)


def split_line(line: str, key: str = "magic.bad_arguments") -> list[str]:
    """The options of a magic line, split as a shell would (`--name "my run"`, `# a comment`)."""
    try:
        return shlex.split(line, comments=True)
    except ValueError as error:
        raise UsageError(message(key, error=translated(str(error)))) from None


def view_options() -> Parser:
    parser = Parser("%%nngraph", cell=True)
    parser.add_argument("--depth", type=depth_value, default=None)
    parser.add_argument("--view", choices=_VIEWS, default="forward")
    parser.add_argument("--color-by", dest="color_by", choices=_COLOURS, default="grad")
    parser.add_argument("--model", default=None)
    parser.add_argument("-o", "--output", type=cell_variable, default=None)
    parser.add_argument("-q", "--quiet", action="store_true")
    return parser
