"""Bad input gets one clear NNGraphError that says what to do; user errors pass through."""

from __future__ import annotations

import functools
import itertools
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import nngraph as ng
from nngraph.capture import NNGraphWarning
from tests.capture.test_safety import assert_unchanged, global_state, snapshot
from tests.capture.zoo import total


def test_nngraph_error_is_a_value_error() -> None:
    assert issubclass(ng.NNGraphError, ValueError)


@pytest.mark.parametrize("bad", [3.0, "loss", None, [1, 2], {"a": 1}])
def test_graph_of_a_non_tensor(bad: object) -> None:
    with pytest.raises(ng.NNGraphError, match=r"needs a torch\.Tensor"):
        ng.graph_of(bad)


def test_graph_of_a_tensor_without_history_says_why() -> None:
    x = torch.randn(3, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    for tensor in (y, (x * 2).detach(), torch.ones(2)):
        with pytest.raises(ng.NNGraphError, match=r"no_grad\(\).*detach\(\)"):
            ng.graph_of(tensor)


def test_graph_of_with_bad_params() -> None:
    y = (torch.ones(2, requires_grad=True) * 2).sum()
    with pytest.raises(ng.NNGraphError, match="params must be"):
        ng.graph_of(y, params=42)


@pytest.mark.parametrize("bad", ["model", torch.randn(2), lambda x: x])
def test_trace_needs_a_module(bad: object) -> None:
    with pytest.raises(ng.NNGraphError, match=r"nn\.Module"):
        ng.trace(bad, torch.randn(2))  # type: ignore[arg-type]


def test_trace_with_a_loss_that_is_not_a_scalar() -> None:
    model = nn.Linear(3, 2)
    with pytest.raises(ng.NNGraphError, match="one element"):
        ng.trace(model, torch.randn(4, 3), loss=lambda y: y)
    with pytest.raises(ng.NNGraphError, match="function of the model's output"):
        ng.trace(model, torch.randn(4, 3), loss="mse")  # type: ignore[arg-type]
    assert model.weight.grad is None


def test_trace_with_a_frozen_model() -> None:
    model = nn.Linear(3, 1).requires_grad_(False)
    with pytest.raises(ng.NNGraphError, match="no autograd history"):
        ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum())
    assert not model.weight.requires_grad


class _ForwardUnderNoGrad(nn.Module):
    """A forward decorated with `@torch.no_grad()`, as copied from an inference helper."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.out = nn.Linear(4, 1)

    @torch.no_grad()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.fc(x).relu())


class _SwitchesGradOff(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc(x)
        torch.set_grad_enabled(False)  # left off: the rest of forward and the loss untracked
        return self.fc(h.repeat(1, 3))


@pytest.mark.parametrize("model_class", [_ForwardUnderNoGrad, _SwitchesGradOff])
def test_a_forward_that_runs_with_gradients_off_says_so_and_what_to_do(
    model_class: type[nn.Module],
) -> None:
    model, x = model_class(), torch.randn(4, 3)
    before = snapshot(model)
    try:
        with pytest.raises(ng.NNGraphError) as caught:
            ng.trace(model, x, loss=lambda y: y.sum())
    finally:
        torch.set_grad_enabled(True)
    text = str(caught.value)
    assert "forward ran with gradients off" in text and "@torch.no_grad()" in text
    assert "without loss=" in text and "\n" not in text
    assert_unchanged(model, before)
    g = ng.trace(model, x)  # what the message offers: the forward pass alone
    assert "linear" in {d["op"] for _, d in g.nodes(data=True)}
    torch.set_grad_enabled(True)


class _CopiesWithoutHistory(nn.Module):
    """A forward that makes its result with a call that copies values without their history:
    the classic `torch.tensor([...])` of per-example results, among others."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how, self.fc = how, nn.Linear(3, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.how == "tensor of a list":
            return torch.tensor([self.fc(row).squeeze() for row in x])
        if self.how == "new_tensor":
            return x.new_tensor(self.fc(x))
        rows = [self.fc(row) for row in x.split([1, 3])]
        return torch.nested.nested_tensor(rows, layout=torch.jagged).values()


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("tensor of a list", "torch.stack([self.fc(r) for r in x]) instead of torch.tensor"),
        ("new_tensor", "x.new_tensor(h) copies the values of h"),
        ("nested_tensor", "torch.nested.as_nested_tensor([...], layout=torch.jagged)"),
    ],
)
def test_a_call_that_copies_values_without_history_is_named_not_the_grad_mode(
    how: str, said: str
) -> None:
    """Sweep s41 (zoo, finding 4): told that forward 'ran with gradients off' and to remove an
    @torch.no_grad() that was nowhere."""
    model = _CopiesWithoutHistory(how)
    before = snapshot(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch.tensor's own, of a tensor
        with pytest.raises(ng.NNGraphError, match="no autograd history") as caught:
            ng.trace(model, torch.randn(4, 3), loss=lambda y: y.pow(2).mean())
    assert said in str(caught.value) and "no_grad" not in str(caught.value)
    assert_unchanged(model, before)


def _sum_without_grad(y: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():  # in the loss function, not in the model's forward
        return y.sum()


def test_a_loss_without_history_for_another_reason_does_not_blame_the_grad_mode() -> None:
    model = nn.Linear(3, 1)
    for loss in (lambda y: y.detach().sum(), lambda y: (y > 0).float().sum(), _sum_without_grad):
        with pytest.raises(ng.NNGraphError, match="no autograd history") as caught:
            ng.trace(model, torch.randn(4, 3), loss=loss)
        assert "gradients off" not in str(caught.value)
    with torch.no_grad():  # around the call: trace() turns gradients on for its run
        ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum())


@pytest.mark.parametrize(
    ("loss", "op", "dtype"),
    [
        (lambda y: nn.functional.mse_loss(y.argmax(1).float(), torch.ones(4)), "argmax", "int64"),
        (lambda y: (y > 0).float().mean(), "gt", "bool"),
    ],
)
def test_a_loss_computed_from_whole_numbers_says_they_carry_no_gradient(
    loss: Callable[[torch.Tensor], torch.Tensor], op: str, dtype: str
) -> None:
    """`F.mse_loss(out.argmax(1).float(), y)`: the error asked about requires_grad and
    .detach() (sweep s33 S, finding 7)."""
    with pytest.raises(ng.NNGraphError) as caught:
        ng.trace(nn.Linear(3, 2), torch.randn(4, 3), loss=loss)
    said = str(caught.value)
    assert f"computed from the result of {op} (of type {dtype})" in said, said
    assert "never carry gradients" in said and ".detach()" not in said
    ng.set_language("pl")
    with pytest.raises(ng.NNGraphError, match=f"z wyniku {op} \\(typu {dtype}\\)"):
        ng.trace(nn.Linear(3, 2), torch.randn(4, 3), loss=loss)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", ("none of the tensors it was computed from requires grad", "requires_grad=True")),
        ("pl", ("nie wymaga gradientu", "requires_grad=True")),
    ],
)
def test_a_tensor_without_history_names_the_missing_requires_grad_first(
    language: str, says: tuple[str, ...]
) -> None:
    """The lecture's first autograd cell without requires_grad=True was asked about
    torch.no_grad() and .detach() only (sweep 26b, finding 1)."""
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    c = torch.mean(torch.sqrt(a**2 + b**2))
    ng.set_language(language)
    try:
        with pytest.raises(ng.NNGraphError) as caught:
            ng.graph_of(c)
    finally:
        ng.set_language("en")
    text = str(caught.value)
    assert all(part in text for part in says)
    assert (
        text.index("requires_grad=True") < text.index("torch.no_grad()") < text.index(".detach()")
    )
    assert "ng.record()" in text


