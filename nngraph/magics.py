"""`%nngraph` and `%%nngraph`: one line in a notebook, thin sugar over the public functions.

    %load_ext nngraph
    %nngraph loss                       # ng.graph_of(loss), shown
    %nngraph g                          # a graph kept (-o g), shown as it is
    %%nngraph --depth 2 -o g            # ng.record() around the cell, shown, kept as `g`
    %nngraph monitor --model net        # mon = ng.Monitor(model=net)
    %nngraph watch net --optimizer opt  # watch = ng.GradientWatch(net, optimizer=opt)
    %nngraph lang pl                    # ng.set_language("pl")

The line magic reads the local variables of the function it is in (as `%time` does) and
shows the graph there too, as it does mid-cell or in a loop (`g = %nngraph out` only keeps
it); it names the parameters of every model of the notebook that the value was computed from
(after the variable holding each, `G.0.weight`, when there are several). Wrong arguments give
one line (IPython's UsageError), never a traceback, with the right spelling of a command or an
option that is close (`--color_by`: did you mean `--color-by`?); a `;` at the end of a line
is taken as the notebook habit it is (`%nngraph loss;` still shows the graph). A `%%nngraph`
cell otherwise behaves as the same cell without the magic: its errors, tracebacks (`Cell In[N]`),
syntax errors, top-level `await`, last value and trailing `;` are those of a plain cell.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import itertools
import warnings
from collections import ChainMap
from collections.abc import Mapping
from typing import Any

import torch
from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, needs_local_scope
from IPython.display import Pretty, display

from nngraph import _magic_extension as extension
from nngraph._magic_args import (
    asks_for_help,
    cell_words,
    is_known,
    split_line,
    strip_semicolon,
    view_options,
)
from nngraph._magic_cell import Cell, CellReader, running_cell_number
from nngraph._magic_commands import MagicCommands, Scope, fits_command
from nngraph._magic_errors import (
    backward_again_error,
    error_text,
    line_value_error,
    not_a_model_error,
    raised_by_expression,
    statement_error,
)
from nngraph._magic_models import graph_with_models, idle_model_warning
from nngraph._magic_show import line_value_dropped, line_value_shown, tell_missing_widgets
from nngraph._magic_suggest import COMMANDS, cell_options_in, command_assigned, misspelt_command
from nngraph.capture._common import NNGraphWarning, drop_recording_frames
from nngraph.capture._record import Recording, record_cell
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.graph import Graph
from nngraph.graph._nodes import count_text, counted
from nngraph.i18n import message, plural_form

__all__ = ["NNGraphMagics", "load_ipython_extension", "unload_ipython_extension"]


@magics_class
class NNGraphMagics(MagicCommands, Magics):
    """The `%nngraph` line magic and `%%nngraph` cell magic."""

    def _evaluate(
        self,
        expression: str,
        key: str = "magic.cannot_evaluate",
        scope: Scope | None = None,
        **fields: str,
    ) -> Any:
        """The value of a notebook expression, in `scope` (the local variables of the function
        whose line it is; by default the notebook's). A mistake in the expression itself (a
        misspelt name, bad syntax) is told in one line (the message `key`, given `fields` too);
        an error raised in code it calls (the model's forward) reaches the notebook as it is,
        with its traceback."""
        __tracebackhide__ = True  # that traceback starts at the expression, not in nngraph
        shell: Any = self.shell
        source = expression.strip(" \t")  # as `eval` strips it
        # cached as IPython caches a cell: its frame in a traceback shows the expression
        # (`Cell In[N], line 1`), not "Could not get source" as that of `shell.ev` did
        name = shell.compile.cache(source, running_cell_number(shell))
        try:
            with shell.builtin_trap:
                code = shell.compile(source, name, "eval")
                return eval(code, shell.user_global_ns, shell.user_ns if scope is None else scope)
        except Exception as error:
            if not raised_by_expression(error, name):
                raise
            said = message(key, expression=expression, error=error_text(error), **fields)
            raise UsageError(said) from None

    def _show(self, graph: Any, options: argparse.Namespace) -> None:
        if options.output:
            self._keep(options.output, graph, "magic.cell.would_replace")
        if options.quiet:
            return
        self._display(graph, depth=options.depth, view=options.view, color_by=options.color_by)

    def _display(self, graph: Graph, magic: str = "%%nngraph", **options: Any) -> None:
        """The graph's view below the cell; without the widgets installed, its text summary
        (as `g` shows then) and a line saying what to install."""
        if tell_missing_widgets(magic, outside_notebooks=True):
            display(Pretty(graph.summary()))
            return
        display(graph.show(**options))

    @line_cell_magic
    @needs_local_scope
    def nngraph(self, line: str, cell: str | None = None, local_ns: Scope | None = None) -> Any:
        __tracebackhide__ = True
        try:
            if cell is not None:  # the cell's own errors reach the notebook
                return self._record_cell(cell_words(line), cell)
            notebook = self.shell.user_ns  # type: ignore[union-attr]
            # a line in a function reads its local variables, as `%time` does
            value = self._line(line, notebook if local_ns is None else local_ns)
            if isinstance(value, Graph) and line_value_dropped(self.shell):
                self._display(value, "%nngraph")  # `%nngraph out` in a function, a loop
            elif isinstance(value, Graph) and line_value_shown(self.shell):
                tell_missing_widgets("%nngraph")  # IPython shows it: as text without them
            return value
        except BaseException as error:
            # an error of the student's code: its traceback is a plain cell's, no frame of
            # nngraph's nor of the recording's `__torch_function__` in it
            drop_recording_frames(error)
            raise

    def _line(self, line: str, scope: Scope) -> Any:
        """`%nngraph ...`: a command, or the graph of an expression; names are looked up in
        `scope` first, then in the notebook."""
        __tracebackhide__ = True
        try:
            line = strip_semicolon(line)  # `%nngraph loss;`: a notebook habit, nothing to hide
            command, *rest = line.split(None, 1) or [""]
            if not command:
                raise UsageError(message("magic.usage"))
            if command in ("help", "-h", "--help"):
                print(message("magic.help"))
                return None
            if (assigned := command_assigned(line, fits_command)) is not None:  # `lang=pl`
                raise UsageError(assigned)
            if command in COMMANDS:
                # `watch = x` then `%nngraph watch + 1` (it fails) or `%nngraph watch` (it runs):
                # the line is the command, not the user's variable of that name: say so
                expression = self._expression_meant(command, line, scope)
                shadowed = {"word": command, "expression": expression}
                try:
                    result = self._command(command, "".join(rest), scope)
                except (UsageError, NNGraphError) as error:
                    if expression is None:
                        raise
                    said = message("magic.read_as_command", error=str(error), **shadowed)
                    raise UsageError(said) from None
                if expression is not None:
                    print(message("magic.read_as_command_note", **shadowed))
                return result
            names = self._names_in(scope)
            # `%nngraph wacth net`; not `%nngraph batch --depth 2`, `batch` a variable
            if (misspelt := misspelt_command(line, names, fits_command)) is not None:
                raise UsageError(misspelt)
            return self._graph_of_line(line, scope)  # not a command: a Python expression
        except NNGraphError as error:
            raise UsageError(str(error)) from None

    def _command(self, command: str, arguments: str, scope: Scope) -> Any:
        """`%nngraph monitor ...`, `watch ...` or `lang ...`; `--help` prints the help."""
        words = split_line(arguments)
        if asks_for_help(words):  # `%nngraph monitor --help`
            print(message("magic.help"))
            return None
        if command == "lang":
            return self._language(words)
        run = self._monitor if command == "monitor" else self._watch
        return run(words, scope)

    def _expression_meant(self, command: str, line: str, scope: Scope) -> str | None:
        """The expression a line that failed as a command may have meant (`watch + 1`): the
        line, when it is Python and its first word a variable of the user's (not the monitor
        or watch a command made); None otherwise."""
        from nngraph.monitor import GradientWatch, Monitor

        names = self._names_in(scope)
        if command not in names or isinstance(names[command], GradientWatch | Monitor):
            return None
        typed = line.strip()
        try:
            tree = ast.parse(typed, mode="eval")
        except SyntaxError:
            return None
        return ast.get_source_segment(typed, tree.body)  # without a `# comment`

    def _graph_of_line(self, line: str, scope: Scope) -> Graph:
        """`%nngraph EXPR`: the graph of what EXPR evaluates to, its tensors labelled after the
        variables of `scope` and the notebook (a bare name, `%nngraph loss`, labels the result
        `loss` even when `best = loss` holds it too); a graph (`%nngraph g`) is shown as it is.
        A line that fails and starts with an option of `%%nngraph`, or has one after the
        expression (`%nngraph loss --depth 2`), is told where options go, and the spelling of a
        misspelt one (`--depht`); any other, the commands."""
        __tracebackhide__ = True
        if (statement := statement_error(line)) is not None:  # `%nngraph loss = net(x).sum()`
            raise UsageError(statement)
        namespace = self._names_in(scope)
        first, meant = cell_options_in(line, view_options()._option_string_actions)
        # options after an expression the notebook knows (`loss --depth 2`); `monitr --model net`
        # is rather a misspelt command
        known = first is not None and is_known(" ".join(line.split()[:first]), namespace)
        typed = line.strip()
        key, fields = "magic.cannot_evaluate_line", {}
        if first == 0 or known:
            key = "magic.misspelt_cell_options" if meant else "magic.options_need_cell"
            fields = {"options": ", ".join(meant)} if meant else {}
        try:
            value = self._evaluate(line, key, scope, **fields)
        except RuntimeError as error:  # `loss.backward()` again: one line, not torch's 40
            if (again := backward_again_error(typed, error)) is None:
                raise
            raise UsageError(again) from None
        if isinstance(value, Graph):  # `%nngraph g`: the graph `-o g` kept, shown as `g` is
            return value
        if (problem := line_value_error(typed, value)) is not None:
            raise UsageError(problem)
        if typed.isidentifier() and typed in namespace:
            # `%nngraph loss` labels the result `loss`, also when `best = loss` came first
            namespace = {typed: namespace[typed], **namespace}
        # IPython's own variables (`Out`, which holds what cells showed) name no model
        hidden = self.shell.user_ns_hidden  # type: ignore[union-attr]
        return graph_with_models(value, namespace, hidden)

    def _names_in(self, scope: Scope) -> Mapping[str, Any]:
        """The variables a line sees: those of `scope` (a function's), then the notebook's."""
        notebook = self.shell.user_ns  # type: ignore[union-attr]
        if scope is notebook:
            return notebook
        return {**scope, **{k: v for k, v in notebook.items() if k not in scope}}

    def _refuse_to_replace(
        self, name: str, kind: type, key: str = "magic.would_replace", base: str = "g"
    ) -> None:
        """`-o NAME` must not replace a variable of the user's that is not a `kind`; the error
        suggests a free name made from `base` (`mon2` for a monitor)."""
        old = self.shell.user_ns.get(name)  # type: ignore[union-attr]
        if old is not None and not isinstance(old, kind):
            other = self._free_name(base)
            raise UsageError(message(key, name=name, type_name=type(old).__name__, other=other))
        if old is None and hasattr(builtins, name):  # `-o print`: every later print() would fail
            other = self._free_name(base)
            raise UsageError(message(f"{key}_builtin", name=name, other=other))

    def _keep(
        self, name: str, value: Any, key: str = "magic.would_replace", base: str = "g"
    ) -> None:
        """`-o NAME`: store `value` as NAME, unless NAME holds something else of the user's."""
        self._refuse_to_replace(name, type(value), key, base)
        self.shell.user_ns[name] = value  # type: ignore[union-attr]

    def _free_name(self, base: str) -> str:
        """`base2`, else `base3`, ...: the first such name the notebook does not use (`mon3`
        after `mon2`, not `mon22`)."""
        used = self.shell.user_ns  # type: ignore[union-attr]
        base = base.rstrip("0123456789") or base
        return next(name for i in itertools.count(2) if (name := f"{base}{i}") not in used)

    def _model(self, expression: str) -> torch.nn.Module:
        """The module `--model EXPR` of the cell magic names."""
        model = self._evaluate(expression, "magic.cell.cannot_evaluate")
        made = not_a_model_error(expression, model, "%%nngraph: --model", "--model model")
        if made is not None:  # `--model Net`: the class, not a model made from it
            raise UsageError(made)
        if not isinstance(model, torch.nn.Module):
            got = type(model).__name__
            what = "%%nngraph: --model"
            raise UsageError(message("monitor.error.not_module", what=what, type_name=got))
        return model

    def _record_cell(self, words: list[str], cell: str) -> Any:
        __tracebackhide__ = True  # IPython hides this frame in the cell's traceback
        if asks_for_help(words):  # the help, and the cell not run
            print(message("magic.help"))
            return None
        options = view_options().parse_args(words)
        if options.output:  # before the cell runs: a refused name must not cost the run
            self._refuse_to_replace(options.output, Graph, "magic.cell.would_replace")
        code = Cell(self.shell, cell, may_await=self._awaited(cell))
        if options.output and code.assigns(options.output):  # `-o out` and `out = net(x)`
            other = self._free_name("g")
            raise UsageError(
                message("magic.cell.output_assigned", name=options.output, other=other)
            )
        # A cell that makes its model (again) is recorded without the old one: the new model
        # is the first to run, so names are relative to it, as `--model` asks.
        anew = options.model is not None and code.assigns(options.model)
        model = None if options.model is None or anew else self._model(options.model)
        if code.is_async:  # top-level `await`: the cell awaits this (see `CellReader`)
            return self._record_async(code, model, options)
        kept: dict[str, Any] = {}  # the cell's value: a result, not one nothing used
        with record_cell(model, names=self._names(kept)) as rec:
            kept["_cell_value"] = value = code.run()  # the cell's own error propagates
        return self._recorded(rec, options, model, value)

    def _names(self, kept: dict[str, Any]) -> ChainMap[str, Any]:
        """The notebook's variables, and `kept` (the cell's value) besides, which names
        nothing (`_` names are not labels) but counts as held: its tensors are no result
        nothing used."""
        return ChainMap(self.shell.user_ns, kept)  # type: ignore[union-attr]

    def _awaited(self, cell: str) -> bool:
        """Whether the cell reader made this cell await the magic: only then may its code await
        (called directly, `run_cell_magic` gives back a value nobody would await)."""
        for reader in self.shell.input_transformers_post:  # type: ignore[union-attr]
            if isinstance(reader, CellReader) and cell in reader.awaited:
                reader.awaited.discard(cell)
                return True
        return False

    async def _record_async(
        self, code: Cell, model: torch.nn.Module | None, options: argparse.Namespace
    ) -> Any:
        __tracebackhide__ = True
        try:
            kept: dict[str, Any] = {}
            with record_cell(model, names=self._names(kept)) as rec:
                kept["_cell_value"] = value = await code.run_async()
        except BaseException as error:  # raised when the cell awaits this, after `nngraph()`
            drop_recording_frames(error)
            raise
        return self._recorded(rec, options, model, value)

    def _recorded(
        self,
        rec: Recording,
        options: argparse.Namespace,
        model: torch.nn.Module | None,
        value: Any,
    ) -> Any:
        """What follows the cell's run: the graph shown and kept, the cell's value returned. A
        cell that trained several steps is told that its graph holds them all, one whose
        `--model` did not run that it did not (`model`: None where the cell made it anew)."""
        if options.model is not None and model is None:
            model = self._model(options.model)  # it names a module now that the cell ran
        graph = rec.graph
        if len(graph) == 0:  # a backward alone: its forward ran in an earlier cell
            print(
                message("magic.forward_before" if rec.forward_before else "magic.nothing_recorded")
            )
            return value
        if rec.forward_before:  # the backward reached none of the ops the cell recorded
            key = (
                "magic.forward_before_some"
                if rec.forward_before == "before"
                else "magic.untracked_loss"
            )
            where = stacklevel_outside(("nngraph", "IPython"))  # the cell's `%%nngraph` line
            warnings.warn(message(key), NNGraphWarning, stacklevel=where)
        elif model is not None:  # `--model old` while the cell ran `net`
            self._warn_idle_model(rec, options.model, model)
        passes = graph.graph.get("backward_passes", 0)
        # a training loop: 500 steps, one wide picture (a GAN step runs two backward passes)
        if passes > 2 and not options.quiet:
            key = f"magic.cell.passes.{plural_form(passes)}"
            print(message(key, passes=count_text(passes), nodes=counted("nodes", len(graph))))
        self._show(graph, options)
        return value  # a final expression is shown as the cell's output, as without the magic

    def _warn_idle_model(self, rec: Recording, typed: str, model: torch.nn.Module) -> None:
        """`--model TYPED` whose model did not run in the cell is told so, at the cell's line,
        with the notebook's models that ran instead."""
        shell: Any = self.shell
        text = idle_model_warning(rec.took_part, typed, model, shell.user_ns, shell.user_ns_hidden)
        if text is not None:
            where = stacklevel_outside(("nngraph", "IPython"))
            warnings.warn(text, NNGraphWarning, stacklevel=where)


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext nngraph`: register the magics and the `%%nngraph` cell reader (twice is
    harmless).

    >>> from IPython.testing.globalipapp import get_ipython
    >>> ip = get_ipython(); load_ipython_extension(ip); load_ipython_extension(ip)
    >>> "nngraph" in ip.magics_manager.magics["cell"]
    True
    >>> unload_ipython_extension(ip)
    """
    extension.load(ipython, NNGraphMagics)


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext nngraph`: remove the magics, the cell reader and the language listener.

    >>> from IPython.testing.globalipapp import get_ipython
    >>> ip = get_ipython(); load_ipython_extension(ip); unload_ipython_extension(ip)
    >>> "nngraph" in ip.magics_manager.magics["cell"]
    False
    """
    extension.unload(ipython, NNGraphMagics)


extension.refresh_help(NNGraphMagics)  # `%nngraph?`: the help, in the current language
