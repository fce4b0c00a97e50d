"""Let widget messages in while a cell is still running (how the Stop button reaches a loop).

A Jupyter kernel runs one cell at a time: while a training loop runs, messages from the
browser (a click on a widget) wait in the kernel's queue until the cell ends, so a loop that
checks ``mon.should_stop`` would never see the click. :func:`poll_widget_messages` drains
that queue from inside the running cell, the way ``jupyter-ui-poll`` does:

- widget (comm) messages are handled at once, with the request that sent them as parent;
- every other request (e.g. the next cell the user queued) is put back in order, to run
  after the current cell, exactly as it would have without polling.

It reads the main shell socket of ipykernel >= 7 (which has no ``do_one_iteration``, so
``jupyter-ui-poll`` 1.1 silently does nothing there). Anywhere else (no kernel, another
kernel, another thread) it does nothing and returns 0: the click is then seen when the
cell ends. It never raises.

    >>> poll_widget_messages()  # outside a kernel: nothing to do
    0
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import Any

__all__ = ["poll_widget_messages"]

#: handled while the cell runs; everything else waits for the cell to end. Not
#: `comm_info_request`: JupyterLab asks it when a page reloads and waits for the busy/idle
#: status around the reply, which only the kernel's own handling sends (answered here, the
#: view stayed at "Loading widget..." for good)
_NOW = frozenset({"comm_open", "comm_msg", "comm_close"})
_busy = threading.Lock()
_deferred: set[Any] = set()  # tasks of requests put back behind the running cell


def _kernel() -> Any:
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    shell = get_ipython() if get_ipython is not None else None
    return getattr(shell, "kernel", None)


def _main_socket(kernel: Any) -> tuple[Any, Any, Any] | None:
    """(socket the main shell reads requests from, stream its replies go to, the callback
    the kernel's own reader runs on each request it reads from that socket)."""
    if getattr(kernel, "_supports_kernel_subshells", False):
        manager = kernel.shell_channel_thread.manager
        pair = manager.get_shell_channel_to_subshell_pair(None)
        reader, replies = pair.to_stream, manager.get_subshell_to_shell_channel_socket(None)
    else:
        reader = replies = getattr(kernel, "shell_stream", None)
    callback = getattr(reader, "_recv_callback", None)
    if reader is None or callback is None or not hasattr(kernel, "shell_main"):
        return None
    return reader.socket, replies, callback


def _run(result: Any) -> None:
    """Finish a handler's coroutine now (comm handlers never really wait)."""
    if not asyncio.iscoroutine(result):
        return
    try:
        result.send(None)
    except StopIteration:
        return
    result.close()  # it wanted to wait: drop it rather than block the training loop


def poll_widget_messages(limit: int = 50) -> int:
    """Handle up to ``limit`` pending widget messages now; returns how many were handled."""
    if threading.current_thread() is not threading.main_thread():
        return 0
    kernel = _kernel()
    if kernel is None or getattr(kernel, "session", None) is None:
        return 0
    if not _busy.acquire(blocking=False):  # a comm handler that polls again
        return 0
    try:
        return _poll(kernel, limit)
    except Exception:  # polling must never break a training loop
        return 0
    finally:
        _busy.release()


def _poll(kernel: Any, limit: int) -> int:
    import zmq

    found = _main_socket(kernel)
    if found is None:
        return 0
    socket, reply_stream, dispatch = found
    session = kernel.session
    handled = 0
    for _ in range(limit):
        try:
            frames = socket.recv_multipart(zmq.NOBLOCK, copy=False)
        except zmq.Again:
            break
        try:  # peek at the header only: a full read would mark the message as seen
            idents, body = session.feed_identities(frames, copy=False)
            msg_type = session.deserialize(body, content=False, copy=False)["header"]["msg_type"]
        except Exception:
            msg_type = None
        if msg_type not in _NOW:
            # Not ours to handle: handed to the kernel's own reader callback, as if it had just
            # read it, so it queues behind the requests the kernel read before (the next cell
            # of a "Run All"), in arrival order. (Calling `shell_main` directly would skip a
            # step of the kernel's own path and overtake them.)
            task = asyncio.ensure_future(dispatch(frames))
            _deferred.add(task)
            task.add_done_callback(_deferred.discard)
            continue
        try:
            msg = session.deserialize(body, content=True, copy=False)
        except Exception:
            continue
        handler = kernel.shell_handlers.get(msg_type)
        if handler is None:
            continue
        parent = kernel.get_parent("shell")
        ident = kernel._get_shell_context_var(kernel._shell_parent_ident)
        try:
            kernel.set_parent(idents, msg, channel="shell")
            _run(handler(reply_stream, idents, msg))
            handled += 1
        except Exception:
            kernel.log.debug("nngraph: widget message failed during polling", exc_info=True)
        finally:
            kernel.set_parent(ident, parent, channel="shell")
    return handled