def test_record_needs_a_module_or_nothing() -> None:
    with pytest.raises(ng.NNGraphError, match=r"nn\.Module"), ng.record("model"):  # type: ignore[arg-type]
        pass


@pytest.mark.parametrize("inputs", [(torch.randn(4, 2),), (torch.randn(4, 2), torch.ones(4))])
def test_record_given_inputs_as_trace_is_says_to_run_the_model_in_the_block(
    inputs: tuple[torch.Tensor, ...],
) -> None:
    """`ng.record(model, x)` gave Python's bare "takes from 0 to 1 positional arguments"
    (sweep 26b, finding 5)."""
    model = nn.Linear(2, 1)
    with pytest.raises(ng.NNGraphError) as caught:
        ng.record(model, *inputs)
    text = str(caught.value)
    assert "with ng.record(model)" in text and "ng.trace(model, x)" in text
    with pytest.raises(TypeError):  # the other arguments stay keyword-only
        ng.record(model, names={}, depth=2)  # type: ignore[call-arg]


def test_record_given_two_models_says_it_takes_one_and_records_the_others_too() -> None:
    """`ng.record(G, D)` was told "takes no inputs", although the student passed a model."""
    gen, disc = nn.Linear(2, 3), nn.Linear(3, 1)
    with pytest.raises(ng.NNGraphError) as caught:
        ng.record(gen, disc)
    text = str(caught.value)
    assert "takes one model, got 2" in text and "every other model that runs" in text


@pytest.mark.parametrize("names", [5, ["x"], "x"])
def test_record_names_must_be_a_mapping(names: object) -> None:
    with pytest.raises(ng.NNGraphError, match="globals"), ng.record(names=names):  # type: ignore[arg-type]
        pass


def test_graph_is_ready_only_after_the_block() -> None:
    with ng.record() as rec, pytest.raises(ng.NNGraphError, match="block ends"):
        rec.graph  # noqa: B018
    assert len(rec.graph) == 0


def test_a_shape_error_in_user_code_is_the_users_error() -> None:
    model = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
        ng.trace(model, torch.randn(4, 5))


def test_trace_inside_inference_mode_says_to_leave_it() -> None:
    model = nn.Linear(3, 1)
    with torch.inference_mode(), pytest.raises(ng.NNGraphError, match="inference_mode"):
        ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum())
    assert model.weight.grad is None


