"""``Best`` and the monitor's best-epoch bookkeeping: the best log line and its exact weights.

:class:`BestTracking` is the part of :class:`~nngraph.monitor.Monitor` that decides whether a
log line beats the best so far (by ``metric`` and ``mode``) and, with a model, keeps the weights
of that step in host memory, so that ``restore_best()`` puts them back bit for bit.

    >>> import torch
    >>> from nngraph.monitor import Monitor
    >>> net = torch.nn.Linear(2, 1)
    >>> mon = Monitor(model=net, metric="val_acc", display=False)
    >>> for epoch, acc in enumerate([0.5, 0.8, 0.7], start=1):
    ...     mon.log(epoch, val_acc=acc)
    >>> mon.best.epoch, mon.best.value, mon.mode
    (2, 0.8, 'max')
    >>> mon.restore_best()   # the weights as they were at epoch 2

It also notices when the watched model is not the one being trained (the cell that makes the
model was run again, and a new model object is trained): its weights stop changing from one
epoch's evaluation to the next while the watched metric goes on (:class:`ModelChanges`). It says
so once, and ``restore_best()`` refuses a best reached meanwhile, whose kept weights are the old
model's; and weights of a model that never changed while the metric did, asked for another
model (``restore_best(new_model)``). While it knows that, its detectors are not fed: the curve
joins two models, and the jump where the new one starts is no sign of a learning rate too high
or of overfitting. They judge again once the watched model changes (it trains again, or the new
one is given: ``mon.model = new_model``); the history is recorded all along.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from nngraph._interrupts import interrupts_held
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._common import has_no_data, json_number
from nngraph.monitor._names import is_validation
from nngraph.monitor._train_means import TrainingMeans
from nngraph.monitor._weights import WeightSnapshot, check_module

__all__ = ["Best", "BestTracking", "ModelChanges", "weight_sums"]


@dataclass(frozen=True)
class Best:
    """The best log line so far: its step, epoch, the value of the monitored metric, and every
    metric of its row (the calls at its step); each training metric as the detectors pair it
    with that evaluation: its mean since the last evaluation, in the last epoch, also when it
    was logged in calls of its own (per batch, or before a half-way validation).

        >>> Best(step=5, epoch=5, metric="val_loss", value=0.3, metrics={"val_loss": 0.3}).value
        0.3
    """

    step: float
    epoch: int
    metric: str
    value: float
    metrics: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict: a NaN or infinite metric becomes a string, as in the curves.

        >>> import nngraph as ng
        >>> mon = ng.Monitor(display=False)
        >>> mon.log(1, loss=1.0, val_loss=0.5); mon.log(2, loss=0.8, val_loss=float("nan"))
        >>> best = mon.best.to_dict()
        >>> best["epoch"], best["value"], best["metrics"]
        (1, 0.5, {'loss': 1.0, 'val_loss': 0.5})
        """
        return {
            "step": self.step,
            "epoch": self.epoch,
            "metric": self.metric,
            "value": json_number(self.value),
            "metrics": {name: json_number(v) for name, v in self.metrics.items()},
        }


#: What users of other libraries type for ``mon.best``'s fields.
_BEST_SPELLINGS = frozenset(
    {"best_epoch", "best_value", "best_score", "best_loss", "best_step", "best_metric"}
)


