"""`g.save(path)`: a graph to a file, the format chosen by the suffix: DOT and JSON as
`to_dot()` and `to_json()` write them, SVG/PNG/PDF drawn by Graphviz ``dot``.

    >>> import tempfile, torch, nngraph as ng
    >>> g = ng.trace(torch.nn.Linear(2, 1), torch.randn(3, 2))
    >>> save(g, tempfile.mkdtemp() + "/net.json").suffix
    '.json'
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from nngraph.errors import NNGraphError
from nngraph.graph._export import shown, to_dot, to_json
from nngraph.graph._nodes import count_text
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["DOT_TIMEOUT_S", "SUPPORTED", "save"]

DRAWN = (".svg", ".png", ".pdf")
#: seconds Graphviz may lay out and draw a saved picture (a planned graph of a few hundred
#: boxes takes about one); past it, `save` stops ``dot`` and says what to do instead
DOT_TIMEOUT_S = 120
SUPPORTED = (".dot", ".gv", ".json", *DRAWN)
#: the `crossing_work` past which ``dot`` is not even started: a traced DenseNet-121 (2.9
#: million) takes it under a second with module clusters, a seq2seq decoder unrolled over 29
#: steps (33 million) over two minutes with or without them
HOPELESS_WORK = 10_000_000


def save(g: Graph, path: str | Path) -> Path:
    """Write `g` to `path` (`~` expanded), the format chosen by its suffix (see `Graph.save`)."""
    try:
        target = Path(path).expanduser()
    except TypeError as err:  # save(123), save(None): not a file name
        raise NNGraphError(message("graph.error.bad_path", got=shown(path))) from err
    if "\0" in str(target):  # no file system takes it (pathlib raises a bare ValueError)
        raise NNGraphError(message("graph.error.bad_path", got=shown(path)))
    suffix = target.suffix.lower()
    if suffix not in SUPPORTED:
        raise NNGraphError(
            message("graph.error.bad_suffix", path=str(target), suffixes=", ".join(SUPPORTED))
        )
    if not target.parent.is_dir():
        raise NNGraphError(
            message("graph.error.no_folder", path=str(target), folder=str(target.parent))
        )
    if target.is_dir():  # "results.json" may be a folder too
        example = str(target / f"graph{suffix}")
        raise NNGraphError(message("graph.error.is_folder", path=str(target), example=example))
    if suffix in (".dot", ".gv"):
        target.write_text(to_dot(g), encoding="utf-8")
    elif suffix == ".json":
        target.write_text(to_json(g), encoding="utf-8")
    else:
        target.write_bytes(_drawn(g, target, suffix[1:]))
    return target


def _drawn(g: Graph, target: Path, fmt: str) -> bytes:
    """`g` drawn by Graphviz ``dot`` as `fmt` (svg, png, pdf), following the static picture's
    plan (`dot_plan`): module clusters only where ``dot`` lays them out quickly. A layout
    that runs past `DOT_TIMEOUT_S` is stopped with an `NNGraphError` saying what to do."""
    from nngraph.graph._dot_budget import crossing_work, dot_plan, ops_in_modules, ranks

    dot = shutil.which("dot")
    if dot is None:
        raise NNGraphError(message("graph.error.no_dot", path=target))
    plan = dot_plan(g)
    rank = ranks(g) if plan is None else None
    if rank is not None and crossing_work(g, rank) > HOPELESS_WORK:  # say so now, not later
        nodes = count_text(g.number_of_nodes())
        raise NNGraphError(
            message("graph.error.dot_too_big", path=target, nodes=nodes, name=target.name)
        )
    # A slow layout (None) is tried all the same: with clusters where the ops sit in modules
    # (a traced graph), which ``dot`` lays out block by block (DenseNet-121: 0.8 s, and
    # over a minute without), else without (`graph_of`: its clusters hold only parameters).
    clusters = plan is True or (plan is None and ops_in_modules(g))
    text = to_dot(g, clusters=clusters)
    try:
        done = subprocess.run(
            [dot, f"-T{fmt}"],
            input=text.encode("ascii"),
            capture_output=True,
            check=False,
            timeout=DOT_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as err:  # run() has stopped dot
        raise NNGraphError(
            message(
                "graph.error.dot_timeout",
                path=target,
                seconds=DOT_TIMEOUT_S,
                nodes=count_text(g.number_of_nodes()),
                name=target.name,
            )
        ) from err
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()
        raise NNGraphError(message("graph.error.dot_failed", path=target, error=error))
    return done.stdout
