"""The right spelling of a misspelt `%nngraph` command or option, when one is close: `monitr` is
`monitor`, `--color_by` (the Python API's spelling) is `--color-by`.

    >>> misspelt_command("wacth net", defined={}, fits=lambda command, arguments: True)
    '%nngraph: there is no command wacth: did you mean %nngraph watch net? (help: %nngraph?)'
"""

from __future__ import annotations

import ast
import builtins
import difflib
from collections.abc import Callable, Collection, Container, Iterable

from nngraph.i18n import message

__all__ = ["COMMANDS", "cell_options_in", "misspelt_command", "suggested_options"]

#: the words `%nngraph` takes as a command rather than as a Python expression
COMMANDS = ("monitor", "watch", "lang")

_CLOSE = 0.6  # difflib's default: `language` is close to `lang`, `loss` to none of them
_LOOKALIKE = str.maketrans("0", "o")  # `-0` (zero) typed for the short option `-o`
#: the arguments a command cannot go without, as the help writes them
_NEEDED = {"watch": "MODEL"}


def misspelt_command(
    line: str, defined: Container[str], fits: Callable[[str, str], bool]
) -> str | None:
    """The line for `%nngraph wacth net`, or `%nngraph monitr` alone: a line whose first word
    is close to a command, and no name in `defined` (a variable `batch` in `batch --depth 2`
    is no typo of `watch`), and that is no Python (a word and what follows) or that word
    alone; the command suggested is one whose arguments the rest of the line fits
    (`fits(command, rest)`), and alone, the closest (`watch MODEL`: what it needs). None for
    any other line, which is evaluated as Python (a variable named `monitr` is one).

    >>> misspelt_command("lnag", defined={}, fits=lambda command, arguments: True)[:46]
    '%nngraph: there is no command lnag: did you me'
    """
    word, *rest = line.split(None, 1) or [""]
    if not word.isidentifier() or word in defined or hasattr(builtins, word):
        return None
    alone = not rest
    if not alone and _is_python(line):
        return None
    arguments = "".join(rest)
    close = difflib.get_close_matches(word, [*COMMANDS, "help"], n=4, cutoff=_CLOSE)
    command = next((command for command in close if fits(command, arguments)), None)
    if command is None and alone and close:  # `wacth`: `watch` needs its model
        command = f"{close[0]} {_NEEDED.get(close[0], '')}"
    if command is None:
        return None
    typed = " ".join([command, *rest]).strip()
    return message("magic.misspelt_command", word=word, line=typed)


def suggested_options(arguments: str, options: Iterable[str]) -> list[str]:
    """The options closest to each unrecognized one among `arguments` (as argparse lists them):
    `--color-by` for `--color_by` or `--colour-by`, `--model` for `-model`.

    >>> suggested_options("--color_by value --modle net", ["--color-by", "--mode", "--model"])
    ['--color-by', '--model']
    """
    known = list(options)
    found: list[str] = []
    for word in arguments.split():
        if not word.startswith("-") or word.lstrip("-") == "":
            continue
        short = "-" + word[1:].lower().translate(_LOOKALIKE)
        if len(word) == 2 and short in known:  # `-O` or `-0` for `-o`: too short for difflib
            if short not in found:
                found.append(short)
            continue
        written = "--" + word.partition("=")[0].lstrip("-").replace("_", "-")
        close = difflib.get_close_matches(written, known, 3, _CLOSE)
        # two letters swapped (`--modle`) mean `--model` rather than the closer `--mode`
        swapped = [option for option in close if sorted(option) == sorted(written)]
        for candidate in (written, *swapped, *close[:1]):
            if candidate in known and candidate not in found:
                found.append(candidate)
                break
    return found


def cell_options_in(line: str, options: Collection[str]) -> tuple[int | None, list[str]]:
    """Where the first option of `%%nngraph` stands among the words of a `%nngraph` line
    (`loss --depth 2`: 1), misspelt or not, and the spellings meant for the misspelt ones.
    A misspelt option counts only in a line that is no Python (`loss -w` subtracts `w`).

    >>> cell_options_in("loss --depht 2", ["--depth", "-o"])
    (1, ['--depth'])
    >>> cell_options_in("-o g loss", ["--depth", "-o"]), cell_options_in("loss - w", ["-o"])
    ((0, []), (None, []))
    """
    words = line.split()
    spelt = [i for i, word in enumerate(words) if word.partition("=")[0] in options]
    misspelt: dict[int, list[str]] = {}
    if not _is_python(line):
        for i, word in enumerate(words):
            if i not in spelt and (close := suggested_options(word, options)):
                misspelt[i] = close
    first = min([*spelt, *misspelt], default=None)
    meant = [option for close in misspelt.values() for option in close]
    return first, list(dict.fromkeys(meant))


def _is_python(line: str) -> bool:
    try:
        ast.parse(line.strip(), mode="eval")
    except SyntaxError:
        return False
    return True
