"""The monitor works without a notebook: no UI imports, torch imported lazily."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import nngraph.monitor

MONITOR = pathlib.Path(nngraph.monitor.__file__).parent
FORBIDDEN = ("IPython", "ipywidgets", "anywidget", "ipykernel", "nngraph.widgets", "matplotlib")


def top_level_imports(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text()).body:  # module level only: lazy imports are fine
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_monitor_modules_import_no_ui_and_no_torch_at_module_level() -> None:
    for path in sorted(MONITOR.glob("*.py")):
        imports = top_level_imports(path)
        bad = {n for n in imports if n.split(".")[0] == "torch" or n.startswith(FORBIDDEN)}
        assert not bad, f"{path.name} imports {bad} at module level"


def test_a_plain_script_gets_text_lines() -> None:
    script = (
        "from nngraph.monitor import Monitor\n"
        "mon = Monitor()\n"
        "for e in range(1, 4): mon.log(e, loss=1/e, val_loss=1.5/e)\n"
        "mon.close()\n"
        "import sys; print(sorted(m for m in sys.modules if m.startswith(('IPython', 'anywidget'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()
    assert out[0].startswith("epoch    1  loss 1 / val 1.5")
    assert out[-2].startswith("epoch    3")
    assert out[-1] == "[]"


def test_in_a_kernel_without_widgets_it_falls_back_to_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import types

    from nngraph.monitor import _display

    shell = types.SimpleNamespace(kernel=object())
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    monkeypatch.setitem(sys.modules, "nngraph.widgets", None)  # import fails
    assert _display.in_notebook()
    assert _display.attach_view(object()) is None


def test_in_a_kernel_with_a_view_the_view_subscribes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import types

    from nngraph.monitor import Monitor

    attached = []

    class LossView:
        @classmethod
        def attach(cls, source: object) -> str:
            attached.append(source)
            return "view"

    shell = types.SimpleNamespace(kernel=object())
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: shell  # type: ignore[attr-defined]
    widgets = types.ModuleType("nngraph.widgets")
    widgets.LossView = LossView  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    monkeypatch.setitem(sys.modules, "nngraph.widgets", widgets)
    mon = Monitor()
    assert mon.view == "view" and attached == [mon]
    assert Monitor(display="text").view is None
