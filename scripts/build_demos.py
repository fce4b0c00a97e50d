"""Build the lecture demos: `demos/src/NN_name.py` -> `demos/NN_name.ipynb`, executed, with outputs.

Each source is a percent-format script (the format jupytext reads): `# %%` starts a code cell,
`# %% [markdown]` a text cell whose lines start with `# `. Magics are written as comments in the
source (`# %load_ext nngraph`, `# %%nngraph -o g`) so that it stays valid Python; they become real
magics in the notebook.

Each demo is built twice: in English (`demos/NN_name.ipynb`) and in Polish
(`demos/pl/NN_name.ipynb`). The Polish text lives in `demos/src/pl/NN_name.py`: the demo's
markdown cells in Polish, in the same order, then `# %% [strings]` cells whose pairs of lines
`# - English` / `# + Polish` replace text in the code cells (labels, prints, comments). The
code itself is the English source's, so a fix there reaches both notebooks; a translation that
no longer fits its source (a markdown cell more or less, a string not found) stops the build.

    .venv/bin/python scripts/build_demos.py               # build and execute every demo
    .venv/bin/python scripts/build_demos.py 04 06         # only the demos whose name starts so
    .venv/bin/python scripts/build_demos.py --lang pl     # only the Polish notebooks
    .venv/bin/python scripts/build_demos.py --no-execute  # notebooks without outputs

The notebooks run in the `python3` kernel of the interpreter that runs this script (the venv's:
ipykernel installs that kernel spec into the venv), with `demos/` as the working directory.
"""

from __future__ import annotations

import argparse
import base64
import html
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "demos"
SOURCES = DEMOS / "src"
LANGUAGES = ("en", "pl")
#: the one line of each source that chooses nngraph's language, and the Polish notebook's
LANG_LINE = 'LANG = "en"  # "pl" for Polish'
POLISH_LANG_LINE = 'LANG = "pl"  # "en": po angielsku'

_WIDGET = "application/vnd.jupyter.widget-view+json"
_CELL = re.compile(r"^# %%(?:\s+(.*))?$")  # `# %%`, `# %% [markdown]`; not `# %%nngraph`
_MAGIC = re.compile(r"^# (%%?[A-Za-z_].*)$")  # `# %load_ext nngraph` -> `%load_ext nngraph`


def sources() -> list[Path]:
    """Every demo source, in lecture order."""
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def _markdown(lines: list[str]) -> str:
    return "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines)


def _code(lines: list[str]) -> str:
    return "\n".join(_MAGIC.sub(r"\1", line) for line in lines)


def cells(text: str) -> list[tuple[str, list[str]]]:
    """A percent-format script's cells: ("markdown", lines), ("code", lines) or
    ("strings", lines), blank lines around each cell removed."""
    found: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        marker = _CELL.match(line)
        if marker:
            kind = (marker[1] or "").strip("[] ") or "code"
            found.append((kind, []))
        elif found:
            found[-1][1].append(line)
    for _, lines in found:
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
    return found


def parse(text: str) -> nbformat.NotebookNode:
    """A percent-format script as a notebook without outputs."""
    nb = new_notebook()
    for kind, lines in cells(text):
        if kind == "markdown":
            nb.cells.append(new_markdown_cell(_markdown(lines)))
        elif lines:
            nb.cells.append(new_code_cell(_code(lines)))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def translation(source: Path) -> Path:
    """Where the Polish text of a demo source is kept."""
    return source.parent / "pl" / source.name


def replacements(text: str) -> list[tuple[str, str]]:
    """The `# - English` / `# + Polish` pairs of a translation's `[strings]` cells."""
    pairs: list[tuple[str, str]] = []
    for kind, lines in cells(text):
        if kind != "strings":
            continue
        lines = [line for line in lines if line.strip()]
        if len(lines) % 2 or not all(
            old.startswith("# - ") and new.startswith("# + ")
            for old, new in zip(lines[::2], lines[1::2], strict=True)
        ):
            raise ValueError("a [strings] cell holds pairs of lines: '# - English', '# + Polish'")
        pairs += [(old[4:], new[4:]) for old, new in zip(lines[::2], lines[1::2], strict=True)]
    return pairs


