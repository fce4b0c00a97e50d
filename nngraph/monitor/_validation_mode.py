"""A validation run with the model in training mode: no ``model.eval()`` before it, so its
Dropout drops units at random and its BatchNorm normalises each batch with that batch's own
statistics. The validation loss is then noisy and not the model's, and the detectors and the
best epoch read it (GL calls the dropout noise "getting worse").

When to tell: ``model.training`` at the ``log()`` that carries the validation metric does not
say, since a right loop may switch back to training mode before it logs (``model.train()``
right after validating, or at the top of the next epoch before logging the last one). What
says is the mode these layers ran in while validating. A validation runs without gradients
(``torch.no_grad()``, ``torch.inference_mode()``) after the last training step, so: a Dropout
or BatchNorm of the watched model that ran without gradients in training mode after the
model's last run with gradients in training mode (a training step), before a ``log()`` with a
validation metric, validated in training mode. The model must be in training mode too: Monte
Carlo dropout switches the Dropout layers alone back on after ``model.eval()``. A right loop
runs them in eval mode there; a training step that runs (part of) the model under
``no_grad()`` in training mode besides (pseudo-labels, a frozen feature extractor) is followed
by the step's own run with gradients. A validation with gradients cannot be told from
training and is not judged.

The model is seen through one of torch's global forward pre-hooks
(``register_module_forward_pre_hook``), never a hook on the model: a ``copy.deepcopy`` or a
``torch.save`` of the model carries nothing of it. It is on only while some monitor watches a
model with such layers: from the monitor's creation or its next ``log()``, until the slip is
told or a few validations were judged, the notebook cell ends (the next ``log()`` puts it
back), or the monitor is freed.

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout())
    >>> modes = ValidationModes(); modes.watch(net)
    >>> with torch.no_grad():
    ...     _ = net(torch.ones(1, 2))  # a validation, in training mode
    >>> modes.at_log(net, validated=True)[:67]
    'nngraph Monitor: validation ran with the model in training mode (no'
    >>> modes.armed  # told once: no longer watching
    False
"""

from __future__ import annotations

import contextlib
import weakref
from typing import TYPE_CHECKING, Any

from nngraph.i18n import message
from nngraph.monitor._display import ipython_shell
from nngraph.monitor._gradacts import and_list

if TYPE_CHECKING:
    from torch.nn import Module

__all__ = ["ValidationModes", "modal_layers", "stop_watching_all"]

#: validations judged right (or not judgeable) before a monitor stops watching: a loop
#: validates the same way every epoch
_ENOUGH = 3


def modal_layers(model: Any) -> list[Any]:
    """The layers of ``model`` that act otherwise in training mode than in eval mode: Dropout
    (any kind, ``p > 0``) and the normalisations that keep running statistics (BatchNorm).

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.BatchNorm1d(2), torch.nn.Dropout(0.0), torch.nn.ReLU())
    >>> [type(m).__name__ for m in modal_layers(net)]
    ['BatchNorm1d']
    """
    from torch import nn

    dropout, norm = nn.modules.dropout._DropoutNd, nn.modules.batchnorm._NormBase
    return [
        m
        for m in model.modules()
        if (isinstance(m, dropout) and m.p > 0) or (isinstance(m, norm) and m.track_running_stats)
    ]


