"""Names a kernel message cannot carry: half a surrogate pair (``'lone\\ud800'``, which
``to_json`` and ``to_dot`` accept) and the non-characters U+FFFE and U+FFFF reach the browser
as U+FFFD, as in the static pictures, so ``g.show()`` and a live view keep working.

They made ``g.show()`` raise and stopped a Monitor's live view (sweep L, bug 4).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import torch

import nngraph as ng
from nngraph.monitor import GradientWatch, Monitor, Runs
from nngraph.widgets import GraphView, LossView

MARKS = ["\ud800", "\udcff", "\ufffe", "\uffff"]


def packed(message: Any) -> str:
    """``message`` as the kernel sends it (JSON, UTF-8), read back."""
    text = json.dumps(message, ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8").decode("utf-8")  # half a surrogate pair has no UTF-8


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
def test_a_module_name_reaches_the_graph_view_with_a_replacement_character(mark: str) -> None:
    model = torch.nn.Sequential()
    model.add_module(f"lone{mark}x", torch.nn.Linear(2, 2))
    g = ng.trace(model, torch.randn(1, 2), loss=lambda y: y.sum())
    view = GraphView(g)
    state = packed(view.get_state())
    assert "lone\ufffdx" in state and mark not in state
    assert f"lone{mark}x" in [m["path"] for m in view.graph["modules"]]  # Python keeps it
    packed(view._repr_mimebundle_()[0])
    view.close()


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
@pytest.mark.filterwarnings("ignore:nngraph Monitor")  # val_loss itself is never logged
def test_a_metric_name_keeps_the_live_view_of_a_monitor_fed(mark: str) -> None:
    name = f"loss{mark}"
    mon = Monitor(display=False)
    view = LossView(mon, snapshot_interval=0)
    for epoch in (1, 2, 3):
        mon.log(epoch, **{name: 1 / epoch})
        mon.flush()
    assert mon._listeners.listeners  # not removed as a failing listener
    batches = [content for content, _ in view.sent if content["type"] == "batch"]
    assert len(batches) == 3 and all(packed(b) for b in batches)
    assert batches[0]["metrics"] == ["loss\ufffd"]
    assert "loss\ufffd" in packed(view.get_state()["snapshot"])
    view._on_custom(view, {"type": "hello"}, [])  # a reloaded page asks for everything
    assert "loss\ufffd" in packed(view.sent[-1][0])
    text = packed(view._repr_mimebundle_()[0])  # the saved picture and its text
    assert mark not in text
    view.close()


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
def test_a_layer_name_keeps_the_live_view_of_a_gradient_watch_fed(mark: str) -> None:
    net = torch.nn.Sequential()
    net.add_module(f"lone{mark}x", torch.nn.Linear(2, 1))
    watch = GradientWatch(net)
    view = LossView(watch)
    net(torch.ones(1, 2)).sum().backward()
    watch.step()
    view.refresh()
    assert view.sent[-1][0]["metrics"] == ["lone\ufffdx"] and packed(view.sent[-1][0])
    assert mark not in packed(view._repr_mimebundle_()[0])
    view.close()


@pytest.mark.parametrize("mark", MARKS, ids=ascii)
def test_a_run_name_reaches_the_comparison_view_with_a_replacement_character(mark: str) -> None:
    runs = Runs(display=False)
    view = LossView(runs)
    runs.new(f"run{mark}A").log(1, loss=0.5, val_loss=0.6)
    runs.flush()
    content = view.sent[-1][0]
    assert content["run"] == content["winner"] == "run\ufffdA" and packed(content)
    assert mark not in packed(view._repr_mimebundle_()[0])
    view.close()
