"""The user's model leaves exactly as it came, also when its forward raises."""

from __future__ import annotations

import argparse
import collections
import copy
import dataclasses
import gc
import os
import random
import threading
import types
import warnings
from typing import Any, ClassVar

import numpy as np
import pytest
import torch
from torch import nn
from torch.autograd.function import Function
from torch.nn.modules import module as nn_module
from torch.nn.utils import parametrize, prune
from torch.optim import optimizer
from torch.utils.data.dataloader import _BaseDataLoaderIter

import nngraph as ng
from nngraph.capture import NNGraphWarning, _native, _trace
from nngraph.capture._recorder import Recorder
from tests.capture.zoo import CASES, make, total


def hook_counts(model: nn.Module) -> list[int]:
    counts = []
    for m in model.modules():
        for name in (
            "_forward_hooks",
            "_forward_pre_hooks",
            "_backward_hooks",
            "_backward_pre_hooks",
        ):
            counts.append(len(getattr(m, name)))
    for p in model.parameters():
        counts.append(len(p._backward_hooks or {}))
    return counts


def global_state() -> list[Any]:
    return [
        len(nn_module._global_forward_hooks),
        len(nn_module._global_forward_pre_hooks),
        len(optimizer._global_optimizer_pre_hooks),
        len(optimizer._global_optimizer_post_hooks),
        Function.__dict__["apply"],
        _BaseDataLoaderIter.__dict__["__next__"],
        torch.jit.ScriptFunction.__dict__["__call__"],
        *(vars(torch.amp.GradScaler)[name] for name in ("unscale_", "step", "update")),
        torch._C._len_torch_function_stack(),
        gc.isenabled(),
    ]


def snapshot(model: nn.Module) -> dict[str, Any]:
    return {
        "state": {k: v.clone() for k, v in model.state_dict().items()},
        "training": [m.training for m in model.modules()],
        "requires_grad": [p.requires_grad for p in model.parameters()],
        "grads": [p.grad for p in model.parameters()],
        "hooks": hook_counts(model),
    }


def assert_unchanged(model: nn.Module, before: dict[str, Any]) -> None:
    after = snapshot(model)
    assert after["training"] == before["training"]
    assert after["requires_grad"] == before["requires_grad"]
    assert after["hooks"] == before["hooks"]
    assert all(a is b for a, b in zip(after["grads"], before["grads"], strict=True))
    for key, value in before["state"].items():
        assert torch.equal(after["state"][key], value), key


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("training", [True, False])
def test_trace_leaves_the_model_as_it_came(name: str, training: bool) -> None:
    model, args, kwargs = make(name)
    model.train(training)
    params = list(model.parameters())
    if len(params) > 1:
        params[0].requires_grad_(False)  # a frozen parameter stays frozen
    total(model(*args, **kwargs)).backward()  # gradients already there stay exactly there
    before, globals_before = snapshot(model), global_state()

    ng.trace(model, *args, loss=total, **kwargs)

    assert_unchanged(model, before)
    assert global_state() == globals_before


class Boom(Exception):
    pass


class Raises(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
        self.error = Boom("raised by the user's forward")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.inner(x)
        raise self.error


def test_an_exception_from_forward_propagates_unchanged_and_nothing_is_left() -> None:
    model = Raises()
    before, globals_before = snapshot(model), global_state()
    with pytest.raises(Boom) as caught:
        ng.trace(model, torch.randn(3, 2), loss=total)
    assert caught.value is model.error
    assert_unchanged(model, before)
    assert global_state() == globals_before


def test_recordings_in_two_threads_ending_out_of_order_leave_nothing_behind() -> None:
    """A begins, B begins, A ends, B ends: B put back A's patches for good (sweep s33 X,
    finding 3)."""
    before = global_state()
    model, x = nn.Linear(3, 1), torch.randn(2, 3)
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    nodes: dict[str, int] = {}

    def first() -> None:
        with ng.record() as rec:
            model(x).sum().backward()
            a_in.set()
            b_in.wait(timeout=30)
        nodes["A"] = rec.graph.number_of_nodes()
        a_out.set()

    def second() -> None:
        a_in.wait(timeout=30)
        with ng.record() as rec:
            model(x).sum().backward()
            b_in.set()
            a_out.wait(timeout=30)
        nodes["B"] = rec.graph.number_of_nodes()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert nodes["A"] == nodes["B"] > 0
    assert global_state() == before


class _TracedInTwoThreads(nn.Module):
    """Its forward runs another thread's `ng.trace()` (of itself, or of another model) and
    waits for it. What happens is kept in the class: a trace puts back the module's own."""

    said: ClassVar[list[str]] = []

    def __init__(self, other: nn.Module | None = None) -> None:
        super().__init__()
        self.fc, self.bn = nn.Linear(4, 4), nn.BatchNorm1d(4)
        self.other = [other]  # a plain list: not a submodule

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not _TracedInTwoThreads.said:  # the outer trace's forward
            target = self.other[0] if self.other[0] is not None else self
            worker = threading.Thread(target=self._trace_in_thread, args=(target, x))
            worker.start()
            worker.join(timeout=30)
        return self.bn(self.fc(x))

    @staticmethod
    def _trace_in_thread(model: nn.Module, x: torch.Tensor) -> None:
        _TracedInTwoThreads.said.append("tracing")
        try:
            ng.trace(model, x)
        except ng.NNGraphError as error:
            _TracedInTwoThreads.said.append(str(error))


@pytest.mark.parametrize("other", [False, True], ids=["same model", "another model"])
def test_a_trace_in_another_thread_meanwhile_is_refused_at_once(other: bool) -> None:
    """Sweep s41 (zoo, finding 3): two traces of one model at once read each other's
    gradients (doubled) and put back each other's state (BatchNorm's batch counter). A lock
    that waited (rg, finding 6, and rg2) hung for ever where the forward waits for the other
    thread, and two models sharing a layer put back each other's state."""
    x = torch.randn(8, 4)
    torch.manual_seed(0)
    plain = _TracedInTwoThreads()
    plain.bn(plain.fc(x)).pow(2).mean().backward()
    another = nn.Linear(4, 4) if other else None
    torch.manual_seed(0)
    model = _TracedInTwoThreads(another)
    _TracedInTwoThreads.said.clear()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    said = _TracedInTwoThreads.said
    assert said[0] == "tracing" and said[1].startswith("ng.trace() is running in another thread")
    (grad,) = [d["grad"] for _, d in g.nodes(data=True) if d["name"] == "fc.weight"]
    assert grad["norm"] == pytest.approx(float(plain.fc.weight.grad.norm()), rel=1e-5)
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())
    ng.trace(model, x)  # and the next one, in this thread, runs


class _WaitsForAnotherThread(nn.Module):
    """A model whose forward lets another thread run a module of its own in the middle."""

    def __init__(self, other: nn.Module) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.other = [other]  # a plain list: not a submodule

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        worker = threading.Thread(target=self.other[0], args=(torch.randn(1, 2, 8),))
        worker.start()
        worker.join()
        return self.fc(x).relu()