@pytest.mark.parametrize("how", ["positional", "keyword", "nested"])
def test_trace_of_an_input_made_under_inference_mode_says_to_make_it_outside(how: str) -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    weights = {k: v.clone() for k, v in model.state_dict().items()}

    class Dict(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
            return self.inner(batch["x"])

    with torch.inference_mode():
        x = torch.randn(4, 3)
    calls = {
        "positional": (lambda: ng.trace(model, x, loss=lambda y: y.sum()), r"inputs\[0\]"),
        "keyword": (lambda: ng.trace(Dict(), batch={"x": x}), r"batch\['x'\]"),
        "nested": (lambda: ng.trace(Dict(), {"x": x}), r"inputs\[0\]\['x'\]"),
    }
    call, where = calls[how]
    said = rf"torch\.inference_mode\(\) \({where}\).*outside it, e\.g\. ng\.trace\(model, x\.clone\(\)\)"
    with pytest.raises(ng.NNGraphError, match=said):
        call()
    assert all(torch.equal(v, weights[k]) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters()) and model.training
    g = ng.trace(model, x.clone(), loss=lambda y: y.sum())  # the fix the message gives works
    assert any(d["grad"] is not None for _, d in g.nodes(data=True) if d["kind"] == "param")


def test_trace_with_a_complex_loss() -> None:
    model = nn.Linear(3, 1)
    with pytest.raises(ng.NNGraphError, match=r"real.*complex64"):
        ng.trace(model, torch.randn(4, 3), loss=lambda y: y.sum() * 1j)


def test_graph_of_an_integer_result_points_to_the_float_one() -> None:
    logits = torch.nn.Linear(3, 4)(torch.randn(2, 3))
    with pytest.raises(ng.NNGraphError, match=r"int64 tensors .* never carry gradients.*logits"):
        ng.graph_of(logits.argmax(dim=1))


@pytest.mark.parametrize("depth", ["1", 1.0, True, -1])
def test_collapse_needs_a_whole_depth(depth: object) -> None:
    g = ng.trace(nn.Linear(3, 1), torch.randn(4, 3))
    with pytest.raises(ng.NNGraphError, match="whole number >= 0"):
        g.collapse(depth)  # type: ignore[arg-type]


def test_graph_of_with_a_list_of_tensors_as_params() -> None:
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    y = model(torch.randn(4, 3)).sum()
    with pytest.raises(ng.NNGraphError, match="params must be"):
        ng.graph_of(y, params=[model[0].weight])  # two rows once unpacked as a (name, tensor) pair


@pytest.mark.parametrize("convert", ["script", "trace"])
def test_trace_of_a_torchscript_module_says_to_trace_the_python_one(convert: str) -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    x = torch.randn(2, 3)
    compiled = torch.jit.script(model) if convert == "script" else torch.jit.trace(model, x)
    with pytest.raises(ng.NNGraphError, match="TorchScript"):
        ng.trace(compiled, x)


def test_a_torchscript_module_inside_record_is_named_as_unseen() -> None:
    scripted = torch.jit.script(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)))
    with pytest.warns(NNGraphWarning, match="TorchScript") as caught, ng.record() as rec:
        loss = scripted(torch.randn(5, 3)).sum()
        loss.backward()
    assert caught[0].filename == __file__
    # the scripted model's autograd nodes keep their own names, not the next call's (`sum`)
    ops = sorted(d["op"] for _, d in rec.graph.nodes(data=True) if d["kind"] == "op")
    assert ops.count("sum") == 1


def test_a_torchscript_part_of_a_model_is_traced_and_its_modules_keep_their_class_names() -> None:
    model = nn.Sequential(nn.Linear(3, 4), torch.jit.script(nn.Sequential(nn.Linear(4, 1))))
    with pytest.warns(NNGraphWarning, match="TorchScript"):
        g = ng.trace(model, torch.randn(5, 3), loss=lambda y: y.sum())
    modules = g.graph["modules"]
    assert [modules[path]["type"] for path in ("", "0", "1", "1.0")] == [
        "Sequential", "Linear", "Sequential", "Linear"
    ]  # fmt: skip


@pytest.mark.parametrize("params", [{"a": 1}, {"w": None}, [("w", 2.0)]])
def test_graph_of_params_must_name_tensors(params: object) -> None:
    y = (torch.ones(2, requires_grad=True) * 2).sum()
    with pytest.raises(ng.NNGraphError, match=r"params names tensors, but '[aw]' is"):
        ng.graph_of(y, params=params)


def test_record_used_without_with_says_to_write_the_with_block() -> None:
    rec = ng.record(nn.Linear(3, 1))
    with pytest.raises(ng.NNGraphError, match=r"with ng\.record\(model\) as rec:"):
        rec.graph  # noqa: B018


@pytest.mark.parametrize("language", ["en", "pl"])
def test_record_used_in_a_with_block_without_as_says_where_the_graph_is(language: str) -> None:
    """Sweep 22a F6: `rec = ng.record(model)`, `with rec:`, then `rec.graph` was told to write
    a with-block, which it had; what it missed is `as rec`."""
    model = nn.Linear(3, 1)
    rec = ng.record(model)
    with rec:
        model(torch.randn(2, 3)).sum().backward()
    ng.set_language(language)
    try:
        with pytest.raises(ng.NNGraphError) as caught:
            rec.graph  # noqa: B018
    finally:
        ng.set_language("en")
    text = str(caught.value)
    assert "`with ... as rec:`" in text and "`with rec:`" in text
    assert "with ng.record(model) as rec:" in text


