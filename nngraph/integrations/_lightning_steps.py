"""Helpers of the Lightning callback: epoch means of training metrics that a LightningModule
logs per step only (:class:`StepMeans`), where the epoch stands after a validation
(:func:`mid_epoch`), which of Lightning's ``EarlyStopping`` callbacks stopped the fit
(:func:`stop_marks`, :func:`stopped_since`, :func:`early_stops`), the epoch running
(:func:`running_epoch`), epochs of unknown length (:func:`length_unknown`, spans said in
batches then: :func:`spans_in_batches`), training metrics
logged in ``LightningModule.on_train_epoch_end`` (:class:`LateMetrics`), the events the
callback tells (:func:`note`) and a continued run's live view shown again (:func:`show_again`).

``self.log("train_loss", loss)`` in ``training_step`` is Lightning's default there:
``on_step=True, on_epoch=False``. ``trainer.callback_metrics["train_loss"]`` then holds the last
batch's value at the end of the epoch, not the epoch's. :class:`StepMeans` reads
``trainer.callback_metrics`` after every training batch (public API only) and, at the epoch's
end, gives the mean over the epoch's batches for each key that was logged per step only.

A key is taken as logged per step only when its value at the epoch's end is the one it had
after the last batch: a metric logged with ``on_epoch=True`` gets its epoch value then (one
logged with ``on_step=True`` too has a ``_step`` twin and is skipped at once). Where an
epoch-only metric's new value happens to equal its old one, the values seen after each batch
were all that old value, so their mean is that value too.

    >>> from types import SimpleNamespace
    >>> means, trainer = StepMeans(), SimpleNamespace(callback_metrics={})
    >>> for loss in (0.75, 0.5, 0.25):  # self.log("train_loss", loss): per step only
    ...     trainer.callback_metrics = {"train_loss": loss, "val_loss": 1.0}
    ...     means.batch_ended(trainer, skip={"val_loss"})
    >>> means.epoch_means(trainer.callback_metrics)
    {'train_loss': 0.5}
"""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Mapping
from typing import Any

from nngraph.i18n import message
from nngraph.monitor import _display
from nngraph.monitor._common import Event, is_tensor
from nngraph.monitor._names import is_validation
from nngraph.monitor.detectors import Detector

__all__ = [
    "LateMetrics",
    "StepMeans",
    "early_stops",
    "length_unknown",
    "mid_epoch",
    "note",
    "running_epoch",
    "show_again",
    "spans_in_batches",
    "stop_marks",
    "stopped_since",
]

_SUFFIXES = ("_step", "_epoch")


class StepMeans:
    """The sums, counts and last values of the training metrics seen after each batch of the
    current epoch (tensors are summed where they are: no device sync per batch)."""

    def __init__(self) -> None:
        self._seen: dict[str, list[Any]] = {}  # key -> [sum, count, last value]

    def reset(self) -> None:
        """A new epoch starts."""
        self._seen = {}

    def batch_ended(self, trainer: Any, skip: Container[str] = ()) -> None:
        """Note the values in ``trainer.callback_metrics`` after a training batch (``skip``:
        keys that are not training metrics, e.g. the last validation's)."""
        found = trainer.callback_metrics
        for key, value in found.items():
            if key in skip or key.endswith(_SUFFIXES) or key + "_step" in found:
                continue  # a per-step twin: the key itself is the epoch's value
            if is_tensor(value):
                if value.numel() != 1:
                    continue
                value = value.detach()
            elif not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            seen = self._seen.get(key)
            if seen is None:
                self._seen[key] = [value, 1, value]
            else:
                seen[0], seen[1], seen[2] = seen[0] + value, seen[1] + 1, value

    def epoch_means(self, found: Mapping[str, Any]) -> dict[str, Any]:
        """The epoch's mean of each key of ``found`` (``trainer.callback_metrics`` at the
        epoch's end) that was logged per step only."""
        means = {}
        for key, (total, count, last) in self._seen.items():
            if key in found and count > 1 and _same(found[key], last):
                means[key] = total / count
        return means


def _same(a: Any, b: Any) -> bool:
    """Whether two scalar values (tensors or numbers) are the same value, NaN included."""
    if a is b:
        return True
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError, RuntimeError):
        return False
    return x == y or (math.isnan(x) and math.isnan(y))


