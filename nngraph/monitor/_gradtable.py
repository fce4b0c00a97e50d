"""The words of a :class:`~nngraph.monitor.GradientWatch`: its table, and its events said as
they happen (and its norms read back: :func:`history_of`, :func:`snapshot_of`).

An event is printed once, when it happens, as a :class:`~nngraph.monitor.Monitor` prints its
own ("  ! step 3: ..."); a watch given ``monitor=`` leaves that to the monitor (its text lines or
its live view, or nothing with ``display=False``). The table lists every layer's norms, says why
there are none after steps that found no gradient (``zero_grad()`` between ``backward()`` and
``step()``) and lists the events, so ``print(watch.table())`` and the view's text tell the story.

    >>> import torch
    >>> from nngraph.monitor import GradientWatch
    >>> net = torch.nn.Linear(2, 1); gw = GradientWatch(net); _ = gw.step()
    >>> print(table_text(gw))  # a step before any backward(): nothing to read
    no gradient norms to show: watch.step() ran (1 step), but no parameter had a gradient ...
"""

from __future__ import annotations

import math
import weakref
from typing import TYPE_CHECKING, Any

from nngraph._oneline import one_line, shown_width
from nngraph.errors import NNGraphError
from nngraph.i18n import message
from nngraph.monitor._common import Event, json_number, short_repr
from nngraph.monitor._distributed import current_rank
from nngraph.monitor._text import count

if TYPE_CHECKING:
    from nngraph.monitor._gradwatch import GradientWatch

__all__ = ["gradient_marks", "history_of", "say", "snapshot_of", "stepped_elsewhere", "table_text"]


def history_of(watch: GradientWatch, layer: object) -> tuple[Any, Any]:
    """:meth:`GradientWatch.history`: ``(steps, norms)`` of ``layer`` (copies), or an
    NNGraphError that names the layers; the model's own parameters (layer ``""``) under the
    table's name for them too, ``(model)``."""
    if not isinstance(layer, str):  # a list is no key (unhashable), an array none either
        example = watch.layers[0] if watch.layers else ""
        raise NNGraphError(
            message("monitor.error.history_name", example=example, got=short_repr(layer))
        )
    model = message("monitor.gradwatch.model")  # the table's name of the model's own row
    series = watch.series.get(layer)
    if series is None and layer == model:
        series = watch.series.get("")
    if series is None:
        layers = [name or model for name in watch.layers]
        raise NNGraphError(message("monitor.gradwatch.unknown_layer", layer=layer, layers=layers))
    return series.steps.copy(), series.values.copy()


def snapshot_of(watch: GradientWatch, max_points: int) -> dict[str, Any]:
    """:meth:`GradientWatch.snapshot`: at most ``max_points`` norms per layer, and the events."""
    layers = {}
    for name, series in watch._recorded():
        steps, values = series.downsample(max_points)
        layers[name] = {"step": steps.tolist(), "value": json_number(values.tolist())}
    return {"layers": layers, "events": [e.to_dict() for e in watch.events]}


def say(event: Event) -> None:
    """Print ``event`` on one line, stamped with its step or epoch (only rank 0 prints, as a
    Monitor does under ``torch.distributed``)."""
    if current_rank() == 0:
        print(one_line(message("monitor.text.event", message=str(event))), flush=True)


def table_text(watch: GradientWatch) -> str:
    """Last, lowest and highest gradient norm of every layer, then the events; before the
    first step, how to record one; after steps without any norm, why there is none."""
    if not watch.steps:  # with optimizer=, each opt.step() records one
        key = "no_steps" if watch._hook is None else "no_steps_yet"
        if watch._hook is not None and stepped_elsewhere(watch._params, watch._marks):
            key = "no_steps_other_optimizer"  # the optimizer made again after the watch?
        return message("monitor.gradwatch." + key)
    lines = _rows(watch) if watch._recorded() else [_no_norms(watch)]
    if watch._hook is not None and stepped_elsewhere(watch._params, watch._marks):
        lines.append(message("monitor.gradwatch.other_optimizer_since", steps=watch.steps))
    if watch.events:
        lines.append(message("monitor.summary.events", events=count("event", len(watch.events))))
        lines += [one_line(f"  {e}") for e in watch.events]
    return "\n".join(lines)


