"""Demo 6 (overfitting) run top to bottom in JupyterLab, as a teacher would, with a screenshot."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from tests.e2e.conftest import screenshot

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("build_demos", ROOT / "scripts" / "build_demos.py")
assert _spec is not None and _spec.loader is not None
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


def test_overfitting_demo_runs_in_jupyterlab(lab_page: Any) -> None:
    nb = build.notebook(ROOT / "demos" / "src" / "06_overfitting.py")
    cells = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    page = lab_page("06_overfitting.ipynb", cells, timeout=300_000)

    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert not tracebacks, tracebacks
    # the live loss view of the digits MLP: curves drawn, the detector's stop marked
    page.wait_for_selector(".ng-loss canvas", timeout=60_000)
    text = page.locator(".jp-Notebook").inner_text()
    assert "memorise" in text or "validation" in text
    screenshot(page, "demo-06-overfitting")
    assert not [e for e in page.errors if "nngraph" in e or "ng-" in e], page.errors
