"""Compile nngraph/capture/kernels/stats.c into the shared library that `_native.py` loads.

hatchling runs this as a build hook on `pip install` (editable or wheel). Without a C compiler
it says so and goes on: nngraph then uses its numpy reductions, which give the same numbers.
After editing the C file, rebuild it in place:

    python hatch_build.py
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "nngraph" / "capture" / "kernels" / "stats.c"
# In a folder without __init__.py: not taken for a Python module by importers and doctests.
LIBRARY = SOURCE.with_suffix(".dll" if sys.platform == "win32" else ".so")
FLAGS = ["-O3", "-shared", "-fPIC"]


def build(target: Path = LIBRARY) -> str | None:
    """Compile the library to `target` (next to its source unless told where); the reason
    when it could not be built, e.g. `build(Path("/tmp/stats.so"))`."""
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    # Built beside the target and then renamed: a process that has the old one loaded keeps it.
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    command = [*compiler, *FLAGS, str(SOURCE), "-o", str(partial)]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
        os.replace(partial, target)
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", None) or error
        return f"{shlex.join(command)} failed: {detail}"
    finally:
        partial.unlink(missing_ok=True)
    return None


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class NativeStatsHook(BuildHookInterface):  # type: ignore[misc]
    """Builds the library for a wheel or an editable install (an sdist carries the source)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        failure = build()
        if failure is not None:
            print(f"nngraph: no compiled statistics, numpy does them instead: {failure}")
            return
        if version != "editable":  # the library is then platform-specific
            build_data["artifacts"].append(str(LIBRARY.relative_to(HERE)))
            build_data["pure_python"] = False
            build_data["infer_tag"] = True


if __name__ == "__main__":
    problem = build()
    print(problem or f"built {LIBRARY}")
    sys.exit(1 if problem else 0)