def gradient_marks(params: list[tuple[int, Any]]) -> dict[int, tuple[int, Any, int]]:
    """What the ``(layer, parameter)`` pairs hold: ``{id(p): (p's version, p.grad weakly,
    the gradient's version)}``, read when a watch is made and after each step of its
    optimizer. The gradient is held weakly, not by ``id()``: a new gradient may take the
    memory, and the id, of the one ``zero_grad()`` freed.

        >>> import torch
        >>> net = torch.nn.Linear(2, 1); marks = gradient_marks([(0, net.weight)])
        >>> marks[id(net.weight)][1] is None  # no gradient yet
        True
    """
    return {
        id(p): (
            p._version,
            None if p.grad is None else weakref.ref(p.grad),
            -1 if p.grad is None else p.grad._version,
        )
        for _, p in params
        if not p.is_inference()  # (no version counter)
    }


def stepped_elsewhere(
    params: list[tuple[int, Any]], marks: dict[int, tuple[int, Any, int]]
) -> bool:
    """Whether a parameter got a new gradient and was changed in place since ``marks``
    (:func:`gradient_marks`): a watch given ``optimizer=`` that recorded no step since then
    most likely follows an optimizer made again (its cell run again). A gradient alone (read
    before the first step, mid gradient accumulation, a ``GradScaler`` skipping its first
    steps) changes no parameter, and a change alone (weight clipping after the step) brings
    no gradient.

        >>> import torch
        >>> net = torch.nn.Linear(2, 1); params = [(0, net.weight)]; before = gradient_marks(params)
        >>> net(torch.ones(1, 2)).sum().backward(); stepped_elsewhere(params, before)
        False
        >>> torch.optim.SGD(net.parameters(), lr=0.1).step(); stepped_elsewhere(params, before)
        True
    """
    for _, p in params:
        mark = marks.get(id(p))
        if mark is None or p.is_inference():
            continue
        version, grad_then, grad_version = mark
        grad = p.grad
        new_grad = grad is not (None if grad_then is None else grad_then()) or (
            grad is not None and grad._version != grad_version
        )
        if p._version != version and new_grad:
            return True
    return False


def _no_norms(watch: GradientWatch) -> str:
    """Why steps were recorded but no norm: every parameter frozen at each of them, or no
    gradient to read (with ``optimizer=``: read at ``optimizer.step()``, after ``zero_grad()``)."""
    steps = count("step", watch.steps)
    if watch._frozen_steps == watch.steps:
        return message("monitor.gradwatch.all_frozen", steps=steps)
    key = "no_gradients" if watch._optimizer is None else "no_gradients_at_step"
    said = [e.message_id for e in watch.events if e.message_id.startswith("grad.step_")]
    if said and said[-1] == "grad.step_unreached":  # no backward reached the parameters
        key = "no_gradients_unreached"
    return message("monitor.gradwatch." + key, steps=steps)


def _rows(watch: GradientWatch) -> list[str]:
    """The header and one row per layer with norms; a layer name holding a newline (or another
    character `one_line` escapes) keeps its row one row."""
    recorded = watch._recorded()
    model = message("monitor.gradwatch.model")
    names = [one_line(n) or model for n, _ in recorded]
    cols = message("monitor.gradwatch.table.columns").split("|")
    w = max([shown_width(n) for n in names] + [shown_width(cols[0]), 5])
    header = dict(zip(("layer", "last", "low", "high"), cols, strict=True))
    lines = [message("monitor.gradwatch.table.header", **header, w=w)]
    for shown, (_, series) in zip(names, recorded, strict=True):
        last = series.last
        seen = series.min_value <= series.max_value  # no: every norm was NaN
        lines.append(
            message(
                "monitor.gradwatch.table.row",
                layer=shown,
                last=last[1] if last else math.nan,
                low=series.min_value if seen else math.nan,
                high=series.max_value if seen else math.nan,
                w=w - (shown_width(shown) - len(shown)),  # the template pads by len()
            )
        )
    return lines
