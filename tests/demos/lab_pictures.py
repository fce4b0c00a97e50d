"""Open saved notebooks in a running JupyterLab with Debian's Chromium and report their pictures.

    python tests/demos/lab_pictures.py URL SCREENSHOT_DIR NAME.ipynb pl/NAME.ipynb ...

Prints one JSON object per notebook: `name`, `shown` (pictures in its outputs), `loaded` (all of
them drawn), `widget_errors` ("Error displaying widget" texts) and `trusted` (of its first code
cell). A separate process, because Playwright's sync API allows one instance per thread and the
e2e tests hold theirs for the whole session.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script
from tests.e2e.chromium import launch

IMAGES = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return panel ? [...panel.node.querySelectorAll('.jp-OutputArea-output img')] : [];
}"""
TRUSTED = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
        if (cells.get(i).type === "code") return cells.get(i).trusted;
    }
    return null;
}"""


def main(url: str, shots: str, *names: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        for name in names:
            page.goto(f"{url}/lab/tree/{name}?reset", wait_until="domcontentloaded")  # alone
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                f" && window.jupyterapp.shell.currentWidget.title.label === {Path(name).name!r}",
                timeout=60_000,
            )
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            page.wait_for_timeout(2_000)  # outputs render after the cells
            try:
                page.wait_for_function(
                    f"() => ({IMAGES})().every(i => i.complete && i.naturalWidth > 0)",
                    timeout=30_000,
                )
                loaded = True
            except Exception:
                loaded = False
            result = {
                "name": name,
                "shown": page.evaluate(f"() => ({IMAGES})().length"),
                "loaded": loaded,
                "widget_errors": page.locator("text=Error displaying widget").count(),
                "trusted": page.evaluate(TRUSTED),
            }
            shot = name.removesuffix(".ipynb").replace("/", "-")
            page.screenshot(path=os.path.join(shots, f"demo-saved-{shot}.png"))
            print(json.dumps(result), flush=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
