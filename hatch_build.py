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
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "nngraph" / "capture" / "kernels" / "stats.c"
# In a folder without __init__.py: not taken for a Python module by importers and doctests.
LIBRARY = SOURCE.with_suffix(".dll" if sys.platform == "win32" else ".so")
IN_WHEEL = "nngraph/capture/kernels/" + LIBRARY.name
FLAGS = ["-O3", "-shared", "-fPIC"]
TIMEOUT = 120  # seconds


def build(target: Path = LIBRARY) -> str | None:
    """Compile the library to `target` (next to its source unless told where) with `$CC`, or
    else the compiler Python was built with; the reason when it could not be built, e.g.
    `build(Path("/tmp/stats.so"))`. A failed build removes an older library at `target`, so
    that what runs is what the source says."""
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    # Built beside the target and then renamed: a process that has the old one loaded keeps it.
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    command = [*compiler, *FLAGS, str(SOURCE), "-o", str(partial), "-lm"]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=TIMEOUT)
        os.replace(partial, target)
        return None
    except subprocess.TimeoutExpired:
        problem = f"still compiling after {TIMEOUT} s"
    except subprocess.CalledProcessError as error:
        problem = error.stderr.strip() or f"exit status {error.returncode}"
    except OSError as error:  # no such compiler, or the folder cannot be written
        problem = str(error)
    finally:
        partial.unlink(missing_ok=True)
    target.unlink(missing_ok=True)
    return f"{shlex.join(command)}: {problem}"


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class NativeStatsHook(BuildHookInterface):  # type: ignore[misc]
    """Builds the library for a wheel or an editable install (an sdist carries the source).

    An editable install builds it next to its source, where the code runs from; a wheel gets
    it from a scratch folder, so that a read-only checkout builds as well. The wheel is then
    tagged `py3-none-<platform>`: the library calls no Python, so any Python 3 on the same
    platform takes it."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        target = LIBRARY
        if version != "editable":
            self.scratch = tempfile.TemporaryDirectory()
            target = Path(self.scratch.name) / LIBRARY.name
        failure = build(target)
        if failure is not None:
            message = "nngraph: no compiled statistics (numpy computes them, a little slower)"
            self.app.display_warning(f"{message}: {failure}")
        elif version != "editable":
            build_data["force_include"][str(target)] = IN_WHEEL
            build_data["pure_python"] = False
            platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
            build_data["tag"] = f"py3-none-{platform}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "scratch", None)
        if scratch is not None:
            scratch.cleanup()


if __name__ == "__main__":
    problem = build()
    print(problem or f"built {LIBRARY}")
    sys.exit(1 if problem else 0)
