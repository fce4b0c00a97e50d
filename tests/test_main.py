"""`python -m nngraph`: the README's command without a browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nngraph import __main__ as cli


def test_it_writes_the_graph_and_says_why_pictures_are_missing_without_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    assert cli.main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot", "graph.json"]
    out = capsys.readouterr().out
    assert "Total params" in out and "install Graphviz" in out


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_with_graphviz_it_also_draws_svg_and_png(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["graph.dot", "graph.json", "graph.png", "graph.svg"]
    assert "install Graphviz" not in capsys.readouterr().out
