"""The text "view" of a monitor: one compact line per epoch, for a plain script or a terminal.

Lines are printed at epoch boundaries (a log() call with a validation metric: ``val_loss``,
``valid_loss``, ``val/loss``, ...), at most one per ``interval`` seconds, except that the first
epoch and any epoch with an event are always printed. A run that watches a training metric
(``Monitor(metric="loss")``: no validation set) has no such boundary: until it validates, each
``log()`` call is an epoch (its ``epoch=`` number, if given) and gets its line the same way;
several calls with one ``epoch=`` number make one line. Otherwise, until a run logs its first
validation metric, a ``step`` line shows progress at most once a second. Training metrics logged
per batch are shown as their mean over the epoch. A line held back by the rate limit (an epoch's,
or the last ``step`` line, so a short run that never validates still shows where it ended) is
printed by ``Monitor.close()``, at the end of the cell in IPython or Jupyter (a ``post_run_cell``
callback, there only while a line is held), or when the interpreter exits (a script that never
calls ``close()`` still shows its last epoch).

    >>> p = TextPrinter(interval=0.0)
    >>> p.line(3, {"loss": 0.25, "val_loss": 0.3, "acc": 0.9, "val_acc": 0.85}, best=True)
    'epoch    3  loss 0.25 / val 0.3 *  acc 0.9 / val 0.85'

``*`` marks a new best of the metric the monitor watches (``metric``), next to it.
"""

from __future__ import annotations

import atexit
import contextlib
import sys
import time
import weakref
from collections.abc import Iterable
from typing import Any, TextIO

from nngraph._oneline import one_line
from nngraph.i18n import message, plural_form
from nngraph.monitor._common import Event, train_twin
from nngraph.monitor._display import ipython_shell

__all__ = ["TextPrinter", "count"]

#: printers holding a line back; weak, so a forgotten monitor is not kept alive for this
_held: weakref.WeakSet[TextPrinter] = weakref.WeakSet()


#: the IPython shell whose ``post_run_cell`` prints the held lines (while any is held)
_cell_shell: Any = None


@atexit.register
def _flush_held() -> None:
    """At interpreter exit, print every line still held back (nothing else calls close())."""
    for printer in list(_held):
        with contextlib.suppress(Exception):  # a closed stream at exit: nowhere to print
            printer.flush()


def _after_cell(*_: Any) -> None:
    """IPython's ``post_run_cell``: the cell is done, so print what it held back."""
    _flush_held()
    _unhook_cell_end()


def _hook_cell_end() -> None:
    """In IPython, print held lines at the end of the cell (one callback, whatever the count
    of monitors); in a plain script, nothing to do."""
    global _cell_shell
    shell = ipython_shell()
    if shell is _cell_shell:
        return
    _unregister()
    if shell is None:
        return
    with contextlib.suppress(Exception):  # a shell without IPython's events: atexit only
        shell.events.register("post_run_cell", _after_cell)
        _cell_shell = shell


def _unhook_cell_end() -> None:
    """Remove the ``post_run_cell`` callback once no line is held."""
    if not _held:
        _unregister()


def _unregister() -> None:
    global _cell_shell
    if _cell_shell is not None:
        with contextlib.suppress(Exception):  # already removed
            _cell_shell.events.unregister("post_run_cell", _after_cell)
    _cell_shell = None


