"""How :class:`~nngraph.integrations.lightning.NNGraphCallback` puts the best weights back into
the module fitted (``restore_best=True``), and what it tells when it does not:

- at the end of a fit in which the watched metric came, they are put back (:func:`at_fit_end`);
  where it never came in the fit (no validation ran), nothing judged the weights the fit
  trained: they are kept, and an event says that an earlier fit's best was not put back over
  them, and how to put it back;
- an interrupted fit (the kernel's Stop, Ctrl+C) gets them back, also before its first epoch
  ended (a later fit: an earlier fit's best); after an error they are left as they were, to
  look into, and an event says how to put them back (:func:`after_exception`);
- they go back only into the monitor's model where the module fitted is it or holds it
  (:func:`holds`): never into another module, whose own training they would overwrite.

    >>> import torch
    >>> from nngraph.monitor import Monitor
    >>> net = torch.nn.Linear(1, 1)
    >>> mon = Monitor(model=net, display=False); mon.log(epoch=0, val_loss=0.5)
    >>> at_fit_end(mon, net, judged=False, now=3, last_logged=3.0)  # no validation in this fit
    >>> print(mon.events[-1])  # doctest: +ELLIPSIS
    epoch 3: the watched metric val_loss did not come in this fit, so nothing judged ...
"""

from __future__ import annotations

import warnings
from typing import Any

from nngraph.capture import NNGraphWarning
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.integrations import _lightning_fits as fits
from nngraph.integrations._lightning_checks import NOT_USER_CODE
from nngraph.integrations._lightning_steps import note
from nngraph.monitor import Monitor

__all__ = ["after_exception", "at_fit_end", "holds"]


def at_fit_end(
    monitor: Monitor, pl_module: Any, *, judged: bool, now: int, last_logged: float
) -> None:
    """The fit of ``pl_module`` ended: put ``monitor``'s best weights back where the watched
    metric came in it (``judged``); else keep the weights it trained and say so, at the
    monitor's epoch ``now``. ``last_logged``: the step the fit logged last."""
    best = monitor.best
    if best is None or monitor.model is None:
        return
    if not holds(pl_module, monitor.model):
        _warn_other_model()
    elif judged:
        _put_back(monitor, last_logged)
    else:  # an earlier fit's best must not replace weights nothing compared with it
        monitor.add_event(
            note(now, "monitor.lightning.earlier_best_kept", metric=monitor.metric, best=best.epoch)
        )


def after_exception(
    monitor: Monitor, pl_module: Any, exception: BaseException, *, now: int, last_logged: float
) -> None:
    """The fit of ``pl_module`` ended with ``exception`` at the monitor's epoch ``now``: an
    interrupt (``KeyboardInterrupt``) gets ``monitor``'s best weights back, an error leaves the
    weights as they were; an event says which (see :func:`at_fit_end` for ``last_logged``)."""
    best = monitor.best
    if best is None or monitor.model is None:
        return
    if not isinstance(exception, KeyboardInterrupt):
        monitor.add_event(note(now, "monitor.lightning.error_kept", best=best.epoch))
    elif not holds(pl_module, monitor.model):
        _warn_other_model()
    elif _put_back(monitor, last_logged):
        monitor.add_event(note(now, "monitor.lightning.interrupted", best=best.epoch))


def holds(pl_module: Any, model: Any) -> bool:
    """Whether the module fitted is the monitor's model or holds it (``Monitor(model=net)`` for
    the ``net`` a LightningModule wraps): the best weights go back there, never into another
    module, whose own training they would overwrite (a model cell run again, then its fit).

        >>> import torch
        >>> net = torch.nn.Linear(1, 1)
        >>> holds(torch.nn.Sequential(net), net), holds(torch.nn.Linear(1, 1), net)
        (True, False)
    """
    return model is not None and any(part is model for part in pl_module.modules())


def _put_back(monitor: Monitor, last_logged: float) -> bool:
    """Put the best weights back into the monitor's model; where they cannot be, say why."""
    try:
        monitor.restore_best(monitor.model)
    except NNGraphError as exc:  # e.g. the best came from an earlier module: say why
        text = message("monitor.lightning.not_restored", reason=exc)
        warnings.warn(text, NNGraphWarning, stacklevel=stacklevel_outside(NOT_USER_CODE))
        return False
    best = monitor.best
    # weights of an earlier epoch than the last: a next fit starts back there
    earlier = best is not None and best.step < last_logged
    fits.restored(monitor, best.epoch if best is not None and earlier else None)
    return True


def _warn_other_model() -> None:
    """Say that the best weights were not put back: they are the monitor's own model's, which
    is not the module fitted (nor in it), whose own training they would overwrite."""
    reason = message("monitor.lightning.other_model")
    text = message("monitor.lightning.not_restored", reason=reason)
    warnings.warn(text, NNGraphWarning, stacklevel=stacklevel_outside(NOT_USER_CODE))