def _two_argument_loss(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return (out - target).pow(2).mean()


@pytest.mark.parametrize(
    ("loss", "said"),
    [
        (nn.CrossEntropyLoss(), r"loss is the module nn\.CrossEntropyLoss, which needs the target"),
        (nn.functional.cross_entropy, r"loss is F\.cross_entropy, which needs the target"),
        (_two_argument_loss, r"loss is _two_argument_loss, which needs the target"),
    ],
)
def test_a_loss_that_needs_a_target_says_so_and_how_to_wrap_it(loss: object, said: str) -> None:
    """Sweep 19c §11: loss=nn.CrossEntropyLoss() got the general text, not "it needs the
    target"; it now names what the loss takes and the lambda that gives it."""
    model = nn.Linear(3, 2)
    with pytest.raises(ng.NNGraphError, match=said) as caught:
        ng.trace(model, torch.randn(4, 3), loss=loss)  # type: ignore[arg-type]
    text = str(caught.value)
    assert "takes input, target)" in text or "takes out, target)" in text
    assert "loss=lambda out: " in text
    assert model.weight.grad is None


@pytest.mark.parametrize(
    ("loss", "takes"),
    [
        (lambda out, t: F.mse_loss(out, t), "(out, t)"),
        (lambda out, *, target: F.mse_loss(out, target), "(out, target)"),
        (functools.partial(lambda out, t, reduction: out.sum(), reduction="mean"), "(out, t)"),
    ],
)
def test_a_loss_lambda_of_two_arguments_says_trace_gives_it_the_output_alone(
    loss: Any, takes: str
) -> None:
    """Sweep 22a F8: `loss=lambda out, t: ...` got the general rule, not what was wrong: the
    function takes two arguments and trace() calls it with the model's output only."""
    model = nn.Linear(3, 1)
    for language in ("en", "pl"):
        ng.set_language(language)
        try:
            with pytest.raises(ng.NNGraphError) as caught:
                ng.trace(model, torch.randn(4, 3), loss=loss)
        finally:
            ng.set_language("en")
        assert takes in str(caught.value)
        assert "loss=lambda out: F.mse_loss(out, y)" in str(caught.value)
    with pytest.raises(ng.NNGraphError, match=r"takes the arguments .*calls it with one, the"):
        ng.trace(model, torch.randn(4, 3), loss=loss)
    assert model.weight.grad is None


def test_a_loss_lambda_with_a_default_or_more_arguments_is_called_with_the_output() -> None:
    model, x, y = nn.Linear(3, 1), torch.randn(4, 3), torch.randn(4, 1)
    for loss in (
        lambda out, t=y: F.mse_loss(out, t),
        lambda out, *rest: F.mse_loss(out, y),
        functools.partial(lambda out, t: F.mse_loss(out, t), t=y),
    ):
        assert len(ng.trace(model, x, loss=loss)) > 0


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_loss_value_given_instead_of_a_function_says_to_wrap_it(language: str) -> None:
    """Sweep 19c §11: loss=loss_fn(model(x), y) is the loss computed already."""
    model, x, y = nn.Linear(3, 2), torch.randn(4, 3), torch.tensor([0, 1, 0, 1])
    ng.set_language(language)
    try:
        for value in (nn.CrossEntropyLoss()(model(x), y), 0.7):
            with pytest.raises(ng.NNGraphError) as caught:
                ng.trace(model, x, loss=value)  # type: ignore[arg-type]
            text = str(caught.value)
            assert type(value).__name__ in text and "loss=lambda out: loss_fn(out, y)" in text
        if language == "en":  # not "loss is a int" (sweep s32)
            with pytest.raises(ng.NNGraphError, match=r"^loss is a value \(of type int\), a loss"):
                ng.trace(model, x, loss=5)  # type: ignore[arg-type]
    finally:
        ng.set_language("en")


@pytest.mark.parametrize("retain_graph", [False, True])
def test_a_loss_that_runs_backward_itself_says_trace_does_it(retain_graph: bool) -> None:
    model = nn.Linear(3, 1)

    def loss(y: torch.Tensor) -> torch.Tensor:
        value = y.pow(2).mean()
        value.backward(retain_graph=retain_graph)  # a student's habit
        return value

    with pytest.raises(ng.NNGraphError, match=r"ran backward\(\) itself.*only compute and return"):
        ng.trace(model, torch.randn(4, 3), loss=loss)
    assert model.weight.grad is None


def test_a_type_error_inside_the_users_loss_is_the_users_error() -> None:
    def loss(y: torch.Tensor) -> torch.Tensor:
        return y.sum() + "1"  # type: ignore[operator]

    with pytest.raises(TypeError, match="unsupported operand"):
        ng.trace(nn.Linear(3, 2), torch.randn(4, 3), loss=loss)


@pytest.mark.parametrize("name", ["layer.1", ""])
def test_a_submodule_name_pytorch_refuses_gives_a_clear_error(name: str) -> None:
    """`setattr` lets in a name `add_module` refuses: a dot, or nothing at all."""
    model = nn.Module()
    setattr(model, name, nn.Linear(2, 2))
    model.forward = lambda x: model._modules[name](x)  # type: ignore[method-assign]
    for capture in (
        lambda: ng.trace(model, torch.randn(3, 2)),
        lambda: ng.graph_of(model(torch.randn(3, 2)).sum(), params=model),
    ):
        with pytest.raises(ng.NNGraphError, match="add_module") as error:
            capture()
        assert repr(name) in str(error.value)


def test_graph_of_names_that_are_not_a_mapping() -> None:
    y = (torch.ones(2, requires_grad=True) * 2).sum()
    with pytest.raises(ng.NNGraphError, match="names"):
        ng.graph_of(y, names=["y"])  # type: ignore[arg-type]


@pytest.mark.parametrize("stats", ["no", 0, None])
def test_graph_of_with_stats_that_is_not_a_bool(stats: object) -> None:
    y = torch.ones(2, requires_grad=True).sum()
    with pytest.raises(ng.NNGraphError, match="stats must be True"):
        ng.graph_of(y, stats=stats)  # type: ignore[arg-type]


@pytest.mark.parametrize("loss", [nn.MSELoss, nn.L1Loss, nn.CrossEntropyLoss])
def test_a_loss_class_instead_of_a_loss_says_to_make_one(loss: type) -> None:
    model = nn.Linear(3, 1)
    with pytest.raises(ng.NNGraphError, match=rf"class torch.nn.{loss.__name__}, not a loss"):
        ng.trace(model, torch.randn(2, 3), loss=loss)
    assert model.weight.grad is None


def test_forgotten_inputs_and_a_misspelt_loss_say_what_trace_needs() -> None:
    model = nn.Sequential(nn.Linear(3, 1))
    with pytest.raises(ng.NNGraphError, match="give the model's inputs after the model"):
        ng.trace(model)
    with pytest.raises(ng.NNGraphError, match="did you mean loss="):
        ng.trace(model, torch.randn(2, 3), los=lambda y: y.sum())


class _TextClassifier(nn.Module):
    """Shaped like a HuggingFace model: the batch's entries are forward's arguments."""

    def __init__(self) -> None:
        super().__init__()
        self.emb, self.head = nn.Embedding(10, 4), nn.Linear(4, 2)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> torch.Tensor:
        return self.head(self.emb(input_ids).mean(1))


class _AnyKeyword(_TextClassifier):
    def forward(self, input_ids: torch.Tensor, **kwargs: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return super().forward(input_ids)


class _TakesADict(nn.Module):
    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return batch["input_ids"].float().sum(1, keepdim=True).requires_grad_()


@pytest.mark.parametrize("any_keyword", [False, True])
def test_a_batch_of_named_inputs_given_as_one_input_says_to_unpack_it(any_keyword: bool) -> None:
    """A tokenizer's batch passed as `trace(model, batch)`: the dict became `input_ids` and the
    model failed deep inside (a HuggingFace BatchEncoding: an empty AttributeError, sweep H)."""
    model = _AnyKeyword() if any_keyword else _TextClassifier()
    batch = {"input_ids": torch.randint(0, 10, (2, 5)), "attention_mask": torch.ones(2, 5)}
    with pytest.raises(ng.NNGraphError, match=r"\(input_ids, attention_mask\).*\*\*batch"):
        ng.trace(model, batch, loss=lambda y: y.sum())
    assert model.head.weight.grad is None
    assert isinstance(ng.trace(model, **batch, loss=lambda y: y.sum()), ng.Graph)
    ng.trace(_TakesADict(), {"input_ids": torch.ones(2, 3)})  # a model that takes the dict


class _RaisesTypeError(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise TypeError("the student's own")


def test_a_type_error_inside_forward_stays_the_users() -> None:
    with pytest.raises(TypeError, match="the student's own"):
        ng.trace(_RaisesTypeError(), torch.randn(2, 3))


class _ReturnsAnIterator(nn.Module):
    """A forward that returns a lazy iterator of results, and keeps a count and a log."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how
        self.fc = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5), nn.BatchNorm1d(4))
        self.calls = 0
        self.read: list[int] = []

    def forward(self, x: torch.Tensor) -> Iterator[torch.Tensor]:
        self.calls += 1
        if self.how == "generator":
            return (self._read(i) * self.fc(x) for i in range(3))
        ys = [self.fc(x), self.fc(x)]
        if self.how == "map":
            return map(torch.relu, ys)
        if self.how == "filter":
            return filter(lambda y: y.requires_grad, ys)
        if self.how == "zip":
            return zip(ys, ys, strict=True)
        return itertools.chain(ys, [x])

    def _read(self, i: int) -> int:
        self.read.append(i)
        return i


@pytest.mark.parametrize("how", ["generator", "map", "filter", "zip", "chain"])
def test_a_model_returning_an_iterator_without_a_loss_says_to_return_a_tuple(how: str) -> None:
    torch.manual_seed(0)
    model = _ReturnsAnIterator(how)
    total(model(torch.randn(8, 4)).__next__()).backward()  # gradients already there stay
    model.calls, model.read = 0, []
    x = torch.randn(8, 4)
    before, globals_before, rng = snapshot(model), global_state(), torch.get_rng_state()
    with pytest.raises(ng.NNGraphError, match=rf"returned an iterator \({how}\).*tuple or list"):
        ng.trace(model, x)
    assert_unchanged(model, before)
    assert global_state() == globals_before
    assert torch.equal(torch.get_rng_state(), rng)
    assert model.calls == 0 and model.read == []  # the generator's body never ran
    # with a loss= that reads it, the trace works as before
    g = ng.trace(model, x, loss=lambda ys: sum(total(y) for y in ys))
    assert sorted(d["name"] for _, d in g.nodes(data=True) if d["kind"] == "param") == [
        "fc.0.bias",
        "fc.0.weight",
        "fc.2.bias",
        "fc.2.weight",
    ]
    assert_unchanged(model, before)
    with pytest.raises(ng.NNGraphError, match="got generator"):  # graph_of says so already
        ng.graph_of(y * 2 for y in [torch.ones(1, requires_grad=True)])


class _ForgetsToReturn(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.aux_loss: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> None:
        self.aux_loss = torch.relu(self.fc(x)).sum()  # forgot `return`


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_model_returning_none_asks_whether_forward_forgot_return(language: str) -> None:
    """The loss failed with torch's "'NoneType' object has no attribute 'size'", and without
    a loss the graph had no output and said nothing (sweep h)."""
    ng.set_language(language)  # English again after the test (conftest)
    model, x = _ForgetsToReturn(), torch.randn(4, 3)
    before = snapshot(model)
    said = {"en": "without `return`", "pl": "bez `return`"}[language]
    with pytest.raises(ng.NNGraphError, match=said) as raised:
        ng.trace(model, x, loss=lambda out: F.mse_loss(out, torch.zeros(4, 2)))
    assert isinstance(raised.value.__cause__, AttributeError)  # the loss's own error, kept
    assert_unchanged(model, before)
    with pytest.warns(NNGraphWarning, match=said) as caught:
        g = ng.trace(model, x)
    assert [w.filename for w in caught if w.category is NNGraphWarning] == [__file__]
    assert g.number_of_nodes() > 0
    # a loss that reads what the model kept, not its output, still runs
    g = ng.trace(model, x, loss=lambda _: model.aux_loss)
    assert g.graph["backward_passes"] == 1
    # and its own error is not blamed on the None (regression sweep s30, b9)
    labels = torch.tensor([5, 0, 1, 0])
    with pytest.raises(IndexError, match="out of bounds"):
        ng.trace(model, x, loss=lambda _: F.cross_entropy(model.fc(x), labels))
    # what a forward returns on purpose is no forgotten `return`, even without a tensor
    for returned in ({"logits": 1}, (None,), [], 3):
        model.forward = lambda x, returned=returned: returned  # type: ignore[method-assign]
        with warnings.catch_warnings():
            warnings.simplefilter("error", NNGraphWarning)
            ng.trace(model, x)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_backward_of_a_loss_made_under_no_grad_in_the_block_names_no_grad(language: str) -> None:
    """Sweep S: a training forward under `torch.no_grad()`, then `loss.requires_grad_(True)` to
    silence PyTorch's error, was told that its forward "ran before the block"."""
    ng.set_language(language)
    torch.manual_seed(0)
    model, x = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)), torch.randn(5, 4)
    said = {"en": "computed its loss without autograd", "pl": "obliczył stratę bez autograd"}
    with pytest.warns(NNGraphWarning, match=said[language]) as caught, ng.record(model):
        with torch.no_grad():
            loss = model(x).pow(2).mean()
        loss.requires_grad_(True)
        loss.backward()
    assert [w.filename for w in caught if w.category is NNGraphWarning] == [__file__]
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_backward_of_a_forward_run_before_the_record_block_says_to_run_it_inside(
    language: str,
) -> None:
    """Only `loss.backward()` in the block gave an empty graph and no word (sweep h)."""
    ng.set_language(language)
    torch.manual_seed(0)
    model, x = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)), torch.randn(5, 4)
    said = {"en": "forward pass that computed its loss ran before", "pl": "przed blokiem"}
    loss = model(x).pow(2).mean()
    with pytest.warns(NNGraphWarning, match=said[language]) as caught, ng.record(model) as rec:
        loss.backward()
        (model(x) > 0).float().mean()  # ops recorded after it do not hide it
    assert [w.filename for w in caught if w.category is NNGraphWarning] == [__file__]
    assert rec.graph.graph["backward_passes"] == 0

    def functional(weights: dict[str, torch.Tensor]) -> torch.Tensor:
        return torch.func.functional_call(model, weights, (x,)).pow(2).mean()

    with warnings.catch_warnings():  # the forward in the block: no word
        warnings.simplefilter("error", NNGraphWarning)
        with ng.record(model):
            model(x).pow(2).mean().backward()
        with ng.record(model):
            torch.autograd.grad(model(x).pow(2).mean(), list(model.parameters()))
        with ng.record(model):  # its backward runs on the transform's own nodes
            torch.func.grad(functional)(dict(model.named_parameters()))
        with ng.record(model):  # no backward at all: nothing to say either
            model(x)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_loss_backpropagated_twice_says_the_gradients_doubled(language: str) -> None:
    """`retain_graph=True` added to silence "Trying to backward through the graph a second
    time", then a second `backward()` on the same loss, doubled every gradient in silence."""
    ng.set_language(language)
    torch.manual_seed(0)
    model, x = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)), torch.randn(5, 4)
    said = {"en": "twice what one backward gives", "pl": "dwa razy większy"}
    with pytest.warns(NNGraphWarning, match=said[language]) as caught, ng.record(model) as rec:
        loss = model(x).pow(2).mean()
        loss.backward(retain_graph=True)
        once = [p.grad.clone() for p in model.parameters()]
        loss.backward(retain_graph=True)
        torch.autograd.backward([loss])  # a third time: still one warning
    assert [w.filename for w in caught if w.category is NNGraphWarning] == [__file__]
    for p, grad in zip(model.parameters(), once, strict=True):  # PyTorch's sum, unchanged
        assert torch.allclose(p.grad, 3 * grad)
    assert rec.graph.graph["backward_passes"] == 3


