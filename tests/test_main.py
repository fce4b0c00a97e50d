"""`python -m nngraph`: the README's command without a browser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nngraph import __main__ as cli
from nngraph import i18n


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


@pytest.mark.parametrize("below", ["", "sub"], ids=["the file", "a folder in it"])
def test_an_out_that_is_a_file_is_one_line_and_no_traceback(
    tmp_path: Path, below: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was a FileExistsError traceback (sweep O, bug 4)."""
    file = tmp_path / "afile"
    file.write_text("x")
    assert cli.main(["--out", str(file / below)]) == 1
    said = capsys.readouterr()
    assert said.err == (
        f"python -m nngraph --out {file / below}: {file} is a file, not a folder; give a "
        "folder for the graph files, e.g. --out nngraph-example\n"
    )
    assert said.out == "" and file.read_text() == "x"


def test_the_files_written_are_named_in_polish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary was Polish, each "wrote <path>" line English (sweep O, bug 4)."""
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    i18n.set_language("pl")  # the autouse fixture sets English back
    assert cli.main(["--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"zapisano {tmp_path / 'graph.json'}" in lines
    assert f"zapisano {tmp_path / 'graph.dot'}" in lines
    assert not any(line.startswith("wrote") for line in lines)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_help_is_in_the_language_of_the_run(
    language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--help` stayed English under NNGRAPH_LANG=pl while the run spoke Polish (sweep s6 §5)."""
    i18n.set_language(language)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    help_text = capsys.readouterr().out
    said = {
        "pl": ["użycie: python -m nngraph", "opcje:", "pokaż tę pomoc", "folder na pliki grafu"],
        "en": ["usage: python -m nngraph", "options:", "show this help", "folder for the graph"],
    }
    for words in said[language]:
        assert words in help_text
    if language == "pl":
        for english in ("usage:", "options:", "show this help", "Trace a small CNN", "where to"):
            assert english not in help_text


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("pl", "python -m nngraph: błąd: nieznane argumenty: --bogus"),
        ("en", "python -m nngraph: error: unrecognized arguments: --bogus"),
    ],
)
def test_a_mistyped_option_is_said_in_the_language_of_the_run(
    language: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse's own error line stayed English in a Polish run (sweep 27, r3)."""
    i18n.set_language(language)
    with pytest.raises(SystemExit) as stop:
        cli.main(["--bogus"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == said
