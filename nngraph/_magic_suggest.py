"""The right spelling of a misspelt `%nngraph` command or option, when one is close: `monitr` is
`monitor`, `--color_by` (the Python API's spelling) is `--color-by`.

    >>> misspelt_command("wacth net", defined={}, fits=lambda command, arguments: True)
    '%nngraph: there is no command wacth: did you mean %nngraph watch net? (help: %nngraph?)'
"""

from __future__ import annotations

import ast
import builtins
import difflib
from collections.abc import Callable, Collection, Container, Iterable, Mapping

from nngraph._magic_errors import error_text
from nngraph.i18n import message

__all__ = [
    "COMMANDS",
    "cell_options_in",
    "command_assigned",
    "misspelt_command",
    "suggested_options",
]

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
    (`fits(command, rest)`). A word alone is a name Python does not know, so it is suggested
    a command only when it is one mistyped (`monitr`, not `mon` nor `watcher`: variables a
    cell not run yet makes), and told it is not defined. None for any other line, which is
    evaluated as Python (a variable named `monitr` is one).

    >>> misspelt_command("lnag", defined={}, fits=lambda command, arguments: True)[:56]
    "%nngraph: cannot evaluate 'lnag': NameError: name 'lnag'"
    >>> misspelt_command("mon", defined={}, fits=lambda command, arguments: True) is None
    True
    """
    word, *rest = line.split(None, 1) or [""]
    if not word.isidentifier() or word in defined or hasattr(builtins, word):
        return None
    if not rest:
        return _misspelt_name(word, fits)
    if _is_python(line):
        return None
    arguments = "".join(rest)
    close = difflib.get_close_matches(word, [*COMMANDS, "help"], n=4, cutoff=_CLOSE)
    command = next((command for command in close if fits(command, arguments)), None)
    if command is None:
        return None
    typed = " ".join([command, *rest]).strip()
    return message("magic.misspelt_command", word=word, line=typed)


def command_assigned(line: str, fits: Callable[[str, str], bool]) -> str | None:
    """The line for `%nngraph lang=pl`: a command written as an assignment to its name, shown
    as it is written (`%nngraph lang pl`) when its arguments fit it (`fits(command, value)`),
    else with the commands; None for any other line.

    >>> command_assigned("lang=pl", fits=lambda command, arguments: True)[-48:]
    'did you mean %nngraph lang pl? (help: %nngraph?)'
    """
    typed = line.strip()
    try:
        statements = ast.parse(typed, mode="exec").body
    except SyntaxError:
        return None
    statement = statements[0] if len(statements) == 1 else None
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return None
    target = statement.targets[0]
    if not isinstance(target, ast.Name) or target.id not in (*COMMANDS, "help"):
        return None
    command, value = target.id, ast.get_source_segment(typed, statement.value) or ""
    if fits(command, value):
        meant = f"{command} {value}"
        return message("magic.command_assigned", line=typed, command=command, meant=meant)
    return message("magic.command_assigned_commands", line=typed, command=command)


def _misspelt_name(word: str, fits: Callable[[str, str], bool]) -> str | None:
    """The line for `%nngraph monitr`, a name not defined that is a command mistyped; None
    for any other name (`mon`), which is evaluated (a NameError)."""
    meant = [command for command in (*COMMANDS, "help") if _mistyped(word, command)]
    if not meant:
        return None
    # `wacth`: `watch` needs its model
    command = next((c for c in meant if fits(c, "")), f"{meant[0]} {_NEEDED.get(meant[0], '')}")
    error = error_text(NameError(f"name {word!r} is not defined", name=word))
    return message("magic.misspelt_name", word=word, error=error, line=command.strip())


def _mistyped(word: str, command: str) -> bool:
    """Whether `word` is `command` as a hand mistypes it: two letters swapped (`wacth`,
    `lnag`), one left out (`monitr`) or one added (`monitorr`, not the plural `monitors`: a
    name of its own), or in a command of five letters or more one or two letters wrong past
    the first (`moniyer`). A wrong first letter, or a wrong letter in `lang` or `help`, makes
    another word a student may have meant (`batch`, `long`, `held`): those are names.

    >>> [_mistyped(w, "watch") for w in ("wacth", "wach", "watchh", "watvh", "batch", "watcher")]
    [True, True, True, True, False, False]
    """
    if len(word) == len(command):
        wrong = [i for i in range(len(word)) if word[i] != command[i]]
        swapped = len(wrong) == 2 and wrong[1] == wrong[0] + 1 and sorted(word) == sorted(command)
        allowed = 2 if len(command) > 4 else 0
        return swapped or (len(wrong) <= allowed and (not wrong or wrong[0] > 0))
    shorter, longer = sorted((word, command), key=len)
    if len(longer) != len(shorter) + 1 or word == f"{command}s":
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def suggested_options(arguments: str, options: Iterable[str]) -> list[str]:
    """The options closest to each unrecognized one among `arguments` (as argparse lists them):
    `--color-by` for `--color_by` or `--colour-by`, `--model` for `-model`. A short option
    (`-d`, `-d2`) is too short to be compared: it stands for the options of that letter, its
    real short option (`-o` for `-O` or `-0`) and the long ones it starts (`--depth` for `-d`).
    Given a mapping from each option to its argparse action (`_option_string_actions`), a long
    option is left out where it is the real short one's own long form (`--output` of `-o`).

    >>> suggested_options("--color_by value --modle net", ["--color-by", "--mode", "--model"])
    ['--color-by', '--model']
    >>> suggested_options("-d 2 -m net", ["--depth", "--model", "--metric", "--mode", "-o"])
    ['--depth', '--model', '--metric', '--mode']
    """
    known = list(options)
    found: list[str] = []
    for word in arguments.split():
        if not word.startswith("-") or word.lstrip("-") == "":
            continue
        written = word.partition("=")[0]
        if _is_short(written):
            found += [option for option in _of_letter(written[1], options) if option not in found]
            continue
        spelt = "--" + written.lstrip("-").replace("_", "-")
        close = difflib.get_close_matches(spelt, known, 3, _CLOSE)
        # two letters swapped (`--modle`) mean `--model` rather than the closer `--mode`
        swapped = [option for option in close if sorted(option) == sorted(spelt)]
        for candidate in (spelt, *swapped, *close[:1]):
            if candidate in known and candidate not in found:
                found.append(candidate)
                break
    return found


def _is_short(written: str) -> bool:
    """Whether `written` is a short option, alone or with its value attached: `-d`, `-d2`
    (`-0`, a zero, is taken for the letter it looks like)."""
    attached = written[2:]
    return len(written) >= 2 and written[1].isalnum() and (not attached or attached.isdecimal())


def _of_letter(letter: str, options: Iterable[str]) -> list[str]:
    """The options a short option of `letter` may stand for: the real short option of that
    letter (`-o` for `-O` or `-0`), then the long options it starts (`--depth` for `d`), but
    not the real short one's own long form (`--output`) when `options` maps each to its action.
    """
    letter = letter.lower().translate(_LOOKALIKE)
    actions: Mapping[str, object] = options if isinstance(options, Mapping) else {}
    short = f"-{letter}"
    real = [short] if short in options else []
    own = actions.get(short, object())  # an action no other option has, without a mapping
    longs = [o for o in options if o.startswith(f"--{letter}") and actions.get(o) is not own]
    return real + longs


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
