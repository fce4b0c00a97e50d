"""A live view's Stop button reaches a running loop through a real ipykernel, and the cells
queued behind that loop (JupyterLab's "Run All") still run, each once, in their order."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from jupyter_client.manager import start_new_kernel

pytestmark = pytest.mark.slow

LOOP = """
mon = ng.Monitor()
for epoch in range(1, {epochs}):
    mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
    time.sleep({pause})
    if mon.should_stop:
        break
order = ["cell 1"]
"""


@pytest.fixture
def kernel(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        client.execute_interactive("import time, nngraph as ng", timeout=60)
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run_all(client: Any, cells: list[str]) -> list[dict[str, Any]]:
    """Queue every cell at once, as Run All does; their replies, in the cells' order."""
    ids = [client.execute(code) for code in cells]
    replies: dict[str, dict[str, Any]] = {}
    while len(replies) < len(ids):
        reply = client.get_shell_msg(timeout=60)
        replies[reply["parent_header"]["msg_id"]] = reply["content"]
    return [replies[i] for i in ids]


def queued_cells(n: int) -> list[str]:
    return [f"order.append('cell {i}'); print(order)" for i in range(2, n + 2)]


@pytest.mark.parametrize("epochs, pause", [(20, 0.01), (300, 0.002)])
def test_cells_queued_behind_a_live_loop_run_in_order(kernel: Any, epochs: int, pause: float):
    replies = run_all(kernel, [LOOP.format(epochs=epochs, pause=pause), *queued_cells(5)])
    assert [r["status"] for r in replies] == ["ok"] * 6, replies
    counts = [r["execution_count"] for r in replies]
    assert counts == sorted(counts), counts  # the loop polled the queue: nothing overtook
    shown = kernel.execute_interactive("print(order)", timeout=30)
    assert shown["content"]["status"] == "ok"


def test_stop_reaches_the_running_loop_and_the_queue_keeps_its_order(kernel: Any):
    cells = [LOOP.format(epochs=100_000, pause=0.01), *queued_cells(3)]
    ids = [kernel.execute(code) for code in cells]
    comm_id = None
    deadline = time.monotonic() + 60
    while comm_id is None and time.monotonic() < deadline:
        msg = kernel.get_iopub_msg(timeout=60)
        if msg["msg_type"] == "comm_open" and "LossView" in str(msg["content"]):
            comm_id = msg["content"]["comm_id"]
    assert comm_id is not None, "the monitor showed no live view"
    click = {"comm_id": comm_id, "data": {"method": "custom", "content": {"type": "stop"}}}
    kernel.shell_channel.send(kernel.session.msg("comm_msg", click))  # what Stop sends
    replies: dict[str, dict[str, Any]] = {}
    while len(replies) < len(ids):
        reply = kernel.get_shell_msg(timeout=60)
        replies[reply["parent_header"]["msg_id"]] = reply["content"]
    counts = [replies[i]["execution_count"] for i in ids]
    assert [replies[i]["status"] for i in ids] == ["ok"] * 4
    assert counts == sorted(counts), counts
    check = "assert mon.stop_requested and mon.epoch < 99_999 and len(order) == 4, (mon, order)"
    assert kernel.execute_interactive(check, timeout=30)["content"]["status"] == "ok"