class TextPrinter:
    """Prints the compact per-epoch lines of a :class:`~nngraph.monitor.Monitor`.

    >>> import io
    >>> out = io.StringIO()
    >>> p = TextPrinter(interval=60, stream=out)
    >>> p.observe({"loss": 1.0}); p.observe({"loss": 0.5})
    >>> p.boundary(1, {"val_loss": 0.9}, best=True, events=[])
    >>> out.getvalue()
    'epoch    1  loss 0.75 / val 0.9 *\\n'
    """

    def __init__(
        self,
        *,
        interval: float = 1.0,
        prefix: str = "",
        stream: TextIO | None = None,
        metric: str = "val_loss",
    ):
        self.interval = interval
        self.metric = metric  # the monitor's: its new best is marked next to it
        self.prefix = prefix
        self.stream = stream
        self._sums: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._last_print = -float("inf")
        self._started = time.monotonic()
        self._printed_any = False
        self.pending: tuple[int, dict[str, float], bool] | None = None  # last unprinted line
        self.pending_step: str | None = None  # the last step line the rate limit held back
        # epoch_call(): the epoch of the last call, and the sums and counts of its calls
        self._call_epoch: int | None = None
        self._call_sums: dict[str, float] = {}
        self._call_counts: dict[str, int] = {}

    def _write(self, text: str) -> None:
        """Print one line; names in it that hold a newline or a control character (a metric
        called "acc\\n", an ANSI colour) are shown escaped, so each line stays one line."""
        stream = self.stream if self.stream is not None else sys.stdout
        print(one_line(self.prefix + text), file=stream, flush=True)

    def observe(self, values: dict[str, float]) -> None:
        """A log() call between epoch boundaries: remember it for the epoch's means."""
        sums, counts = self._sums, self._counts
        for name, v in values.items():
            sums[name] = sums.get(name, 0.0) + v
            counts[name] = counts.get(name, 0) + 1

    def progress(self, step: str, values: dict[str, float]) -> None:
        """A call that is not an epoch boundary, in a run with no validation metric so far:
        a ``step`` line at most once a second (never for the first second); the last one held
        back is printed by :meth:`flush`.

            >>> import io
            >>> out = io.StringIO()
            >>> p = TextPrinter(stream=out)
            >>> for step in (1, 2, 3): p.progress(str(step), {"loss": 1 / step})
            >>> out.getvalue()
            ''
            >>> p.flush(); out.getvalue()
            'step     3  loss 0.3333\\n'
        """
        self.observe(values)
        now = time.monotonic()
        line = "  ".join([message("monitor.text.step", step=step), *_metric_parts(values)])
        if now - max(self._last_print, self._started) >= max(self.interval, 1.0):
            self._last_print = now
            self._printed_step()
            self._write(line)
        else:
            self.pending_step = line
            _held.add(self)
            _hook_cell_end()

    def _printed_step(self) -> None:
        """A line was printed that says more than the held step line: forget that one."""
        self.pending_step = None
        if self.pending is None:
            _held.discard(self)

    def boundary(
        self, epoch: int, values: dict[str, float], *, best: bool, events: Iterable[Event]
    ) -> None:
        """An epoch ended: print its line now, or keep it for later if lines come too fast."""
        self.observe(values)
        self._printed_step()  # this epoch's line, printed or held, says more
        means = {n: self._sums[n] / self._counts[n] for n in self._sums}
        self._sums, self._counts = {}, {}
        events = list(events)
        if self.pending is not None and self.pending[0] == epoch:  # val_acc after val_loss
            means, best = {**self.pending[1], **means}, best or self.pending[2]
        now = time.monotonic()
        if events or not self._printed_any or now - self._last_print >= self.interval:
            self._last_print = now
            self._printed_any = True
            self.pending = None
            _held.discard(self)
            self._write(self.line(epoch, means, best=best))
            self.events(events)
        else:
            self.pending = (epoch, means, best)
            _held.add(self)
            _hook_cell_end()

    def epoch_call(
        self, epoch: int, values: dict[str, float], *, best: bool, events: Iterable[Event]
    ) -> None:
        """A call that is an epoch by itself (a run without validation that watches a training
        metric): its line, printed or held back as :meth:`boundary` does. More calls with the
        same epoch number join that epoch: its held-back line shows their means.

            >>> import io
            >>> out = io.StringIO()
            >>> p = TextPrinter(interval=60, stream=out)
            >>> for epoch in (1, 2, 3): p.epoch_call(epoch, {"loss": 1 / epoch}, best=True, events=[])
            >>> p.flush(); print(out.getvalue(), end="")
            epoch    1  loss 1 *
            epoch    3  loss 0.3333 *
        """
        if epoch != self._call_epoch:
            self._call_epoch, self._call_sums, self._call_counts = epoch, {}, {}
            self._call_sums.update(values)
            self._call_counts.update(dict.fromkeys(values, 1))
            self.boundary(epoch, values, best=best, events=events)
            return
        sums, counts = self._call_sums, self._call_counts
        for name, v in values.items():
            sums[name] = sums.get(name, 0.0) + v
            counts[name] = counts.get(name, 0) + 1
        if self.pending is not None and self.pending[0] == epoch:  # not printed yet
            means = {n: sums[n] / counts[n] for n in sums}
            self.pending = (epoch, {**self.pending[1], **means}, best or self.pending[2])
        self.events(events)

    def events(self, events: Iterable[Event]) -> None:
        """Print each event's ``!`` line, and the ``-> stop suggested`` line of a stopping one."""
        for event in events:
            self._write(message("monitor.text.event", message=event.message))
            if event.stop:
                self._write(
                    message("monitor.text.stop", detector=event.detector, epoch=event.epoch)
                )

    def flush(self) -> None:
        """Print the last epoch's line, or the last step line, if rate limiting held it back
        (once)."""
        _held.discard(self)
        _unhook_cell_end()
        if self.pending_step is not None:
            line, self.pending_step = self.pending_step, None
            self._write(line)
        if self.pending is not None:
            epoch, means, best = self.pending
            self.pending = None
            self._write(self.line(epoch, means, best=best))

    def line(self, epoch: int, values: dict[str, float], *, best: bool = False) -> str:
        """One epoch as text: training/validation pairs side by side, ``*`` marks a new best
        of :attr:`metric`, right after it (at the end of a line that does not show it).

            >>> p = TextPrinter(metric="val_acc")
            >>> p.line(2, {"loss": 0.5, "val_loss": 1.1, "val_acc": 0.8}, best=True)
            'epoch    2  loss 0.5 / val 1.1  val_acc 0.8 *'
            >>> p.line(2, {"val_acc": 0.8, "loss": 0.5, "val_loss": 1.1}, best=True)
            'epoch    2  val_acc 0.8 *  loss 0.5 / val 1.1'
        """
        parts = _metric_parts(values, self.metric if best else None)
        text = "  ".join([message("monitor.text.epoch", epoch=epoch), *parts])
        if best and self.metric not in values:
            text += message("monitor.text.best_mark")
        return text

    def write(self, text: str) -> None:
        """Print free lines (a summary), each kept one line as `_write` does."""
        for line in text.split("\n"):
            self._write(line)


