"""`python -m nngraph [--out DIR]`: trace a small CNN, print what nngraph sees, write its graph.

$ python -m nngraph --out nngraph-example
... a summary table, the gradient-health findings, and the files written
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import torch
from torch import nn

import nngraph as ng
from nngraph.i18n import message


def example_model() -> nn.Module:
    """A small CNN for 28x28 images, the kind a first lab trains."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, 10),
    )


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):  # the example keeps its lines
    """argparse's help with its usage line in the current language (argparse says "usage:")."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[Any],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(
            usage, actions, groups, message("main.usage") if prefix is None else prefix
        )


class _Parser(argparse.ArgumentParser):
    """argparse whose mistakes are said in the current language, as the magics say them."""

    def error(self, message_text: str) -> NoReturn:
        from nngraph._magic_args import translated  # IPython's, only for a mistake

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message('main.error')}: {translated(message_text)}\n")


def _parser() -> argparse.ArgumentParser:
    """The command's options, with its help (`--help`) in the current language.

    >>> from nngraph.i18n import set_language
    >>> set_language("pl"); _parser().format_help().splitlines()[0]; set_language("en")
    'użycie: python -m nngraph [-h] [--out FOLDER]'
    """
    parser = _Parser(
        prog="python -m nngraph",
        description=message("main.description"),
        formatter_class=_HelpFormatter,
        add_help=False,  # its -h says "show this help message and exit" in English
    )
    options = parser.add_argument_group(message("main.options"))
    options.add_argument("-h", "--help", action="help", help=message("main.help_help"))
    options.add_argument(
        "--out",
        type=Path,
        default=Path("nngraph-example"),
        metavar=message("main.out_metavar"),
        help=message("main.help_out"),
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    out = options.out.expanduser()
    problem = _make_folder(out)
    if problem is not None:  # one line, no traceback: the student only chose another folder
        print(problem, file=sys.stderr)
        return 1

    torch.manual_seed(0)
    model = example_model()
    images, labels = torch.randn(32, 1, 28, 28), torch.randint(0, 10, (32,))
    graph = ng.trace(model, images, loss=lambda logits: nn.functional.cross_entropy(logits, labels))

    graph.health()
    print(graph.summary())
    drawn = shutil.which("dot") is not None
    for suffix in ["json", "dot"] + (["svg", "png"] if drawn else []):
        path = out / f"graph.{suffix}"
        graph.save(path)
        print(message("main.wrote", path=path))
    if not drawn:  # say why the pictures are missing, and how to get them
        print(message("graph.error.no_dot", path=out / "graph.svg"))
    return 0


def _make_folder(out: Path) -> str | None:
    """Make the folder ``out`` (and the folders above it): None when it is there, else why it
    cannot be, in words.

    >>> import tempfile
    >>> _make_folder(Path(tempfile.mkdtemp()) / "new") is None
    True
    >>> print(_make_folder(Path(__file__)))  # doctest: +ELLIPSIS
    python -m nngraph --out .../__main__.py: .../__main__.py is a file, not a folder; ...
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        file = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), out)
        return message("main.out_is_file", path=out, file=file)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return message("main.cannot_make_folder", path=out, reason=reason)
    return None


if __name__ == "__main__":
    raise SystemExit(main())
