"""`trace()`: one forward (and backward) of a model inside `record()`, the model put back
exactly as it was.

    >>> import torch, nngraph as ng
    >>> g = ng.trace(torch.nn.Linear(3, 1), torch.randn(4, 3))
    >>> sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    ['bias', 'weight']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from nngraph.capture._builder import gc_paused
from nngraph.capture._common import tensors_within
from nngraph.capture._loss import (
    call_loss,
    check_loss_function,
    check_loss_value,
    check_model_call,
)
from nngraph.capture._record import record
from nngraph.capture._recorder import Recorder
from nngraph.capture._restore import ModelState
from nngraph.capture._scope import uncompiled
from nngraph.errors import NNGraphError
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["trace"]


def trace(
    model: torch.nn.Module,
    *inputs: Any,
    loss: Callable[[Any], torch.Tensor] | None = None,
    **kwargs: Any,
) -> Graph:
    """Run `model(*inputs, **kwargs)` (and `loss(output).backward()` if `loss` is given) inside
    `record(model)` and return the graph.

    The model comes back exactly as it was: same weights and buffers (a BatchNorm's running
    statistics, an embedding renormalised by `max_norm`, weights clipped in forward are put
    back), same `training` flag, same `requires_grad` flags, and the `.grad` of every parameter
    as before the call. The backward leaves no `.grad` outside the model either: not in an
    input that requires grad, not in the model that made the input (`trace(D, G(z), ...)`).
    The random generators are put back too (the global ones and those the model's modules
    keep), so the dropout masks a seeded lesson draws next are the same with or without a
    trace before them. A `torch.compile`d model is traced
    through the module it compiled: compiling changes how the graph runs, not what it computes.

        >>> import torch, nngraph as ng
        >>> model = torch.nn.Linear(3, 1)
        >>> g = ng.trace(model, torch.randn(4, 3), loss=lambda y: y.pow(2).mean())
        >>> g.nodes[[n for n, d in g.nodes(data=True) if d["name"] == "weight"][0]]["grad"] is None
        False
    """
    if not isinstance(model, torch.nn.Module):
        raise NNGraphError(
            message("capture.not_a_module", call="trace()", got=type(model).__name__)
        )
    if isinstance(model, torch.jit.ScriptModule):
        raise NNGraphError(message("capture.script_module", got=type(model).__name__))
    if loss is not None:
        check_loss_function(loss)
    if torch.is_inference_mode_enabled():
        raise NNGraphError(message("capture.inference_mode"))
    model = uncompiled(model)
    # the cycle collector also stays off while the model's state is copied and put back:
    # tens of thousands of small objects each way for a 5,000-block chain
    recorder: Recorder | None = None
    # the random numbers dropout draws are put back too: training after a trace() draws the
    # same ones as without it, so a seeded lesson gives the same numbers either way
    with gc_paused(), torch.random.fork_rng(devices=_cuda_devices(model, (inputs, kwargs))):
        state = ModelState(model)
        state.clear_grads()
        try:
            with torch.enable_grad(), record(model, names={}) as recording:
                recorder = recording._recorder
                assert recorder is not None  # until the block ends
                recorder.scope.name_inputs(model, inputs, kwargs)
                try:
                    output = model(*inputs, **kwargs)
                except TypeError:
                    check_model_call(model, inputs, kwargs)  # the call did not fit forward?
                    raise
                recorder.model_calls = recorder.calls
                results = [output]
                if loss is not None:
                    value = call_loss(loss, output)
                    check_loss_value(value)
                    recorder.grads_before.set_aside(
                        state.params, value, walk_failed=recorder.failed
                    )
                    value.backward()
                    results.append(value)
                returned = recorder.returned(results)
                recorder.model_results = dict.fromkeys(recorder.returned([output]))
        finally:
            state.restore()
            if recorder is not None:  # what the backward reached outside the model
                recorder.grads_before.put_back(state.params)
    graph = recording.graph
    graph.graph["unused"] = [
        n for n in graph.graph["outputs"] if not returned.intersection(graph.pred[n])
    ]
    return graph


def _cuda_devices(model: torch.nn.Module, inputs: Any) -> list[int]:
    """The CUDA devices the model's parameters, buffers and the tensors in `inputs` are on."""
    if not torch.cuda.is_initialized():  # then no tensor can be on one: the walk is skipped
        return []
    tensors = [*model.parameters(), *model.buffers(), *tensors_within(inputs)]
    return sorted(
        {t.device.index or 0 for t in tensors if isinstance(t, torch.Tensor) and t.is_cuda}
    )
