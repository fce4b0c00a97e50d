"""How the magics come and go: `%load_ext nngraph`, `import nngraph` in a notebook, and
`%unload_ext nngraph` after either."""

from __future__ import annotations

import os
import subprocess
import sys


def _in_a_fresh_shell(code: str) -> str:
    """What `code` prints, run in a new process (this one imported nngraph before any shell
    ran, so `import nngraph` would register nothing here)."""
    prelude = "from IPython.testing.globalipapp import start_ipython\nip = start_ipython()\n"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stderr == ""
    return out.stdout


def test_unload_ext_after_import_nngraph_removes_the_magics() -> None:
    """Sweep s45 magics, finding 7: after `import nngraph`, which registers the magics itself,
    `%unload_ext nngraph` said "The nngraph extension is not loaded." and `%nngraph` stayed."""
    shown = _in_a_fresh_shell(
        "from nngraph.magics import CellReader\n"
        "ip.run_cell('import nngraph')\n"
        "print('loaded', 'nngraph' in ip.magics_manager.magics['cell'])\n"
        "ip.run_line_magic('unload_ext', 'nngraph')\n"
        "print('left', 'nngraph' in ip.magics_manager.magics['line'],\n"
        "      any(type(r) is CellReader for r in ip.input_transformers_post))\n"
        "ip.run_line_magic('load_ext', 'nngraph')  # back, as after any unload\n"
        "print('again', 'nngraph' in ip.magics_manager.magics['line'])\n"
        "ip.run_line_magic('unload_ext', 'nngraph')\n"
        "print('gone', 'nngraph' in ip.magics_manager.magics['line'])\n"
        "ip.run_line_magic('unload_ext', 'nngraph')  # IPython's own word now: not loaded\n"
    )
    assert shown.splitlines() == [
        "loaded True",
        "left False False",
        "again True",
        "gone False",
        "The nngraph extension is not loaded.",
    ]


def test_load_ext_after_import_nngraph_stays_quiet_and_unload_ext_undoes_it() -> None:
    """`%load_ext nngraph` after `import nngraph` is harmless (the README; the demos write
    both): it says nothing, and `%unload_ext nngraph` then removes the magics."""
    shown = _in_a_fresh_shell(
        "ip.run_cell('import nngraph')\n"
        "ip.run_line_magic('load_ext', 'nngraph')\n"
        "ip.run_line_magic('unload_ext', 'nngraph')\n"
        "ip.run_line_magic('unload_ext', 'not_an_extension')  # others: as IPython says\n"
        "print('left', 'nngraph' in ip.magics_manager.magics['line'])\n"
    )
    assert shown.splitlines() == ["The not_an_extension extension is not loaded.", "left False"]
