"""The saved demos read well before they are run: opened in JupyterLab as a fresh clone is (not
trusted, nothing run), every picture shows and no widget says "model not found".

Uses the JupyterLab server and Chromium of tests/e2e (see its conftest).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.e2e import conftest as e2e

pytestmark = pytest.mark.slow

DEMOS = Path(__file__).resolve().parents[2] / "demos"
jupyter_lab = e2e.jupyter_lab  # the fixtures, under their own names
browser = e2e.browser

_IMAGES = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return panel ? [...panel.node.querySelectorAll('.jp-OutputArea-output img')] : [];
}"""


_TRUSTED = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
        if (cells.get(i).type === "code") return cells.get(i).trusted;
    }
    return null;
}"""


def pictures(path: Path) -> int:
    """How many pictures the saved notebook's outputs hold (PNG, or an HTML <img>)."""
    count = 0
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            count += "image/png" in data or "<img" in str(data.get("text/html", ""))
    return count


def test_saved_demos_show_their_pictures(jupyter_lab: Any, browser: Any) -> None:
    notebooks = sorted(DEMOS.glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    try:
        for path in notebooks:
            shutil.copy(path, jupyter_lab.root / path.name)
            expected = pictures(path)
            url = f"{jupyter_lab.url}/lab/tree/{path.name}?reset"  # this notebook alone
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                f" && window.jupyterapp.shell.currentWidget.title.label === {path.name!r}",
                timeout=60_000,
            )
            page.wait_for_function(f"() => ({_IMAGES})().length >= {expected}", timeout=60_000)
            page.wait_for_function(
                f"() => ({_IMAGES})().every(i => i.complete && i.naturalWidth > 0)",
                timeout=30_000,
            )
            shown = page.evaluate(f"() => ({_IMAGES})().length")
            assert shown == expected, (path.name, shown, expected)
            assert page.locator("text=Error displaying widget").count() == 0, path.name
            assert page.evaluate(_TRUSTED) is False, path.name  # as a fresh clone: not trusted
            e2e.screenshot(page, f"demo-saved-{path.stem}")
    finally:
        page.close()
