"""Overfitting and divergence detectors, each usable alone or inside :class:`~nngraph.Monitor`.

Every detector is fed the same way as ``Monitor.log``: ``det.update(step, **metrics)``. It returns
an :class:`Event` (with a plain-language ``message``) the first time its condition becomes true,
and again only after the condition has been false in between (``GL``: and at a new high, see
:class:`GL`; ``Divergence``: back to normal for 10 epochs, see :class:`Divergence`);
``det.events`` keeps the first 10,000, as the monitor does. It watches ``val_loss`` unless told
another ``metric=``; detectors that also need the training error (``PQ`` and ``Gap``; ``GL`` and
``UP`` for their explanations) read the training twin of the metric (``val_loss`` -> ``loss``;
``valid_loss``, ``validation_loss`` or ``val/loss`` -> ``loss``, ``train_loss`` or
``train/loss``, whichever is logged; a held-out loss by another name too: HuggingFace's
``eval_loss``, ``test_loss``, ``dev_loss``, ``Val_Loss``, ``val-loss``), or the one named by
``train_metric=``.

Epochs are counted per evaluation: epoch ``t`` is the ``t``-th call in which the watched metric
was logged (the first is epoch 1). Calls that log only training metrics (per-batch logging) do
not advance a validation-based detector; their training values are averaged into the training
error of the next evaluation, with the training value of the evaluation's own call, if it
logs one (the last batch's: the mean is the epoch's, as its text line shows; in a
:class:`~nngraph.Monitor` given ``epoch=`` numbers, only those of the evaluation's own epoch:
validating every 5 epochs, epoch 10's training loss is epoch 10's mean). A training value
logged just after an evaluation at the same step, in a call of its own (validation logged
first: the same row of the monitor's ``records()``), is that evaluation's, so both orders give
the same events: a detector that reads the training twin (``GL``, ``PQ``, ``UP``, ``Gap``, and
``Patience`` for its explanations) notices this order at the first such epoch and from then
on waits for the training value before it judges an epoch. Its event, and ``Monitor.should_stop``, then come at the call that logs the training
value, one call after the validation; an epoch whose training value never comes is judged at
the next call that starts another row, at ``close()``, or when ``Monitor.should_stop`` or
``Monitor.events`` is read: reading the outcome ends the step, so a loop that logs validation
at the step its next batch reuses (a global step counter) stops at the epoch that fired, and a
loop that logs validation before its epoch's last batch reads ``should_stop`` after that batch.
(That first such epoch is judged at
once and again with the training value, and an event raised at once stays raised; it is
usually the first epoch, where GL and PQ cannot fire.)
Inside a :class:`~nngraph.Monitor` the decisions still count evaluations, but the explanations
and ``event.epoch`` use the monitor's epoch numbers (its ``epoch=`` numbers, or its own count),
so a detector whose metric is logged every 5 epochs says "best at epoch 10", "for 10 epochs".

The stopping criteria of Prechelt, "Early Stopping - But When?" (1998), exactly as published:

- ``GL(alpha)``: generalization loss ``GL(t) = 100 * (E_va(t) / E_opt(t) - 1)``, with
  ``E_opt(t)`` the lowest validation error up to epoch ``t``; fires when ``GL(t) > alpha``.
- ``PQ(alpha, k)``: at the end of each training strip of ``k`` epochs (``t`` a multiple of ``k``)
  the training progress is ``P_k(t) = 1000 * (sum(E_tr over the strip) / (k * min(E_tr over the
  strip)) - 1)``; fires when ``GL(t) / P_k(t) > alpha``. A partial strip at the end of a run is
  never evaluated. ``k`` is at least 2: over one epoch ``P_1`` is always 0.
- ``UP(s, k)``: fires at the end of a strip when the validation error rose at the end of ``s``
  successive strips (``E_va(t) > E_va(t - k)``, ``s`` times in a row).

Their explanations, and ``Gap``'s, speak of overfitting while the training loss falls and is
clearly (5%) below the best validation loss, or stays flat at most half of it (memorised): its
mean over the last 3 epochs compared with its mean over the 3 up to the best epoch, so one noisy
value does not decide. A training loss clearly higher than then (by more than 5% of it and 1% of
the best validation loss; one value after the best, by more than 8.7%, and a smaller rise of
one value is too soon to tell; ``Gap``: any rise) is unstable training, and the text suggests a
smaller learning rate; so is, for ``GL``, ``PQ`` and ``UP``, a rise after the training loss blew
up past 10 times its first value (and past the lowest validation loss before it), however far it
has fallen since, until the run has come back (3 training values in a row back near their level
before it, and the validation value within 10 times its lowest before it: see
:mod:`~nngraph.monitor._blowup`); one that has stopped falling
(3 evaluations after the best at least, no fall beyond its own noise, and far slower than its
pace before) closer to the validation loss is a
plateau (the model seems to have stopped learning); anything else (too soon to tell, a training loss still above the validation loss)
gets a neutral reading with the numbers; when they fire does not change.

Prechelt defines them on errors: ``GL``, ``PQ`` and ``UP`` refuse a higher-is-better metric (one
that ``mode="auto"`` maximises, such as ``val_acc``) with an ``NNGraphError``; watch it with
``Patience(metric="val_acc", mode="max")`` instead, or give them a loss.

And the ones practitioners use: ``Patience`` (Keras ``EarlyStopping``), ``Divergence`` (NaN, Inf
or an exploding loss) and ``Gap`` (validation far from training: high variance).

An event's ``message`` is the catalog text ``monitor.<message_id>`` (``nngraph/i18n/en.py`` and
``pl.py``), in the language set by ``ng.set_language`` when the event is raised.

    >>> from nngraph.monitor.detectors import GL
    >>> gl = GL(5)
    >>> for epoch, (tr, va) in enumerate([(1.0, 1.0), (0.8, 0.9), (0.6, 0.95)], start=1):
    ...     event = gl.update(epoch, loss=tr, val_loss=va)
    >>> print(event.message)  # doctest: +ELLIPSIS
    validation loss is 5.6% above its best (0.9 at epoch 2) while training loss is still falling ...
"""