def _two_losses_on_one_trunk(trunk: nn.Module, x: torch.Tensor) -> None:
    """A multi-task model (or a GAN): two losses, one after the other, on one trunk."""
    h = torch.tanh(trunk(x))
    nn.Linear(8, 1)(h).pow(2).mean().backward(retain_graph=True)
    nn.Linear(8, 2)(h).abs().mean().backward()


def _gradients_reset_in_between(trunk: nn.Module, x: torch.Tensor) -> None:
    loss = trunk(x).pow(2).mean()
    loss.backward(retain_graph=True)
    trunk.zero_grad()
    loss.backward(retain_graph=True)
    for p in trunk.parameters():
        p.grad.zero_()
    loss.backward()


def _losses_out_of_one_op(trunk: nn.Module, x: torch.Tensor) -> None:
    """One node, other outputs: `unbind`, and a loop over a tensor (sweep s37 RG3)."""
    first, second = trunk(x).pow(2).mean(0)[:2].unbind()
    first.backward(retain_graph=True)
    second.backward()
    for step_loss in trunk(x).pow(2).mean(1)[:3]:
        step_loss.backward(retain_graph=True)


def _a_jacobian_row_by_row(trunk: nn.Module, x: torch.Tensor) -> None:
    y = trunk(x)[0, :3]
    for row in torch.eye(3):
        y.backward(row, retain_graph=True)


