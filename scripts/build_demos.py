"""Build the lecture demos: `demos/src/NN_name.py` -> `demos/NN_name.ipynb`, executed, with outputs.

Each source is a percent-format script (the format jupytext reads): `# %%` starts a code cell,
`# %% [markdown]` a text cell whose lines start with `# `. Magics are written as comments in the
source (`# %load_ext nngraph`, `# %%nngraph -o g`) so that it stays valid Python; they become real
magics in the notebook.

    .venv/bin/python scripts/build_demos.py               # build and execute every demo
    .venv/bin/python scripts/build_demos.py 04 06         # only the demos whose name starts so
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


def parse(text: str) -> nbformat.NotebookNode:
    """A percent-format script as a notebook without outputs."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        marker = _CELL.match(line)
        if marker:
            cells.append(("markdown" if "[markdown]" in (marker[1] or "") else "code", []))
        elif cells:
            cells[-1][1].append(line)
    nb = new_notebook()
    for kind, lines in cells:
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
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


def notebook(source: Path) -> nbformat.NotebookNode:
    """The notebook for one source file."""
    return parse(source.read_text(encoding="utf-8"))


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


def build(source: Path, *, run: bool = True) -> Path:
    """Write `demos/<name>.ipynb` for one source; returns its path."""
    nb = notebook(source)
    if run:
        static(execute(nb))
    else:
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i:02d}"
    target = DEMOS / (source.stem + ".ipynb")
    nbformat.write(nb, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="build only demos whose name starts with these")
    parser.add_argument("--no-execute", action="store_true", help="write notebooks, do not run")
    args = parser.parse_args(argv)
    chosen = [s for s in sources() if not args.only or s.stem.startswith(tuple(args.only))]
    if not chosen:
        parser.error(f"no demo matches {args.only}; demos: {[s.stem for s in sources()]}")
    for source in chosen:
        start = time.perf_counter()
        target = build(source, run=not args.no_execute)
        size = target.stat().st_size / 1024
        print(f"{target.relative_to(ROOT)}  {time.perf_counter() - start:5.1f} s  {size:5.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