def test_modules_another_thread_runs_meanwhile_leave_the_module_paths_alone() -> None:
    """A data or monitoring thread running its own modules during a trace: PyTorch's global
    module hooks see those calls too, which gave the model's ops that thread's module paths."""
    other = nn.Sequential(nn.Conv1d(2, 2, 3), nn.Tanh())
    model = _WaitsForAnotherThread(other)
    g = ng.trace(model, torch.randn(5, 4), loss=lambda y: y.pow(2).mean())
    ops = {d["op"]: d["module"] for _, d in g.nodes(data=True) if d["kind"] == "op"}
    assert ops == {"linear": "fc", "relu": "", "pow": "", "mean": ""}
    assert set(g.graph["modules"]) == {"", "fc"}
    assert g.param_counts()[""] == 10


def test_record_stops_watching_when_the_block_ends() -> None:
    model, args, _ = make("mlp")
    with ng.record(model) as rec:
        loss = total(model(*args))
    g = rec.graph
    loss.backward()  # after the block: not recorded, and nothing of ours runs
    assert all(d["grad"] is None and d["backward_order"] is None for _, d in g.nodes(data=True))
    with ng.record(model) as again:
        total(model(*args)).backward()
    assert any(d["grad"] is not None for _, d in again.graph.nodes(data=True))


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_pauses_in_the_block_and_comes_back_as_it_was(enabled: bool) -> None:
    model, args, _ = make("mlp")
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with ng.record(model):
            inside = gc.isenabled()
            total(model(*args)).backward()
        after = gc.isenabled()
        with pytest.raises(Boom), ng.record(model):
            raise Boom
        after_error = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert not inside and after == after_error == enabled


