"""The static loss picture groups and styles metrics by the monitor's naming rule
(``nngraph.monitor._names``): a validation metric with any validation prefix (``val_``,
``valid_``, ``val/``, ...) shares its panel with its training twin and is drawn as validation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from nngraph.widgets._losssvg import PALETTE, loss_svg

NS = "{http://www.w3.org/2000/svg}"
TRAIN, VAL = PALETTE[0], PALETTE[1]


def _snapshot(names: list[str], kind: str = "monitor", metric: str = "val_loss") -> dict[str, Any]:
    pts = {"step": [1, 2, 3], "value": [1.0, 0.7, 0.5]}
    runs = {run: {"metrics": {n: pts for n in names}, "events": []} for run in ("a", "b")}
    if kind != "runs":
        runs = {"": runs["a"]}
    return {"kind": kind, "metric": metric, "runs": runs}


def _panels(svg: str) -> dict[str, list[tuple[str, str]]]:
    """panel title -> [(legend label, colour)] in legend order."""
    panels: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for el in ET.fromstring(svg):
        if el.tag == NS + "text" and el.get("font-weight") == "bold":
            current = panels.setdefault(el.text or "", [])
        elif el.tag == NS + "text" and el.get("fill") not in (None, "#555", "#666"):
            current.append((el.text or "", el.get("fill", "")))
    return panels


def _polylines(svg: str) -> list[tuple[str, bool]]:
    """(stroke, dashed) of every curve, in drawing order."""
    root = ET.fromstring(svg)
    return [
        (p.get("stroke", ""), p.get("stroke-dasharray") is not None)
        for p in root.iter(NS + "polyline")
    ]


def test_val_loss_pairs_with_loss_as_before() -> None:
    panels = _panels(loss_svg(_snapshot(["val_loss", "loss", "val_acc", "acc"])))
    assert list(panels) == ["loss", "acc"]
    assert panels["loss"] == [("loss", TRAIN), ("val_loss", VAL)]
    assert panels["acc"] == [("acc", TRAIN), ("val_acc", VAL)]


@pytest.mark.parametrize(
    ("val", "train"),
    [
        ("valid_loss", "loss"),
        ("val/loss", "train/loss"),
        ("validation_loss", "train_loss"),
        ("valid/loss", "training/loss"),
    ],
)
def test_any_validation_prefix_joins_its_training_twin(val: str, train: str) -> None:
    panels = _panels(loss_svg(_snapshot([val, train], metric=val)))
    assert list(panels) == ["loss"]
    assert panels["loss"] == [(train, TRAIN), (val, VAL)]


def test_huggingfaces_eval_loss_is_drawn_over_loss_and_a_test_loss_apart() -> None:
    """Sweep B1: `eval_loss` got a panel of its own, so a teacher showing the gap between
    training and held-out loss on a HuggingFace-style run had two axes."""
    panels = _panels(loss_svg(_snapshot(["loss", "eval_loss", "test_loss"], metric="eval_loss")))
    assert list(panels) == ["loss", "test_loss"]
    assert panels["loss"] == [("loss", TRAIN), ("eval_loss", VAL)]


def test_one_panel_for_all_names_of_a_metric() -> None:
    names = ["valid_loss", "val/acc", "train_loss", "acc", "lr"]
    panels = _panels(loss_svg(_snapshot(names, metric="valid_loss")))
    assert list(panels) == ["loss", "acc", "lr"]
    assert [label for label, _ in panels["loss"]] == ["train_loss", "valid_loss"]
    assert [label for label, _ in panels["acc"]] == ["acc", "val/acc"]


def test_runs_dash_training_curves_only() -> None:
    svg = loss_svg(_snapshot(["val/loss", "train/loss"], kind="runs", metric="val/loss"))
    assert list(_panels(svg)) == ["loss"]
    # a colour per run (a, b); training curves (dashed) before validation ones
    a, b = PALETTE[0], PALETTE[1]
    assert _polylines(svg) == [(a, True), (b, True), (a, False), (b, False)]
