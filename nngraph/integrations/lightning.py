"""PyTorch Lightning: ``NNGraphCallback`` feeds a :class:`~nngraph.monitor.Monitor` each epoch.

It reads ``trainer.callback_metrics`` at the end of every training epoch (validation has run by
then), logs them with the epoch counted from 1, sets ``trainer.should_stop`` when a detector
asks to stop, and at the end of ``fit`` puts the best weights back into the module (Lightning's
own ``EarlyStopping`` never does).

Metric names are mapped so that training and validation pair up: ``train_loss`` and
``train/loss`` -> ``loss``, ``valid_acc`` and ``val/acc`` -> ``val_acc``; the ``_epoch`` suffix is
dropped and per-step values (``_step``) are skipped. ``metrics={"my_key": "val_loss"}`` renames
explicitly. Metrics logged in ``LightningModule.on_train_epoch_end`` are seen one epoch late
(log them in ``training_step``/``validation_step`` with ``on_epoch=True``).

    >>> import lightning.pytorch as pl                     # doctest: +SKIP
    >>> cb = NNGraphCallback()                              # doctest: +SKIP
    >>> pl.Trainer(max_epochs=100, callbacks=[cb]).fit(model, train_dl, val_dl)  # doctest: +SKIP
    >>> cb.monitor.best                                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nngraph.i18n import message
from nngraph.monitor import Monitor
from nngraph.monitor._common import is_tensor
from nngraph.monitor._monitor import Display
from nngraph.monitor.detectors import Detector

try:
    from lightning.pytorch import Callback
except ImportError:  # pragma: no cover - the older package name
    try:
        from pytorch_lightning import Callback  # type: ignore[no-redef,assignment,unused-ignore]
    except ImportError as exc:  # pragma: no cover
        raise ImportError(message("monitor.lightning.missing")) from exc

__all__ = ["NNGraphCallback", "metric_name"]

_TRAIN_PREFIXES = ("train_", "train/", "training_", "training/")
_VAL_PREFIXES = ("val_", "val/", "valid_", "valid/", "validation_", "validation/")


def metric_name(key: str) -> str | None:
    """The monitor's name for a Lightning metric key, ``None`` to skip it.

    >>> [metric_name(k) for k in ("train_loss", "val/acc", "val_loss_epoch", "loss_step")]
    ['loss', 'val_acc', 'val_loss', None]
    """
    if key.endswith("_step") or key == "hp_metric":
        return None
    if key.endswith("_epoch"):
        key = key[: -len("_epoch")]
    for prefix in _VAL_PREFIXES:
        if key.startswith(prefix):
            return "val_" + key[len(prefix) :].replace("/", "_")
    for prefix in _TRAIN_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :].replace("/", "_")
    return key.replace("/", "_")


class NNGraphCallback(Callback):  # type: ignore[misc,unused-ignore]
    """Live curves, plain-language detectors and best-weight restore for ``Trainer.fit``.

    ``monitor``: a :class:`Monitor` to feed (default: a new one watching the LightningModule,
    with ``detectors``, ``display``); ``stop``: let detectors stop training;
    ``restore_best``: put the best epoch's weights back into the module when ``fit`` ends.

        >>> cb = NNGraphCallback(restore_best=False)
        >>> cb.monitor is None  # created at fit start, with the module as its model
        True
    """

    def __init__(
        self,
        monitor: Monitor | None = None,
        *,
        detectors: Iterable[Detector] | None = None,
        stop: bool = True,
        restore_best: bool = True,
        metrics: Mapping[str, str] | None = None,
        display: Display = "auto",
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.detectors = None if detectors is None else list(detectors)
        self.stop = stop
        self.restore_best = restore_best
        self.rename = dict(metrics or {})
        self.display = display
        self._validated = False

    def on_fit_start(self, trainer: Any, pl_module: Any) -> None:
        if self.monitor is None:
            self.monitor = Monitor(
                model=pl_module,
                detectors=self.detectors,
                display=self.display if trainer.is_global_zero else False,
            )
        elif self.monitor.model is None:
            self.monitor.model = pl_module

    def on_validation_end(self, trainer: Any, pl_module: Any) -> None:
        if not trainer.sanity_checking:
            self._validated = True

    def collect(self, trainer: Any) -> dict[str, Any]:
        """This epoch's metrics from ``trainer.callback_metrics``, renamed for the monitor.

        Validation metrics are kept only if validation ran this epoch (Lightning keeps the
        last ones otherwise).
        """
        out: dict[str, Any] = {}
        for key, value in trainer.callback_metrics.items():
            name = self.rename.get(key) or metric_name(key)
            if name is None or (name.startswith("val_") and not self._validated):
                continue
            if is_tensor(value) and value.numel() != 1:
                continue
            out[name] = value
        return out

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        metrics = self.collect(trainer)
        self._validated = False
        if not metrics or self.monitor is None:
            return
        self.monitor.log(trainer.current_epoch + 1, **metrics)
        if self.stop:
            should_stop = trainer.strategy.reduce_boolean_decision(
                self.monitor.should_stop, all=False
            )
            trainer.should_stop = trainer.should_stop or should_stop

    def on_fit_end(self, trainer: Any, pl_module: Any) -> None:
        if self.monitor is None:
            return
        self.monitor.close()
        if self.restore_best and self.monitor.best is not None and self.monitor.model is not None:
            self.monitor.restore_best(pl_module)
