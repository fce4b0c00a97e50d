"""The text lines of a run before its first validation, which may be epochs or batches.

Before a run validates, the monitor cannot tell an epoch from a batch: ``for epoch in
range(1, 6): mon.log(epoch, loss=...)`` (a run without a validation set) logs as the first
epoch's batches of a loop that validates at the end of each epoch do. So each call gets a
line, ``step    3  loss 0.5`` (with ``epoch=``, one line per epoch number, ``epoch    3``,
the mean of its calls), chosen as the lines of epochs are (the first, then at most one per
``print_interval`` seconds, every one with an event, and the last), and printed once a later
call comes :data:`WAIT` seconds after it, at once after an event, or by ``flush()``
(``Monitor.close()``, the end of the cell or of the script). A validation drops the lines
still waiting: they were the batches of the epoch it ends, whose line says more. A line is
complete only when a call at another step comes: the calls of a slow loop (:data:`WAIT`
seconds apart, so not the batches of a validated epoch) have theirs printed when the next
step begins, or when the loop reads ``should_stop`` (:meth:`EarlyLines.step_ended`), so that
a second call at the same step (``acc`` after ``loss``) is in it. Every line chosen is kept
until it is printed or dropped: at most the lines of the calls of the last :data:`WAIT`
seconds wait.

    >>> early = EarlyLines(lambda label, means: f"{label} {means['loss']}")
    >>> for step in (1, 2, 3):
    ...     early.add(f"step {step}", f"step {step}", {"loss": 1 / step}, 0.0, interval=0.0)
    []
    []
    []
    >>> early.flush()
    ['step 1 1.0', 'step 2 0.5', 'step 3 0.3333333333333333']
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

__all__ = ["WAIT", "EarlyLines"]

#: Seconds a line waits for a validation that would show its calls were batches.
WAIT = 1.0


@dataclass
class _Line:
    """The calls logged at one step, or with one ``epoch=`` number (``key``)."""

    key: str
    label: str  # "step    12", "epoch    3"
    started: float  # when its first call came
    chosen: bool  # printed unless a validation drops it: the first, or one per interval
    slow: bool = False  # a step line whose first call came WAIT seconds after the one before
    sums: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    printed: bool = False

    def add(self, values: Mapping[str, float]) -> None:
        for name, v in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + v
            self.counts[name] = self.counts.get(name, 0) + 1

    def means(self) -> dict[str, float]:
        return {name: self.sums[name] / self.counts[name] for name in self.sums}


class EarlyLines:
    """The lines of the calls before a run's first validation (see the module's docstring);
    each method returns the lines to print now, oldest first. ``render(label, means)`` makes
    a line's text; ``started``: when the run started (the first call may be slow too)."""

    def __init__(
        self, render: Callable[[str, dict[str, float]], str], started: float | None = None
    ) -> None:
        self._render = render
        self._waiting: list[_Line] = []  # lines chosen and complete, oldest first
        self._open: _Line | None = None  # the line of the last call, which more may join
        self._last_chosen: float | None = None  # when the last chosen line started
        self._last_call = started

    @property
    def waiting(self) -> bool:
        """Whether a line waits to be printed (or dropped)."""
        return bool(self._waiting) or (self._open is not None and not self._open.printed)

    def add(
        self,
        key: str,
        label: str,
        values: Mapping[str, float],
        now: float,
        *,
        interval: float,
        step_line: bool = True,
    ) -> list[str]:
        """A call at ``now`` (seconds): it joins the line of the call before when logged at the
        same ``key``, else starts one. A ``step_line`` (not an ``epoch=`` number, whose
        validation may still come) whose first call comes :data:`WAIT` seconds after the one
        before is ``slow``: :meth:`step_ended` prints it, since a validation after it would
        show that it was a slow batch, as its label says.
        """
        slow = self._last_call is not None and now - self._last_call >= WAIT
        self._last_call = now
        line = self._open
        if line is None or line.key != key:
            self._close_open()
            last = self._last_chosen
            chosen = last is None or now - last >= interval
            if chosen:
                self._last_chosen = now
            line = self._open = _Line(key, label, now, chosen, slow=slow and step_line)
        line.add(values)
        return self._due(now)

    def step_ended(self) -> list[str]:
        """The loop read ``should_stop``: the line of its last call is complete. Printed now
        with those waiting when it is ``slow`` (see :meth:`add`); a fast one still waits for a
        validation, as a batch's does."""
        line = self._open
        if line is None or line.printed or not (line.slow and line.chosen):
            return []
        return self.commit()

    def commit(self) -> list[str]:
        """The lines waiting and the last call's (an event was raised there: its epoch gets its
        line, before the event's)."""
        out = [self._text(line) for line in self._waiting]
        self._waiting = []
        line = self._open
        if line is not None and not line.printed:
            line.printed = True
            out.append(self._text(line))
        return out

    def drop(self, now: float, keys: Collection[str]) -> list[str]:
        """A validation came (logged at one of ``keys``): the lines that waited :data:`WAIT`
        seconds for it are printed, the others dropped (the batches of its epoch)."""
        if self._open is not None and self._open.key in keys:
            self._open = None  # the validation's own epoch: its line says more
        self._close_open()
        out = self._due(now)
        self._waiting = []
        return out

    def flush(self) -> list[str]:
        """Every line waiting, and the last call's: the run has ended, or the cell."""
        out = self.commit()
        self._open = None
        return out

    def _close_open(self) -> None:
        """The last line is complete: it waits if it was chosen, else the rate limit drops it."""
        line, self._open = self._open, None
        if line is None or line.printed or not line.chosen:
            return
        self._waiting.append(line)

    def _due(self, now: float) -> list[str]:
        """The waiting lines that started :data:`WAIT` seconds ago or more, taken out."""
        n = 0
        while n < len(self._waiting) and now - self._waiting[n].started >= WAIT:
            n += 1
        due, self._waiting = self._waiting[:n], self._waiting[n:]
        return [self._text(line) for line in due]

    def _text(self, line: _Line) -> str:
        return self._render(line.label, line.means())