class _ClipsItsWeights(nn.Module):
    """Weight clipping in forward, as some GAN critics do, and an embedding renormalised by
    `max_norm`: both change parameters in place while the model runs."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, width, max_norm=1.0)
        self.fc = nn.Linear(width, width)
        self.untouched = nn.Linear(width, 2)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        self.fc.weight.data.clamp_(-0.1, 0.1)
        with torch.no_grad():
            self.fc.bias.mul_(0.5)
        return self.untouched(self.fc(self.embed(tokens)))


# small weights are compared with their saved copy in one piece, large ones one by one
@pytest.mark.parametrize("width", [4, 256])
def test_weights_a_forward_changes_in_place_are_put_back(width: int) -> None:
    torch.manual_seed(0)
    model = _ClipsItsWeights(width)
    with torch.no_grad():
        model.embed.weight.mul_(5.0)  # rows longer than max_norm: the forward renormalises them
    before = snapshot(model)
    version = model.untouched.weight._version
    ng.trace(model, torch.tensor([1, 2, 3]), loss=lambda y: y.sum())
    assert_unchanged(model, before)
    assert model.untouched.weight._version == version  # not copied over: autograd checks it


class _WritesOneBuffer(nn.Module):
    """Buffers of one dtype, one of them overwritten through `.data` (no version counter moves),
    one holding a NaN and -0.0 that the forward leaves alone."""

    def __init__(self, dtype: torch.dtype) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)
        self.register_buffer("written", torch.zeros(4, dtype=dtype))
        self.register_buffer("empty", torch.zeros(0, dtype=dtype))
        kept = torch.tensor([float("nan"), -0.0, 1.0, 2.0]) if dtype.is_floating_point else None
        self.register_buffer("kept", torch.ones(4, dtype=dtype) if kept is None else kept.to(dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.written.data.fill_(1)
        return self.fc(x)


@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.float16, torch.bfloat16, torch.float64, torch.complex128,
              torch.int64, torch.bool]
)  # fmt: skip
def test_buffers_of_any_dtype_a_forward_overwrites_are_put_back_and_no_other(
    dtype: torch.dtype,
) -> None:
    model = _WritesOneBuffer(dtype)
    kept, version = model.kept.clone(), model.kept._version
    ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())
    assert not model.written.to(torch.float32).abs().sum()
    assert model.kept.view(-1).view(torch.uint8).tolist() == kept.view(torch.uint8).tolist()
    assert model.kept._version == version  # a NaN left as it was is not written again


def test_a_compiled_model_is_captured_as_the_model_it_compiles() -> None:
    torch.manual_seed(0)
    plain = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = torch.randn(2, 3)

    def modules(g: ng.Graph) -> list[str]:
        return sorted(d["module"] for _, d in g.nodes(data=True) if d["kind"] == "op")

    expected = modules(ng.trace(plain, x, loss=lambda y: y.sum()))
    state = global_state()
    for backend in ("eager", "aot_eager"):  # a second backend once made dynamo trip on our hooks
        compiled = torch.compile(copy.deepcopy(plain), backend=backend)
        before = snapshot(compiled)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # PyTorch's warning about global hooks: ours, hidden
            assert modules(ng.trace(compiled, x, loss=lambda y: y.sum())) == expected
            with ng.record() as rec:
                compiled(x).sum().backward()
        assert modules(rec.graph) == expected
        compiled.zero_grad(set_to_none=True)
        assert_unchanged(compiled, before)
    assert global_state() == state


class _ChangesItself(nn.Module):
    """A forward that freezes a part, switches another to eval, replaces a queue buffer by a
    new tensor (MoCo) and resizes a history buffer in place."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Linear(3, 2)
        self.head = nn.Linear(2, 1)
        self.register_buffer("queue", torch.zeros(4, 2))
        self.register_buffer("history", torch.zeros(2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.enc.requires_grad_(False)
        self.head.eval()
        y = self.enc(x)
        self.queue = torch.cat([y.detach(), self.queue])[:4]
        with torch.no_grad():
            self.history.resize_(3).fill_(1.0)
        return self.head(y)


def test_flags_and_buffers_a_forward_changes_are_put_back() -> None:
    model = _ChangesItself()
    before = snapshot(model)
    queue = model.queue
    ng.trace(model, torch.ones(2, 3), loss=lambda y: y.sum())
    assert model.queue is queue
    assert_unchanged(model, before)


@pytest.mark.parametrize("capture", ["trace", "trace_with_loss", "record"])
def test_a_loss_computed_before_a_capture_still_backpropagates(capture: str) -> None:
    """BatchNorm's forward changes its running statistics without counting a version; putting
    them back counted one, and the loss of an earlier cell could no longer run backward
    (sweep s33 X, finding 1)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
    x = torch.randn(16, 4)
    loss = model(x).pow(2).mean()
    statistics = [b for b in model.buffers() if b.is_floating_point()]  # what autograd saved
    versions = [b._version for b in statistics]
    if capture == "record":
        with ng.record():
            model(x)
    else:
        ng.trace(model, x, **({"loss": lambda y: y.sum()} if capture == "trace_with_loss" else {}))
    assert [b._version for b in statistics] == versions
    loss.backward()  # no "modified by an inplace operation"
    reference = copy.deepcopy(model)
    reference.zero_grad(set_to_none=True)
    for module, ref in zip(model.modules(), reference.modules(), strict=True):
        if isinstance(module, nn.BatchNorm1d):  # the statistics the first forward started from
            ref.running_mean.zero_(), ref.running_var.fill_(1.0), ref.num_batches_tracked.zero_()
    reference(x).pow(2).mean().backward()
    for p, q in zip(model.parameters(), reference.parameters(), strict=True):
        assert p.grad is not None and torch.allclose(p.grad, q.grad)


class _MasksItsGradients(nn.Module):
    """The pruning tutorial's pattern: the forward registers a gradient mask on its weight,
    and hooks on a buffer that requires grad and on a parameter kept in a plain list."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 2)
        self.register_buffer("scale", torch.ones(2, requires_grad=True))
        self.extra = [nn.Parameter(torch.ones(2))]
        self.mask = torch.tensor([[1.0, 0.0, 1.0, 0.0]] * 2)
        self.fired: list[str] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.fc.weight.register_hook(lambda g: g * self.mask)
        self.fc.weight.register_post_accumulate_grad_hook(lambda p: None)
        self.scale.register_hook(lambda g: g)
        self.scale.register_post_accumulate_grad_hook(lambda p: None)
        self.extra[0].register_hook(lambda g: g)
        return self.fc(x) * self.scale * self.extra[0]


def test_tensor_hooks_a_forward_registers_are_removed_and_the_users_stay() -> None:
    """Each trace left one more gradient mask on the weight (sweep h): 'no hooks left'."""
    torch.manual_seed(0)
    model, x = _MasksItsGradients(), torch.randn(3, 4)
    own = model.fc.weight.register_hook(lambda g: g)
    tensors = [model.fc.weight, model.fc.bias, model.scale, model.extra[0]]

    def tables() -> list[list[tuple[int, Any]]]:
        return [
            [(k, id(v)) for k, v in (getattr(t, name) or {}).items()]
            for t in tensors
            for name in ("_backward_hooks", "_post_accumulate_grad_hooks")
        ]

    before = tables()
    for _ in range(2):
        g = ng.trace(model, x, loss=lambda y: y.sum())
        assert tables() == before
    (weight,) = [d for _, d in g.nodes(data=True) if d["name"] == "fc.weight"]
    assert weight["grad"]["zero_frac"] == 0.5  # the mask ran in the trace's backward
    assert list(model.fc.weight._backward_hooks) == [own.id]


class _CarriesItsState(nn.Module):
    """The "carry the hidden state across calls" lesson keeps it as a plain attribute; this
    one also counts its calls, caches its outputs in a list and a dict, and leaves a
    tensor with a graph behind (an MoE's auxiliary loss)."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.RNNCell(3, 4)
        self.h = torch.zeros(1, 4)
        self.calls = 0
        self.outputs: list[torch.Tensor] = []
        self.by_call: dict[int, torch.Tensor] = {}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.rnn(x, self.h)
        self.h = h.detach()
        self.calls += 1
        self.outputs.append(h)
        self.by_call[self.calls] = h
        self.aux_loss = h.pow(2).mean()
        return h


def test_a_models_own_attributes_a_forward_changes_are_put_back() -> None:
    """A trace advanced the hidden state (sweep AA): the lesson's next prediction changed."""
    torch.manual_seed(0)
    model, x = _CarriesItsState(), torch.randn(1, 3)
    model(x)
    h, outputs, by_call = model.h, list(model.outputs), dict(model.by_call)
    aux = model.aux_loss
    expected = model.rnn(x, h)
    ng.trace(model, x, loss=lambda y: y.sum())
    assert model.h is h and model.calls == 1 and model.aux_loss is aux
    assert model.outputs == outputs and model.by_call == by_call
    assert torch.equal(model(x), expected)  # the next step is the one it would have been
    fresh = _CarriesItsState()
    ng.trace(fresh, x, loss=lambda y: y.sum())
    assert not hasattr(fresh, "aux_loss")  # what the trace's forward added goes


class _KeepsItsOwnBooks(nn.Module):
    """A hand-written BatchNorm that forgot `register_buffer`, with a log of its batches in a
    dict of a counter and a list, and histories in a deque, a defaultdict and a set."""

    def __init__(self) -> None:
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(3))
        self.running_mean = torch.zeros(3)  # a plain attribute, written in place
        self.log = {"calls": 0, "batch_means": []}
        self.recent = collections.deque([0.5], maxlen=3)
        self.by_layer: collections.defaultdict[str, list[float]] = collections.defaultdict(list)
        self.sizes = {4}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean = x.mean(0)
        with torch.no_grad():
            self.running_mean.lerp_(mean, 0.1)
        self.log["calls"] += 1
        self.log["batch_means"].append(float(mean.mean()))
        self.recent.append(float(mean.mean()))
        self.by_layer["bn"].append(float(mean.mean()))
        self.sizes.add(len(x))
        return self.gamma * (x - mean)


def test_what_a_forward_changes_inside_containers_and_plain_tensors_is_put_back() -> None:
    model = _KeepsItsOwnBooks()
    log, batch_means, recent = model.log, model.log["batch_means"], model.recent
    ng.trace(model, torch.randn(16, 3) + 10, loss=lambda y: y.pow(2).mean())
    assert model.running_mean.tolist() == [0.0, 0.0, 0.0]
    assert model.log is log and model.log["batch_means"] is batch_means
    assert model.log == {"calls": 0, "batch_means": []}
    assert model.recent is recent and list(model.recent) == [0.5] and model.recent.maxlen == 3
    assert model.by_layer == {} and model.sizes == {4}


@dataclasses.dataclass
class _Tally:
    calls: int = 0


class _KeepsRecords(nn.Module):
    """Counters in a dataclass, a SimpleNamespace and an argparse.Namespace, and a NumPy array."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)
        self.tally, self.seen = _Tally(), types.SimpleNamespace(batches=0)
        self.hparams = argparse.Namespace(lr=0.1)
        self.histogram = np.zeros(3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.tally.calls += 1
        self.seen.batches += 1
        self.seen.last_size = len(x)
        self.hparams.lr *= 0.5
        self.histogram[0] += 1
        return self.fc(x)


def test_records_and_arrays_a_forward_changes_are_put_back() -> None:
    """Sweep s42 (helper capture, finding 3): "the model comes back exactly as it was" missed
    a counter kept in a dataclass, a SimpleNamespace or a NumPy array."""
    model = _KeepsRecords()
    tally, histogram = model.tally, model.histogram
    ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum())
    assert model.tally is tally and model.tally.calls == 0
    assert vars(model.seen) == {"batches": 0} and model.hparams.lr == 0.1
    assert model.histogram is histogram and histogram.tolist() == [0.0, 0.0, 0.0]


class _KeepsItsInput(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.ctx, self.last = types.SimpleNamespace(x0=x), x
        return self.fc(x)


def test_the_gradient_of_an_input_the_model_keeps_comes_back_as_it_was() -> None:
    """Regression review s42: an input a module keeps (as an attribute or in a record) holding
    a gradient had the trace's gradient added into it in place."""
    model, x = _KeepsItsInput(), torch.randn(4, 3, requires_grad=True)
    old = x.grad = torch.full((4, 3), 7.0)
    model(x)  # the module holds x from now on
    ng.trace(model, x, loss=lambda y: y.sum())
    assert x.grad is old and torch.equal(old, torch.full((4, 3), 7.0))


class _FreezesItsArray(_KeepsRecords):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = super().forward(x)
        self.histogram.flags.writeable = False
        return y


class _ReadsItsGrad(nn.Module):
    """Adversarial training's perturbation kept by the model, stepped by the sign of its grad."""

    def __init__(self) -> None:
        super().__init__()
        self.fc, self.delta = nn.Linear(3, 1), torch.zeros(3, requires_grad=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x + self.delta + 0.1 * self.delta.grad.sign())  # type: ignore[union-attr]


def test_a_forward_reading_the_grad_of_a_tensor_it_keeps_reads_it_in_a_trace_too() -> None:
    """Third review s42: clearing a kept tensor's `.grad` for the trace made this forward raise
    on None; it gets a copy, and its own comes back untouched."""
    model = _ReadsItsGrad()
    old = model.delta.grad = torch.ones(3)
    plain = model(torch.ones(2, 3))
    g = ng.trace(model, torch.ones(2, 3), loss=lambda y: y.sum())
    assert model.delta.grad is old and torch.equal(old, torch.ones(3))
    (out,) = [d for _, d in g.nodes(data=True) if d["kind"] == "output"]
    assert out["value"]["mean"] == pytest.approx(float(plain.sum()))  # the loss: same forward
    # the gradient shown is this backward's alone, not added to a copy (fourth review)
    (delta,) = [d for _, d in g.nodes(data=True) if d["shape"] == [3] and d["grad"]]
    fresh = 2 * model.fc.weight.detach()  # d(sum over 2 rows) / d delta
    assert delta["grad"]["mean"] == pytest.approx(float(fresh.mean()))
    assert g.health() == []


def test_many_small_arrays_and_one_the_forward_freezes_are_handled() -> None:
    """Regression review s42: a replay memory of 10,000 small arrays made a trace take seconds
    (the arrays' size summed again at each one); an array the forward made read-only stopped
    the rest of its module's put-back with a warning."""
    model = _KeepsRecords()
    model.memory = [np.zeros(4) for _ in range(10_000)]  # type: ignore[attr-defined]
    ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum())
    assert model.histogram.tolist() == [0.0, 0.0, 0.0]
    frozen = _FreezesItsArray()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ng.trace(frozen, torch.randn(4, 3), loss=lambda y: y.sum())
    assert frozen.tally.calls == 0 and vars(frozen.seen) == {"batches": 0}


