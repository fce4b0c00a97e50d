"""How a `%%nngraph` cell's code is read: as IPython reads a plain cell's, before the cell runs
(`CellReader`, an input transformer) and when the magic runs it (`Cell`), so that its syntax
errors, tracebacks, top-level `await` and last value are those of a plain cell.

    >>> from IPython.testing.globalipapp import get_ipython
    >>> Cell(get_ipython(), "x = 6\\nx * 7").run()
    42
"""

from __future__ import annotations

import ast
import inspect
from types import CodeType
from typing import Any

from IPython.core.displayhook import DisplayHook
from IPython.core.error import UsageError

from nngraph._magic_args import asks_for_help, cell_words
from nngraph.i18n import message

__all__ = ["Cell", "CellReader", "running_cell_number"]


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

    A cell with nothing below its ``%%nngraph`` line is refused here, in nngraph's words and
    language: IPython's own check, before the magic runs, is English only.
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
        try:  # read as the magic reads it: `--help;` and `"--help"` ask for the help too
            words = cell_words(line)
        except UsageError:
            words = None  # the magic says what is wrong with the line, and runs nothing
        if not cell:  # IPython refuses an empty cell before the magic runs, in English only
            if words is not None and asks_for_help(words):
                return ["get_ipython().run_line_magic('nngraph', '--help')\n"]
            raise UsageError(message("magic.cell.empty"))
        if words is None or asks_for_help(words):  # the help is printed, the cell not run
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
