"""The package itself (``nngraph/__init__.py``): its public functions have examples that run.

``tests/test_docstrings.py`` walks the submodules; the package's own docstrings are run here.
"""

from __future__ import annotations

import doctest
from pathlib import Path
from typing import Any

import pytest
import torch
from packaging.requirements import Requirement

import nngraph as ng


def test_the_packages_own_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("IPython.get_ipython", lambda: None)  # as in a plain Python session
    result = doctest.testmod(ng, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 10


# -- what `pip install nngraph` brings (pyproject.toml) and ships (LICENSE) --------------------

ROOT = Path(__file__).resolve().parents[1]


def _project() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project


def _dependencies() -> dict[str, Requirement]:
    return {req.name: req for req in map(Requirement, _project()["dependencies"])}


def test_a_plain_install_brings_the_graph_view() -> None:
    """sweep s5, bug 1: without the `widgets` extra, g.show() raised ModuleNotFoundError. The
    extra stays, empty, so `pip install nngraph[widgets]` (scripts/setup.sh) still works."""
    assert {"anywidget", "ipywidgets"} <= set(_dependencies())
    assert "widgets" in _project()["optional-dependencies"]


def test_the_torch_floor_has_what_capture_uses() -> None:
    """sweep s5, bug 2: capture reads torch.amp.GradScaler (torch 2.3) and calls
    torch.compiler.set_stance (torch 2.6); `torch>=2.2` let pip keep an older torch."""
    allowed = _dependencies()["torch"].specifier
    assert not allowed.contains("2.5.1") and allowed.contains("2.6.0")
    assert hasattr(torch.amp, "GradScaler") and hasattr(torch.compiler, "set_stance")


def test_the_license_pyproject_names_is_at_the_root() -> None:
    """sweep s5, bug 3: `license = "MIT"` without the text (hatchling puts LICENSE in the wheel
    and the sdist by its default `license-files`)."""
    text = (ROOT / "LICENSE").read_text()
    assert _project()["license"] == "MIT"
    assert text.startswith("MIT License\n") and "Copyright (c) 2026 the nngraph authors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
