"""What the Lightning callbacks remember of each monitor's last ``fit``, whichever callback ran
it: a notebook that runs ``trainer.fit(model, callbacks=[NNGraphCallback(mon)])`` again makes
a new callback each time, and the monitor's story must go on all the same.

- :func:`follow_module`: a monitor given to a callback watches the module being fitted, unless
  the user gave it a model (``Monitor(model=...)``, ``mon.model = ...``): then it is left alone.
- :func:`refit_note`: the event where a monitor fitted before goes on: the same module from the
  best weights put back at the end of its last fit (:func:`restored`), the same module as it
  was, or another module, which starts from its own weights (:func:`another_module`), its
  epochs judged on their own where the monitor follows it (:func:`judged_alone`).

Monitors and modules are held weakly: a monitor or a module that is no longer used is freed.

    >>> import torch
    >>> from nngraph.monitor import Monitor
    >>> mon, first, second = Monitor(display=False), torch.nn.Linear(1, 1), torch.nn.Linear(1, 1)
    >>> follow_module(mon, first); fitted(mon, first); restored(mon, 4)
    >>> print(refit_note(mon, first, 6).message)  # doctest: +ELLIPSIS
    fit was run again: it goes on from epoch 6 ... from the best weights (epoch 4), ...
    >>> follow_module(mon, second); mon.model is second  # a callback gave it `first`
    True
    >>> print(refit_note(mon, second, 6).message)  # doctest: +ELLIPSIS
    fit was run again with another module: ...
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from nngraph.integrations._lightning_steps import note
from nngraph.monitor._common import Event

__all__ = [
    "another_module",
    "fitted",
    "follow_module",
    "judged_alone",
    "refit_note",
    "restored",
]


@dataclass
class _LastFit:
    module: weakref.ref[Any] | None = None  # the module the last fit logged from
    given: weakref.ref[Any] | None = None  # the module a callback gave the monitor as its model
    restored: int | None = None  # the best epoch put back into `module` when that fit ended


#: each monitor a callback logged to or gave a module, and what is known of its last fit
_FITS: weakref.WeakKeyDictionary[Any, _LastFit] = weakref.WeakKeyDictionary()


def _alive(ref: weakref.ref[Any] | None) -> Any:
    return None if ref is None else ref()


def follow_module(monitor: Any, module: Any, *, resumed: bool = False) -> None:
    """Give ``monitor`` (one the user gave a callback) the ``module`` being fitted as its
    model, where it has none or has the one a callback gave it (the cell that makes the model
    was run again, with a new callback or the same): its best weights are then the new
    module's, and its detectors follow it. A model the user gave it stays. ``resumed``: the
    fit goes on from a checkpoint (``ckpt_path=``), so the module is the same run's model and
    the best weights kept so far stay."""
    last = _FITS.setdefault(monitor, _LastFit())
    model = monitor.model
    if model is module:
        return
    if model is None or model is _alive(last.given):
        if resumed and model is not None:
            monitor._go_on_with(module)
        else:
            monitor.model = module
        last.given = weakref.ref(module)


def fitted(monitor: Any, module: Any) -> None:
    """``module``'s fit has logged to ``monitor``: a later fit goes on from it (``None``:
    not known, a callback driven by hand)."""
    if module is None:
        return
    last = _FITS.setdefault(monitor, _LastFit())
    if _alive(last.module) is not module:
        last.module, last.restored = weakref.ref(module), None


def restored(monitor: Any, epoch: int | None) -> None:
    """The best weights (of ``epoch``; ``None``: the last epoch's, or none) were put back into
    the module ``monitor``'s last fit trained: a next fit of it starts back there."""
    last = _FITS.get(monitor)
    if last is not None:
        last.restored = epoch


def another_module(monitor: Any, module: Any) -> bool:
    """Whether an earlier fit logged to ``monitor`` from another module than ``module`` (the
    cell that makes the model was run again): ``module``'s epochs are then judged on their own
    (see ``Monitor._start_another_model``)."""
    last = _FITS.get(monitor)
    return last is not None and last.module is not None and _alive(last.module) is not module


def judged_alone(monitor: Any, module: Any) -> bool:
    """Whether ``module``'s epochs are judged on their own (see
    ``Monitor._start_another_model``): it is another module than the last fit's
    (:func:`another_module`) and ``monitor`` follows it (:func:`follow_module` gave it). A
    model the user gave the monitor (``Monitor(model=...)``) keeps its best and its weights.

        >>> import torch
        >>> from nngraph.monitor import Monitor
        >>> first, second = torch.nn.Linear(1, 1), torch.nn.Linear(1, 1)
        >>> given, followed = Monitor(model=first, display=False), Monitor(display=False)
        >>> for mon in (given, followed):
        ...     follow_module(mon, first); fitted(mon, first); follow_module(mon, second)
        >>> judged_alone(given, second), judged_alone(followed, second)
        (False, True)
    """
    last = _FITS.get(monitor)
    follows = last is not None and monitor.model is module and _alive(last.given) is module
    return follows and another_module(monitor, module)


def refit_note(monitor: Any, module: Any, epoch: int) -> Event | None:
    """The event where a fit of ``module`` goes on with ``monitor`` at its first ``epoch``,
    ``None`` where no fit logged to it before: the same module with a fresh optimizer, from the
    best weights if they were put back when its last fit ended (this fit will say its own
    restore); or another module, which starts from its own weights (a new model's losses), and
    whose epochs, where the monitor follows it (:func:`judged_alone`), are not compared with
    the earlier module's best (call it before that best is forgotten)."""
    last = _FITS.get(monitor)
    if last is None or last.module is None:
        return None
    best, last.restored = last.restored, None
    if another_module(monitor, module):
        earlier = monitor.best if judged_alone(monitor, module) else None
        if earlier is None:
            return note(epoch, "monitor.lightning.refit_new_module")
        return note(
            epoch,
            "monitor.lightning.refit_new_module_best",
            metric=earlier.metric,
            value=earlier.value,
            best=earlier.epoch,
        )
    if best is None:
        return note(epoch, "monitor.lightning.refit")
    return note(epoch, "monitor.lightning.refit_restored", best=best)
