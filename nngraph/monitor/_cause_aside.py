"""What the monitor already knows of why training blew up: a
:class:`~nngraph.monitor.GradientWatch` given ``monitor=`` that found the gradients are not
reset between steps (a forgotten ``optimizer.zero_grad()``: each step applies the sum of all
the gradients so far) put that event in the monitor's story. A detector that then reads the
blow-up (unstable training, a divergence) advises a smaller learning rate, though the learning
rate may be fine: the same loop with ``zero_grad()`` trains well (sweep s45, a 20-64-5 MLP at
SGD 0.01). :func:`not_reset_first` puts the cause the watch found in front of its words.

So too for Patience's stop on a model that is not learning (sweep s47, M1): it suggests
``resume()``, as some networks sit on a plateau for a while, though the watch may have found
already what keeps this one from learning (dead ReLU units that do not recover on their own, a
gradient that vanishes, steps with no gradient, no ``optimizer.step()`` at all), or the
monitor itself that the weights never change (see :mod:`~nngraph.monitor._unchanged`). Then
that cause goes in front, and the sentences that suggest ``resume()`` or checking the loop are
left out (the watch's own message says what to check). A vanishing gradient in weights that
shrank to about zero is named as such (a weight decay far too strong, review s47 L3).

A run says the not-reset cause in full once: a later event it goes in front of (Patience's stop
after GL's event) refers back to the epoch that said it ("As said at epoch 16: ...").

    >>> from nngraph.monitor import Event
    >>> watch = Event(step=3, epoch=1, detector="GradientWatch", kind="gradient",
    ...               message_id="grad.not_reset", message="...", stop=False)
    >>> blow_up = Event(step=4, epoch=4, detector="Divergence(factor=100)", kind="divergence",
    ...                 message_id="divergence.factor", message="training is blowing up.")
    >>> said = not_reset_first(blow_up, [watch]).message
    >>> said.startswith("Before you change the learning rate: GradientWatch found at epoch 1")
    True
    >>> said.endswith("What the curves show: training is blowing up.")
    True
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable
from typing import Any

from nngraph.i18n import message, numeral
from nngraph.monitor._common import Event

__all__ = [
    "UNCHANGED",
    "WEIGHTS_STILL",
    "not_reset_first",
    "watch_cause_first",
    "weight_decay_aside",
]

#: The last part of the message ids (GL's, PQ's, UP's, the gap's, Patience's) whose words blame
#: a learning rate too high for training that became unstable, swings or diverged; Divergence's
#: own ids and every event of kind ``divergence`` are such too.
_BLAMES_STEPS = frozenset(
    {
        "stalled", "restarted", "warming_up", "rose_once", "jump", "oscillating", "unstable",
        "blown_up", "nonfinite", "train_nonfinite", "untold_nonfinite", "recovering",
        "diverged",
    }
)  # fmt: skip


#: Patience's message ids (the last part) for a model that is not learning, or learned little
_NOT_LEARNING = frozenset(
    {
        "never", "never_improved", "never_improved_delta", "never_improved_relative",
        "barely_moved", "barely_improved", "fire", "fire_delta", "fire_relative", "near_chance",
        "chance_blown",
    }
)  # fmt: skip

#: GradientWatch's findings that keep a model from learning, by the words that name them
_KEEPS_FROM_LEARNING = {
    "no_gradient": (
        "grad.dead", "grad.dead_many", "grad.dead_from_start", "grad.dead_from_start_many",
        "grad.zero", "grad.zero_many", "grad.zero_from_start", "grad.zero_from_start_many",
    ),
    "vanishing": (
        "grad.vanishing", "grad.vanishing_many", "grad.vanishing_below",
        "grad.vanishing_below_many", "grad.vanishing_fell", "grad.vanishing_fell_many",
    ),
    "empty_steps": (
        "grad.step_none", "grad.step_zero", "grad.closure_none", "grad.closure_zero",
        "grad.watch_none", "grad.watch_zero", "grad.step_unreached", "grad.watch_unreached",
    ),
    "flat_loss": ("grad.zero_flat", "grad.zero_flat_start"),
    "never_stepped": ("grad.never_stepped",),
    "not_reset": ("grad.not_reset",),
}  # fmt: skip
_CAUSE_OF = {mid: cause for cause, ids in _KEEPS_FROM_LEARNING.items() for mid in ids}
#: GradientWatch's findings that say why the weights do not change at all: the monitor's own
#: reading of that (see :mod:`~nngraph.monitor._unchanged`) is not said after one of them
WEIGHTS_STILL = frozenset(
    mid
    for cause in ("never_stepped", "empty_steps", "flat_loss")
    for mid in _KEEPS_FROM_LEARNING[cause]
)
#: the message id of the monitor's reading that the weights never changed
UNCHANGED = "unchanged.weights"

#: A weight decay above this is named by the weight-decay aside: 1e-4 to 1e-2 is usual, and at
#: those a learning rate that a schedule raises is the likelier cause of a steady rise (review
#: s47, M2: "try 1e-4" beside "try it 10 to 100 times smaller" for weight_decay=1).
STRONG_DECAY = 1e-2

#: a sentence of a message: it ends at a full stop followed by a capital letter
_SENTENCES = re.compile(r"(?<=\.)\s+(?=[A-ZĄĆĘŁŃÓŚŹŻ])")


#: the sentences of a not-learning stop that the watch's cause replaces: "call resume()", and
#: "check the learning rate, that zero_grad(), backward() and step() run in that order" (which
#: may contradict the watch's own words, sweep s47 M1: "neither the order ... is the cause")
_SUPERSEDED = re.compile(r"resume\(\)|backward\(\)")


def _not_learning(event: Event) -> bool:
    """Whether ``event`` is Patience's stop on a model that is not learning."""
    return event.message_id.rsplit(".", 1)[-1] in _NOT_LEARNING


