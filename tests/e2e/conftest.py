"""End-to-end fixtures: a real JupyterLab server and Debian's Chromium driven by Playwright.

`jupyter_lab` starts one JupyterLab per test session on 127.0.0.1 (free port, temporary
config/data/runtime/settings dirs, empty token, news and update checks off, notebook
windowing off so every cell renders). `browser` is headless Chromium from /usr/bin/chromium
(never a downloaded one). `lab_page` opens a notebook in JupyterLab and runs all its cells.
Screenshots go to test-artifacts/ (gitignored).

Reuse in other e2e tests::

    def test_something(lab_page):
        page = lab_page("my.ipynb", cells=["import nngraph", "..."])
        page.wait_for_selector(".ng-root")
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.chromium import CHROMIUM, launch

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# Settings that make JupyterLab quiet and deterministic for tests.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
}


@dataclass
class Lab:
    """A running JupyterLab: its URL and the folder it serves notebooks from."""

    url: str
    root: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One JupyterLab server for the whole test session."""
    if not (ROOT / "nngraph" / "static" / "graphview.js").exists():
        pytest.fail("front-end not built: run `cd js && npm ci && npm run build`")
    base = tmp_path_factory.mktemp("lab")
    root, settings = base / "notebooks", base / "user-settings"
    root.mkdir()
    for name, values in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONPATH": str(ROOT),
    }
    port = _free_port()
    log = base / "lab.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{url}/api/status", proc, log)
        yield Lab(url=url, root=root, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (no browser download ever)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code cells (no outputs) at `path`."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


#: JavaScript for `page.wait_for_function`: the open notebook's kernel is idle
KERNEL_IDLE = (
    "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
    " const k = w && w.sessionContext && w.sessionContext.session"
    " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }"
)


def notebook_url(lab: Lab, name: str) -> str:
    """The URL that opens notebook `name` alone, in a fresh workspace of its own.

    Not the shared default workspace: a page that reloads restores its workspace from the
    server, where another test's page may have saved its own tabs meanwhile. The reloaded page
    then held two notebooks, and the test found the other one's hidden cells (a flaky reload
    in three stops)."""
    return f"{lab.url}/lab/workspaces/{Path(name).stem}/tree/{name}?reset"


def screenshot(target: Any, name: str) -> Path:
    """Save a PNG of a page or element to test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path


@pytest.fixture(scope="session")
def lab_page(jupyter_lab: Lab, browser: Any) -> Iterator[Callable[..., Any]]:
    """Open a notebook in JupyterLab and run all its cells; returns the Playwright page.

    Console errors and uncaught page errors are collected on ``page.errors``.
    """
    contexts: list[Any] = []

    def open_notebook(name: str, cells: list[str], *, timeout: float = 120_000) -> Any:
        write_notebook(jupyter_lab.root / name, cells)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(notebook_url(jupyter_lab, name), wait_until="domcontentloaded")
        page.wait_for_function(KERNEL_IDLE, timeout=timeout)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # done when the last cell has an execution count
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')];
                return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""",
            timeout=timeout,
        )
        return page

    yield open_notebook
    for c in contexts:
        c.close()