class _LayersInAPlainList(nn.Module):
    """A student's model that keeps its layers in a Python list, not an `nn.ModuleList`."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = [nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Dropout(0.5), nn.Linear(8, 1)]
        self.head = nn.Linear(1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return self.head(x)


def test_layers_kept_in_a_plain_list_are_put_back() -> None:
    """The trace's forward updated the running statistics of a BatchNorm the model holds
    outside PyTorch's tables; `health()` says it is unregistered, the model stays as it was."""
    torch.manual_seed(0)
    model = _LayersInAPlainList()
    model.layers[2].eval()
    bn = model.layers[1]
    weight = model.layers[0].weight.detach().clone()
    g = ng.trace(model, torch.randn(16, 4) * 3 + 5, loss=lambda y: y.pow(2).mean())
    assert bn.running_mean.tolist() == [0.0] * 8 and int(bn.num_batches_tracked) == 0
    assert torch.equal(model.layers[0].weight, weight) and model.layers[0].weight.grad is None
    assert not model.layers[2].training and bn.training
    assert "unregistered" in {f["kind"] for f in g.health()}


def test_a_tensor_attribute_too_large_to_copy_is_said_to_stay_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nngraph.capture import _restore

    monkeypatch.setattr(_restore, "_ATTRIBUTE_COPIES", 2)
    model = _KeepsItsOwnBooks()
    with pytest.warns(NNGraphWarning, match=r"plain attribute \(shape \[3\]\)") as caught:
        ng.trace(model, torch.randn(16, 3) + 10, loss=lambda y: y.pow(2).mean())
    assert caught[0].filename == __file__  # said at the line calling trace()
    assert model.running_mean.abs().sum() > 0  # what it says: it stays changed
    assert model.log == {"calls": 0, "batch_means": []}  # the rest is put back


def test_a_layer_in_a_plain_list_shows_its_own_gradient_and_keeps_its_old_grad() -> None:
    """Sweep R1: a layer kept in a plain list with a `.grad` from an earlier step had the
    trace's gradient added into it: the graph showed the sum and the model kept it."""
    torch.manual_seed(0)
    model, x = _LayersInAPlainList(), torch.randn(16, 4)
    model.layers[2].eval()
    model(x).pow(2).mean().backward()  # an earlier step, without zero_grad() after it
    first = model.layers[0].weight
    kept = first.grad.clone()  # type: ignore[union-attr]
    g = ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    assert torch.equal(first.grad, kept)  # type: ignore[arg-type]
    node = next(d for _, d in g.nodes(data=True) if d["kind"] == "param" and d["shape"] == [8, 4])
    assert node["grad"]["mean"] == pytest.approx(kept.mean().item(), rel=1e-5)  # one step's
    assert "accumulated" not in {f["kind"] for f in g.health()}


class _RunningMeanAsAnAttribute(nn.Module):
    """The student's BatchNorm: running statistics in plain attributes, updated outside
    `no_grad` (they take the batch's history), with a broadcast view of a step counter."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.running_mean = torch.zeros(4)
        self.step = torch.zeros(1)
        self.step_wide = self.step.expand(4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        self.running_mean.mul_(0.9).add_(0.1 * h.mean(0))
        self.step += 1
        return (h - h.mean(0)) * self.step_wide


def test_a_tensor_attribute_that_took_history_comes_back_a_leaf_as_it_was() -> None:
    model = _RunningMeanAsAnAttribute()
    running_mean = model.running_mean
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the broadcast view is no value to put back
        ng.trace(model, torch.randn(8, 4), loss=lambda y: y.pow(2).mean())
    assert model.running_mean is running_mean and running_mean.is_leaf
    assert not running_mean.requires_grad and running_mean.tolist() == [0.0] * 4
    assert model.step.tolist() == [0.0] and model.step_wide.tolist() == [0.0] * 4


def test_a_tensor_too_large_to_copy_leaves_room_for_the_small_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nngraph.capture import _restore

    class _TableAndCounter(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.count = torch.zeros(1)
            self.table = torch.zeros(100)  # met first, too large for the budget

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.count += 1
            return self.fc(x) + self.table[:2]

    monkeypatch.setattr(_restore, "_ATTRIBUTE_COPIES", 10)
    model = _TableAndCounter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the table is not written: nothing to say
        ng.trace(model, torch.ones(3, 2), loss=lambda y: y.sum())
    assert model.count.tolist() == [0.0]


class _KeepsItsOwnRandomGenerators(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.python = random.Random(0)
        self.numpy = np.random.default_rng(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x) * self.python.random() + float(self.numpy.random())


def test_a_models_own_python_and_numpy_generators_are_put_back() -> None:
    model = _KeepsItsOwnRandomGenerators()
    python, numpy = model.python.getstate(), model.numpy.bit_generator.state
    ng.trace(model, torch.ones(2, 3), loss=lambda y: y.sum())
    assert model.python.getstate() == python
    assert model.numpy.bit_generator.state == numpy


class _DrawsFromPythonAndNumpy(nn.Module):
    """A scale drawn with `random.random()`, noise drawn with numpy."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        noise = torch.from_numpy(np.random.normal(size=x.shape).astype("float32"))
        return self.fc(x) * random.random() + noise


def test_python_and_numpy_random_numbers_after_a_trace_are_those_without_it() -> None:
    random.seed(0)
    np.random.seed(0)
    expected = (random.random(), float(np.random.random()))
    random.seed(0)
    np.random.seed(0)
    ng.trace(_DrawsFromPythonAndNumpy(), torch.ones(2, 3), loss=lambda y: y.sum())
    assert (random.random(), float(np.random.random())) == expected


