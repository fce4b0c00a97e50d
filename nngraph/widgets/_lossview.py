"""``LossView``: the live loss curves a :class:`~nngraph.monitor.Monitor` shows in a notebook.

The monitor calls :meth:`LossView.attach` itself (``ng.Monitor(...)`` in a notebook); the
view then receives only the new points, batched by the monitor (at most ~10 flushes a
second), as float64 binary buffers in custom messages. A throttled, downsampled ``snapshot``
trait restores the view after a page reload, and every output carries a static SVG for
saved notebooks and nbconvert.

The Stop button: a click sends a message that calls ``mon.request_stop()``. A running cell
normally receives browser messages only when it ends; reading ``mon.should_stop`` calls
:meth:`LossView.poll`, which lets pending widget messages in (at most every 0.2 s), so a
loop like this stops at the click (the button is live only while a cell that logs runs: a click
that reaches the kernel after the cell has ended stops nothing)::

    for epoch in range(1, 101):
        ...
        mon.log(epoch, loss=train_loss, val_loss=val_loss)
        if mon.should_stop:      # a detector fired, or the Stop button was clicked
            break
"""

from __future__ import annotations

import threading
import time
import weakref
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from nngraph.i18n import get_language, message, messages, on_language_change
from nngraph.widgets._below_cell import ShownBelowCell, cell_is_running
from nngraph.widgets._kernelpoll import poll_widget_messages
from nngraph.widgets._lossdata import batch_message, full_snapshot, jsonable, source_kind
from nngraph.widgets._lossgrads import GradientFeed
from nngraph.widgets._losssource import HeldSource
from nngraph.widgets._losssvg import loss_svg
from nngraph.widgets._losstext import loss_caption, loss_text
from nngraph.widgets._options import LossOption, check_loss_options
from nngraph.widgets._static_svg import with_static_picture

__all__ = ["LossView"]

_BUNDLE = Path(__file__).resolve().parent.parent / "static" / "lossview.js"
# Shown instead of the view when the front-end was never built (a source checkout without
# `npm run build`); the static SVG in the same output still shows the curves. The text is the
# `lossview.not_built` message, in the language of the `strings` trait.
_MISSING_BUNDLE_ESM = """
export default { render({ model, el }) {
  const p = document.createElement("p");
  const words = model.get("strings") || {};
  p.textContent = words["lossview.not_built"] || ("nngraph: the live loss view is not built. " +
    "Run scripts/setup.sh (or: cd js && npm ci && npm run build) and restart the kernel.");
  el.appendChild(p);
} };
"""
POLL_INTERVAL = 0.2