def translate(nb: nbformat.NotebookNode, text: str, name: str = "") -> nbformat.NotebookNode:
    """The English notebook `nb` in Polish: its markdown cells replaced, in order, by the
    translation `text`'s, and its code cells' strings by the translation's pairs. Raises
    ValueError when the translation does not fit (it was written for another version)."""
    markdown = [_markdown(lines) for kind, lines in cells(text) if kind == "markdown"]
    english = [cell for cell in nb.cells if cell.cell_type == "markdown"]
    if len(markdown) != len(english):
        raise ValueError(
            f"{name}: {len(markdown)} Polish markdown cells for {len(english)} English ones"
        )
    for cell, polish in zip(english, markdown, strict=True):
        cell.source = polish
    pairs = replacements(text)
    unused = dict.fromkeys(old for old, _ in pairs)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = cell.source.replace(LANG_LINE, POLISH_LANG_LINE)
        for old, new in pairs:
            if old in cell.source:
                cell.source = cell.source.replace(old, new)
                unused.pop(old, None)
    if unused:
        raise ValueError(f"{name}: strings not found in the code: {list(unused)}")
    return nb


def notebook(source: Path, lang: str = "en") -> nbformat.NotebookNode:
    """The notebook for one source file, in English or in Polish."""
    nb = parse(source.read_text(encoding="utf-8"))
    if lang == "pl":
        nb = translate(nb, translation(source).read_text(encoding="utf-8"), source.name)
    return nb


def target(source: Path, lang: str = "en") -> Path:
    """Where the notebook of `source` in `lang` is saved."""
    folder = DEMOS if lang == "en" else DEMOS / lang
    return folder / (source.stem + ".ipynb")


def execute(
    nb: nbformat.NotebookNode, cwd: Path = DEMOS, timeout: int = 120
) -> nbformat.NotebookNode:
    """Run every cell in a fresh `python3` kernel, in `cwd`; raises on the first error."""
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
        store_widget_state=False,
    )
    client.execute()
    for cell in nb.cells:  # ids are random per build: make them stable so diffs stay small
        cell.pop("id", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def static(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep each widget's static picture (its mimebundle fallback), drop the live view.

    A saved widget needs its state, and an nngraph widget's state carries its whole front-end
    bundle (about a megabyte each). Without the state JupyterLab would show "model not found";
    with only the picture it shows the graph or the curves until the cell is run again.
    JupyterLab does not draw SVG in a notebook it does not trust (a fresh clone is not
    trusted), but it does draw an HTML <img>: so the SVG is saved as one (an SVG in an <img>
    runs no script).
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if "outputs" in cell:
            cell.outputs = _merge_streams(cell.outputs)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if _WIDGET not in data:
                continue
            del data[_WIDGET]
            svg = data.pop("image/svg+xml", None)
            if svg and "text/html" not in data:
                svg = svg if isinstance(svg, str) else "".join(svg)
                alt = html.escape(str(data.get("text/plain", "")).splitlines()[0], quote=True)
                encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
                data["text/html"] = f'<img alt="{alt}" src="data:image/svg+xml;base64,{encoded}">'
    return nb


def _merge_streams(outputs: list[dict]) -> list[dict]:
    """Consecutive prints to one stream as one output (the split depends on timing)."""
    merged: list[dict] = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and output.get("output_type") == "stream"
            and last.get("output_type") == "stream"
            and last.get("name") == output.get("name")
        ):
            last["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def build(source: Path, *, lang: str = "en", run: bool = True) -> Path:
    """Write the notebook of one source in `lang`; returns its path."""
    nb = notebook(source, lang)
    path = target(source, lang)
    path.parent.mkdir(exist_ok=True)
    if run:
        static(execute(nb, cwd=path.parent))
    else:
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i:02d}"
    nbformat.write(nb, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="build only demos whose name starts with these")
    parser.add_argument("--lang", choices=LANGUAGES, help="only this language (default: both)")
    parser.add_argument("--no-execute", action="store_true", help="write notebooks, do not run")
    args = parser.parse_args(argv)
    chosen = [s for s in sources() if not args.only or s.stem.startswith(tuple(args.only))]
    if not chosen:
        parser.error(f"no demo matches {args.only}; demos: {[s.stem for s in sources()]}")
    for source in chosen:
        for lang in [args.lang] if args.lang else LANGUAGES:
            start = time.perf_counter()
            path = build(source, lang=lang, run=not args.no_execute)
            size = path.stat().st_size / 1024
            seconds = time.perf_counter() - start
            print(f"{path.relative_to(ROOT)}  {seconds:5.1f} s  {size:5.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