def not_reset_first(event: Event, earlier: Iterable[Event]) -> Event:
    """``event`` with the GradientWatch finding that the gradients are not reset in front of
    its message, where ``earlier`` (the monitor's events so far) holds one from no later than
    ``event`` and ``event`` blames the learning rate for a blow-up (see :data:`_BLAMES_STEPS`);
    for a Patience stop on a model that is not learning, any finding that keeps it from
    learning (see :func:`watch_cause_first`); ``event`` itself otherwise."""
    earlier = list(earlier)
    if event.message_id.startswith("patience.") and _not_learning(event):
        return watch_cause_first(event, earlier)
    blames_steps = event.kind == "divergence" or event.message_id.startswith("divergence.")
    if not blames_steps and event.message_id.rsplit(".", 1)[-1] not in _BLAMES_STEPS:
        return event
    found = _watch_found(event, earlier, {"grad.not_reset"})
    if found is None:
        return event
    _, when = found
    if (again := _not_reset_again(event, event.message, when, earlier)) is not None:
        return again
    said = message("monitor.aside.not_reset_first", when=when, message=event.message)
    return dataclasses.replace(event, message=said)


def watch_cause_first(event: Event, earlier: Iterable[Event]) -> Event:
    """``event``, a Patience stop on a model that is not learning, with the first GradientWatch
    finding in ``earlier`` (no later than ``event``) that keeps a model from learning in front
    of its message, and its sentences that suggest ``resume()`` left out; ``event`` itself
    where it is another stop, or the watch found no such cause.

        >>> from nngraph.monitor import Event
        >>> dead = Event(step=3, epoch=3, detector="GradientWatch", kind="gradient",
        ...              message_id="grad.dead_from_start", message="...", stop=False)
        >>> stop = Event(step=21, epoch=21, detector="Patience(20)", kind="plateau",
        ...              message_id="patience.never_improved", stop=True,
        ...              message="Not learning. If the loop is right, call resume().")
        >>> print(watch_cause_first(stop, [dead]).message)  # doctest: +NORMALIZE_WHITESPACE
        Before you call resume() or change the learning rate: GradientWatch found at epoch 3
        that a layer gets no gradient at all, so its weights never change. More epochs help
        little while that lasts: fix it first (the watch's message says how). What the curves
        show: Not learning.
    """
    if not _not_learning(event):
        return event
    earlier = list(earlier)
    kept = " ".join(
        part for part in _SENTENCES.split(event.message) if not _SUPERSEDED.search(part)
    )
    found = _watch_found(event, earlier, _CAUSE_OF.keys())
    if found is None:  # the monitor's own reading: the weights never changed
        found = _watch_found(event, earlier, {UNCHANGED}, detector="Monitor")
        if found is None:
            return event
        said = message("monitor.aside.unchanged_first", when=found[1], message=kept)
        return dataclasses.replace(event, message=said)
    seen, when = found
    cause_key = _CAUSE_OF[seen.message_id]
    if cause_key == "vanishing" and seen.values.get("shrunk"):  # weights shrunk: weight decay
        cause_key = "shrunk"
    cause = message("monitor.aside.cause." + cause_key)
    again = (
        _not_reset_again(event, kept, when, earlier)
        if seen.message_id == "grad.not_reset"
        else None
    )
    if again is not None:
        return again
    said = message("monitor.aside.watch_cause_first", when=when, cause=cause, message=kept)
    return dataclasses.replace(event, message=said)