class BestTracking:
    """The best-epoch part of :class:`~nngraph.monitor.Monitor`: ``best``, ``model`` and
    ``restore_best()``. The monitor sets the attributes below in its ``__init__`` and calls
    :meth:`_update_best` once per ``log()``.

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False)
        >>> mon.log(1, val_loss=0.5); mon.log(2, val_loss=0.7)
        >>> mon.best.epoch
        1
    """

    metric: str
    mode: Literal["min", "max"]
    series: dict[str, Any]
    _model: Any
    _given: int | None  # the last epoch= number (see EpochCounting)
    _user_epochs: bool  # the user passed epoch= (see EpochCounting)
    _best: Best | None
    _train_means: TrainingMeans  # the training values best.metrics holds
    _best_row = 0  # the number of the row (see _update_best) that holds the best
    _weights: WeightSnapshot
    #: the model's weights had no values at the best step (meta device, lazy layers): not kept
    _weights_empty = False
    #: the best whose weights restore_best() last put back into the watched model (None after
    #: a log() call: training went on)
    _restored: Best | None = None
    _changes: ModelChanges  # is the watched model the one trained?
    _unchanged: Any  # its weights never changed while a training loss was logged (_unchanged)
    #: when the best was kept, the epoch since which the watched model had stopped changing
    #: (another object was trained), else None; or whether it had never changed while the
    #: metric did (another object, or numbers typed by hand)
    _best_stale: int | None = None
    _best_untouched = False
    #: the loop may be over: judge an epoch held back, print the held-back line (see TextLines)
    _results_read: Callable[..., None]
    _loop_over: Callable[[], None]

    def _update_best(
        self, step: float, epoch: int, values: dict[str, float], row: tuple[int, dict[str, float]]
    ) -> bool:
        """Whether this call's ``values`` hold a new best; ``row``: the number of the row the
        call is part of and that row's metrics so far (calls at one step logging different
        metrics, as in ``records()``), which ``best.metrics`` holds, each training metric as
        its mean since the last evaluation in this epoch, with those logged in calls of their
        own before an evaluation's row (see :class:`TrainingMeans`)."""
        number, metrics = row
        given = epoch if self._given is not None else None
        self._train_means.add(values, number, given, watched=self.metric)
        metrics = self._train_means.of_row(metrics, watched=self.metric)
        best = self._best
        v = values.get(self.metric)
        self._restored = None  # training went on
        if v is None or not math.isfinite(v):  # a NaN or an infinity (a diverged run) never wins
            if best is not None and self._best_row == number:  # val_acc after the best val_loss
                self._best = replace(best, metrics=dict(metrics))
            return False
        # the watched model between epochs (batches that accumulate gradients leave it alone)
        if self._model is not None and (self._user_epochs or is_validation(self.metric)):
            self._changes.see(self._model, epoch, v, self.metric)
        if best is not None and not (v < best.value if self.mode == "min" else v > best.value):
            return False
        with interrupts_held():  # a Ctrl-C half way would leave the weights of two epochs
            self._best = Best(step, epoch, self.metric, v, dict(metrics))
            self._best_row = number
            if self._model is not None:
                # weights without values (meta device, lazy layers before their first forward)
                # are not kept: the log goes on, and restore_best() says why nothing is there
                self._weights_empty = not self._weights.capture(self._model)
                if self._weights_empty:
                    self._weights = WeightSnapshot()  # an older best's weights are not this one's
                self._best_stale = self._changes.since  # the old model's, not the best's
                self._best_untouched = self._changes.untouched
        return True

    def __getattr__(self, name: str) -> Any:
        """Reached only for a name the monitor does not have: ``mon.best_epoch`` (as Keras's
        ``EarlyStopping.best_epoch``) is told where the best epoch is.

            >>> from nngraph.monitor import Monitor
            >>> Monitor(display=False).best_epoch
            Traceback (most recent call last):
            AttributeError: Monitor has no attribute 'best_epoch': the best epoch is mon.best.epoch, ...
        """
        if name in _BEST_SPELLINGS:
            text = message("monitor.error.best_attribute", name=name)
        else:
            text = f"{type(self).__name__!r} object has no attribute {name!r}"
        raise AttributeError(text, name=name, obj=self)

    @property
    def best(self) -> Best | None:
        """The best log line so far by ``metric`` (``None`` before it is logged).

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False)
        >>> mon.log(1, val_loss=0.5); mon.log(2, val_loss=0.4); mon.log(3, val_loss=0.45)
        >>> mon.best.epoch, mon.best.value
        (2, 0.4)
        """
        self._results_read()
        return self._best

    @property
    def model(self) -> Any:
        """The model whose best weights are kept; may be set later (e.g. by a Lightning hook).

        Setting the same model again changes nothing. Setting another one keeps ``best`` (the
        run goes on) but not its weights, which belong to the earlier model: ``restore_best()``
        says so until the new model beats that best.

            >>> import torch
            >>> from nngraph.monitor import Monitor
            >>> net = torch.nn.Linear(1, 1); mon = Monitor(model=net, display=False)
            >>> mon.log(1, val_loss=0.5); mon.model = net; mon.restore_best()  # still there
        """
        return self._model

    @model.setter
    def model(self, model: Any) -> None:
        if model is self._model:
            return
        self._model = None if model is None else check_module(model, "Monitor.model")
        self._weights = WeightSnapshot()  # kept again from the next best step on
        self._weights_empty = False
        self._changes = ModelChanges()
        self._best_stale, self._best_untouched, self._restored = None, False, None
        self._unchanged.reset()  # the new model is checked afresh

    def _go_on_with(self, model: Any) -> None:
        """Watch ``model`` as the same run's model from now on, keeping the best weights kept
        so far: a Lightning fit resumed from a checkpoint into a new module object."""
        self._model = check_module(model, "Monitor.model")
        self._changes = ModelChanges()
        self._unchanged.reset()

    @property
    def _other_model_trained(self) -> bool:
        """The watched model stopped changing while the metric went on: another model object
        is trained (said once, in a warning), so the detectors are not fed."""
        return self._changes.since is not None

    def restore_best(self, model: Any = None) -> None:
        """Put the exact weights of the best step back into ``model`` (default: the watched one).
        A model converted since to a wider float type (``model.double()``) gets those exact
        values; a narrower one (``model.half()``) is refused: convert it back first.

        >>> import torch
        >>> from nngraph.monitor import Monitor
        >>> net = torch.nn.Linear(1, 1); mon = Monitor(model=net, display=False)
        >>> mon.log(1, val_loss=0.5)
        >>> with torch.no_grad(): _ = net.weight.fill_(7.0)
        >>> mon.restore_best(); float(net.weight.detach()) != 7.0
        True

        A best reached while the watched model did not change (another model object was
        trained: see the module's docstring) is refused: its kept weights are not the best's.
        """
        self._loop_over()
        target = self._model if model is None else model
        if target is None:
            why = message("monitor.why.no_model")
            raise NNGraphError(message("monitor.error.no_best", why=why, metric=self.metric))
        target = check_module(target, "restore_best()")
        if not target.state_dict():  # layers in a plain Python list, hand-made tensors
            raise NNGraphError(message("monitor.error.no_weights"))
        if not self._weights:
            if self._model is None:
                why = message("monitor.why.no_model")
            elif self._weights_empty and self._best is not None:  # no values at the best step
                raise NNGraphError(
                    message(
                        "monitor.error.no_data_best", metric=self.metric, epoch=self._best.epoch
                    )
                )
            elif self._best is not None:  # the model was set after the best step
                raise NNGraphError(
                    message(
                        "monitor.error.earlier_model", metric=self.metric, epoch=self._best.epoch
                    )
                )
            elif self.metric in self.series:  # logged, but never a finite value (as summary())
                raise NNGraphError(message("monitor.error.no_best_finite", metric=self.metric))
            else:  # the model was given: only the metric is missing
                raise NNGraphError(self._unlogged())
            raise NNGraphError(message("monitor.error.no_best", why=why, metric=self.metric))
        self._refuse_an_old_models_weights(target)
        self._weights.restore(target)
        if target is self._model:
            self._restored = self._best

    def _unlogged(self) -> str:
        """Why there are no best weights when the watched metric was never logged. A run that
        logs one validation metric of its own (only ``val_acc``, a Keras habit; sweep s47,
        M9) is told the exact monitor to make: the weights are kept only where the watched
        metric is best, so none of its epochs can be restored now."""
        validation = [name for name in self.series if is_validation(name)]
        if len(validation) == 1:
            return message(
                "monitor.error.no_best_other",
                metric=self.metric,
                other=validation[0],
                logged=", ".join(self.series),
            )
        why = message("monitor.why.no_metric", metric=self.metric)
        return message("monitor.error.no_best_unlogged", why=why, metric=self.metric)

    def _refuse_an_old_models_weights(self, target: Any) -> None:
        """Refuse weights kept from a watched model that was not the one trained: it stopped
        changing while the metric went on (the cell that makes the model was run again), or
        it never changed and they are asked for another model (the weights it was given). Put
        back into that unchanged model itself they are the weights it was made with, which a
        warning says: the model trained may be another object."""
        if self._best is None:
            return
        epoch, metric = self._best.epoch, self.metric
        if self._best_stale is not None:
            since = self._best_stale
            raise NNGraphError(
                message("monitor.error.stale_best", metric=metric, epoch=epoch, since=since)
            )
        if self._best_untouched and target is not self._model:
            raise NNGraphError(message("monitor.error.untouched_best", metric=metric, epoch=epoch))
        if self._best_untouched:  # numbers typed by hand, or the cell making the model run again
            text = message("monitor.warn.untouched_restore", metric=metric, epoch=epoch)
            warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())


