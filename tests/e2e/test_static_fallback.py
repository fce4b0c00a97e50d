"""Without a kernel or widget state the graph is still there: the static SVG of the
mimebundle shows in nbconvert HTML, as text that runs nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import screenshot, write_notebook
from tests.e2e.test_graphview_lab import CELLS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The e2e notebook run headless by nbclient and saved with its outputs, without widget
    state (as JupyterLab saves by default): viewers then fall back to the static SVG."""
    import nbformat
    from nbclient import NotebookClient

    path = tmp_path_factory.mktemp("static") / "graph.ipynb"
    write_notebook(path, CELLS[:2])
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", store_widget_state=False).execute()
    nbformat.write(nb, path)
    return path


def test_saved_output_carries_a_static_svg(executed: Path) -> None:
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    data = nb.cells[1].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["image/svg+xml"].lstrip().startswith("<svg")
    assert "&lt;img src=x onerror" in data["image/svg+xml"]


def test_nbconvert_html_shows_the_graph_and_runs_nothing(executed: Path, browser: Any) -> None:
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter().from_filename(str(executed))
    out = executed.with_suffix(".html")
    out.write_text(html)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    try:
        page.goto(out.as_uri())
        svg = page.locator(
            ".jp-OutputArea-output svg, .jp-RenderedSVG svg, img[src^='data:image/svg']"
        )
        svg.first.wait_for(timeout=10_000)
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert page.locator(".jp-OutputArea-output img:not([src^='data:image/svg'])").count() == 0
        screenshot(page, "graphview-nbconvert-static")
    finally:
        page.close()
