"""How `%nngraph` reads its line and its cell: the options through argparse and a shell-like
split, with their errors as one line in the current language (IPython's UsageError) instead of
an exit; the cell's code as IPython reads a plain cell's.

    >>> view_options().parse_args(["--depth", "2", "-o", "g"]).depth
    2
"""

from __future__ import annotations

import argparse
import ast
import builtins
import inspect
import io
import keyword
import re
import tokenize
import unicodedata
from collections.abc import Mapping
from types import CodeType
from typing import Any, NoReturn

from IPython.core.displayhook import DisplayHook
from IPython.core.error import UsageError

from nngraph._magic_suggest import suggested_options
from nngraph.i18n import message, plural_form

__all__ = [
    "Cell",
    "CellReader",
    "Parser",
    "cell_variable",
    "depth_value",
    "is_known",
    "running_cell_number",
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


def running_cell_number(shell: Any) -> int:
    """The number of the cell running now (`In[N]`), under which code it runs is cached so that
    a traceback says `Cell In[N]`: while a cell runs, ``shell.execution_count`` is already the
    next one."""
    running = getattr(shell.displayhook, "exec_result", None)
    return int(shell.execution_count if running is None else running.execution_count)


class Cell:
    """A `%%nngraph` cell's code, transformed, cached, parsed and compiled as IPython does with a
    plain cell: a syntax error in it is raised here, before anything runs.

    It is cached under the running cell's number, so that tracebacks say `Cell In[N]`; while a
    cell runs, ``shell.execution_count`` is already the next one. With IPython's autoawait on,
    the code may ``await`` at the top level (`is_async`; run it with `run_async`), unless
    `may_await` is False (the caller cannot await it: then `await` is a syntax error).

    >>> from IPython.testing.globalipapp import get_ipython
    >>> cell = Cell(get_ipython(), "6 * 7")
    >>> cell.run(), cell.is_async
    (42, False)
    """

    def __init__(self, shell: Any, cell: str, *, may_await: bool = True) -> None:
        self.shell = shell
        source = shell.transform_cell(cell)
        filename = shell.compile.cache(source, running_cell_number(shell), raw_code=cell)
        tree: ast.Module = shell.transform_ast(shell.compile.ast_parse(source, filename=filename))
        self.assigned = _assigned(tree)
        self.quiet = bool(DisplayHook.semicolon_at_end_of_expression(source))
        end = tree.body[-1] if tree.body else None
        parts: list[tuple[ast.mod, str]] = [(tree, "exec")]
        if isinstance(end, ast.Expr):  # the cell's value, evaluated on its own
            tree.body.pop()
            parts.append((ast.Expression(end.value), "eval"))
        awaiting = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if shell.autoawait and may_await else 0
        with shell.compile.extra_flags(awaiting):
            self.codes: list[CodeType] = [shell.compile(p, filename, mode) for p, mode in parts]
        self.is_async = any(code.co_flags & inspect.CO_COROUTINE for code in self.codes)

    def assigns(self, expression: str) -> bool:
        """Whether the cell gives `expression` a new value: `net = ...` for `net` (a cell that
        makes its model, run again), or `trainer = ...` for `trainer.net`."""
        try:
            wanted = ast.unparse(ast.parse(expression.strip(), mode="eval").body)
        except SyntaxError:
            return False
        return any(
            wanted == name or wanted.startswith((f"{name}.", f"{name}[")) for name in self.assigned
        )

    def run(self) -> Any:
        """Run the code in the notebook's namespace and return the value of its last line if
        that is an expression not ended by `;`.

        Unlike ``shell.run_cell`` it does not catch the cell's exception: the exception reaches
        the notebook, so the cell fails (and "Run all" stops) as it would without the magic.
        """
        __tracebackhide__ = True
        value = None
        for code in self.codes:
            value = eval(code, self.shell.user_global_ns, self.shell.user_ns)
        return None if self.quiet else value

    async def run_async(self) -> Any:
        """`run` for code that awaits at the top level."""
        __tracebackhide__ = True
        value = None
        for code in self.codes:
            value = eval(code, self.shell.user_global_ns, self.shell.user_ns)
            if code.co_flags & inspect.CO_COROUTINE:
                value = await value
        return None if self.quiet else value


class CellReader:
    """An input transformer (IPython's ``input_transformers_post``) that reads a `%%nngraph`
    cell's code before the cell runs, where IPython reads a plain cell's: a syntax error in it
    is then shown as a plain cell's (`Cell In[N], line L` and a caret), and a cell that awaits
    at the top level becomes ``await get_ipython().run_cell_magic(...)``, which IPython runs
    as it runs any cell that awaits (the magic gives back a coroutine for it).

    >>> from IPython.testing.globalipapp import get_ipython
    >>> CellReader(get_ipython())(["x = 1\\n"])  # any other cell is left as it is
    ['x = 1\\n']
    """

    _CALL = "get_ipython().run_cell_magic('nngraph', "  # how IPython writes a `%%nngraph` cell

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        #: the code of the cells it made await the magic, which the magic may then run as such
        self.awaited: set[str] = set()

    def __call__(self, lines: list[str]) -> list[str]:
        if not lines or not lines[0].startswith(self._CALL):
            return lines
        try:
            call = ast.parse("".join(lines), mode="eval").body
        except SyntaxError:
            return lines
        arguments = call.args if isinstance(call, ast.Call) else []
        texts = [a.value for a in arguments if isinstance(a, ast.Constant) and type(a.value) is str]
        if len(texts) != 3:
            return lines  # not a cell as IPython writes it: the magic reads it when it runs
        _, line, cell = texts
        if {"-h", "--help"} & set(line.split()):  # the help is printed, the cell not run
            return lines
        if Cell(self.shell, cell).is_async:  # a syntax error is raised here
            self.awaited.add(cell)
            return ["await " + lines[0], *lines[1:]]
        return lines


def _assigned(tree: ast.Module) -> set[str]:
    """What the code assigns in the notebook's namespace, as written: `net`, `trainer.net`,
    `nets[0]`, imported and defined names; not the names local to its functions and classes,
    nor `G` in `G: int`. It is read, not run: `if False: G = 1` assigns `G` too."""
    found: set[str] = set()
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.AnnAssign) and node.value is None:  # assigns nothing
            node = node.annotation
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
            continue
        if isinstance(
            node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
        ):
            continue
        if isinstance(node, ast.alias):
            found.add(node.asname or node.name.partition(".")[0])
        elif isinstance(getattr(node, "ctx", None), ast.Store | ast.Del):
            found.add(ast.unparse(node))
        todo.extend(ast.iter_child_nodes(node))
    return found
