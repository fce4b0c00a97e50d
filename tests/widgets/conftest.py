"""Fixtures of the widget tests: an IPython shell in this process, and a real ipykernel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shell() -> Any:
    """IPython's shell, with torch and nngraph imported as a notebook would."""
    from IPython.testing import globalipapp

    globalipapp.start_ipython()
    ip = globalipapp.get_ipython()
    ip.run_cell("import torch, nngraph as ng")
    return ip


@pytest.fixture
def published(shell: Any, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every display message the shell's cells publish (a new output, or an update of one)."""
    from IPython.core.displaypub import CapturingDisplayPublisher

    pub = CapturingDisplayPublisher()
    monkeypatch.setattr(shell, "display_pub", pub)
    monkeypatch.setattr(shell.displayhook, "write_format_data", lambda *a, **k: None)
    return pub.outputs


@pytest.fixture
def kernel() -> Iterator[Any]:
    """A client of a new ipykernel running in the repository root; shut down afterwards."""
    pytest.importorskip("ipykernel")
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