class LossView(GradientFeed, HeldSource, ShownBelowCell, anywidget.AnyWidget):
    """Live curves of a ``Monitor`` (train and validation overlaid, one panel per metric), of
    ``Runs`` (every run overlaid, with a table of best epochs) or of a ``GradientWatch``
    (per-layer gradient norms, log scale). Log-scale toggle, EMA smoothing slider, the best
    epoch and detector events marked (hover for the explanation), a progress line and a
    Stop button that ``mon.should_stop`` sees.

    The options are checked when the view is made and when set later (``view.smoothing = 0.5``):
    a value they cannot take, or a name that is no option (a typo such as ``maxpoints``), raises
    ``NNGraphError`` saying what is allowed.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False)
        >>> view = ng.LossView(mon)        # in a notebook: ng.LossView.attach(mon) displays it
        >>> mon.log(1, loss=1.0, val_loss=1.2); mon.flush()
        >>> view.sent[-1][0]["metrics"], len(view.sent[-1][1])
        (['loss', 'val_loss'], 4)
        >>> view.stop(); mon.should_stop
        True
    """

    _esm = _BUNDLE if _BUNDLE.exists() else _MISSING_BUNDLE_ESM

    #: downsampled history (what a reloaded page draws first); refreshed at most once a second
    snapshot = traitlets.Dict().tag(sync=True)
    #: y axes on a log scale
    log_scale = LossOption(False).tag(sync=True)
    #: EMA smoothing weight, 0 (off) to 0.99
    smoothing = LossOption(0.0).tag(sync=True)
    #: the most height of each plot in px: less on a low screen, so that the whole view fits
    height = LossOption(280).tag(sync=True)
    #: the words the view shows (``lossview.`` keys of nngraph.i18n, current language)
    strings = traitlets.Dict().tag(sync=True)
    #: whether a cell that logs to this view is running now, or a thread it started logs on:
    #: the Stop button is greyed out otherwise (points the ended cell logged and a timer sends
    #: late do not turn it on again)
    running = traitlets.Bool(False).tag(sync=True)
    _logged_at_end = 0  # what the source had logged when the last cell ended
    #: planned number of epochs: the progress line then shows an ETA
    total_epochs = LossOption(None, allow_none=True)
    #: the most points of each curve in the snapshot
    max_points = LossOption(1000)
    #: seconds between two snapshots, at least (one with a detector's event is sent at once)
    snapshot_interval = LossOption(1.0)

    def __init__(
        self,
        source: Any = None,
        *,
        max_points: int = 1000,
        snapshot_interval: float = 1.0,
        keep_sent: int = 20,
        **kwargs: Any,
    ) -> None:
        kind = source_kind(source) if source is not None else "monitor"
        sizes = {"max_points": max_points, "snapshot_interval": snapshot_interval}
        check_loss_options(**sizes, keep_sent=keep_sent, **kwargs)
        kwargs.setdefault("log_scale", kind == "gradients")
        super().__init__(strings=messages("lossview."), **sizes, **kwargs)
        self.source = source
        self.kind = kind
        #: the last custom messages sent, (content, buffers) (for tests; ``keep_sent`` of them)
        self.sent: list[tuple[dict[str, Any], list[bytes]]] = []
        self._keep_sent = int(keep_sent)
        self._t0 = time.monotonic()
        self._lock = threading.Lock()
        self._last_snapshot = 0.0
        self._snapshot_timer: threading.Timer | None = None
        self._last_poll = 0.0
        self._last_run: str | None = None
        #: each run's monitor, as last drawn (weakly: a view may outlive its runs)
        self._run_monitors: dict[str, weakref.ref[Any]] = {}
        #: the words beside the picture, as the source last gave them, and their language
        self._last_text = ("", "")
        self._init_gradient_feed(source, kind)
        self._dirty = False
        #: earlier outputs of this view whose cell ended before anything was logged (the
        #: monitor's own cell, trained in the next one): they get the picture of the first
        #: cell that logs, once (each update redraws the live view there, losing its zoom)
        self._empty_outputs: list[Any] = []
        self._listener: tuple[weakref.ref[Any], Any] | None = None  # (whose, callback)
        self.on_msg(self._on_custom)
        self._unsubscribe_language = on_language_change(self._on_language)
        if source is not None:
            self._subscribe()
            self._refresh_snapshot()

    # ----------------------------------------------------------------- wiring
    @classmethod
    def attach(cls, source: Any, **kwargs: Any) -> LossView:
        """Show a live view of ``source`` (a Monitor, Runs or GradientWatch) below the current
        cell and return it. This is what ``ng.Monitor()`` does in a notebook. As the last line
        of a cell, ``ng.LossView.attach(mon)`` shows the view once: the view a cell has just shown
        is not shown again as that cell's value.

            >>> import nngraph as ng
            >>> view = ng.LossView.attach(ng.Monitor(display=False))  # in a plain script: no output
            >>> view.kind
            'monitor'
        """
        view = cls(source, **kwargs)
        view._show()
        return view

    def _cell_started(self, running: bool) -> None:
        self.running = running  # made by the training cell: its loop may follow

    def _cell_ended(self) -> None:
        try:  # the points still queued are sent first: they must not turn the button on again
            self._update_static()
            self._snapshot_if_waiting()
        finally:
            self.running = False  # nothing to stop until a cell, or a thread, feeds it again
            self._logged_at_end = self._logged()
            if not self._logged_at_end and self._handle not in (None, *self._empty_outputs):
                self._empty_outputs.append(self._handle)  # "waiting for the first mon.log"
            self._release_source()  # its picture is stored: the monitor may go now

    def _logged(self) -> int:
        """How many times the source has logged: more than when the last cell ended means a
        thread the cell started trains on."""
        monitors = getattr(self.source, "monitors", None)
        if monitors is not None:
            return sum(getattr(mon, "_calls", 0) for mon in monitors.values())
        return int(getattr(self.source, "_calls", 0) or getattr(self.source, "steps", 0))

    def _subscribe(self) -> None:
        src = self.source
        if self.kind == "gradients":
            monitor = getattr(src, "monitor", None)
            if monitor is not None:
                callback = monitor.add_listener(lambda _u: self.refresh())
                self._listener = (weakref.ref(monitor), callback)
            if getattr(src, "view", None) is None and hasattr(src, "view"):
                src.view = self  # `watch` as a cell's value shows this view again
            return
        self._listener = (weakref.ref(src), src.add_listener(self._on_update))
        if self.kind == "monitor":
            if getattr(src, "view", None) is None:
                src.view = self
        else:
            for mon in src:
                if mon.view is None:
                    mon.view = self  # its should_stop polls this view's Stop button

    def close(self) -> None:
        """Stop listening to the source and close the widget.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False); view = ng.LossView(mon); view.close()
        >>> mon.log(1, loss=0.5); mon.flush(); view.sent, view.comm is None
        ([], True)
        """
        listener = getattr(self, "_listener", None)
        self._listener = None
        self._handle = None  # a closed widget draws no picture: keep the last one
        whose = listener[0]() if listener is not None else None
        if listener is not None and whose is not None:
            whose.remove_listener(listener[1])
        timer = getattr(self, "_snapshot_timer", None)
        if timer is not None:
            timer.cancel()
        unsubscribe = getattr(self, "_unsubscribe_language", None)
        if unsubscribe is not None:
            unsubscribe()
        super().close()

    # ----------------------------------------------------------------- outgoing
    def _send_custom(self, content: dict[str, Any], buffers: list[bytes] | None = None) -> None:
        content, buffers = jsonable(content), buffers or []  # names a message can carry
        if self._keep_sent:
            self.sent.append((content, buffers))
            del self.sent[: -self._keep_sent]
        if self.comm is not None:
            self.send(content, buffers)

    def _on_update(self, update: Any) -> None:
        """Monitor/Runs listener: forward the new points as one binary batch."""
        run = "" if self.kind == "monitor" else (update.name or "")
        mon = self.source if self.kind == "monitor" else self._monitor_of(run)
        if self.kind == "runs" and update.points:
            self._last_run = run
            if mon is not None and mon.view is None:
                mon.view = self
        if self.kind == "runs":
            drawn = self._run_monitors.get(run)
            if mon is not None:
                self._run_monitors[run] = weakref.ref(mon)
            if drawn is not None and drawn() is not mon:  # a new run under an old name: its
                self._redraw()  # curves replace the old ones (the snapshot holds this update's)
                return
        if not self.running and self._after_cell is not None:
            # a new cell feeds it, or a thread logging after the cell ended (not a flush of
            # what the ended cell logged, which a timer's thread may send late)
            self.running = cell_is_running() or self._logged() > self._logged_at_end
        progress = self._progress(mon)
        content, buffers = batch_message(update, run, mon, progress)
        if self.kind == "runs":
            content["table"] = self.source.rows()  # made sendable with the rest of the message
            content["winner"] = self.source.winner()
            content["winners"] = self.source.winners()
            content["notes"] = self.source._notes()
        self._send_custom(content, buffers)
        self._dirty = True
        self._schedule_snapshot(bool(update.events))

    def _monitor_of(self, run: str) -> Any:
        monitors = getattr(self.source, "monitors", {})
        return monitors.get(run)

    def _progress(self, mon: Any) -> dict[str, Any] | None:
        if mon is None:
            return None
        last = getattr(mon, "_last_step", 0.0)
        return {
            "step": last,
            "epoch": mon.epoch,
            "done": mon.epoch_count,  # out of total_epochs: a run numbered from 0 ends at n/n
            "time": time.monotonic() - self._t0,
            "total": self.total_epochs,
        }

    def full_snapshot(self) -> dict[str, Any]:
        """Everything the view shows, downsampled to ``max_points`` per curve (JSON-ready).

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.7)
        >>> snap = ng.LossView(mon).full_snapshot(); snap["kind"], snap["runs"][""]["metrics"]["loss"]
        ('monitor', {'step': [1.0], 'value': [0.5]})
        """
        source = self.source
        if self.source_gone:
            return dict(self.snapshot)  # a source nothing else holds any more: as last shown
        snap = full_snapshot(source, self.kind, self.max_points)
        snap["progress"] = self._progress(source if self.kind == "monitor" else None)
        return snap

    def _refresh_snapshot(self) -> None:
        with self._lock:
            self._snapshot_timer = None
            self._last_snapshot = time.monotonic()
        self.snapshot = self.full_snapshot()

    def _snapshot_if_waiting(self) -> None:
        """Take now the snapshot a timer waits to take: the state a notebook saves as its cell
        ends (``nbconvert --execute``, nbclient) must hold every point the cell logged, and the
        timer could fire after the kernel has gone."""
        with self._lock:
            timer, self._snapshot_timer = self._snapshot_timer, None
        if timer is not None:
            timer.cancel()
            self._refresh_snapshot()

    def _schedule_snapshot(self, now: bool) -> None:
        wait = self.snapshot_interval - (time.monotonic() - self._last_snapshot)
        if now or wait <= 0:
            self._refresh_snapshot()
            return
        with self._lock:
            if self._snapshot_timer is not None:
                return
            timer = threading.Timer(wait, self._refresh_snapshot)
            timer.daemon = True
            self._snapshot_timer = timer
        timer.start()

    # ----------------------------------------------------------------- incoming
    def _on_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "stop":
            # between cells, with no thread logging, the button is grey: nothing to stop
            if self._after_cell is None or self.running or cell_is_running():
                self.stop()
        elif content.get("type") == "hello":  # a (re)loaded page wants the full history
            self._redraw()

    def _redraw(self) -> None:
        """Send the page everything again, in place of what it shows: the page was (re)loaded,
        or a run of a Runs was replaced (the cell that makes it run again)."""
        self._send_custom({"type": "reset", "snapshot": self.full_snapshot()})
        self._refresh_snapshot()

    def stop(self) -> None:
        """What the Stop button does: ``request_stop()`` on the monitor (for Runs, on the run
        that logged last), so ``mon.should_stop`` becomes True.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5)
        >>> ng.LossView(mon).stop(); mon.should_stop
        True
        """
        if self.kind == "monitor":
            target = self.source
        elif self.kind == "runs":
            target = self._monitor_of(self._last_run or "") or next(
                reversed(list(self.source or ())), None
            )
        else:
            return
        if target is not None and hasattr(target, "request_stop"):
            target.request_stop(message("lossview.stop_event", epoch=target.epoch))
            target.flush()

    def poll(self) -> None:
        """Let pending widget messages (the Stop button) reach the kernel now, at most every
        0.2 s; ``mon.should_stop`` calls it, so a running loop sees the click.

        >>> import nngraph as ng
        >>> view = ng.LossView(ng.Monitor(display=False)); view.poll()  # no kernel: nothing
        """
        now = time.monotonic()
        if now - self._last_poll < POLL_INTERVAL:
            return
        self._last_poll = now
        poll_widget_messages()

    def _on_language(self, _language: str) -> None:
        self.strings = messages("lossview.")

    # ----------------------------------------------------------------- static picture
    def static_svg(self) -> str:
        """The curves as an SVG (saved notebooks, nbconvert HTML, anywhere without JS).

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False); mon.log(1, loss=0.5, val_loss=0.7)
        >>> ng.LossView(mon).static_svg().startswith("<svg")
        True
        """
        return loss_svg(self.full_snapshot(), log=self.log_scale, strings=dict(self.strings))

    def _update_static(self) -> None:
        """After a cell that added points: refresh the picture stored in the notebook, and in
        earlier outputs left empty (the cell that made the monitor). Points still waiting for
        the source's next flush are sent first, so the picture holds everything logged by the
        end of the cell."""
        if self._handle is None:  # not displayed, or closed: its output stays as it is
            return
        self._flush_source()
        if self._dirty:
            self._dirty = False
            for handle in (*self._empty_outputs, self._handle):
                handle.update(self)
            self._empty_outputs = []

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle = super()._repr_mimebundle_(**kwargs)
        text = self._text()
        return with_static_picture(bundle, self.static_svg(), text, loss_caption(text, self.kind))

    def _flush_source(self) -> None:
        """Send what the source still holds back (points queued for its trailing flush)."""
        if self.kind == "gradients":
            monitor = getattr(self.source, "monitor", None)
            if monitor is not None:
                monitor.flush()
            self.refresh()  # a watch without a monitor has nothing that flushes it
            return
        flush = getattr(self.source, "flush", None)
        if callable(flush):
            flush()

    def _text(self) -> str:
        source, language = self.source, get_language()
        given_in, given = self._last_text
        if source is None and given_in == language:
            return given  # the words of a source nothing holds any more, as given
        text = loss_text(self.full_snapshot(), source)
        if source is None and given:
            # after `set_language`: the title in the new language, the rest as given, in the
            # words it was given in (no others can be made without the source)
            return "\n".join([text.split("\n")[0], *given.split("\n")[1:]])
        if source is not None:
            self._last_text = (language, text)
        return text
