"""When a monitor printing text lines (in a script) prints the epoch line it holds back.

The rate limit (one line a second) holds the latest epoch's line back until a later one may be
printed; the last epoch's is printed by ``close()``, at the end of the cell in IPython, or at
exit (see `_held`: also that of a monitor made inside a function and collected since). A
script that does neither would see it late, after its own prints. So it is also printed

- by ``restore_best()``, which comes after the loop;
- when ``best``, ``events``, ``history()``, ``records()``, ``to_csv()``, ``summary()`` or
  ``repr(mon)`` is read, unless the run has already read one of them before a later ``log()``
  call: a loop that reads ``mon.best`` every epoch keeps its pace of one line a second, and
  its last line comes with ``restore_best()``, ``close()`` or the end. A read while the
  line still waits for the training values of a loop that validates first (the row is open:
  ``mon.best`` read between its ``val_loss`` and its ``loss``) is inside the loop: it
  prints nothing and does not say the loop is over.

Before it is printed, the detectors judge an epoch they hold back for its training value (a
loop that validates first, then a last validation after it): its events follow its line
(with it, once it is printed, where the row is open). A result that tells the events
(``events``, ``summary()``, ``repr``) has them judged in any case.

    >>> import nngraph as ng
    >>> def train():
    ...     mon = ng.Monitor(display="text", print_interval=60, detectors=[], name="a")
    ...     for epoch in range(1, 4):
    ...         mon.log(epoch, loss=1 / epoch, val_loss=1 / epoch)
    ...     return mon.best.epoch
    >>> print("best epoch", train())
    [a] epoch    1  loss 1 / val 1 *
    [a] epoch    3  loss 0.3333 / val 0.3333 *
    best epoch 3
"""

from __future__ import annotations

from collections.abc import Callable

from nngraph.monitor._common import Event
from nngraph.monitor._text import TextPrinter

__all__ = ["TextLines"]


class TextLines:
    """The text-lines part of :class:`~nngraph.monitor.Monitor`: its printer (None for a
    live view or a silent monitor) and when its held-back line is printed (see the module's
    docstring). The monitor calls :meth:`_logging` at each ``log()``, :meth:`_results_read`
    where a result is read and :meth:`_loop_over` from ``restore_best()``."""

    name: str | None
    _printer: TextPrinter | None = None
    _read_since_log = False  # a result was read after the last log() call
    _read_in_loop = False  # and a log() call came after such a read
    #: the detectors judge the epochs they hold back (see DetectorFeeding)
    _judge_for_reading: Callable[[], list[Event]]

    def _init_text(self, interval: float | None) -> None:
        """A printer with ``interval`` seconds between lines; None: no text lines."""
        if interval is not None:
            prefix = f"[{self.name}] " if self.name else ""
            self._printer = TextPrinter(interval=interval, prefix=prefix)

    def _logging(self) -> None:
        """A ``log()`` call: a result read since the last one was read inside the loop."""
        if self._read_since_log:
            self._read_in_loop = True

    def _results_read(self, *, tells_events: bool = False) -> None:
        """A result is read (see the module's docstring; ``tells_events``: one that tells the
        events): the loop may be over, unless it reads them itself. Then, or for a result that
        tells the events, an epoch the detectors hold back is judged first. A read while the
        row is open (see the module's docstring) prints nothing: the events of that judgement
        wait to follow the line."""
        if self._printer is not None and self._printer.waits_for_late():
            if tells_events or not self._read_in_loop:
                self._printer.add_late_events(self._judge_for_reading())
            return
        self._read_since_log = True
        over = not self._read_in_loop
        if over or tells_events:
            self._judge_and_print(held_line=over)

    def _loop_over(self) -> None:
        """The loop is over (``restore_best()``): :meth:`_judge_and_print`."""
        self._judge_and_print(held_line=True)

    def _judge_and_print(self, *, held_line: bool) -> None:
        """The detectors judge the epochs they hold back; then the epoch line held back by the
        rate limit is printed (``held_line``), before anything else is said, and the events
        of that judgement after it."""
        events = self._judge_for_reading()
        if self._printer is not None:
            if held_line:
                self._printer.print_held()
            self._printer.events(events)
