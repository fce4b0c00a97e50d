"""`g.save(path)`: a graph to a file, the format chosen by the suffix: DOT and JSON as
`to_dot()` and `to_json()` write them, SVG/PNG/PDF drawn by Graphviz ``dot``.

    >>> import tempfile, torch, nngraph as ng
    >>> g = ng.trace(torch.nn.Linear(2, 1), torch.randn(3, 2))
    >>> save(g, tempfile.mkdtemp() + "/net.json").suffix
    '.json'
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from nngraph.errors import NNGraphError, not_writable
from nngraph.graph._export import shown, to_dot, to_json
from nngraph.graph._nodes import count_text, owner_module
from nngraph.i18n import message

if TYPE_CHECKING:
    from nngraph.graph._graph import Graph

__all__ = ["DOT_TIMEOUT_S", "SUPPORTED", "coarser", "hopeless", "save"]

DRAWN = (".svg", ".png", ".pdf")
SUPPORTED = (".dot", ".gv", ".json", *DRAWN)
# ``dot -Tsvg`` on the text `save` hands it, one core of a shared 2-core machine, x placement
# bounded by `NSLIMIT`; "work" is `crossing_work` in millions (the 2-layer RNN over 50 steps,
# the example that waited out the old 120 s limit, is 8.1M):
#   model (steps)            drawn: work, seconds            refused: work, seconds it would take
#   nn.RNN (20/40/60)        0.12/0.89/2.9M, 0.3/3.0/11 s    (80) 6.9M, 30 s
#   nn.GRU (20/30)           0.41/1.3M, 1.1/8.5 s            (40) 3.0M, 23 s
#   2-layer nn.RNN (30)      1.8M, 3.9 s                     (40/50) 4.2/8.1M, 8.4/20 s
#   2-layer nn.GRU (20)      1.8M, 6.6 s                     (30/50) 6.0/27M, 39 s/over 60 s
#   nn.RNNCell loop (40)     1.1M, 1.4 s                     (60/80/100) 3.5/8.3/16M, 10/36/60+ s
#   DenseNet-121             2.9M, 0.7 s                     DenseNet-169/201: 19/77M, 2.0/6.4 s
#   benchmarks/workloads.py's ResNet-50 and transformer: 0.1 s (447 and 458 boxes, work ~2,500)
# Without `NSLIMIT` the GRU over 20 steps took 18 s, the RNN over 40 steps 34 s, the 2-layer
# RNN over 50 steps over 120 s. `crossing_work` counts DenseNet's long edges, which run between
# sibling modules, as dearly as a loop's, which run inside one and which ``dot`` lays out far
# slower: the limit lets DenseNet-121 through, not 169 or 201 (the error names collapse(1)).
#: the `crossing_work` past which ``dot`` is not even started (see the table above)
HOPELESS_WORK = 3_000_000
#: the boxes past which ``dot`` is not even started: chains of Linear and ReLU blocks of
#: 5,004 / 10,004 / 25,004 boxes took 4.6 s / 22 s / over 60 s (`benchmarks/workloads.py`)
HOPELESS_NODES = 10_000
#: seconds ``dot`` may run before `save` stops it: a safety net, as `hopeless` refuses at once
#: what it expects to take long, and what it lets through above took at most 22 s (twice
#: that for a slower machine); one hand-made graph did reach 59 s: an input read by 150
#: modules in a row, its edges routed around all their clusters
DOT_TIMEOUT_S = 60
#: iterations of ``dot``'s x placement (network simplex) per box, for a graph `dot_plan` does
#: not call quick: unbounded, they took 19 of a 20-step GRU's 20 s (313 boxes, 27,385
#: iterations), bounded 0.4 s of 1.3 s, and the picture is the same to the eye
NSLIMIT = 1


def save(g: Graph, path: str | Path) -> Path:
    """Write `g` to `path` (`~` expanded), the format chosen by its suffix (see `Graph.save`)."""
    try:
        target = Path(path).expanduser()
    except TypeError as err:  # save(123), save(None): not a file name
        raise NNGraphError(message("graph.error.bad_path", got=shown(path))) from err
    if "\0" in str(target):  # no file system takes it (pathlib raises a bare ValueError)
        raise NNGraphError(message("graph.error.bad_path", got=shown(path)))
    if not os.fspath(path).strip():  # Path("") is ".", a path the user never typed
        raise NNGraphError(message("graph.error.empty_path", got=shown(os.fspath(path))))
    suffix = target.suffix.lower()
    if suffix not in SUPPORTED:
        raise NNGraphError(
            message("graph.error.bad_suffix", path=str(target), suffixes=", ".join(SUPPORTED))
        )
    try:
        folder, is_folder = target.parent.is_dir(), target.is_dir()
    except OSError as error:  # a name too long for the file system
        raise not_writable(target, error) from None
    if not folder:
        raise _no_folder(target)
    if is_folder:  # "results.json" may be a folder too
        example = str(target / f"graph{suffix}")
        raise NNGraphError(message("graph.error.is_folder", path=str(target), example=example))
    content: str | bytes
    if suffix in (".dot", ".gv"):
        content = to_dot(g)
    elif suffix == ".json":
        content = to_json(g)
    else:
        content = _drawn(g, target, suffix[1:], os.fspath(path))
    try:
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)
    except OSError as error:  # a read-only folder, /proc, a full disk: not nngraph's traceback
        raise not_writable(target, error) from None
    return target


def _no_folder(target: Path) -> NNGraphError:
    """The error for a `target` whose folder is not there: where a file stands in the way
    (`results.json/net.svg` beside a file `results.json`), creating the folder would fail
    too, so the message names that file instead."""
    for above in target.parents:
        if above.exists():
            if above.is_dir():
                break
            return NNGraphError(
                message("graph.error.file_in_path", path=str(target), file=str(above))
            )
    return NNGraphError(
        message("graph.error.no_folder", path=str(target), folder=str(target.parent))
    )


def hopeless(g: nx.DiGraph, plan: bool | None) -> bool:
    """Whether ``dot`` would keep a notebook waiting far too long on `g`, whose `dot_plan` is
    `plan`: more than `HOPELESS_NODES` boxes or a `crossing_work` above `HOPELESS_WORK`, where
    the plan does not call it quick. Linear in the size of `g`.

        >>> from nngraph.graph._dot_budget import dot_plan
        >>> fan = nx.DiGraph([("w", f"step{i}") for i in range(2000)])
        >>> fan.add_edges_from((f"step{i}", f"step{i + 1}") for i in range(1999))
        >>> pair = nx.DiGraph([("x", "y")])
        >>> hopeless(fan, dot_plan(fan)), hopeless(pair, dot_plan(pair))
        (True, False)
    """
    from nngraph.graph._dot_budget import crossing_work, ranks

    if plan is not None:
        return False
    if g.number_of_nodes() > HOPELESS_NODES:
        return True
    rank = ranks(g)
    return rank is not None and crossing_work(g, rank) > HOPELESS_WORK


def coarser(g: Graph, fits: Callable[[Graph], bool]) -> tuple[int, Graph] | None:
    """The deepest `depth` whose ``g.collapse(depth)`` `fits`, with that graph; None when
    even ``g.collapse(0)`` does not (or `g` has no module to fold). Tries the depths from
    the deepest that folds something up, stopping at the first that fits.

        >>> import torch, nngraph as ng
        >>> model = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(2, 2)))
        >>> g = ng.trace(model, torch.randn(1, 2))
        >>> depth, h = coarser(g, lambda h: len(h) < len(g))
        >>> depth, len(g), len(h)
        (1, 6, 3)
    """
    paths = (owner_module(data) for _, data in g.nodes(data=True))
    deepest = max((len(path.split(".")) for path in paths if path), default=0)
    for depth in range(deepest - 1, -1, -1):  # collapse(deepest) would fold nothing
        h = g.collapse(depth)
        if fits(h):
            return depth, h
    return None


def _advice(g: Graph, key: str, fits: Callable[[Graph], bool], **fields: Any) -> str:
    """Message `key` naming the deepest ``g.collapse(depth)`` that `fits`, or, where none
    does, its ``_any_depth`` form, which says so and suggests .dot or .json instead."""
    found = coarser(g, fits)
    nodes = count_text(g.number_of_nodes())
    if found is None:
        return message(f"{key}_any_depth", nodes=nodes, **fields)
    depth, h = found
    return message(key, nodes=nodes, depth=depth, boxes=count_text(len(h)), **fields)


def _drawn(g: Graph, target: Path, fmt: str, typed: str) -> bytes:
    """`g` drawn by Graphviz ``dot`` as `fmt` (svg, png, pdf), following the static picture's
    plan (`dot_plan`): module clusters only where ``dot`` lays them out quickly. A graph
    `hopeless` says ``dot`` would take far too long on is refused at once, and a layout that
    runs past `DOT_TIMEOUT_S` is stopped, each with an `NNGraphError` naming the deepest
    ``g.collapse(depth)`` that is drawn quickly, computed only then, saved to `typed`: the
    path as the student gave it (`results/net.svg`, not only its name)."""
    from nngraph.graph._dot_budget import dot_plan, ops_in_modules

    dot = shutil.which("dot")
    if dot is None:
        raise NNGraphError(message("graph.error.no_dot", path=target))
    plan = dot_plan(g)
    if hopeless(g, plan):  # say so now, not after minutes
        fields = {"path": target, "typed": typed}
        key = "graph.error.dot_too_big"
        raise NNGraphError(_advice(g, key, lambda h: not hopeless(h, dot_plan(h)), **fields))
    # A slow layout (None) is tried all the same: with clusters where the ops sit in modules
    # (a traced graph), which ``dot`` lays out block by block (DenseNet-121: 0.8 s, and
    # over a minute without), else without (`graph_of`: its clusters hold only parameters).
    clusters = plan is True or (plan is None and ops_in_modules(g))
    text = to_dot(g, clusters=clusters)
    command = [dot, f"-T{fmt}"] + ([f"-Gnslimit={NSLIMIT}"] if plan is None else [])
    try:
        done = subprocess.run(
            command,
            input=text.encode("ascii"),
            capture_output=True,
            check=False,
            timeout=DOT_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as err:  # run() has stopped dot
        fields = {"path": target, "typed": typed, "seconds": DOT_TIMEOUT_S}
        # `g` itself passed `hopeless`: name a depth `dot_plan` calls quick
        quick = _advice(g, "graph.error.dot_timeout", lambda h: dot_plan(h) is not None, **fields)
        raise NNGraphError(quick) from err
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()
        raise NNGraphError(message("graph.error.dot_failed", path=target, error=error))
    return done.stdout
