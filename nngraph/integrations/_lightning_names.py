"""How the Lightning callback names the metrics a LightningModule logs: :func:`metric_name` for
one key, :func:`monitor_names` for all of them (the ``metrics=`` renames of :func:`renames`
first, the first of several validation dataloaders under the plain name), and
:func:`watched` for the names a monitor and its detectors watch, kept as they are.

    >>> from nngraph.integrations._lightning_names import monitor_names
    >>> keys = ["train_loss", "val_loss/dataloader_idx_0", "val_loss/dataloader_idx_1"]
    >>> list(monitor_names(keys).values())
    ['loss', 'val_loss', 'val_loss_dataloader_idx_1']
    >>> monitor_names(["val/acc"], rename={"val/acc": "accuracy"})
    {'val/acc': 'accuracy'}
"""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping
from typing import cast

from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor import Monitor
from nngraph.monitor._names import LOSS_NAMES, training_base, validation_base
from nngraph.monitor.detectors import Divergence

__all__ = ["metric_name", "monitor_names", "renames", "watched"]

#: Lightning's suffix for the first of several validation dataloaders
_FIRST_LOADER = "/dataloader_idx_0"


def metric_name(key: str, keep: Container[str] = ()) -> str | None:
    """The monitor's name for a Lightning metric key, ``None`` to skip it (``step`` and
    ``epoch`` too: the callback gives the step itself). A name in ``keep`` (one the monitor or
    a detector watches) stays as it is, also when logged with the ``_epoch`` suffix.

    >>> from nngraph.integrations.lightning import metric_name
    >>> [metric_name(k) for k in ("train_loss", "val/acc", "val_loss_epoch", "loss_step")]
    ['loss', 'val_acc', 'val_loss', None]
    >>> metric_name("valid_loss"), metric_name("valid_loss_epoch", keep={"valid_loss"})
    ('val_loss', 'valid_loss')
    """
    if key in ("hp_metric", "step", "epoch"):
        return None
    if key in keep:
        return key
    if key.endswith("_step"):
        return None
    if key.endswith("_epoch"):
        key = key[: -len("_epoch")]
        if key in keep:
            return key
    base = validation_base(key)
    if base is not None:
        return "val_" + base.replace("/", "_")
    return (training_base(key) or key).replace("/", "_")


def renames(metrics: object) -> dict[str, str]:
    """``metrics=``: a mapping of Lightning's names to the monitor's (non-empty strings)."""
    if metrics is None:
        return {}
    named = isinstance(metrics, Mapping) and all(
        isinstance(name, str) and name for pair in metrics.items() for name in pair
    )
    if not named:
        raise NNGraphError(message("monitor.lightning.bad_metrics", got=metrics))
    return dict(cast("Mapping[str, str]", metrics))


def watched(monitor: Monitor | None) -> set[str]:
    """The names the monitor and its detectors watch (not the loss names every ``Divergence``
    watches: those are renamed so that training and validation pair up)."""
    if monitor is None:
        return set()
    names = {monitor.metric}
    for det in monitor.detectors:
        if isinstance(det, Divergence):
            names.update(name for name in det.metrics if name not in LOSS_NAMES)
        else:
            names.update(name for name in (det.metric, det.train_metric) if name)
    return names


def monitor_names(
    keys: Collection[str], keep: Collection[str] = (), rename: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The monitor's name for each of Lightning's ``keys`` it gets (the others left out): the
    ``rename`` ones (``metrics=``) first, then :func:`metric_name` (``keep``: the watched
    names), with the first validation dataloader's metrics under their plain name."""
    rename = rename or {}
    shown = {key: metric_name(key, keep) for key in keys}
    names = {}  # renamed by the key, or by the name the monitor would show
    for key, name in shown.items():
        target = rename.get(key) or (rename.get(name) if name else None)
        if target:
            names[key] = target
    taken = set(names.values())  # an explicit choice wins over a name found here
    for key, name in shown.items():
        if key in names:
            continue
        plain = key.removesuffix(_FIRST_LOADER)
        if plain != key and plain not in keys and key not in keep:
            first = metric_name(plain, keep)
            name = name if first in taken else first
        if name is not None and name not in taken:
            names[key] = name
    return names
