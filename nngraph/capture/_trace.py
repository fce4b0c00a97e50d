"""`trace()`: one forward (and backward) of a model inside `record()`, the model put back
exactly as it was.

    >>> import torch, nngraph as ng
    >>> g = ng.trace(torch.nn.Linear(3, 1), torch.randn(4, 3))
    >>> sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param")
    ['bias', 'weight']
"""

from __future__ import annotations

import random
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from functools import partial
from typing import Any

import numpy as np
import torch

from nngraph._compiled import uncompiled
from nngraph._gc import gc_paused
from nngraph._interrupts import interrupts_held
from nngraph.capture._common import (
    NNGraphWarning,
    drop_recording_frames,
    hidden,
    named_tensors_within,
    tensors_within,
)
from nngraph.capture._cut import cut_from_history
from nngraph.capture._finish import results_of_model
from nngraph.capture._loss import (
    call_loss,
    check_batch_as_keywords,
    check_loss_function,
    check_loss_value,
    check_model_call,
)
from nngraph.capture._loss_names import names_in_loss
from nngraph.capture._loss_reads import check_loss_reads_forward
from nngraph.capture._modules import unreached_parameters
from nngraph.capture._record import record
from nngraph.capture._recorder import Recorder
from nngraph.capture._recursion import add_recursion_note
from nngraph.capture._restore import ModelState
from nngraph.capture._wrong_inputs import check_has_forward, refuse_data_loaders
from nngraph.errors import NNGraphError, stacklevel_outside
from nngraph.graph import Graph
from nngraph.i18n import message

__all__ = ["trace"]

#: `trace()` clears the model's `.grad`, reads the gradients its backward leaves there and puts
#: the model and the random generators back: two at once in two threads would read each
#: other's gradients and put back each other's state (also through a layer two models share).
#: One runs at a time; another thread's call is refused at once, never kept waiting, since a
#: wait could be for ever (a forward that waits for the other thread's trace). A thread may
#: trace again within its own trace.
_RUNNING = threading.RLock()


