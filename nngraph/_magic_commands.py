"""The sub-commands of `%nngraph`: `monitor`, `watch` and `lang`, each a thin wrapper over one
public call that prints the line of Python it stands for.

    %nngraph monitor --model net        # mon = ng.Monitor(model=net)
    %nngraph watch net --optimizer opt  # watch = ng.GradientWatch(net, optimizer=opt)
    %nngraph watch net --monitor mon    # its findings also in mon's events and view
    %nngraph lang pl                    # ng.set_language("pl")

    >>> from IPython.testing.globalipapp import get_ipython
    >>> import nngraph as ng
    >>> ip = get_ipython(); ng.load_ipython_extension(ip)
    >>> ip.run_line_magic("nngraph", "lang")  # doctest: +ELLIPSIS
    nngraph speaks en ...
    >>> ng.unload_ipython_extension(ip)
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.display import display

from nngraph._magic_api_errors import in_magic_words
from nngraph._magic_args import Parser, split_line, variable
from nngraph._magic_errors import not_a_model_error
from nngraph._magic_show import tell_missing_widgets
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import LANGUAGES, get_language, message, set_language

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

__all__ = ["MagicCommands", "Scope", "fits_command", "monitor_options", "watch_options"]

#: the variables a magic line reads: the notebook's, or those of the function it is in
Scope = Mapping[str, Any]


def monitor_options() -> Parser:
    """The options of `%nngraph monitor`."""
    parser = Parser("%nngraph monitor")
    parser.add_argument("--model", default=None)
    parser.add_argument("--metric", default=None)  # None: val_loss, or its alias as logged
    parser.add_argument("--name", default=None)
    parser.add_argument("--mode", choices=("min", "max", "auto"), default="auto")
    parser.add_argument("-o", "--output", type=variable, default="mon")
    return parser


def watch_options() -> Parser:
    """The arguments of `%nngraph watch`."""
    parser = Parser("%nngraph watch")
    parser.add_argument("model")
    parser.add_argument("--optimizer", default=None)
    parser.add_argument("--monitor", default=None)
    parser.add_argument("-o", "--output", type=variable, default="watch")
    return parser


def fits_command(command: str, arguments: str) -> bool:
    """Whether `arguments` are what `%nngraph COMMAND` takes (`net --optimizer opt` for
    `watch`, not `--depth 2`), as far as they can be told without evaluating anything; `help`
    takes none.

    >>> fits_command("watch", "net --optimizer opt"), fits_command("watch", "--depth 2")
    (True, False)
    """
    try:
        words = [w for w in split_line(arguments) if w not in ("-h", "--help")]
        if command == "monitor":
            monitor_options().parse_args(words)
        elif command == "watch":
            watch_options().parse_args(words)
        elif command == "lang":
            return len(words) <= 1 and not any(word.startswith("-") for word in words)
        else:
            return command == "help" and not words
    except UsageError:
        return False
    return True


class MagicCommands:
    """`%nngraph monitor`, `watch` and `lang`, mixed into
    :class:`~nngraph.magics.NNGraphMagics`, which gives them the notebook (`shell`) and the
    helpers below."""

    shell: InteractiveShell | None  # as in IPython's Magics

    def _evaluate(
        self, expression: str, key: str = "magic.cannot_evaluate", scope: Scope | None = None
    ) -> Any:
        raise NotImplementedError  # NNGraphMagics'

    def _refuse_to_replace(
        self, name: str, kind: type, key: str = "magic.would_replace", base: str = "g"
    ) -> None:
        raise NotImplementedError  # NNGraphMagics'

    def _keep(
        self, name: str, value: Any, key: str = "magic.would_replace", base: str = "g"
    ) -> None:
        raise NotImplementedError  # NNGraphMagics'

    def _free_name(self, base: str) -> str:
        raise NotImplementedError  # NNGraphMagics'

    def _monitor(self, words: list[str], scope: Scope) -> Any:
        from nngraph.monitor import Monitor
        from nngraph.monitor._common import epochs
        from nngraph.monitor._names import MODE_WARNING, Mode, mode_known, mode_warning

        options = monitor_options().parse_args(words)
        self._refuse_to_replace(options.output, Monitor, base="mon")  # before a view is shown
        model = None if options.model is None else self._evaluate(options.model, scope=scope)
        made = not_a_model_error(options.model, model, "%nngraph monitor: --model", "--model model")
        if made is not None:  # `--model Net`: the class, not a model made from it
            raise UsageError(made)
        # `--metric val_custom`: the magic warns, in its words (`--mode max`, not `mode="max"`)
        unknown = options.mode == "auto" and not mode_known(options.metric or "val_loss")
        mode: Mode = "min" if unknown else options.mode  # "auto" takes an unknown for a loss
        typed = _typed(options, ("model", "metric"))
        try:
            with warnings.catch_warnings():  # the magic says it below, with --mode
                warnings.filterwarnings("ignore", message=MODE_WARNING)
                monitor = Monitor(model=model, metric=options.metric, mode=mode, name=options.name)
        except NNGraphError as error:  # in the magic's words: `--model`, not `Monitor(model=...)`
            raise UsageError(in_magic_words(error, "monitor", typed)) from None
        text = mode_warning(options.mode, options.metric or "val_loss", words="magic.monitor_")
        if text is not None:  # at the notebook's line, not IPython's that ran the magic
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside(("nngraph", "IPython")))
        old = self.shell.user_ns.get(options.output)  # type: ignore[union-attr]
        self._keep(options.output, monitor, base="mon")
        # the mode only where it says something (sweep s47, L7): typed, or chosen for the metric
        # given (val_acc is maximised); not the default val_loss's 'min', never typed
        typed_mode = options.mode != "auto" or options.metric is not None
        arguments = [f"mode={monitor.mode!r}"] if typed_mode else []
        if options.metric is not None:
            arguments.insert(0, f"metric={options.metric!r}")
        if options.model is not None:
            arguments.insert(0, f"model={options.model}")
        if options.name is not None:
            arguments.append(f"name={options.name!r}")
        what = f"ng.Monitor({', '.join(arguments)})"
        print(message("magic.created", name=options.output, what=what))
        tell_missing_widgets("%nngraph monitor")  # its view, once it logs, is text lines then
        if isinstance(old, Monitor) and old.epoch_count:  # a run it logged is no longer `mon`
            other = self._free_name(options.output)
            logged = epochs(old.epoch_count)
            print(
                message("magic.monitor_replaced", name=options.output, epochs=logged, other=other)
            )

    def _watch(self, words: list[str], scope: Scope) -> Any:
        from nngraph.monitor import GradientWatch
        from nngraph.monitor._display import in_notebook

        options = watch_options().parse_args(words)
        self._refuse_to_replace(options.output, GradientWatch, base="watch")
        model = self._evaluate(options.model, scope=scope)
        made = not_a_model_error(options.model, model, "%nngraph watch", "%nngraph watch model")
        if made is not None:
            raise UsageError(made)
        optimizer = None
        if options.optimizer is not None:
            optimizer = self._evaluate(options.optimizer, scope=scope)
        if isinstance(optimizer, type):  # `--optimizer torch.optim.SGD`: the class, not one made
            raise UsageError(message("magic.optimizer_class", name=options.optimizer))
        monitor = None if options.monitor is None else self._evaluate(options.monitor, scope=scope)
        try:
            watch = GradientWatch(model, optimizer=optimizer, monitor=monitor)
        except NNGraphError as error:  # in the magic's words: `--optimizer`, not `optimizer=...`
            typed = _typed(options, ("model", "optimizer", "monitor"))
            raise UsageError(in_magic_words(error, "watch", typed)) from None
        old = self.shell.user_ns.get(options.output)  # type: ignore[union-attr]
        if isinstance(old, GradientWatch):  # watching again: the old watch leaves the optimizer
            old.close()
        self._keep(options.output, watch, base="watch")
        arguments = options.model
        if optimizer is not None:
            arguments += f", optimizer={options.optimizer}"
        if monitor is not None:
            arguments += f", monitor={options.monitor}"
        print(message("magic.created", name=options.output, what=f"ng.GradientWatch({arguments})"))
        if optimizer is None:
            print(message("magic.watch_step", name=options.output))
        if in_notebook():  # its live view, as `%nngraph monitor` shows the monitor's
            tell_missing_widgets("%nngraph watch")  # its text instead, and what to install
            display(watch)

    def _language(self, words: list[str]) -> None:
        if not words:  # `%nngraph lang`: which one it is, and how to switch
            now = get_language()
            other = next(code for code in LANGUAGES if code != now)
            known = ", ".join(LANGUAGES)
            print(message("magic.language", language=now, known=known, other=other))
            return
        if len(words) != 1:  # `%nngraph lang pl en`
            got = " ".join(words)
            raise UsageError(message("magic.lang_one", known=", ".join(LANGUAGES), got=got))
        set_language(words[0])


def _typed(options: argparse.Namespace, names: tuple[str, ...]) -> dict[str, str]:
    """The expressions typed for the options `names` that were given (`model`: `net`)."""
    return {name: typed for name in names if (typed := getattr(options, name)) is not None}