class ModelChanges:
    """Whether the watched model is the one being trained, from its weights at each epoch's
    evaluation: a model that changed and then stops while the metric goes on is not trained any
    more (``since``: from that epoch; said once, in a warning); one that never changed while
    the metric did (``untouched``) is another object, or the numbers were typed by hand.

        >>> import torch
        >>> net, changes = torch.nn.Linear(1, 1), ModelChanges()
        >>> changes.see(net, 1, 0.9, "val_loss"); changes.see(net, 2, 0.8, "val_loss")
        >>> changes.untouched, changes.since
        (True, None)
    """

    def __init__(self) -> None:
        self.sums: list[Any] | None = None  # weight_sums() when the weights last changed
        self.epoch: int | None = None  # that epoch, and the metric's value then
        self.value = math.nan
        self.trained = False  # the weights changed from one epoch to the next
        self.moved = False  # the metric changed while the weights did not
        self.since: int | None = None
        self.said = False

    @property
    def untouched(self) -> bool:
        """The metric changed, and the weights never did."""
        return self.moved and not self.trained

    def see(self, model: Any, epoch: int, value: float, metric: str) -> None:
        """Compare ``model``'s weights at a later ``epoch`` with the last ones seen."""
        if epoch == self.epoch:
            return
        now = weight_sums(model)
        if now is None or self.sums is None or not _equal(now, self.sums):
            self.trained = self.trained or (now is not None and self.sums is not None)
            self.sums, self.epoch, self.value, self.since = now, epoch, value, None
            return
        if value == self.value:  # nothing moved (a learning rate of 0)
            return
        self.moved = True
        if self.trained and self.since is None:
            self.since = self.epoch
            if not self.said:
                self.said = True
                text = message(
                    "monitor.watched.model_unchanged",
                    since=self.epoch,
                    metric=metric,
                    before=self.value,
                    now=value,
                )
                outside = stacklevel_outside(("torch", "nngraph", "lightning", "pytorch_lightning"))
                warnings.warn(text, UserWarning, stacklevel=outside)  # the user's line, not fit's