#: one metric as the callback reads it: (Lightning's key, the monitor's name, value)
Found = tuple[str, str, Any]


class LateMetrics:
    """Training metrics logged after the callback has read the epoch: in
    ``LightningModule.on_train_epoch_end`` (the usual place for a mean over the epoch's
    outputs), which Lightning calls after every callback's ``on_train_epoch_end`` except its
    own ``EarlyStopping`` and ``ModelCheckpoint``. They are read when the next epoch starts
    (or when training ends), where they are new or changed since the epoch's end (no batch ran
    in between), and belong to the epoch that ended.

        >>> late = LateMetrics()
        >>> late.epoch_ended(1.0, [("val_loss", "val_loss", 0.7)])  # train_loss not logged yet
        [('val_loss', 'val_loss', 0.7)]
        >>> late.take([("train_loss", "loss", 0.6), ("val_loss", "val_loss", 0.7)])
        (1.0, [('train_loss', 'loss', 0.6)])
        >>> late.epoch_ended(2.0, [("train_loss", "loss", 0.6), ("val_loss", "val_loss", 0.65)])
        [('val_loss', 'val_loss', 0.65)]
    """

    def __init__(self) -> None:
        self.keys: set[str] = set()  # Lightning's keys seen to come late
        self._step: float | None = None  # the step of the epoch that ended
        self._seen: dict[str, Any] = {}  # the training values read at its end

    def epoch_ended(self, step: float, found: list[Found]) -> list[Found]:
        """At the epoch's end (``step``): ``found`` (as read from ``callback_metrics``) without
        the keys known to come late, whose values are still the last epoch's."""
        self._step = step
        self._seen = {key: value for key, name, value in found if not is_validation(name)}
        return [item for item in found if item[0] not in self.keys]

    def take(self, found: list[Found]) -> tuple[float, list[Found]] | None:
        """After the module's hook: the step of the epoch that ended and its training metrics
        in ``found`` logged since :meth:`epoch_ended`; ``None`` if no epoch is waiting."""
        step, self._step = self._step, None
        if step is None:
            return None
        late = []
        for key, name, value in found:
            if is_validation(name):
                continue
            if key in self.keys or key not in self._seen or not _same(self._seen[key], value):
                self.keys.add(key)
                late.append((key, name, value))
        return step, late


def mid_epoch(trainer: Any) -> bool:
    """Whether the training epoch goes on after the validation that just ended (then it is
    logged at once, and a stop it asks for ends the epoch before another batch). When
    Lightning's loop cannot say, the validation is logged before the next training batch, or
    with the epoch's training metrics if none comes."""
    try:
        done = trainer.fit_loop.epoch_loop.done
    except Exception:  # another Lightning version: the safe way round
        return False
    return done is False


EARLY_STOPPED = "monitor.lightning.early_stopped"  # the message of a stop by EarlyStopping
#: what an ``EarlyStopping`` callback says of its last stop (public attributes; the last two
#: only since Lightning 2.5)
_STOP_STATE = ("stopped_epoch", "stopping_reason", "stopping_reason_message")


def stop_marks(callbacks: Iterable[Any]) -> list[tuple[Any, tuple[Any, ...]]]:
    """Each ``EarlyStopping`` callback with what it says of its last stop, taken when training
    starts: it keeps an earlier fit's stop, so only a stop assigned since tells one in this
    fit (see :func:`stopped_since`)."""
    return [(cb, tuple(getattr(cb, name, None) for name in _STOP_STATE)) for cb in callbacks]


def stopped_since(marks: list[tuple[Any, tuple[Any, ...]]]) -> list[Any]:
    """The callbacks of ``marks`` (see :func:`stop_marks`) that stopped training since. Their
    values are compared by identity: a stop assigns a new message text, also where it reads as
    the earlier fit's (the same stop again: one ``EarlyStopping`` made in an earlier cell).

    >>> from types import SimpleNamespace
    >>> es = SimpleNamespace(stopped_epoch=0, stopping_reason_message=None)
    >>> marks = stop_marks([es]); es.stopped_epoch = 4
    >>> stopped_since(marks) == [es]
    True
    >>> es.stopping_reason_message = "".join(["threshold ", "reached"])
    >>> marks = stop_marks([es]); es.stopping_reason_message = "".join(["threshold ", "reached"])
    >>> stopped_since(marks) == [es]  # the same words, said again by a stop in this fit
    True
    """
    now = stop_marks(cb for cb, _ in marks)
    return [
        cb
        for (cb, before), (_, after) in zip(marks, now, strict=True)
        if any(old is not new for old, new in zip(before, after, strict=True))
    ]


