"""A watched model whose weights never change while a training loss is logged (sweep s48): the
loop a student writes most, ``ng.Monitor(model=model)`` alone, with ``optimizer.step()``
forgotten, an optimizer built over another model's parameters (the model cell run again after
the optimizer's), a learning rate of 0, or training inside ``torch.no_grad()``. The loss is
then flat, and Patience's "not learning" 20 epochs later says only what to check in general.

The monitor reads the weights (their sums and norms, see
:func:`~nngraph.monitor._best.weight_sums`: the same test as for a model not trained any
more) at the first call of each epoch that logs a training loss (``loss``, ``train_loss``,
``running_loss``: see :func:`~nngraph.monitor._names.named_as_training`), and compares them
with those of the first such epoch. The first change ends the check, so a run that trains
pays for two readings. Still the same after :data:`EPOCHS` such epochs (after :data:`CALLS`
calls where each call counts as an epoch, and may be a batch of gradient accumulation), it is
said once, as the monitor's event, unless:

- the training loss moved meanwhile (by more than :data:`MOVED` of its first value, up or
  down): weights that did not change give the same loss, up to the noise of dropout or of
  batches drawn anew, so those values are another model's (the model's cell run again after
  the monitor's: said by ``restore_best()``) or numbers typed by hand;
- a :class:`~nngraph.monitor.GradientWatch` given ``monitor=`` said already why the weights
  do not change (no ``optimizer.step()``, steps with no gradient, a loss that does not depend
  on the weights);
- only evaluation metrics are logged (``val_loss``, ``test_acc``): a frozen model evaluated on
  purpose;
- every gradient the model holds is exactly zero: the loss does not depend on the weights
  (cross-entropy over one output), which ``health()`` and GradientWatch name; the loop is fine.

    >>> import torch
    >>> from nngraph.monitor import Monitor
    >>> net = torch.nn.Linear(2, 1); mon = Monitor(model=net, display=False)
    >>> for epoch in range(1, 4):  # optimizer.step() forgotten: the same loss each epoch
    ...     mon.log(epoch, loss=0.7, val_loss=0.8)
    >>> [(e.epoch, e.message_id) for e in mon.events]
    [(3, 'unchanged.weights')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from nngraph.i18n import message
from nngraph.monitor._best import _equal, weight_sums
from nngraph.monitor._cause_aside import UNCHANGED, WEIGHTS_STILL
from nngraph.monitor._common import Event
from nngraph.monitor._names import named_as_training
from nngraph.monitor._negative_loss import epoch_means

if TYPE_CHECKING:
    from nngraph.monitor._history import Series

__all__ = ["CALLS", "EPOCHS", "MESSAGE_ID", "MOVED", "UnchangedWeights", "said_unchanged"]

#: epochs with a training loss and the same weights before it is said (the first may be an
#: evaluation before training, or a warm-up at a learning rate of 0)
EPOCHS = 3
#: ... where each call counts as an epoch (no validation, no ``epoch=``): calls may be batches
#: that accumulate gradients over several before a step
CALLS = 10
#: a training loss that moved by more than this part of its first value comes from another
#: model (or was typed by hand): unchanged weights give the same loss, up to dropout's noise
MOVED = 0.1
#: the event's message id (its words: ``monitor.unchanged.weights``)
MESSAGE_ID = UNCHANGED


def said_unchanged(events: Iterable[Event]) -> bool:
    """Whether ``events`` hold the monitor's reading that the weights never changed.

    >>> said_unchanged([])
    False
    """
    return any(e.message_id == MESSAGE_ID and e.detector == "Monitor" for e in events)


class UnchangedWeights:
    """Says once that the watched model's weights never changed while a training loss was
    logged (see the module docstring)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Check afresh: another model is watched from now on."""
        self.done = False  # said, or the weights changed: nothing more to check
        self._first: list[Any] | None = None  # weight_sums() at the first epoch checked
        self._first_epoch = 0
        self._epochs: set[int] = set()
        self._counted = False  # each call was counted as an epoch (no validation yet)
        self._training: dict[str, bool] = {}  # metric name -> a training metric's name

    def at_log(
        self,
        model: Any,
        values: Mapping[str, float],
        epoch: int,
        *,
        step: float,
        counted: bool,
        series: Mapping[str, Series],
        events: Iterable[Event],
    ) -> Event | None:
        """The event to add at a ``log()`` of ``values`` in ``epoch`` (at ``step``), or None;
        ``counted``: each call counts as an epoch; ``events``: the monitor's so far."""
        if self.done or model is None:
            return None
        if self._counted and not counted:  # the first validation: epochs are counted anew
            self._epochs = {epoch}  # (the one it ends, whose batches were counted as epochs)
        self._counted = counted
        trained = [name for name in values if self._is_training(name)]
        if not trained or epoch in self._epochs:
            return None
        now = weight_sums(model)
        if now is None:  # weights without values yet (lazy layers): no claim
            return None
        if self._first is None:
            self._first, self._first_epoch = now, epoch
            self._epochs.add(epoch)
            return None
        if not _equal(now, self._first):
            self.done = True
            return None
        self._epochs.add(epoch)
        if len(self._epochs) < (CALLS if counted else EPOCHS):
            return None
        self.done = True
        if any(e.message_id in WEIGHTS_STILL for e in events) or _moved(series[trained[0]], epoch):
            return None
        if _zero_gradients(model):  # a loss that does not depend on the weights: not the loop
            return None
        return Event(
            step=step,
            epoch=epoch,
            detector="Monitor",
            kind="weights",
            message_id=MESSAGE_ID,
            message=message(
                "monitor." + MESSAGE_ID, first=self._first_epoch, epochs=len(self._epochs)
            ),
            stop=False,
            values={"first": self._first_epoch},
        )

    def _is_training(self, name: str) -> bool:
        known = self._training.get(name)
        if known is None:
            known = self._training[name] = named_as_training(name)
        return known


def _zero_gradients(model: Any) -> bool:
    """Whether every gradient the model holds is exactly zero (and there is one): the loss does
    not change with the weights (cross-entropy over a single output is always 0, s47 s25), so
    no step changes them, and the loop is not what to check.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1); _zero_gradients(net)
    False
    >>> (net(torch.ones(1, 2)) * 0).sum().backward(); _zero_gradients(net)
    True
    """
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    return bool(grads) and not any(bool(g.any()) for g in grads)


def _moved(series: Series, epoch: int) -> bool:
    """Whether the training loss in ``series`` moved clearly from its first epoch to ``epoch``.

    >>> from nngraph.monitor._history import Series
    >>> s = Series()
    >>> for e, v in [(1, 0.7), (2, 0.5), (3, 0.4)]: s.append(e, v, epoch=e)
    >>> _moved(s, 3), _moved(s, 1)
    (True, False)
    """
    means = epoch_means(series, before=epoch + 1)
    return len(means) > 1 and abs(means[-1] - means[0]) > MOVED * abs(means[0])
