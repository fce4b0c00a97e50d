"""`%nngraph` and `%%nngraph`: one line in a notebook, thin sugar over the public functions.

    %load_ext nngraph
    %nngraph loss                       # ng.graph_of(loss), shown
    %%nngraph --depth 2 -o g            # ng.record() around the cell, shown, kept as `g`
    %nngraph monitor --model net        # mon = ng.Monitor(model=net)
    %nngraph watch net                  # watch = ng.GradientWatch(net)
    %nngraph lang pl                    # ng.set_language("pl")

Wrong arguments give one line (IPython's UsageError), never a traceback.
"""

from __future__ import annotations

import argparse
import ast
import keyword
import shlex
from typing import Any, NoReturn

import torch
from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display

from nngraph.capture import graph_of, record
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.i18n import message, on_language_change, set_language

__all__ = ["NNGraphMagics", "load_ipython_extension", "unload_ipython_extension"]

_VIEWS = ("forward", "backward")
_COLOURS = ("grad", "value", "none")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake as one UsageError line instead of exiting, and takes no
    abbreviations (``--mode`` must never be read as ``--model``)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog=prog, add_help=False, allow_abbrev=False)

    def error(self, text: str) -> NoReturn:
        raise UsageError(message("magic.bad_arguments", error=text))


def _variable(name: str) -> str:
    """An ``-o`` value: a name the notebook can use as a variable."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(message("magic.bad_name", name=name))
    return name


def _depth(text: str) -> int:
    """A ``--depth`` value: a whole number >= 0, checked before the cell runs."""
    if not text.isdigit():
        raise UsageError(message("graph.error.depth", depth=text))
    return int(text)


def _view_options() -> _Parser:
    parser = _Parser("%%nngraph")
    parser.add_argument("--depth", type=_depth, default=None)
    parser.add_argument("--view", choices=_VIEWS, default="forward")
    parser.add_argument("--color-by", dest="color_by", choices=_COLOURS, default="grad")
    parser.add_argument("--model", default=None)
    parser.add_argument("-o", "--output", type=_variable, default=None)
    parser.add_argument("-q", "--quiet", action="store_true")
    return parser


def _run_code(shell: Any, cell: str) -> Any:
    """Run a cell's code in the notebook's namespace as IPython would, and return the value of
    its last line if that is an expression.

    Unlike ``shell.run_cell`` it does not catch the cell's exception: the exception reaches the
    notebook, so the cell fails (and "Run all" stops) as it would without the magic.
    """
    __tracebackhide__ = True
    source = shell.transform_cell(cell)
    tree = shell.transform_ast(shell.compile.ast_parse(source))
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    filename = shell.compile.cache(source, shell.execution_count, raw_code=cell)
    namespace = shell.user_ns
    exec(shell.compile(tree, filename, "exec"), shell.user_global_ns, namespace)
    if last is None:
        return None
    return eval(shell.compile(last, filename, "eval"), shell.user_global_ns, namespace)


@magics_class
class NNGraphMagics(Magics):
    """The `%nngraph` line magic and `%%nngraph` cell magic."""

    def _evaluate(self, expression: str, key: str = "magic.cannot_evaluate") -> Any:
        try:
            return self.shell.ev(expression)  # type: ignore[union-attr]
        except Exception as error:
            raise UsageError(
                message(
                    key,
                    expression=expression,
                    error=f"{type(error).__name__}: {error}",
                )
            ) from None

    def _show(self, graph: Any, options: argparse.Namespace) -> None:
        if options.output:
            self._keep(options.output, graph)
        if options.quiet:
            return
        display(graph.show(depth=options.depth, view=options.view, color_by=options.color_by))

    @line_cell_magic
    def nngraph(self, line: str, cell: str | None = None) -> Any:
        __tracebackhide__ = True
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise UsageError(message("magic.bad_arguments", error=error)) from None
        if cell is not None:  # outside the try below: the cell's own errors reach the notebook
            return self._record_cell(words, cell)
        try:
            if not words:
                raise UsageError(message("magic.usage"))
            command = words[0]
            if command in ("help", "-h", "--help"):
                print(message("magic.help"))
                return None
            if command == "monitor":
                return self._monitor(words[1:])
            if command == "watch":
                return self._watch(words[1:])
            if command == "lang":
                return self._language(words[1:])
            # not a command: an expression (a mistyped command gets the list of commands)
            value = self._evaluate(line, "magic.cannot_evaluate_line")
            return graph_of(value, params=self._model_behind(value))
        except NNGraphError as error:
            raise UsageError(str(error)) from None

    def _model_behind(self, value: Any) -> torch.nn.Module | None:
        """The notebook's model whose parameters `value` was computed from (the largest one,
        when several are), so that `%nngraph loss` names them as parameters."""
        leaves = {id(t) for t in _leaves(value)}
        models = [
            v
            for k, v in self.shell.user_ns.items()  # type: ignore[union-attr]
            if isinstance(v, torch.nn.Module) and not k.startswith("_")
        ]
        used = [m for m in models if any(id(p) in leaves for p in m.parameters())]
        return max(used, key=lambda m: sum(p.numel() for p in m.parameters()), default=None)

    def _refuse_to_replace(self, name: str, kind: type) -> None:
        """`-o NAME` must not replace a variable of the user's that is not a `kind`."""
        old = self.shell.user_ns.get(name)  # type: ignore[union-attr]
        if old is not None and not isinstance(old, kind):
            raise UsageError(
                message("magic.would_replace", name=name, type_name=type(old).__name__)
            )

    def _keep(self, name: str, value: Any) -> None:
        """`-o NAME`: store `value` as NAME, unless NAME holds something else of the user's."""
        self._refuse_to_replace(name, type(value))
        self.shell.user_ns[name] = value  # type: ignore[union-attr]

    def _record_cell(self, words: list[str], cell: str) -> Any:
        __tracebackhide__ = True  # IPython hides this frame in the cell's traceback
        options = _view_options().parse_args(words)
        if options.output:  # before the cell runs: a refused name must not cost the run
            self._refuse_to_replace(options.output, Graph)
        model = None if options.model is None else self._evaluate(options.model)
        if model is not None and not isinstance(model, torch.nn.Module):
            got = type(model).__name__
            raise UsageError(message("monitor.error.not_module", what="--model", type_name=got))
        with record(model, names=self.shell.user_ns) as rec:  # type: ignore[union-attr]
            value = _run_code(self.shell, cell)  # the cell's own error propagates: the cell fails
        if len(rec.graph) == 0:
            print(message("magic.nothing_recorded"))
        else:
            self._show(rec.graph, options)
        return value  # a final expression is shown as the cell's output, as without the magic

    def _monitor(self, words: list[str]) -> Any:
        from nngraph.monitor import Monitor

        parser = _Parser("%nngraph monitor")
        parser.add_argument("--model", default=None)
        parser.add_argument("--metric", default="val_loss")
        parser.add_argument("--name", default=None)
        parser.add_argument("--mode", choices=("min", "max", "auto"), default="auto")
        parser.add_argument("-o", "--output", type=_variable, default="mon")
        options = parser.parse_args(words)
        model = None if options.model is None else self._evaluate(options.model)
        monitor = Monitor(model=model, metric=options.metric, mode=options.mode, name=options.name)
        self._keep(options.output, monitor)
        what = f"ng.Monitor(metric={monitor.metric!r}, mode={monitor.mode!r})"
        print(message("magic.created", name=options.output, what=what))

    def _watch(self, words: list[str]) -> Any:
        from nngraph.monitor import GradientWatch

        parser = _Parser("%nngraph watch")
        parser.add_argument("model")
        parser.add_argument("-o", "--output", type=_variable, default="watch")
        options = parser.parse_args(words)
        watch = GradientWatch(self._evaluate(options.model))
        self._keep(options.output, watch)
        print(
            message("magic.created", name=options.output, what=f"ng.GradientWatch({options.model})")
        )

    def _language(self, words: list[str]) -> None:
        if len(words) != 1:
            raise UsageError(message("magic.usage"))
        set_language(words[0])


