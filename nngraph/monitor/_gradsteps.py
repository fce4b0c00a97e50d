"""What a :class:`~nngraph.monitor.GradientWatch` checks of the training steps themselves: that
the model trains in training mode (:class:`EvalSteps`), and, with ``optimizer=``, that the
optimizer holds the model's parameters at all (:func:`check_optimizer_trains`, when the watch
is made) and that each ``optimizer.step()`` has a gradient to apply (:class:`EmptySteps`).

``optimizer.zero_grad()`` placed between ``loss.backward()`` and ``optimizer.step()`` (or a
``loss.backward()`` left out) makes every step find no gradient: each ``.grad`` is ``None``
(``zero_grad()``'s default), or all zero (``zero_grad(set_to_none=False)``), and the model never
learns. A run of such steps is said once, with that cause. Said only when *no* parameter the
optimizer holds has a gradient, so a step of the other model of a GAN, a frozen model (nothing
trainable to step) or an expert the router skipped (the rest of the model has its gradient) is
never called that. An all-zero step may be an empty batch (the last one of a split, a filter
that kept nothing), so it takes a longer run. A step given a closure (``step(closure)``: LBFGS,
Lightning) is judged once it has run, as its closure left the gradients: a closure that returns
its loss but never calls ``loss.backward()`` is said in its own words; one that returns None
(Lightning's, when ``training_step`` returned None to skip the batch) is not judged. A run of
all-zero steps whose ``backward()`` passes gave the zeros themselves (read by a
:class:`~nngraph.monitor._gradprobe.BackwardProbe` while the run lasts) has a right loop: the
loss does not change with the weights, most often a loss of exactly 0 (logits blown up by a
learning rate far too high); it is said so (``grad.zero_flat``), never as a misplaced
``zero_grad()``. A run that began at the watch's first step, before any step had a gradient to
change the weights with, cannot be the learning rate's doing: it is said as a loss that does not
depend on the weights (``grad.zero_flat_start``: cross-entropy over a single output). Its backward passes are read on: once one gives a gradient again that the
steps do not see (the loss is no longer 0, and a misplaced ``zero_grad()`` clears it), that is
a new run, said in its own words.

    >>> import torch
    >>> net = torch.nn.Linear(2, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
    >>> steps = EmptySteps(opt, list(net.parameters()), patience=2)
    >>> [steps.check({}) for _ in range(3)]  # no .grad, no backward: said once, at the 2nd step
    [None, 'grad.step_unreached', None]
"""

from __future__ import annotations

import warnings
from typing import Any

from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.i18n import message
from nngraph.monitor._gradacts import and_list
from nngraph.monitor._gradhooked import NotedClosure
from nngraph.monitor._gradprobe import BackwardProbe, Verdict, nonzero

__all__ = [
    "NONE_RUN",
    "ZERO_RUN",
    "EmptySteps",
    "EvalSteps",
    "WatchSteps",
    "check_optimizer_trains",
    "warn_stepped_twice",
]

#: at most this many names of parameters an optimizer leaves out are written out
_LEFT_OUT_NAMES = 6

#: steps in a row with every ``.grad`` None before it is said (one may be a fluke)
NONE_RUN = 2
#: steps in a row with every gradient exactly zero: empty batches come alone, or a few at most
ZERO_RUN = 5


def warn_stepped_twice() -> None:
    """Say that ``watch.step()`` on a watch given ``optimizer=`` records nothing: each
    ``optimizer.step()`` records one step already (said once per watch, by the caller)."""
    text = message("monitor.gradwatch.stepped_by_optimizer")
    warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())


def check_optimizer_trains(optimizer: Any, model: Any) -> None:
    """Refuse an optimizer that holds none of ``model``'s parameters: its ``step()`` does not
    train this model, and ``zero_grad()`` never clears its gradients, which pile up step after
    step. The cause is nearly always the cell that makes the model run again, and not the one
    that makes the optimizer. An optimizer holding only some of them is fine where the others
    are frozen (a head fine-tuned on a frozen backbone); trainable ones it leaves out (a layer
    replaced after the optimizer was made) are said in a warning. One without ``param_groups``
    is not judged.

        >>> import torch
        >>> old = torch.nn.Linear(2, 1); opt = torch.optim.SGD(old.parameters(), lr=0.1)
        >>> check_optimizer_trains(opt, old)
        >>> check_optimizer_trains(opt, torch.nn.Linear(2, 1))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        nngraph.errors.NNGraphError: the optimizer holds none of this model's parameters...
    """
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list):
        return
    held = {id(p) for group in groups if isinstance(group, dict) for p in group.get("params", ())}
    own = {id(p) for p in model.parameters()}
    if own and held.isdisjoint(own):  # a model without any is said by GradientWatch itself
        raise NNGraphError(message("monitor.gradwatch.optimizer_other"))
    left_out = [
        name for name, p in model.named_parameters() if p.requires_grad and id(p) not in held
    ]
    if left_out:
        if len(left_out) > _LEFT_OUT_NAMES:  # a whole backbone: the first few, and how many
            more = message("monitor.gradwatch.more", n=len(left_out) - _LEFT_OUT_NAMES + 1)
            left_out = [*left_out[: _LEFT_OUT_NAMES - 1], more]
        text = message("monitor.gradwatch.optimizer_leaves_out", names=and_list(left_out))
        warnings.warn(text, UserWarning, stacklevel=stacklevel_outside())


