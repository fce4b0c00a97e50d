"""The text "view" of a monitor: one compact line per epoch, for a plain script or a terminal.

Lines are printed at epoch boundaries (a log() call with a validation metric: ``val_loss``,
``valid_loss``, ``val/loss``, ...), at most one per ``interval`` seconds, except that the first
epoch and any epoch with an event are always printed. A run that watches a training metric
(``Monitor(metric="loss")``: no validation set) has no such boundary: until it validates, each
``log()`` call is an epoch (its ``epoch=`` number, if given) and gets its line the same way;
several calls with one ``epoch=`` number make one line. Otherwise, until a run logs its first
validation metric, each call's ``step`` line (``epoch`` with ``epoch=``) is chosen the same way
and waits a second for a validation that would make the calls batches (see `_early_lines`).
Training metrics logged per batch are shown as their mean over the epoch. A loop that logs
metrics after its validation, at the same step or ``epoch=`` (the training loss of a loop that
validates first, a learning rate), has them in that epoch's line: from the first such call on,
each line waits for them and is printed when the loop reads ``should_stop`` or ``events``, or
when the next epoch starts.
A line held back (an epoch's, or those of a run that has not validated, so a short run that
never validates still shows its first and last) is printed by ``Monitor.close()``, at the end
of the cell in IPython or Jupyter, or when the interpreter exits (see `_held`); an epoch's
also when the loop is clearly over (see `_text_lines`).

    >>> p = TextPrinter(interval=0.0)
    >>> p.line(3, {"loss": 0.25, "val_loss": 0.3, "acc": 0.9, "val_acc": 0.85}, best=True)
    'epoch    3  loss 0.25 / val 0.3 *  acc 0.9 / val 0.85'

``*`` marks a new best of the metric the monitor watches (``metric``), next to it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import TextIO

from nngraph._oneline import one_line
from nngraph.i18n import message
from nngraph.monitor._common import Event, fmt_step
from nngraph.monitor._early_lines import EarlyLines
from nngraph.monitor._held import hold, release
from nngraph.monitor._names import train_twin
from nngraph.monitor._text_parts import count, metric_parts

__all__ = ["TextPrinter", "count"]


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
        self._sums_epoch: int | None = None  # the `epoch=` the values in `_sums` were logged with
        self._counts: dict[str, int] = {}
        self._last_print = -float("inf")
        self._printed_any = False
        self.pending: tuple[int, dict[str, float], bool] | None = None  # last unprinted line
        # the lines of the calls before the first validation: steps or epochs, not known yet
        self._early = EarlyLines(self._early_text, started=time.monotonic())
        # epoch_call(): the epoch of the last call, and the sums and counts of its calls
        self._call_epoch: int | None = None
        self._call_sums: dict[str, float] = {}
        self._call_counts: dict[str, int] = {}
        # values logged for an epoch after its validation (a loop that validates first): its
        # line waits for them, and is printed when a later epoch starts
        self._late = False
        self._line_epoch: int | None = None  # the epoch of the last boundary's line
        self._line_step: float | None = None  # and the step it was logged at
        self._late_base: tuple[int, dict[str, float], bool] | None = None  # that line, as made
        self._late_sums: dict[str, float] = {}
        self._late_counts: dict[str, int] = {}
        self._late_events: list[Event] = []  # the waiting line's events, printed after it

    def _write(self, text: str) -> None:
        """Print one line; names in it that hold a newline or a control character (a metric
        called "acc\\n", an ANSI colour) are shown escaped, so each line stays one line."""
        stream = self.stream if self.stream is not None else sys.stdout
        print(one_line(self.prefix + text), file=stream, flush=True)

    def observe(
        self, values: dict[str, float], *, step: float | None = None, epoch: int | None = None
    ) -> None:
        """A log() call between epoch boundaries: remember it for the epoch's means. Values
        logged after their epoch's validation (at its `step`, or with its `epoch=` number)
        join that epoch's line, which then waits for them.

            >>> import io
            >>> out = io.StringIO()
            >>> p = TextPrinter(interval=0.0, stream=out)
            >>> for epoch in (1, 2, 3):  # validation first, then training
            ...     p.boundary(epoch, {"val_loss": 1 / epoch}, best=True, events=[], step=epoch)
            ...     p.observe({"loss": 0.9 / epoch}, step=epoch)
            >>> p.flush(); print(out.getvalue(), end="")
            epoch    1  val_loss 1 *
            epoch    2  loss 0.45 / val 0.5 *
            epoch    3  loss 0.3 / val 0.3333 *
        """
        same_step = step is not None and step == self._line_step
        if same_step or (epoch is not None and epoch == self._line_epoch):
            values = self._add_late(values)
            if not values:
                return
        if self._late and (step is not None or epoch is not None):
            self._print_pending(limited=True)  # a later epoch started: that line is complete
        if epoch is not None:
            self._end_epoch_without_validation(epoch)
            self._sums_epoch = epoch
        sums, counts = self._sums, self._counts
        for name, v in values.items():
            sums[name] = sums.get(name, 0.0) + v
            counts[name] = counts.get(name, 0) + 1

    def progress(self, step: str, values: dict[str, float], *, epoch: int | None = None) -> None:
        """A call that is not an epoch boundary, in a run with no validation metric so far:
        its ``step`` line (its ``epoch`` line, with ``epoch=``) waits a second for a validation
        (see `_early_lines`); those still held are printed by :meth:`flush`.

            >>> import io
            >>> out = io.StringIO()
            >>> p = TextPrinter(stream=out)
            >>> for step in (1, 2, 3): p.progress(str(step), {"loss": 1 / step})
            >>> out.getvalue()
            ''
            >>> p.flush(); print(out.getvalue(), end="")
            step     1  loss 1
            step     3  loss 0.3333
        """
        self.observe(values, epoch=epoch)
        if epoch is None:
            key, label = "step " + step, message("monitor.text.step", step=step)
        else:
            key, label = f"epoch {epoch}", message("monitor.text.epoch", epoch=epoch)
        now = time.monotonic()
        lines = self._early.add(
            key, label, values, now, interval=self.interval, step_line=epoch is None
        )
        for line in lines:
            self._write(line)
        if self._early.waiting:
            hold(self)
        else:
            self._release_if_done()

    def _early_text(self, label: str, means: dict[str, float]) -> str:
        return "  ".join([label, *metric_parts(means)])

    def _release_if_done(self) -> None:
        """Nothing is held back any more: the end of the cell or script need not print."""
        if self.pending is None and not self._early.waiting:
            release(self)

    def boundary(
        self,
        epoch: int,
        values: dict[str, float],
        *,
        best: bool,
        events: Iterable[Event],
        step: float | None = None,
    ) -> None:
        """An epoch ended: print its line now, or keep it for later if lines come too fast."""
        now = time.monotonic()
        keys = [f"epoch {epoch}"] if step is None else [f"epoch {epoch}", "step " + fmt_step(step)]
        for line in self._early.drop(now, keys):  # calls before the first validation
            self._write(line)
        self._end_epoch_without_validation(epoch)
        self.observe(values)
        self._sums_epoch = None
        means = {n: self._sums[n] / self._counts[n] for n in self._sums}
        self._sums, self._counts = {}, {}
        events = list(events)
        held = self.pending
        # val_acc after val_loss joins its line; a second validation in one epoch number
        # (val_check_interval) is a line of its own: merged, it showed the later value with
        # the earlier one's new-best mark
        if held is not None and held[0] == epoch and held[1].keys().isdisjoint(means):
            means, best = {**held[1], **means}, best or held[2]
        elif self._late and held is not None:  # the previous epoch's, complete now
            self._print_pending(limited=True)
        if epoch != self._line_epoch:
            self._line_epoch, self._late_sums, self._late_counts = epoch, {}, {}
        self._line_step = step
        self._late_base = (epoch, means, best)
        if self._late:  # wait for this epoch's training values
            self.pending = (epoch, means, best)
            self._late_events += events
            hold(self)
            return
        if events or not self._printed_any or now - self._last_print >= self.interval:
            self._last_print = now
            self._printed_any = True
            self.pending = None
            self._release_if_done()
            self._write(self.line(epoch, means, best=best))
            self.events(events)
        else:
            self.pending = (epoch, means, best)
            hold(self)

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

    def _end_epoch_without_validation(self, epoch: int) -> None:
        """Values logged with another `epoch=` than `epoch`, and no validation since: their
        epoch ended without one (`check_val_every_n_epoch=2`). Its means are dropped, as a
        line the rate limit holds back is, so that the next line shows its own epoch's means
        (not those of two epochs); :meth:`flush` prints the epochs after the last validation.

            >>> import io
            >>> out = io.StringIO()
            >>> p = TextPrinter(interval=0.0, stream=out)
            >>> p.boundary(2, {"loss": 0.5, "val_loss": 0.6}, best=True, events=[])
            >>> p.observe({"loss": 0.4}, epoch=3)
            >>> p.observe({"loss": 0.3}, epoch=4)
            >>> p.boundary(4, {"val_loss": 0.5}, best=True, events=[])
            >>> p.observe({"loss": 0.2}, epoch=5)
            >>> p.flush(); print(out.getvalue(), end="")
            epoch    2  loss 0.5 / val 0.6 *
            epoch    4  loss 0.3 / val 0.5 *
            epoch    5  loss 0.2
        """
        if self._sums_epoch is not None and self._sums_epoch != epoch:
            self._sums, self._counts, self._sums_epoch = {}, {}, None

    def _add_late(self, values: dict[str, float]) -> dict[str, float]:
        """Values logged at the step (or `epoch=`) of the last validation line: those that
        line lacks (the training loss of a loop that validates first) join it, and from now on
        each line waits for them; the others (a global step counter's next batch, logged at
        the validation's step) are returned, for the next epoch."""
        base = self._late_base
        shown = base[1] if base is not None else {}
        later = {n: v for n, v in values.items() if n in shown}
        if len(later) == len(values) or base is None:
            return values
        self._late = True
        sums, counts = self._late_sums, self._late_counts
        for name, v in values.items():
            if name not in shown:
                sums[name] = sums.get(name, 0.0) + v
                counts[name] = counts.get(name, 0) + 1
        if self.pending is not None and self.pending[0] == base[0]:
            late = {n: sums[n] / counts[n] for n in sums}
            # a training metric goes before the validation one it pairs with, the rest after
            twins = {train_twin(n, {**shown, **late}) for n in shown}
            first = {n: v for n, v in late.items() if n in twins}
            self.pending = (base[0], {**first, **shown, **late}, base[2])
        return later

    def step_ended(self) -> None:
        """The loop read `should_stop` or `events`: a line waiting for values logged after
        its validation has them all now; printed, with its events, if the rate limit allows.
        So is the line of a slow call before any validation (see `_early_lines`)."""
        lines = self._early.step_ended()
        for line in lines:
            self._write(line)
        if lines:
            self._release_if_done()
        if self._late:
            self._print_pending(limited=True, keep=True)

    def _print_pending(self, *, limited: bool = False, keep: bool = False) -> None:
        """Print the line held back and its events. With `limited`, a line without events
        only if the rate limit allows it now, else it is dropped (or kept, with `keep`)."""
        if self.pending is None:
            return
        now = time.monotonic()
        quiet = not self._late_events and self._printed_any
        if limited and quiet and now - self._last_print < self.interval:
            if not keep:
                self.pending = None
            return
        epoch, means, best = self.pending
        self.pending, events, self._late_events = None, self._late_events, []
        self._release_if_done()
        self._last_print = now
        self._printed_any = True
        self._write(self.line(epoch, means, best=best))
        self.events(events)

    def events(self, events: Iterable[Event]) -> None:
        """Print each event's ``!`` line, and the ``-> stop suggested`` line of a stopping one;
        after the line of the epoch it belongs to, if that line was waiting."""
        events = list(events)
        if events and self._late:
            self._print_pending()
        for line in self._early.commit() if events else []:  # the line of the event's call
            self._write(line)
        for event in events:
            self._write(message("monitor.text.event", message=event.message))
            if event.stop:
                key = "monitor.text.stop_step" if event.unit == "step" else "monitor.text.stop"
                self._write(message(key, detector=event.detector, epoch=event.epoch))

    def waits_for_late(self) -> bool:
        """Whether the last epoch's line waits for the values logged after its validation (the
        training loss of a loop that validates first) and none has come yet: its row is open,
        the loop inside that epoch."""
        waiting = self.pending is not None and self.pending[0] == self._line_epoch
        return self._late and waiting and not self._late_sums

    def add_late_events(self, events: Iterable[Event]) -> None:
        """Events of the epoch whose line waits (see :meth:`waits_for_late`): printed after it."""
        self._late_events += events

    def print_held(self) -> None:
        """Print the epoch line the rate limit holds back, and its events, now (the loop is
        over), and the lines of a run that has not validated yet: a loop without validation
        (the lecture's first) read `best` or `summary()` after its last epoch, and its lines
        came after them, at the end of the script."""
        for line in self._early.flush():
            self._write(line)
        if self.pending is not None:
            self._print_pending()

    def flush(self) -> None:
        """Print the lines held back (once): the last epoch's, or those of a run that has not
        validated yet."""
        release(self)
        for line in self._early.flush():
            self._write(line)
        if self.pending is not None:
            self._print_pending()
        validated = self._line_epoch is not None
        if validated and self._sums and self._sums_epoch is not None:  # epochs after the last one
            means = {n: self._sums[n] / self._counts[n] for n in self._sums}
            epoch, self._sums, self._counts, self._sums_epoch = self._sums_epoch, {}, {}, None
            self._write(self.line(epoch, means))

    def line(self, epoch: int, values: dict[str, float], *, best: bool = False) -> str:
        """One epoch as text: training/validation pairs side by side, ``*`` marks a new best
        of :attr:`metric`, right after it (at the end of a line that does not show it).

            >>> p = TextPrinter(metric="val_acc")
            >>> p.line(2, {"loss": 0.5, "val_loss": 1.1, "val_acc": 0.8}, best=True)
            'epoch    2  loss 0.5 / val 1.1  val_acc 0.8 *'
            >>> p.line(2, {"val_acc": 0.8, "loss": 0.5, "val_loss": 1.1}, best=True)
            'epoch    2  val_acc 0.8 *  loss 0.5 / val 1.1'
        """
        parts = metric_parts(values, self.metric if best else None)
        text = "  ".join([message("monitor.text.epoch", epoch=epoch), *parts])
        if best and self.metric not in values:
            text += message("monitor.text.best_mark")
        return text

    def write(self, text: str) -> None:
        """Print free lines (a summary), each kept one line as `_write` does."""
        for line in text.split("\n"):
            self._write(line)