class _SwapsAnAttribute(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.before = torch.ones(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        del self.before  # one attribute gone, another added: the count stays the same
        self.after = x.sum()
        return self.fc(x)


def test_an_attribute_a_forward_swaps_for_another_is_put_back() -> None:
    model = _SwapsAnAttribute()
    before = model.before
    ng.trace(model, torch.randn(3, 2), loss=lambda y: y.sum())
    assert model.before is before and not hasattr(model, "after")


def test_a_lazy_layer_keeps_the_shape_its_first_forward_gave_it() -> None:
    model = nn.Sequential(nn.LazyLinear(2))
    ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum())
    assert type(model[0]) is nn.Linear and model[0].in_features == 3
    assert model(torch.randn(4, 3)).shape == (4, 2)


@pytest.mark.parametrize("given", [True, False], ids=["trace", "record"])
def test_the_module_table_of_a_lazy_layer_is_what_its_first_forward_made_it(given: bool) -> None:
    model = nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(1))
    if given:
        g = ng.trace(model, torch.randn(4, 5), loss=lambda y: y.sum())
    else:
        with ng.record() as rec:
            model(torch.randn(4, 5)).sum().backward()
        g = rec.graph
    modules = g.graph["modules"]
    assert (modules["0"]["type"], modules["0"]["params"]) == ("Linear", 48)
    assert "in_features=5" in modules["0"]["config"]
    assert "Total params: 57" in g.summary()


def test_a_retained_gradient_and_a_buffers_flag_come_back_as_they_were() -> None:
    a = torch.randn(5, 3, requires_grad=True)
    b = a * 2
    b.retain_grad()  # a saliency lesson's embedding
    ng.trace(nn.Linear(3, 1), b, loss=lambda y: y.sum())
    assert b.grad is None and a.grad is None
    model = _MakesItsBufferRequireGrad()
    ng.trace(model, torch.randn(2, 3), loss=lambda y: y.sum())
    assert not model.scale.requires_grad and model.scale.grad is None


class _Symmetric(nn.Module):
    def forward(self, w: torch.Tensor) -> torch.Tensor:
        return w.triu() + w.triu(1).T