def _not_reset_again(event: Event, words: str, when: str, earlier: Iterable[Event]) -> Event | None:
    """``event`` with ``words`` as its message after a short reference back, where an event in
    ``earlier`` (no later than ``event``, in its unit) put the watch's finding that the
    gradients are not reset (found ``when``) in front of its own words already: one run says
    that cause in full once (review s47, L2: GL's event, then Patience's stop); None where
    none did."""
    cause = message("monitor.aside.cause.not_reset")
    told = (
        message("monitor.aside.not_reset_first", when=when, message="").rstrip(),
        message("monitor.aside.watch_cause_first", when=when, cause=cause, message="").rstrip(),
    )
    for seen in earlier:
        if (
            seen.detector != "GradientWatch"
            and seen.unit == event.unit
            and seen.epoch <= event.epoch
            and seen.message.startswith(told)
        ):
            key = "at_epoch" if seen.unit == "epoch" else "at_step"
            at = message("monitor.divergence." + key, epoch=seen.epoch, step=seen.epoch)
            said = message("monitor.aside.not_reset_again", when=at, message=words)
            return dataclasses.replace(event, message=said)
    return None


def weight_decay_aside(event: Event, optimizers: Iterable[Any]) -> Event:
    """``event`` with the largest weight decay of the ``optimizers`` (those the monitor's
    GradientWatches watch: see :class:`~nngraph.monitor._attached.AttachedWatches`) after its
    message, where it reads a training loss that rose steadily (its words end with
    ``monitor.trend.rose_steadily``: a weight decay too strong pulls it up smoothly) and that
    weight decay is above :data:`STRONG_DECAY`; ``event`` itself otherwise.

        >>> import torch
        >>> net = torch.nn.Linear(2, 1)
        >>> opt = torch.optim.SGD(net.parameters(), lr=0.1, weight_decay=1.0)
        >>> e = Event(step=22, epoch=22, detector="Patience(20)", kind="plateau",
        ...           message_id="patience.barely_improved", message="... rose steadily ...")
        >>> weight_decay_aside(e, [opt]).message  # not a rose_steadily reading: as it was
        '... rose steadily ...'
    """
    if message("monitor.trend.rose_steadily") not in event.message:  # Patience's, GL's
        return event
    decays = [
        float(group.get("weight_decay", 0.0) or 0.0)
        for optimizer in optimizers
        for group in getattr(optimizer, "param_groups", ())
    ]
    if not decays or max(decays) <= STRONG_DECAY:  # usual: then a schedule is likelier
        return event
    said = message("monitor.aside.weight_decay", value=numeral(f"{max(decays):g}"))
    return dataclasses.replace(event, message=f"{event.message} {said}")


def _watch_found(
    event: Event, earlier: Iterable[Event], ids: Collection[str], detector: str = "GradientWatch"
) -> tuple[Event, str] | None:
    """The first event of ``detector`` in ``earlier`` with one of the message ``ids``, counted
    in ``event``'s unit and no later than it, and when it came in words; None if none."""
    for seen in earlier:
        if (
            seen.detector == detector
            and seen.message_id in ids
            and seen.unit == event.unit
            and seen.epoch <= event.epoch
        ):
            at = "at_epoch" if seen.unit == "epoch" else "at_step"
            return seen, message("monitor.divergence." + at, epoch=seen.epoch, step=seen.epoch)
    return None
