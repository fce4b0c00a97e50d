"""``GradientWatch``: per-layer gradient norms over time, and vanishing/exploding layers flagged.

Design (the cheapest correct one): **no hooks on the model while its gradients are fine**. After
``loss.backward()`` every parameter's ``.grad`` already holds what a hook would see, so
:meth:`GradientWatch.step` reads them: the norms are computed on the device in one fused call
(``torch._foreach_norm``), stacked, and moved to the host with a single ``.tolist()`` (one
transfer per step, per device). A backward hook would run once per parameter per backward pass
and could not batch the transfer. Only the first backward is hooked, to read the layers' order
along the data flow (:class:`~nngraph.monitor._gradhooked.FlowOrder`; gone at the first step),
and, while a vanishing finding counts towards being said, the BatchNorm layers' forward, to read
the values per channel they normalise over (:class:`~nngraph.monitor._gradbatches.NormBatches`:
the input's shape, no device work).
Give ``optimizer=`` to have ``step()`` called for you: then *optimizer* step hooks are
registered (never on the model; see :class:`~nngraph.monitor._gradhooked.StepHooks`), and removed
by :meth:`close` or at the end of a ``with`` block.
A new watch of the same parameters through the same optimizer (the cell run again) closes the
older one, so no step is counted twice.

    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    >>> with GradientWatch(net) as gw:
    ...     net(torch.randn(16, 4)).pow(2).mean().backward()
    ...     norms = gw.step()
    >>> gw.layers
    ['0', '2']
    >>> sorted(gw.last) == gw.layers
    True
"""

from __future__ import annotations

import math
import weakref
from typing import Any, Literal

from nngraph._oneline import one_line
from nngraph._pretty import Text
from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor import _display
from nngraph.monitor._common import Event
from nngraph.monitor._gradargs import checked_limits, checked_model
from nngraph.monitor._gradbatches import NormBatches
from nngraph.monitor._gradevent import gradient_event, model_name
from nngraph.monitor._gradgates import biases_of
from nngraph.monitor._gradheld import Held
from nngraph.monitor._gradhooked import FlowOrder, StepHooks, close_older, hooked
from nngraph.monitor._gradnorms import layer_norms as _layer_norms
from nngraph.monitor._gradnorms import layers_of
from nngraph.monitor._gradnorms import select as _select
from nngraph.monitor._gradnostep import NeverStepped
from nngraph.monitor._gradprobe import BackwardProbe
from nngraph.monitor._gradreset import UnresetGrads
from nngraph.monitor._gradrules import Judge
from nngraph.monitor._gradsteps import EmptySteps, EvalSteps, WatchSteps, warn_stepped_twice
from nngraph.monitor._gradtable import gradient_marks, history_of, say, snapshot_of, table_text
from nngraph.monitor._history import Series, check_max_points, check_snapshot_points
from nngraph.monitor._nocopy import NotCopyable
from nngraph.monitor._text import count
from nngraph.monitor._unchanged import said_unchanged

__all__ = ["GradientWatch"]


