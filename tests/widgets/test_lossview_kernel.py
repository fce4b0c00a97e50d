"""The Stop button in a real ipykernel (no browser): a client plays the browser.

While a cell runs a loop that checks ``mon.should_stop``, the widget's ``stop`` message stops
it, and a second cell queued meanwhile still runs, after the loop, exactly once. A click that
reaches the kernel between cells stops nothing.
"""

from __future__ import annotations

import queue
import time
from typing import Any

import pytest

from tests.widgets.conftest import ROOT

SETUP = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
import nngraph as ng
mon = ng.Monitor(detectors=[])
print("comm", type(mon.view).__name__, mon.view.comm.comm_id)
"""

LOOP = """
for epoch in range(1, 2000):
    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch + 0.01 * epoch)
    time.sleep(0.01)
    if mon.should_stop:
        break
print("stopped at", epoch, "by", mon.stop_event.detector if mon.stop_event else None)
"""


@pytest.mark.slow
def test_stop_message_reaches_a_running_loop(kernel: Any) -> None:
    kc = kernel
    lines: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            lines.append(msg["content"]["text"])

    kc.execute_interactive(SETUP, output_hook=hook, timeout=60)
    words = "".join(lines).split()
    assert words[:2] == ["comm", "LossView"], lines
    comm_id = words[2]

    loop_id = kc.execute(LOOP)
    time.sleep(1.0)
    after_id = kc.execute("print('next cell ran')")  # queued behind the loop
    time.sleep(0.5)
    stop = {"comm_id": comm_id, "data": {"method": "custom", "content": {"type": "stop"}}}
    kc.shell_channel.send(kc.session.msg("comm_msg", stop))

    out: dict[str, str] = {loop_id: "", after_id: ""}
    idle: set[str | None] = set()
    deadline = time.monotonic() + 60
    while not {loop_id, after_id} <= idle and time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        parent = msg["parent_header"].get("msg_id")
        if msg["msg_type"] == "stream" and parent in out:
            out[parent] += msg["content"]["text"]
        elif msg["msg_type"] == "error":
            pytest.fail("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle.add(parent)
    assert "by user" in out[loop_id], out
    epoch = int(out[loop_id].split()[2])
    assert 20 < epoch < 1999  # stopped by the click, mid-loop
    assert out[after_id] == "next cell ran\n"


@pytest.mark.slow
def test_a_click_between_cells_in_a_kernel_stops_nothing(kernel: Any) -> None:
    """The browser's click reaches the kernel after the training cell ended (no poll ran)."""
    kc = kernel
    lines: list[str] = []

    def cell(code: str) -> str:
        lines.clear()
        reply = kc.execute_interactive(
            code,
            output_hook=lambda m: lines.append(m["content"].get("text", "")),
            timeout=60,
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(lines)

    comm_id = cell(
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "import nngraph as ng\nmon = ng.Monitor(detectors=[])\nprint(mon.view.comm.comm_id)"
    ).strip()
    loop = (
        "for epoch in range(first, first + 20):\n"
        "    mon.log(epoch, loss=1 / epoch, val_loss=1.5 / epoch)\n"
        "    if mon.should_stop:\n"
        "        break\n"
        "print(epoch)"
    )
    assert cell("first = 1\n" + loop).split() == ["20"]
    assert cell("print(mon.view.running)").split() == ["False"]
    stop = {"comm_id": comm_id, "data": {"method": "custom", "content": {"type": "stop"}}}
    kc.shell_channel.send(kc.session.msg("comm_msg", stop))
    time.sleep(0.5)
    assert cell("print(mon.should_stop, len(mon.events))").split() == ["False", "0"]
    assert cell("first = 21\n" + loop).split() == ["40"]  # the run again trains it all