def weight_sums(model: Any) -> list[Any] | None:
    """The sum and the Euclidean norm of each of ``model``'s parameters, on the host (one
    transfer per device): together they change when any weight changes. The sum alone does
    not: with softmax cross-entropy an SGD update of the last layer sums to zero over the
    classes, so a one-layer classifier's sums stay put while it trains; its norm moves.
    ``None`` when they cannot be read (weights without values, a parameter type without them).

        >>> import torch
        >>> net = torch.nn.Linear(2, 2); before = weight_sums(net)
        >>> with torch.no_grad(): _ = net.bias.add_(torch.tensor([1e-3, -1e-3]))  # sums to 0
        >>> _equal(before, weight_sums(net)), _equal(before, before)
        (False, True)
    """
    import torch

    sums: dict[Any, list[Any]] = {}
    try:
        with interrupts_held(), torch.no_grad():  # a Ctrl-C in no_grad's entry kept it on
            for p in model.parameters():
                if has_no_data(p):
                    return None
                if not p.is_floating_point():
                    continue
                # float64 holds a one-ulp change of a float32 weight (MPS has no float64)
                dtype = torch.float32 if p.device.type == "mps" else torch.float64
                flat = p.detach().reshape(-1)
                norm = torch.linalg.vector_norm(flat, dtype=dtype)
                sums.setdefault(p.device, []).append(torch.stack([flat.sum(dtype=dtype), norm]))
            return [torch.cat(parts).cpu() for parts in sums.values()]
    except (RuntimeError, TypeError):  # e.g. a sharded parameter: no claim is made
        return None


def _equal(a: list[Any], b: list[Any]) -> bool:
    """Whether two :func:`weight_sums` are the same, bit for bit (a NaN is never the same)."""
    import torch

    return len(a) == len(b) and all(
        x.shape == y.shape and bool(torch.equal(x, y)) for x, y in zip(a, b, strict=True)
    )