class GradientWatch(NotCopyable, not_copied="monitor.gradwatch.copy"):
    """Records the gradient norm of every layer (module with its own parameters; of a module of
    one's own holding weights with their biases, ``W1, b1, W2, b2``, each weight) at each step.

    Call :meth:`step` after ``loss.backward()`` (or pass ``optimizer=``). The gradient
    *vanishes* when the first layer's weight gradient (biases left out) stays below ``ratio``
    times the last layer's, the layers taken along the data flow (up to 4 times ``ratio`` in a
    net of 6 layers or fewer; the first layers learn about ``1 / ratio`` times slower than the
    last: 2,000 by default, where a 6-layer sigmoid MLP at default init is at 15,000 typically,
    healthy 10-layer GELU MLPs at 1,600 or less, 8-layer ones at 170 or less), and a layer gets
    almost no gradient below ``ratio / 50`` of the largest layer's norm, or below
    ``vanishing``. A layer *explodes* when its norm grows: above ``exploding`` and 100 times or
    more its typical norm (the median of its last 20 steps), so a norm large only because of the
    loss's scale (a loss summed over the batch, raw targets in the hundreds) is no explosion; at
    the first step, a norm 1,000 times ``exploding`` or more explodes (the initialisation),
    while a large norm that stays steady from the first step on (a too-large init trained at
    a learning rate of 0) is not said: raw regression targets give such norms too (5e5 for house
    prices in dollars), and a too-large init anything from 2 (tanh) to 2e6. Each is flagged after ``patience`` steps in a row (0 or
    1: at the first such step); a non-finite gradient, or a norm 1,000 times its typical one or
    ``exploding``, at once (see :mod:`~nngraph.monitor._gradrules`).
    Each finding is said once: again only after the layer was fine for 100 steps in a row.
    Each flag becomes an :class:`Event` in ``events`` (and in ``monitor``'s, stamped with its
    epoch, if given; else with the step: "step 250: ..."), one for 3 or more layers flagged
    alike at one step, naming them (``values["layers"]``). Each event is printed once, when it
    happens ("  ! step 250: ..."), as a Monitor prints its own; with ``monitor=`` the monitor
    shows it (or not: ``display=False``). :meth:`table` lists them all. A step where every
    gradient is exactly zero (an empty batch: no data, no signal) is recorded but flags no
    layer. Steps in a row at which no parameter has a gradient, or every one is exactly zero,
    are said once: with ``optimizer=``, ``zero_grad()`` between ``backward()`` and ``step()``,
    or a ``step(closure)`` whose closure returns its loss but never calls ``backward()`` (one
    that returns None, a batch Lightning skips, is not judged); without, ``watch.step()``
    called after ``zero_grad()`` or before ``backward()``; where ``backward()`` itself gave
    the zeros, as a loss that does not change with the weights: most often exactly 0, logits
    blown up by a learning rate far too high (see :mod:`~nngraph.monitor._gradsteps`); an
    optimizer holding none of the model's parameters (an old model's: its cell was run again,
    the optimizer's not) is refused.

    Frozen layers: at each step only the parameters that require grad *then* count, so a layer
    frozen in training (``requires_grad_(False)``) gets no point and is never flagged while
    frozen, even if ``zero_grad(set_to_none=False)`` leaves it an all-zero ``.grad``; a layer
    frozen when the watch was made joins :attr:`layers` at the first step where it is
    trainable again (gradual unfreezing), and its norms are recorded from then on. A layer or
    parameter replaced after the watch was made (``net[1] = nn.Linear(...)``, a new head), or a
    layer added (``net.append(...)``: not read), is said once: make the watch after the change.

    Which gradients are read: with ``optimizer=``, ``p.grad`` as it is at ``optimizer.step()``,
    after all that runs between backward and the step. So under a ``GradScaler`` the norms are
    the true ones (``scaler.step(optimizer)`` unscales first; a step the scaler skips for an
    inf/NaN is not recorded), and after ``clip_grad_norm_`` they are the *clipped* norms: to
    see the raw ones (an exploding gradient that clipping hides), call ``step()`` right after
    ``loss.backward()`` instead. A step given a closure (``step(closure)``: LBFGS, and Lightning
    at every step) is read once the step has run, as the closure left the gradients (LBFGS calls
    it several times: its last call's). Under Lightning they are so the unscaled norms, clipped
    by ``gradient_clip_val`` if given; for the raw ones, call ``step()`` of a watch without
    ``optimizer=`` in the module's ``on_before_optimizer_step``. A ``step()`` you call reads
    ``p.grad`` as it is then: after
    ``scaler.scale(loss).backward()`` the gradients are multiplied by the scale (65536 at
    first), so call ``scaler.unscale_(optimizer)`` before ``step()``.

    As a cell's value (``watch`` on the last line) it shows its live view in a notebook (the
    norms per layer over the steps, log scale, the table as its text), and elsewhere its
    ``repr`` and :meth:`table`.

        >>> import torch, nngraph as ng
        >>> net = torch.nn.Linear(3, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
        >>> with ng.GradientWatch(net, optimizer=opt) as gw:
        ...     net(torch.ones(2, 3)).sum().backward(); opt.step()
        >>> gw.steps, round(gw.last[""], 3)  # the top-level module is called ""
        (1, 4.0)
        >>> gw
        <GradientWatch: 1 layer (model), 1 step, 0 events>
    """

    def __init__(
        self,
        model: Any,
        *wrong: Any,
        optimizer: Any = None,
        monitor: Any = None,
        vanishing: float = 1e-8,
        ratio: float = 5e-4,
        exploding: float = 1e3,
        patience: int = 3,
        max_points: int = 10_000,
    ) -> None:
        self.model = checked_model(model, wrong, optimizer, monitor)
        self.monitor = monitor
        limits = checked_limits(vanishing, ratio, exploding, patience)
        self.vanishing, self.ratio, self.exploding, self.patience = limits
        self.max_points = check_max_points(max_points)
        #: every module with parameters of its own, and each parameter with its module's index
        self._names, self._params = layers_of(self.model)
        self._joined = {i for i, p in self._params if p.requires_grad}  # indices of `layers`
        self._biases = biases_of(self.model)  # left out of the first-to-last rule
        self._batches = NormBatches(self.model)  # hooked only while a vanishing finding counts
        self._judge = Judge(
            self.model,
            vanishing=self.vanishing,
            ratio=self.ratio,
            exploding=self.exploding,
            patience=self.patience,
            batches=self._batches,
        )
        self._held = Held(self.model, self._names, self._params)  # replaced or added: said
        self._marks = gradient_marks(self._params)  # changed and no step: another optimizer?
        self._order = list(range(len(self._names)))  # layer indices along the data flow
        self._flow = FlowOrder(model)  # (a compiled wrapper is seen there)
        #: the layers watched, in the data flow's order once a backward was read (the model's
        #: before): those with a trainable parameter when the watch was made, and any other
        #: from the first step where one of its parameters is trainable (a layer unfrozen later)
        self.layers: list[str] = [self._names[i] for i in self._order if i in self._joined]
        if not self.layers:
            raise NNGraphError(message("monitor.gradwatch.no_params"))
        self.series: dict[str, Series] = {}
        self.last: dict[str, float] = {}
        self.events: list[Event] = []
        self.steps = 0
        self._frozen_steps = 0  # steps at which every parameter was frozen: nothing to read
        self._runs: dict[tuple[str, str], int] = {}  # (layer, "none") -> steps in a row
        self._hook: Any = None
        self._told_twice = False  # watch.step() on a watch that opt.step() steps: said once
        self._optimizer: Any = optimizer
        params = [p for _, p in self._params]
        self._empty = None if optimizer is None else EmptySteps(optimizer, params, self.patience)
        self._eval = EvalSteps(self.model, self.patience)  # model.train() forgotten
        self._unread = WatchSteps(params, self.patience)  # watch.step() after zero_grad()
        self._unreset = UnresetGrads(params, self.patience)  # optimizer.zero_grad() forgotten
        #: the live view in a notebook (an ``ng.LossView``), once the watch was shown
        self.view: Any = None
        self._never_stepped = NeverStepped(self._params)  # optimizer.step() forgotten
        if optimizer is not None and monitor is not None:  # checked at each log(); its
            monitor._watches.attach(self._check_stepped, optimizer)  # weight decay read
        if optimizer is not None:
            close_older(optimizer, {id(p) for _, p in self._params})
            self._hook = StepHooks(optimizer, self._optimizer_step, after=self._mark)
            hooked.add(self)
        self._flow.arm(self._params)  # last: a watch refused above leaves nothing on the model
        # never closed: only what holds hooks on the model, never what reaches the watch (the
        # optimizer's step hook does), so a forgotten watch is still freed
        weakref.finalize(self, _unhook, self._flow, *self._probes())

    def _mark(self) -> None:
        """After a step of the watch's optimizer: what the parameters hold (another optimizer
        stepping them later shows in `table()`)."""
        self._marks = gradient_marks(self._params)

    def _optimizer_step(self, closure: Any) -> None:
        """One ``optimizer.step(closure)`` (``closure`` None without one), its gradients there."""
        now = self._record()
        if self._empty is not None and (said := self._empty.check(now, closure)):
            self._emit("", said, self._empty.fields())

    def _check_stepped(self) -> None:
        """At each log() of the monitor: a watched optimizer that never steps is said once."""
        if (
            self._hook is not None
            and self._never_stepped.check(self.monitor._epoch_in_progress(), self.steps)
            and not said_unchanged(self.monitor._events)  # the monitor said it already
        ):
            self._emit("", "grad.never_stepped", self._never_stepped.fields())

    def step(self) -> dict[str, float]:
        """Read every ``p.grad`` now; returns ``{layer: gradient norm}`` for this step. A watch
        given ``optimizer=`` records each step at ``optimizer.step()`` already: there a
        ``step()`` only returns the norms now and records nothing (counted, each step would be
        two), said once in a warning; for the raw norms, step a watch without ``optimizer=``.

        >>> import torch
        >>> net = torch.nn.Linear(2, 1, bias=False); gw = GradientWatch(net)
        >>> net(torch.tensor([[3.0, 4.0]])).sum().backward(); gw.step()
        {'': 5.0}
        """
        if self._hook is None:
            return self._record()
        if not self._told_twice:
            self._told_twice = True
            warn_stepped_twice()
        return self._named(self._read()[1])

    def _read(self) -> tuple[Any, dict[int, float], dict[int, float]]:
        """The gradients now: the reading and the norms by layer index (of all parameters,
        and of the weights alone)."""
        import torch

        reading = _select(self._params, lambda i: self._names[i] or model_name(), self._biases)
        return reading, *_layer_norms(torch, reading.grads, reading.biases)

    def _named(self, norms: dict[int, float]) -> dict[str, float]:
        """``{layer: norm}`` in the order of :attr:`layers`."""
        return {self._names[i]: norms[i] for i in self._order if i in norms}

    def _record(self) -> dict[str, float]:
        """One step: the gradients now, recorded and judged."""
        reading, layer_norms, weight_norms = self._read()
        self._reorder()
        self._join(reading.trainable)
        self.steps += 1
        self._frozen_steps += not reading.trainable
        now = self._named(layer_norms)
        for name, norm in now.items():
            series = self.series.get(name)
            if series is None:
                series = self.series[name] = Series(self.max_points)
            series.append(self.steps, norm)
        self.last = now
        for layer, message_id, fields in self._held.changed_now():  # replaced or added since
            self._emit(layer, message_id, fields)
        if self._eval.check():
            self._emit("", "grad.eval_mode", self._eval.fields())
        if self._optimizer is None and (said := self._unread.check(now, reading.trainable)):
            self._emit("", said, self._unread.fields())
        if self._unreset.check(math.hypot(*now.values())):
            self._emit("", "grad.not_reset", self._unreset.fields())
        for i in self._joined - reading.trainable:  # frozen now: a bad run starts again
            self._judge.reset(self._names[i])
        if any(v != 0.0 for v in now.values()):  # all zero: an empty batch says nothing
            had = {name: self.series[name].max_value > 0 for name in now}
            weights = {self._names[i]: weight_norms[i] for i in self._order if i in weight_norms}
            for layer, message_id, fields in self._judge.findings(now, self.steps, had, weights):
                self._emit(layer, message_id, fields)
            cut = reading.waiting - layer_norms.keys() - self._held.replaced  # (said already)
            self._flag_cut({self._names[i] for i in cut})
        if self.view is not None and self.monitor is None:  # with one, its flushes send them
            self.view.refresh_soon()
        return now

    def _reorder(self) -> None:
        """Once a backward reached the parameters, the layers take the data flow's order."""
        order = self._flow.take(len(self._names))
        if order is not None and order != self._order:
            self._order = order
            self.layers[:] = [self._names[i] for i in order if i in self._joined]
            self._judge.reordered()  # the first-to-last rule now compares the right ends

    def _join(self, trainable: set[int]) -> None:
        """Layers trainable for the first time (unfrozen since the watch was made) join
        :attr:`layers`, in the data flow's order (the same list, changed in place); the next
        backward is read again to place them."""
        if not trainable <= self._joined:
            self._joined |= trainable
            self.layers[:] = [self._names[i] for i in self._order if i in self._joined]
            self._flow.arm(self._params)

    def _flag_cut(self, cut: set[str]) -> None:
        """Layers that got no gradient at all while others did: cut off from the loss. One that
        got a gradient before is not: this data skipped it (an MoE expert the router did not
        pick, a branch an `if` left out), which its series shows."""
        for layer in self.layers:  # a layer never trainable yet cannot be cut
            key = (layer, "none")
            if layer not in cut or layer in self.series:
                self._runs[key] = 0
                continue
            self._runs[key] = self._runs.get(key, 0) + 1
            if self._runs[key] == max(self.patience, 1):
                self._emit(layer, "grad.none", {})

    def _emit(self, layer: str, message_id: str, fields: dict[str, Any]) -> None:
        # the epoch the monitor is in (its epochs, not optimizer steps; its step where its
        # readings count steps); step: optimizer steps
        unit: Literal["epoch", "step"] = "step"
        epoch = self.steps
        if self.monitor is not None:
            unit, epoch = self.monitor._outside_stamp()
        event = gradient_event(layer, message_id, fields, step=self.steps, epoch=epoch, unit=unit)
        self.events.append(event)
        if self.monitor is not None:
            self.monitor.add_event(event)  # the monitor shows it, as it shows its own
        else:
            say(event)

    def history(self, layer: str) -> tuple[Any, Any]:
        """``(steps, norms)`` numpy arrays (copies) for one layer (a name from :attr:`layers`).

        >>> import torch
        >>> net = torch.nn.Linear(2, 1, bias=False); gw = GradientWatch(net)
        >>> net(torch.tensor([[3.0, 4.0]])).sum().backward(); _ = gw.step(); _ = gw.step()
        >>> [a.tolist() for a in gw.history("")]
        [[1.0, 2.0], [5.0, 5.0]]
        """
        return history_of(self, layer)

    def snapshot(self, max_points: int = 500) -> dict[str, Any]:
        """Downsampled norms per layer and the events, JSON-friendly (for a view);
        ``max_points``: at most this many points per layer (a whole number of at least 1).

        >>> import torch
        >>> net = torch.nn.Linear(2, 1, bias=False); gw = GradientWatch(net)
        >>> net(torch.tensor([[3.0, 4.0]])).sum().backward(); _ = gw.step()
        >>> gw.snapshot(max_points=10)
        {'layers': {'': {'step': [1.0], 'value': [5.0]}}, 'events': []}
        """
        return snapshot_of(self, check_snapshot_points(max_points))

    def table(self) -> str:
        """Last, lowest and highest gradient norm of every layer, as text, then the events; a
        layer name holding a newline (or another character `one_line` escapes) keeps its row one
        row. After steps that found no gradient to read, it says why there is no row.

        >>> import torch
        >>> net = torch.nn.Linear(2, 1, bias=False); gw = GradientWatch(net)
        >>> net(torch.tensor([[3.0, 4.0]])).sum().backward(); _ = gw.step()
        >>> print(gw.table())
        layer          last         min         max
        (model)           5           5           5
        >>> print(GradientWatch(net).table())  # before a step: how to record one
        no step recorded yet: call watch.step() after each loss.backward(), or ...
        """
        return Text(table_text(self))  # a cell's last line shows the table, not its repr

    def _recorded(self) -> list[tuple[str, Series]]:
        """``(layer, series)`` of the layers with norms, in the order of :attr:`layers`."""
        return [(name, self.series[name]) for name in self.layers if name in self.series]

    def __repr__(self) -> str:
        names = [one_line(n) or model_name(short=True) for n in self.layers]
        if len(names) > 6:  # short: the first and last layers
            names = [*names[:3], "\u2026", *names[-2:]]
        return message(
            "monitor.gradwatch.repr",
            layers=count("layer", len(self.layers)),
            names=", ".join(names),
            steps=count("step", self.steps),
            events=count("event", len(self.events)),
        )

    def _text(self) -> str:
        """The repr and the table (before the first step: how to record one)."""
        return repr(self) + "\n" + self.table()

    def _ipython_display_(self) -> None:
        """``watch`` as a cell's value: in a notebook its live view, else its repr and table."""
        _display.show(self, self._text())

    def close(self) -> None:
        """Remove the optimizer hooks (if any), those of a first backward not read yet, and
        the BatchNorm layers'.

        >>> import torch
        >>> net = torch.nn.Linear(2, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
        >>> gw = GradientWatch(net, optimizer=opt); gw.close(); opt.step(); gw.steps
        0
        """
        hooked.discard(self)
        _unhook(self._flow, *self._probes())
        if self._hook is not None:
            self._hook.remove()
            self._hook = None

    def _probes(self) -> list[BackwardProbe | NormBatches]:
        """The probes of the runs of steps without a gradient (hooks on the parameters), and
        the BatchNorm layers' (hooks on them while a vanishing finding counts)."""
        runs = [run.probe for run in (self._unread, self._empty) if run is not None]
        return [*runs, self._batches]

    def __enter__(self) -> GradientWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unhook(flow: FlowOrder, *probes: BackwardProbe | NormBatches) -> None:
    """Take the hooks of a first backward not read yet, and of the probes, off the model."""
    flow.remove()
    for probe in probes:
        probe.remove()