class _RunWithout:
    """Steps in a row without a gradient, said once per run: after :data:`NONE_RUN` steps at
    which every ``.grad`` was None, or :data:`ZERO_RUN` once one of them had all-zero
    gradients (one may be an empty batch); never before ``patience`` steps. While a run is
    not said, the backward passes between its steps over ``params`` are read by ``probe`` (see
    :class:`~nngraph.monitor._gradprobe.BackwardProbe`); ``call``: what the steps are, in
    the message. A run said as backward's own zeros (:meth:`_flat`) is read on: once a
    backward gives a gradient again that the step does not see (the loss came back, and a
    misplaced ``zero_grad()`` clears it), a new run begins there, judged and said anew."""

    def __init__(self, params: list[Any], patience: int, call: str) -> None:
        self._patience = patience
        self.run = 0  # steps in a row without a gradient
        self._zero = False  # one of them had all-zero gradients (not only None)
        self._said = False  # this run was said
        self._said_flat = False  # and as backward's own zeros: its backward passes are read on
        self.probe = BackwardProbe(params)
        self._found: set[Verdict] = set()  # what the backward passes between its steps gave
        self.call = call
        self.learned = False  # a step had a gradient: the weights may have been changed

    def _flat_id(self) -> str:
        """The message of a run of backward's own zeros: after a step with a gradient, logits
        blown up by a learning rate are possible; from the first step on, they are not."""
        return "grad.zero_flat" if self.learned else "grad.zero_flat_start"

    def _one_more(self, zero: bool) -> bool:
        """One more step of the run (``zero``: all-zero gradients, not only None); whether the
        run is to be said now."""
        if self.run == 0:
            self._begin()
        elif not self._said:
            self._found.add(self.probe.take())
        elif self._said_flat and self.probe.take() == "cleared":  # cleared before this step
            self._begin()
            self._found = {"cleared"}
        self._zero = self._zero or zero
        self.run += 1
        if self._said or self.run < max(self._patience, ZERO_RUN if self._zero else NONE_RUN):
            return False
        self._said = True
        self._said_flat = self._flat()
        if not self._said_flat:
            self.probe.remove()
        return True

    def _begin(self) -> None:
        """A new run, from this step on: its backward passes are read from now on."""
        self.run = 0
        self._zero = self._said = self._said_flat = False
        self._found = set()
        self.probe.arm()

    def _ended(self) -> None:
        """A step with a gradient (or one not judged): the run ends."""
        self.run = 0
        self.probe.remove()

    def _flat(self) -> bool:
        """Whether the run's all-zero gradients came from ``backward()`` itself (none that
        ran left one other than zero): the loss does not change with the weights."""
        return self._zero and "flat" in self._found and "cleared" not in self._found

    def _unreached(self) -> bool:
        """Whether no ``backward()`` reached the parameters between the run's steps: no
        ``zero_grad()`` cleared what they had. None ran, or the loss comes from other
        parameters (the cell that makes the model run again, not the optimizer's or the
        watch's), or from none (a loss with no graph behind it: ``.item()`` made a tensor
        again, ``.detach()``, a forward under ``torch.no_grad()``). The probe sees only what
        reaches the parameters, so the message names all three."""
        return self.probe.hooked and self._found == {"unseen"}

    def fields(self) -> dict[str, Any]:
        """The fields of the message said: the steps in the run, and what they are."""
        return {"steps": self.run, "call": self.call}


class EmptySteps(_RunWithout):
    """Counts the optimizer steps in a row at which no parameter of ``optimizer`` that requires
    grad has a gradient; ``watched``: the parameters whose norms the watch reads (``now`` in
    :meth:`check`), so only the optimizer's other parameters are read here."""

    def __init__(self, optimizer: Any, watched: list[Any], patience: int) -> None:
        super().__init__(watched, patience, "optimizer.step()")
        self._optimizer = optimizer
        self._watched = {id(p) for p in watched}

    def check(self, now: dict[str, float], closure: NotedClosure | None = None) -> str | None:
        """One ``optimizer.step(closure)``, ``now``: the watched layers' norms read at it (after
        the step, with a closure). The message id to say, once per run, when the run is long
        enough. A closure that returned no loss (or was not called) is not judged: a skipped
        batch."""
        skipped = closure is not None and not closure.loss
        if skipped or any(v != 0.0 for v in now.values()):  # a gradient is there
            self.learned = self.learned or not skipped
            self._ended()
            return None
        held = [p for g in self._optimizer.param_groups for p in g["params"] if p.requires_grad]
        others = [p.grad for p in held if id(p) not in self._watched and p.grad is not None]
        if not held or any(nonzero(g) for g in others):  # frozen, or another part learns
            self.learned = self.learned or bool(held)
            self._ended()
            return None
        if not self._one_more(bool(now) or bool(others)):
            return None
        which = "closure" if closure is not None else "step"
        self.call = "optimizer.step(closure)" if closure is not None else "optimizer.step()"
        if self._flat():  # the loop is right: the loss gave nothing to learn from
            return self._flat_id()
        if closure is None and self._unreached():
            return "grad.step_unreached"
        return f"grad.{which}_zero" if self._zero else f"grad.{which}_none"