def early_stops(
    marks: list[tuple[Any, tuple[Any, ...]]], offset: int, at: int | None = None
) -> list[Event]:
    """An event for each ``EarlyStopping`` of ``marks`` that stopped training since they were
    taken, at the monitor's epoch (the trainer's, counted from 0 as Lightning does, plus
    ``offset``; ``at``: that of every stop, where the monitor counts batches)."""
    return [
        note(
            offset + es.stopped_epoch if at is None else at,
            EARLY_STOPPED,
            "EarlyStopping",
            metric=es.monitor,
        )
        for es in stopped_since(marks)
    ]


def running_epoch(trainer: Any) -> int:
    """Lightning's number of the epoch running now, as its progress bar shows it (the last one
    once every epoch has ended); ``trainer.current_epoch`` counts the epochs ended."""
    try:
        started = trainer.fit_loop.epoch_progress.current.ready  # epochs begun, this one too
    except AttributeError:  # another Lightning version
        return int(trainer.current_epoch)
    return max(int(started) - 1, 0)


def length_unknown(trainer: Any) -> bool:
    """Whether Lightning validates in the middle of training epochs whose length it does not
    know (an ``IterableDataset`` without ``__len__``, with ``val_check_interval`` in batches or
    in time): a validation then has no fraction of its epoch."""
    total = getattr(trainer, "num_training_batches", 1)
    every = getattr(trainer, "val_check_batch", math.inf)  # None: by time
    return math.isinf(total) and (every is None or not math.isinf(every))


def spans_in_batches(monitor: Any, by_batches: bool) -> None:
    """Have ``monitor``'s detectors say a span between two of its points in training batches
    ("has not improved for 20 batches") where the fit numbers those points by batches (see
    :func:`length_unknown`), in epochs otherwise: its numbers count what the fit counts.

        >>> from nngraph.monitor import Monitor, detectors
        >>> mon = Monitor(detectors=[detectors.Patience(1)], display=False)
        >>> spans_in_batches(mon, True)
        >>> mon.log(epoch=10, val_loss=0.5); mon.log(epoch=20, val_loss=0.6)
        >>> print(mon.events[0].message)  # doctest: +ELLIPSIS
        validation loss has not improved for 10 batches (best 0.5 at epoch 10): ...
    """
    for det in monitor.detectors:
        if isinstance(det, Detector):  # not a class appended by mistake: refused by log()
            det._by_batches = by_batches


def note(epoch: int, message_id: str, detector: str = "NNGraphCallback", **fields: Any) -> Event:
    """An event of the callback for the monitor's story, at ``epoch`` (the monitor's); one by
    Lightning's ``EarlyStopping`` (``detector``) is a stop.

    >>> str(note(3, EARLY_STOPPED, "EarlyStopping", metric="val_loss"))
    "epoch 3: Lightning's EarlyStopping (watching val_loss) stopped training at epoch 3"
    """
    stop = detector == "EarlyStopping"
    return Event(
        step=float(epoch),
        epoch=epoch,
        detector=detector,
        kind="stop" if stop else "note",
        message_id=message_id,
        message=message(message_id, epoch=epoch, **fields),
        stop=stop,
        values=fields,
    )


def show_again(monitor: Any) -> None:
    """Show ``monitor``'s live view again below the cell running now, in a notebook: a second
    ``fit`` goes on with the first one's monitor, whose view was in the output of the cell that
    ran the first ``fit``, which running that cell again has cleared. One view per monitor (see
    :func:`~nngraph.monitor._display.show_view`); a monitor printing text lines (no view)
    prints them in the running cell anyway.

        >>> show_again(None)  # not in a notebook: nothing
    """
    if monitor is not None and monitor.view is not None:
        _display.show_view(monitor)