class _ChangesItsParametrizations(nn.Module):
    """A forward that registers a parametrization on its first call, or removes one (bakes it
    into the weight), which swaps the layer's class and deletes or adds its properties."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how, self.fc = how, nn.Linear(3, 3)
        if how in ("removes", "adds another"):
            parametrize.register_parametrization(self.fc, "weight", _Symmetric())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.how == "adds" and not parametrize.is_parametrized(self.fc):
            parametrize.register_parametrization(self.fc, "weight", _Symmetric())
        if self.how == "removes" and parametrize.is_parametrized(self.fc):
            parametrize.remove_parametrizations(self.fc, "weight")
        if self.how == "adds another" and not parametrize.is_parametrized(self.fc, "bias"):
            parametrize.register_parametrization(self.fc, "bias", nn.Identity())
        return self.fc(x)


@pytest.mark.parametrize("how", ["adds", "removes", "adds another"])
def test_parametrizations_a_forward_adds_or_removes_are_put_back(how: str) -> None:
    """Sweep s41 (zoo, finding 1): the layer came back half put back, its class changed and its
    parameters not, so that its next forward raised AttributeError ('removes'), or with a
    state_dict no model run without nngraph loads ('adds')."""
    x = torch.randn(2, 3)
    torch.manual_seed(0)
    twin = _ChangesItsParametrizations(how)  # not a deepcopy: that shares the layer's class
    expected = twin(x)  # its first call, as the model's own next call is
    torch.manual_seed(0)
    model = _ChangesItsParametrizations(how)
    kind, names = type(model.fc), [n for n, _ in model.named_parameters()]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    ng.trace(model, x, loss=lambda y: y.sum())
    assert type(model.fc) is kind and [n for n, _ in model.named_parameters()] == names
    after = model.state_dict()
    assert after.keys() == state.keys()
    assert all(torch.equal(after[k], v) for k, v in state.items())
    assert torch.equal(model(x), expected)


@pytest.mark.parametrize("how", ["pruned", "weight_norm"])
def test_a_weight_computed_before_each_forward_is_put_back_without_a_warning(how: str) -> None:
    """Pruning and the old-style weight_norm keep `weight` as a plain attribute that a
    pre-hook computes: a non-leaf, whose `.grad` PyTorch warns about when it is read."""
    torch.manual_seed(0)
    layer = nn.Linear(4, 2)
    if how == "pruned":
        prune.l1_unstructured(layer, "weight", amount=0.5)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # deprecated in favour of parametrize
            torch.nn.utils.weight_norm(layer)
    weight = layer.weight
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ng.trace(layer, torch.randn(3, 4), loss=lambda y: y.sum())
    assert layer.weight is weight and not weight.is_leaf


class _MakesItsBufferRequireGrad(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 1)
        self.register_buffer("scale", torch.ones(3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.scale.requires_grad_(True)
        return self.lin(x * self.scale)


class _RunningMeanWithoutNoGrad(nn.Module):
    """A hand-written norm layer that updates its running mean in place outside
    `torch.no_grad()`: the buffer takes the batch's gradient history and stops being a leaf."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.register_buffer("running_mean", torch.zeros(3))
        self.out = nn.Linear(3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        self.running_mean.mul_(0.9).add_(0.1 * h.mean(0))
        return self.out(h - self.running_mean)


class _StaticKVCache(nn.Module):
    """A gpt-fast style attention layer whose key/value cache is kept in buffers and written
    in place at the decoding position, with keys and values that carry gradient history."""

    def __init__(self) -> None:
        super().__init__()
        self.qkv = nn.Linear(8, 24, bias=False)
        self.proj = nn.Linear(8, 8, bias=False)
        self.register_buffer("k_cache", torch.zeros(2, 6, 8), persistent=False)
        self.register_buffer("v_cache", torch.zeros(2, 6, 8), persistent=False)

    def forward(self, x: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).split(8, dim=-1)
        self.k_cache[:, pos] = k
        self.v_cache[:, pos] = v
        attention = (q @ self.k_cache.transpose(1, 2)).softmax(-1)
        return self.proj(attention @ self.v_cache)


def _buffer_state(model: nn.Module) -> list[tuple[Any, ...]]:
    return [
        (name, b, b.detach().clone(), b.is_leaf, b.requires_grad, b.grad_fn)
        for name, b in model.named_buffers()
    ]


@pytest.mark.parametrize("with_loss", [True, False], ids=["loss", "forward only"])
@pytest.mark.parametrize("kind", ["running mean", "kv cache"])
def test_a_buffer_written_in_place_with_gradient_history_comes_back_as_the_leaf_it_was(
    kind: str, with_loss: bool
) -> None:
    torch.manual_seed(0)
    if kind == "running mean":
        model: nn.Module = _RunningMeanWithoutNoGrad()
        args: tuple[Any, ...] = (torch.randn(5, 4),)
    else:
        model = _StaticKVCache()
        with torch.no_grad():
            model(torch.randn(2, 3, 8), torch.arange(3))  # prefill: the cache holds values
        args = (torch.randn(2, 1, 8), torch.tensor([3]))
    plain = copy.deepcopy(model)
    plain(*args).pow(2).mean().backward()  # plain PyTorch accepts the model
    before, buffers = snapshot(model), _buffer_state(model)
    loss = {"loss": lambda y: y.pow(2).mean()} if with_loss else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "could not put back", no `.grad` of a non-leaf
        g = ng.trace(model, *args, **loss)
    assert_unchanged(model, before)
    for (name, b, value, *flags), (name_now, b_now) in zip(
        buffers, model.named_buffers(), strict=True
    ):
        assert name_now == name and b_now is b, name  # the same tensor object
        assert torch.equal(b_now, value), name
        assert [b_now.is_leaf, b_now.requires_grad, b_now.grad_fn] == flags == [True, False, None]
    if with_loss:
        grads = {
            d["name"]: d["grad"]["norm"] for _, d in g.nodes(data=True) if d["kind"] == "param"
        }
        for name, p in plain.named_parameters():
            assert p.grad is not None
            assert grads[name] == pytest.approx(p.grad.norm().item(), rel=1e-5), name


class _WritesAViewOfItsBuffer(nn.Module):
    """A buffer registered as a view of another tensor: it cannot be detached in place."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.register_buffer("row", torch.zeros(2, 3)[0])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.row.add_(self.fc(x).mean(0))
        return self.fc(x) * self.row


def test_a_view_buffer_given_gradient_history_comes_back_a_leaf_with_its_values() -> None:
    model = _WritesAViewOfItsBuffer()
    before = snapshot(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum())
    assert_unchanged(model, before)
    assert model.row.is_leaf and not model.row.requires_grad and not model.row.any()


def test_a_part_of_restore_that_fails_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nngraph.capture import _attributes

    def fails(*args: Any) -> None:
        raise RuntimeError("cannot put these attributes back")

    monkeypatch.setattr(_attributes.Attributes, "restore", fails)
    model = _RunningMeanWithoutNoGrad()
    with pytest.warns(NNGraphWarning, match="cannot put these attributes back") as caught:
        ng.trace(model, torch.randn(5, 4), loss=lambda y: y.sum())
    assert caught[0].filename == __file__  # said at the line calling trace()
    assert not model.running_mean.any() and model.running_mean.is_leaf  # values put back
    assert not model.running_mean.requires_grad


class _ChangesSparseState(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.register_buffer("adj", torch.eye(3).to_sparse())
        self.w = nn.Parameter(torch.eye(3).to_sparse())
        scale, zero = 0.1, 0
        quantized = torch.quantize_per_tensor(
            torch.tensor([-3.0, -0.8, 0.6]), scale, zero, torch.qint8
        )
        self.register_buffer("q", quantized)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.adj.mul_(2)
        with torch.no_grad():
            self.w.mul_(0.5)
        self.q.copy_(torch.quantize_per_tensor(torch.zeros(3), 0.1, 0, torch.qint8))
        h = torch.sparse.mm(self.adj, self.lin(x + self.q.dequantize()).t())
        return torch.sparse.mm(self.w, h).t()


def test_sparse_and_quantized_state_a_forward_changes_is_put_back() -> None:
    model = _ChangesSparseState()
    before = [model.adj.to_dense(), model.w.detach().to_dense(), model.q.int_repr()]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        ng.trace(model, torch.randn(5, 3), loss=lambda y: y.sum())
    after = [model.adj.to_dense(), model.w.detach().to_dense(), model.q.int_repr()]
    assert all(torch.equal(a, b) for a, b in zip(before, after, strict=True))


def test_a_value_that_cannot_be_put_back_is_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nngraph.capture import _restore

    def fails(*args: Any) -> None:
        raise NotImplementedError("no kernel for this\n" + "a listing of every backend\n" * 100)

    monkeypatch.setattr(_restore, "_put_values", fails)
    with pytest.warns(NNGraphWarning) as caught:
        ng.trace(nn.Linear(3, 1), torch.randn(2, 3))
    (text,) = [str(w.message) for w in caught if w.category is NNGraphWarning]
    assert "no kernel for this" in text and "\n" not in text and len(text) < 300


def test_trace_inside_parametrize_cached_leaves_the_cache_as_it_was() -> None:
    from torch.nn.utils import parametrize
    from torch.nn.utils.parametrizations import orthogonal

    model = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 1))
    orthogonal(model[0])
    x = torch.randn(5, 3)
    with parametrize.cached():
        ng.trace(model, x, loss=lambda y: y.sum())
        assert parametrize._cache == {}
        model(x).sum().backward()  # the user's step computes (and caches) its own weight


def test_a_model_on_the_meta_device_keeps_its_own_error() -> None:
    """The user's error, not an error of putting back a model that has no values; a note
    under it says what to do (sweep s44 zoo2, finding 4)."""
    model = nn.Linear(3, 2, device="meta")
    with pytest.raises(RuntimeError, match="meta") as caught:
        ng.trace(model, torch.randn(2, 3))
    assert "to_empty" in "".join(getattr(caught.value, "__notes__", []))
    g = ng.trace(model, torch.randn(2, 3, device="meta"))
    assert g.graph["complete"]


def test_trace_leaves_no_gradient_outside_the_model() -> None:
    torch.manual_seed(0)
    generator = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 3))
    critic = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    fake = generator(torch.randn(8, 2))
    old = torch.ones(4, 2)
    generator[0].weight.grad = old
    g = ng.trace(critic, fake, loss=lambda y: y.mean())
    assert generator[0].weight.grad is old and generator[2].weight.grad is None
    outside = [d for _, d in g.nodes(data=True) if d["kind"] == "param" and d["name"] is None]
    # shown, but the backward of the trace stops at the input: no gradient reaches them
    assert len(outside) == 4 and all(d["grad"] is None for d in outside)
    x = torch.randn(2, 3, requires_grad=True)
    for _ in range(2):
        g = ng.trace(critic, x, loss=lambda y: y.sum())
    assert x.grad is None
    (node,) = [d for _, d in g.nodes(data=True) if d["kind"] == "input"]
    assert node["grad"] is not None  # recorded all the same


def test_trace_leaves_an_existing_gradient_outside_the_model_untouched() -> None:
    """A saliency lesson's input and a GAN's generator already hold a gradient, referenced by
    nothing else (autograd would add into it in place): it comes back, values and object."""
    torch.manual_seed(0)
    critic = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    generator = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 3))
    x = torch.randn(5, 3, requires_grad=True)
    critic(x).sum().backward()
    critic(generator(torch.randn(8, 2))).mean().backward()
    outside = [x, *generator.parameters()]
    # ids, not the tensors: a second reference would make autograd add out of place
    before = [(id(t.grad), t.grad.clone()) for t in outside]  # type: ignore[union-attr]
    ng.trace(critic, x, loss=lambda y: y.sum())
    g = ng.trace(critic, generator(torch.randn(8, 2)), loss=lambda y: y.mean())
    for t, (grad_id, values) in zip(outside, before, strict=True):
        assert id(t.grad) == grad_id and torch.equal(t.grad, values)  # type: ignore[arg-type]
    unnamed = [d for _, d in g.nodes(data=True) if d["kind"] == "param" and d["name"] is None]
    assert len(unnamed) == 4 and all(d["grad_accumulated"] is False for d in unnamed)


def test_trace_puts_back_the_models_its_loss_runs() -> None:
    """Sweep s42 (helper capture, finding 2): the generator's step `trace(G, z, loss=lambda
    fake: -D(fake).mean())` moved the running statistics of the discriminator's BatchNorm,
    and its counter, while the `.grad` outside the model was put back."""
    torch.manual_seed(0)
    generator = nn.Linear(2, 3)
    critic = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Dropout(0.5), nn.Linear(4, 1))
    critic[1].running_mean.fill_(0.25)
    before = {k: v.clone() for k, v in critic.state_dict().items()}
    g = ng.trace(generator, torch.randn(8, 2), loss=lambda fake: -critic(fake).mean())
    after = critic.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert critic.training and all(p.grad is None for p in critic.parameters())
    ran = {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param"}
    assert {"Sequential.1.weight", "weight"} <= ran  # recorded all the same


def test_trace_copies_no_frozen_model_in_eval_mode_that_its_loss_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Second review s42: a perceptual loss's frozen network was copied at every trace."""
    perceptual = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).eval().requires_grad_(False)
    kept: list[nn.Module] = []
    real = _trace.ModelState

    def counting(model: nn.Module, **kwargs: Any) -> Any:
        kept.append(model)
        return real(model, **kwargs)

    monkeypatch.setattr(_trace, "ModelState", counting)
    model = nn.Linear(3, 3)
    ng.trace(model, torch.randn(8, 3), loss=lambda y: perceptual(y).pow(2).mean())
    assert kept == [model]  # the traced model's state alone


def test_trace_puts_back_a_wrapper_its_loss_runs_and_the_model_inside_it() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    wrapper = nn.Sequential(net, nn.Linear(2, 1))  # snapshot after the model ran: restored first
    before = {k: v.clone() for k, v in wrapper.state_dict().items()}
    ng.trace(net, torch.randn(8, 2), loss=lambda out: wrapper(torch.randn(8, 2)).sum() + out.sum())
    assert all(torch.equal(before[k], v) for k, v in wrapper.state_dict().items())


def test_an_existing_input_gradient_comes_back_also_when_the_capture_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(Recorder, "_add_call", broken)
    model = nn.Linear(3, 1)
    x = torch.randn(4, 3, requires_grad=True)
    model(x).sum().backward()
    grad_id, values = id(x.grad), x.grad.clone()  # type: ignore[union-attr]
    with pytest.warns(NNGraphWarning):
        g = ng.trace(model, x, loss=lambda y: y.sum())
    assert not g.graph["complete"]
    assert id(x.grad) == grad_id and torch.equal(x.grad, values)  # type: ignore[arg-type]


def test_trace_of_a_computed_input_leaves_the_users_graph_and_its_model_alone() -> None:
    """`trace(D, G(z))`: the backward stops at the input. The user's graph behind it can still
    run its own backward, and no hook of the generator runs (an optimizer in backward would
    change its weights); the input's node shows the gradient that reached the input."""
    torch.manual_seed(0)
    generator = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 3))
    critic = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    stepped: list[nn.Parameter] = []
    for p in generator.parameters():
        p.register_post_accumulate_grad_hook(stepped.append)
    before = copy.deepcopy(generator.state_dict())
    fake = generator(torch.randn(8, 2))
    ran: list[int] = []
    fake.register_hook(lambda grad: ran.append(1))
    g = ng.trace(critic, fake, loss=lambda y: y.mean())
    assert stepped == [] and ran == []  # nothing of the generator's ran
    assert all(torch.equal(v, before[k]) for k, v in generator.state_dict().items())
    (want,) = torch.autograd.grad(critic(fake).mean(), fake, retain_graph=True)
    (first,) = [
        n for n, d in g.nodes(data=True) if d["backward"] == "AddmmBackward0" and d["module"] == "0"
    ]
    (given,) = [n for n in g.pred[first] if g.nodes[n]["module"] == ""]  # the input's node
    assert g.nodes[given]["grad"]["norm"] == pytest.approx(want.norm().item())
    for name, p in critic.named_parameters():  # the model's own gradients are unchanged
        (node,) = [d for _, d in g.nodes(data=True) if d["name"] == name]
        (grad,) = torch.autograd.grad(critic(fake).mean(), p, retain_graph=True)
        assert node["grad"]["norm"] == pytest.approx(grad.norm().item())
    critic(fake).mean().backward()  # the user's next step: through the generator's graph
    assert len(stepped) == 4


def test_a_forward_that_changes_a_computed_input_in_place_leaves_the_users_tensor() -> None:
    critic = nn.Sequential(nn.ReLU(inplace=True), nn.Linear(3, 1))
    h = torch.randn(4, 3, requires_grad=True) * 2
    values = h.detach().clone()
    g = ng.trace(critic, h, loss=lambda y: y.sum())
    assert torch.equal(h, values) and g.graph["complete"]
    h.sum().backward()  # its own graph is whole


@dataclasses.dataclass(frozen=True)
class Batch:
    image: torch.Tensor
    label: int = 0


class ReadsABatch(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, batch: Batch) -> torch.Tensor:
        return self.fc(batch.image)


def test_a_computed_input_inside_a_dataclass_is_cut_from_its_history_too() -> None:
    generator = nn.Linear(2, 3)
    stepped: list[nn.Parameter] = []
    for p in generator.parameters():
        p.register_post_accumulate_grad_hook(stepped.append)
    fake = generator(torch.randn(4, 2))
    g = ng.trace(ReadsABatch(), Batch(fake), loss=lambda y: y.sum())
    assert stepped == [] and g.graph["complete"]
    fake.sum().backward()  # the user's graph behind the batch is whole
    assert len(stepped) == 2


def test_trace_leaves_the_random_generator_where_it_was() -> None:
    model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 1))
    torch.manual_seed(0)
    ng.trace(model, torch.ones(16, 4), loss=lambda y: y.sum())  # dropout draws its masks
    after_trace = torch.rand(3)
    torch.manual_seed(0)
    assert torch.equal(after_trace, torch.rand(3))  # a seeded lesson gives the same numbers


class _SeededNoise(nn.Module):
    """Noise from a generator of its own, as a reproducible augmentation layer keeps one."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.gen = torch.Generator().manual_seed(5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x) + torch.randn(x.shape, generator=self.gen)


def test_trace_puts_back_a_random_generator_the_model_keeps() -> None:
    model = _SeededNoise()
    state = model.gen.get_state()
    ng.trace(model, torch.ones(2, 3), loss=lambda y: y.sum())
    assert torch.equal(model.gen.get_state(), state)  # its next noise is what it would have been


class _NoiseFromGivenGenerators(nn.Module):
    """Noise from generators kept in a list and a dict, and one given to forward."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 3)
        self.gens = [torch.Generator().manual_seed(1)]
        self.by_name = {"noise": torch.Generator().manual_seed(2)}

    def forward(self, x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        shape = x.shape
        noise = torch.randn(shape, generator=self.gens[0])
        noise = noise + torch.randn(shape, generator=self.by_name["noise"])
        return self.fc(x) + noise + torch.randn(shape, generator=gen)


@pytest.mark.parametrize("by_keyword", [False, True], ids=["positional", "keyword"])
def test_trace_puts_back_generators_in_a_list_a_dict_or_given_to_forward(
    by_keyword: bool,
) -> None:
    model = _NoiseFromGivenGenerators()
    given = torch.Generator().manual_seed(3)
    gens = [model.gens[0], model.by_name["noise"], given]
    states = [gen.get_state() for gen in gens]
    if by_keyword:
        ng.trace(model, torch.ones(2, 3), gen=given, loss=lambda y: y.sum())
    else:
        ng.trace(model, torch.ones(2, 3), given, loss=lambda y: y.sum())
    for gen, state in zip(gens, states, strict=True):
        assert torch.equal(gen.get_state(), state)


def test_trace_passes_a_forward_keyword_called_model_on() -> None:
    class Teacher(nn.Module):  # a distillation step: forward takes the model to learn from
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(3, 1)

        def forward(self, x: torch.Tensor, model: nn.Module) -> torch.Tensor:
            return self.fc(x) - model(x).detach()

    student = nn.Linear(3, 1)
    g = ng.trace(Teacher(), torch.ones(2, 3), model=student, loss=lambda y: y.pow(2).mean())
    assert {d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param"} >= {"fc.weight"}


def test_nothing_a_capture_made_waits_for_the_cycle_collector() -> None:
    """A graph, its recorder and the tensors they saw are freed as soon as the caller lets go:
    on a GPU, tensors held until Python's next cycle collection are memory a student lacks."""
    import weakref

    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    x = torch.randn(2, 3)

    def traced() -> ng.Graph:
        return ng.trace(model, x, loss=lambda y: y.sum())

    def recorded() -> ng.Graph:
        with ng.record() as rec:
            model(x).sum().backward()
        return rec.graph

    gc.collect()
    gc.disable()
    try:
        graphs = [weakref.ref(traced()), weakref.ref(recorded())]
        assert [ref() for ref in graphs] == [None, None]
        gc.set_debug(gc.DEBUG_SAVEALL)
        traced()
        assert gc.collect() == 0
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


class _ReportsItsProcess(torch.utils.data.Dataset):  # type: ignore[type-arg]
    """Each item: whether the worker's cycle collector runs, and the ops recorded there."""

    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int) -> torch.Tensor:
        from torch.overrides import _get_current_function_mode_stack

        x = torch.randn(3) * 2 + 1  # a few ops a recording would take
        modes = [m for m in _get_current_function_mode_stack() if hasattr(m, "recorder")]
        calls = sum(m.recorder.calls for m in modes)
        return torch.tensor([float(gc.isenabled()), float(calls)]) + 0 * x.sum()


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no fork here")
def test_a_dataloader_worker_started_in_the_block_records_nothing_and_collects() -> None:
    """A worker forked inside record() (persistent ones outlive the block) went on recording
    every op of the dataset, with the cycle collector off: its memory grew without end."""
    loader = torch.utils.data.DataLoader(_ReportsItsProcess(), batch_size=2, num_workers=1)
    assert gc.isenabled()
    with ng.record():
        (first, second) = list(loader)
    for batch in (first, second):
        assert batch[:, 0].tolist() == [1.0, 1.0]  # the worker's collector is on
        assert batch[:, 1].tolist() == [0.0, 0.0]  # and it recorded nothing


def test_record_in_a_function_keeps_no_local_variable_alive_after_the_block() -> None:
    """Reading the caller's variables to name the graph's inputs and outputs must not keep
    them: a validation pass inside a training function frees its activations when deleted."""
    import weakref

    model = nn.Linear(3, 2)

    def validate() -> bool:
        x = torch.randn(4, 3)
        with ng.record() as rec:
            out = model(x)
        assert {d["label"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "output"} == {
            "out"
        }
        alive = weakref.ref(out)
        del out
        return alive() is not None

    assert not validate()


def test_warning_settings_made_inside_the_block_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging
    import sys

    monkeypatch.setitem(sys.modules, "torch._dynamo", sys.modules.get("torch._dynamo", os))
    with warnings.catch_warnings():
        with ng.record():
            torch.ones(2, requires_grad=True).sum()
            warnings.filterwarnings("ignore", message="a noisy library")
            logging.captureWarnings(True)
        try:
            messages = [f[1].pattern for f in warnings.filters if f[1] is not None]
            assert "a noisy library" in messages
            assert not any("torch.compile" in m for m in messages)  # nngraph's own is gone
            assert warnings.showwarning.__name__ == "_showwarning"
        finally:
            logging.captureWarnings(False)


def test_the_users_mode_sees_only_the_users_own_calls() -> None:
    from collections import Counter

    from torch.overrides import TorchFunctionMode

    class Count(TorchFunctionMode):
        def __init__(self) -> None:
            super().__init__()
            self.calls: Counter[str] = Counter()

        def __torch_function__(
            self, func: Any, types: Any, args: Any = (), kwargs: Any = None
        ) -> Any:
            self.calls[getattr(func, "__name__", str(func))] += 1
            return func(*args, **(kwargs or {}))

    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = torch.randn(5, 3)
    plain, traced = Count(), Count()
    with plain:
        model(x).pow(2).mean().backward()
    model.zero_grad(set_to_none=True)
    with traced:
        ng.trace(model, x, loss=lambda y: y.pow(2).mean())
    assert traced.calls == plain.calls
    model.zero_grad(set_to_none=True)
    recorded = Count()
    with recorded, ng.record():  # no model given: the first module that runs is named then
        model(x).pow(2).mean().backward()
    assert recorded.calls == plain.calls


@pytest.fixture(params=["compiled", "numpy"])
def put_back_by(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test runs with the compiled comparison of the put-back and with numpy's."""
    if request.param == "numpy":
        monkeypatch.setattr(_native, "_library", None)


@pytest.mark.usefixtures("put_back_by")
def test_a_complex32_buffer_the_forward_only_reads_is_not_said_to_be_changed() -> None:
    """Sweep s40 (helper zoo): `torch.equal` cannot compare complex32, and the put-back said
    it could not restore a value the forward 'changed in place'."""

    class Phased(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # ComplexHalf is experimental
                self.register_buffer("phase", torch.randn(3, 4).to(torch.complex32))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.fc(x) * self.phase.real.float().mean()

    model = Phased()
    before = model.phase.clone()
    with warnings.catch_warnings():
        warnings.simplefilter("error", NNGraphWarning)
        ng.trace(model, torch.randn(2, 4), loss=lambda out: out.sum())
    assert torch.equal(model.phase.view(torch.int32), before.view(torch.int32))


@pytest.mark.usefixtures("put_back_by")
def test_a_buffer_whose_dtype_the_forward_changes_is_compared_safely() -> None:
    """Review s40 (rg, repro_05): `self.table.data = self.table.data.to(x.dtype)` made the
    compiled comparison read a float64 tensor's bytes against its float32 copy, past its end:
    the process crashed."""

    class FollowsInput(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.register_buffer("table", torch.zeros(200_000))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.table.data = self.table.data.to(x.dtype)
            return self.fc(x.float()) + self.table[:4].float()

    model = FollowsInput()
    graph = ng.trace(model, torch.randn(2, 4, dtype=torch.float64), loss=lambda o: o.sum())
    assert graph.number_of_nodes() > 0


def test_a_ctrl_c_while_trace_puts_the_model_back_comes_after_it_is_back(
    monkeypatch: pytest.MonkeyPatch, ctrl_c: None
) -> None:
    """Sweep s43 (nb, 2): an Interrupt that landed in trace()'s put-back (3 of 30 on an
    800-block model) left BatchNorm's running statistics moved on and every `.grad` filled.
    Here the SIGINT arrives as the first module's attributes are put back."""
    import signal

    from nngraph.capture import _attributes

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    real = _attributes.Attributes.restore
    sent = []

    def interrupted(self: Any) -> None:
        if not sent:
            sent.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # what the Interrupt button sends
        real(self)

    monkeypatch.setattr(_attributes.Attributes, "restore", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ng.trace(model, torch.randn(16, 4), loss=lambda y: y.pow(2).mean())
    assert sent and all(torch.equal(model.state_dict()[k], v) for k, v in before.items())
    assert all(p.grad is None for p in model.parameters())
