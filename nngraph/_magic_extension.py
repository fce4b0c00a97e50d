"""How the `%nngraph` magics come and go. `%load_ext nngraph` registers them, the `%%nngraph`
cell reader and a listener that keeps `%nngraph?` in the current language; `%unload_ext
nngraph` removes all three.

`import nngraph` in a notebook loads them too, without `%load_ext`, so IPython's extension
manager does not list nngraph as loaded, and `%unload_ext nngraph` said "not loaded" and left
the magics. `unload_after_import` makes it unload them then as well. nngraph is not put on the
manager's list instead: a `%load_ext nngraph` after the import (harmless, as the README says;
the demos write both) would then print IPython's "already loaded ... %reload_ext" lines.

    >>> from IPython.testing.globalipapp import get_ipython
    >>> from nngraph.magics import NNGraphMagics
    >>> ip = get_ipython(); load(ip, NNGraphMagics); unload_after_import(ip)
    >>> ip.run_line_magic("unload_ext", "nngraph")  # as after `import nngraph`
    >>> "nngraph" in ip.magics_manager.magics["line"]
    False
    >>> del ip.extension_manager.unload_extension  # the shell as it was
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nngraph._magic_cell import CellReader
from nngraph.i18n import message, on_language_change

__all__ = ["load", "refresh_help", "unload", "unload_after_import"]

#: the language listener `load` subscribed, which `unload` unsubscribes
_unsubscribe: list[Callable[[], None]] = []


def refresh_help(magics: Any) -> None:
    """`%nngraph?` shows the help in the current language: the magic's docstring is the help.

    >>> from nngraph.magics import NNGraphMagics
    >>> refresh_help(NNGraphMagics); NNGraphMagics.nngraph.__doc__.splitlines()[0]
    'nngraph in one line.'
    """
    magics.nngraph.__doc__ = message("magic.help")


def load(ipython: Any, magics: Any) -> None:
    """Register `magics` (the `NNGraphMagics` class), the cell reader and the language
    listener on the shell `ipython`; twice is harmless."""
    from nngraph._ipython_errors import install

    ipython.register_magics(magics)
    install(ipython)  # an NNGraphError shows the user's lines, not nngraph's
    refresh_help(magics)  # the language may have changed while the extension was unloaded
    if not any(isinstance(reader, CellReader) for reader in ipython.input_transformers_post):
        ipython.input_transformers_post.append(CellReader(ipython))
    if not _unsubscribe:
        _unsubscribe.append(on_language_change(lambda _language: refresh_help(magics)))


def unload(ipython: Any, magics: Any) -> None:
    """Remove what `load` registered."""
    for kind in ("line", "cell"):
        ipython.magics_manager.magics[kind].pop("nngraph", None)
    ipython.magics_manager.registry.pop(magics.__name__, None)
    transformers = ipython.input_transformers_post
    transformers[:] = [t for t in transformers if not isinstance(t, CellReader)]
    while _unsubscribe:
        _unsubscribe.pop()()


def unload_after_import(ipython: Any) -> None:
    """Let `%unload_ext nngraph` unload the magics that `import nngraph` loaded, which
    IPython's extension manager did not load (see the module's docstring); twice is harmless."""
    manager = getattr(ipython, "extension_manager", None)
    if manager is None or isinstance(manager.unload_extension, _UnloadAfterImport):
        return
    # this shell's manager alone: IPython's own method still unloads every other extension
    manager.unload_extension = _UnloadAfterImport(ipython, manager.unload_extension)


class _UnloadAfterImport:
    """The extension manager's `unload_extension`, which also unloads nngraph when `import
    nngraph` loaded it (the manager does not list it then)."""

    def __init__(self, ipython: Any, unload_extension: Callable[[str], Any]) -> None:
        self.ipython = ipython
        self.unload_extension = unload_extension

    def __call__(self, module_str: str) -> Any:
        manager = self.ipython.extension_manager
        loaded_by_import = module_str == "nngraph" and module_str not in manager.loaded
        if loaded_by_import and "NNGraphMagics" in self.ipython.magics_manager.registry:
            from nngraph.magics import unload_ipython_extension

            unload_ipython_extension(self.ipython)
            return None  # unloaded: IPython says nothing, as after `%load_ext nngraph`
        return self.unload_extension(module_str)