import copy
import sys
from collections.abc import Iterable

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import Event
from nngraph.monitor._detector import Detector
from nngraph.monitor._gap import Gap
from nngraph.monitor._names import LOSS_NAMES, Mode, is_metric_name, resolve_mode
from nngraph.monitor._practical import MODE_SAID_ELSEWHERE, Divergence, Patience
from nngraph.monitor._prechelt import GL, generalization_loss, training_progress
from nngraph.monitor._strips import PQ, UP

__all__ = [
    "GL",
    "PQ",
    "UP",
    "Detector",
    "Divergence",
    "Event",
    "Gap",
    "Patience",
    "classroom",
    "generalization_loss",
    "training_progress",
]


def classroom(metric: str = "val_loss", mode: Mode = "auto", patience: int = 20) -> list[Detector]:
    """The default set used by ``Monitor(detectors=None)``, chosen for a classroom. It watches
    the monitor's ``metric`` (``Monitor(metric="val_acc")`` gets detectors on ``val_acc``).

    For a loss or an error (lower is better, as ``mode="auto"`` reads the name):

    - ``Divergence(factor=100)``: stop at the first NaN/Inf loss, or at a loss 100 times the
      size of its first nonzero value (a learning rate far too high blows the loss up to 1e13 long before it
      overflows); nothing useful happens after it, and the message says what to try (smaller
      learning rate). A loss that keeps bouncing over the line and back is said once, not at
      every crossing (see :class:`Divergence`). It watches every name of the loss the Monitor
      recognises (``loss``, ``train_loss``, ``train/loss``, ``val_loss``, ``valid_loss``,
      ``val/loss``, ...), and ``metric`` too when that is another name.
    - ``GL(5, stop=False)``: the lecture's signal, as a warning: validation loss 5% above its best
      while training loss keeps falling (or stays flat) "may be the start of memorising, or noise in a small
      validation set: watch whether it keeps rising". It does not stop training, because a
      small, noisy validation set (Iris: 30 points) often dips again.
    - ``Patience(20)``: the stop. Robust on noisy curves, explained in one sentence, and paired
      with ``restore_best`` a late stop costs only time, never the best model. A long run that
      improves slowly needs more: ``classroom(patience=100)``.

    For a higher-is-better metric (``val_acc``, ``val_f1``, ... or ``mode="max"``):
    ``Divergence(factor=100)`` on the losses, and ``Patience(20, mode="max")`` on the metric as
    the stop.
    There is no ``GL``: Prechelt defines it on errors, and it refuses an accuracy.

    Not in the default set: ``Gap``, because a wide gap appears long before validation loss turns
    (training loss heads to zero while validation loss is still falling), and a warning then
    would tell a student to stop a run that is still improving; and Prechelt's ``PQ`` and ``UP``,
    which need a strip length and are best compared side by side in a lesson on stopping rules.

        >>> import nngraph as ng
        >>> [d.name for d in ng.detectors.classroom()]
        ['Divergence(factor=100)', 'GL(5)', 'Patience(20)']
        >>> [d.name for d in ng.detectors.classroom("val_acc")]
        ['Divergence(factor=100)', "Patience(20, mode='max', metric='val_acc')"]
        >>> ng.detectors.classroom(patience=100)[-1].name
        'Patience(100)'
    """
    if not is_metric_name(metric):
        raise NNGraphError(message("monitor.error.metric_name", value=metric))
    mode = resolve_mode(mode, metric)
    if mode == "max" or resolve_mode("auto", metric) == "max":
        return [Divergence(), _patience(patience, mode, metric)]
    watched = tuple(dict.fromkeys((*LOSS_NAMES, metric)))
    return [
        Divergence(metrics=watched),
        GL(5.0, metric=metric, stop=False),
        _patience(patience, mode, metric),
    ]


