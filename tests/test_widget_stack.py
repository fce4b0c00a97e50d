"""A Python without the views' packages (``nngraph/_widget_stack.py``): ``import
nngraph``, capture and the monitor work, and each view raises an `NNGraphError` that names the
package to install, in the user's language (sweep s5, bug 1: a bare ModuleNotFoundError).

Each case runs in a new Python where the package cannot be imported, as ``pip`` leaves it when
it is not installed (``sys.modules[name] = None``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.widgets.conftest import ROOT

# Prints one JSON line: per language and view, the error's text and whether it is an
# ImportError too (what `g` as a cell's value and the monitor fall back on).
WITHOUT = """
import json, sys
sys.modules[sys.argv[1]] = None
import torch, nngraph as ng
ng.set_language("en")
g = ng.trace(torch.nn.Linear(2, 1), torch.randn(4, 2), loss=lambda out: out.sum())
mon = ng.Monitor()
mon.log(1, loss=0.5)
mon.close()
said = {"summary": "Backward passes: 1" in g.summary(), "bundle": sorted(g._repr_mimebundle_())}
views = {"show": lambda: g.show(), "GraphView": lambda: ng.GraphView, "LossView": lambda: ng.LossView}
for language in ("en", "pl"):
    ng.set_language(language)
    for name, view in views.items():
        try:
            view()
        except ng.NNGraphError as error:
            said[f"{language} {name}"] = [str(error), isinstance(error, ImportError)]
print(json.dumps(said))
"""


def without(package: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-c", WITHOUT, package],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    *printed, last = run.stdout.splitlines()
    said: dict[str, Any] = json.loads(last)
    said["monitor"] = printed
    return said


@pytest.mark.parametrize("package", ["anywidget", "ipywidgets"])
def test_without_the_widget_packages_each_view_says_what_to_install(package: str) -> None:
    said = without(package)
    assert said["summary"] and said["bundle"] == ["text/plain"]  # `g` in a cell: the summary
    assert any("loss 0.5" in line for line in said["monitor"])  # the monitor prints its lines
    for view in ("show", "GraphView", "LossView"):
        english, is_import_error = said[f"en {view}"]
        assert is_import_error
        assert (
            f"the notebook views (g.show(), ng.GraphView, ng.LossView) need the package {package}"
            in english
        )
        assert f"%pip install --upgrade {package} in a notebook cell" in english
        polish, _ = said[f"pl {view}"]
        assert f"wymagają pakietu {package}" in polish
        assert f"%pip install --upgrade {package} w komórce notatnika" in polish