class WatchSteps(_RunWithout):
    """Counts the ``watch.step()`` calls in a row (a watch without ``optimizer=``) that found
    no gradient: every ``.grad`` None, or every one exactly zero, while a parameter is
    trainable. ``watch.step()`` called after ``optimizer.zero_grad()``, or before
    ``loss.backward()``, reads that at every step. Said once per run, as :class:`EmptySteps`
    does; an empty batch (one all-zero step) is not. ``params``: the parameters the watch reads.

        >>> steps = WatchSteps([], patience=3)
        >>> [steps.check({"0": 0.0}, {0}) for _ in range(5)][-1]
        'grad.watch_zero'
    """

    def __init__(self, params: list[Any], patience: int) -> None:
        super().__init__(params, patience, "watch.step()")

    def check(self, now: dict[str, float], trainable: set[int]) -> str | None:
        """One ``watch.step()``, ``now``: the norms read (none without any ``.grad``),
        ``trainable``: the layers with a parameter that requires grad. The message id to say,
        once per run, when the run is long enough."""
        if not trainable or any(v != 0.0 for v in now.values()):  # frozen, or a gradient
            self.learned = self.learned or bool(trainable)
            self._ended()
            return None
        if not self._one_more(bool(now)):
            return None
        if self._flat():  # the loop is right: the loss gave nothing to learn from
            return self._flat_id()
        if self._unreached():
            return "grad.watch_unreached"
        return "grad.watch_zero" if self._zero else "grad.watch_none"


class EvalSteps:
    """Counts the steps in a row taken while the model is in eval mode, when it has modules
    that act otherwise then (``modules``: their types) and that sit in a part that trains:
    Dropout drops nothing, BatchNorm normalises with its running statistics and stops updating
    them. The classic slip is ``model.eval()`` for validation and no ``model.train()`` before
    the next epoch. Not counted: BatchNorm frozen for fine-tuning (those modules in eval, the
    model in train), a frozen backbone put in eval on purpose while a head trains (a linear
    probe: its modules' parent has no trainable parameter), a Dropout with ``p=0``.

        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout()).eval()
        >>> steps = EvalSteps(net, patience=2)
        >>> steps.modules, [steps.check() for _ in range(3)]
        ('Dropout', [False, True, False])
        >>> steps.fields()["effects"]
        'Dropout drops nothing'

    """

    def __init__(self, model: Any, patience: int) -> None:
        from torch import nn

        self._modal: list[tuple[Any, Any]] = []  # (module, its parent)
        for parent in model.modules():
            for child in parent.children():
                dropout = isinstance(child, nn.modules.dropout._DropoutNd) and child.p > 0
                norm = isinstance(child, nn.modules.batchnorm._NormBase)
                if dropout or (norm and child.track_running_stats):
                    self._modal.append((child, parent))
        self._types = list(dict.fromkeys(type(m).__name__ for m, _ in self._modal))
        self.modules = ", ".join(self._types)
        dropout_type = nn.modules.dropout._DropoutNd
        kinds = ("dropout" if isinstance(m, dropout_type) else "norm" for m, _ in self._modal)
        self._kinds = list(dict.fromkeys(kinds))  # each once, in the order of self._types
        self._model = model
        self._patience = max(patience, 1)
        self.run = 0

    def fields(self) -> dict[str, str]:
        """The words of the message: the module types there are (``modules``), the verb that
        agrees with them (``act``) and what each kind does in eval mode (``effects``, in the
        order of ``modules``)."""
        return {
            "modules": and_list(self._types),
            "act": message("monitor.grad.eval." + ("act_one" if len(self._types) == 1 else "act")),
            "effects": and_list([message(f"monitor.grad.eval.{kind}") for kind in self._kinds]),
        }

    def check(self) -> bool:
        """One training step: whether to say now that the model trains in eval mode (once
        per run of such steps)."""
        self.run = self.run + 1 if self._modal and not self._model.training else 0
        return self.run == self._patience and any(
            p.requires_grad for _, parent in self._modal for p in parent.parameters()
        )
