"""What a student often gives `trace()` by mistake: a container of layers or the DataLoader is
refused with an `NNGraphError` saying what to give instead; a whole batch, an iterator, a data
set or weights without values get a note under the model's own error, which stays as it is
(it may be the forward's own, on an input it takes: a pair, a generator it reads)."""

from __future__ import annotations

import re
import traceback
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import nngraph as ng
from tests.capture.test_safety import assert_unchanged, snapshot


class _Counted(nn.Module):
    """An MLP that counts its forward calls."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(10, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        return self.net(x)


def _data(labels: bool = True) -> TensorDataset:
    torch.manual_seed(0)
    y = torch.randint(0, 3, (8,)) if labels else torch.randn(8, 1)
    return TensorDataset(torch.randn(8, 10), y)


def _note(error: BaseException) -> str:
    return "\n".join(getattr(error, "__notes__", []))


@pytest.mark.parametrize(
    ("labels", "batch_type", "loss"),
    [
        (True, "list", "F.cross_entropy"),
        (False, "list", "F.mse_loss"),
        (True, "tuple", "F.cross_entropy"),
    ],
)
def test_the_whole_batch_as_the_input_says_to_give_the_inputs_and_the_targets_apart(
    labels: bool, batch_type: str, loss: str
) -> None:
    """Sweep s44 zoo2, finding 4: `trace(model, next(iter(loader)))` gave torch's `linear():
    ... must be Tensor, not list` alone. Regression review s44 (1): the error stays torch's,
    with its traceback; the hint is a note under it."""
    batch = next(iter(DataLoader(_data(labels), batch_size=4)))
    if batch_type == "tuple":
        batch = tuple(batch)
    model = _Counted()
    before = snapshot(model)
    with pytest.raises(TypeError, match=f"not {batch_type}") as caught:
        ng.trace(model, batch, loss=lambda out: out.sum())
    note = _note(caught.value)
    assert f"nngraph: the model got one {batch_type} of 2 tensors (shapes [4, 10], [4" in note
    assert f"loss=lambda out: {loss}(out, y)" in note
    assert "*batch" not in note  # its forward takes one input (regression review s44 round 2)
    assert_unchanged(model, before)
    mask = torch.ones(4, dtype=torch.bool)  # regression review s44 (8): inputs, targets, mask
    with pytest.raises(TypeError) as caught:
        ng.trace(_Counted(), [*batch, mask])
    assert "one list of 3 tensors" in _note(caught.value)

    class TwoInputs(nn.Module):  # a forward that takes two inputs: or they are both inputs
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(10, 1)

        def forward(self, x: torch.Tensor, extra: torch.Tensor | None = None) -> torch.Tensor:
            return self.fc(x) if extra is None else self.fc(x) + extra

    with pytest.raises(TypeError) as caught:
        ng.trace(TwoInputs(), list(batch))
    assert "pass them apart: ng.trace(model, *batch, loss=...)" in _note(caught.value)


def test_a_pair_of_tensors_the_model_takes_is_given_as_it_is_and_its_own_errors_stay() -> None:
    """Regression review s44 (1): a model that takes an `(x, lengths)` pair and then passes an
    LSTM's tuple output to a Linear got "the whole batch" in place of its own error."""

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm, self.out = nn.LSTM(10, 6, batch_first=True), nn.Linear(6, 2)

        def forward(self, pair: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
            x, _lengths = pair
            return self.out(self.lstm(x))  # the bug: lstm gives (output, (h, c))

    pair = (torch.randn(4, 5, 10), torch.full((4,), 5))
    with pytest.raises(TypeError, match="not tuple") as caught:
        ng.trace(Tagger(), pair)
    frames = traceback.extract_tb(caught.value.__traceback__)
    assert any(f.name == "forward" and f.filename == __file__ for f in frames)  # the user's line
    pair_model = nn.Bilinear(10, 10, 1)
    g = ng.trace(pair_model, torch.randn(4, 10), torch.randn(4, 10), loss=lambda o: o.sum())
    assert len(g) > 0


def test_a_data_loader_as_the_input_is_refused_before_the_model_runs() -> None:
    """Sweep s44 zoo2, finding 4: the DataLoader itself gave `... must be Tensor, not
    DataLoader` from deep inside the model."""
    loader = DataLoader(_data(), batch_size=4)
    model = _Counted()
    for inputs, kwargs, where in (((loader,), {}, "inputs[0]"), ((), {"x": loader}, "x")):
        with pytest.raises(ng.NNGraphError, match=rf"^{re.escape(where)} is a DataLoader") as e:
            ng.trace(model, *inputs, **kwargs, loss=lambda out: out.sum())
        assert "x, y = next(iter(loader))" in str(e.value)
    assert model.calls == 0


@pytest.mark.parametrize("given", ["generator", "iterator", "loader iterator"])
def test_an_iterator_where_the_model_needs_a_tensor_says_to_take_an_item(given: str) -> None:
    """Sweep s44 zoo2, finding 4: a generator of batches gave `... must be Tensor, not
    generator` alone. A model that reads a generator still gets one (see test_models.py), and
    its own errors stay its own (regression review s44, 3): the hint is a note."""
    data = _data()
    batches = {
        "generator": lambda: (x for x, _ in [data[:4]]),
        "iterator": lambda: iter([data.tensors[0]]),
        "loader iterator": lambda: iter(DataLoader(data, batch_size=4)),
    }[given]()
    with pytest.raises((TypeError, AttributeError)) as caught:
        ng.trace(_Counted(), batches)
    assert _note(caught.value).startswith("nngraph: inputs[0] is an iterator (type ")
    for model in (nn.Sequential(nn.Flatten(), nn.Linear(10, 1)), nn.Linear(10, 1)):
        with pytest.raises((TypeError, AttributeError)) as caught:
            ng.trace(model, iter([data.tensors[0]]))
        assert "next(batches)" in _note(caught.value)


def test_a_dataset_as_the_input_says_to_take_a_batch() -> None:
    with pytest.raises((TypeError, AttributeError)) as caught:
        ng.trace(_Counted(), _data(), loss=lambda out: out.sum())
    assert "is a data set (type TensorDataset)" in _note(caught.value)


@pytest.mark.parametrize(
    "container",
    [
        nn.ModuleList([nn.Linear(10, 1)]),
        nn.ModuleDict({"fc": nn.Linear(10, 1)}),
        nn.ParameterList([nn.Parameter(torch.ones(2))]),
    ],
    ids=["ModuleList", "ModuleDict", "ParameterList"],
)
def test_a_container_of_layers_as_the_model_says_to_give_the_model_that_runs_them(
    container: nn.Module,
) -> None:
    """Sweep s44 zoo2, finding 4: an `nn.ModuleList` as the model gave PyTorch's `Module
    [ModuleList] is missing the required "forward" function`."""
    name = type(container).__name__
    with pytest.raises(
        ng.NNGraphError, match=rf"^the model, nn\.{name}, holds modules or parameters but"
    ):
        ng.trace(container, torch.randn(4, 10))


def test_a_module_given_its_forward_as_an_attribute_is_traced() -> None:
    layers = nn.ModuleList([nn.Linear(10, 4), nn.Linear(4, 1)])
    layers.forward = lambda x: layers[1](layers[0](x))  # type: ignore[method-assign]
    assert len(ng.trace(layers, torch.randn(2, 10), loss=lambda out: out.sum())) > 0


def test_a_model_that_runs_by_its_own_call_or_reads_a_loader_besides_is_traced() -> None:
    """Regression review s44 (2, 4): a forward written as `__call__` (ported code) was refused
    as having no forward; a DataLoader given besides the data (`calib=`) as an input."""

    class Called(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(10, 2)

        def __call__(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
            return self.fc(x)

    class Calibrated(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(10, 2)

        def forward(self, x: torch.Tensor, calib: DataLoader[Any]) -> torch.Tensor:
            scale = next(iter(calib))[0].std()
            return self.fc(x / scale)

    x = torch.randn(4, 10)
    assert len(ng.trace(Called(), x, loss=lambda out: out.sum())) > 0
    loader = DataLoader(_data(), batch_size=4)
    assert len(ng.trace(Calibrated(), x, loader, loss=lambda out: out.sum())) > 0
    assert len(ng.trace(Calibrated(), x, calib=loader, loss=lambda out: out.sum())) > 0


def test_the_models_own_errors_stay_whatever_their_text() -> None:
    """Regression review s44 (6, 7): an error whose `__str__` fails was replaced by that
    failure; a KeyError('metadata_scale') in a model with a meta placeholder buffer by the
    meta-device message."""

    class LazyText(Exception):
        def __str__(self) -> str:
            return f"failed: {self.reason}"  # type: ignore[attr-defined]

    class Failing(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.register_buffer("placeholder", torch.empty(0, device="meta"), persistent=False)

        def forward(self, x: torch.Tensor, info: dict[str, Any]) -> torch.Tensor:
            if info.get("lazy"):
                raise LazyText()
            return self.fc(x) * info["metadata_scale"]

    with pytest.raises(LazyText):
        ng.trace(Failing(), torch.randn(2, 4), {"lazy": True})
    with pytest.raises(KeyError, match="metadata_scale") as caught:
        ng.trace(Failing(), torch.randn(2, 4), {})
    assert not _note(caught.value)


def _meta_model() -> nn.Module:
    with torch.device("meta"):
        return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 1))


@pytest.mark.parametrize("keyword", [False, True])
def test_weights_on_the_meta_device_with_a_real_input_say_to_give_them_values(
    keyword: bool,
) -> None:
    """Sweep s44 zoo2, finding 4: a model built under `torch.device("meta")` gave `Tensor on
    device meta is not on the expected device cpu!`."""
    model = _meta_model()
    kwargs: dict[str, Any] = {"input": torch.randn(4, 10)} if keyword else {}
    inputs = () if keyword else (torch.randn(4, 10),)
    with pytest.raises(RuntimeError, match="meta") as e:
        ng.trace(model, *inputs, **kwargs, loss=lambda out: F.mse_loss(out, torch.zeros(4, 1)))
    text = _note(e.value)
    assert text.startswith("nngraph: the model's weights are on the meta device")
    where = "input" if keyword else "inputs[0]"
    assert f"from {where}, which is on cpu" in text
    assert "model.to_empty(device='cpu')" in text and "load_state_dict" in text


def test_weights_and_input_on_the_meta_device_say_nothing_was_checked() -> None:
    """Sweep s44 zoo2, finding 4: no node had a value, yet the summary said "Findings: none in
    the forward pass", as if the forward had been checked."""
    g = ng.trace(_meta_model(), torch.randn(4, 10, device="meta"), loss=lambda o: o.mean())
    said = "Findings: none checked (the tensors are on the meta device"
    assert str(g.summary()).splitlines()[-1].startswith(said)
    assert str(g.health()).startswith(said) and g.health() == []
    forward_only = ng.trace(_meta_model(), torch.randn(4, 10, device="meta"))
    assert str(forward_only.health()).startswith(said)


def test_a_graph_without_values_says_nothing_was_checked() -> None:
    """Sweep s44 zoo2, finding 4: `graph_of(y, stats=False)` records the structure alone, and
    its summary said "none in the forward pass" too."""
    w = torch.randn(3, requires_grad=True)
    g = ng.graph_of((w * 2).sum(), stats=False)
    assert str(g.health()) == (
        "Findings: none checked (no values or gradients were recorded, only the structure and"
        " the shapes)"
    )


@pytest.mark.parametrize(
    ("mistake", "said"),
    [
        ("batch", r"^nngraph: model dostał jeden obiekt list z tensorami w liczbie 2"),
        ("loader", r"^inputs\[0\] to DataLoader, który zawiera cały zbiór danych"),
        ("iterator", r"^nngraph: inputs\[0\] to iterator \(typ generator\)"),
        ("dataset", r"^nngraph: inputs\[0\] to zbiór danych \(typ TensorDataset\)"),
        ("container", r"^model, nn\.ModuleList, przechowuje moduły"),
        ("meta", r"^nngraph: wagi modelu są na urządzeniu meta"),
    ],
)
def test_wrong_inputs_are_told_in_polish_too(mistake: str, said: str) -> None:
    data = _data()
    call = {
        "batch": lambda: ng.trace(_Counted(), list(data[:4])),
        "loader": lambda: ng.trace(_Counted(), DataLoader(data, batch_size=4)),
        "iterator": lambda: ng.trace(_Counted(), (x for x in [data.tensors[0]])),
        "dataset": lambda: ng.trace(_Counted(), data),
        "container": lambda: ng.trace(nn.ModuleList([nn.Linear(10, 1)]), data.tensors[0]),
        "meta": lambda: ng.trace(_meta_model(), data.tensors[0]),
    }[mistake]
    ng.set_language("pl")
    try:
        with pytest.raises(Exception) as caught:
            call()
        told = (
            str(caught.value) if isinstance(caught.value, ng.NNGraphError) else _note(caught.value)
        )
        assert re.search(said, told), told
    finally:
        ng.set_language("en")


def test_a_note_is_added_once_to_an_error_met_again() -> None:
    """Regression review s44 round 2 (1): an error raised again (a stored one, or one met by a
    trace() within a trace()) collected one more copy of the note each time."""
    stored = TypeError("linear(): argument 'input' must be Tensor, not list")

    class Raises(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(10, 1)

        def forward(self, x: Any) -> torch.Tensor:
            raise stored

    batch = list(_data()[:4])
    for _ in range(3):
        with pytest.raises(TypeError):
            ng.trace(Raises(), batch)
    assert len(stored.__notes__) == 1