def _each_pass_fills_other_leaves(trunk: nn.Module, x: torch.Tensor) -> None:
    head = nn.Linear(8, 1)
    loss = head(torch.tanh(trunk(x))).pow(2).mean()
    loss.backward(inputs=list(trunk.parameters()), retain_graph=True)
    torch.autograd.backward(loss, inputs=list(head.parameters()))


def _a_training_loop(trunk: nn.Module, x: torch.Tensor) -> None:
    optimizer = torch.optim.SGD(trunk.parameters(), lr=0.1)
    for _ in range(3):
        optimizer.zero_grad()
        trunk(x).pow(2).mean().backward()
        optimizer.step()


@pytest.mark.parametrize(
    ("block", "passes"),
    [
        (_two_losses_on_one_trunk, 2),
        (_gradients_reset_in_between, 3),
        (_losses_out_of_one_op, 5),
        (_a_jacobian_row_by_row, 3),
        (_each_pass_fills_other_leaves, 2),
        (_a_training_loop, 3),
    ],
)
def test_backward_passes_that_do_not_add_up_the_same_gradients_are_not_warned_about(
    block: Callable[[nn.Module, torch.Tensor], None], passes: int
) -> None:
    torch.manual_seed(0)
    trunk, x = nn.Linear(4, 8), torch.randn(5, 4)
    with warnings.catch_warnings(record=True) as caught, ng.record(trunk) as rec:
        warnings.simplefilter("always")
        block(trunk, x)
    assert [str(w.message) for w in caught if w.category is NNGraphWarning] == []
    assert rec.graph.graph["backward_passes"] == passes  # each pass recorded all the same


