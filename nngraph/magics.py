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
import shlex
from typing import Any, NoReturn

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display

from nngraph.capture import graph_of, record
from nngraph.errors import NNGraphError
from nngraph.i18n import message, on_language_change, set_language

__all__ = ["NNGraphMagics", "load_ipython_extension", "unload_ipython_extension"]

_VIEWS = ("forward", "backward")
_COLOURS = ("grad", "value", "none")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a mistake as one UsageError line instead of exiting."""

    def error(self, text: str) -> NoReturn:
        raise UsageError(message("magic.bad_arguments", error=text))


def _view_options() -> _Parser:
    parser = _Parser(prog="%%nngraph", add_help=False)
    parser.add_argument("--depth", type=int, default=None)
    parser.add_argument("--view", choices=_VIEWS, default="forward")
    parser.add_argument("--color-by", dest="color_by", choices=_COLOURS, default="grad")
    parser.add_argument("--model", default=None)
    parser.add_argument("-o", "--output", default=None)
    parser.add_argument("-q", "--quiet", action="store_true")
    return parser


@magics_class
class NNGraphMagics(Magics):
    """The `%nngraph` line magic and `%%nngraph` cell magic."""

    def _evaluate(self, expression: str) -> Any:
        try:
            return self.shell.ev(expression)  # type: ignore[union-attr]
        except Exception as error:
            raise UsageError(
                message(
                    "magic.cannot_evaluate",
                    expression=expression,
                    error=f"{type(error).__name__}: {error}",
                )
            ) from None

    def _show(self, graph: Any, options: argparse.Namespace) -> None:
        if options.output:
            self.shell.user_ns[options.output] = graph  # type: ignore[union-attr]
        if options.quiet:
            return
        display(graph.show(depth=options.depth, view=options.view, color_by=options.color_by))

    @line_cell_magic
    def nngraph(self, line: str, cell: str | None = None) -> Any:
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise UsageError(message("magic.bad_arguments", error=error)) from None
        try:
            if cell is not None:
                return self._record_cell(words, cell)
            if not words:
                raise UsageError(message("magic.usage"))
            command = words[0]
            if command == "monitor":
                return self._monitor(words[1:])
            if command == "watch":
                return self._watch(words[1:])
            if command == "lang":
                return self._language(words[1:])
            return graph_of(self._evaluate(line))
        except NNGraphError as error:
            raise UsageError(str(error)) from None

    def _record_cell(self, words: list[str], cell: str) -> None:
        options = _view_options().parse_args(words)
        model = None if options.model is None else self._evaluate(options.model)
        with record(model, names=self.shell.user_ns) as rec:  # type: ignore[union-attr]
            result = self.shell.run_cell(cell, store_history=False)  # type: ignore[union-attr]
        if not result.success:
            return  # the cell's own error has been shown, as for any cell
        if len(rec.graph) == 0:
            print(message("magic.nothing_recorded"))
            return
        self._show(rec.graph, options)

    def _monitor(self, words: list[str]) -> Any:
        from nngraph.monitor import Monitor

        parser = _Parser(prog="%nngraph monitor", add_help=False)
        parser.add_argument("--model", default=None)
        parser.add_argument("--metric", default="val_loss")
        parser.add_argument("--name", default=None)
        parser.add_argument("-o", "--output", default="mon")
        options = parser.parse_args(words)
        model = None if options.model is None else self._evaluate(options.model)
        monitor = Monitor(model=model, metric=options.metric, name=options.name)
        self.shell.user_ns[options.output] = monitor  # type: ignore[union-attr]
        print(
            message(
                "magic.created", name=options.output, what=f"ng.Monitor(metric={options.metric!r})"
            )
        )

    def _watch(self, words: list[str]) -> Any:
        from nngraph.monitor import GradientWatch

        parser = _Parser(prog="%nngraph watch", add_help=False)
        parser.add_argument("model")
        parser.add_argument("-o", "--output", default="watch")
        options = parser.parse_args(words)
        watch = GradientWatch(self._evaluate(options.model))
        self.shell.user_ns[options.output] = watch  # type: ignore[union-attr]
        print(
            message("magic.created", name=options.output, what=f"ng.GradientWatch({options.model})")
        )

    def _language(self, words: list[str]) -> None:
        if len(words) != 1:
            raise UsageError(message("magic.usage"))
        set_language(words[0])


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