def _leaves(value: Any) -> list[torch.Tensor]:
    """The leaf tensors (parameters, inputs) the autograd graph of `value`'s tensors reaches."""
    tensors = [t for t in torch.utils._pytree.tree_leaves(value) if isinstance(t, torch.Tensor)]
    todo = [t.grad_fn for t in tensors if t.grad_fn is not None]
    seen: set[int] = set()
    leaves = [t for t in tensors if t.grad_fn is None]
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        variable = getattr(fn, "variable", None)
        if isinstance(variable, torch.Tensor):
            leaves.append(variable)
        todo.extend(next_fn for next_fn, _ in fn.next_functions if next_fn is not None)
    return leaves


def _refresh_help(_: str = "") -> None:
    """`%nngraph?` shows the help in the current language."""
    NNGraphMagics.nngraph.__doc__ = message("magic.help")


_refresh_help()
_unsubscribe: list[Any] = []


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext nngraph`: register the magics (twice is harmless)."""
    ipython.register_magics(NNGraphMagics)
    if not _unsubscribe:
        _unsubscribe.append(on_language_change(_refresh_help))


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext nngraph`: remove the magics and the language listener."""
    for kind in ("line", "cell"):
        ipython.magics_manager.magics[kind].pop("nngraph", None)
    ipython.magics_manager.registry.pop("NNGraphMagics", None)
    while _unsubscribe:
        _unsubscribe.pop()()