def _patience(patience: int, mode: Mode, metric: str) -> Patience:
    """`classroom()`'s Patience, without its warning of `mode` against the metric's name:
    the Monitor that asked for it says that itself, in its own words."""
    said = MODE_SAID_ELSEWHERE.set(True)
    try:
        return Patience(patience, mode=mode, metric=metric)
    finally:
        MODE_SAID_ELSEWHERE.reset(said)


def detector_list(
    detectors: Detector | Iterable[Detector] | None,
    metric: str = "val_loss",
    mode: Mode = "auto",
) -> list[Detector]:
    """The detectors a new run starts with: ``None`` = :func:`classroom` on ``metric``, one
    detector = a list of one. Each is a fresh copy: the run never changes your objects, two runs
    given the same list do not share what their detectors have seen, and a list defined in an
    earlier notebook cell starts fresh when the training cell runs again.

        >>> from nngraph.monitor.detectors import Patience, detector_list
        >>> mine = Patience(3)
        >>> runs = detector_list([mine]), detector_list([mine])
        >>> runs[0][0] is mine, runs[0][0] is runs[1][0], runs[0] == [mine]
        (False, False, True)
    """
    if detectors is None:
        return classroom(metric, mode)
    if isinstance(detectors, Detector):
        detectors = [detectors]
    fresh = [copy.deepcopy(d) for d in checked_detectors(detectors)]
    for d in fresh:
        d.reset()
    return fresh


def check_detector(value: object) -> Detector:
    """``value`` if it is a detector, else an NNGraphError saying what it is: for a detector
    class (``GL`` for ``GL(5)``, an easy slip), how to make one from it.

        >>> from nngraph.monitor.detectors import GL, check_detector
        >>> check_detector(GL)
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: detectors must be Detector objects, got the class GL: ...
    """
    if isinstance(value, Detector):
        return value
    _refuse_optimizer(value)
    if isinstance(value, type) and issubclass(value, Detector):
        raise NNGraphError(message("monitor.error.detector_class", name=value.__name__))
    raise NNGraphError(message("monitor.error.detectors", got=value))


def checked_detectors(detectors: object) -> list[Detector]:
    """The detectors of a list (tuple, ...), each checked by :func:`check_detector`;
    NNGraphError for text or what cannot be iterated (a number, a 0-d tensor or array, whose
    ``iter()`` raises a TypeError).

        >>> from nngraph.monitor.detectors import GL, checked_detectors
        >>> [d.name for d in checked_detectors((GL(5),))]
        ['GL(5)']
    """
    _refuse_optimizer(detectors)
    if isinstance(detectors, type) and issubclass(detectors, Detector):
        check_detector(detectors)  # the class GL for GL(5): how to make one from it
    if isinstance(detectors, str | bytes) or not isinstance(detectors, Iterable):
        raise NNGraphError(message("monitor.error.detectors", got=detectors))
    try:
        items = iter(detectors)
    except TypeError:
        raise NNGraphError(message("monitor.error.detectors", got=detectors)) from None
    return [check_detector(d) for d in items]


def _refuse_optimizer(value: object) -> None:
    """An optimizer where detectors go (``ng.Monitor(model, opt)``, a habit from other
    libraries): one line that says the monitor does not need it, and where gradient norms
    come from, instead of the optimizer's many-line repr.

        >>> import torch
        >>> net = torch.nn.Linear(2, 1)
        >>> _refuse_optimizer(torch.optim.SGD(net.parameters(), lr=0.1))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: ng.Monitor does not need the optimizer ...
    """
    torch = sys.modules.get("torch")  # not imported: no optimizer exists
    if torch is None:
        return
    optimizer = torch.optim.Optimizer
    if isinstance(value, optimizer) or (isinstance(value, type) and issubclass(value, optimizer)):
        name = value.__name__ if isinstance(value, type) else type(value).__name__
        raise NNGraphError(message("monitor.error.detectors_optimizer", got=name))