def trace(
    model: torch.nn.Module,
    /,
    *inputs: Any,
    loss: Callable[[Any], torch.Tensor] | None = None,
    **kwargs: Any,
) -> Graph:
    """Run `model(*inputs, **kwargs)` (and `loss(output).backward()` if `loss` is given) inside
    `record(model)` and return the graph.

    The model comes back exactly as it was.

    What is put back:

    - weights and buffers (a BatchNorm's running statistics, an embedding renormalised by
      `max_norm`, weights clipped in forward), a sparse or quantized buffer, the cache of
      `parametrize.cached()`, the `training` flag and every `requires_grad` flag;
    - the `.grad` of every parameter as before the call; the backward leaves no `.grad` outside
      the model either: not in an input that requires grad, not in the model that made the
      input (`trace(D, G(z), ...)`);
    - the modules' own attributes (a hidden state carried as `self.h`, a call counter, a cache
      list, what a dataclass (one with a `__dict__`), a `SimpleNamespace` or an
      `argparse.Namespace` holds, NumPy arrays of up to a million elements in all; one the
      forward added is removed);
    - the random generators (the global ones, those the model's modules keep, also in a list or
      dict, and those given as arguments), so the dropout masks a seeded lesson draws next are
      the same with or without a trace before them;
    - all of the above for another model with parameters that the call runs at top level (a
      GAN's discriminator in `loss=lambda fake: -D(fake).mean()`): a BatchNorm of its keeps
      its running statistics. Not for one frozen in eval mode (no module training, no
      parameter requiring grad: a perceptual loss's network), whose forward moves no
      statistics and which is not copied, so a call counter of its own stays advanced; nor
      for a module without parameters run there (`BatchNorm1d(affine=False)`).

    What it does not do: it stops at the inputs (the history of an input, the generator's ops
    behind `G(z)`, is shown but not run, so the user's graph behind it stays usable and no hook
    of another model runs; the input's node shows the gradient that reached the input). A
    `torch.compile`d model is traced through the module it compiled: compiling changes how the
    graph runs, not what it computes (its parameters keep the names `model.named_parameters()`
    gives them, `_orig_mod.fc.weight`). A lazy layer (`nn.LazyLinear`) that had not run yet is
    sized by the trace's forward, as by any first forward: it stays the `Linear` it became.

    What is refused, with an `NNGraphError` (the model is put back as above):

    - a call while `ng.trace()` runs in another thread, at once (it puts back state that two
      traces would mix up; waiting could be for ever, where that thread waits for this one);
    - an input made under `torch.inference_mode()`, before anything runs (autograd cannot use
      it): make it outside that block, or pass `x.clone()`;
    - a model without a `forward` of its own (`nn.ModuleList`) or a `DataLoader` as its first
      input, before anything runs;
    - a loss that does not use what the forward made (`loss=lambda out: loss_value`, computed
      before; `lambda out: F.mse_loss(model(x), y)`, the model run again), before the backward:
      its gradients are not this forward's (one reading the output through `.detach()` is
      taken: the graph shows that path);
    - a forward that returns a generator or another iterator (`map`, `zip`) when no `loss=`
      reads it: its values would be computed only after the trace, so the graph would be empty;
    - a forward that returns None (no `return`) to a `loss=` that fails on it: the error asks
      whether forward forgot `return` (the loss's own error is its cause); without `loss=`, a
      warning says so, as the graph then has no output. Anything else returned, also a structure
      without a tensor, is taken as meant.

    How errors surface: an error raised by the model's forward, the loss or its backward
    propagates unchanged (same type, same message), with the traceback it has without nngraph:
    it ends in the user's code or torch's, not in a frame of nngraph's. A model that fails on
    an input that is numbers but no tensor (a list, a NumPy array), with an error naming its
    type, gets an `NNGraphError` that says to make it a tensor. Where the error names an
    iterator, a `Dataset` or a whole `(x, y)` batch given as an input, or is about the meta
    device where the weights are, a note under the error (Python 3.11 on) says what to give
    instead: the error itself may be the forward's own. A `RecursionError` met with modules
    nested a few hundred deep (PyTorch's hook path takes one more frame per module call than
    without nngraph) gets a note saying how to raise the limit. Inputs are given to the model
    as they are (a list of lengths, a flag, a generator it reads), nothing is converted.

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
    check_has_forward(model)
    if loss is not None:
        check_loss_function(loss)
    refuse_data_loaders(inputs, kwargs)
    check_batch_as_keywords(model, inputs, kwargs)
    if torch.is_inference_mode_enabled():
        raise NNGraphError(message("capture.inference_mode"))
    with hidden():  # nngraph's own look at the inputs: no mode of the user's sees it
        _refuse_inference_tensors(inputs, kwargs)
    __tracebackhide__ = True  # from here on, an error is the user's model's or loss's
    try:
        if not _RUNNING.acquire(blocking=False):
            raise NNGraphError(message("capture.trace_in_another_thread"))
        try:
            return _traced(model, inputs, kwargs, loss)
        finally:
            _RUNNING.release()
    except BaseException as error:
        add_recursion_note(error)  # a model nested a few hundred deep: how to raise the limit
        # its traceback ends where it ends without nngraph: in the user's forward or loss
        drop_recording_frames(error)
        raise


def _traced(
    model: torch.nn.Module,
    inputs: tuple[Any, ...],
    kwargs: dict[str, Any],
    loss: Callable[[Any], torch.Tensor] | None,
) -> Graph:
    """The run of `trace()`, once its arguments are checked. A `torch.compile`d model runs
    the module it compiles, recorded through the wrapper: its parameters are named as
    `model.named_parameters()` names them (`_orig_mod.fc.weight`)."""
    __tracebackhide__ = True  # it passes the errors of the user's code on
    given, model = model, uncompiled(model)
    # the cycle collector also stays off while the model's state is copied and put back:
    # tens of thousands of small objects each way for a 5,000-block chain
    recorder: Recorder | None = None
    # the random numbers dropout draws are put back too (and those of Python's `random` and
    # numpy's, which a forward may draw from: stochastic depth with `random.random()`):
    # training after a trace() draws the same ones as without it, so a seeded lesson gives the
    # same numbers either way
    devices = _cuda_devices(model, (inputs, kwargs))
    with gc_paused(), _hidden(torch.random.fork_rng(devices=devices)), _python_rng_kept():
        with hidden():  # nngraph's own calls: no mode of the user's sees them
            state = ModelState(model, arguments=[*inputs, *kwargs.values()])
        # the models `loss=` runs (a GAN's discriminator, a perceptual loss's network) are put
        # back too: a BatchNorm of theirs in training mode updates its running statistics
        others: list[ModelState] = []
        try:
            with hidden():  # in the try: a Ctrl-C half way still gets the `.grad`s put back
                state.clear_grads()
            # the tensors `loss=` reads are named as it names them (the targets: `labels`)
            names = names_in_loss(loss)
            with _hidden(torch.enable_grad()), record(given, names=names) as recording:
                recorder = recording._recorder
                assert recorder is not None  # until the block ends
                recorder.scope.on_new_root = partial(_keep_state, others)
                recorder.lists_unreached = False  # listed below, for the given model alone
                recorder.scope.name_inputs(model, inputs, kwargs)
                inputs, kwargs = cut_from_history(recorder, inputs, kwargs)
                first_call = recorder.calls
                try:
                    output = model(*inputs, **kwargs)
                except Exception as error:
                    with hidden():  # the call did not fit, or the inputs are never a tensor?
                        check_model_call(model, inputs, kwargs, error)
                    raise
                recorder.model_calls = recorder.calls
                if loss is None:
                    _refuse_lazy_output(output)
                    if output is None:
                        _warn_returned_none()
                results = [output]
                if loss is not None:
                    value = _loss_of(loss, output)
                    with hidden():
                        node = recorder.lookup(value)
                        check_loss_value(value, recorder.graph, node, recorder.model_calls)
                        _check_no_backward_yet(recorder, value)
                        forward_calls = range(first_call, recorder.model_calls)
                        check_loss_reads_forward(recorder, value, output, forward_calls)
                        state.drop_copies()
                        recorder.grads_before.set_aside(
                            state.leaves, value, walk_failed=recorder.failed
                        )
                    with _hidden(_without_autocast()):
                        value.backward()
                    results.append(value)
                with hidden():
                    returned = set(recorder.returned(results))
                    recorder.model_results = results_of_model(recorder, output)
                    paths = _paths_of_results(recorder, output)
        finally:
            with hidden(), interrupts_held():  # a Ctrl-C now would leave the model half put back
                for other in reversed(others):  # first: one may hold the model (`wrapper`)
                    other.restore()
                state.restore()
                if recorder is not None:  # what the backward reached outside the model
                    recorder.grads_before.put_back(state.leaves)
    graph = recording.graph
    graph.graph["unused"] = [
        n for n in graph.graph["outputs"] if not returned.intersection(graph.pred[n])
    ]
    _label_by_path(graph, paths)
    # the model's trainable parameters its forward never used: health() names them
    present = {d["name"] for d in graph._node.values() if d["kind"] == "param" and d["name"]}
    with hidden():  # reading `requires_grad` is nngraph's own look: no mode of the user's sees it
        unreached = unreached_parameters(given, graph, present)
    if unreached is not None:
        graph.graph["unreached"] = unreached
    return graph


def _keep_state(states: list[ModelState], model: torch.nn.Module) -> None:
    """Keep the state of `model`, a model the trace runs outside the traced one, before it
    runs. A frozen model in eval mode (a perceptual loss's network) is left out: its forward
    updates no statistics and its weights get no `.grad`, and a copy would double its memory."""
    with hidden():
        frozen = not any(m.training for m in model.modules()) and not any(
            p.requires_grad for p in model.parameters()
        )
        if not frozen:
            states.append(ModelState(model))


def _paths_of_results(recorder: Recorder, output: Any) -> dict[str, set[str]]:
    """The node of each tensor in what the model returned (a dataclass, a dict, a tuple), with
    the paths that reach it there (`.logits`, `['mu']`, `[0]`); nothing for a lone tensor."""
    paths: dict[str, set[str]] = {}
    for path, t in named_tensors_within(output):
        if path:
            for node_id in recorder.returned([t]):
                paths.setdefault(node_id, set()).add(path)
    return paths


def _label_by_path(graph: Graph, paths: dict[str, set[str]]) -> None:
    """Label the outputs of what the model returned in a structure by their path in it,
    `output.logits`, `output['mu']`, as inputs are labelled (`batch['x']`): an output no
    variable named, of a node that only one path reaches (`{"mu": mu, "logvar": logvar}` cut
    from one `chunk` is one node, and stays "output")."""
    for o in graph.graph["outputs"]:
        if graph.nodes[o]["name"] is not None:
            continue
        found = {path for source in graph.pred[o] for path in paths.get(source, ())}
        if len(found) == 1:  # its label only: a name is a variable's (see `summary()`)
            graph.nodes[o]["label"] = message("capture.output_label") + found.pop()


@contextmanager
def _hidden(context: AbstractContextManager[Any]) -> Iterator[None]:
    """Enter and leave `context` (a grad mode, `fork_rng`: none that swallows an error) unseen
    by the user's modes."""
    with hidden():
        context.__enter__()
    try:
        yield
    finally:
        with hidden():
            context.__exit__(None, None, None)


@contextmanager
def _python_rng_kept() -> Iterator[None]:
    """Put back the state of Python's `random` and numpy's global generator after the block."""
    python, numpy = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(python)
        np.random.set_state(numpy)


@contextmanager
def _without_autocast() -> Iterator[None]:
    """Autocast turned off where the caller turned it on: `with torch.autocast(...):
    ng.trace(...)` runs the forward in lower precision and the backward outside autocast, as
    PyTorch's mixed-precision recipe does (a backward inside autocast gives other gradients)."""
    with ExitStack() as stack:
        for device in ("cpu", "cuda"):
            if torch.is_autocast_enabled(device):
                stack.enter_context(torch.autocast(device, enabled=False))
        yield


def _refuse_inference_tensors(inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse an input holding a tensor made under `torch.inference_mode()`: autograd cannot
    save one for the backward, and PyTorch would say so from deep inside the model."""
    arguments = [(f"inputs[{i}]", v) for i, v in enumerate(inputs)] + list(kwargs.items())
    for name, value in arguments:
        for path, tensor in named_tensors_within(value):
            if tensor.is_inference():
                raise NNGraphError(message("capture.inference_input", where=name + path))


def _refuse_lazy_output(output: Any) -> None:
    """Raise if the model returned a generator or another iterator (`map`, `zip`, ...) and no
    `loss=` reads it: its values are computed only when read, after `trace()` has finished, so
    the graph would be empty or partial.

        >>> _refuse_lazy_output(x * 2 for x in range(3))
        Traceback (most recent call last):
        ...
        nngraph.errors.NNGraphError: the model returned an iterator (generator): ...
        >>> _refuse_lazy_output((torch.ones(1), [torch.ones(1)]))  # a tuple or list is read now
    """
    if isinstance(output, Iterator) and not isinstance(output, torch.Tensor):
        raise NNGraphError(message("capture.lazy_output", got=type(output).__name__))


def _loss_of(loss: Callable[[Any], torch.Tensor], output: Any) -> Any:
    """`loss(output)`; where the model returned None and the loss fails on it (`None.sum()`,
    `cross_entropy(None, y)`: an error about a `NoneType`), an `NNGraphError` that asks whether
    forward forgot `return`, with the loss's error as its cause. A loss that does not read the
    output (`lambda _: model.aux_loss`) still runs, and its own errors propagate unchanged."""
    __tracebackhide__ = True  # an error inside the user's loss is theirs
    if output is not None:
        return call_loss(loss, output)
    try:
        return call_loss(loss, output)
    except (TypeError, AttributeError) as error:
        if "NoneType" not in str(error):
            raise
        raise NNGraphError(message("capture.returned_none_loss")) from error


def _warn_returned_none() -> None:
    """Say that the model returned None (a forward without `return`): the graph has no output."""
    warnings.warn(message("capture.returned_none"), NNGraphWarning, stacklevel=stacklevel_outside())


def _check_no_backward_yet(recorder: Recorder, value: torch.Tensor) -> None:
    """Raise if a backward already ran from `value`, the loss: the `loss=` function called
    `.backward()` itself, which `trace()` does (twice would fail, or add every gradient twice)."""
    node_id = recorder.builder.ids.get(value.grad_fn)
    if node_id is not None and recorder.graph._node[node_id]["backward_order"] is not None:
        raise NNGraphError(message("capture.loss_ran_backward"))


def _cuda_devices(model: torch.nn.Module, inputs: Any) -> list[int]:
    """The CUDA devices the model's parameters, buffers and the tensors in `inputs` are on."""
    if not torch.cuda.is_initialized():  # then no tensor can be on one: the walk is skipped
        return []
    tensors = [*model.parameters(), *model.buffers(), *tensors_within(inputs)]
    return sorted(
        {t.device.index or 0 for t in tensors if isinstance(t, torch.Tensor) and t.is_cuda}
    )
