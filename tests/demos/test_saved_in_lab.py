"""The saved demos read well before they are run: opened in JupyterLab as a fresh clone is (not
trusted, nothing run), every picture shows and no widget says "model not found".

Uses the JupyterLab server of tests/e2e (see its conftest); the browser runs in a separate
process (`lab_pictures.py`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.e2e import conftest as e2e

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
DEMOS = HERE.parents[1] / "demos"
jupyter_lab = e2e.jupyter_lab  # the fixture, under its own name


def pictures(path: Path) -> int:
    """How many pictures the saved notebook's outputs hold (PNG, SVG or an HTML <img>)."""
    count = 0
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = str(data.get("text/html", ""))
            count += "image/png" in data or "image/svg+xml" in data or "<img" in html
    return count


def test_saved_demos_show_their_pictures(jupyter_lab: Any) -> None:
    if not Path(e2e.CHROMIUM).exists():
        pytest.skip(f"no Chromium at {e2e.CHROMIUM}: apt-get install chromium")
    notebooks = sorted(DEMOS.glob("[0-9][0-9]_*.ipynb")) + sorted(DEMOS.glob("pl/*.ipynb"))
    assert len(notebooks) == 16, notebooks  # eight demos, in English and in Polish
    names = [path.relative_to(DEMOS).as_posix() for path in notebooks]
    for path, name in zip(notebooks, names, strict=True):
        (jupyter_lab.root / name).parent.mkdir(exist_ok=True)
        shutil.copy(path, jupyter_lab.root / name)
    e2e.ARTIFACTS.mkdir(exist_ok=True)
    run = subprocess.run(
        [
            sys.executable,
            str(HERE / "lab_pictures.py"),
            jupyter_lab.url,
            str(e2e.ARTIFACTS),
            *names,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = {r["name"]: r for r in map(json.loads, run.stdout.splitlines())}
    for path, name in zip(notebooks, names, strict=True):
        got = results[name]
        assert got["shown"] == pictures(path) and got["loaded"], got
        assert got["widget_errors"] == 0, got
        assert got["trusted"] is False, got  # as in a fresh clone