def test_losses_out_of_one_op_add_up_to_one_backward_of_their_sum() -> None:
    """What the warning would have got wrong: these gradients are not doubled."""
    torch.manual_seed(0)
    trunk, x = nn.Linear(4, 8), torch.randn(5, 4)
    first, second = trunk(x).pow(2).mean(0)[:2].unbind()
    first.backward(retain_graph=True)
    second.backward()
    apart = trunk.weight.grad.clone()
    trunk.zero_grad()
    trunk(x).pow(2).mean(0)[:2].sum().backward()
    assert torch.allclose(apart, trunk.weight.grad)


PACKAGE = str(Path(ng.__file__).parent)


def _frames(error: BaseException) -> list[tuple[str, str]]:
    """(file name, function) of each frame of `error`'s traceback, outermost first."""
    return [(Path(f.filename).name, f.name) for f in traceback.extract_tb(error.__traceback__)]


class _Twice(torch.autograd.Function):
    """The student's own autograd Function, whose backward fails."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x * 2

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        raise ValueError("the student's backward")


class _Fails(torch.autograd.Function):
    """The student's own autograd Function, whose forward fails."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        raise ValueError("the student's forward")


def _bce(out: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(out, torch.zeros(4))  # [4] vs [4, 1]


def _cross_entropy(out: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(out, torch.zeros(4))  # a float target


def _custom(out: torch.Tensor) -> torch.Tensor:
    return _Twice.apply(out).sum()


def _failing(out: torch.Tensor) -> torch.Tensor:
    return _Fails.apply(out).sum()


@pytest.mark.parametrize(
    ("inputs", "loss", "last"),
    [
        ((torch.randn(4, 3),), None, ("linear.py", "forward")),  # wrong number of features
        ((torch.randn(4, 2),), _bce, ("functional.py", "binary_cross_entropy_with_logits")),
        ((torch.randn(4, 2),), _cross_entropy, ("functional.py", "cross_entropy")),
        ((torch.randn(4, 2),), _custom, ("test_errors.py", "backward")),
        ((torch.randn(4, 2),), _failing, ("test_errors.py", "forward")),
    ],
    ids=["forward", "bce-shapes", "cross-entropy-dtype", "own-backward", "own-function"],
)
def test_an_error_of_the_students_model_or_loss_has_the_traceback_it_has_without_nngraph(
    inputs: tuple[torch.Tensor, ...], loss: Any, last: tuple[str, str]
) -> None:
    """It ended in `_record.py`'s `__torch_function__` and passed through `trace()` and
    `call_loss` (whose docstring IPython printed), with torch's `handle_torch_function` and
    the loss function twice: students read nngraph as the culprit (sweep 20c)."""
    model = nn.Sequential(nn.Linear(2, 1))
    with pytest.raises((RuntimeError, ValueError)) as raised:
        ng.trace(model, *inputs, loss=loss)
    with pytest.raises(raised.type) as plain:  # the same, without nngraph
        output = model(*inputs)
        if loss is not None:
            loss(output).backward()
    assert type(raised.value) is type(plain.value)  # the exception itself, unchanged
    assert str(raised.value) == str(plain.value)
    frames = _frames(raised.value)
    assert frames[0][0] == "test_errors.py"  # the caller's line, then the student's code
    assert frames[-1] == last == _frames(plain.value)[-1]
    assert not any(
        f.filename.startswith(PACKAGE) for f in traceback.extract_tb(raised.value.__traceback__)
    )
    assert ("overrides.py", "handle_torch_function") not in frames
    calls = [frame for frame in frames if frame[0] != "module.py"]  # a module in a module
    assert len(calls) == len(set(calls))  # no torch function twice (it was: before, after)


def test_an_error_inside_a_record_block_ends_where_it_ends_without_the_recording() -> None:
    model = nn.Linear(2, 1)
    with pytest.raises(RuntimeError, match="shapes cannot be multiplied") as raised, ng.record():
        model(torch.randn(4, 3))
    assert _frames(raised.value)[-1] == ("linear.py", "forward")
    with pytest.raises(RuntimeError, match="second time") as raised, ng.record():
        y = (torch.ones(2, requires_grad=True) * 2).sum()
        y.backward()
        y.backward()
    frames = _frames(raised.value)
    assert frames[1] == ("_tensor.py", "backward") and frames.count(frames[1]) == 1
    assert all(name != "handle_torch_function" for _, name in frames)


def test_an_error_in_nested_modules_has_as_many_frames_as_without_the_recording() -> None:
    """The recording's global module hooks send each module call through torch's `inner`:
    one more frame per module for the student to read past (sweep 21c)."""
    net = nn.Sequential(nn.Linear(3, 4), nn.Sequential(nn.ReLU(), nn.Linear(5, 1)))
    x = torch.randn(2, 3)
    with pytest.raises(RuntimeError) as plain:
        net(x)
    with pytest.raises(RuntimeError) as raised, ng.record(net):
        net(x)
    assert _frames(raised.value) == _frames(plain.value)


def _nested(depth: int) -> nn.Module:
    model: nn.Module = nn.Linear(4, 4)
    for _ in range(depth - 1):
        model = nn.Sequential(model)
    return model


@pytest.mark.parametrize("how", ["trace", "record"])
def test_a_model_nested_past_the_recursion_limit_gets_a_note_and_is_left_as_it_was(
    how: str,
) -> None:
    """With the recording's module hooks on, PyTorch runs each module call through one more
    frame (`inner`): a model nested 200 deep runs without nngraph and not under it (zoo
    sweep). The RecursionError stays, with a note saying why and how to raise the limit."""
    model = _nested(sys.getrecursionlimit() // 3)  # 4 frames a level without nngraph, 5 with
    x = torch.randn(2, 4)
    before, hooks = snapshot(model), global_state()
    with pytest.raises(RecursionError) as raised:
        if how == "trace":
            ng.trace(model, x, loss=total)
        else:
            with ng.record(model):
                total(model(x)).backward()
    (note,) = raised.value.__notes__
    assert "module calls running one inside another" in note
    assert f"sys.setrecursionlimit({2 * sys.getrecursionlimit() // 1000 * 1000})" in note
    assert_unchanged(model, before)
    assert global_state() == hooks


def test_a_recursion_of_the_users_own_gets_no_note() -> None:
    """A function calling itself without end, not modules nested deep: raising the limit
    would not help."""

    def endless(n: int) -> int:
        return endless(n + 1)

    with pytest.raises(RecursionError) as raised, ng.record():
        endless(0)
    assert not getattr(raised.value, "__notes__", None)


class _BrokenDataset(torch.utils.data.Dataset[torch.Tensor]):
    """The student's dataset, whose `__getitem__` fails."""

    def __len__(self) -> int:
        return 4

    def __getitem__(self, i: int) -> torch.Tensor:
        raise IndexError("the student's dataset")


def _broken_collate(batch: list[torch.Tensor]) -> torch.Tensor:
    raise TypeError("the student's collate_fn")


def _load_broken_dataset() -> None:
    next(iter(torch.utils.data.DataLoader(_BrokenDataset())))


def _load_with_broken_collate() -> None:
    next(iter(torch.utils.data.DataLoader(torch.randn(4, 2), collate_fn=_broken_collate)))


def _step_with_broken_closure() -> None:
    net = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)

    def closure() -> torch.Tensor:
        net(torch.randn(4, 3)).sum().backward()
        raise ZeroDivisionError("the student's closure")

    optimizer.step(closure)


def _view(x: torch.Tensor) -> torch.Tensor:
    return x.view(-1, 5)


@functools.cache
def _scripted_view() -> Any:
    return torch.jit.script(_view)  # once, at the plain run: outside the recording


def _call_broken_script_function() -> None:
    _scripted_view()(nn.Linear(3, 2)(torch.randn(4, 3)))


@pytest.mark.parametrize(
    "run",
    [
        _load_broken_dataset,
        _load_with_broken_collate,
        _step_with_broken_closure,
        _call_broken_script_function,
    ],
    ids=["dataset", "collate-fn", "optimizer-closure", "torchscript-function"],
)
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")
def test_an_error_in_code_the_recording_wraps_has_the_traceback_it_has_without_it(
    run: Any,
) -> None:
    """A DataLoader's fetch, an optimizer's closure and a TorchScript function run through
    nngraph's wrappers in `record()`: their frames (`_bookkeeping.py`, `_record.py`) showed
    between the student's line and the student's bug (sweep 28, 4.1)."""
    with pytest.raises(Exception) as plain:
        run()
    with pytest.raises(Exception) as raised, ng.record():
        run()
    assert type(raised.value) is type(plain.value)
    assert _frames(raised.value) == _frames(plain.value)
    text = "".join(traceback.format_exception(raised.value))
    assert PACKAGE not in text


def test_an_error_nngraph_raises_itself_keeps_its_frames() -> None:
    """Only the user's errors lose nngraph's frames: nngraph's own still show where (a bug
    report needs them; in a notebook the handler of `_ipython_errors` hides them)."""
    with pytest.raises(ng.NNGraphError, match="scalar") as raised:
        ng.trace(nn.Linear(2, 3), torch.randn(4, 2), loss=lambda y: y * 2)
    assert any(
        f.filename.startswith(PACKAGE) for f in traceback.extract_tb(raised.value.__traceback__)
    )


@pytest.mark.parametrize(
    ("inputs", "kwargs", "said"),
    [
        (([1.0, 2.0],), {}, r"inputs\[0\] \(type list\): linear\(\).*torch\.tensor\(data\)$"),
        (([[1.0, 2.0], [3.0, 4.0]],), {}, r"inputs\[0\] \(type list\)"),
        ((np.ones((3, 2)),), {}, r"\(type ndarray\).*torch\.tensor\(data, dtype=torch\.float32\)"),
        ((), {"input": [1.0, 2.0]}, r"got input \(type list\).*input=torch\.tensor\(data\)"),
        ((2.0,), {}, r"inputs\[0\] \(type float\)"),
    ],
    ids=["list", "nested-list", "ndarray", "keyword", "number"],
)
def test_numbers_that_are_not_a_tensor_as_input_say_to_make_them_one(
    inputs: tuple[Any, ...], kwargs: dict[str, Any], said: str
) -> None:
    """`ng.trace(model, [1.0, 2.0])` gave torch's raw TypeError (sweep 20c)."""
    model = nn.Sequential(nn.Linear(2, 1))
    with pytest.raises(ng.NNGraphError, match=said):
        ng.trace(model, *inputs, **kwargs)


def test_non_tensor_inputs_are_refused_in_polish_too() -> None:
    ng.set_language("pl")
    try:
        with pytest.raises(ng.NNGraphError, match=r"model potrzebuje tensora.*torch\.tensor"):
            ng.trace(nn.Linear(2, 1), [1.0, 2.0])
    finally:
        ng.set_language("en")


class _Packed(nn.Module):
    """Takes the lengths of its padded sequences as a list of numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.GRU(2, 3, batch_first=True)

    def forward(self, x: torch.Tensor, lengths: list[int]) -> torch.Tensor:
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True)
        return self.rnn(packed)[1]


class _ListBug(nn.Module):
    def forward(self, x: torch.Tensor, sizes: list[int]) -> torch.Tensor:
        return x + "1"  # type: ignore[operator]  # the student's own bug, not about the list


def test_a_list_the_model_takes_is_given_as_it_is_and_its_own_errors_stay() -> None:
    g = ng.trace(_Packed(), torch.randn(2, 4, 2), [4, 2], loss=lambda h: h.sum())
    assert any(d["kind"] == "param" for _, d in g.nodes(data=True))
    with pytest.raises(TypeError, match="unsupported operand"):
        ng.trace(_ListBug(), torch.randn(2, 3), [1, 2])
