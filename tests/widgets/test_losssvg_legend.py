"""The static loss picture keeps every legend inside its panel: entries that do not fit after
the panel's title go on further rows (the panels grow to hold them), a name too long for a row
is shortened with an ellipsis and kept whole in a ``<title>``, and nothing overlaps the title."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import pytest

from nngraph.widgets._losssvg import loss_svg
from tests.widgets.conftest import ROOT

NS = "{http://www.w3.org/2000/svg}"
CHAR, BOLD_CHAR = 6.5, 7.0  # generous widths of a character at font-size 11, normal and bold
LAB_RUNS = ["1 layer", "hidden 4", "hidden 32", "hidden 256", "3 x 256"]
LONG = "top5_accuracy_of_the_student_model_on_the_held_out_set_of_handwritten_digits"


@dataclass
class Panel:
    x: float
    y: float
    width: float
    height: float
    title: ET.Element | None = None
    legend: list[ET.Element] = field(default_factory=list)
    curve_top: float = float("inf")  # the highest point of any curve


def _panels(svg: str) -> tuple[ET.Element, list[Panel]]:
    root = ET.fromstring(svg)
    panels: list[Panel] = []
    for el in root:
        if el.tag == NS + "rect":
            panels.append(Panel(*(float(el.get(a, 0)) for a in ("x", "y", "width", "height"))))
        elif el.tag == NS + "text" and el.get("font-weight") == "bold":
            panels[-1].title = el
        elif el.tag == NS + "text" and el.get("fill") not in (None, "#555", "#666"):
            panels[-1].legend.append(el)
        elif el.tag == NS + "polyline":
            ys = [float(p.split(",")[1]) for p in el.get("points", "").split()]
            panels[-1].curve_top = min(panels[-1].curve_top, *ys)
    return root, panels


def _full_text(el: ET.Element) -> str:
    """What a text stands for: its <title> when it was shortened, else the text itself."""
    title = el.find(NS + "title")
    return (title.text or "") if title is not None else (el.text or "")


def _span(el: ET.Element, char: float) -> tuple[float, float]:
    x = float(el.get("x", 0))
    return x, x + char * len(el.text or "")


def _check_layout(svg: str) -> list[Panel]:
    """Every title and legend entry inside its panel, above the curves, none overlapping."""
    root, panels = _panels(svg)
    for a in panels:  # the panels tile the picture without overlapping
        assert a.x + a.width <= float(root.get("width", 0))
        assert a.y + a.height <= float(root.get("height", 0))
        for b in panels:
            if a is not b:
                apart_x = a.x + a.width <= b.x or b.x + b.width <= a.x
                assert apart_x or a.y + a.height <= b.y or b.y + b.height <= a.y
    for p in panels:
        assert p.title is not None
        boxes = [(p.title, *_span(p.title, BOLD_CHAR))]
        boxes += [(e, *_span(e, CHAR)) for e in p.legend]
        for el, x0, x1 in boxes:
            label = _full_text(el)
            assert p.x <= x0 and x1 <= p.x + p.width, (label, x0, x1, p.x + p.width)
            assert float(el.get("y", 0)) + 4 <= p.curve_top, label  # above the curves
        for i, (a, a0, a1) in enumerate(boxes):
            for b, b0, b1 in boxes[i + 1 :]:
                if a.get("y") == b.get("y"):
                    assert a1 <= b0 or b1 <= a0, (_full_text(a), _full_text(b))
    return panels


def _runs(names: list[str], metrics: list[str]) -> dict[str, Any]:
    pts = {"step": [1, 2, 3], "value": [1.0, 0.7, 0.5]}
    runs = {name: {"metrics": {m: pts for m in metrics}, "events": []} for name in names}
    return {"kind": "runs", "metric": "val_loss", "runs": runs}


def _monitor(metrics: list[str]) -> dict[str, Any]:
    snap = _runs([""], metrics)
    snap["kind"] = "monitor"
    return snap


def test_the_labs_five_runs_have_one_legend_of_runs_and_line_styles_above_the_panels() -> None:
    svg = loss_svg(_runs(LAB_RUNS, ["loss", "val_loss", "acc", "val_acc"]))
    root, panels = _panels(svg)
    _check_layout(svg)
    assert [p.title.text for p in panels if p.title is not None] == ["loss", "acc"]
    assert [p.legend for p in panels] == [[], []]  # no legend rows inside the panels
    assert panels[0].height == panels[1].height == 210
    (legend,) = root.iter(NS + "g")
    texts = [_full_text(e) for e in legend.iter(NS + "text")]
    assert texts == [*LAB_RUNS, "training", "validation"]  # each run once, then the styles
    lines = list(legend.iter(NS + "line"))
    assert [line.get("stroke-dasharray") for line in lines[-2:]] == ["5 4", None]
    assert all(float(e.get("y", 0)) < panels[0].y for e in legend.iter(NS + "text"))
    assert max(float(e.get("x", 0)) for e in legend.iter(NS + "text")) < float(root.get("width", 0))


@pytest.mark.parametrize(
    "snap",
    [
        _monitor([LONG, "val_" + LONG]),  # a name longer than a whole row
        _monitor(["val_" + LONG[:40], LONG[:40], "loss", "val_loss", "lr"]),  # a long title
        _runs(LAB_RUNS, ["train/loss", "val/loss", "train/acc", "val/acc", "lr"]),
        _monitor(["loss", "val_loss"]),
    ],
    ids=["longer-than-a-row", "long-title", "runs-three-panels", "monitor"],
)
def test_titles_and_legends_stay_inside_their_panels(snap: dict[str, Any]) -> None:
    panels = _check_layout(loss_svg(snap))
    labels = [_full_text(e) for p in panels for e in p.legend]
    names = [f"{r} {m}".strip() for r, rs in snap["runs"].items() for m in rs["metrics"]]
    assert sorted(labels) == ([] if snap["kind"] == "runs" else sorted(names))


def test_a_name_too_long_for_a_row_is_shortened_and_kept_in_a_title() -> None:
    svg = loss_svg(_monitor([LONG, "val_" + LONG]))
    (panel,) = _panels(svg)[1]
    assert panel.title is not None and panel.title.text != LONG
    assert (panel.title.text or "").endswith("…") and _full_text(panel.title) == LONG
    (long,) = [e for e in panel.legend if _full_text(e) == LONG]
    assert (long.text or "").endswith("…")
    assert LONG.startswith((long.text or "")[:-1])


def test_a_short_legend_keeps_one_row_and_the_usual_size() -> None:
    root, panels = _panels(loss_svg(_monitor(["loss", "val_loss"])))
    assert [e.text for e in panels[0].legend] == ["loss", "val_loss"]
    assert {e.get("y") for e in panels[0].legend} == {"15"}
    assert (root.get("width"), root.get("height")) == ("420", "210")


def test_the_saved_picture_colours_runs_as_the_live_view_does() -> None:
    """Eight runs: the picture had 7 colours, so run 8 took run 1's blue there and grey in the
    live view (sweep s33 Q, finding 4)."""
    from nngraph.widgets._losssvg import PALETTE

    panel = (ROOT / "js" / "src" / "loss" / "panel.js").read_text()
    live = panel.split("export const PALETTE = [", 1)[1].split("];", 1)[0]
    assert re.findall(r'"(#[0-9a-f]{6})"', live) == PALETTE
