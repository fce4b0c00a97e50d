"""What a saved notebook keeps of a loss view: the final picture, however the view was shown.

A view shown as a cell's value (``ng.LossView(mon)`` as the last line, training in the next
cell) kept its first "nothing logged yet" picture: only views shown by ``attach()``/``show()``
had an output to refresh (sweep 23b, finding 1).
"""

from __future__ import annotations

import html
from typing import Any

import pytest

import nngraph as ng
from nngraph.monitor import Monitor, detectors
from nngraph.widgets import LossView
from nngraph.widgets._losstext import CAPTION_EVENTS

TRAIN = "for epoch in range(1, 21):\n    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)"


@pytest.fixture
def published(shell: Any, published: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """conftest's, with `mon`, a monitor without a view of its own, for the cells to show."""
    shell.user_ns["mon"] = Monitor(detectors=[], display=False)
    return published


def saved_text(outputs: list[dict[str, Any]]) -> str:
    """The text/plain the notebook keeps for the view's output: its last update."""
    shown = [o for o in outputs if "text/plain" in o["data"]]
    assert shown, outputs
    ids = {(o["transient"] or {}).get("display_id") for o in shown}
    assert len(ids) == 1 and None not in ids, shown  # one output, refreshed by its display id
    return str(shown[-1]["data"]["text/plain"])


@pytest.mark.parametrize(
    "cell", ["ng.LossView(mon)", "view = ng.LossView(mon); view", "display(ng.LossView(mon))"]
)
def test_a_view_shown_as_a_cells_value_saves_the_final_picture(
    shell: Any, published: list[dict[str, Any]], cell: str
) -> None:
    assert shell.run_cell(cell).success
    assert "nothing logged yet" in saved_text(published)
    assert shell.run_cell(TRAIN).success
    saved = saved_text(published)
    assert "best val_loss 0.05 at epoch 20" in saved, saved
    assert published[-1]["update"] is True


def test_a_view_shown_twice_in_one_cell_is_one_output(
    shell: Any, published: list[dict[str, Any]]
) -> None:
    assert shell.run_cell("view = ng.LossView(mon); display(view); view").success
    assert len([o for o in published if "text/plain" in o["data"]]) == 1


# The HTML picture (nbconvert, an untrusted notebook) shows no text/plain and no hover text:
# the words the live view shows go below the <img> (sweep 23b, finding 3).

XSS = '<img src=x onerror="alert(1)">'


def caption(view: LossView) -> str:
    """The text under the picture in the output's text/html, unescaped."""
    shown = view._repr_mimebundle_()[0]["text/html"]
    assert shown.startswith("<img ") and shown.count("<pre") == 1, shown
    return html.unescape(shown.split("<pre", 1)[1].split(">", 1)[1].removesuffix("</pre>"))


def test_the_html_picture_says_why_training_stopped() -> None:
    mon = Monitor(detectors=[detectors.Patience(2)], display=False, name=XSS)
    view = LossView(mon)
    for epoch, v in enumerate([1.0, 0.5, 0.6, 0.7], start=1):
        mon.log(epoch, loss=v, val_loss=v)
    text = caption(view)
    assert text.splitlines()[0] == "best val_loss 0.5 at epoch 2 (step 2)"
    assert "has not improved for 2 epochs" in text.splitlines()[-1]  # the stop's reason
    assert XSS not in view._repr_mimebundle_()[0]["text/html"].split('src="', 1)[1]


def test_the_html_picture_keeps_the_latest_events() -> None:
    mon = Monitor(detectors=[detectors.GL(1, stop=False)], display=False)
    view = LossView(mon)
    # a warning at each even epoch from 4 on: rising peaks after the best of epoch 3 (a wobble
    # of a loss still improving is told once, so the peaks do not set new bests)
    curve = [1.0, 0.5, 0.3, 0.4, 0.301, 0.42, 0.301, 0.44, 0.301, 0.46, 0.301, 0.48, 0.301, 0.5]
    for epoch, v in enumerate(curve, start=1):
        mon.log(epoch, loss=1 / epoch, val_loss=v)
    assert len(mon.events) == 6
    lines = caption(view).splitlines()
    assert lines[1:3] == ["6 events:", "  … 1 event before these"]
    assert [line.split(":")[0] for line in lines[3:]] == [
        f"  epoch {e}" for e in (6, 8, 10, 12, 14)
    ]
    assert len(lines) == 3 + CAPTION_EVENTS


def test_the_html_picture_of_compared_runs_has_their_table() -> None:
    a, b = Monitor(name="a", display=False), Monitor(name=XSS, display=False)
    for epoch in range(1, 4):
        a.log(epoch, val_loss=1 / epoch)
        b.log(epoch, val_loss=0.5 / epoch)
    runs = ng.compare(a, b, display=False)
    shown = LossView(runs)._repr_mimebundle_()[0]["text/html"]
    assert caption(LossView(runs)) == runs.table()  # the best epochs, the winner starred
    assert XSS not in shown and html.escape(XSS) in shown