class ValidationModes:
    """The modes the watched model's Dropout and BatchNorm layers ran in since its last
    training step; :meth:`at_log` says, once, that one ran a validation in training mode."""

    def __init__(self) -> None:
        self._model: weakref.ref[Module] | None = None
        self._modules: dict[int, weakref.ref[Module]] = {}  # the model's modules, by id
        self._types: dict[int, str] = {}  # of the layers among them: their type
        self._kinds: dict[int, str] = {}  # and their kind: "dropout" or "norm"
        self._trained: set[int] = set()  # ran without gradients in training mode
        self._evaluated: set[int] = set()  # ran in eval mode
        self._judged = 0
        self._done = False  # told, or judged often enough

    @property
    def armed(self) -> bool:
        """Whether the model is watched now."""
        return id(self) in _armed

    def watch(self, model: Any) -> None:
        """Watch ``model`` from now on (another one no longer); the next validation is judged
        on what it does from now on. Nothing is watched in a model without such layers."""
        self.stop()
        self._model = None if model is None else weakref.ref(model)
        layers = [] if model is None or self._done else modal_layers(model)
        self._types = {id(m): type(m).__name__ for m in layers}
        self._kinds = {id(m): "norm" if hasattr(m, "running_mean") else "dropout" for m in layers}
        if not layers:
            self._modules = {}
            return
        self._modules = {id(m): weakref.ref(m) for m in model.modules()}
        for module in self._modules:
            _watched.setdefault(module, []).append(self)
        _armed[id(self)] = self
        _arm_hook()

    def stop(self) -> None:
        """Watch nothing (until :meth:`watch`); what was seen since the last validation is
        forgotten, so the next validation is not judged."""
        self._trained.clear()
        self._evaluated.clear()
        if _armed.pop(id(self), None) is None:
            return
        for module in self._modules:
            watches = _watched.get(module, [])
            if self in watches:
                watches.remove(self)
            if not watches:
                _watched.pop(module, None)
        if not _armed:
            _disarm_hook()

    def ran(self, module: Module, no_grad: bool) -> None:
        """``module``, one of the watched model's, runs now (``no_grad``: without gradients)."""
        if self._modules[id(module)]() is not module:
            return  # a module taken out of the model and freed: its id is another's now
        layer = id(module) in self._types
        model = None if self._model is None else self._model()
        if not module.training:
            if layer:
                self._evaluated.add(id(module))
        elif not no_grad:
            self._trained.clear()  # a training step: what ran before it validated nothing
        elif layer and model is not None and model.training:
            self._trained.add(id(module))

    def at_log(self, model: Any, validated: bool) -> str | None:
        """A ``log()`` for ``model`` (the monitor's), carrying a validation metric or not:
        the warning to give, the first time the validation since the last one ran in training
        mode; else None."""
        if self._done or model is None:
            self.stop()
            return None
        watched = None if self._model is None else self._model()
        if watched is not model or (self._types and not self.armed):
            self.watch(model)  # another model, or the cell ended: judged from the next one
            return None
        if not validated or not self._types:
            return None
        # a pass in eval mode since the last step was the validation: a no-grad pass in training
        # mode beside it is something else (accuracy on the training batch, SWA's update_bn)
        slipped = [] if self._evaluated else [i for i in self._types if i in self._trained]
        if self._trained or self._evaluated:  # a validation was seen
            self._judged += 1
        self._trained.clear()
        self._evaluated.clear()
        if slipped or self._judged >= _ENOUGH:
            self._done = True
            self.stop()
        return self._warning(slipped) if slipped else None

    def _warning(self, layers: list[int]) -> str:
        """What to say of the ``layers`` (ids) that ran the validation in training mode."""
        types = list(dict.fromkeys(self._types[i] for i in layers))
        kinds = list(dict.fromkeys(self._kinds[i] for i in layers))
        return message(
            "monitor.warn.validation_training_mode",
            modules=and_list(types),
            act=message("monitor.grad.eval." + ("act_one" if len(types) == 1 else "act")),
            # "; " between them: BatchNorm's effect has an "and" of its own (sweep s47, L6)
            effects="; ".join(message(f"monitor.validation_mode.{kind}") for kind in kinds),
        )


#: the watched models' modules, by id -> the watches that watch them
_watched: dict[int, list[ValidationModes]] = {}
#: the watches watching now, by id (held strongly: a watch never refers to its monitor)
_armed: dict[int, ValidationModes] = {}
_hook: Any = None  # torch's handle of the global hook, while any watch is armed
_cell_shell: Any = None  # the IPython shell whose ``post_run_cell`` stops the watches


def _ran(module: Any, args: Any) -> None:
    """The global forward pre-hook: note the mode a watched model's module runs in."""
    watches = _watched.get(id(module))
    if not watches:
        return
    import torch

    no_grad = not torch.is_grad_enabled()
    for watch in watches:
        watch.ran(module, no_grad)


def _arm_hook() -> None:
    global _hook, _cell_shell
    if _hook is None:
        from torch.nn.modules.module import register_module_forward_pre_hook

        _hook = register_module_forward_pre_hook(_ran)
    shell = ipython_shell()
    if shell is not None and shell is not _cell_shell:
        with contextlib.suppress(Exception):  # a shell without IPython's events
            shell.events.register("post_run_cell", stop_watching_all)
            _cell_shell = shell


def _disarm_hook() -> None:
    global _hook, _cell_shell
    if _hook is not None:
        _hook.remove()
        _hook = None
    if _cell_shell is not None:
        with contextlib.suppress(Exception):  # already removed
            _cell_shell.events.unregister("post_run_cell", stop_watching_all)
        _cell_shell = None


def stop_watching_all(*_: Any) -> None:
    """Stop every watch (IPython's ``post_run_cell``: the cell that trains is done; a
    monitor's next ``log()`` watches again)."""
    for watch in list(_armed.values()):
        watch.stop()
    _disarm_hook()