def _metric_parts(values: dict[str, float], marked: str | None = None) -> list[str]:
    """The metrics of one line: training/validation pairs side by side, at the training one's
    place (``loss`` with ``val_loss``, ``valid_loss`` or ``val/loss``; ``train_loss`` too);
    the part that shows ``marked`` ends with the new-best mark.

    >>> _metric_parts({"train/loss": 0.5, "val/loss": 0.6, "valid_acc": 0.9}, "val/loss")
    ['train/loss 0.5 / val 0.6 *', 'valid_acc 0.9']
    """
    paired: dict[str, str] = {}  # training metric -> its validation metric
    for name in values:
        twin = train_twin(name, values)
        if twin is not None:
            paired.setdefault(twin, name)
    shown_with_twin = set(paired.values())
    parts = []
    for name, v in values.items():
        if name in shown_with_twin:
            continue
        val = paired.get(name)
        if val is None:
            part = message("monitor.text.metric", name=name, value=v)
        else:
            part = message("monitor.text.pair", name=name, train=v, val=values[val])
        if marked is not None and marked in (name, val):
            part += message("monitor.text.best_mark")
        parts.append(part)
    return parts


def count(noun: str, n: int) -> str:
    """``1 epoch`` / ``3 epochs`` (Polish: 1 epoka, 3 epoki, 5 epok; 1 zdarzenie, 3 zdarzenia).

    >>> count("epoch", 1), count("event", 0), count("event", 22)
    ('1 epoch', '0 events', '22 events')
    """
    return message(f"monitor.count.{noun}.{plural_form(n)}", n=n)
