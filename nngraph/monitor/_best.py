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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import json_number
from nngraph.monitor._weights import WeightSnapshot, check_module

__all__ = ["Best", "BestTracking"]


@dataclass(frozen=True)
class Best:
    """The best log line so far: its step, epoch, the value of the monitored metric, and every
    metric logged in the same call.

        >>> Best(step=5, epoch=5, metric="val_loss", value=0.3, metrics={"val_loss": 0.3}).value
        0.3
    """

    step: float
    epoch: int
    metric: str
    value: float
    metrics: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict: a NaN or infinite metric becomes a string, as in the curves."""
        return {
            "step": self.step,
            "epoch": self.epoch,
            "metric": self.metric,
            "value": json_number(self.value),
            "metrics": {name: json_number(v) for name, v in self.metrics.items()},
        }


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
    _best: Best | None
    _best_row = 0  # the number of the row (see _update_best) that holds the best
    _weights: WeightSnapshot
    #: the model's weights had no values at the best step (meta device, lazy layers): not kept
    _weights_empty = False

    def _update_best(
        self, step: float, epoch: int, values: dict[str, float], row: tuple[int, dict[str, float]]
    ) -> bool:
        """Whether this call's ``values`` hold a new best; ``row``: the number of the row the
        call is part of and that row's metrics so far (calls at one step logging different
        metrics, as in ``records()``), which ``best.metrics`` holds."""
        number, metrics = row
        best = self._best
        v = values.get(self.metric)
        if v is None or not math.isfinite(v):  # a NaN or an infinity (a diverged run) never wins
            if best is not None and self._best_row == number:  # val_acc after the best val_loss
                self._best = replace(best, metrics=dict(metrics))
            return False
        if best is not None and not (v < best.value if self.mode == "min" else v > best.value):
            return False
        self._best = Best(step, epoch, self.metric, v, dict(metrics))
        self._best_row = number
        if self._model is not None:
            # weights without values (meta device, lazy layers before their first forward) are
            # not kept: the log goes on, and restore_best() says why there is nothing to restore
            self._weights_empty = not self._weights.capture(self._model)
            if self._weights_empty:
                self._weights = WeightSnapshot()  # an older best's weights are not this best's
        return True

    @property
    def best(self) -> Best | None:
        """The best log line so far by ``metric`` (``None`` before it is logged).

        >>> from nngraph.monitor import Monitor
        >>> mon = Monitor(display=False)
        >>> mon.log(1, val_loss=0.5); mon.log(2, val_loss=0.4); mon.log(3, val_loss=0.45)
        >>> mon.best.epoch, mon.best.value
        (2, 0.4)
        """
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
        """
        target = self._model if model is None else model
        if target is None:
            why = message("monitor.why.no_model")
            raise NNGraphError(message("monitor.error.no_best", why=why, metric=self.metric))
        target = check_module(target, "restore_best()")
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
                why = message(
                    "monitor.why.earlier_model", metric=self.metric, epoch=self._best.epoch
                )
            elif self.metric in self.series:  # logged, but never a finite value (as summary())
                raise NNGraphError(message("monitor.error.no_best_finite", metric=self.metric))
            else:
                why = message("monitor.why.no_metric", metric=self.metric)
            raise NNGraphError(message("monitor.error.no_best", why=why, metric=self.metric))
        self._weights.restore(target)
